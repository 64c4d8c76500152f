/*
 * test_runtime_client.c — librefract against a real PostgreSQL: connecting
 * every way libpq allows, statement caching, the status of every integrity
 * violation, hostile strings stored and read back byte for byte, and each
 * type decoded from binary and text results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_fixture.h"

/* ---- connecting ------------------------------------------------------------- */

START_TEST(test_connect_with_keywords_and_url)
{
    char conninfo[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_connect", conninfo, sizeof conninfo), 0);
    rf_client *c = rt_connect(conninfo);
    ck_assert(rf_connected(c));
    ck_assert(!rf_client_pgbouncer(c));
    ck_assert_str_eq(rf_client_schema(c), "public");
    ck_assert_int_eq(rt_scalar(c, "SELECT 40 + 2"), 42);
    ck_assert_ptr_nonnull(rf_client_pgconn(c));
    rf_close(c);

    ck_assert_int_eq(pgh_url(&rt_pg, "rt_connect", url, sizeof url), 0);
    c = rt_connect(url);
    ck_assert_int_eq(rt_scalar(c, "SELECT 1"), 1);
    rf_close(c);
}
END_TEST

START_TEST(test_connect_from_environment)
{
    char conninfo[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX];
    const char *name = "rt_environment";
    ck_assert_int_eq(pgh_create_db(&rt_pg, name, conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(pgh_url(&rt_pg, name, url, sizeof url), 0);

    /* NULL: DATABASE_URL */
    setenv("DATABASE_URL", url, 1);
    rf_client *c = rt_connect(NULL);
    ck_assert_int_eq(rt_scalar(c, "SELECT 7"), 7);
    rf_close(c);
    unsetenv("DATABASE_URL");

    /* "": libpq's own variables */
    char port[16];
    snprintf(port, sizeof port, "%d", rt_pg.port);
    setenv("PGHOST", rt_pg.dir, 1);
    setenv("PGPORT", port, 1);
    setenv("PGDATABASE", name, 1);
    setenv("PGUSER", PGH_USER, 1);
    c = rt_connect("");
    ck_assert_int_eq(rt_scalar(c, "SELECT 8"), 8);
    rf_close(c);
}
END_TEST

START_TEST(test_unreachable_server_is_p1001)
{
    rf_client *c = NULL;
    rf_status st = rf_connect("host=/nonexistent/refract port=5999 dbname=x connect_timeout=2", &c);
    ck_assert_int_eq(st, RF_CONNECTION);
    ck_assert_ptr_nonnull(c);
    const rf_error *e = rf_last_error(c);
    ck_assert_int_eq(e->status, RF_CONNECTION);
    ck_assert_str_eq(e->prisma_code, "P1001");
    ck_assert_msg(strstr(e->message, "cannot connect"), "%s", e->message);
    ck_assert(!rf_connected(c));
    /* using a client that never connected is an error, not a crash */
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1"), RF_CONNECTION);
    rf_close(c);

    /* a URL to a closed TCP port */
    st = rf_connect("postgresql://u@127.0.0.1:1/db?connect_timeout=2&pgbouncer=true", &c);
    ck_assert_int_eq(st, RF_CONNECTION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1001");
    rf_close(c);
}
END_TEST

START_TEST(test_missing_database_is_p1003)
{
    char conninfo[PGH_CONNINFO_MAX];
    snprintf(conninfo, sizeof conninfo, "host=%s port=%d user=%s dbname=no_such_db", rt_pg.dir,
             rt_pg.port, PGH_USER);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(conninfo, &c), RF_CONNECTION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1003");
    rf_close(c);
}
END_TEST

START_TEST(test_malformed_conninfo_is_invalid_argument)
{
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect("postgresql://h/db?schema=%zz", &c), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_last_error(c)->status, RF_INVALID_ARGUMENT);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1013");
    rf_close(c);
    /* libpq's own complaint for what it does not know: an invalid string
     * (P1013), not an unreachable server, found before connecting */
    ck_assert_int_eq(rf_connect("postgresql://h/db?bogus_option=1", &c), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1013");
    ck_assert_msg(strstr(rf_last_error(c)->message, "bogus_option"), "%s",
                  rf_last_error(c)->message);
    rf_close(c);
}
END_TEST

/* ---- statements --------------------------------------------------------------- */

static const rf_stmt select_plus = {
    .id = "test_select_plus",
    .sql = "SELECT $1::int4 + 1",
    .result_format = RF_FORMAT_BINARY,
};

static int32_t plus_one(rf_client *c, int32_t v)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, v);
    rf_result r;
    RT_OK(c, rf_exec_params(c, &select_plus, &p, &r));
    int32_t out;
    RT_OK(c, rf_get_i32(&r, 0, 0, &out));
    rf_result_clear(&r);
    rf_params_free(&p);
    return out;
}

START_TEST(test_prepared_once_per_connection)
{
    rf_client *c = rt_fresh(NULL, 0);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(plus_one(c, i), i + 1);
    ck_assert_int_eq(rf_client_prepared_count(c), 1);
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM pg_prepared_statements"), 1);

    /* the same id with other SQL is refused before reaching the server */
    rf_stmt other = { .id = "test_select_plus", .sql = "SELECT 2" };
    ck_assert_int_eq(rf_exec(c, &other, 0, NULL, NULL, NULL, NULL), RF_INVALID_ARGUMENT);
    ck_assert_msg(strstr(rf_last_error(c)->message, "test_select_plus"), "%s",
                  rf_last_error(c)->message);

    /* the server forgets (DEALLOCATE ALL, a pooler): prepared again, transparently */
    rt_sql(c, "DEALLOCATE ALL");
    ck_assert_int_eq(plus_one(c, 41), 42);
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM pg_prepared_statements"), 1);

    /* a statement whose result shape changed under it (a migration ran) */
    rt_sql(c, "CREATE TABLE t (a int)");
    rf_stmt all = { .id = "test_select_all", .sql = "SELECT * FROM t" };
    RT_OK(c, rf_exec(c, &all, 0, NULL, NULL, NULL, NULL));
    rt_sql(c, "ALTER TABLE t ADD COLUMN b int");
    rf_result r;
    RT_OK(c, rf_exec(c, &all, 0, NULL, NULL, NULL, &r));
    ck_assert_int_eq(r.cols, 2);
    rf_result_clear(&r);

    /* a syntax error is reported, and the id stays usable once fixed elsewhere */
    rf_stmt bad = { .id = "test_bad", .sql = "SELEC 1" };
    ck_assert_int_eq(rf_exec(c, &bad, 0, NULL, NULL, NULL, NULL), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "42601");
    ck_assert_int_eq(plus_one(c, 1), 2); /* the client is fine */
    rf_close(c);
}
END_TEST

START_TEST(test_raw_exec_arrays_and_unnamed)
{
    rf_client *c = rt_fresh(NULL, 0);
    rf_stmt concat = { .sql = "SELECT $1 || $2", .result_format = RF_FORMAT_TEXT };
    const char *values[] = { "ab", "cd" };
    rf_result r;
    RT_OK(c, rf_exec(c, &concat, 2, values, NULL, NULL, &r));
    rf_arena a = RF_ARENA_INIT;
    const char *s;
    size_t len;
    RT_OK(c, rf_get_text(&r, 0, 0, &a, &s, &len));
    ck_assert_str_eq(s, "abcd");
    ck_assert_uint_eq(len, 4);
    rf_result_clear(&r);
    ck_assert_int_eq(rf_client_prepared_count(c), 0); /* no id: never prepared */
    /* declared types in the statement */
    static const rf_oid types[] = { RF_OID_INT8 };
    rf_stmt typed = { .id = "typed", .sql = "SELECT pg_typeof($1)::text", .nparams = 1,
                      .param_types = types };
    const char *v[] = { "5" };
    RT_OK(c, rf_exec(c, &typed, 1, v, NULL, NULL, &r));
    RT_OK(c, rf_get_text(&r, 0, 0, &a, &s, NULL));
    ck_assert_str_eq(s, "bigint");
    rf_result_clear(&r);
    /* out-of-range cells are refused */
    RT_OK(c, rf_exec(c, &typed, 1, v, NULL, NULL, &r));
    int64_t x;
    ck_assert_int_eq(rf_get_i64(&r, 1, 0, &x), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_get_i64(&r, 0, 1, &x), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_result_column(&r, "pg_typeof"), 0);
    ck_assert_int_eq(rf_result_column(&r, "nope"), -1);
    rf_result_clear(&r);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- errors from real violations ------------------------------------------------ */

static const char *schema_sql =
    "CREATE TABLE \"User\" (id serial PRIMARY KEY, email text NOT NULL,"
    "  age int CHECK (age >= 0));"
    "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(email);"
    "CREATE TABLE \"Post\" (id serial PRIMARY KEY, author_id int NOT NULL"
    "  REFERENCES \"User\"(id), title text NOT NULL)";

static const rf_stmt insert_user = {
    .id = "insert_user",
    .sql = "INSERT INTO \"User\" (email, age) VALUES ($1, $2) RETURNING id",
    .result_format = RF_FORMAT_BINARY,
};

static rf_status add_user(rf_client *c, const char *email, rf_opt_i32 age, int32_t *id)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_text(&p, email);
    rf_params_add_opt_i32(&p, age);
    rf_result r;
    rf_status st = rf_exec_params(c, &insert_user, &p, &r);
    rf_params_free(&p);
    if (st == RF_OK && id)
        st = rf_get_i32(&r, 0, 0, id);
    rf_result_clear(&r);
    return st;
}

START_TEST(test_each_violation_has_its_status)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, schema_sql);
    int32_t id;
    RT_OK(c, add_user(c, "a@b.c", RF_SOME(rf_opt_i32, 30), &id));

    /* unique */
    ck_assert_int_eq(add_user(c, "a@b.c", RF_NONE(rf_opt_i32), NULL), RF_UNIQUE_VIOLATION);
    const rf_error *e = rf_last_error(c);
    ck_assert_int_eq(e->status, RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(e->sqlstate, "23505");
    ck_assert_str_eq(e->prisma_code, "P2002");
    ck_assert_str_eq(e->constraint, "User_email_key");
    ck_assert_str_eq(e->table, "User");
    ck_assert_str_eq(e->schema, "public");
    ck_assert_msg(strstr(e->detail, "(email)=(a@b.c)"), "%s", e->detail);
    ck_assert_msg(strstr(e->message, "duplicate key"), "%s", e->message);
    ck_assert_str_eq(e->column, "email"); /* Prisma's meta.target */
    ck_assert_uint_eq(e->target_count, 1);
    ck_assert_str_eq(e->target[0], "email");
    ck_assert_ptr_null(e->target[1]);

    /* check */
    ck_assert_int_eq(add_user(c, "neg@b.c", RF_SOME(rf_opt_i32, -1), NULL), RF_CHECK_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "23514");
    ck_assert_str_eq(rf_last_error(c)->constraint, "User_age_check");

    /* not null */
    ck_assert_int_eq(add_user(c, NULL, RF_NONE(rf_opt_i32), NULL), RF_NOT_NULL_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2011");
    ck_assert_str_eq(rf_last_error(c)->column, "email");

    /* foreign key */
    rf_stmt insert_post = { .id = "insert_post",
                            .sql = "INSERT INTO \"Post\" (author_id, title) VALUES ($1, $2)" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, id + 1000);
    rf_params_add_text(&p, "orphan");
    ck_assert_int_eq(rf_exec_params(c, &insert_post, &p, NULL), RF_FOREIGN_KEY_VIOLATION);
    e = rf_last_error(c);
    ck_assert_str_eq(e->prisma_code, "P2003");
    ck_assert_str_eq(e->constraint, "Post_author_id_fkey");
    ck_assert_str_eq(e->column, "author_id");
    ck_assert_uint_eq(e->target_count, 1);
    rf_params_free(&p);

    /* deleting a referenced row: the same status */
    rf_params_init(&p);
    rf_params_add_i32(&p, id);
    rf_params_add_text(&p, "fine");
    RT_OK(c, rf_exec_params(c, &insert_post, &p, NULL));
    rf_params_free(&p);
    ck_assert_int_eq(rf_exec_sql(c, "DELETE FROM \"User\""), RF_FOREIGN_KEY_VIOLATION);

    /* not found: zero rows where one was required, as generated code reports it */
    rf_stmt find = { .id = "find_user", .sql = "SELECT id FROM \"User\" WHERE email = $1",
                     .result_format = RF_FORMAT_BINARY };
    rf_params_init(&p);
    rf_params_add_text(&p, "nobody@b.c");
    rf_result r;
    RT_OK(c, rf_exec_params(c, &find, &p, &r));
    ck_assert_int_eq(r.rows, 0);
    ck_assert_int_eq(rf_fail(c, RF_NOT_FOUND, "No User found"), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2025");
    rf_result_clear(&r);
    rf_params_free(&p);

    /* a success clears the last error */
    ck_assert_int_eq(rt_scalar(c, "SELECT 1"), 1);
    ck_assert_int_eq(rf_last_error(c)->status, RF_OK);

    /* other server errors: RF_ERROR with the SQLSTATE */
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1/0"), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "22012");
    ck_assert_int_eq(rf_exec_sql(c, "SELECT * FROM missing_table"), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2021");
    rf_close(c);
}
END_TEST

START_TEST(test_affected_rows)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, schema_sql);
    for (int i = 0; i < 5; i++) {
        char email[32];
        snprintf(email, sizeof email, "u%d@x", i);
        RT_OK(c, add_user(c, email, RF_SOME(rf_opt_i32, i), NULL));
    }
    rf_stmt bump = { .id = "bump", .sql = "UPDATE \"User\" SET age = age + 1 WHERE age >= $1" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, 2);
    rf_result r;
    RT_OK(c, rf_exec_params(c, &bump, &p, &r));
    ck_assert_int_eq(r.affected, 3);
    ck_assert_int_eq(r.rows, 0);
    rf_result_clear(&r);
    rf_params_free(&p);
    rf_close(c);
}
END_TEST

/* ---- hostile strings ----------------------------------------------------------- */

START_TEST(test_hostile_strings_round_trip_byte_for_byte)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "CREATE TABLE x (id serial PRIMARY KEY, s text, v varchar(2000000), j jsonb,"
              " b bytea, tags text[])");
    size_t big_len = 1024 * 1024;
    char *big = malloc(big_len + 1);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)(' ' + (i * 7919) % 95); /* printable, with quotes and backslashes */
    big[big_len] = '\0';
    const char *hostile[] = {
        "'; DROP TABLE x; --",
        "Robert'); DROP TABLE x;--",
        "O'Reilly \"quoted\" \\backslash\\ \\\\double",
        "$1 $2 ?? %s %n {} [] ' '' \"",
        "tab\there\nnewline\r\nreturn",
        "ünïcødé — 日本語 — emoji 🎉 — RTL שלום — combining é",
        "\\x00 not a bytea",
        "",
        "NULL",
        big,
    };
    size_t n = sizeof hostile / sizeof hostile[0];
    rf_stmt insert = { .id = "ins", .sql = "INSERT INTO x (s, v, j, b, tags) VALUES"
                                           " ($1, $2, jsonb_build_object('k', $3::text), $4, $5)"
                                           " RETURNING id" };
    for (size_t i = 0; i < n; i++) {
        rf_params p;
        rf_params_init(&p);
        rf_params_add_text(&p, hostile[i]);
        rf_params_add_text(&p, hostile[i]);
        rf_params_add_text(&p, hostile[i]);
        rf_params_add_bytes(&p, hostile[i], strlen(hostile[i]));
        const char *tags[] = { hostile[i], "plain", NULL };
        rf_params_add_text_array(&p, tags, 3);
        RT_OK(c, rf_exec_params(c, &insert, &p, NULL));
        rf_params_free(&p);
    }
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM x"), (int64_t)n); /* table survived */

    /* read back through both formats, copied and borrowed */
    for (int format = 0; format <= 1; format++) {
        for (int keep = 0; keep <= 1; keep++) {
            rf_stmt sel = { .sql = "SELECT s, v, j->>'k', b, tags FROM x ORDER BY id",
                            .result_format = format };
            rf_arena a = RF_ARENA_INIT;
            rf_result r;
            RT_OK(c, rf_exec(c, &sel, 0, NULL, NULL, NULL, &r));
            if (keep)
                RT_OK(c, rf_result_keep(&r, &a));
            ck_assert_int_eq(r.rows, (int)n);
            for (size_t i = 0; i < n; i++) {
                size_t want = strlen(hostile[i]);
                for (int col = 0; col < 3; col++) {
                    const char *s;
                    size_t len;
                    RT_OK(c, rf_get_text(&r, (int)i, col, &a, &s, &len));
                    ck_assert_uint_eq(len, want);
                    ck_assert_msg(memcmp(s, hostile[i], want) == 0 && s[want] == '\0',
                                  "row %zu col %d format %d differs", i, col, format);
                }
                rf_bytes b;
                RT_OK(c, rf_get_bytes(&r, (int)i, 3, &a, &b));
                ck_assert_uint_eq(b.len, want);
                ck_assert(b.len == 0 || memcmp(b.data, hostile[i], want) == 0);
                rf_text_array tags;
                RT_OK(c, rf_get_text_array(&r, (int)i, 4, &a, &tags));
                ck_assert_uint_eq(tags.count, 3);
                ck_assert_str_eq(tags.items[0], hostile[i]);
                ck_assert_str_eq(tags.items[1], "plain");
                ck_assert_ptr_null(tags.items[2]);
            }
            if (!keep)
                rf_result_clear(&r);
            rf_arena_free(&a); /* clears a kept result too */
        }
    }

    /* a hostile value as a lookup key finds exactly its row */
    rf_stmt find = { .id = "find", .sql = "SELECT count(*) FROM x WHERE s = $1" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_text(&p, "'; DROP TABLE x; --");
    rf_result r;
    RT_OK(c, rf_exec_params(c, &find, &p, &r));
    int64_t count;
    RT_OK(c, rf_get_i64(&r, 0, 0, &count));
    ck_assert_int_eq(count, 1);
    rf_result_clear(&r);
    rf_params_free(&p);
    free(big);
    rf_close(c);
}
END_TEST

/* ---- every type, binary and text ------------------------------------------------ */

static const char *const mood_names[] = { "sad", "ok", "happy" };
static const rf_enum_table mood = { "Mood", mood_names, 3 };

START_TEST(test_types_decode_in_both_formats)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "SET TimeZone = 'America/New_York';" /* decoding must not depend on it */
              "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
              "CREATE TABLE t (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, b bool,"
              " ts timestamp(3), tstz timestamptz, d date, tm time, by bytea,"
              " n numeric(65,30), j jsonb, js json, u uuid, vc varchar(10), m mood,"
              " ia int4[], ta text[], ma mood[], ba bool[], fa float8[], tsa timestamp(3)[],"
              " la int8[])");
    rf_timestamp when = rf_timestamp_from_civil(2024, 2, 29, 23, 59, 58, 123000);
    rf_timestamp precise = rf_timestamp_from_civil(1969, 7, 20, 20, 17, 40, 123456);
    rf_timestamp day = rf_timestamp_from_civil(1999, 12, 31, 0, 0, 0, 0);
    rf_timestamp clock = rf_timestamp_from_civil(1970, 1, 1, 13, 14, 15, 500000);
    unsigned char blob[] = { 0, 1, 2, 0xfe, 0xff, 0, '\\', '\'' };
    int32_t ints[] = { 1, -2, INT32_MAX };
    const char *texts[] = { "a,b", "\"q\"", "" };
    bool bools[] = { true, false };
    double floats[] = { 0.5, -1e300 };
    rf_timestamp stamps[] = { when, 0 };
    int64_t longs[] = { INT64_MIN, INT64_MAX };

    rf_stmt insert = { .id = "ins", .sql =
        "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::time, $11, $12, $13,"
        " $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i16(&p, -32768);
    rf_params_add_i32(&p, INT32_MIN);
    rf_params_add_i64(&p, INT64_MAX);
    rf_params_add_f64(&p, 1.5);
    rf_params_add_f64(&p, 0.1);
    rf_params_add_bool(&p, true);
    rf_params_add_timestamp(&p, when);
    rf_params_add_timestamptz(&p, precise);
    rf_params_add_date(&p, day + 3600 * RF_USEC_PER_SEC); /* the UTC day of an instant */
    rf_params_add_text(&p, "13:14:15.5");
    rf_params_add_bytes(&p, blob, sizeof blob);
    rf_params_add_text(&p, "-12345678901234567890.000000000000000000000000000001");
    rf_params_add_text(&p, "{\"k\": [1, \"two\", null]}");
    rf_params_add_text(&p, "{\"raw\":  true}");
    rf_params_add_text(&p, "550E8400-E29B-41D4-A716-446655440000");
    rf_params_add_text(&p, "héllo");
    rf_params_add_enum(&p, &mood, 2);
    rf_params_add_i32_array(&p, ints, 3);
    rf_params_add_text_array(&p, texts, 3);
    rf_params_add_text_array(&p, (const char *[]){ "ok", "sad" }, 2);
    rf_params_add_bool_array(&p, bools, 2);
    rf_params_add_f64_array(&p, floats, 2);
    rf_params_add_timestamp_array(&p, stamps, 2);
    rf_params_add_i64_array(&p, longs, 2);
    RT_OK(c, rf_exec_params(c, &insert, &p, NULL));
    rf_params_free(&p);
    rt_sql(c, "INSERT INTO t DEFAULT VALUES"); /* a row of NULLs */

    for (int format = 0; format <= 1; format++) {
        rf_stmt sel = { .id = format ? "sel_bin" : "sel_text",
                        .sql = "SELECT * FROM t ORDER BY i2 NULLS LAST", .result_format = format };
        rf_result r;
        rf_arena a = RF_ARENA_INIT;
        RT_OK(c, rf_exec(c, &sel, 0, NULL, NULL, NULL, &r));
        ck_assert_int_eq(r.rows, 2);
        int16_t i2;
        int32_t i4;
        int64_t i8;
        double f;
        bool b;
        rf_timestamp t;
        const char *s;
        size_t len;
        RT_OK(c, rf_get_i16(&r, 0, 0, &i2));
        ck_assert_int_eq(i2, -32768);
        RT_OK(c, rf_get_i32(&r, 0, 1, &i4));
        ck_assert_int_eq(i4, INT32_MIN);
        RT_OK(c, rf_get_i64(&r, 0, 2, &i8));
        ck_assert_int_eq(i8, INT64_MAX);
        ck_assert_int_eq(rf_get_i32(&r, 0, 2, &i4), RF_DECODE); /* does not fit */
        RT_OK(c, rf_get_f64(&r, 0, 3, &f));
        ck_assert(f == 1.5);
        RT_OK(c, rf_get_f64(&r, 0, 4, &f));
        ck_assert(f == 0.1);
        RT_OK(c, rf_get_bool(&r, 0, 5, &b));
        ck_assert(b);
        RT_OK(c, rf_get_timestamp(&r, 0, 6, &t));
        ck_assert_int_eq(t, when);
        RT_OK(c, rf_get_timestamp(&r, 0, 7, &t));
        ck_assert_int_eq(t, precise);
        RT_OK(c, rf_get_timestamp(&r, 0, 8, &t));
        ck_assert_int_eq(t, day);
        RT_OK(c, rf_get_timestamp(&r, 0, 9, &t));
        ck_assert_int_eq(t, clock);
        rf_bytes by;
        RT_OK(c, rf_get_bytes(&r, 0, 10, &a, &by));
        ck_assert_uint_eq(by.len, sizeof blob);
        ck_assert_mem_eq(by.data, blob, sizeof blob);
        RT_OK(c, rf_get_text(&r, 0, 11, &a, &s, &len));
        ck_assert_str_eq(s, "-12345678901234567890.000000000000000000000000000001");
        RT_OK(c, rf_get_text(&r, 0, 12, &a, &s, &len));
        ck_assert_str_eq(s, "{\"k\": [1, \"two\", null]}");
        RT_OK(c, rf_get_text(&r, 0, 13, &a, &s, &len));
        ck_assert_str_eq(s, "{\"raw\":  true}"); /* json keeps its text */
        RT_OK(c, rf_get_text(&r, 0, 14, &a, &s, &len));
        ck_assert_str_eq(s, "550e8400-e29b-41d4-a716-446655440000");
        RT_OK(c, rf_get_text(&r, 0, 15, &a, &s, &len));
        ck_assert_str_eq(s, "héllo");
        int m;
        RT_OK(c, rf_get_enum(&r, 0, 16, &mood, &m));
        ck_assert_int_eq(m, 2);
        rf_i32_array ia;
        RT_OK(c, rf_get_i32_array(&r, 0, 17, &a, &ia));
        ck_assert_uint_eq(ia.count, 3);
        ck_assert_int_eq(ia.items[1], -2);
        ck_assert_int_eq(ia.items[2], INT32_MAX);
        rf_text_array ta;
        RT_OK(c, rf_get_text_array(&r, 0, 18, &a, &ta));
        ck_assert_uint_eq(ta.count, 3);
        ck_assert_str_eq(ta.items[0], "a,b");
        ck_assert_str_eq(ta.items[1], "\"q\"");
        ck_assert_str_eq(ta.items[2], "");
        rf_enum_array ma;
        RT_OK(c, rf_get_enum_array(&r, 0, 19, &a, &mood, &ma));
        ck_assert_uint_eq(ma.count, 2);
        ck_assert_int_eq(ma.items[0], 1);
        ck_assert_int_eq(ma.items[1], 0);
        rf_bool_array ba;
        RT_OK(c, rf_get_bool_array(&r, 0, 20, &a, &ba));
        ck_assert(ba.count == 2 && ba.items[0] && !ba.items[1]);
        rf_f64_array fa;
        RT_OK(c, rf_get_f64_array(&r, 0, 21, &a, &fa));
        ck_assert(fa.count == 2 && fa.items[0] == 0.5 && fa.items[1] == -1e300);
        rf_timestamp_array tsa;
        RT_OK(c, rf_get_timestamp_array(&r, 0, 22, &a, &tsa));
        ck_assert(tsa.count == 2 && tsa.items[0] == when && tsa.items[1] == 0);
        rf_i64_array la;
        RT_OK(c, rf_get_i64_array(&r, 0, 23, &a, &la));
        ck_assert(la.count == 2 && la.items[0] == INT64_MIN && la.items[1] == INT64_MAX);
        /* generic text of non-text columns */
        RT_OK(c, rf_get_text(&r, 0, 1, &a, &s, &len));
        ck_assert_str_eq(s, "-2147483648");
        RT_OK(c, rf_get_text(&r, 0, 4, &a, &s, &len)); /* the same in both formats */
        ck_assert_str_eq(s, "0.1");
        RT_OK(c, rf_get_text(&r, 0, 5, &a, &s, &len));
        ck_assert_str_eq(s, "t");

        /* the NULL row: optional getters say absent, required ones refuse */
        for (int col = 0; col < r.cols; col++)
            ck_assert(rf_is_null(&r, 1, col));
        rf_opt_i32 oi;
        RT_OK(c, rf_get_opt_i32(&r, 1, 1, &oi));
        ck_assert(!oi.has);
        ck_assert_int_eq(rf_get_i32(&r, 1, 1, &i4), RF_DECODE);
        ck_assert_str_eq(rf_last_error(c)->message, "column \"i4\", row 1: unexpected NULL");
        rf_opt_timestamp ot;
        RT_OK(c, rf_get_opt_timestamp(&r, 1, 6, &ot));
        ck_assert(!ot.has);
        rf_opt_f64 of;
        RT_OK(c, rf_get_opt_f64(&r, 0, 4, &of));
        ck_assert(of.has && of.value == 0.1);
        RT_OK(c, rf_get_text(&r, 1, 15, &a, &s, &len));
        ck_assert_ptr_null(s);
        RT_OK(c, rf_get_bytes(&r, 1, 10, &a, &by));
        ck_assert_ptr_null(by.data);
        RT_OK(c, rf_get_i32_array(&r, 1, 17, &a, &ia));
        ck_assert_ptr_null(ia.items);
        ck_assert_uint_eq(ia.count, 0);
        bool has;
        RT_OK(c, rf_get_opt_enum(&r, 1, 16, &mood, &has, &m));
        ck_assert(!has);
        rf_result_clear(&r);
        rf_arena_free(&a);
    }

    /* an enum value the generated code does not know */
    rt_sql(c, "ALTER TYPE mood ADD VALUE 'ecstatic'");
    rt_sql(c, "UPDATE t SET m = 'ecstatic' WHERE m IS NOT NULL");
    rf_stmt sel = { .sql = "SELECT m FROM t WHERE m IS NOT NULL",
                    .result_format = RF_FORMAT_BINARY };
    rf_result r;
    RT_OK(c, rf_exec(c, &sel, 0, NULL, NULL, NULL, &r));
    int m;
    ck_assert_int_eq(rf_get_enum(&r, 0, 0, &mood, &m), RF_DECODE);
    ck_assert_msg(strstr(rf_last_error(c)->message, "ecstatic"), "%s", rf_last_error(c)->message);
    rf_result_clear(&r);
    rf_close(c);
}
END_TEST

START_TEST(test_timestamp_extremes_round_trip)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "CREATE TABLE t (n int, ts timestamp, tz timestamptz)");
    rf_timestamp values[] = {
        0, -1, 1, RF_TIMESTAMP_INFINITY, RF_TIMESTAMP_NEG_INFINITY,
        rf_timestamp_from_civil(1, 1, 1, 0, 0, 0, 0),
        rf_timestamp_from_civil(-4000, 6, 1, 12, 0, 0, 0),
        rf_timestamp_from_civil(9999, 12, 31, 23, 59, 59, 999999),
        rf_timestamp_from_civil(2038, 1, 19, 3, 14, 8, 0),
    };
    size_t n = sizeof values / sizeof values[0];
    rf_stmt ins = { .id = "ins", .sql = "INSERT INTO t VALUES ($1, $2, $3)" };
    for (size_t i = 0; i < n; i++) {
        rf_params p;
        rf_params_init(&p);
        rf_params_add_i32(&p, (int32_t)i);
        rf_params_add_timestamp(&p, values[i]);
        rf_params_add_timestamptz(&p, values[i]);
        RT_OK(c, rf_exec_params(c, &ins, &p, NULL));
        rf_params_free(&p);
    }
    for (int format = 0; format <= 1; format++) {
        rf_stmt sel = { .sql = "SELECT ts, tz FROM t ORDER BY n", .result_format = format };
        rf_result r;
        RT_OK(c, rf_exec(c, &sel, 0, NULL, NULL, NULL, &r));
        for (size_t i = 0; i < n; i++) {
            rf_timestamp a, b;
            RT_OK(c, rf_get_timestamp(&r, (int)i, 0, &a));
            RT_OK(c, rf_get_timestamp(&r, (int)i, 1, &b));
            ck_assert_msg(a == values[i] && b == values[i],
                          "format %d value %zu: %lld %lld vs %lld", format, i, (long long)a,
                          (long long)b, (long long)values[i]);
        }
        rf_result_clear(&r);
    }
    rf_close(c);
}
END_TEST

START_TEST(test_other_types_as_text)
{
    rf_client *c = rt_fresh(NULL, 0);
    /* citext (contrib) when installed, else a domain: both user-defined types */
    if (rf_exec_sql(c, "CREATE EXTENSION IF NOT EXISTS citext") != RF_OK)
        rt_sql(c, "CREATE DOMAIN citext AS text");
    rt_sql(c, "CREATE TABLE t (i inet, n cidr, six inet, b bit(5), vb varbit(12), m money,"
              " iv interval, x xml, ch \"char\", ci citext)");
    rt_sql(c, "INSERT INTO t VALUES ('192.168.1.7', '10.0.0.0/8', '2001:db8::1/64', B'10110',"
              " B'101', '-1234.56', '1 day 2 hours', '<a>&amp;</a>', 'z', 'MiXeD')");
    const char *want[] = { "192.168.1.7", "10.0.0.0/8", "2001:db8::1/64", "10110", "101",
                           "-1234.56", NULL, "<a>&amp;</a>", "z", "MiXeD" };
    for (int format = 0; format <= 1; format++) {
        rf_stmt sel = { .sql = "SELECT * FROM t", .result_format = format };
        rf_result r;
        rf_arena a = RF_ARENA_INIT;
        RT_OK(c, rf_exec_params(c, &sel, NULL, &r));
        for (int col = 0; col < r.cols; col++) {
            const char *s;
            rf_status st = rf_get_text(&r, 0, col, &a, &s, NULL);
            if (col == 6) { /* interval: text results only */
                if (format == RF_FORMAT_BINARY) {
                    ck_assert_int_eq(st, RF_DECODE);
                    ck_assert_msg(strstr(rf_last_error(c)->message, "::text"), "%s",
                                  rf_last_error(c)->message);
                } else {
                    ck_assert_int_eq(st, RF_OK);
                    ck_assert_str_eq(s, "1 day 02:00:00");
                }
                continue;
            }
            ck_assert_msg(st == RF_OK, "col %d: %s", col, rf_last_error(c)->message);
            if (col == 5 && format == RF_FORMAT_TEXT)
                continue; /* text money is locale-formatted ("-$1,234.56") */
            ck_assert_str_eq(s, want[col]);
        }
        rf_result_clear(&r);
        rf_arena_free(&a);
    }
    rf_close(c);
}
END_TEST

/* The first execution prepares the statement: a NULL then must not fix the
 * parameter's type to the column's (int2) when later calls send int4. */
START_TEST(test_null_first_then_values)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "CREATE TABLE t (s int2, b bigint, ts timestamp(3))");
    rf_stmt ins = { .id = "ins", .sql = "INSERT INTO t VALUES ($1, $2, $3)" };
    for (int i = 0; i < 3; i++) {
        rf_params p;
        rf_params_init(&p);
        rf_params_add_opt_i32(&p, i ? RF_SOME(rf_opt_i32, i) : RF_NONE(rf_opt_i32));
        rf_params_add_opt_i64(&p, i ? RF_SOME(rf_opt_i64, i) : RF_NONE(rf_opt_i64));
        rf_params_add_opt_timestamp(&p, i ? RF_SOME(rf_opt_timestamp, i * RF_USEC_PER_MSEC)
                                          : RF_NONE(rf_opt_timestamp));
        RT_OK(c, rf_exec_params(c, &ins, &p, NULL));
        rf_params_free(&p);
    }
    ck_assert_int_eq(rt_scalar(c, "SELECT sum(s) + sum(b) FROM t"), 6);
    ck_assert_int_eq(rt_scalar(c, "SELECT count(ts) FROM t"), 2);
    rf_close(c);
}
END_TEST

/* The example in refract.h, section 7, verbatim: it must stay true. */
typedef struct db_user {
    int32_t id;
    const char *email;
    rf_opt_i32 age;
} db_user;

static const rf_stmt find_by_email = {
    "db_user_find_unique_by_email",
    "SELECT \"id\", \"email\", \"age\" FROM \"public\".\"User\" WHERE \"email\" = $1",
    RF_FORMAT_BINARY, 0, NULL,
};

static rf_status db_user_find_unique_by_email(rf_client *c, const char *email,
                                              db_user *out, rf_arena *arena)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_text(&p, email);
    rf_result r;
    rf_status st = rf_exec_params(c, &find_by_email, &p, &r);
    rf_params_free(&p);
    if (st != RF_OK)
        return st;
    if (r.rows == 0) {
        rf_result_clear(&r);
        return rf_fail(c, RF_NOT_FOUND, "No User found");
    }
    rf_result_keep(&r, arena);            // strings borrowed from r
    if ((st = rf_get_i32(&r, 0, 0, &out->id)) == RF_OK
        && (st = rf_get_text(&r, 0, 1, arena, &out->email, NULL)) == RF_OK)
        st = rf_get_opt_i32(&r, 0, 2, &out->age);
    return st;
}

START_TEST(test_header_example)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, schema_sql);
    RT_OK(c, add_user(c, "ada@example.com", RF_NONE(rf_opt_i32), NULL));
    rf_arena arena = RF_ARENA_INIT;
    db_user u;
    RT_OK(c, db_user_find_unique_by_email(c, "ada@example.com", &u, &arena));
    ck_assert_int_eq(u.id, 1);
    ck_assert_str_eq(u.email, "ada@example.com");
    ck_assert(!u.age.has);
    ck_assert_int_eq(db_user_find_unique_by_email(c, "nobody", &u, &arena), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2025");
    rf_arena_free(&arena);
    rf_close(c);
}
END_TEST

/* A Decimal stored in Prisma's default DECIMAL(65,30) reads back as Prisma
 * shows it, not padded to 30 places: in both result formats, and in lists. */
START_TEST(test_decimal_round_trip_without_padding)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "CREATE TABLE d (k int PRIMARY KEY, n DECIMAL(65,30), l DECIMAL(65,30)[],"
              " m numeric(10,3))");
    static const struct { const char *in, *out; } cases[] = {
        { "0.0000025", "0.0000025" }, { "1.50", "1.5" }, { "100.000", "100" },
        { "1000", "1000" }, { "0", "0" }, { "-12.5", "-12.5" }, { "-0.000", "0" },
        { "123456789012345678901234567890.5", "123456789012345678901234567890.5" },
        { "0.000000000000000000000000000001", "0.000000000000000000000000000001" },
    };
    enum { N = sizeof cases / sizeof cases[0] };
    rf_stmt ins = { .id = "ins", .sql = "INSERT INTO d VALUES ($1, $2, ARRAY[$2, '2.50']::"
                                        "DECIMAL(65,30)[], 2.5)" };
    for (int i = 0; i < N; i++) {
        rf_params p;
        rf_params_init(&p);
        rf_params_add_i32(&p, i);
        rf_params_add_text(&p, cases[i].in);
        RT_OK(c, rf_exec_params(c, &ins, &p, NULL));
        rf_params_free(&p);
    }
    for (int format = 0; format <= 1; format++) {
        rf_stmt sel = { .id = format ? "sel_bin" : "sel_text",
                        .sql = "SELECT n, l, m FROM d ORDER BY k", .result_format = format };
        rf_result r;
        rf_arena a = RF_ARENA_INIT;
        RT_OK(c, rf_exec(c, &sel, 0, NULL, NULL, NULL, &r));
        ck_assert_int_eq(r.rows, N);
        for (int i = 0; i < N; i++) {
            const char *s;
            RT_OK(c, rf_get_text(&r, i, 0, &a, &s, NULL));
            ck_assert_msg(!strcmp(s, cases[i].out), "%s (format %d): got %s, want %s",
                          cases[i].in, format, s, cases[i].out);
            rf_text_array list;
            RT_OK(c, rf_get_text_array(&r, i, 1, &a, &list));
            ck_assert_uint_eq(list.count, 2);
            ck_assert_str_eq(list.items[0], cases[i].out);
            ck_assert_str_eq(list.items[1], "2.5");
            RT_OK(c, rf_get_text(&r, i, 2, &a, &s, NULL));
            ck_assert_str_eq(s, "2.5");
        }
        /* kept results borrow strings: trimmed all the same */
        RT_OK(c, rf_result_keep(&r, &a));
        const char *s;
        RT_OK(c, rf_get_text(&r, 1, 0, &a, &s, NULL));
        ck_assert_str_eq(s, "1.5");
        rf_arena_free(&a);
        rf_result_clear(&r);
    }
    rf_close(c);
}
END_TEST

/* P2002's meta.target: the columns of the violated key, single or composite,
 * whatever their names hold, and an expression index as printed. */
START_TEST(test_unique_violation_names_its_columns)
{
    rf_client *c = rt_fresh(NULL, 0);
    rt_sql(c, "CREATE TABLE \"Member\" (\"tenantId\" int, slug text, \"odd, (name) \"\"q\"\"\" text,"
              " email text, n int,"
              " CONSTRAINT \"Member_tenantId_slug_key\" UNIQUE (\"tenantId\", slug),"
              " CONSTRAINT odd_key UNIQUE (\"odd, (name) \"\"q\"\"\", n));"
              "CREATE UNIQUE INDEX member_email_ci ON \"Member\" (lower(email), (n + 1));"
              "INSERT INTO \"Member\" VALUES (1, 'a', 'x,y)=(z', 'A@b.c', 1)");
    static const struct {
        const char *sql, *constraint, *column;
        size_t count;
        const char *target[2];
    } cases[] = {
        { "INSERT INTO \"Member\" VALUES (1, 'a', 'other', 'x@y', 5)",
          "Member_tenantId_slug_key", "tenantId, slug", 2, { "tenantId", "slug" } },
        { "INSERT INTO \"Member\" VALUES (2, 'b', 'x,y)=(z', 'x@y', 1)",
          "odd_key", "odd, (name) \"q\", n", 2, { "odd, (name) \"q\"", "n" } },
        { "INSERT INTO \"Member\" VALUES (3, 'c', 'other', 'a@B.C', 1)",
          "member_email_ci", "lower(email), (n + 1)", 2, { "lower(email)", "(n + 1)" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(rf_exec_sql(c, cases[i].sql), RF_UNIQUE_VIOLATION);
        const rf_error *e = rf_last_error(c);
        ck_assert_str_eq(e->prisma_code, "P2002");
        ck_assert_str_eq(e->constraint, cases[i].constraint);
        ck_assert_msg(!strcmp(e->column, cases[i].column), "column '%s' from %s", e->column,
                      e->detail);
        ck_assert_uint_eq(e->target_count, cases[i].count);
        for (size_t k = 0; k < cases[i].count; k++)
            ck_assert_str_eq(e->target[k], cases[i].target[k]);
        ck_assert_ptr_null(e->target[cases[i].count]);
    }
    /* the next success clears it */
    rt_sql(c, "SELECT 1");
    ck_assert_uint_eq(rf_last_error(c)->target_count, 0);
    ck_assert_ptr_nonnull(rf_last_error(c)->target);
    ck_assert_str_eq(rf_last_error(c)->column, "");
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_client");
    TCase *tc = tcase_create("client");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    tcase_add_test(tc, test_connect_with_keywords_and_url);
    tcase_add_test(tc, test_connect_from_environment);
    tcase_add_test(tc, test_unreachable_server_is_p1001);
    tcase_add_test(tc, test_missing_database_is_p1003);
    tcase_add_test(tc, test_malformed_conninfo_is_invalid_argument);
    tcase_add_test(tc, test_prepared_once_per_connection);
    tcase_add_test(tc, test_raw_exec_arrays_and_unnamed);
    tcase_add_test(tc, test_each_violation_has_its_status);
    tcase_add_test(tc, test_affected_rows);
    tcase_add_test(tc, test_hostile_strings_round_trip_byte_for_byte);
    tcase_add_test(tc, test_types_decode_in_both_formats);
    tcase_add_test(tc, test_timestamp_extremes_round_trip);
    tcase_add_test(tc, test_other_types_as_text);
    tcase_add_test(tc, test_null_first_then_values);
    tcase_add_test(tc, test_header_example);
    tcase_add_test(tc, test_decimal_round_trip_without_padding);
    tcase_add_test(tc, test_unique_violation_names_its_columns);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
