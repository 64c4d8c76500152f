/*
 * The catalog reader on a real PostgreSQL: a database built from refract's
 * SQL for a schema reads back as that schema's own db_schema, i.e. the
 * differ finds nothing between them.
 *
 *   - corpus: every PostgreSQL schema of $REFRACT_SHARED/corpus (a few in
 *     `make check`, all in check-full);
 *   - by hand: what Prisma's SQL cannot say (identity, generated columns,
 *     views, comments, sequences) is read into the catalog's extras.
 */
#include <dirent.h>

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

int main(void)
{
    Suite *s = suite_create("introspect");
    TCase *tc = tcase_create("catalog");
    tcase_add_unchecked_fixture(tc, mc_setup, mc_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, corpus_reads_back_as_its_schema);
    tcase_add_test(tc, by_hand_objects_are_read);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
