/*
 * index_args.c — the per-field index and key arguments PostgreSQL has no
 * use for. Prisma parses `length` and a primary key's `sort` for every
 * database, then its PostgreSQL connector refuses them, and refuses any
 * `sort` on a Hash index; refract gives the same errors rather than drop
 * what the user wrote. The message texts are Prisma's.
 */
#include "resolve_int.h"

static void check_primary_key(resolver *r, const model_primary_key *pk)
{
    const ast_attribute at = {.name = "id", .is_block = !pk->from_field};
    bool length = false, sort = false;
    for (size_t i = 0; i < pk->nparts; i++) {
        length |= pk->parts[i].length != 0;
        sort |= pk->parts[i].sort != MODEL_SORT_DEFAULT;
    }
    if (length)
        r_attr_error(r, &at, pk->loc,
                     "The length argument is not supported in the primary key with the current "
                     "connector");
    if (sort)
        r_attr_error(r, &at, pk->loc,
                     "The sort argument is not supported in the primary key with the current "
                     "connector");
}

static void check_index(resolver *r, const model_index *ix)
{
    const ast_attribute at = {.name = ix->kind == MODEL_INDEX_UNIQUE ? "unique" : "index",
                              .is_block = !ix->from_field};
    bool length = false, sort = false;
    for (size_t i = 0; i < ix->nparts; i++) {
        length |= ix->parts[i].length != 0;
        sort |= ix->parts[i].sort != MODEL_SORT_DEFAULT;
    }
    if (length)
        r_attr_error(r, &at, ix->loc,
                     "The length argument is not supported in an index definition with the "
                     "current connector");
    if (sort && ix->type == MODEL_INDEX_HASH)
        r_attr_error(r, &at, ix->loc, "Hash type does not support sort option.");
}

void check_index_arguments(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        const model_table *t = r->models[i].t;
        if (t->pk)
            check_primary_key(r, t->pk);
        for (size_t j = 0; j < t->nindexes; j++)
            if (t->indexes[j].kind != MODEL_INDEX_FULLTEXT)
                check_index(r, &t->indexes[j]);
    }
}
