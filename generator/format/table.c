#include "table.h"

#include <string.h>

void fmt_table_row(fmt_table *t, const char *const *cells, size_t ncells, const char *suffix)
{
    fmt_row row = {0};
    if (ncells > FMT_TABLE_MAX_CELLS)
        ncells = FMT_TABLE_MAX_CELLS;
    while (ncells > 0 && (!cells[ncells - 1] || !*cells[ncells - 1]))
        ncells--;
    for (size_t i = 0; i < ncells; i++)
        row.cells[i] = arena_strdup(t->arena, cells[i] ? cells[i] : "");
    row.ncells = ncells;
    row.suffix = suffix && *suffix ? arena_strdup(t->arena, suffix) : NULL;
    ARENA_PUSH(t->arena, t->rows, t->count, t->cap, row);
}

void fmt_table_blank(fmt_table *t)
{
    fmt_table_row(t, NULL, 0, NULL);
}

void fmt_table_line(fmt_table *t, const char *text)
{
    fmt_table_row(t, NULL, 0, text);
}

void fmt_table_flush(fmt_table *t, buf *out, size_t indent)
{
    size_t width[FMT_TABLE_MAX_CELLS] = {0};
    for (size_t r = 0; r < t->count; r++)
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            size_t n = strlen(t->rows[r].cells[c]);
            if (n > width[c])
                width[c] = n;
        }

    for (size_t r = 0; r < t->count; r++) {
        const fmt_row *row = &t->rows[r];
        if (row->ncells > 0 || row->suffix)
            buf_pad(out, ' ', indent);
        for (size_t c = 0; c < row->ncells; c++) {
            buf_puts(out, row->cells[c]);
            if (c + 1 < row->ncells)
                buf_pad(out, ' ', width[c] - strlen(row->cells[c]) + 1);
        }
        if (row->suffix) {
            if (row->ncells > 0)
                buf_putc(out, ' ');
            buf_puts(out, row->suffix);
        }
        buf_putc(out, '\n');
    }
    t->count = 0;
}
