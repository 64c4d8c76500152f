/*
 * catalog.c — read a live schema, one query per system catalog (see
 * catalog.h). Each query covers all the asked namespaces; rows are attached
 * to their relation through a map from the relation's oid.
 */
#include "catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../migrate/sql.h"
#include "../util/strmap.h"
#include "spelling.h"

/* Relations refract and Prisma keep for themselves, never part of a schema. */
#define SKIPPED_TABLES "'_prisma_migrations', '_refract_db_push'"

/* Of the asked namespaces. Only the relations query leaves out what an
 * extension owns (a hashed NOT IN over pg_depend's few 'e' rows): the other
 * queries' rows for such relations find no table to attach to. */
#define IN_NAMESPACES " n.nspname = ANY ($1::text[])"
#define NOT_FROM_EXTENSION(rel)                                                              \
    " AND " rel " NOT IN (SELECT dep.objid FROM pg_catalog.pg_depend dep"                    \
    " WHERE dep.deptype = 'e' AND dep.classid = 'pg_catalog.pg_class'::regclass)"

/* Comments are joined (not looked up per row with obj_description). */
static const char relations_sql[] =
    "SELECT c.oid, n.nspname, c.relname, c.relkind, d.description,"
    " CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid"
    "   AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0"
    " WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition"
    " AND c.relname NOT IN (" SKIPPED_TABLES ") AND" IN_NAMESPACES NOT_FROM_EXTENSION("c.oid")
    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/* The element type of an array column stands for the column's type.
 * format_type() only for the types refract has no spelling of. */
static const char columns_sql[] =
    "SELECT a.attrelid, a.attname, et.typname, etn.nspname, et.typtype,"
    " t.typcategory = 'A' AND t.typelem <> 0,"
    " a.atttypmod,"
    " CASE WHEN et.typtype = 'e' OR (etn.nspname = 'pg_catalog' AND et.typname IN ('int2', 'int4',"
    "   'int8', 'float4', 'float8', 'bool', 'text', 'bytea', 'jsonb', 'json', 'uuid', 'xml',"
    "   'inet', 'oid', 'money', 'date', 'varchar', 'bpchar', 'bit', 'varbit', 'timestamp',"
    "   'timestamptz', 'time', 'timetz', 'numeric')) THEN NULL"
    "   ELSE pg_catalog.format_type(et.oid, a.atttypmod) END,"
    " a.attnotnull,"
    " pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, d.description"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0"
    "   THEN t.typelem ELSE t.oid END"
    " JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid"
    "   AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum"
    " WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition"
    " AND a.attnum > 0 AND NOT a.attisdropped AND" IN_NAMESPACES
    " ORDER BY a.attrelid, a.attnum";

/* Key columns only (not INCLUDE); names and options joined by \x1f. The
 * columns of every index are unnested and aggregated as one set (hash
 * joins), not looked up index by index. An INVALID index (what a failed
 * CREATE INDEX CONCURRENTLY leaves) is not read: it is not a working index,
 * and deploy drops it before building it again. */
static const char indexes_sql[] =
    "WITH k AS (SELECT i.indexrelid, u.ord, coalesce(att.attname, '') AS name,"
    "   (u.opt & 1)::text AS sort,"
    "   opc.opcname || CASE WHEN opc.opcdefault THEN '+' ELSE '' END AS op"
    " FROM pg_catalog.pg_index i"
    " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indoption::int2[], i.indclass::oid[])"
    "   WITH ORDINALITY AS u(attnum, opt, cls, ord)"
    " LEFT JOIN pg_catalog.pg_attribute att ON att.attrelid = i.indrelid"
    "   AND att.attnum = u.attnum AND u.attnum <> 0"
    " LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = u.cls"
    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND u.ord <= i.indnkeyatts"
    " AND i.indisvalid AND" IN_NAMESPACES "),"
    " agg AS (SELECT indexrelid, string_agg(name, E'\\x1f' ORDER BY ord) AS cols,"
    "   string_agg(sort, E'\\x1f' ORDER BY ord) AS sorts,"
    "   string_agg(op, E'\\x1f' ORDER BY ord) AS ops FROM k GROUP BY indexrelid)"
    " SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary, am.amname,"
    " CASE WHEN i.indpred IS NOT NULL THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid) END,"
    " agg.cols, agg.sorts, agg.ops, con.contype, i.indexprs IS NOT NULL"
    " FROM pg_catalog.pg_index i JOIN agg ON agg.indexrelid = i.indexrelid"
    " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
    " JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
    " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid"
    "   AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')"
    " ORDER BY i.indrelid, ic.relname";

/* The same way: every key's columns in one set. */
static const char foreign_keys_sql[] =
    "WITH k AS (SELECT con.oid, u.ord, la.attname AS local, ra.attname AS remote"
    " FROM pg_catalog.pg_constraint con"
    " JOIN pg_catalog.pg_class c ON c.oid = con.conrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS u(l, r, ord)"
    " JOIN pg_catalog.pg_attribute la ON la.attrelid = con.conrelid AND la.attnum = u.l"
    " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = u.r"
    " WHERE con.contype = 'f' AND NOT c.relispartition AND con.conparentid = 0 AND"
    IN_NAMESPACES "),"
    " agg AS (SELECT oid, string_agg(local, E'\\x1f' ORDER BY ord) AS locals,"
    "   string_agg(remote, E'\\x1f' ORDER BY ord) AS remotes FROM k GROUP BY oid)"
    " SELECT con.conrelid, con.conname, fn.nspname, fc.relname, con.confdeltype, con.confupdtype,"
    " agg.locals, agg.remotes"
    " FROM pg_catalog.pg_constraint con JOIN agg ON agg.oid = con.oid"
    " JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid"
    " JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace"
    " ORDER BY con.conrelid, con.conname";

static const char enums_sql[] =
    "SELECT n.nspname, t.typname, e.enumlabel, d.description"
    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
    " LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid"
    "   AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0"
    " WHERE n.nspname = ANY ($1::text[])"
    " ORDER BY n.nspname COLLATE \"C\", t.typname COLLATE \"C\", e.enumsortorder";

static const char extensions_sql[] =
    "SELECT e.extname, n.nspname, e.extversion FROM pg_catalog.pg_extension e"
    " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
    " WHERE e.extname <> 'plpgsql' ORDER BY e.extname";

static const char sequences_sql[] =
    "SELECT n.nspname, c.relname, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,"
    " s.seqcycle, oc.relname, oa.attname"
    " FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass"
    "   AND d.objid = c.oid AND d.deptype IN ('a', 'i')"
    "   AND d.refclassid = 'pg_catalog.pg_class'::regclass"
    " LEFT JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid"
    " LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid"
    " WHERE" IN_NAMESPACES NOT_FROM_EXTENSION("c.oid")
    " ORDER BY n.nspname, c.relname";

typedef struct reader {
    PGconn *pg;
    arena *a;
    catalog *out;
    bool multi;
    const char *namespaces_param; /* {"a","b"} */
    buf *err;
    strmap tables;                /* oid text → db_table index + 1 */
    strmap views;                 /* oid text → catalog_view index + 1 */
    PGresult **results;           /* pipelined answers, in the order asked */
    size_t nresults, next;
} reader;

/* The answer to `sql`: already received when the queries were pipelined
 * (they are read in the order they were sent), else asked now. */
static PGresult *run(reader *r, const char *sql, bool with_namespaces)
{
    const char *params[1] = {r->namespaces_param};
    PGresult *res;
    if (r->results) {
        res = r->next < r->nresults ? r->results[r->next] : NULL;
        if (res)
            r->results[r->next] = NULL;
        r->next++;
    } else {
        res = PQexecParams(r->pg, sql, with_namespaces ? 1 : 0, NULL,
                           with_namespaces ? params : NULL, NULL, NULL, 0);
    }
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        buf_printf(r->err, "reading the database schema failed: %s",
                   PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* The text of a cell in the arena, NULL for SQL NULL. */
static const char *cell(reader *r, PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return arena_strdup(r->a, PQgetvalue(res, row, col));
}

static bool cell_true(PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

/* NULL unless objects keep their namespace. */
static const char *ns_of(reader *r, const char *nspname)
{
    return r->multi ? nspname : NULL;
}

/* Split "a\x1fb" into n parts (arena strings). */
static const char **split(reader *r, const char *s, size_t *n)
{
    *n = 0;
    if (!s)
        return NULL;
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == '\x1f';
    const char **parts = arena_alloc(r->a, (count + 1) * sizeof *parts);
    const char *p = s;
    for (size_t i = 0; i < count; i++) {
        const char *e = strchr(p, '\x1f');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        parts[i] = arena_strndup(r->a, p, len);
        p = e ? e + 1 : p + len;
    }
    *n = count;
    return parts;
}

static db_table *table_of(reader *r, PGresult *res, int row, catalog_table_extra **extra)
{
    size_t i = (size_t)(uintptr_t)strmap_get(&r->tables, PQgetvalue(res, row, 0));
    if (!i)
        return NULL;
    if (extra)
        *extra = &r->out->tables[i - 1];
    return &r->out->db.tables[i - 1];
}

static int read_relations(reader *r)
{
    PGresult *res = run(r, relations_sql, true);
    if (!res)
        return -1;
    int n = PQntuples(res);
    catalog *c = r->out;
    c->db.tables = arena_alloc(r->a, ((size_t)n + 1) * sizeof *c->db.tables);
    c->db.ctables = (size_t)n + 1;
    c->tables = arena_alloc(r->a, ((size_t)n + 1) * sizeof *c->tables);
    for (int i = 0; i < n; i++) {
        char kind = PQgetvalue(res, i, 3)[0];
        const char *oid = cell(r, res, i, 0);
        if (kind == 'v' || kind == 'm') {
            catalog_view v = {.schema = ns_of(r, cell(r, res, i, 1)),
                              .name = cell(r, res, i, 2),
                              .definition = cell(r, res, i, 5),
                              .materialized = kind == 'm',
                              .comment = cell(r, res, i, 4)};
            ARENA_PUSH(r->a, c->views, c->nviews, c->cviews, v);
            strmap_put(&r->views, oid, (void *)(uintptr_t)c->nviews);
            continue;
        }
        db_table *t = &c->db.tables[c->db.ntables];
        t->schema = ns_of(r, cell(r, res, i, 1));
        t->name = cell(r, res, i, 2);
        c->tables[c->db.ntables].comment = cell(r, res, i, 4);
        c->tables[c->db.ntables].partitioned = kind == 'p';
        c->db.ntables++;
        strmap_put(&r->tables, oid, (void *)(uintptr_t)c->db.ntables);
    }
    PQclear(res);
    return 0;
}

/* The column's type in the model's spelling; `extra` says when unsupported. */
static void spell_column_type(reader *r, PGresult *res, int i, db_column *col,
                              catalog_column_extra *extra)
{
    const char *typname = PQgetvalue(res, i, 2);
    const char *typns = PQgetvalue(res, i, 3);
    char typtype = PQgetvalue(res, i, 4)[0];
    int typmod = atoi(PQgetvalue(res, i, 6));
    extra->raw_type = cell(r, res, i, 7);
    if (typtype == 'e') {
        col->enum_name = arena_strdup(r->a, typname);
        col->enum_schema = ns_of(r, arena_strdup(r->a, typns));
        buf b = BUF_INIT;
        sql_put_qualified(&b, col->enum_schema, col->enum_name);
        col->type = arena_strdup(r->a, buf_cstr(&b));
        buf_free(&b);
        return;
    }
    col->type = spell_builtin_type(r->a, typname, typmod);
    if (!col->type) {
        col->type = extra->raw_type;
        extra->unsupported = true;
    }
}

static int read_columns(reader *r)
{
    PGresult *res = run(r, columns_sql, true);
    if (!res)
        return -1;
    int n = PQntuples(res);
    catalog *c = r->out;
    for (int i = 0; i < n; i++) {
        catalog_table_extra *te = NULL;
        db_table *t = table_of(r, res, i, &te);
        catalog_view *v = NULL;
        if (!t) {
            size_t vi = (size_t)(uintptr_t)strmap_get(&r->views, PQgetvalue(res, i, 0));
            if (!vi)
                continue;
            v = &c->views[vi - 1];
        }
        db_column col = {.name = cell(r, res, i, 1)};
        catalog_column_extra extra = {0};
        spell_column_type(r, res, i, &col, &extra);
        col.list = cell_true(res, i, 5);
        col.not_null = cell_true(res, i, 8) && !col.list;
        extra.raw_default = cell(r, res, i, 9);
        extra.identity = PQgetvalue(res, i, 10)[0];
        if (PQgetvalue(res, i, 11)[0] == 's') {
            extra.generated = extra.raw_default;
        } else if (extra.identity ||
                   (extra.raw_default && !strncmp(extra.raw_default, "nextval(", 8))) {
            col.autoincrement = true;
        } else {
            col.default_sql = spell_default(r->a, extra.raw_default, col.type, col.list);
        }
        extra.comment = cell(r, res, i, 12);
        if (v) {
            ARENA_PUSH(r->a, v->columns, v->ncolumns, v->ccolumns, col);
            continue;
        }
        size_t cap = t->ccolumns;
        ARENA_PUSH(r->a, t->columns, t->ncolumns, t->ccolumns, col);
        if (cap != t->ccolumns)
            te->columns = arena_realloc(r->a, te->columns, cap * sizeof *te->columns,
                                        t->ccolumns * sizeof *te->columns);
        te->columns[t->ncolumns - 1] = extra;
    }
    PQclear(res);
    return 0;
}

/* The model's spelling of an index method; NULL for btree. */
static const char *method_of(reader *r, const char *amname)
{
    static const struct {
        const char *am, *sql;
    } methods[] = {{"hash", "HASH"}, {"gin", "GIN"}, {"gist", "GIST"}, {"brin", "BRIN"},
                   {"spgist", "SPGIST"}};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (!strcmp(amname, methods[i].am))
            return methods[i].sql;
    return strcmp(amname, "btree") ? arena_strdup(r->a, amname) : NULL;
}

static int read_indexes(reader *r)
{
    PGresult *res = run(r, indexes_sql, true);
    if (!res)
        return -1;
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        catalog_table_extra *te = NULL;
        db_table *t = table_of(r, res, i, &te);
        if (!t)
            continue;
        size_t ncols, nsorts, nops;
        const char **cols = split(r, cell(r, res, i, 6), &ncols);
        const char **sorts = split(r, cell(r, res, i, 7), &nsorts);
        const char **ops = split(r, cell(r, res, i, 8), &nops);
        if (cell_true(res, i, 3)) {
            t->pk.name = cell(r, res, i, 1);
            t->pk.columns = cols;
            t->pk.ncolumns = ncols;
            continue;
        }
        db_index x = {.name = cell(r, res, i, 1), .unique = cell_true(res, i, 2)};
        const char *am = PQgetvalue(res, i, 4);
        x.method = method_of(r, am);
        x.where_sql = cell(r, res, i, 5);
        x.ncolumns = ncols;
        x.columns = arena_alloc(r->a, (ncols + 1) * sizeof *x.columns);
        catalog_index_extra extra = {.constraint = !PQgetisnull(res, i, 9) &&
                                                   PQgetvalue(res, i, 9)[0] == 'u',
                                     .expression = cell_true(res, i, 10)};
        extra.default_opclass = arena_alloc(r->a, (ncols + 1) * sizeof(char *));
        for (size_t k = 0; k < ncols; k++) {
            x.columns[k].name = cols[k];
            x.columns[k].sort = k < nsorts && sorts[k][0] == '1' ? DB_SORT_DESC : DB_SORT_IMPLICIT;
            if (k < nops) {
                size_t len = strlen(ops[k]);
                if (len && ops[k][len - 1] == '+')
                    extra.default_opclass[k] = arena_strndup(r->a, ops[k], len - 1);
                else
                    x.columns[k].opclass = ops[k];
            }
            if (!*cols[k])
                extra.expression = true;
        }
        size_t cap = t->cindexes;
        ARENA_PUSH(r->a, t->indexes, t->nindexes, t->cindexes, x);
        if (cap != t->cindexes)
            te->indexes = arena_realloc(r->a, te->indexes, cap * sizeof *te->indexes,
                                        t->cindexes * sizeof *te->indexes);
        te->indexes[t->nindexes - 1] = extra;
    }
    PQclear(res);
    return 0;
}

static db_action action_of(char c)
{
    switch (c) {
    case 'r': return DB_ACTION_RESTRICT;
    case 'c': return DB_ACTION_CASCADE;
    case 'n': return DB_ACTION_SET_NULL;
    case 'd': return DB_ACTION_SET_DEFAULT;
    default: return DB_ACTION_NO_ACTION;
    }
}

static int read_foreign_keys(reader *r)
{
    PGresult *res = run(r, foreign_keys_sql, true);
    if (!res)
        return -1;
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        db_table *t = table_of(r, res, i, NULL);
        if (!t)
            continue;
        db_foreign_key f = {.name = cell(r, res, i, 1),
                            .ref_schema = ns_of(r, cell(r, res, i, 2)),
                            .ref_table = cell(r, res, i, 3),
                            .on_delete = action_of(PQgetvalue(res, i, 4)[0]),
                            .on_update = action_of(PQgetvalue(res, i, 5)[0])};
        f.columns = split(r, cell(r, res, i, 6), &f.ncolumns);
        f.ref_columns = split(r, cell(r, res, i, 7), &f.nref_columns);
        ARENA_PUSH(r->a, t->fks, t->nfks, t->cfks, f);
    }
    PQclear(res);
    return 0;
}

static int read_enums(reader *r)
{
    PGresult *res = run(r, enums_sql, true);
    if (!res)
        return -1;
    catalog *c = r->out;
    int n = PQntuples(res);
    size_t ccomments = 0;
    for (int i = 0; i < n; i++) {
        const char *ns = PQgetvalue(res, i, 0), *name = PQgetvalue(res, i, 1);
        db_enum *e = c->db.nenums ? &c->db.enums[c->db.nenums - 1] : NULL;
        if (!e || strcmp(e->name, name) || strcmp(e->schema ? e->schema : ns, ns)) {
            db_enum ne = {.schema = ns_of(r, cell(r, res, i, 0)), .name = cell(r, res, i, 1)};
            ne.prisma = ne.name;
            size_t cap = c->db.cenums;
            ARENA_PUSH(r->a, c->db.enums, c->db.nenums, c->db.cenums, ne);
            if (cap != c->db.cenums) {
                c->enum_comments = arena_realloc(r->a, c->enum_comments,
                                                 ccomments * sizeof(char *),
                                                 c->db.cenums * sizeof(char *));
                ccomments = c->db.cenums;
            }
            c->enum_comments[c->db.nenums - 1] = cell(r, res, i, 3);
            e = &c->db.enums[c->db.nenums - 1];
        }
        const char *label = cell(r, res, i, 2);
        db_enum_value v = {label, label};
        ARENA_PUSH(r->a, e->values, e->nvalues, e->cvalues, v);
    }
    PQclear(res);
    return 0;
}

static int read_extensions(reader *r)
{
    PGresult *res = run(r, extensions_sql, false);
    if (!res)
        return -1;
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        db_extension e = {cell(r, res, i, 0), cell(r, res, i, 1), cell(r, res, i, 2)};
        ARENA_PUSH(r->a, r->out->db.extensions, r->out->db.nextensions, r->out->db.cextensions, e);
    }
    PQclear(res);
    return 0;
}

static int read_sequences(reader *r)
{
    PGresult *res = run(r, sequences_sql, true);
    if (!res)
        return -1;
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        catalog_sequence s = {.schema = ns_of(r, cell(r, res, i, 0)),
                              .name = cell(r, res, i, 1),
                              .start = atoll(PQgetvalue(res, i, 2)),
                              .increment = atoll(PQgetvalue(res, i, 3)),
                              .min = atoll(PQgetvalue(res, i, 4)),
                              .max = atoll(PQgetvalue(res, i, 5)),
                              .cache = atoll(PQgetvalue(res, i, 6)),
                              .cycle = cell_true(res, i, 7),
                              .owner_table = cell(r, res, i, 8),
                              .owner_column = cell(r, res, i, 9)};
        ARENA_PUSH(r->a, r->out->sequences, r->out->nsequences, r->out->csequences, s);
    }
    PQclear(res);
    return 0;
}

/* {"a","b"}: the namespaces as one text[] parameter. */
static const char *array_literal(arena *a, const char *const *items, size_t n)
{
    buf b = BUF_INIT;
    buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_putc(&b, '"');
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '"');
    }
    buf_putc(&b, '}');
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

int catalog_read(PGconn *pg, const catalog_options *o, arena *a, catalog *out, buf *err)
{
    static const char *const public_only[] = {"public"};
    const char *const *ns = o && o->nnamespaces ? o->namespaces : public_only;
    size_t nns = o && o->nnamespaces ? o->nnamespaces : 1;
    memset(out, 0, sizeof *out);
    reader r = {.pg = pg, .a = a, .out = out, .err = err,
                .multi = (o && o->multi_schema) || nns > 1,
                .tables = STRMAP_IN(a), .views = STRMAP_IN(a)};
    r.namespaces_param = array_literal(a, ns, nns);
    /* In name order, as dbschema_from_model keeps a multiSchema list. */
    for (size_t i = 0; i < nns; i++) {
        const char *copy = arena_strdup(a, ns[i]); /* may outlive the caller's */
        ARENA_PUSH(a, out->db.namespaces, out->db.nnamespaces, out->db.cnamespaces, copy);
        for (size_t k = out->db.nnamespaces - 1;
             k > 0 && strcmp(out->db.namespaces[k - 1], out->db.namespaces[k]) > 0; k--) {
            const char *t = out->db.namespaces[k];
            out->db.namespaces[k] = out->db.namespaces[k - 1];
            out->db.namespaces[k - 1] = t;
        }
    }
    out->db.multi_schema = r.multi;
    bool lean = o && o->lean;
    const struct {
        const char *sql;
        bool with_namespaces;
    } queries[] = {{relations_sql, true}, {columns_sql, true},    {indexes_sql, true},
                   {foreign_keys_sql, true}, {enums_sql, true}, {extensions_sql, false},
                   {sequences_sql, true}};
    size_t nqueries = sizeof queries / sizeof *queries - (lean ? 1 : 0);
    PGresult *results[sizeof queries / sizeof *queries] = {0};
    /* All the queries go out at once (pipeline mode): the server runs them
     * back to back, with no round trip in between. */
    if (PQenterPipelineMode(pg)) {
        const char *params[1] = {r.namespaces_param};
        bool sent = true;
        for (size_t i = 0; i < nqueries && sent; i++)
            sent = PQsendQueryParams(pg, queries[i].sql, queries[i].with_namespaces ? 1 : 0, NULL,
                                     queries[i].with_namespaces ? params : NULL, NULL, NULL, 0);
        sent = sent && PQpipelineSync(pg);
        for (size_t i = 0; i < nqueries && sent; i++) {
            results[i] = PQgetResult(pg);
            /* Each query's results end with a NULL. */
            PGresult *extra;
            while ((extra = PQgetResult(pg)))
                PQclear(extra);
        }
        PGresult *res;
        while ((res = PQgetResult(pg))) {
            bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
            PQclear(res);
            if (sync)
                break;
        }
        PQexitPipelineMode(pg);
        if (!sent) {
            buf_printf(err, "reading the database schema failed: %s", PQerrorMessage(pg));
            for (size_t i = 0; i < nqueries; i++)
                PQclear(results[i]);
            return -1;
        }
        r.results = results;
        r.nresults = nqueries;
    }
    int rc = 0;
    if (read_relations(&r) || read_columns(&r) || read_indexes(&r) || read_foreign_keys(&r) ||
        read_enums(&r) || read_extensions(&r) || (!lean && read_sequences(&r)))
        rc = -1;
    for (size_t i = 0; i < r.nresults; i++)
        PQclear(results[i]);
    return rc;
}

void catalog_align(catalog *live, const db_schema *target)
{
    db_schema *s = &live->db;
    /* Extensions the model does not list are not its business. */
    size_t kept = 0;
    for (size_t i = 0; i < s->nextensions; i++) {
        bool listed = false;
        for (size_t j = 0; j < target->nextensions && !listed; j++)
            listed = !strcmp(target->extensions[j].name, s->extensions[i].name);
        if (listed)
            s->extensions[kept++] = s->extensions[i];
    }
    s->nextensions = kept;
    /* An operator class written out although it is the column's default. */
    for (size_t i = 0; i < s->ntables; i++) {
        db_table *t = &s->tables[i];
        const db_table *mt = db_find_table(target, t->schema, t->name);
        if (!mt)
            continue;
        for (size_t k = 0; k < t->nindexes; k++) {
            db_index *x = &t->indexes[k];
            const catalog_index_extra *e = &live->tables[i].indexes[k];
            for (size_t m = 0; m < mt->nindexes; m++) {
                const db_index *y = &mt->indexes[m];
                if (strcmp(y->name, x->name) || y->ncolumns != x->ncolumns)
                    continue;
                for (size_t c = 0; c < x->ncolumns; c++)
                    if (!x->columns[c].opclass && y->columns[c].opclass && e->default_opclass[c] &&
                        !strcmp(y->columns[c].opclass, e->default_opclass[c]))
                        x->columns[c].opclass = y->columns[c].opclass;
            }
        }
    }
}
