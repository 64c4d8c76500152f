/*
 * `refract model --json` is a stable format (docs/model-json.md): the JSON
 * of the sample schemas that have a NAME.model.json beside them must not
 * change unnoticed. After an intended change, regenerate the files with
 * REFRACT_UPDATE_GOLDEN=1 and review the diff.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/model_json.h"
#include "parse/parse.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* 1-based line of the first difference. */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

START_TEST(golden_model_json)
{
    const char *root = getenv("REFRACT_ROOT");
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/schemas/valid", root ? root : ".");
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "%s missing", dir);
    bool update = getenv("REFRACT_UPDATE_GOLDEN") != NULL;
    int checked = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 12 || strcmp(e->d_name + n - 11, ".model.json"))
            continue;
        char golden[4096], schema[4096];
        snprintf(golden, sizeof golden, "%s/%s", dir, e->d_name);
        snprintf(schema, sizeof schema, "%s/%.*s.prisma", dir, (int)(n - 11), e->d_name);
        ast_schema ast = {0};
        arena a = ARENA_INIT;
        diag_list d = DIAG_LIST_INIT;
        model_schema *m = parse_path(&ast, schema, &d) == 0 ? model_resolve(&ast, &a, &d) : NULL;
        ck_assert_msg(m != NULL, "%s does not resolve", schema);
        buf out = BUF_INIT;
        model_to_json(m, &out);
        if (update) {
            FILE *f = fopen(golden, "wb");
            fwrite(out.data, 1, out.len, f);
            fclose(f);
        }
        char *want = slurp(golden);
        ck_assert_msg(want && !strcmp(want, buf_cstr(&out)),
                      "%s differs from the model at line %d (REFRACT_UPDATE_GOLDEN=1 rewrites it)",
                      golden, want ? first_difference(want, buf_cstr(&out)) : 0);
        free(want);
        buf_free(&out);
        arena_free(&a);
        diag_list_free(&d);
        ast_schema_free(&ast);
        checked++;
    }
    closedir(dp);
    ck_assert_int_gt(checked, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, golden_model_json);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
