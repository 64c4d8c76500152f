/* typed.h — the typed-SQL workload of issue 12 (typed.c): weekly signups
 * with date_trunc, a typed query (sql/weekly.sql) against the same SQL by
 * hand. */
#ifndef BENCH_TYPED_H
#define BENCH_TYPED_H

#include <libpq-fe.h>
#include <stdint.h>

#include "refract.h"

/* Spreads the authors' createdAt over the past year (one week row of the
 * result per week), then prepares the hand-written statement on `pg`. */
void typed_setup(rf_client *db, PGconn *pg);
/* The weeks of the last 52 weeks (each op returns the signups it counted). */
int64_t typed_gen_weekly(int i);
int64_t typed_hand_weekly(int i);

#endif
