/*
 * test_cli_docs.c — the man pages and shell completion a user installs:
 * one page per command and subcommand, each a valid page that man renders,
 * completion that knows every command and option, and `make install`
 * putting them where man, bash and zsh look.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

static char dir[] = "/tmp/refract-docs-XXXXXX";

static void setup(void)
{
    strcpy(dir, "/tmp/refract-docs-XXXXXX");
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

static char out[1 << 16];

/* Runs a shell command in the temp folder; its stdout+stderr in `out`. */
static int sh(const char *cmd)
{
    char full[4096], path[600];
    snprintf(full, sizeof full, "cd '%s' && (%s) >out.txt 2>&1", dir, cmd);
    int status = system(full);
    ck_assert(WIFEXITED(status));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    return WEXITSTATUS(status);
}

static bool exists(const char *rel)
{
    char path[800];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

static void make_docs(void)
{
    const char *root = getenv("REFRACT_ROOT");
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "sh '%s/tools/mkcli.sh' '%s' docs", root ? root : ".", bin());
    ck_assert_msg(sh(cmd) == 0, "%s", out);
}

START_TEST(a_page_for_every_command)
{
    make_docs();
    ck_assert(exists("docs/man/refract.1"));
    /* every command refract --help lists, and every subcommand */
    static const char *const pages[] = {"refract-validate", "refract-format", "refract-generate",
                                        "refract-migrate", "refract-migrate-dev", "refract-migrate-deploy",
                                        "refract-migrate-status", "refract-migrate-reset", "refract-db",
                                        "refract-db-push", "refract-db-seed", "refract-erd", "refract-init"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        char rel[200], cmd[400];
        snprintf(rel, sizeof rel, "docs/man/%s.1", pages[i]);
        ck_assert_msg(exists(rel), "no page %s", rel);
        snprintf(cmd, sizeof cmd, "grep -c '^\\.TH \\|^\\.SH NAME\\|^\\.SH SYNOPSIS\\|^\\.SH DESCRIPTION' %s", rel);
        ck_assert_int_eq(sh(cmd), 0);
        ck_assert_str_eq(out, "4\n");
    }
    /* the count matches what --help lists: nothing forgotten, nothing extra */
    char cmd[1000];
    snprintf(cmd, sizeof cmd,
             "n=$('%s' --help | awk '/^Commands:/{on=1;next} on&&/^$/{exit} on{print $1}' | wc -l); "
             "m=$(ls docs/man/refract-*.1 | grep -vc 'refract-[a-z]*-'); test $n -eq $m",
             bin());
    ck_assert_msg(sh(cmd) == 0, "%s", out);
    /* man renders each one without a warning, where man is installed */
    if (sh("command -v man") != 0) {
        printf("man rendering skipped: man is not installed\n");
        return;
    }
    ck_assert_int_eq(sh("for p in docs/man/*.1; do MANWIDTH=80 man --warnings -l $p >/dev/null || exit 1; done"), 0);
    ck_assert_msg(strstr(out, "warning") == NULL, "%s", out);
    ck_assert_int_eq(sh("MANWIDTH=80 man -l docs/man/refract-migrate-dev.1"), 0);
    ck_assert_ptr_nonnull(strstr(out, "--create-only"));
}
END_TEST

START_TEST(bash_completion_knows_commands_and_options)
{
    make_docs();
    ck_assert_int_eq(sh("bash -n docs/completion/refract.bash"), 0);
    static const struct {
        const char *words;
        int cword;
        const char *want;
    } cases[] = {
        {"refract mig", 1, "migrate"},
        {"refract migrate d", 2, "diff dev deploy down"}, /* down: from its --help, no edit needed */
        {"refract migrate dev --cr", 3, "--create-only"},
        {"refract erd --format ''", 3, "mermaid dot svg"},
        {"refract validate --j", 2, "--json"},
        {"refract db s", 2, "seed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char cmd[1000];
        snprintf(cmd, sizeof cmd,
                 "bash -c 'source docs/completion/refract.bash; COMP_WORDS=(%s); COMP_CWORD=%d; _refract; "
                 "echo \"${COMPREPLY[*]}\"'",
                 cases[i].words, cases[i].cword);
        /* the single quotes of '' inside: use $'' quoting instead */
        if (strstr(cases[i].words, "''"))
            snprintf(cmd, sizeof cmd,
                     "bash -c 'source docs/completion/refract.bash; COMP_WORDS=(refract erd --format \"\"); "
                     "COMP_CWORD=3; _refract; echo \"${COMPREPLY[*]}\"'");
        ck_assert_int_eq(sh(cmd), 0);
        out[strcspn(out, "\n")] = 0;
        ck_assert_msg(!strcmp(out, cases[i].want), "%s: got '%s', want '%s'", cases[i].words, out,
                      cases[i].want);
    }
    if (sh("command -v zsh") == 0)
        ck_assert_int_eq(sh("zsh -n docs/completion/_refract"), 0);
    else
        printf("zsh syntax check skipped: zsh is not installed\n");
}
END_TEST

/* `make install DESTDIR=` puts the pages and completion where they are found. */
START_TEST(install_puts_them_in_place)
{
    const char *root = getenv("REFRACT_ROOT"), *build = getenv("REFRACT_BUILD");
    if (!root || !build) {
        printf("install skipped: REFRACT_ROOT/REFRACT_BUILD unset\n");
        return;
    }
    char cmd[2000];
    /* a make of its own: not a job of the make that runs the tests */
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '%s' install BUILD='%s' PREFIX=/usr "
             "DESTDIR='%s/root'",
             root, build, dir);
    ck_assert_msg(sh(cmd) == 0, "%s", out);
    ck_assert(exists("root/usr/share/man/man1/refract.1"));
    ck_assert(exists("root/usr/share/man/man1/refract-migrate-deploy.1"));
    ck_assert(exists("root/usr/share/bash-completion/completions/refract"));
    ck_assert(exists("root/usr/share/zsh/site-functions/_refract"));
    ck_assert(exists("root/usr/bin/refract"));
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '%s' uninstall BUILD='%s' PREFIX=/usr "
             "DESTDIR='%s/root' && test -z \"$(find root -type f)\"",
             root, build, dir);
    ck_assert_msg(sh(cmd) == 0, "left behind: %s", out);
}
END_TEST

static Suite *docs_suite(void)
{
    Suite *s = suite_create("cli_docs");
    TCase *tc = tcase_create("docs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_page_for_every_command);
    tcase_add_test(tc, bash_completion_knows_commands_and_options);
    tcase_add_test(tc, install_puts_them_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(docs_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
