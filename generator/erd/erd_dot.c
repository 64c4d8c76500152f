/*
 * erd_dot.c — the diagram as Graphviz DOT: one HTML-like table per model
 * and enum, crow's-foot arrowheads for the cardinality of each end.
 *
 * For users who already run Graphviz (`refract erd --format dot | dot
 * -Tpng`); refract's own SVG writer needs nothing.
 */
#include "erd.h"

/* Text inside an HTML-like label: & < > and quotes escaped. */
static void put_html(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* Graphviz's arrow shapes for an end: a bar for one, an open dot and bar
 * for zero or one, a crow for many. */
static const char *arrow(erd_card c)
{
    return c == ERD_ONE ? "teetee" : c == ERD_ZERO_ONE ? "teeodot" : "crowodot";
}

static void write_node(FILE *out, size_t i, const erd_node *n)
{
    const char *head = n->kind == ERD_NODE_ENUM ? "#f3e8c4" : n->kind == ERD_NODE_VIEW ? "#d9ead3" : "#cfe2f3";
    fprintf(out, "  n%zu [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n",
            i);
    fprintf(out, "    <tr><td colspan=\"3\" bgcolor=\"%s\"><b>", head);
    if (n->kind == ERD_NODE_ENUM)
        fputs("enum ", out);
    else if (n->kind == ERD_NODE_VIEW)
        fputs("view ", out);
    put_html(out, n->name);
    fputs("</b>", out);
    if (n->db_name) {
        fputs(" (", out);
        put_html(out, n->db_name);
        fputs(")", out);
    }
    fputs("</td></tr>\n", out);
    for (size_t j = 0; j < n->nattrs; j++) {
        const erd_attr *at = &n->attrs[j];
        fputs("    <tr><td align=\"left\">", out);
        put_html(out, at->name);
        fputs("</td><td align=\"left\">", out);
        if (at->type) {
            put_html(out, at->type);
            if (at->optional)
                fputc('?', out);
        }
        fprintf(out, "</td><td>%s%s%s</td></tr>\n", at->pk ? "PK " : "", at->fk ? "FK " : "",
                at->uk && !at->pk ? "UK" : "");
    }
    fputs("  </table>>];\n", out);
}

/* Text inside a quoted DOT string: quotes and backslashes escaped. */
static void put_quoted(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

void erd_write_dot(FILE *out, const erd_graph *g)
{
    fputs("digraph schema {\n"
          "  graph [rankdir=LR, overlap=false, splines=true, fontname=\"Helvetica\"];\n"
          "  node [shape=plain, fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9, dir=both];\n",
          out);
    for (size_t i = 0; i < g->nnodes; i++)
        write_node(out, i, &g->nodes[i]);
    for (size_t i = 0; i < g->nedges; i++) {
        const erd_edge *e = &g->edges[i];
        if (e->kind == ERD_EDGE_ENUM) {
            fprintf(out, "  n%zu -> n%zu [style=dashed, arrowhead=none, arrowtail=none, color=\"#999999\"];\n",
                    e->child, e->parent);
            continue;
        }
        /* child -> parent: the tail is the child's end (many), the head the parent's */
        fprintf(out, "  n%zu -> n%zu [arrowtail=%s, arrowhead=%s, label=\"", e->child, e->parent,
                arrow(e->child_card), arrow(e->parent_card));
        put_quoted(out, e->label);
        fputs("\"];\n", out);
    }
    fputs("}\n", out);
}
