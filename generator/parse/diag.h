/*
 * diag.h — diagnostics (errors and warnings) pointing at the schema text.
 *
 * Every stage (parse, resolve, validate) appends to one diag_list so that a
 * run reports all problems, not only the first. Printing follows Prisma's
 * shape:
 *
 *   error: <message>
 *     -->  schema.prisma:LINE:COL
 *      |
 *   11 | previous line
 *   12 | offending line
 *      |   ^^^^^^^^^^^
 */
#ifndef REFRACT_DIAG_H
#define REFRACT_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

typedef enum diag_severity { DIAG_ERROR, DIAG_WARNING } diag_severity;

typedef struct diag {
    diag_severity severity;
    ast_loc loc;     /* loc.file NULL: no place (e.g. an unreadable path) */
    char *message;   /* heap, owned by the list */
} diag;

typedef struct diag_list {
    diag *items;
    size_t count, cap;
    size_t nerrors, nwarnings;
} diag_list;

#define DIAG_LIST_INIT {0}

void diag_add(diag_list *d, diag_severity sev, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define diag_error(d, loc, ...) diag_add((d), DIAG_ERROR, (loc), __VA_ARGS__)
#define diag_warning(d, loc, ...) diag_add((d), DIAG_WARNING, (loc), __VA_ARGS__)

/* Print warnings first, then errors (as Prisma does), each with its place. */
void diag_print(FILE *out, const diag_list *d, bool color);
void diag_list_free(diag_list *d);

#endif
