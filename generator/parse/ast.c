/*
 * ast.c — small lookups over the syntax tree.
 */
#include "ast.h"

#include <string.h>

const ast_arg *ast_arg_named(const ast_args *args, const char *name)
{
    for (size_t i = 0; i < args->count; i++)
        if (args->items[i].name && !strcmp(args->items[i].name, name))
            return &args->items[i];
    return NULL;
}

const ast_arg *ast_arg_positional(const ast_args *args, size_t index)
{
    size_t seen = 0;
    for (size_t i = 0; i < args->count; i++) {
        if (args->items[i].name)
            continue;
        if (seen++ == index)
            return &args->items[i];
    }
    return NULL;
}

const ast_attribute *ast_member_attr(const ast_member *m, const char *name)
{
    for (size_t i = 0; i < m->nattrs; i++)
        if (!strcmp(m->attrs[i].name, name))
            return &m->attrs[i];
    return NULL;
}

const char *ast_block_kind_name(ast_block_kind k)
{
    switch (k) {
    case AST_BLOCK_DATASOURCE: return "datasource";
    case AST_BLOCK_GENERATOR: return "generator";
    case AST_BLOCK_MODEL: return "model";
    case AST_BLOCK_VIEW: return "view";
    case AST_BLOCK_ENUM: return "enum";
    case AST_BLOCK_TYPE: return "type";
    }
    return "block";
}
