/*
 * same_meaning.c — format_same_meaning(): the promise that formatting only
 * moves text around. Compared: blocks, fields, enum values, properties,
 * types, attributes and literal values (strings by their decoded value),
 * comments and doc comments. Not compared: positions, spacing, blank lines,
 * the order of attributes (Prisma's formatter sorts them) and where comment
 * lines stand inside a block (those above a block attribute move with it).
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comment.h"
#include "render.h"

typedef struct cmp {
    buf *why;
    const char *where; /* "model User", for messages */
} cmp;

static bool differ(cmp *c, const char *what, const char *name)
{
    if (c->why)
        buf_printf(c->why, "%s%s%s%s%s differ", c->where ? c->where : "", c->where ? ": " : "",
                   what, name ? " " : "", name ? name : "");
    return false;
}

static bool same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

/* Comments compare by what `format` writes for them. */
static void append_line(void *out, const char *line)
{
    buf_puts(out, line);
    buf_putc(out, '\n');
}

static char *comment_key(const char *comment)
{
    buf b = BUF_INIT;
    if (comment)
        comment_lines(comment, append_line, &b);
    buf_cstr(&b);
    return buf_steal(&b);
}

static bool same_comment(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    char *ka = comment_key(a), *kb = comment_key(b);
    bool same = !strcmp(ka, kb);
    free(ka);
    free(kb);
    return same;
}

static bool same_doc(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    /* line by line, ignoring a CR at the end of a line */
    for (;;) {
        size_t na = strcspn(a, "\r\n"), nb = strcspn(b, "\r\n");
        if (na != nb || memcmp(a, b, na))
            return false;
        a += na, b += nb;
        if (*a == '\r')
            a++;
        if (*b == '\r')
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++, b++;
    }
}

static bool same_expr(const ast_expr *a, const ast_expr *b);

static bool same_args(const ast_args *a, const ast_args *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const ast_arg *x = &a->items[i], *y = &b->items[i];
        if (!same_str(x->name, y->name))
            return false;
        if (!x->value || !y->value ? x->value != y->value : !same_expr(x->value, y->value))
            return false;
    }
    return true;
}

static bool same_expr(const ast_expr *a, const ast_expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case AST_EXPR_STRING:
        return a->text_len == b->text_len && !memcmp(a->text, b->text, a->text_len);
    case AST_EXPR_NUMBER:
    case AST_EXPR_CONST:
        return same_str(a->text, b->text);
    case AST_EXPR_FUNC:
        return same_str(a->text, b->text) && same_args(&a->args, &b->args);
    case AST_EXPR_ARRAY:
        if (a->count != b->count)
            return false;
        for (size_t i = 0; i < a->count; i++)
            if (!same_expr(a->items[i], b->items[i]))
                return false;
        return true;
    }
    return false;
}

static bool same_attribute(const ast_attribute *a, const ast_attribute *b)
{
    return same_str(a->name, b->name) && a->is_block == b->is_block &&
           a->has_parens == b->has_parens && same_args(&a->args, &b->args);
}

/* The attributes of a member in the order format writes them. */
static const ast_attribute **sorted_attrs(const ast_member *m)
{
    const ast_attribute **v = calloc(m->nattrs + 1, sizeof *v);
    for (size_t i = 0; i < m->nattrs; i++) {
        size_t j = i;
        while (j > 0 && fmt_attribute_rank(v[j - 1]) > fmt_attribute_rank(&m->attrs[i])) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = &m->attrs[i];
    }
    return v;
}

static bool same_attr_lists(const ast_member *a, const ast_member *b)
{
    if (a->nattrs != b->nattrs)
        return false;
    const ast_attribute **x = sorted_attrs(a), **y = sorted_attrs(b);
    bool same = true;
    for (size_t i = 0; same && i < a->nattrs; i++)
        same = same_attribute(x[i], y[i]);
    free(x);
    free(y);
    return same;
}

static bool same_type(const ast_field_type *a, const ast_field_type *b)
{
    return same_str(a->name, b->name) && a->arity == b->arity &&
           a->optional_list == b->optional_list && same_expr(a->unsupported, b->unsupported);
}

static bool same_member(cmp *c, const ast_member *a, const ast_member *b)
{
    if (a->kind != b->kind || !same_str(a->name, b->name))
        return differ(c, "members", a->name);
    if (!same_doc(a->doc, b->doc))
        return differ(c, "doc comments of", a->name);
    if (!same_comment(a->comment, b->comment))
        return differ(c, "trailing comments of", a->name);
    if (a->kind == AST_MEMBER_FIELD && !same_type(&a->type, &b->type))
        return differ(c, "types of", a->name);
    if (!same_attr_lists(a, b))
        return differ(c, "attributes of", a->name);
    if (a->kind == AST_MEMBER_PROPERTY && !same_expr(a->value, b->value))
        return differ(c, "values of", a->name);
    return true;
}

/* The members of a block of one kind group: `want(kind)` selects them. */
typedef bool (*member_filter)(ast_member_kind);
static bool is_declaration(ast_member_kind k)
{
    return k == AST_MEMBER_FIELD || k == AST_MEMBER_ENUM_VALUE || k == AST_MEMBER_PROPERTY;
}
static bool is_block_attribute(ast_member_kind k) { return k == AST_MEMBER_ATTRIBUTE; }
static bool is_comment(ast_member_kind k) { return k == AST_MEMBER_COMMENT; }

static size_t select_members(const ast_block *blk, member_filter want, const ast_member **out)
{
    size_t n = 0;
    for (size_t i = 0; i < blk->nmembers; i++)
        if (want(blk->members[i].kind))
            out[n++] = &blk->members[i];
    return n;
}

static int by_attribute_rank(const void *x, const void *y)
{
    const ast_member *a = *(const ast_member *const *)x, *b = *(const ast_member *const *)y;
    int ra = a->nattrs ? fmt_attribute_rank(&a->attrs[0]) : 0;
    int rb = b->nattrs ? fmt_attribute_rank(&b->attrs[0]) : 0;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return a < b ? -1 : a > b; /* members of one block: address is source order */
}

static int by_comment_text(const void *x, const void *y)
{
    const ast_member *a = *(const ast_member *const *)x, *b = *(const ast_member *const *)y;
    char *ka = comment_key(a->comment), *kb = comment_key(b->comment);
    int r = strcmp(ka, kb);
    free(ka);
    free(kb);
    return r;
}

static bool same_block(cmp *c, const ast_block *a, const ast_block *b)
{
    if (a->kind != b->kind || !same_str(a->name, b->name))
        return differ(c, "blocks", a->name);
    if (!same_doc(a->doc, b->doc) || !same_comment(a->comment, b->comment))
        return differ(c, "comments of block", a->name);

    const ast_member **x = calloc(a->nmembers + 1, sizeof *x);
    const ast_member **y = calloc(b->nmembers + 1, sizeof *y);
    static const member_filter groups[] = {is_declaration, is_block_attribute, is_comment};
    bool same = true;
    for (size_t g = 0; same && g < sizeof groups / sizeof *groups; g++) {
        size_t nx = select_members(a, groups[g], x), ny = select_members(b, groups[g], y);
        if (nx != ny) {
            same = differ(c, "number of members of", a->name);
            break;
        }
        if (groups[g] == is_block_attribute) {
            qsort(x, nx, sizeof *x, by_attribute_rank);
            qsort(y, ny, sizeof *y, by_attribute_rank);
        } else if (groups[g] == is_comment) {
            qsort(x, nx, sizeof *x, by_comment_text);
            qsort(y, ny, sizeof *y, by_comment_text);
        }
        for (size_t i = 0; same && i < nx; i++)
            same = same_member(c, x[i], y[i]);
    }
    free(x);
    free(y);
    return same;
}

/* The top level of a file as a sequence of blocks and comment lines; a
 * comment after a block's `}` counts as a comment line after the block,
 * which is where `format` writes it. */
typedef struct top_entry {
    const ast_block *block; /* NULL: a comment */
    const char *comment;
} top_entry;

static size_t top_entries(const ast_source *src, top_entry *out)
{
    size_t n = 0;
    for (size_t i = 0; i < src->nitems; i++) {
        const ast_item *it = &src->items[i];
        if (it->kind == AST_ITEM_COMMENT) {
            out[n++] = (top_entry){NULL, it->comment};
        } else if (it->kind == AST_ITEM_BLOCK) {
            out[n++] = (top_entry){it->block, NULL};
            if (it->block->close_comment)
                out[n++] = (top_entry){NULL, it->block->close_comment};
        }
    }
    return n;
}

bool format_same_meaning(const ast_source *a, const ast_source *b, buf *why)
{
    cmp c = {.why = why};
    top_entry *x = calloc(2 * a->nitems + 1, sizeof *x), *y = calloc(2 * b->nitems + 1, sizeof *y);
    size_t nx = top_entries(a, x), ny = top_entries(b, y);
    bool same = true;
    for (size_t i = 0; same && i < nx && i < ny; i++) {
        if (!x[i].block != !y[i].block) {
            same = differ(&c, "top-level items", NULL);
        } else if (!x[i].block) {
            if (!same_comment(x[i].comment, y[i].comment))
                same = differ(&c, "top-level comments", NULL);
        } else {
            char where[256];
            snprintf(where, sizeof where, "%s %s", ast_block_kind_name(x[i].block->kind),
                     x[i].block->name ? x[i].block->name : "?");
            c.where = where;
            same = same_block(&c, x[i].block, y[i].block);
            c.where = NULL;
        }
    }
    if (same && nx != ny)
        same = differ(&c, "top-level items", NULL);
    free(x);
    free(y);
    return same;
}
