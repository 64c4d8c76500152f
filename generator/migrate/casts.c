/*
 * casts.c — how PostgreSQL can move a column's values to a new type, in
 * Prisma Migrate's terms (safe cast, risky cast, or drop and recreate), and
 * Prisma's names for native types in warnings.
 */
#include "casts.h"

#include <stdlib.h>
#include <string.h>

static bool streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

/* The base name of a SQL type: "VARCHAR(200)" → "VARCHAR". */
static size_t base_len(const char *t)
{
    const char *p = strchr(t, '(');
    return p ? (size_t)(p - t) : strlen(t);
}

static bool base_is(const char *t, const char *name)
{
    size_t n = base_len(t);
    return strlen(name) == n && !strncmp(t, name, n);
}

/* First numeric argument of "X(n[,m])", or -1. */
static long type_arg(const char *t, int which)
{
    const char *p = strchr(t, '(');
    if (!p)
        return -1;
    p++;
    if (which == 1) {
        p = strchr(p, ',');
        if (!p)
            return -1;
        p++;
    }
    return strtol(p, NULL, 10);
}

static int numeric_rank(const char *t)
{
    if (base_is(t, "SMALLINT"))
        return 1;
    if (base_is(t, "INTEGER"))
        return 2;
    if (base_is(t, "BIGINT"))
        return 3;
    if (base_is(t, "DECIMAL"))
        return 4;
    if (base_is(t, "REAL"))
        return 5;
    if (base_is(t, "DOUBLE PRECISION"))
        return 6;
    if (base_is(t, "MONEY"))
        return 7;
    return 0;
}

static bool is_text(const char *t)
{
    return base_is(t, "TEXT") || base_is(t, "VARCHAR") || base_is(t, "CHAR") ||
           base_is(t, "CITEXT");
}

static bool text_unbounded(const char *t)
{
    return base_is(t, "TEXT") || base_is(t, "CITEXT") || (base_is(t, "VARCHAR") && !strchr(t, '('));
}

static int time_rank(const char *t)
{
    if (base_is(t, "DATE"))
        return 1;
    if (base_is(t, "TIMESTAMP"))
        return 2;
    if (base_is(t, "TIMESTAMPTZ"))
        return 3;
    return 0;
}

/* How PostgreSQL can move the values of a column to its new type, following
 * Prisma's classification: assignment casts that keep every value are safe,
 * those that may not are risky, the rest means drop and recreate. */
migrate_type_cast migrate_classify_cast(const db_column *o, const db_column *n)
{
    if (streq(o->type, n->type) && o->list == n->list)
        return MIGRATE_CAST_NONE;
    if (o->list != n->list)
        return MIGRATE_CAST_NEVER;
    const char *a = o->type, *b = n->type;
    /* Prisma casts nothing to or from an enum: the column is recreated. */
    if (n->enum_name || o->enum_name)
        return MIGRATE_CAST_NEVER;
    if (is_text(b)) {
        if (text_unbounded(b))
            return MIGRATE_CAST_SAFE;
        /* An integer fits when the length holds its longest text; Prisma
         * calls a boolean safe whatever the length. */
        long len = type_arg(b, 0);
        int widest = base_is(a, "SMALLINT")  ? 6
                     : base_is(a, "INTEGER") ? 11
                     : base_is(a, "BIGINT")  ? 20
                                             : 0;
        if ((widest && len >= widest) || base_is(a, "BOOLEAN"))
            return MIGRATE_CAST_SAFE;
        /* A date or timestamp that may not fit is recreated, not cast. */
        if (time_rank(a)) {
            long p = type_arg(a, 0);
            long need = base_is(a, "DATE") ? 10 : 19 + (p > 0 ? p + 1 : p < 0 ? 4 : 0) +
                                                      (base_is(a, "TIMESTAMPTZ") ? 6 : 0);
            return len >= need ? MIGRATE_CAST_SAFE : MIGRATE_CAST_NEVER;
        }
        if (base_is(a, "VARCHAR") && base_is(b, "VARCHAR") && type_arg(a, 0) >= 0 &&
            type_arg(a, 0) <= type_arg(b, 0))
            return MIGRATE_CAST_SAFE;
        return MIGRATE_CAST_RISKY;
    }
    int ra = numeric_rank(a), rb = numeric_rank(b);
    if (ra && rb) {
        if (ra == 4 && rb == 4) {
            long pa = type_arg(a, 0), pb = type_arg(b, 0), sa = type_arg(a, 1), sb = type_arg(b, 1);
            return (pb >= pa && sb >= sa && pb - sb >= pa - sa) ? MIGRATE_CAST_SAFE
                                                                : MIGRATE_CAST_RISKY;
        }
        if (ra == 7 || rb == 7)
            return MIGRATE_CAST_RISKY;
        if (rb > ra && !(ra == 4 && rb >= 5) && !(ra == 3 && rb == 5))
            return MIGRATE_CAST_SAFE;
        return MIGRATE_CAST_RISKY;
    }
    int ta = time_rank(a), tb = time_rank(b);
    if (ta && tb)
        return MIGRATE_CAST_SAFE; /* Prisma warns about none of these */
    if ((base_is(a, "TIME") || base_is(a, "TIMETZ")) && (base_is(b, "TIME") || base_is(b, "TIMETZ")))
        return MIGRATE_CAST_RISKY;
    if ((base_is(a, "JSON") && base_is(b, "JSONB")) || (base_is(a, "JSONB") && base_is(b, "JSON")))
        return MIGRATE_CAST_SAFE;
    if ((base_is(a, "BIT") || base_is(a, "VARBIT")) && (base_is(b, "BIT") || base_is(b, "VARBIT")))
        return MIGRATE_CAST_RISKY;
    return MIGRATE_CAST_NEVER;
}

/* Prisma's spelling of a native type in warnings: "Text", "VarChar(200)". */
const char *migrate_prisma_type_name(arena *a, const db_column *c)
{
    static const struct { const char *sql, *prisma; } names[] = {
        {"TEXT", "Text"}, {"VARCHAR", "VarChar"}, {"CHAR", "Char"}, {"CITEXT", "Citext"},
        {"INTEGER", "Integer"}, {"SMALLINT", "SmallInt"}, {"BIGINT", "BigInt"},
        {"DECIMAL", "Decimal"}, {"REAL", "Real"}, {"DOUBLE PRECISION", "DoublePrecision"},
        {"MONEY", "Money"}, {"BOOLEAN", "Boolean"}, {"TIMESTAMP", "Timestamp"},
        {"TIMESTAMPTZ", "Timestamptz"}, {"DATE", "Date"}, {"TIME", "Time"},
        {"TIMETZ", "Timetz"}, {"JSON", "Json"}, {"JSONB", "JsonB"}, {"BYTEA", "ByteA"},
        {"UUID", "Uuid"}, {"XML", "Xml"}, {"INET", "Inet"}, {"BIT", "Bit"},
        {"VARBIT", "VarBit"}, {"OID", "Oid"},
    };
    if (c->enum_name)
        return c->enum_name;
    size_t n = base_len(c->type);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].sql) == n && !strncmp(names[i].sql, c->type, n))
            return arena_printf(a, "%s%s", names[i].prisma, c->type + n);
    return c->type;
}

