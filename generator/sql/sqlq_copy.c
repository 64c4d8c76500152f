/*
 * sqlq_copy.c — the COPY statement of a :copyfrom query. As sqlc asks, the
 * query is one INSERT whose values are its parameters, in order:
 *
 *     INSERT INTO "Order" ("accountId", total) VALUES ($1, $2)
 *
 * becomes `COPY "Order" ("accountId", total) FROM STDIN`, names kept as
 * written (quoted or not), so the COPY means the same table and columns.
 */
#include "sqlq_copy.h"

#include <stdlib.h>
#include <string.h>

#include "../migrate/sqltok.h"
#include "../util/buf.h"

/* A name token as written: words as they are, identifiers quoted again. */
static bool put_name(buf *b, const sql_tok *t)
{
    if (t->kind == TOK_WORD) {
        buf_puts(b, t->text);
        return true;
    }
    if (t->kind != TOK_IDENT)
        return false;
    buf_putc(b, '"');
    for (const char *p = t->text; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
    return true;
}

const char *sqlq_copy_sql(const sqlq_query *q, arena *a, size_t *bad)
{
    sql_toks t;
    sql_tokenize(q->sql, 0, strlen(q->sql), a, &t);
    buf b = {0};
    size_t i = 0;
    const char *out = NULL;
    *bad = 0;
    if (!tok_is(&t, 0, "INSERT") || !tok_is(&t, 1, "INTO"))
        goto fail;
    buf_puts(&b, "COPY ");
    for (i = 2;; i += 2) { /* schema.table */
        if (!put_name(&b, i < t.count ? &t.items[i] : &(sql_tok){TOK_PUNCT, "", 0}))
            goto fail;
        if (!tok_punct(&t, i + 1, '.'))
            break;
        buf_putc(&b, '.');
    }
    i++;
    if (!tok_punct(&t, i++, '('))
        goto fail;
    buf_puts(&b, " (");
    size_t ncols = 0;
    for (;; i++) {
        if (i >= t.count || !put_name(&b, &t.items[i]))
            goto fail;
        ncols++;
        i++;
        if (tok_punct(&t, i, ')'))
            break;
        if (!tok_punct(&t, i, ','))
            goto fail;
        buf_puts(&b, ", ");
    }
    i++;
    if (!tok_is(&t, i++, "VALUES") || !tok_punct(&t, i++, '('))
        goto fail;
    for (size_t k = 1;; k++) {
        if (!tok_punct(&t, i, '$') || i + 1 >= t.count || t.items[i + 1].kind != TOK_NUMBER ||
            strtoul(t.items[i + 1].text, NULL, 10) != k || k > ncols)
            goto fail;
        i += 2;
        if (tok_punct(&t, i, ')')) {
            if (k != ncols || i + 1 != t.count)
                goto fail;
            break;
        }
        if (!tok_punct(&t, i++, ','))
            goto fail;
    }
    buf_puts(&b, ") FROM STDIN");
    out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
fail:
    *bad = i < t.count ? t.items[i].offset : strlen(q->sql);
    buf_free(&b);
    return NULL;
}
