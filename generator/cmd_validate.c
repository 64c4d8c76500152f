/*
 * cmd_validate.c — `refract validate`: report every problem in the schema.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model/model.h"
#include "parse/parse.h"
#include "util/buf.h"

static void usage(FILE *out)
{
    fputs("Usage: refract validate [--schema PATH] [--json]\n"
          "\n"
          "Check the schema (a .prisma file or a folder of them) and report every\n"
          "problem. Without --schema: ./prisma/schema.prisma, else ./schema.prisma.\n"
          "\n"
          "  --json   print the diagnostics as one JSON object on stdout (file, line,\n"
          "           column, severity, code, message) instead of the text on stderr\n"
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

/* {"schema", "valid", "errors", "warnings", "diagnostics": [{"severity",
 * "code", "message", "file", "line", "column", "endLine", "endColumn"}]}:
 * README "Machine-readable output". Errors carry Prisma's P1012 (schema
 * validation); warnings have no code. Lines and columns are 1-based; a
 * diagnostic without a place has file, line and column null. */
static void print_json(FILE *out, const char *path, const diag_list *d)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\"schema\":");
    buf_put_json(&b, path);
    buf_printf(&b, ",\"valid\":%s,\"errors\":%zu,\"warnings\":%zu,\"diagnostics\":[",
               d->nerrors ? "false" : "true", d->nerrors, d->nwarnings);
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        bool error = g->severity == DIAG_ERROR;
        buf_printf(&b, "%s{\"severity\":\"%s\",\"code\":%s,\"message\":", i ? "," : "",
                   error ? "error" : "warning", error ? "\"P1012\"" : "null");
        buf_put_json(&b, g->message);
        buf_puts(&b, ",\"file\":");
        if (g->loc.file) {
            buf_put_json(&b, g->loc.file->path);
            buf_printf(&b, ",\"line\":%u,\"column\":%u,\"endLine\":%u,\"endColumn\":%u}",
                       (unsigned)g->loc.line, (unsigned)g->loc.col, (unsigned)g->loc.end_line,
                       (unsigned)g->loc.end_col);
        } else {
            buf_puts(&b, "null,\"line\":null,\"column\":null,\"endLine\":null,\"endColumn\":null}");
        }
    }
    buf_puts(&b, "]}\n");
    fputs(buf_cstr(&b), out);
    buf_free(&b);
}

int cmd_validate(int argc, char **argv)
{
    const char *option = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
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
    int status = diags.nerrors ? EXIT_USER : EXIT_OK;
    if (json) {
        print_json(stdout, path, &diags);
        diag_list_free(&diags);
        ast_schema_free(&schema);
        return status;
    }
    diag_print(stderr, &diags, cli_color());
    if (status == EXIT_OK) /* on stderr, as Prisma prints it */
        fprintf(stderr, "The schema at %s is valid 🚀\n", path);
    else
        fprintf(stderr, "\nValidation Error Count: %zu\n", diags.nerrors);
    diag_list_free(&diags);
    ast_schema_free(&schema);
    return status;
}
