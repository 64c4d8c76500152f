/*
 * naming.c — the names refract computes: Prisma's default constraint names
 * (with its 63-byte truncation) and the C identifiers of the client.
 */
#include "model.h"

#include <ctype.h>
#include <string.h>

#include "../util/buf.h"

/* Prisma cuts a too-long name at a UTF-8 character boundary not beyond
 * `limit` bytes: step back over continuation bytes (10xxxxxx). */
static size_t floor_char_boundary(const char *s, size_t len, size_t limit)
{
    if (limit >= len)
        return len;
    while (limit > 0 && ((unsigned char)s[limit] & 0xC0) == 0x80)
        limit--;
    return limit;
}

/* "<table>_<c1>_<c2>" cut to (63 - strlen(suffix)) bytes when it reaches
 * that length, then the suffix: Prisma's ConstraintNames rules. */
static const char *joined_name(arena *a, const char *table, const char *const *cols, size_t n,
                               const char *suffix)
{
    buf b = BUF_INIT;
    buf_puts(&b, table);
    if (cols) {
        buf_putc(&b, '_');
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_putc(&b, '_');
            buf_puts(&b, cols[i]);
        }
    }
    size_t limit = MODEL_MAX_IDENTIFIER - strlen(suffix);
    if (b.len >= limit)
        buf_truncate(&b, floor_char_boundary(b.data, b.len, limit));
    buf_puts(&b, suffix);
    const char *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return out;
}

const char *model_name_pkey(arena *a, const char *table)
{
    return joined_name(a, table, NULL, 0, "_pkey");
}

const char *model_name_key(arena *a, const char *table, const char *const *cols, size_t n)
{
    return joined_name(a, table, cols, n, "_key");
}

const char *model_name_idx(arena *a, const char *table, const char *const *cols, size_t n)
{
    return joined_name(a, table, cols, n, "_idx");
}

const char *model_name_fkey(arena *a, const char *table, const char *const *cols, size_t n)
{
    return joined_name(a, table, cols, n, "_fkey");
}

/*
 * Word splitting for C names. A word boundary falls:
 *   - at '_' (and other non-alphanumerics), which are dropped;
 *   - before an upper-case letter that follows a lower-case letter or a
 *     digit ("createdAt" → created|at, "v2Name" → v2|name);
 *   - before the last upper-case letter of a run that is followed by a
 *     lower-case one ("HTTPServer" → http|server).
 * Digits stay attached to what precedes them ("utf8Name" → utf8|name).
 */
static void split_words(const char *name, buf *out, bool upper)
{
    size_t n = strlen(name);
    bool pending_sep = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c)) {
            pending_sep = out->len > 0;
            continue;
        }
        if (isupper(c) && i > 0 && out->len > 0) {
            unsigned char prev = (unsigned char)name[i - 1];
            unsigned char next = i + 1 < n ? (unsigned char)name[i + 1] : 0;
            if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
                pending_sep = true;
        }
        if (pending_sep) {
            buf_putc(out, '_');
            pending_sep = false;
        }
        buf_putc(out, (char)(upper ? toupper(c) : tolower(c)));
    }
}

static const char *c_form(arena *a, const char *name, bool upper)
{
    buf b = BUF_INIT;
    split_words(name, &b, upper);
    if (b.len == 0)
        buf_putc(&b, '_');
    /* An identifier cannot start with a digit. */
    if (isdigit((unsigned char)b.data[0])) {
        buf tmp = BUF_INIT;
        buf_putc(&tmp, '_');
        buf_put(&tmp, b.data, b.len);
        buf_free(&b);
        b = tmp;
    }
    const char *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return out;
}

const char *model_c_snake(arena *a, const char *name)
{
    return c_form(a, name, false);
}

const char *model_c_upper(arena *a, const char *name)
{
    return c_form(a, name, true);
}

bool model_c_reserved(const char *name)
{
    static const char *const words[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
        "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
        "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
        "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas",
        "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
        "_Static_assert", "_Thread_local",
        /* macros and typedefs every C file sees through the standard headers */
        "bool", "true", "false", "NULL", "errno", "assert", "alignas", "alignof",
        "noreturn", "static_assert", "thread_local", "complex", "imaginary",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(name, words[i]))
            return true;
    return false;
}
