/*
 * cmd_validate.c — `refract validate`: report every problem in the schema.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model/model.h"
#include "parse/parse.h"

static void usage(FILE *out)
{
    fputs("Usage: refract validate [--schema PATH]\n"
          "\n"
          "Check the schema (a .prisma file or a folder of them) and report every\n"
          "problem. Without --schema: ./prisma/schema.prisma, else ./schema.prisma.\n"
          "\n"
          "Exit status: 0 valid, 1 invalid, 2 usage.\n",
          out);
}

/* Every check the schema must pass, in order; each appends to `diags`. */
static void check_schema(const char *path, ast_schema *schema, diag_list *diags)
{
    if (parse_path(schema, path, diags) > 0)
        return; /* the model needs a complete syntax tree */
    arena model_arena = ARENA_INIT;
    model_resolve(schema, &model_arena, diags);
    arena_free(&model_arena);
}

int cmd_validate(int argc, char **argv)
{
    const char *option = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--schema") && i + 1 < argc) {
            option = argv[++i];
        } else if (!strncmp(argv[i], "--schema=", 9)) {
            option = argv[i] + 9;
        } else {
            fprintf(stderr, "error: unexpected argument '%s'\n\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    const char *path = cli_schema_path(option);
    if (!path)
        return EXIT_USER;

    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    check_schema(path, &schema, &diags);
    diag_print(stderr, &diags, cli_color());
    int status = diags.nerrors ? EXIT_USER : EXIT_OK;
    if (status == EXIT_OK) /* on stderr, as Prisma prints it */
        fprintf(stderr, "The schema at %s is valid 🚀\n", path);
    else
        fprintf(stderr, "\nValidation Error Count: %zu\n", diags.nerrors);
    diag_list_free(&diags);
    ast_schema_free(&schema);
    return status;
}
