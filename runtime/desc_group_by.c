/*
 * desc_group_by.c — Prisma's groupBy: the rows of a where grouped by one or
 * more fields, each group with the aggregates of desc_aggregate.c, kept by
 * `having` conditions on aggregates, ordered by group fields or aggregates
 * (by the group fields when no order is given, so that pages are stable),
 * then skip / take. One statement:
 *
 *   SELECT by..., COUNT(*), aggregates... FROM table AS t WHERE ...
 *   GROUP BY by... HAVING ... ORDER BY ... LIMIT $n OFFSET $m
 *
 * Each result row is a `<model>_group_by_row`: the group's values of the
 * `by` fields in `key` (a row struct; other members zero) and its
 * aggregates in `aggregate` (a `<model>_aggregate_result`).
 */
#include "desc_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct group_query {
    const void *where;
    rf_select chosen[RF_AGG_NOPS];
    const int *by;
    size_t nby;
    const rf_having *having;
    size_t nhaving;
    const rf_group_order *order;
    size_t norder;
    int64_t skip, take;
} group_query;

/* A list member (pointer, count) of the query at offset. */
static const void *list_at(const void *query, size_t offset, size_t *n)
{
    struct { const void *items; size_t count; } l;
    memcpy(&l, RF_AT(query, offset), sizeof l);
    *n = l.count;
    return l.items;
}

static bool read_query(const rf_model_desc *m, const void *query, group_query *g)
{
    const size_t *agg = m->aggregate;
    memcpy(&g->where, query, sizeof g->where);
    for (int op = 0; op < RF_AGG_NOPS; op++)
        g->chosen[op] = (rf_select)RF_AT(query, agg[RF_GROUP_QUERY + op]);
    g->by = list_at(query, agg[RF_GROUP_BY], &g->nby);
    g->having = list_at(query, agg[RF_GROUP_HAVING], &g->nhaving);
    g->order = list_at(query, agg[RF_GROUP_ORDER], &g->norder);
    memcpy(&g->skip, RF_AT(query, agg[RF_GROUP_SKIP]), sizeof g->skip);
    memcpy(&g->take, RF_AT(query, agg[RF_GROUP_SKIP] + sizeof g->skip), sizeof g->take);
    if (g->nby == 0 || !g->by || (g->nhaving && !g->having) || (g->norder && !g->order) ||
        g->skip < 0 || g->take < 0)
        return false;
    for (size_t i = 0; i < g->nby; i++)
        if (g->by[i] < 0 || (size_t)g->by[i] >= m->nfields ||
            (m->fields[g->by[i]].flags & RF_FIELD_LIST))
            return false;
    return true;
}

static bool grouped(const group_query *g, int field)
{
    for (size_t i = 0; i < g->nby; i++)
        if (g->by[i] == field)
            return true;
    return false;
}

/* The SQL of aggregate `a` over field `field` (false: not applicable). */
static bool put_agg_expr(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                         const group_query *g, rf_agg a, int field)
{
    if (a == RF_COUNT_ALL) {
        rf_q_sql(q, "COUNT(*)");
        return true;
    }
    if (field < 0 || (size_t)field >= m->nfields)
        return false;
    if (a == RF_GROUP_FIELD) {
        if (!grouped(g, field))
            return false; /* PostgreSQL sorts groups by grouped columns only */
        rf_q_sql(q, s->qualified[field]);
        return true;
    }
    if (a < RF_COUNT || a > RF_MAX)
        return false;
    rf_agg_op op = (rf_agg_op)(a - RF_COUNT);
    if (!rf_desc_agg_applies(&m->fields[field], op))
        return false;
    rf_desc_put_agg(q, &m->fields[field], op, s->qualified[field]);
    return true;
}

static void put_having(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                       const group_query *g)
{
    rf_q_sql(q, " HAVING ");
    rf_q_group_begin(q, "AND");
    for (size_t i = 0; i < g->nhaving && !q->failed; i++) {
        const rf_having *h = &g->having[i];
        /* The aggregate as a double, built aside as the filter's "column". */
        rf_query e;
        rf_query_init(&e);
        rf_q_sql(&e, "(");
        bool ok = h->agg != RF_GROUP_FIELD && put_agg_expr(&e, m, s, g, h->agg, h->field);
        rf_q_sql(&e, ")::float8");
        const char *expr = ok && !e.failed ? rf_arena_strdup(&q->scratch, e.sql) : NULL;
        rf_query_free(&e);
        if (!expr) {
            rf_query_fail(q, ok ? RF_NO_MEMORY : RF_INVALID_ARGUMENT);
            break;
        }
        rf_q_where_f64(q, expr, &h->filter);
    }
    rf_q_group_end(q);
}

static void put_order_page(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                           const group_query *g)
{
    rf_q_sql(q, " ORDER BY ");
    for (size_t i = 0; i < g->norder; i++) {
        const rf_group_order *o = &g->order[i];
        rf_q_sql(q, i ? ", " : "");
        if (!put_agg_expr(q, m, s, g, o->agg, o->field)) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        rf_q_sql(q, o->sort == RF_DESC ? " DESC" : " ASC");
        if (o->nulls != RF_NULLS_DEFAULT)
            rf_q_sql(q, o->nulls == RF_NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
    }
    /* Then the group fields: a defined order, and stable pages. */
    for (size_t i = 0; i < g->nby; i++) {
        rf_q_sql(q, i || g->norder ? ", " : "");
        rf_q_sql(q, s->qualified[g->by[i]]);
    }
    if (g->take) {
        rf_q_sql(q, " LIMIT ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, g->take);
    }
    if (g->skip) {
        rf_q_sql(q, " OFFSET ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, g->skip);
    }
}

static void put_statement(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                          const group_query *g)
{
    rf_q_sql(q, "SELECT ");
    for (size_t i = 0; i < g->nby; i++) {
        rf_q_sql(q, i ? ", " : "");
        rf_q_sql(q, s->qualified[g->by[i]]);
    }
    rf_q_sql(q, ", COUNT(*)");
    rf_desc_put_aggregates(q, m, s, g->chosen, true);
    rf_q_sql(q, " FROM ");
    rf_q_sql(q, s->table);
    rf_q_sql(q, " AS t WHERE ");
    rf_q_group_begin(q, "AND");
    if (g->where)
        rf_desc_put_where(q, m, s, g->where);
    rf_q_group_end(q);
    rf_q_sql(q, " GROUP BY ");
    for (size_t i = 0; i < g->nby; i++) {
        rf_q_sql(q, i ? ", " : "");
        rf_q_sql(q, s->qualified[g->by[i]]);
    }
    if (g->nhaving)
        put_having(q, m, s, g);
    put_order_page(q, m, s, g);
}

static rf_status decode_groups(const rf_model_desc *m, const group_query *g,
                               const rf_result *res, char *rows, rf_arena *arena)
{
    const size_t *agg = m->aggregate;
    size_t stride = agg[RF_GROUP_ROW_SIZE];
    memset(rows, 0, (size_t)res->rows * stride);
    rf_status st = RF_OK;
    for (int r = 0; r < res->rows && st == RF_OK; r++) {
        char *row = rows + (size_t)r * stride;
        char *key = row + agg[RF_GROUP_KEY], *out = row + agg[RF_GROUP_AGGREGATE];
        int col = 0;
        for (size_t i = 0; i < g->nby && st == RF_OK; i++) {
            const rf_field_desc *f = &m->fields[g->by[i]];
            st = rf_desc_decode_value(f, res, r, col++, key + f->row, arena);
        }
        if (st == RF_OK)
            st = rf_get_i64(res, r, col++, (int64_t *)out);
        if (st == RF_OK)
            st = rf_desc_decode_aggregates(m, g->chosen, agg + RF_AGGREGATE_RESULT, res, r, &col,
                                           out, arena);
    }
    return st;
}

rf_status rf_desc_group_by(rf_client *c, const rf_model_desc *m, const void *query, void *out,
                           rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !m->aggregate || !out)
        return rf_desc_misuse(c, "group_by: `out` is NULL");
    rf_any_list *list = out;
    list->items = NULL;
    list->count = 0;
    group_query g;
    if (!query || !read_query(m, query, &g))
        return rf_desc_misuse(c, "group_by: no `by` fields (or a list field, a NULL array "
                                 "with a count, a negative skip or take)");
    if (!arena)
        return rf_desc_misuse(c, "an arena is needed for the results");
    const rf_desc_sql *s = rf_desc_sql_get(m);
    if (!s)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_query q;
    rf_query_init(&q);
    put_statement(&q, m, s, &g);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    rf_query_free(&q);
    if (st == RF_OK && (st = rf_result_keep(&res, arena)) != RF_OK)
        rf_result_clear(&res);
    if (st != RF_OK || res.rows == 0)
        return st;
    char *rows = rf_arena_alloc(arena, (size_t)res.rows * m->aggregate[RF_GROUP_ROW_SIZE]);
    if (!rows)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    st = decode_groups(m, &g, &res, rows, arena);
    if (st != RF_OK)
        return st;
    list->items = rows;
    list->count = (size_t)res.rows;
    return RF_OK;
}
