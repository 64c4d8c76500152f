/*
 * dbschema.h — the database as a migration sees it.
 *
 * The differ and the SQL renderer work on this flat, SQL-level picture:
 * tables with their columns (types already spelled in PostgreSQL), keys,
 * indexes, foreign keys, enums, extensions and namespaces. Every name is the
 * database name. It is built from the resolved model (dbschema_from_model)
 * and holds no pointer into it, so the model may evolve without touching the
 * differ. Everything lives in the caller's arena.
 *
 * Order matters and follows Prisma's: tables in model order with implicit
 * m:n join tables last; columns in field order; indexes with field-level
 * @unique first, then @@index, then @@unique; foreign keys in relation-field
 * order. The SQL of a new schema is rendered in this order.
 */
#ifndef REFRACT_MIGRATE_DBSCHEMA_H
#define REFRACT_MIGRATE_DBSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"

typedef struct db_column {
    const char *name;       /* database name */
    const char *field;      /* Prisma field name; NULL for join-table columns */
    /* The type as written in CREATE TABLE, without "[]": "INTEGER",
     * "VARCHAR(200)", "\"Role\"" (enums quoted, schema-qualified when the
     * schema uses multiSchema), or an Unsupported("...") text verbatim. */
    const char *type;
    const char *enum_name;  /* set when the type is an enum (its db name) */
    const char *enum_schema;/* its namespace, NULL = default */
    bool list;              /* T[]: never NOT NULL, as in Prisma */
    bool not_null;
    bool autoincrement;     /* rendered as SERIAL/BIGSERIAL/SMALLSERIAL */
    const char *default_sql;/* rendered default expression, NULL = none */
} db_column;

/* IMPLICIT (no sort written) and ASC index the same way, and the differ
 * treats them as equal, but Prisma renders an explicit `sort: Asc` as ASC. */
typedef enum db_sort { DB_SORT_IMPLICIT, DB_SORT_ASC, DB_SORT_DESC } db_sort;

typedef struct db_index_column {
    const char *name;
    db_sort sort;
    const char *opclass;    /* "jsonb_path_ops", NULL = default */
} db_index_column;

typedef struct db_index {
    const char *name;
    bool unique;
    const char *method;     /* "HASH", "GIN", "GIST", "BRIN", "SPGIST"; NULL = BTREE */
    db_index_column *columns;
    size_t ncolumns;
    const char *where_sql;  /* partial index predicate, NULL = none */
} db_index;

typedef enum db_action {
    DB_ACTION_NO_ACTION,
    DB_ACTION_RESTRICT,
    DB_ACTION_CASCADE,
    DB_ACTION_SET_NULL,
    DB_ACTION_SET_DEFAULT,
} db_action;

typedef struct db_foreign_key {
    const char *name;
    const char **columns;
    size_t ncolumns;
    const char *ref_schema; /* NULL = default */
    const char *ref_table;
    const char **ref_columns;
    size_t nref_columns;
    db_action on_delete, on_update;
} db_foreign_key;

typedef struct db_primary_key {
    const char *name;       /* NULL when the table has no primary key */
    const char **columns;
    size_t ncolumns;
} db_primary_key;

typedef struct db_table {
    const char *schema;     /* namespace when multiSchema is used, else NULL */
    const char *name;
    const char *model;      /* Prisma model name; NULL for m:n join tables */
    db_column *columns;
    size_t ncolumns, ccolumns;
    db_primary_key pk;
    db_index *indexes;
    size_t nindexes, cindexes;
    db_foreign_key *fks;
    size_t nfks, cfks;
} db_table;

typedef struct db_enum_value {
    const char *name;       /* database value (after @map) */
    const char *prisma;     /* Prisma value name */
} db_enum_value;

typedef struct db_enum {
    const char *schema;
    const char *name;       /* database name (after @@map) */
    const char *prisma;     /* Prisma enum name */
    db_enum_value *values;
    size_t nvalues, cvalues;
} db_enum;

typedef struct db_extension {
    const char *name;       /* database name (after map:) */
    const char *schema;     /* NULL/"" = default */
    const char *version;    /* NULL/"" = default */
} db_extension;

typedef struct db_schema {
    const char **namespaces;/* schemas the datasource lists; {"public"} by default */
    size_t nnamespaces, cnamespaces;
    bool multi_schema;      /* names are rendered schema-qualified */
    db_extension *extensions;
    size_t nextensions, cextensions;
    db_enum *enums;
    size_t nenums, cenums;
    db_table *tables;
    size_t ntables, ctables;
} db_schema;

/* Lookups by database name (schema NULL matches the default namespace). */
const db_table *db_find_table(const db_schema *s, const char *schema, const char *name);
const db_column *db_find_column(const db_table *t, const char *name);
const db_enum *db_find_enum(const db_schema *s, const char *schema, const char *name);

#endif
