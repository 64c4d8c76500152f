/*
 * resolve.c — AST → model_schema: the phases in order, names and types.
 *
 * Attributes, relations, the datasource and the final checks live in their
 * own files; this one drives them and builds the skeleton they fill in:
 * a model_table per model/view, a model_column per scalar field, a
 * model_relation_field per relation field, a model_enum per enum.
 */
#include "resolve_int.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "../util/buf.h"

/* ---- diagnostics -------------------------------------------------------- */

static void vreport(resolver *r, diag_severity sev, ast_loc loc, const char *prefix,
                    const char *fmt, va_list ap)
{
    buf b = BUF_INIT;
    if (prefix)
        buf_puts(&b, prefix);
    buf_vprintf(&b, fmt, ap);
    diag_add(r->d, sev, loc, "%s", buf_cstr(&b));
    buf_free(&b);
}

void r_report(resolver *r, diag_severity sev, ast_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, sev, loc, NULL, fmt, ap);
    va_end(ap);
}

void r_error(resolver *r, ast_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, DIAG_ERROR, loc, NULL, fmt, ap);
    va_end(ap);
}

void r_warning(resolver *r, ast_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, DIAG_WARNING, loc, NULL, fmt, ap);
    va_end(ap);
}

const char *r_attr_display(resolver *r, const ast_attribute *at)
{
    return arena_printf(r->a, "%s%s", at->is_block ? "@@" : "@", at->name);
}

void r_attr_error(resolver *r, const ast_attribute *at, ast_loc loc, const char *fmt, ...)
{
    char *prefix = arena_printf(r->a, "Error parsing attribute \"%s\": ", r_attr_display(r, at));
    va_list ap;
    va_start(ap, fmt);
    vreport(r, DIAG_ERROR, loc, prefix, fmt, ap);
    va_end(ap);
}

const char *r_block_word(const block_info *bi)
{
    return bi->b->kind == AST_BLOCK_VIEW ? "view" : "model";
}

void r_model_error(resolver *r, const block_info *bi, ast_loc loc, const char *fmt, ...)
{
    char *prefix = arena_printf(r->a, "Error validating %s \"%s\": ", r_block_word(bi), bi->b->name);
    va_list ap;
    va_start(ap, fmt);
    vreport(r, DIAG_ERROR, loc, prefix, fmt, ap);
    va_end(ap);
}

void r_field_error(resolver *r, const block_info *bi, const ast_member *f, ast_loc loc,
                   const char *fmt, ...)
{
    char *prefix = arena_printf(r->a, "Error validating field `%s` in %s `%s`: ", f->name,
                                r_block_word(bi), bi->b->name);
    va_list ap;
    va_start(ap, fmt);
    vreport(r, DIAG_ERROR, loc, prefix, fmt, ap);
    va_end(ap);
}

bool r_has_errors(const resolver *r)
{
    return r->d->nerrors > 0;
}

const char *r_source(resolver *r, ast_loc loc)
{
    if (!loc.file || loc.end < loc.start || loc.end > loc.file->len)
        return "";
    return arena_strndup(r->a, loc.file->text + loc.start, loc.end - loc.start);
}

/* ---- lookups -------------------------------------------------------------- */

block_info *r_find_model(resolver *r, const char *name)
{
    return strmap_get(&r->model_by_name, name);
}

block_info *r_find_enum(resolver *r, const char *name)
{
    return strmap_get(&r->enum_by_name, name);
}

/* Chains the AST blocks that share a name (in source order). */
static void index_block_names(resolver *r)
{
    const ast_schema *ast = r->ast;
    r->next_same_name = arena_alloc(r->a, (ast->nblocks ? ast->nblocks : 1) * sizeof(size_t));
    strmap last = STRMAP_IN(r->a);
    for (size_t i = 0; i < ast->nblocks; i++) {
        const char *name = ast->blocks[i]->name;
        if (!name)
            continue;
        void **tail = strmap_ref(&last, name);
        if (*tail)
            r->next_same_name[(size_t)(uintptr_t)*tail - 1] = i + 1;
        else
            *strmap_ref(&r->first_block_by_name, name) = (void *)(uintptr_t)(i + 1);
        *tail = (void *)(uintptr_t)(i + 1);
    }
}

/* The index + 1 of the first block named `name` (0 when none); follow
 * next_same_name for the others. */
static size_t first_same_name(resolver *r, const char *name)
{
    return (size_t)(uintptr_t)strmap_get(&r->first_block_by_name, name);
}

field_info *r_find_field(block_info *bi, const char *name)
{
    for (size_t i = 0; i < bi->nfields; i++)
        if (bi->fields[i].m->name && name && !strcmp(bi->fields[i].m->name, name))
            return &bi->fields[i];
    return NULL;
}

/* ---- phase 1: names ---------------------------------------------------------- */

static const char *const scalar_names[] = {"String", "Boolean", "Int",  "BigInt", "Float",
                                           "Decimal", "DateTime", "Json", "Bytes"};
enum { NSCALARS = sizeof scalar_names / sizeof *scalar_names };

static int scalar_index(const char *name)
{
    for (int i = 0; i < NSCALARS; i++)
        if (!strcmp(scalar_names[i], name))
            return i;
    return -1;
}

static const char *top_word(ast_block_kind k)
{
    switch (k) {
    case AST_BLOCK_MODEL: return "model";
    case AST_BLOCK_VIEW: return "view";
    case AST_BLOCK_ENUM: return "enum";
    case AST_BLOCK_TYPE: return "composite type";
    case AST_BLOCK_DATASOURCE: return "datasource";
    case AST_BLOCK_GENERATOR: return "generator";
    }
    return "block";
}

static bool is_type_block(ast_block_kind k)
{
    return k == AST_BLOCK_MODEL || k == AST_BLOCK_VIEW || k == AST_BLOCK_ENUM ||
           k == AST_BLOCK_TYPE;
}

/* Prisma's parser refuses `Type[]?` as it reads the text, before any name
 * is resolved. */
static void report_optional_lists(resolver *r)
{
    for (size_t i = 0; i < r->ast->nblocks; i++) {
        const ast_block *b = r->ast->blocks[i];
        for (size_t j = 0; j < b->nmembers; j++)
            if (b->members[j].kind == AST_MEMBER_FIELD && b->members[j].type.optional_list)
                r_error(r, b->members[j].type.loc,
                        "Optional lists are not supported. Use either `Type[]` or `Type?`.");
    }
}

static void resolve_names(resolver *r)
{
    const ast_schema *ast = r->ast;
    for (size_t i = 0; i < ast->nblocks; i++) {
        const ast_block *b = ast->blocks[i];
        if (b->kind == AST_BLOCK_TYPE)
            r_error(r, b->loc, "Error validating: Composite types are not supported on Postgres.");
        if (!b->name)
            continue;
        if (is_type_block(b->kind) && scalar_index(b->name) >= 0) {
            r_error(r, b->name_loc, "\"%s\" is a reserved scalar type name and cannot be used.",
                    b->name);
            continue;
        }
        for (size_t j1 = first_same_name(r, b->name); j1 && j1 - 1 < i; j1 = r->next_same_name[j1 - 1]) {
            const ast_block *o = ast->blocks[j1 - 1];
            bool clash = is_type_block(b->kind) ? is_type_block(o->kind) : o->kind == b->kind;
            if (clash) {
                r_error(r, b->name_loc,
                        "The %s \"%s\" cannot be defined because a %s with that name already exists.",
                        top_word(b->kind), b->name, top_word(o->kind));
                break;
            }
        }
    }

    for (size_t i = 0; i < ast->nblocks; i++) {
        const ast_block *b = ast->blocks[i];
        for (size_t j = 0; j < b->nmembers; j++) {
            const ast_member *m = &b->members[j];
            if (m->kind != AST_MEMBER_FIELD && m->kind != AST_MEMBER_ENUM_VALUE &&
                m->kind != AST_MEMBER_PROPERTY)
                continue;
            if (!m->name)
                continue;
            for (size_t k = 0; k < j; k++) {
                const ast_member *o = &b->members[k];
                if (o->kind != m->kind || !o->name || strcmp(o->name, m->name))
                    continue;
                if (m->kind == AST_MEMBER_ENUM_VALUE)
                    r_error(r, m->name_loc, "Value \"%s\" is already defined on enum \"%s\".",
                            m->name, b->name);
                else if (m->kind == AST_MEMBER_PROPERTY)
                    r_error(r, m->name_loc, "Key \"%s\" is already defined in %s.", m->name,
                            top_word(b->kind));
                else
                    r_error(r, m->name_loc, "Field \"%s\" is already defined on %s \"%s\".",
                            m->name, top_word(b->kind), b->name);
                break;
            }
        }
    }
}

/* ---- skeleton: tables, enums --------------------------------------------------- */

static size_t count_members(const ast_block *b, ast_member_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < b->nmembers; i++)
        n += b->members[i].kind == kind;
    return n;
}

static void build_enums(resolver *r)
{
    model_schema *s = r->s;
    s->enums = arena_alloc(r->a, (r->nenums ? r->nenums : 1) * sizeof *s->enums);
    s->nenums = r->nenums;
    for (size_t i = 0; i < r->nenums; i++) {
        block_info *bi = &r->enums[i];
        model_enum *e = &s->enums[i];
        bi->e = e;
        e->name = bi->b->name;
        e->db_name = e->name;
        e->c_name = model_c_snake(r->a, e->name);
        e->c_upper = model_c_upper(r->a, e->name);
        e->doc = bi->b->doc;
        e->loc = bi->b->loc;
        size_t n = count_members(bi->b, AST_MEMBER_ENUM_VALUE);
        e->values = arena_alloc(r->a, (n ? n : 1) * sizeof *e->values);
        for (size_t j = 0; j < bi->b->nmembers; j++) {
            const ast_member *m = &bi->b->members[j];
            if (m->kind != AST_MEMBER_ENUM_VALUE)
                continue;
            model_enum_value *v = &e->values[e->nvalues++];
            v->name = m->name;
            v->db_name = m->name;
            v->c_name = model_c_upper(r->a, m->name);
            v->doc = m->doc;
            v->enum_type = e;
            v->loc = m->loc;
        }
    }
}

/* Phase 2: the type of every field; reports unknown types. */
static void resolve_field_types(resolver *r, block_info *bi)
{
    const ast_block *b = bi->b;
    bi->nfields = count_members(b, AST_MEMBER_FIELD);
    bi->fields = arena_alloc(r->a, (bi->nfields ? bi->nfields : 1) * sizeof *bi->fields);
    size_t k = 0;
    for (size_t j = 0; j < b->nmembers; j++) {
        const ast_member *m = &b->members[j];
        if (m->kind != AST_MEMBER_FIELD)
            continue;
        field_info *fi = &bi->fields[k++];
        fi->m = m;
        fi->kind = FIELD_BROKEN;
        if (!m->name || !m->type.name) {
            r_model_error(r, bi, m->loc,
                          "This field declaration is invalid. It is either missing a name or a type.");
            continue;
        }
        if (m->type.optional_list)
            continue; /* reported with the syntax, report_optional_lists */
        const char *tn = m->type.name;
        if (scalar_index(tn) >= 0 || !strcmp(tn, "Unsupported") || r_find_enum(r, tn)) {
            fi->kind = FIELD_SCALAR;
            continue;
        }
        block_info *target = r_find_model(r, tn);
        if (target) {
            fi->kind = FIELD_RELATION;
            fi->target = target;
            continue;
        }
        bool composite = false;
        for (size_t i = 0; i < r->ast->nblocks; i++)
            if (r->ast->blocks[i]->kind == AST_BLOCK_TYPE && r->ast->blocks[i]->name &&
                !strcmp(r->ast->blocks[i]->name, tn))
                composite = true;
        if (composite) {
            fi->broken = BROKEN_COMPOSITE;
            continue; /* the `type` block itself is reported */
        }
        fi->broken = BROKEN_UNKNOWN_TYPE;
        r_error(r, m->type.loc,
                "Type \"%s\" is neither a built-in type, nor refers to another model, composite "
                "type, or enum.",
                tn);
    }
}

const char *default_sql_type(model_scalar s)
{
    switch (s) {
    case MODEL_STRING: return "TEXT";
    case MODEL_BOOLEAN: return "BOOLEAN";
    case MODEL_INT: return "INTEGER";
    case MODEL_BIGINT: return "BIGINT";
    case MODEL_FLOAT: return "DOUBLE PRECISION";
    case MODEL_DECIMAL: return "DECIMAL(65,30)";
    case MODEL_DATETIME: return "TIMESTAMP(3)";
    case MODEL_JSON: return "JSONB";
    case MODEL_BYTES: return "BYTEA";
    default: return NULL;
    }
}

static void build_table(resolver *r, block_info *bi, model_table *t)
{
    const ast_block *b = bi->b;
    bi->t = t;
    t->kind = b->kind == AST_BLOCK_VIEW ? MODEL_TABLE_VIEW : MODEL_TABLE_MODEL;
    t->name = b->name;
    t->db_name = b->name;
    t->c_name = model_c_snake(r->a, b->name);
    t->c_upper = model_c_upper(r->a, b->name);
    t->doc = b->doc;
    t->loc = b->loc;

    size_t ncols = 0, nrels = 0;
    for (size_t i = 0; i < bi->nfields; i++) {
        ncols += bi->fields[i].kind == FIELD_SCALAR;
        nrels += bi->fields[i].kind == FIELD_RELATION;
    }
    t->columns = arena_alloc(r->a, (ncols ? ncols : 1) * sizeof *t->columns);
    t->relation_fields = arena_alloc(r->a, (nrels ? nrels : 1) * sizeof *t->relation_fields);

    for (size_t i = 0; i < bi->nfields; i++) {
        field_info *fi = &bi->fields[i];
        const ast_member *m = fi->m;
        if (fi->kind == FIELD_SCALAR) {
            model_column *c = &t->columns[t->ncolumns];
            fi->col = c;
            c->index = t->ncolumns++;
            c->table = t;
            c->name = m->name;
            c->db_name = m->name;
            c->c_name = model_c_snake(r->a, m->name);
            c->doc = m->doc;
            c->loc = m->loc;
            c->list = m->type.arity == AST_LIST;
            c->required = m->type.arity != AST_OPTIONAL;
            c->nullable = !c->required || c->list;
            int si = scalar_index(m->type.name);
            if (si >= 0) {
                c->type = (model_scalar)si;
                c->sql_type = default_sql_type(c->type);
            } else if (!strcmp(m->type.name, "Unsupported")) {
                c->type = MODEL_UNSUPPORTED;
                const ast_expr *u = m->type.unsupported;
                c->sql_type = u && u->kind == AST_EXPR_STRING ? u->text : "";
            } else {
                block_info *eb = r_find_enum(r, m->type.name);
                c->type = MODEL_ENUM;
                c->enum_type = eb->e;
                c->sql_type = eb->e->db_name; /* refreshed after @@map */
            }
        } else if (fi->kind == FIELD_RELATION) {
            model_relation_field *rf = &t->relation_fields[t->nrelation_fields];
            fi->rf = rf;
            rf->index = t->nrelation_fields++;
            rf->name = m->name;
            rf->c_name = model_c_snake(r->a, m->name);
            rf->doc = m->doc;
            rf->table = t;
            rf->list = m->type.arity == AST_LIST;
            rf->required = m->type.arity == AST_REQUIRED;
            rf->loc = m->loc;
        }
    }
}

/* What the model phases need from the configuration before it is resolved
 * (and reported) in Prisma's order: the native type prefix, the relation
 * mode, and whether views are enabled. */
static void prescan_config(resolver *r)
{
    const ast_schema *ast = r->ast;
    for (size_t i = 0; i < ast->nblocks; i++) {
        const ast_block *b = ast->blocks[i];
        if (b->kind == AST_BLOCK_DATASOURCE && !r->datasource) {
            r->datasource = b;
            if (b->name)
                r->ds_name = b->name;
            for (size_t j = 0; j < b->nmembers; j++) {
                const ast_member *m = &b->members[j];
                if (m->kind == AST_MEMBER_PROPERTY && m->value &&
                    (!strcmp(m->name, "relationMode") || !strcmp(m->name, "referentialIntegrity")) &&
                    m->value->kind == AST_EXPR_STRING && !strcmp(m->value->text, "prisma"))
                    r->s->datasource.relation_mode = MODEL_RELATION_MODE_PRISMA;
            }
        }
        if (b->kind == AST_BLOCK_GENERATOR)
            for (size_t j = 0; j < b->nmembers; j++) {
                const ast_member *m = &b->members[j];
                if (m->kind != AST_MEMBER_PROPERTY || strcmp(m->name, "previewFeatures") ||
                    !m->value || m->value->kind != AST_EXPR_ARRAY)
                    continue;
                for (size_t k = 0; k < m->value->count; k++)
                    if (m->value->items[k]->kind == AST_EXPR_STRING &&
                        !strcmp(m->value->items[k]->text, "views"))
                        r->views_preview = true;
            }
    }
}

/* False after reporting a provider refract does not serve. */
static bool provider_supported(resolver *r, const ast_block *ds)
{
    for (size_t j = 0; j < ds->nmembers; j++) {
        const ast_member *m = &ds->members[j];
        if (m->kind != AST_MEMBER_PROPERTY || strcmp(m->name, "provider") || !m->value ||
            m->value->kind != AST_EXPR_STRING)
            continue;
        static const char *const others[] = {"mysql", "sqlite", "sqlserver", "mongodb",
                                             "cockroachdb"};
        for (size_t k = 0; k < sizeof others / sizeof *others; k++)
            if (!strcmp(m->value->text, others[k])) {
                r_error(r, m->value->loc,
                        "refract targets PostgreSQL only: the datasource provider \"%s\" is not "
                        "supported. Use provider = \"postgresql\" (refract format still works on "
                        "this schema).",
                        others[k]);
                return false;
            }
    }
    return true;
}

/* ---- the whole ------------------------------------------------------------------- */

static void collect_blocks(resolver *r)
{
    const ast_schema *ast = r->ast;
    size_t nm = 0, ne = 0;
    for (size_t i = 0; i < ast->nblocks; i++) {
        ast_block_kind k = ast->blocks[i]->kind;
        nm += (k == AST_BLOCK_MODEL || k == AST_BLOCK_VIEW) && ast->blocks[i]->name;
        ne += k == AST_BLOCK_ENUM && ast->blocks[i]->name;
    }
    r->models = arena_alloc(r->a, (nm ? nm : 1) * sizeof *r->models);
    r->enums = arena_alloc(r->a, (ne ? ne : 1) * sizeof *r->enums);
    for (size_t i = 0; i < ast->nblocks; i++) {
        const ast_block *b = ast->blocks[i];
        if (!b->name)
            continue;
        /* A duplicate name was reported; keep the first so lookups agree. */
        bool dup = false;
        for (size_t j1 = first_same_name(r, b->name); j1 && j1 - 1 < i; j1 = r->next_same_name[j1 - 1])
            if (is_type_block(ast->blocks[j1 - 1]->kind) && is_type_block(b->kind))
                dup = true;
        if (dup || scalar_index(b->name) >= 0)
            continue;
        if (b->kind == AST_BLOCK_MODEL || b->kind == AST_BLOCK_VIEW)
            r->models[r->nmodels++].b = b;
        else if (b->kind == AST_BLOCK_ENUM)
            r->enums[r->nenums++].b = b;
    }
}

model_schema *model_resolve(const ast_schema *ast, arena *a, diag_list *diags)
{
    resolver rr = {.ast = ast, .a = a, .d = diags};
    resolver *r = &rr;
    size_t errors_before = diags->nerrors;
    r->s = arena_alloc(a, sizeof *r->s);
    r->s->ast = ast;
    r->ds_name = "db";

    /* A schema for another database is one clear error, not a cascade of
     * complaints about its native types and functions. */
    prescan_config(r);
    if (r->datasource && !provider_supported(r, r->datasource))
        return NULL;

    r->model_by_name = (strmap)STRMAP_IN(a);
    r->enum_by_name = (strmap)STRMAP_IN(a);
    r->first_block_by_name = (strmap)STRMAP_IN(a);
    index_block_names(r);
    /* Like Prisma's parser, go on through names, types and attributes
     * whatever they report (a field of unknown type or without a name is
     * left out of the later phases); only the validation below waits for a
     * clean parse. */
    report_optional_lists(r);
    resolve_names(r);
    collect_blocks(r);
    for (size_t i = 0; i < r->nmodels; i++)
        strmap_put(&r->model_by_name, r->models[i].b->name, &r->models[i]);
    for (size_t i = 0; i < r->nenums; i++)
        strmap_put(&r->enum_by_name, r->enums[i].b->name, &r->enums[i]);
    build_enums(r);
    for (size_t i = 0; i < r->nmodels; i++)
        resolve_field_types(r, &r->models[i]);

    /* The datasource decides the native type prefix, so read it first; its
     * errors are reported where Prisma reports them, below. */
    /* Tables: models and views, then join tables (added by relations). The
     * array is sized for the worst case of join tables up front so that
     * pointers into it stay valid. */
    size_t nrel_fields = 0;
    for (size_t i = 0; i < r->nmodels; i++)
        for (size_t j = 0; j < r->models[i].nfields; j++)
            nrel_fields += r->models[i].fields[j].kind == FIELD_RELATION;
    size_t cap = r->nmodels + nrel_fields / 2 + 1;
    r->s->tables = arena_alloc(a, cap * sizeof *r->s->tables);
    for (size_t i = 0; i < r->nmodels; i++) {
        build_table(r, &r->models[i], &r->s->tables[i]);
        r->s->tables[i].index = i;
    }
    r->s->ntables = r->nmodels;

    for (size_t i = 0; i < r->nmodels; i++)
        resolve_relation_field_attributes(r, &r->models[i]);
    for (size_t i = 0; i < r->nenums; i++)
        resolve_block_attributes(r, &r->enums[i]);
    for (size_t i = 0; i < r->nmodels; i++) {
        resolve_field_attributes(r, &r->models[i]);
        resolve_block_attributes(r, &r->models[i]);
    }
    /* Prisma's parser stops after its attribute phase when that had errors:
     * the datasource's own errors are still reported, but native types,
     * relations and the model-wide checks are not looked at. */
    if (diags->nerrors > errors_before) {
        resolve_config(r);
        return NULL;
    }
    resolve_native_types(r);
    /* Enum columns name their type by its database name (after @@map). */
    for (size_t i = 0; i < r->s->ntables; i++)
        for (size_t j = 0; j < r->s->tables[i].ncolumns; j++) {
            model_column *c = &r->s->tables[i].columns[j];
            if (c->type == MODEL_ENUM && !c->native.name)
                c->sql_type = c->enum_type->db_name;
        }

    resolve_relations(r);
    resolve_config(r);
    if (diags->nerrors > errors_before)
        return NULL;

    resolve_default_names(r);
    check_model(r);
    check_index_arguments(r);
    if (diags->nerrors > errors_before)
        return NULL;
    return r->s;
}
