/*
 * steps_json.c — the steps of a migration as JSON (`migrate diff --json`),
 * for CI and editors. The shape is documented in README "Machine-readable
 * output"; keys are only ever added.
 */
#include <string.h>

#include "sql.h"

static const char *const step_kinds[] = {
    [MIGRATE_CREATE_SCHEMA] = "CreateSchema",
    [MIGRATE_DROP_EXTENSION] = "DropExtension",
    [MIGRATE_CREATE_EXTENSION] = "CreateExtension",
    [MIGRATE_CREATE_ENUM] = "CreateEnum",
    [MIGRATE_RENAME_ENUM] = "RenameEnum",
    [MIGRATE_ALTER_ENUM] = "AlterEnum",
    [MIGRATE_DROP_FOREIGN_KEY] = "DropForeignKey",
    [MIGRATE_DROP_INDEX] = "DropIndex",
    [MIGRATE_RENAME_TABLE] = "RenameTable",
    [MIGRATE_ALTER_TABLE] = "AlterTable",
    [MIGRATE_DROP_TABLE] = "DropTable",
    [MIGRATE_DROP_ENUM] = "DropEnum",
    [MIGRATE_CREATE_TABLE] = "CreateTable",
    [MIGRATE_CREATE_INDEX] = "CreateIndex",
    [MIGRATE_ADD_FOREIGN_KEY] = "AddForeignKey",
    [MIGRATE_RENAME_FOREIGN_KEY] = "RenameForeignKey",
    [MIGRATE_RENAME_INDEX] = "RenameIndex",
    [MIGRATE_RENAME_SEQUENCE] = "RenameSequence",
};

static const char *const change_kinds[] = {
    [MIGRATE_DROP_PRIMARY_KEY] = "DropPrimaryKey", [MIGRATE_RENAME_COLUMN] = "RenameColumn",
    [MIGRATE_DROP_COLUMN] = "DropColumn",         [MIGRATE_ADD_COLUMN] = "AddColumn",
    [MIGRATE_ALTER_COLUMN] = "AlterColumn",       [MIGRATE_RECREATE_COLUMN] = "RecreateColumn",
    [MIGRATE_ADD_PRIMARY_KEY] = "AddPrimaryKey",  [MIGRATE_RENAME_PRIMARY_KEY] = "RenamePrimaryKey",
};

static const char *const risks[] = {
    [MIGRATE_RISK_NONE] = NULL,
    [MIGRATE_RISK_DROP_TABLE] = "DropTable",
    [MIGRATE_RISK_DROP_COLUMN] = "DropColumn",
    [MIGRATE_RISK_RECREATE_COLUMN] = "RecreateColumn",
    [MIGRATE_RISK_NARROWING_CAST] = "NarrowingCast",
    [MIGRATE_RISK_REQUIRED_NO_DEFAULT] = "RequiredColumnWithoutDefault",
    [MIGRATE_RISK_MADE_REQUIRED] = "MadeRequired",
    [MIGRATE_RISK_ENUM_VALUES_REMOVED] = "EnumValuesRemoved",
    [MIGRATE_RISK_UNIQUE_ADDED] = "UniqueAdded",
    [MIGRATE_RISK_PRIMARY_KEY_CHANGED] = "PrimaryKeyChanged",
};

/* The step's object type and name: what a reader looks for first. */
static void object(const migrate_step *s, const char **type, const char **name, const char **schema)
{
    const db_table *t = s->new_table ? s->new_table : s->old_table;
    const db_enum *e = s->new_enum ? s->new_enum : s->old_enum;
    *schema = NULL;
    switch (s->kind) {
    case MIGRATE_CREATE_SCHEMA: *type = "schema", *name = s->namespace; return;
    case MIGRATE_DROP_EXTENSION:
    case MIGRATE_CREATE_EXTENSION:
        *type = "extension", *name = s->extension ? s->extension->name : NULL;
        return;
    case MIGRATE_CREATE_ENUM:
    case MIGRATE_RENAME_ENUM:
    case MIGRATE_ALTER_ENUM:
    case MIGRATE_DROP_ENUM:
        *type = "enum", *name = e ? e->name : NULL, *schema = e ? e->schema : NULL;
        return;
    case MIGRATE_DROP_FOREIGN_KEY:
    case MIGRATE_ADD_FOREIGN_KEY:
    case MIGRATE_RENAME_FOREIGN_KEY:
        *type = "foreignKey";
        *name = s->new_fk ? s->new_fk->name : s->old_fk ? s->old_fk->name : NULL;
        break;
    case MIGRATE_DROP_INDEX:
    case MIGRATE_CREATE_INDEX:
    case MIGRATE_RENAME_INDEX:
        *type = "index";
        *name = s->new_index ? s->new_index->name : s->old_index ? s->old_index->name : NULL;
        break;
    case MIGRATE_RENAME_SEQUENCE: *type = "sequence", *name = s->new_name; break;
    default: *type = "table", *name = t ? t->name : NULL; break;
    }
    if (t)
        *schema = t->schema;
}

/* A '\n'-separated text as an array of its lines. */
static void lines(buf *out, const char *key, const char *text)
{
    buf_printf(out, ",\"%s\":[", key);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (p != text)
            buf_putc(out, ',');
        buf_put_json_n(out, p, n);
        p = nl ? nl + 1 : p + n;
    }
    buf_putc(out, ']');
}

void migrate_render_json(const migrate_steps *st, buf *out)
{
    bool data_loss = false;
    for (size_t i = 0; i < st->count; i++)
        data_loss |= st->items[i].destructive;
    buf_printf(out, "{\"empty\":%s,\"dataLoss\":%s,\"steps\":[", st->count ? "false" : "true",
               data_loss ? "true" : "false");
    for (size_t i = 0; i < st->count; i++) {
        const migrate_step *s = &st->items[i];
        const char *type, *name, *schema;
        object(s, &type, &name, &schema);
        buf_printf(out, "%s{\"kind\":\"%s\",\"objectType\":\"%s\",\"object\":", i ? "," : "",
                   step_kinds[s->kind], type);
        buf_put_json(out, name);
        buf_puts(out, ",\"schema\":");
        buf_put_json(out, schema);
        const db_table *t = s->new_table ? s->new_table : s->old_table;
        if (t && strcmp(type, "table")) {
            buf_puts(out, ",\"table\":");
            buf_put_json(out, t->name);
        }
        buf_printf(out, ",\"dataLoss\":%s,\"risk\":", s->destructive ? "true" : "false");
        buf_put_json(out, risks[s->risk]);
        lines(out, "warnings", s->warning);
        lines(out, "unexecutable", s->unexecutable);
        if (s->kind == MIGRATE_ALTER_TABLE) {
            buf_puts(out, ",\"changes\":[");
            for (size_t k = 0; k < s->nchanges; k++) {
                const migrate_column_change *c = &s->changes[k];
                const db_column *col = c->new ? c->new : c->old;
                buf_printf(out, "%s{\"kind\":\"%s\",\"column\":", k ? "," : "", change_kinds[c->kind]);
                buf_put_json(out, col ? col->name : NULL);
                buf_printf(out, ",\"dataLoss\":%s}", c->risk != MIGRATE_RISK_NONE ? "true" : "false");
            }
            buf_putc(out, ']');
        }
        buf_putc(out, '}');
    }
    buf_puts(out, "],\"notes\":[");
    for (size_t i = 0; i < st->nnotes; i++) {
        if (i)
            buf_putc(out, ',');
        buf_put_json(out, st->notes[i]);
    }
    buf_puts(out, "]}\n");
}
