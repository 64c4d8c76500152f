/* batch.h — 100 find_unique in one pipeline against 100 calls (batch.c),
 * over a unix socket and, when given, over TCP loopback. */
#ifndef BENCH_BATCH_H
#define BENCH_BATCH_H

#include "refract.h"

/* Measures on `db` (the bench's connection, labelled `transport`) and, when
 * tcp_url is not NULL, on a connection of its own to that URL. The Author
 * rows with ids 1..100 must exist. */
void batch_bench(rf_client *db, const char *transport, const char *tcp_url);

#endif
