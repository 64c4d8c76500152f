/*
 * tx.c — transactions: BEGIN with an isolation level, COMMIT, ROLLBACK, and
 * rf_transaction, which reruns a transaction that lost a serialization
 * conflict or a deadlock, as PostgreSQL asks clients to do, and runs as a
 * savepoint when a transaction is already open.
 */
#include "internal.h"

#include <string.h>
#include <time.h>

/* Runs a parameterless command. With keep_error, an earlier failure stays
 * the client's last error unless this command fails too (a rollback after
 * a failed statement must not erase why it failed). */
static rf_status command(rf_client *c, const char *sql, bool keep_error, PGresult **keep)
{
    if (rf_client_ready(c) != RF_OK)
        return RF_CONNECTION;
    if (rf_client_check_idle(c) != RF_OK)
        return RF_INVALID_ARGUMENT;
    if (!keep_error && c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    PGresult *res = PQexec(c->conn, sql);
    rf_status st = RF_OK;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        st = rf_client_fail_result(c, res);
    if (keep && st == RF_OK)
        *keep = res;
    else
        PQclear(res);
    return st;
}

bool rf_in_transaction(const rf_client *c)
{
    /* A lost connection took its transaction with it. */
    if (!c || !c->conn || c->lost)
        return false;
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

rf_status rf_begin(rf_client *c, rf_isolation isolation, bool read_only)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (rf_in_transaction(c))
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "a transaction is already open on this client");
    static const char *const begin[2][4] = {
        { "BEGIN", "BEGIN ISOLATION LEVEL READ COMMITTED",
          "BEGIN ISOLATION LEVEL REPEATABLE READ", "BEGIN ISOLATION LEVEL SERIALIZABLE" },
        { "BEGIN READ ONLY", "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY",
          "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
          "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY" },
    };
    if ((int)isolation < 0 || (int)isolation > 3)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "unknown isolation level");
    return command(c, begin[read_only ? 1 : 0][isolation], false, NULL);
}

rf_status rf_commit(rf_client *c)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!rf_in_transaction(c) && rf_connected(c))
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_commit without an open transaction");
    PGresult *res = NULL;
    rf_status st = command(c, "COMMIT", true, &res);
    if (st != RF_OK)
        return st;
    /* COMMIT of a transaction in which a statement failed succeeds as a
     * ROLLBACK: the work is lost, and the caller must hear it. */
    bool rolled_back = !strcmp(PQcmdStatus(res), "ROLLBACK");
    PQclear(res);
    if (rolled_back)
        return rf_error_set(&c->err, RF_ERROR, "25P02", "",
                            "the transaction was rolled back, not committed, because a "
                            "statement in it failed");
    if (c->err.error.status != RF_OK)
        rf_error_clear(&c->err);
    return RF_OK;
}

rf_status rf_rollback(rf_client *c)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!rf_in_transaction(c))
        return RF_OK;
    return command(c, "ROLLBACK", true, NULL);
}

/* A randomized pause before retry `attempt` (0-based): up to 5 ms, doubling
 * to at most 200 ms, so that rivals do not collide again in lockstep. */
static void backoff(int attempt)
{
    unsigned long cap_us = 5000UL << (attempt < 6 ? attempt : 6);
    if (cap_us > 200000UL)
        cap_us = 200000UL;
    uint32_t r = 0;
    if (rf_random_bytes(&r, sizeof r) != RF_OK)
        r = (uint32_t)clock();
    unsigned long us = 500 + r % cap_us;
    struct timespec ts = { (time_t)(us / 1000000UL), (long)(us % 1000000UL) * 1000L };
    nanosleep(&ts, NULL);
}

/*
 * fn inside the open transaction, as a savepoint: its work is released
 * into the transaction when it returns RF_OK, undone (and only its work)
 * otherwise. Scopes nest strictly, so one name serves every depth: a
 * savepoint of the same name hides the outer one until it is released.
 * No retry here: after a serialization failure the whole transaction must
 * run again, which is the outermost rf_transaction's job.
 */
static rf_status savepoint_scope(rf_client *c, rf_tx_fn fn, void *ctx)
{
    rf_status st = command(c, "SAVEPOINT refract_scope", false, NULL);
    if (st != RF_OK)
        return st;
    st = fn(c, ctx);
    if (st == RF_OK)
        return command(c, "RELEASE SAVEPOINT refract_scope", false, NULL);
    if (rf_in_transaction(c)) {
        rf_status rb = command(c, "ROLLBACK TO SAVEPOINT refract_scope", true, NULL);
        if (rb == RF_OK)
            rb = command(c, "RELEASE SAVEPOINT refract_scope", true, NULL);
        if (rb == RF_CONNECTION)
            return rb;
    }
    return st;
}

rf_status rf_tx_check_deadline(rf_client *c)
{
    if (!c->tx_deadline_us || rf_now_us() <= c->tx_deadline_us)
        return RF_OK;
    char msg[200];
    snprintf(msg, sizeof msg,
             "Transaction already closed: the transaction ran longer than its timeout of %d ms "
             "and was rolled back", c->tx_timeout_ms);
    return rf_error_set(&c->err, RF_ERROR, NULL, "P2028", msg);
}

/* One attempt of the outermost transaction, within the client's timeout:
 * every statement after the deadline fails (P2028, exec.c), no single
 * statement runs longer than the timeout (SET LOCAL statement_timeout),
 * and work that finished late is rolled back, not committed. */
static rf_status run_attempt(rf_client *c, rf_tx_fn fn, void *ctx)
{
    if (c->tx_timeout_ms) {
        char sql[96];
        snprintf(sql, sizeof sql, "SET LOCAL statement_timeout = %d", c->tx_timeout_ms);
        rf_status st = command(c, sql, false, NULL);
        if (st != RF_OK)
            return st;
        c->tx_deadline_us = rf_now_us() + (int64_t)c->tx_timeout_ms * 1000;
    }
    rf_status st = fn(c, ctx);
    if (st == RF_OK && c->tx_deadline_us)
        st = rf_tx_check_deadline(c);
    c->tx_deadline_us = 0;
    return st;
}

rf_status rf_transaction(rf_client *c, rf_isolation isolation, bool read_only, rf_tx_fn fn,
                         void *ctx, int max_retries)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!fn)
        return rf_error_set(&c->err, RF_INVALID_ARGUMENT, NULL, NULL,
                            "rf_transaction: no function to run");
    if (rf_in_transaction(c))
        return savepoint_scope(c, fn, ctx);
    for (int attempt = 0;; attempt++) {
        rf_status st = rf_begin(c, isolation, read_only);
        if (st != RF_OK)
            return st;
        st = run_attempt(c, fn, ctx);
        if (st == RF_OK) {
            st = rf_commit(c);
        } else if (rf_in_transaction(c)) {
            rf_status rb = rf_rollback(c);
            if (rb == RF_CONNECTION)
                return rb;
        }
        if (st == RF_SERIALIZATION_FAILURE && attempt < max_retries) {
            backoff(attempt);
            continue;
        }
        return st;
    }
}
