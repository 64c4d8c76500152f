/*
 * desc_read.c — the reading operations of generated clients: find_unique,
 * find_many, find_first and count, from a model descriptor; and what the
 * writing operations share with them (running a one-row statement,
 * RF_NOT_FOUND, misuse).
 */
#include "desc_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

rf_status rf_desc_misuse(rf_client *c, const char *what)
{
    return rf_fail(c, RF_INVALID_ARGUMENT, what);
}

rf_status rf_desc_not_found(rf_client *c, const rf_model_desc *m)
{
    rf_error_setf(&c->err, RF_NOT_FOUND, "No %s found", m->name);
    /* Prisma's P2025 names the model; rf_error.table carries the table. */
    const char *table = rf_arena_strdup(&c->err.strings, m->table);
    if (table)
        c->err.error.table = table;
    return RF_NOT_FOUND;
}

rf_status rf_desc_fetch_one(rf_client *c, const rf_model_desc *m, rf_select select,
                            const rf_stmt *stmt, const rf_params *params, void *out,
                            rf_arena *arena)
{
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_exec_params(c, stmt, params, &res);
    if (st != RF_OK)
        return st;
    if (res.rows == 0) {
        rf_result_clear(&res);
        return rf_desc_not_found(c, m);
    }
    if (!out) {
        rf_result_clear(&res);
        return RF_OK;
    }
    if (!arena) {
        rf_result_clear(&res);
        return rf_fail(c, RF_INVALID_ARGUMENT, "an arena is needed for the result");
    }
    st = rf_result_keep(&res, arena);
    if (st != RF_OK) {
        rf_result_clear(&res);
        return st;
    }
    return rf_desc_decode_one(m, select, &res, 0, 0, out, arena);
}

/* The model's SQL, or RF_NO_MEMORY recorded. */
static const rf_desc_sql *sql_of(rf_client *c, const rf_model_desc *m, rf_status *st)
{
    const rf_desc_sql *s = rf_desc_sql_get(m);
    *st = s ? RF_OK : rf_fail(c, RF_NO_MEMORY, "out of memory");
    return s;
}

rf_select rf_desc_with_links(const rf_model_desc *m, rf_select select, const void *include,
                            rf_arena *mem)
{
    if (!select || !include)
        return select;
    bool *mask = NULL;
    for (size_t i = 0; i < m->nrelations; i++) {
        const rf_relation_desc *r = &m->relations[i];
        if (!rf_desc_included(r, include) || select[r->link])
            continue;
        if (!mask && !(mask = rf_arena_memdup(mem, select, m->nfields)))
            return NULL;
        mask[r->link] = true;
    }
    return mask ? mask : select;
}

/* Runs a statement that yields at most one row whose columns are `select`'s
 * and then the counts `include` asks for, into out (may be NULL). */
static rf_status fetch_one_counted(rf_client *c, const rf_model_desc *m, rf_select select,
                                   const void *include, const rf_stmt *stmt,
                                   const rf_params *params, void *out, rf_arena *arena)
{
    if (!out || !rf_desc_any_counted(m, NULL, include))
        return rf_desc_fetch_one(c, m, select, stmt, params, out, arena);
    if (!arena)
        return rf_fail(c, RF_INVALID_ARGUMENT, "an arena is needed for the result");
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_exec_params(c, stmt, params, &res);
    if (st == RF_OK && res.rows == 0)
        st = rf_desc_not_found(c, m);
    if (st == RF_OK && (st = rf_result_keep(&res, arena)) == RF_OK) {
        st = rf_desc_decode_one(m, select, &res, 0, 0, out, arena);
        if (st == RF_OK)
            st = rf_desc_decode_counts(m, NULL, include, &res,
                                       rf_desc_selected_columns(m, select), out);
        return st;
    }
    rf_result_clear(&res);
    return st;
}

rf_status rf_desc_find_unique(rf_client *c, const rf_model_desc *m, size_t u,
                              const void *const *key, const void *include, rf_select select,
                              void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || u >= m->nuniques || !key)
        return rf_desc_misuse(c, "find_unique: no model, criterion or key");
    rf_status st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    const rf_unique_desc *ud = &m->uniques[u];
    rf_query q;
    rf_query_init(&q);
    if (select && !(select = rf_desc_with_links(m, select, include, &q.scratch))) {
        rf_query_free(&q);
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    }
    /* The key is $1.. (bound first: a count's filter adds parameters). */
    for (size_t k = 0; k < ud->nparts; k++)
        rf_desc_bind_plain(&q, &m->fields[ud->parts[k]], key[k]);
    /* The fixed lookup, unless columns are chosen or relations counted. */
    bool counts = out && rf_desc_any_counted(m, NULL, include);
    rf_stmt dyn;
    const rf_stmt *stmt = &s->find[u];
    if (select || counts) {
        rf_q_sql(&q, "SELECT ");
        rf_desc_put_select(&q, m, s, select);
        if (counts)
            rf_desc_put_counts(&q, m, s, NULL, include);
        rf_q_sql(&q, " FROM ");
        rf_q_sql(&q, s->table);
        rf_q_sql(&q, " AS t");
        for (size_t k = 0; k < ud->nparts; k++) {
            rf_q_sql(&q, k ? " AND " : " WHERE ");
            rf_q_sql(&q, s->qualified[ud->parts[k]]);
            rf_q_sql(&q, " = ");
            rf_q_param_ref(&q, (int)k + 1);
        }
        stmt = &dyn;
    }
    st = stmt == &dyn ? rf_q_stmt(c, &q, &dyn) : rf_q_check(c, &q);
    if (st == RF_OK)
        st = fetch_one_counted(c, m, select, include, stmt, &q.params, out, arena);
    rf_query_free(&q);
    if (st == RF_OK && out)
        st = rf_desc_include(c, m, out, 1, include, arena);
    return st;
}

static const void *query_include(const rf_model_desc *m, const void *query);
static const int *distinct_of(const rf_model_desc *m, const void *query, size_t *n);

/* The members of a `<model>_query` after its head. */
static const void *query_member(const void *query, size_t offset)
{
    const void *p = NULL;
    if (query && offset != RF_NO_MEMBER)
        memcpy(&p, RF_AT(query, offset), sizeof p);
    return p;
}

/* What is wrong with a query's head, or NULL. */
static const char *head_problem(const rf_query_head *h)
{
    if (h->take == INT64_MIN)
        return "take is INT64_MIN (no row count has that magnitude)";
    if (h->skip < 0)
        return "skip is negative";
    if (h->norder && !h->order_by)
        return "order_by is NULL with norder > 0";
    return NULL;
}

static rf_status check_head(rf_client *c, const rf_query_head *h)
{
    const char *problem = head_problem(h);
    return problem ? rf_desc_misuse(c, problem) : RF_OK;
}

/* A query's lock is usable: a known mode, at most one of skip_locked and
 * nowait (and neither without a mode), inside a transaction (outside one
 * the lock would end with the statement), and no distinct or include
 * (PostgreSQL refuses FOR UPDATE with DISTINCT; included rows would come
 * unlocked). */
static rf_status check_lock(rf_client *c, const rf_model_desc *m, const void *query,
                            const rf_lock *l)
{
    if (l->mode == RF_LOCK_NONE && !l->skip_locked && !l->nowait)
        return RF_OK;
    if (l->mode < RF_LOCK_NONE || l->mode > RF_LOCK_FOR_KEY_SHARE)
        return rf_desc_misuse(c, "lock: unknown mode");
    if (l->mode == RF_LOCK_NONE)
        return rf_desc_misuse(c, "lock: skip_locked or nowait without a mode");
    if (l->skip_locked && l->nowait)
        return rf_desc_misuse(c, "lock: skip_locked and nowait together");
    if (!rf_in_transaction(c))
        return rf_desc_misuse(c, "lock: rows can be locked only inside a transaction");
    size_t nd;
    distinct_of(m, query, &nd);
    if (nd)
        return rf_desc_misuse(c, "lock: PostgreSQL does not lock rows with distinct");
    const char *inc = query_include(m, query);
    for (size_t i = 0; inc && i < m->nrelations; i++)
        if (rf_desc_included(&m->relations[i], inc))
            return rf_desc_misuse(c, "lock: included rows would not be locked; query them apart");
    return RF_OK;
}

/* The locking clause after ORDER BY / LIMIT. */
static void put_lock(rf_query *q, const rf_lock *l)
{
    static const char *const modes[] = {
        [RF_LOCK_FOR_UPDATE] = " FOR UPDATE", [RF_LOCK_FOR_NO_KEY_UPDATE] = " FOR NO KEY UPDATE",
        [RF_LOCK_FOR_SHARE] = " FOR SHARE", [RF_LOCK_FOR_KEY_SHARE] = " FOR KEY SHARE"};
    if (l->mode == RF_LOCK_NONE)
        return;
    rf_q_sql(q, modes[l->mode]);
    if (l->skip_locked)
        rf_q_sql(q, " SKIP LOCKED");
    if (l->nowait)
        rf_q_sql(q, " NOWAIT");
}

/* The query's distinct fields (field numbers), NULL when none. */
static const int *distinct_of(const rf_model_desc *m, const void *query, size_t *n)
{
    *n = 0;
    if (!query || m->query_distinct == RF_NO_MEMBER)
        return NULL;
    struct { const int *items; size_t count; } d;
    memcpy(&d, RF_AT(query, m->query_distinct), sizeof d);
    *n = d.count;
    return d.items;
}

/* The inner ORDER BY of distinct: its fields first (DISTINCT ON requires
 * it), then the query's order, then the identity, so that the row kept
 * for each combination is the first in the query's order. */
static void put_distinct_order(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                               const int *d, size_t nd, const rf_query_head *h)
{
    rf_q_sql(q, " ORDER BY ");
    for (size_t i = 0; i < nd; i++) {
        rf_q_sql(q, i ? ", " : "");
        rf_q_sql(q, s->qualified[d[i]]);
    }
    for (size_t i = 0; i < h->norder; i++) {
        const rf_order_item *o = &h->order_by[i];
        if (o->by < 0 || (size_t)o->by >= m->nfields || !s->shape.columns[o->by]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        rf_q_sql(q, ", ");
        rf_q_sql(q, s->qualified[o->by]);
        rf_q_sql(q, o->sort == RF_DESC ? " DESC" : " ASC");
        if (o->nulls != RF_NULLS_DEFAULT)
            rf_q_sql(q, o->nulls == RF_NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
    }
    for (size_t k = 0; k < m->nkey; k++) {
        rf_q_sql(q, ", ");
        rf_q_sql(q, s->qualified[m->key[k].field]);
    }
}

/* The query's relation orderings, NULL when none. */
static const rf_relation_order *relation_order_of(const rf_model_desc *m, const void *query,
                                                  size_t *n)
{
    *n = 0;
    if (!query || m->query_relation_order == RF_NO_MEMBER)
        return NULL;
    struct { const rf_relation_order *items; size_t count; } o;
    memcpy(&o, RF_AT(query, m->query_relation_order), sizeof o);
    *n = o.count;
    return o.items;
}

/* The query's relevance ordering, copied into *out (the generated member
 * has its layout); false when none, or the model has none. */
static bool relevance_of(const rf_model_desc *m, const void *query, rf_relevance *out)
{
    if (!query || !m->query_relevance)
        return false;
    memcpy(out, RF_AT(query, m->query_relevance), sizeof *out);
    return out->search != NULL;
}

/* ts_rank(to_tsvector(concat_ws(' ', fields...)), to_tsquery($n)), as Prisma
 * writes _relevance; false for fields that are not String fields. */
static bool put_relevance(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                          const rf_relevance *r)
{
    if (!r->fields || !r->nfields)
        return false;
    rf_q_sql(q, "ts_rank(to_tsvector(concat_ws(' '");
    for (size_t i = 0; i < r->nfields; i++) {
        int f = r->fields[i];
        if (f < 0 || (size_t)f >= m->nfields || m->fields[f].kind != RF_KIND_TEXT ||
            (m->fields[f].flags & RF_FIELD_LIST))
            return false;
        rf_q_sql(q, ", ");
        rf_q_sql(q, s->qualified[f]);
    }
    rf_q_sql(q, ")), to_tsquery(");
    rf_q_param(q);
    rf_params_add_text(&q->params, r->search);
    rf_q_sql(q, "))");
    return true;
}

static void put_sort(rf_query *q, rf_sort sort, rf_nulls nulls, bool reverse)
{
    rf_q_sql(q, (sort == RF_DESC) != reverse ? " DESC" : " ASC");
    if (nulls != RF_NULLS_DEFAULT)
        rf_q_sql(q, (nulls == RF_NULLS_FIRST) != reverse ? " NULLS FIRST" : " NULLS LAST");
}

/* One relation ordering: a correlated subquery giving the related row's
 * field (to-one) or the number of related rows (to-many). */
static bool put_relation_order(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                               const rf_relation_order *o)
{
    if (o->relation < 1 || (size_t)o->relation > m->nrelations)
        return false;
    size_t ri = (size_t)o->relation - 1;
    const rf_relation_desc *r = &m->relations[ri];
    if (r->kind != RF_REL_ONE) {
        if (!o->count)
            return false;
        rf_desc_put_related(q, m, s, ri, 0, "(SELECT COUNT(*) FROM ", NULL, false);
        return true;
    }
    const rf_desc_sql *ts = rf_desc_sql_get(r->target);
    if (!ts || o->count || o->by < 0 || (size_t)o->by >= r->target->nfields ||
        !ts->shape.columns[o->by])
        return false;
    size_t n = strlen(ts->column[o->by]) + 32;
    char *head = rf_q_alloc(q, n);
    if (!head)
        return false;
    snprintf(head, n, "(SELECT t1.%s FROM ", ts->column[o->by]);
    rf_desc_put_related(q, m, s, ri, 0, head, NULL, false);
    return true;
}

/* ORDER BY the relevance, the relation orderings, the query's order_by,
 * the identity; then LIMIT / OFFSET (a negative take reverses, as
 * rf_q_order_page). There is a relevance or a relation ordering. */
static void put_order_with_relations(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                     const rf_query_head *h, const rf_relevance *rel,
                                     const rf_relation_order *ro, size_t nro)
{
    bool reverse = h->take < 0;
    rf_q_sql(q, " ORDER BY ");
    if (rel) {
        if (!put_relevance(q, m, s, rel)) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        put_sort(q, rel->sort, RF_NULLS_DEFAULT, reverse);
    }
    for (size_t i = 0; i < nro; i++) {
        rf_q_sql(q, i || rel ? ", " : "");
        if (!put_relation_order(q, m, s, &ro[i])) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        put_sort(q, ro[i].sort, ro[i].nulls, reverse);
    }
    for (size_t i = 0; i < h->norder; i++) {
        const rf_order_item *o = &h->order_by[i];
        if (o->by < 0 || (size_t)o->by >= m->nfields || !s->shape.columns[o->by]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        rf_q_sql(q, ", ");
        rf_q_sql(q, s->qualified[o->by]);
        put_sort(q, o->sort, o->nulls, reverse);
    }
    for (size_t k = 0; k < m->nkey; k++) {
        rf_q_sql(q, ", ");
        rf_q_sql(q, s->qualified[m->key[k].field]);
        rf_q_sql(q, reverse ? " DESC" : " ASC");
    }
    if (h->take) {
        rf_q_sql(q, " LIMIT ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, h->take < 0 ? -h->take : h->take);
    }
    if (h->skip) {
        rf_q_sql(q, " OFFSET ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, h->skip);
    }
}

/* SELECT ... WHERE ... [cursor] ORDER BY ... LIMIT ... OFFSET ...; with
 * distinct, the rows come from (SELECT DISTINCT ON (...) t.* ... ) AS t. */
static void put_select(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                       const void *query, const rf_query_head *h, rf_select select)
{
    size_t nd;
    const int *d = distinct_of(m, query, &nd);
    if (nd && !d) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    for (size_t i = 0; i < nd; i++)
        if (d[i] < 0 || (size_t)d[i] >= m->nfields) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
    const void *inc = query_include(m, query);
    if (nd || rf_desc_any_counted(m, query, inc)) {
        rf_q_sql(q, "SELECT ");
        rf_desc_put_select(q, m, s, select);
        rf_desc_put_counts(q, m, s, query, inc);
        rf_q_sql(q, " FROM ");
        if (nd) {
            rf_q_sql(q, "(SELECT DISTINCT ON (");
            for (size_t i = 0; i < nd; i++) {
                rf_q_sql(q, i ? ", " : "");
                rf_q_sql(q, s->qualified[d[i]]);
            }
            rf_q_sql(q, ") t.* FROM ");
        }
        rf_q_sql(q, s->table);
        rf_q_sql(q, " AS t WHERE ");
    } else if (select) {
        rf_q_sql(q, "SELECT ");
        rf_desc_put_select(q, m, s, select);
        rf_q_sql(q, " FROM ");
        rf_q_sql(q, s->table);
        rf_q_sql(q, " AS t WHERE ");
    } else {
        rf_q_sql(q, s->select_head);
    }
    rf_q_group_begin(q, "AND");
    if (h->where)
        rf_desc_put_where(q, m, s, h->where);
    const void *cursor = query_member(query, m->query_cursor);
    if (cursor) {
        int first = q->params.count + 1;
        for (size_t k = 0; k < m->nkey; k++)
            rf_desc_bind_plain(q, &m->fields[m->key[k].field], RF_AT(cursor, m->key[k].member));
        rf_q_cursor(q, &s->shape, h->order_by, h->norder, first, h->take < 0);
    }
    rf_q_group_end(q);
    size_t nro;
    const rf_relation_order *ro = relation_order_of(m, query, &nro);
    rf_relevance relevance;
    const rf_relevance *rel = relevance_of(m, query, &relevance) ? &relevance : NULL;
    if (nro || rel) {
        if ((nro && !ro) || cursor || nd)
            rf_query_fail(q, RF_INVALID_ARGUMENT);
        else
            put_order_with_relations(q, m, s, h, rel, ro, nro);
        put_lock(q, &h->lock);
        return;
    }
    if (nd) {
        put_distinct_order(q, m, s, d, nd, h);
        rf_q_sql(q, ") AS t");
    }
    rf_q_order_page(q, &s->shape, h->order_by, h->norder, h->skip, h->take, cursor != NULL);
    put_lock(q, &h->lock);
}

rf_status rf_desc_find_many_sql(rf_client *c, const rf_model_desc *m, const void *query,
                                rf_query *q)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !q)
        return rf_desc_misuse(c, "find_many_sql: no model or query builder");
    rf_query_head h = {0};
    if (query)
        memcpy(&h, query, sizeof h);
    rf_status st = check_head(c, &h);
    if (st == RF_OK)
        st = check_lock(c, m, query, &h.lock);
    if (st != RF_OK)
        return st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    put_select(q, m, s, query, &h, query_member(query, m->query_select));
    return rf_q_check(c, q);
}

/* find_many with `take` possibly replaced (find_first). */
static rf_status find_many(rf_client *c, const rf_model_desc *m, const void *query,
                           const int64_t *take, rf_any_list *out, rf_arena *arena)
{
    out->items = NULL;
    out->count = 0;
    rf_query_head h = {0};
    if (query)
        memcpy(&h, query, sizeof h);
    if (take)
        h.take = *take;
    rf_status st = check_head(c, &h);
    if (st == RF_OK)
        st = check_lock(c, m, query, &h.lock);
    if (st != RF_OK)
        return st;
    if (!arena)
        return rf_desc_misuse(c, "an arena is needed for the results");
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_select select = query_member(query, m->query_select);
    if (select && !(select = rf_desc_with_links(m, select, query_include(m, query), arena)))
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    /* A shape seen before runs its remembered statement: no SQL is built. */
    rf_read_shape shape;
    bool simple = rf_read_shape_of(m, query, &h, select, &shape);
    rf_query q;
    rf_query_init(&q);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    if (simple && rf_read_shape_find(c, &shape, &stmt)) {
        rf_read_shape_params(&h, &q.params);
        st = rf_exec_params(c, &stmt, &q.params, &res);
    } else {
        put_select(&q, m, s, query, &h, select);
        st = rf_q_stmt(c, &q, &stmt);
        /* Remembered (and run under the shape's id, so prepared once) only
         * if its parameters are the ones rf_read_shape_params gives a hit. */
        if (st == RF_OK && simple && q.params.count == (h.take != 0) + (h.skip > 0)) {
            rf_read_shape_put(c, &shape, q.sql);
            rf_read_shape_find(c, &shape, &stmt);
        }
        if (st == RF_OK)
            st = rf_exec_params(c, &stmt, &q.params, &res);
    }
    rf_query_free(&q);
    if (st == RF_OK && (st = rf_result_keep(&res, arena)) != RF_OK)
        rf_result_clear(&res);
    if (st != RF_OK || res.rows == 0)
        return st;
    void *items = rf_arena_alloc(arena, (size_t)res.rows * m->row_size);
    if (!items)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    st = rf_desc_decode_rows(m, select, &res, 0, items, arena);
    const void *inc = query_include(m, query);
    if (st == RF_OK && rf_desc_any_counted(m, query, inc))
        st = rf_desc_decode_counts(m, query, inc, &res, rf_desc_selected_columns(m, select),
                                   items);
    if (st != RF_OK)
        return st;
    out->items = items;
    out->count = (size_t)res.rows;
    if (h.take < 0)
        rf_reverse(out->items, out->count, m->row_size);
    return RF_OK;
}

/* The `include` member of a query is a struct of bools, not a pointer. */
static const void *query_include(const rf_model_desc *m, const void *query)
{
    if (!query || m->query_include == RF_NO_MEMBER)
        return NULL;
    return RF_AT(query, m->query_include);
}

/* ---- find_many without a client: what batches queue ------------------------ */

rf_status rf_desc_list_rows(const rf_model_desc *m, const rf_rows_shape *shape,
                            const rf_result *res, rf_any_list *out, rf_arena *arena)
{
    out->items = NULL;
    out->count = 0;
    if (res->rows == 0)
        return RF_OK;
    void *items = rf_arena_alloc(arena, (size_t)res->rows * m->row_size);
    if (!items)
        return RF_NO_MEMORY;
    rf_select select = shape->select;
    rf_status st = rf_desc_decode_rows(m, select, res, 0, items, arena);
    /* The counts follow the columns, one per counted relation (as
     * rf_desc_put_counts wrote them). */
    int col = rf_desc_selected_columns(m, select);
    for (size_t i = 0; shape->counted && i < m->nrelations && st == RF_OK; i++) {
        if (!shape->counted[i])
            continue;
        for (int k = 0; k < res->rows && st == RF_OK; k++)
            st = rf_get_i64(res, k, col, (int64_t *)((char *)items + (size_t)k * m->row_size +
                                                      m->relations[i].count));
        col++;
    }
    if (st != RF_OK)
        return st;
    out->items = items;
    out->count = (size_t)res->rows;
    if (shape->reverse)
        rf_reverse(out->items, out->count, m->row_size);
    return RF_OK;
}

const char *rf_desc_put_find_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                  const void *query, bool first, rf_rows_shape *shape)
{
    rf_query_head h = {0};
    if (query)
        memcpy(&h, query, sizeof h);
    const char *problem = head_problem(&h);
    if (problem)
        return problem;
    if (h.lock.mode != RF_LOCK_NONE || h.lock.skip_locked || h.lock.nowait)
        return "lock: a batch does not lock rows (the lock would end with its statement)";
    const void *include = query_include(m, query);
    for (size_t i = 0; include && i < m->nrelations; i++)
        if (rf_desc_included(&m->relations[i], include))
            return "include: a batch reads no related rows (a round trip each); "
                   "queue their find_many too";
    if (first)
        h.take = h.take < 0 ? -1 : 1;
    /* What decoding needs, copied: the query need not outlive the call. */
    rf_select select = query_member(query, m->query_select);
    shape->select = select ? rf_arena_memdup(&q->scratch, select, m->nfields) : NULL;
    shape->counted = NULL;
    shape->reverse = h.take < 0;
    if (rf_desc_any_counted(m, query, include)) {
        bool *on = rf_arena_alloc(&q->scratch, m->nrelations);
        for (size_t i = 0; on && i < m->nrelations; i++)
            on[i] = rf_desc_counted(&m->relations[i], query, include) != NULL;
        shape->counted = on;
        if (!on) {
            rf_query_fail(q, RF_NO_MEMORY);
            return "out of memory";
        }
    }
    if (select && !shape->select) {
        rf_query_fail(q, RF_NO_MEMORY);
        return "out of memory";
    }
    put_select(q, m, s, query, &h, select);
    return NULL;
}

rf_status rf_desc_find_many(rf_client *c, const rf_model_desc *m, const void *query, void *out,
                            rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !out)
        return rf_desc_misuse(c, "find_many: `out` is NULL");
    rf_any_list *list = out;
    rf_status st = find_many(c, m, query, NULL, list, arena);
    if (st == RF_OK)
        st = rf_desc_include(c, m, list->items, list->count, query_include(m, query), arena);
    return st;
}

rf_status rf_desc_find_first(rf_client *c, const rf_model_desc *m, const void *query,
                             void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !out)
        return rf_desc_misuse(c, "find_first: `out` is NULL");
    rf_query_head h = {0};
    if (query)
        memcpy(&h, query, sizeof h);
    int64_t take = h.take < 0 ? -1 : 1;
    if (h.take == INT64_MIN)
        take = INT64_MIN; /* refused by check_head */
    rf_any_list list;
    rf_status st = find_many(c, m, query, &take, &list, arena);
    if (st == RF_OK)
        st = rf_desc_include(c, m, list.items, list.count, query_include(m, query), arena);
    if (st != RF_OK)
        return st;
    if (list.count == 0)
        return rf_desc_not_found(c, m);
    memcpy(out, list.items, m->row_size);
    return RF_OK;
}

rf_status rf_desc_count(rf_client *c, const rf_model_desc *m, const void *where, int64_t *count)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !count)
        return rf_desc_misuse(c, "count: `count` is NULL");
    rf_status st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, s->count_head);
    rf_desc_put_where_group(&q, m, s, where);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    if (st == RF_OK) {
        st = rf_get_i64(&res, 0, 0, count);
        rf_result_clear(&res);
    }
    rf_query_free(&q);
    return st;
}
