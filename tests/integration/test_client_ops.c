/*
 * test_client_ops.c — the generated client against a real PostgreSQL.
 *
 * The client of tests/integration/client/schema.prisma (committed beside
 * it, kept fresh by test_generate_corpus) is compiled into this test. Each
 * test gets a fresh database whose tables come from `refract migrate diff
 * --from-empty --script`, the SQL refract's migrations would apply.
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

/* ---- counting round trips: libpq's protocol trace --------------------------- */

static FILE *trace;
static char *trace_buf;
static size_t trace_len;

static void trace_begin(rf_client *c)
{
    trace = open_memstream(&trace_buf, &trace_len);
    PQtrace((PGconn *)rf_client_pgconn(c), trace);
}

/* Number of statements executed since trace_begin. */
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

/* ---- tests ------------------------------------------------------------------ */

START_TEST(create_fills_defaults_and_every_type_round_trips)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    const char *tags[] = {"a", "b,c", "\"q\"", "", "NULL"};
    int32_t lucky[] = {7, -3, 2147483647};
    db_role roles[] = {DB_ROLE_ADMIN, DB_ROLE_GUEST};
    static const unsigned char bytes[] = {0, 1, 2, 255, '\\', '\''};
    rf_timestamp when = rf_timestamp_from_civil(2024, 2, 29, 13, 14, 15, 123000);
    db_user u;
    OK(db_user_create(c,
                      &(db_user_create_input){
                          .email = "ada@example.com",
                          .name = "Ada",
                          .age = RF_SOME(rf_opt_i32, 36),
                          .roles = {roles, 2},
                          .birthday = RF_SOME(rf_opt_timestamp, rf_timestamp_from_civil(1815, 12, 10, 0, 0, 0, 0)),
                          .seen_at = RF_SOME(rf_opt_timestamp, when),
                          .wake_at = RF_SOME(rf_opt_timestamp, rf_timestamp_from_civil(1970, 1, 1, 6, 30, 0, 250)),
                          .balance = "12345678901234567890.123456789012345678901234567890",
                          .price = "19.99",
                          .meta = "{\"k\": [1, 2, {\"x\": null}]}",
                          .avatar = {bytes, sizeof bytes},
                          .big = RF_SOME(rf_opt_i64, INT64_C(-9007199254740993)),
                          .small = RF_SOME(rf_opt_i32, -32768),
                          .score = RF_SOME(rf_opt_f64, 0.1),
                          .ratio = RF_SOME(rf_opt_f64, 0.5),
                          .active = RF_SOME(rf_opt_bool, false),
                          .code = "X-1",
                          .ext_id = "0b9c3b8e-2f5e-4a47-9c1e-4f1d2a3b4c5d",
                          .tags = {tags, 5},
                          .lucky = {lucky, 3},
                      },
                      &u, &a));
    ck_assert_int_gt(u.id, 0);
    ck_assert_int_eq(u.role, DB_ROLE_USER); /* the default */
    ck_assert_int_gt(u.created_at, rf_timestamp_now() - 60 * RF_USEC_PER_SEC);
    ck_assert_int_gt(u.updated_at, rf_timestamp_now() - 60 * RF_USEC_PER_SEC);

    db_user got;
    OK(db_user_find_unique_by_email(c, "ada@example.com", NULL, &got, &a));
    ck_assert_int_eq(got.id, u.id);
    ck_assert_str_eq(got.name, "Ada");
    ck_assert(got.age.has && got.age.value == 36);
    ck_assert_uint_eq(got.roles.count, 2);
    ck_assert_int_eq(got.roles.items[0], DB_ROLE_ADMIN);
    ck_assert_int_eq(got.roles.items[1], DB_ROLE_GUEST);
    ck_assert(got.birthday.has);
    rf_civil bd = rf_timestamp_to_civil(got.birthday.value);
    ck_assert_int_eq(bd.year, 1815);
    ck_assert_int_eq(bd.day, 10);
    ck_assert(got.seen_at.has && got.seen_at.value == when);
    ck_assert(got.wake_at.has);
    rf_civil wk = rf_timestamp_to_civil(got.wake_at.value);
    ck_assert_int_eq(wk.hour, 6);
    ck_assert_int_eq(wk.minute, 30);
    ck_assert_int_eq(wk.microsecond, 250);
    /* as Prisma's Decimal shows it: the trailing zero is not part of the value */
    ck_assert_str_eq(got.balance, "12345678901234567890.12345678901234567890123456789");
    ck_assert_str_eq(got.price, "19.99");
    ck_assert_ptr_nonnull(strstr(got.meta, "\"x\": null"));
    ck_assert_uint_eq(got.avatar.len, sizeof bytes);
    ck_assert_int_eq(memcmp(got.avatar.data, bytes, sizeof bytes), 0);
    ck_assert(got.big == INT64_C(-9007199254740993));
    ck_assert(got.small.has && got.small.value == -32768);
    ck_assert(got.score.has && got.score.value == 0.1);
    ck_assert(got.ratio.has && got.ratio.value == 0.5);
    ck_assert(!got.active);
    ck_assert_str_eq(got.code, "X-1");
    ck_assert_str_eq(got.ext_id, "0b9c3b8e-2f5e-4a47-9c1e-4f1d2a3b4c5d");
    ck_assert_uint_eq(got.tags.count, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(got.tags.items[i], tags[i]);
    ck_assert_uint_eq(got.lucky.count, 3);
    ck_assert_int_eq(got.lucky.items[2], 2147483647);

    /* Nullable columns left out are NULL, and say so in their type. */
    db_user bare;
    OK(db_user_create(c, &(db_user_create_input){.email = "bare@example.com"}, &bare, &a));
    ck_assert_ptr_null(bare.name);
    ck_assert(!bare.age.has);
    ck_assert(!bare.score.has);
    ck_assert_ptr_null(bare.avatar.data);
    ck_assert_ptr_null(bare.meta);
    ck_assert(bare.active); /* @default(true) */
    ck_assert_uint_eq(bare.roles.count, 0);

    /* Client-side ids: uuid, cuid, nanoid(10), ulid. */
    db_profile prof;
    OK(db_profile_create(c, &(db_profile_create_input){.bio = "b", .user_id = u.id}, &prof, &a));
    ck_assert_uint_eq(strlen(prof.id), 36);
    ck_assert_int_eq(prof.id[14], '4');
    db_post post;
    OK(db_post_create(c, &(db_post_create_input){.title = "t", .author_id = RF_SOME(rf_opt_i32, u.id)},
                      &post, &a));
    ck_assert_uint_eq(strlen(post.id), 25);
    ck_assert_int_eq(post.id[0], 'c');
    ck_assert_uint_eq(strlen(post.slug), 10);
    db_comment com;
    OK(db_comment_create(c, &(db_comment_create_input){.body = "x", .post_id = post.id}, &com, &a));
    ck_assert_uint_eq(strlen(com.id), 26);

    ck_assert_str_eq(db_role_to_string(DB_ROLE_ADMIN), "admin");
    db_role r;
    ck_assert(db_role_from_string("GUEST", &r) && r == DB_ROLE_GUEST);
    ck_assert(!db_role_from_string("ADMIN", &r)); /* the label is "admin" */
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(hostile_strings_round_trip_byte_for_byte)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    size_t big_len = 1 << 20;
    char *big = malloc(big_len + 1);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)('a' + i % 26);
    big[big_len] = '\0';
    const char *hostile[] = {
        "O'Brien \"quoted\" `tick`",
        "back\\slash \\' \\\\ end\\",
        "'; DROP TABLE \"User\"; --",
        "Robert'); DELETE FROM \"User\" WHERE ('1'='1",
        "$1 $2 ? %s %n {{x}}",
        "日本語 — ünïcödé 🚀 \xf0\x9f\x98\x80",
        "tab\there\nnewline\r\n",
        "%_ like wildcards _%",
        big,
    };
    size_t n = sizeof hostile / sizeof *hostile;
    for (size_t i = 0; i < n; i++) {
        char email[32];
        snprintf(email, sizeof email, "h%zu@example.com", i);
        db_user u;
        OK(db_user_create(c, &(db_user_create_input){.email = email, .name = hostile[i],
                                                     .tags = {&hostile[i], 1}},
                          &u, &a));
        db_user got;
        OK(db_user_find_unique_by_id(c, u.id, NULL, &got, &a));
        ck_assert_uint_eq(strlen(got.name), strlen(hostile[i]));
        ck_assert_int_eq(memcmp(got.name, hostile[i], strlen(hostile[i])), 0);
        ck_assert_str_eq(got.tags.items[0], hostile[i]);
        /* ...and as filter values, matched literally. */
        int64_t count = 0;
        OK(db_user_count(c, &(db_user_where){.name = RF_EQ(hostile[i])}, &count));
        ck_assert_int_eq(count, 1);
        if (i < n - 1) {
            OK(db_user_count(c, &(db_user_where){.name = RF_CONTAINS(hostile[i])}, &count));
            ck_assert_int_eq(count, 1);
        }
    }
    /* LIKE wildcards in the value are literal. */
    int64_t count = 0;
    OK(db_user_count(c, &(db_user_where){.name = RF_CONTAINS("%")}, &count));
    ck_assert_int_eq(count, 2); /* "%s %n" and "%_ like" */
    OK(db_user_count(c, &(db_user_where){.name = RF_STARTS_WITH("_")}, &count));
    ck_assert_int_eq(count, 0);
    /* The table is still there. */
    OK(db_user_count(c, NULL, &count));
    ck_assert_int_eq(count, (int64_t)n);
    free(big);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(errors_are_statuses)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user u;
    OK(db_user_create(c, &(db_user_create_input){.email = "dup@example.com"}, &u, &a));
    ck_assert_int_eq(db_user_create(c, &(db_user_create_input){.email = "dup@example.com"}, &u, &a),
                     RF_UNIQUE_VIOLATION);
    const rf_error *e = rf_last_error(c);
    ck_assert_str_eq(e->prisma_code, "P2002");
    ck_assert_str_eq(e->constraint, "User_email_key");

    ck_assert_int_eq(db_user_find_unique_by_id(c, 424242, NULL, &u, &a), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2025");
    ck_assert_str_eq(rf_last_error(c)->table, "User"); /* Prisma's meta.modelName */
    ck_assert_int_eq(db_user_find_unique_by_email(c, "nobody", NULL, &u, &a), RF_NOT_FOUND);
    ck_assert_int_eq(db_user_update_by_id(c, 424242, &(db_user_update_input){.name = RF_SET("x")}, &u, &a),
                     RF_NOT_FOUND);
    ck_assert_int_eq(db_user_delete_by_id(c, 424242, NULL, NULL), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->table, "User");
    ck_assert_int_eq(db_user_find_first(c, &(db_user_query){.where = &(db_user_where){.email = RF_EQ("none")}},
                                        &u, &a),
                     RF_NOT_FOUND);
    /* Required column left NULL. */
    ck_assert_int_eq(db_user_create(c, &(db_user_create_input){.email = NULL}, &u, &a),
                     RF_NOT_NULL_VIOLATION);
    /* A foreign key to nothing. */
    db_profile p;
    ck_assert_int_eq(db_profile_create(c, &(db_profile_create_input){.bio = "x", .user_id = 999}, &p, &a),
                     RF_FOREIGN_KEY_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2003");
    /* Ordering by a field that cannot be ordered by. */
    db_user_list l;
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.order_by = (db_user_order[]){{DB_USER_BY_META, RF_ASC, 0}},
                                                        .norder = 1},
                                       &l, &a),
                     RF_INVALID_ARGUMENT);
    /* Increment on a string is refused before reaching the server. */
    ck_assert_int_eq(db_user_update_by_id(c, u.id, &(db_user_update_input){.name = {.op = RF_UPDATE_INCREMENT}}, &u, &a),
                     RF_INVALID_ARGUMENT);
    /* The client is still usable. */
    OK(db_user_find_unique_by_id(c, u.id, NULL, &u, &a));
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Ten users: name u0..u9, age i*10 (u9 NULL), score i (even only), role cycles. */
static void seed(rf_client *c, rf_arena *a)
{
    for (int i = 0; i < 10; i++) {
        char email[32], name[16]; /* room for any int: -O1 cannot bound i */
        snprintf(email, sizeof email, "u%d@Example.com", i);
        snprintf(name, sizeof name, "u%d", i);
        db_user u;
        OK(db_user_create(c,
                          &(db_user_create_input){
                              .email = rf_arena_strdup(a, email),
                              .name = rf_arena_strdup(a, name),
                              .age = i == 9 ? RF_NONE(rf_opt_i32) : RF_SOME(rf_opt_i32, i * 10),
                              .score = i % 2 ? RF_NONE(rf_opt_f64) : RF_SOME(rf_opt_f64, i),
                              .role = (db_role)(1 + i % 3),
                          },
                          &u, a));
    }
}

static int64_t count_where(rf_client *c, const db_user_where *w)
{
    int64_t n = -1;
    OK(db_user_count(c, w, &n));
    return n;
}

START_TEST(filters_ordering_and_paging)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
#define COUNT(...) count_where(c, &(db_user_where){__VA_ARGS__})
    ck_assert_int_eq(COUNT(.age = RF_EQ(30)), 1);
    ck_assert_int_eq(COUNT(.age = RF_NE(30)), 8); /* NULL is not "not 30" */
    ck_assert_int_eq(COUNT(.age = RF_LT(30)), 3);
    ck_assert_int_eq(COUNT(.age = RF_LTE(30)), 4);
    ck_assert_int_eq(COUNT(.age = RF_GT(30)), 5);
    ck_assert_int_eq(COUNT(.age = RF_GTE(30)), 6);
    ck_assert_int_eq(COUNT(.age = {.ops = RF_OP_GTE | RF_OP_LT, .gte = 20, .lt = 50}), 3);
    ck_assert_int_eq(COUNT(.age = RF_IN(((int32_t[]){0, 10, 99}), 3)), 2);
    ck_assert_int_eq(COUNT(.age = RF_NOT_IN(((int32_t[]){0, 10}), 2)), 7);
    ck_assert_int_eq(COUNT(.age = RF_IS_NULL), 1);
    ck_assert_int_eq(COUNT(.score = RF_IS_NOT_NULL), 5);
    ck_assert_int_eq(COUNT(.email = RF_ENDS_WITH("@example.com")), 0);
    ck_assert_int_eq(COUNT(.email = {.ends_with = "@example.com", .mode = RF_MODE_INSENSITIVE}), 10);
    ck_assert_int_eq(COUNT(.email = RF_IEQ("U3@EXAMPLE.COM")), 1);
    ck_assert_int_eq(COUNT(.name = RF_STARTS_WITH("u")), 10);
    ck_assert_int_eq(COUNT(.role = RF_EQ(DB_ROLE_ADMIN)), 3);
    ck_assert_int_eq(COUNT(.role = RF_IN(((db_role[]){DB_ROLE_ADMIN, DB_ROLE_GUEST}), 2)), 6);
    ck_assert_int_eq(COUNT(.active = RF_EQ(true)), 10);
    ck_assert_int_eq(COUNT(.created_at = RF_LT(rf_timestamp_now() + RF_USEC_PER_SEC * 60)), 10);
    /* AND / OR / NOT */
    ck_assert_int_eq(COUNT(.OR = (db_user_where[]){{.age = RF_EQ(0)}, {.age = RF_EQ(90)}, {.age = RF_IS_NULL}},
                           .nOR = 3),
                     2);
    ck_assert_int_eq(COUNT(.OR = (db_user_where[]){{.age = RF_EQ(0)}}, .nOR = 0), 0);
    ck_assert_int_eq(COUNT(.NOT = (db_user_where[]){{.age = RF_LT(50)}, {.age = RF_IS_NULL}}, .nNOT = 2), 4);
    ck_assert_int_eq(COUNT(.AND = (db_user_where[]){{.age = RF_GT(10)}, {.age = RF_LT(40)}}, .nAND = 2,
                           .OR = (db_user_where[]){{.role = RF_EQ(DB_ROLE_USER)}, {.name = RF_EQ("u2")}},
                           .nOR = 2),
                     2); /* u2 (by name), u3 (USER) */

    /* Order by several fields with nulls placement; skip and take. */
    db_user_list l;
    OK(db_user_find_many(c,
                         &(db_user_query){
                             .order_by = (db_user_order[]){{DB_USER_BY_SCORE, RF_DESC, RF_NULLS_LAST},
                                                           {DB_USER_BY_AGE, RF_ASC, RF_NULLS_FIRST}},
                             .norder = 2,
                             .skip = 1,
                             .take = 6,
                         },
                         &l, &a));
    ck_assert_uint_eq(l.count, 6);
    /* scores 8,6,4,2,0 then NULLs ordered by age nulls first: u9(NULL), u1, u3... */
    const char *expect[] = {"u6", "u4", "u2", "u0", "u9", "u1"};
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(l.items[i].name, expect[i]);

    /* Cursor pagination by id, pages of 3. */
    db_user_list all;
    OK(db_user_find_many(c, &(db_user_query){.order_by = (db_user_order[]){{DB_USER_BY_ID, RF_ASC, 0}}, .norder = 1},
                         &all, &a));
    ck_assert_uint_eq(all.count, 10);
    OK(db_user_find_many(c, &(db_user_query){.cursor = &(db_user_cursor){all.items[4].id}, .take = 3}, &l, &a));
    ck_assert_uint_eq(l.count, 3);
    ck_assert_int_eq(l.items[0].id, all.items[4].id); /* the cursor row is included */
    ck_assert_int_eq(l.items[2].id, all.items[6].id);
    OK(db_user_find_many(c, &(db_user_query){.cursor = &(db_user_cursor){all.items[4].id}, .skip = 1, .take = 3}, &l, &a));
    ck_assert_int_eq(l.items[0].id, all.items[5].id);
    /* Backwards: the 3 rows up to the cursor, in order. */
    OK(db_user_find_many(c, &(db_user_query){.cursor = &(db_user_cursor){all.items[4].id}, .take = -3}, &l, &a));
    ck_assert_uint_eq(l.count, 3);
    ck_assert_int_eq(l.items[0].id, all.items[2].id);
    ck_assert_int_eq(l.items[2].id, all.items[4].id);
    /* Cursor with a descending order on another column. */
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = (db_user_order[]){{DB_USER_BY_NAME, RF_DESC, 0}}, .norder = 1,
                                          .cursor = &(db_user_cursor){all.items[7].id}, .take = 2},
                         &l, &a));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].name, "u7");
    ck_assert_str_eq(l.items[1].name, "u6");

    db_user first;
    OK(db_user_find_first(c, &(db_user_query){.where = &(db_user_where){.age = RF_GT(45)},
                                              .order_by = (db_user_order[]){{DB_USER_BY_AGE, RF_ASC, 0}}, .norder = 1},
                          &first, &a));
    ck_assert_str_eq(first.name, "u5");
    rf_arena_free(&a);
    rf_close(c);
#undef COUNT
}
END_TEST

START_TEST(updates_upserts_and_deletes)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
    db_user u, v;
    OK(db_user_find_unique_by_email(c, "u3@Example.com", NULL, &u, &a));
    OK(db_user_update_by_id(c, u.id,
                            &(db_user_update_input){.age = RF_INCREMENT(5), .name = RF_SET_NULL,
                                                    .score = RF_SET(2.5), .role = RF_SET(DB_ROLE_GUEST),
                                                    .big = RF_DECREMENT(3), .balance = RF_INCREMENT("0.5")},
                            &v, &a));
    ck_assert_int_eq(v.age.value, 35);
    ck_assert_ptr_null(v.name);
    ck_assert(v.score.has && v.score.value == 2.5);
    ck_assert_int_eq(v.role, DB_ROLE_GUEST);
    ck_assert(v.big == -3);
    ck_assert_str_eq(v.balance, "0.5");
    ck_assert_int_ge(v.updated_at, u.updated_at); /* @updatedAt moves */
    /* Update by another unique criterion, with no output wanted. */
    OK(db_user_update_by_email(c, "u4@Example.com", &(db_user_update_input){.age = RF_MULTIPLY(2)}, NULL, NULL));
    OK(db_user_find_unique_by_email(c, "u4@Example.com", NULL, &v, &a));
    ck_assert_int_eq(v.age.value, 80);
    /* An empty update returns the row unchanged. */
    OK(db_user_update_by_id(c, u.id, NULL, &v, &a));
    ck_assert_int_eq(v.age.value, 35);

    int64_t n = 0;
    OK(db_user_update_many(c, &(db_user_where){.age = RF_LT(30)}, &(db_user_update_input){.active = RF_SET(false)}, &n));
    ck_assert_int_eq(n, 3);
    OK(db_user_count(c, &(db_user_where){.active = RF_EQ(false)}, &n));
    ck_assert_int_eq(n, 3);

    /* Upsert: creates, then updates the same email. */
    OK(db_user_upsert_by_email(c, &(db_user_create_input){.email = "new@example.com", .age = RF_SOME(rf_opt_i32, 1)},
                               &(db_user_update_input){.age = RF_INCREMENT(1)}, &v, &a));
    ck_assert_int_eq(v.age.value, 1);
    OK(db_user_upsert_by_email(c, &(db_user_create_input){.email = "new@example.com", .age = RF_SOME(rf_opt_i32, 1)},
                               &(db_user_update_input){.age = RF_INCREMENT(1)}, &v, &a));
    ck_assert_int_eq(v.age.value, 2);
    OK(db_user_upsert_by_email(c, &(db_user_create_input){.email = "new@example.com"}, NULL, &v, &a));
    ck_assert_int_eq(v.age.value, 2);

    /* Composite keys. */
    db_tag t;
    OK(db_tag_create(c, &(db_tag_create_input){.group = "g", .name = "n"}, &t, &a));
    OK(db_tag_update_by_group_name(c, "g", "n", &(db_tag_update_input){.note = RF_SET("hi")}, &t, &a));
    ck_assert_str_eq(t.note, "hi");
    OK(db_tag_find_unique_by_group_name(c, "g", "n", &t, &a));
    OK(db_tag_delete_by_group_name(c, "g", "n", &t, &a));
    ck_assert_str_eq(t.note, "hi");
    ck_assert_int_eq(db_tag_find_unique_by_group_name(c, "g", "n", &t, &a), RF_NOT_FOUND);

    db_user gone;
    OK(db_user_delete_by_email(c, "new@example.com", &gone, &a));
    ck_assert_int_eq(gone.age.value, 2);
    OK(db_user_delete_many(c, &(db_user_where){.active = RF_EQ(false)}, &n));
    ck_assert_int_eq(n, 3);
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(n, 7);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(include_loads_relations_in_one_query_each)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user users[3];
    for (int i = 0; i < 3; i++) {
        char email[16];
        snprintf(email, sizeof email, "i%d@x", i);
        OK(db_user_create(c, &(db_user_create_input){.email = rf_arena_strdup(&a, email)}, &users[i], &a));
    }
    /* u0: 2 posts and a profile; u1: 1 post; u2: nothing. One orphan post. */
    db_post p[4];
    const char *titles[] = {"a", "b", "c", "orphan"};
    int owner[] = {0, 0, 1, -1};
    for (int i = 0; i < 4; i++)
        OK(db_post_create(c,
                          &(db_post_create_input){.title = titles[i],
                                                  .author_id = owner[i] < 0 ? RF_NONE(rf_opt_i32)
                                                                            : RF_SOME(rf_opt_i32, users[owner[i]].id)},
                          &p[i], &a));
    db_profile prof;
    OK(db_profile_create(c, &(db_profile_create_input){.bio = "bio0", .user_id = users[0].id}, &prof, &a));
    db_category cat[2];
    OK(db_category_create(c, &(db_category_create_input){.name = "c1"}, &cat[0], &a));
    OK(db_category_create(c, &(db_category_create_input){.name = "c2"}, &cat[1], &a));
    OK(db_post_connect_categories(c, p[0].id, cat[0].id));
    OK(db_post_connect_categories(c, p[0].id, cat[1].id));
    OK(db_post_connect_categories(c, p[0].id, cat[1].id)); /* twice is once */
    OK(db_category_connect_posts(c, cat[0].id, p[2].id));
    OK(db_comment_create(c, &(db_comment_create_input){.body = "hi", .post_id = p[0].id}, NULL, NULL));

    /* to-many and one-to-one (back side): 1 + 2 statements for 3 users. */
    db_user_list l;
    trace_begin(c);
    OK(db_user_find_many(c,
                         &(db_user_query){.order_by = (db_user_order[]){{DB_USER_BY_ID, RF_ASC, 0}}, .norder = 1,
                                          .include = {.posts = true, .profile = true}},
                         &l, &a));
    ck_assert_int_eq(trace_end(c), 3);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_uint_eq(l.items[0].posts.count, 2);
    ck_assert_uint_eq(l.items[1].posts.count, 1);
    ck_assert_str_eq(l.items[1].posts.items[0].title, "c");
    ck_assert_uint_eq(l.items[2].posts.count, 0);
    ck_assert_ptr_nonnull(l.items[0].profile);
    ck_assert_str_eq(l.items[0].profile->bio, "bio0");
    ck_assert_ptr_null(l.items[1].profile);

    /* to-one (foreign key side), m:n, and a to-many from there. */
    db_post_list posts;
    trace_begin(c);
    OK(db_post_find_many(c, &(db_post_query){.include = {.author = true, .categories = true, .comments = true}},
                         &posts, &a));
    ck_assert_int_eq(trace_end(c), 4);
    ck_assert_uint_eq(posts.count, 4);
    for (size_t i = 0; i < posts.count; i++) {
        const db_post *q = &posts.items[i];
        if (!strcmp(q->title, "orphan")) {
            ck_assert_ptr_null(q->author);
        } else {
            ck_assert_ptr_nonnull(q->author);
            ck_assert_int_eq(q->author->id, q->author_id.value);
        }
        if (!strcmp(q->title, "a")) {
            ck_assert_uint_eq(q->categories.count, 2);
            ck_assert_uint_eq(q->comments.count, 1);
        } else if (!strcmp(q->title, "c")) {
            ck_assert_uint_eq(q->categories.count, 1);
            ck_assert_str_eq(q->categories.items[0].name, "c1");
        } else {
            ck_assert_uint_eq(q->categories.count, 0);
        }
    }
    /* m:n from the other side, and include on a unique lookup. */
    db_category cc;
    OK(db_category_find_unique_by_name(c, "c1", &(db_category_include){.posts = true}, &cc, &a));
    ck_assert_uint_eq(cc.posts.count, 2);
    OK(db_post_disconnect_categories(c, p[0].id, cat[0].id));
    OK(db_category_find_unique_by_name(c, "c1", &(db_category_include){.posts = true}, &cc, &a));
    ck_assert_uint_eq(cc.posts.count, 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(lists_of_every_type_round_trip)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    int64_t bigs[] = {INT64_MIN, 0, INT64_MAX};
    double floats[] = {-1.5, 0.25, 1e300};
    bool bools[] = {true, false, true};
    rf_timestamp times[] = {0, rf_timestamp_from_civil(2024, 12, 31, 23, 59, 59, 999000)};
    const char *decs[] = {"0.1", "-12345678901234567890.5"};
    const char *jsons[] = {"{\"a\": 1}", "[1, \"two\", null]"};
    static const unsigned char b0[] = {0, 255}, b1[] = {'\\', '"', '{', '}', ','};
    rf_bytes blobs[] = {{b0, 2}, {b1, 5}, {(const unsigned char *)"", 0}};
    db_lists l;
    OK(db_lists_create(c,
                       &(db_lists_create_input){
                           .bigs = {bigs, 3}, .floats = {floats, 3}, .bools = {bools, 3}, .times = {times, 2},
                           .decs = {decs, 2}, .jsons = {jsons, 2}, .blobs = {blobs, 3},
                       },
                       &l, &a));
    ck_assert_uint_eq(l.words.count, 2); /* the list default */
    ck_assert_str_eq(l.words.items[1], "b");
    db_lists got;
    OK(db_lists_find_unique_by_id(c, l.id, &got, &a));
    ck_assert_uint_eq(got.bigs.count, 3);
    ck_assert(got.bigs.items[0] == INT64_MIN && got.bigs.items[2] == INT64_MAX);
    ck_assert(got.floats.items[2] == 1e300 && got.floats.items[0] == -1.5);
    ck_assert(got.bools.items[0] && !got.bools.items[1]);
    ck_assert(got.times.items[0] == 0 && got.times.items[1] == times[1]);
    /* DECIMAL(65,30): the same number, not padded to 30 places (as Prisma). */
    ck_assert_str_eq(got.decs.items[1], "-12345678901234567890.5");
    ck_assert_str_eq(got.jsons.items[0], "{\"a\": 1}");
    ck_assert_uint_eq(got.blobs.count, 3);
    ck_assert_uint_eq(got.blobs.items[1].len, 5);
    ck_assert_int_eq(memcmp(got.blobs.items[1].data, b1, 5), 0);
    ck_assert_uint_eq(got.blobs.items[2].len, 0);
    const char *one[] = {"only"};
    OK(db_lists_update_by_id(c, l.id,
                             &(db_lists_update_input){.words = RF_SET(((rf_text_array){one, 1})),
                                                      .bigs = RF_SET(((rf_i64_array){NULL, 0}))},
                             &got, &a));
    ck_assert_uint_eq(got.words.count, 1);
    ck_assert_str_eq(got.words.items[0], "only");
    ck_assert_uint_eq(got.bigs.count, 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* The server ends the session mid-way: generated calls report
 * RF_CONNECTION (no crash, nothing half-decoded), and work after rf_reset. */
START_TEST(a_dropped_connection_is_a_status)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
    db_user_list l;
    OK(db_user_find_many(c, NULL, &l, &a));
    /* Kill our own backend from a second session of the same database. */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", PQbackendPID((PGconn *)rf_client_pgconn(c)));
    rf_client *other = NULL;
    char *conninfo = NULL;
    ck_assert_int_ge(asprintf(&conninfo, "%s dbname=%s", pg.conninfo, PQdb((PGconn *)rf_client_pgconn(c))), 0);
    ck_assert_int_eq(rf_connect(conninfo, &other), RF_OK);
    free(conninfo);
    ck_assert_int_eq(rf_exec_sql(other, sql), RF_OK);
    rf_close(other);
    db_user u;
    ck_assert_int_eq(db_user_find_unique_by_email(c, "u1@Example.com", NULL, &u, &a), RF_CONNECTION);
    ck_assert_int_eq(db_user_find_many(c, NULL, &l, &a), RF_CONNECTION);
    ck_assert_uint_eq(l.count, 0);
    ck_assert_int_eq(rf_reset(c), RF_OK);
    OK(db_user_find_unique_by_email(c, "u1@Example.com", NULL, &u, &a));
    ck_assert_str_eq(u.name, "u1");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(dynamic_shapes_are_prepared_once)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
    int before = rf_client_prepared_count(c);
    int64_t n;
    for (int i = 0; i < 5; i++)
        OK(db_user_count(c, &(db_user_where){.age = RF_GT(i)}, &n));
    ck_assert_int_eq(rf_client_prepared_count(c), before + 1);
    OK(db_user_count(c, &(db_user_where){.age = RF_IN(((int32_t[]){1, 2, 3}), 3)}, &n));
    OK(db_user_count(c, &(db_user_where){.age = RF_IN(((int32_t[]){1}), 1)}, &n));
    ck_assert_int_eq(rf_client_prepared_count(c), before + 2);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* select / omit: only the chosen columns come back (the rest stay zero),
 * for every operation that returns rows; each shape is prepared once. */
START_TEST(select_returns_only_the_chosen_columns)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user u;
    const db_user_select id_email = {.id = true, .email = true};
    OK(db_user_create_select(c, &(db_user_create_input){.email = "s@x", .name = "Sel", .age = RF_SOME(rf_opt_i32, 7)},
                             &id_email, &u, &a));
    ck_assert_int_gt(u.id, 0);
    ck_assert_str_eq(u.email, "s@x");
    ck_assert_ptr_null(u.name);
    ck_assert(!u.age.has);
    ck_assert_int_eq(u.created_at, 0);

    db_user v;
    memset(&v, 0xff, sizeof v); /* everything not selected must be zeroed */
    OK(db_user_find_unique_by_email_select(c, "s@x", NULL, &(db_user_select){.name = true, .age = true}, &v, &a));
    ck_assert_str_eq(v.name, "Sel");
    ck_assert_int_eq(v.age.value, 7);
    ck_assert_int_eq(v.id, 0);
    ck_assert_ptr_null(v.email);
    ck_assert_ptr_null(v.tags.items);

    OK(db_user_update_by_id_select(c, u.id, &(db_user_update_input){.age = RF_INCREMENT(1)},
                                   &(db_user_select){.age = true}, &v, &a));
    ck_assert_int_eq(v.age.value, 8);
    ck_assert_ptr_null(v.email);

    /* find_many: the same shape twice is one prepared statement. */
    OK(db_user_create(c, &(db_user_create_input){.email = "t@x", .age = RF_SOME(rf_opt_i32, 9)}, NULL, NULL));
    int before = rf_client_prepared_count(c);
    db_user_list l;
    for (int i = 0; i < 3; i++) {
        OK(db_user_find_many(c, &(db_user_query){.select = &(db_user_select){.email = true},
                                                  .order_by = &(db_user_order){.by = DB_USER_BY_EMAIL}, .norder = 1},
                             &l, &a));
        ck_assert_int_eq(l.count, 2);
        ck_assert_str_eq(l.items[1].email, "t@x");
        ck_assert(!l.items[1].age.has);
        ck_assert_int_eq(l.items[1].id, 0);
    }
    ck_assert_int_eq(rf_client_prepared_count(c), before + 1);
    db_user f;
    OK(db_user_find_first(c, &(db_user_query){.select = &(db_user_select){.age = true}, .where = &(db_user_where){.email = RF_EQ("t@x")}},
                          &f, &a));
    ck_assert_int_eq(f.age.value, 9);
    ck_assert_ptr_null(f.email);

    /* Included relations still load: their link field is read anyway. */
    OK(db_post_create(c, &(db_post_create_input){.title = "p", .author_id = RF_SOME(rf_opt_i32, u.id)}, NULL, NULL));
    OK(db_user_find_unique_by_email_select(c, "s@x", &(db_user_include){.posts = true},
                                           &(db_user_select){.name = true}, &v, &a));
    ck_assert_int_eq(v.posts.count, 1);
    ck_assert_str_eq(v.posts.items[0].title, "p");
    OK(db_user_find_many(c, &(db_user_query){.select = &(db_user_select){.name = true}, .include = {.posts = true},
                                              .where = &(db_user_where){.email = RF_EQ("s@x")}},
                         &l, &a));
    ck_assert_int_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].posts.count, 1);

    /* Nothing selected is a mistake. */
    ck_assert_int_eq(db_user_find_unique_by_id_select(c, u.id, NULL, &(db_user_select){0}, &v, &a),
                     RF_INVALID_ARGUMENT);
    OK(db_post_delete_many(c, NULL, NULL));
    OK(db_user_delete_by_id_select(c, u.id, &(db_user_select){.email = true}, &v, &a));
    ck_assert_str_eq(v.email, "s@x");
    ck_assert_ptr_null(v.name);
    ck_assert_int_eq(db_user_find_unique_by_id(c, u.id, NULL, NULL, NULL), RF_NOT_FOUND);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* What a streaming reader builds on: the statement find_many runs, and one
 * row at a time decoded into the model's struct, give find_many's rows. */
START_TEST(rows_decode_one_at_a_time_from_the_descriptor)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
    const db_user_query query = {.where = &(db_user_where){.age = RF_GTE(30)},
                                 .order_by = &(db_user_order){.by = DB_USER_BY_AGE, .sort = RF_DESC},
                                 .norder = 1};
    db_user_list want;
    OK(db_user_find_many(c, &query, &want, &a));
    ck_assert_int_eq(want.count, 6);

    rf_query q;
    rf_query_init(&q);
    OK(rf_desc_find_many_sql(c, &db_user__m, &query, &q));
    rf_stmt stmt;
    OK(rf_q_stmt(c, &q, &stmt));
    rf_result res = RF_RESULT_INIT;
    OK(rf_exec_params(c, &stmt, &q.params, &res));
    rf_query_free(&q);
    ck_assert_int_eq(res.rows, 6);
    for (int row = 0; row < res.rows; row++) {
        db_user u;
        OK(rf_desc_decode_row(&db_user__m, &res, row, &u, &a)); /* copies text: not kept */
        ck_assert_int_eq(u.id, want.items[row].id);
        ck_assert_str_eq(u.email, want.items[row].email);
        ck_assert_int_eq(u.age.value, want.items[row].age.value);
        ck_assert_int_eq(u.role, want.items[row].role);
        ck_assert_int_eq(u.created_at, want.items[row].created_at);
    }
    db_user u;
    ck_assert_int_eq(rf_desc_decode_row(&db_user__m, &res, 6, &u, &a), RF_INVALID_ARGUMENT);
    rf_result_clear(&res);
    /* Misuse is refused before the builder is touched. */
    rf_query_init(&q);
    ck_assert_int_eq(rf_desc_find_many_sql(c, &db_user__m, &(db_user_query){.skip = -1}, &q),
                     RF_INVALID_ARGUMENT);
    rf_query_free(&q);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* find_many_stream gives the rows find_many gives, in its order, one at a
 * time; in and out of a transaction (single-row mode, then a cursor), with
 * select, stopping early, and refusing what a stream cannot do. */
static void stream_matches(rf_client *c, const db_user_query *query, const db_user_list *want,
                           size_t stop_after)
{
    db_user_stream s;
    rf_arena row_arena = RF_ARENA_INIT;
    OK(db_user_find_many_stream(c, query, NULL, &s));
    size_t n = 0;
    db_user u;
    bool got = false;
    rf_status st;
    while ((st = db_user_stream_next(&s, &u, &row_arena, &got)) == RF_OK && got) {
        ck_assert_uint_lt(n, want->count);
        ck_assert_int_eq(u.id, want->items[n].id);
        ck_assert_str_eq(u.email, want->items[n].email);
        ck_assert_int_eq(u.age.has, want->items[n].age.has);
        ck_assert_int_eq(u.role, want->items[n].role);
        if (query->select && !query->select->name)
            ck_assert_ptr_null(u.name); /* unselected: left zero */
        if (++n == stop_after)
            break;
    }
    ck_assert_int_eq(st, RF_OK);
    ck_assert_uint_eq(n, stop_after ? stop_after : want->count);
    OK(db_user_stream_close(&s));
    OK(db_user_stream_close(&s)); /* closing twice is harmless */
    rf_arena_free(&row_arena);
}

START_TEST(find_many_stream_reads_rows_one_at_a_time)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    seed(c, &a);
    const db_user_select sel = {.id = true, .email = true, .age = true, .role = true};
    const db_user_query queries[] = {
        {0},
        {.where = &(db_user_where){.age = RF_GTE(30)},
         .order_by = &(db_user_order){.by = DB_USER_BY_AGE, .sort = RF_DESC}, .norder = 1,
         .skip = 1, .take = 3},
        {.order_by = &(db_user_order){.by = DB_USER_BY_EMAIL}, .norder = 1, .select = &sel},
    };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        db_user_list want;
        OK(db_user_find_many(c, &queries[i], &want, &a));
        ck_assert_uint_gt(want.count, 0);
        stream_matches(c, &queries[i], &want, 0);
        stream_matches(c, &queries[i], &want, 1); /* stop early: the client stays usable */
        OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
        stream_matches(c, &queries[i], &want, 0);
        stream_matches(c, &queries[i], &want, 1);
        OK(rf_commit(c));
    }
    int64_t n = 0;
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_gt(n, 0);

    db_user_stream s;
    ck_assert_int_eq(db_user_find_many_stream(c, &(db_user_query){.take = -2}, NULL, &s),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many_stream(c, &(db_user_query){.include = {.posts = true}},
                                              NULL, &s),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many_stream(c, NULL, NULL, NULL), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_find_many_stream(NULL, NULL, NULL, &s), RF_INVALID_ARGUMENT);
    bool got = true;
    db_user u;
    ck_assert_int_eq(db_user_stream_next(NULL, &u, &a, &got), RF_INVALID_ARGUMENT);
    ck_assert(!got);
    ck_assert_int_eq(db_user_stream_close(NULL), RF_OK);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_ops");
    TCase *tc = tcase_create("generated client");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, create_fills_defaults_and_every_type_round_trips);
    tcase_add_test(tc, hostile_strings_round_trip_byte_for_byte);
    tcase_add_test(tc, errors_are_statuses);
    tcase_add_test(tc, filters_ordering_and_paging);
    tcase_add_test(tc, updates_upserts_and_deletes);
    tcase_add_test(tc, include_loads_relations_in_one_query_each);
    tcase_add_test(tc, lists_of_every_type_round_trip);
    tcase_add_test(tc, a_dropped_connection_is_a_status);
    tcase_add_test(tc, dynamic_shapes_are_prepared_once);
    tcase_add_test(tc, select_returns_only_the_chosen_columns);
    tcase_add_test(tc, rows_decode_one_at_a_time_from_the_descriptor);
    tcase_add_test(tc, find_many_stream_reads_rows_one_at_a_time);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
