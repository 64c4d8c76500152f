/*
 * resolve.c — AST → model_schema. (Work in progress: returns an empty model.)
 */
#include "model.h"

model_schema *model_resolve(const ast_schema *ast, arena *a, diag_list *diags)
{
    (void)diags;
    model_schema *s = arena_alloc(a, sizeof *s);
    s->ast = ast;
    return s;
}
