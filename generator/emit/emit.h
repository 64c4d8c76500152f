/*
 * emit.h — the C client emitter: model_schema → <prefix>.h and <prefix>.c.
 *
 * The emitter decides the C types of the header and the descriptor tables
 * of the source (runtime/refract_desc.h) and hands the templates
 * (templates/client.h.tmpl, templates/client.c.tmpl) a tree of strings and
 * lists that they only lay out. No SQL is emitted: librefract builds it from
 * the descriptors, once per model.
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
    bool full_text_search;      /* String filters get Prisma's `search` (the generator
                                   enables the fullTextSearchPostgres preview feature) */
} emit_options;

/* Takes the next piece of a rendered file (`which`: 'h', then 'c'), in
 * order; false stops the emitter (the sink reports why). The text is only
 * valid during the call. */
typedef bool (*emit_sink)(void *ctx, char which, const buf *text);

/* Renders the header, then the source, handing each to `sink` in pieces of
 * about 256 kB, so that neither is ever in memory whole (civitai's header
 * is 5.6 MB). On failure returns false with a heap message in *error (a
 * template problem, or the sink refused a piece). */
bool emit_client(const model_schema *schema, const emit_options *options, emit_sink sink,
                 void *sink_ctx, char **error);

/* Whether `prefix` can start C identifiers (letters, digits, '_', not a
 * digit first). */
bool emit_prefix_valid(const char *prefix);

#endif
