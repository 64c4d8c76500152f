/*
 * sqlscan.h — find the top-level statements of a PostgreSQL script.
 *
 * The deployer runs each migration as one simple-query script inside its
 * own transaction, so it must know, before running anything, whether the
 * script manages transactions itself (BEGIN/COMMIT, as Prisma's enum
 * rewrites do) or holds statements PostgreSQL refuses inside a transaction
 * (CREATE INDEX CONCURRENTLY, ...). This is a lexer, not a parser: it knows
 * comments, quoted strings and identifiers, dollar quotes and semicolons,
 * and the first words of each statement.
 */
#ifndef REFRACT_MIGRATE_SQLSCAN_H
#define REFRACT_MIGRATE_SQLSCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sql_stmt_kind {
    SQL_STMT_PLAIN,
    SQL_STMT_TX_CONTROL, /* BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT */
    SQL_STMT_NO_TX,      /* cannot run inside a transaction block */
    SQL_STMT_ADD_ENUM_VALUE, /* ALTER TYPE ... ADD VALUE: NO_TX before PostgreSQL 12 */
} sql_stmt_kind;

typedef struct sql_stmt {
    size_t start, end;   /* byte span in the script, comments before it excluded,
                            the ';' included when present */
    unsigned line;       /* 1-based line of `start` */
    sql_stmt_kind kind;
    char what[48];       /* its first words, upper case: "CREATE INDEX CONCURRENTLY" */
} sql_stmt;

typedef struct sql_script {
    sql_stmt *items;     /* heap */
    size_t count;
} sql_script;

/* Split `sql` (len bytes) into statements. Never fails; an unterminated
 * quote or comment simply runs to the end. */
void sql_scan(const char *sql, size_t len, sql_script *out);
void sql_script_free(sql_script *s);

/* A heap copy of `sql` with its BEGIN/COMMIT-like statements blanked out
 * (same length and line breaks, so PostgreSQL's error positions still point
 * at the original text): for running a script inside a transaction of our
 * own. */
char *sql_without_tx_control(const char *sql, size_t len, const sql_script *scanned);

/* The 1-based line holding byte `offset` of `sql`. */
unsigned sql_line_of(const char *sql, size_t len, size_t offset);

#endif
