/*
 * diff.h — what changes between two schemas, as ordered migration steps.
 *
 *     const model_schema *before = NULL;          // NULL: an empty database
 *     migrate_steps *steps = migrate_diff(before, after, &arena);
 *     for (size_t i = 0; i < steps->count; i++)
 *         if (steps->items[i].destructive) ... run steps->items[i].check_sql ...
 *     migrate_render_sql(steps, &out, &(migrate_render_opts){ .style = MIGRATE_SQL_DEV });
 *
 * The steps come in Prisma Migrate's order (see sql.h for the text). Each
 * step says which objects it touches and, when it may lose data or fail on
 * existing data, why: `warning` is Prisma's own sentence for the
 * `migration.sql` header, and `check_sql` is a query returning one row with
 * one boolean column, true when the database holds data this step would
 * lose or choke on (so a tool can refuse before running anything).
 *
 * Beyond Prisma: a change of only @map / @@map / map: is a rename
 * (RENAME COLUMN, RENAME TO, RENAME CONSTRAINT, ALTER INDEX/TYPE/SEQUENCE
 * ... RENAME), never a drop and add. A model or field whose name changed
 * while everything else stayed is NOT renamed (it is dropped and created,
 * as in Prisma) but reported in `notes` as a probable rename, with the
 * exact way to keep its data.
 */
#ifndef REFRACT_MIGRATE_DIFF_H
#define REFRACT_MIGRATE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"
#include "dbschema.h"

typedef struct model_schema model_schema;

/* Listed in the order the steps run (Prisma's order, renames added). */
typedef enum migrate_step_kind {
    MIGRATE_CREATE_SCHEMA,      /* CREATE SCHEMA IF NOT EXISTS */
    MIGRATE_DROP_EXTENSION,
    MIGRATE_CREATE_EXTENSION,
    MIGRATE_CREATE_ENUM,
    MIGRATE_RENAME_ENUM,        /* @@map of an enum changed */
    MIGRATE_ALTER_ENUM,         /* values added / removed / renamed (@map) */
    MIGRATE_DROP_FOREIGN_KEY,
    MIGRATE_DROP_INDEX,
    MIGRATE_RENAME_TABLE,       /* @@map changed: ALTER TABLE .. RENAME TO */
    MIGRATE_ALTER_TABLE,        /* columns, primary key, column renames */
    MIGRATE_DROP_TABLE,
    MIGRATE_DROP_ENUM,
    MIGRATE_CREATE_TABLE,
    MIGRATE_CREATE_INDEX,
    MIGRATE_ADD_FOREIGN_KEY,
    MIGRATE_RENAME_FOREIGN_KEY,
    MIGRATE_RENAME_INDEX,
    MIGRATE_RENAME_SEQUENCE,    /* the SERIAL sequence of a renamed table/column */
} migrate_step_kind;

/* Why a step may lose data or fail on existing data. */
typedef enum migrate_risk {
    MIGRATE_RISK_NONE,
    MIGRATE_RISK_DROP_TABLE,          /* rows are lost */
    MIGRATE_RISK_DROP_COLUMN,         /* values are lost */
    MIGRATE_RISK_RECREATE_COLUMN,     /* type not castable: dropped and re-added */
    MIGRATE_RISK_NARROWING_CAST,      /* e.g. TEXT -> VARCHAR(200), BIGINT -> INTEGER */
    MIGRATE_RISK_REQUIRED_NO_DEFAULT, /* NOT NULL column without default added */
    MIGRATE_RISK_MADE_REQUIRED,       /* SET NOT NULL on a column holding NULLs */
    MIGRATE_RISK_ENUM_VALUES_REMOVED, /* values still used make the step fail */
    MIGRATE_RISK_UNIQUE_ADDED,        /* duplicates make the step fail */
    MIGRATE_RISK_PRIMARY_KEY_CHANGED,
} migrate_risk;

/* One change inside an ALTER TABLE step, in Prisma's clause order. */
typedef enum migrate_column_change_kind {
    MIGRATE_DROP_PRIMARY_KEY,
    MIGRATE_RENAME_COLUMN,        /* @map changed */
    MIGRATE_DROP_COLUMN,
    MIGRATE_ADD_COLUMN,
    MIGRATE_ALTER_COLUMN,         /* type (castable), nullability, default */
    MIGRATE_RECREATE_COLUMN,      /* type not castable: DROP + ADD */
    MIGRATE_ADD_PRIMARY_KEY,
    MIGRATE_RENAME_PRIMARY_KEY,   /* map: of @id/@@id changed, or the table was renamed */
} migrate_column_change_kind;

typedef enum migrate_type_cast {
    MIGRATE_CAST_NONE,    /* type unchanged */
    MIGRATE_CAST_SAFE,    /* SET DATA TYPE, no data lost */
    MIGRATE_CAST_RISKY,   /* SET DATA TYPE, values may not fit */
    MIGRATE_CAST_NEVER,   /* not castable (e.g. text to int, anything to or from
                             an enum): the column is recreated, as in Prisma */
} migrate_type_cast;

typedef struct migrate_column_change {
    migrate_column_change_kind kind;
    const db_column *old, *new; /* whichever exist */
    migrate_type_cast cast;
    bool type_changed, nullability_changed, default_changed;
    migrate_risk risk;
} migrate_column_change;

typedef struct migrate_enum_use {
    const db_table *table;          /* the old table */
    const db_column *old;
    const db_column *new;           /* NULL: the column goes away in this migration */
} migrate_enum_use;

typedef struct migrate_step {
    migrate_step_kind kind;
    /* The objects touched (whichever apply; old = before, new = after). */
    const db_table *old_table, *new_table;
    const db_enum *old_enum, *new_enum;
    const db_index *old_index, *new_index;
    const db_foreign_key *old_fk, *new_fk;
    const db_extension *extension;
    const char *namespace;          /* CREATE_SCHEMA */
    /* ALTER_TABLE: its clauses. */
    migrate_column_change *changes;
    size_t nchanges, cchanges;
    /* ALTER_ENUM: values (database names) added / removed, renamed pairs. */
    const char **added_values;
    size_t nadded, cadded;
    const char **removed_values;
    size_t nremoved, cremoved;
    /* ALTER_ENUM with removed values: the columns using the enum before
     * (old table and column names: the step runs before renames). */
    migrate_enum_use *uses;
    size_t nuses, cuses;
    /* RENAME_SEQUENCE */
    const char *old_name, *new_name;

    bool destructive;               /* may lose data, or fail on existing data */
    migrate_risk risk;              /* the first risk of the step */
    const char *warning;            /* Prisma's sentence(s), '\n'-separated; NULL = none */
    /* Prisma's "unexecutable" sentences: the step fails outright when the
     * check finds data (required column added without default, column made
     * required, required column recreated). Listed after all warnings. */
    const char *unexecutable;
    const char *check_sql;          /* SELECT returning one boolean; NULL = none */

    /* Sort keys (Prisma's order); internal. */
    long key1, key2, key3;
    size_t seq;
} migrate_step;

typedef struct migrate_steps {
    migrate_step *items;
    size_t count, cap;
    /* Probable renames etc.: advice for the user, '\n'-free sentences. */
    const char **notes;
    size_t nnotes, cnotes;
    const db_schema *from, *to;
} migrate_steps;

/* Diff two resolved models. `from` NULL = an empty database. The result and
 * everything it points to live in `a`. */
migrate_steps *migrate_diff(const model_schema *from, const model_schema *to, arena *a);

/* The same on database-level schemas (from NULL = empty). */
migrate_steps *migrate_diff_db(const db_schema *from, const db_schema *to, arena *a);

/* The database-level picture of a resolved model. */
db_schema *dbschema_from_model(const model_schema *m, arena *a);

/* An empty schema with only the default namespace. */
db_schema *dbschema_empty(arena *a);

#endif
