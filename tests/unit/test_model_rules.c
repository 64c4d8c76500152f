/*
 * Each validation rule with a valid and an invalid case.
 *
 * schemas/invalid/NAME.prisma breaks one rule; NAME.expected holds the first
 * diagnostic refract must give, as `error: ...` or `warning: ...`, and may
 * go on with `Validation Error Count: N` (Prisma's closing line) when the
 * number of errors matters: Prisma stops after some phases. For the
 * rules Prisma has, the text is Prisma 7's own (taken with the prisma-oracle
 * tool); the others (provider, C names, what Prisma 7 dropped) are refract's.
 * The schemas in schemas/valid exercise the positive side of every rule and must
 * resolve with no diagnostic at all.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "parse/parse.h"

/* The first line of an .expected file, and the error count its optional
 * `Validation Error Count: N` line gives (-1 when it has none). */
static char *read_expected(const char *path, long *count)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char line[4096];
    char more[256];
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    *count = -1;
    if (fgets(more, sizeof more, f) && !strncmp(more, "Validation Error Count: ", 24))
        *count = strtol(more + 24, NULL, 10);
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    return line;
}

/* Diagnostics of parse + resolve; NULL model means errors. */
static model_schema *run(const char *path, ast_schema *ast, arena *a, diag_list *d)
{
    if (parse_path(ast, path, d) > 0)
        return NULL;
    return model_resolve(ast, a, d);
}

static const char *root_dir(void)
{
    const char *root = getenv("REFRACT_ROOT");
    return root ? root : ".";
}

/* The message's first line equals `want`. */
static bool first_line_is(const char *msg, const char *want)
{
    size_t n = strcspn(msg, "\n");
    return strlen(want) == n && !strncmp(msg, want, n);
}

START_TEST(invalid_schemas_give_the_expected_diagnostic)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/schemas/invalid", root_dir());
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "%s missing", dir);
    struct dirent *e;
    int cases = 0, failed = 0;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma"))
            continue;
        char path[4096], expath[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(expath, sizeof expath, "%s/%.*s.expected", dir, (int)(n - 7), e->d_name);
        long want_count;
        const char *want = read_expected(expath, &want_count);
        if (!want)
            continue; /* another suite's case */
        cases++;
        bool is_error = !strncmp(want, "error: ", 7);
        const char *msg = want + (is_error ? 7 : 9);
        ast_schema ast = {0};
        arena a = ARENA_INIT;
        diag_list d = DIAG_LIST_INIT;
        model_schema *m = run(path, &ast, &a, &d);
        bool ok;
        if (is_error) {
            const char *first = NULL;
            for (size_t i = 0; i < d.count && !first; i++)
                if (d.items[i].severity == DIAG_ERROR)
                    first = d.items[i].message;
            ok = m == NULL && first && first_line_is(first, msg) &&
                 (want_count < 0 || (long)d.nerrors == want_count);
        } else {
            ok = m != NULL && d.nerrors == 0;
            bool found = false;
            for (size_t i = 0; i < d.count; i++)
                found |= d.items[i].severity == DIAG_WARNING && first_line_is(d.items[i].message, msg);
            ok &= found;
        }
        if (!ok) {
            failed++;
            fprintf(stderr, "%s\n  want: %s (%ld errors)\n  got:  %s (%zu errors)\n", e->d_name,
                    want, want_count, d.count ? d.items[0].message : "(nothing)", d.nerrors);
        }
        arena_free(&a);
        diag_list_free(&d);
        ast_schema_free(&ast);
    }
    closedir(dp);
    fprintf(stderr, "invalid schemas: %d cases, %d failed\n", cases, failed);
    ck_assert_int_gt(cases, 50);
    ck_assert_int_eq(failed, 0);
}
END_TEST

START_TEST(valid_schemas_are_clean)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/schemas/valid", root_dir());
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "%s missing", dir);
    struct dirent *e;
    int cases = 0;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ast_schema ast = {0};
        arena a = ARENA_INIT;
        diag_list d = DIAG_LIST_INIT;
        model_schema *m = run(path, &ast, &a, &d);
        ck_assert_msg(m != NULL && d.count == 0, "%s: %s", e->d_name,
                      d.count ? d.items[0].message : "no model");
        cases++;
        arena_free(&a);
        diag_list_free(&d);
        ast_schema_free(&ast);
    }
    closedir(dp);
    ck_assert_int_gt(cases, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, invalid_schemas_give_the_expected_diagnostic);
    tcase_add_test(tc, valid_schemas_are_clean);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
