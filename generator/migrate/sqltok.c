#include "sqltok.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static size_t skip_comment(const char *s, size_t end, size_t i)
{
    if (s[i] == '-') {
        while (i < end && s[i] != '\n')
            i++;
        return i;
    }
    int depth = 0; /* block comments nest in PostgreSQL */
    do {
        if (i + 1 < end && s[i] == '/' && s[i + 1] == '*')
            depth++, i += 2;
        else if (i + 1 < end && s[i] == '*' && s[i + 1] == '/')
            depth--, i += 2;
        else
            i++;
    } while (i < end && depth > 0);
    return i;
}

/* Copy a quoted token's content, doubled quotes made single. Returns the
 * offset past the closing quote. */
static size_t take_quoted(const char *s, size_t end, size_t i, char q, arena *a, const char **text)
{
    size_t cap = end - i + 1, len = 0;
    char *out = arena_alloc(a, cap);
    i++;
    while (i < end) {
        if (s[i] == q) {
            if (i + 1 < end && s[i + 1] == q) {
                out[len++] = q;
                i += 2;
                continue;
            }
            i++;
            break;
        }
        out[len++] = s[i++];
    }
    out[len] = '\0';
    *text = out;
    return i;
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 128;
}

void sql_tokenize(const char *s, size_t start, size_t end, arena *a, sql_toks *out)
{
    size_t cap = 32;
    out->items = arena_alloc(a, cap * sizeof *out->items);
    out->count = 0;
    size_t i = start;
    while (i < end) {
        char c = s[i];
        if (isspace((unsigned char)c)) {
            i++;
            continue;
        }
        if ((c == '-' && i + 1 < end && s[i + 1] == '-') ||
            (c == '/' && i + 1 < end && s[i + 1] == '*')) {
            i = skip_comment(s, end, i);
            continue;
        }
        sql_tok t = {.offset = i};
        if (c == '"') {
            t.kind = TOK_IDENT;
            i = take_quoted(s, end, i, '"', a, &t.text);
        } else if (c == '\'') {
            t.kind = TOK_STRING;
            i = take_quoted(s, end, i, '\'', a, &t.text);
        } else if ((c == 'E' || c == 'e') && i + 1 < end && s[i + 1] == '\'') {
            t.kind = TOK_STRING;
            size_t j = i + 2;
            while (j < end && s[j] != '\'')
                j += s[j] == '\\' ? 2 : 1;
            t.text = arena_strndup(a, s + i + 2, (j < end ? j : end) - (i + 2));
            i = j < end ? j + 1 : end;
        } else if (c == '$' && i + 1 < end && !isdigit((unsigned char)s[i + 1])) {
            size_t j = i + 1;
            while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '_'))
                j++;
            if (j < end && s[j] == '$') {
                size_t tag = j - i + 1;
                size_t k = j + 1;
                while (k + tag <= end && memcmp(s + k, s + i, tag))
                    k++;
                t.kind = TOK_STRING;
                t.text = arena_strndup(a, s + j + 1, (k + tag <= end ? k : end) - (j + 1));
                i = k + tag <= end ? k + tag : end;
            } else {
                t.kind = TOK_PUNCT;
                t.text = arena_strndup(a, s + i, 1);
                i++;
            }
        } else if (isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 128) {
            size_t j = i;
            while (j < end && word_char(s[j]))
                j++;
            t.kind = TOK_WORD;
            t.text = arena_strndup(a, s + i, j - i);
            i = j;
        } else if (isdigit((unsigned char)c)) {
            size_t j = i;
            while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '.'))
                j++;
            t.kind = TOK_NUMBER;
            t.text = arena_strndup(a, s + i, j - i);
            i = j;
        } else {
            t.kind = TOK_PUNCT;
            t.text = arena_strndup(a, s + i, 1);
            i++;
        }
        if (out->count == cap) {
            out->items = arena_realloc(a, out->items, cap * sizeof *out->items,
                                       2 * cap * sizeof *out->items);
            cap *= 2;
        }
        out->items[out->count++] = t;
    }
}

bool tok_is(const sql_toks *t, size_t i, const char *kw)
{
    return i < t->count && t->items[i].kind == TOK_WORD && !strcasecmp(t->items[i].text, kw);
}

bool tok_punct(const sql_toks *t, size_t i, char c)
{
    return i < t->count && t->items[i].kind == TOK_PUNCT && t->items[i].text[0] == c;
}

static const char *one_name(const sql_tok *k, arena *a)
{
    if (k->kind == TOK_IDENT)
        return k->text;
    if (k->kind != TOK_WORD)
        return NULL;
    char *folded = arena_strdup(a, k->text);
    for (char *p = folded; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return folded;
}

const char *tok_name(const sql_toks *t, size_t i, arena *a, size_t *next)
{
    if (i >= t->count)
        return NULL;
    const char *name = one_name(&t->items[i], a);
    if (!name)
        return NULL;
    i++;
    while (tok_punct(t, i, '.') && i + 1 < t->count) {
        const char *part = one_name(&t->items[i + 1], a);
        if (!part)
            break;
        name = part;
        i += 2;
    }
    if (next)
        *next = i;
    return name;
}

size_t tok_skip_group(const sql_toks *t, size_t i)
{
    int depth = 0;
    for (; i < t->count; i++) {
        if (tok_punct(t, i, '('))
            depth++;
        else if (tok_punct(t, i, ')') && --depth <= 0)
            return i + 1;
    }
    return i;
}
