/*
 * shadow.c — a throwaway database with the migrations replayed (see
 * shadow.h).
 */
#include "shadow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../migrate/deploy.h"

/* The live connection's parameters with another dbname. */
static PGconn *connect_like(PGconn *live, const char *dbname)
{
    PQconninfoOption *opts = PQconninfo(live);
    if (!opts)
        return NULL;
    size_t n = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        n++;
    const char **keys = calloc(n + 2, sizeof *keys), **vals = calloc(n + 2, sizeof *vals);
    size_t k = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && *o->val && strcmp(o->keyword, "dbname")) {
            keys[k] = o->keyword;
            vals[k++] = o->val;
        }
    keys[k] = "dbname";
    vals[k++] = dbname;
    PGconn *pg = PQconnectdbParams(keys, vals, 0);
    free(keys);
    free(vals);
    PQconninfoFree(opts);
    return pg;
}

static int exec_ok(PGconn *pg, const char *sql, buf *err)
{
    PGresult *r = PQexec(pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        buf_printf(err, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

int shadow_create(db_conn *live, const migration_folder *migrations, shadow_db *out, buf *err)
{
    memset(out, 0, sizeof *out);
    char name[64];
    snprintf(name, sizeof name, "refract_shadow_%ld_%ld", (long)getpid(), (long)time(NULL));
    char *quoted = db_quote_ident(name);
    buf sql = BUF_INIT;
    buf_printf(&sql, "CREATE DATABASE %s", quoted);
    int rc = exec_ok(live->pg, sql.data, err);
    buf_free(&sql);
    free(quoted);
    if (rc != 0)
        return -1;
    out->name = strdup(name);
    out->conn.pg = connect_like(live->pg, name);
    out->conn.schema = strdup(live->schema);
    out->conn.dbname = strdup(name);
    out->conn.where = strdup(live->where ? live->where : "");
    if (!out->conn.pg || PQstatus(out->conn.pg) != CONNECTION_OK) {
        buf_printf(err, "cannot connect to the shadow database: %s",
                   out->conn.pg ? PQerrorMessage(out->conn.pg) : "out of memory");
        shadow_drop(out, live);
        return -1;
    }
    char *schema = db_quote_ident(live->schema);
    buf set = BUF_INIT;
    buf_printf(&set,
               "SET client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS %s; "
               "SET search_path TO %s",
               schema, schema);
    free(schema);
    rc = exec_ok(out->conn.pg, set.data, err);
    buf_free(&set);
    FILE *quiet = rc == 0 ? fopen("/dev/null", "w") : NULL;
    size_t applied = 0;
    if (rc == 0 && (!quiet || migrate_deploy(&out->conn, migrations, quiet, &applied, err) != 0))
        rc = -1;
    if (quiet)
        fclose(quiet);
    if (rc != 0) {
        shadow_drop(out, live);
        return -1;
    }
    return 0;
}

void shadow_drop(shadow_db *s, db_conn *live)
{
    db_close(&s->conn);
    if (s->name) {
        char *quoted = db_quote_ident(s->name);
        buf sql = BUF_INIT, ignore = BUF_INIT;
        buf_printf(&sql, "DROP DATABASE IF EXISTS %s", quoted);
        exec_ok(live->pg, sql.data, &ignore);
        buf_free(&sql);
        buf_free(&ignore);
        free(quoted);
        free(s->name);
        s->name = NULL;
    }
}
