/*
 * refract_query.h — the generic half of every generated client: filter,
 * update and ordering types that generated structs are made of, and the
 * small SQL builder generated functions use for dynamic shapes (where
 * clauses, partial inserts, updates, ordering, paging).
 *
 * Programs meet this header through their generated <prefix>.h: they write
 * filters and updates with designated initializers and the macros below,
 *
 *     db_user_where w = {
 *         .email = RF_ENDS_WITH("@example.com"),
 *         .age   = { .ops = RF_OP_GTE | RF_OP_LT, .gte = 18, .lt = 65 },
 *     };
 *     db_user_update u = { .name = RF_SET("Ada"), .logins = RF_INCREMENT(1) };
 *
 * and never call the rf_q_* functions themselves (they may, they are
 * ordinary functions).
 *
 * Safety: the builder appends SQL only from strings the generator wrote
 * (quoted identifiers, operators); every value goes into rf_params. A
 * query's SQL text therefore depends only on its *shape* (which filters are
 * present, how many IN items...), and is used as its prepared-statement id:
 * one statement per distinct shape and connection.
 */
#ifndef REFRACT_QUERY_H
#define REFRACT_QUERY_H

#include "refract.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================
 * Filters: one struct per value type. `ops` says which members apply (any
 * combination, ANDed). For text filters a non-NULL pointer member applies
 * even when its bit is not set, so `.email = { .contains = "x" }` works.
 * ======================================================================== */

enum {
    RF_OP_EQUALS = 1u << 0,
    RF_OP_NOT = 1u << 1,         /* not equal (SQL NULLs do not match, as in Prisma) */
    RF_OP_IN = 1u << 2,
    RF_OP_NOT_IN = 1u << 3,
    RF_OP_LT = 1u << 4,
    RF_OP_LTE = 1u << 5,
    RF_OP_GT = 1u << 6,
    RF_OP_GTE = 1u << 7,
    RF_OP_CONTAINS = 1u << 8,    /* text only */
    RF_OP_STARTS_WITH = 1u << 9, /* text only */
    RF_OP_ENDS_WITH = 1u << 10,  /* text only */
    RF_OP_IS_NULL = 1u << 11,
    RF_OP_IS_NOT_NULL = 1u << 12,
    RF_OP_HAS = 1u << 13,        /* scalar lists only: these four */
    RF_OP_HAS_SOME = 1u << 14,
    RF_OP_HAS_EVERY = 1u << 15,
    RF_OP_IS_EMPTY = 1u << 16,
    RF_OP_ANY_NULL = 1u << 17    /* Json only: SQL NULL or JSON null */
};

/* Text comparison mode (Prisma's `mode: 'insensitive'`): ILIKE / lower(). */
typedef enum rf_mode { RF_MODE_DEFAULT = 0, RF_MODE_INSENSITIVE } rf_mode;

#define RF_DEFINE_FILTER(name, T)                                                           \
    typedef struct name {                                                                   \
        unsigned ops;                                                                       \
        T equals, not_equals, lt, lte, gt, gte;                                             \
        const T *in;                                                                        \
        size_t nin;                                                                         \
        const T *not_in;                                                                    \
        size_t nnot_in;                                                                     \
    } name

RF_DEFINE_FILTER(rf_i32_filter, int32_t);
RF_DEFINE_FILTER(rf_i64_filter, int64_t);
RF_DEFINE_FILTER(rf_f64_filter, double);
RF_DEFINE_FILTER(rf_timestamp_filter, rf_timestamp);

typedef struct rf_bool_filter {
    unsigned ops;
    bool equals, not_equals;
} rf_bool_filter;

/* String (and Decimal, compared as numbers by the server). */
#define RF_TEXT_FILTER_MEMBERS                                                              \
    unsigned ops;                                                                           \
    rf_mode mode;                                                                           \
    const char *equals, *not_equals, *lt, *lte, *gt, *gte;                                  \
    const char *contains, *starts_with, *ends_with;                                         \
    const char *const *in;                                                                  \
    size_t nin;                                                                             \
    const char *const *not_in;                                                              \
    size_t nnot_in;

typedef struct rf_text_filter {
    RF_TEXT_FILTER_MEMBERS
} rf_text_filter;

/*
 * String fields of a schema whose refract generator enables the
 * `fullTextSearchPostgres` preview feature: the text filter plus Prisma's
 * `search`, a tsquery ("cat & dog", "cat | !dog", "fox <-> jumps") that the
 * column's text must match: to_tsvector(concat_ws(' ', col)) @@
 * to_tsquery($n), as Prisma writes it (default text search configuration;
 * a NULL column never matches; a malformed query fails with PostgreSQL's
 * syntax error). Other schemas have no `search` member at all.
 */
typedef struct rf_search_filter {
    RF_TEXT_FILTER_MEMBERS
    const char *search;
} rf_search_filter;

/*
 * Json, as Prisma filters Json fields on PostgreSQL. Every member that is
 * given applies (ANDed); a non-NULL pointer applies on its own.
 *
 *   path            keys and array indices ("0", "-1" from the end) leading
 *                   to the value the other members test, outermost first
 *                   (Prisma's `path: ['pets', '0', 'name']`); sent as one
 *                   text[] parameter (col #> $n). NULL / npath 0: the whole
 *                   value. A missing key or index gives no value: only
 *                   RF_OP_IS_NULL matches it.
 *   equals          JSON text equal to the value, as jsonb ("null": a JSON
 *   not_equals      null, Prisma.JsonNull); not_equals keeps neither SQL
 *                   NULLs nor missing paths (as Prisma's `not`).
 *   RF_OP_IS_NULL   no value: the column is SQL NULL (Prisma.DbNull) or the
 *                   path is missing; RF_OP_IS_NOT_NULL its opposite;
 *   RF_OP_ANY_NULL  no value or a JSON null (Prisma.AnyNull).
 *   string_contains / string_starts_with / string_ends_with
 *                   the value is a JSON string containing / starting /
 *                   ending with the text, matched literally (% _ \ are not
 *                   wildcards, unlike Prisma 7's unescaped patterns); `mode`
 *                   RF_MODE_INSENSITIVE ignores case. Without a path, a
 *                   top-level string is tested without its quotes.
 *   array_contains  the value is a JSON array containing every element of
 *                   this JSON text (jsonb @>: "[\"a\"]", or "\"a\"" alone);
 *   array_starts_with / array_ends_with
 *                   the value is a JSON array whose first / last element
 *                   equals this JSON text.
 *
 * A string_* or array_* test on a value of another JSON type is neither
 * true nor false (SQL unknown), so that NOT keeps only values of the right
 * type, as Prisma's NOT does. JSON values (equals, array_*) go as text
 * parameters cast to jsonb; invalid JSON fails with PostgreSQL's error.
 */
typedef struct rf_json_filter {
    unsigned ops;
    const char *equals, *not_equals;
    const char *const *path;
    size_t npath;
    rf_mode mode;
    const char *string_contains, *string_starts_with, *string_ends_with;
    const char *array_contains, *array_starts_with, *array_ends_with;
} rf_json_filter;

/* `.meta = { RF_JSON_PATH("pets", "0", "name"), .equals = "\"Rex\"" }` */
#define RF_JSON_PATH(...)                                                                   \
    .path = (const char *const[]){__VA_ARGS__},                                             \
    .npath = sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)
/* Prisma.JsonNull, Prisma.DbNull and Prisma.AnyNull as whole filters. */
#define RF_JSON_NULL { .ops = RF_OP_EQUALS, .equals = "null" }
#define RF_DB_NULL { .ops = RF_OP_IS_NULL }
#define RF_ANY_NULL { .ops = RF_OP_ANY_NULL }

typedef struct rf_bytes_filter {
    unsigned ops;
    rf_bytes equals, not_equals;
} rf_bytes_filter;

/*
 * Scalar lists (String[], Int[], enum lists...), as Prisma on PostgreSQL:
 * RF_OP_HAS: the list contains `has` (col @> ARRAY[has]);
 * RF_OP_HAS_SOME: it shares an element with `has_some` (&&; an empty
 * has_some matches nothing); RF_OP_HAS_EVERY: it contains every element of
 * `has_every` (@>; an empty one matches every row); RF_OP_IS_EMPTY: it is
 * empty (is_empty true) or not (false); RF_OP_EQUALS: it equals `equals`,
 * order included. Each array goes to the server as one parameter. The
 * runtime reads `has` right after the head (ops .. has_every), so every
 * list filter, enums' included, is laid out by this macro.
 */
#define RF_DEFINE_LIST_FILTER(name, A, T)                                                   \
    typedef struct name {                                                                   \
        unsigned ops;                                                                       \
        bool is_empty;                                                                      \
        A equals, has_some, has_every;                                                      \
        T has;                                                                              \
    } name

RF_DEFINE_LIST_FILTER(rf_i32_list_filter, rf_i32_array, int32_t);
RF_DEFINE_LIST_FILTER(rf_i64_list_filter, rf_i64_array, int64_t);
RF_DEFINE_LIST_FILTER(rf_f64_list_filter, rf_f64_array, double);
RF_DEFINE_LIST_FILTER(rf_bool_list_filter, rf_bool_array, bool);
RF_DEFINE_LIST_FILTER(rf_timestamp_list_filter, rf_timestamp_array, rf_timestamp);
RF_DEFINE_LIST_FILTER(rf_text_list_filter, rf_text_array, const char *); /* also Decimal[], Json[] */
RF_DEFINE_LIST_FILTER(rf_bytes_list_filter, rf_bytes_array, rf_bytes);

#define RF_HAS(...) { .ops = RF_OP_HAS, .has = (__VA_ARGS__) }
#define RF_HAS_SOME(items, n) { .ops = RF_OP_HAS_SOME, .has_some = { (items), (n) } }
#define RF_HAS_EVERY(items, n) { .ops = RF_OP_HAS_EVERY, .has_every = { (items), (n) } }
#define RF_IS_EMPTY(yes) { .ops = RF_OP_IS_EMPTY, .is_empty = (yes) }

/* Initializers for the common single-operator cases. The value macros take
 * `...` so that a compound literal's commas pass through: RF_EQ((rf_bytes){
 * hash, 32 }) and RF_SET((rf_text_array){ tags, 2 }) need no extra
 * parentheses (the preprocessor splits arguments at commas outside them). */
#define RF_EQ(...) { .ops = RF_OP_EQUALS, .equals = (__VA_ARGS__) }
#define RF_NE(...) { .ops = RF_OP_NOT, .not_equals = (__VA_ARGS__) }
#define RF_LT(...) { .ops = RF_OP_LT, .lt = (__VA_ARGS__) }
#define RF_LTE(...) { .ops = RF_OP_LTE, .lte = (__VA_ARGS__) }
#define RF_GT(...) { .ops = RF_OP_GT, .gt = (__VA_ARGS__) }
#define RF_GTE(...) { .ops = RF_OP_GTE, .gte = (__VA_ARGS__) }
#define RF_IN(items, n) { .ops = RF_OP_IN, .in = (items), .nin = (n) }
#define RF_NOT_IN(items, n) { .ops = RF_OP_NOT_IN, .not_in = (items), .nnot_in = (n) }
#define RF_CONTAINS(s) { .ops = RF_OP_CONTAINS, .contains = (s) }
#define RF_STARTS_WITH(s) { .ops = RF_OP_STARTS_WITH, .starts_with = (s) }
#define RF_ENDS_WITH(s) { .ops = RF_OP_ENDS_WITH, .ends_with = (s) }
#define RF_IEQ(s) { .ops = RF_OP_EQUALS, .mode = RF_MODE_INSENSITIVE, .equals = (s) }
#define RF_ICONTAINS(s) { .ops = RF_OP_CONTAINS, .mode = RF_MODE_INSENSITIVE, .contains = (s) }
#define RF_IS_NULL { .ops = RF_OP_IS_NULL }
#define RF_IS_NOT_NULL { .ops = RF_OP_IS_NOT_NULL }

/* ========================================================================
 * Updates: one struct per value type; op RF_UPDATE_KEEP (zero) leaves the
 * column alone.
 * ======================================================================== */

typedef enum rf_update_op {
    RF_UPDATE_KEEP = 0,
    RF_UPDATE_SET,
    RF_UPDATE_SET_NULL,
    RF_UPDATE_INCREMENT,  /* numbers only */
    RF_UPDATE_DECREMENT,
    RF_UPDATE_MULTIPLY,
    RF_UPDATE_DIVIDE
} rf_update_op;

#define RF_DEFINE_UPDATE(name, T)                                                           \
    typedef struct name {                                                                   \
        rf_update_op op;                                                                    \
        T value;                                                                            \
    } name

RF_DEFINE_UPDATE(rf_i32_update, int32_t);
RF_DEFINE_UPDATE(rf_i64_update, int64_t);
RF_DEFINE_UPDATE(rf_f64_update, double);
RF_DEFINE_UPDATE(rf_bool_update, bool);
RF_DEFINE_UPDATE(rf_timestamp_update, rf_timestamp);
RF_DEFINE_UPDATE(rf_text_update, const char *); /* String, Decimal (text), Json */
RF_DEFINE_UPDATE(rf_bytes_update, rf_bytes);
RF_DEFINE_UPDATE(rf_i32_array_update, rf_i32_array);
RF_DEFINE_UPDATE(rf_i64_array_update, rf_i64_array);
RF_DEFINE_UPDATE(rf_f64_array_update, rf_f64_array);
RF_DEFINE_UPDATE(rf_bool_array_update, rf_bool_array);
RF_DEFINE_UPDATE(rf_timestamp_array_update, rf_timestamp_array);
RF_DEFINE_UPDATE(rf_text_array_update, rf_text_array);
RF_DEFINE_UPDATE(rf_bytes_array_update, rf_bytes_array);

#define RF_SET(...) { .op = RF_UPDATE_SET, .value = __VA_ARGS__ }
#define RF_SET_NULL { .op = RF_UPDATE_SET_NULL }
#define RF_INCREMENT(v) { .op = RF_UPDATE_INCREMENT, .value = (v) }
#define RF_DECREMENT(v) { .op = RF_UPDATE_DECREMENT, .value = (v) }
#define RF_MULTIPLY(v) { .op = RF_UPDATE_MULTIPLY, .value = (v) }
#define RF_DIVIDE(v) { .op = RF_UPDATE_DIVIDE, .value = (v) }

/* ========================================================================
 * Ordering and paging
 * ======================================================================== */

typedef enum rf_sort { RF_ASC = 0, RF_DESC } rf_sort;
typedef enum rf_nulls { RF_NULLS_DEFAULT = 0, RF_NULLS_FIRST, RF_NULLS_LAST } rf_nulls;

/*
 * Ordering by a relation (Prisma's orderBy: { author: { name: 'asc' } } and
 * { posts: { _count: 'desc' } }): `relation` is a constant of the model's
 * `<model>_relation` enum; for a to-one relation `by` is a field of the
 * related model (its `<target>_field`), for a to-many one `count` orders by
 * the number of related rows. A row without a related row sorts as NULL.
 */
typedef struct rf_relation_order {
    int relation;
    int by;
    bool count;
    rf_sort sort;
    rf_nulls nulls;
} rf_relation_order;

/*
 * Ordering by full-text relevance (Prisma's orderBy: { _relevance: { fields,
 * search, sort } }), where the schema enables full-text search: the rows
 * sort by ts_rank(to_tsvector(concat_ws(' ', fields...)), to_tsquery(search))
 * before order_by's items. `fields` are numbers of the model's
 * `<model>_field` enum, String fields only (the generated member has this
 * layout with the model's own enum type); search NULL: no such ordering.
 * Not with a cursor or distinct.
 */
typedef struct rf_relevance {
    const int *fields;
    size_t nfields;
    const char *search;
    rf_sort sort;
} rf_relevance;

/*
 * Row locking of find_many / find_first (a `<model>_query`'s `lock`), inside
 * a transaction only: FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE or FOR KEY
 * SHARE on the rows returned, and at most one of `skip_locked` (rows another
 * transaction holds are left out) and `nowait` (fail at once, SQLSTATE 55P03,
 * instead of waiting). Refused (RF_INVALID_ARGUMENT) outside a transaction
 * and with include, distinct or a stream.
 */
typedef enum rf_lock_mode {
    RF_LOCK_NONE = 0,
    RF_LOCK_FOR_UPDATE,
    RF_LOCK_FOR_NO_KEY_UPDATE,
    RF_LOCK_FOR_SHARE,
    RF_LOCK_FOR_KEY_SHARE
} rf_lock_mode;

typedef struct rf_lock {
    rf_lock_mode mode;
    bool skip_locked, nowait;
} rf_lock;

/* ========================================================================
 * groupBy: what `having` tests and `order_by` sorts by
 * ======================================================================== */

/* An aggregate of a group (or, for ordering, a group field itself). */
typedef enum rf_agg {
    RF_GROUP_FIELD = 0, /* order_by only: the value of a `by` field */
    RF_COUNT_ALL,       /* rows in the group (field unused) */
    RF_COUNT,           /* non-NULL values of the field */
    RF_SUM,
    RF_AVG,
    RF_MIN,
    RF_MAX
} rf_agg;

/* A condition on an aggregate of each group (Prisma's `having`), compared
 * as a double: `{ RF_AVG, DB_POST_BY_VIEWS, RF_GT(10.0) }`. `field` is a
 * number of the model's `<model>_field` enum. */
typedef struct rf_having {
    rf_agg agg;
    int field;
    rf_f64_filter filter;
} rf_having;

/* One ORDER BY item of a groupBy: a group field or an aggregate. */
typedef struct rf_group_order {
    rf_agg agg;
    int field;
    rf_sort sort;
    rf_nulls nulls;
} rf_group_order;

/*
 * The writes on the rows related to a row being updated, through one
 * relation (Prisma's nested update operations); `<model>_relation_update`
 * is this layout with the related model's types in place of `const void *`
 * (`where`: `<target>_where` arrays; `create`: `<target>_nested_create`;
 * `update` data: `<target>_nested_update`; update_many data and
 * create_many rows: `<target>_update_input` / `<target>_create_input`).
 * Zeroed: nothing to do. See the generated header for each operation.
 */
typedef struct rf_relation_update {
    const void *create;
    size_t ncreate;
    struct { const void *where, *create; } connect_or_create;
    size_t nconnect_or_create;
    struct { const void *where, *create, *update; } upsert;
    size_t nupsert;
    struct { const void *data; size_t n; bool skip_duplicates; } create_many;
    struct { bool on; const void *where; size_t n; } set;
    const void *disconnect;
    size_t ndisconnect;
    const void *delete_;
    size_t ndelete;
    const void *connect;
    size_t nconnect;
    struct { const void *where, *data; } update;
    size_t nupdate;
    struct { const void *where, *data; } update_many;
    size_t nupdate_many;
    const void *delete_many;
    size_t ndelete_many;
} rf_relation_update;

/* rf_relation_update typed for the generated model T (one line per model in
 * the generated header: `typedef RF_RELATION_UPDATE(db_post) db_post_relation_update;`). */
#define RF_RELATION_UPDATE(T)                                                                    \
    struct T##_relation_update {                                                                 \
        const T##_nested_create *create;                                                         \
        size_t ncreate;                                                                          \
        struct { const T##_where *where; const T##_nested_create *create; } connect_or_create;   \
        size_t nconnect_or_create;                                                               \
        struct {                                                                                 \
            const T##_where *where;                                                              \
            const T##_nested_create *create;                                                     \
            const T##_nested_update *update;                                                     \
        } upsert;                                                                                \
        size_t nupsert;                                                                          \
        struct { const T##_create_input *data; size_t n; bool skip_duplicates; } create_many;    \
        struct { bool on; const T##_where *where; size_t n; } set;                               \
        const T##_where *disconnect;                                                             \
        size_t ndisconnect;                                                                      \
        const T##_where *delete_;                                                                \
        size_t ndelete;                                                                          \
        const T##_where *connect;                                                                \
        size_t nconnect;                                                                         \
        struct { const T##_where *where; const T##_nested_update *data; } update;                \
        size_t nupdate;                                                                          \
        struct { const T##_where *where; const T##_update_input *data; } update_many;            \
        size_t nupdate_many;                                                                     \
        const T##_where *delete_many;                                                            \
        size_t ndelete_many;                                                                     \
    }

/* ========================================================================
 * The builder (used by generated code)
 * ======================================================================== */

#define RF_QUERY_MAX_DEPTH 32

typedef struct rf_query {
    char *sql;              /* heap, NUL-terminated */
    size_t len, cap;
    rf_params params;
    rf_arena scratch;       /* patterns, encoded arrays: live until rf_query_free */
    bool failed;            /* out of memory or too deep: rf_query_status says */
    rf_status status;
    int depth;
    struct {
        size_t mark;        /* where the group's text began */
        size_t conds;       /* conditions so far */
        const char *sep;    /* " AND " / " OR " */
        const char *empty;  /* SQL when the group stays empty: "TRUE" / "FALSE" */
    } groups[RF_QUERY_MAX_DEPTH];
    size_t sets;            /* SET items so far (rf_q_set_begin) */
} rf_query;

void rf_query_init(rf_query *q);
void rf_query_free(rf_query *q);
/* RF_OK, or why building failed (RF_NO_MEMORY, RF_INVALID_ARGUMENT). */
rf_status rf_query_status(const rf_query *q);
/* Records a builder failure (first one wins). */
void rf_query_fail(rf_query *q, rf_status status);

/* Appends trusted SQL text written by the generator. */
void rf_q_sql(rf_query *q, const char *sql);
/* Starts one condition of the current group (writes the separator); the
 * caller then writes it with rf_q_sql and rf_q_param. */
void rf_q_cond_begin(rf_query *q);
/* A LIKE pattern matching `s` literally (\ % _ escaped) between `prefix`
 * and `suffix` ("%" or ""), in the query's scratch memory. */
const char *rf_q_like_pattern(rf_query *q, const char *prefix, const char *s,
                              const char *suffix);
/* Appends "$n" for the next parameter; the caller adds the value right after. */
void rf_q_param(rf_query *q);
/* Appends "$n" for an already added parameter (1-based). */
void rf_q_param_ref(rf_query *q, int n);
/* Scratch memory living as long as the query (NULL and failed when out of memory). */
void *rf_q_alloc(rf_query *q, size_t size);

/* Condition groups: `kind` is "AND" (empty → TRUE), "OR" (empty → FALSE)
 * or "NOT" (NOT (a AND b); empty → TRUE). A group is itself a condition of
 * the enclosing group. */
void rf_q_group_begin(rf_query *q, const char *kind);
void rf_q_group_end(rf_query *q);

/*
 * A subquery condition (EXISTS (SELECT ... WHERE ...)): rf_q_sub_begin
 * writes `head` ("EXISTS (SELECT 1 FROM ") as one condition of the current
 * group; the caller appends the rest of the FROM clause with rf_q_sql, then
 * rf_q_sub_where opens the subquery's own AND group (its conditions are
 * added as usual), and rf_q_sub_end closes the group and the parenthesis.
 */
void rf_q_sub_begin(rf_query *q, const char *head);
void rf_q_sub_where(rf_query *q);
void rf_q_sub_end(rf_query *q);

/*
 * One condition in the current group, from a template in which '@' stands
 * for `column` and '$' for the next parameter (the caller adds its value
 * right after the call): "@ = $", "@ = ANY($)", "lower(@) = lower($)",
 * "@ IS NULL".
 */
void rf_q_cond(rf_query *q, const char *tmpl, const char *column);

/* Conditions for a whole filter on `column` (a qualified, quoted name). */
void rf_q_where_i32(rf_query *q, const char *column, const rf_i32_filter *f);
void rf_q_where_i64(rf_query *q, const char *column, const rf_i64_filter *f);
void rf_q_where_f64(rf_query *q, const char *column, const rf_f64_filter *f);
void rf_q_where_bool(rf_query *q, const char *column, const rf_bool_filter *f);
/* `kind` of the column: timestamp, timestamptz or date (RF_OID_*). */
void rf_q_where_timestamp(rf_query *q, const char *column, rf_oid kind,
                          const rf_timestamp_filter *f);
void rf_q_where_text(rf_query *q, const char *column, const rf_text_filter *f);
void rf_q_where_decimal(rf_query *q, const char *column, const rf_text_filter *f);
void rf_q_where_json(rf_query *q, const char *column, const rf_json_filter *f);
/* Prisma's `search` (see rf_search_filter); nothing when query is NULL. */
void rf_q_where_search(rf_query *q, const char *column, const char *query);
void rf_q_where_bytes(rf_query *q, const char *column, const rf_bytes_filter *f);
/* Whether a filter's IN / NOT IN arrays are usable (false, and the query
 * failed with RF_INVALID_ARGUMENT, for a NULL array with a count). */
bool rf_q_lists_ok(rf_query *q, unsigned ops, const void *in, size_t nin, const void *not_in,
                   size_t nnot_in);
/* Enum filters are generated per enum; they use rf_q_cond and these. */
void rf_q_add_enum_array(rf_query *q, const rf_enum_table *t, const int *values, size_t n,
                         int offset);

/* INSERT INTO table AS t (col, ...) VALUES ($1, ...): begin, then one
 * rf_q_insert_col per column, each followed by adding its value, then end
 * (which writes DEFAULT VALUES when no column was given). */
void rf_q_insert_begin(rf_query *q, const char *table);
void rf_q_insert_col(rf_query *q, const char *column);
void rf_q_insert_end(rf_query *q);

/* SET lists for UPDATE (and ON CONFLICT DO UPDATE). `column` is the bare
 * quoted name; increments read the row through the alias t. Each returns
 * whether it wrote anything. */
void rf_q_set_begin(rf_query *q);
bool rf_q_set_i32(rf_query *q, const char *column, const rf_i32_update *u);
bool rf_q_set_i64(rf_query *q, const char *column, const rf_i64_update *u);
bool rf_q_set_f64(rf_query *q, const char *column, const rf_f64_update *u);
bool rf_q_set_bool(rf_query *q, const char *column, const rf_bool_update *u);
bool rf_q_set_timestamp(rf_query *q, const char *column, rf_oid kind, const rf_timestamp_update *u);
bool rf_q_set_text(rf_query *q, const char *column, const rf_text_update *u);
bool rf_q_set_decimal(rf_query *q, const char *column, const rf_text_update *u);
bool rf_q_set_bytes(rf_query *q, const char *column, const rf_bytes_update *u);
bool rf_q_set_i32_array(rf_query *q, const char *column, const rf_i32_array_update *u);
bool rf_q_set_i64_array(rf_query *q, const char *column, const rf_i64_array_update *u);
bool rf_q_set_f64_array(rf_query *q, const char *column, const rf_f64_array_update *u);
bool rf_q_set_bool_array(rf_query *q, const char *column, const rf_bool_array_update *u);
bool rf_q_set_timestamp_array(rf_query *q, const char *column, const rf_timestamp_array_update *u);
bool rf_q_set_text_array(rf_query *q, const char *column, const rf_text_array_update *u);
/* "column = $n" for a value the caller adds right after (enums, generated ids). */
void rf_q_set_param(rf_query *q, const char *column);
/* "column = NULL". */
void rf_q_set_null(rf_query *q, const char *column);
/* Number of SET items written since rf_q_set_begin. */
size_t rf_q_set_count(const rf_query *q);

/* Timestamps as parameters of the right kind (RF_OID_TIMESTAMP,
 * RF_OID_TIMESTAMPTZ, RF_OID_DATE; anything else goes as ISO text). */
void rf_q_add_timestamp(rf_query *q, rf_oid kind, rf_timestamp v);
void rf_q_add_timestamp_array(rf_query *q, rf_oid kind, const rf_timestamp *v, size_t n);
void rf_q_add_bytes_array(rf_query *q, const rf_bytes *v, size_t n);
/* A Bytes value (data NULL: SQL NULL). */
void rf_q_add_bytes(rf_query *q, rf_bytes v);

/*
 * What ordering and cursors need to know about a table: its quoted name,
 * its columns by field number (bare quoted names; NULL where a field cannot
 * be ordered by), and the field numbers of its identity (primary key, or
 * the first unique criterion), which break ties.
 */
typedef struct rf_table_shape {
    const char *table;
    const char *const *columns;
    size_t ncolumns;
    const int *key;
    size_t nkey;
} rf_table_shape;

/* One ORDER BY item: a field number of the table. */
typedef struct rf_order_item {
    int by;
    rf_sort sort;
    rf_nulls nulls;
} rf_order_item;

/*
 * Cursor pagination (Prisma's `cursor`): a condition in the current group
 * keeping the rows at or after the cursor row in the query's order (the
 * items, then the identity columns). The cursor row is found by identity:
 * parameters key_param.. (already added, one per identity column).
 * `reverse` (negative take) keeps the rows at or before it.
 */
void rf_q_cursor(rf_query *q, const rf_table_shape *shape, const rf_order_item *items,
                 size_t nitems, int key_param, bool reverse);

/*
 * " ORDER BY ... LIMIT $n OFFSET $m": the items, then the identity columns
 * as tie-breakers (whenever there are items, a cursor, skip or take, so
 * that pages are stable). take 0 means no limit; a negative take reverses
 * the order (the caller reverses the rows back). Invalid field numbers fail
 * the query with RF_INVALID_ARGUMENT.
 */
void rf_q_order_page(rf_query *q, const rf_table_shape *shape, const rf_order_item *items,
                     size_t nitems, int64_t skip, int64_t take, bool cursor);

/* Reverses an array of n elements of `size` bytes in place. */
void rf_reverse(void *items, size_t n, size_t size);

/* RF_OK, or the builder's failure recorded on the client (rf_fail). */
rf_status rf_q_check(rf_client *c, const rf_query *q);
/* The built statement (its SQL text is its prepared-statement id, so each
 * distinct shape is prepared once per connection), after rf_q_check. */
rf_status rf_q_stmt(rf_client *c, const rf_query *q, rf_stmt *out);

/* ========================================================================
 * Whole-column decoding (used by generated code for many rows)
 * ======================================================================== */

/* What a struct member holds. */
typedef enum rf_qcol {
    RF_QCOL_I32, RF_QCOL_OPT_I32,
    RF_QCOL_I64, RF_QCOL_OPT_I64,
    RF_QCOL_F64, RF_QCOL_OPT_F64,
    RF_QCOL_BOOL, RF_QCOL_OPT_BOOL,
    RF_QCOL_TIMESTAMP, RF_QCOL_OPT_TIMESTAMP,
    RF_QCOL_TEXT          /* const char *, NULL for SQL NULL */
} rf_qcol;

/*
 * Decodes column `col` of every row of `r` into the member at `offset` of
 * an array of row structs `stride` bytes apart, looking at the column's
 * type and format once rather than per value. Returns false, having
 * recorded nothing, when any value does not decode this way (an unexpected
 * NULL, a type it does not handle): the caller then decodes the column value
 * by value with the rf_get_* functions, which report the precise failure.
 * Text is borrowed, so the result must be kept by an arena (rf_result_keep).
 */
bool rf_q_column(const rf_result *r, int col, rf_qcol kind, void *rows, size_t stride,
                 size_t offset);

/* ========================================================================
 * Key maps for includes: link values (integers or text) to row indices.
 * ======================================================================== */

typedef struct rf_keymap {
    struct rf_keymap_slot *slots;
    size_t cap, count;
} rf_keymap;

rf_status rf_keymap_init(rf_keymap *m, size_t expected);
void rf_keymap_free(rf_keymap *m);
/* Adds key → index; the first index for a key wins. Text keys are borrowed. */
rf_status rf_keymap_put_int(rf_keymap *m, int64_t key, size_t index);
rf_status rf_keymap_put_text(rf_keymap *m, const char *key, size_t index);
/* The index for key, or SIZE_MAX. */
size_t rf_keymap_get_int(const rf_keymap *m, int64_t key);
size_t rf_keymap_get_text(const rf_keymap *m, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* REFRACT_QUERY_H */
