/*
 * pull_types.c — types, defaults and operator classes in Prisma's words
 * (see pull_types.h).
 */
#include "pull_types.h"

#include <ctype.h>
#include <string.h>

/* SQL base type → Prisma scalar, and the @db name when it is not the
 * scalar's default type (the default's own arguments are in `plain`). */
static const struct {
    const char *sql, *scalar, *native;
    const char *plain; /* the full SQL type that needs no @db, or NULL */
} types[] = {
    {"INTEGER", "Int", "Integer", "INTEGER"},
    {"SMALLINT", "Int", "SmallInt", NULL},
    {"OID", "Int", "Oid", NULL},
    {"BIGINT", "BigInt", "BigInt", "BIGINT"},
    {"DOUBLE PRECISION", "Float", "DoublePrecision", "DOUBLE PRECISION"},
    {"REAL", "Float", "Real", NULL},
    {"DECIMAL", "Decimal", "Decimal", "DECIMAL(65,30)"},
    {"MONEY", "Decimal", "Money", NULL},
    {"BOOLEAN", "Boolean", "Boolean", "BOOLEAN"},
    {"TEXT", "String", "Text", "TEXT"},
    {"VARCHAR", "String", "VarChar", NULL},
    {"CHAR", "String", "Char", NULL},
    {"CITEXT", "String", "Citext", NULL},
    {"INET", "String", "Inet", NULL},
    {"UUID", "String", "Uuid", NULL},
    {"XML", "String", "Xml", NULL},
    {"BIT", "String", "Bit", NULL},
    {"VARBIT", "String", "VarBit", NULL},
    {"BYTEA", "Bytes", "ByteA", "BYTEA"},
    {"JSONB", "Json", "JsonB", "JSONB"},
    {"JSON", "Json", "Json", NULL},
    {"TIMESTAMP", "DateTime", "Timestamp", "TIMESTAMP(3)"},
    {"TIMESTAMPTZ", "DateTime", "Timestamptz", NULL},
    {"DATE", "DateTime", "Date", NULL},
    {"TIME", "DateTime", "Time", NULL},
    {"TIMETZ", "DateTime", "Timetz", NULL},
};

void pull_type_of(arena *a, const char *sql_type, bool unsupported, pull_type *out)
{
    memset(out, 0, sizeof *out);
    const char *paren = strchr(sql_type, '(');
    size_t base = paren ? (size_t)(paren - sql_type) : strlen(sql_type);
    if (!unsupported)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
            if (strlen(types[i].sql) != base || strncmp(types[i].sql, sql_type, base))
                continue;
            out->scalar = types[i].scalar;
            if (!types[i].plain || strcmp(types[i].plain, sql_type))
                out->native = paren ? arena_printf(a, "%s%s", types[i].native, paren)
                                    : types[i].native;
            return;
        }
    out->scalar = "Unsupported";
    out->unsupported = true;
}

static bool is_number(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    bool digits = false;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits = true;
        else if (*p != '.' && *p != 'e' && *p != 'E' && *p != '-' && *p != '+')
            return false;
    }
    return digits;
}

static void put_prisma_string(buf *out, const char *s, size_t n)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\\')
            buf_putc(out, '\\'), buf_putc(out, c);
        else if (c == '\n')
            buf_puts(out, "\\n");
        else if (c == '\r')
            buf_puts(out, "\\r");
        else if (c == '\t')
            buf_puts(out, "\\t");
        else
            buf_putc(out, c);
    }
    buf_putc(out, '"');
}

/* The content of a whole SQL string literal '...' ('' undoubled), or
 * false when `s` is not exactly one. */
static bool sql_string(arena *a, const char *s, size_t n, const char **text, size_t *len)
{
    if (n < 2 || s[0] != '\'' || s[n - 1] != '\'')
        return false;
    char *t = arena_alloc(a, n);
    size_t k = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '\'') {
            if (s[i + 1] != '\'' || i + 2 >= n)
                return false;
            i++;
        }
        t[k++] = s[i];
    }
    *text = t;
    *len = k;
    return true;
}

static bool is_identifier(const char *s, size_t n)
{
    if (!n || !isalpha((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* One value as a Prisma literal, or false when Prisma cannot say it. */
static bool put_literal(arena *a, buf *out, const char *s, size_t n, const pull_type *t,
                        bool is_enum)
{
    const char *sc = t->scalar;
    char *v = arena_strndup(a, s, n);
    if ((!strcmp(sc, "Int") || !strcmp(sc, "BigInt") || !strcmp(sc, "Float") ||
         !strcmp(sc, "Decimal")) &&
        is_number(v)) {
        buf_puts(out, v);
        return true;
    }
    if (!strcmp(sc, "Boolean") && (!strcmp(v, "true") || !strcmp(v, "false"))) {
        buf_puts(out, v);
        return true;
    }
    const char *text;
    size_t len;
    if (!sql_string(a, s, n, &text, &len))
        return false;
    if (is_enum) {
        if (!is_identifier(text, len))
            return false;
        buf_put(out, text, len);
        return true;
    }
    if (!strcmp(sc, "String") || !strcmp(sc, "Json")) {
        put_prisma_string(out, text, len);
        return true;
    }
    return false;
}

/* ARRAY[a, b]::T[] → [a, b] */
static bool put_list(arena *a, buf *out, const char *s, const pull_type *t, bool is_enum)
{
    if (strncmp(s, "ARRAY[", 6))
        return false;
    const char *end = strstr(s, "]::");
    const char *last = end;
    while (last && (end = strstr(last + 1, "]::")))
        last = end;
    if (!last)
        return false;
    buf b = BUF_INIT;
    buf_putc(&b, '[');
    const char *p = s + 6;
    bool ok = true, first = true;
    while (p < last && ok) {
        const char *q = p;
        bool quoted = false;
        while (q < last && (quoted || *q != ',')) {
            if (*q == '\'')
                quoted = !quoted;
            q++;
        }
        while (*p == ' ')
            p++;
        if (!first)
            buf_puts(&b, ", ");
        first = false;
        ok = put_literal(a, &b, p, (size_t)(q - p), t, is_enum);
        p = q < last ? q + 1 : last;
    }
    buf_putc(&b, ']');
    if (ok)
        buf_puts(out, buf_cstr(&b));
    buf_free(&b);
    return ok;
}

void pull_put_default(arena *a, buf *out, const db_column *c, const pull_type *t,
                      const catalog *cat)
{
    (void)cat;
    const char *d = c->default_sql;
    bool is_enum = c->enum_name != NULL;
    buf v = BUF_INIT;
    bool ok;
    if (!strcmp(d, "CURRENT_TIMESTAMP") && !strcmp(t->scalar, "DateTime") && !c->list) {
        buf_puts(&v, "now()");
        ok = true;
    } else if (c->list) {
        ok = put_list(a, &v, d, t, is_enum);
    } else {
        ok = put_literal(a, &v, d, strlen(d), t, is_enum);
    }
    if (!ok) {
        buf_truncate(&v, 0);
        buf_puts(&v, "dbgenerated(");
        put_prisma_string(&v, d, strlen(d));
        buf_putc(&v, ')');
    }
    buf_printf(out, " @default(%s)", buf_cstr(&v));
    buf_free(&v);
}

const char *pull_opclass_name(arena *a, const char *opclass)
{
    static const char *const known[][2] = {{"inet_ops", "InetOps"},
                                           {"jsonb_ops", "JsonbOps"},
                                           {"jsonb_path_ops", "JsonbPathOps"},
                                           {"array_ops", "ArrayOps"},
                                           {"text_ops", "TextOps"}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(opclass, known[i][0]))
            return known[i][1];
    buf b = BUF_INIT;
    buf_puts(&b, "raw(");
    put_prisma_string(&b, opclass, strlen(opclass));
    buf_putc(&b, ')');
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}
