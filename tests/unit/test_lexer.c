/*
 * test_lexer.c — the scanner alone: token kinds, values and places.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse_state.h"
#include "parser.h"
#include "lexer.h"

typedef struct lexed {
    int kind;
    YYSTYPE val;
    ast_loc loc;
} lexed;

typedef struct lex_run {
    ast_schema schema;
    ast_file file;
    diag_list diags;
    parse_state st;
    lexed toks[256];
    size_t n;
} lex_run;

static lex_run *lex(const char *text)
{
    lex_run *r = calloc(1, sizeof *r);
    r->file = (ast_file){.path = "t.prisma", .text = text, .len = strlen(text)};
    r->st = (parse_state){.arena = &r->schema.arena, .file = &r->file, .diags = &r->diags, .line = 1, .col = 1};
    yyscan_t scanner;
    ck_assert_int_eq(psllex_init_extra(&r->st, &scanner), 0);
    psl_scan_bytes(text, (int)strlen(text), scanner);
    for (;;) {
        lexed *t = &r->toks[r->n];
        t->kind = psllex(&t->val, &t->loc, scanner);
        if (t->kind == 0 || r->n + 1 == sizeof r->toks / sizeof *r->toks)
            break;
        r->n++;
    }
    psllex_destroy(scanner);
    return r;
}

static void lex_free(lex_run *r)
{
    diag_list_free(&r->diags);
    arena_free(&r->schema.arena);
    free(r);
}

#define KIND(r, i, k) ck_assert_int_eq((r)->toks[i].kind, (k))
#define TEXT(r, i, s) ck_assert_str_eq((r)->toks[i].val.tok.text, (s))

START_TEST(identifiers_paths_and_attributes)
{
    lex_run *r = lex("  id Int @id @db.VarChar(200) @@index\n");
    KIND(r, 0, T_IDENT);
    TEXT(r, 0, "id");
    KIND(r, 1, T_IDENT);
    TEXT(r, 1, "Int");
    KIND(r, 2, T_ATTR);
    TEXT(r, 2, "id");
    KIND(r, 3, T_ATTR);
    TEXT(r, 3, "db.VarChar");
    KIND(r, 4, '(');
    KIND(r, 5, T_NUMBER);
    TEXT(r, 5, "200");
    KIND(r, 6, ')');
    KIND(r, 7, T_BATTR);
    TEXT(r, 7, "index");
    KIND(r, 8, T_NEWLINE);
    ck_assert(!r->toks[8].val.blank);
    ck_assert_uint_eq(r->n, 9);
    /* places: "id" at byte 2, line 1, columns 3..5 */
    ck_assert_uint_eq(r->toks[0].loc.start, 2);
    ck_assert_uint_eq(r->toks[0].loc.end, 4);
    ck_assert_uint_eq(r->toks[0].loc.line, 1);
    ck_assert_uint_eq(r->toks[0].loc.col, 3);
    ck_assert_uint_eq(r->toks[0].loc.end_col, 5);
    lex_free(r);
}
END_TEST

START_TEST(non_ascii_identifiers)
{
    lex_run *r = lex("Lööp 名前 ïd-x\n");
    KIND(r, 0, T_IDENT);
    TEXT(r, 0, "Lööp");
    KIND(r, 1, T_IDENT);
    TEXT(r, 1, "名前");
    KIND(r, 2, T_IDENT);
    TEXT(r, 2, "ïd-x");
    /* columns count bytes: "Lööp" is 6 bytes */
    ck_assert_uint_eq(r->toks[1].loc.col, 8);
    lex_free(r);
}
END_TEST

START_TEST(numbers)
{
    lex_run *r = lex("42 -1 3.14 -0.5 1.\n");
    KIND(r, 0, T_NUMBER);
    TEXT(r, 0, "42");
    KIND(r, 1, T_NUMBER);
    TEXT(r, 1, "-1");
    KIND(r, 2, T_NUMBER);
    TEXT(r, 2, "3.14");
    KIND(r, 3, T_NUMBER);
    TEXT(r, 3, "-0.5");
    KIND(r, 4, T_NUMBER);
    TEXT(r, 4, "1");
    KIND(r, 5, T_JUNK); /* "1." is not a number */
    lex_free(r);
}
END_TEST

START_TEST(string_escapes)
{
    lex_run *r = lex("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\" \"\\u00e9\" \"\\ud83d\\ude00\"\n");
    KIND(r, 0, T_STRING);
    ck_assert_str_eq(r->toks[0].val.tok.text, "a\"b\\c/d\b\f\n\r\t");
    ck_assert_str_eq(r->toks[0].val.tok.raw, "a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t");
    KIND(r, 1, T_STRING);
    TEXT(r, 1, "\xc3\xa9");
    KIND(r, 2, T_STRING);
    TEXT(r, 2, "\xf0\x9f\x98\x80");
    ck_assert_uint_eq(r->diags.count, 0);
    lex_free(r);
}
END_TEST

/* A NUL would cut every name and value made from the string short, and
 * PostgreSQL refuses it: an error at the escape (the token keeps its length). */
START_TEST(string_escape_nul_is_rejected)
{
    lex_run *r = lex("\"a\\u0000b\"\n");
    KIND(r, 0, T_STRING);
    ck_assert_uint_eq(r->toks[0].val.tok.len, 3);
    ck_assert_uint_eq(r->diags.count, 1);
    ck_assert_int_eq(r->diags.items[0].severity, DIAG_ERROR);
    ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "NUL character `\\u0000`"));
    ck_assert_uint_eq(r->diags.items[0].loc.col, 3); /* at the backslash */
    ck_assert_uint_eq(r->diags.items[0].loc.end_col, 9);
    lex_free(r);
}
END_TEST

START_TEST(bad_escapes_are_reported)
{
    lex_run *r = lex("\"a\\qb\" \"\\u12\" \"\\ud83d\" \"\\ude00\"\n");
    ck_assert_uint_eq(r->diags.count, 4);
    ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "Unknown escape sequence"));
    ck_assert_uint_eq(r->diags.items[0].loc.col, 3); /* at the backslash */
    ck_assert_ptr_nonnull(strstr(r->diags.items[1].message, "four hexadecimal digits"));
    ck_assert_ptr_nonnull(strstr(r->diags.items[2].message, "high surrogate"));
    ck_assert_ptr_nonnull(strstr(r->diags.items[3].message, "low surrogate"));
    lex_free(r);
}
END_TEST

START_TEST(unterminated_string)
{
    lex_run *r = lex("x \"abc\ny\n");
    KIND(r, 0, T_IDENT);
    KIND(r, 1, T_JUNK);
    KIND(r, 2, T_NEWLINE);
    KIND(r, 3, T_IDENT);
    ck_assert_uint_eq(r->diags.count, 1);
    ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "not terminated"));
    ck_assert_uint_eq(r->diags.items[0].loc.col, 3);
    lex_free(r);
}
END_TEST

START_TEST(comments)
{
    lex_run *r = lex("// plain\n/// doc\n//// four\n/* a\n b */ x\n");
    KIND(r, 0, T_COMMENT);
    TEXT(r, 0, "// plain");
    KIND(r, 1, T_NEWLINE);
    ck_assert(!r->toks[1].val.blank);
    KIND(r, 2, T_DOC);
    TEXT(r, 2, "/// doc");
    KIND(r, 4, T_DOC);
    TEXT(r, 4, "//// four");
    KIND(r, 6, T_BCOMMENT);
    TEXT(r, 6, "/* a\n b */");
    ck_assert_uint_eq(r->toks[6].loc.line, 4);
    ck_assert_uint_eq(r->toks[6].loc.end_line, 5);
    KIND(r, 7, T_IDENT);
    ck_assert_uint_eq(r->toks[7].loc.line, 5);
    ck_assert_uint_eq(r->toks[7].loc.col, 7);
    lex_free(r);
}
END_TEST

START_TEST(crlf_cr_and_blank_lines)
{
    lex_run *r = lex("a\r\n\r\n \t\rb\n");
    KIND(r, 0, T_IDENT);
    KIND(r, 1, T_NEWLINE);
    ck_assert(!r->toks[1].val.blank);
    KIND(r, 2, T_NEWLINE);
    ck_assert(r->toks[2].val.blank);
    KIND(r, 3, T_NEWLINE); /* a lone \r ends a line too */
    ck_assert(r->toks[3].val.blank);
    KIND(r, 4, T_IDENT);
    ck_assert_uint_eq(r->toks[4].loc.line, 4);
    ck_assert_uint_eq(r->toks[4].loc.col, 1);
    ck_assert_uint_eq(r->toks[4].loc.start, 8);
    lex_free(r);
}
END_TEST

START_TEST(keywords_only_open_blocks)
{
    lex_run *r = lex("model User {\n  type String\n  model Int\n}\nenum E {\n}\n");
    KIND(r, 0, KW_MODEL);
    KIND(r, 1, T_IDENT);
    KIND(r, 2, T_LBRACE);
    KIND(r, 3, T_NEWLINE);
    KIND(r, 4, T_IDENT);
    TEXT(r, 4, "type");
    KIND(r, 7, T_IDENT);
    TEXT(r, 7, "model");
    KIND(r, 10, T_RBRACE);
    KIND(r, 12, KW_ENUM);
    lex_free(r);
}
END_TEST

START_TEST(unclosed_block_before_next_header_and_at_eof)
{
    lex_run *r = lex("model A {\n  id Int\nmodel B {\n  x Int");
    KIND(r, 0, KW_MODEL);
    KIND(r, 6, T_NEWLINE);
    KIND(r, 7, T_UNCLOSED);
    KIND(r, 8, KW_MODEL);
    ck_assert_uint_eq(r->toks[8].loc.line, 3);
    KIND(r, 14, T_NEWLINE); /* the last line gets its end */
    KIND(r, 15, T_UNCLOSED);
    ck_assert_uint_eq(r->n, 16);
    lex_free(r);
}
END_TEST

START_TEST(brace_closes_only_at_line_start)
{
    lex_run *r = lex("model A {\n  id Int }\n}\n}\n");
    KIND(r, 6, T_JUNK);
    KIND(r, 8, T_RBRACE);
    KIND(r, 10, T_RBRACE); /* stray: the parser reports it */
    lex_free(r);
}
END_TEST

START_TEST(block_without_keyword_is_one_token)
{
    lex_run *r = lex("blah {\n  x y\n}\nmodel A {\n}\n");
    KIND(r, 0, T_ARBITRARY);
    ck_assert_uint_eq(r->toks[0].loc.line, 1);
    ck_assert_uint_eq(r->toks[0].loc.end_line, 3);
    KIND(r, 1, T_NEWLINE);
    KIND(r, 2, KW_MODEL);
    lex_free(r);
}
END_TEST

START_TEST(deep_nesting_is_cut)
{
    char text[400];
    memset(text, '[', 300);
    strcpy(text + 300, "\nx\n");
    lex_run *r = lex(text);
    ck_assert_uint_eq(r->diags.count, 1);
    ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "nested too deeply"));
    KIND(r, PARSE_MAX_NESTING, T_JUNK);
    KIND(r, PARSE_MAX_NESTING + 1, T_NEWLINE);
    KIND(r, PARSE_MAX_NESTING + 2, T_IDENT);
    lex_free(r);
}
END_TEST

static Suite *lexer_suite(void)
{
    Suite *s = suite_create("lexer");
    TCase *tc = tcase_create("tokens");
    tcase_add_test(tc, identifiers_paths_and_attributes);
    tcase_add_test(tc, non_ascii_identifiers);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, string_escapes);
    tcase_add_test(tc, string_escape_nul_is_rejected);
    tcase_add_test(tc, bad_escapes_are_reported);
    tcase_add_test(tc, unterminated_string);
    tcase_add_test(tc, comments);
    tcase_add_test(tc, crlf_cr_and_blank_lines);
    tcase_add_test(tc, keywords_only_open_blocks);
    tcase_add_test(tc, unclosed_block_before_next_header_and_at_eof);
    tcase_add_test(tc, brace_closes_only_at_line_start);
    tcase_add_test(tc, block_without_keyword_is_one_token);
    tcase_add_test(tc, deep_nesting_is_cut);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lexer_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
