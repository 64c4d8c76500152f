#include "safe_form.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
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

/* The CHECK constraint standing in for NOT NULL while it is validated:
 * "<table>_<column>_notnull_check", cut to PostgreSQL's 63 bytes at a
 * character boundary (the same text names it in every statement, so the
 * cut never makes two spellings). Not "<table>_<column>_not_null": that is
 * the name PostgreSQL 18 gives the NOT NULL constraint itself. */
static void put_check_name(buf *out, const char *table, const char *column)
{
    static const char suffix[] = "_notnull_check";
    buf name = BUF_INIT;
    buf_printf(&name, "%s_%s", table, column);
    size_t room = 63 - (sizeof suffix - 1), n = name.len < room ? name.len : room;
    while (n > 0 && n < name.len && ((unsigned char)name.data[n] & 0xC0) == 0x80)
        n--;
    buf_truncate(&name, n);
    buf_puts(&name, suffix);
    sql_put_ident(out, buf_cstr(&name));
    buf_free(&name);
}

/* One `ALTER [COLUMN] col SET NOT NULL` clause of an ALTER TABLE: its
 * byte span and the column (name, and its text as written). */
typedef struct not_null_clause {
    size_t start, end;
    const char *column;
    size_t col_from, col_to; /* tokens */
} not_null_clause;

/* The SET NOT NULL clauses of `ALTER TABLE [ONLY] t clause, clause, ...`
 * (at most `max`); t's name spans tokens [*table_at, *table_end). */
static size_t not_null_clauses(const sql_toks *t, arena *a, size_t *table_at, size_t *table_end,
                               const char **table, not_null_clause *out, size_t max)
{
    if (!tok_is(t, 0, "ALTER") || !tok_is(t, 1, "TABLE"))
        return 0;
    size_t i = 2;
    if (tok_is(t, i, "IF") && tok_is(t, i + 1, "EXISTS"))
        i += 2;
    i += tok_is(t, i, "ONLY");
    *table_at = i;
    *table = tok_name(t, i, a, &i);
    *table_end = i;
    if (!*table)
        return 0;
    size_t n = 0;
    while (i < t->count && n < max) {
        size_t clause = i, j = i;
        if (tok_is(t, j, "ALTER")) {
            j += 1 + tok_is(t, j + 1, "COLUMN");
            size_t col_at = j;
            const char *col = tok_name(t, j, a, &j);
            if (col && tok_is(t, j, "SET") && tok_is(t, j + 1, "NOT") && tok_is(t, j + 2, "NULL") &&
                (j + 3 >= t->count || tok_punct(t, j + 3, ',') || tok_punct(t, j + 3, ';')))
                out[n++] = (not_null_clause){.start = t->items[clause].offset,
                                             .end = t->items[j + 2].offset + 4,
                                             .column = col, .col_from = col_at, .col_to = j};
        }
        /* On to the next top-level comma. */
        int depth = 0;
        for (i = clause; i < t->count; i++) {
            if (tok_punct(t, i, '('))
                depth++;
            else if (tok_punct(t, i, ')'))
                depth--;
            else if (depth == 0 && tok_punct(t, i, ','))
                break;
        }
        i++;
    }
    return n;
}

/* Where the first statement's step begins: its "-- Title" line, if the
 * line right above it is one. */
static size_t first_step_start(const char *sql, const sql_script *sc)
{
    if (!sc->count)
        return 0;
    size_t at = sc->items[0].start;
    if (at == 0 || sql[at - 1] != '\n')
        return at;
    size_t line = at - 1;
    while (line > 0 && sql[line - 1] != '\n')
        line--;
    return !strncmp(sql + line, "-- ", 3) ? line : at;
}

/* `SET lock_timeout = 'v';` and a blank line at `at` of `b`. */
static void insert_lock_timeout(buf *b, size_t at, const char *value)
{
    buf out = BUF_INIT;
    buf_put(&out, b->data, at);
    buf_printf(&out, "SET lock_timeout = '%s';\n\n", value);
    buf_put(&out, b->data + at, b->len - at);
    buf_free(b);
    *b = out;
}

/* Every migration of the safe form starts by bounding how long any of its
 * statements may queue for a lock (the main one after Prisma's warnings
 * comment, right before its first step). */
static void put_lock_timeouts(safe_form *f, const char *value)
{
    if (f->main_has_statements) {
        sql_script sc;
        sql_scan(f->main.data, f->main.len, &sc);
        insert_lock_timeout(&f->main, first_step_start(f->main.data, &sc), value);
        sql_script_free(&sc);
    }
    for (size_t i = 0; i < f->nindexes; i++) {
        buf b = BUF_INIT;
        buf_puts(&b, f->indexes[i]);
        insert_lock_timeout(&b, 0, value);
        free(f->indexes[i]);
        f->indexes[i] = buf_steal(&b);
    }
    if (f->validate.len)
        insert_lock_timeout(&f->validate, 0, value);
}

bool safe_form_lock_timeout_ok(const char *value)
{
    /* A number and an optional unit, as PostgreSQL reads lock_timeout: it
     * is written into the migration's text, so nothing else may pass. */
    size_t i = 0;
    while (value[i] >= '0' && value[i] <= '9')
        i++;
    if (i == 0 || i > 9)
        return false;
    static const char *const units[] = {"", "ms", "s", "min", "h"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        if (!strcmp(value + i, units[u]))
            return true;
    return false;
}

void safe_form_make(const char *sql, size_t len, const char *lock_timeout, safe_form *out)
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
    buf not_null = BUF_INIT;
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
        /* ALTER COLUMN c SET NOT NULL on an existing table: a CHECK added
         * NOT VALID here (no scan), the scan later under a weaker lock. */
        not_null_clause nn[32];
        size_t nt_at, nt_end;
        const char *nn_table;
        size_t nnn = not_null_clauses(t, &a, &nt_at, &nt_end, &nn_table, nn, 32);
        if (nnn && !strmap_get(&created, nn_table)) {
            char *qualified = raw_span(sql, t, nt_at, nt_end, st->end);
            for (size_t c = 0; c < nnn; c++) {
                char *col = raw_span(sql, t, nn[c].col_from, nn[c].col_to, st->end);
                buf check = BUF_INIT;
                put_check_name(&check, nn_table, nn[c].column);
                buf_put(&out->main, sql + copied, nn[c].start - copied);
                buf_printf(&out->main, "ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID",
                           check.data, col);
                copied = nn[c].end;
                buf_printf(&not_null,
                           "%s-- SetNotNull\n"
                           "ALTER TABLE %s VALIDATE CONSTRAINT %s;\n"
                           "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n"
                           "ALTER TABLE %s DROP CONSTRAINT %s;\n",
                           not_null.len ? "\n" : "", qualified, check.data, qualified, col,
                           qualified, check.data);
                buf_free(&check);
                free(col);
            }
            free(qualified);
            kept++;
            continue;
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
    out->main_has_statements = kept > 0;
    out->validates_foreign_keys = out->validate.len > 0;
    out->sets_not_null = not_null.len > 0;
    if (not_null.len)
        buf_printf(&out->validate, "%s%s", out->validate.len ? "\n" : "", not_null.data);
    buf_free(&not_null);
    if (lock_timeout)
        put_lock_timeouts(out, lock_timeout);
    buf_cstr(&out->main);
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
