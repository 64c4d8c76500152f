/*
 * cmd_diff.h — `refract migrate diff`, called by the `migrate` dispatcher
 * (generator/cmd_migrate.c) with argv[0] == "diff".
 */
#ifndef REFRACT_MIGRATE_CMD_DIFF_H
#define REFRACT_MIGRATE_CMD_DIFF_H

#include <stdbool.h>

#include "../model/model.h"

typedef struct migrate_diff_args {
    const char *from_schema;      /* NULL with from_migrations NULL: from empty */
    const char *from_migrations;  /* a migrations folder */
    const char *to_schema;        /* NULL (and to_url NULL): to empty */
    const char *from_url, *to_url; /* a live database (introspected) */
    bool script;                  /* SQL instead of the summary */
    bool json;                    /* the steps as JSON instead of the summary */
    bool exit_code;               /* exit 2 when not empty */
    const char *output;           /* NULL: stdout */
} migrate_diff_args;

/* A schema read from disk: the AST must outlive the model. */
typedef struct migrate_loaded {
    ast_schema ast;
    model_schema *model; /* NULL when the schema is invalid */
} migrate_loaded;

/* Parse and resolve the schema at `path` (file or folder), the model in `a`.
 * Diagnostics go to stderr. Returns false when it is not valid. Release
 * with migrate_loaded_free() (the arena separately). */
bool migrate_load_schema(const char *path, migrate_loaded *l, arena *a);
void migrate_loaded_free(migrate_loaded *l);

/* Parses `diff`'s options; returns the exit code (0, 1, 2). */
int migrate_cmd_diff(int argc, char **argv);

/* The same with parsed options. */
int migrate_diff_main(const migrate_diff_args *args);

#endif
