#include "replaces.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/uuid.h"

/* "<14 digits>_<name>": the shape of a migration folder's name. */
static bool looks_like_migration_name(const char *s, size_t n)
{
    if (n < 15 || n > MIGRATION_NAME_MAX || s[14] != '_')
        return false;
    for (int i = 0; i < 14; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || isspace((unsigned char)s[i]))
            return false;
    return true;
}

void replaces_read(const char *path, migration_file *m, buf *err)
{
    size_t len;
    char *text = read_regular_file(path, &len, err);
    if (!text)
        return;
    unsigned line = 0;
    for (const char *p = text; p < text + len;) {
        const char *eol = memchr(p, '\n', (size_t)(text + len - p));
        const char *end = eol ? eol : text + len;
        line++;
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (a < b && *a != '#') {
            if (!looks_like_migration_name(a, (size_t)(b - a))) {
                buf_printf(err,
                           "%s:%u: `%.*s` is not a migration folder name (expected "
                           "<YYYYMMDDHHMMSS>_<name>, one per line)\n",
                           path, line, (int)(b - a), a);
            } else {
                char **grown = realloc(m->replaces, (m->nreplaces + 1) * sizeof *grown);
                char *name = strndup(a, (size_t)(b - a));
                if (!grown || !name) {
                    fputs("refract: out of memory\n", stderr);
                    abort();
                }
                m->replaces = grown;
                m->replaces[m->nreplaces++] = name;
            }
        }
        p = end + (eol ? 1 : 0);
    }
    free(text);
}

void replaces_render(char *const *names, size_t n, buf *out)
{
    buf_puts(out, "# refract migrate squash: this migration does what the migrations below did.\n"
                  "# A database that applied all of them records it as applied without running "
                  "it\n"
                  "# (`refract migrate deploy`); a fresh database runs it.\n");
    for (size_t i = 0; i < n; i++)
        buf_printf(out, "%s\n", names[i]);
}

const migration_file *migrations_replacing(const migration_folder *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        for (size_t k = 0; k < f->items[i].nreplaces; k++)
            if (!strcmp(f->items[i].replaces[k], name))
                return &f->items[i];
    return NULL;
}

static bool applied_in(const history *h, const char *name)
{
    for (size_t j = 0; j < h->count; j++)
        if (!strcmp(h->rows[j].migration_name, name) && history_row_applied(&h->rows[j]))
            return true;
    return false;
}

replaces_action replaces_action_for(const migration_file *m, const history *h, buf *err)
{
    size_t applied = 0;
    for (size_t k = 0; k < m->nreplaces; k++)
        applied += applied_in(h, m->replaces[k]);
    if (applied == 0)
        return REPLACES_RUN;
    if (applied == m->nreplaces)
        return REPLACES_RECORD;
    buf_printf(err,
               "migration `%s` squashes %zu migrations, and this database applied only %zu of "
               "them:\n",
               m->name, m->nreplaces, applied);
    for (size_t k = 0; k < m->nreplaces; k++)
        buf_printf(err, "  %s %s\n", applied_in(h, m->replaces[k]) ? "applied    " : "not applied",
                   m->replaces[k]);
    buf_printf(err,
               "  Running it would repeat what the applied ones did; recording it would skip "
               "what the others do.\n"
               "  Deploy the original migrations first (from the commit before the squash), "
               "then deploy again: `%s` is then recorded as applied without running.\n"
               "  Nothing was applied.\n",
               m->name);
    return REPLACES_PARTIAL;
}

int replaces_record_applied(PGconn *pg, const char *schema, const migration_file *m, buf *err)
{
    char id[UUID_STR_LEN + 1];
    if (uuid_v4(id) != 0) {
        buf_puts(err, "cannot make a migration id: the system gave no random bytes\n");
        return -1;
    }
    char *table = history_table_sql(schema);
    buf sql = BUF_INIT;
    buf_printf(&sql,
               "INSERT INTO %s (id, checksum, started_at, finished_at, migration_name, "
               "applied_steps_count) VALUES ($1, $2, now(), now(), $3, 0)",
               table);
    const char *p[] = {id, m->checksum, m->name};
    int rc = history_exec(pg, "cannot record the squashed migration", sql.data, 3, p, err);
    buf_free(&sql);
    free(table);
    return rc;
}
