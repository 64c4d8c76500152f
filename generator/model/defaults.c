/*
 * defaults.c — @default(...): typed literals and the default functions
 * (autoincrement, now, uuid, cuid, nanoid, ulid, dbgenerated), checked
 * against the field's type with Prisma's messages.
 */
#include "resolve_int.h"

#include <stdlib.h>
#include <string.h>

static bool is_integer_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A decimal number: -1, 2.50, 1e-3. */
static bool is_number_text(const char *s)
{
    char *end;
    if (!*s)
        return false;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* Why `s` is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM)),
 * in the words Prisma uses, or NULL when it is one. */
static const char *rfc3339_error(const char *s)
{
    static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
    size_t i = 0;
    for (; pattern[i]; i++) {
        char c = s[i];
        if (!c)
            return "premature end of input";
        bool ok = pattern[i] == 'd' ? (c >= '0' && c <= '9')
                  : pattern[i] == 'T' ? (c == 'T' || c == 't' || c == ' ')
                                      : c == pattern[i];
        if (!ok)
            return "input contains invalid characters";
    }
    if (s[i] == '.') {
        i++;
        if (s[i] < '0' || s[i] > '9')
            return s[i] ? "input contains invalid characters" : "premature end of input";
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        static const char offset[] = "dd:dd";
        i++;
        for (size_t k = 0; offset[k]; k++, i++) {
            if (!s[i])
                return "premature end of input";
            if (offset[k] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != ':')
                return "input contains invalid characters";
        }
    } else {
        return s[i] ? "input contains invalid characters" : "premature end of input";
    }
    return s[i] ? "trailing input" : NULL;
}

/* One literal of the field's scalar type; false after reporting. */
static bool parse_literal(resolver *r, const ast_attribute *at, const model_column *c,
                          const ast_expr *e, model_literal *out)
{
    const char *type_name = c->type == MODEL_ENUM ? c->enum_type->name : model_scalar_name(c->type);
    switch (c->type) {
    case MODEL_DATETIME:
        if (e->kind == AST_EXPR_STRING) {
            const char *why = rfc3339_error(e->text);
            if (why) {
                r_attr_error(r, at, e->loc,
                             "Parse error: \"%s\" is not a valid rfc3339 datetime string. (%s)",
                             e->text, why);
                return false;
            }
            *out = (model_literal){.kind = MODEL_LIT_STRING, .text = e->text, .text_len = e->text_len};
            return true;
        }
        break;
    case MODEL_STRING:
    case MODEL_JSON:
    case MODEL_BYTES:
        if (e->kind == AST_EXPR_STRING) {
            *out = (model_literal){.kind = MODEL_LIT_STRING, .text = e->text, .text_len = e->text_len};
            return true;
        }
        break;
    case MODEL_INT:
    case MODEL_BIGINT:
        if (e->kind == AST_EXPR_NUMBER && is_integer_text(e->text)) {
            *out = (model_literal){.kind = MODEL_LIT_INT, .text = e->text, .text_len = strlen(e->text)};
            return true;
        }
        break;
    case MODEL_FLOAT:
    case MODEL_DECIMAL:
        /* Prisma also takes a Decimal as a string: @default("2.00"). */
        if (c->type == MODEL_DECIMAL && e->kind == AST_EXPR_STRING && is_number_text(e->text)) {
            *out = (model_literal){.kind = is_integer_text(e->text) ? MODEL_LIT_INT : MODEL_LIT_FLOAT,
                                   .text = e->text, .text_len = strlen(e->text)};
            return true;
        }
        if (e->kind == AST_EXPR_NUMBER) {
            *out = (model_literal){.kind = is_integer_text(e->text) ? MODEL_LIT_INT : MODEL_LIT_FLOAT,
                                   .text = e->text, .text_len = strlen(e->text)};
            return true;
        }
        break;
    case MODEL_BOOLEAN:
        if (e->kind == AST_EXPR_CONST && (!strcmp(e->text, "true") || !strcmp(e->text, "false"))) {
            *out = (model_literal){.kind = MODEL_LIT_BOOL, .text = e->text,
                                   .text_len = strlen(e->text), .boolean = e->text[0] == 't'};
            return true;
        }
        break;
    case MODEL_ENUM:
        if (e->kind == AST_EXPR_CONST) {
            const model_enum_value *v = model_find_enum_value(c->enum_type, e->text);
            if (!v) {
                r_attr_error(r, at, e->loc,
                             "The defined default value `%s` is not a valid value of the enum "
                             "specified for the field.",
                             e->text);
                return false;
            }
            *out = (model_literal){.kind = MODEL_LIT_ENUM, .text = v->name,
                                   .text_len = strlen(v->name), .enum_value = v};
            return true;
        }
        break;
    case MODEL_UNSUPPORTED:
        r_attr_error(r, at, e->loc, "Only @default(dbgenerated(\"...\")) can be used for Unsupported types.");
        return false;
    }
    r_attr_error(r, at, e->loc, "Expected a %s value, but found `%s`.", type_name, r_source(r, e->loc));
    return false;
}

/* The optional integer argument of uuid(4|7), cuid(1|2), nanoid(2..255). */
static bool int_arg(const ast_expr *fn, long lo, long hi, const long *only, size_t nonly,
                    unsigned *out)
{
    if (fn->args.count == 0)
        return true;
    const ast_arg *a = &fn->args.items[0];
    if (fn->args.count > 1 || a->name || a->value->kind != AST_EXPR_NUMBER ||
        !is_integer_text(a->value->text))
        return false;
    long v = strtol(a->value->text, NULL, 10);
    if (nonly) {
        bool ok = false;
        for (size_t i = 0; i < nonly; i++)
            ok |= v == only[i];
        if (!ok)
            return false;
    } else if (v < lo || v > hi) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static void wrong_type(resolver *r, const ast_attribute *at, const ast_expr *fn, const ast_member *m)
{
    r_attr_error(r, at, fn->loc, "The function `%s()` cannot be used on fields of type `%s`.",
                 fn->text, m->type.name);
}

static bool parse_function(resolver *r, const ast_attribute *at, field_info *fi,
                           const ast_expr *fn, model_default *d)
{
    const model_column *c = fi->col;
    const char *f = fn->text;
    bool is_string = c->type == MODEL_STRING && !c->list;
    if (c->type == MODEL_UNSUPPORTED && strcmp(f, "dbgenerated")) {
        r_attr_error(r, at, fn->loc,
                     "Only @default(dbgenerated(\"...\")) can be used for Unsupported types.");
        return false;
    }
    if (!strcmp(f, "autoincrement")) {
        if ((c->type != MODEL_INT && c->type != MODEL_BIGINT) || c->list) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        d->kind = MODEL_DEFAULT_AUTOINCREMENT;
    } else if (!strcmp(f, "now")) {
        if (c->type != MODEL_DATETIME || c->list) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        d->kind = MODEL_DEFAULT_NOW;
    } else if (!strcmp(f, "uuid")) {
        if (!is_string) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        static const long versions[] = {4, 7};
        d->version = 4;
        if (!int_arg(fn, 0, 0, versions, 2, &d->version)) {
            r_attr_error(r, at, fn->loc, "`uuid()` takes either no argument, or a single integer "
                                         "argument which is either 4 or 7.");
            return false;
        }
        d->kind = MODEL_DEFAULT_UUID;
    } else if (!strcmp(f, "cuid")) {
        if (!is_string) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        static const long versions[] = {1, 2};
        d->version = 1;
        if (!int_arg(fn, 0, 0, versions, 2, &d->version)) {
            r_attr_error(r, at, fn->loc, "`cuid()` takes either no argument, or a single integer "
                                         "argument which is either 1 or 2.");
            return false;
        }
        d->kind = MODEL_DEFAULT_CUID;
    } else if (!strcmp(f, "nanoid")) {
        if (!is_string) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        d->length = 21;
        if (!int_arg(fn, 2, 255, NULL, 0, &d->length)) {
            r_attr_error(r, at, fn->loc, "`nanoid()` takes either no argument, or a single integer "
                                         "argument between 2 and 255.");
            return false;
        }
        d->kind = MODEL_DEFAULT_NANOID;
    } else if (!strcmp(f, "ulid")) {
        if (!is_string) {
            wrong_type(r, at, fn, fi->m);
            return false;
        }
        d->kind = MODEL_DEFAULT_ULID;
    } else if (!strcmp(f, "dbgenerated")) {
        if (fn->args.count > 1 ||
            (fn->args.count == 1 && fn->args.items[0].value->kind != AST_EXPR_STRING)) {
            r_attr_error(r, at, fn->loc,
                         "`dbgenerated()` takes a single String argument");
            return false;
        }
        if (fn->args.count == 1) {
            d->expr = fn->args.items[0].value->text;
            if (!*d->expr) {
                r_attr_error(r, at, fn->loc,
                             "dbgenerated() takes either no argument, or a single nonempty string "
                             "argument.");
                return false;
            }
        }
        d->kind = MODEL_DEFAULT_DBGENERATED;
    } else {
        r_error(r, fn->loc,
                "Unknown function in @default(): `%s` is not known. You can read about the "
                "available functions here: https://pris.ly/d/attribute-functions",
                f);
        return false;
    }
    return true;
}

void resolve_default(resolver *r, block_info *bi, field_info *fi, const ast_attribute *at)
{
    (void)bi;
    static const char *const allowed[] = {"value", "map", NULL};
    r_check_args(r, at, "value", allowed);
    const ast_expr *e = r_arg(at, "value", "value");
    if (!e) {
        r_error(r, at->loc, "Argument \"value\" is missing in attribute \"@default\".");
        return;
    }
    if (r_arg(at, "map", NULL)) {
        r_attr_error(r, at, at->loc,
                     "You defined a database name for the default value of a field on the model. "
                     "This is not supported by the provider.");
        return;
    }
    model_column *c = fi->col;
    model_default d = {.loc = at->loc};
    if (e->kind == AST_EXPR_FUNC) {
        if (!parse_function(r, at, fi, e, &d))
            return;
    } else if (c->list) {
        if (e->kind != AST_EXPR_ARRAY) {
            if (c->type == MODEL_ENUM && e->kind == AST_EXPR_CONST)
                r_attr_error(r, at, e->loc, "Expected an enum value, but found `%s`.",
                             r_source(r, e->loc));
            else
                r_attr_error(r, at, e->loc, "The default value of a list field must be a list.");
            return;
        }
        d.kind = MODEL_DEFAULT_LITERAL;
        d.literal.kind = MODEL_LIT_LIST;
        d.literal.items = arena_alloc(r->a, (e->count ? e->count : 1) * sizeof *d.literal.items);
        for (size_t i = 0; i < e->count; i++)
            if (!parse_literal(r, at, c, e->items[i], &d.literal.items[d.literal.count++]))
                return;
    } else {
        if (!parse_literal(r, at, c, e, &d.literal))
            return;
        d.kind = MODEL_DEFAULT_LITERAL;
    }
    c->dflt = d;
}
