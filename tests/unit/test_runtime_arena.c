/*
 * test_runtime_arena.c — rf_arena: what generated code relies on when it
 * puts whole result sets in a caller-owned arena.
 */
#include <check.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "refract.h"

START_TEST(test_allocations_are_aligned_and_distinct)
{
    rf_arena a = RF_ARENA_INIT;
    char *prev = NULL;
    for (size_t i = 0; i < 1000; i++) {
        char *p = rf_arena_alloc(&a, i % 37);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
        ck_assert_ptr_ne(p, prev);
        memset(p, 0xab, i % 37); /* writable: ASan would object otherwise */
        prev = p;
    }
    rf_arena_free(&a);
    ck_assert_ptr_null(a.first);
}
END_TEST

START_TEST(test_strings_and_copies)
{
    rf_arena a = RF_ARENA_INIT;
    const char *s = rf_arena_strdup(&a, "O'Brien \\ \"x\"");
    ck_assert_str_eq(s, "O'Brien \\ \"x\"");
    const char *t = rf_arena_strndup(&a, "abcdef", 3);
    ck_assert_str_eq(t, "abc");
    const unsigned char bytes[4] = { 0, 1, 0, 2 };
    const unsigned char *b = rf_arena_memdup(&a, bytes, 4);
    ck_assert_mem_eq(b, bytes, 4);
    int *zeros = rf_arena_calloc(&a, 100, sizeof *zeros);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(zeros[i], 0);
    ck_assert_ptr_null(rf_arena_calloc(&a, SIZE_MAX / 2, 4)); /* overflow refused */
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_large_allocation_gets_its_own_room)
{
    rf_arena a = RF_ARENA_INIT;
    char *small = rf_arena_strdup(&a, "before");
    char *big = rf_arena_alloc(&a, 3 * 1024 * 1024);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 3 * 1024 * 1024);
    ck_assert_str_eq(small, "before");
    rf_arena_free(&a);
}
END_TEST

START_TEST(test_reset_reuses_blocks)
{
    rf_arena a = RF_ARENA_INIT;
    for (int i = 0; i < 10000; i++)
        ck_assert_ptr_nonnull(rf_arena_alloc(&a, 48));
    size_t reserved = rf_arena_bytes_reserved(&a);
    ck_assert_uint_gt(reserved, 10000 * 48 - 1);
    for (int round = 0; round < 5; round++) {
        rf_arena_reset(&a);
        for (int i = 0; i < 10000; i++)
            ck_assert_ptr_nonnull(rf_arena_alloc(&a, 48));
        /* the same work after a reset needs no new memory */
        ck_assert_uint_eq(rf_arena_bytes_reserved(&a), reserved);
    }
    rf_arena_free(&a);
    ck_assert_uint_eq(rf_arena_bytes_reserved(&a), 0);
}
END_TEST

START_TEST(test_zero_size_and_init)
{
    rf_arena a;
    rf_arena_init(&a);
    void *p = rf_arena_alloc(&a, 0), *q = rf_arena_alloc(&a, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_ne(p, q);
    rf_arena_reset(&a);
    rf_arena_free(&a);
    rf_arena_free(&a); /* twice is harmless */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_arena");
    TCase *tc = tcase_create("arena");
    tcase_add_test(tc, test_allocations_are_aligned_and_distinct);
    tcase_add_test(tc, test_strings_and_copies);
    tcase_add_test(tc, test_large_allocation_gets_its_own_room);
    tcase_add_test(tc, test_reset_reuses_blocks);
    tcase_add_test(tc, test_zero_size_and_init);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
