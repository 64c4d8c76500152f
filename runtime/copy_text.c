/*
 * copy_text.c — values in COPY's text format, for bulk inserts through
 * COPY ... FROM STDIN.
 *
 * Text is what every column takes: binary COPY needs each column's exact
 * binary form (a String may be text, varchar, uuid or citext; a Json json
 * or jsonb; a Decimal numeric with its own wire form), which only some
 * columns share with what the client binds (copy_binary.c says which). In
 * text form the server parses each value with the column's own input
 * function, exactly as it does for the text parameters of a single
 * create, so every type goes the same way. The parameters a create binds
 * are the source: one code path decides what a row holds (client-side
 * ids, @updatedAt, omitted defaults).
 */
#include "desc_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rf_buf_free(rf_buf *b)
{
    free(b->data);
    *b = (rf_buf){0};
}

void rf_buf_put(rf_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void put_str(rf_buf *b, const char *s) { rf_buf_put(b, s, strlen(s)); }

/* Text with COPY's escapes: the delimiter (tab), line ends and the escape
 * character itself; runs without them are copied at once. */
static void put_escaped(rf_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        rf_buf_put(b, s + run, i - run);
        rf_buf_put(b, esc, 2);
        run = i + 1;
    }
    rf_buf_put(b, s + run, n - run);
}

static void put_timestamp(rf_buf *b, int64_t pg_usec)
{
    if (pg_usec == INT64_MAX || pg_usec == INT64_MIN) {
        put_str(b, pg_usec == INT64_MAX ? "infinity" : "-infinity");
        return;
    }
    char iso[RF_ISO8601_SIZE];
    rf_timestamp_to_iso8601(pg_usec + RF_PG_EPOCH_OFFSET_USEC, iso);
    put_str(b, iso);
}

static void put_date(rf_buf *b, int32_t pg_day)
{
    if (pg_day == INT32_MAX || pg_day == INT32_MIN) {
        put_str(b, pg_day == INT32_MAX ? "infinity" : "-infinity");
        return;
    }
    char iso[RF_ISO8601_SIZE];
    rf_timestamp_to_iso8601(((int64_t)pg_day + RF_PG_EPOCH_OFFSET_DAYS) * 86400 * RF_USEC_PER_SEC,
                            iso);
    char *t = strchr(iso, 'T');
    rf_buf_put(b, iso, t ? (size_t)(t - iso) : strlen(iso));
}

static void put_time(rf_buf *b, int64_t usec)
{
    char text[32];
    snprintf(text, sizeof text, "%02d:%02d:%02d.%06d", (int)(usec / 3600000000LL),
             (int)(usec / 60000000LL % 60), (int)(usec / 1000000LL % 60),
             (int)(usec % 1000000LL));
    put_str(b, text);
}

static void put_double(rf_buf *b, double d)
{
    char text[40];
    if (isnan(d))
        put_str(b, "NaN");
    else if (isinf(d))
        put_str(b, d > 0 ? "Infinity" : "-Infinity");
    else {
        rf_format_double_c(text, sizeof text, d);
        put_str(b, text);
    }
}

/* bytea's hex form; its backslash escaped for COPY. */
static void put_bytea(rf_buf *b, const unsigned char *v, int len)
{
    static const char hex[] = "0123456789abcdef";
    rf_buf_put(b, "\\\\x", 3);
    char pair[2];
    for (int i = 0; i < len; i++) {
        pair[0] = hex[v[i] >> 4];
        pair[1] = hex[v[i] & 15];
        rf_buf_put(b, pair, 2);
    }
}

void rf_copy_put_param(rf_buf *b, const rf_params *p, int i)
{
    const char *v = p->values[i];
    if (!v) {
        rf_buf_put(b, "\\N", 2);
        return;
    }
    if (p->formats[i] == RF_FORMAT_TEXT) {
        put_escaped(b, v, strlen(v));
        return;
    }
    const unsigned char *u = (const unsigned char *)v;
    char num[24];
    switch (p->types[i]) {
    case RF_OID_INT2:
        snprintf(num, sizeof num, "%d", (int)(int16_t)(u[0] << 8 | u[1]));
        put_str(b, num);
        break;
    case RF_OID_INT4:
        snprintf(num, sizeof num, "%" PRId32, (int32_t)rf_be32(u));
        put_str(b, num);
        break;
    case RF_OID_INT8:
        snprintf(num, sizeof num, "%" PRId64, (int64_t)rf_be64(u));
        put_str(b, num);
        break;
    case RF_OID_FLOAT8: {
        uint64_t bits = rf_be64(u);
        double d;
        memcpy(&d, &bits, sizeof d);
        put_double(b, d);
        break;
    }
    case RF_OID_BOOL: rf_buf_put(b, u[0] ? "t" : "f", 1); break;
    case RF_OID_TIMESTAMP: case RF_OID_TIMESTAMPTZ: put_timestamp(b, (int64_t)rf_be64(u)); break;
    case RF_OID_DATE: put_date(b, (int32_t)rf_be32(u)); break;
    case RF_OID_TIME: put_time(b, (int64_t)rf_be64(u)); break;
    case RF_OID_BYTEA: put_bytea(b, u, p->lengths[i]); break;
    default: b->failed = true; break; /* a binary value this file does not know */
    }
}
