/*
 * query_json.c — Json filters as Prisma writes them for PostgreSQL (the
 * semantics are documented at rf_json_filter in refract_query.h).
 *
 * The tested value is the column, or the value at `path` in it (col #> a
 * text[] parameter), always through jsonb: a `@db.Json` column has no
 * jsonb operators of its own, and on a jsonb column the cast is no cast at
 * all (so an index on the column still serves whole-value equality).
 * Values travel as text parameters cast to jsonb; the only SQL written here
 * is fixed text, so a filter's SQL depends on which members are given and
 * on nothing else.
 */
#include "refract_query.h"

#include <stdio.h>
#include <string.h>

/* The tested value as jsonb, and as text (a JSON string without its
 * quotes; NULL for a JSON null), each a parenthesized SQL expression. */
typedef struct json_target {
    const char *json, *text;
} json_target;

/* "(<column>::jsonb<op>)" in the query's scratch memory. */
static const char *read_as(rf_query *q, const char *column, const char *op)
{
    size_t n = strlen(column) + strlen(op) + 16;
    char *s = rf_q_alloc(q, n);
    if (!s)
        return "";
    snprintf(s, n, "(%s::jsonb%s)", column, op);
    return s;
}

/* Adds the path parameter (when there is a path) and returns the
 * expressions that read the tested value. */
static json_target target(rf_query *q, const char *column, const rf_json_filter *f)
{
    json_target t;
    if (!f->npath) {
        t.json = read_as(q, column, "");
        t.text = read_as(q, column, " #>> '{}'");
        return t;
    }
    char json[48], text[48];
    int n = q->params.count + 1;
    rf_params_add_text_array(&q->params, f->path, f->npath);
    snprintf(json, sizeof json, " #> $%d::text[]", n);
    snprintf(text, sizeof text, " #>> $%d::text[]", n);
    t.json = read_as(q, column, json);
    t.text = read_as(q, column, text);
    return t;
}

/* `lhs op $n::jsonb` (or `::text` for patterns), with value v. */
static void put_compare(rf_query *q, const char *lhs, const char *op, const char *cast,
                        const char *v)
{
    rf_q_sql(q, lhs);
    rf_q_sql(q, op);
    rf_q_param(q);
    rf_q_sql(q, cast);
    rf_params_add_text(&q->params, v);
}

static void cond_compare(rf_query *q, const char *lhs, const char *op, const char *v)
{
    rf_q_cond_begin(q);
    put_compare(q, lhs, op, "::jsonb", v);
}

/*
 * A test that only values of one JSON type can pass or fail: for others
 * the CASE gives NULL, so both the test and its NOT leave them out (Prisma
 * ANDs the type check into the test and ORs its negation into the NOT).
 */
static void cond_typed(rf_query *q, const json_target *t, const char *type, const char *lhs,
                       const char *op, const char *cast, const char *v)
{
    rf_q_cond_begin(q);
    rf_q_sql(q, "CASE WHEN jsonb_typeof(");
    rf_q_sql(q, t->json);
    rf_q_sql(q, ") = '");
    rf_q_sql(q, type);
    rf_q_sql(q, "' THEN ");
    put_compare(q, lhs, op, cast, v);
    rf_q_sql(q, " END");
}

static const char *element(rf_query *q, const json_target *t, const char *index)
{
    size_t n = strlen(t->json) + strlen(index) + 8;
    char *s = rf_q_alloc(q, n);
    if (!s)
        return "";
    snprintf(s, n, "(%s -> %s)", t->json, index);
    return s;
}

static bool path_ok(rf_query *q, const rf_json_filter *f)
{
    if (f->npath && !f->path) {
        rf_query_fail(q, RF_INVALID_ARGUMENT); /* a NULL array with a count */
        return false;
    }
    for (size_t i = 0; i < f->npath; i++)
        if (!f->path[i]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return false;
        }
    return true;
}

void rf_q_where_json(rf_query *q, const char *column, const rf_json_filter *f)
{
    unsigned ops = f->ops | (f->equals ? RF_OP_EQUALS : 0u) | (f->not_equals ? RF_OP_NOT : 0u);
    bool strings = f->string_contains || f->string_starts_with || f->string_ends_with;
    bool arrays = f->array_contains || f->array_starts_with || f->array_ends_with;
    unsigned tests = RF_OP_EQUALS | RF_OP_NOT | RF_OP_IS_NULL | RF_OP_IS_NOT_NULL | RF_OP_ANY_NULL;
    if (!(ops & tests) && !strings && !arrays)
        return; /* nothing given: not even the path's parameter */
    if (!path_ok(q, f))
        return;
    json_target t = target(q, column, f);
    if (ops & RF_OP_EQUALS)
        cond_compare(q, t.json, " = ", f->equals);
    if (ops & RF_OP_NOT)
        cond_compare(q, t.json, " <> ", f->not_equals);
    if (ops & RF_OP_IS_NULL) {
        rf_q_cond_begin(q);
        rf_q_sql(q, t.json);
        rf_q_sql(q, " IS NULL");
    }
    if (ops & RF_OP_IS_NOT_NULL) {
        rf_q_cond_begin(q);
        rf_q_sql(q, t.json);
        rf_q_sql(q, " IS NOT NULL");
    }
    if (ops & RF_OP_ANY_NULL) {
        rf_q_cond_begin(q);
        rf_q_sql(q, "(");
        rf_q_sql(q, t.json);
        rf_q_sql(q, " IS NULL OR ");
        rf_q_sql(q, t.json);
        rf_q_sql(q, " = 'null'::jsonb)");
    }
    const char *like = f->mode == RF_MODE_INSENSITIVE ? " ILIKE " : " LIKE ";
    if (f->string_contains)
        cond_typed(q, &t, "string", t.text, like, "",
                   rf_q_like_pattern(q, "%", f->string_contains, "%"));
    if (f->string_starts_with)
        cond_typed(q, &t, "string", t.text, like, "",
                   rf_q_like_pattern(q, "", f->string_starts_with, "%"));
    if (f->string_ends_with)
        cond_typed(q, &t, "string", t.text, like, "",
                   rf_q_like_pattern(q, "%", f->string_ends_with, ""));
    if (f->array_contains)
        cond_typed(q, &t, "array", t.json, " @> ", "::jsonb", f->array_contains);
    if (f->array_starts_with)
        cond_typed(q, &t, "array", element(q, &t, "0"), " = ", "::jsonb", f->array_starts_with);
    if (f->array_ends_with)
        cond_typed(q, &t, "array", element(q, &t, "-1"), " = ", "::jsonb", f->array_ends_with);
}
