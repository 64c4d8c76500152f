/*
 * test_runtime_tx.c — transactions against a real server: isolation levels
 * and read-only mode take effect, a failed statement dooms the commit,
 * serialization failures and deadlocks between two connections come back as
 * RF_SERIALIZATION_FAILURE, and rf_transaction reruns the work until it
 * succeeds or its retries run out.
 */
#include <libpq-fe.h>
#include <string.h>

#include "rt_fixture.h"

static const char *show_isolation(rf_client *c, rf_arena *a)
{
    rf_stmt show = { .sql = "SHOW transaction_isolation" };
    rf_result r;
    RT_OK(c, rf_exec(c, &show, 0, NULL, NULL, NULL, &r));
    const char *s;
    RT_OK(c, rf_get_text(&r, 0, 0, a, &s, NULL));
    rf_result_clear(&r);
    return s;
}

START_TEST(test_begin_commit_rollback)
{
    rf_client *c = rt_fresh(NULL, 0);
    rf_arena a = RF_ARENA_INIT;
    rt_sql(c, "CREATE TABLE t (v int)");

    RT_OK(c, rf_begin(c, RF_SERIALIZABLE, false));
    ck_assert(rf_in_transaction(c));
    ck_assert_str_eq(show_isolation(c, &a), "serializable");
    ck_assert_int_eq(rf_begin(c, RF_READ_COMMITTED, false), RF_INVALID_ARGUMENT); /* no nesting */
    rt_sql(c, "INSERT INTO t VALUES (1)");
    RT_OK(c, rf_commit(c));
    ck_assert(!rf_in_transaction(c));

    RT_OK(c, rf_begin(c, RF_REPEATABLE_READ, false));
    ck_assert_str_eq(show_isolation(c, &a), "repeatable read");
    rt_sql(c, "INSERT INTO t VALUES (2)");
    RT_OK(c, rf_rollback(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 1);
    RT_OK(c, rf_rollback(c)); /* harmless without a transaction */
    ck_assert_int_eq(rf_commit(c), RF_INVALID_ARGUMENT);

    RT_OK(c, rf_begin(c, RF_READ_COMMITTED, true));
    ck_assert_str_eq(show_isolation(c, &a), "read committed");
    ck_assert_int_eq(rf_exec_sql(c, "INSERT INTO t VALUES (3)"), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "25006"); /* read-only transaction */
    RT_OK(c, rf_rollback(c));
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "25006"); /* rollback kept the reason */

    /* a failed statement turns COMMIT into a rollback, and the caller hears it */
    RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
    rt_sql(c, "INSERT INTO t VALUES (4)");
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1/0"), RF_ERROR);
    ck_assert_int_eq(rf_commit(c), RF_ERROR);
    ck_assert_msg(strstr(rf_last_error(c)->message, "rolled back"), "%s",
                  rf_last_error(c)->message);
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 1);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Two serializable transactions that each read what the other writes: the
 * second to commit must fail with 40001. */
START_TEST(test_serialization_failure_between_two_connections)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c1 = rt_fresh(conninfo, sizeof conninfo);
    rf_client *c2 = rt_connect(conninfo);
    rt_sql(c1, "CREATE TABLE t (k int, v int)");

    RT_OK(c1, rf_begin(c1, RF_SERIALIZABLE, false));
    RT_OK(c2, rf_begin(c2, RF_SERIALIZABLE, false));
    ck_assert_int_eq(rt_scalar(c1, "SELECT count(*) FROM t WHERE k = 2"), 0);
    ck_assert_int_eq(rt_scalar(c2, "SELECT count(*) FROM t WHERE k = 1"), 0);
    rt_sql(c1, "INSERT INTO t VALUES (1, 1)");
    rt_sql(c2, "INSERT INTO t VALUES (2, 2)");
    RT_OK(c1, rf_commit(c1));
    rf_status st = rf_commit(c2);
    ck_assert_int_eq(st, RF_SERIALIZATION_FAILURE);
    const rf_error *e = rf_last_error(c2);
    ck_assert_str_eq(e->sqlstate, "40001");
    ck_assert_str_eq(e->prisma_code, "P2034");
    ck_assert(!rf_in_transaction(c2));
    rf_close(c1);
    rf_close(c2);
}
END_TEST

/* Two transactions locking rows in opposite order. c1 waits first (sent
 * asynchronously); c2 then waits on c1, and c2's short deadlock_timeout
 * makes it the one the server aborts with 40P01. */
START_TEST(test_deadlock_is_a_serialization_failure)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c1 = rt_fresh(conninfo, sizeof conninfo);
    rf_client *c2 = rt_connect(conninfo);
    rt_sql(c1, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
    rt_sql(c1, "SET deadlock_timeout = '10s'");
    rt_sql(c2, "SET deadlock_timeout = '50ms'");
    RT_OK(c1, rf_begin(c1, RF_READ_COMMITTED, false));
    RT_OK(c2, rf_begin(c2, RF_READ_COMMITTED, false));
    rt_sql(c1, "UPDATE t SET v = 1 WHERE k = 1");
    rt_sql(c2, "UPDATE t SET v = 2 WHERE k = 2");
    PGconn *raw1 = rf_client_pgconn(c1);
    ck_assert_int_eq(PQsendQuery(raw1, "UPDATE t SET v = 1 WHERE k = 2"), 1); /* blocks on c2 */
    rf_status st = rf_exec_sql(c2, "UPDATE t SET v = 2 WHERE k = 1");       /* deadlock */
    ck_assert_int_eq(st, RF_SERIALIZATION_FAILURE);
    ck_assert_str_eq(rf_last_error(c2)->sqlstate, "40P01");
    ck_assert_str_eq(rf_last_error(c2)->prisma_code, "P2034");
    RT_OK(c2, rf_rollback(c2));
    /* c1's update goes through once c2 is gone */
    PGresult *res;
    while ((res = PQgetResult(raw1)) != NULL) {
        ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
        PQclear(res);
    }
    RT_OK(c1, rf_commit(c1));
    rf_close(c1);
    rf_close(c2);
}
END_TEST

/* rf_transaction's work: read a counter and write it back plus one. The
 * first attempt is sabotaged: a rival connection commits a conflicting
 * change between our read and our commit. */
typedef struct bump_ctx {
    rf_client *rival;
    int attempts;
    int sabotage;  /* attempts to sabotage */
    rf_status fail_with; /* RF_OK, or a status the work returns on its own */
} bump_ctx;

static rf_status bump(rf_client *c, void *ctx_)
{
    bump_ctx *ctx = ctx_;
    ctx->attempts++;
    rf_stmt read = { .id = "read", .sql = "SELECT v FROM counter WHERE k = 1",
                     .result_format = RF_FORMAT_BINARY };
    rf_result r;
    rf_status st = rf_exec(c, &read, 0, NULL, NULL, NULL, &r);
    if (st != RF_OK)
        return st;
    int32_t v;
    st = rf_get_i32(&r, 0, 0, &v);
    rf_result_clear(&r);
    if (st != RF_OK)
        return st;
    if (ctx->attempts <= ctx->sabotage) {
        /* the rival changes the row we read, and commits first */
        rf_status rs = rf_exec_sql(ctx->rival, "UPDATE counter SET v = v + 100 WHERE k = 1");
        ck_assert_int_eq(rs, RF_OK);
    }
    if (ctx->fail_with != RF_OK)
        return rf_exec_sql(c, "INSERT INTO counter VALUES (1, 0)"); /* duplicate key */
    rf_stmt write = { .id = "write", .sql = "UPDATE counter SET v = $1 WHERE k = 1" };
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, v + 1);
    st = rf_exec_params(c, &write, &p, NULL);
    rf_params_free(&p);
    return st;
}

START_TEST(test_transaction_helper_retries_serialization_failures)
{
    char conninfo[PGH_CONNINFO_MAX];
    rf_client *c = rt_fresh(conninfo, sizeof conninfo);
    rf_client *rival = rt_connect(conninfo);
    rt_sql(c, "CREATE TABLE counter (k int PRIMARY KEY, v int); INSERT INTO counter VALUES (1, 0)");

    /* sabotaged once, retried, then succeeds on a fresh snapshot */
    bump_ctx ctx = { rival, 0, 1, RF_OK };
    RT_OK(c, rf_transaction(c, RF_SERIALIZABLE, false, bump, &ctx, 3));
    ck_assert_int_eq(ctx.attempts, 2);
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM counter"), 101); /* 100 from the rival, +1 */
    ck_assert(!rf_in_transaction(c));

    /* more conflicts than retries: the failure comes back */
    ctx = (bump_ctx){ rival, 0, 5, RF_OK };
    ck_assert_int_eq(rf_transaction(c, RF_SERIALIZABLE, false, bump, &ctx, 2),
                     RF_SERIALIZATION_FAILURE);
    ck_assert_int_eq(ctx.attempts, 3);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2034");
    ck_assert(!rf_in_transaction(c));

    /* other failures are not retried, are rolled back, and keep their details */
    int64_t before = rt_scalar(c, "SELECT v FROM counter");
    ctx = (bump_ctx){ rival, 0, 0, RF_UNIQUE_VIOLATION };
    ck_assert_int_eq(rf_transaction(c, RF_REPEATABLE_READ, false, bump, &ctx, 5),
                     RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(ctx.attempts, 1);
    ck_assert_str_eq(rf_last_error(c)->constraint, "counter_pkey");
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM counter"), before);

    /* nested in an open transaction: a savepoint, run once, the outer
     * transaction deciding what is kept */
    before = rt_scalar(c, "SELECT v FROM counter");
    RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
    ctx = (bump_ctx){ rival, 0, 0, RF_OK };
    RT_OK(c, rf_transaction(c, RF_SERIALIZABLE, false, bump, &ctx, 1));
    ck_assert_int_eq(ctx.attempts, 1);
    ck_assert(rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM counter"), before + 1);
    RT_OK(c, rf_rollback(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT v FROM counter"), before);
    rf_close(c);
    rf_close(rival);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_tx");
    TCase *tc = tcase_create("tx");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    tcase_add_test(tc, test_begin_commit_rollback);
    tcase_add_test(tc, test_serialization_failure_between_two_connections);
    tcase_add_test(tc, test_deadlock_is_a_serialization_failure);
    tcase_add_test(tc, test_transaction_helper_retries_serialization_failures);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
