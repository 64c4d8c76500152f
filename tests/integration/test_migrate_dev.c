/*
 * test_migrate_dev.c — `refract migrate dev` and `refract db push` end to
 * end against a real PostgreSQL: the folder written, the migration applied,
 * and no data lost without --accept-data-loss.
 */
#include <dirent.h>

#include "migrate_support.h"
#include "migsql_catalog.h"

static pgh_cluster pg;

static void cluster_up(void) { ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error); }
static void cluster_down(void) { pgh_stop(&pg); }

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n\n"

static const char *V1 = DS "model User {\n"
                           "  id       Int     @id @default(autoincrement())\n"
                           "  email    String  @unique\n"
                           "  nickname String?\n"
                           "}\n";
static const char *V2 = DS "model User {\n"
                           "  id       Int     @id @default(autoincrement())\n"
                           "  email    String  @unique\n"
                           "  nickname String?\n"
                           "  bio      String?\n"
                           "}\n";
static const char *V3 = DS "model User {\n" /* nickname dropped */
                           "  id       Int     @id @default(autoincrement())\n"
                           "  email    String  @unique\n"
                           "  bio      String?\n"
                           "}\n";

/* The migration folder names under prisma/migrations, sorted; returns how many. */
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

static char *migration_text(const project_dir *p, const char *name, const char *file)
{
    buf rel = BUF_INIT;
    buf_printf(&rel, "prisma/migrations/%s/%s", name, file);
    char *t = proj_read(p, rel.data);
    ck_assert_msg(t != NULL, "cannot read %s", rel.data);
    buf_free(&rel);
    return t;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

START_TEST(dev_writes_prisma_folder_and_applies)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "Init Users", NULL), 0);
    ck_assert_contains(out, "Your database is now in sync with your schema.");
    free(out);
    char names[8][256];
    ck_assert_uint_eq(list_migrations(&p, names, 8), 1);
    ck_assert_msg(ends_with(names[0], "_init_users") && strlen(names[0]) == 14 + 11,
                  "folder %s", names[0]);
    char *lock = proj_read(&p, "prisma/migrations/migration_lock.toml");
    ck_assert_str_eq(lock, MIGRATION_LOCK_CONTENT);
    free(lock);
    char *sql = migration_text(&p, names[0], "migration.sql");
    ck_assert_not_contains(sql, "CREATE SCHEMA"); /* a first dev migration has none */
    ck_assert_contains(sql, "-- CreateTable\nCREATE TABLE \"User\" (");
    free(sql);
    char *saved = migration_text(&p, names[0], "schema.prisma");
    ck_assert_str_eq(saved, V1);
    free(saved);
    ck_assert(db_has_table(&p, "User"));
    buf q = BUF_INIT;
    buf_printf(&q, "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '%s' "
                   "AND finished_at IS NOT NULL", names[0]);
    ck_assert_int_eq(db_long(&p, q.data), 1);
    buf_free(&q);

    /* No change: nothing created. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "noop", NULL), 0);
    ck_assert_contains(out, "Already in sync");
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 1);

    /* A change: a second migration, diffed from the first one's schema. */
    proj_write(&p, "prisma/schema.prisma", V2);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "add bio", NULL), 0);
    /* A lint warning is printed; with no error-level finding the file is Prisma's. */
    ck_assert_contains(out, "/migration.sql:2:1: warning RF108 the migration locks a table in use "
                            "without setting lock_timeout first\n");
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
    sql = migration_text(&p, names[1], "migration.sql");
    ck_assert_str_eq(sql, "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n");
    free(sql);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'bio'"),
                     1);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "status", NULL), 0);
    ck_assert_contains(out, "Database schema is up to date!");
    free(out);
    /* A change without --name is a usage error; nothing written. */
    proj_write(&p, "prisma/schema.prisma", V3);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", NULL), 2);
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
    proj_close(&p);
}
END_TEST

START_TEST(dev_refuses_to_lose_data_unless_accepted)
{
    project_dir p;
    proj_open(&p, &pg, V2);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (email, nickname) VALUES ('a@x', 'al'), ('b@x', NULL)");

    proj_write(&p, "prisma/schema.prisma", V3);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "drop nickname", NULL), 1);
    ck_assert_contains(out, "You are about to drop the column `nickname` on the `User` table, "
                            "which still contains 1 non-null values.");
    ck_assert_contains(out, "--accept-data-loss");
    free(out);
    char names[8][256];
    ck_assert_uint_eq(list_migrations(&p, names, 8), 1); /* nothing written */
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\" WHERE nickname = 'al'"), 1);

    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "drop nickname",
                              "--accept-data-loss", NULL), 0);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
    /* The lint findings in the terminal, located in the file written... */
    buf where = BUF_INIT;
    buf_printf(&where, "prisma/migrations/%s/migration.sql:14:1: error RF106 DROP COLUMN "
                       "\"nickname\" of existing table \"User\"\n  why: ", names[1]);
    ck_assert_contains(out, where.data);
    buf_truncate(&where, 0);
    buf_printf(&where, "prisma/migrations/%s/migration.sql:14:1: warning RF108 ", names[1]);
    ck_assert_contains(out, where.data);
    buf_free(&where);
    free(out);
    /* ...and the errors in the file, after Prisma's own warnings block. */
    char *sql = migration_text(&p, names[1], "migration.sql");
    ck_assert_str_eq(sql, "/*\n  Warnings:\n\n"
                          "  - You are about to drop the column `nickname` on the `User` table. "
                          "All the data in the column will be lost.\n\n*/\n"
                          "/*\n  refract lint (`refract migrate lint --help` explains the rules):\n\n"
                          "  - error RF106 DROP COLUMN \"nickname\" of existing table \"User\". "
                          "Fix: first deploy code that no longer uses it, then drop it in a later "
                          "migration\n\n*/\n"
                          "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"nickname\";\n");
    free(sql);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'nickname'"),
                     0);
    proj_close(&p);
}
END_TEST

START_TEST(dev_lets_destructive_steps_through_when_no_data_is_held)
{
    project_dir p;
    proj_open(&p, &pg, V2);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (email) VALUES ('a@x')"); /* nickname NULL */
    proj_write(&p, "prisma/schema.prisma", V3);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "drop", NULL), 0);
    ck_assert_contains(out, "Warnings for the current datasource:");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\""), 1);
    proj_close(&p);
}
END_TEST

START_TEST(dev_create_only_touches_no_database)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    char *out;
    /* A URL nobody listens on: --create-only must not need it. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", "--create-only",
                              "--url", "postgresql://x@/y?host=/nonexistent", NULL),
                     0);
    free(out);
    char names[8][256];
    ck_assert_uint_eq(list_migrations(&p, names, 8), 1);
    ck_assert(!db_has_table(&p, "User"));
    /* No change and --create-only: an empty migration, as Prisma writes it. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "empty", "--create-only",
                              NULL), 0);
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
    char *sql = migration_text(&p, names[1], "migration.sql");
    ck_assert_str_eq(sql, "-- This is an empty migration.");
    free(sql);
    /* Then dev applies both. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", NULL), 0);
    ck_assert_contains(out, "Applying migration `");
    free(out);
    ck_assert(db_has_table(&p, "User"));
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 2);
    proj_close(&p);
}
END_TEST

START_TEST(db_push_follows_the_schema_and_guards_data)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    ck_assert_contains(out, "Your database is now in sync with your schema.");
    free(out);
    ck_assert(db_has_table(&p, "User"));
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    ck_assert_contains(out, "already in sync");
    free(out);
    proj_write(&p, "prisma/schema.prisma", V2);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (email, nickname) VALUES ('a@x', 'al')");
    proj_write(&p, "prisma/schema.prisma", V3);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 1);
    ck_assert_contains(out, "which still contains 1 non-null values");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\" WHERE nickname = 'al'"), 1);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", "--accept-data-loss", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'nickname'"),
                     0);
    /* Dropping a table with rows: refused too. */
    proj_write(&p, "prisma/schema.prisma", DS);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 1);
    ck_assert_contains(out, "You are about to drop the `User` table, which is not empty (1 rows).");
    free(out);
    ck_assert(db_has_table(&p, "User"));
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", "--help", NULL), 0);
    free(out);
    /* migrate dev on a pushed database: told to reset, nothing written. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "x", NULL), 1);
    ck_assert_contains(out, "last changed by `refract db push`");
    free(out);
    char names[8][256];
    ck_assert_uint_eq(list_migrations(&p, names, 8), 0);
    proj_close(&p);
}
END_TEST

/* A folder made by Prisma: deploy works, dev explains what it needs. */
START_TEST(dev_on_a_prisma_made_folder_explains_the_missing_schema)
{
    project_dir p;
    proj_open(&p, &pg, V1);
    proj_migration(&p, "20240101000000_init",
                   "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT NOT NULL, "
                   "\"nickname\" TEXT);\n");
    proj_write(&p, "prisma/migrations/migration_lock.toml", MIGRATION_LOCK_CONTENT);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "deploy", NULL), 0);
    free(out);
    proj_write(&p, "prisma/schema.prisma", V2);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "bio", NULL), 1);
    ck_assert_contains(out, "has no schema.prisma");
    ck_assert_contains(out, "prisma/migrations/20240101000000_init/schema.prisma");
    free(out);
    /* Following the advice makes it work. */
    proj_write(&p, "prisma/migrations/20240101000000_init/schema.prisma", V1);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "bio", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_name = 'User' AND column_name = 'bio'"),
                     1);
    proj_close(&p);
}
END_TEST

/* A required column without default, added to a table with rows, cannot
 * run: refused with Prisma's sentence and how to make it runnable, even
 * with --accept-data-loss, and no migration is written that would fail and
 * block every later `migrate dev`. --create-only still writes it, with
 * Prisma's warning in the file. */
START_TEST(dev_refuses_an_unexecutable_step_and_says_how_to_fix_it)
{
    static const char *with_code = DS "model User {\n"
                                      "  id       Int     @id @default(autoincrement())\n"
                                      "  email    String  @unique\n"
                                      "  nickname String?\n"
                                      "  code     Int\n"
                                      "}\n";
    static const char *with_optional_code = DS "model User {\n"
                                               "  id       Int     @id @default(autoincrement())\n"
                                               "  email    String  @unique\n"
                                               "  nickname String?\n"
                                               "  code     Int?\n"
                                               "}\n";
    project_dir p;
    proj_open(&p, &pg, V1);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "init", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (email) VALUES ('a@x'), ('b@x')");
    proj_write(&p, "prisma/schema.prisma", with_code);
    char names[8][256];
    for (int accept = 0; accept < 2; accept++) {
        ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "code",
                                  accept ? "--accept-data-loss" : NULL, NULL),
                         1);
        ck_assert_contains(out, "Added the required column `code` to the `User` table without a "
                                "default value. There are 2 rows in this table, it is not "
                                "possible to execute this step.");
        ck_assert_contains(out, "cannot be executed");
        ck_assert_contains(out, "give `code` a default value in the schema (@default(...)), or "
                                "add it as optional first, fill it in for the existing rows");
        ck_assert_contains(out, "no migration was created");
        ck_assert_not_contains(out, "run again with --accept-data-loss");
        free(out);
        ck_assert_uint_eq(list_migrations(&p, names, 8), 1);
        ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations"), 1);
        ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE "
                                     "finished_at IS NULL"),
                         0);
    }

    /* --create-only writes it (no database is asked), with the warning. */
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "code", "--create-only",
                              NULL), 0);
    free(out);
    ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
    char *sql = migration_text(&p, names[1], "migration.sql");
    ck_assert_contains(sql, "  - Added the required column `code` to the `User` table without a "
                            "default value. This is not possible if the table is not empty.\n");
    free(sql);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/prisma/migrations/%s'", p.root, names[1]);
    ck_assert_int_eq(system(cmd), 0);

    /* The advice works: optional first, fill it, then required. */
    proj_write(&p, "prisma/schema.prisma", with_optional_code);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "code optional", NULL), 0);
    free(out);
    db_exec(&p, "UPDATE \"User\" SET code = id");
    proj_write(&p, "prisma/schema.prisma", with_code);
    ck_assert_int_eq(proj_run(&p, &out, "migrate", "dev", "--name", "code required", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\" WHERE code IS NOT NULL"), 2);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE "
                                 "finished_at IS NOT NULL"),
                     3);
    proj_close(&p);
}
END_TEST

/* Made required while NULLs are there: the same refusal, for db push too. */
START_TEST(made_required_over_nulls_is_refused_even_with_accept_data_loss)
{
    static const char *nickname_required = DS "model User {\n"
                                              "  id       Int     @id @default(autoincrement())\n"
                                              "  email    String  @unique\n"
                                              "  nickname String\n"
                                              "}\n";
    project_dir p;
    proj_open(&p, &pg, V1);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"User\" (email) VALUES ('a@x')");
    proj_write(&p, "prisma/schema.prisma", nickname_required);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", "--accept-data-loss", NULL), 1);
    ck_assert_contains(out, "Made the column `nickname` on table `User` required, but there are 1 "
                            "existing NULL values.");
    ck_assert_contains(out, "set a value in those rows first");
    ck_assert_contains(out, "--accept-data-loss cannot help");
    free(out);
    db_exec(&p, "UPDATE \"User\" SET nickname = 'n'");
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    /* A required column whose type cannot be cast is dropped and added
     * back NOT NULL: impossible with rows, whatever they hold. */
    proj_write(&p, "prisma/schema.prisma",
               DS "model User {\n"
                  "  id       Int     @id @default(autoincrement())\n"
                  "  email    String  @unique\n"
                  "  nickname Int\n"
                  "}\n");
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", "--accept-data-loss", NULL), 1);
    ck_assert_contains(out, "Changed the type of `nickname` on the `User` table. No cast exists, "
                            "the column would be dropped and recreated, which cannot be done "
                            "since the column is required and there is data in the table.");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"User\" WHERE nickname = 'n'"), 1);
    proj_close(&p);
}
END_TEST

/* Each kind of destructive step, with data that it would lose or choke on:
 * listed with counts, nothing changed; without such data: applied. */
START_TEST(data_safety_covers_each_risk)
{
    static const char *before = DS "enum Role {\n  USER\n  ADMIN\n  GUEST\n}\n\n"
                                   "model Item {\n"
                                   "  id    Int     @id\n"
                                   "  title String\n"
                                   "  note  String?\n"
                                   "  role  Role    @default(USER)\n"
                                   "}\n";
    static const char *after = DS "enum Role {\n  USER\n  ADMIN\n}\n\n"
                                  "model Item {\n"
                                  "  id    Int     @id\n"
                                  "  title String  @db.VarChar(5)\n"
                                  "  note  String\n"
                                  "  role  Role    @default(USER)\n"
                                  "  code  Int\n"
                                  "}\n";
    project_dir p;
    proj_open(&p, &pg, before);
    char *out;
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    db_exec(&p, "INSERT INTO \"Item\" VALUES (1, 'a long title', NULL, 'GUEST'), "
                "(2, 'short', 'n', 'USER')");
    proj_write(&p, "prisma/schema.prisma", after);
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 1);
    ck_assert_contains(out, "You are about to alter the column `title` on the `Item` table, which "
                            "contains 2 non-null values. The data in that column will be cast "
                            "from `TEXT` to `VARCHAR(5)`.");
    ck_assert_contains(out, "Made the column `note` on table `Item` required, but there are 1 "
                            "existing NULL values.");
    ck_assert_contains(out, "Added the required column `code` to the `Item` table without a "
                            "default value. There are 2 rows in this table");
    ck_assert_contains(out, "The values [GUEST] on the enum `Role` will be removed, but 1 rows of "
                            "the `Item` table still use them in column `role`.");
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM \"Item\""), 2);
    /* Without data at stake the same change goes through. */
    db_exec(&p, "DELETE FROM \"Item\"");
    ck_assert_int_eq(proj_run(&p, &out, "db", "push", NULL), 0);
    free(out);
    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_enum WHERE enumlabel = 'GUEST'"), 0);
    proj_close(&p);
}
END_TEST

/* The migration text without refract's lint block (the comment that
 * follows Prisma's warnings block or opens the file), for comparing the
 * SQL with Prisma's. Heap. */
static char *without_lint_block(const char *sql)
{
    static const char open[] = "/*\n  refract lint (";
    const char *at = strstr(sql, open);
    const char *end = at ? strstr(at, "\n*/\n") : NULL;
    if (!end)
        return strdup(sql);
    buf b = BUF_INIT;
    buf_put(&b, sql, (size_t)(at - sql));
    buf_puts(&b, end + 4);
    buf_cstr(&b);
    return buf_steal(&b);
}

/* Every change in ../shared/oracle/diff through `migrate dev`: OLD applied,
 * then NEW written with --create-only; the file is compared with the one
 * Prisma's `migrate dev` wrote. Prints how many are byte-identical, and how
 * many are once refract's lint comment (written where an error-level lint
 * rule fires) is taken out. */
START_TEST(dev_matches_prisma_on_oracle_changes)
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
    if (n < 0) {
        fprintf(stderr, "skipped: %s missing\n", dir);
        return;
    }
    int cases = 0, identical = 0, identical_sql = 0;
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
            snprintf(path, sizeof path, "%s/%s.dev.sql", dir, base);
            char *want = read_file_all(path, NULL);
            if (old && new && want) {
                cases++;
                project_dir p;
                proj_open(&p, &pg, old);
                char *out;
                int rc = proj_run(&p, &out, "migrate", "dev", "--name", "old", NULL);
                ck_assert_msg(rc == 0, "%s: dev OLD failed:\n%s", base, out);
                free(out);
                proj_write(&p, "prisma/schema.prisma", new);
                rc = proj_run(&p, &out, "migrate", "dev", "--name", "new", "--create-only", NULL);
                ck_assert_msg(rc == 0, "%s: dev NEW --create-only failed:\n%s", base, out);
                free(out);
                char names[8][256];
                ck_assert_uint_eq(list_migrations(&p, names, 8), 2);
                char *got = migration_text(&p, names[1], "migration.sql");
                char *sql_only = without_lint_block(got);
                if (!strcmp(got, want))
                    identical++;
                if (!strcmp(sql_only, want))
                    identical_sql++;
                else
                    fprintf(stderr, "oracle %s: migration.sql differs from Prisma's\n", base);
                free(sql_only);
                /* Whatever the text, it must apply to the database at OLD. */
                rc = proj_run(&p, &out, "migrate", "deploy", NULL);
                ck_assert_msg(rc == 0, "%s: applying NEW failed:\n%s", base, out);
                free(out);
                free(got);
                proj_close(&p);
            }
            free(old);
            free(new);
            free(want);
        }
        free(ents[i]);
    }
    free(ents);
    fprintf(stderr,
            "migrate dev vs Prisma: %d of %d oracle changes byte-identical, %d once refract's "
            "lint comment is taken out\n",
            identical, cases, identical_sql);
}
END_TEST

/* `migrate dev --safe` on every oracle change: the database ends with the
 * catalog the plain form gives (pg_dump --schema-only), every index valid
 * and every constraint validated; indexes on existing tables were built
 * CONCURRENTLY in migrations of their own, foreign keys added NOT VALID
 * and validated after, SET NOT NULL through a CHECK added NOT VALID and
 * validated; each such migration starts with SET lock_timeout. */
START_TEST(dev_safe_gives_the_plain_forms_catalog)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared || !*shared) {
        fputs("skipped: REFRACT_SHARED not set\n", stderr);
        return;
    }
    mc_find_bindir();
    ck_assert_msg(*mc_bindir, "no pg_dump found");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/oracle/diff", shared);
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    int cases = 0, split = 0, concurrent = 0, not_valid = 0, not_null = 0;
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
            char *catalog[2];
            for (int safe = 0; safe < 2; safe++) {
                project_dir p;
                proj_open(&p, &pg, old);
                char *out;
                int rc = proj_run(&p, &out, "migrate", "dev", "--name", "old", NULL);
                ck_assert_msg(rc == 0, "%s: dev OLD failed:\n%s", base, out);
                free(out);
                proj_write(&p, "prisma/schema.prisma", new);
                rc = safe ? proj_run(&p, &out, "migrate", "dev", "--name", "new", "--safe",
                                     "--accept-data-loss", NULL)
                          : proj_run(&p, &out, "migrate", "dev", "--name", "new",
                                     "--accept-data-loss", NULL);
                ck_assert_msg(rc == 0, "%s: dev NEW%s failed:\n%s", base, safe ? " --safe" : "",
                              out);
                if (safe) {
                    char names[8][256];
                    size_t count = list_migrations(&p, names, 8);
                    split += count > 2;
                    for (size_t k = 1; k < count; k++) {
                        char *sql = migration_text(&p, names[k], "migration.sql");
                        concurrent += strstr(sql, "INDEX CONCURRENTLY") != NULL;
                        not_valid += strstr(sql, " NOT VALID;") != NULL;
                        not_null += strstr(sql, "_notnull_check\" CHECK (") != NULL;
                        if (strstr(sql, "CONCURRENTLY") || strstr(sql, "NOT VALID") ||
                            strstr(sql, "VALIDATE"))
                            ck_assert_msg(strstr(sql, "SET lock_timeout = '5s';\n"),
                                          "%s: %s has no lock_timeout:\n%s", base, names[k], sql);
                        free(sql);
                    }
                    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_index WHERE NOT "
                                                 "indisvalid"), 0);
                    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM pg_constraint WHERE NOT "
                                                 "convalidated"), 0);
                    ck_assert_int_eq(db_long(&p, "SELECT count(*) FROM _prisma_migrations WHERE "
                                                 "finished_at IS NULL"), 0);
                    ck_assert_contains(out, "Your database is now in sync with your schema.");
                }
                free(out);
                catalog[safe] = mc_catalog(p.conninfo);
                proj_close(&p);
            }
            if (strcmp(catalog[0], catalog[1]))
                mc_show_diff(base, catalog[0], catalog[1]);
            ck_assert_msg(!strcmp(catalog[0], catalog[1]), "%s: --safe catalog differs", base);
            free(catalog[0]);
            free(catalog[1]);
            free(old);
            free(new);
        }
        free(ents[i]);
    }
    free(ents);
    fprintf(stderr, "migrate dev --safe: %d oracle changes, same catalog as the plain form; %d "
                    "split, %d concurrent index migrations, %d foreign keys NOT VALID, %d SET NOT "
                    "NULL through a CHECK\n",
            cases, split, concurrent, not_valid, not_null);
    ck_assert_int_gt(concurrent, 0);
    ck_assert_int_gt(not_valid, 0);
    ck_assert_int_gt(not_null, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_dev");
    TCase *tc = tcase_create("dev");
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, dev_writes_prisma_folder_and_applies);
    tcase_add_test(tc, dev_refuses_to_lose_data_unless_accepted);
    tcase_add_test(tc, dev_lets_destructive_steps_through_when_no_data_is_held);
    tcase_add_test(tc, dev_create_only_touches_no_database);
    tcase_add_test(tc, db_push_follows_the_schema_and_guards_data);
    tcase_add_test(tc, dev_on_a_prisma_made_folder_explains_the_missing_schema);
    tcase_add_test(tc, data_safety_covers_each_risk);
    tcase_add_test(tc, dev_refuses_an_unexecutable_step_and_says_how_to_fix_it);
    tcase_add_test(tc, made_required_over_nulls_is_refused_even_with_accept_data_loss);
    tcase_add_test(tc, dev_matches_prisma_on_oracle_changes);
    tcase_add_test(tc, dev_safe_gives_the_plain_forms_catalog);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
