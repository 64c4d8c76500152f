/*
 * stream.c — rf_stream: the rows of a statement handed over a chunk at a
 * time, so that a result of any size is read in constant memory.
 *
 * Two ways to get there with libpq 15 (see refract_stream.h): a server-side
 * cursor fetched in chunks, and libpq's single-row mode. Both keep at most
 * one chunk (one PGresult) alive; the caller decodes from it, borrowing
 * strings, and the chunk is freed when the next one arrives.
 */
#include "internal.h"
#include "refract_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rf_stream {
    rf_client *client;
    rf_stream_mode mode;
    int chunk_rows;
    int result_format;
    bool copy_values;
    bool own_tx;          /* cursor: the stream began the transaction it runs in */
    bool read_ahead;      /* cursor: send the next FETCH before handing out a chunk */
    bool pending;         /* cursor: a FETCH was sent and its result is not read yet */
    bool read_ahead_allowed; /* the options allow it */
    bool caller_tx;       /* single-row: opened inside the caller's transaction */
    bool busy;            /* single-row: the query's results are not all read */
    bool exhausted;       /* the server has no more rows for us */
    rf_status failed;     /* sticky failure, RF_OK while healthy */
    rf_result chunk;      /* the current chunk; its PGresult is ours */
    int next_row;         /* the next row of chunk to hand out */
    int64_t rows;
    char cursor[32];      /* "rf_stream_<n>", quoted when used */
    char fetch_sql[80];
};

/* ---- small helpers ------------------------------------------------------- */

/* Tells the client whether our query is in flight, so that other
 * statements are refused meanwhile instead of swallowing our rows (libpq's
 * PQexec drops unread results before it runs). */
static void publish_busy(const rf_stream *s)
{
    s->client->stream_busy = s->busy || s->pending;
}

static rf_status not_connected(rf_client *c)
{
    return rf_error_set(&c->err, RF_CONNECTION, "08003", "P1017",
                        "not connected to the database (the connection was lost or never "
                        "made; call rf_reset to reconnect)");
}

/* Runs a parameterless command. With keep_error an earlier failure stays
 * the client's last error, unless this command fails too: the ROLLBACK
 * after a failed FETCH must not erase why the FETCH failed. */
static rf_status command(rf_client *c, const char *sql, bool keep_error)
{
    PGresult *res = PQexec(c->conn, sql);
    rf_status st = RF_OK;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        st = rf_client_fail_result(c, res);
    else if (!keep_error && c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    PQclear(res);
    return st;
}

static void drop_chunk(rf_stream *s)
{
    if (s->chunk.pg)
        PQclear(s->chunk.pg);
    s->chunk = (rf_result)RF_RESULT_INIT;
    s->next_row = 0;
}

/* Makes res the current chunk. Strings decoded from it are borrowed (the
 * result counts as kept, by the stream) unless the caller asked for copies. */
static void take_chunk(rf_stream *s, PGresult *res)
{
    drop_chunk(s);
    s->chunk.pg = res;
    s->chunk.client = s->client;
    s->chunk.rows = PQntuples(res);
    s->chunk.cols = PQnfields(res);
    s->chunk.kept = !s->copy_values;
}

/* Reads and drops what remains of a single-row query. `record`: an error
 * among the results becomes the client's error (else it is expected, as
 * after a cancel, and ignored). */
static rf_status drain(rf_stream *s, bool record)
{
    rf_status st = RF_OK;
    PGresult *res;
    while ((res = PQgetResult(s->client->conn)) != NULL) {
        ExecStatusType t = PQresultStatus(res);
        if (record && st == RF_OK && t != PGRES_SINGLE_TUPLE && t != PGRES_TUPLES_OK
            && t != PGRES_COMMAND_OK)
            st = rf_client_fail_result(s->client, res);
        PQclear(res);
    }
    s->busy = false;
    if (record && st == RF_OK && PQstatus(s->client->conn) != CONNECTION_OK)
        st = not_connected(s->client);
    return st;
}

static rf_status fail(rf_stream *s, rf_status st)
{
    s->failed = st;
    s->exhausted = true;
    drop_chunk(s);
    return st;
}

/* ---- server-side cursor -------------------------------------------------- */

static rf_status cursor_open(rf_stream *s, const rf_stmt *stmt, int n, const char *const *values,
                             const int *lengths, const int *formats, const rf_oid *types)
{
    rf_client *c = s->client;
    PGTransactionStatusType tx = PQtransactionStatus(c->conn);
    if (tx == PQTRANS_INERROR)
        return rf_error_set(&c->err, RF_ERROR, "25P02", "",
                            "current transaction is aborted, commands ignored until end of "
                            "transaction block");
    if (tx == PQTRANS_IDLE) {
        rf_status st = command(c, "BEGIN", false);
        if (st != RF_OK)
            return st;
        s->own_tx = true;
        /* Reading ahead keeps the connection busy between calls, and a
         * FETCH the caller never asked for could fail: only in a
         * transaction that is the stream's alone. */
        s->read_ahead = s->read_ahead_allowed;
    }
    snprintf(s->cursor, sizeof s->cursor, "rf_stream_%u", ++c->next_cursor);
    snprintf(s->fetch_sql, sizeof s->fetch_sql, "FETCH FORWARD %d FROM \"%s\"", s->chunk_rows,
             s->cursor);

    static const char head[] = "DECLARE \"%s\" NO SCROLL CURSOR FOR %s";
    size_t len = sizeof head + strlen(s->cursor) + strlen(stmt->sql);
    char *declare = malloc(len);
    rf_status st = RF_OK;
    if (!declare) {
        st = rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    } else {
        snprintf(declare, len, head, s->cursor, stmt->sql);
        /* Unnamed: a DECLARE is planned when it runs anyway, and its text
         * names a fresh cursor each time, so there is nothing to cache. */
        PGresult *res = PQexecParams(c->conn, declare, n, types, values, lengths, formats, 0);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
            st = rf_client_fail_result(c, res);
        PQclear(res);
        free(declare);
    }
    if (st != RF_OK && s->own_tx) {
        command(c, "ROLLBACK", true);
        s->own_tx = false;
    }
    return st;
}

/* Sends the next FETCH without waiting for it, so that the server makes
 * the next chunk while the caller decodes this one. */
static void cursor_send_ahead(rf_stream *s)
{
    s->pending = PQsendQueryParams(s->client->conn, s->fetch_sql, 0, NULL, NULL, NULL, NULL,
                                   s->result_format) == 1;
    if (!s->pending)
        s->read_ahead = false; /* fall back to fetching when asked */
}

/* The result of the FETCH sent ahead (the end of its results read too). */
static PGresult *cursor_collect(rf_stream *s)
{
    PGresult *res = PQgetResult(s->client->conn), *extra;
    while ((extra = PQgetResult(s->client->conn)) != NULL) {
        if (res && PQresultStatus(res) == PGRES_TUPLES_OK) { /* keep an error, if any */
            PQclear(res);
            res = extra;
        } else {
            PQclear(extra);
        }
    }
    s->pending = false;
    return res;
}

/* The next chunk from the cursor, or the end (no chunk). */
static rf_status cursor_fetch(rf_stream *s)
{
    rf_client *c = s->client;
    drop_chunk(s);
    PGresult *res = s->pending ? cursor_collect(s)
                               : PQexecParams(c->conn, s->fetch_sql, 0, NULL, NULL, NULL, NULL,
                                              s->result_format);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        rf_status st = rf_client_fail_result(c, res);
        PQclear(res);
        if (s->own_tx && PQstatus(c->conn) == CONNECTION_OK) {
            command(c, "ROLLBACK", true);
            s->own_tx = false;
        }
        return fail(s, st);
    }
    int n = PQntuples(res);
    if (n < s->chunk_rows)
        s->exhausted = true; /* a short chunk is the last: saves an empty FETCH */
    if (n == 0) {
        PQclear(res);
        return RF_OK;
    }
    take_chunk(s, res);
    if (!s->exhausted && s->read_ahead)
        cursor_send_ahead(s);
    return RF_OK;
}

static rf_status cursor_close(rf_stream *s)
{
    rf_client *c = s->client;
    if (s->pending) {
        /* A chunk nobody will read; a failure in it only matters to the
         * stream's own transaction, which ends here anyway. */
        PGresult *res = cursor_collect(s);
        bool failed = !res || PQresultStatus(res) != PGRES_TUPLES_OK;
        PQclear(res);
        if (failed && PQstatus(c->conn) == CONNECTION_OK) {
            command(c, "ROLLBACK", true);
            return RF_OK;
        }
    }
    if (PQstatus(c->conn) != CONNECTION_OK)
        return s->failed != RF_OK ? RF_OK : not_connected(c);
    if (s->failed != RF_OK)
        return RF_OK; /* own transaction already rolled back; the caller's awaits rollback */
    if (s->own_tx)
        return command(c, "COMMIT", false); /* also closes the cursor */
    if (PQtransactionStatus(c->conn) != PQTRANS_INTRANS)
        return RF_OK; /* the caller's transaction failed or ended: the cursor is gone */
    char sql[48];
    snprintf(sql, sizeof sql, "CLOSE \"%s\"", s->cursor);
    return command(c, sql, false);
}

/* ---- single-row mode ------------------------------------------------------ */

/* Reads the next result of the running query into the current chunk (no
 * chunk at the end). */
static rf_status single_row_fetch(rf_stream *s)
{
    rf_client *c = s->client;
    drop_chunk(s);
    PGresult *res = PQgetResult(c->conn);
    if (!res) {
        s->busy = false;
        s->exhausted = true;
        return RF_OK;
    }
    switch (PQresultStatus(res)) {
    case PGRES_SINGLE_TUPLE:
        take_chunk(s, res);
        return RF_OK;
    case PGRES_TUPLES_OK: /* the end (zero rows in it, in single-row mode) */
    case PGRES_COMMAND_OK: {
        PQclear(res);
        s->exhausted = true;
        rf_status st = drain(s, true);
        return st == RF_OK ? RF_OK : fail(s, st);
    }
    default: {
        rf_status st = rf_client_fail_result(c, res);
        PQclear(res);
        drain(s, false);
        return fail(s, st);
    }
    }
}

static rf_status single_row_open(rf_stream *s, const rf_stmt *stmt, int n,
                                 const char *const *values, const int *lengths,
                                 const int *formats, const rf_oid *types)
{
    rf_client *c = s->client;
    PGTransactionStatusType tx = PQtransactionStatus(c->conn);
    s->caller_tx = tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR;
    rf_prepared *e;
    rf_status st = rf_stmt_lookup(c, stmt, &e);
    if (st != RF_OK)
        return st;
    for (int attempt = 0;; attempt++) {
        int sent;
        if (!e) {
            sent = PQsendQueryParams(c->conn, stmt->sql, n, types, values, lengths, formats,
                                     s->result_format);
        } else {
            if (!rf_stmt_ready(c, e) && (st = rf_stmt_prepare(c, e, n, types)) != RF_OK)
                return st;
            char name[RF_STMT_NAME_SIZE];
            rf_stmt_name(e, name);
            sent = PQsendQueryPrepared(c->conn, name, n, values, lengths, formats,
                                       s->result_format);
        }
        if (!sent)
            return rf_client_fail_result(c, NULL);
        s->busy = true;
        PQsetSingleRowMode(c->conn);
        /* The first result tells whether the statement runs at all, so that
         * open reports a bad statement rather than the first next. */
        PGresult *res = PQgetResult(c->conn);
        ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (t == PGRES_SINGLE_TUPLE) {
            take_chunk(s, res);
            return RF_OK;
        }
        if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
            PQclear(res);
            s->exhausted = true;
            return drain(s, true);
        }
        bool on_server = false;
        if (e && attempt == 0 && res && rf_stale_statement(res, &on_server) && !s->caller_tx) {
            PQclear(res);
            drain(s, false);
            rf_stmt_invalidate(c, e, on_server);
            continue;
        }
        st = rf_client_fail_result(c, res);
        PQclear(res);
        drain(s, false);
        return st;
    }
}

/* Stops a query whose rows are still coming. Outside a transaction a cancel
 * saves reading them; inside, a cancel would abort the caller's transaction,
 * so they are read and dropped. */
static rf_status single_row_close(rf_stream *s)
{
    if (!s->busy)
        return RF_OK;
    rf_client *c = s->client;
    if (!s->caller_tx) {
        PGcancel *cancel = PQgetCancel(c->conn);
        if (cancel) {
            char why[256];
            PQcancel(cancel, why, sizeof why); /* best effort: draining follows anyway */
            PQfreeCancel(cancel);
        }
        drain(s, false);
    } else {
        rf_status st = drain(s, true);
        if (st != RF_OK)
            return st;
    }
    return PQstatus(c->conn) == CONNECTION_OK ? RF_OK : not_connected(c);
}

/* ---- the interface ---------------------------------------------------------- */

rf_status rf_stream_open(rf_client *c, const rf_stmt *stmt, const rf_params *params,
                         const rf_stream_options *opts, rf_stream **out)
{
    if (!out)
        return c ? rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                                "rf_stream_open: no place for the stream")
                 : RF_INVALID_ARGUMENT;
    *out = NULL;
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!stmt || !stmt->sql)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_stream_open: missing statement or SQL");
    rf_stream_options o = opts ? *opts : (rf_stream_options){0};
    if (o.chunk_rows < 0 || (int)o.mode < 0 || o.mode > RF_STREAM_SINGLE_ROW)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_stream_open: unknown mode or negative chunk_rows");
    if (params && params->error != RF_OK)
        return rf_error_set(&c->err, params->error, NULL, NULL,
                            params->error == RF_NO_MEMORY
                                ? "out of memory while encoding parameters"
                                : "invalid parameter (an enum value out of range?)");
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK)
        return not_connected(c);
    if (PQtransactionStatus(c->conn) == PQTRANS_ACTIVE)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_stream_open: the client is busy (a single-row stream on it "
                            "is still open)");
    if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err);

    rf_stream *s = calloc(1, sizeof *s);
    if (!s)
        return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    s->client = c;
    s->mode = o.mode;
    if (s->mode == RF_STREAM_AUTO) {
        /* Measured (refract_stream.h, README): single-row mode reads
         * fastest, and outside a transaction stopping early is a cheap
         * cancel; in the caller's transaction a cursor stops early for one
         * CLOSE and leaves the client free between rows. */
        PGTransactionStatusType tx = PQtransactionStatus(c->conn);
        s->mode = tx == PQTRANS_IDLE ? RF_STREAM_SINGLE_ROW : RF_STREAM_CURSOR;
    }
    s->chunk_rows = o.chunk_rows ? o.chunk_rows : RF_STREAM_DEFAULT_CHUNK;
    s->result_format = stmt->result_format;
    s->copy_values = o.copy_values;
    s->read_ahead_allowed = !o.no_read_ahead;
    s->chunk = (rf_result)RF_RESULT_INIT;

    int n = params ? params->count : 0;
    rf_oid scratch[32];
    rf_oid *heap = NULL;
    const rf_oid *types = rf_param_types(stmt, n, params ? params->types : NULL, scratch, 32, &heap);
    rf_status st = RF_OK;
    if (stmt->param_types && stmt->nparams > 0 && stmt->nparams < n && !types)
        st = rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    else if (s->mode == RF_STREAM_CURSOR)
        st = cursor_open(s, stmt, n, params ? params->values : NULL,
                         params ? params->lengths : NULL, params ? params->formats : NULL, types);
    else
        st = single_row_open(s, stmt, n, params ? params->values : NULL,
                             params ? params->lengths : NULL, params ? params->formats : NULL,
                             types);
    free(heap);
    if (st != RF_OK) {
        drop_chunk(s);
        free(s);
        return st;
    }
    publish_busy(s);
    *out = s;
    return RF_OK;
}

/* Makes sure the current chunk has a row to hand out, fetching the next
 * chunk when needed. False at the end or after a failure. */
static bool have_row(rf_stream *s, rf_status *st)
{
    *st = s->failed;
    if (*st != RF_OK)
        return false;
    if (s->chunk.pg && s->next_row < s->chunk.rows)
        return true;
    if (s->mode == RF_STREAM_CURSOR) {
        if (s->exhausted) {
            drop_chunk(s);
            return false;
        }
        *st = cursor_fetch(s);
    } else {
        if (s->exhausted && !s->busy) {
            drop_chunk(s);
            return false;
        }
        *st = single_row_fetch(s);
    }
    return *st == RF_OK && s->chunk.pg && s->next_row < s->chunk.rows;
}

rf_status rf_stream_next(rf_stream *s, const rf_result **result, int *row)
{
    if (result)
        *result = NULL;
    if (row)
        *row = -1;
    if (!s || !result || !row)
        return RF_INVALID_ARGUMENT;
    rf_status st;
    bool more = have_row(s, &st);
    publish_busy(s);
    if (!more)
        return st;
    *result = &s->chunk;
    *row = s->next_row++;
    s->rows++;
    return RF_OK;
}

rf_status rf_stream_next_chunk(rf_stream *s, const rf_result **result)
{
    if (result)
        *result = NULL;
    if (!s || !result)
        return RF_INVALID_ARGUMENT;
    if (s->chunk.pg && s->next_row > 0 && s->next_row < s->chunk.rows)
        return rf_error_set(&s->client->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_stream_next_chunk: part of the current chunk was read row by "
                            "row; read the rest with rf_stream_next first");
    rf_status st;
    bool more = have_row(s, &st);
    publish_busy(s);
    if (!more)
        return st;
    *result = &s->chunk;
    s->rows += s->chunk.rows - s->next_row;
    s->next_row = s->chunk.rows;
    return RF_OK;
}

rf_status rf_stream_next_into(rf_stream *s, rf_row_decoder decode, const void *ctx, void *out,
                              rf_arena *arena, bool *got)
{
    if (got)
        *got = false;
    if (!s || !decode || !out || !arena || !got)
        return RF_INVALID_ARGUMENT;
    const rf_result *r;
    int row;
    rf_status st = rf_stream_next(s, &r, &row);
    if (st != RF_OK || !r)
        return st;
    rf_arena_reset(arena);
    st = decode(r, row, out, arena, ctx);
    if (st == RF_OK)
        *got = true;
    return st;
}

int64_t rf_stream_rows(const rf_stream *s)
{
    return s ? s->rows : 0;
}

rf_stream_mode rf_stream_mode_of(const rf_stream *s)
{
    return s ? s->mode : RF_STREAM_AUTO;
}

rf_status rf_stream_close(rf_stream *s)
{
    if (!s)
        return RF_OK;
    drop_chunk(s);
    s->client->stream_busy = false; /* what is in flight is ours to finish */
    rf_status st = RF_OK;
    if (s->client->conn)
        st = s->mode == RF_STREAM_CURSOR ? cursor_close(s) : single_row_close(s);
    free(s);
    return st;
}
