/*
 * client.c — rf_client: one libpq connection, how it was asked for, its
 * session settings, and its last error. Statement caching is in stmt.c,
 * running statements in exec.c.
 */
#include "internal.h"
#include "dsn_check.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long rf_version_number(void)
{
    return RF_VERSION_NUMBER;
}

const char *rf_version_string(void)
{
    return RF_VERSION_STRING;
}

rf_client *rf_client_alloc(void)
{
    rf_client *c = calloc(1, sizeof *c);
    if (c)
        rf_error_slot_init(&c->err);
    return c;
}

/* Session settings every (re)connection gets: UTF-8 text, and the schema
 * from ?schema= as search_path. */
static rf_status setup_session(rf_client *c)
{
    const char *enc = PQparameterStatus(c->conn, "client_encoding");
    if ((!enc || strcmp(enc, "UTF8") != 0) && !getenv("PGCLIENTENCODING")
        && !strstr(c->info.libpq, "client_encoding")) {
        if (PQsetClientEncoding(c->conn, "UTF8") != 0)
            return rf_error_from_result(&c->err, c->conn, NULL);
    }
    if (c->info.schema) {
        /* search_path takes identifiers: quote the name, double its quotes. */
        size_t n = strlen(c->info.schema);
        char *quoted = malloc(2 * n + 3);
        if (!quoted)
            return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
        size_t q = 0;
        quoted[q++] = '"';
        for (size_t i = 0; i < n; i++) {
            if (c->info.schema[i] == '"')
                quoted[q++] = '"';
            quoted[q++] = c->info.schema[i];
        }
        quoted[q++] = '"';
        quoted[q] = '\0';
        const char *values[1] = { quoted };
        PGresult *res = PQexecParams(c->conn,
                                     "SELECT pg_catalog.set_config('search_path', $1, false)",
                                     1, NULL, values, NULL, NULL, 0);
        free(quoted);
        bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        rf_status st = ok ? RF_OK : rf_error_from_result(&c->err, c->conn, res);
        PQclear(res);
        if (st != RF_OK)
            return st;
    }
    return RF_OK;
}

rf_status rf_apply_statement_timeout(rf_client *c)
{
    char value[32];
    snprintf(value, sizeof value, "%d", c->statement_timeout_ms);
    const char *values[1] = {value};
    PGresult *res = PQexecParams(c->conn, "SELECT pg_catalog.set_config('statement_timeout', $1, false)",
                                 1, NULL, values, NULL, NULL, 0);
    rf_status st = PQresultStatus(res) == PGRES_TUPLES_OK ? RF_OK
                                                         : rf_error_from_result(&c->err, c->conn, res);
    PQclear(res);
    return st;
}

rf_status rf_client_set_statement_timeout(rf_client *client, int ms)
{
    if (!client)
        return RF_INVALID_ARGUMENT;
    if (ms < 0)
        return rf_error_set(&client->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_client_set_statement_timeout: a negative timeout");
    if (client->info.pgbouncer)
        /* a session setting would stay on a server connection PgBouncer
         * hands to other clients, and be missing from the next one */
        return rf_error_set(&client->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "a statement timeout cannot be set per client through PgBouncer "
                            "(pgbouncer=true): set it for the role or database instead "
                            "(ALTER ROLE ... SET statement_timeout = ...)");
    client->statement_timeout_ms = ms;
    if (!client->conn || client->lost || PQstatus(client->conn) != CONNECTION_OK)
        return RF_OK; /* applied when it (re)connects */
    rf_status st = rf_client_ready(client);
    return st == RF_OK ? rf_apply_statement_timeout(client) : st;
}

void rf_client_set_transaction_timeout(rf_client *client, int ms)
{
    if (client)
        client->tx_timeout_ms = ms > 0 ? ms : 0;
}

/* libpq prints server notices (NOTICE, WARNING) to stderr by default; a
 * library must not write to a program's stderr. Programs that want them
 * install their own processor on rf_client_pgconn(). */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Opens c->conn from c->info. Prisma gives up connecting after 5 seconds
 * by default; libpq would wait forever on an unanswering host, so the same
 * default applies unless the caller set one (connect_timeout, or
 * PGCONNECT_TIMEOUT). */
static void open_conn(rf_client *c)
{
    bool has_timeout = strstr(c->info.libpq, "connect_timeout") || getenv("PGCONNECT_TIMEOUT");
    if (has_timeout) {
        c->conn = PQconnectdb(c->info.libpq);
    } else {
        /* expand_dbname: the first value is the whole connection string */
        const char *const keys[] = { "dbname", "connect_timeout", NULL };
        const char *const values[] = { c->info.libpq, "5", NULL };
        c->conn = PQconnectdbParams(keys, values, 1);
    }
    if (c->conn)
        PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
}

/* After a connection attempt (first or reset): classify, set up. */
static rf_status after_connect(rf_client *c)
{
    if (!c->conn)
        return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL,
                            "out of memory while connecting");
    if (PQstatus(c->conn) != CONNECTION_OK)
        return rf_error_from_connect(&c->err, c->conn);
    c->epoch++;
    c->prepared_now = 0;
    c->lost = false;
    rf_status st = setup_session(c);
    if (st == RF_OK && c->statement_timeout_ms)
        st = rf_apply_statement_timeout(c);
    if (st == RF_OK)
        rf_error_clear(&c->err);
    return st;
}

rf_status rf_connect(const char *conninfo, rf_client **out)
{
    if (!out)
        return RF_INVALID_ARGUMENT;
    rf_client *c = *out = rf_client_alloc();
    if (!c)
        return rf_orphan_error(RF_NO_MEMORY, "", "out of memory while creating the client");
    if (!conninfo)
        conninfo = getenv("DATABASE_URL");
    if (!conninfo) {
        char why[RF_NO_URL_MESSAGE_SIZE];
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, "",
                            rf_no_database_url(why, sizeof why));
    }
    char why[512];
    rf_status st = rf_conninfo_parse(conninfo, &c->info, why, sizeof why);
    if (st == RF_OK && !rf_dsn_check(c->info.libpq, why, sizeof why))
        st = RF_INVALID_ARGUMENT;
    if (st != RF_OK) {
        char message[640];
        snprintf(message, sizeof message, "The provided database string is invalid: %s", why);
        return rf_error_set(&c->err, st, NULL, st == RF_NO_MEMORY ? "" : "P1013",
                            st == RF_NO_MEMORY ? "out of memory" : message);
    }
    open_conn(c);
    return after_connect(c);
}

rf_status rf_reset(rf_client *client)
{
    if (!client)
        return RF_INVALID_ARGUMENT;
    if (!client->info.libpq)
        return rf_error_set(&client->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "the client has no connection string to reconnect with");
    if (client->conn)
        PQreset(client->conn); /* same parameters, same notice processor */
    else
        open_conn(client);
    return after_connect(client);
}

void rf_close(rf_client *client)
{
    if (!client)
        return;
    if (client->conn)
        PQfinish(client->conn);
    for (size_t i = 0; i < client->stmt_cap; i++) {
        free(client->stmts[i].id);
        free(client->stmts[i].sql);
    }
    free(client->stmts);
    rf_replicas_free(client);
    rf_read_shapes_free(client);
    rf_conninfo_free(&client->info);
    rf_error_slot_free(&client->err);
    free(client);
}

/*
 * Whether the server hung up on an idle connection. libpq learns of it only
 * when it next reads, and a statement sent into a closed socket fails with
 * no SQLSTATE while libpq still calls the connection OK. A server that goes
 * away (shutdown, crash, pg_terminate_backend) sends its goodbye and closes
 * the socket, so an idle connection with something to read is worth a look:
 * reading it through libpq turns the connection BAD when it is gone. No
 * round trip; a network that silently drops packets is not caught here (the
 * next statement fails instead).
 */
static bool server_hung_up(PGconn *conn)
{
    if (PQstatus(conn) != CONNECTION_OK)
        return true;
    if (PQisBusy(conn) || PQtransactionStatus(conn) == PQTRANS_ACTIVE)
        return false; /* a result is on its way: not ours to read */
    int fd = PQsocket(conn);
    if (fd < 0)
        return true;
    /* A goodbye message, then end of file: a few reads at most. */
    for (int i = 0; i < 8; i++) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0)
            return false;
        if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
            return true;
        /* stray notices and notifications stay with libpq */
    }
    return false;
}

rf_status rf_client_ready(rf_client *c)
{
    bool was_up = c->conn && !c->lost && PQstatus(c->conn) == CONNECTION_OK;
    if (was_up && !server_hung_up(c->conn))
        return RF_OK;
    if (was_up) { /* news: the server hung up since the last call */
        c->lost = true;
        return rf_error_lost(&c->err, c->conn, NULL);
    }
    c->lost = c->conn != NULL;
    return rf_error_set(&c->err, RF_CONNECTION, "08003", "P1017",
                        "not connected to the database (the connection was lost or never "
                        "made; call rf_reset to reconnect)");
}

bool rf_connected(const rf_client *client)
{
    return client && client->conn && !client->lost && !server_hung_up(client->conn);
}

bool rf_client_pgbouncer(const rf_client *client)
{
    return client && client->info.pgbouncer;
}

const char *rf_client_schema(const rf_client *client)
{
    return client && client->info.schema ? client->info.schema : "public";
}

struct pg_conn *rf_client_pgconn(rf_client *client)
{
    return client ? client->conn : NULL;
}

int rf_client_prepared_count(const rf_client *client)
{
    return client ? client->prepared_now : 0;
}

rf_status rf_client_fail_result(rf_client *c, const PGresult *res)
{
    /* A failure libpq made up itself (no SQLSTATE) may be a dead socket
     * that libpq has not yet called BAD: look before calling it anything
     * else, so that it is RF_CONNECTION and the client knows it is lost. */
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (c->conn && (!state || !*state) && server_hung_up(c->conn))
        c->lost = true;
    if (c->lost || (c->conn && PQstatus(c->conn) == CONNECTION_BAD)) {
        c->lost = true;
        return rf_error_lost(&c->err, c->conn, res);
    }
    return rf_error_from_result(&c->err, c->conn, res);
}

rf_status rf_client_check_idle(rf_client *c)
{
    if (!c->stream_busy)
        return RF_OK;
    return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                        "a stream is reading on this client: read it to the end or close it "
                        "before running another statement");
}
