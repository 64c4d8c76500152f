/*
 * project.h — what every migrate/db command starts from: the schema (parsed
 * and resolved), the migrations folder beside it, and the database URL.
 */
#ifndef REFRACT_MIGRATE_PROJECT_H
#define REFRACT_MIGRATE_PROJECT_H

#include <stdbool.h>

#include "../model/model.h"
#include "../parse/ast.h"
#include "../parse/diag.h"
#include "dburl.h"
#include "folder.h"

typedef struct project {
    const char *schema_path;     /* as found (cli_schema_path) */
    char *migrations_path;       /* beside the schema */
    ast_schema ast;
    arena model_arena;
    model_schema *model;
    char *url;                   /* NULL until project_url() */
} project;

/* Find, parse and resolve the schema; print diagnostics. Returns 0, or the
 * exit code to give up with (1 bad schema, 1 not found). */
int project_open(project *p, const char *schema_option);
void project_close(project *p);

/* Resolve the URL (--url, datasource, DATABASE_URL, .env) and connect.
 * Prints the error and returns -1 on failure. Prints the Prisma-like
 * "Datasource" line to `out` when out != NULL. */
int project_connect(project *p, const char *url_option, db_conn *db, FILE *out);

/* Read and check the migrations folder beside the schema; on problems
 * print them all (one per line) and return -1. */
int project_read_migrations(const project *p, migration_folder *f);

/* Parse and resolve a schema text stored beside a migration (`path` names
 * it in diagnostics). NULL after printing diagnostics. The model lives in
 * `a`, its AST in `ast` (both the caller's). */
model_schema *project_load_text(const char *path, const char *text, size_t len, ast_schema *ast,
                                arena *a);

#endif
