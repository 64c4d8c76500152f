/*
 * test_runtime_header.c — refract.h is included by generated code that users
 * compile with strict flags: it must be clean alone under C11 -pedantic
 * -Werror with gcc and clang (whichever are installed), and usable from C++.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *root(void)
{
    const char *r = getenv("REFRACT_ROOT");
    return r ? r : ".";
}

static bool have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Compiles a translation unit that includes refract.h and uses its macros. */
static int compile(const char *compiler, const char *lang, const char *flags)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "printf '#include \"refract.h\"\\n"
             "#if !RF_VERSION_COMPATIBLE(0, 4, 0)\\n#error version\\n#endif\\n"
             "int main(void) { rf_arena a = RF_ARENA_INIT; rf_result r = RF_RESULT_INIT;"
             " (void)a; (void)r; return RF_OK; }\\n'"
             " | %s -x %s %s -I%s/runtime -fsyntax-only - 2>&1",
             compiler, lang, flags, root());
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char out[4096] = "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int rc = pclose(p);
    if (rc != 0)
        fprintf(stderr, "%s %s %s:\n%s\n", compiler, lang, flags, out);
    return rc;
}

START_TEST(test_pedantic_c11_with_every_compiler)
{
    const char *compilers[] = { "gcc", "clang", "cc" };
    int tried = 0;
    for (size_t i = 0; i < sizeof compilers / sizeof compilers[0]; i++) {
        if (!have(compilers[i]))
            continue;
        tried++;
        ck_assert_int_eq(compile(compilers[i], "c", "-std=c11 -Wall -Wextra -Werror -pedantic"), 0);
        ck_assert_int_eq(compile(compilers[i], "c", "-std=c17 -Wall -Wextra -Werror -pedantic"), 0);
    }
    ck_assert_int_gt(tried, 0);
}
END_TEST

START_TEST(test_usable_from_cplusplus)
{
    const char *compilers[] = { "g++", "clang++" };
    for (size_t i = 0; i < sizeof compilers / sizeof compilers[0]; i++)
        if (have(compilers[i]))
            ck_assert_int_eq(compile(compilers[i], "c++", "-std=c++11 -Wall -Wextra -Werror"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_header");
    TCase *tc = tcase_create("header");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pedantic_c11_with_every_compiler);
    tcase_add_test(tc, test_usable_from_cplusplus);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
