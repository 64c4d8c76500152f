/*
 * app.c — a product waitlist on the generated client (gen/wl.h).
 *
 *   1. people sign up, some through a friend's referral code; signing up
 *      twice is answered through RF_UNIQUE_VIOLATION, not a crash;
 *   2. the list, page by page (cursor pagination);
 *   3. counts per status (one groupBy), top referrers;
 *   4. a batch of the oldest pending signups approved in one serializable
 *      transaction (retried by the runtime on serialization failures), each
 *      approval logged as an event;
 *   5. 1,000 signups imported from a partner's list in one createMany,
 *      those already on the list skipped (INSERT ... ON CONFLICT DO
 *      NOTHING, in one transaction);
 *   6. weekly growth with a running total (date_trunc and a window
 *      function): typed queries written in sql/growth.sql (gen/wl_sql.h).
 *
 * Run with DATABASE_URL pointing at a database migrated to schema.prisma
 * (`make run` does all of it on a throwaway PostgreSQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl.h"
#include "wl_sql.h"

#define CHECK(client, call)                                                                       \
    do {                                                                                          \
        rf_status st_ = (call);                                                                   \
        if (st_ != RF_OK) {                                                                       \
            fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call,                    \
                    rf_status_name(st_), rf_last_error(client)->message);                         \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

static rf_status log_event(rf_client *db, const char *kind, int32_t signup_id, const char *meta)
{
    return wl_event_create(db,
                           &(wl_event_create_input){.kind = kind,
                                                    .signup_id = RF_SOME(rf_opt_i32, signup_id),
                                                    .meta = meta},
                           NULL, NULL);
}

/* Signs someone up, through a referral code when given. */
static void sign_up(rf_client *db, rf_arena *a, const char *email, const char *name,
                    const char *referral_code)
{
    rf_opt_i32 referrer = RF_NONE(rf_opt_i32);
    if (referral_code) {
        wl_signup by;
        rf_status st = wl_signup_find_unique_by_referral_code(db, referral_code, NULL, &by, a);
        if (st == RF_OK)
            referrer = RF_SOME(rf_opt_i32, by.id);
        else if (st != RF_NOT_FOUND)
            CHECK(db, st);
    }
    wl_signup s;
    rf_status st = wl_signup_create(db,
                                    &(wl_signup_create_input){.email = email, .name = name,
                                                              .referred_by_id = referrer},
                                    &s, a);
    if (st == RF_UNIQUE_VIOLATION) {
        printf("  %-24s is already on the list (%s on %s)\n", email, rf_last_error(db)->prisma_code,
               rf_last_error(db)->constraint);
        return;
    }
    CHECK(db, st);
    CHECK(db, log_event(db, "signup", s.id, referrer.has ? "{\"via\": \"referral\"}" : NULL));
}

/* The batch approval, run by rf_transaction (so it may run more than once). */
typedef struct batch {
    int take;
    int64_t approved;
} batch;

static rf_status approve_oldest(rf_client *db, void *ctx)
{
    batch *b = ctx;
    rf_arena a = RF_ARENA_INIT;
    wl_signup_list oldest;
    rf_status st = wl_signup_find_many(db,
                                       &(wl_signup_query){
                                           .where = &(wl_signup_where){.status = RF_EQ(WL_STATUS_PENDING)},
                                           .order_by = (wl_signup_order[]){{WL_SIGNUP_BY_CREATED_AT, RF_ASC, 0}},
                                           .norder = 1,
                                           .take = b->take,
                                       },
                                       &oldest, &a);
    int32_t *ids = st == RF_OK ? rf_arena_alloc(&a, (oldest.count + 1) * sizeof *ids) : NULL;
    if (st == RF_OK && !ids)
        st = RF_NO_MEMORY;
    for (size_t i = 0; st == RF_OK && i < oldest.count; i++)
        ids[i] = oldest.items[i].id;
    if (st == RF_OK)
        st = wl_signup_update_many(db, &(wl_signup_where){.id = RF_IN(ids, oldest.count)},
                                   &(wl_signup_update_input){.status = RF_SET(WL_STATUS_APPROVED),
                                                             .approved_at = RF_SET(rf_timestamp_now())},
                                   &b->approved);
    for (size_t i = 0; st == RF_OK && i < oldest.count; i++)
        st = log_event(db, "approved", ids[i], NULL);
    rf_arena_free(&a);
    return st;
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

    printf("Signing people up:\n");
    sign_up(db, &arena, "grace@example.com", "Grace", NULL);
    wl_signup grace;
    CHECK(db, wl_signup_find_unique_by_email(db, "grace@example.com", NULL, &grace, &arena));
    static const char *const people[] = {"ada", "alan", "barbara", "dennis", "edsger", "frances",
                                         "john", "ken", "leslie", "linus", "margaret", "niklaus",
                                         "radia", "tony", "whitfield", "yukihiro", "o'brien"};
    size_t npeople = sizeof people / sizeof *people;
    char email[64];
    for (size_t i = 0; i < npeople; i++) {
        snprintf(email, sizeof email, "%s@example.com", people[i]);
        sign_up(db, &arena, rf_arena_strdup(&arena, email), people[i], i % 3 == 0 ? grace.referral_code : NULL);
    }
    wl_signup ada;
    CHECK(db, wl_signup_find_unique_by_email(db, "ada@example.com", NULL, &ada, &arena));
    sign_up(db, &arena, "charles@example.com", "Charles", ada.referral_code);
    sign_up(db, &arena, "ada@example.com", "Ada again", NULL);
    sign_up(db, &arena, "grace@example.com", NULL, NULL);

    printf("\nThe list, 6 per page, oldest first:\n");
    wl_signup_cursor cursor = {0};
    for (int page = 1;; page++) {
        wl_signup_list pg;
        CHECK(db, wl_signup_find_many(db,
                                      &(wl_signup_query){
                                          .order_by = (wl_signup_order[]){{WL_SIGNUP_BY_CREATED_AT, RF_ASC, 0}},
                                          .norder = 1,
                                          .cursor = page > 1 ? &cursor : NULL,
                                          .skip = page > 1 ? 1 : 0,
                                          .take = 6,
                                          .include = {.referred_by = true},
                                      },
                                      &pg, &arena));
        if (pg.count == 0)
            break;
        printf(" page %d:", page);
        for (size_t i = 0; i < pg.count; i++)
            printf(" %s%s%s", pg.items[i].name ? pg.items[i].name : pg.items[i].email,
                   pg.items[i].referred_by ? "<-" : "",
                   pg.items[i].referred_by ? pg.items[i].referred_by->name : "");
        printf("\n");
        cursor.id = pg.items[pg.count - 1].id;
    }

    batch b = {.take = 5};
    CHECK(db, rf_transaction(db, RF_SERIALIZABLE, false, approve_oldest, &b, 5));
    printf("\nApproved the %lld oldest pending signups in one transaction.\n", (long long)b.approved);
    CHECK(db, wl_signup_update_by_email(db, "tony@example.com",
                                        &(wl_signup_update_input){.status = RF_SET(WL_STATUS_REJECTED)}, NULL,
                                        NULL));

    printf("\nCounts per status (one groupBy; a status with no signup is no group):\n");
    wl_signup_group_by_list per_status;
    CHECK(db, wl_signup_group_by(db,
                                 &(wl_signup_group_by_query){.by = (wl_signup_field[]){WL_SIGNUP_BY_STATUS},
                                                             .nby = 1},
                                 &per_status, &arena));
    for (size_t i = 0; i < per_status.count; i++)
        printf("  %-9s %lld\n", wl_status_to_string(per_status.items[i].key.status),
               (long long)per_status.items[i].aggregate.count_all);

    printf("\nReferrers (one query for the signups, one for all their referrals):\n");
    wl_signup_list with_refs;
    CHECK(db, wl_signup_find_many(db,
                                  &(wl_signup_query){.where = &(wl_signup_where){.referral_code = RF_IS_NOT_NULL},
                                                     .include = {.referrals = true}},
                                  &with_refs, &arena));
    for (size_t i = 0; i < with_refs.count; i++)
        if (with_refs.items[i].referrals.count)
            printf("  %-8s brought %zu\n", with_refs.items[i].name, with_refs.items[i].referrals.count);

    int64_t signups = 0, referred = 0, approvals = 0;
    CHECK(db, wl_event_count(db, &(wl_event_where){.kind = RF_EQ("signup")}, &signups));
    CHECK(db, wl_event_count(db, &(wl_event_where){.kind = RF_EQ("signup"), .meta = RF_EQ("{\"via\": \"referral\"}")},
                             &referred));
    CHECK(db, wl_event_count(db, &(wl_event_where){.kind = RF_EQ("approved")}, &approvals));
    printf("\nEvents: %lld signups (%lld through referrals), %lld approvals\n", (long long)signups,
           (long long)referred, (long long)approvals);

    /* A partner's list: 1,000 new people and two already signed up. Each
     * row gets its own referral code (nanoid), made by the client. */
    enum { IMPORTED = 1000 };
    wl_signup_create_input *rows = calloc(IMPORTED + 2, sizeof *rows);
    if (!rows)
        return 1;
    for (size_t i = 0; i < IMPORTED; i++) {
        snprintf(email, sizeof email, "partner%04zu@example.org", i);
        rows[i] = (wl_signup_create_input){.email = rf_arena_strdup(&arena, email)};
    }
    rows[IMPORTED] = (wl_signup_create_input){.email = "ada@example.com"};
    rows[IMPORTED + 1] = (wl_signup_create_input){.email = "linus@example.com"};
    int64_t imported = 0, pending = 0;
    CHECK(db, wl_signup_create_many(db, rows, IMPORTED + 2, true, &imported));
    CHECK(db, wl_signup_count(db, &(wl_signup_where){.status = RF_EQ(WL_STATUS_PENDING)}, &pending));
    printf("\nImported %lld of %d partner signups in one call (2 were on the list); %lld pending now\n",
           (long long)imported, IMPORTED + 2, (long long)pending);
    free(rows);

    /* The partner's people joined over the past four weeks. */
    int64_t moved = 0;
    CHECK(db, wl_sql_backdate_import(db, &(wl_sql_backdate_import_params){"partner%", 4}, &moved));
    printf("\nWeekly growth over the last 8 weeks (typed SQL, sql/growth.sql; %lld imported "
           "signups backdated):\n", (long long)moved);
    wl_sql_weekly_growth_list weeks;
    rf_timestamp since = rf_timestamp_now() - 8 * 7 * 86400 * (rf_timestamp)1000000;
    CHECK(db, wl_sql_weekly_growth(db, &(wl_sql_weekly_growth_params){since}, &weeks, &arena));
    for (size_t i = 0; i < weeks.count; i++) {
        char day[RF_ISO8601_SIZE];
        rf_timestamp_to_iso8601(weeks.items[i].week, day);
        day[10] = '\0';
        printf("  week of %s  +%-4d total %d\n", day, weeks.items[i].signups, weeks.items[i].total);
    }

    rf_arena_free(&arena);
    rf_close(db);
    return 0;
}
