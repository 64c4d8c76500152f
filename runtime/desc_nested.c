/*
 * desc_nested.c — creates with related rows created in the same
 * transaction (Prisma's nested `create`), from model descriptors.
 *
 * Order follows the foreign keys: a related row this row points to (the
 * foreign key on this side) is created (or found, for a connect) first
 * and its referenced value goes into this row's foreign key; rows that
 * point to this one (to-many, or a to-one with the key on the other side)
 * are created after it with this row's referenced value in their foreign
 * key, or re-pointed to it (connect: an UPDATE of exactly one row);
 * many-to-many rows are created or found, then linked through the join
 * table. Each row is inserted
 * with RETURNING, as the values its relatives need may be made by the
 * database (autoincrement). The whole tree runs in one rf_transaction: a
 * savepoint when a transaction is already open, so a failure anywhere
 * leaves nothing written.
 */
#include "desc_internal.h"

#include <string.h>

enum { MAX_LINKS = 16 };

typedef struct nested_ctx {
    const rf_model_desc *m;
    const void *input;
    void *out;
    rf_arena *arena;           /* the caller's, for out */
    rf_arena scratch;          /* rows of relatives */
} nested_ctx;

static const rf_nested_relation *relations_of(const void *input)
{
    return (const rf_nested_relation *)((const char *)input + sizeof(void *));
}

static size_t input_size(const rf_model_desc *m)
{
    return sizeof(void *) + m->nrelations * sizeof(rf_nested_relation);
}

/* The value of field f in row struct `row` as the next parameter; NULL
 * when the row holds none (link fields are integers or text). */
void rf_desc_bind_row_value(rf_query *q, const rf_field_desc *f, const void *row)
{
    const void *v = RF_AT(row, f->row);
    if (!(f->flags & RF_FIELD_NULLABLE)) {
        rf_desc_bind_plain(q, f, v);
        return;
    }
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT:
        rf_desc_bind_plain(q, f, v); /* a NULL pointer is SQL NULL */
        break;
    case RF_KIND_I32: {
        const rf_opt_i32 *o = v;
        if (o->has)
            rf_params_add_i32(&q->params, o->value);
        else
            rf_params_add_null(&q->params);
        break;
    }
    case RF_KIND_I64: {
        const rf_opt_i64 *o = v;
        if (o->has)
            rf_params_add_i64(&q->params, o->value);
        else
            rf_params_add_null(&q->params);
        break;
    }
    default:
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        rf_params_add_null(&q->params);
        break;
    }
}

static const void *connect_at(const rf_model_desc *t, const void *wheres, size_t k)
{
    return (const char *)wheres + k * t->where_size;
}

/* The one row of t that `where` matches, into *found (in scratch):
 * RF_NOT_FOUND (P2025) when none, RF_INVALID_ARGUMENT when several. */
rf_status rf_desc_find_one(rf_client *c, const rf_model_desc *t, const void *where,
                          rf_arena *scratch, void **found)
{
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, ts->select_head);
    rf_desc_put_where_group(&q, t, ts, where);
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
        return rows == 0 ? rf_desc_not_found(c, t)
                         : rf_desc_misuse(c, "connect: the filter matches more than one row");
    }
    void *row = rf_arena_calloc(scratch, 1, t->row_size);
    if (!row || (st = rf_result_keep(&res, scratch)) != RF_OK) {
        rf_result_clear(&res);
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    }
    *found = row;
    return rf_desc_decode_one(t, NULL, &res, 0, 0, row, scratch);
}

/* Points the one row of t that `where` matches at `row` (field `fk` of t
 * takes `from`'s value in row). */
rf_status rf_desc_repoint(rf_client *c, const rf_model_desc *t, int fk, const void *where,
                         const rf_field_desc *from, const void *row)
{
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_query q;
    rf_query_init(&q);
    rf_q_sql(&q, ts->update_head);
    rf_q_sql(&q, ts->column[fk]);
    rf_q_sql(&q, " = ");
    rf_q_param(&q);
    rf_desc_bind_row_value(&q, from, row);
    rf_q_sql(&q, " WHERE ");
    rf_desc_put_where_group(&q, t, ts, where);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    rf_query_free(&q);
    if (st != RF_OK)
        return st;
    int64_t n = res.affected;
    rf_result_clear(&res);
    if (n == 0)
        return rf_desc_not_found(c, t);
    return n == 1 ? RF_OK : rf_desc_misuse(c, "connect: the filter matches more than one row");
}

/* Links row (of m) and other (of relation r's target) through the join table. */
rf_status rf_desc_link_rows(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s, size_t r,
                           const void *row, const void *other)
{
    const rf_relation_desc *rd = &m->relations[r];
    const void *key[2] = {RF_AT(row, m->fields[rd->link].row),
                          RF_AT(other, rd->target->fields[s->target_link[r]].row)};
    return rf_desc_link(c, m, r, key, true);
}

/* How many rows relation rel names, and whether each part it uses has
 * its array. */
static bool rows_named(const rf_nested_relation *rel, size_t *n)
{
    *n = rel->ncreate + rel->nconnect + rel->nconnect_or_create;
    return (!rel->ncreate || rel->create) && (!rel->nconnect || rel->connect) &&
           (!rel->nconnect_or_create || (rel->connect_or_create.where && rel->connect_or_create.create));
}

static const void *input_at(const rf_model_desc *t, const void *inputs, size_t k)
{
    return (const char *)inputs + k * input_size(t);
}

/* Looks for the row `where` names: *found true with the row when it is
 * there, false (and no error) when it is not. */
rf_status rf_desc_look_up(rf_client *c, const rf_model_desc *t, const void *where,
                         rf_arena *scratch, void **row, bool *found)
{
    rf_status st = rf_desc_find_one(c, t, where, scratch, row);
    *found = st == RF_OK;
    if (st == RF_NOT_FOUND) {
        rf_error_clear(&c->err); /* not an error here: the row is created */
        st = RF_OK;
    }
    return st;
}

/* Creates or finds the rows `row` points to (foreign key on this side)
 * and notes their referenced values as this row's. */
static rf_status create_parents(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                const rf_nested_relation *rels, rf_link_value *links,
                                size_t *nlinks, rf_arena *scratch)
{
    for (size_t r = 0; r < m->nrelations; r++) {
        const rf_relation_desc *rd = &m->relations[r];
        const rf_nested_relation *rel = &rels[r];
        size_t n;
        bool complete = rows_named(rel, &n);
        if (!n || !rd->owns_link)
            continue;
        if (n != 1 || !complete || *nlinks == MAX_LINKS)
            return rf_desc_misuse(c, "nested create: a to-one relation takes one row");
        const rf_model_desc *t = rd->target;
        void *parent = NULL;
        bool found = false;
        rf_status st = RF_OK;
        const void *create = rel->create;
        if (rel->nconnect) {
            st = rf_desc_find_one(c, t, rel->connect, scratch, &parent);
            found = true;
        } else if (rel->nconnect_or_create) {
            st = rf_desc_look_up(c, t, rel->connect_or_create.where, scratch, &parent, &found);
            create = rel->connect_or_create.create;
        }
        if (st == RF_OK && !found) {
            parent = rf_arena_calloc(scratch, 1, t->row_size);
            st = parent ? rf_desc_create_tree(c, t, create, NULL, 0, parent, scratch, scratch)
                        : rf_fail(c, RF_NO_MEMORY, "out of memory");
        }
        if (st != RF_OK)
            return st;
        links[(*nlinks)++] = (rf_link_value){rd->link, &t->fields[s->target_link[r]], parent};
    }
    return RF_OK;
}

/* Creates one row pointing to `row` through relation r (many-to-many:
 * creates it, then links the two). */
rf_status rf_desc_create_child(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                              size_t r, const void *input, const void *row, rf_arena *scratch)
{
    const rf_relation_desc *rd = &m->relations[r];
    const rf_model_desc *t = rd->target;
    bool mn = rd->kind == RF_REL_MANY_TO_MANY;
    rf_link_value link = {s->target_link[r], &m->fields[rd->link], row};
    void *child = rf_arena_calloc(scratch, 1, t->row_size);
    if (!child)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_status st = rf_desc_create_tree(c, t, input, mn ? NULL : &link, mn ? 0 : 1, child, scratch, scratch);
    if (st == RF_OK && mn)
        st = rf_desc_link_rows(c, m, s, r, row, child);
    return st;
}

/* Points the existing row `where` names at `row` through relation r. */
rf_status rf_desc_connect_child(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                               size_t r, const void *where, const void *found, const void *row,
                               rf_arena *scratch)
{
    const rf_relation_desc *rd = &m->relations[r];
    if (rd->kind != RF_REL_MANY_TO_MANY)
        return rf_desc_repoint(c, rd->target, s->target_link[r], where, &m->fields[rd->link], row);
    void *other = (void *)found;
    rf_status st = found ? RF_OK : rf_desc_find_one(c, rd->target, where, scratch, &other);
    return st == RF_OK ? rf_desc_link_rows(c, m, s, r, row, other) : st;
}

/* Creates, connects or connects-or-creates the rows that point to `row`
 * (to-many, many-to-many, or to-one with the key on the other side). */
static rf_status create_children(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                 const rf_nested_relation *rels, const void *row,
                                 rf_arena *scratch)
{
    for (size_t r = 0; r < m->nrelations; r++) {
        const rf_relation_desc *rd = &m->relations[r];
        const rf_nested_relation *rel = &rels[r];
        size_t n;
        bool complete = rows_named(rel, &n);
        if (!n || rd->owns_link)
            continue;
        if (!complete || (rd->kind == RF_REL_ONE && n != 1))
            return rf_desc_misuse(c, "nested create: more than one row for a to-one relation");
        const rf_model_desc *t = rd->target;
        rf_status st = RF_OK;
        for (size_t k = 0; st == RF_OK && k < rel->ncreate; k++)
            st = rf_desc_create_child(c, m, s, r, input_at(t, rel->create, k), row, scratch);
        for (size_t k = 0; st == RF_OK && k < rel->nconnect; k++)
            st = rf_desc_connect_child(c, m, s, r, connect_at(t, rel->connect, k), NULL, row, scratch);
        for (size_t k = 0; st == RF_OK && k < rel->nconnect_or_create; k++) {
            const void *where = connect_at(t, rel->connect_or_create.where, k);
            void *found = NULL;
            bool there = false;
            st = rf_desc_look_up(c, t, where, scratch, &found, &there);
            if (st == RF_OK)
                st = there ? rf_desc_connect_child(c, m, s, r, where, found, row, scratch)
                           : rf_desc_create_child(c, m, s, r,
                                          input_at(t, rel->connect_or_create.create, k), row,
                                          scratch);
        }
        if (st != RF_OK)
            return st;
    }
    return RF_OK;
}

void rf_desc_put_insert_linked(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                               const void *data, const rf_link_value *links, size_t nlinks)
{
    rf_q_insert_begin(q, s->table);
    for (size_t i = 0; i < m->nfields; i++) {
        const rf_link_value *l = NULL;
        for (size_t k = 0; k < nlinks && !l; k++)
            if (links[k].field == (int)i)
                l = &links[k];
        if (l) {
            rf_desc_bind_row_value(q, l->from, l->row);
            rf_q_insert_col(q, s->column[i]);
        } else if (rf_desc_bind_create(q, &m->fields[i], data)) {
            rf_q_insert_col(q, s->column[i]);
        }
    }
    rf_q_insert_end(q);
}

rf_status rf_desc_create_tree(rf_client *c, const rf_model_desc *m, const void *input,
                             const rf_link_value *given, size_t ngiven, void *row, rf_arena *arena,
                             rf_arena *scratch)
{
    if (!m->writable)
        return rf_desc_misuse(c, "nested create: a read-only model");
    const void *data;
    memcpy(&data, input, sizeof data);
    if (!data)
        return rf_fail(c, RF_INVALID_ARGUMENT, "no data to create a row from");
    const rf_desc_sql *s = rf_desc_sql_get(m);
    if (!s)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    const rf_nested_relation *rels = relations_of(input);
    rf_link_value links[MAX_LINKS + 1];
    size_t nlinks = 0;
    for (size_t i = 0; i < ngiven && nlinks < MAX_LINKS; i++)
        links[nlinks++] = given[i];
    rf_status st = create_parents(c, m, s, rels, links, &nlinks, scratch);
    if (st != RF_OK)
        return st;

    rf_query q;
    rf_query_init(&q);
    rf_desc_put_insert_linked(&q, m, s, data, links, nlinks);
    rf_q_sql(&q, s->returning);
    rf_stmt stmt;
    st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_desc_fetch_one(c, m, NULL, &stmt, &q.params, row, arena);
    rf_query_free(&q);
    if (st != RF_OK)
        return st;
    return create_children(c, m, s, rels, row, scratch);
}

static rf_status run_nested(rf_client *c, void *ctx_)
{
    nested_ctx *ctx = ctx_;
    rf_arena_reset(&ctx->scratch); /* a retry starts over */
    void *row = ctx->out;
    rf_arena *arena = ctx->arena;
    if (!row) {
        row = rf_arena_calloc(&ctx->scratch, 1, ctx->m->row_size);
        arena = &ctx->scratch;
        if (!row)
            return rf_fail(c, RF_NO_MEMORY, "out of memory");
    }
    return rf_desc_create_tree(c, ctx->m, ctx->input, NULL, 0, row, arena, &ctx->scratch);
}

rf_status rf_desc_create_nested(rf_client *c, const rf_model_desc *m, const void *input,
                                void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !m->writable || !input)
        return rf_desc_misuse(c, "nested create: no model, a read-only one, or no input");
    if (out && !arena)
        return rf_desc_misuse(c, "an arena is needed for the result");
    nested_ctx ctx = {.m = m, .input = input, .out = out, .arena = arena};
    rf_arena_init(&ctx.scratch);
    rf_status st = rf_transaction(c, RF_ISOLATION_DEFAULT, false, run_nested, &ctx, 0);
    rf_arena_free(&ctx.scratch);
    return st;
}
