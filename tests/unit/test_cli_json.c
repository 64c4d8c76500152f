/*
 * test_cli_json.c — `--json` output a CI job or an editor can rely on:
 * valid JSON on stdout (nothing else there), the documented keys, places
 * as 1-based lines and columns, the same exit status as the text form.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_check.h"

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

static char dir[] = "/tmp/refract-json-XXXXXX";

static void setup(void)
{
    strcpy(dir, "/tmp/refract-json-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void put(const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char out[1 << 16];

/* Runs refract; stdout alone into `out`. */
static int run(const char *args)
{
    const char *bin = getenv("REFRACT_BIN");
    char cmd[2048], path[600];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt", dir, bin ? bin : REFRACT_BIN, args);
    int status = system(cmd);
    ck_assert(WIFEXITED(status));
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    return WEXITSTATUS(status);
}

static const char ok_schema[] = "datasource db {\n  provider = \"postgresql\"\n}\n"
                                "model User {\n  id Int @id\n  email String @unique\n}\n";

START_TEST(validate_json_valid_schema)
{
    put("schema.prisma", ok_schema);
    ck_assert_int_eq(run("validate --json"), 0);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "valid", "true");
    json_is(out, "errors", "0");
    json_is(out, "schema", "\"schema.prisma\"");
    json_is(out, "diagnostics", "[]");
}
END_TEST

START_TEST(validate_json_diagnostics_have_places)
{
    /* line 5 col 9: the unknown type; a hostile message text is escaped */
    put("bad.prisma", "datasource db {\n  provider = \"postgresql\"\n}\nmodel A {\n  id Int @id\n  b \"Nope\\\\\n}\n");
    ck_assert_int_eq(run("validate --json --schema bad.prisma"), 1);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "valid", "false");
    json_is(out, "diagnostics.0.severity", "\"error\"");
    json_is(out, "diagnostics.0.code", "\"P1012\"");
    json_is(out, "diagnostics.0.file", "\"bad.prisma\"");
    json_is(out, "diagnostics.0.line", "6");
    ck_assert_ptr_nonnull(json_get(out, "diagnostics.0.column"));
    ck_assert_ptr_nonnull(json_get(out, "diagnostics.0.message"));

    /* a warning: severity and a null code, exit 0 */
    put("warn.prisma", "generator c {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"tracing\"]\n}\n"
                       "datasource db {\n  provider = \"postgresql\"\n}\nmodel A {\n  id Int @id\n}\n");
    ck_assert_int_eq(run("validate --json --schema warn.prisma"), 0);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "warnings", "1");
    json_is(out, "diagnostics.0.severity", "\"warning\"");
    json_is(out, "diagnostics.0.code", "null");
    json_is(out, "diagnostics.0.line", "3");
    json_is(out, "diagnostics.0.column", "3");
}
END_TEST

START_TEST(validate_json_missing_schema)
{
    ck_assert_int_eq(run("validate --json --schema nope.prisma"), 1);
}
END_TEST

START_TEST(diff_json_steps)
{
    put("a.prisma", ok_schema);
    put("b.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n"
                    "model User {\n  id Int @id\n  name String\n}\n"
                    "model Post {\n  id Int @id\n}\n");
    ck_assert_int_eq(run("migrate diff --from-schema a.prisma --to-schema b.prisma --json"), 0);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "empty", "false");
    json_is(out, "dataLoss", "true");
    /* Prisma's order: drop the index, alter the table, create the new one */
    json_is(out, "steps.0.kind", "\"DropIndex\"");
    json_is(out, "steps.0.objectType", "\"index\"");
    json_is(out, "steps.0.object", "\"User_email_key\"");
    json_is(out, "steps.0.table", "\"User\"");
    json_is(out, "steps.1.kind", "\"AlterTable\"");
    json_is(out, "steps.1.object", "\"User\"");
    json_is(out, "steps.1.dataLoss", "true");
    json_is(out, "steps.1.changes.0.kind", "\"DropColumn\"");
    json_is(out, "steps.1.changes.0.column", "\"email\"");
    json_is(out, "steps.1.changes.0.dataLoss", "true");
    json_is(out, "steps.1.changes.1.kind", "\"AddColumn\"");
    json_is(out, "steps.1.changes.1.column", "\"name\"");
    ck_assert_ptr_nonnull(json_get(out, "steps.1.warnings.0"));
    json_is(out, "steps.2.kind", "\"CreateTable\"");
    json_is(out, "steps.2.dataLoss", "false");
    json_is(out, "steps.2.risk", "null");

    ck_assert_int_eq(run("migrate diff --from-schema a.prisma --to-schema a.prisma --json --exit-code"), 0);
    ck_assert_msg(json_valid(out), "%s", out);
    json_is(out, "empty", "true");
    json_is(out, "steps", "[]");
    ck_assert_int_eq(run("migrate diff --from-empty --to-schema a.prisma --json --exit-code"), 2);
    ck_assert_int_eq(run("migrate diff --from-empty --to-schema a.prisma --json --script"), 2);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("cli_json");
    TCase *tc = tcase_create("json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, validate_json_valid_schema);
    tcase_add_test(tc, validate_json_diagnostics_have_places);
    tcase_add_test(tc, validate_json_missing_schema);
    tcase_add_test(tc, diff_json_steps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
