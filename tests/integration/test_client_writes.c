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

int main(void)
{
    Suite *s = suite_create("client_writes");
    TCase *tc = tcase_create("generated client writes");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, writes_with_no_out_ask_for_no_rows);
    tcase_add_test(tc, nested_transactions_are_savepoints);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
