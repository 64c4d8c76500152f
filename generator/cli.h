/*
 * cli.h — the refract command line: one function per command, shared
 * option helpers. Exit codes: 0 ok, 1 user error (bad schema, failed
 * migration), 2 usage.
 */
#ifndef REFRACT_CLI_H
#define REFRACT_CLI_H

#include <stdbool.h>

#define REFRACT_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_USAGE = 2 };

int cmd_validate(int argc, char **argv);
int cmd_format(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_erd(int argc, char **argv);
int cmd_init(int argc, char **argv);

/* The schema to use: `option` if given, else ./prisma/schema.prisma, else
 * ./schema.prisma, else ./prisma (a folder) . Returns NULL after printing an
 * error when none exists. The result is `option` or a static string. */
const char *cli_schema_path(const char *option);

/* Writes the diagram of `model` to `path` (standard output when NULL) in
 * `format` ("mermaid", "dot", "svg"; NULL: from path's extension, else
 * mermaid). Prints its own errors. cmd_erd.c; `generate` uses it for a
 * provider = "refract-erd" block. */
struct model_schema;
bool erd_write_file(const struct model_schema *model, const char *path, const char *format);

/* Whether stderr should be coloured (a tty, NO_COLOR unset). */
bool cli_color(void);

#endif
