#include "dbschema.h"

#include <string.h>

#include "diff.h"

/* NULL and "" both mean the default namespace. */
static bool same_schema(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && !strcmp(a, b);
}

const db_table *db_find_table(const db_schema *s, const char *schema, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (!strcmp(s->tables[i].name, name) && same_schema(s->tables[i].schema, schema))
            return &s->tables[i];
    return NULL;
}

const db_column *db_find_column(const db_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

const db_enum *db_find_enum(const db_schema *s, const char *schema, const char *name)
{
    for (size_t i = 0; i < s->nenums; i++)
        if (!strcmp(s->enums[i].name, name) && same_schema(s->enums[i].schema, schema))
            return &s->enums[i];
    return NULL;
}

db_schema *dbschema_empty(arena *a)
{
    db_schema *s = arena_alloc(a, sizeof *s);
    ARENA_PUSH(a, s->namespaces, s->nnamespaces, s->cnamespaces, "public");
    return s;
}
