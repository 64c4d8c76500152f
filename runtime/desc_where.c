/*
 * desc_where.c — a `<model>_where` walked through its descriptor: one
 * filter per field (the rf_q_where_* of its kind; lists: desc_where_list.c), the relation filters
 * (desc_relfilter.c), then the AND / OR / NOT groups, recursively. The SQL depends only on which filters are present,
 * so each shape is one prepared statement.
 */
#include "desc_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A generated `<enum>_filter` (enums are int-sized). */
typedef struct enum_filter {
    unsigned ops;
    int equals, not_equals;
    const int *in;
    size_t nin;
    const int *not_in;
    size_t nnot_in;
} enum_filter;

static void where_enum(rf_query *q, const rf_field_desc *f, const char *col, const enum_filter *w)
{
    if (!rf_q_lists_ok(q, w->ops, w->in, w->nin, w->not_in, w->nnot_in))
        return;
    if (w->ops & RF_OP_EQUALS) {
        rf_q_cond(q, "@ = $", col);
        rf_params_add_enum(&q->params, f->enum_table, w->equals - 1);
    }
    if (w->ops & RF_OP_NOT) {
        rf_q_cond(q, "@ <> $", col);
        rf_params_add_enum(&q->params, f->enum_table, w->not_equals - 1);
    }
    if (w->ops & RF_OP_IN) {
        rf_q_cond(q, "@ = ANY($)", col);
        rf_q_add_enum_array(q, f->enum_table, w->in, w->nin, 1);
    }
    if (w->ops & RF_OP_NOT_IN) {
        rf_q_cond(q, "NOT (@ = ANY($))", col);
        rf_q_add_enum_array(q, f->enum_table, w->not_in, w->nnot_in, 1);
    }
    if (w->ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", col);
    if (w->ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", col);
}

/* An rf_search_filter: its text filter part (copied out, the two structs
 * sharing their first members), then `search`. */
static void where_search(rf_query *q, const char *col, const void *w)
{
    rf_text_filter text;
    const char *search;
    memcpy(&text, w, sizeof text);
    memcpy(&search, RF_AT(w, offsetof(rf_search_filter, search)), sizeof search);
    rf_q_where_text(q, col, &text);
    rf_q_where_search(q, col, search);
}

/* A group member of the where struct: the array and its count. */
static rf_any_list group(const void *where, size_t offset)
{
    rf_any_list g;
    memcpy(&g, RF_AT(where, offset), sizeof g);
    return g;
}

const char *rf_desc_column_at(rf_query *q, const rf_desc_sql *s, size_t i, int depth)
{
    if (depth == 0)
        return s->qualified[i];
    size_t n = strlen(s->column[i]) + 16;
    char *col = rf_q_alloc(q, n);
    if (!col)
        return "";
    snprintf(col, n, "t%d.%s", depth, s->column[i]);
    return col;
}

void rf_desc_put_where(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                       const void *where)
{
    rf_desc_put_where_at(q, m, s, where, 0);
}

void rf_desc_put_where_group(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where)
{
    rf_q_group_begin(q, "AND");
    if (where)
        rf_desc_put_where(q, m, s, where);
    rf_q_group_end(q);
}

void rf_desc_put_where_at(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                          const void *where, int depth)
{
    if (q->failed)
        return; /* e.g. nested too deep: a where that contains itself ends here */
    for (size_t i = 0; i < m->nfields; i++) {
        const rf_field_desc *f = &m->fields[i];
        if (f->where == RF_NO_MEMBER)
            continue;
        const void *w = RF_AT(where, f->where);
        /* Every filter struct starts with its `ops`; text and json filters
         * also apply through their pointer members, so they always look. */
        unsigned ops;
        memcpy(&ops, w, sizeof ops);
        const char *col = rf_desc_column_at(q, s, i, depth);
        if (f->flags & RF_FIELD_LIST) {
            rf_desc_where_list(q, f, col, w);
            continue;
        }
        switch ((rf_value_kind)f->kind) {
        case RF_KIND_TEXT:
            if (f->flags & RF_FIELD_SEARCH)
                where_search(q, col, w);
            else
                rf_q_where_text(q, col, w);
            break;
        case RF_KIND_DECIMAL: rf_q_where_decimal(q, col, w); break;
        case RF_KIND_JSON: rf_q_where_json(q, col, w); break;
        case RF_KIND_I32: if (ops) rf_q_where_i32(q, col, w); break;
        case RF_KIND_I64: if (ops) rf_q_where_i64(q, col, w); break;
        case RF_KIND_F64: if (ops) rf_q_where_f64(q, col, w); break;
        case RF_KIND_BOOL: if (ops) rf_q_where_bool(q, col, w); break;
        case RF_KIND_TIMESTAMP: if (ops) rf_q_where_timestamp(q, col, f->type, w); break;
        case RF_KIND_BYTES: if (ops) rf_q_where_bytes(q, col, w); break;
        case RF_KIND_ENUM: if (ops) where_enum(q, f, col, w); break;
        }
    }
    rf_desc_put_relation_filters(q, m, s, where, depth);
    rf_any_list and_ = group(where, m->where_and), or_ = group(where, m->where_or),
                not_ = group(where, m->where_not);
    if ((!and_.items && and_.count) || (!or_.items && or_.count) || (!not_.items && not_.count)) {
        rf_query_fail(q, RF_INVALID_ARGUMENT); /* a NULL array with a count */
        return;
    }
    for (size_t i = 0; i < and_.count; i++) {
        rf_q_group_begin(q, "AND");
        rf_desc_put_where_at(q, m, s, RF_AT(and_.items, i * m->where_size), depth);
        rf_q_group_end(q);
    }
    if (or_.items) {
        rf_q_group_begin(q, "OR");
        for (size_t i = 0; i < or_.count; i++) {
            rf_q_group_begin(q, "AND");
            rf_desc_put_where_at(q, m, s, RF_AT(or_.items, i * m->where_size), depth);
            rf_q_group_end(q);
        }
        rf_q_group_end(q);
    }
    for (size_t i = 0; i < not_.count; i++) {
        rf_q_group_begin(q, "NOT");
        rf_desc_put_where_at(q, m, s, RF_AT(not_.items, i * m->where_size), depth);
        rf_q_group_end(q);
    }
}
