/*
 * test_dsn_check.c — a malformed connection string is Prisma's P1013 ("The
 * provided database string is invalid"), not an unreachable server, and no
 * message shows its password: librefract's rf_connect/rf_pool_open and the
 * CLI's migrate commands alike. rf_connect(NULL) says where it looked for a
 * URL. No server is needed: all of this is decided before connecting.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dsn_check.h"
#include "internal.h"

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

#define SECRET "s3cr3t-Pw"

/* Malformed in ways libpq sees at parse time, at connect time (a port), or
 * not at all (a password libpq reads as something else). */
static const char *const malformed[] = {
    "postgresql://app:" SECRET "@[db.example.com/app",           /* unclosed IPv6 bracket */
    "postgresql://app:" SECRET "@db.example.com:port/app",        /* port not a number */
    "postgresql://app:" SECRET "/x@db.example.com/app",           /* unencoded '/' */
    "postgresql://app:" SECRET "@db@example.com/app",             /* unencoded '@' */
    "postgresql://app@db.example.com/app?password=" SECRET "&sslmode=bogus%zz",
    "host=db.example.com password=" SECRET " port=abc",
    "host=db.example.com password='" SECRET " x' bogus",
};

START_TEST(test_mask_hides_every_password)
{
    static const struct { const char *in, *out; } cases[] = {
        { "postgresql://u:p%40ss@h:5432/db", "postgresql://u:****@h:5432/db" },
        { "postgresql://u:a/b?c@d@h/db?sslmode=require", "postgresql://u:****@h/db?sslmode=require" },
        { "postgresql://u@h/db?password=x&sslmode=require", "postgresql://u@h/db?password=****&sslmode=require" },
        { "postgresql://u@h/db", "postgresql://u@h/db" },
        { "postgresql://h/db?host=/tmp", "postgresql://h/db?host=/tmp" },
        { "host=h password=x user=u", "host=h password=**** user=u" },
        { "host=h password = 'it\\'s x' user=u", "host=h password = **** user=u" },
        { "", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *m = rf_dsn_mask(cases[i].in);
        ck_assert_str_eq(m, cases[i].out);
        free(m);
    }
}
END_TEST

START_TEST(test_check_tells_malformed_from_fine)
{
    char why[640];
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        ck_assert_msg(!rf_dsn_check(malformed[i], why, sizeof why), "%s passed", malformed[i]);
        ck_assert_msg(*why, "no reason for %s", malformed[i]);
        ck_assert_msg(!strstr(why, SECRET) && !strstr(why, "s3cr3t"), "%s", why);
    }
    const char *fine[] = {
        "", "host=/tmp dbname=x", "postgresql://u:p%2Fw%40d@h:5432/db?sslmode=disable",
        "postgresql://u:pa:ss@h/db", "postgresql:///db?host=/tmp&port=5433",
        "postgresql://h1:5432,h2:5433/db",
        "postgresql://u:a?b@h/db", /* libpq reads a '?' before the '@' as the password's */
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        ck_assert_msg(rf_dsn_check(fine[i], why, sizeof why), "%s: %s", fine[i], why);
}
END_TEST

START_TEST(test_rf_connect_malformed_is_p1013_without_password)
{
    /* librefract passes unknown URL parameters on, and libpq rejects them
     * (the CLI drops them instead) */
    rf_client *u = NULL;
    ck_assert_int_eq(rf_connect("postgres://app:" SECRET "@db.example.com/app?nosuchoption=1",
                                &u), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(rf_last_error(u)->prisma_code, "P1013");
    ck_assert_msg(strstr(rf_last_error(u)->message, "nosuchoption"), "%s",
                  rf_last_error(u)->message);
    ck_assert_msg(!strstr(rf_last_error(u)->message, "s3cr3t"), "%s", rf_last_error(u)->message);
    rf_close(u);

    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        rf_client *c = NULL;
        rf_status st = rf_connect(malformed[i], &c);
        const rf_error *e = rf_last_error(c);
        ck_assert_msg(st == RF_INVALID_ARGUMENT, "%s: %s: %s", malformed[i],
                      rf_status_name(st), e->message);
        ck_assert_str_eq(e->prisma_code, "P1013");
        ck_assert_msg(strstr(e->message, "The provided database string is invalid"), "%s",
                      e->message);
        ck_assert_msg(!strstr(e->message, "s3cr3t"), "%s", e->message);
        ck_assert(!rf_connected(c));
        rf_close(c);

        rf_pool *pool = NULL;
        ck_assert_int_eq(rf_pool_open(malformed[i], 1, &pool), RF_INVALID_ARGUMENT);
        ck_assert_ptr_null(pool);
        ck_assert_str_eq(rf_last_error(NULL)->prisma_code, "P1013");
        ck_assert_msg(!strstr(rf_last_error(NULL)->message, "s3cr3t"), "%s",
                      rf_last_error(NULL)->message);
    }
}
END_TEST

/* rf_connect(NULL): DATABASE_URL from the environment, nothing else. */
START_TEST(test_no_database_url_says_where_it_looked)
{
    char dir[] = "/tmp/refract-dsn-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cwd[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(dir), 0);
    unsetenv("DATABASE_URL");

    rf_client *c = NULL;
    ck_assert_int_eq(rf_connect(NULL, &c), RF_INVALID_ARGUMENT);
    const char *m = rf_last_error(c)->message;
    ck_assert_msg(strstr(m, "Environment variable not found: DATABASE_URL"), "%s", m);
    ck_assert_msg(strstr(m, ".env files are not read"), "%s", m);
    rf_close(c);

    /* the URL is in ./.env only: say that it is not read, and how to load it */
    FILE *f = fopen(".env", "w");
    ck_assert_ptr_nonnull(f);
    fputs("# local\nexport DATABASE_URL=\"postgresql://u:" SECRET "@h/db\"\n", f);
    fclose(f);
    ck_assert_int_eq(rf_connect(NULL, &c), RF_INVALID_ARGUMENT);
    m = rf_last_error(c)->message;
    ck_assert_msg(strstr(m, "./.env sets DATABASE_URL, but .env files are not read"), "%s", m);
    ck_assert_msg(!strstr(m, "s3cr3t"), "%s", m);
    rf_close(c);
    rf_pool *pool;
    ck_assert_int_eq(rf_pool_open(NULL, 1, &pool), RF_INVALID_ARGUMENT);
    ck_assert_msg(strstr(rf_last_error(NULL)->message, "./.env sets DATABASE_URL"), "%s",
                  rf_last_error(NULL)->message);

    /* set in the environment: used (a malformed one says so, masked) */
    setenv("DATABASE_URL", malformed[0], 1);
    ck_assert_int_eq(rf_connect(NULL, &c), RF_INVALID_ARGUMENT);
    ck_assert_str_eq(rf_last_error(c)->prisma_code, "P1013");
    rf_close(c);
    unsetenv("DATABASE_URL");

    unlink(".env");
    ck_assert_int_eq(chdir(cwd), 0);
    rmdir(dir);
}
END_TEST

/* The CLI: `refract migrate deploy --url <malformed>`. */
START_TEST(test_cli_malformed_url_is_p1013_without_password)
{
    char dir[] = "/tmp/refract-dsn-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[1100];
    snprintf(path, sizeof path, "%s/schema.prisma", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("datasource db {\n  provider = \"postgresql\"\n}\nmodel A {\n  id Int @id\n}\n", f);
    fclose(f);
    const char *bin = getenv("REFRACT_BIN");
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && NO_COLOR=1 '%s' migrate deploy --schema schema.prisma --url \"%s\" "
                 ">out.txt 2>&1",
                 dir, bin ? bin : REFRACT_BIN, malformed[i]);
        int status = system(cmd);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 1);
        snprintf(path, sizeof path, "%s/out.txt", dir);
        f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        char out[8192];
        size_t n = fread(out, 1, sizeof out - 1, f);
        out[n] = '\0';
        fclose(f);
        ck_assert_msg(strstr(out, "P1013: The provided database string is invalid"), "%s: %s",
                      malformed[i], out);
        ck_assert_msg(!strstr(out, "s3cr3t"), "%s", out);
        ck_assert_msg(!strstr(out, "P1001"), "%s", out);
    }
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dsn_check");
    TCase *tc = tcase_create("dsn");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_mask_hides_every_password);
    tcase_add_test(tc, test_check_tells_malformed_from_fine);
    tcase_add_test(tc, test_rf_connect_malformed_is_p1013_without_password);
    tcase_add_test(tc, test_no_database_url_says_where_it_looked);
    tcase_add_test(tc, test_cli_malformed_url_is_p1013_without_password);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
