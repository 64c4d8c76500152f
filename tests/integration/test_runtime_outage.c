/*
 * test_runtime_outage.c — the server dies under a live program (pg_ctl stop
 * -m immediate: an outage, a crash, a failover) and comes back on the same
 * socket. What a program relies on: the first call after the outage says
 * RF_CONNECTION (P1017, the server closed the connection), rf_connected()
 * turns false, rf_reset() reconnects once the server is back, and a pool
 * never hands out a client whose connection is dead, so no pooled client
 * fails twice for one outage.
 */
#include <libpq-fe.h>
#include <string.h>

#include "rt_fixture.h"

/* Before each test: a test that failed between crash and restart must not
 * take the next ones down with it. */
static void server_up(void)
{
    if (PQping(rt_pg.conninfo) != PQPING_OK)
        ck_assert_msg(pgh_restart(&rt_pg) == 0, "%s", rt_pg.error);
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

static void crash(void)
{
    ck_assert_msg(pgh_crash(&rt_pg) == 0, "%s", rt_pg.error);
}

static void restart(void)
{
    ck_assert_msg(pgh_restart(&rt_pg) == 0, "%s", rt_pg.error);
}

static void assert_lost(rf_client *c, rf_status st, const char *what)
{
    const rf_error *e = rf_last_error(c);
    ck_assert_msg(st == RF_CONNECTION, "%s after the outage: %s (%s, sqlstate '%s'): %s", what,
                  rf_status_name(st), e->prisma_code, e->sqlstate, e->message);
    ck_assert_int_eq(e->status, RF_CONNECTION);
    ck_assert_msg(!strcmp(e->prisma_code, "P1017") || !strcmp(e->prisma_code, "P1001"),
                  "%s: prisma code '%s'", what, e->prisma_code);
    ck_assert_msg(*e->sqlstate, "%s: no SQLSTATE: %s", what, e->message);
    ck_assert_msg(!rf_connected(c), "%s: rf_connected() still true", what);
}

START_TEST(test_plain_client_outage_then_reset)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    rf_client *idle = rt_connect(conninfo);
    rf_client *in_tx = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
    int32_t v;
    RT_OK(c, read_v(c, 1, &v)); /* prepared on the old connection */
    RT_OK(in_tx, rf_begin(in_tx, RF_READ_COMMITTED, false));
    rt_sql(in_tx, "INSERT INTO t VALUES (2, 20)");

    crash();

    /* the first call on each client says so, whatever the call */
    assert_lost(c, read_v(c, 1, &v), "a prepared statement");
    assert_lost(idle, rf_exec_sql(idle, "SELECT 1"), "rf_exec_sql");
    assert_lost(in_tx, rf_commit(in_tx), "rf_commit");
    /* nothing reconnects silently; reset fails cleanly while the server is down */
    assert_lost(c, read_v(c, 1, &v), "a second call");
    assert_lost(c, rf_reset(c), "rf_reset while down");

    restart();

    rf_client *all[] = { c, idle, in_tx };
    for (int i = 0; i < 3; i++) {
        RT_OK(all[i], rf_reset(all[i]));
        ck_assert(rf_connected(all[i]));
        ck_assert(!rf_in_transaction(all[i]));
        RT_OK(all[i], read_v(all[i], 1, &v));
        ck_assert_int_eq(v, 10);
    }
    /* the transaction was lost with its connection */
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 1);
    for (int i = 0; i < 3; i++)
        rf_close(all[i]);
}
END_TEST

/* A pool of three: two clients idle in the pool, one in a thread's hands
 * when the server dies. The one in use fails once; after the restart every
 * client the pool hands out works at once, none fails a second time. */
START_TEST(test_pool_never_hands_out_a_dead_client)
{
    char conninfo[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX + 32];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_outage_pool", conninfo, sizeof conninfo), 0);
    rf_client *setup = rt_connect(conninfo);
    rt_sql(setup, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
    rf_close(setup);
    ck_assert_int_eq(pgh_url(&rt_pg, "rt_outage_pool", url, sizeof url - 32), 0);
    strcat(url, "&connection_limit=3");
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open(url, 0, &pool));
    rf_client *held[3];
    int32_t v;
    for (int i = 0; i < 3; i++) {
        RT_OK(held[i], rf_pool_acquire(pool, &held[i]));
        RT_OK(held[i], read_v(held[i], 1, &v));
    }
    rf_client *busy = held[2];
    rf_pool_release(pool, held[0]);
    rf_pool_release(pool, held[1]);

    crash();
    assert_lost(busy, read_v(busy, 1, &v), "the client in use");
    rf_pool_release(pool, busy);
    restart();

    rf_client *again[3];
    for (int i = 0; i < 3; i++) {
        rf_status st = rf_pool_acquire(pool, &again[i]);
        ck_assert_msg(st == RF_OK, "acquire %d after the restart: %s: %s", i,
                      rf_status_name(st), rf_last_error(again[i])->message);
        ck_assert(rf_connected(again[i]));
        st = read_v(again[i], 1, &v);
        ck_assert_msg(st == RF_OK, "pooled client %d after the restart: %s: %s", i,
                      rf_status_name(st), rf_last_error(again[i])->message);
        ck_assert_int_eq(v, 10);
    }
    /* the pool handed out the same three clients, each brought back */
    for (int i = 0; i < 3; i++) {
        bool same = false;
        for (int j = 0; j < 3; j++)
            same = same || again[i] == held[j];
        ck_assert(same);
        rf_pool_release(pool, again[i]);
    }
    rf_pool_close(pool);
}
END_TEST

/* While the server is down a pool says so (RF_CONNECTION from acquire, the
 * client handed out to be released); once it is back, the same clients
 * work. */
START_TEST(test_pool_during_the_outage_then_after)
{
    char conninfo[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX + 32];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_outage_pool2", conninfo, sizeof conninfo), 0);
    rf_client *setup = rt_connect(conninfo);
    rt_sql(setup, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
    rf_close(setup);
    ck_assert_int_eq(pgh_url(&rt_pg, "rt_outage_pool2", url, sizeof url - 32), 0);
    strcat(url, "&connection_limit=1");
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open(url, 0, &pool));
    rf_client *c;
    int32_t v;
    RT_OK(c, rf_pool_acquire(pool, &c));
    RT_OK(c, read_v(c, 1, &v));
    rf_pool_release(pool, c);

    crash();
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_CONNECTION);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(rf_last_error(c)->status, RF_CONNECTION);
    ck_assert_msg(*rf_last_error(c)->prisma_code, "no Prisma code");
    rf_pool_release(pool, c);
    restart();

    RT_OK(c, rf_pool_acquire(pool, &c));
    RT_OK(c, read_v(c, 1, &v));
    ck_assert_int_eq(v, 10);
    rf_pool_release(pool, c);
    rf_pool_close(pool);
}
END_TEST

/* A client that never connected is "not connected" (08003), not "lost". */
START_TEST(test_never_connected_is_not_lost)
{
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect("host=/nonexistent port=1 connect_timeout=2", &c), RF_CONNECTION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1001");
    ck_assert(!rf_connected(c));
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1"), RF_CONNECTION);
    const rf_error *e = rf_last_error(c);
    ck_assert_str_eq(e->sqlstate, "08003");
    ck_assert_msg(strstr(e->message, "not connected") && strstr(e->message, "rf_reset"), "%s",
                  e->message);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_outage");
    TCase *tc = tcase_create("outage");
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    tcase_add_checked_fixture(tc, server_up, NULL);
    tcase_add_test(tc, test_plain_client_outage_then_reset);
    tcase_add_test(tc, test_pool_never_hands_out_a_dead_client);
    tcase_add_test(tc, test_pool_during_the_outage_then_after);
    tcase_add_test(tc, test_never_connected_is_not_lost);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
