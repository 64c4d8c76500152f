/*
 * casts.h — column type changes classified as Prisma Migrate does.
 */
#ifndef REFRACT_MIGRATE_CASTS_H
#define REFRACT_MIGRATE_CASTS_H

#include "diff.h"

/* How the values of `o` reach the type of `n`: NONE (same type), SAFE or
 * RISKY (ALTER COLUMN .. SET DATA TYPE, no data lost / values may not fit),
 * NEVER (the column is dropped and recreated). Enums are compared by name;
 * the differ handles an enum renamed by @@map. */
migrate_type_cast migrate_classify_cast(const db_column *o, const db_column *n);

/* Prisma's spelling of a column's type in warnings: "Text", "VarChar(200)",
 * "Decimal(65,30)", "DoublePrecision"; an enum's name. */
const char *migrate_prisma_type_name(arena *a, const db_column *c);

#endif
