/*
 * The catalog reader on a real PostgreSQL: a database built from refract's
 * SQL for a schema reads back as that schema's own db_schema, i.e. the
 * differ finds nothing between them.
 *
 *   - corpus: every PostgreSQL schema of $REFRACT_SHARED/corpus (a few in
 *     `make check`, all in check-full);
 *   - by hand: what Prisma's SQL cannot say (identity, generated columns,
 *     views, comments, sequences) is read into the catalog's extras;
 *   - db pull round trip, for the same corpus: the database built from
 *     refract's SQL is pulled; the pulled schema must (a) validate, (b) diff
 *     empty against the live database, and (c) give, with its own SQL, a
 *     database with the same pg_dump catalog.
 */
#include <dirent.h>
#include <sys/wait.h>

#include "check_full.h"
#include "introspect/catalog.h"
#include "migsql_catalog.h"

static const char *shared(void)
{
    return getenv("REFRACT_SHARED");
}

/* The schema path of corpus/expected/<name>.sql. */
static void corpus_schema(const char *name, char *out, size_t size)
{
    struct stat st;
    snprintf(out, size, "%s/corpus/real/%s.prisma", shared(), name);
    if (stat(out, &st) != 0)
        snprintf(out, size, "%s/corpus/real/%s", shared(), name);
}

static PGconn *connect_to(const char *conninfo)
{
    PGconn *pg = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
    return pg;
}

/* Read `conninfo` back and diff it against the schema at `path`; returns
 * the number of steps, printing their summary when there are some. */
static size_t steps_from_live(const char *label, const char *conninfo, const char *path)
{
    arena a = ARENA_INIT;
    migrate_loaded l = {0};
    ck_assert_msg(migrate_load_schema(path, &l, &a), "%s does not load", path);
    db_schema *model = dbschema_from_model(l.model, &a);
    PGconn *pg = connect_to(conninfo);
    catalog cat;
    buf err = BUF_INIT;
    catalog_options o = {.namespaces = model->namespaces, .nnamespaces = model->nnamespaces,
                         .multi_schema = model->multi_schema};
    ck_assert_msg(catalog_read(pg, &o, &a, &cat, &err) == 0, "%s", buf_cstr(&err));
    catalog_align(&cat, model);
    migrate_steps *steps = migrate_diff_db(&cat.db, model, &a);
    size_t n = steps->count;
    if (n) {
        buf out = BUF_INIT;
        migrate_render_sql(steps, &out, NULL);
        fprintf(stderr, "%s: %zu steps between the live database and the schema:\n%s\n", label, n,
                buf_cstr(&out));
        buf_free(&out);
    }
    PQfinish(pg);
    buf_free(&err);
    migrate_loaded_free(&l);
    arena_free(&a);
    return n;
}

/* In `make check`: small and varied ones. */
static bool in_quick_set(const char *name)
{
    return !strcmp(name, "keystonejs__keystone__cli-custom-prisma-project") ||
           !strcmp(name, "lukevella__rallly") || !strcmp(name, "toeverything__AFFiNE");
}

START_TEST(corpus_reads_back_as_its_schema)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the corpus\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/corpus/expected", shared());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int total = 0, empty = 0, skipped = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql"))
            continue;
        char name[256], schema[1024];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        if (!check_full() && !in_quick_set(name))
            continue;
        corpus_schema(name, schema, sizeof schema);
        total++;
        char *sql = mc_diff_sql(NULL, schema);
        ck_assert_ptr_nonnull(sql);
        char db[PGH_CONNINFO_MAX];
        mc_fresh_db(db, sizeof db);
        char *err = mc_apply(db, sql);
        free(sql);
        if (err) {
            /* Extensions this server lacks, or SQL PostgreSQL refuses
             * (test_migsql_catalog says which). */
            const char *first = strstr(err, "ERROR:");
            fprintf(stderr, "introspect: %s skipped: its SQL does not apply here: %.*s\n", name,
                    first ? (int)strcspn(first, "\n") : 0, first ? first : "");
            skipped++;
            free(err);
            continue;
        }
        if (steps_from_live(name, db, schema) == 0)
            empty++;
    }
    closedir(d);
    fprintf(stderr, "introspect: %d of %d corpus schemas read back with an empty diff (%d skipped)\n",
            empty, total, skipped);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(empty + skipped, total);
}
END_TEST

/* What Prisma's SQL never writes, read from SQL written by hand. */
static const char by_hand_sql[] =
    "CREATE SCHEMA billing;"
    "CREATE TYPE billing.\"Plan\" AS ENUM ('free', 'pro');"
    "COMMENT ON TYPE billing.\"Plan\" IS 'what a customer pays for';"
    "CREATE TABLE billing.account (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " plan billing.\"Plan\" NOT NULL DEFAULT 'free', tags TEXT[] DEFAULT '{a,b}',"
    " price NUMERIC(10,2) DEFAULT '-1.50', doc JSONB, ip INET, at TIMESTAMPTZ(3) DEFAULT now(),"
    " cents INTEGER GENERATED ALWAYS AS ((price * 100)::integer) STORED, box POINT);"
    "COMMENT ON TABLE billing.account IS 'one per customer';"
    "COMMENT ON COLUMN billing.account.plan IS 'see Plan';"
    "CREATE TABLE public.member (id SERIAL PRIMARY KEY, account BIGINT,"
    " CONSTRAINT member_account_fkey FOREIGN KEY (account) REFERENCES billing.account(id)"
    " ON DELETE SET NULL ON UPDATE CASCADE);"
    "CREATE INDEX account_doc_idx ON billing.account USING GIN (doc jsonb_path_ops);"
    "CREATE UNIQUE INDEX account_plan_at_key ON billing.account (plan, at DESC) WHERE ip IS NOT NULL;"
    "CREATE VIEW public.pro_accounts AS SELECT id FROM billing.account WHERE plan = 'pro';"
    "CREATE SEQUENCE public.ticket START 100 INCREMENT 5;";

static const db_table *table_named(const catalog *c, const char *schema, const char *name)
{
    const db_table *t = db_find_table(&c->db, schema, name);
    ck_assert_msg(t != NULL, "no table %s.%s", schema, name);
    return t;
}

START_TEST(by_hand_objects_are_read)
{
    char db[PGH_CONNINFO_MAX];
    mc_fresh_db(db, sizeof db);
    mc_exec(db, by_hand_sql);
    PGconn *pg = connect_to(db);
    arena a = ARENA_INIT;
    buf err = BUF_INIT;
    catalog c;
    static const char *const ns[] = {"public", "billing"};
    ck_assert_msg(catalog_read(pg, &(catalog_options){.namespaces = ns, .nnamespaces = 2}, &a, &c,
                               &err) == 0,
                  "%s", buf_cstr(&err));
    ck_assert_int_eq(c.db.ntables, 2);
    ck_assert_str_eq(c.db.namespaces[0], "billing");

    const db_table *acc = table_named(&c, "billing", "account");
    const catalog_table_extra *ax = &c.tables[acc - c.db.tables];
    ck_assert_str_eq(ax->comment, "one per customer");
    ck_assert_str_eq(acc->pk.name, "account_pkey");
    ck_assert(acc->columns[0].autoincrement);
    ck_assert_int_eq(ax->columns[0].identity, 'a');
    ck_assert_str_eq(acc->columns[1].type, "\"billing\".\"Plan\"");
    ck_assert_str_eq(acc->columns[1].enum_name, "Plan");
    ck_assert_str_eq(acc->columns[1].default_sql, "'free'");
    ck_assert_str_eq(ax->columns[1].comment, "see Plan");
    ck_assert(acc->columns[2].list);
    ck_assert_str_eq(acc->columns[2].default_sql, "ARRAY['a', 'b']::TEXT[]");
    ck_assert_str_eq(acc->columns[3].type, "DECIMAL(10,2)");
    ck_assert_str_eq(acc->columns[3].default_sql, "-1.50");
    ck_assert_str_eq(acc->columns[6].type, "TIMESTAMPTZ(3)");
    ck_assert_str_eq(acc->columns[6].default_sql, "now()");
    ck_assert_ptr_nonnull(ax->columns[7].generated);
    ck_assert_ptr_null(acc->columns[7].default_sql);
    ck_assert(ax->columns[8].unsupported);
    ck_assert_str_eq(acc->columns[8].type, "point");

    ck_assert_int_eq(acc->nindexes, 2);
    const db_index *gin = &acc->indexes[0], *uq = &acc->indexes[1];
    ck_assert_str_eq(gin->name, "account_doc_idx");
    ck_assert_str_eq(gin->method, "GIN");
    ck_assert_str_eq(gin->columns[0].opclass, "jsonb_path_ops");
    ck_assert(uq->unique);
    ck_assert_int_eq(uq->columns[1].sort, DB_SORT_DESC);
    ck_assert_str_eq(uq->where_sql, "(ip IS NOT NULL)");

    const db_table *mem = table_named(&c, "public", "member");
    ck_assert(mem->columns[0].autoincrement);
    ck_assert_int_eq(mem->nfks, 1);
    ck_assert_str_eq(mem->fks[0].ref_schema, "billing");
    ck_assert_str_eq(mem->fks[0].ref_table, "account");
    ck_assert_int_eq(mem->fks[0].on_delete, DB_ACTION_SET_NULL);
    ck_assert_int_eq(mem->fks[0].on_update, DB_ACTION_CASCADE);

    ck_assert_int_eq(c.db.nenums, 1);
    ck_assert_int_eq(c.db.enums[0].nvalues, 2);
    ck_assert_str_eq(c.enum_comments[0], "what a customer pays for");
    ck_assert_int_eq(c.nviews, 1);
    ck_assert_str_eq(c.views[0].name, "pro_accounts");
    ck_assert_int_eq(c.views[0].ncolumns, 1);
    bool ticket = false;
    for (size_t i = 0; i < c.nsequences; i++)
        if (!strcmp(c.sequences[i].name, "ticket"))
            ticket = c.sequences[i].start == 100 && c.sequences[i].increment == 5;
    ck_assert(ticket);
    bool citext = false;
    for (size_t i = 0; i < c.db.nextensions; i++)
        citext |= !strcmp(c.db.extensions[i].name, "citext");
    ck_assert(citext);
    PQfinish(pg);
    buf_free(&err);
    arena_free(&a);
}
END_TEST

/* ---- db pull round trip -------------------------------------------------------------- */

static const char *refract_bin(void)
{
    const char *b = getenv("REFRACT_BIN");
    return b && *b ? b : REFRACT_BIN;
}

static int db_counter;

/* A fresh database (citext and pg_trgm, as mc_fresh_db) with its URL. */
static void fresh_db_with_url(char *conninfo, char *url, size_t size)
{
    char name[64];
    snprintf(name, sizeof name, "pull%ld_%d", (long)getpid(), ++db_counter);
    ck_assert_int_eq(pgh_create_db(&mc_pg, name, conninfo, size), 0);
    ck_assert_int_eq(pgh_url(&mc_pg, name, url, size), 0);
    mc_exec(conninfo, "CREATE EXTENSION IF NOT EXISTS citext");
    mc_exec(conninfo, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
}

/* `refract db pull` into dir/schema.prisma, which holds only a datasource
 * (listing `original`'s schemas, if it has some) before; returns the exit
 * status, its output in *out (heap). */
static int pull_into(const char *dir, const char *url, const char *original, char **out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/schema.prisma", dir);
    arena a = ARENA_INIT;
    migrate_loaded l = {0};
    static const model_datasource none = {0};
    const model_datasource *ds = &none;
    if (original) {
        ck_assert(migrate_load_schema(original, &l, &a));
        ds = &l.model->datasource;
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("datasource db {\n  provider = \"postgresql\"\n", f);
    if (ds->nschemas) {
        fputs("  schemas  = [", f);
        for (size_t i = 0; i < ds->nschemas; i++)
            fprintf(f, "%s\"%s\"", i ? ", " : "", ds->schemas[i]);
        fputs("]\n", f);
    }
    fputs("}\n", f);
    if (ds->nschemas)
        fputs("\ngenerator client {\n  provider        = \"prisma-client\"\n"
              "  previewFeatures = [\"multiSchema\"]\n}\n",
              f);
    fclose(f);
    migrate_loaded_free(&l);
    arena_free(&a);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' db pull --schema '%s' --url '%s' 2>&1", refract_bin(), path,
             url);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_put(&b, chunk, n);
    int status = pclose(p);
    *out = buf_steal(&b);
    if (!*out)
        *out = strdup("");
    return WEXITSTATUS(status);
}

/* The round trip of one corpus schema; 1 when all three hold. */
static int round_trip(const char *name, const char *schema)
{
    char db[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX];
    fresh_db_with_url(db, url, sizeof db);
    char *sql = mc_diff_sql(NULL, schema);
    char *err = mc_apply(db, sql);
    free(sql);
    if (err) {
        free(err);
        return -1;
    }
    char dir[] = "/tmp/refract-pull-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *out;
    int rc = pull_into(dir, url, schema, &out);
    ck_assert_msg(rc == 0, "%s: db pull failed: %s", name, out);
    free(out);
    char pulled[600];
    snprintf(pulled, sizeof pulled, "%s/schema.prisma", dir);
    arena a = ARENA_INIT;
    migrate_loaded l = {0};
    bool valid = migrate_load_schema(pulled, &l, &a);
    migrate_loaded_free(&l);
    arena_free(&a);
    bool empty = valid && steps_from_live(name, db, pulled) == 0;
    bool same = false;
    if (valid) {
        char db2[PGH_CONNINFO_MAX];
        mc_fresh_db(db2, sizeof db2);
        char *sql2 = mc_diff_sql(NULL, pulled);
        char *err2 = mc_apply(db2, sql2);
        if (err2)
            fprintf(stderr, "%s: the pulled schema's SQL fails: %s\n", name, err2);
        else {
            char *ca = mc_catalog(db), *cb = mc_catalog(db2);
            same = !strcmp(ca, cb);
            if (!same)
                mc_show_diff(name, ca, cb);
            free(ca);
            free(cb);
        }
        free(sql2);
        free(err2);
    }
    fprintf(stderr, "pull %s: validates %s, diff vs live empty %s, same catalog %s\n", name,
            valid ? "yes" : "NO", empty ? "yes" : "NO", same ? "yes" : "NO");
    if (valid && empty && same) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        ck_assert_int_eq(system(cmd), 0);
    } else {
        fprintf(stderr, "  (the pulled schema is kept in %s)\n", dir);
    }
    return valid && empty && same;
}

START_TEST(corpus_pulls_round_trip)
{
    if (!shared()) {
        fputs("REFRACT_SHARED unset: skipping the corpus\n", stderr);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/corpus/expected", shared());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int total = 0, ok = 0, skipped = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql"))
            continue;
        char name[256], schema[1024];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        if (!check_full() && !in_quick_set(name))
            continue;
        corpus_schema(name, schema, sizeof schema);
        total++;
        int r = round_trip(name, schema);
        if (r < 0)
            skipped++;
        else
            ok += r;
    }
    closedir(d);
    fprintf(stderr, "pull: %d of %d corpus schemas round-trip (%d skipped: SQL does not apply)\n",
            ok, total, skipped);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(ok + skipped, total);
}
END_TEST

/* ---- db pull by hand ------------------------------------------------------------------ */

static const char pull_sql[] =
    "CREATE TYPE mood AS ENUM ('happy', 'so-so');"
    "CREATE TABLE \"user-accounts\" (id SERIAL PRIMARY KEY, \"first name\" TEXT NOT NULL,"
    " feeling mood NOT NULL DEFAULT 'happy', born DATE, spot POINT);"
    "COMMENT ON TABLE \"user-accounts\" IS 'people who log in';"
    "COMMENT ON COLUMN \"user-accounts\".\"first name\" IS 'as they typed it';"
    "CREATE TABLE \"Post\" (id SERIAL PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES"
    " \"user-accounts\"(id) ON DELETE CASCADE, editor_id INTEGER REFERENCES \"user-accounts\"(id),"
    " meta JSONB, title VARCHAR(80) NOT NULL DEFAULT '');"
    "CREATE INDEX post_title_desc ON \"Post\" (title DESC);"
    "CREATE INDEX \"Post_meta_idx\" ON \"Post\" USING GIN (meta jsonb_path_ops);"
    "CREATE TABLE employee (id BIGSERIAL PRIMARY KEY, manager_id BIGINT REFERENCES employee(id));"
    "CREATE TABLE log (at TIMESTAMPTZ(3) NOT NULL DEFAULT now(), msg TEXT);"
    "CREATE VIEW happy AS SELECT id FROM \"user-accounts\" WHERE feeling = 'happy';";

/* Run refract with `args` (a shell fragment) in `dir`; output in *out. */
static int run_in(const char *dir, const char *args, char **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>&1", dir, refract_bin(), args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_put(&b, chunk, n);
    int status = pclose(p);
    buf_cstr(&b);
    *out = buf_steal(&b);
    return WEXITSTATUS(status);
}

#define ck_assert_has(hay, needle)                                                             \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "expected \"%s\" in:\n%s", (needle), (hay))

START_TEST(pull_names_relations_and_oddities_as_prisma)
{
    char db[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX];
    fresh_db_with_url(db, url, sizeof db);
    mc_exec(db, pull_sql);
    char dir[] = "/tmp/refract-pull-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *out;
    ck_assert_int_eq(pull_into(dir, url, NULL, &out), 0);
    ck_assert_has(out, "Introspected 4 models");
    free(out);
    char path[600];
    snprintf(path, sizeof path, "%s/schema.prisma", dir);
    char *text = mc_slurp(path);
    /* Names made identifiers, with the database names mapped. */
    ck_assert_has(text, "/// people who log in\nmodel user_accounts {");
    ck_assert_has(text, "@@map(\"user-accounts\")");
    ck_assert_has(text, "/// as they typed it\n  first_name");
    ck_assert_has(text, "@map(\"first name\")");
    ck_assert_has(text, "so_so @map(\"so-so\")");
    ck_assert_has(text, "@default(happy)");
    ck_assert_has(text, "Unsupported(\"point\")?");
    ck_assert_has(text, "@db.Date");
    /* Two relations between the same models: named after their columns. */
    ck_assert_has(text, "user_accounts_Post_author_idTouser_accounts user_accounts  "
                        "@relation(\"Post_author_idTouser_accounts\", fields: [author_id], "
                        "references: [id], onDelete: Cascade, onUpdate: NoAction)");
    ck_assert_has(text, "@relation(\"Post_editor_idTouser_accounts\", fields: [editor_id], "
                        "references: [id], onDelete: NoAction, onUpdate: NoAction)");
    ck_assert_has(text, "Post_Post_author_idTouser_accounts Post[]                "
                        "@relation(\"Post_author_idTouser_accounts\")");
    /* A self-relation, once: Prisma's names. */
    ck_assert_has(text, "  employee       employee?  @relation(\"employeeToemployee\", fields: "
                        "[manager_id], references: [id], onDelete: NoAction, onUpdate: NoAction)\n"
                        "  other_employee employee[] @relation(\"employeeToemployee\")\n");
    /* A default the model cannot say otherwise stays the database's. */
    ck_assert_has(text, "@default(dbgenerated(\"now()\")) @db.Timestamptz(3)");
    /* Indexes: a name that is not the default is kept, options written. */
    ck_assert_has(text, "@@index([title(sort: Desc)], map: \"post_title_desc\")");
    ck_assert_has(text, "@@index([meta(ops: JsonbPathOps)], type: Gin)");
    ck_assert_has(text, "@db.VarChar(80)");
    /* No unique criterion: ignored, with Prisma's comment. */
    ck_assert_has(text, "/// The underlying table does not contain a valid unique identifier");
    ck_assert_has(text, "@@ignore");
    /* Views need the preview feature. */
    ck_assert_has(text, "// The view \"happy\" was not pulled");
    free(text);
    /* What was written is a valid schema. */
    ck_assert_int_eq(run_in(dir, "validate --schema schema.prisma", &out), 0);
    free(out);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A re-pull keeps the names, field order and documentation of the models
 * already in the schema; --force starts over. */
START_TEST(repull_keeps_names_order_and_docs)
{
    char db[PGH_CONNINFO_MAX], url[PGH_CONNINFO_MAX];
    fresh_db_with_url(db, url, sizeof db);
    mc_exec(db, "CREATE TABLE post (id SERIAL PRIMARY KEY, title TEXT NOT NULL, body TEXT)");
    char dir[] = "/tmp/refract-pull-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/schema.prisma", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("datasource db {\n  provider = \"postgresql\"\n}\n\n"
          "/// Things people write.\n"
          "model Article {\n"
          "  /// What it is called.\n"
          "  headline String @map(\"title\")\n"
          "  id       Int    @id @default(autoincrement())\n"
          "  body     String?\n\n"
          "  @@map(\"post\")\n"
          "}\n",
          f);
    fclose(f);
    mc_exec(db, "ALTER TABLE post ADD COLUMN views INTEGER NOT NULL DEFAULT 0");
    char args[1200], *out;
    snprintf(args, sizeof args, "db pull --schema schema.prisma --url '%s'", url);
    ck_assert_int_eq(run_in(dir, args, &out), 0);
    free(out);
    char *text = mc_slurp(path);
    ck_assert_has(text, "/// Things people write.\nmodel Article {\n"
                        "  /// What it is called.\n"
                        "  headline String  @map(\"title\")\n"
                        "  id       Int     @id @default(autoincrement())\n"
                        "  body     String?\n"
                        "  views    Int     @default(0)\n");
    ck_assert_has(text, "@@map(\"post\")");
    free(text);
    snprintf(args, sizeof args, "db pull --force --schema schema.prisma --url '%s'", url);
    ck_assert_int_eq(run_in(dir, args, &out), 0);
    free(out);
    text = mc_slurp(path);
    ck_assert_has(text, "model post {\n  id    Int     @id @default(autoincrement())\n");
    ck_assert(strstr(text, "Article") == NULL);
    free(text);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("introspect");
    TCase *tc = tcase_create("catalog");
    tcase_add_unchecked_fixture(tc, mc_setup, mc_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, corpus_reads_back_as_its_schema);
    tcase_add_test(tc, by_hand_objects_are_read);
    tcase_add_test(tc, corpus_pulls_round_trip);
    tcase_add_test(tc, pull_names_relations_and_oddities_as_prisma);
    tcase_add_test(tc, repull_keeps_names_order_and_docs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
