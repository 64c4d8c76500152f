/*
 * pull.h — the Prisma schema of a live database, as `prisma db pull`
 * writes it.
 *
 *   - a model per table, an enum per enum type, named after the database
 *     object (made a valid identifier, with @@map/@map when it had to
 *     change), in the database's alphabetical order;
 *   - scalar fields in column order with their Prisma type, `?`/`[]`,
 *     @db.* where the native type is not the scalar's default, @default
 *     (literals, now(), autoincrement(), lists; dbgenerated("...") for the
 *     rest), @id/@@id, @unique/@@unique/@@index with map: only where the
 *     name is not Prisma's default, sort, type and operator classes;
 *   - relations with both sides: the referencing side named after the
 *     referenced model and the other side after the referencing one, as
 *     Prisma names them; when two models are related more than once (or a
 *     model with itself) each relation is named "<Model>_<columns>To<Ref>"
 *     and its fields after it; onDelete/onUpdate where not the default;
 *     implicit many-to-many tables (_AToB) become list fields on both;
 *   - Unsupported("...") for types Prisma has no scalar for; `@@ignore`
 *     (with Prisma's comment) on a table without a unique criterion;
 *   - comments on tables and columns as `///` doc comments; views as
 *     `view` blocks when the generator enables the "views" preview feature,
 *     else listed in a comment.
 *
 * With `previous` (the schema being re-pulled), its model and field names,
 * field order and doc comments are kept for the tables and columns it
 * already describes.
 */
#ifndef REFRACT_INTROSPECT_PULL_H
#define REFRACT_INTROSPECT_PULL_H

#include <stdbool.h>

#include "../model/model.h"
#include "../util/buf.h"
#include "catalog.h"

typedef struct pull_options {
    const char *header;             /* datasource and generator blocks, verbatim */
    bool views;                     /* the "views" preview feature is on */
    const model_schema *previous;   /* NULL: a first pull */
} pull_options;

/* Append the schema text (not yet formatted) to `out`. Returns how many
 * models were written. */
size_t pull_render(const catalog *c, const pull_options *o, arena *a, buf *out);

#endif
