#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/sha256.h"
#include "dburl.h"

static char *dup_or_null(PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    char *p = strdup(PQgetvalue(r, row, col));
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    return p;
}

bool history_row_applied(const history_row *r)
{
    return r->finished_at && !r->rolled_back_at;
}

bool history_row_failed(const history_row *r)
{
    return !r->finished_at && !r->rolled_back_at;
}

int history_exec(PGconn *pg, const char *what, const char *sql, int nparams,
                 const char *const *params, buf *err)
{
    PGresult *r = PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        buf_printf(err, "%s: %s", what, PQresultErrorMessage(r));
        rc = -1;
    }
    PQclear(r);
    return rc;
}

int history_lock(PGconn *pg, buf *err) { return history_lock_notify(pg, stderr, err); }

int history_lock_notify(PGconn *pg, FILE *notice, buf *err)
{
    /* Say why we wait when someone else migrates; then wait (Prisma gives up
     * after 10 s, but a second deployer should simply go after the first). */
    PGresult *r = PQexec(pg, "SELECT pg_catalog.pg_try_advisory_lock(" HISTORY_LOCK_KEY ")");
    bool got = PQresultStatus(r) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (got)
        return 0;
    if (notice)
        fputs("Waiting for the migration lock: another refract or Prisma process is migrating "
              "this database...\n",
              notice);
    return history_exec(pg, "cannot take the migration lock",
                        "SELECT pg_catalog.pg_advisory_lock(" HISTORY_LOCK_KEY ")", 0, NULL, err);
}

void history_unlock(PGconn *pg)
{
    PQclear(PQexec(pg, "SELECT pg_catalog.pg_advisory_unlock(" HISTORY_LOCK_KEY ")"));
}

char *history_table_sql(const char *schema)
{
    char *q = db_quote_ident(schema);
    buf b = BUF_INIT;
    buf_printf(&b, "%s.\"" HISTORY_TABLE "\"", q);
    free(q);
    return buf_steal(&b);
}

int history_table_exists(PGconn *pg, const char *schema, bool *exists, buf *err)
{
    /* The catalog, not to_regclass: the answer must not depend on the
     * search_path, which a migration may have changed. */
    const char *params[] = {schema};
    PGresult *r = PQexecParams(pg,
                               "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                               " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                               " WHERE n.nspname = $1 AND c.relname = '" HISTORY_TABLE "')",
                               1, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        buf_printf(err, "cannot read the migration history: %s", PQresultErrorMessage(r));
        rc = -1;
    } else {
        *exists = !strcmp(PQgetvalue(r, 0, 0), "t");
    }
    PQclear(r);
    return rc;
}

int history_ensure_table(PGconn *pg, const char *schema, buf *err)
{
    bool exists;
    if (history_table_exists(pg, schema, &exists, err) != 0)
        return -1;
    if (exists)
        return 0;
    /* A fresh database may lack the URL's schema (?schema=app): create it,
     * as Prisma does, but only when missing (CREATE needs a privilege). */
    const char *params[] = {schema};
    PGresult *r = PQexecParams(pg, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1,
                               NULL, params, NULL, NULL, 0);
    bool missing = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
    PQclear(r);
    if (missing) {
        char *q = db_quote_ident(schema);
        buf sql = BUF_INIT;
        buf_printf(&sql, "CREATE SCHEMA %s", q);
        free(q);
        int rc = history_exec(pg, "cannot create the schema", sql.data, 0, NULL, err);
        buf_free(&sql);
        if (rc)
            return -1;
    }
    char *table = history_table_sql(schema);
    buf sql = BUF_INIT;
    buf_printf(&sql,
               "CREATE TABLE %s (\n"
               "    id                      VARCHAR(36) PRIMARY KEY NOT NULL,\n"
               "    checksum                VARCHAR(64) NOT NULL,\n"
               "    finished_at             TIMESTAMPTZ,\n"
               "    migration_name          VARCHAR(255) NOT NULL,\n"
               "    logs                    TEXT,\n"
               "    rolled_back_at          TIMESTAMPTZ,\n"
               "    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
               "    applied_steps_count     INTEGER NOT NULL DEFAULT 0\n"
               ")",
               table);
    int rc = history_exec(pg, "cannot create the migration history table", sql.data, 0, NULL, err);
    buf_free(&sql);
    free(table);
    return rc;
}

int history_load(PGconn *pg, const char *schema, history *out, buf *err)
{
    out->rows = NULL;
    out->count = 0;
    bool exists;
    if (history_table_exists(pg, schema, &exists, err) != 0)
        return -1;
    if (!exists)
        return 0;
    char *table = history_table_sql(schema);
    buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT id, checksum, migration_name, logs, started_at::text, "
               "finished_at::text, rolled_back_at::text, applied_steps_count "
               "FROM %s ORDER BY started_at, migration_name",
               table);
    free(table);
    PGresult *r = PQexec(pg, sql.data);
    buf_free(&sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        buf_printf(err, "cannot read the migration history: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    out->rows = calloc(n ? (size_t)n : 1, sizeof *out->rows);
    if (!out->rows) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    for (int i = 0; i < n; i++) {
        history_row *h = &out->rows[i];
        h->id = dup_or_null(r, i, 0);
        h->checksum = dup_or_null(r, i, 1);
        h->migration_name = dup_or_null(r, i, 2);
        h->logs = dup_or_null(r, i, 3);
        h->started_at = dup_or_null(r, i, 4);
        h->finished_at = dup_or_null(r, i, 5);
        h->rolled_back_at = dup_or_null(r, i, 6);
        h->applied_steps_count = atoi(PQgetvalue(r, i, 7));
    }
    out->count = (size_t)n;
    PQclear(r);
    return 0;
}

void history_free(history *h)
{
    for (size_t i = 0; i < h->count; i++) {
        history_row *r = &h->rows[i];
        free(r->id);
        free(r->checksum);
        free(r->migration_name);
        free(r->logs);
        free(r->started_at);
        free(r->finished_at);
        free(r->rolled_back_at);
    }
    free(h->rows);
    h->rows = NULL;
    h->count = 0;
}

/* ---- checksums ---------------------------------------------------------- */

static bool digest_matches(const char *recorded, const char *data, size_t len)
{
    sha256_ctx c;
    uint8_t d[32];
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_final(&c, d);
    char padded[65], legacy[65];
    size_t lp = 0;
    for (int i = 0; i < 32; i++) {
        snprintf(padded + 2 * i, 3, "%02x", d[i]);
        lp += (size_t)snprintf(legacy + lp, sizeof legacy - lp, "%x", d[i]);
    }
    return !strcmp(recorded, padded) || !strcmp(recorded, legacy);
}

bool history_checksum_matches(const char *recorded, const char *sql, size_t len)
{
    if (digest_matches(recorded, sql, len))
        return true;
    buf lf = BUF_INIT, crlf = BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (sql[i] == '\r' && i + 1 < len && sql[i + 1] == '\n')
            continue; /* CRLF -> LF */
        buf_putc(&lf, sql[i]);
    }
    for (size_t i = 0; i < len; i++) {
        if (sql[i] == '\n' && (i == 0 || sql[i - 1] != '\r'))
            buf_putc(&crlf, '\r'); /* LF -> CRLF */
        buf_putc(&crlf, sql[i]);
    }
    bool ok = digest_matches(recorded, buf_cstr(&lf), lf.len) ||
              digest_matches(recorded, buf_cstr(&crlf), crlf.len);
    buf_free(&lf);
    buf_free(&crlf);
    return ok;
}
