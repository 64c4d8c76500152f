/*
 * datasafety.h — before `migrate dev` or `db push` changes the database:
 * which destructive steps would lose (or choke on) data it holds now.
 *
 * The differ marks risky steps (dropping a table or column, a narrowing
 * cast, a column recreated, a required column without default, a column
 * made required, enum values removed, a unique index added). Here each of
 * them becomes a count query against the live database, and every one that
 * finds rows becomes a line in Prisma's words with the count, e.g.
 * "You are about to drop the column `bio` on the `User` table, which still
 * contains 2 non-null values." Steps whose risk has no count query fall
 * back to the differ's own yes/no check.
 */
#ifndef REFRACT_MIGRATE_DATASAFETY_H
#define REFRACT_MIGRATE_DATASAFETY_H

#include <libpq-fe.h>

#include "../util/buf.h"
#include "diff.h"

/* Append one "  - <sentence>\n" per problem found to `report`. Returns how
 * many, or -1 when a query failed (reason in `err`). */
int data_safety_check(PGconn *pg, const migrate_steps *steps, buf *report, buf *err);

#endif
