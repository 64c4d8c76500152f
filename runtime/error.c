/*
 * error.c — status codes, their names and Prisma codes, and the per-client
 * record of the last failure.
 *
 * The mapping from SQLSTATE to status is the contract programs branch on;
 * the Prisma codes follow Prisma's error reference (P2002 unique, P2003
 * foreign key, P2011 null constraint, P2025 record not found, P2034 write
 * conflict or deadlock, P1001 cannot reach the server, P1017 server closed
 * the connection).
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *rf_status_name(rf_status status)
{
    switch (status) {
    case RF_OK: return "RF_OK";
    case RF_NOT_FOUND: return "RF_NOT_FOUND";
    case RF_UNIQUE_VIOLATION: return "RF_UNIQUE_VIOLATION";
    case RF_FOREIGN_KEY_VIOLATION: return "RF_FOREIGN_KEY_VIOLATION";
    case RF_NOT_NULL_VIOLATION: return "RF_NOT_NULL_VIOLATION";
    case RF_CHECK_VIOLATION: return "RF_CHECK_VIOLATION";
    case RF_SERIALIZATION_FAILURE: return "RF_SERIALIZATION_FAILURE";
    case RF_CONNECTION: return "RF_CONNECTION";
    case RF_INVALID_ARGUMENT: return "RF_INVALID_ARGUMENT";
    case RF_NO_MEMORY: return "RF_NO_MEMORY";
    case RF_DECODE: return "RF_DECODE";
    case RF_ERROR: return "RF_ERROR";
    case RF_RELATION_VIOLATION: return "RF_RELATION_VIOLATION";
    }
    return "RF_UNKNOWN_STATUS";
}

const char *rf_status_prisma_code(rf_status status)
{
    switch (status) {
    case RF_NOT_FOUND: return "P2025";
    case RF_UNIQUE_VIOLATION: return "P2002";
    case RF_FOREIGN_KEY_VIOLATION: return "P2003";
    case RF_NOT_NULL_VIOLATION: return "P2011";
    case RF_CHECK_VIOLATION: return "P2004";
    case RF_SERIALIZATION_FAILURE: return "P2034";
    case RF_CONNECTION: return "P1001";
    case RF_RELATION_VIOLATION: return "P2014";
    default: return "";
    }
}

rf_status rf_status_from_sqlstate(const char *s)
{
    if (!s || strlen(s) != 5)
        return RF_ERROR;
    if (!strcmp(s, "23505")) return RF_UNIQUE_VIOLATION;
    if (!strcmp(s, "23503")) return RF_FOREIGN_KEY_VIOLATION;
    if (!strcmp(s, "23502")) return RF_NOT_NULL_VIOLATION;
    if (!strcmp(s, "23514")) return RF_CHECK_VIOLATION;
    if (!strcmp(s, "40001") || !strcmp(s, "40P01")) return RF_SERIALIZATION_FAILURE;
    /* Class 08: connection exception. 57P01-57P03: the server is shutting
     * down or terminated this backend (pg_terminate_backend). */
    if (!strncmp(s, "08", 2) || !strcmp(s, "57P01") || !strcmp(s, "57P02")
        || !strcmp(s, "57P03"))
        return RF_CONNECTION;
    return RF_ERROR;
}

const char *rf_prisma_code_from_sqlstate(const char *s)
{
    static const struct { const char *sqlstate, *prisma; } map[] = {
        { "23505", "P2002" }, { "23503", "P2003" }, { "23502", "P2011" },
        { "23514", "P2004" }, { "40001", "P2034" }, { "40P01", "P2034" },
        { "22001", "P2000" }, /* value too long for the column */
        { "22003", "P2020" }, /* value out of range */
        { "28P01", "P1000" }, { "28000", "P1000" }, /* authentication */
        { "3D000", "P1003" }, /* database does not exist */
        { "57P01", "P1017" }, { "57P02", "P1017" }, { "57P03", "P1001" },
        { "42P01", "P2021" }, /* table does not exist */
        { "42703", "P2022" }, /* column does not exist */
        { "57014", "P1008" }, /* statement timeout or cancel: operation timed out */
    };
    if (!s)
        return "";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(s, map[i].sqlstate))
            return map[i].prisma;
    if (!strncmp(s, "08", 2))
        return "P1017";
    return "";
}

/* ---- the error slot ------------------------------------------------------ */

static const char *const no_target[1] = { NULL };

static const rf_error no_error = {
    RF_OK, "", "", "", "", "", "", "", "", "", no_target, 0,
};

void rf_error_slot_init(rf_error_slot *slot)
{
    slot->error = no_error;
    rf_arena_init(&slot->strings);
}

void rf_error_slot_free(rf_error_slot *slot)
{
    rf_arena_free(&slot->strings);
    slot->error = no_error;
}

void rf_error_clear(rf_error_slot *slot)
{
    rf_arena_reset(&slot->strings);
    slot->error = no_error;
}

/* A copy in the slot's arena; "" when s is NULL or memory ran out. */
static const char *keep(rf_error_slot *slot, const char *s)
{
    if (!s || !*s)
        return "";
    const char *copy = rf_arena_strdup(&slot->strings, s);
    return copy ? copy : "";
}

/* libpq messages end in a newline; messages read better without. */
static const char *keep_trimmed(rf_error_slot *slot, const char *s)
{
    if (!s)
        return "";
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    if (!n)
        return "";
    const char *copy = rf_arena_strndup(&slot->strings, s, n);
    return copy ? copy : "";
}

rf_status rf_error_set(rf_error_slot *slot, rf_status status, const char *sqlstate,
                       const char *prisma_code, const char *message)
{
    /* `message` may be a string of this very slot (rf_fail(c, s,
     * rf_last_error(c)->message)): copy it out before the slot is reused. */
    char copy[2048];
    snprintf(copy, sizeof copy, "%s", message ? message : "");
    message = copy;
    rf_error_clear(slot);
    rf_error *e = &slot->error;
    e->status = status;
    if (sqlstate)
        snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate);
    e->prisma_code = prisma_code ? prisma_code : rf_status_prisma_code(status);
    e->message = keep_trimmed(slot, message);
    if (!*e->message)
        e->message = rf_status_name(status);
    return status;
}

rf_status rf_error_setf(rf_error_slot *slot, rf_status status, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return rf_error_set(slot, status, NULL, NULL, buf);
}

/* libpq's connection messages span lines ("...unexpectedly\n\tThis probably
 * means..."): one line reads better in a log. */
static void one_line(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\n' || *r == '\t' || *r == '\r') {
            if (w > s && w[-1] != ' ')
                *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* Prisma's meta.target of a key violation, and `column` as its list. */
static void key_target(rf_error_slot *slot, const char *detail)
{
    rf_error *e = &slot->error;
    const char **names;
    size_t n = rf_key_columns(detail, &slot->strings, &names);
    if (!n)
        return;
    e->target = names;
    e->target_count = n;
    if (*e->column)
        return;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(names[i]) + 2;
    char *joined = rf_arena_alloc(&slot->strings, total + 1);
    if (!joined)
        return;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(names[i]);
        if (i) {
            memcpy(joined + w, ", ", 2);
            w += 2;
        }
        memcpy(joined + w, names[i], k);
        w += k;
    }
    joined[w] = '\0';
    e->column = joined;
}

rf_status rf_error_lost(rf_error_slot *slot, PGconn *conn, const PGresult *res)
{
    /* The server went away mid-session: say so plainly, then what libpq
     * saw, and what to do about it. libpq's own failures carry no SQLSTATE
     * (only a server that said goodbye sends one, e.g. 57P01): 08006,
     * connection failure, then. */
    const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *why = res ? PQresultErrorMessage(res) : NULL;
    if (!why || !*why)
        why = conn ? PQerrorMessage(conn) : "";
    char buf[1024];
    size_t n = strlen(why);
    while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
        n--;
    if (n)
        snprintf(buf, sizeof buf,
                 "connection to the database was lost: %.*s (call rf_reset to reconnect)",
                 (int)(n > 900 ? 900 : n), why);
    else
        snprintf(buf, sizeof buf, "connection to the database was lost: the server closed "
                                  "the connection (call rf_reset to reconnect)");
    one_line(buf);
    return rf_error_set(slot, RF_CONNECTION, sqlstate && *sqlstate ? sqlstate : "08006",
                        "P1017", buf);
}

rf_status rf_error_from_result(rf_error_slot *slot, PGconn *conn, const PGresult *res)
{
    const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (conn && PQstatus(conn) == CONNECTION_BAD)
        return rf_error_lost(slot, conn, res);
    rf_status status = rf_status_from_sqlstate(sqlstate);

    rf_error_clear(slot);
    rf_error *e = &slot->error;
    e->status = status;
    if (sqlstate)
        snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate);

    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary)
        primary = res ? PQresultErrorMessage(res) : NULL;
    if (!primary || !*primary)
        primary = conn ? PQerrorMessage(conn) : "unknown error";
    e->message = keep_trimmed(slot, primary);
    if (!*e->message)
        e->message = rf_status_name(status);
    if (res) {
        e->detail = keep(slot, PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
        e->hint = keep(slot, PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
        e->constraint = keep(slot, PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
        e->schema = keep(slot, PQresultErrorField(res, PG_DIAG_SCHEMA_NAME));
        e->table = keep(slot, PQresultErrorField(res, PG_DIAG_TABLE_NAME));
        e->column = keep(slot, PQresultErrorField(res, PG_DIAG_COLUMN_NAME));
        if (status == RF_UNIQUE_VIOLATION || status == RF_FOREIGN_KEY_VIOLATION)
            key_target(slot, e->detail);
    }
    const char *prisma = rf_prisma_code_from_sqlstate(sqlstate);
    e->prisma_code = *prisma ? prisma : rf_status_prisma_code(status);
    return status;
}

rf_status rf_error_from_connect(rf_error_slot *slot, PGconn *conn)
{
    const char *msg = conn ? PQerrorMessage(conn) : "out of memory";
    /* libpq does not expose the SQLSTATE of a failed connection attempt, so
     * classify by the server's words: authentication and a missing database
     * are the two a user fixes differently from "cannot reach". */
    const char *prisma = "P1001";
    const char *sqlstate = "08006";
    if (strstr(msg, "password authentication failed") || strstr(msg, "no password supplied")
        || strstr(msg, "authentication failed")) {
        prisma = "P1000";
        sqlstate = "28P01";
    } else if (strstr(msg, "does not exist") && strstr(msg, "database")) {
        prisma = "P1003";
        sqlstate = "3D000";
    }
    char buf[1024];
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    snprintf(buf, sizeof buf, "cannot connect to the database server: %.*s",
             (int)(n > 900 ? 900 : n), msg);
    one_line(buf);
    return rf_error_set(slot, RF_CONNECTION, sqlstate, prisma, buf);
}

/* ---- public ---------------------------------------------------------------- */

/* Failures without a client, per thread, in fixed storage (a thread that
 * exits leaves nothing to free). */
typedef struct orphan {
    rf_error error;
    char message[1024];
} orphan;

static _Thread_local orphan orphan_error;

static const rf_error no_client_error = {
    RF_INVALID_ARGUMENT, "", "", "no client", "", "", "", "", "", "", no_target, 0,
};

rf_status rf_orphan_error(rf_status status, const char *prisma_code, const char *message)
{
    orphan *o = &orphan_error;
    o->error = no_error;
    o->error.status = status;
    o->error.prisma_code = prisma_code ? prisma_code : rf_status_prisma_code(status);
    snprintf(o->message, sizeof o->message, "%s", message ? message : rf_status_name(status));
    o->error.message = o->message;
    return status;
}

const rf_error *rf_last_error(const rf_client *client)
{
    if (client)
        return &client->err.error;
    return orphan_error.error.message ? &orphan_error.error : &no_client_error;
}

rf_status rf_fail(rf_client *client, rf_status status, const char *message)
{
    if (client)
        rf_error_set(&client->err, status, NULL, NULL, message);
    return status;
}

rf_status rf_fail_not_found(rf_client *client, const char *table, const char *message)
{
    if (!client)
        return RF_NOT_FOUND;
    char text[2048];
    if (!message)
        snprintf(text, sizeof text, "No record found in %s", table && *table ? table : "the table");
    else
        snprintf(text, sizeof text, "%s", message);
    char name[256];
    snprintf(name, sizeof name, "%s", table ? table : "");
    rf_error_set(&client->err, RF_NOT_FOUND, NULL, NULL, text);
    client->err.error.table = keep(&client->err, name);
    return RF_NOT_FOUND;
}

rf_status rf_error_copy(rf_error_slot *slot, const rf_error *src)
{
    rf_error_clear(slot);
    rf_error *e = &slot->error;
    *e = *src;
    e->message = keep(slot, src->message);
    e->detail = keep(slot, src->detail);
    e->hint = keep(slot, src->hint);
    e->constraint = keep(slot, src->constraint);
    e->schema = keep(slot, src->schema);
    e->table = keep(slot, src->table);
    e->column = keep(slot, src->column);
    /* prisma_code points at static strings */
    if (src->target_count) {
        const char **t = rf_arena_alloc(&slot->strings, (src->target_count + 1) * sizeof *t);
        if (t) {
            for (size_t i = 0; i < src->target_count; i++)
                t[i] = keep(slot, src->target[i]);
            t[src->target_count] = NULL;
            e->target = t;
        } else {
            e->target = no_error.target;
            e->target_count = 0;
        }
    }
    return e->status;
}
