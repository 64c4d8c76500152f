/*
 * test_replicas.c — past one server, against the real thing: a primary
 * with two streaming hot standbys (pg_basebackup -R) and a PgBouncer in
 * transaction pooling mode in front of it, all throwaway.
 *
 *   - reads go to the replicas round robin; writes, transactions and
 *     rf_client_read_primary go to the primary; a dead replica costs no
 *     error; errors on a replica read reach the caller's client;
 *   - the query log names the server of every statement, and shows
 *     parameter values only when asked;
 *   - every kind of generated operation, transactions and batches work
 *     through PgBouncer with pgbouncer=true (unnamed statements);
 *   - pool limits: a client past its lifetime reconnects before reuse.
 */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pg_harness.h"

#include "client/db.c"

static pgh_cluster primary, replica1, replica2;
static pgh_bouncer bouncer;
static bool have_bouncer;
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
    ck_assert_msg(pgh_start_with(&primary, PGH_REPLICATION) == 0, "%s", primary.error);
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
    /* one database with the schema, made before the standbys copy the primary */
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&primary, "app", conninfo, sizeof conninfo), 0);
    PGconn *c = PQconnectdb(conninfo);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult *r = PQexec(c, schema_sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    ck_assert_msg(pgh_start_replica(&primary, &replica1) == 0, "%s", replica1.error);
    ck_assert_msg(pgh_start_replica(&primary, &replica2) == 0, "%s", replica2.error);
    int rc = pgh_start_pgbouncer(&primary, &bouncer);
    have_bouncer = rc == 0;
    if (rc == -2)
        printf("PgBouncer cases skipped: %s\n", bouncer.error);
    else
        ck_assert_msg(rc == 0, "%s", bouncer.error);
}

static void stop(void)
{
    pgh_stop_pgbouncer(&bouncer);
    pgh_stop(&replica2);
    pgh_stop(&replica1);
    pgh_stop(&primary);
    free(schema_sql);
}

#define OK(call)                                                                                  \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == RF_OK, "%s: %s (%s)", #call, rf_status_name(st_),                    \
                      rf_last_error(c)->message);                                                 \
    } while (0)

/* ---- the query log, counting statements per server ------------------------------ */

typedef struct tally {
    int primary, replica1, replica2;
    char last_sql[256];
    char last_value[64];
    int64_t last_rows;
    rf_status last_status;
} tally;

static void count_query(const rf_query_event *e, void *user)
{
    tally *t = user;
    if (!strcmp(e->server, "primary"))
        t->primary++;
    else if (!strcmp(e->server, "replica 1"))
        t->replica1++;
    else if (!strcmp(e->server, "replica 2"))
        t->replica2++;
    snprintf(t->last_sql, sizeof t->last_sql, "%s", e->sql);
    snprintf(t->last_value, sizeof t->last_value, "%s",
             e->values && e->nparams && e->values[0] ? e->values[0] : "(none)");
    t->last_rows = e->rows;
    t->last_status = e->status;
    ck_assert(e->duration_ms >= 0);
}

static void url_of(const pgh_cluster *cl, char *out)
{
    ck_assert_int_eq(pgh_url(cl, "app", out, PGH_CONNINFO_MAX), 0);
}

static rf_client *replicated_client(tally *t)
{
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(url, &c), RF_OK);
    url_of(&replica1, url);
    OK(rf_client_add_replica(c, url));
    url_of(&replica2, url);
    OK(rf_client_add_replica(c, url));
    ck_assert_uint_eq(rf_client_replica_count(c), 2);
    rf_client_set_query_log(c, count_query, t, false);
    return c;
}

static rf_status create_user(rf_client *c, const char *email)
{
    rf_arena a = RF_ARENA_INIT;
    db_user u;
    rf_status st = db_user_create(c, &(db_user_create_input){.email = email}, &u, &a);
    rf_arena_free(&a);
    return st;
}

static rf_status count_in_tx(rf_client *c, void *ctx)
{
    return db_user_count(c, NULL, ctx);
}

START_TEST(reads_go_to_replicas_writes_to_the_primary)
{
    tally t = {0};
    rf_client *c = replicated_client(&t);
    OK(create_user(c, "r1@example.com"));
    ck_assert_int_eq(t.primary, 1);
    ck_assert_int_eq(t.replica1 + t.replica2, 0);
    ck_assert_int_eq(pgh_wait_replay(&primary, &replica1, 10000), 0);
    ck_assert_int_eq(pgh_wait_replay(&primary, &replica2, 10000), 0);

    /* reads: round robin over both replicas, and they see the write */
    rf_arena a = RF_ARENA_INIT;
    for (int i = 0; i < 6; i++) {
        int64_t n = -1;
        OK(db_user_count(c, &(db_user_where){.email = RF_EQ("r1@example.com")}, &n));
        ck_assert_int_eq(n, 1);
    }
    db_user_list list;
    OK(db_user_find_many(c, &(db_user_query){0}, &list, &a));
    db_user u;
    OK(db_user_find_unique_by_email(c, "r1@example.com", NULL, &u, &a));
    ck_assert_int_eq(t.replica1, 4);
    ck_assert_int_eq(t.replica2, 4);
    ck_assert_int_eq(t.primary, 1);

    /* a transaction runs on the primary, reads included */
    int64_t n = 0;
    OK(rf_transaction(c, RF_READ_COMMITTED, false, count_in_tx, &n, 0));
    ck_assert_int_eq(t.replica1 + t.replica2, 8);
    ck_assert_int_ge(t.primary, 2);

    /* read your writes: the primary on demand, nesting */
    int before = t.primary;
    rf_client_read_primary(c, true);
    rf_client_read_primary(c, true);
    OK(db_user_count(c, NULL, &n));
    rf_client_read_primary(c, false);
    OK(db_user_count(c, NULL, &n));
    rf_client_read_primary(c, false);
    ck_assert_int_eq(t.primary, before + 2);
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(t.replica1 + t.replica2, 9);

    /* writes never go to a standby, even when written as SELECT ... INTO or
     * locking reads */
    OK(rf_exec_sql(c, "SELECT 1")); /* rf_exec_sql: always the primary */
    ck_assert_int_eq(t.replica1 + t.replica2, 9);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(an_error_on_a_replica_is_the_callers)
{
    tally t = {0};
    rf_client *c = replicated_client(&t);
    rf_result r;
    rf_stmt bad = {"t.bad", "SELECT nope FROM \"User\"", 0, 0, NULL};
    ck_assert_int_eq(rf_exec(c, &bad, 0, NULL, NULL, NULL, &r), RF_ERROR);
    ck_assert_int_eq(t.replica1, 1);
    const rf_error *e = rf_last_error(c);
    ck_assert_str_eq(e->sqlstate, "42703");
    ck_assert_ptr_nonnull(strstr(e->message, "nope"));
    ck_assert_int_eq(t.last_status, RF_ERROR);
    /* and a good read after it clears it */
    int64_t n;
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(rf_last_error(c)->status, RF_OK);
    rf_close(c);
}
END_TEST

/* Values reach the log only when asked for. */
START_TEST(query_log_shows_values_only_when_asked)
{
    tally t = {0};
    rf_client *c = replicated_client(&t);
    int64_t n;
    OK(db_user_count(c, &(db_user_where){.email = RF_EQ("secret@example.com")}, &n));
    ck_assert_str_eq(t.last_value, "(none)");
    ck_assert_ptr_nonnull(strstr(t.last_sql, "SELECT"));
    ck_assert_int_eq(t.last_rows, 1); /* one row: the count */
    rf_client_set_query_log(c, count_query, &t, true);
    OK(db_user_count(c, &(db_user_where){.email = RF_EQ("secret@example.com")}, &n));
    ck_assert_str_eq(t.last_value, "secret@example.com");
    rf_client_set_query_log(c, NULL, NULL, false);
    int seen = t.replica1 + t.replica2 + t.primary;
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(t.replica1 + t.replica2 + t.primary, seen); /* off */
    rf_close(c);
}
END_TEST

/* A replica that dies: reads carry on elsewhere without an error. */
START_TEST(a_dead_replica_costs_no_error)
{
    tally t = {0};
    rf_client *c = replicated_client(&t);
    int64_t n;
    OK(db_user_count(c, NULL, &n)); /* connects replica 1 */
    OK(db_user_count(c, NULL, &n)); /* connects replica 2 */
    ck_assert_int_eq(pgh_crash(&replica1), 0);
    for (int i = 0; i < 6; i++)
        OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(t.replica2, 7); /* every read after the crash went to replica 2 */
    ck_assert_int_eq(pgh_restart(&replica1), 0);
    rf_close(c);
    /* an unreachable replica from the start: skipped as well */
    c = NULL;
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    ck_assert_int_eq(rf_connect(url, &c), RF_OK);
    OK(rf_client_add_replica(c, "postgresql://nobody@/app?host=/nonexistent&connect_timeout=1"));
    rf_client_set_query_log(c, count_query, &t, false);
    memset(&t, 0, sizeof t);
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(t.primary, 1);
    ck_assert_int_eq(rf_client_add_replica(c, "postgresql://host:notaport/app"), RF_INVALID_ARGUMENT);
    rf_close(c);
}
END_TEST

/* The pool hands its replicas and log to every client. */
START_TEST(pool_clients_read_from_replicas)
{
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    rf_pool *pool;
    ck_assert_int_eq(rf_pool_open(url, 2, &pool), RF_OK);
    url_of(&replica1, url);
    ck_assert_int_eq(rf_pool_add_replica(pool, url), RF_OK);
    tally t = {0};
    rf_pool_set_query_log(pool, count_query, &t, false);
    rf_client *c;
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_OK);
    int64_t n;
    OK(db_user_count(c, NULL, &n));
    ck_assert_int_eq(t.replica1, 1);
    rf_pool_release(pool, c);
    rf_pool_close(pool);
}
END_TEST

/* Limits: a client past its lifetime gets a new connection. */
START_TEST(pool_lifetime_reconnects)
{
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    rf_pool *pool;
    ck_assert_int_eq(rf_pool_open(url, 1, &pool), RF_OK);
    rf_client *c;
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_OK);
    int pid1 = PQbackendPID((PGconn *)rf_client_pgconn(c));
    rf_pool_release(pool, c);
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_OK);
    ck_assert_int_eq(PQbackendPID((PGconn *)rf_client_pgconn(c)), pid1); /* reused */
    rf_pool_release(pool, c);
    rf_pool_set_limits(pool, 1, 0);
    sleep(2);
    ck_assert_int_eq(rf_pool_acquire(pool, &c), RF_OK);
    ck_assert_int_ne(PQbackendPID((PGconn *)rf_client_pgconn(c)), pid1); /* reconnected */
    int64_t n;
    OK(db_user_count(c, NULL, &n));
    rf_pool_release(pool, c);
    rf_pool_close(pool);
}
END_TEST

/* ---- PgBouncer, transaction pooling ------------------------------------------------ */

static rf_client *bounced(void)
{
    char url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_pgbouncer_url(&bouncer, "app", url, sizeof url), 0);
    rf_client *c = NULL;
    ck_assert_msg(rf_connect(url, &c) == RF_OK, "%s", rf_last_error(c)->message);
    ck_assert(rf_client_pgbouncer(c));
    return c;
}

static rf_status create_two(rf_client *c, void *ctx)
{
    (void)ctx;
    rf_status st = create_user(c, "tx1@bouncer.example");
    return st == RF_OK ? create_user(c, "tx2@bouncer.example") : st;
}

START_TEST(every_operation_through_pgbouncer)
{
    if (!have_bouncer)
        return;
    /* more clients than PgBouncer has server connections (3): they share */
    enum { N = 6 };
    rf_client *cs[N];
    for (int i = 0; i < N; i++)
        cs[i] = bounced();
    rf_arena a = RF_ARENA_INIT;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++) {
            rf_client *c = cs[i];
            char email[64];
            snprintf(email, sizeof email, "b%d_%d@bouncer.example", round, i);
            db_user u;
            OK(db_user_create(c, &(db_user_create_input){.email = email, .age = {true, 20 + i}}, &u, &a));
            OK(db_user_update_by_id(c, u.id, &(db_user_update_input){.name = RF_SET("n")}, &u, &a));
            OK(db_user_find_unique_by_email(c, email, NULL, &u, &a));
            ck_assert_str_eq(u.name, "n");
            db_user_list list;
            OK(db_user_find_many(c, &(db_user_query){.where = &(db_user_where){.email = RF_ENDS_WITH("@bouncer.example")}},
                                 &list, &a));
            ck_assert_uint_ge(list.count, (size_t)(round * N + i + 1));
            int64_t n;
            OK(db_user_count(c, NULL, &n));
            ck_assert_int_eq(rf_client_prepared_count(c), 0); /* never a named statement */
        }
    rf_client *c = cs[0];
    /* an interactive transaction: all on one server connection, atomically */
    OK(rf_transaction(c, RF_READ_COMMITTED, false, create_two, NULL, 0));
    int64_t n;
    OK(db_user_count(c, &(db_user_where){.email = RF_STARTS_WITH("tx")}, &n));
    ck_assert_int_eq(n, 2);
    /* a failing transaction leaves nothing */
    ck_assert_int_eq(rf_transaction(c, RF_READ_COMMITTED, false, create_two, NULL, 0), RF_UNIQUE_VIOLATION);
    OK(db_user_count(c, &(db_user_where){.email = RF_STARTS_WITH("tx")}, &n));
    ck_assert_int_eq(n, 2);
    /* a batch (pipeline) */
    rf_batch *b = rf_batch_new(&a);
    int64_t c1 = -1, c2 = -1;
    OK(db_user_batch_count(b, NULL, &c1));
    OK(db_user_batch_count(b, &(db_user_where){.email = RF_STARTS_WITH("tx")}, &c2));
    OK(rf_batch_run(c, b, false));
    ck_assert_int_eq(c2, 2);
    ck_assert_int_ge(c1, 20);
    rf_batch_free(b);
    /* a stream (a cursor in its own transaction, on one server connection) */
    db_user_stream us;
    OK(db_user_find_many_stream(c, &(db_user_query){.where = &(db_user_where){.email = RF_ENDS_WITH("@bouncer.example")}},
                                NULL, &us));
    db_user su;
    bool got;
    int streamed = 0;
    while (db_user_stream_next(&us, &su, &a, &got) == RF_OK && got)
        streamed++;
    OK(db_user_stream_close(&us));
    ck_assert_int_eq(streamed, 3 * N + 2);
    /* deletes and their P2025 */
    OK(db_user_delete_by_email(c, "tx1@bouncer.example", NULL, &a));
    ck_assert_int_eq(db_user_delete_by_email(c, "tx1@bouncer.example", NULL, &a), RF_NOT_FOUND);
    for (int i = 0; i < N; i++)
        rf_close(cs[i]);
    rf_arena_free(&a);
}
END_TEST

/* ---- timeouts ---------------------------------------------------------------------- */

static rf_status sleep_sql(rf_client *c, const char *seconds)
{
    rf_stmt st = {NULL, "SELECT pg_sleep($1::float8)", 0, 0, NULL};
    const char *values[1] = {seconds};
    rf_result r;
    rf_status s = rf_exec(c, &st, 1, values, NULL, NULL, &r);
    rf_result_clear(&r);
    return s;
}

START_TEST(statement_timeout_cancels_and_survives_reconnect)
{
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(url, &c), RF_OK);
    OK(rf_client_set_statement_timeout(c, 100));
    ck_assert_int_eq(sleep_sql(c, "2"), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "57014");
    OK(rf_reset(c)); /* a new connection keeps the setting */
    ck_assert_int_eq(sleep_sql(c, "2"), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "57014");
    OK(rf_client_set_statement_timeout(c, 0));
    OK(sleep_sql(c, "0.2"));
    ck_assert_int_eq(rf_client_set_statement_timeout(c, -1), RF_INVALID_ARGUMENT);
    rf_close(c);
    if (have_bouncer) {
        c = bounced();
        ck_assert_int_eq(rf_client_set_statement_timeout(c, 100), RF_INVALID_ARGUMENT);
        ck_assert_ptr_nonnull(strstr(rf_last_error(c)->message, "PgBouncer"));
        rf_close(c);
    }
}
END_TEST

static rf_status slow_writer(rf_client *c, void *ctx)
{
    rf_status st = create_user(c, ctx);
    if (st != RF_OK)
        return st;
    struct timespec ts = {0, 300 * 1000 * 1000}; /* the program dawdles */
    nanosleep(&ts, NULL);
    return RF_OK;
}

static rf_status late_statement(rf_client *c, void *ctx)
{
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    return create_user(c, ctx);
}

static rf_status slow_statement(rf_client *c, void *ctx)
{
    (void)ctx;
    return sleep_sql(c, "3");
}

START_TEST(transaction_timeout_rolls_back)
{
    char url[PGH_CONNINFO_MAX];
    url_of(&primary, url);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(url, &c), RF_OK);
    rf_client_set_transaction_timeout(c, 200);
    int64_t n;
    /* finished late: rolled back, not committed */
    ck_assert_int_eq(rf_transaction(c, RF_READ_COMMITTED, false, slow_writer, "late1@t.example", 0), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2028");
    /* a statement after the deadline never reaches the server */
    ck_assert_int_eq(rf_transaction(c, RF_READ_COMMITTED, false, late_statement, "late2@t.example", 0), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2028");
    /* one long statement is cancelled by the server */
    ck_assert_int_eq(rf_transaction(c, RF_READ_COMMITTED, false, slow_statement, NULL, 0), RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "57014");
    ck_assert(!rf_in_transaction(c));
    OK(db_user_count(c, &(db_user_where){.email = RF_ENDS_WITH("@t.example")}, &n));
    ck_assert_int_eq(n, 0);
    /* within the budget all is as before; and the timeout stays per transaction */
    rf_client_set_transaction_timeout(c, 5000);
    OK(rf_transaction(c, RF_READ_COMMITTED, false, slow_writer, "ok@t.example", 0));
    OK(sleep_sql(c, "0.3")); /* outside a transaction: no limit */
    OK(db_user_count(c, &(db_user_where){.email = RF_ENDS_WITH("@t.example")}, &n));
    ck_assert_int_eq(n, 1);
    rf_close(c);
}
END_TEST

static Suite *replicas_suite(void)
{
    Suite *s = suite_create("replicas");
    TCase *tc = tcase_create("replicas");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reads_go_to_replicas_writes_to_the_primary);
    tcase_add_test(tc, an_error_on_a_replica_is_the_callers);
    tcase_add_test(tc, query_log_shows_values_only_when_asked);
    tcase_add_test(tc, a_dead_replica_costs_no_error);
    tcase_add_test(tc, pool_clients_read_from_replicas);
    tcase_add_test(tc, pool_lifetime_reconnects);
    tcase_add_test(tc, every_operation_through_pgbouncer);
    tcase_add_test(tc, statement_timeout_cancels_and_survives_reconnect);
    tcase_add_test(tc, transaction_timeout_rolls_back);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(replicas_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
