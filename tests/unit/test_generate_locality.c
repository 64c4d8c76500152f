/*
 * test_generate_locality.c — a change to one model changes only that
 * model's generated code: adding a nullable field to Post must leave every
 * line outside Post's sections of db.h and db.c as it was (no field
 * numbers of another model shift, no other model's SQL or tables change),
 * so that reviews of regenerated clients stay small and merges stay clean.
 *
 * Needs REFRACT_BIN (set by the Makefile); GNU diff.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *schema_before =
    "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n"
    "generator client {\n  provider = \"refract\"\n  output = \".\"\n  prefix = \"db\"\n}\n"
    "enum Role {\n  USER\n  ADMIN\n}\n"
    "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n"
    "  role Role @default(USER)\n  posts Post[]\n  comments Comment[]\n}\n"
    "model Post {\n  id String @id @default(cuid())\n  title String\n%s"
    "  views Int @default(0)\n  authorId Int?\n"
    "  author User? @relation(fields: [authorId], references: [id])\n"
    "  comments Comment[]\n  tags Tag[]\n\n  @@unique([authorId, title])\n}\n"
    "model Comment {\n  id Int @id @default(autoincrement())\n  body String\n"
    "  postId String\n  post Post @relation(fields: [postId], references: [id])\n"
    "  userId Int\n  user User @relation(fields: [userId], references: [id])\n}\n"
    "model Tag {\n  id Int @id @default(autoincrement())\n  name String @unique\n"
    "  posts Post[]\n}\n";

static char *tmpdir;

static void write_schema(const char *path, const char *extra)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, schema_before, extra);
    fclose(f);
}

static void generate(const char *bin, const char *name, const char *extra)
{
    char *dir = NULL, *schema = NULL, *cmd = NULL;
    ck_assert_int_ge(asprintf(&dir, "%s/%s", tmpdir, name), 0);
    ck_assert_int_ge(asprintf(&schema, "%s/schema.prisma", dir), 0);
    ck_assert_int_ge(asprintf(&cmd, "mkdir -p '%s'", dir), 0);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    write_schema(schema, extra);
    ck_assert_int_ge(asprintf(&cmd, "'%s' generate --schema '%s' --out '%s' >/dev/null", bin,
                              schema, dir),
                     0);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
    free(schema);
    free(cmd);
}

/* The section (model name) of each line of a generated file: in the
 * header the models' "---- Name (model) ----" blocks, in the source their
 * banner blocks; "" outside any model. */
typedef struct lines {
    char **section;
    size_t n;
} lines;

static lines sections_of(const char *path, bool header)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    lines out = {NULL, 0};
    size_t cap = 0;
    char *line = NULL, *current = strdup("");
    size_t len = 0;
    bool banner = false;
    while (getline(&line, &len, f) != -1) {
        char name[256];
        if (header) {
            if (sscanf(line, "/* ---- %255s (", name) == 1) {
                free(current);
                current = strdup(name);
            } else if (!strncmp(line, "#ifdef __cplusplus", 18) && out.n > 100) {
                free(current);
                current = strdup("");
            }
        } else {
            /* "/ * ===" then " * Name" then " * ===": the banner of a section. */
            if (!strncmp(line, "/* ====", 7)) {
                banner = true;
                free(current);
                current = strdup("");
            } else if (banner && sscanf(line, " * %255s", name) == 1 && strncmp(name, "===", 3)) {
                free(current);
                current = strdup(name);
                banner = false;
            }
        }
        if (out.n == cap) {
            cap = cap ? cap * 2 : 256;
            out.section = realloc(out.section, cap * sizeof *out.section);
        }
        out.section[out.n++] = strdup(current);
    }
    free(line);
    free(current);
    fclose(f);
    return out;
}

/* Every changed line (old and new numbering) must lie in Post's sections. */
static void assert_only_post_changed(const char *file, bool header)
{
    char *a = NULL, *b = NULL, *cmd = NULL;
    ck_assert_int_ge(asprintf(&a, "%s/before/%s", tmpdir, file), 0);
    ck_assert_int_ge(asprintf(&b, "%s/after/%s", tmpdir, file), 0);
    lines la = sections_of(a, header), lb = sections_of(b, header);
    ck_assert_int_ge(asprintf(&cmd,
                              "diff --unchanged-line-format= --old-line-format='-%%dn\n' "
                              "--new-line-format='+%%dn\n' '%s' '%s'",
                              a, b),
                     0);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char sign;
    size_t n;
    int changed = 0;
    while (fscanf(p, " %c%zu", &sign, &n) == 2) {
        lines *l = sign == '-' ? &la : &lb;
        ck_assert_uint_ge(n, 1);
        ck_assert_uint_le(n, l->n);
        ck_assert_msg(!strcmp(l->section[n - 1], "Post"),
                      "%s: line %zu (%s) changed outside Post's section (in \"%s\")", file, n,
                      sign == '-' ? "before" : "after", l->section[n - 1]);
        changed++;
    }
    pclose(p);
    ck_assert_msg(changed > 0, "%s: adding a field changed nothing", file);
    for (size_t i = 0; i < la.n; i++)
        free(la.section[i]);
    for (size_t i = 0; i < lb.n; i++)
        free(lb.section[i]);
    free(la.section);
    free(lb.section);
    free(a);
    free(b);
    free(cmd);
}

START_TEST(adding_a_field_changes_only_its_model)
{
    const char *bin = getenv("REFRACT_BIN");
    if (!bin || !*bin) {
        printf("skipped: REFRACT_BIN unset\n");
        return;
    }
    char tmpl[] = "/tmp/refract-locality-XXXXXX";
    tmpdir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(tmpdir);
    generate(bin, "before", "");
    /* In the middle of the model: the fields after it move. */
    generate(bin, "after", "  subtitle String?\n");
    assert_only_post_changed("db.h", true);
    assert_only_post_changed("db.c", false);
    char *cleanup = NULL;
    ck_assert_int_ge(asprintf(&cleanup, "rm -rf '%s'", tmpdir), 0);
    ck_assert_int_eq(system(cleanup), 0);
    free(cleanup);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generate_locality");
    TCase *tc = tcase_create("locality");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, adding_a_field_changes_only_its_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
