/*
 * down.h — down.sql, what undoes a migration.
 *
 * `migrate dev` (and `migrate squash`) write down.sql beside migration.sql:
 * the diff from the migration's schema back to the one before it, rendered
 * by the same renderer as migration.sql, so Prisma's warnings block on top
 * names what running it would lose (the tables and columns the migration
 * added). `refract migrate down` runs it (see cmd_down.h). Prisma's
 * checksum covers migration.sql only, so down.sql changes no history.
 *
 * With `migrate dev --safe` one schema change becomes several migrations
 * (the main one, one per CREATE INDEX CONCURRENTLY, the validation of
 * foreign keys): each index migration's down.sql drops its own index, the
 * validation's undoes nothing, and the main one's undoes the rest.
 */
#ifndef REFRACT_MIGRATE_DOWN_H
#define REFRACT_MIGRATE_DOWN_H

#include "../util/arena.h"
#include "../util/buf.h"
#include "diff.h"

/* The steps that take the database from `after` back to `before` (NULL:
 * the empty database). They live in `a`. */
migrate_steps *down_steps(const model_schema *before, const model_schema *after, arena *a);

/* Take out of `steps` the one that drops the index `create_index_sql`
 * (a --safe migration's CREATE INDEX CONCURRENTLY) creates, and return it
 * as steps of its own; NULL when there is none. */
migrate_steps *down_take_index_drop(migrate_steps *steps, const char *create_index_sql,
                                    arena *a);

/* down.sql's text for migration `name`: a line saying what it is, then
 * the steps as migration.sql is written. May reorder `steps`. */
void down_render(migrate_steps *steps, const char *name, buf *out);

/* Render `steps` (NULL: none, an empty migration) as down.sql of `name`
 * and write <migrations>/<name>/down.sql. */
int down_write(const char *migrations, const char *name, migrate_steps *steps, buf *err);

#endif
