/*
 * refract_stream.h — reading a result of any size in constant memory.
 *
 * rf_exec_params hands back a whole result at once: a million rows are a
 * million rows in memory. A stream hands them over one row (or one chunk of
 * rows) at a time instead, so memory stays bounded by the chunk, whatever
 * the size of the result:
 *
 *     rf_stream *s;
 *     rf_status st = rf_stream_open(db, &stmt, &params, NULL, &s);
 *     const rf_result *r;
 *     int row;
 *     while (st == RF_OK && (st = rf_stream_next(s, &r, &row)) == RF_OK && r) {
 *         int32_t id;
 *         const char *title;
 *         rf_get_i32(r, row, 0, &id);
 *         rf_get_text(r, row, 1, &scratch, &title, NULL);   // borrowed: no copy
 *         ...
 *     }
 *     rf_status end = rf_stream_close(s);   // always; also to stop early
 *
 * or, decoding into a struct with a decoder of the caller's (generated code
 * passes its model decoder), with one arena reset per row so that memory
 * does not grow:
 *
 *     my_row row;
 *     bool got;
 *     while ((st = rf_stream_next_into(s, decode_my_row, NULL, &row, &arena, &got)) == RF_OK
 *            && got)
 *         use(&row);
 *
 * Lifetimes: the rf_result and the row handed out, and every string or byte
 * value decoded from them (they are borrowed from the result, not copied),
 * stay valid until the next call on the stream. Pass copy_values in the
 * options to have rf_get_text/rf_get_bytes copy into the caller's arena
 * instead, for rows that must outlive the next call.
 *
 * How rows travel (rf_stream_mode). Two ways exist with libpq 15 (no
 * chunked-rows mode yet), measured on 1,000,000 rows of (int4, text, int4,
 * bool, timestamp, int4) over a unix socket against find_many of the same
 * rows (bench/, README): single-row mode read 1.10-1.14x as fast as
 * find_many, the cursor 0.91-0.93x (its round trips cost more wall time on
 * a loaded machine), though the cursor used about 15% less client CPU.
 * Peak RSS was 7.5 MB either way (find_many: 210 MB).
 *
 *   RF_STREAM_CURSOR      DECLARE "rf_stream_N" NO SCROLL CURSOR FOR <sql>,
 *                         then FETCH FORWARD <chunk_rows> until the end. A
 *                         cursor lives in a transaction: outside one, the
 *                         stream opens its own (BEGIN at open, COMMIT at
 *                         close, ROLLBACK after an error), which also makes
 *                         it safe with pgbouncer=true (transaction pooling).
 *                         In its own transaction the stream reads ahead:
 *                         it sends the next FETCH before handing out a
 *                         chunk, so that the server makes the next chunk
 *                         while the caller decodes this one; the client is
 *                         then busy until the stream ends (as in single-row
 *                         mode; no_read_ahead turns this off). Inside the
 *                         caller's transaction it uses that one, never
 *                         reads ahead (a FETCH the caller did not ask for
 *                         could fail their transaction), and only CLOSEs
 *                         its cursor; other statements may run on the
 *                         client between two calls on the stream there.
 *                         Stopping early costs one CLOSE (or COMMIT). The
 *                         statement must be a SELECT or VALUES (DECLARE
 *                         accepts nothing else).
 *   RF_STREAM_SINGLE_ROW  libpq single-row mode: the statement runs once
 *                         (prepared as usual) and rows arrive one by one.
 *                         The connection is busy until the stream ends: no
 *                         other statement can run on the client meanwhile.
 *                         Stopping early outside a transaction cancels the
 *                         query; inside one, a cancel would abort the
 *                         caller's transaction, so the remaining rows are
 *                         read and dropped instead.
 *   RF_STREAM_AUTO        the default: single-row mode outside a
 *                         transaction (fastest, and stopping early is a
 *                         cheap cancel), a cursor inside the caller's
 *                         transaction (stopping early is one CLOSE, and the
 *                         client is free between rows).
 *
 * Errors: a failure while rows flow (a division by zero at row N, a lost
 * connection) comes back from rf_stream_next with its status, as any
 * statement's, and rf_last_error has the details; later calls return the
 * same status. The client stays usable: the stream's own transaction is
 * rolled back; the caller's transaction is failed, as after any failing
 * statement, and awaits rf_rollback.
 *
 * While a stream's query is in flight on the connection (single-row mode,
 * or a cursor reading ahead), other statements on the client (rf_exec*,
 * rf_begin/commit/rollback, generated functions) fail with
 * RF_INVALID_ARGUMENT instead of running: libpq would otherwise drop the
 * stream's unread rows to run them, and the stream would end early
 * without a word.
 *
 * A stream in cursor mode lives in a transaction: close it before ending
 * the caller's transaction, and do not commit or roll back the stream's own
 * transaction (rf_begin meanwhile is RF_INVALID_ARGUMENT, as nesting).
 *
 * A stream belongs to one client and one thread. Close every stream, also
 * after an error; rf_stream_close(NULL) is fine. Do not rf_close the client
 * while a stream on it is open.
 */
#ifndef REFRACT_STREAM_H
#define REFRACT_STREAM_H

#include "refract.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rf_stream_mode {
    RF_STREAM_AUTO = 0,
    RF_STREAM_CURSOR,
    RF_STREAM_SINGLE_ROW
} rf_stream_mode;

#define RF_STREAM_DEFAULT_CHUNK 1000

typedef struct rf_stream_options {
    rf_stream_mode mode;
    int chunk_rows;            /* rows per FETCH (cursor mode); 0: RF_STREAM_DEFAULT_CHUNK */
    bool copy_values;          /* decoded text/bytes are copied into the caller's arena */
    bool no_read_ahead;        /* cursor mode in the stream's own transaction: fetch only
                                  when asked (see above) */
} rf_stream_options;

typedef struct rf_stream rf_stream;

/*
 * Starts reading the rows of `stmt` with `params` (NULL: none), as
 * rf_exec_params would run it. opts NULL: defaults. On RF_OK *out is an open
 * stream; on failure *out is NULL, nothing is left open on the client (a
 * transaction the stream began is rolled back) and rf_last_error says why.
 * Text parameters are read during this call only.
 */
rf_status rf_stream_open(rf_client *client, const rf_stmt *stmt, const rf_params *params,
                         const rf_stream_options *opts, rf_stream **out);

/*
 * The next row: *result and *row (decode it with rf_get_*(*result, *row,
 * col, ...)). At the end: RF_OK with *result NULL (and *row -1), and again
 * on every later call. On failure: the status, *result NULL.
 */
rf_status rf_stream_next(rf_stream *stream, const rf_result **result, int *row);

/*
 * The next chunk of rows, all at once: rows 0..(*result)->rows-1 (never 0
 * rows; at the end *result is NULL). In single-row mode a chunk is one row.
 * Cheaper per row than rf_stream_next for column-wise decoders. Calling it
 * while rf_stream_next has handed out only part of a chunk is
 * RF_INVALID_ARGUMENT (finish the chunk row by row first).
 */
rf_status rf_stream_next_chunk(rf_stream *stream, const rf_result **result);

/* Decodes row `row` of `result` into *out, taking memory from `arena`.
 * `ctx` is whatever the caller passed (a model descriptor, for instance). */
typedef rf_status (*rf_row_decoder)(const rf_result *result, int row, void *out,
                                    rf_arena *arena, const void *ctx);

/*
 * The next row decoded into *out: resets `arena`, then calls
 * decode(result, row, out, arena, ctx). *got is false at the end (and *out
 * untouched). What the previous call decoded is invalid afterwards, so the
 * arena's size stays that of one row.
 */
rf_status rf_stream_next_into(rf_stream *stream, rf_row_decoder decode, const void *ctx,
                              void *out, rf_arena *arena, bool *got);

/* Rows handed out so far. */
int64_t rf_stream_rows(const rf_stream *stream);

/* The strategy in use (never RF_STREAM_AUTO). */
rf_stream_mode rf_stream_mode_of(const rf_stream *stream);

/*
 * Ends the stream, read to the end or not, and frees it. RF_OK, or the
 * status of ending it: closing the cursor, committing the stream's own
 * transaction (which can fail, e.g. serialization), or a lost connection.
 * A failure reported earlier by rf_stream_next is not reported again.
 */
rf_status rf_stream_close(rf_stream *stream);

/*
 * A stream of one model's rows, behind every generated
 * `<model>_find_many_stream` (the generated `<model>_stream` wraps it, so a
 * stream of posts cannot be read into a user). Opened by
 * rf_desc_stream_open (refract_desc.h) from a `<model>_query`: its where,
 * order_by, skip, take, cursor and select apply; includes and a negative
 * take do not (RF_INVALID_ARGUMENT). Zero-initialized means closed.
 */
typedef struct rf_model_stream {
    rf_stream *stream;
    const struct rf_model_desc *model;
    bool *select;              /* a copy of the query's selection; NULL: every field */
} rf_model_stream;

#ifdef __cplusplus
}
#endif

#endif /* REFRACT_STREAM_H */
