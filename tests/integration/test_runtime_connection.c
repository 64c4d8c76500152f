/*
 * test_runtime_connection.c — the connection's life: a backend killed
 * mid-session (pg_terminate_backend from another connection) gives
 * RF_CONNECTION with a clear message and no crash, rf_reset brings the
 * client back with its statements prepared again; pgbouncer mode never
 * names a statement; ?schema= sets the search path.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt_fixture.h"

static int64_t backend_pid(rf_client *c)
{
    return rt_scalar(c, "SELECT pg_backend_pid()");
}

static void terminate(rf_client *killer, int64_t pid)
{
    rf_stmt kill = { .id = "kill", .sql = "SELECT pg_terminate_backend($1::int)" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i64(&p, pid);
    RT_OK(killer, rf_exec_params(killer, &kill, &p, NULL));
    rf_params_free(&p);
    /* wait until the backend is really gone */
    for (int i = 0; i < 200; i++) {
        rf_stmt alive = { .id = "alive",
                          .sql = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int" };
        rf_params q;
        rf_params_init(&q);
        rf_params_add_i64(&q, pid);
        rf_result r;
        RT_OK(killer, rf_exec_params(killer, &alive, &q, &r));
        int64_t n;
        RT_OK(killer, rf_get_i64(&r, 0, 0, &n));
        rf_result_clear(&r);
        rf_params_free(&q);
        if (n == 0)
            return;
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    ck_abort_msg("backend %lld did not exit", (long long)pid);
}

static const rf_stmt get_v = {
    .id = "get_v",
    .sql = "SELECT v FROM t WHERE k = $1",
    .result_format = RF_FORMAT_BINARY,
};

static rf_status read_v(rf_client *c, int32_t k, int32_t *v)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, k);
    rf_result r;
    rf_status st = rf_exec_params(c, &get_v, &p, &r);
    rf_params_free(&p);
    if (st == RF_OK) {
        st = r.rows == 1 ? rf_get_i32(&r, 0, 0, v) : RF_NOT_FOUND;
        rf_result_clear(&r);
    }
    return st;
}

START_TEST(test_killed_backend_then_reset)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    rf_client *killer = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
    int32_t v;
    RT_OK(c, read_v(c, 1, &v));
    ck_assert_int_eq(rf_client_prepared_count(c), 1);

    terminate(killer, backend_pid(c));

    /* the next statement learns of it: a status, a message, no crash */
    rf_status st = read_v(c, 1, &v);
    ck_assert_int_eq(st, RF_CONNECTION);
    const rf_error *e = rf_last_error(c);
    ck_assert_int_eq(e->status, RF_CONNECTION);
    ck_assert_str_eq(e->prisma_code, "P1017");
    ck_assert_msg(strstr(e->message, "connection to the database was lost"), "%s", e->message);
    ck_assert_msg(strstr(e->message, "rf_reset"), "%s", e->message);
    ck_assert(!rf_connected(c));

    /* and every later call too, until reset; nothing reconnects silently */
    ck_assert_int_eq(read_v(c, 1, &v), RF_CONNECTION);
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1"), RF_CONNECTION);
    ck_assert_int_eq(rf_begin(c, RF_SERIALIZABLE, false), RF_CONNECTION);
    ck_assert(!rf_in_transaction(c));

    RT_OK(c, rf_reset(c));
    ck_assert(rf_connected(c));
    ck_assert_int_eq(rf_client_prepared_count(c), 0);
    RT_OK(c, read_v(c, 1, &v)); /* prepared again on the new connection */
    ck_assert_int_eq(v, 10);
    ck_assert_int_eq(rf_client_prepared_count(c), 1);
    rf_close(c);
    rf_close(killer);
}
END_TEST

START_TEST(test_killed_inside_a_transaction_loses_it)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    rf_client *killer = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int)");
    RT_OK(c, rf_begin(c, RF_SERIALIZABLE, false));
    rt_sql(c, "INSERT INTO t VALUES (1, 1)");
    terminate(killer, backend_pid(c));
    ck_assert_int_eq(rf_exec_sql(c, "INSERT INTO t VALUES (2, 2)"), RF_CONNECTION);
    ck_assert_int_eq(rf_commit(c), RF_CONNECTION);
    ck_assert_int_eq(rf_rollback(c), RF_OK); /* nothing left to roll back */
    RT_OK(c, rf_reset(c));
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 0);
    rf_close(c);
    rf_close(killer);
}
END_TEST

static rf_status kill_me_inside(rf_client *c, void *ctx)
{
    rf_client *killer = ctx;
    rf_status st = rf_exec_sql(c, "INSERT INTO t VALUES (1, 1)");
    if (st != RF_OK)
        return st;
    terminate(killer, backend_pid(c));
    return rf_exec_sql(c, "INSERT INTO t VALUES (2, 2)");
}

START_TEST(test_transaction_helper_does_not_retry_a_lost_connection)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    rf_client *killer = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int)");
    ck_assert_int_eq(rf_transaction(c, RF_SERIALIZABLE, false, kill_me_inside, killer, 5),
                     RF_CONNECTION);
    RT_OK(c, rf_reset(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 0);
    rf_close(c);
    rf_close(killer);
}
END_TEST

START_TEST(test_pgbouncer_mode_never_names_statements)
{
    char conninfo[PGH_CONNINFO_MAX], with_flag[PGH_CONNINFO_MAX + 64];
    rf_client *setup = rt_fresh(conninfo, sizeof conninfo);
    rt_sql(setup, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
    rf_close(setup);

    snprintf(with_flag, sizeof with_flag, "%s pgbouncer=true", conninfo);
    rf_client *c = rt_connect(with_flag);
    ck_assert(rf_client_pgbouncer(c));
    for (int i = 0; i < 3; i++) {
        int32_t v;
        RT_OK(c, read_v(c, 1, &v));
        ck_assert_int_eq(v, 10);
    }
    ck_assert_int_eq(rf_client_prepared_count(c), 0);
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM pg_prepared_statements"), 0);
    /* errors still map */
    ck_assert_int_eq(rf_exec_sql(c, "INSERT INTO t VALUES (1, 1)"), RF_UNIQUE_VIOLATION);
    rf_close(c);

    /* the URL form, as Prisma users write it */
    char url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_bouncer_url", conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(pgh_url(&rt_pg, "rt_bouncer_url", url, sizeof url), 0);
    snprintf(with_flag, sizeof with_flag, "%s&pgbouncer=true&connection_limit=1", url);
    c = rt_connect(with_flag);
    ck_assert(rf_client_pgbouncer(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM pg_prepared_statements"), 0);
    rf_close(c);
}
END_TEST

START_TEST(test_schema_parameter_sets_search_path)
{
    char conninfo[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX], with_schema[PGH_CONNINFO_MAX + 64];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_schema", conninfo, sizeof conninfo), 0);
    rf_client *setup = rt_connect(conninfo);
    rt_sql(setup, "CREATE SCHEMA \"Tenant \"\"A\"\"\"; CREATE TABLE \"Tenant \"\"A\"\"\".t (v int);"
                  "INSERT INTO \"Tenant \"\"A\"\"\".t VALUES (7)");
    rf_close(setup);
    ck_assert_int_eq(pgh_url(&rt_pg, "rt_schema", url, sizeof url), 0);
    snprintf(with_schema, sizeof with_schema, "%s&schema=Tenant%%20%%22A%%22", url);
    rf_client *c = rt_connect(with_schema);
    ck_assert_str_eq(rf_client_schema(c), "Tenant \"A\"");
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM t"), 7);
    /* survives a reconnect */
    RT_OK(c, rf_reset(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM t"), 7);
    rf_close(c);
}
END_TEST

static const char *option(rf_client *c, const char *key, char *buf, size_t size)
{
    PQconninfoOption *opts = PQconninfo(rf_client_pgconn(c));
    snprintf(buf, size, "(unset)");
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, key) && o->val)
            snprintf(buf, size, "%s", o->val);
    PQconninfoFree(opts);
    return buf;
}

START_TEST(test_connect_timeout_defaults_to_prismas)
{
    char conninfo[PGH_CONNINFO_MAX], buf[32];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    ck_assert_str_eq(option(c, "connect_timeout", buf, sizeof buf), "5");
    rf_close(c);
    char with[PGH_CONNINFO_MAX + 32];
    snprintf(with, sizeof with, "%s connect_timeout=17", conninfo);
    c = rt_connect(with);
    ck_assert_str_eq(option(c, "connect_timeout", buf, sizeof buf), "17");
    rf_close(c);
}
END_TEST

/* Server notices must not reach the program's stderr. */
START_TEST(test_notices_stay_quiet)
{
    rf_client *c = rt_fresh(NULL, 0);
    fflush(stderr);
    FILE *capture = tmpfile();
    int saved = dup(2);
    dup2(fileno(capture), 2);
    rt_sql(c, "DO $$ BEGIN RAISE NOTICE 'refract-notice-probe'; RAISE WARNING 'w-probe'; END $$");
    rt_sql(c, "DROP TABLE IF EXISTS no_such_table");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[4096] = "";
    rewind(capture);
    size_t n = fread(text, 1, sizeof text - 1, capture);
    text[n] = '\0';
    fclose(capture);
    ck_assert_msg(n == 0, "printed: %s", text);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_connection");
    TCase *tc = tcase_create("connection");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    tcase_add_test(tc, test_killed_backend_then_reset);
    tcase_add_test(tc, test_killed_inside_a_transaction_loses_it);
    tcase_add_test(tc, test_transaction_helper_does_not_retry_a_lost_connection);
    tcase_add_test(tc, test_pgbouncer_mode_never_names_statements);
    tcase_add_test(tc, test_schema_parameter_sets_search_path);
    tcase_add_test(tc, test_connect_timeout_defaults_to_prismas);
    tcase_add_test(tc, test_notices_stay_quiet);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
