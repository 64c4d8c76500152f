/*
 * native.c — PostgreSQL native type attributes (@db.VarChar(255), ...):
 * which Prisma scalar each fits, how many arguments it takes, and the SQL
 * type Prisma Migrate writes for it.
 */
#include "resolve_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum native_args { ARGS_NONE, ARGS_OPT1, ARGS_OPT2 } native_args;

typedef struct native_spec {
    const char *name;
    model_scalar scalar;
    native_args args;
    const char *sql;
    bool time_precision; /* argument ranges 0..6 */
} native_spec;

static const native_spec postgres_types[] = {
    {"SmallInt", MODEL_INT, ARGS_NONE, "SMALLINT", false},
    {"Integer", MODEL_INT, ARGS_NONE, "INTEGER", false},
    {"BigInt", MODEL_BIGINT, ARGS_NONE, "BIGINT", false},
    {"Decimal", MODEL_DECIMAL, ARGS_OPT2, "DECIMAL", false},
    {"Money", MODEL_DECIMAL, ARGS_NONE, "MONEY", false},
    {"Inet", MODEL_STRING, ARGS_NONE, "INET", false},
    {"Oid", MODEL_INT, ARGS_NONE, "OID", false},
    {"Citext", MODEL_STRING, ARGS_NONE, "CITEXT", false},
    {"Real", MODEL_FLOAT, ARGS_NONE, "REAL", false},
    {"DoublePrecision", MODEL_FLOAT, ARGS_NONE, "DOUBLE PRECISION", false},
    {"VarChar", MODEL_STRING, ARGS_OPT1, "VARCHAR", false},
    {"Char", MODEL_STRING, ARGS_OPT1, "CHAR", false},
    {"Text", MODEL_STRING, ARGS_NONE, "TEXT", false},
    {"ByteA", MODEL_BYTES, ARGS_NONE, "BYTEA", false},
    {"Timestamp", MODEL_DATETIME, ARGS_OPT1, "TIMESTAMP", true},
    {"Timestamptz", MODEL_DATETIME, ARGS_OPT1, "TIMESTAMPTZ", true},
    {"Date", MODEL_DATETIME, ARGS_NONE, "DATE", false},
    {"Time", MODEL_DATETIME, ARGS_OPT1, "TIME", true},
    {"Timetz", MODEL_DATETIME, ARGS_OPT1, "TIMETZ", true},
    {"Boolean", MODEL_BOOLEAN, ARGS_NONE, "BOOLEAN", false},
    {"Bit", MODEL_STRING, ARGS_OPT1, "BIT", false},
    {"VarBit", MODEL_STRING, ARGS_OPT1, "VARBIT", false},
    {"Uuid", MODEL_STRING, ARGS_NONE, "UUID", false},
    {"Xml", MODEL_STRING, ARGS_NONE, "XML", false},
    {"Json", MODEL_JSON, ARGS_NONE, "JSON", false},
    {"JsonB", MODEL_JSON, ARGS_NONE, "JSONB", false},
};

static const native_spec *find_spec(const char *name)
{
    for (size_t i = 0; i < sizeof postgres_types / sizeof *postgres_types; i++)
        if (!strcmp(postgres_types[i].name, name))
            return &postgres_types[i];
    return NULL;
}

bool r_is_native_attr(const resolver *r, const ast_attribute *at)
{
    /* `@db.X`, or `@pg.X` with a datasource (a wrong prefix, reported here);
     * without a datasource `@pg.X` is an unknown attribute. */
    const char *dot = strchr(at->name, '.');
    if (!dot || at->is_block)
        return false;
    bool own_prefix = (size_t)(dot - at->name) == strlen(r->ds_name) &&
                      !strncmp(at->name, r->ds_name, strlen(r->ds_name));
    return own_prefix || r->datasource;
}

static void resolve_native_type(resolver *r, field_info *fi, const ast_attribute *at)
{
    const char *dot = strchr(at->name, '.');
    if ((size_t)(dot - at->name) != strlen(r->ds_name) ||
        strncmp(at->name, r->ds_name, strlen(r->ds_name))) {
        r_error(r, at->loc,
                "The prefix %.*s is invalid. It must be equal to the name of an existing "
                "datasource e.g. %s. Did you mean to use %s.%s?",
                (int)(dot - at->name), at->name, r->ds_name, r->ds_name, dot + 1);
        return;
    }
    model_column *c = fi->col;
    const char *name = strchr(at->name, '.') + 1;
    const native_spec *spec = find_spec(name);
    if (!spec) {
        r_error(r, at->loc, "Native type %s is not supported for postgresql connector.", name);
        return;
    }
    if (c->type == MODEL_ENUM) {
        /* Enums have no native types: Prisma does not know the attribute. */
        r_error(r, at->name_loc, "Attribute not known: \"@%s\".", at->name);
        return;
    }
    if (c->type != spec->scalar) {
        r_error(r, at->loc,
                "Native type %s is not compatible with declared field type %s, expected field type %s.",
                name, fi->m->type.name, model_scalar_name(spec->scalar));
        return;
    }
    size_t n = at->args.count;
    size_t max = spec->args == ARGS_NONE ? 0 : spec->args == ARGS_OPT1 ? 1 : 2;
    if (spec->args == ARGS_NONE && n > 0) {
        r_error(r, at->loc, "Function \"%s\" takes 0 arguments, but received %zu.", name, n);
        return;
    }
    if (n > max) {
        r_error(r, at->loc, "Native type %s takes %zu optional arguments, but received %zu.", name,
                max, n);
        return;
    }
    /* Prisma quotes the arguments back as written: "(5)", "(-1)". */
    const char *written = at->args.count ? r_source(r, at->args.loc) : "";
    if (spec->args == ARGS_OPT2 && n == 1) {
        r_error(r, at->loc, "Expected two nonnegative integers, but found %s.", written);
        return;
    }
    model_native_type nt = {.name = name, .nargs = n};
    for (size_t i = 0; i < n; i++) {
        const ast_expr *e = at->args.items[i].value;
        if (e->kind != AST_EXPR_NUMBER || strchr(e->text, '.') || e->text[0] == '-') {
            r_error(r, at->loc, "Expected %s, but found %s.",
                    n == 2 ? "two nonnegative integers" : "a nonnegative integer", written);
            return;
        }
        nt.args[i] = (uint32_t)strtoul(e->text, NULL, 10);
    }
    if (spec->time_precision && n == 1 && nt.args[0] > 6) {
        r_error(r, at->loc,
                "Argument M is out of range for native type `%s(%u)` of Postgres: M can range "
                "from 0 to 6.",
                name, (unsigned)nt.args[0]);
        return;
    }
    if (!strcmp(name, "Decimal") && n == 2 && (nt.args[0] < 1 || nt.args[0] > 1000)) {
        r_error(r, at->loc,
                "Argument M is out of range for native type `Decimal(%u,%u)` of Postgres: "
                "Precision must be positive with a maximum value of 1000.",
                (unsigned)nt.args[0], (unsigned)nt.args[1]);
        return;
    }
    if (!strcmp(name, "Decimal") && n == 2 && nt.args[1] > nt.args[0]) {
        r_error(r, at->loc,
                "The scale must not be larger than the precision for the Decimal(%u,%u) native "
                "type in Postgres.",
                (unsigned)nt.args[0], (unsigned)nt.args[1]);
        return;
    }
    c->native = nt;
    if (n == 0)
        c->sql_type = spec->sql;
    else if (n == 1)
        c->sql_type = arena_printf(r->a, "%s(%u)", spec->sql, (unsigned)nt.args[0]);
    else
        c->sql_type = arena_printf(r->a, "%s(%u,%u)", spec->sql, (unsigned)nt.args[0],
                                   (unsigned)nt.args[1]);
}

void resolve_native_types(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        block_info *bi = &r->models[i];
        for (size_t j = 0; j < bi->nfields; j++) {
            field_info *fi = &bi->fields[j];
            if (fi->kind != FIELD_SCALAR)
                continue;
            for (size_t k = 0; k < fi->m->nattrs; k++)
                if (r_is_native_attr(r, &fi->m->attrs[k]))
                    resolve_native_type(r, fi, &fi->m->attrs[k]);
        }
    }
}
