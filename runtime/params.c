/*
 * params.c — rf_params: statement parameters in libpq's four parallel
 * arrays, encoded in the format that costs least and is safe.
 *
 * Fixed-width values (integers, floats, bools, timestamps) go in binary with
 * their type declared, so the server never parses them and never guesses
 * their type. Strings go as text of unknown type, so the server takes the
 * type from context (text, varchar, uuid, jsonb, numeric, an enum...).
 * Arrays go as array literals, also of inferred type.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void rf_params_init(rf_params *p)
{
    p->count = 0;
    p->capacity = RF_PARAMS_INLINE;
    p->error = RF_OK;
    p->values = p->inline_values;
    p->lengths = p->inline_lengths;
    p->formats = p->inline_formats;
    p->types = p->inline_types;
    rf_arena_init(&p->scratch);
}

void rf_params_free(rf_params *p)
{
    rf_arena_free(&p->scratch);
    rf_params_init(p);
}

void rf_params_clear(rf_params *p)
{
    rf_params_free(p);
}

static void fail(rf_params *p, rf_status why)
{
    if (p->error == RF_OK)
        p->error = why;
}

/* Index of a new parameter slot, or -1 (and p->failed) when out of memory. */
static int next_slot(rf_params *p)
{
    if (p->error != RF_OK)
        return -1;
    if (p->count == p->capacity) {
        int cap = p->capacity * 2;
        const char **values = rf_arena_alloc(&p->scratch, (size_t)cap * sizeof *values);
        int *lengths = rf_arena_alloc(&p->scratch, (size_t)cap * sizeof *lengths);
        int *formats = rf_arena_alloc(&p->scratch, (size_t)cap * sizeof *formats);
        rf_oid *types = rf_arena_alloc(&p->scratch, (size_t)cap * sizeof *types);
        if (!values || !lengths || !formats || !types) {
            fail(p, RF_NO_MEMORY);
            return -1;
        }
        memcpy(values, p->values, (size_t)p->count * sizeof *values);
        memcpy(lengths, p->lengths, (size_t)p->count * sizeof *lengths);
        memcpy(formats, p->formats, (size_t)p->count * sizeof *formats);
        memcpy(types, p->types, (size_t)p->count * sizeof *types);
        p->values = values;
        p->lengths = lengths;
        p->formats = formats;
        p->types = types;
        p->capacity = cap;
    }
    return p->count++;
}

static void set(rf_params *p, int i, const char *value, int len, int format, rf_oid type)
{
    p->values[i] = value;
    p->lengths[i] = len;
    p->formats[i] = format;
    p->types[i] = type;
}

/*
 * Why NULLs of optional values carry their type: a statement is prepared
 * with the parameter types of its first execution. An untyped NULL there
 * would let the server pick the column's type (say int2), and a later
 * binary int4 for the same parameter would then be misread.
 */

/* 8 bytes that live as long as p: inline for the first slots. */
static unsigned char *scalar_storage(rf_params *p, int i)
{
    if (i < RF_PARAMS_INLINE)
        return p->inline_scalars[i].bytes;
    unsigned char *b = rf_arena_alloc(&p->scratch, 8);
    if (!b)
        fail(p, RF_NO_MEMORY);
    return b;
}

static void add_binary(rf_params *p, uint64_t v, int width, rf_oid type)
{
    int i = next_slot(p);
    if (i < 0)
        return;
    unsigned char *b = scalar_storage(p, i);
    if (!b) {
        set(p, i, NULL, 0, RF_FORMAT_TEXT, 0);
        return;
    }
    switch (width) {
    case 1: b[0] = (unsigned char)v; break;
    case 2: b[0] = (unsigned char)(v >> 8); b[1] = (unsigned char)v; break;
    case 4: rf_put_be32(b, (uint32_t)v); break;
    default: rf_put_be64(b, v); break;
    }
    set(p, i, (const char *)b, width, RF_FORMAT_BINARY, type);
}

void rf_params_add_null(rf_params *p)
{
    rf_params_add_typed_null(p, RF_OID_UNKNOWN);
}

void rf_params_add_typed_null(rf_params *p, rf_oid type)
{
    int i = next_slot(p);
    if (i >= 0)
        set(p, i, NULL, 0, RF_FORMAT_TEXT, type);
}

void rf_params_add_i16(rf_params *p, int16_t v)
{
    add_binary(p, (uint64_t)(uint16_t)v, 2, RF_OID_INT2);
}

void rf_params_add_i32(rf_params *p, int32_t v)
{
    add_binary(p, (uint64_t)(uint32_t)v, 4, RF_OID_INT4);
}

void rf_params_add_i64(rf_params *p, int64_t v)
{
    add_binary(p, (uint64_t)v, 8, RF_OID_INT8);
}

void rf_params_add_f64(rf_params *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    add_binary(p, bits, 8, RF_OID_FLOAT8);
}

void rf_params_add_bool(rf_params *p, bool v)
{
    add_binary(p, v ? 1 : 0, 1, RF_OID_BOOL);
}

/* PostgreSQL keeps timestamps as µs since 2000-01-01; ±infinity are the
 * extreme int64 values in both epochs. */
static int64_t to_pg_usec(rf_timestamp v)
{
    if (v == RF_TIMESTAMP_INFINITY || v == RF_TIMESTAMP_NEG_INFINITY)
        return v;
    return v - RF_PG_EPOCH_OFFSET_USEC;
}

void rf_params_add_timestamp(rf_params *p, rf_timestamp v)
{
    add_binary(p, (uint64_t)to_pg_usec(v), 8, RF_OID_TIMESTAMP);
}

void rf_params_add_timestamptz(rf_params *p, rf_timestamp v)
{
    add_binary(p, (uint64_t)to_pg_usec(v), 8, RF_OID_TIMESTAMPTZ);
}

void rf_params_add_date(rf_params *p, rf_timestamp v)
{
    int64_t day = v / (86400 * RF_USEC_PER_SEC);
    if (v % (86400 * RF_USEC_PER_SEC) < 0)
        day--;
    int32_t pg_day;
    if (v == RF_TIMESTAMP_INFINITY)
        pg_day = INT32_MAX;
    else if (v == RF_TIMESTAMP_NEG_INFINITY)
        pg_day = INT32_MIN;
    else
        pg_day = (int32_t)(day - RF_PG_EPOCH_OFFSET_DAYS);
    add_binary(p, (uint64_t)(uint32_t)pg_day, 4, RF_OID_DATE);
}

void rf_params_add_time(rf_params *p, rf_timestamp v)
{
    int64_t day = 86400 * RF_USEC_PER_SEC;
    int64_t of_day = v % day;
    if (of_day < 0)
        of_day += day;
    add_binary(p, (uint64_t)of_day, 8, RF_OID_TIME);
}

void rf_params_add_bytes(rf_params *p, const void *data, size_t len)
{
    int i = next_slot(p);
    if (i < 0)
        return;
    if (len > INT32_MAX) {
        fail(p, RF_NO_MEMORY);
        set(p, i, NULL, 0, RF_FORMAT_TEXT, 0);
        return;
    }
    /* NULL means SQL NULL to libpq: an empty value needs a real pointer. */
    const char *v = data ? (const char *)data : "";
    set(p, i, v, (int)len, RF_FORMAT_BINARY, RF_OID_BYTEA);
}

void rf_params_add_text(rf_params *p, const char *s)
{
    int i = next_slot(p);
    if (i >= 0)
        set(p, i, s, 0, RF_FORMAT_TEXT, RF_OID_UNKNOWN);
}

void rf_params_add_text_n(rf_params *p, const char *s, size_t len)
{
    /* libpq reads text parameters up to their NUL: copy to terminate. */
    if (!s) {
        rf_params_add_null(p);
        return;
    }
    char *copy = rf_arena_strndup(&p->scratch, s, len);
    if (!copy) {
        fail(p, RF_NO_MEMORY);
        return;
    }
    rf_params_add_text(p, copy);
}

void rf_params_add_typed_text(rf_params *p, const char *s, rf_oid type)
{
    int i = next_slot(p);
    if (i >= 0)
        set(p, i, s, 0, RF_FORMAT_TEXT, type);
}

void rf_params_add_opt_i32(rf_params *p, rf_opt_i32 v)
{
    if (v.has)
        rf_params_add_i32(p, v.value);
    else
        rf_params_add_typed_null(p, RF_OID_INT4);
}

void rf_params_add_opt_i64(rf_params *p, rf_opt_i64 v)
{
    if (v.has)
        rf_params_add_i64(p, v.value);
    else
        rf_params_add_typed_null(p, RF_OID_INT8);
}

void rf_params_add_opt_f64(rf_params *p, rf_opt_f64 v)
{
    if (v.has)
        rf_params_add_f64(p, v.value);
    else
        rf_params_add_typed_null(p, RF_OID_FLOAT8);
}

void rf_params_add_opt_bool(rf_params *p, rf_opt_bool v)
{
    if (v.has)
        rf_params_add_bool(p, v.value);
    else
        rf_params_add_typed_null(p, RF_OID_BOOL);
}

void rf_params_add_opt_timestamp(rf_params *p, rf_opt_timestamp v)
{
    if (v.has)
        rf_params_add_timestamp(p, v.value);
    else
        rf_params_add_typed_null(p, RF_OID_TIMESTAMP);
}

/* ---- arrays, as literals: {1,2,3} / {"a","b\"c",NULL} ---------------------- */

/* A growable literal in the scratch arena. */
typedef struct literal {
    rf_params *p;
    char *data;
    size_t len, cap;
} literal;

static void lit_reserve(literal *l, size_t more)
{
    if (!l->data && l->cap)
        return; /* already failed */
    if (l->len + more + 1 <= l->cap)
        return;
    size_t cap = l->cap ? l->cap : 64;
    while (cap < l->len + more + 1)
        cap *= 2;
    char *d = rf_arena_alloc(&l->p->scratch, cap);
    if (!d) {
        fail(l->p, RF_NO_MEMORY);
        l->data = NULL;
        l->cap = 1;
        return;
    }
    if (l->len)
        memcpy(d, l->data, l->len);
    l->data = d;
    l->cap = cap;
}

static void lit_put(literal *l, const char *s, size_t n)
{
    lit_reserve(l, n);
    if (!l->data)
        return;
    memcpy(l->data + l->len, s, n);
    l->len += n;
    l->data[l->len] = '\0';
}

static void lit_add(literal *l, const char *s)
{
    lit_put(l, s, strlen(s));
}

static void lit_begin(literal *l, rf_params *p)
{
    l->p = p;
    l->data = NULL;
    l->len = l->cap = 0;
    lit_put(l, "{", 1);
}

static void lit_sep(literal *l, size_t i)
{
    if (i)
        lit_put(l, ",", 1);
}

static void lit_finish(literal *l)
{
    lit_put(l, "}", 1);
    if (!l->data) {
        int i = next_slot(l->p);
        if (i >= 0)
            set(l->p, i, NULL, 0, RF_FORMAT_TEXT, 0);
        fail(l->p, RF_NO_MEMORY);
        return;
    }
    rf_params_add_text(l->p, l->data);
}

/* Appends v in decimal, as "%lld" writes it. Written out by hand because
 * every include encodes its parents' ids this way, and snprintf's format
 * parsing was a sixth of a feed's client instructions. */
static void lit_decimal(literal *l, int64_t v)
{
    char digits[24];
    size_t n = sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--n] = '-';
    lit_put(l, digits + n, sizeof digits - n);
}

void rf_params_add_i32_array(rf_params *p, const int32_t *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        lit_decimal(&l, v[i]);
    }
    lit_finish(&l);
}

void rf_params_add_i64_array(rf_params *p, const int64_t *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        lit_decimal(&l, v[i]);
    }
    lit_finish(&l);
}

void rf_params_add_f64_array(rf_params *p, const double *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    char num[40];
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        if (isnan(v[i]))
            lit_add(&l, "NaN");
        else if (isinf(v[i]))
            lit_add(&l, v[i] > 0 ? "Infinity" : "-Infinity");
        else {
            rf_format_double_c(num, sizeof num, v[i]);
            lit_add(&l, num);
        }
    }
    lit_finish(&l);
}

void rf_params_add_bool_array(rf_params *p, const bool *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        lit_add(&l, v[i] ? "t" : "f");
    }
    lit_finish(&l);
}

void rf_params_add_text_array(rf_params *p, const char *const *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        if (!v[i]) {
            lit_add(&l, "NULL");
            continue;
        }
        /* Always quoted, so "", "NULL", spaces, commas and braces stay data;
         * inside quotes only " and \ need a backslash. */
        lit_put(&l, "\"", 1);
        const char *s = v[i];
        while (*s) {
            size_t run = strcspn(s, "\"\\");
            lit_put(&l, s, run);
            s += run;
            if (*s) {
                lit_put(&l, "\\", 1);
                lit_put(&l, s, 1);
                s++;
            }
        }
        lit_put(&l, "\"", 1);
    }
    lit_finish(&l);
}

void rf_params_add_timestamp_array(rf_params *p, const rf_timestamp *v, size_t n)
{
    literal l;
    lit_begin(&l, p);
    char iso[RF_ISO8601_SIZE];
    for (size_t i = 0; i < n; i++) {
        lit_sep(&l, i);
        rf_timestamp_to_iso8601(v[i], iso);
        lit_put(&l, "\"", 1);
        lit_add(&l, iso);
        lit_put(&l, "\"", 1);
    }
    lit_finish(&l);
}
