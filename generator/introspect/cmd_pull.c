/*
 * cmd_pull.c — `refract db pull`: write the schema of the live database
 * into schema.prisma (pull.h says how), as `prisma db pull` does.
 *
 * The datasource and generator blocks of the existing file are kept as
 * written; the models, views and enums are replaced by the pulled ones,
 * keeping the existing schema's model and field names, field order and doc
 * comments unless --force is given. The text is formatted as `refract
 * format` would, and parsed back before it is written, so a pull never
 * leaves a file refract cannot read.
 */
#include "cmd_pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../cli.h"
#include "../format/format.h"
#include "../migrate/folder.h"
#include "../migrate/options.h"
#include "../migrate/project.h"
#include "../parse/parse.h"
#include "catalog.h"
#include "pull.h"

static const char pull_usage[] =
    "Usage: refract db pull [--force] [--print] [--schema PATH] [--url URL]\n"
    "\n"
    "Read the database's schema and write it into schema.prisma as Prisma models,\n"
    "views and enums (as `prisma db pull` does). The datasource and generator\n"
    "blocks are kept; models already in the file keep their names, field names,\n"
    "field order and doc comments.\n"
    "\n"
    "  --force         write a fresh schema: names, order and comments of the\n"
    "                  existing models are not kept\n"
    "  --print         print the schema instead of writing the file\n"
    "  --schema PATH   the schema (default ./prisma/schema.prisma, ./schema.prisma);\n"
    "                  it must hold a datasource block, and be a single file\n"
    "  --url URL       the database (default: as for the migrate commands)\n";

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The datasource and generator blocks as written, each followed by a
 * blank line. */
static void header_of(const ast_schema *s, buf *out)
{
    for (size_t i = 0; i < s->nblocks; i++) {
        const ast_block *b = s->blocks[i];
        if (b->kind != AST_BLOCK_DATASOURCE && b->kind != AST_BLOCK_GENERATOR)
            continue;
        if (out->len)
            buf_puts(out, "\n\n");
        buf_put(out, b->loc.file->text + b->loc.start, b->loc.end - b->loc.start);
    }
}

static bool has_views_feature(const model_schema *m)
{
    for (size_t i = 0; i < m->ngenerators; i++)
        for (size_t k = 0; k < m->generators[i].npreview_features; k++)
            if (!strcmp(m->generators[i].preview_features[k], "views"))
                return true;
    return false;
}

/* The pulled text formatted; NULL (after printing why) when it does not
 * parse, which would be refract's bug. */
static char *formatted(const char *path, const char *text)
{
    ast_schema s = {0};
    diag_list diags = DIAG_LIST_INIT;
    char *out = NULL;
    if (parse_text(&s, path, text, strlen(text), &diags) == 0 && s.nsources == 1)
        out = format_source(&s.sources[0]);
    else
        diag_print(stderr, &diags, cli_color());
    diag_list_free(&diags);
    ast_schema_free(&s);
    return out;
}

int db_pull_cmd(int argc, char **argv)
{
    bool print = false;
    /* --print is pull's own; the rest are the migrate options. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--print"))
            print = true;
        else
            args[nargs++] = argv[i];
    }
    migrate_options o;
    int rc = migrate_parse_options(nargs, args, OPT_SCHEMA | OPT_URL | OPT_FORCE, &o);
    free(args);
    if (rc >= 0) {
        fputs(pull_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    rc = EXIT_USER;
    db_conn db = {0};
    arena a = ARENA_INIT;
    buf err = BUF_INIT, header = BUF_INIT, text = BUF_INIT;
    char *out = NULL;
    struct stat st;
    if (stat(p.schema_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "error: %s is a folder of schema files; db pull writes one file: give "
                        "it with --schema\n",
                p.schema_path);
        goto done;
    }
    if (!p.model->has_datasource) {
        fprintf(stderr, "error: %s has no datasource block; db pull needs one to know the "
                        "database (provider = \"postgresql\")\n",
                p.schema_path);
        goto done;
    }
    if (!print)
        printf("Prisma schema loaded from %s\n", p.schema_path);
    if (project_connect(&p, o.url, &db, print ? NULL : stdout) != 0)
        goto done;
    const model_datasource *ds = &p.model->datasource;
    const char *const own[] = {db.schema};
    catalog_options co = {.namespaces = ds->nschemas ? (const char *const *)ds->schemas : own,
                          .nnamespaces = ds->nschemas ? ds->nschemas : 1,
                          .multi_schema = ds->nschemas > 0};
    catalog cat;
    if (catalog_read(db.pg, &co, &a, &cat, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        goto done;
    }
    if (!cat.db.ntables && !cat.nviews) {
        fprintf(stderr,
                "error: P4001 The introspected database was empty: there is no table in schema "
                "\"%s\".\n",
                co.nnamespaces == 1 ? co.namespaces[0] : "(the datasource's schemas)");
        goto done;
    }
    header_of(&p.ast, &header);
    pull_options po = {.header = buf_cstr(&header),
                       .views = has_views_feature(p.model),
                       .previous = o.force ? NULL : p.model};
    size_t models = pull_render(&cat, &po, &a, &text);
    if (!(out = formatted(p.schema_path, buf_cstr(&text)))) {
        fputs("error: the pulled schema does not parse (a bug in refract); nothing was written\n",
              stderr);
        goto done;
    }
    if (print) {
        fputs(out, stdout);
    } else {
        if (write_file_all(p.schema_path, out, strlen(out)) != 0) {
            fprintf(stderr, "error: cannot write %s\n", p.schema_path);
            goto done;
        }
        printf("Introspected %zu model%s and wrote %s into %s in %.0fms\n", models,
               models == 1 ? "" : "s", models == 1 ? "it" : "them", p.schema_path,
               elapsed_ms(&t0));
    }
    rc = EXIT_OK;
done:
    free(out);
    buf_free(&err);
    buf_free(&header);
    buf_free(&text);
    if (db.pg)
        db_close(&db);
    arena_free(&a);
    project_close(&p);
    return rc;
}
