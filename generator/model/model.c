/*
 * model.c — lookups and names over a resolved model_schema.
 */
#include "model.h"

#include <ctype.h>
#include <string.h>

const char *model_scalar_name(model_scalar s)
{
    switch (s) {
    case MODEL_STRING: return "String";
    case MODEL_BOOLEAN: return "Boolean";
    case MODEL_INT: return "Int";
    case MODEL_BIGINT: return "BigInt";
    case MODEL_FLOAT: return "Float";
    case MODEL_DECIMAL: return "Decimal";
    case MODEL_DATETIME: return "DateTime";
    case MODEL_JSON: return "Json";
    case MODEL_BYTES: return "Bytes";
    case MODEL_ENUM: return "enum";
    case MODEL_UNSUPPORTED: return "Unsupported";
    }
    return "?";
}

bool model_default_in_database(const model_default *d)
{
    switch (d->kind) {
    case MODEL_DEFAULT_LITERAL:
    case MODEL_DEFAULT_AUTOINCREMENT:
    case MODEL_DEFAULT_NOW:
    case MODEL_DEFAULT_DBGENERATED:
    case MODEL_DEFAULT_SEQUENCE:
        return true;
    default:
        return false;
    }
}

const char *model_index_type_name(model_index_type t)
{
    static const char *const names[] = {"BTree", "Hash", "Gist", "Gin", "SpGist", "Brin"};
    return names[t];
}

const char *model_index_type_sql(model_index_type t)
{
    static const char *const names[] = {"BTREE", "HASH", "GIST", "GIN", "SPGIST", "BRIN"};
    return names[t];
}

const char *model_ref_action_name(model_ref_action a)
{
    static const char *const names[] = {"Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"};
    return names[a];
}

const char *model_ref_action_sql(model_ref_action a)
{
    static const char *const names[] = {"CASCADE", "RESTRICT", "NO ACTION", "SET NULL",
                                        "SET DEFAULT"};
    return names[a];
}

const char *model_generator_get(const model_generator *g, const char *key)
{
    for (size_t i = 0; i < g->nconfig; i++)
        if (!strcmp(g->config[i].key, key))
            return g->config[i].text;
    return NULL;
}

bool model_c_prefix_valid(const char *prefix)
{
    if (!prefix || !*prefix || isdigit((unsigned char)prefix[0]))
        return false;
    for (const char *p = prefix; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

const model_table *model_find_table(const model_schema *s, const char *model_name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i].kind != MODEL_TABLE_JOIN && !strcmp(s->tables[i].name, model_name))
            return &s->tables[i];
    return NULL;
}

static bool same_schema(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

const model_table *model_find_table_db(const model_schema *s, const char *schema,
                                       const char *db_name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (same_schema(s->tables[i].schema, schema) && !strcmp(s->tables[i].db_name, db_name))
            return &s->tables[i];
    return NULL;
}

const model_enum *model_find_enum(const model_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nenums; i++)
        if (!strcmp(s->enums[i].name, name))
            return &s->enums[i];
    return NULL;
}

const model_column *model_find_column(const model_table *t, const char *field_name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].name, field_name))
            return &t->columns[i];
    return NULL;
}

const model_column *model_find_column_db(const model_table *t, const char *db_name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].db_name, db_name))
            return &t->columns[i];
    return NULL;
}

const model_relation_field *model_find_relation_field(const model_table *t, const char *name)
{
    for (size_t i = 0; i < t->nrelation_fields; i++)
        if (!strcmp(t->relation_fields[i].name, name))
            return &t->relation_fields[i];
    return NULL;
}

const model_enum_value *model_find_enum_value(const model_enum *e, const char *name)
{
    for (size_t i = 0; i < e->nvalues; i++)
        if (!strcmp(e->values[i].name, name))
            return &e->values[i];
    return NULL;
}

size_t model_unique_criteria(const model_table *t, model_unique_criterion *out, size_t cap)
{
    size_t n = 0;
    if (t->pk) {
        if (n < cap)
            out[n] = (model_unique_criterion){.pk = t->pk, .parts = t->pk->parts,
                                              .nparts = t->pk->nparts, .c_name = t->pk->c_name};
        n++;
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const model_index *ix = &t->indexes[i];
        if (ix->kind != MODEL_INDEX_UNIQUE)
            continue;
        if (n < cap)
            out[n] = (model_unique_criterion){.index = ix, .parts = ix->parts,
                                              .nparts = ix->nparts, .c_name = ix->c_name};
        n++;
    }
    return n;
}
