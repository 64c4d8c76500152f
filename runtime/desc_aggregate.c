/*
 * desc_aggregate.c — Prisma's aggregate: _count (all rows, and non-NULL
 * values per field), _sum, _avg, _min and _max over the rows of a where,
 * in one statement, with Prisma's result types.
 *
 * The caller says which fields to aggregate with one `<model>_select` per
 * operation; the result struct has, per operation, an anonymous struct with
 * one member per field the operation applies to, in field order:
 *
 *   count     int64_t                      every field
 *   sum       rf_opt_i64 (Int, BigInt), rf_opt_f64 (Float),
 *             const char * (Decimal, exact text)
 *   avg       rf_opt_f64 (Int, BigInt, Float), const char * (Decimal)
 *   min, max  the nullable form of the field's type (rf_opt_i32, const
 *             char *, rf_opt_timestamp, <enum>_opt...); not for lists,
 *             Json, Bytes or Boolean (PostgreSQL has no MIN(boolean))
 *
 * The generator writes those structs; the runtime lays the same members out
 * again here (each at the next offset aligned for its type, as the compiler
 * does), so the descriptor needs only where each struct starts.
 */
#include "desc_internal.h"

#include <stdalign.h>
#include <string.h>

/* The member of field f in op's struct: how it decodes (a field desc of
 * the member's kind and nullability), its size and alignment; false when
 * op does not apply to f. */
static bool member_of(const rf_field_desc *f, rf_agg_op op, rf_field_desc *as, size_t *size,
                      size_t *align)
{
    bool list = f->flags & RF_FIELD_LIST;
    *as = *f;
    as->flags = RF_FIELD_NULLABLE;
    rf_value_kind k = (rf_value_kind)f->kind;
#define AS(kind_, T) (as->kind = (kind_), *size = sizeof(T), *align = alignof(T), true)
    switch (op) {
    case RF_AGG_COUNT:
        as->flags = 0;
        return AS(RF_KIND_I64, int64_t);
    case RF_AGG_SUM:
        if (list)
            return false;
        if (k == RF_KIND_I32 || k == RF_KIND_I64)
            return AS(RF_KIND_I64, rf_opt_i64);
        if (k == RF_KIND_F64)
            return AS(RF_KIND_F64, rf_opt_f64);
        if (k == RF_KIND_DECIMAL)
            return AS(RF_KIND_DECIMAL, const char *);
        return false;
    case RF_AGG_AVG:
        if (list)
            return false;
        if (k == RF_KIND_I32 || k == RF_KIND_I64 || k == RF_KIND_F64)
            return AS(RF_KIND_F64, rf_opt_f64);
        if (k == RF_KIND_DECIMAL)
            return AS(RF_KIND_DECIMAL, const char *);
        return false;
    case RF_AGG_MIN:
    case RF_AGG_MAX:
        if (list)
            return false;
        switch (k) {
        case RF_KIND_TEXT: case RF_KIND_DECIMAL: return AS(k, const char *);
        case RF_KIND_I32: return AS(k, rf_opt_i32);
        case RF_KIND_I64: return AS(k, rf_opt_i64);
        case RF_KIND_F64: return AS(k, rf_opt_f64);
        case RF_KIND_TIMESTAMP: return AS(k, rf_opt_timestamp);
        case RF_KIND_ENUM: return AS(k, rf_enum_opt);
        default: return false;
        }
    case RF_AGG_NOPS: break;
    }
#undef AS
    return false;
}

bool rf_desc_agg_applies(const rf_field_desc *f, rf_agg_op op)
{
    rf_field_desc as;
    size_t size, align;
    return member_of(f, op, &as, &size, &align);
}

/* The SQL of op over field f's column. */
void rf_desc_put_agg(rf_query *q, const rf_field_desc *f, rf_agg_op op, const char *col)
{
    rf_value_kind k = (rf_value_kind)f->kind;
    static const char *const fn[] = {"COUNT(", "SUM(", "AVG(", "MIN(", "MAX("};
    rf_q_sql(q, fn[op]);
    rf_q_sql(q, col);
    rf_q_sql(q, ")");
    /* PostgreSQL's SUM of bigint and AVG of integers are numeric: Prisma
     * gives BigInt and Float. SUM of real stays real: make it double. */
    if (op == RF_AGG_SUM && (k == RF_KIND_I32 || k == RF_KIND_I64))
        rf_q_sql(q, "::int8");
    else if ((op == RF_AGG_SUM || op == RF_AGG_AVG) && k != RF_KIND_DECIMAL)
        rf_q_sql(q, "::float8");
}

bool rf_desc_put_aggregates(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                            const rf_select *chosen, bool comma)
{
    for (int op = 0; op < RF_AGG_NOPS; op++) {
        if (!chosen[op])
            continue;
        for (size_t i = 0; i < m->nfields; i++) {
            if (!chosen[op][i])
                continue;
            if (!rf_desc_agg_applies(&m->fields[i], (rf_agg_op)op)) {
                rf_query_fail(q, RF_INVALID_ARGUMENT);
                return false;
            }
            rf_q_sql(q, comma ? ", " : "");
            comma = true;
            rf_desc_put_agg(q, &m->fields[i], (rf_agg_op)op, s->qualified[i]);
        }
    }
    return comma;
}

rf_status rf_desc_decode_aggregates(const rf_model_desc *m, const rf_select *chosen,
                                    const size_t *starts, const rf_result *r, int row, int *col,
                                    void *out, rf_arena *arena)
{
    rf_status st = RF_OK;
    for (int op = 0; op < RF_AGG_NOPS && st == RF_OK; op++) {
        size_t offset = starts[op];
        for (size_t i = 0; i < m->nfields && st == RF_OK; i++) {
            rf_field_desc as;
            size_t size, align;
            if (!member_of(&m->fields[i], (rf_agg_op)op, &as, &size, &align))
                continue;
            offset = (offset + align - 1) / align * align;
            if (chosen[op] && chosen[op][i])
                st = rf_desc_decode_value(&as, r, row, (*col)++, RF_AT_MUT(out, offset), arena);
            offset += size;
        }
    }
    return st;
}

const void *rf_desc_aggregate_choices(const rf_model_desc *m, const void *query,
                                      rf_select chosen[RF_AGG_NOPS])
{
    const void *where = NULL;
    for (int op = 0; op < RF_AGG_NOPS; op++)
        chosen[op] = query ? (rf_select)RF_AT(query, m->aggregate[RF_AGGREGATE_QUERY + op]) : NULL;
    if (query)
        memcpy(&where, query, sizeof where);
    return where;
}

void rf_desc_put_aggregate(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                           const void *where, const rf_select *chosen)
{
    rf_q_sql(q, "SELECT COUNT(*)");
    rf_desc_put_aggregates(q, m, s, chosen, true);
    rf_q_sql(q, " FROM ");
    rf_q_sql(q, s->table);
    rf_q_sql(q, " AS t WHERE ");
    rf_desc_put_where_group(q, m, s, where);
}

rf_status rf_desc_decode_aggregate(const rf_model_desc *m, const rf_select *chosen,
                                   const rf_result *res, void *out, rf_arena *arena)
{
    int col = 1;
    rf_status st = rf_get_i64(res, 0, 0, (int64_t *)out);
    if (st == RF_OK)
        st = rf_desc_decode_aggregates(m, chosen, m->aggregate + RF_AGGREGATE_RESULT, res, 0,
                                       &col, out, arena);
    return st;
}

rf_status rf_desc_aggregate(rf_client *c, const rf_model_desc *m, const void *query, void *out,
                            rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!m || !m->aggregate || !out)
        return rf_desc_misuse(c, "aggregate: `out` is NULL");
    memset(out, 0, m->aggregate[RF_AGGREGATE_SIZE]);
    if (!arena)
        return rf_desc_misuse(c, "an arena is needed for the results");
    const rf_desc_sql *s = rf_desc_sql_get(m);
    if (!s)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    rf_select chosen[RF_AGG_NOPS];
    const void *where = rf_desc_aggregate_choices(m, query, chosen);
    rf_query q;
    rf_query_init(&q);
    rf_desc_put_aggregate(&q, m, s, where, chosen);
    rf_stmt stmt;
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_q_stmt(c, &q, &stmt);
    if (st == RF_OK)
        st = rf_exec_params(c, &stmt, &q.params, &res);
    rf_query_free(&q);
    if (st == RF_OK && (st = rf_result_keep(&res, arena)) != RF_OK)
        rf_result_clear(&res);
    if (st != RF_OK)
        return st;
    return rf_desc_decode_aggregate(m, chosen, &res, out, arena);
}
