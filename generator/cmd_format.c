#include <stdio.h>

#include "cli.h"

int cmd_format(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract format: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
