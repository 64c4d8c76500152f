/*
 * test_client_reads.c — the generated client's deeper reads against a real
 * PostgreSQL: relation filters (some / every / none, is / is_not, null
 * checks, nested, combined with AND / OR / NOT), aggregate, groupBy,
 * scalar-list filters, row locking, relation counts, distinct, ordering by relations and nested include
 * with arguments.
 *
 * Same client and fixture as test_client_ops.c: the committed client of
 * tests/integration/client/schema.prisma, and a fresh database per test
 * holding the tables `refract migrate diff --from-empty --script` makes.
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

/* Statements executed between trace_begin and trace_end (libpq's trace). */
static FILE *trace;
static char *trace_buf;
static size_t trace_len;

static void trace_begin(rf_client *c)
{
    trace = open_memstream(&trace_buf, &trace_len);
    PQtrace((PGconn *)rf_client_pgconn(c), trace);
}

static int trace_end(rf_client *c)
{
    PQuntrace((PGconn *)rf_client_pgconn(c));
    fclose(trace);
    int n = 0;
    for (const char *p = trace_buf; (p = strstr(p, "\tExecute\t")) != NULL; p++)
        n++;
    free(trace_buf);
    return n;
}

/*
 * The blog every test reads:
 *   u0 (i0@x, profile "bio0"): posts a (5 views), b (50), d (60)
 *   u1 (i1@x):                 post c (20)
 *   u2 (i2@x):                 nothing
 *   orphan (no author, 70 views)
 *   categories c1 {a, c}, c2 {a}; comment "hi" on a.
 */
typedef struct blog {
    db_user u[3];
    db_post p[5]; /* a b d c orphan */
    db_category cat[2];
} blog;

static void seed(rf_client *c, rf_arena *a, blog *b)
{
    for (int i = 0; i < 3; i++) {
        char email[16];
        snprintf(email, sizeof email, "i%d@x", i);
        OK(db_user_create(c, &(db_user_create_input){.email = rf_arena_strdup(a, email)}, &b->u[i], a));
    }
    const char *titles[] = {"a", "b", "d", "c", "orphan"};
    int views[] = {5, 50, 60, 20, 70};
    int owner[] = {0, 0, 0, 1, -1};
    for (int i = 0; i < 5; i++)
        OK(db_post_create(c,
                          &(db_post_create_input){
                              .title = titles[i],
                              .views = RF_SOME(rf_opt_i32, views[i]),
                              .author_id = owner[i] < 0 ? RF_NONE(rf_opt_i32)
                                                        : RF_SOME(rf_opt_i32, b->u[owner[i]].id)},
                          &b->p[i], a));
    OK(db_profile_create(c, &(db_profile_create_input){.bio = "bio0", .user_id = b->u[0].id}, NULL, NULL));
    OK(db_category_create(c, &(db_category_create_input){.name = "c1"}, &b->cat[0], a));
    OK(db_category_create(c, &(db_category_create_input){.name = "c2"}, &b->cat[1], a));
    OK(db_post_connect_categories(c, b->p[0].id, b->cat[0].id));
    OK(db_post_connect_categories(c, b->p[3].id, b->cat[0].id));
    OK(db_post_connect_categories(c, b->p[0].id, b->cat[1].id));
    OK(db_comment_create(c, &(db_comment_create_input){.body = "hi", .post_id = b->p[0].id}, NULL, NULL));
}

/* The emails of the users matching w, in id order, joined by ",". */
static const char *users_where(rf_client *c, rf_arena *a, const db_user_where *w)
{
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){.where = w,
                                          .order_by = (db_user_order[]){{DB_USER_BY_ID, RF_ASC, 0}},
                                          .norder = 1},
                         &l, a));
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].email, sizeof out - strlen(out) - 8);
    }
    return out;
}

/* The emails of the users in the given relation order, paged. */
static const char *users_order(rf_client *c, rf_arena *a, const rf_relation_order *o, int64_t skip,
                               int64_t take)
{
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by_relation = o, .norder_by_relation = 1, .skip = skip,
                                          .take = take},
                         &l, a));
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].email, sizeof out - strlen(out) - 8);
    }
    return out;
}

/* The titles of the posts matching w, in title order. */
static const char *posts_where(rf_client *c, rf_arena *a, const db_post_where *w)
{
    db_post_list l;
    OK(db_post_find_many(c,
                         &(db_post_query){.where = w,
                                          .order_by = (db_post_order[]){{DB_POST_BY_TITLE, RF_ASC, 0}},
                                          .norder = 1},
                         &l, a));
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].title, sizeof out - strlen(out) - 8);
    }
    return out;
}

/* some / every / none on a to-many relation, as Prisma defines them: every
 * is true for a parent without related rows; a parent with several matching
 * rows comes back once. */
START_TEST(to_many_some_every_none)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_post_where popular = {.views = RF_GT(10)};
    /* u0 has two popular posts and is listed once. */
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.some = &popular}}), "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.every = &popular}}), "i1@x,i2@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.none = &popular}}), "i2@x");
    /* An empty where: any related row. */
    static const db_post_where any;
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.some = &any}}), "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.none = &any}}), "i2@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.posts = {.every = &any}}),
                     "i0@x,i1@x,i2@x");
    /* Two filters on one relation both hold. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &popular,
                                                            .none = &(db_post_where){.title = RF_EQ("a")}}}),
                     "i1@x");
    /* Values are parameters: a hostile title is data. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &(db_post_where){.title = RF_EQ("a' OR '1'='1")}}}),
                     "");
    /* count and delete_many take the same filters. */
    int64_t n = 0;
    OK(db_user_count(c, &(db_user_where){.posts = {.some = &popular}}, &n));
    ck_assert_int_eq(n, 2);
    OK(db_comment_delete_many(c, &(db_comment_where){.post = {.is = &(db_post_where){.title = RF_EQ("b")}}}, &n));
    ck_assert_int_eq(n, 0);
    OK(db_comment_delete_many(c, &(db_comment_where){.post = {.is = &(db_post_where){.title = RF_EQ("a")}}}, &n));
    ck_assert_int_eq(n, 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* is / is_not / null checks on both sides of a to-one relation. */
START_TEST(to_one_is_is_not_and_null)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_where ada = {.email = RF_EQ("i0@x")};
    /* The foreign-key side. */
    ck_assert_str_eq(posts_where(c, &a, &(db_post_where){.author = {.is = &ada}}), "a,b,d");
    /* is_not: no related row matching, so the orphan is in. */
    ck_assert_str_eq(posts_where(c, &a, &(db_post_where){.author = {.is_not = &ada}}), "c,orphan");
    ck_assert_str_eq(posts_where(c, &a, &(db_post_where){.author = RF_IS_NULL}), "orphan");
    ck_assert_str_eq(posts_where(c, &a, &(db_post_where){.author = RF_IS_NOT_NULL}), "a,b,c,d");
    /* The back side (the foreign key is on Profile). */
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.profile = RF_IS_NULL}), "i1@x,i2@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.profile = {.is = &(db_profile_where){.bio = RF_EQ("bio0")}}}),
                     "i0@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.profile = {.is = &(db_profile_where){.bio = RF_EQ("x")}}}),
                     "");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

static const db_comment_where no_comment_filter;
static const db_post_where no_post_filter;

/* Filters nest through relations of every kind, many-to-many through the
 * join table, and combine with AND / OR / NOT. */
START_TEST(nested_and_combined_relation_filters)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    /* user → posts → categories (m:n) */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &(db_post_where){
                                                                .categories = {.some = &(db_category_where){
                                                                                   .name = RF_EQ("c1")}}}}}),
                     "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &(db_post_where){
                                                                .categories = {.some = &(db_category_where){
                                                                                   .name = RF_EQ("c2")}}}}}),
                     "i0@x");
    /* m:n from the other side, and back up to the author: categories with a
     * post by u1. */
    db_category_list cats;
    OK(db_category_find_many(
        c,
        &(db_category_query){.where = &(db_category_where){.posts = {.some = &(db_post_where){
                                                                  .author = {.is = &(db_user_where){
                                                                                 .email = RF_EQ("i1@x")}}}}}},
        &cats, &a));
    ck_assert_uint_eq(cats.count, 1);
    ck_assert_str_eq(cats.items[0].name, "c1");
    /* Three levels: users with a post commented "hi". */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &(db_post_where){
                                                                .comments = {.some = &(db_comment_where){
                                                                                 .body = RF_EQ("hi")}}}}}),
                     "i0@x");
    /* every over a nested none: users all of whose posts have no comment. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.every = &(db_post_where){
                                                                .comments = {.none = &no_comment_filter}}}}),
                     "i1@x,i2@x");
    /* OR: without posts, or with a profile. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.OR = (db_user_where[]){{.posts = {.none = &no_post_filter}},
                                                                          {.profile = RF_IS_NOT_NULL}},
                                                  .nOR = 2}),
                     "i0@x,i2@x");
    /* NOT around a relation filter, next to a scalar one. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.email = {.starts_with = "i"},
                                                  .NOT = (db_user_where[]){{.posts = {.some = &(db_post_where){
                                                                                          .views = RF_GT(10)}}}},
                                                  .nNOT = 1}),
                     "i2@x");
    /* AND inside the related where. */
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.posts = {.some = &(db_post_where){
                                                                .AND = (db_post_where[]){{.views = RF_GT(10)},
                                                                                         {.views = RF_LT(55)}},
                                                                .nAND = 2}}}),
                     "i0@x,i1@x");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* A where that reaches itself through a relation ends in a status, not a
 * crash or a runaway statement. */
START_TEST(too_deep_relation_filters_are_refused)
{
    rf_client *c = fresh();
    db_user_where w;
    memset(&w, 0, sizeof w);
    db_post_where pw = {.author = {.is = &w}};
    w.posts.some = &pw; /* a cycle */
    int64_t n;
    ck_assert_int_eq(db_user_count(c, &w, &n), RF_INVALID_ARGUMENT);
    rf_close(c);
}
END_TEST

/* aggregate: Prisma's result types (Int sums as int64, averages as double,
 * Decimal exact), NULLs skipped, nothing matched is count 0 and no values. */
START_TEST(aggregate_counts_sums_averages_and_extremes)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    OK(db_user_create(c, &(db_user_create_input){.email = "b@x", .age = RF_SOME(rf_opt_i32, 30),
                                                 .balance = "1.50", .big = RF_SOME(rf_opt_i64, 5000000000),
                                                 .score = RF_SOME(rf_opt_f64, 1.5), .role = DB_ROLE_GUEST},
                      NULL, NULL));
    OK(db_user_create(c, &(db_user_create_input){.email = "a@x", .balance = "2.25",
                                                 .big = RF_SOME(rf_opt_i64, 1), .role = DB_ROLE_ADMIN},
                      NULL, NULL));
    OK(db_user_create(c, &(db_user_create_input){.email = "c@x", .age = RF_SOME(rf_opt_i32, 2147483647),
                                                 .score = RF_SOME(rf_opt_f64, 2.5)},
                      NULL, NULL));
    db_user_aggregate_result r;
    OK(db_user_aggregate(c,
                         &(db_user_aggregate_query){
                             .count = {.age = true, .email = true},
                             .sum = {.age = true, .balance = true, .big = true, .score = true, .price = true},
                             .avg = {.age = true, .balance = true, .score = true},
                             .min = {.email = true, .age = true, .role = true, .created_at = true, .price = true},
                             .max = {.email = true, .age = true, .balance = true}},
                         &r, &a));
    ck_assert_int_eq(r.count_all, 3);
    ck_assert_int_eq(r.count.age, 2);   /* NULLs are not counted */
    ck_assert_int_eq(r.count.email, 3);
    ck_assert_int_eq(r.count.name, 0);  /* not asked for */
    /* Past int32: the sum of Int is an int64. */
    ck_assert(r.sum.age.has);
    ck_assert_int_eq(r.sum.age.value, 2147483677LL);
    ck_assert_int_eq(r.sum.big.value, 5000000001LL);
    ck_assert_ptr_nonnull(r.sum.balance);
    ck_assert_double_eq(strtod(r.sum.balance, NULL), 3.75);
    ck_assert_double_eq(r.sum.score.value, 4.0);
    ck_assert_ptr_null(r.sum.price); /* only NULLs: no sum */
    ck_assert_double_eq(r.avg.age.value, (30.0 + 2147483647.0) / 2);
    ck_assert_double_eq(r.avg.score.value, 2.0);
    ck_assert_double_eq(strtod(r.avg.balance, NULL), 1.25);
    ck_assert(!r.avg.big.has); /* not asked for */
    ck_assert_str_eq(r.min.email, "a@x");
    ck_assert_str_eq(r.max.email, "c@x");
    ck_assert_int_eq(r.min.age.value, 30);
    ck_assert_int_eq(r.max.age.value, 2147483647);
    ck_assert(r.min.role.has);
    ck_assert_int_eq(r.min.role.value, DB_ROLE_USER); /* enum order: USER, ADMIN, GUEST */
    ck_assert(r.min.created_at.has);
    ck_assert_ptr_null(r.min.price);
    ck_assert_double_eq(strtod(r.max.balance, NULL), 2.25);

    /* A where (relation filters included); nothing matched. */
    OK(db_user_aggregate(c,
                         &(db_user_aggregate_query){.where = &(db_user_where){.posts = {.some = &no_post_filter}},
                                                    .sum = {.age = true}, .min = {.email = true}},
                         &r, &a));
    ck_assert_int_eq(r.count_all, 0);
    ck_assert(!r.sum.age.has);
    ck_assert_ptr_null(r.min.email);
    /* NULL query: count_all only. */
    OK(db_user_aggregate(c, NULL, &r, &a));
    ck_assert_int_eq(r.count_all, 3);
    /* A sum of text is a caller's mistake, refused before sending. */
    ck_assert_int_eq(db_user_aggregate(c, &(db_user_aggregate_query){.sum = {.email = true}}, &r, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_aggregate(c, &(db_user_aggregate_query){.min = {.active = true}}, &r, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_aggregate(c, NULL, NULL, &a), RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* groupBy: groups in a defined order, aggregates per group, having,
 * ordering by aggregates, paging, several and nullable keys. */
START_TEST(group_by_groups_filters_orders_and_pages)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    struct { const char *email; db_role role; int age; bool active; } people[] = {
        {"u1", DB_ROLE_USER, 10, true},  {"u2", DB_ROLE_USER, 20, true},
        {"u3", DB_ROLE_ADMIN, 40, true}, {"u4", DB_ROLE_GUEST, -1, true},
        {"u5", DB_ROLE_USER, -1, true},  {"u6", DB_ROLE_ADMIN, 50, false}};
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        OK(db_user_create(c,
                          &(db_user_create_input){
                              .email = people[i].email, .role = people[i].role,
                              .active = RF_SOME(rf_opt_bool, people[i].active),
                              .age = people[i].age < 0 ? RF_NONE(rf_opt_i32) : RF_SOME(rf_opt_i32, people[i].age)},
                          NULL, NULL));
    const db_user_field by_role[] = {DB_USER_BY_ROLE};
    db_user_group_by_list g;
    OK(db_user_group_by(c,
                        &(db_user_group_by_query){.by = by_role, .nby = 1,
                                                  .count = {.age = true}, .sum = {.age = true},
                                                  .avg = {.age = true}, .max = {.email = true}},
                        &g, &a));
    /* Ordered by the group field (enum order) when no order is given. */
    ck_assert_uint_eq(g.count, 3);
    ck_assert_int_eq(g.items[0].key.role, DB_ROLE_USER);
    ck_assert_int_eq(g.items[0].aggregate.count_all, 3);
    ck_assert_int_eq(g.items[0].aggregate.count.age, 2);
    ck_assert_int_eq(g.items[0].aggregate.sum.age.value, 30);
    ck_assert_double_eq(g.items[0].aggregate.avg.age.value, 15.0);
    ck_assert_str_eq(g.items[0].aggregate.max.email, "u5");
    ck_assert_int_eq(g.items[1].key.role, DB_ROLE_ADMIN);
    ck_assert_int_eq(g.items[1].aggregate.sum.age.value, 90);
    ck_assert_int_eq(g.items[2].key.role, DB_ROLE_GUEST);
    ck_assert_int_eq(g.items[2].aggregate.count_all, 1);
    ck_assert(!g.items[2].aggregate.sum.age.has); /* only NULLs */
    ck_assert_ptr_null(g.items[0].key.email);      /* not a group field */

    /* having on an average and on the row count. */
    OK(db_user_group_by(c,
                        &(db_user_group_by_query){.by = by_role, .nby = 1,
                                                  .having = (rf_having[]){{RF_AVG, DB_USER_BY_AGE, RF_GT(20.0)}},
                                                  .nhaving = 1},
                        &g, &a));
    ck_assert_uint_eq(g.count, 1);
    ck_assert_int_eq(g.items[0].key.role, DB_ROLE_ADMIN);
    OK(db_user_group_by(c,
                        &(db_user_group_by_query){.by = by_role, .nby = 1,
                                                  .having = (rf_having[]){{RF_COUNT_ALL, 0, RF_GTE(2.0)}},
                                                  .nhaving = 1},
                        &g, &a));
    ck_assert_uint_eq(g.count, 2);

    /* Ordered by an aggregate, paged. */
    const rf_group_order by_count[] = {{RF_COUNT_ALL, 0, RF_DESC, 0}};
    OK(db_user_group_by(c, &(db_user_group_by_query){.by = by_role, .nby = 1, .order_by = by_count, .norder = 1},
                        &g, &a));
    ck_assert_uint_eq(g.count, 3);
    ck_assert_int_eq(g.items[0].key.role, DB_ROLE_USER);
    ck_assert_int_eq(g.items[2].key.role, DB_ROLE_GUEST);
    const rf_group_order by_sum[] = {{RF_SUM, DB_USER_BY_AGE, RF_DESC, RF_NULLS_LAST}};
    OK(db_user_group_by(c,
                        &(db_user_group_by_query){.by = by_role, .nby = 1, .order_by = by_sum, .norder = 1,
                                                  .skip = 1, .take = 1},
                        &g, &a));
    ck_assert_uint_eq(g.count, 1);
    ck_assert_int_eq(g.items[0].key.role, DB_ROLE_USER);
    ck_assert_int_eq(g.items[0].aggregate.count_all, 3);

    /* Two keys, and a where. */
    OK(db_user_group_by(c,
                        &(db_user_group_by_query){.where = &(db_user_where){.role = RF_NE(DB_ROLE_GUEST)},
                                                  .by = (db_user_field[]){DB_USER_BY_ROLE, DB_USER_BY_ACTIVE},
                                                  .nby = 2},
                        &g, &a));
    ck_assert_uint_eq(g.count, 3);
    ck_assert_int_eq(g.items[1].key.role, DB_ROLE_ADMIN);
    ck_assert(!g.items[1].key.active);
    ck_assert(g.items[2].key.active);
    /* A nullable key: its NULL group comes last. */
    OK(db_user_group_by(c, &(db_user_group_by_query){.by = (db_user_field[]){DB_USER_BY_AGE}, .nby = 1}, &g, &a));
    ck_assert_uint_eq(g.count, 5);
    ck_assert(g.items[0].key.age.has);
    ck_assert_int_eq(g.items[0].key.age.value, 10);
    ck_assert(!g.items[4].key.age.has);
    ck_assert_int_eq(g.items[4].aggregate.count_all, 2);

    /* Mistakes are statuses. */
    ck_assert_int_eq(db_user_group_by(c, &(db_user_group_by_query){0}, &g, &a), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_group_by(c,
                                      &(db_user_group_by_query){.by = by_role, .nby = 1,
                                                                .order_by = (rf_group_order[]){{RF_GROUP_FIELD, DB_USER_BY_AGE, 0, 0}},
                                                                .norder = 1},
                                      &g, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_group_by(c,
                                      &(db_user_group_by_query){.by = by_role, .nby = 1,
                                                                .having = (rf_having[]){{RF_SUM, DB_USER_BY_EMAIL, RF_GT(1.0)}},
                                                                .nhaving = 1},
                                      &g, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_group_by(c, &(db_user_group_by_query){.by = (db_user_field[]){DB_USER_BY_TAGS}, .nby = 1},
                                      &g, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Relation counts: `_count` of chosen to-many relations (m:n included), with
 * an optional filter, in the same statement as the rows. */
START_TEST(relation_counts_come_with_the_rows)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    db_user_list l;
    trace_begin(c);
    OK(db_user_find_many(c, &(db_user_query){.order_by = by_id, .norder = 1, .count = {.posts = {.on = true}}}, &l,
                         &a));
    ck_assert_int_eq(trace_end(c), 1);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_int_eq(l.items[0]._count.posts, 3);
    ck_assert_int_eq(l.items[1]._count.posts, 1);
    ck_assert_int_eq(l.items[2]._count.posts, 0);
    ck_assert_str_eq(l.items[0].email, "i0@x"); /* the columns still decode */
    /* With a filter, a selection of columns, and a where of its own. */
    const db_post_where popular = {.views = RF_GT(10)};
    OK(db_user_find_many(c,
                         &(db_user_query){.where = &(db_user_where){.email = RF_NE("i1@x")},
                                          .order_by = by_id, .norder = 1,
                                          .select = &(db_user_select){.email = true},
                                          .count = {.posts = {.on = true, .where = &popular}}},
                         &l, &a));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[0]._count.posts, 2);
    ck_assert_int_eq(l.items[1]._count.posts, 0);
    ck_assert_str_eq(l.items[1].email, "i2@x");
    /* Not asked for: zero. */
    OK(db_user_find_many(c, &(db_user_query){.order_by = by_id, .norder = 1}, &l, &a));
    ck_assert_int_eq(l.items[0]._count.posts, 0);
    /* Many-to-many and to-many together, on find_first, with an include. */
    db_post p;
    trace_begin(c);
    OK(db_post_find_first(c,
                          &(db_post_query){.where = &(db_post_where){.title = RF_EQ("a")},
                                           .include = {.author = true},
                                           .count = {.categories = {.on = true}, .comments = {.on = true}}},
                          &p, &a));
    ck_assert_int_eq(trace_end(c), 2);
    ck_assert_int_eq(p._count.categories, 2);
    ck_assert_int_eq(p._count.comments, 1);
    ck_assert_ptr_nonnull(p.author);
    db_category cat;
    OK(db_category_find_first(c,
                              &(db_category_query){.where = &(db_category_where){.name = RF_EQ("c1")},
                                                   .count = {.posts = {.on = true,
                                                                       .where = &(db_post_where){.title = RF_EQ("c")}}}},
                              &cat, &a));
    ck_assert_int_eq(cat._count.posts, 1); /* filtered through the join table */
    OK(db_category_find_first(c,
                              &(db_category_query){.where = &(db_category_where){.name = RF_EQ("c1")},
                                                   .count = {.posts = {.on = true}}},
                              &cat, &a));
    ck_assert_int_eq(cat._count.posts, 2);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* distinct: the first row of each combination in the query's order, the
 * rows in that order, skip / take counting distinct rows. */
/* Scalar-list filters as Prisma on PostgreSQL: has, has_some (an empty list
 * matches nothing), has_every (an empty list matches every row), is_empty
 * and equals (order counts), on String[], Int[], enum lists and the other
 * element types; each array is one parameter. */
START_TEST(scalar_list_filters)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    const char *tags[3][3] = {{"red", "blue"}, {"blue"}, {0}};
    size_t ntags[3] = {2, 1, 0};
    int32_t lucky[3][2] = {{7, 13}, {13}, {0}};
    db_role roles[3][2] = {{DB_ROLE_ADMIN, DB_ROLE_GUEST}, {DB_ROLE_USER}, {0}};
    for (int i = 0; i < 3; i++) {
        char email[16];
        snprintf(email, sizeof email, "i%d@x", i);
        OK(db_user_create(c,
                          &(db_user_create_input){
                              .email = rf_arena_strdup(&a, email),
                              .tags = {(const char **)tags[i], ntags[i]},
                              .lucky = {lucky[i], ntags[i]},
                              .roles = {roles[i], ntags[i]}},
                          NULL, NULL));
    }
    const char *blue_green[] = {"blue", "green"}, *red_blue[] = {"red", "blue"},
               *blue_red[] = {"blue", "red"}, *green[] = {"green"};
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS("blue")}), "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS("red")}), "i0@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS_SOME(blue_green, 2)}),
                     "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS_SOME(green, 1)}), "");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS_SOME(green, 0)}), "");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS_EVERY(blue_red, 2)}),
                     "i0@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_HAS_EVERY(green, 0)}),
                     "i0@x,i1@x,i2@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_IS_EMPTY(true)}), "i2@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = RF_IS_EMPTY(false)}), "i0@x,i1@x");
    ck_assert_str_eq(
        users_where(c, &a, &(db_user_where){.tags = {.ops = RF_OP_EQUALS, .equals = {red_blue, 2}}}),
        "i0@x");
    ck_assert_str_eq(
        users_where(c, &a, &(db_user_where){.tags = {.ops = RF_OP_EQUALS, .equals = {blue_red, 2}}}),
        "");
    /* Several operators AND, and list filters sit in OR groups like any other. */
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.tags = {.ops = RF_OP_HAS | RF_OP_IS_EMPTY,
                                                                   .has = "blue", .is_empty = false},
                                                          .lucky = RF_HAS(7)}),
                     "i0@x");
    int32_t thirteen_99[] = {13, 99};
    ck_assert_str_eq(users_where(c, &a,
                                 &(db_user_where){.OR = (db_user_where[]){{.lucky = RF_HAS_SOME(thirteen_99, 2)},
                                                                          {.tags = RF_IS_EMPTY(true)}},
                                                  .nOR = 2}),
                     "i0@x,i1@x,i2@x");
    /* Enum lists go as arrays of their labels. */
    db_role admin_user[] = {DB_ROLE_ADMIN, DB_ROLE_USER};
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.roles = RF_HAS(DB_ROLE_GUEST)}), "i0@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.roles = RF_HAS_SOME(admin_user, 2)}),
                     "i0@x,i1@x");
    ck_assert_str_eq(users_where(c, &a, &(db_user_where){.roles = RF_HAS_EVERY(admin_user, 2)}), "");

    /* Other element types: BigInt, Float, Boolean, DateTime, Decimal (compared as numbers). */
    int64_t bigs[] = {1, 5000000000};
    double floats[] = {0.5};
    bool bools[] = {true};
    rf_timestamp times[] = {86400000000};
    const char *decs[] = {"1.50", "2"};
    OK(db_lists_create(c,
                       &(db_lists_create_input){.bigs = {bigs, 2}, .floats = {floats, 1},
                                                .bools = {bools, 1}, .times = {times, 1},
                                                .decs = {(const char **)decs, 2}},
                       NULL, NULL));
    int64_t count = -1;
    const char *dec15[] = {"1.5"};
    OK(db_lists_count(c, &(db_lists_where){.bigs = RF_HAS(5000000000), .floats = RF_HAS(0.5),
                                           .bools = RF_HAS(true), .times = RF_HAS(86400000000),
                                           .decs = RF_HAS_EVERY(dec15, 1)},
                      &count));
    ck_assert_int_eq(count, 1);
    OK(db_lists_count(c, &(db_lists_where){.bigs = RF_HAS(2)}, &count));
    ck_assert_int_eq(count, 0);

    /* A NULL array with a count is refused, not read. */
    db_user_list l;
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.tags = RF_HAS_SOME(NULL, 2)}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Row locking inside a transaction: one client holds FOR UPDATE on a row;
 * another's NOWAIT fails at once with 55P03 and its SKIP LOCKED leaves the
 * row out. Outside a transaction, and with distinct or include, a lock is
 * refused before reaching the server. */
START_TEST(row_locks_in_a_transaction)
{
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&pg, NULL, conninfo, sizeof conninfo), 0);
    rf_client *c = NULL, *other = NULL;
    ck_assert_int_eq(rf_connect(conninfo, &c), RF_OK);
    ck_assert_int_eq(rf_connect(conninfo, &other), RF_OK);
    ck_assert_msg(rf_exec_sql(c, schema_sql) == RF_OK, "%s", rf_last_error(c)->message);
    rf_arena a;
    rf_arena_init(&a);
    OK(db_user_create(c, &(db_user_create_input){.email = "i0@x"}, NULL, NULL));
    OK(db_user_create(c, &(db_user_create_input){.email = "i1@x"}, NULL, NULL));
    db_user_list l;
    db_user first;
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};

    /* Outside a transaction the lock would end with the statement. */
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.lock = {.mode = RF_LOCK_FOR_UPDATE}}, &l, &a),
                     RF_INVALID_ARGUMENT);

    OK(rf_begin(c, RF_READ_COMMITTED, false));
    OK(db_user_find_first(c,
                          &(db_user_query){.where = &(db_user_where){.email = RF_EQ("i0@x")},
                                           .lock = {.mode = RF_LOCK_FOR_UPDATE}},
                          &first, &a));
    ck_assert_str_eq(first.email, "i0@x");
    /* Refused in a transaction too: distinct, include, both skip_locked and nowait. */
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.distinct = (db_user_field[]){DB_USER_BY_ROLE},
                                                        .ndistinct = 1, .lock = {.mode = RF_LOCK_FOR_SHARE}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.include = {.posts = true},
                                                           .lock = {.mode = RF_LOCK_FOR_UPDATE}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.lock = {.mode = RF_LOCK_FOR_UPDATE, .skip_locked = true, .nowait = true}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);

    db_user_stream st;
    ck_assert_int_eq(db_user_find_many_stream(c, &(db_user_query){.lock = {.mode = RF_LOCK_FOR_UPDATE}},
                                              NULL, &st),
                     RF_INVALID_ARGUMENT);
    db_user_stream_close(&st);

    /* The other client: NOWAIT fails at once on the held row. */
    ck_assert_int_eq(rf_begin(other, RF_READ_COMMITTED, false), RF_OK);
    ck_assert_int_eq(db_user_find_many(other,
                                       &(db_user_query){.order_by = by_id, .norder = 1,
                                                        .lock = {.mode = RF_LOCK_FOR_UPDATE, .nowait = true}},
                                       &l, &a),
                     RF_ERROR);
    ck_assert_str_eq(rf_last_error(other)->sqlstate, "55P03");
    ck_assert_int_eq(rf_rollback(other), RF_OK);
    /* SKIP LOCKED leaves it out and returns the rest. */
    ck_assert_int_eq(rf_begin(other, RF_READ_COMMITTED, false), RF_OK);
    ck_assert_int_eq(db_user_find_many(other,
                                       &(db_user_query){.order_by = by_id, .norder = 1,
                                                        .lock = {.mode = RF_LOCK_FOR_UPDATE, .skip_locked = true}},
                                       &l, &a),
                     RF_OK);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_str_eq(l.items[0].email, "i1@x");
    ck_assert_int_eq(rf_rollback(other), RF_OK);
    OK(rf_commit(c));

    /* Released at commit: the other client now locks both rows. */
    ck_assert_int_eq(rf_begin(other, RF_READ_COMMITTED, false), RF_OK);
    ck_assert_int_eq(db_user_find_many(other,
                                       &(db_user_query){.order_by = by_id, .norder = 1,
                                                        .lock = {.mode = RF_LOCK_FOR_NO_KEY_UPDATE, .nowait = true}},
                                       &l, &a),
                     RF_OK);
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(rf_commit(other), RF_OK);
    rf_arena_free(&a);
    rf_close(other);
    rf_close(c);
}
END_TEST

START_TEST(distinct_keeps_the_first_row_of_each_combination)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_post_order most_viewed[] = {{DB_POST_BY_VIEWS, RF_DESC, 0}};
    const db_post_field by_author[] = {DB_POST_BY_AUTHOR_ID};
    db_post_list l;
    OK(db_post_find_many(c,
                         &(db_post_query){.order_by = most_viewed, .norder = 1, .distinct = by_author,
                                          .ndistinct = 1},
                         &l, &a));
    /* Each author's most viewed post (and the authorless one), by views. */
    ck_assert_uint_eq(l.count, 3);
    ck_assert_str_eq(l.items[0].title, "orphan");
    ck_assert_str_eq(l.items[1].title, "d");
    ck_assert_str_eq(l.items[2].title, "c");
    OK(db_post_find_many(c,
                         &(db_post_query){.order_by = most_viewed, .norder = 1, .distinct = by_author,
                                          .ndistinct = 1, .skip = 1, .take = 1},
                         &l, &a));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_str_eq(l.items[0].title, "d");
    /* With a where, the opposite order, relation counts and find_first. */
    db_post p;
    OK(db_post_find_first(c,
                          &(db_post_query){.where = &(db_post_where){.author = RF_IS_NOT_NULL},
                                           .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_ASC, 0}},
                                           .norder = 1, .distinct = by_author, .ndistinct = 1,
                                           .count = {.categories = {.on = true}}},
                          &p, &a));
    ck_assert_str_eq(p.title, "a");
    ck_assert_int_eq(p._count.categories, 2);
    /* Two fields: every post is its own combination. */
    OK(db_post_find_many(c,
                         &(db_post_query){.distinct = (db_post_field[]){DB_POST_BY_AUTHOR_ID, DB_POST_BY_TITLE},
                                          .ndistinct = 2},
                         &l, &a));
    ck_assert_uint_eq(l.count, 5);
    ck_assert_int_eq(db_post_find_many(c, &(db_post_query){.distinct = (db_post_field[]){99}, .ndistinct = 1}, &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Ordering by a to-one relation's field and by a to-many relation's count. */
START_TEST(order_by_relations)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    db_post_list posts;
    OK(db_post_find_many(c,
                         &(db_post_query){.order_by_relation = (rf_relation_order[]){{.relation = DB_POST_REL_AUTHOR,
                                                                                       .by = DB_USER_BY_EMAIL,
                                                                                       .sort = RF_DESC,
                                                                                       .nulls = RF_NULLS_LAST}},
                                          .norder_by_relation = 1,
                                          .order_by = (db_post_order[]){{DB_POST_BY_TITLE, RF_ASC, 0}},
                                          .norder = 1},
                         &posts, &a));
    ck_assert_uint_eq(posts.count, 5);
    const char *want[] = {"c", "a", "b", "d", "orphan"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(posts.items[i].title, want[i]);

    const rf_relation_order most_posts[] = {{.relation = DB_USER_REL_POSTS, .count = true, .sort = RF_DESC}};
    ck_assert_str_eq(users_order(c, &a, most_posts, 0, 0), "i0@x,i1@x,i2@x");
    ck_assert_str_eq(users_order(c, &a, most_posts, 1, 1), "i1@x");
    ck_assert_str_eq(users_order(c, &a, most_posts, 0, -1), "i2@x"); /* the last one */
    /* Many-to-many counts. */
    db_category_list cats;
    OK(db_category_find_many(c,
                             &(db_category_query){.order_by_relation = (rf_relation_order[]){{.relation = DB_CATEGORY_REL_POSTS,
                                                                                               .count = true,
                                                                                               .sort = RF_DESC}},
                                                  .norder_by_relation = 1},
                             &cats, &a));
    ck_assert_uint_eq(cats.count, 2);
    ck_assert_str_eq(cats.items[0].name, "c1");
    /* Mistakes: no such relation, a to-many one without count, with a cursor. */
    db_user_list l;
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.order_by_relation = (rf_relation_order[]){{.relation = 9}},
                                                           .norder_by_relation = 1},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.order_by_relation = (rf_relation_order[]){{.relation = DB_USER_REL_POSTS}},
                                                           .norder_by_relation = 1},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.order_by_relation = most_posts, .norder_by_relation = 1,
                                                           .cursor = &(db_user_cursor){b.u[0].id}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Nested include with per-level where, order, skip and take (per parent),
 * to any depth, one query per relation and level. */
START_TEST(nested_include_with_arguments)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    db_user_list l;
    /* Each user's most viewed popular post. */
    trace_begin(c);
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .where = &(db_post_where){.views = RF_GT(10)},
                                                          .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_DESC, 0}},
                                                          .norder = 1, .take = 1}}},
                         &l, &a));
    ck_assert_int_eq(trace_end(c), 2);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_uint_eq(l.items[0].posts.count, 1);
    ck_assert_str_eq(l.items[0].posts.items[0].title, "d");
    ck_assert_uint_eq(l.items[1].posts.count, 1);
    ck_assert_str_eq(l.items[1].posts.items[0].title, "c");
    ck_assert_uint_eq(l.items[2].posts.count, 0);
    /* skip and take count per parent, in the given order. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_ASC, 0}},
                                                          .norder = 1, .skip = 1, .take = 5}}},
                         &l, &a));
    ck_assert_uint_eq(l.items[0].posts.count, 2);
    ck_assert_str_eq(l.items[0].posts.items[0].title, "b");
    ck_assert_str_eq(l.items[0].posts.items[1].title, "d");
    ck_assert_uint_eq(l.items[1].posts.count, 0);
    /* Three levels: users → posts (by title) → comments and categories
     * (m:n, by name descending, one per post). */
    trace_begin(c);
    OK(db_user_find_many(
        c,
        &(db_user_query){.order_by = by_id, .norder = 1,
                         .include = {._args.posts = &(db_post_query){
                                         .order_by = (db_post_order[]){{DB_POST_BY_TITLE, RF_ASC, 0}}, .norder = 1,
                                         .include = {.comments = true,
                                                     ._args.categories = &(db_category_query){
                                                         .order_by = (db_category_order[]){{DB_CATEGORY_BY_NAME, RF_DESC, 0}},
                                                         .norder = 1, .take = 1}}}}},
        &l, &a));
    ck_assert_int_eq(trace_end(c), 4);
    const db_post_list *ps = &l.items[0].posts;
    ck_assert_uint_eq(ps->count, 3);
    ck_assert_str_eq(ps->items[0].title, "a");
    ck_assert_uint_eq(ps->items[0].comments.count, 1);
    ck_assert_str_eq(ps->items[0].comments.items[0].body, "hi");
    ck_assert_uint_eq(ps->items[0].categories.count, 1);
    ck_assert_str_eq(ps->items[0].categories.items[0].name, "c2");
    ck_assert_uint_eq(ps->items[1].categories.count, 0);
    ck_assert_str_eq(l.items[1].posts.items[0].categories.items[0].name, "c1");
    /* Up a to-one relation and on to its relation. */
    db_comment_list cl;
    OK(db_comment_find_many(c,
                            &(db_comment_query){.include = {._args.post = &(db_post_query){.include = {.author = true}}}},
                            &cl, &a));
    ck_assert_uint_eq(cl.count, 1);
    ck_assert_ptr_nonnull(cl.items[0].post);
    ck_assert_ptr_nonnull(cl.items[0].post->author);
    ck_assert_str_eq(cl.items[0].post->author->email, "i0@x");
    /* Mistakes in the arguments are statuses. */
    ck_assert_int_eq(db_user_find_many(c, &(db_user_query){.include = {._args.posts = &(db_post_query){.take = -1}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .order_by = (db_post_order[]){{99, RF_ASC, 0}}, .norder = 1}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* The titles of a list of posts, joined by ",". */
static const char *titles_of(const db_post_list *l)
{
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l->items[i].title ? l->items[i].title : "(null)", sizeof out - strlen(out) - 8);
    }
    return out;
}

/* An included level takes a cursor, per parent as Prisma does: each
 * parent's rows at or after the cursor row in the level's order. */
START_TEST(include_with_a_cursor_pages_each_parent)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    const db_post_order by_views[] = {{DB_POST_BY_VIEWS, RF_ASC, 0}};
    db_user_list l;
    trace_begin(c);
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_views, .norder = 1,
                                                          .cursor = &(db_post_cursor){.id = b.p[1].id},
                                                          .take = 2}}},
                         &l, &a));
    ck_assert_int_eq(trace_end(c), 2);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_str_eq(titles_of(&l.items[0].posts), "b,d"); /* a (5 views) is before b (50) */
    ck_assert_str_eq(titles_of(&l.items[1].posts), "");    /* c has 20 views: before the cursor */
    /* take 1: one row per parent, from the cursor on. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_DESC, 0}},
                                                          .norder = 1,
                                                          .cursor = &(db_post_cursor){.id = b.p[1].id},
                                                          .take = 1}}},
                         &l, &a));
    ck_assert_str_eq(titles_of(&l.items[0].posts), "b");
    ck_assert_str_eq(titles_of(&l.items[1].posts), "c"); /* 20 views: after 50 going down */
    /* Without take or order: the rest in key order. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .cursor = &(db_post_cursor){.id = b.p[1].id}}}},
                         &l, &a));
    db_post_list top; /* the same cursor on a query of u0's posts */
    OK(db_post_find_many(c,
                         &(db_post_query){.where = &(db_post_where){.author_id = RF_EQ(b.u[0].id)},
                                          .cursor = &(db_post_cursor){.id = b.p[1].id}},
                         &top, &a));
    ck_assert_uint_ge(top.count, 1);
    char expected[256];
    snprintf(expected, sizeof expected, "%s", titles_of(&top));
    ck_assert_str_eq(titles_of(&l.items[0].posts), expected);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* select at an included level: only those columns come back, plus the
 * links that level's own includes need. */
START_TEST(include_with_a_select)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    const db_post_order by_title[] = {{DB_POST_BY_TITLE, RF_ASC, 0}};
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_title, .norder = 1,
                                                          .select = &(db_post_select){.title = true, .views = true}}}},
                         &l, &a));
    const db_post_list *ps = &l.items[0].posts;
    ck_assert_str_eq(titles_of(ps), "a,b,d");
    ck_assert_int_eq(ps->items[1].views, 50);
    ck_assert_ptr_null(ps->items[1].id); /* not selected */
    ck_assert_ptr_null(ps->items[1].slug);
    ck_assert(!ps->items[1].author_id.has);
    /* Paged, and with the level's own include: its link (id) is read. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_title, .norder = 1, .take = 1,
                                                          .select = &(db_post_select){.title = true},
                                                          .include = {.comments = true}}}},
                         &l, &a));
    ps = &l.items[0].posts;
    ck_assert_str_eq(titles_of(ps), "a");
    ck_assert_ptr_nonnull(ps->items[0].id);
    ck_assert_uint_eq(ps->items[0].comments.count, 1);
    ck_assert_int_eq(ps->items[0].views, 0);
    /* Selecting nothing is a mistake. */
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .select = &(db_post_select){0}}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* distinct at an included level: per parent, the first row of each
 * combination in the level's order; skip / take count distinct rows. */
START_TEST(include_with_distinct)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    /* u0 gets a second post with 50 views; u1 one with 20. */
    OK(db_post_create(c, &(db_post_create_input){.title = "e", .views = RF_SOME(rf_opt_i32, 50),
                                                 .author_id = RF_SOME(rf_opt_i32, b.u[0].id)},
                      NULL, NULL));
    OK(db_post_create(c, &(db_post_create_input){.title = "f", .views = RF_SOME(rf_opt_i32, 20),
                                                 .author_id = RF_SOME(rf_opt_i32, b.u[1].id)},
                      NULL, NULL));
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    const db_post_order by_title_desc[] = {{DB_POST_BY_TITLE, RF_DESC, 0}};
    const db_post_field views[] = {DB_POST_BY_VIEWS};
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_title_desc, .norder = 1,
                                                          .distinct = views, .ndistinct = 1}}},
                         &l, &a));
    ck_assert_str_eq(titles_of(&l.items[0].posts), "e,d,a"); /* e, not b: first by title descending */
    ck_assert_str_eq(titles_of(&l.items[1].posts), "f");
    ck_assert_str_eq(titles_of(&l.items[2].posts), "");
    /* Paged per parent, with a filter and a selection. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .where = &(db_post_where){.views = RF_GT(10)},
                                                          .order_by = by_title_desc, .norder = 1,
                                                          .distinct = views, .ndistinct = 1,
                                                          .skip = 1, .take = 5,
                                                          .select = &(db_post_select){.title = true}}}},
                         &l, &a));
    ck_assert_str_eq(titles_of(&l.items[0].posts), "d");
    ck_assert_str_eq(titles_of(&l.items[1].posts), "");
    /* Through a join table: categories distinct by name are all of them. */
    db_post p;
    OK(db_post_find_first(c,
                          &(db_post_query){.where = &(db_post_where){.title = RF_EQ("a")},
                                           .include = {._args.categories = &(db_category_query){
                                                           .distinct = (db_category_field[]){DB_CATEGORY_BY_NAME},
                                                           .ndistinct = 1}}},
                          &p, &a));
    ck_assert_uint_eq(p.categories.count, 2);
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .distinct = (db_post_field[]){42}, .ndistinct = 1}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Relation counts at an included level (the level's count, or its
 * include's _count), in the level's one query. */
START_TEST(include_with_relation_counts)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    OK(db_comment_create(c, &(db_comment_create_input){.body = "yo", .post_id = b.p[0].id}, NULL, NULL));
    OK(db_comment_create(c, &(db_comment_create_input){.body = "hm", .post_id = b.p[1].id}, NULL, NULL));
    const db_user_order by_id[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    const db_post_order by_title[] = {{DB_POST_BY_TITLE, RF_ASC, 0}};
    db_user_list l;
    trace_begin(c);
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_title, .norder = 1,
                                                          .count = {.comments = {.on = true},
                                                                    .categories = {.on = true}}}}},
                         &l, &a));
    ck_assert_int_eq(trace_end(c), 2);
    const db_post_list *ps = &l.items[0].posts;
    ck_assert_str_eq(titles_of(ps), "a,b,d");
    ck_assert_int_eq(ps->items[0]._count.comments, 2);
    ck_assert_int_eq(ps->items[0]._count.categories, 2);
    ck_assert_int_eq(ps->items[1]._count.comments, 1);
    ck_assert_int_eq(ps->items[2]._count.comments, 0);
    ck_assert_int_eq(l.items[1].posts.items[0]._count.categories, 1);
    /* With a filter, paged, selected, through the level's include._count. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = by_id, .norder = 1,
                                          .include = {._args.posts = &(db_post_query){
                                                          .order_by = by_title, .norder = 1, .take = 1,
                                                          .select = &(db_post_select){.title = true},
                                                          .include = {._count.comments = {
                                                                          .on = true,
                                                                          .where = &(db_comment_where){.body = RF_EQ("yo")}}}}}},
                         &l, &a));
    ck_assert_str_eq(titles_of(&l.items[0].posts), "a");
    ck_assert_int_eq(l.items[0].posts.items[0]._count.comments, 1);
    ck_assert_int_eq(l.items[0].posts.items[0]._count.categories, 0); /* not asked for */
    /* Two levels down: users → posts → comments counted on categories' posts. */
    db_category_list cl;
    OK(db_category_find_many(c,
                             &(db_category_query){.order_by = (db_category_order[]){{DB_CATEGORY_BY_NAME, RF_ASC, 0}},
                                                  .norder = 1,
                                                  .include = {._args.posts = &(db_post_query){
                                                                  .order_by = by_title, .norder = 1,
                                                                  .count = {.comments = {.on = true}}}}},
                             &cl, &a));
    ck_assert_str_eq(titles_of(&cl.items[0].posts), "a,c");
    ck_assert_int_eq(cl.items[0].posts.items[0]._count.comments, 2);
    ck_assert_int_eq(cl.items[0].posts.items[1]._count.comments, 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* A lock or an ordering by relations at an included level would be
 * dropped: both are refused, with a message that says why. */
START_TEST(include_refuses_what_it_cannot_honour)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    db_user_list l;
    OK(rf_begin(c, RF_READ_COMMITTED, false));
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .lock = {.mode = RF_LOCK_FOR_UPDATE}}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(rf_last_error(c)->message, "lock"));
    /* A locked query whose include is given by its arguments alone. */
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.lock = {.mode = RF_LOCK_FOR_UPDATE},
                                                        .include = {._args.posts = &(db_post_query){.take = 1}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    OK(rf_rollback(c));
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .order_by_relation = (rf_relation_order[]){
                                                                {.relation = DB_POST_REL_AUTHOR, .by = DB_USER_BY_EMAIL}},
                                                            .norder_by_relation = 1}}},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(rf_last_error(c)->message, "order_by_relation"));
    /* A stream loads no relations and counts none: it says so. */
    db_user_stream us;
    ck_assert_int_eq(db_user_find_many_stream(c,
                                              &(db_user_query){.include = {._args.posts = &(db_post_query){.take = 1}}},
                                              NULL, &us),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many_stream(c, &(db_user_query){.count = {.posts = {.on = true}}}, NULL, &us),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many_stream(c, &(db_user_query){.include = {._count.posts = {.on = true}}}, NULL, &us),
                     RF_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(rf_last_error(c)->message, "count"));
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Relation counts on find_unique (its include's _count), in one
 * statement, and the include's _count on find_many / find_first. */
START_TEST(relation_counts_on_every_find)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    db_user u;
    trace_begin(c);
    OK(db_user_find_unique_by_id(c, b.u[0].id, &(db_user_include){._count.posts = {.on = true}}, &u, &a));
    ck_assert_int_eq(trace_end(c), 1);
    ck_assert_int_eq(u._count.posts, 3);
    ck_assert_str_eq(u.email, "i0@x");
    /* A filter with its own parameters after the key's. */
    OK(db_user_find_unique_by_email(c, "i0@x",
                                    &(db_user_include){._count.posts = {.on = true,
                                                                        .where = &(db_post_where){.views = RF_GT(10)}},
                                                       .profile = true},
                                    &u, &a));
    ck_assert_int_eq(u._count.posts, 2);
    ck_assert_ptr_nonnull(u.profile);
    /* The _select form, and a many-to-many count. */
    OK(db_user_find_unique_by_id_select(c, b.u[1].id, &(db_user_include){._count.posts = {.on = true}},
                                        &(db_user_select){.email = true}, &u, &a));
    ck_assert_int_eq(u._count.posts, 1);
    ck_assert_str_eq(u.email, "i1@x");
    db_post p;
    OK(db_post_find_unique_by_id(c, b.p[0].id,
                                 &(db_post_include){._count = {.categories = {.on = true}, .comments = {.on = true}}},
                                 &p, &a));
    ck_assert_int_eq(p._count.categories, 2);
    ck_assert_int_eq(p._count.comments, 1);
    /* Not found stays not found. */
    ck_assert_int_eq(db_user_find_unique_by_id(c, 999, &(db_user_include){._count.posts = {.on = true}}, &u, &a),
                     RF_NOT_FOUND);
    /* find_many and find_first through the include's _count. */
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = (db_user_order[]){{DB_USER_BY_ID, RF_ASC, 0}}, .norder = 1,
                                          .include = {._count.posts = {.on = true}}},
                         &l, &a));
    ck_assert_int_eq(l.items[0]._count.posts, 3);
    ck_assert_int_eq(l.items[2]._count.posts, 0);
    OK(db_user_find_first(c,
                          &(db_user_query){.where = &(db_user_where){.email = RF_EQ("i1@x")},
                                           .include = {._count.posts = {.on = true}}},
                          &u, &a));
    ck_assert_int_eq(u._count.posts, 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Statements prepared on c's connection so far. */
static int prepared_count(rf_client *c)
{
    PGresult *r = PQexec((PGconn *)rf_client_pgconn(c), "SELECT count(*) FROM pg_prepared_statements");
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

/* The emails of a list of users, joined by ",". */
static const char *emails_of(const db_user_list *l)
{
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l->items[i].email ? l->items[i].email : "(null)", sizeof out - strlen(out) - 8);
    }
    return out;
}

/* find_many remembers the SQL of simple queries by their shape (no SQL is
 * built again for a shape seen before). Queries that differ in any way
 * their SQL depends on never share a statement: each of these shapes is
 * prepared once, and each keeps returning its own rows, whatever ran
 * before it; the same shape with other values shares its statement. */
START_TEST(each_query_shape_has_its_own_statement)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    blog b;
    seed(c, &a, &b);
    const db_user_order asc[] = {{DB_USER_BY_ID, RF_ASC, 0}};
    const db_user_order desc[] = {{DB_USER_BY_ID, RF_DESC, 0}};
    const db_user_order desc_nulls[] = {{DB_USER_BY_ID, RF_DESC, RF_NULLS_LAST}};
    const db_user_order by_email_desc[] = {{DB_USER_BY_EMAIL, RF_DESC, 0}};
    const db_user_order two[] = {{DB_USER_BY_NAME, RF_ASC, 0}, {DB_USER_BY_ID, RF_DESC, 0}};
    const db_user_select email_only = {.email = true};
    const db_user_select email_and_age = {.email = true, .age = true};
    struct {
        db_user_query q;
        const char *emails;
        int posts0; /* _count.posts of the first row, -1: not counted */
    } shapes[] = {
        {{.order_by = asc, .norder = 1}, "i0@x,i1@x,i2@x", -1},
        {{.order_by = desc, .norder = 1}, "i2@x,i1@x,i0@x", -1},
        {{.order_by = desc_nulls, .norder = 1}, "i2@x,i1@x,i0@x", -1},
        {{.order_by = by_email_desc, .norder = 1}, "i2@x,i1@x,i0@x", -1},
        {{.order_by = two, .norder = 2}, "i2@x,i1@x,i0@x", -1},
        {{.order_by = asc, .norder = 1, .take = 2}, "i0@x,i1@x", -1},
        {{.order_by = asc, .norder = 1, .take = -2}, "i1@x,i2@x", -1},
        {{.order_by = asc, .norder = 1, .skip = 1}, "i1@x,i2@x", -1},
        {{.order_by = asc, .norder = 1, .skip = 1, .take = 1}, "i1@x", -1},
        {{.order_by = asc, .norder = 1, .select = &email_only}, "i0@x,i1@x,i2@x", -1},
        {{.order_by = asc, .norder = 1, .select = &email_and_age}, "i0@x,i1@x,i2@x", -1},
        {{.order_by = asc, .norder = 1, .count = {.posts = {.on = true}}}, "i0@x,i1@x,i2@x", 3},
        {{.order_by = asc, .norder = 1, .take = 1, .count = {.posts = {.on = true}}}, "i0@x", 3},
    };
    size_t n = sizeof shapes / sizeof shapes[0];
    db_user_list l;
    int before = prepared_count(c);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < n; i++) {
            OK(db_user_find_many(c, &shapes[i].q, &l, &a));
            ck_assert_msg(!strcmp(emails_of(&l), shapes[i].emails), "shape %zu, round %d: %s, not %s", i,
                          round, emails_of(&l), shapes[i].emails);
            if (shapes[i].posts0 >= 0)
                ck_assert_int_eq(l.items[0]._count.posts, shapes[i].posts0);
            else
                ck_assert_int_eq(l.items[0]._count.posts, 0);
            if (shapes[i].q.select)
                ck_assert_ptr_null(l.items[0].name);
        }
    ck_assert_int_eq(prepared_count(c) - before, (int)n);
    /* The same shape with other values: no new statement, the new values. */
    OK(db_user_find_many(c, &(db_user_query){.order_by = asc, .norder = 1, .skip = 2, .take = 5}, &l, &a));
    ck_assert_str_eq(emails_of(&l), "i2@x");
    OK(db_user_find_many(c, &(db_user_query){.order_by = asc, .norder = 1, .take = -1}, &l, &a));
    ck_assert_str_eq(emails_of(&l), "i2@x");
    ck_assert_int_eq(prepared_count(c) - before, (int)n);
    /* Locks are part of the shape too. */
    OK(rf_begin(c, RF_READ_COMMITTED, false));
    OK(db_user_find_many(c, &(db_user_query){.order_by = asc, .norder = 1, .lock = {.mode = RF_LOCK_FOR_SHARE}}, &l,
                         &a));
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = asc, .norder = 1,
                                          .lock = {.mode = RF_LOCK_FOR_SHARE, .nowait = true}},
                         &l, &a));
    OK(db_user_find_many(c, &(db_user_query){.order_by = asc, .norder = 1, .lock = {.mode = RF_LOCK_FOR_UPDATE}}, &l,
                         &a));
    ck_assert_str_eq(emails_of(&l), "i0@x,i1@x,i2@x");
    OK(rf_commit(c));
    ck_assert_int_eq(prepared_count(c) - before, (int)n + 3);
    /* Queries outside the remembered class (a where, a filtered count)
     * still get their own statements and their own rows. */
    OK(db_user_find_many(c,
                         &(db_user_query){.where = &(db_user_where){.email = RF_EQ("i1@x")}, .order_by = asc,
                                          .norder = 1},
                         &l, &a));
    ck_assert_str_eq(emails_of(&l), "i1@x");
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = asc, .norder = 1,
                                          .count = {.posts = {.on = true, .where = &(db_post_where){.views = RF_GT(55)}}}},
                         &l, &a));
    ck_assert_int_eq(l.items[0]._count.posts, 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_reads");
    TCase *tc = tcase_create("generated client reads");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, to_many_some_every_none);
    tcase_add_test(tc, to_one_is_is_not_and_null);
    tcase_add_test(tc, nested_and_combined_relation_filters);
    tcase_add_test(tc, too_deep_relation_filters_are_refused);
    tcase_add_test(tc, aggregate_counts_sums_averages_and_extremes);
    tcase_add_test(tc, group_by_groups_filters_orders_and_pages);
    tcase_add_test(tc, relation_counts_come_with_the_rows);
    tcase_add_test(tc, scalar_list_filters);
    tcase_add_test(tc, row_locks_in_a_transaction);
    tcase_add_test(tc, distinct_keeps_the_first_row_of_each_combination);
    tcase_add_test(tc, order_by_relations);
    tcase_add_test(tc, nested_include_with_arguments);
    tcase_add_test(tc, include_with_a_cursor_pages_each_parent);
    tcase_add_test(tc, include_with_a_select);
    tcase_add_test(tc, include_with_distinct);
    tcase_add_test(tc, include_with_relation_counts);
    tcase_add_test(tc, include_refuses_what_it_cannot_honour);
    tcase_add_test(tc, relation_counts_on_every_find);
    tcase_add_test(tc, each_query_shape_has_its_own_statement);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
