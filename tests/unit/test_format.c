/*
 * test_format.c — `refract format`: the layout Prisma users expect, never a
 * change of meaning, the same bytes when run twice, and the command's
 * contract (--check, --stdout, exit codes, files left alone on errors).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/format.h"
#include "parse/parse.h"

/* ---- helpers ------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    buf_cstr(&b);
    return buf_steal(&b);
}

static void write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Parse `text` as one file and format it; the parse must be clean. */
static char *format_text(const char *text)
{
    ast_schema s = {0};
    diag_list d = DIAG_LIST_INIT;
    size_t errors = parse_text(&s, "schema.prisma", text, strlen(text), &d);
    if (errors) {
        diag_print(stderr, &d, false);
        ck_abort_msg("input does not parse:\n%s", text);
    }
    ck_assert_uint_eq(s.nsources, 1);
    char *out = format_source(&s.sources[0]);
    diag_list_free(&d);
    ast_schema_free(&s);
    return out;
}

#define ASSERT_FORMATS(input, expected)                                                    \
    do {                                                                                   \
        char *out_ = format_text(input);                                                   \
        ck_assert_msg(!strcmp(out_, expected), "formatting\n%s\ngave\n%s\nexpected\n%s",   \
                      input, out_, expected);                                              \
        free(out_);                                                                        \
    } while (0)

/* Formatting `src`: twice gives the same bytes, and the result parses to
 * the same schema. Returns the formatted text. */
static char *check_format_is_safe(const ast_source *src)
{
    char *once = format_source(src);
    ast_schema again = {0};
    diag_list d = DIAG_LIST_INIT;
    size_t errors = parse_text(&again, src->file.path, once, strlen(once), &d);
    if (errors)
        diag_print(stderr, &d, false);
    ck_assert_msg(errors == 0, "%s: formatted text does not parse", src->file.path);
    buf why = BUF_INIT;
    ck_assert_msg(format_same_meaning(src, &again.sources[0], &why), "%s: meaning changed: %s",
                  src->file.path, buf_cstr(&why));
    char *twice = format_source(&again.sources[0]);
    ck_assert_msg(!strcmp(once, twice), "%s: formatting is not idempotent", src->file.path);
    free(twice);
    buf_free(&why);
    diag_list_free(&d);
    ast_schema_free(&again);
    return once;
}

/* ---- layout ------------------------------------------------------------------- */

START_TEST(aligns_fields_in_columns)
{
    ASSERT_FORMATS("model User {\n"
                   "id Int @id @default(autoincrement())\n"
                   "  email    String   @unique\n"
                   "\tname String?\n"
                   "  posts Post[]\n"
                   "}\n",
                   "model User {\n"
                   "  id    Int     @id @default(autoincrement())\n"
                   "  email String  @unique\n"
                   "  name  String?\n"
                   "  posts Post[]\n"
                   "}\n");
}
END_TEST

START_TEST(blank_lines_split_alignment_groups)
{
    ASSERT_FORMATS("model A {\n\n\n  id Int @id\n\n\n\n  longName String\n  x Int\n\n}\n",
                   "model A {\n  id Int @id\n\n  longName String\n  x        Int\n}\n");
}
END_TEST

START_TEST(comment_lines_keep_the_group)
{
    ASSERT_FORMATS("model A {\n  id Int @id\n      // about name   \n  longName String\n}\n",
                   "model A {\n  id       Int    @id\n  // about name   \n  longName String\n}\n");
}
END_TEST

START_TEST(trailing_comments_follow_their_line_unaligned)
{
    ASSERT_FORMATS("model A {\n  id Int @id // key\n  name String   //name\n}\n",
                   "model A {\n  id   Int    @id // key\n  name String //name\n}\n");
}
END_TEST

START_TEST(doc_comments_stay_above_their_node)
{
    ASSERT_FORMATS("/// The user.\nmodel User {\n  /// Its key.\n  id Int @id\n  emailAddress String\n}\n",
                   "/// The user.\nmodel User {\n  /// Its key.\n  id           Int    @id\n"
                   "  emailAddress String\n}\n");
}
END_TEST

START_TEST(block_attributes_go_last_sorted_after_a_blank_line)
{
    ASSERT_FORMATS("model Post {\n  @@map(\"posts\")\n  id Int\n  // on title\n"
                   "  @@index([title])\n  @@id([id])\n  title String\n}\n",
                   "model Post {\n  id    Int\n  title String\n\n  @@id([id])\n  // on title\n"
                   "  @@index([title])\n  @@map(\"posts\")\n}\n");
}
END_TEST

START_TEST(field_attributes_sorted_as_prisma_does)
{
    ASSERT_FORMATS("model A {\n  id String @db.Uuid @default(uuid()) @id\n}\n",
                   "model A {\n  id String @id @default(uuid()) @db.Uuid\n}\n");
}
END_TEST

START_TEST(arguments_spelled_canonically)
{
    ASSERT_FORMATS("model A {\n  b B @relation( \"ab\" ,fields:[bId],references : [ id ] )\n"
                   "  x Decimal @default(-1.50) @db.Decimal(10,2)\n"
                   "  s String @default(\"say \\\"hi\\\"\\n\")\n}\n",
                   "model A {\n  b B       @relation(\"ab\", fields: [bId], references: [id])\n"
                   "  x Decimal @default(-1.50) @db.Decimal(10, 2)\n"
                   "  s String  @default(\"say \\\"hi\\\"\\n\")\n}\n");
}
END_TEST

START_TEST(enum_values_aligned_and_block_attribute_last)
{
    ASSERT_FORMATS("enum Role {\n  USER @map(\"user\")\n  ADMINISTRATOR\n  @@map(\"role\")\n  GUEST // g\n}\n",
                   "enum Role {\n  USER          @map(\"user\")\n  ADMINISTRATOR\n  GUEST // g\n\n"
                   "  @@map(\"role\")\n}\n");
}
END_TEST

START_TEST(properties_aligned_on_equals)
{
    ASSERT_FORMATS("generator client {\nprovider=\"prisma-client-js\"\n  previewFeatures = [\"views\",\"relationJoins\"]\n}\n",
                   "generator client {\n  provider        = \"prisma-client-js\"\n"
                   "  previewFeatures = [\"views\", \"relationJoins\"]\n}\n");
}
END_TEST

START_TEST(one_blank_line_between_blocks_and_one_final_newline)
{
    ASSERT_FORMATS("\n\n// head\nmodel A {\n  id Int @id\n}\n// after A\nmodel B {\n  id Int @id\n}\n\n\n\n",
                   "// head\nmodel A {\n  id Int @id\n}\n\n// after A\nmodel B {\n  id Int @id\n}\n");
    ASSERT_FORMATS("model A {\n  id Int @id\n}", "model A {\n  id Int @id\n}\n");
    ASSERT_FORMATS("", "\n");
}
END_TEST

START_TEST(crlf_becomes_lf)
{
    ASSERT_FORMATS("model A {\r\n  id Int @id // c\r\n\r\n  // note\r\n  name String\r\n}\r\n",
                   "model A {\n  id Int @id // c\n\n  // note\n  name String\n}\n");
}
END_TEST

START_TEST(non_ascii_aligned_by_bytes_like_prisma)
{
    /* `Unsupported("géo")` is 18 characters but 19 bytes: Prisma pads the
     * other rows to the byte width, and so does refract, to stay
     * byte-identical. */
    ASSERT_FORMATS("model A {\n  id Int @id\n  g Unsupported(\"géo\") @map(\"ü\") // ç\n}\n",
                   "model A {\n  id Int                 @id\n"
                   "  g  Unsupported(\"géo\") @map(\"ü\") // ç\n}\n");
}
END_TEST

START_TEST(block_comments_rewritten_like_prisma)
{
    ASSERT_FORMATS("/* one\n   two */\nmodel A {\n  id Int @id\n  /* in */\n  x Int\n}\n",
                   "/**\n * one\n * two\n */\nmodel A {\n  id Int @id\n  /**\n   * in\n   */\n"
                   "  x  Int\n}\n");
}
END_TEST

START_TEST(comments_beside_braces_are_kept)
{
    /* Prisma drops a comment after `{`; refract keeps it where it was. A
     * comment after `}` moves below the block after a blank line (Prisma
     * writes it directly below and adds the blank line on its next run). */
    ASSERT_FORMATS("model A { // the A\n  id Int @id\n} // end of A\nmodel B {\n  id Int @id\n}\n",
                   "model A { // the A\n  id Int @id\n}\n\n// end of A\nmodel B {\n  id Int @id\n}\n");
}
END_TEST

START_TEST(enum_value_attributes_separated_by_a_space)
{
    /* Prisma writes `@map("a")@deprecated` here; a space reads better and
     * parses the same. */
    ASSERT_FORMATS("enum E {\n  A @map(\"a\")   @x\n  BB\n}\n",
                   "enum E {\n  A  @map(\"a\") @x\n  BB\n}\n");
}
END_TEST

/* ---- Prisma's own output for the schemas in tests/data/format ---------------------- */

static char *data_dir(void)
{
    const char *root = getenv("REFRACT_ROOT");
    buf b = BUF_INIT;
    buf_printf(&b, "%s/tests/data/format", root ? root : ".");
    return buf_steal(&b);
}

START_TEST(matches_prisma_format_byte_for_byte)
{
    char *dir = data_dir();
    DIR *d = opendir(dir);
    ck_assert_msg(d, "cannot open %s", dir);
    struct dirent *e;
    size_t checked = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma"))
            continue;
        char path[4096], expected_path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(expected_path, sizeof expected_path, "%s/%.*s.expected", dir, (int)(n - 7), e->d_name);
        char *input = read_all(path, NULL), *expected = read_all(expected_path, NULL);
        ck_assert_msg(input && expected, "missing %s or its .expected", path);
        char *out = format_text(input);
        ck_assert_msg(!strcmp(out, expected), "%s: refract and Prisma format differently:\n%s", path, out);
        free(out);
        free(input);
        free(expected);
        checked++;
    }
    closedir(d);
    free(dir);
    ck_assert_uint_ge(checked, 10);
}
END_TEST

/* ---- idempotency and meaning on real schemas ---------------------------------------- */

START_TEST(every_corpus_schema_formats_safely)
{
    const char *shared = getenv("REFRACT_SHARED");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus/real", shared ? shared : "");
    DIR *d = shared ? opendir(dir) : NULL;
    if (!d) {
        fprintf(stderr, "every_corpus_schema_formats_safely: skipped (no REFRACT_SHARED corpus)\n");
        return;
    }
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[sizeof dir + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ast_schema s = {0};
        diag_list diags = DIAG_LIST_INIT;
        if (parse_path(&s, path, &diags) > 0) {
            diag_print(stderr, &diags, false);
            ck_abort_msg("%s does not parse", path);
        }
        for (size_t i = 0; i < s.nsources; i++) {
            free(check_format_is_safe(&s.sources[i]));
            files++;
        }
        diag_list_free(&diags);
        ast_schema_free(&s);
    }
    closedir(d);
    ck_assert_uint_ge(files, 20);
}
END_TEST

START_TEST(formatting_is_idempotent_on_odd_input)
{
    static const char *const inputs[] = {
        "model A {\n  @@map(\"a\")\n\n  id Int\n}\n",
        "model A {\n  id Int\n  // c\n\n  @@map(\"a\")\n}\n",
        "model A {\n  id Int\n  @@map(\"a\")\n\n  name String\n}\n",
        "/// doc\n\nmodel A {\n  id Int\n}\n\n\n// end\n\n",
        "enum E {\n}\nmodel M {\n}\n",
        "model A {\n  id Int\n} // c\nmodel B {\n  id Int\n} /* d */\n",
        "model A { // open\n  id Int\n}\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        ast_schema s = {0};
        diag_list d = DIAG_LIST_INIT;
        ck_assert_uint_eq(parse_text(&s, "x.prisma", inputs[i], strlen(inputs[i]), &d), 0);
        free(check_format_is_safe(&s.sources[0]));
        diag_list_free(&d);
        ast_schema_free(&s);
    }
}
END_TEST

/* ---- the command ------------------------------------------------------------------- */

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/refract-format-XXXXXX");
    ck_assert(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Runs `refract format ARGS` in tmpdir; returns its exit status, its
 * stdout in *out (caller frees). */
static int run_format(const char *args, char **out)
{
    const char *bin = getenv("REFRACT_BIN");
    ck_assert_msg(bin, "REFRACT_BIN is not set");
    char cmd[2048], out_path[512];
    snprintf(out_path, sizeof out_path, "%s.stdout", tmpdir);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' format %s > '%s' 2>/dev/null", tmpdir, bin, args,
             out_path);
    int status = system(cmd);
    ck_assert(status != -1 && WIFEXITED(status));
    char *text = read_all(out_path, NULL);
    unlink(out_path);
    if (out)
        *out = text;
    else
        free(text);
    return WEXITSTATUS(status);
}

static char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static const char messy[] = "model A {\nid Int @id\n  name String\n}\n";
static const char tidy[] = "model A {\n  id   Int    @id\n  name String\n}\n";

START_TEST(cli_formats_in_place_keeping_the_mode)
{
    make_tmpdir();
    write_all(tmp_path("schema.prisma"), messy);
    chmod(tmp_path("schema.prisma"), 0640);
    ck_assert_int_eq(run_format("", NULL), 0);
    char *now = read_all(tmp_path("schema.prisma"), NULL);
    ck_assert_str_eq(now, tidy);
    free(now);
    struct stat st;
    ck_assert_int_eq(stat(tmp_path("schema.prisma"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    /* already formatted: left alone (same inode, no rewrite) */
    ino_t inode = st.st_ino;
    ck_assert_int_eq(run_format("--schema schema.prisma", NULL), 0);
    ck_assert_int_eq(stat(tmp_path("schema.prisma"), &st), 0);
    ck_assert(st.st_ino == inode);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_follows_a_symlinked_schema)
{
    make_tmpdir();
    mkdir(tmp_path("real"), 0755);
    write_all(tmp_path("real/schema.prisma"), messy);
    ck_assert_int_eq(symlink("real/schema.prisma", tmp_path("schema.prisma")), 0);
    ck_assert_int_eq(run_format("", NULL), 0);
    struct stat st;
    ck_assert_int_eq(lstat(tmp_path("schema.prisma"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    char *now = read_all(tmp_path("real/schema.prisma"), NULL);
    ck_assert_str_eq(now, tidy);
    free(now);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_check_lists_and_writes_nothing)
{
    make_tmpdir();
    mkdir(tmp_path("prisma"), 0755);
    write_all(tmp_path("prisma/schema.prisma"), messy);
    char *out;
    ck_assert_int_eq(run_format("--check", &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "prisma/schema.prisma"));
    free(out);
    char *now = read_all(tmp_path("prisma/schema.prisma"), NULL);
    ck_assert_str_eq(now, messy);
    free(now);
    write_all(tmp_path("prisma/schema.prisma"), tidy);
    ck_assert_int_eq(run_format("--check", &out), 0);
    ck_assert_str_eq(out, "");
    free(out);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_stdout_prints_and_writes_nothing)
{
    make_tmpdir();
    write_all(tmp_path("s.prisma"), messy);
    char *out;
    ck_assert_int_eq(run_format("--schema s.prisma --stdout", &out), 0);
    ck_assert_str_eq(out, tidy);
    free(out);
    char *now = read_all(tmp_path("s.prisma"), NULL);
    ck_assert_str_eq(now, messy);
    free(now);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_syntax_error_writes_nothing)
{
    make_tmpdir();
    mkdir(tmp_path("schema"), 0755);
    write_all(tmp_path("schema/a.prisma"), messy);
    write_all(tmp_path("schema/b.prisma"), "model B {\n  id Int @id\n  this is not a field (\n}\n");
    ck_assert_int_eq(run_format("--schema schema", NULL), 1);
    char *now = read_all(tmp_path("schema/a.prisma"), NULL);
    ck_assert_str_eq(now, messy);
    free(now);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_folder_schema_formats_each_file)
{
    make_tmpdir();
    mkdir(tmp_path("schema"), 0755);
    write_all(tmp_path("schema/a.prisma"), messy);
    write_all(tmp_path("schema/b.prisma"), "datasource db {\nprovider=\"mysql\"\n}\n");
    ck_assert_int_eq(run_format("--schema schema", NULL), 0);
    char *a = read_all(tmp_path("schema/a.prisma"), NULL);
    char *b = read_all(tmp_path("schema/b.prisma"), NULL);
    ck_assert_str_eq(a, tidy);
    ck_assert_str_eq(b, "datasource db {\n  provider = \"mysql\"\n}\n");
    free(a);
    free(b);
    char *out;
    ck_assert_int_eq(run_format("--schema schema --stdout", &out), 0);
    ck_assert_str_eq(out, "// schema/a.prisma\n" "model A {\n  id   Int    @id\n  name String\n}\n"
                          "\n// schema/b.prisma\n" "datasource db {\n  provider = \"mysql\"\n}\n");
    free(out);
    remove_tmpdir();
}
END_TEST

START_TEST(cli_usage_errors_exit_2)
{
    make_tmpdir();
    ck_assert_int_eq(run_format("--bogus", NULL), 2);
    ck_assert_int_eq(run_format("--schema", NULL), 2);
    char *out;
    ck_assert_int_eq(run_format("--help", &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "--check"));
    free(out);
    ck_assert_int_eq(run_format("", NULL), 1); /* no schema to be found */
    remove_tmpdir();
}
END_TEST

static Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *layout = tcase_create("layout");
    tcase_add_test(layout, aligns_fields_in_columns);
    tcase_add_test(layout, blank_lines_split_alignment_groups);
    tcase_add_test(layout, comment_lines_keep_the_group);
    tcase_add_test(layout, trailing_comments_follow_their_line_unaligned);
    tcase_add_test(layout, doc_comments_stay_above_their_node);
    tcase_add_test(layout, block_attributes_go_last_sorted_after_a_blank_line);
    tcase_add_test(layout, field_attributes_sorted_as_prisma_does);
    tcase_add_test(layout, arguments_spelled_canonically);
    tcase_add_test(layout, enum_values_aligned_and_block_attribute_last);
    tcase_add_test(layout, properties_aligned_on_equals);
    tcase_add_test(layout, one_blank_line_between_blocks_and_one_final_newline);
    tcase_add_test(layout, crlf_becomes_lf);
    tcase_add_test(layout, non_ascii_aligned_by_bytes_like_prisma);
    tcase_add_test(layout, block_comments_rewritten_like_prisma);
    tcase_add_test(layout, comments_beside_braces_are_kept);
    tcase_add_test(layout, enum_value_attributes_separated_by_a_space);
    suite_add_tcase(s, layout);

    TCase *prisma = tcase_create("prisma");
    tcase_add_test(prisma, matches_prisma_format_byte_for_byte);
    suite_add_tcase(s, prisma);

    TCase *safety = tcase_create("safety");
    tcase_set_timeout(safety, 60);
    tcase_add_test(safety, every_corpus_schema_formats_safely);
    tcase_add_test(safety, formatting_is_idempotent_on_odd_input);
    suite_add_tcase(s, safety);

    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 30);
    tcase_add_test(cli, cli_formats_in_place_keeping_the_mode);
    tcase_add_test(cli, cli_follows_a_symlinked_schema);
    tcase_add_test(cli, cli_check_lists_and_writes_nothing);
    tcase_add_test(cli, cli_stdout_prints_and_writes_nothing);
    tcase_add_test(cli, cli_syntax_error_writes_nothing);
    tcase_add_test(cli, cli_folder_schema_formats_each_file);
    tcase_add_test(cli, cli_usage_errors_exit_2);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(format_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
