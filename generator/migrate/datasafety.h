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
 *
 * Prisma separates steps that lose data (allowed with --accept-data-loss)
 * from steps that cannot be executed on the data present (never run: the
 * migration would fail half-way and block later ones); so does this.
 */
#ifndef REFRACT_MIGRATE_DATASAFETY_H
#define REFRACT_MIGRATE_DATASAFETY_H

#include <libpq-fe.h>

#include "../util/buf.h"
#include "diff.h"

/* What the check found, one "  - <sentence>\n" per problem. */
typedef struct data_safety_report {
    /* Steps that would lose data: run only with --accept-data-loss. */
    buf data_loss;
    /* Steps that cannot run at all on this data (a required column added
     * without default to a table with rows, a column made required while
     * it holds NULLs, a required column recreated): they would fail, so
     * no flag lets them through. Each is followed by a line saying how to
     * make it runnable. */
    buf unexecutable;
} data_safety_report;

#define DATA_SAFETY_REPORT_INIT {BUF_INIT, BUF_INIT}

void data_safety_report_free(data_safety_report *r);

/* Check the steps against the data; returns how many problems were found,
 * or -1 when a query failed (reason in `err`). */
int data_safety_check(PGconn *pg, const migrate_steps *steps, data_safety_report *out, buf *err);

#endif
