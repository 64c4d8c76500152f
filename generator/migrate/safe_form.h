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
 *               and writes go on); then, for each ALTER COLUMN ... SET NOT
 *               NULL on an existing table (which `main` replaces with ADD
 *               CONSTRAINT <t>_<c>_notnull_check CHECK (c IS NOT NULL) NOT
 *               VALID), VALIDATE CONSTRAINT, SET NOT NULL (PostgreSQL 12+
 *               proves it from the validated check, without scanning the
 *               table under its ACCESS EXCLUSIVE lock) and DROP CONSTRAINT.
 *
 * With a lock_timeout, each of them starts with SET lock_timeout = '...':
 * a statement queued behind a long transaction fails after that long
 * instead of making every later query on the table wait behind it.
 *
 * The catalog at the end is the plain form's. A UNIQUE index on a table a
 * foreign key of the same migration references stays in `main` (the key
 * needs it). "Existing" means not created earlier in the same migration.
 */
#ifndef REFRACT_MIGRATE_SAFE_FORM_H
#define REFRACT_MIGRATE_SAFE_FORM_H

#define SAFE_FORM_LOCK_TIMEOUT "5s" /* migrate dev --safe's default */

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"

typedef struct safe_form {
    buf main;
    bool main_has_statements; /* else main holds only comments */
    char **indexes;           /* heap strings */
    size_t nindexes;
    buf validate;             /* empty when nothing is validated later */
    bool validates_foreign_keys, sets_not_null; /* what `validate` holds */
} safe_form;

/* lock_timeout: e.g. "5s", or NULL for no SET lock_timeout. */
void safe_form_make(const char *sql, size_t len, const char *lock_timeout, safe_form *out);

/* Whether `value` is a lock_timeout refract writes: digits and an
 * optional unit (ms, s, min, h). */
bool safe_form_lock_timeout_ok(const char *value);
void safe_form_free(safe_form *s);

#endif
