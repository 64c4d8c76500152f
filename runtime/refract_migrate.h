/*
 * refract_migrate.h — apply pending migrations from the program, as
 * `refract migrate deploy` does, for a daemon that migrates at startup.
 *
 * Prisma's equivalent is running `prisma migrate deploy` before the app
 * starts (Prisma Client has no API for it). rf_migrate_deploy is that
 * command's own code, linked into librefract: the same advisory lock
 * (Prisma's key, so refract, Prisma and other instances of the program
 * serialize), the same checksum checks, one transaction per migration
 * together with its `_prisma_migrations` row (a migration of only
 * statements PostgreSQL refuses in a transaction, such as CREATE INDEX
 * CONCURRENTLY, runs outside one, as the command runs it), the same
 * refusal while a failed migration is unresolved, and the same rows.
 *
 *     rf_migrate_report rep;
 *     if (rf_migrate_deploy(db, "prisma/migrations", &rep) != RF_OK) {
 *         fprintf(stderr, "%s", rep.message);   // as migrate deploy prints it
 *         if (rep.failed_migration)
 *             fprintf(stderr, "at %s/migration.sql:%u:%u\n", rep.failed_migration,
 *                     rep.failed_line, rep.failed_column);
 *     }
 *     rf_migrate_report_free(&rep);
 *
 * Call it on a client outside any transaction, before the program's first
 * query (a migration may change what prepared statements see). It prints
 * nothing; progress and warnings are in the report.
 */
#ifndef REFRACT_MIGRATE_H
#define REFRACT_MIGRATE_H

#include <stddef.h>

#include "refract.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_migrate_report {
    /* The migrations this call applied, in order (folder names such as
     * "20240101120000_init"); none when everything was up to date. */
    char **applied;
    size_t applied_count;
    /* Warnings, one line each ("migration `x` was modified after it was
     * applied ...", "... recorded in the database but missing from ..."),
     * or NULL. */
    char *warnings;
    /* The first error, when the call did not return RF_OK. message is the
     * whole explanation `refract migrate deploy` prints (Prisma's code,
     * PostgreSQL's message, the lines around the position, what to do
     * next). failed_migration names the migration that failed, or is NULL
     * when none did (the folder could not be read, a failed migration
     * from an earlier run blocks deploys: P3009). failed_line and
     * failed_column locate the error in its migration.sql (PostgreSQL's
     * position, else the failing statement's start; 0 when unknown);
     * sqlstate is PostgreSQL's code, "" when none. */
    char *message;
    char *failed_migration;
    unsigned failed_line, failed_column;
    char sqlstate[6];
} rf_migrate_report;

/* Apply every pending migration of the migrations folder `dir` (the one
 * beside schema.prisma: "prisma/migrations") to the client's database and
 * ?schema=. RF_OK when all are applied (or none was pending);
 * RF_INVALID_ARGUMENT for a NULL argument or a client inside a
 * transaction; RF_CONNECTION when the connection is lost; RF_ERROR
 * otherwise. The client's rf_last_error also holds the first line of the
 * message (and the Prisma code: P3018 a migration failed, P3009 a failed
 * one blocks, P1017 connection lost). Free the report with
 * rf_migrate_report_free whatever the status. */
rf_status rf_migrate_deploy(rf_client *client, const char *dir, rf_migrate_report *report);

void rf_migrate_report_free(rf_migrate_report *report);

#ifdef __cplusplus
}
#endif

#endif
