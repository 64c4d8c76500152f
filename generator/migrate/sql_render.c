/*
 * sql_render.c — migration steps as PostgreSQL text, Prisma Migrate's bytes.
 *
 * Layout rules learnt from Prisma 7's output (../shared/oracle):
 *   - a step is "-- Name\n" + statements, each followed by ";\n";
 *     steps are separated by "\n";
 *   - CREATE TABLE puts each column on its own line indented by four spaces,
 *     then a blank line and the primary key constraint (columns joined by
 *     "," without space); index and foreign key columns are joined by ", ";
 *   - ALTER TABLE joins its clauses with ",\n"; an added column is
 *     "ADD COLUMN" + " " + the four-space-indented column definition.
 */
#include "sql.h"

#include <stdlib.h>
#include <string.h>

/* ---- quoting ----------------------------------------------------------------- */

void sql_put_ident(buf *out, const char *name)
{
    buf_putc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

void sql_put_qualified(buf *out, const char *schema, const char *name)
{
    if (schema && *schema) {
        sql_put_ident(out, schema);
        buf_putc(out, '.');
    }
    sql_put_ident(out, name);
}

void sql_put_literal(buf *out, const char *text)
{
    buf_putc(out, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            buf_putc(out, '\'');
        buf_putc(out, *p);
    }
    buf_putc(out, '\'');
}

/* ---- pieces -------------------------------------------------------------------- */

typedef struct render_ctx {
    buf *out;
    const migrate_steps *steps;
    bool dev;
    arena scratch; /* temporary strings of one rendering */
} render_ctx;

static void put_table_name(buf *out, const db_table *t)
{
    sql_put_qualified(out, t->schema, t->name);
}

static void put_enum_name(buf *out, const db_enum *e)
{
    sql_put_qualified(out, e->schema, e->name);
}

/* The column type as CREATE TABLE writes it, SERIAL for autoincrement. */
static void put_column_type(buf *out, const db_column *c)
{
    if (c->autoincrement && !c->list) {
        if (!strcmp(c->type, "BIGINT"))
            buf_puts(out, "BIGSERIAL");
        else if (!strcmp(c->type, "SMALLINT"))
            buf_puts(out, "SMALLSERIAL");
        else if (!strcmp(c->type, "INTEGER"))
            buf_puts(out, "SERIAL");
        else
            buf_puts(out, c->type);
    } else {
        buf_puts(out, c->type);
    }
    if (c->list)
        buf_puts(out, "[]");
}

/* Four-space indented column definition: `    "name" TYPE NOT NULL DEFAULT x`. */
static void put_column_def(buf *out, const db_column *c)
{
    buf_puts(out, "    ");
    sql_put_ident(out, c->name);
    buf_putc(out, ' ');
    put_column_type(out, c);
    if (c->not_null)
        buf_puts(out, " NOT NULL");
    if (c->default_sql && !c->autoincrement) {
        buf_puts(out, " DEFAULT ");
        buf_puts(out, c->default_sql);
    }
}

static void put_ident_list(buf *out, const char *const *names, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(out, sep);
        sql_put_ident(out, names[i]);
    }
}

static const char *action_sql(db_action a)
{
    switch (a) {
    case DB_ACTION_NO_ACTION: return "NO ACTION";
    case DB_ACTION_RESTRICT: return "RESTRICT";
    case DB_ACTION_CASCADE: return "CASCADE";
    case DB_ACTION_SET_NULL: return "SET NULL";
    case DB_ACTION_SET_DEFAULT: return "SET DEFAULT";
    }
    return "NO ACTION";
}

/* The sequence Prisma creates when autoincrement() is added to an existing
 * column: "<table>_<column>_seq" lower-cased. */
static const char *serial_sequence_name(char *tmp, size_t cap, const char *table,
                                        const char *column)
{
    size_t lt = strlen(table), lc = strlen(column);
    if (lt + lc + 6 > cap)
        return NULL;
    size_t k = 0;
    for (const char *p = table; *p; p++)
        tmp[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    tmp[k++] = '_';
    for (const char *p = column; *p; p++)
        tmp[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    memcpy(tmp + k, "_seq", 5);
    return tmp;
}

/* Prisma writes that sequence name unquoted; quote it only when it would
 * not survive unquoted. */
static void put_sequence_name(buf *out, const char *schema, const char *name)
{
    bool plain = (*name >= 'a' && *name <= 'z') || *name == '_';
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (schema && *schema) {
        sql_put_ident(out, schema);
        buf_putc(out, '.');
    }
    if (plain)
        buf_puts(out, name);
    else
        sql_put_ident(out, name);
}

/* ---- statements -------------------------------------------------------------- */

static void end_stmt(buf *out)
{
    buf_puts(out, ";\n");
}

static void render_create_table(buf *out, const db_table *t)
{
    buf_puts(out, "CREATE TABLE ");
    put_table_name(out, t);
    buf_puts(out, " (\n");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            buf_puts(out, ",\n");
        put_column_def(out, &t->columns[i]);
    }
    if (t->pk.name) {
        buf_puts(out, t->ncolumns ? ",\n\n    CONSTRAINT " : "\n    CONSTRAINT ");
        sql_put_ident(out, t->pk.name);
        buf_puts(out, " PRIMARY KEY (");
        put_ident_list(out, t->pk.columns, t->pk.ncolumns, ",");
        buf_putc(out, ')');
    }
    buf_puts(out, "\n)");
    end_stmt(out);
}

static void render_create_index(buf *out, const db_table *t, const db_index *ix)
{
    buf_puts(out, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    sql_put_ident(out, ix->name);
    buf_puts(out, " ON ");
    put_table_name(out, t);
    if (ix->method) {
        buf_puts(out, " USING ");
        buf_puts(out, ix->method);
        buf_putc(out, ' ');
    }
    buf_putc(out, '(');
    for (size_t i = 0; i < ix->ncolumns; i++) {
        const db_index_column *c = &ix->columns[i];
        if (i)
            buf_puts(out, ", ");
        sql_put_ident(out, c->name);
        if (c->opclass) {
            buf_putc(out, ' ');
            buf_puts(out, c->opclass);
        }
        if (c->sort == DB_SORT_DESC)
            buf_puts(out, " DESC");
        else if (c->sort == DB_SORT_ASC)
            buf_puts(out, " ASC");
    }
    buf_putc(out, ')');
    if (ix->where_sql) {
        buf_puts(out, " WHERE (");
        buf_puts(out, ix->where_sql);
        buf_putc(out, ')');
    }
    end_stmt(out);
}

static void render_add_fk(buf *out, const db_table *t, const db_foreign_key *fk)
{
    buf_puts(out, "ALTER TABLE ");
    put_table_name(out, t);
    buf_puts(out, " ADD CONSTRAINT ");
    sql_put_ident(out, fk->name);
    buf_puts(out, " FOREIGN KEY (");
    put_ident_list(out, fk->columns, fk->ncolumns, ", ");
    buf_puts(out, ") REFERENCES ");
    sql_put_qualified(out, fk->ref_schema, fk->ref_table);
    buf_putc(out, '(');
    put_ident_list(out, fk->ref_columns, fk->nref_columns, ", ");
    buf_puts(out, ") ON DELETE ");
    buf_puts(out, action_sql(fk->on_delete));
    buf_puts(out, " ON UPDATE ");
    buf_puts(out, action_sql(fk->on_update));
    end_stmt(out);
}

static void render_enum_values(buf *out, const db_enum *e)
{
    buf_putc(out, '(');
    for (size_t i = 0; i < e->nvalues; i++) {
        if (i)
            buf_puts(out, ", ");
        sql_put_literal(out, e->values[i].name);
    }
    buf_putc(out, ')');
}

static void render_create_enum(buf *out, const db_enum *e)
{
    buf_puts(out, "CREATE TYPE ");
    put_enum_name(out, e);
    buf_puts(out, " AS ENUM ");
    render_enum_values(out, e);
    end_stmt(out);
}

static void put_alter_table_prefix(buf *out, const db_table *t, bool qualify_public)
{
    buf_puts(out, "ALTER TABLE ");
    if (qualify_public && !t->schema)
        buf_puts(out, "\"public\".");
    put_table_name(out, t);
    buf_putc(out, ' ');
}

/* Removing values: Prisma's create-new-type, cast, swap sequence, in one
 * transaction. Columns are those of the new schema whose table and column
 * already existed with this enum type. */
static void render_enum_recreate(render_ctx *cx, const migrate_step *s)
{
    buf *out = cx->out;
    const db_enum *ne = s->new_enum;
    char *tmp_new = malloc(strlen(ne->name) + 5), *tmp_old = malloc(strlen(ne->name) + 5);
    strcpy(tmp_new, ne->name);
    strcat(tmp_new, "_new");
    /* A @@map rename (RENAME_ENUM) ran before: the type has its new name. */
    strcpy(tmp_old, ne->name);
    strcat(tmp_old, "_old");

    buf_puts(out, "BEGIN;\nCREATE TYPE ");
    sql_put_qualified(out, ne->schema, tmp_new);
    buf_puts(out, " AS ENUM ");
    render_enum_values(out, ne);
    end_stmt(out);

    /* Prisma drops and restores the defaults in column-name order per table. */
    migrate_enum_use *by_name = malloc((s->nuses + 1) * sizeof *by_name);
    for (size_t i = 0; i < s->nuses; i++) {
        size_t k = i;
        while (k > 0 && by_name[k - 1].table == s->uses[i].table &&
               strcmp(by_name[k - 1].old->name, s->uses[i].old->name) > 0) {
            by_name[k] = by_name[k - 1];
            k--;
        }
        by_name[k] = s->uses[i];
    }
    /* Defaults that use the old type must go before the cast. */
    for (size_t i = 0; i < s->nuses; i++) {
        const migrate_enum_use *u = &by_name[i];
        if (!u->old->default_sql)
            continue;
        put_alter_table_prefix(out, u->table, cx->dev);
        buf_puts(out, "ALTER COLUMN ");
        sql_put_ident(out, u->old->name);
        buf_puts(out, " DROP DEFAULT");
        end_stmt(out);
    }
    for (size_t i = 0; i < s->nuses; i++) {
        const migrate_enum_use *u = &s->uses[i];
        if (!u->new)
            continue;
        put_alter_table_prefix(out, u->table, false);
        buf_puts(out, "ALTER COLUMN ");
        sql_put_ident(out, u->old->name);
        buf_puts(out, " TYPE ");
        sql_put_qualified(out, ne->schema, tmp_new);
        if (u->new->list)
            buf_puts(out, "[]");
        buf_puts(out, " USING (");
        sql_put_ident(out, u->old->name);
        buf_puts(out, "::text::");
        sql_put_qualified(out, ne->schema, tmp_new);
        if (u->new->list)
            buf_puts(out, "[]");
        buf_putc(out, ')');
        end_stmt(out);
    }
    /* Columns about to go keep their values as text until they do (Prisma
     * leaves them on the old type, and then cannot drop it). */
    for (size_t i = 0; i < s->nuses; i++) {
        const migrate_enum_use *u = &s->uses[i];
        if (u->new)
            continue;
        put_alter_table_prefix(out, u->table, false);
        buf_puts(out, "ALTER COLUMN ");
        sql_put_ident(out, u->old->name);
        buf_puts(out, u->old->list ? " TYPE TEXT[]" : " TYPE TEXT");
        end_stmt(out);
    }
    buf_puts(out, "ALTER TYPE ");
    put_enum_name(out, ne);
    buf_puts(out, " RENAME TO ");
    sql_put_ident(out, tmp_old);
    end_stmt(out);
    buf_puts(out, "ALTER TYPE ");
    sql_put_qualified(out, ne->schema, tmp_new);
    buf_puts(out, " RENAME TO ");
    sql_put_ident(out, ne->name);
    end_stmt(out);
    buf_puts(out, "DROP TYPE ");
    if (cx->dev && !ne->schema)
        buf_puts(out, "\"public\".");
    sql_put_qualified(out, ne->schema, tmp_old);
    end_stmt(out);
    for (size_t i = 0; i < s->nuses; i++) {
        const migrate_enum_use *u = &by_name[i];
        /* Only the defaults dropped above come back here; a new one is the
         * ALTER TABLE step's business. */
        if (!u->new || !u->new->default_sql || !u->old->default_sql)
            continue;
        put_alter_table_prefix(out, u->table, false);
        buf_puts(out, "ALTER COLUMN ");
        sql_put_ident(out, u->old->name);
        buf_puts(out, " SET DEFAULT ");
        buf_puts(out, u->new->default_sql);
        end_stmt(out);
    }
    buf_puts(out, "COMMIT");
    end_stmt(out);
    free(by_name);
    free(tmp_new);
    free(tmp_old);
}

static void render_alter_enum(render_ctx *cx, const migrate_step *s)
{
    buf *out = cx->out;
    const db_enum *ne = s->new_enum;
    if (!s->nremoved && s->nadded > 1)
        buf_puts(out, "-- This migration adds more than one value to an enum.\n"
                      "-- With PostgreSQL versions 11 and earlier, this is not possible\n"
                      "-- in a single migration. This can be worked around by creating\n"
                      "-- multiple migrations, each migration adding only one value to\n"
                      "-- the enum.\n\n\n");
    /* Renamed values (@map changed) keep their rows; renamed first so that
     * a recreated type below finds them under their new labels. */
    for (size_t i = 0; i < ne->nvalues; i++) {
        const db_enum_value *v = &ne->values[i];
        for (size_t j = 0; j < s->old_enum->nvalues; j++) {
            const db_enum_value *ov = &s->old_enum->values[j];
            bool label_kept = false;
            for (size_t k = 0; k < ne->nvalues; k++)
                label_kept |= !strcmp(ne->values[k].name, ov->name);
            if (!label_kept && ov->prisma && v->prisma && !strcmp(ov->prisma, v->prisma) &&
                strcmp(ov->name, v->name)) {
                buf_puts(out, "ALTER TYPE ");
                put_enum_name(out, ne);
                buf_puts(out, " RENAME VALUE ");
                sql_put_literal(out, ov->name);
                buf_puts(out, " TO ");
                sql_put_literal(out, v->name);
                end_stmt(out);
            }
        }
    }
    if (s->nremoved) {
        render_enum_recreate(cx, s);
        return;
    }
    for (size_t i = 0; i < s->nadded; i++) {
        buf_puts(out, "ALTER TYPE ");
        put_enum_name(out, ne);
        buf_puts(out, " ADD VALUE ");
        sql_put_literal(out, s->added_values[i]);
        /* Keep the schema's order when the value is not appended last. */
        size_t pos = 0;
        while (pos < ne->nvalues && strcmp(ne->values[pos].name, s->added_values[i]))
            pos++;
        bool is_last_new = true;
        for (size_t k = pos + 1; k < ne->nvalues; k++) {
            bool added_later = false;
            for (size_t m = i + 1; m < s->nadded; m++)
                if (!strcmp(s->added_values[m], ne->values[k].name))
                    added_later = true;
            if (!added_later)
                is_last_new = false;
        }
        if (!is_last_new && pos + 1 < ne->nvalues) {
            /* BEFORE the next value that already exists by now. */
            for (size_t k = pos + 1; k < ne->nvalues; k++) {
                bool added_later = false;
                for (size_t m = i + 1; m < s->nadded; m++)
                    if (!strcmp(s->added_values[m], ne->values[k].name))
                        added_later = true;
                if (!added_later) {
                    buf_puts(out, " BEFORE ");
                    sql_put_literal(out, ne->values[k].name);
                    break;
                }
            }
        }
        end_stmt(out);
    }
}

/* ALTER COLUMN clauses in Prisma's order: default, nullability, type. */
static void put_alter_column(buf *out, const migrate_column_change *ch, bool *first)
{
    const db_column *n = ch->new;
#define CLAUSE()                                                                             \
    do {                                                                                     \
        if (!*first)                                                                         \
            buf_puts(out, ",\n");                                                            \
        *first = false;                                                                      \
        buf_puts(out, "ALTER COLUMN ");                                                      \
        sql_put_ident(out, n->name);                                                         \
    } while (0)
    if (ch->default_changed) {
        CLAUSE();
        if (n->default_sql && !n->autoincrement) {
            buf_puts(out, " SET DEFAULT ");
            buf_puts(out, n->default_sql);
        } else {
            buf_puts(out, " DROP DEFAULT");
        }
    }
    if (ch->nullability_changed) {
        CLAUSE();
        buf_puts(out, n->not_null ? " SET NOT NULL" : " DROP NOT NULL");
    }
    if (ch->type_changed) {
        CLAUSE();
        buf_puts(out, " SET DATA TYPE ");
        buf_puts(out, n->type);
        if (n->list)
            buf_puts(out, "[]");
    }
#undef CLAUSE
}

static void render_alter_table(render_ctx *cx, const migrate_step *s)
{
    buf *out = cx->out;
    const db_table *ot = s->old_table, *nt = s->new_table;
    char seq_new[300];

    /* Renames cannot share an ALTER TABLE with other clauses. */
    for (size_t i = 0; i < s->nchanges; i++) {
        const migrate_column_change *ch = &s->changes[i];
        if (ch->kind != MIGRATE_RENAME_COLUMN)
            continue;
        buf_puts(out, "ALTER TABLE ");
        put_table_name(out, nt);
        buf_puts(out, " RENAME COLUMN ");
        sql_put_ident(out, ch->old->name);
        buf_puts(out, " TO ");
        sql_put_ident(out, ch->new->name);
        end_stmt(out);
    }
    /* Autoincrement added: the sequence must exist before the default. */
    for (size_t i = 0; i < s->nchanges; i++) {
        const migrate_column_change *ch = &s->changes[i];
        if (ch->kind == MIGRATE_ALTER_COLUMN && ch->new->autoincrement && !ch->old->autoincrement &&
            serial_sequence_name(seq_new, sizeof seq_new, nt->name, ch->new->name)) {
            buf_puts(out, "CREATE SEQUENCE ");
            put_sequence_name(out, nt->schema, seq_new);
            end_stmt(out);
        }
    }

    bool first = true;
    size_t mark = out->len;
    put_alter_table_prefix(out, nt, false);
    size_t body = out->len;
    for (size_t i = 0; i < s->nchanges; i++) {
        const migrate_column_change *ch = &s->changes[i];
        switch (ch->kind) {
        case MIGRATE_RENAME_COLUMN:
        case MIGRATE_RENAME_PRIMARY_KEY:
            continue;
        case MIGRATE_DROP_PRIMARY_KEY:
            if (!first)
                buf_puts(out, ",\n");
            first = false;
            buf_puts(out, "DROP CONSTRAINT ");
            sql_put_ident(out, ot->pk.name);
            break;
        case MIGRATE_DROP_COLUMN:
            if (!first)
                buf_puts(out, ",\n");
            first = false;
            buf_puts(out, "DROP COLUMN ");
            sql_put_ident(out, ch->old->name);
            break;
        case MIGRATE_ADD_COLUMN:
            if (!first)
                buf_puts(out, ",\n");
            first = false;
            buf_puts(out, "ADD COLUMN ");
            put_column_def(out, ch->new);
            break;
        case MIGRATE_RECREATE_COLUMN:
            if (!first)
                buf_puts(out, ",\n");
            first = false;
            buf_puts(out, "DROP COLUMN ");
            sql_put_ident(out, ch->old->name);
            buf_puts(out, ",\nADD COLUMN ");
            put_column_def(out, ch->new);
            break;
        case MIGRATE_ALTER_COLUMN:
            if (ch->new->autoincrement && !ch->old->autoincrement &&
                serial_sequence_name(seq_new, sizeof seq_new, nt->name, ch->new->name)) {
                if (!first)
                    buf_puts(out, ",\n");
                first = false;
                buf_puts(out, "ALTER COLUMN ");
                sql_put_ident(out, ch->new->name);
                buf_puts(out, " SET DEFAULT nextval('");
                buf b = BUF_INIT;
                put_sequence_name(&b, nt->schema, seq_new);
                for (const char *p = buf_cstr(&b); *p; p++) {
                    if (*p == '\'')
                        buf_putc(out, '\'');
                    buf_putc(out, *p);
                }
                buf_free(&b);
                buf_puts(out, "')");
                migrate_column_change rest = *ch;
                rest.default_changed = false;
                put_alter_column(out, &rest, &first);
            } else {
                put_alter_column(out, ch, &first);
            }
            break;
        case MIGRATE_ADD_PRIMARY_KEY:
            if (!first)
                buf_puts(out, ",\n");
            first = false;
            buf_puts(out, "ADD CONSTRAINT ");
            sql_put_ident(out, nt->pk.name);
            buf_puts(out, " PRIMARY KEY (");
            put_ident_list(out, nt->pk.columns, nt->pk.ncolumns, ",");
            buf_putc(out, ')');
            break;
        }
    }
    if (out->len == body)
        buf_truncate(out, mark);
    else
        end_stmt(out);

    /* Then, as Prisma: the primary key's rename, the new sequences' owner. */
    for (size_t i = 0; i < s->nchanges; i++) {
        if (s->changes[i].kind != MIGRATE_RENAME_PRIMARY_KEY)
            continue;
        buf_puts(out, "ALTER TABLE ");
        put_table_name(out, nt);
        buf_puts(out, " RENAME CONSTRAINT ");
        sql_put_ident(out, ot->pk.name);
        buf_puts(out, " TO ");
        sql_put_ident(out, nt->pk.name);
        end_stmt(out);
    }
    for (size_t i = 0; i < s->nchanges; i++) {
        const migrate_column_change *ch = &s->changes[i];
        if (ch->kind == MIGRATE_ALTER_COLUMN && ch->new->autoincrement && !ch->old->autoincrement &&
            serial_sequence_name(seq_new, sizeof seq_new, nt->name, ch->new->name)) {
            buf_puts(out, "ALTER SEQUENCE ");
            put_sequence_name(out, nt->schema, seq_new);
            buf_puts(out, " OWNED BY ");
            put_table_name(out, nt);
            buf_putc(out, '.');
            sql_put_ident(out, ch->new->name);
            end_stmt(out);
        }
    }
    /* `migrate dev` sees the sequence of a column that loses autoincrement()
     * in the database and drops it; `migrate diff` does not know of it. */
    for (size_t i = 0; cx->dev && i < s->nchanges; i++) {
        const migrate_column_change *ch = &s->changes[i];
        if (ch->kind != MIGRATE_ALTER_COLUMN || !ch->old->autoincrement || ch->new->autoincrement)
            continue;
        const char *seq = arena_printf(&cx->scratch, "%s_%s_seq", ot->name, ch->old->name);
        if (strlen(seq) > 63)
            continue; /* PostgreSQL shortened it in a way not mirrored here */
        buf_puts(out, "DROP SEQUENCE ");
        sql_put_qualified(out, ot->schema, seq);
        end_stmt(out);
    }
}

static const char *step_title(migrate_step_kind k)
{
    switch (k) {
    case MIGRATE_CREATE_SCHEMA: return "CreateSchema";
    case MIGRATE_DROP_EXTENSION: return "DropExtension";
    case MIGRATE_CREATE_EXTENSION: return "CreateExtension";
    case MIGRATE_CREATE_ENUM: return "CreateEnum";
    case MIGRATE_RENAME_ENUM: return "RenameEnum";
    case MIGRATE_ALTER_ENUM: return "AlterEnum";
    case MIGRATE_DROP_FOREIGN_KEY: return "DropForeignKey";
    case MIGRATE_DROP_INDEX: return "DropIndex";
    case MIGRATE_RENAME_TABLE: return "RenameTable";
    case MIGRATE_ALTER_TABLE: return "AlterTable";
    case MIGRATE_DROP_TABLE: return "DropTable";
    case MIGRATE_DROP_ENUM: return "DropEnum";
    case MIGRATE_CREATE_TABLE: return "CreateTable";
    case MIGRATE_CREATE_INDEX: return "CreateIndex";
    case MIGRATE_ADD_FOREIGN_KEY: return "AddForeignKey";
    case MIGRATE_RENAME_INDEX: return "RenameIndex";
    case MIGRATE_RENAME_FOREIGN_KEY: return "RenameForeignKey";
    case MIGRATE_RENAME_SEQUENCE: return "RenameSequence";
    }
    return "Step";
}

static void render_step(render_ctx *cx, const migrate_step *s)
{
    buf *out = cx->out;
    switch (s->kind) {
    case MIGRATE_CREATE_SCHEMA:
        buf_puts(out, "CREATE SCHEMA IF NOT EXISTS ");
        sql_put_ident(out, s->namespace);
        end_stmt(out);
        break;
    case MIGRATE_DROP_EXTENSION:
        buf_puts(out, "DROP EXTENSION ");
        sql_put_ident(out, s->extension->name);
        end_stmt(out);
        break;
    case MIGRATE_CREATE_EXTENSION:
        buf_puts(out, "CREATE EXTENSION IF NOT EXISTS ");
        sql_put_ident(out, s->extension->name);
        {
            bool has_schema = s->extension->schema && *s->extension->schema;
            bool has_version = s->extension->version && *s->extension->version;
            if (has_schema || has_version)
                buf_puts(out, " WITH");
            if (has_schema) {
                buf_puts(out, " SCHEMA ");
                sql_put_ident(out, s->extension->schema);
            }
            if (has_version) {
                buf_puts(out, " VERSION ");
                sql_put_ident(out, s->extension->version);
            }
        }
        end_stmt(out);
        break;
    case MIGRATE_CREATE_ENUM:
        render_create_enum(out, s->new_enum);
        break;
    case MIGRATE_RENAME_ENUM:
        buf_puts(out, "ALTER TYPE ");
        put_enum_name(out, s->old_enum);
        buf_puts(out, " RENAME TO ");
        sql_put_ident(out, s->new_enum->name);
        end_stmt(out);
        break;
    case MIGRATE_ALTER_ENUM:
        render_alter_enum(cx, s);
        break;
    case MIGRATE_DROP_FOREIGN_KEY:
        buf_puts(out, "ALTER TABLE ");
        put_table_name(out, s->old_table);
        buf_puts(out, " DROP CONSTRAINT ");
        sql_put_ident(out, s->old_fk->name);
        end_stmt(out);
        break;
    case MIGRATE_DROP_INDEX:
        buf_puts(out, "DROP INDEX ");
        sql_put_qualified(out, s->old_table->schema, s->old_index->name);
        end_stmt(out);
        break;
    case MIGRATE_RENAME_TABLE:
        buf_puts(out, "ALTER TABLE ");
        put_table_name(out, s->old_table);
        buf_puts(out, " RENAME TO ");
        sql_put_ident(out, s->new_table->name);
        end_stmt(out);
        break;
    case MIGRATE_ALTER_TABLE:
        render_alter_table(cx, s);
        break;
    case MIGRATE_DROP_TABLE:
        buf_puts(out, "DROP TABLE ");
        put_table_name(out, s->old_table);
        end_stmt(out);
        break;
    case MIGRATE_DROP_ENUM:
        buf_puts(out, "DROP TYPE ");
        put_enum_name(out, s->old_enum);
        end_stmt(out);
        break;
    case MIGRATE_CREATE_TABLE:
        render_create_table(out, s->new_table);
        break;
    case MIGRATE_CREATE_INDEX:
        render_create_index(out, s->new_table, s->new_index);
        break;
    case MIGRATE_ADD_FOREIGN_KEY:
        render_add_fk(out, s->new_table, s->new_fk);
        break;
    case MIGRATE_RENAME_INDEX:
        buf_puts(out, "ALTER INDEX ");
        sql_put_qualified(out, s->new_table->schema, s->old_index->name);
        buf_puts(out, " RENAME TO ");
        sql_put_ident(out, s->new_index->name);
        end_stmt(out);
        break;
    case MIGRATE_RENAME_FOREIGN_KEY:
        buf_puts(out, "ALTER TABLE ");
        put_table_name(out, s->new_table);
        buf_puts(out, " RENAME CONSTRAINT ");
        sql_put_ident(out, s->old_fk->name);
        buf_puts(out, " TO ");
        sql_put_ident(out, s->new_fk->name);
        end_stmt(out);
        break;
    case MIGRATE_RENAME_SEQUENCE:
        buf_puts(out, "ALTER SEQUENCE ");
        sql_put_qualified(out, s->new_table ? s->new_table->schema : NULL, s->old_name);
        buf_puts(out, " RENAME TO ");
        sql_put_ident(out, s->new_name);
        end_stmt(out);
        break;
    }
}

/* ---- dev order ------------------------------------------------------------------- */

/* `prisma migrate dev` diffs against the introspected database, whose
 * tables come in alphabetical order: steps keyed on the old schema's tables
 * follow that order. */
typedef struct dev_key {
    int group;          /* CREATE_INDEX: new tables (0) before existing ones (1) */
    const char *first;  /* the introspected object's name, alphabetical */
    const char *second;
} dev_key;

static dev_key dev_key_of(const migrate_step *s)
{
    dev_key k = {0, NULL, NULL};
    switch (s->kind) {
    case MIGRATE_DROP_FOREIGN_KEY:
        k.first = s->old_table->name;
        k.second = s->old_fk->name;
        break;
    case MIGRATE_DROP_INDEX:
        k.first = s->old_table->name;
        k.second = s->old_index->name;
        break;
    case MIGRATE_RENAME_INDEX:
        k.first = s->old_table->name;
        k.second = s->old_index->name;
        break;
    case MIGRATE_RENAME_FOREIGN_KEY:
        k.first = s->old_table->name;
        k.second = s->old_fk->name;
        break;
    case MIGRATE_ALTER_TABLE:
    case MIGRATE_DROP_TABLE:
    case MIGRATE_RENAME_TABLE:
        k.first = s->old_table->name;
        break;
    case MIGRATE_CREATE_INDEX:
        if (s->key1 > 0) {
            k.group = 1;
            k.first = s->new_table->name;
        }
        break;
    case MIGRATE_ALTER_ENUM:
    case MIGRATE_DROP_ENUM:
    case MIGRATE_RENAME_ENUM:
        k.first = s->old_enum->name;
        break;
    default:
        break;
    }
    return k;
}

static int dev_cmp(const void *pa, const void *pb)
{
    const migrate_step *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    dev_key ka = dev_key_of(a), kb = dev_key_of(b);
    if (ka.group != kb.group)
        return ka.group < kb.group ? -1 : 1;
    if (ka.first && kb.first) {
        int c = strcmp(ka.first, kb.first);
        if (c)
            return c;
    }
    if (ka.second && kb.second) {
        int c = strcmp(ka.second, kb.second);
        if (c)
            return c;
    }
    if (a->key1 != b->key1)
        return a->key1 < b->key1 ? -1 : 1;
    if (a->key2 != b->key2)
        return a->key2 < b->key2 ? -1 : 1;
    if (a->key3 != b->key3)
        return a->key3 < b->key3 ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- entry points ----------------------------------------------------------------- */

static void put_bullets(buf *out, const char *w)
{
    while (w && *w) {
        const char *nl = strchr(w, '\n');
        size_t n = nl ? (size_t)(nl - w) : strlen(w);
        buf_puts(out, "  - ");
        buf_put(out, w, n);
        buf_putc(out, '\n');
        w += n + (nl ? 1 : 0);
    }
}

void migrate_render_warnings(const migrate_steps *steps, buf *out)
{
    bool any = false;
    for (size_t i = 0; i < steps->count; i++)
        if (steps->items[i].warning || steps->items[i].unexecutable)
            any = true;
    if (!any)
        return;
    buf_puts(out, "/*\n  Warnings:\n\n");
    for (size_t i = 0; i < steps->count; i++)
        put_bullets(out, steps->items[i].warning);
    for (size_t i = 0; i < steps->count; i++)
        put_bullets(out, steps->items[i].unexecutable);
    buf_puts(out, "\n*/\n");
}

void migrate_render_sql(migrate_steps *steps, buf *out, const migrate_render_opts *opts)
{
    migrate_render_opts def = {0};
    if (!opts)
        opts = &def;
    render_ctx cx = {.out = out, .steps = steps, .dev = opts->style == MIGRATE_SQL_DEV};
    if (cx.dev && steps->count > 1)
        qsort(steps->items, steps->count, sizeof *steps->items, dev_cmp);

    size_t rendered = 0;
    size_t start = out->len;
    if (cx.dev)
        migrate_render_warnings(steps, out);
    for (size_t i = 0; i < steps->count; i++) {
        const migrate_step *s = &steps->items[i];
        if (cx.dev && s->kind == MIGRATE_CREATE_SCHEMA && !strcmp(s->namespace, "public"))
            continue;
        if (rendered)
            buf_putc(out, '\n');
        buf_puts(out, "-- ");
        buf_puts(out, step_title(s->kind));
        buf_putc(out, '\n');
        render_step(&cx, s);
        rendered++;
    }
    if (!rendered) {
        buf_truncate(out, start);
        buf_puts(out, "-- This is an empty migration.");
        if (!cx.dev)
            buf_putc(out, '\n');
    }
    if (!cx.dev && opts->cli_trailer)
        buf_puts(out, "\n\n");
    arena_free(&cx.scratch);
}
