/*
 * desc_nested_update.c — an update that also writes the rows related to the
 * updated one (Prisma's nested update operations), from model descriptors.
 *
 * The whole call runs in one rf_transaction (a savepoint when a transaction
 * is already open), so a failure at any step leaves nothing written. For
 * each row updated, at any depth:
 *   1. to-one relations whose foreign key is on this row (connect, create,
 *      connect_or_create, disconnect) decide that key's new value;
 *   2. the row is updated (its data and those keys) and read back;
 *   3. every relation's other operations run with the row's values, per
 *      relation in the order of rf_relation_update's members: create,
 *      connect_or_create, upsert, create_many, set, disconnect, delete,
 *      connect, update, update_many, delete_many.
 * "The related rows" are the target's rows whose target_column holds this
 * row's link value (for many-to-many, through the join table), so each
 * operation is one condition added to an ordinary UPDATE, DELETE or SELECT.
 * An operation on one named related row (update, delete, upsert) reads it
 * first, so that a filter matching none is P2025 and one matching several
 * is refused before anything changes.
 *
 * Prisma's rules for required relations (P2014) are checked before the
 * statement that would break them: a disconnect, or a set leaving rows
 * behind, when the foreign key cannot be NULL; a one-to-one connect or
 * create that would take the related row from another parent whose key
 * cannot be NULL.
 */
#include "desc_internal.h"

#include <string.h>

enum { MAX_KEY_PARTS = 32, MAX_OWNED = 16 };

static const rf_relation_update *updates_of(const void *input)
{
    return (const rf_relation_update *)((const char *)input + sizeof(void *));
}

/* sizeof `<m>_nested_update` and `<m>_nested_create`: a pointer, then one
 * pointer-aligned struct per relation. */
static size_t nested_update_size(const rf_model_desc *m)
{
    return sizeof(void *) + m->nrelations * sizeof(rf_relation_update);
}

static size_t nested_create_size(const rf_model_desc *m)
{
    return sizeof(void *) + m->nrelations * sizeof(rf_nested_relation);
}

/* Item k of an array of `size`-byte items; NULL for a NULL array (to-one
 * operations may leave their filter out). */
static const void *nth(const void *items, size_t size, size_t k)
{
    return items ? (const char *)items + k * size : NULL;
}

static bool required(const rf_field_desc *f)
{
    return !(f->flags & RF_FIELD_NULLABLE);
}

/* The foreign key of relation r (1:1 and 1:n), on whichever side it is. */
static const rf_field_desc *key_field(const rf_model_desc *m, const rf_desc_sql *s, size_t r)
{
    const rf_relation_desc *rd = &m->relations[r];
    return rd->owns_link ? &m->fields[rd->link] : &rd->target->fields[s->target_link[r]];
}

/* Prisma's P2014, naming the relation and its models as Prisma does:
 * model A holds the foreign key (many-to-many: the join table's column A). */
static rf_status violation(rf_client *c, const rf_model_desc *m, size_t r)
{
    const rf_relation_desc *rd = &m->relations[r];
    bool this_is_a = rd->kind == RF_REL_MANY_TO_MANY ? rd->self && !strcmp(rd->self, "A")
                                                     : rd->owns_link;
    const rf_model_desc *a = this_is_a ? m : rd->target, *b = this_is_a ? rd->target : m;
    return rf_error_setf(&c->err, RF_RELATION_VIOLATION,
                         "The change you are trying to make would violate the required "
                         "relation '%s' between the `%s` and `%s` models.",
                         rd->relation_name ? rd->relation_name : rd->name, a->name, b->name);
}

static rf_status no_memory(rf_client *c)
{
    return rf_fail(c, RF_NO_MEMORY, "out of memory");
}

/* Runs q (and frees it); *n: the rows it affected or returned. */
static rf_status run(rf_client *c, rf_query *q, int64_t *n)
{
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q->params, &res);
    rf_query_free(q);
    if (st != RF_OK)
        return st;
    if (n)
        *n = res.affected;
    rf_result_clear(&res);
    return RF_OK;
}

/* ---- conditions -------------------------------------------------------------- */

/* The rows of relation r's target related to `row` (alias t): their
 * target_column holds row's link value, or (many-to-many) the join table
 * pairs them with it. */
static void put_related(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        const rf_desc_sql *ts, size_t r, const void *row)
{
    const rf_relation_desc *rd = &m->relations[r];
    bool mn = rd->kind == RF_REL_MANY_TO_MANY;
    rf_q_sql(q, ts->qualified[s->target_link[r]]);
    if (mn) {
        rf_q_sql(q, " IN (SELECT ");
        rf_desc_put_ident(q, rd->other);
        rf_q_sql(q, " FROM ");
        rf_desc_put_table(q, rd->join_schema, rd->join_table);
        rf_q_sql(q, " WHERE ");
        rf_desc_put_ident(q, rd->self);
    }
    rf_q_sql(q, " = ");
    rf_q_param(q);
    rf_desc_bind_row_value(q, &m->fields[rd->link], row);
    if (mn)
        rf_q_sql(q, ")");
}

/* " AND (<where>)" (nothing for a NULL where). */
static void and_where(rf_query *q, const rf_model_desc *t, const rf_desc_sql *ts,
                      const void *where)
{
    if (!where)
        return;
    rf_q_sql(q, " AND ");
    rf_desc_put_where_group(q, t, ts, where);
}

/* The identity (first unique criterion) of m's rows: whether its parts are
 * all non-nullable, so that a row's values name exactly that row. */
static bool has_identity(const rf_model_desc *m)
{
    if (!m->nuniques || m->uniques[0].nparts > MAX_KEY_PARTS)
        return false;
    for (size_t k = 0; k < m->uniques[0].nparts; k++)
        if (!required(&m->fields[m->uniques[0].parts[k]]))
            return false;
    return true;
}

/* "(t."id" = $n ...)": the row `row` of m by its identity. */
static void put_identity(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                         const void *row)
{
    const rf_unique_desc *u = &m->uniques[0];
    rf_q_sql(q, "(");
    for (size_t k = 0; k < u->nparts; k++) {
        rf_q_sql(q, k ? " AND " : "");
        rf_q_sql(q, s->qualified[u->parts[k]]);
        rf_q_sql(q, " = ");
        rf_q_param(q);
        rf_desc_bind_row_value(q, &m->fields[u->parts[k]], row);
    }
    rf_q_sql(q, ")");
}

/* Pointers to row's identity values, in the key form of rf_desc_update. */
static void identity_key(const rf_model_desc *m, const void *row, const void **key)
{
    const rf_unique_desc *u = &m->uniques[0];
    for (size_t k = 0; k < u->nparts; k++)
        key[k] = RF_AT(row, m->fields[u->parts[k]].row);
}

/* ---- reading related rows --------------------------------------------------- */

/* The one row related to `row` through relation r that `where` (NULL: any)
 * matches, into *found (in scratch); *there false when there is none;
 * several is a misuse (the filter should name one row). */
static rf_status find_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                              size_t r, const void *row, const void *where, rf_arena *scratch,
                              void **found, bool *there)
{
    const rf_model_desc *t = m->relations[r].target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    *there = false;
    if (!ts)
        return no_memory(c);
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, ts->select_head);
    put_related(&q, m, s, ts, r, row);
    and_where(&q, t, ts, where);
    rf_q_sql(&q, " LIMIT 2");
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    rf_query_free(&q);
    if (st != RF_OK)
        return st;
    if (res.rows != 1) {
        int rows = res.rows; /* read before rf_result_clear resets it */
        rf_result_clear(&res);
        return rows == 0 ? RF_OK
                         : rf_desc_misuse(c, "nested update: the filter matches more than one "
                                             "related row");
    }
    void *got = rf_arena_calloc(scratch, 1, t->row_size);
    if (!got || rf_result_keep(&res, scratch) != RF_OK) {
        rf_result_clear(&res);
        return no_memory(c);
    }
    *found = got;
    *there = true;
    return rf_desc_decode_one(t, NULL, &res, 0, 0, got, scratch);
}

/* The same, for operations that need the row: P2025 when it is not there. */
static rf_status need_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                              size_t r, const void *row, const void *where, rf_arena *scratch,
                              void **found)
{
    bool there = false;
    rf_status st = find_related(c, m, s, r, row, where, scratch, found, &there);
    if (st == RF_OK && !there)
        st = rf_desc_not_found(c, m->relations[r].target);
    return st;
}

/* Reads `row` of m again by its identity (after a statement changed it
 * behind our back); a row that is gone stays as it was. */
static rf_status reread(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, void *row,
                        rf_arena *arena)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, s->select_head);
    put_identity(&q, m, s, row);
    rf_stmt stmt;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_desc_fetch_one(c, m, NULL, &stmt, &q.params, row, arena);
    rf_query_free(&q);
    if (st == RF_NOT_FOUND) {
        rf_error_clear(&c->err); /* deleted by a cascade: nothing to refresh */
        st = RF_OK;
    }
    return st;
}

/* ---- the update itself --------------------------------------------------------- */

static rf_status update_tree(rf_client *c, const rf_model_desc *m, size_t u,
                             const void *const *key, const void *input, void *row,
                             rf_arena *arena, rf_arena *scratch);

/* Updates `found` (a row of t just read) with the nested update `input`. */
static rf_status update_found(rf_client *c, const rf_model_desc *t, void *found,
                              const void *input, rf_arena *scratch)
{
    if (!input)
        return rf_desc_misuse(c, "nested update: no update input");
    const void *key[MAX_KEY_PARTS];
    identity_key(t, found, key);
    return update_tree(c, t, 0, key, input, found, scratch, scratch);
}

/* Deletes `found` (a row of t just read). */
static rf_status delete_found(rf_client *c, const rf_model_desc *t, const void *found)
{
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, ts->delete_head);
    put_identity(&q, t, ts, found);
    return run(c, &q, NULL);
}

/* Whether m's foreign key of relation r is unique on its own (a one-to-one
 * relation with the key on m's side). */
static bool one_to_one_owned(const rf_model_desc *m, const rf_relation_desc *rd)
{
    for (size_t i = 0; i < m->nuniques; i++)
        if (m->uniques[i].nparts == 1 && m->uniques[i].parts[0] == rd->link)
            return true;
    return false;
}

/* Before this row (named by u and key) points at `other` through the
 * one-to-one relation r: the other rows of m pointing at it let go (their
 * key set to NULL), or P2014 when their key cannot be NULL. */
static rf_status take_over(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                           size_t u, const void *const *key, const rf_field_desc *from,
                           const void *other)
{
    const rf_relation_desc *rd = &m->relations[r];
    bool keep = required(&m->fields[rd->link]);
    rf_query q;
    rf_query_init(&q);
    if (keep) {
        rf_q_sql(&q, s->select_head);
    } else {
        rf_q_sql(&q, s->update_head);
        rf_q_sql(&q, s->column[rd->link]);
        rf_q_sql(&q, " = NULL WHERE ");
    }
    rf_q_sql(&q, s->qualified[rd->link]);
    rf_q_sql(&q, " = ");
    rf_q_param(&q);
    rf_desc_bind_row_value(&q, from, other);
    const rf_unique_desc *ud = &m->uniques[u];
    rf_q_sql(&q, " AND NOT (");
    for (size_t k = 0; k < ud->nparts; k++) {
        rf_q_sql(&q, k ? " AND " : "");
        rf_q_sql(&q, s->qualified[ud->parts[k]]);
        rf_q_sql(&q, " = ");
        rf_q_param(&q);
        rf_desc_bind_plain(&q, &m->fields[ud->parts[k]], key[k]);
    }
    rf_q_sql(&q, keep ? ") LIMIT 1" : ")");
    int64_t n = 0;
    rf_status st = run(c, &q, &n);
    return st == RF_OK && keep && n > 0 ? violation(c, m, r) : st;
}

/* Step 1: the new values of the foreign keys on this row, from the to-one
 * relations that own them (connect, create, connect_or_create: the related
 * row's referenced value; disconnect: NULL, noted with a NULL `from`). */
static rf_status owned_keys(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t u,
                            const void *const *key, const rf_relation_update *ups,
                            rf_link_value *keys, size_t *nkeys, rf_arena *scratch)
{
    for (size_t r = 0; r < m->nrelations; r++) {
        const rf_relation_desc *rd = &m->relations[r];
        const rf_relation_update *up = &ups[r];
        if (!rd->owns_link ||
            !(up->nconnect || up->ncreate || up->nconnect_or_create || up->ndisconnect))
            continue;
        if (*nkeys == MAX_OWNED)
            return rf_desc_misuse(c, "nested update: too many to-one relations changed at once");
        if (up->ndisconnect) {
            if (required(&m->fields[rd->link]))
                return violation(c, m, r);
            keys[(*nkeys)++] = (rf_link_value){rd->link, NULL, NULL};
            continue;
        }
        const rf_model_desc *t = rd->target;
        void *other = NULL;
        bool there = false;
        rf_status st = RF_OK;
        const void *create = up->create;
        if (up->nconnect) {
            st = rf_desc_find_one(c, t, up->connect, scratch, &other);
            there = true;
        } else if (up->nconnect_or_create) {
            st = rf_desc_look_up(c, t, up->connect_or_create.where, scratch, &other, &there);
            create = up->connect_or_create.create;
        }
        if (st == RF_OK && !there) {
            other = rf_arena_calloc(scratch, 1, t->row_size);
            st = other ? rf_desc_create_tree(c, t, create, NULL, 0, other, scratch, scratch)
                       : no_memory(c);
        }
        const rf_field_desc *from = &t->fields[s->target_link[r]];
        if (st == RF_OK && there && one_to_one_owned(m, rd))
            st = take_over(c, m, s, r, u, key, from, other);
        if (st != RF_OK)
            return st;
        keys[(*nkeys)++] = (rf_link_value){rd->link, from, other};
    }
    return RF_OK;
}

/* Step 2: UPDATE <m> SET <data>, <owned keys> WHERE <key> RETURNING <all>. */
static rf_status update_row(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t u,
                            const void *const *key, const void *data, const rf_link_value *keys,
                            size_t nkeys, void *row, rf_arena *arena)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, s->update_head);
    rf_desc_put_set(&q, m, s, data, "");
    for (size_t i = 0; i < nkeys; i++) {
        const char *col = s->column[keys[i].field];
        if (!keys[i].from) {
            rf_q_set_null(&q, col);
        } else {
            rf_q_set_param(&q, col);
            rf_desc_bind_row_value(&q, keys[i].from, keys[i].row);
        }
    }
    if (rf_q_set_count(&q) == 0)
        rf_q_sql(&q, s->self_set);
    rf_desc_put_key(&q, m, s, &m->uniques[u], key);
    rf_q_sql(&q, s->returning);
    rf_stmt stmt;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_desc_fetch_one(c, m, NULL, &stmt, &q.params, row, arena);
    rf_query_free(&q);
    return st;
}

/* Points `row` (of m) at `other` through the to-one relation r it owns,
 * reading the row back into row. */
static rf_status point_at(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                          void *row, const void *other, rf_arena *arena)
{
    const rf_relation_desc *rd = &m->relations[r];
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, s->update_head);
    rf_q_sql(&q, s->column[rd->link]);
    rf_q_sql(&q, " = ");
    rf_q_param(&q);
    rf_desc_bind_row_value(&q, &rd->target->fields[s->target_link[r]], other);
    rf_q_sql(&q, " WHERE ");
    put_identity(&q, m, s, row);
    rf_q_sql(&q, s->returning);
    rf_stmt stmt;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_desc_fetch_one(c, m, NULL, &stmt, &q.params, row, arena);
    rf_query_free(&q);
    return st;
}

/* Step 3, for a to-one relation whose key is on this row: update, upsert or
 * delete the row it points to. */
static rf_status owned_after(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                             const rf_relation_update *up, void *row, rf_arena *arena,
                             rf_arena *scratch)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    void *found = NULL;
    rf_status st = RF_OK;
    if (up->nupdate) {
        st = need_related(c, m, s, r, row, up->update.where, scratch, &found);
        return st == RF_OK ? update_found(c, t, found, up->update.data, scratch) : st;
    }
    if (up->nupsert) {
        bool there = false;
        st = find_related(c, m, s, r, row, up->upsert.where, scratch, &found, &there);
        if (st != RF_OK)
            return st;
        if (there)
            return update_found(c, t, found, up->upsert.update, scratch);
        void *other = rf_arena_calloc(scratch, 1, t->row_size);
        if (!other)
            return no_memory(c);
        st = rf_desc_create_tree(c, t, up->upsert.create, NULL, 0, other, scratch, scratch);
        return st == RF_OK ? point_at(c, m, s, r, row, other, arena) : st;
    }
    if (up->ndelete) {
        if (required(&m->fields[rd->link]))
            return rf_desc_misuse(c, "nested update: delete on a required to-one relation");
        st = need_related(c, m, s, r, row, up->delete_, scratch, &found);
        if (st == RF_OK)
            st = delete_found(c, t, found);
        /* The foreign key's ON DELETE action changed this row. */
        return st == RF_OK ? reread(c, m, s, row, arena) : st;
    }
    return RF_OK;
}

/* A one-to-one relation with the key on the target: before another row
 * becomes `row`'s related row, the one related now (other than `keep`)
 * lets go, or P2014 when its key cannot be NULL. */
static rf_status displace(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                          const void *row, const void *keep)
{
    const rf_model_desc *t = m->relations[r].target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    bool stays = required(key_field(m, s, r));
    rf_query q;
    rf_query_init(&q);
    if (stays) {
        rf_q_sql(&q, ts->select_head);
    } else {
        rf_q_sql(&q, ts->update_head);
        rf_q_sql(&q, ts->column[s->target_link[r]]);
        rf_q_sql(&q, " = NULL WHERE ");
    }
    put_related(&q, m, s, ts, r, row);
    if (keep) {
        rf_q_sql(&q, " AND NOT ");
        put_identity(&q, t, ts, keep);
    }
    if (stays)
        rf_q_sql(&q, " LIMIT 1");
    int64_t n = 0;
    rf_status st = run(c, &q, &n);
    return st == RF_OK && stays && n > 0 ? violation(c, m, r) : st;
}

/* Creates input (a `<target>_nested_create`) related to row. */
static rf_status create_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                size_t r, const void *input, const void *row, rf_arena *scratch)
{
    rf_status st = RF_OK;
    if (m->relations[r].kind == RF_REL_ONE)
        st = displace(c, m, s, r, row, NULL);
    return st == RF_OK ? rf_desc_create_child(c, m, s, r, input, row, scratch) : st;
}

/* Relates the existing row `where` names (found: already read, or NULL) to row. */
static rf_status connect_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                 size_t r, const void *where, void *found, const void *row,
                                 rf_arena *scratch)
{
    if (m->relations[r].kind != RF_REL_ONE)
        return rf_desc_connect_child(c, m, s, r, where, found, row, scratch);
    rf_status st = found ? RF_OK : rf_desc_find_one(c, m->relations[r].target, where, scratch, &found);
    if (st == RF_OK)
        st = displace(c, m, s, r, row, found);
    return st == RF_OK ? rf_desc_connect_child(c, m, s, r, where, found, row, scratch) : st;
}

/* "UPDATE <target> SET <key> = NULL WHERE <related> AND <where>" (to-one,
 * to-many), or the join rows' DELETE (many-to-many). */
static rf_status disconnect_where(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                  size_t r, const void *row, const void *where)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    rf_query q;
    rf_query_init(&q);
    if (rd->kind == RF_REL_MANY_TO_MANY) {
        rf_q_sql(&q, "DELETE FROM ");
        rf_desc_put_table(&q, rd->join_schema, rd->join_table);
        rf_q_sql(&q, " WHERE ");
        rf_desc_put_ident(&q, rd->self);
        rf_q_sql(&q, " = ");
        rf_q_param(&q);
        rf_desc_bind_row_value(&q, &m->fields[rd->link], row);
        rf_q_sql(&q, " AND ");
        rf_desc_put_ident(&q, rd->other);
        rf_q_sql(&q, " IN (SELECT ");
        rf_q_sql(&q, ts->qualified[s->target_link[r]]);
        rf_q_sql(&q, " FROM ");
        rf_q_sql(&q, ts->table);
        rf_q_sql(&q, " AS t WHERE ");
        rf_desc_put_where_group(&q, t, ts, where);
        rf_q_sql(&q, ")");
        return run(c, &q, NULL);
    }
    rf_q_sql(&q, ts->update_head);
    rf_q_sql(&q, ts->column[s->target_link[r]]);
    rf_q_sql(&q, " = NULL WHERE ");
    put_related(&q, m, s, ts, r, row);
    and_where(&q, t, ts, where);
    return run(c, &q, NULL);
}

/* set: the related rows become exactly those the n filters name (each
 * must match one row: P2025 otherwise). One-to-many: the others let go
 * (P2014 when their key cannot be NULL); many-to-many: every join row of
 * this row is removed, then the named rows linked. */
static rf_status set_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                             const rf_relation_update *up, const void *row, rf_arena *scratch)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    rf_query q;
    rf_query_init(&q);
    bool mn = rd->kind == RF_REL_MANY_TO_MANY;
    bool stays = !mn && required(key_field(m, s, r));
    if (mn) {
        rf_q_sql(&q, "DELETE FROM ");
        rf_desc_put_table(&q, rd->join_schema, rd->join_table);
        rf_q_sql(&q, " WHERE ");
        rf_desc_put_ident(&q, rd->self);
        rf_q_sql(&q, " = ");
        rf_q_param(&q);
        rf_desc_bind_row_value(&q, &m->fields[rd->link], row);
    } else {
        if (stays) {
            rf_q_sql(&q, ts->select_head);
        } else {
            rf_q_sql(&q, ts->update_head);
            rf_q_sql(&q, ts->column[s->target_link[r]]);
            rf_q_sql(&q, " = NULL WHERE ");
        }
        put_related(&q, m, s, ts, r, row);
        /* ...that none of the filters names (a NULL comparison names none). */
        rf_q_sql(&q, " AND NOT COALESCE((FALSE");
        for (size_t k = 0; k < up->set.n; k++) {
            rf_q_sql(&q, " OR ");
            rf_desc_put_where_group(&q, t, ts, nth(up->set.where, t->where_size, k));
        }
        rf_q_sql(&q, stays ? "), FALSE) LIMIT 1" : "), FALSE)");
    }
    int64_t n = 0;
    rf_status st = run(c, &q, &n);
    if (st == RF_OK && stays && n > 0)
        st = violation(c, m, r);
    for (size_t k = 0; st == RF_OK && k < up->set.n; k++)
        st = rf_desc_connect_child(c, m, s, r, nth(up->set.where, t->where_size, k), NULL, row,
                                   scratch);
    return st;
}

/* create_many (one-to-many): each row inserted pointing to `row`;
 * skip_duplicates: ON CONFLICT DO NOTHING. */
static rf_status create_many_related(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                     size_t r, const rf_relation_update *up, const void *row)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    rf_link_value link = {s->target_link[r], &m->fields[rd->link], row};
    rf_status st = RF_OK;
    for (size_t k = 0; st == RF_OK && k < up->create_many.n; k++) {
        rf_query q;
        rf_query_init(&q);
        rf_desc_put_insert_linked(&q, t, ts, nth(up->create_many.data, t->create_size, k), &link,
                                  1);
        if (up->create_many.skip_duplicates)
            rf_q_sql(&q, " ON CONFLICT DO NOTHING");
        st = run(c, &q, NULL);
    }
    return st;
}

/* "UPDATE <target> SET <data> ..." / "DELETE FROM <target> ..." of the
 * related rows that `where` matches (update_many, delete_many). */
static rf_status write_many(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                            const void *row, const void *where, const void *data, bool del)
{
    const rf_model_desc *t = m->relations[r].target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return no_memory(c);
    rf_query q;
    rf_query_init(&q);
    if (del) {
        rf_q_sql(&q, ts->delete_head);
    } else {
        rf_q_sql(&q, ts->update_head);
        rf_desc_put_set(&q, t, ts, data, ts->self_set);
        rf_q_sql(&q, " WHERE ");
    }
    put_related(&q, m, s, ts, r, row);
    and_where(&q, t, ts, where);
    return run(c, &q, NULL);
}

/* Step 3 for a relation whose key is on the related rows (or in a join
 * table): its operations in order. */
static rf_status related_after(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                               const rf_relation_update *up, const void *row, rf_arena *scratch)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    size_t ws = t->where_size, cs = nested_create_size(t), us = nested_update_size(t);
    rf_status st = RF_OK;
    for (size_t k = 0; st == RF_OK && k < up->ncreate; k++)
        st = create_related(c, m, s, r, nth(up->create, cs, k), row, scratch);
    for (size_t k = 0; st == RF_OK && k < up->nconnect_or_create; k++) {
        const void *where = nth(up->connect_or_create.where, ws, k);
        void *found = NULL;
        bool there = false;
        st = rf_desc_look_up(c, t, where, scratch, &found, &there);
        if (st == RF_OK)
            st = there ? connect_related(c, m, s, r, where, found, row, scratch)
                       : create_related(c, m, s, r, nth(up->connect_or_create.create, cs, k),
                                        row, scratch);
    }
    for (size_t k = 0; st == RF_OK && k < up->nupsert; k++) {
        void *found = NULL;
        bool there = false;
        st = find_related(c, m, s, r, row, nth(up->upsert.where, ws, k), scratch, &found, &there);
        if (st == RF_OK)
            st = there ? update_found(c, t, found, nth(up->upsert.update, us, k), scratch)
                       : create_related(c, m, s, r, nth(up->upsert.create, cs, k), row, scratch);
    }
    if (st == RF_OK && up->create_many.n)
        st = create_many_related(c, m, s, r, up, row);
    if (st == RF_OK && up->set.on)
        st = set_related(c, m, s, r, up, row, scratch);
    if (st == RF_OK && up->ndisconnect && rd->kind != RF_REL_MANY_TO_MANY &&
        required(key_field(m, s, r)))
        st = violation(c, m, r);
    for (size_t k = 0; st == RF_OK && k < up->ndisconnect; k++)
        st = disconnect_where(c, m, s, r, row, nth(up->disconnect, ws, k));
    for (size_t k = 0; st == RF_OK && k < up->ndelete; k++) {
        void *found = NULL;
        st = need_related(c, m, s, r, row, nth(up->delete_, ws, k), scratch, &found);
        if (st == RF_OK)
            st = delete_found(c, t, found);
    }
    for (size_t k = 0; st == RF_OK && k < up->nconnect; k++)
        st = connect_related(c, m, s, r, nth(up->connect, ws, k), NULL, row, scratch);
    for (size_t k = 0; st == RF_OK && k < up->nupdate; k++) {
        void *found = NULL;
        st = need_related(c, m, s, r, row, nth(up->update.where, ws, k), scratch, &found);
        if (st == RF_OK)
            st = update_found(c, t, found, nth(up->update.data, us, k), scratch);
    }
    for (size_t k = 0; st == RF_OK && k < up->nupdate_many; k++)
        st = write_many(c, m, s, r, row, nth(up->update_many.where, ws, k),
                        nth(up->update_many.data, t->update_size, k), false);
    for (size_t k = 0; st == RF_OK && k < up->ndelete_many; k++)
        st = write_many(c, m, s, r, row, nth(up->delete_many, ws, k), NULL, true);
    return st;
}

/* ---- what may be asked ------------------------------------------------------------ */

static bool array_ok(const void *items, size_t n)
{
    return items || !n;
}

/* Refuses what Prisma's types do not offer, before anything is written:
 * more than one operation on a to-one relation, set / create_many /
 * update_many / delete_many on one, create_many through a join table,
 * counts without their arrays, a to-many operation on one row without the
 * filter that names it. */
static rf_status check_shape(rf_client *c, const rf_model_desc *m, const rf_relation_update *ups)
{
    for (size_t r = 0; r < m->nrelations; r++) {
        const rf_relation_desc *rd = &m->relations[r];
        const rf_relation_update *up = &ups[r];
        bool one = rd->kind == RF_REL_ONE;
        size_t ops = up->ncreate + up->nconnect_or_create + up->nupsert + up->create_many.n +
                     (up->set.on ? 1 : 0) + up->ndisconnect + up->ndelete + up->nconnect +
                     up->nupdate + up->nupdate_many + up->ndelete_many;
        if (!ops)
            continue;
        if (!rd->target->writable)
            return rf_desc_misuse(c, "nested update: a read-only related model");
        if (one && (ops > 1 || up->create_many.n || up->set.on || up->nupdate_many ||
                    up->ndelete_many))
            return rf_desc_misuse(c, "nested update: a to-one relation takes one operation on "
                                     "one row (no set, create_many, update_many, delete_many)");
        if (rd->kind == RF_REL_MANY_TO_MANY && up->create_many.n)
            return rf_desc_misuse(c, "nested update: create_many through a many-to-many relation");
        if (!array_ok(up->create, up->ncreate) ||
            !array_ok(up->connect_or_create.where, up->nconnect_or_create) ||
            !array_ok(up->connect_or_create.create, up->nconnect_or_create) ||
            !array_ok(up->upsert.create, up->nupsert) || !array_ok(up->upsert.update, up->nupsert) ||
            !array_ok(up->create_many.data, up->create_many.n) ||
            !array_ok(up->set.where, up->set.n) || !array_ok(up->connect, up->nconnect) ||
            !array_ok(up->update.data, up->nupdate) ||
            !array_ok(up->update_many.data, up->nupdate_many))
            return rf_desc_misuse(c, "nested update: a count without its array");
        /* To-many: the rows disconnected, deleted, updated, upserted or
         * changed in bulk are named by filters; to-one: the filter may be
         * left out (the related row, if it matches). */
        if (!one && (!array_ok(up->disconnect, up->ndisconnect) ||
                     !array_ok(up->delete_, up->ndelete) ||
                     !array_ok(up->update.where, up->nupdate) ||
                     !array_ok(up->upsert.where, up->nupsert) ||
                     !array_ok(up->update_many.where, up->nupdate_many) ||
                     !array_ok(up->delete_many, up->ndelete_many)))
            return rf_desc_misuse(c, "nested update: a to-many operation without its filters");
        if ((up->ndelete || up->nupdate || up->nupsert || up->set.n || up->nconnect ||
             up->nconnect_or_create) && !has_identity(rd->target))
            return rf_desc_misuse(c, "nested update: the related model has no identity");
    }
    return RF_OK;
}

static rf_status update_tree(rf_client *c, const rf_model_desc *m, size_t u,
                             const void *const *key, const void *input, void *row,
                             rf_arena *arena, rf_arena *scratch)
{
    if (!m->writable || !has_identity(m))
        return rf_desc_misuse(c, "nested update: a read-only model, or one without identity");
    const void *data;
    memcpy(&data, input, sizeof data);
    const rf_desc_sql *s = rf_desc_sql_get(m);
    if (!s)
        return no_memory(c);
    const rf_relation_update *ups = updates_of(input);
    rf_status st = check_shape(c, m, ups);
    rf_link_value keys[MAX_OWNED];
    size_t nkeys = 0;
    if (st == RF_OK)
        st = owned_keys(c, m, s, u, key, ups, keys, &nkeys, scratch);
    if (st == RF_OK)
        st = update_row(c, m, s, u, key, data, keys, nkeys, row, arena);
    for (size_t r = 0; st == RF_OK && r < m->nrelations; r++)
        st = m->relations[r].owns_link ? owned_after(c, m, s, r, &ups[r], row, arena, scratch)
                                       : related_after(c, m, s, r, &ups[r], row, scratch);
    return st;
}

/* ---- the entry point -------------------------------------------------------------------- */

typedef struct update_ctx {
    const rf_model_desc *m;
    size_t u;
    const void *const *key;
    const void *input;
    void *out;
    rf_arena *arena;           /* the caller's, for out */
    rf_arena scratch;          /* related rows */
} update_ctx;

static rf_status run_update(rf_client *c, void *ctx_)
{
    update_ctx *ctx = ctx_;
    rf_arena_reset(&ctx->scratch); /* a retry starts over */
    void *row = ctx->out;
    rf_arena *arena = ctx->arena;
    if (!row) {
        row = rf_arena_calloc(&ctx->scratch, 1, ctx->m->row_size);
        arena = &ctx->scratch;
        if (!row)
            return no_memory(c);
    }
    return update_tree(c, ctx->m, ctx->u, ctx->key, ctx->input, row, arena, &ctx->scratch);
}

rf_status rf_desc_update_nested(rf_client *c, const rf_model_desc *m, size_t u,
                                const void *const *key, const void *input, void *out,
                                rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !m->writable || !input)
        return rf_desc_misuse(c, "nested update: no model, a read-only one, or no input");
    if (u >= m->nuniques || !key)
        return rf_desc_misuse(c, "nested update: no criterion or key");
    if (out && !arena)
        return rf_desc_misuse(c, "an arena is needed for the result");
    /* The top level's mistakes are refused before anything is sent (the
     * levels below are checked as they are reached). */
    rf_status st = check_shape(c, m, updates_of(input));
    if (st != RF_OK)
        return st;
    update_ctx ctx = {.m = m, .u = u, .key = key, .input = input, .out = out, .arena = arena};
    rf_arena_init(&ctx.scratch);
    st = rf_transaction(c, RF_ISOLATION_DEFAULT, false, run_update, &ctx, 0);
    rf_arena_free(&ctx.scratch);
    return st;
}
