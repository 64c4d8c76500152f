/*
 * test_typed_sql.c — typed SQL (issue 12): the queries of
 * tests/integration/typed/sql/, generated into ts_sql.h/.c (committed), run
 * against a real PostgreSQL; and `refract generate` on .sql files that are
 * wrong, which must say where.
 *
 * Covered: every annotation (-- name: with :one :many :exec :execrows
 * :copyfrom, a
 * file named query, @param with type, name and '?', @nonnull, @nullable),
 * types (int, bigint, numeric kept exact, text, Json, timestamps, enums and
 * enum arrays as the generated C enums, text and int arrays), columns made
 * nullable by a LEFT JOIN, streaming, RF_NOT_FOUND, a NULL for a required
 * parameter; errors located in the .sql file (a syntax error, an unknown
 * column, a wrong parameter count, an unknown annotation or type), and
 * `generate --check` failing once a column the queries use is dropped.
 */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg_harness.h"

#include "typed/ts.c"
#include "typed/ts_sql.c"

static pgh_cluster pg;
static char *schema_sql;
static const char *bin, *root;

/* Runs a shell command; its exit status, and its stdout+stderr in *out. */
static int run(const char *cmd, char **out)
{
    char *full = NULL;
    ck_assert_int_ge(asprintf(&full, "(%s) 2>&1", cmd), 0);
    FILE *p = popen(full, "r");
    free(full);
    ck_assert_ptr_nonnull(p);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(mem);
    int st = pclose(p);
    if (out)
        *out = text;
    else
        free(text);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void start(void)
{
    ck_assert_int_eq(pgh_start(&pg), 0);
    bin = getenv("REFRACT_BIN");
    root = getenv("REFRACT_ROOT");
    ck_assert_ptr_nonnull(bin);
    ck_assert_ptr_nonnull(root);
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd,
                              "'%s' migrate diff --from-empty --to-schema "
                              "'%s/tests/integration/typed/schema.prisma' --script",
                              bin, root),
                     0);
    ck_assert_int_eq(run(cmd, &schema_sql), 0);
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

START_TEST(one_exec_and_execrows_with_enums_arrays_json_and_nulls)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    const char *tags[] = {"x", "y z"};
    ts_sql_add_account_row row;
    OK(ts_sql_add_account(c, &(ts_sql_add_account_params){
                                 .email = "ada@x", .tier = TS_TIER_PRO,
                                 .tags = {tags, 2}, .prefs = "{\"dark\": true}"},
                          &row, &a));
    ck_assert_int_gt(row.id, 0);
    ck_assert_str_eq(row.email, "ada@x");
    ck_assert_ptr_null(row.nick); /* nick? given as NULL */
    ck_assert_int_eq(row.tier, TS_TIER_PRO); /* the enum, though the label is "pro" */
    ck_assert_uint_eq(row.tags.count, 2);
    ck_assert_str_eq(row.tags.items[1], "y z");
    ck_assert_uint_eq(row.scores.count, 3);
    ck_assert_int_eq(row.scores.items[2], 3);
    ck_assert_str_eq(row.balance, "0"); /* numeric: exact text, as Prisma prints a Decimal */
    ck_assert_str_eq(row.prefs, "{\"dark\": true}");
    ck_assert_int_gt(row.joined_at, 0);

    /* :exec with a nullable parameter, set then cleared. */
    OK(ts_sql_set_nick(c, &(ts_sql_set_nick_params){.p1 = row.id, .nick = "ada"}));
    ts_sql_account_by_email_row got;
    OK(ts_sql_account_by_email(c, &(ts_sql_account_by_email_params){"ada@x"}, &got, &a));
    ck_assert_str_eq(got.nick, "ada");
    OK(ts_sql_set_nick(c, &(ts_sql_set_nick_params){.p1 = row.id, .nick = NULL}));
    OK(ts_sql_account_by_email(c, &(ts_sql_account_by_email_params){"ada@x"}, &got, &a));
    ck_assert_ptr_null(got.nick);

    /* :one without a row. */
    ck_assert_int_eq(ts_sql_account_by_email(c, &(ts_sql_account_by_email_params){"no@x"}, &got, &a),
                     RF_NOT_FOUND);
    /* A required parameter given NULL is refused before anything is sent. */
    ck_assert_int_eq(ts_sql_account_by_email(c, &(ts_sql_account_by_email_params){NULL}, &got, &a),
                     RF_INVALID_ARGUMENT);

    /* :execrows counts. */
    OK(ts_sql_add_account(c, &(ts_sql_add_account_params){.email = "bob@x", .nick = "b",
                                                          .tier = TS_TIER_FREE},
                          &row, &a));
    ck_assert_ptr_null(row.prefs);
    ck_assert_uint_eq(row.tags.count, 0);
    int64_t n = -1;
    OK(ts_sql_upgrade(c, &(ts_sql_upgrade_params){TS_TIER_PRO}, &n));
    ck_assert_int_eq(n, 1);
    OK(ts_sql_upgrade(c, &(ts_sql_upgrade_params){TS_TIER_PRO}, &n));
    ck_assert_int_eq(n, 0);

    /* An enum array parameter. */
    ts_sql_accounts_in_tiers_list l;
    ts_tier pro[] = {TS_TIER_PRO};
    OK(ts_sql_accounts_in_tiers(c, &(ts_sql_accounts_in_tiers_params){{pro, 1}}, &l, &a));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[1].tier, TS_TIER_PRO);
    ts_tier free_[] = {TS_TIER_FREE};
    OK(ts_sql_accounts_in_tiers(c, &(ts_sql_accounts_in_tiers_params){{free_, 1}}, &l, &a));
    ck_assert_uint_eq(l.count, 0);

    /* The query named after its file. */
    ts_sql_count_accounts_list cl;
    OK(ts_sql_count_accounts(c, &cl, &a));
    ck_assert_uint_eq(cl.count, 1);
    ck_assert_int_eq(cl.items[0].n, 2);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(many_outer_join_nulls_aggregates_and_streams)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    ts_sql_add_account_row ada, bob;
    OK(ts_sql_add_account(c, &(ts_sql_add_account_params){.email = "ada@x", .tier = TS_TIER_FREE},
                          &ada, &a));
    OK(ts_sql_add_account(c, &(ts_sql_add_account_params){.email = "bob@x", .tier = TS_TIER_FREE},
                          &bob, &a));
    rf_timestamp mon = rf_timestamp_from_civil(2026, 11, 2, 10, 0, 0, 0); /* a Monday */
    OK(ts_sql_place_order(c, &(ts_sql_place_order_params){ada.id, "10.50", mon}));
    OK(ts_sql_place_order(c, &(ts_sql_place_order_params){ada.id, "0.25", mon + 86400000000LL}));
    OK(ts_sql_place_order(c, &(ts_sql_place_order_params){ada.id, "99999.99",
                                                          mon + 7 * 86400000000LL}));

    /* bob has no order: the LEFT JOINed columns are NULL, and typed so. */
    ts_sql_accounts_with_orders_list l;
    OK(ts_sql_accounts_with_orders(c, &l, &a));
    ck_assert_uint_eq(l.count, 4);
    ck_assert_int_eq(l.items[0].id, ada.id);
    ck_assert(l.items[0].order_id.has);
    ck_assert_str_eq(l.items[0].total, "10.5");
    ck_assert(l.items[0].placed_at.has);
    ck_assert_int_eq(l.items[0].placed_at.value, mon);
    ck_assert_str_eq(l.items[3].email, "bob@x");
    ck_assert(!l.items[3].order_id.has);
    ck_assert_ptr_null(l.items[3].total);
    ck_assert(!l.items[3].placed_at.has);

    /* date_trunc('week'), an exact sum, a count: @nonnull made them plain. */
    ts_sql_weekly_revenue_list w;
    OK(ts_sql_weekly_revenue(c, &(ts_sql_weekly_revenue_params){mon - 86400000000LL}, &w, &a));
    ck_assert_uint_eq(w.count, 2);
    ck_assert_int_eq(w.items[0].week, rf_timestamp_from_civil(2026, 11, 2, 0, 0, 0, 0));
    ck_assert_str_eq(w.items[0].revenue, "10.75");
    ck_assert_int_eq(w.items[0].orders, 2);
    ck_assert_str_eq(w.items[1].revenue, "99999.99");

    /* :copyfrom: many rows in one COPY, NULLs and text that needs escaping included. */
    ts_sql_import_orders_params orders[3] = {
        {bob.id, "1.00", NULL, mon},
        {bob.id, "2.00", "tab\there, newline\nthere, back\\slash", mon},
        {bob.id, "3.00", "", mon},
    };
    int64_t copied = 0;
    OK(ts_sql_import_orders(c, orders, 3, &copied));
    ck_assert_int_eq(copied, 3);
    OK(ts_sql_accounts_with_orders(c, &l, &a));
    ck_assert_uint_eq(l.count, 6); /* ada's 3, bob's 3 */
    ts_sql_weekly_revenue_list w2;
    OK(ts_sql_weekly_revenue(c, &(ts_sql_weekly_revenue_params){mon - 86400000000LL}, &w2, &a));
    ck_assert_str_eq(w2.items[0].revenue, "16.75");
    /* A row the table refuses: nothing of the COPY stays. */
    ts_sql_import_orders_params bad[2] = {{bob.id, "1.00", NULL, mon}, {999999, "1.00", NULL, mon}};
    ck_assert_int_eq(ts_sql_import_orders(c, bad, 2, &copied), RF_FOREIGN_KEY_VIOLATION);
    ck_assert_int_eq(copied, 0);
    OK(ts_sql_accounts_with_orders(c, &l, &a));
    ck_assert_uint_eq(l.count, 6);
    /* The rows with text came back as sent. */
    rf_result raw = RF_RESULT_INIT;
    OK(rf_exec(c, &(rf_stmt){NULL, "SELECT note FROM \"Order\" WHERE total = 2", 0, 0, NULL}, 0, NULL,
               NULL, NULL, &raw));
    const char *note = NULL;
    OK(rf_get_text(&raw, 0, 0, &a, &note, NULL));
    ck_assert_str_eq(note, "tab\there, newline\nthere, back\\slash");
    rf_result_clear(&raw);

    /* The same rows, streamed. */
    ts_sql_weekly_revenue_stream s;
    OK(ts_sql_weekly_revenue_stream_open(c, &(ts_sql_weekly_revenue_params){0}, NULL, &s));
    ts_sql_weekly_revenue_row r;
    bool got;
    int rows = 0;
    rf_arena per_row = RF_ARENA_INIT;
    while (ts_sql_weekly_revenue_stream_next(&s, &r, &per_row, &got) == RF_OK && got) {
        ck_assert_int_eq(r.week, w2.items[rows].week);
        ck_assert_str_eq(r.revenue, w2.items[rows].revenue);
        rows++;
    }
    OK(ts_sql_weekly_revenue_stream_close(&s));
    ck_assert_int_eq(rows, 2);
    rf_arena_free(&per_row);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Typed queries (exec, many, COPY, a stream) through a real PgBouncer in
 * transaction pooling mode with pgbouncer=true: unnamed statements only. */
START_TEST(typed_queries_through_pgbouncer)
{
    pgh_bouncer b;
    int rc = pgh_start_pgbouncer(&pg, &b);
    if (rc == -2) {
        printf("PgBouncer case skipped: %s\n", b.error);
        return;
    }
    ck_assert_msg(rc == 0, "%s", b.error);
    rf_client *setup = fresh(); /* its database, with the tables */
    const char *dbname = PQdb((PGconn *)rf_client_pgconn(setup));
    char url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_pgbouncer_url(&b, dbname, url, sizeof url), 0);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(url, &c), RF_OK);
    ck_assert(rf_client_pgbouncer(c));
    rf_arena a = RF_ARENA_INIT;
    ts_sql_add_account_row ada;
    OK(ts_sql_add_account(c, &(ts_sql_add_account_params){.email = "ada@b", .tier = TS_TIER_FREE},
                          &ada, &a));
    rf_timestamp mon = rf_timestamp_from_civil(2026, 11, 2, 10, 0, 0, 0);
    OK(ts_sql_place_order(c, &(ts_sql_place_order_params){ada.id, "10.50", mon}));
    ts_sql_import_orders_params orders[2] = {{ada.id, "1.00", NULL, mon}, {ada.id, "2.00", "x", mon}};
    int64_t copied = 0;
    OK(ts_sql_import_orders(c, orders, 2, &copied));
    ck_assert_int_eq(copied, 2);
    ts_sql_weekly_revenue_list w;
    OK(ts_sql_weekly_revenue(c, &(ts_sql_weekly_revenue_params){mon - 86400000000LL}, &w, &a));
    ck_assert_uint_eq(w.count, 1);
    ck_assert_str_eq(w.items[0].revenue, "13.5");
    ts_sql_weekly_revenue_stream st;
    OK(ts_sql_weekly_revenue_stream_open(c, &(ts_sql_weekly_revenue_params){0}, NULL, &st));
    ts_sql_weekly_revenue_row r;
    bool got;
    int rows = 0;
    while (ts_sql_weekly_revenue_stream_next(&st, &r, &a, &got) == RF_OK && got)
        rows++;
    OK(ts_sql_weekly_revenue_stream_close(&st));
    ck_assert_int_eq(rows, 1);
    ck_assert_int_eq(rf_client_prepared_count(c), 0); /* never a named statement */
    rf_arena_free(&a);
    rf_close(c);
    rf_close(setup);
    pgh_stop_pgbouncer(&b);
}
END_TEST

/* ---- generate on bad .sql files ---------------------------------------------- */

static char dir[64];

/* A project in a temporary folder: the typed schema, one .sql file. */
static void project(const char *file, const char *sql)
{
    snprintf(dir, sizeof dir, "/tmp/refract-typed-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "cp '%s/tests/integration/typed/schema.prisma' %s/ && mkdir %s/sql",
                              root, dir, dir), 0);
    ck_assert_int_eq(run(cmd, NULL), 0);
    free(cmd);
    char path[128];
    snprintf(path, sizeof path, "%s/sql/%s", dir, file);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(sql, f);
    fclose(f);
}

/* `refract generate` of the project on a database of the cluster; exit status, output. */
static int generate(const char *extra, char **out)
{
    char url[PGH_CONNINFO_MAX], conninfo[PGH_CONNINFO_MAX];
    char name[32];
    static int n;
    snprintf(name, sizeof name, "gen%d_%d", (int)getpid(), n++);
    ck_assert_int_eq(pgh_create_db(&pg, name, conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(pgh_url(&pg, name, url, sizeof url), 0);
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "cd %s && '%s' generate --schema schema.prisma --url '%s' %s",
                              dir, bin, url, extra ? extra : ""), 0);
    int st = run(cmd, out);
    free(cmd);
    return st;
}

static void cleanup(void)
{
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "rm -rf %s", dir), 0);
    run(cmd, NULL);
    free(cmd);
}

#define HAS(text, s) ck_assert_msg(strstr((text), (s)) != NULL, "expected \"%s\" in:\n%s", (s), (text))

START_TEST(a_syntax_error_is_located_in_the_sql_file)
{
    project("bad.sql", "-- name: Bad :many\nSELECT id,\n  FROM \"Account\" WHERE id = $1;\n");
    char *out;
    ck_assert_int_eq(generate(NULL, &out), 1);
    HAS(out, "query Bad does not prepare: syntax error at or near \"FROM\"");
    HAS(out, "sql/bad.sql:3:3");
    ck_assert_ptr_null(strstr(out, "Generated 1 typed"));
    free(out);
    /* nothing written */
    char path[128];
    snprintf(path, sizeof path, "%s/ts_sql.h", dir);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
    cleanup();
}
END_TEST

START_TEST(an_unknown_column_is_located)
{
    project("q.sql", "-- name: Ok :one\nSELECT 1 AS one;\n\n-- name: Nope :many\nSELECT id, emial FROM \"Account\";\n");
    char *out;
    ck_assert_int_eq(generate(NULL, &out), 1);
    HAS(out, "query Nope does not prepare: column \"emial\" does not exist");
    HAS(out, "sql/q.sql:5:12");
    HAS(out, "1 problem");
    free(out);
    cleanup();
}
END_TEST

START_TEST(a_wrong_parameter_count_is_refused)
{
    project("q.sql", "-- name: Two :many\n-- @param {Int} $3:third\n"
                     "SELECT id FROM \"Account\" WHERE id > $1 AND id < $2;\n");
    char *out;
    ck_assert_int_eq(generate(NULL, &out), 1);
    HAS(out, "@param names $3, but query Two has 2 parameters");
    HAS(out, "sql/q.sql:2:17");
    free(out);
    cleanup();
}
END_TEST

START_TEST(bad_annotations_are_refused)
{
    /* What the reader refuses, before any database is asked. */
    project("q.sql", "-- name: A :many\n-- @params {Int} $1\nSELECT 1 AS x;\n"
                     "-- name: B :batchexec\nINSERT INTO \"Order\" (total) VALUES ($1);\n"
                     "-- name: C :fetch\nSELECT 1 AS x;\n"
                     "-- name: 9lives :one\nSELECT 1 AS x;\n"
                     "-- name: ARow :one\nSELECT 1 AS x;\n");
    char *out;
    ck_assert_int_eq(generate(NULL, &out), 1);
    HAS(out, "unknown annotation `@params`");
    HAS(out, "sql/q.sql:2:4");
    HAS(out, "unknown query kind `:batchexec`");
    HAS(out, "unknown query kind `:fetch`");
    HAS(out, "a query name is a C-like identifier");
    HAS(out, "sql/q.sql:8:10");
    HAS(out, "query ARow's C names would clash with query A's (sql_a_row)");
    HAS(out, "5 problems"); /* the SQL after a bad name is not "before the first name" */
    free(out);
    cleanup();
    /* What needs the database to tell. */
    project("q.sql", "-- name: C :one\n-- @param {Money} $1:m\nSELECT $1::int AS x;\n"
                     "-- name: D :one\n-- @nonnull nothere\nSELECT 1 AS x;\n"
                     "-- name: E :many\nSELECT 1 AS x, 2 AS x;\n"
                     "-- name: F :many\nUPDATE \"Account\" SET nick = NULL;\n"
                     "-- name: G :one\nSELECT 1;\n"
                     "-- name: H :copyfrom\nINSERT INTO \"Order\" (\"accountId\", total) VALUES ($2, $1);\n"
                     "-- name: I :copyfrom\nINSERT INTO \"Order\" (total) VALUES ($1) RETURNING id;\n");
    ck_assert_int_eq(generate(NULL, &out), 1);
    HAS(out, "unknown type {Money}");
    HAS(out, "sql/q.sql:2:11");
    HAS(out, "query D has no result column named nothere");
    HAS(out, "query E: columns 1 and 2 are both named x");
    HAS(out, "query F is :many but returns no columns");
    HAS(out, "query G: column 1 (\"?column?\") has no name C can use: name it with AS");
    HAS(out, "query H is :copyfrom: write it as INSERT INTO t (a, b) VALUES ($1, $2)");
    HAS(out, "sql/q.sql:14:50"); /* at $2 */
    HAS(out, "query I is :copyfrom: it must be an INSERT of parameters without RETURNING");
    HAS(out, "7 problems");
    free(out);
    cleanup();
}
END_TEST

START_TEST(a_url_database_keeps_nothing_and_check_catches_a_dropped_column)
{
    project("q.sql", "-- name: Nicks :many\nSELECT nick FROM \"Account\";\n");
    char *out;
    ck_assert_int_eq(generate(NULL, &out), 0);
    HAS(out, "Generated 1 typed query");
    free(out);
    ck_assert_int_eq(generate("--check", &out), 0);
    HAS(out, "up to date");
    free(out);
    /* The schema loses the column the query reads: --check fails, naming it. */
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "sed -i '/^  nick /d' %s/schema.prisma", dir), 0);
    ck_assert_int_eq(run(cmd, NULL), 0);
    free(cmd);
    ck_assert_int_eq(generate("--check", &out), 1);
    HAS(out, "column \"nick\" does not exist");
    HAS(out, "sql/q.sql:2:8");
    free(out);
    /* The database given by URL holds nothing afterwards (rolled back). */
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&pg, "probe", conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(pgh_drop_db(&pg, "probe"), 0);
    cleanup();
}
END_TEST

START_TEST(the_committed_client_is_fresh)
{
    /* All four files, regenerated on a throwaway server of its own (as a
     * user without --url runs it) and compared. */
    char tmp[] = "/tmp/refract-typed-fresh-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    char *cmd = NULL, *out = NULL;
    const char *t = "tests/integration/typed";
    ck_assert_int_ge(asprintf(&cmd,
                              "'%s' generate --schema '%s/%s/schema.prisma' --out %s && "
                              "for f in ts.h ts.c ts_sql.h ts_sql.c; do diff -u '%s/%s/'$f %s/$f "
                              "|| exit 1; done",
                              bin, root, t, tmp, root, t, tmp),
                     0);
    int st = run(cmd, &out);
    ck_assert_msg(st == 0, "%s/ts*.{h,c} are stale: run `build/refract generate --schema "
                           "%s/schema.prisma`:\n%s", t, t, out);
    free(out);
    free(cmd);
    ck_assert_int_ge(asprintf(&cmd, "rm -rf %s", tmp), 0);
    run(cmd, NULL);
    free(cmd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("typed_sql");
    TCase *tc = tcase_create("typed sql");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, one_exec_and_execrows_with_enums_arrays_json_and_nulls);
    tcase_add_test(tc, many_outer_join_nulls_aggregates_and_streams);
    tcase_add_test(tc, typed_queries_through_pgbouncer);
    tcase_add_test(tc, a_syntax_error_is_located_in_the_sql_file);
    tcase_add_test(tc, an_unknown_column_is_located);
    tcase_add_test(tc, a_wrong_parameter_count_is_refused);
    tcase_add_test(tc, bad_annotations_are_refused);
    tcase_add_test(tc, a_url_database_keeps_nothing_and_check_catches_a_dropped_column);
    tcase_add_test(tc, the_committed_client_is_fresh);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
