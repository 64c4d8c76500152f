/*
 * parse_state.h — the one struct the scanner and the parser share.
 *
 * Private to generator/parse: lexer.l and parser.y both receive a
 * parse_state (bison through %parse-param/%lex-param, flex through
 * yyextra), so no global state exists and parses may run concurrently.
 *
 * The Prisma schema language is line oriented: one declaration per line,
 * a block opens with `keyword name {` at the end of a line and closes with a
 * `}` that starts a line. The scanner therefore tracks where lines start and
 * whether it is inside a block; the parser builds the current block and the
 * file's item list directly in this struct (blocks do not nest).
 */
#ifndef REFRACT_PARSE_STATE_H
#define REFRACT_PARSE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

/* Brackets and parentheses nested deeper than this on one line are an
 * error: later stages walk expressions recursively. */
enum { PARSE_MAX_NESTING = 64 };

/* More errors than this on one line are not reported. */
enum { PARSE_MAX_LINE_ERRORS = 8 };

/* The text of a token, copied into the schema arena. */
typedef struct parse_token {
    const char *text;
    size_t len;
    const char *raw;   /* STRING: between the quotes, escapes intact */
    size_t raw_len;
} parse_token;

/* Lists built while parsing (arena memory, never freed singly). */
typedef struct expr_list {
    ast_expr **items;
    size_t count, cap;
} expr_list;

typedef struct arg_list {
    ast_arg *items;
    size_t count, cap;
} arg_list;

typedef struct attr_list {
    ast_attribute *items;
    size_t count, cap;
} attr_list;

typedef struct parse_state {
    void *scanner; /* yyscan_t */
    arena *arena;  /* the schema's: every node goes here */
    const ast_file *file;
    diag_list *diags;
    size_t nerrors; /* errors this parse added */

    /* ---- scanner ---- */
    uint32_t offset, line, col;  /* where the next token starts */
    bool line_has_token;         /* a token other than a comment on this line */
    bool line_has_content;       /* any token, comments included, on this line */
    bool header_pending;         /* a `keyword name {` was seen: its `{` opens a block */
    bool in_block;               /* between a block's `{` and its `}` */
    int nesting;                 /* open ( and [ on this line */
    uint32_t reported_line;      /* a line already given an error (0: none) */
    uint32_t line_errors;        /* how many errors that line has */
    ast_loc arbitrary_start;     /* start of an `ident {` block without keyword */
    int base_condition;          /* the scanner's start condition outside strings and skips */

    /* ---- parser: the file being built ---- */
    ast_item *items;
    size_t nitems, items_cap;
    ast_block *block;            /* the block being built, NULL at top level */
    size_t members_cap;
    /* `///` lines not yet attached to a declaration */
    parse_token *docs;
    ast_loc *doc_locs;
    size_t ndocs, docs_cap;
    /* Argument problems found inside the attribute (or property) being
     * parsed; reported with its name once it is complete. */
    bool saw_trailing_comma;
    ast_loc trailing_comma_loc;
    const char *empty_arg_name;  /* `name:` without a value */
    ast_loc empty_arg_loc;
    /* The lookahead of the last syntax error, until an error rule reports it. */
    bool error_pending;
    ast_loc error_loc;
} parse_state;

/* Report an error at `loc` (the line is then not reported again). */
void parse_error(parse_state *st, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The whole line containing `loc` (from its first non-blank byte to its
 * end, newline excluded). */
ast_loc parse_line_loc(const parse_state *st, ast_loc loc);

#endif
