/*
 * sqlq_describe.h — typed queries through PostgreSQL: their parameter and
 * column types, nullability, and the server's errors at their place in the
 * .sql file (sqlq_describe.c).
 */
#ifndef REFRACT_SQLQ_DESCRIBE_H
#define REFRACT_SQLQ_DESCRIBE_H

#include <libpq-fe.h>

#include "../util/buf.h"
#include "sqlq.h"

/* Types already asked about (per run). */
typedef struct sqlq_types sqlq_types;
sqlq_types *sqlq_types_new(void);
void sqlq_types_free(sqlq_types *c);

/* Prepares and describes every query of `set` on `db`, which holds the
 * schema `m`. `savepoints`: db is inside a transaction that a failed
 * prepare must not abort. Problems are printed; returns how many. */
int sqlq_describe(PGconn *db, const model_schema *m, sqlq_set *set, bool savepoints, arena *a);

#endif
