/*
 * Down migrations on random schema changes (tests/integration/schema_gen.h),
 * through the commands a user runs: for each seeded pair A → B,
 *
 *   migrate dev A; migrate dev B     catalog cB (cA taken after A)
 *   migrate down                     gives cA again
 *   migrate deploy                   gives cB again
 *   migrate down; migrate down       leaves no table, type or sequence
 *
 * (when A and B hold the same tables, dev B writes nothing: only the last
 * down runs)
 *
 * so every down.sql migrate dev writes undoes its migration.sql exactly,
 * the first one down to an empty database. REFRACT_DOWN_ROUNDTRIP_CASES
 * sets how many cases: 6 by default (make check), 100 when
 * REFRACT_CHECK_FULL=1 (make check-full); REFRACT_DOWN_ROUNDTRIP_SEED the
 * first seed (default 1). A failing case prints both schemas and the
 * migration folder's SQL.
 */
#include <dirent.h>

#include "check_full.h"
#include "migrate_support.h"
#include "migsql_catalog.h"
#include "schema_gen.h"

static void cluster_up(void) { mc_setup(); }
static void cluster_down(void) { mc_teardown(); }

/* Every migration.sql and down.sql of the project, for a failure report. */
static void show_folder(const project_dir *p)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "for f in '%s'/prisma/migrations/*/*.sql; do echo \"---- $f\"; cat \"$f\"; done 1>&2",
             p->root);
    if (system(cmd) < 0)
        fputs("(cannot list the migrations)\n", stderr);
}


/* Run `refract migrate <args>`; on failure print the case and fail. */
#define STEP(...)                                                                               \
    do {                                                                                        \
        char *out_;                                                                             \
        int rc_ = proj_run(&p, &out_, "migrate", __VA_ARGS__, NULL);                            \
        if (rc_ != 0) {                                                                         \
            fprintf(stderr, "---- A\n%s\n---- B\n%s\n", ta, tb);                                \
            show_folder(&p);                                                                    \
        }                                                                                       \
        ck_assert_msg(rc_ == 0, "seed %llu: migrate %s failed (%d):\n%s",                       \
                      (unsigned long long)seed, #__VA_ARGS__, rc_, out_);                       \
        free(out_);                                                                             \
    } while (0)

static size_t migration_count(const project_dir *p)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/prisma/migrations", p->root);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.' && strcmp(e->d_name, "migration_lock.toml") != 0;
    closedir(d);
    return n;
}

static void same_catalog(const project_dir *p, uint64_t seed, const char *what,
                         const char *expected, const char *ta, const char *tb)
{
    char *now = mc_catalog(p->conninfo);
    if (strcmp(expected, now)) {
        char label[96];
        snprintf(label, sizeof label, "seed %llu, %s", (unsigned long long)seed, what);
        mc_show_diff(label, expected, now);
        fprintf(stderr, "---- A\n%s\n---- B\n%s\n", ta, tb);
        show_folder(p);
    }
    ck_assert_msg(!strcmp(expected, now), "seed %llu: %s does not give the same catalog",
                  (unsigned long long)seed, what);
    free(now);
}

START_TEST(random_changes_go_down_and_up_again)
{
    const char *env = getenv("REFRACT_DOWN_ROUNDTRIP_CASES");
    const char *env_seed = getenv("REFRACT_DOWN_ROUNDTRIP_SEED");
    int cases = env ? atoi(env) : check_full() ? 100 : 6;
    uint64_t first = env_seed ? strtoull(env_seed, NULL, 10) : 1;
    int nonempty = 0;
    for (int c = 0; c < cases; c++) {
        uint64_t seed = first + (uint64_t)c;
        char *ta, *tb;
        gen_case(seed, &ta, &tb);
        project_dir p;
        proj_open(&p, &mc_pg, ta);
        STEP("dev", "--name", "a");
        char *ca = mc_catalog(p.conninfo);
        proj_write(&p, "prisma/schema.prisma", tb);
        STEP("dev", "--name", "b", "--accept-data-loss");
        char *cb = mc_catalog(p.conninfo);
        /* No change between A and B: migrate dev writes no migration. */
        bool has_b = migration_count(&p) == 2;
        nonempty += has_b;
        if (has_b) {
            STEP("down");
            same_catalog(&p, seed, "dev A, dev B, down", ca, ta, tb);
            STEP("deploy");
            same_catalog(&p, seed, "dev A, dev B, down, deploy", cb, ta, tb);
            STEP("down");
        }
        STEP("down");
        ck_assert_msg(db_long(&p, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                  "c.relnamespace WHERE n.nspname = 'public' AND c.relname NOT "
                                  "LIKE '\\_prisma\\_migrations%'") == 0 &&
                          db_long(&p, "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON "
                                      "n.oid = t.typnamespace WHERE n.nspname = 'public' AND "
                                      "t.typtype = 'e'") == 0,
                      "seed %llu: rolling back both migrations leaves objects behind",
                      (unsigned long long)seed);
        free(ca);
        free(cb);
        free(ta);
        free(tb);
        proj_close(&p);
    }
    fprintf(stderr,
            "down round trip: %d random changes (%d writing a migration): down gives the catalog "
            "before, deploy the one after, and the first migration's down.sql empties the "
            "database\n",
            cases, nonempty);
    if (!env && !check_full())
        fputs("down round trip: the first 6 seeds only; REFRACT_CHECK_FULL=1 (make check-full) "
              "runs 100\n",
              stderr);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_down_roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 1800);
    tcase_add_unchecked_fixture(tc, cluster_up, cluster_down);
    tcase_add_test(tc, random_changes_go_down_and_up_again);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
