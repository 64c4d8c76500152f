/*
 * cmd_model.c — `refract model --json`: print the resolved model, the
 * stable description of the schema that other generators can build on.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model/model.h"
#include "model/model_json.h"
#include "parse/parse.h"

static void usage(FILE *out)
{
    fputs("Usage: refract model --json [--schema PATH]\n"
          "\n"
          "Print the resolved model (tables, columns with their SQL types, keys,\n"
          "indexes, foreign keys, enums, relations and the C names refract emits)\n"
          "as JSON on stdout. The format is documented in docs/model-json.md.\n"
          "\n"
          "Exit status: 0 ok, 1 invalid schema, 2 usage.\n",
          out);
}

int cmd_model(int argc, char **argv)
{
    const char *option = NULL;
    bool want_json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            want_json = true;
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
    if (!want_json) {
        fputs("error: refract model prints JSON only: pass --json\n\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = cli_schema_path(option);
    if (!path)
        return EXIT_USER;

    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    arena model_arena = ARENA_INIT;
    model_schema *model = NULL;
    if (parse_path(&schema, path, &diags) == 0)
        model = model_resolve(&schema, &model_arena, &diags);
    diag_print(stderr, &diags, cli_color());
    int status = model ? EXIT_OK : EXIT_USER;
    if (model) {
        buf out = BUF_INIT;
        model_to_json(model, &out);
        fwrite(out.data, 1, out.len, stdout);
        buf_free(&out);
    }
    arena_free(&model_arena);
    diag_list_free(&diags);
    ast_schema_free(&schema);
    return status;
}
