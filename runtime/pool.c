/*
 * pool.c — rf_pool: a fixed number of clients shared by threads, one
 * thread per client at a time, sized and timed as Prisma's pool is
 * (connection_limit, pool_timeout).
 *
 * Clients are made lazily, outside the lock (connecting takes a round trip
 * or a timeout). A released client that lost its connection is reset when
 * it is next handed out, and one released inside a transaction is rolled
 * back first, so the next thread always starts clean.
 */
#include "internal.h"
#include "dsn_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rf_pool {
    pthread_mutex_t lock;
    pthread_cond_t available;      /* signalled on release */
    char *conninfo;
    int size;                      /* most clients at once */
    int timeout_s;                 /* wait for a client this long; 0: forever */
    int created;                   /* clients made (idle + handed out) */
    int idle_count;
    rf_client **idle;              /* [size], a stack: the warmest client first */
    char **replicas;               /* rf_pool_add_replica, given to every client */
    size_t nreplicas;
    rf_query_log_fn log_fn;        /* rf_pool_set_query_log */
    void *log_user;
    bool log_values;
    int max_lifetime_s, max_idle_s;/* rf_pool_set_limits; 0: none */
};

static int64_t monotonic_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec;
}

/* What every client of the pool gets: its replicas and the query log. */
static void equip(rf_pool *pool, rf_client *c)
{
    for (size_t i = c->nreplicas; i < pool->nreplicas; i++)
        rf_client_add_replica(c, pool->replicas[i]);
    if (c->log_fn != pool->log_fn || c->log_user != pool->log_user)
        rf_client_set_query_log(c, pool->log_fn, pool->log_user, pool->log_values);
}

rf_status rf_pool_add_replica(rf_pool *pool, const char *conninfo)
{
    if (!pool || !conninfo)
        return rf_orphan_error(RF_INVALID_ARGUMENT, "", "rf_pool_add_replica: no pool or connection string");
    rf_conninfo ci = {0};
    char why[512];
    rf_status st = rf_conninfo_parse(conninfo, &ci, why, sizeof why);
    if (st == RF_OK && !rf_dsn_check(ci.libpq, why, sizeof why))
        st = RF_INVALID_ARGUMENT;
    rf_conninfo_free(&ci);
    if (st != RF_OK)
        return rf_orphan_error(st, "P1013", why);
    pthread_mutex_lock(&pool->lock);
    char **grown = realloc(pool->replicas, (pool->nreplicas + 1) * sizeof *grown);
    char *copy = strdup(conninfo);
    if (grown)
        pool->replicas = grown;
    if (grown && copy)
        pool->replicas[pool->nreplicas++] = copy;
    else
        free(copy);
    pthread_mutex_unlock(&pool->lock);
    return grown && copy ? RF_OK : rf_orphan_error(RF_NO_MEMORY, "", "out of memory");
}

void rf_pool_set_query_log(rf_pool *pool, rf_query_log_fn fn, void *user, bool with_values)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->log_fn = fn;
    pool->log_user = user;
    pool->log_values = with_values;
    pthread_mutex_unlock(&pool->lock);
}

void rf_pool_set_limits(rf_pool *pool, int max_lifetime_s, int max_idle_s)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->max_lifetime_s = max_lifetime_s > 0 ? max_lifetime_s : 0;
    pool->max_idle_s = max_idle_s > 0 ? max_idle_s : 0;
    pthread_mutex_unlock(&pool->lock);
}

enum { DEFAULT_POOL_TIMEOUT_S = 10 };

static int default_size(void)
{
    /* Prisma: number of CPUs * 2 + 1 */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return (cpus > 0 && cpus < 1000 ? (int)cpus : 1) * 2 + 1;
}

rf_status rf_pool_open(const char *conninfo, int size, rf_pool **out)
{
    if (!out)
        return RF_INVALID_ARGUMENT;
    *out = NULL;
    if (!conninfo)
        conninfo = getenv("DATABASE_URL");
    if (!conninfo) {
        char why[RF_NO_URL_MESSAGE_SIZE];
        return rf_orphan_error(RF_INVALID_ARGUMENT, "", rf_no_database_url(why, sizeof why));
    }
    rf_conninfo ci;
    char why[512];
    rf_status st = rf_conninfo_parse(conninfo, &ci, why, sizeof why);
    if (st == RF_OK && !rf_dsn_check(ci.libpq, why, sizeof why)) {
        rf_conninfo_free(&ci);
        st = RF_INVALID_ARGUMENT;
    }
    if (st != RF_OK) {
        char message[640];
        snprintf(message, sizeof message, "The provided database string is invalid: %s", why);
        return rf_orphan_error(st, st == RF_NO_MEMORY ? "" : "P1013",
                               st == RF_NO_MEMORY ? "out of memory" : message);
    }
    int limit = size > 0 ? size : ci.connection_limit > 0 ? ci.connection_limit : default_size();
    int timeout = ci.pool_timeout >= 0 ? ci.pool_timeout : DEFAULT_POOL_TIMEOUT_S;
    rf_conninfo_free(&ci);

    rf_pool *p = calloc(1, sizeof *p);
    if (p) {
        p->conninfo = strdup(conninfo);
        p->idle = calloc((size_t)limit, sizeof *p->idle);
    }
    pthread_condattr_t attr;
    bool ok = p && p->conninfo && p->idle && pthread_condattr_init(&attr) == 0;
    if (ok) {
        /* deadlines on the monotonic clock: immune to wall-clock jumps */
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        ok = pthread_cond_init(&p->available, &attr) == 0;
        pthread_condattr_destroy(&attr);
        if (ok && pthread_mutex_init(&p->lock, NULL) != 0) {
            pthread_cond_destroy(&p->available);
            ok = false;
        }
    }
    if (!ok) {
        if (p) {
            free(p->conninfo);
            free(p->idle);
            free(p);
        }
        return rf_orphan_error(RF_NO_MEMORY, "", "out of memory while creating the pool");
    }
    p->size = limit;
    p->timeout_s = timeout;
    *out = p;
    return RF_OK;
}

int rf_pool_size(const rf_pool *pool)
{
    return pool ? pool->size : 0;
}

static struct timespec deadline_after(int seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += seconds;
    return t;
}

rf_status rf_pool_acquire(rf_pool *pool, rf_client **out)
{
    if (!out)
        return RF_INVALID_ARGUMENT;
    *out = NULL;
    if (!pool)
        return rf_orphan_error(RF_INVALID_ARGUMENT, "", "rf_pool_acquire: no pool");

    struct timespec deadline = deadline_after(pool->timeout_s);
    rf_client *c = NULL;
    bool make_new = false;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (pool->idle_count > 0) {
            c = pool->idle[--pool->idle_count];
            break;
        }
        if (pool->created < pool->size) {
            pool->created++;
            make_new = true;
            break;
        }
        int rc = pool->timeout_s > 0
                     ? pthread_cond_timedwait(&pool->available, &pool->lock, &deadline)
                     : pthread_cond_wait(&pool->available, &pool->lock);
        if (rc == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&pool->lock);

    if (!c && !make_new) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "timed out fetching a connection from the pool (connection_limit %d, "
                 "pool_timeout %d s)", pool->size, pool->timeout_s);
        return rf_orphan_error(RF_CONNECTION, "P2024", msg);
    }
    if (make_new) {
        rf_status st = rf_connect(pool->conninfo, &c);
        if (!c) { /* out of memory: give the slot back */
            pthread_mutex_lock(&pool->lock);
            pool->created--;
            pthread_cond_signal(&pool->available);
            pthread_mutex_unlock(&pool->lock);
            return st;
        }
        c->connected_at_s = monotonic_s();
        pthread_mutex_lock(&pool->lock);
        equip(pool, c);
        pthread_mutex_unlock(&pool->lock);
        *out = c;
        return st;
    }
    pthread_mutex_lock(&pool->lock);
    equip(pool, c);
    int64_t now = monotonic_s();
    /* Too old or idle too long: a fresh connection (a server or a proxy
     * may have dropped it quietly, or it should move to a new server). */
    bool stale = (pool->max_lifetime_s && now - c->connected_at_s >= pool->max_lifetime_s) ||
                 (pool->max_idle_s && now - c->released_at_s >= pool->max_idle_s);
    pthread_mutex_unlock(&pool->lock);
    *out = c;
    if (stale || !rf_connected(c)) {
        rf_status st = rf_reset(c);
        if (st == RF_OK)
            c->connected_at_s = now;
        return st;
    }
    return RF_OK;
}

void rf_pool_release(rf_pool *pool, rf_client *client)
{
    if (!pool || !client)
        return;
    if (rf_in_transaction(client))
        rf_rollback(client); /* a program bug, but the next thread must start clean */
    pthread_mutex_lock(&pool->lock);
    /* A client released twice must not be handed to two threads. */
    bool already_idle = false;
    for (int i = 0; i < pool->idle_count; i++)
        already_idle = already_idle || pool->idle[i] == client;
    if (!already_idle && pool->idle_count < pool->created) {
        client->released_at_s = monotonic_s();
        pool->idle[pool->idle_count++] = client;
        pthread_cond_signal(&pool->available);
    }
    pthread_mutex_unlock(&pool->lock);
}

void rf_pool_close(rf_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->idle_count; i++)
        rf_close(pool->idle[i]);
    pthread_cond_destroy(&pool->available);
    pthread_mutex_destroy(&pool->lock);
    free(pool->idle);
    free(pool->conninfo);
    for (size_t i = 0; i < pool->nreplicas; i++)
        free(pool->replicas[i]);
    free(pool->replicas);
    free(pool);
}
