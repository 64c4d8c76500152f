/*
 * config.c — the datasource and generator blocks.
 *
 * refract targets PostgreSQL only: any other provider is one clear error.
 * Schemas written for Prisma 4-6 must keep working, so the datasource's
 * url/directUrl/shadowDatabaseUrl are accepted (Prisma 7 moved them out of
 * the schema) and preview features Prisma 7 no longer knows are warnings.
 */
#include "resolve_int.h"

#include <string.h>

/* Preview features Prisma 7 knows; the others were promoted or removed. */
static const char *const known_preview[] = {
    "fullTextSearchPostgres", "nativeDistinct", "partialIndexes", "postgresqlExtensions",
    "relationJoins", "schemaEngineDriverAdapters", "shardKeys", "strictUndefinedChecks",
    "typedSql", "views", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

static model_config_value config_value(resolver *r, const ast_member *m)
{
    model_config_value v = {0};
    const ast_expr *e = m->value;
    if (!e)
        return v;
    if (e->kind == AST_EXPR_STRING) {
        v.value = e->text;
    } else if (e->kind == AST_EXPR_FUNC && !strcmp(e->text, "env")) {
        const ast_arg *a = ast_arg_positional(&e->args, 0);
        if (e->args.count != 1 || !a || a->value->kind != AST_EXPR_STRING)
            r_error(r, e->loc, "The env function expects a singular, unnamed, string argument.");
        else
            v.env = a->value->text;
    } else {
        r_error(r, e->loc, "Expected a string value, but received %s value `%s`.",
                e->kind == AST_EXPR_NUMBER ? "numeric" : e->kind == AST_EXPR_ARRAY ? "array"
                                                                                   : "literal",
                r_source(r, e->loc));
    }
    return v;
}

static void parse_extensions(resolver *r, const ast_member *m, model_datasource *ds)
{
    const ast_expr *e = m->value;
    if (!e || e->kind != AST_EXPR_ARRAY) {
        r_error(r, m->loc, "Expected an array of extensions, but found `%s`.",
                e ? r_source(r, e->loc) : "");
        return;
    }
    ds->extensions = arena_alloc(r->a, (e->count ? e->count : 1) * sizeof *ds->extensions);
    for (size_t i = 0; i < e->count; i++) {
        const ast_expr *x = e->items[i];
        if (x->kind != AST_EXPR_CONST && x->kind != AST_EXPR_FUNC) {
            r_error(r, x->loc, "Expected an extension name, but found `%s`.", r_source(r, x->loc));
            continue;
        }
        model_extension ext = {.name = x->text, .db_name = x->text};
        bool ok = true;
        for (size_t k = 0; x->kind == AST_EXPR_FUNC && k < x->args.count; k++) {
            const ast_arg *a = &x->args.items[k];
            const char *v = a->value->kind == AST_EXPR_STRING ? a->value->text : NULL;
            if (a->name && !strcmp(a->name, "map") && v)
                ext.db_name = v;
            else if (a->name && !strcmp(a->name, "schema") && v)
                ext.schema = v;
            else if (a->name && !strcmp(a->name, "version") && v)
                ext.version = v;
            else {
                r_error(r, a->loc, "Argument not known: \"%s\".", a->name ? a->name : "");
                ok = false;
            }
        }
        if (ok)
            ds->extensions[ds->nextensions++] = ext;
    }
}

static void parse_schemas(resolver *r, const ast_member *m, model_datasource *ds)
{
    const ast_expr *e = m->value;
    if (!e || e->kind != AST_EXPR_ARRAY) {
        r_error(r, m->loc, "Expected a string array, but found `%s`.", e ? r_source(r, e->loc) : "");
        return;
    }
    if (e->count == 0) {
        r_error(r, e->loc, "If provided, the schemas array can not be empty.");
        return;
    }
    ds->schemas = arena_alloc(r->a, e->count * sizeof *ds->schemas);
    for (size_t i = 0; i < e->count; i++) {
        if (e->items[i]->kind != AST_EXPR_STRING) {
            r_error(r, e->items[i]->loc, "Expected a string value, but received `%s`.",
                    r_source(r, e->items[i]->loc));
            continue;
        }
        ds->schemas[ds->nschemas++] = e->items[i]->text;
    }
}

static void resolve_datasource(resolver *r, const ast_block *b)
{
    model_schema *s = r->s;
    model_datasource *ds = &s->datasource;
    s->has_datasource = true;
    ds->name = b->name;
    ds->loc = b->loc;
    const ast_member *provider = NULL, *relation_mode = NULL, *integrity = NULL;
    for (size_t i = 0; i < b->nmembers; i++) {
        const ast_member *m = &b->members[i];
        if (m->kind != AST_MEMBER_PROPERTY)
            continue;
        const char *k = m->name;
        if (!strcmp(k, "provider"))
            provider = m;
        else if (!strcmp(k, "url"))
            ds->url = config_value(r, m);
        else if (!strcmp(k, "directUrl"))
            ds->direct_url = config_value(r, m);
        else if (!strcmp(k, "shadowDatabaseUrl"))
            ds->shadow_database_url = config_value(r, m);
        else if (!strcmp(k, "relationMode"))
            relation_mode = m;
        else if (!strcmp(k, "referentialIntegrity"))
            integrity = m;
        else if (!strcmp(k, "extensions"))
            parse_extensions(r, m, ds);
        else if (!strcmp(k, "schemas"))
            parse_schemas(r, m, ds);
        else
            r_error(r, m->name_loc, "Property not known: \"%s\".", k);
    }

    if (!provider) {
        r_error(r, b->loc, "Argument \"provider\" is missing in data source block \"%s\".", b->name);
    } else if (provider->value && provider->value->kind == AST_EXPR_STRING) {
        const char *p = provider->value->text;
        ds->provider = p;
        static const char *const others[] = {"mysql", "sqlite", "sqlserver", "mongodb",
                                             "cockroachdb", NULL};
        if (!strcmp(p, "postgresql") || !strcmp(p, "postgres"))
            ;
        else if (in_list(others, p))
            r_error(r, provider->value->loc,
                    "refract targets PostgreSQL only: the datasource provider \"%s\" is not "
                    "supported. Use provider = \"postgresql\" (refract format still works on this "
                    "schema).",
                    p);
        else
            r_error(r, provider->value->loc, "Datasource provider not known: \"%s\".", p);
    } else {
        r_error(r, provider->loc, "A datasource must not use the env() function in the provider argument.");
    }

    if (relation_mode && integrity)
        r_error(r, integrity->loc,
                "The `referentialIntegrity` and `relationMode` attributes cannot be used together. "
                "Please use only `relationMode` instead.");
    if (integrity && !relation_mode) {
        r_warning(r, integrity->name_loc,
                  "The `referentialIntegrity` attribute is deprecated. Please use `relationMode` "
                  "instead. Learn more at https://pris.ly/d/relation-mode");
        relation_mode = integrity;
    }
    if (relation_mode) {
        const ast_expr *e = relation_mode->value;
        if (e && e->kind == AST_EXPR_STRING && !strcmp(e->text, "prisma"))
            ds->relation_mode = MODEL_RELATION_MODE_PRISMA;
        else if (e && e->kind == AST_EXPR_STRING && !strcmp(e->text, "foreignKeys"))
            ds->relation_mode = MODEL_RELATION_MODE_FOREIGN_KEYS;
        else if (e && e->kind != AST_EXPR_STRING)
            r_error(r, e->loc, "Expected a string value, but received %s value `%s`.",
                    e->kind == AST_EXPR_NUMBER  ? "numeric"
                    : e->kind == AST_EXPR_ARRAY ? "array"
                    : e->kind == AST_EXPR_FUNC  ? "functional"
                                                : "literal",
                    r_source(r, e->loc));
        else
            r_error(r, relation_mode->loc,
                    "Error validating datasource `relationMode`: Invalid relation mode setting: "
                    "\"%s\". Supported values: \"prisma\", \"foreignKeys\"",
                    e ? e->text : "");
    }

    if (ds->shadow_database_url.value && ds->url.value &&
        !strcmp(ds->shadow_database_url.value, ds->url.value))
        r_error(r, b->loc,
                "shadowDatabaseUrl is the same as url for datasource \"%s\". Please specify a "
                "different database as shadow database to avoid data loss.",
                b->name);
}

static void resolve_generator(resolver *r, const ast_block *b, model_generator *g)
{
    g->name = b->name;
    g->loc = b->loc;
    g->config = arena_alloc(r->a, (b->nmembers ? b->nmembers : 1) * sizeof *g->config);
    bool has_provider = false;
    for (size_t i = 0; i < b->nmembers; i++) {
        const ast_member *m = &b->members[i];
        if (m->kind != AST_MEMBER_PROPERTY)
            continue;
        model_config_entry *ce = &g->config[g->nconfig++];
        ce->key = m->name;
        ce->value = m->value;
        if (m->value && m->value->kind == AST_EXPR_STRING)
            ce->text = m->value->text;
        if (!strcmp(m->name, "provider")) {
            has_provider = true;
            model_config_value v = config_value(r, m);
            g->provider = v.value ? v.value : v.env;
        } else if (!strcmp(m->name, "output")) {
            model_config_value v = config_value(r, m);
            g->output = v.value;
        } else if (!strcmp(m->name, "previewFeatures")) {
            const ast_expr *e = m->value;
            if (!e || e->kind != AST_EXPR_ARRAY) {
                r_error(r, m->loc, "Expected a string array, but found `%s`.",
                        e ? r_source(r, e->loc) : "");
                continue;
            }
            g->preview_features = arena_alloc(r->a, (e->count ? e->count : 1) * sizeof(char *));
            for (size_t k = 0; k < e->count; k++) {
                const ast_expr *x = e->items[k];
                if (x->kind != AST_EXPR_STRING) {
                    r_error(r, x->loc, "Expected a string value, but received `%s`.",
                            r_source(r, x->loc));
                    continue;
                }
                g->preview_features[g->npreview_features++] = x->text;
                if (!in_list(known_preview, x->text))
                    r_warning(r, m->loc,
                              "The preview feature \"%s\" is not known to Prisma 7 (it was "
                              "promoted or removed); refract ignores it.",
                              x->text);
            }
        }
    }
    if (!has_provider)
        r_error(r, b->loc, "Argument \"provider\" is missing in generator block \"%s\".", b->name);
    /* `refract generate` refuses a prefix that cannot begin C names; say so
     * here, where the value is, so that `refract validate` refuses it too. */
    if (g->provider && !strcmp(g->provider, "refract"))
        for (size_t i = 0; i < b->nmembers; i++) {
            const ast_member *m = &b->members[i];
            if (m->kind == AST_MEMBER_PROPERTY && !strcmp(m->name, "prefix") && m->value &&
                m->value->kind == AST_EXPR_STRING && !model_c_prefix_valid(m->value->text))
                r_error(r, m->value->loc,
                        "prefix \"%s\" cannot begin C names: use letters, digits and '_'",
                        m->value->text);
        }
}

void resolve_config(resolver *r)
{
    model_schema *s = r->s;
    const ast_schema *ast = r->ast;
    size_t ngen = 0, nds = 0;
    for (size_t i = 0; i < ast->nblocks; i++)
        ngen += ast->blocks[i]->kind == AST_BLOCK_GENERATOR;
    s->generators = arena_alloc(r->a, (ngen ? ngen : 1) * sizeof *s->generators);
    for (size_t i = 0; i < ast->nblocks; i++) {
        const ast_block *b = ast->blocks[i];
        if (b->kind != AST_BLOCK_DATASOURCE)
            continue;
        if (nds++ == 0)
            resolve_datasource(r, b);
        else
            r_error(r, b->loc,
                    "You defined more than one datasource. This is not allowed yet because support "
                    "for multiple databases has not been implemented yet.");
    }
    for (size_t i = 0; i < ast->nblocks; i++)
        if (ast->blocks[i]->kind == AST_BLOCK_GENERATOR)
            resolve_generator(r, ast->blocks[i], &s->generators[s->ngenerators++]);
}
