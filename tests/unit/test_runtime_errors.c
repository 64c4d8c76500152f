/*
 * test_runtime_errors.c — the statuses programs branch on: names, the
 * SQLSTATE mapping, Prisma's codes, and the error record of a client.
 */
#include <check.h>
#include <string.h>

#include "internal.h"

START_TEST(test_sqlstate_to_status)
{
    ck_assert_int_eq(rf_status_from_sqlstate("23505"), RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(rf_status_from_sqlstate("23503"), RF_FOREIGN_KEY_VIOLATION);
    ck_assert_int_eq(rf_status_from_sqlstate("23502"), RF_NOT_NULL_VIOLATION);
    ck_assert_int_eq(rf_status_from_sqlstate("23514"), RF_CHECK_VIOLATION);
    ck_assert_int_eq(rf_status_from_sqlstate("40001"), RF_SERIALIZATION_FAILURE);
    ck_assert_int_eq(rf_status_from_sqlstate("40P01"), RF_SERIALIZATION_FAILURE);
    ck_assert_int_eq(rf_status_from_sqlstate("08006"), RF_CONNECTION);
    ck_assert_int_eq(rf_status_from_sqlstate("57P01"), RF_CONNECTION);
    ck_assert_int_eq(rf_status_from_sqlstate("42601"), RF_ERROR);
    ck_assert_int_eq(rf_status_from_sqlstate(NULL), RF_ERROR);
    ck_assert_int_eq(rf_status_from_sqlstate("2350"), RF_ERROR);
}
END_TEST

START_TEST(test_prisma_codes)
{
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("23505"), "P2002");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("23503"), "P2003");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("23502"), "P2011");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("40001"), "P2034");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("40P01"), "P2034");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("22001"), "P2000");
    ck_assert_str_eq(rf_prisma_code_from_sqlstate("42601"), "");
    ck_assert_str_eq(rf_status_prisma_code(RF_NOT_FOUND), "P2025");
    ck_assert_str_eq(rf_status_prisma_code(RF_CONNECTION), "P1001");
    ck_assert_str_eq(rf_status_prisma_code(RF_OK), "");
}
END_TEST

START_TEST(test_status_names_are_distinct)
{
    for (int i = RF_OK; i <= RF_ERROR; i++) {
        const char *a = rf_status_name((rf_status)i);
        ck_assert(!strncmp(a, "RF_", 3));
        ck_assert_str_ne(a, "RF_UNKNOWN_STATUS");
        for (int j = RF_OK; j < i; j++)
            ck_assert_str_ne(a, rf_status_name((rf_status)j));
    }
    ck_assert_str_eq(rf_status_name(RF_SERIALIZATION_FAILURE), "RF_SERIALIZATION_FAILURE");
    ck_assert_str_eq(rf_status_name((rf_status)999), "RF_UNKNOWN_STATUS");
}
END_TEST

START_TEST(test_client_error_record)
{
    ck_assert_ptr_nonnull(rf_last_error(NULL));
    ck_assert_int_ne(rf_last_error(NULL)->status, RF_OK);
    ck_assert_int_eq(rf_orphan_error(RF_CONNECTION, "P2024", "pool timeout"), RF_CONNECTION);
    ck_assert_str_eq(rf_last_error(NULL)->message, "pool timeout");
    ck_assert_str_eq(rf_last_error(NULL)->prisma_code, "P2024");

    rf_client *c = rf_client_alloc();
    const rf_error *e = rf_last_error(c);
    ck_assert_int_eq(e->status, RF_OK);
    ck_assert_str_eq(e->message, "");
    ck_assert_int_eq(rf_fail(c, RF_NOT_FOUND, "No User found"), RF_NOT_FOUND);
    ck_assert_int_eq(e->status, RF_NOT_FOUND);
    ck_assert_str_eq(e->prisma_code, "P2025");
    ck_assert_str_eq(e->message, "No User found");
    ck_assert_str_eq(e->constraint, "");
    /* failing with the current message as the new one is safe */
    ck_assert_int_eq(rf_fail(c, RF_INVALID_ARGUMENT, e->message), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(e->message, "No User found");
    ck_assert_str_eq(e->prisma_code, "");
    /* no message: the status name stands in */
    rf_fail(c, RF_DECODE, NULL);
    ck_assert_str_eq(e->message, "RF_DECODE");
    rf_close(c);
}
END_TEST

/* The key list of a DETAIL, however its names are spelled. */
static size_t key(const char *detail, rf_arena *a, const char ***names)
{
    return rf_key_columns(detail, a, names);
}

START_TEST(test_key_columns_from_detail)
{
    rf_arena a = RF_ARENA_INIT;
    const char **n;
    ck_assert_uint_eq(key("Key (email)=(a@b.c) already exists.", &a, &n), 1);
    ck_assert_str_eq(n[0], "email");
    ck_assert_ptr_null(n[1]);
    ck_assert_uint_eq(key("Key (\"tenantId\", slug)=(1, a) already exists.", &a, &n), 2);
    ck_assert_str_eq(n[0], "tenantId");
    ck_assert_str_eq(n[1], "slug");
    /* quoted names with commas, parentheses, quotes and "=(" inside */
    ck_assert_uint_eq(key("Key (\"a, b\", \"c)=(d\", \"e\"\"f\")=(1, 2, 3) already exists.", &a,
                          &n), 3);
    ck_assert_str_eq(n[0], "a, b");
    ck_assert_str_eq(n[1], "c)=(d");
    ck_assert_str_eq(n[2], "e\"f");
    /* expressions as printed, string literals with parentheses inside */
    ck_assert_uint_eq(key("Key (lower(email), (n + 1), COALESCE(x, ')'::text))=(a, 2, ))"
                          " already exists.", &a, &n), 3);
    ck_assert_str_eq(n[0], "lower(email)");
    ck_assert_str_eq(n[1], "(n + 1)");
    ck_assert_str_eq(n[2], "COALESCE(x, ')'::text)");
    ck_assert_uint_eq(key("Key (\"a\" || \"b\")=(x) already exists.", &a, &n), 1);
    ck_assert_str_eq(n[0], "\"a\" || \"b\"");
    /* another language's words, same shape */
    ck_assert_uint_eq(key("Schlüssel \u00bb(email)=(x)\u00ab existiert bereits.", &a, &n), 1);
    ck_assert_str_eq(n[0], "email");
    /* no key list: nothing, and never NULL */
    const char *bad[] = { NULL, "", "Failing row contains (1, 2).", "Key (a", "Key ()=(1)",
                          "Key (a, b) already exists." };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_uint_eq(key(bad[i], &a, &n), 0);
        ck_assert_ptr_nonnull(n);
        ck_assert_ptr_null(n[0]);
    }
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_not_found_names_its_table)
{
    rf_client *c = rf_client_alloc();
    const rf_error *e = rf_last_error(c);
    ck_assert_ptr_nonnull(e->target);
    ck_assert_uint_eq(e->target_count, 0);
    ck_assert_int_eq(rf_fail_not_found(c, "User", "No record was found for an update."),
                     RF_NOT_FOUND);
    ck_assert_str_eq(e->prisma_code, "P2025");
    ck_assert_str_eq(e->table, "User");
    ck_assert_str_eq(e->message, "No record was found for an update.");
    rf_fail_not_found(c, e->table, NULL); /* its own strings as arguments: safe */
    ck_assert_str_eq(e->table, "User");
    ck_assert_str_eq(e->message, "No record found in User");
    rf_fail(c, RF_NOT_FOUND, "x"); /* plain rf_fail leaves it empty */
    ck_assert_str_eq(e->table, "");
    ck_assert_int_eq(rf_fail_not_found(NULL, "User", NULL), RF_NOT_FOUND);
    rf_close(c);
}
END_TEST

START_TEST(test_version)
{
    ck_assert_int_eq(rf_version_number(), RF_VERSION_NUMBER);
    ck_assert_int_eq(RF_VERSION_NUMBER, 400);
    ck_assert_str_eq(rf_version_string(), "0.4.0");
    ck_assert(RF_VERSION_COMPATIBLE(0, 4, 0));
    ck_assert(!RF_VERSION_COMPATIBLE(0, 5, 0));
    ck_assert(!RF_VERSION_COMPATIBLE(0, 3, 0)); /* generated without include's _count */
    ck_assert(!RF_VERSION_COMPATIBLE(0, 4, 1));
    ck_assert(!RF_VERSION_COMPATIBLE(1, 0, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_errors");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, test_sqlstate_to_status);
    tcase_add_test(tc, test_prisma_codes);
    tcase_add_test(tc, test_status_names_are_distinct);
    tcase_add_test(tc, test_client_error_record);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_key_columns_from_detail);
    tcase_add_test(tc, test_not_found_names_its_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
