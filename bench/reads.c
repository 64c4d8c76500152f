/*
 * reads.c — issue 10's read workloads, generated client against the same
 * SQL written by hand on libpq (prepared, binary results, decoded into the
 * same structs):
 *
 *   feed      20 newest books with their author, tags and review count
 *             (find_many + include + _count);
 *   group_by  1,000,000 Hit rows grouped by an enum, count and sum;
 *   some      authors having a book with more than 108 pages (a `some`
 *             relation filter, an EXISTS subquery).
 *
 * The hand-written SQL is the text the generated client sends (taken from
 * a libpq trace), so that both sides ask the server the same thing and the
 * ratio measures the client alone.
 */
#define _DEFAULT_SOURCE /* open_memstream */
#include "reads.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdb.h"

enum { FEED_POSTS = 20, TAGS = 20, HITS = 1000000 };

static rf_client *db;
static PGconn *pg;
static rf_arena arena = RF_ARENA_INIT;

_Noreturn static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bench reads: %s: %s\n", what, detail);
    exit(1);
}

static void gen_ok(rf_status st, const char *what)
{
    if (st != RF_OK)
        fail(what, rf_last_error(db)->message);
}

/* ---- the generated side ------------------------------------------------------------ */

static const bdb_book_order newest_first[] = {{BDB_BOOK_BY_ID, RF_DESC, 0}};

int64_t reads_gen_feed(int i)
{
    (void)i;
    bdb_book_list l;
    gen_ok(bdb_book_find_many(db,
                              &(bdb_book_query){.order_by = newest_first, .norder = 1, .take = FEED_POSTS,
                                                .include = {.author = true, .tags = true},
                                                .count = {.reviews = {.on = true}}},
                              &l, &arena),
           "feed");
    int64_t check = (int64_t)l.count;
    for (size_t k = 0; k < l.count; k++)
        check += (int64_t)l.items[k].tags.count * 1000 + (l.items[k].author ? 0 : 1000000);
    rf_arena_reset(&arena);
    return check;
}

int64_t reads_gen_group_by(int i)
{
    (void)i;
    static const bdb_hit_field by_kind[] = {BDB_HIT_BY_KIND};
    bdb_hit_group_by_list g;
    gen_ok(bdb_hit_group_by(db, &(bdb_hit_group_by_query){.by = by_kind, .nby = 1, .sum = {.value = true}}, &g,
                            &arena),
           "group_by");
    int64_t check = 0;
    for (size_t k = 0; k < g.count; k++)
        check += g.items[k].aggregate.count_all;
    rf_arena_reset(&arena);
    return check;
}

int64_t reads_gen_some(int i)
{
    static const bdb_book_where long_book = {.pages = RF_GT(108)};
    (void)i;
    bdb_author_list l;
    gen_ok(bdb_author_find_many(db,
                                &(bdb_author_query){.where = &(bdb_author_where){.books = {.some = &long_book}},
                                                    .take = 100},
                                &l, &arena),
           "some");
    int64_t n = (int64_t)l.count;
    rf_arena_reset(&arena);
    return n;
}

/* ---- statements sent, from libpq's trace ------------------------------------------- */

static char *traced(int64_t (*op)(int))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    PQtrace((PGconn *)rf_client_pgconn(db), f);
    op(0);
    PQuntrace((PGconn *)rf_client_pgconn(db));
    fclose(f);
    return buf;
}

int reads_feed_statements(void)
{
    char *t = traced(reads_gen_feed);
    int n = 0;
    for (const char *p = t; (p = strstr(p, "\tExecute\t")) != NULL; p++)
        n++;
    if (getenv("BENCH_TRACE"))
        fputs(t, stderr);
    free(t);
    return n;
}

/* ---- the hand-written side (the same SQL) ---------------------------------------- */

static const char feed_books_sql[] =
    "SELECT t.\"id\", t.\"title\", t.\"pages\", t.\"published\", t.\"createdAt\", t.\"authorId\", "
    "(SELECT COUNT(*) FROM \"Review\" AS t1 WHERE (t1.\"bookId\" = t.\"id\")) FROM \"Book\" AS t WHERE TRUE "
    "ORDER BY t.\"id\" DESC LIMIT $1";
static const char feed_authors_sql[] =
    "SELECT t.\"id\", t.\"id\", t.\"name\", t.\"email\", t.\"createdAt\" FROM \"Author\" AS t WHERE t.\"id\" = ANY($1)";
static const char feed_tags_sql[] =
    "SELECT j.\"A\", t.\"id\", t.\"name\" FROM \"Tag\" AS t JOIN \"_BookToTag\" AS j ON j.\"B\" = t.\"id\" "
    "WHERE j.\"A\" = ANY($1)";
static const char group_by_sql[] =
    "SELECT t.\"kind\", COUNT(*), SUM(t.\"value\")::int8 FROM \"Hit\" AS t WHERE TRUE GROUP BY t.\"kind\" "
    "ORDER BY t.\"kind\"";
static const char some_sql[] =
    "SELECT t.\"id\", t.\"name\", t.\"email\", t.\"createdAt\" FROM \"Author\" AS t WHERE (EXISTS (SELECT 1 FROM "
    "\"Book\" AS t1 WHERE (t1.\"authorId\" = t.\"id\" AND (t1.\"pages\" > $1)))) ORDER BY t.\"id\" ASC LIMIT $2";

static void prepare(const char *name, const char *sql)
{
    PGresult *r = PQprepare(pg, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail(name, PQerrorMessage(pg));
    PQclear(r);
}

static PGresult *run(const char *stmt, int n, const char *const *values, const int *lengths, const int *formats)
{
    PGresult *r = PQexecPrepared(pg, stmt, n, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail(stmt, PQerrorMessage(pg));
    return r;
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
    for (int k = 0; k < 8; k++)
        v = v << 8 | p[k];
    return (int64_t)v;
}

static uint64_t be64(int64_t v)
{
    uint64_t u = (uint64_t)v, out = 0;
    unsigned char *p = (unsigned char *)&out;
    for (int k = 7; k >= 0; k--, u >>= 8)
        p[k] = (unsigned char)u;
    return out;
}

static const int64_t PG_EPOCH_US = INT64_C(946684800000000);

static bdb_book feed[FEED_POSTS];
static bdb_author feed_authors[FEED_POSTS];
static bdb_tag feed_tags[FEED_POSTS * TAGS];

int64_t reads_hand_feed(int i)
{
    (void)i;
    uint64_t limit = be64(FEED_POSTS);
    const char *lv[] = {(const char *)&limit};
    int ll[] = {8}, lf[] = {1};
    PGresult *rb = run("feed_books", 1, lv, ll, lf);
    int nb = PQntuples(rb);
    /* The authors' and books' ids as int4[] literals. */
    char author_ids[FEED_POSTS * 12 + 3], book_ids[FEED_POSTS * 12 + 3];
    char *pa = author_ids, *pb = book_ids;
    *pa++ = *pb++ = '{';
    for (int k = 0; k < nb; k++) {
        bdb_book *b = &feed[k];
        memset(b, 0, sizeof *b);
        b->id = get_i32(rb, k, 0);
        b->title = PQgetvalue(rb, k, 1);
        b->pages = get_i32(rb, k, 2);
        b->published = *PQgetvalue(rb, k, 3) != 0;
        b->created_at = get_i64(rb, k, 4) + PG_EPOCH_US;
        b->author_id = get_i32(rb, k, 5);
        b->_count.reviews = get_i64(rb, k, 6);
        pa += sprintf(pa, "%s%d", k ? "," : "", b->author_id);
        pb += sprintf(pb, "%s%d", k ? "," : "", b->id);
    }
    strcpy(pa, "}");
    strcpy(pb, "}");
    const char *av[] = {author_ids}, *bv[] = {book_ids};
    PGresult *ra = run("feed_authors", 1, av, NULL, NULL);
    int na = PQntuples(ra);
    for (int k = 0; k < na; k++) {
        bdb_author *a = &feed_authors[k];
        memset(a, 0, sizeof *a);
        a->id = get_i32(ra, k, 1);
        a->name = PQgetvalue(ra, k, 2);
        a->email = PQgetvalue(ra, k, 3);
        a->created_at = get_i64(ra, k, 4) + PG_EPOCH_US;
    }
    for (int k = 0; k < nb; k++)
        for (int j = 0; j < na; j++)
            if (feed_authors[j].id == feed[k].author_id)
                feed[k].author = &feed_authors[j];
    PGresult *rt = run("feed_tags", 1, bv, NULL, NULL);
    int nt = PQntuples(rt), used = 0;
    for (int k = 0; k < nb; k++) { /* each book's tags, in one shared array */
        feed[k].tags.items = &feed_tags[used];
        for (int j = 0; j < nt; j++) {
            if (get_i32(rt, j, 0) != feed[k].id)
                continue;
            bdb_tag *t = &feed_tags[used++];
            memset(t, 0, sizeof *t);
            t->id = get_i32(rt, j, 1);
            t->name = PQgetvalue(rt, j, 2);
            feed[k].tags.count++;
        }
    }
    int64_t check = nb;
    for (int k = 0; k < nb; k++)
        check += (int64_t)feed[k].tags.count * 1000 + (feed[k].author ? 0 : 1000000);
    PQclear(rt);
    PQclear(ra);
    PQclear(rb);
    return check;
}

int64_t reads_hand_group_by(int i)
{
    (void)i;
    PGresult *r = run("group_by", 0, NULL, NULL, NULL);
    bdb_hit_group_by_row rows[8];
    int n = PQntuples(r);
    int64_t check = 0;
    for (int k = 0; k < n && k < 8; k++) {
        memset(&rows[k], 0, sizeof rows[k]);
        bdb_kind_from_string(PQgetvalue(r, k, 0), &rows[k].key.kind);
        rows[k].aggregate.count_all = get_i64(r, k, 1);
        rows[k].aggregate.sum.value.has = !PQgetisnull(r, k, 2);
        rows[k].aggregate.sum.value.value = get_i64(r, k, 2);
        check += rows[k].aggregate.count_all;
    }
    PQclear(r);
    return check;
}

static bdb_author some_buf[100];

int64_t reads_hand_some(int i)
{
    (void)i;
    uint32_t pages = htonl(108);
    uint64_t limit = be64(100);
    const char *v[] = {(const char *)&pages, (const char *)&limit};
    int l[] = {4, 8}, f[] = {1, 1};
    PGresult *r = run("some", 2, v, l, f);
    int n = PQntuples(r);
    for (int k = 0; k < n; k++) {
        bdb_author *a = &some_buf[k];
        memset(a, 0, sizeof *a);
        a->id = get_i32(r, k, 0);
        a->name = PQgetvalue(r, k, 1);
        a->email = PQgetvalue(r, k, 2);
        a->created_at = get_i64(r, k, 3) + PG_EPOCH_US;
    }
    PQclear(r);
    return n;
}

/* ---- data -------------------------------------------------------------------------- */

void reads_setup(rf_client *client, PGconn *conn)
{
    db = client;
    pg = conn;
    static const char *const fill[] = {
        "INSERT INTO \"Tag\" (name) SELECT 'tag ' || g FROM generate_series(1, 20) g",
        /* two tags per book */
        "INSERT INTO \"_BookToTag\" (\"A\", \"B\") SELECT id, 1 + id % 20 FROM \"Book\" "
        "UNION ALL SELECT id, 1 + (id + 7) % 20 FROM \"Book\"",
        "INSERT INTO \"Hit\" (kind, value) SELECT (ARRAY['CLICK','VIEW','BUY','SHARE']::\"Kind\"[])[1 + g % 4], "
        "g % 1000 FROM generate_series(1, 1000000) g",
        "VACUUM ANALYZE \"Tag\", \"_BookToTag\", \"Hit\"",
    };
    for (size_t k = 0; k < sizeof fill / sizeof *fill; k++)
        gen_ok(rf_exec_sql(db, fill[k]), fill[k]);
    prepare("feed_books", feed_books_sql);
    prepare("feed_authors", feed_authors_sql);
    prepare("feed_tags", feed_tags_sql);
    prepare("group_by", group_by_sql);
    prepare("some", some_sql);
    if (getenv("BENCH_TRACE")) {
        char *t = traced(reads_gen_group_by);
        fputs(t, stderr);
        free(t);
        t = traced(reads_gen_some);
        fputs(t, stderr);
        free(t);
        reads_feed_statements();
        exit(0);
    }
}
