/*
 * history.h — Prisma's migration history table, `_prisma_migrations`.
 *
 * The table, its columns, the checksum and the advisory lock key are
 * Prisma's, so a project moves between Prisma and refract with its history
 * intact, and the two tools exclude each other while migrating.
 */
#ifndef REFRACT_MIGRATE_HISTORY_H
#define REFRACT_MIGRATE_HISTORY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../util/buf.h"

#define HISTORY_TABLE "_prisma_migrations"
#define HISTORY_LOCK_KEY "72707369" /* Prisma's pg_advisory_lock key */

typedef struct history_row {
    char *id;
    char *checksum;
    char *migration_name;
    char *logs;            /* NULL when SQL NULL */
    char *started_at;      /* as text, e.g. "2024-01-01 12:00:00.123+00" */
    char *finished_at;     /* NULL: not finished (failed, or still running) */
    char *rolled_back_at;  /* NULL: not rolled back */
    int applied_steps_count;
} history_row;

typedef struct history {
    history_row *rows;     /* ordered by started_at, then name */
    size_t count;
} history;

/* A row that counts as applied / as failed (blocking later deploys). */
bool history_row_applied(const history_row *r);
bool history_row_failed(const history_row *r);

/* Take / release Prisma's session advisory lock. Taking it waits for any
 * other deployer (refract or Prisma) to finish. */
int history_lock(PGconn *pg, buf *err);
/* The same, saying that it waits on `notice` (history_lock: stderr), or
 * silently when NULL. */
int history_lock_notify(PGconn *pg, FILE *notice, buf *err);
void history_unlock(PGconn *pg);

/* The table, schema-qualified and quoted, for SQL text (heap):
 * "public"."_prisma_migrations". Every statement refract runs on the
 * history names it so: a migration may change the search_path (pg_dump's
 * preamble empties it), and the history must still be found. */
char *history_table_sql(const char *schema);

/* Whether the table exists in `schema` (the URL's ?schema=, else public). */
int history_table_exists(PGconn *pg, const char *schema, bool *exists, buf *err);
/* Create the table exactly as Prisma does, if it does not exist (and the
 * schema `schema` first, if that is missing). */
int history_ensure_table(PGconn *pg, const char *schema, buf *err);
/* Load every row (an absent table gives no rows). */
int history_load(PGconn *pg, const char *schema, history *out, buf *err);
void history_free(history *h);

/* Whether `recorded` is the checksum of `sql`, accepting what Prisma
 * accepts: the CRLF->LF and LF->CRLF variants of the file, and the legacy
 * hex spelling without zero padding. */
bool history_checksum_matches(const char *recorded, const char *sql, size_t len);

/* Run a statement with text parameters; on error append PostgreSQL's
 * message to `err` (prefixed with `what`) and return -1. */
int history_exec(PGconn *pg, const char *what, const char *sql, int nparams,
                 const char *const *params, buf *err);

#endif
