/*
 * from_model.c — the resolved model as the database will hold it
 * (db_schema), with defaults rendered as Prisma Migrate writes them.
 */
#include <string.h>

#include "../model/model.h"
#include "../util/buf.h"
#include "diff.h"
#include "sql.h"

/* ---- default values ------------------------------------------------------------ */

/* "2020-01-01T10:11:12.5+02:00" → "2020-01-01 10:11:12.500 +02:00": chrono's
 * "%Y-%m-%d %H:%M:%S%.f %:z", which Prisma uses. Unparseable text is kept. */
static void put_datetime(buf *out, const char *s)
{
    size_t n = strlen(s);
    if (n < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
        sql_put_literal(out, s);
        return;
    }
    buf b = BUF_INIT;
    buf_put(&b, s, 10);
    buf_putc(&b, ' ');
    buf_put(&b, s + 11, 8);
    const char *p = s + 19;
    char frac[10] = "000000000";
    size_t nf = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (nf < 9)
                frac[nf] = *p;
            nf++;
            p++;
        }
    }
    if (strncmp(frac, "000000000", 9)) {
        size_t digits = !strncmp(frac + 3, "000000", 6) ? 3 : !strncmp(frac + 6, "000", 3) ? 6 : 9;
        buf_putc(&b, '.');
        buf_put(&b, frac, digits);
    }
    buf_putc(&b, ' ');
    if (*p == 'Z' || *p == 'z' || !*p) {
        buf_puts(&b, "+00:00");
    } else if ((*p == '+' || *p == '-') && strlen(p) >= 5) {
        buf_put(&b, p, 3);
        buf_putc(&b, ':');
        buf_put(&b, p[3] == ':' ? p + 4 : p + 3, 2);
    } else {
        buf_puts(&b, p);
    }
    sql_put_literal(out, buf_cstr(&b));
    buf_free(&b);
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Base64 text → '\x<hex>', PostgreSQL's bytea literal. */
static void put_bytes(buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_puts(out, "'\\x");
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(s[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned byte = (acc >> bits) & 0xFF;
            buf_putc(out, hex[byte >> 4]);
            buf_putc(out, hex[byte & 15]);
        }
    }
    buf_putc(out, '\'');
}

static void put_column_sql_type(buf *out, const model_column *c)
{
    if (c->type == MODEL_ENUM && c->enum_type)
        sql_put_qualified(out, c->enum_type->schema, c->enum_type->db_name);
    else
        buf_puts(out, c->sql_type);
}

static void put_scalar_literal(buf *out, const model_column *c, const model_literal *l)
{
    switch (l->kind) {
    case MODEL_LIT_STRING:
        if (c->type == MODEL_DATETIME)
            put_datetime(out, l->text);
        else if (c->type == MODEL_BYTES)
            put_bytes(out, l->text, l->text_len);
        else
            sql_put_literal(out, l->text);
        break;
    case MODEL_LIT_INT:
    case MODEL_LIT_FLOAT:
        buf_puts(out, l->text);
        break;
    case MODEL_LIT_BOOL:
        buf_puts(out, l->boolean ? "true" : "false");
        break;
    case MODEL_LIT_ENUM:
        sql_put_literal(out, l->enum_value ? l->enum_value->db_name : l->text);
        break;
    case MODEL_LIT_LIST:
        break;
    }
}

/* The DEFAULT expression, or NULL when the database computes none. */
static const char *render_default(arena *a, const model_column *c)
{
    const model_default *d = &c->dflt;
    switch (d->kind) {
    case MODEL_DEFAULT_NOW:
        return "CURRENT_TIMESTAMP";
    case MODEL_DEFAULT_DBGENERATED:
        return d->expr ? arena_strdup(a, d->expr) : NULL;
    case MODEL_DEFAULT_LITERAL:
        break;
    default:
        return NULL;
    }
    buf b = BUF_INIT;
    if (d->literal.kind == MODEL_LIT_LIST) {
        buf_puts(&b, "ARRAY[");
        for (size_t i = 0; i < d->literal.count; i++) {
            if (i)
                buf_puts(&b, ", ");
            put_scalar_literal(&b, c, &d->literal.items[i]);
        }
        buf_puts(&b, "]::");
        put_column_sql_type(&b, c);
        buf_puts(&b, "[]");
    } else if (c->list) {
        /* A scalar default on a list: Prisma writes a one-element array. */
        buf_puts(&b, "ARRAY[");
        put_scalar_literal(&b, c, &d->literal);
        buf_puts(&b, "]::");
        put_column_sql_type(&b, c);
        buf_puts(&b, "[]");
    } else {
        put_scalar_literal(&b, c, &d->literal);
    }
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* ---- tables ----------------------------------------------------------------------- */

static db_action action_of(model_ref_action r)
{
    switch (r) {
    case MODEL_ACTION_CASCADE: return DB_ACTION_CASCADE;
    case MODEL_ACTION_RESTRICT: return DB_ACTION_RESTRICT;
    case MODEL_ACTION_NO_ACTION: return DB_ACTION_NO_ACTION;
    case MODEL_ACTION_SET_NULL: return DB_ACTION_SET_NULL;
    case MODEL_ACTION_SET_DEFAULT: return DB_ACTION_SET_DEFAULT;
    }
    return DB_ACTION_NO_ACTION;
}

static void convert_table(arena *a, const model_schema *m, const model_table *mt, db_table *t)
{
    t->schema = mt->schema;
    t->name = mt->db_name;
    t->model = mt->kind == MODEL_TABLE_JOIN ? NULL : mt->name;
    for (size_t i = 0; i < mt->ncolumns; i++) {
        const model_column *mc = &mt->columns[i];
        db_column c = {0};
        c.name = mc->db_name;
        c.field = mt->kind == MODEL_TABLE_JOIN ? NULL : mc->name;
        if (mc->type == MODEL_ENUM && mc->enum_type) {
            buf b = BUF_INIT;
            put_column_sql_type(&b, mc);
            c.type = arena_strdup(a, buf_cstr(&b));
            buf_free(&b);
            c.enum_name = mc->enum_type->db_name;
            c.enum_schema = mc->enum_type->schema;
        } else {
            c.type = mc->sql_type ? mc->sql_type : "TEXT";
        }
        c.list = mc->list;
        c.not_null = !mc->nullable;
        c.autoincrement = mc->dflt.kind == MODEL_DEFAULT_AUTOINCREMENT;
        c.default_sql = render_default(a, mc);
        ARENA_PUSH(a, t->columns, t->ncolumns, t->ccolumns, c);
    }
    if (mt->pk && mt->pk->nparts) {
        t->pk.name = mt->pk->db_name;
        t->pk.ncolumns = mt->pk->nparts;
        t->pk.columns = arena_alloc(a, mt->pk->nparts * sizeof(char *));
        for (size_t i = 0; i < mt->pk->nparts; i++)
            t->pk.columns[i] = mt->pk->parts[i].column->db_name;
    }
    for (size_t i = 0; i < mt->nindexes; i++) {
        const model_index *mi = &mt->indexes[i];
        if (mi->kind == MODEL_INDEX_FULLTEXT)
            continue;
        db_index x = {0};
        x.name = mi->db_name;
        x.unique = mi->kind == MODEL_INDEX_UNIQUE;
        x.method = mi->type == MODEL_INDEX_BTREE ? NULL : model_index_type_sql(mi->type);
        x.where_sql = mi->where;
        x.ncolumns = mi->nparts;
        x.columns = arena_alloc(a, (mi->nparts + 1) * sizeof *x.columns);
        for (size_t k = 0; k < mi->nparts; k++) {
            x.columns[k].name = mi->parts[k].column->db_name;
            x.columns[k].sort = mi->parts[k].sort == MODEL_SORT_DESC  ? DB_SORT_DESC
                                : mi->parts[k].sort == MODEL_SORT_ASC ? DB_SORT_ASC
                                                                      : DB_SORT_IMPLICIT;
            x.columns[k].opclass = mi->parts[k].ops;
        }
        ARENA_PUSH(a, t->indexes, t->nindexes, t->cindexes, x);
    }
    if (m->datasource.relation_mode == MODEL_RELATION_MODE_PRISMA)
        return;
    for (size_t i = 0; i < mt->nfks; i++) {
        const model_foreign_key *mf = &mt->fks[i];
        db_foreign_key f = {0};
        f.name = mf->db_name;
        f.ncolumns = mf->ncolumns;
        f.nref_columns = mf->ncolumns;
        f.columns = arena_alloc(a, (mf->ncolumns + 1) * sizeof(char *));
        f.ref_columns = arena_alloc(a, (mf->ncolumns + 1) * sizeof(char *));
        for (size_t k = 0; k < mf->ncolumns; k++) {
            f.columns[k] = mf->columns[k]->db_name;
            f.ref_columns[k] = mf->ref_columns[k]->db_name;
        }
        f.ref_schema = mf->ref_table->schema;
        f.ref_table = mf->ref_table->db_name;
        f.on_delete = action_of(mf->on_delete);
        f.on_update = action_of(mf->on_update);
        ARENA_PUSH(a, t->fks, t->nfks, t->cfks, f);
    }
}

db_schema *dbschema_from_model(const model_schema *m, arena *a)
{
    db_schema *s = arena_alloc(a, sizeof *s);
    const model_datasource *ds = &m->datasource;
    if (ds->nschemas) {
        s->multi_schema = true;
        /* Prisma creates them in name order, whatever the list's order. */
        for (size_t i = 0; i < ds->nschemas; i++) {
            ARENA_PUSH(a, s->namespaces, s->nnamespaces, s->cnamespaces, ds->schemas[i]);
            for (size_t k = s->nnamespaces - 1; k > 0 && strcmp(s->namespaces[k - 1], s->namespaces[k]) > 0; k--) {
                const char *t = s->namespaces[k];
                s->namespaces[k] = s->namespaces[k - 1];
                s->namespaces[k - 1] = t;
            }
        }
    } else {
        ARENA_PUSH(a, s->namespaces, s->nnamespaces, s->cnamespaces, "public");
    }
    for (size_t i = 0; i < ds->nextensions; i++) {
        db_extension e = {ds->extensions[i].db_name ? ds->extensions[i].db_name
                                                    : ds->extensions[i].name,
                          ds->extensions[i].schema, ds->extensions[i].version};
        ARENA_PUSH(a, s->extensions, s->nextensions, s->cextensions, e);
    }
    for (size_t i = 0; i < m->nenums; i++) {
        const model_enum *me = &m->enums[i];
        db_enum e = {.schema = me->schema, .name = me->db_name, .prisma = me->name};
        for (size_t k = 0; k < me->nvalues; k++) {
            db_enum_value v = {me->values[k].db_name, me->values[k].name};
            ARENA_PUSH(a, e.values, e.nvalues, e.cvalues, v);
        }
        ARENA_PUSH(a, s->enums, s->nenums, s->cenums, e);
    }
    for (size_t i = 0; i < m->ntables; i++) {
        const model_table *mt = &m->tables[i];
        if (mt->kind == MODEL_TABLE_VIEW)
            continue;
        db_table t = {0};
        convert_table(a, m, mt, &t);
        ARENA_PUSH(a, s->tables, s->ntables, s->ctables, t);
    }
    return s;
}
