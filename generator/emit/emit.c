/*
 * emit.c — build the template context for the C client from the model.
 *
 * The generated client is descriptor-driven (runtime/refract_desc.h): per
 * model, constant tables describe its columns (kind, flags, member offsets),
 * unique criteria and relations, and each generated function is a thin
 * typed wrapper over a generic runtime operation. So this file decides the
 * C types of members (for the header) and each field's descriptor entry
 * (for the source); the templates only arrange them.
 *
 * One pass per model and per enum, reading only that model (and, for a
 * relation, the names of the model it points to): the output grows linearly
 * with the schema, and a change to one model changes only its own sections.
 */
#include "emit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A C string literal of `s`, or "NULL". */
static const char *c_string_or_null(arena *a, const char *s)
{
    return s ? arena_printf(a, "\"%s\"", c_escape(a, s)) : "NULL";
}

/* Appends len bytes of schema text `s` so that it is harmless inside a C
 * comment: nothing can end (or open) the comment, no trigraph, no control
 * byte, no line splice. Every piece of schema text that reaches a comment
 * (doc comments, @map names) goes through here. */
static void put_comment_text(buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        char next = i + 1 < len ? s[i + 1] : '\0';
        if ((c == '*' && next == '/') || (c == '/' && next == '*') ||
            (c == '?' && next == '?')) {
            buf_putc(b, c);
            buf_putc(b, ' ');
            continue;
        }
        if (c == '\\' && i + 1 == len) {
            buf_puts(b, "\\ "); /* a backslash at the end of a line splices */
            continue;
        }
        buf_putc(b, (unsigned char)c < 0x20 ? ' ' : c);
    }
}

static const char *comment_text(arena *a, const char *s)
{
    buf b = BUF_INIT;
    put_comment_text(&b, s, strlen(s));
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
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
        put_comment_text(&b, line, len);
        if (multi)
            buf_putc(&b, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    if (multi)
        buf_puts(&b, indent);
    buf_puts(&b, " */\n");
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

/* The runtime's name of a kind (rf_value_kind). */
static const char *const kind_enum[] = {
    [VK_TEXT] = "RF_KIND_TEXT", [VK_DECIMAL] = "RF_KIND_DECIMAL", [VK_JSON] = "RF_KIND_JSON",
    [VK_I32] = "RF_KIND_I32", [VK_I64] = "RF_KIND_I64", [VK_F64] = "RF_KIND_F64",
    [VK_BOOL] = "RF_KIND_BOOL", [VK_TIME] = "RF_KIND_TIMESTAMP", [VK_BYTES] = "RF_KIND_BYTES",
    [VK_ENUM] = "RF_KIND_ENUM"};

/* The parameter type of a DateTime column (0: sent as ISO text). */
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
        return "0"; /* timetz: ISO text */
    if (!strncmp(t, "TIME", 4))
        return "RF_OID_TIME";
    return "0";
}

/* Per-kind names: [0] short name, [1] required type, [2] nullable type,
 * [3] list type. Enums are per enum. */
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
    const char *prefix;
    const char *PREFIX;
} emitter;

static const char *enum_type(emitter *e, const model_enum *en)
{
    return arena_printf(e->a, "%s_%s", e->prefix, en->c_name);
}

static const char *model_type(emitter *e, const model_table *t)
{
    return arena_printf(e->a, "%s_%s", e->prefix, t->c_name);
}

/* The C type of a column in the row struct (with a trailing space or '*'
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

/* The client-side default of a column (rf_client_default), "0" for none. */
static const char *client_default(const model_column *c)
{
    switch (c->dflt.kind) {
    case MODEL_DEFAULT_UUID: return c->dflt.version == 7 ? "RF_DEFAULT_UUID7" : "RF_DEFAULT_UUID4";
    case MODEL_DEFAULT_CUID: return c->dflt.version == 2 ? "RF_DEFAULT_CUID2" : "RF_DEFAULT_CUID";
    case MODEL_DEFAULT_NANOID: return "RF_DEFAULT_NANOID";
    case MODEL_DEFAULT_ULID: return "RF_DEFAULT_ULID";
    default: return "0";
    }
}

/* Whether a generated function's own parameters or locals use `name`. */
static bool name_taken(const char *name)
{
    static const char *const taken[] = {"client", "out", "arena", "include", "data", "create",
                                        "update", "q", "st", "res", "count", "where", "query",
                                        "row", "r", "i", "n", "rows", "key", "select", "other"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++)
        if (!strcmp(name, taken[i]))
            return true;
    return false;
}

/* A key parameter's name: the field's C name, with underscores appended
 * while it is one of the function's own names. */
static const char *param_name(emitter *e, const char *c_name)
{
    const char *name = c_name;
    while (name_taken(name))
        name = arena_printf(e->a, "%s_", name);
    return name;
}

/* The columns of a table that the client sees. */
static bool in_client(const model_column *c) { return value_kind_of(c) != VK_NONE; }

static bool table_in_client(const model_table *t)
{
    if (t->kind == MODEL_TABLE_JOIN || t->ignored)
        return false;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (in_client(&t->columns[i]))
            return true;
    return false;
}

/* ---- fields ------------------------------------------------------------------------ */

/* The model being emitted: its columns' field numbers (-1: not in the
 * client), computed once. */
typedef struct model_ctx {
    const model_table *t;
    int *field_no;
    const char *T;
} model_ctx;

static int field_no(const model_ctx *m, const model_column *c)
{
    size_t i = (size_t)(c - m->t->columns);
    return i < m->t->ncolumns ? m->field_no[i] : -1;
}

static bool in_pk(const model_table *t, const model_column *c)
{
    for (size_t i = 0; t->pk && i < t->pk->nparts; i++)
        if (t->pk->parts[i].column == c)
            return true;
    return false;
}

static void add_field(emitter *e, const model_ctx *m, const model_column *c, tpl_value *fields)
{
    arena *a = e->a;
    value_kind k = value_kind_of(c);
    tpl_value *f = tpl_push_new_obj(a, fields);
    tpl_set_str(a, f, "c", c->c_name);
    tpl_set_str(a, f, "FC", upper(a, c->c_name));
    tpl_set_str(a, f, "type", row_type(e, c, k));
    tpl_set_str(a, f, "doc", doc_comment(a, c->doc, "    "));
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

    /* where: lists have their own filter (has, has_some, ...) */
    if (c->list) {
        /* kind_names has no enum row: enums name their own filter. */
        const char *ft;
        if (k == VK_ENUM)
            ft = arena_printf(a, "%s_list_filter", enum_type(e, c->enum_type));
        else
            ft = arena_printf(a, "rf_%s_list_filter",
                              k == VK_DECIMAL || k == VK_JSON ? "text" : kind_names[k][0]);
        tpl_set_str(a, f, "filter_type", ft);
    } else {
        static const char *const filters[] = {
            [VK_TEXT] = "rf_text_filter", [VK_DECIMAL] = "rf_text_filter",
            [VK_JSON] = "rf_json_filter", [VK_I32] = "rf_i32_filter",
            [VK_I64] = "rf_i64_filter", [VK_F64] = "rf_f64_filter",
            [VK_BOOL] = "rf_bool_filter", [VK_TIME] = "rf_timestamp_filter",
            [VK_BYTES] = "rf_bytes_filter"};
        tpl_set_str(a, f, "filter_type",
                    k == VK_ENUM ? arena_printf(a, "%s_filter", enum_type(e, c->enum_type))
                                 : filters[k]);
    }
    tpl_set_str(a, f, "create_type", create_type(e, c, k));
    const char *utype;
    if (k == VK_ENUM) {
        utype = arena_printf(a, c->list ? "%s_array_update" : "%s_update",
                             enum_type(e, c->enum_type));
    } else if (c->list) {
        const char *n = (k == VK_DECIMAL || k == VK_JSON) ? "text" : kind_names[k][0];
        utype = arena_printf(a, "rf_%s_array_update", n);
    } else {
        const char *n = (k == VK_DECIMAL || k == VK_JSON) ? "text" : kind_names[k][0];
        utype = arena_printf(a, "rf_%s_update", n);
    }
    tpl_set_str(a, f, "update_type", utype);

    /* The descriptor entry (rf_field_desc). */
    unsigned flags = (c->nullable ? 1u : 0u) | (c->list ? 2u : 0u) | (in_pk(m->t, c) ? 4u : 0u) |
                     (c->dflt.kind != MODEL_DEFAULT_NONE ? 8u : 0u) |
                     (c->updated_at ? 16u : 0u) | (create_omittable(c) ? 32u : 0u);
    const char *dflt = client_default(c);
    unsigned dlen = c->dflt.kind == MODEL_DEFAULT_NANOID ? (c->dflt.length ? c->dflt.length : 21)
                                                        : 0;
    tpl_set_str(a, f, "desc",
                arena_printf(a, "{\"%s\", %s, %s, %u, %s, %u, %s, %s, %s(%s)}",
                             c_escape(a, c->name),
                             strcmp(c->db_name, c->name) ? c_string_or_null(a, c->db_name) : "NULL",
                             kind_enum[k], flags, dflt, dlen, k == VK_TIME ? time_kind(c) : "0",
                             k == VK_ENUM ? arena_printf(a, "&%s_table", enum_type(e, c->enum_type))
                                          : "NULL",
                             c->list ? "RF__LIST" : "RF__FIELD", c->c_name));
}

/* The members of the per-operation structs of `<model>_aggregate_result`,
 * in field order (runtime/desc_aggregate.c lays them out the same way). */
static void add_aggregate_members(emitter *e, const model_ctx *m, tpl_value *model)
{
    arena *a = e->a;
    buf count = BUF_INIT, sum = BUF_INIT, avg = BUF_INIT, minmax = BUF_INIT;
    for (size_t i = 0; i < m->t->ncolumns; i++) {
        const model_column *c = &m->t->columns[i];
        if (m->field_no[i] < 0)
            continue;
        value_kind k = value_kind_of(c);
        buf_printf(&count, "%s%s", count.len ? ", " : "", c->c_name);
        if (c->list)
            continue;
        if (k == VK_I32 || k == VK_I64)
            buf_printf(&sum, "rf_opt_i64 %s; ", c->c_name);
        else if (k == VK_F64)
            buf_printf(&sum, "rf_opt_f64 %s; ", c->c_name);
        else if (k == VK_DECIMAL)
            buf_printf(&sum, "const char *%s; ", c->c_name);
        if (k == VK_I32 || k == VK_I64 || k == VK_F64)
            buf_printf(&avg, "rf_opt_f64 %s; ", c->c_name);
        else if (k == VK_DECIMAL)
            buf_printf(&avg, "const char *%s; ", c->c_name);
        if (k == VK_TEXT || k == VK_DECIMAL)
            buf_printf(&minmax, "const char *%s; ", c->c_name);
        else if (k == VK_ENUM)
            buf_printf(&minmax, "%s_opt %s; ", enum_type(e, c->enum_type), c->c_name);
        else if (k == VK_I32 || k == VK_I64 || k == VK_F64 || k == VK_TIME)
            buf_printf(&minmax, "%s%s; ", kind_names[k][2], c->c_name);
    }
    /* A struct needs a member: a placeholder where no field applies. */
    tpl_set_str(a, model, "agg_count", buf_cstr(&count));
    tpl_set_str(a, model, "agg_sum", sum.len ? buf_cstr(&sum) : "char none_; ");
    tpl_set_str(a, model, "agg_avg", avg.len ? buf_cstr(&avg) : "char none_; ");
    tpl_set_str(a, model, "agg_minmax", minmax.len ? buf_cstr(&minmax) : "char none_; ");
    buf_free(&count);
    buf_free(&sum);
    buf_free(&avg);
    buf_free(&minmax);
}

/* ---- relations ------------------------------------------------------------------------ */

static bool link_kind_ok(const model_column *c)
{
    if (!c || !in_client(c) || c->list)
        return false;
    return c->type == MODEL_INT || c->type == MODEL_BIGINT || c->type == MODEL_STRING;
}

static bool link_kinds_match(const model_column *a, const model_column *b)
{
    bool ai = a->type != MODEL_STRING, bi = b->type != MODEL_STRING;
    return ai == bi;
}

static const model_column *single_pk(const model_table *t)
{
    return t->pk && t->pk->nparts == 1 ? t->pk->parts[0].column : NULL;
}

/* Adds relation field rf (its member, include flag and descriptor entry);
 * false when it cannot be included (composite or unusual keys). */
static bool add_relation(emitter *e, const model_ctx *m, const model_relation_field *rf,
                         tpl_value *rels, buf *counts, buf *count_select)
{
    arena *a = e->a;
    const model_table *t = m->t, *target = rf->target;
    if (rf->ignored || !target || !table_in_client(target) || !rf->relation)
        return false;
    const model_column *parent_col = NULL, *target_col = NULL;
    const char *join = "NULL, NULL, NULL, NULL";
    const char *mn = NULL;
    bool many;
    if (rf->relation->kind == MODEL_REL_MANY_TO_MANY) {
        const model_table *jt = rf->relation->join_table;
        target_col = single_pk(target);
        parent_col = single_pk(t);
        if (!jt || !target_col || !parent_col)
            return false;
        bool is_a = rf->relation->from == rf;
        join = arena_printf(a, "%s, \"%s\", \"%s\", \"%s\"", c_string_or_null(a, jt->schema),
                            c_escape(a, jt->db_name), is_a ? "A" : "B", is_a ? "B" : "A");
        many = true;
        const char *me = param_name(e, t->c_name);
        const char *them = target == t || !strcmp(target->c_name, t->c_name)
                               ? "other"
                               : param_name(e, target->c_name);
        mn = arena_printf(a, "%s%s, %s%s", key_type(e, parent_col, value_kind_of(parent_col)), me,
                          key_type(e, target_col, value_kind_of(target_col)), them);
    } else {
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
        many = rf->list;
    }
    /* Related rows are matched to parents by an integer or text link value:
     * the parent's column, and (except through a join table, whose column
     * holds the parent's value) the target's. */
    if (!link_kind_ok(parent_col) || field_no(m, parent_col) < 0)
        return false;
    if (!mn && (!link_kind_ok(target_col) || !link_kinds_match(parent_col, target_col)))
        return false;
    if (mn && (!in_client(target_col) || target_col->list))
        return false;
    tpl_value *r = tpl_push_new_obj(a, rels);
    const char *tt = model_type(e, target);
    tpl_set_strf(a, r, "index", "%zu", rels->count - 1);
    tpl_set_strf(a, r, "number", "%zu", rels->count);
    tpl_set_str(a, r, "target_type", tt);
    tpl_set_str(a, r, "RC", upper(a, rf->c_name));
    tpl_set_str(a, r, "c", rf->c_name);
    tpl_set_str(a, r, "name", rf->name);
    tpl_set_str(a, r, "target_name", comment_text(a, target->name));
    tpl_set_str(a, r, "doc", doc_comment(a, rf->doc, "    "));
    tpl_set_str(a, r, "type", many ? arena_printf(a, "%s_list ", tt) : arena_printf(a, "%s *", tt));
    tpl_set_str(a, r, "note",
                many ? "filled only when included" : "NULL unless included (and related)");
    /* Its filter in `<model>_where`: the layout of rf_to_many_filter or
     * rf_to_one_filter, typed with the target's where. */
    tpl_set_str(a, r, "where_type",
                many ? arena_printf(a, "struct { const %s_where *some, *every, *none; }", tt)
                     : arena_printf(a, "struct { unsigned ops; const %s_where *is, *is_not; }",
                                    tt));
    if (mn) {
        tpl_value *mo = tpl_set_new_obj(a, r, "mn");
        const char *me = param_name(e, t->c_name);
        const char *them = target == t || !strcmp(target->c_name, t->c_name)
                               ? "other"
                               : param_name(e, target->c_name);
        tpl_set_str(a, mo, "params", mn);
        tpl_set_str(a, mo, "keys", arena_printf(a, "&%s, &%s", me, them));
    }
    const char *kind = mn ? "RF_REL_MANY_TO_MANY" : many ? "RF_REL_MANY" : "RF_REL_ONE";
    /* Nested creates (issue 11): the target's input type, when it has one. */
    if (target->kind == MODEL_TABLE_MODEL) {
        tpl_set_str(a, r, "nested", arena_printf(a, "const %s_nested_create *", tt));
        tpl_set_str(a, r, "connect", arena_printf(a, "const %s_where *", tt));
    }
    bool owns_link = !mn && rf->nfields > 0; /* the foreign key is on this side */
    tpl_set_str(a, r, "desc",
                arena_printf(a, "{\"%s\", %s, &%s__m, %d, \"%s\", %s, %s(%s), %s}",
                             c_escape(a, rf->name), kind, tt, field_no(m, parent_col),
                             c_escape(a, target_col->db_name), join,
                             many ? "RF__RELS" : "RF__REL", rf->c_name,
                             owns_link ? "true" : "false"));
    if (many) {
        /* Relation counts: a member of the row's `_count` and of the
         * query's `count` (which relations to count, with what filter). */
        buf_printf(counts, "int64_t %s; ", rf->c_name);
        buf_printf(count_select, "struct { bool on; const %s_where *where; } %s; ", tt,
                   rf->c_name);
    }
    return true;
}

/* ---- models ------------------------------------------------------------------------------- */

/* Adds unique criterion u; false when it has a part the client cannot
 * bind (lists, unsupported types). */
static bool add_unique(emitter *e, const model_ctx *m, const model_unique_criterion *u,
                       size_t index, tpl_value *uniques)
{
    arena *a = e->a;
    for (size_t i = 0; i < u->nparts; i++) {
        const model_column *c = u->parts[i].column;
        if (value_kind_of(c) == VK_NONE || c->list || field_no(m, c) < 0)
            return false;
    }
    buf decl = BUF_INIT, keys = BUF_INIT, parts = BUF_INIT;
    const char **names = arena_alloc(a, u->nparts * sizeof *names);
    for (size_t i = 0; i < u->nparts; i++) {
        const model_column *c = u->parts[i].column;
        /* Renamed away from the function's own names, and then from the
         * criterion's other parts (`client` renamed next to `client_`). */
        const char *pn = param_name(e, c->c_name);
        for (bool clash = true; clash;) {
            clash = false;
            for (size_t k = 0; k < u->nparts && !clash; k++)
                clash = (k < i ? !strcmp(names[k], pn)
                               : k > i && !strcmp(u->parts[k].column->c_name, pn));
            if (clash)
                pn = arena_printf(a, "%s_", pn);
        }
        names[i] = pn;
        buf_printf(&decl, "%s%s, ", key_type(e, c, value_kind_of(c)), pn);
        buf_printf(&keys, "%s&%s", i ? ", " : "", pn);
        buf_printf(&parts, "%s%d", i ? ", " : "", field_no(m, c));
    }
    tpl_value *o = tpl_push_new_obj(a, uniques);
    tpl_set_str(a, o, "c", u->c_name);
    tpl_set_strf(a, o, "u", "%zu", index);
    tpl_set_str(a, o, "params", buf_cstr(&decl));
    tpl_set_str(a, o, "keys", buf_cstr(&keys));
    bool upsertable = !(u->index && u->index->where);
    tpl_set_bool(a, o, "upsertable", upsertable);
    tpl_set_str(a, o, "desc",
                arena_printf(a, "{(const int[]){%s}, %zu, %s}", buf_cstr(&parts), u->nparts,
                             upsertable ? "true" : "false"));
    buf_free(&decl);
    buf_free(&keys);
    buf_free(&parts);
    return true;
}

static void add_model(emitter *e, const model_table *t, tpl_value *models)
{
    arena *a = e->a;
    tpl_value *m = tpl_push_new_obj(a, models);
    model_ctx mc = {t, arena_alloc(a, (t->ncolumns ? t->ncolumns : 1) * sizeof(int)),
                    model_type(e, t)};
    const char *T = mc.T;
    tpl_set_str(a, m, "name", comment_text(a, t->name));
    tpl_set_str(a, m, "T", T);
    tpl_set_str(a, m, "C", upper(a, T));
    tpl_set_str(a, m, "doc", doc_comment(a, t->doc, ""));
    tpl_set_str(a, m, "table", c_escape(a, t->db_name));
    tpl_set_str(a, m, "model_name", c_escape(a, t->name));
    tpl_set_str(a, m, "db_schema", c_string_or_null(a, t->schema));
    bool writable = t->kind == MODEL_TABLE_MODEL;
    tpl_set_bool(a, m, "writable", writable);
    tpl_set_str(a, m, "kind", t->kind == MODEL_TABLE_VIEW ? "view" : "model");

    tpl_value *fields = tpl_set_new_list(a, m, "fields");
    int n = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        mc.field_no[i] = in_client(&t->columns[i]) ? n++ : -1;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (mc.field_no[i] >= 0)
            add_field(e, &mc, &t->columns[i], fields);
    tpl_set_strf(a, m, "nfields", "%d", n);
    add_aggregate_members(e, &mc, m);

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
            add_unique(e, &mc, &crit[i], uniques->count, uniques);
    }
    tpl_set_strf(a, m, "nuniques", "%zu", uniques->count);
    tpl_set_bool(a, m, "has_uniques", uniques->count > 0);
    /* Identity: the first unique criterion, for cursors and tie-breaks. */
    if (ncrit > 0) {
        const model_unique_criterion *id = &crit[0];
        bool usable = true;
        for (size_t i = 0; i < id->nparts; i++) {
            const model_column *c = id->parts[i].column;
            value_kind k = value_kind_of(c);
            usable = usable && in_client(c) && !c->list && k != VK_JSON && k != VK_BYTES;
        }
        if (usable) {
            tpl_value *key = tpl_set_new_obj(a, m, "key");
            tpl_value *kf = tpl_set_new_list(a, key, "fields");
            buf parts = BUF_INIT;
            for (size_t i = 0; i < id->nparts; i++) {
                const model_column *c = id->parts[i].column;
                tpl_value *f = tpl_push_new_obj(a, kf);
                tpl_set_str(a, f, "type", key_type(e, c, value_kind_of(c)));
                tpl_set_str(a, f, "c", c->c_name);
                buf_printf(&parts, "%s{%d, offsetof(%s_cursor, %s)}", i ? ", " : "", field_no(&mc, c),
                           T, c->c_name);
            }
            tpl_set_str(a, key, "parts", buf_cstr(&parts));
            tpl_set_strf(a, key, "n", "%zu", id->nparts);
            buf_free(&parts);
        }
    }

    tpl_value *rels = tpl_set_new_list(a, m, "relations");
    buf counts = BUF_INIT, count_sel = BUF_INIT;
    for (size_t i = 0; i < t->nrelation_fields; i++)
        add_relation(e, &mc, &t->relation_fields[i], rels, &counts, &count_sel);
    bool inc = rels->count > 0;
    if (counts.len) {
        tpl_value *co = tpl_set_new_obj(a, m, "counts");
        tpl_set_str(a, co, "members", buf_cstr(&counts));
        tpl_set_str(a, co, "select", buf_cstr(&count_sel));
    }
    buf_free(&counts);
    buf_free(&count_sel);
    tpl_set_strf(a, m, "nrelations", "%zu", rels->count);
    tpl_set_bool(a, m, "has_include", inc);
    tpl_set_str(a, m, "inc_param", inc ? arena_printf(a, "const %s_include *include, ", T) : "");
    tpl_set_str(a, m, "inc_arg", inc ? "include" : "NULL");
}

static void add_enum(emitter *e, const model_enum *en, tpl_value *enums)
{
    arena *a = e->a;
    tpl_value *o = tpl_push_new_obj(a, enums);
    const char *T = enum_type(e, en);
    tpl_set_str(a, o, "name", c_escape(a, en->name));
    tpl_set_str(a, o, "T", T);
    tpl_set_str(a, o, "doc", doc_comment(a, en->doc, ""));
    tpl_set_strf(a, o, "count", "%zu", en->nvalues);
    tpl_value *vals = tpl_set_new_list(a, o, "values");
    for (size_t i = 0; i < en->nvalues; i++) {
        tpl_value *v = tpl_push_new_obj(a, vals);
        tpl_set_strf(a, v, "C", "%s_%s_%s", e->PREFIX, en->c_upper, en->values[i].c_name);
        tpl_set_strf(a, v, "n", "%zu", i + 1);
        tpl_set_str(a, v, "db", c_escape(a, en->values[i].db_name));
        tpl_set_str(a, v, "db_comment", comment_text(a, en->values[i].db_name));
        tpl_set_str(a, v, "doc", doc_comment(a, en->values[i].doc, "    "));
    }
}

/* The renderer's pieces, passed on to the caller's sink with their file. */
typedef struct piece_sink {
    emit_sink sink;
    void *ctx;
    char which;
} piece_sink;

static bool forward_piece(void *ctx, const buf *text)
{
    const piece_sink *ps = ctx;
    return ps->sink(ps->ctx, ps->which, text);
}

bool emit_client(const model_schema *s, const emit_options *o, emit_sink sink, void *sink_ctx,
                 char **error)
{
    arena a = ARENA_INIT;
    emitter e = {&a, o->prefix, upper(&a, o->prefix)};
    tpl_value *ctx = tpl_new_obj(&a);
    tpl_set_str(&a, ctx, "prefix", o->prefix);
    tpl_set_str(&a, ctx, "PREFIX", e.PREFIX);
    tpl_set_str(&a, ctx, "schema",
                comment_text(&a, o->schema_name ? o->schema_name : "schema.prisma"));
    tpl_set_str(&a, ctx, "version", REFRACT_VERSION);
    tpl_set_str(&a, ctx, "rt_major", "0");
    tpl_set_str(&a, ctx, "rt_minor", "4");
    tpl_set_str(&a, ctx, "rt_patch", "0");
    tpl_value *enums = tpl_set_new_list(&a, ctx, "enums");
    for (size_t i = 0; i < s->nenums; i++)
        add_enum(&e, &s->enums[i], enums);
    tpl_value *models = tpl_set_new_list(&a, ctx, "models");
    for (size_t i = 0; i < s->ntables; i++)
        if (table_in_client(&s->tables[i]))
            add_model(&e, &s->tables[i], models);
    *error = NULL;
    buf out = BUF_INIT;
    piece_sink ps = {sink, sink_ctx, 'h'};
    bool ok = tpl_render_flushed(o->templates, "client.h.tmpl", ctx, &out, forward_piece, &ps,
                                 error);
    if (ok) {
        ps.which = 'c';
        ok = tpl_render_flushed(o->templates, "client.c.tmpl", ctx, &out, forward_piece, &ps,
                                error);
    }
    buf_free(&out);
    arena_free(&a);
    return ok;
}
