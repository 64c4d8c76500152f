/*
 * parser.y — the grammar of Prisma's schema language, building the AST of
 * ast.h.
 *
 * Pure and reentrant: everything lives in the parse_state passed to yyparse
 * (scanner, arena, file, diagnostics, the items being built). Blocks do not
 * nest, so the block under construction and the file's item list are kept
 * in that state rather than passed around as semantic values.
 *
 * The grammar is line oriented like Prisma's: each declaration ends with a
 * NEWLINE token, and every syntax error is recovered at the end of its line
 * (`error T_NEWLINE`), so all broken lines are reported, each once, with the
 * message Prisma gives for that kind of block. Lines that parse but do not
 * belong where they are (a field in an enum, `key = value` in a model) are
 * reported by the actions with the same messages.
 */
%define api.pure full
%define parse.error custom
%locations
%expect 0
%parse-param {parse_state *st}
%lex-param {parse_state *st}

%code requires {
#include "parse_state.h"
#define YYLTYPE ast_loc
#define YYLTYPE_IS_DECLARED 1
/* A rule's place runs from its first symbol to its last; an empty rule
 * sits, zero-width, where the previous symbol ended. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                  \
    do {                                                             \
        if (N) {                                                     \
            (Cur) = YYRHSLOC(Rhs, 1);                                \
            (Cur).end = YYRHSLOC(Rhs, N).end;                        \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;              \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                \
        } else {                                                     \
            (Cur) = YYRHSLOC(Rhs, 0);                                \
            (Cur).start = (Cur).end;                                 \
            (Cur).line = (Cur).end_line;                             \
            (Cur).col = (Cur).end_col;                               \
        }                                                            \
    } while (0)
}

%union {
    parse_token tok;
    bool blank;
    const char *text;
    ast_expr *expr;
    expr_list *exprs;
    arg_list *args;
    ast_arg arg;
    attr_list *attrs;
    ast_attribute attr;
    ast_field_type ftype;
}

%code {
#include <stdarg.h>
#include <string.h>

#include "lexer.h"

#undef yylex
#define yylex parse_lex
static int parse_lex(YYSTYPE *val, YYLTYPE *loc, parse_state *st)
{
    return psllex(val, loc, st->scanner);
}

static void yyerror(YYLTYPE *loc, parse_state *st, const char *msg);

static void begin_block(parse_state *st, ast_block_kind kind, ast_loc kw_loc, parse_token name, ast_loc name_loc);
static void end_block(parse_state *st, ast_loc close_loc, const char *close_comment);
static void add_member(parse_state *st, ast_member m);
static void add_comment(parse_state *st, const char *text, ast_loc loc);
static void add_doc(parse_state *st, parse_token doc, ast_loc loc);
static void add_newline(parse_state *st, bool blank, ast_loc loc);
static void add_decl(parse_state *st, parse_token name, ast_loc name_loc, ast_field_type type,
                     attr_list *attrs, const char *comment, ast_loc loc);
static void add_property(parse_state *st, parse_token name, ast_loc name_loc, ast_expr *value,
                         const char *comment, ast_loc loc);
static void add_block_attribute(parse_state *st, ast_attribute attr, const char *comment, ast_loc loc);
static void line_error(parse_state *st, ast_loc fallback, const char *message);
static const char *member_line_message(const parse_state *st);
static const char *top_line_message(const parse_state *st, ast_loc fallback);
static void check_arguments(parse_state *st, const char *owner);
static ast_expr *new_expr(parse_state *st, ast_expr_kind kind, ast_loc loc);
static ast_attribute make_attribute(parse_state *st, parse_token name, ast_loc name_loc, bool is_block,
                                    arg_list *args, ast_loc args_loc, ast_loc loc);
static ast_field_type make_type(ast_field_type base, ast_arity arity, ast_loc loc);

/* From the start of `first` to the end of `last`. */
static ast_loc span(ast_loc first, ast_loc last)
{
    first.end = last.end;
    first.end_line = last.end_line;
    first.end_col = last.end_col;
    return first;
}
}

%token <blank> T_NEWLINE "end of line"
%token <tok> T_IDENT "identifier" T_PATH "dotted name" T_STRING "string" T_NUMBER "number"
%token <tok> T_ATTR "attribute" T_BATTR "block attribute"
%token <tok> T_COMMENT "comment" T_DOC "doc comment" T_BCOMMENT "block comment"
%token <tok> T_ARBITRARY "block" T_JUNK "unexpected character"
%token <tok> T_LBRACE "{" T_RBRACE "}" T_UNCLOSED "end of block" T_EMPTY_LIST "[]"
%token <tok> KW_MODEL "model" KW_VIEW "view" KW_TYPE "type" KW_ENUM "enum"
%token <tok> KW_DATASOURCE "datasource" KW_GENERATOR "generator"

%type <text> trailing_comment opt_trailing_comment
%type <expr> expr
%type <exprs> expr_items
%type <args> arg_items arguments opt_arguments
%type <arg> argument
%type <attrs> attributes
%type <attr> attribute
%type <ftype> field_type opt_field_type base_type
%type <tok> path

%%

schema
    : %empty
    | schema item
    ;

item
    : block
    | T_COMMENT     { add_comment(st, $1.text, @1); }
    | T_BCOMMENT    { add_comment(st, $1.text, @1); }
    | T_DOC         { add_doc(st, $1, @1); }
    | T_NEWLINE     { add_newline(st, $1, @1); }
    | T_ARBITRARY   {
          parse_error(st, @1, "Error validating: This block is invalid. It does not start with any known "
                              "Prisma schema keyword. Valid keywords include 'model', 'enum', 'type', "
                              "'datasource' and 'generator'.");
      }
    | error T_NEWLINE {
          line_error(st, @1, top_line_message(st, @1));
          yyerrok;
      }
    ;

block
    : block_head T_LBRACE open_rest members block_close
    ;

block_head
    : KW_MODEL T_IDENT      { begin_block(st, AST_BLOCK_MODEL, @1, $2, @2); }
    | KW_VIEW T_IDENT       { begin_block(st, AST_BLOCK_VIEW, @1, $2, @2); }
    | KW_TYPE T_IDENT       { begin_block(st, AST_BLOCK_TYPE, @1, $2, @2); }
    | KW_ENUM T_IDENT       { begin_block(st, AST_BLOCK_ENUM, @1, $2, @2); }
    | KW_DATASOURCE T_IDENT { begin_block(st, AST_BLOCK_DATASOURCE, @1, $2, @2); }
    | KW_GENERATOR T_IDENT  { begin_block(st, AST_BLOCK_GENERATOR, @1, $2, @2); }
    ;

/* The rest of the line after `{`: nothing but a comment. */
open_rest
    : T_NEWLINE
    | trailing_comment T_NEWLINE { st->block->comment = $1; }
    | error T_NEWLINE {
          line_error(st, @1, "Error validating: Only a comment may follow the `{` that opens a block: "
                             "put each declaration on its own line.");
          yyerrok;
      }
    ;

block_close
    : T_RBRACE close_rest
    | T_UNCLOSED {
          ast_block *b = st->block;
          parse_error(st, span(b->keyword_loc, b->name_loc),
                      "This block is not closed: add a line holding `}` after its last declaration.");
          end_block(st, b->nmembers ? b->members[b->nmembers - 1].loc : b->name_loc, NULL);
      }
    ;

close_rest
    : T_NEWLINE                  { end_block(st, @0, NULL); }
    | trailing_comment T_NEWLINE { end_block(st, @0, $1); }
    | error T_NEWLINE {
          end_block(st, @0, NULL);
          line_error(st, @1, "Error validating: This line is invalid. It does not start with any known "
                             "Prisma schema keyword.");
          yyerrok;
      }
    ;

members
    : %empty
    | members member
    ;

member
    : declaration
    | T_COMMENT     { add_comment(st, $1.text, @1); }
    | T_BCOMMENT    { add_comment(st, $1.text, @1); }
    | T_DOC         { add_doc(st, $1, @1); }
    | T_NEWLINE     { add_newline(st, $1, @1); }
    | error T_NEWLINE {
          line_error(st, @1, member_line_message(st));
          yyerrok;
      }
    ;

declaration
    /* A field (model, view, type) or an enum value: which one the block decides. */
    : T_IDENT opt_field_type attributes opt_trailing_comment T_NEWLINE {
          add_decl(st, $1, @1, $2, $3, $4, span(@1, @3));
      }
    | T_IDENT ':' field_type attributes opt_trailing_comment T_NEWLINE {
          parse_error(st, @2, "Field declarations don't require a `:`.");
          add_decl(st, $1, @1, $3, $4, $5, span(@1, @4));
      }
    | T_IDENT '=' expr opt_trailing_comment T_NEWLINE {
          add_property(st, $1, @1, $3, $4, span(@1, @3));
      }
    | T_IDENT '=' opt_trailing_comment T_NEWLINE {
          if (st->block->kind == AST_BLOCK_DATASOURCE || st->block->kind == AST_BLOCK_GENERATOR)
              parse_error(st, @1, "Property %s in %s %s needs to be assigned a value", $1.text,
                          ast_block_kind_name(st->block->kind), st->block->name);
          else
              line_error(st, @1, member_line_message(st));
      }
    | T_BATTR opt_arguments opt_trailing_comment T_NEWLINE {
          ast_loc loc = span(@1, @2);
          add_block_attribute(st, make_attribute(st, $1, @1, true, $2, @2, loc), $3, loc);
      }
    ;

opt_field_type
    : %empty        { $$ = (ast_field_type){0}; }
    | field_type
    ;

field_type
    : base_type                         { $$ = make_type($1, AST_REQUIRED, @$); }
    | base_type '?'                     { $$ = make_type($1, AST_OPTIONAL, @$); }
    | base_type T_EMPTY_LIST            { $$ = make_type($1, AST_LIST, @$); }
    | base_type T_EMPTY_LIST '?'        { $$ = make_type($1, AST_LIST, @$); $$.optional_list = true; }
    | base_type '!' {
          parse_error(st, @2, "Fields are required by default, `!` is no longer required.");
          $$ = make_type($1, AST_REQUIRED, @$);
      }
    | '[' base_type ']' {
          parse_error(st, @$, "To specify a list, please use `Type[]` instead of `[Type]`.");
          $$ = make_type($2, AST_LIST, @$);
      }
    ;

base_type
    : T_IDENT {
          $$ = (ast_field_type){0};
          $$.name = $1.text;
      }
    | T_IDENT '(' T_STRING ')' {
          $$ = (ast_field_type){0};
          $$.name = $1.text;
          ast_expr *e = new_expr(st, AST_EXPR_STRING, @3);
          e->text = $3.text;
          e->text_len = $3.len;
          e->raw = $3.raw;
          $$.unsupported = e;
          if (strcmp($1.text, "Unsupported") != 0)
              parse_error(st, @1, "Only `Unsupported(\"...\")` takes an argument in a field type.");
      }
    ;

attributes
    : %empty                { $$ = arena_alloc(st->arena, sizeof *$$); }
    | attributes attribute  { $$ = $1; ARENA_PUSH(st->arena, $$->items, $$->count, $$->cap, $2); }
    ;

attribute
    : T_ATTR opt_arguments {
          $$ = make_attribute(st, $1, @1, false, $2, @2, @$);
      }
    ;

opt_arguments
    : %empty      { $$ = NULL; }
    | arguments
    ;

arguments
    : '(' ')'                   { $$ = arena_alloc(st->arena, sizeof *$$); }
    | '(' arg_items ')'         { $$ = $2; }
    | '(' arg_items ',' ')'     {
          $$ = $2;
          if (!st->saw_trailing_comma) {
              st->saw_trailing_comma = true;
              st->trailing_comma_loc = @3;
          }
      }
    ;

arg_items
    : argument {
          $$ = arena_alloc(st->arena, sizeof *$$);
          if ($1.value)
              ARENA_PUSH(st->arena, $$->items, $$->count, $$->cap, $1);
      }
    | arg_items ',' argument {
          $$ = $1;
          if ($3.value)
              ARENA_PUSH(st->arena, $$->items, $$->count, $$->cap, $3);
      }
    ;

argument
    : expr {
          $$ = (ast_arg){.value = $1, .loc = @$};
      }
    | T_IDENT ':' expr {
          $$ = (ast_arg){.name = $1.text, .name_loc = @1, .value = $3, .loc = @$};
      }
    | T_IDENT ':' {
          /* Prisma parses `name:` alone and rejects it later; it is dropped here. */
          $$ = (ast_arg){.name = $1.text, .name_loc = @1, .loc = @$};
          if (!st->empty_arg_name) {
              st->empty_arg_name = $1.text;
              st->empty_arg_loc = @$;
          }
      }
    ;

expr
    : T_STRING {
          $$ = new_expr(st, AST_EXPR_STRING, @$);
          $$->text = $1.text;
          $$->text_len = $1.len;
          $$->raw = $1.raw;
      }
    | T_NUMBER {
          $$ = new_expr(st, AST_EXPR_NUMBER, @$);
          $$->text = $1.text;
          $$->text_len = $1.len;
      }
    | path {
          $$ = new_expr(st, AST_EXPR_CONST, @$);
          $$->text = $1.text;
          $$->text_len = $1.len;
      }
    | path arguments {
          $$ = new_expr(st, AST_EXPR_FUNC, @$);
          $$->text = $1.text;
          $$->text_len = $1.len;
          $$->args.items = $2->items;
          $$->args.count = $2->count;
          $$->args.loc = @2;
      }
    | T_EMPTY_LIST      { $$ = new_expr(st, AST_EXPR_ARRAY, @$); }
    | '[' ']'           { $$ = new_expr(st, AST_EXPR_ARRAY, @$); }
    | '[' expr_items ']' {
          $$ = new_expr(st, AST_EXPR_ARRAY, @$);
          $$->items = $2->items;
          $$->count = $2->count;
      }
    | '[' expr_items ',' ']' {
          parse_error(st, @3, "Trailing commas are not valid in lists, please remove the comma.");
          $$ = new_expr(st, AST_EXPR_ARRAY, @$);
          $$->items = $2->items;
          $$->count = $2->count;
      }
    ;

expr_items
    : expr {
          $$ = arena_alloc(st->arena, sizeof *$$);
          ARENA_PUSH(st->arena, $$->items, $$->count, $$->cap, $1);
      }
    | expr_items ',' expr {
          $$ = $1;
          ARENA_PUSH(st->arena, $$->items, $$->count, $$->cap, $3);
      }
    ;

path
    : T_IDENT
    | T_PATH
    ;

opt_trailing_comment
    : %empty            { $$ = NULL; }
    | trailing_comment
    ;

trailing_comment
    : T_COMMENT         { $$ = $1.text; }
    | T_BCOMMENT        { $$ = $1.text; }
    | T_DOC             { $$ = $1.text; }
    ;

%%

/* Syntax errors are reported by the error rules, which know what kind of
 * line failed; here only the place is remembered. */
static int yyreport_syntax_error(const yypcontext_t *ctx, parse_state *st)
{
    if (!st->error_pending) {
        st->error_pending = true;
        st->error_loc = *yypcontext_location(ctx);
    }
    return 0;
}

static void yyerror(YYLTYPE *loc, parse_state *st, const char *msg)
{
    /* Only "memory exhausted" arrives here (the stack cannot grow deep:
     * nesting is capped by the scanner). */
    parse_error(st, *loc, "%s", msg);
}

static void line_error(parse_state *st, ast_loc fallback, const char *message)
{
    ast_loc at = st->error_pending ? st->error_loc : fallback;
    st->error_pending = false;
    /* argument problems of a line that failed are not reported on their own */
    st->saw_trailing_comma = false;
    st->empty_arg_name = NULL;
    if (at.file && st->reported_line == at.line)
        return; /* the scanner already explained this line */
    parse_error(st, parse_line_loc(st, at), "%s", message);
}

/* Prisma's message for a line at top level that starts no block; a type
 * alias (`type Name = ...`) gets its own. */
static const char *top_line_message(const parse_state *st, ast_loc fallback)
{
    ast_loc line = parse_line_loc(st, st->error_pending ? st->error_loc : fallback);
    const char *p = st->file->text + line.start, *end = st->file->text + line.end;
    if (end - p > 5 && !memcmp(p, "type", 4) && (p[4] == ' ' || p[4] == '\t')) {
        p += 4;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        while (p < end && *p != ' ' && *p != '\t' && *p != '=')
            p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '=')
            return "Error validating: Invalid type definition. Please check the documentation in "
                   "https://pris.ly/d/composite-types";
    }
    return "Error validating: This line is invalid. It does not start with any known Prisma schema keyword.";
}

static const char *member_line_message(const parse_state *st)
{
    switch (st->block->kind) {
    case AST_BLOCK_ENUM:
        return "Error validating: This line is not an enum value definition.";
    case AST_BLOCK_DATASOURCE:
        return "Error validating: This line is not a valid definition within a datasource.";
    case AST_BLOCK_GENERATOR:
        return "Error validating: This line is not a valid definition within a generator.";
    default:
        return "Error validating: This line is not a valid field or attribute definition.";
    }
}

static ast_expr *new_expr(parse_state *st, ast_expr_kind kind, ast_loc loc)
{
    ast_expr *e = arena_alloc(st->arena, sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

static ast_field_type make_type(ast_field_type base, ast_arity arity, ast_loc loc)
{
    base.arity = arity;
    base.loc = loc;
    return base;
}

/* Report argument problems collected while the arguments of `owner` (an
 * attribute, or NULL for a property value) were parsed. */
static void check_arguments(parse_state *st, const char *owner)
{
    /* Prisma accepts trailing commas in the arguments of a property value. */
    if (st->saw_trailing_comma && owner)
        parse_error(st, st->trailing_comma_loc,
                    "Error parsing attribute \"%s\": Trailing commas are not valid in attribute "
                    "arguments, please remove the comma.",
                    owner);
    if (st->empty_arg_name) {
        if (owner)
            parse_error(st, st->empty_arg_loc,
                        "Error parsing attribute \"%s\": The `%s` argument is missing a value.", owner,
                        st->empty_arg_name);
        else
            parse_error(st, st->empty_arg_loc, "The `%s` argument is missing a value.", st->empty_arg_name);
    }
    st->saw_trailing_comma = false;
    st->empty_arg_name = NULL;
}

static ast_attribute make_attribute(parse_state *st, parse_token name, ast_loc name_loc, bool is_block,
                                    arg_list *args, ast_loc args_loc, ast_loc loc)
{
    ast_attribute a = {0};
    a.name = name.text;
    a.name_loc = name_loc;
    /* name_loc covers the '@'s too: the name itself starts after them. */
    uint32_t skip = is_block ? 2 : 1;
    a.name_loc.start += skip;
    a.name_loc.col += skip;
    a.is_block = is_block;
    a.has_parens = args != NULL;
    if (args) {
        a.args.items = args->items;
        a.args.count = args->count;
        a.args.loc = args_loc;
    }
    a.loc = loc;
    check_arguments(st, arena_printf(st->arena, "%s%s", is_block ? "@@" : "@", name.text));
    return a;
}

/* ---- building the file ---------------------------------------------------- */

static void push_item(parse_state *st, ast_item item)
{
    ARENA_PUSH(st->arena, st->items, st->nitems, st->items_cap, item);
}

/* `///` lines directly above a declaration become its doc; anywhere else
 * they stay in the text as comments. */
static const char *take_docs(parse_state *st)
{
    if (!st->ndocs)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < st->ndocs; i++)
        len += st->docs[i].len - 3 + 1;
    char *doc = arena_alloc(st->arena, len);
    char *p = doc;
    for (size_t i = 0; i < st->ndocs; i++) {
        if (i)
            *p++ = '\n';
        memcpy(p, st->docs[i].text + 3, st->docs[i].len - 3);
        p += st->docs[i].len - 3;
    }
    *p = '\0';
    st->ndocs = 0;
    return doc;
}

static void push_comment(parse_state *st, const char *text, ast_loc loc)
{
    if (st->block) {
        ast_member m = {.kind = AST_MEMBER_COMMENT, .loc = loc, .comment = text};
        ARENA_PUSH(st->arena, st->block->members, st->block->nmembers, st->members_cap, m);
    } else {
        push_item(st, (ast_item){.kind = AST_ITEM_COMMENT, .comment = text, .loc = loc});
    }
}

static void flush_docs(parse_state *st)
{
    size_t n = st->ndocs;
    st->ndocs = 0;
    for (size_t i = 0; i < n; i++)
        push_comment(st, st->docs[i].text, st->doc_locs[i]);
}

static void add_comment(parse_state *st, const char *text, ast_loc loc)
{
    flush_docs(st);
    push_comment(st, text, loc);
}

static void add_doc(parse_state *st, parse_token doc, ast_loc loc)
{
    if (st->ndocs == st->docs_cap) {
        size_t cap = st->docs_cap ? st->docs_cap * 2 : 8;
        st->docs = arena_realloc(st->arena, st->docs, st->docs_cap * sizeof *st->docs, cap * sizeof *st->docs);
        st->doc_locs = arena_realloc(st->arena, st->doc_locs, st->docs_cap * sizeof *st->doc_locs,
                                     cap * sizeof *st->doc_locs);
        st->docs_cap = cap;
    }
    st->docs[st->ndocs] = doc;
    st->doc_locs[st->ndocs] = loc;
    st->ndocs++;
}

/* A newline ending a line with nothing on it is a blank line; consecutive
 * ones make one BLANK member (or item) that counts them. */
static void add_newline(parse_state *st, bool blank, ast_loc loc)
{
    if (!blank)
        return;
    flush_docs(st);
    if (st->block) {
        ast_block *b = st->block;
        if (b->nmembers && b->members[b->nmembers - 1].kind == AST_MEMBER_BLANK) {
            ast_member *last = &b->members[b->nmembers - 1];
            last->blank_lines++;
            last->loc.end = loc.end;
            last->loc.end_line = loc.end_line;
            last->loc.end_col = loc.end_col;
            return;
        }
        ast_member m = {.kind = AST_MEMBER_BLANK, .loc = loc, .blank_lines = 1};
        ARENA_PUSH(st->arena, b->members, b->nmembers, st->members_cap, m);
        return;
    }
    if (st->nitems && st->items[st->nitems - 1].kind == AST_ITEM_BLANK) {
        ast_item *last = &st->items[st->nitems - 1];
        last->blank_lines++;
        last->loc.end = loc.end;
        last->loc.end_line = loc.end_line;
        last->loc.end_col = loc.end_col;
        return;
    }
    push_item(st, (ast_item){.kind = AST_ITEM_BLANK, .loc = loc, .blank_lines = 1});
}

static void begin_block(parse_state *st, ast_block_kind kind, ast_loc kw_loc, parse_token name, ast_loc name_loc)
{
    ast_block *b = arena_alloc(st->arena, sizeof *b);
    b->kind = kind;
    b->keyword_loc = kw_loc;
    b->loc = kw_loc;
    b->name = name.text;
    b->name_loc = name_loc;
    b->doc = take_docs(st);
    st->block = b;
    st->members_cap = 0;
}

static void end_block(parse_state *st, ast_loc close_loc, const char *close_comment)
{
    ast_block *b = st->block;
    if (!b)
        return;
    flush_docs(st);
    b->loc.end = close_loc.end;
    b->loc.end_line = close_loc.end_line;
    b->loc.end_col = close_loc.end_col;
    b->close_comment = close_comment;
    st->block = NULL;
    push_item(st, (ast_item){.kind = AST_ITEM_BLOCK, .block = b, .loc = b->loc});
}

static void add_member(parse_state *st, ast_member m)
{
    m.doc = take_docs(st);
    ARENA_PUSH(st->arena, st->block->members, st->block->nmembers, st->members_cap, m);
}

static const char *block_description(ast_block_kind kind)
{
    return kind == AST_BLOCK_TYPE ? "composite type" : ast_block_kind_name(kind);
}

static void add_decl(parse_state *st, parse_token name, ast_loc name_loc, ast_field_type type,
                     attr_list *attrs, const char *comment, ast_loc loc)
{
    ast_block *b = st->block;
    switch (b->kind) {
    case AST_BLOCK_DATASOURCE:
    case AST_BLOCK_GENERATOR:
        line_error(st, loc, member_line_message(st));
        return;
    case AST_BLOCK_ENUM:
        if (type.name) {
            line_error(st, loc, member_line_message(st));
            return;
        }
        add_member(st, (ast_member){.kind = AST_MEMBER_ENUM_VALUE, .loc = loc, .comment = comment,
                                    .name = name.text, .name_loc = name_loc,
                                    .attrs = attrs->items, .nattrs = attrs->count});
        return;
    default:
        if (!type.name) {
            parse_error(st, parse_line_loc(st, loc),
                        "Error validating %s \"%s\": This field declaration is invalid. It is either "
                        "missing a name or a type.",
                        block_description(b->kind), b->name);
            return;
        }
        add_member(st, (ast_member){.kind = AST_MEMBER_FIELD, .loc = loc, .comment = comment,
                                    .name = name.text, .name_loc = name_loc, .type = type,
                                    .attrs = attrs->items, .nattrs = attrs->count});
        return;
    }
}

static void add_property(parse_state *st, parse_token name, ast_loc name_loc, ast_expr *value,
                         const char *comment, ast_loc loc)
{
    if (st->block->kind != AST_BLOCK_DATASOURCE && st->block->kind != AST_BLOCK_GENERATOR) {
        line_error(st, loc, member_line_message(st));
        return;
    }
    check_arguments(st, NULL);
    add_member(st, (ast_member){.kind = AST_MEMBER_PROPERTY, .loc = loc, .comment = comment,
                                .name = name.text, .name_loc = name_loc, .value = value});
}

static void add_block_attribute(parse_state *st, ast_attribute attr, const char *comment, ast_loc loc)
{
    if (st->block->kind == AST_BLOCK_DATASOURCE || st->block->kind == AST_BLOCK_GENERATOR) {
        line_error(st, loc, member_line_message(st));
        return;
    }
    ast_attribute *one = arena_alloc(st->arena, sizeof *one);
    *one = attr;
    add_member(st, (ast_member){.kind = AST_MEMBER_ATTRIBUTE, .loc = loc, .comment = comment,
                                .attrs = one, .nattrs = 1});
}
