/*
 * emit.c — build the template context for the C client from the model.
 *
 * Everything that depends on a value's type is decided here, in one place
 * per concern: value_kind() classifies a column, then small tables give its
 * C types, decoder, parameter binder, filter and update helpers. The
 * templates receive finished snippets and SQL (already escaped for C string
 * literals) and only arrange them.
 */
#include "emit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../cli.h"

/* ---- strings ---------------------------------------------------------------- */

/* `s` as the inside of a C string literal: quotes, backslashes, control
 * bytes and '?' (trigraphs) escaped; octal escapes always take 3 digits. */
static const char *c_escape(arena *a, const char *s)
{
    buf b = BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            buf_printf(&b, "\\%c", *p);
        else if (*p == '\n')
            buf_puts(&b, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(&b, "\\%03o", *p);
        else
            buf_putc(&b, (char)*p);
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* A PostgreSQL quoted identifier: "name" with inner quotes doubled. */
static const char *sql_ident(arena *a, const char *name)
{
    buf b = BUF_INIT;
    buf_putc(&b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(&b, '"');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '"');
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static const char *sql_table(arena *a, const model_table *t)
{
    if (t->schema)
        return arena_printf(a, "%s.%s", sql_ident(a, t->schema), sql_ident(a, t->db_name));
    return sql_ident(a, t->db_name);
}

/* A doc comment at `indent`, ending with a newline and followed by the
 * indentation again, so a template can write `{{doc}}int x;` after the
 * indentation; "" when there is no doc. */
static const char *doc_comment(arena *a, const char *doc, const char *indent)
{
    if (!doc || !*doc)
        return "";
    /* "/// text" gives " text": the comment adds its own space. */
    bool all_spaced = true;
    for (const char *l = doc; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        all_spaced = all_spaced && (*l == ' ' || *l == '\n' || !*l);
    buf b = BUF_INIT;
    bool multi = strchr(doc, '\n') != NULL;
    buf_puts(&b, multi ? "/**\n" : "/** ");
    const char *line = doc;
    for (;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (all_spaced && len && line[0] == ' ') {
            line++;
            len--;
        }
        if (multi) {
            buf_puts(&b, indent);
            buf_puts(&b, len ? " * " : " *");
        }
        for (size_t i = 0; i < len; i++) {
            char c = line[i];
            /* Nothing inside may end or nest the comment. */
            if ((c == '*' && i + 1 < len && line[i + 1] == '/') ||
                (c == '/' && i + 1 < len && line[i + 1] == '*')) {
                buf_putc(&b, c);
                buf_putc(&b, ' ');
                continue;
            }
            if (c == '?' && i + 1 < len && line[i + 1] == '?') {
                buf_puts(&b, "? ");
                continue;
            }
            buf_putc(&b, (unsigned char)c < 0x20 ? ' ' : c);
        }
        if (multi)
            buf_putc(&b, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    if (multi) {
        buf_puts(&b, indent);
        buf_puts(&b, " */\n");
    } else {
        buf_puts(&b, " */\n");
    }
    buf_puts(&b, indent);
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static const char *upper(arena *a, const char *s)
{
    char *u = arena_strdup(a, s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

bool emit_prefix_valid(const char *prefix)
{
    return model_c_prefix_valid(prefix);
}

/* ---- value kinds ---------------------------------------------------------------- */

typedef enum value_kind {
    VK_TEXT, VK_DECIMAL, VK_JSON, VK_I32, VK_I64, VK_F64, VK_BOOL, VK_TIME, VK_BYTES, VK_ENUM,
    VK_NONE /* not in the client */
} value_kind;

static value_kind value_kind_of(const model_column *c)
{
    if (c->ignored)
        return VK_NONE;
    switch (c->type) {
    case MODEL_STRING: return VK_TEXT;
    case MODEL_DECIMAL: return VK_DECIMAL;
    case MODEL_JSON: return VK_JSON;
    case MODEL_INT: return VK_I32;
    case MODEL_BIGINT: return VK_I64;
    case MODEL_FLOAT: return VK_F64;
    case MODEL_BOOLEAN: return VK_BOOL;
    case MODEL_DATETIME: return VK_TIME;
    case MODEL_BYTES: return VK_BYTES;
    case MODEL_ENUM: return c->enum_type ? VK_ENUM : VK_NONE;
    case MODEL_UNSUPPORTED: return VK_NONE;
    }
    return VK_NONE;
}

/* The runtime's parameter kind for a DateTime column. */
static const char *time_kind(const model_column *c)
{
    const char *t = c->sql_type ? c->sql_type : "";
    if (!strncmp(t, "TIMESTAMPTZ", 11) || !strncmp(t, "TIMESTAMP WITH TIME ZONE", 24))
        return "RF_OID_TIMESTAMPTZ";
    if (!strncmp(t, "TIMESTAMP", 9))
        return "RF_OID_TIMESTAMP";
    if (!strncmp(t, "DATE", 4))
        return "RF_OID_DATE";
    if (!strncmp(t, "TIMETZ", 6) || !strncmp(t, "TIME WITH TIME ZONE", 19))
        return "RF_OID_UNKNOWN"; /* sent as ISO text */
    if (!strncmp(t, "TIME", 4))
        return "RF_OID_TIME";
    return "RF_OID_UNKNOWN";
}

/* Per-kind names: [0] short name used in runtime function names,
 * [1] required type, [2] nullable type, [3] list type. Enums are per enum. */
static const char *const kind_names[][4] = {
    [VK_TEXT] = {"text", "const char *", "const char *", "rf_text_array"},
    [VK_DECIMAL] = {"decimal", "const char *", "const char *", "rf_text_array"},
    [VK_JSON] = {"json", "const char *", "const char *", "rf_text_array"},
    [VK_I32] = {"i32", "int32_t ", "rf_opt_i32 ", "rf_i32_array"},
    [VK_I64] = {"i64", "int64_t ", "rf_opt_i64 ", "rf_i64_array"},
    [VK_F64] = {"f64", "double ", "rf_opt_f64 ", "rf_f64_array"},
    [VK_BOOL] = {"bool", "bool ", "rf_opt_bool ", "rf_bool_array"},
    [VK_TIME] = {"timestamp", "rf_timestamp ", "rf_opt_timestamp ", "rf_timestamp_array"},
    [VK_BYTES] = {"bytes", "rf_bytes ", "rf_bytes ", "rf_bytes_array"},
};

typedef struct emitter {
    arena *a;
    const model_schema *s;
    const char *prefix;
    const char *PREFIX;
} emitter;

static const char *enum_type(emitter *e, const model_enum *en)
{
    return arena_printf(e->a, "%s_%s", e->prefix, en->c_name);
}

/* The C type of a column in the model struct (with a trailing space or '*'
 * so that "TYPE" "name" reads right). */
static const char *row_type(emitter *e, const model_column *c, value_kind k)
{
    if (k == VK_ENUM) {
        const char *t = enum_type(e, c->enum_type);
        if (c->list)
            return arena_printf(e->a, "%s_array ", t);
        return arena_printf(e->a, c->nullable ? "%s_opt " : "%s ", t);
    }
    if (c->list)
        return arena_printf(e->a, "%s ", kind_names[k][3]);
    return kind_names[k][c->nullable ? 2 : 1];
}

/* The type of a key parameter: the value itself, never optional. */
static const char *key_type(emitter *e, const model_column *c, value_kind k)
{
    if (k == VK_ENUM)
        return arena_printf(e->a, "%s ", enum_type(e, c->enum_type));
    return kind_names[k][1];
}

/* Code adding value `v` of column c as the next parameter of query `q`
 * ("&q" or "q"). `v` is a required (non-optional) value. */
static const char *bind_value(emitter *e, const model_column *c, value_kind k, const char *q,
                              const char *v)
{
    arena *a = e->a;
    const char *P = q[0] == '&' ? arena_printf(a, "&%s.params", q + 1)
                                : arena_printf(a, "&%s->params", q);
    if (c->list) {
        switch (k) {
        case VK_TEXT: case VK_DECIMAL: case VK_JSON:
            return arena_printf(a, "rf_params_add_text_array(%s, (const char *const *)(%s).items, (%s).count)", P, v, v);
        case VK_I32: case VK_I64: case VK_F64: case VK_BOOL:
            return arena_printf(a, "rf_params_add_%s_array(%s, (%s).items, (%s).count)", kind_names[k][0], P, v, v);
        case VK_TIME:
            return arena_printf(a, "rf_q_add_timestamp_array(%s, %s, (%s).items, (%s).count)", q, time_kind(c), v, v);
        case VK_BYTES:
            return arena_printf(a, "rf_q_add_bytes_array(%s, (%s).items, (%s).count)", q, v, v);
        case VK_ENUM:
            return arena_printf(a, "rf_q_add_enum_array(%s, &%s_table, (const int *)(%s).items, (%s).count, 1)",
                                q, enum_type(e, c->enum_type), v, v);
        default: return "";
        }
    }
    switch (k) {
    case VK_TEXT: case VK_DECIMAL: case VK_JSON:
        return arena_printf(a, "rf_params_add_text(%s, %s)", P, v);
    case VK_I32: case VK_I64: case VK_F64: case VK_BOOL:
        return arena_printf(a, "rf_params_add_%s(%s, %s)", kind_names[k][0], P, v);
    case VK_TIME:
        return arena_printf(a, "rf_q_add_timestamp(%s, %s, %s)", q, time_kind(c), v);
    case VK_BYTES:
        return arena_printf(a, "rf_q_add_bytes(%s, %s)", q, v);
    case VK_ENUM:
        return arena_printf(a, "rf_params_add_enum(%s, &%s_table, (int)(%s) - 1)", P,
                            enum_type(e, c->enum_type), v);
    default: return "";
    }
}

/* Decoder call for column c at result column `col` into `dst`. */
static const char *decode_call(emitter *e, const model_column *c, value_kind k, const char *col,
                               const char *dst)
{
    arena *a = e->a;
    if (k == VK_ENUM) {
        const char *t = enum_type(e, c->enum_type);
        if (c->list)
            return arena_printf(a, "%s_get_array(r, row, %s, arena, &%s)", t, col, dst);
        return arena_printf(a, "%s_get%s(r, row, %s, &%s)", t, c->nullable ? "_opt" : "", col, dst);
    }
    if (c->list) {
        const char *n = (k == VK_DECIMAL || k == VK_JSON) ? "text" : kind_names[k][0];
        return arena_printf(a, "rf_get_%s_array(r, row, %s, arena, &%s)", n, col, dst);
    }
    switch (k) {
    case VK_TEXT: case VK_DECIMAL: case VK_JSON:
        return arena_printf(a, "rf_get_text(r, row, %s, arena, &%s, NULL)", col, dst);
    case VK_BYTES:
        return arena_printf(a, "rf_get_bytes(r, row, %s, arena, &%s)", col, dst);
    default:
        return arena_printf(a, "rf_get_%s%s(r, row, %s, &%s)", c->nullable ? "opt_" : "",
                            kind_names[k][0], col, dst);
    }
}

/* ---- per-column context ------------------------------------------------------------ */

/* Whether a create may leave the column out (the database or the client
 * fills it, or it is nullable). */
static bool create_omittable(const model_column *c)
{
    return !c->required || c->list || c->updated_at || c->dflt.kind != MODEL_DEFAULT_NONE;
}

/* The type of a column in the create struct. */
static const char *create_type(emitter *e, const model_column *c, value_kind k)
{
    if (c->list || !create_omittable(c))
        return row_type(e, c, k);
    if (k == VK_ENUM) {
        const char *t = enum_type(e, c->enum_type);
        /* Enum constants start at 1: zero means "not given" (the default). */
        return arena_printf(e->a, c->nullable ? "%s_opt " : "%s ", t);
    }
    return kind_names[k][2];
}

/* The condition under which an omittable create value `v` was given. */
static const char *given(emitter *e, const model_column *c, value_kind k, const char *v)
{
    if (c->list)
        return arena_printf(e->a, "(%s).items != NULL || (%s).count > 0", v, v);
    switch (k) {
    case VK_TEXT: case VK_DECIMAL: case VK_JSON: return arena_printf(e->a, "%s != NULL", v);
    case VK_BYTES: return arena_printf(e->a, "%s.data != NULL", v);
    case VK_ENUM:
        return arena_printf(e->a, c->nullable ? "%s.has" : "%s != 0", v);
    default: return arena_printf(e->a, "%s.has", v);
    }
}

/* The value expression of a given omittable create value. */
static const char *given_value(emitter *e, const model_column *c, value_kind k, const char *v)
{
    if (c->list)
        return v;
    switch (k) {
    case VK_TEXT: case VK_DECIMAL: case VK_JSON: case VK_BYTES: return v;
    case VK_ENUM: return c->nullable ? arena_printf(e->a, "%s.value", v) : v;
    default: return arena_printf(e->a, "%s.value", v);
    }
}

/* A client-side generator for @default(uuid()) & co: declaration of its
 * buffer and the call filling it; NULL when the database (or nobody)
 * provides the default. */
static bool client_generator(emitter *e, const model_column *c, const char **decl,
                             const char **call)
{
    const char *buf_name = arena_printf(e->a, "gen_%s", c->c_name);
    switch (c->dflt.kind) {
    case MODEL_DEFAULT_UUID:
        *decl = arena_printf(e->a, "char %s[RF_UUID_SIZE];", buf_name);
        *call = arena_printf(e->a, "rf_uuid_v%u(%s)", c->dflt.version == 7 ? 7u : 4u, buf_name);
        return true;
    case MODEL_DEFAULT_CUID:
        if (c->dflt.version == 2) {
            *decl = arena_printf(e->a, "char %s[RF_CUID2_SIZE];", buf_name);
            *call = arena_printf(e->a, "rf_cuid2(%s)", buf_name);
        } else {
            *decl = arena_printf(e->a, "char %s[RF_CUID_SIZE];", buf_name);
            *call = arena_printf(e->a, "rf_cuid(%s)", buf_name);
        }
        return true;
    case MODEL_DEFAULT_NANOID: {
        unsigned n = c->dflt.length ? c->dflt.length : 21;
        *decl = arena_printf(e->a, "char %s[%u + 1];", buf_name, n);
        *call = arena_printf(e->a, "rf_nanoid(%s, %u)", buf_name, n);
        return true;
    }
    case MODEL_DEFAULT_ULID:
        *decl = arena_printf(e->a, "char %s[RF_ULID_SIZE];", buf_name);
        *call = arena_printf(e->a, "rf_ulid(%s)", buf_name);
        return true;
    default:
        return false;
    }
}

/* Names a generated function's own parameters and locals use; a key
 * parameter with one of these names gets a trailing underscore. */
static const char *param_name(emitter *e, const char *c_name)
{
    static const char *const taken[] = {"client", "out", "arena", "include", "data", "create",
                                        "update", "q", "st", "res", "count", "where", "query",
                                        "row", "r", "i", "n", "rows"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++)
        if (!strcmp(c_name, taken[i]))
            return arena_printf(e->a, "%s_", c_name);
    return c_name;
}

/* The columns of a table that the client sees. */
static bool in_client(const model_column *c) { return value_kind_of(c) != VK_NONE; }

/* Index of column c among the client's columns of its table (-1 if absent). */
static int client_index(const model_table *t, const model_column *c)
{
    int n = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (&t->columns[i] == c)
            return in_client(c) ? n : -1;
        n += in_client(&t->columns[i]);
    }
    return -1;
}

static bool table_in_client(const model_table *t)
{
    if (t->kind == MODEL_TABLE_JOIN || t->ignored)
        return false;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (in_client(&t->columns[i]))
            return true;
    return false;
}

static const char *model_type(emitter *e, const model_table *t)
{
    return arena_printf(e->a, "%s_%s", e->prefix, t->c_name);
}

/* Whether `name` is the C type of a model or enum of the schema. */
static bool type_name_taken(emitter *e, const char *name)
{
    for (size_t i = 0; i < e->s->ntables; i++)
        if (table_in_client(&e->s->tables[i]) && !strcmp(model_type(e, &e->s->tables[i]), name))
            return true;
    for (size_t i = 0; i < e->s->nenums; i++)
        if (!strcmp(enum_type(e, &e->s->enums[i]), name))
            return true;
    return false;
}

/* The base of a model's derived names (<base>_where, <base>_find_many...):
 * its type name, or, when some derived name would be another model's or
 * enum's type (models "Poll" and "PollCount"), the type name with an extra
 * underscore (db_poll__count stays apart from db_poll_count). */
static const char *aux_base(emitter *e, const model_table *t)
{
    static const char *const suffixes[] = {
        "list", "where", "order", "field", "include", "key", "query", "create_input",
        "update_input", "find_first", "find_many", "count", "create", "update_many",
        "delete_many"};
    static const char *const prefixes[] = {"find_unique_by_", "update_by_", "delete_by_",
                                           "upsert_by_"};
    const char *T = model_type(e, t);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (type_name_taken(e, arena_printf(e->a, "%s_%s", T, suffixes[i])))
            return arena_printf(e->a, "%s_", T);
    for (size_t i = 0; i < e->s->ntables; i++) {
        if (!table_in_client(&e->s->tables[i]))
            continue;
        const char *other = model_type(e, &e->s->tables[i]);
        for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
            const char *p = arena_printf(e->a, "%s_%s", T, prefixes[k]);
            if (!strncmp(other, p, strlen(p)))
                return arena_printf(e->a, "%s_", T);
        }
    }
    return T;
}

/* "t."a", t."b"" — the select list of a table's client columns. */
static const char *select_list(emitter *e, const model_table *t)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!in_client(&t->columns[i]))
            continue;
        if (b.len)
            buf_puts(&b, ", ");
        buf_printf(&b, "t.%s", sql_ident(e->a, t->columns[i].db_name));
    }
    char *s = arena_strdup(e->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void add_field(emitter *e, const model_column *c, int index, tpl_value *fields,
                      tpl_value *gens)
{
    arena *a = e->a;
    value_kind k = value_kind_of(c);
    tpl_value *f = tpl_push_new_obj(a, fields);
    const char *col = sql_ident(a, c->db_name);
    const char *ccol = c_escape(a, col);
    const char *qcol = c_escape(a, arena_printf(a, "t.%s", col));
    tpl_set_str(a, f, "c", c->c_name);
    tpl_set_str(a, f, "FC", upper(a, c->c_name));
    tpl_set_str(a, f, "type", row_type(e, c, k));
    tpl_set_str(a, f, "doc", doc_comment(a, c->doc, "    "));
    tpl_set_str(a, f, "col", ccol);
    const char *note = NULL;
    if (c->nullable && !c->list) {
        if (k == VK_TEXT || k == VK_DECIMAL || k == VK_JSON)
            note = "NULL: SQL NULL";
        else if (k == VK_BYTES)
            note = "data NULL: SQL NULL";
        else
            note = "has false: SQL NULL";
    }
    if (k == VK_DECIMAL)
        note = note ? "exact decimal text; NULL: SQL NULL" : "exact decimal text";
    if (k == VK_JSON)
        note = note ? "JSON text; NULL: SQL NULL" : "JSON text";
    if (k == VK_TIME)
        note = note ? "µs since 1970-01-01 UTC; has false: SQL NULL" : "µs since 1970-01-01 UTC";
    tpl_set_str(a, f, "note", note ? note : "");
    tpl_set_str(a, f, "decode",
                decode_call(e, c, k, arena_printf(a, "col0 + %d", index),
                            arena_printf(a, "out->%s", c->c_name)));
    tpl_set_strf(a, f, "index", "%d", index);
    /* Whole-column decoding for the common scalar kinds (rf_q_column). */
    static const char *const fast[][2] = {
        [VK_I32] = {"RF_QCOL_I32", "RF_QCOL_OPT_I32"}, [VK_I64] = {"RF_QCOL_I64", "RF_QCOL_OPT_I64"},
        [VK_F64] = {"RF_QCOL_F64", "RF_QCOL_OPT_F64"}, [VK_BOOL] = {"RF_QCOL_BOOL", "RF_QCOL_OPT_BOOL"},
        [VK_TIME] = {"RF_QCOL_TIMESTAMP", "RF_QCOL_OPT_TIMESTAMP"},
        [VK_TEXT] = {"RF_QCOL_TEXT", "RF_QCOL_TEXT"}};
    if (!c->list && k < sizeof fast / sizeof *fast && fast[k][0])
        tpl_set_str(a, f, "fast", fast[k][c->nullable]);
    /* Ordering: not by lists, Json or Bytes. */
    bool orderable = !c->list && k != VK_JSON && k != VK_BYTES;
    tpl_set_str(a, f, "order_col", orderable ? arena_printf(a, "\"%s\"", ccol) : "NULL");

    /* where */
    if (!c->list) {
        const char *filter, *where;
        if (k == VK_ENUM) {
            const char *et = enum_type(e, c->enum_type);
            filter = arena_printf(a, "%s_filter", et);
            where = arena_printf(a, "%s_where(q, \"%s\", &w->%s)", et, qcol, c->c_name);
        } else if (k == VK_TIME) {
            filter = "rf_timestamp_filter";
            where = arena_printf(a, "rf_q_where_timestamp(q, \"%s\", %s, &w->%s)", qcol,
                                 time_kind(c), c->c_name);
        } else {
            static const char *const filters[] = {
                [VK_TEXT] = "rf_text_filter", [VK_DECIMAL] = "rf_text_filter",
                [VK_JSON] = "rf_json_filter", [VK_I32] = "rf_i32_filter",
                [VK_I64] = "rf_i64_filter", [VK_F64] = "rf_f64_filter",
                [VK_BOOL] = "rf_bool_filter", [VK_BYTES] = "rf_bytes_filter"};
            filter = filters[k];
            where = arena_printf(a, "rf_q_where_%s(q, \"%s\", &w->%s)", kind_names[k][0], qcol,
                                 c->c_name);
        }
        tpl_set_str(a, f, "filter_type", filter);
        tpl_set_str(a, f, "where", where);
    }

    /* create */
    const char *v = arena_printf(a, "data->%s", c->c_name);
    tpl_set_str(a, f, "create_type", create_type(e, c, k));
    buf code = BUF_INIT;
    const char *decl = NULL, *call = NULL;
    if (c->updated_at && k == VK_TIME && !c->list) {
        buf_printf(&code, "rf_q_insert_col(&q, \"%s\");\n    %s;", ccol,
                   bind_value(e, c, k, "&q",
                              arena_printf(a, "%s.has ? %s.value : rf_timestamp_now()", v, v)));
    } else if (client_generator(e, c, &decl, &call) && k == VK_TEXT && !c->list) {
        tpl_set_str(a, tpl_push_new_obj(a, gens), "decl", decl);
        buf_printf(&code,
                   "rf_q_insert_col(&q, \"%s\");\n"
                   "    if (%s != NULL) {\n"
                   "        rf_params_add_text(&q.params, %s);\n"
                   "    } else if (%s == RF_OK) {\n"
                   "        rf_params_add_text(&q.params, gen_%s);\n"
                   "    } else {\n"
                   "        rf_query_fail(&q, RF_ERROR);\n"
                   "    }",
                   ccol, v, v, call, c->c_name);
    } else if (create_omittable(c)) {
        buf_printf(&code, "if (%s) {\n        rf_q_insert_col(&q, \"%s\");\n        %s;\n    }",
                   given(e, c, k, v), ccol, bind_value(e, c, k, "&q", given_value(e, c, k, v)));
    } else {
        buf_printf(&code, "rf_q_insert_col(&q, \"%s\");\n    %s;", ccol,
                   bind_value(e, c, k, "&q", v));
    }
    tpl_set_str(a, f, "create", buf_cstr(&code));
    buf_free(&code);

    /* update */
    const char *utype, *set;
    if (k == VK_ENUM) {
        const char *et = enum_type(e, c->enum_type);
        utype = arena_printf(a, c->list ? "%s_array_update" : "%s_update", et);
        set = arena_printf(a, "%s_%sset(q, \"%s\", &data->%s);", et, c->list ? "array_" : "",
                           ccol, c->c_name);
    } else if (c->list) {
        const char *n = (k == VK_DECIMAL || k == VK_JSON) ? "text" : kind_names[k][0];
        utype = arena_printf(a, "rf_%s_array_update", n);
        if (k == VK_BYTES)
            set = arena_printf(a,
                               "if (data->%s.op == RF_UPDATE_SET) {\n"
                               "        rf_q_set_param(q, \"%s\");\n"
                               "        rf_q_add_bytes_array(q, data->%s.value.items, data->%s.value.count);\n"
                               "    }",
                               c->c_name, ccol, c->c_name, c->c_name);
        else
            set = arena_printf(a, "rf_q_set_%s_array(q, \"%s\", &data->%s);", n, ccol, c->c_name);
    } else if (k == VK_TIME) {
        utype = "rf_timestamp_update";
        if (c->updated_at)
            set = arena_printf(a,
                               "if (data->%s.op == RF_UPDATE_KEEP) {\n"
                               "        rf_q_set_param(q, \"%s\");\n"
                               "        rf_q_add_timestamp(q, %s, rf_timestamp_now());\n"
                               "    } else {\n"
                               "        rf_q_set_timestamp(q, \"%s\", %s, &data->%s);\n"
                               "    }",
                               c->c_name, ccol, time_kind(c), ccol, time_kind(c), c->c_name);
        else
            set = arena_printf(a, "rf_q_set_timestamp(q, \"%s\", %s, &data->%s);", ccol,
                               time_kind(c), c->c_name);
    } else {
        static const char *const utypes[] = {
            [VK_TEXT] = "rf_text_update", [VK_DECIMAL] = "rf_text_update",
            [VK_JSON] = "rf_text_update", [VK_I32] = "rf_i32_update", [VK_I64] = "rf_i64_update",
            [VK_F64] = "rf_f64_update", [VK_BOOL] = "rf_bool_update",
            [VK_BYTES] = "rf_bytes_update"};
        utype = utypes[k];
        const char *n = k == VK_JSON ? "text" : kind_names[k][0];
        set = arena_printf(a, "rf_q_set_%s(q, \"%s\", &data->%s);", n, ccol, c->c_name);
    }
    tpl_set_str(a, f, "update_type", utype);
    tpl_set_str(a, f, "set", set);
}

/* ---- relations ------------------------------------------------------------------------ */

typedef enum link_kind { LINK_NONE, LINK_INT, LINK_TEXT } link_kind;

static link_kind link_kind_of(const model_column *c)
{
    if (!c || !in_client(c) || c->list)
        return LINK_NONE;
    switch (c->type) {
    case MODEL_INT: case MODEL_BIGINT: return LINK_INT;
    case MODEL_STRING: return LINK_TEXT;
    default: return LINK_NONE;
    }
}

static const model_column *single_pk(const model_table *t)
{
    return t->pk && t->pk->nparts == 1 ? t->pk->parts[0].column : NULL;
}

/* Adds the include machinery for relation field rf; false when the
 * relation cannot be included (composite or unusual keys). */
static bool add_relation(emitter *e, const model_table *t, const model_relation_field *rf,
                         tpl_value *rels)
{
    arena *a = e->a;
    const model_table *target = rf->target;
    if (rf->ignored || !target || !table_in_client(target) || !rf->relation)
        return false;
    const model_column *parent_col = NULL; /* on t: the value that links */
    const char *sql = NULL;
    const char *mn = NULL, *mn_bind = NULL, *mn_connect = NULL, *mn_disconnect = NULL;
    bool many = false;
    const char *tsel = select_list(e, target);
    const char *ttable = sql_table(a, target);
    if (rf->relation->kind == MODEL_REL_MANY_TO_MANY) {
        const model_table *jt = rf->relation->join_table;
        const model_column *tpk = single_pk(target);
        parent_col = single_pk(t);
        if (!jt || !tpk || !parent_col)
            return false;
        bool is_a = rf->relation->from == rf;
        const char *self = is_a ? "\"A\"" : "\"B\"", *other = is_a ? "\"B\"" : "\"A\"";
        sql = arena_printf(a, "SELECT j.%s, %s FROM %s AS t JOIN %s AS j ON j.%s = t.%s WHERE j.%s = ANY($1)",
                           self, tsel, ttable, sql_table(a, jt), other,
                           sql_ident(a, tpk->db_name), self);
        many = true;
        /* connect / disconnect: the m:n link rows, which nothing else writes. */
        const char *jsql = sql_table(a, jt);
        const char *me = param_name(e, t->c_name);
        const char *them = target == t || !strcmp(target->c_name, t->c_name) ? "other"
                                                                              : param_name(e, target->c_name);
        value_kind mk = value_kind_of(parent_col), tk = value_kind_of(tpk);
        mn = arena_printf(a, "%s%s, %s%s", key_type(e, parent_col, mk), me, key_type(e, tpk, tk), them);
        mn_bind = arena_printf(a, "    %s;\n    %s;\n", bind_value(e, parent_col, mk, "&q", me),
                               bind_value(e, tpk, tk, "&q", them));
        mn_connect = c_escape(a, arena_printf(a, "INSERT INTO %s (%s, %s) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                              jsql, self, other));
        mn_disconnect = c_escape(a, arena_printf(a, "DELETE FROM %s WHERE %s = $1 AND %s = $2", jsql,
                                                 self, other));
    } else {
        const model_column *target_col;
        if (rf->nfields > 0) {
            if (rf->nfields != 1)
                return false;
            parent_col = rf->fields[0];
            target_col = rf->references[0];
        } else {
            const model_relation_field *op = rf->opposite;
            if (!op || op->nfields != 1)
                return false;
            parent_col = op->references[0];
            target_col = op->fields[0];
        }
        if (link_kind_of(target_col) != link_kind_of(parent_col))
            return false;
        const char *tc = sql_ident(a, target_col->db_name);
        sql = arena_printf(a, "SELECT t.%s, %s FROM %s AS t WHERE t.%s = ANY($1)", tc, tsel,
                           ttable, tc);
        many = rf->list;
    }
    link_kind lk = link_kind_of(parent_col);
    if (lk == LINK_NONE)
        return false;
    tpl_value *r = tpl_push_new_obj(a, rels);
    const char *tt = model_type(e, target);
    tpl_set_str(a, r, "c", rf->c_name);
    tpl_set_str(a, r, "name", rf->name);
    tpl_set_str(a, r, "target", tt);
    const char *ta = aux_base(e, target);
    tpl_set_str(a, r, "target_a", ta);
    tpl_set_str(a, r, "target_name", target->name);
    tpl_set_str(a, r, "doc", doc_comment(a, rf->doc, "    "));
    tpl_set_str(a, r, "type", many ? arena_printf(a, "%s_list ", ta) : arena_printf(a, "%s *", tt));
    tpl_set_str(a, r, "note",
                many ? "filled only when included" : "NULL unless included (and related)");
    tpl_set_str(a, r, "sql", c_escape(a, sql));
    /* With one parent (find_unique) the plain `= $1` form: what a hand-written
     * query would say, and a simpler plan than ANY over a one-element array. */
    char *one = arena_strdup(a, sql);
    char *any = strstr(one, " = ANY($1)");
    memcpy(any, " = $1", 5);
    memmove(any + 5, any + 10, strlen(any + 10) + 1);
    tpl_set_str(a, r, "sql_one", c_escape(a, one));
    tpl_set_bool(a, r, "many", many);
    if (mn) {
        tpl_value *o = tpl_set_new_obj(a, r, "mn");
        tpl_set_str(a, o, "params", mn);
        tpl_set_str(a, o, "bind", mn_bind);
        tpl_set_str(a, o, "connect_sql", mn_connect);
        tpl_set_str(a, o, "disconnect_sql", mn_disconnect);
    }
    tpl_set_bool(a, r, "int_key", lk == LINK_INT);
    const char *m = arena_printf(a, "rows[i].%s", parent_col->c_name);
    if (lk == LINK_INT) {
        tpl_set_str(a, r, "key_has", parent_col->nullable ? arena_printf(a, "%s.has", m) : "true");
        tpl_set_str(a, r, "key_value",
                    parent_col->nullable ? arena_printf(a, "(int64_t)%s.value", m)
                                         : arena_printf(a, "(int64_t)%s", m));
    } else {
        tpl_set_str(a, r, "key_has", arena_printf(a, "%s != NULL", m));
        tpl_set_str(a, r, "key_value", m);
    }
    return true;
}

/* ---- models ------------------------------------------------------------------------------- */

static void add_unique(emitter *e, const model_unique_criterion *u,
                       const char *tsql, const char *sel, tpl_value *uniques)
{
    arena *a = e->a;
    buf decl = BUF_INIT, where = BUF_INIT, bind_fixed = BUF_INIT,
        bind_dyn = BUF_INIT, conflict = BUF_INIT;
    for (size_t i = 0; i < u->nparts; i++) {
        const model_column *c = u->parts[i].column;
        value_kind k = value_kind_of(c);
        if (k == VK_NONE || c->list) {
            buf_free(&decl); buf_free(&where); buf_free(&bind_fixed);
            buf_free(&bind_dyn); buf_free(&conflict);
            return;
        }
        const char *pn = param_name(e, c->c_name);
        buf_printf(&decl, "%s%s, ", key_type(e, c, k), pn);
        const char *col = sql_ident(a, c->db_name);
        buf_printf(&where, "%st.%s = $%zu", i ? " AND " : "", col, i + 1);
        buf_printf(&bind_fixed, "    %s;\n", bind_value(e, c, k, "&q", pn));
        buf_printf(&bind_dyn, "    rf_q_sql(&q, \"%s\");\n    rf_q_param(&q);\n    %s;\n",
                   c_escape(a, arena_printf(a, "%st.%s = ", i ? " AND " : " WHERE ", col)),
                   bind_value(e, c, k, "&q", pn));
        buf_printf(&conflict, "%s%s", i ? ", " : "", col);
    }
    tpl_value *o = tpl_push_new_obj(a, uniques);
    tpl_set_str(a, o, "c", u->c_name);
    tpl_set_str(a, o, "params", buf_cstr(&decl));
    tpl_set_str(a, o, "find_sql",
                c_escape(a, arena_printf(a, "SELECT %s FROM %s AS t WHERE %s", sel, tsql,
                                         buf_cstr(&where))));
    tpl_set_str(a, o, "delete_sql",
                c_escape(a, arena_printf(a, "DELETE FROM %s AS t WHERE %s RETURNING %s", tsql,
                                         buf_cstr(&where), sel)));
    tpl_set_str(a, o, "bind", buf_cstr(&bind_fixed));
    tpl_set_str(a, o, "key_where", buf_cstr(&bind_dyn));
    bool upsertable = !(u->index && u->index->where);
    tpl_set_bool(a, o, "upsertable", upsertable);
    const char *first = sql_ident(a, u->parts[0].column->db_name);
    tpl_set_str(a, o, "conflict",
                c_escape(a, arena_printf(a, " ON CONFLICT (%s) DO UPDATE SET ", buf_cstr(&conflict))));
    tpl_set_str(a, o, "noop_set", c_escape(a, arena_printf(a, "%s = EXCLUDED.%s", first, first)));
    tpl_set_str(a, o, "self_set", c_escape(a, arena_printf(a, "%s = t.%s", first, first)));
    buf_free(&decl); buf_free(&where); buf_free(&bind_fixed);
    buf_free(&bind_dyn); buf_free(&conflict);
}

static void add_model(emitter *e, const model_table *t, tpl_value *models)
{
    arena *a = e->a;
    tpl_value *m = tpl_push_new_obj(a, models);
    const char *T = model_type(e, t);
    const char *tsql = sql_table(a, t);
    const char *sel = select_list(e, t);
    tpl_set_str(a, m, "name", t->name);
    tpl_set_str(a, m, "T", T);
    const char *A = aux_base(e, t);
    tpl_set_str(a, m, "A", A);
    tpl_set_str(a, m, "C", upper(a, T));
    tpl_set_str(a, m, "doc", doc_comment(a, t->doc, ""));
    tpl_set_str(a, m, "table", c_escape(a, tsql));
    tpl_set_str(a, m, "select", c_escape(a, sel));
    tpl_set_bool(a, m, "writable", t->kind == MODEL_TABLE_MODEL);
    tpl_set_str(a, m, "kind", t->kind == MODEL_TABLE_VIEW ? "view" : "model");
    for (size_t i = 0; i < t->ncolumns; i++)
        if (in_client(&t->columns[i])) {
            const char *col = sql_ident(a, t->columns[i].db_name);
            tpl_set_str(a, m, "self_set", c_escape(a, arena_printf(a, "%s = t.%s", col, col)));
            break;
        }

    tpl_value *fields = tpl_set_new_list(a, m, "fields");
    tpl_value *gens = tpl_set_new_list(a, m, "gens");
    int index = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (in_client(&t->columns[i]))
            add_field(e, &t->columns[i], index++, fields, gens);
    tpl_set_strf(a, m, "ncols", "%d", index);

    /* Identity: the first unique criterion, for cursors and tie-breaks. */
    model_unique_criterion crit[64];
    size_t ncrit = model_unique_criteria(t, crit, 64);
    if (ncrit > 64)
        ncrit = 64;
    tpl_value *uniques = tpl_set_new_list(a, m, "uniques");
    for (size_t i = 0; i < ncrit; i++) {
        /* The same criterion twice (@id and @unique on one field) is one function. */
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = !strcmp(crit[k].c_name, crit[i].c_name);
        if (!dup)
            add_unique(e, &crit[i], tsql, sel, uniques);
    }
    if (ncrit > 0) {
        const model_unique_criterion *id = &crit[0];
        bool usable = true;
        for (size_t i = 0; i < id->nparts; i++)
            usable = usable && in_client(id->parts[i].column) && !id->parts[i].column->list &&
                     value_kind_of(id->parts[i].column) != VK_JSON &&
                     value_kind_of(id->parts[i].column) != VK_BYTES; /* not orderable */
        if (usable) {
            tpl_value *key = tpl_set_new_obj(a, m, "key");
            tpl_value *kf = tpl_set_new_list(a, key, "fields");
            buf idx = BUF_INIT;
            for (size_t i = 0; i < id->nparts; i++) {
                const model_column *c = id->parts[i].column;
                value_kind k = value_kind_of(c);
                tpl_value *f = tpl_push_new_obj(a, kf);
                tpl_set_str(a, f, "type", key_type(e, c, k));
                tpl_set_str(a, f, "c", c->c_name);
                tpl_set_str(a, f, "bind",
                            bind_value(e, c, k, "q", arena_printf(a, "query->cursor->%s", c->c_name)));
                buf_printf(&idx, "%s%d", i ? ", " : "", client_index(t, c));
            }
            tpl_set_str(a, key, "indexes", buf_cstr(&idx));
            tpl_set_strf(a, key, "n", "%zu", id->nparts);
            buf_free(&idx);
        }
    }

    tpl_value *rels = tpl_set_new_list(a, m, "relations");
    for (size_t i = 0; i < t->nrelation_fields; i++)
        add_relation(e, t, &t->relation_fields[i], rels);
    bool inc = rels->count > 0;
    tpl_set_bool(a, m, "needs_one", t->kind == MODEL_TABLE_MODEL || uniques->count > 0);
    tpl_set_bool(a, m, "has_include", inc);
    tpl_set_str(a, m, "inc_param", inc ? arena_printf(a, "const %s_include *include, ", A) : "");
}

/* Which per-enum helpers the client uses (unused static functions would
 * not compile warning-free). */
static void enum_uses(const model_schema *s, const model_enum *en, tpl_value *o, arena *a)
{
    bool get = false, get_opt = false, list = false, scalar = false;
    for (size_t i = 0; i < s->ntables; i++) {
        if (!table_in_client(&s->tables[i]))
            continue;
        for (size_t k = 0; k < s->tables[i].ncolumns; k++) {
            const model_column *c = &s->tables[i].columns[k];
            if (!in_client(c) || c->type != MODEL_ENUM || c->enum_type != en)
                continue;
            if (c->list)
                list = true;
            else if (c->nullable)
                get_opt = scalar = true;
            else
                get = scalar = true;
        }
    }
    tpl_set_bool(a, o, "use_get", get);
    tpl_set_bool(a, o, "use_get_opt", get_opt);
    tpl_set_bool(a, o, "use_list", list);
    tpl_set_bool(a, o, "use_scalar", scalar);
}

static void add_enum(emitter *e, const model_schema *s, const model_enum *en, tpl_value *enums)
{
    arena *a = e->a;
    tpl_value *o = tpl_push_new_obj(a, enums);
    enum_uses(s, en, o, a);
    const char *T = enum_type(e, en);
    tpl_set_str(a, o, "name", en->name);
    tpl_set_str(a, o, "T", T);
    tpl_set_str(a, o, "doc", doc_comment(a, en->doc, ""));
    tpl_set_strf(a, o, "count", "%zu", en->nvalues);
    tpl_value *vals = tpl_set_new_list(a, o, "values");
    for (size_t i = 0; i < en->nvalues; i++) {
        tpl_value *v = tpl_push_new_obj(a, vals);
        tpl_set_strf(a, v, "C", "%s_%s_%s", e->PREFIX, en->c_upper, en->values[i].c_name);
        tpl_set_strf(a, v, "n", "%zu", i + 1);
        tpl_set_str(a, v, "db", c_escape(a, en->values[i].db_name));
        tpl_set_str(a, v, "doc", doc_comment(a, en->values[i].doc, "    "));
    }
}

bool emit_client(const model_schema *s, const emit_options *o, buf *header, buf *source,
                 char **error)
{
    arena a = ARENA_INIT;
    emitter e = {&a, s, o->prefix, upper(&a, o->prefix)};
    tpl_value *ctx = tpl_new_obj(&a);
    tpl_set_str(&a, ctx, "prefix", o->prefix);
    tpl_set_str(&a, ctx, "PREFIX", e.PREFIX);
    tpl_set_str(&a, ctx, "schema", o->schema_name ? o->schema_name : "schema.prisma");
    tpl_set_str(&a, ctx, "version", REFRACT_VERSION);
    tpl_set_str(&a, ctx, "rt_major", "0");
    tpl_set_str(&a, ctx, "rt_minor", "1");
    tpl_set_str(&a, ctx, "rt_patch", "0");
    tpl_value *enums = tpl_set_new_list(&a, ctx, "enums");
    for (size_t i = 0; i < s->nenums; i++)
        add_enum(&e, s, &s->enums[i], enums);
    tpl_value *models = tpl_set_new_list(&a, ctx, "models");
    for (size_t i = 0; i < s->ntables; i++)
        if (table_in_client(&s->tables[i]))
            add_model(&e, &s->tables[i], models);
    bool ok = tpl_render(o->templates, "client.h.tmpl", ctx, header, error) &&
              tpl_render(o->templates, "client.c.tmpl", ctx, source, error);
    arena_free(&a);
    return ok;
}
