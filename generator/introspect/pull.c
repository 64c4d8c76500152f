/*
 * pull.c — a catalog written as a Prisma schema (see pull.h). The text is
 * written plainly; the command formats it (format.h) so that the columns
 * line up as Prisma's do.
 */
#include "pull.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../migrate/sql.h"
#include "../util/strmap.h"
#include "pull_types.h"

/* ---- names ----------------------------------------------------------------------- */

static bool is_identifier(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

/* Prisma's way of making a database name an identifier: leading
 * characters that are not letters are dropped, the others that cannot be
 * in one become '_' ("_data" → "data", "first name" → "first_name"); a
 * name with no letter at all gets a prefix. */
static const char *sanitize(arena *a, const char *name)
{
    if (is_identifier(name))
        return name;
    const char *p = name;
    while (*p && !isalpha((unsigned char)*p))
        p++;
    buf b = BUF_INIT;
    if (!*p) {
        buf_puts(&b, "x_");
        p = name;
    }
    for (; *p; p++)
        buf_putc(&b, isalnum((unsigned char)*p) || *p == '_' ? *p : '_');
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Prisma string literal: "..." with \ and " escaped, control characters
 * as escapes. */
static void put_string(buf *out, const char *s, size_t n)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\\')
            buf_putc(out, '\\'), buf_putc(out, c);
        else if (c == '\n')
            buf_puts(out, "\\n");
        else if (c == '\r')
            buf_puts(out, "\\r");
        else if (c == '\t')
            buf_puts(out, "\\t");
        else
            buf_putc(out, c);
    }
    buf_putc(out, '"');
}

static void put_cstring(buf *out, const char *s)
{
    put_string(out, s, strlen(s));
}

/* Doc comments: one `///` line per line of the comment. A doc comment
 * kept from the schema holds the text after `///` as written (a space
 * first, mostly): it goes back as it was. */
static void put_doc_as(buf *out, const char *indent, const char *doc, bool kept)
{
    if (!doc || !*doc)
        return;
    const char *p = doc;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        buf_printf(out, "%s///%s%.*s\n", indent, kept ? "" : " ", (int)n, p);
        p += n + (eol ? 1 : 0);
    }
}

static void put_doc(buf *out, const char *indent, const char *doc)
{
    put_doc_as(out, indent, doc, false);
}

/* ---- the models ------------------------------------------------------------------- */

typedef struct pulled_field {
    const char *name;
    const char *text;       /* "  name Type attrs\n" (doc comments above) */
    long column;            /* table column index, -1 for a relation field */
    int group;              /* Prisma's order: scalars, relations (in the order of the
                               foreign keys, tables in byte order), m:n lists */
    size_t seq;             /* insertion order within the model */
    size_t order;           /* position in the previous schema, SIZE_MAX = new */
} pulled_field;

enum { FIELD_SCALAR, FIELD_RELATION, FIELD_MANY };

typedef struct pulled_model {
    const db_table *t;      /* NULL for a view */
    const catalog_view *v;
    const catalog_table_extra *x;
    const char *name;
    const model_table *prev;/* the same table in the previous schema */
    bool join;              /* implicit m:n table: no model */
    bool ignored;           /* no unique criterion */
    const char **field_names; /* per column */
    pulled_field *fields;
    size_t nfields, cfields;
    strmap used;            /* field names taken */
} pulled_model;

typedef struct puller {
    const catalog *c;
    const pull_options *o;
    arena *a;
    pulled_model *models;   /* per table, then per view */
    size_t nmodels;
    strmap by_table;        /* "schema\x1fname" → model index + 1 */
    const char **enum_names;/* per enum */
    strmap model_names;     /* names taken by models and enums */
} puller;

static const char *table_key(puller *p, const char *schema, const char *name)
{
    return arena_printf(p->a, "%s\x1f%s", schema ? schema : "", name);
}

static pulled_model *model_of(puller *p, const char *schema, const char *name)
{
    size_t i = (size_t)(uintptr_t)strmap_get(&p->by_table, table_key(p, schema, name));
    return i ? &p->models[i - 1] : NULL;
}

/* A name not taken yet in `used`: name, name_1, name_2 ... */
static const char *unique_name(arena *a, strmap *used, const char *name)
{
    const char *n = name;
    for (int k = 1; strmap_get(used, n); k++)
        n = arena_printf(a, "%s_%d", name, k);
    strmap_put(used, n, (void *)1);
    return n;
}

static const model_table *previous_table(puller *p, const char *schema, const char *name)
{
    const model_schema *m = p->o->previous;
    if (!m)
        return NULL;
    for (size_t i = 0; i < m->ntables; i++) {
        const model_table *t = &m->tables[i];
        if (!strcmp(t->db_name, name) &&
            (!schema || (t->schema && !strcmp(t->schema, schema))))
            return t;
    }
    return NULL;
}

static const model_column *previous_column(const model_table *t, const char *name)
{
    if (t)
        for (size_t i = 0; i < t->ncolumns; i++)
            if (!strcmp(t->columns[i].db_name, name))
                return &t->columns[i];
    return NULL;
}

/* _AToB: two columns A and B, each a foreign key, unique together. */
static bool is_join_table(const db_table *t)
{
    if (t->name[0] != '_' || t->ncolumns != 2 || strcmp(t->columns[0].name, "A") ||
        strcmp(t->columns[1].name, "B") || t->nfks != 2)
        return false;
    bool unique = t->pk.ncolumns == 2;
    for (size_t i = 0; i < t->nindexes && !unique; i++)
        unique = t->indexes[i].unique && t->indexes[i].ncolumns == 2;
    return unique;
}

/* Whether some unique criterion Prisma can use exists: a primary key, or a
 * unique index on required columns only. */
static bool has_unique_criterion(const db_table *t, const catalog_table_extra *x)
{
    if (t->pk.ncolumns)
        return true;
    for (size_t i = 0; i < t->nindexes; i++) {
        const db_index *ix = &t->indexes[i];
        if (!ix->unique || ix->where_sql || x->indexes[i].expression)
            continue;
        bool required = true;
        for (size_t k = 0; k < ix->ncolumns; k++) {
            const db_column *c = db_find_column(t, ix->columns[k].name);
            required &= c && c->not_null;
        }
        if (required)
            return true;
    }
    return false;
}

static void add_field(puller *p, pulled_model *m, const char *name, long column, int group,
                      size_t order, buf *text)
{
    pulled_field f = {.name = name, .text = arena_strdup(p->a, buf_cstr(text)), .column = column,
                      .group = group, .seq = m->nfields, .order = order};
    buf_free(text);
    ARENA_PUSH(p->a, m->fields, m->nfields, m->cfields, f);
}

static void name_models(puller *p)
{
    const catalog *c = p->c;
    p->nmodels = c->db.ntables + c->nviews;
    p->models = arena_alloc(p->a, (p->nmodels + 1) * sizeof *p->models);
    p->by_table = (strmap)STRMAP_IN(p->a);
    p->model_names = (strmap)STRMAP_IN(p->a);
    /* Names kept from the previous schema first, so that new ones give way. */
    for (size_t i = 0; i < p->nmodels; i++) {
        pulled_model *m = &p->models[i];
        m->used = (strmap)STRMAP_IN(p->a);
        if (i < c->db.ntables) {
            m->t = &c->db.tables[i];
            m->x = &c->tables[i];
            m->join = is_join_table(m->t);
            m->ignored = !m->join && !has_unique_criterion(m->t, m->x);
            m->prev = previous_table(p, m->t->schema, m->t->name);
            strmap_put(&p->by_table, table_key(p, m->t->schema, m->t->name),
                       (void *)(uintptr_t)(i + 1));
        } else {
            m->v = &c->views[i - c->db.ntables];
            m->prev = previous_table(p, m->v->schema, m->v->name);
        }
        if (m->prev)
            m->name = unique_name(p->a, &p->model_names, m->prev->name);
    }
    p->enum_names = arena_alloc(p->a, (c->db.nenums + 1) * sizeof(char *));
    for (size_t i = 0; i < c->db.nenums; i++) {
        const model_schema *prev = p->o->previous;
        const char *keep = NULL;
        for (size_t k = 0; prev && k < prev->nenums && !keep; k++)
            if (!strcmp(prev->enums[k].db_name, c->db.enums[i].name))
                keep = prev->enums[k].name;
        p->enum_names[i] = unique_name(p->a, &p->model_names,
                                       keep ? keep : sanitize(p->a, c->db.enums[i].name));
    }
    for (size_t i = 0; i < p->nmodels; i++) {
        pulled_model *m = &p->models[i];
        if (!m->name && !m->join)
            m->name = unique_name(p->a, &p->model_names,
                                  sanitize(p->a, m->t ? m->t->name : m->v->name));
    }
}

static const char *enum_name_of(puller *p, const db_column *c)
{
    for (size_t i = 0; i < p->c->db.nenums; i++) {
        const db_enum *e = &p->c->db.enums[i];
        if (!strcmp(e->name, c->enum_name) &&
            (!c->enum_schema || (e->schema && !strcmp(e->schema, c->enum_schema))))
            return p->enum_names[i];
    }
    return sanitize(p->a, c->enum_name);
}

/* ---- scalar fields ------------------------------------------------------------------ */

/* The single-column unique index that becomes the field's @unique. */
static long field_unique(const db_table *t, const catalog_table_extra *x, const char *col)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const db_index *ix = &t->indexes[i];
        if (ix->unique && ix->ncolumns == 1 && !strcmp(ix->columns[0].name, col) &&
            !ix->where_sql && !ix->method && !ix->columns[0].opclass &&
            ix->columns[0].sort != DB_SORT_DESC && !x->indexes[i].expression)
            return (long)i;
    }
    return -1;
}

static void put_scalar_field(puller *p, pulled_model *m, size_t ci, buf *b)
{
    const db_table *t = m->t;
    const db_column *c = t ? &t->columns[ci] : &m->v->columns[ci];
    const catalog_column_extra *cx = t ? &m->x->columns[ci] : NULL;
    pull_type ty;
    if (c->enum_name)
        ty = (pull_type){.scalar = enum_name_of(p, c)};
    else
        pull_type_of(p->a, c->type, cx && cx->unsupported, &ty);
    buf_printf(b, "%s ", m->field_names[ci]);
    if (ty.unsupported) {
        buf_puts(b, "Unsupported(");
        put_cstring(b, c->type);
        buf_putc(b, ')');
    } else {
        buf_puts(b, ty.scalar);
    }
    buf_puts(b, c->list ? "[]" : c->not_null ? "" : "?");
    if (t && t->pk.ncolumns == 1 && !strcmp(t->pk.columns[0], c->name)) {
        buf_puts(b, " @id");
        if (strcmp(t->pk.name, model_name_pkey(p->a, t->name))) {
            buf_puts(b, "(map: ");
            put_cstring(b, t->pk.name);
            buf_putc(b, ')');
        }
    }
    if (c->autoincrement)
        buf_puts(b, " @default(autoincrement())");
    else if (c->default_sql)
        pull_put_default(p->a, b, c, &ty, p->c);
    long u = t ? field_unique(t, m->x, c->name) : -1;
    if (u >= 0) {
        buf_puts(b, " @unique");
        const char *cols[] = {c->name};
        if (strcmp(t->indexes[u].name, model_name_key(p->a, t->name, cols, 1))) {
            buf_puts(b, "(map: ");
            put_cstring(b, t->indexes[u].name);
            buf_putc(b, ')');
        }
    }
    if (strcmp(m->field_names[ci], c->name)) {
        buf_puts(b, " @map(");
        put_cstring(b, c->name);
        buf_putc(b, ')');
    }
    if (ty.native)
        buf_printf(b, " @db.%s", ty.native);
    buf_putc(b, '\n');
}

static void scalar_fields(puller *p, pulled_model *m)
{
    size_t n = m->t ? m->t->ncolumns : m->v->ncolumns;
    m->field_names = arena_alloc(p->a, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const db_column *c = m->t ? &m->t->columns[i] : &m->v->columns[i];
        const model_column *pc = previous_column(m->prev, c->name);
        m->field_names[i] = unique_name(p->a, &m->used, pc ? pc->name : sanitize(p->a, c->name));
    }
    for (size_t i = 0; i < n; i++) {
        const db_column *c = m->t ? &m->t->columns[i] : &m->v->columns[i];
        const model_column *pc = previous_column(m->prev, c->name);
        buf b = BUF_INIT;
        const char *doc = m->t ? m->x->columns[i].comment : NULL;
        if (pc && pc->doc)
            put_doc_as(&b, "  ", pc->doc, true);
        else
            put_doc(&b, "  ", doc);
        buf_puts(&b, "  ");
        put_scalar_field(p, m, i, &b);
        add_field(p, m, m->field_names[i], (long)i, FIELD_SCALAR, pc ? pc->index : SIZE_MAX, &b);
    }
}

/* ---- relations --------------------------------------------------------------------- */

static const char *action_name(db_action a)
{
    switch (a) {
    case DB_ACTION_CASCADE: return "Cascade";
    case DB_ACTION_RESTRICT: return "Restrict";
    case DB_ACTION_SET_NULL: return "SetNull";
    case DB_ACTION_SET_DEFAULT: return "SetDefault";
    default: return "NoAction";
    }
}

/* The models an implicit m:n table joins (NULL when it does not). */
static void join_ends(puller *p, const pulled_model *j, pulled_model **ma, pulled_model **mb)
{
    *ma = *mb = NULL;
    for (size_t k = 0; k < j->t->nfks; k++) {
        const db_foreign_key *f = &j->t->fks[k];
        pulled_model *r = model_of(p, f->ref_schema, f->ref_table);
        if (!strcmp(f->columns[0], "A"))
            *ma = r;
        else if (!strcmp(f->columns[0], "B"))
            *mb = r;
    }
}

/* How many relations (foreign keys, either way, and m:n tables) relate
 * the two models. */
static size_t relations_between(puller *p, const pulled_model *x, const pulled_model *y)
{
    size_t n = 0;
    for (size_t i = 0; i < p->c->db.ntables; i++) {
        const pulled_model *m = &p->models[i];
        if (m->ignored)
            continue;
        if (m->join) {
            pulled_model *a, *b;
            join_ends(p, m, &a, &b);
            n += (a == x && b == y) || (a == y && b == x);
            continue;
        }
        for (size_t k = 0; k < m->t->nfks; k++) {
            const pulled_model *r = model_of(p, m->t->fks[k].ref_schema, m->t->fks[k].ref_table);
            if ((m == x && r == y) || (m == y && r == x))
                n++;
        }
    }
    return n;
}

/* Whether the foreign key's columns are, as a set, a unique criterion (a
 * unique index or the primary key): the relation is then one-to-one.
 * Prisma's own db pull also calls it one-to-one when a unique criterion
 * is only a subset of them, which its validator then rejects ("A
 * one-to-one relation must use unique fields on the defining side"). */
static bool contains_all(const char *const *cols, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(cols[k], name))
            return true;
    return false;
}

static bool columns_unique(const db_table *t, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const db_index *ix = &t->indexes[i];
        if (!ix->unique || ix->where_sql || ix->ncolumns != n)
            continue;
        bool same = true;
        for (size_t k = 0; k < n && same; k++)
            same = contains_all(cols, n, ix->columns[k].name);
        if (same)
            return true;
    }
    if (t->pk.ncolumns != n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (!contains_all(cols, n, t->pk.columns[k]))
            return false;
    return true;
}

static const char *field_of_column(const pulled_model *m, const char *col)
{
    for (size_t i = 0; i < m->t->ncolumns; i++)
        if (!strcmp(m->t->columns[i].name, col))
            return m->field_names[i];
    return col;
}

static void put_field_list(buf *b, const pulled_model *m, const char *const *cols, size_t n)
{
    buf_putc(b, '[');
    for (size_t k = 0; k < n; k++)
        buf_printf(b, "%s%s", k ? ", " : "", field_of_column(m, cols[k]));
    buf_putc(b, ']');
}

static void one_relation(puller *p, pulled_model *m, const db_foreign_key *fk)
{
    pulled_model *r = model_of(p, fk->ref_schema, fk->ref_table);
    if (!r || r->join || r->ignored)
        return;
    /* Prisma names a relation only when the two models are related more
     * than once ("<Model>_<columns>To<Ref>"), or a model with itself once
     * ("<Model>To<Model>", fields <Model> and other_<Model>). */
    size_t between = relations_between(p, m, r);
    bool self_once = r == m && between == 1;
    const char *rel = NULL;
    if (self_once) {
        rel = arena_printf(p->a, "%sTo%s", m->name, m->name);
    } else if (between > 1) {
        buf n = BUF_INIT;
        buf_printf(&n, "%s_", m->name);
        for (size_t k = 0; k < fk->ncolumns; k++)
            buf_printf(&n, "%s%s", k ? "_" : "", fk->columns[k]);
        buf_printf(&n, "To%s", r->name);
        rel = arena_strdup(p->a, buf_cstr(&n));
        buf_free(&n);
    }
    /* The referencing side. */
    bool optional = false;
    for (size_t k = 0; k < fk->ncolumns; k++) {
        const db_column *c = db_find_column(m->t, fk->columns[k]);
        optional |= c && !c->not_null;
    }
    const char *fname = unique_name(
        p->a, &m->used, rel && !self_once ? arena_printf(p->a, "%s_%s", r->name, rel) : r->name);
    buf b = BUF_INIT;
    buf_printf(&b, "  %s %s%s @relation(", fname, r->name, optional ? "?" : "");
    if (rel) {
        put_cstring(&b, rel);
        buf_puts(&b, ", ");
    }
    buf_puts(&b, "fields: ");
    put_field_list(&b, m, fk->columns, fk->ncolumns);
    buf_puts(&b, ", references: ");
    put_field_list(&b, r, fk->ref_columns, fk->nref_columns);
    db_action dflt_delete = optional ? DB_ACTION_SET_NULL : DB_ACTION_RESTRICT;
    if (fk->on_delete != dflt_delete)
        buf_printf(&b, ", onDelete: %s", action_name(fk->on_delete));
    if (fk->on_update != DB_ACTION_CASCADE)
        buf_printf(&b, ", onUpdate: %s", action_name(fk->on_update));
    if (strcmp(fk->name, model_name_fkey(p->a, m->t->name, fk->columns, fk->ncolumns))) {
        buf_puts(&b, ", map: ");
        put_cstring(&b, fk->name);
    }
    buf_puts(&b, ")\n");
    add_field(p, m, fname, -1, FIELD_RELATION, SIZE_MAX, &b);

    /* The other side. */
    bool one = columns_unique(m->t, fk->columns, fk->ncolumns);
    const char *bname;
    if (self_once)
        bname = arena_printf(p->a, "other_%s", m->name);
    else if (rel)
        bname = arena_printf(p->a, "%s%s_%s", r == m ? "other_" : "", m->name, rel);
    else
        bname = m->name;
    bname = unique_name(p->a, &r->used, bname);
    buf o = BUF_INIT;
    buf_printf(&o, "  %s %s%s", bname, m->name, one ? "?" : "[]");
    if (rel) {
        buf_puts(&o, " @relation(");
        put_cstring(&o, rel);
        buf_putc(&o, ')');
    }
    buf_putc(&o, '\n');
    add_field(p, r, bname, -1, FIELD_RELATION, SIZE_MAX, &o);
}

static void many_to_many(puller *p, pulled_model *j)
{
    pulled_model *ma, *mb;
    join_ends(p, j, &ma, &mb);
    if (!ma || !mb || ma->join || mb->join || ma->ignored || mb->ignored)
        return;
    const char *rel = j->t->name + 1;
    /* Model A's field lists B's rows, and the other way round. For a
     * self-relation Prisma stores the targets of the field whose name sorts
     * first in column A. */
    bool ambiguous = ma != mb && relations_between(p, ma, mb) > 1;
    const char *na = ma == mb      ? arena_printf(p->a, "%s_A", ma->name)
                     : ambiguous ? arena_printf(p->a, "%s_%s", mb->name, rel)
                                 : mb->name;
    const char *nb = ma == mb      ? arena_printf(p->a, "%s_B", ma->name)
                     : ambiguous ? arena_printf(p->a, "%s_%s", ma->name, rel)
                                 : ma->name;
    na = unique_name(p->a, &ma->used, na);
    nb = unique_name(p->a, &mb->used, nb);
    /* The default name, "<A>To<B>" with the model names sorted, goes unsaid. */
    bool a_first = strcmp(ma->name, mb->name) <= 0;
    const char *dflt = arena_printf(p->a, "%sTo%s", a_first ? ma->name : mb->name,
                                    a_first ? mb->name : ma->name);
    bool named = strcmp(rel, dflt) || ma == mb;
    buf b = BUF_INIT, o = BUF_INIT;
    buf_printf(&b, "  %s %s[]", na, mb->name);
    buf_printf(&o, "  %s %s[]", nb, ma->name);
    if (named) {
        buf_puts(&b, " @relation(");
        put_cstring(&b, rel);
        buf_putc(&b, ')');
        buf_puts(&o, " @relation(");
        put_cstring(&o, rel);
        buf_putc(&o, ')');
    }
    buf_putc(&b, '\n');
    buf_putc(&o, '\n');
    add_field(p, ma, na, -1, FIELD_MANY, SIZE_MAX, &b);
    add_field(p, mb, nb, -1, FIELD_MANY, SIZE_MAX, &o);
}

/* ---- block attributes -------------------------------------------------------------- */

static void put_index_columns(puller *p, buf *b, const pulled_model *m, const db_index *ix)
{
    buf_putc(b, '[');
    for (size_t k = 0; k < ix->ncolumns; k++) {
        const db_index_column *c = &ix->columns[k];
        buf_printf(b, "%s%s", k ? ", " : "", field_of_column(m, c->name));
        bool desc = c->sort == DB_SORT_DESC;
        const char *ops = c->opclass ? pull_opclass_name(p->a, c->opclass) : NULL;
        if (desc || ops) {
            buf_putc(b, '(');
            if (desc)
                buf_puts(b, "sort: Desc");
            if (ops)
                buf_printf(b, "%sops: %s", desc ? ", " : "", ops);
            buf_putc(b, ')');
        }
    }
    buf_putc(b, ']');
}

static const char *method_name(const char *method)
{
    static const char *const names[][2] = {{"HASH", "Hash"}, {"GIN", "Gin"}, {"GIST", "Gist"},
                                           {"BRIN", "Brin"}, {"SPGIST", "SpGist"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(method, names[i][0]))
            return names[i][1];
    return NULL;
}

static void block_attributes(puller *p, pulled_model *m, buf *out)
{
    const db_table *t = m->t;
    if (t->pk.ncolumns > 1) {
        buf_puts(out, "  @@id(");
        buf_putc(out, '[');
        for (size_t k = 0; k < t->pk.ncolumns; k++)
            buf_printf(out, "%s%s", k ? ", " : "", field_of_column(m, t->pk.columns[k]));
        buf_putc(out, ']');
        if (strcmp(t->pk.name, model_name_pkey(p->a, t->name))) {
            buf_puts(out, ", map: ");
            put_cstring(out, t->pk.name);
        }
        buf_puts(out, ")\n");
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const db_index *ix = &t->indexes[i];
        if (m->x->indexes[i].expression) {
            buf_printf(out, "  // The index \"%s\" has expressions, which Prisma cannot describe.\n",
                       ix->name);
            continue;
        }
        if (ix->unique && ix->ncolumns == 1 && field_unique(t, m->x, ix->columns[0].name) == (long)i)
            continue;
        const char *methodname = ix->method ? method_name(ix->method) : NULL;
        if (ix->method && !methodname) {
            buf_printf(out, "  // The index \"%s\" uses the %s method, which Prisma cannot "
                            "describe.\n",
                       ix->name, ix->method);
            continue;
        }
        const char **cols = arena_alloc(p->a, (ix->ncolumns + 1) * sizeof(char *));
        for (size_t k = 0; k < ix->ncolumns; k++)
            cols[k] = ix->columns[k].name;
        const char *dflt = ix->unique ? model_name_key(p->a, t->name, cols, ix->ncolumns)
                                      : model_name_idx(p->a, t->name, cols, ix->ncolumns);
        buf_printf(out, "  @@%s(", ix->unique ? "unique" : "index");
        put_index_columns(p, out, m, ix);
        if (strcmp(ix->name, dflt)) {
            buf_puts(out, ", map: ");
            put_cstring(out, ix->name);
        }
        if (methodname)
            buf_printf(out, ", type: %s", methodname);
        if (ix->where_sql) {
            buf_puts(out, ", where: raw(");
            put_cstring(out, ix->where_sql);
            buf_putc(out, ')');
        }
        buf_puts(out, ")\n");
    }
}

/* ---- output ----------------------------------------------------------------------- */

static int field_cmp(const void *pa, const void *pb)
{
    const pulled_field *a = pa, *b = pb;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Prisma's order (scalars, then the relation fields in the order of the
 * foreign keys, then m:n lists), except that the fields a previous schema
 * had come first, in its order. */
static void order_fields(pulled_model *m)
{
    size_t base = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].order != SIZE_MAX && m->fields[i].order + 1 > base)
            base = m->fields[i].order + 1;
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].order == SIZE_MAX)
            m->fields[i].order = base;
    qsort(m->fields, m->nfields, sizeof *m->fields, field_cmp);
}

static void put_model(puller *p, pulled_model *m, buf *out)
{
    bool view = m->v != NULL;
    if (m->prev && m->prev->doc)
        put_doc_as(out, "", m->prev->doc, true);
    else
        put_doc(out, "", view ? m->v->comment : m->x->comment);
    if (m->ignored)
        buf_puts(out, "/// The underlying table does not contain a valid unique identifier and "
                      "can therefore currently not be handled by Prisma Client.\n");
    buf_printf(out, "%s %s {\n", view ? "view" : "model", m->name);
    order_fields(m);
    for (size_t i = 0; i < m->nfields; i++)
        buf_puts(out, m->fields[i].text);
    buf attrs = BUF_INIT;
    if (!view)
        block_attributes(p, m, &attrs);
    const char *db_name = view ? m->v->name : m->t->name;
    const char *schema = view ? m->v->schema : m->t->schema;
    if (strcmp(m->name, db_name)) {
        buf_puts(&attrs, "  @@map(");
        put_cstring(&attrs, db_name);
        buf_puts(&attrs, ")\n");
    }
    if (m->ignored)
        buf_puts(&attrs, "  @@ignore\n");
    if (schema) {
        buf_puts(&attrs, "  @@schema(");
        put_cstring(&attrs, schema);
        buf_puts(&attrs, ")\n");
    }
    if (attrs.len) {
        buf_putc(out, '\n');
        buf_put(out, attrs.data, attrs.len);
    }
    buf_free(&attrs);
    buf_puts(out, "}\n\n");
}

static void put_enum(puller *p, size_t i, buf *out)
{
    const db_enum *e = &p->c->db.enums[i];
    put_doc(out, "", p->c->enum_comments ? p->c->enum_comments[i] : NULL);
    buf_printf(out, "enum %s {\n", p->enum_names[i]);
    strmap used = STRMAP_IN(p->a);
    for (size_t k = 0; k < e->nvalues; k++) {
        const char *v = e->values[k].name;
        const char *n = unique_name(p->a, &used, sanitize(p->a, v));
        buf_printf(out, "  %s", n);
        if (strcmp(n, v)) {
            buf_puts(out, " @map(");
            put_cstring(out, v);
            buf_putc(out, ')');
        }
        buf_putc(out, '\n');
    }
    bool attrs = strcmp(p->enum_names[i], e->name) || e->schema;
    if (attrs)
        buf_putc(out, '\n');
    if (strcmp(p->enum_names[i], e->name)) {
        buf_puts(out, "  @@map(");
        put_cstring(out, e->name);
        buf_puts(out, ")\n");
    }
    if (e->schema) {
        buf_puts(out, "  @@schema(");
        put_cstring(out, e->schema);
        buf_puts(out, ")\n");
    }
    buf_puts(out, "}\n\n");
}

size_t pull_render(const catalog *c, const pull_options *o, arena *a, buf *out)
{
    puller p = {.c = c, .o = o, .a = a};
    name_models(&p);
    size_t written = 0;
    for (size_t i = 0; i < p.nmodels; i++)
        if (!p.models[i].join)
            scalar_fields(&p, &p.models[i]);
    for (size_t i = 0; i < c->db.ntables; i++) {
        pulled_model *m = &p.models[i];
        if (!m->join && !m->ignored)
            for (size_t k = 0; k < m->t->nfks; k++)
                one_relation(&p, m, &m->t->fks[k]);
    }
    for (size_t i = 0; i < c->db.ntables; i++)
        if (p.models[i].join)
            many_to_many(&p, &p.models[i]);
    if (o->header && *o->header) {
        buf_puts(out, o->header);
        buf_puts(out, "\n\n");
    }
    for (size_t i = 0; i < c->db.ntables; i++)
        if (!p.models[i].join) {
            put_model(&p, &p.models[i], out);
            written++;
        }
    for (size_t i = c->db.ntables; i < p.nmodels; i++) {
        if (o->views) {
            put_model(&p, &p.models[i], out);
            written++;
        } else {
            buf_printf(out, "// The view \"%s\" was not pulled: add \"views\" to the generator's "
                            "previewFeatures to describe views.\n\n",
                       p.models[i].v->name);
        }
    }
    for (size_t i = 0; i < c->db.nenums; i++)
        put_enum(&p, i, out);
    return written;
}
