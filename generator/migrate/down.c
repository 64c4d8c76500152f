#include "down.h"

#include <errno.h>
#include <string.h>

#include "folder.h"
#include "sql.h"

migrate_steps *down_steps(const model_schema *before, const model_schema *after, arena *a)
{
    /* The differ knows an empty "from" only; an empty "to" is an empty
     * model's picture. */
    const db_schema *from = dbschema_from_model(after, a);
    const db_schema *to = before ? dbschema_from_model(before, a) : dbschema_empty(a);
    return migrate_diff_db(from, to, a);
}

/* The index name after CONCURRENTLY in `sql` (unquoted, in `a`), or NULL. */
static const char *concurrent_index_name(const char *sql, arena *a)
{
    const char *p = strstr(sql, "CONCURRENTLY");
    if (!p)
        return NULL;
    p += strlen("CONCURRENTLY");
    while (*p == ' ' || *p == '\n' || *p == '\t')
        p++;
    if (*p != '"')
        return NULL;
    buf name = BUF_INIT;
    for (p++; *p; p++) {
        if (*p == '"' && p[1] == '"')
            buf_putc(&name, *p++);
        else if (*p == '"')
            break;
        else
            buf_putc(&name, *p);
    }
    const char *out = *p == '"' ? arena_strdup(a, buf_cstr(&name)) : NULL;
    buf_free(&name);
    return out;
}

migrate_steps *down_take_index_drop(migrate_steps *steps, const char *create_index_sql,
                                    arena *a)
{
    const char *name = concurrent_index_name(create_index_sql, a);
    if (!name)
        return NULL;
    for (size_t i = 0; i < steps->count; i++) {
        const migrate_step *s = &steps->items[i];
        if (s->kind != MIGRATE_DROP_INDEX || strcmp(s->old_index->name, name) != 0)
            continue;
        migrate_steps *one = arena_alloc(a, sizeof *one);
        one->items = arena_alloc(a, sizeof *one->items);
        one->items[0] = *s;
        one->count = one->cap = 1;
        one->from = steps->from;
        one->to = steps->to;
        memmove(&steps->items[i], &steps->items[i + 1],
                (steps->count - i - 1) * sizeof *steps->items);
        steps->count--;
        return one;
    }
    return NULL;
}

void down_render(migrate_steps *steps, const char *name, buf *out)
{
    buf_printf(out,
               "-- down.sql of %s: undoes its migration.sql (`refract migrate down` runs it).\n",
               name);
    migrate_render_sql(steps, out, &(migrate_render_opts){.style = MIGRATE_SQL_DEV});
    if (out->len && out->data[out->len - 1] != '\n')
        buf_putc(out, '\n');
}

int down_write(const char *migrations, const char *name, migrate_steps *steps, buf *err)
{
    migrate_steps none = {0};
    buf text = BUF_INIT, path = BUF_INIT;
    down_render(steps ? steps : &none, name, &text);
    buf_printf(&path, "%s/%s/%s", migrations, name, MIGRATION_DOWN_FILE);
    int rc = write_file_all(path.data, text.data, text.len);
    if (rc != 0)
        buf_printf(err, "cannot write %s: %s\n", path.data, strerror(errno));
    buf_free(&path);
    buf_free(&text);
    return rc;
}
