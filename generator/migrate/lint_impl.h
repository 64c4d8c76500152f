/*
 * lint_impl.h — what lint.c (the driver) and lint_rules.c (the statement
 * classifier) share: the catalog of what migrations created, and the
 * state of the migration being linted.
 */
#ifndef REFRACT_MIGRATE_LINT_IMPL_H
#define REFRACT_MIGRATE_LINT_IMPL_H

#include "lint.h"
#include "sqltok.h"

typedef struct lint_index {
    const char *name; /* NULL when unnamed */
    const char **cols;
    size_t ncols;
    struct lint_index *next;
} lint_index;

/* A CHECK (col IS NOT NULL): with it validated, SET NOT NULL skips the scan. */
typedef struct lint_check {
    const char *name, *col;
    bool valid;
    struct lint_check *next;
} lint_check;

typedef struct lint_table {
    const char *name;
    unsigned created_in; /* serial of the migration that created it */
    bool dropped;
    lint_index *indexes;
    lint_check *checks;
} lint_table;

typedef struct lint_enum {
    const char **values;
    size_t count;
    bool known; /* values known (created by a migration we read) */
    unsigned created_in;
    bool dropped;
} lint_enum;

typedef struct lint_fk {
    const char *table;
    const char **cols;
    size_t ncols;
    size_t offset;
    struct lint_fk *next;
} lint_fk;

typedef struct lint_ctx {
    linter *l;
    const char *sql;
    size_t len;
    unsigned serial;        /* of this migration, from 1 */
    bool disabled[32];      /* by rule index */
    bool lock_timeout_set;  /* a SET lock_timeout came before */
    bool timeout_reported;  /* RF108 once per migration */
    strmap displaced;       /* enum renamed away here -> its lint_enum */
    const char *held;       /* first table in use locked ACCESS EXCLUSIVE here */
    size_t held_offset;
    bool held_reported;
    lint_fk *fks;           /* added here, checked at the end */
    const sql_toks *t;      /* the statement being classified */
    size_t stmt_offset;
} lint_ctx;

/* Classify one statement (tokens ctx->t), recording findings and catalog
 * changes. */
void lint_statement(lint_ctx *cx);
/* After the last statement: foreign keys without a supporting index. */
void lint_finish(lint_ctx *cx);

/* Record a finding of rule `id` at byte `offset`, unless disabled. */
void lint_report(lint_ctx *cx, const char *id, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
