/*
 * sqltok.h — the tokens of one SQL statement, for the migration linter.
 *
 * Not a parser: words, quoted identifiers (unquoted and unescaped here),
 * string literals, numbers and single punctuation characters, each with
 * its byte offset, comments skipped. Enough to recognise the statements
 * Prisma and refract write and their common hand-written forms.
 */
#ifndef REFRACT_MIGRATE_SQLTOK_H
#define REFRACT_MIGRATE_SQLTOK_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"

typedef enum sql_tok_kind {
    TOK_WORD,   /* keyword or unquoted identifier, as written */
    TOK_IDENT,  /* "quoted identifier", text without the quotes */
    TOK_STRING, /* 'literal' (or E'', $$ $$), text without the quotes */
    TOK_NUMBER,
    TOK_PUNCT,  /* one character: ( ) , . ; = ... */
} sql_tok_kind;

typedef struct sql_tok {
    sql_tok_kind kind;
    const char *text; /* arena, NUL-terminated */
    size_t offset;    /* in the script */
} sql_tok;

typedef struct sql_toks {
    sql_tok *items;   /* arena */
    size_t count;
} sql_toks;

/* Tokenize sql[start..end) into `out`, allocating in `a`. */
void sql_tokenize(const char *sql, size_t start, size_t end, arena *a, sql_toks *out);

/* Is token i the keyword `kw` (upper case; unquoted words compare without
 * case)? False past the end. */
bool tok_is(const sql_toks *t, size_t i, const char *kw);
/* Is token i the punctuation character c? */
bool tok_punct(const sql_toks *t, size_t i, char c);

/* The name at token i: an identifier, possibly qualified (a.b.c), as
 * PostgreSQL sees it (unquoted words folded to lower case); the last part
 * is returned (arena) and *next set past it. NULL when token i is no name. */
const char *tok_name(const sql_toks *t, size_t i, arena *a, size_t *next);

/* Past the parenthesised group that opens at token i (which is '('). */
size_t tok_skip_group(const sql_toks *t, size_t i);

#endif
