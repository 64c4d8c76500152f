/*
 * opclass.c — operator classes of GiST, GIN, SP-GiST and BRIN indexes:
 * each must belong to the index's method and fit the column's native type,
 * or PostgreSQL would refuse the CREATE INDEX that migrate writes. The
 * rules and the message texts are Prisma's (PostgreSQL connector).
 */
#include "resolve_int.h"

#include <string.h>

/* Operator classes per index method (by Prisma name prefix). */
static model_index_type method_of(const char *ops)
{
    if (!strcmp(ops, "InetOps"))
        return MODEL_INDEX_GIST; /* also SP-GiST, see supports() */
    if (!strcmp(ops, "JsonbOps") || !strcmp(ops, "JsonbPathOps") || !strcmp(ops, "ArrayOps"))
        return MODEL_INDEX_GIN;
    if (!strcmp(ops, "TextOps"))
        return MODEL_INDEX_SPGIST;
    return MODEL_INDEX_BRIN;
}

static bool supports(const char *ops, model_index_type t)
{
    if (!strcmp(ops, "InetOps"))
        return t == MODEL_INDEX_GIST || t == MODEL_INDEX_SPGIST;
    return method_of(ops) == t;
}

/* How Prisma prints an operator class in its messages. Prisma 7 prints
 * UuidMinMaxMultiOps as `BitMinMaxOps` (seen in its own test fixture), and
 * refract says what Prisma says. */
static const char *display(const char *ops)
{
    return !strcmp(ops, "UuidMinMaxMultiOps") ? "BitMinMaxOps" : ops;
}

static bool in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (s && !strcmp(s, *list))
            return true;
    return false;
}

/* BRIN: the operator classes that fit each native type (NULL = none given). */
typedef struct brin_rule {
    const char *native;
    const char *ops[5];
} brin_rule;

static const brin_rule brin_native[] = {
    {"Bit", {"BitMinMaxOps"}},
    {"VarBit", {"VarBitMinMaxOps"}},
    {"Char", {"BpcharBloomOps", "BpcharMinMaxOps"}},
    {"Date", {"DateBloomOps", "DateMinMaxOps", "DateMinMaxMultiOps"}},
    {"Real", {"Float4BloomOps", "Float4MinMaxOps", "Float4MinMaxMultiOps"}},
    {"DoublePrecision", {"Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"}},
    {"Inet", {"InetInclusionOps", "InetBloomOps", "InetMinMaxOps", "InetMinMaxMultiOps"}},
    {"SmallInt", {"Int2BloomOps", "Int2MinMaxOps", "Int2MinMaxMultiOps"}},
    {"Integer", {"Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"}},
    {"BigInt", {"Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"}},
    {"Decimal", {"NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"}},
    {"Oid", {"OidBloomOps", "OidMinMaxOps", "OidMinMaxMultiOps"}},
    {"ByteA", {"ByteaBloomOps", "ByteaMinMaxOps"}},
    {"Text", {"TextBloomOps", "TextMinMaxOps"}},
    {"VarChar", {"TextBloomOps", "TextMinMaxOps"}},
    {"Timestamp", {"TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"}},
    {"Timestamptz", {"TimestampTzBloomOps", "TimestampTzMinMaxOps", "TimestampTzMinMaxMultiOps"}},
    {"Time", {"TimeBloomOps", "TimeMinMaxOps", "TimeMinMaxMultiOps"}},
    {"Timetz", {"TimeTzBloomOps", "TimeTzMinMaxOps", "TimeTzMinMaxMultiOps"}},
    {"Uuid", {"UuidBloomOps", "UuidMinMaxOps", "UuidMinMaxMultiOps"}},
};

/* BRIN without a native type: the scalar's default type and its classes. */
typedef struct brin_scalar {
    model_scalar scalar;
    const char *word;
    const char *ops[4];
} brin_scalar;

static const brin_scalar brin_plain[] = {
    {MODEL_FLOAT, "Float", {"Float8BloomOps", "Float8MinMaxOps", "Float8MinMaxMultiOps"}},
    {MODEL_INT, "Int", {"Int4BloomOps", "Int4MinMaxOps", "Int4MinMaxMultiOps"}},
    {MODEL_BIGINT, "BigInt", {"Int8BloomOps", "Int8MinMaxOps", "Int8MinMaxMultiOps"}},
    {MODEL_DECIMAL, "Decimal", {"NumericBloomOps", "NumericMinMaxOps", "NumericMinMaxMultiOps"}},
    {MODEL_BYTES, "Bytes", {"ByteaBloomOps", "ByteaMinMaxOps"}},
    {MODEL_STRING, "String", {"TextBloomOps", "TextMinMaxOps"}},
    {MODEL_DATETIME, "DateTime", {"TimestampBloomOps", "TimestampMinMaxOps", "TimestampMinMaxMultiOps"}},
};

/* Every complaint here is about an @@index attribute. */
static const ast_attribute index_attr = {.name = "index", .is_block = true};

typedef struct ctx {
    resolver *r;
    const model_index *ix;
    const model_index_part *p;
    const char *algo;
} ctx;

static void fail(ctx *c, const char *fmt, const char *a, const char *b)
{
    r_attr_error(c->r, &index_attr, c->ix->loc, fmt, a, b);
}

/* The generic complaint when no rule accepted the combination. */
static void mismatch(ctx *c, const char *native, const char *ops)
{
    const char *field = c->p->column->name;
    if (native && ops)
        r_attr_error(c->r, &index_attr, c->ix->loc,
                     "The given operator class `%s` does not support native type `%s` of field `%s`.",
                     display(ops), native, field);
    else if (native)
        r_attr_error(c->r, &index_attr, c->ix->loc,
                     "The %s index field type `%s` has no default operator class.", c->algo, native);
    else if (ops)
        fail(c, "The given operator class `%s` expects the field `%s` to define a valid native type.",
             display(ops), field);
    else if (c->p->column->type != MODEL_UNSUPPORTED && c->ix->type != MODEL_INDEX_GIST)
        /* GiST takes any type (Prisma leaves it to PostgreSQL). */
        fail(c, "The %s index type does not support the type of the field `%s`.", c->algo, field);
}

static void not_of_type(ctx *c, const char *ops, const char *word)
{
    r_attr_error(c->r, &index_attr, c->ix->loc,
                 "The given operator class `%s` points to the field `%s` that is not of %s type.",
                 display(ops), c->p->column->name, word);
}

static void check_brin(ctx *c, const char *native, const char *ops)
{
    const model_column *col = c->p->column;
    if (native) {
        for (size_t i = 0; i < sizeof brin_native / sizeof *brin_native; i++)
            if (!strcmp(brin_native[i].native, native) && (!ops || in(ops, brin_native[i].ops)))
                return;
        mismatch(c, native, ops);
        return;
    }
    for (size_t i = 0; i < sizeof brin_plain / sizeof *brin_plain; i++) {
        const brin_scalar *b = &brin_plain[i];
        if (!ops && col->type == b->scalar)
            return;
        if (ops && in(ops, b->ops)) {
            if (col->type != b->scalar)
                not_of_type(c, ops, b->word);
            return;
        }
    }
    mismatch(c, NULL, ops);
}

static void check_part(ctx *c)
{
    const model_column *col = c->p->column;
    const char *ops = c->p->ops_name;
    const char *native = col->native.name;
    model_index_type t = c->ix->type;
    if (c->p->ops && !ops)
        return; /* raw("...") is the user's responsibility */
    if (ops && !supports(ops, t)) {
        fail(c, "The given operator class `%s` is not supported with the `%s` index type.",
             display(ops), c->algo);
        return;
    }
    static const char *const jsonb_ops[] = {"JsonbOps", "JsonbPathOps", NULL};
    switch (t) {
    case MODEL_INDEX_GIST:
        if (!(native && !strcmp(native, "Inet") && ops && !strcmp(ops, "InetOps")))
            mismatch(c, native, ops);
        break;
    case MODEL_INDEX_GIN:
        if (!native && !ops && col->type == MODEL_JSON)
            break;
        if (!ops && col->list)
            break;
        if (native && !strcmp(native, "JsonB") && (!ops || in(ops, jsonb_ops)))
            break;
        if (!native && in(ops, jsonb_ops)) {
            if (col->type != MODEL_JSON)
                not_of_type(c, ops, "Json");
            break;
        }
        if (ops && !strcmp(ops, "ArrayOps")) {
            if (!col->list)
                fail(c, "The given operator class `%s` expects the type of field `%s` to be an array.",
                     "ArrayOps", col->name);
            break;
        }
        mismatch(c, native, ops);
        break;
    case MODEL_INDEX_SPGIST:
        if (native && !strcmp(native, "Inet") && (!ops || !strcmp(ops, "InetOps")))
            break;
        if (!native && !ops && col->type == MODEL_STRING)
            break;
        if (!native && ops && !strcmp(ops, "TextOps")) {
            if (col->type != MODEL_STRING)
                not_of_type(c, ops, "String");
            break;
        }
        if (native && (!strcmp(native, "Text") || !strcmp(native, "VarChar") || !strcmp(native, "Char")) &&
            (!ops || !strcmp(ops, "TextOps")))
            break;
        mismatch(c, native, ops);
        break;
    case MODEL_INDEX_BRIN:
        check_brin(c, native, ops);
        break;
    default:
        break;
    }
}

void check_operator_classes(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        const model_table *t = r->models[i].t;
        for (size_t j = 0; j < t->nindexes; j++) {
            const model_index *ix = &t->indexes[j];
            if (ix->type == MODEL_INDEX_SPGIST && ix->nparts > 1)
                r_attr_error(r, &index_attr, ix->loc,
                             "SpGist does not support multi-column indices.");
            for (size_t k = 0; k < ix->nparts; k++) {
                ctx c = {r, ix, &ix->parts[k], model_index_type_name(ix->type)};
                check_part(&c);
            }
        }
    }
}
