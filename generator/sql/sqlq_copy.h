/* sqlq_copy.h — the COPY statement of a :copyfrom query (sqlq_copy.c). */
#ifndef REFRACT_SQLQ_COPY_H
#define REFRACT_SQLQ_COPY_H

#include "sqlq.h"

/* "COPY t (a, b) FROM STDIN" for `INSERT INTO t (a, b) VALUES ($1, $2)`;
 * NULL when q is not such an INSERT, *bad then the offset in q->sql where
 * it stops being one. */
const char *sqlq_copy_sql(const sqlq_query *q, arena *a, size_t *bad);

#endif
