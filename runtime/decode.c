/*
 * decode.c — from libpq's bytes to C values.
 *
 * Two layers: pure decoders of one value (rf_decode_*, unit-tested without a
 * server), and the rf_get_* getters that fetch a cell from a result, check
 * indices and NULL, and record failures on the client. Every decoder accepts
 * both wire formats, so generated code may ask for binary results wholesale.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- integers and floats -------------------------------------------------- */

static bool parse_int_text(const char *s, int64_t *out)
{
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE)
        return false;
    /* numeric text of an integral value: "12" or "12.000" */
    if (*end == '.') {
        end++;
        while (*end == '0')
            end++;
    }
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

rf_status rf_decode_i64(rf_value v, int64_t *out, const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.format == RF_FORMAT_BINARY) {
        switch (v.type) {
        case RF_OID_INT2:
            if (v.len == 2) {
                *out = (int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]);
                return RF_OK;
            }
            break;
        case RF_OID_INT4:
            if (v.len == 4) {
                *out = (int32_t)rf_be32(p);
                return RF_OK;
            }
            break;
        case RF_OID_OID:
            if (v.len == 4) {
                *out = rf_be32(p);
                return RF_OK;
            }
            break;
        case RF_OID_INT8:
            if (v.len == 8) {
                *out = (int64_t)rf_be64(p);
                return RF_OK;
            }
            break;
        case RF_OID_NUMERIC: {
            char buf[256];
            rf_arena tmp = RF_ARENA_INIT;
            const char *text;
            size_t n;
            rf_status st = rf_numeric_binary_to_text(p, v.len, &tmp, &text, &n, why);
            if (st == RF_OK)
                snprintf(buf, sizeof buf, "%s", text);
            rf_arena_free(&tmp);
            if (st != RF_OK)
                return st;
            if (!parse_int_text(buf, out)) {
                *why = "numeric value is not an integer in range";
                return RF_DECODE;
            }
            return RF_OK;
        }
        default:
            *why = "column is not of an integer type";
            return RF_DECODE;
        }
        *why = "binary integer of unexpected length";
        return RF_DECODE;
    }
    if (!parse_int_text(v.data, out)) {
        *why = "not an integer in range";
        return RF_DECODE;
    }
    return RF_OK;
}

rf_status rf_decode_f64(rf_value v, double *out, const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.format == RF_FORMAT_BINARY) {
        if (v.type == RF_OID_FLOAT8 && v.len == 8) {
            uint64_t bits = rf_be64(p);
            memcpy(out, &bits, sizeof *out);
            return RF_OK;
        }
        if (v.type == RF_OID_FLOAT4 && v.len == 4) {
            uint32_t bits = rf_be32(p);
            float f;
            memcpy(&f, &bits, sizeof f);
            *out = f;
            return RF_OK;
        }
        if (v.type == RF_OID_NUMERIC) {
            rf_arena tmp = RF_ARENA_INIT;
            const char *text;
            size_t n;
            rf_status st = rf_numeric_binary_to_text(p, v.len, &tmp, &text, &n, why);
            if (st == RF_OK)
                *out = rf_strtod_c(text, NULL);
            rf_arena_free(&tmp);
            return st;
        }
        int64_t i;
        if (v.type == RF_OID_INT2 || v.type == RF_OID_INT4 || v.type == RF_OID_INT8) {
            rf_status st = rf_decode_i64(v, &i, why);
            if (st == RF_OK)
                *out = (double)i;
            return st;
        }
        *why = "column is not of a numeric type";
        return RF_DECODE;
    }
    errno = 0;
    char *end;
    double d = rf_strtod_c(v.data, &end);
    if (end == v.data || *end != '\0') {
        *why = "not a number";
        return RF_DECODE;
    }
    *out = d;
    return RF_OK;
}

rf_status rf_decode_bool(rf_value v, bool *out, const char **why)
{
    if (v.format == RF_FORMAT_BINARY) {
        if (v.type == RF_OID_BOOL && v.len == 1) {
            *out = v.data[0] != 0;
            return RF_OK;
        }
        *why = "column is not boolean";
        return RF_DECODE;
    }
    if (!strcmp(v.data, "t") || !strcmp(v.data, "true")) {
        *out = true;
        return RF_OK;
    }
    if (!strcmp(v.data, "f") || !strcmp(v.data, "false")) {
        *out = false;
        return RF_OK;
    }
    *why = "not a boolean";
    return RF_DECODE;
}

/* ---- date and time --------------------------------------------------------- */

static rf_timestamp from_pg_usec(int64_t us)
{
    if (us == INT64_MAX || us == INT64_MIN)
        return us;
    return us + RF_PG_EPOCH_OFFSET_USEC;
}

rf_status rf_decode_timestamp(rf_value v, rf_timestamp *out, const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.format == RF_FORMAT_BINARY) {
        switch (v.type) {
        case RF_OID_TIMESTAMP:
        case RF_OID_TIMESTAMPTZ:
            if (v.len != 8)
                break;
            *out = from_pg_usec((int64_t)rf_be64(p));
            return RF_OK;
        case RF_OID_DATE: {
            if (v.len != 4)
                break;
            int32_t day = (int32_t)rf_be32(p);
            if (day == INT32_MAX)
                *out = RF_TIMESTAMP_INFINITY;
            else if (day == INT32_MIN)
                *out = RF_TIMESTAMP_NEG_INFINITY;
            else
                *out = ((int64_t)day + RF_PG_EPOCH_OFFSET_DAYS) * 86400 * RF_USEC_PER_SEC;
            return RF_OK;
        }
        case RF_OID_TIME:
            if (v.len != 8)
                break;
            *out = (int64_t)rf_be64(p); /* on 1970-01-01, as Prisma reads TIME */
            return RF_OK;
        case RF_OID_TIMETZ:
            if (v.len != 12)
                break;
            /* local time of day, then the zone in seconds WEST of UTC */
            *out = (int64_t)rf_be64(p) + (int64_t)(int32_t)rf_be32(p + 8) * RF_USEC_PER_SEC;
            return RF_OK;
        default:
            *why = "column is not a date/time type";
            return RF_DECODE;
        }
        *why = "binary date/time of unexpected length";
        return RF_DECODE;
    }
    if (v.type == RF_OID_TIME || v.type == RF_OID_TIMETZ) {
        char buf[64];
        snprintf(buf, sizeof buf, "1970-01-01 %s", v.data);
        if (rf_timestamp_parse(buf, out) == RF_OK)
            return RF_OK;
    } else if (rf_timestamp_parse(v.data, out) == RF_OK) {
        return RF_OK;
    }
    *why = "not a timestamp (set DateStyle to ISO)";
    return RF_DECODE;
}

/* ---- text and bytes ---------------------------------------------------------- */

static const char hex_lower[] = "0123456789abcdef";

static rf_status uuid_text(const unsigned char *p, rf_arena *arena, const char **out, size_t *len)
{
    char *s = rf_arena_alloc(arena, 37);
    if (!s)
        return RF_NO_MEMORY;
    size_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[n++] = '-';
        s[n++] = hex_lower[p[i] >> 4];
        s[n++] = hex_lower[p[i] & 15];
    }
    s[n] = '\0';
    *out = s;
    *len = n;
    return RF_OK;
}

static rf_status built(char *s, const char **out, size_t *len);

/* inet/cidr: family (2 = IPv4, 3 = IPv6), prefix bits, is_cidr, length,
 * address bytes; printed as PostgreSQL prints them. */
static rf_status inet_text(rf_value v, rf_arena *arena, const char **out, size_t *len,
                           const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.len < 4 || (p[0] != 2 && p[0] != 3) || v.len != 4 + p[3]
        || p[3] != (p[0] == 2 ? 4 : 16)) {
        *why = "malformed binary inet";
        return RF_DECODE;
    }
    int family = p[0] == 2 ? AF_INET : AF_INET6;
    int bits = p[1], full = p[0] == 2 ? 32 : 128;
    char addr[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, p + 4, addr, sizeof addr)) {
        *why = "malformed binary inet";
        return RF_DECODE;
    }
    char buf[INET6_ADDRSTRLEN + 8];
    bool is_cidr = p[2] != 0 || v.type == RF_OID_CIDR;
    if (bits == full && !is_cidr)
        snprintf(buf, sizeof buf, "%s", addr);
    else
        snprintf(buf, sizeof buf, "%s/%d", addr, bits);
    return built(rf_arena_strdup(arena, buf), out, len);
}

/* bit/varbit: bit count, then the bits, most significant first. */
static rf_status bits_text(rf_value v, rf_arena *arena, const char **out, size_t *len,
                           const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.len < 4) {
        *why = "malformed binary bit string";
        return RF_DECODE;
    }
    int32_t n = (int32_t)rf_be32(p);
    if (n < 0 || (int64_t)(n + 7) / 8 != v.len - 4) {
        *why = "malformed binary bit string";
        return RF_DECODE;
    }
    char *s = rf_arena_alloc(arena, (size_t)n + 1);
    if (!s)
        return RF_NO_MEMORY;
    for (int32_t i = 0; i < n; i++)
        s[i] = (p[4 + i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
    s[n] = '\0';
    *out = s;
    *len = (size_t)n;
    return RF_OK;
}

/* money: a count of cents (the usual two fractional digits), printed as a
 * plain decimal, which is how Prisma reads Decimal @db.Money. */
static rf_status money_text(rf_value v, rf_arena *arena, const char **out, size_t *len,
                            const char **why)
{
    if (v.len != 8) {
        *why = "malformed binary money";
        return RF_DECODE;
    }
    int64_t cents = (int64_t)rf_be64((const unsigned char *)v.data);
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    char buf[32];
    snprintf(buf, sizeof buf, "%s%llu.%02llu", cents < 0 ? "-" : "",
             (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
    return built(rf_arena_strdup(arena, buf), out, len);
}

/* Built-in types whose binary form is their text. User-defined types
 * (enums, citext, domains: OIDs from 16384 up) are too. */
static bool binary_is_text(rf_oid type)
{
    switch (type) {
    case RF_OID_TEXT:
    case RF_OID_VARCHAR:
    case RF_OID_BPCHAR:
    case RF_OID_NAME:
    case RF_OID_CHAR:
    case RF_OID_JSON:
    case RF_OID_XML:
    case RF_OID_UNKNOWN:
    case RF_OID_UNKNOWN_LITERAL:
        return true;
    default:
        return type >= 16384;
    }
}

static rf_status built(char *s, const char **out, size_t *len)
{
    if (!s)
        return RF_NO_MEMORY;
    *out = s;
    *len = strlen(s);
    return RF_OK;
}

rf_status rf_decode_text(rf_value v, rf_arena *arena, bool borrow, const char **out,
                         size_t *len, const char **why)
{
    const unsigned char *p = (const unsigned char *)v.data;
    if (v.format == RF_FORMAT_BINARY) {
        char buf[64];
        switch (v.type) {
        case RF_OID_JSONB:
            if (v.len < 1 || p[0] != 1) {
                *why = "unknown jsonb binary version";
                return RF_DECODE;
            }
            v.data++;
            v.len--;
            break; /* the rest is JSON text */
        case RF_OID_UUID:
            if (v.len != 16) {
                *why = "binary uuid of unexpected length";
                return RF_DECODE;
            }
            return uuid_text(p, arena, out, len);
        case RF_OID_NUMERIC:
            return rf_numeric_binary_to_text(p, v.len, arena, out, len, why);
        case RF_OID_INT2:
        case RF_OID_INT4:
        case RF_OID_INT8:
        case RF_OID_OID: {
            int64_t i;
            rf_status st = rf_decode_i64(v, &i, why);
            if (st != RF_OK)
                return st;
            snprintf(buf, sizeof buf, "%lld", (long long)i);
            return built(rf_arena_strdup(arena, buf), out, len);
        }
        case RF_OID_FLOAT4:
        case RF_OID_FLOAT8: {
            double d;
            rf_status st = rf_decode_f64(v, &d, why);
            if (st != RF_OK)
                return st;
            if (isnan(d))
                snprintf(buf, sizeof buf, "NaN");
            else if (isinf(d))
                snprintf(buf, sizeof buf, d > 0 ? "Infinity" : "-Infinity");
            else
                rf_format_double_c(buf, sizeof buf, d);
            return built(rf_arena_strdup(arena, buf), out, len);
        }
        case RF_OID_BOOL: {
            bool b;
            rf_status st = rf_decode_bool(v, &b, why);
            if (st != RF_OK)
                return st;
            return built(rf_arena_strdup(arena, b ? "t" : "f"), out, len); /* as text results */
        }
        case RF_OID_TIMESTAMP:
        case RF_OID_TIMESTAMPTZ:
        case RF_OID_DATE: {
            rf_timestamp t;
            rf_status st = rf_decode_timestamp(v, &t, why);
            if (st != RF_OK)
                return st;
            char iso[RF_ISO8601_SIZE];
            rf_timestamp_to_iso8601(t, iso);
            return built(rf_arena_strdup(arena, iso), out, len);
        }
        case RF_OID_INET:
        case RF_OID_CIDR:
            return inet_text(v, arena, out, len, why);
        case RF_OID_BIT:
        case RF_OID_VARBIT:
            return bits_text(v, arena, out, len, why);
        case RF_OID_MONEY:
            return money_text(v, arena, out, len, why);
        default:
            /* text, varchar, char, name, json, xml, enums and other
             * user-defined types: the binary form is the text itself */
            if (!binary_is_text(v.type)) {
                *why = "no text form for this type in binary results (select it as ::text, "
                       "or use RF_FORMAT_TEXT)";
                return RF_DECODE;
            }
            break;
        }
    }
    if (v.type == RF_OID_NUMERIC) {
        /* PostgreSQL pads text to the column's scale; Prisma does not. */
        size_t start, n = rf_decimal_trim(v.data, (size_t)v.len, &start);
        if (start || n != (size_t)v.len)
            return built(rf_arena_strndup(arena, v.data + start, n), out, len);
    }
    if (borrow) {
        *out = v.data;
    } else {
        char *s = rf_arena_strndup(arena, v.data, (size_t)v.len);
        if (!s)
            return RF_NO_MEMORY;
        *out = s;
    }
    *len = (size_t)v.len;
    return RF_OK;
}

static const unsigned char empty_bytes[1];

/* bytea's text output: "\x0a1b..." (hex) or the old escape format. */
static rf_status bytea_from_text(const char *s, size_t n, rf_arena *arena, rf_bytes *out,
                                 const char **why)
{
    unsigned char *d;
    size_t k = 0;
    if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
        if ((n - 2) % 2) {
            *why = "odd-length bytea hex";
            return RF_DECODE;
        }
        d = rf_arena_alloc(arena, (n - 2) / 2);
        if (!d)
            return RF_NO_MEMORY;
        for (size_t i = 2; i < n; i += 2) {
            const char *hi = strchr(hex_lower, s[i] | 0x20), *lo = strchr(hex_lower, s[i + 1] | 0x20);
            if (!hi || !lo || !s[i] || !s[i + 1]) {
                *why = "bad bytea hex digit";
                return RF_DECODE;
            }
            d[k++] = (unsigned char)((hi - hex_lower) << 4 | (lo - hex_lower));
        }
    } else {
        d = rf_arena_alloc(arena, n);
        if (!d)
            return RF_NO_MEMORY;
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '\\') {
                d[k++] = (unsigned char)s[i];
            } else if (i + 1 < n && s[i + 1] == '\\') {
                d[k++] = '\\';
                i++;
            } else if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3') {
                d[k++] = (unsigned char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8
                                         + (s[i + 3] - '0'));
                i += 3;
            } else {
                *why = "bad bytea escape";
                return RF_DECODE;
            }
        }
    }
    out->data = k ? d : empty_bytes;
    out->len = k;
    return RF_OK;
}

rf_status rf_decode_bytes(rf_value v, rf_arena *arena, bool borrow, rf_bytes *out,
                          const char **why)
{
    if (v.format == RF_FORMAT_TEXT && v.type == RF_OID_BYTEA)
        return bytea_from_text(v.data, (size_t)v.len, arena, out, why);
    /* binary bytea, or the bytes of any other value */
    if (borrow || v.len == 0) {
        out->data = v.len ? (const unsigned char *)v.data : empty_bytes;
    } else {
        out->data = rf_arena_memdup(arena, v.data, (size_t)v.len);
        if (!out->data)
            return RF_NO_MEMORY;
    }
    out->len = (size_t)v.len;
    return RF_OK;
}

/* ---- getters on results ----------------------------------------------------- */

static rf_status bad_cell(const rf_result *r, int row, int col)
{
    if (r && r->client)
        rf_error_setf(&r->client->err, RF_INVALID_ARGUMENT,
                      "cell (row %d, column %d) is outside the result (%d rows, %d columns)",
                      row, col, r->rows, r->cols);
    return RF_INVALID_ARGUMENT;
}

static rf_status decode_failed(const rf_result *r, int row, int col, rf_status st,
                               const char *why)
{
    if (r->client) {
        if (st == RF_NO_MEMORY)
            rf_error_set(&r->client->err, st, NULL, NULL, "out of memory while decoding");
        else
            rf_error_setf(&r->client->err, st, "column \"%s\", row %d: %s",
                          PQfname(r->pg, col), row, why ? why : "cannot decode");
    }
    return st;
}

/* Fetches a cell: RF_OK with *null set, or RF_INVALID_ARGUMENT. */
static rf_status cell(const rf_result *r, int row, int col, rf_value *v, bool *null)
{
    if (!r || !r->pg || row < 0 || row >= r->rows || col < 0 || col >= r->cols)
        return bad_cell(r, row, col);
    *null = PQgetisnull(r->pg, row, col);
    v->data = PQgetvalue(r->pg, row, col);
    v->len = PQgetlength(r->pg, row, col);
    v->format = PQfformat(r->pg, col);
    v->type = PQftype(r->pg, col);
    return RF_OK;
}

bool rf_is_null(const rf_result *r, int row, int col)
{
    if (!r || !r->pg || row < 0 || row >= r->rows || col < 0 || col >= r->cols)
        return true;
    return PQgetisnull(r->pg, row, col);
}

static rf_status get_i64_range(const rf_result *r, int row, int col, int64_t lo, int64_t hi,
                               bool *has, int64_t *out)
{
    rf_value v;
    bool null;
    rf_status st = cell(r, row, col, &v, &null);
    if (st != RF_OK)
        return st;
    *out = 0;
    if (null) {
        if (has) {
            *has = false;
            return RF_OK;
        }
        return decode_failed(r, row, col, RF_DECODE, "unexpected NULL");
    }
    const char *why = NULL;
    st = rf_decode_i64(v, out, &why);
    if (st != RF_OK)
        return decode_failed(r, row, col, st, why);
    if (*out < lo || *out > hi) {
        *out = 0;
        return decode_failed(r, row, col, RF_DECODE, "integer out of range for its C type");
    }
    if (has)
        *has = true;
    return RF_OK;
}

rf_status rf_get_i16(const rf_result *r, int row, int col, int16_t *out)
{
    int64_t v;
    rf_status st = get_i64_range(r, row, col, INT16_MIN, INT16_MAX, NULL, &v);
    *out = (int16_t)v;
    return st;
}

rf_status rf_get_i32(const rf_result *r, int row, int col, int32_t *out)
{
    int64_t v;
    rf_status st = get_i64_range(r, row, col, INT32_MIN, INT32_MAX, NULL, &v);
    *out = (int32_t)v;
    return st;
}

rf_status rf_get_i64(const rf_result *r, int row, int col, int64_t *out)
{
    return get_i64_range(r, row, col, INT64_MIN, INT64_MAX, NULL, out);
}

rf_status rf_get_opt_i16(const rf_result *r, int row, int col, rf_opt_i16 *out)
{
    int64_t v;
    rf_status st = get_i64_range(r, row, col, INT16_MIN, INT16_MAX, &out->has, &v);
    out->value = (int16_t)v;
    return st;
}

rf_status rf_get_opt_i32(const rf_result *r, int row, int col, rf_opt_i32 *out)
{
    int64_t v;
    rf_status st = get_i64_range(r, row, col, INT32_MIN, INT32_MAX, &out->has, &v);
    out->value = (int32_t)v;
    return st;
}

rf_status rf_get_opt_i64(const rf_result *r, int row, int col, rf_opt_i64 *out)
{
    return get_i64_range(r, row, col, INT64_MIN, INT64_MAX, &out->has, &out->value);
}

/* The shape shared by the remaining scalar getters. */
#define DEFINE_SCALAR_GETTERS(name, ctype, opt_type, decoder)                                \
    static rf_status get_##name(const rf_result *r, int row, int col, bool *has, ctype *out) \
    {                                                                                        \
        rf_value v;                                                                          \
        bool null;                                                                           \
        rf_status st = cell(r, row, col, &v, &null);                                         \
        if (st != RF_OK)                                                                     \
            return st;                                                                       \
        memset(out, 0, sizeof *out);                                                         \
        if (null) {                                                                          \
            if (has) {                                                                       \
                *has = false;                                                                \
                return RF_OK;                                                                \
            }                                                                                \
            return decode_failed(r, row, col, RF_DECODE, "unexpected NULL");                 \
        }                                                                                    \
        const char *why = NULL;                                                              \
        st = decoder(v, out, &why);                                                          \
        if (st != RF_OK)                                                                     \
            return decode_failed(r, row, col, st, why);                                      \
        if (has)                                                                             \
            *has = true;                                                                     \
        return RF_OK;                                                                        \
    }                                                                                        \
    rf_status rf_get_##name(const rf_result *r, int row, int col, ctype *out)                \
    {                                                                                        \
        return get_##name(r, row, col, NULL, out);                                           \
    }                                                                                        \
    rf_status rf_get_opt_##name(const rf_result *r, int row, int col, opt_type *out)         \
    {                                                                                        \
        return get_##name(r, row, col, &out->has, &out->value);                              \
    }

DEFINE_SCALAR_GETTERS(f64, double, rf_opt_f64, rf_decode_f64)
DEFINE_SCALAR_GETTERS(bool, bool, rf_opt_bool, rf_decode_bool)
DEFINE_SCALAR_GETTERS(timestamp, rf_timestamp, rf_opt_timestamp, rf_decode_timestamp)

rf_status rf_get_text(const rf_result *r, int row, int col, rf_arena *arena, const char **out,
                      size_t *len_out)
{
    rf_value v;
    bool null;
    size_t len = 0;
    *out = NULL;
    if (len_out)
        *len_out = 0;
    rf_status st = cell(r, row, col, &v, &null);
    if (st != RF_OK || null)
        return st;
    if (!arena)
        return decode_failed(r, row, col, RF_INVALID_ARGUMENT, "no arena for the text");
    const char *why = NULL;
    st = rf_decode_text(v, arena, r->kept, out, &len, &why);
    if (st != RF_OK)
        return decode_failed(r, row, col, st, why);
    if (len_out)
        *len_out = len;
    return RF_OK;
}

rf_status rf_get_bytes(const rf_result *r, int row, int col, rf_arena *arena, rf_bytes *out)
{
    rf_value v;
    bool null;
    out->data = NULL;
    out->len = 0;
    rf_status st = cell(r, row, col, &v, &null);
    if (st != RF_OK || null)
        return st;
    if (!arena)
        return decode_failed(r, row, col, RF_INVALID_ARGUMENT, "no arena for the bytes");
    const char *why = NULL;
    st = rf_decode_bytes(v, arena, r->kept, out, &why);
    if (st != RF_OK)
        return decode_failed(r, row, col, st, why);
    return RF_OK;
}

/* ---- for array.c and enum.c -------------------------------------------------- */

rf_status rf_cell(const rf_result *r, int row, int col, rf_value *v, bool *null)
{
    return cell(r, row, col, v, null);
}

rf_status rf_cell_failed(const rf_result *r, int row, int col, rf_status st, const char *why)
{
    return decode_failed(r, row, col, st, why);
}
