/*
 * checks.c — the model-wide rules that need the whole model: default
 * constraint names, unique criteria, views, schemas, database names unique
 * in their namespace, name lengths, and C identifiers that collide.
 */
#include "resolve_int.h"

#include <string.h>

#include "../util/buf.h"

/* ---- default names -------------------------------------------------------- */

static const char **column_db_names(resolver *r, const model_index_part *parts, size_t n)
{
    const char **names = arena_alloc(r->a, (n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = parts[i].column->db_name;
    return names;
}

void resolve_default_names(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        model_table *t = r->models[i].t;
        if (t->pk && !t->pk->db_name) {
            t->pk->db_name = model_name_pkey(r->a, t->db_name);
            t->pk->db_name_default = true;
        }
        for (size_t j = 0; j < t->nindexes; j++) {
            model_index *ix = &t->indexes[j];
            if (ix->db_name)
                continue;
            const char **cols = column_db_names(r, ix->parts, ix->nparts);
            ix->db_name = ix->kind == MODEL_INDEX_UNIQUE
                              ? model_name_key(r->a, t->db_name, cols, ix->nparts)
                              : model_name_idx(r->a, t->db_name, cols, ix->nparts);
            ix->db_name_default = true;
        }
        for (size_t j = 0; j < t->nfks; j++) {
            model_foreign_key *fk = &t->fks[j];
            if (fk->db_name)
                continue;
            const char **cols = arena_alloc(r->a, (fk->ncolumns ? fk->ncolumns : 1) * sizeof *cols);
            for (size_t k = 0; k < fk->ncolumns; k++)
                cols[k] = fk->columns[k]->db_name;
            fk->db_name = model_name_fkey(r->a, t->db_name, cols, fk->ncolumns);
            fk->db_name_default = true;
        }
    }
}

/* ---- per model ------------------------------------------------------------ */

static void check_unique_criteria(resolver *r, block_info *bi)
{
    model_table *t = bi->t;
    if (t->kind != MODEL_TABLE_MODEL || t->ignored)
        return;
    if (t->pk)
        return;
    buf skipped = BUF_INIT;
    for (size_t i = 0; i < t->nindexes; i++) {
        const model_index *ix = &t->indexes[i];
        if (ix->kind != MODEL_INDEX_UNIQUE)
            continue;
        bool all_required = true;
        for (size_t k = 0; k < ix->nparts; k++)
            all_required &= ix->parts[k].column->required &&
                            ix->parts[k].column->type != MODEL_UNSUPPORTED;
        if (all_required) {
            buf_free(&skipped);
            return;
        }
        buf_puts(&skipped, "\n- ");
        for (size_t k = 0; k < ix->nparts; k++) {
            if (k)
                buf_puts(&skipped, ", ");
            buf_puts(&skipped, ix->parts[k].column->name);
        }
    }
    r_model_error(r, bi, bi->b->loc,
                  "Each model must have at least one unique criteria that has only required "
                  "fields. Either mark a single field with `@id`, `@unique` or add a multi field "
                  "criterion with `@@id([])` or `@@unique([])` to the model.%s%s",
                  skipped.len ? " The following unique criterias were not considered as they "
                                "contain fields that are not required:"
                              : "",
                  buf_cstr(&skipped));
    buf_free(&skipped);
}

static void check_view(resolver *r, block_info *bi)
{
    model_table *t = bi->t;
    if (t->kind != MODEL_TABLE_VIEW)
        return;
    if (!r->views_preview)
        r_error(r, bi->b->keyword_loc,
                "Error validating: View definitions are only available with the `views` preview "
                "feature.");
    if (t->pk)
        r_warning(r, t->pk->loc,
                  "Views cannot have primary keys (Prisma 7 rejects `@id` and `@@id` on views). "
                  "refract treats it as a unique criterion; use `@unique` instead.");
    for (size_t i = 0; i < t->nindexes; i++) {
        const model_index *ix = &t->indexes[i];
        if (ix->kind == MODEL_INDEX_NORMAL) {
            r_error(r, ix->loc, "Error validating: Views cannot have indexes.");
            continue;
        }
        if (!ix->db_name_default)
            r_error(r, ix->loc,
                    "Error validating: @@unique annotations on views are not backed by unique "
                    "indexes in the database and cannot specify a mapped database name.");
        for (size_t k = 0; k < ix->nparts; k++)
            if (!ix->from_field && (ix->parts[k].sort || ix->parts[k].length || ix->parts[k].ops))
                r_error(r, ix->loc,
                        "Error parsing attribute \"@@unique\": Scalar fields in @@unique attributes "
                        "in views cannot have arguments.");
    }
}

static bool schema_declared(const model_datasource *ds, const char *schema)
{
    for (size_t i = 0; i < ds->nschemas; i++)
        if (!strcmp(ds->schemas[i], schema))
            return true;
    return false;
}

static const ast_attribute *find_block_attr(const ast_block *b, const char *name)
{
    for (size_t i = 0; i < b->nmembers; i++)
        if (b->members[i].kind == AST_MEMBER_ATTRIBUTE && b->members[i].nattrs &&
            !strcmp(b->members[i].attrs[0].name, name))
            return &b->members[i].attrs[0];
    return NULL;
}

static void check_schema_attr(resolver *r, const ast_block *b, const char *schema, bool is_enum,
                              const block_info *bi)
{
    const model_datasource *ds = &r->s->datasource;
    if (schema) {
        if (!schema_declared(ds, schema)) {
            const ast_attribute *at = find_block_attr(b, "schema");
            r_error(r, at ? at->loc : b->loc,
                    "This schema is not defined in the datasource. Read more on `@@schema` at "
                    "https://pris.ly/d/multi-schema");
        }
        return;
    }
    if (ds->nschemas == 0)
        return;
    if (is_enum)
        r_error(r, b->loc, "This enum is missing an `@@schema` attribute.");
    else
        r_model_error(r, bi, b->loc, "This %s is missing an `@@schema` attribute.", r_block_word(bi));
}

/* ---- database names ---------------------------------------------------------- */

static bool same_schema(const char *a, const char *b)
{
    if (!a || !b)
        return !a && !b;
    return !strcmp(a, b);
}

/* Prisma registers the unmapped names first and the @@map'ed ones after,
 * so a clash is reported on the mapped model, naming the other. */
static bool registered_before(resolver *r, size_t a, size_t b)
{
    bool ma = find_block_attr(r->models[a].b, "map") != NULL;
    bool mb = find_block_attr(r->models[b].b, "map") != NULL;
    return ma != mb ? !ma : a < b;
}

static void check_table_names(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        model_table *t = r->models[i].t;
        for (size_t j = 0; j < r->nmodels; j++) {
            model_table *o = r->models[j].t;
            if (j == i || !registered_before(r, j, i) || !same_schema(t->schema, o->schema) ||
                strcmp(t->db_name, o->db_name))
                continue;
            const ast_attribute *at = find_block_attr(r->models[i].b, "map");
            r_error(r, at ? at->loc : r->models[i].b->name_loc,
                    "The %s with database name \"%s\" could not be defined because another model "
                    "or view with this name exists: \"%s\"",
                    r_block_word(&r->models[j]), t->db_name, o->name);
            break;
        }
        for (size_t a = 0; a < t->ncolumns; a++)
            for (size_t b = 0; b < a; b++)
                if (!strcmp(t->columns[a].db_name, t->columns[b].db_name)) {
                    r_error(r, t->columns[a].loc, "Field \"%s\" is already defined on %s \"%s\".",
                            t->columns[a].name, r_block_word(&r->models[i]), t->name);
                    break;
                }
    }
    for (size_t i = 0; i < r->nenums; i++)
        for (size_t j = 0; j < i; j++) {
            const model_enum *e = r->enums[i].e, *o = r->enums[j].e;
            if (same_schema(e->schema, o->schema) && !strcmp(e->db_name, o->db_name)) {
                r_error(r, r->enums[i].b->loc, "An enum with the same database name is already defined.");
                break;
            }
        }
}

typedef struct named_constraint {
    const char *name;
    const char *schema;
    const char *attr;   /* "@id", "@@index", ... for the message */
    ast_loc loc;
    const model_table *table;
    bool is_fk;
} named_constraint;

static void check_constraint_names(resolver *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nmodels; i++) {
        model_table *t = r->models[i].t;
        n += (t->pk != NULL) + t->nindexes + t->nfks;
    }
    named_constraint *all = arena_alloc(r->a, (n ? n : 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < r->nmodels; i++) {
        model_table *t = r->models[i].t;
        if (t->kind == MODEL_TABLE_VIEW)
            continue;
        if (t->pk)
            all[k++] = (named_constraint){t->pk->db_name, t->schema,
                                          t->pk->from_field ? "@id" : "@@id", t->pk->loc, t, false};
        for (size_t j = 0; j < t->nindexes; j++) {
            const model_index *ix = &t->indexes[j];
            all[k++] = (named_constraint){ix->db_name, t->schema,
                                          ix->from_field ? "@unique"
                                          : ix->kind == MODEL_INDEX_UNIQUE ? "@@unique"
                                                                           : "@@index",
                                          ix->loc, t, false};
        }
        for (size_t j = 0; j < t->nfks; j++)
            all[k++] = (named_constraint){t->fks[j].db_name, t->schema, "@relation", t->fks[j].loc,
                                          t, true};
    }
    for (size_t i = 0; i < k; i++) {
        named_constraint *c = &all[i];
        if (strlen(c->name) > MODEL_MAX_IDENTIFIER) {
            block_info *bi = r_find_model(r, c->table->name);
            r_model_error(r, bi, c->loc,
                          "The constraint name '%s' specified in the `map` argument for the `%s` "
                          "constraint is too long for your chosen provider. The maximum allowed "
                          "length is 63 bytes.",
                          c->name, c->attr);
        }
        for (size_t j = 0; j < k; j++) {
            named_constraint *o = &all[j];
            if (i == j || strcmp(c->name, o->name) || !same_schema(c->schema, o->schema))
                continue;
            /* PostgreSQL: keys and indexes share one namespace per schema;
             * a foreign key clashes with any constraint of its own table. */
            bool global = !c->is_fk && !o->is_fk;
            if (!global && c->table != o->table)
                continue;
            r_error(r, c->loc,
                    "Error parsing attribute \"%s\": The given constraint name `%s` has to be "
                    "unique in the following namespace: %s. Please provide a different name using "
                    "the `map` argument.",
                    c->attr, c->name,
                    global ? "global for primary key, indexes and unique constraints"
                           : arena_printf(r->a,
                                          "on model `%s` for primary key, indexes, unique "
                                          "constraints and foreign keys",
                                          c->table->name));
            break;
        }
    }
}

/* ---- C identifiers ------------------------------------------------------------------ */

/*
 * C names must be unique in their namespace and must not be C keywords, or
 * the emitted code would not compile. Real schemas do have `createdAt` next to
 * `created_at`, or a field named `default`, and Prisma accepts them, so this
 * is a warning with the way out, and the model picks a name that works: a
 * keyword gets a trailing '_', a later colliding name the suffix _2, _3...
 */
typedef struct c_namespace {
    const char **names;
    size_t count;
} c_namespace;

static bool ns_has(const c_namespace *ns, const char *name)
{
    for (size_t i = 0; i < ns->count; i++)
        if (!strcmp(ns->names[i], name))
            return true;
    return false;
}

/* Returns the name to use; *clash tells whether it had to change because
 * of another name (index of that name in ns) or a keyword (SIZE_MAX). */
static const char *ns_claim(resolver *r, c_namespace *ns, const char *want, bool *changed,
                            const char **other)
{
    const char *name = want;
    *changed = false;
    *other = NULL;
    if (model_c_reserved(name)) {
        name = arena_printf(r->a, "%s_", name);
        *changed = true;
    }
    if (ns_has(ns, name)) {
        *other = name;
        const char *base = name;
        for (unsigned n = 2; ns_has(ns, name); n++)
            name = arena_printf(r->a, "%s_%u", base, n);
        *changed = true;
    }
    ns->names[ns->count++] = name;
    return name;
}

static void assign_c_names(resolver *r)
{
    /* Models and enums share one namespace: both become C types. */
    c_namespace types = {arena_alloc(r->a, (r->nmodels + r->nenums + 1) * sizeof(char *)), 0};
    bool changed;
    const char *other;
    for (size_t i = 0; i < r->nmodels; i++) {
        block_info *bi = &r->models[i];
        model_table *t = bi->t;
        const char *want = t->c_name;
        t->c_name = ns_claim(r, &types, want, &changed, &other);
        if (changed) {
            t->c_upper = model_c_upper(r->a, t->c_name);
            r_warning(r, bi->b->name_loc,
                      "The %s name \"%s\" becomes the C identifier `%s`, which %s; refract names "
                      "it `%s` in C. To choose the name yourself, rename the %s and keep its table "
                      "with @@map(\"%s\").",
                      r_block_word(bi), t->name, want,
                      other ? "another model or enum already uses" : "is reserved in C", t->c_name,
                      r_block_word(bi), t->db_name);
        }
    }
    for (size_t i = 0; i < r->nenums; i++) {
        model_enum *e = r->enums[i].e;
        const char *want = e->c_name;
        e->c_name = ns_claim(r, &types, want, &changed, &other);
        if (changed) {
            e->c_upper = model_c_upper(r->a, e->c_name);
            r_warning(r, r->enums[i].b->name_loc,
                      "The enum name \"%s\" becomes the C identifier `%s`, which %s; refract names "
                      "it `%s` in C. To choose the name yourself, rename the enum and keep its "
                      "type with @@map(\"%s\").",
                      e->name, want, other ? "a model or another enum already uses" : "is reserved in C",
                      e->c_name, e->db_name);
        }
        c_namespace values = {arena_alloc(r->a, (e->nvalues + 1) * sizeof(char *)), 0};
        for (size_t j = 0; j < e->nvalues; j++) {
            model_enum_value *v = &e->values[j];
            want = v->c_name;
            v->c_name = ns_claim(r, &values, want, &changed, &other);
            /* Enum constants carry a prefix, so a keyword is harmless there. */
            if (changed && other)
                r_warning(r, v->loc,
                          "The value \"%s\" of enum \"%s\" becomes the C identifier `%s`, which "
                          "another value already uses; refract names it `%s` in C. To choose the "
                          "name yourself, rename the value and keep its database value with "
                          "@map(\"%s\").",
                          v->name, e->name, want, v->c_name, v->db_name);
            else if (changed)
                v->c_name = want;
        }
    }
    /* Columns and relation fields share the struct's member namespace. */
    for (size_t i = 0; i < r->nmodels; i++) {
        block_info *bi = &r->models[i];
        c_namespace members = {arena_alloc(r->a, (bi->nfields + 1) * sizeof(char *)), 0};
        for (size_t j = 0; j < bi->nfields; j++) {
            field_info *fi = &bi->fields[j];
            const char **slot = fi->col ? &fi->col->c_name : fi->rf ? &fi->rf->c_name : NULL;
            if (!slot)
                continue;
            const char *want = *slot;
            *slot = ns_claim(r, &members, want, &changed, &other);
            if (!changed)
                continue;
            const char *column = fi->col ? fi->col->db_name : fi->m->name;
            if (other) {
                const char *first = "";
                for (size_t k = 0; k < j; k++) {
                    const field_info *fk = &bi->fields[k];
                    const char *ck = fk->col ? fk->col->c_name : fk->rf ? fk->rf->c_name : NULL;
                    if (ck && !strcmp(ck, other))
                        first = fk->m->name;
                }
                r_warning(r, fi->m->name_loc,
                          "The fields \"%s\" and \"%s\" of %s \"%s\" both become the C "
                          "identifier `%s`; refract names \"%s\" `%s` in C. To choose the name "
                          "yourself, rename the field and keep its column with @map(\"%s\").",
                          first, fi->m->name, r_block_word(bi), bi->b->name, other, fi->m->name,
                          *slot, column);
            } else {
                r_warning(r, fi->m->name_loc,
                          "The field \"%s\" of %s \"%s\" becomes the C identifier `%s`, which is "
                          "reserved in C; refract names it `%s` in C. To choose the name yourself, "
                          "rename the field and keep its column with @map(\"%s\").",
                          fi->m->name, r_block_word(bi), bi->b->name, want, *slot, column);
            }
        }
    }
}

/* Unnamed compound criteria are named after their columns' C names, which
 * assign_c_names may have changed. */
static void rename_criteria(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        model_table *t = r->models[i].t;
        model_unique_criterion crit[64];
        size_t n = model_unique_criteria(t, crit, 64);
        for (size_t k = 0; k < n && k < 64; k++) {
            const char *client_name = crit[k].pk ? crit[k].pk->name : crit[k].index->name;
            if (client_name)
                continue;
            buf b = BUF_INIT;
            for (size_t p = 0; p < crit[k].nparts; p++) {
                if (p)
                    buf_putc(&b, '_');
                buf_puts(&b, crit[k].parts[p].column->c_name);
            }
            const char *name = arena_strdup(r->a, buf_cstr(&b));
            buf_free(&b);
            if (crit[k].pk)
                ((model_primary_key *)crit[k].pk)->c_name = name;
            else
                ((model_index *)crit[k].index)->c_name = name;
        }
    }
}

void check_model(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        block_info *bi = &r->models[i];
        check_unique_criteria(r, bi);
        check_view(r, bi);
        check_schema_attr(r, bi->b, bi->t->schema, false, bi);
    }
    for (size_t i = 0; i < r->nenums; i++) {
        if (r->enums[i].e->nvalues == 0)
            r_error(r, r->enums[i].b->loc, "Error validating: An enum must have at least one value.");
        check_schema_attr(r, r->enums[i].b, r->enums[i].e->schema, true, &r->enums[i]);
    }
    check_operator_classes(r);
    check_table_names(r);
    check_constraint_names(r);
    assign_c_names(r);
    rename_criteria(r);
}
