/*
 * erd.h — the schema as an entity-relationship diagram.
 *
 * erd_build() turns the resolved model into a small graph: one node per
 * model or view (its columns, with PK/FK/UK marks) and per enum (its
 * values), one edge per relation with the cardinality of each end. The
 * writers render that graph as Mermaid `erDiagram` text, Graphviz DOT, or a
 * self-contained SVG that erd_layout() places itself, so no Graphviz is
 * needed at run time. An implicit many-to-many join table is not a node: its
 * relation is one m:n edge, as the user wrote it.
 *
 * Everything lives in the arena given to erd_build().
 */
#ifndef REFRACT_ERD_H
#define REFRACT_ERD_H

#include <stdbool.h>
#include <stdio.h>

#include "model/model.h"
#include "util/arena.h"

typedef enum erd_format { ERD_MERMAID, ERD_DOT, ERD_SVG } erd_format;

/* "mermaid", "dot", "svg" → the format; false for anything else. */
bool erd_format_parse(const char *name, erd_format *out);

/* How many rows of the other end one row of this end meets. */
typedef enum erd_card {
    ERD_ONE,      /* exactly one: a required to-one */
    ERD_ZERO_ONE, /* zero or one: an optional to-one */
    ERD_MANY,     /* zero or more */
} erd_card;

typedef struct erd_attr {
    const char *name;  /* the field name */
    const char *type;  /* Prisma's type as written: "String", "Role", "Int[]" */
    bool pk, fk, uk;   /* part of the primary key, of a foreign key, a single-column unique */
    bool optional;     /* `T?` */
} erd_attr;

typedef enum erd_node_kind { ERD_NODE_MODEL, ERD_NODE_VIEW, ERD_NODE_ENUM } erd_node_kind;

typedef struct erd_node {
    erd_node_kind kind;
    const char *name;  /* the Prisma name */
    const char *db_name; /* the table or type name when @@map differs, else NULL */
    erd_attr *attrs;   /* columns; for an enum its values (type NULL) */
    size_t nattrs;
    /* Set by erd_layout(): the box, in SVG user units (pixels). */
    double x, y, w, h;
} erd_node;

typedef enum erd_edge_kind {
    ERD_EDGE_RELATION, /* a relation between two models (or a model and itself) */
    ERD_EDGE_ENUM,     /* a model's column of an enum type: drawn dashed, no cardinality */
} erd_edge_kind;

/* An edge `parent — child`: for 1:1 and 1:n the parent is the referenced
 * model and the child holds the foreign key; for m:n the two models in
 * the relation's order. */
typedef struct erd_edge {
    erd_edge_kind kind;
    size_t parent, child;          /* node indices */
    erd_card parent_card;          /* how many parents one child has */
    erd_card child_card;           /* how many children one parent has */
    const char *label;             /* the relation field on the child ("author") */
    bool many_to_many;
    const char *join_table;        /* m:n: the implicit table ("_PostToTag") */
} erd_edge;

typedef struct erd_graph {
    erd_node *nodes;
    size_t nnodes, cap_nodes;
    erd_edge *edges;
    size_t nedges, cap_edges;
    double width, height; /* set by erd_layout() */
} erd_graph;

void erd_build(erd_graph *g, const model_schema *s, arena *a);

/* Place every node so that no two boxes overlap: connected groups of
 * related models together, each laid out in layers from its most connected
 * model, rows wrapped to a width that keeps the picture about 4:3. */
void erd_layout(erd_graph *g, arena *a);

void erd_write_mermaid(FILE *out, const erd_graph *g);
void erd_write_dot(FILE *out, const erd_graph *g);
/* Lays the graph out first when it has not been. */
void erd_write_svg(FILE *out, erd_graph *g, arena *a);

/* Writes `format` to out; the caller checks ferror(). */
void erd_write(FILE *out, erd_graph *g, erd_format format, arena *a);

#endif
