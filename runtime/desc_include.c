/*
 * desc_include.c — loading relations for rows already read: one query per
 * relation for all the parent rows (`= ANY($1)` over their link values, or
 * `= $1` for a single parent), then each related row is attached to its
 * parent through a hash map of link values. An include with arguments (a
 * `<target>_query`) adds its where, cursor and order, its select and
 * relation counts, applies distinct and skip / take per parent, and loads
 * the related rows' own includes, one query per relation and level.
 */
#include "desc_internal.h"

#include <stddef.h>
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

const void *rf_desc_include_args(const rf_relation_desc *r, const void *include)
{
    const void *args = NULL;
    if (include && r->include_args != RF_NO_MEMBER)
        memcpy(&args, RF_AT(include, r->include_args), sizeof args);
    return args;
}

bool rf_desc_included(const rf_relation_desc *r, const void *include)
{
    return include &&
           (*(const bool *)RF_AT(include, r->include) || rf_desc_include_args(r, include));
}

/* " ORDER BY" items of the related rows: the arguments' order, then the
 * target's identity (the default order of included lists). */
static void put_related_order(rf_query *q, const rf_model_desc *t, const rf_desc_sql *ts,
                              const rf_query_head *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->norder; i++) {
        const rf_order_item *o = &h->order_by[i];
        if (o->by < 0 || (size_t)o->by >= t->nfields || !ts->shape.columns[o->by]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return;
        }
        rf_q_sql(q, n++ ? ", " : "");
        rf_q_sql(q, ts->qualified[o->by]);
        rf_q_sql(q, o->sort == RF_DESC ? " DESC" : " ASC");
        if (o->nulls != RF_NULLS_DEFAULT)
            rf_q_sql(q, o->nulls == RF_NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
    }
    for (size_t k = 0; k < t->nkey; k++) {
        rf_q_sql(q, n++ ? ", " : "");
        rf_q_sql(q, ts->qualified[t->key[k].field]);
    }
    if (n == 0)
        rf_q_sql(q, "1");
}

/* The distinct fields of include arguments (a `<target>_query`), NULL when none. */
static const int *distinct_of(const rf_model_desc *t, const void *args, size_t *n)
{
    struct { const int *items; size_t count; } d = {NULL, 0};
    if (t->query_distinct != RF_NO_MEMBER)
        memcpy(&d, RF_AT(args, t->query_distinct), sizeof d);
    *n = d.count;
    return d.items;
}

/* The pointer member at `offset` of include arguments (NULL: none there). */
static const void *args_member(const void *args, size_t offset)
{
    const void *p = NULL;
    if (offset != RF_NO_MEMBER)
        memcpy(&p, RF_AT(args, offset), sizeof p);
    return p;
}

/* Include arguments that cannot apply per parent are refused, never
 * silently dropped: a lock (the related rows would come unlocked: lock
 * them with a query of their own, inside the transaction), a negative take
 * and ordering by relations (not supported at an included level). */
static rf_status check_args(rf_client *c, const rf_model_desc *t, const void *args,
                            const rf_query_head *h)
{
    if (h->lock.mode != RF_LOCK_NONE || h->lock.skip_locked || h->lock.nowait)
        return rf_desc_misuse(c, "include arguments: lock: included rows are not locked; "
                                 "lock them with a query of their own in the transaction");
    if (h->take < 0 || h->skip < 0)
        return rf_desc_misuse(c, "include arguments: a negative take or skip");
    if (h->norder && !h->order_by)
        return rf_desc_misuse(c, "include arguments: order_by is NULL with norder > 0");
    size_t nd;
    const int *d = distinct_of(t, args, &nd);
    if (nd && !d)
        return rf_desc_misuse(c, "include arguments: distinct is NULL with ndistinct > 0");
    for (size_t i = 0; i < nd; i++)
        if (d[i] < 0 || (size_t)d[i] >= t->nfields)
            return rf_desc_misuse(c, "include arguments: distinct names no field");
    if (t->query_relation_order != RF_NO_MEMBER) {
        struct { const void *items; size_t count; } o;
        memcpy(&o, RF_AT(args, t->query_relation_order), sizeof o);
        if (o.count)
            return rf_desc_misuse(c, "include arguments: order_by_relation is not supported "
                                     "in an include");
    }
    /* A relevance ordering is not applied to included rows: refused,
     * rather than silently ignored. */
    if (t->query_relevance) {
        const char *relevance = NULL;
        memcpy(&relevance, RF_AT(args, t->query_relevance + offsetof(rf_relevance, search)),
               sizeof relevance);
        if (relevance)
            return rf_desc_misuse(c, "include arguments: order_by_relevance is not supported "
                                     "in an include");
    }
    return RF_OK;
}

/*
 * The load of relation ri with include arguments `args` (a `<target>_query`,
 * head h): the related rows of every parent key in $1 that match its where
 * (and are at or after its cursor), in its order, with the columns of
 * `select` and the relation counts it asks for. Per parent, as Prisma
 * does: distinct keeps the first row of each combination among that
 * parent's rows (DISTINCT ON the link and the fields), and skip / take
 * count that parent's rows (ROW_NUMBER() over them). Column 0 is the link,
 * then the selected columns, then the counts (then, paged, the row number).
 */
static void put_load_with_args(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                               size_t ri, const void *args, const rf_query_head *h,
                               rf_select select)
{
    const rf_relation_desc *r = &m->relations[ri];
    const rf_model_desc *t = r->target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts) {
        rf_query_fail(q, RF_NO_MEMORY);
        return;
    }
    bool mn = r->kind == RF_REL_MANY_TO_MANY, paged = h->skip || h->take;
    size_t nd;
    const int *d = distinct_of(t, args, &nd);
    const void *cursor = args_member(args, t->query_cursor);
    const void *inc = t->query_include != RF_NO_MEMBER ? RF_AT(args, t->query_include) : NULL;
    const char *target_col = ts->qualified[s->target_link[ri]];
    rf_query lq;
    rf_query_init(&lq);
    if (mn) {
        rf_q_sql(&lq, "j.");
        rf_desc_put_ident(&lq, r->self);
    } else {
        rf_q_sql(&lq, target_col);
    }
    const char *link = lq.failed ? NULL : rf_arena_strdup(&q->scratch, lq.sql);
    rf_query_free(&lq);
    if (!link) {
        rf_query_fail(q, RF_NO_MEMORY);
        return;
    }
    /* With distinct, the outer levels read the link from the subquery. */
    const char *outer_link = nd ? "t.\"rf$link\"" : link;
    if (paged)
        rf_q_sql(q, "SELECT * FROM (");
    rf_q_sql(q, "SELECT ");
    rf_q_sql(q, outer_link);
    rf_q_sql(q, " AS \"rf$link\", ");
    rf_desc_put_select(q, t, ts, select);
    rf_desc_put_counts(q, t, ts, args, inc);
    if (paged) {
        rf_q_sql(q, ", ROW_NUMBER() OVER (PARTITION BY ");
        rf_q_sql(q, outer_link);
        rf_q_sql(q, " ORDER BY ");
        put_related_order(q, t, ts, h);
        rf_q_sql(q, ") AS \"rf$row\"");
    }
    rf_q_sql(q, " FROM ");
    if (nd) {
        rf_q_sql(q, "(SELECT DISTINCT ON (");
        rf_q_sql(q, link);
        for (size_t i = 0; i < nd; i++) {
            rf_q_sql(q, ", ");
            rf_q_sql(q, ts->qualified[d[i]]);
        }
        rf_q_sql(q, ") ");
        rf_q_sql(q, link);
        rf_q_sql(q, " AS \"rf$link\", t.* FROM ");
    }
    rf_q_sql(q, ts->table);
    rf_q_sql(q, " AS t");
    if (mn) {
        rf_q_sql(q, " JOIN ");
        rf_desc_put_table(q, r->join_schema, r->join_table);
        rf_q_sql(q, " AS j ON j.");
        rf_desc_put_ident(q, r->other);
        rf_q_sql(q, " = ");
        rf_q_sql(q, target_col);
    }
    rf_q_sql(q, " WHERE ");
    rf_q_group_begin(q, "AND");
    rf_q_cond(q, "@ = ANY(", link); /* $1, added first by the caller */
    rf_q_param_ref(q, 1);
    rf_q_sql(q, ")");
    if (h->where)
        rf_desc_put_where(q, t, ts, h->where);
    if (cursor) {
        /* Rows at or after the cursor row in the arguments' order. */
        int first = q->params.count + 1;
        for (size_t k = 0; k < t->nkey; k++)
            rf_desc_bind_plain(q, &t->fields[t->key[k].field], RF_AT(cursor, t->key[k].member));
        rf_q_cursor(q, &ts->shape, h->order_by, h->norder, first, false);
    }
    rf_q_group_end(q);
    if (nd) {
        /* DISTINCT ON keeps the first row of each (parent, fields) in
         * this order: the fields first, as PostgreSQL requires, then the
         * arguments' order. */
        rf_q_sql(q, " ORDER BY ");
        rf_q_sql(q, link);
        for (size_t i = 0; i < nd; i++) {
            rf_q_sql(q, ", ");
            rf_q_sql(q, ts->qualified[d[i]]);
        }
        rf_q_sql(q, ", ");
        put_related_order(q, t, ts, h);
        rf_q_sql(q, ") AS t");
    }
    if (paged) {
        rf_q_sql(q, ") AS t WHERE \"rf$row\" > ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, h->skip);
        if (h->take) {
            rf_q_sql(q, " AND \"rf$row\" <= ");
            rf_q_param(q);
            rf_params_add_i64(&q->params, h->skip + h->take);
        }
        /* Each parent's rows in order: the row number is that order. */
        rf_q_sql(q, " ORDER BY \"rf$row\"");
        return;
    }
    rf_q_sql(q, " ORDER BY ");
    put_related_order(q, t, ts, h);
}

/* Runs the load of relation ri for the parents' link values (with the
 * include's arguments when it has them, and then the columns of `select`). */
static rf_status fetch_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                               size_t ri, const void *rows, size_t n, const void *args,
                               rf_select select, rf_result *res)
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
    if (args) {
        rf_query_head h;
        memcpy(&h, args, sizeof h);
        rf_status st = check_args(c, m->relations[ri].target, args, &h);
        if (st == RF_OK) {
            rf_query q;
            rf_query_init(&q);
            /* $1: the parents' keys, before any value of the where. */
            if (ints)
                rf_params_add_i64_array(&q.params, ikeys, nkeys);
            else
                rf_params_add_text_array(&q.params, tkeys, nkeys);
            put_load_with_args(&q, m, s, ri, args, &h, select);
            rf_stmt stmt;
            st = rf_q_stmt(c, &q, &stmt);
            if (st == RF_OK)
                st = rf_exec_params(c, &stmt, &q.params, res);
            rf_query_free(&q);
        }
        free(ikeys);
        free(tkeys);
        return st;
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

/* The link value in column 0 of related row j: from `ilinks` when the
 * column was decoded whole, else from the result. */
static rf_status related_link(const rf_result *res, int j, bool ints, const int64_t *ilinks,
                              rf_arena *arena, int64_t *iv, const char **sv)
{
    if (ilinks) {
        *iv = ilinks[j];
        return RF_OK;
    }
    if (ints)
        return rf_get_i64(res, j, 0, iv);
    return rf_get_text(res, j, 0, arena, sv, NULL);
}

static rf_status load(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t ri,
                      void *rows, size_t n, const void *args, rf_arena *arena)
{
    const rf_relation_desc *r = &m->relations[ri];
    const rf_model_desc *t = r->target;
    bool ints = link_is_int(&m->fields[r->link]);
    /* The arguments' columns, plus the links their own includes need. */
    const void *inc = args && t->query_include != RF_NO_MEMBER ? RF_AT(args, t->query_include)
                                                                : NULL;
    rf_select select = args ? args_member(args, t->query_select) : NULL;
    if (select && !(select = rf_desc_with_links(t, select, inc, arena)))
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_result res = RF_RESULT_INIT;
    rf_status st = fetch_related(c, m, s, ri, rows, n, args, select, &res);
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
    /* Integer links decoded as one column (binary int2/4/8), not per row. */
    int64_t *ilinks = ints && nrel ? malloc(nrel * sizeof *ilinks) : NULL;
    if (ilinks && !rf_q_column(&res, 0, RF_QCOL_I64, ilinks, sizeof *ilinks, 0)) {
        free(ilinks);
        ilinks = NULL;
    }
    /* The map holds the parents (to-many) or the related rows (to-one). */
    rf_keymap map = {0};
    if (!items || !links || rf_keymap_init(&map, r->kind != RF_REL_ONE ? n : nrel) != RF_OK) {
        free(links);
        free(ilinks);
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    }
    if (nrel)
        st = rf_desc_decode_rows(t, select, &res, 1, items, arena);
    if (st == RF_OK && nrel && args && rf_desc_any_counted(t, args, inc))
        st = rf_desc_decode_counts(t, args, inc, &res, 1 + rf_desc_selected_columns(t, select),
                                   items);
    /* The related rows' own includes, before they are copied to their
     * parents: one query per relation of this level. */
    if (st == RF_OK && nrel && inc)
        st = rf_desc_include(c, t, items, nrel, inc, arena);
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
            st = related_link(&res, (int)j, ints, ilinks, arena, &iv, &sv);
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
            st = related_link(&res, (int)j, ints, ilinks, arena, &iv, &sv);
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
    free(ilinks);
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
        if (!rf_desc_included(&m->relations[i], include))
            continue;
        if (!s && !(s = rf_desc_sql_get(m)))
            return rf_fail(c, RF_NO_MEMORY, "out of memory");
        st = load(c, m, s, i, rows, n, rf_desc_include_args(&m->relations[i], include), arena);
    }
    return st;
}
