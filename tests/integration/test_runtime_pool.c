/*
 * test_runtime_pool.c — rf_pool: threads share a bounded number of
 * connections, a thread that cannot get one in time hears P2024, and a
 * client comes back clean (transaction rolled back, lost connection reset).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "rt_fixture.h"

static char url[PGH_CONNINFO_MAX + 64];

/* A database, and its URL with the given extra query parameters. */
static void pool_db(const char *name, const char *extra)
{
    char conninfo[PGH_CONNINFO_MAX], base[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&rt_pg, name, conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(pgh_url(&rt_pg, name, base, sizeof base), 0);
    snprintf(url, sizeof url, "%s%s", base, extra);
    rf_client *c = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE hits (n int)");
    rf_close(c);
}

typedef struct worker {
    rf_pool *pool;
    atomic_int *holding;
    atomic_int *most;
    int failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 25; i++) {
        rf_client *c;
        if (rf_pool_acquire(w->pool, &c) != RF_OK) {
            w->failures++;
            rf_pool_release(w->pool, c);
            continue;
        }
        int now = atomic_fetch_add(w->holding, 1) + 1;
        int seen = atomic_load(w->most);
        while (now > seen && !atomic_compare_exchange_weak(w->most, &seen, now))
            ;
        rf_stmt ins = { .id = "hit", .sql = "INSERT INTO hits VALUES ($1)" };
        rf_params p;
        rf_params_init(&p);
        rf_params_add_i32(&p, i);
        if (rf_exec_params(c, &ins, &p, NULL) != RF_OK)
            w->failures++;
        rf_params_free(&p);
        atomic_fetch_sub(w->holding, 1);
        rf_pool_release(w->pool, c);
    }
    return NULL;
}

START_TEST(test_threads_share_a_bounded_pool)
{
    pool_db("rt_pool_threads", "&connection_limit=2");
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open(url, 0, &pool));
    ck_assert_int_eq(rf_pool_size(pool), 2);
    atomic_int holding = 0, most = 0;
    worker w[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (worker){ pool, &holding, &most, 0 };
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    ck_assert_int_le(atomic_load(&most), 2);
    rf_client *c;
    RT_OK(c, rf_pool_acquire(pool, &c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM hits"), 150);
    /* never more than two server connections to this database */
    ck_assert_int_le(rt_scalar(c, "SELECT count(*) FROM pg_stat_activity"
                                  " WHERE datname = 'rt_pool_threads'"), 2);
    rf_pool_release(pool, c);
    rf_pool_close(pool);
}
END_TEST

START_TEST(test_exhausted_pool_times_out_with_p2024)
{
    pool_db("rt_pool_timeout", "&connection_limit=1&pool_timeout=1");
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open(url, 0, &pool));
    rf_client *held, *second = (rf_client *)&second;
    RT_OK(held, rf_pool_acquire(pool, &held));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(rf_pool_acquire(pool, &second), RF_CONNECTION);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_ptr_null(second);
    ck_assert_str_eq(rf_last_error(NULL)->prisma_code, "P2024");
    ck_assert_msg(strstr(rf_last_error(NULL)->message, "timed out"), "%s",
                  rf_last_error(NULL)->message);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(waited >= 0.9 && waited < 5, "waited %.2f s", waited);
    rf_pool_release(pool, held);
    rf_pool_release(pool, held); /* twice: ignored, not handed out twice */
    RT_OK(second, rf_pool_acquire(pool, &second));
    ck_assert_ptr_eq(second, held);
    rf_client *third;
    ck_assert_int_eq(rf_pool_acquire(pool, &third), RF_CONNECTION);
    rf_pool_release(pool, second);
    rf_pool_close(pool);
}
END_TEST

START_TEST(test_clients_come_back_clean)
{
    pool_db("rt_pool_clean", "&connection_limit=1");
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open(url, 0, &pool));
    rf_client *c;
    RT_OK(c, rf_pool_acquire(pool, &c));
    RT_OK(c, rf_begin(c, RF_SERIALIZABLE, false));
    rt_sql(c, "INSERT INTO hits VALUES (1)");
    rf_pool_release(pool, c); /* forgot to commit: rolled back */
    RT_OK(c, rf_pool_acquire(pool, &c));
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM hits"), 0);

    /* its backend dies while it sits in the pool: reset on the way out */
    int64_t pid = rt_scalar(c, "SELECT pg_backend_pid()");
    rf_pool_release(pool, c);
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&rt_pg, "rt_pool_killer", conninfo, sizeof conninfo), 0);
    rf_client *killer = rt_connect(conninfo);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
    rt_sql(killer, sql);
    for (int i = 0; i < 200 && rt_scalar(killer, "SELECT count(*) FROM pg_stat_activity"
                                                 " WHERE datname = 'rt_pool_clean'") > 0; i++) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    rf_close(killer);
    RT_OK(c, rf_pool_acquire(pool, &c));
    /* the pool cannot know before using it; the first statement finds out */
    rf_status st = rf_exec_sql(c, "SELECT 1");
    if (st == RF_CONNECTION) {
        rf_pool_release(pool, c);
        RT_OK(c, rf_pool_acquire(pool, &c));
    }
    ck_assert_int_eq(rt_scalar(c, "SELECT 41 + 1"), 42);
    rf_pool_release(pool, c);
    rf_pool_close(pool);
}
END_TEST

START_TEST(test_unreachable_database_through_the_pool)
{
    rf_pool *pool;
    RT_OK(NULL, rf_pool_open("host=/nonexistent/refract port=5999 dbname=x connection_limit=1",
                             0, &pool));
    rf_client *c;
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_CONNECTION);
    ck_assert_ptr_nonnull(c); /* the failed client carries the error */
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1001");
    rf_pool_release(pool, c);
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_CONNECTION); /* retried on the way out */
    rf_pool_release(pool, c);
    rf_pool_close(pool);
    ck_assert_int_eq(rf_pool_open("host=x connection_limit=zero", 0, &pool), RF_INVALID_ARGUMENT);
    ck_assert_ptr_null(pool);
    ck_assert_msg(strstr(rf_last_error(NULL)->message, "connection_limit"), "%s",
                  rf_last_error(NULL)->message);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    tcase_add_test(tc, test_threads_share_a_bounded_pool);
    tcase_add_test(tc, test_exhausted_pool_times_out_with_p2024);
    tcase_add_test(tc, test_clients_come_back_clean);
    tcase_add_test(tc, test_unreachable_database_through_the_pool);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
