/* reads.h — the read workloads of issue 10 (reads.c): a feed with
 * relations and counts, groupBy over 1,000,000 rows, a `some` filter. */
#ifndef BENCH_READS_H
#define BENCH_READS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "refract.h"

/* Tags (20, two per book) and 1,000,000 Hit rows, once; then prepares the
 * hand-written statements on `pg`. */
void reads_setup(rf_client *db, PGconn *pg);
/* Statements the generated client sends for one feed (libpq trace). */
int reads_feed_statements(void);

int64_t reads_gen_feed(int i);
int64_t reads_hand_feed(int i);
int64_t reads_gen_group_by(int i);
int64_t reads_hand_group_by(int i);
int64_t reads_gen_some(int i);
int64_t reads_hand_some(int i);

#endif
