/*
 * test_query_builder.c — the SQL that refract_query.h builds for generated
 * clients: only generator-written text and $n placeholders, values in the
 * parameters, and neutral SQL for empty groups.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "refract_query.h"

START_TEST(filters_become_placeholders_and_values_parameters)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_group_begin(&q, "AND");
    rf_q_where_i32(&q, "t.\"age\"", &(rf_i32_filter){.ops = RF_OP_GTE | RF_OP_LT, .gte = 18, .lt = 65});
    rf_q_where_text(&q, "t.\"name\"", &(rf_text_filter){.contains = "50%_off'; DROP", .mode = RF_MODE_INSENSITIVE});
    rf_q_where_text(&q, "t.\"email\"", &(rf_text_filter)RF_IS_NULL);
    rf_q_group_end(&q);
    ck_assert_str_eq(q.sql, "(t.\"age\" < $1 AND t.\"age\" >= $2 AND t.\"name\" ILIKE $3 AND t.\"email\" IS NULL)");
    ck_assert_int_eq(q.params.count, 3);
    /* The LIKE pattern escapes the wildcards of the value. */
    ck_assert_str_eq(q.params.values[2], "%50\\%\\_off'; DROP%");
    ck_assert_int_eq(rf_query_status(&q), RF_OK);
    rf_query_free(&q);
}
END_TEST

START_TEST(empty_groups_are_neutral)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_group_begin(&q, "AND");
    rf_q_group_begin(&q, "OR");
    rf_q_group_end(&q);
    rf_q_group_begin(&q, "AND");
    rf_q_group_end(&q);
    rf_q_group_begin(&q, "NOT");
    rf_q_cond(&q, "@ IS NULL", "t.\"x\"");
    rf_q_group_end(&q);
    rf_q_group_end(&q);
    ck_assert_str_eq(q.sql, "(FALSE AND TRUE AND NOT (t.\"x\" IS NULL))");
    rf_query_free(&q);

    rf_query_init(&q);
    rf_q_group_begin(&q, "AND");
    rf_q_group_end(&q);
    ck_assert_str_eq(q.sql, "TRUE");
    rf_query_free(&q);
}
END_TEST

START_TEST(order_page_and_cursor)
{
    static const char *const columns[] = {"\"id\"", "\"name\"", NULL};
    static const int key[] = {0};
    const rf_table_shape shape = {"\"User\"", columns, 3, key, 1};
    rf_order_item by_name_desc[] = {{1, RF_DESC, RF_NULLS_LAST}};
    rf_query q;
    rf_query_init(&q);
    rf_params_add_i32(&q.params, 7); /* the cursor's id is $1 */
    rf_q_group_begin(&q, "AND");
    rf_q_cursor(&q, &shape, by_name_desc, 1, 1, false);
    rf_q_group_end(&q);
    rf_q_order_page(&q, &shape, by_name_desc, 1, 1, 10, true);
    ck_assert_str_eq(q.sql,
                     "((t.\"name\" < (SELECT c.\"name\" FROM \"User\" c WHERE c.\"id\" = $1) OR "
                     "(t.\"name\" = (SELECT c.\"name\" FROM \"User\" c WHERE c.\"id\" = $1) AND "
                     "(t.\"id\" >= (SELECT c.\"id\" FROM \"User\" c WHERE c.\"id\" = $1)))))"
                     " ORDER BY t.\"name\" DESC NULLS LAST, t.\"id\" ASC LIMIT $2 OFFSET $3");
    rf_query_free(&q);

    /* Negative take: the order flips (the caller reverses the rows). */
    rf_query_init(&q);
    rf_q_order_page(&q, &shape, by_name_desc, 1, 0, -5, false);
    ck_assert_str_eq(q.sql, " ORDER BY t.\"name\" ASC NULLS FIRST, t.\"id\" DESC LIMIT $1");
    rf_query_free(&q);

    /* A field that cannot be ordered by is refused, not spliced. */
    rf_query_init(&q);
    rf_q_order_page(&q, &shape, (rf_order_item[]){{2, RF_ASC, 0}}, 1, 0, 0, false);
    ck_assert_int_eq(rf_query_status(&q), RF_INVALID_ARGUMENT);
    rf_query_free(&q);
    rf_query_init(&q);
    rf_q_order_page(&q, &shape, (rf_order_item[]){{99, RF_ASC, 0}}, 1, 0, 0, false);
    ck_assert_int_eq(rf_query_status(&q), RF_INVALID_ARGUMENT);
    rf_query_free(&q);
}
END_TEST

START_TEST(insert_and_set_lists)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_insert_begin(&q, "\"User\"");
    rf_q_insert_end(&q);
    ck_assert_str_eq(q.sql, "INSERT INTO \"User\" AS t DEFAULT VALUES");
    rf_query_free(&q);

    rf_query_init(&q);
    rf_q_insert_begin(&q, "\"User\"");
    rf_q_insert_col(&q, "\"email\"");
    rf_params_add_text(&q.params, "a@b.c");
    rf_q_insert_col(&q, "\"age\"");
    rf_params_add_i32(&q.params, 3);
    rf_q_insert_end(&q);
    rf_q_sql(&q, " ON CONFLICT (\"email\") DO UPDATE SET ");
    rf_q_set_begin(&q);
    rf_q_set_i32(&q, "\"age\"", &(rf_i32_update)RF_INCREMENT(1));
    rf_q_set_text(&q, "\"name\"", &(rf_text_update)RF_SET_NULL);
    rf_q_set_text(&q, "\"bio\"", &(rf_text_update){0});
    ck_assert_str_eq(q.sql, "INSERT INTO \"User\" AS t (\"email\", \"age\") VALUES ($1, $2)"
                            " ON CONFLICT (\"email\") DO UPDATE SET \"age\" = t.\"age\" + $3, \"name\" = NULL");
    ck_assert_int_eq(rf_q_set_count(&q), 2);
    /* Increment on text is a caller mistake. */
    rf_q_set_text(&q, "\"bio\"", &(rf_text_update){.op = RF_UPDATE_INCREMENT, .value = "x"});
    ck_assert_int_eq(rf_query_status(&q), RF_INVALID_ARGUMENT);
    rf_query_free(&q);
}
END_TEST

/* Struct values (Bytes, lists) written as compound literals go through the
 * value macros as one value, commas and all. */
START_TEST(compound_literal_values_pass_through_the_macros)
{
    static const unsigned char hash[4] = {0xde, 0xad, 0xbe, 0xef};
    const char *tags[] = {"c", "sql"};
    rf_bytes_filter eq = RF_EQ((rf_bytes){hash, 4});
    ck_assert_uint_eq(eq.ops, RF_OP_EQUALS);
    ck_assert_ptr_eq(eq.equals.data, hash);
    ck_assert_uint_eq(eq.equals.len, 4);
    rf_bytes_filter ne = RF_NE((rf_bytes){hash, 2});
    ck_assert_uint_eq(ne.not_equals.len, 2);
    rf_bytes_list_filter has = RF_HAS((rf_bytes){hash, 3});
    ck_assert_uint_eq(has.ops, RF_OP_HAS);
    ck_assert_uint_eq(has.has.len, 3);
    rf_text_array_update set = RF_SET((rf_text_array){tags, 2});
    ck_assert_int_eq(set.op, RF_UPDATE_SET);
    ck_assert_uint_eq(set.value.count, 2);
    ck_assert_str_eq(set.value.items[1], "sql");
    rf_text_array_update braces = RF_SET({tags, 1}); /* a plain brace list too */
    ck_assert_uint_eq(braces.value.count, 1);
    rf_i32_filter gt = RF_GT(7); /* scalars as before */
    ck_assert_int_eq(gt.gt, 7);
}
END_TEST

START_TEST(keymaps_link_rows)
{
    rf_keymap m;
    ck_assert_int_eq(rf_keymap_init(&m, 2), RF_OK);
    for (int64_t k = 0; k < 1000; k++)
        ck_assert_int_eq(rf_keymap_put_int(&m, k * 7919, (size_t)k), RF_OK);
    ck_assert_uint_eq(rf_keymap_get_int(&m, 7919 * 500), 500);
    ck_assert_uint_eq(rf_keymap_get_int(&m, 3), SIZE_MAX);
    ck_assert_int_eq(rf_keymap_put_text(&m, "ab", 1), RF_OK);
    ck_assert_int_eq(rf_keymap_put_text(&m, "ab", 2), RF_OK); /* the first wins */
    ck_assert_uint_eq(rf_keymap_get_text(&m, "ab"), 1);
    ck_assert_uint_eq(rf_keymap_get_text(&m, "a"), SIZE_MAX);
    ck_assert_uint_eq(rf_keymap_get_text(&m, NULL), SIZE_MAX);
    rf_keymap_free(&m);
}
END_TEST

/* Json filters: the path is one text[] parameter read twice (as jsonb and
 * as text), values are jsonb parameters, string patterns are escaped, and
 * typed tests are CASEs (unknown for other JSON types); `search` is
 * Prisma's to_tsvector / to_tsquery pair. */
START_TEST(json_filters_and_search_keep_values_in_parameters)
{
    rf_query q;
    rf_query_init(&q);
    rf_q_group_begin(&q, "AND");
    rf_q_where_json(&q, "t.\"meta\"",
                    &(rf_json_filter){RF_JSON_PATH("a'b", "0"), .equals = "1",
                                      .string_contains = "50%_", .array_contains = "[2]"});
    rf_q_where_json(&q, "t.\"meta\"", &(rf_json_filter){.ops = RF_OP_ANY_NULL});
    rf_q_where_json(&q, "t.\"meta\"", &(rf_json_filter){.path = NULL, .npath = 0});
    rf_q_where_search(&q, "t.\"title\"", "cat & dog");
    rf_q_group_end(&q);
    ck_assert_str_eq(q.sql,
                     "((t.\"meta\"::jsonb #> $1::text[]) = $2::jsonb"
                     " AND CASE WHEN jsonb_typeof((t.\"meta\"::jsonb #> $1::text[])) = 'string'"
                     " THEN (t.\"meta\"::jsonb #>> $1::text[]) LIKE $3 END"
                     " AND CASE WHEN jsonb_typeof((t.\"meta\"::jsonb #> $1::text[])) = 'array'"
                     " THEN (t.\"meta\"::jsonb #> $1::text[]) @> $4::jsonb END"
                     " AND ((t.\"meta\"::jsonb) IS NULL OR (t.\"meta\"::jsonb) = 'null'::jsonb)"
                     " AND to_tsvector(concat_ws(' ', t.\"title\")) @@ to_tsquery($5))");
    ck_assert_int_eq(q.params.count, 5);
    ck_assert_str_eq(q.params.values[2], "%50\\%\\_%");
    ck_assert_str_eq(q.params.values[4], "cat & dog");
    ck_assert_int_eq(rf_query_status(&q), RF_OK);
    rf_query_free(&q);

    /* A path array that is not there is refused, not read. */
    rf_query_init(&q);
    rf_q_where_json(&q, "t.\"meta\"", &(rf_json_filter){.npath = 3, .equals = "1"});
    ck_assert_int_eq(rf_query_status(&q), RF_INVALID_ARGUMENT);
    rf_query_free(&q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("query_builder");
    TCase *tc = tcase_create("sql");
    tcase_add_test(tc, filters_become_placeholders_and_values_parameters);
    tcase_add_test(tc, empty_groups_are_neutral);
    tcase_add_test(tc, order_page_and_cursor);
    tcase_add_test(tc, insert_and_set_lists);
    tcase_add_test(tc, compound_literal_values_pass_through_the_macros);
    tcase_add_test(tc, keymaps_link_rows);
    tcase_add_test(tc, json_filters_and_search_keep_values_in_parameters);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
