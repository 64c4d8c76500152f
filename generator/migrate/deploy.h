/*
 * deploy.h — comparing the migrations folder with the history table, and
 * applying what is pending.
 *
 * Stricter than Prisma: each migration runs in ONE transaction together
 * with its history row (BEGIN; insert the row; the script; mark it
 * finished; COMMIT). If any statement fails, everything is rolled back and
 * then a failed row (finished_at NULL, logs = PostgreSQL's message) is
 * recorded on its own, so the database is exactly as before plus that
 * row, and later deploys refuse until `migrate resolve`. The message names
 * where it failed: PostgreSQL's position, else the failing statement (the
 * script runs as one simple query, which answers once per statement).
 * When the connection itself drops, nothing can be recorded: the message
 * says so (P1017) and what the server did with the transaction.
 *
 * Statements PostgreSQL refuses inside a transaction (CREATE INDEX
 * CONCURRENTLY, ...) are detected first. A migration holding only such a
 * statement runs alone, outside a transaction, as Prisma would run it; one
 * mixing it with other statements is refused before anything runs.
 * BEGIN/COMMIT written in a script (Prisma's enum rewrites have them) are
 * skipped: the migration's own transaction already covers them.
 */
#ifndef REFRACT_MIGRATE_DEPLOY_H
#define REFRACT_MIGRATE_DEPLOY_H

#include <stdio.h>

#include "dburl.h"
#include "folder.h"
#include "history.h"

typedef enum migration_state {
    MIGRATION_PENDING,
    MIGRATION_APPLIED,
    MIGRATION_EDITED,  /* applied, but migration.sql changed since */
    MIGRATION_FAILED,  /* a failed attempt blocks deploys until resolved */
} migration_state;

typedef struct migration_report {
    migration_state *state;        /* one per folder migration */
    const history_row **row;       /* the row behind that state, or NULL */
    const history_row **unknown;   /* applied or failed rows with no local folder */
    size_t nunknown;
    size_t npending, napplied, nedited, nfailed;
    const history_row *first_failed; /* any failed row, local or not */
} migration_report;

void migration_compare(const migration_folder *f, const history *h, migration_report *out);
void migration_report_free(migration_report *r);

/* Apply every pending migration, as `migrate deploy` does: under the
 * advisory lock, with the history re-read after taking it, refusing while
 * a failed migration is unresolved. Progress goes to `out`, warnings
 * (edited or unknown migrations) to stderr. *applied counts the migrations
 * applied. Returns 0, or -1 with the reason in `err`. */
int migrate_deploy(db_conn *db, const migration_folder *f, FILE *out, size_t *applied, buf *err);

/* The same, also marking in `was_applied` (f->count entries, or NULL)
 * which migrations this run applied. */
int migrate_deploy_marked(db_conn *db, const migration_folder *f, FILE *out, size_t *applied,
                          bool *was_applied, buf *err);

/* The same, for callers other than the CLI (librefract's
 * rf_migrate_deploy): where progress, warnings and the lock's "waiting"
 * notice go (NULL: nowhere; warnings then into `notes`, if given), and
 * where a failure happened. */
typedef struct deploy_options {
    FILE *progress;     /* "Applying migration `x`" lines */
    FILE *warnings;     /* edited or unknown migrations, prefixed "warning: " */
    buf *notes;         /* the same lines, unprefixed, when warnings is NULL */
    FILE *lock_notice;  /* "Waiting for the migration lock..." */
    bool *was_applied;  /* f->count entries, or NULL */
} deploy_options;

typedef struct deploy_failure {
    const migration_file *migration; /* the migration that failed, or NULL */
    unsigned line, column;  /* in its migration.sql: PostgreSQL's error position,
                               else the failing statement's start; 0 if unknown */
    char sqlstate[6];       /* "" when none */
} deploy_failure;

int migrate_deploy_with(db_conn *db, const migration_folder *f, const deploy_options *o,
                        size_t *applied, deploy_failure *where, buf *err);

/* Drop and recreate `schemas` (the URL's schema when n == 0), under the
 * lock. */
int migrate_reset_schemas(db_conn *db, const char *const *schemas, size_t n, buf *err);

/* `migrate resolve`: record `name` as applied (a row with finished_at and
 * no steps; earlier failed attempts are marked rolled back), or its failed
 * attempts as rolled back. */
int migrate_resolve_applied(db_conn *db, const migration_folder *f, const char *name, buf *err);
int migrate_resolve_rolled_back(db_conn *db, const char *name, buf *err);

#endif
