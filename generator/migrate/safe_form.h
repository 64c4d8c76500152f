/*
 * safe_form.h — `migrate dev --safe`: the new migration rewritten so that
 * tables in use are not blocked while indexes build or foreign keys are
 * checked.
 *
 *   main        the migration as Prisma writes it, minus the CREATE INDEX
 *               statements on existing tables, and with each foreign key
 *               added to an existing table marked NOT VALID;
 *   indexes     one migration per index taken out, CREATE INDEX
 *               CONCURRENTLY alone (deploy runs such a migration outside a
 *               transaction);
 *   validate    ALTER TABLE ... VALIDATE CONSTRAINT for those foreign keys,
 *               in a migration of its own (SHARE UPDATE EXCLUSIVE: reads
 *               and writes go on).
 *
 * The catalog at the end is the plain form's. A UNIQUE index on a table a
 * foreign key of the same migration references stays in `main` (the key
 * needs it). "Existing" means not created earlier in the same migration.
 */
#ifndef REFRACT_MIGRATE_SAFE_FORM_H
#define REFRACT_MIGRATE_SAFE_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"

typedef struct safe_form {
    buf main;
    bool main_has_statements; /* else main holds only comments */
    char **indexes;           /* heap strings */
    size_t nindexes;
    buf validate;             /* empty when no foreign key was changed */
} safe_form;

void safe_form_make(const char *sql, size_t len, safe_form *out);
void safe_form_free(safe_form *s);

#endif
