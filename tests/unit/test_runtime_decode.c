/*
 * test_runtime_decode.c — decoding values as libpq delivers them, in both
 * wire formats, without a server: integers, floats, numerics exactly,
 * booleans, dates and times across PostgreSQL's 2000 epoch, uuid, jsonb,
 * bytea, and arrays; and encoding parameters.
 */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static rf_value bin(const void *data, int len, rf_oid type)
{
    return (rf_value){ (const char *)data, len, RF_FORMAT_BINARY, type };
}

static rf_value txt(const char *s, rf_oid type)
{
    return (rf_value){ s, (int)strlen(s), RF_FORMAT_TEXT, type };
}

START_TEST(test_integers)
{
    const char *why;
    int64_t v;
    unsigned char i2[] = { 0xff, 0xfe }, i4[] = { 0x80, 0, 0, 0 },
                  i8[] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    ck_assert_int_eq(rf_decode_i64(bin(i2, 2, RF_OID_INT2), &v, &why), RF_OK);
    ck_assert_int_eq(v, -2);
    ck_assert_int_eq(rf_decode_i64(bin(i4, 4, RF_OID_INT4), &v, &why), RF_OK);
    ck_assert_int_eq(v, INT32_MIN);
    ck_assert_int_eq(rf_decode_i64(bin(i8, 8, RF_OID_INT8), &v, &why), RF_OK);
    ck_assert_int_eq(v, INT64_MAX);
    ck_assert_int_eq(rf_decode_i64(txt("-9223372036854775808", RF_OID_INT8), &v, &why), RF_OK);
    ck_assert_int_eq(v, INT64_MIN);
    ck_assert_int_eq(rf_decode_i64(txt("42.000", RF_OID_NUMERIC), &v, &why), RF_OK);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(rf_decode_i64(txt("42.5", RF_OID_NUMERIC), &v, &why), RF_DECODE);
    ck_assert_int_eq(rf_decode_i64(txt("99999999999999999999", RF_OID_NUMERIC), &v, &why), RF_DECODE);
    ck_assert_int_eq(rf_decode_i64(txt("12abc", RF_OID_INT4), &v, &why), RF_DECODE);
    ck_assert_int_eq(rf_decode_i64(bin(i4, 3, RF_OID_INT4), &v, &why), RF_DECODE);
    ck_assert_int_eq(rf_decode_i64(bin("x", 1, RF_OID_TEXT), &v, &why), RF_DECODE);
}
END_TEST

START_TEST(test_floats_and_bools)
{
    const char *why;
    double d;
    double pi = 3.141592653589793;
    uint64_t bits;
    memcpy(&bits, &pi, 8);
    unsigned char f8[8];
    rf_put_be64(f8, bits);
    ck_assert_int_eq(rf_decode_f64(bin(f8, 8, RF_OID_FLOAT8), &d, &why), RF_OK);
    ck_assert(d == pi);
    float f = 1.5f;
    uint32_t b4;
    memcpy(&b4, &f, 4);
    unsigned char f4[4];
    rf_put_be32(f4, b4);
    ck_assert_int_eq(rf_decode_f64(bin(f4, 4, RF_OID_FLOAT4), &d, &why), RF_OK);
    ck_assert(d == 1.5);
    ck_assert_int_eq(rf_decode_f64(txt("-1e-300", RF_OID_FLOAT8), &d, &why), RF_OK);
    ck_assert(d == -1e-300);
    ck_assert_int_eq(rf_decode_f64(txt("Infinity", RF_OID_FLOAT8), &d, &why), RF_OK);
    ck_assert(isinf(d));
    ck_assert_int_eq(rf_decode_f64(txt("NaN", RF_OID_FLOAT8), &d, &why), RF_OK);
    ck_assert(isnan(d));

    bool b;
    ck_assert_int_eq(rf_decode_bool(bin("\1", 1, RF_OID_BOOL), &b, &why), RF_OK);
    ck_assert(b);
    ck_assert_int_eq(rf_decode_bool(txt("f", RF_OID_BOOL), &b, &why), RF_OK);
    ck_assert(!b);
    ck_assert_int_eq(rf_decode_bool(txt("maybe", RF_OID_BOOL), &b, &why), RF_DECODE);
}
END_TEST

/* Binary numeric: ndigits, weight, sign, dscale, then base-10000 digits. */
static const char *numeric(const int16_t *words, int nwords, rf_arena *a)
{
    unsigned char buf[64];
    for (int i = 0; i < nwords; i++) {
        buf[2 * i] = (unsigned char)((uint16_t)words[i] >> 8);
        buf[2 * i + 1] = (unsigned char)words[i];
    }
    const char *out, *why;
    size_t len;
    ck_assert_int_eq(rf_numeric_binary_to_text(buf, 2 * nwords, a, &out, &len, &why), RF_OK);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

START_TEST(test_numeric_binary_is_exact)
{
    rf_arena a = RF_ARENA_INIT;
    /* 12345.678: digits 1 2345 6780, weight 1, dscale 3 */
    ck_assert_str_eq(numeric((int16_t[]){ 3, 1, 0, 3, 1, 2345, 6780 }, 7, &a), "12345.678");
    /* -0.001: digit 10 at weight -1, dscale 3 */
    ck_assert_str_eq(numeric((int16_t[]){ 1, -1, 0x4000, 3, 10 }, 5, &a), "-0.001");
    /* 0 with scale 2: Prisma's Decimal prints 0 */
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, 0, 2 }, 4, &a), "0");
    /* 1e20: digit 1 at weight 5, trailing zero groups omitted */
    ck_assert_str_eq(numeric((int16_t[]){ 1, 5, 0, 0, 1 }, 5, &a), "100000000000000000000");
    /* Decimal(65,30)-like: 0.000000000000000000000000000001 */
    ck_assert_str_eq(numeric((int16_t[]){ 1, -8, 0, 30, 100 }, 5, &a),
                     "0.000000000000000000000000000001");
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, (int16_t)0xC000, 0 }, 4, &a), "NaN");
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, (int16_t)0xD000, 0 }, 4, &a), "Infinity");
    const char *out, *why;
    size_t len;
    unsigned char bad[8] = { 0, 5, 0, 0, 0, 0, 0, 0 }; /* claims 5 digits, has none */
    ck_assert_int_eq(rf_numeric_binary_to_text(bad, 8, &a, &out, &len, &why), RF_DECODE);
    rf_arena_free(&a);
}
END_TEST

/* A Decimal reads back as Prisma shows it (Decimal.js, toFixed()): no
 * padding to the column's scale, plain digits however small or large. */
START_TEST(test_numeric_binary_drops_the_scale_padding)
{
    rf_arena a = RF_ARENA_INIT;
    /* 0.0000025 in DECIMAL(65,30): digit 250 at weight -2, dscale 30 */
    ck_assert_str_eq(numeric((int16_t[]){ 1, -2, 0, 30, 250 }, 5, &a), "0.0000025");
    /* 1.50 and 100.000 */
    ck_assert_str_eq(numeric((int16_t[]){ 2, 0, 0, 2, 1, 5000 }, 6, &a), "1.5");
    ck_assert_str_eq(numeric((int16_t[]){ 1, 0, 0, 3, 100 }, 5, &a), "100");
    /* integers keep their own zeros: 1000, 10000 (weight 1), 1000 with scale */
    ck_assert_str_eq(numeric((int16_t[]){ 1, 0, 0, 0, 1000 }, 5, &a), "1000");
    ck_assert_str_eq(numeric((int16_t[]){ 1, 1, 0, 0, 1 }, 5, &a), "10000");
    ck_assert_str_eq(numeric((int16_t[]){ 1, 0, 0, 4, 1000 }, 5, &a), "1000");
    ck_assert_str_eq(numeric((int16_t[]){ 1, 0, 0, 30, 1000 }, 5, &a), "1000");
    /* zero, in every scale, and a negative zero that the wire could carry */
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, 0, 0 }, 4, &a), "0");
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, 0, 30 }, 4, &a), "0");
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, 0x4000, 2 }, 4, &a), "0");
    /* negatives: -12.5 stored with scale 2, -1000 */
    ck_assert_str_eq(numeric((int16_t[]){ 2, 0, 0x4000, 2, 12, 5000 }, 6, &a), "-12.5");
    ck_assert_str_eq(numeric((int16_t[]){ 1, 0, 0x4000, 3, 1000 }, 5, &a), "-1000");
    /* large exponents stay plain: 1e40 and 1e-40 */
    ck_assert_str_eq(numeric((int16_t[]){ 1, 10, 0, 0, 1 }, 5, &a),
                     "10000000000000000000000000000000000000000");
    ck_assert_str_eq(numeric((int16_t[]){ 1, -10, 0, 40, 1 }, 5, &a),
                     "0.0000000000000000000000000000000000000001");
    /* the specials are left alone */
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, (int16_t)0xC000, 0 }, 4, &a), "NaN");
    ck_assert_str_eq(numeric((int16_t[]){ 0, 0, (int16_t)0xF000, 0 }, 4, &a), "-Infinity");
    rf_arena_free(&a);
}
END_TEST

/* Text-format results carry PostgreSQL's padded text: trimmed the same. */
START_TEST(test_numeric_text_drops_the_scale_padding)
{
    static const struct { const char *in, *out; } cases[] = {
        { "0.000002500000000000000000000000", "0.0000025" },
        { "1.50", "1.5" }, { "100.000", "100" }, { "1000", "1000" }, { "0.00", "0" },
        { "-0.00", "0" }, { "-12.50", "-12.5" }, { "12.345", "12.345" }, { "NaN", "NaN" },
        { "-Infinity", "-Infinity" }, { "10.", "10" },
    };
    rf_arena a = RF_ARENA_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rf_value v = { cases[i].in, (int)strlen(cases[i].in), RF_FORMAT_TEXT, RF_OID_NUMERIC };
        for (int borrow = 0; borrow <= 1; borrow++) {
            const char *out, *why = NULL;
            size_t len;
            ck_assert_int_eq(rf_decode_text(v, &a, borrow, &out, &len, &why), RF_OK);
            ck_assert_str_eq(out, cases[i].out);
            ck_assert_uint_eq(len, strlen(cases[i].out));
        }
    }
    /* other text types keep their trailing zeros */
    rf_value t = { "1.50", 4, RF_FORMAT_TEXT, RF_OID_TEXT };
    const char *out, *why = NULL;
    size_t len;
    ck_assert_int_eq(rf_decode_text(t, &a, false, &out, &len, &why), RF_OK);
    ck_assert_str_eq(out, "1.50");
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_timestamps_across_epochs)
{
    const char *why;
    rf_timestamp t;
    unsigned char b8[8], b4[4];
    /* binary timestamp 0 is 2000-01-01 */
    rf_put_be64(b8, 0);
    ck_assert_int_eq(rf_decode_timestamp(bin(b8, 8, RF_OID_TIMESTAMP), &t, &why), RF_OK);
    ck_assert_int_eq(t, rf_timestamp_from_civil(2000, 1, 1, 0, 0, 0, 0));
    rf_put_be64(b8, (uint64_t)INT64_C(-1));
    ck_assert_int_eq(rf_decode_timestamp(bin(b8, 8, RF_OID_TIMESTAMPTZ), &t, &why), RF_OK);
    ck_assert_int_eq(t, rf_timestamp_from_civil(1999, 12, 31, 23, 59, 59, 999999));
    rf_put_be64(b8, (uint64_t)INT64_MAX);
    ck_assert_int_eq(rf_decode_timestamp(bin(b8, 8, RF_OID_TIMESTAMP), &t, &why), RF_OK);
    ck_assert_int_eq(t, RF_TIMESTAMP_INFINITY);
    /* date: days since 2000-01-01 */
    rf_put_be32(b4, (uint32_t)-10957);
    ck_assert_int_eq(rf_decode_timestamp(bin(b4, 4, RF_OID_DATE), &t, &why), RF_OK);
    ck_assert_int_eq(t, 0);
    /* time: µs since midnight, on 1970-01-01 */
    rf_put_be64(b8, (uint64_t)(3600 * RF_USEC_PER_SEC + 5));
    ck_assert_int_eq(rf_decode_timestamp(bin(b8, 8, RF_OID_TIME), &t, &why), RF_OK);
    ck_assert_int_eq(t, 3600 * RF_USEC_PER_SEC + 5);
    /* text forms */
    ck_assert_int_eq(rf_decode_timestamp(txt("2024-03-05 07:08:09.5+02", RF_OID_TIMESTAMPTZ), &t,
                                         &why), RF_OK);
    ck_assert_int_eq(t, rf_timestamp_from_civil(2024, 3, 5, 5, 8, 9, 500000));
    ck_assert_int_eq(rf_decode_timestamp(txt("13:14:15", RF_OID_TIME), &t, &why), RF_OK);
    ck_assert_int_eq(t, rf_timestamp_from_civil(1970, 1, 1, 13, 14, 15, 0));
    ck_assert_int_eq(rf_decode_timestamp(txt("05/03/2024", RF_OID_DATE), &t, &why), RF_DECODE);
}
END_TEST

START_TEST(test_text_forms)
{
    rf_arena a = RF_ARENA_INIT;
    const char *out, *why;
    size_t len;
    unsigned char uuid[16] = { 0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4,
                               0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00 };
    ck_assert_int_eq(rf_decode_text(bin(uuid, 16, RF_OID_UUID), &a, false, &out, &len, &why),
                     RF_OK);
    ck_assert_str_eq(out, "550e8400-e29b-41d4-a716-446655440000");
    ck_assert_int_eq(rf_decode_text(bin("\1{\"a\": 1}", 9, RF_OID_JSONB), &a, true, &out, &len,
                                    &why), RF_OK);
    ck_assert_str_eq(out, "{\"a\": 1}");
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(rf_decode_text(bin("\2{}", 3, RF_OID_JSONB), &a, true, &out, &len, &why),
                     RF_DECODE);
    /* borrowed: the very same pointer */
    const char *s = "O'Reilly \\ \"quoted\" ünïcødé";
    ck_assert_int_eq(rf_decode_text(txt(s, RF_OID_TEXT), &a, true, &out, &len, &why), RF_OK);
    ck_assert_ptr_eq(out, s);
    ck_assert_int_eq(rf_decode_text(txt(s, RF_OID_TEXT), &a, false, &out, &len, &why), RF_OK);
    ck_assert_ptr_ne(out, s);
    ck_assert_str_eq(out, s);
    unsigned char i4[4] = { 0, 0, 0x30, 0x39 };
    ck_assert_int_eq(rf_decode_text(bin(i4, 4, RF_OID_INT4), &a, true, &out, &len, &why), RF_OK);
    ck_assert_str_eq(out, "12345");
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_bytea)
{
    rf_arena a = RF_ARENA_INIT;
    rf_bytes b;
    const char *why;
    ck_assert_int_eq(rf_decode_bytes(txt("\\x00ff10", RF_OID_BYTEA), &a, false, &b, &why), RF_OK);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_mem_eq(b.data, "\x00\xff\x10", 3);
    ck_assert_int_eq(rf_decode_bytes(txt("a\\\\b\\000", RF_OID_BYTEA), &a, false, &b, &why), RF_OK);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_mem_eq(b.data, "a\\b\0", 4);
    ck_assert_int_eq(rf_decode_bytes(txt("\\x", RF_OID_BYTEA), &a, false, &b, &why), RF_OK);
    ck_assert_ptr_nonnull(b.data); /* empty, not NULL */
    ck_assert_uint_eq(b.len, 0);
    ck_assert_int_eq(rf_decode_bytes(txt("\\x0", RF_OID_BYTEA), &a, false, &b, &why), RF_DECODE);
    ck_assert_int_eq(rf_decode_bytes(bin("\0\1\2", 3, RF_OID_BYTEA), &a, false, &b, &why), RF_OK);
    ck_assert_mem_eq(b.data, "\0\1\2", 3);
    rf_arena_free(&a);
}
END_TEST

typedef struct seen {
    int n;
    const char *items[16];
    int lens[16];
} seen;

static rf_status remember(void *ctx, size_t i, rf_value e)
{
    seen *s = ctx;
    ck_assert_uint_eq(i, (size_t)s->n);
    s->items[s->n] = e.data;
    s->lens[s->n++] = e.len;
    return RF_OK;
}

START_TEST(test_text_arrays)
{
    rf_arena a = RF_ARENA_INIT;
    const char *why;
    size_t n;
    seen s = { 0 };
    rf_value v = txt("{\"a\\\"b\",NULL,\"NULL\", c d ,\"\",\"x,y}\"}", RF_OID_TEXT_ARRAY);
    ck_assert_int_eq(rf_array_count(v, &n, &why), RF_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(rf_array_each(v, &a, remember, &s, &why), RF_OK);
    ck_assert_int_eq(s.n, 6);
    ck_assert_str_eq(s.items[0], "a\"b");
    ck_assert_ptr_null(s.items[1]);
    ck_assert_str_eq(s.items[2], "NULL");
    ck_assert_str_eq(s.items[3], "c d");
    ck_assert_str_eq(s.items[4], "");
    ck_assert_str_eq(s.items[5], "x,y}");

    ck_assert_int_eq(rf_array_count(txt("{}", RF_OID_INT4_ARRAY), &n, &why), RF_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(rf_array_count(txt("[0:1]={7,8}", RF_OID_INT4_ARRAY), &n, &why), RF_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(rf_array_count(txt("{{1,2},{3,4}}", RF_OID_INT4_ARRAY), &n, &why),
                     RF_DECODE);
    ck_assert_int_eq(rf_array_count(txt("{1,2", RF_OID_INT4_ARRAY), &n, &why), RF_DECODE);
    ck_assert_int_eq(rf_array_count(txt("1,2", RF_OID_INT4_ARRAY), &n, &why), RF_DECODE);
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_binary_arrays)
{
    /* int4[] {5,NULL,-1}: ndim 1, hasnull 1, elem 23, size 3, lbound 1, elements */
    unsigned char b[] = { 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 3, 0, 0, 0, 1,
                          0, 0, 0, 4, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff,
                          0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff };
    const char *why;
    size_t n;
    seen s = { 0 };
    rf_value v = bin(b, sizeof b, RF_OID_INT4_ARRAY);
    ck_assert_int_eq(rf_array_count(v, &n, &why), RF_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(rf_array_each(v, NULL, remember, &s, &why), RF_OK);
    ck_assert_int_eq(s.n, 3);
    ck_assert_ptr_null(s.items[1]);
    ck_assert_int_eq(s.lens[0], 4);
    /* truncated: the last element claims 4 bytes but has 3 */
    s.n = 0;
    ck_assert_int_eq(rf_array_each(bin(b, sizeof b - 1, RF_OID_INT4_ARRAY), NULL, remember, &s,
                                   &why), RF_DECODE);
    /* empty array: ndim 0 */
    unsigned char empty[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23 };
    ck_assert_int_eq(rf_array_count(bin(empty, sizeof empty, RF_OID_INT4_ARRAY), &n, &why), RF_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_params_encoding)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, -2);
    rf_params_add_i64(&p, INT64_C(0x0102030405060708));
    rf_params_add_bool(&p, true);
    rf_params_add_text(&p, "x'y");
    rf_params_add_null(&p);
    rf_params_add_timestamp(&p, rf_timestamp_from_civil(2000, 1, 1, 0, 0, 0, 1));
    rf_params_add_bytes(&p, NULL, 0);
    rf_params_add_text_n(&p, "abcdef", 3);
    ck_assert_int_eq(p.count, 8);
    ck_assert_int_eq(p.error, RF_OK);
    ck_assert_int_eq(p.formats[0], RF_FORMAT_BINARY);
    ck_assert_int_eq(p.types[0], RF_OID_INT4);
    ck_assert_mem_eq(p.values[0], "\xff\xff\xff\xfe", 4);
    ck_assert_mem_eq(p.values[1], "\1\2\3\4\5\6\7\x08", 8);
    ck_assert_int_eq(p.lengths[2], 1);
    ck_assert_int_eq(p.values[2][0], 1);
    ck_assert_str_eq(p.values[3], "x'y");
    ck_assert_int_eq(p.types[3], RF_OID_UNKNOWN);
    ck_assert_ptr_null(p.values[4]);
    ck_assert_mem_eq(p.values[5], "\0\0\0\0\0\0\0\1", 8); /* 1 µs after 2000-01-01 */
    ck_assert_ptr_nonnull(p.values[6]); /* empty bytea is not NULL */
    ck_assert_int_eq(p.lengths[6], 0);
    ck_assert_str_eq(p.values[7], "abc");

    /* past the inline slots, earlier values stay put */
    for (int i = 0; i < 100; i++)
        rf_params_add_i32(&p, i);
    ck_assert_int_eq(p.count, 108);
    ck_assert_mem_eq(p.values[0], "\xff\xff\xff\xfe", 4);
    ck_assert_mem_eq(p.values[107], "\0\0\0\x63", 4);

    const char *texts[] = { "a\"b", NULL, "c\\d", "", "NULL", "x,y{}" };
    rf_params_add_text_array(&p, texts, 6);
    ck_assert_str_eq(p.values[108], "{\"a\\\"b\",NULL,\"c\\\\d\",\"\",\"NULL\",\"x,y{}\"}");
    int32_t ints[] = { 1, -2, INT32_MAX };
    rf_params_add_i32_array(&p, ints, 3);
    ck_assert_str_eq(p.values[109], "{1,-2,2147483647}");
    rf_params_add_i32_array(&p, NULL, 0);
    ck_assert_str_eq(p.values[110], "{}");
    double ds[] = { 0.1, INFINITY, NAN };
    rf_params_add_f64_array(&p, ds, 3);
    ck_assert_str_eq(p.values[111], "{0.1,Infinity,NaN}");

    static const char *const role_names[] = { "USER", "ADMIN" };
    static const rf_enum_table roles = { "Role", role_names, 2 };
    rf_params_add_enum(&p, &roles, 1);
    ck_assert_str_eq(p.values[112], "ADMIN");
    ck_assert_int_eq(p.error, RF_OK);
    rf_params_add_enum(&p, &roles, 7);
    ck_assert_int_eq(p.error, RF_INVALID_ARGUMENT);
    rf_params_free(&p);
    ck_assert_int_eq(p.count, 0);

    /* Integer arrays at their extremes (include keys travel this way). */
    rf_params q;
    rf_params_init(&q);
    int64_t bigs[] = { INT64_MIN, -1, 0, 9, 10, INT64_MAX };
    rf_params_add_i64_array(&q, bigs, 6);
    ck_assert_str_eq(q.values[0], "{-9223372036854775808,-1,0,9,10,9223372036854775807}");
    int32_t smalls[] = { INT32_MIN, 100 };
    rf_params_add_i32_array(&q, smalls, 2);
    ck_assert_str_eq(q.values[1], "{-2147483648,100}");
    rf_params_free(&q);
}
END_TEST

START_TEST(test_enum_tables)
{
    static const char *const names[] = { "DRAFT", "PUBLISHED", "in review" };
    static const rf_enum_table t = { "Status", names, 3 };
    int v;
    ck_assert_int_eq(rf_enum_from_string(&t, "PUBLISHED", &v), RF_OK);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(rf_enum_from_string(&t, "in review", &v), RF_OK);
    ck_assert_int_eq(v, 2);
    ck_assert_int_eq(rf_enum_from_string(&t, "draft", &v), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(rf_enum_to_string(&t, 0), "DRAFT");
    ck_assert_ptr_null(rf_enum_to_string(&t, 3));
    ck_assert_ptr_null(rf_enum_to_string(&t, -1));
}
END_TEST

START_TEST(test_floats_print_shortest_exact)
{
    struct { double d; const char *text; } cases[] = {
        { 0.1, "0.1" }, { 0.1 + 0.2, "0.30000000000000004" }, { 1.0 / 3, "0.3333333333333333" },
        { 1e300, "1e+300" }, { -2.5e-7, "-2.5e-07" }, { 5e-324, "4.94065645841247e-324" }, /* denormal: exact, though not shortest */
        { 123456789012345678.0, "1.2345678901234568e+17" }, { 0, "0" },
    };
    char buf[40];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rf_format_double_c(buf, sizeof buf, cases[i].d);
        ck_assert_str_eq(buf, cases[i].text);
    }
}
END_TEST

/* A program that chose a decimal-comma locale still reads "1.5" as 1.5 and
 * sends "1.5". Skipped where no such locale is installed. */
START_TEST(test_doubles_ignore_the_program_locale)
{
    const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8" };
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    if (!set) {
        fprintf(stderr, "skipped: no decimal-comma locale installed\n");
        return;
    }
    const char *why;
    double d;
    ck_assert_int_eq(rf_decode_f64(txt("1.5", RF_OID_FLOAT8), &d, &why), RF_OK);
    ck_assert(d == 1.5);
    rf_params p;
    rf_params_init(&p);
    rf_params_add_f64_array(&p, (double[]){ 2.5 }, 1);
    ck_assert_str_eq(p.values[0], "{2.5}");
    rf_params_free(&p);
    setlocale(LC_NUMERIC, "C");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_floats_and_bools);
    tcase_add_test(tc, test_numeric_binary_is_exact);
    tcase_add_test(tc, test_numeric_binary_drops_the_scale_padding);
    tcase_add_test(tc, test_numeric_text_drops_the_scale_padding);
    tcase_add_test(tc, test_timestamps_across_epochs);
    tcase_add_test(tc, test_text_forms);
    tcase_add_test(tc, test_bytea);
    tcase_add_test(tc, test_text_arrays);
    tcase_add_test(tc, test_binary_arrays);
    tcase_add_test(tc, test_params_encoding);
    tcase_add_test(tc, test_enum_tables);
    tcase_add_test(tc, test_doubles_ignore_the_program_locale);
    tcase_add_test(tc, test_floats_print_shortest_exact);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
