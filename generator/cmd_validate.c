#include <stdio.h>

#include "cli.h"

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract validate: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
