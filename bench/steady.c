/*
 * steady.c — CPU pinning and summary statistics for the benchmark.
 *
 * On two CPUs, a client and its server process that the scheduler moves
 * around (or puts on the same CPU) make every round a different experiment.
 * Pinning them apart (BENCH_PIN=1) removes that variable on a machine that
 * runs nothing else. It is off by default because on a shared machine it
 * does the opposite: measured with a load average of 7 on 2 CPUs,
 * find_unique fell from 32,690 to 5,205 ops/s pinned (each round trip then
 * waits for its CPU to come free, while unpinned the scheduler runs the
 * server on whichever CPU is idle). What remains is handled by interleaving
 * and by reporting min/median/max and client CPU time.
 */
#define _GNU_SOURCE
#include "steady.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool client_pinned;

static bool pin(pid_t pid, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(pid, sizeof set, &set) == 0;
}

bool steady_pin_client(void)
{
    const char *want = getenv("BENCH_PIN");
    if (!want || strcmp(want, "1") != 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return false;
    client_pinned = pin(0, 0);
    return client_pinned;
}

bool steady_pin_backend(PGconn *conn)
{
    if (!client_pinned)
        return false;
    int pid = PQbackendPID(conn);
    return pid > 0 && pin((pid_t)pid, 1);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

steady_stats steady_stats_of(double *v, int n)
{
    steady_stats s = {0, 0, 0};
    if (n <= 0)
        return s;
    qsort(v, (size_t)n, sizeof *v, compare_double);
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

double steady_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double steady_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double steady_backend_cpu(PGconn *conn)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", PQbackendPID(conn));
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    /* After "pid (comm) ": state is field 3, utime and stime fields 14, 15. */
    const char *p = strrchr(line, ')');
    unsigned long utime = 0, stime = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                     &stime) != 2)
        return 0;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}
