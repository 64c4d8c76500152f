/*
 * lint_rules.c — the rules of `refract migrate lint` and the statement
 * classifier that fires them. Lock levels are PostgreSQL's (see "Explicit
 * Locking" in its manual); "existing" means not created earlier in the
 * same migration, since only a table that may hold rows and serve queries
 * can make a lock or a scan hurt.
 */
#include <string.h>
#include <strings.h>

#include "lint_impl.h"

const lint_rule lint_rules[] = {
    {"RF101", "table-rewrite", LINT_ERROR,
     "changing a column's type rewrites (or at least scans) the table and rebuilds its indexes "
     "under an ACCESS EXCLUSIVE lock; every read and write waits",
     "add a new column, backfill it in batches, move the code over, then drop the old column "
     "(only binary-coercible changes such as VARCHAR(n) to TEXT are instant)"},
    {"RF102", "set-not-null", LINT_ERROR,
     "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
     "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT c, then SET NOT "
     "NULL (PostgreSQL 12+ skips the scan) and drop c"},
    {"RF103", "access-exclusive-lock", LINT_WARNING,
     "a migration runs in one transaction: an ACCESS EXCLUSIVE lock taken on a table in use "
     "blocks all its reads and writes until every later statement is done",
     "change one table in use per migration (or put the quick ALTERs last), and set "
     "lock_timeout"},
    {"RF104", "index-without-concurrently", LINT_ERROR,
     "building an index blocks writes to the table until the build is done",
     "CREATE INDEX CONCURRENTLY, alone in a migration of its own (it cannot run in a "
     "transaction); for a constraint, build the unique index that way and ADD CONSTRAINT ... "
     "USING INDEX"},
    {"RF105", "constraint-validated-at-once", LINT_ERROR,
     "adding a FOREIGN KEY or CHECK checks every row while writes to the table (and, for a "
     "foreign key, to the referenced table) are blocked",
     "add it NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration (that "
     "only takes SHARE UPDATE EXCLUSIVE)"},
    {"RF106", "drop-data", LINT_ERROR,
     "the data is lost, and code still running that uses it fails",
     "first deploy code that no longer uses it, then drop it in a later migration"},
    {"RF107", "rename", LINT_ERROR,
     "code still running uses the old name and fails from the moment the migration commits",
     "add the new column, write both, backfill, move the readers, then drop the old one; or "
     "keep the database name with @map"},
    {"RF108", "missing-lock-timeout", LINT_WARNING,
     "a statement waiting for its lock behind a long query makes every later query on the "
     "table wait behind it",
     "begin the migration with SET lock_timeout = '5s'; and run it again if it times out"},
    {"RF109", "enum-value-removed", LINT_ERROR,
     "the enum type is recreated and every column using it rewritten; rows holding a removed "
     "value make the migration fail, and running code may still write it",
     "deploy code that no longer writes the value, update the rows that hold it, then remove "
     "it"},
    {"RF110", "fk-without-index", LINT_WARNING,
     "PostgreSQL does not index a foreign key's columns (and Prisma does not create one): "
     "deleting or updating a referenced row scans this table",
     "add @@index([...]) on the foreign key's fields (CREATE INDEX on those columns)"},
};
const size_t lint_nrules = sizeof lint_rules / sizeof *lint_rules;

/* ---- catalog -------------------------------------------------------------- */

static lint_table *table_get(lint_ctx *cx, const char *name)
{
    lint_table *t = name ? strmap_get(&cx->l->tables, name) : NULL;
    return t && !t->dropped ? t : NULL;
}

static lint_table *table_create(lint_ctx *cx, const char *name)
{
    lint_table *t = arena_alloc(&cx->l->a, sizeof *t);
    t->name = arena_strdup(&cx->l->a, name);
    t->created_in = cx->serial;
    void **slot = strmap_ref(&cx->l->tables, t->name);
    *slot = t;
    return t;
}

/* Not created earlier in this migration: it may hold rows and serve queries. */
static bool existing(lint_ctx *cx, const char *name)
{
    lint_table *t = table_get(cx, name);
    return !t || t->created_in != cx->serial;
}

static void add_index(lint_ctx *cx, const char *table, const char *name, const char **cols,
                      size_t ncols)
{
    lint_table *t = table_get(cx, table);
    if (name)
        *strmap_ref(&cx->l->indexes, arena_strdup(&cx->l->a, name)) =
            (void *)arena_strdup(&cx->l->a, table);
    if (!t)
        return;
    lint_index *ix = arena_alloc(&cx->l->a, sizeof *ix);
    ix->name = name;
    ix->cols = cols;
    ix->ncols = ncols;
    ix->next = t->indexes;
    t->indexes = ix;
}

static void drop_index(lint_ctx *cx, const char *name)
{
    const char *table = strmap_get(&cx->l->indexes, name);
    lint_table *t = table_get(cx, table);
    if (!t)
        return;
    for (lint_index **p = &t->indexes; *p; p = &(*p)->next)
        if ((*p)->name && !strcmp((*p)->name, name)) {
            *p = (*p)->next;
            return;
        }
}

static lint_enum *enum_get(lint_ctx *cx, const char *name)
{
    lint_enum *e = name ? strmap_get(&cx->l->enums, name) : NULL;
    return e && !e->dropped ? e : NULL;
}

/* ---- token helpers ---------------------------------------------------------- */

typedef struct span {
    size_t from, to; /* token indexes [from, to) */
} span;

static bool span_has(const sql_toks *t, span s, const char *kw)
{
    for (size_t i = s.from; i < s.to; i++)
        if (tok_is(t, i, kw))
            return true;
    return false;
}

static bool span_has_pair(const sql_toks *t, span s, const char *a, const char *b)
{
    for (size_t i = s.from; i + 1 < s.to; i++)
        if (tok_is(t, i, a) && tok_is(t, i + 1, b))
            return true;
    return false;
}

/* The end of the top-level comma-separated element starting at i. */
static size_t element_end(const sql_toks *t, size_t i, size_t end)
{
    while (i < end && !tok_punct(t, i, ',') && !tok_punct(t, i, ';')) {
        if (tok_punct(t, i, '('))
            i = tok_skip_group(t, i);
        else if (tok_punct(t, i, ')'))
            return i;
        else
            i++;
    }
    return i < end ? i : end;
}

/* The plain column names of the group "(a, b DESC, ...)" at token i; an
 * expression element gives "" (it supports no foreign key). */
static const char **column_list(lint_ctx *cx, size_t i, size_t *n, size_t *next)
{
    const sql_toks *t = cx->t;
    *n = 0;
    if (!tok_punct(t, i, '(')) {
        *next = i;
        return NULL;
    }
    size_t close = tok_skip_group(t, i);
    const char **cols = arena_alloc(&cx->l->a, (close - i + 1) * sizeof *cols);
    size_t j = i + 1;
    while (j < close - 1) {
        size_t e = element_end(t, j, close - 1);
        size_t after = j;
        const char *name = tok_name(t, j, &cx->l->a, &after);
        bool plain = name && (after == e || tok_is(t, after, "ASC") || tok_is(t, after, "DESC") ||
                              tok_is(t, after, "NULLS") || tok_is(t, after, "COLLATE") ||
                              t->items[after].kind == TOK_WORD);
        cols[(*n)++] = plain ? name : "";
        j = e + 1;
    }
    *next = close;
    return cols;
}

static size_t skip_if_exists(const sql_toks *t, size_t i)
{
    if (tok_is(t, i, "IF") && tok_is(t, i + 1, "NOT") && tok_is(t, i + 2, "EXISTS"))
        return i + 3;
    if (tok_is(t, i, "IF") && tok_is(t, i + 1, "EXISTS"))
        return i + 2;
    return i;
}

/* Statement after statement takes a lock on the existing `table`: RF108
 * at the first one without lock_timeout; RF103 when an ACCESS EXCLUSIVE
 * lock taken earlier is still held (the migration is one transaction)
 * while another table in use is locked. Once each per migration. */
static void takes_lock(lint_ctx *cx, const char *table, bool exclusive)
{
    if (!cx->lock_timeout_set && !cx->timeout_reported) {
        cx->timeout_reported = true;
        lint_report(cx, "RF108", cx->stmt_offset,
                    "the migration locks a table in use without setting lock_timeout first");
    }
    if (cx->held && strcmp(cx->held, table) && !cx->held_reported) {
        cx->held_reported = true;
        lint_report(cx, "RF103", cx->held_offset,
                    "ACCESS EXCLUSIVE lock on existing table \"%s\" is held while the migration "
                    "goes on to lock \"%s\"",
                    cx->held, table);
    }
    if (exclusive && !cx->held) {
        cx->held = arena_strdup(&cx->l->a, table);
        cx->held_offset = cx->stmt_offset;
    }
}

static void record_fk(lint_ctx *cx, const char *table, const char **cols, size_t ncols,
                      size_t offset)
{
    lint_fk *fk = arena_alloc(&cx->l->a, sizeof *fk);
    *fk = (lint_fk){.table = arena_strdup(&cx->l->a, table), .cols = cols, .ncols = ncols,
                    .offset = offset, .next = cx->fks};
    cx->fks = fk;
}

/* ---- table constraints (CREATE TABLE body and ALTER TABLE ADD) ------------ */

/* The constraint at s (after an optional CONSTRAINT name): records indexes,
 * foreign keys and NOT NULL checks. Returns its keyword (PRIMARY, UNIQUE,
 * FOREIGN, CHECK, ...) or NULL when s is no table constraint. */
static const char *table_constraint(lint_ctx *cx, const char *table, const char *cname, span s,
                                    bool not_valid)
{
    const sql_toks *t = cx->t;
    size_t i = s.from, next;
    size_t n;
    if (tok_is(t, i, "PRIMARY") || tok_is(t, i, "UNIQUE")) {
        i += tok_is(t, i, "PRIMARY") ? 2 : 1;
        if (tok_is(t, i, "NULLS")) /* UNIQUE NULLS [NOT] DISTINCT */
            i += tok_is(t, i + 1, "NOT") ? 3 : 2;
        const char **cols = column_list(cx, i, &n, &next);
        if (cols)
            add_index(cx, table, cname, cols, n);
        else if (cname && tok_is(t, i, "USING")) /* USING INDEX name: it becomes cname */
            add_index(cx, table, cname, NULL, 0);
        return t->items[s.from].text;
    }
    if (tok_is(t, i, "FOREIGN") && tok_is(t, i + 1, "KEY")) {
        const char **cols = column_list(cx, i + 2, &n, &next);
        if (cols)
            record_fk(cx, table, cols, n, cx->stmt_offset);
        return "FOREIGN";
    }
    if (tok_is(t, i, "CHECK")) {
        /* CHECK (col IS NOT NULL) */
        if (tok_punct(t, i + 1, '(')) {
            const char *col = tok_name(t, i + 2, &cx->l->a, &next);
            if (col && tok_is(t, next, "IS") && tok_is(t, next + 1, "NOT") &&
                tok_is(t, next + 2, "NULL") && tok_punct(t, next + 3, ')')) {
                lint_table *tb = table_get(cx, table);
                if (tb) {
                    lint_check *c = arena_alloc(&cx->l->a, sizeof *c);
                    *c = (lint_check){.name = cname, .col = col, .valid = !not_valid,
                                      .next = tb->checks};
                    tb->checks = c;
                }
            }
        }
        return "CHECK";
    }
    if (tok_is(t, i, "EXCLUDE"))
        return "EXCLUDE";
    return NULL;
}

/* A column definition's inline constraints (PRIMARY KEY, UNIQUE, REFERENCES). */
static void column_constraints(lint_ctx *cx, const char *table, const char *col, span s)
{
    const char **one = arena_alloc(&cx->l->a, sizeof *one);
    one[0] = col;
    if (span_has_pair(cx->t, s, "PRIMARY", "KEY") || span_has(cx->t, s, "UNIQUE"))
        add_index(cx, table, NULL, one, 1);
    for (size_t i = s.from; i < s.to; i++)
        if (tok_is(cx->t, i, "REFERENCES"))
            record_fk(cx, table, one, 1, cx->stmt_offset);
}

/* One element of a CREATE TABLE body or ALTER TABLE ADD: a constraint or a
 * column. Returns the constraint keyword, or NULL for a column. */
static const char *table_element(lint_ctx *cx, const char *table, span s, bool not_valid)
{
    const char *cname = NULL;
    size_t i = s.from;
    if (tok_is(cx->t, i, "CONSTRAINT")) {
        cname = tok_name(cx->t, i + 1, &cx->l->a, &i);
        s.from = i;
    }
    const char *kind = table_constraint(cx, table, cname, s, not_valid);
    if (kind || cname)
        return kind ? kind : "";
    if (tok_is(cx->t, i, "LIKE"))
        return "LIKE";
    const char *col = tok_name(cx->t, i, &cx->l->a, &i);
    if (col)
        column_constraints(cx, table, col, (span){i, s.to});
    return NULL;
}

/* ---- statements ---------------------------------------------------------------- */

static void create_table(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    i = skip_if_exists(t, i);
    const char *name = tok_name(t, i, &cx->l->a, &i);
    if (!name)
        return;
    table_create(cx, name);
    if (!tok_punct(t, i, '('))
        return;
    size_t close = tok_skip_group(t, i) - 1;
    for (size_t j = i + 1; j < close;) {
        size_t e = element_end(t, j, close);
        table_element(cx, name, (span){j, e}, false);
        j = e + 1;
    }
}

static void create_index(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    bool concurrently = tok_is(t, i, "CONCURRENTLY");
    i += concurrently;
    i = skip_if_exists(t, i);
    const char *name = NULL;
    if (!tok_is(t, i, "ON"))
        name = tok_name(t, i, &cx->l->a, &i);
    if (!tok_is(t, i, "ON"))
        return;
    i++;
    if (tok_is(t, i, "ONLY"))
        i++;
    const char *table = tok_name(t, i, &cx->l->a, &i);
    if (!table)
        return;
    if (tok_is(t, i, "USING"))
        i += 2;
    size_t n, next;
    const char **cols = column_list(cx, i, &n, &next);
    add_index(cx, table, name, cols, cols ? n : 0);
    if (existing(cx, table) && !concurrently) {
        takes_lock(cx, table, false); /* SHARE: blocks writes, not reads */
        lint_report(cx, "RF104", cx->stmt_offset,
                    "CREATE INDEX %s%s%son existing table \"%s\" without CONCURRENTLY",
                    name ? "\"" : "", name ? name : "", name ? "\" " : "", table);
    }
}

/* DROP TABLE a, b / DROP INDEX a, b / DROP TYPE a, b */
static void drop_objects(lint_ctx *cx, size_t i, const char *what)
{
    const sql_toks *t = cx->t;
    bool concurrently = tok_is(t, i, "CONCURRENTLY");
    i += concurrently;
    i = skip_if_exists(t, i);
    for (;;) {
        const char *name = tok_name(t, i, &cx->l->a, &i);
        if (!name)
            break;
        if (!strcmp(what, "TABLE")) {
            if (existing(cx, name)) {
                takes_lock(cx, name, true);
                lint_report(cx, "RF106", cx->stmt_offset, "DROP TABLE \"%s\"", name);
            }
            lint_table *tb = table_get(cx, name);
            if (tb)
                tb->dropped = true;
        } else if (!strcmp(what, "INDEX")) {
            const char *table = strmap_get(&cx->l->indexes, name);
            if (table && table_get(cx, table) && existing(cx, table) && !concurrently) {
                takes_lock(cx, table, true);
                lint_report(cx, "RF103", cx->stmt_offset,
                            "DROP INDEX \"%s\" without CONCURRENTLY takes an ACCESS EXCLUSIVE "
                            "lock on existing table \"%s\" (DROP INDEX CONCURRENTLY does not)",
                            name, table);
            }
            drop_index(cx, name);
        } else {
            lint_enum *e = enum_get(cx, name);
            if (e)
                e->dropped = true;
        }
        if (!tok_punct(t, i, ','))
            break;
        i++;
    }
}

static bool has_valid_not_null_check(lint_ctx *cx, const char *table, const char *col)
{
    lint_table *tb = table_get(cx, table);
    for (lint_check *c = tb ? tb->checks : NULL; c; c = c->next)
        if (c->valid && !strcmp(c->col, col))
            return true;
    return false;
}

static void validate_constraint(lint_ctx *cx, const char *table, const char *cname)
{
    lint_table *tb = table_get(cx, table);
    for (lint_check *c = tb ? tb->checks : NULL; c; c = c->next)
        if (c->name && !strcmp(c->name, cname))
            c->valid = true;
}

/* One ALTER TABLE sub-command. Returns whether it takes ACCESS EXCLUSIVE. */
static bool alter_action(lint_ctx *cx, const char *table, bool exist, span s)
{
    const sql_toks *t = cx->t;
    size_t i = s.from, next;
    bool exclusive = true;
    if (tok_is(t, i, "ADD")) {
        i++;
        bool column = tok_is(t, i, "COLUMN");
        i += column;
        i = skip_if_exists(t, i);
        bool not_valid = span_has_pair(t, s, "NOT", "VALID");
        const char *kind = column ? NULL : table_element(cx, table, (span){i, s.to}, not_valid);
        if (column) {
            const char *col = tok_name(t, i, &cx->l->a, &next);
            if (col)
                column_constraints(cx, table, col, (span){next, s.to});
        }
        if (kind && exist) {
            if (!strcmp(kind, "FOREIGN")) {
                exclusive = false; /* SHARE ROW EXCLUSIVE */
                if (!not_valid)
                    lint_report(cx, "RF105", cx->stmt_offset, "ADD FOREIGN KEY on existing table \"%s\" "
                                                 "without NOT VALID", table);
            } else if (!strcmp(kind, "CHECK") && !not_valid) {
                lint_report(cx, "RF105", cx->stmt_offset, "ADD CHECK on existing table \"%s\" without NOT "
                                             "VALID", table);
            } else if ((!strcmp(kind, "PRIMARY") || !strcmp(kind, "UNIQUE")) &&
                       !span_has_pair(t, s, "USING", "INDEX")) {
                lint_report(cx, "RF104", cx->stmt_offset, "ADD %s on existing table \"%s\" builds its index "
                                             "without CONCURRENTLY",
                            !strcmp(kind, "PRIMARY") ? "PRIMARY KEY" : "UNIQUE", table);
            }
        }
    } else if (tok_is(t, i, "ALTER")) {
        i++;
        i += tok_is(t, i, "COLUMN");
        const char *col = tok_name(t, i, &cx->l->a, &i);
        if (!col)
            return true;
        if (tok_is(t, i, "TYPE") || (tok_is(t, i, "SET") && tok_is(t, i + 1, "DATA"))) {
            if (exist)
                lint_report(cx, "RF101", cx->stmt_offset, "ALTER COLUMN \"%s\" TYPE on existing table \"%s\"",
                            col, table);
        } else if (tok_is(t, i, "SET") && tok_is(t, i + 1, "NOT") && tok_is(t, i + 2, "NULL")) {
            if (exist && !has_valid_not_null_check(cx, table, col))
                lint_report(cx, "RF102", cx->stmt_offset,
                            "ALTER COLUMN \"%s\" SET NOT NULL on existing table \"%s\" without a "
                            "validated CHECK (\"%s\" IS NOT NULL)",
                            col, table, col);
        } else if (tok_is(t, i, "SET") && (tok_is(t, i + 1, "STATISTICS") ||
                                            tok_punct(t, i + 1, '('))) {
            exclusive = false;
        }
    } else if (tok_is(t, i, "DROP")) {
        i++;
        if (tok_is(t, i, "CONSTRAINT")) {
            i = skip_if_exists(t, i + 1);
            const char *cname = tok_name(t, i, &cx->l->a, &i);
            if (cname)
                drop_index(cx, cname);
        } else {
            i += tok_is(t, i, "COLUMN");
            i = skip_if_exists(t, i);
            const char *col = tok_name(t, i, &cx->l->a, &i);
            if (col && exist)
                lint_report(cx, "RF106", cx->stmt_offset, "DROP COLUMN \"%s\" of existing table \"%s\"", col,
                            table);
        }
    } else if (tok_is(t, i, "VALIDATE") && tok_is(t, i + 1, "CONSTRAINT")) {
        const char *cname = tok_name(t, i + 2, &cx->l->a, &next);
        if (cname)
            validate_constraint(cx, table, cname);
        exclusive = false; /* SHARE UPDATE EXCLUSIVE */
    }
    return exclusive;
}

static void rename_table(lint_ctx *cx, const char *from, const char *to)
{
    lint_table *tb = table_get(cx, from);
    if (!tb)
        return;
    tb->dropped = true;
    lint_table *moved = table_create(cx, to);
    moved->created_in = tb->created_in;
    moved->indexes = tb->indexes;
    moved->checks = tb->checks;
}

static void alter_table(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    i = skip_if_exists(t, i);
    if (tok_is(t, i, "ONLY"))
        i++;
    const char *table = tok_name(t, i, &cx->l->a, &i);
    if (!table)
        return;
    if (tok_punct(t, i, '*'))
        i++;
    bool exist = existing(cx, table);
    if (tok_is(t, i, "RENAME")) {
        if (exist)
            takes_lock(cx, table, true);
        i++;
        if (tok_is(t, i, "TO")) {
            const char *to = tok_name(t, i + 1, &cx->l->a, NULL);
            if (exist)
                lint_report(cx, "RF107", cx->stmt_offset, "RENAME of existing table \"%s\" to \"%s\"", table,
                            to ? to : "?");
            if (to)
                rename_table(cx, table, to);
        } else if (!tok_is(t, i, "CONSTRAINT")) {
            i += tok_is(t, i, "COLUMN");
            const char *col = tok_name(t, i, &cx->l->a, &i);
            const char *to = tok_is(t, i, "TO") ? tok_name(t, i + 1, &cx->l->a, NULL) : NULL;
            if (exist && col)
                lint_report(cx, "RF107", cx->stmt_offset, "RENAME COLUMN \"%s\" of existing table \"%s\" to "
                                             "\"%s\"", col, table, to ? to : "?");
        }
        return;
    }
    if (exist) /* RF108 before what the sub-commands find */
        takes_lock(cx, table, false);
    bool exclusive = false;
    size_t end = t->count;
    while (i < end && !tok_punct(t, i, ';')) {
        size_t e = element_end(t, i, end);
        if (e > i)
            exclusive |= alter_action(cx, table, exist, (span){i, e});
        i = e + 1;
    }
    if (exist && exclusive)
        takes_lock(cx, table, true);
}

static void create_enum(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    const char *name = tok_name(t, i, &cx->l->a, &i);
    if (!name || !tok_is(t, i, "AS") || !tok_is(t, i + 1, "ENUM") || !tok_punct(t, i + 2, '('))
        return;
    size_t close = tok_skip_group(t, i + 2);
    lint_enum *e = arena_alloc(&cx->l->a, sizeof *e);
    e->values = arena_alloc(&cx->l->a, (close - i) * sizeof *e->values);
    for (size_t j = i + 3; j < close; j++)
        if (t->items[j].kind == TOK_STRING)
            e->values[e->count++] = t->items[j].text;
    e->known = true;
    e->created_in = cx->serial;
    *strmap_ref(&cx->l->enums, arena_strdup(&cx->l->a, name)) = e;
}

static bool has_value(const lint_enum *e, const char *v)
{
    for (size_t i = 0; i < e->count; i++)
        if (!strcmp(e->values[i], v))
            return true;
    return false;
}

/* ALTER TYPE a ADD VALUE 'v' | RENAME TO b. Prisma removes enum values by
 * creating "E_new", moving the columns to it, renaming "E" away and
 * "E_new" to "E": the removal is seen at that last rename. */
static void alter_type(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    const char *name = tok_name(t, i, &cx->l->a, &i);
    if (!name)
        return;
    lint_enum *e = enum_get(cx, name);
    if (tok_is(t, i, "ADD") && tok_is(t, i + 1, "VALUE")) {
        i = skip_if_exists(t, i + 2);
        if (e && i < t->count && t->items[i].kind == TOK_STRING) {
            const char **values = arena_alloc(&cx->l->a, (e->count + 1) * sizeof *values);
            memcpy(values, e->values, e->count * sizeof *values);
            values[e->count++] = t->items[i].text;
            e->values = values;
        }
        return;
    }
    if (!tok_is(t, i, "RENAME") || !tok_is(t, i + 1, "TO"))
        return;
    const char *to = tok_name(t, i + 2, &cx->l->a, NULL);
    if (!to)
        return;
    bool created_here = e && e->created_in == cx->serial;
    if (!created_here) {
        static lint_enum unknown; /* an enum made before the migrations we read */
        *strmap_ref(&cx->displaced, arena_strdup(&cx->l->a, name)) = e ? e : &unknown;
    } else {
        lint_enum *old = strmap_get(&cx->displaced, to);
        if (old) {
            buf removed = BUF_INIT;
            for (size_t k = 0; old->known && k < old->count; k++)
                if (!has_value(e, old->values[k]))
                    buf_printf(&removed, "%s'%s'", removed.len ? ", " : "", old->values[k]);
            if (!old->known || removed.len)
                lint_report(cx, "RF109", cx->stmt_offset, "enum \"%s\" is replaced by a new "
                                                          "type%s%s",
                            to, removed.len ? " without the values " : " (values removed)",
                            buf_cstr(&removed));
            buf_free(&removed);
        }
    }
    if (e) {
        e->dropped = true;
        lint_enum *moved = arena_alloc(&cx->l->a, sizeof *moved);
        *moved = *e;
        moved->dropped = false;
        *strmap_ref(&cx->l->enums, arena_strdup(&cx->l->a, to)) = moved;
    }
}

static void set_statement(lint_ctx *cx, size_t i)
{
    const sql_toks *t = cx->t;
    if (tok_is(t, i, "SESSION") || tok_is(t, i, "LOCAL"))
        i++;
    if (!tok_is(t, i, "lock_timeout"))
        return;
    i++;
    if (tok_is(t, i, "TO") || tok_punct(t, i, '='))
        i++;
    /* lock_timeout = 0 means "wait forever" again. */
    bool zero = i < t->count && !strcmp(t->items[i].text, "0");
    cx->lock_timeout_set = !zero && !tok_is(t, i, "DEFAULT");
}

void lint_statement(lint_ctx *cx)
{
    const sql_toks *t = cx->t;
    size_t i = 0;
    if (tok_is(t, 0, "CREATE")) {
        i = 1;
        if (tok_is(t, i, "OR") && tok_is(t, i + 1, "REPLACE"))
            i += 2;
        while (tok_is(t, i, "GLOBAL") || tok_is(t, i, "LOCAL") || tok_is(t, i, "TEMP") ||
               tok_is(t, i, "TEMPORARY") || tok_is(t, i, "UNLOGGED"))
            i++;
        if (tok_is(t, i, "TABLE"))
            create_table(cx, i + 1);
        else if (tok_is(t, i, "INDEX"))
            create_index(cx, i + 1);
        else if (tok_is(t, i, "UNIQUE") && tok_is(t, i + 1, "INDEX"))
            create_index(cx, i + 2);
        else if (tok_is(t, i, "TYPE"))
            create_enum(cx, i + 1);
    } else if (tok_is(t, 0, "ALTER") && tok_is(t, 1, "TABLE")) {
        alter_table(cx, 2);
    } else if (tok_is(t, 0, "ALTER") && tok_is(t, 1, "TYPE")) {
        alter_type(cx, 2);
    } else if (tok_is(t, 0, "ALTER") && tok_is(t, 1, "INDEX")) {
        size_t j = skip_if_exists(t, 2);
        const char *from = tok_name(t, j, &cx->l->a, &j);
        if (from && tok_is(t, j, "RENAME") && tok_is(t, j + 1, "TO")) {
            const char *to = tok_name(t, j + 2, &cx->l->a, NULL);
            const char *table = strmap_get(&cx->l->indexes, from);
            lint_table *tb = table_get(cx, table);
            for (lint_index *ix = tb ? tb->indexes : NULL; ix && to; ix = ix->next)
                if (ix->name && !strcmp(ix->name, from))
                    ix->name = to;
            if (table && to)
                *strmap_ref(&cx->l->indexes, arena_strdup(&cx->l->a, to)) = (void *)table;
        }
    } else if (tok_is(t, 0, "DROP") &&
               (tok_is(t, 1, "TABLE") || tok_is(t, 1, "INDEX") || tok_is(t, 1, "TYPE"))) {
        drop_objects(cx, 2, tok_is(t, 1, "TABLE") ? "TABLE" : tok_is(t, 1, "INDEX") ? "INDEX" : "TYPE");
    } else if (tok_is(t, 0, "TRUNCATE")) {
        i = 1 + tok_is(t, 1, "TABLE");
        i += tok_is(t, i, "ONLY");
        const char *table = tok_name(t, i, &cx->l->a, NULL);
        if (table && existing(cx, table)) {
            takes_lock(cx, table, true);
            lint_report(cx, "RF106", cx->stmt_offset, "TRUNCATE of existing table \"%s\"", table);
        }
    } else if (tok_is(t, 0, "LOCK")) {
        i = 1 + tok_is(t, 1, "TABLE");
        i += tok_is(t, i, "ONLY");
        const char *table = tok_name(t, i, &cx->l->a, &i);
        bool weaker = false;
        for (size_t j = i; j < t->count; j++)
            if (tok_is(t, j, "IN") && !(tok_is(t, j + 1, "ACCESS") && tok_is(t, j + 2, "EXCLUSIVE")))
                weaker = true;
        if (table && existing(cx, table))
            takes_lock(cx, table, !weaker);
    } else if (tok_is(t, 0, "SET")) {
        set_statement(cx, 1);
    }
}

/* Does an index of `tb` start with exactly the foreign key's columns (in
 * any order)? */
static bool supported(const lint_table *tb, const lint_fk *fk)
{
    for (const lint_index *ix = tb->indexes; ix; ix = ix->next) {
        if (ix->ncols < fk->ncols)
            continue;
        size_t hit = 0;
        for (size_t c = 0; c < fk->ncols; c++)
            for (size_t k = 0; k < fk->ncols; k++)
                if (!strcmp(ix->cols[k], fk->cols[c])) {
                    hit++;
                    break;
                }
        if (hit == fk->ncols)
            return true;
    }
    return false;
}

void lint_finish(lint_ctx *cx)
{
    /* Oldest first, so findings come in statement order. */
    lint_fk *rev = NULL;
    while (cx->fks) {
        lint_fk *n = cx->fks->next;
        cx->fks->next = rev;
        rev = cx->fks;
        cx->fks = n;
    }
    for (lint_fk *fk = rev; fk; fk = fk->next) {
        /* A table no migration we read created: its indexes are unknown. */
        lint_table *tb = table_get(cx, fk->table);
        if (!tb || supported(tb, fk))
            continue;
        buf cols = BUF_INIT;
        for (size_t c = 0; c < fk->ncols; c++)
            buf_printf(&cols, "%s\"%s\"", c ? ", " : "", fk->cols[c]);
        lint_report(cx, "RF110", fk->offset, "foreign key on \"%s\" (%s) has no index starting "
                                             "with its columns",
                    fk->table, buf_cstr(&cols));
        buf_free(&cols);
    }
}
