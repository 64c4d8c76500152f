/*
 * live.h — a live database as one side of a diff.
 *
 * The namespaces read are the other side's when that is a multiSchema
 * model, else the URL's schema (?schema=, default public); the result is
 * aligned with the other side (catalog_align) so that only real
 * differences remain.
 */
#ifndef REFRACT_INTROSPECT_LIVE_H
#define REFRACT_INTROSPECT_LIVE_H

#include "../migrate/dbschema.h"
#include "../migrate/dburl.h"
#include "catalog.h"

/* Read the database behind `db` the way `like` (a model's picture, or
 * NULL) names things. NULL on error, with the reason in `err`. */
catalog *live_read(db_conn *db, const db_schema *like, arena *a, buf *err);

/* The same for a URL: connects, reads, disconnects. NULL after printing
 * the error to stderr. */
const db_schema *live_schema_from_url(const char *url, const db_schema *like, arena *a);

#endif
