/*
 * sqlq.h — typed SQL (issue 12): the queries of the .sql files beside a
 * schema, from their text (sqlq_read) through the types PostgreSQL gives
 * them (sqlq_describe) to the C written for them (sqlq_emit).
 *
 * A file holds one query, named after the file (Prisma's TypedSQL:
 * prisma/sql/getUsers.sql is getUsers), or several, each starting with an
 * sqlc-style annotation:
 *
 *     -- name: WeeklyGrowth :many       (:one :many :exec :execrows :copyfrom)
 *     -- @param {DateTime} $1:since     Prisma's: type, $n, C name
 *     -- @param {Int} $2:limit?         '?': the parameter may be NULL
 *     -- @nonnull week, signups         result columns that are never NULL
 *     -- @nullable name                 ... or that may be
 *     SELECT ...
 */
#ifndef REFRACT_SQLQ_H
#define REFRACT_SQLQ_H

#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"
#include "../util/arena.h"

typedef enum sqlq_kind { SQLQ_ONE, SQLQ_MANY, SQLQ_EXEC, SQLQ_EXECROWS, SQLQ_COPYFROM } sqlq_kind;

/* The C side of a value, as rf_value_kind (runtime/refract_desc.h) names it. */
typedef enum sqlq_ctype {
    SQLQ_TEXT, SQLQ_DECIMAL, SQLQ_JSON, SQLQ_I32, SQLQ_I64, SQLQ_F64, SQLQ_BOOL,
    SQLQ_TIMESTAMP, SQLQ_BYTES, SQLQ_ENUM
} sqlq_ctype;

/* One parameter or result column, once described. */
typedef struct sqlq_value {
    const char *name;        /* column name / @param alias / "p<n>" */
    const char *c_name;      /* struct member */
    sqlq_ctype ctype;
    bool list, nullable;
    unsigned oid;            /* the server's type */
    unsigned declare;        /* parameters: the OID to declare at run time (0: infer) */
    const model_enum *en;    /* SQLQ_ENUM */
} sqlq_value;

/* A `-- @param` annotation. */
typedef struct sqlq_param_note {
    int number;              /* $n */
    const char *name;        /* alias, or NULL */
    const char *type;        /* as written: "Int", "Status[]"; NULL: inferred */
    bool nullable;
    size_t offset;           /* of "$n" in the file, for messages */
    size_t type_offset;      /* of "{Type}" */
} sqlq_param_note;

/* A `-- @nonnull` / `-- @nullable` column name. */
typedef struct sqlq_null_note {
    const char *column;
    bool nullable;
    size_t offset;
} sqlq_null_note;

typedef struct sqlq_file {
    const char *path;        /* as opened, for messages */
    const char *shown;       /* in generated comments: "sql/x.sql", the same from any
                                working directory */
    const char *text;        /* whole file, NUL-terminated */
    size_t len;
} sqlq_file;

typedef struct sqlq_query {
    const char *name;        /* "WeeklyGrowth" */
    const char *c_name;      /* "weekly_growth" */
    sqlq_kind kind;
    bool kind_given;         /* else :many, or :execrows when it returns no columns */
    const sqlq_file *file;
    size_t start, end;       /* the SQL: file->text[start..end) */
    const char *sql;         /* the same, NUL-terminated */
    size_t at;               /* the name annotation, or the SQL's start */
    sqlq_param_note *param_notes;
    size_t nparam_notes;
    sqlq_null_note *null_notes;
    size_t nnull_notes;
    /* sqlq_describe: */
    sqlq_value *params;
    size_t nparams;
    sqlq_value *cols;
    size_t ncols;
    bool binary;             /* every column decodes from binary results */
    const char *copy;        /* :copyfrom: the COPY statement its INSERT becomes */
} sqlq_query;

typedef struct sqlq_set {
    sqlq_file *files;
    size_t nfiles;
    sqlq_query *items;
    size_t count;
} sqlq_set;

/* Reads every *.sql file of `dir` (sorted by name) into `out`. Problems
 * are printed (file:line:col); returns how many. A missing folder is an
 * empty set (0). */
int sqlq_read_dir(const char *dir, sqlq_set *out, arena *a);
/* The same for one text (tests, and the reader of each file). */
int sqlq_read_text(const char *path, const char *text, size_t len, sqlq_set *out, arena *a);

/* Prints "error: <message>" and the place in the file (line, column, the
 * line itself with a caret). */
void sqlq_error_at(const sqlq_file *f, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
