/*
 * emit.h — the C client emitter: model_schema → <prefix>.h and <prefix>.c.
 *
 * The emitter decides everything that depends on types (C types, decoders,
 * parameter binders, SQL text, quoting) and hands the templates
 * (templates/client.h.tmpl, templates/client.c.tmpl) a tree of strings and
 * lists that they only lay out. SQL of fixed shape is computed here, once,
 * and lands in the source as string constants.
 */
#ifndef REFRACT_EMIT_H
#define REFRACT_EMIT_H

#include <stdbool.h>

#include "../model/model.h"
#include "../util/buf.h"
#include "template.h"

typedef struct emit_options {
    const char *prefix;         /* "db": db_user, DB_ROLE_ADMIN, db.h */
    const char *schema_name;    /* shown in the banner, e.g. "schema.prisma" */
    const tpl_library *templates;
} emit_options;

/* Renders the header and the source. On failure returns false with a heap
 * message in *error (a template problem: the model itself is valid). */
bool emit_client(const model_schema *schema, const emit_options *options, buf *header,
                 buf *source, char **error);

/* Whether `prefix` can start C identifiers (letters, digits, '_', not a
 * digit first). */
bool emit_prefix_valid(const char *prefix);

#endif
