#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"

int migration_snapshot_model(const migration_folder *f, long i, ast_schema *ast, arena *a,
                             model_schema **out)
{
    *out = NULL;
    if (i < 0)
        return 0;
    const migration_file *m = &f->items[i];
    buf path = BUF_INIT, err = BUF_INIT;
    buf_printf(&path, "%s/%s", m->dir, MIGRATION_SCHEMA_FILE);
    int rc = -1;
    if (!m->has_schema) {
        fprintf(stderr,
                "error: migration %s has no schema.prisma, so refract cannot tell what it was "
                "made from (migrations made by Prisma do not save it: copy the schema that "
                "migration was created from to %s)\n",
                m->name, path.data);
    } else {
        char *text = read_regular_file(path.data, NULL, &err);
        if (!text)
            fprintf(stderr, "error: %s", buf_cstr(&err));
        else if (!(*out = project_load_text(path.data, text, strlen(text), ast, a)))
            fprintf(stderr, "error: the saved schema %s does not parse or validate any more (see "
                            "above)\n",
                    path.data);
        else
            rc = 0;
        free(text);
    }
    buf_free(&path);
    buf_free(&err);
    return rc;
}
