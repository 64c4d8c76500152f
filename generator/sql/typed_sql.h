/*
 * typed_sql.h — the typed-SQL step of `refract generate` (typed_sql.c):
 * read the .sql files, prepare them on a database holding the schema, and
 * write <prefix>_sql.h/.c (or, with check, only say whether they are right).
 */
#ifndef REFRACT_TYPED_SQL_H
#define REFRACT_TYPED_SQL_H

#include <stdbool.h>

#include "../model/model.h"

typedef struct typed_sql_options {
    const char *sql_dir;     /* the folder of .sql files */
    bool dir_given;          /* named in the generator block: it must exist */
    const char *url;         /* a database to use (its schema is applied in a transaction
                                that is rolled back); NULL: a throwaway server */
    const char *schema_path;
    const char *out_dir;
    const char *prefix;
    bool check;              /* write nothing; fail when a query does not prepare or the
                                files on disk differ from what would be written */
} typed_sql_options;

/* An exit status: 0 done (also when there are no .sql files), 1 a query
 * does not prepare, the database cannot be had, or (check) out of date. */
int typed_sql_run(const model_schema *m, const typed_sql_options *o);

#endif
