/*
 * drift.h — is the live database what its applied migrations produce?
 *
 * First, cheaply, against the model of the newest applied migration's saved
 * schema.prisma (refract writes it beside migration.sql; an empty database
 * when none is applied): one catalog read, so `migrate status` stays fast.
 * Only when that finds a difference (or there is no saved schema, as in a
 * folder made by Prisma) are the applied migrations replayed on a shadow
 * database (shadow.h), as Prisma does, and the live database compared with
 * it: a migration.sql edited so that it no longer matches its saved schema
 * is then not mistaken for drift. Without the right to create a database,
 * the saved schema's answer stands.
 *
 * Drift is expressed as the steps that would take the expected schema to
 * the live one, and printed the way Prisma reports it ("[+] Added tables",
 * "[*] Changed the `x` table" ...).
 */
#ifndef REFRACT_INTROSPECT_DRIFT_H
#define REFRACT_INTROSPECT_DRIFT_H

#include <stdbool.h>
#include <stdio.h>

#include "../migrate/diff.h"
#include "../migrate/dburl.h"
#include "../migrate/folder.h"
#include "../parse/ast.h"

/* The steps from `expected` (NULL = an empty database) to the live
 * database behind `db`; count 0 means no drift. NULL on error (`err`). */
migrate_steps *drift_compare(db_conn *db, const db_schema *expected, arena *a, buf *err);

/* The same against the database `applied` produces (replayed on a shadow
 * database). NULL when no shadow database can be made or on error, with
 * the reason in `err`. */
migrate_steps *drift_compare_replayed(db_conn *db, const migration_folder *applied,
                                      const db_schema *like, arena *a, buf *err);

/* Prisma's "Drift detected" report: the heading and the summary. */
void drift_print(migrate_steps *steps, FILE *out);

/* For `migrate status` and `deploy`: compare the database with its applied
 * migrations and print the drift to `out`. Returns 0 (no drift), 1 (drift,
 * printed), 2 (cannot tell: a note saying why is printed), -1 (database
 * error, in `err`). */
int drift_check_history(db_conn *db, const migration_folder *f, FILE *out, buf *err);

/* For `migrate dev`, once every migration of `f` is applied: the database
 * must be what they produce (`before`: the newest migration's model, NULL
 * = none). On drift, print it; with `reset`, drop the schemas (`ds`'s,
 * else the URL's) and apply every migration again (*did_reset then true),
 * else explain how to go on. Returns 0 to go on, else the exit code. */
int drift_dev_gate(db_conn *db, const model_schema *before, const model_datasource *ds,
                   const migration_folder *f, bool reset, FILE *out, bool *did_reset);

#endif
