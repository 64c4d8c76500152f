/*
 * test_migrate_down.c — down.sql and `refract migrate down` against a real
 * PostgreSQL: migrate dev writes down.sql without touching the checksum;
 * down rolls back newest first, marks the history so that deploy applies
 * the migration again, refuses to lose data unless accepted (and never
 * runs a step that cannot run), refuses a migration without down.sql, and
 * leaves nothing behind when a down.sql fails.
 */
#include <dirent.h>
#include <pthread.h>

#include "check_full.h"
#include "migrate_support.h"
#include "migsql_catalog.h"
#include "util/sha256.h"

static pgh_cluster pg;

static void cluster_up(void)
{
    ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error);
    mc_find_bindir();
    ck_assert_msg(*mc_bindir, "no pg_dump found");
}
static void cluster_down(void) { pgh_stop(&pg); }

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n\n"

static const char *V1 = DS "model User {\n"
                           "  id    Int    @id @default(autoincrement())\n"
                           "  email String @unique\n"
                           "}\n";
static const char *V2 = DS "model User {\n"
                           "  id    Int     @id @default(autoincrement())\n"
                           "  email String  @unique\n"
                           "  bio   String?\n"
                           "}\n";
static const char *V3 = DS "model User {\n"
                           "  id    Int     @id @default(autoincrement())\n"
                           "  email String  @unique\n"
                           "  bio   String?\n"
                           "  posts Post[]\n"
                           "}\n"
                           "model Post {\n"
                           "  id       Int  @id @default(autoincrement())\n"
                           "  authorId Int\n"
                           "  author   User @relation(fields: [authorId], references: [id])\n"
                           "}\n";

/* The migration folder names, sorted; returns how many. */
static size_t list_migrations(const project_dir *p, char names[][256], size_t cap)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/prisma/migrations", p->root);
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    size_t count = 0;
    for (int i = 0; i < n; i++) {
        if (ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, "migration_lock.toml") &&
            count < cap)
            snprintf(names[count++], 256, "%s", ents[i]->d_name);
        free(ents[i]);
    }
    if (n >= 0)
        free(ents);
    return count;
}

static char *file_of(const project_dir *p, const char *name, const char *file)
{
    buf rel = BUF_INIT;
    buf_printf(&rel, "prisma/migrations/%s/%s", name, file);
    char *t = proj_read(p, rel.data);
    buf_free(&rel);
    return t;
}

static void dev(const project_dir *p, const char *schema, const char *name)
{
    proj_write(p, "prisma/schema.prisma", schema);
    char *out;
    int rc = proj_run(p, &out, "migrate", "dev", "--name", name, NULL);
    ck_assert_msg(rc == 0, "migrate dev %s failed:\n%s", name, out);
    free(out);
}

static long rolled_back_rows(const project_dir *p, const char *name)
{
    const char *params[] = {name};
    PGresult *r = PQexecParams(p->db,
                               "SELECT count(*) FROM _prisma_migrations WHERE migration_name = $1"
                               " AND rolled_back_at IS NOT NULL",
                               1, NULL, params, NULL, NULL, 0);
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

static bool has_column(const project_dir *p, const char *table, const char *column)
{
    buf q = BUF_INIT;
    buf_printf(&q, "SELECT count(*) FROM information_schema.columns WHERE table_name = '%s' AND "
                   "column_name = '%s'",
               table, column);
    long n = db_long(p, q.data);
    buf_free(&q);
    return n == 1;
}

START_TEST(dev_writes_down_sql_outside_the_checksum)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V3, "posts");
    char names[4][256];
    ck_assert_uint_eq(list_migrations(&p, names, 4), 2);
    char *down = file_of(&p, names[1], "down.sql");
    ck_assert_ptr_nonnull(down);
    /* What it is, Prisma's warnings naming what it drops, then the steps. */
    ck_assert_contains(down, "undoes its migration.sql (`refract migrate down` runs it)");
    ck_assert_contains(down, "  - You are about to drop the `Post` table.");
    ck_assert_contains(down, "  - You are about to drop the column `bio` on the `User` table.");
    ck_assert_contains(down, "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";");
    ck_assert_contains(down, "DROP TABLE \"Post\";");
    free(down);
    /* The first migration's down.sql empties the database. */
    down = file_of(&p, names[0], "down.sql");
    ck_assert_contains(down, "DROP TABLE \"User\";");
    free(down);
    /* The history's checksum is migration.sql's alone. */
    char *sql = file_of(&p, names[1], "migration.sql");
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(sql, strlen(sql), hex);
    buf q = BUF_INIT;
    buf_printf(&q, "SELECT checksum FROM _prisma_migrations WHERE migration_name = '%s'",
               names[1]);
    char *recorded = db_value(&p, q.data);
    ck_assert_str_eq(recorded, hex);
    free(recorded);
    buf_free(&q);
    free(sql);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(down_rolls_back_the_newest_and_deploy_applies_it_again)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V3, "posts");
    char names[4][256];
    list_migrations(&p, names, 4);
    char *before = mc_catalog(p.conninfo);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", NULL), 0);
    ck_assert_contains(out, "Rolling back migration `");
    ck_assert_contains(out, names[1]);
    ck_assert_not_contains(out, names[0]);
    free(out);
    ck_assert(!db_has_table(&p, "Post"));
    ck_assert(!has_column(&p, "User", "bio"));
    ck_assert(db_has_table(&p, "User"));
    ck_assert_int_eq(rolled_back_rows(&p, names[1]), 1);
    ck_assert_int_eq(rolled_back_rows(&p, names[0]), 0);
    /* Status and deploy see it pending again. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 1);
    ck_assert_contains(out, "have not yet been applied");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "Applying migration `");
    free(out);
    char *after = mc_catalog(p.conninfo);
    if (strcmp(before, after))
        mc_show_diff("up, down, up", before, after);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    free(out);
    /* Replacing a migration: down, delete its folder, dev again. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", NULL), 0);
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -r '%s/prisma/migrations/%s'", p.root, names[1]);
    ck_assert_int_eq(system(cmd), 0);
    dev(&p, V2, "bio only");
    ck_assert(has_column(&p, "User", "bio"));
    ck_assert(!db_has_table(&p, "Post"));
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    free(before);
    free(after);
    proj_close(&p);
}
END_TEST

START_TEST(down_to_rolls_back_several_newest_first)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V2, "bio");
    dev(&p, V3, "posts");
    char names[4][256];
    list_migrations(&p, names, 4);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", names[0], NULL), 0);
    const char *second = strstr(out, names[1]), *third = strstr(out, names[2]);
    ck_assert_msg(second && third && third < second, "not newest first:\n%s", out);
    free(out);
    ck_assert(!has_column(&p, "User", "bio"));
    ck_assert(!db_has_table(&p, "Post"));
    ck_assert_int_eq(rolled_back_rows(&p, names[1]), 1);
    ck_assert_int_eq(rolled_back_rows(&p, names[2]), 1);
    /* Nothing after it any more. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", names[0], NULL), 0);
    ck_assert_contains(out, "nothing to roll back");
    free(out);
    /* Usage: an unknown name; a name that is not applied. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", "20990101000000_x", NULL), 1);
    ck_assert_contains(out, "P3017");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", names[2], NULL), 1);
    ck_assert_contains(out, "is not applied to this database");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--bogus", NULL), 2);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--help", NULL), 0);
    ck_assert_contains(out, "Usage: refract migrate down [--to NAME] [--accept-data-loss]");
    free(out);
    proj_close(&p);
}
END_TEST

START_TEST(down_refuses_to_lose_data_unless_accepted)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V2, "bio");
    db_exec(&p, "INSERT INTO \"User\" (email, bio) VALUES ('a@b.c', 'hello')");
    char names[4][256];
    list_migrations(&p, names, 4);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", NULL), 1);
    ck_assert_contains(out, "would lose data the database holds");
    ck_assert_contains(out, "You are about to drop the column `bio` on the `User` table, which "
                            "still contains 1 non-null values.");
    ck_assert_contains(out, "--accept-data-loss");
    free(out);
    ck_assert(has_column(&p, "User", "bio"));
    ck_assert_int_eq(rolled_back_rows(&p, names[1]), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--accept-data-loss", NULL), 0);
    free(out);
    ck_assert(!has_column(&p, "User", "bio"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 1);
    proj_close(&p);
}
END_TEST

/* Undoing the drop of a required column without default cannot run on a
 * table with rows: refused whatever the flags. */
START_TEST(down_never_runs_a_step_that_cannot_run)
{
    static const char *with_name = DS "model User {\n"
                                      "  id   Int    @id @default(autoincrement())\n"
                                      "  name String\n"
                                      "}\n";
    static const char *without = DS "model User {\n"
                                    "  id   Int    @id @default(autoincrement())\n"
                                    "}\n";
    project_dir p;
    proj_open(&p, &pg, with_name);
    dev(&p, with_name, "init");
    proj_write(&p, "prisma/schema.prisma", without);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "drop_name",
                              "--accept-data-loss", NULL),
                     0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" DEFAULT VALUES");
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--accept-data-loss", NULL), 1);
    ck_assert_contains(out, "is not possible with the data the database holds");
    ck_assert_contains(out, "--accept-data-loss cannot help");
    free(out);
    ck_assert(!has_column(&p, "User", "name"));
    proj_close(&p);
}
END_TEST

START_TEST(down_refuses_a_migration_without_down_sql)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V2, "bio");
    dev(&p, V3, "posts");
    char names[4][256];
    list_migrations(&p, names, 4);
    buf path = BUF_INIT;
    buf_printf(&path, "%s/prisma/migrations/%s/down.sql", p.root, names[1]);
    ck_assert_int_eq(unlink(path.data), 0);
    buf_truncate(&path, 0);
    buf_printf(&path, "prisma/migrations/%s/down.sql\n", names[1]);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", names[0], NULL), 1);
    ck_assert_contains(out, "1 migration to roll back has no down.sql:");
    ck_assert_contains(out, path.data);
    ck_assert_contains(out, "Nothing was rolled back.");
    free(out);
    /* Checked before anything ran: the newest is still there. */
    ck_assert(db_has_table(&p, "Post"));
    ck_assert_int_eq(rolled_back_rows(&p, names[2]), 0);
    buf_free(&path);
    proj_close(&p);
}
END_TEST

START_TEST(a_failing_down_sql_changes_nothing)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V3, "posts");
    char names[4][256];
    list_migrations(&p, names, 4);
    buf rel = BUF_INIT;
    buf_printf(&rel, "prisma/migrations/%s/down.sql", names[1]);
    proj_write(&p, rel.data, "DROP TABLE \"Post\";\n\nALTER TABLE \"Nope\" DROP COLUMN \"x\";\n");
    char *before = mc_catalog(p.conninfo);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", NULL), 1);
    ck_assert_contains(out, "/down.sql:3: ERROR: relation \"Nope\" does not exist (42P01)");
    ck_assert_contains(out, "its transaction was rolled back");
    free(out);
    char *after = mc_catalog(p.conninfo);
    ck_assert_str_eq(before, after);
    ck_assert(db_has_table(&p, "Post"));
    ck_assert_int_eq(rolled_back_rows(&p, names[1]), 0);
    free(before);
    free(after);
    buf_free(&rel);
    proj_close(&p);
}
END_TEST

/* --safe splits one change into several migrations; each has a down.sql,
 * and rolling them all back and deploying again gives the same catalog. */
START_TEST(down_undoes_a_safe_split)
{
    static const char *indexed = DS "model User {\n"
                                    "  id    Int     @id @default(autoincrement())\n"
                                    "  email String  @unique\n"
                                    "  bio   String?\n"
                                    "  @@index([bio])\n"
                                    "}\n";
    project_dir p;
    proj_open(&p, &pg, V2);
    dev(&p, V2, "init");
    char *first = mc_catalog(p.conninfo);
    proj_write(&p, "prisma/schema.prisma", indexed);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "ix", "--safe", NULL), 0);
    free(out);
    char names[4][256];
    size_t n = list_migrations(&p, names, 4);
    ck_assert_uint_eq(n, 2); /* only an index: the main migration has nothing left */
    char *down = file_of(&p, names[1], "down.sql");
    ck_assert_contains(down, "-- DropIndex\nDROP INDEX \"User_bio_idx\";\n");
    free(down);
    char *up = mc_catalog(p.conninfo);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", "--to", names[0], NULL), 0);
    free(out);
    char *rolled = mc_catalog(p.conninfo);
    ck_assert_str_eq(rolled, first);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    char *again = mc_catalog(p.conninfo);
    ck_assert_str_eq(again, up);
    free(first);
    free(up);
    free(rolled);
    free(again);
    proj_close(&p);
}
END_TEST

struct down_run {
    const project_dir *p;
    char *out;
    int rc;
};

static void *run_down(void *arg)
{
    struct down_run *r = arg;
    r->rc = proj_run(r->p, &r->out, "migrate", "down", NULL);
    return NULL;
}

/* Down waits for Prisma's advisory lock, as deploy does: a deployer (refract
 * or Prisma) holding it is never raced. */
START_TEST(down_waits_for_the_migration_lock)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    dev(&p, V1, "init");
    dev(&p, V2, "bio");
    db_exec(&p, "SELECT pg_advisory_lock(72707369)");
    struct down_run r = {.p = &p};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, run_down, &r), 0);
    sleep(2);
    bool still_there = has_column(&p, "User", "bio");
    db_exec(&p, "SELECT pg_advisory_unlock(72707369)");
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_msg(still_there, "down ran while another process held the migration lock");
    ck_assert_msg(r.rc == 0, "%s", r.out);
    ck_assert_contains(r.out, "Waiting for the migration lock");
    ck_assert(!has_column(&p, "User", "bio"));
    free(r.out);
    proj_close(&p);
}
END_TEST

/* Prisma's own schema changes (../shared/oracle/diff), --safe (and plain
 * under make check-full): dev old, dev new, down to old gives old's
 * catalog, deploy gives new's. */
START_TEST(oracle_changes_go_down_and_up_again)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared || !*shared) {
        fputs("skipped: REFRACT_SHARED not set\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/oracle/diff", shared);
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    int cases = 0, rolled = 0;
    for (int i = 0; i < n; i++) {
        const char *f = ents[i]->d_name;
        size_t len = strlen(f);
        if (len > 11 && !strcmp(f + len - 11, ".old.prisma")) {
            char base[256], path[1024];
            snprintf(base, sizeof base, "%.*s", (int)(len - 11), f);
            snprintf(path, sizeof path, "%s/%s.old.prisma", dir, base);
            char *old = read_file_all(path, NULL);
            snprintf(path, sizeof path, "%s/%s.new.prisma", dir, base);
            char *new = read_file_all(path, NULL);
            ck_assert(old && new);
            cases++;
            /* The plain form also goes through the random round trip
             * (test_migrate_down_roundtrip.c): make check runs --safe only. */
            for (int safe = check_full() ? 0 : 1; safe < 2; safe++) {
                project_dir p;
                proj_open(&p, &pg, old);
                dev(&p, old, "old");
                char *c_old = mc_catalog(p.conninfo);
                proj_write(&p, "prisma/schema.prisma", new);
                char *out;
                int rc = safe ? proj_run(&p, &out, "migrate", "dev", "--name", "new", "--safe",
                                         "--accept-data-loss", NULL)
                              : proj_run(&p, &out, "migrate", "dev", "--name", "new",
                                         "--accept-data-loss", NULL);
                ck_assert_msg(rc == 0, "%s: dev new failed:\n%s", base, out);
                free(out);
                char *c_new = mc_catalog(p.conninfo);
                char names[8][256];
                list_migrations(&p, names, 8);
                rc = proj_run(&p, &out, "migrate", "down", "--to", names[0], NULL);
                ck_assert_msg(rc == 0, "%s%s: down failed:\n%s", base, safe ? " --safe" : "", out);
                free(out);
                char *c_down = mc_catalog(p.conninfo);
                if (strcmp(c_old, c_down))
                    mc_show_diff(base, c_old, c_down);
                ck_assert_msg(!strcmp(c_old, c_down), "%s%s: down does not give old's catalog",
                              base, safe ? " --safe" : "");
                rc = proj_run(&p, &out, "migrate", "deploy", NULL);
                ck_assert_msg(rc == 0, "%s: deploy failed:\n%s", base, out);
                free(out);
                char *c_up = mc_catalog(p.conninfo);
                ck_assert_msg(!strcmp(c_new, c_up), "%s%s: deploy after down differs", base,
                              safe ? " --safe" : "");
                rolled++;
                free(c_old);
                free(c_new);
                free(c_down);
                free(c_up);
                proj_close(&p);
            }
            free(old);
            free(new);
        }
        free(ents[i]);
    }
    free(ents);
    fprintf(stderr, "migrate down: %d oracle changes, %s (%d runs): down gives the old catalog, "
                    "deploy the new one\n",
            cases, check_full() ? "plain and --safe" : "--safe (plain too in check-full)", rolled);
    ck_assert_int_gt(cases, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_down");
    TCase *tc = tcase_create("down");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, dev_writes_down_sql_outside_the_checksum);
    tcase_add_test(tc, down_rolls_back_the_newest_and_deploy_applies_it_again);
    tcase_add_test(tc, down_to_rolls_back_several_newest_first);
    tcase_add_test(tc, down_refuses_to_lose_data_unless_accepted);
    tcase_add_test(tc, down_never_runs_a_step_that_cannot_run);
    tcase_add_test(tc, down_refuses_a_migration_without_down_sql);
    tcase_add_test(tc, a_failing_down_sql_changes_nothing);
    tcase_add_test(tc, down_undoes_a_safe_split);
    tcase_add_test(tc, down_waits_for_the_migration_lock);
    tcase_add_test(tc, oracle_changes_go_down_and_up_again);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
