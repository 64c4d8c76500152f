/*
 * main.c — refract: Prisma's workflow, in C, for PostgreSQL.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "Start a project: prisma/schema.prisma, .env, refract.mk"},
    {"validate", cmd_validate, "Check the schema and report every problem"},
    {"format", cmd_format, "Rewrite the schema in canonical layout"},
    {"generate", cmd_generate, "Emit the C client (<prefix>.h, <prefix>.c)"},
    {"migrate", cmd_migrate, "diff | dev | deploy | status | reset | resolve | lint"},
    {"db", cmd_db, "push | seed: match the schema without a migration, run the seed"},
    {"erd", cmd_erd, "Draw the schema as a diagram (Mermaid, DOT or SVG)"},
    {"model", cmd_model, "Print the resolved model (--json)"},
};

static void usage(FILE *out)
{
    fputs("refract " REFRACT_VERSION " — Prisma schemas to PostgreSQL migrations and C\n"
          "\n"
          "Usage: refract <command> [options]\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "The schema is --schema PATH, else ./prisma/schema.prisma, else ./schema.prisma.\n"
          "A schema may be one file or a folder of .prisma files.\n"
          "Run `refract <command> --help` for a command's options.\n"
          "\n"
          "Exit status: 0 ok, 1 error in the schema or the database, 2 usage.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-v") || !strcmp(name, "version")) {
        puts("refract " REFRACT_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown command '%s'\n\n", name);
    usage(stderr);
    return EXIT_USAGE;
}
