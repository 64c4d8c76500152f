/*
 * replaces.h — a squashed migration's list of the migrations it stands for.
 *
 * `refract migrate squash` replaces migrations A..B with one migration
 * that has the same effect, and writes the replaced folder names into its
 * replaces.txt, one per line ('#' starts a comment):
 *
 *   # refract migrate squash: this migration does what these did.
 *   20240101120000_init
 *   20240102120000_add_posts
 *
 * A database that applied all of them must not run the squashed migration
 * (its tables exist): deploy records it as applied without running it,
 * which is what Prisma's manual squashing does by hand with `migrate
 * resolve --applied`. A database that applied only some of them cannot be
 * brought forward by the squashed migration and is refused. The originals'
 * history rows stay; status does not report them as missing locally.
 */
#ifndef REFRACT_MIGRATE_REPLACES_H
#define REFRACT_MIGRATE_REPLACES_H

#include <libpq-fe.h>

#include "../util/buf.h"
#include "folder.h"
#include "history.h"

/* Read replaces.txt at `path` into m->replaces; problems (a line that is
 * not a migration name, as path:line) go to `err`. */
void replaces_read(const char *path, migration_file *m, buf *err);

/* The text of replaces.txt for `names` (oldest first). */
void replaces_render(char *const *names, size_t n, buf *out);

/* The local migration whose replaces.txt names `name`, or NULL. */
const migration_file *migrations_replacing(const migration_folder *f, const char *name);

/* What deploy does with the pending migration `m` on the database whose
 * history is `h`:
 *   REPLACES_RUN      it is not squashed, or no original was applied: run it;
 *   REPLACES_RECORD   every original was applied: record it, do not run it;
 *   REPLACES_PARTIAL  only some were applied: refuse (the reason in `err`). */
typedef enum replaces_action { REPLACES_RUN, REPLACES_RECORD, REPLACES_PARTIAL } replaces_action;
replaces_action replaces_action_for(const migration_file *m, const history *h, buf *err);

/* Record `m` as applied without running it (a finished row, no steps), as
 * `migrate resolve --applied` does. */
int replaces_record_applied(PGconn *pg, const char *schema, const migration_file *m, buf *err);

#endif
