/*
 * desc_bulk.c — many rows per call: createMany (through COPY, in binary
 * when the column types allow it (copy_binary.c), else in text; or
 * multi-row INSERT ... ON CONFLICT DO NOTHING when duplicates are to be
 * skipped), createManyAndReturn and updateManyAndReturn.
 *
 * Memory stays bounded whatever the number of rows: COPY streams its rows
 * in chunks of COPY_ROWS (one COPY statement, so all or nothing), and the
 * INSERT path sends statements of at most VALUES_ROWS rows, inside one
 * transaction when there is more than one, so that a failure halfway
 * leaves nothing written. Inside an open transaction a failure aborts that
 * transaction, as any failed statement does (run it in a nested
 * rf_transaction, a savepoint, to undo only the createMany).
 */
#include "desc_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    COPY_ROWS = 1024,          /* rows encoded per chunk of COPY data */
    COPY_FLUSH = 256 * 1024,   /* bytes of COPY data handed to libpq at once */
    VALUES_ROWS = 1000,        /* rows per INSERT statement */
    MAX_PARAMS = 65535,        /* the protocol's limit per statement */
    BINARY_MIN_ROWS = 1000     /* fewer rows: text COPY, no catalog statement first */
};

typedef struct bulk {
    const rf_model_desc *m;
    const rf_desc_sql *s;
    const char *data;          /* the create inputs */
    size_t stride, n;
    bool skip_duplicates;
    bool returning;
    rf_select select;
    rf_any_list *out;          /* AndReturn: the rows, in `arena` */
    rf_arena *arena;
    bool *cols;                /* per field: some row gives it */
    size_t ncols;
    bool uniform;              /* no row leaves out a field with a default
                                  that another row gives */
    int64_t count;
} bulk;

static const void *row_at(const bulk *b, size_t r) { return b->data + r * b->stride; }

/* Which fields the rows give, and whether every row gives the same ones
 * (RF_NO_MEMORY, unrecorded). */
static rf_status survey(bulk *b)
{
    const rf_model_desc *m = b->m;
    b->cols = calloc(m->nfields ? m->nfields : 1, sizeof *b->cols);
    if (!b->cols)
        return RF_NO_MEMORY;
    b->uniform = true;
    for (size_t i = 0; i < m->nfields; i++) {
        bool first = b->n && rf_desc_create_given(&m->fields[i], row_at(b, 0));
        b->cols[i] = first;
        for (size_t r = 1; r < b->n; r++)
            if (rf_desc_create_given(&m->fields[i], row_at(b, r)) != first) {
                b->cols[i] = true;
                /* Left out, a field without a default is NULL, which COPY
                 * can say; only a default needs DEFAULT (an INSERT). */
                if (m->fields[i].flags & RF_FIELD_HAS_DEFAULT)
                    b->uniform = false;
                break;
            }
        b->ncols += b->cols[i];
    }
    return RF_OK;
}

/* ---- COPY ------------------------------------------------------------------ */

rf_status rf_desc_copy_begin(rf_client *c, const char *sql)
{
    if (rf_client_ready(c) != RF_OK)
        return RF_CONNECTION;
    if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    PGresult *res = PQexec(c->conn, sql);
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        rf_status st = rf_client_fail_result(c, res);
        PQclear(res);
        return st;
    }
    PQclear(res);
    return RF_OK;
}

rf_status rf_desc_copy_finish(rf_client *c, const char *abort_reason, rf_status why,
                              int64_t *count)
{
    PGconn *conn = c->conn;
    rf_status st = RF_OK;
    if (PQputCopyEnd(conn, abort_reason) != 1)
        st = rf_client_fail_result(c, NULL);
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (st == RF_OK && !abort_reason) {
            if (PQresultStatus(res) == PGRES_COMMAND_OK)
                *count = strtoll(PQcmdTuples(res), NULL, 10);
            else
                st = rf_client_fail_result(c, res);
        }
        PQclear(res);
    }
    return abort_reason ? why : st;
}

/* Binary COPY when the rows are many enough to repay the catalog
 * statement that plans it (copy_binary.c) and every column takes it;
 * NULL: text COPY. `how` has room for a byte per field. */
static const unsigned char *binary_plan(rf_client *c, const bulk *b, unsigned char *how,
                                        rf_status *st)
{
    bool usable = false;
    *st = RF_OK;
    if (b->n < BINARY_MIN_ROWS)
        return NULL;
    *st = rf_copy_binary_plan(c, b->m, b->s, b->cols, how, &usable);
    return usable ? how : NULL;
}

static rf_status copy_rows(rf_client *c, bulk *b)
{
    const rf_model_desc *m = b->m;
    unsigned char *how_mem = malloc(m->nfields ? m->nfields : 1);
    if (!how_mem)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_status st;
    const unsigned char *how = binary_plan(c, b, how_mem, &st);
    if (st != RF_OK) {
        free(how_mem);
        return st;
    }
    rf_query head;
    rf_query_init(&head);
    rf_q_sql(&head, "COPY ");
    rf_q_sql(&head, b->s->table);
    rf_q_sql(&head, " (");
    for (size_t i = 0, k = 0; i < m->nfields; i++)
        if (b->cols[i]) {
            rf_q_sql(&head, k++ ? ", " : "");
            rf_q_sql(&head, b->s->column[i]);
        }
    rf_q_sql(&head, how ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN");
    st = rf_query_status(&head);
    if (st != RF_OK) {
        rf_query_free(&head);
        free(how_mem);
        return rf_fail(c, st, "out of memory");
    }
    st = rf_desc_copy_begin(c, head.sql);
    rf_query_free(&head);
    if (st != RF_OK) {
        free(how_mem);
        return st;
    }
    PGconn *conn = c->conn;

    rf_buf buf = {0};
    if (how)
        rf_copy_binary_header(&buf);
    const char *why = NULL;
    rf_status why_st = RF_OK;
    for (size_t r0 = 0; r0 < b->n && !why; r0 += COPY_ROWS) {
        size_t r1 = b->n - r0 < COPY_ROWS ? b->n : r0 + COPY_ROWS;
        rf_query q;
        rf_query_init(&q);
        for (size_t r = r0; r < r1; r++)
            for (size_t i = 0; i < m->nfields; i++)
                if (b->cols[i] && !rf_desc_bind_create(&q, &m->fields[i], row_at(b, r)))
                    rf_params_add_null(&q.params); /* left out: NULL (see survey) */
        if ((why_st = rf_q_check(c, &q)) != RF_OK) {
            why = "refract: a row could not be encoded";
        } else if (how) {
            int k = 0;
            for (size_t r = r0; r < r1; r++) {
                rf_copy_binary_tuple(&buf, b->ncols);
                for (size_t i = 0; i < m->nfields; i++)
                    if (b->cols[i])
                        rf_copy_binary_put_param(&buf, &q.params, k++, how[i]);
            }
            if (r1 == b->n)
                rf_copy_binary_trailer(&buf);
        } else {
            int k = 0;
            for (size_t r = r0; r < r1; r++)
                for (size_t j = 0; j < b->ncols; j++, k++) {
                    rf_copy_put_param(&buf, &q.params, k);
                    rf_buf_put(&buf, j + 1 < b->ncols ? "\t" : "\n", 1);
                }
        }
        rf_query_free(&q);
        if (!why && buf.failed) {
            why = "refract: out of memory";
            why_st = rf_fail(c, RF_NO_MEMORY, "out of memory (or a value COPY cannot carry)");
        }
        if (!why && (buf.len >= COPY_FLUSH || r1 == b->n)) {
            if (buf.len && PQputCopyData(conn, buf.data, (int)buf.len) != 1) {
                why_st = rf_client_fail_result(c, NULL);
                why = "refract: sending failed";
            }
            buf.len = 0;
        }
    }
    rf_buf_free(&buf);
    free(how_mem);
    return rf_desc_copy_finish(c, why, why_st, &b->count);
}

/* ---- multi-row INSERT ------------------------------------------------------- */

/* Rows [r0, r1) as one INSERT into q. */
static void put_insert_rows(rf_query *q, const bulk *b, size_t r0, size_t r1)
{
    const rf_model_desc *m = b->m;
    const rf_desc_sql *s = b->s;
    rf_q_sql(q, "INSERT INTO ");
    rf_q_sql(q, s->table);
    rf_q_sql(q, " AS t (");
    size_t listed = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (b->cols[i]) {
            rf_q_sql(q, listed++ ? ", " : "");
            rf_q_sql(q, s->column[i]);
        }
    if (!listed) /* every column defaulted: name one, to say DEFAULT per row */
        rf_q_sql(q, s->column[0]);
    rf_q_sql(q, ") VALUES ");
    for (size_t r = r0; r < r1; r++) {
        rf_q_sql(q, r > r0 ? ", (" : "(");
        size_t k = 0;
        for (size_t i = 0; i < m->nfields; i++) {
            if (!b->cols[i])
                continue;
            rf_q_sql(q, k++ ? ", " : "");
            if (rf_desc_create_given(&m->fields[i], row_at(b, r))) {
                rf_q_param(q);
                rf_desc_bind_create(q, &m->fields[i], row_at(b, r));
            } else {
                rf_q_sql(q, "DEFAULT");
            }
        }
        rf_q_sql(q, listed ? ")" : "DEFAULT)");
    }
    if (b->skip_duplicates)
        rf_q_sql(q, " ON CONFLICT DO NOTHING");
    if (b->returning) {
        rf_q_sql(q, " RETURNING ");
        rf_desc_put_select(q, m, s, b->select);
    }
}

/* Rows [r0, r1) as one INSERT; returned rows go to out->items from
 * out->count on. */
static rf_status insert_rows(rf_client *c, bulk *b, size_t r0, size_t r1)
{
    const rf_model_desc *m = b->m;
    rf_query q;
    rf_query_init(&q);
    put_insert_rows(&q, b, r0, r1);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    rf_query_free(&q);
    if (st != RF_OK)
        return st;
    b->count += res.affected;
    if (!b->returning || res.rows == 0) {
        rf_result_clear(&res);
        return RF_OK;
    }
    if ((st = rf_result_keep(&res, b->arena)) != RF_OK) {
        rf_result_clear(&res);
        return st;
    }
    st = rf_desc_decode_rows(m, b->select, &res, 0,
                             (char *)b->out->items + b->out->count * m->row_size, b->arena);
    if (st == RF_OK)
        b->out->count += (size_t)res.rows;
    return st;
}

/* Rows per INSERT: at most VALUES_ROWS, and at most MAX_PARAMS parameters. */
static size_t rows_per_insert(const bulk *b)
{
    size_t per = MAX_PARAMS / (b->ncols ? b->ncols : 1);
    return per > VALUES_ROWS ? VALUES_ROWS : per;
}

static rf_status insert_all(rf_client *c, void *ctx)
{
    bulk *b = ctx;
    size_t per = rows_per_insert(b);
    b->count = 0;
    if (b->out)
        b->out->count = 0;
    for (size_t r0 = 0; r0 < b->n; r0 += per) {
        rf_status st = insert_rows(c, b, r0, b->n - r0 < per ? b->n : r0 + per);
        if (st != RF_OK)
            return st;
    }
    return RF_OK;
}

/* ---- the operations --------------------------------------------------------- */

static rf_status check_many(rf_client *c, const rf_model_desc *m, const void *data,
                            size_t stride, size_t n)
{
    if (!m || !m->writable)
        return rf_desc_misuse(c, "no model, or a read-only one");
    if (!data && n)
        return rf_desc_misuse(c, "create_many: NULL data with a non-zero count");
    if (n && !stride)
        return rf_desc_misuse(c, "create_many: no input size");
    return RF_OK;
}

static rf_status run_bulk(rf_client *c, bulk *b)
{
    const rf_desc_sql *s = rf_desc_sql_get(b->m);
    if (!s)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    b->s = s;
    rf_status st = survey(b);
    if (st != RF_OK)
        st = rf_fail(c, st, "out of memory");
    else {
        if (!b->returning && !b->skip_duplicates && b->uniform && b->ncols)
            st = copy_rows(c, b);
        else if ((b->n <= VALUES_ROWS && b->ncols * b->n <= MAX_PARAMS) || rf_in_transaction(c))
            st = insert_all(c, b); /* one statement, or a failure aborts the open transaction */
        else
            st = rf_transaction(c, RF_ISOLATION_DEFAULT, false, insert_all, b, 0);
    }
    free(b->cols);
    return st;
}

rf_status rf_desc_create_many(rf_client *c, const rf_model_desc *m, const void *data,
                              size_t stride, size_t n, bool skip_duplicates, int64_t *count)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_many(c, m, data, stride, n);
    if (count)
        *count = 0;
    if (st != RF_OK || n == 0)
        return st;
    bulk b = {.m = m, .data = data, .stride = stride, .n = n,
              .skip_duplicates = skip_duplicates};
    st = run_bulk(c, &b);
    if (st == RF_OK && count)
        *count = b.count;
    return st;
}

rf_status rf_desc_create_many_and_return(rf_client *c, const rf_model_desc *m, const void *data,
                                         size_t stride, size_t n, bool skip_duplicates,
                                         rf_select select, void *out, rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    rf_status st = check_many(c, m, data, stride, n);
    if (st != RF_OK)
        return st;
    if (!out || !arena)
        return rf_desc_misuse(c, "create_many_and_return: no list or arena for the rows");
    rf_any_list *list = out;
    list->items = NULL;
    list->count = 0;
    if (n == 0)
        return RF_OK;
    void *items = rf_arena_alloc(arena, n * m->row_size);
    if (!items)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_any_list rows = {items, 0};
    bulk b = {.m = m, .data = data, .stride = stride, .n = n, .skip_duplicates = skip_duplicates,
              .returning = true, .select = select, .out = &rows, .arena = arena};
    st = run_bulk(c, &b);
    if (st == RF_OK && rows.count)
        *list = rows;
    return st;
}

rf_status rf_desc_update_many_and_return(rf_client *c, const rf_model_desc *m, const void *where,
                                         const void *data, rf_select select, void *out,
                                         rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !m->writable)
        return rf_desc_misuse(c, "no model, or a read-only one");
    if (!out || !arena)
        return rf_desc_misuse(c, "update_many_and_return: no list or arena for the rows");
    rf_any_list *list = out;
    list->items = NULL;
    list->count = 0;
    const rf_desc_sql *s = rf_desc_sql_get(m);
    if (!s)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_update_many(&q, m, s, where, data);
    rf_q_sql(&q, " RETURNING ");
    rf_desc_put_select(&q, m, s, select);
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
    void *items = rf_arena_alloc(arena, (size_t)res.rows * m->row_size);
    if (!items)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    st = rf_desc_decode_rows(m, select, &res, 0, items, arena);
    if (st == RF_OK) {
        list->items = items;
        list->count = (size_t)res.rows;
    }
    return st;
}

/* ---- one statement, for batches ---------------------------------------------- */

const char *rf_desc_put_create_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                    const void *data, size_t stride, size_t n,
                                    bool skip_duplicates)
{
    bulk b = {.m = m, .s = s, .data = data, .stride = stride, .n = n,
              .skip_duplicates = skip_duplicates};
    if (survey(&b) != RF_OK) {
        rf_query_fail(q, RF_NO_MEMORY);
        return "out of memory";
    }
    const char *problem = NULL;
    if (n > rows_per_insert(&b))
        problem = "create_many: a batch sends one INSERT of at most 1,000 rows (and 65,535 "
                  "values); call create_many for more";
    else
        put_insert_rows(q, &b, 0, n);
    free(b.cols);
    return problem;
}
