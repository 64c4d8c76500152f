/*
 * desc_internal.h — what the descriptor-driven operations (desc_*.c) share:
 * the SQL built once per model, and the helpers that read typed members at
 * descriptor offsets. Not installed.
 */
#ifndef REFRACT_DESC_INTERNAL_H
#define REFRACT_DESC_INTERNAL_H

#include "internal.h"
#include "refract_desc.h"

/* The member at `offset` of the struct at `base`. */
#define RF_AT(base, offset) ((const char *)(base) + (offset))
#define RF_AT_MUT(base, offset) ((char *)(base) + (offset))

/* A generated `<x>_list`, `<enum>_array`, rf_*_array: pointer, count. */
typedef struct rf_any_list {
    void *items;
    size_t count;
} rf_any_list;

/* A generated `<enum>_opt` (enums are int-sized). */
typedef struct rf_enum_opt {
    bool has;
    int value;
} rf_enum_opt;

/* The fixed-shape SQL of one model, built once (desc_sql.c). */
typedef struct rf_desc_sql {
    rf_arena mem;               /* everything below lives here, forever */
    const char *table;          /* "schema"."Table" */
    const char *select;         /* t."a", t."b", ... */
    const char **column;        /* per field: "a" quoted */
    const char **qualified;     /* per field: t."a" */
    const char *self_set;       /* "a" = t."a": an update that changes nothing */
    /* Heads and tails of the dynamic statements, so that building one
     * appends few pieces: */
    const char *select_head;    /* SELECT <all> FROM <table> AS t WHERE  */
    const char *count_head;     /* SELECT COUNT(*) FROM <table> AS t WHERE  */
    const char *update_head;    /* UPDATE <table> AS t SET  */
    const char *delete_head;    /* DELETE FROM <table> AS t WHERE  */
    const char *returning;      /*  RETURNING <all> */
    rf_table_shape shape;       /* for ordering and cursors */
    rf_stmt *find;              /* per unique: SELECT ... WHERE key */
    rf_stmt *del;               /* per unique: DELETE ... WHERE key RETURNING ... */
    rf_stmt *load;              /* per relation: related rows for many parents (ANY($1)) */
    rf_stmt *load_one;          /* per relation: for one parent (= $1) */
    rf_stmt *link;              /* per relation: m:n INSERT (connect) */
    rf_stmt *unlink;            /* per relation: m:n DELETE (disconnect) */
    int *target_link;           /* per relation: field number of target_column */
} rf_desc_sql;

/* A to-many relation's member of a query's `count` (rf_relation_desc.count_select). */
typedef struct rf_count_select {
    bool on;
    const void *where;
} rf_count_select;

/* ---- relation counts (desc_counts.c) ----------------------------------------- */

/* Relation r's `{bool on; where}` when `query` (a `<model>_query *`, may be
 * NULL) counts it in its `count`, else when `include` (a `<model>_include *`,
 * may be NULL) does in its `_count`; NULL when neither does. */
const rf_count_select *rf_desc_counted(const rf_relation_desc *r, const void *query,
                                       const void *include);
bool rf_desc_any_counted(const rf_model_desc *m, const void *query, const void *include);
/* ", (SELECT COUNT(*) ...)" per counted relation, correlated with alias t. */
void rf_desc_put_counts(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        const void *query, const void *include);
/* The counts rf_desc_put_counts wrote, from column col, into each row's _count. */
rf_status rf_desc_decode_counts(const rf_model_desc *m, const void *query, const void *include,
                                const rf_result *r, int col, void *items);
/* The number of columns a select list of `select` has (NULL: every field). */
int rf_desc_selected_columns(const rf_model_desc *m, rf_select select);

/* The model's SQL, built on first use (thread-safe); NULL: out of memory. */
const rf_desc_sql *rf_desc_sql_get(const rf_model_desc *m);

/* Appends the select list of the fields chosen by `select` (NULL: all). */
void rf_desc_put_select(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        rf_select select);

/* ---- values (desc_values.c) ---------------------------------------------- */

/* Adds the plain (required, non-list) value at v as the next parameter. */
void rf_desc_bind_plain(rf_query *q, const rf_field_desc *f, const void *v);
/* Adds the array at v (an rf_*_array / <enum>_array) as the next parameter. */
void rf_desc_bind_list(rf_query *q, const rf_field_desc *f, const void *v);
/* The conditions of a list field's filter (desc_where_list.c). */
void rf_desc_where_list(rf_query *q, const rf_field_desc *f, const char *col, const void *filter);
/* Whether the optional-form member at v (rf_opt_*, NULL pointer, <enum>_opt,
 * empty array) holds a value, and where the plain value is (*value). */
bool rf_desc_value_given(const rf_field_desc *f, const void *v, const void **value);
/* The column list and values of an INSERT from a create input. */
void rf_desc_put_insert(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                        const void *data);
/* Binds field f of the create input `data` as the next parameter (a
 * client-side id or @updatedAt made when not given); false, binding
 * nothing, when an omittable member was left out (or f has no member). */
bool rf_desc_bind_create(rf_query *q, const rf_field_desc *f, const void *data);
/* Whether rf_desc_bind_create would bind f for `data`. */
bool rf_desc_create_given(const rf_field_desc *f, const void *data);
/* " WHERE t."a" = $n AND ..." with the key values (one pointer per part
 * of u) as the next parameters. */
void rf_desc_put_key(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                     const rf_unique_desc *u, const void *const *key);
/* SET items of an update input (NULL: all KEEP, only @updatedAt moves);
 * `noop` when nothing is set. */
void rf_desc_put_set(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                     const void *data, const char *noop);

/* ---- COPY text format (copy_text.c) -------------------------------------- */

/* A growing byte buffer (malloc'ed; failed once out of memory). */
typedef struct rf_buf {
    char *data;
    size_t len, cap;
    bool failed;
} rf_buf;

void rf_buf_free(rf_buf *b);
void rf_buf_put(rf_buf *b, const char *s, size_t n);
/* Parameter i of p as one field of COPY's text format: \N for NULL,
 * text escaped, binary-encoded scalars (int2/4/8, float8, bool, date,
 * time, timestamp[tz], bytea) in the text the server reads back exactly. */
void rf_copy_put_param(rf_buf *b, const rf_params *p, int i);

/* COPY ... FROM STDIN (desc_bulk.c): start it (RF_OK: the server waits for
 * rows, sent with PQputCopyData on c->conn); then end it and read its
 * outcome, *count the rows copied. `abort_reason`: give up instead (the
 * server discards every row sent), returning `why`. */
rf_status rf_desc_copy_begin(rf_client *c, const char *sql);
rf_status rf_desc_copy_finish(rf_client *c, const char *abort_reason, rf_status why,
                              int64_t *count);

/* ---- COPY binary format (copy_binary.c) ------------------------------------ */

/* How a field's bound values go into binary COPY. */
enum { RF_COPY_NONE = 0, RF_COPY_VERBATIM, RF_COPY_TEXT, RF_COPY_JSONB };

/* Reads the server's types of the model's columns (one statement) and says
 * how[i] each copied field (cols[i]) goes into binary COPY; *usable: every
 * one can (else text COPY is the way). */
rf_status rf_copy_binary_plan(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                              const bool *cols, unsigned char *how, bool *usable);
/* The file header, each tuple's field count, the trailer. */
void rf_copy_binary_header(rf_buf *b);
void rf_copy_binary_tuple(rf_buf *b, size_t nfields);
void rf_copy_binary_trailer(rf_buf *b);
/* Parameter i of p as one field, as planned (b fails on a value of
 * another form than the plan's). */
void rf_copy_binary_put_param(rf_buf *b, const rf_params *p, int i, unsigned char how);

/* ---- filters (desc_where.c) ----------------------------------------------- */

/* The conditions of a `<model>_where` into the current group. */
void rf_desc_put_where(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                       const void *where);
/* A whole WHERE condition: the where's conditions ANDed in a group of their
 * own (TRUE when `where` is NULL or empty). */
void rf_desc_put_where_group(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where);
/* The same for the rows of alias "t<depth>" (depth 0: "t"), inside the
 * EXISTS subqueries of relation filters. */
void rf_desc_put_where_at(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                          const void *where, int depth);
/* "t<depth>"."column" of field i (in the query's scratch memory). */
const char *rf_desc_column_at(rf_query *q, const rf_desc_sql *s, size_t i, int depth);

/* ---- relation filters (desc_relfilter.c) ------------------------------------ */

/* The some / every / none and is / is_not members of a `<model>_where`, as
 * EXISTS subqueries correlated with the rows of alias "t<depth>". */
void rf_desc_put_relation_filters(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                  const void *where, int depth);

/* `head` (e.g. "EXISTS (SELECT 1 FROM ", "(SELECT COUNT(*) FROM ") then
 * the related rows of relation ri of the rows of alias "t<depth>" and the
 * closing parenthesis: "<target> AS t<depth+1> WHERE (<link> AND (<where>))",
 * where negated when not_matching, NULL: no condition. */
void rf_desc_put_related(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s, size_t ri,
                         int depth, const char *head, const void *where, bool not_matching);

/* A quoted identifier / "schema"."table" appended to q (desc_sql.c). */
void rf_desc_put_ident(rf_query *q, const char *name);
void rf_desc_put_table(rf_query *q, const char *schema, const char *table);

/* ---- aggregates (desc_aggregate.c) ------------------------------------------ */

typedef enum rf_agg_op { RF_AGG_COUNT, RF_AGG_SUM, RF_AGG_AVG, RF_AGG_MIN, RF_AGG_MAX,
                         RF_AGG_NOPS } rf_agg_op;

/* Whether op applies to field f (sum, avg: numbers; min, max: not lists,
 * Json, Bytes, Boolean; count: every field). */
bool rf_desc_agg_applies(const rf_field_desc *f, rf_agg_op op);
/* ", COUNT(t."a"), SUM(t."b")::int8, ..." for the fields chosen per op
 * (chosen[op]: a select mask, NULL: none), a leading comma when `comma`;
 * fails q with RF_INVALID_ARGUMENT for an op on a field it does not apply
 * to. Returns whether anything (or the comma) was written. */
bool rf_desc_put_aggregates(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                            const rf_select *chosen, bool comma);
/* "SUM(col)::int8": op over field f's column, with Prisma's result type. */
void rf_desc_put_agg(rf_query *q, const rf_field_desc *f, rf_agg_op op, const char *col);
/* Decodes the columns rf_desc_put_aggregates wrote (from *col on, which
 * advances) into the per-op structs starting at out + starts[op]. */
rf_status rf_desc_decode_aggregates(const rf_model_desc *m, const rf_select *chosen,
                                    const size_t *starts, const rf_result *r, int row, int *col,
                                    void *out, rf_arena *arena);

/* ---- decoding (desc_decode.c) --------------------------------------------- */

/* Every row of r into items (row structs), column by column from col0. */
/* One value into the member at dst, of the type f's kind and flags give. */
rf_status rf_desc_decode_value(const rf_field_desc *f, const rf_result *r, int row, int col,
                               void *dst, rf_arena *arena);
rf_status rf_desc_decode_rows(const rf_model_desc *m, rf_select select, const rf_result *r,
                              int col0, void *items, rf_arena *arena);
/* Row `row` of r into out, from col0. */
rf_status rf_desc_decode_one(const rf_model_desc *m, rf_select select, const rf_result *r,
                             int row, int col0, void *out, rf_arena *arena);

/* ---- relations (desc_include.c) ------------------------------------------- */

/* Loads the relations chosen by `include` (a `<model>_include *`, may be
 * NULL) for rows[0..n). */
/* Whether `include` (a `<model>_include *`, may be NULL) loads relation r:
 * its bool, or its arguments; and those arguments (a `<target>_query *`). */
bool rf_desc_included(const rf_relation_desc *r, const void *include);
const void *rf_desc_include_args(const rf_relation_desc *r, const void *include);
rf_status rf_desc_include(rf_client *c, const rf_model_desc *m, void *rows, size_t n,
                          const void *include, rf_arena *arena);

/* ---- find_many's SQL by shape (desc_shape.c) -------------------------------- */

#define RF_SHAPE_MAX_ORDER 4
/* Everything the SQL of a simple find_many depends on (see desc_shape.c);
 * zeroed whole before it is filled, so that it compares and hashes as bytes. */
typedef struct rf_read_shape {
    const rf_model_desc *model;
    uint64_t select;               /* bit i: field i (when has_select) */
    uint64_t counts;               /* bit i: relation i counted */
    int32_t by[RF_SHAPE_MAX_ORDER];
    uint8_t sort[RF_SHAPE_MAX_ORDER], nulls[RF_SHAPE_MAX_ORDER];
    uint8_t norder, has_select, take, skip, lock_mode, skip_locked, nowait;
} rf_read_shape;
/* The shape of a find_many (query may be NULL; h its head, take already
 * replaced for find_first; select after rf_desc_with_links) into out; false
 * when its SQL depends on more than the shape records (a where, a cursor,
 * distinct, ordering by relations, a count with a filter...). */
bool rf_read_shape_of(const rf_model_desc *m, const void *query, const rf_query_head *h,
                      rf_select select, rf_read_shape *out);
/* The statement remembered for shape k on this client, if any. */
bool rf_read_shape_find(const rf_client *c, const rf_read_shape *k, rf_stmt *out);
/* Remembers sql (copied) for shape k. */
void rf_read_shape_put(rf_client *c, const rf_read_shape *k, const char *sql);
/* The parameters of a statement of such a shape: take's magnitude, skip. */
void rf_read_shape_params(const rf_query_head *h, rf_params *p);

/* ---- statements without a client (what batches queue) ----------------------- */

/* How the rows of a find_many decode. */
typedef struct rf_rows_shape {
    rf_select select;          /* the columns chosen, NULL: all */
    const bool *counted;       /* per relation: counted after the columns; NULL: none */
    bool reverse;              /* the rows came last first (a negative take) */
} rf_rows_shape;

/* A find_many's SELECT (find_first: take 1, or -1 from the end) into q,
 * and the shape of its rows (copied into q's scratch, so the query need
 * not outlive the call). Returns what is wrong with the query, or NULL.
 * Neither include nor lock: a batch reads every result in one round trip,
 * and a lock would end with the statement. */
const char *rf_desc_put_find_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                  const void *query, bool first, rf_rows_shape *shape);
/* The rows of a find_many's result (kept in arena) into out (`<model>_list`),
 * with the relation counts; RF_NO_MEMORY unrecorded. */
rf_status rf_desc_list_rows(const rf_model_desc *m, const rf_rows_shape *shape,
                            const rf_result *res, rf_any_list *out, rf_arena *arena);
/* INSERT ... ON CONFLICT (<u>) DO UPDATE SET ... (no RETURNING). */
void rf_desc_put_upsert(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s, size_t u,
                        const void *create, const void *update);
/* UPDATE ... SET ... WHERE <where> / DELETE ... WHERE <where>. */
void rf_desc_put_update_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where, const void *data);
void rf_desc_put_delete_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                             const void *where);
/* n create inputs as one multi-row INSERT (ON CONFLICT DO NOTHING with
 * skip_duplicates). Returns what is wrong (too many rows for one
 * statement), or NULL. */
const char *rf_desc_put_create_many(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                                    const void *data, size_t stride, size_t n,
                                    bool skip_duplicates);
/* An aggregate query's where; chosen[op]: its field choices (NULL query:
 * count only). */
const void *rf_desc_aggregate_choices(const rf_model_desc *m, const void *query,
                                      rf_select chosen[RF_AGG_NOPS]);
/* An aggregate's SELECT into q, and its one row into out. */
void rf_desc_put_aggregate(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                           const void *where, const rf_select *chosen);
rf_status rf_desc_decode_aggregate(const rf_model_desc *m, const rf_select *chosen,
                                   const rf_result *res, void *out, rf_arena *arena);

/* ---- running (desc_read.c) ------------------------------------------------ */

/* The select mask plus the link fields of the relations `include` loads
 * (their values are what related rows are matched by); `select` itself
 * when nothing is missing. The copy goes to `mem` (NULL when out of memory). */
rf_select rf_desc_with_links(const rf_model_desc *m, rf_select select, const void *include,
                             rf_arena *mem);

/* RF_NOT_FOUND with the model's table in rf_last_error. */
rf_status rf_desc_not_found(rf_client *c, const rf_model_desc *m);
/* Runs a statement that yields at most one row into out (may be NULL). */
rf_status rf_desc_fetch_one(rf_client *c, const rf_model_desc *m, rf_select select,
                            const rf_stmt *stmt, const rf_params *params, void *out,
                            rf_arena *arena);
/* RF_INVALID_ARGUMENT, recorded on c (when there is one). */
rf_status rf_desc_misuse(rf_client *c, const char *what);

/* ---- nested writes (desc_nested.c, shared with desc_nested_update.c) ------- */

/* Field `field` of a row being inserted takes its value from `from`'s
 * member in `row` (a related row already written). */
typedef struct rf_link_value {
    int field;
    const rf_field_desc *from;
    const void *row;
} rf_link_value;

/* The value of field f in the row struct `row` as the next parameter (SQL
 * NULL when a nullable member holds none; link fields are integers or text). */
void rf_desc_bind_row_value(rf_query *q, const rf_field_desc *f, const void *row);
/* INSERT INTO <m> (...) VALUES (...) from a create input, the fields of
 * `links` taking their related rows' values. */
void rf_desc_put_insert_linked(rf_query *q, const rf_model_desc *m, const rf_desc_sql *s,
                               const void *data, const rf_link_value *links, size_t nlinks);
/* Creates the row of `input` (a `<m>_nested_create`) and its relatives into
 * row (a row struct), the fields of `given` linked to rows already written. */
rf_status rf_desc_create_tree(rf_client *c, const rf_model_desc *m, const void *input,
                              const rf_link_value *given, size_t ngiven, void *row,
                              rf_arena *arena, rf_arena *scratch);
/* The one row of t that `where` matches, into *found (in scratch):
 * RF_NOT_FOUND (P2025) when none, RF_INVALID_ARGUMENT when several. */
rf_status rf_desc_find_one(rf_client *c, const rf_model_desc *t, const void *where,
                           rf_arena *scratch, void **found);
/* The same, *there false (and no error) when there is none. */
rf_status rf_desc_look_up(rf_client *c, const rf_model_desc *t, const void *where,
                          rf_arena *scratch, void **row, bool *there);
/* Points the one row of t that `where` matches at `row` (field `fk` of t
 * takes `from`'s value in row): RF_NOT_FOUND when none. */
rf_status rf_desc_repoint(rf_client *c, const rf_model_desc *t, int fk, const void *where,
                          const rf_field_desc *from, const void *row);
/* Links row (of m) and other (of relation r's target) through the join table. */
rf_status rf_desc_link_rows(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                            size_t r, const void *row, const void *other);
/* Creates the row of `input` (a `<target>_nested_create`) related to `row`
 * through relation r of m (pointing to it, or linked through the join table). */
rf_status rf_desc_create_child(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                               size_t r, const void *input, const void *row, rf_arena *scratch);
/* Relates the existing row `where` names (found: that row when already
 * read, else NULL) to `row` through relation r of m. */
rf_status rf_desc_connect_child(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                                size_t r, const void *where, const void *found,
                                const void *row, rf_arena *scratch);

#endif
