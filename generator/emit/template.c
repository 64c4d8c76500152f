/*
 * template.c — parse a template into a node tree, then walk it with a
 * context stack. See template.h for the syntax.
 */
#include "template.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table tools/embed.sh generates from templates/. */
typedef struct embedded_file {
    const char *name;
    const char *data;
    size_t len;
} embedded_file;
extern const embedded_file embedded_templates[];

/* ---- values ------------------------------------------------------------ */

static tpl_value *new_value(arena *a, tpl_kind kind)
{
    tpl_value *v = arena_alloc(a, sizeof *v);
    v->kind = kind;
    return v;
}

tpl_value *tpl_new_obj(arena *a) { return new_value(a, TPL_OBJ); }
tpl_value *tpl_new_list(arena *a) { return new_value(a, TPL_LIST); }

void tpl_set(arena *a, tpl_value *obj, const char *key, tpl_value *v)
{
    for (size_t i = 0; i < obj->nentries; i++)
        if (!strcmp(obj->entries[i].key, key)) {
            obj->entries[i].value = v;
            return;
        }
    tpl_entry e = {arena_strdup(a, key), v};
    ARENA_PUSH(a, obj->entries, obj->nentries, obj->ecap, e);
}

void tpl_set_str(arena *a, tpl_value *obj, const char *key, const char *s)
{
    tpl_value *v = new_value(a, TPL_STR);
    v->str = arena_strdup(a, s ? s : "");
    tpl_set(a, obj, key, v);
}

void tpl_set_strf(arena *a, tpl_value *obj, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_value *v = new_value(a, TPL_STR);
    v->str = arena_vprintf(a, fmt, ap);
    va_end(ap);
    tpl_set(a, obj, key, v);
}

void tpl_set_bool(arena *a, tpl_value *obj, const char *key, bool b)
{
    tpl_value *v = new_value(a, TPL_BOOL);
    v->truth = b;
    tpl_set(a, obj, key, v);
}

tpl_value *tpl_set_new_list(arena *a, tpl_value *obj, const char *key)
{
    tpl_value *v = tpl_new_list(a);
    tpl_set(a, obj, key, v);
    return v;
}

tpl_value *tpl_set_new_obj(arena *a, tpl_value *obj, const char *key)
{
    tpl_value *v = tpl_new_obj(a);
    tpl_set(a, obj, key, v);
    return v;
}

void tpl_push(arena *a, tpl_value *list, tpl_value *item)
{
    ARENA_PUSH(a, list->items, list->count, list->cap, item);
}

tpl_value *tpl_push_new_obj(arena *a, tpl_value *list)
{
    tpl_value *v = tpl_new_obj(a);
    tpl_push(a, list, v);
    return v;
}

const tpl_value *tpl_get(const tpl_value *obj, const char *key)
{
    if (!obj || obj->kind != TPL_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->nentries; i++)
        if (!strcmp(obj->entries[i].key, key))
            return obj->entries[i].value;
    return NULL;
}

/* ---- template sets ------------------------------------------------------ */

const char *tpl_lookup(const tpl_library *set, const char *name, size_t *len)
{
    if (set && set->dir) {
        char *path = arena_printf(set->arena, "%s/%s", set->dir, name);
        FILE *f = fopen(path, "rb");
        if (!f)
            return NULL;
        buf b = BUF_INIT;
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_put(&b, chunk, n);
        fclose(f);
        char *text = arena_strndup(set->arena, buf_cstr(&b), b.len);
        *len = b.len;
        buf_free(&b);
        return text;
    }
    for (const embedded_file *e = embedded_templates; e->name; e++)
        if (!strcmp(e->name, name)) {
            *len = e->len;
            return e->data;
        }
    return NULL;
}

/* ---- parsing ------------------------------------------------------------ */

typedef enum node_kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL } node_kind;

typedef struct node node;
struct node {
    node_kind kind;
    const char *text; /* TEXT: the bytes; others: the tag name */
    size_t len;       /* TEXT */
    unsigned line;
    node *children;   /* SECTION, INVERTED */
    size_t nchildren, cap;
};

typedef struct parser {
    arena *arena;
    const char *name;
    const char *src;
    size_t len;
    char *error; /* heap */
} parser;

static void fail(parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(parser *p, unsigned line, const char *fmt, ...)
{
    if (p->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    buf b = BUF_INIT;
    buf_printf(&b, "%s:%u: ", p->name, line);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->error = buf_steal(&b);
}

static unsigned line_of(const parser *p, size_t pos)
{
    unsigned line = 1;
    for (size_t i = 0; i < pos && i < p->len; i++)
        line += p->src[i] == '\n';
    return line;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parse p->src from *pos into `parent`'s children until `{{/close}}` (or
 * the end when close is NULL). */
static void parse_into(parser *p, size_t *pos, node *parent, const char *close, unsigned open_line)
{
    size_t text_start = *pos;
    size_t i = *pos;
    for (;;) {
        const char *open = i < p->len ? strstr(p->src + i, "{{") : NULL;
        size_t tag = open ? (size_t)(open - p->src) : p->len;
        if (tag >= p->len) {
            if (text_start < p->len) {
                node t = {.kind = N_TEXT, .text = p->src + text_start, .len = p->len - text_start};
                ARENA_PUSH(p->arena, parent->children, parent->nchildren, parent->cap, t);
            }
            *pos = p->len;
            if (close)
                fail(p, open_line, "section '%s' is never closed", close);
            return;
        }
        const char *end = strstr(p->src + tag + 2, "}}");
        if (!end) {
            fail(p, line_of(p, tag), "'{{' without '}}'");
            *pos = p->len;
            return;
        }
        size_t after = (size_t)(end - p->src) + 2;
        char sigil = p->src[tag + 2];
        bool has_sigil = strchr("#^/!>", sigil) != NULL;
        const char *name_start = p->src + tag + 2 + has_sigil;
        const char *name_end = end;
        while (name_start < name_end && is_blank(*name_start))
            name_start++;
        while (name_end > name_start && is_blank(name_end[-1]))
            name_end--;

        /* A line holding only this tag vanishes, newline included. */
        size_t text_end = tag;
        if (has_sigil) {
            size_t ls = tag;
            while (ls > text_start && is_blank(p->src[ls - 1]))
                ls--;
            bool at_line_start = ls == 0 || p->src[ls - 1] == '\n';
            size_t le = after;
            while (le < p->len && is_blank(p->src[le]))
                le++;
            bool at_line_end = le == p->len || p->src[le] == '\n' ||
                               (p->src[le] == '\r' && le + 1 < p->len && p->src[le + 1] == '\n');
            if (at_line_start && at_line_end && ls >= text_start) {
                text_end = ls;
                after = le == p->len ? le : le + (p->src[le] == '\r' ? 2 : 1);
            }
        }
        if (text_end > text_start) {
            node t = {.kind = N_TEXT, .text = p->src + text_start, .len = text_end - text_start};
            ARENA_PUSH(p->arena, parent->children, parent->nchildren, parent->cap, t);
        }
        unsigned line = line_of(p, tag);
        char *name = arena_strndup(p->arena, name_start, (size_t)(name_end - name_start));
        i = text_start = after;
        if (sigil == '!')
            continue;
        if (!*name) {
            fail(p, line, "empty tag");
            *pos = p->len;
            return;
        }
        if (sigil == '/') {
            if (!close || strcmp(close, name)) {
                if (close)
                    fail(p, line, "'{{/%s}}' closes section '%s' (opened on line %u)", name, close,
                         open_line);
                else
                    fail(p, line, "'{{/%s}}' closes no open section", name);
            }
            *pos = after;
            return;
        }
        node n = {.text = name, .line = line};
        if (sigil == '#' || sigil == '^') {
            n.kind = sigil == '#' ? N_SECTION : N_INVERTED;
            parse_into(p, &i, &n, name, line);
            text_start = i;
        } else {
            n.kind = sigil == '>' ? N_PARTIAL : N_VAR;
        }
        ARENA_PUSH(p->arena, parent->children, parent->nchildren, parent->cap, n);
        if (p->error) {
            *pos = p->len;
            return;
        }
    }
}

/* ---- rendering ---------------------------------------------------------- */

/* One level of the context stack; loops also record their position. */
typedef struct frame {
    const tpl_value *value;
    const struct frame *up;
    bool in_loop;
    size_t index, count;
} frame;

typedef struct renderer {
    const tpl_library *set;
    buf *out;
    char *error;
    int depth; /* partial nesting, to stop runaway recursion */
    tpl_flush flush;   /* NULL: everything stays in out */
    void *flush_ctx;
} renderer;

/* Output is handed to the flush callback in pieces of about this size, so
 * that a large file (civitai's header: 5.6 MB) never sits in memory whole. */
enum { TPL_FLUSH_AT = 256 * 1024 };

static void maybe_flush(renderer *r, bool last)
{
    if (!r->flush || r->error || (!last && r->out->len < TPL_FLUSH_AT))
        return;
    if (!r->flush(r->flush_ctx, r->out)) {
        buf b = BUF_INIT;
        buf_puts(&b, "could not write the rendered output");
        r->error = buf_steal(&b);
    }
    buf_truncate(r->out, 0);
}

static const tpl_value loop_true = {.kind = TPL_BOOL, .truth = true};
static const tpl_value loop_false = {.kind = TPL_BOOL, .truth = false};

/* `-index` needs a string that outlives the lookup: one per depth suffices
 * because it is consumed immediately. */
static const tpl_value *loop_var(const frame *f, const char *name, tpl_value *scratch,
                                 char *digits, size_t ndigits)
{
    for (; f; f = f->up) {
        if (!f->in_loop)
            continue;
        if (!strcmp(name, "-first"))
            return f->index == 0 ? &loop_true : &loop_false;
        if (!strcmp(name, "-last"))
            return f->index + 1 == f->count ? &loop_true : &loop_false;
        if (!strcmp(name, "-index")) {
            snprintf(digits, ndigits, "%zu", f->index);
            scratch->kind = TPL_STR;
            scratch->str = digits;
            return scratch;
        }
        return NULL;
    }
    return NULL;
}

static const tpl_value *resolve(const frame *f, const char *name, tpl_value *scratch,
                                char *digits, size_t ndigits)
{
    if (name[0] == '-')
        return loop_var(f, name, scratch, digits, ndigits);
    if (!strcmp(name, "."))
        return f ? f->value : NULL;
    /* The first segment is searched outwards; the rest walk down from it. */
    const char *dot = strchr(name, '.');
    size_t first_len = dot ? (size_t)(dot - name) : strlen(name);
    char first[128];
    if (first_len >= sizeof first)
        return NULL;
    memcpy(first, name, first_len);
    first[first_len] = '\0';
    const tpl_value *v = NULL;
    for (; f && !v; f = f->up)
        v = tpl_get(f->value, first);
    while (v && dot) {
        const char *seg = dot + 1;
        dot = strchr(seg, '.');
        size_t seg_len = dot ? (size_t)(dot - seg) : strlen(seg);
        if (seg_len >= sizeof first)
            return NULL;
        memcpy(first, seg, seg_len);
        first[seg_len] = '\0';
        v = tpl_get(v, first);
    }
    return v;
}

static bool truthy(const tpl_value *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case TPL_STR: return v->str && *v->str;
    case TPL_BOOL: return v->truth;
    case TPL_LIST: return v->count > 0;
    case TPL_OBJ: return true;
    }
    return false;
}

static void render_nodes(renderer *r, const node *nodes, size_t n, const frame *f,
                         const char *tname);

static void render_error(renderer *r, const char *tname, unsigned line, const char *fmt,
                         const char *arg)
{
    if (r->error)
        return;
    buf b = BUF_INIT;
    buf_printf(&b, "%s:%u: ", tname, line);
    buf_printf(&b, fmt, arg);
    r->error = buf_steal(&b);
}

static void render_template(renderer *r, const char *name, const char *text, size_t len,
                            const frame *f);

static void render_nodes(renderer *r, const node *nodes, size_t n, const frame *f,
                         const char *tname)
{
    for (size_t i = 0; i < n && !r->error; i++) {
        const node *nd = &nodes[i];
        tpl_value scratch;
        char digits[24];
        switch (nd->kind) {
        case N_TEXT:
            buf_put(r->out, nd->text, nd->len);
            maybe_flush(r, false);
            break;
        case N_VAR: {
            const tpl_value *v = resolve(f, nd->text, &scratch, digits, sizeof digits);
            if (!v) {
                render_error(r, tname, nd->line, "no value named '%s'", nd->text);
                break;
            }
            if (v->kind == TPL_STR)
                buf_puts(r->out, v->str);
            else if (v->kind == TPL_BOOL)
                buf_puts(r->out, v->truth ? "true" : "false");
            else
                render_error(r, tname, nd->line, "'%s' is a list or object, not text", nd->text);
            break;
        }
        case N_SECTION: {
            const tpl_value *v = resolve(f, nd->text, &scratch, digits, sizeof digits);
            if (!truthy(v))
                break;
            if (v->kind == TPL_LIST) {
                for (size_t k = 0; k < v->count && !r->error; k++) {
                    frame inner = {v->items[k], f, true, k, v->count};
                    render_nodes(r, nd->children, nd->nchildren, &inner, tname);
                }
            } else if (v->kind == TPL_OBJ) {
                frame inner = {v, f, false, 0, 0};
                render_nodes(r, nd->children, nd->nchildren, &inner, tname);
            } else {
                render_nodes(r, nd->children, nd->nchildren, f, tname);
            }
            break;
        }
        case N_INVERTED: {
            const tpl_value *v = resolve(f, nd->text, &scratch, digits, sizeof digits);
            if (!truthy(v))
                render_nodes(r, nd->children, nd->nchildren, f, tname);
            break;
        }
        case N_PARTIAL: {
            size_t len = 0;
            const char *text = tpl_lookup(r->set, nd->text, &len);
            if (!text) {
                render_error(r, tname, nd->line, "no template named '%s'", nd->text);
                break;
            }
            if (r->depth >= 32) {
                render_error(r, tname, nd->line, "partials nested too deeply at '%s'", nd->text);
                break;
            }
            r->depth++;
            render_template(r, nd->text, text, len, f);
            r->depth--;
            break;
        }
        }
    }
}

static void render_template(renderer *r, const char *name, const char *text, size_t len,
                            const frame *f)
{
    arena a = ARENA_INIT;
    parser p = {&a, name, text, len, NULL};
    /* The text may not be NUL-terminated (embedded copies are); strstr needs it. */
    p.src = arena_strndup(&a, text, len);
    node root = {.kind = N_SECTION};
    size_t pos = 0;
    parse_into(&p, &pos, &root, NULL, 1);
    if (p.error) {
        if (!r->error)
            r->error = p.error;
        else
            free(p.error);
    } else {
        render_nodes(r, root.children, root.nchildren, f, name);
    }
    arena_free(&a);
}

static bool render_text(const tpl_library *set, const char *name, const char *text, size_t len,
                        const tpl_value *ctx, buf *out, tpl_flush flush, void *flush_ctx,
                        char **error)
{
    renderer r = {set, out, NULL, 0, flush, flush_ctx};
    frame top = {ctx, NULL, false, 0, 0};
    render_template(&r, name, text, len, &top);
    maybe_flush(&r, true);
    *error = r.error;
    return !r.error;
}

bool tpl_render_text(const tpl_library *set, const char *name, const char *text, size_t len,
                     const tpl_value *ctx, buf *out, char **error)
{
    return render_text(set, name, text, len, ctx, out, NULL, NULL, error);
}

static bool render_named(const tpl_library *set, const char *name, const tpl_value *ctx,
                         buf *out, tpl_flush flush, void *flush_ctx, char **error)
{
    size_t len = 0;
    const char *text = tpl_lookup(set, name, &len);
    if (!text) {
        buf b = BUF_INIT;
        buf_printf(&b, "no template named '%s'%s%s: %s", name, set && set->dir ? " in " : "",
                   set && set->dir ? set->dir : "", set && set->dir ? strerror(errno) : "not embedded");
        *error = buf_steal(&b);
        return false;
    }
    return render_text(set, name, text, len, ctx, out, flush, flush_ctx, error);
}

bool tpl_render(const tpl_library *set, const char *name, const tpl_value *ctx, buf *out,
                char **error)
{
    return render_named(set, name, ctx, out, NULL, NULL, error);
}

bool tpl_render_flushed(const tpl_library *set, const char *name, const tpl_value *ctx,
                        buf *scratch, tpl_flush flush, void *flush_ctx, char **error)
{
    buf_truncate(scratch, 0);
    return render_named(set, name, ctx, scratch, flush, flush_ctx, error);
}
