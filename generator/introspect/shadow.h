/*
 * shadow.h — a throwaway database on the live database's server with the
 * applied migrations replayed, as Prisma's shadow database: what the
 * migrations really produce, whatever schema was saved beside them.
 *
 * Needs the right to CREATE DATABASE; the caller falls back on the saved
 * schema when it is missing.
 */
#ifndef REFRACT_INTROSPECT_SHADOW_H
#define REFRACT_INTROSPECT_SHADOW_H

#include "../migrate/dburl.h"
#include "../migrate/folder.h"

typedef struct shadow_db {
    db_conn conn;   /* connected to the shadow database, search_path as live's */
    char *name;     /* NULL when none was created */
} shadow_db;

/* Create the shadow database and apply `migrations` (every item) to it.
 * Returns 0, or -1 with the reason in `err` (nothing is left behind). */
int shadow_create(db_conn *live, const migration_folder *migrations, shadow_db *out, buf *err);

/* Disconnect and drop it (through the live connection). */
void shadow_drop(shadow_db *s, db_conn *live);

#endif
