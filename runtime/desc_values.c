/*
 * desc_values.c — values read from the caller's structs at descriptor
 * offsets: key values, create inputs (INSERT columns and values) and update
 * inputs (SET items). The member types follow from a field's kind and flags
 * (refract_desc.h).
 */
#include "desc_internal.h"

#include <string.h>

void rf_desc_bind_plain(rf_query *q, const rf_field_desc *f, const void *v)
{
    rf_params *p = &q->params;
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
        rf_params_add_text(p, *(const char *const *)v);
        break;
    case RF_KIND_I32: rf_params_add_i32(p, *(const int32_t *)v); break;
    case RF_KIND_I64: rf_params_add_i64(p, *(const int64_t *)v); break;
    case RF_KIND_F64: rf_params_add_f64(p, *(const double *)v); break;
    case RF_KIND_BOOL: rf_params_add_bool(p, *(const bool *)v); break;
    case RF_KIND_TIMESTAMP: rf_q_add_timestamp(q, f->type, *(const rf_timestamp *)v); break;
    case RF_KIND_BYTES: rf_q_add_bytes(q, *(const rf_bytes *)v); break;
    case RF_KIND_ENUM: rf_params_add_enum(p, f->enum_table, *(const int *)v - 1); break;
    }
}

void rf_desc_bind_list(rf_query *q, const rf_field_desc *f, const void *v)
{
    rf_any_list a;
    memcpy(&a, v, sizeof a);
    if (!a.items && a.count) {
        rf_query_fail(q, RF_INVALID_ARGUMENT); /* a NULL array with a count */
        rf_params_add_null(&q->params);
        return;
    }
    rf_params *p = &q->params;
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
        rf_params_add_text_array(p, (const char *const *)a.items, a.count);
        break;
    case RF_KIND_I32: rf_params_add_i32_array(p, a.items, a.count); break;
    case RF_KIND_I64: rf_params_add_i64_array(p, a.items, a.count); break;
    case RF_KIND_F64: rf_params_add_f64_array(p, a.items, a.count); break;
    case RF_KIND_BOOL: rf_params_add_bool_array(p, a.items, a.count); break;
    case RF_KIND_TIMESTAMP: rf_q_add_timestamp_array(q, f->type, a.items, a.count); break;
    case RF_KIND_BYTES: rf_q_add_bytes_array(q, a.items, a.count); break;
    case RF_KIND_ENUM: rf_q_add_enum_array(q, f->enum_table, a.items, a.count, 1); break;
    }
}

/* Whether an omittable create member was given, and where its value is. */
bool rf_desc_value_given(const rf_field_desc *f, const void *v, const void **value)
{
    *value = v;
    if (f->flags & RF_FIELD_LIST) {
        rf_any_list a;
        memcpy(&a, v, sizeof a);
        return a.items != NULL || a.count > 0;
    }
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
        return *(const char *const *)v != NULL;
    case RF_KIND_BYTES: return ((const rf_bytes *)v)->data != NULL;
    case RF_KIND_ENUM:
        if (!(f->flags & RF_FIELD_NULLABLE))
            return *(const int *)v != 0;
        *value = &((const rf_enum_opt *)v)->value;
        return ((const rf_enum_opt *)v)->has;
    case RF_KIND_I32: *value = &((const rf_opt_i32 *)v)->value; return ((const rf_opt_i32 *)v)->has;
    case RF_KIND_I64: *value = &((const rf_opt_i64 *)v)->value; return ((const rf_opt_i64 *)v)->has;
    case RF_KIND_F64: *value = &((const rf_opt_f64 *)v)->value; return ((const rf_opt_f64 *)v)->has;
    case RF_KIND_BOOL: *value = &((const rf_opt_bool *)v)->value; return ((const rf_opt_bool *)v)->has;
    case RF_KIND_TIMESTAMP:
        *value = &((const rf_opt_timestamp *)v)->value;
        return ((const rf_opt_timestamp *)v)->has;
    }
    return false;
}

/* A client-side id for f, in the query's scratch memory ("" on failure). */
static const char *make_id(rf_query *q, const rf_field_desc *f)
{
    size_t len = f->client_default == RF_DEFAULT_NANOID ? (f->default_len ? f->default_len : 21u)
                                                       : 0;
    char *buf = rf_q_alloc(q, len > RF_UUID_SIZE ? len + 1 : RF_UUID_SIZE);
    if (!buf)
        return "";
    rf_status st = RF_ERROR;
    switch ((rf_client_default)f->client_default) {
    case RF_DEFAULT_UUID4: st = rf_uuid_v4(buf); break;
    case RF_DEFAULT_UUID7: st = rf_uuid_v7(buf); break;
    case RF_DEFAULT_CUID: st = rf_cuid(buf); break;
    case RF_DEFAULT_CUID2: st = rf_cuid2(buf); break;
    case RF_DEFAULT_NANOID: st = rf_nanoid(buf, len); break;
    case RF_DEFAULT_ULID: st = rf_ulid(buf); break;
    case RF_DEFAULT_DATABASE: break;
    }
    if (st != RF_OK) {
        rf_query_fail(q, RF_ERROR);
        return "";
    }
    return buf;
}

bool rf_desc_create_given(const rf_field_desc *f, const void *data)
{
    if (f->create == RF_NO_MEMBER)
        return false;
    bool list = f->flags & RF_FIELD_LIST;
    if ((f->flags & RF_FIELD_UPDATED_AT) && f->kind == RF_KIND_TIMESTAMP && !list)
        return true;
    if (f->client_default && f->kind == RF_KIND_TEXT && !list)
        return true;
    const void *value;
    return !(f->flags & RF_FIELD_OMITTABLE) ||
           rf_desc_value_given(f, RF_AT(data, f->create), &value);
}

bool rf_desc_bind_create(rf_query *q, const rf_field_desc *f, const void *data)
{
    if (f->create == RF_NO_MEMBER)
        return false;
    const void *v = RF_AT(data, f->create);
    bool list = f->flags & RF_FIELD_LIST;
    if ((f->flags & RF_FIELD_UPDATED_AT) && f->kind == RF_KIND_TIMESTAMP && !list) {
        /* @updatedAt: the given time, else now. */
        const rf_opt_timestamp *t = v;
        rf_q_add_timestamp(q, f->type, t->has ? t->value : rf_timestamp_now());
        return true;
    }
    if (f->client_default && f->kind == RF_KIND_TEXT && !list) {
        const char *given_id = *(const char *const *)v;
        rf_params_add_text(&q->params, given_id ? given_id : make_id(q, f));
        return true;
    }
    const void *value = v;
    if ((f->flags & RF_FIELD_OMITTABLE) && !rf_desc_value_given(f, v, &value))
        return false;
    if (list)
        rf_desc_bind_list(q, f, value);
    else
        rf_desc_bind_plain(q, f, value);
    return true;
}

void rf_desc_put_insert(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        const void *data)
{
    rf_q_insert_begin(q, s->table);
    for (size_t i = 0; i < m->nfields; i++)
        if (rf_desc_bind_create(q, &m->fields[i], data))
            rf_q_insert_col(q, s->column[i]);
    rf_q_insert_end(q);
}

/* An enum update ({op, value}): set, set null; arithmetic is a misuse. */
static void set_enum(rf_query *q, const rf_field_desc *f, const char *col, const void *v)
{
    rf_update_op op;
    memcpy(&op, v, sizeof op);
    if (f->flags & RF_FIELD_LIST) {
        const struct { rf_update_op op; rf_any_list value; } *u = v;
        if (op == RF_UPDATE_SET) {
            rf_q_set_param(q, col);
            rf_desc_bind_list(q, f, &u->value);
        } else if (op != RF_UPDATE_KEEP) {
            rf_query_fail(q, RF_INVALID_ARGUMENT);
        }
        return;
    }
    const struct { rf_update_op op; int value; } *u = v;
    if (op == RF_UPDATE_SET) {
        rf_q_set_param(q, col);
        rf_params_add_enum(&q->params, f->enum_table, u->value - 1);
    } else if (op == RF_UPDATE_SET_NULL) {
        rf_q_set_null(q, col);
    } else if (op != RF_UPDATE_KEEP) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
    }
}

/* A list update ({op, array}): only SET changes anything. */
static void set_list(rf_query *q, const rf_field_desc *f, const char *col, const void *v)
{
    const struct { rf_update_op op; rf_any_list value; } *u = v;
    if (f->kind == RF_KIND_BYTES) {
        if (u->op == RF_UPDATE_SET) {
            rf_q_set_param(q, col);
            rf_desc_bind_list(q, f, &u->value);
        }
        return;
    }
    if (u->op == RF_UPDATE_SET && !u->value.items && u->value.count) {
        rf_query_fail(q, RF_INVALID_ARGUMENT);
        return;
    }
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_TEXT: case RF_KIND_DECIMAL: case RF_KIND_JSON:
        rf_q_set_text_array(q, col, v);
        break;
    case RF_KIND_I32: rf_q_set_i32_array(q, col, v); break;
    case RF_KIND_I64: rf_q_set_i64_array(q, col, v); break;
    case RF_KIND_F64: rf_q_set_f64_array(q, col, v); break;
    case RF_KIND_BOOL: rf_q_set_bool_array(q, col, v); break;
    case RF_KIND_TIMESTAMP: rf_q_set_timestamp_array(q, col, v); break;
    default: break;
    }
}

void rf_desc_put_set(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                     const void *data, const char *noop)
{
    rf_q_set_begin(q);
    for (size_t i = 0; i < m->nfields; i++) {
        const rf_field_desc *f = &m->fields[i];
        if (f->update == RF_NO_MEMBER)
            continue;
        if (!data) {
            /* No update input: every member KEEP, so only @updatedAt moves. */
            if ((f->flags & RF_FIELD_UPDATED_AT) && f->kind == RF_KIND_TIMESTAMP &&
                !(f->flags & RF_FIELD_LIST)) {
                rf_q_set_param(q, s->column[i]);
                rf_q_add_timestamp(q, f->type, rf_timestamp_now());
            }
            continue;
        }
        const void *v = RF_AT(data, f->update);
        const char *col = s->column[i];
        if (f->kind == RF_KIND_ENUM) {
            set_enum(q, f, col, v);
            continue;
        }
        if (f->flags & RF_FIELD_LIST) {
            set_list(q, f, col, v);
            continue;
        }
        switch ((rf_value_kind)f->kind) {
        case RF_KIND_TEXT: case RF_KIND_JSON: rf_q_set_text(q, col, v); break;
        case RF_KIND_DECIMAL: rf_q_set_decimal(q, col, v); break;
        case RF_KIND_I32: rf_q_set_i32(q, col, v); break;
        case RF_KIND_I64: rf_q_set_i64(q, col, v); break;
        case RF_KIND_F64: rf_q_set_f64(q, col, v); break;
        case RF_KIND_BOOL: rf_q_set_bool(q, col, v); break;
        case RF_KIND_BYTES: rf_q_set_bytes(q, col, v); break;
        case RF_KIND_TIMESTAMP: {
            const rf_timestamp_update *u = v;
            if ((f->flags & RF_FIELD_UPDATED_AT) && u->op == RF_UPDATE_KEEP) {
                /* @updatedAt: now, unless the caller sets it. */
                rf_q_set_param(q, col);
                rf_q_add_timestamp(q, f->type, rf_timestamp_now());
            } else {
                rf_q_set_timestamp(q, col, f->type, u);
            }
            break;
        }
        case RF_KIND_ENUM: break;
        }
    }
    if (rf_q_set_count(q) == 0)
        rf_q_sql(q, noop);
}
