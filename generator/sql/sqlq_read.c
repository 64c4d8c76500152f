/*
 * sqlq_read.c — the .sql files of typed SQL: queries split at their
 * `-- name:` annotations (or one per file, named after it), and the
 * `-- @param`, `-- @nonnull`, `-- @nullable` annotations of each (sqlq.h).
 * Only the text is read here; what the SQL means is PostgreSQL's to say
 * (sqlq_describe.c).
 */
#include "sqlq.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../migrate/folder.h"

void sqlq_error_at(const sqlq_file *f, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (offset > f->len)
        offset = f->len;
    size_t line = 1, bol = 0;
    for (size_t i = 0; i < offset; i++)
        if (f->text[i] == '\n')
            line++, bol = i + 1;
    size_t eol = bol;
    while (eol < f->len && f->text[eol] != '\n' && f->text[eol] != '\r')
        eol++;
    size_t col = 1;
    for (size_t i = bol; i < offset; i++) /* characters, not UTF-8 continuation bytes */
        col += ((unsigned char)f->text[i] & 0xC0) != 0x80;
    fprintf(stderr, "  -->  %s:%zu:%zu\n", f->path, line, col);
    fprintf(stderr, "%5zu | %.*s\n", line, (int)(eol - bol), f->text + bol);
    fprintf(stderr, "      | %*s^\n", (int)(col - 1), "");
}

static bool ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The length of the identifier at s (0: none). */
static size_t ident_len(const char *s)
{
    if (!ident_start(*s))
        return 0;
    size_t n = 1;
    while (ident_char(s[n]))
        n++;
    return n;
}

static const char *skip_blank(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* A line, and where its comment text starts when it is a `--` comment line. */
typedef struct line {
    size_t start, end;       /* without the newline */
    const char *comment;     /* after "--" and blanks; NULL: not a comment line */
} line;

static line line_at(const sqlq_file *f, size_t at)
{
    line l = {at, at, NULL};
    while (l.end < f->len && f->text[l.end] != '\n')
        l.end++;
    const char *end = f->text + l.end;
    if (end > f->text + l.start && end[-1] == '\r')
        end--, l.end--;
    const char *s = skip_blank(f->text + l.start, end);
    if (s + 1 < end + 1 && s[0] == '-' && s + 1 < end && s[1] == '-')
        l.comment = skip_blank(s + 2, end);
    return l;
}

static size_t next_line(const sqlq_file *f, size_t at)
{
    while (at < f->len && f->text[at] != '\n')
        at++;
    return at < f->len ? at + 1 : at;
}

/* Whether comment text c (up to end) starts with `word` and a blank or end. */
static const char *after_word(const char *c, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - c) < n || strncmp(c, word, n) != 0)
        return NULL;
    if (c + n < end && c[n] != ' ' && c[n] != '\t')
        return NULL;
    return skip_blank(c + n, end);
}

static const struct {
    const char *name;
    sqlq_kind kind;
} KINDS[] = {{"one", SQLQ_ONE}, {"many", SQLQ_MANY}, {"exec", SQLQ_EXEC},
             {"execrows", SQLQ_EXECROWS}, {"copyfrom", SQLQ_COPYFROM}};

/* `-- name: X :kind` → fills q; the number of problems. */
static int parse_name(const sqlq_file *f, const line *l, const char *c, sqlq_query *q, arena *a)
{
    const char *end = f->text + l->end;
    size_t n = ident_len(c);
    if (!n) {
        sqlq_error_at(f, (size_t)(c - f->text),
                      "a query name is a C-like identifier: `-- name: WeeklyGrowth :many`");
        return 1;
    }
    q->name = arena_strndup(a, c, n);
    q->at = (size_t)(c - f->text);
    const char *k = skip_blank(c + n, end);
    if (k == end)
        return 0; /* :many, or :execrows without columns */
    if (*k != ':') {
        sqlq_error_at(f, (size_t)(k - f->text), "expected `:one`, `:many`, `:exec`, `:execrows` "
                                                "or `:copyfrom` after the query name");
        return 1;
    }
    size_t kn = ident_len(k + 1);
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (kn == strlen(KINDS[i].name) && !strncmp(k + 1, KINDS[i].name, kn)) {
            q->kind = KINDS[i].kind;
            q->kind_given = true;
            const char *rest = skip_blank(k + 1 + kn, end);
            if (rest != end) {
                sqlq_error_at(f, (size_t)(rest - f->text), "unexpected text after the query kind");
                return 1;
            }
            return 0;
        }
    sqlq_error_at(f, (size_t)(k - f->text), "unknown query kind `%.*s`: use :one, :many, "
                  ":exec, :execrows or :copyfrom", (int)(kn + 1), k);
    return 1;
}

/* `-- @param {Type} $n:alias? text`. */
static int parse_param(const sqlq_file *f, const char *c, const char *end, sqlq_query *q,
                       arena *a)
{
    sqlq_param_note p = {0};
    p.offset = (size_t)(c - f->text);
    if (c < end && *c == '{') {
        const char *close = memchr(c, '}', (size_t)(end - c));
        if (!close || close == c + 1) {
            sqlq_error_at(f, (size_t)(c - f->text), "expected a type in braces: `{Int}`");
            return 1;
        }
        p.type = arena_strndup(a, c + 1, (size_t)(close - c - 1));
        p.type_offset = (size_t)(c - f->text);
        c = skip_blank(close + 1, end);
    }
    if (c >= end || *c != '$' || !isdigit((unsigned char)c[1])) {
        sqlq_error_at(f, (size_t)(c - f->text),
                      "expected the parameter: `-- @param {Int} $1:minAge`");
        return 1;
    }
    p.offset = (size_t)(c - f->text);
    const char *d = c + 1;
    long n = 0;
    while (d < end && isdigit((unsigned char)*d) && n < 100000)
        n = n * 10 + (*d++ - '0');
    if (n < 1 || n > 65535) {
        sqlq_error_at(f, (size_t)(c - f->text), "parameters are numbered $1 to $65535");
        return 1;
    }
    p.number = (int)n;
    if (d < end && *d == ':') {
        size_t in = ident_len(d + 1);
        if (!in) {
            sqlq_error_at(f, (size_t)(d + 1 - f->text), "a parameter name is a C-like identifier");
            return 1;
        }
        p.name = arena_strndup(a, d + 1, in);
        d += 1 + in;
    }
    if (d < end && *d == '?')
        p.nullable = true, d++;
    if (d < end && *d != ' ' && *d != '\t') {
        sqlq_error_at(f, (size_t)(d - f->text), "unexpected character in @param");
        return 1;
    }
    for (size_t i = 0; i < q->nparam_notes; i++)
        if (q->param_notes[i].number == p.number) {
            sqlq_error_at(f, p.offset, "$%d has two @param annotations", p.number);
            return 1;
        }
    size_t cap = q->nparam_notes;
    ARENA_PUSH(a, q->param_notes, q->nparam_notes, cap, p);
    return 0;
}

/* `-- @nonnull a, b` / `-- @nullable c`. */
static int parse_nulls(const sqlq_file *f, const char *c, const char *end, bool nullable,
                       sqlq_query *q, arena *a)
{
    int found = 0;
    while (c < end) {
        c = skip_blank(c, end);
        if (c < end && *c == ',') {
            c++;
            continue;
        }
        if (c >= end)
            break;
        const char *s = c;
        if (*c == '"') { /* a column name that is not an identifier: "?column?" */
            const char *close = memchr(c + 1, '"', (size_t)(end - c - 1));
            if (!close) {
                sqlq_error_at(f, (size_t)(c - f->text), "unterminated quoted column name");
                return 1;
            }
            sqlq_null_note n = {arena_strndup(a, c + 1, (size_t)(close - c - 1)), nullable,
                                (size_t)(s - f->text)};
            size_t cap = q->nnull_notes;
            ARENA_PUSH(a, q->null_notes, q->nnull_notes, cap, n);
            c = close + 1;
        } else {
            while (c < end && *c != ',' && *c != ' ' && *c != '\t')
                c++;
            sqlq_null_note n = {arena_strndup(a, s, (size_t)(c - s)), nullable,
                                (size_t)(s - f->text)};
            size_t cap = q->nnull_notes;
            ARENA_PUSH(a, q->null_notes, q->nnull_notes, cap, n);
        }
        found++;
    }
    if (!found) {
        sqlq_error_at(f, (size_t)(end - f->text), "expected column names: `-- @%s a, b`",
                      nullable ? "nullable" : "nonnull");
        return 1;
    }
    return 0;
}

/* The annotations of lines [from, to), and the SQL's span within them. */
static int read_segment(const sqlq_file *f, size_t from, size_t to, sqlq_query *q, arena *a)
{
    int errors = 0;
    size_t sql_start = to;
    for (size_t at = from; at < to; at = next_line(f, at)) {
        line l = line_at(f, at);
        const char *end = f->text + l.end;
        if (!l.comment) {
            if (sql_start == to && skip_blank(f->text + l.start, end) != end)
                sql_start = (size_t)(skip_blank(f->text + l.start, end) - f->text);
            continue;
        }
        const char *c = l.comment, *rest;
        if (c >= end || *c != '@')
            continue;
        if ((rest = after_word(c, end, "@param")))
            errors += parse_param(f, rest, end, q, a);
        else if ((rest = after_word(c, end, "@nonnull")))
            errors += parse_nulls(f, rest, end, false, q, a);
        else if ((rest = after_word(c, end, "@nullable")))
            errors += parse_nulls(f, rest, end, true, q, a);
        else {
            size_t n = 1;
            while (c + n < end && ident_char(c[n]))
                n++;
            sqlq_error_at(f, (size_t)(c - f->text),
                          "unknown annotation `%.*s`: use @param, @nonnull or @nullable",
                          (int)n, c);
            errors++;
        }
    }
    /* The end: no trailing blanks, comment lines or ';'. */
    size_t end = to;
    for (;;) {
        while (end > sql_start && isspace((unsigned char)f->text[end - 1]))
            end--;
        size_t bol = end;
        while (bol > sql_start && f->text[bol - 1] != '\n')
            bol--;
        line l = line_at(f, bol);
        if (bol >= sql_start && bol < end && l.comment && bol > sql_start) {
            end = bol;
            continue;
        }
        if (end > sql_start && f->text[end - 1] == ';') {
            end--;
            continue;
        }
        break;
    }
    q->start = sql_start;
    q->end = end > sql_start ? end : sql_start;
    q->sql = arena_strndup(a, f->text + q->start, q->end - q->start);
    if (q->end == q->start) {
        sqlq_error_at(f, q->at, "query %s has no SQL", q->name ? q->name : "?");
        errors++;
    }
    return errors;
}

static bool is_name_line(const sqlq_file *f, const line *l, const char **after)
{
    if (!l->comment)
        return false;
    const char *end = f->text + l->end, *c = l->comment;
    if (end - c < 5 || strncmp(c, "name:", 5) != 0)
        return false;
    *after = skip_blank(c + 5, end);
    return true;
}

static void add_query(sqlq_set *out, sqlq_query *q, arena *a)
{
    size_t cap = out->count;
    ARENA_PUSH(a, out->items, out->count, cap, *q);
}

int sqlq_read_text(const char *path, const char *text, size_t len, sqlq_set *out, arena *a)
{
    sqlq_file *f = arena_alloc(a, sizeof *f);
    f->path = arena_strdup(a, path);
    f->shown = f->path;
    f->text = arena_strndup(a, text, len);
    f->len = len;
    int errors = 0;
    /* The name annotations, in order. */
    size_t nnames = 0;
    for (size_t at = 0; at < len; at = next_line(f, at)) {
        line l = line_at(f, at);
        const char *after;
        nnames += is_name_line(f, &l, &after);
    }
    if (!nnames) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strlen(base);
        if (n > 4 && !strcmp(base + n - 4, ".sql"))
            n -= 4;
        sqlq_query q = {0};
        q.file = f;
        q.kind = SQLQ_MANY;
        q.name = arena_strndup(a, base, n);
        if (ident_len(q.name) != n) {
            sqlq_error_at(f, 0, "the query of %s is named after the file, which is not a C-like "
                                "identifier: rename the file, or name the query with "
                                "`-- name: Name :many`", path);
            return 1;
        }
        errors += read_segment(f, 0, len, &q, a);
        q.at = q.start;
        q.c_name = model_c_snake(a, q.name);
        add_query(out, &q, a);
        return errors;
    }
    sqlq_query q = {0};
    bool open = false, seen_name = false; /* open: q is being read (its name was valid) */
    size_t seg = 0;
    for (size_t at = 0;; at = next_line(f, at)) {
        line l = at < len ? line_at(f, at) : (line){len, len, NULL};
        const char *after = NULL;
        bool name = at < len && is_name_line(f, &l, &after);
        if (name || at >= len) {
            if (open) {
                errors += read_segment(f, seg, at, &q, a);
                q.c_name = model_c_snake(a, q.name);
                add_query(out, &q, a);
            } else if (!seen_name) {
                /* Before the first name: comments and blanks only. */
                for (size_t b = 0; b < at; b = next_line(f, b)) {
                    line pl = line_at(f, b);
                    const char *s = skip_blank(f->text + pl.start, f->text + pl.end);
                    if (!pl.comment && s != f->text + pl.end) {
                        sqlq_error_at(f, (size_t)(s - f->text),
                                      "SQL before the first `-- name:` annotation");
                        errors++;
                        break;
                    }
                }
            }
            if (at >= len)
                break;
            q = (sqlq_query){0};
            q.file = f;
            q.kind = SQLQ_MANY;
            errors += parse_name(f, &l, after, &q, a);
            open = q.name != NULL;
            seen_name = true;
            seg = next_line(f, at);
        }
    }
    return errors;
}

static bool same_name(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* Whether query `a`'s names meet query `b`'s: the same, or a is b plus one
 * of the suffixes b's names have. */
static bool clashes(const char *a, const char *b)
{
    static const char *const SUFFIXES[] = {"params", "row", "list", "stream", "stream_open",
                                           "stream_next", "stream_close"};
    if (same_name(a, b))
        return true;
    size_t n = strlen(b);
    if (strncmp(a, b, n) != 0 || a[n] != '_')
        return false;
    for (size_t k = 0; k < sizeof SUFFIXES / sizeof SUFFIXES[0]; k++)
        if (!strcmp(a + n + 1, SUFFIXES[k]))
            return true;
    return false;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sqlq_read_dir(const char *dir, sqlq_set *out, arena *a)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || e->d_name[0] == '.')
            continue;
        ARENA_PUSH(a, names, n, cap, arena_strdup(a, e->d_name));
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = arena_printf(a, "%s/%s", dir, names[i]);
        size_t len = 0;
        char *text = read_file_all(path, &len);
        if (!text) {
            fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
            errors++;
            continue;
        }
        size_t first = out->count;
        errors += sqlq_read_text(path, text, len, out, a);
        free(text);
        const char *base = strrchr(dir, '/');
        base = base ? base + 1 : dir;
        const char *shown = arena_printf(a, "%s/%s", base, names[i]);
        for (size_t k = first; k < out->count; k++)
            ((sqlq_file *)out->items[k].file)->shown = shown;
    }
    /* Two queries with one C name would be one function; nor may one's name
     * be another's plus a generated suffix (Foo and FooRow: foo_row). */
    for (size_t i = 0; i < out->count; i++)
        for (size_t j = 0; j < out->count; j++)
            if (i != j && out->items[i].c_name && out->items[j].c_name &&
                clashes(out->items[i].c_name, out->items[j].c_name) && (i > j || !same_name(
                    out->items[i].c_name, out->items[j].c_name))) {
                sqlq_error_at(out->items[i].file, out->items[i].at,
                              "query %s's C names would clash with query %s's (sql_%s): "
                              "rename one", out->items[i].name, out->items[j].name,
                              out->items[i].c_name);
                errors++;
                break;
            }
    return errors;
}
