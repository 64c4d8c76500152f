/*
 * Migration SQL against Prisma's own bytes, no database.
 *
 *   - every $REFRACT_SHARED/oracle/create/NN.prisma: `migrate diff
 *     --from-empty --script` output equals NN.sql, and the first
 *     migration.sql of `migrate dev` equals NN.dev.sql;
 *   - every oracle/diff/NN pair: NN.sql and NN.dev.sql likewise;
 *   - every corpus/expected/X.sql: refract's SQL for corpus/real/X equals it
 *     byte for byte (the count is printed);
 *   - quoting, the empty migration, diff(S, S) is empty, warnings.
 *
 * A mismatch prints a unified diff of the two texts.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/cmd_diff.h"
#include "migrate/diff.h"
#include "migrate/sql.h"

static const char *shared(void)
{
    return getenv("REFRACT_SHARED");
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

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

/* Print a diff of `want` and `got` to stderr (for a failing comparison). */
static void show_diff(const char *label, const char *want, const char *got)
{
    char a[] = "/tmp/migsql-want-XXXXXX", b[] = "/tmp/migsql-got-XXXXXX";
    int fa = mkstemp(a), fb = mkstemp(b);
    if (fa < 0 || fb < 0)
        return;
    ssize_t w1 = write(fa, want, strlen(want)), w2 = write(fb, got, strlen(got));
    (void)w1;
    (void)w2;
    close(fa);
    close(fb);
    fprintf(stderr, "---- %s: Prisma (-) vs refract (+)\n", label);
    fflush(stderr);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "diff -u %s %s | head -40 1>&2", a, b);
    if (system(cmd) < 0)
        fprintf(stderr, "(diff failed)\n");
    unlink(a);
    unlink(b);
}

/* SQL for from → to: SCRIPT with the CLI's trailer, or DEV. NULL when a
 * schema does not load. Caller frees. */
static char *render_opts(const char *from_path, const char *to_path, migrate_sql_style style,
                         bool trailer)
{
    arena a = ARENA_INIT;
    migrate_loaded from = {0}, to = {0};
    char *out = NULL;
    if (from_path && !migrate_load_schema(from_path, &from, &a))
        goto done;
    if (!migrate_load_schema(to_path, &to, &a))
        goto done;
    migrate_steps *steps = migrate_diff(from_path ? from.model : NULL, to.model, &a);
    buf b = BUF_INIT;
    migrate_render_sql(steps, &b,
                       &(migrate_render_opts){.style = style, .cli_trailer = trailer});
    /* `migrate dev` writes exactly one final newline. */
    if (style == MIGRATE_SQL_DEV && b.len && b.data[b.len - 1] == '\n')
        while (b.len > 1 && b.data[b.len - 2] == '\n')
            buf_truncate(&b, b.len - 1);
    out = buf_steal(&b);
done:
    migrate_loaded_free(&from);
    migrate_loaded_free(&to);
    arena_free(&a);
    return out;
}

/* The oracle's .sql files are the CLI's stdout: the script plus "\n\n". */
static char *render(const char *from_path, const char *to_path, migrate_sql_style style)
{
    return render_opts(from_path, to_path, style, style == MIGRATE_SQL_SCRIPT);
}

static bool same_as_file(const char *label, const char *expected_path, const char *got)
{
    char *want = slurp(expected_path);
    if (!want) {
        fprintf(stderr, "%s: cannot read %s\n", label, expected_path);
        return false;
    }
    bool same = got && !strcmp(want, got);
    if (!same)
        show_diff(label, want, got ? got : "(schema did not load)\n");
    free(want);
    return same;
}

/* ---- oracle/create ----------------------------------------------------------- */

static const char *create_cases[] = {
    "01_user_post", "02_implicit_m2m", "03_self_relation", "04_ondelete", "05_uuid",
    "06_composite_id", "07_types_defaults", "08_named_constraints_indexes",
    "09_one_to_one_and_multi_rel",
};
enum { NCREATE = sizeof create_cases / sizeof *create_cases };

START_TEST(oracle_create_matches_prisma)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the oracle comparison\n", stderr);
        return;
    }
    const char *name = create_cases[_i];
    char schema[512], sql[512], dev[512];
    snprintf(schema, sizeof schema, "%s/oracle/create/%s.prisma", shared(), name);
    snprintf(sql, sizeof sql, "%s/oracle/create/%s.sql", shared(), name);
    snprintf(dev, sizeof dev, "%s/oracle/create/%s.dev.sql", shared(), name);
    char *got = render(NULL, schema, MIGRATE_SQL_SCRIPT);
    bool ok1 = same_as_file(sql, sql, got);
    free(got);
    got = render(NULL, schema, MIGRATE_SQL_DEV);
    bool ok2 = same_as_file(dev, dev, got);
    free(got);
    ck_assert_msg(ok1, "%s: migrate diff --script differs from Prisma's", name);
    ck_assert_msg(ok2, "%s: migrate dev migration.sql differs from Prisma's", name);
}
END_TEST

/* ---- oracle/diff ------------------------------------------------------------- */

static const char *diff_cases[] = {
    "01_add_column", "02_drop_column", "04_change_type", "05_add_enum_value",
    "06_remove_enum_value", "07_add_index", "08_optional_to_required",
    "09_required_to_optional", "10_add_relation", "11_add_fk_to_existing", "12_change_default",
    "13_drop_table", "14_add_m2m", "15_change_ondelete", "16_add_enum_and_column",
    "17_drop_enum", "18_change_pk", "19_rename_index_map", "20_add_required_column_no_default",
};
enum { NDIFF = sizeof diff_cases / sizeof *diff_cases };

START_TEST(oracle_diff_matches_prisma)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the oracle comparison\n", stderr);
        return;
    }
    const char *name = diff_cases[_i];
    char old[512], new[512], sql[512], dev[512];
    snprintf(old, sizeof old, "%s/oracle/diff/%s.old.prisma", shared(), name);
    snprintf(new, sizeof new, "%s/oracle/diff/%s.new.prisma", shared(), name);
    snprintf(sql, sizeof sql, "%s/oracle/diff/%s.sql", shared(), name);
    snprintf(dev, sizeof dev, "%s/oracle/diff/%s.dev.sql", shared(), name);
    char *got = render(old, new, MIGRATE_SQL_SCRIPT);
    bool ok1 = same_as_file(sql, sql, got);
    free(got);
    got = render(old, new, MIGRATE_SQL_DEV);
    bool ok2 = same_as_file(dev, dev, got);
    free(got);
    ck_assert_msg(ok1, "%s: migrate diff --script differs from Prisma's", name);
    ck_assert_msg(ok2, "%s: migrate dev migration.sql differs from Prisma's", name);
}
END_TEST

/* 03_rename_by_map is where refract differs from Prisma on purpose: a change
 * of only @map/@@map keeps the data (RENAME) instead of drop and create. */
START_TEST(rename_by_map_keeps_data)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping\n", stderr);
        return;
    }
    char old[512], new[512];
    snprintf(old, sizeof old, "%s/oracle/diff/03_rename_by_map.old.prisma", shared());
    snprintf(new, sizeof new, "%s/oracle/diff/03_rename_by_map.new.prisma", shared());
    char *got = render(old, new, MIGRATE_SQL_SCRIPT);
    ck_assert_ptr_nonnull(got);
    const char *want = "-- RenameTable\n"
                       "ALTER TABLE \"Post\" RENAME TO \"posts\";\n"
                       "\n"
                       "-- AlterTable\n"
                       "ALTER TABLE \"User\" RENAME COLUMN \"nickname\" TO \"nick_name\";\n"
                       "\n"
                       "-- AlterTable\n"
                       "ALTER TABLE \"posts\" RENAME CONSTRAINT \"Post_pkey\" TO \"posts_pkey\";\n"
                       "\n"
                       "-- RenameForeignKey\n"
                       "ALTER TABLE \"posts\" RENAME CONSTRAINT \"Post_authorId_fkey\" TO "
                       "\"posts_authorId_fkey\";\n"
                       "\n"
                       "-- RenameSequence\n"
                       "ALTER SEQUENCE \"Post_id_seq\" RENAME TO \"posts_id_seq\";\n\n\n";
    if (strcmp(got, want))
        show_diff("03_rename_by_map", want, got);
    ck_assert_str_eq(got, want);
    ck_assert_ptr_null(strstr(got, "DROP"));
    free(got);
}
END_TEST

/* ---- tests/unit/migsql: more of Prisma's output ----------------------------- */

START_TEST(extra_cases_match_prisma)
{
    const char *root = getenv("REFRACT_ROOT");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/unit/migsql", root ? root : ".");
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    int cases = 0, failed = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char base[256], a[1024], b[1024], sql[1024], dev[1024];
        bool pair = n > 11 && !strcmp(e->d_name + n - 11, ".new.prisma");
        bool single = !pair && n > 7 && !strcmp(e->d_name + n - 7, ".prisma") &&
                      !(n > 11 && !strcmp(e->d_name + n - 11, ".old.prisma"));
        if (!pair && !single)
            continue;
        snprintf(base, sizeof base, "%.*s", (int)(n - (pair ? 11 : 7)), e->d_name);
        snprintf(sql, sizeof sql, "%s/%s.sql", dir, base);
        snprintf(dev, sizeof dev, "%s/%s.dev.sql", dir, base);
        char *got;
        if (pair) {
            snprintf(a, sizeof a, "%s/%s.old.prisma", dir, base);
            snprintf(b, sizeof b, "%s/%s.new.prisma", dir, base);
            got = render(a, b, MIGRATE_SQL_SCRIPT);
        } else {
            snprintf(b, sizeof b, "%s/%s.prisma", dir, base);
            got = render(NULL, b, MIGRATE_SQL_SCRIPT);
        }
        cases++;
        failed += !same_as_file(sql, sql, got);
        free(got);
        if (exists(dev)) {
            got = render(pair ? a : NULL, b, MIGRATE_SQL_DEV);
            failed += !same_as_file(dev, dev, got);
            free(got);
        }
    }
    closedir(d);
    ck_assert_int_gt(cases, 0);
    ck_assert_msg(failed == 0, "%d of the extra cases differ from Prisma's SQL", failed);
}
END_TEST

/* ---- corpus ------------------------------------------------------------------ */

/* The corpus schema for expected/X.sql: real/X.prisma or the folder real/X. */
static bool corpus_schema(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/corpus/real/%s.prisma", shared(), name);
    if (exists(out))
        return true;
    snprintf(out, size, "%s/corpus/real/%s", shared(), name);
    return exists(out);
}

START_TEST(corpus_matches_prisma)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the corpus comparison\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/corpus/expected", shared());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int total = 0, identical = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql"))
            continue;
        char name[256], schema[768], expected[768];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        snprintf(expected, sizeof expected, "%s/%s", dir, e->d_name);
        total++;
        if (!corpus_schema(name, schema, sizeof schema)) {
            fprintf(stderr, "corpus: no schema for %s\n", name);
            continue;
        }
        /* expected/ holds the script as the engine writes it (no CLI trailer). */
        char *got = render_opts(NULL, schema, MIGRATE_SQL_SCRIPT, false);
        if (same_as_file(name, expected, got))
            identical++;
        free(got);
    }
    closedir(d);
    fprintf(stderr, "corpus: %d of %d schemas byte-identical to Prisma's SQL\n", identical, total);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(identical, total);
}
END_TEST

/* ---- pieces ---------------------------------------------------------------------- */

START_TEST(identifiers_and_literals_are_quoted)
{
    buf b = BUF_INIT;
    sql_put_ident(&b, "we\"ird");
    buf_putc(&b, ' ');
    sql_put_qualified(&b, "s", "t");
    buf_putc(&b, ' ');
    sql_put_literal(&b, "it's");
    ck_assert_str_eq(buf_cstr(&b), "\"we\"\"ird\" \"s\".\"t\" 'it''s'");
    buf_free(&b);
}
END_TEST

START_TEST(empty_diff_says_so)
{
    arena a = ARENA_INIT;
    db_schema *s = dbschema_empty(&a);
    migrate_steps *steps = migrate_diff_db(s, s, &a);
    ck_assert_uint_eq(steps->count, 0);
    buf b = BUF_INIT;
    migrate_render_sql(steps, &b, &(migrate_render_opts){.style = MIGRATE_SQL_DEV});
    ck_assert_str_eq(buf_cstr(&b), "-- This is an empty migration.");
    buf_truncate(&b, 0);
    migrate_render_summary(steps, &b);
    ck_assert_str_eq(buf_cstr(&b), "No difference detected.\n");
    buf_free(&b);
    arena_free(&a);
}
END_TEST

/* diff(S, S) is empty for every oracle and corpus schema. */
START_TEST(same_schema_no_steps)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping\n", stderr);
        return;
    }
    char path[512];
    for (size_t i = 0; i < NCREATE; i++) {
        snprintf(path, sizeof path, "%s/oracle/create/%s.prisma", shared(), create_cases[i]);
        arena a = ARENA_INIT;
        migrate_loaded l = {0};
        ck_assert(migrate_load_schema(path, &l, &a));
        migrate_steps *steps = migrate_diff(l.model, l.model, &a);
        ck_assert_msg(steps->count == 0, "%s: diff with itself has %zu steps", path, steps->count);
        migrate_loaded_free(&l);
        arena_free(&a);
    }
}
END_TEST

START_TEST(destructive_steps_carry_a_check)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping\n", stderr);
        return;
    }
    char old[512], new[512];
    snprintf(old, sizeof old, "%s/oracle/diff/02_drop_column.old.prisma", shared());
    snprintf(new, sizeof new, "%s/oracle/diff/02_drop_column.new.prisma", shared());
    arena a = ARENA_INIT;
    migrate_loaded lo = {0}, ln = {0};
    ck_assert(migrate_load_schema(old, &lo, &a));
    ck_assert(migrate_load_schema(new, &ln, &a));
    migrate_steps *steps = migrate_diff(lo.model, ln.model, &a);
    ck_assert_uint_eq(steps->count, 1);
    ck_assert(steps->items[0].destructive);
    ck_assert_int_eq(steps->items[0].risk, MIGRATE_RISK_DROP_COLUMN);
    ck_assert_str_eq(steps->items[0].check_sql,
                     "SELECT EXISTS (SELECT 1 FROM \"User\" WHERE \"nickname\" IS NOT NULL)");
    migrate_loaded_free(&lo);
    migrate_loaded_free(&ln);
    arena_free(&a);
}
END_TEST

static char *temp_schema(const char *text)
{
    char *path = strdup("/tmp/migsql-unit-XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* A renamed field or model is not renamed on a guess, but the user is told
 * how to keep the data. */
START_TEST(probable_renames_are_reported_not_applied)
{
    char *a = temp_schema("datasource db {\n  provider = \"postgresql\"\n}\n"
                          "model User {\n  id Int @id\n  nickname String?\n}\n"
                          "model Note {\n  id Int @id\n  body String\n}\n");
    char *b = temp_schema("datasource db {\n  provider = \"postgresql\"\n}\n"
                          "model User {\n  id Int @id\n  nick String?\n}\n"
                          "model Memo {\n  id Int @id\n  body String\n}\n");
    arena ar = ARENA_INIT;
    migrate_loaded la = {0}, lb = {0};
    ck_assert(migrate_load_schema(a, &la, &ar));
    ck_assert(migrate_load_schema(b, &lb, &ar));
    migrate_steps *steps = migrate_diff(la.model, lb.model, &ar);
    ck_assert_uint_eq(steps->nnotes, 2);
    bool field = false, model = false;
    for (size_t i = 0; i < steps->nnotes; i++) {
        field |= strstr(steps->notes[i], "@map(\"nickname\")") != NULL;
        model |= strstr(steps->notes[i], "@@map(\"Note\")") != NULL;
    }
    ck_assert(field && model);
    buf sql = BUF_INIT;
    migrate_render_sql(steps, &sql, NULL);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&sql), "DROP COLUMN \"nickname\""));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&sql), "DROP TABLE \"Note\""));
    ck_assert_ptr_null(strstr(buf_cstr(&sql), "RENAME"));
    buf_truncate(&sql, 0);
    migrate_render_summary(steps, &sql);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&sql), "Probable renames"));
    buf_free(&sql);
    migrate_loaded_free(&la);
    migrate_loaded_free(&lb);
    arena_free(&ar);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}
END_TEST

/* Enum changes of only @map are renames too, and an inserted value keeps
 * its place. */
START_TEST(enum_value_map_is_a_rename)
{
    char *a = temp_schema("datasource db {\n  provider = \"postgresql\"\n}\n"
                          "enum Role {\n  USER\n  ADMIN\n}\n"
                          "model User {\n  id Int @id\n  role Role @default(USER)\n}\n");
    char *b = temp_schema("datasource db {\n  provider = \"postgresql\"\n}\n"
                          "enum Role {\n  USER @map(\"user\")\n  GUEST\n  ADMIN\n  @@map(\"role\")\n}\n"
                          "model User {\n  id Int @id\n  role Role @default(USER)\n}\n");
    char *got = render(a, b, MIGRATE_SQL_SCRIPT);
    const char *want = "-- RenameEnum\n"
                       "ALTER TYPE \"Role\" RENAME TO \"role\";\n"
                       "\n"
                       "-- AlterEnum\n"
                       "ALTER TYPE \"role\" RENAME VALUE 'USER' TO 'user';\n"
                       "ALTER TYPE \"role\" ADD VALUE 'GUEST' BEFORE 'ADMIN';\n"
                       "\n"
                       "-- AlterTable\n"
                       "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'user';\n\n\n";
    if (strcmp(got, want))
        show_diff("enum rename", want, got);
    ck_assert_str_eq(got, want);
    free(got);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}
END_TEST

/* --from-migrations: the newest folder's schema.prisma is the "before";
 * without one, a clear error. */
START_TEST(diff_from_migrations_folder)
{
    char root[] = "/tmp/migsql-migs-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    char path[512], out[512];
    snprintf(path, sizeof path, "%s/20240101000000_init", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/20250101000000_second", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    const char *before = "datasource db {\n  provider = \"postgresql\"\n}\n"
                         "model User {\n  id Int @id\n}\n";
    const char *after = "datasource db {\n  provider = \"postgresql\"\n}\n"
                        "model User {\n  id Int @id\n  name String?\n}\n";
    char *to = temp_schema(after);
    snprintf(out, sizeof out, "%s/out.sql", root);
    migrate_diff_args args = {.from_migrations = root, .to_schema = to, .script = true, .output = out};

    /* The newest migration has no schema.prisma yet. */
    ck_assert_int_eq(migrate_diff_main(&args), 1);

    snprintf(path, sizeof path, "%s/20250101000000_second/schema.prisma", root);
    FILE *f = fopen(path, "w");
    fputs(before, f);
    fclose(f);
    ck_assert_int_eq(migrate_diff_main(&args), 0);
    char *got = slurp(out);
    ck_assert_str_eq(got, "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"name\" TEXT;\n\n\n");
    free(got);

    /* --exit-code: 2 when there is a difference. */
    args.exit_code = true;
    ck_assert_int_eq(migrate_diff_main(&args), 2);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
    unlink(to);
    free(to);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migsql");
    TCase *tc = tcase_create("oracle");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, oracle_create_matches_prisma, 0, NCREATE);
    tcase_add_loop_test(tc, oracle_diff_matches_prisma, 0, NDIFF);
    tcase_add_test(tc, rename_by_map_keeps_data);
    tcase_add_test(tc, corpus_matches_prisma);
    tcase_add_test(tc, extra_cases_match_prisma);
    tcase_add_test(tc, same_schema_no_steps);
    tcase_add_test(tc, destructive_steps_carry_a_check);
    suite_add_tcase(s, tc);
    TCase *pieces = tcase_create("pieces");
    tcase_add_test(pieces, identifiers_and_literals_are_quoted);
    tcase_add_test(pieces, empty_diff_says_so);
    tcase_add_test(pieces, probable_renames_are_reported_not_applied);
    tcase_add_test(pieces, enum_value_map_is_a_rename);
    tcase_add_test(pieces, diff_from_migrations_folder);
    suite_add_tcase(s, pieces);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
