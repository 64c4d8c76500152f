/*
 * test_migrate_tools.c — the tools around migrations, against a real
 * PostgreSQL: `migrate reset` runs the project's seed command on the freshly
 * reset database, unless --skip-seed, and a failing seed fails the command;
 * `migrate status --json` says the same as the text form, as JSON.
 */
#include "migrate_support.h"

#include "../unit/json_check.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

static const char *M1 = "20240101000000_init";
static const char *M1_SQL = "CREATE TABLE \"Note\" (\"id\" SERIAL PRIMARY KEY, \"text\" TEXT NOT NULL);\n";

static void seeded_project(project_dir *p, const char *seed)
{
    char schema[1024];
    snprintf(schema, sizeof schema,
             "generator client {\n  provider = \"refract\"\n  seed = \"%s\"\n}\n" TEST_SCHEMA, seed);
    proj_open(p, &pg, schema);
    proj_migration(p, M1, M1_SQL);
}

START_TEST(reset_runs_the_seed_on_the_reset_database)
{
    project_dir p;
    /* the seed inserts through psql with the URL refract hands it */
    seeded_project(&p, "psql -qX \\\"$DATABASE_URL\\\" -c \\\"INSERT INTO \\\\\\\"Note\\\\\\\" (text) VALUES ('seeded')\\\"");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"Note\" (text) VALUES ('old')");
    int rc = proj_run(&p, &out, "migrate", "reset", "--force", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_contains(out, "Running seed command");
    ck_assert_contains(out, "The seed command has been executed.");
    free(out);
    char *texts = db_value(&p, "SELECT string_agg(text, ',') FROM \"Note\"");
    ck_assert_str_eq(texts, "seeded"); /* the old row is gone, the seed ran after the reset */
    free(texts);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "reset", "--force", "--skip-seed", NULL), 0);
    ck_assert_not_contains(out, "Running seed command");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"Note\""), 0);
    proj_close(&p);
}
END_TEST

START_TEST(a_failing_seed_fails_reset)
{
    project_dir p;
    seeded_project(&p, "echo seeding; exit 4");
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "reset", "--force", NULL), 1);
    ck_assert_contains(out, "seeding");
    ck_assert_contains(out, "failed with exit status 4");
    free(out);
    /* the reset itself happened: the migrations are applied */
    ck_assert(db_has_table(&p, "Note"));
    proj_close(&p);
}
END_TEST

START_TEST(status_json_matches_the_text)
{
    project_dir p;
    proj_open(&p, &pg, NULL);
    proj_migration(&p, M1, M1_SQL);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--json", NULL), 1);
    /* proj_run merges stderr: nothing was written there */
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "upToDate", "false");
    json_is(out, "historyTable", "false");
    json_is(out, "migrations.0.name", "\"20240101000000_init\"");
    json_is(out, "migrations.0.state", "\"pending\"");
    json_is(out, "pending.0", "\"20240101000000_init\"");
    free(out);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--json", NULL), 0);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "upToDate", "true");
    json_is(out, "migrations.0.state", "\"applied\"");
    json_is(out, "pending", "[]");
    json_is(out, "drift", "\"none\"");
    json_is(out, "driftReport", "null");
    free(out);

    /* a column added by hand: drift, with Prisma's report as a string */
    db_exec(&p, "ALTER TABLE \"Note\" ADD COLUMN \"extra\" INTEGER");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--json", NULL), 1);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "upToDate", "false");
    json_is(out, "drift", "\"detected\"");
    ck_assert_ptr_nonnull(strstr(json_get(out, "driftReport"), "Drift detected"));
    free(out);
    db_exec(&p, "ALTER TABLE \"Note\" DROP COLUMN \"extra\"");

    /* edited after it was applied, and one the folder lacks */
    proj_migration(&p, M1, "-- edited\n");
    db_exec(&p, "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, "
                "applied_steps_count) VALUES ('x', 'y', '20230101000000_gone', now(), now(), 1)");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", "--json", NULL), 1);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "migrations.0.state", "\"edited\"");
    json_is(out, "edited.0", "\"20240101000000_init\"");
    json_is(out, "unknown.0", "\"20230101000000_gone\"");
    free(out);
    proj_close(&p);
}
END_TEST

/* migrate dev --force on a drifted database resets it, then seeds it (after
 * the new migration is applied), unless --skip-seed. */
START_TEST(dev_reset_on_drift_seeds)
{
    project_dir p;
    static const char seed[] =
        "psql -qX \\\"$DATABASE_URL\\\" -c \\\"INSERT INTO \\\\\\\"Note\\\\\\\" (text) VALUES ('seeded')\\\"";
    char schema[1024];
    snprintf(schema, sizeof schema,
             "generator client {\n  provider = \"refract\"\n  seed = \"%s\"\n}\n" TEST_SCHEMA
             "model Note {\n  id Int @id @default(autoincrement())\n  text String\n}\n",
             seed);
    proj_open(&p, &pg, schema);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"Note\" (text) VALUES ('mine')");
    db_exec(&p, "ALTER TABLE \"Note\" ADD COLUMN \"byhand\" INTEGER"); /* drift */
    char schema2[1200];
    snprintf(schema2, sizeof schema2, "%.*s  tag String?\n}\n", (int)(strlen(schema) - 2), schema);
    proj_write(&p, "prisma/schema.prisma", schema2);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "tag", NULL), 1); /* drift: stop */
    free(out);
    int rc = proj_run(&p, &out, "migrate", "dev", "--name", "tag", "--force", NULL);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_contains(out, "Database reset successful");
    ck_assert_contains(out, "The seed command has been executed.");
    free(out);
    char *texts = db_value(&p, "SELECT string_agg(text, ',') FROM \"Note\"");
    ck_assert_str_eq(texts, "seeded"); /* 'mine' went with the reset */
    free(texts);
    proj_close(&p);
}
END_TEST

static Suite *seed_suite(void)
{
    Suite *s = suite_create("migrate_tools");
    TCase *tc = tcase_create("seed");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reset_runs_the_seed_on_the_reset_database);
    tcase_add_test(tc, a_failing_seed_fails_reset);
    tcase_add_test(tc, status_json_matches_the_text);
    tcase_add_test(tc, dev_reset_on_drift_seeds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(seed_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
