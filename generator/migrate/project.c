#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli.h"
#include "../parse/parse.h"

int project_open(project *p, const char *schema_option)
{
    memset(p, 0, sizeof *p);
    p->schema_path = cli_schema_path(schema_option);
    if (!p->schema_path)
        return EXIT_USER;
    p->migrations_path = migrations_path_for_schema(p->schema_path);
    diag_list diags = DIAG_LIST_INIT;
    parse_path(&p->ast, p->schema_path, &diags);
    if (!diags.nerrors)
        p->model = model_resolve(&p->ast, &p->model_arena, &diags);
    if (diags.count)
        diag_print(stderr, &diags, cli_color());
    bool failed = diags.nerrors > 0 || !p->model;
    diag_list_free(&diags);
    if (failed) {
        fprintf(stderr, "error: the schema at %s is not valid (see above)\n", p->schema_path);
        return EXIT_USER;
    }
    return EXIT_OK;
}

void project_close(project *p)
{
    free(p->migrations_path);
    free(p->url);
    arena_free(&p->model_arena);
    ast_schema_free(&p->ast);
    memset(p, 0, sizeof *p);
}

int project_connect(project *p, const char *url_option, db_conn *db, FILE *out)
{
    buf err = BUF_INIT;
    const model_datasource *ds = p->model && p->model->has_datasource ? &p->model->datasource : NULL;
    if (!p->url)
        p->url = db_url_resolve(url_option, ds, p->schema_path, &err);
    if (!p->url || db_connect(p->url, db, &err) != 0) {
        fprintf(stderr, "error: %s", buf_cstr(&err));
        buf_free(&err);
        return -1;
    }
    buf_free(&err);
    if (out)
        fprintf(out, "Datasource \"%s\": PostgreSQL database \"%s\", schema \"%s\" at \"%s\"\n\n",
                ds && ds->name ? ds->name : "db", db->dbname, db->schema, db->where);
    return 0;
}

model_schema *project_load_text(const char *path, const char *text, size_t len, ast_schema *ast,
                                arena *a)
{
    diag_list diags = DIAG_LIST_INIT;
    model_schema *m = NULL;
    parse_text(ast, path, text, len, &diags);
    if (!diags.nerrors)
        m = model_resolve(ast, a, &diags);
    if (diags.nerrors) {
        diag_print(stderr, &diags, cli_color());
        m = NULL;
    }
    diag_list_free(&diags);
    return m;
}

int project_read_migrations(const project *p, migration_folder *f)
{
    buf err = BUF_INIT;
    int rc = migrations_read(p->migrations_path, f, &err);
    if (rc != 0) {
        fprintf(stderr, "error: the migrations folder %s is not usable:\n", p->migrations_path);
        const char *s = buf_cstr(&err);
        while (*s) {
            const char *eol = strchr(s, '\n');
            size_t n = eol ? (size_t)(eol - s) : strlen(s);
            fprintf(stderr, "  - %.*s\n", (int)n, s);
            s += n + (eol ? 1 : 0);
        }
    }
    buf_free(&err);
    return rc;
}
