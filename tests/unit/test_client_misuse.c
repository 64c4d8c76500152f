/*
 * test_client_misuse.c — every generated entry point of the test client
 * (tests/integration/client/db.h) answers a caller's mistake with
 * RF_INVALID_ARGUMENT instead of crashing: a NULL client, a NULL `out`
 * where rows are returned into it, a NULL `count` for count, NULL create
 * data, a NULL array with a non-zero count (filters, groups, ordering,
 * list values), a negative skip, take == INT64_MIN.
 *
 * No server is needed: the checks happen before anything is sent, so the
 * client here is one whose connection failed.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../integration/client/db.c"

#define BAD(call) ck_assert_msg((call) == RF_INVALID_ARGUMENT, "%s did not refuse", #call)

static rf_client *offline(void)
{
    rf_client *c = NULL;
    rf_status st = rf_connect("host=/nonexistent-refract-dir port=1 dbname=x connect_timeout=1", &c);
    ck_assert_int_ne(st, RF_OK);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* NULL client on every read of model T (and NULL out / count on a client). */
#define READS(T)                                                                                  \
    do {                                                                                          \
        T##_list l_;                                                                              \
        T row_;                                                                                   \
        int64_t n_ = 0;                                                                           \
        BAD(T##_find_many(NULL, NULL, &l_, &arena));                                              \
        BAD(T##_find_many(c, NULL, NULL, &arena));                                                \
        BAD(T##_find_first(NULL, NULL, &row_, &arena));                                           \
        BAD(T##_find_first(c, NULL, NULL, &arena));                                               \
        BAD(T##_count(NULL, NULL, &n_));                                                          \
        BAD(T##_count(c, NULL, NULL));                                                            \
        BAD(T##_find_many(c, &(T##_query){.take = INT64_MIN}, &l_, &arena));                      \
        BAD(T##_find_first(c, &(T##_query){.take = INT64_MIN}, &row_, &arena));                   \
        BAD(T##_find_many(c, &(T##_query){.skip = -1}, &l_, &arena));                             \
        BAD(T##_find_many(c, &(T##_query){.norder = 1}, &l_, &arena));                            \
        BAD(T##_find_many(c, &(T##_query){.where = &(T##_where){.nAND = 2}}, &l_, &arena));       \
        BAD(T##_find_many(c, &(T##_query){.where = &(T##_where){.nOR = 1}}, &l_, &arena));        \
        BAD(T##_count(c, &(T##_where){.nNOT = 3}, &n_));                                          \
        T##_stream s_;                                                                            \
        bool got_ = true;                                                                         \
        BAD(T##_find_many_stream(NULL, NULL, NULL, &s_));                                         \
        BAD(T##_find_many_stream(c, NULL, NULL, NULL));                                           \
        BAD(T##_find_many_stream(c, &(T##_query){.take = -1}, NULL, &s_));                        \
        BAD(T##_find_many_stream(c, &(T##_query){.skip = -1}, NULL, &s_));                        \
        BAD(T##_stream_next(NULL, &row_, &arena, &got_));                                         \
        ck_assert(!got_);                                                                         \
        ck_assert_int_eq(T##_stream_close(NULL), RF_OK);                                          \
    } while (0)

/* NULL client and NULL create data on the writes of model T. */
#define WRITES(T)                                                                                 \
    do {                                                                                          \
        T row_;                                                                                   \
        int64_t n_ = 0;                                                                           \
        BAD(T##_create(NULL, &(T##_create_input){0}, &row_, &arena));                             \
        BAD(T##_create(c, NULL, &row_, &arena));                                                  \
        BAD(T##_create_select(NULL, &(T##_create_input){0}, NULL, &row_, &arena));                \
        BAD(T##_create_select(c, NULL, NULL, &row_, &arena));                                     \
        BAD(T##_update_many(NULL, NULL, &(T##_update_input){0}, &n_));                            \
        BAD(T##_update_many(c, &(T##_where){.nAND = 1}, NULL, &n_));                              \
        BAD(T##_delete_many(NULL, NULL, &n_));                                                    \
        BAD(T##_delete_many(c, &(T##_where){.nOR = 1}, &n_));                                     \
    } while (0)

/* By unique criterion C with key arguments KEY...: NULL client everywhere,
 * NULL create data for upsert. */
#define BY_KEY(T, C, ...)                                                                         \
    do {                                                                                          \
        T row_;                                                                                   \
        BAD(T##_update_by_##C(NULL, __VA_ARGS__, &(T##_update_input){0}, &row_, &arena));         \
        BAD(T##_delete_by_##C(NULL, __VA_ARGS__, &row_, &arena));                                 \
        BAD(T##_update_by_##C##_select(NULL, __VA_ARGS__, NULL, NULL, &row_, &arena));            \
        BAD(T##_delete_by_##C##_select(NULL, __VA_ARGS__, NULL, &row_, &arena));                  \
        BAD(T##_upsert_by_##C(NULL, &(T##_create_input){0}, &(T##_update_input){0}, &row_,        \
                              &arena));                                                           \
        BAD(T##_upsert_by_##C(c, NULL, &(T##_update_input){0}, &row_, &arena));                   \
        BAD(T##_update_nested_by_##C(NULL, __VA_ARGS__, &(T##_nested_update){0}, &row_, &arena)); \
        BAD(T##_update_nested_by_##C(c, __VA_ARGS__, NULL, &row_, &arena));                       \
        BAD(T##_update_nested_by_##C(c, __VA_ARGS__, &(T##_nested_update){0}, &row_, NULL));      \
    } while (0)

START_TEST(every_entry_point_refuses_misuse)
{
    rf_client *c = offline();
    rf_arena arena = RF_ARENA_INIT;
    db_user u;
    db_profile pr;
    db_post po;
    db_category ca;
    db_comment co;
    db_tag ta;
    db_lists li;

    READS(db_user);
    READS(db_profile);
    READS(db_post);
    READS(db_category);
    READS(db_comment);
    READS(db_tag);
    READS(db_lists);
    WRITES(db_user);
    WRITES(db_profile);
    WRITES(db_post);
    WRITES(db_category);
    WRITES(db_comment);
    WRITES(db_tag);
    WRITES(db_lists);
    READS(db_desk);
    WRITES(db_desk);

    BAD(db_user_find_unique_by_id(NULL, 1, NULL, &u, &arena));
    BAD(db_user_find_unique_by_email(NULL, "a", NULL, &u, &arena));
    BAD(db_user_find_unique_by_ext_id(NULL, "a", NULL, &u, &arena));
    BAD(db_profile_find_unique_by_id(NULL, "a", NULL, &pr, &arena));
    BAD(db_profile_find_unique_by_user_id(NULL, 1, NULL, &pr, &arena));
    BAD(db_post_find_unique_by_id(NULL, "a", NULL, &po, &arena));
    BAD(db_post_find_unique_by_author_id_title(NULL, 1, "t", NULL, &po, &arena));
    BAD(db_category_find_unique_by_id(NULL, 1, NULL, &ca, &arena));
    BAD(db_category_find_unique_by_name(NULL, "n", NULL, &ca, &arena));
    BAD(db_comment_find_unique_by_id(NULL, "a", NULL, &co, &arena));
    BAD(db_tag_find_unique_by_group_name(NULL, "g", "n", &ta, &arena));
    BAD(db_lists_find_unique_by_id(NULL, 1, &li, &arena));
    BAD(db_user_find_unique_by_id_select(NULL, 1, NULL, NULL, &u, &arena));
    BAD(db_user_find_unique_by_email_select(NULL, "a", NULL, NULL, &u, &arena));
    BAD(db_user_find_unique_by_ext_id_select(NULL, "a", NULL, NULL, &u, &arena));
    BAD(db_profile_find_unique_by_id_select(NULL, "a", NULL, NULL, &pr, &arena));
    BAD(db_profile_find_unique_by_user_id_select(NULL, 1, NULL, NULL, &pr, &arena));
    BAD(db_post_find_unique_by_id_select(NULL, "a", NULL, NULL, &po, &arena));
    BAD(db_post_find_unique_by_author_id_title_select(NULL, 1, "t", NULL, NULL, &po, &arena));
    BAD(db_category_find_unique_by_id_select(NULL, 1, NULL, NULL, &ca, &arena));
    BAD(db_category_find_unique_by_name_select(NULL, "n", NULL, NULL, &ca, &arena));
    BAD(db_comment_find_unique_by_id_select(NULL, "a", NULL, NULL, &co, &arena));
    BAD(db_tag_find_unique_by_group_name_select(NULL, "g", "n", NULL, &ta, &arena));
    BAD(db_lists_find_unique_by_id_select(NULL, 1, NULL, &li, &arena));
    /* Selecting nothing at all. */
    BAD(db_user_find_unique_by_id_select(c, 1, NULL, &(db_user_select){0}, &u, &arena));
    BAD(db_user_find_many(c, &(db_user_query){.select = &(db_user_select){0}}, &(db_user_list){0}, &arena));

    BY_KEY(db_user, id, 1);
    BY_KEY(db_user, email, "a");
    BY_KEY(db_user, ext_id, "a");
    BY_KEY(db_profile, id, "a");
    BY_KEY(db_profile, user_id, 1);
    BY_KEY(db_post, id, "a");
    BY_KEY(db_post, author_id_title, 1, "t");
    BY_KEY(db_category, id, 1);
    BY_KEY(db_category, name, "n");
    BY_KEY(db_comment, id, "a");
    BY_KEY(db_tag, group_name, "g", "n");
    BY_KEY(db_lists, id, 1);
    BY_KEY(db_desk, id, 1);
    BY_KEY(db_desk, label, "l");
    BY_KEY(db_desk, user_id, 1);
    /* Nested updates: a count without its array, two operations on a
     * to-one, set on a to-one, create_many through a join table, a to-many
     * update without the filter naming its row. */
    BAD(db_user_update_nested_by_id(c, 1, &(db_user_nested_update){.posts = {.nconnect = 1}}, NULL, NULL));
    BAD(db_post_update_nested_by_id(c, "a", &(db_post_nested_update){.author = {.ndisconnect = 1, .ndelete = 1}},
                                    NULL, NULL));
    BAD(db_post_update_nested_by_id(c, "a", &(db_post_nested_update){.author = {.set = {.on = true}}}, NULL, NULL));
    BAD(db_post_update_nested_by_id(
        c, "a", &(db_post_nested_update){.categories = {.create_many = {.data = &(db_category_create_input){.name = "x"}, .n = 1}}},
        NULL, NULL));
    BAD(db_user_update_nested_by_id(
        c, 1, &(db_user_nested_update){.posts = {.update = {.data = &(db_post_nested_update){0}}, .nupdate = 1}}, NULL,
        NULL));

    BAD(db_post_connect_categories(NULL, "p", 1));
    BAD(db_post_disconnect_categories(NULL, "p", 1));
    BAD(db_category_connect_posts(NULL, 1, "p"));
    BAD(db_category_disconnect_posts(NULL, 1, "p"));

    /* NULL arrays with counts inside filters and values. */
    db_user_list l;
    BAD(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.id = {.ops = RF_OP_IN, .nin = 2}}}, &l, &arena));
    BAD(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.email = {.ops = RF_OP_NOT_IN, .nnot_in = 1}}}, &l, &arena));
    BAD(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.role = {.ops = RF_OP_IN, .nin = 1}}}, &l, &arena));
    BAD(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.created_at = {.ops = RF_OP_IN, .nin = 4}}}, &l, &arena));
    BAD(db_user_create(c, &(db_user_create_input){.email = "a", .tags = {NULL, 3}}, &u, &arena));
    BAD(db_user_create(c, &(db_user_create_input){.email = "a", .roles = {NULL, 1}}, &u, &arena));
    BAD(db_lists_update_by_id(c, 1, &(db_lists_update_input){.bigs = {RF_UPDATE_SET, {NULL, 2}}}, &li, &arena));
    BAD(db_lists_update_by_id(c, 1, &(db_lists_update_input){.blobs = {RF_UPDATE_SET, {NULL, 2}}}, &li, &arena));
    BAD(db_role_from_string("USER", NULL) ? RF_OK : RF_INVALID_ARGUMENT);

    /* The refusal is recorded on the client, like any failure. */
    BAD(db_user_count(c, NULL, NULL));
    ck_assert_int_eq(rf_last_error(c)->status, RF_INVALID_ARGUMENT);
    rf_arena_free(&arena);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_misuse");
    TCase *tc = tcase_create("misuse");
    tcase_add_test(tc, every_entry_point_refuses_misuse);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
