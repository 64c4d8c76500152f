/*
 * app.c — an issue tracker on the generated client (gen/db.h), written as a
 * service would use it, beyond what examples/blog shows: nested creates with
 * connect, nested updates, relation filters (some/every/none/is), include
 * with per-level arguments, relation counts, aggregate and groupBy on
 * Decimal, distinct, ordering by a relation, a composite primary key, enum
 * lists, Prisma's error codes (P2002 with its target, P2003, P2014, P2025),
 * nested transactions (savepoints), row locking, a batch, create_many,
 * streaming, and worker threads on a pool.
 *
 * Every result is checked against what Prisma's documented semantics say it
 * must be; the program prints each failed expectation and exits 1.
 *
 * Run with DATABASE_URL pointing at an empty database migrated to
 * schema.prisma (`make run` does all of it on a throwaway PostgreSQL).
 */
#define _POSIX_C_SOURCE 200809L /* pthreads */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* Expectations: each failure is printed with the database's own words, and
 * counted; the run goes on so that one report shows all of them. */
static atomic_int failures; /* the pool's worker threads count too */
#define EXPECT(cond)                                                                              \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            failures++;                                                                           \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);                   \
        }                                                                                         \
    } while (0)
#define OK(client, call)                                                                          \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        if (st_ != RF_OK) {                                                                       \
            failures++;                                                                           \
            fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call,                    \
                    rf_status_name(st_), rf_last_error(client)->message);                         \
        }                                                                                         \
    } while (0)

static rf_client *db;
static int32_t org_id, proj_id, ada, bob, eve, bug_label, ux_label;

static void seed(rf_arena *a)
{
    db_organization org = {0};
    OK(db, db_organization_create(db, &(db_organization_create_input){ .slug = "acme", .name = "Acme" }, &org, a));
    org_id = org.id;
    /* A user created with a profile (1:1) and a membership (1:n) in one call. */
    db_user u = {0};
    OK(db, db_user_create_nested(db, &(db_user_nested_create){
        .data = &(db_user_create_input){ .email = "ada@acme.io", .name = "Ada" },
        .profile = { .create = &(db_profile_nested_create){ .data = &(db_profile_create_input){
                         .timezone = "Europe/London", .settings = "{\"theme\":\"dark\"}" } }, .ncreate = 1 },
        .members = { .create = &(db_member_nested_create){ .data = &(db_member_create_input){
                         .org_id = org_id, .role = DB_ROLE_OWNER } }, .ncreate = 1 } }, &u, a));
    ada = u.id;
    OK(db, db_user_create(db, &(db_user_create_input){ .email = "bob@acme.io", .name = "Bob" }, &u, a));
    bob = u.id;
    OK(db, db_user_create(db, &(db_user_create_input){ .email = "eve@acme.io", .name = "Eve" }, &u, a));
    eve = u.id;
    int64_t n = 0;
    OK(db, db_member_create_many(db, (db_member_create_input[]){
        { .org_id = org_id, .user_id = bob, .role = DB_ROLE_MAINTAINER },
        { .org_id = org_id, .user_id = eve } }, 2, false, &n));
    EXPECT(n == 2);
    db_project p = {0};
    OK(db, db_project_create(db, &(db_project_create_input){ .org_id = org_id, .key = "CORE", .name = "Core",
                                                           .budget = "12500.50" }, &p, a));
    proj_id = p.id;
    EXPECT(p.budget && strcmp(p.budget, "12500.5") == 0);   /* Prisma's Decimal prints no trailing zeros */
    db_label l = {0};
    OK(db, db_label_create(db, &(db_label_create_input){ .name = "bug", .color = "#ff0000" }, &l, a));
    bug_label = l.id;
    OK(db, db_label_create(db, &(db_label_create_input){ .name = "ux" }, &l, a));
    ux_label = l.id;
    EXPECT(strcmp(l.color, "#cccccc") == 0);
}

static void nested_writes(rf_arena *a)
{
    /* An epic with two sub-issues (self-relation), connected to a project, a
     * reporter, labels and a watcher, in one transaction. */
    const char *tags[] = { "backend", "q3" };
    db_issue epic;
    db_issue_nested_create kids[] = {
        { .data = &(db_issue_create_input){ .project_id = proj_id, .number = 2, .title = "Schema",
                                            .reporter_id = ada, .estimate = "3.50", .priority = DB_PRIORITY_HIGH } },
        { .data = &(db_issue_create_input){ .project_id = proj_id, .number = 3, .title = "API",
                                            .reporter_id = ada, .estimate = "5.25", .assignee_id = RF_SOME(rf_opt_i32, bob) } },
    };
    OK(db, db_issue_create_nested(db, &(db_issue_nested_create){
        .data = &(db_issue_create_input){ .number = 1, .title = "Epic: billing", .estimate = "1.00",
                    .tags = { tags, 2 }, .metadata = "{\"source\":\"email\",\"votes\":3}" },
        .project = { .connect = &(db_project_where){ .id = RF_EQ(proj_id) }, .nconnect = 1 },
        .reporter = { .connect = &(db_user_where){ .email = RF_EQ("ada@acme.io") }, .nconnect = 1 },
        .children = { .create = kids, .ncreate = 2 },
        .labels = { .connect = (db_label_where[]){ { .name = RF_EQ("bug") }, { .name = RF_EQ("ux") } }, .nconnect = 2 },
        .watchers = { .connect = &(db_user_where){ .id = RF_EQ(eve) }, .nconnect = 1 } }, &epic, a));
    EXPECT(epic.status == DB_ISSUE_STATUS_OPEN && epic.priority == DB_PRIORITY_MEDIUM);
    EXPECT(epic.tags.count == 2 && strcmp(epic.tags.items[1], "q3") == 0);
    EXPECT(epic.project_id == proj_id && epic.reporter_id == ada);

    db_issue got;
    OK(db, db_issue_find_unique_by_id(db, epic.id, &(db_issue_include){ .children = true, .labels = true,
                                       .watchers = true, .project = true }, &got, a));
    EXPECT(got.children.count == 2 && got.labels.count == 2 && got.watchers.count == 1);
    EXPECT(got.project && strcmp(got.project->key, "CORE") == 0);

    /* Nested update: close a sub-issue, comment on it, let go of the ux label. */
    OK(db, db_issue_update_nested_by_id(db, epic.id, &(db_issue_nested_update){
        .data = &(db_issue_update_input){ .status = RF_SET(DB_ISSUE_STATUS_IN_PROGRESS) },
        .children = { .update = { .where = (db_issue_where[]){ { .title = RF_EQ("Schema") } },
                                  .data = &(db_issue_nested_update){
                                      .data = &(db_issue_update_input){ .status = RF_SET(DB_ISSUE_STATUS_DONE) },
                                      .comments = { .create = &(db_comment_nested_create){
                                          .data = &(db_comment_create_input){ .body = "merged", .author_id = RF_SOME(rf_opt_i32, bob) } },
                                          .ncreate = 1 } } }, .nupdate = 1 },
        .labels = { .disconnect = (db_label_where[]){ { .name = RF_EQ("ux") } }, .ndisconnect = 1 } }, &got, a));
    EXPECT(got.status == DB_ISSUE_STATUS_IN_PROGRESS);
    int64_t n;
    OK(db, db_issue_count(db, &(db_issue_where){ .labels = { .some = &(db_label_where){ .name = RF_EQ("ux") } } }, &n));
    EXPECT(n == 0);
    /* P2014: a comment cannot be disconnected from its issue (required FK). */
    rf_status st = db_issue_update_nested_by_project_id_number(db, proj_id, 2, &(db_issue_nested_update){
        .comments = { .disconnect = (db_comment_where[]){ { .body = RF_EQ("merged") } }, .ndisconnect = 1 } }, NULL, a);
    EXPECT(st == RF_RELATION_VIOLATION);
    EXPECT(strcmp(rf_last_error(db)->prisma_code, "P2014") == 0);
    /* P2025: connect to a label that is not there; nothing is written. */
    st = db_issue_update_nested_by_id(db, epic.id, &(db_issue_nested_update){
        .data = &(db_issue_update_input){ .title = RF_SET("renamed") },
        .labels = { .connect = (db_label_where[]){ { .name = RF_EQ("nope") } }, .nconnect = 1 } }, NULL, a);
    EXPECT(st == RF_NOT_FOUND && strcmp(rf_last_error(db)->prisma_code, "P2025") == 0);
    OK(db, db_issue_find_unique_by_id(db, epic.id, NULL, &got, a));
    EXPECT(strcmp(got.title, "Epic: billing") == 0);
}

static void reads(rf_arena *a)
{
    int64_t n;
    /* Relation filters: some / every / none / is. */
    OK(db, db_user_count(db, &(db_user_where){ .assigned = { .some = &(db_issue_where){ .title = RF_EQ("API") } } }, &n));
    EXPECT(n == 1);
    static const db_issue_where any_issue;
    OK(db, db_user_count(db, &(db_user_where){ .reported = { .none = &any_issue } }, &n));
    EXPECT(n == 2);                               /* bob and eve reported nothing */
    OK(db, db_issue_count(db, &(db_issue_where){ .children = { .every = &(db_issue_where){
                                 .status = RF_EQ(DB_ISSUE_STATUS_DONE) } } }, &n));
    EXPECT(n == 2);                               /* the 2 leaves (vacuous), not the epic */
    OK(db, db_issue_count(db, &(db_issue_where){ .parent = { .is = &(db_issue_where){ .number = RF_EQ(1) } } }, &n));
    EXPECT(n == 2);
    OK(db, db_issue_count(db, &(db_issue_where){ .assignee = RF_IS_NULL }, &n));
    EXPECT(n == 2);
    OK(db, db_issue_count(db, &(db_issue_where){ .tags = RF_HAS("q3") }, &n));
    EXPECT(n == 1);

    /* Include with per-level args, and _count. */
    db_issue_list l;
    OK(db, db_issue_find_many(db, &(db_issue_query){ .where = &(db_issue_where){ .parent_id = RF_IS_NULL },
        .include = { ._args.children = &(db_issue_query){
            .order_by = (db_issue_order[]){ { DB_ISSUE_BY_NUMBER, RF_DESC, RF_NULLS_DEFAULT } }, .norder = 1,
            .take = 1, .include = { .comments = true } } },
        .count = { .children = { .on = true }, .watchers = { .on = true } } }, &l, a));
    EXPECT(l.count == 1 && l.items[0].children.count == 1 && l.items[0].children.items[0].number == 3);
    EXPECT(l.count == 1 && l.items[0]._count.children == 2 && l.items[0]._count.watchers == 1);

    /* aggregate over Decimal, groupBy with having, distinct, order by relation. */
    db_issue_aggregate_result ar;
    OK(db, db_issue_aggregate(db, &(db_issue_aggregate_query){ .sum = { .estimate = true }, .avg = { .number = true },
                                                           .max = { .due_at = true } }, &ar, a));
    EXPECT(ar.count_all == 3 && ar.sum.estimate && strcmp(ar.sum.estimate, "9.75") == 0);
    EXPECT(ar.avg.number.has && ar.avg.number.value == 2.0 && !ar.max.due_at.has);
    db_issue_group_by_list g;
    OK(db, db_issue_group_by(db, &(db_issue_group_by_query){
        .by = (db_issue_field[]){ DB_ISSUE_BY_REPORTER_ID }, .nby = 1, .sum = { .estimate = true },
        .having = (rf_having[]){ { RF_COUNT_ALL, 0, RF_GTE(2.0) } }, .nhaving = 1 }, &g, a));
    EXPECT(g.count == 1 && g.items[0].key.reporter_id == ada && g.items[0].aggregate.count_all == 3);
    OK(db, db_issue_find_many(db, &(db_issue_query){
        .order_by = (db_issue_order[]){ { DB_ISSUE_BY_ESTIMATE, RF_DESC, RF_NULLS_LAST } }, .norder = 1,
        .distinct = (db_issue_field[]){ DB_ISSUE_BY_STATUS }, .ndistinct = 1 }, &l, a));
    EXPECT(l.count == 3);                        /* OPEN, IN_PROGRESS, DONE: one each */
    db_user_list users;
    OK(db, db_user_find_many(db, &(db_user_query){
        .order_by_relation = (rf_relation_order[]){ { .relation = DB_USER_REL_REPORTED, .count = true, .sort = RF_DESC } },
        .norder_by_relation = 1, .take = 1 }, &users, a));
    EXPECT(users.count == 1 && users.items[0].id == ada);
    db_comment_list cl;
    OK(db, db_comment_find_many(db, &(db_comment_query){ .order_by_relation = (rf_relation_order[]){
        { .relation = DB_COMMENT_REL_AUTHOR, .by = DB_USER_BY_NAME, .nulls = RF_NULLS_LAST } },
        .norder_by_relation = 1, .include = { .author = true } }, &cl, a));
    EXPECT(cl.count == 1 && cl.items[0].author && strcmp(cl.items[0].author->name, "Bob") == 0);
    /* Json and scalar lists come back as stored. */
    db_profile pr;
    OK(db, db_profile_find_unique_by_user_id(db, ada, NULL, &pr, a));
    EXPECT(pr.settings && strstr(pr.settings, "dark"));
}

/* IssueLink: a composite primary key (@@id([fromId, toId])), an enum list, a
 * cuid() default, a Float updated by multiplication. */
static void links(rf_arena *a)
{
    db_issue epic, api;
    OK(db, db_issue_find_unique_by_project_id_number(db, proj_id, 1, NULL, &epic, a));
    OK(db, db_issue_find_unique_by_project_id_number(db, proj_id, 3, NULL, &api, a));
    db_link_kind kinds[] = { DB_LINK_KIND_BLOCKS, DB_LINK_KIND_DUPLICATES };
    db_issue_link l;
    OK(db, db_issue_link_create(db, &(db_issue_link_create_input){ .from_id = api.id, .to_id = epic.id,
                                                                 .kinds = { kinds, 2 } }, &l, a));
    EXPECT(l.kind == DB_LINK_KIND_RELATES && l.weight == 1.0 && l.kinds.count == 2);
    EXPECT(l.created_by && strlen(l.created_by) == 25 && l.created_by[0] == 'c');   /* a cuid */
    /* the same pair again: P2002 names both key columns */
    rf_status st = db_issue_link_create(db, &(db_issue_link_create_input){ .from_id = api.id, .to_id = epic.id }, NULL, a);
    const rf_error *e = rf_last_error(db);
    EXPECT(st == RF_UNIQUE_VIOLATION && e->target_count == 2 && strcmp(e->target[0], "fromId") == 0);
    int64_t n;
    OK(db, db_issue_link_count(db, &(db_issue_link_where){ .kinds = RF_HAS(DB_LINK_KIND_BLOCKS) }, &n));
    EXPECT(n == 1);
    db_issue_list blocked;
    OK(db, db_issue_find_many(db, &(db_issue_query){
        .where = &(db_issue_where){ .incoming = { .some = &(db_issue_link_where){ .kinds = RF_HAS(DB_LINK_KIND_BLOCKS) } } },
        .include = { .incoming = true } }, &blocked, a));
    EXPECT(blocked.count == 1 && blocked.items[0].id == epic.id && blocked.items[0].incoming.count == 1);
    OK(db, db_issue_link_update_by_from_id_to_id(db, api.id, epic.id,
                                                &(db_issue_link_update_input){ .weight = RF_MULTIPLY(2.5) }, &l, a));
    EXPECT(l.weight == 2.5);
}

/* Attachment: a uuid() id made by the client, BigInt beyond 2^31, Bytes
 * found by their value. */
static void attachments(rf_arena *a)
{
    static const unsigned char digest[4] = { 0x00, 0x01, 0xfe, 0xff };
    db_attachment at;
    OK(db, db_attachment_create(db, &(db_attachment_create_input){ .file_name = "dump.bin",
        .size_b = INT64_C(5000000000), .sha256 = { digest, sizeof digest } }, &at, a));
    EXPECT(at.id && strlen(at.id) == 36 && at.size_b == INT64_C(5000000000));
    EXPECT(at.sha256.len == 4 && at.sha256.data[2] == 0xfe);
    db_attachment found;
    OK(db, db_attachment_find_first(db, &(db_attachment_query){ .where = &(db_attachment_where){
        .sha256 = RF_EQ((rf_bytes){ digest, sizeof digest }) } }, &found, a));
    EXPECT(strcmp(found.id, at.id) == 0);
    db_attachment_aggregate_result r;
    OK(db, db_attachment_aggregate(db, &(db_attachment_aggregate_query){ .sum = { .size_b = true } }, &r, a));
    EXPECT(r.sum.size_b.has && r.sum.size_b.value == INT64_C(5000000000));
}

static void errors(rf_arena *a)
{
    db_member m;
    rf_status st = db_member_create(db, &(db_member_create_input){ .org_id = org_id, .user_id = bob }, &m, a);
    EXPECT(st == RF_UNIQUE_VIOLATION);
    const rf_error *e = rf_last_error(db);
    EXPECT(strcmp(e->prisma_code, "P2002") == 0 && e->target_count == 2
           && strcmp(e->target[0], "orgId") == 0 && strcmp(e->target[1], "userId") == 0);
    st = db_issue_update_by_id(db, 999999, &(db_issue_update_input){ .title = RF_SET("x") }, NULL, a);
    EXPECT(st == RF_NOT_FOUND && strcmp(rf_last_error(db)->prisma_code, "P2025") == 0);
    st = db_issue_create(db, &(db_issue_create_input){ .project_id = 424242, .number = 9, .title = "x", .reporter_id = ada }, NULL, a);
    EXPECT(st == RF_FOREIGN_KEY_VIOLATION);
}

/* A transaction whose inner part fails: the savepoint undoes only it. */
static rf_status inner_fails(rf_client *c, void *ctx)
{
    (void)ctx;
    rf_status st = db_label_create(c, &(db_label_create_input){ .name = "wip" }, NULL, NULL);
    if (st != RF_OK) return st;
    return db_label_create(c, &(db_label_create_input){ .name = "bug" }, NULL, NULL);   /* duplicate */
}
static rf_status outer(rf_client *c, void *ctx)
{
    rf_status st = db_label_create(c, &(db_label_create_input){ .name = "perf" }, NULL, NULL);
    if (st != RF_OK) return st;
    *(rf_status *)ctx = rf_transaction(c, RF_READ_COMMITTED, false, inner_fails, NULL, 0);
    return RF_OK;
}

static void transactions(rf_arena *a)
{
    rf_status inner = RF_OK;
    OK(db, rf_transaction(db, RF_READ_COMMITTED, false, outer, &inner, 0));
    EXPECT(inner == RF_UNIQUE_VIOLATION);
    int64_t n;
    OK(db, db_label_count(db, &(db_label_where){ .name = RF_EQ("perf") }, &n));
    EXPECT(n == 1);
    OK(db, db_label_count(db, &(db_label_where){ .name = RF_EQ("wip") }, &n));
    EXPECT(n == 0);

    /* Row locking: claim the open, unassigned issue with the lowest number. */
    OK(db, rf_begin(db, RF_READ_COMMITTED, false));
    db_issue job;
    OK(db, db_issue_find_first(db, &(db_issue_query){
        .where = &(db_issue_where){ .assignee_id = RF_IS_NULL, .status = RF_NE(DB_ISSUE_STATUS_DONE) },
        .order_by = (db_issue_order[]){ { DB_ISSUE_BY_NUMBER, RF_ASC, RF_NULLS_DEFAULT } }, .norder = 1,
        .lock = { .mode = RF_LOCK_FOR_UPDATE, .skip_locked = true } }, &job, a));
    OK(db, db_issue_update_by_id(db, job.id, &(db_issue_update_input){ .assignee_id = RF_SET(eve) }, NULL, a));
    OK(db, rf_commit(db));
    EXPECT(job.number == 1);

    /* A batch in one transaction. */
    rf_batch *b = rf_batch_new(a);
    db_user u1;
    int64_t open_count = -1;
    OK(db, db_user_batch_find_unique_by_email(b, "bob@acme.io", &u1));
    OK(db, db_issue_batch_count(b, &(db_issue_where){ .status = RF_EQ(DB_ISSUE_STATUS_OPEN) }, &open_count));
    OK(db, db_issue_batch_update_by_project_id_number(b, proj_id, 3, &(db_issue_update_input){ .priority = RF_SET(DB_PRIORITY_URGENT) }, NULL));
    OK(db, rf_batch_run(db, b, true));
    EXPECT(u1.id == bob && open_count == 1 && rf_batch_status(b, 2) == RF_OK);
    rf_batch_free(b);
}

static void bulk_and_stream(rf_arena *a)
{
    enum { N = 2000 };
    db_issue first;
    OK(db, db_issue_find_unique_by_project_id_number(db, proj_id, 1, NULL, &first, a));
    db_comment_create_input *rows = calloc(N, sizeof *rows);
    char (*bodies)[32] = calloc(N, 32);
    for (int i = 0; i < N; i++) {
        snprintf(bodies[i], 32, "comment %d", i);
        rows[i] = (db_comment_create_input){ .issue_id = first.id, .body = bodies[i] };
    }
    int64_t n = 0;
    OK(db, db_comment_create_many(db, rows, N, false, &n));
    EXPECT(n == N);
    free(rows);
    free(bodies);

    db_comment_stream s;
    db_comment c;
    bool got;
    int64_t seen = 0;
    rf_arena row_arena = RF_ARENA_INIT;
    rf_status st = db_comment_find_many_stream(db, &(db_comment_query){ .where = &(db_comment_where){
        .issue_id = RF_EQ(first.id) } }, NULL, &s);
    while (st == RF_OK && (st = db_comment_stream_next(&s, &c, &row_arena, &got)) == RF_OK && got)
        seen++;
    EXPECT(st == RF_OK);
    OK(db, db_comment_stream_close(&s));
    rf_arena_free(&row_arena);
    EXPECT(seen == N);
}

/* Worker threads on one pool, each filing issues with its own numbers. */
static rf_pool *pool;
static void *worker(void *arg)
{
    int k = (int)(intptr_t)arg;
    rf_client *c;
    if (rf_pool_acquire(pool, &c) != RF_OK) { failures++; return NULL; }
    rf_arena a = RF_ARENA_INIT;
    for (int i = 0; i < 25; i++) {
        char title[32];
        snprintf(title, sizeof title, "t%d-%d", k, i);
        OK(c, db_issue_create(c, &(db_issue_create_input){ .project_id = proj_id, .number = 100 + k * 100 + i,
                                                         .title = title, .reporter_id = bob }, NULL, &a));
        rf_arena_reset(&a);
    }
    rf_arena_free(&a);
    rf_pool_release(pool, c);
    return NULL;
}

static void pooled(rf_arena *a)
{
    (void)a;
    OK(NULL, rf_pool_open(NULL, 3, &pool));
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    rf_pool_close(pool);
    int64_t n;
    OK(db, db_issue_count(db, &(db_issue_where){ .reporter_id = RF_EQ(bob) }, &n));
    EXPECT(n == 100);
}

int main(void)
{
    if (rf_connect(NULL, &db) != RF_OK) {
        fprintf(stderr, "connect: %s\n", rf_last_error(db)->message);
        rf_close(db);
        return 1;
    }
    static const struct { const char *name; void (*run)(rf_arena *); } steps[] = {
        { "seed", seed },                   { "nested writes", nested_writes },
        { "reads", reads },                 { "composite keys", links },
        { "attachments", attachments },     { "errors", errors },
        { "transactions", transactions },
        { "bulk and stream", bulk_and_stream }, { "pool, 4 threads", pooled },
    };
    rf_arena a = RF_ARENA_INIT;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int before = failures;
        steps[i].run(&a);
        printf("%-18s %s\n", steps[i].name, failures == before ? "ok" : "FAILED");
    }
    rf_arena_free(&a);
    rf_close(db);
    printf("%d failed expectations\n", (int)failures);
    return failures ? 1 : 0;
}
