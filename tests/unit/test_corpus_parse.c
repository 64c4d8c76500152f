/*
 * test_corpus_parse.c — real schemas parse: every schema of
 * $REFRACT_SHARED/corpus/real (files and multi-file folders, every
 * provider) with zero errors; every Prisma validation fixture without a
 * crash, and with zero errors when Prisma expects it to be valid.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"

static const char *corpus_dir(const char *sub)
{
    static char path[4096];
    const char *shared = getenv("REFRACT_SHARED");
    struct stat st;
    if (!shared || !*shared)
        return NULL;
    snprintf(path, sizeof path, "%s/corpus/%s", shared, sub);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return path;
}

START_TEST(real_schemas_parse_without_errors)
{
    const char *dir = corpus_dir("real");
    if (!dir) {
        fprintf(stderr, "test_corpus_parse: REFRACT_SHARED/corpus/real not found, skipped\n");
        return;
    }
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t schemas = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ast_schema schema = {0};
        diag_list diags = DIAG_LIST_INIT;
        size_t n = parse_path(&schema, path, &diags);
        if (n) {
            diag_print(stderr, &diags, false);
            ck_abort_msg("%s: %zu errors", path, n);
        }
        ck_assert_msg(schema.nblocks > 0, "%s: no blocks", path);
        schemas++;
        diag_list_free(&diags);
        ast_schema_free(&schema);
    }
    closedir(d);
    ck_assert_uint_gt(schemas, 0);
    fprintf(stderr, "test_corpus_parse: %zu real schemas parsed\n", schemas);
}
END_TEST

/* Whether a fixture's expected output (its trailing `//` lines) holds an
 * error: fixtures without one must validate cleanly, so parse cleanly. */
static bool expects_error(const char *text)
{
    return strstr(text, "// error:") || strstr(text, "// \x1b[1;91merror");
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return text;
}

static void walk_fixtures(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk_fixtures(path, count);
            continue;
        }
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 7, ".prisma"))
            continue;
        size_t n;
        char *text = read_all(path, &n);
        ast_schema schema = {0};
        diag_list diags = DIAG_LIST_INIT;
        size_t errors = parse_text(&schema, path, text, n, &diags);
        if (errors && !expects_error(text)) {
            diag_print(stderr, &diags, false);
            ck_abort_msg("%s: %zu errors, Prisma finds none", path, errors);
        }
        (*count)++;
        diag_list_free(&diags);
        ast_schema_free(&schema);
        free(text);
    }
    closedir(d);
}

START_TEST(validation_fixtures_parse)
{
    const char *dir = corpus_dir("psl-validation");
    if (!dir) {
        fprintf(stderr, "test_corpus_parse: REFRACT_SHARED/corpus/psl-validation not found, skipped\n");
        return;
    }
    char root[4096];
    snprintf(root, sizeof root, "%s", dir);
    size_t count = 0;
    walk_fixtures(root, &count);
    ck_assert_uint_gt(count, 0);
    fprintf(stderr, "test_corpus_parse: %zu validation fixtures parsed\n", count);
}
END_TEST

static Suite *corpus_suite(void)
{
    Suite *s = suite_create("corpus parse");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, real_schemas_parse_without_errors);
    tcase_add_test(tc, validation_fixtures_parse);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(corpus_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
