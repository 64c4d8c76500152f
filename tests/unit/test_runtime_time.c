/*
 * test_runtime_time.c — rf_timestamp conversions: the calendar, ISO 8601
 * text as JavaScript (and so Prisma) prints it, and PostgreSQL's output.
 */
#include <check.h>
#include <string.h>

#include "refract.h"

#define US RF_USEC_PER_SEC

START_TEST(test_known_instants)
{
    ck_assert_int_eq(rf_timestamp_from_civil(1970, 1, 1, 0, 0, 0, 0), 0);
    ck_assert_int_eq(rf_timestamp_from_civil(2000, 1, 1, 0, 0, 0, 0), INT64_C(946684800) * US);
    ck_assert_int_eq(rf_timestamp_from_civil(2024, 2, 29, 12, 34, 56, 789000),
                     INT64_C(1709210096) * US + 789000);
    ck_assert_int_eq(rf_timestamp_from_civil(1969, 12, 31, 23, 59, 59, 999999), -1);
    ck_assert_int_eq(rf_timestamp_from_civil(1900, 3, 1, 0, 0, 0, 0), INT64_C(-2203891200) * US);
    /* normalization: month 13 is January of the next year, day 0 the last of the previous month */
    ck_assert_int_eq(rf_timestamp_from_civil(2023, 13, 1, 0, 0, 0, 0),
                     rf_timestamp_from_civil(2024, 1, 1, 0, 0, 0, 0));
    ck_assert_int_eq(rf_timestamp_from_civil(2024, 3, 0, 0, 0, 0, 0),
                     rf_timestamp_from_civil(2024, 2, 29, 0, 0, 0, 0));
}
END_TEST

START_TEST(test_civil_round_trip_over_many_days)
{
    /* every 7th day from 1600 to 2400, with negative years via a wider step */
    for (int64_t day = -135000; day < 157000; day += 7) {
        rf_timestamp t = day * 86400 * US + 3723 * US + 42;
        rf_civil c = rf_timestamp_to_civil(t);
        ck_assert_int_eq(c.hour, 1);
        ck_assert_int_eq(c.minute, 2);
        ck_assert_int_eq(c.second, 3);
        ck_assert_int_eq(c.microsecond, 42);
        ck_assert_int_eq(rf_timestamp_from_civil(c.year, c.month, c.day, c.hour, c.minute,
                                                 c.second, c.microsecond), t);
    }
    rf_civil c = rf_timestamp_to_civil(rf_timestamp_from_civil(-44, 3, 15, 0, 0, 0, 0));
    ck_assert_int_eq(c.year, -44);
    ck_assert_int_eq(c.month, 3);
    ck_assert_int_eq(c.day, 15);
}
END_TEST

START_TEST(test_iso8601_output)
{
    char buf[RF_ISO8601_SIZE];
    ck_assert_uint_eq(rf_timestamp_to_iso8601(0, buf), 24);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00.000Z");
    rf_timestamp_to_iso8601(rf_timestamp_from_civil(2024, 3, 5, 7, 8, 9, 123000), buf);
    ck_assert_str_eq(buf, "2024-03-05T07:08:09.123Z");
    rf_timestamp_to_iso8601(rf_timestamp_from_civil(2024, 3, 5, 7, 8, 9, 123456), buf);
    ck_assert_str_eq(buf, "2024-03-05T07:08:09.123456Z");
    rf_timestamp_to_iso8601(-1, buf);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59.999999Z");
    rf_timestamp_to_iso8601(rf_timestamp_from_civil(12345, 1, 1, 0, 0, 0, 0), buf);
    ck_assert_str_eq(buf, "+012345-01-01T00:00:00.000Z");
    rf_timestamp_to_iso8601(RF_TIMESTAMP_INFINITY, buf);
    ck_assert_str_eq(buf, "infinity");
    rf_timestamp_to_iso8601(RF_TIMESTAMP_NEG_INFINITY, buf);
    ck_assert_str_eq(buf, "-infinity");
}
END_TEST

static rf_timestamp parsed(const char *s)
{
    rf_timestamp t = 0;
    ck_assert_msg(rf_timestamp_parse(s, &t) == RF_OK, "should parse: %s", s);
    return t;
}

START_TEST(test_parse_accepts_iso_and_postgres_forms)
{
    rf_timestamp base = rf_timestamp_from_civil(2024, 3, 5, 7, 8, 9, 123000);
    ck_assert_int_eq(parsed("2024-03-05T07:08:09.123Z"), base);
    ck_assert_int_eq(parsed("2024-03-05 07:08:09.123"), base);
    ck_assert_int_eq(parsed("2024-03-05 07:08:09.123+00"), base);
    ck_assert_int_eq(parsed("2024-03-05T12:38:09.123+05:30"), base);
    ck_assert_int_eq(parsed("2024-03-05T02:08:09.123-0500"), base);
    ck_assert_int_eq(parsed("2024-03-05T07:08:09.1234569Z"), base + 456); /* truncated to µs */
    ck_assert_int_eq(parsed("2024-03-05"), rf_timestamp_from_civil(2024, 3, 5, 0, 0, 0, 0));
    ck_assert_int_eq(parsed("2024-03-05T07:08"), rf_timestamp_from_civil(2024, 3, 5, 7, 8, 0, 0));
    ck_assert_int_eq(parsed("0044-03-15 12:00:00+00 BC"),
                     rf_timestamp_from_civil(-43, 3, 15, 12, 0, 0, 0));
    ck_assert_int_eq(parsed("infinity"), RF_TIMESTAMP_INFINITY);
    ck_assert_int_eq(parsed("-infinity"), RF_TIMESTAMP_NEG_INFINITY);
    /* round trip through our own output */
    char buf[RF_ISO8601_SIZE];
    for (rf_timestamp t = -INT64_C(5000000000000000); t < INT64_C(5000000000000000);
         t += INT64_C(123456789012345)) {
        rf_timestamp_to_iso8601(t, buf);
        ck_assert_int_eq(parsed(buf), t);
    }
}
END_TEST

START_TEST(test_parse_rejects_garbage)
{
    const char *bad[] = { "", "2024", "2024-13-01", "2024-02-30", "2023-02-29", "2024-1-1",
                          "2024-03-05T25:00:00Z", "2024-03-05T07:60", "2024-03-05X",
                          "2024-03-05T07:08:09+99:00", "yesterday", "2024-03-05T07:08:09.Z",
                          "'; DROP TABLE x; --" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rf_timestamp t;
        ck_assert_msg(rf_timestamp_parse(bad[i], &t) == RF_INVALID_ARGUMENT, "accepted: %s",
                      bad[i]);
    }
}
END_TEST

START_TEST(test_now_and_unix)
{
    rf_timestamp now = rf_timestamp_now();
    ck_assert_int_gt(now, rf_timestamp_from_civil(2020, 1, 1, 0, 0, 0, 0));
    ck_assert_int_eq(rf_timestamp_from_unix(1700000000), INT64_C(1700000000) * US);
    ck_assert_int_eq(rf_timestamp_to_unix(-1), -1); /* floors */
    ck_assert_int_eq(rf_timestamp_to_unix(1999999), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_time");
    TCase *tc = tcase_create("time");
    tcase_add_test(tc, test_known_instants);
    tcase_add_test(tc, test_civil_round_trip_over_many_days);
    tcase_add_test(tc, test_iso8601_output);
    tcase_add_test(tc, test_parse_accepts_iso_and_postgres_forms);
    tcase_add_test(tc, test_parse_rejects_garbage);
    tcase_add_test(tc, test_now_and_unix);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
