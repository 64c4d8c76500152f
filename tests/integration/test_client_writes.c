/*
 * test_client_writes.c — the generated client's deeper writes against a
 * real PostgreSQL: writes that return nothing, savepoints, createMany,
 * the AndReturn variants and pipelined batches.
 *
 * Uses the client of tests/integration/client/schema.prisma (committed
 * beside it); each test gets a fresh database holding the tables that
 * `refract migrate diff --from-empty --script` writes.
 */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "pg_harness.h"

#include "client/db.c"

static pgh_cluster pg;
static char *schema_sql;

static char *read_command(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(mem);
    ck_assert_int_eq(pclose(p), 0);
    return out;
}

static void start(void)
{
    ck_assert_int_eq(pgh_start(&pg), 0);
    const char *bin = getenv("REFRACT_BIN"), *root = getenv("REFRACT_ROOT");
    ck_assert_ptr_nonnull(bin);
    ck_assert_ptr_nonnull(root);
    char *cmd = NULL;
    ck_assert_int_ge(asprintf(&cmd,
                              "'%s' migrate diff --from-empty --to-schema "
                              "'%s/tests/integration/client/schema.prisma' --script",
                              bin, root),
                     0);
    schema_sql = read_command(cmd);
    free(cmd);
}

static void stop(void)
{
    pgh_stop(&pg);
    free(schema_sql);
}

/* A client on a fresh database holding the schema's tables. */
static rf_client *fresh(void)
{
    char conninfo[PGH_CONNINFO_MAX];
    ck_assert_int_eq(pgh_create_db(&pg, NULL, conninfo, sizeof conninfo), 0);
    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(conninfo, &c), RF_OK);
    ck_assert_msg(rf_exec_sql(c, schema_sql) == RF_OK, "%s", rf_last_error(c)->message);
    return c;
}

#define OK(call)                                                                                  \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == RF_OK, "%s: %s (%s)", #call, rf_status_name(st_),                    \
                      rf_last_error(c)->message);                                                 \
    } while (0)

static int64_t count_users(rf_client *c)
{
    int64_t n = -1;
    OK(db_user_count(c, NULL, &n));
    return n;
}

/* One number from SQL run on the client's connection. */
static long long scalar(rf_client *c, const char *sql)
{
    PGresult *r = PQexec((PGconn *)rf_client_pgconn(c), sql);
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* ---- what went over the wire: libpq's protocol trace ----------------------- */

static FILE *trace;
static char *trace_buf;
static size_t trace_len;

static void trace_begin(rf_client *c)
{
    trace = open_memstream(&trace_buf, &trace_len);
    PQtrace((PGconn *)rf_client_pgconn(c), trace);
}

/* The trace since trace_begin (the caller frees it). */
static char *trace_end(rf_client *c)
{
    PQuntrace((PGconn *)rf_client_pgconn(c));
    fclose(trace);
    return trace_buf;
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

/* ---- writes without returned rows ------------------------------------------ */

START_TEST(writes_with_no_out_ask_for_no_rows)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    trace_begin(c);
    OK(db_user_create(c, &(db_user_create_input){.email = "a@x.io", .age = RF_SOME(rf_opt_i32, 1)},
                      NULL, NULL));
    OK(db_user_update_by_email(c, "a@x.io", &(db_user_update_input){.age = RF_INCREMENT(2)},
                               NULL, NULL));
    OK(db_user_upsert_by_email(c, &(db_user_create_input){.email = "a@x.io"},
                               &(db_user_update_input){.age = RF_INCREMENT(4)}, NULL, NULL));
    OK(db_user_create_select(c, &(db_user_create_input){.email = "b@x.io"},
                             &(db_user_select){.id = true}, NULL, NULL));
    OK(db_user_delete_by_email(c, "b@x.io", NULL, NULL));
    char *wire = trace_end(c);
    ck_assert_int_eq(occurrences(wire, "RETURNING"), 0);
    free(wire);

    db_user u;
    OK(db_user_find_unique_by_email(c, "a@x.io", NULL, &u, &a));
    ck_assert_int_eq(u.age.value, 7);
    ck_assert_int_eq(count_users(c), 1);
    /* A key that is not there is still RF_NOT_FOUND, Prisma's P2025. */
    ck_assert_int_eq(db_user_update_by_email(c, "nobody@x.io", NULL, NULL, NULL), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->message, "No User found");
    ck_assert_int_eq(db_user_delete_by_email(c, "nobody@x.io", NULL, NULL), RF_NOT_FOUND);
    /* Errors are the same statuses as with RETURNING. */
    ck_assert_int_eq(db_user_create(c, &(db_user_create_input){.email = "a@x.io"}, NULL, NULL),
                     RF_UNIQUE_VIOLATION);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- savepoints ---------------------------------------------------------- */

typedef struct signup {
    const char *email;
    int attempts;      /* how often fn ran */
    int fail_first;    /* fail with a serialization failure on the first n runs */
    struct signup *inner; /* run nested, as a savepoint */
    bool inner_must_fail; /* the outer goes on when the inner fails */
} signup;

static rf_status sign_up(rf_client *c, void *ctx_)
{
    signup *s = ctx_;
    s->attempts++;
    rf_status st = db_user_create(c, &(db_user_create_input){.email = s->email}, NULL, NULL);
    if (st != RF_OK)
        return st;
    if (s->attempts <= s->fail_first)
        return rf_exec_sql(c, "DO $$ BEGIN RAISE EXCEPTION 'conflict' "
                              "USING ERRCODE = 'serialization_failure'; END $$");
    if (s->inner) {
        st = rf_transaction(c, RF_ISOLATION_DEFAULT, false, sign_up, s->inner, 3);
        if (s->inner_must_fail && st != RF_OK)
            return RF_OK; /* the inner scope's work is undone; ours stays */
        return st;
    }
    return RF_OK;
}

static bool user_exists(rf_client *c, const char *email)
{
    int64_t n = -1;
    OK(db_user_count(c, &(db_user_where){.email = RF_EQ(email)}, &n));
    return n == 1;
}

START_TEST(nested_transactions_are_savepoints)
{
    rf_client *c = fresh();
    OK(db_user_create(c, &(db_user_create_input){.email = "taken@x.io"}, NULL, NULL));

    /* The inner scope fails (a duplicate): only its work is undone. */
    signup inner = {.email = "taken@x.io"};
    signup outer = {.email = "outer@x.io", .inner = &inner, .inner_must_fail = true};
    OK(rf_transaction(c, RF_ISOLATION_DEFAULT, false, sign_up, &outer, 0));
    ck_assert(!rf_in_transaction(c));
    ck_assert(user_exists(c, "outer@x.io"));
    ck_assert_int_eq(count_users(c), 2);

    /* Three deep, all succeed: everything is committed. */
    signup third = {.email = "third@x.io"};
    signup second = {.email = "second@x.io", .inner = &third};
    signup first = {.email = "first@x.io", .inner = &second};
    OK(rf_transaction(c, RF_SERIALIZABLE, false, sign_up, &first, 0));
    ck_assert(user_exists(c, "first@x.io") && user_exists(c, "second@x.io") &&
              user_exists(c, "third@x.io"));

    /* The innermost fails and the failure propagates: nothing is kept, and
     * the error is the inner one, with its details. */
    signup dup = {.email = "taken@x.io"};
    signup mid = {.email = "mid@x.io", .inner = &dup};
    signup top = {.email = "top@x.io", .inner = &mid};
    ck_assert_int_eq(rf_transaction(c, RF_ISOLATION_DEFAULT, false, sign_up, &top, 0),
                     RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2002");
    ck_assert(!rf_in_transaction(c));
    ck_assert(!user_exists(c, "top@x.io") && !user_exists(c, "mid@x.io"));

    /* A serialization failure inside a savepoint is not retried there: the
     * outermost transaction runs everything again. */
    signup flaky = {.email = "flaky@x.io", .fail_first = 1};
    signup host = {.email = "host@x.io", .inner = &flaky};
    OK(rf_transaction(c, RF_ISOLATION_DEFAULT, false, sign_up, &host, 2));
    ck_assert_int_eq(host.attempts, 2);
    ck_assert_int_eq(flaky.attempts, 2);
    ck_assert(user_exists(c, "host@x.io") && user_exists(c, "flaky@x.io"));

    /* After rf_begin, too; the caller's ROLLBACK still undoes it all. */
    OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
    signup after_begin = {.email = "begun@x.io"};
    OK(rf_transaction(c, RF_ISOLATION_DEFAULT, false, sign_up, &after_begin, 0));
    ck_assert(rf_in_transaction(c));
    ck_assert(user_exists(c, "begun@x.io"));
    OK(rf_rollback(c));
    ck_assert(!user_exists(c, "begun@x.io"));
    rf_close(c);
}
END_TEST

/* ---- createMany ------------------------------------------------------------ */

static char *email_of(rf_arena *a, const char *tag, size_t i)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s%zu@x.io", tag, i);
    return rf_arena_strdup(a, buf);
}

START_TEST(create_many_streams_every_type_through_copy)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    enum { N = 2500 };
    db_user_create_input *rows = calloc(N, sizeof *rows);
    db_role roles[] = {DB_ROLE_ADMIN, DB_ROLE_GUEST};
    const char *tags[] = {"a\tb", "c\\d", "\"q\"", "NULL", "line\nend"};
    int32_t lucky[] = {7, -3};
    static const unsigned char blob[] = {0, '\t', '\\', 255, '\n'};
    rf_timestamp when = rf_timestamp_from_civil(1999, 12, 31, 23, 59, 58, 123456);
    for (size_t i = 0; i < N; i++)
        rows[i] = (db_user_create_input){
            .email = email_of(&a, "u", i),
            .name = i % 2 ? "tab\there \\ and\r\nnewline" : NULL,
            .age = i % 3 ? RF_SOME(rf_opt_i32, (int32_t)i) : RF_NONE(rf_opt_i32),
            .role = DB_ROLE_ADMIN,
            .roles = {roles, 2},
            .birthday = RF_SOME(rf_opt_timestamp, when),
            .seen_at = RF_SOME(rf_opt_timestamp, when),
            .wake_at = RF_SOME(rf_opt_timestamp, when),
            .balance = "-12.3400",
            .price = "99.95",
            .meta = "{\"k\": [1, \"\\t\"]}",
            .avatar = {blob, sizeof blob},
            .big = RF_SOME(rf_opt_i64, INT64_MIN + 1),
            .small = RF_SOME(rf_opt_i32, -32768),
            .score = RF_SOME(rf_opt_f64, 0.1),
            .ratio = RF_SOME(rf_opt_f64, 1.5),
            .active = RF_SOME(rf_opt_bool, i % 2 == 0),
            .ext_id = i == 7 ? "6f1a6bd4-2f6b-4b55-9a39-6e0d4f0f2f3a" : NULL,
            .tags = {tags, 5},
            .lucky = {lucky, 2},
        };
    trace_begin(c);
    int64_t n = 0;
    OK(db_user_create_many(c, rows, N, false, &n));
    char *wire = trace_end(c);
    ck_assert_int_ge(occurrences(wire, "COPY "), 1); /* a COPY, no statement per row */
    /* one statement: the column types, which send User to text COPY
     * (numeric, smallint, real, uuid and arrays have binary forms of their own) */
    ck_assert_int_eq(occurrences(wire, "\tExecute\t"), 1);
    ck_assert_int_eq(occurrences(wire, "FORMAT binary"), 0);
    free(wire);
    ck_assert_int_eq(n, N);
    ck_assert_int_eq(count_users(c), N);

    for (size_t i = 0; i < N; i += 7) {
        db_user u;
        OK(db_user_find_unique_by_email(c, rows[i].email, NULL, &u, &a));
        if (i % 2)
            ck_assert_str_eq(u.name, "tab\there \\ and\r\nnewline");
        else
            ck_assert_ptr_null(u.name);
        ck_assert_int_eq(u.age.has, i % 3 != 0);
        if (u.age.has)
            ck_assert_int_eq(u.age.value, (int32_t)i);
        ck_assert_int_eq(u.role, DB_ROLE_ADMIN);
        ck_assert_uint_eq(u.roles.count, 2);
        ck_assert_int_eq(u.roles.items[1], DB_ROLE_GUEST);
        ck_assert(u.birthday.value == rf_timestamp_from_civil(1999, 12, 31, 0, 0, 0, 0));
        ck_assert(u.seen_at.value == when);
        ck_assert(u.wake_at.value == rf_timestamp_from_civil(1970, 1, 1, 23, 59, 58, 123456));
        ck_assert_str_eq(u.balance, "-12.34");
        ck_assert_str_eq(u.price, "99.95");
        ck_assert_ptr_nonnull(strstr(u.meta, "\"\\t\""));
        ck_assert_uint_eq(u.avatar.len, sizeof blob);
        ck_assert_mem_eq(u.avatar.data, blob, sizeof blob);
        ck_assert(u.big == INT64_MIN + 1);
        ck_assert_int_eq(u.small.value, -32768);
        ck_assert(u.score.value == 0.1);
        ck_assert(u.ratio.value == 1.5);
        ck_assert_int_eq(u.active, i % 2 == 0);
        ck_assert_uint_eq(u.tags.count, 5);
        for (size_t k = 0; k < 5; k++)
            ck_assert_str_eq(u.tags.items[k], tags[k]);
        ck_assert_int_eq(u.lucky.items[1], -3);
        ck_assert(u.updated_at > 0); /* @updatedAt made per row */
    }
    db_user u7;
    OK(db_user_find_unique_by_email(c, rows[7].email, NULL, &u7, &a));
    ck_assert_str_eq(u7.ext_id, "6f1a6bd4-2f6b-4b55-9a39-6e0d4f0f2f3a");

    /* Client-side ids and defaults, made per row. */
    db_post_create_input posts[300];
    for (size_t i = 0; i < 300; i++)
        posts[i] = (db_post_create_input){.title = email_of(&a, "t", i)};
    OK(db_post_create_many(c, posts, 300, false, &n));
    ck_assert_int_eq(n, 300);
    ck_assert_int_eq(scalar(c, "SELECT count(DISTINCT id) + count(DISTINCT slug) FROM \"Post\" "
                               "WHERE length(slug) = 10 AND length(id) >= 20"),
                     600);

    /* Nothing to insert is no statement. */
    OK(db_user_create_many(c, NULL, 0, false, &n));
    ck_assert_int_eq(n, 0);
    free(rows);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* Binary COPY when every column takes the bound values as they are: the
 * same values come back; the server still checks each (varchar's length). */
START_TEST(create_many_goes_binary_when_every_column_takes_it)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    enum { N = 1500 };
    db_reading_create_input *rows = calloc(N, sizeof *rows);
    static const unsigned char blob[] = {0, '\t', '\\', 255, '\n'};
    rf_timestamp when = rf_timestamp_from_civil(1999, 12, 31, 23, 59, 58, 123456);
    for (size_t i = 0; i < N; i++)
        rows[i] = (db_reading_create_input){
            .at = when + (rf_timestamp)i * 1000, /* timestamp(3): whole ms */
            .day = i % 2 ? RF_SOME(rf_opt_timestamp, when) : RF_NONE(rf_opt_timestamp),
            .seen_at = RF_SOME(rf_opt_timestamp, when),
            .wake_at = RF_SOME(rf_opt_timestamp, when),
            .ok = i % 2 == 0,
            .raw = i % 3 ? (rf_bytes){blob, sizeof blob} : (rf_bytes){NULL, 0},
            .big = i % 3 ? RF_SOME(rf_opt_i64, INT64_MIN + 1) : RF_NONE(rf_opt_i64),
            .value = 0.1 * (double)i,
            .meta = "{\"k\": [1, \"\\t\"]}",
            .doc = "{\"b\": 1,  \"a\": 2}",
            .role = DB_ROLE_ADMIN,
            .label = "a\tb\\c\r\nd",
            .code = "ab",
            .note = i % 5 ? "\\N" : NULL,
        };
    trace_begin(c);
    int64_t n = 0;
    OK(db_reading_create_many(c, rows, N, false, &n));
    char *wire = trace_end(c);
    ck_assert_int_eq(occurrences(wire, "FORMAT binary"), 1);
    free(wire);
    ck_assert_int_eq(n, N);
    db_reading_list got;
    OK(db_reading_find_many(c, &(db_reading_query){.order_by = &(db_reading_order){DB_READING_BY_ID, RF_ASC, 0}, .norder = 1},
                            &got, &a));
    ck_assert_uint_eq(got.count, N);
    for (size_t i = 0; i < N; i++) {
        const db_reading *r = &got.items[i];
        ck_assert(r->at == when + (rf_timestamp)i * 1000 - 456 /* rounded to ms, as text */);
        ck_assert_int_eq(r->day.has, i % 2 != 0);
        if (r->day.has)
            ck_assert(r->day.value == rf_timestamp_from_civil(1999, 12, 31, 0, 0, 0, 0));
        ck_assert(r->seen_at.value == when);
        ck_assert(r->wake_at.value == rf_timestamp_from_civil(1970, 1, 1, 23, 59, 58, 123456));
        ck_assert_int_eq(r->ok, i % 2 == 0);
        ck_assert_int_eq(r->raw.data != NULL, i % 3 != 0);
        if (r->raw.data)
            ck_assert_mem_eq(r->raw.data, blob, sizeof blob);
        ck_assert_int_eq(r->big.has, i % 3 != 0);
        if (r->big.has)
            ck_assert(r->big.value == INT64_MIN + 1);
        ck_assert(r->value == 0.1 * (double)i);
        ck_assert_str_eq(r->meta, "{\"k\": [1, \"\\t\"]}"); /* jsonb's own spacing */
        ck_assert_str_eq(r->doc, "{\"b\": 1,  \"a\": 2}");  /* json: the text as given */
        ck_assert_int_eq(r->role, DB_ROLE_ADMIN);
        ck_assert_str_eq(r->label, "a\tb\\c\r\nd");
        ck_assert_str_eq(r->code, "ab "); /* char(3) pads */
        if (i % 5)
            ck_assert_str_eq(r->note, "\\N");
        else
            ck_assert_ptr_null(r->note);
    }

    /* The server still checks each value: one too long, nothing written. */
    OK(db_reading_delete_many(c, NULL, NULL));
    rows[N - 1].label = "twenty-one characters";
    ck_assert_int_ne(db_reading_create_many(c, rows, N, false, &n), RF_OK);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Reading\""), 0);
    /* A duplicate key: Prisma's P2002, nothing written. */
    rows[N - 1].label = "fine";
    for (size_t i = 0; i < N; i++)
        rows[i].id = RF_SOME(rf_opt_i32, (int32_t)(i == N - 1 ? 1 : i + 1));
    ck_assert_int_eq(db_reading_create_many(c, rows, N, false, &n), RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2002");
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Reading\""), 0);
    free(rows);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

typedef struct many_ctx {
    const db_user_create_input *rows;
    size_t n;
} many_ctx;

static rf_status create_users(rf_client *c, void *ctx)
{
    many_ctx *mc = ctx;
    return db_user_create_many(c, mc->rows, mc->n, false, NULL);
}

START_TEST(create_many_duplicates_with_and_without_skip)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    OK(db_user_create(c, &(db_user_create_input){.email = "u3@x.io"}, NULL, NULL));
    enum { N = 2200 }; /* beyond one INSERT of 1,000 rows */
    db_user_create_input *rows = calloc(N, sizeof *rows);
    for (size_t i = 0; i < N; i++)
        rows[i] = (db_user_create_input){.email = email_of(&a, "u", i)};

    /* COPY: one duplicate, nothing written, Prisma's P2002. */
    ck_assert_int_eq(db_user_create_many(c, rows, N, false, NULL), RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2002");
    ck_assert_int_eq(count_users(c), 1);
    /* Rows that give different fields (INSERTs with DEFAULT), the duplicate
     * in the third statement: nothing written either. */
    rows[0].age = RF_SOME(rf_opt_i32, 5);
    rows[0].role = DB_ROLE_ADMIN; /* the others: the column's default */
    memmove(&rows[2100], &rows[3], sizeof *rows);
    rows[3].email = "fresh@x.io";
    ck_assert_int_eq(db_user_create_many(c, rows, N, false, NULL), RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(count_users(c), 1);
    ck_assert(!rf_in_transaction(c));

    /* skip_duplicates: the others are inserted, the count says how many. */
    int64_t n = 0;
    OK(db_user_create_many(c, rows, N, true, &n));
    ck_assert_int_eq(n, N - 1);
    ck_assert_int_eq(count_users(c), N);
    db_user u;
    OK(db_user_find_unique_by_email(c, "u0@x.io", NULL, &u, &a));
    ck_assert_int_eq(u.age.value, 5);
    ck_assert_int_eq(u.role, DB_ROLE_ADMIN);
    OK(db_user_find_unique_by_email(c, "u1@x.io", NULL, &u, &a));
    ck_assert_int_eq(u.role, DB_ROLE_USER); /* DEFAULT where a row gave nothing */
    ck_assert(!u.age.has);
    OK(db_user_create_many(c, rows, N, true, &n));
    ck_assert_int_eq(n, 0);

    /* Inside a transaction, a failed createMany fails the transaction, as
     * any failed statement does... */
    OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
    OK(db_user_create(c, &(db_user_create_input){.email = "in-tx@x.io"}, NULL, NULL));
    ck_assert_int_eq(db_user_create_many(c, rows, N, false, NULL), RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(rf_commit(c), RF_ERROR);
    ck_assert_int_eq(count_users(c), N);
    /* ...unless run in a nested rf_transaction (a savepoint). */
    OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
    OK(db_user_create(c, &(db_user_create_input){.email = "in-tx@x.io"}, NULL, NULL));
    many_ctx mc = {rows, N};
    ck_assert_int_eq(rf_transaction(c, RF_ISOLATION_DEFAULT, false, create_users, &mc, 0),
                     RF_UNIQUE_VIOLATION);
    OK(rf_commit(c));
    ck_assert_int_eq(count_users(c), N + 1);
    free(rows);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(and_return_variants_return_the_rows)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_post_create_input posts[] = {{.title = "one"}, {.title = "two", .views = RF_SOME(rf_opt_i32, 5)},
                                    {.title = "three", .id = "fixed-id"}};
    db_post_list out;
    OK(db_post_create_many_and_return(c, posts, 3, false, NULL, &out, &a));
    ck_assert_uint_eq(out.count, 3);
    ck_assert_str_eq(out.items[0].title, "one");
    ck_assert_int_eq(out.items[0].views, 0);
    ck_assert_int_ge(strlen(out.items[0].id), 20);
    ck_assert_int_eq(strlen(out.items[1].slug), 10);
    ck_assert_int_eq(out.items[1].views, 5);
    ck_assert_str_eq(out.items[2].id, "fixed-id");

    /* skip_duplicates returns only the rows inserted; select picks columns. */
    db_post_create_input again[] = {{.title = "four"}, {.title = "dup", .id = "fixed-id"}};
    OK(db_post_create_many_and_return(c, again, 2, true, &(db_post_select){.title = true}, &out, &a));
    ck_assert_uint_eq(out.count, 1);
    ck_assert_str_eq(out.items[0].title, "four");
    ck_assert_ptr_null(out.items[0].id);

    /* Many rows, over several statements. */
    enum { N = 2345 };
    db_tag_create_input *tags = calloc(N, sizeof *tags);
    for (size_t i = 0; i < N; i++)
        tags[i] = (db_tag_create_input){.group = "g", .name = email_of(&a, "n", i)};
    db_tag_list tl;
    OK(db_tag_create_many_and_return(c, tags, N, false, NULL, &tl, &a));
    ck_assert_uint_eq(tl.count, N);
    ck_assert_str_eq(tl.items[N - 1].name, tags[N - 1].name);
    free(tags);

    db_post_list upd;
    OK(db_post_update_many_and_return(c, &(db_post_where){.views = RF_LT(5)},
                                      &(db_post_update_input){.views = RF_INCREMENT(10)}, NULL,
                                      &upd, &a));
    ck_assert_uint_eq(upd.count, 3);
    for (size_t i = 0; i < upd.count; i++)
        ck_assert_int_eq(upd.items[i].views, 10);
    OK(db_post_update_many_and_return(c, &(db_post_where){.title = RF_EQ("nothing")}, NULL, NULL,
                                      &upd, &a));
    ck_assert_uint_eq(upd.count, 0);
    ck_assert_int_eq(db_post_update_many_and_return(c, NULL, NULL, NULL, NULL, &a),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* ---- batches ----------------------------------------------------------------- */

/* Whether every message the client sent came before the first the server
 * sent back: one round trip. */
static bool one_round_trip(const char *wire)
{
    const char *last_f = NULL, *first_b = strstr(wire, "\tB\t");
    for (const char *p = wire; (p = strstr(p, "\tF\t")) != NULL; p++)
        last_f = p;
    return last_f && first_b && last_f < first_b;
}

START_TEST(batches_send_everything_in_one_round_trip)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    enum { N = 100 };
    db_user_create_input rows[N];
    for (size_t i = 0; i < N; i++)
        rows[i] = (db_user_create_input){.email = email_of(&a, "u", i), .age = RF_SOME(rf_opt_i32, (int32_t)i)};
    OK(db_user_create_many(c, rows, N, false, NULL));
    db_user_list all;
    OK(db_user_find_many(c, &(db_user_query){.order_by = &(db_user_order){DB_USER_BY_ID, RF_ASC, 0}, .norder = 1},
                         &all, &a));

    /* 100 lookups, one round trip. */
    rf_batch *b = rf_batch_new(&a);
    ck_assert_ptr_nonnull(b);
    db_user found[N];
    for (size_t i = 0; i < N; i++)
        OK(db_user_batch_find_unique_by_id(b, all.items[i].id, &found[i]));
    ck_assert_uint_eq(rf_batch_size(b), N);
    /* Statements are prepared once per connection, before a pipeline: a
     * direct call has prepared this one already. */
    OK(db_user_find_unique_by_id(c, all.items[0].id, NULL, &found[0], &a));
    trace_begin(c);
    OK(rf_batch_run(c, b, false));
    char *wire = trace_end(c);
    ck_assert(one_round_trip(wire));
    free(wire);
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(rf_batch_status(b, i), RF_OK);
        ck_assert_str_eq(found[i].email, rows[i].email);
        ck_assert_int_eq(found[i].age.value, (int32_t)i);
    }
    /* A batch runs once. */
    ck_assert_int_eq(rf_batch_run(c, b, false), RF_INVALID_ARGUMENT);
    rf_batch_free(b);

    /* Independent operations: each has its own status, a failure stops
     * nothing; the first failure is the batch's. */
    b = rf_batch_new(&a);
    db_user u0, missing, made, bumped;
    int64_t adults = -1;
    OK(db_user_batch_find_unique_by_email(b, "u0@x.io", &u0));
    OK(db_user_batch_find_unique_by_email(b, "nobody@x.io", &missing));
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "u1@x.io"}, NULL)); /* duplicate */
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "new@x.io", .name = "New"}, &made));
    OK(db_user_batch_update_by_email(b, "u2@x.io", &(db_user_update_input){.age = RF_INCREMENT(40)}, &bumped));
    OK(db_user_batch_update_by_email(b, "nobody@x.io", NULL, NULL));
    OK(db_user_batch_delete_by_email(b, "u3@x.io", NULL));
    OK(db_user_batch_count(b, &(db_user_where){.age = RF_GTE(18)}, &adults));
    ck_assert_int_eq(rf_batch_run(c, b, false), RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->message, "No User found");
    rf_status want[] = {RF_OK, RF_NOT_FOUND, RF_UNIQUE_VIOLATION, RF_OK, RF_OK, RF_NOT_FOUND, RF_OK, RF_OK};
    for (size_t i = 0; i < 8; i++)
        ck_assert_msg(rf_batch_status(b, i) == want[i], "operation %zu: %s", i,
                      rf_status_name(rf_batch_status(b, i)));
    ck_assert_int_eq(rf_batch_status(b, 8), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(u0.email, "u0@x.io");
    ck_assert_str_eq(made.name, "New");
    ck_assert_int_eq(bumped.age.value, 42);
    ck_assert_int_eq(adults, N - 18 + 1); /* 18..99, and u2, now 42 */
    ck_assert(user_exists(c, "new@x.io") && !user_exists(c, "u3@x.io"));
    rf_batch_free(b);

    /* In one transaction: a failure undoes everything. */
    b = rf_batch_new(&a);
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "t1@x.io"}, NULL));
    OK(db_user_batch_update_by_email(b, "u5@x.io", &(db_user_update_input){.name = RF_SET("x")}, NULL));
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "u6@x.io"}, NULL)); /* duplicate */
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "t2@x.io"}, NULL));
    ck_assert_int_eq(rf_batch_run(c, b, true), RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2002");
    ck_assert_int_eq(rf_batch_status(b, 0), RF_ERROR);
    ck_assert_int_eq(rf_batch_status(b, 2), RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(rf_batch_status(b, 3), RF_ERROR);
    ck_assert(!user_exists(c, "t1@x.io") && !user_exists(c, "t2@x.io"));
    db_user u5;
    OK(db_user_find_unique_by_email(c, "u5@x.io", NULL, &u5, &a));
    ck_assert_ptr_null(u5.name);
    rf_batch_free(b);

    /* ... and all of it when nothing fails; the client works on after. */
    b = rf_batch_new(&a);
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "t1@x.io"}, NULL));
    OK(db_user_batch_create(b, &(db_user_create_input){.email = "t2@x.io"}, NULL));
    OK(rf_batch_run(c, b, true));
    rf_batch_free(b);
    ck_assert(user_exists(c, "t1@x.io") && user_exists(c, "t2@x.io"));
    ck_assert(!rf_in_transaction(c));

    /* Misuse: statuses, not crashes. */
    ck_assert_ptr_null(rf_batch_new(NULL));
    ck_assert_int_eq(db_user_batch_find_unique_by_id(NULL, 1, &u0), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_batch_run(c, NULL, false), RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

/* find_many, find_first, aggregate, upsert, update_many, delete_many and
 * create_many batched with the rest: each result where its out points,
 * each status its own; a failure stops nothing without `transaction`,
 * undoes everything with it. */
START_TEST(batches_of_every_operation)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    enum { N = 10 };
    db_user_create_input rows[N];
    for (size_t i = 0; i < N; i++)
        rows[i] = (db_user_create_input){.email = email_of(&a, "u", i), .age = RF_SOME(rf_opt_i32, (int32_t)i)};
    OK(db_user_create_many(c, rows, N, false, NULL));
    db_user u9;
    OK(db_user_find_unique_by_email(c, "u9@x.io", NULL, &u9, &a));
    OK(db_post_create(c, &(db_post_create_input){.title = "p1", .author_id = RF_SOME(rf_opt_i32, u9.id)}, NULL, NULL));
    OK(db_post_create(c, &(db_post_create_input){.title = "p2", .author_id = RF_SOME(rf_opt_i32, u9.id)}, NULL, NULL));

    rf_batch *b = rf_batch_new(&a);
    db_user_list oldest, none_listed;
    db_user youngest, nobody, upserted, last_young;
    int64_t young = -1, gone = -1, skipped_in = -1, dup_in = -1, nothing = -1, named = -1;
    db_user_aggregate_result agg;
    db_user_create_input skip_rows[] = {{.email = "u0@x.io"}, {.email = "x1@x.io"}, {.email = "x2@x.io"}};
    db_user_create_input dup_rows[] = {{.email = "y1@x.io"}, {.email = "u3@x.io"}};
    const db_user_order by_age = {DB_USER_BY_AGE, RF_ASC, 0}, by_age_desc = {DB_USER_BY_AGE, RF_DESC, 0};
    /* 0: the three oldest, with their post counts */
    OK(db_user_batch_find_many(b, &(db_user_query){.where = &(db_user_where){.age = RF_GTE(5)}, .order_by = &by_age_desc,
                                                   .norder = 1, .take = 3, .count = {.posts = {.on = true}}},
                               &oldest));
    /* 1, 2: the first under 3; the last under 3 (take -1) */
    OK(db_user_batch_find_first(b, &(db_user_query){.where = &(db_user_where){.age = RF_LT(3)}, .order_by = &by_age, .norder = 1},
                                &youngest));
    OK(db_user_batch_find_first(b, &(db_user_query){.where = &(db_user_where){.age = RF_LT(3)}, .order_by = &by_age, .norder = 1,
                                                    .take = -1},
                                &last_young));
    /* 3: no such row */
    OK(db_user_batch_find_first(b, &(db_user_query){.where = &(db_user_where){.email = RF_EQ("nobody@x.io")}}, &nobody));
    /* 4, 5: an upsert that updates (u1 is now 100), one that creates */
    OK(db_user_batch_upsert_by_email(b, &(db_user_create_input){.email = "u1@x.io"},
                                     &(db_user_update_input){.age = RF_SET(100)}, &upserted));
    OK(db_user_batch_upsert_by_email(b, &(db_user_create_input){.email = "new@x.io", .age = RF_SOME(rf_opt_i32, 50)}, NULL,
                                     NULL));
    /* 6: u0 and u2 (u1 is 100 by now: operations run in order) */
    OK(db_user_batch_update_many(b, &(db_user_where){.age = RF_LT(3)}, &(db_user_update_input){.name = RF_SET("young")},
                                 &young));
    /* 7: u8, u9, and u1 and new (100 and 50 by now) */
    OK(db_user_batch_delete_many(b, &(db_user_where){.age = RF_GTE(8)}, &gone));
    /* 8: u0 is there: skipped; 9: u3 is there: fails, y1 not written */
    OK(db_user_batch_create_many(b, skip_rows, 3, true, &skipped_in));
    OK(db_user_batch_create_many(b, dup_rows, 2, false, &dup_in));
    /* 10: nothing to send */
    OK(db_user_batch_create_many(b, NULL, 0, false, &nothing));
    /* 11, 12, 13 */
    OK(db_user_batch_aggregate(b, &(db_user_aggregate_query){.sum = {.age = true}, .max = {.email = true}}, &agg));
    OK(db_user_batch_count(b, &(db_user_where){.name = RF_EQ("young")}, &named));
    OK(db_user_batch_find_many(b, &(db_user_query){.where = &(db_user_where){.email = RF_EQ("nobody@x.io")}}, &none_listed));
    ck_assert_uint_eq(rf_batch_size(b), 14);

    ck_assert_int_eq(rf_batch_run(c, b, false), RF_NOT_FOUND);
    rf_status want[] = {RF_OK, RF_OK, RF_OK, RF_NOT_FOUND, RF_OK, RF_OK, RF_OK,
                        RF_OK, RF_OK, RF_UNIQUE_VIOLATION, RF_OK, RF_OK, RF_OK, RF_OK};
    for (size_t i = 0; i < 14; i++)
        ck_assert_msg(rf_batch_status(b, i) == want[i], "operation %zu: %s", i,
                      rf_status_name(rf_batch_status(b, i)));
    ck_assert_uint_eq(oldest.count, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(oldest.items[i].age.value, 9 - (int)i);
    ck_assert_int_eq(oldest.items[0]._count.posts, 2);
    ck_assert_int_eq(oldest.items[1]._count.posts, 0);
    ck_assert_str_eq(youngest.email, "u0@x.io");
    ck_assert_str_eq(last_young.email, "u2@x.io");
    ck_assert_str_eq(upserted.email, "u1@x.io");
    ck_assert_int_eq(upserted.age.value, 100);
    ck_assert_int_eq(young, 2);
    ck_assert_int_eq(gone, 4);
    ck_assert_int_eq(skipped_in, 2);
    ck_assert_int_eq(nothing, 0);
    /* u0, u2 ... u7 */
    ck_assert(agg.sum.age.has);
    ck_assert_int_eq(agg.sum.age.value, 0 + 2 + 3 + 4 + 5 + 6 + 7);
    ck_assert_int_eq(agg.count_all, N + 1 - 4 + 2);
    ck_assert_str_eq(agg.max.email, "x2@x.io");
    ck_assert_int_eq(named, 2);
    ck_assert_uint_eq(none_listed.count, 0);
    ck_assert(user_exists(c, "x1@x.io") && !user_exists(c, "y1@x.io"));
    ck_assert(!user_exists(c, "u9@x.io") && !user_exists(c, "new@x.io"));
    rf_batch_free(b);

    /* In one transaction: the reads see the batch's writes; the failure at
     * the end undoes every one of them. */
    b = rf_batch_new(&a);
    db_user_list renamed;
    db_user_create_input z_rows[] = {{.email = "z1@x.io"}};
    OK(db_user_batch_update_many(b, NULL, &(db_user_update_input){.name = RF_SET("tx")}, NULL));
    OK(db_user_batch_create_many(b, z_rows, 1, false, NULL));
    OK(db_user_batch_delete_many(b, &(db_user_where){.email = RF_EQ("x1@x.io")}, &gone));
    OK(db_user_batch_find_many(b, &(db_user_query){.where = &(db_user_where){.name = RF_EQ("tx")}}, &renamed));
    OK(db_user_batch_create_many(b, dup_rows, 2, false, NULL)); /* u3: duplicate */
    ck_assert_int_eq(rf_batch_run(c, b, true), RF_UNIQUE_VIOLATION);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2002");
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(rf_batch_status(b, i), RF_ERROR);
    ck_assert_int_eq(rf_batch_status(b, 4), RF_UNIQUE_VIOLATION);
    ck_assert_int_eq(renamed.count, N + 1 - 4 + 2 - 1); /* it ran (z1 has no name), then was undone */
    int64_t n = -1;
    OK(db_user_count(c, &(db_user_where){.name = RF_EQ("tx")}, &n));
    ck_assert_int_eq(n, 0);
    ck_assert(!user_exists(c, "z1@x.io") && user_exists(c, "x1@x.io") && !user_exists(c, "y1@x.io"));
    rf_batch_free(b);

    /* ... and all of it when nothing fails. */
    b = rf_batch_new(&a);
    db_user first_tx;
    OK(db_user_batch_update_many(b, NULL, &(db_user_update_input){.name = RF_SET("tx")}, &n));
    OK(db_user_batch_create_many(b, z_rows, 1, true, NULL));
    OK(db_user_batch_upsert_by_email(b, &(db_user_create_input){.email = "z2@x.io", .name = "tx"}, NULL, NULL));
    OK(db_user_batch_find_first(b, &(db_user_query){.where = &(db_user_where){.email = RF_EQ("z2@x.io")}}, &first_tx));
    OK(rf_batch_run(c, b, true));
    ck_assert_int_eq(n, N + 1 - 4 + 2);
    ck_assert_str_eq(first_tx.name, "tx");
    ck_assert(user_exists(c, "z1@x.io") && user_exists(c, "z2@x.io"));
    ck_assert(!rf_in_transaction(c));
    rf_batch_free(b);

    /* Refused when queued, said when run, the rest run: include (a round
     * trip more), lock (it would end with the statement), more rows than
     * one INSERT holds. */
    b = rf_batch_new(&a);
    db_user_list with_posts;
    ck_assert_int_eq(db_user_batch_find_many(b, &(db_user_query){.include = {.posts = true}}, &with_posts),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_batch_find_first(b, &(db_user_query){.lock = {.mode = RF_LOCK_FOR_UPDATE}}, &youngest),
                     RF_INVALID_ARGUMENT);
    enum { MANY = 1001 };
    db_user_create_input *many = calloc(MANY, sizeof *many);
    for (size_t i = 0; i < MANY; i++)
        many[i] = (db_user_create_input){.email = email_of(&a, "m", i)};
    ck_assert_int_eq(db_user_batch_create_many(b, many, MANY, true, NULL), RF_INVALID_ARGUMENT);
    OK(db_user_batch_count(b, NULL, &n));
    ck_assert_int_eq(rf_batch_run(c, b, false), RF_INVALID_ARGUMENT);
    ck_assert_msg(strstr(rf_last_error(c)->message, "include"), "%s", rf_last_error(c)->message);
    ck_assert_int_eq(rf_batch_status(b, 2), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(rf_batch_status(b, 3), RF_OK);
    ck_assert_int_eq(n, N + 1 - 4 + 2 + 2);
    rf_batch_free(b);
    free(many);
    ck_assert_int_eq(db_user_batch_find_many(NULL, NULL, &with_posts), RF_INVALID_ARGUMENT);
    ck_assert_int_eq(db_user_batch_aggregate(NULL, NULL, &agg), RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
#define WRITES_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WRITES_ASAN 1
#endif
#endif

/* Peak resident memory of this process so far, in kB. */
static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

START_TEST(a_million_rows_in_bounded_memory)
{
    rf_client *c = fresh();
    enum { N = 1000000, NAME = 12 };
    db_tag_create_input *rows = calloc(N, sizeof *rows);
    char *names = malloc((size_t)N * NAME);
    ck_assert(rows && names);
    for (size_t i = 0; i < N; i++) {
        snprintf(names + i * NAME, NAME, "n%zu", i);
        rows[i] = (db_tag_create_input){.group = "g", .name = names + i * NAME};
    }
    long before = peak_kb();
    int64_t n = 0;
    OK(db_tag_create_many(c, rows, N, false, &n));
    long grown = peak_kb() - before;
    ck_assert_int_eq(n, N);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Tag\""), N);
    /* The rows' COPY text alone is ~10 MB: it never is all in memory.
     * (Under AddressSanitizer freed memory is held in quarantine, so the
     * process's peak says nothing about the code: the plain run checks it.) */
#ifndef WRITES_ASAN
    ck_assert_msg(grown < 4 * 1024, "peak memory grew by %ld kB", grown);
#else
    (void)grown;
#endif
    free(rows);
    free(names);
    rf_close(c);
}
END_TEST

/* ---- nested creates ------------------------------------------------------------ */

START_TEST(nested_create_writes_the_tree_or_nothing)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    /* A user, its profile (key on the profile), two posts, each with comments. */
    db_comment_nested_create c1[] = {{.data = &(db_comment_create_input){.body = "first!"}},
                                     {.data = &(db_comment_create_input){.body = "second"}}};
    db_comment_nested_create c2[] = {{.data = &(db_comment_create_input){.body = "hm"}}};
    db_post_nested_create posts[] = {
        {.data = &(db_post_create_input){.title = "Hello"}, .comments = {.create = c1, .ncreate = 2}},
        {.data = &(db_post_create_input){.title = "Again"}, .comments = {.create = c2, .ncreate = 1}},
    };
    db_profile_nested_create profile = {.data = &(db_profile_create_input){.bio = "C programmer"}};
    db_user u;
    OK(db_user_create_nested(c,
                             &(db_user_nested_create){
                                 .data = &(db_user_create_input){.email = "ada@x.io"},
                                 .posts = {.create = posts, .ncreate = 2},
                                 .profile = {.create = &profile, .ncreate = 1},
                             },
                             &u, &a));
    ck_assert_str_eq(u.email, "ada@x.io");
    db_user again;
    OK(db_user_find_unique_by_id(c, u.id, &(db_user_include){.posts = true, .profile = true}, &again, &a));
    ck_assert_uint_eq(again.posts.count, 2);
    ck_assert_ptr_nonnull(again.profile);
    ck_assert_str_eq(again.profile->bio, "C programmer");
    int64_t n = 0;
    OK(db_comment_count(c, NULL, &n));
    ck_assert_int_eq(n, 3);
    db_post hello;
    OK(db_post_find_unique_by_author_id_title(c, u.id, "Hello", &(db_post_include){.comments = true}, &hello, &a));
    ck_assert_uint_eq(hello.comments.count, 2);

    /* The key on this side: the author is created first, the post points to it. */
    db_user_nested_create author = {.data = &(db_user_create_input){.email = "grace@x.io"}};
    db_post p;
    OK(db_post_create_nested(c, &(db_post_nested_create){.data = &(db_post_create_input){.title = "COBOL"},
                                                         .author = {.create = &author, .ncreate = 1}},
                             &p, &a));
    db_user grace;
    OK(db_user_find_unique_by_email(c, "grace@x.io", NULL, &grace, &a));
    ck_assert(p.author_id.has && p.author_id.value == grace.id);

    /* A failure deep in the tree (a duplicate post title for one author):
     * nothing of it is written, the error is the failing row's. */
    db_post_nested_create dup[] = {
        {.data = &(db_post_create_input){.title = "Same"}, .comments = {.create = c1, .ncreate = 2}},
        {.data = &(db_post_create_input){.title = "Same"}},
    };
    ck_assert_int_eq(db_user_create_nested(c, &(db_user_nested_create){
                                                  .data = &(db_user_create_input){.email = "linus@x.io"},
                                                  .posts = {.create = dup, .ncreate = 2}},
                                           NULL, NULL),
                     RF_UNIQUE_VIOLATION);
    ck_assert(!user_exists(c, "linus@x.io"));
    OK(db_comment_count(c, NULL, &n));
    ck_assert_int_eq(n, 3);

    /* Inside an open transaction: a savepoint; the transaction goes on. */
    OK(rf_begin(c, RF_ISOLATION_DEFAULT, false));
    OK(db_user_create(c, &(db_user_create_input){.email = "before@x.io"}, NULL, NULL));
    ck_assert_int_eq(db_user_create_nested(c, &(db_user_nested_create){
                                                  .data = &(db_user_create_input){.email = "linus@x.io"},
                                                  .posts = {.create = dup, .ncreate = 2}},
                                           NULL, NULL),
                     RF_UNIQUE_VIOLATION);
    OK(db_user_create_nested(c, &(db_user_nested_create){.data = &(db_user_create_input){.email = "ok@x.io"},
                                                         .posts = {.create = posts, .ncreate = 1}},
                             NULL, NULL));
    OK(rf_commit(c));
    ck_assert(user_exists(c, "before@x.io") && user_exists(c, "ok@x.io") && !user_exists(c, "linus@x.io"));

    /* Misuse: two rows for a to-one, rows through a many-to-many. */
    db_user_nested_create two[] = {author, author};
    ck_assert_int_eq(db_post_create_nested(c, &(db_post_nested_create){.data = &(db_post_create_input){.title = "x"},
                                                                       .author = {.create = two, .ncreate = 2}},
                                           NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert_int_eq(scalar(c, "SELECT count(*) FROM \"Post\" WHERE title = 'x'"), 0);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

START_TEST(nested_connect_links_existing_rows_by_a_unique_filter)
{
    rf_client *c = fresh();
    rf_arena a = RF_ARENA_INIT;
    db_user grace, ada;
    OK(db_user_create(c, &(db_user_create_input){.email = "grace@x.io"}, &grace, &a));
    OK(db_user_create(c, &(db_user_create_input){.email = "ada@x.io"}, &ada, &a));
    OK(db_category_create(c, &(db_category_create_input){.name = "c"}, NULL, NULL));

    /* To-one, key on this side: the post points at the user found. */
    db_post p;
    db_category_nested_create new_cat = {.data = &(db_category_create_input){.name = "new"}};
    OK(db_post_create_nested(c, &(db_post_nested_create){
                                    .data = &(db_post_create_input){.title = "COBOL"},
                                    .author = {.connect = &(db_user_where){.email = RF_EQ("grace@x.io")}, .nconnect = 1},
                                    /* many-to-many: one created, one connected by name */
                                    .categories = {.create = &new_cat, .ncreate = 1,
                                                   .connect = &(db_category_where){.name = RF_EQ("c")}, .nconnect = 1},
                                },
                             &p, &a));
    ck_assert(p.author_id.has && p.author_id.value == grace.id);
    db_post loaded;
    OK(db_post_find_unique_by_id(c, p.id, &(db_post_include){.categories = true}, &loaded, &a));
    ck_assert_uint_eq(loaded.categories.count, 2);

    /* To-many: existing posts re-pointed at the new user. */
    db_post other;
    OK(db_post_create(c, &(db_post_create_input){.title = "Orphan"}, &other, &a));
    db_user linus;
    OK(db_user_create_nested(c, &(db_user_nested_create){
                                    .data = &(db_user_create_input){.email = "linus@x.io"},
                                    .posts = {.connect = (db_post_where[]){{.id = RF_EQ(p.id)}, {.id = RF_EQ(other.id)}},
                                              .nconnect = 2},
                                },
                             &linus, &a));
    int64_t n = 0;
    OK(db_post_count(c, &(db_post_where){.author_id = RF_EQ(linus.id)}, &n));
    ck_assert_int_eq(n, 2);

    /* A connect that finds nothing: Prisma's P2025, nothing written. */
    ck_assert_int_eq(db_post_create_nested(c, &(db_post_nested_create){
                                                 .data = &(db_post_create_input){.title = "Lost"},
                                                 .author = {.connect = &(db_user_where){.email = RF_EQ("nobody@x.io")},
                                                            .nconnect = 1}},
                                           NULL, NULL),
                     RF_NOT_FOUND);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P2025");
    ck_assert_str_eq(rf_last_error(c)->message, "No User found");
    ck_assert_int_eq(db_user_create_nested(c, &(db_user_nested_create){
                                                  .data = &(db_user_create_input){.email = "ken@x.io"},
                                                  .posts = {.connect = &(db_post_where){.title = RF_EQ("nope")}, .nconnect = 1}},
                                           NULL, NULL),
                     RF_NOT_FOUND);
    ck_assert(!user_exists(c, "ken@x.io"));
    /* One that matches several rows is refused, and undone. */
    ck_assert_int_eq(db_user_create_nested(c, &(db_user_nested_create){
                                                  .data = &(db_user_create_input){.email = "ken@x.io"},
                                                  .posts = {.connect = &(db_post_where){.author_id = RF_EQ(linus.id)},
                                                            .nconnect = 1}},
                                           NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert(!user_exists(c, "ken@x.io"));
    OK(db_post_count(c, &(db_post_where){.author_id = RF_EQ(linus.id)}, &n));
    ck_assert_int_eq(n, 2);
    /* The same for a to-one whose key is on the new row (Post.author, read
     * before the insert): several users match, so no post is created. */
    ck_assert_int_eq(db_post_create_nested(c, &(db_post_nested_create){
                                                 .data = &(db_post_create_input){.title = "Ambiguous"},
                                                 .author = {.connect = &(db_user_where){.email = RF_ENDS_WITH("@x.io")},
                                                            .nconnect = 1}},
                                           NULL, NULL),
                     RF_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(rf_last_error(c)->message, "more than one row"));
    OK(db_post_count(c, &(db_post_where){.title = RF_EQ("Ambiguous")}, &n));
    ck_assert_int_eq(n, 0);
    /* connect_or_create: the rows that are there are connected, the
     * others created. */
    db_post tcl, again;
    db_user_nested_create ken = {.data = &(db_user_create_input){.email = "ken@x.io"}};
    db_category_nested_create cats[] = {{.data = &(db_category_create_input){.name = "c"}},
                                        {.data = &(db_category_create_input){.name = "fresh"}}};
    OK(db_post_create_nested(c, &(db_post_nested_create){
                                    .data = &(db_post_create_input){.title = "Tcl"},
                                    .author = {.connect_or_create = {&(db_user_where){.email = RF_EQ("ken@x.io")}, &ken},
                                               .nconnect_or_create = 1},
                                    .categories = {.connect_or_create = {(db_category_where[]){{.name = RF_EQ("c")},
                                                                                               {.name = RF_EQ("fresh")}},
                                                                         cats},
                                                   .nconnect_or_create = 2},
                                },
                             &tcl, &a));
    db_user kenny;
    OK(db_user_find_unique_by_email(c, "ken@x.io", NULL, &kenny, &a));
    ck_assert(tcl.author_id.has && tcl.author_id.value == kenny.id);
    OK(db_category_count(c, NULL, &n));
    ck_assert_int_eq(n, 3); /* c and new from before, fresh now */
    OK(db_post_create_nested(c, &(db_post_nested_create){
                                    .data = &(db_post_create_input){.title = "Tk"},
                                    .author = {.connect_or_create = {&(db_user_where){.email = RF_EQ("ken@x.io")}, &ken},
                                               .nconnect_or_create = 1},
                                },
                             &again, &a));
    ck_assert_int_eq(again.author_id.value, kenny.id); /* connected, not created twice */
    OK(db_post_find_unique_by_id(c, tcl.id, &(db_post_include){.categories = true}, &loaded, &a));
    ck_assert_uint_eq(loaded.categories.count, 2);

    /* Both a create and a connect for a to-one: a misuse. */
    ck_assert_int_eq(db_post_create_nested(c, &(db_post_nested_create){
                                                 .data = &(db_post_create_input){.title = "Both"},
                                                 .author = {.create = &(db_user_nested_create){.data = &(db_user_create_input){.email = "x@x.io"}},
                                                            .ncreate = 1,
                                                            .connect = &(db_user_where){.id = RF_EQ(ada.id)},
                                                            .nconnect = 1}},
                                           NULL, NULL),
                     RF_INVALID_ARGUMENT);
    rf_arena_free(&a);
    rf_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_writes");
    TCase *tc = tcase_create("generated client writes");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, writes_with_no_out_ask_for_no_rows);
    tcase_add_test(tc, nested_transactions_are_savepoints);
    tcase_add_test(tc, create_many_streams_every_type_through_copy);
    tcase_add_test(tc, create_many_goes_binary_when_every_column_takes_it);
    tcase_add_test(tc, create_many_duplicates_with_and_without_skip);
    tcase_add_test(tc, and_return_variants_return_the_rows);
    tcase_add_test(tc, batches_send_everything_in_one_round_trip);
    tcase_add_test(tc, batches_of_every_operation);
    tcase_add_test(tc, nested_create_writes_the_tree_or_nothing);
    tcase_add_test(tc, nested_connect_links_existing_rows_by_a_unique_filter);
    tcase_add_test(tc, a_million_rows_in_bounded_memory);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
