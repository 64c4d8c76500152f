/*
 * erd_metrics.h — the box geometry shared by the layout and the SVG writer.
 *
 * Text is set in a monospace font so a box's width follows from character
 * counts alone: no font files are read. CHAR_W is a little wider than the
 * usual monospace advance at 12px (7.2), so text never spills when a
 * viewer substitutes another monospace font.
 */
#ifndef REFRACT_ERD_METRICS_H
#define REFRACT_ERD_METRICS_H

#include "erd.h"

#define ERD_FONT_SIZE 12.0
#define ERD_CHAR_W 7.4
#define ERD_PAD 8.0         /* inside a box, left and right */
#define ERD_HEAD_H 24.0     /* the title bar */
#define ERD_LINE_H 17.0     /* one column or enum value */
#define ERD_COL_GAP 2       /* characters between name, type and keys */
#define ERD_BOX_GAP_X 48.0  /* between boxes in a row */
#define ERD_BOX_GAP_Y 64.0  /* between rows: room for lines and their labels */
#define ERD_MARGIN 24.0

/* Widths, in characters, of a node's three text columns (name, type, keys)
 * and of its title. */
typedef struct erd_columns {
    size_t name, type, keys, title;
} erd_columns;

erd_columns erd_node_columns(const erd_node *n);

/* The title as drawn: "User", "User (users)", "enum Role", "view V". */
size_t erd_title_len(const erd_node *n);

/* "PK FK", "UK" ...: the key marks of a column, at most 8 characters. */
const char *erd_attr_keys(const erd_attr *at, char buf[16]);

#endif
