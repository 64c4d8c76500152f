/*
 * test_generate_corpus.c — every PostgreSQL schema of the shared corpus of
 * real-world projects generates a C client that compiles warning-free
 * under gcc and clang (-std=c11 -Wall -Wextra -Werror -pedantic).
 *
 * Needs REFRACT_SHARED (skips without it), REFRACT_BIN and REFRACT_ROOT
 * (set by the Makefile). Compilers that are not installed are skipped.
 *
 * Compiling is most of `make check`'s time, so by default each schema is
 * compiled by one compiler, taking turns (both compilers still see half the
 * corpus); with REFRACT_CHECK_FULL=1 (`make check-full`, what CI runs) every
 * schema is compiled by every compiler.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_full.h"
#include "util/buf.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Whether the text of a file names a PostgreSQL provider. */
static bool file_is_postgres(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    fclose(f);
    /* Blank out // comments: a commented-out provider does not count. */
    for (char *c = b.data; c && (c = strstr(c, "//")) != NULL;)
        while (*c && *c != '\n')
            *c++ = ' ';
    bool pg = false;
    /* provider = "postgresql" | "postgres", any spacing. */
    for (const char *p = buf_cstr(&b); (p = strstr(p, "provider")) != NULL; p++) {
        const char *q = p + 8;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!strncmp(q, "\"postgresql\"", 12) || !strncmp(q, "\"postgres\"", 10))
            pg = true;
    }
    buf_free(&b);
    return pg;
}

static bool is_postgres(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode))
        return file_is_postgres(path);
    DIR *d = opendir(path);
    bool pg = false;
    for (struct dirent *e; d && !pg && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char *child = NULL;
        if (asprintf(&child, "%s/%s", path, e->d_name) < 0)
            break;
        pg = is_postgres(child);
        free(child);
    }
    if (d)
        closedir(d);
    return pg;
}

static bool have(const char *cc)
{
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "command -v %s >/dev/null 2>&1", cc), 0);
    bool ok = system(cmd) == 0;
    free(cmd);
    return ok;
}

/* A running shell command whose output (the first 3000 bytes) we collect. */
typedef struct job {
    FILE *pipe;
    const char *what;
} job;

static job start_job(const char *cmd, const char *what)
{
    char *full = NULL;
    /* The command's exit status travels in the text (a pipe hides it). */
    ck_assert_int_ge(asprintf(&full, "{ (%s) 2>&1; echo \"#rc=$?\"; } | tail -c 3000", cmd), 0);
    job j = {popen(full, "r"), what};
    free(full);
    ck_assert_ptr_nonnull(j.pipe);
    return j;
}

/* Waits for a job; on failure appends its output to `report`. */
static bool finish_job(job j, buf *report)
{
    buf out = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, j.pipe)) > 0)
        buf_put(&out, chunk, n);
    pclose(j.pipe);
    const char *rc = strstr(buf_cstr(&out), "#rc=");
    bool ok = rc && !strncmp(rc, "#rc=0\n", 6);
    if (!ok)
        buf_printf(report, "\n---- %s failed:\n%s", j.what, buf_cstr(&out));
    buf_free(&out);
    return ok;
}

static bool run(const char *cmd, const char *what, buf *report)
{
    return finish_job(start_job(cmd, what), report);
}

START_TEST(every_postgres_schema_generates_and_compiles)
{
    const char *shared = env("REFRACT_SHARED");
    const char *bin = env("REFRACT_BIN");
    const char *root = env("REFRACT_ROOT");
    if (!shared || !bin || !root) {
        printf("skipped: REFRACT_SHARED, REFRACT_BIN or REFRACT_ROOT unset\n");
        return;
    }
    char *corpus = NULL;
    ck_assert_int_ge(asprintf(&corpus, "%s/corpus/real", shared), 0);
    /* Sorted, so that the compiler each schema gets is the same everywhere. */
    struct dirent **names = NULL;
    int nnames = scandir(corpus, &names, NULL, alphasort);
    if (nnames < 0) {
        printf("skipped: %s is missing\n", corpus);
        free(corpus);
        return;
    }
    const char *compilers[] = {"gcc", "clang"};
    bool present[2] = {have("gcc"), have("clang")};
    bool full = check_full();
    char tmpl[] = "/tmp/refract-corpus-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));

    buf report = BUF_INIT;
    int tried = 0, failed = 0;
    for (int i = 0; i < nnames; i++) {
        const struct dirent *e = names[i];
        if (e->d_name[0] == '.')
            continue;
        char *schema = NULL, *out = NULL, *cmd = NULL;
        ck_assert_int_ge(asprintf(&schema, "%s/%s", corpus, e->d_name), 0);
        if (!is_postgres(schema)) {
            free(schema);
            continue;
        }
        tried++;
        ck_assert_int_ge(asprintf(&out, "%s/%d", tmpl, tried), 0);
        ck_assert_int_ge(asprintf(&cmd, "'%s' generate --schema '%s' --out '%s'", bin, schema, out), 0);
        buf one = BUF_INIT;
        bool ok = run(cmd, "refract generate", &one);
        /* Both compilers at once: the machine has two cores. */
        job jobs[2];
        int njobs = 0;
        for (int c = 0; ok && c < 2; c++) {
            if (!present[c])
                continue;
            /* Taking turns: the other compiler's turn, when it is here. */
            if (!full && present[!c] && c != tried % 2)
                continue;
            free(cmd);
            ck_assert_int_ge(asprintf(&cmd,
                                      "%s -std=c11 -Wall -Wextra -Werror -pedantic -I'%s/runtime' "
                                      "-c '%s/db.c' -o '%s/db-%s.o'",
                                      compilers[c], root, out, out, compilers[c]),
                             0);
            jobs[njobs++] = start_job(cmd, compilers[c]);
        }
        for (int k = 0; k < njobs; k++)
            ok = finish_job(jobs[k], &one) && ok;
        if (!ok) {
            failed++;
            buf_printf(&report, "\n==== %s%s", e->d_name, buf_cstr(&one));
        }
        buf_free(&one);
        free(schema);
        free(out);
        free(cmd);
    }
    for (int i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    char *cleanup = NULL;
    ck_assert_int_ge(asprintf(&cleanup, "rm -rf '%s'", tmpl), 0);
    ck_assert_int_eq(system(cleanup), 0);
    free(cleanup);
    free(corpus);
    printf("corpus: %d PostgreSQL schemas generated and compiled (%s), %d failed\n", tried,
           full ? "each by every compiler" : "by gcc and clang in turn; REFRACT_CHECK_FULL=1 for both", failed);
    ck_assert_msg(tried > 0, "no PostgreSQL schema found in the corpus");
    if (failed)
        fputs(buf_cstr(&report), stdout);
    fflush(stdout);
    ck_assert_msg(failed == 0, "%d of %d schemas failed (details above)", failed, tried);
    buf_free(&report);
}
END_TEST

/* The committed client of the integration tests is what refract generates
 * today (so the integration tests test the current emitter). */
START_TEST(committed_test_client_is_fresh)
{
    const char *bin = env("REFRACT_BIN"), *root = env("REFRACT_ROOT");
    if (!bin || !root) {
        printf("skipped: REFRACT_BIN or REFRACT_ROOT unset\n");
        return;
    }
    char tmpl[] = "/tmp/refract-fresh-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    char *cmd = NULL;
    buf report = BUF_INIT;
    ck_assert_int_ge(asprintf(&cmd,
                              "'%s' generate --schema '%s/tests/integration/client/schema.prisma' "
                              "--out '%s' && diff -u '%s/tests/integration/client/db.h' '%s/db.h' && "
                              "diff -u '%s/tests/integration/client/db.c' '%s/db.c'; rc=$?; rm -rf '%s'; exit $rc",
                              bin, root, tmpl, root, tmpl, root, tmpl, tmpl),
                     0);
    bool ok = run(cmd, "regenerating tests/integration/client", &report);
    free(cmd);
    fputs(buf_cstr(&report), stdout);
    fflush(stdout);
    ck_assert_msg(ok, "tests/integration/client/db.{h,c} are stale: run "
                      "`build/refract generate --schema tests/integration/client/schema.prisma`");
    buf_free(&report);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generate_corpus");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, committed_test_client_is_fresh);
    tcase_add_test(tc, every_postgres_schema_generates_and_compiles);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
