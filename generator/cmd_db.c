#include <stdio.h>

#include "cli.h"

int cmd_db(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract db: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
