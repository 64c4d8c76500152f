/*
 * replica.c — read replicas and the query log of a client.
 *
 * Routing happens where statements run (exec.c): a statement that only
 * reads, on a client outside a transaction, runs on one of the client's
 * replica clients instead. The replica clients are ordinary rf_clients
 * (own connection, own statement cache) that the primary owns; errors on
 * them are copied back, so the caller sees one client.
 */
#include "internal.h"
#include "dsn_check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { REPLICA_RETRY_US = 5 * 1000 * 1000 };

int64_t rf_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Skips blanks and SQL comments. */
static const char *skip_space(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

static bool keyword(const char *p, const char *word)
{
    size_t n = strlen(word);
    return !strncasecmp(p, word, n) && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* Case-insensitive search for a word outside quotes. */
static bool has_word(const char *sql, const char *word)
{
    size_t n = strlen(word);
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p;
            continue;
        }
        if ((p == sql || (!isalnum((unsigned char)p[-1]) && p[-1] != '_')) && !strncasecmp(p, word, n) &&
            !isalnum((unsigned char)p[n]) && p[n] != '_')
            return true;
    }
    return false;
}

bool rf_sql_is_read(const char *sql)
{
    if (!sql)
        return false;
    const char *p = skip_space(sql);
    if (!keyword(p, "SELECT") && !keyword(p, "VALUES") && !keyword(p, "TABLE"))
        return false; /* WITH may hide an INSERT; anything else writes or is unknown */
    /* FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE lock rows:
     * the primary's business. A SELECT can also call a function that
     * writes (nextval, setval, ...): those belong in a transaction or on
     * the primary via rf_client_read_primary. */
    return !has_word(p, "FOR UPDATE") && !has_word(p, "FOR SHARE") && !has_word(p, "NO KEY UPDATE") &&
           !has_word(p, "KEY SHARE") && !has_word(p, "nextval") && !has_word(p, "setval") &&
           !has_word(p, "INTO");
}

rf_status rf_client_add_replica(rf_client *client, const char *conninfo)
{
    if (!client)
        return RF_INVALID_ARGUMENT;
    if (!conninfo)
        return rf_error_set(&client->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_client_add_replica: no connection string");
    rf_conninfo ci = {0};
    char why[512];
    rf_status st = rf_conninfo_parse(conninfo, &ci, why, sizeof why);
    if (st == RF_OK && !rf_dsn_check(ci.libpq, why, sizeof why))
        st = RF_INVALID_ARGUMENT;
    rf_conninfo_free(&ci);
    if (st != RF_OK) {
        char message[640];
        snprintf(message, sizeof message, "The provided replica database string is invalid: %s", why);
        return rf_error_set(&client->err, st, NULL, st == RF_NO_MEMORY ? "" : "P1013", message);
    }
    rf_replica *grown = realloc(client->replicas, (client->nreplicas + 1) * sizeof *grown);
    if (!grown)
        return rf_error_set(&client->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    client->replicas = grown;
    rf_replica *r = &grown[client->nreplicas];
    memset(r, 0, sizeof *r);
    r->conninfo = strdup(conninfo);
    if (!r->conninfo)
        return rf_error_set(&client->err, RF_NO_MEMORY, NULL, NULL, "out of memory");
    snprintf(r->name, sizeof r->name, "replica %zu", client->nreplicas + 1);
    client->nreplicas++;
    return RF_OK;
}

size_t rf_client_replica_count(const rf_client *client)
{
    return client ? client->nreplicas : 0;
}

void rf_client_read_primary(rf_client *client, bool on)
{
    if (!client)
        return;
    if (on)
        client->read_primary++;
    else if (client->read_primary > 0)
        client->read_primary--;
}

void rf_client_set_query_log(rf_client *client, rf_query_log_fn fn, void *user, bool with_values)
{
    if (!client)
        return;
    client->log_fn = fn;
    client->log_user = user;
    client->log_values = with_values;
    for (size_t i = 0; i < client->nreplicas; i++)
        if (client->replicas[i].client)
            rf_client_set_query_log(client->replicas[i].client, fn, user, with_values);
}

/* A usable replica client: connected now, or connected on the spot. */
static rf_client *replica_ready(rf_client *c, rf_replica *r)
{
    int64_t now = rf_now_us();
    if (r->down_until_us && now < r->down_until_us)
        return NULL;
    if (!r->client) {
        rf_client *rc = NULL;
        if (rf_connect(r->conninfo, &rc) != RF_OK) {
            rf_close(rc);
            r->down_until_us = now + REPLICA_RETRY_US;
            return NULL;
        }
        rc->server_name = r->name;
        rf_client_set_query_log(rc, c->log_fn, c->log_user, c->log_values);
        r->client = rc;
    } else if (!rf_connected(r->client)) {
        if (rf_reset(r->client) != RF_OK) {
            r->down_until_us = now + REPLICA_RETRY_US;
            return NULL;
        }
    }
    r->down_until_us = 0;
    return r->client;
}

rf_client *rf_route_read(rf_client *c, const char *sql)
{
    if (!c->nreplicas || c->read_primary > 0 || c->stream_busy || !c->conn ||
        PQtransactionStatus(c->conn) != PQTRANS_IDLE || !rf_sql_is_read(sql))
        return c;
    for (size_t k = 0; k < c->nreplicas; k++) {
        rf_replica *r = &c->replicas[(c->next_replica + k) % c->nreplicas];
        rf_client *rc = replica_ready(c, r);
        if (rc) {
            c->next_replica = (c->next_replica + k + 1) % c->nreplicas;
            return rc;
        }
    }
    return c; /* every replica is down: the primary serves */
}

rf_status rf_route_done(rf_client *c, rf_client *r, rf_status st)
{
    if (r == c)
        return st;
    if (st == RF_CONNECTION) {
        for (size_t i = 0; i < c->nreplicas; i++)
            if (c->replicas[i].client == r)
                c->replicas[i].down_until_us = rf_now_us() + REPLICA_RETRY_US;
    }
    if (st != RF_OK)
        rf_error_copy(&c->err, rf_last_error(r));
    else if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err); /* as a call on c itself would */
    return st;
}

void rf_replicas_free(rf_client *c)
{
    for (size_t i = 0; i < c->nreplicas; i++) {
        rf_close(c->replicas[i].client);
        free(c->replicas[i].conninfo);
    }
    free(c->replicas);
    c->replicas = NULL;
    c->nreplicas = 0;
}
