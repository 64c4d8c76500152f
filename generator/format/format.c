/*
 * format.c — lays out a parsed file the way `prisma format` does.
 * The rules are listed in format.h; table.c does the column alignment and
 * render.c the spelling of types, attributes and expressions.
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "comment.h"
#include "render.h"
#include "table.h"

enum { INDENT = 2 };

/* A block attribute on its way to the end of its block, with the comment
 * lines that stood directly above it. */
typedef struct pending_attr {
    const ast_member *member;
    const ast_member *comments; /* first of `ncomments` COMMENT members */
    size_t ncomments;
    size_t order;               /* position in the source, for a stable sort */
} pending_attr;

typedef struct formatter {
    arena scratch; /* cells and rows of the tables, freed at the end */
    buf out;
} formatter;

/* ---- one line of a block -------------------------------------------------- */

static const char *scratch_text(formatter *f, buf *b)
{
    const char *s = arena_strndup(&f->scratch, buf_cstr(b), b->len);
    buf_truncate(b, 0);
    return s;
}

/* A field's or enum value's attributes, sorted, separated by spaces. */
static const char *attributes_cell(formatter *f, const ast_member *m)
{
    const ast_attribute **sorted = arena_alloc(&f->scratch, (m->nattrs + 1) * sizeof *sorted);
    for (size_t i = 0; i < m->nattrs; i++) {
        /* insertion sort: stable, and attribute lists are short */
        const ast_attribute *a = &m->attrs[i];
        size_t j = i;
        while (j > 0 && fmt_attribute_rank(sorted[j - 1]) > fmt_attribute_rank(a)) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = a;
    }
    buf b = BUF_INIT;
    for (size_t i = 0; i < m->nattrs; i++) {
        if (i > 0)
            buf_putc(&b, ' ');
        fmt_attribute(&b, sorted[i]);
    }
    const char *s = scratch_text(f, &b);
    buf_free(&b);
    return s;
}

static void add_doc_rows(formatter *f, fmt_table *t, const char *doc)
{
    if (!doc)
        return;
    buf line = BUF_INIT;
    for (const char *p = doc;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_puts(&line, "///");
        buf_put(&line, p, n);
        comment_trim_cr(&line);
        fmt_table_line(t, scratch_text(f, &line));
        if (!nl)
            break;
        p = nl + 1;
    }
    buf_free(&line);
}

static void add_table_line(void *table, const char *text)
{
    fmt_table_line(table, text);
}

static void add_comment_rows(fmt_table *t, const char *text)
{
    comment_lines(text, add_table_line, t);
}

static const char *trailing_comment(formatter *f, const char *comment)
{
    if (!comment)
        return NULL;
    buf b = BUF_INIT;
    buf_puts(&b, comment);
    comment_trim_cr(&b);
    const char *s = scratch_text(f, &b);
    buf_free(&b);
    return s;
}

/* The row of a field, enum value, property or block attribute. */
static void add_member_row(formatter *f, fmt_table *t, const ast_member *m)
{
    add_doc_rows(f, t, m->doc);
    const char *cells[3] = {0};
    size_t ncells = 0;
    buf b = BUF_INIT;
    switch (m->kind) {
    case AST_MEMBER_FIELD:
        fmt_field_type(&b, &m->type);
        cells[0] = m->name;
        cells[1] = scratch_text(f, &b);
        cells[2] = attributes_cell(f, m);
        ncells = 3;
        break;
    case AST_MEMBER_ENUM_VALUE:
        cells[0] = m->name;
        cells[1] = attributes_cell(f, m);
        ncells = 2;
        break;
    case AST_MEMBER_PROPERTY:
        buf_puts(&b, "= ");
        if (m->value)
            fmt_expr(&b, m->value);
        cells[0] = m->name;
        cells[1] = scratch_text(f, &b);
        ncells = 2;
        break;
    case AST_MEMBER_ATTRIBUTE:
        if (m->nattrs > 0)
            fmt_attribute(&b, &m->attrs[0]);
        cells[0] = scratch_text(f, &b);
        ncells = 1;
        break;
    case AST_MEMBER_COMMENT:
    case AST_MEMBER_BLANK:
        break;
    }
    buf_free(&b);
    fmt_table_row(t, cells, ncells, trailing_comment(f, m->comment));
}

/* ---- blocks ----------------------------------------------------------------- */

static int block_attr_rank(const pending_attr *p)
{
    return p->member->nattrs > 0 ? fmt_attribute_rank(&p->member->attrs[0]) : 0;
}

static int compare_pending(const void *x, const void *y)
{
    const pending_attr *a = x, *b = y;
    int ra = block_attr_rank(a), rb = block_attr_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void format_block_body(formatter *f, const ast_block *blk)
{
    fmt_table table = {.arena = &f->scratch};
    pending_attr *attrs = NULL;
    size_t nattrs = 0, cap = 0;
    bool wrote_line = false, blank_pending = false;

    for (size_t i = 0; i < blk->nmembers; i++) {
        const ast_member *m = &blk->members[i];
        if (m->kind == AST_MEMBER_BLANK) {
            /* Dropped at the start and the end of the block and before block
             * attributes; elsewhere it ends the alignment group. */
            blank_pending = wrote_line;
            continue;
        }
        if (m->kind == AST_MEMBER_COMMENT) {
            size_t end = i;
            while (end < blk->nmembers && blk->members[end].kind == AST_MEMBER_COMMENT)
                end++;
            if (end < blk->nmembers && blk->members[end].kind == AST_MEMBER_ATTRIBUTE) {
                /* Comment lines directly above a block attribute go with it. */
                pending_attr p = {&blk->members[end], m, end - i, end};
                ARENA_PUSH(&f->scratch, attrs, nattrs, cap, p);
                i = end;
                blank_pending = false;
                continue;
            }
        }
        if (m->kind == AST_MEMBER_ATTRIBUTE) {
            pending_attr p = {m, NULL, 0, i};
            ARENA_PUSH(&f->scratch, attrs, nattrs, cap, p);
            blank_pending = false;
            continue;
        }
        if (blank_pending) {
            fmt_table_flush(&table, &f->out, INDENT);
            fmt_table_blank(&table);
            blank_pending = false;
        }
        if (m->kind == AST_MEMBER_COMMENT)
            add_comment_rows(&table, m->comment);
        else
            add_member_row(f, &table, m);
        wrote_line = true;
    }
    fmt_table_flush(&table, &f->out, INDENT);

    if (nattrs > 0) {
        qsort(attrs, nattrs, sizeof *attrs, compare_pending);
        fmt_table_blank(&table);
        for (size_t i = 0; i < nattrs; i++) {
            for (size_t c = 0; c < attrs[i].ncomments; c++)
                add_comment_rows(&table, attrs[i].comments[c].comment);
            add_member_row(f, &table, attrs[i].member);
        }
        fmt_table_flush(&table, &f->out, INDENT);
    }
}

static void put_doc_lines(buf *out, const char *doc)
{
    for (const char *p = doc; p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        buf_puts(out, "///");
        buf_put(out, p, n);
        buf_putc(out, '\n');
        p = nl ? nl + 1 : NULL;
    }
}

static void put_comment_line(void *out, const char *line)
{
    buf_puts(out, line);
    buf_putc(out, '\n');
}

static void format_block(formatter *f, const ast_block *blk)
{
    if (blk->doc)
        put_doc_lines(&f->out, blk->doc);
    buf_printf(&f->out, "%s %s {", ast_block_kind_name(blk->kind), blk->name);
    if (blk->comment) {
        /* Prisma drops a comment after `{`; refract keeps every comment. */
        buf_putc(&f->out, ' ');
        buf_puts(&f->out, blk->comment);
        comment_trim_cr(&f->out);
    }
    buf_putc(&f->out, '\n');
    format_block_body(f, blk);
    buf_puts(&f->out, "}\n");
    /* A comment after `}` becomes a comment line of its own below the block.
     * Prisma puts it directly under the `}` and adds a blank line in
     * between when run again; refract writes that final form at once so
     * that formatting twice changes nothing. */
    if (blk->close_comment) {
        buf_putc(&f->out, '\n');
        comment_lines(blk->close_comment, put_comment_line, &f->out);
    }
}

/* ---- the file --------------------------------------------------------------- */

char *format_source(const ast_source *src)
{
    formatter f = {.scratch = ARENA_INIT, .out = BUF_INIT};
    bool wrote = false, after_block = false, blank_pending = false;

    for (size_t i = 0; i < src->nitems; i++) {
        const ast_item *it = &src->items[i];
        if (it->kind == AST_ITEM_BLANK) {
            blank_pending = wrote;
            continue;
        }
        /* One blank line after every block, and where blank lines were. */
        if (after_block || blank_pending)
            buf_putc(&f.out, '\n');
        blank_pending = false;
        if (it->kind == AST_ITEM_BLOCK) {
            format_block(&f, it->block);
            /* a blank line between a block and what follows (unless the
             * block ended with the comment that was after its `}`) */
            after_block = !it->block->close_comment;
        } else {
            comment_lines(it->comment, put_comment_line, &f.out);
            after_block = false;
        }
        wrote = true;
    }
    arena_free(&f.scratch);
    if (f.out.len == 0)
        buf_putc(&f.out, '\n'); /* as Prisma: even an empty file ends in a newline */
    return buf_steal(&f.out);
}
