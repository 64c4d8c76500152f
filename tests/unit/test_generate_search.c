/*
 * test_generate_search.c — Prisma's `search` filter exists in a generated
 * client only when its generator enables full-text search for PostgreSQL
 * (`previewFeatures = ["fullTextSearchPostgres"]`, or `fullTextSearch`,
 * the name Prisma 4 and 5 used): without it, a program that writes
 * `.title = { .search = ... }` does not compile; with it, it does, and the
 * field's descriptor flags say so (RF_FIELD_SEARCH) to the runtime. The
 * query's `order_by_relevance` (Prisma's orderBy _relevance) follows the
 * same rule.
 *
 * Needs REFRACT_BIN and REFRACT_ROOT (set by the Makefile) and a C compiler
 * (cc).
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *schema_text =
    "datasource db {\n  provider = \"postgresql\"\n}\n"
    "generator client {\n  provider = \"refract\"\n  prefix = \"db\"\n%s}\n"
    "model Post {\n  id Int @id @default(autoincrement())\n  title String\n"
    "  body String?\n  tags String[]\n  meta Json?\n}\n";

static const char *program =
    "#include \"db.h\"\n"
    "int main(void)\n{\n"
    "    db_post_where w = {.title = {.search = \"cat & dog\"}, .body = RF_CONTAINS(\"x\")};\n"
    "    db_post_query q = {.where = &w, .order_by_relevance = {\n"
    "        (db_post_field[]){DB_POST_BY_TITLE}, 1, \"cat\", RF_DESC}};\n"
    "    return q.where->title.search == 0;\n}\n";

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void write_file(const char *path, const char *fmt, const char *arg)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, fmt, arg);
    fclose(f);
}

/* Generates the schema with `generator_extra` in its generator block into
 * a fresh directory; returns the directory, db.h's text in *header, and
 * whether `program` compiles against it in *compiles. */
static char *generate(const char *generator_extra, char **header, char **source, bool *compiles)
{
    const char *bin = getenv("REFRACT_BIN"), *root = getenv("REFRACT_ROOT");
    ck_assert_ptr_nonnull(bin);
    ck_assert_ptr_nonnull(root);
    char tmpl[] = "/tmp/refract-search-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    char *dir = strdup(tmpl), *path = NULL, *cmd = NULL;
    ck_assert_int_ge(asprintf(&path, "%s/schema.prisma", dir), 0);
    write_file(path, schema_text, generator_extra);
    free(path);
    ck_assert_int_ge(asprintf(&cmd, "'%s' generate --schema '%s/schema.prisma' --out '%s' >/dev/null 2>&1",
                              bin, dir, dir),
                     0);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    ck_assert_int_ge(asprintf(&path, "%s/use.c", dir), 0);
    write_file(path, "%s", program);
    free(path);
    ck_assert_int_ge(asprintf(&cmd,
                              "cc -std=c11 -Wall -Wextra -Werror -I'%s/runtime' -I'%s' "
                              "-fsyntax-only '%s/use.c' 2>/dev/null",
                              root, dir, dir),
                     0);
    *compiles = system(cmd) == 0;
    free(cmd);
    ck_assert_int_ge(asprintf(&path, "%s/db.h", dir), 0);
    *header = read_file(path);
    free(path);
    ck_assert_int_ge(asprintf(&path, "%s/db.c", dir), 0);
    *source = read_file(path);
    free(path);
    return dir;
}

static void remove_dir(char *dir)
{
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(dir);
}

START_TEST(without_the_preview_feature_there_is_no_search)
{
    char *h, *c;
    bool compiles;
    char *dir = generate("", &h, &c, &compiles);
    ck_assert_msg(!compiles, "`.search` compiled without fullTextSearchPostgres");
    ck_assert_ptr_nonnull(strstr(h, "rf_text_filter title;"));
    ck_assert_ptr_null(strstr(h, "rf_search_filter"));
    ck_assert_ptr_null(strstr(h, "order_by_relevance"));
    ck_assert_ptr_nonnull(strstr(c, "{\"title\", NULL, RF_KIND_TEXT, 0, "));
    free(h);
    free(c);
    remove_dir(dir);
}
END_TEST

START_TEST(with_the_preview_feature_string_fields_have_search)
{
    const char *names[] = {"  previewFeatures = [\"fullTextSearchPostgres\"]\n",
                           "  previewFeatures = [\"views\", \"fullTextSearch\"]\n"};
    for (int i = 0; i < 2; i++) {
        char *h, *c;
        bool compiles;
        char *dir = generate(names[i], &h, &c, &compiles);
        ck_assert_msg(compiles, "`.search` did not compile with %s", names[i]);
        ck_assert_ptr_nonnull(strstr(h, "rf_search_filter title;"));
        ck_assert_ptr_nonnull(strstr(h, "rf_search_filter body;"));
        /* The descriptor tells the runtime (RF_FIELD_SEARCH, 64). */
        ck_assert_ptr_nonnull(strstr(c, "{\"title\", NULL, RF_KIND_TEXT, 64, "));
        ck_assert_ptr_nonnull(strstr(h, "order_by_relevance;"));
        /* Lists and Json keep their own filters. */
        ck_assert_ptr_nonnull(strstr(h, "rf_text_list_filter tags;"));
        ck_assert_ptr_nonnull(strstr(h, "rf_json_filter meta;"));
        free(h);
        free(c);
        remove_dir(dir);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generate_search");
    TCase *tc = tcase_create("search in generated clients");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, without_the_preview_feature_there_is_no_search);
    tcase_add_test(tc, with_the_preview_feature_string_fields_have_search);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
