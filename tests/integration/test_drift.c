/*
 * test_drift.c — a database changed by hand is reported as drift by
 * `migrate status`, stops `migrate dev` (unless --force resets it) and
 * `migrate deploy` (unless --accept-drift), each kind of change object by
 * object.
 */
#include "migrate_support.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

static const char *SCHEMA = TEST_SCHEMA "\n"
                                        "enum Role {\n  USER\n  ADMIN\n}\n\n"
                                        "model User {\n"
                                        "  id       Int     @id @default(autoincrement())\n"
                                        "  email    String  @unique\n"
                                        "  nickname String?\n"
                                        "  role     Role    @default(USER)\n"
                                        "  posts    Post[]\n"
                                        "}\n\n"
                                        "model Post {\n"
                                        "  id       Int     @id @default(autoincrement())\n"
                                        "  authorId Int\n"
                                        "  author   User    @relation(fields: [authorId], references: [id])\n"
                                        "}\n";

/* A project migrated to SCHEMA by `migrate dev`. */
static void migrated(project_dir *p)
{
    proj_open(p, &pg, SCHEMA);
    char *out;
    int rc = proj_run(p, &out, "migrate", "dev", "--name", "init", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    free(out);
    rc = proj_run(p, &out, "migrate", "status", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_not_contains(out, "Drift");
    free(out);
}

/* After `sql` by hand, status reports drift with `line` in the summary. */
static void reported(const char *sql, const char *line)
{
    project_dir p;
    migrated(&p);
    db_exec(&p, sql);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "Drift detected: Your database schema is not in sync with your "
                            "migration history.");
    ck_assert_contains(out, line);
    ck_assert_not_contains(out, "Database schema is up to date!");
    free(out);
    proj_close(&p);
}

START_TEST(column_added_is_reported)
{
    reported("ALTER TABLE \"User\" ADD COLUMN age INTEGER",
             "[*] Changed the `User` table\n  [+] Added column `age`\n");
}
END_TEST

START_TEST(type_changed_is_reported)
{
    reported("ALTER TABLE \"User\" ALTER COLUMN nickname TYPE VARCHAR(20)",
             "[*] Changed the `User` table\n  [*] Altered column `nickname` (type changed)\n");
}
END_TEST

START_TEST(index_dropped_is_reported)
{
    reported("DROP INDEX \"User_email_key\"",
             "[*] Changed the `User` table\n  [-] Removed unique index on columns (email)\n");
}
END_TEST

START_TEST(foreign_key_removed_is_reported)
{
    reported("ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\"",
             "[*] Changed the `Post` table\n  [-] Removed foreign key on columns (authorId)\n");
}
END_TEST

START_TEST(enum_value_added_is_reported)
{
    reported("ALTER TYPE \"Role\" ADD VALUE 'GUEST'",
             "[*] Changed the `Role` enum\n  [+] Added variant `GUEST`\n");
}
END_TEST

START_TEST(table_created_is_reported)
{
    reported("CREATE TABLE audit (id SERIAL PRIMARY KEY, what TEXT)",
             "[+] Added tables\n  - audit\n");
}
END_TEST

START_TEST(dev_stops_on_drift_and_resets_with_force)
{
    project_dir p;
    migrated(&p);
    db_exec(&p, "CREATE TABLE audit (id SERIAL PRIMARY KEY)");
    db_exec(&p, "INSERT INTO \"User\" (email) VALUES ('a@b.c')");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "next", NULL), 1);
    ck_assert_contains(out, "Drift detected");
    ck_assert_contains(out, "We need to reset the \"public\" schema");
    ck_assert_contains(out, "--force");
    free(out);
    /* Nothing was touched. */
    ck_assert(db_has_table(&p, "audit"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 1);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "next", "--force", NULL), 0);
    ck_assert_contains(out, "Database reset successful");
    free(out);
    ck_assert(!db_has_table(&p, "audit"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(deploy_refuses_a_drifted_database_unless_accepted)
{
    project_dir p;
    migrated(&p);
    proj_migration(&p, "29990101000000_more", "ALTER TABLE \"User\" ADD COLUMN bio TEXT;\n");
    db_exec(&p, "DROP INDEX \"User_email_key\"");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 1);
    ck_assert_contains(out, "Drift detected");
    ck_assert_contains(out, "--accept-drift");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'bio'"),
                     0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", "--accept-drift", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'bio'"),
                     1);
    proj_close(&p);
}
END_TEST

/* A folder made by Prisma saves no schema: the migrations are replayed on a
 * shadow database instead, and hand-written SQL that differs from the
 * schema is not drift. */
START_TEST(prisma_made_history_is_checked_by_replaying)
{
    project_dir p;
    proj_open(&p, &pg, SCHEMA);
    proj_migration(&p, "20240101000000_init",
                   "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT NOT NULL);\n");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    int rc = proj_run(&p, &out, "migrate", "status", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_not_contains(out, "Drift");
    free(out);
    db_exec(&p, "CREATE INDEX by_email ON \"User\" (email)");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "[+] Added index on columns (email)");
    free(out);
    /* No shadow database is left behind. */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_database WHERE datname LIKE "
                                 "'refract_shadow_%'"),
                     0);
    proj_close(&p);
}
END_TEST

/* ---- diffs against live databases ----------------------------------------------- */

START_TEST(diff_from_migrations_to_url_shows_the_manual_change)
{
    project_dir p;
    migrated(&p);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "diff", "--from-migrations", "prisma/migrations",
                              "--to-url", p.url, "--exit-code", NULL),
                     0);
    ck_assert_contains(out, "No difference detected.");
    free(out);
    db_exec(&p, "ALTER TABLE \"User\" ADD COLUMN age INTEGER");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "diff", "--from-migrations", "prisma/migrations",
                              "--to-url", p.url, "--exit-code", NULL),
                     2);
    ck_assert_contains(out, "[+] Added column `age`");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "diff", "--from-url", p.url, "--to-schema",
                              "prisma/schema.prisma", "--script", NULL),
                     0);
    ck_assert_contains(out, "ALTER TABLE \"User\" DROP COLUMN \"age\";");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(db_push_diffs_against_the_live_database)
{
    project_dir p;
    proj_open(&p, &pg, SCHEMA);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    /* Changed behind push's back: push puts it back. */
    db_exec(&p, "ALTER TABLE \"User\" DROP COLUMN nickname");
    db_exec(&p, "DROP INDEX \"User_email_key\"");
    int rc = proj_run(&p, &out, "db", "push", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_not_contains(out, "already in sync");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'nickname'"),
                     1);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_indexes WHERE indexname = "
                                 "'User_email_key'"),
                     1);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    ck_assert_contains(out, "already in sync");
    free(out);
    proj_close(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("drift");
    TCase *tc = tcase_create("drift");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, column_added_is_reported);
    tcase_add_test(tc, type_changed_is_reported);
    tcase_add_test(tc, index_dropped_is_reported);
    tcase_add_test(tc, foreign_key_removed_is_reported);
    tcase_add_test(tc, enum_value_added_is_reported);
    tcase_add_test(tc, table_created_is_reported);
    tcase_add_test(tc, dev_stops_on_drift_and_resets_with_force);
    tcase_add_test(tc, deploy_refuses_a_drifted_database_unless_accepted);
    tcase_add_test(tc, prisma_made_history_is_checked_by_replaying);
    tcase_add_test(tc, diff_from_migrations_to_url_shows_the_manual_change);
    tcase_add_test(tc, db_push_diffs_against_the_live_database);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
