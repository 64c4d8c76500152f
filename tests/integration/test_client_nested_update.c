/*
 * test_client_nested_update.c — updates with nested writes on related rows
 * (Prisma's nested update operations) against a real PostgreSQL: every
 * operation on a one-to-many (User.posts, Post.comments), one-to-one
 * (User.profile, Profile.user; User.desk, Desk.user with a nullable key),
 * to-one with the key on this side (Post.author) and implicit many-to-many
 * (Post.categories) relation;
 * Prisma's P2025 and P2014; all or nothing, also inside the caller's own
 * transaction.
 *
 * Uses the client of tests/integration/client/schema.prisma; each test gets
 * a fresh database holding the tables of `refract migrate diff
 * --from-empty --script`.
 */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_harness.h"

#include "client/db.c"

static pgh_cluster pg;
static char *schema_sql;

static char *read_command(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(mem);
    ck_assert_int_eq(pclose(p), 0);
    return out;
}

static void start(void)
{
    ck_assert_int_eq(pgh_start(&pg), 0);
    const char *bin = getenv("REFRACT_BIN"), *root = getenv("REFRACT_ROOT");
    ck_assert_ptr_nonnull(bin);
    ck_assert_ptr_nonnull(root);
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd,
                              "'%s' migrate diff --from-empty --to-schema "
                              "'%s/tests/integration/client/schema.prisma' --script",
                              bin, root),
                     0);
    schema_sql = read_command(cmd);
    free(cmd);
}

static void stop(void)
{
    pgh_stop(&pg);
    free(schema_sql);
}

/* A client on a fresh database holding the schema's tables. */
static rf_client *fresh(void)
{
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&pg, NULL, conninfo, sizeof conninfo), 0);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(conninfo, &c), RF_OK);
    ck_assert_msg(rf_exec_sql(c, schema_sql) == RF_OK, "%s", rf_last_error(c)->message);
    return c;
}

#define OK(call)                                                                                  \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == RF_OK, "%s: %s (%s)", #call, rf_status_name(st_),                    \
                      rf_last_error(c)->message);                                                 \
    } while (0)

/* The call fails with `status` and Prisma's `code`. */
#define FAILS(call, status, code)                                                                 \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == (status), "%s: %s (%s)", #call, rf_status_name(st_),                 \
                      rf_last_error(c)->message);                                                 \
        ck_assert_str_eq(rf_last_error(c)->prisma_code, code);                                    \
    } while (0)

/* One number from SQL run on the client's connection. */
static long long scalar(rf_client *c, const char *sql)
{
    PGresult *r = PQexec((PGconn *)rf_client_pgconn(c), sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQerrorMessage((PGconn *)rf_client_pgconn(c)));
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static long long scalari(rf_client *c, const char *fmt, long long arg)
{
    char *sql = NULL;
    ck_assert_int_ge(asprintf(&sql, fmt, arg), 0);
    long long v = scalar(c, sql);
    free(sql);
    return v;
}

static long long scalarf(rf_client *c, const char *fmt, const char *arg)
{
    char *sql = NULL;
    ck_assert_int_ge(asprintf(&sql, fmt, arg), 0);
    long long v = scalar(c, sql);
    free(sql);
    return v;
}

/* How many posts have this title; the author of the one that has it (-1: none). */
static long long posts_titled(rf_client *c, const char *title)
{
    return scalarf(c, "SELECT count(*) FROM \"Post\" WHERE title = '%s'", title);
}

static long long author_of(rf_client *c, const char *title)
{
    return scalarf(c, "SELECT coalesce(max(\"authorId\"), -1) FROM \"Post\" WHERE title = '%s'",
                   title);
}

static db_user make_user(rf_client *c, const char *email, rf_arena *a)
{
    db_user u;
    OK(db_user_create(c, &(db_user_create_input){.email = email}, &u, a));
    return u;
}

static db_post make_post(rf_client *c, const char *title, int32_t author, rf_arena *a)
{
    db_post p;
    db_post_create_input in = {.title = title};
    if (author)
        in.author_id = (rf_opt_i32){true, author};
    OK(db_post_create(c, &in, &p, a));
    return p;
}

#define NESTED_POST(t) (&(db_post_nested_create){.data = &(db_post_create_input){.title = (t)}})

/* ---- one-to-many: User.posts (the key Post.authorId may be NULL) ----------------------- */

START_TEST(one_to_many_create_connect_update_delete)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a), bob = make_user(c, "bob@x.io", &a);
    db_post p1 = make_post(c, "p1", ada.id, &a), p2 = make_post(c, "p2", ada.id, &a);
    db_post orphan = make_post(c, "orphan", 0, &a), bobs = make_post(c, "bobs", bob.id, &a);
    (void)p2;

    /* create, create_many, connect, update, update_many in one call, with
     * the user's own data; out gets the updated user. */
    db_user out;
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){
            .data = &(db_user_update_input){.name = RF_SET("Ada")},
            .posts = {.create = NESTED_POST("new"), .ncreate = 1,
                      .create_many = {.data = (db_post_create_input[]){{.title = "m1"}, {.title = "m2"}},
                                      .n = 2},
                      .connect = (db_post_where[]){{.id = RF_EQ(orphan.id)}}, .nconnect = 1,
                      .update = {.where = (db_post_where[]){{.id = RF_EQ(p1.id)}},
                                 .data = &(db_post_nested_update){
                                     .data = &(db_post_update_input){.title = RF_SET("p1!")}}},
                      .nupdate = 1,
                      .update_many = {.where = (db_post_where[]){{.title = RF_STARTS_WITH("m")}},
                                      .data = &(db_post_update_input){.views = RF_SET(7)}},
                      .nupdate_many = 1}},
        &out, &a));
    ck_assert_str_eq(out.name, "Ada");
    ck_assert_int_eq(out.id, ada.id);
    ck_assert_int_eq(author_of(c, "new"), ada.id);
    ck_assert_int_eq(author_of(c, "m1"), ada.id);
    ck_assert_int_eq(author_of(c, "orphan"), ada.id);
    ck_assert_int_eq(posts_titled(c, "p1!"), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Post\" WHERE views = 7"), 2);
    /* update_many touched only ada's posts: bob's "bobs" stays as it was. */
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\" WHERE title = 'bobs'"), 0);

    /* disconnect, delete, delete_many: only among ada's posts. */
    OK(db_user_update_nested_by_email(
        c, "ada@x.io",
        &(db_user_nested_update){
            .posts = {.disconnect = (db_post_where[]){{.title = RF_EQ("p2")}, {.id = RF_EQ(bobs.id)}},
                      .ndisconnect = 2,
                      .delete_ = (db_post_where[]){{.title = RF_EQ("p1!")}}, .ndelete = 1,
                      .delete_many = (db_post_where[]){{.title = RF_STARTS_WITH("m")}},
                      .ndelete_many = 1}},
        NULL, NULL));
    ck_assert_int_eq(author_of(c, "p2"), -1);   /* let go: NULL */
    ck_assert_int_eq(author_of(c, "bobs"), bob.id); /* not ada's: untouched */
    ck_assert_int_eq(posts_titled(c, "p1!"), 0);
    ck_assert_int_eq(posts_titled(c, "m1") + posts_titled(c, "m2"), 0);
    /* delete of a post that is not ada's: P2025, and nothing of the call stays. */
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.data = &(db_user_update_input){.name = RF_SET("gone")},
                                       .posts = {.delete_ = (db_post_where[]){{.id = RF_EQ(bobs.id)}},
                                                 .ndelete = 1}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_str_eq(rf_last_error(c)->message, "No Post found");
    ck_assert_int_eq(posts_titled(c, "bobs"), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'gone'"), 0);

    /* set: ada's posts become exactly these two; the others let go. */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.posts = {.set = {.on = true,
                                                   .where = (db_post_where[]){{.title = RF_EQ("p2")},
                                                                              {.title = RF_EQ("new")}},
                                                   .n = 2}}},
        NULL, NULL));
    ck_assert_int_eq(author_of(c, "p2"), ada.id);
    ck_assert_int_eq(author_of(c, "new"), ada.id);
    ck_assert_int_eq(author_of(c, "orphan"), -1);
    ck_assert_int_eq(scalari(c, "SELECT count(*) FROM \"Post\" WHERE \"authorId\" = %lld", ada.id), 2);
    /* set to none; then a set naming a row that is not there: P2025, undone. */
    OK(db_user_update_nested_by_id(c, ada.id, &(db_user_nested_update){.posts = {.set = {.on = true}}},
                                   NULL, NULL));
    ck_assert_int_eq(author_of(c, "p2"), -1);
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.posts = {.set = {.on = true,
                                                         .where = (db_post_where[]){{.title = RF_EQ("p2")},
                                                                                    {.title = RF_EQ("nope")}},
                                                         .n = 2}}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_int_eq(author_of(c, "p2"), -1);

    /* upsert: creates the post when ada has none such, updates it after. */
    db_user_nested_update upsert = {
        .posts = {.upsert = {.where = (db_post_where[]){{.title = RF_EQ("up")}},
                             .create = NESTED_POST("up"),
                             .update = &(db_post_nested_update){
                                 .data = &(db_post_update_input){.views = RF_INCREMENT(1)}}},
                  .nupsert = 1}};
    OK(db_user_update_nested_by_id(c, ada.id, &upsert, NULL, NULL));
    ck_assert_int_eq(author_of(c, "up"), ada.id);
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\" WHERE title = 'up'"), 0);
    OK(db_user_update_nested_by_id(c, ada.id, &upsert, NULL, NULL));
    ck_assert_int_eq(posts_titled(c, "up"), 1);
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\" WHERE title = 'up'"), 1);

    /* connect_or_create: connects "orphan", creates "fresh". */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){
            .posts = {.connect_or_create = {(db_post_where[]){{.title = RF_EQ("orphan")},
                                                              {.title = RF_EQ("fresh")}},
                                            (db_post_nested_create[]){{.data = &(db_post_create_input){.title = "orphan"}},
                                                                      {.data = &(db_post_create_input){.title = "fresh"}}}},
                      .nconnect_or_create = 2}},
        NULL, NULL));
    ck_assert_int_eq(posts_titled(c, "orphan"), 1);
    ck_assert_int_eq(author_of(c, "orphan"), ada.id);
    ck_assert_int_eq(author_of(c, "fresh"), ada.id);

    /* The updated row is not there: P2025 for the user itself. */
    FAILS(db_user_update_nested_by_id(c, 999, &(db_user_nested_update){.posts = {.create = NESTED_POST("lost"), .ncreate = 1}},
                                      NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_str_eq(rf_last_error(c)->message, "No User found");
    ck_assert_int_eq(posts_titled(c, "lost"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* A filter for update, delete_ or upsert must name one related row: one
 * that matches two is RF_INVALID_ARGUMENT with nothing written — not P2025
 * as if it matched none, and, for upsert, no new row created beside them. */
START_TEST(a_filter_naming_several_related_rows_is_refused)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a);
    make_post(c, "p1", ada.id, &a);
    make_post(c, "p2", ada.id, &a);
    db_post_where both = {.title = RF_STARTS_WITH("p")};
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.posts = {.upsert = {.where = &both, .create = NESTED_POST("p3"),
                                                            .update = &(db_post_nested_update){
                                                                .data = &(db_post_update_input){.views = RF_INCREMENT(1)}}},
                                                 .nupsert = 1}},
              NULL, NULL),
          RF_INVALID_ARGUMENT, "");
    ck_assert_int_eq(posts_titled(c, "p3"), 0);
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.posts = {.update = {.where = &both,
                                                            .data = &(db_post_nested_update){
                                                                .data = &(db_post_update_input){.views = RF_INCREMENT(1)}}},
                                                 .nupdate = 1}},
              NULL, NULL),
          RF_INVALID_ARGUMENT, "");
    FAILS(db_user_update_nested_by_id(c, ada.id,
                                      &(db_user_nested_update){.posts = {.delete_ = &both, .ndelete = 1}}, NULL, NULL),
          RF_INVALID_ARGUMENT, "");
    ck_assert_int_eq(scalari(c, "SELECT count(*) FROM \"Post\" WHERE \"authorId\" = %lld AND views = 0", ada.id), 2);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- all or nothing ------------------------------------------------------------------------ */

START_TEST(a_failure_halfway_leaves_nothing_written)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a);
    make_post(c, "kept", ada.id, &a);
    /* Three operations: create (1st) succeeds, connect (2nd) finds nothing,
     * update_many (3rd) never runs; the user's own change is undone too. */
    db_user_nested_update three = {
        .data = &(db_user_update_input){.name = RF_SET("changed")},
        .posts = {.create = NESTED_POST("first"), .ncreate = 1,
                  .connect = (db_post_where[]){{.title = RF_EQ("missing")}}, .nconnect = 1,
                  .update_many = {.where = (db_post_where[]){{.title = RF_EQ("kept")}},
                                  .data = &(db_post_update_input){.views = RF_SET(9)}},
                  .nupdate_many = 1}};
    FAILS(db_user_update_nested_by_id(c, ada.id, &three, NULL, NULL), RF_NOT_FOUND, "P2025");
    ck_assert_int_eq(posts_titled(c, "first"), 0);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name IS NULL"), 1);
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\" WHERE title = 'kept'"), 0);

    /* P2002 from a nested create (one title per author), also undone. */
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.data = &(db_user_update_input){.name = RF_SET("changed")},
                                       .posts = {.create = (db_post_nested_create[]){
                                                     {.data = &(db_post_create_input){.title = "first"}},
                                                     {.data = &(db_post_create_input){.title = "kept"}}},
                                                 .ncreate = 2}},
              NULL, NULL),
          RF_UNIQUE_VIOLATION, "P2002");
    ck_assert_int_eq(posts_titled(c, "first"), 0);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'changed'"), 0);

    /* Inside the caller's transaction: only the savepoint is rolled back;
     * what the caller wrote before and after stays, and commits. */
    OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
    make_user(c, "before@x.io", &a);
    FAILS(db_user_update_nested_by_id(c, ada.id, &three, NULL, NULL), RF_NOT_FOUND, "P2025");
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.data = &(db_user_update_input){.name = RF_SET("Ada")},
                                 .posts = {.create = NESTED_POST("after"), .ncreate = 1}},
        NULL, NULL));
    OK(rf_commit(c));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE email = 'before@x.io'"), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'Ada'"), 1);
    ck_assert_int_eq(author_of(c, "after"), ada.id);
    ck_assert_int_eq(posts_titled(c, "first"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- required relations: Prisma's P2014 ---------------------------------------------------- */

START_TEST(required_relations_refuse_with_p2014)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a), bob = make_user(c, "bob@x.io", &a);
    db_post post = make_post(c, "post", ada.id, &a);
    db_comment c1, c2;
    OK(db_comment_create(c, &(db_comment_create_input){.body = "one", .post_id = post.id}, &c1, &a));
    OK(db_comment_create(c, &(db_comment_create_input){.body = "two", .post_id = post.id}, &c2, &a));

    /* Comment.postId cannot be NULL: a disconnect, and a set leaving one
     * comment out, are refused before anything is written. */
    FAILS(db_post_update_nested_by_id(
              c, post.id,
              &(db_post_nested_update){.data = &(db_post_update_input){.title = RF_SET("x")},
                                       .comments = {.disconnect = (db_comment_where[]){{.id = RF_EQ(c1.id)}},
                                                    .ndisconnect = 1}},
              NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    ck_assert_str_eq(rf_last_error(c)->message,
                     "The change you are trying to make would violate the required relation "
                     "'CommentToPost' between the `Comment` and `Post` models.");
    ck_assert_int_eq(posts_titled(c, "x"), 0);
    FAILS(db_post_update_nested_by_id(
              c, post.id,
              &(db_post_nested_update){.comments = {.set = {.on = true,
                                                            .where = (db_comment_where[]){{.id = RF_EQ(c1.id)}},
                                                            .n = 1}}},
              NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Comment\""), 2);
    /* A set that keeps every comment (and adds none) is fine. */
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.comments = {.set = {.on = true,
                                                      .where = (db_comment_where[]){{.id = RF_EQ(c1.id)},
                                                                                    {.id = RF_EQ(c2.id)}},
                                                      .n = 2}}},
        NULL, NULL));

    /* Profile.userId cannot be NULL: User.profile cannot be disconnected,
     * nor replaced by a new profile while it exists. */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.profile = {.create = &(db_profile_nested_create){
                                                 .data = &(db_profile_create_input){.bio = "first"}},
                                             .ncreate = 1}},
        NULL, NULL));
    FAILS(db_user_update_nested_by_id(c, ada.id, &(db_user_nested_update){.profile = {.ndisconnect = 1}},
                                      NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    ck_assert_str_eq(rf_last_error(c)->message,
                     "The change you are trying to make would violate the required relation "
                     "'ProfileToUser' between the `Profile` and `User` models.");
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){.profile = {.create = &(db_profile_nested_create){
                                                       .data = &(db_profile_create_input){.bio = "second"}},
                                                   .ncreate = 1}},
              NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Profile\""), 1);
    /* From the profile's side: its user cannot be disconnected, nor
     * switched to bob once bob has a profile of his own. */
    db_profile prof;
    OK(db_profile_find_unique_by_user_id(c, ada.id, NULL, &prof, &a));
    FAILS(db_profile_update_nested_by_id(c, prof.id, &(db_profile_nested_update){.user = {.ndisconnect = 1}},
                                         NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    OK(db_profile_create(c, &(db_profile_create_input){.bio = "bob's", .user_id = bob.id}, NULL, NULL));
    FAILS(db_profile_update_nested_by_id(
              c, prof.id,
              &(db_profile_nested_update){.user = {.connect = &(db_user_where){.id = RF_EQ(bob.id)},
                                                   .nconnect = 1}},
              NULL, NULL),
          RF_RELATION_VIOLATION, "P2014");
    ck_assert_int_eq(scalari(c, "SELECT count(*) FROM \"Profile\" WHERE \"userId\" = %lld", bob.id), 1);
    ck_assert_int_eq(scalarf(c, "SELECT \"userId\" FROM \"Profile\" WHERE id = '%s'", prof.id), ada.id);

    /* Post.author may be NULL: disconnecting it is fine. */
    db_post out;
    OK(db_post_update_nested_by_id(c, post.id, &(db_post_nested_update){.author = {.ndisconnect = 1}}, &out,
                                   &a));
    ck_assert(!out.author_id.has);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- one-to-one whose key may be NULL: the row let go gets NULL --------------------------- */

static long long desk_owner(rf_client *c, const char *label)
{
    return scalarf(c, "SELECT coalesce(max(\"userId\"), -1) FROM \"Desk\" WHERE label = '%s'",
                   label);
}

START_TEST(an_optional_one_to_one_lets_the_old_row_go)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a), bob = make_user(c, "bob@x.io", &a);
    OK(db_desk_create(c, &(db_desk_create_input){.label = "d1", .user_id = {true, ada.id}}, NULL, NULL));
    OK(db_desk_create(c, &(db_desk_create_input){.label = "d2", .user_id = {true, bob.id}}, NULL, NULL));
    OK(db_desk_create(c, &(db_desk_create_input){.label = "d3"}, NULL, NULL));

    /* From the user's side: a new desk replaces d1, which is let go. */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.desk = {.create = &(db_desk_nested_create){
                                              .data = &(db_desk_create_input){.label = "new"}},
                                          .ncreate = 1}},
        NULL, NULL));
    ck_assert_int_eq(desk_owner(c, "new"), ada.id);
    ck_assert_int_eq(desk_owner(c, "d1"), -1);
    /* connect: d3 replaces "new". */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.desk = {.connect = &(db_desk_where){.label = RF_EQ("d3")}, .nconnect = 1}},
        NULL, NULL));
    ck_assert_int_eq(desk_owner(c, "d3"), ada.id);
    ck_assert_int_eq(desk_owner(c, "new"), -1);

    /* From the desk's side (the key on this side): d1 takes bob, whose d2
     * is let go rather than breaking userId's uniqueness. */
    db_desk d1;
    OK(db_desk_find_unique_by_label(c, "d1", NULL, &d1, &a));
    db_desk out;
    OK(db_desk_update_nested_by_label(
        c, "d1",
        &(db_desk_nested_update){.user = {.connect = &(db_user_where){.email = RF_EQ("bob@x.io")},
                                          .nconnect = 1}},
        &out, &a));
    ck_assert(out.user_id.has && out.user_id.value == bob.id);
    ck_assert_int_eq(desk_owner(c, "d2"), -1);

    /* disconnect from either side. */
    OK(db_user_update_nested_by_id(c, ada.id, &(db_user_nested_update){.desk = {.ndisconnect = 1}}, NULL, NULL));
    ck_assert_int_eq(desk_owner(c, "d3"), -1);
    OK(db_desk_update_nested_by_id(c, d1.id, &(db_desk_nested_update){.user = {.ndisconnect = 1}}, &out, &a));
    ck_assert(!out.user_id.has);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Desk\" WHERE \"userId\" IS NOT NULL"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- to-one relations ------------------------------------------------------------------------ */

START_TEST(to_one_relations_on_either_side)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a), bob = make_user(c, "bob@x.io", &a);
    db_post post = make_post(c, "post", 0, &a);

    /* The key on this side (Post.author): connect, then update the author
     * through the post, then create a new one in its place. */
    db_post out;
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.author = {.connect = &(db_user_where){.email = RF_EQ("ada@x.io")},
                                            .nconnect = 1}},
        &out, &a));
    ck_assert(out.author_id.has && out.author_id.value == ada.id);
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.author = {.update = {.data = &(db_user_nested_update){
                                                           .data = &(db_user_update_input){.name = RF_SET("Ada L.")}}},
                                            .nupdate = 1}},
        NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'Ada L.'"), 1);
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.author = {.create = &(db_user_nested_create){
                                                .data = &(db_user_create_input){.email = "new@x.io"}},
                                            .ncreate = 1}},
        &out, &a));
    db_user fresh_user;
    OK(db_user_find_unique_by_email(c, "new@x.io", NULL, &fresh_user, &a));
    ck_assert_int_eq(out.author_id.value, fresh_user.id);
    /* delete: the author row goes; the post's key is set NULL (onDelete SetNull). */
    OK(db_post_update_nested_by_id(c, post.id, &(db_post_nested_update){.author = {.ndelete = 1}}, &out, &a));
    ck_assert(!out.author_id.has);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE email = 'new@x.io'"), 0);
    /* upsert with no author: creates one and points the post at it; again:
     * updates that one. An update with no author: P2025. */
    FAILS(db_post_update_nested_by_id(
              c, post.id,
              &(db_post_nested_update){.author = {.update = {.data = &(db_user_nested_update){0}}, .nupdate = 1}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");
    db_post_nested_update upsert = {
        .author = {.upsert = {.create = &(db_user_nested_create){.data = &(db_user_create_input){.email = "up@x.io"}},
                              .update = &(db_user_nested_update){
                                  .data = &(db_user_update_input){.name = RF_SET("upserted")}}},
                   .nupsert = 1}};
    OK(db_post_update_nested_by_id(c, post.id, &upsert, &out, &a));
    db_user up;
    OK(db_user_find_unique_by_email(c, "up@x.io", NULL, &up, &a));
    ck_assert(out.author_id.has && out.author_id.value == up.id);
    ck_assert_ptr_null(up.name);
    OK(db_post_update_nested_by_id(c, post.id, &upsert, NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'upserted'"), 1);

    /* The key on the other side (User.profile): create, update, upsert,
     * connect one that belonged to bob, delete. */
    OK(db_user_update_nested_by_id(
        c, bob.id,
        &(db_user_nested_update){.profile = {.upsert = {.create = &(db_profile_nested_create){
                                                            .data = &(db_profile_create_input){.bio = "bob"}},
                                                        .update = &(db_profile_nested_update){0}},
                                             .nupsert = 1}},
        NULL, NULL));
    db_profile bobs;
    OK(db_profile_find_unique_by_user_id(c, bob.id, NULL, &bobs, &a));
    ck_assert_str_eq(bobs.bio, "bob");
    OK(db_user_update_nested_by_id(
        c, bob.id,
        &(db_user_nested_update){.profile = {.update = {.data = &(db_profile_nested_update){
                                                            .data = &(db_profile_update_input){.bio = RF_SET("Bob!")}}},
                                             .nupdate = 1}},
        NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Profile\" WHERE bio = 'Bob!'"), 1);
    /* ada has no profile: bob's moves to her (bob is left without, which his
     * optional side allows). */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){.profile = {.connect = &(db_profile_where){.id = RF_EQ(bobs.id)},
                                             .nconnect = 1}},
        NULL, NULL));
    ck_assert_int_eq(scalarf(c, "SELECT \"userId\" FROM \"Profile\" WHERE id = '%s'", bobs.id), ada.id);
    /* delete: bob has none now (P2025); ada's goes. */
    FAILS(db_user_update_nested_by_id(c, bob.id, &(db_user_nested_update){.profile = {.ndelete = 1}}, NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_str_eq(rf_last_error(c)->message, "No Profile found");
    OK(db_user_update_nested_by_id(c, ada.id, &(db_user_nested_update){.profile = {.ndelete = 1}}, NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Profile\""), 0);

    /* Misuse: two operations on a to-one, set on a to-one, a count without
     * its array; nothing is written. */
    ck_assert_int_eq(db_post_update_nested_by_id(
                         c, post.id,
                         &(db_post_nested_update){.data = &(db_post_update_input){.title = RF_SET("misused")},
                                                  .author = {.ndisconnect = 1, .ndelete = 1}},
                         NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_post_update_nested_by_id(c, post.id,
                                                 &(db_post_nested_update){.author = {.set = {.on = true}}},
                                                 NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_update_nested_by_id(c, ada.id, &(db_user_nested_update){.posts = {.nconnect = 1}},
                                                 NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(posts_titled(c, "misused"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- implicit many-to-many: Post.categories ---------------------------------------------- */

static long long links(rf_client *c)
{
    return scalar(c, "SELECT count(*) FROM \"_CategoryToPost\"");
}

static long long linked(rf_client *c, const char *name)
{
    return scalarf(c,
                   "SELECT count(*) FROM \"_CategoryToPost\" j JOIN \"Category\" k ON k.id = j.\"A\" "
                   "WHERE k.name = '%s'",
                   name);
}

START_TEST(many_to_many_through_the_join_table)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_post post = make_post(c, "post", 0, &a), other = make_post(c, "other", 0, &a);
    OK(db_category_create(c, &(db_category_create_input){.name = "c"}, NULL, NULL));
    OK(db_category_create(c, &(db_category_create_input){.name = "d"}, NULL, NULL));
    OK(db_category_create(c, &(db_category_create_input){.name = "elsewhere"}, NULL, NULL));
    OK(db_category_create_nested(c, &(db_category_nested_create){
                                        .data = &(db_category_create_input){.name = "others"},
                                        .posts = {.connect = &(db_post_where){.id = RF_EQ(other.id)}, .nconnect = 1}},
                                 NULL, NULL));

    /* create, connect, connect_or_create; update / update_many by filter
     * among the post's categories only. */
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){
            .categories = {.create = &(db_category_nested_create){.data = &(db_category_create_input){.name = "new"}},
                           .ncreate = 1,
                           .connect = (db_category_where[]){{.name = RF_EQ("c")}}, .nconnect = 1,
                           .connect_or_create = {(db_category_where[]){{.name = RF_EQ("d")}, {.name = RF_EQ("e")}},
                                                 (db_category_nested_create[]){
                                                     {.data = &(db_category_create_input){.name = "d"}},
                                                     {.data = &(db_category_create_input){.name = "e"}}}},
                           .nconnect_or_create = 2}},
        NULL, NULL));
    ck_assert_int_eq(links(c), 5); /* new, c, d, e for post; others for other */
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){
            .categories = {.update = {.where = (db_category_where[]){{.name = RF_EQ("new")}},
                                      .data = &(db_category_nested_update){
                                          .data = &(db_category_update_input){.name = RF_SET("renamed")}}},
                           .nupdate = 1,
                           .update_many = {.where = (db_category_where[]){{.name = RF_STARTS_WITH("e")}},
                                           .data = &(db_category_update_input){.name = RF_SET("e2")}},
                           .nupdate_many = 1}},
        NULL, NULL));
    ck_assert_int_eq(linked(c, "renamed"), 1);
    ck_assert_int_eq(linked(c, "e2"), 1); /* "elsewhere" is not the post's: untouched */
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Category\" WHERE name = 'elsewhere'"), 1);
    /* update of a category the post is not linked to: P2025. */
    FAILS(db_post_update_nested_by_id(
              c, post.id,
              &(db_post_nested_update){
                  .categories = {.update = {.where = (db_category_where[]){{.name = RF_EQ("others")}},
                                            .data = &(db_category_nested_update){0}},
                                 .nupdate = 1}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");

    /* disconnect removes the link only; delete removes the category (its
     * links go with it); delete_many among the post's categories only. */
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.categories = {.disconnect = (db_category_where[]){{.name = RF_EQ("c")}},
                                                .ndisconnect = 1,
                                                .delete_ = (db_category_where[]){{.name = RF_EQ("d")}},
                                                .ndelete = 1}},
        NULL, NULL));
    ck_assert_int_eq(linked(c, "c"), 0);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Category\" WHERE name = 'c'"), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Category\" WHERE name = 'd'"), 0);
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.categories = {.delete_many = (db_category_where[]){{.name = RF_STARTS_WITH("e")}},
                                                .ndelete_many = 1}},
        NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Category\" WHERE name = 'e2'"), 0);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Category\" WHERE name = 'elsewhere'"), 1);
    ck_assert_int_eq(links(c), 2); /* renamed for post, others for other */

    /* set: exactly c and renamed; a set naming a missing category: P2025,
     * the links as they were. */
    OK(db_post_update_nested_by_id(
        c, post.id,
        &(db_post_nested_update){.categories = {.set = {.on = true,
                                                        .where = (db_category_where[]){{.name = RF_EQ("c")}},
                                                        .n = 1}}},
        NULL, NULL));
    ck_assert_int_eq(linked(c, "c"), 1);
    ck_assert_int_eq(linked(c, "renamed"), 0);
    ck_assert_int_eq(linked(c, "others"), 1); /* other's link untouched */
    FAILS(db_post_update_nested_by_id(
              c, post.id,
              &(db_post_nested_update){.categories = {.set = {.on = true,
                                                              .where = (db_category_where[]){{.name = RF_EQ("nope")}},
                                                              .n = 1}}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_int_eq(linked(c, "c"), 1);

    /* upsert: links a new category when none matches among the post's. */
    db_post_nested_update upsert = {
        .categories = {.upsert = {.where = (db_category_where[]){{.name = RF_EQ("up")}},
                                  .create = &(db_category_nested_create){.data = &(db_category_create_input){.name = "up"}},
                                  .update = &(db_category_nested_update){
                                      .data = &(db_category_update_input){.name = RF_SET("up2")}}},
                       .nupsert = 1}};
    OK(db_post_update_nested_by_id(c, post.id, &upsert, NULL, NULL));
    ck_assert_int_eq(linked(c, "up"), 1);
    OK(db_post_update_nested_by_id(c, post.id, &upsert, NULL, NULL));
    ck_assert_int_eq(linked(c, "up2"), 1);
    /* create_many has no many-to-many form (as in Prisma). */
    ck_assert_int_eq(db_post_update_nested_by_id(
                         c, post.id,
                         &(db_post_nested_update){
                             .categories = {.create_many = {.data = &(db_category_create_input){.name = "x"}, .n = 1}}},
                         NULL, NULL),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- depth ------------------------------------------------------------------------------ */

START_TEST(nested_updates_go_to_any_depth)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user ada = make_user(c, "ada@x.io", &a);
    db_post post = make_post(c, "post", ada.id, &a);
    OK(db_comment_create(c, &(db_comment_create_input){.body = "old", .post_id = post.id}, NULL, NULL));
    /* user → post (update) → comments (create, update_many). */
    OK(db_user_update_nested_by_id(
        c, ada.id,
        &(db_user_nested_update){
            .posts = {.update = {.where = (db_post_where[]){{.title = RF_EQ("post")}},
                                 .data = &(db_post_nested_update){
                                     .data = &(db_post_update_input){.views = RF_INCREMENT(1)},
                                     .comments = {.create = &(db_comment_nested_create){
                                                      .data = &(db_comment_create_input){.body = "new"}},
                                                  .ncreate = 1,
                                                  .update_many = {.where = (db_comment_where[]){{.body = RF_EQ("old")}},
                                                                  .data = &(db_comment_update_input){.body = RF_SET("edited")}},
                                                  .nupdate_many = 1}}},
                      .nupdate = 1}},
        NULL, NULL));
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\""), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Comment\" WHERE body IN ('new', 'edited')"), 2);
    /* A failure at the deepest level undoes every level. */
    FAILS(db_user_update_nested_by_id(
              c, ada.id,
              &(db_user_nested_update){
                  .data = &(db_user_update_input){.name = RF_SET("deep")},
                  .posts = {.update = {.where = (db_post_where[]){{.title = RF_EQ("post")}},
                                       .data = &(db_post_nested_update){
                                           .data = &(db_post_update_input){.views = RF_INCREMENT(1)},
                                           .comments = {.delete_ = (db_comment_where[]){{.body = RF_EQ("nope")}},
                                                        .ndelete = 1}}},
                            .nupdate = 1}},
              NULL, NULL),
          RF_NOT_FOUND, "P2025");
    ck_assert_str_eq(rf_last_error(c)->message, "No Comment found");
    ck_assert_int_eq(scalar(c, "SELECT views FROM \"Post\""), 1);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"User\" WHERE name = 'deep'"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_nested_update");
    TCase *tc = tcase_create("nested writes in update");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_to_many_create_connect_update_delete);
    tcase_add_test(tc, a_filter_naming_several_related_rows_is_refused);
    tcase_add_test(tc, a_failure_halfway_leaves_nothing_written);
    tcase_add_test(tc, required_relations_refuse_with_p2014);
    tcase_add_test(tc, to_one_relations_on_either_side);
    tcase_add_test(tc, an_optional_one_to_one_lets_the_old_row_go);
    tcase_add_test(tc, many_to_many_through_the_join_table);
    tcase_add_test(tc, nested_updates_go_to_any_depth);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
