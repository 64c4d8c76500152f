/*
 * exec.c — running statements and handing back their results.
 *
 * One path for every statement: named and cached (prepare once per
 * connection, then bind+execute), or unnamed (parse+bind+execute in one
 * round trip) for pgbouncer mode and one-shot SQL. Values always travel as
 * parameters.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool ok_status(ExecStatusType s)
{
    return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}

static void fill_result(rf_client *c, PGresult *res, rf_result *out)
{
    out->pg = res;
    out->client = c;
    out->rows = PQntuples(res);
    out->cols = PQnfields(res);
    out->kept = false;
    const char *n = PQcmdTuples(res);
    out->affected = *n ? strtoll(n, NULL, 10) : 0;
}

/* A failed execution that re-preparing can cure: the server no longer knows
 * the statement (DEALLOCATE ALL, a pooler swapping connections), or its
 * cached plan no longer matches the tables (a migration ran meanwhile). */
bool rf_stale_statement(const PGresult *res, bool *still_on_server)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (!state)
        return false;
    if (!strcmp(state, "26000")) {
        *still_on_server = false;
        return true;
    }
    if (!strcmp(state, "0A000")) {
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        *still_on_server = true;
        return msg && strstr(msg, "cached plan must not change result type");
    }
    return false;
}

/* The parameter types to declare, with exactly nparams entries, or NULL. */
const rf_oid *rf_param_types(const rf_stmt *stmt, int nparams, const rf_oid *from_params,
                             rf_oid *scratch, int scratch_len, rf_oid **heap)
{
    *heap = NULL;
    if (!stmt->param_types || stmt->nparams <= 0)
        return from_params;
    if (stmt->nparams >= nparams)
        return stmt->param_types;
    rf_oid *t = scratch;
    if (nparams > scratch_len) {
        t = *heap = malloc((size_t)nparams * sizeof *t);
        if (!t)
            return NULL;
    }
    for (int i = 0; i < nparams; i++)
        t[i] = i < stmt->nparams ? stmt->param_types[i] : from_params ? from_params[i] : 0;
    return t;
}

static rf_status run_here(rf_client *c, const rf_stmt *stmt, int nparams,
                          const char *const *values, const int *lengths, const int *formats,
                          const rf_oid *types, rf_result *out);

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Tells the query log what ran on `on` (the client that ran it). */
static void log_query(const rf_client *on, const rf_stmt *stmt, int nparams,
                      const char *const *values, const int *formats, const struct timespec *t0,
                      const rf_result *out, rf_status st)
{
    const char *shown[64];
    const char *const *vals = NULL;
    if (on->log_values && values) {
        int n = nparams < 64 ? nparams : 64;
        for (int i = 0; i < n; i++)
            shown[i] = formats && formats[i] == RF_FORMAT_BINARY ? NULL : values[i];
        vals = shown;
    }
    rf_query_event ev = {stmt->sql, nparams, vals, elapsed_ms(t0),
                         out && st == RF_OK ? (out->rows ? out->rows : out->affected) : 0, st,
                         on->server_name ? on->server_name : "primary"};
    on->log_fn(&ev, on->log_user);
}

/* Runs on c, or for a read on one of c's replicas (replica.c). The result
 * and any error belong to c either way. */
static rf_status run(rf_client *c, const rf_stmt *stmt, int nparams, const char *const *values,
                     const int *lengths, const int *formats, const rf_oid *types,
                     rf_result *out)
{
    if (c && stmt && stmt->sql && c->nreplicas) {
        rf_client *r = rf_route_read(c, stmt->sql);
        if (r != c) {
            rf_status st = run_here(r, stmt, nparams, values, lengths, formats, types, out);
            if (st == RF_CONNECTION) { /* the replica went away: read elsewhere */
                rf_route_done(c, r, st);
                return run(c, stmt, nparams, values, lengths, formats, types, out);
            }
            if (out && st == RF_OK)
                out->client = c; /* decode errors are the caller's to read on c */
            return rf_route_done(c, r, st);
        }
    }
    return run_here(c, stmt, nparams, values, lengths, formats, types, out);
}

static rf_status run_here(rf_client *c, const rf_stmt *stmt, int nparams,
                          const char *const *values, const int *lengths, const int *formats,
                          const rf_oid *types, rf_result *out)
{
    struct timespec t0;
    if (c && c->log_fn)
        clock_gettime(CLOCK_MONOTONIC, &t0);
    if (out)
        *out = (rf_result)RF_RESULT_INIT;
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!stmt || !stmt->sql || nparams < 0 || (nparams > 0 && !values))
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_exec: missing statement, SQL or parameter values");
    if (formats && !lengths)
        for (int i = 0; i < nparams; i++)
            if (formats[i] == RF_FORMAT_BINARY && values[i])
                return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                                    "rf_exec: binary parameters need their lengths");
    if (rf_client_ready(c) != RF_OK)
        return RF_CONNECTION;
    if (rf_client_check_idle(c) != RF_OK)
        return RF_INVALID_ARGUMENT;
    if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    if (c->tx_deadline_us && rf_tx_check_deadline(c) != RF_OK)
        return RF_ERROR;

    rf_prepared *e;
    rf_status st = rf_stmt_lookup(c, stmt, &e);
    if (st != RF_OK)
        return st;

    rf_oid scratch[32];
    rf_oid *heap_types;
    const rf_oid *decl = rf_param_types(stmt, nparams, types, scratch, 32, &heap_types);
    if (stmt->param_types && stmt->nparams > 0 && stmt->nparams < nparams && !decl)
        return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");

    PGresult *res = NULL;
    for (int attempt = 0;; attempt++) {
        if (!e) {
            res = PQexecParams(c->conn, stmt->sql, nparams, decl, values, lengths, formats,
                               stmt->result_format);
        } else {
            if (!rf_stmt_ready(c, e)) {
                st = rf_stmt_prepare(c, e, nparams, decl);
                if (st != RF_OK)
                    break;
            }
            char name[RF_STMT_NAME_SIZE];
            rf_stmt_name(e, name);
            res = PQexecPrepared(c->conn, name, nparams, values, lengths, formats,
                                 stmt->result_format);
        }
        if (res && ok_status(PQresultStatus(res))) {
            st = RF_OK;
            break;
        }
        bool on_server = false;
        if (e && attempt == 0 && res && rf_stale_statement(res, &on_server)
            && PQstatus(c->conn) == CONNECTION_OK
            && PQtransactionStatus(c->conn) == PQTRANS_IDLE) {
            PQclear(res);
            res = NULL;
            rf_stmt_invalidate(c, e, on_server);
            continue;
        }
        st = rf_client_fail_result(c, res);
        PQclear(res);
        res = NULL;
        break;
    }
    free(heap_types);
    if (st != RF_OK) {
        if (c->log_fn)
            log_query(c, stmt, nparams, values, formats, &t0, NULL, st);
        return st;
    }
    if (out)
        fill_result(c, res, out);
    if (c->log_fn) {
        rf_result seen = {res, c, PQntuples(res), PQnfields(res), 0, false};
        const char *n = PQcmdTuples(res);
        seen.affected = *n ? strtoll(n, NULL, 10) : 0;
        log_query(c, stmt, nparams, values, formats, &t0, &seen, RF_OK);
    }
    if (!out)
        PQclear(res);
    return RF_OK;
}

rf_status rf_exec(rf_client *client, const rf_stmt *stmt, int nparams,
                  const char *const *values, const int *lengths, const int *formats,
                  rf_result *out)
{
    return run(client, stmt, nparams, values, lengths, formats, NULL, out);
}

rf_status rf_exec_params(rf_client *client, const rf_stmt *stmt, const rf_params *params,
                         rf_result *out)
{
    if (out)
        *out = (rf_result)RF_RESULT_INIT;
    if (!client)
        return RF_INVALID_ARGUMENT;
    if (!params)
        return run(client, stmt, 0, NULL, NULL, NULL, NULL, out);
    if (params->error != RF_OK)
        return rf_error_set(&client->err, params->error, NULL, NULL,
                            params->error == RF_NO_MEMORY
                                ? "out of memory while encoding parameters"
                                : "invalid parameter (an enum value out of range?)");
    return run(client, stmt, params->count, params->values, params->lengths, params->formats,
               params->types, out);
}

rf_status rf_exec_sql(rf_client *c, const char *sql)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!sql)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL, "rf_exec_sql: NULL SQL");
    if (rf_client_ready(c) != RF_OK)
        return RF_CONNECTION;
    if (rf_client_check_idle(c) != RF_OK)
        return RF_INVALID_ARGUMENT;
    if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    PGresult *res = PQexec(c->conn, sql);
    rf_status st = RF_OK;
    if (!res || !ok_status(PQresultStatus(res)))
        st = rf_client_fail_result(c, res);
    PQclear(res);
    return st;
}

void rf_result_clear(rf_result *result)
{
    if (!result)
        return;
    if (result->pg && !result->kept)
        PQclear(result->pg);
    *result = (rf_result)RF_RESULT_INIT;
}

int rf_result_column(const rf_result *result, const char *name)
{
    if (!result || !result->pg || !name)
        return -1;
    /* An exact comparison (PQfnumber would fold unquoted names to lower
     * case, and generated names are case-sensitive). */
    for (int i = 0; i < result->cols; i++)
        if (!strcmp(PQfname(result->pg, i), name))
            return i;
    return -1;
}

rf_oid rf_result_column_type(const rf_result *result, int col)
{
    if (!result || !result->pg || col < 0 || col >= result->cols)
        return 0;
    return PQftype(result->pg, col);
}
