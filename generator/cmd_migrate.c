#include <stdio.h>

#include "cli.h"

int cmd_migrate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract migrate: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
