/*
 * test_runtime_stream.c — rf_stream against a real server, in both of its
 * strategies (each test runs once per mode): a large result read in memory
 * that does not grow with its size, inside and outside transactions, with
 * pgbouncer=true, stopped early, failing midway, and empty.
 */
#include <malloc.h>
#include <string.h>

/* Under AddressSanitizer malloc is ASan's, and mallinfo2 sees nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif
#ifdef RT_ASAN
/* From the ASan runtime (its header, sanitizer/allocator_interface.h, is
 * not always installed). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#include "refract_stream.h"
#include "rt_fixture.h"

static const rf_stream_mode modes[] = {RF_STREAM_CURSOR, RF_STREAM_SINGLE_ROW};

static rf_stream_options opts_for(int i)
{
    return (rf_stream_options){.mode = modes[i]};
}

/* Bytes the process has taken from malloc right now (heap and mmap). */
static size_t heap_in_use(void)
{
#ifdef RT_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
#endif
}

/* A table t(id, label) with rows 1..n. */
static void make_rows(rf_client *c, int n)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS t (id int, label text); TRUNCATE t; "
             "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, %d) g",
             n);
    rt_sql(c, sql);
}

typedef struct row {
    int32_t id;
    const char *label;
} row;

static rf_status decode_row(const rf_result *r, int i, void *out, rf_arena *a, const void *ctx)
{
    (void)ctx;
    row *x = out;
    rf_status st = rf_get_i32(r, i, 0, &x->id);
    return st == RF_OK ? rf_get_text(r, i, 1, a, &x->label, NULL) : st;
}

static const rf_stmt select_from = {
    "stream_t_from", "SELECT id, label FROM t WHERE id >= $1 ORDER BY id", RF_FORMAT_BINARY, 0, NULL,
};

typedef struct read_stats {
    int64_t rows, id_sum;
    size_t heap_growth;   /* peak heap in use while reading, over the start */
    size_t arena_bytes;   /* the per-row arena's size at the end */
} read_stats;

/* Streams every row with id >= from, checking each, and measures memory. */
static read_stats stream_all(rf_client *c, int mode, int from)
{
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, from);
    read_stats rs = {0, 0, 0, 0};
    rf_arena a = RF_ARENA_INIT;
    size_t base = heap_in_use();
    rf_stream_options o = opts_for(mode);
    o.copy_values = true; /* the arena does work on every row */
    rf_stream *s;
    RT_OK(c, rf_stream_open(c, &select_from, &p, &o, &s));
    rf_params_free(&p);
    ck_assert_int_eq(rf_stream_mode_of(s), modes[mode]);
    row x;
    bool got;
    rf_status st;
    int32_t expect = from;
    while ((st = rf_stream_next_into(s, decode_row, NULL, &x, &a, &got)) == RF_OK && got) {
        ck_assert_int_eq(x.id, expect);
        char want[32];
        snprintf(want, sizeof want, "row %d", (int)expect);
        ck_assert_str_eq(x.label, want);
        expect++;
        rs.id_sum += x.id;
        size_t now = heap_in_use();
        if (now > base && now - base > rs.heap_growth)
            rs.heap_growth = now - base;
    }
    RT_OK(c, st);
    rs.rows = rf_stream_rows(s);
    RT_OK(c, rf_stream_close(s));
    rs.arena_bytes = rf_arena_bytes_reserved(&a);
    rf_arena_free(&a);
    return rs;
}

/* 100,000 rows read in the memory of 10,000: the peak does not grow with
 * the row count, and stays far below what the whole result would take. */
START_TEST(test_stream_large_result_in_constant_memory)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 10000);
    read_stats small = stream_all(c, _i, 1);
    ck_assert_int_eq(small.rows, 10000);
    ck_assert_int_eq(small.id_sum, (int64_t)10000 * 10001 / 2);

    make_rows(c, 100000);
    read_stats big = stream_all(c, _i, 1);
    ck_assert_int_eq(big.rows, 100000);
    ck_assert_int_eq(big.id_sum, (int64_t)100000 * 100001 / 2);
    ck_assert_msg(big.heap_growth <= small.heap_growth + 64 * 1024,
                  "heap peak grew with the rows: %zu bytes for 10,000, %zu for 100,000",
                  small.heap_growth, big.heap_growth);
    ck_assert_msg(big.heap_growth < 1024 * 1024, "heap peak %zu bytes", big.heap_growth);
    ck_assert_uint_le(big.arena_bytes, 4096); /* one row at a time */

    /* The whole result at once, for scale: it takes megabytes. */
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, 1);
    size_t base = heap_in_use();
    rf_result r;
    RT_OK(c, rf_exec_params(c, &select_from, &p, &r));
    ck_assert_uint_gt(heap_in_use() - base, 4 * big.heap_growth);
    rf_result_clear(&r);
    rf_params_free(&p);

    /* Parameters reach the server: from 99,991, ten rows. */
    read_stats tail = stream_all(c, _i, 99991);
    ck_assert_int_eq(tail.rows, 10);
    ck_assert(!rf_in_transaction(c));
    rf_close(c);
}
END_TEST

/* Chunks hand out every row once, none empty, none larger than asked. */
START_TEST(test_stream_chunks)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 2500);
    rf_stream_options o = opts_for(_i);
    o.chunk_rows = 1000;
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, 1);
    rf_stream *s;
    RT_OK(c, rf_stream_open(c, &select_from, &p, &o, &s));
    rf_params_free(&p);
    const rf_result *r;
    int64_t rows = 0, sum = 0;
    int chunks = 0;
    rf_status st;
    while ((st = rf_stream_next_chunk(s, &r)) == RF_OK && r) {
        ck_assert_int_gt(r->rows, 0);
        ck_assert_int_le(r->rows, 1000);
        for (int i = 0; i < r->rows; i++) {
            int32_t id;
            RT_OK(c, rf_get_i32(r, i, 0, &id));
            sum += id;
        }
        rows += r->rows;
        chunks++;
    }
    RT_OK(c, st);
    ck_assert_int_eq(rows, 2500);
    ck_assert_int_eq(sum, (int64_t)2500 * 2501 / 2);
    ck_assert_int_eq(chunks, modes[_i] == RF_STREAM_CURSOR ? 3 : 2500);
    RT_OK(c, rf_stream_next_chunk(s, &r)); /* the end stays the end */
    ck_assert_ptr_null(r);
    RT_OK(c, rf_stream_close(s));
    rf_close(c);
}
END_TEST

/* Inside the caller's transaction the stream sees its uncommitted rows and
 * leaves the transaction open and usable. */
START_TEST(test_stream_inside_transaction)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 100);
    RT_OK(c, rf_begin(c, RF_REPEATABLE_READ, false));
    rt_sql(c, "INSERT INTO t VALUES (101, 'row 101')");
    read_stats rs = stream_all(c, _i, 1);
    ck_assert_int_eq(rs.rows, 101);
    ck_assert(rf_in_transaction(c));
    rt_sql(c, "INSERT INTO t VALUES (102, 'row 102')");
    RT_OK(c, rf_commit(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 102);
    rf_close(c);
}
END_TEST

/* Stopping after 3 rows of 100,000 frees everything and leaves the client
 * usable, outside and inside a transaction. */
START_TEST(test_stream_early_close)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 100000);
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx)
            RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
        rf_params p;
        rf_params_init(&p);
        rf_params_add_i32(&p, 1);
        rf_stream_options o = opts_for(_i);
        rf_stream *s;
        RT_OK(c, rf_stream_open(c, &select_from, &p, &o, &s));
        rf_params_free(&p);
        const rf_result *r;
        int row;
        for (int k = 1; k <= 3; k++) {
            RT_OK(c, rf_stream_next(s, &r, &row));
            ck_assert_ptr_nonnull(r);
            int32_t id;
            RT_OK(c, rf_get_i32(r, row, 0, &id));
            ck_assert_int_eq(id, k);
        }
        RT_OK(c, rf_stream_close(s));
        ck_assert_int_eq(rf_in_transaction(c), in_tx);
        ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 100000);
        if (in_tx) {
            rt_sql(c, "INSERT INTO t VALUES (0, 'row 0')");
            RT_OK(c, rf_commit(c));
            ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 100001);
        }
    }
    /* A fresh stream on the same client reads from the start. */
    read_stats rs = stream_all(c, _i, 99998);
    ck_assert_int_eq(rs.rows, 3);
    rf_close(c);
}
END_TEST

/* While a stream's query is in flight (single-row mode, or a cursor reading
 * ahead in its own transaction), other statements are refused rather than
 * let libpq swallow the stream's rows; in the caller's transaction a cursor
 * leaves the client free between rows. Either way the stream reads on. */
START_TEST(test_stream_other_statements_meanwhile)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 100);
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx)
            RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
        rf_params p;
        rf_params_init(&p);
        rf_params_add_i32(&p, 1);
        rf_stream_options o = opts_for(_i);
        o.chunk_rows = 10;
        rf_stream *s;
        RT_OK(c, rf_stream_open(c, &select_from, &p, &o, &s));
        rf_params_free(&p);
        const rf_result *r;
        int row;
        int64_t sum = 0;
        rf_status st;
        while ((st = rf_stream_next(s, &r, &row)) == RF_OK && r) {
            int32_t id;
            RT_OK(c, rf_get_i32(r, row, 0, &id));
            sum += id;
            if (id == 5) {
                bool free_between_rows = modes[_i] == RF_STREAM_CURSOR && in_tx;
                if (free_between_rows) {
                    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM t"), 100);
                } else {
                    ck_assert_int_eq(rf_exec_sql(c, "SELECT 1"), RF_INVALID_ARGUMENT);
                    ck_assert_msg(strstr(rf_last_error(c)->message, "stream"), "%s",
                                  rf_last_error(c)->message);
                    ck_assert_int_eq(rf_begin(c, RF_ISOLATION_DEFAULT, false),
                                     RF_INVALID_ARGUMENT);
                }
            }
        }
        RT_OK(c, st);
        ck_assert_int_eq(sum, 100 * 101 / 2);
        RT_OK(c, rf_stream_close(s));
        ck_assert_int_eq(rt_scalar(c, "SELECT 3"), 3);
        if (in_tx)
            RT_OK(c, rf_commit(c));
    }
    rf_close(c);
}
END_TEST

static const rf_stmt divide = {
    NULL, "SELECT g, 10 / (g - 500) FROM generate_series(1, 1000) g", RF_FORMAT_BINARY, 0, NULL,
};

/* Reads until the stream fails; returns the rows it got first. */
static int64_t read_until_failure(rf_client *c, int mode)
{
    rf_stream_options o = opts_for(mode);
    o.chunk_rows = 100;
    rf_stream *s;
    RT_OK(c, rf_stream_open(c, &divide, NULL, &o, &s));
    const rf_result *r;
    int row;
    rf_status st;
    int64_t rows = 0;
    while ((st = rf_stream_next(s, &r, &row)) == RF_OK && r) {
        int32_t g;
        RT_OK(c, rf_get_i32(r, row, 0, &g));
        ck_assert_int_eq(g, rows + 1);
        rows++;
    }
    ck_assert_int_eq(st, RF_ERROR);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "22012"); /* division by zero */
    ck_assert_ptr_null(r);
    ck_assert_int_eq(rf_stream_next(s, &r, &row), RF_ERROR); /* it stays failed */
    RT_OK(c, rf_stream_close(s));
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "22012"); /* close kept the reason */
    return rows;
}

/* A division by zero at row 500: the rows before it arrive (all of them in
 * single-row mode; whole chunks with a cursor), then the error, and the
 * client is usable again. */
START_TEST(test_stream_error_midway)
{
    rf_client *c = rt_fresh(NULL, 0);
    int64_t rows = read_until_failure(c, _i);
    ck_assert_int_eq(rows, modes[_i] == RF_STREAM_CURSOR ? 400 : 499);
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT 41 + 1"), 42);

    /* In the caller's transaction: the transaction is failed, as after any
     * failed statement; rolling back makes the client usable. */
    rt_sql(c, "CREATE TABLE u (v int)");
    RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
    rt_sql(c, "INSERT INTO u VALUES (1)");
    read_until_failure(c, _i);
    ck_assert(rf_in_transaction(c));
    ck_assert_int_eq(rf_commit(c), RF_ERROR); /* rolled back, and said so */
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM u"), 0);
    rf_close(c);
}
END_TEST

/* Cursor mode in its own transaction reads ahead: stopping while the FETCH
 * sent ahead has failed (rows 401-500 divide by zero) is still a clean
 * close, and the client is usable. */
START_TEST(test_stream_close_while_read_ahead_failed)
{
    rf_client *c = rt_fresh(NULL, 0);
    rf_stream_options o = {.mode = RF_STREAM_CURSOR, .chunk_rows = 100};
    rf_stream *s;
    RT_OK(c, rf_stream_open(c, &divide, NULL, &o, &s));
    const rf_result *r;
    int row;
    for (int k = 1; k <= 301; k++) {
        RT_OK(c, rf_stream_next(s, &r, &row));
        ck_assert_ptr_nonnull(r);
    }
    RT_OK(c, rf_stream_close(s));
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT 5"), 5);
    rf_close(c);
}
END_TEST

/* A statement the server rejects fails at open, leaving nothing behind. */
START_TEST(test_stream_bad_statement)
{
    rf_client *c = rt_fresh(NULL, 0);
    static const rf_stmt bad = {NULL, "SELECT nope FROM nowhere", RF_FORMAT_BINARY, 0, NULL};
    rf_stream_options o = opts_for(_i);
    rf_stream *s = (rf_stream *)&o;
    ck_assert_int_eq(rf_stream_open(c, &bad, NULL, &o, &s), RF_ERROR);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(rf_last_error(c)->sqlstate, "42P01"); /* no such table */
    ck_assert(!rf_in_transaction(c));
    ck_assert_int_eq(rt_scalar(c, "SELECT 7"), 7);
    ck_assert_int_eq(rf_stream_open(c, NULL, NULL, &o, &s), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_stream_close(NULL), RF_OK);
    rf_close(c);
}
END_TEST

START_TEST(test_stream_empty_result)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 10);
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, 11);
    rf_stream_options o = opts_for(_i);
    rf_stream *s;
    RT_OK(c, rf_stream_open(c, &select_from, &p, &o, &s));
    rf_params_free(&p);
    const rf_result *r = (const rf_result *)&o;
    int row = 5;
    RT_OK(c, rf_stream_next(s, &r, &row));
    ck_assert_ptr_null(r);
    ck_assert_int_eq(row, -1);
    RT_OK(c, rf_stream_next(s, &r, &row));
    ck_assert_ptr_null(r);
    ck_assert_int_eq(rf_stream_rows(s), 0);
    RT_OK(c, rf_stream_close(s));
    ck_assert(!rf_in_transaction(c));
    rf_close(c);
}
END_TEST

/* The default picks single-row mode outside a transaction, a cursor in
 * the caller's. */
START_TEST(test_stream_default_mode)
{
    rf_client *c = rt_fresh(NULL, 0);
    make_rows(c, 10);
    rf_params p;
    rf_params_init(&p);
    rf_params_add_i32(&p, 1);
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx)
            RT_OK(c, rf_begin(c, RF_ISOLATION_DEFAULT, false));
        rf_stream *s;
        RT_OK(c, rf_stream_open(c, &select_from, &p, NULL, &s));
        ck_assert_int_eq(rf_stream_mode_of(s), in_tx ? RF_STREAM_CURSOR : RF_STREAM_SINGLE_ROW);
        const rf_result *r;
        int row, n = 0;
        rf_status st;
        while ((st = rf_stream_next(s, &r, &row)) == RF_OK && r)
            n++;
        RT_OK(c, st);
        ck_assert_int_eq(n, 10);
        RT_OK(c, rf_stream_close(s));
    }
    RT_OK(c, rf_commit(c));
    rf_params_free(&p);
    rf_close(c);
}
END_TEST

/* pgbouncer=true: nothing named outlives a transaction, and streams work. */
START_TEST(test_stream_pgbouncer_mode)
{
    char conninfo[PGH_CONNINFO_MAX], bouncer[PGH_CONNINFO_MAX + 32];
    rf_client *setup = rt_fresh(conninfo, sizeof conninfo);
    make_rows(setup, 5000);
    rf_close(setup);
    snprintf(bouncer, sizeof bouncer, "%s pgbouncer=true", conninfo);
    rf_client *c = rt_connect(bouncer);
    ck_assert(rf_client_pgbouncer(c));
    read_stats rs = stream_all(c, _i, 1);
    ck_assert_int_eq(rs.rows, 5000);
    ck_assert_int_eq(rf_client_prepared_count(c), 0);
    ck_assert_int_eq(rt_scalar(c, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'rf_%'"), 0);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime_stream");
    TCase *tc = tcase_create("stream");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
    int n = (int)(sizeof modes / sizeof *modes);
    tcase_add_loop_test(tc, test_stream_large_result_in_constant_memory, 0, n);
    tcase_add_loop_test(tc, test_stream_chunks, 0, n);
    tcase_add_loop_test(tc, test_stream_inside_transaction, 0, n);
    tcase_add_loop_test(tc, test_stream_early_close, 0, n);
    tcase_add_loop_test(tc, test_stream_other_statements_meanwhile, 0, n);
    tcase_add_loop_test(tc, test_stream_error_midway, 0, n);
    tcase_add_test(tc, test_stream_close_while_read_ahead_failed);
    tcase_add_loop_test(tc, test_stream_bad_statement, 0, n);
    tcase_add_loop_test(tc, test_stream_empty_result, 0, n);
    tcase_add_loop_test(tc, test_stream_pgbouncer_mode, 0, n);
    tcase_add_test(tc, test_stream_default_mode);
    suite_add_tcase(s, tc);
    int failed = 0;
    rt_run(s, &failed);
    return failed ? 1 : 0;
}
