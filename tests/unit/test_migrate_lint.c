/*
 * test_migrate_lint.c — `refract migrate lint`: each rule fires on its
 * fixture and stays quiet on the safe form (tests/data/lint/), findings
 * point at their statement, comments silence rules per migration, quoted
 * names and comments do not fool the classifier; and the command as a CI
 * job runs it (exit status, output).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migrate/folder.h"
#include "migrate/lint.h"
#include "migrate/safe_form.h"

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

#define NEXT_MIGRATION "-- refract-lint-test: next migration\n"

static const char *root(void)
{
    const char *r = getenv("REFRACT_ROOT");
    return r && *r ? r : ".";
}

/* Lint `sql`, split into migrations at NEXT_MIGRATION; the findings are
 * the last migration's. */
static void lint_text(linter *l, const char *sql)
{
    linter_init(l);
    const char *p = sql;
    for (;;) {
        const char *next = strstr(p, NEXT_MIGRATION);
        if (!next) {
            lint_migration(l, p, strlen(p));
            return;
        }
        lint_migration(l, p, (size_t)(next - p));
        p = next + strlen(NEXT_MIGRATION);
    }
}

static size_t fired(const linter *l, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += !strcmp(l->items[i].rule->id, id);
    return n;
}

static const lint_finding *first_of(const linter *l, const char *id)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->items[i].rule->id, id))
            return &l->items[i];
    return NULL;
}

static char *fixture(const char *id, const char *form)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/lint/%s_%s.sql", root(), id, form);
    char *text = read_file_all(path, NULL);
    ck_assert_msg(text != NULL, "missing fixture %s", path);
    return text;
}

START_TEST(every_rule_fires_on_its_fixture_and_not_on_the_safe_form)
{
    ck_assert_uint_eq(lint_nrules, 10);
    for (size_t r = 0; r < lint_nrules; r++) {
        const char *id = lint_rules[r].id;
        linter l;
        char *sql = fixture(id, "fires");
        lint_text(&l, sql);
        ck_assert_msg(fired(&l, id) > 0, "%s did not fire on %s_fires.sql", id, id);
        linter_free(&l);
        free(sql);
        sql = fixture(id, "quiet");
        lint_text(&l, sql);
        ck_assert_msg(fired(&l, id) == 0, "%s fired on %s_quiet.sql: %s", id, id,
                      first_of(&l, id)->message);
        linter_free(&l);
        free(sql);
    }
}
END_TEST

START_TEST(rules_have_stable_ids_explanations_and_fixes)
{
    for (size_t r = 0; r < lint_nrules; r++) {
        char want[32];
        snprintf(want, sizeof want, "RF1%02zu", r + 1);
        ck_assert_str_eq(lint_rules[r].id, want);
        ck_assert(strlen(lint_rules[r].why) > 20 && !strchr(lint_rules[r].why, '\n'));
        ck_assert(strlen(lint_rules[r].fix) > 20 && !strchr(lint_rules[r].fix, '\n'));
        ck_assert_ptr_eq(lint_rule_by_id(want), &lint_rules[r]);
    }
    ck_assert_ptr_eq(lint_rule_by_id("rf104"), &lint_rules[3]);
    ck_assert_ptr_null(lint_rule_by_id("RF999"));
}
END_TEST

START_TEST(findings_point_at_their_statement)
{
    linter l;
    lint_text(&l, "CREATE TABLE \"T\" (\"a\" INT, \"b\" INT);\n" NEXT_MIGRATION
                  "SET lock_timeout = '1s';\n"
                  "/* a comment\n   over lines */\n"
                  "  ALTER TABLE \"T\" ADD COLUMN \"c\" INT,\n"
                  "ALTER COLUMN \"a\" SET DATA TYPE BIGINT,\n"
                  "DROP COLUMN \"b\";\n");
    const lint_finding *f = first_of(&l, "RF101");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->line, 4);
    ck_assert_uint_eq(f->col, 3);
    ck_assert_str_eq(f->message, "ALTER COLUMN \"a\" TYPE on existing table \"T\"");
    ck_assert_uint_eq(fired(&l, "RF106"), 1);
    /* One table: no lock held while another is locked. */
    ck_assert_uint_eq(fired(&l, "RF103"), 0);
    ck_assert_uint_eq(fired(&l, "RF108"), 0);
    ck_assert_uint_eq(lint_count_level(&l, LINT_ERROR), 2);
    linter_free(&l);
}
END_TEST

START_TEST(comments_silence_rules_for_their_migration_only)
{
    linter l;
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION
                  "-- refract-lint: disable RF104,rf108\n"
                  "CREATE INDEX i ON t (a);\n" NEXT_MIGRATION "CREATE INDEX j ON t (a);\n");
    ck_assert_uint_eq(fired(&l, "RF104"), 1);
    ck_assert_uint_eq(fired(&l, "RF108"), 1);
    linter_free(&l);
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION
                  "/* refract-lint: disable RF104 RF108 */ CREATE INDEX i ON t (a);\n");
    ck_assert_uint_eq(l.count, 0);
    linter_free(&l);
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION
                  "-- refract-lint: disable all\nDROP TABLE t;\n");
    ck_assert_uint_eq(l.count, 0);
    linter_free(&l);
}
END_TEST

START_TEST(quoted_names_comments_and_strings_do_not_fool_it)
{
    linter l;
    /* Unquoted names fold to lower case as in PostgreSQL: Users is "users". */
    lint_text(&l, "CREATE TABLE Users (id int);\n"
                  "-- ALTER TABLE users DROP COLUMN id;\n"
                  "INSERT INTO users VALUES (1), (2);\n"
                  "COMMENT ON TABLE users IS 'ALTER TABLE users DROP COLUMN id; CREATE INDEX';\n"
                  "CREATE INDEX \"users; DROP TABLE x\" ON \"users\" (id);\n");
    ck_assert_uint_eq(l.count, 0);
    linter_free(&l);
    /* "User" (quoted) is not the table user/users created earlier. */
    lint_text(&l, "CREATE TABLE users (id int);\n" NEXT_MIGRATION
                  "SET lock_timeout = '1s';\n"
                  "CREATE TABLE \"Users\" (id int);\n"
                  "CREATE INDEX ON \"Users\" (id);\n"
                  "CREATE INDEX ON public.USERS USING btree (id);\n");
    ck_assert_uint_eq(fired(&l, "RF104"), 1);
    ck_assert_str_eq(first_of(&l, "RF104")->message,
                     "CREATE INDEX on existing table \"users\" without CONCURRENTLY");
    linter_free(&l);
}
END_TEST

START_TEST(lock_timeout_must_come_first_and_be_nonzero)
{
    linter l;
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION
                  "ALTER TABLE t ADD COLUMN b int;\nSET lock_timeout = '1s';\n");
    ck_assert_uint_eq(fired(&l, "RF108"), 1);
    linter_free(&l);
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION
                  "SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN b int;\n");
    ck_assert_uint_eq(fired(&l, "RF108"), 1);
    linter_free(&l);
    /* Only new tables: nothing to wait for. */
    lint_text(&l, "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\n");
    ck_assert_uint_eq(l.count, 0);
    linter_free(&l);
}
END_TEST

START_TEST(enum_removal_names_the_removed_values)
{
    linter l;
    char *sql = fixture("RF109", "fires");
    lint_text(&l, sql);
    ck_assert_str_eq(first_of(&l, "RF109")->message,
                     "enum \"Role\" is replaced by a new type without the values 'MODERATOR'");
    linter_free(&l);
    free(sql);
}
END_TEST

START_TEST(header_comment_cannot_be_broken_by_names)
{
    linter l;
    lint_text(&l, "CREATE TABLE \"a*/b/*c\" (x int);\n" NEXT_MIGRATION
                  "DROP TABLE \"a*/b/*c\";\n");
    buf out = BUF_INIT;
    lint_render_comment(&l, &out);
    const char *text = buf_cstr(&out);
    ck_assert_ptr_nonnull(strstr(text, "error RF106 DROP TABLE \"a_/b_*c\". Fix: "));
    ck_assert_ptr_null(strstr(text, "RF108")); /* a warning */
    ck_assert_ptr_eq(strstr(text, "*/"), text + out.len - 3);
    ck_assert_ptr_eq(strstr(text + 1, "/*"), NULL);
    buf_free(&out);
    linter_free(&l);
    /* Warnings alone (a nullable column, no lock_timeout) write nothing. */
    lint_text(&l, "CREATE TABLE t (a int);\n" NEXT_MIGRATION "ALTER TABLE t ADD COLUMN b int;\n");
    ck_assert_uint_eq(l.count, 1);
    lint_render_comment(&l, &out);
    ck_assert_uint_eq(out.len, 0);
    buf_free(&out);
    linter_free(&l);
}
END_TEST

/* ---- migrate dev --safe's rewriting ------------------------------------------ */

START_TEST(safe_form_moves_indexes_and_defers_foreign_key_checks)
{
    const char *sql = "-- CreateTable\n"
                      "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, \"name\" TEXT NOT NULL);\n\n"
                      "-- CreateIndex\n"
                      "CREATE INDEX \"Tag_name_idx\" ON \"Tag\"(\"name\");\n\n"
                      "-- CreateIndex\n"
                      "CREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n\n"
                      "-- CreateIndex\n"
                      "CREATE UNIQUE INDEX \"User_code_key\" ON \"User\"(\"code\");\n\n"
                      "-- AddForeignKey\n"
                      "ALTER TABLE \"public\".\"Post\" ADD CONSTRAINT \"Post_code_fkey\" FOREIGN KEY "
                      "(\"code\") REFERENCES \"User\"(\"code\") ON DELETE RESTRICT;\n\n"
                      "-- AddForeignKey\n"
                      "ALTER TABLE \"Tag\" ADD CONSTRAINT \"Tag_x_fkey\" FOREIGN KEY (\"id\") "
                      "REFERENCES \"Post\"(\"id\");\n";
    safe_form sf;
    safe_form_make(sql, strlen(sql), NULL, &sf);
    /* The index on the table in use goes; the new table's stays, and so
     * does the unique index the foreign key of this migration needs. */
    ck_assert_uint_eq(sf.nindexes, 1);
    ck_assert_str_eq(sf.indexes[0], "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" "
                                    "ON \"Post\"(\"title\");\n");
    ck_assert(sf.main_has_statements);
    const char *main = buf_cstr(&sf.main);
    ck_assert_ptr_null(strstr(main, "Post_title_idx"));
    ck_assert_ptr_nonnull(strstr(main, "\n\n-- CreateIndex\nCREATE INDEX \"Tag_name_idx\""));
    ck_assert_ptr_nonnull(strstr(main, "CREATE UNIQUE INDEX \"User_code_key\""));
    ck_assert_ptr_nonnull(strstr(main, "ON DELETE RESTRICT NOT VALID;\n"));
    /* The new table's key is checked at once (nothing to check). */
    ck_assert_ptr_nonnull(strstr(main, "REFERENCES \"Post\"(\"id\");\n"));
    ck_assert_str_eq(buf_cstr(&sf.validate), "-- ValidateForeignKey\nALTER TABLE \"public\".\"Post\" "
                                             "VALIDATE CONSTRAINT \"Post_code_fkey\";\n");
    safe_form_free(&sf);

    /* Nothing to make safe: the text is unchanged. */
    const char *plain = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n";
    safe_form_make(plain, strlen(plain), NULL, &sf);
    ck_assert_str_eq(buf_cstr(&sf.main), plain);
    ck_assert_uint_eq(sf.nindexes, 0);
    ck_assert_uint_eq(sf.validate.len, 0);
    safe_form_free(&sf);
}
END_TEST

/* SET NOT NULL on a table in use: a CHECK added NOT VALID (no scan) in the
 * main migration; VALIDATE, SET NOT NULL and DROP of the check in the
 * last; every migration of the safe form bounded by lock_timeout. */
START_TEST(safe_form_sets_not_null_through_a_validated_check)
{
    const char *sql = "/*\n  Warnings:\n\n  - Made the column `name` on table `User` required.\n*/\n"
                      "-- AlterTable\n"
                      "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DEFAULT 'x',\n"
                      "ALTER COLUMN \"name\" SET NOT NULL;\n\n"
                      "-- AlterTable\n"
                      "ALTER TABLE \"public\".\"Post\" ALTER COLUMN \"title\" SET NOT NULL;\n\n"
                      "-- CreateIndex\n"
                      "CREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n";
    safe_form sf;
    safe_form_make(sql, strlen(sql), "5s", &sf);
    const char *main = buf_cstr(&sf.main);
    ck_assert_str_eq(main,
                     "/*\n  Warnings:\n\n  - Made the column `name` on table `User` required.\n*/\n"
                     "SET lock_timeout = '5s';\n\n"
                     "-- AlterTable\n"
                     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DEFAULT 'x',\n"
                     "ADD CONSTRAINT \"User_name_notnull_check\" CHECK (\"name\" IS NOT NULL) "
                     "NOT VALID;\n\n"
                     "-- AlterTable\n"
                     "ALTER TABLE \"public\".\"Post\" ADD CONSTRAINT \"Post_title_notnull_check\" "
                     "CHECK (\"title\" IS NOT NULL) NOT VALID;\n");
    ck_assert(sf.sets_not_null && !sf.validates_foreign_keys);
    ck_assert_uint_eq(sf.nindexes, 1);
    ck_assert_str_eq(sf.indexes[0], "SET lock_timeout = '5s';\n\n-- CreateIndex\n"
                                    "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON "
                                    "\"Post\"(\"title\");\n");
    ck_assert_str_eq(buf_cstr(&sf.validate),
                     "SET lock_timeout = '5s';\n\n"
                     "-- SetNotNull\n"
                     "ALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_name_notnull_check\";\n"
                     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"
                     "ALTER TABLE \"User\" DROP CONSTRAINT \"User_name_notnull_check\";\n\n"
                     "-- SetNotNull\n"
                     "ALTER TABLE \"public\".\"Post\" VALIDATE CONSTRAINT "
                     "\"Post_title_notnull_check\";\n"
                     "ALTER TABLE \"public\".\"Post\" ALTER COLUMN \"title\" SET NOT NULL;\n"
                     "ALTER TABLE \"public\".\"Post\" DROP CONSTRAINT \"Post_title_notnull_check\";\n");
    safe_form_free(&sf);

    /* A table made in the same migration holds no rows: left as it is. */
    const char *fresh = "CREATE TABLE \"T\" (\"a\" INT);\n"
                        "ALTER TABLE \"T\" ALTER COLUMN \"a\" SET NOT NULL;\n";
    safe_form_make(fresh, strlen(fresh), NULL, &sf);
    ck_assert_str_eq(buf_cstr(&sf.main), fresh);
    ck_assert(!sf.sets_not_null);
    safe_form_free(&sf);

    /* Long names: the check's name stays within PostgreSQL's 63 bytes, cut
     * at a character boundary. */
    const char *longer = "ALTER TABLE \"Ééééééééééééééééééééééééééééééééé\" ALTER COLUMN "
                         "\"colonne\" SET NOT NULL;\n";
    safe_form_make(longer, strlen(longer), NULL, &sf);
    const char *c = strstr(buf_cstr(&sf.main), "CONSTRAINT \"") + 12;
    size_t n = strcspn(c, "\"");
    ck_assert_uint_le(n, 63);
    ck_assert_uint_lt((unsigned char)c[n - 15], 0xC0); /* no lead byte without its rest */
    ck_assert(!strncmp(c + n - 14, "_notnull_check", 14));
    safe_form_free(&sf);

    ck_assert(safe_form_lock_timeout_ok("5s") && safe_form_lock_timeout_ok("250ms") &&
              safe_form_lock_timeout_ok("2min") && safe_form_lock_timeout_ok("0"));
    ck_assert(!safe_form_lock_timeout_ok("") && !safe_form_lock_timeout_ok("5 s") &&
              !safe_form_lock_timeout_ok("5s'; DROP TABLE x; --") &&
              !safe_form_lock_timeout_ok("s"));
}
END_TEST

/* The safe form of each locking rule's fixture is what the linter asks
 * for: linted migration after migration, none of RF102, RF104, RF105 or
 * RF108 fires on it. */
START_TEST(lint_finds_nothing_to_fix_in_the_safe_form)
{
    static const char *const ids[] = {"RF102", "RF104", "RF105", "RF108"};
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        char *text = fixture(ids[k], "fires");
        char *last = strstr(text, NEXT_MIGRATION);
        ck_assert_ptr_nonnull(last);
        *last = '\0';
        last += strlen(NEXT_MIGRATION);
        linter l;
        lint_text(&l, text); /* the tables, as before the change */
        safe_form sf;
        safe_form_make(last, strlen(last), "5s", &sf);
        const char *parts[8];
        size_t nparts = 0;
        if (sf.main_has_statements)
            parts[nparts++] = buf_cstr(&sf.main);
        for (size_t i = 0; i < sf.nindexes && nparts < 7; i++)
            parts[nparts++] = sf.indexes[i];
        if (sf.validate.len)
            parts[nparts++] = buf_cstr(&sf.validate);
        for (size_t i = 0; i < nparts; i++) {
            lint_migration(&l, parts[i], strlen(parts[i]));
            for (size_t r = 0; r < sizeof ids / sizeof *ids; r++)
                ck_assert_msg(fired(&l, ids[r]) == 0, "%s fired on the safe form of %s_fires.sql "
                                                      "(migration %zu):\n%s\n%s",
                              ids[r], ids[k], i + 1, parts[i], first_of(&l, ids[r])->message);
        }
        safe_form_free(&sf);
        linter_free(&l);
        free(text);
    }
}
END_TEST

/* ---- the command -------------------------------------------------------------- */

static char dir[] = "/tmp/refract-lint-XXXXXX";
static char out_path[600], err_path[600];

static void setup(void)
{
    strcpy(dir, "/tmp/refract-lint-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
}

static void teardown(void)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void write_file(const char *name, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    static char text[65536];
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int run(const char *args)
{
    const char *bin = getenv("REFRACT_BIN");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s' 2>'%s'", dir, bin ? bin : REFRACT_BIN,
             args, out_path, err_path);
    int status = system(cmd);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void write_project(void)
{
    write_file("prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n");
    write_file("prisma/migrations/migration_lock.toml", MIGRATION_LOCK_CONTENT);
    write_file("prisma/migrations/20240101000000_init/migration.sql",
               "-- CreateTable\nCREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, \"email\" TEXT);\n");
    write_file("prisma/migrations/20240102000000_email/migration.sql",
               "-- CreateIndex\nCREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n");
}

START_TEST(cli_lints_the_project_folder_with_exit_status_for_ci)
{
    write_project();
    ck_assert_int_eq(run("migrate lint"), 1);
    const char *out = slurp(out_path);
    ck_assert_ptr_nonnull(strstr(out, "prisma/migrations/20240102000000_email/migration.sql:2:1: "
                                      "error RF104 CREATE INDEX \"User_email_idx\" on existing "
                                      "table \"User\" without CONCURRENTLY\n  why: "));
    ck_assert_ptr_nonnull(strstr(out, "\n  fix: CREATE INDEX CONCURRENTLY"));
    ck_assert_ptr_nonnull(strstr(out, "prisma/migrations/20240102000000_email/migration.sql:2:1: "
                                      "warning RF108 "));
    ck_assert_ptr_nonnull(strstr(out, "\n2 migrations checked: 1 error, 1 warning\n"));
    /* --since: the first migration is read, not reported; the second is. */
    ck_assert_int_eq(run("migrate lint --since 20240101000000_init"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "1 migration checked: 1 error, 1 warning\n"));
    ck_assert_int_eq(run("migrate lint --since 20240102000000_email"), 0);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "0 migrations checked: 0 errors, 0 warnings\n"));
    /* One migration.sql of the folder: read after the migrations before it,
     * so "User" is known (its index is checked, RF110 can judge it). */
    ck_assert_int_eq(run("migrate lint prisma/migrations/20240102000000_email/migration.sql"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "1 migration checked: 1 error, 1 warning\n"));
    write_file("prisma/migrations/20240103000000_fk/migration.sql",
               "SET lock_timeout = '1s';\n"
               "ALTER TABLE \"User\" ADD COLUMN \"bossId\" INTEGER,\n"
               "  ADD CONSTRAINT \"User_bossId_fkey\" FOREIGN KEY (\"bossId\") REFERENCES "
               "\"User\"(\"id\") NOT VALID;\n");
    ck_assert_int_eq(run("migrate lint prisma/migrations/20240103000000_fk/migration.sql"), 0);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "migration.sql:2:1: warning RF110 foreign key on "
                                                  "\"User\" (\"bossId\") has no index"));
    ck_assert_int_eq(run("migrate lint prisma/migrations/20240103000000_fk/../20240103000000_fk/migration.sql"), 0);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -r '%s/prisma/migrations/20240103000000_fk'", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* Silenced: exit 0. */
    write_file("prisma/migrations/20240102000000_email/migration.sql",
               "-- refract-lint: disable RF104 RF108 (the table is small)\n"
               "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n");
    ck_assert_int_eq(run("migrate lint prisma/migrations"), 0);
    ck_assert_str_eq(slurp(out_path), "2 migrations checked: 0 errors, 0 warnings\n");
}
END_TEST

START_TEST(cli_lints_one_file_as_json_and_warnings_alone_pass)
{
    write_file("add.sql", "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n");
    ck_assert_int_eq(run("migrate lint add.sql"), 0); /* warnings only */
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "add.sql:1:1: warning RF108 the migration locks "
                                                  "a table in use without setting lock_timeout "
                                                  "first\n"));
    write_file("drop.sql", "ALTER TABLE \"User\" DROP COLUMN \"bio\";\n");
    ck_assert_int_eq(run("migrate lint --json drop.sql"), 1);
    const char *out = slurp(out_path);
    ck_assert_ptr_nonnull(strstr(out, "[\n  {\"file\": \"drop.sql\", \"line\": 1, \"col\": 1, "
                                      "\"rule\": \"RF108\""));
    ck_assert_ptr_nonnull(strstr(out, "\"rule\": \"RF106\", \"name\": \"drop-data\", \"level\": "
                                      "\"error\", \"message\": \"DROP COLUMN \\\"bio\\\" of "
                                      "existing table \\\"User\\\"\""));
    ck_assert_int_eq(out[strlen(out) - 2], ']');
}
END_TEST

START_TEST(cli_usage_help_and_missing_input)
{
    ck_assert_int_eq(run("migrate lint --help"), 0);
    const char *out = slurp(out_path);
    ck_assert_ptr_nonnull(strstr(out, "Usage: refract migrate lint"));
    ck_assert_ptr_nonnull(strstr(out, "  RF110 fk-without-index"));
    ck_assert_ptr_nonnull(strstr(out, "-- refract-lint: disable"));
    ck_assert_int_eq(run("migrate lint --bogus"), 2);
    ck_assert_int_eq(run("migrate lint a.sql b.sql"), 2);
    ck_assert_int_eq(run("migrate lint nowhere.sql"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "error: cannot read nowhere.sql"));
    ck_assert_int_eq(run("migrate lint"), 1); /* no schema, so no folder */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_lint");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, every_rule_fires_on_its_fixture_and_not_on_the_safe_form);
    tcase_add_test(tc, rules_have_stable_ids_explanations_and_fixes);
    tcase_add_test(tc, findings_point_at_their_statement);
    tcase_add_test(tc, comments_silence_rules_for_their_migration_only);
    tcase_add_test(tc, quoted_names_comments_and_strings_do_not_fool_it);
    tcase_add_test(tc, lock_timeout_must_come_first_and_be_nonzero);
    tcase_add_test(tc, enum_removal_names_the_removed_values);
    tcase_add_test(tc, header_comment_cannot_be_broken_by_names);
    tcase_add_test(tc, safe_form_moves_indexes_and_defers_foreign_key_checks);
    tcase_add_test(tc, safe_form_sets_not_null_through_a_validated_check);
    tcase_add_test(tc, lint_finds_nothing_to_fix_in_the_safe_form);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_add_checked_fixture(cli, setup, teardown);
    tcase_add_test(cli, cli_lints_the_project_folder_with_exit_status_for_ci);
    tcase_add_test(cli, cli_lints_one_file_as_json_and_warnings_alone_pass);
    tcase_add_test(cli, cli_usage_help_and_missing_input);
    suite_add_tcase(s, cli);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
