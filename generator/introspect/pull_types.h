/*
 * pull_types.h — a column's type and default in Prisma's words, for
 * `db pull`: the scalar with the @db.* attribute it needs (none when the
 * native type is the scalar's default), @default(...), operator classes.
 */
#ifndef REFRACT_INTROSPECT_PULL_TYPES_H
#define REFRACT_INTROSPECT_PULL_TYPES_H

#include <stdbool.h>

#include "../migrate/dbschema.h"
#include "../util/buf.h"
#include "catalog.h"

typedef struct pull_type {
    const char *scalar;   /* "Int", "String", an enum's name */
    const char *native;   /* "VarChar(200)", "SmallInt"; NULL = the scalar's default */
    bool unsupported;     /* Unsupported("<the SQL type>") */
    bool is_enum;
} pull_type;

/* The Prisma type of a SQL type as catalog.h spells it. */
void pull_type_of(arena *a, const char *sql_type, bool unsupported, pull_type *out);

/* " @default(...)" for the column's default (catalog spelling). */
void pull_put_default(arena *a, buf *out, const db_column *c, const pull_type *t,
                      const catalog *cat);

/* The operator class as an `ops:` value: JsonbPathOps, raw("x"). */
const char *pull_opclass_name(arena *a, const char *opclass);

#endif
