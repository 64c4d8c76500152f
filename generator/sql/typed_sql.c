/*
 * typed_sql.c — runs typed SQL for `refract generate`: the queries of
 * sql_dir (sqlq_read.c), a database that holds the schema — the one given
 * (--url, or the datasource's shadowDatabaseUrl), else a throwaway server
 * started here with the test harness (tests/harness/pg_harness.c) — then
 * PostgreSQL's types for each query (sqlq_describe.c) and the C for them
 * (sqlq_emit.c).
 *
 * The schema reaches the database as the migrations beside it when there
 * are any (so views and raw SQL in them are there too), else as the SQL of
 * the whole schema (`migrate diff --from-empty`). A given database gets
 * it inside a transaction that is rolled back: nothing of it stays.
 */
#include "typed_sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../migrate/dburl.h"
#include "../migrate/diff.h"
#include "../migrate/folder.h"
#include "../migrate/sql.h"
#include "../migrate/sqlscan.h"
#include "pg_harness.h"
#include "sqlq_describe.h"
#include "sqlq_emit.h"

static pgh_cluster throwaway; /* static: the harness stops it at exit too */

static bool exec_ok(PGconn *db, const char *sql, const char *what)
{
    PGresult *r = PQexec(db, sql);
    ExecStatusType s = PQresultStatus(r);
    bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
    if (!ok)
        fprintf(stderr, "error: %s: %s", what, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

/* The schema into db: its migrations, else its whole SQL. */
static bool apply_schema(PGconn *db, const model_schema *m, const char *schema_path, bool in_tx)
{
    char *dir = migrations_path_for_schema(schema_path);
    migration_folder f = {0};
    buf err = {0};
    bool ok = true;
    if (dir && migrations_read(dir, &f, &err) == 0 && f.count) {
        for (size_t i = 0; i < f.count && ok; i++) {
            char *what = NULL;
            if (in_tx) { /* its own BEGIN/COMMIT would end ours */
                sql_script s = {0};
                sql_scan(f.items[i].sql, f.items[i].sql_len, &s);
                char *sql = sql_without_tx_control(f.items[i].sql, f.items[i].sql_len, &s);
                sql_script_free(&s);
                what = sql;
            }
            buf label = {0};
            buf_printf(&label, "applying migration %s for typed SQL", f.items[i].name);
            ok = exec_ok(db, what ? what : f.items[i].sql, buf_cstr(&label));
            buf_free(&label);
            free(what);
        }
    } else {
        arena a = ARENA_INIT;
        buf sql = {0};
        migrate_render_sql(migrate_diff(NULL, m, &a), &sql,
                           &(migrate_render_opts){.style = MIGRATE_SQL_SCRIPT});
        ok = exec_ok(db, buf_cstr(&sql), "creating the schema's tables for typed SQL");
        buf_free(&sql);
        arena_free(&a);
    }
    migrations_free(&f);
    buf_free(&err);
    free(dir);
    return ok;
}

/* Writes text to path through a temporary file beside it. */
static bool write_file(const char *path, const buf *text)
{
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp)
        return false;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(text->data ? text->data : "", 1, text->len, f) == text->len;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok;
}

static bool same_as_file(const char *path, const buf *text)
{
    size_t len = 0;
    char *old = read_file_all(path, &len);
    bool same = old && len == text->len && !memcmp(old, text->data ? text->data : "", len);
    free(old);
    return same;
}

/* A model or enum whose C names would share db_sql_... with the queries'. */
static int name_clashes(const model_schema *m, const sqlq_set *set, const char *prefix)
{
    if (!set->count)
        return 0;
    int errors = 0;
    for (size_t i = 0; i < m->ntables; i++) {
        const char *c = m->tables[i].c_name;
        if (c && (!strcmp(c, "sql") || !strncmp(c, "sql_", 4))) {
            fprintf(stderr, "error: model %s generates %s_%s..., which typed queries use "
                            "(%s_sql_<query>): rename it, or @@map it under another name\n",
                    m->tables[i].name, prefix, c, prefix);
            errors++;
        }
    }
    for (size_t i = 0; i < m->nenums; i++) {
        const char *c = m->enums[i].c_name;
        if (!strcmp(c, "sql") || !strncmp(c, "sql_", 4)) {
            fprintf(stderr, "error: enum %s generates %s_%s..., which typed queries use\n",
                    m->enums[i].name, prefix, c);
            errors++;
        }
    }
    return errors;
}

/* Connects to the given database, or starts a throwaway one. */
static PGconn *database(const typed_sql_options *o, db_conn *given)
{
    if (o->url) {
        buf err = {0};
        if (db_connect(o->url, given, &err) != 0) {
            fprintf(stderr, "error: typed SQL needs a database: %s\n", buf_cstr(&err));
            buf_free(&err);
            return NULL;
        }
        buf_free(&err);
        return given->pg;
    }
    /* In memory when the system has a tmpfs for it: initdb writes some 40 MB,
     * which on a busy disk takes several times as long (8 s against 2.7 s,
     * measured on a loaded machine). $TMPDIR, when set, is the user's choice. */
    struct stat st;
    if (!getenv("TMPDIR") && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
        (st.st_mode & S_ISVTX) && access("/dev/shm", W_OK | X_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 0);
    if (pgh_start(&throwaway) != 0) {
        fprintf(stderr, "error: typed SQL needs a database, and a throwaway PostgreSQL did not "
                        "start (%s); give one with --url\n", throwaway.error);
        return NULL;
    }
    /* Its "postgres" database: the server is ours alone, and CREATE DATABASE
     * would only cost time. */
    PGconn *db = PQconnectdb(throwaway.conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "error: typed SQL: %s", PQerrorMessage(db));
        PQfinish(db);
        return NULL;
    }
    return db;
}

static void quiet(void *arg, const PGresult *r)
{
    (void)arg, (void)r;
}

int typed_sql_run(const model_schema *m, const typed_sql_options *o)
{
    struct stat st;
    bool exists = stat(o->sql_dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (!exists) {
        if (!o->dir_given) {
            if (o->check)
                printf("Typed SQL: no folder %s, nothing to check\n", o->sql_dir);
            return 0;
        }
        fprintf(stderr, "error: the typed SQL folder %s (sql = \"...\" in the generator block) "
                        "does not exist\n", o->sql_dir);
        return 1;
    }
    arena a = ARENA_INIT;
    sqlq_set set = {0};
    int errors = sqlq_read_dir(o->sql_dir, &set, &a);
    errors += name_clashes(m, &set, o->prefix);
    if (errors || !set.count) {
        arena_free(&a);
        if (errors)
            fprintf(stderr, "\nerror: %d problem%s in the typed SQL of %s; nothing was written\n",
                    errors, errors == 1 ? "" : "s", o->sql_dir);
        else if (o->check)
            printf("Typed SQL: no .sql files in %s, nothing to check\n", o->sql_dir);
        return errors ? 1 : 0;
    }
    db_conn given = {0};
    PGconn *db = database(o, &given);
    int status = 1;
    if (!db)
        goto done;
    PQsetNoticeReceiver(db, quiet, NULL);
    bool in_tx = o->url != NULL;
    if (in_tx && !exec_ok(db, "BEGIN", "typed SQL"))
        goto done;
    if (!apply_schema(db, m, o->schema_path, in_tx))
        goto done;
    errors = sqlq_describe(db, m, &set, in_tx, &a);
    if (in_tx)
        exec_ok(db, "ROLLBACK", "typed SQL");
    if (errors) {
        fprintf(stderr, "\nerror: %d problem%s in the typed SQL of %s; %s\n", errors,
                errors == 1 ? "" : "s", o->sql_dir,
                o->check ? "the check failed" : "nothing was written");
        goto done;
    }
    buf h = {0}, c = {0};
    sqlq_emit(&set, o->prefix, &h, &c, &a);
    char *hpath = arena_printf(&a, "%s/%s_sql.h", o->out_dir, o->prefix);
    char *cpath = arena_printf(&a, "%s/%s_sql.c", o->out_dir, o->prefix);
    if (o->check) {
        bool same = same_as_file(hpath, &h) && same_as_file(cpath, &c);
        if (same) {
            printf("Typed SQL: %zu quer%s of %s prepare, and %s_sql.h/.c are up to date\n",
                   set.count, set.count == 1 ? "y" : "ies", o->sql_dir, o->prefix);
            status = 0;
        } else {
            fprintf(stderr, "error: %s or %s is not what `refract generate` writes now: run it "
                            "again\n", hpath, cpath);
        }
    } else if (write_file(hpath, &h) && write_file(cpath, &c)) {
        printf("Generated %zu typed quer%s from %s into %s (%s_sql.h, %s_sql.c)\n", set.count,
               set.count == 1 ? "y" : "ies", o->sql_dir, o->out_dir, o->prefix, o->prefix);
        status = 0;
    }
    buf_free(&h);
    buf_free(&c);
done:
    if (o->url)
        db_close(&given);
    else {
        if (db)
            PQfinish(db);
        pgh_stop(&throwaway);
    }
    arena_free(&a);
    return status;
}
