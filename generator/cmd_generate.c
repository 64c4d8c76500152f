/*
 * cmd_generate.c — `refract generate`: write the C client of a schema.
 *
 * The generator block whose provider is "refract" says where and how:
 *
 *     generator client {
 *       provider = "refract"
 *       output   = "../src/gen"   // relative to the file holding this block;
 *                                 // default "./generated"
 *       prefix   = "db"           // names: db.h, db.c, db_user, DB_ROLE_ADMIN;
 *                                 // default "db"
 *       sql      = "./sql"        // typed SQL: a folder of .sql files, relative
 *                                 // to this file; default "./sql" when it exists
 *     }
 *
 * --out DIR overrides `output` (relative to the current directory) and
 * also makes the block optional, so any schema can be generated for.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "emit/emit.h"
#include "model/model.h"
#include "migrate/dburl.h"
#include "parse/parse.h"
#include "sql/typed_sql.h"

#define DEFAULT_OUTPUT "./generated"
#define DEFAULT_PREFIX "db"

static void usage(FILE *out)
{
    fputs("Usage: refract generate [--schema PATH] [--out DIR] [--templates DIR] [--url URL]\n"
          "                        [--check]\n"
          "\n"
          "Write the C client <prefix>.h and <prefix>.c for the schema, as set by its\n"
          "generator block with provider = \"refract\":\n"
          "  output  where to write, relative to the schema file (default \"" DEFAULT_OUTPUT "\")\n"
          "  prefix  the prefix of every generated name and of the files (default \"" DEFAULT_PREFIX "\")\n"
          "  sql     a folder of .sql files, each query becoming a typed C function in\n"
          "          <prefix>_sql.h/.c (default \"./sql\" beside the schema, when it exists)\n"
          "\n"
          "Options:\n"
          "  --schema PATH     the schema (default ./prisma/schema.prisma, else ./schema.prisma)\n"
          "  --out DIR         write here instead (the generator block is then optional)\n"
          "  --templates DIR   read client.h.tmpl and client.c.tmpl from DIR instead of\n"
          "                    the copies built into refract\n"
          "  --url URL         typed SQL: prepare the queries on this database (the schema\n"
          "                    is applied in a transaction that is rolled back); default:\n"
          "                    the datasource's shadowDatabaseUrl, else a throwaway server\n"
          "  --check           write nothing; exit 1 when a typed query no longer prepares\n"
          "                    against the schema, or <prefix>_sql.h/.c are out of date\n"
          "\n"
          "A generator block with provider = \"refract-erd\" draws the schema's diagram\n"
          "(output = the file, default ERD.svg; format = mermaid, dot or svg).\n"
          "\n"
          "Compile <prefix>.c with your program and link -lrefract -lpq.\n"
          "Exit status: 0 written, 1 invalid schema, a query that does not prepare, or\n"
          "unwritable output, 2 usage.\n",
          out);
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* Writes `text` to dir/name through a temporary file, so a reader never
 * sees half a file. */
/*
 * The emitter hands over the header, then the source; each goes to a
 * temporary file beside its final name, and only when both are written are
 * they renamed into place, so a failure never leaves a new header next to
 * an old source.
 */
typedef struct output_files {
    char *path[2], *tmp[2];     /* [0]: header, [1]: source */
    FILE *f[2];                 /* open while its pieces arrive */
    bool failed;
} output_files;

static bool write_tmp(void *ctx, char which, const buf *text)
{
    output_files *o = ctx;
    int i = which == 'h' ? 0 : 1;
    if (!o->f[i] && !(o->f[i] = fopen(o->tmp[i], "wb"))) {
        fprintf(stderr, "error: cannot write %s: %s\n", o->tmp[i], strerror(errno));
        o->failed = true;
        return false;
    }
    if (fwrite(text->data ? text->data : "", 1, text->len, o->f[i]) != text->len) {
        fprintf(stderr, "error: cannot write %s: %s\n", o->tmp[i], strerror(errno));
        o->failed = true;
        return false;
    }
    return true;
}

/* Closes both; renames them into place when `commit` and all went well,
 * else removes what was written. */
static bool finish_files(output_files *o, bool commit)
{
    bool ok = commit && !o->failed;
    for (int i = 0; i < 2; i++) {
        if (o->f[i] && fclose(o->f[i]) != 0 && ok) {
            fprintf(stderr, "error: cannot write %s: %s\n", o->tmp[i], strerror(errno));
            ok = false;
        }
        o->f[i] = NULL;
    }
    for (int i = 0; i < 2; i++) {
        if (ok && rename(o->tmp[i], o->path[i]) != 0) {
            fprintf(stderr, "error: cannot write %s: %s\n", o->path[i], strerror(errno));
            ok = false;
        }
        if (!ok)
            remove(o->tmp[i]);
    }
    return ok;
}

static const model_generator *refract_generator(const model_schema *s)
{
    for (size_t i = 0; i < s->ngenerators; i++)
        if (s->generators[i].provider && !strcmp(s->generators[i].provider, "refract"))
            return &s->generators[i];
    return NULL;
}

/* Whether the generator turns on Prisma's full-text search for PostgreSQL:
 * `fullTextSearchPostgres` (Prisma 6 and 7), or `fullTextSearch`, its name
 * in Prisma 4 and 5, so that their schemas keep their `search`. */
static bool full_text_search(const model_generator *g)
{
    for (size_t i = 0; i < g->npreview_features; i++)
        if (!strcmp(g->preview_features[i], "fullTextSearchPostgres") ||
            !strcmp(g->preview_features[i], "fullTextSearch"))
            return true;
    return false;
}

/* The directory of the file a generator block is written in. */
static const char *block_dir(arena *a, const model_generator *g, const char *schema_path)
{
    const char *file = g && g->loc.file ? g->loc.file->path : schema_path;
    struct stat st;
    if (!g && stat(file, &st) == 0 && S_ISDIR(st.st_mode))
        return file;
    char *copy = arena_strdup(a, file);
    return arena_strdup(a, dirname(copy));
}

/* Draws every generator block with provider = "refract-erd": `output` (the
 * file, relative to the block's file; default ERD.svg) in `format` (else
 * from the file's extension). Counts the diagrams drawn. */
static bool draw_diagrams(const model_schema *model, const char *schema_path, arena *a,
                          size_t *drawn)
{
    for (size_t i = 0; i < model->ngenerators; i++) {
        const model_generator *g = &model->generators[i];
        if (!g->provider || strcmp(g->provider, "refract-erd"))
            continue;
        const char *output = g->output ? g->output : "ERD.svg";
        if (output[0] != '/')
            output = arena_printf(a, "%s/%s", block_dir(a, g, schema_path), output);
        char *parent = dirname(arena_strdup(a, output));
        if (make_dirs(parent) != 0) {
            fprintf(stderr, "error: cannot create %s: %s\n", parent, strerror(errno));
            return false;
        }
        if (!erd_write_file(model, output, model_generator_get(g, "format")))
            return false;
        printf("Drew the schema's diagram into %s\n", output);
        ++*drawn;
    }
    return true;
}

int cmd_generate(int argc, char **argv)
{
    const char *option = NULL, *out_dir = NULL, *templates_dir = NULL, *url = NULL;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(arg, "--schema") && i + 1 < argc) {
            option = argv[++i];
        } else if (!strncmp(arg, "--schema=", 9)) {
            option = arg + 9;
        } else if (!strcmp(arg, "--out") && i + 1 < argc) {
            out_dir = argv[++i];
        } else if (!strncmp(arg, "--out=", 6)) {
            out_dir = arg + 6;
        } else if (!strcmp(arg, "--templates") && i + 1 < argc) {
            templates_dir = argv[++i];
        } else if (!strncmp(arg, "--templates=", 12)) {
            templates_dir = arg + 12;
        } else if (!strcmp(arg, "--url") && i + 1 < argc) {
            url = argv[++i];
        } else if (!strncmp(arg, "--url=", 6)) {
            url = arg + 6;
        } else if (!strcmp(arg, "--check")) {
            check = true;
        } else {
            fprintf(stderr, "error: unexpected argument '%s'\n\n", arg);
            usage(stderr);
            return EXIT_USAGE;
        }
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
    if (!model || diags.nerrors) {
        fprintf(stderr, "\nerror: the schema at %s is invalid; nothing was generated\n", path);
        goto done;
    }

    size_t diagrams = 0;
    if (!draw_diagrams(model, path, &a, &diagrams))
        goto done;
    const model_generator *g = refract_generator(model);
    if (!g && !out_dir && diagrams) {
        status = EXIT_OK; /* only a diagram was asked for */
        goto done;
    }
    if (!g && !out_dir) {
        fprintf(stderr, "error: %s has no generator block with provider = \"refract\"\n"
                        "  add one:  generator client {\n"
                        "              provider = \"refract\"\n"
                        "              output   = \"" DEFAULT_OUTPUT "\"\n"
                        "            }\n"
                        "  or give --out DIR\n",
                path);
        goto done;
    }
    const char *prefix = g ? model_generator_get(g, "prefix") : NULL;
    if (!prefix)
        prefix = DEFAULT_PREFIX;
    if (!emit_prefix_valid(prefix)) {
        fprintf(stderr, "error: prefix \"%s\" cannot begin C names: use letters, digits and '_'\n",
                prefix);
        goto done;
    }
    const char *dir = out_dir;
    if (!dir) {
        const char *output = g->output ? g->output : DEFAULT_OUTPUT;
        while (output[0] == '.' && output[1] == '/')
            output += 2;
        if (!strcmp(output, "."))
            output = "";
        const char *base = block_dir(&a, g, path);
        if (output[0] == '/')
            dir = output;
        else if (!*output)
            dir = base;
        else if (!strcmp(base, "."))
            dir = output;
        else
            dir = arena_printf(&a, "%s/%s", base, output);
    }
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "error: cannot create %s: %s\n", dir, strerror(errno));
        goto done;
    }

    typed_sql_options sql = {.schema_path = path, .out_dir = dir, .prefix = prefix,
                             .check = check, .url = url};
    const char *sql_option = g ? model_generator_get(g, "sql") : NULL;
    const char *base = block_dir(&a, g, path);
    sql.dir_given = sql_option != NULL;
    if (!sql_option)
        sql_option = "sql";
    while (sql_option[0] == '.' && sql_option[1] == '/')
        sql_option += 2;
    sql.sql_dir = sql_option[0] == '/' || !strcmp(base, ".")
                      ? sql_option
                      : arena_printf(&a, "%s/%s", base, sql_option);
    char *shadow = NULL;
    if (!sql.url) { /* Prisma's shadow database, when the datasource names one */
        const model_config_value *v = &model->datasource.shadow_database_url;
        shadow = v->value ? strdup(v->value) : v->env ? db_env_lookup(v->env, path) : NULL;
        sql.url = shadow;
    }
    if (check) {
        status = typed_sql_run(model, &sql);
        free(shadow);
        goto done;
    }

    tpl_library lib = {templates_dir, &a};
    char *schema_copy = arena_strdup(&a, path);
    emit_options opts = {prefix, basename(schema_copy), &lib, g && full_text_search(g)};
    char *hname = arena_printf(&a, "%s.h", prefix), *cname = arena_printf(&a, "%s.c", prefix);
    output_files files = {
        {arena_printf(&a, "%s/%s", dir, hname), arena_printf(&a, "%s/%s", dir, cname)},
        {arena_printf(&a, "%s/.%s.tmp", dir, hname), arena_printf(&a, "%s/.%s.tmp", dir, cname)},
        {NULL, NULL}, false};
    char *error = NULL;
    bool emitted = emit_client(model, &opts, write_tmp, &files, &error);
    if (!emitted && error && !files.failed) {
        fprintf(stderr, "error: %s\n", error);
        free(error);
    }
    if (finish_files(&files, emitted)) {
        printf("Generated the refract client into %s (%s, %s)\n", dir, hname, cname);
        status = typed_sql_run(model, &sql);
    }
    free(shadow);
done:
    diag_list_free(&diags);
    ast_schema_free(&schema);
    arena_free(&a);
    return status;
}
