/*
 * desc_relfilter.c — relation filters of a `<model>_where`: to-many
 * some / every / none, to-one is / is_not and null checks, each compiled to
 * an EXISTS subquery correlated by the relation's link (never a join, which
 * would repeat parent rows). The related model's own where goes inside the
 * subquery, so filters nest to any depth; each level reads its rows through
 * its own alias ("t1", "t2", ...; the outer rows are "t"), and a
 * many-to-many level goes through its join table ("j1", ...).
 */
#include "desc_internal.h"

#include <stdio.h>
#include <string.h>

void rf_desc_put_related(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s, size_t ri,
                         int depth, const char *head, const void *where, bool not_matching)
{
    const rf_relation_desc *r = &m->relations[ri];
    const rf_model_desc *t = r->target;
    const rf_desc_sql *ts = rf_desc_sql_get(t);
    if (!ts || s->target_link[ri] < 0) {
        rf_query_fail(q, RF_NO_MEMORY);
        return;
    }
    int inner = depth + 1;
    char alias[24], jname[24];
    snprintf(alias, sizeof alias, " AS t%d", inner);
    snprintf(jname, sizeof jname, "j%d", inner);
    const char *parent = rf_desc_column_at(q, s, (size_t)r->link, depth);
    const char *target = rf_desc_column_at(q, ts, (size_t)s->target_link[ri], inner);

    rf_q_sub_begin(q, head);
    if (r->kind == RF_REL_MANY_TO_MANY) {
        /* join AS jN JOIN target AS tN ON tN.key = jN.other WHERE jN.self = parent */
        rf_desc_put_table(q, r->join_schema, r->join_table);
        rf_q_sql(q, " AS ");
        rf_q_sql(q, jname);
        rf_q_sql(q, " JOIN ");
        rf_q_sql(q, ts->table);
        rf_q_sql(q, alias);
        rf_q_sql(q, " ON ");
        rf_q_sql(q, target);
        rf_q_sql(q, " = ");
        rf_q_sql(q, jname);
        rf_q_sql(q, ".");
        rf_desc_put_ident(q, r->other);
        rf_q_sql(q, " WHERE ");
        rf_q_sub_where(q);
        rf_q_cond(q, "@.", jname);
        rf_desc_put_ident(q, r->self);
    } else {
        /* target AS tN WHERE tN.link = parent */
        rf_q_sql(q, ts->table);
        rf_q_sql(q, alias);
        rf_q_sql(q, " WHERE ");
        rf_q_sub_where(q);
        rf_q_cond(q, "@", target);
    }
    rf_q_sql(q, " = ");
    rf_q_sql(q, parent);
    if (where) {
        if (not_matching)
            rf_q_group_begin(q, "NOT");
        else
            rf_q_group_begin(q, "AND");
        rf_desc_put_where_at(q, t, ts, where, inner);
        rf_q_group_end(q);
    }
    rf_q_sub_end(q);
}

/* One EXISTS (or NOT EXISTS) over the related rows; `where` negated for
 * `every`. */
static void put_exists(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s, size_t ri,
                       int depth, bool negate, const void *where, bool not_matching)
{
    rf_desc_put_related(q, m, s, ri, depth,
                        negate ? "NOT EXISTS (SELECT 1 FROM " : "EXISTS (SELECT 1 FROM ", where,
                        not_matching);
}

void rf_desc_put_relation_filters(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                  const void *where, int depth)
{
    for (size_t i = 0; i < m->nrelations && !q->failed; i++) {
        const rf_relation_desc *r = &m->relations[i];
        const void *member = RF_AT(where, r->where);
        if (r->kind == RF_REL_ONE) {
            rf_to_one_filter f;
            memcpy(&f, member, sizeof f);
            if (f.ops & RF_OP_IS_NULL)
                put_exists(q, m, s, i, depth, true, NULL, false);
            if (f.ops & RF_OP_IS_NOT_NULL)
                put_exists(q, m, s, i, depth, false, NULL, false);
            if (f.is)
                put_exists(q, m, s, i, depth, false, f.is, false);
            if (f.is_not)
                put_exists(q, m, s, i, depth, true, f.is_not, false);
        } else {
            rf_to_many_filter f;
            memcpy(&f, member, sizeof f);
            if (f.some)
                put_exists(q, m, s, i, depth, false, f.some, false);
            if (f.every)
                put_exists(q, m, s, i, depth, true, f.every, true);
            if (f.none)
                put_exists(q, m, s, i, depth, true, f.none, false);
        }
    }
}
