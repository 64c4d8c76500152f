/*
 * refract_desc.h — model descriptors: what a generated client tells the
 * runtime about its schema, and the generic operations that read them.
 *
 * A generated <prefix>.c holds, per model, constant tables (in the manner
 * of protobuf-c and flatcc) and thin typed wrappers: each generated function
 * is a few lines that hand the model's rf_model_desc and the caller's typed
 * structs to one function below. The runtime then builds the SQL from the
 * descriptor, binds the values it finds at the recorded member offsets,
 * and decodes rows into the caller's structs at those offsets.
 *
 * Layout, for someone reading or adding an operation:
 *
 *   rf_model_desc      one per model or view
 *     .fields[]        one rf_field_desc per column the client sees, in the
 *                      order of the row struct (the `<model>_field` enum
 *                      numbers index this array)
 *     .uniques[]       each unique criterion (primary key first): field
 *                      numbers of its parts
 *     .key[]           the identity (first criterion) for cursors and
 *                      tie-breaks, with member offsets in `<model>_cursor`
 *     .relations[]     relation fields the client can include / link
 *     .cache           a mutable slot (static in the generated .c) where the
 *                      runtime keeps the fixed-shape SQL it built once for
 *                      this model (select list, lookups by unique, deletes,
 *                      relation loads) — built on first use, thread-safe,
 *                      never freed
 *
 *   Member types are implied by (kind, flags): a field of kind RF_KIND_I32
 *   is `int32_t` in the row struct, `rf_opt_i32` when RF_FIELD_NULLABLE,
 *   `rf_i32_array` when RF_FIELD_LIST; its filter is `rf_i32_filter`, its
 *   update `rf_i32_update`, and so on (see rf_field_desc). Generated enums
 *   are int-sized with constants starting at 1 (0: "not given").
 *
 * Which SQL is fixed and which is built per call: lookups, deletes by a
 * unique key and relation loads are fixed (built once, prepared once per
 * connection under a short id); filters, creates and updates depend on the
 * values given and are built per call, their SQL text being their prepared
 * statement id (one prepared statement per shape and connection).
 *
 * Programs do not call these functions directly (they may: they are
 * ordinary functions); they call the typed wrappers of their <prefix>.h.
 */
#ifndef REFRACT_DESC_H
#define REFRACT_DESC_H

#include "refract.h"
#include "refract_query.h"
#include "refract_stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A member that a struct does not have (views have no
 * create or update input). */
#define RF_NO_MEMBER ((size_t)-1)

/* What a field holds; with its flags, this fixes the C type of its members. */
typedef enum rf_value_kind {
    RF_KIND_TEXT,      /* const char *         rf_text_filter   rf_text_update */
    RF_KIND_DECIMAL,   /* const char * (exact) rf_text_filter   rf_text_update (arithmetic allowed) */
    RF_KIND_JSON,      /* const char * (JSON)  rf_json_filter   rf_text_update */
    RF_KIND_I32,       /* int32_t              rf_i32_filter    rf_i32_update */
    RF_KIND_I64,       /* int64_t              rf_i64_filter    rf_i64_update */
    RF_KIND_F64,       /* double               rf_f64_filter    rf_f64_update */
    RF_KIND_BOOL,      /* bool                 rf_bool_filter   rf_bool_update */
    RF_KIND_TIMESTAMP, /* rf_timestamp         rf_timestamp_filter rf_timestamp_update */
    RF_KIND_BYTES,     /* rf_bytes             rf_bytes_filter  rf_bytes_update */
    RF_KIND_ENUM       /* a generated enum (int-sized, 1-based) and its _opt, _array,
                          _filter, _update, _array_update structs */
} rf_value_kind;

enum {
    RF_FIELD_NULLABLE = 1u << 0,   /* T?: row member is rf_opt_* / NULL pointer / <enum>_opt */
    RF_FIELD_LIST = 1u << 1,       /* T[]: row member is rf_*_array / <enum>_array */
    RF_FIELD_ID = 1u << 2,         /* part of the primary key */
    RF_FIELD_HAS_DEFAULT = 1u << 3,/* @default (database- or client-side) */
    RF_FIELD_UPDATED_AT = 1u << 4, /* @updatedAt: the client sets now() on create and update */
    RF_FIELD_OMITTABLE = 1u << 5,  /* a create may leave it out: the create-input member
                                      is the optional form (rf_opt_*, NULL pointer, data
                                      NULL, 0 enum; arrays: items NULL and count 0) */
    RF_FIELD_SEARCH = 1u << 6      /* String with full-text search: its where member is
                                      an rf_search_filter, not an rf_text_filter */
};

/* A value the client makes on create when none is given (@default(uuid())...). */
typedef enum rf_client_default {
    RF_DEFAULT_DATABASE = 0, /* none, or the database's own (autoincrement, now(), literals) */
    RF_DEFAULT_UUID4,
    RF_DEFAULT_UUID7,
    RF_DEFAULT_CUID,
    RF_DEFAULT_CUID2,
    RF_DEFAULT_NANOID,       /* length in rf_field_desc.default_len (0: 21) */
    RF_DEFAULT_ULID
} rf_client_default;

/*
 * One column. `type` is the column's PostgreSQL type OID where the runtime
 * needs it to encode values (timestamps: RF_OID_TIMESTAMP, _TIMESTAMPTZ,
 * _DATE, _TIME; 0: send as ISO text); 0 elsewhere. Offsets are offsetof()
 * the member in the model's row struct, `<model>_where`,
 * `<model>_create_input` and `<model>_update_input` (RF_NO_MEMBER where
 * absent).
 */
typedef struct rf_field_desc {
    const char *name;              /* schema field name ("createdAt") */
    const char *column;            /* database column, unquoted; NULL: same as name */
    unsigned char kind;            /* rf_value_kind */
    unsigned char flags;           /* RF_FIELD_* */
    unsigned char client_default;  /* rf_client_default */
    unsigned char default_len;     /* nanoid length */
    rf_oid type;
    const rf_enum_table *enum_table; /* RF_KIND_ENUM */
    size_t row, where, create, update;
} rf_field_desc;

/* A unique criterion: the field numbers of its parts, in key order. */
typedef struct rf_unique_desc {
    const int *parts;
    size_t nparts;
    bool upsertable;               /* false for partial unique indexes (no ON CONFLICT target) */
} rf_unique_desc;

/* One part of the identity: its field number and its member in `<model>_cursor`. */
typedef struct rf_key_part {
    int field;
    size_t member;
} rf_key_part;

typedef enum rf_relation_kind {
    RF_REL_ONE,     /* row member is `<target> *`, NULL unless included and related */
    RF_REL_MANY,    /* row member is `<target>_list` */
    RF_REL_MANY_TO_MANY /* `<target>_list`, through a join table */
} rf_relation_kind;

typedef struct rf_model_desc rf_model_desc;

/*
 * A relation field. The parent rows' `link` field matches the related
 * rows' `target_column` (for many-to-many: both primary keys, matched
 * through the join table's columns `self` (this side) and `other`). The
 * target's field is named by its column, never by its number, so that a
 * change to the target model changes nothing in this model's tables.
 */
typedef struct rf_relation_desc {
    const char *name;              /* schema field name ("posts") */
    rf_relation_kind kind;
    const rf_model_desc *target;
    int link;                      /* field number on this model */
    const char *target_column;     /* database column on the target (unquoted) */
    const char *join_schema;       /* many-to-many: the join table (unquoted), NULL schema: none */
    const char *join_table;
    const char *self, *other;      /* "A" / "B" */
    size_t row;                    /* offsetof the relation member in the row struct */
    size_t include;                /* offsetof its bool in `<model>_include` */
    size_t where;                  /* offsetof its filter in `<model>_where`: an
                                      rf_to_many_filter (RF_REL_MANY, _MANY_TO_MANY)
                                      or rf_to_one_filter (RF_REL_ONE) layout */
    size_t count;                  /* to-many: offsetof its int64_t in the row's _count */
    size_t count_select;           /* to-many: offsetof its {bool on; where} in the
                                      query's count; RF_NO_MEMBER for to-one */
    size_t include_args;           /* offsetof its `<target>_query *` in `<model>_include`'s
                                      _args (where, order, paging, nested includes) */
    size_t include_count;          /* to-many: offsetof its {bool on; where} in
                                      `<model>_include`'s _count; RF_NO_MEMBER for to-one */
    bool owns_link;                /* the foreign key is on this side (`link` is it) */
    const char *relation_name;     /* the schema's relation name ("PostToUser"), for
                                      Prisma's P2014 message (runtime 0.4) */
} rf_relation_desc;

/*
 * The layouts of the relation members of a `<model>_where` (generated with
 * the target's `<target>_where *` in place of `const void *`; NULL: not
 * given). Each is compiled to an EXISTS subquery correlated by the
 * relation's link, so a filter never duplicates rows:
 *   some    EXISTS a related row matching
 *   none    NOT EXISTS a related row matching
 *   every   NOT EXISTS a related row not matching (true with no related rows)
 *   is      EXISTS the related row, matching
 *   is_not  NOT EXISTS the related row matching (true with no related row)
 *   ops     RF_OP_IS_NULL: no related row; RF_OP_IS_NOT_NULL: one
 */
typedef struct rf_to_many_filter {
    const void *some, *every, *none;
} rf_to_many_filter;

typedef struct rf_to_one_filter {
    unsigned ops;
    const void *is, *is_not;
} rf_to_one_filter;

/* Where the runtime keeps what it built for a model (see rf_model_desc). */
typedef struct rf_model_cache {
    void *built;
} rf_model_cache;

struct rf_model_desc {
    const char *name;              /* schema model name, for messages ("No User found") */
    const char *schema;            /* database schema (unquoted), NULL: the search path */
    const char *table;             /* database table (unquoted) */
    bool writable;                 /* a model (views are read-only) */
    const rf_field_desc *fields;
    size_t nfields;
    const rf_unique_desc *uniques;
    size_t nuniques;
    const rf_key_part *key;        /* NULL when the model has no usable identity */
    size_t nkey;
    const rf_relation_desc *relations;
    size_t nrelations;
    size_t row_size;               /* sizeof the row struct */
    size_t where_size;             /* sizeof `<model>_where` */
    size_t where_and, where_or, where_not; /* offsetof AND, OR, NOT (each followed by its count) */
    size_t query_cursor;           /* offsetof `cursor` in `<model>_query`, or RF_NO_MEMBER */
    size_t query_include;          /* offsetof `include` in `<model>_query`, or RF_NO_MEMBER */
    size_t query_select;           /* offsetof `select` in `<model>_query`, or RF_NO_MEMBER */
    rf_model_cache *cache;
    /* aggregate and groupBy layouts (RF_AGGREGATE_*): where the structs
     * and members the runtime reads and fills start. */
    const size_t *aggregate;
    size_t query_distinct;         /* offsetof `distinct` (then `ndistinct`) in `<model>_query` */
    size_t query_relation_order;   /* offsetof `order_by_relation` (then its count), or
                                      RF_NO_MEMBER */
    size_t create_size;            /* sizeof `<model>_create_input` (0 for views): the */
    size_t update_size;            /* ...and `<model>_update_input`: strides of nested
                                      create_many and update_many arrays (runtime 0.4) */
    size_t query_relevance;        /* offsetof `order_by_relevance` (an rf_relevance
                                      layout) in `<model>_query`; 0: none (the schema has
                                      no full-text search; offset 0 is always `where`) */
};

/*
 * The head every `<model>_query` starts with (the generated struct adds
 * cursor, include and select after it).
 */
typedef struct rf_query_head {
    const void *where;             /* `<model>_where *`, NULL: every row */
    const rf_order_item *order_by; /* `<model>_order` has rf_order_item's layout */
    size_t norder;
    int64_t skip;
    int64_t take;
    rf_lock lock;                  /* RF_LOCK_NONE: no locking clause */
} rf_query_head;

/*
 * A choice of columns (select / omit): one bool per field, in field order
 * (`<model>_select` is such an array of bools). NULL: every column.
 */
typedef const bool *rf_select;

/* ---- the generic operations (see the generated header for semantics) ---- */

/* key: one pointer per part of uniques[u], to a value of the part's plain
 * type (int32_t, const char *, rf_timestamp, enum...). */
rf_status rf_desc_find_unique(rf_client *client, const rf_model_desc *m, size_t u,
                              const void *const *key, const void *include, rf_select select,
                              void *out, rf_arena *arena);
/* query: a `<model>_query *` (NULL: all rows); out: a `<model>_list *`. */
rf_status rf_desc_find_many(rf_client *client, const rf_model_desc *m, const void *query,
                            void *out, rf_arena *arena);
rf_status rf_desc_find_first(rf_client *client, const rf_model_desc *m, const void *query,
                             void *out, rf_arena *arena);
rf_status rf_desc_count(rf_client *client, const rf_model_desc *m, const void *where,
                        int64_t *count);
rf_status rf_desc_create(rf_client *client, const rf_model_desc *m, const void *data,
                         rf_select select, void *out, rf_arena *arena);
rf_status rf_desc_update(rf_client *client, const rf_model_desc *m, size_t u,
                         const void *const *key, const void *data, rf_select select, void *out,
                         rf_arena *arena);
rf_status rf_desc_delete(rf_client *client, const rf_model_desc *m, size_t u,
                         const void *const *key, rf_select select, void *out, rf_arena *arena);
rf_status rf_desc_upsert(rf_client *client, const rf_model_desc *m, size_t u,
                         const void *create, const void *update, void *out, rf_arena *arena);
rf_status rf_desc_update_many(rf_client *client, const rf_model_desc *m, const void *where,
                              const void *data, int64_t *count);
rf_status rf_desc_delete_many(rf_client *client, const rf_model_desc *m, const void *where,
                              int64_t *count);
/*
 * Bulk writes (desc_bulk.c). data: n `<model>_create_input`s, `stride`
 * bytes apart. createMany streams the rows through COPY when every row
 * gives the same fields and no duplicates are to be skipped; otherwise
 * multi-row INSERTs (ON CONFLICT DO NOTHING with skip_duplicates) of at
 * most 1,000 rows, in one transaction (inside an open one, a failure
 * aborts it, as a failed statement does).
 * *count: rows inserted. The AndReturn forms fill a `<model>_list *`.
 */
rf_status rf_desc_create_many(rf_client *client, const rf_model_desc *m, const void *data,
                              size_t stride, size_t n, bool skip_duplicates, int64_t *count);
rf_status rf_desc_create_many_and_return(rf_client *client, const rf_model_desc *m,
                                         const void *data, size_t stride, size_t n,
                                         bool skip_duplicates, rf_select select, void *out,
                                         rf_arena *arena);
rf_status rf_desc_update_many_and_return(rf_client *client, const rf_model_desc *m,
                                         const void *where, const void *data, rf_select select,
                                         void *out, rf_arena *arena);
/*
 * A create with related rows (desc_nested.c). input: a
 * `<model>_nested_create *`: a `const <model>_create_input *`, then one
 * rf_nested_relation per relation, in relation order (every member is
 * pointer-sized, so there is no padding between them).
 */
typedef struct rf_nested_relation {
    const void *create;            /* `<target>_nested_create` array */
    size_t ncreate;
    const void *connect;           /* `<target>_where` array, each matching one row */
    size_t nconnect;
    struct {                       /* connect the row where[k] names, else create create[k] */
        const void *where;         /* `<target>_where` array */
        const void *create;        /* `<target>_nested_create` array */
    } connect_or_create;
    size_t nconnect_or_create;
} rf_nested_relation;
rf_status rf_desc_create_nested(rf_client *client, const rf_model_desc *m, const void *input,
                                void *out, rf_arena *arena);

/*
 * An update with writes on related rows (desc_nested_update.c). input: a
 * `<model>_nested_update *`: a `const <model>_update_input *`, then one
 * rf_relation_update (refract_query.h) per relation, in relation order.
 * The row is the one uniques[u] names with `key`, as for rf_desc_update.
 */
rf_status rf_desc_update_nested(rf_client *client, const rf_model_desc *m, size_t u,
                                const void *const *key, const void *input, void *out,
                                rf_arena *arena);

/*
 * Batched operations (desc_batch.c): queued on a batch, run by
 * rf_batch_run. key and data as for the direct forms; out may be NULL
 * (update, delete, create: the row is not returned).
 */
rf_status rf_desc_batch_find_unique(rf_batch *batch, const rf_model_desc *m, size_t u,
                                    const void *const *key, void *out);
rf_status rf_desc_batch_create(rf_batch *batch, const rf_model_desc *m, const void *data,
                               void *out);
rf_status rf_desc_batch_update(rf_batch *batch, const rf_model_desc *m, size_t u,
                               const void *const *key, const void *data, void *out);
rf_status rf_desc_batch_delete(rf_batch *batch, const rf_model_desc *m, size_t u,
                               const void *const *key, void *out);
rf_status rf_desc_batch_count(rf_batch *batch, const rf_model_desc *m, const void *where,
                              int64_t *count);
/* query: a `<model>_query *` (NULL: every row), without include or lock;
 * out: a `<model>_list *` (find_many) or a row (find_first). */
rf_status rf_desc_batch_find_many(rf_batch *batch, const rf_model_desc *m, const void *query,
                                  void *out);
rf_status rf_desc_batch_find_first(rf_batch *batch, const rf_model_desc *m, const void *query,
                                   void *out);
/* query: a `<model>_aggregate_query *`; out: a `<model>_aggregate_result *`. */
rf_status rf_desc_batch_aggregate(rf_batch *batch, const rf_model_desc *m, const void *query,
                                  void *out);
rf_status rf_desc_batch_upsert(rf_batch *batch, const rf_model_desc *m, size_t u,
                               const void *create, const void *update, void *out);
/* count (may be NULL): the rows the operation affected. */
rf_status rf_desc_batch_update_many(rf_batch *batch, const rf_model_desc *m, const void *where,
                                    const void *data, int64_t *count);
rf_status rf_desc_batch_delete_many(rf_batch *batch, const rf_model_desc *m, const void *where,
                                    int64_t *count);
/* One INSERT of at most 1,000 rows (ON CONFLICT DO NOTHING with
 * skip_duplicates); more is refused (RF_INVALID_ARGUMENT when the batch runs). */
rf_status rf_desc_batch_create_many(rf_batch *batch, const rf_model_desc *m, const void *data,
                                    size_t stride, size_t n, bool skip_duplicates,
                                    int64_t *count);
/* Many-to-many link rows: key[0] this model's id, key[1] the target's. */
rf_status rf_desc_link(rf_client *client, const rf_model_desc *m, size_t relation,
                       const void *const *key, bool connect);

/* The entries of rf_model_desc.aggregate: offsetof count, sum, avg, min,
 * max (five each) in `<model>_aggregate_query`, `<model>_aggregate_result`
 * and `<model>_group_by_query`; sizeof the result; and in
 * `<model>_group_by_query` offsetof by, having, order_by, skip; in
 * `<model>_group_by_row` offsetof key and aggregate, and its size. */
enum {
    RF_AGGREGATE_QUERY = 0, RF_AGGREGATE_RESULT = 5, RF_AGGREGATE_SIZE = 10,
    RF_GROUP_QUERY = 11, RF_GROUP_BY = 16, RF_GROUP_HAVING, RF_GROUP_ORDER, RF_GROUP_SKIP,
    RF_GROUP_KEY, RF_GROUP_AGGREGATE, RF_GROUP_ROW_SIZE
};

/* query: a `<model>_aggregate_query *` (NULL: count all rows); out: a
 * `<model>_aggregate_result *` (see desc_aggregate.c for its layout). */
rf_status rf_desc_aggregate(rf_client *client, const rf_model_desc *m, const void *query,
                            void *out, rf_arena *arena);

/* query: a `<model>_group_by_query *`; out: a `<model>_group_by_list *`. */
rf_status rf_desc_group_by(rf_client *client, const rf_model_desc *m, const void *query,
                           void *out, rf_arena *arena);

/*
 * Decodes row `row` of a result whose columns are the model's select list
 * (every field, in field order, starting at column 0) into the row struct
 * `out` (zeroed first; relation members stay empty). Text and bytes are
 * borrowed when the result is kept by an arena (rf_result_keep), else
 * copied into `arena`. For readers that get rows one at a time (streaming).
 */
rf_status rf_desc_decode_row(const rf_model_desc *m, const rf_result *r, int row, void *out,
                             rf_arena *arena);
/*
 * The statement find_many would run for `query` (a `<model>_query *`, NULL:
 * all rows), written into q (rf_query_init'ed by the caller, who frees it):
 * its SQL is the select list of the query's selection (every field when
 * it has none), so rows decode with rf_desc_decode_row when nothing is
 * selected. A negative take orders backwards (the caller reverses).
 * Includes are not loaded. For readers that stream the rows.
 */
rf_status rf_desc_find_many_sql(rf_client *client, const rf_model_desc *m, const void *query,
                                rf_query *q);
/* The model's select list ("t.\"id\", t.\"email\", ...") and quoted table,
 * built once; NULL when out of memory. */
const char *rf_desc_select_list(const rf_model_desc *m);

/*
 * Streaming find_many (refract_stream.h): the rows of `query` (NULL: all),
 * one at a time in constant memory. next decodes the next row into *out
 * (a row struct), resetting `arena` first, and sets *got (false at the
 * end); close ends the stream whether or not it was read to the end, and
 * is safe on a closed or never opened (zeroed) stream.
 */
rf_status rf_desc_stream_open(rf_client *client, const rf_model_desc *m, const void *query,
                              const rf_stream_options *opts, rf_model_stream *out);
rf_status rf_desc_stream_next(rf_model_stream *s, void *out, rf_arena *arena, bool *got);
rf_status rf_desc_stream_close(rf_model_stream *s);
const char *rf_desc_table(const rf_model_desc *m);

#ifdef __cplusplus
}
#endif

#endif /* REFRACT_DESC_H */
