/*
 * refract_typed.h — typed SQL: queries written in .sql files, run through
 * the types PostgreSQL gave them when `refract generate` prepared them.
 *
 * `refract generate` reads the .sql files beside the schema (prisma/sql/),
 * prepares each query on a throwaway server and writes <prefix>_sql.h/.c:
 * per query a params struct, a row struct and a function. The generated .c
 * holds no code of its own: per query one constant rf_typed_query (the SQL,
 * the parameter and column descriptors, as a model's fields are described
 * in refract_desc.h) and a one-line wrapper over a function below.
 *
 *   parameters  rf_field_desc per $n, in order: kind and flags fix the C
 *               type of the member (as for a model's row struct), `row` is
 *               offsetof the member in the params struct, `type` the OID
 *               the parameter is declared with (0: the server infers it
 *               again, as it did at generate time: enums, whose OIDs differ
 *               between databases)
 *   columns     `row`: an rf_model_desc whose fields are the result
 *               columns, in order (name: the query's, for "No X found")
 *
 * Each query is prepared once per connection under its stmt.id (the
 * statement cache of rf_client), and every value is a parameter.
 */
#ifndef REFRACT_TYPED_H
#define REFRACT_TYPED_H

#include "refract_desc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_typed_query {
    rf_stmt stmt;                  /* id, SQL, result format, declared parameter types */
    const rf_field_desc *params;   /* one per $n */
    size_t nparams;
    rf_model_desc row;             /* the result columns (fields, nfields, row_size) */
    const char *copy;              /* :copyfrom: "COPY t (a, b) FROM STDIN"; else NULL */
} rf_typed_query;

/* `params`: the query's params struct (NULL only when it has none). */

/* :one — the first row into *out (a row struct); RF_NOT_FOUND without one. */
rf_status rf_typed_one(rf_client *client, const rf_typed_query *q, const void *params,
                       void *out, rf_arena *arena);
/* :many — every row into *out (a `<query>_list`: items in the arena, count). */
rf_status rf_typed_many(rf_client *client, const rf_typed_query *q, const void *params,
                        void *out, rf_arena *arena);
/* :exec / :execrows — runs it; *affected (may be NULL): rows inserted,
 * updated or deleted (for a SELECT: rows returned). */
rf_status rf_typed_exec(rf_client *client, const rf_typed_query *q, const void *params,
                        int64_t *affected);
/* :copyfrom — n params structs (`stride` bytes apart), one row each, sent
 * through one COPY (all or nothing); *count (may be NULL): rows copied. */
rf_status rf_typed_copy(rf_client *client, const rf_typed_query *q, const void *rows,
                        size_t stride, size_t n, int64_t *count);
/* :many, streamed: rows one at a time in constant memory (refract_stream.h);
 * read with rf_desc_stream_next, end with rf_desc_stream_close. */
rf_status rf_typed_stream_open(rf_client *client, const rf_typed_query *q, const void *params,
                               const rf_stream_options *options, rf_model_stream *out);

#ifdef __cplusplus
}
#endif

#endif /* REFRACT_TYPED_H */
