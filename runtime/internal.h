/*
 * internal.h — what the runtime's files share and users never see.
 *
 * Not installed (the Makefile installs runtime/refract*.h only). Unit tests
 * include it to reach the pure helpers (URL parsing, value decoding) without
 * a database.
 */
#ifndef REFRACT_INTERNAL_H
#define REFRACT_INTERNAL_H

#include "refract.h"

#include <libpq-fe.h>

/* ---- connection strings (url.c) ---------------------------------------- */

/* A connection string with Prisma's parameters taken out. */
typedef struct rf_conninfo {
    char *libpq;          /* what libpq gets (heap) */
    char *schema;         /* ?schema= (heap), NULL when absent */
    bool pgbouncer;       /* pgbouncer=true or statement_cache_size=0 */
    int connection_limit; /* ?connection_limit=, 0 when absent */
    int pool_timeout;     /* ?pool_timeout= in seconds, -1 when absent */
} rf_conninfo;

/* Splits `conninfo` (URL or keywords). RF_INVALID_ARGUMENT with a message in
 * `err` (size errlen) for malformed input; RF_NO_MEMORY. */
rf_status rf_conninfo_parse(const char *conninfo, rf_conninfo *out, char *err, size_t errlen);
void rf_conninfo_free(rf_conninfo *ci);

/* Why rf_connect(NULL) / rf_pool_open(NULL) has no URL: where it looked
 * (the environment variable DATABASE_URL) and, when ./.env names
 * DATABASE_URL, that librefract does not read .env files. Writes into
 * out[size] and returns out. */
enum { RF_NO_URL_MESSAGE_SIZE = 512 };
const char *rf_no_database_url(char *out, size_t size);

/* ---- errors (error.c) --------------------------------------------------- */

/* The status for a SQLSTATE ("23505" → RF_UNIQUE_VIOLATION). */
rf_status rf_status_from_sqlstate(const char *sqlstate);
/* Prisma's code for a SQLSTATE, or "" . */
const char *rf_prisma_code_from_sqlstate(const char *sqlstate);

/* The columns of a violated key, from its DETAIL ("Key (a, b)=(...) ...";
 * keydetail.c): their count, and a NULL-terminated array in arena (a
 * static empty one when there is no key list). */
size_t rf_key_columns(const char *detail, rf_arena *arena, const char ***names);

/* The per-client error slot: a struct plus storage for its strings. */
typedef struct rf_error_slot {
    rf_error error;
    rf_arena strings;
} rf_error_slot;

void rf_error_slot_init(rf_error_slot *slot);
void rf_error_slot_free(rf_error_slot *slot);
/* A client-side failure. sqlstate/prisma may be NULL (derived from status). */
rf_status rf_error_set(rf_error_slot *slot, rf_status status, const char *sqlstate,
                       const char *prisma_code, const char *message);
/* Formatted variant. */
rf_status rf_error_setf(rf_error_slot *slot, rf_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* From a failed PGresult (res may be NULL: connection-level failure). */
rf_status rf_error_from_result(rf_error_slot *slot, PGconn *conn, const PGresult *res);
/* A connection that went away (conn's message, or res's, says how). */
rf_status rf_error_lost(rf_error_slot *slot, PGconn *conn, const PGresult *res);
/* From a failed connection attempt. */
rf_status rf_error_from_connect(rf_error_slot *slot, PGconn *conn);
void rf_error_clear(rf_error_slot *slot);
/* Records a failure of a call that has no client to hold it (rf_connect out
 * of memory, rf_pool_acquire timing out): rf_last_error(NULL) in this
 * thread. Returns status. */
rf_status rf_orphan_error(rf_status status, const char *prisma_code, const char *message);

/* ---- clients (client.c) ------------------------------------------------- */

typedef struct rf_prepared {
    char *id;             /* cache key (heap) */
    char *sql;            /* the SQL it was prepared with (heap) */
    uint64_t hash;
    unsigned serial;      /* server-side name: "rf_<serial>" */
    unsigned epoch;       /* connection epoch it was prepared in */
} rf_prepared;

struct rf_client {
    PGconn *conn;
    rf_conninfo info;
    rf_error_slot err;
    unsigned epoch;           /* bumped by every (re)connect */
    rf_prepared *stmts;       /* open addressing, capacity a power of two */
    size_t stmt_cap;
    size_t stmt_count;
    int prepared_now;         /* prepared on the current connection */
    unsigned next_serial;
    bool lost;                /* the server went away; only rf_reset clears it */
    unsigned next_cursor;     /* names server-side cursors of streams (stream.c) */
    bool stream_busy;         /* a stream's query is in flight on the connection */
    /* Read replicas (replica.c): reads outside a transaction go to one of
     * them, round robin, unless read_primary > 0. */
    struct rf_replica *replicas;
    size_t nreplicas, next_replica;
    int read_primary;         /* rf_client_read_primary nesting */
    /* The query log (replica.c), NULL when none. */
    rf_query_log_fn log_fn;
    void *log_user;
    bool log_values;
    const char *server_name;  /* "primary" or "replica N", for the log */
    int64_t connected_at_s, released_at_s; /* monotonic; for the pool's limits */
    int statement_timeout_ms; /* rf_client_set_statement_timeout; 0: the server's */
    int tx_timeout_ms;        /* rf_client_set_transaction_timeout; 0: none */
    int64_t tx_deadline_us;   /* monotonic end of the running rf_transaction; 0: none */
    struct rf_shape_cache *shapes; /* find_many's SQL by query shape (desc_shape.c) */
};

/* Monotonic microseconds (replica.c). */
int64_t rf_now_us(void);

/* RF_OK, or the transaction-expired error (P2028) when the running
 * rf_transaction is past its timeout: nothing more is sent in it. */
rf_status rf_tx_check_deadline(rf_client *c);

/* Applies the statement timeout to the session (client.c). */
rf_status rf_apply_statement_timeout(rf_client *c);

/* A replica of a client: its connection string, its client once connected,
 * and when it may be tried again after failing. */
typedef struct rf_replica {
    char *conninfo;
    rf_client *client;        /* NULL until first used */
    int64_t down_until_us;    /* monotonic; 0: up (as far as we know) */
    char name[24];            /* "replica 1" */
} rf_replica;

/* Whether SQL only reads: a SELECT (or VALUES/TABLE) without a locking
 * clause. Statements that may write, lock, or whose effect is unknown go to
 * the primary. */
bool rf_sql_is_read(const char *sql);

/* The client a read should run on: a live replica, or c itself. */
rf_client *rf_route_read(rf_client *c, const char *sql);
/* After a read ran on `r` (from rf_route_read): a failure is copied to c
 * (rf_last_error(c) tells it), a lost replica is marked down. */
rf_status rf_route_done(rf_client *c, rf_client *r, rf_status st);
/* Frees the replicas of c (rf_close). */
void rf_replicas_free(rf_client *c);

/* Copies a whole error (strings, key columns) into a slot. */
rf_status rf_error_copy(rf_error_slot *slot, const rf_error *src);

rf_client *rf_client_alloc(void);
/* Frees the client's find_many shapes (desc_shape.c). */
void rf_read_shapes_free(rf_client *c);

/* RF_OK when the client may send a statement; otherwise records
 * RF_CONNECTION (P1017) and marks the client lost. It notices a server that
 * hung up while the client sat idle (an outage, a restart) without a round
 * trip, so that the first call after it fails as a lost connection. */
rf_status rf_client_ready(rf_client *c);

/* ---- statement cache (stmt.c) ------------------------------------------- */

/* The cache entry for stmt (added if new), or *entry = NULL when the
 * statement runs unnamed: pgbouncer mode, no id, or the cache is full.
 * RF_INVALID_ARGUMENT when the id was seen with different SQL. */
rf_status rf_stmt_lookup(rf_client *c, const rf_stmt *stmt, rf_prepared **entry);
/* Whether e is prepared on the current connection. */
bool rf_stmt_ready(const rf_client *c, const rf_prepared *e);
/* Prepares e on the current connection (types: nparams entries or NULL). */
rf_status rf_stmt_prepare(rf_client *c, rf_prepared *e, int ntypes, const rf_oid *types);
/* Forgets e's server-side statement (after 26000 or a stale plan), so the
 * next rf_stmt_prepare makes a fresh one. `deallocate`: the server may still
 * have it; drop it there too. */
void rf_stmt_invalidate(rf_client *c, rf_prepared *e, bool deallocate);
/* The server-side name, "rf_<serial>". */
#define RF_STMT_NAME_SIZE 16
void rf_stmt_name(const rf_prepared *e, char name[RF_STMT_NAME_SIZE]);

/* RF_INVALID_ARGUMENT, recorded, while a stream has a query in flight on
 * the client (libpq would otherwise silently swallow the stream's rows to
 * run the new statement); else RF_OK. */
rf_status rf_client_check_idle(rf_client *c);

/* Records the error of a failed statement; RF_CONNECTION when the
 * connection went away. */
rf_status rf_client_fail_result(rf_client *c, const PGresult *res);

/* ---- running statements (exec.c) -------------------------------------- */

/* A failed execution that re-preparing can cure (26000, or a cached plan
 * whose result type changed); *still_on_server: DEALLOCATE it too. */
bool rf_stale_statement(const PGresult *res, bool *still_on_server);
/* The parameter types to declare, with exactly nparams entries, or NULL:
 * stmt->param_types completed from the rf_params' own. May use `scratch`
 * or, beyond scratch_len, a heap array the caller frees (*heap). */
const rf_oid *rf_param_types(const rf_stmt *stmt, int nparams, const rf_oid *from_params,
                             rf_oid *scratch, int scratch_len, rf_oid **heap);

/* ---- decoding (decode.c, array.c, numeric.c) ---------------------------- */

/* One value as libpq delivered it. */
typedef struct rf_value {
    const char *data;     /* NUL-terminated by libpq, also in binary */
    int len;
    int format;           /* RF_FORMAT_TEXT or RF_FORMAT_BINARY */
    rf_oid type;
} rf_value;

/* Pure decoders on one non-NULL value. On failure they write a reason to
 * `why` (a static string) and return RF_DECODE. */
rf_status rf_decode_i64(rf_value v, int64_t *out, const char **why);
rf_status rf_decode_f64(rf_value v, double *out, const char **why);
rf_status rf_decode_bool(rf_value v, bool *out, const char **why);
rf_status rf_decode_timestamp(rf_value v, rf_timestamp *out, const char **why);
/* Text of a value: borrowed from v when `borrow` and no conversion is needed,
 * else built in `arena`. */
rf_status rf_decode_text(rf_value v, rf_arena *arena, bool borrow, const char **out,
                         size_t *len, const char **why);
rf_status rf_decode_bytes(rf_value v, rf_arena *arena, bool borrow, rf_bytes *out,
                          const char **why);
/* The decimal text s[0..n) as Prisma's Decimal prints it (numeric.c): its
 * length once trailing fractional zeros and a bare point are dropped, and
 * in *start where it begins ("-0" becomes "0"). */
size_t rf_decimal_trim(const char *s, size_t n, size_t *start);
/* Binary numeric → decimal text in arena, trimmed as above. */
rf_status rf_numeric_binary_to_text(const unsigned char *p, int len, rf_arena *arena,
                                     const char **out, size_t *outlen, const char **why);

/* A cell of a result with bounds checked (decode.c), and the recording of
 * a decode failure on the result's client. */
rf_status rf_cell(const rf_result *r, int row, int col, rf_value *v, bool *null);
rf_status rf_cell_failed(const rf_result *r, int row, int col, rf_status st, const char *why);

/* Walks the elements of a one-dimensional array value, text or binary. The
 * callback gets each element (data NULL for an SQL NULL element; for text
 * arrays, a de-quoted copy in `arena`, NUL-terminated). */
typedef rf_status (*rf_array_visit)(void *ctx, size_t index, rf_value element);
rf_status rf_array_count(rf_value v, size_t *count, const char **why);
rf_status rf_array_each(rf_value v, rf_arena *arena, rf_array_visit visit, void *ctx,
                        const char **why);

/* ---- enums (enum.c) ---------------------------------------------------- */

/* The index of s[0..len) in t, or RF_INVALID_ARGUMENT. */
rf_status rf_enum_lookup(const rf_enum_table *t, const char *s, size_t len, int *out);

/* ---- doubles as text, locale-independent (cnum.c) ---------------------- */

double rf_strtod_c(const char *s, char **end);
/* The shortest "%.Ng" (N = 15..17) that reads back exactly, C locale. */
int rf_format_double_c(char *buf, size_t size, double d);

/* ---- big-endian helpers -------------------------------------------------- */

static inline uint32_t rf_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t rf_be64(const unsigned char *p)
{
    return (uint64_t)rf_be32(p) << 32 | rf_be32(p + 4);
}

static inline void rf_put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static inline void rf_put_be64(unsigned char *p, uint64_t v)
{
    rf_put_be32(p, (uint32_t)(v >> 32));
    rf_put_be32(p + 4, (uint32_t)v);
}

/* µs between 1970-01-01 and 2000-01-01, PostgreSQL's epoch. */
#define RF_PG_EPOCH_OFFSET_USEC INT64_C(946684800000000)
#define RF_PG_EPOCH_OFFSET_DAYS 10957

#endif
