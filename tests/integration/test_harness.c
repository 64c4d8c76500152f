/*
 * test_harness.c — the throwaway PostgreSQL every integration test, the demo
 * and the benchmarks stand on: it starts, serves on a private unix socket
 * only, gives each test its own database, and leaves nothing behind.
 */
#include <check.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg_harness.h"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The single value of a one-row, one-column query, copied into out. */
static void query_value(PGconn *db, const char *sql, char *out, size_t size)
{
    PGresult *r = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQresultErrorMessage(r));
    ck_assert_int_eq(PQntuples(r), 1);
    snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
}

static PGconn *connect_ok(const char *conninfo)
{
    PGconn *db = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s: %s", conninfo, PQerrorMessage(db));
    return db;
}

static void exec_ok(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql,
                  PQresultErrorMessage(r));
    PQclear(r);
}

static pgh_cluster pg; /* static: the atexit handler may reach it */

START_TEST(test_start_query_databases_stop)
{
    ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error);
    ck_assert(exists(pg.dir));
    ck_assert_msg(strlen(pg.dir) + strlen("/.s.PGSQL.65535") < 108, "socket path too long");

    char value[256];
    PGconn *db = connect_ok(pg.conninfo);
    query_value(db, "SELECT 6 * 7", value, sizeof value);
    ck_assert_str_eq(value, "42");
    /* No TCP at all: only the socket in our own directory. */
    query_value(db, "SHOW listen_addresses", value, sizeof value);
    ck_assert_str_eq(value, "");
    query_value(db, "SHOW unix_socket_directories", value, sizeof value);
    ck_assert_str_eq(value, pg.dir);
    query_value(db, "SELECT current_user", value, sizeof value);
    ck_assert_str_eq(value, PGH_USER);
    query_value(db, "SHOW server_encoding", value, sizeof value);
    ck_assert_str_eq(value, "UTF8");
    PQfinish(db);

    /* Two fresh databases, isolated from each other. */
    char first[PGH_CONNINFO_MAX], second[PGH_CONNINFO_MAX];
    ck_assert_msg(pgh_create_db(&pg, "first db", first, sizeof first) == 0, "%s", pg.error);
    ck_assert_msg(pgh_create_db(&pg, NULL, second, sizeof second) == 0, "%s", pg.error);
    ck_assert_str_ne(first, second);

    PGconn *a = connect_ok(first);
    query_value(a, "SELECT current_database()", value, sizeof value);
    ck_assert_str_eq(value, "first db");
    exec_ok(a, "CREATE TABLE only_in_first (id int)");
    PQfinish(a);

    PGconn *b = connect_ok(second);
    query_value(b, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'", value,
                sizeof value);
    ck_assert_str_eq(value, "0");
    PQfinish(b);

    /* A database that exists already is an error, reported, not a crash. */
    ck_assert_int_eq(pgh_create_db(&pg, "first db", first, sizeof first), -1);
    ck_assert_ptr_nonnull(strstr(pg.error, "already exists"));

    /* The URL form reaches the same server. */
    char url[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_url(&pg, "first db", url, sizeof url), 0);
    ck_assert_msg(strncmp(url, "postgresql://" PGH_USER "@/first%20db?host=/", 33) == 0, "%s",
                  url);
    PGconn *u = connect_ok(url);
    query_value(u, "SELECT current_database()", value, sizeof value);
    ck_assert_str_eq(value, "first db");
    PQfinish(u);

    /* Dropping a database closes its connections first; dropping one that
     * is not there is no error. */
    PGconn *holder = connect_ok(first);
    ck_assert_msg(pgh_drop_db(&pg, "first db") == 0, "%s", pg.error);
    PQfinish(holder);
    ck_assert_int_eq(pgh_drop_db(&pg, "first db"), 0);
    PGconn *gone = PQconnectdb(first);
    ck_assert_int_ne(PQstatus(gone), CONNECTION_OK);
    PQfinish(gone);

    char dir[PGH_DIR_MAX];
    snprintf(dir, sizeof dir, "%s", pg.dir);
    pgh_stop(&pg);
    ck_assert_msg(!exists(dir), "%s is still there", dir);
    pgh_stop(&pg); /* twice is harmless */
}
END_TEST

/* pgh_start_tcp: the same server, also on 127.0.0.1 at a port that was
 * free (benchmarks measure round trips over TCP loopback with it). */
START_TEST(test_tcp_loopback_on_a_free_port)
{
    static pgh_cluster t;
    ck_assert_msg(pgh_start_tcp(&t) == 0, "%s", t.error);
    ck_assert(t.tcp);
    ck_assert_int_gt(t.port, 0);
    char conninfo[PGH_CONNINFO_MAX], value[256], expect[16];
    ck_assert_int_eq(pgh_tcp_conninfo(&t, "postgres", conninfo, sizeof conninfo), 0);
    PGconn *db = connect_ok(conninfo);
    query_value(db, "SHOW listen_addresses", value, sizeof value);
    ck_assert_str_eq(value, "127.0.0.1");
    query_value(db, "SELECT host(inet_server_addr())", value, sizeof value);
    ck_assert_str_eq(value, "127.0.0.1");
    query_value(db, "SELECT inet_server_port()", value, sizeof value);
    snprintf(expect, sizeof expect, "%d", t.port);
    ck_assert_str_eq(value, expect);
    PQfinish(db);
    /* The unix socket still serves, and databases made there are reachable. */
    char made[PGH_CONNINFO_MAX];
    ck_assert_msg(pgh_create_db(&t, "over_tcp", made, sizeof made) == 0, "%s", t.error);
    PQfinish(connect_ok(made));
    ck_assert_int_eq(pgh_tcp_conninfo(&t, "over_tcp", conninfo, sizeof conninfo), 0);
    db = connect_ok(conninfo);
    query_value(db, "SELECT current_database()", value, sizeof value);
    ck_assert_str_eq(value, "over_tcp");
    PQfinish(db);
    /* No conninfo for names it cannot quote, nor for a cluster without TCP. */
    ck_assert_int_eq(pgh_tcp_conninfo(&t, "it's", conninfo, sizeof conninfo), -1);
    pgh_cluster plain = {.port = 5432};
    ck_assert_int_eq(pgh_tcp_conninfo(&plain, "postgres", conninfo, sizeof conninfo), -1);
    pgh_stop(&t);
}
END_TEST

START_TEST(test_two_clusters_at_once)
{
    /* Also: the servers must not keep our descriptors open (a pipe's
     * reader would wait forever for its end). */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);

    static pgh_cluster one, two;
    ck_assert_msg(pgh_start(&one) == 0, "%s", one.error);
    ck_assert_msg(pgh_start(&two) == 0, "%s", two.error);
    close(fds[1]);
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    ck_assert_int_eq(poll(&p, 1, 5000), 1);
    char byte;
    ck_assert_int_eq(read(fds[0], &byte, 1), 0); /* end of file: no other writer */
    close(fds[0]);

    ck_assert_str_ne(one.dir, two.dir);
    ck_assert_int_ne(one.port, two.port);

    char value[64];
    PGconn *a = connect_ok(one.conninfo);
    PGconn *b = connect_ok(two.conninfo);
    exec_ok(a, "CREATE TABLE mine (id int)");
    query_value(b, "SELECT count(*) FROM pg_tables WHERE tablename = 'mine'", value,
                sizeof value);
    ck_assert_str_eq(value, "0");
    PQfinish(a);
    PQfinish(b);
    pgh_stop(&one);
    pgh_stop(&two);
    ck_assert(!exists(one.dir));
    ck_assert(!exists(two.dir));
}
END_TEST

/* With CK_FORK a test body runs in a child whose exit runs atexit handlers:
 * the server its parent started must survive that. */
START_TEST(test_forked_child_exit_leaves_server_running)
{
    static pgh_cluster parent;
    ck_assert_msg(pgh_start(&parent) == 0, "%s", parent.error);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        pgh_stop(&parent); /* a copy: must do nothing */
        exit(0);           /* runs the atexit handler: must do nothing */
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(exists(parent.dir));
    PGconn *db = connect_ok(parent.conninfo);
    PQfinish(db);
    pgh_stop(&parent);
    ck_assert(!exists(parent.dir));
}
END_TEST

static bool gone_soon(pid_t pid)
{
    for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
        usleep(50 * 1000);
    return kill(pid, 0) != 0;
}

/* Start a cluster in a child process that then dies of `sig`; return the
 * cluster as the child saw it. */
static pgh_cluster start_in_child_killed_by(int sig)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        static pgh_cluster doomed;
        close(fds[0]);
        /* A plain program: not Check's runner, whose SIGTERM handler
         * passes the signal on to the whole process group. */
        signal(sig, SIG_DFL);
        if (pgh_start(&doomed) != 0)
            _exit(1);
        ssize_t n = write(fds[1], &doomed, sizeof doomed);
        (void)n;
        raise(sig);
        _exit(2);
    }
    close(fds[1]);
    pgh_cluster left;
    ck_assert_int_eq(read(fds[0], &left, sizeof left), (ssize_t)sizeof left);
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == sig);
    /* Its directory is left behind now, but not asserted: a test process
     * running at the same time may sweep it at any moment. */
    return left;
}

/* Interrupted (Ctrl-C, a CI timeout): the server goes down with the test. */
START_TEST(test_terminated_process_takes_its_server_down)
{
    pgh_cluster left = start_in_child_killed_by(SIGTERM);
    ck_assert_msg(gone_soon(left.postmaster), "postmaster %ld still runs",
                  (long)left.postmaster);
    static pgh_cluster fresh;
    ck_assert_msg(pgh_start(&fresh) == 0, "%s", fresh.error);
    ck_assert_msg(!exists(left.dir), "%s was not swept", left.dir);
    pgh_stop(&fresh);
}
END_TEST

/* A process killed outright cannot clean up; the next start does. */
START_TEST(test_next_start_removes_what_a_killed_process_left)
{
    pgh_cluster left = start_in_child_killed_by(SIGKILL);

    static pgh_cluster fresh;
    ck_assert_msg(pgh_start(&fresh) == 0, "%s", fresh.error);
    ck_assert_msg(!exists(left.dir), "%s was not swept", left.dir);
    /* and its server is gone (it exits just after removing its pid file) */
    ck_assert_msg(gone_soon(left.postmaster), "postmaster %ld still runs",
                  (long)left.postmaster);
    pgh_stop(&fresh);
}
END_TEST

/* ---- the shell version ----------------------------------------------------- */

static char script[4096];

static void find_script(void)
{
    const char *root = getenv("REFRACT_ROOT");
    snprintf(script, sizeof script, "%s/tests/harness/pgtmp.sh", root ? root : ".");
}

/* Run a shell command, return its first line of output with the given
 * prefix (after the prefix, quotes stripped), or "" — and its exit status. */
static int run_capture(const char *cmd, const char *prefix, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    out[0] = '\0';
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        if (!out[0] && !strncmp(line, prefix, strlen(prefix))) {
            const char *v = line + strlen(prefix);
            size_t n = strlen(v);
            if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
                v++;
                n -= 2;
            }
            ck_assert_uint_lt(n, size);
            memcpy(out, v, n);
            out[n] = '\0';
        }
    }
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_pgtmp_script)
{
    find_script();
    ck_assert_msg(exists(script), "%s missing (REFRACT_ROOT unset?)", script);
    char dir[128], cmd[8192], url[512], value[256];
    snprintf(dir, sizeof dir, "/tmp/refract-pgtmp-test-%ld", (long)getpid());

    snprintf(cmd, sizeof cmd, "sh '%s' start %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export DATABASE_URL=", url, sizeof url), 0);
    ck_assert_msg(strncmp(url, "postgresql://postgres@/postgres?host=", 37) == 0, "%s", url);
    PGconn *db = connect_ok(url);
    query_value(db, "SHOW listen_addresses", value, sizeof value);
    ck_assert_str_eq(value, "");
    PQfinish(db);

    /* The export lines also carry a key=value conninfo. */
    snprintf(cmd, sizeof cmd, "sh '%s' env %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export PG_CONNINFO=", value, sizeof value), 0);
    PQfinish(connect_ok(value));

    snprintf(cmd, sizeof cmd, "sh '%s' createdb %s blog", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export DATABASE_URL=", url, sizeof url), 0);
    db = connect_ok(url);
    query_value(db, "SELECT current_database()", value, sizeof value);
    ck_assert_str_eq(value, "blog");
    PQfinish(db);

    /* Starting again in a directory in use is refused. */
    snprintf(cmd, sizeof cmd, "sh '%s' start %s 2>/dev/null", script, dir);
    ck_assert_int_ne(run_capture(cmd, "export", value, sizeof value), 0);

    snprintf(cmd, sizeof cmd, "sh '%s' stop %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "", value, sizeof value), 0);
    ck_assert_msg(!exists(dir), "%s is still there", dir);
    ck_assert(PQping(url) == PQPING_NO_RESPONSE);
}
END_TEST

/* pgtmp.sh start --tcp: the bench's server, also on 127.0.0.1. */
START_TEST(test_pgtmp_script_tcp)
{
    find_script();
    char dir[128], cmd[8192], url[512], value[256];
    snprintf(dir, sizeof dir, "/tmp/refract-pgtmp-tcp-%ld", (long)getpid());
    snprintf(cmd, sizeof cmd, "sh '%s' start %s --tcp", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export TCP_DATABASE_URL=", url, sizeof url), 0);
    ck_assert_msg(strncmp(url, "postgresql://postgres@127.0.0.1:", 32) == 0, "%s", url);
    PGconn *db = connect_ok(url);
    query_value(db, "SELECT host(inet_server_addr())", value, sizeof value);
    ck_assert_str_eq(value, "127.0.0.1");
    PQfinish(db);
    snprintf(cmd, sizeof cmd, "sh '%s' createdb %s bench", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export TCP_DATABASE_URL=", url, sizeof url), 0);
    db = connect_ok(url);
    query_value(db, "SELECT current_database()", value, sizeof value);
    ck_assert_str_eq(value, "bench");
    PQfinish(db);
    snprintf(cmd, sizeof cmd, "sh '%s' stop %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "", value, sizeof value), 0);
    ck_assert(PQping(url) == PQPING_NO_RESPONSE);
    /* Without --tcp, no such line. */
    snprintf(cmd, sizeof cmd, "sh '%s' start %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "export TCP_DATABASE_URL=", url, sizeof url), 0);
    ck_assert_str_eq(url, "");
    snprintf(cmd, sizeof cmd, "sh '%s' stop %s", script, dir);
    ck_assert_int_eq(run_capture(cmd, "", value, sizeof value), 0);
}
END_TEST

START_TEST(test_pgtmp_stop_refuses_foreign_directories)
{
    find_script();
    char dir[128], cmd[8192], out[64];
    snprintf(dir, sizeof dir, "/tmp/refract-not-pgtmp-%ld", (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(cmd, sizeof cmd, "sh '%s' stop %s 2>/dev/null", script, dir);
    ck_assert_int_ne(run_capture(cmd, "", out, sizeof out), 0);
    ck_assert(exists(dir));
    rmdir(dir);
}
END_TEST

/* An outage on demand: the server dies with its clients' connections, comes
 * back on the same socket, and what was committed before is still there. */
START_TEST(test_crash_and_restart_on_the_same_socket)
{
    ck_assert_msg(pgh_start(&pg) == 0, "%s", pg.error);
    PGconn *db = connect_ok(pg.conninfo);
    exec_ok(db, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
    char socket_dir[PGH_DIR_MAX];
    snprintf(socket_dir, sizeof socket_dir, "%s", pg.dir);

    ck_assert_msg(pgh_crash(&pg) == 0, "%s", pg.error);
    ck_assert_int_eq(PQping(pg.conninfo), PQPING_NO_RESPONSE);
    PGresult *r = PQexec(db, "SELECT 1");
    ck_assert_int_ne(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    PQfinish(db);
    ck_assert(exists(pg.dir));

    ck_assert_msg(pgh_restart(&pg) == 0, "%s", pg.error);
    ck_assert_str_eq(pg.dir, socket_dir);
    db = connect_ok(pg.conninfo);
    char v[16];
    query_value(db, "SELECT v FROM kept", v, sizeof v);
    ck_assert_str_eq(v, "42");
    PQfinish(db);
    pgh_stop(&pg);
    ck_assert(!exists(socket_dir));
}
END_TEST

static Suite *harness_suite(void)
{
    Suite *s = suite_create("harness");
    TCase *tc = tcase_create("pg_harness");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_start_query_databases_stop);
    tcase_add_test(tc, test_two_clusters_at_once);
    tcase_add_test(tc, test_tcp_loopback_on_a_free_port);
    tcase_add_test(tc, test_forked_child_exit_leaves_server_running);
    tcase_add_test(tc, test_next_start_removes_what_a_killed_process_left);
    tcase_add_test(tc, test_terminated_process_takes_its_server_down);
    tcase_add_test(tc, test_crash_and_restart_on_the_same_socket);
    suite_add_tcase(s, tc);
    TCase *sh = tcase_create("pgtmp.sh");
    tcase_set_timeout(sh, 120);
    tcase_add_test(sh, test_pgtmp_script);
    tcase_add_test(sh, test_pgtmp_script_tcp);
    tcase_add_test(sh, test_pgtmp_stop_refuses_foreign_directories);
    suite_add_tcase(s, sh);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(harness_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
