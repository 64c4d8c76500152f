/*
 * pg_harness.h — a throwaway PostgreSQL server for tests.
 *
 * pgh_start() runs initdb into a fresh private temporary directory and starts
 * a postmaster there that listens on a unix socket in that directory only (no
 * TCP; pgh_start_tcp adds 127.0.0.1), with durability switched off: nothing
 * outlives the test. Each test then takes a fresh database of its own with
 * pgh_create_db(), so tests never see each other's tables. pgh_stop() shuts
 * the server down and deletes the directory; clusters still running when
 * their process exits are stopped from an atexit handler.
 *
 * PostgreSQL refuses to run as root. When the process is root (CI is), the
 * server programs run as the `postgres` system user (else `nobody`), and the
 * directory is handed to that user. As an ordinary user they run as that
 * user. Either way the database superuser is named `postgres` and the
 * socket uses trust authentication, so the conninfo needs no password.
 *
 * Binaries: $REFRACT_PG_BINDIR if set, else `pg_config --bindir`, else the
 * newest /usr/lib/postgresql/N/bin.
 *
 * Several processes may run clusters at once: directories are unique and
 * each cluster picks its own port number (which with unix sockets only names
 * the socket file).
 *
 * Typical use with Check, one server per test binary:
 *
 *     static pgh_cluster pg;
 *     static void setup(void) { ck_assert_int_eq(pgh_start(&pg), 0); }
 *     static void teardown(void) { pgh_stop(&pg); }
 *     ...  tcase_add_unchecked_fixture(tc, setup, teardown);
 *
 *     START_TEST(test_x) {
 *         char conninfo[PGH_CONNINFO_MAX];
 *         ck_assert_int_eq(pgh_create_db(&pg, "test_x", conninfo, sizeof conninfo), 0);
 *         PGconn *db = PQconnectdb(conninfo);
 *         ...
 *     }
 *
 * With CK_FORK=yes each test runs in a child process; the child's exit does
 * not stop a server its parent started (only the starting process stops it).
 */
#ifndef REFRACT_PG_HARNESS_H
#define REFRACT_PG_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Room for "host=<dir> port=<n> dbname=<63 bytes> user=postgres" and the
 * URL form. Unix socket paths are limited to 107 bytes. */
enum { PGH_DIR_MAX = 96, PGH_CONNINFO_MAX = 320, PGH_ERROR_MAX = 512 };

typedef struct pgh_cluster {
    char dir[PGH_DIR_MAX];   /* temp dir: socket, server.log, data/ */
    int port;                /* names the socket file .s.PGSQL.<port>; with tcp,
                                also the port on 127.0.0.1 */
    bool tcp;                /* also listens on 127.0.0.1 (pgh_start_tcp) */
    char conninfo[PGH_CONNINFO_MAX]; /* libpq conninfo of database "postgres" */
    char error[PGH_ERROR_MAX]; /* why the last call failed ("" after success) */
    /* private */
    pid_t owner;             /* the process that started it; 0: not running */
    pid_t postmaster;        /* the server's pid, for a last-resort SIGQUIT */
    int created_dbs;         /* counter for pgh_create_db(c, NULL, ...) */
} pgh_cluster;

/* The database superuser's name, in every conninfo. */
#define PGH_USER "postgres"

/* Create and start a cluster. `c` must stay valid until pgh_stop() or the
 * end of the process (a static or heap object, not a local that goes out of
 * scope), because the atexit handler reaches it. 0 on success; -1 with c->error set (also
 * printed to stderr with the end of the server log) on failure, in which
 * case nothing is left running and the directory is gone. */
int pgh_start(pgh_cluster *c);

/* pgh_start, and the server also listens on 127.0.0.1, on a port nothing
 * used when it started (c->port), for what must be measured or tried over
 * TCP (loopback round trips cost more than a unix socket's). The socket
 * in c->dir works as well. */
int pgh_start_tcp(pgh_cluster *c);

/* The conninfo of database `dbname` over TCP loopback (a cluster of
 * pgh_start_tcp); 0, or -1 when it does not fit, the cluster has no TCP,
 * or the name holds a quote or backslash. */
int pgh_tcp_conninfo(const pgh_cluster *c, const char *dbname, char *out, size_t size);

/* pgh_start with options: PGH_REPLICATION makes a primary that streaming
 * replicas (pgh_start_replica) can follow (wal_level replica, WAL senders). */
enum { PGH_REPLICATION = 1u << 0, PGH_TCP = 1u << 1 /* as pgh_start_tcp */ };
int pgh_start_with(pgh_cluster *c, unsigned flags);

/* Start `replica` as a hot standby streaming from `primary` (started with
 * PGH_REPLICATION): pg_basebackup -R, its own directory and socket. Read
 * only; stopped and removed by pgh_stop like any cluster. 0, or -1 with
 * replica->error set. */
int pgh_start_replica(const pgh_cluster *primary, pgh_cluster *replica);

/* Wait until the replica has replayed everything the primary has written
 * so far: pg_last_wal_replay_lsn() >= pg_current_wal_insert_lsn() (insert,
 * not write: with synchronous_commit off a commit is inserted into the WAL
 * before it is written out). 0, or -1 with primary->error set after
 * timeout_ms. */
int pgh_wait_replay(pgh_cluster *primary, const pgh_cluster *replica, int timeout_ms);

/* A real PgBouncer in front of a cluster, in transaction pooling mode with
 * three server connections per database, listening on a unix socket in
 * its own temporary directory; every database of the cluster is reachable
 * through it. */
typedef struct pgh_bouncer {
    char dir[PGH_DIR_MAX];
    int port;
    char error[PGH_ERROR_MAX];
    pid_t owner, pid; /* private */
} pgh_bouncer;

/* pgbouncer's path ($REFRACT_PGBOUNCER, else /usr/sbin/pgbouncer), or NULL
 * when it is not installed: tests then skip with a message. */
const char *pgh_pgbouncer_path(void);

/* 0 running; -2 pgbouncer is not installed; -1 it failed (b->error). */
int pgh_start_pgbouncer(const pgh_cluster *c, pgh_bouncer *b);

/* postgresql://postgres@/DB?host=DIR&port=PORT&pgbouncer=true */
int pgh_pgbouncer_url(const pgh_bouncer *b, const char *dbname, char *out, size_t size);

/* Stop it and remove its directory; safe to call twice. */
void pgh_stop_pgbouncer(pgh_bouncer *b);

/* Create a fresh empty database `name` (any name; it is quoted) and write its
 * conninfo into out[size]. A NULL name picks a unique one ("t<pid>_<n>").
 * 0 on success, -1 with c->error set. */
int pgh_create_db(pgh_cluster *c, const char *name, char *out, size_t size);

/* Drop database `name` (connections to it are closed first). A test that
 * makes many databases on one cluster frees their disk space this way.
 * 0 on success (also when it did not exist), -1 with c->error set. */
int pgh_drop_db(pgh_cluster *c, const char *name);

/* The same database as a libpq URL, as DATABASE_URL in a .env would hold it:
 * postgresql://postgres@/NAME?host=DIR&port=PORT. 0, or -1 if it does not fit. */
int pgh_url(const pgh_cluster *c, const char *dbname, char *out, size_t size);

/* Crash the server as an outage would (pg_ctl stop -m immediate: every
 * backend is killed, nothing is shut down cleanly; committed work survives,
 * as a CHECKPOINT runs first) but keep its directory,
 * data and socket path, so that pgh_restart() brings the same server back
 * where clients expect it. Works from a forked test process too. 0 on
 * success, -1 with c->error set. */
int pgh_crash(pgh_cluster *c);

/* Start a crashed server again on the same directory and socket (it runs
 * crash recovery first). 0 on success, -1 with c->error set. */
int pgh_restart(pgh_cluster *c);

/* Stop the server (immediate shutdown: nothing is worth keeping) and remove
 * the directory. Safe to call twice, and on a cluster that never started. */
void pgh_stop(pgh_cluster *c);

#endif
