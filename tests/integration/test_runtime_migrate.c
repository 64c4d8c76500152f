/*
 * test_runtime_migrate.c — rf_migrate_deploy, `migrate deploy` from the
 * program: it applies what is pending and then nothing, leaves the same
 * history as the command (also after a failure, which the report locates),
 * serializes with other deployers on Prisma's lock, and gives the client's
 * session back as it was.
 */
#include <pthread.h>

#include "migrate_support.h"
#include "refract_migrate.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

static const char *M1 = "20240101000000_init";
static const char *M1_SQL = "-- CreateTable\n"
                            "CREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n"
                            "    \"email\" TEXT NOT NULL,\n\n"
                            "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n";
static const char *M2 = "20240102000000_email_concurrent_index";
static const char *M2_SQL = "SET lock_timeout = '1s';\n\n-- CreateIndex\n"
                            "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON "
                            "\"User\"(\"email\");\n";
static const char *M3 = "20240103000000_bad";
static const char *M3_SQL = "CREATE TABLE \"Post\" (\"id\" INTEGER);\n"
                            "INSERT INTO \"Post\" VALUES (1);\n"
                            "INSERT INTO \"Post\" VALUES (10 / (SELECT count(*) FROM \"User\"));\n";

static char *migrations_dir(const project_dir *p)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s/prisma/migrations", p->root);
    return buf_steal(&b);
}

static rf_client *connect_to(const project_dir *p)
{
    rf_client *c = NULL;
    rf_status st = rf_connect(p->url, &c);
    ck_assert_msg(st == RF_OK, "rf_connect: %s", rf_last_error(c)->message);
    return c;
}

/* What of the history a user relies on, row by row, in order. */
static char *history_of(const project_dir *p)
{
    PGresult *r = PQexec(p->db, "SELECT migration_name, checksum, finished_at IS NOT NULL, "
                                "rolled_back_at IS NOT NULL, applied_steps_count, "
                                "coalesce(logs, '<null>') FROM _prisma_migrations "
                                "ORDER BY started_at, migration_name");
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    buf b = BUF_INIT;
    for (int i = 0; i < PQntuples(r); i++)
        for (int j = 0; j < PQnfields(r); j++)
            buf_printf(&b, "%s%s", PQgetvalue(r, i, j), j + 1 < PQnfields(r) ? " | " : "\n");
    PQclear(r);
    buf_cstr(&b);
    return buf_steal(&b);
}

START_TEST(deploys_then_does_nothing_with_the_commands_history)
{
    project_dir p, q;
    proj_open(&p, &pg, NULL);
    proj_open(&q, &pg, NULL);
    const project_dir *both[] = {&p, &q};
    for (int k = 0; k < 2; k++) {
        proj_migration(both[k], M1, M1_SQL);
        proj_migration(both[k], M2, M2_SQL);
    }
    char *dir = migrations_dir(&p);
    rf_client *c = connect_to(&p);
    char *before_timeout = NULL;
    {
        PGresult *r = PQexec(rf_client_pgconn(c), "SHOW lock_timeout");
        before_timeout = strdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    rf_migrate_report rep;
    rf_status st = rf_migrate_deploy(c, dir, &rep);
    ck_assert_msg(st == RF_OK, "%s", rep.message ? rep.message : rf_last_error(c)->message);
    ck_assert_uint_eq(rep.applied_count, 2);
    ck_assert_str_eq(rep.applied[0], M1);
    ck_assert_str_eq(rep.applied[1], M2);
    ck_assert_ptr_null(rep.message);
    ck_assert_ptr_null(rep.warnings);
    rf_migrate_report_free(&rep);
    /* The index was built concurrently, and valid. */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = "
                                 "i.indexrelid WHERE c.relname = 'User_email_idx' AND "
                                 "i.indisvalid"),
                     1);
    /* The client's session is as before: the migration's lock_timeout
     * does not stay, and the client still works. */
    {
        PGresult *r = PQexec(rf_client_pgconn(c), "SHOW lock_timeout");
        ck_assert_str_eq(PQgetvalue(r, 0, 0), before_timeout);
        PQclear(r);
    }
    ck_assert_int_eq(rf_exec_sql(c, "INSERT INTO \"User\" (\"email\") VALUES ('a@b.c')"), RF_OK);

    /* Again: nothing pending, nothing applied, no new row. */
    st = rf_migrate_deploy(c, dir, &rep);
    ck_assert_int_eq(st, RF_OK);
    ck_assert_uint_eq(rep.applied_count, 0);
    rf_migrate_report_free(&rep);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 2);

    /* The command on the same folder, on another database: the same rows. */
    char *out;
    ck_assert_int_eq(proj_run(&q, &out, "migrate", "deploy", NULL), 0);
    free(out);
    char *lib = history_of(&p), *cli = history_of(&q);
    ck_assert_str_eq(lib, cli);
    /* And the command finds the program's database up to date. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "up to date");
    free(out);
    free(lib);
    free(cli);
    free(before_timeout);
    free(dir);
    rf_close(c);
    proj_close(&q);
    proj_close(&p);
}
END_TEST

START_TEST(a_failing_migration_is_named_located_and_recorded_as_the_command_does)
{
    project_dir p, q;
    proj_open(&p, &pg, NULL);
    proj_open(&q, &pg, NULL);
    const project_dir *both[] = {&p, &q};
    for (int k = 0; k < 2; k++) {
        proj_migration(both[k], M1, M1_SQL);
        proj_migration(both[k], M3, M3_SQL); /* divides by the number of users: 0 */
    }
    char *dir = migrations_dir(&p);
    rf_client *c = connect_to(&p);
    rf_migrate_report rep;
    rf_status st = rf_migrate_deploy(c, dir, &rep);
    ck_assert_int_eq(st, RF_ERROR);
    ck_assert_uint_eq(rep.applied_count, 1); /* init went in before */
    ck_assert_str_eq(rep.applied[0], M1);
    ck_assert_ptr_nonnull(rep.failed_migration);
    ck_assert_str_eq(rep.failed_migration, M3);
    ck_assert_str_eq(rep.sqlstate, "22012");
    /* Line 3 of its migration.sql; the statement starts at column 1. */
    ck_assert_uint_eq(rep.failed_line, 3);
    ck_assert_uint_eq(rep.failed_column, 1);
    ck_assert_contains(rep.message, "P3018: migration `20240103000000_bad` failed to apply");
    ck_assert_contains(rep.message, "division by zero");
    const rf_error *e = rf_last_error(c);
    ck_assert_str_eq(e->prisma_code, "P3018");
    ck_assert_str_eq(e->sqlstate, "22012");
    ck_assert_contains(e->message, "20240103000000_bad");
    rf_migrate_report_free(&rep);
    /* Rolled back whole: no Post table; one failed row. */
    ck_assert(!db_has_table(&p, "Post"));

    /* The command leaves the same history. */
    char *out;
    ck_assert_int_eq(proj_run(&q, &out, "migrate", "deploy", NULL), 1);
    free(out);
    char *lib = history_of(&p), *cli = history_of(&q);
    ck_assert_str_eq(lib, cli);
    ck_assert_contains(lib, "20240103000000_bad | ");
    free(lib);
    free(cli);

    /* The next call refuses while it is unresolved, naming no migration of
     * its own (P3009), and the client stays usable. */
    st = rf_migrate_deploy(c, dir, &rep);
    ck_assert_int_eq(st, RF_ERROR);
    ck_assert_ptr_null(rep.failed_migration);
    ck_assert_contains(rep.message, "P3009");
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P3009");
    rf_migrate_report_free(&rep);
    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1"), RF_OK);

    /* Resolved and fixed, it goes in. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back", M3, NULL), 0);
    free(out);
    ck_assert_int_eq(rf_exec_sql(c, "INSERT INTO \"User\" (\"email\") VALUES ('x')"), RF_OK);
    st = rf_migrate_deploy(c, dir, &rep);
    ck_assert_msg(st == RF_OK, "%s", rep.message);
    ck_assert_uint_eq(rep.applied_count, 1);
    rf_migrate_report_free(&rep);
    ck_assert_int_eq(db_long(&p, "SELECT sum(\"id\") FROM \"Post\""), 11);

    /* Misuse: inside a transaction, NULL arguments, a missing folder. */
    ck_assert_int_eq(rf_exec_sql(c, "BEGIN"), RF_OK);
    ck_assert_int_eq(rf_migrate_deploy(c, dir, &rep), RF_INVALID_ARGUMENT);
    ck_assert_contains(rf_last_error(c)->message, "outside a transaction");
    rf_migrate_report_free(&rep);
    ck_assert_int_eq(rf_exec_sql(c, "ROLLBACK"), RF_OK);
    ck_assert_int_eq(rf_migrate_deploy(c, NULL, &rep), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_migrate_deploy(c, dir, NULL), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_migrate_deploy(NULL, dir, &rep), RF_INVALID_ARGUMENT);
    rf_migrate_report_free(&rep);
    free(dir);
    rf_close(c);
    proj_close(&q);
    proj_close(&p);
}
END_TEST

typedef struct deployer {
    const project_dir *p;
    const char *dir;
    rf_status status;
    size_t applied;
    char message[256];
} deployer;

static void *deploy_in_thread(void *arg)
{
    deployer *d = arg;
    rf_client *c = NULL;
    if (rf_connect(d->p->url, &c) != RF_OK) {
        d->status = RF_CONNECTION;
        return NULL;
    }
    rf_migrate_report rep;
    d->status = rf_migrate_deploy(c, d->dir, &rep);
    d->applied = rep.applied_count;
    snprintf(d->message, sizeof d->message, "%s", rep.message ? rep.message : "");
    rf_migrate_report_free(&rep);
    rf_close(c);
    return NULL;
}

/* Several instances of a daemon start together: each migration is
 * applied once, by one of them; and a deployer holding Prisma's lock (the
 * command, or Prisma itself) makes them wait. */
START_TEST(concurrent_callers_serialize_on_the_migration_lock)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    proj_migration(&p, "20240102000000_slow",
                   "SELECT pg_sleep(0.3);\nINSERT INTO \"User\" (\"email\") VALUES ('once');\n");
    proj_migration(&p, "20240103000000_slow2",
                   "SELECT pg_sleep(0.3);\nINSERT INTO \"User\" (\"email\") VALUES ('twice?');\n");
    char *dir = migrations_dir(&p);

    /* Another deployer holds the lock first. */
    db_exec(&p, "SELECT pg_advisory_lock(72707369)");
    enum { N = 4 };
    deployer d[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        d[i] = (deployer){.p = &p, .dir = dir};
        ck_assert_int_eq(pthread_create(&t[i], NULL, deploy_in_thread, &d[i]), 0);
    }
    struct timespec wait = {0, 500 * 1000 * 1000};
    nanosleep(&wait, NULL);
    /* Nobody went past the lock. */
    ck_assert(!db_has_table(&p, "User"));
    db_exec(&p, "SELECT pg_advisory_unlock(72707369)");
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(d[i].status == RF_OK, "deployer %d: %s", i, d[i].message);
        total += d[i].applied;
    }
    ck_assert_uint_eq(total, 3);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 3);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 2);
    free(dir);
    proj_close(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_migrate");
    TCase *tc = tcase_create("deploy");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, deploys_then_does_nothing_with_the_commands_history);
    tcase_add_test(tc, a_failing_migration_is_named_located_and_recorded_as_the_command_does);
    tcase_add_test(tc, concurrent_callers_serialize_on_the_migration_lock);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
