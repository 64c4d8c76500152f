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
#include <string.h>

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

/* Where the ray from (ox, oy), a point inside the box of `n`, towards
 * (tx, ty) leaves the box. */
static void exit_point(const erd_node *n, double ox, double oy, double tx, double ty, double *px,
                       double *py)
{
    double dx = tx - ox, dy = ty - oy;
    double sx = dx > 0 ? (n->x + n->w - ox) / dx : dx < 0 ? (n->x - ox) / dx : INFINITY;
    double sy = dy > 0 ? (n->y + n->h - oy) / dy : dy < 0 ? (n->y - oy) / dy : INFINITY;
    double s = fmin(fmin(sx, sy), 1.0);
    *px = ox + dx * s;
    *py = oy + dy * s;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Several relations between the same two models (a reporter, an assignee
 * and watchers between Issue and User) would otherwise be drawn as one
 * line with their labels printed over each other: this edge's place among
 * the relation edges joining the same pair (in either direction), and how
 * many there are. */
static void parallel_rank(const erd_graph *g, const erd_edge *e, size_t *rank, size_t *count)
{
    *rank = 0;
    *count = 0;
    for (size_t i = 0; i < g->nedges; i++) {
        const erd_edge *o = &g->edges[i];
        if (o->kind != e->kind)
            continue;
        if (!((o->parent == e->parent && o->child == e->child)
              || (o->parent == e->child && o->child == e->parent)))
            continue;
        if (o == e)
            *rank = *count;
        ++*count;
    }
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

/* A relation label is 10px text: about 6.2px a character (monospace, with
 * room for a substituted font), drawn from 8px above its baseline to 2px
 * below. */
#define ERD_LABEL_CHAR_W 6.2

static bool label_hits_a_box(const erd_graph *g, const char *label, double cx, double y)
{
    double half = ERD_LABEL_CHAR_W * (double)strlen(label) / 2;
    for (size_t i = 0; i < g->nnodes; i++) {
        const erd_node *n = &g->nodes[i];
        if (cx + half > n->x && cx - half < n->x + n->w && y + 2 > n->y && y - 8 < n->y + n->h)
            return true;
    }
    return false;
}

/* Where along the line from (x1, y1) to (x2, y2) the label goes: at
 * `preferred` (a fraction of the line) unless a box would hide part of it
 * (lines are drawn under the boxes), else at the nearest point of the line
 * where no box does; when there is none, at `preferred`. */
static double label_position(const erd_graph *g, const char *label, double x1, double y1,
                             double x2, double y2, double preferred)
{
    for (int step = 0; step <= 16; step++) {
        for (int sign = -1; sign <= 1; sign += 2) {
            double t = preferred + sign * 0.05 * step;
            if (t < 0.05 || t > 0.95)
                continue;
            if (!label_hits_a_box(g, label, x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 3))
                return t;
            if (step == 0)
                break;
        }
    }
    return preferred;
}

/* Space between parallel relation lines, and between stacked self-loops. */
#define ERD_PARALLEL_GAP 16.0
#define ERD_LOOP_GAP 22.0

static void write_self_loop(FILE *out, const erd_node *c, const erd_edge *e, size_t rank)
{
    /* loops stack down the right side, one per self-relation */
    double x = c->x + c->w, y1 = c->y + ERD_HEAD_H / 2 + ERD_LOOP_GAP * (double)rank,
           y2 = y1 + 14;
    fprintf(out,
            "<path class=\"rel\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
            "marker-start=\"url(#%s)\" marker-end=\"url(#%s)\"><title>",
            x, y1, x + 40, y1 - 14, x + 40, y2 + 14, x, y2, marker(e->child_card),
            marker(e->parent_card));
    put_xml(out, e->label);
    fputs("</title></path>\n", out);
    fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">", x + 38, (y1 + y2) / 2 + 3);
    put_xml(out, e->label);
    fputs("</text>\n", out);
}

static void write_edge(FILE *out, const erd_graph *g, const erd_edge *e)
{
    const erd_node *p = &g->nodes[e->parent], *c = &g->nodes[e->child];
    size_t rank, count;
    parallel_rank(g, e, &rank, &count);
    if (e->parent == e->child) {
        write_self_loop(out, c, e, rank);
        return;
    }
    /* Parallel lines are shifted sideways, ERD_PARALLEL_GAP apart, centred
     * on the line between the two boxes' centres (and kept inside each box
     * so that they still start at its border). The normal is taken from the
     * pair in a fixed order so that edges drawn in both directions agree. */
    double pcx = p->x + p->w / 2, pcy = p->y + p->h / 2;
    double ccx = c->x + c->w / 2, ccy = c->y + c->h / 2;
    const erd_node *lo = e->parent < e->child ? p : c, *hi = lo == p ? c : p;
    double dx = (hi->x + hi->w / 2) - (lo->x + lo->w / 2), dy = (hi->y + hi->h / 2) - (lo->y + lo->h / 2);
    double len = hypot(dx, dy);
    double shift = ERD_PARALLEL_GAP * ((double)rank - (double)(count - 1) / 2);
    double nx = len > 0 ? -dy / len : 0, ny = len > 0 ? dx / len : 0;
    double ox1 = clamp(ccx + nx * shift, c->x + 1, c->x + c->w - 1);
    double oy1 = clamp(ccy + ny * shift, c->y + 1, c->y + c->h - 1);
    double ox2 = clamp(pcx + nx * shift, p->x + 1, p->x + p->w - 1);
    double oy2 = clamp(pcy + ny * shift, p->y + 1, p->y + p->h - 1);
    double x1, y1, x2, y2;
    exit_point(c, ox1, oy1, ox2, oy2, &x1, &y1);
    exit_point(p, ox2, oy2, ox1, oy1, &x2, &y2);
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
    /* parallel labels also sit at different points along their lines, so
     * that they do not collide where the lines are steep */
    double t = (double)(rank + 1) / (double)(count + 1);
    if (lo != c) /* measured from the same box for every edge of the pair */
        t = 1 - t;
    t = label_position(g, e->label, x1, y1, x2, y2, t);
    fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 3);
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
