/*
 * test_client_json_search.c — the generated client's Json filters and
 * full-text search against a real PostgreSQL, as Prisma defines them on
 * PostgreSQL: whole-value equality, JSON null vs SQL NULL, `path` into
 * objects and arrays (indices from either end), string_* and array_*
 * tests with their type checks (also under NOT), hostile strings matched
 * literally, and `search` and orderBy `_relevance` (the schema enables
 * fullTextSearchPostgres).
 *
 * The expectations were checked against Prisma 7.10.1's client on the same
 * rows; they agree except where refract matches string_* text literally
 * (Prisma leaves % and _ as LIKE wildcards) and, without a path, tests a
 * top-level JSON string unquoted (Prisma tests its JSON text).
 *
 * Same client and fixture as test_client_reads.c: the committed client of
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

/*
 * The users every Json test reads, by email:
 *   u0  an object: pets [{Rex, dog}, {Tom}], tags [a, b, c], a note full of
 *       LIKE wildcards and quotes, n the number 5, nil a JSON null
 *   u1  an object: no pets, tags [b], a plain note, n the string "5", and
 *       a key made of quotes, commas and braces
 *   u2  a JSON null (Prisma.JsonNull)
 *   u3  SQL NULL (Prisma.DbNull)
 *   u4  a top-level array [x, y]
 *   u5  a top-level string with quotes
 */
static void seed_json(rf_client *c)
{
    const char *meta[] = {
        "{\"pets\": [{\"name\": \"Rex\", \"kind\": \"dog\"}, {\"name\": \"Tom\"}],"
        " \"tags\": [\"a\", \"b\", \"c\"], \"note\": \"100% of_them \\\\ it's \\\"ok\\\"\","
        " \"n\": 5, \"nil\": null}",
        "{\"pets\": [], \"tags\": [\"b\"], \"note\": \"plain text\", \"n\": \"5\","
        " \"we\\\"ird, {key}\": \"x\"}",
        "null",
        NULL,
        "[\"x\", \"y\"]",
        "\"say 'hello'\"",
    };
    for (int i = 0; i < 6; i++) {
        char email[16];
        snprintf(email, sizeof email, "u%d", i);
        OK(db_user_create(c, &(db_user_create_input){.email = email, .meta = meta[i]}, NULL, NULL));
    }
}

/* The emails of the users matching w, in id order, joined by ","; "!" and
 * the status name when the query fails. */
static const char *users_where(rf_client *c, rf_arena *a, const db_user_where *w)
{
    db_user_list l;
    rf_status st = db_user_find_many(
        c,
        &(db_user_query){.where = w,
                         .order_by = (db_user_order[]){{DB_USER_BY_ID, RF_ASC, 0}},
                         .norder = 1},
        &l, a);
    static char out[256];
    if (st != RF_OK) {
        snprintf(out, sizeof out, "!%s", rf_status_name(st));
        return out;
    }
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].email, sizeof out - strlen(out) - 8);
    }
    return out;
}

#define USERS(...) users_where(c, &a, &(db_user_where){__VA_ARGS__})

/* Equality of whole values is jsonb equality (key order and spacing do not
 * matter); JSON null, SQL NULL and either are told apart as Prisma's
 * JsonNull, DbNull and AnyNull; `not` keeps neither SQL NULLs. */
START_TEST(json_whole_values_and_the_three_nulls)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = RF_EQ("[ \"x\",\"y\" ]")), "u4");
    ck_assert_str_eq(USERS(.meta = RF_EQ("[\"y\", \"x\"]")), "");
    ck_assert_str_eq(USERS(.meta = RF_EQ("\"say 'hello'\"")), "u5");
    ck_assert_str_eq(USERS(.meta = {.equals = "{\"note\": \"plain text\", \"n\": \"5\", \"tags\": [\"b\"],"
                                              " \"pets\": [], \"we\\\"ird, {key}\": \"x\"}"}),
                     "u1");
    ck_assert_str_eq(USERS(.meta = RF_JSON_NULL), "u2");
    ck_assert_str_eq(USERS(.meta = RF_DB_NULL), "u3");
    ck_assert_str_eq(USERS(.meta = RF_ANY_NULL), "u2,u3");
    ck_assert_str_eq(USERS(.meta = RF_IS_NOT_NULL), "u0,u1,u2,u4,u5");
    ck_assert_str_eq(USERS(.meta = RF_NE("[\"x\", \"y\"]")), "u0,u1,u2,u5");
    ck_assert_str_eq(USERS(.meta = RF_NE("null")), "u0,u1,u4,u5");
    /* AnyNull inside NOT: every row with a value that is not null. */
    ck_assert_str_eq(USERS(.NOT = &(db_user_where){.meta = RF_ANY_NULL}, .nNOT = 1), "u0,u1,u4,u5");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* `path` reaches into objects and arrays (an index counts from the end
 * when negative); a missing key gives no value, which only IS NULL tests
 * match, while a JSON null at the path is a value. */
START_TEST(json_paths_into_objects_and_arrays)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets", "0", "name"), .equals = "\"Rex\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets", "-1", "name"), .equals = "\"Tom\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets", "1"), .equals = "{\"name\": \"Tom\"}"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("1"), .equals = "\"y\""}), "u4");
    /* Numbers and strings are different JSON values. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("n"), .equals = "5"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("n"), .equals = "5.0"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("n"), .equals = "\"5\""}), "u1");
    /* not: only rows that have a value there. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("n"), .not_equals = "5"}), "u1");
    /* JSON null at the path, versus no value at all. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("nil"), .equals = "null"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("nil"), .ops = RF_OP_IS_NULL}), "u1,u2,u3,u4,u5");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("nil"), .ops = RF_OP_ANY_NULL}), "u0,u1,u2,u3,u4,u5");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets"), .ops = RF_OP_IS_NOT_NULL}), "u0,u1");
    /* A key of quotes, a comma and braces is one path element, sent as is. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("we\"ird, {key}"), .equals = "\"x\""}), "u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("we\"ird"), .ops = RF_OP_IS_NOT_NULL}), "");
    /* Two Json conditions in OR, and a count with the same filter. */
    ck_assert_str_eq(USERS(.OR = (db_user_where[]){{.meta = {RF_JSON_PATH("n"), .equals = "\"5\""}},
                                                    {.meta = RF_JSON_NULL}},
                           .nOR = 2),
                     "u1,u2");
    int64_t n = -1;
    OK(db_user_count(c, &(db_user_where){.meta = {RF_JSON_PATH("pets", "0", "kind"), .equals = "\"dog\""}},
                     &n));
    ck_assert_int_eq(n, 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* string_contains / _starts_with / _ends_with match JSON strings only and
 * literally: % _ \ and quotes are plain characters. Under NOT they keep
 * the strings that do not match, never values of other types. */
START_TEST(json_string_filters_are_literal_and_typed)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "100%"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "%"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "1_0"}), "");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "f_t"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "_"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "\\"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "it's \"ok\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_starts_with = "100% "}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_starts_with = "_"}), "");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_ends_with = "\"ok\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_ends_with = "%"}), "");
    /* Case: exact by default, ignored in insensitive mode. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_starts_with = "PLAIN"}), "");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_starts_with = "PLAIN",
                                    .mode = RF_MODE_INSENSITIVE}),
                     "u1");
    /* Only strings: the number 5 does not "contain" 5, the string "5" does. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("n"), .string_contains = "5"}), "u1");
    ck_assert_str_eq(USERS(.NOT = &(db_user_where){.meta = {RF_JSON_PATH("n"), .string_contains = "7"}},
                           .nNOT = 1),
                     "u1");
    /* The whole value, unquoted: a top-level string. */
    ck_assert_str_eq(USERS(.meta = {.string_starts_with = "say 'h"}), "u5");
    ck_assert_str_eq(USERS(.meta = {.string_contains = "x"}), "");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* array_contains (jsonb containment: every element given, or one value
 * alone), array_starts_with and array_ends_with (first / last element
 * equal), on arrays only: under NOT, only the arrays that fail. */
START_TEST(json_array_filters)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "[\"b\"]"}), "u0,u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "[\"c\", \"a\"]"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "\"c\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "[]"}), "u0,u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets"), .array_contains = "[{\"name\": \"Tom\"}]"}),
                     "u0");
    ck_assert_str_eq(USERS(.meta = {.array_contains = "[\"x\"]"}), "u4");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_starts_with = "\"a\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_starts_with = "\"b\""}), "u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_ends_with = "\"c\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_ends_with = "\"b\""}), "u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets"), .array_starts_with = "{\"kind\": \"dog\", \"name\": \"Rex\"}"}),
                     "u0");
    ck_assert_str_eq(USERS(.meta = {.array_ends_with = "\"y\""}), "u4");
    /* An empty array has no first element. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets"), .array_starts_with = "null"}), "");
    /* Not an array: no match, and no match under NOT either. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .array_contains = "[]"}), "");
    ck_assert_str_eq(USERS(.NOT = &(db_user_where){.meta = {RF_JSON_PATH("tags"), .array_contains = "[\"a\"]"}},
                           .nNOT = 1),
                     "u1");
    ck_assert_str_eq(USERS(.NOT = &(db_user_where){.meta = {.array_contains = "[\"x\"]"}}, .nNOT = 1), "");
    /* Several members AND. */
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "[\"b\"]",
                                    .array_ends_with = "\"c\""}),
                     "u0");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Mistakes: a NULL path with a count, or a NULL path element, are refused
 * before the server; invalid JSON is PostgreSQL's error; the client goes
 * on working after each. */
START_TEST(json_filter_mistakes)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = {.path = NULL, .npath = 2, .equals = "1"}), "!RF_INVALID_ARGUMENT");
    ck_assert_str_eq(USERS(.meta = {.path = (const char *const[]){"a", NULL}, .npath = 2, .equals = "1"}),
                     "!RF_INVALID_ARGUMENT");
    ck_assert_str_eq(USERS(.meta = RF_EQ("{not json")), "!RF_ERROR");
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "22P02");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "['a']"}), "!RF_ERROR");
    ck_assert_str_eq(USERS(.meta = RF_DB_NULL), "u3");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* A `@db.Json` column (plain json, which has neither = nor @>) takes the
 * same filters: the column is read through ::jsonb. */
START_TEST(json_filters_on_a_plain_json_column)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    OK(rf_exec_sql(c, "ALTER TABLE \"User\" ALTER COLUMN \"meta\" TYPE json"));
    seed_json(c);
    ck_assert_str_eq(USERS(.meta = RF_EQ("[\"x\", \"y\"]")), "u4");
    ck_assert_str_eq(USERS(.meta = RF_JSON_NULL), "u2");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("pets", "0", "name"), .equals = "\"Rex\""}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("note"), .string_contains = "%"}), "u0");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_contains = "[\"b\"]"}), "u0,u1");
    ck_assert_str_eq(USERS(.meta = {RF_JSON_PATH("tags"), .array_ends_with = "\"b\""}), "u1");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* The titles of the posts matching w, in title order ("!" and the status
 * name when the query fails). */
static const char *posts_where(rf_client *c, rf_arena *a, const db_post_where *w)
{
    db_post_list l;
    rf_status st = db_post_find_many(
        c,
        &(db_post_query){.where = w,
                         .order_by = (db_post_order[]){{DB_POST_BY_TITLE, RF_ASC, 0}},
                         .norder = 1},
        &l, a);
    static char out[256];
    if (st != RF_OK) {
        snprintf(out, sizeof out, "!%s", rf_status_name(st));
        return out;
    }
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].title, sizeof out - strlen(out) - 8);
    }
    return out;
}

#define POSTS(...) posts_where(c, &a, &(db_post_where){__VA_ARGS__})

/* `search` takes a tsquery, matched against the column's words as
 * PostgreSQL's default configuration stems them; it combines with the
 * other text operators and with NOT; a NULL column never matches; a
 * malformed tsquery is PostgreSQL's syntax error. */
START_TEST(full_text_search)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    const char *titles[] = {"The quick brown fox", "Lazy dogs sleep", "Quick thinking",
                            "it's 100% fox-free"};
    for (int i = 0; i < 4; i++)
        OK(db_post_create(c, &(db_post_create_input){.title = titles[i]}, NULL, NULL));
    ck_assert_str_eq(POSTS(.title = {.search = "quick"}), "Quick thinking,The quick brown fox");
    ck_assert_str_eq(POSTS(.title = {.search = "quick & fox"}), "The quick brown fox");
    ck_assert_str_eq(POSTS(.title = {.search = "quick & !fox"}), "Quick thinking");
    ck_assert_str_eq(POSTS(.title = {.search = "fox | dog"}),
                     "Lazy dogs sleep,The quick brown fox,it's 100% fox-free");
    ck_assert_str_eq(POSTS(.title = {.search = "quick <-> brown"}), "The quick brown fox");
    ck_assert_str_eq(POSTS(.title = {.search = "brown <-> quick"}), "");
    ck_assert_str_eq(POSTS(.title = {.search = "cat"}), "");
    /* With other operators of the same filter (AND), and under NOT. */
    ck_assert_str_eq(POSTS(.title = {.search = "quick", .starts_with = "Q"}), "Quick thinking");
    ck_assert_str_eq(POSTS(.NOT = &(db_post_where){.title = {.search = "fox"}}, .nNOT = 1),
                     "Lazy dogs sleep,Quick thinking");
    /* A hostile query is only a value. */
    ck_assert_str_eq(POSTS(.title = {.search = "'free'"}), "it's 100% fox-free");

    /* Nullable columns: NULL never matches. */
    OK(db_user_create(c, &(db_user_create_input){.email = "n1", .name = "Ada Lovelace"}, NULL, NULL));
    OK(db_user_create(c, &(db_user_create_input){.email = "n2"}, NULL, NULL));
    ck_assert_str_eq(USERS(.name = {.search = "lovelace"}), "n1");
    ck_assert_str_eq(USERS(.NOT = &(db_user_where){.name = {.search = "lovelace"}}, .nNOT = 1), "n2");

    /* Malformed: PostgreSQL's syntax error, and the client goes on. */
    ck_assert_str_eq(POSTS(.title = {.search = "quick brown"}), "!RF_ERROR");
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "42601");
    ck_assert_str_eq(POSTS(.title = {.search = "sleep"}), "Lazy dogs sleep");
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* The titles of the posts in the query's order. */
static const char *posts_in_order(rf_client *c, rf_arena *a, const db_post_query *query)
{
    db_post_list l;
    rf_status st = db_post_find_many(c, query, &l, a);
    static char out[256];
    if (st != RF_OK) {
        snprintf(out, sizeof out, "!%s", rf_status_name(st));
        return out;
    }
    out[0] = '\0';
    for (size_t i = 0; i < l.count; i++) {
        if (i)
            strcat(out, ",");
        strncat(out, l.items[i].title, sizeof out - strlen(out) - 8);
    }
    return out;
}

/* Prisma's orderBy _relevance: ts_rank of the fields' words against a
 * tsquery, before order_by; with where, take and find_first; over several
 * fields; refused for a field that is not a String, with a cursor, and in
 * include arguments. */
START_TEST(order_by_relevance)
{
    rf_client *c = fresh();
    rf_arena a;
    rf_arena_init(&a);
    const char *titles[] = {"fox fox fox", "fox fox", "dog"}, *slugs[] = {"a", "b", "fox fox fox fox"};
    for (int i = 0; i < 3; i++)
        OK(db_post_create(c, &(db_post_create_input){.title = titles[i], .slug = slugs[i]}, NULL, NULL));
    db_post_field title[] = {DB_POST_BY_TITLE}, title_slug[] = {DB_POST_BY_TITLE, DB_POST_BY_SLUG},
                  views[] = {DB_POST_BY_VIEWS};
    ck_assert_str_eq(posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {title, 1, "fox", RF_DESC}}),
                     "fox fox fox,fox fox,dog");
    ck_assert_str_eq(posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {title, 1, "fox", RF_ASC}}),
                     "dog,fox fox,fox fox fox");
    ck_assert_str_eq(
        posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {title_slug, 2, "fox", RF_DESC}}),
        "dog,fox fox fox,fox fox");
    /* With a filter and a page: the where's parameters come first. */
    ck_assert_str_eq(posts_in_order(c, &a,
                                    &(db_post_query){.where = &(db_post_where){.title = {.search = "fox"}},
                                                     .order_by_relevance = {title, 1, "fox", RF_ASC},
                                                     .take = 1}),
                     "fox fox");
    db_post first;
    OK(db_post_find_first(c, &(db_post_query){.order_by_relevance = {title_slug, 2, "fox", RF_DESC}}, &first, &a));
    ck_assert_str_eq(first.title, "dog");
    /* No search: no relevance ordering. */
    ck_assert_str_eq(posts_in_order(c, &a,
                                    &(db_post_query){.order_by_relevance = {title, 1, NULL, RF_DESC},
                                                     .order_by = (db_post_order[]){{DB_POST_BY_TITLE, RF_ASC, 0}},
                                                     .norder = 1}),
                     "dog,fox fox,fox fox fox");
    /* Mistakes. */
    ck_assert_str_eq(posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {views, 1, "fox", RF_DESC}}),
                     "!RF_INVALID_ARGUMENT");
    ck_assert_str_eq(posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {NULL, 0, "fox", RF_DESC}}),
                     "!RF_INVALID_ARGUMENT");
    ck_assert_str_eq(posts_in_order(c, &a, &(db_post_query){.order_by_relevance = {title, 1, "fox", RF_DESC},
                                                             .cursor = &(db_post_cursor){"x"}}),
                     "!RF_INVALID_ARGUMENT");
    /* Included rows are not ranked: refused rather than ignored. */
    OK(db_user_create(c, &(db_user_create_input){.email = "w"}, NULL, NULL));
    db_user_list users;
    ck_assert_int_eq(db_user_find_many(c,
                                       &(db_user_query){.include = {._args.posts = &(db_post_query){
                                                            .order_by_relevance = {title, 1, "fox", RF_DESC}}}},
                                       &users, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_json_search");
    TCase *tc = tcase_create("Json filters and full-text search");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, json_whole_values_and_the_three_nulls);
    tcase_add_test(tc, json_paths_into_objects_and_arrays);
    tcase_add_test(tc, json_string_filters_are_literal_and_typed);
    tcase_add_test(tc, json_array_filters);
    tcase_add_test(tc, json_filter_mistakes);
    tcase_add_test(tc, json_filters_on_a_plain_json_column);
    tcase_add_test(tc, full_text_search);
    tcase_add_test(tc, order_by_relevance);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
