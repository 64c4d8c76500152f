/*
 * query.c — the SQL builder behind generated clients (refract_query.h).
 *
 * Only text the generator wrote reaches the SQL; values go to q->params.
 * Failures (out of memory, nesting too deep) are sticky: later calls do
 * nothing and rf_q_exec returns the recorded status without running.
 */
#include "refract_query.h"

#include "internal.h" /* libpq and the value decoders, for rf_q_column */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rf_query_init(rf_query *q)
{
    memset(q, 0, sizeof *q);
    rf_params_init(&q->params);
    rf_arena_init(&q->scratch);
}

void rf_query_free(rf_query *q)
{
    free(q->sql);
    rf_params_free(&q->params);
    rf_arena_free(&q->scratch);
    q->sql = NULL;
    q->len = q->cap = 0;
}

void rf_query_fail(rf_query *q, rf_status status)
{
    if (!q->failed) {
        q->failed = true;
        q->status = status;
    }
}

rf_status rf_query_status(const rf_query *q)
{
    if (q->failed)
        return q->status;
    return q->params.error;
}

static void put(rf_query *q, const char *s, size_t n)
{
    if (q->failed)
        return;
    if (q->len + n + 1 > q->cap) {
        size_t cap = q->cap ? q->cap : 256;
        while (cap < q->len + n + 1)
            cap *= 2;
        char *p = realloc(q->sql, cap);
        if (!p) {
            rf_query_fail(q, RF_NO_MEMORY);
            return;
        }
        q->sql = p;
        q->cap = cap;
    }
    memcpy(q->sql + q->len, s, n);
    q->len += n;
    q->sql[q->len] = '\0';
}

void rf_q_sql(rf_query *q, const char *sql) { put(q, sql, strlen(sql)); }

void rf_q_param_ref(rf_query *q, int n)
{
    /* By hand: snprintf showed in profiles of small statements. */
    char num[16];
    char *end = num + sizeof num, *p = end;
    unsigned v = n > 0 ? (unsigned)n : 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    *--p = '$';
    put(q, p, (size_t)(end - p));
}

void rf_q_param(rf_query *q) { rf_q_param_ref(q, q->params.count + 1); }

void *rf_q_alloc(rf_query *q, size_t size)
{
    void *p = rf_arena_alloc(&q->scratch, size);
    if (!p)
        rf_query_fail(q, RF_NO_MEMORY);
    return p;
}

/* ---- condition groups ---------------------------------------------------- */

/* Starts a condition of the current group: writes the separator. */
static void cond_begin(rf_query *q)
{
    if (q->depth == 0)
        return;
    if (q->groups[q->depth - 1].conds++ > 0)
        rf_q_sql(q, q->groups[q->depth - 1].sep);
}

/* Opens a group without counting it as a condition of the enclosing one. */
static void group_push(rf_query *q, const char *kind)
{
    if (q->depth >= RF_QUERY_MAX_DEPTH) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    bool is_or = !strcmp(kind, "OR");
    bool is_not = !strcmp(kind, "NOT");
    if (is_not)
        rf_q_sql(q, "NOT ");
    q->groups[q->depth].mark = q->len;
    q->groups[q->depth].conds = 0;
    q->groups[q->depth].sep = is_or ? " OR " : " AND ";
    q->groups[q->depth].empty = is_or ? "FALSE" : "TRUE";
    q->depth++;
    rf_q_sql(q, "(");
}

void rf_q_group_begin(rf_query *q, const char *kind)
{
    if (q->depth >= RF_QUERY_MAX_DEPTH) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    cond_begin(q);
    group_push(q, kind);
}

void rf_q_sub_begin(rf_query *q, const char *head)
{
    if (q->depth >= RF_QUERY_MAX_DEPTH) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    cond_begin(q);
    rf_q_sql(q, head);
}

void rf_q_sub_where(rf_query *q) { group_push(q, "AND"); }

void rf_q_sub_end(rf_query *q)
{
    rf_q_group_end(q);
    rf_q_sql(q, ")");
}

void rf_q_group_end(rf_query *q)
{
    if (q->depth == 0 || q->failed)
        return;
    q->depth--;
    if (q->groups[q->depth].conds == 0) {
        /* "(" alone: replace it by the neutral element. */
        q->len = q->groups[q->depth].mark;
        q->sql[q->len] = '\0';
        rf_q_sql(q, q->groups[q->depth].empty);
    } else {
        rf_q_sql(q, ")");
    }
}

void rf_q_cond_begin(rf_query *q) { cond_begin(q); }

void rf_q_cond(rf_query *q, const char *tmpl, const char *column)
{
    cond_begin(q);
    for (const char *p = tmpl; *p && !q->failed; p++) {
        if (*p == '@')
            rf_q_sql(q, column);
        else if (*p == '$')
            rf_q_param(q);
        else
            put(q, p, 1);
    }
}

/* ---- typed filters -------------------------------------------------------- */

/* IN / NOT IN lists of a filter: a NULL array with a count is a caller
 * mistake (it would be read), recorded as RF_INVALID_ARGUMENT. */
static bool lists_ok(rf_query *q, unsigned ops, const void *in, size_t nin, const void *not_in,
                     size_t nnot_in)
{
    if (((ops & RF_OP_IN) && !in && nin) || ((ops & RF_OP_NOT_IN) && !not_in && nnot_in)) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return false;
    }
    return true;
}

bool rf_q_lists_ok(rf_query *q, unsigned ops, const void *in, size_t nin, const void *not_in,
                   size_t nnot_in)
{
    return lists_ok(q, ops, in, nin, not_in, nnot_in);
}

#define NUMERIC_FILTER(fn, T, add, add_array)                                               \
    void fn(rf_query *q, const char *column, const T *f)                                    \
    {                                                                                       \
        unsigned ops = f->ops;                                                              \
        if (!lists_ok(q, ops, f->in, f->nin, f->not_in, f->nnot_in))                        \
            return;                                                                         \
        if (ops & RF_OP_EQUALS) { rf_q_cond(q, "@ = $", column); add(&q->params, f->equals); } \
        if (ops & RF_OP_NOT) { rf_q_cond(q, "@ <> $", column); add(&q->params, f->not_equals); } \
        if (ops & RF_OP_LT) { rf_q_cond(q, "@ < $", column); add(&q->params, f->lt); }      \
        if (ops & RF_OP_LTE) { rf_q_cond(q, "@ <= $", column); add(&q->params, f->lte); }   \
        if (ops & RF_OP_GT) { rf_q_cond(q, "@ > $", column); add(&q->params, f->gt); }      \
        if (ops & RF_OP_GTE) { rf_q_cond(q, "@ >= $", column); add(&q->params, f->gte); }   \
        if (ops & RF_OP_IN) { rf_q_cond(q, "@ = ANY($)", column); add_array(&q->params, f->in, f->nin); } \
        if (ops & RF_OP_NOT_IN) { rf_q_cond(q, "NOT (@ = ANY($))", column); add_array(&q->params, f->not_in, f->nnot_in); } \
        if (ops & RF_OP_IS_NULL) rf_q_cond(q, "@ IS NULL", column);                          \
        if (ops & RF_OP_IS_NOT_NULL) rf_q_cond(q, "@ IS NOT NULL", column);                  \
    }

NUMERIC_FILTER(rf_q_where_i32, rf_i32_filter, rf_params_add_i32, rf_params_add_i32_array)
NUMERIC_FILTER(rf_q_where_i64, rf_i64_filter, rf_params_add_i64, rf_params_add_i64_array)
NUMERIC_FILTER(rf_q_where_f64, rf_f64_filter, rf_params_add_f64, rf_params_add_f64_array)

void rf_q_where_bool(rf_query *q, const char *column, const rf_bool_filter *f)
{
    if (f->ops & RF_OP_EQUALS) {
        rf_q_cond(q, "@ = $", column);
        rf_params_add_bool(&q->params, f->equals);
    }
    if (f->ops & RF_OP_NOT) {
        rf_q_cond(q, "@ <> $", column);
        rf_params_add_bool(&q->params, f->not_equals);
    }
    if (f->ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", column);
    if (f->ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", column);
}

void rf_q_add_timestamp(rf_query *q, rf_oid kind, rf_timestamp v)
{
    switch (kind) {
    case RF_OID_TIMESTAMP: rf_params_add_timestamp(&q->params, v); break;
    case RF_OID_TIMESTAMPTZ: rf_params_add_timestamptz(&q->params, v); break;
    case RF_OID_DATE: rf_params_add_date(&q->params, v); break;
    case RF_OID_TIME: rf_params_add_time(&q->params, v); break;
    default: {
        /* timetz: ISO text, which the server reads for it. */
        char *iso = rf_q_alloc(q, RF_ISO8601_SIZE);
        if (!iso) {
            rf_params_add_null(&q->params);
            return;
        }
        rf_timestamp_to_iso8601(v, iso);
        rf_params_add_text(&q->params, iso);
    }
    }
}

void rf_q_add_timestamp_array(rf_query *q, rf_oid kind, const rf_timestamp *v, size_t n)
{
    if (kind == RF_OID_TIMESTAMP || kind == RF_OID_TIMESTAMPTZ) {
        rf_params_add_timestamp_array(&q->params, v, n);
        return;
    }
    /* Other kinds as a text array of ISO strings. */
    const char **items = rf_q_alloc(q, (n ? n : 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        char *iso = rf_q_alloc(q, RF_ISO8601_SIZE);
        if (!iso)
            break;
        rf_timestamp_to_iso8601(v[i], iso);
        items[i] = iso;
    }
    rf_params_add_text_array(&q->params, items, items ? n : 0);
}

void rf_q_where_timestamp(rf_query *q, const char *column, rf_oid kind,
                          const rf_timestamp_filter *f)
{
    unsigned ops = f->ops;
    if (!lists_ok(q, ops, f->in, f->nin, f->not_in, f->nnot_in))
        return;
    static const struct { unsigned op; const char *tmpl; size_t off; } cmp[] = {
        {RF_OP_EQUALS, "@ = $", offsetof(rf_timestamp_filter, equals)},
        {RF_OP_NOT, "@ <> $", offsetof(rf_timestamp_filter, not_equals)},
        {RF_OP_LT, "@ < $", offsetof(rf_timestamp_filter, lt)},
        {RF_OP_LTE, "@ <= $", offsetof(rf_timestamp_filter, lte)},
        {RF_OP_GT, "@ > $", offsetof(rf_timestamp_filter, gt)},
        {RF_OP_GTE, "@ >= $", offsetof(rf_timestamp_filter, gte)},
    };
    for (size_t i = 0; i < sizeof cmp / sizeof *cmp; i++)
        if (ops & cmp[i].op) {
            rf_timestamp v;
            memcpy(&v, (const char *)f + cmp[i].off, sizeof v);
            rf_q_cond(q, cmp[i].tmpl, column);
            rf_q_add_timestamp(q, kind, v);
        }
    if (ops & RF_OP_IN) {
        rf_q_cond(q, "@ = ANY($)", column);
        rf_q_add_timestamp_array(q, kind, f->in, f->nin);
    }
    if (ops & RF_OP_NOT_IN) {
        rf_q_cond(q, "NOT (@ = ANY($))", column);
        rf_q_add_timestamp_array(q, kind, f->not_in, f->nnot_in);
    }
    if (ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", column);
    if (ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", column);
}

const char *rf_q_like_pattern(rf_query *q, const char *prefix, const char *s,
                              const char *suffix)
{
    size_t n = strlen(s);
    char *p = rf_q_alloc(q, 2 * n + 3);
    if (!p)
        return "";
    char *w = p;
    if (*prefix)
        *w++ = *prefix;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' || s[i] == '%' || s[i] == '_')
            *w++ = '\\';
        *w++ = s[i];
    }
    if (*suffix)
        *w++ = *suffix;
    *w = '\0';
    return p;
}

static void text_filter(rf_query *q, const char *column, const rf_text_filter *f, bool decimal)
{
    unsigned ops = f->ops;
    /* A non-NULL pointer member applies on its own. */
    if (f->equals) ops |= RF_OP_EQUALS;
    if (f->not_equals) ops |= RF_OP_NOT;
    if (f->lt) ops |= RF_OP_LT;
    if (f->lte) ops |= RF_OP_LTE;
    if (f->gt) ops |= RF_OP_GT;
    if (f->gte) ops |= RF_OP_GTE;
    if (f->contains) ops |= RF_OP_CONTAINS;
    if (f->starts_with) ops |= RF_OP_STARTS_WITH;
    if (f->ends_with) ops |= RF_OP_ENDS_WITH;
    if (!lists_ok(q, ops, f->in, f->nin, f->not_in, f->nnot_in))
        return;
    bool ci = f->mode == RF_MODE_INSENSITIVE && !decimal;
    const char *like = ci ? "@ ILIKE $" : "@ LIKE $";
    if (ops & RF_OP_EQUALS) {
        if (ci) {
            rf_q_cond(q, like, column);
            rf_params_add_text(&q->params,
                               rf_q_like_pattern(q, "", f->equals ? f->equals : "", ""));
        } else {
            rf_q_cond(q, "@ = $", column);
            rf_params_add_text(&q->params, f->equals);
        }
    }
    if (ops & RF_OP_NOT) {
        if (ci) {
            rf_q_cond(q, "@ NOT ILIKE $", column);
            rf_params_add_text(&q->params,
                               rf_q_like_pattern(q, "", f->not_equals ? f->not_equals : "", ""));
        } else {
            rf_q_cond(q, "@ <> $", column);
            rf_params_add_text(&q->params, f->not_equals);
        }
    }
    if (ops & RF_OP_LT) { rf_q_cond(q, "@ < $", column); rf_params_add_text(&q->params, f->lt); }
    if (ops & RF_OP_LTE) { rf_q_cond(q, "@ <= $", column); rf_params_add_text(&q->params, f->lte); }
    if (ops & RF_OP_GT) { rf_q_cond(q, "@ > $", column); rf_params_add_text(&q->params, f->gt); }
    if (ops & RF_OP_GTE) { rf_q_cond(q, "@ >= $", column); rf_params_add_text(&q->params, f->gte); }
    if (!decimal) {
        if (ops & RF_OP_CONTAINS) {
            rf_q_cond(q, like, column);
            rf_params_add_text(&q->params,
                               rf_q_like_pattern(q, "%", f->contains ? f->contains : "", "%"));
        }
        if (ops & RF_OP_STARTS_WITH) {
            rf_q_cond(q, like, column);
            rf_params_add_text(&q->params,
                               rf_q_like_pattern(q, "", f->starts_with ? f->starts_with : "", "%"));
        }
        if (ops & RF_OP_ENDS_WITH) {
            rf_q_cond(q, like, column);
            rf_params_add_text(&q->params,
                               rf_q_like_pattern(q, "%", f->ends_with ? f->ends_with : "", ""));
        }
    } else if (ops & (RF_OP_CONTAINS | RF_OP_STARTS_WITH | RF_OP_ENDS_WITH)) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
    }
    if (ops & RF_OP_IN) {
        rf_q_cond(q, "@ = ANY($)", column);
        rf_params_add_text_array(&q->params, f->in, f->nin);
    }
    if (ops & RF_OP_NOT_IN) {
        rf_q_cond(q, "NOT (@ = ANY($))", column);
        rf_params_add_text_array(&q->params, f->not_in, f->nnot_in);
    }
    if (ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", column);
    if (ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", column);
}

void rf_q_where_text(rf_query *q, const char *column, const rf_text_filter *f)
{
    text_filter(q, column, f, false);
}

void rf_q_where_decimal(rf_query *q, const char *column, const rf_text_filter *f)
{
    text_filter(q, column, f, true);
}

void rf_q_where_bytes(rf_query *q, const char *column, const rf_bytes_filter *f)
{
    if (f->ops & RF_OP_EQUALS) {
        rf_q_cond(q, "@ = $", column);
        rf_params_add_bytes(&q->params, f->equals.data ? (const void *)f->equals.data : "",
                            f->equals.len);
    }
    if (f->ops & RF_OP_NOT) {
        rf_q_cond(q, "@ <> $", column);
        rf_params_add_bytes(&q->params, f->not_equals.data ? (const void *)f->not_equals.data : "",
                            f->not_equals.len);
    }
    if (f->ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", column);
    if (f->ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", column);
}

void rf_q_add_enum_array(rf_query *q, const rf_enum_table *t, const int *values, size_t n,
                         int offset)
{
    const char **names = rf_q_alloc(q, (n ? n : 1) * sizeof *names);
    if (!names) {
        rf_params_add_null(&q->params);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = rf_enum_to_string(t, values[i] - offset);
        if (!names[i]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            names[i] = "";
        }
    }
    rf_params_add_text_array(&q->params, names, n);
}

void rf_q_add_bytes(rf_query *q, rf_bytes v)
{
    if (!v.data)
        rf_params_add_null(&q->params);
    else
        rf_params_add_bytes(&q->params, v.data, v.len);
}

void rf_q_add_bytes_array(rf_query *q, const rf_bytes *v, size_t n)
{
    /* As a text array of bytea hex literals ("\\x0102"). */
    const char **items = rf_q_alloc(q, (n ? n : 1) * sizeof *items);
    if (!items) {
        rf_params_add_null(&q->params);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char *s = rf_q_alloc(q, 2 * v[i].len + 3);
        if (!s)
            return;
        s[0] = '\\';
        s[1] = 'x';
        for (size_t k = 0; k < v[i].len; k++) {
            s[2 + 2 * k] = hex[v[i].data[k] >> 4];
            s[3 + 2 * k] = hex[v[i].data[k] & 15];
        }
        s[2 + 2 * v[i].len] = '\0';
        items[i] = s;
    }
    rf_params_add_text_array(&q->params, items, n);
}

/* ---- INSERT ---------------------------------------------------------------- */

void rf_q_insert_begin(rf_query *q, const char *table)
{
    rf_q_sql(q, "INSERT INTO ");
    rf_q_sql(q, table);
    rf_q_sql(q, " AS t (");
    q->sets = 0;
}

void rf_q_insert_col(rf_query *q, const char *column)
{
    if (q->sets++ > 0)
        rf_q_sql(q, ", ");
    rf_q_sql(q, column);
}

void rf_q_insert_end(rf_query *q)
{
    if (q->sets == 0) {
        /* Drop the " (" again. */
        if (!q->failed && q->len >= 2) {
            q->len -= 2;
            q->sql[q->len] = '\0';
        }
        rf_q_sql(q, " DEFAULT VALUES");
        return;
    }
    rf_q_sql(q, ") VALUES (");
    for (size_t i = 0; i < q->sets; i++) {
        if (i)
            rf_q_sql(q, ", ");
        rf_q_param_ref(q, (int)i + 1 + (q->params.count - (int)q->sets));
    }
    rf_q_sql(q, ")");
}

/* ---- SET lists ------------------------------------------------------------ */

void rf_q_set_begin(rf_query *q) { q->sets = 0; }
size_t rf_q_set_count(const rf_query *q) { return q->sets; }

static void set_item(rf_query *q, const char *column, const char *rhs_before, bool self)
{
    if (q->sets++ > 0)
        rf_q_sql(q, ", ");
    rf_q_sql(q, column);
    rf_q_sql(q, " = ");
    if (self) {
        rf_q_sql(q, "t.");
        rf_q_sql(q, column);
    }
    rf_q_sql(q, rhs_before);
}

void rf_q_set_param(rf_query *q, const char *column)
{
    set_item(q, column, "", false);
    rf_q_param(q);
}

void rf_q_set_null(rf_query *q, const char *column) { set_item(q, column, "NULL", false); }

/* Writes "col = $n", "col = t.col + $n", ... for op; false for KEEP. The
 * caller adds the value when this returns true and op is not SET_NULL. */
static bool set_op(rf_query *q, const char *column, rf_update_op op, bool numeric)
{
    switch (op) {
    case RF_UPDATE_KEEP: return false;
    case RF_UPDATE_SET: set_item(q, column, "", false); break;
    case RF_UPDATE_SET_NULL: set_item(q, column, "NULL", false); return true;
    case RF_UPDATE_INCREMENT: set_item(q, column, " + ", true); break;
    case RF_UPDATE_DECREMENT: set_item(q, column, " - ", true); break;
    case RF_UPDATE_MULTIPLY: set_item(q, column, " * ", true); break;
    case RF_UPDATE_DIVIDE: set_item(q, column, " / ", true); break;
    default: rf_query_fail(q, RF_INVALID_ARGUMENT); return false;
    }
    if (!numeric && op != RF_UPDATE_SET) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return false;
    }
    rf_q_param(q);
    return true;
}

#define SET_FN(fn, T, numeric, ADD)                                                         \
    bool fn(rf_query *q, const char *column, const T *u)                                    \
    {                                                                                       \
        if (!set_op(q, column, u->op, numeric))                                             \
            return false;                                                                   \
        if (u->op != RF_UPDATE_SET_NULL) {                                                  \
            ADD;                                                                            \
        }                                                                                   \
        return true;                                                                        \
    }

SET_FN(rf_q_set_i32, rf_i32_update, true, rf_params_add_i32(&q->params, u->value))
SET_FN(rf_q_set_i64, rf_i64_update, true, rf_params_add_i64(&q->params, u->value))
SET_FN(rf_q_set_f64, rf_f64_update, true, rf_params_add_f64(&q->params, u->value))
SET_FN(rf_q_set_bool, rf_bool_update, false, rf_params_add_bool(&q->params, u->value))
SET_FN(rf_q_set_text, rf_text_update, false, rf_params_add_text(&q->params, u->value))
SET_FN(rf_q_set_decimal, rf_text_update, true, rf_params_add_text(&q->params, u->value))
SET_FN(rf_q_set_bytes, rf_bytes_update, false,
       rf_params_add_bytes(&q->params, u->value.data ? (const void *)u->value.data : "",
                           u->value.len))
SET_FN(rf_q_set_i32_array, rf_i32_array_update, false,
       rf_params_add_i32_array(&q->params, u->value.items, u->value.count))
SET_FN(rf_q_set_i64_array, rf_i64_array_update, false,
       rf_params_add_i64_array(&q->params, u->value.items, u->value.count))
SET_FN(rf_q_set_f64_array, rf_f64_array_update, false,
       rf_params_add_f64_array(&q->params, u->value.items, u->value.count))
SET_FN(rf_q_set_bool_array, rf_bool_array_update, false,
       rf_params_add_bool_array(&q->params, u->value.items, u->value.count))
SET_FN(rf_q_set_timestamp_array, rf_timestamp_array_update, false,
       rf_params_add_timestamp_array(&q->params, u->value.items, u->value.count))
SET_FN(rf_q_set_text_array, rf_text_array_update, false,
       rf_params_add_text_array(&q->params, (const char *const *)u->value.items, u->value.count))

bool rf_q_set_timestamp(rf_query *q, const char *column, rf_oid kind, const rf_timestamp_update *u)
{
    if (u->op != RF_UPDATE_KEEP && u->op != RF_UPDATE_SET && u->op != RF_UPDATE_SET_NULL) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return false;
    }
    if (!set_op(q, column, u->op, false))
        return false;
    if (u->op == RF_UPDATE_SET)
        rf_q_add_timestamp(q, kind, u->value);
    return true;
}

/* ---- ordering, cursors ---------------------------------------------------- */

/* The effective ordering: the items, then identity columns not among
 * them. Column names and directions go into scratch arrays. */
static size_t effective_order(rf_query *q, const rf_table_shape *shape,
                              const rf_order_item *items, size_t nitems, const char ***cols_out,
                              bool **desc_out, rf_nulls **nulls_out)
{
    size_t cap = nitems + shape->nkey;
    const char **cols = rf_q_alloc(q, (cap ? cap : 1) * sizeof *cols);
    bool *desc = rf_q_alloc(q, (cap ? cap : 1) * sizeof *desc);
    rf_nulls *nulls = rf_q_alloc(q, (cap ? cap : 1) * sizeof *nulls);
    if (!cols || !desc || !nulls)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < nitems; i++) {
        int by = items[i].by;
        if (by < 0 || (size_t)by >= shape->ncolumns || !shape->columns[by]) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
            return 0;
        }
        cols[n] = shape->columns[by];
        desc[n] = items[i].sort == RF_DESC;
        nulls[n] = items[i].nulls;
        n++;
    }
    for (size_t k = 0; k < shape->nkey; k++) {
        const char *col = shape->columns[shape->key[k]];
        if (!col)
            continue; /* an identity column that cannot be ordered by (Bytes) */
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = !strcmp(cols[i], col);
        if (!seen) {
            cols[n] = col;
            desc[n] = false;
            nulls[n] = RF_NULLS_DEFAULT;
            n++;
        }
    }
    *cols_out = cols;
    *desc_out = desc;
    *nulls_out = nulls;
    return n;
}

void rf_q_order_page(rf_query *q, const rf_table_shape *shape, const rf_order_item *items,
                     size_t nitems, int64_t skip, int64_t take, bool cursor)
{
    bool reverse = take < 0;
    if (nitems || cursor || skip || take) {
        const char **cols = NULL;
        bool *desc = NULL;
        rf_nulls *nulls = NULL;
        size_t n = effective_order(q, shape, items, nitems, &cols, &desc, &nulls);
        for (size_t i = 0; i < n; i++) {
            rf_q_sql(q, i ? ", t." : " ORDER BY t.");
            rf_q_sql(q, cols[i]);
            rf_q_sql(q, desc[i] != reverse ? " DESC" : " ASC");
            if (nulls[i] != RF_NULLS_DEFAULT)
                rf_q_sql(q, (nulls[i] == RF_NULLS_FIRST) != reverse ? " NULLS FIRST" : " NULLS LAST");
        }
    }
    if (take) {
        rf_q_sql(q, " LIMIT ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, take < 0 ? -take : take);
    }
    if (skip < 0)
        rf_query_fail(q, RF_INVALID_ARGUMENT);
    if (skip > 0) {
        rf_q_sql(q, " OFFSET ");
        rf_q_param(q);
        rf_params_add_i64(&q->params, skip);
    }
}

/* "(SELECT c.col FROM table c WHERE c.k1 = $a AND ...)" */
static void cursor_value(rf_query *q, const rf_table_shape *shape, const char *col, int key_param)
{
    rf_q_sql(q, "(SELECT c.");
    rf_q_sql(q, col);
    rf_q_sql(q, " FROM ");
    rf_q_sql(q, shape->table);
    rf_q_sql(q, " c WHERE ");
    for (size_t k = 0; k < shape->nkey; k++) {
        if (k)
            rf_q_sql(q, " AND ");
        rf_q_sql(q, "c.");
        rf_q_sql(q, shape->columns[shape->key[k]]);
        rf_q_sql(q, " = ");
        rf_q_param_ref(q, key_param + (int)k);
    }
    rf_q_sql(q, ")");
}

void rf_q_cursor(rf_query *q, const rf_table_shape *shape, const rf_order_item *items,
                 size_t nitems, int key_param, bool reverse)
{
    const char **cols = NULL;
    bool *desc = NULL;
    rf_nulls *nulls = NULL;
    size_t n = effective_order(q, shape, items, nitems, &cols, &desc, &nulls);
    if (n == 0) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    /* (a > A OR (a = A AND (b > B OR (b = B AND k >= K)))) */
    cond_begin(q);
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n;
        bool down = desc[i] != reverse;
        rf_q_sql(q, "(t.");
        rf_q_sql(q, cols[i]);
        rf_q_sql(q, down ? (last ? " <= " : " < ") : (last ? " >= " : " > "));
        cursor_value(q, shape, cols[i], key_param);
        if (!last) {
            rf_q_sql(q, " OR (t.");
            rf_q_sql(q, cols[i]);
            rf_q_sql(q, " = ");
            cursor_value(q, shape, cols[i], key_param);
            rf_q_sql(q, " AND ");
        }
    }
    for (size_t i = 0; i < n; i++)
        rf_q_sql(q, i + 1 == n ? ")" : "))");
}

void rf_reverse(void *items, size_t n, size_t size)
{
    unsigned char *a = items;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned char *x = a + i * size, *y = a + (n - 1 - i) * size;
        for (size_t k = 0; k < size; k++) {
            unsigned char t = x[k];
            x[k] = y[k];
            y[k] = t;
        }
    }
}

rf_status rf_q_check(rf_client *c, const rf_query *q)
{
    rf_status st = rf_query_status(q);
    if (st == RF_OK)
        return RF_OK;
    return rf_fail(c, st, st == RF_NO_MEMORY ? "out of memory while building a query"
                                             : "invalid query arguments (unknown field, "
                                               "operator or nesting too deep)");
}

rf_status rf_q_stmt(rf_client *c, const rf_query *q, rf_stmt *out)
{
    rf_status st = rf_q_check(c, q);
    *out = (rf_stmt){.id = q->sql, .sql = q->sql, .result_format = RF_FORMAT_BINARY};
    return st;
}

/* ---- whole columns ------------------------------------------------------------ */

/* A binary int2, int4 or int8 (width 2, 4 or 8 bytes), sign-extended. */
static int64_t be_int(const unsigned char *p, int width)
{
    if (width == 8)
        return (int64_t)rf_be64(p);
    if (width == 4)
        return (int32_t)rf_be32(p);
    return (int16_t)(uint16_t)(p[0] << 8 | p[1]);
}

/* The common case in a tight loop: binary int4, int8, float8, bool and
 * timestamps into their own C types. False (nothing promised about what was
 * written) for anything else, including an unexpected NULL or length. */
static bool fixed_binary_column(const PGresult *pg, int rows, int col, rf_qcol kind, rf_oid type,
                                unsigned char *member, size_t stride)
{
    int width;
    switch (kind) {
    case RF_QCOL_I32: case RF_QCOL_OPT_I32: width = type == RF_OID_INT4 ? 4 : 0; break;
    case RF_QCOL_I64: case RF_QCOL_OPT_I64: /* int2 and int4 widen */
        width = type == RF_OID_INT8 ? 8 : type == RF_OID_INT4 ? 4 : type == RF_OID_INT2 ? 2 : 0;
        break;
    case RF_QCOL_F64: case RF_QCOL_OPT_F64: width = type == RF_OID_FLOAT8 ? 8 : 0; break;
    case RF_QCOL_BOOL: case RF_QCOL_OPT_BOOL: width = type == RF_OID_BOOL ? 1 : 0; break;
    case RF_QCOL_TIMESTAMP: case RF_QCOL_OPT_TIMESTAMP:
        width = type == RF_OID_TIMESTAMP || type == RF_OID_TIMESTAMPTZ ? 8 : 0;
        break;
    default: width = 0;
    }
    if (!width)
        return false;
    for (int row = 0; row < rows; row++, member += stride) {
        /* A value of these types has exactly `width` bytes, so only another
         * length can be a NULL: asked about only then (one libpq call less
         * per value, which is most of this loop's time). */
        int len = PQgetlength(pg, row, col);
        bool null = len != width && PQgetisnull(pg, row, col);
        if (!null && len != width)
            return false;
        const unsigned char *p = (const unsigned char *)PQgetvalue(pg, row, col);
        switch (kind) {
        case RF_QCOL_I32: if (null) return false; *(int32_t *)member = (int32_t)rf_be32(p); break;
        case RF_QCOL_OPT_I32: *(rf_opt_i32 *)member = (rf_opt_i32){!null, null ? 0 : (int32_t)rf_be32(p)}; break;
        case RF_QCOL_I64: if (null) return false; *(int64_t *)member = be_int(p, width); break;
        case RF_QCOL_OPT_I64: *(rf_opt_i64 *)member = (rf_opt_i64){!null, null ? 0 : be_int(p, width)}; break;
        case RF_QCOL_F64:
        case RF_QCOL_OPT_F64: {
            if (null && kind == RF_QCOL_F64)
                return false;
            double d = 0;
            if (!null) {
                uint64_t bits = rf_be64(p);
                memcpy(&d, &bits, sizeof d);
            }
            if (kind == RF_QCOL_F64)
                *(double *)member = d;
            else
                *(rf_opt_f64 *)member = (rf_opt_f64){!null, d};
            break;
        }
        case RF_QCOL_BOOL: if (null) return false; *(bool *)member = p[0] != 0; break;
        case RF_QCOL_OPT_BOOL: *(rf_opt_bool *)member = (rf_opt_bool){!null, !null && p[0] != 0}; break;
        case RF_QCOL_TIMESTAMP:
        case RF_QCOL_OPT_TIMESTAMP: {
            if (null && kind == RF_QCOL_TIMESTAMP)
                return false;
            int64_t us = null ? 0 : (int64_t)rf_be64(p);
            /* PostgreSQL's epoch is 2000-01-01; +-infinity stay as they are. */
            if (!null && us != INT64_MAX && us != INT64_MIN)
                us += RF_PG_EPOCH_OFFSET_USEC;
            if (kind == RF_QCOL_TIMESTAMP)
                *(rf_timestamp *)member = us;
            else
                *(rf_opt_timestamp *)member = (rf_opt_timestamp){!null, us};
            break;
        }
        default: return false;
        }
    }
    return true;
}

bool rf_q_column(const rf_result *r, int col, rf_qcol kind, void *rows, size_t stride,
                 size_t offset)
{
    if (!r || !r->pg || col < 0 || col >= r->cols || (kind == RF_QCOL_TEXT && !r->kept))
        return false;
    const PGresult *pg = r->pg;
    rf_value v = {NULL, 0, PQfformat(pg, col), PQftype(pg, col)};
    bool opt = kind == RF_QCOL_OPT_I32 || kind == RF_QCOL_OPT_I64 || kind == RF_QCOL_OPT_F64 ||
               kind == RF_QCOL_OPT_BOOL || kind == RF_QCOL_OPT_TIMESTAMP;
    const char *why = NULL;
    unsigned char *member = (unsigned char *)rows + offset;
    if (v.format == RF_FORMAT_BINARY && fixed_binary_column(pg, r->rows, col, kind, v.type, member, stride))
        return true;
    for (int row = 0; row < r->rows; row++, member += stride) {
        bool null = PQgetisnull(pg, row, col);
        if (null && !opt && kind != RF_QCOL_TEXT)
            return false;
        if (!null) {
            v.data = PQgetvalue(pg, row, col);
            v.len = PQgetlength(pg, row, col);
        }
        int64_t i = 0;
        double d = 0;
        bool b = false;
        rf_status st = RF_OK;
        switch (kind) {
        case RF_QCOL_I32:
        case RF_QCOL_OPT_I32:
            if (!null && ((st = rf_decode_i64(v, &i, &why)) != RF_OK || i < INT32_MIN || i > INT32_MAX))
                return false;
            if (kind == RF_QCOL_I32)
                *(int32_t *)member = (int32_t)i;
            else
                *(rf_opt_i32 *)member = (rf_opt_i32){!null, (int32_t)i};
            break;
        case RF_QCOL_I64:
        case RF_QCOL_OPT_I64:
            if (!null && rf_decode_i64(v, &i, &why) != RF_OK)
                return false;
            if (kind == RF_QCOL_I64)
                *(int64_t *)member = i;
            else
                *(rf_opt_i64 *)member = (rf_opt_i64){!null, i};
            break;
        case RF_QCOL_F64:
        case RF_QCOL_OPT_F64:
            if (!null && rf_decode_f64(v, &d, &why) != RF_OK)
                return false;
            if (kind == RF_QCOL_F64)
                *(double *)member = d;
            else
                *(rf_opt_f64 *)member = (rf_opt_f64){!null, d};
            break;
        case RF_QCOL_BOOL:
        case RF_QCOL_OPT_BOOL:
            if (!null && rf_decode_bool(v, &b, &why) != RF_OK)
                return false;
            if (kind == RF_QCOL_BOOL)
                *(bool *)member = b;
            else
                *(rf_opt_bool *)member = (rf_opt_bool){!null, b};
            break;
        case RF_QCOL_TIMESTAMP:
        case RF_QCOL_OPT_TIMESTAMP:
            if (!null && rf_decode_timestamp(v, &i, &why) != RF_OK)
                return false;
            if (kind == RF_QCOL_TIMESTAMP)
                *(rf_timestamp *)member = i;
            else
                *(rf_opt_timestamp *)member = (rf_opt_timestamp){!null, i};
            break;
        case RF_QCOL_TEXT: {
            /* text and varchar only, whose binary form is the text itself
             * (others, e.g. uuid or numeric, need converting): borrowed. */
            if (!null && v.type != RF_OID_TEXT && v.type != RF_OID_VARCHAR)
                return false;
            *(const char **)member = null ? NULL : v.data;
            break;
        }
        default:
            return false;
        }
        (void)st;
    }
    return true;
}

/* ---- key maps --------------------------------------------------------------- */

struct rf_keymap_slot {
    bool used;
    bool is_text;
    int64_t ikey;
    const char *tkey;
    size_t index;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static uint64_t hash_text(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

rf_status rf_keymap_init(rf_keymap *m, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 1)
        cap *= 2;
    m->slots = calloc(cap, sizeof *m->slots);
    m->cap = m->slots ? cap : 0;
    m->count = 0;
    return m->slots ? RF_OK : RF_NO_MEMORY;
}

void rf_keymap_free(rf_keymap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static struct rf_keymap_slot *find(const rf_keymap *m, bool is_text, int64_t ikey,
                                   const char *tkey)
{
    if (!m->cap)
        return NULL;
    uint64_t h = is_text ? hash_text(tkey) : mix((uint64_t)ikey);
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct rf_keymap_slot *s = &m->slots[i];
        if (!s->used)
            return s;
        if (s->is_text == is_text && (is_text ? !strcmp(s->tkey, tkey) : s->ikey == ikey))
            return s;
    }
}

static rf_status put_key(rf_keymap *m, bool is_text, int64_t ikey, const char *tkey, size_t index)
{
    if ((m->count + 1) * 2 > m->cap) {
        rf_keymap bigger;
        if (rf_keymap_init(&bigger, m->count + 1) != RF_OK)
            return RF_NO_MEMORY;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].used) {
                *find(&bigger, m->slots[i].is_text, m->slots[i].ikey, m->slots[i].tkey) =
                    m->slots[i];
                bigger.count++;
            }
        rf_keymap_free(m);
        *m = bigger;
    }
    struct rf_keymap_slot *s = find(m, is_text, ikey, tkey);
    if (!s->used) {
        *s = (struct rf_keymap_slot){true, is_text, ikey, tkey, index};
        m->count++;
    }
    return RF_OK;
}

rf_status rf_keymap_put_int(rf_keymap *m, int64_t key, size_t index)
{
    return put_key(m, false, key, NULL, index);
}

rf_status rf_keymap_put_text(rf_keymap *m, const char *key, size_t index)
{
    return put_key(m, true, 0, key, index);
}

size_t rf_keymap_get_int(const rf_keymap *m, int64_t key)
{
    const struct rf_keymap_slot *s = find(m, false, key, NULL);
    return s && s->used ? s->index : SIZE_MAX;
}

size_t rf_keymap_get_text(const rf_keymap *m, const char *key)
{
    if (!key)
        return SIZE_MAX;
    const struct rf_keymap_slot *s = find(m, true, 0, key);
    return s && s->used ? s->index : SIZE_MAX;
}
