/*
 * Migration SQL on a real PostgreSQL: what refract's SQL builds is what
 * Prisma's SQL builds.
 *
 *   - corpus: for every $REFRACT_SHARED/corpus/expected/X.sql, refract's
 *     `migrate diff --from-empty --script` for corpus/real/X and Prisma's
 *     text are each applied to a fresh database (citext and pg_trgm created
 *     first); the two pg_dump --schema-only catalogs must be equal;
 *   - oracle diffs: for every oracle/diff/NN, create(old) + refract's
 *     diff(old, new) gives the catalog of create(old) + Prisma's NN.sql.
 *
 * Extensions the server lacks (pgvector, PostGIS) make a schema skipped,
 * with a message; the counts are printed.
 */
#include <dirent.h>

#include "migsql_catalog.h"

static const char *shared(void)
{
    return getenv("REFRACT_SHARED");
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Drop the `-- CreateExtension` step for `ext` from a script (the server
 * does not have it and no column needs it). */
static void strip_extension(char *sql, const char *ext)
{
    char stmt[256];
    snprintf(stmt, sizeof stmt, "-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS \"%s\";\n", ext);
    char *p = strstr(sql, stmt);
    if (p)
        memmove(p, p + strlen(stmt), strlen(p + strlen(stmt)) + 1);
}

/* Whether the script needs something this server lacks; names it in `why`. */
static bool unsupported_here(const char *conninfo, char *sql_a, char *sql_b, char *why,
                             size_t size)
{
    const char *p = sql_a;
    while ((p = strstr(p, "CREATE EXTENSION IF NOT EXISTS \""))) {
        p += strlen("CREATE EXTENSION IF NOT EXISTS \"");
        char ext[64];
        size_t n = strcspn(p, "\"");
        snprintf(ext, sizeof ext, "%.*s", (int)n, p);
        if (!mc_extension_available(conninfo, ext)) {
            strip_extension(sql_a, ext);
            strip_extension(sql_b, ext);
            p = sql_a;
        }
    }
    if (strstr(sql_a, "geography") && !mc_extension_available(conninfo, "postgis")) {
        snprintf(why, size, "needs PostGIS (geography)");
        return true;
    }
    return false;
}

START_TEST(corpus_catalog_equals_prisma)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the corpus catalogs\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/corpus/expected", shared());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int total = 0, equal = 0, skipped = 0, identical = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql"))
            continue;
        char name[256], schema[1024], expected[1024];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        snprintf(expected, sizeof expected, "%s/%s", dir, e->d_name);
        snprintf(schema, sizeof schema, "%s/corpus/real/%s.prisma", shared(), name);
        if (!exists(schema))
            snprintf(schema, sizeof schema, "%s/corpus/real/%s", shared(), name);
        total++;
        char *prisma = mc_slurp(expected);
        char *ours = mc_diff_sql(NULL, schema);
        ck_assert_msg(ours != NULL, "%s: the schema does not load", name);
        if (!strcmp(prisma, ours))
            identical++;

        char db_prisma[PGH_CONNINFO_MAX], db_ours[PGH_CONNINFO_MAX], why[128] = "";
        mc_fresh_db(db_prisma, sizeof db_prisma);
        mc_fresh_db(db_ours, sizeof db_ours);
        if (unsupported_here(db_prisma, prisma, ours, why, sizeof why)) {
            fprintf(stderr, "corpus: %s skipped: %s\n", name, why);
            skipped++;
            free(prisma);
            free(ours);
            continue;
        }
        char *err = mc_apply(db_prisma, prisma);
        if (err) {
            /* Then refract's, being the same text or equivalent, must fail too. */
            char *err2 = mc_apply(db_ours, ours);
            ck_assert_msg(err2 != NULL, "%s: Prisma's SQL fails but refract's applies", name);
            const char *first = strstr(err, "ERROR:");
            fprintf(stderr, "corpus: %s skipped: Prisma's own SQL fails on PostgreSQL: %.*s\n", name,
                    first ? (int)strcspn(first, "\n") : 0, first ? first : "");
            skipped++;
            free(err);
            free(err2);
            free(prisma);
            free(ours);
            continue;
        }
        err = mc_apply(db_ours, ours);
        ck_assert_msg(err == NULL, "%s: refract's SQL failed: %s", name, err);
        char *ca = mc_catalog(db_prisma), *cb = mc_catalog(db_ours);
        if (!strcmp(ca, cb))
            equal++;
        else
            mc_show_diff(name, ca, cb);
        free(ca);
        free(cb);
        free(prisma);
        free(ours);
    }
    closedir(d);
    fprintf(stderr,
            "corpus: %d of %d catalog-equal (%d skipped), %d text-identical\n",
            equal, total, skipped, identical);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(equal + skipped, total);
}
END_TEST

START_TEST(oracle_diffs_give_prismas_catalog)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the oracle catalogs\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/oracle/diff", shared());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int total = 0, equal = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        const char *suffix = ".old.prisma";
        if (n < strlen(suffix) || strcmp(e->d_name + n - strlen(suffix), suffix))
            continue;
        char name[256], old[1024], new[1024], prisma_sql[1024];
        snprintf(name, sizeof name, "%.*s", (int)(n - strlen(suffix)), e->d_name);
        snprintf(old, sizeof old, "%s/%s.old.prisma", dir, name);
        snprintf(new, sizeof new, "%s/%s.new.prisma", dir, name);
        snprintf(prisma_sql, sizeof prisma_sql, "%s/%s.sql", dir, name);
        total++;

        char *create_old = mc_diff_sql(NULL, old);
        char *ours = mc_diff_sql(old, new);
        char *prisma = mc_slurp(prisma_sql);
        ck_assert_ptr_nonnull(create_old);
        ck_assert_ptr_nonnull(ours);
        ck_assert_ptr_nonnull(prisma);

        char db_prisma[PGH_CONNINFO_MAX], db_ours[PGH_CONNINFO_MAX];
        mc_fresh_db(db_prisma, sizeof db_prisma);
        mc_fresh_db(db_ours, sizeof db_ours);
        char *err = mc_apply(db_prisma, create_old);
        ck_assert_msg(err == NULL, "%s: create(old) failed: %s", name, err);
        err = mc_apply(db_ours, create_old);
        ck_assert_msg(err == NULL, "%s: create(old) failed: %s", name, err);
        mc_run_checks(db_ours, old, new);
        err = mc_apply(db_prisma, prisma);
        ck_assert_msg(err == NULL, "%s: Prisma's diff failed: %s", name, err);
        err = mc_apply(db_ours, ours);
        ck_assert_msg(err == NULL, "%s: refract's diff failed: %s\n%s", name, err, ours);
        char *ca = mc_catalog(db_prisma), *cb = mc_catalog(db_ours);
        if (!strcmp(ca, cb))
            equal++;
        else
            mc_show_diff(name, ca, cb);
        ck_assert_msg(!strcmp(ca, cb), "%s: catalogs differ", name);
        free(ca);
        free(cb);
        free(create_old);
        free(ours);
        free(prisma);
    }
    closedir(d);
    fprintf(stderr, "oracle diffs: %d of %d give Prisma's catalog\n", equal, total);
    ck_assert_int_gt(total, 0);
}
END_TEST

static char *temp_schema(const char *text)
{
    char *path = strdup("/tmp/migsql-schema-XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* The data checks migdb runs before a destructive step see the data. */
START_TEST(checks_see_existing_data)
{
    const char *a = "datasource db {\n  provider = \"postgresql\"\n}\n"
                    "enum Role {\n  A\n  B\n  C\n}\n"
                    "model User {\n  id Int @id\n  name String?\n  nick String\n"
                    "  role Role\n  roles Role[]\n  email String\n  gone Int\n}\n"
                    "model Audit {\n  id Int @id\n}\n";
    const char *b = "datasource db {\n  provider = \"postgresql\"\n}\n"
                    "enum Role {\n  A\n  B\n}\n"
                    "model User {\n  id Int @id\n  name String\n  nick String @db.VarChar(3)\n"
                    "  role Role\n  roles Role[]\n  email String @unique\n  extra Int\n}\n";
    char *pa = temp_schema(a), *pb = temp_schema(b);
    char db[PGH_CONNINFO_MAX];
    mc_fresh_db(db, sizeof db);
    char *sql = mc_diff_sql(NULL, pa);
    ck_assert_ptr_null(mc_apply(db, sql));
    free(sql);
    mc_exec(db, "INSERT INTO \"User\" VALUES (1, NULL, 'long', 'C', '{C}', 'x', 1), "
                "(2, 'n', 'n', 'A', '{}', 'x', 2); INSERT INTO \"Audit\" VALUES (1)");

    arena ar = ARENA_INIT;
    migrate_loaded la = {0}, lb = {0};
    ck_assert(migrate_load_schema(pa, &la, &ar));
    ck_assert(migrate_load_schema(pb, &lb, &ar));
    migrate_steps *steps = migrate_diff(la.model, lb.model, &ar);
    PGconn *conn = PQconnectdb(db);
    int seen[MIGRATE_RISK_PRIMARY_KEY_CHANGED + 1] = {0};
    for (size_t i = 0; i < steps->count; i++) {
        const migrate_step *st = &steps->items[i];
        if (!st->check_sql)
            continue;
        PGresult *r = PQexec(conn, st->check_sql);
        ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", st->check_sql,
                      PQresultErrorMessage(r));
        ck_assert_msg(!strcmp(PQgetvalue(r, 0, 0), "t"), "blind check: %s", st->check_sql);
        PQclear(r);
        seen[st->risk] = 1;
    }
    PQfinish(conn);
    ck_assert(seen[MIGRATE_RISK_DROP_TABLE]);
    ck_assert(seen[MIGRATE_RISK_ENUM_VALUES_REMOVED]);
    ck_assert(seen[MIGRATE_RISK_UNIQUE_ADDED]);
    /* User's ALTER TABLE: drop column, required without default, made
     * required, narrowing cast: one step, its first risk named. */
    ck_assert(seen[MIGRATE_RISK_DROP_COLUMN]);
    migrate_loaded_free(&la);
    migrate_loaded_free(&lb);
    arena_free(&ar);
    unlink(pa);
    unlink(pb);
    free(pa);
    free(pb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migsql_catalog");
    TCase *tc = tcase_create("catalog");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, mc_setup, mc_teardown);
    tcase_add_test(tc, corpus_catalog_equals_prisma);
    tcase_add_test(tc, oracle_diffs_give_prismas_catalog);
    tcase_add_test(tc, checks_see_existing_data);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
