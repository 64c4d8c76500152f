/*
 * cmd_erd.c — `refract erd`: the schema as an entity-relationship diagram.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "erd/erd.h"
#include "model/model.h"
#include "parse/parse.h"

static void usage(FILE *out)
{
    fputs("Usage: refract erd [--schema PATH] [--format mermaid|dot|svg] [--out FILE]\n"
          "\n"
          "Draw the schema as an entity-relationship diagram: models and views with\n"
          "their columns (PK, FK and UK marked), enums, and every relation with the\n"
          "cardinality of each end (1:1, 1:n, and m:n through the implicit join table).\n"
          "\n"
          "Options:\n"
          "  --schema PATH   the schema (default ./prisma/schema.prisma, else ./schema.prisma)\n"
          "  --format F      mermaid (Markdown viewers draw it), dot (Graphviz), or svg (a\n"
          "                  picture refract lays out itself; no Graphviz needed).\n"
          "                  Default: from --out's extension (.mmd .md .dot .gv .svg;\n"
          "                  another one is an error), else mermaid\n"
          "  --out FILE      write there instead of standard output\n"
          "\n"
          "A generator block with provider = \"refract-erd\" makes `refract generate` write\n"
          "the diagram too (output = the file, format = as above).\n"
          "\n"
          "Exit status: 0 written, 1 invalid schema or unwritable output, 2 usage.\n",
          out);
}

/* The format a file name asks for, or false when its extension says none. */
static bool format_of_path(const char *path, erd_format *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return false;
    if (!strcmp(dot, ".svg"))
        *out = ERD_SVG;
    else if (!strcmp(dot, ".dot") || !strcmp(dot, ".gv"))
        *out = ERD_DOT;
    else if (!strcmp(dot, ".mmd") || !strcmp(dot, ".mermaid") || !strcmp(dot, ".md"))
        *out = ERD_MERMAID;
    else
        return false;
    return true;
}

/* The format to write: the one named, else the one --out's extension says,
 * else Mermaid when there is no file or the file has no extension. An
 * extension that names no format we write (schema.png, notes.txt) is an
 * error rather than a guess: writing Mermaid text into schema.png would look
 * like success and give the user a file no viewer opens. */
static bool format_for(const char *path, const char *format_name, erd_format *out)
{
    *out = ERD_MERMAID;
    if (format_name) {
        if (erd_format_parse(format_name, out))
            return true;
        fprintf(stderr, "error: unknown diagram format '%s' (use mermaid, dot or svg)\n",
                format_name);
        return false;
    }
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    if (!base || !strchr(base, '.') || format_of_path(base, out))
        return true;
    fprintf(stderr,
            "error: cannot tell a diagram format from the name %s: refract draws mermaid\n"
            "(.mmd .md), dot (.dot .gv) or svg (.svg); name one with --format (format =\n"
            "in a refract-erd generator block), or draw an SVG and convert it (e.g. rsvg-convert schema.svg -o schema.png)\n",
            path);
    return false;
}

bool erd_write_file(const model_schema *model, const char *path, const char *format_name)
{
    erd_format format;
    if (!format_for(path, format_name, &format))
        return false;
    arena a = ARENA_INIT;
    erd_graph g;
    erd_build(&g, model, &a);
    bool ok = true;
    if (!path) {
        erd_write(stdout, &g, format, &a);
        ok = fflush(stdout) == 0 && !ferror(stdout);
        if (!ok)
            fprintf(stderr, "error: cannot write the diagram: %s\n", strerror(errno));
    } else {
        /* write beside, then rename: a failed run leaves the old file intact */
        char *tmp = arena_printf(&a, "%s.tmp", path);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
            ok = false;
        } else {
            erd_write(f, &g, format, &a);
            ok = !ferror(f);
            if (fclose(f) != 0)
                ok = false;
            if (ok && rename(tmp, path) != 0)
                ok = false;
            if (!ok) {
                fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
                remove(tmp);
            }
        }
    }
    arena_free(&a);
    return ok;
}

int cmd_erd(int argc, char **argv)
{
    const char *option = NULL, *format = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(arg, "--schema") && i + 1 < argc) {
            option = argv[++i];
        } else if (!strncmp(arg, "--schema=", 9)) {
            option = arg + 9;
        } else if (!strcmp(arg, "--format") && i + 1 < argc) {
            format = argv[++i];
        } else if (!strncmp(arg, "--format=", 9)) {
            format = arg + 9;
        } else if (!strcmp(arg, "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strncmp(arg, "--out=", 6)) {
            out = arg + 6;
        } else {
            fprintf(stderr, "error: unexpected argument '%s'\n\n", arg);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    erd_format parsed;
    if (!format_for(out, format, &parsed)) {
        fputc('\n', stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = cli_schema_path(option);
    if (!path)
        return EXIT_USER;

    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    arena a = ARENA_INIT;
    model_schema *model = NULL;
    if (parse_path(&schema, path, &diags) == 0)
        model = model_resolve(&schema, &a, &diags);
    diag_print(stderr, &diags, cli_color());
    int status = EXIT_USER;
    if (!model || diags.nerrors)
        fprintf(stderr, "\nerror: the schema at %s is invalid; no diagram was drawn\n", path);
    else if (erd_write_file(model, out, format))
        status = EXIT_OK;
    diag_list_free(&diags);
    ast_schema_free(&schema);
    arena_free(&a);
    return status;
}
