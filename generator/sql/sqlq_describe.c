/*
 * sqlq_describe.c — what PostgreSQL says about each typed query: it is
 * prepared (unnamed) on a database holding the schema, and
 * PQdescribePrepared gives the type of every parameter and result column.
 * Types become the C types the model client uses (sqlq_ctype); enums the
 * generated C enums, matched by the PostgreSQL type's name.
 *
 * Nullability of a result column: NOT NULL when it is a table column
 * (PQftable/PQftablecol) declared NOT NULL and its table is not on the
 * nullable side of an outer join; anything else (expressions, aggregates,
 * columns of a LEFT JOINed table) may be NULL. `-- @nonnull` and
 * `-- @nullable` override it.
 */
#include "sqlq_describe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../migrate/sqltok.h"
#include "sqlq_copy.h"

/* ---- types ----------------------------------------------------------------- */

typedef struct type_info {
    unsigned oid;
    sqlq_ctype ctype;
    bool list;
    bool binary;             /* its binary form decodes (else the query reads text) */
    unsigned elem;           /* arrays: the element's OID */
    const model_enum *en;
} type_info;

struct sqlq_types {
    type_info *items;
    size_t count, cap;
};

static bool builtin(unsigned oid, type_info *t)
{
    *t = (type_info){oid, SQLQ_TEXT, false, true, 0, NULL};
    switch (oid) {
    case 16: t->ctype = SQLQ_BOOL; return true;
    case 17: t->ctype = SQLQ_BYTES; return true;
    case 20: case 26: t->ctype = SQLQ_I64; return true;
    case 21: case 23: t->ctype = SQLQ_I32; return true;
    case 700: case 701: t->ctype = SQLQ_F64; return true;
    case 1700: t->ctype = SQLQ_DECIMAL; return true;
    case 114: case 3802: t->ctype = SQLQ_JSON; return true;
    case 1082: case 1083: case 1114: case 1184: t->ctype = SQLQ_TIMESTAMP; return true;
    case 18: case 19: case 25: case 705: case 1042: case 1043: case 2950: return true;
    default: return false;
    }
}

static PGresult *exec1(PGconn *db, const char *sql, const char *arg)
{
    const char *values[1] = {arg};
    return PQexecParams(db, sql, arg ? 1 : 0, NULL, arg ? values : NULL, NULL, NULL, 0);
}

static const model_enum *enum_named(const model_schema *m, const char *name, const char *nsp)
{
    for (size_t i = 0; i < m->nenums; i++) {
        const model_enum *e = &m->enums[i];
        if (!strcmp(e->db_name, name) && (!e->schema || !strcmp(e->schema, nsp)))
            return e;
    }
    return NULL;
}

/* What type `oid` is, asking the server about the ones not built in. */
static type_info type_of(PGconn *db, const model_schema *m, sqlq_types *cache, unsigned oid,
                         int depth)
{
    type_info t;
    if (builtin(oid, &t))
        return t;
    for (size_t i = 0; i < cache->count; i++)
        if (cache->items[i].oid == oid)
            return cache->items[i];
    t = (type_info){oid, SQLQ_TEXT, false, false, 0, NULL};
    char arg[16];
    snprintf(arg, sizeof arg, "%u", oid);
    PGresult *r = exec1(db,
                        "SELECT t.typtype, t.typname, n.nspname, t.typelem, t.typcategory, "
                        "t.typbasetype FROM pg_type t JOIN pg_namespace n ON n.oid = "
                        "t.typnamespace WHERE t.oid = $1::oid",
                        arg);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && depth < 4) {
        char typtype = PQgetvalue(r, 0, 0)[0], category = PQgetvalue(r, 0, 4)[0];
        unsigned elem = (unsigned)strtoul(PQgetvalue(r, 0, 3), NULL, 10);
        unsigned base = (unsigned)strtoul(PQgetvalue(r, 0, 5), NULL, 10);
        if (typtype == 'e') {
            t.en = enum_named(m, PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
            t.ctype = t.en ? SQLQ_ENUM : SQLQ_TEXT;
            t.binary = true; /* an enum's binary form is its label */
        } else if (typtype == 'd' && base) {
            t = type_of(db, m, cache, base, depth + 1);
            t.oid = oid;
        } else if (category == 'A' && elem) {
            type_info e = type_of(db, m, cache, elem, depth + 1);
            if (!e.list) {
                t.ctype = e.ctype;
                t.en = e.en;
                t.list = true;
                t.elem = elem;
            }
        }
    }
    PQclear(r);
    if (cache->count == cache->cap) {
        cache->cap = cache->cap ? cache->cap * 2 : 16;
        cache->items = realloc(cache->items, cache->cap * sizeof *cache->items);
        if (!cache->items)
            abort();
    }
    cache->items[cache->count++] = t;
    return t;
}

sqlq_types *sqlq_types_new(void)
{
    sqlq_types *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    return c;
}

void sqlq_types_free(sqlq_types *c)
{
    if (c)
        free(c->items);
    free(c);
}

/* The OID a parameter is declared with at run time: the one the value is
 * encoded for, or the server's own when that is stable across databases
 * (built in); 0 (infer again) for types of the schema, such as enums. */
static unsigned declared(const type_info *t)
{
    if (t->list)
        return t->oid < 10000 ? t->oid : 0;
    switch (t->ctype) {
    case SQLQ_I32: return 23;
    case SQLQ_I64: return 20;
    case SQLQ_F64: return 701;
    case SQLQ_BOOL: return 16;
    case SQLQ_BYTES: return 17;
    case SQLQ_TIMESTAMP: return t->oid;
    case SQLQ_ENUM: return 0;
    default: return t->oid < 10000 && t->oid != 705 ? t->oid : 0;
    }
}

/* ---- errors ------------------------------------------------------------------ */

/* The server's error for query q, at the place in its file it points to
 * (PG_DIAG_STATEMENT_POSITION counts characters from 1). */
static void server_error(const sqlq_query *q, const PGresult *r, PGconn *db)
{
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
    const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    size_t at = q->at;
    if (pos) {
        long chars = strtol(pos, NULL, 10);
        size_t i = 0;
        for (long c = 1; c < chars && q->sql[i]; c++) {
            i++;
            while (q->sql[i] && ((unsigned char)q->sql[i] & 0xC0) == 0x80)
                i++;
        }
        at = q->start + i;
    }
    char *m = strdup(msg ? msg : PQerrorMessage(db));
    if (!m)
        abort();
    size_t n = strlen(m);
    while (n && m[n - 1] == '\n')
        m[--n] = '\0';
    sqlq_error_at(q->file, at, "query %s does not prepare: %s", q->name, m);
    if (detail)
        fprintf(stderr, "  detail: %s\n", detail);
    if (hint)
        fprintf(stderr, "  hint: %s\n", hint);
    free(m);
}

/* ---- @param types -------------------------------------------------------------- */

/* "name", quotes doubled. */
static const char *quoted(const char *name, arena *a)
{
    buf b = {0};
    buf_putc(&b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(&b, '"');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '"');
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* The SQL type name of a Prisma type written in @param ("Int", "Status[]"). */
static char *sql_type_of(const model_schema *m, const char *prisma, arena *a)
{
    size_t n = strlen(prisma);
    bool list = n > 2 && !strcmp(prisma + n - 2, "[]");
    char *base = arena_strndup(a, prisma, list ? n - 2 : n);
    static const char *const map[][2] = {
        {"Int", "int4"}, {"BigInt", "int8"}, {"Float", "float8"}, {"Decimal", "numeric"},
        {"String", "text"}, {"Boolean", "bool"}, {"DateTime", "timestamp"},
        {"Json", "jsonb"}, {"Bytes", "bytea"}};
    const char *sql = NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(base, map[i][0]))
            sql = map[i][1];
    if (!sql) {
        const model_enum *e = model_find_enum(m, base);
        if (!e)
            return NULL;
        sql = quoted(e->db_name, a);
        if (e->schema)
            sql = arena_printf(a, "%s.%s", quoted(e->schema, a), sql);
    }
    return arena_printf(a, "%s%s", sql, list ? "[]" : "");
}

/* The OIDs to prepare q with: its @param types; false after an error. */
static bool param_types(PGconn *db, const model_schema *m, const sqlq_query *q, int nparams,
                        unsigned *types, arena *a)
{
    bool ok = true;
    for (size_t i = 0; i < q->nparam_notes; i++) {
        const sqlq_param_note *p = &q->param_notes[i];
        if (p->number > nparams) {
            sqlq_error_at(q->file, p->offset,
                          "@param names $%d, but query %s has %d parameter%s", p->number,
                          q->name, nparams, nparams == 1 ? "" : "s");
            ok = false;
            continue;
        }
        if (!p->type)
            continue;
        char *sql = sql_type_of(m, p->type, a);
        PGresult *r = sql ? exec1(db, "SELECT to_regtype($1)::oid", sql) : NULL;
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0)) {
            sqlq_error_at(q->file, p->type_offset,
                          "unknown type {%s}: use Int, BigInt, Float, Decimal, String, Boolean, "
                          "DateTime, Json, Bytes or an enum of the schema (T[] for lists)",
                          p->type);
            ok = false;
        } else {
            types[p->number - 1] = (unsigned)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
        }
        PQclear(r);
    }
    return ok;
}

/* ---- nullability ------------------------------------------------------------- */

typedef struct outer_side {
    bool all;                /* RIGHT / FULL JOIN, or a LEFT JOIN we cannot name */
    unsigned *tables;        /* tables LEFT JOINed */
    size_t n;
} outer_side;

/* "schema"."table" of the name at token i, as PostgreSQL folds it. */
static char *regclass_text(const sql_toks *t, size_t i, arena *a)
{
    buf b = {0};
    for (;;) {
        if (i >= t->count || (t->items[i].kind != TOK_WORD && t->items[i].kind != TOK_IDENT)) {
            buf_free(&b);
            return NULL;
        }
        buf_putc(&b, '"');
        for (const char *p = t->items[i].text; *p; p++) {
            char c = t->items[i].kind == TOK_WORD ? (char)tolower((unsigned char)*p) : *p;
            if (c == '"')
                buf_putc(&b, '"');
            buf_putc(&b, c);
        }
        buf_putc(&b, '"');
        if (!tok_punct(t, i + 1, '.'))
            break;
        buf_putc(&b, '.');
        i += 2;
    }
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static outer_side outer_joins(PGconn *db, const sqlq_query *q, arena *a)
{
    outer_side o = {0};
    sql_toks t;
    sql_tokenize(q->sql, 0, strlen(q->sql), a, &t);
    size_t cap = 0;
    for (size_t i = 0; i < t.count; i++) {
        bool left = tok_is(&t, i, "LEFT");
        if (!left && !tok_is(&t, i, "RIGHT") && !tok_is(&t, i, "FULL"))
            continue;
        size_t j = i + 1;
        if (tok_is(&t, j, "OUTER"))
            j++;
        if (!tok_is(&t, j, "JOIN"))
            continue;
        if (!left) {
            o.all = true;
            continue;
        }
        char *name = regclass_text(&t, j + 1, a);
        PGresult *r = name ? exec1(db, "SELECT to_regclass($1)::oid", name) : NULL;
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0))
            o.all = true; /* a subquery, a CTE, LATERAL: we cannot tell which columns */
        else
            ARENA_PUSH(a, o.tables, o.n, cap, (unsigned)strtoul(PQgetvalue(r, 0, 0), NULL, 10));
        PQclear(r);
    }
    return o;
}

static bool column_not_null(PGconn *db, const outer_side *o, unsigned table, int col)
{
    if (!table || col <= 0 || o->all)
        return false;
    for (size_t i = 0; i < o->n; i++)
        if (o->tables[i] == table)
            return false;
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT attnotnull FROM pg_attribute WHERE attrelid = %u AND attnum = %d", table,
             col);
    PGresult *r = PQexec(db, sql);
    bool nn = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
              PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return nn;
}

/* ---- one query ------------------------------------------------------------------ */

static const char *member_name(const char *name, arena *a)
{
    const char *c = model_c_snake(a, name);
    return model_c_reserved(c) ? arena_printf(a, "%s_", c) : c;
}

static bool valid_member(const char *c)
{
    if (!c || !*c || !(isalpha((unsigned char)c[0]) || c[0] == '_'))
        return false;
    for (; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            return false;
    return true;
}

static sqlq_value value_of(const type_info *t)
{
    return (sqlq_value){.ctype = t->ctype, .list = t->list, .oid = t->oid, .en = t->en,
                        .declare = declared(t)};
}

/* Prepares q and fills its parameters and columns; the number of problems. */
static int describe_one(PGconn *db, const model_schema *m, sqlq_types *types, sqlq_query *q,
                        arena *a)
{
    PGresult *r = PQprepare(db, "", q->sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        server_error(q, r, db);
        PQclear(r);
        return 1;
    }
    PQclear(r);
    PGresult *d = PQdescribePrepared(db, "");
    if (PQresultStatus(d) != PGRES_COMMAND_OK) {
        server_error(q, d, db);
        PQclear(d);
        return 1;
    }
    int nparams = PQnparams(d);
    bool typed = false;
    for (size_t i = 0; i < q->nparam_notes; i++)
        typed |= q->param_notes[i].type != NULL;
    unsigned *decl = arena_alloc(a, (size_t)(nparams ? nparams : 1) * sizeof *decl);
    if (!param_types(db, m, q, nparams, decl, a)) {
        PQclear(d);
        return 1;
    }
    if (typed) { /* again, with the types the annotations give */
        PQclear(d);
        r = PQprepare(db, "", q->sql, nparams, (const Oid *)decl);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            server_error(q, r, db);
            PQclear(r);
            return 1;
        }
        PQclear(r);
        d = PQdescribePrepared(db, "");
        if (PQresultStatus(d) != PGRES_COMMAND_OK) {
            server_error(q, d, db);
            PQclear(d);
            return 1;
        }
    }
    int errors = 0;
    q->nparams = (size_t)nparams;
    q->params = arena_alloc(a, (q->nparams ? q->nparams : 1) * sizeof *q->params);
    for (int i = 0; i < nparams; i++) {
        type_info t = type_of(db, m, types, PQparamtype(d, i), 0);
        sqlq_value v = value_of(&t);
        v.name = arena_printf(a, "p%d", i + 1);
        for (size_t k = 0; k < q->nparam_notes; k++)
            if (q->param_notes[k].number == i + 1) {
                if (q->param_notes[k].name)
                    v.name = q->param_notes[k].name;
                v.nullable = q->param_notes[k].nullable;
            }
        v.c_name = member_name(v.name, a);
        for (int k = 0; k < i; k++)
            if (!strcmp(q->params[k].c_name, v.c_name)) {
                sqlq_error_at(q->file, q->at, "query %s: two parameters are named %s", q->name,
                              v.c_name);
                errors++;
            }
        q->params[i] = v;
    }
    int ncols = PQnfields(d);
    q->ncols = (size_t)ncols;
    q->cols = arena_alloc(a, (q->ncols ? q->ncols : 1) * sizeof *q->cols);
    outer_side o = ncols ? outer_joins(db, q, a) : (outer_side){0};
    q->binary = true;
    for (int i = 0; i < ncols; i++) {
        type_info t = type_of(db, m, types, PQftype(d, i), 0);
        sqlq_value v = value_of(&t);
        v.name = arena_strdup(a, PQfname(d, i));
        v.nullable = !column_not_null(db, &o, PQftable(d, i), PQftablecol(d, i));
        q->binary &= t.binary && !t.list;
        v.c_name = member_name(v.name, a);
        if (!strcmp(v.name, "?column?") || !valid_member(v.c_name)) {
            sqlq_error_at(q->file, q->start,
                          "query %s: column %d (\"%s\") has no name C can use: name it with AS",
                          q->name, i + 1, v.name);
            errors++;
        }
        for (int k = 0; k < i; k++)
            if (!strcmp(q->cols[k].c_name, v.c_name)) {
                sqlq_error_at(q->file, q->start,
                              "query %s: columns %d and %d are both named %s: rename one "
                              "with AS", q->name, k + 1, i + 1, v.c_name);
                errors++;
            }
        q->cols[i] = v;
    }
    PQclear(d);
    for (size_t k = 0; k < q->nnull_notes; k++) {
        const sqlq_null_note *n = &q->null_notes[k];
        bool found = false;
        for (size_t i = 0; i < q->ncols; i++)
            if (!strcmp(q->cols[i].name, n->column)) {
                q->cols[i].nullable = n->nullable;
                found = true;
            }
        if (!found) {
            sqlq_error_at(q->file, n->offset, "query %s has no result column named %s",
                          q->name, n->column);
            errors++;
        }
    }
    if (!q->kind_given && !ncols)
        q->kind = SQLQ_EXECROWS;
    if (q->kind == SQLQ_COPYFROM) {
        size_t bad = 0;
        if (ncols || !nparams) {
            sqlq_error_at(q->file, q->at, "query %s is :copyfrom: it must be an INSERT of "
                          "parameters without RETURNING", q->name);
            errors++;
        } else if (!(q->copy = sqlq_copy_sql(q, a, &bad))) {
            sqlq_error_at(q->file, q->start + bad,
                          "query %s is :copyfrom: write it as INSERT INTO t (a, b) VALUES "
                          "($1, $2), one parameter per column, in order", q->name);
            errors++;
        }
    }
    if ((q->kind == SQLQ_ONE || q->kind == SQLQ_MANY) && !ncols) {
        sqlq_error_at(q->file, q->at,
                      "query %s is :%s but returns no columns: use :exec or :execrows "
                      "(or add RETURNING)", q->name, q->kind == SQLQ_ONE ? "one" : "many");
        errors++;
    }
    return errors;
}

int sqlq_describe(PGconn *db, const model_schema *m, sqlq_set *set, bool savepoints, arena *a)
{
    sqlq_types *types = sqlq_types_new();
    int errors = 0;
    for (size_t i = 0; i < set->count; i++) {
        if (savepoints)
            PQclear(PQexec(db, "SAVEPOINT refract_typed_sql"));
        int e = describe_one(db, m, types, &set->items[i], a);
        if (e && savepoints)
            PQclear(PQexec(db, "ROLLBACK TO SAVEPOINT refract_typed_sql"));
        errors += e;
    }
    sqlq_types_free(types);
    return errors;
}
