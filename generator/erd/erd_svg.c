/*
 * erd_svg.c — the diagram as one self-contained SVG file: no scripts, no
 * external fonts or stylesheets, so it renders the same in a browser, an
 * image viewer or a README.
 *
 * Lines are drawn first and boxes over them (filled), so a line crossing a
 * box never hides its text. Each end of a relation line carries a
 * crow's-foot marker for its cardinality; enum columns link to their enum
 * with a dashed grey line.
 */
#include <math.h>
#include <stdlib.h>

#include "erd_metrics.h"

static void put_xml(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* XML 1.0 forbids most control characters even escaped */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                fputc(' ', out);
            else
                fputc(*s, out);
        }
    }
}

static const char *marker(erd_card c)
{
    return c == ERD_ONE ? "one" : c == ERD_ZERO_ONE ? "zero-one" : "many";
}

/* Where the segment from the centre of `n` towards (tx, ty) leaves its box. */
static void border_point(const erd_node *n, double tx, double ty, double *px, double *py)
{
    double cx = n->x + n->w / 2, cy = n->y + n->h / 2, dx = tx - cx, dy = ty - cy;
    double sx = dx != 0 ? (n->w / 2) / fabs(dx) : INFINITY;
    double sy = dy != 0 ? (n->h / 2) / fabs(dy) : INFINITY;
    double s = fmin(fmin(sx, sy), 1.0);
    *px = cx + dx * s;
    *py = cy + dy * s;
}

static void write_defs(FILE *out)
{
    /* Markers point along the line into the box they end at: (0,0) is on
     * the box's border, the mark is drawn back along the line (x < 0). */
    fputs("<defs>\n"
          "<marker id=\"one\" viewBox=\"-16 -8 18 16\" refX=\"0\" refY=\"0\" markerWidth=\"18\" "
          "markerHeight=\"16\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">"
          "<path d=\"M-5,-6 L-5,6 M-9,-6 L-9,6\" stroke=\"#555\" fill=\"none\"/></marker>\n"
          "<marker id=\"zero-one\" viewBox=\"-20 -8 22 16\" refX=\"0\" refY=\"0\" markerWidth=\"22\" "
          "markerHeight=\"16\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">"
          "<path d=\"M-5,-6 L-5,6\" stroke=\"#555\" fill=\"none\"/>"
          "<circle cx=\"-13\" cy=\"0\" r=\"4\" stroke=\"#555\" fill=\"#fff\"/></marker>\n"
          "<marker id=\"many\" viewBox=\"-22 -8 24 16\" refX=\"0\" refY=\"0\" markerWidth=\"24\" "
          "markerHeight=\"16\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">"
          "<path d=\"M0,-7 L-10,0 L0,7 M0,0 L-10,0\" stroke=\"#555\" fill=\"none\"/>"
          "<circle cx=\"-15\" cy=\"0\" r=\"4\" stroke=\"#555\" fill=\"#fff\"/></marker>\n"
          "</defs>\n"
          "<style>\n"
          "text{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px;fill:#222}\n"
          ".box{fill:#fff;stroke:#5b7a99;stroke-width:1.2}\n"
          ".head{fill:#cfe2f3}.head.enum{fill:#f3e8c4}.head.view{fill:#d9ead3}\n"
          ".title{font-weight:bold}.type{fill:#6a6a6a}.keys{fill:#a33;font-size:10px}\n"
          ".rel{stroke:#555;stroke-width:1;fill:none}\n"
          ".enum-use{stroke:#aaa;stroke-width:1;stroke-dasharray:4 3;fill:none}\n"
          ".label{font-size:10px;fill:#777;paint-order:stroke;stroke:#fff;stroke-width:3px}\n"
          "</style>\n",
          out);
}

static void write_edge(FILE *out, const erd_graph *g, const erd_edge *e)
{
    const erd_node *p = &g->nodes[e->parent], *c = &g->nodes[e->child];
    if (e->parent == e->child) { /* a self-relation: a loop on the right side */
        double x = c->x + c->w, y1 = c->y + ERD_HEAD_H / 2, y2 = y1 + 14;
        fprintf(out,
                "<path class=\"rel\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
                "marker-start=\"url(#%s)\" marker-end=\"url(#%s)\"><title>",
                x, y1, x + 40, y1 - 14, x + 40, y2 + 14, x, y2, marker(e->child_card),
                marker(e->parent_card));
        put_xml(out, e->label);
        fputs("</title></path>\n", out);
        return;
    }
    double x1, y1, x2, y2;
    border_point(c, p->x + p->w / 2, p->y + p->h / 2, &x1, &y1);
    border_point(p, c->x + c->w / 2, c->y + c->h / 2, &x2, &y2);
    if (e->kind == ERD_EDGE_ENUM) {
        fprintf(out, "<path class=\"enum-use\" d=\"M%.1f,%.1f L%.1f,%.1f\"/>\n", x1, y1, x2, y2);
        return;
    }
    /* drawn from the child to the parent: marker-start is the child's end */
    fprintf(out,
            "<path class=\"rel\" d=\"M%.1f,%.1f L%.1f,%.1f\" marker-start=\"url(#%s)\" "
            "marker-end=\"url(#%s)\"><title>",
            x1, y1, x2, y2, marker(e->child_card), marker(e->parent_card));
    put_xml(out, c->name);
    fputc('.', out);
    put_xml(out, e->label);
    fputs("</title></path>\n", out);
    fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            (x1 + x2) / 2, (y1 + y2) / 2 - 3);
    put_xml(out, e->label);
    fputs("</text>\n", out);
}

static void write_node(FILE *out, size_t i, const erd_node *n)
{
    const char *kind = n->kind == ERD_NODE_ENUM ? "enum" : n->kind == ERD_NODE_VIEW ? "view" : "model";
    erd_columns cols = erd_node_columns(n);
    fprintf(out, "<g class=\"entity %s\" id=\"n%zu\">\n", kind, i);
    fprintf(out, "<rect class=\"box\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>\n",
            n->x, n->y, n->w, n->h);
    fprintf(out, "<rect class=\"head %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>\n",
            kind, n->x + 0.6, n->y + 0.6, n->w - 1.2, ERD_HEAD_H - 0.6);
    fprintf(out, "<text class=\"title\" x=\"%.1f\" y=\"%.1f\">", n->x + ERD_PAD, n->y + 16);
    if (n->kind != ERD_NODE_MODEL)
        fprintf(out, "%s ", kind);
    put_xml(out, n->name);
    if (n->db_name) {
        fputs(" (", out);
        put_xml(out, n->db_name);
        fputc(')', out);
    }
    fputs("</text>\n", out);
    double type_x = n->x + ERD_PAD + ERD_CHAR_W * (double)(cols.name + ERD_COL_GAP);
    double keys_x = type_x + (cols.type ? ERD_CHAR_W * (double)(cols.type + ERD_COL_GAP) : 0);
    char keys[16];
    for (size_t j = 0; j < n->nattrs; j++) {
        const erd_attr *at = &n->attrs[j];
        double y = n->y + ERD_HEAD_H + ERD_LINE_H * (double)j + 13;
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", n->x + ERD_PAD, y);
        put_xml(out, at->name);
        fputs("</text>", out);
        if (at->type) {
            fprintf(out, "<text class=\"type\" x=\"%.1f\" y=\"%.1f\">", type_x, y);
            put_xml(out, at->type);
            if (at->optional)
                fputc('?', out);
            fputs("</text>", out);
        }
        if (*erd_attr_keys(at, keys))
            fprintf(out, "<text class=\"keys\" x=\"%.1f\" y=\"%.1f\">%s</text>", keys_x, y, keys);
        fputc('\n', out);
    }
    fputs("</g>\n", out);
}

void erd_write_svg(FILE *out, erd_graph *g, arena *a)
{
    if (g->width == 0)
        erd_layout(g, a);
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\">\n",
            ceil(g->width), ceil(g->height), ceil(g->width), ceil(g->height));
    write_defs(out);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
    for (size_t i = 0; i < g->nedges; i++)
        write_edge(out, g, &g->edges[i]);
    for (size_t i = 0; i < g->nnodes; i++)
        write_node(out, i, &g->nodes[i]);
    fputs("</svg>\n", out);
}
