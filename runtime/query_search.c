/*
 * query_search.c — Prisma's full-text `search` on a String column (see
 * rf_search_filter): the SQL Prisma writes for PostgreSQL, so results and
 * any expression index made for Prisma's queries carry over.
 */
#include "refract_query.h"

void rf_q_where_search(rf_query *q, const char *column, const char *query)
{
    if (!query)
        return;
    /* Written piece by piece: "@@" would be two columns in an rf_q_cond template. */
    rf_q_cond_begin(q);
    rf_q_sql(q, "to_tsvector(concat_ws(' ', ");
    rf_q_sql(q, column);
    rf_q_sql(q, ")) @@ to_tsquery(");
    rf_q_param(q);
    rf_q_sql(q, ")");
    rf_params_add_text(&q->params, query);
}
