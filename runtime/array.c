/*
 * array.c — one-dimensional PostgreSQL arrays (Prisma's scalar lists) to
 * counted C arrays, from either wire format.
 *
 * Binary: a header (dimensions, null flag, element type, size and lower
 * bound per dimension), then each element as a length (-1 for NULL) and its
 * bytes. Text: "{1,2,3}", '{"a b","c\"d",NULL}', possibly prefixed with
 * explicit bounds ("[0:2]={...}").
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>

static rf_oid element_type_of(rf_oid array_type)
{
    switch (array_type) {
    case RF_OID_BOOL_ARRAY: return RF_OID_BOOL;
    case RF_OID_BYTEA_ARRAY: return RF_OID_BYTEA;
    case RF_OID_INT2_ARRAY: return RF_OID_INT2;
    case RF_OID_INT4_ARRAY: return RF_OID_INT4;
    case RF_OID_INT8_ARRAY: return RF_OID_INT8;
    case RF_OID_TEXT_ARRAY: return RF_OID_TEXT;
    case RF_OID_VARCHAR_ARRAY: return RF_OID_VARCHAR;
    case 1014: return RF_OID_BPCHAR;
    case 1021: return RF_OID_FLOAT4;
    case RF_OID_FLOAT8_ARRAY: return RF_OID_FLOAT8;
    case RF_OID_TIMESTAMP_ARRAY: return RF_OID_TIMESTAMP;
    case RF_OID_TIMESTAMPTZ_ARRAY: return RF_OID_TIMESTAMPTZ;
    case 1182: return RF_OID_DATE;
    case 1183: return RF_OID_TIME;
    case RF_OID_NUMERIC_ARRAY: return RF_OID_NUMERIC;
    case RF_OID_UUID_ARRAY: return RF_OID_UUID;
    case 199: return RF_OID_JSON;
    case RF_OID_JSONB_ARRAY: return RF_OID_JSONB;
    default: return RF_OID_UNKNOWN; /* enums and others: plain text */
    }
}

/* ---- binary ----------------------------------------------------------------- */

static rf_status binary_header(rf_value v, size_t *count, rf_oid *elem, const unsigned char **body,
                               const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.len < 12) {
        *why = "truncated binary array";
        return RF_DECODE;
    }
    int32_t ndim = (int32_t)rf_be32(p);
    *elem = rf_be32(p + 8);
    if (ndim == 0) {
        *count = 0;
        *body = p + 12;
        return RF_OK;
    }
    if (ndim != 1) {
        *why = "multi-dimensional arrays are not supported";
        return RF_DECODE;
    }
    if (v.len < 20) {
        *why = "truncated binary array";
        return RF_DECODE;
    }
    int32_t n = (int32_t)rf_be32(p + 12);
    if (n < 0) {
        *why = "negative array size";
        return RF_DECODE;
    }
    *count = (size_t)n;
    *body = p + 20;
    return RF_OK;
}

static rf_status binary_each(rf_value v, rf_array_visit visit, void *ctx, const char **why)
{
    size_t count;
    rf_oid elem;
    const unsigned char *p;
    rf_status st = binary_header(v, &count, &elem, &p, why);
    if (st != RF_OK)
        return st;
    const unsigned char *end = (const unsigned char *)v.data + v.len;
    for (size_t i = 0; i < count; i++) {
        if (end - p < 4) {
            *why = "truncated binary array";
            return RF_DECODE;
        }
        int32_t len = (int32_t)rf_be32(p);
        p += 4;
        rf_value e = { NULL, 0, RF_FORMAT_BINARY, elem };
        if (len >= 0) {
            if (end - p < len) {
                *why = "truncated binary array element";
                return RF_DECODE;
            }
            e.data = (const char *)p;
            e.len = len;
            p += len;
        }
        st = visit(ctx, i, e);
        if (st != RF_OK)
            return st;
    }
    return RF_OK;
}

/* ---- text --------------------------------------------------------------------- */

/* Scans a text array. With an arena, de-quotes each element into it and
 * visits it; without, only counts. */
static rf_status text_scan(rf_value v, rf_arena *arena, rf_array_visit visit, void *ctx,
                           size_t *count, const char **why)
{
    const char *s = v.data, *end = v.data + v.len;
    rf_oid elem = element_type_of(v.type);
    if (s < end && *s == '[') { /* explicit bounds: "[0:2]={...}" */
        const char *eq = memchr(s, '=', (size_t)(end - s));
        if (!eq) {
            *why = "malformed array bounds";
            return RF_DECODE;
        }
        s = eq + 1;
    }
    if (s >= end || *s != '{') {
        *why = "not an array literal";
        return RF_DECODE;
    }
    s++;
    size_t n = 0;
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s < end && *s == '}') {
        *count = 0;
        return RF_OK;
    }
    for (;;) {
        while (s < end && isspace((unsigned char)*s))
            s++;
        if (s >= end) {
            *why = "unterminated array literal";
            return RF_DECODE;
        }
        if (*s == '{') {
            *why = "multi-dimensional arrays are not supported";
            return RF_DECODE;
        }
        /* element: find its extent, then copy without quotes and escapes */
        const char *start = s;
        bool quoted = *s == '"';
        size_t raw = 0;
        if (quoted) {
            s++;
            while (s < end && *s != '"') {
                if (*s == '\\')
                    s++;
                s++;
                raw++;
            }
            if (s >= end) {
                *why = "unterminated quoted array element";
                return RF_DECODE;
            }
            s++;
        } else {
            while (s < end && *s != ',' && *s != '}') {
                if (*s == '\\')
                    s++;
                s++;
                raw++;
            }
        }
        const char *stop = s;
        while (s < end && isspace((unsigned char)*s))
            s++;
        if (s >= end || (*s != ',' && *s != '}')) {
            *why = "malformed array literal";
            return RF_DECODE;
        }
        if (arena) {
            rf_value e = { NULL, 0, RF_FORMAT_TEXT, elem };
            size_t unquoted_len = (size_t)(stop - start);
            if (!quoted) /* unquoted elements may carry trailing spaces */
                while (unquoted_len && isspace((unsigned char)start[unquoted_len - 1]))
                    unquoted_len--;
            /* an unquoted NULL (any case) is an SQL NULL; "NULL" is text */
            bool is_null = !quoted && unquoted_len == 4 && (start[0] | 0x20) == 'n'
                           && (start[1] | 0x20) == 'u' && (start[2] | 0x20) == 'l'
                           && (start[3] | 0x20) == 'l';
            if (!is_null) {
                char *d = rf_arena_alloc(arena, raw + 1);
                if (!d)
                    return RF_NO_MEMORY;
                size_t k = 0;
                const char *q = start + (quoted ? 1 : 0);
                const char *qend = quoted ? stop - 1 : start + unquoted_len;
                while (q < qend) {
                    if (*q == '\\' && q + 1 < qend)
                        q++;
                    d[k++] = *q++;
                }
                d[k] = '\0';
                e.data = d;
                e.len = (int)k;
            }
            rf_status st = visit(ctx, n, e);
            if (st != RF_OK)
                return st;
        }
        n++;
        if (*s == '}')
            break;
        s++;
    }
    *count = n;
    return RF_OK;
}

rf_status rf_array_count(rf_value v, size_t *count, const char **why)
{
    if (v.format == RF_FORMAT_BINARY) {
        rf_oid elem;
        const unsigned char *body;
        return binary_header(v, count, &elem, &body, why);
    }
    return text_scan(v, NULL, NULL, NULL, count, why);
}

rf_status rf_array_each(rf_value v, rf_arena *arena, rf_array_visit visit, void *ctx,
                        const char **why)
{
    if (v.format == RF_FORMAT_BINARY)
        return binary_each(v, visit, ctx, why);
    size_t count;
    return text_scan(v, arena, visit, ctx, &count, why);
}

/* ---- getters ------------------------------------------------------------------ */

typedef enum kind { K_I16, K_I32, K_I64, K_F64, K_BOOL, K_TS, K_TEXT, K_BYTES, K_ENUM } kind;

typedef struct collector {
    kind kind;
    void *items;
    rf_arena *arena;
    const rf_enum_table *table;
    const char *why;
} collector;

static rf_status collect_one(void *ctx, size_t i, rf_value e)
{
    collector *c = ctx;
    if (!e.data && c->kind != K_TEXT) {
        c->why = "NULL element in a list";
        return RF_DECODE;
    }
    int64_t n;
    rf_status st = RF_OK;
    switch (c->kind) {
    case K_I16:
    case K_I32:
    case K_I64:
        st = rf_decode_i64(e, &n, &c->why);
        if (st != RF_OK)
            return st;
        if ((c->kind == K_I16 && (n < INT16_MIN || n > INT16_MAX))
            || (c->kind == K_I32 && (n < INT32_MIN || n > INT32_MAX))) {
            c->why = "integer out of range for its C type";
            return RF_DECODE;
        }
        if (c->kind == K_I16)
            ((int16_t *)c->items)[i] = (int16_t)n;
        else if (c->kind == K_I32)
            ((int32_t *)c->items)[i] = (int32_t)n;
        else
            ((int64_t *)c->items)[i] = n;
        return RF_OK;
    case K_F64:
        return rf_decode_f64(e, &((double *)c->items)[i], &c->why);
    case K_BOOL:
        return rf_decode_bool(e, &((bool *)c->items)[i], &c->why);
    case K_TS:
        return rf_decode_timestamp(e, &((rf_timestamp *)c->items)[i], &c->why);
    case K_TEXT: {
        const char **slot = &((const char **)c->items)[i];
        if (!e.data) {
            *slot = NULL;
            return RF_OK;
        }
        size_t len;
        /* text elements were already copied into the arena by the scanner */
        return rf_decode_text(e, c->arena, e.format == RF_FORMAT_TEXT, slot, &len, &c->why);
    }
    case K_BYTES:
        return rf_decode_bytes(e, c->arena, false, &((rf_bytes *)c->items)[i], &c->why);
    case K_ENUM:
        st = rf_enum_lookup(c->table, e.data, (size_t)e.len, &((int *)c->items)[i]);
        if (st != RF_OK)
            c->why = "value is not a member of the enum";
        return st == RF_OK ? RF_OK : RF_DECODE;
    }
    return RF_DECODE;
}

static rf_status get_array(const rf_result *r, int row, int col, rf_arena *a, kind k,
                           size_t elem_size, const rf_enum_table *table, void **items,
                           size_t *count)
{
    rf_value v;
    bool null;
    *items = NULL;
    *count = 0;
    rf_status st = rf_cell(r, row, col, &v, &null);
    if (st != RF_OK || null)
        return st;
    if (!a)
        return rf_cell_failed(r, row, col, RF_INVALID_ARGUMENT, "no arena for the list");
    const char *why = NULL;
    size_t n;
    st = rf_array_count(v, &n, &why);
    if (st != RF_OK)
        return rf_cell_failed(r, row, col, st, why);
    if (n == 0)
        return RF_OK;
    if (n > SIZE_MAX / elem_size)
        return rf_cell_failed(r, row, col, RF_NO_MEMORY, NULL);
    collector c = { k, rf_arena_alloc(a, n * elem_size), a, table, NULL };
    if (!c.items)
        return rf_cell_failed(r, row, col, RF_NO_MEMORY, NULL);
    st = rf_array_each(v, a, collect_one, &c, &why);
    if (st != RF_OK)
        return rf_cell_failed(r, row, col, st, c.why ? c.why : why);
    *items = c.items;
    *count = n;
    return RF_OK;
}

#define DEFINE_ARRAY_GETTER(name, array_type, elem_type, k)                                    \
    rf_status rf_get_##name##_array(const rf_result *r, int row, int col, rf_arena *a,          \
                                    array_type *out)                                           \
    {                                                                                          \
        void *items;                                                                           \
        rf_status st = get_array(r, row, col, a, k, sizeof(elem_type), NULL, &items,           \
                                 &out->count);                                                 \
        out->items = items;                                                                    \
        if (st != RF_OK) {                                                                     \
            out->items = NULL;                                                                 \
            out->count = 0;                                                                    \
        }                                                                                      \
        return st;                                                                             \
    }

DEFINE_ARRAY_GETTER(i16, rf_i16_array, int16_t, K_I16)
DEFINE_ARRAY_GETTER(i32, rf_i32_array, int32_t, K_I32)
DEFINE_ARRAY_GETTER(i64, rf_i64_array, int64_t, K_I64)
DEFINE_ARRAY_GETTER(f64, rf_f64_array, double, K_F64)
DEFINE_ARRAY_GETTER(bool, rf_bool_array, bool, K_BOOL)
DEFINE_ARRAY_GETTER(timestamp, rf_timestamp_array, rf_timestamp, K_TS)
DEFINE_ARRAY_GETTER(text, rf_text_array, const char *, K_TEXT)
DEFINE_ARRAY_GETTER(bytes, rf_bytes_array, rf_bytes, K_BYTES)

rf_status rf_get_enum_array(const rf_result *r, int row, int col, rf_arena *a,
                            const rf_enum_table *t, rf_enum_array *out)
{
    void *items;
    rf_status st = get_array(r, row, col, a, K_ENUM, sizeof(int), t, &items, &out->count);
    out->items = st == RF_OK ? items : NULL;
    if (st != RF_OK)
        out->count = 0;
    return st;
}
