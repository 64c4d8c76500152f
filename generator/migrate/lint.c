/*
 * lint.c — the driver of the migration linter: rules silenced by comment,
 * statements handed to the classifier (lint_rules.c) one by one, findings
 * kept and printed.
 */
#include "lint.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint_impl.h"
#include "sqlscan.h"

void linter_init(linter *l)
{
    memset(l, 0, sizeof *l);
    l->a = (arena)ARENA_INIT;
    l->tables = (strmap)STRMAP_INIT;
    l->enums = (strmap)STRMAP_INIT;
    l->indexes = (strmap)STRMAP_INIT;
}

void linter_free(linter *l)
{
    strmap_free(&l->tables);
    strmap_free(&l->enums);
    strmap_free(&l->indexes);
    free(l->items);
    arena_free(&l->a);
    memset(l, 0, sizeof *l);
}

const lint_rule *lint_rule_by_id(const char *id)
{
    for (size_t i = 0; i < lint_nrules; i++)
        if (!strcasecmp(lint_rules[i].id, id))
            return &lint_rules[i];
    return NULL;
}

/* `refract-lint: disable RF101, RF104` (or `disable all`) anywhere in the
 * migration, normally in a comment. */
static void read_disables(lint_ctx *cx)
{
    static const char marker[] = "refract-lint:";
    const size_t mlen = sizeof marker - 1;
    for (size_t i = 0; i + mlen <= cx->len; i++) {
        if (strncasecmp(cx->sql + i, marker, mlen))
            continue;
        size_t j = i + mlen;
        while (j < cx->len && (cx->sql[j] == ' ' || cx->sql[j] == '\t'))
            j++;
        if (j + 7 > cx->len || strncasecmp(cx->sql + j, "disable", 7))
            continue;
        j += 7;
        for (;;) {
            while (j < cx->len && (cx->sql[j] == ' ' || cx->sql[j] == '\t' || cx->sql[j] == ','))
                j++;
            size_t k = j;
            while (k < cx->len && isalnum((unsigned char)cx->sql[k]))
                k++;
            if (k == j || k - j > 15)
                break;
            char id[16];
            memcpy(id, cx->sql + j, k - j);
            id[k - j] = '\0';
            if (!strcasecmp(id, "all")) {
                for (size_t r = 0; r < lint_nrules; r++)
                    cx->disabled[r] = true;
            } else {
                const lint_rule *r = lint_rule_by_id(id);
                if (r)
                    cx->disabled[r - lint_rules] = true;
            }
            j = k;
        }
    }
}

void lint_report(lint_ctx *cx, const char *id, size_t offset, const char *fmt, ...)
{
    const lint_rule *r = lint_rule_by_id(id);
    if (!r || cx->disabled[r - lint_rules])
        return;
    linter *l = cx->l;
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) {
            fputs("refract: out of memory\n", stderr);
            abort();
        }
    }
    unsigned line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < cx->len; i++)
        if (cx->sql[i] == '\n')
            line++, line_start = i + 1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(&l->a, fmt, ap);
    va_end(ap);
    l->items[l->count++] = (lint_finding){
        .rule = r, .line = line, .col = (unsigned)(offset - line_start + 1), .message = msg};
}

size_t lint_migration(linter *l, const char *sql, size_t len)
{
    l->count = 0;
    lint_ctx cx = {.l = l, .sql = sql, .len = len, .serial = ++l->migrations};
    cx.displaced = (strmap)STRMAP_IN(&l->a);
    read_disables(&cx);
    sql_script sc;
    sql_scan(sql, len, &sc);
    for (size_t i = 0; i < sc.count; i++) {
        sql_toks toks;
        sql_tokenize(sql, sc.items[i].start, sc.items[i].end, &l->a, &toks);
        cx.t = &toks;
        cx.stmt_offset = sc.items[i].start;
        lint_statement(&cx);
    }
    sql_script_free(&sc);
    lint_finish(&cx);
    /* In statement order (RF103 and RF110 are found after their statement);
     * insertion sort keeps equal places in the order found. */
    for (size_t i = 1; i < l->count; i++) {
        lint_finding f = l->items[i];
        size_t j = i;
        while (j > 0 && (l->items[j - 1].line > f.line ||
                         (l->items[j - 1].line == f.line && l->items[j - 1].col > f.col))) {
            l->items[j] = l->items[j - 1];
            j--;
        }
        l->items[j] = f;
    }
    return l->count;
}

size_t lint_count_level(const linter *l, lint_level level)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += l->items[i].rule->level == level;
    return n;
}

static const char *level_word(lint_level level)
{
    return level == LINT_ERROR ? "error" : "warning";
}

void lint_print(const linter *l, const char *path, unsigned line_offset, FILE *out)
{
    for (size_t i = 0; i < l->count; i++) {
        const lint_finding *f = &l->items[i];
        fprintf(out, "%s:%u:%u: %s %s %s\n  why: %s\n  fix: %s\n", path, f->line + line_offset,
                f->col, level_word(f->rule->level), f->rule->id, f->message, f->rule->why,
                f->rule->fix);
    }
}

void lint_render_comment(const linter *l, buf *out)
{
    if (!lint_count_level(l, LINT_ERROR))
        return;
    buf_puts(out, "/*\n  refract lint (`refract migrate lint --help` explains the rules):\n\n");
    for (size_t i = 0; i < l->count; i++) {
        const lint_finding *f = &l->items[i];
        if (f->rule->level != LINT_ERROR)
            continue;
        buf_printf(out, "  - %s %s ", level_word(f->rule->level), f->rule->id);
        /* Names may hold "*" "/" (ends the comment) or "/" "*" (PostgreSQL
         * nests comments): neither may reach the block. */
        for (const char *m = f->message; *m; m++) {
            bool opens = m[0] == '/' && m[1] == '*', closes = m[0] == '*' && m[1] == '/';
            buf_putc(out, opens || closes ? '_' : *m);
        }
        buf_printf(out, ". Fix: %s\n", f->rule->fix);
    }
    buf_puts(out, "\n*/\n");
}

static void json_string(buf *out, const char *s)
{
    buf_putc(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(out, "\\%c", c);
        else if (c < 0x20)
            buf_printf(out, "\\u%04x", c);
        else
            buf_putc(out, (char)c);
    }
    buf_putc(out, '"');
}

void lint_render_json(const linter *l, const char *path, bool first, buf *out)
{
    for (size_t i = 0; i < l->count; i++) {
        const lint_finding *f = &l->items[i];
        if (!first || i)
            buf_puts(out, ",\n");
        buf_puts(out, "  {\"file\": ");
        json_string(out, path);
        buf_printf(out, ", \"line\": %u, \"col\": %u, \"rule\": \"%s\", \"name\": \"%s\", "
                        "\"level\": \"%s\", \"message\": ",
                   f->line, f->col, f->rule->id, f->rule->name, level_word(f->rule->level));
        json_string(out, f->message);
        buf_puts(out, ", \"fix\": ");
        json_string(out, f->rule->fix);
        buf_putc(out, '}');
    }
}
