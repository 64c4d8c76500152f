/*
 * batch.c — what a batch saves: 100 find_unique sent as one pipeline
 * (rf_batch_run, with and without one transaction around it) against the
 * same 100 lookups as sequential calls, on the same connection.
 *
 * The saving is round trips, so it depends on what a round trip costs: on
 * a unix socket little, over TCP (even loopback) more. Each of the three
 * forms runs in turn, round after round, so that load from other processes
 * hits all three alike; the throughput reported is the median round's, and
 * the client CPU per lookup is the total over all rounds.
 */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>

#include "bdb.h"
#include "steady.h"

enum { BATCH_OPS = 100, BATCH_ROUNDS = 201, FORMS = 3 };

static void check(rf_client *c, rf_status st, const char *what)
{
    if (st != RF_OK) {
        fprintf(stderr, "bench: %s: %s\n", what, rf_last_error(c)->message);
        exit(1);
    }
}

static void sequential(rf_client *c, bdb_author *out, rf_arena *arena)
{
    for (int i = 0; i < BATCH_OPS; i++)
        check(c, bdb_author_find_unique_by_id(c, 1 + i, NULL, &out[i], arena), "find_unique");
}

static void batched(rf_client *c, bdb_author *out, rf_arena *arena, bool transaction)
{
    rf_batch *b = rf_batch_new(arena);
    if (!b)
        check(c, RF_NO_MEMORY, "rf_batch_new");
    for (int i = 0; i < BATCH_OPS; i++)
        check(c, bdb_author_batch_find_unique_by_id(b, 1 + i, &out[i]), "batch_find_unique");
    check(c, rf_batch_run(c, b, transaction), "rf_batch_run");
    rf_batch_free(b);
}

/* One form, once: wall and client CPU seconds added to its totals. */
static double run_form(rf_client *c, int form, rf_arena *arena, double *cpu)
{
    bdb_author out[BATCH_OPS];
    double t0 = steady_now(), c0 = steady_cpu();
    if (form == 0)
        sequential(c, out, arena);
    else
        batched(c, out, arena, form == 2);
    double wall = steady_now() - t0;
    *cpu += steady_cpu() - c0;
    if (out[BATCH_OPS - 1].id != BATCH_OPS) {
        fprintf(stderr, "bench: batch: a result differs from the data\n");
        exit(1);
    }
    rf_arena_reset(arena);
    return wall;
}

static void measure(rf_client *c, const char *transport)
{
    static const char *const names[FORMS] = {"sequential calls", "one batch (pipeline)",
                                             "one batch as one transaction"};
    static double wall[FORMS][BATCH_ROUNDS];
    double cpu[FORMS] = {0}, median[FORMS];
    rf_arena arena = RF_ARENA_INIT;
    double warm = 0;
    for (int f = 0; f < FORMS; f++) /* statements get prepared, caches fill */
        run_form(c, f, &arena, &warm);
    for (int r = 0; r < BATCH_ROUNDS; r++)
        for (int k = 0; k < FORMS; k++) {
            int f = (r + k) % FORMS; /* who goes first rotates */
            wall[f][r] = run_form(c, f, &arena, &cpu[f]);
        }
    for (int f = 0; f < FORMS; f++)
        median[f] = steady_stats_of(wall[f], BATCH_ROUNDS).median;
    printf("\n%d find_unique over %s (median of %d)       lookups/s   client CPU µs/lookup\n",
           BATCH_OPS, transport, BATCH_ROUNDS);
    for (int f = 0; f < FORMS; f++)
        printf("%-40s %10.0f %10.2f\n", names[f], BATCH_OPS / median[f],
               cpu[f] / BATCH_ROUNDS / BATCH_OPS * 1e6);
    printf("batch throughput vs sequential over %s: %.2f (as one transaction: %.2f)\n", transport,
           median[0] / median[1], median[0] / median[2]);
    rf_arena_free(&arena);
}

void batch_bench(rf_client *db, const char *transport, const char *tcp_url)
{
    measure(db, transport);
    if (!tcp_url)
        return;
    rf_client *tcp = NULL;
    if (rf_connect(tcp_url, &tcp) != RF_OK) {
        fprintf(stderr, "bench: TCP: %s\n", rf_last_error(tcp)->message);
        exit(1);
    }
    measure(tcp, "TCP loopback");
    rf_close(tcp);
}
