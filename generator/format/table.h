/*
 * table.h — rows of cells aligned in columns, the unit of Prisma's layout.
 *
 * Inside a block, consecutive lines form one table: the n-th cell of every
 * row is padded to the widest n-th cell plus one space, except a row's last
 * cell, which is never padded (so no line ends in spaces). A row may carry a
 * suffix — a trailing `// comment`, or a whole comment line when the row has
 * no cells — which follows the cells after one space and takes no part in
 * the alignment. A row with neither cells nor suffix is an empty line.
 *
 * Widths are counted in bytes, as Prisma does (so a cell holding non-ASCII
 * text pads its neighbours as if each byte were a column).
 */
#ifndef REFRACT_FORMAT_TABLE_H
#define REFRACT_FORMAT_TABLE_H

#include <stddef.h>

#include "../util/arena.h"
#include "../util/buf.h"

enum { FMT_TABLE_MAX_CELLS = 3 };

typedef struct fmt_row {
    const char *cells[FMT_TABLE_MAX_CELLS]; /* arena strings; trailing empties ignored */
    size_t ncells;
    const char *suffix; /* NULL when none */
} fmt_row;

typedef struct fmt_table {
    arena *arena; /* where rows live; borrowed */
    fmt_row *rows;
    size_t count, cap;
} fmt_table;

/* Append a row; cells and suffix are copied into the table's arena. Cells
 * past `ncells` and empty trailing cells do not count. */
void fmt_table_row(fmt_table *t, const char *const *cells, size_t ncells, const char *suffix);
void fmt_table_blank(fmt_table *t);         /* an empty line */
void fmt_table_line(fmt_table *t, const char *text); /* a line outside the columns */

/* Write every row, each prefixed by `indent` spaces (empty lines get none),
 * and empty the table. */
void fmt_table_flush(fmt_table *t, buf *out, size_t indent);

#endif
