/*
 * Prisma's own validation fixtures (../shared/corpus/psl-validation) and the
 * real-world corpus (../shared/corpus/real), through parse + resolve.
 *
 * A fixture ends with Prisma's expected output as `//` lines: warnings, then
 * errors. For every fixture whose datasource is PostgreSQL (or absent),
 * refract must reach Prisma's outcome: no block → no diagnostics at all;
 * otherwise the same first error message and every expected warning.
 * Every PostgreSQL schema of the corpus must resolve without errors.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/model.h"
#include "parse/parse.h"
#include "util/buf.h"

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

/* Remove ANSI colour escapes (ESC [ digits/; m) in place. */
static void strip_ansi(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\x1b' && r[1] == '[') {
            char *q = r + 2;
            while ((*q >= '0' && *q <= '9') || *q == ';')
                q++;
            if (*q == 'm') {
                r = q + 1;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* The provider of the fixture's datasource, or "" when it has none. */
static void provider_of(const char *text, char *out, size_t cap)
{
    out[0] = '\0';
    const char *ds = strstr(text, "datasource ");
    if (!ds)
        return;
    const char *p = strstr(ds, "provider");
    if (!p)
        return;
    p = strchr(p, '"');
    if (!p)
        return;
    p++;
    size_t n = strcspn(p, "\"");
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

typedef struct expected {
    char *first_error;  /* NULL: no error expected */
    char **warnings;
    size_t nwarnings;
    bool has_block;
} expected;

/* Read the trailing block of `//` lines. */
static void expected_of(char *text, expected *e)
{
    memset(e, 0, sizeof *e);
    /* Find where the trailing run of comment lines starts. */
    size_t len = strlen(text);
    char *end = text + len;
    char *start = end;
    for (;;) {
        char *line_end = start;
        while (line_end > text && (line_end[-1] == '\n' || line_end[-1] == '\r' || line_end[-1] == ' '))
            line_end--;
        if (line_end == text)
            break;
        char *line = line_end;
        while (line > text && line[-1] != '\n')
            line--;
        const char *q = line;
        while (*q == ' ')
            q++;
        if (strncmp(q, "//", 2))
            break;
        start = line;
    }
    e->warnings = calloc(64, sizeof *e->warnings);
    for (char *line = start; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *q = line;
        while (*q == ' ')
            q++;
        strip_ansi(q);
        if (!strncmp(q, "// error: ", 10)) {
            e->has_block = true;
            if (!e->first_error)
                e->first_error = strdup(q + 10);
        } else if (!strncmp(q, "// warning: ", 12)) {
            e->has_block = true;
            if (e->nwarnings < 64)
                e->warnings[e->nwarnings++] = strdup(q + 12);
        }
        line = nl ? nl + 1 : NULL;
    }
    if (e->first_error)
        rstrip(e->first_error);
    for (size_t i = 0; i < e->nwarnings; i++)
        rstrip(e->warnings[i]);
}

static void expected_free(expected *e)
{
    free(e->first_error);
    for (size_t i = 0; i < e->nwarnings; i++)
        free(e->warnings[i]);
    free(e->warnings);
}

/* Parse + resolve one schema; diagnostics land in `d`. */
static void run(const char *path, diag_list *d)
{
    ast_schema ast = {0};
    arena a = ARENA_INIT;
    if (parse_path(&ast, path, d) == 0)
        model_resolve(&ast, &a, d);
    arena_free(&a);
    ast_schema_free(&ast);
}

static bool outcome_matches(const char *path, const expected *e, const diag_list *d)
{
    const char *first = NULL;
    for (size_t i = 0; i < d->count && !first; i++)
        if (d->items[i].severity == DIAG_ERROR)
            first = d->items[i].message;
    bool ok = true;
    if (!e->has_block) {
        ok = d->count == 0;
    } else {
        char got[4096] = "";
        if (first) {
            snprintf(got, sizeof got, "%s", first);
            rstrip(got);
        }
        if (e->first_error ? !first || strcmp(got, e->first_error) : first != NULL)
            ok = false;
        for (size_t w = 0; w < e->nwarnings; w++) {
            bool found = false;
            for (size_t i = 0; i < d->count; i++) {
                char msg[4096];
                snprintf(msg, sizeof msg, "%s", d->items[i].message);
                rstrip(msg);
                found |= d->items[i].severity == DIAG_WARNING && !strcmp(msg, e->warnings[w]);
            }
            ok &= found;
        }
    }
    if (!ok) {
        fprintf(stderr, "MISMATCH %s\n  expected: %s\n", path,
                e->first_error ? e->first_error : e->has_block ? "(warnings only)" : "(clean)");
        for (size_t i = 0; i < d->count && i < 3; i++)
            fprintf(stderr, "  got %s: %s\n", d->items[i].severity == DIAG_ERROR ? "error" : "warning",
                    d->items[i].message);
    }
    return ok;
}

typedef struct counts {
    int run, matched, skipped;
} counts;

static void walk_fixtures(const char *dir, counts *c)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    char **names = NULL;
    size_t n = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_fixtures(path, c);
        } else if (strstr(names[i], ".prisma")) {
            char *text = slurp(path);
            char provider[64];
            provider_of(text, provider, sizeof provider);
            if (provider[0] && strcmp(provider, "postgresql") && strcmp(provider, "postgres")) {
                c->skipped++;
            } else {
                expected e;
                expected_of(text, &e);
                diag_list dl = DIAG_LIST_INIT;
                run(path, &dl);
                c->run++;
                c->matched += outcome_matches(path, &e, &dl);
                diag_list_free(&dl);
                expected_free(&e);
            }
            free(text);
        }
        free(names[i]);
    }
    free(names);
}

START_TEST(psl_validation_fixtures)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared) {
        fputs("REFRACT_SHARED not set: skipping the psl-validation fixtures\n", stderr);
        return;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/psl-validation", shared);
    counts c = {0};
    walk_fixtures(dir, &c);
    fprintf(stderr, "psl-validation: %d PostgreSQL/no-datasource fixtures, %d reproduce Prisma's "
                    "outcome, %d other providers skipped\n",
            c.run, c.matched, c.skipped);
    ck_assert_int_gt(c.run, 0);
    ck_assert_int_eq(c.matched, c.run);
}
END_TEST

START_TEST(real_corpus_validates)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared) {
        fputs("REFRACT_SHARED not set: skipping the corpus\n", stderr);
        return;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/real", shared);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    int postgres = 0, clean = 0, refused = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        diag_list dl = DIAG_LIST_INIT;
        run(path, &dl);
        bool other_provider = false;
        for (size_t i = 0; i < dl.count; i++)
            other_provider |= strstr(dl.items[i].message, "refract targets PostgreSQL only") != NULL;
        if (other_provider) {
            /* One clear error, nothing else. */
            ck_assert_uint_eq(dl.nerrors, 1);
            refused++;
        } else {
            postgres++;
            if (dl.nerrors == 0)
                clean++;
            else
                fprintf(stderr, "%s: %s\n", ent->d_name, dl.items[0].message);
        }
        diag_list_free(&dl);
    }
    closedir(d);
    fprintf(stderr, "corpus: %d PostgreSQL schemas, %d validate clean; %d other providers refused "
                    "with one error\n",
            postgres, clean, refused);
    ck_assert_int_gt(postgres, 0);
    ck_assert_int_eq(clean, postgres);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_fixtures");
    TCase *tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, psl_validation_fixtures);
    tcase_add_test(tc, real_corpus_validates);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
