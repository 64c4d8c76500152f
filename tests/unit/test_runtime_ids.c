/*
 * test_runtime_ids.c — client-side ids in the formats Prisma's client
 * produces: length, alphabet, version bits, uniqueness, and time order for
 * uuid v7 and ulid.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "refract.h"

enum { N = 20000 };

static bool only(const char *s, const char *alphabet)
{
    return strspn(s, alphabet) == strlen(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* All N strings distinct (sorted copy has no equal neighbours). */
static void assert_unique(char **ids)
{
    char **sorted = malloc(N * sizeof *sorted);
    memcpy(sorted, ids, N * sizeof *sorted);
    qsort(sorted, N, sizeof *sorted, cmp_str);
    for (int i = 1; i < N; i++)
        ck_assert_str_ne(sorted[i - 1], sorted[i]);
    free(sorted);
}

static char **alloc_ids(size_t width)
{
    char **ids = malloc(N * sizeof *ids);
    for (int i = 0; i < N; i++)
        ids[i] = malloc(width);
    return ids;
}

static void free_ids(char **ids)
{
    for (int i = 0; i < N; i++)
        free(ids[i]);
    free(ids);
}

static void assert_uuid_shape(const char *u, char version)
{
    ck_assert_uint_eq(strlen(u), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            ck_assert_int_eq(u[i], '-');
        else
            ck_assert_msg(strchr("0123456789abcdef", u[i]) && u[i], "not lowercase hex: %s", u);
    }
    ck_assert_int_eq(u[14], version);
    ck_assert_msg(strchr("89ab", u[19]), "variant bits: %s", u);
}

START_TEST(test_uuid_v4)
{
    char **ids = alloc_ids(RF_UUID_SIZE);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_uuid_v4(ids[i]), RF_OK);
        assert_uuid_shape(ids[i], '4');
    }
    assert_unique(ids);
    free_ids(ids);
}
END_TEST

START_TEST(test_uuid_v7_is_time_ordered)
{
    char **ids = alloc_ids(RF_UUID_SIZE);
    rf_timestamp before = rf_timestamp_now() / 1000;
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_uuid_v7(ids[i]), RF_OK);
        assert_uuid_shape(ids[i], '7');
        if (i)
            ck_assert_msg(strcmp(ids[i - 1], ids[i]) < 0, "not increasing: %s then %s",
                          ids[i - 1], ids[i]);
    }
    rf_timestamp after = rf_timestamp_now() / 1000;
    /* the first 48 bits are the Unix time in ms */
    char hex[13];
    memcpy(hex, ids[0], 8);
    memcpy(hex + 8, ids[0] + 9, 4);
    hex[12] = '\0';
    long long ms = strtoll(hex, NULL, 16);
    ck_assert_int_ge(ms, before);
    ck_assert_int_le(ms, after + 1000); /* may run ahead on bursts, never behind */
    assert_unique(ids);
    free_ids(ids);
}
END_TEST

START_TEST(test_ulid_is_time_ordered)
{
    char **ids = alloc_ids(RF_ULID_SIZE);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_ulid(ids[i]), RF_OK);
        ck_assert_uint_eq(strlen(ids[i]), 26);
        ck_assert(only(ids[i], "0123456789ABCDEFGHJKMNPQRSTVWXYZ"));
        ck_assert_msg(ids[i][0] <= '7', "48-bit time overflows 26 chars: %s", ids[i]);
        if (i)
            ck_assert_msg(strcmp(ids[i - 1], ids[i]) < 0, "not increasing: %s then %s",
                          ids[i - 1], ids[i]);
    }
    /* time prefix decodes to now */
    const char *alpha = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    long long ms = 0;
    for (int i = 0; i < 10; i++)
        ms = ms * 32 + (strchr(alpha, ids[0][i]) - alpha);
    long long now = rf_timestamp_now() / 1000;
    ck_assert_int_le(llabs(now - ms), 60000);
    assert_unique(ids);
    free_ids(ids);
}
END_TEST

START_TEST(test_cuid)
{
    char **ids = alloc_ids(RF_CUID_SIZE);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_cuid(ids[i]), RF_OK);
        ck_assert_uint_eq(strlen(ids[i]), 25);
        ck_assert_int_eq(ids[i][0], 'c');
        ck_assert(only(ids[i], "0123456789abcdefghijklmnopqrstuvwxyz"));
    }
    /* same fingerprint within one process */
    ck_assert_int_eq(memcmp(ids[0] + 13, ids[1] + 13, 4), 0);
    assert_unique(ids);
    free_ids(ids);
}
END_TEST

START_TEST(test_cuid2)
{
    char **ids = alloc_ids(RF_CUID2_SIZE);
    bool seen_letter_start[26] = { false };
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_cuid2(ids[i]), RF_OK);
        ck_assert_uint_eq(strlen(ids[i]), 24);
        ck_assert_msg(ids[i][0] >= 'a' && ids[i][0] <= 'z', "must start with a letter: %s", ids[i]);
        seen_letter_start[ids[i][0] - 'a'] = true;
        ck_assert(only(ids[i], "0123456789abcdefghijklmnopqrstuvwxyz"));
    }
    for (int l = 0; l < 26; l++)
        ck_assert(seen_letter_start[l]);
    assert_unique(ids);
    free_ids(ids);
}
END_TEST

START_TEST(test_nanoid)
{
    char **ids = alloc_ids(RF_NANOID_DEFAULT + 1);
    int counts[128] = { 0 };
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_nanoid(ids[i], RF_NANOID_DEFAULT), RF_OK);
        ck_assert_uint_eq(strlen(ids[i]), 21);
        ck_assert(only(ids[i], alphabet));
        for (const char *c = ids[i]; *c; c++)
            counts[(int)*c]++;
    }
    /* every symbol shows up, none hugely over-represented (no modulo bias) */
    for (const char *c = alphabet; *c; c++) {
        double expected = N * 21.0 / 64;
        ck_assert_msg(counts[(int)*c] > expected * 0.9 && counts[(int)*c] < expected * 1.1,
                      "symbol %c: %d vs %.0f", *c, counts[(int)*c], expected);
    }
    assert_unique(ids);
    free_ids(ids);

    char small[3], big[RF_NANOID_MAX + 1];
    ck_assert_int_eq(rf_nanoid(small, 2), RF_OK);
    ck_assert_uint_eq(strlen(small), 2);
    ck_assert_int_eq(rf_nanoid(big, RF_NANOID_MAX), RF_OK);
    ck_assert_uint_eq(strlen(big), RF_NANOID_MAX);
    ck_assert_int_eq(rf_nanoid(small, 0), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_nanoid(big, RF_NANOID_MAX + 1), RF_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_random_bytes)
{
    unsigned char a[32], b[32];
    ck_assert_int_eq(rf_random_bytes(a, sizeof a), RF_OK);
    ck_assert_int_eq(rf_random_bytes(b, sizeof b), RF_OK);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    ck_assert_int_eq(rf_random_bytes(a, 0), RF_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_ids");
    TCase *tc = tcase_create("ids");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_uuid_v4);
    tcase_add_test(tc, test_uuid_v7_is_time_ordered);
    tcase_add_test(tc, test_ulid_is_time_ordered);
    tcase_add_test(tc, test_cuid);
    tcase_add_test(tc, test_cuid2);
    tcase_add_test(tc, test_nanoid);
    tcase_add_test(tc, test_random_bytes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
