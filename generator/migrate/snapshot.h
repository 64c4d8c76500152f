/*
 * snapshot.h — the schema a migration was made from (the schema.prisma
 * refract saves beside migration.sql), as a model: the two sides of a
 * migration's down.sql and of a squash are read from there.
 */
#ifndef REFRACT_MIGRATE_SNAPSHOT_H
#define REFRACT_MIGRATE_SNAPSHOT_H

#include "../model/model.h"
#include "../parse/ast.h"
#include "folder.h"

/* The model of migration `i` of `f`; i == -1 is the empty database before
 * the first migration (*out = NULL). Returns 0, or -1 after printing to
 * stderr why (no schema.prisma, or it no longer validates). The model
 * lives in `a` and its syntax tree in `ast` (both the caller's). */
int migration_snapshot_model(const migration_folder *f, long i, ast_schema *ast, arena *a,
                             model_schema **out);

#endif
