/*
 * attrs.c — field and block attributes: @id @unique @map @updatedAt @ignore
 * @db.* @default @relation, @@id @@unique @@index @@map @@schema @@ignore,
 * and the enum attributes. Builds primary keys and indexes in Prisma's order
 * (field @unique, then @@index, then @@unique).
 */
#include "resolve_int.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

/* ---- argument helpers ---------------------------------------------------- */

const ast_expr *r_arg(const ast_attribute *at, const char *name, const char *def_name)
{
    const ast_arg *a = ast_arg_named(&at->args, name);
    if (a)
        return a->value;
    if (def_name && !strcmp(name, def_name)) {
        a = ast_arg_positional(&at->args, 0);
        if (a)
            return a->value;
    }
    return NULL;
}

bool r_check_args(resolver *r, const ast_attribute *at, const char *def_name,
                  const char *const *allowed)
{
    bool ok = true;
    size_t npositional = 0;
    for (size_t i = 0; i < at->args.count; i++) {
        const ast_arg *a = &at->args.items[i];
        if (!a->name) {
            if (npositional++ > 0 || !def_name) {
                r_error(r, a->loc, "No such argument.");
                ok = false;
            }
            continue;
        }
        bool known = false;
        for (size_t k = 0; allowed && allowed[k]; k++)
            known |= !strcmp(allowed[k], a->name);
        if (!known) {
            r_error(r, a->loc, "No such argument.");
            ok = false;
            continue;
        }
        if (def_name && !strcmp(a->name, def_name) && ast_arg_positional(&at->args, 0)) {
            r_error(r, a->loc, "Argument \"%s\" is already specified as unnamed argument.", a->name);
            ok = false;
        }
        for (size_t j = 0; j < i; j++)
            if (at->args.items[j].name && !strcmp(at->args.items[j].name, a->name)) {
                r_error(r, a->loc, "Argument \"%s\" is already specified.", a->name);
                ok = false;
            }
    }
    return ok;
}

static const char *expr_kind_word(const ast_expr *e)
{
    switch (e->kind) {
    case AST_EXPR_STRING: return "string";
    case AST_EXPR_NUMBER: return "numeric";
    case AST_EXPR_CONST: return "constant";
    case AST_EXPR_FUNC: return "functional";
    case AST_EXPR_ARRAY: return "array";
    }
    return "unknown";
}

const char *r_string_arg(resolver *r, const ast_expr *e)
{
    if (!e)
        return NULL;
    if (e->kind != AST_EXPR_STRING) {
        r_error(r, e->loc, "Expected a string value, but received %s value `%s`.",
                expr_kind_word(e), r_source(r, e->loc));
        return NULL;
    }
    return e->text;
}

const char *r_ref_name(const ast_expr *e)
{
    return (e->kind == AST_EXPR_CONST || e->kind == AST_EXPR_FUNC) ? e->text : NULL;
}

size_t r_field_list(resolver *r, const ast_expr *e, const ast_expr ***out)
{
    *out = NULL;
    if (!e)
        return 0;
    const ast_expr *const *items;
    size_t n;
    const ast_expr *single = e;
    if (e->kind == AST_EXPR_ARRAY) {
        items = (const ast_expr *const *)e->items;
        n = e->count;
    } else {
        items = &single;
        n = 1;
    }
    const ast_expr **list = arena_alloc(r->a, (n ? n : 1) * sizeof *list);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const ast_expr *it = items[i];
        if (it->kind == AST_EXPR_CONST || it->kind == AST_EXPR_FUNC) {
            list[k++] = it;
            continue;
        }
        r_error(r, it->loc, "Expected a constant literal value, but received %s value `%s`.",
                expr_kind_word(it), r_source(r, it->loc));
    }
    *out = list;
    return k;
}

/* ---- index parts --------------------------------------------------------- */

/* Prisma's operator class constants and their SQL spelling. */
static const char *const op_classes[][2] = {
    {"InetOps", "inet_ops"},
    {"JsonbOps", "jsonb_ops"},
    {"JsonbPathOps", "jsonb_path_ops"},
    {"ArrayOps", "array_ops"},
    {"TextOps", "text_ops"},
    {"BitMinMaxOps", "bit_minmax_ops"},
    {"VarBitMinMaxOps", "varbit_minmax_ops"},
    {"BpcharBloomOps", "bpchar_bloom_ops"},
    {"BpcharMinMaxOps", "bpchar_minmax_ops"},
    {"ByteaBloomOps", "bytea_bloom_ops"},
    {"ByteaMinMaxOps", "bytea_minmax_ops"},
    {"DateBloomOps", "date_bloom_ops"},
    {"DateMinMaxOps", "date_minmax_ops"},
    {"DateMinMaxMultiOps", "date_minmax_multi_ops"},
    {"Float4BloomOps", "float4_bloom_ops"},
    {"Float4MinMaxOps", "float4_minmax_ops"},
    {"Float4MinMaxMultiOps", "float4_minmax_multi_ops"},
    {"Float8BloomOps", "float8_bloom_ops"},
    {"Float8MinMaxOps", "float8_minmax_ops"},
    {"Float8MinMaxMultiOps", "float8_minmax_multi_ops"},
    {"InetInclusionOps", "inet_inclusion_ops"},
    {"InetBloomOps", "inet_bloom_ops"},
    {"InetMinMaxOps", "inet_minmax_ops"},
    {"InetMinMaxMultiOps", "inet_minmax_multi_ops"},
    {"Int2BloomOps", "int2_bloom_ops"},
    {"Int2MinMaxOps", "int2_minmax_ops"},
    {"Int2MinMaxMultiOps", "int2_minmax_multi_ops"},
    {"Int4BloomOps", "int4_bloom_ops"},
    {"Int4MinMaxOps", "int4_minmax_ops"},
    {"Int4MinMaxMultiOps", "int4_minmax_multi_ops"},
    {"Int8BloomOps", "int8_bloom_ops"},
    {"Int8MinMaxOps", "int8_minmax_ops"},
    {"Int8MinMaxMultiOps", "int8_minmax_multi_ops"},
    {"NumericBloomOps", "numeric_bloom_ops"},
    {"NumericMinMaxOps", "numeric_minmax_ops"},
    {"NumericMinMaxMultiOps", "numeric_minmax_multi_ops"},
    {"OidBloomOps", "oid_bloom_ops"},
    {"OidMinMaxOps", "oid_minmax_ops"},
    {"OidMinMaxMultiOps", "oid_minmax_multi_ops"},
    {"TextBloomOps", "text_bloom_ops"},
    {"TextMinMaxOps", "text_minmax_ops"},
    {"TimestampBloomOps", "timestamp_bloom_ops"},
    {"TimestampMinMaxOps", "timestamp_minmax_ops"},
    {"TimestampMinMaxMultiOps", "timestamp_minmax_multi_ops"},
    {"TimestampTzBloomOps", "timestamptz_bloom_ops"},
    {"TimestampTzMinMaxOps", "timestamptz_minmax_ops"},
    {"TimestampTzMinMaxMultiOps", "timestamptz_minmax_multi_ops"},
    {"TimeBloomOps", "time_bloom_ops"},
    {"TimeMinMaxOps", "time_minmax_ops"},
    {"TimeMinMaxMultiOps", "time_minmax_multi_ops"},
    {"TimeTzBloomOps", "timetz_bloom_ops"},
    {"TimeTzMinMaxOps", "timetz_minmax_ops"},
    {"TimeTzMinMaxMultiOps", "timetz_minmax_multi_ops"},
    {"UuidBloomOps", "uuid_bloom_ops"},
    {"UuidMinMaxOps", "uuid_minmax_ops"},
    {"UuidMinMaxMultiOps", "uuid_minmax_multi_ops"},
};

static void parse_op_class(resolver *r, const ast_expr *e, model_index_part *p)
{
    if (e->kind == AST_EXPR_FUNC && !strcmp(e->text, "raw")) {
        const ast_arg *a = ast_arg_positional(&e->args, 0);
        if (a && a->value->kind == AST_EXPR_STRING) {
            p->ops = a->value->text;
            return;
        }
    } else if (e->kind == AST_EXPR_CONST) {
        for (size_t i = 0; i < sizeof op_classes / sizeof *op_classes; i++)
            if (!strcmp(op_classes[i][0], e->text)) {
                p->ops_name = op_classes[i][0];
                p->ops = op_classes[i][1];
                return;
            }
    }
    r_error(r, e->loc, "Unexpected token. Expected one of: Invalid operator class: %s",
            r_source(r, e->loc));
}

/* `sort:` takes the constant Asc or Desc. Prisma words a wrong constant one
 * way on @id/@unique and another inside a field list `[a(sort: X)]`. */
static void parse_sort(resolver *r, const ast_attribute *at, const ast_expr *e, model_sort *out,
                       bool in_field_list)
{
    if (e->kind != AST_EXPR_CONST) {
        r_error(r, e->loc, "Expected a constant value, but received %s value `%s`.",
                expr_kind_word(e), r_source(r, e->loc));
        return;
    }
    if (!strcmp(e->text, "Asc")) {
        *out = MODEL_SORT_ASC;
        return;
    }
    if (!strcmp(e->text, "Desc")) {
        *out = MODEL_SORT_DESC;
        return;
    }
    if (in_field_list)
        r_error(r, e->loc, "Unexpected token. Expected one of: Asc, Desc");
    else
        r_attr_error(r, at, e->loc,
                     "The `sort` argument can only be `Asc` or `Desc` you provided: %s.", e->text);
}

static uint32_t parse_length(resolver *r, const ast_expr *e)
{
    if (e->kind != AST_EXPR_NUMBER || strchr(e->text, '.') || e->text[0] == '-') {
        r_error(r, e->loc, "Expected a numeric value, but received %s value `%s`.",
                expr_kind_word(e), r_source(r, e->loc));
        return 0;
    }
    return (uint32_t)strtoul(e->text, NULL, 10);
}

/* The first argument of `item(...)` called `name`, or NULL. */
static const ast_arg *first_part_arg(const ast_expr *item, const char *name)
{
    for (size_t i = 0; i < item->args.count; i++)
        if (item->args.items[i].name && !strcmp(item->args.items[i].name, name))
            return &item->args.items[i];
    return NULL;
}

/* The per-column arguments of `name(sort: Desc, length: 10, ops: X)`.
 * Prisma reads the first `sort`, `length` and `ops` (in that order) and
 * nothing else: any other argument (`id(order: Desc)` is in real schemas) is
 * accepted and has no effect, so refract accepts it too and says so. */
static void parse_part_args(resolver *r, const ast_attribute *at, const ast_expr *item,
                            model_index_part *p)
{
    if (item->kind != AST_EXPR_FUNC)
        return;
    const ast_arg *sort = first_part_arg(item, "sort");
    const ast_arg *length = first_part_arg(item, "length");
    const ast_arg *ops = first_part_arg(item, "ops");
    if (sort)
        parse_sort(r, at, sort->value, &p->sort, true);
    if (length)
        p->length = parse_length(r, length->value);
    if (ops)
        parse_op_class(r, ops->value, p);
    for (size_t i = 0; i < item->args.count; i++) {
        const ast_arg *a = &item->args.items[i];
        if (a != sort && a != length && a != ops)
            r_warning(r, a->loc,
                      "The argument `%s` of `%s` is ignored: a field in %s takes only `sort`, "
                      "`length` and `ops`, once each.",
                      r_source(r, a->loc), item->text, r_attr_display(r, at));
    }
}

typedef enum list_purpose { FOR_INDEX, FOR_UNIQUE, FOR_ID } list_purpose;

/* Resolve the field list of @@id/@@unique/@@index into parts; report
 * unknown and relation fields the way Prisma words them. */
static bool resolve_parts(resolver *r, block_info *bi, const ast_attribute *at,
                          const ast_expr *fields_expr, list_purpose purpose,
                          model_index_part **out, size_t *nout)
{
    const ast_expr **items;
    size_t n = r_field_list(r, fields_expr, &items);
    model_index_part *parts = arena_alloc(r->a, (n ? n : 1) * sizeof *parts);
    /* Prisma lists names bare in index messages and each in backticks in
     * id messages. */
    const char *sep = purpose == FOR_ID ? "`, `" : ", ";
    buf unknown = BUF_INIT, relations = BUF_INIT, suggestion = BUF_INIT;
    size_t nunknown = 0, nrelations = 0;
    bool composite = false;
    for (size_t i = 0; i < n; i++) {
        const char *name = r_ref_name(items[i]);
        field_info *fi = r_find_field(bi, name);
        /* Prisma reads every item's arguments before it looks at the field. */
        parse_part_args(r, at, items[i], &parts[i]);
        if (fi && fi->kind == FIELD_BROKEN && fi->broken == BROKEN_COMPOSITE) {
            composite = true; /* the type block is the error */
            continue;
        }
        if (!fi || (fi->kind == FIELD_BROKEN && fi->broken != BROKEN_UNKNOWN_TYPE)) {
            if (nunknown++)
                buf_puts(&unknown, sep);
            buf_puts(&unknown, name);
            continue;
        }
        if (fi->kind != FIELD_SCALAR) {
            if (nrelations++)
                buf_puts(&relations, sep);
            buf_puts(&relations, name);
            /* Prisma suggests the relation's scalar fields instead. */
            const ast_attribute *rel = ast_member_attr(fi->m, "relation");
            const ast_expr *f = rel ? r_arg(rel, "fields", NULL) : NULL;
            if (f && f->kind == AST_EXPR_ARRAY)
                for (size_t k = 0; k < f->count; k++) {
                    if (suggestion.len)
                        buf_puts(&suggestion, ", ");
                    buf_puts(&suggestion, r_source(r, f->items[k]->loc));
                }
            continue;
        }
        parts[i].column = fi->col;
    }
    /* An unknown field and a relation field are both reported. */
    if (nunknown) {
        if (purpose == FOR_ID)
            r_model_error(r, bi, at->loc,
                          "The multi field id declaration refers to the unknown %s `%s`.",
                          nunknown > 1 ? "fields" : "field", buf_cstr(&unknown));
        else
            r_model_error(r, bi, at->loc, "The %sindex definition refers to the unknown fields: %s.",
                          purpose == FOR_UNIQUE ? "unique " : "", buf_cstr(&unknown));
    }
    if (nrelations && purpose == FOR_ID) {
        r_model_error(r, bi, at->loc,
                      "The id definition refers to the relation %s `%s`. ID definitions must "
                      "reference only scalar fields.",
                      nrelations > 1 ? "fields" : "field", buf_cstr(&relations));
    } else if (nrelations) {
        const char *what = purpose == FOR_UNIQUE ? "unique index" : "index";
        const char *attr = purpose == FOR_UNIQUE ? "@@unique" : "@@index";
        if (suggestion.len)
            r_model_error(r, bi, at->loc,
                          "The %s definition refers to the relation fields %s. Index definitions "
                          "must reference only scalar fields. Did you mean `%s([%s])`?",
                          what, buf_cstr(&relations), attr, buf_cstr(&suggestion));
        else
            r_model_error(r, bi, at->loc,
                          "The %s definition refers to the relation fields %s. Index definitions "
                          "must reference only scalar fields.",
                          what, buf_cstr(&relations));
    }
    bool ok = !composite && !nunknown && !nrelations;
    buf_free(&unknown);
    buf_free(&relations);
    buf_free(&suggestion);
    *out = parts;
    *nout = ok ? n : 0;
    return ok;
}

/* ---- the criteria's C names ------------------------------------------------- */

/* Prisma Client names a compound criterion by its `name:` or by its fields
 * joined with '_'; refract uses the snake_case of that. */
static const char *criterion_c_name(resolver *r, const char *client_name,
                                    const model_index_part *parts, size_t n)
{
    if (client_name)
        return model_c_snake(r->a, client_name);
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '_');
        buf_puts(&b, parts[i].column ? parts[i].column->c_name : "?");
    }
    const char *out = arena_strdup(r->a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* ---- field attributes ---------------------------------------------------------- */

static void check_duplicate_attrs(resolver *r, const ast_member *m)
{
    for (size_t i = 0; i < m->nattrs; i++)
        for (size_t j = 0; j < m->nattrs; j++)
            if (i != j && !strcmp(m->attrs[i].name, m->attrs[j].name)) {
                r_error(r, m->attrs[i].loc, "Attribute \"@%s\" can only be defined once.",
                        m->attrs[i].name);
                break;
            }
}

static void scalar_field_attr(resolver *r, block_info *bi, field_info *fi, const ast_attribute *at)
{
    model_table *t = bi->t;
    model_column *c = fi->col;
    const char *n = at->name;
    if (!strcmp(n, "id")) {
        static const char *const allowed[] = {"map", "sort", "length", "clustered", NULL};
        r_check_args(r, at, NULL, allowed);
        if (t->pk) {
            r_model_error(r, bi, bi->b->loc,
                          "At most one field must be marked as the id field with the `@id` attribute.");
            return;
        }
        if (!c->required || c->list) {
            r_attr_error(r, at, at->loc, "Fields that are marked as id must be required.");
            return;
        }
        model_primary_key *pk = arena_alloc(r->a, sizeof *pk);
        pk->parts = arena_alloc(r->a, sizeof *pk->parts);
        pk->parts[0].column = c;
        pk->nparts = 1;
        pk->from_field = true;
        pk->loc = at->loc;
        const ast_expr *e;
        if ((e = r_arg(at, "map", NULL)))
            pk->db_name = r_string_arg(r, e);
        if ((e = r_arg(at, "sort", NULL)))
            parse_sort(r, at, e, &pk->parts[0].sort, false);
        if ((e = r_arg(at, "length", NULL)))
            pk->parts[0].length = parse_length(r, e);
        pk->c_name = c->c_name;
        t->pk = pk;
        c->id = true;
    } else if (!strcmp(n, "unique")) {
        static const char *const allowed[] = {"map", "sort", "length", "clustered", NULL};
        r_check_args(r, at, NULL, allowed);
        model_index *ix = &t->indexes[t->nindexes++];
        ix->kind = MODEL_INDEX_UNIQUE;
        ix->table = t;
        ix->from_field = true;
        ix->loc = at->loc;
        ix->parts = arena_alloc(r->a, sizeof *ix->parts);
        ix->parts[0].column = c;
        ix->nparts = 1;
        const ast_expr *e;
        if ((e = r_arg(at, "map", NULL)))
            ix->db_name = r_string_arg(r, e);
        if ((e = r_arg(at, "sort", NULL)))
            parse_sort(r, at, e, &ix->parts[0].sort, false);
        if ((e = r_arg(at, "length", NULL)))
            ix->parts[0].length = parse_length(r, e);
        ix->c_name = c->c_name;
    } else if (!strcmp(n, "map")) {
        static const char *const allowed[] = {"name", NULL};
        r_check_args(r, at, "name", allowed);
        const char *v = r_string_arg(r, r_arg(at, "name", "name"));
        if (v)
            c->db_name = v;
        else if (!r_arg(at, "name", "name"))
            r_error(r, at->loc, "Argument \"name\" is missing in attribute \"@map\".");
    } else if (!strcmp(n, "updatedAt")) {
        r_check_args(r, at, NULL, NULL);
        if (c->type != MODEL_DATETIME) {
            r_attr_error(r, at, at->loc,
                         "Fields that are marked with @updatedAt must be of type DateTime.");
            return;
        }
        if (c->list) {
            r_attr_error(r, at, at->loc, "Fields that are marked with @updatedAt cannot be lists.");
            return;
        }
        c->updated_at = true;
    } else if (!strcmp(n, "ignore")) {
        r_check_args(r, at, NULL, NULL);
        c->ignored = true;
    } else if (!strcmp(n, "default")) {
        resolve_default(r, bi, fi, at);
    } else if (r_is_native_attr(r, at)) {
        /* Checked after every attribute, as Prisma does: resolve_native_types. */
    } else if (!strcmp(n, "relation")) {
        /* Prisma's words, then each argument as unknown. */
        r_attr_error(r, at, at->loc, "Invalid field type, not a relation.");
        for (size_t i = 0; i < at->args.count; i++)
            r_error(r, at->args.items[i].loc, "No such argument.");
    } else {
        r_error(r, at->name_loc, "Attribute not known: \"@%s\".", n);
    }
}

static void relation_field_attr(resolver *r, block_info *bi, field_info *fi,
                                const ast_attribute *at)
{
    const char *n = at->name;
    if (!strcmp(n, "relation")) {
        static const char *const allowed[] = {"name", "fields", "references", "onDelete",
                                              "onUpdate", "map", NULL};
        r_check_args(r, at, "name", allowed);
        fi->rel_attr = at;
        const ast_expr *e = r_arg(at, "name", "name");
        if (e)
            fi->rel_name = r_string_arg(r, e);
        fi->rel_fields = r_arg(at, "fields", NULL);
        fi->rel_references = r_arg(at, "references", NULL);
        check_relation_attribute(r, bi, fi);
    } else if (!strcmp(n, "ignore")) {
        fi->rf->ignored = true;
    } else if (!strcmp(n, "map")) {
        r_attr_error(r, at, at->loc, "The attribute `@map` cannot be used on relation fields.");
    } else if (!strcmp(n, "id")) {
        r_attr_error(r, at, at->loc,
                     "The field `%s` is a relation field and cannot be marked with `@id`. Only "
                     "scalar fields can be declared as id.",
                     fi->m->name);
    } else if (!strcmp(n, "unique")) {
        r_attr_error(r, at, at->loc,
                     "The field `%s` is a relation field and cannot be marked with `unique`. Only "
                     "scalar fields can be made unique.",
                     fi->m->name);
    } else if (!strcmp(n, "default")) {
        r_attr_error(r, at, at->loc, "Cannot set a default value on a relation field.");
    } else {
        r_error(r, at->name_loc, "Attribute not known: \"@%s\".", n);
    }
}

void resolve_field_attributes(resolver *r, block_info *bi)
{
    model_table *t = bi->t;
    /* Size the index array: every @unique, @@index, @@unique, @@fulltext. */
    size_t nidx = 0;
    for (size_t i = 0; i < bi->b->nmembers; i++) {
        const ast_member *m = &bi->b->members[i];
        for (size_t j = 0; j < m->nattrs; j++) {
            const ast_attribute *at = &m->attrs[j];
            if (m->kind == AST_MEMBER_FIELD && !strcmp(at->name, "unique"))
                nidx++;
            if (m->kind == AST_MEMBER_ATTRIBUTE &&
                (!strcmp(at->name, "unique") || !strcmp(at->name, "index") ||
                 !strcmp(at->name, "fulltext")))
                nidx++;
        }
    }
    t->indexes = arena_alloc(r->a, (nidx ? nidx : 1) * sizeof *t->indexes);

    for (size_t i = 0; i < bi->nfields; i++) {
        field_info *fi = &bi->fields[i];
        if (fi->kind != FIELD_SCALAR)
            continue;
        check_duplicate_attrs(r, fi->m);
        for (size_t j = 0; j < fi->m->nattrs; j++)
            scalar_field_attr(r, bi, fi, &fi->m->attrs[j]);
    }
}

void resolve_relation_field_attributes(resolver *r, block_info *bi)
{
    for (size_t i = 0; i < bi->nfields; i++) {
        field_info *fi = &bi->fields[i];
        if (fi->kind != FIELD_RELATION)
            continue;
        check_duplicate_attrs(r, fi->m);
        for (size_t j = 0; j < fi->m->nattrs; j++)
            relation_field_attr(r, bi, fi, &fi->m->attrs[j]);
    }
}

/* ---- block attributes ------------------------------------------------------------ */

static const ast_attribute *block_attr(const ast_member *m)
{
    return m->kind == AST_MEMBER_ATTRIBUTE && m->nattrs ? &m->attrs[0] : NULL;
}

static void model_id(resolver *r, block_info *bi, const ast_attribute *at)
{
    model_table *t = bi->t;
    static const char *const allowed[] = {"fields", "name", "map", "clustered", NULL};
    r_check_args(r, at, "fields", allowed);
    const ast_expr *fields = r_arg(at, "fields", "fields");
    if (!fields && !t->pk) {
        r_error(r, at->loc, "Argument \"fields\" is missing in attribute \"@@id\".");
        return;
    }
    /* Prisma reads the field list first: an unknown field is the only error;
     * a wrong argument or an optional field is reported before a clash with
     * @id. */
    model_primary_key *pk = arena_alloc(r->a, sizeof *pk);
    if (fields && !resolve_parts(r, bi, at, fields, FOR_ID, &pk->parts, &pk->nparts))
        return;
    bool ok = fields != NULL;
    for (size_t i = 0; i < pk->nparts && ok; i++)
        if (!pk->parts[i].column->required) {
            r_model_error(r, bi, at->loc,
                          "The id definition refers to the optional field `%s`. ID definitions "
                          "must reference only required fields.",
                          pk->parts[i].column->name);
            ok = false;
        }
    if (t->pk) {
        r_model_error(r, bi, bi->b->loc,
                      "Each model must have at most one id criteria. You can't have `@id` and "
                      "`@@id` at the same time.");
        return;
    }
    if (!ok)
        return;
    const ast_expr *e;
    if ((e = r_arg(at, "name", NULL)))
        pk->name = r_string_arg(r, e);
    if ((e = r_arg(at, "map", NULL)))
        pk->db_name = r_string_arg(r, e);
    pk->loc = at->loc;
    pk->c_name = criterion_c_name(r, pk->name, pk->parts, pk->nparts);
    for (size_t i = 0; i < pk->nparts; i++)
        ((model_column *)pk->parts[i].column)->id = true;
    t->pk = pk;
}

static void model_index_attr(resolver *r, block_info *bi, const ast_attribute *at,
                             model_index_kind kind)
{
    model_table *t = bi->t;
    static const char *const allowed_index[] = {"fields", "name", "map", "type", "clustered",
                                                "where", NULL};
    static const char *const allowed_unique[] = {"fields", "name", "map", "clustered", "where",
                                                 NULL};
    static const char *const allowed_fulltext[] = {"fields", "map", NULL};
    r_check_args(r, at, "fields",
                 kind == MODEL_INDEX_NORMAL   ? allowed_index
                 : kind == MODEL_INDEX_UNIQUE ? allowed_unique
                                              : allowed_fulltext);
    if (kind == MODEL_INDEX_FULLTEXT) {
        r_error(r, at->loc, "Defining fulltext indexes is not supported with the current connector.");
        return;
    }
    const ast_expr *fields = r_arg(at, "fields", "fields");
    if (!fields) {
        r_error(r, at->loc, "Argument \"fields\" is missing in attribute \"%s\".",
                r_attr_display(r, at));
        return;
    }
    model_index ix = {.kind = kind, .table = t, .loc = at->loc};
    if (!resolve_parts(r, bi, at, fields, kind == MODEL_INDEX_UNIQUE ? FOR_UNIQUE : FOR_INDEX,
                       &ix.parts, &ix.nparts))
        return;
    const ast_expr *e;
    if ((e = r_arg(at, "map", NULL)))
        ix.db_name = r_string_arg(r, e);
    if ((e = r_arg(at, "name", NULL))) {
        /* @@unique(name:) names the client criterion; @@index(name:) is the
         * pre-Prisma-3 spelling of map:. */
        const char *v = r_string_arg(r, e);
        if (kind == MODEL_INDEX_UNIQUE)
            ix.name = v;
        else if (!ix.db_name)
            ix.db_name = v;
    }
    if ((e = r_arg(at, "type", NULL))) {
        static const char *const types[] = {"BTree", "Hash", "Gist", "Gin", "SpGist", "Brin"};
        bool found = false;
        for (size_t i = 0; i < 6; i++)
            if (e->kind == AST_EXPR_CONST && !strcmp(e->text, types[i])) {
                ix.type = (model_index_type)i;
                found = true;
            }
        if (!found) {
            r_error(r, e->loc, "Error parsing attribute \"@index\": Unknown index type: %s.",
                    r_source(r, e->loc));
            return;
        }
    }
    if ((e = r_arg(at, "where", NULL))) {
        if (e->kind == AST_EXPR_FUNC && !strcmp(e->text, "raw") && e->args.count == 1 &&
            e->args.items[0].value->kind == AST_EXPR_STRING)
            ix.where = e->args.items[0].value->text;
        else if (e->kind == AST_EXPR_STRING)
            ix.where = e->text;
        else
            r_attr_error(r, at, e->loc, "The `where` argument must be raw(\"<SQL predicate>\").");
    }
    if (kind == MODEL_INDEX_UNIQUE)
        ix.c_name = criterion_c_name(r, ix.name, ix.parts, ix.nparts);
    t->indexes[t->nindexes++] = ix;
}

static const char *map_value(resolver *r, const ast_attribute *at)
{
    static const char *const allowed[] = {"name", NULL};
    r_check_args(r, at, "name", allowed);
    const ast_expr *e = r_arg(at, "name", "name");
    if (!e) {
        r_error(r, at->loc, "Argument \"name\" is missing in attribute \"%s\".", r_attr_display(r, at));
        return NULL;
    }
    return r_string_arg(r, e);
}

static const char *schema_value(resolver *r, const ast_attribute *at)
{
    static const char *const allowed[] = {"name", NULL};
    r_check_args(r, at, "name", allowed);
    return r_string_arg(r, r_arg(at, "name", "name"));
}

static void enum_attributes(resolver *r, block_info *bi)
{
    model_enum *e = bi->e;
    size_t v = 0;
    for (size_t i = 0; i < bi->b->nmembers; i++) {
        const ast_member *m = &bi->b->members[i];
        if (m->kind == AST_MEMBER_ENUM_VALUE) {
            model_enum_value *ev = &e->values[v++];
            for (size_t j = 0; j < m->nattrs; j++) {
                const ast_attribute *at = &m->attrs[j];
                if (!strcmp(at->name, "map")) {
                    const char *s = map_value(r, at);
                    if (s)
                        ev->db_name = s;
                } else {
                    r_error(r, at->name_loc, "Attribute not known: \"@%s\".", at->name);
                }
            }
            continue;
        }
        const ast_attribute *at = block_attr(m);
        if (!at)
            continue;
        if (!strcmp(at->name, "map")) {
            const char *s = map_value(r, at);
            if (s)
                e->db_name = s;
        } else if (!strcmp(at->name, "schema")) {
            e->schema = schema_value(r, at);
        } else {
            r_error(r, at->name_loc, "Attribute not known: \"@%s\".", at->name);
        }
    }
}

void resolve_block_attributes(resolver *r, block_info *bi)
{
    if (bi->e) {
        enum_attributes(r, bi);
        return;
    }
    model_table *t = bi->t;
    /* Prisma's order: @@ignore, @@id, @@map, @@schema, @@index, @@unique,
     * @@fulltext — the index list follows it. */
    static const char *const order[] = {"ignore", "id", "map", "schema", "index", "unique",
                                        "fulltext"};
    for (size_t o = 0; o < sizeof order / sizeof *order; o++) {
        bool repeatable = o >= 4;
        size_t count = 0;
        for (size_t i = 0; i < bi->b->nmembers; i++) {
            const ast_attribute *at = block_attr(&bi->b->members[i]);
            count += at && !strcmp(at->name, order[o]);
        }
        for (size_t i = 0; i < bi->b->nmembers; i++) {
            const ast_attribute *at = block_attr(&bi->b->members[i]);
            if (!at || strcmp(at->name, order[o]))
                continue;
            if (count > 1 && !repeatable) {
                /* Prisma points at every occurrence. */
                r_error(r, at->loc, "Attribute \"@%s\" can only be defined once.", at->name);
                continue;
            }
            switch (o) {
            case 0:
                r_check_args(r, at, NULL, NULL);
                t->ignored = true;
                break;
            case 1: model_id(r, bi, at); break;
            case 2: {
                const char *s = map_value(r, at);
                if (s)
                    t->db_name = s;
                break;
            }
            case 3: t->schema = schema_value(r, at); break;
            case 4: model_index_attr(r, bi, at, MODEL_INDEX_NORMAL); break;
            case 5: model_index_attr(r, bi, at, MODEL_INDEX_UNIQUE); break;
            case 6: model_index_attr(r, bi, at, MODEL_INDEX_FULLTEXT); break;
            }
        }
    }
    for (size_t i = 0; i < bi->b->nmembers; i++) {
        const ast_attribute *at = block_attr(&bi->b->members[i]);
        if (!at)
            continue;
        bool known = false;
        for (size_t o = 0; o < sizeof order / sizeof *order; o++)
            known |= !strcmp(at->name, order[o]);
        if (!known)
            r_error(r, at->name_loc, "Attribute not known: \"@%s\".", at->name);
    }
}
