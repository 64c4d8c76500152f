/*
 * resolve_int.h — shared state of the resolver, private to generator/model.
 *
 * Resolution runs in Prisma's phases so that a schema with several problems
 * reports what Prisma reports, in its order. Like Prisma's parser, names
 * (duplicates), field types and attributes (relation fields' first) run to
 * the end whatever they report; an error there stops resolution, with the
 * datasource and generators still checked. Only a clean parse goes on to the
 * validations: native types, relations, the datasource and generators, then
 * the model-wide checks (unique criteria, database names, C names, index
 * arguments).
 */
#ifndef REFRACT_RESOLVE_INT_H
#define REFRACT_RESOLVE_INT_H

#include <stdarg.h>

#include "model.h"
#include "../util/strmap.h"

typedef struct block_info block_info;

typedef enum field_kind {
    FIELD_SCALAR,    /* a built-in scalar, an enum or Unsupported: a column */
    FIELD_RELATION,  /* a model or view type */
    FIELD_BROKEN,    /* unknown type (already reported) */
} field_kind;

/* Why a field is FIELD_BROKEN: Prisma takes a type name it cannot resolve
 * for a model, so such a field counts as a relation field in lists. */
typedef enum broken_kind {
    BROKEN_DECLARATION,  /* no name or no type, optional list */
    BROKEN_UNKNOWN_TYPE, /* `x Strin` */
    BROKEN_COMPOSITE,    /* a `type` block: refused as a whole */
} broken_kind;

typedef struct field_info {
    const ast_member *m;
    field_kind kind;
    broken_kind broken;          /* BROKEN */
    model_column *col;           /* SCALAR */
    model_relation_field *rf;    /* RELATION */
    block_info *target;          /* RELATION */
    /* RELATION: the @relation attribute's parts, parsed once. */
    const ast_attribute *rel_attr;
    const char *rel_name;
    const ast_expr *rel_fields, *rel_references;
    bool handled;                /* relation already paired */
} field_info;

struct block_info {
    const ast_block *b;
    model_table *t;              /* model or view */
    model_enum *e;               /* enum */
    field_info *fields;          /* model/view: every field in order */
    size_t nfields;
    bool has_pk_attr;
};

typedef struct resolver {
    const ast_schema *ast;
    arena *a;
    diag_list *d;
    model_schema *s;

    block_info *models; /* models and views in source order */
    size_t nmodels;
    block_info *enums;
    size_t nenums;
    const ast_block *datasource;
    const char *ds_name;        /* native type prefix, "db" when none */
    bool views_preview;         /* previewFeatures has "views" */
    /* Name lookups in O(1): block name → block_info (models and views,
     * enums), and for every AST block the next one with the same name
     * (index + 1, 0 at the end of the chain), so duplicate checks look only
     * at blocks that share a name. All in the arena. */
    strmap model_by_name, enum_by_name;
    strmap first_block_by_name;  /* name → index + 1 of its first block */
    size_t *next_same_name;
} resolver;

/* Diagnostics in Prisma's phrasing. */
void r_error(resolver *r, ast_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void r_warning(resolver *r, ast_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void r_report(resolver *r, diag_severity sev, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* `Error parsing attribute "@name": msg` (name with its @ or @@). */
void r_attr_error(resolver *r, const ast_attribute *at, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* `Error validating model "M": msg` (or view). */
void r_model_error(resolver *r, const block_info *bi, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* `Error validating field `f` in model `M`: msg` */
void r_field_error(resolver *r, const block_info *bi, const ast_member *f, ast_loc loc,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

bool r_has_errors(const resolver *r);
const char *r_block_word(const block_info *bi); /* "model" / "view" */
const char *r_attr_display(resolver *r, const ast_attribute *at); /* "@id", "@@index" */
/* The source text of a node, for messages quoting what was written. */
const char *r_source(resolver *r, ast_loc loc);

/* Attribute argument helpers. The first positional argument stands for the
 * attribute's default argument `def_name` (fields, name, value...). Reports
 * unknown or duplicate arguments. */
const ast_expr *r_arg(const ast_attribute *at, const char *name, const char *def_name);
bool r_check_args(resolver *r, const ast_attribute *at, const char *def_name,
                  const char *const *allowed);
/* A string argument's value; reports a type mismatch and returns NULL. */
const char *r_string_arg(resolver *r, const ast_expr *e);
/* The list of field references of `[a, b(sort: Desc)]` (a lone `a` is a list
 * of one). Strings are reported as Prisma does. */
size_t r_field_list(resolver *r, const ast_expr *e, const ast_expr ***out);
/* Field reference name: CONST text or FUNC name. */
const char *r_ref_name(const ast_expr *e);

block_info *r_find_model(resolver *r, const char *name);
block_info *r_find_enum(resolver *r, const char *name);
field_info *r_find_field(block_info *bi, const char *name);

/* Phases (attrs.c, defaults.c, native.c, relations.c, config.c, checks.c,
 * opclass.c, index_args.c). */
void resolve_config(resolver *r);
void resolve_field_attributes(resolver *r, block_info *bi);
/* The attributes of relation fields: Prisma reads them all before any other
 * attribute, so their errors come first. */
void resolve_relation_field_attributes(resolver *r, block_info *bi);
void resolve_block_attributes(resolver *r, block_info *bi);
void resolve_default(resolver *r, block_info *bi, field_info *fi, const ast_attribute *at);
/* `@db.X` (or a wrong prefix such as `@pg.X`): a native type attribute,
 * validated by resolve_native_types once every attribute is parsed. */
bool r_is_native_attr(const resolver *r, const ast_attribute *at);
void resolve_native_types(resolver *r);
const char *default_sql_type(model_scalar s);
/* @relation's own arguments, in the attribute phase (relations.c). */
void check_relation_attribute(resolver *r, block_info *bi, field_info *fi);
void resolve_relations(resolver *r);
void resolve_default_names(resolver *r);
void check_operator_classes(resolver *r);
void check_index_arguments(resolver *r);
void check_model(resolver *r);
/* c_names.c: final C names of members and values, and the generated
 * namespace checked for clashes (errors on the declaration to change). */
void assign_c_names(resolver *r);

#endif
