/*
 * model_json.c — the resolved model as JSON (`refract model --json`).
 *
 * The format is documented in docs/model-json.md and is stable: keys are
 * only ever added. Output is deterministic (model order, fixed key order)
 * so it can be diffed and snapshot-tested.
 */
#include "model_json.h"

#include <stdio.h>
#include <string.h>

typedef struct json {
    buf *out;
    int depth;
    bool first; /* no comma before the next member */
} json;

static void newline(json *j)
{
    buf_putc(j->out, '\n');
    buf_pad(j->out, ' ', (size_t)j->depth * 2);
}

/* Start a member (`"key": `) or an array element. */
static void member(json *j, const char *key)
{
    if (!j->first)
        buf_putc(j->out, ',');
    j->first = false;
    newline(j);
    if (key) {
        buf_put_json(j->out, key);
        buf_puts(j->out, ": ");
    }
}

static void open_(json *j, const char *key, char bracket)
{
    member(j, key);
    buf_putc(j->out, bracket);
    j->depth++;
    j->first = true;
}

static void close_(json *j, char bracket)
{
    j->depth--;
    if (!j->first)
        newline(j);
    buf_putc(j->out, bracket);
    j->first = false;
}

static void str(json *j, const char *key, const char *v)
{
    member(j, key);
    buf_put_json(j->out, v);
}

static void boolean(json *j, const char *key, bool v)
{
    member(j, key);
    buf_puts(j->out, v ? "true" : "false");
}

static void num(json *j, const char *key, unsigned long v)
{
    member(j, key);
    buf_printf(j->out, "%lu", v);
}

static void null(json *j, const char *key)
{
    member(j, key);
    buf_puts(j->out, "null");
}

/* ---- pieces ------------------------------------------------------------- */

static void config_value(json *j, const char *key, const model_config_value *v)
{
    if (!v->value && !v->env) {
        null(j, key);
        return;
    }
    open_(j, key, '{');
    if (v->env)
        str(j, "env", v->env);
    else
        str(j, "value", v->value);
    close_(j, '}');
}

static const char *literal_type(model_literal_kind k)
{
    static const char *const names[] = {"string", "int", "float", "bool", "enum", "list"};
    return names[k];
}

static void literal(json *j, const char *key, const model_literal *l)
{
    open_(j, key, '{');
    str(j, "type", literal_type(l->kind));
    switch (l->kind) {
    case MODEL_LIT_STRING:
        member(j, "value");
        buf_put_json_n(j->out, l->text, l->text_len);
        break;
    case MODEL_LIT_BOOL: boolean(j, "value", l->boolean); break;
    case MODEL_LIT_ENUM:
        str(j, "value", l->text);
        str(j, "dbValue", l->enum_value->db_name);
        break;
    case MODEL_LIT_LIST:
        open_(j, "value", '[');
        for (size_t i = 0; i < l->count; i++)
            literal(j, NULL, &l->items[i]);
        close_(j, ']');
        break;
    default: str(j, "value", l->text); break;
    }
    close_(j, '}');
}

static void default_value(json *j, const model_default *d)
{
    if (d->kind == MODEL_DEFAULT_NONE) {
        null(j, "default");
        return;
    }
    static const char *const kinds[] = {"none", "literal", "autoincrement", "now", "uuid", "cuid",
                                        "nanoid", "ulid", "dbgenerated", "sequence"};
    open_(j, "default", '{');
    str(j, "kind", kinds[d->kind]);
    switch (d->kind) {
    case MODEL_DEFAULT_LITERAL: literal(j, "literal", &d->literal); break;
    case MODEL_DEFAULT_UUID:
    case MODEL_DEFAULT_CUID: num(j, "version", d->version); break;
    case MODEL_DEFAULT_NANOID: num(j, "length", d->length); break;
    case MODEL_DEFAULT_DBGENERATED: str(j, "expr", d->expr); break;
    default: break;
    }
    close_(j, '}');
}

static void column(json *j, const model_column *c)
{
    open_(j, NULL, '{');
    str(j, "name", c->name);
    str(j, "dbName", c->db_name);
    str(j, "cName", c->c_name);
    str(j, "type", c->type == MODEL_ENUM ? c->enum_type->name : model_scalar_name(c->type));
    str(j, "enum", c->enum_type ? c->enum_type->name : NULL);
    str(j, "sqlType", c->sql_type);
    if (c->native.name) {
        open_(j, "nativeType", '{');
        str(j, "name", c->native.name);
        open_(j, "args", '[');
        for (size_t i = 0; i < c->native.nargs; i++)
            num(j, NULL, c->native.args[i]);
        close_(j, ']');
        close_(j, '}');
    } else {
        null(j, "nativeType");
    }
    boolean(j, "required", c->required);
    boolean(j, "list", c->list);
    boolean(j, "nullable", c->nullable);
    boolean(j, "id", c->id);
    boolean(j, "updatedAt", c->updated_at);
    boolean(j, "ignored", c->ignored);
    boolean(j, "unsupported", c->type == MODEL_UNSUPPORTED);
    default_value(j, &c->dflt);
    str(j, "doc", c->doc);
    close_(j, '}');
}

static void parts(json *j, const model_index_part *p, size_t n)
{
    open_(j, "columns", '[');
    for (size_t i = 0; i < n; i++) {
        open_(j, NULL, '{');
        str(j, "field", p[i].column->name);
        str(j, "column", p[i].column->db_name);
        str(j, "sort", p[i].sort == MODEL_SORT_ASC    ? "Asc"
                       : p[i].sort == MODEL_SORT_DESC ? "Desc"
                                                      : NULL);
        if (p[i].length)
            num(j, "length", p[i].length);
        else
            null(j, "length");
        str(j, "ops", p[i].ops);
        close_(j, '}');
    }
    close_(j, ']');
}

static void name_list(json *j, const char *key, const model_column *const *cols, size_t n,
                      bool db)
{
    open_(j, key, '[');
    for (size_t i = 0; i < n; i++)
        str(j, NULL, db ? cols[i]->db_name : cols[i]->name);
    close_(j, ']');
}

static void table(json *j, const model_table *t)
{
    static const char *const kinds[] = {"model", "view", "join"};
    open_(j, NULL, '{');
    str(j, "kind", kinds[t->kind]);
    str(j, "name", t->name);
    str(j, "dbName", t->db_name);
    str(j, "schema", t->schema);
    str(j, "cName", t->c_name);
    str(j, "cUpper", t->c_upper);
    boolean(j, "ignored", t->ignored);
    str(j, "doc", t->doc);

    open_(j, "columns", '[');
    for (size_t i = 0; i < t->ncolumns; i++)
        column(j, &t->columns[i]);
    close_(j, ']');

    if (t->pk) {
        open_(j, "primaryKey", '{');
        str(j, "name", t->pk->name);
        str(j, "dbName", t->pk->db_name);
        boolean(j, "dbNameDefault", t->pk->db_name_default);
        str(j, "cName", t->pk->c_name);
        parts(j, t->pk->parts, t->pk->nparts);
        close_(j, '}');
    } else {
        null(j, "primaryKey");
    }

    open_(j, "indexes", '[');
    for (size_t i = 0; i < t->nindexes; i++) {
        const model_index *ix = &t->indexes[i];
        open_(j, NULL, '{');
        str(j, "kind", ix->kind == MODEL_INDEX_UNIQUE ? "unique" : "index");
        str(j, "name", ix->name);
        str(j, "dbName", ix->db_name);
        boolean(j, "dbNameDefault", ix->db_name_default);
        str(j, "cName", ix->c_name);
        str(j, "type", model_index_type_name(ix->type));
        str(j, "where", ix->where);
        parts(j, ix->parts, ix->nparts);
        close_(j, '}');
    }
    close_(j, ']');

    open_(j, "foreignKeys", '[');
    for (size_t i = 0; i < t->nfks; i++) {
        const model_foreign_key *fk = &t->fks[i];
        open_(j, NULL, '{');
        str(j, "dbName", fk->db_name);
        boolean(j, "dbNameDefault", fk->db_name_default);
        name_list(j, "columns", fk->columns, fk->ncolumns, true);
        str(j, "referencedTable", fk->ref_table->db_name);
        str(j, "referencedSchema", fk->ref_table->schema);
        name_list(j, "referencedColumns", fk->ref_columns, fk->ncolumns, true);
        str(j, "onDelete", model_ref_action_name(fk->on_delete));
        str(j, "onUpdate", model_ref_action_name(fk->on_update));
        str(j, "relation", fk->relation ? fk->relation->name : NULL);
        close_(j, '}');
    }
    close_(j, ']');

    open_(j, "relationFields", '[');
    for (size_t i = 0; i < t->nrelation_fields; i++) {
        const model_relation_field *rf = &t->relation_fields[i];
        open_(j, NULL, '{');
        str(j, "name", rf->name);
        str(j, "cName", rf->c_name);
        str(j, "target", rf->target ? rf->target->name : NULL);
        str(j, "relation", rf->relation ? rf->relation->name : NULL);
        boolean(j, "list", rf->list);
        boolean(j, "required", rf->required);
        boolean(j, "ignored", rf->ignored);
        str(j, "opposite", rf->opposite ? rf->opposite->name : NULL);
        name_list(j, "fields", rf->fields, rf->nfields, false);
        name_list(j, "references", rf->references, rf->nfields, false);
        str(j, "foreignKey", rf->fk ? rf->fk->db_name : NULL);
        str(j, "doc", rf->doc);
        close_(j, '}');
    }
    close_(j, ']');
    close_(j, '}');
}

static void relation_end(json *j, const char *key, const model_relation_field *rf)
{
    if (!rf) {
        null(j, key);
        return;
    }
    open_(j, key, '{');
    str(j, "model", rf->table->name);
    str(j, "field", rf->name);
    close_(j, '}');
}

void model_to_json(const model_schema *s, buf *out)
{
    json jj = {.out = out, .first = true};
    json *j = &jj;
    buf_putc(out, '{');
    j->depth = 1;
    str(j, "format", "refract-model/1");

    if (s->has_datasource) {
        const model_datasource *ds = &s->datasource;
        open_(j, "datasource", '{');
        str(j, "name", ds->name);
        str(j, "provider", ds->provider);
        config_value(j, "url", &ds->url);
        config_value(j, "directUrl", &ds->direct_url);
        config_value(j, "shadowDatabaseUrl", &ds->shadow_database_url);
        str(j, "relationMode",
            ds->relation_mode == MODEL_RELATION_MODE_PRISMA ? "prisma" : "foreignKeys");
        open_(j, "schemas", '[');
        for (size_t i = 0; i < ds->nschemas; i++)
            str(j, NULL, ds->schemas[i]);
        close_(j, ']');
        open_(j, "extensions", '[');
        for (size_t i = 0; i < ds->nextensions; i++) {
            const model_extension *e = &ds->extensions[i];
            open_(j, NULL, '{');
            str(j, "name", e->name);
            str(j, "dbName", e->db_name);
            str(j, "schema", e->schema);
            str(j, "version", e->version);
            close_(j, '}');
        }
        close_(j, ']');
        close_(j, '}');
    } else {
        null(j, "datasource");
    }

    open_(j, "generators", '[');
    for (size_t i = 0; i < s->ngenerators; i++) {
        const model_generator *g = &s->generators[i];
        open_(j, NULL, '{');
        str(j, "name", g->name);
        str(j, "provider", g->provider);
        str(j, "output", g->output);
        open_(j, "previewFeatures", '[');
        for (size_t k = 0; k < g->npreview_features; k++)
            str(j, NULL, g->preview_features[k]);
        close_(j, ']');
        open_(j, "config", '{');
        for (size_t k = 0; k < g->nconfig; k++)
            if (g->config[k].text)
                str(j, g->config[k].key, g->config[k].text);
        close_(j, '}');
        close_(j, '}');
    }
    close_(j, ']');

    open_(j, "enums", '[');
    for (size_t i = 0; i < s->nenums; i++) {
        const model_enum *e = &s->enums[i];
        open_(j, NULL, '{');
        str(j, "name", e->name);
        str(j, "dbName", e->db_name);
        str(j, "schema", e->schema);
        str(j, "cName", e->c_name);
        str(j, "cUpper", e->c_upper);
        str(j, "doc", e->doc);
        open_(j, "values", '[');
        for (size_t k = 0; k < e->nvalues; k++) {
            open_(j, NULL, '{');
            str(j, "name", e->values[k].name);
            str(j, "dbName", e->values[k].db_name);
            str(j, "cName", e->values[k].c_name);
            str(j, "doc", e->values[k].doc);
            close_(j, '}');
        }
        close_(j, ']');
        close_(j, '}');
    }
    close_(j, ']');

    open_(j, "tables", '[');
    for (size_t i = 0; i < s->ntables; i++)
        table(j, &s->tables[i]);
    close_(j, ']');

    open_(j, "relations", '[');
    for (size_t i = 0; i < s->nrelations; i++) {
        const model_relation *r = &s->relations[i];
        static const char *const kinds[] = {"1:1", "1:n", "m:n"};
        open_(j, NULL, '{');
        str(j, "name", r->name);
        str(j, "kind", kinds[r->kind]);
        boolean(j, "self", r->self);
        relation_end(j, "from", r->from);
        relation_end(j, "to", r->to);
        str(j, "foreignKey", r->fk ? r->fk->db_name : NULL);
        str(j, "joinTable", r->join_table ? r->join_table->db_name : NULL);
        close_(j, '}');
    }
    close_(j, ']');

    j->depth = 0;
    newline(j);
    buf_puts(out, "}\n");
}
