/*
 * down_apply.h — running one migration's down.sql against the database.
 *
 * In one transaction: the data check of the steps down.sql was made from
 * (datasafety.h: refused when it would lose data, unless accepted; refused
 * always when a step cannot run on the data), the script, and the
 * migration's history rows marked rolled back — as Prisma's `migrate
 * resolve --rolled-back` marks a row — so that `migrate deploy` applies the
 * migration again. A squashed migration's originals (replaces.h) are
 * marked too, or deploy would take the squashed one for applied. A failure
 * rolls everything back: the database and its history are as before.
 *
 * The caller holds the migration lock.
 */
#ifndef REFRACT_MIGRATE_DOWN_APPLY_H
#define REFRACT_MIGRATE_DOWN_APPLY_H

#include <stdbool.h>

#include "../util/buf.h"
#include "dburl.h"
#include "diff.h"
#include "folder.h"

typedef struct down_request {
    const migration_file *m;
    /* The steps down.sql undoes, for the data check; NULL when they could
     * not be known (then only accept_data_loss lets it run). */
    const migrate_steps *steps;
    bool accept_data_loss;
} down_request;

/* Returns 0, or -1 with the reason in `err` (nothing changed). */
int down_apply(db_conn *db, const down_request *rq, buf *err);

#endif
