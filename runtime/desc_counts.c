/*
 * desc_counts.c — relation counts (Prisma's `_count`): which to-many
 * relations a read counts, the correlated COUNT subqueries that go after
 * the columns of its statement, and decoding them into each row's `_count`.
 *
 * A read asks through its query's `count` (find_many, find_first, and the
 * arguments of an include) or its include's `_count` (also find_unique,
 * whose only argument is an include); a relation asked for by either is
 * counted once, with the query's filter when both give one.
 */
#include "desc_internal.h"

const rf_count_select *rf_desc_counted(const rf_relation_desc *r, const void *query,
                                       const void *include)
{
    if (query && r->count_select != RF_NO_MEMBER) {
        const rf_count_select *cs = (const rf_count_select *)RF_AT(query, r->count_select);
        if (cs->on)
            return cs;
    }
    if (include && r->include_count != RF_NO_MEMBER) {
        const rf_count_select *cs = (const rf_count_select *)RF_AT(include, r->include_count);
        if (cs->on)
            return cs;
    }
    return NULL;
}

bool rf_desc_any_counted(const rf_model_desc *m, const void *query, const void *include)
{
    for (size_t i = 0; i < m->nrelations; i++)
        if (rf_desc_counted(&m->relations[i], query, include))
            return true;
    return false;
}

void rf_desc_put_counts(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        const void *query, const void *include)
{
    for (size_t i = 0; i < m->nrelations; i++) {
        const rf_count_select *cs = rf_desc_counted(&m->relations[i], query, include);
        if (!cs)
            continue;
        rf_q_sql(q, ", ");
        rf_desc_put_related(q, m, s, i, 0, "(SELECT COUNT(*) FROM ", cs->where, false);
    }
}

rf_status rf_desc_decode_counts(const rf_model_desc *m, const void *query, const void *include,
                                const rf_result *r, int col, void *items)
{
    rf_status st = RF_OK;
    for (size_t i = 0; i < m->nrelations && st == RF_OK; i++) {
        if (!rf_desc_counted(&m->relations[i], query, include))
            continue;
        /* The whole column at once (binary int8, the usual case); value by
         * value, with precise errors, otherwise. */
        bool done = rf_q_column(r, col, RF_QCOL_I64, items, m->row_size, m->relations[i].count);
        for (int k = 0; k < r->rows && st == RF_OK && !done; k++)
            st = rf_get_i64(r, k, col,
                            (int64_t *)RF_AT_MUT(items, (size_t)k * m->row_size +
                                                            m->relations[i].count));
        col++;
    }
    return st;
}

int rf_desc_selected_columns(const rf_model_desc *m, rf_select select)
{
    int n = 0;
    for (size_t i = 0; i < m->nfields; i++)
        n += !select || select[i];
    return n;
}
