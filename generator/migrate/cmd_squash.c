/*
 * cmd_squash.c — `refract migrate squash`.
 *
 * The squashed migration is the diff from the schema before A (the saved
 * schema.prisma of the migration before A, or an empty database) to the
 * schema after B (B's saved schema.prisma), written by the same renderer
 * as `migrate dev`, with its down.sql, B's schema.prisma and replaces.txt
 * naming A..B (replaces.h: what lets databases that applied the originals
 * record it without running it). It takes B's timestamp, so it sorts where
 * B did, and a name of its own (B's name + "_squashed", or --name): a
 * database that applied B must not mistake it for B.
 *
 * The new folder is written under a hidden name and renamed into place
 * before the originals are removed: an interruption leaves the originals
 * or both, never neither. No database is touched.
 */
#include "cmd_squash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli.h"
#include "../parse/parse.h"
#include "diff.h"
#include "down.h"
#include "options.h"
#include "project.h"
#include "replaces.h"
#include "snapshot.h"
#include "sql.h"

static const char squash_usage[] =
    "Usage: refract migrate squash --from A --to B [--name NAME] [--schema PATH]\n"
    "\n"
    "Replace the migrations A..B (folder names, both included) with one migration\n"
    "that has the same effect: the SQL from the schema before A to the schema after\n"
    "B. It is named <B's timestamp>_<B's name>_squashed (or <B's timestamp>_NAME)\n"
    "and holds migration.sql, down.sql, schema.prisma and replaces.txt, the list of\n"
    "the migrations it replaces. The originals' folders are removed.\n"
    "\n"
    "Databases stay consistent: on a database that applied A..B, `refract migrate\n"
    "deploy` records the squashed migration as applied without running it (what\n"
    "Prisma's manual squashing does with `prisma migrate resolve --applied`); a fresh\n"
    "database runs it. A database that applied only part of A..B is refused: deploy\n"
    "the originals there first.\n"
    "\n"
    "SQL written by hand in A..B (data changes, edits to the generated SQL) is not\n"
    "carried over: the squashed SQL is computed from the saved schemas. Review it.\n"
    "\n"
    "  --from A      the oldest migration to replace\n"
    "  --to B        the newest migration to replace\n"
    "  --name NAME   the squashed migration's name (made lower_snake_case)\n"
    "  --schema PATH the schema whose migrations folder is meant (default\n"
    "                ./prisma/schema.prisma, ./schema.prisma)\n";

static long find(const migration_folder *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->items[i].name, name))
            return (long)i;
    fprintf(stderr,
            "error: P3017: the migration `%s` could not be found in %s. Give the whole name of "
            "its folder, e.g. 20240101120000_init.\n",
            name, f->path);
    return -1;
}

/* "<B's timestamp>_<slug>" (heap), or NULL after saying why. */
static char *squashed_name(const migration_folder *f, long from, long to, const char *name)
{
    const char *b = f->items[to].name;
    buf out = BUF_INIT;
    if (name) {
        char *slug = migration_slug(name);
        buf_printf(&out, "%.14s_%s", b, slug);
        free(slug);
    } else {
        buf_printf(&out, "%s_squashed", b);
    }
    if (out.len > MIGRATION_NAME_MAX)
        buf_truncate(&out, MIGRATION_NAME_MAX);
    buf_cstr(&out);
    for (size_t i = 0; i < f->count; i++) {
        if (strcmp(f->items[i].name, out.data) != 0)
            continue;
        if ((long)i >= from && (long)i <= to)
            fprintf(stderr,
                    "error: the squashed migration would be named `%s`, like one it replaces: a "
                    "database that applied that one would take the squashed one for it. Give "
                    "another --name.\n",
                    out.data);
        else
            fprintf(stderr, "error: a migration named `%s` exists already; give another --name.\n",
                    out.data);
        buf_free(&out);
        return NULL;
    }
    return buf_steal(&out);
}

static int write_in(const char *dir, const char *file, const char *text, size_t len)
{
    buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", dir, file);
    int rc = write_file_all(path.data, text, len);
    if (rc != 0)
        fprintf(stderr, "error: cannot write %s: %s\n", path.data, strerror(errno));
    buf_free(&path);
    return rc;
}

/* Remove a migration folder holding only the files refract knows. */
static int remove_folder(const char *dir)
{
    static const char *const files[] = {MIGRATION_SQL_FILE, MIGRATION_SCHEMA_FILE,
                                        MIGRATION_DOWN_FILE, MIGRATION_REPLACES_FILE};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", dir, files[i]);
        int gone = unlink(path.data) == 0 || errno == ENOENT;
        buf_free(&path);
        if (!gone)
            break;
    }
    return rmdir(dir);
}

static int remove_migration(const migration_file *m)
{
    if (remove_folder(m->dir) != 0) {
        fprintf(stderr, "error: cannot remove %s: %s (remove it by hand: the squashed migration "
                        "replaces it)\n",
                m->dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* migration.sql, down.sql, schema.prisma and replaces.txt of the squashed
 * migration, in a hidden folder renamed to `name` at the end. */
static int write_squashed(const migration_folder *f, long from, long to, const char *name)
{
    ast_schema ast_before = {0}, ast_after = {0};
    arena a = ARENA_INIT;
    model_schema *before = NULL, *after = NULL;
    buf sql = BUF_INIT, down = BUF_INIT, list = BUF_INIT, tmp = BUF_INIT, final = BUF_INIT,
        err = BUF_INIT;
    char *schema_text = NULL;
    size_t schema_len = 0;
    int rc = -1;
    if (migration_snapshot_model(f, from - 1, &ast_before, &a, &before) != 0 ||
        migration_snapshot_model(f, to, &ast_after, &a, &after) != 0)
        goto out;
    buf_printf(&tmp, "%s/%s", f->items[to].dir, MIGRATION_SCHEMA_FILE);
    if (!(schema_text = read_regular_file(tmp.data, &schema_len, &err))) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        goto out;
    }
    buf_printf(&sql, "-- Squashed by `refract migrate squash`: does what %s .. %s did (see "
                     "replaces.txt).\n",
               f->items[from].name, f->items[to].name);
    migrate_render_sql(migrate_diff(before, after, &a), &sql,
                       &(migrate_render_opts){.style = MIGRATE_SQL_DEV});
    if (sql.data[sql.len - 1] != '\n')
        buf_putc(&sql, '\n');
    down_render(down_steps(before, after, &a), name, &down);
    char **names = calloc((size_t)(to - from + 1), sizeof *names);
    if (!names)
        abort();
    for (long i = from; i <= to; i++)
        names[i - from] = f->items[i].name;
    replaces_render(names, (size_t)(to - from + 1), &list);
    free(names);

    buf_truncate(&tmp, 0);
    buf_printf(&tmp, "%s/.squash-%ld", f->path, (long)getpid());
    buf_printf(&final, "%s/%s", f->path, name);
    if (mkdir(tmp.data, 0777) != 0) {
        fprintf(stderr, "error: cannot create %s: %s\n", tmp.data, strerror(errno));
        goto out;
    }
    if (write_in(tmp.data, MIGRATION_SQL_FILE, sql.data, sql.len) != 0 ||
        write_in(tmp.data, MIGRATION_DOWN_FILE, down.data, down.len) != 0 ||
        write_in(tmp.data, MIGRATION_SCHEMA_FILE, schema_text, schema_len) != 0 ||
        write_in(tmp.data, MIGRATION_REPLACES_FILE, list.data, list.len) != 0) {
        remove_folder(tmp.data);
        goto out;
    }
    if (rename(tmp.data, final.data) != 0) {
        fprintf(stderr, "error: cannot rename %s to %s: %s\n", tmp.data, final.data,
                strerror(errno));
        remove_folder(tmp.data);
        goto out;
    }
    rc = 0;
out:
    free(schema_text);
    buf_free(&sql);
    buf_free(&down);
    buf_free(&list);
    buf_free(&tmp);
    buf_free(&final);
    buf_free(&err);
    arena_free(&a);
    ast_schema_free(&ast_before);
    ast_schema_free(&ast_after);
    return rc;
}

int migrate_squash_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_FROM | OPT_TO | OPT_NAME, &o);
    if (rc >= 0) {
        fputs(squash_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    if (!o.from || !o.to) {
        fputs("error: give the range to squash with --from A --to B\n\n", stderr);
        fputs(squash_usage, stderr);
        return EXIT_USAGE;
    }
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    char *name = NULL;
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) != 0)
        goto out;
    long from = find(&f, o.from), to = from < 0 ? -1 : find(&f, o.to);
    if (from < 0 || to < 0)
        goto out;
    if (from >= to) {
        fprintf(stderr, "error: --from `%s` must be older than --to `%s`: a squash replaces at "
                        "least two migrations.\n",
                o.from, o.to);
        goto out;
    }
    if (!(name = squashed_name(&f, from, to, o.name)) || write_squashed(&f, from, to, name) != 0)
        goto out;
    for (long i = from; i <= to; i++)
        if (remove_migration(&f.items[i]) != 0)
            goto out;
    printf("Squashed %ld migrations into %s/%s/:\n\n", to - from + 1, f.path, name);
    for (long i = from; i <= to; i++)
        printf("  - %s\n", f.items[i].name);
    printf("\nReview its migration.sql: SQL written by hand in those migrations is not carried "
           "over.\n"
           "A database that applied them records %s as applied without running it on its next\n"
           "`refract migrate deploy` (Prisma: `prisma migrate resolve --applied %s`); a fresh\n"
           "database runs it.\n",
           name, name);
    rc = EXIT_OK;
out:
    free(name);
    migrations_free(&f);
    project_close(&p);
    return rc;
}
