/*
 * live.c — a live database as one side of a diff (see live.h).
 */
#include "live.h"

#include <stdio.h>

catalog *live_read(db_conn *db, const db_schema *like, arena *a, buf *err)
{
    bool multi = like && like->multi_schema;
    const char *const own[] = {db->schema};
    catalog_options o = {.namespaces = multi ? like->namespaces : own,
                         .nnamespaces = multi ? like->nnamespaces : 1,
                         .multi_schema = multi,
                         .lean = true};
    catalog *live = arena_alloc(a, sizeof *live);
    if (catalog_read(db->pg, &o, a, live, err) != 0)
        return NULL;
    if (like && !multi) {
        /* Without multiSchema the model's tables live in the URL's schema,
         * whatever the model calls its namespace. */
        live->db.namespaces = like->namespaces;
        live->db.nnamespaces = like->nnamespaces;
    }
    if (like)
        catalog_align(live, like);
    return live;
}

const db_schema *live_schema_from_url(const char *url, const db_schema *like, arena *a)
{
    db_conn db = {0};
    buf err = BUF_INIT;
    catalog *c = NULL;
    if (db_connect(url, &db, &err) == 0) {
        c = live_read(&db, like, a, &err);
        db_close(&db);
    }
    if (!c)
        fprintf(stderr, "error: %s", buf_cstr(&err));
    buf_free(&err);
    return c ? &c->db : NULL;
}
