/* The statement scanner the deployer relies on to find BEGIN/COMMIT and
 * statements PostgreSQL refuses inside a transaction; and the URL and .env
 * handling of the migrate commands. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/dburl.h"
#include "migrate/folder.h"
#include "migrate/history.h"
#include "migrate/sqlscan.h"
#include "model/model.h"
#include "util/sha256.h"

static sql_script scan(const char *sql)
{
    sql_script s;
    sql_scan(sql, strlen(sql), &s);
    return s;
}

START_TEST(splits_at_top_level_semicolons_only)
{
    const char *sql = "-- CreateTable\n"
                      "CREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s; fine');\n"
                      "/* a ; comment /* nested ; */ still */\n"
                      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
                      "SELECT E'\\';', $$;$$\n"
                      ";;\n"
                      "SELECT 2";
    sql_script s = scan(sql);
    ck_assert_uint_eq(s.count, 4);
    ck_assert_str_eq(s.items[0].what, "CREATE TABLE");
    ck_assert_uint_eq(s.items[0].line, 2);
    ck_assert_str_eq(s.items[1].what, "CREATE FUNCTION F");
    ck_assert_uint_eq(s.items[1].line, 4);
    ck_assert_uint_eq(s.items[2].line, 5);
    ck_assert_str_eq(s.items[3].what, "SELECT");
    ck_assert_uint_eq(s.items[3].line, 7);
    for (size_t i = 0; i < s.count; i++)
        ck_assert_int_eq(s.items[i].kind, SQL_STMT_PLAIN);
    sql_script_free(&s);
}
END_TEST

START_TEST(classifies_transaction_control_and_no_transaction)
{
    struct {
        const char *sql;
        sql_stmt_kind kind;
    } cases[] = {
        {"BEGIN;", SQL_STMT_TX_CONTROL},
        {"begin transaction isolation level serializable;", SQL_STMT_TX_CONTROL},
        {"START TRANSACTION;", SQL_STMT_TX_CONTROL},
        {"COMMIT;", SQL_STMT_TX_CONTROL},
        {"end;", SQL_STMT_TX_CONTROL},
        {"ROLLBACK;", SQL_STMT_TX_CONTROL},
        {"CREATE INDEX CONCURRENTLY \"i\" ON \"t\"(\"c\");", SQL_STMT_NO_TX},
        {"create unique index concurrently i on t(c);", SQL_STMT_NO_TX},
        {"DROP INDEX CONCURRENTLY i;", SQL_STMT_NO_TX},
        {"REINDEX INDEX CONCURRENTLY i;", SQL_STMT_NO_TX},
        {"VACUUM t;", SQL_STMT_NO_TX},
        {"CREATE DATABASE x;", SQL_STMT_NO_TX},
        {"ALTER TYPE \"Role\" ADD VALUE 'GUEST';", SQL_STMT_ADD_ENUM_VALUE},
        {"ALTER TYPE \"Role\" RENAME TO \"R\";", SQL_STMT_PLAIN},
        {"CREATE INDEX \"concurrently\" ON t(c);", SQL_STMT_PLAIN}, /* quoted: a name */
        {"INSERT INTO t VALUES ('CONCURRENTLY');", SQL_STMT_PLAIN},
        {"CREATE TABLE \"Begin\" (id int);", SQL_STMT_PLAIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sql_script s = scan(cases[i].sql);
        ck_assert_uint_eq(s.count, 1);
        ck_assert_msg(s.items[0].kind == cases[i].kind, "%s: kind %d, want %d", cases[i].sql,
                      s.items[0].kind, cases[i].kind);
        sql_script_free(&s);
    }
}
END_TEST

START_TEST(sql_standard_function_bodies_stay_whole)
{
    const char *sql = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\n"
                      "BEGIN ATOMIC\n"
                      "  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n"
                      "  SELECT 2;\n"
                      "END;\n"
                      "COMMIT;\n";
    sql_script s = scan(sql);
    ck_assert_uint_eq(s.count, 2);
    ck_assert_int_eq(s.items[0].kind, SQL_STMT_PLAIN);
    ck_assert_int_eq(s.items[1].kind, SQL_STMT_TX_CONTROL);
    ck_assert_uint_eq(s.items[1].line, 6);
    sql_script_free(&s);
}
END_TEST

START_TEST(blanking_keeps_positions)
{
    const char *sql = "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\n";
    sql_script s = scan(sql);
    char *t = sql_without_tx_control(sql, strlen(sql), &s);
    ck_assert_str_eq(t, "      \nCREATE TABLE a (x int);\n       \n");
    free(t);
    sql_script_free(&s);
}
END_TEST

START_TEST(prisma_url_parameters_are_removed_for_libpq)
{
    char *schema;
    char *u = db_url_for_libpq("postgresql://u:p@h:5432/db?schema=my%20app&connection_limit=5&"
                               "sslmode=require&pgbouncer=true&application_name=x",
                               &schema);
    ck_assert_str_eq(u, "postgresql://u:p@h:5432/db?sslmode=require&application_name=x");
    ck_assert_str_eq(schema, "my app");
    free(u);
    free(schema);
    u = db_url_for_libpq("postgres://h/db", &schema);
    ck_assert_str_eq(u, "postgres://h/db");
    ck_assert_ptr_null(schema);
    free(u);
    /* a '?' in the password is the password's, as libpq reads it */
    u = db_url_for_libpq("postgresql://u:a?b@h/db?schema=s&sslmode=disable", &schema);
    ck_assert_str_eq(u, "postgresql://u:a?b@h/db?sslmode=disable");
    ck_assert_str_eq(schema, "s");
    free(u);
    free(schema);
    u = db_url_for_libpq("host=/tmp dbname=x", &schema);
    ck_assert_str_eq(u, "host=/tmp dbname=x");
    free(u);
    char *q = db_quote_ident("we\"ird");
    ck_assert_str_eq(q, "\"we\"\"ird\"");
    free(q);
}
END_TEST

START_TEST(dotenv_beside_the_schema_then_cwd_environment_first)
{
    char dir[] = "/tmp/refract-env-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], schema[256];
    snprintf(path, sizeof path, "%s/.env", dir);
    const char *env = "# comment\n"
                      "export A_URL = \"postgresql://a/b?x=1#frag\"\n"
                      "B_URL=plain value # trailing comment\n"
                      "C_URL='single'\n";
    ck_assert_int_eq(write_file_all(path, env, strlen(env)), 0);
    snprintf(schema, sizeof schema, "%s/schema.prisma", dir);
    unsetenv("A_URL");
    char *v = db_env_lookup("A_URL", schema);
    ck_assert_str_eq(v, "postgresql://a/b?x=1#frag");
    free(v);
    v = db_env_lookup("B_URL", schema);
    ck_assert_str_eq(v, "plain value");
    free(v);
    v = db_env_lookup("C_URL", schema);
    ck_assert_str_eq(v, "single");
    free(v);
    ck_assert_ptr_null(db_env_lookup("NOPE_URL_X", schema));
    setenv("A_URL", "from-env", 1);
    v = db_env_lookup("A_URL", schema);
    ck_assert_str_eq(v, "from-env");
    free(v);
    unsetenv("A_URL");
    /* No datasource url: DATABASE_URL; missing: a clear message. */
    unsetenv("DATABASE_URL");
    buf err = BUF_INIT;
    ck_assert_ptr_null(db_url_resolve(NULL, NULL, schema, &err));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "Environment variable not found: DATABASE_URL."));
    buf_free(&err);
    /* directUrl first, as Prisma Migrate does; then url. */
    model_datasource ds = {.url = {.env = "B_URL"}, .direct_url = {.env = "C_URL"}};
    v = db_url_resolve(NULL, &ds, schema, &err);
    ck_assert_str_eq(v, "single");
    free(v);
    ds.direct_url.env = "NOPE_URL_X"; /* unset: an error, not the pooled url */
    ck_assert_ptr_null(db_url_resolve(NULL, &ds, schema, &err));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "Environment variable not found: NOPE_URL_X."));
    ds.direct_url.env = NULL;
    v = db_url_resolve(NULL, &ds, schema, &err);
    ck_assert_str_eq(v, "plain value");
    free(v);
    ds = (model_datasource){.url = {.value = "postgresql://literal"}};
    v = db_url_resolve(NULL, &ds, schema, &err);
    ck_assert_str_eq(v, "postgresql://literal");
    free(v);
    v = db_url_resolve("postgresql://given", NULL, schema, &err);
    ck_assert_str_eq(v, "postgresql://given");
    free(v);
    buf_free(&err);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(checksum_accepts_line_ending_variants_and_legacy_hex)
{
    const char *lf = "CREATE TABLE a (x int);\nSELECT 1;\n";
    const char *crlf = "CREATE TABLE a (x int);\r\nSELECT 1;\r\n";
    char sum_lf[65], sum_crlf[65];
    sha256_hex(lf, strlen(lf), sum_lf);
    sha256_hex(crlf, strlen(crlf), sum_crlf);
    ck_assert(history_checksum_matches(sum_lf, lf, strlen(lf)));
    ck_assert(history_checksum_matches(sum_lf, crlf, strlen(crlf)));
    ck_assert(history_checksum_matches(sum_crlf, lf, strlen(lf)));
    ck_assert(!history_checksum_matches(sum_lf, "SELECT 2;\n", 10));
    /* Legacy: each byte in hex without zero padding (old Prisma versions). */
    char legacy[65] = "";
    size_t n = 0;
    for (int i = 0; i < 64; i += 2) {
        if (sum_lf[i] != '0')
            legacy[n++] = sum_lf[i];
        legacy[n++] = sum_lf[i + 1];
    }
    legacy[n] = '\0';
    ck_assert(history_checksum_matches(legacy, lf, strlen(lf)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_sqlscan");
    TCase *tc = tcase_create("scan");
    tcase_add_test(tc, splits_at_top_level_semicolons_only);
    tcase_add_test(tc, classifies_transaction_control_and_no_transaction);
    tcase_add_test(tc, sql_standard_function_bodies_stay_whole);
    tcase_add_test(tc, blanking_keeps_positions);
    tcase_add_test(tc, prisma_url_parameters_are_removed_for_libpq);
    tcase_add_test(tc, dotenv_beside_the_schema_then_cwd_environment_first);
    tcase_add_test(tc, checksum_accepts_line_ending_variants_and_legacy_hex);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
