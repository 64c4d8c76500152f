/*
 * checks.c — the model-wide rules that need the whole model: default
 * constraint names, unique criteria, views, schemas, database names unique
 * in their namespace, name lengths; then the C names (c_names.c).
 */
#include "resolve_int.h"

#include <stdint.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strmap.h"

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

/* A name qualified by its PostgreSQL schema, as one hash key. */
static const char *schema_key(resolver *r, const char *schema, const char *name)
{
    return arena_printf(r->a, "%s%s\x1f%s", schema ? "s" : "-", schema ? schema : "", name);
}

/* Prisma registers the unmapped names first and the @@map'ed ones after,
 * so a clash is reported on the mapped model, naming the other (the one
 * with the lowest position among those registered before it). */
static void check_table_names(resolver *r)
{
    size_t n = r->nmodels;
    bool *mapped = arena_alloc(r->a, (n ? n : 1) * sizeof *mapped);
    size_t *clash = arena_alloc(r->a, (n ? n : 1) * sizeof *clash); /* index + 1, 0: none */
    for (size_t i = 0; i < n; i++)
        mapped[i] = find_block_attr(r->models[i].b, "map") != NULL;
    strmap seen = STRMAP_INIT; /* schema-qualified db_name → lowest index + 1 so far */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (mapped[i] != (pass == 1))
                continue;
            model_table *t = r->models[i].t;
            void **first = strmap_ref(&seen, schema_key(r, t->schema, t->db_name));
            size_t lowest = (size_t)(uintptr_t)*first;
            if (lowest)
                clash[i] = lowest;
            if (!lowest || i + 1 < lowest)
                *first = (void *)(uintptr_t)(i + 1);
        }
    strmap_free(&seen);
    for (size_t i = 0; i < n; i++) {
        model_table *t = r->models[i].t;
        if (clash[i]) {
            const block_info *other = &r->models[clash[i] - 1];
            const ast_attribute *at = mapped[i] ? find_block_attr(r->models[i].b, "map") : NULL;
            r_error(r, at ? at->loc : r->models[i].b->name_loc,
                    "The %s with database name \"%s\" could not be defined because another model "
                    "or view with this name exists: \"%s\"",
                    r_block_word(other), t->db_name, other->t->name);
        }
        strmap columns = STRMAP_INIT;
        for (size_t a = 0; a < t->ncolumns; a++)
            if (strmap_put(&columns, t->columns[a].db_name, &t->columns[a]))
                r_error(r, t->columns[a].loc, "Field \"%s\" is already defined on %s \"%s\".",
                        t->columns[a].name, r_block_word(&r->models[i]), t->name);
        strmap_free(&columns);
    }
    strmap enums = STRMAP_INIT;
    for (size_t i = 0; i < r->nenums; i++) {
        const model_enum *e = r->enums[i].e;
        if (strmap_put(&enums, schema_key(r, e->schema, e->db_name), r->enums[i].e))
            r_error(r, r->enums[i].b->loc, "An enum with the same database name is already defined.");
    }
    strmap_free(&enums);
}

typedef struct named_constraint {
    const char *name;
    const char *schema;
    const char *attr;   /* "@id", "@@index", ... for the message */
    ast_loc loc;
    const model_table *table;
    bool is_fk;
    size_t next;        /* the next constraint with the same qualified name, + 1 */
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
                                          t->pk->from_field ? "@id" : "@@id", t->pk->loc, t, false, 0};
        for (size_t j = 0; j < t->nindexes; j++) {
            const model_index *ix = &t->indexes[j];
            all[k++] = (named_constraint){ix->db_name, t->schema,
                                          ix->from_field ? "@unique"
                                          : ix->kind == MODEL_INDEX_UNIQUE ? "@@unique"
                                                                           : "@@index",
                                          ix->loc, t, false, 0};
        }
        for (size_t j = 0; j < t->nfks; j++)
            all[k++] = (named_constraint){t->fks[j].db_name, t->schema, "@relation", t->fks[j].loc,
                                          t, true, 0};
    }
    /* Chain the constraints of each qualified name in order: a clash is
     * only ever looked for among those, so the check stays linear. */
    strmap heads = STRMAP_INIT, tails = STRMAP_INIT;
    const char **keys = arena_alloc(r->a, (k ? k : 1) * sizeof *keys);
    for (size_t i = 0; i < k; i++) {
        keys[i] = schema_key(r, all[i].schema, all[i].name);
        void **tail = strmap_ref(&tails, keys[i]);
        if (*tail)
            all[(size_t)(uintptr_t)*tail - 1].next = i + 1;
        else
            *strmap_ref(&heads, keys[i]) = (void *)(uintptr_t)(i + 1);
        *tail = (void *)(uintptr_t)(i + 1);
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
        for (size_t j1 = (size_t)(uintptr_t)strmap_get(&heads, keys[i]); j1; j1 = all[j1 - 1].next) {
            named_constraint *o = &all[j1 - 1];
            if (o == c)
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
    strmap_free(&heads);
    strmap_free(&tails);
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
}
