/*
 * test_runtime_url.c — connection strings: Prisma's parameters (pgbouncer,
 * schema, pool settings) are taken out before libpq sees them; everything
 * else reaches libpq unchanged.
 */
#include <check.h>
#include <string.h>

#include "internal.h"

static rf_conninfo parse_ok(const char *s)
{
    rf_conninfo ci;
    char err[256];
    ck_assert_msg(rf_conninfo_parse(s, &ci, err, sizeof err) == RF_OK, "%s: %s", s, err);
    return ci;
}

START_TEST(test_url_without_prisma_parameters_is_unchanged)
{
    const char *urls[] = {
        "postgresql://u:p%40ss@db.example.com:5432/app",
        "postgresql://u@/app?host=/tmp/sock&port=5433",
        "postgres://h/app?sslmode=require&application_name=x",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        rf_conninfo ci = parse_ok(urls[i]);
        ck_assert_str_eq(ci.libpq, urls[i]);
        ck_assert(!ci.pgbouncer);
        ck_assert_ptr_null(ci.schema);
        rf_conninfo_free(&ci);
    }
}
END_TEST

START_TEST(test_url_pgbouncer_and_schema_are_stripped)
{
    rf_conninfo ci = parse_ok("postgresql://u@h:6432/app?pgbouncer=true&sslmode=disable"
                              "&schema=my%20schema&connection_limit=5&pool_timeout=10");
    ck_assert_str_eq(ci.libpq, "postgresql://u@h:6432/app?sslmode=disable");
    ck_assert(ci.pgbouncer);
    ck_assert_str_eq(ci.schema, "my schema");
    ck_assert_int_eq(ci.connection_limit, 5);
    ck_assert_int_eq(ci.pool_timeout, 10);
    rf_conninfo_free(&ci);

    ci = parse_ok("postgresql://u@h/app?schema=tenant_1");
    ck_assert_int_eq(ci.connection_limit, 0);
    ck_assert_int_eq(ci.pool_timeout, -1);
    ck_assert_str_eq(ci.libpq, "postgresql://u@h/app");
    ck_assert(!ci.pgbouncer);
    ck_assert_str_eq(ci.schema, "tenant_1");
    rf_conninfo_free(&ci);

    ci = parse_ok("postgresql://u@h/app?pgbouncer=false&host=/tmp");
    ck_assert_str_eq(ci.libpq, "postgresql://u@h/app?host=/tmp");
    ck_assert(!ci.pgbouncer);
    rf_conninfo_free(&ci);

    ci = parse_ok("postgresql://u@h/app?statement_cache_size=0");
    ck_assert(ci.pgbouncer); /* no statement cache: the same unnamed statements */
    ck_assert_str_eq(ci.libpq, "postgresql://u@h/app");
    rf_conninfo_free(&ci);
}
END_TEST

START_TEST(test_keyword_strings)
{
    rf_conninfo ci = parse_ok("host=/tmp dbname=app pgbouncer=true user=me");
    ck_assert_str_eq(ci.libpq, "host=/tmp dbname=app user=me");
    ck_assert(ci.pgbouncer);
    rf_conninfo_free(&ci);

    ci = parse_ok("  host = /tmp  password='it\\'s \\\\ spaced'  schema = 'a b' ");
    ck_assert_str_eq(ci.libpq, "host = /tmp password='it\\'s \\\\ spaced'");
    ck_assert_str_eq(ci.schema, "a b");
    rf_conninfo_free(&ci);

    ci = parse_ok("");
    ck_assert_str_eq(ci.libpq, "");
    rf_conninfo_free(&ci);

    ci = parse_ok(NULL);
    ck_assert_str_eq(ci.libpq, "");
    rf_conninfo_free(&ci);
}
END_TEST

START_TEST(test_malformed_input)
{
    rf_conninfo ci;
    char err[256];
    ck_assert_int_eq(rf_conninfo_parse("postgresql://h/db?schema=%zz", &ci, err, sizeof err),
                     RF_INVALID_ARGUMENT);
    ck_assert(strlen(err) > 0);
    ck_assert_int_eq(rf_conninfo_parse("host=x schema='unterminated", &ci, err, sizeof err),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_conninfo_parse("postgresql://h/db?connection_limit=0", &ci, err,
                                       sizeof err), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_conninfo_parse("host=h pool_timeout=soon", &ci, err, sizeof err),
                     RF_INVALID_ARGUMENT);
    ck_assert_msg(strstr(err, "pool_timeout"), "%s", err);
    /* not ours to judge: libpq will say what is wrong */
    ci = parse_ok("this is not = valid = libpq");
    rf_conninfo_free(&ci);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_url");
    TCase *tc = tcase_create("url");
    tcase_add_test(tc, test_url_without_prisma_parameters_is_unchanged);
    tcase_add_test(tc, test_url_pgbouncer_and_schema_are_stripped);
    tcase_add_test(tc, test_keyword_strings);
    tcase_add_test(tc, test_malformed_input);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
