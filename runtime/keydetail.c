/*
 * keydetail.c — the columns of a violated key, read from PostgreSQL's DETAIL
 * ("Key (a, "B c")=(1, x) already exists."), which is where the server names
 * them: a unique violation carries no column field of its own.
 *
 * The key list is what pg_get_indexdef prints: column names quoted as SQL
 * identifiers when they need it (so they may hold commas, parentheses and
 * doubled quotes), and index expressions deparsed (lower(email), with their
 * own parentheses and string literals), separated by ", ". The word before
 * it ("Key") is translated with lc_messages, so only the shape is relied
 * on: the first balanced parenthesised list followed by "=(".
 */
#include "internal.h"

#include <string.h>

/* One key item, raw as printed: a quoted identifier loses its quotes, a bare
 * identifier or an expression stays as it is. */
static char *item_name(rf_arena *arena, const char *s, size_t n)
{
    bool one_quoted = n >= 2 && s[0] == '"' && s[n - 1] == '"';
    for (size_t i = 1; one_quoted && i + 1 < n; i++) {
        if (s[i] == '"') {
            if (s[i + 1] != '"' || i + 2 >= n)
                one_quoted = false; /* e.g. "a" || "b": an expression */
            i++;
        }
    }
    if (!one_quoted)
        return rf_arena_strndup(arena, s, n);
    char *out = rf_arena_alloc(arena, n);
    if (!out)
        return NULL;
    size_t w = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        out[w++] = s[i];
        if (s[i] == '"')
            i++; /* "" stands for one quote */
    }
    out[w] = '\0';
    return out;
}

size_t rf_key_columns(const char *detail, rf_arena *arena, const char ***names)
{
    static const char *none[1] = { NULL };
    *names = none;
    const char *open = detail ? strchr(detail, '(') : NULL;
    if (!open)
        return 0;
    /* First pass: find the items' bounds. */
    enum { MAX_ITEMS = 64 }; /* PostgreSQL's INDEX_MAX_KEYS is 32 */
    const char *start[MAX_ITEMS];
    size_t len[MAX_ITEMS];
    size_t count = 0;
    const char *item = open + 1;
    int depth = 0;
    char quote = 0; /* '"' inside an identifier, '\'' inside a string literal */
    const char *p = item;
    for (;; p++) {
        if (!*p)
            return 0; /* unbalanced: not a key list */
        if (quote) {
            if (*p == quote) {
                if (p[1] == quote)
                    p++;
                else
                    quote = 0;
            }
            continue;
        }
        if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && depth > 0) {
            depth--;
        } else if ((*p == ')' || (*p == ',' && p[1] == ' ')) && depth == 0) {
            if (count == MAX_ITEMS || p == item)
                return 0;
            start[count] = item;
            len[count++] = (size_t)(p - item);
            if (*p == ')')
                break;
            item = p + 2;
            p++;
        }
    }
    if (strncmp(p, ")=(", 3) != 0)
        return 0;
    const char **out = rf_arena_alloc(arena, (count + 1) * sizeof *out);
    if (!out)
        return 0;
    for (size_t i = 0; i < count; i++) {
        out[i] = item_name(arena, start[i], len[i]);
        if (!out[i])
            return 0;
    }
    out[count] = NULL;
    *names = out;
    return count;
}
