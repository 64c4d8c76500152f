/*
 * test_cmd_init.c — `refract init` starts a project a user can build on,
 * never overwrites their schema; `refract db seed` runs the configured
 * command with the project's DATABASE_URL and reports its failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

static char dir[] = "/tmp/refract-init-XXXXXX";

static void setup(void)
{
    strcpy(dir, "/tmp/refract-init-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static const char *bin(void)
{
    const char *b = getenv("REFRACT_BIN");
    return b ? b : REFRACT_BIN;
}

/* Runs a shell command in the project folder; output into out.txt. */
static int sh(const char *fmt, const char *arg)
{
    char inner[3000], cmd[4000];
    snprintf(inner, sizeof inner, fmt, arg);
    snprintf(cmd, sizeof cmd, "cd '%s' && (%s) >out.txt 2>&1", dir, inner);
    int status = system(cmd);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int run(const char *args)
{
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "env -u DATABASE_URL NO_COLOR=1 '%s' %s", bin(), args);
    return sh("%s", cmd);
}

static char *slurp(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[4][1 << 15];
    static int which;
    char *t = text[which++ % 4];
    size_t n = fread(t, 1, sizeof text[0] - 1, f);
    t[n] = 0;
    fclose(f);
    return t;
}

static void put(const char *name, const char *text, const char *mode)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, mode);
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(init_creates_a_project_that_validates)
{
    ck_assert_int_eq(run("init"), 0);
    const char *schema = slurp("prisma/schema.prisma");
    ck_assert_ptr_nonnull(schema);
    ck_assert_ptr_nonnull(strstr(schema, "  provider = \"refract\"\n"));
    ck_assert_ptr_nonnull(strstr(schema, "  url      = env(\"DATABASE_URL\")\n"));
    ck_assert_ptr_nonnull(strstr(slurp(".env"), "DATABASE_URL=\"postgresql://"));
    ck_assert_str_eq(slurp(".gitignore"), ".env\n");
    ck_assert_ptr_nonnull(strstr(slurp("refract.mk"), "REFRACT_CLIENT := $(REFRACT_GEN)/db.c\n"));
    ck_assert_int_eq(run("validate"), 0);
}
END_TEST

START_TEST(init_never_overwrites_a_schema)
{
    mkdir(strcat(strcpy((char[700]){0}, dir), "/prisma"), 0777);
    put("prisma/schema.prisma", "// mine\n", "w");
    ck_assert_int_eq(run("init"), 1);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "prisma/schema.prisma already exists"));
    ck_assert_str_eq(slurp("prisma/schema.prisma"), "// mine\n");
    ck_assert_ptr_null(slurp(".env")); /* nothing else written either */
    ck_assert_ptr_null(slurp("refract.mk"));
}
END_TEST

START_TEST(init_keeps_what_the_user_has)
{
    put(".env", "OTHER=1", "w");             /* no final newline */
    put(".gitignore", "build/\n", "w");
    put("refract.mk", "# mine\n", "w");
    ck_assert_int_eq(run("init --url postgresql://me@db:5432/app --prefix app --output ../src/gen"), 0);
    ck_assert_str_eq(slurp(".env"), "OTHER=1\nDATABASE_URL=\"postgresql://me@db:5432/app\"\n");
    ck_assert_str_eq(slurp(".gitignore"), "build/\n.env\n");
    ck_assert_str_eq(slurp("refract.mk"), "# mine\n");
    ck_assert_ptr_nonnull(strstr(slurp("prisma/schema.prisma"), "  output   = \"../src/gen\"\n  prefix   = \"app\"\n"));
    /* a second project in the same place: .env keeps its URL */
    ck_assert_int_eq(sh("rm -rf prisma", NULL), 0);
    ck_assert_int_eq(run("init"), 0);
    ck_assert_str_eq(slurp(".env"), "OTHER=1\nDATABASE_URL=\"postgresql://me@db:5432/app\"\n");
    ck_assert_str_eq(slurp(".gitignore"), "build/\n.env\n");
}
END_TEST

START_TEST(init_rejects_bad_options)
{
    ck_assert_int_eq(run("init --url mysql://x"), 2);
    ck_assert_int_eq(run("init --url 'postgresql://x\"y'"), 2);
    ck_assert_int_eq(run("init --prefix 9lives"), 2);
    ck_assert_int_eq(run("init --bogus"), 2);
    ck_assert_ptr_null(slurp("prisma/schema.prisma"));
    ck_assert_int_eq(run("init --help"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "Usage: refract init"));
}
END_TEST

/* The fragment regenerates the client from the schema and builds a program
 * on it (librefract's flags given directly: it is not installed here). */
START_TEST(refract_mk_builds_a_program)
{
    const char *root = getenv("REFRACT_ROOT"), *build = getenv("REFRACT_BUILD");
    if (!root || !build) {
        printf("refract.mk build skipped: REFRACT_ROOT/REFRACT_BUILD unset\n");
        return;
    }
    ck_assert_int_eq(run("init"), 0);
    put("prisma/schema.prisma", "model Note {\n  id Int @id @default(autoincrement())\n  text String\n}\n", "a");
    put("main.c", "#include \"db.h\"\nint main(void) { db_note n = {0}; (void)n; return 0; }\n", "w");
    put("Makefile", "include refract.mk\napp: main.c $(REFRACT_CLIENT)\n"
                    "\t$(CC) -std=c11 -Wall -Werror $(REFRACT_CFLAGS) -o $@ main.c $(REFRACT_CLIENT) $(REFRACT_LIBS)\n",
        "w");
    /* a sanitized librefract (make check-asan) needs the sanitizers at link */
    const char *san = getenv("REFRACT_SAN");
    char cmd[2500];
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s app REFRACT='%s' "
             "REFRACT_CFLAGS='-Igen -I%s/runtime -I/usr/include/postgresql' "
             "REFRACT_LIBS='%s/librefract.a -lpq %s' && ./app",
             bin(), root, build, san ? san : "");
    ck_assert_msg(sh("%s", cmd) == 0, "%.600s", slurp("out.txt"));
    ck_assert_ptr_nonnull(slurp("gen/db.h"));
    /* `make` with no goal builds the program, not just the client: the
     * fragment comes first in the Makefile but its rule is not the default */
    ck_assert_int_eq(sh("rm -rf app gen", NULL), 0);
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s REFRACT='%s' "
             "REFRACT_CFLAGS='-Igen -I%s/runtime -I/usr/include/postgresql' "
             "REFRACT_LIBS='%s/librefract.a -lpq %s' && ./app",
             bin(), root, build, san ? san : "");
    ck_assert_msg(sh("%s", cmd) == 0, "%.600s", slurp("out.txt"));
}
END_TEST

/* ---- db seed ------------------------------------------------------------------ */

static const char seeded_schema[] =
    "generator client {\n  provider = \"refract\"\n  seed = \"echo \\\"seeded $DATABASE_URL\\\" > seed.log\"\n}\n"
    "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";

START_TEST(db_seed_runs_the_command_with_the_url)
{
    put("schema.prisma", seeded_schema, "w");
    put(".env", "DATABASE_URL=\"postgresql://seed@localhost/x\"\n", "w");
    ck_assert_int_eq(run("db seed"), 0);
    ck_assert_str_eq(slurp("seed.log"), "seeded postgresql://seed@localhost/x\n");
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "The seed command has been executed."));
    /* --url wins */
    ck_assert_int_eq(run("db seed --url postgresql://other/y"), 0);
    ck_assert_str_eq(slurp("seed.log"), "seeded postgresql://other/y\n");
}
END_TEST

START_TEST(db_seed_failure_and_absence)
{
    put("schema.prisma", "generator client {\n  provider = \"refract\"\n  seed = \"exit 3\"\n}\n", "w");
    ck_assert_int_eq(run("db seed"), 1);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "the seed command `exit 3` failed with exit status 3"));
    put("schema.prisma", "generator client {\n  provider = \"refract\"\n  seed = \"./no-such-seed\"\n}\n", "w");
    ck_assert_int_eq(run("db seed"), 1);
    put("schema.prisma", "generator client {\n  provider = \"refract\"\n}\n", "w");
    ck_assert_int_eq(run("db seed"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "No seed command configured"));
    ck_assert_int_eq(run("db seed --help"), 0);
    ck_assert_int_eq(run("db seed --bogus"), 2);
}
END_TEST

static Suite *init_suite(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("init");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, init_creates_a_project_that_validates);
    tcase_add_test(tc, init_never_overwrites_a_schema);
    tcase_add_test(tc, init_keeps_what_the_user_has);
    tcase_add_test(tc, init_rejects_bad_options);
    tcase_add_test(tc, refract_mk_builds_a_program);
    tcase_add_test(tc, db_seed_runs_the_command_with_the_url);
    tcase_add_test(tc, db_seed_failure_and_absence);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(init_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
