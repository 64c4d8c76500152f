#include "safe_form.h"

#include <stdlib.h>
#include <string.h>

#include "sqlscan.h"
#include "sqltok.h"
#include "../util/strmap.h"

/* Where a statement's chunk starts: at the "-- CreateIndex" line right
 * above it, if any (Prisma's step title goes with its statement). */
static size_t chunk_start(const char *sql, size_t start)
{
    static const char title[] = "-- CreateIndex\n";
    size_t n = sizeof title - 1;
    if (start >= n && !memcmp(sql + start - n, title, n))
        return start - n;
    return start;
}

/* Past the statement's line end and one blank line after it. */
static size_t chunk_end(const char *sql, size_t len, size_t end)
{
    if (end < len && sql[end] == '\n')
        end++;
    if (end < len && sql[end] == '\n')
        end++;
    return end;
}

/* The raw text of tokens [from, to) of a statement (as written, with any
 * schema qualification), heap. */
static char *raw_span(const char *sql, const sql_toks *t, size_t from, size_t to, size_t stmt_end)
{
    size_t a = t->items[from].offset;
    size_t b = to < t->count ? t->items[to].offset : stmt_end;
    while (b > a && (sql[b - 1] == ' ' || sql[b - 1] == '\n' || sql[b - 1] == '\t'))
        b--;
    char *s = malloc(b - a + 1);
    if (!s)
        abort();
    memcpy(s, sql + a, b - a);
    s[b - a] = '\0';
    return s;
}

static bool has_top_level_comma(const sql_toks *t)
{
    int depth = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (tok_punct(t, i, '('))
            depth++;
        else if (tok_punct(t, i, ')'))
            depth--;
        else if (depth == 0 && tok_punct(t, i, ','))
            return true;
    }
    return false;
}

/* ALTER TABLE [ONLY] t ADD CONSTRAINT n FOREIGN KEY (...) REFERENCES r ...:
 * the token index of t, of ADD, and r's name; false for anything else. */
static bool single_fk(const sql_toks *t, arena *a, size_t *table_at, size_t *add_at,
                      const char **referenced, const char **table)
{
    if (!tok_is(t, 0, "ALTER") || !tok_is(t, 1, "TABLE") || has_top_level_comma(t))
        return false;
    size_t i = 2 + tok_is(t, 2, "ONLY");
    *table_at = i;
    *table = tok_name(t, i, a, &i);
    if (!*table || !tok_is(t, i, "ADD") || !tok_is(t, i + 1, "CONSTRAINT"))
        return false;
    *add_at = i;
    size_t j;
    if (!tok_name(t, i + 2, a, &j) || !tok_is(t, j, "FOREIGN"))
        return false;
    for (; j < t->count; j++)
        if (tok_is(t, j, "REFERENCES")) {
            *referenced = tok_name(t, j + 1, a, NULL);
            return *referenced != NULL;
        }
    return false;
}

void safe_form_make(const char *sql, size_t len, safe_form *out)
{
    memset(out, 0, sizeof *out);
    arena a = ARENA_INIT;
    strmap created = STRMAP_IN(&a), referenced = STRMAP_IN(&a);
    sql_script sc;
    sql_scan(sql, len, &sc);
    sql_toks *toks = arena_alloc(&a, (sc.count + 1) * sizeof *toks);
    for (size_t k = 0; k < sc.count; k++) {
        sql_tokenize(sql, sc.items[k].start, sc.items[k].end, &a, &toks[k]);
        const sql_toks *t = &toks[k];
        size_t i = 1;
        while (tok_is(t, i, "UNLOGGED") || tok_is(t, i, "TEMP") || tok_is(t, i, "TEMPORARY"))
            i++;
        if (tok_is(t, 0, "CREATE") && tok_is(t, i, "TABLE")) {
            i++;
            if (tok_is(t, i, "IF"))
                i += 3;
            const char *name = tok_name(t, i, &a, NULL);
            if (name)
                strmap_put(&created, name, (void *)name);
        }
        size_t ta, aa;
        const char *ref, *table;
        if (single_fk(t, &a, &ta, &aa, &ref, &table))
            strmap_put(&referenced, ref, (void *)ref);
    }

    size_t copied = 0;
    size_t kept = 0;
    for (size_t k = 0; k < sc.count; k++) {
        const sql_stmt *st = &sc.items[k];
        const sql_toks *t = &toks[k];
        if (st->kind != SQL_STMT_PLAIN || !t->count) {
            kept++;
            continue;
        }
        /* CREATE [UNIQUE] INDEX name ON t ... on an existing table. */
        size_t i = 1;
        bool unique = tok_is(t, i, "UNIQUE");
        i += unique;
        if (tok_is(t, 0, "CREATE") && tok_is(t, i, "INDEX") && !tok_is(t, i + 1, "CONCURRENTLY")) {
            size_t index_kw = i, j = i + 1;
            if (tok_is(t, j, "IF"))
                j += 3;
            if (!tok_is(t, j, "ON"))
                tok_name(t, j, &a, &j);
            const char *table = tok_is(t, j, "ON") ? tok_name(t, j + 1 + tok_is(t, j + 1, "ONLY"), &a, NULL)
                                                   : NULL;
            if (table && !strmap_get(&created, table) &&
                !(unique && strmap_get(&referenced, table))) {
                size_t from = chunk_start(sql, st->start), to = chunk_end(sql, len, st->end);
                buf_put(&out->main, sql + copied, from - copied);
                copied = to;
                buf ix = BUF_INIT;
                size_t after_kw = t->items[index_kw].offset + 5; /* "INDEX" */
                buf_puts(&ix, "-- CreateIndex\n");
                buf_put(&ix, sql + st->start, after_kw - st->start);
                buf_puts(&ix, " CONCURRENTLY");
                buf_put(&ix, sql + after_kw, st->end - after_kw);
                buf_putc(&ix, '\n');
                out->indexes = realloc(out->indexes, (out->nindexes + 1) * sizeof *out->indexes);
                if (!out->indexes)
                    abort();
                out->indexes[out->nindexes++] = buf_steal(&ix);
                continue;
            }
        }
        size_t ta, aa;
        const char *ref, *table;
        bool not_valid = false;
        for (size_t j = 0; j + 1 < t->count; j++)
            not_valid |= tok_is(t, j, "NOT") && tok_is(t, j + 1, "VALID");
        if (single_fk(t, &a, &ta, &aa, &ref, &table) && !strmap_get(&created, table) &&
            !not_valid && sql[st->end - 1] == ';') {
            buf_put(&out->main, sql + copied, st->end - 1 - copied);
            buf_puts(&out->main, " NOT VALID");
            copied = st->end - 1;
            char *qualified = raw_span(sql, t, ta, aa, st->end);
            size_t j;
            tok_name(t, aa + 2, &a, &j);
            char *cname = raw_span(sql, t, aa + 2, j, st->end);
            buf_printf(&out->validate, "%s-- ValidateForeignKey\nALTER TABLE %s VALIDATE CONSTRAINT %s;\n",
                       out->validate.len ? "\n" : "", qualified, cname);
            free(qualified);
            free(cname);
        }
        kept++;
    }
    buf_put(&out->main, sql + copied, len - copied);
    /* A step taken out at the end leaves the blank line before it. */
    while (out->main.len > 1 && out->main.data[out->main.len - 1] == '\n' &&
           out->main.data[out->main.len - 2] == '\n')
        buf_truncate(&out->main, out->main.len - 1);
    buf_cstr(&out->main);
    out->main_has_statements = kept > 0;
    sql_script_free(&sc);
    strmap_free(&created);
    strmap_free(&referenced);
    arena_free(&a);
}

void safe_form_free(safe_form *s)
{
    buf_free(&s->main);
    buf_free(&s->validate);
    for (size_t i = 0; i < s->nindexes; i++)
        free(s->indexes[i]);
    free(s->indexes);
    memset(s, 0, sizeof *s);
}
