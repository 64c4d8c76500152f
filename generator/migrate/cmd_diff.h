/*
 * cmd_diff.h — `refract migrate diff`, called by the `migrate` dispatcher
 * (generator/cmd_migrate.c) with argv[0] == "diff".
 */
#ifndef REFRACT_MIGRATE_CMD_DIFF_H
#define REFRACT_MIGRATE_CMD_DIFF_H

#include <stdbool.h>

typedef struct migrate_diff_args {
    const char *from_schema;      /* NULL with from_migrations NULL: from empty */
    const char *from_migrations;  /* a migrations folder */
    const char *to_schema;        /* NULL: to empty */
    bool script;                  /* SQL instead of the summary */
    bool exit_code;               /* exit 2 when not empty */
    const char *output;           /* NULL: stdout */
} migrate_diff_args;

/* Parses `diff`'s options; returns the exit code (0, 1, 2). */
int migrate_cmd_diff(int argc, char **argv);

/* The same with parsed options. */
int migrate_diff_main(const migrate_diff_args *args);

#endif
