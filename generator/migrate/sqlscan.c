#include "sqlscan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

unsigned sql_line_of(const char *sql, size_t len, size_t offset)
{
    unsigned line = 1;
    for (size_t i = 0; i < offset && i < len; i++)
        line += sql[i] == '\n';
    return line;
}

/* Skip whitespace and comments from i; returns the next significant byte. */
static size_t skip_blank(const char *s, size_t n, size_t i)
{
    for (;;) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                i++;
        } else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
            int depth = 0; /* PostgreSQL block comments nest */
            do {
                if (i + 1 < n && s[i] == '/' && s[i + 1] == '*')
                    depth++, i += 2;
                else if (i + 1 < n && s[i] == '*' && s[i + 1] == '/')
                    depth--, i += 2;
                else
                    i++;
            } while (i < n && depth > 0);
        } else {
            return i;
        }
    }
}

/* A dollar-quote opening tag at i ("$$" or "$tag$"): its length, else 0. */
static size_t dollar_tag(const char *s, size_t n, size_t i)
{
    size_t j = i + 1;
    if (j < n && (isdigit((unsigned char)s[j])))
        return 0; /* $1 is a parameter */
    while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_' || (unsigned char)s[j] >= 128))
        j++;
    return j < n && s[j] == '$' ? j - i + 1 : 0;
}

/* Past the quoted token starting at i (', E', ", or a dollar quote). */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
    if (s[i] == '$') {
        size_t tag = dollar_tag(s, n, i);
        for (size_t j = i + tag; j + tag <= n; j++)
            if (s[j] == '$' && !memcmp(s + j, s + i, tag))
                return j + tag;
        return n;
    }
    bool backslash = false;
    if (s[i] == 'E' || s[i] == 'e')
        backslash = true, i++;
    char q = s[i++];
    while (i < n) {
        if (backslash && s[i] == '\\')
            i += 2;
        else if (s[i] == q) {
            if (i + 1 < n && s[i + 1] == q)
                i += 2; /* doubled quote */
            else
                return i + 1;
        } else
            i++;
    }
    return n;
}

/* Up to `max` leading words of the statement at s[i..], upper-cased,
 * separated by single spaces, into what[]. */
static void first_words(const char *s, size_t n, size_t i, char *what, size_t cap, int max)
{
    size_t len = 0;
    what[0] = '\0';
    for (int w = 0; w < max; w++) {
        i = skip_blank(s, n, i);
        if (i >= n || !(isalpha((unsigned char)s[i]) || s[i] == '_'))
            break;
        if (w && len + 1 < cap)
            what[len++] = ' ';
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_')) {
            if (len + 1 < cap)
                what[len++] = (char)toupper((unsigned char)s[i]);
            i++;
        }
        what[len] = '\0';
    }
}

static bool starts(const char *what, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncmp(what, prefix, n) && (what[n] == '\0' || what[n] == ' ');
}

/* Does the statement's text hold `word` (upper case) as a whole word,
 * outside quotes? Good enough for CONCURRENTLY / ADD VALUE. */
static bool has_word(const char *s, size_t start, size_t end, const char *word)
{
    size_t wl = strlen(word);
    size_t i = start;
    while (i < end) {
        char c = s[i];
        if (c == '\'' || c == '"' || (c == '$' && dollar_tag(s, end, i))) {
            i = skip_quoted(s, end, i);
        } else if (isalpha((unsigned char)c) || c == '_') {
            size_t j = i;
            while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '_'))
                j++;
            if (j - i == wl && !strncasecmp(s + i, word, wl))
                return true;
            i = j;
        } else {
            i++;
        }
    }
    return false;
}

static sql_stmt_kind classify(const char *s, const sql_stmt *st)
{
    const char *w = st->what;
    if (starts(w, "BEGIN") || starts(w, "START TRANSACTION") || starts(w, "COMMIT") ||
        starts(w, "END") || starts(w, "ROLLBACK") || starts(w, "ABORT"))
        return SQL_STMT_TX_CONTROL;
    if (starts(w, "VACUUM") || starts(w, "CREATE DATABASE") || starts(w, "DROP DATABASE") ||
        starts(w, "CREATE TABLESPACE") || starts(w, "DROP TABLESPACE") ||
        starts(w, "ALTER SYSTEM") || starts(w, "CREATE SUBSCRIPTION") ||
        starts(w, "DROP SUBSCRIPTION"))
        return SQL_STMT_NO_TX;
    if ((starts(w, "CREATE INDEX") || starts(w, "CREATE UNIQUE INDEX") ||
         starts(w, "DROP INDEX") || starts(w, "REINDEX") ||
         starts(w, "DETACH") /* ALTER TABLE .. DETACH PARTITION .. CONCURRENTLY */ ||
         starts(w, "ALTER TABLE")) &&
        has_word(s, st->start, st->end, "CONCURRENTLY"))
        return SQL_STMT_NO_TX;
    if (starts(w, "ALTER TYPE") && has_word(s, st->start, st->end, "ADD") &&
        has_word(s, st->start, st->end, "VALUE"))
        return SQL_STMT_ADD_ENUM_VALUE;
    return SQL_STMT_PLAIN;
}

void sql_scan(const char *s, size_t n, sql_script *out)
{
    size_t cap = 0;
    out->items = NULL;
    out->count = 0;
    size_t i = 0;
    for (;;) {
        i = skip_blank(s, n, i);
        if (i >= n)
            break;
        if (s[i] == ';') { /* empty statement */
            i++;
            continue;
        }
        sql_stmt st = {.start = i};
        first_words(s, n, i, st.what, sizeof st.what, 4);
        /* Find the terminating ';' at top level. A CREATE FUNCTION body in
         * a dollar quote or a BEGIN ATOMIC ... END block is skipped whole. */
        int atomic_depth = 0;
        while (i < n) {
            char c = s[i];
            if (c == '\'' || c == '"' || ((c == 'E' || c == 'e') && i + 1 < n && s[i + 1] == '\'' &&
                                          (i == 0 || !isalnum((unsigned char)s[i - 1])))) {
                i = skip_quoted(s, n, i);
            } else if (c == '$' && dollar_tag(s, n, i)) {
                i = skip_quoted(s, n, i);
            } else if ((c == '-' && i + 1 < n && s[i + 1] == '-') ||
                       (c == '/' && i + 1 < n && s[i + 1] == '*')) {
                i = skip_blank(s, n, i);
            } else if (c == ';' && atomic_depth == 0) {
                i++;
                break;
            } else if (isalpha((unsigned char)c) || c == '_') {
                size_t j = i;
                while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
                    j++;
                /* Inside BEGIN ATOMIC ... END, a CASE ... END nests. */
                if (j - i == 6 && !strncasecmp(s + i, "ATOMIC", 6) &&
                    strncmp(st.what, "BEGIN", 5) != 0)
                    atomic_depth++;
                else if (j - i == 4 && !strncasecmp(s + i, "CASE", 4) && atomic_depth > 0)
                    atomic_depth++;
                else if (j - i == 3 && !strncasecmp(s + i, "END", 3) && atomic_depth > 0)
                    atomic_depth--;
                i = j;
            } else {
                i++;
            }
        }
        st.end = i;
        st.line = sql_line_of(s, n, st.start);
        st.kind = classify(s, &st);
        if (out->count == cap) {
            cap = cap ? 2 * cap : 16;
            out->items = realloc(out->items, cap * sizeof *out->items);
            if (!out->items) {
                fputs("refract: out of memory\n", stderr);
                abort();
            }
        }
        out->items[out->count++] = st;
    }
}

void sql_script_free(sql_script *s)
{
    free(s->items);
    s->items = NULL;
    s->count = 0;
}

char *sql_without_tx_control(const char *sql, size_t len, const sql_script *sc)
{
    char *text = malloc(len + 1);
    if (!text) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    memcpy(text, sql, len);
    text[len] = '\0';
    for (size_t i = 0; i < sc->count; i++)
        if (sc->items[i].kind == SQL_STMT_TX_CONTROL)
            for (size_t b = sc->items[i].start; b < sc->items[i].end; b++)
                if (text[b] != '\n')
                    text[b] = ' ';
    return text;
}
