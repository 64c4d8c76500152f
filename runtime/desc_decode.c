/*
 * desc_decode.c — result rows into row structs at descriptor offsets.
 *
 * Many rows are decoded column by column: rf_q_column handles a whole
 * column of a common scalar kind in one tight loop, and only the other
 * columns (and any value it declines) go value by value through the
 * rf_get_* decoders, which report precise failures.
 */
#include "desc_internal.h"

#include <string.h>

/* One value of column `col`, row `row`, into the member at `dst`. */
rf_status rf_desc_decode_value(const rf_field_desc *f, const rf_result *r, int row, int col,
                              void *dst, rf_arena *arena)
{
    bool nullable = f->flags & RF_FIELD_NULLABLE;
    if (f->flags & RF_FIELD_LIST) {
        switch ((rf_value_kind)f->kind) {
        case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
            return rf_get_text_array(r, row, col, arena, dst);
        case RF_KIND_I32: return rf_get_i32_array(r, row, col, arena, dst);
        case RF_KIND_I64: return rf_get_i64_array(r, row, col, arena, dst);
        case RF_KIND_F64: return rf_get_f64_array(r, row, col, arena, dst);
        case RF_KIND_BOOL: return rf_get_bool_array(r, row, col, arena, dst);
        case RF_KIND_TIMESTAMP: return rf_get_timestamp_array(r, row, col, arena, dst);
        case RF_KIND_BYTES: return rf_get_bytes_array(r, row, col, arena, dst);
        case RF_KIND_ENUM: {
            /* Database positions to 1-based C constants, in place. */
            rf_enum_array *a = dst;
            rf_status st = rf_get_enum_array(r, row, col, arena, f->enum_table, a);
            for (size_t i = 0; i < a->count; i++)
                a->items[i] += 1;
            return st;
        }
        }
        return RF_INVALID_ARGUMENT;
    }
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
        return rf_get_text(r, row, col, arena, dst, NULL);
    case RF_KIND_BYTES: return rf_get_bytes(r, row, col, arena, dst);
    case RF_KIND_I32: return nullable ? rf_get_opt_i32(r, row, col, dst) : rf_get_i32(r, row, col, dst);
    case RF_KIND_I64: return nullable ? rf_get_opt_i64(r, row, col, dst) : rf_get_i64(r, row, col, dst);
    case RF_KIND_F64: return nullable ? rf_get_opt_f64(r, row, col, dst) : rf_get_f64(r, row, col, dst);
    case RF_KIND_BOOL:
        return nullable ? rf_get_opt_bool(r, row, col, dst) : rf_get_bool(r, row, col, dst);
    case RF_KIND_TIMESTAMP:
        return nullable ? rf_get_opt_timestamp(r, row, col, dst)
                        : rf_get_timestamp(r, row, col, dst);
    case RF_KIND_ENUM: {
        int v = 0;
        if (nullable) {
            rf_enum_opt *o = dst;
            bool has = false;
            rf_status st = rf_get_opt_enum(r, row, col, f->enum_table, &has, &v);
            o->has = has;
            o->value = has ? v + 1 : 0;
            return st;
        }
        rf_status st = rf_get_enum(r, row, col, f->enum_table, &v);
        *(int *)dst = v + 1;
        return st;
    }
    }
    return RF_INVALID_ARGUMENT;
}

/* The whole-column decoder for a field, or -1 when it has none. */
static int fast_kind(const rf_field_desc *f)
{
    if (f->flags & RF_FIELD_LIST)
        return -1;
    bool opt = f->flags & RF_FIELD_NULLABLE;
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_I32: return opt ? RF_QCOL_OPT_I32 : RF_QCOL_I32;
    case RF_KIND_I64: return opt ? RF_QCOL_OPT_I64 : RF_QCOL_I64;
    case RF_KIND_F64: return opt ? RF_QCOL_OPT_F64 : RF_QCOL_F64;
    case RF_KIND_BOOL: return opt ? RF_QCOL_OPT_BOOL : RF_QCOL_BOOL;
    case RF_KIND_TIMESTAMP: return opt ? RF_QCOL_OPT_TIMESTAMP : RF_QCOL_TIMESTAMP;
    case RF_KIND_TEXT: return RF_QCOL_TEXT;
    default: return -1;
    }
}

rf_status rf_desc_decode_rows(const rf_model_desc *m, rf_select select, const rf_result *r,
                              int col0, void *items, rf_arena *arena)
{
    size_t stride = m->row_size;
    memset(items, 0, (size_t)r->rows * stride);
    rf_status st = RF_OK;
    int col = col0;
    for (size_t i = 0; i < m->nfields && st == RF_OK; i++) {
        if (select && !select[i])
            continue;
        const rf_field_desc *f = &m->fields[i];
        int fast = fast_kind(f);
        if (fast < 0 || !rf_q_column(r, col, (rf_qcol)fast, items, stride, f->row)) {
            char *row = RF_AT_MUT(items, f->row);
            for (int k = 0; k < r->rows && st == RF_OK; k++, row += stride)
                st = rf_desc_decode_value(f, r, k, col, row, arena);
        }
        col++;
    }
    return st;
}

rf_status rf_desc_decode_one(const rf_model_desc *m, rf_select select, const rf_result *r,
                             int row, int col0, void *out, rf_arena *arena)
{
    memset(out, 0, m->row_size);
    rf_status st = RF_OK;
    int col = col0;
    for (size_t i = 0; i < m->nfields && st == RF_OK; i++) {
        if (select && !select[i])
            continue;
        st = rf_desc_decode_value(&m->fields[i], r, row, col++, RF_AT_MUT(out, m->fields[i].row), arena);
    }
    return st;
}

rf_status rf_desc_decode_row(const rf_model_desc *m, const rf_result *r, int row, void *out,
                             rf_arena *arena)
{
    if (!m || !r || !out)
        return RF_INVALID_ARGUMENT;
    if (row < 0 || row >= r->rows || r->cols < (int)m->nfields)
        return r->client ? rf_fail(r->client, RF_INVALID_ARGUMENT,
                                   "rf_desc_decode_row: no such row, or too few columns")
                         : RF_INVALID_ARGUMENT;
    return rf_desc_decode_one(m, NULL, r, row, 0, out, arena);
}
