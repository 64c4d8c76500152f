/*
 * typed_query.c — running a typed query (refract_typed.h): its parameters
 * bound from the caller's params struct at descriptor offsets, its rows
 * decoded by the same code as a model's rows (desc_decode.c).
 */
#include "desc_internal.h"
#include "refract_typed.h"

#include <string.h>

enum {
    COPY_ROWS = 1024,          /* rows encoded per chunk of COPY data */
    COPY_FLUSH = 256 * 1024    /* bytes handed to libpq at once */
};

/* Binds parameter f, read from the params struct: a nullable member that
 * holds nothing is SQL NULL, of the type the statement declares. */
static void bind_param(rf_query *q, const rf_field_desc *f, const void *params)
{
    const void *v = RF_AT(params, f->row);
    if (f->flags & RF_FIELD_LIST) {
        rf_desc_bind_list(q, f, v);
        return;
    }
    const void *value = v;
    if ((f->flags & RF_FIELD_NULLABLE) && !rf_desc_value_given(f, v, &value)) {
        rf_params_add_typed_null(&q->params, f->type);
        return;
    }
    if ((f->kind == RF_KIND_TEXT || f->kind == RF_KIND_DECIMAL || f->kind == RF_KIND_JSON) &&
        !*(const char *const *)value) {
        rf_query_fail(q, RF_INVALID_ARGUMENT); /* NULL for a parameter that is not nullable */
        rf_params_add_null(&q->params);
        return;
    }
    rf_desc_bind_plain(q, f, value);
}

/* The statement's parameters into q; RF_INVALID_ARGUMENT for a NULL params
 * struct or a NULL where a value is required. */
static rf_status bind_all(rf_client *c, const rf_typed_query *tq, const void *params, rf_query *q)
{
    rf_query_init(q);
    if (tq->nparams && !params)
        return rf_desc_misuse(c, "typed query: `params` is NULL");
    for (size_t i = 0; i < tq->nparams; i++)
        bind_param(q, &tq->params[i], params);
    rf_status st = rf_query_status(q);
    if (st == RF_OK && q->params.error != RF_OK)
        st = q->params.error;
    if (st != RF_OK)
        return rf_error_setf(&c->err, st,
                             "typed query %s: a parameter that is not nullable is NULL, "
                             "or an array is NULL with a count", tq->row.name);
    return RF_OK;
}

static rf_status run(rf_client *c, const rf_typed_query *tq, const void *params, rf_result *res)
{
    rf_query q;
    rf_status st = bind_all(c, tq, params, &q);
    if (st == RF_OK)
        st = rf_exec_params(c, &tq->stmt, &q.params, res);
    rf_query_free(&q);
    return st;
}

rf_status rf_typed_one(rf_client *c, const rf_typed_query *tq, const void *params, void *out,
                       rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!tq || !out || !arena)
        return rf_desc_misuse(c, "typed query: `out` or `arena` is NULL");
    rf_result res = RF_RESULT_INIT;
    rf_status st = run(c, tq, params, &res);
    if (st != RF_OK)
        return st;
    if (res.rows == 0) {
        rf_result_clear(&res);
        return rf_desc_not_found(c, &tq->row);
    }
    if ((st = rf_result_keep(&res, arena)) != RF_OK) {
        rf_result_clear(&res);
        return st;
    }
    return rf_desc_decode_one(&tq->row, NULL, &res, 0, 0, out, arena);
}

rf_status rf_typed_many(rf_client *c, const rf_typed_query *tq, const void *params, void *out,
                        rf_arena *arena)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!tq || !out || !arena)
        return rf_desc_misuse(c, "typed query: `out` or `arena` is NULL");
    rf_any_list *list = out;
    list->items = NULL;
    list->count = 0;
    rf_result res = RF_RESULT_INIT;
    rf_status st = run(c, tq, params, &res);
    if (st != RF_OK)
        return st;
    if (res.rows == 0) {
        rf_result_clear(&res);
        return RF_OK;
    }
    if ((st = rf_result_keep(&res, arena)) != RF_OK) {
        rf_result_clear(&res);
        return st;
    }
    void *items = rf_arena_alloc(arena, (size_t)res.rows * tq->row.row_size);
    if (!items)
        return rf_fail(c, RF_NO_MEMORY, "out of memory");
    st = rf_desc_decode_rows(&tq->row, NULL, &res, 0, items, arena);
    if (st == RF_OK) {
        list->items = items;
        list->count = (size_t)res.rows;
    }
    return st;
}

rf_status rf_typed_exec(rf_client *c, const rf_typed_query *tq, const void *params,
                        int64_t *affected)
{
    if (affected)
        *affected = 0;
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!tq)
        return rf_desc_misuse(c, "typed query: no query");
    rf_result res = RF_RESULT_INIT;
    rf_status st = run(c, tq, params, &res);
    if (st == RF_OK && affected)
        *affected = res.affected ? res.affected : res.rows;
    rf_result_clear(&res);
    return st;
}

rf_status rf_typed_stream_open(rf_client *c, const rf_typed_query *tq, const void *params,
                               const rf_stream_options *options, rf_model_stream *out)
{
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!out)
        return rf_desc_misuse(c, "typed query stream: no stream to open");
    *out = (rf_model_stream){0};
    if (!tq)
        return rf_desc_misuse(c, "typed query stream: no query");
    rf_query q;
    rf_stream *stream = NULL;
    rf_status st = bind_all(c, tq, params, &q);
    if (st == RF_OK)
        st = rf_stream_open(c, &tq->stmt, &q.params, options, &stream);
    rf_query_free(&q);
    if (st == RF_OK)
        *out = (rf_model_stream){stream, &tq->row, NULL};
    return st;
}

rf_status rf_typed_copy(rf_client *c, const rf_typed_query *tq, const void *rows, size_t stride,
                        size_t n, int64_t *count)
{
    if (count)
        *count = 0;
    if (!c)
        return RF_INVALID_ARGUMENT;
    if (!tq || !tq->copy || (n && !rows))
        return rf_desc_misuse(c, "typed query copy: `rows` is NULL");
    if (!n)
        return RF_OK;
    rf_status st = rf_desc_copy_begin(c, tq->copy);
    if (st != RF_OK)
        return st;
    rf_buf buf = {0};
    const char *why = NULL;
    rf_status why_st = RF_OK;
    for (size_t r0 = 0; r0 < n && !why; r0 += COPY_ROWS) {
        size_t r1 = n - r0 < COPY_ROWS ? n : r0 + COPY_ROWS;
        rf_query q;
        rf_query_init(&q);
        for (size_t r = r0; r < r1; r++)
            for (size_t i = 0; i < tq->nparams; i++)
                bind_param(&q, &tq->params[i], (const char *)rows + r * stride);
        if ((why_st = rf_q_check(c, &q)) != RF_OK) {
            why = "refract: a row could not be encoded";
        } else {
            int k = 0;
            for (size_t r = r0; r < r1; r++)
                for (size_t j = 0; j < tq->nparams; j++, k++) {
                    rf_copy_put_param(&buf, &q.params, k);
                    rf_buf_put(&buf, j + 1 < tq->nparams ? "\t" : "\n", 1);
                }
        }
        rf_query_free(&q);
        if (!why && buf.failed) {
            why = "refract: out of memory";
            why_st = rf_fail(c, RF_NO_MEMORY, "out of memory (or a value COPY cannot carry)");
        }
        if (!why && (buf.len >= COPY_FLUSH || r1 == n)) {
            if (buf.len && PQputCopyData(c->conn, buf.data, (int)buf.len) != 1) {
                why_st = rf_client_fail_result(c, NULL);
                why = "refract: sending failed";
            }
            buf.len = 0;
        }
    }
    rf_buf_free(&buf);
    int64_t copied = 0;
    st = rf_desc_copy_finish(c, why, why_st, &copied);
    if (st == RF_OK && count)
        *count = copied;
    return st;
}
