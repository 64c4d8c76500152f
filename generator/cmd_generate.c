#include <stdio.h>

#include "cli.h"

int cmd_generate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("refract generate: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
