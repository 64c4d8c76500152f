/*
 * test_migrate_safe_load.c — issue 14's measure: `migrate dev --safe` keeps
 * a table in use writable while the change lands.
 *
 * One change on a big "Item" table: an index on it, a foreign key from it,
 * and a column made required. Each form (Prisma's plain one, then refract's
 * safe one) is written with `migrate dev --create-only` and applied with
 * `migrate deploy` while a second connection inserts and updates Item rows
 * in a loop, timing every statement. The safe form must never make a write
 * wait as long as its lock_timeout; the longest stall of each form is
 * printed. `make check` uses 20,000 rows; `make check-full`
 * (REFRACT_CHECK_FULL=1) 1,000,000, where the plain form's stall is the
 * time to build the index, check the key and scan for NULLs.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "check_full.h"
#include "migrate_support.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

#define OWNERS 100
#define LOCK_TIMEOUT_MS 2000
#define LOCK_TIMEOUT "2s"

static const char *OLD_SCHEMA = TEST_SCHEMA
    "model Owner {\n  id Int @id @default(autoincrement())\n}\n\n"
    "model Item {\n  id      Int     @id @default(autoincrement())\n  ownerId Int\n"
    "  label   String?\n  n       Int     @default(0)\n}\n";
static const char *NEW_SCHEMA = TEST_SCHEMA
    "model Owner {\n  id    Int    @id @default(autoincrement())\n  items Item[]\n}\n\n"
    "model Item {\n  id      Int    @id @default(autoincrement())\n  ownerId Int\n"
    "  owner   Owner  @relation(fields: [ownerId], references: [id])\n"
    "  label   String\n  n       Int    @default(0)\n\n  @@index([label])\n}\n";

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef struct writer {
    const char *conninfo;
    long rows;
    atomic_bool stop;
    double longest_ms; /* the slowest statement */
    long writes, failures;
    char error[256];
} writer;

/* Insert and update Item rows, one autocommitted statement at a time (a
 * web app's writes), until told to stop; every value a parameter. */
static void *write_loop(void *arg)
{
    writer *w = arg;
    PGconn *c = PQconnectdb(w->conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(w->error, sizeof w->error, "%s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    unsigned seed = 7;
    while (!atomic_load(&w->stop)) {
        char owner[16], id[24];
        snprintf(owner, sizeof owner, "%d", 1 + (int)(rand_r(&seed) % OWNERS));
        snprintf(id, sizeof id, "%ld", 1 + (long)(rand_r(&seed) % w->rows));
        const char *ins[] = {owner};
        const char *upd[] = {id};
        bool insert = w->writes % 2 == 0;
        double t0 = now_ms();
        PGresult *r = insert ? PQexecParams(c,
                                            "INSERT INTO \"Item\" (\"ownerId\", \"label\") "
                                            "VALUES ($1::int, 'written during the migration')",
                                            1, NULL, ins, NULL, NULL, 0)
                             : PQexecParams(c,
                                            "UPDATE \"Item\" SET \"n\" = \"n\" + 1 WHERE \"id\" = "
                                            "$1::int",
                                            1, NULL, upd, NULL, NULL, 0);
        double took = now_ms() - t0;
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            if (!w->failures++)
                snprintf(w->error, sizeof w->error, "%s", PQresultErrorMessage(r));
        }
        PQclear(r);
        if (took > w->longest_ms)
            w->longest_ms = took;
        w->writes++;
    }
    PQfinish(c);
    return NULL;
}

typedef struct run {
    double longest_ms, deploy_ms;
    long writes;
} run;

/* One form of the change on a fresh database of `rows` Item rows. */
static run migrate_under_load(long rows, bool safe)
{
    project_dir p;
    proj_open(&p, &pg, OLD_SCHEMA);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", NULL), 0);
    free(out);
    char fill[512];
    snprintf(fill, sizeof fill,
             "INSERT INTO \"Owner\" SELECT FROM generate_series(1, %d);"
             "INSERT INTO \"Item\" (\"ownerId\", \"label\") SELECT 1 + i %% %d, 'item ' || i "
             "FROM generate_series(1, %ld) i",
             OWNERS, OWNERS, rows);
    db_exec(&p, fill);
    db_exec(&p, "VACUUM ANALYZE \"Item\"");
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"Item\""), rows);
    proj_write(&p, "prisma/schema.prisma", NEW_SCHEMA);
    int rc = safe ? proj_run(&p, &out, "migrate", "dev", "--name", "change", "--create-only",
                             "--safe", "--lock-timeout", LOCK_TIMEOUT, NULL)
                  : proj_run(&p, &out, "migrate", "dev", "--name", "change", "--create-only",
                             NULL);
    ck_assert_msg(rc == 0, "%s", out);
    free(out);

    writer w = {.conninfo = p.conninfo, .rows = rows};
    atomic_init(&w.stop, false);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, write_loop, &w), 0);
    struct timespec warm = {0, 200 * 1000 * 1000};
    nanosleep(&warm, NULL);
    double t0 = now_ms();
    rc = proj_run(&p, &out, "migrate", "deploy", NULL);
    double deploy_ms = now_ms() - t0;
    nanosleep(&warm, NULL);
    atomic_store(&w.stop, true);
    pthread_join(t, NULL);
    ck_assert_msg(rc == 0, "%s deploy failed:\n%s", safe ? "safe" : "plain", out);
    free(out);
    ck_assert_msg(!w.error[0], "the writer failed (%ld of %ld): %s", w.failures, w.writes,
                  w.error);
    ck_assert_int_gt(w.writes, 10);
    /* The change landed whole: a valid index, a validated key, NOT NULL,
     * and no helper constraint left. */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), 0);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"), 0);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_constraint WHERE conname LIKE "
                                 "'%notnull_check'"),
                     0);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                                 "'\"Item\"'::regclass AND attname = 'label' AND attnotnull"),
                     1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_indexes WHERE indexname = "
                                 "'Item_label_idx'"),
                     1);
    proj_close(&p);
    return (run){.longest_ms = w.longest_ms, .deploy_ms = deploy_ms, .writes = w.writes};
}

START_TEST(safe_form_never_blocks_a_writer_for_lock_timeout)
{
    long rows = check_full() ? 1000000 : 20000;
    run plain = migrate_under_load(rows, false);
    run safe = migrate_under_load(rows, true);
    fprintf(stderr,
            "safe migration under a concurrent writer, %ld rows: the writer's longest stall "
            "%.1f ms with the plain form (deploy %.0f ms, %ld writes), %.1f ms with the safe "
            "form (deploy %.0f ms, %ld writes); lock_timeout %s\n",
            rows, plain.longest_ms, plain.deploy_ms, plain.writes, safe.longest_ms,
            safe.deploy_ms, safe.writes, LOCK_TIMEOUT);
    ck_assert_msg(safe.longest_ms < LOCK_TIMEOUT_MS,
                  "a write waited %.1f ms under the safe form (lock_timeout %s)", safe.longest_ms,
                  LOCK_TIMEOUT);
    /* On a million rows the plain form blocks writes for the whole index
     * build and both scans: that is what the safe form avoids. */
    if (check_full())
        ck_assert_msg(plain.longest_ms > safe.longest_ms,
                      "plain %.1f ms, safe %.1f ms", plain.longest_ms, safe.longest_ms);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_safe_load");
    TCase *tc = tcase_create("load");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, safe_form_never_blocks_a_writer_for_lock_timeout);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
