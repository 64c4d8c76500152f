/*
 * rt_fixture.h — what the runtime's integration tests share: one throwaway
 * cluster per test binary, a fresh database per test, and short helpers to
 * run SQL through librefract and fail the test with the client's own error
 * message when something goes wrong.
 */
#ifndef REFRACT_RT_FIXTURE_H
#define REFRACT_RT_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_harness.h"
#include "refract.h"

static pgh_cluster rt_pg; /* static: the harness's atexit handler reaches it */

static inline void rt_start(void)
{
    ck_assert_msg(pgh_start(&rt_pg) == 0, "cannot start PostgreSQL: %s", rt_pg.error);
}

static inline void rt_stop(void)
{
    pgh_stop(&rt_pg);
}

/* A fresh database; its keyword conninfo in out. */
static inline void rt_new_db(char *out, size_t size)
{
    ck_assert_msg(pgh_create_db(&rt_pg, NULL, out, size) == 0, "%s", rt_pg.error);
}

static inline rf_client *rt_connect(const char *conninfo)
{
    rf_client *c = NULL;
    rf_status st = rf_connect(conninfo, &c);
    ck_assert_msg(st == RF_OK, "rf_connect(%s): %s: %s", conninfo ? conninfo : "NULL",
                  rf_status_name(st),
                  rf_last_error(c)->message);
    return c;
}

/* A client on a fresh database; its conninfo in conninfo_out if not NULL. */
static inline rf_client *rt_fresh(char *conninfo_out, size_t size)
{
    char conninfo[PGH_CONNINFO_MAX];
    rt_new_db(conninfo, sizeof conninfo);
    if (conninfo_out)
        snprintf(conninfo_out, size, "%s", conninfo);
    return rt_connect(conninfo);
}

#define RT_OK(client, call)                                                                   \
    do {                                                                                      \
        rf_status rt_st_ = (call);                                                            \
        ck_assert_msg(rt_st_ == RF_OK, "%s: %s: %s", #call, rf_status_name(rt_st_),          \
                      rf_last_error(client)->message);                                        \
    } while (0)

static inline void rt_sql(rf_client *c, const char *sql)
{
    rf_status st = rf_exec_sql(c, sql);
    ck_assert_msg(st == RF_OK, "%s: %s: %s", sql, rf_status_name(st), rf_last_error(c)->message);
}

/* One unnamed statement's single int64 value. */
static inline int64_t rt_scalar(rf_client *c, const char *sql)
{
    rf_stmt stmt = { .sql = sql, .result_format = RF_FORMAT_BINARY };
    rf_result r;
    RT_OK(c, rf_exec(c, &stmt, 0, NULL, NULL, NULL, &r));
    ck_assert_int_eq(r.rows, 1);
    int64_t v;
    RT_OK(c, rf_get_i64(&r, 0, 0, &v));
    rf_result_clear(&r);
    return v;
}

static inline void rt_run(Suite *s, int *failed)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    *failed += srunner_ntests_failed(sr);
    srunner_free(sr);
}

#endif
