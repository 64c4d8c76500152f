/*
 * desc_batch.c — batches: operations queued from model descriptors, then
 * sent together in one round trip with libpq's pipeline mode, and their
 * results read back in order (see rf_batch_run in refract.h).
 *
 * Each operation is built when queued into its own rf_query (SQL and
 * parameters). Statements the connection has prepared already run as
 * prepared; the others go as unnamed statements (parsed with the batch,
 * never a round trip of their own). Without a transaction each operation
 * is followed by a Sync, which makes it a transaction of its own and keeps
 * a failure from aborting the rest; with one, a single Sync at the end
 * makes the whole batch one implicit transaction.
 */
#include "desc_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum op_kind {
    OP_ONE,        /* at most one row, decoded into out; none: RF_NOT_FOUND */
    OP_ONE_OR_NONE,/* a create without RETURNING: nothing to read */
    OP_TOUCH,      /* an update/delete without RETURNING: no row affected is RF_NOT_FOUND */
    OP_COUNT,      /* one bigint */
    OP_AFFECTED,   /* the rows affected into out (an int64_t, may be NULL) */
    OP_LIST,       /* every row into out (a `<model>_list`) */
    OP_FIRST,      /* the first row of a list into out; none: RF_NOT_FOUND */
    OP_AGGREGATE,  /* one row of aggregates into out */
    OP_NONE        /* nothing to send (an empty create_many): done when queued */
} op_kind;

typedef struct batch_op {
    op_kind kind;
    const rf_model_desc *m;
    rf_query q;
    const rf_stmt *fixed;      /* the model's fixed statement it runs, or NULL: q's SQL */
    void *out;
    rf_rows_shape rows;        /* OP_LIST / OP_FIRST: how the rows decode */
    rf_select chosen[RF_AGG_NOPS]; /* OP_AGGREGATE: the fields per operation (copies) */
    const char *why;           /* why it cannot be sent (a misuse), or NULL */
    rf_status status;
} batch_op;

struct rf_batch {
    rf_arena *arena;
    batch_op **ops;            /* each on its own: an rf_query points into itself */
    size_t n, cap;
    bool ran;
};

rf_batch *rf_batch_new(rf_arena *arena)
{
    if (!arena)
        return NULL;
    rf_batch *b = calloc(1, sizeof *b);
    if (b)
        b->arena = arena;
    return b;
}

void rf_batch_free(rf_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        rf_query_free(&b->ops[i]->q);
        free(b->ops[i]);
    }
    free(b->ops);
    free(b);
}

size_t rf_batch_size(const rf_batch *b) { return b ? b->n : 0; }

rf_status rf_batch_status(const rf_batch *b, size_t i)
{
    return b && i < b->n ? b->ops[i]->status : RF_INVALID_ARGUMENT;
}

/* A new operation at the end of the queue (NULL when out of memory). */
static batch_op *push(rf_batch *b, op_kind kind, const rf_model_desc *m, void *out)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        batch_op **ops = realloc(b->ops, cap * sizeof *ops);
        if (!ops)
            return NULL;
        b->ops = ops;
        b->cap = cap;
    }
    batch_op *op = malloc(sizeof *op);
    if (!op)
        return NULL;
    b->ops[b->n++] = op;
    *op = (batch_op){.kind = kind, .m = m, .out = out, .status = RF_OK};
    rf_query_init(&op->q);
    return op;
}

/* The queued operation's status: RF_OK, or why it cannot be sent. */
static rf_status queued(batch_op *op)
{
    op->status = rf_query_status(&op->q);
    return op->status;
}

/* The operation cannot be sent: `why` (a misuse) is said when the batch runs. */
static rf_status refused(batch_op *op, const char *why)
{
    op->why = why;
    op->status = RF_INVALID_ARGUMENT;
    return op->status;
}

static const rf_desc_sql *writable_sql(rf_batch *b, const rf_model_desc *m, bool write)
{
    if (!b || !m || b->ran || (write && !m->writable))
        return NULL;
    return rf_desc_sql_get(m);
}

rf_status rf_desc_batch_find_unique(rf_batch *b, const rf_model_desc *m, size_t u,
                                    const void *const *key, void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, false);
    if (!s || u >= m->nuniques || !key || !out)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, OP_ONE, m, out);
    if (!op)
        return RF_NO_MEMORY;
    op->fixed = &s->find[u];
    const rf_unique_desc *ud = &m->uniques[u];
    for (size_t k = 0; k < ud->nparts; k++)
        rf_desc_bind_plain(&op->q, &m->fields[ud->parts[k]], key[k]);
    return queued(op);
}

/* " RETURNING <all>" when a row is wanted. */
static void returning(batch_op *op, const rf_desc_sql *s)
{
    if (op->out)
        rf_q_sql(&op->q, s->returning);
}

rf_status rf_desc_batch_create(rf_batch *b, const rf_model_desc *m, const void *data, void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s || !data)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, out ? OP_ONE : OP_ONE_OR_NONE, m, out);
    if (!op)
        return RF_NO_MEMORY;
    rf_desc_put_insert(&op->q, m, s, data);
    returning(op, s);
    return queued(op);
}

rf_status rf_desc_batch_update(rf_batch *b, const rf_model_desc *m, size_t u,
                               const void *const *key, const void *data, void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s || u >= m->nuniques || !key)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, out ? OP_ONE : OP_TOUCH, m, out);
    if (!op)
        return RF_NO_MEMORY;
    rf_q_sql(&op->q, s->update_head);
    rf_desc_put_set(&op->q, m, s, data, s->self_set);
    rf_desc_put_key(&op->q, m, s, &m->uniques[u], key);
    returning(op, s);
    return queued(op);
}

rf_status rf_desc_batch_delete(rf_batch *b, const rf_model_desc *m, size_t u,
                               const void *const *key, void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s || u >= m->nuniques || !key)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, out ? OP_ONE : OP_TOUCH, m, out);
    if (!op)
        return RF_NO_MEMORY;
    rf_q_sql(&op->q, "DELETE FROM ");
    rf_q_sql(&op->q, s->table);
    rf_q_sql(&op->q, " AS t");
    rf_desc_put_key(&op->q, m, s, &m->uniques[u], key);
    returning(op, s);
    return queued(op);
}

rf_status rf_desc_batch_count(rf_batch *b, const rf_model_desc *m, const void *where,
                              int64_t *count)
{
    const rf_desc_sql *s = writable_sql(b, m, false);
    if (!s || !count)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, OP_COUNT, m, count);
    if (!op)
        return RF_NO_MEMORY;
    rf_q_sql(&op->q, s->count_head);
    rf_q_group_begin(&op->q, "AND");
    if (where)
        rf_desc_put_where(&op->q, m, s, where);
    rf_q_group_end(&op->q);
    return queued(op);
}

static rf_status batch_rows(rf_batch *b, const rf_model_desc *m, const void *query, void *out,
                            op_kind kind)
{
    const rf_desc_sql *s = writable_sql(b, m, false);
    if (!s || !out)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, kind, m, out);
    if (!op)
        return RF_NO_MEMORY;
    const char *why = rf_desc_put_find_many(&op->q, m, s, query, kind == OP_FIRST, &op->rows);
    return why ? refused(op, why) : queued(op);
}

rf_status rf_desc_batch_find_many(rf_batch *b, const rf_model_desc *m, const void *query,
                                  void *out)
{
    return batch_rows(b, m, query, out, OP_LIST);
}

rf_status rf_desc_batch_find_first(rf_batch *b, const rf_model_desc *m, const void *query,
                                   void *out)
{
    return batch_rows(b, m, query, out, OP_FIRST);
}

rf_status rf_desc_batch_aggregate(rf_batch *b, const rf_model_desc *m, const void *query,
                                  void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, false);
    if (!s || !m->aggregate || !out)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, OP_AGGREGATE, m, out);
    if (!op)
        return RF_NO_MEMORY;
    memset(out, 0, m->aggregate[RF_AGGREGATE_SIZE]);
    rf_select chosen[RF_AGG_NOPS];
    const void *where = rf_desc_aggregate_choices(m, query, chosen);
    rf_desc_put_aggregate(&op->q, m, s, where, chosen);
    /* Copies, for decoding: the query need not outlive the call. */
    for (int k = 0; k < RF_AGG_NOPS; k++)
        if (chosen[k] && !(op->chosen[k] = rf_arena_memdup(&op->q.scratch, chosen[k], m->nfields)))
            rf_query_fail(&op->q, RF_NO_MEMORY);
    return queued(op);
}

rf_status rf_desc_batch_upsert(rf_batch *b, const rf_model_desc *m, size_t u,
                               const void *create, const void *update, void *out)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s || u >= m->nuniques || !m->uniques[u].upsertable || !create)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, out ? OP_ONE : OP_ONE_OR_NONE, m, out);
    if (!op)
        return RF_NO_MEMORY;
    rf_desc_put_upsert(&op->q, m, s, u, create, update);
    returning(op, s);
    return queued(op);
}

rf_status rf_desc_batch_update_many(rf_batch *b, const rf_model_desc *m, const void *where,
                                    const void *data, int64_t *count)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, OP_AFFECTED, m, count);
    if (!op)
        return RF_NO_MEMORY;
    rf_desc_put_update_many(&op->q, m, s, where, data);
    return queued(op);
}

rf_status rf_desc_batch_delete_many(rf_batch *b, const rf_model_desc *m, const void *where,
                                    int64_t *count)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s)
        return RF_INVALID_ARGUMENT;
    batch_op *op = push(b, OP_AFFECTED, m, count);
    if (!op)
        return RF_NO_MEMORY;
    rf_desc_put_delete_many(&op->q, m, s, where);
    return queued(op);
}

rf_status rf_desc_batch_create_many(rf_batch *b, const rf_model_desc *m, const void *data,
                                    size_t stride, size_t n, bool skip_duplicates,
                                    int64_t *count)
{
    const rf_desc_sql *s = writable_sql(b, m, true);
    if (!s || (n && (!data || !stride)))
        return RF_INVALID_ARGUMENT;
    if (count)
        *count = 0;
    batch_op *op = push(b, n ? OP_AFFECTED : OP_NONE, m, count);
    if (!op)
        return RF_NO_MEMORY;
    if (!n)
        return RF_OK;
    const char *why = rf_desc_put_create_many(&op->q, m, s, data, stride, n, skip_duplicates);
    return why ? refused(op, why) : queued(op);
}

/* ---- running ------------------------------------------------------------------ */

/* Whether the operation goes to the server. */
static bool to_send(const batch_op *op)
{
    return op->status == RF_OK && op->kind != OP_NONE;
}

static rf_stmt stmt_of(const batch_op *op)
{
    if (op->fixed)
        return *op->fixed;
    return (rf_stmt){.id = op->q.sql, .sql = op->q.sql, .result_format = RF_FORMAT_BINARY};
}

/* Prepares, before the pipeline, each statement of the batch the
 * connection does not have yet (a round trip per new shape, once per
 * connection, as the direct calls do), so that the batch sends only Bind
 * and Execute. One that fails to prepare goes unnamed: its error then
 * comes back in its place in the pipeline. */
static void prepare_all(rf_client *c, rf_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        batch_op *op = b->ops[i];
        rf_stmt stmt = stmt_of(op);
        rf_prepared *e = NULL;
        if (!to_send(op) || rf_stmt_lookup(c, &stmt, &e) != RF_OK || !e ||
            rf_stmt_ready(c, e))
            continue;
        if (rf_stmt_prepare(c, e, op->q.params.count, op->q.params.types) != RF_OK)
            rf_error_clear(&c->err);
    }
}

static bool send_op(rf_client *c, batch_op *op)
{
    const rf_params *p = &op->q.params;
    rf_stmt stmt = stmt_of(op);
    rf_prepared *e = NULL;
    if (rf_stmt_lookup(c, &stmt, &e) == RF_OK && e && rf_stmt_ready(c, e)) {
        char name[RF_STMT_NAME_SIZE];
        rf_stmt_name(e, name);
        return PQsendQueryPrepared(c->conn, name, p->count, p->values, p->lengths, p->formats,
                                   RF_FORMAT_BINARY) == 1;
    }
    return PQsendQueryParams(c->conn, stmt.sql, p->count, p->types, p->values, p->lengths,
                             p->formats, RF_FORMAT_BINARY) == 1;
}

/* The result of one operation into its out. */
static rf_status take_result(rf_client *c, rf_batch *b, batch_op *op, PGresult *res)
{
    rf_result r = {.pg = res, .client = c, .rows = PQntuples(res), .cols = PQnfields(res)};
    const char *n = PQcmdTuples(res);
    r.affected = *n ? strtoll(n, NULL, 10) : 0;
    switch (op->kind) {
    case OP_ONE_OR_NONE:
        PQclear(res);
        return RF_OK;
    case OP_TOUCH:
        PQclear(res);
        return r.affected ? RF_OK : RF_NOT_FOUND;
    case OP_COUNT: {
        int64_t v = 0;
        rf_status st = r.rows == 1 ? rf_get_i64(&r, 0, 0, &v) : RF_ERROR;
        PQclear(res);
        *(int64_t *)op->out = v;
        return st;
    }
    case OP_AFFECTED:
        PQclear(res);
        if (op->out)
            *(int64_t *)op->out = r.affected;
        return RF_OK;
    case OP_NONE:
        break;
    case OP_LIST:
    case OP_FIRST:
    case OP_AGGREGATE: {
        if (rf_result_keep(&r, b->arena) != RF_OK) {
            PQclear(res);
            return RF_NO_MEMORY;
        }
        if (op->kind == OP_AGGREGATE)
            return r.rows == 1 ? rf_desc_decode_aggregate(op->m, op->chosen, &r, op->out, b->arena)
                               : RF_ERROR;
        rf_any_list first;
        rf_any_list *list = op->kind == OP_LIST ? op->out : &first;
        rf_status st = rf_desc_list_rows(op->m, &op->rows, &r, list, b->arena);
        if (st != RF_OK || op->kind == OP_LIST)
            return st;
        if (first.count == 0)
            return RF_NOT_FOUND;
        memcpy(op->out, first.items, op->m->row_size);
        return RF_OK;
    }
    case OP_ONE:
        if (r.rows == 0) {
            PQclear(res);
            return RF_NOT_FOUND;
        }
        if (rf_result_keep(&r, b->arena) != RF_OK) {
            PQclear(res);
            return RF_NO_MEMORY;
        }
        return rf_desc_decode_one(op->m, NULL, &r, 0, 0, op->out, b->arena);
    }
    PQclear(res);
    return RF_ERROR;
}

/* Records the first failure as the client's last error. */
static void first_failure(rf_client *c, batch_op *op, rf_status st, const PGresult *res,
                          rf_status *overall)
{
    op->status = st;
    if (*overall != RF_OK)
        return;
    *overall = st;
    if (res)
        rf_client_fail_result(c, res);
    else if (st == RF_NOT_FOUND)
        rf_desc_not_found(c, op->m);
    else
        rf_fail(c, st, op->why ? op->why : "a batched operation failed");
}

rf_status rf_batch_run(rf_client *c, rf_batch *b, bool transaction)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!b || b->ran)
        return rf_desc_misuse(c, "rf_batch_run: no batch, or one that ran already");
    b->ran = true;
    rf_status overall = RF_OK;
    for (size_t i = 0; i < b->n; i++)
        if (b->ops[i]->status != RF_OK) {
            if (overall == RF_OK)
                overall = rf_fail(c, b->ops[i]->status,
                                  b->ops[i]->why ? b->ops[i]->why
                                                 : "a batched operation could not be built");
            if (transaction) {
                for (size_t k = 0; k < b->n; k++)
                    if (b->ops[k]->status == RF_OK)
                        b->ops[k]->status = RF_ERROR; /* not run */
                return overall;
            }
        }
    if (b->n == 0)
        return overall;
    if (rf_client_ready(c) != RF_OK)
        return RF_CONNECTION;
    if (overall == RF_OK && c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    PGconn *conn = c->conn;
    prepare_all(c, b);
    if (PQenterPipelineMode(conn) != 1)
        return rf_fail(c, RF_ERROR, "the connection cannot enter pipeline mode");

    /* Send everything; results wait on the server's side of the socket. */
    bool sent_ok = true;
    for (size_t i = 0; i < b->n && sent_ok; i++) {
        if (!to_send(b->ops[i]))
            continue;
        sent_ok = send_op(c, b->ops[i]) && (transaction || PQpipelineSync(conn) == 1);
    }
    if (sent_ok && transaction)
        sent_ok = PQpipelineSync(conn) == 1;
    if (!sent_ok) {
        rf_status st = rf_client_fail_result(c, NULL);
        PQexitPipelineMode(conn);
        return st;
    }

    /* Read: per operation its result and the end of it; a Sync's marker
     * after each (or once at the end). */
    for (size_t i = 0; i < b->n; i++) {
        batch_op *op = b->ops[i];
        if (!to_send(op))
            continue;
        PGresult *res = PQgetResult(conn);
        if (!res) {
            first_failure(c, op, rf_client_fail_result(c, NULL), NULL, &overall);
            break;
        }
        ExecStatusType es = PQresultStatus(res);
        if (es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK) {
            rf_status st = take_result(c, b, op, res);
            if (st != RF_OK)
                first_failure(c, op, st, NULL, &overall);
        } else if (es == PGRES_PIPELINE_ABORTED) {
            op->status = RF_ERROR; /* not run: an earlier operation failed */
            PQclear(res);
        } else {
            const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            rf_status st = state ? rf_status_from_sqlstate(state) : RF_ERROR;
            first_failure(c, op, st, res, &overall);
            PQclear(res);
        }
        /* The NULL that ends this operation's results. */
        while ((res = PQgetResult(conn)) != NULL)
            PQclear(res);
        if (!transaction) {
            res = PQgetResult(conn); /* PGRES_PIPELINE_SYNC */
            PQclear(res);
        }
    }
    if (transaction) {
        PGresult *res = PQgetResult(conn);
        PQclear(res);
        if (overall != RF_OK) /* the implicit transaction was rolled back */
            for (size_t i = 0; i < b->n; i++)
                if (b->ops[i]->status == RF_OK)
                    b->ops[i]->status = RF_ERROR;
    }
    if (PQexitPipelineMode(conn) != 1 && overall == RF_OK)
        overall = rf_fail(c, RF_ERROR, "the connection did not leave pipeline mode");
    return overall;
}
