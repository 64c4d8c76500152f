/*
 * sql.h — migration steps as PostgreSQL text, byte for byte as Prisma
 * Migrate writes it.
 *
 * Each step is "-- <StepName>\n" followed by its statements, each ending in
 * ";\n"; steps are separated by one blank line. Identifiers are always
 * quoted (embedded '"' doubled), string literals single-quoted ('' doubled).
 */
#ifndef REFRACT_MIGRATE_SQL_H
#define REFRACT_MIGRATE_SQL_H

#include <stdbool.h>

#include "../util/buf.h"
#include "diff.h"

typedef enum migrate_sql_style {
    /* `prisma migrate diff --script`: starts with `-- CreateSchema` /
     * `CREATE SCHEMA IF NOT EXISTS "public";` when diffing from empty; an
     * empty diff is "-- This is an empty migration.\n". */
    MIGRATE_SQL_SCRIPT,
    /* `migration.sql` as `prisma migrate dev` writes it: no CREATE SCHEMA for
     * "public" (the database has it), the warnings as a leading comment
     * block, statements about the old side schema-qualified where Prisma
     * qualifies them, per-table steps in alphabetical table order (Prisma
     * diffs against the introspected database), the sequence of a column
     * that loses autoincrement() dropped, exactly one final "\n"; an empty
     * migration is "-- This is an empty migration." with no newline. */
    MIGRATE_SQL_DEV,
} migrate_sql_style;

typedef struct migrate_render_opts {
    migrate_sql_style style;
    /* SCRIPT: append the two "\n" the Prisma CLI prints after the script
     * (what `prisma migrate diff --script` shows on stdout). */
    bool cli_trailer;
} migrate_render_opts;

/* Append the SQL of `steps` to `out`. opts NULL = SCRIPT, no trailer.
 * The DEV style may reorder the steps in place (Prisma's dev order). */
void migrate_render_sql(migrate_steps *steps, buf *out, const migrate_render_opts *opts);

/* Prisma's warnings block for migration.sql:
 * "/" "*\n  Warnings:\n\n  - ...\n\n*" "/\n", or nothing when no step warns. */
void migrate_render_warnings(const migrate_steps *steps, buf *out);

/* A readable summary, as `prisma migrate diff` without --script prints it:
 * "[+] Added tables\n  - User\n\n[*] Changed the `Post` table\n  [+] Added column `x`\n".
 * Probable renames follow as notes. Empty diff: "No difference detected.\n". */
void migrate_render_summary(const migrate_steps *steps, buf *out);

/* The steps as one JSON object (steps_json.c; README "Machine-readable
 * output"): {"empty", "dataLoss", "steps": [{"kind", "objectType", "object",
 * "schema", "table"?, "dataLoss", "risk", "warnings", "unexecutable",
 * "changes"?}], "notes"}. */
void migrate_render_json(const migrate_steps *steps, buf *out);

/* Quoting, for callers that build SQL of their own. */
void sql_put_ident(buf *out, const char *name);                     /* "na""me" */
void sql_put_qualified(buf *out, const char *schema, const char *name); /* "s"."n" or "n" */
void sql_put_literal(buf *out, const char *text);                   /* 'it''s' */

#endif
