/*
 * scale.c — past one server (issue 15's measures), on servers it starts
 * itself with the test harness: a primary, two streaming replicas and a
 * PgBouncer in transaction pooling mode.
 *
 *   read scaling   4 threads, a client each, find_unique by id for a fixed
 *                  number of ops: against the primary alone, then with
 *                  two replicas added to every client (reads spread over
 *                  them). Prints the throughput ratio (replicas / primary
 *                  only) and how many statements each server ran (the
 *                  query log). On a 2-core machine all three servers and
 *                  the client share the same cores, so the gain is small:
 *                  the count per server is the part that shows routing.
 *   PgBouncer      W1 (find_unique by id, one client): direct vs through
 *                  PgBouncer with pgbouncer=true (unnamed statements);
 *                  prints the time ratio (through PgBouncer / direct).
 *
 * Each comparison alternates its two sides ROUNDS times and reports min /
 * median / max of the per-round ratio.
 */
#define _GNU_SOURCE /* popen */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bdb.h"
#include "pg_harness.h"

enum { AUTHORS = 1000, THREADS = 4, OPS_PER_THREAD = 2000, W1_OPS = 3000, ROUNDS = 5 };

static pgh_cluster primary, replica1, replica2;
static pgh_bouncer bouncer;
static atomic_long per_server[3];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "scale: %s: %s\n", what, detail);
    exit(1);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void count_server(const rf_query_event *e, void *user)
{
    (void)user;
    int k = !strcmp(e->server, "primary") ? 0 : !strcmp(e->server, "replica 1") ? 1 : 2;
    atomic_fetch_add(&per_server[k], 1);
}

static void url(const pgh_cluster *c, char *out)
{
    if (pgh_url(c, "bench", out, PGH_CONNINFO_MAX) != 0)
        die("url", c->dir);
}

static void setup(const char *refract)
{
    if (pgh_start_with(&primary, PGH_REPLICATION) != 0)
        die("primary", primary.error);
    char conninfo[PGH_CONNINFO_MAX];
    if (pgh_create_db(&primary, "bench", conninfo, sizeof conninfo) != 0)
        die("createdb", primary.error);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' migrate diff --from-empty --to-schema schema.prisma --script", refract);
    FILE *p = popen(cmd, "r");
    char *sql = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&sql, &len);
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(mem);
    if (!p || pclose(p) != 0)
        die("migrate diff", cmd);
    PGconn *c = PQconnectdb(conninfo);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("schema", PQresultErrorMessage(r));
    PQclear(r);
    r = PQexec(c, "INSERT INTO \"Author\" (name, email) SELECT 'a' || g, 'a' || g || '@x' "
                  "FROM generate_series(1, 1000) g");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("seed", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    free(sql);
    if (pgh_start_replica(&primary, &replica1) != 0)
        die("replica 1", replica1.error);
    if (pgh_start_replica(&primary, &replica2) != 0)
        die("replica 2", replica2.error);
    if (pgh_wait_replay(&primary, &replica1, 30000) != 0 || pgh_wait_replay(&primary, &replica2, 30000) != 0)
        die("replay", primary.error);
}

typedef struct job {
    bool replicas;
    double seconds;
} job;

static void *reader(void *arg)
{
    job *j = arg;
    char u[PGH_CONNINFO_MAX];
    url(&primary, u);
    rf_client *db;
    if (rf_connect(u, &db) != RF_OK)
        die("connect", rf_last_error(db)->message);
    if (j->replicas) {
        url(&replica1, u);
        rf_client_add_replica(db, u);
        url(&replica2, u);
        rf_client_add_replica(db, u);
    }
    rf_client_set_query_log(db, count_server, NULL, false);
    rf_arena a = RF_ARENA_INIT;
    bdb_author au;
    for (int i = 0; i < 20; i++) /* connect and prepare everywhere first */
        bdb_author_find_unique_by_id(db, 1 + i % AUTHORS, NULL, &au, &a);
    double t0 = now_s();
    for (int i = 0; i < OPS_PER_THREAD; i++) {
        if (bdb_author_find_unique_by_id(db, 1 + i % AUTHORS, NULL, &au, &a) != RF_OK)
            die("find_unique", rf_last_error(db)->message);
        rf_arena_reset(&a);
    }
    j->seconds = now_s() - t0;
    rf_arena_free(&a);
    rf_close(db);
    return NULL;
}

/* ops/s of THREADS readers, each on its own client */
static double read_throughput(bool replicas)
{
    pthread_t t[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){replicas, 0};
        pthread_create(&t[i], NULL, reader, &jobs[i]);
    }
    double slowest = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (jobs[i].seconds > slowest)
            slowest = jobs[i].seconds;
    }
    return THREADS * OPS_PER_THREAD / slowest;
}

static double w1_seconds(rf_client *db)
{
    rf_arena a = RF_ARENA_INIT;
    bdb_author au;
    double t0 = now_s();
    for (int i = 0; i < W1_OPS; i++) {
        if (bdb_author_find_unique_by_id(db, 1 + i % AUTHORS, NULL, &au, &a) != RF_OK)
            die("W1", rf_last_error(db)->message);
        rf_arena_reset(&a);
    }
    rf_arena_free(&a);
    return now_s() - t0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *ratios, int n, const char *meaning)
{
    qsort(ratios, (size_t)n, sizeof *ratios, by_value);
    printf("%-34s ratio min %.2f  median %.2f  max %.2f   (%s)\n", what, ratios[0], ratios[n / 2],
           ratios[n - 1], meaning);
}

int main(int argc, char **argv)
{
    const char *refract = argc > 1 ? argv[1] : "../build/refract";
    setup(refract);
    printf("\nPast one server: %d rounds each, sides alternating\n", ROUNDS);

    double ratio[ROUNDS];
    long served[3] = {0};
    for (int r = 0; r < ROUNDS; r++) {
        double alone = read_throughput(false);
        for (int k = 0; k < 3; k++)
            atomic_store(&per_server[k], 0);
        double spread = read_throughput(true);
        for (int k = 0; k < 3; k++)
            served[k] += atomic_load(&per_server[k]);
        ratio[r] = spread / alone;
        printf("  round %d: primary only %.0f ops/s, with 2 replicas %.0f ops/s\n", r + 1, alone, spread);
    }
    report("read scaling (4 threads)", ratio, ROUNDS, "throughput with replicas / primary only");
    printf("%-34s primary %ld, replica 1 %ld, replica 2 %ld\n", "  statements per server (replicas)",
           served[0], served[1], served[2]);

    int rc = pgh_start_pgbouncer(&primary, &bouncer);
    if (rc == -2) {
        printf("PgBouncer: skipped (%s)\n", bouncer.error);
    } else if (rc != 0) {
        die("pgbouncer", bouncer.error);
    } else {
        char direct_url[PGH_CONNINFO_MAX], bounced_url[PGH_CONNINFO_MAX];
        url(&primary, direct_url);
        pgh_pgbouncer_url(&bouncer, "bench", bounced_url, sizeof bounced_url);
        rf_client *direct, *bounced;
        if (rf_connect(direct_url, &direct) != RF_OK || rf_connect(bounced_url, &bounced) != RF_OK)
            die("connect", "direct or PgBouncer");
        w1_seconds(direct);
        w1_seconds(bounced);
        for (int r = 0; r < ROUNDS; r++) {
            double d = w1_seconds(direct), b = w1_seconds(bounced);
            ratio[r] = b / d;
            printf("  round %d: direct %.0f ops/s, through PgBouncer %.0f ops/s\n", r + 1, W1_OPS / d,
                   W1_OPS / b);
        }
        report("W1 through PgBouncer", ratio, ROUNDS, "time through PgBouncer / direct");
        rf_close(direct);
        rf_close(bounced);
        pgh_stop_pgbouncer(&bouncer);
    }
    pgh_stop(&replica2);
    pgh_stop(&replica1);
    pgh_stop(&primary);
    return 0;
}
