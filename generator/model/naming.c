/*
 * naming.c — the names refract computes: Prisma's default constraint names
 * (with its 63-byte truncation) and the C identifiers of the client.
 */
#include "model.h"

#include <ctype.h>
#include <stdlib.h>
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

const char *model_c_upper_exact(arena *a, const char *s)
{
    char *u = arena_strdup(a, s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

const char *model_c_join(arena *a, const model_index_part *parts, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '_');
        buf_puts(&b, parts[i].column ? parts[i].column->c_name : "?");
    }
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* Sorted (strcmp order) for bsearch. Adding a word renames the fields
 * spelled that way, so the list is meant to be complete now. */
static const char *const RESERVED[] = {
    "I",           /* <complex.h> */
    "NULL",
    "_Alignas", "_Alignof", "_Atomic", "_BitInt", "_Bool", "_Complex", "_Decimal128",
    "_Decimal32", "_Decimal64", "_Generic", "_Imaginary", "_Noreturn", "_Pragma",
    "_Static_assert", "_Thread_local",
    "alignas", "alignof", "and", "and_eq", "asm", "assert", "atomic_bool", "auto",
    "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await",
    "co_return", "co_yield", "compl", "complex", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue",
    "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "errno", "explicit", "export", "extern",
    "false", "float", "for", "friend",
    "goto",
    "i386", "if", "imaginary", "inline", "int", "int16_t", "int32_t", "int64_t", "int8_t",
    "int_fast16_t", "int_fast32_t", "int_fast64_t", "int_fast8_t", "int_least16_t",
    "int_least32_t", "int_least64_t", "int_least8_t", "intmax_t", "intptr_t",
    "linux", "long",
    "m68k", "max_align_t", "mc68000", "mips", "mutable",
    "namespace", "new", "noexcept", "noreturn", "not", "not_eq", "nullptr",
    "offsetof", "operator", "or", "or_eq",
    "private", "protected", "ptrdiff_t", "public",
    "register", "reinterpret_cast", "requires", "restrict", "return",
    "short", "signed", "size_t", "sizeof", "sparc", "ssize_t", "static", "static_assert",
    "static_cast", "stderr", "stdin", "stdout", "struct", "sun", "switch",
    "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid",
    "typename", "typeof", "typeof_unqual",
    "uint16_t", "uint32_t", "uint64_t", "uint8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "uint_fast8_t", "uint_least16_t", "uint_least32_t", "uint_least64_t",
    "uint_least8_t", "uintmax_t", "uintptr_t", "union", "unix", "unsigned", "using",
    "vax", "virtual", "void", "volatile",
    "wchar_t", "while",
    "xor", "xor_eq",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool model_c_reserved(const char *name)
{
    /* rf_ / RF_: the runtime's names, and the parameters and locals of
     * generated functions (rf_ names that do not end in '_', so never an
     * escaped field). */
    if (!strncmp(name, "rf_", 3) || !strncmp(name, "RF_", 3))
        return true;
    return bsearch(name, RESERVED, sizeof RESERVED / sizeof *RESERVED, sizeof *RESERVED,
                   cmp_word) != NULL;
}
