/*
 * template.h — a small, logic-less template engine for the emitted C.
 *
 * The emitter computes every name, type and SQL string in C and hands the
 * templates a tree of values; the templates only lay text out. Syntax (a
 * subset of Mustache, without HTML escaping):
 *
 *   {{name}}            the string value of `name` (dotted paths: a.b.c)
 *   {{#name}}…{{/name}} a list: once per item, the item on top of the
 *                       context; an object: once, on top; true or a
 *                       non-empty string: once; otherwise not at all
 *   {{^name}}…{{/name}} once when `name` is missing, false, "" or empty
 *   {{>name}}           another template of the same set, in this context
 *   {{! comment }}      nothing
 *
 * Inside a list, `-first`, `-last` (booleans) and `-index` (0-based) refer
 * to the innermost list item, e.g. `{{^-last}}, {{/-last}}` for separators.
 * Names are looked up from the innermost context outwards.
 *
 * A line holding nothing but one section, comment or partial tag (and
 * blanks) disappears whole, so templates can be laid out one tag per line
 * without leaving blank lines in the output.
 */
#ifndef REFRACT_TEMPLATE_H
#define REFRACT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"
#include "../util/buf.h"

/* ---- values ------------------------------------------------------------ */

typedef enum tpl_kind { TPL_STR, TPL_BOOL, TPL_LIST, TPL_OBJ } tpl_kind;

typedef struct tpl_value tpl_value;
typedef struct tpl_entry {
    const char *key;
    tpl_value *value;
} tpl_entry;

struct tpl_value {
    tpl_kind kind;
    const char *str;            /* STR */
    bool truth;                 /* BOOL */
    tpl_value **items;          /* LIST */
    size_t count, cap;
    tpl_entry *entries;         /* OBJ, in insertion order; a later set wins */
    size_t nentries, ecap;
};

/* Every value lives in the arena given; nothing is freed singly. */
tpl_value *tpl_new_obj(arena *a);
tpl_value *tpl_new_list(arena *a);
void tpl_set_str(arena *a, tpl_value *obj, const char *key, const char *s);
void tpl_set_strf(arena *a, tpl_value *obj, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tpl_set_bool(arena *a, tpl_value *obj, const char *key, bool b);
void tpl_set(arena *a, tpl_value *obj, const char *key, tpl_value *v);
tpl_value *tpl_set_new_list(arena *a, tpl_value *obj, const char *key);
tpl_value *tpl_set_new_obj(arena *a, tpl_value *obj, const char *key);
void tpl_push(arena *a, tpl_value *list, tpl_value *item);
tpl_value *tpl_push_new_obj(arena *a, tpl_value *list);
const tpl_value *tpl_get(const tpl_value *obj, const char *key); /* NULL if absent */

/* ---- template sets ------------------------------------------------------ */

/* Where templates come from: a directory given with --templates, else the
 * copies compiled into the binary (tools/embed.sh). */
typedef struct tpl_library {
    const char *dir; /* NULL: embedded */
    arena *arena;    /* holds what was read from dir */
} tpl_library;

/* The text of template `name`, or NULL (with *len untouched) when absent. */
const char *tpl_lookup(const tpl_library *set, const char *name, size_t *len);

/* Render template `name` of `set` with `ctx` into `out`. On failure returns
 * false and sets *error to a heap message ("client.h.tmpl:12: unclosed
 * section 'models'") the caller frees. */
bool tpl_render(const tpl_library *set, const char *name, const tpl_value *ctx, buf *out,
                char **error);

/* Takes the next piece of rendered text (it is emptied afterwards); false
 * stops the rendering with an error. */
typedef bool (*tpl_flush)(void *ctx, const buf *text);

/* Like tpl_render, but the output goes to `flush` in pieces of about 256 kB
 * (and a last one, possibly empty), through `scratch`, so that a large
 * output is never in memory whole. */
bool tpl_render_flushed(const tpl_library *set, const char *name, const tpl_value *ctx,
                        buf *scratch, tpl_flush flush, void *flush_ctx, char **error);

/* Render an in-memory template (name used in messages and for partials'
 * lookup in `set`, which may be NULL when there are none). */
bool tpl_render_text(const tpl_library *set, const char *name, const char *text, size_t len,
                     const tpl_value *ctx, buf *out, char **error);

#endif
