/*
 * test_cmd_validate.c — `refract validate` as a user runs it: exit codes,
 * Prisma's success line, every error printed with its file and place.
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

static char dir[] = "/tmp/refract-validate-XXXXXX";
static char out_path[600], err_path[600];

static void setup(void)
{
    strcpy(dir, "/tmp/refract-validate-XXXXXX");
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

static void write_schema(const char *name, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Run `refract <args>` in the temp folder; returns the exit status. */
static int run(const char *args)
{
    const char *bin = getenv("REFRACT_BIN");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR=1 '%s' %s >'%s' 2>'%s'", dir, bin ? bin : REFRACT_BIN, args,
             out_path, err_path);
    int status = system(cmd);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

START_TEST(valid_schema)
{
    write_schema("schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\nmodel A {\n  id Int @id\n}\n");
    ck_assert_int_eq(run("validate"), 0);
    ck_assert_str_eq(slurp(err_path), "The schema at schema.prisma is valid 🚀\n");
    ck_assert_int_eq(run("validate --schema schema.prisma"), 0);
}
END_TEST

START_TEST(invalid_schema_reports_every_error)
{
    write_schema("bad.prisma", "model A {\n  id Int @id\n  oops !\n}\nnonsense\n");
    ck_assert_int_eq(run("validate --schema bad.prisma"), 1);
    const char *err = slurp(err_path);
    ck_assert_ptr_nonnull(strstr(err, "error: Error validating: This line is not a valid field or attribute "
                                      "definition.\n  -->  bad.prisma:3:3\n"));
    ck_assert_ptr_nonnull(strstr(err, "  -->  bad.prisma:5:1\n"));
    ck_assert_ptr_nonnull(strstr(err, "Validation Error Count: 2"));
    ck_assert_ptr_null(strstr(err, "\x1b[")); /* no colour when not asked */
}
END_TEST

/* SetNull on a partly required foreign key: Prisma's error, both lines of
 * it, without a datasource; its warning (exit 0) with PostgreSQL's keys. */
START_TEST(set_null_on_required_field)
{
    static const char models[] =
        "model A {\n  id Int @id\n  k  Int\n  bs B[]\n  @@unique([id, k])\n}\n"
        "model B {\n  id  Int @id\n  aId Int?\n  aK  Int\n"
        "  a   A? @relation(fields: [aId, aK], references: [id, k], onDelete: SetNull)\n}\n";
    write_schema("schema.prisma", models);
    ck_assert_int_eq(run("validate"), 1);
    const char *err = slurp(err_path);
    ck_assert_ptr_nonnull(strstr(
        err, "error: Error parsing attribute \"@relation\": The `onDelete` referential action of a "
             "relation must not be set to `SetNull` when a referenced field is required.\nEither "
             "choose another referential action, or make the referenced fields optional.\n\n"
             "  -->  schema.prisma:11:10\n"));
    ck_assert_ptr_nonnull(strstr(err, "Validation Error Count: 1"));

    char with_ds[sizeof models + 64];
    snprintf(with_ds, sizeof with_ds, "datasource db {\n  provider = \"postgresql\"\n}\n%s", models);
    write_schema("schema.prisma", with_ds);
    ck_assert_int_eq(run("validate"), 0);
    ck_assert_ptr_nonnull(strstr(
        slurp(err_path),
        "warning: The `onDelete` referential action of a relation should not be set to `SetNull` "
        "when a referenced field is required. We recommend either to choose another referential "
        "action, or to make the referenced fields optional. Read more at "
        "https://pris.ly/d/postgres-set-null \n"));
}
END_TEST

/* A generator prefix that `refract generate` refuses is refused by
 * `validate` too, with the same message, at the value. */
START_TEST(generator_prefix_that_generate_refuses)
{
    write_schema("schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n"
                                  "generator client {\n  provider = \"refract\"\n"
                                  "  prefix   = \"my-db\"\n}\nmodel A {\n  id Int @id\n}\n");
    static const char want[] = "error: prefix \"my-db\" cannot begin C names: use letters, digits "
                               "and '_'\n  -->  schema.prisma:6:14\n";
    ck_assert_int_eq(run("validate"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), want));
    ck_assert_int_eq(run("generate"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), want));

    /* Another generator's prefix is none of refract's business. */
    write_schema("schema.prisma", "generator js {\n  provider = \"prisma-client-js\"\n"
                                  "  prefix   = \"my-db\"\n}\nmodel A {\n  id Int @id\n}\n");
    ck_assert_int_eq(run("validate"), 0);
}
END_TEST

START_TEST(folder_schema)
{
    char sub[700];
    snprintf(sub, sizeof sub, "%s/prisma", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    write_schema("prisma/a.prisma", "model A {\n  id Int @id\n}\n");
    write_schema("prisma/b.prisma", "model B {\n  id Int @id\n  x\n}\n");
    ck_assert_int_eq(run("validate --schema prisma"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "  -->  prisma/b.prisma:3:3\n"));
}
END_TEST

START_TEST(usage_and_missing_schema)
{
    ck_assert_int_eq(run("validate --bogus"), 2);
    ck_assert_int_eq(run("validate --help"), 0);
    ck_assert_ptr_nonnull(strstr(slurp(out_path), "Usage: refract validate"));
    ck_assert_int_eq(run("validate --schema nowhere.prisma"), 1);
    ck_assert_int_eq(run("validate"), 1); /* no schema in the folder */
}
END_TEST

/* A FIFO named schema.prisma is refused at once, never waited on (the
 * Check timeout would fail this test if the open blocked). */
START_TEST(fifo_schema_is_refused)
{
    char path[700];
    snprintf(path, sizeof path, "%s/schema.prisma", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(run("validate --schema schema.prisma"), 1);
    ck_assert_ptr_nonnull(strstr(slurp(err_path), "it is a FIFO, not a regular file"));
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("refract validate");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, valid_schema);
    tcase_add_test(tc, invalid_schema_reports_every_error);
    tcase_add_test(tc, folder_schema);
    tcase_add_test(tc, set_null_on_required_field);
    tcase_add_test(tc, generator_prefix_that_generate_refuses);
    tcase_add_test(tc, usage_and_missing_schema);
    tcase_add_test(tc, fifo_schema_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validate_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
