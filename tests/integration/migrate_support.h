/*
 * migrate_support.h — helpers for the migrate integration tests: a project
 * folder in /tmp with a schema and migrations, running the refract binary
 * in it ($REFRACT_BIN, else the one this test was built with), and asking
 * the test database questions.
 *
 * Header-only (static functions) so that each test binary stays one file
 * plus this; not every test uses every helper.
 */
#ifndef REFRACT_TEST_MIGRATE_SUPPORT_H
#define REFRACT_TEST_MIGRATE_SUPPORT_H

#include <check.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migrate/folder.h"
#include "pg_harness.h"
#include "util/buf.h"

typedef struct project_dir {
    char root[64];                 /* /tmp/refract-mig-XXXXXX */
    char url[PGH_CONNINFO_MAX];    /* DATABASE_URL of the test's database */
    char conninfo[PGH_CONNINFO_MAX];
    PGconn *db;                    /* a connection of the test's own */
} project_dir;

#define TEST_SCHEMA                                                                \
    "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n"

static __attribute__((unused)) void proj_write(const project_dir *p, const char *rel,
                                               const char *text)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", p->root, rel);
    char *path = b.data;
    for (char *c = path + strlen(p->root) + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(path, 0777);
            *c = '/';
        }
    ck_assert_int_eq(write_file_all(path, text, strlen(text)), 0);
    buf_free(&b);
}

static __attribute__((unused)) char *proj_read(const project_dir *p, const char *rel)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", p->root, rel);
    char *text = read_file_all(b.data, NULL);
    buf_free(&b);
    return text;
}

/* A migration folder prisma/migrations/<name>/migration.sql. */
static __attribute__((unused)) void proj_migration(const project_dir *p, const char *name,
                                                   const char *sql)
{
    buf rel = BUF_INIT;
    buf_printf(&rel, "prisma/migrations/%s/migration.sql", name);
    proj_write(p, rel.data, sql);
    buf_free(&rel);
}

static __attribute__((unused)) void proj_open(project_dir *p, pgh_cluster *pg, const char *schema)
{
    strcpy(p->root, "/tmp/refract-mig-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->root));
    char dbname[64];
    snprintf(dbname, sizeof dbname, "m%ld_%d", (long)getpid(), rand() % 100000);
    ck_assert_msg(pgh_create_db(pg, dbname, p->conninfo, sizeof p->conninfo) == 0, "%s",
                  pg->error);
    ck_assert_int_eq(pgh_url(pg, dbname, p->url, sizeof p->url), 0);
    p->db = PQconnectdb(p->conninfo);
    ck_assert_msg(PQstatus(p->db) == CONNECTION_OK, "%s", PQerrorMessage(p->db));
    PQclear(PQexec(p->db, "SET client_min_messages = warning"));
    proj_write(p, "prisma/schema.prisma", schema ? schema : TEST_SCHEMA);
}

static __attribute__((unused)) void proj_close(project_dir *p)
{
    PQfinish(p->db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->root);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *refract_bin(void)
{
    const char *b = getenv("REFRACT_BIN");
    return b && *b ? b : REFRACT_BIN;
}

/* Run `refract args...` (NULL-terminated) in the project with DATABASE_URL
 * set and stdin from /dev/null; stdout and stderr together into *out (heap,
 * caller frees). Returns the exit status. */
static __attribute__((unused)) int proj_run(const project_dir *p, char **out, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)refract_bin();
    va_list ap;
    va_start(ap, out);
    const char *a;
    while ((a = va_arg(ap, const char *)) && argc < 31)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (chdir(p->root) != 0)
            _exit(127);
        setenv("DATABASE_URL", p->url, 1);
        setenv("NO_COLOR", "1", 1);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    buf b = BUF_INIT;
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
        buf_put(&b, chunk, (size_t)n);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    buf_cstr(&b);
    *out = buf_steal(&b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The single value of a one-row query (heap; NULL for SQL NULL). */
static __attribute__((unused)) char *db_value(const project_dir *p, const char *sql)
{
    PGresult *r = PQexec(p->db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
    ck_assert_msg(PQntuples(r) == 1, "%s: %d rows", sql, PQntuples(r));
    char *v = PQgetisnull(r, 0, 0) ? NULL : strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static __attribute__((unused)) long db_long(const project_dir *p, const char *sql)
{
    char *v = db_value(p, sql);
    ck_assert_ptr_nonnull(v);
    long n = atol(v);
    free(v);
    return n;
}

static __attribute__((unused)) void db_exec(const project_dir *p, const char *sql)
{
    PGresult *r = PQexec(p->db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

static __attribute__((unused)) bool db_has_table(const project_dir *p, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT to_regclass('public.\"%s\"') IS NOT NULL", name);
    char *v = db_value(p, sql);
    bool yes = v && !strcmp(v, "t");
    free(v);
    return yes;
}

#define ck_assert_contains(hay, needle)                                                  \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "expected \"%s\" in output:\n%s", (needle), \
                  (hay))
#define ck_assert_not_contains(hay, needle)                                              \
    ck_assert_msg(strstr((hay), (needle)) == NULL, "did not expect \"%s\" in output:\n%s",     \
                  (needle), (hay))

#endif
