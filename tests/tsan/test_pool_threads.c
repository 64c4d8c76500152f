/*
 * test_pool_threads.c — the pool under ThreadSanitizer (`make check-tsan`):
 * 8 threads share a pool of 3 clients against a real PostgreSQL, while
 * another thread changes the pool's limits and query log. TSan fails the
 * run on any data race; the test checks that every statement ran and no
 * client was ever used by two threads at once.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_harness.h"
#include "refract.h"

enum { THREADS = 8, ROUNDS = 60, POOL = 3 };

static pgh_cluster pg;
static rf_pool *pool;
static atomic_int logged, in_use_clash;
static atomic_bool stop_fiddling;

typedef struct slot {
    rf_client *client;
    atomic_int users;
} slot;
static slot slots[THREADS * 2];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of a client, made on first sight. */
static slot *slot_of(rf_client *c)
{
    pthread_mutex_lock(&slots_lock);
    slot *s = NULL;
    for (size_t i = 0; i < sizeof slots / sizeof *slots && !s; i++)
        if (slots[i].client == c || !slots[i].client) {
            slots[i].client = c;
            s = &slots[i];
        }
    pthread_mutex_unlock(&slots_lock);
    return s;
}

static void count_query(const rf_query_event *e, void *user)
{
    (void)e;
    (void)user;
    atomic_fetch_add(&logged, 1);
}

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    int ok = 0;
    for (int i = 0; i < ROUNDS; i++) {
        rf_client *c;
        if (rf_pool_acquire(pool, &c) != RF_OK) {
            rf_pool_release(pool, c);
            continue;
        }
        slot *s = slot_of(c);
        if (atomic_fetch_add(&s->users, 1) != 0)
            atomic_fetch_add(&in_use_clash, 1);
        char value[32];
        snprintf(value, sizeof value, "%ld", (long)(id * 1000 + i));
        const char *values[1] = {value};
        rf_stmt st = {"t.echo", "SELECT $1::int + 1", 0, 0, NULL};
        rf_result r;
        if (rf_exec(c, &st, 1, values, NULL, NULL, &r) == RF_OK && r.rows == 1)
            ok++;
        rf_result_clear(&r);
        atomic_fetch_sub(&s->users, 1);
        rf_pool_release(pool, c);
    }
    return (void *)(intptr_t)ok;
}

static void *fiddler(void *arg)
{
    (void)arg;
    for (int i = 0; !atomic_load(&stop_fiddling); i++) {
        rf_pool_set_limits(pool, i % 2 ? 3600 : 0, 0);
        rf_pool_set_query_log(pool, count_query, NULL, i % 3 == 0);
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

START_TEST(eight_threads_share_a_pool)
{
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&pg, NULL, conninfo, sizeof conninfo), 0);
    ck_assert_int_eq(rf_pool_open(conninfo, POOL, &pool), RF_OK);
    rf_pool_set_query_log(pool, count_query, NULL, false);
    pthread_t t[THREADS], f;
    ck_assert_int_eq(pthread_create(&f, NULL, fiddler, NULL), 0);
    for (intptr_t i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, (void *)i), 0);
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (int)(intptr_t)r;
    }
    atomic_store(&stop_fiddling, true);
    pthread_join(f, NULL);
    ck_assert_int_eq(ok, THREADS * ROUNDS);
    ck_assert_int_eq(atomic_load(&in_use_clash), 0);
    ck_assert_int_ge(atomic_load(&logged), 1);
    rf_pool_close(pool);
}
END_TEST

static void up(void) { ck_assert_int_eq(pgh_start(&pg), 0); }
static void down(void) { pgh_stop(&pg); }

int main(void)
{
    Suite *s = suite_create("pool_threads");
    TCase *tc = tcase_create("threads");
    tcase_add_unchecked_fixture(tc, up, down);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, eight_threads_share_a_pool);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
