/*
 * catalog.h — a live PostgreSQL schema, read into the differ's picture.
 *
 *     catalog cat;
 *     if (catalog_read(pg, &(catalog_options){.namespaces = ns, .nnamespaces = 1}, &a, &cat, &err))
 *         ... cat.db is a db_schema, as dbschema_from_model() would give ...
 *
 * One query per system catalog (relations, columns, indexes, constraints,
 * enums, extensions, sequences), each covering every table of the asked
 * namespaces at once, so the cost does not grow with round trips.
 *
 * Types and defaults are spelled the way from_model.c renders them
 * ("INTEGER", "VARCHAR(200)", "TIMESTAMP(3)", "\"Role\"", 'text',
 * ARRAY[]::TEXT[]), so that a database built from a schema's SQL reads back
 * equal to that schema's db_schema. A column whose default is nextval() of a
 * sequence, or an identity column, is `autoincrement`. Types refract has no
 * native type for keep PostgreSQL's spelling (format_type), as an
 * Unsupported("...") type does.
 *
 * What the differ has no place for (views, sequences, comments, identity
 * and generated columns) is kept beside it, in the same order.
 *
 * Prisma's own tables (_prisma_migrations) and refract's (_refract_db_push)
 * are not read, nor objects that belong to an extension.
 */
#ifndef REFRACT_INTROSPECT_CATALOG_H
#define REFRACT_INTROSPECT_CATALOG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "../migrate/dbschema.h"
#include "../util/arena.h"
#include "../util/buf.h"

typedef struct catalog_column_extra {
    char identity;          /* 'a' ALWAYS, 'd' BY DEFAULT, 0 none */
    const char *generated;  /* GENERATED ALWAYS AS (...) STORED expression, or NULL */
    const char *comment;
    const char *raw_type;   /* format_type(), for Unsupported("...") and messages */
    bool unsupported;       /* no Prisma scalar or enum fits the type */
    const char *raw_default;/* pg_get_expr() as the server prints it */
} catalog_column_extra;

typedef struct catalog_index_extra {
    bool constraint;        /* a UNIQUE constraint, not only an index */
    bool expression;        /* has expression columns: Prisma cannot say it */
    const char **default_opclass; /* per column: the type's default opclass name */
} catalog_index_extra;

typedef struct catalog_table_extra {
    const char *comment;
    catalog_column_extra *columns;      /* per db_table column */
    catalog_index_extra *indexes;       /* per db_table index */
    bool partitioned;
} catalog_table_extra;

typedef struct catalog_view {
    const char *schema;     /* NULL unless multi_schema */
    const char *name;
    const char *definition; /* pg_get_viewdef() */
    bool materialized;
    const char *comment;
    db_column *columns;     /* types and nullability as read */
    size_t ncolumns, ccolumns;
} catalog_view;

typedef struct catalog_sequence {
    const char *schema, *name;
    const char *owner_table, *owner_column; /* OWNED BY, or NULL */
    long long start, increment, min, max, cache;
    bool cycle;
} catalog_sequence;

typedef struct catalog {
    db_schema db;                 /* tables, enums, extensions, namespaces */
    catalog_table_extra *tables;  /* per db.tables */
    const char **enum_comments;   /* per db.enums */
    catalog_view *views;
    size_t nviews, cviews;
    catalog_sequence *sequences;
    size_t nsequences, csequences;
} catalog;

typedef struct catalog_options {
    const char *const *namespaces; /* schemas to read; NULL/0 = {"public"} */
    size_t nnamespaces;
    /* Keep each object's namespace (names are then schema-qualified, as a
     * multiSchema model's are). Default: on when more than one namespace. */
    bool multi_schema;
    /* Only what the differ compares: no sequences (drift and diffs read
     * with this, to stay cheap). */
    bool lean;
} catalog_options;

/* Read the schema. Returns 0, or -1 after appending the server's message to
 * `err`. Everything lives in `a`. */
int catalog_read(PGconn *pg, const catalog_options *o, arena *a, catalog *out, buf *err);

/* Make `live` comparable with `target` (a model's picture) where the
 * catalog cannot tell two spellings apart: an operator class written
 * although it is the default, extensions the model does not manage. */
void catalog_align(catalog *live, const db_schema *target);

#endif
