/*
 * cmd_diff.c — `refract migrate diff`: compare two schemas (or the last
 * migration's schema with one) and print the SQL or a summary.
 *
 *   refract migrate diff --from-empty | --from-schema A | --from-migrations DIR | --from-url U
 *                        --to-schema B | --to-empty | --to-url U
 *                        [--script] [--output F] [--exit-code]
 *
 * No database is needed unless a side is a URL: the "before" of
 * --from-migrations is the schema.prisma saved in the newest migration
 * folder. A URL side is read from the database's catalog (introspect/).
 */
#include "cmd_diff.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cli.h"
#include "../parse/parse.h"
#include "../introspect/live.h"
#include "sql.h"

static const char usage_text[] =
    "Usage: refract migrate diff FROM TO [--script | --json] [--output FILE] [--exit-code]\n"
    "\n"
    "FROM: --from-empty | --from-schema PATH | --from-migrations DIR | --from-url URL\n"
    "TO:   --to-schema PATH | --to-empty | --to-url URL\n"
    "\n"
    "  --script     print the SQL migration script instead of a summary\n"
    "  --json       print the steps as JSON (kind, object, data-loss flag, warnings)\n"
    "  --output F   write to F instead of stdout\n"
    "  --exit-code  exit 2 when there is a difference, 0 when there is none\n"
    "\n"
    "--from-migrations uses the schema.prisma saved in the newest migration\n"
    "folder (refract migrate dev writes it beside migration.sql).\n"
    "--from-url / --to-url read a live database (the URL's ?schema=, default public,\n"
    "or the other side's datasource schemas when it uses multiSchema).\n";

bool migrate_load_schema(const char *path, migrate_loaded *l, arena *a)
{
    diag_list diags = DIAG_LIST_INIT;
    memset(&l->ast, 0, sizeof l->ast);
    size_t errors = parse_path(&l->ast, path, &diags);
    l->model = errors ? NULL : model_resolve(&l->ast, a, &diags);
    /* Warnings are `validate`'s business; errors explain the failure. */
    if (!l->model && diags.count)
        diag_print(stderr, &diags, cli_color());
    diag_list_free(&diags);
    if (!l->model) {
        fprintf(stderr, "error: the schema at %s is not valid\n", path);
        return false;
    }
    return true;
}

void migrate_loaded_free(migrate_loaded *l)
{
    if (l->ast.sources || l->ast.blocks)
        ast_schema_free(&l->ast);
    memset(l, 0, sizeof *l);
}

/* The newest migration folder of `dir` (names start with a UTC timestamp, so
 * the greatest name is the newest), or NULL when there is none. */
static char *newest_migration(const char *dir, bool *dir_ok)
{
    DIR *d = opendir(dir);
    *dir_ok = d != NULL;
    if (!d)
        return NULL;
    char *best = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        bool is_dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        free(p);
        if (!is_dir)
            continue;
        if (!best || strcmp(e->d_name, best) > 0) {
            free(best);
            best = strdup(e->d_name);
        }
    }
    closedir(d);
    return best;
}

int migrate_diff_main(const migrate_diff_args *args)
{
    arena a = ARENA_INIT;
    migrate_loaded from = {0}, to = {0};
    const model_schema *from_model = NULL, *to_model = NULL;
    int rc = EXIT_USER;
    char *from_path_owned = NULL;

    const char *from_path = args->from_schema;
    if (args->from_migrations) {
        bool dir_ok;
        char *newest = newest_migration(args->from_migrations, &dir_ok);
        if (!dir_ok) {
            fprintf(stderr, "error: cannot open the migrations folder %s: %s\n",
                    args->from_migrations, strerror(errno));
            goto done;
        }
        if (newest) {
            size_t n = strlen(args->from_migrations) + strlen(newest) + 32;
            from_path_owned = malloc(n);
            snprintf(from_path_owned, n, "%s/%s/schema.prisma", args->from_migrations, newest);
            struct stat st;
            if (stat(from_path_owned, &st) != 0) {
                fprintf(stderr,
                        "error: the newest migration %s/%s has no schema.prisma, so refract cannot "
                        "tell what it was made from.\n"
                        "  Migrations made by Prisma do not save their schema. Copy the schema "
                        "that migration was created from to %s, or diff with --from-schema.\n",
                        args->from_migrations, newest, from_path_owned);
                free(newest);
                goto done;
            }
            from_path = from_path_owned;
            free(newest);
        }
        /* No migration yet: the database is empty. */
    }
    if (from_path) {
        if (!migrate_load_schema(from_path, &from, &a))
            goto done;
        from_model = from.model;
    }
    if (args->to_schema) {
        if (!migrate_load_schema(args->to_schema, &to, &a))
            goto done;
        to_model = to.model;
    }

    const db_schema *fs = from_model ? dbschema_from_model(from_model, &a) : NULL;
    const db_schema *ts = to_model ? dbschema_from_model(to_model, &a) : dbschema_empty(&a);
    /* A live side is read the way the other side names things. */
    if (args->from_url && !(fs = live_schema_from_url(args->from_url, to_model ? ts : NULL, &a)))
        goto done;
    if (args->to_url && !(ts = live_schema_from_url(args->to_url, from_model ? fs : NULL, &a)))
        goto done;
    if (!to_model && !args->to_url) {
        /* --to-empty: nothing at all, not even the namespaces. */
        db_schema *empty = arena_alloc(&a, sizeof *empty);
        if (fs) {
            empty->namespaces = fs->namespaces;
            empty->nnamespaces = fs->nnamespaces;
        }
        ts = empty;
    }
    migrate_steps *steps = migrate_diff_db(fs, ts, &a);

    buf out = BUF_INIT;
    if (args->script)
        migrate_render_sql(steps, &out,
                           &(migrate_render_opts){.style = MIGRATE_SQL_SCRIPT, .cli_trailer = true});
    else if (args->json)
        migrate_render_json(steps, &out);
    else
        migrate_render_summary(steps, &out);

    FILE *f = stdout;
    if (args->output && !(f = fopen(args->output, "w"))) {
        fprintf(stderr, "error: cannot write %s: %s\n", args->output, strerror(errno));
        buf_free(&out);
        goto done;
    }
    fwrite(out.data ? out.data : "", 1, out.len, f);
    if (f != stdout)
        fclose(f);
    buf_free(&out);
    if (steps->nnotes && args->script) {
        for (size_t i = 0; i < steps->nnotes; i++)
            fprintf(stderr, "note: %s\n", steps->notes[i]);
    }
    rc = args->exit_code && steps->count ? 2 : EXIT_OK;

done:
    free(from_path_owned);
    migrate_loaded_free(&from);
    migrate_loaded_free(&to);
    arena_free(&a);
    return rc;
}

int migrate_cmd_diff(int argc, char **argv)
{
    migrate_diff_args args = {0};
    int froms = 0, tos = 0;
    bool from_empty = false, to_empty = false;
    /* argv[0] is "diff". */
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE()                                                                              \
    do {                                                                                     \
        if (!v) {                                                                            \
            fprintf(stderr, "error: %s needs a value\n\n%s", o, usage_text);                 \
            return EXIT_USAGE;                                                               \
        }                                                                                    \
        i++;                                                                                 \
    } while (0)
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else if (!strcmp(o, "--from-empty")) {
            from_empty = true, froms++;
        } else if (!strcmp(o, "--from-schema") || !strcmp(o, "--from-schema-datamodel")) {
            VALUE();
            args.from_schema = v, froms++;
        } else if (!strcmp(o, "--from-migrations")) {
            VALUE();
            args.from_migrations = v, froms++;
        } else if (!strcmp(o, "--to-schema") || !strcmp(o, "--to-schema-datamodel")) {
            VALUE();
            args.to_schema = v, tos++;
        } else if (!strcmp(o, "--from-url")) {
            VALUE();
            args.from_url = v, froms++;
        } else if (!strcmp(o, "--to-url")) {
            VALUE();
            args.to_url = v, tos++;
        } else if (!strcmp(o, "--to-empty")) {
            to_empty = true, tos++;
        } else if (!strcmp(o, "--script")) {
            args.script = true;
        } else if (!strcmp(o, "--json")) {
            args.json = true;
        } else if (!strcmp(o, "--exit-code")) {
            args.exit_code = true;
        } else if (!strcmp(o, "--output") || !strcmp(o, "-o")) {
            VALUE();
            args.output = v;
        } else {
            fprintf(stderr, "error: unknown option '%s'\n\n%s", o, usage_text);
            return EXIT_USAGE;
        }
#undef VALUE
    }
    if (froms != 1 || tos != 1) {
        fprintf(stderr, "error: give exactly one --from-... and one --to-... option\n\n%s",
                usage_text);
        return EXIT_USAGE;
    }
    if (args.script && args.json) {
        fprintf(stderr, "error: --script and --json exclude each other\n\n%s", usage_text);
        return EXIT_USAGE;
    }
    (void)from_empty;
    (void)to_empty;
    return migrate_diff_main(&args);
}
