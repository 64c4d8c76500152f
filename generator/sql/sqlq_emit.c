/*
 * sqlq_emit.c — writes the typed queries' C: per query a params struct, a
 * row struct (and list, and stream for :many) and one function, in
 * <prefix>_sql.h; in <prefix>_sql.c one constant rf_typed_query per query
 * (the SQL, parameter and column descriptors: runtime/refract_typed.h) and
 * one-line wrappers over rf_typed_*, the way the model client's functions
 * wrap rf_desc_*.
 *
 * A pair of its own rather than more of <prefix>.h/.c: the model client
 * needs no database to generate, the queries do; keeping them apart keeps
 * db.h/.c unchanged by a query's edit, and lets a program without .sql files
 * build exactly as before.
 */
#include "sqlq_emit.h"

#include <string.h>

static const char *const KIND_NAMES[] = {
    [SQLQ_TEXT] = "RF_KIND_TEXT", [SQLQ_DECIMAL] = "RF_KIND_DECIMAL",
    [SQLQ_JSON] = "RF_KIND_JSON", [SQLQ_I32] = "RF_KIND_I32", [SQLQ_I64] = "RF_KIND_I64",
    [SQLQ_F64] = "RF_KIND_F64", [SQLQ_BOOL] = "RF_KIND_BOOL",
    [SQLQ_TIMESTAMP] = "RF_KIND_TIMESTAMP", [SQLQ_BYTES] = "RF_KIND_BYTES",
    [SQLQ_ENUM] = "RF_KIND_ENUM"};

/* [0] required, [1] nullable, [2] list. */
static const char *const C_TYPES[][3] = {
    [SQLQ_TEXT] = {"const char *", "const char *", "rf_text_array "},
    [SQLQ_DECIMAL] = {"const char *", "const char *", "rf_text_array "},
    [SQLQ_JSON] = {"const char *", "const char *", "rf_text_array "},
    [SQLQ_I32] = {"int32_t ", "rf_opt_i32 ", "rf_i32_array "},
    [SQLQ_I64] = {"int64_t ", "rf_opt_i64 ", "rf_i64_array "},
    [SQLQ_F64] = {"double ", "rf_opt_f64 ", "rf_f64_array "},
    [SQLQ_BOOL] = {"bool ", "rf_opt_bool ", "rf_bool_array "},
    [SQLQ_TIMESTAMP] = {"rf_timestamp ", "rf_opt_timestamp ", "rf_timestamp_array "},
    [SQLQ_BYTES] = {"rf_bytes ", "rf_bytes ", "rf_bytes_array "},
    [SQLQ_ENUM] = {NULL, NULL, NULL}};

static const char *member_type(const sqlq_value *v, const char *prefix, arena *a)
{
    if (v->ctype == SQLQ_ENUM)
        return arena_printf(a, "%s_%s%s ", prefix, v->en->c_name,
                            v->list ? "_array" : v->nullable ? "_opt" : "");
    return C_TYPES[v->ctype][v->list ? 2 : v->nullable ? 1 : 0];
}

static const char *what(const sqlq_value *v)
{
    if (v->list)
        return " (array)";
    if (!v->nullable)
        return "";
    return v->ctype == SQLQ_TEXT || v->ctype == SQLQ_DECIMAL || v->ctype == SQLQ_JSON
               ? " (NULL: SQL NULL)"
               : v->ctype == SQLQ_BYTES ? " (.data NULL: SQL NULL)" : " (.has false: SQL NULL)";
}

static void put_members(buf *h, const sqlq_value *vs, size_t n, const char *prefix, arena *a)
{
    for (size_t i = 0; i < n; i++) {
        const char *type = member_type(&vs[i], prefix, a);
        buf_printf(h, "    %s%s;", type, vs[i].c_name);
        const char *note = what(&vs[i]);
        if (*note || strcmp(vs[i].name, vs[i].c_name))
            buf_printf(h, " /* %s%s */", vs[i].name, note);
        buf_putc(h, '\n');
    }
}

/* SQL as a C string literal, one piece per line. */
static void put_literal(buf *c, const char *s)
{
    buf_puts(c, "\"");
    char prev = 0;
    for (; *s; prev = *s, s++) {
        switch (*s) {
        case '"': buf_puts(c, "\\\""); break;
        case '\\': buf_puts(c, "\\\\"); break;
        case '\r': break;
        case '\t': buf_puts(c, "\\t"); break;
        case '\n':
            buf_puts(c, "\\n\"\n        \"");
            break;
        case '?': buf_puts(c, prev == '?' ? "\\?" : "?"); break; /* no trigraphs */
        default:
            if ((unsigned char)*s < 0x20)
                buf_printf(c, "\\%03o", (unsigned char)*s);
            else
                buf_putc(c, *s);
        }
    }
    buf_puts(c, "\"");
}

static const char *KIND_WORDS[] = {[SQLQ_ONE] = "one", [SQLQ_MANY] = "many",
                                   [SQLQ_EXEC] = "exec", [SQLQ_EXECROWS] = "execrows",
                                   [SQLQ_COPYFROM] = "copyfrom"};

static unsigned line_of(const sqlq_query *q)
{
    unsigned line = 1;
    for (size_t i = 0; i < q->at && i < q->file->len; i++)
        line += q->file->text[i] == '\n';
    return line;
}

/* The arguments after the client, as declared and as passed on. */
static void signature(buf *b, const sqlq_query *q, const char *T)
{
    buf_printf(b, "rf_status %s(rf_client *client", T);
    if (q->kind == SQLQ_COPYFROM) {
        buf_printf(b, ", const %s_params *rows, size_t n, int64_t *count)", T);
        return;
    }
    if (q->nparams)
        buf_printf(b, ", const %s_params *params", T);
    switch (q->kind) {
    case SQLQ_ONE: buf_printf(b, ", %s_row *out, rf_arena *arena)", T); break;
    case SQLQ_MANY: buf_printf(b, ", %s_list *out, rf_arena *arena)", T); break;
    case SQLQ_EXEC: buf_puts(b, ")"); break;
    case SQLQ_EXECROWS: buf_puts(b, ", int64_t *affected)"); break;
    case SQLQ_COPYFROM: break;
    }
}

static void header_query(buf *h, const sqlq_query *q, const char *prefix, arena *a)
{
    const char *T = arena_printf(a, "%s_sql_%s", prefix, q->c_name);
    buf_printf(h, "\n/* %s (%s:%u) :%s */\n", q->name, q->file->shown, line_of(q),
               KIND_WORDS[q->kind]);
    if (q->nparams) {
        buf_printf(h, "typedef struct %s_params {\n", T);
        put_members(h, q->params, q->nparams, prefix, a);
        buf_printf(h, "} %s_params;\n", T);
    }
    if (q->kind == SQLQ_ONE || q->kind == SQLQ_MANY) {
        buf_printf(h, "typedef struct %s_row {\n", T);
        put_members(h, q->cols, q->ncols, prefix, a);
        buf_printf(h, "} %s_row;\n", T);
    }
    if (q->kind == SQLQ_MANY) {
        buf_printf(h, "typedef struct %s_list { %s_row *items; size_t count; } %s_list;\n", T, T,
                   T);
        buf_printf(h, "typedef struct %s_stream { rf_model_stream s; } %s_stream;\n", T, T);
    }
    signature(h, q, T);
    buf_puts(h, ";\n");
    if (q->kind == SQLQ_MANY) {
        buf_printf(h, "rf_status %s_stream_open(rf_client *client, ", T);
        if (q->nparams)
            buf_printf(h, "const %s_params *params, ", T);
        buf_printf(h, "const rf_stream_options *options,\n    %s_stream *out);\n", T);
        buf_printf(h, "rf_status %s_stream_next(%s_stream *stream, %s_row *out, rf_arena *arena, "
                      "bool *got);\n", T, T, T);
        buf_printf(h, "rf_status %s_stream_close(%s_stream *stream);\n", T, T);
    }
}

static void put_descs(buf *c, const char *T, const char *what_, const char *owner,
                      const sqlq_value *vs, size_t n, const char *prefix)
{
    if (!n)
        return;
    buf_printf(c, "static const rf_field_desc %s__%s[] = {\n", T, what_);
    for (size_t i = 0; i < n; i++) {
        const sqlq_value *v = &vs[i];
        const char *flags = v->list ? "RF_FIELD_LIST" : v->nullable ? "RF_FIELD_NULLABLE" : "0";
        buf_printf(c, "    {\"%s\", NULL, %s, %s, 0, 0, %u, ", v->name, KIND_NAMES[v->ctype],
                   flags, v->declare);
        if (v->ctype == SQLQ_ENUM)
            buf_printf(c, "&%s_sql__%s_table, ", prefix, v->en->c_name);
        else
            buf_puts(c, "NULL, ");
        buf_printf(c, "offsetof(%s, %s), RF_NO_MEMBER, RF_NO_MEMBER, RF_NO_MEMBER},\n", owner,
                   v->c_name);
    }
    buf_puts(c, "};\n");
}

static void source_query(buf *c, const sqlq_query *q, const char *prefix, arena *a)
{
    const char *T = arena_printf(a, "%s_sql_%s", prefix, q->c_name);
    bool rows = q->kind == SQLQ_ONE || q->kind == SQLQ_MANY;
    buf_printf(c, "\n/* %s (%s:%u) */\n", q->name, q->file->shown, line_of(q));
    put_descs(c, T, "params", arena_printf(a, "%s_params", T), q->params, q->nparams, prefix);
    if (rows)
        put_descs(c, T, "cols", arena_printf(a, "%s_row", T), q->cols, q->ncols, prefix);
    if (q->nparams) {
        buf_printf(c, "static const rf_oid %s__types[] = {", T);
        for (size_t i = 0; i < q->nparams; i++)
            buf_printf(c, "%s%u", i ? ", " : "", q->params[i].declare);
        buf_puts(c, "};\n");
    }
    buf_printf(c, "static const rf_typed_query %s__q = {\n    {\"%s\",\n        ", T, T);
    put_literal(c, q->sql);
    buf_printf(c, ",\n        %s, %zu, %s},\n", q->binary ? "RF_FORMAT_BINARY" : "RF_FORMAT_TEXT",
               q->nparams, q->nparams ? arena_printf(a, "%s__types", T) : "NULL");
    if (q->nparams)
        buf_printf(c, "    %s__params, %zu,\n", T, q->nparams);
    else
        buf_puts(c, "    NULL, 0,\n");
    buf_printf(c, "    {.name = \"%s\", .table = \"%s\"", q->name, q->name);
    if (rows)
        buf_printf(c, ", .fields = %s__cols, .nfields = %zu, .row_size = sizeof(%s_row)", T,
                   q->ncols, T);
    buf_puts(c, "},\n    ");
    if (q->copy)
        put_literal(c, q->copy);
    else
        buf_puts(c, "NULL");
    buf_puts(c, "};\n");
    signature(c, q, T);
    const char *params = q->nparams ? "params" : "NULL";
    switch (q->kind) {
    case SQLQ_ONE:
        buf_printf(c, "\n{ return rf_typed_one(client, &%s__q, %s, out, arena); }\n", T, params);
        break;
    case SQLQ_MANY:
        buf_printf(c, "\n{ return rf_typed_many(client, &%s__q, %s, out, arena); }\n", T, params);
        buf_printf(c, "rf_status %s_stream_open(rf_client *client, ", T);
        if (q->nparams)
            buf_printf(c, "const %s_params *params, ", T);
        buf_printf(c, "const rf_stream_options *options,\n    %s_stream *out)\n", T);
        buf_printf(c, "{ return rf_typed_stream_open(client, &%s__q, %s, options, "
                      "out ? &out->s : NULL); }\n", T, params);
        buf_printf(c, "rf_status %s_stream_next(%s_stream *stream, %s_row *out, rf_arena *arena, "
                      "bool *got)\n", T, T, T);
        buf_puts(c, "{ return rf_desc_stream_next(stream ? &stream->s : NULL, out, arena, got); }\n");
        buf_printf(c, "rf_status %s_stream_close(%s_stream *stream)\n", T, T);
        buf_puts(c, "{ return rf_desc_stream_close(stream ? &stream->s : NULL); }\n");
        break;
    case SQLQ_EXEC:
        buf_printf(c, "\n{ return rf_typed_exec(client, &%s__q, %s, NULL); }\n", T, params);
        break;
    case SQLQ_EXECROWS:
        buf_printf(c, "\n{ return rf_typed_exec(client, &%s__q, %s, affected); }\n", T, params);
        break;
    case SQLQ_COPYFROM:
        buf_printf(c, "\n{ return rf_typed_copy(client, &%s__q, rows, sizeof *rows, n, count); }\n",
                   T);
        break;
    }
}

/* The enum tables the queries use (the model client's are static in its .c). */
static void enum_tables(buf *c, const sqlq_set *set, const char *prefix)
{
    const model_enum *done[256];
    size_t ndone = 0;
    for (size_t i = 0; i < set->count; i++) {
        const sqlq_query *q = &set->items[i];
        for (size_t k = 0; k < q->nparams + q->ncols; k++) {
            const sqlq_value *v = k < q->nparams ? &q->params[k] : &q->cols[k - q->nparams];
            if (v->ctype != SQLQ_ENUM)
                continue;
            bool seen = false;
            for (size_t d = 0; d < ndone; d++)
                seen |= done[d] == v->en;
            if (seen || ndone == sizeof done / sizeof done[0])
                continue;
            done[ndone++] = v->en;
            buf_printf(c, "static const char *const %s_sql__%s_names[] = {", prefix,
                       v->en->c_name);
            for (size_t e = 0; e < v->en->nvalues; e++)
                buf_printf(c, "%s\"%s\"", e ? ", " : "", v->en->values[e].db_name);
            buf_printf(c, "};\nstatic const rf_enum_table %s_sql__%s_table = {\"%s\", "
                          "%s_sql__%s_names, %zu};\n", prefix, v->en->c_name, v->en->name,
                       prefix, v->en->c_name, v->en->nvalues);
        }
    }
}

void sqlq_emit(const sqlq_set *set, const char *prefix, buf *h, buf *c, arena *a)
{
    const char *guard = model_c_upper(a, arena_printf(a, "%s_sql_h", prefix));
    buf_printf(h,
               "/*\n"
               " * %s_sql.h — typed queries: the .sql files of the schema, as C functions.\n"
               " *\n"
               " * Generated by refract. DO NOT EDIT: run `refract generate` again after\n"
               " * changing a query or the schema.\n"
               " *\n"
               " * Build: compile %s_sql.c and %s.c with your program; link -lrefract -lpq.\n"
               " * Types are PostgreSQL's own (each query was prepared at generate time).\n"
               " * Per query: <name>_params (absent without parameters), <name>_row, and\n"
               " *   :one       the first row into *out (RF_NOT_FOUND without one)\n"
               " *   :many      every row into *out (items in the arena), or streamed with\n"
               " *              <name>_stream_open / _stream_next / _stream_close\n"
               " *   :exec      runs it;  :execrows  runs it and sets *affected\n"
               " *   :copyfrom  n rows (params structs) in one COPY; *count rows copied\n"
               " * Results live in the arena you pass. Each query is prepared once per\n"
               " * connection; every value is a parameter.\n"
               " */\n"
               "#ifndef %s\n#define %s\n\n#include <refract_typed.h>\n\n#include \"%s.h\"\n",
               prefix, prefix, prefix, guard, guard, prefix);
    buf_printf(c,
               "/* %s_sql.c — typed queries (see %s_sql.h). Generated by refract. DO NOT EDIT. */\n"
               "#include \"%s_sql.h\"\n\n#include <stddef.h>\n\n",
               prefix, prefix, prefix);
    enum_tables(c, set, prefix);
    for (size_t i = 0; i < set->count; i++) {
        header_query(h, &set->items[i], prefix, a);
        source_query(c, &set->items[i], prefix, a);
    }
    buf_printf(h, "\n#endif /* %s */\n", guard);
}
