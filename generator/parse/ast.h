/*
 * ast.h — the syntax tree of a Prisma schema, faithful to the text.
 *
 * Every node records where it came from (file, byte span, line, column) so
 * that diagnostics can point at the text and `format` can keep comments. All
 * nodes and strings live in the arena of the ast_schema that holds them;
 * nothing here is freed singly.
 *
 * Lists are (pointer, count) pairs. Block bodies keep comments and blank
 * lines as members in source order, because `format` must reproduce them;
 * code that only wants fields simply skips the other kinds.
 */
#ifndef REFRACT_AST_H
#define REFRACT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

/* One source file of a (possibly multi-file) schema. */
typedef struct ast_file {
    const char *path;  /* as given or found, used in diagnostics */
    const char *text;  /* whole content, NUL-terminated (embedded NULs possible) */
    size_t len;
} ast_file;

/* A place in the text: half-open byte span [start, end) plus the 1-based line
 * and column (in bytes) of both ends. */
typedef struct ast_loc {
    const ast_file *file;
    uint32_t start, end;
    uint32_t line, col;
    uint32_t end_line, end_col;
} ast_loc;

typedef struct ast_expr ast_expr;

/* An argument of an attribute or function call: `name: value` or `value`. */
typedef struct ast_arg {
    const char *name; /* NULL when positional */
    ast_loc name_loc;
    ast_expr *value;
    ast_loc loc;
} ast_arg;

typedef struct ast_args {
    ast_arg *items;
    size_t count;
    ast_loc loc; /* from '(' to ')' inclusive; zero when absent */
} ast_args;

typedef enum ast_expr_kind {
    AST_EXPR_STRING,   /* "..." */
    AST_EXPR_NUMBER,   /* 42, -1, 3.14 */
    AST_EXPR_CONST,    /* an identifier or dotted path: true, Cascade, Desc, a.b */
    AST_EXPR_FUNC,     /* name(args): env("X"), now(), raw("..."), a(sort: Desc) */
    AST_EXPR_ARRAY,    /* [e, e, ...] */
} ast_expr_kind;

struct ast_expr {
    ast_expr_kind kind;
    ast_loc loc;
    /* STRING: the decoded value (UTF-8; may hold NULs, see text_len)
     * NUMBER: the literal as written, e.g. "-1.5"
     * CONST:  the identifier or path as written, e.g. "Cascade", "a.b"
     * FUNC:   the function name, e.g. "env" */
    const char *text;
    size_t text_len;
    const char *raw;  /* STRING: the text between the quotes, escapes intact */
    ast_args args;    /* FUNC */
    ast_expr **items; /* ARRAY */
    size_t count;
};

/* `@name(args)` or `@@name(args)`. `name` excludes the '@'s and may be
 * dotted: "id", "db.VarChar", "relation". */
typedef struct ast_attribute {
    const char *name;
    ast_loc name_loc;
    bool is_block;    /* @@ */
    bool has_parens;  /* `@default()` vs `@id` */
    ast_args args;
    ast_loc loc;      /* from '@' to the end */
} ast_attribute;

typedef enum ast_arity {
    AST_REQUIRED, /* T   */
    AST_OPTIONAL, /* T?  */
    AST_LIST,     /* T[] */
} ast_arity;

typedef struct ast_field_type {
    const char *name;        /* "String", "User"; "Unsupported" for Unsupported("...") */
    ast_loc loc;             /* whole type including ?, [] */
    ast_arity arity;
    bool optional_list;      /* `T[]?`: parsed so validation can reject it */
    ast_expr *unsupported;   /* the string argument of Unsupported("..."), else NULL */
} ast_field_type;

typedef enum ast_member_kind {
    AST_MEMBER_FIELD,      /* model/view/type:  name Type @attr ... */
    AST_MEMBER_ATTRIBUTE,  /* model/view/enum:  @@attr(...) */
    AST_MEMBER_ENUM_VALUE, /* enum:             NAME @map("x") */
    AST_MEMBER_PROPERTY,   /* datasource/generator: key = expr */
    AST_MEMBER_COMMENT,    /* a line holding only a // comment (or a block comment) */
    AST_MEMBER_BLANK,      /* one or more empty lines */
} ast_member_kind;

typedef struct ast_member {
    ast_member_kind kind;
    ast_loc loc;
    /* Doc comment: the `///` lines directly above, each without its leading
     * "///", joined with '\n'. NULL when none. */
    const char *doc;
    /* COMMENT: the whole comment text as written (starting with "//" or
     * "/ *"; a `///` line that documents nothing is kept here too).
     * Other kinds: the trailing comment on the same line as written
     * (`// ...`, `/// ...` or a block comment), or NULL. */
    const char *comment;

    const char *name; /* FIELD, ENUM_VALUE, PROPERTY */
    ast_loc name_loc;

    ast_field_type type;   /* FIELD */
    ast_attribute *attrs;  /* FIELD, ENUM_VALUE: its attributes; ATTRIBUTE: exactly one */
    size_t nattrs;

    ast_expr *value;       /* PROPERTY */
    uint32_t blank_lines;  /* BLANK: how many empty lines */
} ast_member;

typedef enum ast_block_kind {
    AST_BLOCK_DATASOURCE,
    AST_BLOCK_GENERATOR,
    AST_BLOCK_MODEL,
    AST_BLOCK_VIEW,
    AST_BLOCK_ENUM,
    AST_BLOCK_TYPE, /* composite type */
} ast_block_kind;

typedef struct ast_block {
    ast_block_kind kind;
    ast_loc loc;          /* keyword to closing brace */
    ast_loc keyword_loc;
    const char *name;
    ast_loc name_loc;
    const char *doc;      /* as ast_member.doc */
    const char *comment;  /* trailing comment after `{` on the opening line, or NULL */
    const char *close_comment; /* trailing comment after the closing `}`, or NULL */
    ast_member *members;
    size_t nmembers;
} ast_block;

/* Top-level items of one file in order: blocks and the comments/blank lines
 * between them (kept for `format`). */
typedef enum ast_item_kind { AST_ITEM_BLOCK, AST_ITEM_COMMENT, AST_ITEM_BLANK } ast_item_kind;

typedef struct ast_item {
    ast_item_kind kind;
    ast_block *block;     /* BLOCK */
    const char *comment;  /* COMMENT: as written */
    ast_loc loc;
    uint32_t blank_lines; /* BLANK: how many empty lines */
} ast_item;

/* Locations point at a copy of `file` that never moves: compare files by
 * path (or by ast_loc.file of two nodes), not with &ast_source.file. */
typedef struct ast_source {
    ast_file file;
    ast_item *items;
    size_t nitems;
} ast_source;

/* A whole schema: one or more files. `blocks` lists every block of every
 * file in file order, then source order — what resolution iterates. */
typedef struct ast_schema {
    arena arena;
    ast_source *sources;
    size_t nsources;
    ast_block **blocks;
    size_t nblocks;
} ast_schema;

/* Lookup helpers (NULL / false when absent). */
const ast_arg *ast_arg_named(const ast_args *args, const char *name);
const ast_arg *ast_arg_positional(const ast_args *args, size_t index); /* index-th unnamed one */
const ast_attribute *ast_member_attr(const ast_member *m, const char *name);
const char *ast_block_kind_name(ast_block_kind k); /* "model", "enum", ... */

#endif
