/*
 * erd_layout.c — where each box goes in refract's own SVG.
 *
 * Readable at 300+ models without Graphviz, and never two boxes on top of
 * each other. The method, in three steps:
 *
 *   1. Groups: the connected components of the relation graph (enum
 *      columns count as links), largest first, so related models are near.
 *   2. Layers: inside a group of four or more, a breadth-first walk from its
 *      most connected model gives each model a layer (its distance from
 *      that hub); a layer's models are ordered by the mean position of their
 *      neighbours in the layer before, which keeps lines short and few
 *      crossing. Groups of one to three boxes share one block.
 *   3. Blocks: each group is shelved on its own (boxes left to right in
 *      rows about 4:3 for the group, each layer on a new row), then the
 *      groups' rectangles are packed into the picture, tallest first, each
 *      where its top is lowest (a skyline). Boxes in a row never overlap,
 *      rows stack, and blocks never overlap, so no two boxes can overlap
 *      whatever their sizes.
 *
 * Every step is linear in nodes + edges, but for the sort of each layer
 * and the skyline, which is quadratic in the number of groups of four or
 * more (a few dozen even at 300 models).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "erd_metrics.h"

size_t erd_title_len(const erd_node *n)
{
    size_t len = strlen(n->name);
    if (n->kind == ERD_NODE_ENUM)
        len += 5; /* "enum " */
    else if (n->kind == ERD_NODE_VIEW)
        len += 5; /* "view " */
    if (n->db_name)
        len += strlen(n->db_name) + 3; /* " (x)" */
    return len;
}

const char *erd_attr_keys(const erd_attr *at, char buf[16])
{
    buf[0] = 0;
    if (at->pk)
        strcat(buf, "PK");
    if (at->fk)
        strcat(buf, *buf ? " FK" : "FK");
    if (at->uk && !at->pk)
        strcat(buf, *buf ? " UK" : "UK");
    return buf;
}

erd_columns erd_node_columns(const erd_node *n)
{
    erd_columns c = {0, 0, 0, erd_title_len(n)};
    char keys[16];
    for (size_t i = 0; i < n->nattrs; i++) {
        const erd_attr *at = &n->attrs[i];
        size_t len = strlen(at->name);
        if (len > c.name)
            c.name = len;
        if (at->type) {
            len = strlen(at->type) + (at->optional ? 1 : 0);
            if (len > c.type)
                c.type = len;
        }
        len = strlen(erd_attr_keys(at, keys));
        if (len > c.keys)
            c.keys = len;
    }
    return c;
}

static void size_node(erd_node *n)
{
    erd_columns c = erd_node_columns(n);
    size_t body = c.name + (c.type ? ERD_COL_GAP + c.type : 0) + (c.keys ? ERD_COL_GAP + c.keys : 0);
    size_t chars = body > c.title ? body : c.title;
    n->w = ceil(2 * ERD_PAD + ERD_CHAR_W * (double)chars);
    n->h = ERD_HEAD_H + ERD_LINE_H * (double)n->nattrs + 6;
}

/* The undirected graph in compressed rows: node i's neighbours are
 * adj[start[i] .. start[i+1]). Self-relations add nothing. */
typedef struct adjacency {
    size_t *start, *adj;
} adjacency;

static adjacency build_adjacency(const erd_graph *g, arena *a)
{
    adjacency r;
    r.start = arena_alloc(a, (g->nnodes + 1) * sizeof *r.start);
    for (size_t i = 0; i < g->nedges; i++)
        if (g->edges[i].parent != g->edges[i].child) {
            r.start[g->edges[i].parent + 1]++;
            r.start[g->edges[i].child + 1]++;
        }
    for (size_t i = 0; i < g->nnodes; i++)
        r.start[i + 1] += r.start[i];
    r.adj = arena_alloc(a, (r.start[g->nnodes] + 1) * sizeof *r.adj);
    size_t *fill = arena_alloc(a, (g->nnodes + 1) * sizeof *fill);
    memcpy(fill, r.start, g->nnodes * sizeof *fill);
    for (size_t i = 0; i < g->nedges; i++) {
        const erd_edge *e = &g->edges[i];
        if (e->parent == e->child)
            continue;
        r.adj[fill[e->parent]++] = e->child;
        r.adj[fill[e->child]++] = e->parent;
    }
    return r;
}

/* A node waiting for its place: its layer's sort key. */
typedef struct placed {
    size_t node;
    double key;
} placed;

static int by_key(const void *pa, const void *pb)
{
    const placed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

/* The shelf packer: boxes go left to right until the row is full; a row's
 * boxes are centred in the width. Positions are relative to the block. */
typedef struct shelf {
    erd_graph *g;
    double width;        /* the block's width limit */
    double y;            /* top of the current row */
    double row_h;        /* tallest box so far in the row */
    size_t *row;         /* the current row's nodes */
    size_t nrow;
    double row_w;
    double max_w;        /* widest row so far */
} shelf;

static void shelf_close_row(shelf *s)
{
    if (!s->nrow)
        return;
    double x = (s->width - s->row_w) / 2;
    for (size_t i = 0; i < s->nrow; i++) {
        erd_node *n = &s->g->nodes[s->row[i]];
        n->x = x;
        n->y = s->y;
        x += n->w + ERD_BOX_GAP_X;
    }
    if (s->row_w > s->max_w)
        s->max_w = s->row_w;
    s->y += s->row_h + ERD_BOX_GAP_Y;
    s->nrow = 0;
    s->row_w = 0;
    s->row_h = 0;
}

static void shelf_put(shelf *s, size_t node)
{
    const erd_node *n = &s->g->nodes[node];
    double w = s->nrow ? s->row_w + ERD_BOX_GAP_X + n->w : n->w;
    if (s->nrow && w > s->width) {
        shelf_close_row(s);
        w = n->w;
    }
    s->row[s->nrow++] = node;
    s->row_w = w;
    if (n->h > s->row_h)
        s->row_h = n->h;
}

/* A group of nodes laid out on its own, then placed as one rectangle. */
typedef struct block {
    size_t *nodes;
    size_t count;
    double w, h;
    double x, y; /* where the block goes */
} block;

/* The width that makes a set of boxes about 4:3, never narrower than its
 * widest box nor, for a few boxes, narrower than one row of them all (up to
 * a screen's width). */
static double block_width(const erd_graph *g, const size_t *nodes, size_t count)
{
    double area = 0, widest = 0, total = 0;
    for (size_t i = 0; i < count; i++) {
        const erd_node *n = &g->nodes[nodes[i]];
        area += (n->w + ERD_BOX_GAP_X) * (n->h + ERD_BOX_GAP_Y);
        widest = fmax(widest, n->w);
        total += n->w + ERD_BOX_GAP_X;
    }
    return fmax(widest, fmax(sqrt(area * 4.0 / 3.0), fmin(total - ERD_BOX_GAP_X, 1200)));
}

/* Lays out b's nodes (in the order given, a new row wherever `breaks[i]`)
 * relative to the block's corner, and sets its size. */
static void shelve_block(erd_graph *g, block *b, const bool *breaks, size_t *row)
{
    shelf s = {g, block_width(g, b->nodes, b->count), 0, 0, row, 0, 0, 0};
    for (size_t i = 0; i < b->count; i++) {
        if (breaks && breaks[i])
            shelf_close_row(&s);
        shelf_put(&s, b->nodes[i]);
    }
    shelf_close_row(&s);
    /* rows were centred in the limit: shift so the widest row starts at 0 */
    double shift = (s.width - s.max_w) / 2;
    for (size_t i = 0; i < b->count; i++)
        g->nodes[b->nodes[i]].x -= shift;
    b->w = s.max_w;
    b->h = s.y - ERD_BOX_GAP_Y;
}

/* Orders a group of four or more in layers by distance from its most
 * connected node, each layer sorted by its neighbours' mean position in the
 * layer before; marks where each layer starts. `order` holds the group on
 * entry (in any order) and the layered order on return. */
static void layer_group(const adjacency *adj, size_t *order, size_t count, bool *breaks,
                        size_t *depth, double *pos, placed *layer)
{
    size_t hub = order[0];
    for (size_t k = 0; k < count; k++) {
        size_t v = order[k];
        if (adj->start[v + 1] - adj->start[v] > adj->start[hub + 1] - adj->start[hub])
            hub = v;
        depth[v] = (size_t)-1;
    }
    size_t head = 0, tail = 0;
    order[tail++] = hub;
    depth[hub] = 0;
    while (head < tail) {
        size_t v = order[head++];
        for (size_t k = adj->start[v]; k < adj->start[v + 1]; k++)
            if (depth[adj->adj[k]] == (size_t)-1) {
                depth[adj->adj[k]] = depth[v] + 1;
                order[tail++] = adj->adj[k];
            }
    }
    for (size_t lo = 0; lo < tail;) {
        size_t d = depth[order[lo]], hi = lo, nl = 0;
        while (hi < tail && depth[order[hi]] == d)
            hi++;
        for (size_t k = lo; k < hi; k++) {
            size_t v = order[k];
            double sum = 0;
            size_t cnt = 0;
            for (size_t j = adj->start[v]; j < adj->start[v + 1]; j++)
                if (d && depth[adj->adj[j]] == d - 1) {
                    sum += pos[adj->adj[j]];
                    cnt++;
                }
            layer[nl++] = (placed){v, cnt ? sum / (double)cnt : 0};
        }
        qsort(layer, nl, sizeof *layer, by_key);
        for (size_t k = 0; k < nl; k++) {
            pos[layer[k].node] = (double)k;
            order[lo + k] = layer[k].node;
            breaks[lo + k] = k == 0;
        }
        lo = hi;
    }
}

static int by_height(const void *pa, const void *pb)
{
    const block *a = pa, *b = pb;
    if (a->h != b->h)
        return a->h > b->h ? -1 : 1;
    return a->nodes[0] < b->nodes[0] ? -1 : a->nodes[0] > b->nodes[0];
}

/* Skyline packing: each block, tallest first, goes where its top is
 * lowest (leftmost on ties) within the width. The skyline is a list of
 * segments [x, x+w) with the lowest free y above each. */
typedef struct segment {
    double x, w, y;
} segment;

static void pack_blocks(block *blocks, size_t nblocks, double width, segment *sky,
                        double *out_height)
{
    size_t nsky = 1;
    sky[0] = (segment){0, width, 0};
    double height = 0;
    for (size_t bi = 0; bi < nblocks; bi++) {
        block *b = &blocks[bi];
        double need = b->w + ERD_BOX_GAP_X;
        size_t best = 0;
        double best_y = INFINITY;
        for (size_t i = 0; i < nsky; i++) {
            if (sky[i].x + b->w > width + 0.5)
                break;
            double y = 0, covered = 0;
            for (size_t j = i; j < nsky && covered < b->w; j++) {
                y = fmax(y, sky[j].y);
                covered = sky[j].x + sky[j].w - sky[i].x;
            }
            if (y < best_y) {
                best_y = y;
                best = i;
            }
        }
        b->x = sky[best].x;
        b->y = best_y;
        height = fmax(height, b->y + b->h);
        /* the block's span becomes one segment; trim the ones it covers */
        double end = b->x + need, top = b->y + b->h + ERD_BOX_GAP_Y;
        size_t j = best;
        while (j < nsky && sky[j].x + sky[j].w <= end)
            j++;
        segment rest = j < nsky ? sky[j] : (segment){end, 0, 0};
        if (j < nsky && rest.x < end) {
            rest.w -= end - rest.x;
            rest.x = end;
        }
        size_t keep_tail = j < nsky ? nsky - j - 1 : 0;
        segment placed_seg = {b->x, fmin(need, width - b->x), top};
        memmove(&sky[best + 1 + (j < nsky && rest.w > 0)], &sky[j + 1], keep_tail * sizeof *sky);
        sky[best] = placed_seg;
        if (j < nsky && rest.w > 0)
            sky[best + 1] = rest;
        nsky = best + 1 + (j < nsky && rest.w > 0) + keep_tail;
    }
    *out_height = height;
}

void erd_layout(erd_graph *g, arena *a)
{
    size_t n = g->nnodes;
    if (!n) {
        g->width = g->height = 2 * ERD_MARGIN;
        return;
    }
    for (size_t i = 0; i < n; i++)
        size_node(&g->nodes[i]);
    adjacency adj = build_adjacency(g, a);

    /* 1. groups: connected components, each a run of `order` */
    size_t *order = arena_alloc(a, n * sizeof *order);
    size_t *comp = arena_alloc(a, n * sizeof *comp);
    bool *breaks = arena_alloc(a, n * sizeof *breaks);
    size_t *depth = arena_alloc(a, n * sizeof *depth);
    double *pos = arena_alloc(a, n * sizeof *pos);
    placed *layer = arena_alloc(a, n * sizeof *layer);
    size_t *row = arena_alloc(a, n * sizeof *row);
    block *blocks = arena_alloc(a, (n + 1) * sizeof *blocks);
    size_t nblocks = 0, norder = 0;
    for (size_t i = 0; i < n; i++)
        comp[i] = (size_t)-1;
    /* small groups (under four boxes) share one block, in source order */
    size_t *small = arena_alloc(a, n * sizeof *small), nsmall = 0;
    for (size_t i = 0; i < n; i++) {
        if (comp[i] != (size_t)-1)
            continue;
        size_t head = norder, tail = norder;
        order[tail++] = i;
        comp[i] = i;
        while (head < tail) {
            size_t v = order[head++];
            for (size_t k = adj.start[v]; k < adj.start[v + 1]; k++)
                if (comp[adj.adj[k]] == (size_t)-1) {
                    comp[adj.adj[k]] = i;
                    order[tail++] = adj.adj[k];
                }
        }
        size_t count = tail - norder;
        if (count < 4) {
            memcpy(&small[nsmall], &order[norder], count * sizeof *small);
            nsmall += count;
            continue; /* order[norder..] is reused */
        }
        /* 2. layers */
        layer_group(&adj, &order[norder], count, &breaks[norder], depth, pos, layer);
        blocks[nblocks] = (block){&order[norder], count, 0, 0, 0, 0};
        shelve_block(g, &blocks[nblocks], &breaks[norder], row);
        nblocks++;
        norder = tail;
    }
    if (nsmall) {
        blocks[nblocks] = (block){small, nsmall, 0, 0, 0, 0};
        shelve_block(g, &blocks[nblocks], NULL, row);
        nblocks++;
    }

    /* 3. blocks packed into a picture about 4:3 */
    double area = 0, widest = 0;
    for (size_t i = 0; i < nblocks; i++) {
        area += (blocks[i].w + ERD_BOX_GAP_X) * (blocks[i].h + ERD_BOX_GAP_Y);
        widest = fmax(widest, blocks[i].w);
    }
    double width = fmax(widest, sqrt(area * 4.0 / 3.0)), height;
    qsort(blocks, nblocks, sizeof *blocks, by_height);
    pack_blocks(blocks, nblocks, width, arena_alloc(a, (2 * nblocks + 2) * sizeof(segment)),
                &height);
    double used_w = 0;
    for (size_t i = 0; i < nblocks; i++) {
        for (size_t k = 0; k < blocks[i].count; k++) {
            erd_node *nd = &g->nodes[blocks[i].nodes[k]];
            nd->x += blocks[i].x + ERD_MARGIN;
            nd->y += blocks[i].y + ERD_MARGIN;
        }
        used_w = fmax(used_w, blocks[i].x + blocks[i].w);
    }
    g->width = used_w + 2 * ERD_MARGIN;
    g->height = height + 2 * ERD_MARGIN;
}
