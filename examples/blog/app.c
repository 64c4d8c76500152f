/*
 * app.c — a small blog on the generated client (gen/db.h).
 *
 * Writes users, posts, categories (many-to-many) and comments, then reads
 * them back the ways a blog does: a post with its author, categories and
 * comments (one query per relation), filtered lists, a feed with comment
 * counts, and cursor pages.
 *
 * Run with DATABASE_URL pointing at a database migrated to schema.prisma
 * (`make run` does all of it on a throwaway PostgreSQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* Stops on the first failure, with the database's own words. */
#define CHECK(client, call)                                                                       \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        if (st_ != RF_OK) {                                                                       \
            fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call,                    \
                    rf_status_name(st_), rf_last_error(client)->message);                         \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

static void print_post(const db_post *p)
{
    char when[RF_ISO8601_SIZE];
    rf_timestamp_to_iso8601(p->created_at, when);
    printf("  #%d %-28s by %-6s %s, %d views", p->id, p->title,
           p->author ? p->author->name : "?", p->published ? "published" : "draft", p->views);
    if (p->categories.count) {
        printf(", in");
        for (size_t i = 0; i < p->categories.count; i++)
            printf(" [%s]", p->categories.items[i].name);
    }
    printf("\n");
    for (size_t i = 0; i < p->comments.count; i++)
        printf("      \"%s\"\n", p->comments.items[i].body);
}

int main(void)
{
    rf_client *db = NULL;
    if (rf_connect(getenv("DATABASE_URL"), &db) != RF_OK) {
        fprintf(stderr, "cannot connect: %s\n", rf_last_error(db)->message);
        rf_close(db);
        return 1;
    }
    rf_arena arena = RF_ARENA_INIT;

    /* People. A second sign-up with the same email is a status, not a crash. */
    db_user ada, alan;
    CHECK(db, db_user_create(db, &(db_user_create_input){.email = "ada@example.com", .name = "Ada",
                                                         .role = DB_ROLE_AUTHOR},
                             &ada, &arena));
    CHECK(db, db_user_create(db, &(db_user_create_input){.email = "alan@example.com", .name = "Alan"},
                             &alan, &arena));
    rf_status st = db_user_create(db, &(db_user_create_input){.email = "ada@example.com"}, NULL, &arena);
    printf("signing up ada@example.com twice: %s (%s, constraint %s)\n", rf_status_name(st),
           rf_last_error(db)->prisma_code, rf_last_error(db)->constraint);

    /* Categories, and posts filed under them (many-to-many). */
    const char *names[] = {"c", "databases", "prisma"};
    db_category cats[3];
    for (int i = 0; i < 3; i++)
        CHECK(db, db_category_create(db, &(db_category_create_input){.name = names[i]}, &cats[i], &arena));
    for (int i = 1; i <= 12; i++) {
        char title[64], slug[32];
        snprintf(title, sizeof title, "Notes on the engine, part %d", i);
        snprintf(slug, sizeof slug, "engine-%d", i);
        db_post p;
        CHECK(db, db_post_create(db,
                                 &(db_post_create_input){
                                     .title = title,
                                     .slug = slug,
                                     .body = "It's all quotes and 'apostrophes'; -- nothing breaks.",
                                     .author_id = i % 3 ? ada.id : alan.id,
                                     .published = RF_SOME(rf_opt_bool, i % 4 != 0),
                                     .views = RF_SOME(rf_opt_i32, i * 7 % 50),
                                 },
                                 &p, &arena));
        CHECK(db, db_post_connect_categories(db, p.id, cats[i % 3].id));
        if (i % 2)
            CHECK(db, db_post_connect_categories(db, p.id, cats[0].id));
    }

    /* Comments, one of them anonymous (optional relation). */
    CHECK(db, db_comment_create(db, &(db_comment_create_input){.body = "Lovely.", .post_id = 1,
                                                               .author_id = RF_SOME(rf_opt_i32, alan.id)},
                                NULL, NULL));
    CHECK(db, db_comment_create(db, &(db_comment_create_input){.body = "Anonymous says hi.", .post_id = 1},
                                NULL, NULL));

    /* Reading: one post with everything around it. */
    db_post post;
    CHECK(db, db_post_find_unique_by_slug(db, "engine-1",
                                          &(db_post_include){.author = true, .categories = true, .comments = true},
                                          &post, &arena));
    printf("\nOne post with its author, categories and comments (4 queries):\n");
    print_post(&post);

    /* Filters: Ada's published posts with "part 1" in the title, most viewed first. */
    db_post_list list;
    CHECK(db, db_post_find_many(db,
                                &(db_post_query){
                                    .where = &(db_post_where){
                                        .author_id = RF_EQ(ada.id),
                                        .published = RF_EQ(true),
                                        .title = {.contains = "PART 1", .mode = RF_MODE_INSENSITIVE},
                                    },
                                    .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_DESC, RF_NULLS_LAST}},
                                    .norder = 1,
                                    .include = {.author = true},
                                },
                                &list, &arena));
    printf("\nAda's published posts matching \"part 1\", most viewed first:\n");
    for (size_t i = 0; i < list.count; i++)
        print_post(&list.items[i]);

    /* A feed: the 5 most viewed posts with their authors and comment counts,
     * and only posts that have a comment: 2 statements however many posts. */
    db_post_list feed;
    CHECK(db, db_post_find_many(db,
                                &(db_post_query){
                                    .where = &(db_post_where){.comments = {.some = &(db_comment_where){
                                                                  .body = RF_IS_NOT_NULL}}},
                                    .order_by = (db_post_order[]){{DB_POST_BY_VIEWS, RF_DESC, RF_NULLS_LAST}},
                                    .norder = 1,
                                    .take = 5,
                                    .include = {.author = true},
                                    .count = {.comments = {.on = true}},
                                },
                                &feed, &arena));
    printf("\nFeed: commented posts, most viewed first, with comment counts:\n");
    for (size_t i = 0; i < feed.count; i++) {
        const db_user *by = feed.items[i].author;
        printf("  %s by %s: %lld comment(s)\n", feed.items[i].title,
               by && by->name ? by->name : "nobody", (long long)feed.items[i]._count.comments);
    }

    /* Cursor pages of 5, newest id first, with categories. */
    printf("\nEvery post, in pages of 5 (cursor pagination):\n");
    db_post_cursor cursor = {0};
    for (int page = 1;; page++) {
        db_post_list pg;
        CHECK(db, db_post_find_many(db,
                                    &(db_post_query){
                                        .order_by = (db_post_order[]){{DB_POST_BY_ID, RF_DESC, 0}},
                                        .norder = 1,
                                        .cursor = page > 1 ? &cursor : NULL,
                                        .skip = page > 1 ? 1 : 0,
                                        .take = 5,
                                        .include = {.categories = true, .author = true},
                                    },
                                    &pg, &arena));
        if (pg.count == 0)
            break;
        printf(" page %d:\n", page);
        for (size_t i = 0; i < pg.count; i++)
            print_post(&pg.items[i]);
        cursor.id = pg.items[pg.count - 1].id;
    }

    /* Counts, an update and an increment. */
    int64_t drafts = 0, in_c = 0;
    CHECK(db, db_post_count(db, &(db_post_where){.published = RF_EQ(false)}, &drafts));
    CHECK(db, db_category_find_unique_by_name(db, "c", &(db_category_include){.posts = true}, &cats[0], &arena));
    in_c = (int64_t)cats[0].posts.count;
    printf("\n%lld drafts; %lld posts filed under [c]\n", (long long)drafts, (long long)in_c);
    int64_t n = 0;
    CHECK(db, db_post_update_many(db, &(db_post_where){.published = RF_EQ(false)},
                                  &(db_post_update_input){.published = RF_SET(true),
                                                          .published_at = RF_SET(rf_timestamp_now())},
                                  &n));
    CHECK(db, db_post_update_by_slug(db, "engine-1", &(db_post_update_input){.views = RF_INCREMENT(1)}, &post,
                                     &arena));
    printf("published %lld drafts; engine-1 now has %d views\n", (long long)n, post.views);

    rf_arena_free(&arena);
    rf_close(db);
    return 0;
}
