/*
 * spelling.c — types and defaults as the catalog prints them, respelled the
 * way from_model.c renders them (see spelling.h).
 */
#include "spelling.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../migrate/sql.h"
#include "../util/buf.h"

/* ---- types -------------------------------------------------------------------- */

static const struct {
    const char *pg, *model;
} plain_types[] = {
    {"int2", "SMALLINT"},    {"int4", "INTEGER"},   {"int8", "BIGINT"},
    {"float4", "REAL"},      {"float8", "DOUBLE PRECISION"},
    {"bool", "BOOLEAN"},     {"text", "TEXT"},      {"bytea", "BYTEA"},
    {"jsonb", "JSONB"},      {"json", "JSON"},      {"uuid", "UUID"},
    {"xml", "XML"},          {"inet", "INET"},      {"oid", "OID"},
    {"money", "MONEY"},      {"date", "DATE"},      {"citext", "CITEXT"},
};

/* Types whose atttypmod is a length or precision shown as "(n)". */
static const struct {
    const char *pg, *model;
    int offset; /* atttypmod - offset = the argument */
} sized_types[] = {
    {"varchar", "VARCHAR", 4},     {"bpchar", "CHAR", 4},        {"bit", "BIT", 0},
    {"varbit", "VARBIT", 0},       {"timestamp", "TIMESTAMP", 0}, {"timestamptz", "TIMESTAMPTZ", 0},
    {"time", "TIME", 0},           {"timetz", "TIMETZ", 0},
};

const char *spell_builtin_type(arena *a, const char *typname, int typmod)
{
    for (size_t i = 0; i < sizeof plain_types / sizeof *plain_types; i++)
        if (!strcmp(typname, plain_types[i].pg))
            return plain_types[i].model;
    for (size_t i = 0; i < sizeof sized_types / sizeof *sized_types; i++)
        if (!strcmp(typname, sized_types[i].pg))
            return typmod < 0 ? sized_types[i].model
                              : arena_printf(a, "%s(%d)", sized_types[i].model,
                                             typmod - sized_types[i].offset);
    if (!strcmp(typname, "numeric")) {
        if (typmod < 0)
            return "DECIMAL";
        int t = typmod - 4;
        return arena_printf(a, "DECIMAL(%d,%d)", (t >> 16) & 0xffff, t & 0xffff);
    }
    return NULL;
}

/* ---- scanning expressions ---------------------------------------------------------- */

/* The end of the quoted text starting at s[0] ('...' or "..."; doubled
 * quotes are part of it), i.e. the index just past the closing quote. */
static size_t quoted_end(const char *s, size_t n)
{
    char q = s[0];
    size_t i = 1;
    while (i < n) {
        if (s[i] == q) {
            if (i + 1 < n && s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return n;
}

/* The index just past the bracket matching the one at s[0]. */
static size_t group_end(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\'' || s[i] == '"') {
            i += quoted_end(s + i, n - i);
            continue;
        }
        if (s[i] == '(' || s[i] == '[')
            depth++;
        else if ((s[i] == ')' || s[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return n;
}

static bool is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i == n)
        return false;
    bool digits = false;
    for (; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digits = true;
        else if (s[i] != '.' && s[i] != 'e' && s[i] != 'E' && s[i] != '-' && s[i] != '+')
            return false;
    }
    return digits;
}

/* Whether s[0..n) is one operand a cast may apply to as a whole: a quoted
 * literal, a parenthesized group, ARRAY[...], a number or a bare word. */
static bool is_primary(const char *s, size_t n)
{
    if (!n)
        return false;
    if (s[0] == '\'' || s[0] == '(')
        return (s[0] == '\'' ? quoted_end(s, n) : group_end(s, n)) == n;
    if (n > 6 && !strncmp(s, "ARRAY[", 6))
        return group_end(s + 5, n - 5) + 5 == n;
    if (is_number(s, n))
        return true;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* Whether s[0..n) reads as a type name: words, quotes, dots, (n,m), []. */
static bool is_type_name(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && !strchr("_ .\"(),[]", c))
            return false;
    }
    return true;
}

/* Length of s without one cast applied to it as a whole, or n. */
static size_t without_cast(const char *s, size_t n)
{
    size_t last = n;
    int depth = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\'' || s[i] == '"') {
            i += quoted_end(s + i, n - i);
            continue;
        }
        if (s[i] == '(' || s[i] == '[')
            depth++;
        else if (s[i] == ')' || s[i] == ']')
            depth--;
        else if (!depth && s[i] == ':' && i + 1 < n && s[i + 1] == ':')
            last = i;
        i++;
    }
    if (last == n || !is_type_name(s + last + 2, n - last - 2) || !is_primary(s, last))
        return n;
    return last;
}

const char *spell_strip_casts(arena *a, const char *expr)
{
    size_t n = strlen(expr), m;
    while ((m = without_cast(expr, n)) != n)
        n = m;
    return n == strlen(expr) ? expr : arena_strndup(a, expr, n);
}

/* ---- defaults ---------------------------------------------------------------------- */

static bool is_numeric_type(const char *type)
{
    static const char *const names[] = {"SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL",
                                        "DOUBLE PRECISION", "OID"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strncmp(type, names[i], strlen(names[i])))
            return true;
    return false;
}

/* One scalar value, as from_model writes it for a column of `type`. */
static const char *spell_scalar(arena *a, const char *expr, const char *type)
{
    const char *s = spell_strip_casts(a, expr);
    size_t n = strlen(s);
    /* (-1) → -1 */
    if (n > 2 && s[0] == '(' && s[n - 1] == ')' && is_number(s + 1, n - 2))
        return arena_strndup(a, s + 1, n - 2);
    if (n >= 2 && s[0] == '\'' && quoted_end(s, n) == n && is_numeric_type(type) &&
        is_number(s + 1, n - 2))
        return arena_strndup(a, s + 1, n - 2);
    return s;
}

/* '{a,b}' → the elements, each a literal (numbers bare). */
static void put_array_text(buf *b, const char *s, size_t n, const char *type)
{
    char *inner = strndup(s + 2, n - 4); /* without '{ and }' */
    bool first = true;
    for (char *save = NULL, *tok = strtok_r(inner, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t len = strlen(tok);
        if (len >= 2 && tok[0] == '"' && tok[len - 1] == '"') {
            tok[len - 1] = '\0';
            tok++;
        }
        if (!first)
            buf_puts(b, ", ");
        first = false;
        if (is_numeric_type(type) && is_number(tok, strlen(tok)))
            buf_puts(b, tok);
        else
            sql_put_literal(b, tok);
    }
    free(inner);
}

const char *spell_default(arena *a, const char *expr, const char *type, bool list)
{
    if (!expr)
        return NULL;
    if (!list)
        return spell_scalar(a, expr, type);
    const char *s = spell_strip_casts(a, expr);
    size_t n = strlen(s);
    buf b = BUF_INIT;
    if (n >= 4 && !strncmp(s, "'{", 2) && !strcmp(s + n - 2, "}'") && !memchr(s + 2, '\'', n - 4) &&
        !memchr(s + 2, '\\', n - 4)) {
        buf_puts(&b, "ARRAY[");
        if (n > 4)
            put_array_text(&b, s, n, type);
    } else if (n >= 7 && !strncmp(s, "ARRAY[", 6) && s[n - 1] == ']') {
        buf_puts(&b, "ARRAY[");
        /* The elements, split at commas outside quotes and brackets. */
        const char *p = s + 6, *end = s + n - 1;
        bool first = true;
        while (p < end) {
            const char *q = p;
            int depth = 0;
            while (q < end) {
                if (*q == '\'' || *q == '"') {
                    q += quoted_end(q, (size_t)(end - q));
                    continue;
                }
                if (*q == '(' || *q == '[')
                    depth++;
                else if (*q == ')' || *q == ']')
                    depth--;
                else if (!depth && *q == ',')
                    break;
                q++;
            }
            while (p < q && *p == ' ')
                p++;
            char *item = arena_strndup(a, p, (size_t)(q - p));
            if (!first)
                buf_puts(&b, ", ");
            first = false;
            buf_puts(&b, spell_scalar(a, item, type));
            p = q < end ? q + 1 : end;
        }
    } else {
        return s == expr ? expr : s;
    }
    buf_printf(&b, "]::%s[]", type);
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}
