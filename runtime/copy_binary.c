/*
 * copy_binary.c — rows in COPY's binary format, for createMany when every
 * column it writes is of a type whose binary form the client already has.
 *
 * Binary COPY spares the server parsing each value (int4in, timestamp_in,
 * ...) and the client printing it, but it must send each column's own
 * binary form, and the descriptors know only what a create binds (an Int
 * may be stored as smallint, a String as uuid, a Decimal has numeric's
 * wire form). So the server's column types are read from the catalog
 * first (one statement per createMany), and binary is used only when each
 * column takes the bound value as it is: the same type for binary values
 * (int4, int8, float8, bool, bytea, timestamp[tz], date, time), and for
 * text values a type whose binary form is the text (text, varchar, char,
 * citext, enums, json; jsonb behind its version byte). Anything else goes
 * through text COPY (copy_text.c), where the server reads every value with
 * the column's input function.
 */
#include "desc_internal.h"

#include <stdlib.h>
#include <string.h>

/* Whether a column of type `col` (pg_type typtype, typname) takes f's bound
 * values in binary, and how. */
static unsigned char how_for(const rf_field_desc *f, rf_oid col, char typtype, const char *typname)
{
    if (f->flags & RF_FIELD_LIST)
        return RF_COPY_NONE;
    bool textual = col == RF_OID_TEXT || col == RF_OID_VARCHAR || col == RF_OID_BPCHAR ||
                   !strcmp(typname, "citext");
    switch ((rf_value_kind)f->kind) {
    case RF_KIND_I32: return col == RF_OID_INT4 ? RF_COPY_VERBATIM : RF_COPY_NONE;
    case RF_KIND_I64: return col == RF_OID_INT8 ? RF_COPY_VERBATIM : RF_COPY_NONE;
    case RF_KIND_F64: return col == RF_OID_FLOAT8 ? RF_COPY_VERBATIM : RF_COPY_NONE;
    case RF_KIND_BOOL: return col == RF_OID_BOOL ? RF_COPY_VERBATIM : RF_COPY_NONE;
    case RF_KIND_BYTES: return col == RF_OID_BYTEA ? RF_COPY_VERBATIM : RF_COPY_NONE;
    case RF_KIND_TIMESTAMP: {
        bool stamp = col == RF_OID_TIMESTAMP || col == RF_OID_TIMESTAMPTZ;
        bool bound_stamp = f->type == RF_OID_TIMESTAMP || f->type == RF_OID_TIMESTAMPTZ;
        /* timestamp and timestamptz share one binary form (µs since 2000 UTC) */
        if ((stamp && bound_stamp) || (col == f->type && (col == RF_OID_DATE || col == RF_OID_TIME)))
            return RF_COPY_VERBATIM;
        return RF_COPY_NONE;
    }
    case RF_KIND_TEXT: return textual ? RF_COPY_TEXT : RF_COPY_NONE;
    case RF_KIND_ENUM: return typtype == 'e' ? RF_COPY_TEXT : RF_COPY_NONE;
    case RF_KIND_JSON:
        if (col == RF_OID_JSON)
            return RF_COPY_TEXT;
        return col == RF_OID_JSONB ? RF_COPY_JSONB : RF_COPY_NONE;
    default: return RF_COPY_NONE; /* Decimal: numeric's binary form is its own */
    }
}

static const char COLUMN_TYPES[] =
    "SELECT a.attname, a.atttypid, t.typtype, t.typname FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped";

rf_status rf_copy_binary_plan(rf_client *c, const rf_model_desc *m, const rf_desc_sql *s,
                              const bool *cols, unsigned char *how, bool *usable)
{
    *usable = false;
    memset(how, RF_COPY_NONE, m->nfields);
    rf_params p;
    rf_params_init(&p);
    rf_params_add_text(&p, s->table);
    rf_stmt stmt = {.id = COLUMN_TYPES, .sql = COLUMN_TYPES, .result_format = RF_FORMAT_TEXT};
    rf_result res = RF_RESULT_INIT;
    rf_status st = rf_exec_params(c, &stmt, &p, &res);
    rf_params_free(&p);
    if (st != RF_OK)
        return st;
    const PGresult *pg = (const PGresult *)res.pg;
    size_t planned = 0, wanted = 0;
    for (size_t i = 0; i < m->nfields; i++) {
        if (!cols[i])
            continue;
        wanted++;
        const char *name = m->fields[i].column ? m->fields[i].column : m->fields[i].name;
        for (int r = 0; r < res.rows; r++) {
            if (strcmp(PQgetvalue(pg, r, 0), name) != 0)
                continue;
            how[i] = how_for(&m->fields[i], (rf_oid)strtoul(PQgetvalue(pg, r, 1), NULL, 10),
                             PQgetvalue(pg, r, 2)[0], PQgetvalue(pg, r, 3));
            planned += how[i] != RF_COPY_NONE;
            break;
        }
    }
    rf_result_clear(&res);
    *usable = planned == wanted;
    return RF_OK;
}

void rf_copy_binary_header(rf_buf *b)
{
    /* signature, flags (no OIDs), no header extension */
    static const char head[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    rf_buf_put(b, head, sizeof head);
}

void rf_copy_binary_trailer(rf_buf *b)
{
    rf_buf_put(b, "\377\377", 2);
}

void rf_copy_binary_tuple(rf_buf *b, size_t nfields)
{
    unsigned char n[2] = {(unsigned char)(nfields >> 8), (unsigned char)nfields};
    rf_buf_put(b, (const char *)n, 2);
}

void rf_copy_binary_put_param(rf_buf *b, const rf_params *p, int i, unsigned char how)
{
    unsigned char len[4];
    const char *v = p->values[i];
    if (!v) {
        rf_put_be32(len, UINT32_MAX); /* -1: NULL */
        rf_buf_put(b, (const char *)len, 4);
        return;
    }
    bool binary = p->formats[i] == RF_FORMAT_BINARY;
    /* The plan follows from what a create binds; a value of another form
     * would be misread by the server: refuse it (out of memory's way). */
    if (binary != (how == RF_COPY_VERBATIM)) {
        b->failed = true;
        return;
    }
    size_t n = binary ? (size_t)p->lengths[i] : strlen(v);
    rf_put_be32(len, (uint32_t)(n + (how == RF_COPY_JSONB)));
    rf_buf_put(b, (const char *)len, 4);
    if (how == RF_COPY_JSONB)
        rf_buf_put(b, "\1", 1); /* jsonb's binary form: version 1, then the text */
    rf_buf_put(b, v, n);
}
