/*
 * test_generate_corpus.c — every PostgreSQL schema of the shared corpus of
 * real-world projects, and the hand-written schemas of hostile names in
 * tests/unit/generate/, generates a C client that compiles warning-free
 * (-Wall -Wextra -Werror) in the three ways programs use it:
 *   - C11: gcc -std=c11 -pedantic -c db.c, and clang -fsyntax-only;
 *   - GNU C: gcc -std=gnu11 -fsyntax-only db.c (where `unix` and `linux`
 *     are macros);
 *   - C++17: g++ -std=c++17 -fsyntax-only of a .cpp that includes db.h
 *     (fields named `class`, `new`, `template`...).
 * REFRACT_CHECK_FULL=1 (make check-full) adds clang -c, clang -std=gnu11
 * and clang++ -std=c++17 -pedantic.
 *
 * Needs REFRACT_BIN and REFRACT_ROOT (set by the Makefile); the corpus part
 * needs REFRACT_SHARED. Compilers that are not installed are skipped.
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

/* One way of compiling the client: a command template with %1$s the
 * compiler, %2$s the runtime include directory, %3$s the output directory. */
typedef struct mode {
    const char *compiler;
    const char *what;
    const char *cmd;
    bool full_only;   /* only with REFRACT_CHECK_FULL=1 */
} mode;

static const mode MODES[] = {
    {"gcc", "gcc -std=c11 -pedantic -c",
     "%1$s -std=c11 -pedantic -Wall -Wextra -Werror -I'%2$s' -c '%3$s/db.c' -o '%3$s/db-gcc.o'",
     false},
    {"clang", "clang -std=c11 -pedantic -fsyntax-only",
     "%1$s -std=c11 -pedantic -Wall -Wextra -Werror -I'%2$s' -fsyntax-only '%3$s/db.c'", false},
    {"gcc", "gcc -std=gnu11 -fsyntax-only",
     "%1$s -std=gnu11 -Wall -Wextra -Werror -I'%2$s' -fsyntax-only '%3$s/db.c'", false},
    {"g++", "g++ -std=c++17 -fsyntax-only (db.h)",
     "%1$s -std=c++17 -Wall -Wextra -Werror -I'%2$s' -I'%3$s' -fsyntax-only '%3$s/use_header.cpp'",
     false},
    {"clang", "clang -std=c11 -pedantic -c",
     "%1$s -std=c11 -pedantic -Wall -Wextra -Werror -I'%2$s' -c '%3$s/db.c' -o '%3$s/db-clang.o'",
     true},
    {"clang", "clang -std=gnu11 -fsyntax-only",
     "%1$s -std=gnu11 -Wall -Wextra -Werror -I'%2$s' -fsyntax-only '%3$s/db.c'", true},
    {"clang++", "clang++ -std=c++17 -pedantic -fsyntax-only (db.h)",
     "%1$s -std=c++17 -pedantic -Wall -Wextra -Werror -I'%2$s' -I'%3$s' -fsyntax-only "
     "'%3$s/use_header.cpp'",
     true},
};
#define NMODES (sizeof MODES / sizeof *MODES)

/* The schemas to try: the corpus's PostgreSQL ones, then ours. */
typedef struct schema_list {
    char **paths;
    size_t count, cap;
} schema_list;

static void add_schema(schema_list *l, char *path)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->paths = realloc(l->paths, l->cap * sizeof *l->paths);
        ck_assert_ptr_nonnull(l->paths);
    }
    l->paths[l->count++] = path;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's entries that `keep` accepts, in name order. */
static void add_dir(schema_list *l, const char *dir, bool (*keep)(const char *path))
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t first = l->count;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char *path = NULL;
        ck_assert_int_ge(asprintf(&path, "%s/%s", dir, e->d_name), 0);
        if (keep(path))
            add_schema(l, path);
        else
            free(path);
    }
    closedir(d);
    qsort(l->paths + first, l->count - first, sizeof *l->paths, by_path);
}

static bool is_prisma_file(const char *path)
{
    size_t n = strlen(path);
    return n > 7 && !strcmp(path + n - 7, ".prisma");
}

/* Generates one schema's client into out and compiles it in every mode;
 * failures go to report. Two jobs at a time: the machine has two cores. */
static bool generate_and_compile(const char *bin, const char *root, const char *schema,
                                 const char *out, const bool *present, buf *report)
{
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd, "'%s' generate --schema '%s' --out '%s' && "
                                    "printf '#include \"db.h\"\\n' > '%s/use_header.cpp'",
                              bin, schema, out, out),
                     0);
    bool ok = run(cmd, "refract generate", report);
    free(cmd);
    char *rt = NULL;
    ck_assert_int_ge(asprintf(&rt, "%s/runtime", root), 0);
    job jobs[2];
    int njobs = 0;
    for (size_t m = 0; ok && m <= NMODES; m++) {
        if (njobs == 2 || (m == NMODES && njobs > 0)) {
            for (int k = 0; k < njobs; k++)
                ok = finish_job(jobs[k], report) && ok;
            njobs = 0;
        }
        if (m == NMODES || !present[m])
            continue;
        ck_assert_int_ge(asprintf(&cmd, MODES[m].cmd, MODES[m].compiler, rt, out), 0);
        jobs[njobs++] = start_job(cmd, MODES[m].what);
        free(cmd);
    }
    free(rt);
    return ok;
}

START_TEST(every_postgres_schema_generates_and_compiles)
{
    const char *shared = env("REFRACT_SHARED");
    const char *bin = env("REFRACT_BIN");
    const char *root = env("REFRACT_ROOT");
    if (!bin || !root) {
        printf("skipped: REFRACT_BIN or REFRACT_ROOT unset\n");
        return;
    }
    bool full = env("REFRACT_CHECK_FULL") && !strcmp(env("REFRACT_CHECK_FULL"), "1");
    bool present[NMODES];
    for (size_t m = 0; m < NMODES; m++)
        present[m] = (full || !MODES[m].full_only) && have(MODES[m].compiler);

    schema_list schemas = {0};
    size_t ncorpus = 0;
    if (shared) {
        char *corpus = NULL;
        ck_assert_int_ge(asprintf(&corpus, "%s/corpus/real", shared), 0);
        add_dir(&schemas, corpus, is_postgres);
        ncorpus = schemas.count;
        free(corpus);
    } else {
        printf("corpus skipped: REFRACT_SHARED unset\n");
    }
    char *ours = NULL;
    ck_assert_int_ge(asprintf(&ours, "%s/tests/unit/generate", root), 0);
    add_dir(&schemas, ours, is_prisma_file);
    free(ours);

    char tmpl[] = "/tmp/refract-corpus-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    buf report = BUF_INIT;
    int failed = 0;
    for (size_t i = 0; i < schemas.count; i++) {
        char *out = NULL;
        ck_assert_int_ge(asprintf(&out, "%s/%zu", tmpl, i), 0);
        buf one = BUF_INIT;
        if (!generate_and_compile(bin, root, schemas.paths[i], out, present, &one)) {
            failed++;
            buf_printf(&report, "\n==== %s%s", schemas.paths[i], buf_cstr(&one));
        }
        buf_free(&one);
        free(out);
        free(schemas.paths[i]);
    }
    free(schemas.paths);
    char *cleanup = NULL;
    ck_assert_int_ge(asprintf(&cleanup, "rm -rf '%s'", tmpl), 0);
    ck_assert_int_eq(system(cleanup), 0);
    free(cleanup);
    printf("generate: %zu corpus and %zu hand-written schemas generated and compiled "
           "(C11, GNU C, C++17%s), %d failed\n",
           ncorpus, schemas.count - ncorpus, full ? ", gcc and clang" : "", failed);
    ck_assert_msg(schemas.count - ncorpus > 0, "no schema in tests/unit/generate");
    ck_assert_msg(!shared || ncorpus > 0, "no PostgreSQL schema found in the corpus");
    if (failed)
        fputs(buf_cstr(&report), stdout);
    fflush(stdout);
    ck_assert_msg(failed == 0, "%d of %zu schemas failed (details above)", failed, schemas.count);
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
