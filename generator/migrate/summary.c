/*
 * summary.c — `migrate diff` without --script: what changes, in words,
 * grouped as Prisma groups it ("[+] Added tables", "[*] Changed the `T`
 * table"), then the destructive steps and the probable renames.
 */
#include <string.h>

#include "sql.h"

static void put_cols(buf *out, const char *const *cols, size_t n)
{
    buf_putc(out, '(');
    for (size_t i = 0; i < n; i++)
        buf_printf(out, "%s%s", i ? ", " : "", cols[i]);
    buf_putc(out, ')');
}

static void put_index_cols(buf *out, const db_index *ix)
{
    buf_putc(out, '(');
    for (size_t i = 0; i < ix->ncolumns; i++)
        buf_printf(out, "%s%s", i ? ", " : "", ix->columns[i].name);
    buf_putc(out, ')');
}

/* Lists the steps of one kind as "  - name" under a heading. */
static void section(buf *out, const migrate_steps *st, migrate_step_kind kind, const char *title)
{
    bool any = false;
    for (size_t i = 0; i < st->count; i++) {
        const migrate_step *s = &st->items[i];
        if (s->kind != kind)
            continue;
        if (!any)
            buf_printf(out, "\n%s\n", title);
        any = true;
        const char *name = "";
        switch (kind) {
        case MIGRATE_CREATE_SCHEMA: name = s->namespace; break;
        case MIGRATE_CREATE_EXTENSION:
        case MIGRATE_DROP_EXTENSION: name = s->extension->name; break;
        case MIGRATE_CREATE_ENUM: name = s->new_enum->name; break;
        case MIGRATE_DROP_ENUM: name = s->old_enum->name; break;
        case MIGRATE_CREATE_TABLE: name = s->new_table->name; break;
        case MIGRATE_DROP_TABLE: name = s->old_table->name; break;
        default: break;
        }
        buf_printf(out, "  - %s\n", name);
    }
}

/* Whether a step belongs under "Changed the `name` table". */
static const char *changed_table(const migrate_step *s)
{
    switch (s->kind) {
    case MIGRATE_RENAME_TABLE:
    case MIGRATE_ALTER_TABLE:
    case MIGRATE_RENAME_INDEX:
    case MIGRATE_RENAME_FOREIGN_KEY:
    case MIGRATE_RENAME_SEQUENCE:
        return s->new_table->name;
    case MIGRATE_DROP_INDEX:
        return s->old_table->name;
    case MIGRATE_DROP_FOREIGN_KEY:
        return s->old_table->name;
    case MIGRATE_CREATE_INDEX:
    case MIGRATE_ADD_FOREIGN_KEY:
        return s->new_table->name;
    default:
        return NULL;
    }
}

static void table_line(buf *out, const migrate_step *s)
{
    switch (s->kind) {
    case MIGRATE_RENAME_TABLE:
        buf_printf(out, "  [*] Renamed from `%s`\n", s->old_table->name);
        break;
    case MIGRATE_DROP_FOREIGN_KEY:
        buf_puts(out, "  [-] Removed foreign key on columns ");
        put_cols(out, s->old_fk->columns, s->old_fk->ncolumns);
        buf_putc(out, '\n');
        break;
    case MIGRATE_ADD_FOREIGN_KEY:
        buf_puts(out, "  [+] Added foreign key on columns ");
        put_cols(out, s->new_fk->columns, s->new_fk->ncolumns);
        buf_putc(out, '\n');
        break;
    case MIGRATE_DROP_INDEX:
        buf_printf(out, "  [-] Removed %sindex on columns ", s->old_index->unique ? "unique " : "");
        put_index_cols(out, s->old_index);
        buf_putc(out, '\n');
        break;
    case MIGRATE_CREATE_INDEX:
        buf_printf(out, "  [+] Added %sindex on columns ", s->new_index->unique ? "unique " : "");
        put_index_cols(out, s->new_index);
        buf_putc(out, '\n');
        break;
    case MIGRATE_RENAME_INDEX:
        buf_printf(out, "  [*] Renamed index `%s` to `%s`\n", s->old_index->name, s->new_index->name);
        break;
    case MIGRATE_RENAME_FOREIGN_KEY:
        buf_printf(out, "  [*] Renamed foreign key `%s` to `%s`\n", s->old_fk->name, s->new_fk->name);
        break;
    case MIGRATE_RENAME_SEQUENCE:
        buf_printf(out, "  [*] Renamed sequence `%s` to `%s`\n", s->old_name, s->new_name);
        break;
    case MIGRATE_ALTER_TABLE:
        for (size_t k = 0; k < s->nchanges; k++) {
            const migrate_column_change *c = &s->changes[k];
            switch (c->kind) {
            case MIGRATE_DROP_PRIMARY_KEY:
                buf_puts(out, "  [-] Dropped the primary key on columns ");
                put_cols(out, s->old_table->pk.columns, s->old_table->pk.ncolumns);
                buf_putc(out, '\n');
                break;
            case MIGRATE_ADD_PRIMARY_KEY:
                buf_puts(out, "  [+] Added primary key on columns ");
                put_cols(out, s->new_table->pk.columns, s->new_table->pk.ncolumns);
                buf_putc(out, '\n');
                break;
            case MIGRATE_RENAME_PRIMARY_KEY:
                buf_printf(out, "  [*] Renamed primary key `%s` to `%s`\n", s->old_table->pk.name,
                           s->new_table->pk.name);
                break;
            case MIGRATE_RENAME_COLUMN:
                buf_printf(out, "  [*] Renamed column `%s` to `%s`\n", c->old->name, c->new->name);
                break;
            case MIGRATE_DROP_COLUMN:
                buf_printf(out, "  [-] Removed column `%s`\n", c->old->name);
                break;
            case MIGRATE_ADD_COLUMN:
                buf_printf(out, "  [+] Added column `%s`\n", c->new->name);
                break;
            case MIGRATE_RECREATE_COLUMN:
                buf_printf(out, "  [*] Dropped and recreated column `%s` (type changed)\n",
                           c->new->name);
                break;
            case MIGRATE_ALTER_COLUMN: {
                buf_printf(out, "  [*] Altered column `%s` (", c->new->name);
                const char *sep = "";
                if (c->type_changed)
                    buf_printf(out, "%stype changed", sep), sep = ", ";
                if (c->nullability_changed)
                    buf_printf(out, "%schanged from %s to %s", sep,
                               c->new->not_null ? "Optional" : "Required",
                               c->new->not_null ? "Required" : "Optional"),
                        sep = ", ";
                if (c->default_changed)
                    buf_printf(out, "%sdefault changed from `%s` to `%s`", sep,
                               c->old->default_sql ? c->old->default_sql : "None",
                               c->new->default_sql ? c->new->default_sql : "None");
                buf_puts(out, ")\n");
                break;
            }
            }
        }
        break;
    default:
        break;
    }
}

void migrate_render_summary(const migrate_steps *st, buf *out)
{
    if (!st->count) {
        buf_puts(out, "No difference detected.\n");
    } else {
        section(out, st, MIGRATE_CREATE_SCHEMA, "[+] Added Schemas");
        section(out, st, MIGRATE_CREATE_EXTENSION, "[+] Added extensions");
        section(out, st, MIGRATE_DROP_EXTENSION, "[-] Removed extensions");
        section(out, st, MIGRATE_CREATE_ENUM, "[+] Added enums");
        section(out, st, MIGRATE_DROP_ENUM, "[-] Removed enums");
        for (size_t i = 0; i < st->count; i++) {
            const migrate_step *s = &st->items[i];
            if (s->kind == MIGRATE_RENAME_ENUM)
                buf_printf(out, "\n[*] Renamed the enum `%s` to `%s`\n", s->old_enum->name,
                           s->new_enum->name);
            if (s->kind != MIGRATE_ALTER_ENUM)
                continue;
            buf_printf(out, "\n[*] Changed the `%s` enum\n", s->new_enum->name);
            for (size_t k = 0; k < s->nadded; k++)
                buf_printf(out, "  [+] Added variant `%s`\n", s->added_values[k]);
            for (size_t k = 0; k < s->nremoved; k++)
                buf_printf(out, "  [-] Removed variant `%s`\n", s->removed_values[k]);
        }
        section(out, st, MIGRATE_CREATE_TABLE, "[+] Added tables");
        section(out, st, MIGRATE_DROP_TABLE, "[-] Removed tables");

        /* Changed tables (created ones too: their indexes and keys), each once. */
        const char **seen = NULL;
        size_t nseen = 0, cseen = 0;
        arena a = ARENA_INIT;
        for (size_t i = 0; i < st->count; i++) {
            const char *t = changed_table(&st->items[i]);
            if (!t)
                continue;
            bool dup = false;
            for (size_t k = 0; k < nseen; k++)
                dup |= !strcmp(seen[k], t);
            if (!dup)
                ARENA_PUSH(&a, seen, nseen, cseen, t);
        }
        /* Prisma lists changed tables alphabetically. */
        for (size_t i = 1; i < nseen; i++)
            for (size_t k = i; k > 0 && strcmp(seen[k - 1], seen[k]) > 0; k--) {
                const char *x = seen[k];
                seen[k] = seen[k - 1];
                seen[k - 1] = x;
            }
        for (size_t k = 0; k < nseen; k++) {
            buf_printf(out, "\n[*] Changed the `%s` table\n", seen[k]);
            for (size_t i = 0; i < st->count; i++) {
                const char *t = changed_table(&st->items[i]);
                if (t && !strcmp(t, seen[k]))
                    table_line(out, &st->items[i]);
            }
        }
        arena_free(&a);

        bool warned = false;
        for (size_t i = 0; i < st->count; i++) {
            const char *w = st->items[i].warning;
            if (!w)
                continue;
            if (!warned)
                buf_puts(out, "\n[!] Warnings\n");
            warned = true;
            while (*w) {
                const char *nl = strchr(w, '\n');
                size_t n = nl ? (size_t)(nl - w) : strlen(w);
                buf_puts(out, "  - ");
                buf_put(out, w, n);
                buf_putc(out, '\n');
                w += n + (nl ? 1 : 0);
            }
        }
    }
    if (st->nnotes) {
        buf_puts(out, "\n[?] Probable renames (nothing is renamed on a guess)\n");
        for (size_t i = 0; i < st->nnotes; i++)
            buf_printf(out, "  - %s\n", st->notes[i]);
    }
    if (st->count)
        buf_puts(out, "\n\n"); /* as the Prisma CLI prints it */
}
