#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_schema_path(const char *option)
{
    struct stat st;
    if (option) {
        if (stat(option, &st) != 0) {
            fprintf(stderr, "error: schema not found: %s\n", option);
            return NULL;
        }
        return option;
    }
    static const char *const candidates[] = {"prisma/schema.prisma", "schema.prisma", "prisma/schema"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
        if (stat(candidates[i], &st) == 0)
            return candidates[i];
    fputs("error: could not find a schema: tried prisma/schema.prisma, schema.prisma and "
          "prisma/schema\n  (give one with --schema PATH)\n",
          stderr);
    return NULL;
}

bool cli_color(void)
{
    const char *no = getenv("NO_COLOR");
    return (!no || !*no) && isatty(STDERR_FILENO);
}
