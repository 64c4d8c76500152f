#include <stdio.h>

#include "cli.h"

int cmd_model(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract model: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
