/*
 * cmd_down.c — `refract migrate down`: which applied migrations to roll
 * back, refusing before anything runs when one of them has no down.sql;
 * then each one's down.sql in its own transaction (down_apply.c), newest
 * first, stopping at the first refusal or failure.
 */
#include "cmd_down.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli.h"
#include "../parse/parse.h"
#include "deploy.h"
#include "down.h"
#include "down_apply.h"
#include "options.h"
#include "project.h"
#include "snapshot.h"

static const char down_usage[] =
    "Usage: refract migrate down [--to NAME] [--accept-data-loss] [--schema PATH] [--url URL]\n"
    "\n"
    "Roll back applied migrations by running the down.sql that `refract migrate dev`\n"
    "wrote beside each migration.sql, newest first, each in one transaction that\n"
    "also marks the migration rolled back in _prisma_migrations (as `migrate\n"
    "resolve --rolled-back` would): `refract migrate deploy` applies it again.\n"
    "\n"
    "  --to NAME           roll back every applied migration newer than NAME (NAME\n"
    "                      stays applied); without it, only the newest applied one\n"
    "  --accept-data-loss  run a down.sql that would lose data the database holds\n"
    "                      (e.g. drop a table the migration created, now holding\n"
    "                      rows); without it, refract names the data and stops\n"
    "\n"
    "A migration without down.sql (made by Prisma, or before refract wrote them) is\n"
    "refused before anything runs: write its down.sql by hand first. Steps that\n"
    "cannot run on the data (e.g. restoring a required column without default on a\n"
    "table with rows) are refused whatever the flags.\n"
    "\n"
    "  --schema PATH       the schema (default ./prisma/schema.prisma, ./schema.prisma)\n"
    "  --url URL           the database (default: the datasource url, else DATABASE_URL,\n"
    "                      from the environment or a .env file beside the schema)\n";

static bool is_applied(migration_state s) { return s == MIGRATION_APPLIED || s == MIGRATION_EDITED; }

/* The folder indexes to roll back, newest first, into `out` (f->count
 * room); returns how many, or -1 after printing why. */
static long pick(const migration_folder *f, const migration_report *rep, const char *to,
                 size_t *out)
{
    long target = -1;
    if (to) {
        for (size_t i = 0; i < f->count && target < 0; i++)
            if (!strcmp(f->items[i].name, to))
                target = (long)i;
        if (target < 0) {
            fprintf(stderr,
                    "error: P3017: the migration `%s` could not be found in %s. Give the whole "
                    "name of its folder, e.g. 20240101120000_init.\n",
                    to, f->path);
            return -1;
        }
        if (!is_applied(rep->state[target])) {
            fprintf(stderr,
                    "error: `%s` is not applied to this database, so it cannot be the migration "
                    "to roll back to (`refract migrate status` lists what is applied).\n",
                    to);
            return -1;
        }
    }
    long n = 0;
    for (long i = (long)f->count - 1; i > target; i--) {
        if (!is_applied(rep->state[i]))
            continue;
        out[n++] = (size_t)i;
        if (!to)
            break;
    }
    return n;
}

/* Refuse, before anything runs, when one of them has no down.sql. */
static bool all_have_down(const migration_folder *f, const size_t *idx, long n)
{
    long missing = 0;
    for (long k = 0; k < n; k++)
        missing += !f->items[idx[k]].has_down;
    if (!missing)
        return true;
    fprintf(stderr, "error: %ld migration%s to roll back ha%s no down.sql:\n", missing,
            missing == 1 ? "" : "s", missing == 1 ? "s" : "ve");
    for (long k = 0; k < n; k++)
        if (!f->items[idx[k]].has_down)
            fprintf(stderr, "  %s/%s\n", f->items[idx[k]].dir, MIGRATION_DOWN_FILE);
    fputs("refract writes down.sql with each migration `refract migrate dev` creates; a migration "
          "made by Prisma or by an older refract has none. Write it by hand (the SQL that undoes "
          "its migration.sql) and run `refract migrate down` again. Nothing was rolled back.\n",
          stderr);
    return false;
}

/* Roll back migration `i`: its data check needs the steps from its schema
 * back to the previous migration's. */
static int roll_back_one(db_conn *db, const migration_folder *f, size_t i, bool accept, buf *err)
{
    ast_schema ast_after = {0}, ast_before = {0};
    arena a = ARENA_INIT;
    model_schema *after = NULL, *before = NULL;
    const migrate_steps *steps = NULL;
    if (migration_snapshot_model(f, (long)i, &ast_after, &a, &after) == 0 &&
        migration_snapshot_model(f, (long)i - 1, &ast_before, &a, &before) == 0)
        steps = down_steps(before, after, &a);
    down_request rq = {.m = &f->items[i], .steps = steps, .accept_data_loss = accept};
    int rc = down_apply(db, &rq, err);
    arena_free(&a);
    ast_schema_free(&ast_after);
    ast_schema_free(&ast_before);
    return rc;
}

static int run(db_conn *db, const migration_folder *f, const migrate_options *o)
{
    buf err = BUF_INIT;
    history h = {0};
    migration_report rep = {0};
    size_t *idx = calloc(f->count ? f->count : 1, sizeof *idx);
    int rc = EXIT_USER;
    if (!idx) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    if (history_lock(db->pg, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        free(idx);
        buf_free(&err);
        return EXIT_USER;
    }
    if (history_load(db->pg, db->schema, &h, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        goto out;
    }
    migration_compare(f, &h, &rep);
    if (rep.first_failed) {
        fprintf(stderr,
                "error: P3009: the migration `%s` failed and is not resolved; resolve it first "
                "(`refract migrate resolve --rolled-back %s`, or `--applied`), then roll back.\n",
                rep.first_failed->migration_name, rep.first_failed->migration_name);
        goto out;
    }
    long n = pick(f, &rep, o->to, idx);
    if (n < 0)
        goto out;
    if (n == 0) {
        puts(o->to ? "No migration is applied after it: nothing to roll back."
                   : "No migration is applied: nothing to roll back.");
        rc = EXIT_OK;
        goto out;
    }
    if (!all_have_down(f, idx, n))
        goto out;
    long done = 0;
    for (; done < n; done++) {
        const migration_file *m = &f->items[idx[done]];
        if (rep.state[idx[done]] == MIGRATION_EDITED)
            fprintf(stderr,
                    "warning: migration `%s` was modified after it was applied; its down.sql "
                    "undoes the file as it is now.\n",
                    m->name);
        printf("Rolling back migration `%s`\n", m->name);
        fflush(stdout);
        if (roll_back_one(db, f, idx[done], o->accept_data_loss, &err) != 0)
            break;
    }
    if (done) {
        printf("\nThe following migration%s been rolled back:\n\nmigrations/\n",
               done == 1 ? " has" : "s have");
        for (long k = 0; k < done; k++)
            printf("  └─ %s/\n    └─ down.sql\n", f->items[idx[k]].name);
        printf("\n`refract migrate deploy` applies %s again.\n", done == 1 ? "it" : "them");
    }
    if (done < n) {
        fprintf(stderr, "\nerror: %s", buf_cstr(&err));
        if (done)
            fprintf(stderr, "(%ld of the %ld migrations were rolled back before this one.)\n",
                    done, n);
        goto out;
    }
    rc = EXIT_OK;
out:
    migration_report_free(&rep);
    history_free(&h);
    history_unlock(db->pg);
    free(idx);
    buf_free(&err);
    return rc;
}

int migrate_down_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL | OPT_TO | OPT_DATA_LOSS, &o);
    if (rc >= 0) {
        fputs(down_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    migration_folder f;
    db_conn db = {0};
    rc = EXIT_USER;
    if (project_read_migrations(&p, &f) == 0) {
        printf("Schema loaded from %s\n", p.schema_path);
        if (project_connect(&p, o.url, &db, stdout) == 0) {
            rc = run(&db, &f, &o);
            db_close(&db);
        }
    }
    migrations_free(&f);
    project_close(&p);
    return rc;
}
