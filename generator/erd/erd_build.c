/*
 * erd_build.c — the diagram's graph, read off the resolved model.
 */
#include <string.h>

#include "erd.h"

bool erd_format_parse(const char *name, erd_format *out)
{
    static const struct { const char *name; erd_format format; } formats[] = {
        {"mermaid", ERD_MERMAID}, {"dot", ERD_DOT}, {"svg", ERD_SVG}};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(name, formats[i].name)) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

static bool column_in_fk(const model_table *t, const model_column *c)
{
    for (size_t i = 0; i < t->nrelation_fields; i++) {
        const model_relation_field *rf = &t->relation_fields[i];
        for (size_t j = 0; j < rf->nfields; j++)
            if (rf->fields[j] == c)
                return true;
    }
    return false;
}

static bool column_unique(const model_table *t, const model_column *c)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const model_index *ix = &t->indexes[i];
        if (ix->kind == MODEL_INDEX_UNIQUE && ix->nparts == 1 && ix->parts[0].column == c)
            return true;
    }
    return false;
}

static const char *column_type(const model_column *c, arena *a)
{
    const char *base = c->type == MODEL_ENUM && c->enum_type ? c->enum_type->name
                       : c->type == MODEL_UNSUPPORTED       ? "Unsupported"
                                                            : model_scalar_name(c->type);
    return c->list ? arena_printf(a, "%s[]", base) : base;
}

static size_t add_node(erd_graph *g, arena *a, erd_node n)
{
    ARENA_PUSH(a, g->nodes, g->nnodes, g->cap_nodes, n);
    return g->nnodes - 1;
}

static void add_edge(erd_graph *g, arena *a, erd_edge e)
{
    ARENA_PUSH(a, g->edges, g->nedges, g->cap_edges, e);
}

static void add_table(erd_graph *g, const model_table *t, arena *a)
{
    erd_node n = {t->kind == MODEL_TABLE_VIEW ? ERD_NODE_VIEW : ERD_NODE_MODEL, t->name,
                  strcmp(t->name, t->db_name) ? t->db_name : NULL, NULL, 0, 0, 0, 0, 0};
    n.attrs = arena_alloc(a, (t->ncolumns ? t->ncolumns : 1) * sizeof *n.attrs);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const model_column *c = &t->columns[i];
        n.attrs[n.nattrs++] = (erd_attr){c->name, column_type(c, a), c->id, column_in_fk(t, c),
                                         column_unique(t, c), !c->required};
    }
    add_node(g, a, n);
}

static void add_enum(erd_graph *g, const model_enum *e, arena *a)
{
    erd_node n = {ERD_NODE_ENUM, e->name, strcmp(e->name, e->db_name) ? e->db_name : NULL,
                  NULL, 0, 0, 0, 0, 0};
    n.attrs = arena_alloc(a, (e->nvalues ? e->nvalues : 1) * sizeof *n.attrs);
    for (size_t i = 0; i < e->nvalues; i++)
        n.attrs[n.nattrs++] = (erd_attr){e->values[i].name, NULL, false, false, false, false};
    add_node(g, a, n);
}

void erd_build(erd_graph *g, const model_schema *s, arena *a)
{
    memset(g, 0, sizeof *g);
    /* Node i is table i for every table that is not a join table: join
     * tables come last in the model (model.h), so indices line up. */
    size_t ntables = 0;
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i].kind != MODEL_TABLE_JOIN) {
            add_table(g, &s->tables[i], a);
            ntables++;
        }
    for (size_t i = 0; i < s->nenums; i++)
        add_enum(g, &s->enums[i], a);

    for (size_t i = 0; i < s->nrelations; i++) {
        const model_relation *r = &s->relations[i];
        if (!r->from || !r->to || r->from->table->index >= ntables || r->to->table->index >= ntables)
            continue;
        erd_edge e = {ERD_EDGE_RELATION, 0, 0, ERD_ONE, ERD_MANY, r->from->name, false, NULL};
        if (r->kind == MODEL_REL_MANY_TO_MANY) {
            e.parent = r->from->table->index;
            e.child = r->to->table->index;
            e.parent_card = e.child_card = ERD_MANY;
            e.many_to_many = true;
            e.join_table = r->join_table ? r->join_table->db_name : NULL;
            e.label = r->name;
        } else {
            /* from holds the foreign key: it is the child. */
            e.child = r->from->table->index;
            e.parent = r->from->target->index;
            e.parent_card = r->from->required ? ERD_ONE : ERD_ZERO_ONE;
            e.child_card = r->kind == MODEL_REL_ONE_TO_ONE ? ERD_ZERO_ONE : ERD_MANY;
        }
        add_edge(g, a, e);
    }

    /* One dashed line per model and enum it uses; seen[j] is the last
     * table that drew one to enum j, so the walk stays linear. */
    size_t *seen = arena_alloc(a, (s->nenums ? s->nenums : 1) * sizeof *seen);
    for (size_t j = 0; j < s->nenums; j++)
        seen[j] = (size_t)-1;
    for (size_t i = 0; i < s->ntables; i++) {
        const model_table *t = &s->tables[i];
        if (t->kind == MODEL_TABLE_JOIN)
            continue;
        for (size_t k = 0; k < t->ncolumns; k++) {
            const model_column *c = &t->columns[k];
            if (c->type != MODEL_ENUM || !c->enum_type)
                continue;
            size_t j = (size_t)(c->enum_type - s->enums);
            if (j >= s->nenums || seen[j] == i)
                continue;
            seen[j] = i;
            add_edge(g, a, (erd_edge){ERD_EDGE_ENUM, ntables + j, t->index, ERD_ONE, ERD_MANY,
                                      c->name, false, NULL});
        }
    }
}

void erd_write(FILE *out, erd_graph *g, erd_format format, arena *a)
{
    switch (format) {
    case ERD_MERMAID: erd_write_mermaid(out, g); break;
    case ERD_DOT: erd_write_dot(out, g); break;
    case ERD_SVG: erd_write_svg(out, g, a); break;
    }
}
