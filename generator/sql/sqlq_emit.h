/*
 * sqlq_emit.h — the C of typed queries: <prefix>_sql.h and <prefix>_sql.c
 * (sqlq_emit.c).
 */
#ifndef REFRACT_SQLQ_EMIT_H
#define REFRACT_SQLQ_EMIT_H

#include "../util/buf.h"
#include "sqlq.h"

/* Writes the header into h and the source into c. `prefix` as the model
 * client's ("db": db_sql_weekly_growth, db_sql.h including db.h). */
void sqlq_emit(const sqlq_set *set, const char *prefix, buf *h, buf *c, arena *a);

#endif
