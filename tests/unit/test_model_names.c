/*
 * The model's database names and column types against Prisma's own SQL.
 *
 * For every schema of ../shared/corpus/expected, Prisma 7's
 * `migrate diff --from-empty` output names every table, enum, primary key,
 * index and foreign key, and types every column. The differ and the emitter
 * trust the model for these, so each one must be found in the model exactly
 * as Prisma spelled it. The same for ../shared/oracle/create.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/model.h"
#include "parse/parse.h"

typedef struct loaded {
    ast_schema ast;
    arena arena;
    diag_list diags;
    model_schema *model;
} loaded;

static void load(loaded *l, const char *path)
{
    memset(l, 0, sizeof *l);
    if (parse_path(&l->ast, path, &l->diags) == 0)
        l->model = model_resolve(&l->ast, &l->arena, &l->diags);
}

static void unload(loaded *l)
{
    arena_free(&l->arena);
    ast_schema_free(&l->ast);
    diag_list_free(&l->diags);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* The identifier inside the quotes starting at p ("x"), copied to out. */
static const char *quoted(const char *p, char *out, size_t cap)
{
    if (*p != '"')
        return NULL;
    p++;
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap)
        out[n++] = *p++;
    out[n] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

/* `"schema"."name"` or `"name"`: the last part. */
static const char *qualified(const char *p, char *out, size_t cap)
{
    p = quoted(p, out, cap);
    if (p && *p == '.')
        p = quoted(p + 1, out, cap);
    return p;
}

static const model_table *table_db(const model_schema *s, const char *db_name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (!strcmp(s->tables[i].db_name, db_name))
            return &s->tables[i];
    return NULL;
}

/* The column type as Prisma's CREATE TABLE writes it. */
static void render_type(const model_column *c, char *out, size_t cap)
{
    const char *t = c->sql_type;
    if (c->dflt.kind == MODEL_DEFAULT_AUTOINCREMENT) {
        if (!strcmp(t, "INTEGER"))
            t = "SERIAL";
        else if (!strcmp(t, "BIGINT"))
            t = "BIGSERIAL";
        else if (!strcmp(t, "SMALLINT"))
            t = "SMALLSERIAL";
    }
    if (c->type == MODEL_ENUM && c->enum_type->schema)
        snprintf(out, cap, "\"%s\".\"%s\"%s", c->enum_type->schema, t, c->list ? "[]" : "");
    else if (c->type == MODEL_ENUM)
        snprintf(out, cap, "\"%s\"%s", t, c->list ? "[]" : "");
    else
        snprintf(out, cap, "%s%s", t, c->list ? "[]" : "");
}

typedef struct tally {
    int checked, failed;
} tally;

static void mismatch(tally *t, const char *file, const char *what, const char *name)
{
    t->failed++;
    if (t->failed <= 40)
        fprintf(stderr, "%s: %s %s not in the model\n", file, what, name);
}

/* Prisma's statement order is the model's list order: tables (views are
 * not created), then each table's indexes, then each table's foreign keys.
 * `cursor` walks the model's flattened list of one kind. */
typedef struct order {
    size_t table, item;
    bool broken;
} order;

static const char *next_in_order(const model_schema *s, order *o, char kind)
{
    for (; o->table < s->ntables; o->table++, o->item = 0) {
        const model_table *t = &s->tables[o->table];
        if (t->kind == MODEL_TABLE_VIEW)
            continue;
        if (kind == 't') {
            if (o->item++ == 0)
                return t->db_name;
            continue;
        }
        size_t n = kind == 'i' ? t->nindexes : t->nfks;
        if (o->item < n) {
            const char *name = kind == 'i' ? t->indexes[o->item].db_name : t->fks[o->item].db_name;
            o->item++;
            return name;
        }
    }
    return NULL;
}

static void check_order(const char *file, const model_schema *s, order *o, char kind,
                        const char *name, tally *ty)
{
    if (o->broken)
        return;
    const char *want = next_in_order(s, o, kind);
    if (!want || strcmp(want, name)) {
        o->broken = true;
        char what[700];
        snprintf(what, sizeof what, "%s order: Prisma has %s where the model has %s",
                 kind == 't' ? "table" : kind == 'i' ? "index" : "foreign key", name,
                 want ? want : "nothing");
        mismatch(ty, file, what, "");
    }
}

/* Check every name and column type of one Prisma SQL script. */
static void check_script(const char *file, const char *sql, const model_schema *s, tally *ty)
{
    char name[256], table[256], other[256];
    const model_table *current = NULL;
    order tables = {0}, indexes = {0}, fks = {0};
    for (const char *line = sql; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *p;
        if (!strncmp(line, "CREATE TABLE ", 13)) {
            current = NULL;
            if (qualified(line + 13, table, sizeof table)) {
                ty->checked++;
                current = table_db(s, table);
                check_order(file, s, &tables, 't', table, ty);
                if (!current)
                    mismatch(ty, file, "table", table);
            }
        } else if (current && !strncmp(line, "    CONSTRAINT ", 15)) {
            if ((p = quoted(line + 15, name, sizeof name)) && strstr(p, "PRIMARY KEY") == p + 1) {
                ty->checked++;
                if (!current->pk || strcmp(current->pk->db_name, name))
                    mismatch(ty, file, "primary key", name);
            }
        } else if (current && !strncmp(line, "    \"", 5)) {
            if ((p = quoted(line + 4, name, sizeof name)) && *p == ' ') {
                ty->checked++;
                const model_column *c = model_find_column_db(current, name);
                char want[256], got[256];
                size_t n = 0, depth = 0; /* up to a ',' outside DECIMAL(p,s) */
                for (const char *q = p + 1; *q && *q != '\n' && (depth || *q != ','); q++, n++)
                    depth += (*q == '(') - (*q == ')');
                const char *nn = strstr(p + 1, " NOT NULL");
                const char *df = strstr(p + 1, " DEFAULT");
                if (nn && (size_t)(nn - (p + 1)) < n)
                    n = (size_t)(nn - (p + 1));
                if (df && (size_t)(df - (p + 1)) < n)
                    n = (size_t)(df - (p + 1));
                snprintf(want, sizeof want, "%.*s", (int)n, p + 1);
                if (!c) {
                    mismatch(ty, file, "column", name);
                    continue;
                }
                render_type(c, got, sizeof got);
                bool not_null = nn && (size_t)(nn - (p + 1)) < strcspn(p + 1, "\n");
                if (strcmp(want, got) || not_null != !c->nullable) {
                    char what[1400];
                    snprintf(what, sizeof what, "column %s.%s typed %s%s (model: %s%s)",
                             current->db_name, name, want, not_null ? " NOT NULL" : "", got,
                             c->nullable ? "" : " NOT NULL");
                    mismatch(ty, file, what, "");
                }
            }
        } else if (!strncmp(line, "CREATE TYPE ", 12)) {
            if (qualified(line + 12, name, sizeof name)) {
                ty->checked++;
                bool found = false;
                for (size_t i = 0; i < s->nenums; i++)
                    found |= !strcmp(s->enums[i].db_name, name);
                if (!found)
                    mismatch(ty, file, "enum", name);
            }
        } else if (!strncmp(line, "CREATE INDEX ", 13) || !strncmp(line, "CREATE UNIQUE INDEX ", 20)) {
            bool unique = line[7] == 'U';
            p = quoted(line + (unique ? 20 : 13), name, sizeof name);
            if (p && !strncmp(p, " ON ", 4) && qualified(p + 4, table, sizeof table)) {
                ty->checked++;
                const model_table *t = table_db(s, table);
                bool found = false;
                for (size_t i = 0; t && i < t->nindexes; i++)
                    found |= !strcmp(t->indexes[i].db_name, name) &&
                             (t->indexes[i].kind == MODEL_INDEX_UNIQUE) == unique;
                if (!found)
                    mismatch(ty, file, unique ? "unique index" : "index", name);
                check_order(file, s, &indexes, 'i', name, ty);
            }
        } else if (!strncmp(line, "ALTER TABLE ", 12) && strstr(line, " ADD CONSTRAINT ") &&
                   strstr(line, "FOREIGN KEY")) {
            p = qualified(line + 12, table, sizeof table);
            if (p && !strncmp(p, " ADD CONSTRAINT ", 16) && quoted(p + 16, other, sizeof other)) {
                ty->checked++;
                const model_table *t = table_db(s, table);
                bool found = false;
                for (size_t i = 0; t && i < t->nfks; i++)
                    found |= !strcmp(t->fks[i].db_name, other);
                if (!found)
                    mismatch(ty, file, "foreign key", other);
                check_order(file, s, &fks, 'f', other, ty);
            }
        }
    }
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

START_TEST(corpus_names_match_prisma)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared) {
        fputs("REFRACT_SHARED not set: skipping the corpus name check\n", stderr);
        return;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/expected", shared);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s missing: skipping\n", dir);
        return;
    }
    tally ty = {0};
    int schemas = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql"))
            continue;
        char base[512], sqlpath[1600], schema[1600];
        snprintf(base, sizeof base, "%.*s", (int)(n - 4), e->d_name);
        snprintf(sqlpath, sizeof sqlpath, "%s/%s", dir, e->d_name);
        snprintf(schema, sizeof schema, "%s/corpus/real/%s.prisma", shared, base);
        if (!exists(schema))
            snprintf(schema, sizeof schema, "%s/corpus/real/%s", shared, base);
        loaded l;
        load(&l, schema);
        ck_assert_msg(l.model != NULL, "%s does not resolve", schema);
        char *sql = slurp(sqlpath);
        check_script(base, sql, l.model, &ty);
        free(sql);
        unload(&l);
        schemas++;
    }
    closedir(d);
    fprintf(stderr, "corpus: %d schemas, %d names/types checked, %d mismatches\n", schemas,
            ty.checked, ty.failed);
    ck_assert_int_gt(schemas, 0);
    ck_assert_int_eq(ty.failed, 0);
}
END_TEST

START_TEST(oracle_names_match_prisma)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared) {
        fputs("REFRACT_SHARED not set: skipping the oracle name check\n", stderr);
        return;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/oracle/create", shared);
    DIR *d = opendir(dir);
    if (!d)
        return;
    tally ty = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma"))
            continue;
        char schema[1600], sqlpath[1600];
        snprintf(schema, sizeof schema, "%s/%s", dir, e->d_name);
        snprintf(sqlpath, sizeof sqlpath, "%s/%.*s.sql", dir, (int)(n - 7), e->d_name);
        loaded l;
        load(&l, schema);
        ck_assert_msg(l.model != NULL, "%s does not resolve", schema);
        char *sql = slurp(sqlpath);
        if (sql)
            check_script(e->d_name, sql, l.model, &ty);
        free(sql);
        unload(&l);
    }
    closedir(d);
    fprintf(stderr, "oracle: %d names/types checked, %d mismatches\n", ty.checked, ty.failed);
    ck_assert_int_eq(ty.failed, 0);
}
END_TEST

START_TEST(sample_schemas_match_prisma)
{
    /* schemas/valid/NAME.expected.sql is Prisma 7's `migrate diff
     * --from-empty` for NAME.prisma (prisma-oracle.sh create). */
    const char *root = getenv("REFRACT_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/schemas/valid", root ? root : ".");
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s missing", dir);
    tally ty = {0};
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 14 || strcmp(e->d_name + n - 13, ".expected.sql"))
            continue;
        char schema[1600], sqlpath[1600];
        snprintf(schema, sizeof schema, "%s/%.*s.prisma", dir, (int)(n - 13), e->d_name);
        snprintf(sqlpath, sizeof sqlpath, "%s/%s", dir, e->d_name);
        loaded l;
        load(&l, schema);
        ck_assert_msg(l.model != NULL, "%s does not resolve", schema);
        char *sql = slurp(sqlpath);
        check_script(e->d_name, sql, l.model, &ty);
        free(sql);
        unload(&l);
        files++;
    }
    closedir(d);
    fprintf(stderr, "samples: %d schemas, %d names/types checked, %d mismatches\n", files,
            ty.checked, ty.failed);
    ck_assert_int_gt(files, 0);
    ck_assert_int_eq(ty.failed, 0);
}
END_TEST

START_TEST(truncation_follows_prisma)
{
    arena a = ARENA_INIT;
    const char *table = "VeryLongModelNameForTestingIdentifierTruncationBehaviour";
    const char *cols[] = {"aVeryLongColumnNameThatIsDefinitelyLongerThanSixtyThreeChars"};
    ck_assert_str_eq(model_name_key(&a, table, cols, 1),
                     "VeryLongModelNameForTestingIdentifierTruncationBehaviour_aV_key");
    ck_assert_str_eq(model_name_idx(&a, table, cols, 1),
                     "VeryLongModelNameForTestingIdentifierTruncationBehaviour_aV_idx");
    ck_assert_str_eq(model_name_fkey(&a, table, cols, 1),
                     "VeryLongModelNameForTestingIdentifierTruncationBehaviour_a_fkey");
    ck_assert_uint_eq(strlen(model_name_fkey(&a, table, cols, 1)), 63);
    ck_assert_str_eq(model_name_pkey(&a, table),
                     "VeryLongModelNameForTestingIdentifierTruncationBehaviour_pkey");
    /* A cut never splits a UTF-8 character: "é" is two bytes. */
    char longname[80];
    memset(longname, 'x', 58);
    strcpy(longname + 58, "\xc3\xa9yz");
    const char *cut = model_name_key(&a, longname, NULL, 0);
    ck_assert_uint_le(strlen(cut), 63);
    ck_assert_str_eq(cut + strlen(cut) - 4, "_key");
    ck_assert_int_eq((unsigned char)cut[strlen(cut) - 5], 'x');
    ck_assert_str_eq(model_name_key(&a, "User", (const char *[]){"email"}, 1), "User_email_key");
    ck_assert_str_eq(model_name_idx(&a, "Grant", (const char *[]){"userId", "groupId"}, 2),
                     "Grant_userId_groupId_idx");
    arena_free(&a);
}
END_TEST

START_TEST(c_names)
{
    arena a = ARENA_INIT;
    ck_assert_str_eq(model_c_snake(&a, "createdAt"), "created_at");
    ck_assert_str_eq(model_c_snake(&a, "User"), "user");
    ck_assert_str_eq(model_c_snake(&a, "HTTPServer"), "http_server");
    ck_assert_str_eq(model_c_snake(&a, "created_at"), "created_at");
    ck_assert_str_eq(model_c_snake(&a, "userID"), "user_id");
    ck_assert_str_eq(model_c_snake(&a, "utf8Name"), "utf8_name");
    ck_assert_str_eq(model_c_snake(&a, "_count"), "count");
    ck_assert_str_eq(model_c_upper(&a, "inProgress"), "IN_PROGRESS");
    ck_assert_str_eq(model_c_upper(&a, "ADMIN"), "ADMIN");
    ck_assert_str_eq(model_c_upper(&a, "OrderStatus"), "ORDER_STATUS");
    ck_assert(model_c_reserved("default"));
    ck_assert(model_c_reserved("bool"));
    ck_assert(!model_c_reserved("user"));
    /* C++, GNU C, the standard headers, refract's own namespace. */
    const char *reserved[] = {"class", "new", "delete", "template", "this", "and", "xor",
                              "unix", "linux", "errno", "assert", "NULL", "stdin", "int32_t",
                              "size_t", "typeof", "rf_status", "rf_client"};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        ck_assert_msg(model_c_reserved(reserved[i]), "%s should be reserved", reserved[i]);
    ck_assert(!model_c_reserved("stmt"));
    ck_assert(!model_c_reserved("classes"));
    arena_free(&a);
}
END_TEST

/* ---- C names of whole schemas ----------------------------------------------- */

static void load_text(loaded *l, const char *text)
{
    memset(l, 0, sizeof *l);
    if (parse_text(&l->ast, "schema.prisma", text, strlen(text), &l->diags) == 0)
        l->model = model_resolve(&l->ast, &l->arena, &l->diags);
}

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n"
#define GEN "generator client {\n  provider = \"refract\"\n}\n"

static const char *member(const model_schema *s, const char *model, const char *field)
{
    const model_table *t = model_find_table(s, model);
    ck_assert_ptr_nonnull(t);
    const model_column *c = model_find_column(t, field);
    if (c)
        return c->c_name;
    const model_relation_field *rf = model_find_relation_field(t, field);
    ck_assert_ptr_nonnull(rf);
    return rf->c_name;
}

/* Adding a model, a field or an enum never renames what was there. */
START_TEST(c_names_never_shift)
{
    loaded before, after;
    load_text(&before, DS "model Poll {\n  id Int @id\n  class Int\n}\n");
    load_text(&after, DS "model PollVote {\n  id Int @id\n}\n"
                         "model Poll {\n  id Int @id\n  class Int\n  unix Int\n}\n"
                         "enum PollKind {\n  A\n}\n");
    ck_assert_ptr_nonnull(before.model);
    ck_assert_ptr_nonnull(after.model);
    ck_assert_str_eq(model_find_table(before.model, "Poll")->c_name, "poll");
    ck_assert_str_eq(model_find_table(after.model, "Poll")->c_name, "poll");
    ck_assert_str_eq(member(before.model, "Poll", "class"), "class_");
    ck_assert_str_eq(member(after.model, "Poll", "class"), "class_");
    ck_assert_str_eq(member(after.model, "Poll", "unix"), "unix_");
    unload(&before);
    unload(&after);
}
END_TEST

/* createdAt next to created_at: the snake_case one keeps the name, whatever
 * the order; the other is its Prisma name. */
START_TEST(c_member_fallback_is_order_independent)
{
    const char *orders[] = {
        DS "model E {\n  id Int @id\n  createdAt Int\n  created_at Int\n}\n",
        DS "model E {\n  id Int @id\n  created_at Int\n  createdAt Int\n}\n",
    };
    for (int i = 0; i < 2; i++) {
        loaded l;
        load_text(&l, orders[i]);
        ck_assert_ptr_nonnull(l.model);
        ck_assert_uint_eq(l.diags.nerrors, 0);
        ck_assert_str_eq(member(l.model, "E", "created_at"), "created_at");
        ck_assert_str_eq(member(l.model, "E", "createdAt"), "createdAt");
        ck_assert_str_eq(model_find_column(model_find_table(l.model, "E"), "createdAt")->c_upper,
                         "CREATEDAT");
        unload(&l);
    }
}
END_TEST

/* A clash is an error on the declaration that introduces it, whatever the
 * order of the declarations: the one whose own name is a generated name of
 * the other, else the later one. */
START_TEST(c_clash_is_an_error_on_the_culprit)
{
    const char *schemas[] = {
        DS GEN "model User {\n  id Int @id\n}\nmodel UserList {\n  id Int @id\n}\n",
        DS GEN "model UserList {\n  id Int @id\n}\nmodel User {\n  id Int @id\n}\n",
    };
    const unsigned lines[] = {10, 7};
    for (int i = 0; i < 2; i++) {
        loaded l;
        load_text(&l, schemas[i]);
        ck_assert_ptr_null(l.model);
        ck_assert_uint_eq(l.diags.nerrors, 1);
        const diag *d = &l.diags.items[0];
        ck_assert_ptr_nonnull(strstr(d->message, "model \"UserList\""));
        ck_assert_ptr_nonnull(strstr(d->message, "@@map(\"UserList\")"));
        ck_assert_uint_eq(d->loc.line, lines[i]);
        ck_assert_uint_eq(d->loc.col, 7);
        unload(&l);
    }
    /* Two generated names: the later value is blamed. */
    loaded l;
    load_text(&l, DS GEN "enum PaymentMethod {\n  CARD\n}\nenum Payment {\n  METHOD_CARD\n}\n");
    ck_assert_ptr_null(l.model);
    ck_assert_uint_eq(l.diags.nerrors, 1);
    ck_assert_ptr_nonnull(strstr(l.diags.items[0].message, "the value \"METHOD_CARD\""));
    ck_assert_uint_eq(l.diags.items[0].loc.line, 11);
    unload(&l);
}
END_TEST

/* Without a refract generator no C is generated, so a clash is only a
 * warning: a schema Prisma accepts still validates and migrates. */
START_TEST(c_clash_without_refract_generator_is_a_warning)
{
    loaded l;
    load_text(&l, DS "model User {\n  id Int @id\n}\nmodel UserList {\n  id Int @id\n}\n");
    ck_assert_ptr_nonnull(l.model);
    ck_assert_uint_eq(l.diags.nerrors, 0);
    ck_assert_uint_ge(l.diags.count, 1);
    ck_assert_ptr_nonnull(strstr(l.diags.items[0].message, "model \"UserList\""));
    unload(&l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_names");
    TCase *tc = tcase_create("names");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, truncation_follows_prisma);
    tcase_add_test(tc, c_names);
    tcase_add_test(tc, c_names_never_shift);
    tcase_add_test(tc, c_member_fallback_is_order_independent);
    tcase_add_test(tc, c_clash_is_an_error_on_the_culprit);
    tcase_add_test(tc, c_clash_without_refract_generator_is_a_warning);
    tcase_add_test(tc, oracle_names_match_prisma);
    tcase_add_test(tc, sample_schemas_match_prisma);
    tcase_add_test(tc, corpus_names_match_prisma);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
