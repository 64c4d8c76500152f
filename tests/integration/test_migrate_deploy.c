/*
 * test_migrate_deploy.c — `refract migrate deploy | status | resolve |
 * reset` against a real PostgreSQL: Prisma's history table, one transaction
 * per migration, failures that leave no trace but a failed row, concurrent
 * deployers, edited migrations.
 */
#include "migrate_support.h"
#include "migsql_catalog.h"

#include "util/sha256.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

static const char *M1 = "20240101000000_init";
static const char *M1_SQL = "-- CreateTable\n"
                            "CREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n"
                            "    \"email\" TEXT NOT NULL,\n\n"
                            "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n";
static const char *M2 = "20240102000000_posts";
static const char *M2_SQL = "-- CreateTable\n"
                            "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"userId\" INTEGER "
                            "REFERENCES \"User\"(\"id\"));\n";

START_TEST(deploy_applies_in_order_and_records_prisma_rows)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M2, M2_SQL); /* written first: order must come from the names */
    proj_migration(&p, M1, M1_SQL);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "2 migrations found in prisma/migrations");
    ck_assert_contains(out, "Applying migration `20240101000000_init`\n"
                            "Applying migration `20240102000000_posts`");
    ck_assert_contains(out, "All migrations have been successfully applied.");
    free(out);
    ck_assert(db_has_table(&p, "User") && db_has_table(&p, "Post"));

    /* Prisma's table, column by column. */
    char *cols = db_value(&p, "SELECT string_agg(column_name || ' ' || data_type || ' ' || "
                              "coalesce(character_maximum_length::text, '-') || ' ' || "
                              "is_nullable || ' ' || coalesce(column_default, '-'), ', ' ORDER BY "
                              "ordinal_position) FROM information_schema.columns "
                              "WHERE table_name = '_prisma_migrations'");
    ck_assert_str_eq(cols, "id character varying 36 NO -, checksum character varying 64 NO -, "
                           "finished_at timestamp with time zone - YES -, "
                           "migration_name character varying 255 NO -, logs text - YES -, "
                           "rolled_back_at timestamp with time zone - YES -, "
                           "started_at timestamp with time zone - NO now(), "
                           "applied_steps_count integer - NO 0");
    free(cols);
    char *pk = db_value(&p, "SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a"
                            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                            " WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary");
    ck_assert_str_eq(pk, "id");
    free(pk);

    /* The rows: in order, finished, one step, checksum = sha256(migration.sql). */
    PGresult *r = PQexec(p.db, "SELECT id, checksum, migration_name, finished_at IS NOT NULL, "
                               "logs IS NULL, rolled_back_at IS NULL, applied_steps_count, "
                               "started_at <= finished_at FROM _prisma_migrations ORDER BY started_at");
    ck_assert_int_eq(PQntuples(r), 2);
    const char *sqls[] = {M1_SQL, M2_SQL}, *names[] = {M1, M2};
    for (int i = 0; i < 2; i++) {
        char want[SHA256_HEX_LEN + 1];
        sha256_hex(sqls[i], strlen(sqls[i]), want);
        const char *id = PQgetvalue(r, i, 0);
        ck_assert_uint_eq(strlen(id), 36);
        ck_assert_int_eq(id[14], '4'); /* UUID v4 */
        ck_assert_str_eq(PQgetvalue(r, i, 1), want);
        ck_assert_str_eq(PQgetvalue(r, i, 2), names[i]);
        for (int c = 3; c <= 5; c++)
            ck_assert_str_eq(PQgetvalue(r, i, c), "t");
        ck_assert_str_eq(PQgetvalue(r, i, 6), "1");
        ck_assert_str_eq(PQgetvalue(r, i, 7), "t");
    }
    PQclear(r);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "No pending migrations to apply.");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 2);
    proj_close(&p);
}
END_TEST

START_TEST(failure_leaves_database_as_it_was_until_resolved)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    /* The first statement works, the second fails. */
    proj_migration(&p, "20240102000000_bad",
                   "CREATE TABLE \"Tag\" (\"id\" INTEGER);\n"
                   "INSERT INTO \"Tag\" (\"id\") VALUES (1);\n"
                   "INSERT INTO \"Nope\" (\"id\") VALUES (1);\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "P3018");
    ck_assert_contains(out, "20240102000000_bad");
    ck_assert_contains(out, "Database error code: 42P01");
    ck_assert_contains(out, "relation \"Nope\" does not exist");
    ck_assert_contains(out, "    3  INSERT INTO \"Nope\""); /* the position */
    free(out);
    ck_assert(db_has_table(&p, "User"));
    ck_assert(!db_has_table(&p, "Tag")); /* the whole migration rolled back */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 2);
    char *logs = db_value(&p, "SELECT logs FROM _prisma_migrations WHERE migration_name = "
                              "'20240102000000_bad' AND finished_at IS NULL AND rolled_back_at IS "
                              "NULL AND applied_steps_count = 0");
    ck_assert_ptr_nonnull(logs);
    ck_assert_contains(logs, "relation \"Nope\" does not exist");
    free(logs);

    /* Later deploys refuse, even for new migrations; status says why. */
    proj_migration(&p, "20240103000000_more", "CREATE TABLE \"More\" (\"id\" INTEGER);\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "P3009");
    ck_assert_contains(out, "refract migrate resolve --rolled-back 20240102000000_bad");
    free(out);
    ck_assert(!db_has_table(&p, "More"));
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "  20240101000000_init                      applied\n"
                            "  20240102000000_bad                       failed\n"
                            "  20240103000000_more                      pending\n");
    ck_assert_contains(out, "Following migration(s) have failed:\n20240102000000_bad\n");
    ck_assert_contains(out, "Following migration have not yet been applied:\n"
                            "20240103000000_more\n");
    free(out);

    /* Fix the migration, mark the attempt rolled back, deploy again. */
    proj_migration(&p, "20240102000000_bad",
                   "CREATE TABLE \"Tag\" (\"id\" INTEGER);\n"
                   "INSERT INTO \"Tag\" (\"id\") VALUES (1);\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back",
                              "20240102000000_bad", NULL), 0);
    ck_assert_contains(out, "Migration 20240102000000_bad marked as rolled back.");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back",
                              "20240102000000_bad", NULL), 1);
    ck_assert_contains(out, "P3012");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert(db_has_table(&p, "Tag") && db_has_table(&p, "More"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"Tag\""), 1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE "
                                 "rolled_back_at IS NOT NULL"),
                     1);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(resolve_applied_records_without_running)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    proj_migration(&p, "20240102000000_bad", "CREATE TABLE \"Tag\" (\"id\" INTEGER);\nSELECT 1/0;\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "division by zero");
    /* PostgreSQL gives no position here: the failing statement is named. */
    ck_assert_contains(out, "Statement:\n    2  SELECT 1/0;\n");
    free(out);
    /* The operator finished the work by hand. */
    db_exec(&p, "CREATE TABLE \"Tag\" (\"id\" INTEGER)");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--applied", "20240102000000_bad",
                              NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--applied", "20240102000000_bad",
                              NULL), 1);
    ck_assert_contains(out, "P3008");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--applied", "2024_nope", NULL), 1);
    ck_assert_contains(out, "P3017");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back", "2024_nope", NULL), 1);
    ck_assert_contains(out, "P3011");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", NULL), 2);
    free(out);
    /* The applied row: finished, no steps run; the failed one rolled back. */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                                 "'20240102000000_bad' AND finished_at IS NOT NULL AND "
                                 "applied_steps_count = 0 AND rolled_back_at IS NULL"),
                     1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                                 "'20240102000000_bad' AND finished_at IS NULL AND "
                                 "rolled_back_at IS NOT NULL"),
                     1);
    proj_close(&p);
}
END_TEST

START_TEST(concurrent_deployers_apply_each_migration_once)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    /* Slow migrations widen the window in which both deployers run. */
    proj_migration(&p, "20240102000000_slow",
                   "SELECT pg_sleep(0.3);\nINSERT INTO \"User\" (\"email\") VALUES ('once');\n");
    proj_migration(&p, "20240103000000_slow2",
                   "SELECT pg_sleep(0.3);\nINSERT INTO \"User\" (\"email\") VALUES ('twice?');\n");
    enum { N = 3 };
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        ck_assert_int_ge(kids[i], 0);
        if (kids[i] == 0) {
            char *out;
            int rc = proj_run(&p, &out, "migrate", "deploy", NULL);
            if (rc != 0)
                fprintf(stderr, "deployer %d failed:\n%s\n", i, out);
            _exit(rc);
        }
    }
    for (int i = 0; i < N; i++) {
        int status;
        ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "deployer %d failed", i);
    }
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 3);
    ck_assert_int_eq(db_long(&p, "SELECT count(DISTINCT migration_name) FROM _prisma_migrations "
                                 "WHERE finished_at IS NOT NULL"),
                     3);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 2);
    proj_close(&p);
}
END_TEST

/* A CREATE INDEX CONCURRENTLY that fails (here: duplicates for a unique
 * index) leaves an INVALID index and a failed history row. Once resolved,
 * the retry drops that index (concurrently) and builds it again: every
 * index valid, the failed attempt rolled back and one applied row, and the
 * catalog the plain CREATE UNIQUE INDEX leaves. */
START_TEST(failed_concurrent_index_is_dropped_and_rebuilt_on_retry)
{
    mc_find_bindir();
    ck_assert_msg(*mc_bindir, "no pg_dump found");
    static const char *table = "CREATE TABLE \"U\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT);\n";
    static const char *idx = "20240102000000_email_concurrent_index";
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, table);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"U\" (\"email\") VALUES ('a'), ('a'), ('b')");
    proj_migration(&p, idx, "SET lock_timeout = '5s';\n\n-- CreateIndex\n"
                            "CREATE UNIQUE INDEX CONCURRENTLY \"U_email_key\" ON \"U\"(\"email\");\n");

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "P3018");
    ck_assert_contains(out, "could not create unique index \"U_email_key\"");
    ck_assert_contains(out, "drops it before building it again");
    free(out);
    static const char *invalid = "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = "
                                 "i.indexrelid WHERE c.relname = 'U_email_key' AND NOT i.indisvalid";
    ck_assert_int_eq(db_long(&p, invalid), 1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                                 "'20240102000000_email_concurrent_index' AND finished_at IS NULL "
                                 "AND logs LIKE '%could not create unique index%'"),
                     1);

    /* The data fixed and the failure resolved, deploy builds it again. */
    db_exec(&p, "DELETE FROM \"U\" WHERE \"id\" = 2");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back", idx, NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "Dropping the INVALID index \"public\".\"U_email_key\"");
    free(out);
    ck_assert_int_eq(db_long(&p, invalid), 0);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = "
                                 "i.indexrelid WHERE c.relname = 'U_email_key' AND i.indisvalid "
                                 "AND i.indisunique"),
                     1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                                 "'20240102000000_email_concurrent_index' AND rolled_back_at IS "
                                 "NOT NULL AND finished_at IS NULL"),
                     1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                                 "'20240102000000_email_concurrent_index' AND rolled_back_at IS "
                                 "NULL AND finished_at IS NOT NULL AND applied_steps_count = 1 "
                                 "AND logs IS NULL"),
                     1);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "up to date");
    free(out);
    char *safe = mc_catalog(p.conninfo);

    /* The plain form, on a database of its own. */
    project_dir q;
    proj_open(&q, &pg, NULL);
    proj_migration(&q, M1, table);
    proj_migration(&q, idx, "-- CreateIndex\n"
                            "CREATE UNIQUE INDEX \"U_email_key\" ON \"U\"(\"email\");\n");
    ck_assert_int_eq(proj_run(&q, &out, "migrate", "deploy", NULL), 0);
    free(out);
    char *plain = mc_catalog(q.conninfo);
    if (strcmp(safe, plain))
        mc_show_diff("concurrent index retried", plain, safe);
    ck_assert_str_eq(safe, plain);
    free(safe);
    free(plain);
    proj_close(&q);
    proj_close(&p);
}
END_TEST

START_TEST(edited_applied_migration_is_reported_never_rerun)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);

    /* Line endings changed by a checkout: still the same migration. */
    buf crlf = BUF_INIT;
    for (const char *c = M1_SQL; *c; c++) {
        if (*c == '\n')
            buf_putc(&crlf, '\r');
        buf_putc(&crlf, *c);
    }
    proj_migration(&p, M1, buf_cstr(&crlf));
    buf_free(&crlf);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);

    /* A real edit. */
    buf edited = BUF_INIT;
    buf_printf(&edited, "%sCREATE TABLE \"Sneaky\" (\"id\" INTEGER);\n", M1_SQL);
    proj_migration(&p, M1, edited.data);
    buf_free(&edited);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "modified after they were applied");
    ck_assert_contains(out, "applied, edited since");
    ck_assert_contains(out, M1);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "warning: migration `20240101000000_init` was modified after it was "
                            "applied");
    ck_assert_contains(out, "No pending migrations to apply.");
    free(out);
    ck_assert(!db_has_table(&p, "Sneaky"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 1);
    proj_close(&p);
}
END_TEST

START_TEST(status_reports_pending_and_unknown)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    char *out;
    /* Nothing at all: up to date. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "0 migrations found in prisma/migrations");
    free(out);
    proj_migration(&p, M1, M1_SQL);
    proj_migration(&p, M2, M2_SQL);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "Following migrations have not yet been applied:\n"
                            "20240101000000_init\n20240102000000_posts\n");
    ck_assert_contains(out, "refract migrate deploy");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "2 migrations found in prisma/migrations\n\n"
                            "  20240101000000_init                      applied\n"
                            "  20240102000000_posts                     applied\n\n"
                            "Database schema is up to date!\n");
    free(out);
    /* A migration merged from another branch, older than the applied ones:
     * pending, and the only one deploy applies and lists. */
    proj_migration(&p, "20240101120000_merged", "CREATE TABLE \"Merged\" (\"id\" INTEGER);\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "Following migration have not yet been applied:\n"
                            "20240101120000_merged\n");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "migrations/\n  └─ 20240101120000_merged/\n    └─ migration.sql\n\n");
    free(out);
    ck_assert(db_has_table(&p, "Merged"));
    /* A migration the database has but the folder lost. */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/prisma/migrations/%s'", p.root, M2);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "applied to the database but missing from the local migrations "
                            "directory:\n20240102000000_posts\n");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(reset_needs_force_then_starts_over)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (\"email\") VALUES ('a'), ('b')");
    db_exec(&p, "CREATE TABLE \"Stray\" (\"id\" INTEGER)");
    /* Not a terminal, no --force: refused, nothing touched. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "reset", NULL), 1);
    ck_assert_contains(out, "--force");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 2);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "reset", "--force", NULL), 0);
    ck_assert_contains(out, "Database reset successful");
    ck_assert_contains(out, "Applying migration `20240101000000_init`");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 0);
    ck_assert(!db_has_table(&p, "Stray"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 1);
    proj_close(&p);
}
END_TEST

START_TEST(transaction_control_and_no_transaction_statements)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    /* Prisma writes BEGIN/COMMIT around enum rewrites: still one transaction. */
    proj_migration(&p, "20240102000000_tx",
                   "BEGIN;\nCREATE TABLE \"A\" (\"id\" INTEGER);\nCOMMIT;\n"
                   "CREATE TABLE \"B\" (\"id\" INTEGER);\nSELECT 1/0;\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "division by zero");
    free(out);
    ck_assert(!db_has_table(&p, "A"));
    ck_assert(!db_has_table(&p, "B"));
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back", "20240102000000_tx",
                              NULL), 0);
    free(out);
    proj_migration(&p, "20240102000000_tx",
                   "BEGIN;\nCREATE TABLE \"A\" (\"id\" INTEGER);\nCOMMIT;\n");
    /* A new enum value used in the same migration: PostgreSQL refuses, and
     * the message says what to do. */
    proj_migration(&p, "20240102500000_enum",
                   "CREATE TYPE \"Role\" AS ENUM ('USER');\n"
                   "ALTER TYPE \"Role\" ADD VALUE 'ADMIN';\n"
                   "CREATE TABLE \"R\" (\"r\" \"Role\" NOT NULL DEFAULT 'ADMIN');\n"
                   "INSERT INTO \"R\" DEFAULT VALUES;\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "move the ADD VALUE into a migration of its own");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "resolve", "--rolled-back",
                              "20240102500000_enum", NULL), 0);
    free(out);
    proj_migration(&p, "20240102500000_enum", "CREATE TYPE \"Role\" AS ENUM ('USER');\n"
                                              "ALTER TYPE \"Role\" ADD VALUE 'ADMIN';\n");
    /* CONCURRENTLY mixed with other statements: refused before anything runs. */
    proj_migration(&p, "20240103000000_conc",
                   "CREATE TABLE \"C\" (\"id\" INTEGER);\n"
                   "CREATE INDEX CONCURRENTLY \"C_id_idx\" ON \"C\"(\"id\");\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "line 2 holds `CREATE INDEX CONCURRENTLY");
    ck_assert_contains(out, "cannot run inside a transaction block");
    free(out);
    ck_assert(db_has_table(&p, "A")); /* the migration before it went in */
    ck_assert(!db_has_table(&p, "C"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE migration_name "
                                 "= '20240103000000_conc'"),
                     0);
    /* Alone in its migration, it runs (outside a transaction). */
    proj_migration(&p, "20240103000000_conc", "CREATE TABLE \"C\" (\"id\" INTEGER);\n");
    proj_migration(&p, "20240104000000_conc_idx",
                   "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"C_id_idx\" ON \"C\"(\"id\");\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert(db_has_table(&p, "C_id_idx"));
    /* A SQL-standard function body holds ';' and END: kept whole. */
    proj_migration(&p, "20240105000000_fn",
                   "CREATE FUNCTION sign_of(x int) RETURNS int LANGUAGE sql\n"
                   "BEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\nEND;\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT sign_of(5)"), 1);
    proj_close(&p);
}
END_TEST

START_TEST(bad_input_gets_clear_messages)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    proj_write(&p, "prisma/migrations/20240102000000_empty/notes.txt", "oops");
    proj_write(&p, "prisma/migrations/init/migration.sql", "");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "the migrations folder prisma/migrations is not usable");
    ck_assert_contains(out, "20240102000000_empty has no migration.sql");
    ck_assert_contains(out, "init is not a migration folder name");
    free(out);
    ck_assert(!db_has_table(&p, "User")); /* nothing ran */
    proj_close(&p);

    /* A database server that is not there, a database that does not exist. */
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--url",
                              "postgresql://postgres@/x?host=/nonexistent&port=1", NULL), 1);
    ck_assert_contains(out, "P1001: Can't reach the database server");
    ck_assert_contains(out, "/nonexistent");
    free(out);
    char url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_url(&pg, "no_such_db", url, sizeof url), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--url", url, NULL), 1);
    ck_assert_contains(out, "P1003: Database `no_such_db` does not exist");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--bogus", NULL), 2);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--help", NULL), 0);
    ck_assert_contains(out, "Usage: refract migrate deploy");
    free(out);
    proj_close(&p);
}
END_TEST

/* A NUL byte would end the SQL PostgreSQL sees; a FIFO would block the
 * read forever. Both are refused before anything runs. */
START_TEST(nul_byte_or_fifo_migration_is_refused_and_nothing_applied)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    proj_migration(&p, "20240102000000_nul", "");
    static const char text[] = "CREATE TABLE \"Half\" (\"id\" INTEGER);\n\0DROP TABLE \"User\";\n";
    buf path = BUF_INIT;
    buf_printf(&path, "%s/prisma/migrations/20240102000000_nul/migration.sql", p.root);
    ck_assert_int_eq(write_file_all(path.data, text, sizeof text - 1), 0);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "prisma/migrations/20240102000000_nul/migration.sql:2:1: contains a "
                            "NUL byte");
    free(out);
    ck_assert(!db_has_table(&p, "User"));
    ck_assert(!db_has_table(&p, "Half"));
    ck_assert(!db_has_table(&p, "_prisma_migrations"));

    /* A FIFO in its place: an answer, not a hang (the test's timeout). */
    ck_assert_int_eq(unlink(path.data), 0);
    ck_assert_int_eq(mkfifo(path.data, 0600), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "20240102000000_nul/migration.sql: it is a FIFO, not a regular file");
    free(out);
    ck_assert_int_eq(unlink(path.data), 0);
    ck_assert_int_eq(mkdir(path.data, 0777), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "20240102000000_nul/migration.sql: it is a directory, not a regular "
                            "file");
    ck_assert_not_contains(out, "Input/output error");
    free(out);
    ck_assert(!db_has_table(&p, "User"));
    buf_free(&path);
    proj_close(&p);
}
END_TEST

/* pg_dump's preamble, as a baseline migration made with pg_dump starts. */
#define PG_DUMP_PREAMBLE                                                       \
    "SET statement_timeout = 0;\n"                                             \
    "SET lock_timeout = 0;\n"                                                  \
    "SET client_encoding = 'UTF8';\n"                                          \
    "SET standard_conforming_strings = on;\n"                                  \
    "SELECT pg_catalog.set_config('search_path', '', false);\n"               \
    "SET check_function_bodies = false;\n"                                     \
    "SET xmloption = content;\n"                                               \
    "SET client_min_messages = warning;\n"                                     \
    "SET row_security = off;\n"

/* A migration that empties the search_path (pg_dump's preamble) still
 * gets recorded, and the next migration starts with the datasource's
 * schema again: with the default schema and with ?schema=. */
START_TEST(migration_changing_search_path_is_recorded)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, "20240101000000_baseline",
                   PG_DUMP_PREAMBLE "CREATE TABLE public.\"Dumped\" (id integer NOT NULL);\n");
    proj_migration(&p, "20240102000000_after", "CREATE TABLE \"After\" (\"id\" INTEGER);\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "All migrations have been successfully applied.");
    free(out);
    ck_assert(db_has_table(&p, "Dumped") && db_has_table(&p, "After"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM public._prisma_migrations WHERE "
                                 "finished_at IS NOT NULL AND applied_steps_count = 1"),
                     2);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    proj_close(&p);

    /* The same in the schema of ?schema=other. */
    proj_open(&p, &pg, NULL);
    proj_migration(&p, "20240101000000_baseline",
                   PG_DUMP_PREAMBLE "CREATE TABLE other.\"Dumped\" (id integer NOT NULL);\n");
    proj_migration(&p, "20240102000000_after", "CREATE TABLE \"After\" (\"id\" INTEGER);\n");
    char url[PGH_CONNINFO_MAX + 32];
    snprintf(url, sizeof url, "%s&schema=other", p.url);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--url", url, NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_schema = 'other' AND table_name IN ('Dumped', 'After')"),
                     2);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM other._prisma_migrations WHERE "
                                 "finished_at IS NOT NULL"),
                     2);
    ck_assert(!db_has_table(&p, "_prisma_migrations")); /* not in public */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--url", url, NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    /* A failure after the preamble is recorded too (the rollback undid the
     * search_path change, the record names the table anyway). */
    proj_migration(&p, "20240103000000_bad", PG_DUMP_PREAMBLE "SELECT 1/0;\n");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--url", url, NULL), 1);
    ck_assert_contains(out, "P3018");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM other._prisma_migrations WHERE "
                                 "migration_name = '20240103000000_bad' AND finished_at IS NULL"),
                     1);
    proj_close(&p);
}
END_TEST

/* The backend dies mid-migration: nothing is recorded (the connection is
 * gone), the message says so instead of advising `resolve`, and the next
 * deploy applies the migration cleanly. */
START_TEST(connection_lost_mid_migration_is_reported_as_such)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    proj_migration(&p, "20240102000000_slow",
                   "CREATE TABLE \"Slow\" (\"id\" INTEGER);\nSELECT pg_sleep(3);\n");
    char outfile[128];
    snprintf(outfile, sizeof outfile, "%s/deploy.out", p.root);
    pid_t kid = fork();
    ck_assert_int_ge(kid, 0);
    if (kid == 0) {
        char *out;
        int rc = proj_run(&p, &out, "migrate", "deploy", NULL);
        write_file_all(outfile, out, strlen(out));
        _exit(rc);
    }
    /* Wait for the migration to be running, then end its backend. */
    bool killed = false;
    for (int i = 0; i < 200 && !killed; i++) {
        usleep(50 * 1000);
        killed = db_long(&p, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()") > 0;
    }
    ck_assert_msg(killed, "the migration never showed up in pg_stat_activity");
    int status;
    ck_assert_int_eq(waitpid(kid, &status, 0), kid);
    char *out = read_file_all(outfile, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exit status %d:\n%s", status,
                  out);
    ck_assert_contains(out, "P1017: the connection to the database server was lost while migration "
                            "`20240102000000_slow` was being applied");
    ck_assert_contains(out, "terminating connection due to administrator command");
    ck_assert_contains(out, "nothing was recorded in _prisma_migrations");
    ck_assert_contains(out, "Run `refract migrate deploy` again");
    ck_assert_not_contains(out, "resolve --rolled-back");
    ck_assert_not_contains(out, "failure is recorded");
    free(out);
    ck_assert(db_has_table(&p, "User"));
    ck_assert(!db_has_table(&p, "Slow"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 1);

    /* Deploy again: it applies cleanly. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "Applying migration `20240102000000_slow`");
    free(out);
    ck_assert(db_has_table(&p, "Slow"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE "
                                 "finished_at IS NOT NULL AND rolled_back_at IS NULL"),
                     2);
    proj_close(&p);
}
END_TEST

/* A wrong password: Prisma's P1000 with libpq's reason. The cluster is this
 * binary's own, so one role may require a password. */
START_TEST(wrong_password_is_p1000)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    db_exec(&p, "CREATE ROLE pw_user LOGIN SUPERUSER PASSWORD 'right'");
    char hba[PGH_DIR_MAX + 32];
    snprintf(hba, sizeof hba, "%s/data/pg_hba.conf", pg.dir);
    char *old = read_file_all(hba, NULL);
    ck_assert_ptr_nonnull(old);
    buf text = BUF_INIT;
    buf_printf(&text, "local all pw_user scram-sha-256\n%s", old);
    ck_assert_int_eq(write_file_all(hba, text.data, text.len), 0);
    buf_free(&text);
    db_exec(&p, "SELECT pg_reload_conf()");
    usleep(200 * 1000);

    char url[PGH_CONNINFO_MAX * 2];
    char *dbname = db_value(&p, "SELECT current_database()");
    char *dir = db_value(&p, "SHOW unix_socket_directories");
    char *port = db_value(&p, "SHOW port");
    snprintf(url, sizeof url, "postgresql://pw_user:wrong@/%s?host=%s&port=%s", dbname, dir, port);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--url", url, NULL), 1);
    ck_assert_contains(out, "P1000: Authentication failed against the database server");
    ck_assert_contains(out, "`pw_user`");
    ck_assert_contains(out, "password authentication failed for user \"pw_user\"");
    free(out);
    snprintf(url, sizeof url, "postgresql://pw_user:right@/%s?host=%s&port=%s", dbname, dir, port);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--url", url, NULL), 0);
    free(out);
    ck_assert(db_has_table(&p, "User"));
    /* Put the file back for the other tests. */
    ck_assert_int_eq(write_file_all(hba, old, strlen(old)), 0);
    db_exec(&p, "SELECT pg_reload_conf()");
    free(old);
    free(dbname);
    free(dir);
    free(port);
    proj_close(&p);
}
END_TEST

START_TEST(prisma_url_parameters_and_dotenv)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    /* A Prisma URL with ?schema= (libpq rejects it) in prisma/.env, no env var. */
    buf env = BUF_INIT;
    buf_printf(&env, "# comment\nexport OTHER=1\nDB_URL=\"%s&schema=app&connection_limit=5\"\n",
               p.url);
    proj_write(&p, "prisma/.env", env.data);
    buf_free(&env);
    proj_write(&p, "prisma/schema.prisma",
               "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DB_URL\")\n}\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "schema \"app\"");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM app._prisma_migrations"), 1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_schema = 'app' AND table_name = 'User'"),
                     1);
    proj_close(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_deploy");
    TCase *tc = tcase_create("deploy");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, deploy_applies_in_order_and_records_prisma_rows);
    tcase_add_test(tc, failure_leaves_database_as_it_was_until_resolved);
    tcase_add_test(tc, resolve_applied_records_without_running);
    tcase_add_test(tc, concurrent_deployers_apply_each_migration_once);
    tcase_add_test(tc, failed_concurrent_index_is_dropped_and_rebuilt_on_retry);
    tcase_add_test(tc, edited_applied_migration_is_reported_never_rerun);
    tcase_add_test(tc, status_reports_pending_and_unknown);
    tcase_add_test(tc, reset_needs_force_then_starts_over);
    tcase_add_test(tc, transaction_control_and_no_transaction_statements);
    tcase_add_test(tc, bad_input_gets_clear_messages);
    tcase_add_test(tc, nul_byte_or_fifo_migration_is_refused_and_nothing_applied);
    tcase_add_test(tc, prisma_url_parameters_and_dotenv);
    tcase_add_test(tc, migration_changing_search_path_is_recorded);
    tcase_add_test(tc, connection_lost_mid_migration_is_reported_as_such);
    tcase_add_test(tc, wrong_password_is_p1000);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
