/*
 * test_runtime_robust.c — the parsers never read out of bounds or crash,
 * whatever bytes they get: binary and text arrays, binary numerics, bytea
 * text, timestamps, connection strings. Deterministic pseudo-random inputs
 * (and mutations of valid ones); run under ASan by `make check-asan`.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t seed = 0x9e3779b97f4a7c15u;

static unsigned next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed >> 32);
}

/* Random bytes into an exactly-sized heap block (so ASan sees overruns),
 * NUL-terminated one past the end as libpq delivers values. */
static char *random_value(const char *seed_text, int *len)
{
    int n = (int)(next() % 64);
    char *p = malloc((size_t)n + 1);
    int base = seed_text ? (int)strlen(seed_text) : 0;
    for (int i = 0; i < n; i++) {
        if (base && next() % 4)
            p[i] = seed_text[(i + (int)(next() % 3)) % base];
        else
            p[i] = (char)(next() & 0xff);
    }
    p[n] = '\0';
    *len = n;
    return p;
}

static rf_status ignore(void *ctx, size_t i, rf_value e)
{
    (void)ctx;
    (void)i;
    (void)e;
    return RF_OK;
}

START_TEST(test_decoders_survive_noise)
{
    static const char *seeds[] = {
        "{\"a\\\"b\",NULL, c ,{1}}", "[0:2]={1,2,3}", "\\x00ff", "a\\\\b\\001",
        "2024-03-05 07:08:09.123+05:30 BC", "host=x dbname='a\\'b' pgbouncer=true",
        "postgresql://u@h/db?schema=a%20b&pgbouncer=1&x=y", NULL,
    };
    rf_arena a = RF_ARENA_INIT;
    for (int round = 0; round < 40000; round++) {
        const char *base = seeds[round % (sizeof seeds / sizeof seeds[0])];
        int len;
        char *p = random_value(base, &len);
        const char *why;
        size_t count;
        rf_oid types[] = { RF_OID_INT4_ARRAY, RF_OID_TEXT_ARRAY, RF_OID_BYTEA, RF_OID_NUMERIC,
                           RF_OID_TIMESTAMP, RF_OID_JSONB, RF_OID_UUID, RF_OID_INET, RF_OID_BIT };
        for (int fmt = 0; fmt <= 1; fmt++) {
            for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
                rf_value v = { p, len, fmt, types[t] };
                if (rf_array_count(v, &count, &why) == RF_OK)
                    rf_array_each(v, &a, ignore, NULL, &why);
                const char *s;
                size_t n;
                rf_bytes b;
                rf_timestamp ts;
                int64_t i;
                double d;
                rf_decode_text(v, &a, false, &s, &n, &why);
                rf_decode_bytes(v, &a, false, &b, &why);
                rf_decode_timestamp(v, &ts, &why);
                rf_decode_i64(v, &i, &why);
                rf_decode_f64(v, &d, &why);
            }
        }
        const char *out;
        size_t outlen;
        rf_numeric_binary_to_text((const unsigned char *)p, len, &a, &out, &outlen, &why);
        rf_timestamp ts;
        rf_timestamp_parse(p, &ts);
        rf_conninfo ci;
        char err[128];
        if (rf_conninfo_parse(p, &ci, err, sizeof err) == RF_OK)
            rf_conninfo_free(&ci);
        free(p);
        if (round % 1000 == 0)
            rf_arena_reset(&a);
    }
    rf_arena_free(&a);
}
END_TEST

/* Binary arrays with lying headers: sizes that overrun, negative lengths. */
START_TEST(test_binary_array_headers_that_lie)
{
    unsigned char b[40];
    const char *why;
    size_t count;
    for (int round = 0; round < 20000; round++) {
        memset(b, 0, sizeof b);
        rf_put_be32(b, next() % 3);                 /* ndim 0..2 */
        rf_put_be32(b + 8, RF_OID_INT4);
        rf_put_be32(b + 12, next() % 8);            /* claimed size */
        rf_put_be32(b + 20, (uint32_t)(int32_t)((int)(next() % 12) - 2)); /* element length */
        int len = (int)(next() % sizeof b);
        unsigned char *copy = malloc((size_t)len + 1);
        memcpy(copy, b, (size_t)len);
        copy[len] = 0;
        rf_value v = { (const char *)copy, len, RF_FORMAT_BINARY, RF_OID_INT4_ARRAY };
        if (rf_array_count(v, &count, &why) == RF_OK)
            rf_array_each(v, NULL, ignore, NULL, &why);
        free(copy);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_robust");
    TCase *tc = tcase_create("robust");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_decoders_survive_noise);
    tcase_add_test(tc, test_binary_array_headers_that_lie);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
