/*
 * relations.c — pairing relation fields into relations (1:1, 1:n, implicit
 * m:n), resolving `fields`/`references`, the foreign keys with Prisma's
 * default referential actions, and the join tables of m:n relations.
 */
#include "resolve_int.h"

#include <string.h>

#include "../util/buf.h"

static bool same_name(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

/* Two fields of one model pointing at the same model under the same relation
 * name cannot be told apart — except the two ends of a self-relation. */
static void check_ambiguity(resolver *r, block_info *bi)
{
    for (size_t i = 0; i < bi->nfields; i++) {
        field_info *a = &bi->fields[i];
        if (a->kind != FIELD_RELATION)
            continue;
        size_t same = 1;
        field_info *first_other = NULL;
        for (size_t j = 0; j < bi->nfields; j++) {
            field_info *b = &bi->fields[j];
            if (j == i || b->kind != FIELD_RELATION || b->target != a->target ||
                !same_name(a->rel_name, b->rel_name))
                continue;
            same++;
            if (!first_other)
                first_other = b;
        }
        bool self = a->target == bi;
        if (self && a->rel_name && same > 2 && first_other > a) {
            /* "The fields `p`, `c` and `d`" */
            buf names = BUF_INIT;
            size_t k = 0;
            for (size_t j = 0; j < bi->nfields; j++) {
                field_info *b = &bi->fields[j];
                if (b->kind != FIELD_RELATION || b->target != bi || !same_name(a->rel_name, b->rel_name))
                    continue;
                if (k)
                    buf_puts(&names, ++k == same ? " and " : ", ");
                else
                    k++;
                buf_printf(&names, "`%s`", b->m->name);
            }
            r_model_error(r, bi, a->m->loc,
                          "Wrongly named self relation detected. The fields %s in model `%s` have "
                          "the same relation name. At most two relation fields can belong to the "
                          "same relation and therefore have the same name. Please assign a "
                          "different relation name to one of them.",
                          buf_cstr(&names), bi->b->name);
            buf_free(&names);
            continue;
        }
        /* Unnamed self-relation fields cannot be paired: Prisma wants a name. */
        if (first_other && (!self || !a->rel_name) && first_other > a) {
            if (self)
                r_model_error(r, bi, a->m->loc,
                              "Ambiguous self relation detected. The fields `%s` and `%s` in model "
                              "`%s` both refer to `%s`. If they are part of the same relation add "
                              "the same relation name for them with `@relation(<name>)`.",
                              a->m->name, first_other->m->name, bi->b->name, bi->b->name);
            else
                r_model_error(r, bi, a->m->loc,
                              "Ambiguous relation detected. The fields `%s` and `%s` in model `%s` "
                              "both refer to `%s`. Please provide different relation names for "
                              "them by adding `@relation(<name>).",
                              a->m->name, first_other->m->name, bi->b->name, a->target->b->name);
        }
    }
}

static field_info *find_opposite(block_info *bi, field_info *fi)
{
    block_info *t = fi->target;
    for (size_t j = 0; j < t->nfields; j++) {
        field_info *o = &t->fields[j];
        if (o == fi || o->kind != FIELD_RELATION || o->target != bi || o->handled ||
            !same_name(o->rel_name, fi->rel_name))
            continue;
        return o;
    }
    return NULL;
}

static bool parse_action(resolver *r, const ast_attribute *at, const ast_expr *e,
                         model_ref_action *out)
{
    static const char *const names[] = {"Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"};
    for (size_t i = 0; i < 5; i++)
        if (e->kind == AST_EXPR_CONST && !strcmp(e->text, names[i])) {
            *out = (model_ref_action)i;
            return true;
        }
    r_attr_error(r, at, e->loc, "Invalid referential action: `%s`", r_source(r, e->loc));
    return false;
}

/* The columns named by a `fields:` or `references:` list; NULL after
 * reporting the unknown ones. */
static const model_column **resolve_columns(resolver *r, block_info *bi, const ast_expr *list,
                                            size_t *n, bool local, const char *target_model)
{
    const ast_expr **items;
    *n = r_field_list(r, list, &items);
    const model_column **cols = arena_alloc(r->a, (*n ? *n : 1) * sizeof *cols);
    buf missing = BUF_INIT, relation = BUF_INIT;
    for (size_t i = 0; i < *n; i++) {
        field_info *f = r_find_field(bi, r_ref_name(items[i]));
        /* A type Prisma cannot resolve is taken for a model: a relation. */
        if (f && (f->kind == FIELD_RELATION ||
                  (f->kind == FIELD_BROKEN && f->broken == BROKEN_UNKNOWN_TYPE))) {
            if (relation.len)
                buf_puts(&relation, ", ");
            buf_puts(&relation, r_ref_name(items[i]));
            continue;
        }
        if (!f || f->kind != FIELD_SCALAR) {
            if (missing.len)
                buf_puts(&missing, ", ");
            buf_puts(&missing, r_ref_name(items[i]));
            continue;
        }
        cols[i] = f->col;
    }
    if (relation.len && !missing.len) {
        if (local)
            r_error(r, list->loc,
                    "Error validating: The argument fields must refer only to scalar fields. But "
                    "it is referencing the following relation fields: %s",
                    buf_cstr(&relation));
        else
            r_error(r, list->loc,
                    "Error validating: The argument `references` must refer only to scalar fields "
                    "in the related model `%s`. But it is referencing the following relation "
                    "fields: %s",
                    target_model, buf_cstr(&relation));
        buf_free(&relation);
        buf_free(&missing);
        return NULL;
    }
    buf_free(&relation);
    if (missing.len) {
        if (local)
            r_error(r, list->loc,
                    "Error validating: The argument fields must refer only to existing fields. The "
                    "following fields do not exist in this model: %s",
                    buf_cstr(&missing));
        else
            r_error(r, list->loc,
                    "Error validating: The argument `references` must refer only to existing "
                    "fields in the related model `%s`. The following fields do not exist in the "
                    "related model: %s",
                    target_model, buf_cstr(&missing));
        buf_free(&missing);
        return NULL;
    }
    buf_free(&missing);
    return cols;
}

/* Whether `cols` is exactly (as a set) the primary key or a unique index. */
/* What Prisma checks of @relation while it reads attributes, before any
 * validation: the `fields` and `references` lists name existing scalar
 * fields, the actions are known, `map` is a string. An error here stops
 * resolution with the other attribute errors; resolve_fk_side relies on it. */
void check_relation_attribute(resolver *r, block_info *bi, field_info *fi)
{
    const ast_attribute *at = fi->rel_attr;
    size_t n;
    if (fi->rel_fields)
        resolve_columns(r, bi, fi->rel_fields, &n, true, NULL);
    if (fi->rel_references && fi->target)
        resolve_columns(r, fi->target, fi->rel_references, &n, false, fi->target->b->name);
    model_ref_action action;
    const ast_expr *e;
    if ((e = r_arg(at, "onDelete", NULL)))
        parse_action(r, at, e, &action);
    if ((e = r_arg(at, "onUpdate", NULL)))
        parse_action(r, at, e, &action);
    if ((e = r_arg(at, "map", NULL)))
        r_string_arg(r, e);
}

static bool is_unique_criterion(const model_table *t, const model_column **cols, size_t n)
{
    model_unique_criterion crit[64];
    size_t nc = model_unique_criteria(t, crit, 64);
    if (nc > 64)
        nc = 64;
    for (size_t i = 0; i < nc; i++) {
        if (crit[i].nparts != n)
            continue;
        bool all = true;
        for (size_t j = 0; j < n && all; j++) {
            bool found = false;
            for (size_t k = 0; k < n; k++)
                found |= crit[i].parts[k].column == cols[j];
            all = found;
        }
        if (all)
            return true;
    }
    return false;
}

/* Whether some key or index starts with exactly `cols`, in order: what a
 * query on the relation's fields can use. */
static bool has_leading_index(const model_table *t, const model_column **cols, size_t n)
{
    const model_index_part *lists[64];
    size_t sizes[64], k = 0;
    if (t->pk) {
        lists[k] = t->pk->parts;
        sizes[k++] = t->pk->nparts;
    }
    for (size_t i = 0; i < t->nindexes && k < 64; i++) {
        lists[k] = t->indexes[i].parts;
        sizes[k++] = t->indexes[i].nparts;
    }
    for (size_t i = 0; i < k; i++) {
        if (sizes[i] < n)
            continue;
        bool prefix = true;
        for (size_t j = 0; j < n && prefix; j++)
            prefix = lists[i][j].column == cols[j];
        if (prefix)
            return true;
    }
    return false;
}

static const char *column_list(resolver *r, const model_column **cols, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, ", ");
        buf_puts(&b, cols[i]->name);
    }
    const char *s = arena_strdup(r->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* The side holding fields/references: resolve them, check them, build the
 * foreign key. */
static void resolve_fk_side(resolver *r, model_relation *rel, block_info *bi, field_info *fi,
                            field_info *other)
{
    model_relation_field *rf = fi->rf;
    const ast_attribute *at = fi->rel_attr;
    block_info *tb = fi->target;
    if (!fi->rel_fields || !fi->rel_references) {
        r_attr_error(r, at, at->loc,
                     "The relation field `%s` on Model `%s` must specify the `%s` argument in the "
                     "@relation attribute.",
                     fi->m->name, bi->b->name, fi->rel_fields ? "references" : "fields");
        return;
    }
    size_t nf, nr;
    const model_column **fields =
        resolve_columns(r, bi, fi->rel_fields, &nf, true, NULL);
    const model_column **refs =
        resolve_columns(r, tb, fi->rel_references, &nr, false, tb->b->name);
    if (!fields || !refs)
        return;
    if (nf != nr) {
        r_error(r, at->loc,
                "Error validating: You must specify the same number of fields in `fields` and "
                "`references`.");
        return;
    }
    rf->fields = fields;
    rf->references = refs;
    rf->nfields = nf;

    if (!is_unique_criterion(tb->t, refs, nr)) {
        if (nr == 1)
            r_attr_error(r, at, at->loc,
                         "The argument `references` must refer to a unique criterion in the "
                         "related model. Consider adding an `@unique` attribute to the field `%s` "
                         "in the model `%s`.",
                         refs[0]->name, tb->b->name);
        else
            r_attr_error(r, at, at->loc,
                         "The argument `references` must refer to a unique criterion in the "
                         "related model. Consider adding an `@@unique([%s])` attribute to the "
                         "model `%s`.",
                         column_list(r, refs, nr), tb->b->name);
        return;
    }
    for (size_t i = 0; i < nf; i++) {
        bool same = fields[i]->type == refs[i]->type && fields[i]->enum_type == refs[i]->enum_type &&
                    fields[i]->list == refs[i]->list;
        if (!same) {
            r_attr_error(r, at, at->loc,
                         "The type of the field `%s` in the model `%s` is not matching the type of "
                         "the referenced field `%s` in model `%s`.",
                         fields[i]->name, bi->b->name, refs[i]->name, tb->b->name);
            return;
        }
    }
    bool any_optional = false, any_required = false;
    for (size_t i = 0; i < nf; i++) {
        any_optional |= !fields[i]->required;
        any_required |= fields[i]->required;
    }
    if (rf->required && any_optional) {
        r_error(r, fi->m->loc,
                "Error validating: The relation field `%s` uses the scalar fields %s. At least one "
                "of those fields is optional. Hence the relation field must be optional as well.",
                fi->m->name, column_list(r, fields, nf));
        return;
    }
    if (rel->kind == MODEL_REL_ONE_TO_ONE && !is_unique_criterion(bi->t, fields, nf)) {
        if (nf == 1)
            r_attr_error(r, at, at->loc,
                         "A one-to-one relation must use unique fields on the defining side. Either "
                         "add an `@unique` attribute to the field `%s`, or change the relation to "
                         "one-to-many.",
                         fields[0]->name);
        else
            r_attr_error(r, at, at->loc,
                         "A one-to-one relation must use unique fields on the defining side. Either "
                         "add an `@@unique([%s])` attribute to the model, or change the relation "
                         "to one-to-many.",
                         column_list(r, fields, nf));
        return;
    }
    if (rel->kind == MODEL_REL_ONE_TO_ONE && other->rf->required) {
        /* Prisma names the field that holds the foreign key here. */
        r_attr_error(r, at, at->loc,
                     "The relation field `%s` on Model `%s` is required. This is not valid "
                     "because it's not possible to enforce this constraint on the database "
                     "level. Please change the field type from `%s` to `%s?` to fix this.",
                     fi->m->name, bi->b->name, tb->b->name, tb->b->name);
        return;
    }

    model_ref_action on_delete = any_optional ? MODEL_ACTION_SET_NULL : MODEL_ACTION_RESTRICT;
    model_ref_action on_update = MODEL_ACTION_CASCADE;
    const ast_expr *e;
    bool del_explicit = false, upd_explicit = false;
    if ((e = r_arg(at, "onDelete", NULL))) {
        if (!parse_action(r, at, e, &on_delete))
            return;
        del_explicit = true;
    }
    if ((e = r_arg(at, "onUpdate", NULL))) {
        if (!parse_action(r, at, e, &on_update))
            return;
        upd_explicit = true;
    }
    static const char *const which[] = {"onDelete", "onUpdate"};
    model_ref_action acts[] = {on_delete, on_update};
    bool explicit_[] = {del_explicit, upd_explicit};
    /* Only PostgreSQL's own foreign keys get a warning; without a datasource
     * Prisma knows no database to leave it to and makes it an error too. */
    bool db_enforced = r->datasource && r->s->datasource.relation_mode != MODEL_RELATION_MODE_PRISMA;
    for (int k = 0; k < 2; k++)
        if (explicit_[k] && acts[k] == MODEL_ACTION_SET_NULL && any_required && !db_enforced)
            /* Prisma emulates the action and cannot set a required field to NULL. */
            r_attr_error(r, at, at->loc,
                         "The `%s` referential action of a relation must not be set to `SetNull` "
                         "when a referenced field is required.\nEither choose another referential "
                         "action, or make the referenced fields optional.\n",
                         which[k]);
        else if (explicit_[k] && acts[k] == MODEL_ACTION_SET_NULL && any_required)
            r_warning(r, at->loc,
                      "The `%s` referential action of a relation should not be set to `SetNull` "
                      "when a referenced field is required. We recommend either to choose another "
                      "referential action, or to make the referenced fields optional. Read more at "
                      "https://pris.ly/d/postgres-set-null ",
                      which[k]);

    const char *map = NULL;
    if ((e = r_arg(at, "map", NULL)))
        map = r_string_arg(r, e);

    if (r->s->datasource.relation_mode == MODEL_RELATION_MODE_PRISMA) {
        if (!has_leading_index(bi->t, fields, nf))
            r_warning(r, at->loc,
                      "With `relationMode = \"prisma\"`, no foreign keys are used, so relation "
                      "fields will not benefit from the index usually created by the relational "
                      "database under the hood. This can lead to poor performance when querying "
                      "these fields. We recommend adding an index manually. Learn more at "
                      "https://pris.ly/d/relation-mode-prisma-indexes\" ");
        return;
    }
    model_table *t = bi->t;
    model_foreign_key *fk = &t->fks[t->nfks++];
    fk->table = t;
    fk->columns = fields;
    fk->ncolumns = nf;
    fk->ref_table = tb->t;
    fk->ref_columns = refs;
    fk->on_delete = on_delete;
    fk->on_update = on_update;
    fk->on_delete_explicit = del_explicit;
    fk->on_update_explicit = upd_explicit;
    fk->relation = rel;
    fk->db_name = map;
    fk->loc = at->loc;
    rf->fk = fk;
    rel->fk = fk;
}

static const char *default_relation_name(resolver *r, const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    return arena_printf(r->a, "%sTo%s", a, b);
}

static model_column *join_column(resolver *r, model_table *jt, const char *name,
                                 const model_column *ref)
{
    model_column *c = &jt->columns[jt->ncolumns];
    c->index = jt->ncolumns++;
    c->table = jt;
    c->name = name;
    c->db_name = name;
    c->c_name = model_c_snake(r->a, name);
    c->type = ref->type;
    c->enum_type = ref->enum_type;
    c->sql_type = ref->sql_type;
    c->native = ref->native;
    c->required = true;
    c->id = true;
    return c;
}

/* The `_AToB` table of an implicit m:n relation, as Prisma creates it. */
static void build_join_table(resolver *r, model_relation *rel, block_info *a, block_info *b)
{
    model_schema *s = r->s;
    model_table *jt = &s->tables[s->ntables];
    jt->index = s->ntables++;
    jt->kind = MODEL_TABLE_JOIN;
    jt->db_name = arena_printf(r->a, "_%s", rel->name);
    jt->name = jt->db_name;
    jt->schema = a->t->schema;
    jt->join_relation = rel;
    rel->join_table = jt;

    const model_column *aid = a->t->pk->parts[0].column;
    const model_column *bid = b->t->pk->parts[0].column;
    jt->columns = arena_alloc(r->a, 2 * sizeof *jt->columns);
    model_column *ca = join_column(r, jt, "A", aid);
    model_column *cb = join_column(r, jt, "B", bid);

    model_primary_key *pk = arena_alloc(r->a, sizeof *pk);
    pk->parts = arena_alloc(r->a, 2 * sizeof *pk->parts);
    pk->parts[0].column = ca;
    pk->parts[1].column = cb;
    pk->nparts = 2;
    pk->db_name = arena_printf(r->a, "%s_AB_pkey", jt->db_name);
    pk->db_name_default = true;
    pk->c_name = "a_b";
    jt->pk = pk;

    jt->indexes = arena_alloc(r->a, sizeof *jt->indexes);
    model_index *ix = &jt->indexes[jt->nindexes++];
    ix->kind = MODEL_INDEX_NORMAL;
    ix->table = jt;
    ix->parts = arena_alloc(r->a, sizeof *ix->parts);
    ix->parts[0].column = cb;
    ix->nparts = 1;
    ix->db_name = arena_printf(r->a, "%s_B_index", jt->db_name);
    ix->db_name_default = true;

    if (s->datasource.relation_mode == MODEL_RELATION_MODE_PRISMA)
        return;
    jt->fks = arena_alloc(r->a, 2 * sizeof *jt->fks);
    const model_column *locals[] = {ca, cb};
    const model_column *refs[] = {aid, bid};
    const model_table *targets[] = {a->t, b->t};
    for (int i = 0; i < 2; i++) {
        model_foreign_key *fk = &jt->fks[jt->nfks++];
        fk->table = jt;
        fk->columns = arena_alloc(r->a, sizeof *fk->columns);
        fk->columns[0] = locals[i];
        fk->ncolumns = 1;
        fk->ref_table = targets[i];
        fk->ref_columns = arena_alloc(r->a, sizeof *fk->ref_columns);
        fk->ref_columns[0] = refs[i];
        fk->on_delete = MODEL_ACTION_CASCADE;
        fk->on_update = MODEL_ACTION_CASCADE;
        fk->relation = rel;
        fk->db_name = arena_printf(r->a, "%s_%s_fkey", jt->db_name, i ? "B" : "A");
        fk->db_name_default = true;
    }
}

static bool has_single_id(block_info *bi)
{
    return bi->t->pk && bi->t->pk->nparts == 1;
}

static void many_to_many(resolver *r, model_relation *rel, block_info *bi, field_info *fi,
                         field_info *o)
{
    /* Column A holds ids of the model whose name sorts first, and `from` is
     * the field on that model (its owner's id goes in A). In a
     * self-relation Prisma orders the two fields by name: the field that
     * sorts first reads its targets from column A, so its owner is in B and
     * `from` is the other one. */
    block_info *ta = bi, *tb = fi->target;
    field_info *fa = fi, *fb = o;
    if (bi == fi->target ? strcmp(fi->m->name, o->m->name) < 0
                         : strcmp(bi->b->name, fi->target->b->name) > 0) {
        ta = fi->target;
        tb = bi;
        fa = o;
        fb = fi;
    }
    rel->from = fa->rf;
    rel->to = fb->rf;
    if (fi->rel_fields || fi->rel_references || o->rel_fields || o->rel_references) {
        field_info *bad = fi->rel_fields || fi->rel_references ? fi : o;
        r_field_error(r, bad == fi ? bi : fi->target, bad->m, bad->rel_attr->loc,
                      "Implicit many-to-many relations must not have references argument. The "
                      "relation field `%s` on model `%s` has `fields` or `references` argument.",
                      bad->m->name, bad == fi ? bi->b->name : fi->target->b->name);
        return;
    }
    bool view = bi->b->kind == AST_BLOCK_VIEW || fi->target->b->kind == AST_BLOCK_VIEW;
    if (view) {
        r_error(r, fi->m->loc,
                "Error validating: Implicit many-to-many relations are not supported for views.");
        r_error(r, o->m->loc,
                "Error validating: Implicit many-to-many relations are not supported for views.");
    }
    bool ok = !view;
    field_info *sides[] = {fi, o};
    block_info *owners[] = {bi, fi->target};
    for (int i = 0; i < 2; i++) {
        block_info *target = sides[i]->target;
        if (!has_single_id(target)) {
            r_field_error(r, owners[i], sides[i]->m, sides[i]->m->loc,
                          "The relation field `%s` on %s `%s` references `%s` which does not have "
                          "an `@id` field. Models without `@id` cannot be part of a many to many "
                          "relation. Use an explicit intermediate Model to represent this "
                          "relationship.",
                          sides[i]->m->name, r_block_word(owners[i]), owners[i]->b->name,
                          target->b->name);
            ok = false;
        }
    }
    if (ok)
        build_join_table(r, rel, ta, tb);
}

void resolve_relations(resolver *r)
{
    model_schema *s = r->s;
    size_t nrf = 0;
    for (size_t i = 0; i < r->nmodels; i++) {
        block_info *bi = &r->models[i];
        size_t nfk = 0;
        for (size_t j = 0; j < bi->nfields; j++) {
            nrf += bi->fields[j].kind == FIELD_RELATION;
            nfk += bi->fields[j].kind == FIELD_RELATION && bi->fields[j].rel_fields;
        }
        bi->t->fks = arena_alloc(r->a, (nfk ? nfk : 1) * sizeof *bi->t->fks);
        check_ambiguity(r, bi);
    }
    if (r_has_errors(r))
        return;
    s->relations = arena_alloc(r->a, (nrf ? nrf : 1) * sizeof *s->relations);

    /* Pair the fields. A relation is recorded from the side Prisma ingests it
     * from: the FK holder for 1:1 and 1:n, model A's side for m:n. So walk
     * the FK holders and m:n A-sides first, in model and field order. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->nmodels; i++) {
            block_info *bi = &r->models[i];
            for (size_t j = 0; j < bi->nfields; j++) {
                field_info *fi = &bi->fields[j];
                if (fi->kind != FIELD_RELATION || fi->handled)
                    continue;
                field_info *o = find_opposite(bi, fi);
                if (!o) {
                    if (pass == 1)
                        r_field_error(r, bi, fi->m, fi->m->loc,
                                      "The relation field `%s` on %s `%s` is missing an opposite "
                                      "relation field on the %s `%s`. Either run `prisma format` "
                                      "or add it manually.",
                                      fi->m->name, r_block_word(bi), bi->b->name,
                                      r_block_word(fi->target), fi->target->b->name);
                    continue;
                }
                bool mn = fi->rf->list && o->rf->list;
                bool forward;
                if (mn)
                    forward = strcmp(bi->b->name, fi->target->b->name) < 0 ||
                              (bi == fi->target && fi < o);
                else
                    forward = fi->rel_fields || fi->rel_references ||
                              (!o->rel_fields && !o->rel_references && !fi->rf->list);
                if (pass == 0 && !forward)
                    continue;
                fi->handled = o->handled = true;
                model_relation *rel = &s->relations[s->nrelations++];
                rel->name = fi->rel_name ? fi->rel_name
                                         : default_relation_name(r, bi->b->name, fi->target->b->name);
                rel->name_explicit = fi->rel_name != NULL;
                rel->self = bi == fi->target;
                fi->rf->relation = rel;
                o->rf->relation = rel;
                fi->rf->opposite = o->rf;
                o->rf->opposite = fi->rf;
                fi->rf->target = fi->target->t;
                o->rf->target = bi->t;
                /* A relation into an @@ignore'd model must be ignored too. */
                field_info *ends[] = {fi, o};
                block_info *owners[] = {bi, fi->target};
                bool ignored_target = false;
                for (int k = 0; k < 2; k++)
                    if (ends[k]->target->t->ignored && !ends[k]->rf->ignored &&
                        !owners[k]->t->ignored) {
                        const ast_attribute *ig = ast_member_attr(ends[k]->m, "ignore");
                        r_error(r, ig ? ig->loc : ends[k]->m->loc,
                                "Error parsing attribute \"@ignore\": The relation field `%s` on "
                                "Model `%s` must specify the `@ignore` attribute, because the model "
                                "%s it is pointing to is marked ignored.",
                                ends[k]->m->name, owners[k]->b->name, ends[k]->target->b->name);
                        ignored_target = true;
                    }
                if (ignored_target)
                    continue;
                if (mn) {
                    rel->kind = MODEL_REL_MANY_TO_MANY;
                    many_to_many(r, rel, bi, fi, o);
                    continue;
                }
                /* 1:1 or 1:n: find the FK side. */
                bool fi_holds = fi->rel_fields || fi->rel_references;
                bool o_holds = o->rel_fields || o->rel_references;
                rel->kind = fi->rf->list || o->rf->list ? MODEL_REL_ONE_TO_MANY : MODEL_REL_ONE_TO_ONE;
                field_info *list_side = fi->rf->list ? fi : o->rf->list ? o : NULL;
                if (list_side && (list_side->rel_fields || list_side->rel_references)) {
                    field_info *single = list_side == fi ? o : fi;
                    block_info *lb = list_side == fi ? bi : fi->target;
                    r_attr_error(r, list_side->rel_attr, list_side->rel_attr->loc,
                                 "The relation field `%s` on Model `%s` must not specify the "
                                 "`fields` or `references` argument in the @relation attribute. "
                                 "You must only specify it on the opposite field `%s` on model `%s`.",
                                 list_side->m->name, lb->b->name, single->m->name,
                                 list_side->target->b->name);
                    continue;
                }
                if (fi_holds && o_holds) {
                    const char *args[] = {"references", "fields"};
                    for (int k = 0; k < 2; k++)
                        for (int twice = 0; twice < 2; twice++)
                            r_attr_error(r, (twice ? o : fi)->rel_attr, (twice ? o : fi)->rel_attr->loc,
                                         "The relation fields `%s` on Model `%s` and `%s` on Model "
                                         "`%s` both provide the `%s` argument in the @relation "
                                         "attribute. You have to provide it only on one of the two "
                                         "fields.",
                                         fi->m->name, bi->b->name, o->m->name, fi->target->b->name,
                                         args[k]);
                    continue;
                }
                if (!fi_holds && !o_holds) {
                    if (rel->kind == MODEL_REL_ONE_TO_MANY) {
                        field_info *single = fi->rf->list ? o : fi;
                        block_info *sb = single == fi ? bi : fi->target;
                        r_attr_error(r, single->rel_attr ? single->rel_attr : &(ast_attribute){.name = "relation"},
                                     single->m->loc,
                                     "The relation field `%s` on Model `%s` must specify the "
                                     "`fields` argument in the @relation attribute. You can run "
                                     "`prisma format` to fix this automatically.",
                                     single->m->name, sb->b->name);
                    } else {
                        r_attr_error(r, &(ast_attribute){.name = "relation"}, fi->m->loc,
                                     "The relation fields `%s` on Model `%s` and `%s` on Model "
                                     "`%s` do not provide the `fields` argument in the @relation "
                                     "attribute. You have to provide it on one of the two fields.",
                                     fi->m->name, bi->b->name, o->m->name, fi->target->b->name);
                    }
                    continue;
                }
                field_info *holder = fi_holds ? fi : o;
                field_info *other = fi_holds ? o : fi;
                block_info *hb = fi_holds ? bi : fi->target;
                rel->from = holder->rf;
                rel->to = other->rf;
                resolve_fk_side(r, rel, hb, holder, other);
            }
        }
    }
}
