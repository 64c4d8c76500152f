/*
 * spelling.h — PostgreSQL's way of printing a type or a default, turned
 * into the spelling refract's model renders (from_model.c), so that the two
 * compare as text.
 */
#ifndef REFRACT_INTROSPECT_SPELLING_H
#define REFRACT_INTROSPECT_SPELLING_H

#include <stdbool.h>

#include "../util/arena.h"

/* The model's spelling of a built-in type from its pg_type name and
 * atttypmod ("int4", -1 → "INTEGER"; "varchar", 204 → "VARCHAR(200)"), or
 * NULL when Prisma has no native type for it. */
const char *spell_builtin_type(arena *a, const char *typname, int typmod);

/* The model's spelling of a column default printed by pg_get_expr():
 * casts of literals dropped ('x'::text → 'x', '-1'::integer → -1), arrays
 * as ARRAY[...]::TYPE[] with `type` the column's element type as spelled
 * above. Expressions it does not know are returned as they are. */
const char *spell_default(arena *a, const char *expr, const char *type, bool list);

/* The expression without the casts applied to it at its top level
 * ("'a'::text" → "'a'"; "(x)::int" → "(x)"); `expr` itself when none. */
const char *spell_strip_casts(arena *a, const char *expr);

#endif
