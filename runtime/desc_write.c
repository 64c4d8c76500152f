/*
 * desc_write.c — the writing operations of generated clients: create,
 * update / delete / upsert by a unique criterion, update_many, delete_many
 * and many-to-many links, from a model descriptor.
 */
#include "desc_internal.h"

#include <string.h>

static const rf_desc_sql *sql_of(rf_client *c, const rf_model_desc *m, rf_status *st)
{
    const rf_desc_sql *s = rf_desc_sql_get(m);
    *st = s ? RF_OK : rf_fail(c, RF_NO_MEMORY, "out of memory");
    return s;
}

/* Runs q, which has no RETURNING; with need_row, no row affected is
 * RF_NOT_FOUND (an update or delete of a key that is not there). */
static rf_status run_bare(rf_client *c, const rf_model_desc *m, rf_query *q, bool need_row)
{
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q->params, &res);
    if (st != RF_OK)
        return st;
    int64_t affected = res.affected;
    rf_result_clear(&res);
    return need_row && affected == 0 ? rf_desc_not_found(c, m) : RF_OK;
}

/* " RETURNING <select list>", then runs q for one row into out. When the
 * caller wants no row (out NULL), no RETURNING: the server neither builds
 * nor sends a row nobody reads. */
static rf_status returning_one(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                               rf_query *q, rf_select select, void *out, rf_arena *arena)
{
    if (!out)
        return run_bare(c, m, q, true);
    if (select) {
        rf_q_sql(q, " RETURNING ");
        rf_desc_put_select(q, m, s, select);
    } else {
        rf_q_sql(q, s->returning);
    }
    rf_stmt stmt;
    rf_status st = rf_q_stmt(c, q, &stmt);
    if (st == RF_OK)
        st = rf_desc_fetch_one(c, m, select, &stmt, &q->params, out, arena);
    return st;
}

/* Runs q and reports the rows it affected. */
static rf_status run_counted(rf_client *c, rf_query *q, int64_t *count)
{
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q->params, &res);
    if (st == RF_OK) {
        if (count)
            *count = res.affected;
        rf_result_clear(&res);
    }
    return st;
}

static rf_status check_write(rf_client *c, const rf_model_desc *m)
{
    if (!m || !m->writable)
        return rf_desc_misuse(c, "no model, or a read-only one");
    return RF_OK;
}

rf_status rf_desc_create(rf_client *c, const rf_model_desc *m, const void *data,
                         rf_select select, void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    if (!data)
        return rf_fail(c, RF_INVALID_ARGUMENT, "no data to create a row from");
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_insert(&q, m, s, data);
    st = returning_one(c, m, s, &q, select, out, arena);
    rf_query_free(&q);
    return st;
}

void rf_desc_put_key(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                     const rf_unique_desc *u, const void *const *key)
{
    for (size_t k = 0; k < u->nparts; k++) {
        rf_q_sql(q, k ? " AND " : " WHERE ");
        rf_q_sql(q, s->qualified[u->parts[k]]);
        rf_q_sql(q, " = ");
        rf_q_param(q);
        rf_desc_bind_plain(q, &m->fields[u->parts[k]], key[k]);
    }
}

rf_status rf_desc_update(rf_client *c, const rf_model_desc *m, size_t u,
                         const void *const *key, const void *data, rf_select select, void *out,
                         rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    if (u >= m->nuniques || !key)
        return rf_desc_misuse(c, "update: no criterion or key");
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, s->update_head);
    rf_desc_put_set(&q, m, s, data, s->self_set);
    rf_desc_put_key(&q, m, s, &m->uniques[u], key);
    st = returning_one(c, m, s, &q, select, out, arena);
    rf_query_free(&q);
    return st;
}

rf_status rf_desc_delete(rf_client *c, const rf_model_desc *m, size_t u,
                         const void *const *key, rf_select select, void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    if (u >= m->nuniques || !key)
        return rf_desc_misuse(c, "delete: no criterion or key");
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    const rf_unique_desc *ud = &m->uniques[u];
    rf_query q;
    rf_query_init(&q);
    if (select || !out) {
        rf_q_sql(&q, "DELETE FROM ");
        rf_q_sql(&q, s->table);
        rf_q_sql(&q, " AS t");
        rf_desc_put_key(&q, m, s, ud, key);
        st = returning_one(c, m, s, &q, select, out, arena);
    } else {
        for (size_t k = 0; k < ud->nparts; k++)
            rf_desc_bind_plain(&q, &m->fields[ud->parts[k]], key[k]);
        st = rf_q_check(c, &q);
        if (st == RF_OK)
            st = rf_desc_fetch_one(c, m, NULL, &s->del[u], &q.params, out, arena);
    }
    rf_query_free(&q);
    return st;
}

rf_status rf_desc_upsert(rf_client *c, const rf_model_desc *m, size_t u, const void *create,
                         const void *update, void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    if (u >= m->nuniques || !m->uniques[u].upsertable)
        return rf_desc_misuse(c, "upsert: no such criterion");
    if (!create)
        return rf_fail(c, RF_INVALID_ARGUMENT, "no data to create a row from");
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_upsert(&q, m, s, u, create, update);
    st = returning_one(c, m, s, &q, NULL, out, arena);
    rf_query_free(&q);
    return st;
}

void rf_desc_put_upsert(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s, size_t u,
                        const void *create, const void *update)
{
    const rf_unique_desc *ud = &m->uniques[u];
    rf_desc_put_insert(q, m, s, create);
    rf_q_sql(q, " ON CONFLICT (");
    for (size_t k = 0; k < ud->nparts; k++) {
        rf_q_sql(q, k ? ", " : "");
        rf_q_sql(q, s->column[ud->parts[k]]);
    }
    rf_q_sql(q, ") DO UPDATE SET ");
    /* Nothing to update: a no-op assignment, so that the row is returned. */
    const char *first = s->column[ud->parts[0]];
    rf_query noop;
    rf_query_init(&noop);
    rf_q_sql(&noop, first);
    rf_q_sql(&noop, " = EXCLUDED.");
    rf_q_sql(&noop, first);
    rf_desc_put_set(q, m, s, update, rf_query_status(&noop) == RF_OK ? noop.sql : "");
    rf_query_free(&noop);
}

void rf_desc_put_update_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where, const void *data)
{
    rf_q_sql(q, s->update_head);
    rf_desc_put_set(q, m, s, data, s->self_set);
    rf_q_sql(q, " WHERE ");
    rf_desc_put_where_group(q, m, s, where);
}

void rf_desc_put_delete_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where)
{
    rf_q_sql(q, s->delete_head);
    rf_desc_put_where_group(q, m, s, where);
}

rf_status rf_desc_update_many(rf_client *c, const rf_model_desc *m, const void *where,
                              const void *data, int64_t *count)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_update_many(&q, m, s, where, data);
    st = run_counted(c, &q, count);
    rf_query_free(&q);
    return st;
}

rf_status rf_desc_delete_many(rf_client *c, const rf_model_desc *m, const void *where,
                              int64_t *count)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_write(c, m);
    if (st != RF_OK)
        return st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_delete_many(&q, m, s, where);
    st = run_counted(c, &q, count);
    rf_query_free(&q);
    return st;
}

rf_status rf_desc_link(rf_client *c, const rf_model_desc *m, size_t relation,
                       const void *const *key, bool connect)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || relation >= m->nrelations || !key ||
        m->relations[relation].kind != RF_REL_MANY_TO_MANY)
        return rf_desc_misuse(c, "link: no such many-to-many relation");
    rf_status st;
    const rf_desc_sql *s = sql_of(c, m, &st);
    if (!s)
        return st;
    const rf_relation_desc *r = &m->relations[relation];
    rf_query q;
    rf_query_init(&q);
    rf_desc_bind_plain(&q, &m->fields[r->link], key[0]);
    rf_desc_bind_plain(&q, &r->target->fields[s->target_link[relation]], key[1]);
    st = rf_q_check(c, &q);
    if (st == RF_OK)
        st = rf_exec_params(c, connect ? &s->link[relation] : &s->unlink[relation], &q.params,
                            NULL);
    rf_query_free(&q);
    return st;
}
