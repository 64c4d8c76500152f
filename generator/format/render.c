#include "render.h"

#include <stdio.h>
#include <string.h>

void fmt_string_escaped(buf *out, const char *s, size_t len)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': buf_puts(out, "\\\""); break;
        case '\\': buf_puts(out, "\\\\"); break;
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': buf_puts(out, "\\r"); break;
        case '\t': buf_puts(out, "\\t"); break;
        default:
            if (c < 0x20)
                buf_printf(out, "\\u%04x", c);
            else
                buf_putc(out, (char)c);
        }
    }
    buf_putc(out, '"');
}

void fmt_expr(buf *out, const ast_expr *e)
{
    switch (e->kind) {
    case AST_EXPR_STRING:
        if (e->raw) {
            buf_putc(out, '"');
            buf_puts(out, e->raw);
            buf_putc(out, '"');
        } else {
            fmt_string_escaped(out, e->text ? e->text : "", e->text_len);
        }
        return;
    case AST_EXPR_NUMBER:
    case AST_EXPR_CONST:
        buf_puts(out, e->text);
        return;
    case AST_EXPR_FUNC:
        buf_puts(out, e->text);
        fmt_args(out, &e->args);
        return;
    case AST_EXPR_ARRAY:
        buf_putc(out, '[');
        for (size_t i = 0; i < e->count; i++) {
            if (i > 0)
                buf_puts(out, ", ");
            fmt_expr(out, e->items[i]);
        }
        buf_putc(out, ']');
        return;
    }
}

void fmt_args(buf *out, const ast_args *args)
{
    buf_putc(out, '(');
    for (size_t i = 0; i < args->count; i++) {
        const ast_arg *arg = &args->items[i];
        if (i > 0)
            buf_puts(out, ", ");
        if (arg->name) {
            buf_puts(out, arg->name);
            buf_puts(out, ": ");
        }
        if (arg->value)
            fmt_expr(out, arg->value);
    }
    buf_putc(out, ')');
}

void fmt_attribute(buf *out, const ast_attribute *a)
{
    buf_puts(out, a->is_block ? "@@" : "@");
    buf_puts(out, a->name);
    if (a->has_parens)
        fmt_args(out, &a->args);
}

void fmt_field_type(buf *out, const ast_field_type *t)
{
    if (t->unsupported) {
        buf_puts(out, "Unsupported(");
        fmt_expr(out, t->unsupported);
        buf_putc(out, ')');
    } else {
        buf_puts(out, t->name);
    }
    if (t->optional_list)
        buf_puts(out, "[]?");
    else if (t->arity == AST_OPTIONAL)
        buf_putc(out, '?');
    else if (t->arity == AST_LIST)
        buf_puts(out, "[]");
}

int fmt_attribute_rank(const ast_attribute *a)
{
    static const char *const order[] = {
        "id", "unique", "default", "updatedAt", "index", "fulltext", "map", "relation", "ignore",
    };
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (!strcmp(a->name, order[i]))
            return (int)i;
    return (int)(sizeof order / sizeof *order);
}
