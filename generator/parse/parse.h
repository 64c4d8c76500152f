/*
 * parse.h — reading schema files into an ast_schema.
 */
#ifndef REFRACT_PARSE_H
#define REFRACT_PARSE_H

#include "ast.h"
#include "diag.h"

/* Parse one in-memory text as a file named `path` and append it to `schema`.
 * The text is copied into the schema's arena. Syntax errors go to `diags`;
 * the returned count is how many were added (0 = clean). Parsing recovers
 * at the next line or block, so every syntax error is reported. */
size_t parse_text(ast_schema *schema, const char *path, const char *text, size_t len,
                  diag_list *diags);

/* Parse a schema path: a .prisma file, or a folder whose .prisma files
 * (nested folders included, sorted by path) form one schema. Returns the
 * number of errors added to `diags` (I/O errors included). */
size_t parse_path(ast_schema *schema, const char *path, diag_list *diags);

void ast_schema_free(ast_schema *schema);

#endif
