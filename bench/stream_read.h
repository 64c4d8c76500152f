/* stream_read.h — the streaming workload of the benchmark (stream_read.c). */
#ifndef BENCH_STREAM_READ_H
#define BENCH_STREAM_READ_H

#include "refract.h"

/* Fills the Event table with 1,000,000 rows. */
void stream_fill(rf_client *db);
/* Runs the rounds (children) and prints the table. */
void stream_workload(void);
/* The body of a child: `bench --stream-child VARIANT`. */
int stream_child(const char *variant);

#endif
