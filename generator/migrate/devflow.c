#include "devflow.h"

#include <stdio.h>

#include "../cli.h"

/* Waiting for the differ (migrate/diff.h). */
int migrate_dev_cmd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract migrate dev: not implemented yet\n", stderr);
    return EXIT_USAGE;
}

int db_push_cmd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract db push: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
