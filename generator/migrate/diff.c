/*
 * diff.c — two database-level schemas in, Prisma-ordered migration steps out.
 *
 * Objects are paired before anything is compared: tables, enums and columns
 * first by database name, then (for what is left) by Prisma name, which is
 * how a change of only @map/@@map becomes a rename. Indexes and foreign keys
 * are paired by definition (columns, target, options) once columns are
 * paired, so a change of only map: is a rename as well. Whatever stays
 * unpaired is created or dropped, and a dropped/created pair that looks
 * alike is reported as a probable rename in the notes, never renamed.
 *
 * Steps are then sorted by (kind, key1, key2, key3), mirroring the ordering
 * of Prisma Migrate's SqlMigrationStep so that the text comes out the same.
 */
#include "diff.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strmap.h"
#include "casts.h"
#include "sql.h"

typedef struct differ {
    arena *a;
    const db_schema *from, *to;
    migrate_steps *out;
    /* Pairings: index in `to` for each item of `from` (-1 = none) and back. */
    long *table_to, *table_from;
    long *enum_to, *enum_from;
    /* Tables and enums of each side by (namespace, name): lookups by a
     * reference's name stay O(1) on schemas of thousands of tables. */
    strmap from_tables, to_tables, from_enums, to_enums;
} differ;

static bool streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

/* NULL and "" are the default namespace. */
static bool same_ns(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && !strcmp(a, b);
}

static migrate_step *add_step(differ *d, migrate_step_kind kind, long k1, long k2, long k3)
{
    migrate_step s = {.kind = kind, .key1 = k1, .key2 = k2, .key3 = k3};
    ARENA_PUSH(d->a, d->out->items, d->out->count, d->out->cap, s);
    return &d->out->items[d->out->count - 1];
}

static void note(differ *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(differ *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    ARENA_PUSH(d->a, d->out->notes, d->out->nnotes, d->out->cnotes, s);
}

static bool is_unexecutable(migrate_risk r)
{
    return r == MIGRATE_RISK_REQUIRED_NO_DEFAULT || r == MIGRATE_RISK_MADE_REQUIRED;
}

/* Append a warning sentence to a step (steps may collect several). */
static void warn(differ *d, migrate_step *s, migrate_risk risk, const char *check_sql,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void warn(differ *d, migrate_step *s, migrate_risk risk, const char *check_sql,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *w = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    const char **list = is_unexecutable(risk) ? &s->unexecutable : &s->warning;
    *list = *list ? arena_printf(d->a, "%s\n%s", *list, w) : w;
    s->destructive = true;
    if (s->risk == MIGRATE_RISK_NONE)
        s->risk = risk;
    if (check_sql)
        s->check_sql = s->check_sql
                           ? arena_printf(d->a, "SELECT (%s) OR (%s)", s->check_sql, check_sql)
                           : check_sql;
}

/* ---- SQL for the data checks --------------------------------------------------- */

static const char *qualified(differ *d, const db_table *t)
{
    buf b = BUF_INIT;
    sql_put_qualified(&b, t->schema, t->name);
    const char *s = arena_strdup(d->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *ident(differ *d, const char *name)
{
    buf b = BUF_INIT;
    sql_put_ident(&b, name);
    const char *s = arena_strdup(d->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *check_rows(differ *d, const db_table *t)
{
    return arena_printf(d->a, "SELECT EXISTS (SELECT 1 FROM %s)", qualified(d, t));
}

static const char *check_values(differ *d, const db_table *t, const char *col, bool nulls)
{
    return arena_printf(d->a, "SELECT EXISTS (SELECT 1 FROM %s WHERE %s IS %sNULL)",
                        qualified(d, t), ident(d, col), nulls ? "" : "NOT ");
}

/* ---- pairing ------------------------------------------------------------------------ */

/* The items of `from` by (namespace, name), each key leading a chain of
 * indexes in order, so that pairing looks only at items with the same name
 * instead of comparing every pair. A NULL name is a key of its own (streq
 * treats two NULLs as equal). */
typedef struct name_chains {
    strmap heads; /* key → first index + 1 */
    size_t *next; /* per index: the next one with the same key, + 1 */
} name_chains;

static const char *ns_key(differ *d, const char *ns, const char *name)
{
    return arena_printf(d->a, "%s\x1f%s%s", ns ? ns : "", name ? "=" : "", name ? name : "");
}

static void chains_init(differ *d, name_chains *c, size_t n)
{
    c->heads = (strmap)STRMAP_IN(d->a);
    c->next = arena_alloc(d->a, (n + 1) * sizeof *c->next);
}

/* Appends index i under key; items must be added in increasing order. */
static void chains_add(name_chains *c, strmap *tails, const char *key, size_t i)
{
    void **tail = strmap_ref(tails, key);
    if (*tail)
        c->next[(size_t)(uintptr_t)*tail - 1] = i + 1;
    else
        *strmap_ref(&c->heads, key) = (void *)(uintptr_t)(i + 1);
    *tail = (void *)(uintptr_t)(i + 1);
}

/* The first index under key whose pairing is still free (-1 when none). */
static long chains_first_free(const name_chains *c, const char *key, const long *paired)
{
    for (size_t i1 = (size_t)(uintptr_t)strmap_get(&c->heads, key); i1; i1 = c->next[i1 - 1])
        if (paired[i1 - 1] < 0)
            return (long)(i1 - 1);
    return -1;
}

static void index_names(differ *d)
{
    d->from_tables = d->to_tables = d->from_enums = d->to_enums = (strmap)STRMAP_IN(d->a);
    const db_schema *sides[2] = {d->from, d->to};
    strmap *tables[2] = {&d->from_tables, &d->to_tables};
    strmap *enums[2] = {&d->from_enums, &d->to_enums};
    for (int k = 0; k < 2; k++) {
        /* The first of equal names wins, as a linear search would find it. */
        for (size_t i = 0; i < sides[k]->ntables; i++)
            strmap_put(tables[k], ns_key(d, sides[k]->tables[i].schema, sides[k]->tables[i].name),
                       (void *)&sides[k]->tables[i]);
        for (size_t i = 0; i < sides[k]->nenums; i++)
            strmap_put(enums[k], ns_key(d, sides[k]->enums[i].schema, sides[k]->enums[i].name),
                       (void *)&sides[k]->enums[i]);
    }
}

static const db_table *find_table(differ *d, bool from, const char *schema, const char *name)
{
    return strmap_get(from ? &d->from_tables : &d->to_tables, ns_key(d, schema, name));
}

static const db_enum *find_enum(differ *d, bool from, const char *schema, const char *name)
{
    return strmap_get(from ? &d->from_enums : &d->to_enums, ns_key(d, schema, name));
}

static void pair_tables(differ *d)
{
    const db_schema *f = d->from, *t = d->to;
    d->table_to = arena_alloc(d->a, (f->ntables + 1) * sizeof(long));
    d->table_from = arena_alloc(d->a, (t->ntables + 1) * sizeof(long));
    for (size_t i = 0; i < f->ntables; i++)
        d->table_to[i] = -1;
    for (size_t j = 0; j < t->ntables; j++)
        d->table_from[j] = -1;
    /* Same table name; then the same model with another @@map: a rename. */
    for (int pass = 0; pass < 2; pass++) {
        name_chains c;
        strmap tails = STRMAP_IN(d->a);
        chains_init(d, &c, f->ntables);
        for (size_t i = 0; i < f->ntables; i++)
            chains_add(&c, &tails,
                       ns_key(d, f->tables[i].schema, pass ? f->tables[i].model : f->tables[i].name), i);
        for (size_t j = 0; j < t->ntables; j++) {
            if (d->table_from[j] >= 0 || (pass && !t->tables[j].model))
                continue;
            long i = chains_first_free(
                &c, ns_key(d, t->tables[j].schema, pass ? t->tables[j].model : t->tables[j].name),
                d->table_to);
            if (i >= 0) {
                d->table_to[i] = (long)j;
                d->table_from[j] = i;
            }
        }
    }
}

static void pair_enums(differ *d)
{
    const db_schema *f = d->from, *t = d->to;
    d->enum_to = arena_alloc(d->a, (f->nenums + 1) * sizeof(long));
    d->enum_from = arena_alloc(d->a, (t->nenums + 1) * sizeof(long));
    for (size_t i = 0; i < f->nenums; i++)
        d->enum_to[i] = -1;
    for (size_t j = 0; j < t->nenums; j++)
        d->enum_from[j] = -1;
    /* Same type name; then the same Prisma enum with another @@map. */
    for (int pass = 0; pass < 2; pass++) {
        name_chains c;
        strmap tails = STRMAP_IN(d->a);
        chains_init(d, &c, f->nenums);
        for (size_t i = 0; i < f->nenums; i++)
            chains_add(&c, &tails,
                       ns_key(d, f->enums[i].schema, pass ? f->enums[i].prisma : f->enums[i].name), i);
        for (size_t j = 0; j < t->nenums; j++) {
            if (d->enum_from[j] >= 0)
                continue;
            long i = chains_first_free(
                &c, ns_key(d, t->enums[j].schema, pass ? t->enums[j].prisma : t->enums[j].name),
                d->enum_to);
            if (i >= 0) {
                d->enum_to[i] = (long)j;
                d->enum_from[j] = i;
            }
        }
    }
}

/* The new name of an old table (NULL when dropped). */
static const db_table *new_of_table(differ *d, const db_table *ot)
{
    long i = ot - d->from->tables;
    return d->table_to[i] >= 0 ? &d->to->tables[d->table_to[i]] : NULL;
}

static const db_table *old_of_table(differ *d, const db_table *nt)
{
    long j = nt - d->to->tables;
    return d->table_from[j] >= 0 ? &d->from->tables[d->table_from[j]] : NULL;
}

/* Column pairing inside a pair of tables. */
typedef struct column_map {
    long *to;   /* per old column: index of the new one, -1 */
    long *from; /* per new column */
} column_map;

static column_map pair_columns(differ *d, const db_table *ot, const db_table *nt)
{
    column_map m;
    m.to = arena_alloc(d->a, (ot->ncolumns + 1) * sizeof(long));
    m.from = arena_alloc(d->a, (nt->ncolumns + 1) * sizeof(long));
    for (size_t i = 0; i < ot->ncolumns; i++)
        m.to[i] = -1;
    for (size_t j = 0; j < nt->ncolumns; j++)
        m.from[j] = -1;
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < nt->ncolumns; j++) {
            if (m.from[j] >= 0)
                continue;
            if (pass == 1 && !nt->columns[j].field)
                continue;
            for (size_t i = 0; i < ot->ncolumns; i++) {
                if (m.to[i] >= 0)
                    continue;
                bool match = pass == 0 ? streq(ot->columns[i].name, nt->columns[j].name)
                                       : streq(ot->columns[i].field, nt->columns[j].field);
                if (match) {
                    m.to[i] = (long)j;
                    m.from[j] = (long)i;
                    break;
                }
            }
        }
    return m;
}

/* The new name of an old column of `ot` (NULL when dropped). */
static const char *renamed_column(const db_table *ot, const db_table *nt, const column_map *m,
                                  const char *old_name)
{
    for (size_t i = 0; i < ot->ncolumns; i++)
        if (!strcmp(ot->columns[i].name, old_name))
            return m->to[i] >= 0 ? nt->columns[m->to[i]].name : NULL;
    return NULL;
}

/* ---- types ------------------------------------------------------------------------------ */

/* classify_cast, knowing that an enum renamed by @@map is the same type. */
static migrate_type_cast column_cast(differ *d, const db_column *o, const db_column *n)
{
    if (o->enum_name && n->enum_name && o->list == n->list) {
        const db_enum *oe = find_enum(d, true, o->enum_schema, o->enum_name);
        const db_enum *ne = find_enum(d, false, n->enum_schema, n->enum_name);
        if (oe && ne && d->enum_to[oe - d->from->enums] == ne - d->to->enums)
            return MIGRATE_CAST_NONE;
    }
    return migrate_classify_cast(o, n);
}

/* ---- enums ------------------------------------------------------------------------------ */

static bool column_uses_enum(const db_column *c, const db_enum *e)
{
    return c->enum_name && !strcmp(c->enum_name, e->name) && same_ns(c->enum_schema, e->schema);
}

static void diff_enums(differ *d)
{
    const db_schema *f = d->from, *t = d->to;
    for (size_t j = 0; j < t->nenums; j++)
        if (d->enum_from[j] < 0) {
            migrate_step *s = add_step(d, MIGRATE_CREATE_ENUM, (long)j, 0, 0);
            s->new_enum = &t->enums[j];
        }
    for (size_t i = 0; i < f->nenums; i++) {
        const db_enum *oe = &f->enums[i];
        if (d->enum_to[i] < 0) {
            migrate_step *s = add_step(d, MIGRATE_DROP_ENUM, (long)i, 0, 0);
            s->old_enum = oe;
            continue;
        }
        const db_enum *ne = &t->enums[d->enum_to[i]];
        if (!streq(oe->name, ne->name)) {
            migrate_step *s = add_step(d, MIGRATE_RENAME_ENUM, (long)i, 0, 0);
            s->old_enum = oe;
            s->new_enum = ne;
        }
        /* Values: by label, then by Prisma name (a changed @map renames). */
        migrate_step s = {.kind = MIGRATE_ALTER_ENUM, .key1 = (long)i, .old_enum = oe, .new_enum = ne};
        bool renamed = false;
        for (size_t k = 0; k < ne->nvalues; k++) {
            bool found = false;
            for (size_t m = 0; m < oe->nvalues && !found; m++)
                found = streq(oe->values[m].name, ne->values[k].name);
            for (size_t m = 0; m < oe->nvalues && !found; m++)
                if (streq(oe->values[m].prisma, ne->values[k].prisma)) {
                    /* Renamed, unless the old label is still in use by another value. */
                    bool kept = false;
                    for (size_t q = 0; q < ne->nvalues; q++)
                        kept |= streq(ne->values[q].name, oe->values[m].name);
                    if (!kept)
                        found = renamed = true;
                }
            if (!found)
                ARENA_PUSH(d->a, s.added_values, s.nadded, s.cadded, ne->values[k].name);
        }
        for (size_t m = 0; m < oe->nvalues; m++) {
            bool found = false;
            for (size_t k = 0; k < ne->nvalues && !found; k++)
                found = streq(oe->values[m].name, ne->values[k].name);
            for (size_t k = 0; k < ne->nvalues && !found && renamed; k++) {
                bool label_kept = false;
                for (size_t q = 0; q < ne->nvalues; q++)
                    label_kept |= streq(ne->values[q].name, oe->values[m].name);
                found = !label_kept && streq(oe->values[m].prisma, ne->values[k].prisma);
            }
            if (!found)
                ARENA_PUSH(d->a, s.removed_values, s.nremoved, s.cremoved, oe->values[m].name);
        }
        if (!s.nadded && !s.nremoved && !renamed)
            continue;
        if (s.nremoved) {
            buf list = BUF_INIT;
            buf check = BUF_INIT;
            for (size_t m = 0; m < s.nremoved; m++) {
                buf_printf(&list, "%s%s", m ? "," : "", s.removed_values[m]);
            }
            for (size_t ti = 0; ti < f->ntables; ti++) {
                const db_table *ot = &f->tables[ti];
                const db_table *nt = new_of_table(d, ot);
                column_map cm = {0};
                if (nt)
                    cm = pair_columns(d, ot, nt);
                for (size_t ci = 0; ci < ot->ncolumns; ci++) {
                    const db_column *oc = &ot->columns[ci];
                    if (!column_uses_enum(oc, oe))
                        continue;
                    buf_printf(&check, "%sSELECT 1 FROM %s WHERE %s", check.len ? " UNION ALL " : "",
                               qualified(d, ot), ident(d, oc->name));
                    buf_puts(&check, oc->list ? "::text[] && ARRAY[" : "::text IN (");
                    for (size_t m = 0; m < s.nremoved; m++) {
                        if (m)
                            buf_puts(&check, ", ");
                        sql_put_literal(&check, s.removed_values[m]);
                    }
                    buf_puts(&check, oc->list ? "]::text[]" : ")");
                    /* Every old column of the type takes part: those that stay
                     * are cast to the new type, the others (dropped, recreated,
                     * in a dropped table) to text, or the old type could not
                     * be dropped. */
                    const db_column *nc = nt && cm.to[ci] >= 0 ? &nt->columns[cm.to[ci]] : NULL;
                    if (nc && (!column_uses_enum(nc, ne) || nc->list != oc->list))
                        nc = NULL;
                    migrate_enum_use u = {ot, oc, nc};
                    ARENA_PUSH(d->a, s.uses, s.nuses, s.cuses, u);
                }
            }
            const char *check_sql =
                check.len ? arena_printf(d->a, "SELECT EXISTS (%s)", buf_cstr(&check)) : NULL;
            migrate_step *ps = add_step(d, MIGRATE_ALTER_ENUM, (long)i, 0, 0);
            *ps = s;
            warn(d, ps, MIGRATE_RISK_ENUM_VALUES_REMOVED, check_sql,
                 "The values [%s] on the enum `%s` will be removed. If these variants are still "
                 "used in the database, this will fail.",
                 buf_cstr(&list), ne->name);
            buf_free(&list);
            buf_free(&check);
        } else {
            migrate_step *ps = add_step(d, MIGRATE_ALTER_ENUM, (long)i, 0, 0);
            *ps = s;
        }
    }
}

/* ---- tables ------------------------------------------------------------------------------ */

/* An explicit ASC builds the same index as no sort at all: Prisma's differ
 * sees no change between them. */
static bool descending(db_sort s)
{
    return s == DB_SORT_DESC;
}

/* Whether old index `oi` (on ot) and new index `ni` (on nt) define the same
 * thing once old column names are mapped to new ones. */
static bool same_index(const db_table *ot, const db_table *nt, const column_map *m,
                       const db_index *oi, const db_index *ni, const bool *recreated)
{
    if (oi->unique != ni->unique || !streq(oi->method, ni->method) ||
        oi->ncolumns != ni->ncolumns || !streq(oi->where_sql, ni->where_sql))
        return false;
    for (size_t k = 0; k < oi->ncolumns; k++) {
        const char *nn = renamed_column(ot, nt, m, oi->columns[k].name);
        if (!nn || strcmp(nn, ni->columns[k].name) ||
            descending(oi->columns[k].sort) != descending(ni->columns[k].sort) ||
            !streq(oi->columns[k].opclass, ni->columns[k].opclass))
            return false;
        for (size_t c = 0; c < nt->ncolumns; c++)
            if (recreated[c] && !strcmp(nt->columns[c].name, nn))
                return false;
    }
    return true;
}

/* Per-table information the FK pass needs after the column pass. */
typedef struct table_pair {
    column_map map;
    bool *recreated;     /* per new column: dropped and re-added */
    bool *type_changed;  /* per new column */
} table_pair;

/* Indexes of the columns without a partner (pair[i] < 0), by name. */
static size_t sorted_unpaired(const db_column *cols, size_t n, const long *pair, size_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (pair[i] >= 0)
            continue;
        size_t at = k++;
        while (at > 0 && strcmp(cols[out[at - 1]].name, cols[i].name) > 0) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = i;
    }
    return k;
}

static void diff_columns(differ *d, size_t oi_, const db_table *ot, const db_table *nt,
                         table_pair *tp)
{
    column_map *m = &tp->map;
    migrate_step s = {.kind = MIGRATE_ALTER_TABLE, .key1 = (long)oi_, .old_table = ot,
                      .new_table = nt};
    migrate_step *ws = &s; /* warnings collect on the local copy */
    const char *tname = nt->name;
    tp->recreated = arena_alloc(d->a, (nt->ncolumns + 1) * sizeof(bool));
    tp->type_changed = arena_alloc(d->a, (nt->ncolumns + 1) * sizeof(bool));

    /* Primary key: changed columns, or only its name. */
    bool pk_same_cols = ot->pk.name && nt->pk.name && ot->pk.ncolumns == nt->pk.ncolumns;
    for (size_t k = 0; pk_same_cols && k < ot->pk.ncolumns; k++) {
        const char *nn = renamed_column(ot, nt, m, ot->pk.columns[k]);
        pk_same_cols = nn && !strcmp(nn, nt->pk.columns[k]);
    }
    bool pk_changed = !pk_same_cols && (ot->pk.name || nt->pk.name);

    /* Column classification first: a recreated pk column changes the pk. */
    for (size_t j = 0; j < nt->ncolumns; j++) {
        long i = m->from[j];
        if (i < 0)
            continue;
        migrate_type_cast cast = column_cast(d, &ot->columns[i], &nt->columns[j]);
        tp->type_changed[j] = cast != MIGRATE_CAST_NONE;
        tp->recreated[j] = cast == MIGRATE_CAST_NEVER;
        if (tp->recreated[j])
            for (size_t k = 0; k < nt->pk.ncolumns; k++)
                if (!strcmp(nt->pk.columns[k], nt->columns[j].name))
                    pk_changed = true;
    }

    if (pk_changed && ot->pk.name) {
        migrate_column_change c = {.kind = MIGRATE_DROP_PRIMARY_KEY};
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
        if (nt->pk.name)
            warn(d, ws, MIGRATE_RISK_PRIMARY_KEY_CHANGED, NULL,
                 "The primary key for the `%s` table will be changed. If it partially fails, the "
                 "table could be left without primary key constraint.",
                 tname);
    }
    for (size_t j = 0; j < nt->ncolumns; j++) {
        long i = m->from[j];
        /* A recreated column is dropped under its old name: no rename. */
        if (i >= 0 && strcmp(ot->columns[i].name, nt->columns[j].name) && !tp->recreated[j]) {
            migrate_column_change c = {.kind = MIGRATE_RENAME_COLUMN, .old = &ot->columns[i],
                                       .new = &nt->columns[j]};
            ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
        }
    }
    /* Prisma drops and adds columns in name order, and alters them in the
     * old table's order. */
    size_t *by_name = arena_alloc(d->a, (ot->ncolumns + nt->ncolumns + 1) * sizeof *by_name);
    size_t nby = sorted_unpaired(ot->columns, ot->ncolumns, m->to, by_name);
    for (size_t k = 0; k < nby; k++) {
        size_t i = by_name[k];
        const db_column *oc = &ot->columns[i];
        migrate_column_change c = {.kind = MIGRATE_DROP_COLUMN, .old = oc,
                                   .risk = MIGRATE_RISK_DROP_COLUMN};
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
        warn(d, ws, MIGRATE_RISK_DROP_COLUMN, check_values(d, ot, oc->name, false),
             "You are about to drop the column `%s` on the `%s` table. All the data in the column "
             "will be lost.",
             oc->name, ot->name);
    }
    nby = sorted_unpaired(nt->columns, nt->ncolumns, m->from, by_name);
    for (size_t k = 0; k < nby; k++) {
        const db_column *nc = &nt->columns[by_name[k]];
        migrate_column_change c = {.kind = MIGRATE_ADD_COLUMN, .new = nc};
        if (nc->not_null && !nc->default_sql && !nc->autoincrement) {
            c.risk = MIGRATE_RISK_REQUIRED_NO_DEFAULT;
            warn(d, ws, MIGRATE_RISK_REQUIRED_NO_DEFAULT, check_rows(d, ot),
                 "Added the required column `%s` to the `%s` table without a default value. This "
                 "is not possible if the table is not empty.",
                 nc->name, tname);
        }
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
    }
    for (size_t i = 0; i < ot->ncolumns; i++) {
        long j = m->to[i];
        if (j < 0)
            continue;
        const db_column *oc = &ot->columns[i], *nc = &nt->columns[j];
        migrate_type_cast cast = column_cast(d, oc, nc);
        if (cast == MIGRATE_CAST_NEVER) {
            migrate_column_change c = {.kind = MIGRATE_RECREATE_COLUMN, .old = oc, .new = nc,
                                       .cast = cast, .type_changed = true,
                                       .risk = MIGRATE_RISK_RECREATE_COLUMN};
            ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
            if (nc->not_null && !nc->default_sql && !nc->autoincrement)
                warn(d, ws, MIGRATE_RISK_REQUIRED_NO_DEFAULT, check_rows(d, ot),
                     "Changed the type of `%s` on the `%s` table. No cast exists, the column "
                     "would be dropped and recreated, which cannot be done if there is data, "
                     "since the column is required.",
                     nc->name, tname);
            else
                warn(d, ws, MIGRATE_RISK_RECREATE_COLUMN, check_values(d, ot, oc->name, false),
                     "The `%s` column on the `%s` table would be dropped and recreated. This "
                     "will lead to data loss if there is data in the column.",
                     nc->name, tname);
            continue;
        }
        migrate_column_change c = {.kind = MIGRATE_ALTER_COLUMN, .old = oc, .new = nc, .cast = cast};
        c.type_changed = cast != MIGRATE_CAST_NONE;
        c.nullability_changed = oc->not_null != nc->not_null;
        c.default_changed = oc->autoincrement != nc->autoincrement ||
                            (!nc->autoincrement && !streq(oc->default_sql, nc->default_sql));
        if (!c.type_changed && !c.nullability_changed && !c.default_changed)
            continue;
        if (cast == MIGRATE_CAST_RISKY) {
            c.risk = MIGRATE_RISK_NARROWING_CAST;
            warn(d, ws, MIGRATE_RISK_NARROWING_CAST, check_values(d, ot, oc->name, false),
                 "You are about to alter the column `%s` on the `%s` table. The data in that "
                 "column could be lost. The data in that column will be cast from `%s` to `%s`.",
                 nc->name, tname, migrate_prisma_type_name(d->a, oc), migrate_prisma_type_name(d->a, nc));
        }
        if (c.nullability_changed && nc->not_null) {
            if (!c.risk)
                c.risk = MIGRATE_RISK_MADE_REQUIRED;
            warn(d, ws, MIGRATE_RISK_MADE_REQUIRED, check_values(d, ot, oc->name, true),
                 "Made the column `%s` on table `%s` required. This step will fail if there are "
                 "existing NULL values in that column.",
                 nc->name, tname);
        }
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
    }
    if (pk_changed && nt->pk.name) {
        migrate_column_change c = {.kind = MIGRATE_ADD_PRIMARY_KEY};
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
    } else if (pk_same_cols && !streq(ot->pk.name, nt->pk.name)) {
        migrate_column_change c = {.kind = MIGRATE_RENAME_PRIMARY_KEY};
        ARENA_PUSH(d->a, s.changes, s.nchanges, s.cchanges, c);
    }
    if (s.nchanges) {
        migrate_step *ps = add_step(d, MIGRATE_ALTER_TABLE, (long)oi_, 0, 0);
        *ps = s;
    }

    /* SERIAL sequences follow their table and column names. */
    for (size_t j = 0; j < nt->ncolumns; j++) {
        long i = m->from[j];
        if (i < 0 || !ot->columns[i].autoincrement || !nt->columns[j].autoincrement ||
            tp->recreated[j])
            continue;
        const char *on = arena_printf(d->a, "%s_%s_seq", ot->name, ot->columns[i].name);
        const char *nn = arena_printf(d->a, "%s_%s_seq", nt->name, nt->columns[j].name);
        if (!strcmp(on, nn) || strlen(on) > 63 || strlen(nn) > 63)
            continue;
        migrate_step *ps = add_step(d, MIGRATE_RENAME_SEQUENCE, (long)(nt - d->to->tables), (long)j, 0);
        ps->old_table = ot;
        ps->new_table = nt;
        ps->old_name = on;
        ps->new_name = nn;
    }

    /* Probable renames: a dropped and an added column alike in all but name. */
    for (size_t i = 0; i < ot->ncolumns; i++) {
        if (m->to[i] >= 0)
            continue;
        const db_column *oc = &ot->columns[i];
        for (size_t j = 0; j < nt->ncolumns; j++) {
            const db_column *nc = &nt->columns[j];
            if (m->from[j] >= 0 || !streq(oc->type, nc->type) || oc->list != nc->list ||
                oc->not_null != nc->not_null || !streq(oc->default_sql, nc->default_sql))
                continue;
            note(d,
                 "The column `%s` of table `%s` looks renamed to `%s`: this migration drops it and "
                 "adds `%s`, losing its data. To keep the data, keep the field's database name: "
                 "add @map(\"%s\") to the field `%s` (or write `ALTER TABLE %s RENAME COLUMN %s TO "
                 "%s;` in the migration instead).",
                 oc->name, nt->name, nc->name, nc->name, oc->name, nc->field ? nc->field : nc->name,
                 qualified(d, nt), ident(d, oc->name), ident(d, nc->name));
            break;
        }
    }
}

/* PostgreSQL drops an index with its column: Prisma writes no DROP INDEX
 * for an index on a column that is dropped and recreated. */
static bool on_recreated_column(const db_table *ot, const db_table *nt, const table_pair *tp,
                                const db_index *ix)
{
    for (size_t k = 0; k < ix->ncolumns; k++) {
        const char *nn = renamed_column(ot, nt, &tp->map, ix->columns[k].name);
        for (size_t c = 0; nn && c < nt->ncolumns; c++)
            if (tp->recreated[c] && !strcmp(nt->columns[c].name, nn))
                return true;
    }
    return false;
}

static bool same_fk(differ *d, const db_table *ot, const db_table *nt, const table_pair *tp,
                    const db_foreign_key *of, const db_foreign_key *nf, const table_pair *pairs)
{
    if (of->ncolumns != nf->ncolumns || of->nref_columns != nf->nref_columns ||
        of->on_delete != nf->on_delete || of->on_update != nf->on_update)
        return false;
    for (size_t k = 0; k < of->ncolumns; k++) {
        const char *nn = renamed_column(ot, nt, &tp->map, of->columns[k]);
        if (!nn || strcmp(nn, nf->columns[k]))
            return false;
        for (size_t c = 0; c < nt->ncolumns; c++)
            if (!strcmp(nt->columns[c].name, nn) && tp->type_changed[c])
                return false;
    }
    const db_table *ort = find_table(d, true, of->ref_schema, of->ref_table);
    const db_table *nrt = find_table(d, false, nf->ref_schema, nf->ref_table);
    if (!ort || !nrt || new_of_table(d, ort) != nrt)
        return false;
    const table_pair *rp = &pairs[nrt - d->to->tables];
    for (size_t k = 0; k < of->nref_columns; k++) {
        const char *nn = renamed_column(ort, nrt, &rp->map, of->ref_columns[k]);
        if (!nn || strcmp(nn, nf->ref_columns[k]))
            return false;
        for (size_t c = 0; c < nrt->ncolumns; c++)
            if (!strcmp(nrt->columns[c].name, nn) && rp->type_changed[c])
                return false;
    }
    return true;
}

static void diff_tables(differ *d)
{
    const db_schema *f = d->from, *t = d->to;
    table_pair *pairs = arena_alloc(d->a, (t->ntables + 1) * sizeof *pairs);

    for (size_t j = 0; j < t->ntables; j++) {
        const db_table *nt = &t->tables[j];
        const db_table *ot = old_of_table(d, nt);
        if (!ot) {
            migrate_step *s = add_step(d, MIGRATE_CREATE_TABLE, (long)j, 0, 0);
            s->new_table = nt;
            for (size_t k = 0; k < nt->nindexes; k++) {
                s = add_step(d, MIGRATE_CREATE_INDEX, 0, (long)j, (long)k);
                s->new_table = nt;
                s->new_index = &nt->indexes[k];
            }
            for (size_t k = 0; k < nt->nfks; k++) {
                s = add_step(d, MIGRATE_ADD_FOREIGN_KEY, (long)j, (long)k, 0);
                s->new_table = nt;
                s->new_fk = &nt->fks[k];
            }
            continue;
        }
        pairs[j].map = pair_columns(d, ot, nt);
        size_t oi = (size_t)(ot - f->tables);
        if (strcmp(ot->name, nt->name)) {
            migrate_step *s = add_step(d, MIGRATE_RENAME_TABLE, (long)oi, 0, 0);
            s->old_table = ot;
            s->new_table = nt;
        }
        diff_columns(d, oi, ot, nt, &pairs[j]);
    }

    for (size_t i = 0; i < f->ntables; i++) {
        const db_table *ot = &f->tables[i];
        if (d->table_to[i] >= 0)
            continue;
        migrate_step *s = add_step(d, MIGRATE_DROP_TABLE, (long)i, 0, 0);
        s->old_table = ot;
        warn(d, s, MIGRATE_RISK_DROP_TABLE, check_rows(d, ot),
             "You are about to drop the `%s` table. If the table is not empty, all the data it "
             "contains will be lost.",
             ot->name);
        for (size_t k = 0; k < ot->nfks; k++) {
            s = add_step(d, MIGRATE_DROP_FOREIGN_KEY, (long)i, (long)k, 0);
            s->old_table = ot;
            s->old_fk = &ot->fks[k];
        }
        /* Probable rename: a created table with the same columns. */
        for (size_t j = 0; j < t->ntables; j++) {
            const db_table *nt = &t->tables[j];
            if (d->table_from[j] >= 0 || nt->ncolumns != ot->ncolumns || !nt->model || !ot->model)
                continue;
            bool alike = true;
            for (size_t c = 0; c < nt->ncolumns && alike; c++)
                alike = streq(nt->columns[c].name, ot->columns[c].name) &&
                        streq(nt->columns[c].type, ot->columns[c].type) &&
                        nt->columns[c].list == ot->columns[c].list;
            if (!alike)
                continue;
            note(d,
                 "The model `%s` looks renamed to `%s`: this migration drops the table %s and "
                 "creates %s, losing its rows. To keep them, keep the table name: add "
                 "@@map(\"%s\") to the model `%s` (refract then renames nothing; constraint names "
                 "stay), or write `ALTER TABLE %s RENAME TO %s;` in the migration instead.",
                 ot->model, nt->model, qualified(d, ot), qualified(d, nt), ot->name, nt->model,
                 qualified(d, ot), ident(d, nt->name));
            break;
        }
    }

    /* Indexes and foreign keys of tables on both sides. */
    for (size_t j = 0; j < t->ntables; j++) {
        const db_table *nt = &t->tables[j];
        const db_table *ot = old_of_table(d, nt);
        if (!ot)
            continue;
        long oi = ot - f->tables;
        table_pair *tp = &pairs[j];
        bool *old_used = arena_alloc(d->a, ot->nindexes + 1);
        long *match = arena_alloc(d->a, (nt->nindexes + 1) * sizeof(long));
        for (size_t k = 0; k < nt->nindexes; k++) {
            match[k] = -1;
            for (size_t q = 0; q < ot->nindexes; q++)
                if (!old_used[q] && streq(ot->indexes[q].name, nt->indexes[k].name) &&
                    same_index(ot, nt, &tp->map, &ot->indexes[q], &nt->indexes[k], tp->recreated)) {
                    match[k] = (long)q;
                    old_used[q] = true;
                    break;
                }
        }
        for (size_t k = 0; k < nt->nindexes; k++) {
            if (match[k] >= 0)
                continue;
            for (size_t q = 0; q < ot->nindexes; q++)
                if (!old_used[q] &&
                    same_index(ot, nt, &tp->map, &ot->indexes[q], &nt->indexes[k], tp->recreated)) {
                    match[k] = (long)q;
                    old_used[q] = true;
                    migrate_step *s = add_step(d, MIGRATE_RENAME_INDEX, oi, (long)q, 0);
                    s->old_table = ot;
                    s->new_table = nt;
                    s->old_index = &ot->indexes[q];
                    s->new_index = &nt->indexes[k];
                    break;
                }
        }
        for (size_t q = 0; q < ot->nindexes; q++) {
            if (old_used[q])
                continue;
            /* Rebuilt under the same name after its column is recreated:
             * PostgreSQL drops it with the column, Prisma writes no DROP. */
            bool rebuilt = false;
            for (size_t k = 0; k < nt->nindexes && !rebuilt; k++)
                rebuilt = match[k] < 0 && streq(nt->indexes[k].name, ot->indexes[q].name) &&
                          on_recreated_column(ot, nt, tp, &ot->indexes[q]);
            if (!rebuilt) {
                migrate_step *s = add_step(d, MIGRATE_DROP_INDEX, oi, (long)q, 0);
                s->old_table = ot;
                s->old_index = &ot->indexes[q];
            }
        }
        for (size_t k = 0; k < nt->nindexes; k++)
            if (match[k] < 0) {
                migrate_step *s = add_step(d, MIGRATE_CREATE_INDEX, 1 + oi, (long)j, (long)k);
                s->new_table = nt;
                s->new_index = &nt->indexes[k];
                /* An index only rebuilt because a column is recreated adds no
                 * constraint that was not there: Prisma does not warn. */
                bool rebuilt = false;
                for (size_t q = 0; q < ot->nindexes; q++)
                    if (!old_used[q] && streq(ot->indexes[q].name, nt->indexes[k].name) &&
                        on_recreated_column(ot, nt, tp, &ot->indexes[q]))
                        rebuilt = true;
                if (nt->indexes[k].unique && !rebuilt) {
                    /* The check runs before the migration: old names. Only
                     * columns that already exist can hold duplicates. */
                    buf cols = BUF_INIT, grp = BUF_INIT, nn = BUF_INIT;
                    bool all_old = true;
                    for (size_t c = 0; c < nt->indexes[k].ncolumns; c++) {
                        const char *cn = nt->indexes[k].columns[c].name;
                        const char *old_name = NULL;
                        for (size_t q = 0; q < nt->ncolumns; q++)
                            if (!strcmp(nt->columns[q].name, cn) && tp->map.from[q] >= 0 &&
                                !tp->recreated[q])
                                old_name = ot->columns[tp->map.from[q]].name;
                        buf_printf(&cols, "%s%s", c ? "," : "", cn);
                        if (!old_name) {
                            all_old = false;
                            continue;
                        }
                        buf_printf(&grp, "%s%s", c ? ", " : "", ident(d, old_name));
                        buf_printf(&nn, " AND %s IS NOT NULL", ident(d, old_name));
                    }
                    const char *check = NULL;
                    if (all_old)
                        check = arena_printf(d->a,
                                             "SELECT EXISTS (SELECT 1 FROM %s WHERE TRUE%s GROUP BY "
                                             "%s HAVING COUNT(*) > 1)",
                                             qualified(d, ot), buf_cstr(&nn), buf_cstr(&grp));
                    warn(d, s, MIGRATE_RISK_UNIQUE_ADDED, check,
                         "A unique constraint covering the columns `[%s]` on the table `%s` will "
                         "be added. If there are existing duplicate values, this will fail.",
                         buf_cstr(&cols), nt->name);
                    buf_free(&cols);
                    buf_free(&grp);
                    buf_free(&nn);
                }
            }
    }
    for (size_t j = 0; j < t->ntables; j++) {
        const db_table *nt = &t->tables[j];
        const db_table *ot = old_of_table(d, nt);
        if (!ot)
            continue;
        long oi = ot - f->tables;
        table_pair *tp = &pairs[j];
        bool *old_used = arena_alloc(d->a, ot->nfks + 1);
        long *match = arena_alloc(d->a, (nt->nfks + 1) * sizeof(long));
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < nt->nfks; k++) {
                if (pass == 0)
                    match[k] = -1;
                if (match[k] >= 0)
                    continue;
                for (size_t q = 0; q < ot->nfks; q++)
                    if (!old_used[q] && (pass == 1 || streq(ot->fks[q].name, nt->fks[k].name)) &&
                        same_fk(d, ot, nt, tp, &ot->fks[q], &nt->fks[k], pairs)) {
                        match[k] = (long)q;
                        old_used[q] = true;
                        if (pass == 1) {
                            migrate_step *s =
                                add_step(d, MIGRATE_RENAME_FOREIGN_KEY, oi, (long)q, 0);
                            s->old_table = ot;
                            s->new_table = nt;
                            s->old_fk = &ot->fks[q];
                            s->new_fk = &nt->fks[k];
                        }
                        break;
                    }
            }
        for (size_t q = 0; q < ot->nfks; q++)
            if (!old_used[q]) {
                migrate_step *s = add_step(d, MIGRATE_DROP_FOREIGN_KEY, oi, (long)q, 0);
                s->old_table = ot;
                s->old_fk = &ot->fks[q];
            }
        for (size_t k = 0; k < nt->nfks; k++)
            if (match[k] < 0) {
                migrate_step *s = add_step(d, MIGRATE_ADD_FOREIGN_KEY, (long)j, (long)k, 0);
                s->new_table = nt;
                s->new_fk = &nt->fks[k];
            }
    }
}

static void diff_namespaces_and_extensions(differ *d)
{
    const db_schema *f = d->from, *t = d->to;
    for (size_t j = 0; j < t->nnamespaces; j++) {
        bool found = false;
        for (size_t i = 0; i < f->nnamespaces && !found; i++)
            found = streq(f->namespaces[i], t->namespaces[j]);
        if (!found) {
            migrate_step *s = add_step(d, MIGRATE_CREATE_SCHEMA, (long)j, 0, 0);
            s->namespace = t->namespaces[j];
        }
    }
    for (size_t i = 0; i < f->nextensions; i++) {
        bool found = false;
        for (size_t j = 0; j < t->nextensions && !found; j++)
            found = streq(f->extensions[i].name, t->extensions[j].name);
        if (!found) {
            migrate_step *s = add_step(d, MIGRATE_DROP_EXTENSION, (long)i, 0, 0);
            s->extension = &f->extensions[i];
        }
    }
    for (size_t j = 0; j < t->nextensions; j++) {
        bool found = false;
        for (size_t i = 0; i < f->nextensions && !found; i++)
            found = streq(f->extensions[i].name, t->extensions[j].name);
        if (!found) {
            migrate_step *s = add_step(d, MIGRATE_CREATE_EXTENSION, (long)j, 0, 0);
            s->extension = &t->extensions[j];
        }
    }
}

static int step_cmp(const void *pa, const void *pb)
{
    const migrate_step *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->key1 != b->key1)
        return a->key1 < b->key1 ? -1 : 1;
    if (a->key2 != b->key2)
        return a->key2 < b->key2 ? -1 : 1;
    if (a->key3 != b->key3)
        return a->key3 < b->key3 ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

migrate_steps *migrate_diff_db(const db_schema *from, const db_schema *to, arena *a)
{
    static const db_schema nothing = {0};
    migrate_steps *out = arena_alloc(a, sizeof *out);
    differ d = {.a = a, .from = from ? from : &nothing, .to = to, .out = out};
    out->from = d.from;
    out->to = to;
    index_names(&d);
    pair_tables(&d);
    pair_enums(&d);
    diff_namespaces_and_extensions(&d);
    diff_enums(&d);
    diff_tables(&d);
    /* Equal keys keep insertion order (qsort is not stable). */
    for (size_t i = 0; i < out->count; i++)
        out->items[i].seq = i;
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, step_cmp);
    return out;
}

migrate_steps *migrate_diff(const model_schema *from, const model_schema *to, arena *a)
{
    const db_schema *f = from ? dbschema_from_model(from, a) : NULL;
    return migrate_diff_db(f, dbschema_from_model(to, a), a);
}
