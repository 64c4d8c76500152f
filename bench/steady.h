/*
 * steady.h — what makes timings on a small machine comparable: optionally
 * the client on one CPU and its server processes on another (steady.c says
 * why not by default), and min/median/max over interleaved rounds instead
 * of one number.
 */
#ifndef BENCH_STEADY_H
#define BENCH_STEADY_H

#include <libpq-fe.h>
#include <stdbool.h>

/* With BENCH_PIN=1 and at least two CPUs, pins this process (and the
 * children it starts later) to CPU 0. True when pinned. */
bool steady_pin_client(void);

/* Pins the server process behind `conn` to CPU 1 (when the client was
 * pinned, and we may: root, or the same user as the server). True when
 * pinned. */
bool steady_pin_backend(PGconn *conn);

typedef struct steady_stats {
    double min, median, max;
} steady_stats;

/* Sorts v[0..n) in place. */
steady_stats steady_stats_of(double *v, int n);

/* Wall clock and this process's CPU time, in seconds. */
double steady_now(void);
double steady_cpu(void);
/* CPU time of the server process behind `conn` (from /proc; the server
 * runs on this machine), in seconds; 0 when it cannot be read. Load from
 * other processes moves it far less than wall time. */
double steady_backend_cpu(PGconn *conn);

#endif
