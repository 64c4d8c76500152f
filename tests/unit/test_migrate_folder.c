/* The migrations folder: Prisma's names and layout, and clear errors for a
 * folder edited by hand into nonsense. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/folder.h"
#include "util/uuid.h"

static char root[64];

static void setup(void)
{
    strcpy(root, "/tmp/refract-folder-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    /* create parent folders */
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    if (text)
        ck_assert_int_eq(write_file_all(path, text, strlen(text)), 0);
    else
        mkdir(path, 0777);
}

static char *migrations(void)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/migrations", root);
    return path;
}

START_TEST(slug_follows_prisma)
{
    struct {
        const char *in, *out;
    } cases[] = {
        {"init", "init"},
        {"add posts", "add_posts"},
        {"Add Posts!", "add_posts"},
        {"addPosts", "add_posts"},
        {"HTTPServer v2", "http_server_v2"},
        {"  --weird__name--  ", "weird_name"},
        {"a-b.c/d", "a_b_c_d"},
        {"", ""},
        {"!!!", ""},
        {"café", "caf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = migration_slug(cases[i].in);
        ck_assert_msg(!strcmp(s, cases[i].out), "slug(\"%s\") = \"%s\", want \"%s\"",
                      cases[i].in, s, cases[i].out);
        free(s);
    }
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    char *s = migration_slug(longname);
    ck_assert_uint_eq(strlen(s), MIGRATION_SLUG_MAX);
    free(s);
}
END_TEST

START_TEST(path_is_beside_the_schema)
{
    char *p = migrations_path_for_schema("prisma/schema.prisma");
    ck_assert_str_eq(p, "prisma/migrations");
    free(p);
    p = migrations_path_for_schema("schema.prisma");
    ck_assert_str_eq(p, "migrations");
    free(p);
    p = migrations_path_for_schema("prisma/schema/");
    ck_assert_str_eq(p, "prisma/migrations");
    free(p);
    p = migrations_path_for_schema("/abs/db/schema");
    ck_assert_str_eq(p, "/abs/db/migrations");
    free(p);
}
END_TEST

START_TEST(missing_folder_is_empty)
{
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    ck_assert(!f.exists);
    ck_assert_uint_eq(f.count, 0);
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

START_TEST(reads_in_order_with_checksums)
{
    put("migrations/migration_lock.toml", MIGRATION_LOCK_CONTENT);
    put("migrations/20240102000000_second/migration.sql", "abc");
    put("migrations/20240101000000_first/migration.sql", "");
    put("migrations/20240101000000_first/schema.prisma", "model A { id Int @id }\n");
    put("migrations/.DS_Store", "junk");
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    ck_assert_uint_eq(f.count, 2);
    ck_assert_str_eq(f.items[0].name, "20240101000000_first");
    ck_assert(f.items[0].has_schema);
    ck_assert_str_eq(f.items[0].checksum,
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_str_eq(f.items[1].name, "20240102000000_second");
    ck_assert(!f.items[1].has_schema);
    ck_assert_str_eq(f.items[1].sql, "abc");
    ck_assert_str_eq(f.items[1].checksum,
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

/* refract's own files beside migration.sql: down.sql, and a squashed
 * migration's replaces.txt (comments and blank lines aside, one folder
 * name a line). */
START_TEST(down_sql_and_replaces_txt_are_read)
{
    put("migrations/20240101000000_a/migration.sql", "SELECT 1;");
    put("migrations/20240101000000_a/down.sql", "SELECT 2;");
    put("migrations/20240103000000_b/migration.sql", "SELECT 3;");
    put("migrations/20240103000000_b/replaces.txt",
        "# squashed\n\n  20240102000000_x  \n20240103000000_y\n");
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    ck_assert_str_eq(buf_cstr(&err), "");
    ck_assert(f.items[0].has_down);
    ck_assert_uint_eq(f.items[0].nreplaces, 0);
    ck_assert(!f.items[1].has_down);
    ck_assert_uint_eq(f.items[1].nreplaces, 2);
    ck_assert_str_eq(f.items[1].replaces[0], "20240102000000_x");
    ck_assert_str_eq(f.items[1].replaces[1], "20240103000000_y");
    migrations_free(&f);
    /* A line that is not a folder name is reported with its place. */
    put("migrations/20240103000000_b/replaces.txt", "20240102000000_x\nnot a name\n");
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), -1);
    ck_assert_msg(strstr(buf_cstr(&err), "20240103000000_b/replaces.txt:2: `not a name` is not a "
                                         "migration folder name"),
                  "%s", buf_cstr(&err));
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

START_TEST(nonsense_is_reported_all_at_once)
{
    put("migrations/20240101000000_ok/migration.sql", "SELECT 1;");
    put("migrations/20240102000000_nosql/schema.prisma", "");
    put("migrations/not_a_migration/migration.sql", "");
    put("migrations/notes.txt", "hello");
    put("migrations/20240103000000_extra/migration.sql", "");
    put("migrations/20240103000000_extra/migration.sql.orig", "");
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), -1);
    const char *e = buf_cstr(&err);
    ck_assert_ptr_nonnull(strstr(e, "20240102000000_nosql has no migration.sql"));
    ck_assert_ptr_nonnull(strstr(e, "not_a_migration is not a migration folder name"));
    ck_assert_ptr_nonnull(strstr(e, "unexpected file"));
    ck_assert_ptr_nonnull(strstr(e, "notes.txt"));
    ck_assert_ptr_nonnull(strstr(e, "migration.sql.orig"));
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

/* A NUL byte ends the text PostgreSQL sees: the migration would apply only
 * its beginning and be recorded as applied. Refused, with where it is. */
START_TEST(nul_byte_in_migration_sql_is_refused_with_its_place)
{
    put("migrations/20240101000000_ok/migration.sql", "SELECT 1;\n");
    put("migrations/20240102000000_nul/schema.prisma", "");
    char path[512];
    snprintf(path, sizeof path, "%s/migrations/20240102000000_nul/migration.sql", root);
    static const char text[] = "CREATE TABLE \"A\" (\"id\" INTEGER);\n"
                               "SELECT 1;\0DROP TABLE \"A\";\n";
    ck_assert_int_eq(write_file_all(path, text, sizeof text - 1), 0);
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), -1);
    const char *e = buf_cstr(&err);
    char want[600];
    snprintf(want, sizeof want, "%s:2:10: contains a NUL byte", path);
    ck_assert_msg(strstr(e, want) != NULL, "expected \"%s\" in:\n%s", want, e);
    /* The other migration is fine and not blamed. */
    ck_assert_ptr_null(strstr(e, "20240101000000_ok"));
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

/* Only regular files are read: a FIFO would block forever, a directory is
 * not an "I/O error". Each is named for what it is. */
START_TEST(fifo_or_directory_named_like_a_migration_file_is_named_for_what_it_is)
{
    char path[512];
    put("migrations/20240101000000_fifo/schema.prisma", "");
    snprintf(path, sizeof path, "%s/migrations/20240101000000_fifo/migration.sql", root);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    put("migrations/20240102000000_dir/migration.sql", NULL); /* a folder */
    snprintf(path, sizeof path, "%s/migrations/migration_lock.toml", root);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), -1); /* returns: no hang */
    const char *e = buf_cstr(&err);
    ck_assert_msg(strstr(e, "20240101000000_fifo/migration.sql: it is a FIFO, not a regular file"),
                  "%s", e);
    ck_assert_msg(strstr(e, "20240102000000_dir/migration.sql: it is a directory, not a regular "
                            "file"),
                  "%s", e);
    ck_assert_msg(strstr(e, "migration_lock.toml: it is a FIFO, not a regular file"), "%s", e);
    ck_assert_ptr_null(strstr(e, "Input/output error"));
    migrations_free(&f);
    buf_free(&err);

    /* The same for the files read one by one. */
    size_t len;
    ck_assert_ptr_null(read_regular_file(path, &len, &err));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "is a FIFO"));
    errno = 0;
    ck_assert_ptr_null(read_file_all(path, &len));
    ck_assert_int_ne(errno, 0);
    buf_free(&err);
}
END_TEST

START_TEST(lock_for_another_provider_is_refused)
{
    put("migrations/migration_lock.toml", "provider = \"mysql\"\n");
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), -1);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "another database provider"));
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

START_TEST(create_writes_prisma_layout_and_keeps_order)
{
    put("migrations/20990101000000_future/migration.sql", "");
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    char *name = NULL;
    /* 2024-01-01 00:00:00 UTC is older than the newest: moved past it. */
    ck_assert_int_eq(migrations_create(&f, "add_posts", 1704067200, "CREATE TABLE x();\n",
                                       "model X { id Int @id }\n", &name, &err),
                     0);
    ck_assert_str_eq(name, "20990101000001_add_posts");
    free(name);
    migrations_free(&f);

    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    ck_assert_uint_eq(f.count, 2);
    ck_assert_str_eq(f.items[1].sql, "CREATE TABLE x();\n");
    ck_assert(f.items[1].has_schema);
    char lock[256];
    snprintf(lock, sizeof lock, "%s/migration_lock.toml", migrations());
    char *text = read_file_all(lock, NULL);
    ck_assert_str_eq(text, "# Please do not edit this file manually\n"
                           "# It should be added in your version-control system (e.g., Git)\n"
                           "provider = \"postgresql\"\n");
    free(text);
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

START_TEST(create_uses_utc_timestamp)
{
    migration_folder f;
    buf err = BUF_INIT;
    ck_assert_int_eq(migrations_read(migrations(), &f, &err), 0);
    char *name = NULL;
    ck_assert_int_eq(migrations_create(&f, "init", 1704067200 + 3661, "", "", &name, &err), 0);
    ck_assert_str_eq(name, "20240101010101_init");
    free(name);
    migrations_free(&f);
    buf_free(&err);
}
END_TEST

START_TEST(multi_file_snapshot_parses_as_one)
{
    put("schema/b.prisma", "model B { id Int @id }");
    put("schema/a.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n");
    put("schema/sub/c.prisma", "model C { id Int @id }\n");
    put("schema/readme.md", "not a schema");
    char path[256];
    snprintf(path, sizeof path, "%s/schema", root);
    buf out = BUF_INIT, err = BUF_INIT;
    ck_assert_int_eq(migrations_snapshot_schema(path, &out, &err), 0);
    ck_assert_str_eq(buf_cstr(&out), "// refract: file a.prisma\n"
                                     "datasource db {\n  provider = \"postgresql\"\n}\n"
                                     "// refract: file b.prisma\n"
                                     "model B { id Int @id }\n"
                                     "// refract: file sub/c.prisma\n"
                                     "model C { id Int @id }\n");
    buf_free(&out);
    buf_free(&err);
}
END_TEST

START_TEST(uuid_is_version_4)
{
    char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];
    ck_assert_int_eq(uuid_v4(a), 0);
    ck_assert_int_eq(uuid_v4(b), 0);
    ck_assert_uint_eq(strlen(a), 36);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(a[14], '4');
    ck_assert_ptr_nonnull(strchr("89ab", a[19]));
    ck_assert(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_folder");
    TCase *tc = tcase_create("folder");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slug_follows_prisma);
    tcase_add_test(tc, path_is_beside_the_schema);
    tcase_add_test(tc, missing_folder_is_empty);
    tcase_add_test(tc, reads_in_order_with_checksums);
    tcase_add_test(tc, down_sql_and_replaces_txt_are_read);
    tcase_add_test(tc, nonsense_is_reported_all_at_once);
    tcase_add_test(tc, lock_for_another_provider_is_refused);
    tcase_add_test(tc, nul_byte_in_migration_sql_is_refused_with_its_place);
    tcase_add_test(tc, fifo_or_directory_named_like_a_migration_file_is_named_for_what_it_is);
    tcase_add_test(tc, create_writes_prisma_layout_and_keeps_order);
    tcase_add_test(tc, create_uses_utc_timestamp);
    tcase_add_test(tc, multi_file_snapshot_parses_as_one);
    tcase_add_test(tc, uuid_is_version_4);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
