/*
 * c_names.c — the C names of the client, final in the model: struct members
 * (escaped, never shifting) and the check that the whole generated namespace
 * is free of clashes.
 *
 * The scheme (docs/model-json.md, "C names"):
 *   - A model or enum is `<prefix>_<snake>`; everything generated for it is
 *     that plus a fixed suffix (MODEL_SUFFIXES / ENUM_SUFFIXES below), and
 *     constants are `<PREFIX>_<UPPER>_BY_<FIELD>` / `<PREFIX>_<UPPER>_<VALUE>`.
 *     A name is never changed because of another declaration: when two
 *     declarations would generate the same identifier, validation fails on
 *     the one that introduces the clash (the one whose own name is the other's
 *     generated name, else the later one in the source), with the @map/@@map
 *     way out.
 *   - A field is a struct member named after its snake_case. A name C, C++
 *     or the usual headers reserve (model_c_reserved) gets a trailing '_'.
 *   - Two fields of one model with the same snake_case (Prisma accepts
 *     `createdAt` next to `created_at`): the one written in snake_case keeps
 *     it, the others use their Prisma name verbatim (unique in the model, and
 *     never all lower-case snake_case, so never another field's snake_case).
 *     This depends on the names only, not their order, and is a warning.
 *   - What is still a clash after that (`class` and `class_`) is an error.
 */
#include "resolve_int.h"

#include <stdint.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strmap.h"

/*
 * A C-name clash only matters to a schema that generates C. With a
 * generator block of provider "refract" it is an error (generate would
 * write C that does not compile); without one it is a warning, so a
 * schema Prisma accepts still validates and migrates with refract.
 */
static bool generates_c(const resolver *r)
{
    for (size_t i = 0; i < r->s->ngenerators; i++) {
        const char *p = r->s->generators[i].provider;
        if (p && !strcmp(p, "refract"))
            return true;
    }
    return false;
}

#define c_name_error(r, loc, ...) \
    r_report((r), generates_c(r) ? DIAG_ERROR : DIAG_WARNING, (loc), __VA_ARGS__)

/* What the emitter appends to a model's C name. Kept here, in one place, so
 * the check covers exactly what is generated, and what is planned (select,
 * stream). The cursor type is `_cursor`, not `_key`: models named XKey next
 * to X are common (formbricks: ContactAttribute and ContactAttributeKey). */
static const char *const MODEL_SUFFIXES[] = {
    "list", "where", "order", "field", "include", "cursor", "query", "create_input",
    "update_input", "select", "stream", "find_first", "find_many", "count", "create",
    "update_many", "delete_many", "create_select", "find_many_stream", "stream_next",
    "stream_close", "aggregate", "aggregate_query", "aggregate_result", "group_by",
    "group_by_query", "group_by_row", "group_by_list", "relation",
    /* bulk writes (issue 11) */
    "create_many", "create_many_and_return", "update_many_and_return", "batch_create",
    "batch_count", "nested_create", "create_nested", "batch_find_many", "batch_find_first",
    "batch_aggregate", "batch_create_many", "batch_update_many", "batch_delete_many",
    /* nested updates (issue 11) */
    "nested_update", "relation_update"};
/* Followed by a unique criterion's C name. */
static const char *const CRITERION_SUFFIXES[] = {"find_unique_by_", "update_by_", "delete_by_",
                                                 "upsert_by_",
                                                 /* batches (issue 11) */
                                                 "batch_find_unique_by_", "batch_update_by_",
                                                 "batch_delete_by_", "batch_upsert_by_",
                                                 /* nested updates (issue 11) */
                                                 "update_nested_by_"};
/* Followed by a relation field's C name. */
static const char *const RELATION_SUFFIXES[] = {"connect_", "disconnect_"};
static const char *const ENUM_SUFFIXES[] = {
    "opt", "array", "filter", "list_filter", "update", "array_update", "to_string", "from_string", "names",
    "table", "get", "get_opt", "get_array", "where", "set", "array_set"};
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ---- struct members ------------------------------------------------------------ */

static const char *field_c_slot_name(const field_info *fi)
{
    return fi->col ? fi->col->c_name : fi->rf ? fi->rf->c_name : NULL;
}

static void set_field_c_name(field_info *fi, const char *name)
{
    if (fi->col)
        fi->col->c_name = name;
    else if (fi->rf)
        fi->rf->c_name = name;
}

static const char *field_column(const field_info *fi)
{
    return fi->col ? fi->col->db_name : fi->m->name;
}

static void assign_member_names(resolver *r, block_info *bi)
{
    /* How many fields share each snake_case name. */
    strmap count = STRMAP_IN(r->a);
    for (size_t j = 0; j < bi->nfields; j++) {
        const char *snake = field_c_slot_name(&bi->fields[j]);
        if (snake) {
            void **n = strmap_ref(&count, snake);
            *n = (void *)((uintptr_t)*n + 1);
        }
    }
    strmap members = STRMAP_IN(r->a); /* final C name → field_info */
    for (size_t j = 0; j < bi->nfields; j++) {
        field_info *fi = &bi->fields[j];
        const char *snake = field_c_slot_name(fi);
        if (!snake)
            continue;
        bool verbatim = (uintptr_t)strmap_get(&count, snake) > 1 && strcmp(fi->m->name, snake);
        const char *name = verbatim ? fi->m->name : snake;
        if (model_c_reserved(name))
            name = arena_printf(r->a, "%s_", name);
        set_field_c_name(fi, name);
        field_info *first = strmap_put(&members, name, fi);
        if (!first && !verbatim && name == snake)
            continue;
        const char *way_out = fi->col ? arena_printf(r->a, " and keep its column with @map(\"%s\")",
                                                     field_column(fi))
                                      : "";
        if (first) {
            c_name_error(r, fi->m->name_loc,
                    "The fields \"%s\" and \"%s\" of %s \"%s\" both become the C member `%s`. "
                    "Rename the field \"%s\"%s.",
                    first->m->name, fi->m->name, r_block_word(bi), bi->b->name, name,
                    fi->m->name, way_out);
            continue;
        }
        if (verbatim)
            r_warning(r, fi->m->name_loc,
                      "The field \"%s\" of %s \"%s\" shares the C name `%s` with another field; "
                      "the field written `%s` keeps it, so \"%s\" is `%s` in C (its Prisma "
                      "name, whatever the field order). To choose the name yourself, rename the "
                      "field%s.",
                      fi->m->name, r_block_word(bi), bi->b->name, snake, snake, fi->m->name, name,
                      way_out);
        else if (name != snake)
            r_warning(r, fi->m->name_loc,
                      "The field \"%s\" of %s \"%s\" becomes the C identifier `%s`, which %s; "
                      "refract names it `%s` in C. To choose the name yourself, rename the "
                      "field%s.",
                      fi->m->name, r_block_word(bi), bi->b->name, snake,
                      strncmp(snake, "rf_", 3) ? "C, C++, GNU C or a standard header reserves"
                                               : "is in refract's own namespace (rf_)",
                      name, way_out);
    }
    for (size_t j = 0; j < bi->nfields; j++)
        if (bi->fields[j].col)
            bi->fields[j].col->c_upper = model_c_upper_exact(r->a, bi->fields[j].col->c_name);
}

/* Unnamed compound criteria are named after their columns' C names, which
 * assign_member_names may have changed. */
static void rename_criteria(resolver *r, model_table *t)
{
    if (t->pk && !t->pk->name)
        t->pk->c_name = model_c_join(r->a, t->pk->parts, t->pk->nparts);
    for (size_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].kind == MODEL_INDEX_UNIQUE && !t->indexes[i].name)
            t->indexes[i].c_name = model_c_join(r->a, t->indexes[i].parts, t->indexes[i].nparts);
}

/* Enum values: the constant is <PREFIX>_<ENUM>_<VALUE>. Values that share an
 * UPPER_SNAKE form follow the members' rule: the one written that way keeps
 * it, the others use their Prisma name. */
static void assign_value_names(resolver *r, model_enum *e)
{
    strmap count = STRMAP_IN(r->a);
    for (size_t j = 0; j < e->nvalues; j++) {
        void **n = strmap_ref(&count, e->values[j].c_name);
        *n = (void *)((uintptr_t)*n + 1);
    }
    for (size_t j = 0; j < e->nvalues; j++) {
        model_enum_value *v = &e->values[j];
        const char *upper = v->c_name;
        if ((uintptr_t)strmap_get(&count, upper) < 2 || !strcmp(v->name, upper))
            continue;
        v->c_name = v->name;
        r_warning(r, v->loc,
                  "The value \"%s\" of enum \"%s\" shares the C name `%s` with another value; the "
                  "value written `%s` keeps it, so \"%s\" is `%s` in C (its Prisma name, whatever "
                  "the order). To choose the name yourself, rename the value and keep its "
                  "database value with @map(\"%s\").",
                  v->name, e->name, upper, upper, v->name, v->name, v->db_name);
    }
}

/* ---- the generated namespace ----------------------------------------------------- */

/* Who generates a name, to blame the right declaration for a clash. The
 * messages are only formatted when there is one. */
typedef enum origin_kind {
    ORIGIN_MODEL,     /* a model or view (block) */
    ORIGIN_ENUM,      /* an enum (block) */
    ORIGIN_CRITERION, /* a unique criterion of a model */
    ORIGIN_RELATION,  /* a relation field of a model */
    ORIGIN_FIELD,     /* a column of a model */
    ORIGIN_VALUE,     /* a value of an enum */
    ORIGIN_GUARD,     /* the header's include guard */
} origin_kind;

typedef struct c_origin {
    origin_kind kind;
    const block_info *bi;       /* the model or enum */
    const void *part;           /* criterion, relation field, column, value */
    ast_loc loc;                /* where to report */
    bool own_name;              /* the declaration's own name (a type), not a generated one */
    bool reported;
    struct c_origin *decl;      /* the declaration to blame (itself, or its model/enum) */
} c_origin;

typedef struct c_namespace {
    resolver *r;
    strmap names;               /* identifier without the prefix → c_origin */
    const char *prefix, *PREFIX;
    buf key;                    /* scratch for building names */
} c_namespace;

static bool loc_before(ast_loc a, ast_loc b)
{
    int f = strcmp(a.file ? a.file->path : "", b.file ? b.file->path : "");
    return f ? f < 0 : a.start < b.start;
}

static c_origin *origin(resolver *r, origin_kind kind, const block_info *bi, const void *part,
                        ast_loc loc, c_origin *decl)
{
    c_origin *o = arena_alloc(r->a, sizeof *o);
    *o = (c_origin){kind, bi, part, loc, false, false, decl ? decl : o};
    return o;
}

static const char *origin_what(resolver *r, const c_origin *o)
{
    const char *word = o->bi && o->bi->t ? r_block_word(o->bi) : "enum";
    const char *owner = o->bi ? o->bi->b->name : "";
    switch (o->kind) {
    case ORIGIN_MODEL:
    case ORIGIN_ENUM:
        return arena_printf(r->a, "%s \"%s\"", word, owner);
    case ORIGIN_CRITERION:
        return arena_printf(r->a, "the unique criterion `%s` of %s \"%s\"",
                            ((const model_unique_criterion *)o->part)->c_name, word, owner);
    case ORIGIN_RELATION:
        return arena_printf(r->a, "the relation field \"%s\" of %s \"%s\"",
                            ((const model_relation_field *)o->part)->name, word, owner);
    case ORIGIN_FIELD:
        return arena_printf(r->a, "the field \"%s\" of %s \"%s\"",
                            ((const model_column *)o->part)->name, word, owner);
    case ORIGIN_VALUE:
        return arena_printf(r->a, "the value \"%s\" of enum \"%s\"",
                            ((const model_enum_value *)o->part)->name, owner);
    case ORIGIN_GUARD:
        break;
    }
    return "the header's include guard";
}

static const char *origin_way_out(resolver *r, const c_origin *o)
{
    switch (o->kind) {
    case ORIGIN_MODEL:
        return arena_printf(r->a, "rename the %s and keep its table with @@map(\"%s\")",
                            r_block_word(o->bi), o->bi->t->db_name);
    case ORIGIN_ENUM:
        return arena_printf(r->a, "rename the enum and keep its type with @@map(\"%s\")",
                            o->bi->e->db_name);
    case ORIGIN_CRITERION: {
        const model_unique_criterion *c = o->part;
        if (c->nparts > 1)
            return "give the criterion a name with `name:`";
        return arena_printf(r->a, "rename the field and keep its column with @map(\"%s\")",
                            c->parts[0].column->db_name);
    }
    case ORIGIN_RELATION:
        return "rename the relation field";
    case ORIGIN_FIELD:
        return arena_printf(r->a, "rename the field and keep its column with @map(\"%s\")",
                            ((const model_column *)o->part)->db_name);
    case ORIGIN_VALUE:
        return arena_printf(r->a, "rename the value and keep its database value with @map(\"%s\")",
                            ((const model_enum_value *)o->part)->db_name);
    case ORIGIN_GUARD:
        break;
    }
    return "rename it";
}

/* Claims the name in ns->key for o. */
static void claim(c_namespace *ns, bool upper, c_origin *o)
{
    resolver *r = ns->r;
    const char *name = buf_cstr(&ns->key);
    bool added;
    void **slot = strmap_ref_copy(&ns->names, name, r->a, &added);
    if (added) {
        *slot = o;
        return;
    }
    c_origin *other = *slot;
    if (other->decl == o->decl)
        return;
    /* Blame the declaration whose own name is the other's generated one;
     * else the later one. */
    c_origin *culprit;
    if (o->own_name != other->own_name)
        culprit = o->own_name ? o : other;
    else
        culprit = loc_before(o->loc, other->loc) ? other : o;
    c_origin *victim = culprit == o ? other : o;
    if (culprit->decl->reported)
        return;
    culprit->decl->reported = true;
    c_name_error(r, culprit->loc,
            "The C name `%s_%s` of %s is also a name generated for %s; refract never renames "
            "one declaration's C API because of another. To fix it, %s.",
            upper ? ns->PREFIX : ns->prefix, name, origin_what(r, culprit), origin_what(r, victim),
            origin_way_out(r, culprit));
}

/* Claims base + suffix (+ tail). */
static void claim3(c_namespace *ns, const char *base, const char *suffix, const char *tail,
                   bool upper, c_origin *o)
{
    buf_truncate(&ns->key, 0);
    buf_puts(&ns->key, base);
    buf_putc(&ns->key, '_');
    buf_puts(&ns->key, suffix);
    if (tail)
        buf_puts(&ns->key, tail);
    claim(ns, upper, o);
}

static void claim_model(c_namespace *ns, block_info *bi)
{
    resolver *r = ns->r;
    model_table *t = bi->t;
    c_origin *self = origin(r, ORIGIN_MODEL, bi, NULL, bi->b->name_loc, NULL);
    self->own_name = true;
    buf_truncate(&ns->key, 0);
    buf_puts(&ns->key, t->c_name);
    claim(ns, false, self);
    c_origin *gen = origin(r, ORIGIN_MODEL, bi, NULL, bi->b->name_loc, self);
    for (size_t i = 0; i < COUNT(MODEL_SUFFIXES); i++)
        claim3(ns, t->c_name, MODEL_SUFFIXES[i], NULL, false, gen);

    /* Criteria: the same criterion twice (@id and @unique on one field) is
     * one function; two different ones with one C name clash. */
    size_t ncrit = model_unique_criteria(t, NULL, 0);
    model_unique_criterion *crit = arena_alloc(r->a, (ncrit ? ncrit : 1) * sizeof *crit);
    model_unique_criteria(t, crit, ncrit);
    for (size_t k = 0; k < ncrit; k++) {
        const char *cn = crit[k].c_name;
        ast_loc loc = crit[k].pk ? crit[k].pk->loc : crit[k].index->loc;
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++) {
            if (strcmp(crit[j].c_name, cn))
                continue;
            seen = true;
            bool identical = crit[j].nparts == crit[k].nparts;
            for (size_t p = 0; identical && p < crit[k].nparts; p++)
                identical = crit[j].parts[p].column == crit[k].parts[p].column;
            if (!identical) {
                c_origin tmp = {ORIGIN_CRITERION, bi, &crit[k], loc, false, false, NULL};
                c_name_error(r, loc,
                        "The unique criteria `%s` of %s \"%s\" have the same C name, so their "
                        "functions (%s_%s_find_unique_by_%s, ...) would clash. To fix it, %s.",
                        cn, r_block_word(bi), t->name, ns->prefix, t->c_name, cn,
                        origin_way_out(r, &tmp));
            }
        }
        if (seen)
            continue;
        /* `x_select` next to `x`: the select form of x's functions is x_select's. */
        size_t cl = strlen(cn);
        for (size_t j = 0; j < ncrit && cl > 7 && !strcmp(cn + cl - 7, "_select"); j++) {
            if (strlen(crit[j].c_name) != cl - 7 || strncmp(crit[j].c_name, cn, cl - 7))
                continue;
            c_origin tmp = {ORIGIN_CRITERION, bi, &crit[k], loc, false, false, NULL};
            c_name_error(r, loc,
                    "The unique criterion `%s` of %s \"%s\" has the C name of the select form of "
                    "`%s` (%s_%s_find_unique_by_%s, ...). To fix it, %s.",
                    cn, r_block_word(bi), t->name, crit[j].c_name, ns->prefix, t->c_name, cn,
                    origin_way_out(r, &tmp));
            break;
        }
        c_origin *co = origin(r, ORIGIN_CRITERION, bi, &crit[k], loc, self);
        const char *cn_select = arena_printf(r->a, "%s_select", cn);
        for (size_t i = 0; i < COUNT(CRITERION_SUFFIXES); i++) {
            claim3(ns, t->c_name, CRITERION_SUFFIXES[i], cn, false, co);
            /* The select / omit forms: <model>_find_unique_by_<c>_select, ... */
            claim3(ns, t->c_name, CRITERION_SUFFIXES[i], cn_select, false, co);
        }
    }
    for (size_t j = 0; j < t->nrelation_fields; j++) {
        const model_relation_field *rf = &t->relation_fields[j];
        c_origin *ro = origin(r, ORIGIN_RELATION, bi, rf, rf->loc, self);
        for (size_t i = 0; i < COUNT(RELATION_SUFFIXES); i++)
            claim3(ns, t->c_name, RELATION_SUFFIXES[i], rf->c_name, false, ro);
    }
    for (size_t j = 0; j < t->ncolumns; j++) {
        const model_column *c = &t->columns[j];
        claim3(ns, t->c_upper, "BY_", c->c_upper, true,
               origin(r, ORIGIN_FIELD, bi, c, c->loc, self));
    }
}

static void claim_enum(c_namespace *ns, block_info *bi)
{
    resolver *r = ns->r;
    model_enum *e = bi->e;
    c_origin *self = origin(r, ORIGIN_ENUM, bi, NULL, bi->b->name_loc, NULL);
    self->own_name = true;
    buf_truncate(&ns->key, 0);
    buf_puts(&ns->key, e->c_name);
    claim(ns, false, self);
    c_origin *gen = origin(r, ORIGIN_ENUM, bi, NULL, bi->b->name_loc, self);
    for (size_t i = 0; i < COUNT(ENUM_SUFFIXES); i++)
        claim3(ns, e->c_name, ENUM_SUFFIXES[i], NULL, false, gen);
    for (size_t j = 0; j < e->nvalues; j++) {
        const model_enum_value *v = &e->values[j];
        /* Each value is its own declaration: two values of different enums
         * that make one constant blame the later value, not its enum. */
        claim3(ns, e->c_upper, v->c_name, NULL, true,
               origin(r, ORIGIN_VALUE, bi, v, v->loc, NULL));
    }
}

static const char *client_prefix(resolver *r)
{
    for (size_t i = 0; i < r->s->ngenerators; i++) {
        const char *p = model_generator_get(&r->s->generators[i], "prefix");
        if (p)
            return p;
    }
    return "db";
}

void assign_c_names(resolver *r)
{
    for (size_t i = 0; i < r->nmodels; i++) {
        assign_member_names(r, &r->models[i]);
        rename_criteria(r, r->models[i].t);
    }
    for (size_t i = 0; i < r->nenums; i++)
        assign_value_names(r, r->enums[i].e);
    if (r_has_errors(r))
        return;

    c_namespace ns = {r, STRMAP_INIT, client_prefix(r), NULL, BUF_INIT};
    ns.PREFIX = model_c_upper_exact(r->a, ns.prefix);
    /* The header's include guard is <PREFIX>_H_REFRACT. */
    claim3(&ns, "H", "REFRACT", NULL, true, origin(r, ORIGIN_GUARD, NULL, NULL, (ast_loc){0}, NULL));
    for (size_t i = 0; i < r->nmodels; i++)
        if (r->models[i].t->kind != MODEL_TABLE_JOIN && !r->models[i].t->ignored)
            claim_model(&ns, &r->models[i]);
    for (size_t i = 0; i < r->nenums; i++)
        claim_enum(&ns, &r->enums[i]);
    strmap_free(&ns.names);
    buf_free(&ns.key);
}
