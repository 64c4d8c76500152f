/*
 * stmt.c — the per-client cache of prepared statements.
 *
 * Generated code names each statement with a stable id; the first use on a
 * connection prepares it under a short server-side name ("rf_17"), later uses
 * only bind and execute. Entries outlive reconnects: each remembers the
 * connection epoch it was prepared in, and a new connection simply prepares
 * again on first use.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static rf_status grow(rf_client *c)
{
    size_t cap = c->stmt_cap ? c->stmt_cap * 2 : 32;
    rf_prepared *table = calloc(cap, sizeof *table);
    if (!table)
        return RF_NO_MEMORY;
    for (size_t i = 0; i < c->stmt_cap; i++) {
        rf_prepared *e = &c->stmts[i];
        if (!e->id)
            continue;
        size_t j = e->hash & (cap - 1);
        while (table[j].id)
            j = (j + 1) & (cap - 1);
        table[j] = *e;
    }
    free(c->stmts);
    c->stmts = table;
    c->stmt_cap = cap;
    return RF_OK;
}

rf_status rf_stmt_lookup(rf_client *c, const rf_stmt *stmt, rf_prepared **entry)
{
    *entry = NULL;
    if (!stmt->id || c->info.pgbouncer)
        return RF_OK;
    uint64_t h = hash_id(stmt->id);
    if (c->stmt_cap) {
        for (size_t j = h & (c->stmt_cap - 1);; j = (j + 1) & (c->stmt_cap - 1)) {
            rf_prepared *e = &c->stmts[j];
            if (!e->id)
                break;
            if (e->hash == h && !strcmp(e->id, stmt->id)) {
                if (strcmp(e->sql, stmt->sql) != 0)
                    return rf_error_setf(&c->err, RF_INVALID_ARGUMENT,
                                         "statement id \"%.200s\" was used with two different "
                                         "SQL texts; each id must name one statement",
                                         stmt->id);
                *entry = e;
                return RF_OK;
            }
        }
    }
    if (c->stmt_count >= RF_MAX_PREPARED)
        return RF_OK; /* full: run unnamed rather than grow without bound */
    if ((c->stmt_count + 1) * 2 > c->stmt_cap && grow(c) != RF_OK)
        return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    char *id = strdup(stmt->id), *sql = strdup(stmt->sql);
    if (!id || !sql) {
        free(id);
        free(sql);
        return rf_error_set(&c->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    }
    size_t j = h & (c->stmt_cap - 1);
    while (c->stmts[j].id)
        j = (j + 1) & (c->stmt_cap - 1);
    rf_prepared *e = &c->stmts[j];
    e->id = id;
    e->sql = sql;
    e->hash = h;
    e->serial = ++c->next_serial;
    e->epoch = 0;
    c->stmt_count++;
    *entry = e;
    return RF_OK;
}

bool rf_stmt_ready(const rf_client *c, const rf_prepared *e)
{
    return e->epoch == c->epoch;
}

void rf_stmt_name(const rf_prepared *e, char name[RF_STMT_NAME_SIZE])
{
    /* "rf_<serial>", written by hand: this runs for every execution. */
    char digits[10]; /* UINT32_MAX has ten */
    _Static_assert(sizeof(unsigned) <= 4, "a serial has at most ten digits");
    size_t n = sizeof digits;
    unsigned v = e->serial;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    _Static_assert(RF_STMT_NAME_SIZE >= 3 + sizeof digits + 1, "room for rf_ and the serial");
    memcpy(name, "rf_", 3);
    memcpy(name + 3, digits + n, sizeof digits - n);
    name[3 + sizeof digits - n] = '\0';
}

rf_status rf_stmt_prepare(rf_client *c, rf_prepared *e, int ntypes, const rf_oid *types)
{
    char name[RF_STMT_NAME_SIZE];
    rf_stmt_name(e, name);
    PGresult *res = PQprepare(c->conn, name, e->sql, types ? ntypes : 0, types);
    rf_status st = RF_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        st = rf_client_fail_result(c, res);
    PQclear(res);
    if (st == RF_OK) {
        e->epoch = c->epoch;
        c->prepared_now++;
    }
    return st;
}

void rf_stmt_invalidate(rf_client *c, rf_prepared *e, bool deallocate)
{
    if (deallocate && e->epoch == c->epoch) {
        char sql[RF_STMT_NAME_SIZE + 16];
        char name[RF_STMT_NAME_SIZE];
        rf_stmt_name(e, name);
        snprintf(sql, sizeof sql, "DEALLOCATE %s", name);
        PQclear(PQexec(c->conn, sql));
    }
    if (e->epoch == c->epoch && c->prepared_now > 0)
        c->prepared_now--;
    e->epoch = 0;
    e->serial = ++c->next_serial;
}
