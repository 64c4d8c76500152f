/*
 * migsql_catalog.h — helpers shared by the migration SQL integration tests:
 * apply SQL to a fresh database with psql (one statement at a time, as a
 * user would), and take its catalog with pg_dump --schema-only, normalized
 * so that two databases built by different routes compare equal when they
 * hold the same objects.
 *
 * Header-only (static functions): each test file is its own executable.
 */
#ifndef MIGSQL_CATALOG_H
#define MIGSQL_CATALOG_H

/* Not every test uses every helper. */
#define MC_FN static __attribute__((unused))

#include <check.h>
#include <glob.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/cmd_diff.h"
#include "migrate/diff.h"
#include "migrate/sql.h"
#include "pg_harness.h"

static pgh_cluster mc_pg;
static char mc_bindir[512];

MC_FN bool mc_executable(const char *dir, const char *prog)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, prog);
    return access(path, X_OK) == 0;
}

/* psql and pg_dump of the server's version (as the harness picks it). */
MC_FN void mc_find_bindir(void)
{
    const char *env = getenv("REFRACT_PG_BINDIR");
    if (env && *env && mc_executable(env, "pg_dump")) {
        snprintf(mc_bindir, sizeof mc_bindir, "%s", env);
        return;
    }
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char line[512] = "";
        bool got = fgets(line, sizeof line, p) != NULL;
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        if (got && mc_executable(line, "initdb") && mc_executable(line, "pg_dump")) {
            snprintf(mc_bindir, sizeof mc_bindir, "%s", line);
            return;
        }
    }
    glob_t g;
    long best = -1;
    if (glob("/usr/lib/postgresql/*/bin/pg_dump", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
            if (v > best) {
                best = v;
                snprintf(mc_bindir, sizeof mc_bindir, "/usr/lib/postgresql/%ld/bin", v);
            }
        }
        globfree(&g);
    }
}

MC_FN void mc_setup(void)
{
    ck_assert_int_eq(pgh_start(&mc_pg), 0);
    mc_find_bindir();
    ck_assert_msg(*mc_bindir, "no pg_dump found");
}

MC_FN void mc_teardown(void)
{
    pgh_stop(&mc_pg);
}

MC_FN char *mc_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

MC_FN void mc_exec(const char *conninfo, const char *sql)
{
    PGconn *db = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
    PGresult *r = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(db);
}

MC_FN bool mc_extension_available(const char *conninfo, const char *name)
{
    PGconn *db = PQconnectdb(conninfo);
    const char *params[1] = {name};
    PGresult *r = PQexecParams(db, "SELECT 1 FROM pg_available_extensions WHERE name = $1", 1,
                               NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    PQfinish(db);
    return ok;
}

/* A fresh database with citext and pg_trgm, as the corpus projects have. */
MC_FN void mc_fresh_db(char *conninfo, size_t size)
{
    ck_assert_int_eq(pgh_create_db(&mc_pg, NULL, conninfo, size), 0);
    mc_exec(conninfo, "CREATE EXTENSION IF NOT EXISTS citext");
    mc_exec(conninfo, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
}

/* Run `sql` with psql, stopping at the first error. Returns NULL on success,
 * else psql's message (caller frees). */
MC_FN char *mc_apply(const char *conninfo, const char *sql)
{
    char file[] = "/tmp/migsql-sql-XXXXXX", errs[] = "/tmp/migsql-err-XXXXXX";
    int fd = mkstemp(file), fe = mkstemp(errs);
    ck_assert(fd >= 0 && fe >= 0);
    ck_assert_int_eq(write(fd, sql, strlen(sql)), (ssize_t)strlen(sql));
    close(fd);
    close(fe);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/psql' -X -q -v ON_ERROR_STOP=1 -d '%s' -f '%s' >/dev/null 2>'%s'",
             mc_bindir, conninfo, file, errs);
    int rc = system(cmd);
    char *msg = rc == 0 ? NULL : mc_slurp(errs);
    if (rc != 0 && !msg)
        msg = strdup("psql failed");
    unlink(file);
    unlink(errs);
    return msg;
}

MC_FN int mc_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pg_dump --schema-only, without comments, SET lines and blank lines, and
 * with the column lines of each CREATE TABLE sorted: ALTER TABLE ADD COLUMN
 * appends, so a migrated table may hold the same columns in another order. */
MC_FN char *mc_catalog(const char *conninfo)
{
    char out[] = "/tmp/migsql-dump-XXXXXX";
    int fd = mkstemp(out);
    ck_assert(fd >= 0);
    close(fd);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s/pg_dump' --schema-only --no-owner --no-privileges -d '%s' > '%s' 2>/dev/null",
             mc_bindir, conninfo, out);
    ck_assert_int_eq(system(cmd), 0);
    char *raw = mc_slurp(out);
    unlink(out);
    ck_assert_ptr_nonnull(raw);

    buf b = BUF_INIT;
    char **cols = NULL;
    size_t ncols = 0, ccols = 0;
    bool in_table = false;
    for (char *line = strtok(raw, "\n"); line; line = strtok(NULL, "\n")) {
        /* \restrict lines carry a random key (pg_dump >= 17.6, 15.14). */
        if (!*line || !strncmp(line, "--", 2) || !strncmp(line, "SET ", 4) || line[0] == '\\' ||
            !strncmp(line, "SELECT pg_catalog.set_config", 28))
            continue;
        if (in_table && line[0] == ' ' && line[1] == ' ' && line[2] == ' ' && line[3] == ' ') {
            size_t n = strlen(line);
            if (n && line[n - 1] == ',')
                line[n - 1] = '\0';
            if (ncols == ccols) {
                ccols = ccols ? ccols * 2 : 16;
                cols = realloc(cols, ccols * sizeof *cols);
            }
            cols[ncols++] = line;
            continue;
        }
        if (in_table) {
            qsort(cols, ncols, sizeof *cols, mc_line_cmp);
            for (size_t i = 0; i < ncols; i++)
                buf_printf(&b, "%s\n", cols[i]);
            ncols = 0;
            in_table = false;
        }
        buf_printf(&b, "%s\n", line);
        if (!strncmp(line, "CREATE TABLE ", 13))
            in_table = true;
    }
    free(cols);
    free(raw);
    return buf_steal(&b);
}

/* SQL for from → to as `migrate diff --script` prints it (no CLI trailer);
 * from NULL = empty. NULL when a schema does not load. */
MC_FN char *mc_diff_sql(const char *from_path, const char *to_path)
{
    arena a = ARENA_INIT;
    migrate_loaded from = {0}, to = {0};
    char *out = NULL;
    if ((!from_path || migrate_load_schema(from_path, &from, &a)) &&
        migrate_load_schema(to_path, &to, &a)) {
        migrate_steps *steps = migrate_diff(from_path ? from.model : NULL, to.model, &a);
        buf b = BUF_INIT;
        migrate_render_sql(steps, &b, NULL);
        out = buf_steal(&b);
    }
    migrate_loaded_free(&from);
    migrate_loaded_free(&to);
    arena_free(&a);
    return out;
}

/* Run the data check of every destructive step of from → to on `conninfo`
 * (which holds create(from) and no rows): each must be valid SQL returning
 * one boolean, false on empty tables. Returns how many were run. */
MC_FN int mc_run_checks(const char *conninfo, const char *from_path, const char *to_path)
{
    arena a = ARENA_INIT;
    migrate_loaded from = {0}, to = {0};
    int n = 0;
    ck_assert(migrate_load_schema(from_path, &from, &a));
    ck_assert(migrate_load_schema(to_path, &to, &a));
    migrate_steps *steps = migrate_diff(from.model, to.model, &a);
    PGconn *db = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
    for (size_t i = 0; i < steps->count; i++) {
        const char *sql = steps->items[i].check_sql;
        if (!sql)
            continue;
        PGresult *r = PQexec(db, sql);
        ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == 1,
                      "check failed: %s: %s", sql, PQresultErrorMessage(r));
        ck_assert_msg(!strcmp(PQgetvalue(r, 0, 0), "f"), "check on empty tables is true: %s", sql);
        PQclear(r);
        n++;
    }
    PQfinish(db);
    migrate_loaded_free(&from);
    migrate_loaded_free(&to);
    arena_free(&a);
    return n;
}

/* Print a short diff of two catalogs to stderr. */
MC_FN void mc_show_diff(const char *label, const char *a, const char *b)
{
    char fa[] = "/tmp/migsql-ca-XXXXXX", fb[] = "/tmp/migsql-cb-XXXXXX";
    int da = mkstemp(fa), db = mkstemp(fb);
    if (da < 0 || db < 0)
        return;
    ssize_t w1 = write(da, a, strlen(a)), w2 = write(db, b, strlen(b));
    (void)w1;
    (void)w2;
    close(da);
    close(db);
    fprintf(stderr, "---- %s: expected (-) vs refract (+)\n", label);
    fflush(stderr);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "diff -u %s %s | head -30 1>&2", fa, fb);
    if (system(cmd) < 0)
        fprintf(stderr, "(diff failed)\n");
    unlink(fa);
    unlink(fb);
}

#endif
