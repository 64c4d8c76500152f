/*
 * test_migrate_squash.c — `refract migrate squash` against a real
 * PostgreSQL: the squashed folder deploys on a fresh database to the
 * catalog the originals gave; a database that applied the originals
 * records it without running it and stays up to date; one that applied
 * only part of the range is refused; and down/deploy across a squashed
 * migration keep the history right.
 */
#include <dirent.h>

#include "migrate_support.h"
#include "migsql_catalog.h"

static pgh_cluster pg;

static void cluster_up(void)
{
    ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error);
    mc_find_bindir();
    ck_assert_msg(*mc_bindir, "no pg_dump found");
}
static void cluster_down(void) { pgh_stop(&pg); }

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n\n"

/* Four steps: a table, an enum column, a second table with a relation, an index. */
static const char *const VERSIONS[] = {
    DS "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n}\n",
    DS "enum Role {\n  USER\n  ADMIN\n}\n"
       "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n"
       "  role Role @default(USER)\n}\n",
    DS "enum Role {\n  USER\n  ADMIN\n}\n"
       "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n"
       "  role Role @default(USER)\n  posts Post[]\n}\n"
       "model Post {\n  id Int @id @default(autoincrement())\n  title String\n"
       "  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n}\n",
    DS "enum Role {\n  USER\n  ADMIN\n}\n"
       "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n"
       "  role Role @default(USER)\n  posts Post[]\n}\n"
       "model Post {\n  id Int @id @default(autoincrement())\n  title String\n"
       "  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n"
       "  @@index([authorId])\n}\n",
};
enum { NVERSIONS = 4 };

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

/* A project with the four migrations, applied to its database. */
static void make_history(project_dir *p, char names[][256])
{
    proj_open(p, &pg, VERSIONS[0]);
    static const char *const labels[] = {"init", "role", "posts", "post_index"};
    for (int i = 0; i < NVERSIONS; i++) {
        proj_write(p, "prisma/schema.prisma", VERSIONS[i]);
        char *out;
        int rc = proj_run(p, &out, "migrate", "dev", "--name", labels[i], NULL);
        ck_assert_msg(rc == 0, "migrate dev %s:\n%s", labels[i], out);
        free(out);
    }
    ck_assert_uint_eq(list_migrations(p, names, 8), NVERSIONS);
}

/* Run refract in `p`'s folder against another database. */
static int run_on(const project_dir *p, const char *url, char **out, const char *a1,
                  const char *a2)
{
    return proj_run(p, out, "migrate", a1, "--url", url, a2, NULL);
}

static void second_db(const char *name, char *conninfo, char *url)
{
    ck_assert_msg(pgh_create_db(&pg, name, conninfo, PGH_CONNINFO_MAX) == 0, "%s", pg.error);
    ck_assert_int_eq(pgh_url(&pg, name, url, PGH_CONNINFO_MAX), 0);
}

static long count_on(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return n;
}

START_TEST(squashed_set_deploys_like_the_originals)
{
    project_dir p;
    char names[8][256];
    make_history(&p, names);
    char *original = mc_catalog(p.conninfo);
    db_exec(&p, "INSERT INTO \"User\" (email) VALUES ('kept@example.com')");

    /* A database that applied only the first migration, before the squash. */
    char partial_ci[PGH_CONNINFO_MAX], partial_url[PGH_CONNINFO_MAX];
    second_db("squash_partial", partial_ci, partial_url);
    char *out;
    buf rel = BUF_INIT;
    for (int i = 1; i < NVERSIONS; i++) { /* hide 2..4 while deploying */
        buf_truncate(&rel, 0);
        buf_printf(&rel, "mv '%s/prisma/migrations/%s' '%s/prisma/migrations/.%s'", p.root,
                   names[i], p.root, names[i]);
        ck_assert_int_eq(system(rel.data), 0);
    }
    ck_assert_int_eq(run_on(&p, partial_url, &out, "deploy", NULL), 0);
    free(out);
    for (int i = 1; i < NVERSIONS; i++) {
        buf_truncate(&rel, 0);
        buf_printf(&rel, "mv '%s/prisma/migrations/.%s' '%s/prisma/migrations/%s'", p.root,
                   names[i], p.root, names[i]);
        ck_assert_int_eq(system(rel.data), 0);
    }
    buf_free(&rel);

    /* Squash the first three; the fourth stays. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", names[0], "--to",
                              names[2], NULL),
                     0);
    ck_assert_contains(out, "Squashed 3 migrations into");
    free(out);
    char now[8][256];
    ck_assert_uint_eq(list_migrations(&p, now, 8), 2);
    char expected[300];
    snprintf(expected, sizeof expected, "%s_squashed", names[2]);
    ck_assert_str_eq(now[0], expected);
    ck_assert_str_eq(now[1], names[3]);
    buf path = BUF_INIT;
    buf_printf(&path, "prisma/migrations/%s/replaces.txt", now[0]);
    char *list = proj_read(&p, path.data);
    for (int i = 0; i < 3; i++) {
        buf line = BUF_INIT;
        buf_printf(&line, "\n%s\n", names[i]);
        ck_assert_contains(list, line.data);
        buf_free(&line);
    }
    free(list);
    buf_free(&path);

    /* A fresh database: the squashed set gives the originals' catalog. */
    char fresh_ci[PGH_CONNINFO_MAX], fresh_url[PGH_CONNINFO_MAX];
    second_db("squash_fresh", fresh_ci, fresh_url);
    ck_assert_int_eq(run_on(&p, fresh_url, &out, "deploy", NULL), 0);
    ck_assert_contains(out, "Applying migration `");
    free(out);
    char *fresh = mc_catalog(fresh_ci);
    if (strcmp(original, fresh))
        mc_show_diff("squashed vs original", original, fresh);
    ck_assert_str_eq(original, fresh);
    free(fresh);

    /* The database that applied the originals: recorded, not run. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "Recording migration `");
    ck_assert_contains(out, "as applied without running it");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 1);
    buf q = BUF_INIT;
    buf_printf(&q, "SELECT applied_steps_count FROM _prisma_migrations WHERE migration_name = "
                   "'%s' AND finished_at IS NOT NULL",
               now[0]);
    ck_assert_int_eq(db_long(&p, q.data), 0);
    buf_free(&q);
    char *after = mc_catalog(p.conninfo);
    ck_assert_str_eq(original, after);
    free(after);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    ck_assert_not_contains(out, "missing from the local migrations directory");
    free(out);

    /* Part of the range applied: refused, nothing applied. */
    ck_assert_int_eq(run_on(&p, partial_url, &out, "deploy", NULL), 1);
    ck_assert_contains(out, "squashes 3 migrations, and this database applied only 1 of them");
    ck_assert_contains(out, "Deploy the original migrations first");
    free(out);
    ck_assert_int_eq(count_on(partial_ci, "SELECT count(*) FROM pg_tables WHERE tablename = "
                                          "'Post'"),
                     0);
    free(original);
    pgh_drop_db(&pg, "squash_partial");
    pgh_drop_db(&pg, "squash_fresh");
    proj_close(&p);
}
END_TEST

/* Rolling back a squashed migration that was recorded over its originals
 * marks the originals rolled back too; deploy then runs it for real. */
START_TEST(down_and_deploy_across_a_squash)
{
    project_dir p;
    char names[8][256];
    make_history(&p, names);
    char *original = mc_catalog(p.conninfo);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", names[1], "--to",
                              names[3], "--name", "role and posts", NULL),
                     0);
    free(out);
    char now[8][256];
    ck_assert_uint_eq(list_migrations(&p, now, 8), 2);
    char expected[300];
    snprintf(expected, sizeof expected, "%.14s_role_and_posts", names[3]);
    ck_assert_str_eq(now[1], expected);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "down", NULL), 0);
    ck_assert_contains(out, now[1]);
    free(out);
    ck_assert(!db_has_table(&p, "Post"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_type WHERE typname = 'Role'"), 0);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    ck_assert_contains(out, "Applying migration `");
    ck_assert_not_contains(out, "Recording migration");
    free(out);
    char *again = mc_catalog(p.conninfo);
    ck_assert_str_eq(original, again);
    free(again);
    free(original);
    proj_close(&p);
}
END_TEST

START_TEST(squash_refuses_what_makes_no_sense)
{
    project_dir p;
    char names[8][256];
    make_history(&p, names);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", names[2], "--to",
                              names[1], NULL),
                     1);
    ck_assert_contains(out, "must be older than --to");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", "20990101000000_x",
                              "--to", names[1], NULL),
                     1);
    ck_assert_contains(out, "P3017");
    free(out);
    /* The name of one it replaces would make a database that applied that
     * one take the squashed migration for it. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", names[0], "--to",
                              names[1], "--name", "role", NULL),
                     1);
    ck_assert_contains(out, "like one it replaces");
    free(out);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "squash", "--from", names[0], NULL), 2);
    ck_assert_contains(out, "give the range to squash with --from A --to B");
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), NVERSIONS);
    proj_close(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_squash");
    TCase *tc = tcase_create("squash");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, squashed_set_deploys_like_the_originals);
    tcase_add_test(tc, down_and_deploy_across_a_squash);
    tcase_add_test(tc, squash_refuses_what_makes_no_sense);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
