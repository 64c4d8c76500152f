/*
 * cmd_migrate.c — `refract migrate <command>`, Prisma Migrate's commands:
 *
 *   diff      the SQL between two schemas (migrate/cmd_diff.c)
 *   dev       write a new migration from the schema change, then apply
 *   deploy    apply pending migrations
 *   status    compare the migrations folder with the database's history
 *   reset     drop everything, apply every migration again
 *   resolve   mark a failed migration rolled back, or a migration applied
 *   lint      check migrations for locks, rewrites and data loss (migrate/cmd_lint.c)
 *   down      roll back applied migrations with their down.sql (migrate/cmd_down.c)
 *   squash    replace a range of migrations with one (migrate/cmd_squash.c)
 *
 * The work is in generator/migrate/; this file reads options, prints what
 * happened in Prisma's words and picks the exit code (0 ok, 1 error,
 * 2 usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "migrate/cmd_diff.h"
#include "migrate/cmd_down.h"
#include "migrate/cmd_squash.h"
#include "migrate/cmd_lint.h"
#include "introspect/drift.h"
#include "migrate/deploy.h"
#include "migrate/devflow.h"
#include "migrate/folder.h"
#include "migrate/options.h"
#include "migrate/project.h"
#include "migrate/seed.h"

/* ---- help texts ------------------------------------------------------------ */

static const char migrate_usage[] =
    "Usage: refract migrate <command> [options]\n"
    "\n"
    "Commands:\n"
    "  diff      Print the SQL (or a summary) between two schemas or migrations\n"
    "  dev       Create a migration from the schema change and apply it\n"
    "  deploy    Apply pending migrations (production)\n"
    "  status    Show which migrations are applied, pending, failed or edited\n"
    "  reset     Drop the database's schema and apply every migration again\n"
    "  resolve   Mark a failed migration --rolled-back, or a migration --applied\n"
    "  lint      Check migrations for long locks, table rewrites and data loss\n"
    "  down      Roll back applied migrations with their down.sql\n"
    "  squash    Replace a range of migrations with one that does the same\n"
    "\n"
    "Run `refract migrate <command> --help` for a command's options.\n";

static const char common_opts[] =
    "  --schema PATH   the schema (default ./prisma/schema.prisma, ./schema.prisma)\n"
    "  --url URL       the database (default: the datasource url, else DATABASE_URL,\n"
    "                  from the environment or a .env file beside the schema)\n";

static const char deploy_usage[] =
    "Usage: refract migrate deploy [--accept-drift] [--schema PATH] [--url URL]\n"
    "\n"
    "Apply every pending migration of the migrations folder, in order, each in one\n"
    "transaction together with its _prisma_migrations row. Stops at the first\n"
    "failure (the database is left as before that migration) and refuses while a\n"
    "failed migration is unresolved (see `refract migrate resolve`).\n"
    "\n"
    "Before anything is applied, the database is compared with what its applied\n"
    "migrations produce (see `refract migrate status`). A drifted database is left\n"
    "alone, with the drift printed, unless --accept-drift is given.\n"
    "\n";

static const char status_usage[] =
    "Usage: refract migrate status [--schema PATH] [--url URL] [--json]\n"
    "\n"
    "Compare the migrations folder with the database's _prisma_migrations table:\n"
    "applied, pending, failed and edited migrations, and migrations the database\n"
    "has but the folder lacks. Then drift: the database's schema compared with the\n"
    "one its applied migrations produce (the newest applied migration's saved\n"
    "schema.prisma), reported object by object as Prisma does. Exit status 1 when\n"
    "anything is not up to date. --json prints one JSON object on stdout instead\n"
    "(README \"Machine-readable output\").\n"
    "\n";

static const char reset_usage[] =
    "Usage: refract migrate reset [--force] [--skip-seed] [--schema PATH] [--url URL]\n"
    "\n"
    "Drop the datasource's schemas (default \"public\") with everything in them,\n"
    "recreate them, and apply every migration. All data is lost. Without --force\n"
    "it asks first, and refuses when not run from a terminal. Then it runs the\n"
    "seed command (see `refract db seed --help`) unless --skip-seed.\n"
    "\n";

static const char resolve_usage[] =
    "Usage: refract migrate resolve (--applied NAME | --rolled-back NAME)\n"
    "                               [--schema PATH] [--url URL]\n"
    "\n"
    "  --rolled-back NAME   the failed migration NAME was undone (or never did\n"
    "                       anything): deploy will run it again\n"
    "  --applied NAME       NAME's changes are in the database (you applied them\n"
    "                       by hand): record it as applied without running it\n"
    "NAME is the migration's folder name, e.g. 20240101120000_init.\n"
    "\n";

static int help_or_usage(const char *text, bool with_common, FILE *out)
{
    fputs(text, out);
    if (with_common) {
        fputs("Options:\n", out);
        fputs(common_opts, out);
    }
    return out == stdout ? EXIT_OK : EXIT_USAGE;
}

/* ---- shared pieces ---------------------------------------------------------- */

static void print_found(FILE *out, const migration_folder *f)
{
    fprintf(out, "%zu migration%s found in %s\n\n", f->count, f->count == 1 ? "" : "s", f->path);
}

/* Deploy with Prisma's report; returns an exit code. */
static int deploy_and_report(db_conn *db, const migration_folder *f, FILE *out)
{
    buf err = BUF_INIT;
    size_t applied = 0;
    bool *was_applied = calloc(f->count ? f->count : 1, sizeof *was_applied);
    if (!was_applied) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    int rc = migrate_deploy_marked(db, f, out, &applied, was_applied, &err);
    if (rc != 0) {
        if (applied)
            fprintf(out, "\n%zu migration%s applied before the failure.\n", applied,
                    applied == 1 ? " was" : "s were");
        fprintf(stderr, "\nerror: %s", buf_cstr(&err));
        buf_free(&err);
        free(was_applied);
        return EXIT_USER;
    }
    buf_free(&err);
    if (!applied) {
        fputs("No pending migrations to apply.\n", out);
    } else {
        fputs("\nThe following migration(s) have been applied:\n\nmigrations/\n", out);
        for (size_t i = 0; i < f->count; i++)
            if (was_applied[i])
                fprintf(out, "  └─ %s/\n    └─ migration.sql\n", f->items[i].name);
        fputs("\nAll migrations have been successfully applied.\n", out);
    }
    free(was_applied);
    return EXIT_OK;
}

/* ---- deploy ------------------------------------------------------------------- */

/* A drifted database is not migrated further unless asked: pending
 * migrations were written against the schema the history describes. */
static int deploy_unless_drifted(db_conn *db, const migration_folder *f, bool accept_drift)
{
    buf err = BUF_INIT;
    int drift = drift_check_history(db, f, stderr, &err);
    if (drift < 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        buf_free(&err);
        return EXIT_USER;
    }
    buf_free(&err);
    if (drift == 1 && !accept_drift) {
        fputs("error: the database has drifted from its migration history (see above), so no "
              "migration was applied.\n"
              "  Bring the database back in line (or record the change in a migration), or run "
              "again with --accept-drift to apply the pending migrations anyway.\n",
              stderr);
        return EXIT_USER;
    }
    if (drift == 1)
        fputs("warning: --accept-drift given: applying pending migrations to a drifted "
              "database.\n\n", stderr);
    return deploy_and_report(db, f, stdout);
}

static int migrate_deploy_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_ACCEPT_DRIFT, &o);
    if (rc >= 0)
        return help_or_usage(deploy_usage, true, rc == EXIT_OK ? stdout : stderr);
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    db_conn db = {0};
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) == 0) {
        printf("Schema loaded from %s\n", p.schema_path);
        if (project_connect(&p, o.url, &db, stdout) == 0) {
            print_found(stdout, &f);
            rc = deploy_unless_drifted(&db, &f, o.accept_drift);
            db_close(&db);
        }
    }
    migrations_free(&f);
    project_close(&p);
    return rc;
}

/* ---- status ------------------------------------------------------------------- */

static void list_names(FILE *out, const migration_folder *f, const migration_report *r,
                       migration_state which)
{
    for (size_t i = 0; i < f->count; i++)
        if (r->state[i] == which)
            fprintf(out, "%s\n", f->items[i].name);
}

static const char *const state_names[] = {
    [MIGRATION_PENDING] = "pending",
    [MIGRATION_APPLIED] = "applied",
    [MIGRATION_EDITED] = "applied, edited since",
    [MIGRATION_FAILED] = "failed",
};

/* `migrate status --json`: {"upToDate", "historyTable", "migrations":
 * [{"name", "state"}], "pending", "edited", "failed", "unknown", "drift",
 * "driftReport"} with states "pending", "applied", "edited", "failed". */
static void status_json(const migration_folder *f, const migration_report *r, const history *h,
                        bool has_table, bool clean, int drift, const char *drift_report)
{
    static const char *const json_states[] = {
        [MIGRATION_PENDING] = "pending", [MIGRATION_APPLIED] = "applied",
        [MIGRATION_EDITED] = "edited", [MIGRATION_FAILED] = "failed"};
    buf b = BUF_INIT;
    buf_printf(&b, "{\"upToDate\":%s,\"historyTable\":%s,\"migrations\":[", clean ? "true" : "false",
               has_table ? "true" : "false");
    for (size_t i = 0; i < f->count; i++) {
        buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
        buf_put_json(&b, f->items[i].name);
        buf_printf(&b, ",\"state\":\"%s\"}", json_states[r->state[i]]);
    }
    static const migration_state lists[] = {MIGRATION_PENDING, MIGRATION_EDITED};
    static const char *const list_keys[] = {"pending", "edited"};
    for (size_t l = 0; l < 2; l++) {
        buf_printf(&b, "],\"%s\":[", list_keys[l]);
        bool first = true;
        for (size_t i = 0; i < f->count; i++)
            if (r->state[i] == lists[l]) {
                if (!first)
                    buf_putc(&b, ',');
                first = false;
                buf_put_json(&b, f->items[i].name);
            }
    }
    buf_puts(&b, "],\"failed\":[");
    bool first = true;
    for (size_t j = 0; j < h->count; j++)
        if (history_row_failed(&h->rows[j])) {
            if (!first)
                buf_putc(&b, ',');
            first = false;
            buf_put_json(&b, h->rows[j].migration_name);
        }
    buf_puts(&b, "],\"unknown\":[");
    for (size_t k = 0; k < r->nunknown; k++) {
        if (k)
            buf_putc(&b, ',');
        buf_put_json(&b, r->unknown[k]->migration_name);
    }
    /* drift: "none", "detected" (report: Prisma's text), "unknown" (could
     * not tell; report says why) or null when not checked (a failed
     * migration, a database error) */
    static const char *const drift_names[] = {"none", "detected", "unknown"};
    buf_puts(&b, "],\"drift\":");
    buf_put_json(&b, drift >= 0 && drift <= 2 ? drift_names[drift] : NULL);
    buf_puts(&b, ",\"driftReport\":");
    buf_put_json(&b, drift_report && *drift_report ? drift_report : NULL);
    buf_puts(&b, "}\n");
    fputs(buf_cstr(&b), stdout);
    buf_free(&b);
}

static int migrate_status_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_JSON, &o);
    if (rc >= 0)
        return help_or_usage(status_usage, true, rc == EXIT_OK ? stdout : stderr);
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    db_conn db = {0};
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) != 0)
        goto out;
    if (!o.json)
        printf("Schema loaded from %s\n", p.schema_path);
    if (project_connect(&p, o.url, &db, o.json ? NULL : stdout) != 0)
        goto out;
    if (!o.json)
        print_found(stdout, &f);

    history h = {0};
    bool has_table = false;
    buf err = BUF_INIT;
    if (history_table_exists(db.pg, db.schema, &has_table, &err) != 0 ||
        history_load(db.pg, db.schema, &h, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        buf_free(&err);
        goto out;
    }
    buf_free(&err);
    migration_report r;
    migration_compare(&f, &h, &r);
    if (o.json) {
        bool up = !r.nunknown && !r.nedited && !r.first_failed && !r.npending;
        /* drift, as the text form checks it; its report (Prisma's words)
         * becomes a string of the object */
        int drift = -1;
        char *drift_text = NULL;
        size_t drift_len = 0;
        if (!r.first_failed) {
            FILE *mem = open_memstream(&drift_text, &drift_len);
            buf derr = BUF_INIT;
            drift = mem ? drift_check_history(&db, &f, mem, &derr) : -1;
            if (mem)
                fclose(mem);
            if (drift < 0)
                fprintf(stderr, "error: %s", buf_cstr(&derr));
            buf_free(&derr);
            up &= drift == 0 || drift == 2;
        }
        status_json(&f, &r, &h, has_table, up, drift, drift_text);
        free(drift_text);
        rc = up ? EXIT_OK : EXIT_USER;
        migration_report_free(&r);
        history_free(&h);
        goto out;
    }
    /* Every local migration and its state, then Prisma's sections. */
    for (size_t i = 0; i < f.count; i++)
        printf("  %-40s %s\n", f.items[i].name, state_names[r.state[i]]);
    if (f.count)
        putchar('\n');
    bool clean = true;
    if (!has_table && f.count) {
        puts("The database has no migration history yet (no _prisma_migrations table).\n");
    }
    if (r.nunknown) {
        clean = false;
        puts("The following migration(s) are applied to the database but missing from the "
             "local migrations directory:");
        for (size_t k = 0; k < r.nunknown; k++)
            printf("%s\n", r.unknown[k]->migration_name);
        putchar('\n');
    }
    if (r.nedited) {
        clean = false;
        puts("The following migration(s) were modified after they were applied (their checksum "
             "differs from the one recorded; they will not be run again):");
        list_names(stdout, &f, &r, MIGRATION_EDITED);
        putchar('\n');
    }
    if (r.first_failed) {
        clean = false;
        puts("Following migration(s) have failed:");
        for (size_t j = 0; j < h.count; j++)
            if (history_row_failed(&h.rows[j]))
                printf("%s\n", h.rows[j].migration_name);
        puts("\nThe failed migration(s) can be marked as rolled back or applied:\n\n"
             "- If you rolled back the migration(s) manually (or they changed nothing):");
        for (size_t j = 0; j < h.count; j++)
            if (history_row_failed(&h.rows[j]))
                printf("refract migrate resolve --rolled-back \"%s\"\n", h.rows[j].migration_name);
        puts("\n- If you fixed the database manually (hotfix):");
        for (size_t j = 0; j < h.count; j++)
            if (history_row_failed(&h.rows[j]))
                printf("refract migrate resolve --applied \"%s\"\n", h.rows[j].migration_name);
        putchar('\n');
    }
    if (r.npending) {
        clean = false;
        printf("Following migration%s have not yet been applied:\n", r.npending == 1 ? "" : "s");
        list_names(stdout, &f, &r, MIGRATION_PENDING);
        puts("\nTo apply migrations in development run refract migrate dev.\n"
             "To apply migrations in production run refract migrate deploy.");
    }
    if (!r.first_failed) {
        buf derr = BUF_INIT;
        int drift = drift_check_history(&db, &f, stdout, &derr);
        if (drift < 0)
            fprintf(stderr, "error: %s", buf_cstr(&derr));
        clean &= drift == 0 || drift == 2;
        buf_free(&derr);
    }
    if (clean)
        puts("Database schema is up to date!");
    rc = clean ? EXIT_OK : EXIT_USER;
    migration_report_free(&r);
    history_free(&h);
out:
    if (db.pg)
        db_close(&db);
    migrations_free(&f);
    project_close(&p);
    return rc;
}

/* ---- reset -------------------------------------------------------------------- */

static bool confirm_reset(void)
{
    fputs("Are you sure you want to reset your database? All data will be lost. [y/N] ", stderr);
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}

static int migrate_reset_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_FORCE | OPT_SKIP_SEED, &o);
    if (rc >= 0)
        return help_or_usage(reset_usage, true, rc == EXIT_OK ? stdout : stderr);
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    db_conn db = {0};
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) != 0)
        goto out;
    if (!o.force) {
        if (!isatty(STDIN_FILENO)) {
            fputs("error: `refract migrate reset` drops all data and is not run from a terminal: "
                  "add --force to reset without asking.\n",
                  stderr);
            goto out;
        }
        if (!confirm_reset()) {
            fputs("Reset cancelled.\n", stderr);
            rc = EXIT_OK;
            goto out;
        }
    }
    printf("Schema loaded from %s\n", p.schema_path);
    if (project_connect(&p, o.url, &db, stdout) != 0)
        goto out;
    buf err = BUF_INIT;
    const model_datasource *ds = p.model->has_datasource ? &p.model->datasource : NULL;
    if (migrate_reset_schemas(&db, ds ? ds->schemas : NULL, ds ? ds->nschemas : 0, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        buf_free(&err);
        goto out;
    }
    buf_free(&err);
    puts("Database reset successful\n");
    print_found(stdout, &f);
    rc = deploy_and_report(&db, &f, stdout);
    if (rc == EXIT_OK && !o.skip_seed && seed_run(p.model, p.url, stdout, true) != 0)
        rc = EXIT_USER;
out:
    if (db.pg)
        db_close(&db);
    migrations_free(&f);
    project_close(&p);
    return rc;
}

/* ---- resolve ------------------------------------------------------------------ */

static int migrate_resolve_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_RESOLVE, &o);
    if (rc >= 0)
        return help_or_usage(resolve_usage, true, rc == EXIT_OK ? stdout : stderr);
    if (!o.applied == !o.rolled_back) {
        fputs("error: give exactly one of --applied NAME or --rolled-back NAME\n\n", stderr);
        return help_or_usage(resolve_usage, true, stderr);
    }
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    db_conn db = {0};
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) != 0)
        goto out;
    printf("Schema loaded from %s\n", p.schema_path);
    if (project_connect(&p, o.url, &db, stdout) != 0)
        goto out;
    buf err = BUF_INIT;
    int r = o.applied ? migrate_resolve_applied(&db, &f, o.applied, &err)
                      : migrate_resolve_rolled_back(&db, o.rolled_back, &err);
    if (r != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
    } else {
        printf("Migration %s marked as %s.\n", o.applied ? o.applied : o.rolled_back,
               o.applied ? "applied" : "rolled back");
        rc = EXIT_OK;
    }
    buf_free(&err);
out:
    if (db.pg)
        db_close(&db);
    migrations_free(&f);
    project_close(&p);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------------ */

int cmd_migrate(int argc, char **argv)
{
    if (argc < 2) {
        fputs(migrate_usage, stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        fputs(migrate_usage, stdout);
        return EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        {"diff", migrate_cmd_diff},       {"dev", migrate_dev_cmd},
        {"deploy", migrate_deploy_cmd},
        {"status", migrate_status_cmd},   {"reset", migrate_reset_cmd},
        {"resolve", migrate_resolve_cmd}, {"lint", migrate_cmd_lint},
        {"down", migrate_down_cmd},       {"squash", migrate_squash_cmd},
    };
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
        if (!strcmp(sub, subs[i].name))
            return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown migrate command '%s'\n\n", sub);
    fputs(migrate_usage, stderr);
    return EXIT_USAGE;
}
