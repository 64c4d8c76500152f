/*
 * render.h — the canonical spelling of the pieces of a declaration:
 * expressions, attribute argument lists, attributes and field types.
 *
 * Spelling is Prisma's: `name: value` for named arguments, ", " between
 * arguments and array items, no trailing comma, no space inside brackets.
 * Literals keep their text: numbers as written, strings with their escapes
 * exactly as written (re-escaped from the decoded value only if the raw text
 * is unknown), so formatting never changes what a literal means.
 */
#ifndef REFRACT_FORMAT_RENDER_H
#define REFRACT_FORMAT_RENDER_H

#include "../parse/ast.h"
#include "../util/buf.h"

void fmt_expr(buf *out, const ast_expr *e);
void fmt_args(buf *out, const ast_args *args); /* "(a, b: c)" */
void fmt_attribute(buf *out, const ast_attribute *a); /* "@id", "@@index([a])" */
void fmt_field_type(buf *out, const ast_field_type *t);

/* A string literal with quotes, escaping what JSON-style strings require. */
void fmt_string_escaped(buf *out, const char *s, size_t len);

/* Where Prisma puts an attribute when it sorts a field's (or a block's)
 * attributes: @id, @unique, @default, @updatedAt, @index, @fulltext, @map,
 * @relation, @ignore, then every other one in source order. */
int fmt_attribute_rank(const ast_attribute *a);

#endif
