/*
 * desc_sql.c — the fixed-shape SQL of a model, built once from its
 * descriptor: quoted names, the select list, lookups and deletes by each
 * unique criterion, relation loads and many-to-many link statements.
 *
 * Built on the first operation on the model and kept for the life of the
 * process in the slot the generated code provides (rf_model_desc.cache);
 * two threads racing to build it both build, one wins, the other frees
 * its copy. Each statement has a short id of its own (stmt_of), so it is
 * prepared once per connection whatever client it runs on.
 */
#include "desc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *column_of(const rf_field_desc *f) { return f->column ? f->column : f->name; }

/* "name" with inner quotes doubled. */
static void put_ident(rf_query *q, const char *name)
{
    char one[2] = {0, 0};
    rf_q_sql(q, "\"");
    for (const char *p = name; *p; p++) {
        one[0] = *p;
        rf_q_sql(q, one);
        if (*p == '"')
            rf_q_sql(q, one);
    }
    rf_q_sql(q, "\"");
}

void rf_desc_put_ident(rf_query *q, const char *name) { put_ident(q, name); }

static void put_table(rf_query *q, const char *schema, const char *table)
{
    if (schema) {
        put_ident(q, schema);
        rf_q_sql(q, ".");
    }
    put_ident(q, table);
}

/* The select list of every field, straight from the descriptor (relation
 * loads need a target's list without building the target's cache, which
 * may be this very model). */
static void put_all_columns(rf_query *q, const rf_model_desc *m)
{
    for (size_t i = 0; i < m->nfields; i++) {
        rf_q_sql(q, i ? ", t." : "t.");
        put_ident(q, column_of(&m->fields[i]));
    }
}

/* The text built so far, moved into the arena; the builder is reset. */
static const char *take(rf_query *q, rf_arena *a, bool *ok)
{
    const char *s = NULL;
    if (rf_query_status(q) == RF_OK)
        s = rf_arena_strdup(a, q->sql ? q->sql : "");
    if (!s)
        *ok = false;
    rf_query_free(q);
    rf_query_init(q);
    return s ? s : "";
}

/* A statement with a short id: the descriptor's address (unique in the
 * process, as the descriptor is a constant of the generated code), what
 * it does and its number — cheaper to hash per call than the SQL text. */
static rf_stmt stmt_of(rf_arena *a, const rf_model_desc *m, char what, size_t n, const char *sql,
                       bool *ok)
{
    char id[64];
    snprintf(id, sizeof id, "rf%p.%c%zu", (const void *)m, what, n);
    const char *kept = rf_arena_strdup(a, id);
    if (!kept)
        *ok = false;
    return (rf_stmt){.id = kept ? kept : sql, .sql = sql, .result_format = RF_FORMAT_BINARY};
}

/* " WHERE t."a" = $1 AND t."b" = $2" for unique criterion u. */
static void put_key_where(rf_query *q, const rf_model_desc *m, const rf_unique_desc *u)
{
    for (size_t k = 0; k < u->nparts; k++) {
        rf_q_sql(q, k ? " AND t." : " WHERE t.");
        put_ident(q, column_of(&m->fields[u->parts[k]]));
        rf_q_sql(q, " = ");
        rf_q_param_ref(q, (int)k + 1);
    }
}

static void build_relation(rf_query *q, rf_desc_sql *s, const rf_model_desc *m, size_t i,
                           bool *ok)
{
    const rf_relation_desc *r = &m->relations[i];
    const rf_model_desc *t = r->target;
    const char *tcol = r->target_column;
    s->target_link[i] = -1;
    for (size_t k = 0; k < t->nfields; k++)
        if (!strcmp(column_of(&t->fields[k]), tcol))
            s->target_link[i] = (int)k;
    if (s->target_link[i] < 0)
        *ok = false; /* generated code and descriptor disagree */
    for (int one = 0; one < 2; one++) {
        if (r->kind == RF_REL_MANY_TO_MANY) {
            rf_q_sql(q, "SELECT j.");
            put_ident(q, r->self);
            rf_q_sql(q, ", ");
            put_all_columns(q, t);
            rf_q_sql(q, " FROM ");
            put_table(q, t->schema, t->table);
            rf_q_sql(q, " AS t JOIN ");
            put_table(q, r->join_schema, r->join_table);
            rf_q_sql(q, " AS j ON j.");
            put_ident(q, r->other);
            rf_q_sql(q, " = t.");
            put_ident(q, tcol);
            rf_q_sql(q, " WHERE j.");
            put_ident(q, r->self);
        } else {
            rf_q_sql(q, "SELECT t.");
            put_ident(q, tcol);
            rf_q_sql(q, ", ");
            put_all_columns(q, t);
            rf_q_sql(q, " FROM ");
            put_table(q, t->schema, t->table);
            rf_q_sql(q, " AS t WHERE t.");
            put_ident(q, tcol);
        }
        /* With one parent the plain `= $1`: what a hand-written query says,
         * and a simpler plan than ANY over a one-element array. */
        rf_q_sql(q, one ? " = $1" : " = ANY($1)");
        (one ? s->load_one : s->load)[i] =
            stmt_of(&s->mem, m, one ? 'i' : 'I', i, take(q, &s->mem, ok), ok);
    }
    if (r->kind != RF_REL_MANY_TO_MANY)
        return;
    rf_q_sql(q, "INSERT INTO ");
    put_table(q, r->join_schema, r->join_table);
    rf_q_sql(q, " (");
    put_ident(q, r->self);
    rf_q_sql(q, ", ");
    put_ident(q, r->other);
    rf_q_sql(q, ") VALUES ($1, $2) ON CONFLICT DO NOTHING");
    s->link[i] = stmt_of(&s->mem, m, 'c', i, take(q, &s->mem, ok), ok);
    rf_q_sql(q, "DELETE FROM ");
    put_table(q, r->join_schema, r->join_table);
    rf_q_sql(q, " WHERE ");
    put_ident(q, r->self);
    rf_q_sql(q, " = $1 AND ");
    put_ident(q, r->other);
    rf_q_sql(q, " = $2");
    s->unlink[i] = stmt_of(&s->mem, m, 'd', i, take(q, &s->mem, ok), ok);
}

static void free_sql(rf_desc_sql *s)
{
    if (s) {
        rf_arena_free(&s->mem);
        free(s);
    }
}

static rf_desc_sql *build(const rf_model_desc *m)
{
    rf_desc_sql *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    rf_arena_init(&s->mem);
    rf_arena *a = &s->mem;
    bool ok = true;
    rf_query q;
    rf_query_init(&q);

    put_table(&q, m->schema, m->table);
    s->table = take(&q, a, &ok);
    size_t nf = m->nfields ? m->nfields : 1;
    s->column = rf_arena_calloc(a, nf, sizeof *s->column);
    s->qualified = rf_arena_calloc(a, nf, sizeof *s->qualified);
    const char **order = rf_arena_calloc(a, nf, sizeof *order);
    int *key = rf_arena_calloc(a, m->nkey ? m->nkey : 1, sizeof *key);
    size_t nu = m->nuniques ? m->nuniques : 1, nr = m->nrelations ? m->nrelations : 1;
    s->find = rf_arena_calloc(a, nu, sizeof *s->find);
    s->del = rf_arena_calloc(a, nu, sizeof *s->del);
    s->load = rf_arena_calloc(a, nr, sizeof *s->load);
    s->load_one = rf_arena_calloc(a, nr, sizeof *s->load_one);
    s->link = rf_arena_calloc(a, nr, sizeof *s->link);
    s->unlink = rf_arena_calloc(a, nr, sizeof *s->unlink);
    s->target_link = rf_arena_calloc(a, nr, sizeof *s->target_link);
    if (!s->target_link || !s->column || !s->qualified || !order || !key || !s->find || !s->del || !s->load ||
        !s->load_one || !s->link || !s->unlink) {
        rf_query_free(&q);
        free_sql(s);
        return NULL;
    }
    for (size_t i = 0; i < m->nfields; i++) {
        const rf_field_desc *f = &m->fields[i];
        put_ident(&q, column_of(f));
        s->column[i] = take(&q, a, &ok);
        rf_q_sql(&q, "t.");
        rf_q_sql(&q, s->column[i]);
        s->qualified[i] = take(&q, a, &ok);
        /* Not ordered by: lists, Json, Bytes. */
        bool orderable = !(f->flags & RF_FIELD_LIST) && f->kind != RF_KIND_JSON &&
                         f->kind != RF_KIND_BYTES;
        order[i] = orderable ? s->column[i] : NULL;
    }
    for (size_t k = 0; k < m->nkey; k++)
        key[k] = m->key[k].field;
    s->shape = (rf_table_shape){s->table, order, m->nfields, key, m->nkey};
    put_all_columns(&q, m);
    s->select = take(&q, a, &ok);
    if (m->nfields) {
        rf_q_sql(&q, s->column[0]);
        rf_q_sql(&q, " = ");
        rf_q_sql(&q, s->qualified[0]);
    }
    s->self_set = take(&q, a, &ok);
    rf_q_sql(&q, "SELECT ");
    rf_q_sql(&q, s->select);
    rf_q_sql(&q, " FROM ");
    rf_q_sql(&q, s->table);
    rf_q_sql(&q, " AS t WHERE ");
    s->select_head = take(&q, a, &ok);
    rf_q_sql(&q, "SELECT COUNT(*) FROM ");
    rf_q_sql(&q, s->table);
    rf_q_sql(&q, " AS t WHERE ");
    s->count_head = take(&q, a, &ok);
    rf_q_sql(&q, "UPDATE ");
    rf_q_sql(&q, s->table);
    rf_q_sql(&q, " AS t SET ");
    s->update_head = take(&q, a, &ok);
    rf_q_sql(&q, "DELETE FROM ");
    rf_q_sql(&q, s->table);
    rf_q_sql(&q, " AS t WHERE ");
    s->delete_head = take(&q, a, &ok);
    rf_q_sql(&q, " RETURNING ");
    rf_q_sql(&q, s->select);
    s->returning = take(&q, a, &ok);
    for (size_t u = 0; u < m->nuniques; u++) {
        rf_q_sql(&q, "SELECT ");
        rf_q_sql(&q, s->select);
        rf_q_sql(&q, " FROM ");
        rf_q_sql(&q, s->table);
        rf_q_sql(&q, " AS t");
        put_key_where(&q, m, &m->uniques[u]);
        s->find[u] = stmt_of(a, m, 'f', u, take(&q, a, &ok), &ok);
        rf_q_sql(&q, "DELETE FROM ");
        rf_q_sql(&q, s->table);
        rf_q_sql(&q, " AS t");
        put_key_where(&q, m, &m->uniques[u]);
        rf_q_sql(&q, " RETURNING ");
        rf_q_sql(&q, s->select);
        s->del[u] = stmt_of(a, m, 'x', u, take(&q, a, &ok), &ok);
    }
    for (size_t i = 0; i < m->nrelations; i++)
        build_relation(&q, s, m, i, &ok);
    rf_query_free(&q);
    if (!ok) {
        free_sql(s);
        return NULL;
    }
    return s;
}

const rf_desc_sql *rf_desc_sql_get(const rf_model_desc *m)
{
    void *built = __atomic_load_n(&m->cache->built, __ATOMIC_ACQUIRE);
    if (built)
        return built;
    rf_desc_sql *s = build(m);
    if (!s)
        return NULL;
    void *expected = NULL;
    if (!__atomic_compare_exchange_n(&m->cache->built, &expected, s, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free_sql(s); /* another thread was first */
        return expected;
    }
    return s;
}

void rf_desc_put_select(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        rf_select select)
{
    if (!select) {
        rf_q_sql(q, s->select);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (select[i]) {
            rf_q_sql(q, n++ ? ", " : "");
            rf_q_sql(q, s->qualified[i]);
        }
    if (n == 0)
        rf_query_fail(q, RF_INVALID_ARGUMENT); /* nothing to return */
}

void rf_desc_put_table(rf_query *q, const char *schema, const char *table)
{
    put_table(q, schema, table);
}

const char *rf_desc_select_list(const rf_model_desc *m)
{
    const rf_desc_sql *s = m ? rf_desc_sql_get(m) : NULL;
    return s ? s->select : NULL;
}

const char *rf_desc_table(const rf_model_desc *m)
{
    const rf_desc_sql *s = m ? rf_desc_sql_get(m) : NULL;
    return s ? s->table : NULL;
}
