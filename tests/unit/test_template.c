/*
 * test_template.c — the template engine the emitter lays C out with.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emit/template.h"

static arena A;

static char *render(const char *text, const tpl_value *ctx)
{
    buf out = BUF_INIT;
    char *err = NULL;
    bool ok = tpl_render_text(NULL, "t", text, strlen(text), ctx, &out, &err);
    if (!ok) {
        buf_free(&out);
        return err; /* the caller compares messages too */
    }
    return buf_steal(&out);
}

#define ASSERT_RENDERS(text, ctx, expected)                                                       \
    do {                                                                                          \
        char *got_ = render((text), (ctx));                                                       \
        ck_assert_str_eq(got_, (expected));                                                       \
        free(got_);                                                                               \
    } while (0)

START_TEST(variables_and_paths)
{
    tpl_value *ctx = tpl_new_obj(&A);
    tpl_set_str(&A, ctx, "name", "user");
    tpl_value *m = tpl_set_new_obj(&A, ctx, "model");
    tpl_set_str(&A, m, "table", "\"User\"");
    ASSERT_RENDERS("typedef struct db_{{name}} {{model.table}};", ctx,
                   "typedef struct db_user \"User\";");
}
END_TEST

START_TEST(lists_with_separators_and_outer_lookup)
{
    tpl_value *ctx = tpl_new_obj(&A);
    tpl_set_str(&A, ctx, "prefix", "db");
    tpl_value *fields = tpl_set_new_list(&A, ctx, "fields");
    const char *names[] = {"id", "email", "name"};
    for (int i = 0; i < 3; i++)
        tpl_set_str(&A, tpl_push_new_obj(&A, fields), "name", names[i]);
    ASSERT_RENDERS("{{#fields}}{{prefix}}.{{name}}{{^-last}}, {{/-last}}{{/fields}}", ctx,
                   "db.id, db.email, db.name");
    ASSERT_RENDERS("{{#fields}}{{-index}}{{#-first}}!{{/-first}}{{/fields}}", ctx, "0!12");
}
END_TEST

START_TEST(standalone_tags_leave_no_blank_lines)
{
    tpl_value *ctx = tpl_new_obj(&A);
    tpl_set_bool(&A, ctx, "yes", true);
    tpl_set_bool(&A, ctx, "no", false);
    tpl_value *items = tpl_set_new_list(&A, ctx, "items");
    tpl_set_str(&A, tpl_push_new_obj(&A, items), "v", "a");
    tpl_set_str(&A, tpl_push_new_obj(&A, items), "v", "b");
    ASSERT_RENDERS("begin\n"
                   "{{! a comment line }}\n"
                   "  {{#items}}\n"
                   "    item {{v}}\n"
                   "  {{/items}}\n"
                   "{{#no}}\n"
                   "never\n"
                   "{{/no}}\n"
                   "{{^no}}\n"
                   "inverted\n"
                   "{{/no}}\n"
                   "end {{#yes}}inline{{/yes}}\n",
                   ctx, "begin\n    item a\n    item b\ninverted\nend inline\n");
}
END_TEST

START_TEST(empty_values_are_false)
{
    tpl_value *ctx = tpl_new_obj(&A);
    tpl_set_str(&A, ctx, "empty", "");
    tpl_set_new_list(&A, ctx, "none");
    ASSERT_RENDERS("{{#empty}}x{{/empty}}{{^empty}}e{{/empty}}{{^none}}n{{/none}}{{^missing}}m{{/missing}}",
                   ctx, "enm");
}
END_TEST

START_TEST(errors_name_the_line)
{
    tpl_value *ctx = tpl_new_obj(&A);
    ASSERT_RENDERS("a\n{{#open}}\nb", ctx, "t:2: section 'open' is never closed");
    ASSERT_RENDERS("{{#a}}{{/b}}", ctx, "t:1: '{{/b}}' closes section 'a' (opened on line 1)");
    ASSERT_RENDERS("x\n\n{{nope}}", ctx, "t:3: no value named 'nope'");
    ASSERT_RENDERS("{{/z}}", ctx, "t:1: '{{/z}}' closes no open section");
}
END_TEST

START_TEST(embedded_templates_are_found)
{
    size_t len = 0;
    ck_assert_ptr_nonnull(tpl_lookup(NULL, "client.h.tmpl", &len));
    ck_assert_uint_gt(len, 0);
    ck_assert_ptr_null(tpl_lookup(NULL, "no-such.tmpl", &len));
}
END_TEST

static void teardown(void) { arena_free(&A); }

int main(void)
{
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, variables_and_paths);
    tcase_add_test(tc, lists_with_separators_and_outer_lookup);
    tcase_add_test(tc, standalone_tags_leave_no_blank_lines);
    tcase_add_test(tc, empty_values_are_false);
    tcase_add_test(tc, errors_name_the_line);
    tcase_add_test(tc, embedded_templates_are_found);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
