/*
 * test_template.c — the template engine the emitter lays C out with.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Pieces handed to a flush callback: collected, counted, refused after `stop`. */
typedef struct pieces {
    buf all;
    int calls, stop;
} pieces;

static bool collect(void *ctx, const buf *text)
{
    pieces *p = ctx;
    if (++p->calls == p->stop)
        return false;
    buf_put(&p->all, text->data ? text->data : "", text->len);
    return true;
}

/* A large output reaches the flush callback in several pieces whose
 * concatenation is exactly what tpl_render writes; a refused piece stops
 * the rendering with an error. */
START_TEST(large_output_is_flushed_in_pieces)
{
    char dir[] = "/tmp/refract-tpl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/big.tmpl", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("head\n{{#items}}\nitem {{name}}: some text to make the output large enough\n{{/items}}\ntail\n", f);
    fclose(f);
    tpl_value *ctx = tpl_new_obj(&A);
    tpl_value *items = tpl_set_new_list(&A, ctx, "items");
    for (int i = 0; i < 20000; i++)
        tpl_set_strf(&A, tpl_push_new_obj(&A, items), "name", "n%d", i);
    tpl_library lib = {dir, &A};
    buf whole = BUF_INIT, scratch = BUF_INIT;
    char *err = NULL;
    ck_assert(tpl_render(&lib, "big.tmpl", ctx, &whole, &err));
    pieces p = {BUF_INIT, 0, 0};
    ck_assert(tpl_render_flushed(&lib, "big.tmpl", ctx, &scratch, collect, &p, &err));
    ck_assert_int_ge(p.calls, 4); /* over 1 MB in pieces of about 256 kB */
    ck_assert_uint_eq(p.all.len, whole.len);
    ck_assert(memcmp(p.all.data, whole.data, whole.len) == 0);
    ck_assert_uint_le(scratch.cap, 512 * 1024); /* never held whole (1.2 MB) */

    pieces refuse = {BUF_INIT, 0, 2};
    ck_assert(!tpl_render_flushed(&lib, "big.tmpl", ctx, &scratch, collect, &refuse, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(refuse.calls, 2);
    free(err);
    buf_free(&whole);
    buf_free(&scratch);
    buf_free(&p.all);
    buf_free(&refuse.all);
    unlink(path);
    rmdir(dir);
}
END_TEST

static void teardown(void) { arena_free(&A); }

int main(void)
{
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, variables_and_paths);
    tcase_add_test(tc, large_output_is_flushed_in_pieces);
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
