/*
 * pg_harness.c — a throwaway PostgreSQL server for tests (see pg_harness.h).
 *
 * Life of a cluster:
 *   <tmp>/refract-pg-<pid>-XXXXXX/      mode 0700, owned by the server's user
 *       owner                            the owner's PID namespace
 *       harness.log                      output of initdb and pg_ctl
 *       server.log                       the server's own log
 *       .s.PGSQL.<port>                  the only way in
 *       data/                            initdb's cluster
 * The owner's pid in the name lets a later pgh_start() recognise and remove a
 * cluster whose process died without cleaning up (SIGKILL, a crash).
 */
#include "pg_harness.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pwd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIR_PREFIX "refract-pg-"
#define MAX_LIVE 16
#define BINDIR_MAX 1024 /* leaves room in PATH_MAX for "/initdb" */

/* printf into out[size]; false if it did not fit (the text is then cut). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool pathf(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size;
}

/* ---- errors -------------------------------------------------------------- */

static void fail(pgh_cluster *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    fprintf(stderr, "pg_harness: %s\n", c->error);
}

/* Print the end of a log file to stderr: the server says why it failed. */
static void show_log_tail(const char *dir, const char *name)
{
    char path[PATH_MAX];
    (void)pathf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fseek(f, -2048, SEEK_END) != 0)
        rewind(f);
    fprintf(stderr, "pg_harness: --- end of %s ---\n", path);
    char line[512];
    while (fgets(line, sizeof line, f))
        fputs(line, stderr);
    fclose(f);
}

/* ---- who runs the server, from which binaries ----------------------------- */

/* The account the server programs run as: ourselves, or when we are root
 * (PostgreSQL refuses root) the `postgres` system user, else `nobody`. */
typedef struct run_user {
    bool switch_user;
    uid_t uid;
    gid_t gid;
} run_user;

static int pick_run_user(run_user *u)
{
    u->switch_user = geteuid() == 0;
    u->uid = geteuid();
    u->gid = getegid();
    if (!u->switch_user)
        return 0;
    const struct passwd *pw = getpwnam("postgres");
    if (!pw)
        pw = getpwnam("nobody");
    if (!pw)
        return -1;
    u->uid = pw->pw_uid;
    u->gid = pw->pw_gid;
    return 0;
}

static bool is_executable(const char *dir, const char *prog)
{
    char path[PATH_MAX];
    return pathf(path, sizeof path, "%s/%s", dir, prog) && access(path, X_OK) == 0;
}

/* Version number of /usr/lib/postgresql/<N>/bin, for picking the newest. */
static long version_of(const char *bindir)
{
    const char *p = bindir + strlen("/usr/lib/postgresql/");
    return strtol(p, NULL, 10);
}

static int find_bindir(char *out, size_t size)
{
    const char *env = getenv("REFRACT_PG_BINDIR");
    if (env && *env) {
        return pathf(out, size, "%s", env) && is_executable(out, "initdb") ? 0 : -1;
    }
    /* pg_config comes with libpq-dev and may belong to a different major
     * version than the server packages: trust it only if initdb is there. */
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char line[PATH_MAX] = "";
        bool got = fgets(line, sizeof line, p) != NULL;
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        if (got && *line && is_executable(line, "initdb") && pathf(out, size, "%s", line))
            return 0;
    }
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0)
        return -1;
    long best = -1;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        long v = version_of(g.gl_pathv[i]);
        if (v > best) {
            best = v;
            (void)pathf(out, size, "%.*s", (int)(strlen(g.gl_pathv[i]) - strlen("/initdb")),
                        g.gl_pathv[i]);
        }
    }
    globfree(&g);
    return best < 0 ? -1 : 0;
}

/* ---- running the server programs ------------------------------------------ */

/* Run argv (argv[0] a full path) in `dir` as `u`, output appended to
 * dir/harness.log. Returns the exit status, or -1 if it did not run. */
static int run(const run_user *u, const char *dir, char *const argv[])
{
    char log[PATH_MAX];
    (void)pathf(log, sizeof log, "%s/harness.log", dir);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            _exit(126);
        /* The server outlives us: it must not hold our descriptors (a
         * test's pipes, Check's result file, make's jobserver) open. */
        long max = sysconf(_SC_OPEN_MAX);
        for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
            close(fd);
        if (u->switch_user &&
            (setgroups(1, &u->gid) != 0 || setgid(u->gid) != 0 || setuid(u->uid) != 0))
            _exit(126);
        /* A working directory the server's user can enter: initdb and
         * postgres look up their own paths relative to it. */
        if (chdir(dir) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int pg_ctl(const pgh_cluster *c, const run_user *u, const char *bindir,
                  const char *action)
{
    char prog[PATH_MAX], data[PATH_MAX], log[PATH_MAX];
    (void)pathf(prog, sizeof prog, "%s/pg_ctl", bindir);
    (void)pathf(data, sizeof data, "%s/data", c->dir);
    (void)pathf(log, sizeof log, "%s/server.log", c->dir);
    if (!strcmp(action, "start")) {
        char *const argv[] = {prog, "-D", data, "-l", log, "-w", "-t", "60", "-s",
                              "start", NULL};
        return run(u, c->dir, argv);
    }
    char *const argv[] = {prog, "-D", data, "-m", "immediate", "-w", "-t", "30", "-s",
                          "stop", NULL};
    return run(u, c->dir, argv);
}

/* ---- the directory ------------------------------------------------------- */

/* Remove a directory tree without following symlinks. */
static int remove_tree_at(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return unlinkat(parent, name, 0) == 0 || errno == ENOENT ? 0 : -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    const struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc |= remove_tree_at(dirfd(d), e->d_name);
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

static int remove_tree(const char *path)
{
    return remove_tree_at(AT_FDCWD, path);
}

/* Whether every directory from `path` up to / can be entered by anyone:
 * when the server runs as another user it must reach its directory. */
static bool traversable_by_all(const char *path)
{
    char p[PATH_MAX];
    (void)pathf(p, sizeof p, "%s", path);
    for (;;) {
        struct stat st;
        if (stat(*p ? p : "/", &st) != 0 || !(st.st_mode & S_IXOTH))
            return false;
        char *slash = strrchr(p, '/');
        if (!*p || !slash)
            return true;
        *slash = '\0';
    }
}

/* Where temporary directories go: $TMPDIR if it is usable, else /tmp. The
 * socket path (dir + "/.s.PGSQL.NNNNN") must fit in 107 bytes and the path
 * goes into postgresql.conf quoted, so odd characters rule $TMPDIR out. */
static const char *temp_base(const run_user *u)
{
    const char *t = getenv("TMPDIR");
    if (!t || !*t || strlen(t) > 48 || strpbrk(t, "'\\ \t\n") ||
        (u->switch_user && !traversable_by_all(t)))
        return "/tmp";
    return t;
}

/* Which PID namespace we are in ("" where /proc does not say): the pid in a
 * directory's name only means something to processes of the same one, and
 * /tmp may be shared with containers that have their own. */
static void pid_namespace(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/ns/pid", out, size - 1);
    out[n > 0 ? n : 0] = '\0';
}

/* The namespace recorded in a cluster directory's `owner` file. */
static void owner_namespace(const char *dir, char *out, size_t size)
{
    char path[PATH_MAX];
    (void)pathf(path, sizeof path, "%s/owner", dir);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(out, (int)size, f))
            out[strcspn(out, "\n")] = '\0';
        fclose(f);
    }
}

static void write_owner(const pgh_cluster *c)
{
    char path[PATH_MAX], ns[128];
    (void)pathf(path, sizeof path, "%s/owner", c->dir);
    pid_namespace(ns, sizeof ns);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n", ns);
        fclose(f);
    }
}

/* A directory left by a process that no longer exists (in our PID
 * namespace): stop its server if one is still running, and remove it. */
static void sweep_stale(const run_user *u, const char *bindir, const char *base)
{
    DIR *d = opendir(base);
    if (!d)
        return;
    char ours[128];
    pid_namespace(ours, sizeof ours);
    const struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)))
            continue;
        char *end;
        long pid = strtol(e->d_name + strlen(DIR_PREFIX), &end, 10);
        if (pid <= 0 || *end != '-' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        pgh_cluster stale = {0};
        if (!pathf(stale.dir, sizeof stale.dir, "%s/%s", base, e->d_name))
            continue;
        char theirs[128];
        owner_namespace(stale.dir, theirs, sizeof theirs);
        if (strcmp(theirs, ours))
            continue;
        char pidfile[PATH_MAX];
        (void)pathf(pidfile, sizeof pidfile, "%s/data/postmaster.pid", stale.dir);
        if (access(pidfile, F_OK) == 0)
            pg_ctl(&stale, u, bindir, "stop");
        remove_tree(stale.dir);
    }
    closedir(d);
}

/* ---- stopping on exit ----------------------------------------------------- */

static pgh_cluster *live[MAX_LIVE];

static void stop_all_at_exit(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] && live[i]->owner == getpid())
            pgh_stop(live[i]);
}

/* On SIGINT/SIGTERM/SIGHUP: take the servers down (SIGQUIT is PostgreSQL's
 * immediate shutdown; kill() is async-signal-safe, removing files is not),
 * then die of the signal as we would have. The next pgh_start() removes the
 * directories. */
static void stop_all_on_signal(int sig)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] && live[i]->owner == getpid() && live[i]->postmaster > 0)
            kill(live[i]->postmaster, SIGQUIT);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void track(pgh_cluster *c)
{
    static bool hooked;
    if (!hooked) {
        hooked = true;
        atexit(stop_all_at_exit);
    }
    /* Every time, not once: a forked child may have reset a signal. Leave a
     * program's own handlers alone (Check's runner has its own for
     * SIGTERM: it passes the signal on to the test's process group). */
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(sigs[i], stop_all_on_signal);
    }
    for (int i = 0; i < MAX_LIVE; i++)
        if (!live[i] || live[i] == c) {
            live[i] = c;
            return;
        }
}

static void untrack(const pgh_cluster *c)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] == c)
            live[i] = NULL;
}

/* ---- conninfo ------------------------------------------------------------- */

/* Append `value` to a conninfo in single quotes, escaping ' and \. */
static int conninfo_for(const pgh_cluster *c, const char *db, char *out, size_t size)
{
    char quoted[2 * 64 + 3];
    size_t n = 0;
    quoted[n++] = '\'';
    for (const char *p = db; *p && n < sizeof quoted - 3; p++) {
        if (*p == '\'' || *p == '\\')
            quoted[n++] = '\\';
        quoted[n++] = *p;
    }
    quoted[n++] = '\'';
    quoted[n] = '\0';
    int len = snprintf(out, size, "host=%s port=%d dbname=%s user=" PGH_USER, c->dir,
                       c->port, quoted);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

/* ---- the API -------------------------------------------------------------- */

static int write_config(pgh_cluster *c, bool replication)
{
    char path[PATH_MAX];
    (void)pathf(path, sizeof path, "%s/data/postgresql.conf", c->dir);
    FILE *f = fopen(path, "a");
    if (!f)
        return -1;
    fprintf(f,
            "\n# pg_harness: private, throwaway, fast\n"
            "listen_addresses = '%s'\n"
            "unix_socket_directories = '%s'\n"
            "port = %d\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
            "shared_buffers = 16MB\n"
            "max_connections = 50\n"
            "max_wal_senders = %d\n"
            "wal_level = %s\n"
            "log_min_messages = warning\n"
            "TimeZone = 'UTC'\n",
            c->tcp ? "127.0.0.1" : "", c->dir, c->port, replication ? 8 : 0,
            replication ? "replica" : "minimal");
    if (replication) /* a standby may lag a little without losing its place */
        fprintf(f, "wal_keep_size = 64MB\nhot_standby = on\nhot_standby_feedback = on\n");
    return fclose(f) == 0 ? 0 : -1;
}

static pid_t read_postmaster_pid(const pgh_cluster *c)
{
    char path[PATH_MAX];
    (void)pathf(path, sizeof path, "%s/data/postmaster.pid", c->dir);
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

/* A TCP port on 127.0.0.1 that nothing listens on now (the kernel's
 * choice for an ephemeral bind), or 0. */
static int free_tcp_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Makes c->dir (and hands it to the server's user), picks the port: any
 * number for a unix socket alone, a free one on 127.0.0.1 with `tcp`. */
static int prepare_dir(pgh_cluster *c, bool tcp, run_user *u, char *bindir, size_t bindir_size)
{
    memset(c, 0, sizeof *c);
    c->tcp = tcp;
    if (pick_run_user(u) != 0) {
        fail(c, "running as root and neither user 'postgres' nor 'nobody' exists");
        return -1;
    }
    if (find_bindir(bindir, bindir_size) != 0) {
        fail(c, "no PostgreSQL server binaries (initdb): install the postgresql "
                "package, or set REFRACT_PG_BINDIR");
        return -1;
    }
    const char *base = temp_base(u);
    sweep_stale(u, bindir, base);

    if (!pathf(c->dir, sizeof c->dir, "%s/" DIR_PREFIX "%ld-XXXXXX", base, (long)getpid()) ||
        !mkdtemp(c->dir)) {
        fail(c, "cannot create a temporary directory under %s: %s", base, strerror(errno));
        c->dir[0] = '\0';
        return -1;
    }
    c->owner = getpid();
    track(c);
    write_owner(c);
    if (u->switch_user && chown(c->dir, u->uid, u->gid) != 0) {
        fail(c, "cannot hand %s to uid %ld: %s", c->dir, (long)u->uid, strerror(errno));
        pgh_stop(c);
        return -1;
    }
    /* Any port will do (the socket lives in our own directory); a distinct
     * one per process and cluster keeps lock-file names apart anyway. */
    static int started;
    c->port = 20000 + (int)((getpid() * 7L + started++) % 40000);
    if (tcp && (c->port = free_tcp_port()) == 0) {
        fail(c, "no free TCP port on 127.0.0.1: %s", strerror(errno));
        pgh_stop(c);
        return -1;
    }
    return 0;
}

/* pg_ctl start on a prepared, configured directory, then the conninfo. */
static int start_server(pgh_cluster *c, const run_user *u, const char *bindir)
{
    if (pg_ctl(c, u, bindir, "start") != 0) {
        fail(c, "the server did not start in %s", c->dir);
        show_log_tail(c->dir, "harness.log");
        show_log_tail(c->dir, "server.log");
        pgh_stop(c);
        return -1;
    }
    c->postmaster = read_postmaster_pid(c);
    if (conninfo_for(c, "postgres", c->conninfo, sizeof c->conninfo) != 0) {
        fail(c, "conninfo does not fit");
        pgh_stop(c);
        return -1;
    }
    c->error[0] = '\0';
    return 0;
}

int pgh_start(pgh_cluster *c)
{
    return pgh_start_with(c, 0);
}

int pgh_start_tcp(pgh_cluster *c)
{
    return pgh_start_with(c, PGH_TCP);
}

int pgh_tcp_conninfo(const pgh_cluster *c, const char *dbname, char *out, size_t size)
{
    if (!c->tcp || strchr(dbname, '\'') || strchr(dbname, '\\'))
        return -1;
    int len = snprintf(out, size, "host=127.0.0.1 port=%d dbname='%s' user=" PGH_USER, c->port,
                       dbname);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

static int start_once(pgh_cluster *c, unsigned flags);

int pgh_start_with(pgh_cluster *c, unsigned flags)
{
    /* With TCP, another process may take the port between our probe and
     * the server's bind: then the start fails, and a new port is tried. */
    int rc = -1;
    for (int attempt = 0; attempt < ((flags & PGH_TCP) ? 3 : 1) && rc != 0; attempt++)
        rc = start_once(c, flags);
    return rc;
}

static int start_once(pgh_cluster *c, unsigned flags)
{
    run_user u;
    char bindir[BINDIR_MAX];
    if (prepare_dir(c, flags & PGH_TCP, &u, bindir, sizeof bindir) != 0)
        return -1;
    char initdb[PATH_MAX], data[PATH_MAX];
    (void)pathf(initdb, sizeof initdb, "%s/initdb", bindir);
    (void)pathf(data, sizeof data, "%s/data", c->dir);
    char *const argv[] = {initdb, "-D", data, "-U", PGH_USER, "-A", "trust", "-E", "UTF8",
                          "--locale=C", "--no-sync", NULL};
    if (run(&u, c->dir, argv) != 0) {
        fail(c, "initdb failed (%s)", initdb);
        show_log_tail(c->dir, "harness.log");
        pgh_stop(c);
        return -1;
    }
    if (write_config(c, flags & PGH_REPLICATION) != 0) {
        fail(c, "cannot write %s/postgresql.conf: %s", data, strerror(errno));
        pgh_stop(c);
        return -1;
    }
    return start_server(c, &u, bindir);
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "does not exist, skipping": expected, not news */
}

/* Run `before` + the quoted database name + `after` on the cluster. */
static int database_command(pgh_cluster *c, const char *before, const char *name,
                            const char *after)
{
    if (strlen(name) > 63) {
        fail(c, "database name longer than 63 bytes: %s", name);
        return -1;
    }
    PGconn *conn = PQconnectdb(c->conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fail(c, "cannot connect to %s: %s", c->conninfo, PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    int rc = -1;
    char *ident = PQescapeIdentifier(conn, name, strlen(name));
    if (ident) {
        char sql[192];
        snprintf(sql, sizeof sql, "%s%s%s", before, ident, after);
        PGresult *r = PQexec(conn, sql);
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            rc = 0;
        else
            fail(c, "%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
        PQfreemem(ident);
    } else {
        fail(c, "cannot quote %s: %s", name, PQerrorMessage(conn));
    }
    PQfinish(conn);
    return rc;
}

int pgh_drop_db(pgh_cluster *c, const char *name)
{
    if (database_command(c, "DROP DATABASE IF EXISTS ", name, " WITH (FORCE)") != 0)
        return -1;
    c->error[0] = '\0';
    return 0;
}

int pgh_create_db(pgh_cluster *c, const char *name, char *out, size_t size)
{
    char generated[64];
    if (!name) {
        snprintf(generated, sizeof generated, "t%ld_%d", (long)getpid(), ++c->created_dbs);
        name = generated;
    }
    int rc = database_command(c, "CREATE DATABASE ", name, "");
    if (rc == 0 && conninfo_for(c, name, out, size) != 0) {
        fail(c, "conninfo for %s does not fit in %zu bytes", name, size);
        rc = -1;
    }
    if (rc == 0)
        c->error[0] = '\0';
    return rc;
}

/* Percent-encode everything but RFC 3986's unreserved characters and
 * `keep` (a path stays readable: '/' is fine in a query string). */
static size_t url_encode(char *out, size_t size, const char *s, const char *keep)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p) || strchr(keep, *p)) {
            if (n + 1 < size)
                out[n] = (char)*p;
            n++;
        } else {
            if (n + 3 < size)
                snprintf(out + n, 4, "%%%02X", *p);
            n += 3;
        }
    }
    if (size)
        out[n < size ? n : size - 1] = '\0';
    return n;
}

int pgh_url(const pgh_cluster *c, const char *dbname, char *out, size_t size)
{
    char db[3 * 64 + 1], host[3 * PGH_DIR_MAX + 1];
    if (url_encode(db, sizeof db, dbname, "") >= sizeof db ||
        url_encode(host, sizeof host, c->dir, "/") >= sizeof host)
        return -1;
    int len = snprintf(out, size, "postgresql://" PGH_USER "@/%s?host=%s&port=%d", db, host,
                       c->port);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

/* The server's user and binaries, for pg_ctl after pgh_start. */
static int server_tools(pgh_cluster *c, run_user *u, char *bindir, size_t size)
{
    if (!c->dir[0] || pick_run_user(u) != 0 || find_bindir(bindir, size) != 0) {
        fail(c, "no cluster to control, or no PostgreSQL binaries");
        return -1;
    }
    return 0;
}

int pgh_crash(pgh_cluster *c)
{
    run_user u;
    char bindir[BINDIR_MAX];
    if (server_tools(c, &u, bindir, sizeof bindir) != 0)
        return -1;
    /* The cluster runs with synchronous_commit off: without a checkpoint,
     * what tests committed just before the crash could be lost with it, and
     * a test of the outage would fail for the wrong reason. */
    PGconn *conn = PQconnectdb(c->conninfo);
    PGresult *r = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, "CHECKPOINT") : NULL;
    bool saved = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(conn);
    if (!saved) {
        fail(c, "CHECKPOINT before the crash failed");
        return -1;
    }
    if (pg_ctl(c, &u, bindir, "stop") != 0) {
        fail(c, "pg_ctl stop -m immediate failed in %s", c->dir);
        show_log_tail(c->dir, "harness.log");
        return -1;
    }
    c->error[0] = '\0';
    return 0;
}

int pgh_restart(pgh_cluster *c)
{
    run_user u;
    char bindir[BINDIR_MAX];
    if (server_tools(c, &u, bindir, sizeof bindir) != 0)
        return -1;
    if (pg_ctl(c, &u, bindir, "start") != 0) {
        fail(c, "the server did not start again in %s", c->dir);
        show_log_tail(c->dir, "harness.log");
        show_log_tail(c->dir, "server.log");
        return -1;
    }
    c->postmaster = read_postmaster_pid(c);
    c->error[0] = '\0';
    return 0;
}

void pgh_stop(pgh_cluster *c)
{
    if (c->owner != getpid()) /* never started, stopped, or a forked child's copy */
        return;
    untrack(c);
    run_user u;
    char bindir[BINDIR_MAX];
    char pidfile[PATH_MAX];
    (void)pathf(pidfile, sizeof pidfile, "%s/data/postmaster.pid", c->dir);
    if (access(pidfile, F_OK) == 0) {
        /* A forked test may have restarted the server (pgh_restart): the
         * pid file knows the postmaster of now. */
        pid_t now = read_postmaster_pid(c);
        if (now > 0)
            c->postmaster = now;
        bool stopped = pick_run_user(&u) == 0 && find_bindir(bindir, sizeof bindir) == 0 &&
                       pg_ctl(c, &u, bindir, "stop") == 0;
        if (!stopped && c->postmaster > 0) {
            kill(c->postmaster, SIGQUIT);
            /* Give it a moment to go, so removing the directory wins. */
            for (int i = 0; i < 50 && kill(c->postmaster, 0) == 0; i++)
                nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        }
    }
    if (remove_tree(c->dir) != 0)
        fprintf(stderr, "pg_harness: could not remove all of %s\n", c->dir);
    c->owner = 0;
    c->postmaster = 0;
}

/* ---- streaming replicas ----------------------------------------------------- */

int pgh_start_replica(const pgh_cluster *primary, pgh_cluster *replica)
{
    run_user u;
    char bindir[BINDIR_MAX];
    if (prepare_dir(replica, false, &u, bindir, sizeof bindir) != 0)
        return -1;
    char prog[PATH_MAX], data[PATH_MAX], port[16];
    (void)pathf(prog, sizeof prog, "%s/pg_basebackup", bindir);
    (void)pathf(data, sizeof data, "%s/data", replica->dir);
    snprintf(port, sizeof port, "%d", primary->port);
    /* -R writes standby.signal and primary_conninfo: a hot standby that
     * streams from the primary's socket. */
    char *const argv[] = {prog, "-D", data, "-R", "-X", "stream", "-h", (char *)primary->dir,
                          "-p", port, "-U", PGH_USER, "--no-sync", "-c", "fast", NULL};
    if (run(&u, replica->dir, argv) != 0) {
        fail(replica, "pg_basebackup from %s failed (is the primary started with "
                      "PGH_REPLICATION?)", primary->dir);
        show_log_tail(replica->dir, "harness.log");
        pgh_stop(replica);
        return -1;
    }
    /* The copied postgresql.conf names the primary's socket and port: the
     * lines appended now come later and win. */
    if (write_config(replica, true) != 0) {
        fail(replica, "cannot write %s/postgresql.conf: %s", data, strerror(errno));
        pgh_stop(replica);
        return -1;
    }
    char owner_file[PATH_MAX];
    (void)pathf(owner_file, sizeof owner_file, "%s/data/postmaster.pid", replica->dir);
    unlink(owner_file); /* pg_basebackup never copies it, but be sure */
    return start_server(replica, &u, bindir);
}

/* The single text value of `sql` on conn (heap), or NULL. */
static char *query_value(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

int pgh_wait_replay(pgh_cluster *primary, const pgh_cluster *replica, int timeout_ms)
{
    PGconn *p = PQconnectdb(primary->conninfo), *r = PQconnectdb(replica->conninfo);
    int rc = -1;
    char *lsn = NULL;
    if (PQstatus(p) != CONNECTION_OK || PQstatus(r) != CONNECTION_OK) {
        fail(primary, "cannot connect to the primary or the replica");
        goto out;
    }
    lsn = query_value(p, "SELECT pg_current_wal_insert_lsn()::text", 0, NULL);
    if (!lsn) {
        fail(primary, "pg_current_wal_lsn() failed");
        goto out;
    }
    const char *params[1] = {lsn};
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        char *ok = query_value(r, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", 1, params);
        bool caught_up = ok && !strcmp(ok, "t");
        free(ok);
        if (caught_up) {
            rc = 0;
            goto out;
        }
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    fail(primary, "the replica did not replay %s within %d ms", lsn, timeout_ms);
out:
    free(lsn);
    PQfinish(p);
    PQfinish(r);
    return rc;
}

/* ---- PgBouncer ---------------------------------------------------------------- */

#define BOUNCER_BIN "/usr/sbin/pgbouncer"
#define MAX_BOUNCERS 8

static pgh_bouncer *live_bouncers[MAX_BOUNCERS];

static pid_t read_pid_file(const char *path)
{
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

static void stop_bouncers_at_exit(void)
{
    for (int i = 0; i < MAX_BOUNCERS; i++)
        if (live_bouncers[i] && live_bouncers[i]->owner == getpid())
            pgh_stop_pgbouncer(live_bouncers[i]);
}

const char *pgh_pgbouncer_path(void)
{
    const char *env = getenv("REFRACT_PGBOUNCER");
    const char *path = env && *env ? env : BOUNCER_BIN;
    return access(path, X_OK) == 0 ? path : NULL;
}

int pgh_start_pgbouncer(const pgh_cluster *c, pgh_bouncer *b)
{
    memset(b, 0, sizeof *b);
    const char *bin = pgh_pgbouncer_path();
    if (!bin) {
        snprintf(b->error, sizeof b->error, "pgbouncer is not installed (apt-get install pgbouncer)");
        return -2;
    }
    run_user u;
    if (pick_run_user(&u) != 0) {
        snprintf(b->error, sizeof b->error, "no user to run pgbouncer as");
        return -1;
    }
    const char *base = temp_base(&u);
    if (!pathf(b->dir, sizeof b->dir, "%s/refract-pgb-%ld-XXXXXX", base, (long)getpid()) ||
        !mkdtemp(b->dir)) {
        snprintf(b->error, sizeof b->error, "cannot create a directory under %s", base);
        b->dir[0] = '\0';
        return -1;
    }
    b->owner = getpid();
    static bool hooked;
    if (!hooked) {
        hooked = true;
        atexit(stop_bouncers_at_exit);
    }
    for (int i = 0; i < MAX_BOUNCERS; i++)
        if (!live_bouncers[i]) {
            live_bouncers[i] = b;
            break;
        }
    static int started;
    b->port = 20000 + (int)((getpid() * 11L + 5000 + started++) % 40000);
    char ini[PATH_MAX], users[PATH_MAX];
    (void)pathf(ini, sizeof ini, "%s/pgbouncer.ini", b->dir);
    (void)pathf(users, sizeof users, "%s/userlist.txt", b->dir);
    FILE *f = fopen(users, "w");
    if (f) {
        fputs("\"" PGH_USER "\" \"\"\n", f);
        fclose(f);
    }
    f = fopen(ini, "w");
    if (!f) {
        snprintf(b->error, sizeof b->error, "cannot write pgbouncer.ini in %s", b->dir);
        pgh_stop_pgbouncer(b);
        return -1;
    }
    /* Transaction pooling, as production setups in front of many clients
     * use it; few server connections, so that clients really share them. */
    fprintf(f,
            "[databases]\n"
            "* = host=%s port=%d\n"
            "[pgbouncer]\n"
            "listen_addr =\n"
            "listen_port = %d\n"
            "unix_socket_dir = %s\n"
            "auth_type = trust\n"
            "auth_file = %s\n"
            "admin_users = " PGH_USER "\n"
            "pool_mode = transaction\n"
            "default_pool_size = 3\n"
            "max_client_conn = 200\n"
            "server_reset_query =\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            "logfile = %s/pgbouncer.log\n"
            "pidfile = %s/pgbouncer.pid\n",
            c->dir, c->port, b->port, b->dir, users, b->dir, b->dir);
    fclose(f);
    if (u.switch_user) {
        if (chown(b->dir, u.uid, u.gid) != 0 || chown(ini, u.uid, u.gid) != 0 ||
            chown(users, u.uid, u.gid) != 0)
            snprintf(b->error, sizeof b->error, "cannot hand %s to the server's user", b->dir);
    }
    char *const argv[] = {(char *)bin, "-d", ini, NULL};
    if (run(&u, b->dir, argv) != 0) {
        snprintf(b->error, sizeof b->error, "pgbouncer did not start (see %s/pgbouncer.log)", b->dir);
        show_log_tail(b->dir, "pgbouncer.log");
        show_log_tail(b->dir, "harness.log");
        pgh_stop_pgbouncer(b);
        return -1;
    }
    /* -d returns once it has daemonized; wait until it answers */
    char pidfile[PATH_MAX];
    (void)pathf(pidfile, sizeof pidfile, "%s/pgbouncer.pid", b->dir);
    char conninfo[PGH_CONNINFO_MAX];
    snprintf(conninfo, sizeof conninfo, "host=%s port=%d dbname=postgres user=" PGH_USER, b->dir,
             b->port);
    for (int i = 0; i < 500; i++) {
        b->pid = read_pid_file(pidfile);
        if (b->pid > 0 && PQping(conninfo) == PQPING_OK)
            return 0;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    snprintf(b->error, sizeof b->error, "pgbouncer does not answer on %s", conninfo);
    show_log_tail(b->dir, "pgbouncer.log");
    pgh_stop_pgbouncer(b);
    return -1;
}

int pgh_pgbouncer_url(const pgh_bouncer *b, const char *dbname, char *out, size_t size)
{
    char db[3 * 64 + 1], host[3 * PGH_DIR_MAX + 1];
    if (url_encode(db, sizeof db, dbname, "") >= sizeof db ||
        url_encode(host, sizeof host, b->dir, "/") >= sizeof host)
        return -1;
    int len = snprintf(out, size, "postgresql://" PGH_USER "@/%s?host=%s&port=%d&pgbouncer=true", db,
                       host, b->port);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

void pgh_stop_pgbouncer(pgh_bouncer *b)
{
    if (b->owner != getpid())
        return;
    for (int i = 0; i < MAX_BOUNCERS; i++)
        if (live_bouncers[i] == b)
            live_bouncers[i] = NULL;
    char pidfile[PATH_MAX];
    (void)pathf(pidfile, sizeof pidfile, "%s/pgbouncer.pid", b->dir);
    pid_t pid = read_pid_file(pidfile);
    if (pid <= 0)
        pid = b->pid;
    if (pid > 0 && kill(pid, SIGINT) == 0) /* SIGINT: shut down now */
        for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
            nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    if (b->dir[0] && remove_tree(b->dir) != 0)
        fprintf(stderr, "pg_harness: could not remove all of %s\n", b->dir);
    b->owner = 0;
    b->pid = 0;
}
