/*
 * diag.c — collecting diagnostics and printing them in Prisma's shape,
 * with the column and a caret line added:
 *
 *   error: <message>
 *     -->  schema.prisma:12:3
 *      |
 *   11 | previous line
 *   12 | offending line
 *      |   ^^^^^^^^
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    return p;
}

void diag_add(diag_list *d, diag_severity sev, ast_loc loc, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *msg = xrealloc(NULL, (size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);

    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    d->items[d->count++] = (diag){.severity = sev, .loc = loc, .message = msg};
    if (sev == DIAG_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
}

void diag_list_free(diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->items[i].message);
    free(d->items);
    *d = (diag_list)DIAG_LIST_INIT;
}

/* ---- printing ------------------------------------------------------------ */

typedef struct line_span {
    size_t start, end; /* bytes of the line, its line break excluded */
} line_span;

static bool line_break(char c)
{
    return c == '\n' || c == '\r';
}

/* The line holding byte `at` of `f`. Found from the offset rather than by
 * counting lines from the top, so printing many diagnostics stays linear. */
static line_span line_at(const ast_file *f, size_t at)
{
    if (at > f->len)
        at = f->len;
    size_t start = at;
    while (start > 0 && !line_break(f->text[start - 1]))
        start--;
    size_t end = at;
    while (end < f->len && !line_break(f->text[end]))
        end++;
    return (line_span){start, end};
}

/* The line before `s`, or false for the first line. */
static bool line_before(const ast_file *f, line_span s, line_span *out)
{
    if (s.start == 0)
        return false;
    size_t end = s.start - 1; /* the break ending the previous line */
    if (f->text[end] == '\n' && end > 0 && f->text[end - 1] == '\r')
        end--;
    *out = line_at(f, end);
    return true;
}

/* The line after `s`, or false for the last line. */
static bool line_after(const ast_file *f, line_span s, line_span *out)
{
    if (s.end >= f->len)
        return false;
    size_t next = s.end + 1;
    if (f->text[s.end] == '\r' && next < f->len && f->text[next] == '\n')
        next++;
    *out = line_at(f, next);
    return true;
}

static int digits(uint32_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static void print_source_line(FILE *out, const ast_file *f, uint32_t number, line_span s, int width)
{
    fprintf(out, "%*u | ", width, (unsigned)number);
    /* NUL bytes would cut the line short in a terminal: show them as spaces. */
    for (size_t i = s.start; i < s.end; i++)
        fputc(f->text[i] ? f->text[i] : ' ', out);
    fputc('\n', out);
}

static bool utf8_continuation(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

/* Carets under bytes [from, to) of the line, aligned by character (tabs
 * kept as tabs so they line up with the source line above). */
static void print_carets(FILE *out, const ast_file *f, line_span s, size_t from, size_t to, int width,
                         bool color)
{
    fprintf(out, "%*s | ", width, "");
    for (size_t i = s.start; i < from && i < s.end; i++)
        if (!utf8_continuation(f->text[i]))
            fputc(f->text[i] == '\t' ? '\t' : ' ', out);
    if (color)
        fputs("\x1b[1;91m", out);
    size_t n = 0;
    for (size_t i = from; i < to && i < s.end; i++)
        if (!utf8_continuation(f->text[i]))
            n++;
    if (n == 0)
        n = 1;
    while (n--)
        fputc('^', out);
    if (color)
        fputs("\x1b[0m", out);
    fputc('\n', out);
}

static void print_one(FILE *out, const diag *g, bool color)
{
    const char *label = g->severity == DIAG_ERROR ? "error" : "warning";
    if (color)
        fprintf(out, "%s%s\x1b[0m: \x1b[1m%s\x1b[0m\n",
                g->severity == DIAG_ERROR ? "\x1b[1;91m" : "\x1b[1;93m", label, g->message);
    else
        fprintf(out, "%s: %s\n", label, g->message);

    const ast_loc *loc = &g->loc;
    const ast_file *f = loc->file;
    if (!f)
        return;
    fprintf(out, "  -->  %s:%u:%u\n", f->path, (unsigned)loc->line, (unsigned)loc->col);

    uint32_t first = loc->line;
    uint32_t last = loc->end_line >= first ? loc->end_line : first;
    /* A span ending at the very start of a line does not show that line. */
    if (last > first && loc->end_col <= 1)
        last--;
    int width = digits(last);
    if (width < 2)
        width = 2;

    fprintf(out, "%*s | \n", width, "");
    line_span s = line_at(f, loc->start), prev;
    if (line_before(f, s, &prev))
        print_source_line(out, f, first - 1, prev, width);
    else
        fprintf(out, "%*s | \n", width, "");
    print_source_line(out, f, first, s, width);
    if (first == last) {
        size_t from = loc->start < s.start ? s.start : loc->start;
        size_t to = loc->end > from ? loc->end : from + 1;
        print_carets(out, f, s, from, to, width, color);
        return;
    }
    line_span l = s;
    for (uint32_t n = first + 1; n <= last && line_after(f, l, &l); n++)
        print_source_line(out, f, n, l, width);
    fprintf(out, "%*s | \n", width, "");
}

void diag_print(FILE *out, const diag_list *d, bool color)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == DIAG_WARNING)
            print_one(out, &d->items[i], color);
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == DIAG_ERROR)
            print_one(out, &d->items[i], color);
}
