/*
 * test_sqlq_read.c — reading typed-SQL files (generator/sql/sqlq_read.c),
 * no database: how queries are split and named, the SQL each one sends,
 * and every annotation, good and bad.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sql/sqlq.h"

static int read_text(const char *path, const char *text, sqlq_set *set, arena *a)
{
    *set = (sqlq_set){0};
    return sqlq_read_text(path, text, strlen(text), set, a);
}

START_TEST(a_file_without_names_is_one_query_named_after_it)
{
    arena a = ARENA_INIT;
    sqlq_set s;
    ck_assert_int_eq(read_text("prisma/sql/getUsers.sql",
                               "-- users, newest first\n-- @nonnull n\n\nSELECT count(*) AS n\n"
                               "FROM \"User\";  \n-- trailing words\n\n",
                               &s, &a),
                     0);
    ck_assert_uint_eq(s.count, 1);
    ck_assert_str_eq(s.items[0].name, "getUsers");
    ck_assert_str_eq(s.items[0].c_name, "get_users");
    ck_assert_int_eq(s.items[0].kind, SQLQ_MANY);
    ck_assert(!s.items[0].kind_given);
    /* Sent without the leading comments, the ';' or what follows it. */
    ck_assert_str_eq(s.items[0].sql, "SELECT count(*) AS n\nFROM \"User\"");
    ck_assert_uint_eq(s.items[0].nnull_notes, 1);
    ck_assert_str_eq(s.items[0].null_notes[0].column, "n");
    ck_assert(!s.items[0].null_notes[0].nullable);
    arena_free(&a);
}
END_TEST

START_TEST(named_queries_kinds_and_annotations)
{
    arena a = ARENA_INIT;
    sqlq_set s;
    const char *text = "-- header comment\n"
                       "-- name: First :one\n"
                       "-- @param {Int} $1:minAge\n"
                       "-- @param {Status[]} $2:states? the states\n"
                       "-- @param $3:plain\n"
                       "SELECT 1 AS a WHERE $1 > 0;\n"
                       "\n"
                       "-- name: Second :exec\n"
                       "DELETE FROM t;\n"
                       "-- name: Third :execrows\n"
                       "-- @nullable a, \"?x y\"\n"
                       "UPDATE t SET a = 1\n"
                       "-- name: Fourth\n"
                       "SELECT 2 AS b\n";
    ck_assert_int_eq(read_text("q.sql", text, &s, &a), 0);
    ck_assert_uint_eq(s.count, 4);
    const sqlq_query *q = &s.items[0];
    ck_assert_str_eq(q->name, "First");
    ck_assert_int_eq(q->kind, SQLQ_ONE);
    ck_assert_str_eq(q->sql, "SELECT 1 AS a WHERE $1 > 0");
    ck_assert_uint_eq(q->nparam_notes, 3);
    ck_assert_int_eq(q->param_notes[0].number, 1);
    ck_assert_str_eq(q->param_notes[0].name, "minAge");
    ck_assert_str_eq(q->param_notes[0].type, "Int");
    ck_assert(!q->param_notes[0].nullable);
    ck_assert_str_eq(q->param_notes[1].type, "Status[]");
    ck_assert(q->param_notes[1].nullable);
    ck_assert_ptr_null(q->param_notes[2].type);
    ck_assert_str_eq(q->param_notes[2].name, "plain");
    /* The file offset of $1 in the annotation, for messages. */
    ck_assert_uint_eq(q->param_notes[0].offset, (size_t)(strstr(text, "$1:minAge") - text));
    ck_assert_int_eq(s.items[1].kind, SQLQ_EXEC);
    ck_assert_str_eq(s.items[1].sql, "DELETE FROM t");
    ck_assert_int_eq(s.items[2].kind, SQLQ_EXECROWS);
    ck_assert_uint_eq(s.items[2].nnull_notes, 2);
    ck_assert_str_eq(s.items[2].null_notes[1].column, "?x y");
    ck_assert(s.items[2].null_notes[1].nullable);
    ck_assert_str_eq(s.items[2].sql, "UPDATE t SET a = 1");
    ck_assert(!s.items[3].kind_given);
    ck_assert_int_eq(s.items[3].kind, SQLQ_MANY);
    /* Where the SQL starts in the file: server positions map from there. */
    ck_assert_uint_eq(s.items[3].start, (size_t)(strstr(text, "SELECT 2") - text));
    arena_free(&a);
}
END_TEST

START_TEST(bad_annotations_count_as_problems)
{
    arena a = ARENA_INIT;
    sqlq_set s;
    ck_assert_int_eq(read_text("q.sql", "SELECT 0;\n-- name: A :many\nSELECT 1 AS x\n", &s, &a), 1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A :copyfrom\nINSERT INTO t VALUES ($1)\n", &s, &a),
                     0);
    ck_assert_int_eq(s.items[0].kind, SQLQ_COPYFROM);
    ck_assert_int_eq(read_text("q.sql", "-- name: A :batchexec\nSELECT 1 AS x\n", &s, &a), 1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A :one extra\nSELECT 1 AS x\n", &s, &a), 1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A :one\n", &s, &a), 1); /* no SQL */
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @param {Int} 1\nSELECT 1 AS x\n", &s, &a),
                     1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @param {Int} $0\nSELECT 1 AS x\n", &s, &a),
                     1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @param {Int} $1:a\n-- @param {Int} $1:b\n"
                                        "SELECT $1 AS x\n", &s, &a),
                     1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @param {Int $1\nSELECT 1 AS x\n", &s, &a),
                     1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @nonnull\nSELECT 1 AS x\n", &s, &a), 1);
    ck_assert_int_eq(read_text("q.sql", "-- name: A\n-- @returns x\nSELECT 1 AS x\n", &s, &a), 1);
    ck_assert_int_eq(read_text("my-query.sql", "SELECT 1 AS x\n", &s, &a), 1); /* not a C name */
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sqlq_read");
    TCase *tc = tcase_create("typed sql files");
    tcase_add_test(tc, a_file_without_names_is_one_query_named_after_it);
    tcase_add_test(tc, named_queries_kinds_and_annotations);
    tcase_add_test(tc, bad_annotations_count_as_problems);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
