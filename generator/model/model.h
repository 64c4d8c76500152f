/*
 * model.h — the resolved schema: what the database will hold and what the C
 * client will expose, with every name already computed.
 *
 * model_resolve() turns a parsed ast_schema into a model_schema and checks
 * Prisma's rules on the way. The differ (migrate/) and the emitter (emit/)
 * read this model only, never the AST: table, column, constraint and index
 * names are final here (@map/@@map applied, Prisma's default constraint names
 * computed and truncated to 63 bytes as Prisma does), PostgreSQL types are
 * rendered as Prisma Migrate renders them, and the C identifiers the emitter
 * uses are computed here (see c_names.c and docs/model-json.md, "C names"):
 * a model or enum keeps the snake_case of its name, every identifier generated
 * for it is that plus a fixed suffix, and a clash in the generated namespace
 * is a validation error on the declaration that introduces it, so adding a
 * declaration never renames another. Struct members are escaped with a
 * trailing '_' when C, C++ or the usual headers reserve the name.
 *
 * Ownership: everything (structs, arrays, strings) lives in the arena passed
 * to model_resolve() and is read-only afterwards. Strings that came from the
 * AST may point into the AST's arena, so keep the ast_schema alive as long as
 * the model. Arrays are (pointer, count) pairs; pointers between entities
 * (column → enum, foreign key → table, ...) are stable.
 *
 * Order: every list is in the order Prisma uses, so a renderer that walks the
 * lists in order produces Prisma's statement order:
 *   - tables: models and views in source order (files in path order), then
 *     the implicit many-to-many join tables in Prisma's relation order;
 *   - columns: scalar fields in field order (relation fields are not columns);
 *   - indexes: field-level @unique in field order, then @@index, then
 *     @@unique, then @@fulltext, each in source order;
 *   - foreign keys: relation fields that hold `fields:` in field order.
 */
#ifndef REFRACT_MODEL_H
#define REFRACT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../parse/ast.h"
#include "../parse/diag.h"
#include "../util/arena.h"

/* PostgreSQL's identifier limit (NAMEDATALEN - 1); Prisma truncates default
 * constraint names to it. */
#define MODEL_MAX_IDENTIFIER 63

typedef struct model_schema model_schema;
typedef struct model_table model_table;
typedef struct model_column model_column;
typedef struct model_enum model_enum;
typedef struct model_enum_value model_enum_value;
typedef struct model_relation model_relation;
typedef struct model_relation_field model_relation_field;
typedef struct model_foreign_key model_foreign_key;

/* ---- scalar types ---------------------------------------------------------- */

typedef enum model_scalar {
    MODEL_STRING,
    MODEL_BOOLEAN,
    MODEL_INT,
    MODEL_BIGINT,
    MODEL_FLOAT,
    MODEL_DECIMAL,
    MODEL_DATETIME,
    MODEL_JSON,
    MODEL_BYTES,
    MODEL_ENUM,        /* column.enum_type says which */
    MODEL_UNSUPPORTED, /* Unsupported("..."): column.sql_type is the string */
} model_scalar;

/* "String", "Int", ...; "Unsupported" for MODEL_UNSUPPORTED, the enum's name
 * is not known here so MODEL_ENUM gives "enum". */
const char *model_scalar_name(model_scalar s);

/* A native type attribute `@db.VarChar(255)`: name without the datasource
 * prefix ("VarChar"), and its integer arguments. name is NULL when the field
 * has none. */
typedef struct model_native_type {
    const char *name;
    uint32_t args[2];
    size_t nargs;
} model_native_type;

/* ---- defaults --------------------------------------------------------------- */

typedef enum model_literal_kind {
    MODEL_LIT_STRING, /* text, text_len: decoded value (escapes resolved) */
    MODEL_LIT_INT,    /* text: as written, e.g. "-42", "9007199254740993" */
    MODEL_LIT_FLOAT,  /* text: as written, e.g. "1.5", "0.00", "1e10" */
    MODEL_LIT_BOOL,   /* boolean; text: "true" / "false" */
    MODEL_LIT_ENUM,   /* enum_value; text: the value's Prisma name */
    MODEL_LIT_LIST,   /* items, count: a list default `[1, 2]` */
} model_literal_kind;

typedef struct model_literal model_literal;
struct model_literal {
    model_literal_kind kind;
    const char *text;
    size_t text_len;
    bool boolean;
    const model_enum_value *enum_value;
    model_literal *items;
    size_t count;
};

typedef enum model_default_kind {
    MODEL_DEFAULT_NONE,
    MODEL_DEFAULT_LITERAL,       /* literal */
    MODEL_DEFAULT_AUTOINCREMENT, /* autoincrement(): SERIAL & co. */
    MODEL_DEFAULT_NOW,           /* now(): CURRENT_TIMESTAMP */
    MODEL_DEFAULT_UUID,          /* uuid(4|7): filled by the client; version */
    MODEL_DEFAULT_CUID,          /* cuid(1|2): filled by the client; version */
    MODEL_DEFAULT_NANOID,        /* nanoid(n): filled by the client; length (21 if absent) */
    MODEL_DEFAULT_ULID,          /* ulid(): filled by the client */
    MODEL_DEFAULT_DBGENERATED,   /* dbgenerated("expr"): expr verbatim, NULL for dbgenerated() */
    MODEL_DEFAULT_SEQUENCE,      /* sequence(): CockroachDB only, rejected on PostgreSQL */
} model_default_kind;

typedef struct model_default {
    model_default_kind kind;
    model_literal literal; /* LITERAL */
    unsigned version;      /* UUID: 4 or 7; CUID: 1 or 2 */
    unsigned length;       /* NANOID */
    const char *expr;      /* DBGENERATED */
    ast_loc loc;           /* the @default attribute */
} model_default;

/* Whether the database computes the value (autoincrement, now, dbgenerated,
 * literal) as opposed to the client (uuid, cuid, nanoid, ulid) or nobody. */
bool model_default_in_database(const model_default *d);

/* ---- enums ------------------------------------------------------------------- */

struct model_enum_value {
    const char *name;    /* Prisma name: "ADMIN", "inProgress" */
    const char *db_name; /* after @map: the label stored in PostgreSQL */
    const char *c_name;  /* UPPER_SNAKE: "ADMIN", "IN_PROGRESS"; the emitter
                            prepends its PREFIX_ENUM_ */
    const char *doc;
    const model_enum *enum_type;
    ast_loc loc;
};

struct model_enum {
    const char *name;    /* Prisma name: "Role" */
    const char *db_name; /* after @@map: the PostgreSQL type name */
    const char *schema;  /* @@schema, or NULL for the datasource's default */
    const char *c_name;  /* snake_case: "role", "order_status" */
    const char *c_upper; /* UPPER_SNAKE: "ROLE", "ORDER_STATUS" */
    const char *doc;
    model_enum_value *values;
    size_t nvalues;
    ast_loc loc;
};

/* ---- columns ------------------------------------------------------------------ */

struct model_column {
    const char *name;    /* field name: "createdAt" */
    const char *db_name; /* after @map: "created_at" or "createdAt" */
    const char *c_name;  /* C member: "created_at", "class_" (escaped), or
                            "createdAt" when another field is `created_at` */
    const char *c_upper; /* c_name in upper case, letter by letter: the
                            <PREFIX>_<MODEL>_BY_<FIELD> constant */
    const char *doc;
    const model_table *table;
    size_t index;        /* position in table->columns */

    model_scalar type;
    const model_enum *enum_type; /* MODEL_ENUM */
    /* The PostgreSQL type as Prisma Migrate writes it, without the list
     * suffix: "TEXT", "INTEGER", "BIGINT", "DOUBLE PRECISION",
     * "DECIMAL(65,30)", "BOOLEAN", "TIMESTAMP(3)", "JSONB", "BYTEA",
     * "VARCHAR(191)", "UUID", "TIMESTAMPTZ(6)"...; for an enum column the
     * enum's db_name (unquoted: quote it, and qualify with enum_type->schema
     * when set); for Unsupported("x") the string x verbatim. The
     * autoincrement pseudo-types (SERIAL...) are the renderer's business:
     * sql_type stays INTEGER/BIGINT/SMALLINT and default.kind says
     * AUTOINCREMENT. */
    const char *sql_type;
    model_native_type native;    /* @db.X(args), name NULL when absent */

    bool required;   /* no `?`: `T` or `T[]` */
    bool list;       /* T[] */
    bool nullable;   /* the SQL column accepts NULL: `T?`, and lists (Prisma
                        writes no NOT NULL for `T[]`) */
    bool updated_at; /* @updatedAt */
    bool ignored;    /* @ignore: in the table, not in the client */
    bool id;         /* part of the primary key */
    model_default dflt;
    ast_loc loc;     /* the field */
};

/* ---- keys and indexes ---------------------------------------------------------- */

typedef enum model_sort { MODEL_SORT_DEFAULT, MODEL_SORT_ASC, MODEL_SORT_DESC } model_sort;

/* One column of a key or index with its per-column arguments. */
typedef struct model_index_part {
    const model_column *column;
    model_sort sort;    /* sort: Asc|Desc; DEFAULT when not written */
    uint32_t length;    /* length: n (MySQL/SQL Server; 0 when absent) */
    const char *ops;    /* operator class as SQL: "jsonb_path_ops",
                           raw("text_pattern_ops") verbatim; NULL when absent */
    const char *ops_name; /* Prisma's constant ("JsonbPathOps"); NULL for raw() */
} model_index_part;

typedef struct model_primary_key {
    const char *name;    /* @@id(name: "x") client name, or NULL */
    const char *db_name; /* map: or "<table>_pkey" (truncated) */
    bool db_name_default;/* true when no map: was given */
    const char *c_name;  /* snake_case name of the criterion for C:
                            "id", "user_id_group_id", "key_locale" */
    model_index_part *parts;
    size_t nparts;
    bool from_field;     /* @id (true) or @@id (false) */
    ast_loc loc;
} model_primary_key;

typedef enum model_index_kind {
    MODEL_INDEX_NORMAL,   /* @@index */
    MODEL_INDEX_UNIQUE,   /* @unique, @@unique */
    MODEL_INDEX_FULLTEXT, /* @@fulltext (MySQL/MongoDB; rejected on PostgreSQL) */
} model_index_kind;

typedef enum model_index_type {
    MODEL_INDEX_BTREE, /* default, written without USING */
    MODEL_INDEX_HASH,
    MODEL_INDEX_GIST,
    MODEL_INDEX_GIN,
    MODEL_INDEX_SPGIST,
    MODEL_INDEX_BRIN,
} model_index_type;

/* "BTree", "Hash", ... (Prisma's spelling) and "BTREE", "HASH", "GIST",
 * "GIN", "SPGIST", "BRIN" (the SQL after USING). */
const char *model_index_type_name(model_index_type t);
const char *model_index_type_sql(model_index_type t);

typedef struct model_index {
    model_index_kind kind;
    const char *name;     /* @@unique(name: "x") client name, or NULL */
    const char *db_name;  /* map: or "<table>_<cols>_key" / "_idx" (truncated) */
    bool db_name_default; /* true when no map: was given */
    const char *c_name;   /* UNIQUE: snake_case name of the criterion for C
                             ("email", "name_category"); NULL otherwise */
    model_index_part *parts;
    size_t nparts;
    model_index_type type;
    const char *where;    /* partial index predicate (raw SQL), or NULL */
    bool from_field;      /* @unique on a field */
    const model_table *table;
    ast_loc loc;
} model_index;

/* ---- relations ------------------------------------------------------------------ */

typedef enum model_ref_action {
    MODEL_ACTION_CASCADE,
    MODEL_ACTION_RESTRICT,
    MODEL_ACTION_NO_ACTION,
    MODEL_ACTION_SET_NULL,
    MODEL_ACTION_SET_DEFAULT,
} model_ref_action;

/* "Cascade", ... (Prisma) and "CASCADE", "RESTRICT", "NO ACTION",
 * "SET NULL", "SET DEFAULT" (SQL). */
const char *model_ref_action_name(model_ref_action a);
const char *model_ref_action_sql(model_ref_action a);

/* A foreign key constraint of a table. Prisma's defaults are applied:
 * onDelete SetNull when any FK column is optional, else Restrict; onUpdate
 * Cascade. For implicit m:n join tables both actions are Cascade. */
struct model_foreign_key {
    const char *db_name;  /* map: or "<table>_<cols>_fkey" (truncated) */
    bool db_name_default;
    const model_table *table;
    const model_column **columns;
    size_t ncolumns;
    const model_table *ref_table;
    const model_column **ref_columns;
    model_ref_action on_delete, on_update;
    bool on_delete_explicit, on_update_explicit; /* written in the schema */
    const model_relation *relation;
    ast_loc loc;          /* the @relation attribute */
};

typedef enum model_relation_kind {
    MODEL_REL_ONE_TO_ONE,
    MODEL_REL_ONE_TO_MANY,
    MODEL_REL_MANY_TO_MANY, /* implicit: through relation->join_table */
} model_relation_kind;

/* A relation field: `author User @relation(...)` or `posts Post[]`. */
struct model_relation_field {
    const char *name;     /* "author" */
    const char *c_name;   /* "author" */
    const char *doc;
    const model_table *table;  /* the model that has the field */
    const model_table *target; /* the model it points to */
    const model_relation *relation;
    const model_relation_field *opposite; /* the back-relation field */
    bool list;            /* Post[] */
    bool required;        /* to-one without `?` */
    bool ignored;         /* @ignore */
    /* Set on the side that has `fields:`/`references:` (the FK holder):
     * the local scalar columns and the referenced ones. The same columns
     * as fk when the constraint exists. */
    const model_column **fields;
    const model_column **references;
    size_t nfields;
    const model_foreign_key *fk; /* the constraint; NULL on the other side,
                                    for m:n, and with relationMode="prisma" */
    size_t index;         /* position in table->relation_fields */
    ast_loc loc;
};

struct model_relation {
    model_relation_kind kind;
    /* The relation's name: @relation("x") / name: "x", else Prisma's default
     * "<A>To<B>" (model names sorted). */
    const char *name;
    bool name_explicit;
    /* 1:1 and 1:n: `from` holds fields/references (the FK side), `to` is the
     * referenced side (`to` is a list for 1:n). m:n: `from` is the field on
     * model A (the model whose name sorts first), whose owner's id is stored
     * in the join table's column A; `to` the field on model B. For a
     * self-relation Prisma orders the fields by name: `to` is the field
     * whose name sorts first (its targets are in column A), `from` the
     * other. */
    const model_relation_field *from;
    const model_relation_field *to;
    const model_foreign_key *fk; /* 1:1 / 1:n: from->fk */
    const model_table *join_table; /* m:n: "_AToB" or "_Name" */
    bool self;            /* both ends on the same model */
};

/* ---- tables ---------------------------------------------------------------------- */

typedef enum model_table_kind {
    MODEL_TABLE_MODEL,
    MODEL_TABLE_VIEW,       /* `view`: not created by migrations */
    MODEL_TABLE_JOIN,       /* implicit m:n table: columns "A", "B" */
} model_table_kind;

struct model_table {
    model_table_kind kind;
    const char *name;     /* Prisma model name: "User"; join tables: their db_name */
    const char *db_name;  /* after @@map */
    const char *schema;   /* @@schema, or NULL for the datasource's default */
    const char *c_name;   /* snake_case: "user", "order_item"; NULL for join tables */
    const char *c_upper;  /* UPPER_SNAKE: "USER", "ORDER_ITEM"; NULL for join tables */
    const char *doc;
    bool ignored;         /* @@ignore: kept in the database, not in the client */

    model_column *columns;
    size_t ncolumns;
    model_relation_field *relation_fields;
    size_t nrelation_fields;

    model_primary_key *pk; /* NULL when none (views, ignored models) */
    model_index *indexes;
    size_t nindexes;
    model_foreign_key *fks;
    size_t nfks;

    const model_relation *join_relation; /* JOIN: the m:n relation it serves */
    size_t index;         /* position in schema->tables */
    ast_loc loc;          /* the block; zero for join tables */
};

/* ---- datasource, generators ------------------------------------------------------- */

/* A value of a datasource/generator property: a string literal, or env("X"). */
typedef struct model_config_value {
    const char *value;  /* the literal string, NULL when env() */
    const char *env;    /* the variable name of env("X"), NULL otherwise */
} model_config_value;

typedef struct model_extension {
    const char *name;    /* as written in extensions = [...] ("pgvector") */
    const char *db_name; /* map: or name ("vector") */
    const char *schema;  /* schema: or NULL */
    const char *version; /* version: or NULL */
} model_extension;

typedef enum model_relation_mode {
    MODEL_RELATION_MODE_FOREIGN_KEYS, /* default: constraints in the database */
    MODEL_RELATION_MODE_PRISMA,       /* relationMode = "prisma": no FK constraints */
} model_relation_mode;

typedef struct model_datasource {
    const char *name;       /* "db": the prefix of native type attributes */
    const char *provider;   /* "postgresql" (or "postgres") */
    model_config_value url, direct_url, shadow_database_url; /* value & env NULL when absent */
    const char **schemas;   /* schemas = [...] (multiSchema), in order */
    size_t nschemas;
    model_extension *extensions;
    size_t nextensions;
    model_relation_mode relation_mode;
    ast_loc loc;
} model_datasource;

typedef struct model_config_entry {
    const char *key;
    const ast_expr *value; /* as written (string, array, env(...)) */
    const char *text;      /* the string value when it is a string literal, else NULL */
} model_config_entry;

typedef struct model_generator {
    const char *name;      /* "client" */
    const char *provider;  /* "refract", "prisma-client-js", ... (string or env value) */
    const char *output;    /* output = "..." or NULL */
    const char **preview_features;
    size_t npreview_features;
    model_config_entry *config; /* every property, provider and output included */
    size_t nconfig;
    ast_loc loc;
} model_generator;

/* Returns the string value of a generator property (e.g. "prefix"), or NULL. */
const char *model_generator_get(const model_generator *g, const char *key);

/* Whether a refract generator's `prefix` can begin C names (letters, digits
 * and '_', not a digit first): both files and every name are made from it. */
bool model_c_prefix_valid(const char *prefix);

/* ---- the schema ---------------------------------------------------------------------- */

struct model_schema {
    const ast_schema *ast;
    bool has_datasource;
    model_datasource datasource;
    model_generator *generators;
    size_t ngenerators;

    model_table *tables;     /* models, views, then join tables (see top) */
    size_t ntables;
    model_enum *enums;       /* in source order */
    size_t nenums;
    model_relation *relations;
    size_t nrelations;
};

/*
 * Resolve and validate `ast`. Every problem goes to `diags` (errors and
 * warnings, in Prisma's words). Returns the model allocated in `arena`, or
 * NULL when any error was found (warnings alone do not fail).
 */
model_schema *model_resolve(const ast_schema *ast, arena *arena, diag_list *diags);

/* ---- lookups (NULL when absent; names are Prisma names, case-sensitive) ---------------- */

const model_table *model_find_table(const model_schema *s, const char *model_name);
const model_table *model_find_table_db(const model_schema *s, const char *schema,
                                       const char *db_name);
const model_enum *model_find_enum(const model_schema *s, const char *name);
const model_column *model_find_column(const model_table *t, const char *field_name);
const model_column *model_find_column_db(const model_table *t, const char *db_name);
const model_relation_field *model_find_relation_field(const model_table *t, const char *name);
const model_enum_value *model_find_enum_value(const model_enum *e, const char *name);

/* Unique criteria of a table as Prisma Client offers them to findUnique: the
 * primary key first (if any), then each unique index, in order. Returns how
 * many; fills at most `cap` entries of `out` (pass 0/NULL to count). Each
 * entry is either a primary key or a unique index. */
typedef struct model_unique_criterion {
    const model_primary_key *pk;  /* exactly one of pk / index is set */
    const model_index *index;
    const model_index_part *parts;
    size_t nparts;
    const char *c_name;           /* "id", "email", "user_id_group_id" */
} model_unique_criterion;
size_t model_unique_criteria(const model_table *t, model_unique_criterion *out, size_t cap);

/* ---- naming (exposed for the differ and tests) --------------------------------------- */

/* Prisma's default constraint names, truncated to MODEL_MAX_IDENTIFIER
 * bytes as Prisma does. `cols` are database column names. */
const char *model_name_pkey(arena *a, const char *table);
const char *model_name_key(arena *a, const char *table, const char *const *cols, size_t n);
const char *model_name_idx(arena *a, const char *table, const char *const *cols, size_t n);
const char *model_name_fkey(arena *a, const char *table, const char *const *cols, size_t n);

/* C identifiers: "createdAt" → "created_at", "HTTPServer" → "http_server",
 * "User" → "user"; and the UPPER_SNAKE form. */
const char *model_c_snake(arena *a, const char *name);
const char *model_c_upper(arena *a, const char *name);

/* s with every letter in upper case (no word splitting): "createdAt" → "CREATEDAT". */
const char *model_c_upper_exact(arena *a, const char *s);

/* The C names of the columns of `parts` joined with '_': the name of an
 * unnamed compound unique criterion ("user_id_group_id"). */
const char *model_c_join(arena *a, const model_index_part *parts, size_t n);

/* Whether a struct member cannot be named `name` as is: a keyword of C11,
 * C23, GNU C or C++ (up to C++20, with the alternative tokens `and`, `or`...),
 * a macro of GNU C (`unix`, `linux`) or of the standard headers a program
 * includes with the client (`bool`, `errno`, `stdin`...), a type of
 * <stddef.h>/<stdint.h>, or a name in refract's own `rf_` namespace, which
 * generated code keeps for its parameters and locals. */
bool model_c_reserved(const char *name);

#endif
