/*
 * desc_include.c — loading relations for rows already read: one query per
 * relation for all the parent rows (`= ANY($1)` over their link values, or
 * `= $1` for a single parent), then each related row is attached to its
 * parent through a hash map of link values.
 */
#include "desc_internal.h"

#include <stdlib.h>
#include <string.h>

static bool link_is_int(const rf_field_desc *f)
{
    return f->kind == RF_KIND_I32 || f->kind == RF_KIND_I64;
}

/* The link value of a row (false: NULL, nothing links). */
static bool link_value(const rf_field_desc *f, const void *row, int64_t *i, const char **s)
{
    const void *v = RF_AT(row, f->row);
    bool opt = f->flags & RF_FIELD_NULLABLE;
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_I32:
        if (opt) {
            *i = ((const rf_opt_i32 *)v)->value;
            return ((const rf_opt_i32 *)v)->has;
        }
        *i = *(const int32_t *)v;
        return true;
    case RF_KIND_I64:
        if (opt) {
            *i = ((const rf_opt_i64 *)v)->value;
            return ((const rf_opt_i64 *)v)->has;
        }
        *i = *(const int64_t *)v;
        return true;
    default:
        *s = *(const char *const *)v;
        return *s != NULL;
    }
}

/* Runs the load of relation ri for the parents' link values. */
static rf_status fetch_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                               size_t ri, const void *rows, size_t n, rf_result *res)
{
    const rf_field_desc *lf = &m->fields[m->relations[ri].link];
    bool ints = link_is_int(lf);
    int64_t *ikeys = ints ? malloc((n ? n : 1) * sizeof *ikeys) : NULL;
    const char **tkeys = ints ? NULL : malloc((n ? n : 1) * sizeof *tkeys);
    if (!ikeys && !tkeys)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    size_t nkeys = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t iv = 0;
        const char *sv = NULL;
        if (link_value(lf, RF_AT(rows, i * m->row_size), &iv, &sv)) {
            if (ints)
                ikeys[nkeys++] = iv;
            else
                tkeys[nkeys++] = sv;
        }
    }
    rf_params params;
    rf_params_init(&params);
    const rf_stmt *stmt = &s->load[ri];
    if (nkeys == 1) {
        stmt = &s->load_one[ri];
        if (ints)
            rf_params_add_i64(&params, ikeys[0]);
        else
            rf_params_add_text(&params, tkeys[0]);
    } else if (ints) {
        rf_params_add_i64_array(&params, ikeys, nkeys);
    } else {
        rf_params_add_text_array(&params, tkeys, nkeys);
    }
    rf_status st = rf_exec_params(c, stmt, &params, res);
    free(ikeys);
    free(tkeys);
    rf_params_free(&params);
    return st;
}

/* The link value in column 0 of related row j. */
static rf_status related_link(const rf_result *res, int j, bool ints, rf_arena *arena,
                              int64_t *iv, const char **sv)
{
    if (ints)
        return rf_get_i64(res, j, 0, iv);
    return rf_get_text(res, j, 0, arena, sv, NULL);
}

static rf_status load(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t ri,
                      void *rows, size_t n, rf_arena *arena)
{
    const rf_relation_desc *r = &m->relations[ri];
    const rf_model_desc *t = r->target;
    bool ints = link_is_int(&m->fields[r->link]);
    rf_result res = RF_RESULT_INIT;
    rf_status st = fetch_related(c, m, s, ri, rows, n, &res);
    if (st != RF_OK)
        return st;
    st = rf_result_keep(&res, arena);
    if (st != RF_OK) {
        rf_result_clear(&res);
        return st;
    }
    size_t nrel = (size_t)res.rows;
    char *items = rf_arena_alloc(arena, (nrel ? nrel : 1) * t->row_size);
    size_t *links = malloc((nrel ? nrel : 1) * sizeof *links);
    rf_keymap map = {0};
    if (!items || !links || rf_keymap_init(&map, nrel > n ? nrel : n) != RF_OK) {
        free(links);
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    }
    if (nrel)
        st = rf_desc_decode_rows(t, NULL, &res, 1, items, arena);
    if (r->kind != RF_REL_ONE) {
        /* Parent link value → parent; each related row → its parent. */
        for (size_t i = 0; i < n && st == RF_OK; i++) {
            int64_t iv = 0;
            const char *sv = NULL;
            if (link_value(&m->fields[r->link], RF_AT(rows, i * m->row_size), &iv, &sv))
                st = ints ? rf_keymap_put_int(&map, iv, i) : rf_keymap_put_text(&map, sv, i);
        }
        for (size_t j = 0; j < nrel && st == RF_OK; j++) {
            int64_t iv = 0;
            const char *sv = NULL;
            st = related_link(&res, (int)j, ints, arena, &iv, &sv);
            links[j] = ints ? rf_keymap_get_int(&map, iv) : rf_keymap_get_text(&map, sv);
            if (st == RF_OK && links[j] != SIZE_MAX)
                ((rf_any_list *)RF_AT_MUT(rows, links[j] * m->row_size + r->row))->count++;
        }
        for (size_t i = 0; i < n && st == RF_OK; i++) {
            rf_any_list *list = (rf_any_list *)RF_AT_MUT(rows, i * m->row_size + r->row);
            size_t count = list->count;
            list->items = count ? rf_arena_alloc(arena, count * t->row_size) : NULL;
            list->count = 0;
            if (count && !list->items)
                st = rf_fail(c, RF_NO_MEMORY, "out of memory");
        }
        for (size_t j = 0; j < nrel && st == RF_OK; j++) {
            if (links[j] == SIZE_MAX)
                continue;
            rf_any_list *list = (rf_any_list *)RF_AT_MUT(rows, links[j] * m->row_size + r->row);
            memcpy((char *)list->items + list->count++ * t->row_size, items + j * t->row_size,
                   t->row_size);
        }
    } else {
        /* Link value → related row; each parent points at its row. */
        for (size_t j = 0; j < nrel && st == RF_OK; j++) {
            int64_t iv = 0;
            const char *sv = NULL;
            st = related_link(&res, (int)j, ints, arena, &iv, &sv);
            if (st == RF_OK && (ints || sv))
                st = ints ? rf_keymap_put_int(&map, iv, j) : rf_keymap_put_text(&map, sv, j);
        }
        for (size_t i = 0; i < n && st == RF_OK; i++) {
            void **member = (void **)RF_AT_MUT(rows, i * m->row_size + r->row);
            *member = NULL;
            int64_t iv = 0;
            const char *sv = NULL;
            if (link_value(&m->fields[r->link], RF_AT(rows, i * m->row_size), &iv, &sv)) {
                size_t j = ints ? rf_keymap_get_int(&map, iv) : rf_keymap_get_text(&map, sv);
                if (j != SIZE_MAX)
                    *member = items + j * t->row_size;
            }
        }
    }
    rf_keymap_free(&map);
    free(links);
    return st;
}

rf_status rf_desc_include(rf_client *c, const rf_model_desc *m, void *rows, size_t n,
                          const void *include, rf_arena *arena)
{
    if (!include || n == 0 || m->nrelations == 0)
        return RF_OK;
    const rf_desc_sql *s = NULL;
    rf_status st = RF_OK;
    for (size_t i = 0; i < m->nrelations && st == RF_OK; i++) {
        if (!*(const bool *)RF_AT(include, m->relations[i].include))
            continue;
        if (!s && !(s = rf_desc_sql_get(m)))
            return rf_fail(c, RF_NO_MEMORY, "out of memory");
        st = load(c, m, s, i, rows, n, arena);
    }
    return st;
}
