/*
 * Round trip on random schema changes (tests/integration/schema_gen.h):
 * for each seeded pair A → B,
 *   - create(A) + diff(A, B) applied to PostgreSQL gives the catalog of
 *     create(B) (pg_dump --schema-only; column order aside, since ADD COLUMN
 *     appends);
 *   - diff(A, A) and diff(B, B) are empty;
 *   - the data check of every destructive step runs on create(A) and says
 *     false (no rows).
 * REFRACT_ROUNDTRIP_CASES sets how many cases: by default 40 (about a
 * minute, so that `make check` stays short), 200 when REFRACT_CHECK_FULL=1
 * (`make check-full`, what CI runs). REFRACT_ROUNDTRIP_SEED is the first
 * seed (default 1). A failing case prints both schemas and the SQL.
 */
#include "check_full.h"
#include "migsql_catalog.h"
#include "schema_gen.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/migsql-schema-XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static size_t steps_between(const char *from, const char *to)
{
    arena a = ARENA_INIT;
    migrate_loaded lf = {0}, lt = {0};
    ck_assert(migrate_load_schema(from, &lf, &a));
    ck_assert(migrate_load_schema(to, &lt, &a));
    size_t n = migrate_diff(lf.model, lt.model, &a)->count;
    migrate_loaded_free(&lf);
    migrate_loaded_free(&lt);
    arena_free(&a);
    return n;
}

START_TEST(random_changes_round_trip)
{
    const char *env = getenv("REFRACT_ROUNDTRIP_CASES");
    const char *env_seed = getenv("REFRACT_ROUNDTRIP_SEED");
    int cases = env ? atoi(env) : check_full() ? 200 : 40;
    uint64_t first = env_seed ? strtoull(env_seed, NULL, 10) : 1;
    int passed = 0, nonempty = 0, checks = 0;
    for (int c = 0; c < cases; c++) {
        uint64_t seed = first + (uint64_t)c;
        char *ta, *tb;
        gen_case(seed, &ta, &tb);
        char *pa = write_temp(ta), *pb = write_temp(tb);

        char *create_a = mc_diff_sql(NULL, pa);
        char *create_b = mc_diff_sql(NULL, pb);
        char *a_to_b = mc_diff_sql(pa, pb);
        ck_assert_msg(create_a && create_b && a_to_b, "seed %llu: a generated schema does not load:\n%s\n----\n%s",
                      (unsigned long long)seed, ta, tb);
        ck_assert_msg(steps_between(pa, pa) == 0, "seed %llu: diff(A, A) is not empty:\n%s",
                      (unsigned long long)seed, ta);
        ck_assert_msg(steps_between(pb, pb) == 0, "seed %llu: diff(B, B) is not empty:\n%s",
                      (unsigned long long)seed, tb);
        if (strcmp(a_to_b, "-- This is an empty migration.\n"))
            nonempty++;

        /* Two databases a case, dropped after it: hundreds of cases would
         * otherwise leave gigabytes of catalog files behind. */
        char name_migrated[32], name_direct[32];
        snprintf(name_migrated, sizeof name_migrated, "rt_migrated_%d", c);
        snprintf(name_direct, sizeof name_direct, "rt_direct_%d", c);
        char db_migrated[PGH_CONNINFO_MAX], db_direct[PGH_CONNINFO_MAX];
        ck_assert_int_eq(pgh_create_db(&mc_pg, name_migrated, db_migrated, sizeof db_migrated), 0);
        ck_assert_int_eq(pgh_create_db(&mc_pg, name_direct, db_direct, sizeof db_direct), 0);
        char *err = mc_apply(db_migrated, create_a);
        ck_assert_msg(!err, "seed %llu: create(A) failed: %s\n%s", (unsigned long long)seed, err, ta);
        checks += mc_run_checks(db_migrated, pa, pb);
        err = mc_apply(db_migrated, a_to_b);
        ck_assert_msg(!err, "seed %llu: diff(A, B) failed: %s\n---- A\n%s\n---- B\n%s\n---- SQL\n%s",
                      (unsigned long long)seed, err, ta, tb, a_to_b);
        err = mc_apply(db_direct, create_b);
        ck_assert_msg(!err, "seed %llu: create(B) failed: %s\n%s", (unsigned long long)seed, err, tb);
        char *cm = mc_catalog(db_migrated), *cd = mc_catalog(db_direct);
        if (strcmp(cd, cm)) {
            char label[64];
            snprintf(label, sizeof label, "seed %llu", (unsigned long long)seed);
            mc_show_diff(label, cd, cm);
            fprintf(stderr, "---- A\n%s\n---- B\n%s\n---- diff(A, B)\n%s\n", ta, tb, a_to_b);
        }
        ck_assert_msg(!strcmp(cd, cm), "seed %llu: create(A) + diff(A, B) differs from create(B)",
                      (unsigned long long)seed);
        passed++;
        ck_assert_msg(pgh_drop_db(&mc_pg, name_migrated) == 0, "%s", mc_pg.error);
        ck_assert_msg(pgh_drop_db(&mc_pg, name_direct) == 0, "%s", mc_pg.error);
        free(cm);
        free(cd);
        free(create_a);
        free(create_b);
        free(a_to_b);
        unlink(pa);
        unlink(pb);
        free(pa);
        free(pb);
        free(ta);
        free(tb);
    }
    fprintf(stderr,
            "round trip: %d of %d random changes give create(B)'s catalog (%d non-empty, %d data "
            "checks run)\n",
            passed, cases, nonempty, checks);
    if (!env && !check_full())
        fprintf(stderr, "round trip: the first 40 seeds only; REFRACT_CHECK_FULL=1 (make check-full) runs 200\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migsql_roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 1200);
    tcase_add_unchecked_fixture(tc, mc_setup, mc_teardown);
    tcase_add_test(tc, random_changes_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
