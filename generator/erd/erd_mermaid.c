/*
 * erd_mermaid.c — the diagram as Mermaid `erDiagram` text, which GitHub,
 * GitLab and most Markdown viewers draw.
 *
 * Relations use Mermaid's crow's-foot ends (`||` one, `|o`/`o|` zero or
 * one, `}o`/`o{` zero or more) on a solid line; a model's use of an enum is
 * a dotted line, so enums sit next to the models that use them.
 */
#include "erd.h"

/* The end markers as Mermaid spells them on the left and right of `--`. */
static const char *left_end(erd_card c)
{
    return c == ERD_ONE ? "||" : c == ERD_ZERO_ONE ? "|o" : "}o";
}

static const char *right_end(erd_card c)
{
    return c == ERD_ONE ? "||" : c == ERD_ZERO_ONE ? "o|" : "o{";
}

static void write_keys(FILE *out, const erd_attr *at)
{
    const char *sep = " ";
    if (at->pk) {
        fprintf(out, "%sPK", sep);
        sep = ", ";
    }
    if (at->fk) {
        fprintf(out, "%sFK", sep);
        sep = ", ";
    }
    if (at->uk && !at->pk)
        fprintf(out, "%sUK", sep);
}

/* A relation label inside Mermaid's quotes, which have no escape: a quote
 * or a line break in a relation name would end it. */
static void put_label(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

void erd_write_mermaid(FILE *out, const erd_graph *g)
{
    fputs("erDiagram\n", out);
    for (size_t i = 0; i < g->nnodes; i++) {
        const erd_node *n = &g->nodes[i];
        fprintf(out, "  %s {\n", n->name);
        for (size_t j = 0; j < n->nattrs; j++) {
            const erd_attr *at = &n->attrs[j];
            if (n->kind == ERD_NODE_ENUM) {
                fprintf(out, "    enum %s\n", at->name);
                continue;
            }
            fprintf(out, "    %s %s", at->type, at->name);
            write_keys(out, at);
            if (at->optional)
                fputs(" \"nullable\"", out);
            fputc('\n', out);
        }
        fputs("  }\n", out);
    }
    for (size_t i = 0; i < g->nedges; i++) {
        const erd_edge *e = &g->edges[i];
        fprintf(out, "  %s %s%s%s %s : \"", g->nodes[e->parent].name, left_end(e->parent_card),
                e->kind == ERD_EDGE_ENUM ? ".." : "--", right_end(e->child_card),
                g->nodes[e->child].name);
        put_label(out, e->label);
        fputs("\"\n", out);
    }
}
