/*
 * drift.c — the live database against what its applied migrations produce
 * (see drift.h).
 */
#include "drift.h"

#include <stdlib.h>
#include <string.h>

#include "../cli.h"
#include "../migrate/deploy.h"
#include "../migrate/history.h"
#include "../migrate/project.h"
#include "../migrate/replaces.h"
#include "../migrate/sql.h"
#include "../parse/parse.h"
#include "catalog.h"
#include "live.h"
#include "shadow.h"

migrate_steps *drift_compare(db_conn *db, const db_schema *expected, arena *a, buf *err)
{
    if (!expected)
        expected = dbschema_empty(a);
    catalog *live = live_read(db, expected, a, err);
    return live ? migrate_diff_db(expected, &live->db, a) : NULL;
}

migrate_steps *drift_compare_replayed(db_conn *db, const migration_folder *applied,
                                      const db_schema *like, arena *a, buf *err)
{
    shadow_db shadow;
    if (shadow_create(db, applied, &shadow, err) != 0)
        return NULL;
    catalog *expected = live_read(&shadow.conn, like, a, err);
    catalog *live = expected ? live_read(db, like, a, err) : NULL;
    shadow_drop(&shadow, db);
    return live ? migrate_diff_db(&expected->db, &live->db, a) : NULL;
}

/* The applied migrations of `f` per the history (items shared with `f`),
 * and the model of the newest one's saved schema in *expected (NULL when
 * none is applied). Returns 0; 1 when there is no usable saved schema (why
 * in `why`); 2 when nothing can tell (an applied migration was edited);
 * -1 on a database error. */
static int applied_state(db_conn *db, const migration_folder *f, ast_schema *ast, arena *a,
                         migration_folder *applied, const db_schema **expected, buf *why,
                         buf *err)
{
    *expected = NULL;
    *applied = *f;
    applied->count = 0;
    applied->items = arena_alloc(a, (f->count + 1) * sizeof *applied->items);
    history h = {0};
    if (history_load(db->pg, db->schema, &h, err) != 0)
        return -1;
    migration_report rep;
    migration_compare(f, &h, &rep);
    const char *edited = NULL, *partial = NULL;
    for (size_t i = 0; i < f->count; i++) {
        /* A squashed migration whose originals the database applied counts
         * as applied: deploy records it without running it (replaces.c). */
        buf ignore = BUF_INIT;
        replaces_action act = rep.state[i] == MIGRATION_PENDING
                                  ? replaces_action_for(&f->items[i], &h, &ignore)
                                  : REPLACES_RUN;
        buf_free(&ignore);
        bool squashed_in = act == REPLACES_RECORD;
        if (act == REPLACES_PARTIAL && !partial)
            partial = arena_strdup(a, f->items[i].name);
        if (rep.state[i] == MIGRATION_APPLIED || rep.state[i] == MIGRATION_EDITED || squashed_in)
            applied->items[applied->count++] = f->items[i];
        if (rep.state[i] == MIGRATION_EDITED && !edited)
            edited = arena_strdup(a, f->items[i].name);
    }
    migration_report_free(&rep);
    history_free(&h);
    if (partial) {
        /* Part of what the squashed migration replaces ran: what the
         * database should hold is no migration's schema (deploy refuses it
         * and says why). */
        buf_printf(why, "migration %s squashes migrations this database applied only in part",
                   partial);
        return 2;
    }
    if (edited) {
        /* What ran is not in the folder any more: neither its saved schema
         * nor a replay would say what the database should hold. */
        buf_printf(why, "migration %s was modified after it was applied", edited);
        return 2;
    }
    if (!applied->count)
        return 0;
    const migration_file *newest = &applied->items[applied->count - 1];
    if (!newest->has_schema) {
        buf_printf(why, "the newest applied migration %s has no schema.prisma (Prisma does not "
                        "save one)",
                   newest->name);
        return 1;
    }
    buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", newest->dir, MIGRATION_SCHEMA_FILE);
    char *text = read_regular_file(path.data, NULL, why);
    model_schema *m = text ? project_load_text(path.data, text, strlen(text), ast, a) : NULL;
    if (text && !m)
        buf_printf(why, "the saved schema %s does not validate any more", path.data);
    if (m)
        *expected = dbschema_from_model(m, a);
    free(text);
    buf_free(&path);
    return m ? 0 : 1;
}

void drift_print(migrate_steps *steps, FILE *out)
{
    /* The summary's warnings and rename guesses speak of a migration to
     * run; here nothing will run. */
    for (size_t i = 0; i < steps->count; i++)
        steps->items[i].warning = NULL;
    steps->nnotes = 0;
    buf b = BUF_INIT;
    migrate_render_summary(steps, &b);
    while (b.len && b.data[b.len - 1] == '\n')
        b.len--;
    fprintf(out,
            "Drift detected: Your database schema is not in sync with your migration history.\n"
            "\n"
            "The following is a summary of the differences between the expected database schema "
            "given your migrations files, and the actual schema of the database.\n"
            "\n"
            "It should be understood as the set of changes to get from the expected schema to "
            "the actual schema.\n"
            "%s\n\n",
            buf_cstr(&b));
    buf_free(&b);
}

/* Drift of the database against `applied` (whose newest saved schema is
 * `expected`, when known): the cheap check, confirmed by replaying. NULL
 * when it cannot be told (`why`) or on error (`err`, *failed set). */
static migrate_steps *find_drift(db_conn *db, const migration_folder *applied,
                                 const db_schema *expected, bool expected_known, arena *a,
                                 buf *why, buf *err, bool *failed)
{
    *failed = false;
    migrate_steps *steps = NULL;
    if (expected_known) {
        steps = drift_compare(db, expected, a, err);
        if (!steps) {
            *failed = true;
            return NULL;
        }
        if (!steps->count)
            return steps;
    }
    buf shadow_err = BUF_INIT;
    migrate_steps *replayed = drift_compare_replayed(db, applied, expected, a, &shadow_err);
    while (shadow_err.len && (shadow_err.data[shadow_err.len - 1] == '\n' ||
                              shadow_err.data[shadow_err.len - 1] == '.'))
        buf_truncate(&shadow_err, shadow_err.len - 1);
    /* `why` already says why the saved schema cannot tell (appended to,
     * never printed into itself: the buffer may move). */
    if (!replayed && !expected_known)
        buf_printf(why, ", and the migrations could not be replayed on a shadow database: %s",
                   buf_cstr(&shadow_err));
    buf_free(&shadow_err);
    return replayed ? replayed : steps;
}

int drift_check_history(db_conn *db, const migration_folder *f, FILE *out, buf *err)
{
    arena a = ARENA_INIT;
    ast_schema ast = {0};
    const db_schema *expected = NULL;
    migration_folder applied;
    buf why = BUF_INIT;
    int rc = applied_state(db, f, &ast, &a, &applied, &expected, &why, err);
    if (rc == 2) {
        fprintf(out, "Drift was not checked: %s.\n\n", buf_cstr(&why));
    } else if (rc >= 0) {
        bool failed;
        migrate_steps *steps = find_drift(db, &applied, expected, rc == 0, &a, &why, err, &failed);
        if (failed)
            rc = -1;
        else if (!steps) {
            fprintf(out, "Drift was not checked: %s.\n\n", buf_cstr(&why));
            rc = 2;
        } else if (steps->count) {
            drift_print(steps, out);
            rc = 1;
        } else {
            rc = 0;
        }
    }
    buf_free(&why);
    ast_schema_free(&ast);
    arena_free(&a);
    return rc;
}

int drift_dev_gate(db_conn *db, const model_schema *before, const model_datasource *ds,
                   const migration_folder *f, bool reset, FILE *out, bool *did_reset)
{
    *did_reset = false;
    arena a = ARENA_INIT;
    buf err = BUF_INIT, why = BUF_INIT;
    int rc = EXIT_OK;
    const db_schema *expected = before ? dbschema_from_model(before, &a) : NULL;
    bool failed;
    migrate_steps *steps = find_drift(db, f, expected, true, &a, &why, &err, &failed);
    if (failed) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        rc = EXIT_USER;
        goto done;
    }
    if (!steps->count)
        goto done;
    drift_print(steps, out);
    fprintf(out, "We need to reset the \"%s\" schema at \"%s\"\n\n", db->schema, db->where);
    if (!reset) {
        fputs("error: the database has drifted from the migration history; `migrate dev` needs "
              "to reset it, and all data will be lost.\n"
              "  Run `refract migrate dev --force ...` to reset it and go on, or `refract migrate "
              "reset`.\n"
              "  To keep the changes instead, put them in the schema and create a migration for "
              "them (`refract migrate diff --from-migrations DIR --to-url URL --script` writes "
              "their SQL).\n",
              stderr);
        rc = EXIT_USER;
        goto done;
    }
    size_t applied = 0;
    if (migrate_reset_schemas(db, ds ? ds->schemas : NULL, ds ? ds->nschemas : 0, &err) != 0 ||
        migrate_deploy(db, f, out, &applied, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        rc = EXIT_USER;
        goto done;
    }
    fputs("Database reset successful\n\n", out);
    *did_reset = true;
done:
    buf_free(&err);
    buf_free(&why);
    arena_free(&a);
    return rc;
}
