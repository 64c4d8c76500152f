/*
 * desc_where_list.c — the filter of a scalar-list field (String[], Int[],
 * enum lists...), as Prisma writes it on PostgreSQL: has (@> ARRAY[v]),
 * has_some (&&), has_every (@>), is_empty (cardinality), equals (=). Every
 * array is one parameter, bound as the field's own list values are.
 */
#include "desc_internal.h"

#include <stddef.h>
#include <string.h>

/* The part of every RF_DEFINE_LIST_FILTER struct before `has`, whatever
 * the element type; `has` follows it. */
typedef struct list_filter_head {
    unsigned ops;
    bool is_empty;
    rf_any_list equals, has_some, has_every;
} list_filter_head;

/* `has` sits right after the head for every element type the runtime
 * knows (the head's alignment is at least theirs). */
_Static_assert(offsetof(rf_i64_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_i32_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_f64_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_bool_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_text_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_bytes_list_filter, has) == sizeof(list_filter_head), "list filter");
_Static_assert(offsetof(rf_timestamp_list_filter, has) == sizeof(list_filter_head),
               "list filter");
_Static_assert(offsetof(rf_text_list_filter, has_some) ==
                   offsetof(list_filter_head, has_some), "list filter");

/* "col <op> $n" with the array as $n. Written in pieces because rf_q_cond
 * reads every '@' as the column, and @> is an operator here. */
static void list_cond(rf_query *q, const rf_field_desc *f, const char *col, const char *op,
                      rf_any_list values)
{
    rf_q_cond(q, "@", col);
    rf_q_sql(q, op);
    rf_q_param(q);
    rf_desc_bind_list(q, f, &values);
}

void rf_desc_where_list(rf_query *q, const rf_field_desc *f, const char *col, const void *filter)
{
    list_filter_head h;
    memcpy(&h, filter, sizeof h);
    if (!h.ops)
        return;
    if (h.ops & RF_OP_EQUALS)
        list_cond(q, f, col, " = ", h.equals);
    if (h.ops & RF_OP_HAS) {
        /* A list of one element that is the `has` member itself. */
        rf_any_list one = {(void *)RF_AT(filter, sizeof h), 1};
        list_cond(q, f, col, " @> ", one);
    }
    if (h.ops & RF_OP_HAS_SOME)
        list_cond(q, f, col, " && ", h.has_some);
    if (h.ops & RF_OP_HAS_EVERY)
        list_cond(q, f, col, " @> ", h.has_every);
    if (h.ops & RF_OP_IS_EMPTY)
        rf_q_cond(q, h.is_empty ? "cardinality(@) = 0" : "cardinality(@) > 0", col);
    if (h.ops & RF_OP_IS_NULL)
        rf_q_cond(q, "@ IS NULL", col);
    if (h.ops & RF_OP_IS_NOT_NULL)
        rf_q_cond(q, "@ IS NOT NULL", col);
}
