/*
 * typed.c — weekly signups, `date_trunc('week', ...)` grouped and counted:
 * the generated typed query bdb_sql_weekly_signups (sql/weekly.sql) against
 * the same statement hand-written on libpq (prepared once, a binary
 * timestamp parameter, binary results decoded into the same row structs).
 */
#include "typed.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdb_sql.h"

enum { MAX_WEEKS = 64 };

static rf_client *db;
static PGconn *pg;
static rf_arena arena = RF_ARENA_INIT;
static rf_timestamp since;
static bdb_sql_weekly_signups_row weeks[MAX_WEEKS];

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench: %s: %s\n", what, detail);
    exit(1);
}

/* The same text as sql/weekly.sql's query. */
static const char WEEKLY_SQL[] =
    "SELECT date_trunc('week', \"createdAt\") AS week, count(*)::int AS signups\n"
    "FROM \"Author\"\nWHERE \"createdAt\" >= $1\nGROUP BY 1\nORDER BY 1";

void typed_setup(rf_client *client, PGconn *conn)
{
    db = client;
    pg = conn;
    if (rf_exec_sql(db, "UPDATE \"Author\" SET \"createdAt\" = now() - "
                        "make_interval(days => id % 365)") != RF_OK ||
        rf_exec_sql(db, "VACUUM ANALYZE \"Author\"") != RF_OK)
        fail("backdating authors", rf_last_error(db)->message);
    since = rf_timestamp_now() - INT64_C(52) * 7 * 86400 * 1000000;
    const Oid types[] = {1114}; /* timestamp */
    PGresult *r = PQprepare(pg, "weekly_signups", WEEKLY_SQL, 1, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail("prepare weekly_signups", PQerrorMessage(pg));
    PQclear(r);
}

int64_t typed_gen_weekly(int i)
{
    (void)i;
    bdb_sql_weekly_signups_list l;
    if (bdb_sql_weekly_signups(db, &(bdb_sql_weekly_signups_params){since}, &l, &arena) != RF_OK)
        fail("bdb_sql_weekly_signups", rf_last_error(db)->message);
    int64_t n = 0;
    for (size_t k = 0; k < l.count; k++)
        n += l.items[k].signups;
    rf_arena_reset(&arena);
    return n;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v = v << 8 | p[k];
    return v;
}

int64_t typed_hand_weekly(int i)
{
    (void)i;
    /* timestamp: µs since 2000-01-01, big-endian */
    uint64_t t = (uint64_t)(since - INT64_C(946684800000000));
    unsigned char be[8];
    for (int k = 0; k < 8; k++)
        be[k] = (unsigned char)(t >> (56 - 8 * k));
    const char *values[] = {(const char *)be};
    int lengths[] = {8}, formats[] = {1};
    PGresult *r = PQexecPrepared(pg, "weekly_signups", 1, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail("weekly_signups", PQerrorMessage(pg));
    int rows = PQntuples(r);
    if (rows > MAX_WEEKS)
        fail("weekly_signups", "more weeks than expected");
    int64_t n = 0;
    for (int k = 0; k < rows; k++) {
        weeks[k].week = (rf_timestamp)be64((const unsigned char *)PQgetvalue(r, k, 0)) +
                        INT64_C(946684800000000);
        uint32_t c;
        memcpy(&c, PQgetvalue(r, k, 1), 4);
        weeks[k].signups = (int32_t)ntohl(c);
        n += weeks[k].signups;
    }
    PQclear(r);
    return n;
}
