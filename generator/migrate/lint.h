/*
 * lint.h — `refract migrate lint`: the statements of a migration that lock
 * or rewrite tables that already hold data, lose data, or break running
 * code, in the manner of squawk and Atlas's migration lint.
 *
 * A statement classifier on top of sqlscan/sqltok, not a SQL parser. The
 * linter reads migrations in order and remembers what they create (tables,
 * indexes, enum values), so "an existing table" is one not created earlier
 * in the same migration, and a foreign key's supporting index may come
 * from an earlier migration.
 *
 * A migration silences rules for itself with a comment:
 *   -- refract-lint: disable RF104, RF108
 */
#ifndef REFRACT_MIGRATE_LINT_H
#define REFRACT_MIGRATE_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/strmap.h"

typedef enum lint_level { LINT_WARNING, LINT_ERROR } lint_level;

typedef struct lint_rule {
    const char *id;   /* stable: "RF101" */
    const char *name; /* "table-rewrite" */
    lint_level level;
    const char *why;  /* one line: what goes wrong in production */
    const char *fix;  /* one line: what to write instead */
} lint_rule;

extern const lint_rule lint_rules[];
extern const size_t lint_nrules;
const lint_rule *lint_rule_by_id(const char *id); /* NULL when unknown */

typedef struct lint_finding {
    const lint_rule *rule;
    unsigned line, col;  /* 1-based, in the migration */
    const char *message; /* what this statement does, with its names */
} lint_finding;

typedef struct linter {
    arena a;
    /* What the migrations read so far have created. */
    strmap tables;  /* name -> lint_table */
    strmap enums;   /* name -> lint_enum */
    strmap indexes; /* index or constraint name -> table name */
    unsigned migrations; /* read so far */
    /* The findings of the latest lint_migration(). */
    lint_finding *items;
    size_t count, cap;
} linter;

void linter_init(linter *l);
void linter_free(linter *l);

/* Lint one migration (the next in order). Its findings replace the
 * previous ones (rules it disables left out); returns their count. */
size_t lint_migration(linter *l, const char *sql, size_t len);

size_t lint_count_level(const linter *l, lint_level level);

/* "path:line:col: error RF104 message\n  fix: ...\n" per finding. */
void lint_print(const linter *l, const char *path, unsigned line_offset, FILE *out);

/* The error-level findings as a comment block for a migration's header:
 * "/" "*\n  refract lint (...):\n\n  - error RF104 ...\n\n*" "/\n"; nothing
 * when none. Warnings stay out, so that routine changes (a nullable column
 * added, which only lacks lock_timeout) keep Prisma's migration.sql. */
void lint_render_comment(const linter *l, buf *out);

/* The findings as JSON objects appended to `out` (comma-separated, no
 * brackets): {"file":..,"line":..,"col":..,"rule":..,"level":..,...}. */
void lint_render_json(const linter *l, const char *path, bool first, buf *out);

#endif
