/*
 * cmd_db.c — `refract db <command>`: `push` (migrate/devflow.c) and `pull`
 * (introspect/cmd_pull.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "introspect/cmd_pull.h"
#include "migrate/devflow.h"

static const char db_usage[] = "Usage: refract db <command> [options]\n"
                               "\n"
                               "Commands:\n"
                               "  push   Make the database match the schema, without a migration\n"
                               "  pull   Write the database's schema into schema.prisma\n"
                               "\n"
                               "Run `refract db push --help` (or pull) for the options.\n";

int cmd_db(int argc, char **argv)
{
    if (argc < 2) {
        fputs(db_usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(db_usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "push"))
        return db_push_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "pull"))
        return db_pull_cmd(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown db command '%s'\n\n%s", argv[1], db_usage);
    return EXIT_USAGE;
}
