/*
 * test_syntax_errors.c — broken schemas: every error is reported, at the
 * right line and column, with a message a Prisma user recognizes; hostile
 * inputs (binary junk, truncation, huge lines, deep nesting) end in errors,
 * never in a crash or a hang.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_state.h" /* PARSE_MAX_NESTING */

typedef struct parsed {
    ast_schema schema;
    diag_list diags;
    size_t nerrors;
} parsed;

static parsed *parse_n(const char *text, size_t len)
{
    parsed *p = calloc(1, sizeof *p);
    p->nerrors = parse_text(&p->schema, "schema.prisma", text, len, &p->diags);
    ck_assert_uint_eq(p->nerrors, p->diags.nerrors);
    return p;
}

static parsed *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void parsed_free(parsed *p)
{
    diag_list_free(&p->diags);
    ast_schema_free(&p->schema);
    free(p);
}

/* Error i has this message (or contains it) at line:col. */
static void expect_error(const parsed *p, size_t i, unsigned line, unsigned col, const char *message)
{
    ck_assert_uint_lt(i, p->diags.count);
    const diag *d = &p->diags.items[i];
    ck_assert_int_eq(d->severity, DIAG_ERROR);
    if (!strstr(d->message, message))
        ck_abort_msg("error %zu: expected \"%s\" in \"%s\"", i, message, d->message);
    ck_assert_uint_eq(d->loc.line, line);
    ck_assert_uint_eq(d->loc.col, col);
}

static const char *TOP_LINE = "Error validating: This line is invalid. It does not start with any known Prisma "
                              "schema keyword.";
static const char *FIELD_LINE = "Error validating: This line is not a valid field or attribute definition.";

START_TEST(every_broken_line_is_reported)
{
    parsed *p = parse("datasource db {\n"
                      "  provider = \"postgresql\"\n"
                      "  foo\n"
                      "}\n"
                      "\n"
                      "foo bar baz\n"
                      "model User {\n"
                      "  id Int @id\n"
                      "  this is not valid !!\n"
                      "  @@index([id]\n"
                      "  ok String\n"
                      "}\n"
                      "enum E {\n"
                      "  A\n"
                      "  b c d\n"
                      "}\n");
    ck_assert_uint_eq(p->nerrors, 5);
    expect_error(p, 0, 3, 3, "Error validating: This line is not a valid definition within a datasource.");
    expect_error(p, 1, 6, 1, TOP_LINE);
    expect_error(p, 2, 9, 3, FIELD_LINE);
    expect_error(p, 3, 10, 3, FIELD_LINE);
    expect_error(p, 4, 15, 3, "Error validating: This line is not an enum value definition.");
    /* the line's span covers it from its first to its last character */
    ck_assert_uint_eq(p->diags.items[2].loc.end_col, 23);
    /* what parsed well is still in the tree */
    ck_assert_uint_eq(p->schema.nblocks, 3);
    const ast_block *user = p->schema.blocks[1];
    ck_assert_str_eq(user->name, "User");
    ck_assert_uint_eq(user->nmembers, 2);
    ck_assert_str_eq(user->members[1].name, "ok");
    parsed_free(p);
}
END_TEST

START_TEST(generator_lines)
{
    parsed *p = parse("generator g {\n  provider = \"x\"\n  @@map(\"x\")\n  a b\n}\n");
    ck_assert_uint_eq(p->nerrors, 2);
    expect_error(p, 0, 3, 3, "Error validating: This line is not a valid definition within a generator.");
    expect_error(p, 1, 4, 3, "Error validating: This line is not a valid definition within a generator.");
    parsed_free(p);
}
END_TEST

START_TEST(misplaced_declarations)
{
    parsed *p = parse("model M {\n  url = \"x\"\n}\nenum E {\n  A Int\n}\n");
    ck_assert_uint_eq(p->nerrors, 2);
    expect_error(p, 0, 2, 3, FIELD_LINE);
    expect_error(p, 1, 5, 3, "Error validating: This line is not an enum value definition.");
    parsed_free(p);
}
END_TEST

START_TEST(type_alias)
{
    parsed *p = parse("type X = String\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 1, 1,
                 "Error validating: Invalid type definition. Please check the documentation in "
                 "https://pris.ly/d/composite-types");
    parsed_free(p);
}
END_TEST

START_TEST(names_start_with_a_letter_or_digit)
{
    /* Prisma rejects `_foo` as a line; `1a` and `b-c` parse (validation rejects them). */
    parsed *p = parse("model M {\n  _foo Int @id\n  1a Int\n  b-c Int\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 2, 3, FIELD_LINE);
    ck_assert_uint_eq(p->schema.blocks[0]->nmembers, 2);
    parsed_free(p);
}
END_TEST

START_TEST(trailing_comma_in_property_function_is_accepted)
{
    parsed *p = parse("generator g {\n  provider = \"x\"\n  a = foo(1,)\n}\n");
    ck_assert_uint_eq(p->nerrors, 0);
    parsed_free(p);
}
END_TEST

START_TEST(field_without_type)
{
    parsed *p = parse("view Mountain {\n  id Int @unique\n  val\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 3, 3,
                 "Error validating view \"Mountain\": This field declaration is invalid. It is either missing "
                 "a name or a type.");
    parsed_free(p);
}
END_TEST

START_TEST(block_without_keyword)
{
    parsed *p = parse("blah {\n  x\n}\nmodel A {\n  id Int\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 1, 1, "This block is invalid. It does not start with any known Prisma schema keyword.");
    ck_assert_uint_eq(p->diags.items[0].loc.end_line, 3);
    ck_assert_uint_eq(p->schema.nblocks, 1);
    parsed_free(p);
}
END_TEST

START_TEST(unclosed_block_at_end_of_input)
{
    parsed *p = parse("model User {\n  id Int @id\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 1, 1, "This block is not closed");
    /* the fields read are kept */
    ck_assert_uint_eq(p->schema.nblocks, 1);
    ck_assert_uint_eq(p->schema.blocks[0]->nmembers, 1);
    parsed_free(p);
}
END_TEST

START_TEST(unclosed_block_before_the_next_one)
{
    parsed *p = parse("model A {\n  id Int @id\n\nmodel B {\n  id Int @id\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 1, 1, "This block is not closed");
    ck_assert_uint_eq(p->schema.nblocks, 2);
    ck_assert_str_eq(p->schema.blocks[1]->name, "B");
    ck_assert_uint_eq(p->schema.blocks[1]->nmembers, 1);
    parsed_free(p);
}
END_TEST

START_TEST(stray_closing_brace)
{
    parsed *p = parse("model A {\n  id Int @id\n}\n}\nmodel B {\n  id Int @id\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 4, 1, TOP_LINE);
    ck_assert_uint_eq(p->schema.nblocks, 2);
    parsed_free(p);
}
END_TEST

START_TEST(one_line_block)
{
    parsed *p = parse("model M { id Int @id }\nmodel N {\n  id Int @id\n}\n");
    ck_assert_uint_eq(p->nerrors, 2);
    expect_error(p, 0, 1, 1, "Only a comment may follow the `{`");
    expect_error(p, 1, 1, 1, "This block is not closed");
    ck_assert_uint_eq(p->schema.nblocks, 2);
    parsed_free(p);
}
END_TEST

START_TEST(unterminated_string_is_one_error)
{
    parsed *p = parse("model M {\n  name String @default(\"x\n  id Int @id\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 2, 24, "This string is not terminated");
    ck_assert_uint_eq(p->schema.blocks[0]->nmembers, 1);
    parsed_free(p);
}
END_TEST

START_TEST(control_character_in_string)
{
    parsed *p = parse("model M {\n  t String @default(\"tab\there\")\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 2, 21, "Control characters are not allowed in strings");
    parsed_free(p);
}
END_TEST

/* `\u0000` used to cut a column name, a default and an enum label short
 * without a word; each is now an error at its escape. */
START_TEST(nul_escape_in_strings)
{
    parsed *p = parse("enum E {\n  A @map(\"x\\u0000\")\n}\n"
                      "model M {\n  id Int @id @map(\"i\\u0000d\")\n"
                      "  s String @default(\"\\u0000\")\n}\n");
    ck_assert_uint_eq(p->nerrors, 3);
    expect_error(p, 0, 2, 12, "A string cannot contain the NUL character `\\u0000`");
    expect_error(p, 1, 5, 21, "NUL character");
    expect_error(p, 2, 6, 22, "NUL character");
    parsed_free(p);
}
END_TEST

START_TEST(unterminated_block_comment)
{
    parsed *p = parse("model M {\n  id Int @id\n  /* never closed\n}\n");
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 3, 3, "This block comment is not closed");
    ck_assert_uint_eq(p->schema.nblocks, 1);
    parsed_free(p);
}
END_TEST

START_TEST(argument_errors)
{
    parsed *p = parse("model M {\n"
                      "  id Int @id @default(dbgenerated(\"x\",))\n"
                      "  a Int @relation(fields: )\n"
                      "  @@index([id,])\n"
                      "}\n");
    ck_assert_uint_eq(p->nerrors, 3);
    expect_error(p, 0, 2, 38,
                 "Error parsing attribute \"@default\": Trailing commas are not valid in attribute arguments, "
                 "please remove the comma.");
    expect_error(p, 1, 3, 19, "Error parsing attribute \"@relation\": The `fields` argument is missing a value.");
    expect_error(p, 2, 4, 14, "Trailing commas are not valid in lists");
    parsed_free(p);
}
END_TEST

START_TEST(legacy_syntax)
{
    parsed *p = parse("model M {\n  b Int!\n  c [Int]\n  d: Int\n}\n");
    ck_assert_uint_eq(p->nerrors, 3);
    expect_error(p, 0, 2, 8, "Fields are required by default, `!` is no longer required.");
    expect_error(p, 1, 3, 5, "To specify a list, please use `Type[]` instead of `[Type]`.");
    expect_error(p, 2, 4, 4, "Field declarations don't require a `:`.");
    parsed_free(p);
}
END_TEST

START_TEST(binary_junk)
{
    unsigned char junk[4096];
    unsigned seed = 12345;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof junk; i++) {
            seed = seed * 1103515245u + 12345u;
            junk[i] = (unsigned char)(seed >> 16);
        }
        parsed *p = parse_n((const char *)junk, sizeof junk);
        ck_assert_uint_gt(p->nerrors, 0);
        FILE *sink = fopen("/dev/null", "w");
        diag_print(sink, &p->diags, false);
        fclose(sink);
        parsed_free(p);
    }
}
END_TEST

START_TEST(every_truncation_of_a_schema)
{
    const char *text = "datasource db {\n  provider = \"postgresql\"\n}\n"
                       "/// doc\nmodel M {\n  id Int @id @default(autoincrement())\n"
                       "  s String? @db.VarChar(20) // c\n  @@index([id(sort: Desc)], map: \"x\")\n}\n"
                       "enum E {\n  A @map(\"a\")\n}\n";
    size_t len = strlen(text);
    for (size_t n = 0; n <= len; n++) {
        parsed *p = parse_n(text, n);
        parsed_free(p);
    }
    parsed *p = parse(text);
    ck_assert_uint_eq(p->nerrors, 0);
    parsed_free(p);
}
END_TEST

START_TEST(one_megabyte_line)
{
    size_t n = 1024 * 1024;
    char *text = malloc(n + 64);
    strcpy(text, "model M {\n  id Int @default(\"");
    size_t at = strlen(text);
    memset(text + at, 'x', n);
    strcpy(text + at + n, "\")\n}\n");
    parsed *p = parse(text);
    ck_assert_uint_eq(p->nerrors, 0);
    ck_assert_uint_eq(p->schema.blocks[0]->members[0].attrs[0].args.items[0].value->text_len, n);
    parsed_free(p);

    /* the same line without its closing quote, and a line of a million words */
    strcpy(text + at + n, "\n}\n");
    p = parse(text);
    ck_assert_uint_eq(p->nerrors, 1);
    parsed_free(p);
    for (size_t i = 0; i < n; i++)
        text[i] = i % 2 ? ' ' : 'a';
    strcpy(text + n, "\n");
    p = parse(text);
    ck_assert_uint_eq(p->nerrors, 1);
    parsed_free(p);
    free(text);
}
END_TEST

START_TEST(deep_nesting)
{
    size_t depth = 100000;
    char *text = malloc(2 * depth + 64);
    strcpy(text, "model M {\n  id Int @default(");
    size_t at = strlen(text);
    for (size_t i = 0; i < depth; i++)
        text[at + i] = i % 2 ? '(' : '[';
    strcpy(text + at + depth, "\n  ok Int\n}\n");
    parsed *p = parse(text);
    ck_assert_uint_eq(p->nerrors, 1);
    expect_error(p, 0, 2, 18 + PARSE_MAX_NESTING, "nested too deeply");
    parsed_free(p);
    free(text);
}
END_TEST

START_TEST(many_unterminated_block_comments)
{
    /* each opening would scan to the end of the input if nothing remembered
     * that no comment end is left */
    size_t lines = 40000;
    char *text = malloc(3 * lines + 1);
    for (size_t i = 0; i < lines; i++)
        memcpy(text + 3 * i, "/*\n", 3);
    text[3 * lines] = '\0';
    parsed *p = parse(text);
    ck_assert_uint_eq(p->nerrors, lines);
    FILE *sink = fopen("/dev/null", "w");
    diag_print(sink, &p->diags, false);
    fclose(sink);
    parsed_free(p);
    free(text);
}
END_TEST

START_TEST(errors_per_line_are_capped)
{
    size_t n = 100000;
    char *text = malloc(6 * n + 64);
    strcpy(text, "model M {\n  x String @default(\"");
    size_t at = strlen(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + at + 2 * i, "\\q", 2);
    strcpy(text + at + 2 * n, "\")\n}\n");
    parsed *p = parse(text);
    ck_assert_uint_eq(p->nerrors, PARSE_MAX_LINE_ERRORS);
    parsed_free(p);
    free(text);
}
END_TEST

START_TEST(nul_bytes)
{
    const char text[] = "model M {\n  id Int @id\0\n  s String @default(\"a\0b\")\n}\n";
    parsed *p = parse_n(text, sizeof text - 1);
    ck_assert_uint_eq(p->nerrors, 2);
    parsed_free(p);
}
END_TEST

static char *print_to_string(const diag_list *d, bool color)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    diag_print(f, d, color);
    fclose(f);
    return out;
}

START_TEST(printed_like_prisma_with_column_and_carets)
{
    parsed *p = parse("model User {\n  id Int @id\n  this is not valid !!\n}\n");
    char *out = print_to_string(&p->diags, false);
    ck_assert_str_eq(out, "error: Error validating: This line is not a valid field or attribute definition.\n"
                          "  -->  schema.prisma:3:3\n"
                          "   | \n"
                          " 2 |   id Int @id\n"
                          " 3 |   this is not valid !!\n"
                          "   |   ^^^^^^^^^^^^^^^^^^^^\n");
    free(out);
    parsed_free(p);
}
END_TEST

START_TEST(printed_first_line_multi_line_and_warnings_first)
{
    parsed *p = parse("foo\nblah {\n}\n");
    diag_warning(&p->diags, (ast_loc){0}, "a warning without place");
    char *out = print_to_string(&p->diags, false);
    ck_assert_str_eq(out, "warning: a warning without place\n"
                          "error: Error validating: This line is invalid. It does not start with any known "
                          "Prisma schema keyword.\n"
                          "  -->  schema.prisma:1:1\n"
                          "   | \n"
                          "   | \n"
                          " 1 | foo\n"
                          "   | ^^^\n"
                          "error: Error validating: This block is invalid. It does not start with any known "
                          "Prisma schema keyword. Valid keywords include 'model', 'enum', 'type', 'datasource' "
                          "and 'generator'.\n"
                          "  -->  schema.prisma:2:1\n"
                          "   | \n"
                          " 1 | foo\n"
                          " 2 | blah {\n"
                          " 3 | }\n"
                          "   | \n");
    free(out);
    char *colored = print_to_string(&p->diags, true);
    ck_assert_ptr_nonnull(strstr(colored, "\x1b[1;91merror\x1b[0m"));
    free(colored);
    parsed_free(p);
}
END_TEST

START_TEST(carets_count_characters_not_bytes)
{
    parsed *p = parse("model M {\n  é ü ö\n}\n");
    char *out = print_to_string(&p->diags, false);
    ck_assert_ptr_nonnull(strstr(out, " 2 |   é ü ö\n   |   ^^^^^\n"));
    free(out);
    parsed_free(p);
}
END_TEST

static Suite *errors_suite(void)
{
    Suite *s = suite_create("syntax errors");
    TCase *tc = tcase_create("messages");
    tcase_add_test(tc, every_broken_line_is_reported);
    tcase_add_test(tc, generator_lines);
    tcase_add_test(tc, misplaced_declarations);
    tcase_add_test(tc, field_without_type);
    tcase_add_test(tc, type_alias);
    tcase_add_test(tc, names_start_with_a_letter_or_digit);
    tcase_add_test(tc, trailing_comma_in_property_function_is_accepted);
    tcase_add_test(tc, block_without_keyword);
    tcase_add_test(tc, unclosed_block_at_end_of_input);
    tcase_add_test(tc, unclosed_block_before_the_next_one);
    tcase_add_test(tc, stray_closing_brace);
    tcase_add_test(tc, one_line_block);
    tcase_add_test(tc, unterminated_string_is_one_error);
    tcase_add_test(tc, control_character_in_string);
    tcase_add_test(tc, nul_escape_in_strings);
    tcase_add_test(tc, unterminated_block_comment);
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, legacy_syntax);
    suite_add_tcase(s, tc);

    TCase *hostile = tcase_create("hostile inputs");
    tcase_set_timeout(hostile, 60);
    tcase_add_test(hostile, binary_junk);
    tcase_add_test(hostile, every_truncation_of_a_schema);
    tcase_add_test(hostile, one_megabyte_line);
    tcase_add_test(hostile, deep_nesting);
    tcase_add_test(hostile, nul_bytes);
    tcase_add_test(hostile, many_unterminated_block_comments);
    tcase_add_test(hostile, errors_per_line_are_capped);
    suite_add_tcase(s, hostile);

    TCase *print = tcase_create("printing");
    tcase_add_test(print, printed_like_prisma_with_column_and_carets);
    tcase_add_test(print, printed_first_line_multi_line_and_warnings_first);
    tcase_add_test(print, carets_count_characters_not_bytes);
    suite_add_tcase(s, print);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(errors_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
