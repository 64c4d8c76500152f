/*
 * enum.c — C enums to and from their database names through a table that
 * generated code emits once per enum.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *rf_enum_to_string(const rf_enum_table *t, int value)
{
    if (!t || value < 0 || value >= t->count)
        return NULL;
    return t->names[value];
}

rf_status rf_enum_lookup(const rf_enum_table *t, const char *s, size_t len, int *out)
{
    if (!t || !s)
        return RF_INVALID_ARGUMENT;
    /* Enums are short lists: a scan beats hashing. */
    for (int i = 0; i < t->count; i++) {
        if (strlen(t->names[i]) == len && !memcmp(t->names[i], s, len)) {
            *out = i;
            return RF_OK;
        }
    }
    return RF_INVALID_ARGUMENT;
}

rf_status rf_enum_from_string(const rf_enum_table *t, const char *s, int *out)
{
    return s ? rf_enum_lookup(t, s, strlen(s), out) : RF_INVALID_ARGUMENT;
}

static rf_status get_enum(const rf_result *r, int row, int col, const rf_enum_table *t,
                          bool *has, int *out)
{
    rf_value v;
    bool null;
    *out = 0;
    rf_status st = rf_cell(r, row, col, &v, &null);
    if (st != RF_OK)
        return st;
    if (null) {
        if (has) {
            *has = false;
            return RF_OK;
        }
        return rf_cell_failed(r, row, col, RF_DECODE, "unexpected NULL");
    }
    /* Text and binary forms of an enum are both its label. */
    if (rf_enum_lookup(t, v.data, (size_t)v.len, out) != RF_OK) {
        char why[160];
        snprintf(why, sizeof why, "\"%.80s\" is not a value of enum %s (regenerate the client?)",
                 v.data, t && t->name ? t->name : "?");
        return rf_cell_failed(r, row, col, RF_DECODE, why);
    }
    if (has)
        *has = true;
    return RF_OK;
}

rf_status rf_get_enum(const rf_result *r, int row, int col, const rf_enum_table *t, int *out)
{
    return get_enum(r, row, col, t, NULL, out);
}

rf_status rf_get_opt_enum(const rf_result *r, int row, int col, const rf_enum_table *t,
                          bool *has, int *out)
{
    return get_enum(r, row, col, t, has, out);
}

void rf_params_add_enum(rf_params *p, const rf_enum_table *t, int value)
{
    const char *name = rf_enum_to_string(t, value);
    if (!name) {
        rf_params_add_null(p);
        if (p->error == RF_OK)
            p->error = RF_INVALID_ARGUMENT;
        return;
    }
    rf_params_add_text(p, name);
}
