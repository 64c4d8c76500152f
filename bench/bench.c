/*
 * bench.c — the generated client against hand-written libpq, workload by
 * workload, in one process on one database (DATABASE_URL; `make run` makes
 * a throwaway one).
 *
 * The hand-written side is what a careful C programmer writes without
 * refract: prepared statements, minimal SQL, binary results decoded into
 * the same structs, strings pointing into the kept PGresult. Both sides do
 * the same round trips and produce the same data. The two sides take turns
 * in short batches, so that noise from other processes on the machine slows
 * both alike; the ratio reported is the median over the rounds.
 *
 * BENCH_ONLY=text runs only the workloads whose name contains it ("stream"
 * for the streaming read of 1,000,000 rows, stream_read.c; "feed", "groupBy"
 * and "some" for issue 10's reads, reads.c, which also prints how many
 * statements the generated feed sends; "typed" for issue 12's weekly
 * signups through a typed query, typed.c).
 *
 * Steadiness on a small machine: each ratio is given as min / median / max
 * over the rounds, with the client CPU time per op beside it. BENCH_PIN=1
 * runs the client on CPU 0 and the server processes of its connections on
 * CPU 1 (steady.c: it helps on an idle machine, and hurts a lot on a shared
 * one).
 *
 * Output: ops/s for both, the ratio (generated time / hand-written time),
 * client CPU per op, then `max ratio vs libpq: X.XX` (of the medians), then
 * the streaming table.
 *
 * Then bulk inserts of 100,000 rows (BENCH_ONLY=bulk for these alone):
 * create_many, a create loop in one transaction and hand-written binary
 * and text COPY; create_many skip_duplicates and a hand-written unnest
 * INSERT; throughput ratios from the same run, client and server CPU per
 * row (BENCH_ONLY=copy: the COPY forms alone). And (BENCH_ONLY=batch) 100
 * find_unique as one batch vs 100 calls (batch.c), on this connection and,
 * when TCP_DATABASE_URL is set (`make run` sets it), over TCP loopback.
 */
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "bdb.h"
#include "reads.h"
#include "steady.h"
#include "stream_read.h"
#include "typed.h"

enum { AUTHORS = 1000, BOOKS_PER_AUTHOR = 10, ROUNDS = 31 };

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench: %s: %s\n", what, detail);
    exit(1);
}

#define CHECK(client, call)                                                                       \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        if (st_ != RF_OK)                                                                         \
            die(#call, rf_last_error(client)->message);                                           \
    } while (0)

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the hand-written side ----------------------------------------------------- */

static PGconn *pg;

static void prepare(const char *name, const char *sql, int nparams)
{
    PGresult *r = PQprepare(pg, name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(name, PQerrorMessage(pg));
    PQclear(r);
}

static int32_t get_i32(const PGresult *r, int row, int col)
{
    uint32_t v;
    memcpy(&v, PQgetvalue(r, row, col), 4);
    return (int32_t)ntohl(v);
}

static int64_t get_i64(const PGresult *r, int row, int col)
{
    const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

/* timestamp: µs since 2000-01-01 on the wire. */
static rf_timestamp get_ts(const PGresult *r, int row, int col)
{
    return get_i64(r, row, col) + INT64_C(946684800000000);
}

static PGresult *run(const char *stmt, int n, const char *const *values, const int *lengths,
                     const int *formats)
{
    PGresult *r = PQexecPrepared(pg, stmt, n, values, lengths, formats, 1);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
        die(stmt, PQerrorMessage(pg));
    return r;
}

static void decode_author(const PGresult *r, int row, bdb_author *a)
{
    memset(a, 0, sizeof *a);
    a->id = get_i32(r, row, 0);
    a->name = PQgetvalue(r, row, 1);
    a->email = PQgetvalue(r, row, 2);
    a->created_at = get_ts(r, row, 3);
}

static void decode_book(const PGresult *r, int row, bdb_book *b)
{
    memset(b, 0, sizeof *b);
    b->id = get_i32(r, row, 0);
    b->title = PQgetvalue(r, row, 1);
    b->pages = get_i32(r, row, 2);
    b->published = *PQgetvalue(r, row, 3) != 0;
    b->created_at = get_ts(r, row, 4);
    b->author_id = get_i32(r, row, 5);
}

/* A binary int4 parameter. */
typedef struct i32_param {
    uint32_t be;
    const char *value;
    int length, format;
} i32_param;

static i32_param i32(int32_t v)
{
    i32_param p = {htonl((uint32_t)v), NULL, 4, 1};
    return p;
}

/* Books decoded by hand go into one reusable array, as a careful program
 * would do (the generated side allocates from its arena, reset per op). */
static bdb_book *book_buf;

static int64_t hand_find_unique(int i)
{
    i32_param id = i32(1 + i % AUTHORS);
    const char *values[] = {(const char *)&id.be};
    PGresult *r = run("author_by_id", 1, values, &id.length, &id.format);
    bdb_author a;
    decode_author(r, 0, &a);
    int64_t check = a.id;
    PQclear(r);
    return check;
}

static int64_t hand_books_of_author(int i)
{
    i32_param id = i32(1 + i % AUTHORS);
    const char *values[] = {(const char *)&id.be};
    PGresult *r = run("books_by_author", 1, values, &id.length, &id.format);
    int n = PQntuples(r);
    for (int k = 0; k < n; k++)
        decode_book(r, k, &book_buf[k]);
    PQclear(r);
    return n;
}

static int64_t hand_create(int i)
{
    i32_param stars = i32(1 + i % 5), book = i32(1 + i % (AUTHORS * BOOKS_PER_AUTHOR));
    const char *values[] = {(const char *)&stars.be, "Fine, if a little long.", (const char *)&book.be};
    int lengths[] = {4, 0, 4}, formats[] = {1, 0, 1};
    PGresult *r = run("create_review", 3, values, lengths, formats);
    bdb_review rv;
    memset(&rv, 0, sizeof rv);
    rv.id = get_i32(r, 0, 0);
    rv.stars = get_i32(r, 0, 1);
    rv.body = PQgetvalue(r, 0, 2);
    rv.created_at = get_ts(r, 0, 3);
    rv.book_id = get_i32(r, 0, 4);
    PQclear(r);
    return rv.id;
}

static int64_t hand_all_books(int i)
{
    (void)i;
    PGresult *r = run("all_books", 0, NULL, NULL, NULL);
    int n = PQntuples(r);
    for (int k = 0; k < n; k++)
        decode_book(r, k, &book_buf[k]);
    PQclear(r);
    return n;
}

static int64_t hand_author_with_books(int i)
{
    i32_param id = i32(1 + i % AUTHORS);
    const char *values[] = {(const char *)&id.be};
    PGresult *ra = run("author_by_id", 1, values, &id.length, &id.format);
    bdb_author a;
    decode_author(ra, 0, &a);
    PGresult *rb = run("books_by_author", 1, values, &id.length, &id.format);
    int n = PQntuples(rb);
    for (int k = 0; k < n; k++)
        decode_book(rb, k, &book_buf[k]);
    a.books.items = book_buf;
    a.books.count = (size_t)n;
    int64_t check = (int64_t)a.books.count;
    PQclear(rb);
    PQclear(ra);
    return check;
}

/* ---- the generated side --------------------------------------------------------- */

static rf_client *db;
static rf_arena arena = RF_ARENA_INIT;

static int64_t gen_find_unique(int i)
{
    bdb_author a;
    CHECK(db, bdb_author_find_unique_by_id(db, 1 + i % AUTHORS, NULL, &a, &arena));
    rf_arena_reset(&arena);
    return a.id;
}

static int64_t gen_books_of_author(int i)
{
    bdb_book_list l;
    CHECK(db, bdb_book_find_many(db, &(bdb_book_query){.where = &(bdb_book_where){.author_id = RF_EQ(1 + i % AUTHORS)}},
                                 &l, &arena));
    rf_arena_reset(&arena);
    return (int64_t)l.count;
}

static int64_t gen_create(int i)
{
    bdb_review rv;
    CHECK(db, bdb_review_create(db,
                                &(bdb_review_create_input){.stars = 1 + i % 5, .body = "Fine, if a little long.",
                                                           .book_id = 1 + i % (AUTHORS * BOOKS_PER_AUTHOR)},
                                &rv, &arena));
    rf_arena_reset(&arena);
    return rv.id;
}

static int64_t gen_all_books(int i)
{
    (void)i;
    bdb_book_list l;
    CHECK(db, bdb_book_find_many(db, NULL, &l, &arena));
    rf_arena_reset(&arena);
    return (int64_t)l.count;
}

static int64_t gen_author_with_books(int i)
{
    bdb_author a;
    CHECK(db, bdb_author_find_unique_by_id(db, 1 + i % AUTHORS, &(bdb_author_include){.books = true}, &a, &arena));
    int64_t n = (int64_t)a.books.count;
    rf_arena_reset(&arena);
    return n;
}

/* ---- driver ----------------------------------------------------------------------- */

typedef int64_t (*op_fn)(int i);

typedef struct workload {
    const char *name;
    op_fn gen, hand;
    int ops;         /* per round */
    int64_t expect;  /* what each op returns (-1: do not check) */
} workload;

/* One round: a batch of ops on each side, who goes first alternating by
 * round. Adds each side's time to *gen and *hand. (Switching sides op by op
 * would measure the cost of waking the other connection's server process
 * instead.) */
static double cpu_gen, cpu_hand; /* client CPU seconds, all rounds */

static void race(const workload *wl, int round, double *gen, double *hand)
{
    for (int turn = 0; turn < 2; turn++) {
        bool gen_now = (turn == 0) == (round % 2 == 0);
        double c0 = cpu_s();
        double t0 = now_s();
        for (int i = 0; i < wl->ops; i++) {
            int64_t got = gen_now ? wl->gen(i) : wl->hand(i);
            if (wl->expect >= 0 && got != wl->expect)
                die(wl->name, "a result differs from the data");
        }
        *(gen_now ? gen : hand) += now_s() - t0;
        *(gen_now ? &cpu_gen : &cpu_hand) += cpu_s() - c0;
    }
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}


/* ---- bulk inserts: 100,000 reviews ------------------------------------------------ */

enum { BULK_ROWS = 100000, BULK_ROUNDS = 5 };
static const char BULK_BODY[] = "Fine, if a little long.";

static bdb_review_create_input *bulk_rows;

static void bulk_truncate(void)
{
    CHECK(db, rf_exec_sql(db, "TRUNCATE \"Review\""));
}

static void gen_create_many(void)
{
    int64_t n = 0;
    CHECK(db, bdb_review_create_many(db, bulk_rows, BULK_ROWS, false, &n));
    if (n != BULK_ROWS)
        die("createMany", "wrong count");
}

static void gen_create_many_skip(void)
{
    int64_t n = 0;
    CHECK(db, bdb_review_create_many(db, bulk_rows, BULK_ROWS, true, &n));
    if (n != BULK_ROWS)
        die("createMany skip_duplicates", "wrong count");
}

static void gen_create_loop(void)
{
    CHECK(db, rf_begin(db, RF_ISOLATION_DEFAULT, false));
    for (int i = 0; i < BULK_ROWS; i++)
        CHECK(db, bdb_review_create(db, &bulk_rows[i], NULL, NULL));
    CHECK(db, rf_commit(db));
}

static void put_be(char **p, uint32_t v, int width)
{
    for (int k = width - 1; k >= 0; k--)
        *(*p)++ = (char)(v >> (8 * k));
}

/* What a careful programmer writes: binary COPY, sent in 256 kB pieces. */
static void hand_copy(void)
{
    PGresult *r = PQexec(pg, "COPY \"Review\" (stars, body, \"bookId\") FROM STDIN (FORMAT binary)");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die("COPY", PQerrorMessage(pg));
    PQclear(r);
    size_t cap = 256 * 1024;
    char *buf = malloc(cap + 256), *p = buf;
    memcpy(p, "PGCOPY\n\377\r\n\0", 11);
    p += 11;
    put_be(&p, 0, 4);
    put_be(&p, 0, 4);
    size_t body_len = strlen(BULK_BODY);
    for (int i = 0; i < BULK_ROWS; i++) {
        put_be(&p, 3, 2);
        put_be(&p, 4, 4);
        put_be(&p, (uint32_t)bulk_rows[i].stars, 4);
        put_be(&p, (uint32_t)body_len, 4);
        memcpy(p, BULK_BODY, body_len);
        p += body_len;
        put_be(&p, 4, 4);
        put_be(&p, (uint32_t)bulk_rows[i].book_id, 4);
        if ((size_t)(p - buf) >= cap) {
            if (PQputCopyData(pg, buf, (int)(p - buf)) != 1)
                die("PQputCopyData", PQerrorMessage(pg));
            p = buf;
        }
    }
    put_be(&p, 0xFFFF, 2);
    if (PQputCopyData(pg, buf, (int)(p - buf)) != 1 || PQputCopyEnd(pg, NULL) != 1)
        die("PQputCopyEnd", PQerrorMessage(pg));
    free(buf);
    while ((r = PQgetResult(pg)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("COPY", PQerrorMessage(pg));
        PQclear(r);
    }
}

/* The same rows in COPY's text format: what the format itself costs,
 * client and server, against binary (refract's create_many sends text). */
static void hand_copy_text(void)
{
    PGresult *r = PQexec(pg, "COPY \"Review\" (stars, body, \"bookId\") FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die("COPY", PQerrorMessage(pg));
    PQclear(r);
    size_t cap = 256 * 1024;
    char *buf = malloc(cap + 256), *p = buf;
    for (int i = 0; i < BULK_ROWS; i++) {
        p += sprintf(p, "%d\t%s\t%d\n", bulk_rows[i].stars, BULK_BODY, bulk_rows[i].book_id);
        if ((size_t)(p - buf) >= cap) {
            if (PQputCopyData(pg, buf, (int)(p - buf)) != 1)
                die("PQputCopyData", PQerrorMessage(pg));
            p = buf;
        }
    }
    if (PQputCopyData(pg, buf, (int)(p - buf)) != 1 || PQputCopyEnd(pg, NULL) != 1)
        die("PQputCopyEnd", PQerrorMessage(pg));
    free(buf);
    while ((r = PQgetResult(pg)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("COPY", PQerrorMessage(pg));
        PQclear(r);
    }
}

/* ... and with duplicates to skip: one INSERT from unnest of three arrays. */
static void hand_unnest(void)
{
    size_t cap = (size_t)BULK_ROWS * 40 + 16;
    char *stars = malloc(cap), *bodies = malloc(cap), *books = malloc(cap);
    char *s = stars, *b = bodies, *k = books;
    *s++ = *b++ = *k++ = '{';
    for (int i = 0; i < BULK_ROWS; i++) {
        const char *sep = i ? "," : "";
        s += sprintf(s, "%s%d", sep, bulk_rows[i].stars);
        b += sprintf(b, "%s\"%s\"", sep, BULK_BODY);
        k += sprintf(k, "%s%d", sep, bulk_rows[i].book_id);
    }
    strcpy(s, "}");
    strcpy(b, "}");
    strcpy(k, "}");
    const char *values[] = {stars, bodies, books};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO \"Review\" (stars, body, \"bookId\") SELECT * FROM "
                               "unnest($1::int4[], $2::text[], $3::int4[]) ON CONFLICT DO NOTHING",
                               3, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK || atoi(PQcmdTuples(r)) != BULK_ROWS)
        die("unnest insert", PQerrorMessage(pg));
    PQclear(r);
    free(stars);
    free(bodies);
    free(books);
}

typedef void (*bulk_fn)(void);

/* The median time of each fn over the rounds, each run on an empty table;
 * the fns take turns within a round, so that noise hits them alike. A
 * first round warms up (statements prepared, table files grown). */
/* Server CPU of both connections' backends (only one works at a time). */
static double servers_cpu(void)
{
    return steady_backend_cpu(pg) + steady_backend_cpu((PGconn *)rf_client_pgconn(db));
}

static void bulk_times(const bulk_fn *fns, double *median, double *cpu, double *server, int n)
{
    double t[8][BULK_ROUNDS];
    for (int r = -1; r < BULK_ROUNDS; r++)
        for (int f = 0; f < n; f++) {
            bulk_truncate();
            double t0 = now_s(), c0 = cpu_s(), s0 = servers_cpu();
            fns[f]();
            if (r >= 0) {
                t[f][r] = now_s() - t0;
                cpu[f] += cpu_s() - c0;
                server[f] += servers_cpu() - s0;
            }
        }
    bulk_truncate();
    for (int f = 0; f < n; f++) {
        qsort(t[f], BULK_ROUNDS, sizeof *t[f], compare_double);
        median[f] = t[f][BULK_ROUNDS / 2];
    }
}

/* copy_only: the three COPY forms alone (BENCH_ONLY=copy), the quick way
 * to compare formats on a loaded machine. */
static void bulk_inserts(bool copy_only)
{
    bulk_rows = calloc(BULK_ROWS, sizeof *bulk_rows);
    for (int i = 0; i < BULK_ROWS; i++)
        bulk_rows[i] = (bdb_review_create_input){
            .stars = 1 + i % 5, .body = BULK_BODY, .book_id = 1 + i % (AUTHORS * BOOKS_PER_AUTHOR)};
    const bulk_fn fns[] = {hand_copy, gen_create_many, hand_unnest, gen_create_many_skip,
                           gen_create_loop, hand_copy_text};
    static const char *const names[] = {
        "libpq binary COPY (hand-written)", "refract create_many (COPY)",
        "libpq unnest INSERT (hand-written)", "refract create_many skip_duplicates",
        "refract create loop, one transaction", "libpq text COPY (hand-written)"};
    enum { NBULK = sizeof fns / sizeof *fns };
    double m[NBULK], cpu[NBULK] = {0}, server[NBULK] = {0};
    if (copy_only) {
        const bulk_fn copies[] = {hand_copy, gen_create_many, hand_copy_text};
        double cm[3], ccpu[3] = {0}, cserver[3] = {0};
        bulk_times(copies, cm, ccpu, cserver, 3);
        for (int k = 0; k < 3; k++) {
            int f = k == 2 ? 5 : k;
            m[f] = cm[k], cpu[f] = ccpu[k], server[f] = cserver[k];
        }
        m[2] = m[3] = m[4] = 0;
    } else {
        bulk_times(fns, m, cpu, server, NBULK);
    }
    double copy = m[0], many = m[1], unnest = m[2], skip = m[3], text = m[5];
    printf("\nbulk insert of %d rows (median of %d)      rows/s   vs libpq COPY   CPU µs/row: "
           "client, server\n",
           BULK_ROWS, BULK_ROUNDS);
    for (int f = 0; f < NBULK; f++)
        if (m[f] > 0)
            printf("%-40s %10.0f %8.2f %10.3f %8.2f\n", names[f], BULK_ROWS / m[f], copy / m[f],
                   cpu[f] / BULK_ROUNDS / BULK_ROWS * 1e6,
                   server[f] / BULK_ROUNDS / BULK_ROWS * 1e6);
    printf("create_many throughput vs libpq COPY: %.2f\n", copy / many);
    printf("libpq text COPY vs libpq binary COPY: %.2f\n", copy / text);
    if (copy_only) {
        free(bulk_rows);
        return;
    }
    printf("create_many skip_duplicates vs libpq unnest: %.2f\n", unnest / skip);
    free(bulk_rows);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--stream-child"))
        return stream_child(argv[2]);
    const char *url = getenv("DATABASE_URL");
    if (!url)
        die("DATABASE_URL", "unset (run `make bench` at the top level)");
    bool pinned = steady_pin_client();
    if (rf_connect(url, &db) != RF_OK)
        die("rf_connect", rf_last_error(db)->message);
    pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK)
        die("PQconnectdb", PQerrorMessage(pg));
    if (pinned && steady_pin_backend(rf_client_pgconn(db)) && steady_pin_backend(pg))
        printf("client pinned to CPU 0, its server processes to CPU 1\n");
    else
        printf("not pinned to CPUs (%s)\n", pinned ? "cannot move the server processes" : "BENCH_PIN=1 to pin");
    book_buf = malloc(AUTHORS * BOOKS_PER_AUTHOR * sizeof *book_buf);

    /* Data: 1,000 authors with 10 books each, in one transaction. */
    CHECK(db, rf_begin(db, RF_ISOLATION_DEFAULT, false));
    for (int a = 0; a < AUTHORS; a++) {
        char name[32], email[48];
        snprintf(name, sizeof name, "Author %d", a);
        snprintf(email, sizeof email, "author%d@example.com", a);
        bdb_author au;
        CHECK(db, bdb_author_create(db, &(bdb_author_create_input){.name = name, .email = email}, &au, &arena));
        for (int b = 0; b < BOOKS_PER_AUTHOR; b++) {
            char title[48];
            snprintf(title, sizeof title, "Book %d of %d", b, a);
            CHECK(db, bdb_book_create(db, &(bdb_book_create_input){.title = title, .pages = 100 + b, .author_id = au.id},
                                      NULL, NULL));
        }
        rf_arena_reset(&arena);
    }
    CHECK(db, rf_commit(db));
    CHECK(db, rf_exec_sql(db, "VACUUM ANALYZE"));

    prepare("author_by_id", "SELECT id, name, email, \"createdAt\" FROM \"Author\" WHERE id = $1", 1);
    prepare("books_by_author",
            "SELECT id, title, pages, published, \"createdAt\", \"authorId\" FROM \"Book\" WHERE \"authorId\" = $1", 1);
    prepare("all_books", "SELECT id, title, pages, published, \"createdAt\", \"authorId\" FROM \"Book\"", 0);
    prepare("create_review",
            "INSERT INTO \"Review\" (stars, body, \"bookId\") VALUES ($1, $2, $3) "
            "RETURNING id, stars, body, \"createdAt\", \"bookId\"",
            3);

    /* issue 10's data (1,000,000 rows) only when one of its reads runs */
    const char *only = getenv("BENCH_ONLY"); /* a substring of workload names */
    if (!only || strstr("feed 20 books+author+tags+cnt", only) ||
        strstr("groupBy 1,000,000 rows by enum", only) || strstr("some relation filter", only))
        reads_setup(db, pg);
    typed_setup(db, pg);

    const workload workloads[] = {
        {"find_unique by id", gen_find_unique, hand_find_unique, 300, -1},
        {"find_many 10 rows by FK", gen_books_of_author, hand_books_of_author, 200, BOOKS_PER_AUTHOR},
        {"create", gen_create, hand_create, 150, -1},
        {"find_many 10,000 rows", gen_all_books, hand_all_books, 2, AUTHORS * BOOKS_PER_AUTHOR},
        {"find_unique + include to-many", gen_author_with_books, hand_author_with_books, 120, BOOKS_PER_AUTHOR},
        /* issue 10's reads (reads.c) */
        {"feed 20 books+author+tags+cnt", reads_gen_feed, reads_hand_feed, 40, 20 + 20 * 2000},
        {"groupBy 1,000,000 rows by enum", reads_gen_group_by, reads_hand_group_by, 1, 1000000},
        {"some relation filter", reads_gen_some, reads_hand_some, 100, 100},
        /* issue 12's typed SQL (typed.c) */
        {"weekly signups (typed SQL)", typed_gen_weekly, typed_hand_weekly, 100, -1},
    };
    size_t n = sizeof workloads / sizeof *workloads;
    const char *only_feed = getenv("BENCH_ONLY");
    if (!only_feed || strstr("feed 20 books+author+tags+cnt", only_feed))
        printf("feed: %d statements per call from the generated client (target <= 4)\n", reads_feed_statements());
    printf("%-30s %14s %14s   %-14s   %s\n", "workload", "refract ops/s", "libpq ops/s",
           "ratio min/med/max", "client CPU µs/op: refract, libpq");
    double max_ratio = 0;
    for (size_t w = 0; w < n; w++) {
        const workload *wl = &workloads[w];
        if (only && !strstr(wl->name, only))
            continue;
        /* Warm up (statements get prepared, caches fill), then rounds; the
         * ratio is the median of the rounds' ratios. */
        double g = 0, h = 0;
        race(wl, 0, &g, &h);
        double ratios[ROUNDS], total_gen = 0, total_hand = 0;
        cpu_gen = cpu_hand = 0;
        for (int r = 0; r < ROUNDS; r++) {
            g = h = 0;
            race(wl, r, &g, &h);
            ratios[r] = g / h;
            total_gen += g;
            total_hand += h;
        }
        steady_stats ratio = steady_stats_of(ratios, ROUNDS);
        double mean_gen = total_gen / ROUNDS, mean_hand = total_hand / ROUNDS;
        max_ratio = ratio.median > max_ratio ? ratio.median : max_ratio;
        printf("%-30s %14.0f %14.0f   %4.2f %4.2f %4.2f   %.1f, %.1f\n", wl->name, wl->ops / mean_gen,
               wl->ops / mean_hand, ratio.min, ratio.median, ratio.max, cpu_gen / ROUNDS / wl->ops * 1e6,
               cpu_hand / ROUNDS / wl->ops * 1e6);
        fflush(stdout);
    }
    if (max_ratio > 0)
        printf("max ratio vs libpq: %.2f\n", max_ratio);
    fflush(stdout);
    if (!only || strstr("streaming read", only)) {
        stream_fill(db);
        stream_workload();
    }
    if (!only || strstr("batch", only))
        batch_bench(db, PQhost(pg)[0] == '/' ? "Unix socket" : "TCP", getenv("TCP_DATABASE_URL"));
    if (!only || strstr("bulk", only))
        bulk_inserts(false);
    else if (strstr("copy", only))
        bulk_inserts(true);

    free(book_buf);
    rf_arena_free(&arena);
    PQfinish(pg);
    rf_close(db);
    return 0;
}
