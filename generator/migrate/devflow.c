/*
 * devflow.c — `refract migrate dev` and `refract db push`.
 *
 * Both compute the steps from a "before" schema to the current one with the
 * differ, and neither runs a step that would lose data the database holds
 * without --accept-data-loss, nor ever a step that cannot run on that data
 * (see datasafety.h): migrate dev writes no migration known to fail.
 *
 * migrate dev: before = the schema.prisma saved in the newest migration
 * (or an empty database). Pending migrations are applied first, so the
 * database is at "before" when its data is checked; then the new migration
 * is written (Prisma's warnings block on top) and applied like deploy.
 * --create-only writes the migration and touches no database.
 *
 * db push: as Prisma, diffs from the database as it is (read from its
 * catalog, introspect/live.h), so changes made by other means are seen.
 * The schema pushed is still recorded in a one-row table `_refract_db_push`
 * (migrate dev refuses a database that push has changed). The whole push
 * (read, data check, steps, record) is one transaction under Prisma's
 * advisory lock.
 */
#include "devflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cli.h"
#include "../introspect/drift.h"
#include "../introspect/live.h"
#include "datasafety.h"
#include "deploy.h"
#include "diff.h"
#include "down.h"
#include "folder.h"
#include "../parse/parse.h"
#include "cmd_lint.h"
#include "lint.h"
#include "options.h"
#include "project.h"
#include "safe_form.h"
#include "seed.h"
#include "sql.h"
#include "snapshot.h"
#include "sqlscan.h"

#define PUSH_TABLE "_refract_db_push"

static const char dev_usage[] =
    "Usage: refract migrate dev --name NAME [--create-only] [--accept-data-loss]\n"
    "                           [--safe [--lock-timeout T]] [--force [--skip-seed]]\n"
    "                           [--schema PATH] [--url URL]\n"
    "\n"
    "Compare the schema with the one the newest migration was made from (or with\n"
    "an empty database), write migrations/<timestamp>_<name>/migration.sql and\n"
    "schema.prisma, then apply pending migrations to the database. Beside them goes\n"
    "down.sql, the SQL that undoes the migration (`refract migrate down` runs it).\n"
    "\n"
    "  --name NAME         the migration's name (made lower_snake_case)\n"
    "  --create-only       write the migration (even an empty one), do not touch the\n"
    "                      database\n"
    "  --accept-data-loss  run steps that would lose data the database holds\n"
    "                      (without it, refract lists them and stops)\n"
    "  --safe              keep tables in use open while the change lands: each index\n"
    "                      on an existing table in a migration of its own as CREATE\n"
    "                      INDEX CONCURRENTLY (run outside a transaction), and\n"
    "                      foreign keys added to existing tables NOT VALID, then\n"
    "                      validated in a last migration, and SET NOT NULL on an\n"
    "                      existing table through a CHECK (c IS NOT NULL) added NOT\n"
    "                      VALID, validated in that last migration before SET NOT\n"
    "                      NULL (PostgreSQL 12+ then skips the scan); every one of\n"
    "                      them starts with SET lock_timeout\n"
    "  --lock-timeout T    that lock_timeout (default 5s; digits and ms, s, min or h;\n"
    "                      0 writes none)\n"
    "  --force             when the database has drifted from the migrations (changed\n"
    "                      by hand), reset it (all data is lost) and go on; without it\n"
    "                      refract prints the drift and stops; after the reset the\n"
    "                      seed command runs, as after `migrate reset`\n"
    "  --skip-seed         do not run the seed command after a reset\n"
    "\n"
    "The new migration is checked as `refract migrate lint` does: what the rules\n"
    "find is printed, and the error-level findings are written into a comment at\n"
    "the top of migration.sql, after Prisma's warnings.\n"
    "\n"
    "  --schema PATH       the schema (default ./prisma/schema.prisma, ./schema.prisma)\n"
    "  --url URL           the database (default: the datasource url, else DATABASE_URL,\n"
    "                      from the environment or a .env file beside the schema)\n";

static const char push_usage[] =
    "Usage: refract db push [--accept-data-loss] [--schema PATH] [--url URL]\n"
    "\n"
    "Make the database match the schema without a migration (prototyping): the\n"
    "database is read as it is and changed to match the schema. Tables, columns,\n"
    "indexes the schema does not have are dropped (with --accept-data-loss when\n"
    "they hold data).\n"
    "\n"
    "  --accept-data-loss  run steps that would lose data the database holds\n"
    "  --schema PATH, --url URL   as for the migrate commands\n";

/* Print the differ's probable-rename notes. */
static void print_notes(const migrate_steps *steps)
{
    for (size_t i = 0; i < steps->nnotes; i++)
        fprintf(stderr, "note: %s\n", steps->notes[i]);
}

/* Prisma's warnings for the steps (whether or not data is present). */
static void print_warnings(const migrate_steps *steps, FILE *out)
{
    bool any = false;
    for (size_t i = 0; i < steps->count; i++) {
        const char *w = steps->items[i].warning;
        if (!w)
            continue;
        if (!any)
            fputs("Warnings for the current datasource:\n\n", out);
        any = true;
        while (*w) {
            const char *eol = strchr(w, '\n');
            size_t n = eol ? (size_t)(eol - w) : strlen(w);
            fprintf(out, "  - %.*s\n", (int)n, w);
            w += n + (eol ? 1 : 0);
        }
    }
    if (any)
        fputc('\n', out);
}

/* Check the data; 0 = go ahead, else the exit code (message printed).
 * Steps that cannot run on this data are refused whatever the flags: the
 * migration would fail (P3018) and block every later `migrate dev`. */
static int guard_data(PGconn *pg, const migrate_steps *steps, bool accept, bool is_migration)
{
    data_safety_report report = DATA_SAFETY_REPORT_INIT;
    buf err = BUF_INIT;
    int n = data_safety_check(pg, steps, &report, &err);
    const char *what = is_migration ? "applying this migration" : "pushing this schema";
    int rc = EXIT_OK;
    if (n < 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        rc = EXIT_USER;
    } else if (report.unexecutable.len) {
        fprintf(stderr,
                "error: %s is not possible with the data the database holds; these steps cannot "
                "be executed:\n\n%s\n",
                what, buf_cstr(&report.unexecutable));
        if (report.data_loss.len)
            fprintf(stderr, "It would also lose data:\n\n%s\n", buf_cstr(&report.data_loss));
        if (is_migration)
            fputs("Nothing was changed and no migration was created: --accept-data-loss cannot "
                  "help, the step would fail.\n"
                  "Do as said above and run `refract migrate dev` again; or write the migration "
                  "with `refract migrate dev --create-only`, edit it by hand (e.g. add the column "
                  "as optional, fill it with an UPDATE, then SET NOT NULL) and run `refract "
                  "migrate dev` to apply it.\n",
                  stderr);
        else
            fputs("Nothing was changed: --accept-data-loss cannot help, the step would fail. Do "
                  "as said above and push again.\n",
                  stderr);
        rc = EXIT_USER;
    } else if (report.data_loss.len && !accept) {
        fprintf(stderr,
                "error: %s would lose data the database holds:\n\n%s\n"
                "Nothing was changed. To go ahead anyway, run again with --accept-data-loss%s.\n",
                what, buf_cstr(&report.data_loss),
                is_migration ? " (or use --create-only to write the migration and edit it first)"
                             : "");
        rc = EXIT_USER;
    } else if (report.data_loss.len) {
        fprintf(stderr, "warning: --accept-data-loss given; this data will be lost:\n\n%s\n",
                buf_cstr(&report.data_loss));
    }
    data_safety_report_free(&report);
    buf_free(&err);
    return rc;
}

/* ---- migrate dev ---------------------------------------------------------------- */

/* Whether the table `name` exists in the URL's schema (looked up in the
 * catalog: the search_path may not be the URL's any more). -1 on error. */
static int has_table(db_conn *db, const char *name, buf *err)
{
    const char *params[] = {db->schema, name};
    PGresult *r = PQexecParams(db->pg,
                               "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                               " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                               " WHERE n.nspname = $1 AND c.relname = $2)",
                               2, NULL, params, NULL, NULL, 0);
    int yes = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        yes = !strcmp(PQgetvalue(r, 0, 0), "t");
    else
        buf_printf(err, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return yes;
}

/* Whether `db push` has changed this database (its record table exists). */
static bool pushed_before(db_conn *db)
{
    buf ignore = BUF_INIT;
    bool yes = has_table(db, PUSH_TABLE, &ignore) == 1;
    buf_free(&ignore);
    return yes;
}

/* The "before" of the next migration: the newest migration's saved schema.
 * *model stays NULL when there is no migration yet. Returns -1 on error. */
static int dev_before(const migration_folder *f, ast_schema *ast, arena *a, model_schema **model)
{
    return migration_snapshot_model(f, (long)f->count - 1, ast, a, model);
}

/* Lint the new migration's SQL after the folder's migrations, and write
 * the error-level findings as a comment after Prisma's warnings block (so
 * that without one the file is Prisma's). Returns the number of lines added
 * before the statements. */
static unsigned lint_new_migration(linter *l, const migration_folder *f, buf *sql)
{
    linter_init(l);
    lint_preload(l, f);
    lint_migration(l, sql->data, sql->len);
    buf block = BUF_INIT;
    lint_render_comment(l, &block);
    if (!block.len)
        return 0;
    static const char prisma_block[] = "/*\n  Warnings:\n";
    size_t at = 0;
    if (!strncmp(sql->data, prisma_block, sizeof prisma_block - 1)) {
        const char *end = strstr(sql->data, "\n*/\n");
        if (end)
            at = (size_t)(end - sql->data) + 4;
    }
    buf out = BUF_INIT;
    buf_put(&out, sql->data, at);
    buf_put(&out, block.data, block.len);
    buf_put(&out, sql->data + at, sql->len - at);
    unsigned lines = 0;
    for (size_t i = 0; i < block.len; i++)
        lines += block.data[i] == '\n';
    buf_free(sql);
    *sql = out;
    buf_free(&block);
    return lines;
}

/* Write the rest of a --safe migration: one migration per concurrent
 * index, then the foreign keys' validation; `prefix` (the main
 * migration's comments, when it had no statement left) goes on top of the
 * first. Each is created after re-reading the folder, so that its
 * timestamp follows the one before. *last is the newest name written. */
static int write_safe_rest(const project *p, migration_folder *f, const char *slug,
                           const safe_form *safe, const char *prefix, const char *snapshot,
                           migrate_steps **undo, char **last, buf *made, size_t *nmade)
{
    size_t n = safe->nindexes + (safe->validate.len ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        buf name = BUF_INIT, text = BUF_INIT, err = BUF_INIT;
        if (i < safe->nindexes) {
            buf_printf(&name, "%s_concurrent_index", slug);
            if (safe->nindexes > 1)
                buf_printf(&name, "_%zu", i + 1);
        } else {
            buf_printf(&name, "%s_%s", slug,
                       !safe->sets_not_null      ? "validate_foreign_keys"
                       : safe->validates_foreign_keys ? "validate_constraints"
                                                  : "set_not_null");
        }
        if (prefix && i == 0)
            buf_puts(&text, prefix);
        buf_puts(&text, i < safe->nindexes ? safe->indexes[i] : safe->validate.data);
        migrations_free(f);
        char *created = NULL;
        int rc = project_read_migrations(p, f);
        if (rc == 0 &&
            (rc = migrations_create(f, name.data, time(NULL), text.data, snapshot, &created,
                                    &err)) != 0)
            fprintf(stderr, "error: %s", buf_cstr(&err));
        /* An index migration's down.sql drops its index; the validation's
         * undoes nothing (the main migration's drops the keys). */
        if (rc == 0 && (rc = down_write(f->path, created, i < safe->nindexes ? undo[i] : NULL,
                                        &err)) != 0)
            fprintf(stderr, "error: %s", buf_cstr(&err));
        if (created) {
            buf_printf(made, "  └─ %s/\n    └─ migration.sql\n", created);
            ++*nmade;
            free(*last);
            *last = created;
        }
        buf_free(&name);
        buf_free(&text);
        buf_free(&err);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int migrate_dev_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(
        argc, argv,
        OPT_SCHEMA | OPT_URL | OPT_NAME | OPT_CREATE_ONLY | OPT_DATA_LOSS | OPT_SAFE |
            OPT_LOCK_TIMEOUT | OPT_FORCE | OPT_SKIP_SEED,
        &o);
    if (rc >= 0) {
        fputs(dev_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    bool was_reset = false; /* --force reset a drifted database: seed it at the end */
    if (o.lock_timeout && (!o.safe || !safe_form_lock_timeout_ok(o.lock_timeout))) {
        fprintf(stderr, "error: --lock-timeout %s: %s\n\n", o.lock_timeout,
                !o.safe ? "it goes with --safe"
                        : "give a number and an optional unit: ms, s, min or h (e.g. 5s)");
        fputs(dev_usage, stderr);
        return EXIT_USAGE;
    }
    const char *lock_timeout = o.lock_timeout ? o.lock_timeout : SAFE_FORM_LOCK_TIMEOUT;
    if (!strcmp(lock_timeout, "0"))
        lock_timeout = NULL; /* PostgreSQL's "no limit": write nothing */
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    rc = EXIT_USER;
    migration_folder f = {0};
    db_conn db = {0};
    ast_schema before_ast = {0};
    arena a = ARENA_INIT;
    buf err = BUF_INIT, sql = BUF_INIT, snapshot = BUF_INIT;
    char *created = NULL, *slug = NULL;
    model_schema *before = NULL;
    linter lint;
    bool lint_ran = false;
    safe_form safe = {0};
    buf made = BUF_INIT; /* the tree lines of the migrations written */
    size_t nmade = 0;

    if (project_read_migrations(&p, &f) != 0)
        goto out;
    if (dev_before(&f, &before_ast, &a, &before) != 0)
        goto out;
    printf("Schema loaded from %s\n", p.schema_path);
    if (!o.create_only) {
        if (project_connect(&p, o.url, &db, stdout) != 0)
            goto out;
        if (pushed_before(&db)) {
            fputs("error: this database was last changed by `refract db push`, so its tables "
                  "are not described by the migrations.\n"
                  "  Start the migration history over with `refract migrate reset` (all data is "
                  "lost), or use another database for migrate dev.\n",
                  stderr);
            goto out;
        }
        /* Bring the database to "before" first. */
        size_t applied = 0;
        if (migrate_deploy(&db, &f, stdout, &applied, &err) != 0) {
            fprintf(stderr, "\nerror: %s", buf_cstr(&err));
            goto out;
        }
        /* Then it must be what the migrations say it is. */
        const model_datasource *ds = p.model->has_datasource ? &p.model->datasource : NULL;
        if ((rc = drift_dev_gate(&db, before, ds, &f, o.force, stdout, &was_reset)) != EXIT_OK)
            goto out;
        rc = EXIT_USER;
    }
    migrate_steps *steps = migrate_diff(before, p.model, &a);
    migrate_steps *undo = down_steps(before, p.model, &a), **undo_rest = NULL;
    print_notes(steps);
    if (steps->count == 0 && !o.create_only) {
        puts("Already in sync, no schema change or pending migration was found.");
        rc = EXIT_OK;
        goto out;
    }
    if (!o.name) {
        fputs("error: the schema changed: give the new migration a name with --name NAME\n",
              stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    print_warnings(steps, stdout);
    if (!o.create_only &&
        (rc = guard_data(db.pg, steps, o.accept_data_loss, true)) != EXIT_OK)
        goto out;
    rc = EXIT_USER;

    migrate_render_sql(steps, &sql, &(migrate_render_opts){.style = MIGRATE_SQL_DEV});
    if (o.safe) {
        safe_form_make(sql.data, sql.len, lock_timeout, &safe);
        buf_truncate(&sql, 0);
        buf_put(&sql, safe.main.data, safe.main.len);
        undo_rest = arena_alloc(&a, (safe.nindexes + 1) * sizeof *undo_rest);
        for (size_t i = 0; i < safe.nindexes; i++)
            undo_rest[i] = down_take_index_drop(undo, safe.indexes[i], &a);
    }
    lint_ran = true;
    unsigned lint_lines = lint_new_migration(&lint, &f, &sql);
    if (migrations_snapshot_schema(p.schema_path, &snapshot, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        goto out;
    }
    slug = migration_slug(o.name);
    bool main_written = !o.safe || safe.main_has_statements;
    if (main_written &&
        migrations_create(&f, slug, time(NULL), buf_cstr(&sql), buf_cstr(&snapshot), &created,
                          &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        goto out;
    }
    if (created) {
        buf_printf(&made, "  └─ %s/\n    └─ migration.sql\n", created);
        nmade++;
        if (down_write(f.path, created, undo, &err) != 0) {
            fprintf(stderr, "error: %s", buf_cstr(&err));
            goto out;
        }
    }
    if (lint.count && main_written) {
        buf path = BUF_INIT;
        buf_printf(&path, "%s/%s/%s", f.path, created, MIGRATION_SQL_FILE);
        fprintf(stderr, "refract lint: %zu finding%s in the new migration (the errors are also "
                        "written at its top; `refract migrate lint --help` explains the rules):\n",
                lint.count, lint.count == 1 ? "" : "s");
        lint_print(&lint, path.data, lint_lines, stderr);
        fputc('\n', stderr);
        buf_free(&path);
    }
    if (o.safe && write_safe_rest(&p, &f, slug, &safe, main_written ? NULL : sql.data,
                                  snapshot.data, undo_rest, &created, &made, &nmade) != 0)
        goto out;
    if (o.create_only) {
        if (nmade == 1)
            printf("Created the migration %s/%s/migration.sql without applying it.\n\n",
                   f.path, created);
        else
            printf("Created the migrations without applying them:\n\n%s/\n%s\n", f.path,
                   made.data);
        printf("You can now edit %s and apply %s with refract migrate dev (or deploy).\n",
               nmade == 1 ? "it" : "them", nmade == 1 ? "it" : "them");
        rc = EXIT_OK;
        goto out;
    }
    /* Apply it (and nothing else is pending: deploy ran above). */
    migrations_free(&f);
    if (project_read_migrations(&p, &f) != 0)
        goto out;
    size_t applied = 0;
    if (migrate_deploy(&db, &f, stdout, &applied, &err) != 0) {
        fprintf(stderr, "\nerror: %s", buf_cstr(&err));
        goto out;
    }
    printf("\nThe following migration%s been created and applied from new schema changes:\n\n"
           "migrations/\n%s\n"
           "Your database is now in sync with your schema.\n",
           nmade == 1 ? " has" : "s have",
           made.data);
    rc = EXIT_OK;
out:
    /* A database reset on the way gets its seed, as Prisma's dev does. */
    if (rc == EXIT_OK && was_reset && !o.skip_seed && seed_run(p.model, p.url, stdout, true) != 0)
        rc = EXIT_USER;
    if (lint_ran)
        linter_free(&lint);
    safe_form_free(&safe);
    buf_free(&made);
    free(created);
    free(slug);
    buf_free(&sql);
    buf_free(&snapshot);
    buf_free(&err);
    if (db.pg)
        db_close(&db);
    migrations_free(&f);
    arena_free(&a);
    ast_schema_free(&before_ast);
    project_close(&p);
    return rc;
}

/* ---- db push -------------------------------------------------------------------- */

static bool exec_ok(PGconn *pg, const char *sql, int n, const char *const *params, buf *err)
{
    /* Without parameters: the simple protocol, which runs a whole script. */
    PGresult *r = n ? PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0) : PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok)
        buf_printf(err, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

int db_push_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_DATA_LOSS, &o);
    if (rc >= 0) {
        fputs(push_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    rc = EXIT_USER;
    db_conn db = {0};
    arena a = ARENA_INIT;
    buf err = BUF_INIT, sql = BUF_INIT, snapshot = BUF_INIT;
    char *runnable = NULL;
    bool in_tx = false;

    printf("Schema loaded from %s\n", p.schema_path);
    if (project_connect(&p, o.url, &db, stdout) != 0)
        goto out;
    if (migrations_snapshot_schema(p.schema_path, &snapshot, &err) != 0)
        goto fail;
    if (!exec_ok(db.pg, "BEGIN", 0, NULL, &err))
        goto fail;
    in_tx = true;
    if (!exec_ok(db.pg, "SELECT pg_advisory_xact_lock(" HISTORY_LOCK_KEY ")", 0, NULL, &err))
        goto fail;
    /* From the database as it is, whoever changed it last. */
    const db_schema *target = dbschema_from_model(p.model, &a);
    catalog *live = live_read(&db, target, &a, &err);
    if (!live)
        goto fail;
    migrate_steps *steps = migrate_diff_db(&live->db, target, &a);
    print_notes(steps);
    if (steps->count == 0) {
        if (!exec_ok(db.pg, "COMMIT", 0, NULL, &err))
            goto fail;
        in_tx = false;
        puts("The database is already in sync with the schema.");
        rc = EXIT_OK;
        goto out;
    }
    print_warnings(steps, stdout);
    if ((rc = guard_data(db.pg, steps, o.accept_data_loss, false)) != EXIT_OK)
        goto out;
    rc = EXIT_USER;
    migrate_render_sql(steps, &sql, &(migrate_render_opts){.style = MIGRATE_SQL_SCRIPT});
    sql_script sc;
    sql_scan(sql.data, sql.len, &sc);
    for (size_t i = 0; i < sc.count; i++)
        if (sc.items[i].kind == SQL_STMT_NO_TX ||
            (sc.items[i].kind == SQL_STMT_ADD_ENUM_VALUE && PQserverVersion(db.pg) < 120000)) {
            buf_printf(&err, "the push needs `%s ...`, which this PostgreSQL cannot run inside a "
                             "transaction; use migrate dev instead\n",
                       sc.items[i].what);
            sql_script_free(&sc);
            goto fail;
        }
    runnable = sql_without_tx_control(sql.data, sql.len, &sc);
    sql_script_free(&sc);
    if (!exec_ok(db.pg, runnable, 0, NULL, &err))
        goto fail;
    const char *params[] = {snapshot.data};
    if (!exec_ok(db.pg,
                 "CREATE TABLE IF NOT EXISTS " PUSH_TABLE
                 " (schema TEXT NOT NULL, pushed_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                 0, NULL, &err) ||
        !exec_ok(db.pg, "DELETE FROM " PUSH_TABLE, 0, NULL, &err) ||
        !exec_ok(db.pg, "INSERT INTO " PUSH_TABLE " (schema) VALUES ($1)", 1, params, &err) ||
        !exec_ok(db.pg, "COMMIT", 0, NULL, &err))
        goto fail;
    in_tx = false;
    puts("Your database is now in sync with your schema.");
    rc = EXIT_OK;
    goto out;
fail:
    fprintf(stderr, "error: db push failed; the database is unchanged.\n  %s", buf_cstr(&err));
out:
    if (in_tx && db.pg)
        PQclear(PQexec(db.pg, "ROLLBACK"));
    free(runnable);
    buf_free(&sql);
    buf_free(&snapshot);
    buf_free(&err);
    if (db.pg)
        db_close(&db);
    arena_free(&a);
    project_close(&p);
    return rc;
}
