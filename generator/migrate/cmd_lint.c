/*
 * cmd_lint.c — `refract migrate lint`: lint a migrations folder (every
 * migration in order, so later ones know the tables and indexes earlier
 * ones made) or one SQL file. Exit status for CI: 0 when no error-level
 * rule fired, 1 when one did (or the input cannot be read), 2 on usage.
 */
#include "cmd_lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cli.h"

static const char lint_usage[] =
    "Usage: refract migrate lint [DIR|FILE] [--since NAME] [--json] [--schema PATH]\n"
    "\n"
    "Check migrations for statements that lock or rewrite tables in use, lose data,\n"
    "or break code still running. DIR is a migrations folder (default: the one\n"
    "beside the schema), read in order; FILE is one SQL file (a migration.sql in a\n"
    "migrations folder is read after the migrations before it). Exit status 1 when\n"
    "a rule of level error fires, else 0.\n"
    "\n"
    "  --since NAME   report only migrations whose folder name sorts after NAME (the\n"
    "                 earlier ones are still read, for the tables they create)\n"
    "  --json         findings as a JSON array on stdout\n"
    "  --schema PATH  find the migrations folder beside this schema\n"
    "\n"
    "Silence rules for one migration with a comment in it:\n"
    "  -- refract-lint: disable RF104, RF108\n";

static void print_rules(FILE *out)
{
    fputs("\nRules:\n", out);
    for (size_t i = 0; i < lint_nrules; i++) {
        const lint_rule *r = &lint_rules[i];
        fprintf(out, "  %s %-28s %s\n        %s.\n        fix: %s.\n", r->id, r->name,
                r->level == LINT_ERROR ? "error" : "warning", r->why, r->fix);
    }
}

void lint_preload(linter *l, const migration_folder *f)
{
    for (size_t i = 0; i < f->count; i++)
        lint_migration(l, f->items[i].sql, f->items[i].sql_len);
}

/* FILE is <folder>/<name>/migration.sql of a migrations folder: read the
 * migrations before <name> first, for the tables and indexes they made. */
static void preload_earlier(linter *l, const char *file)
{
    buf dir = BUF_INIT;
    buf_puts(&dir, file);
    char *slash = strrchr(dir.data, '/');
    if (!slash || strcmp(slash + 1, MIGRATION_SQL_FILE)) {
        buf_free(&dir);
        return;
    }
    *slash = '\0';
    char *name_slash = strrchr(dir.data, '/');
    const char *name = name_slash ? name_slash + 1 : dir.data;
    buf folder = BUF_INIT;
    if (name_slash)
        buf_put(&folder, dir.data, (size_t)(name_slash - dir.data));
    else
        buf_puts(&folder, ".");
    buf lock = BUF_INIT;
    buf_printf(&lock, "%s/%s", folder.data, MIGRATION_LOCK_FILE);
    struct stat st;
    migration_folder f = {0};
    buf err = BUF_INIT;
    /* Only a real migrations folder (it has the lock file); a broken one is
     * reported by `migrate lint DIR`, not here. */
    if (stat(lock.data, &st) == 0 && migrations_read(folder.data, &f, &err) == 0)
        for (size_t i = 0; i < f.count && strcmp(f.items[i].name, name) < 0; i++)
            lint_migration(l, f.items[i].sql, f.items[i].sql_len);
    migrations_free(&f);
    buf_free(&err);
    buf_free(&lock);
    buf_free(&folder);
    buf_free(&dir);
}

typedef struct lint_totals {
    size_t files, errors, warnings;
    bool first_json;
    buf json;
} lint_totals;

static void lint_one(linter *l, const char *path, const char *sql, size_t len, bool report,
                     bool json, lint_totals *tot)
{
    lint_migration(l, sql, len);
    if (!report)
        return;
    tot->files++;
    tot->errors += lint_count_level(l, LINT_ERROR);
    tot->warnings += lint_count_level(l, LINT_WARNING);
    if (json) {
        lint_render_json(l, path, tot->first_json, &tot->json);
        tot->first_json = tot->first_json && l->count == 0;
    } else {
        lint_print(l, path, 0, stdout);
    }
}

int migrate_cmd_lint(int argc, char **argv)
{
    const char *target = NULL, *since = NULL, *schema = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(lint_usage, stdout);
            print_rules(stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--since") && i + 1 < argc) {
            since = argv[++i];
        } else if (!strcmp(a, "--schema") && i + 1 < argc) {
            schema = argv[++i];
        } else if (!strncmp(a, "--since=", 8)) {
            since = a + 8;
        } else if (!strncmp(a, "--schema=", 9)) {
            schema = a + 9;
        } else if (a[0] == '-' && a[1]) {
            bool needs_value = !strcmp(a, "--since") || !strcmp(a, "--schema");
            fprintf(stderr, "error: %s option '%s'\n\n",
                    needs_value ? "a value is needed for the" : "unknown", a);
            fputs(lint_usage, stderr);
            return EXIT_USAGE;
        } else if (target) {
            fprintf(stderr, "error: give one DIR or FILE, not '%s' too\n\n", a);
            fputs(lint_usage, stderr);
            return EXIT_USAGE;
        } else {
            target = a;
        }
    }
    char *owned = NULL;
    if (!target) {
        const char *schema_path = cli_schema_path(schema);
        if (!schema_path)
            return EXIT_USER;
        target = owned = migrations_path_for_schema(schema_path);
    }
    struct stat st;
    if (stat(target, &st) != 0) {
        fprintf(stderr, "error: cannot read %s: no such file or folder\n", target);
        free(owned);
        return EXIT_USER;
    }
    linter l;
    linter_init(&l);
    lint_totals tot = {.first_json = true, .json = BUF_INIT};
    int rc = EXIT_OK;
    if (S_ISDIR(st.st_mode)) {
        migration_folder f;
        buf err = BUF_INIT;
        if (migrations_read(target, &f, &err) != 0) {
            fprintf(stderr, "error: %s", buf_cstr(&err));
            rc = EXIT_USER;
        } else {
            for (size_t i = 0; i < f.count; i++) {
                buf path = BUF_INIT;
                buf_printf(&path, "%s/%s", f.items[i].dir, MIGRATION_SQL_FILE);
                bool report = !since || strcmp(f.items[i].name, since) > 0;
                lint_one(&l, path.data, f.items[i].sql, f.items[i].sql_len, report, json, &tot);
                buf_free(&path);
            }
        }
        migrations_free(&f);
        buf_free(&err);
    } else {
        preload_earlier(&l, target);
        buf err = BUF_INIT;
        size_t len = 0;
        char *sql = read_regular_file(target, &len, &err);
        if (!sql) {
            fprintf(stderr, "error: %s", buf_cstr(&err));
            rc = EXIT_USER;
        } else {
            lint_one(&l, target, sql, len, true, json, &tot);
        }
        free(sql);
        buf_free(&err);
    }
    if (rc == EXIT_OK) {
        if (json) {
            printf("[\n%s%s]\n", buf_cstr(&tot.json), tot.json.len ? "\n" : "");
        } else {
            printf("%s%zu migration%s checked: %zu error%s, %zu warning%s\n",
                   tot.errors + tot.warnings ? "\n" : "", tot.files, tot.files == 1 ? "" : "s",
                   tot.errors, tot.errors == 1 ? "" : "s", tot.warnings,
                   tot.warnings == 1 ? "" : "s");
            if (tot.errors + tot.warnings)
                puts("Silence a rule for one migration with `-- refract-lint: disable RFxxx` in it; "
                     "`refract migrate lint --help` lists the rules.");
        }
        rc = tot.errors ? EXIT_USER : EXIT_OK;
    }
    buf_free(&tot.json);
    linter_free(&l);
    free(owned);
    return rc;
}
