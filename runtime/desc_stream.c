/*
 * desc_stream.c — find_many as a stream, for every model: the statement
 * find_many would run (rf_desc_find_many_sql), read through rf_stream, each
 * row decoded into the caller's struct by the model's descriptor.
 */
#include <stdlib.h>
#include <string.h>

#include "desc_internal.h"
#include "internal.h"

/* The query's `select` pointer, if the query has one. */
static rf_select query_select(const rf_model_desc *m, const void *query)
{
    const bool *p = NULL;
    if (query && m->query_select != RF_NO_MEMBER)
        memcpy(&p, RF_AT(query, m->query_select), sizeof p);
    return p;
}

/* The query's include (NULL: none). */
static const void *include_of(const rf_model_desc *m, const void *query)
{
    return query && m->query_include != RF_NO_MEMBER ? RF_AT(query, m->query_include) : NULL;
}

/* Whether the query asks for any relation (by its bool or its arguments):
 * a stream does not load them. */
static bool includes_any(const rf_model_desc *m, const void *query)
{
    const void *inc = include_of(m, query);
    for (size_t i = 0; inc && i < m->nrelations; i++)
        if (rf_desc_included(&m->relations[i], inc))
            return true;
    return false;
}

static rf_status decode(const rf_result *r, int row, void *out, rf_arena *arena, const void *ctx)
{
    const rf_model_stream *s = ctx;
    return rf_desc_decode_one(s->model, s->select, r, row, 0, out, arena);
}

rf_status rf_desc_stream_open(rf_client *c, const rf_model_desc *m, const void *query,
                              const rf_stream_options *opts, rf_model_stream *out)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!out)
        return rf_desc_misuse(c, "find_many_stream: no stream to open");
    *out = (rf_model_stream){0};
    if (!m)
        return rf_desc_misuse(c, "find_many_stream: no model");
    rf_query_head h = {0};
    if (query)
        memcpy(&h, query, sizeof h);
    if (h.lock.mode != RF_LOCK_NONE || h.lock.skip_locked || h.lock.nowait)
        return rf_desc_misuse(c, "find_many_stream does not lock rows: use find_many");
    if (h.take < 0)
        return rf_desc_misuse(c, "find_many_stream reads forwards: take must not be negative");
    if (includes_any(m, query))
        return rf_desc_misuse(c, "find_many_stream does not load relations (include): "
                                 "use find_many, or load them per row");
    if (query && rf_desc_any_counted(m, query, include_of(m, query)))
        return rf_desc_misuse(c, "find_many_stream does not count relations (count, _count): "
                                 "use find_many");
    rf_select sel = query_select(m, query);
    bool *copy = NULL;
    if (sel) {
        copy = malloc(m->nfields ? m->nfields : 1);
        if (!copy)
            return rf_fail(c, RF_NO_MEMORY, "out of memory");
        memcpy(copy, sel, m->nfields);
    }
    rf_query q;
    rf_query_init(&q);
    rf_status st = rf_desc_find_many_sql(c, m, query, &q);
    rf_stmt stmt;
    if (st == RF_OK)
        st = rf_q_stmt(c, &q, &stmt);
    rf_stream *stream = NULL;
    if (st == RF_OK)
        st = rf_stream_open(c, &stmt, &q.params, opts, &stream);
    rf_query_free(&q);
    if (st != RF_OK) {
        free(copy);
        return st;
    }
    *out = (rf_model_stream){stream, m, copy};
    return RF_OK;
}

rf_status rf_desc_stream_next(rf_model_stream *s, void *out, rf_arena *arena, bool *got)
{
    if (got)
        *got = false;
    if (!s || !s->stream || !out || !arena || !got)
        return RF_INVALID_ARGUMENT;
    return rf_stream_next_into(s->stream, decode, s, out, arena, got);
}

rf_status rf_desc_stream_close(rf_model_stream *s)
{
    if (!s)
        return RF_OK;
    rf_status st = rf_stream_close(s->stream);
    free(s->select);
    *s = (rf_model_stream){0};
    return st;
}
