/*
 * stream_read.c — reading 1,000,000 rows five ways, each in a process of
 * its own so that its peak RSS is its own:
 *
 *   stream    librefract's rf_stream (refract_stream.h), each row decoded
 *             into a bdb_event by a row decoder written with rf_get_* (the
 *             decoder a generated <model>_find_many_stream will pass);
 *   stream/chunk  the same stream read a chunk at a time, decoded column by
 *             column with rf_q_column into a reused array of bdb_event, as
 *             today's generated find_many decodes (a chunk-wise wrapper);
 *   libpq     the same strategy written by hand on libpq, decoding the
 *             binary values into the same struct;
 *   generated the generated bdb_event_find_many_stream (the descriptor
 *             decoder over rf_stream): what a program writes;
 *   find_many today's generated bdb_event_find_many: the whole result in
 *             memory, then decoded column by column.
 *
 * The parent re-executes the benchmark with `--stream-child VARIANT`; the
 * child connects, reads every row (checksumming them so that nothing is
 * skipped), and prints its wall and CPU time for the read alone; the parent
 * takes its peak RSS from wait4. Rounds alternate the order of the variants.
 *
 * BENCH_STREAM_MODE=cursor|single-row and BENCH_STREAM_CHUNK=N choose the
 * stream's strategy (default: the library's), for both the stream and its
 * hand-written twin; BENCH_STREAM_NO_READ_AHEAD=1 turns the cursor's
 * read-ahead off on both.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bdb.h"
#include "refract_stream.h"
#include "steady.h"
#include "stream_read.h"

enum { EVENTS = 1000000, STREAM_ROUNDS = 7 };

static const char event_sql[] =
    "SELECT t.\"id\", t.\"name\", t.\"value\", t.\"ok\", t.\"createdAt\", t.\"authorId\" "
    "FROM \"Event\" AS t";

_Noreturn static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench stream: %s: %s\n", what, detail);
    exit(1);
}

static int64_t checksum(const bdb_event *e)
{
    return e->id + e->value + e->ok + (unsigned char)e->name[0] + e->author_id;
}

static rf_stream_options options(void)
{
    rf_stream_options o = {0};
    const char *mode = getenv("BENCH_STREAM_MODE");
    if (mode && !strcmp(mode, "cursor"))
        o.mode = RF_STREAM_CURSOR;
    else if (mode && !strcmp(mode, "single-row"))
        o.mode = RF_STREAM_SINGLE_ROW;
    const char *chunk = getenv("BENCH_STREAM_CHUNK");
    o.chunk_rows = chunk ? atoi(chunk) : 0;
    o.no_read_ahead = getenv("BENCH_STREAM_NO_READ_AHEAD") != NULL;
    return o;
}

/* ---- the variants, each run in a child ------------------------------------------- */

static rf_status decode_event(const rf_result *r, int row, void *out, rf_arena *arena,
                              const void *ctx)
{
    (void)ctx;
    bdb_event *e = out;
    rf_status st;
    if ((st = rf_get_i32(r, row, 0, &e->id)) != RF_OK
        || (st = rf_get_text(r, row, 1, arena, &e->name, NULL)) != RF_OK
        || (st = rf_get_i32(r, row, 2, &e->value)) != RF_OK
        || (st = rf_get_bool(r, row, 3, &e->ok)) != RF_OK
        || (st = rf_get_timestamp(r, row, 4, &e->created_at)) != RF_OK)
        return st;
    return rf_get_i32(r, row, 5, &e->author_id);
}

static int64_t read_stream(rf_client *db, int64_t *rows, size_t *arena_peak)
{
    static const rf_stmt stmt = {"bench_event_stream", event_sql, RF_FORMAT_BINARY, 0, NULL};
    rf_stream_options o = options();
    rf_stream *s;
    if (rf_stream_open(db, &stmt, NULL, &o, &s) != RF_OK)
        fail("rf_stream_open", rf_last_error(db)->message);
    rf_arena arena = RF_ARENA_INIT;
    bdb_event e;
    bool got;
    int64_t sum = 0;
    rf_status st;
    while ((st = rf_stream_next_into(s, decode_event, NULL, &e, &arena, &got)) == RF_OK && got)
        sum += checksum(&e);
    if (st != RF_OK)
        fail("rf_stream_next_into", rf_last_error(db)->message);
    *rows = rf_stream_rows(s);
    *arena_peak = rf_arena_bytes_reserved(&arena);
    if (rf_stream_close(s) != RF_OK)
        fail("rf_stream_close", rf_last_error(db)->message);
    rf_arena_free(&arena);
    return sum;
}

/* A chunk at a time, column by column, into one reused array: the decoding
 * today's generated find_many does, without holding every row. */
static int64_t read_stream_chunks(rf_client *db, int64_t *rows, size_t *arena_peak)
{
    static const rf_stmt stmt = {"bench_event_stream", event_sql, RF_FORMAT_BINARY, 0, NULL};
    static const struct {
        rf_qcol kind;
        size_t offset;
    } cols[] = {
        {RF_QCOL_I32, offsetof(bdb_event, id)},         {RF_QCOL_TEXT, offsetof(bdb_event, name)},
        {RF_QCOL_I32, offsetof(bdb_event, value)},      {RF_QCOL_BOOL, offsetof(bdb_event, ok)},
        {RF_QCOL_TIMESTAMP, offsetof(bdb_event, created_at)},
        {RF_QCOL_I32, offsetof(bdb_event, author_id)},
    };
    rf_stream_options o = options();
    int cap = o.chunk_rows ? o.chunk_rows : RF_STREAM_DEFAULT_CHUNK;
    bdb_event *items = malloc((size_t)cap * sizeof *items);
    rf_stream *s;
    if (!items || rf_stream_open(db, &stmt, NULL, &o, &s) != RF_OK)
        fail("rf_stream_open", rf_last_error(db)->message);
    rf_arena arena = RF_ARENA_INIT;
    const rf_result *r;
    int64_t sum = 0;
    rf_status st;
    while ((st = rf_stream_next_chunk(s, &r)) == RF_OK && r) {
        if (r->rows > cap)
            fail("rf_stream_next_chunk", "a chunk larger than asked");
        for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
            if (rf_q_column(r, (int)c, cols[c].kind, items, sizeof *items, cols[c].offset))
                continue;
            for (int row = 0; row < r->rows; row++) /* the slow path, never taken here */
                if (decode_event(r, row, &items[row], &arena, NULL) != RF_OK)
                    fail("decode", rf_last_error(db)->message);
        }
        for (int row = 0; row < r->rows; row++)
            sum += checksum(&items[row]);
    }
    if (st != RF_OK)
        fail("rf_stream_next_chunk", rf_last_error(db)->message);
    *rows = rf_stream_rows(s);
    *arena_peak = rf_arena_bytes_reserved(&arena);
    if (rf_stream_close(s) != RF_OK)
        fail("rf_stream_close", rf_last_error(db)->message);
    rf_arena_free(&arena);
    free(items);
    return sum;
}

static int32_t be_i32(const PGresult *r, int row, int col)
{
    uint32_t v;
    memcpy(&v, PQgetvalue(r, row, col), 4);
    return (int32_t)ntohl(v);
}

static int64_t be_i64(const PGresult *r, int row, int col)
{
    const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

static int64_t hand_rows(const PGresult *r, int64_t *rows)
{
    int64_t sum = 0;
    int n = PQntuples(r);
    for (int k = 0; k < n; k++) {
        bdb_event e;
        e.id = be_i32(r, k, 0);
        e.name = PQgetvalue(r, k, 1);
        e.value = be_i32(r, k, 2);
        e.ok = *PQgetvalue(r, k, 3) != 0;
        e.created_at = be_i64(r, k, 4) + INT64_C(946684800000000);
        e.author_id = be_i32(r, k, 5);
        sum += checksum(&e);
    }
    *rows += n;
    return sum;
}

static void hand_command(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail(sql, PQerrorMessage(pg));
    PQclear(r);
}

/* What a careful programmer writes with libpq for the same strategy. */
static int64_t read_hand(PGconn *pg, int64_t *rows)
{
    rf_stream_options o = options();
    int64_t sum = 0;
    *rows = 0;
    if (o.mode != RF_STREAM_CURSOR) { /* the default, outside a transaction */
        if (!PQsendQueryParams(pg, event_sql, 0, NULL, NULL, NULL, NULL, 1) || !PQsetSingleRowMode(pg))
            fail("PQsendQueryParams", PQerrorMessage(pg));
        PGresult *r;
        while ((r = PQgetResult(pg)) != NULL) {
            ExecStatusType t = PQresultStatus(r);
            if (t != PGRES_SINGLE_TUPLE && t != PGRES_TUPLES_OK)
                fail("single-row", PQerrorMessage(pg));
            sum += hand_rows(r, rows);
            PQclear(r);
        }
        return sum;
    }
    int chunk = o.chunk_rows ? o.chunk_rows : RF_STREAM_DEFAULT_CHUNK;
    char declare[sizeof event_sql + 64], fetch[64];
    snprintf(declare, sizeof declare, "DECLARE c NO SCROLL CURSOR FOR %s", event_sql);
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %d FROM c", chunk);
    hand_command(pg, "BEGIN");
    hand_command(pg, declare);
    /* Like the stream: the next FETCH goes out before this chunk is
     * decoded (unless read-ahead is off). */
    bool ahead = !o.no_read_ahead;
    if (ahead && !PQsendQueryParams(pg, fetch, 0, NULL, NULL, NULL, NULL, 1))
        fail("FETCH", PQerrorMessage(pg));
    for (;;) {
        PGresult *r;
        if (ahead) {
            r = PQgetResult(pg);
            PGresult *end = PQgetResult(pg);
            if (end)
                fail("FETCH", "more than one result");
        } else {
            r = PQexecParams(pg, fetch, 0, NULL, NULL, NULL, NULL, 1);
        }
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fail("FETCH", PQerrorMessage(pg));
        int n = PQntuples(r);
        if (ahead && n == chunk && !PQsendQueryParams(pg, fetch, 0, NULL, NULL, NULL, NULL, 1))
            fail("FETCH", PQerrorMessage(pg));
        sum += hand_rows(r, rows);
        PQclear(r);
        if (n < chunk)
            break;
    }
    hand_command(pg, "COMMIT");
    return sum;
}

static int64_t read_generated(rf_client *db, int64_t *rows, size_t *arena_peak)
{
    rf_stream_options o = options();
    bdb_event_stream s;
    if (bdb_event_find_many_stream(db, NULL, &o, &s) != RF_OK)
        fail("bdb_event_find_many_stream", rf_last_error(db)->message);
    rf_arena arena = RF_ARENA_INIT;
    bdb_event e;
    bool got;
    int64_t sum = 0, n = 0;
    rf_status st;
    while ((st = bdb_event_stream_next(&s, &e, &arena, &got)) == RF_OK && got) {
        sum += checksum(&e);
        n++;
    }
    if (st != RF_OK)
        fail("bdb_event_stream_next", rf_last_error(db)->message);
    *rows = n;
    *arena_peak = rf_arena_bytes_reserved(&arena);
    if (bdb_event_stream_close(&s) != RF_OK)
        fail("bdb_event_stream_close", rf_last_error(db)->message);
    rf_arena_free(&arena);
    return sum;
}

static int64_t read_find_many(rf_client *db, int64_t *rows, size_t *arena_peak)
{
    rf_arena arena = RF_ARENA_INIT;
    bdb_event_list l;
    if (bdb_event_find_many(db, NULL, &l, &arena) != RF_OK)
        fail("bdb_event_find_many", rf_last_error(db)->message);
    int64_t sum = 0;
    for (size_t i = 0; i < l.count; i++)
        sum += checksum(&l.items[i]);
    *rows = (int64_t)l.count;
    *arena_peak = rf_arena_bytes_reserved(&arena);
    rf_arena_free(&arena);
    return sum;
}

int stream_child(const char *variant)
{
    const char *url = getenv("DATABASE_URL");
    rf_client *db = NULL;
    PGconn *pg = NULL;
    bool hand = !strcmp(variant, "libpq");
    if (hand) {
        pg = PQconnectdb(url);
        if (PQstatus(pg) != CONNECTION_OK)
            fail("PQconnectdb", PQerrorMessage(pg));
        steady_pin_backend(pg);
    } else {
        if (rf_connect(url, &db) != RF_OK)
            fail("rf_connect", rf_last_error(db)->message);
        steady_pin_backend(rf_client_pgconn(db));
    }
    int64_t rows = 0, sum;
    size_t arena_peak = 0;
    double t0 = steady_now(), c0 = steady_cpu();
    if (hand)
        sum = read_hand(pg, &rows);
    else if (!strcmp(variant, "stream"))
        sum = read_stream(db, &rows, &arena_peak);
    else if (!strcmp(variant, "stream/chunk"))
        sum = read_stream_chunks(db, &rows, &arena_peak);
    else if (!strcmp(variant, "generated"))
        sum = read_generated(db, &rows, &arena_peak);
    else
        sum = read_find_many(db, &rows, &arena_peak);
    double wall = steady_now() - t0, cpu = steady_cpu() - c0;
    printf("%lld %lld %.6f %.6f %zu\n", (long long)rows, (long long)sum, wall, cpu, arena_peak);
    PQfinish(pg);
    rf_close(db);
    return 0;
}

/* ---- the parent -------------------------------------------------------------------- */

typedef struct child_run {
    int64_t rows, sum;
    double wall, cpu;
    size_t arena_peak;
    long maxrss_kb;
} child_run;

static child_run run_child(const char *variant)
{
    int fd[2];
    if (pipe(fd) != 0)
        fail("pipe", "failed");
    pid_t pid = fork();
    if (pid < 0)
        fail("fork", "failed");
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execl("/proc/self/exe", "bench", "--stream-child", variant, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    child_run run = {0};
    long long rows = 0, sum = 0;
    int got = fscanf(f, "%lld %lld %lf %lf %zu", &rows, &sum, &run.wall, &run.cpu, &run.arena_peak);
    fclose(f);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0
        || got != 5)
        fail(variant, "the child failed");
    run.rows = rows;
    run.sum = sum;
    run.maxrss_kb = ru.ru_maxrss;
    return run;
}

void stream_fill(rf_client *db)
{
    static const char fill[] =
        "INSERT INTO \"Event\" (name, value, ok, \"authorId\") "
        "SELECT 'Event ' || g, g % 1000, g % 2 = 0, 1 + g % 1000 FROM generate_series(1, 1000000) g";
    if (rf_exec_sql(db, fill) != RF_OK || rf_exec_sql(db, "VACUUM ANALYZE \"Event\"") != RF_OK)
        fail("filling Event", rf_last_error(db)->message);
}

void stream_workload(void)
{
    /* The last is the reference the others are compared with. */
    static const char *const variants[] = {"stream", "stream/chunk", "generated", "libpq",
                                               "find_many"};
    enum { V = 5, FIND_MANY = 4 };
    double wall[V][STREAM_ROUNDS], cpu[V][STREAM_ROUNDS], rss[V][STREAM_ROUNDS];
    size_t arena_peak = 0;
    int64_t expect_sum = -1;
    run_child("stream"); /* warm-up: the table is in the server's cache */
    for (int r = 0; r < STREAM_ROUNDS; r++) {
        for (int k = 0; k < V; k++) {
            int v = r % 2 ? V - 1 - k : k; /* ABCDE, EDCBA, ...: each goes first and last */
            child_run run = run_child(variants[v]);
            if (run.rows != EVENTS)
                fail(variants[v], "did not read every row");
            if (expect_sum < 0)
                expect_sum = run.sum;
            else if (run.sum != expect_sum)
                fail(variants[v], "read different data");
            wall[v][r] = run.wall;
            cpu[v][r] = run.cpu / EVENTS * 1e6;
            rss[v][r] = (double)run.maxrss_kb / 1024.0;
            if (v == 0 && run.arena_peak > arena_peak)
                arena_peak = run.arena_peak;
        }
    }
    printf("\nstreaming read of %d rows (%d rounds, each in its own process; "
           "min / median / max):\n", EVENTS, STREAM_ROUNDS);
    printf("%-13s %26s %24s %22s   %s\n", "", "rows/s", "client CPU µs/row", "peak RSS MB",
           "throughput / find_many (same round)");
    double stream_rss_max = 0;
    for (int v = 0; v < V; v++) {
        double tput[STREAM_ROUNDS], vs[STREAM_ROUNDS];
        for (int r = 0; r < STREAM_ROUNDS; r++) {
            tput[r] = EVENTS / wall[v][r];
            vs[r] = wall[FIND_MANY][r] / wall[v][r];
        }
        steady_stats t = steady_stats_of(tput, STREAM_ROUNDS);
        steady_stats c = steady_stats_of(cpu[v], STREAM_ROUNDS);
        steady_stats m = steady_stats_of(rss[v], STREAM_ROUNDS);
        steady_stats f = steady_stats_of(vs, STREAM_ROUNDS);
        if (v < 3 && m.max > stream_rss_max)
            stream_rss_max = m.max;
        printf("%-13s %8.0f %8.0f %8.0f   %6.3f %6.3f %6.3f   %6.1f %6.1f %6.1f   %4.2f %4.2f %4.2f\n",
               variants[v], t.min, t.median, t.max, c.min, c.median, c.max, m.min, m.median, m.max,
               f.min, f.median, f.max);
    }
    printf("stream peak RSS: %.1f MB (target <= 16); throughput target >= 0.95 x find_many; "
           "per-row arena after 1,000,000 rows: %zu bytes\n",
           stream_rss_max, arena_peak);
}
