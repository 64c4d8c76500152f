/*
 * json_check.h — a strict JSON reader for tests of refract's --json output:
 * json_valid() says whether a text is exactly one RFC 8259 value (with
 * nothing but whitespace around it), json_get() finds a member by a path of
 * keys and array indexes, e.g. "diagnostics.0.line", and returns where its
 * value starts (NULL when absent). Header-only, static functions.
 */
#ifndef REFRACT_TEST_JSON_CHECK_H
#define REFRACT_TEST_JSON_CHECK_H

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Skips one value; NULL when it is not valid JSON. */
static const char *json_skip(const char *p, int depth)
{
    if (depth > 200)
        return NULL;
    p = json_ws(p);
    if (*p == '"') {
        for (p++; *p != '"'; p++) {
            if ((unsigned char)*p < 0x20)
                return NULL;
            if (*p == '\\') {
                p++;
                if (*p == 'u') {
                    for (int i = 1; i <= 4; i++)
                        if (!isxdigit((unsigned char)p[i]))
                            return NULL;
                    p += 4;
                } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
                    return NULL;
                }
            }
        }
        return p + 1;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                if (*json_ws(p) != '"')
                    return NULL;
                p = json_skip(p, depth + 1);
                if (!p || *(p = json_ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = json_skip(p, depth + 1);
            if (!p)
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    if (!strncmp(p, "true", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (!strncmp(p, "null", 4))
        return p + 4;
    const char *start = p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (isdigit((unsigned char)*p))
        while (isdigit((unsigned char)*p))
            p++;
    else
        return NULL;
    if (*p == '.') {
        if (!isdigit((unsigned char)*++p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return p > start ? p : NULL;
}

static __attribute__((unused)) bool json_valid(const char *text)
{
    const char *end = json_skip(text, 0);
    return end && !*json_ws(end);
}

/* The value at `path` ("a.b.0.c") inside the valid JSON text, or NULL. */
static __attribute__((unused)) const char *json_get(const char *text, const char *path)
{
    const char *p = json_ws(text);
    while (*path) {
        size_t n = strcspn(path, ".");
        if (*p == '{') {
            p = json_ws(p + 1);
            bool found = false;
            while (*p == '"') {
                const char *key = p + 1, *after = json_skip(p, 0);
                bool match = (size_t)(after - 1 - key) == n && !strncmp(key, path, n);
                p = json_ws(json_ws(after) + 1); /* past ':' */
                if (match) {
                    found = true;
                    break;
                }
                p = json_ws(json_skip(p, 0));
                if (*p == ',')
                    p = json_ws(p + 1);
            }
            if (!found)
                return NULL;
        } else if (*p == '[') {
            long index = strtol(path, NULL, 10);
            p = json_ws(p + 1);
            for (long i = 0; i < index; i++) {
                if (*p == ']')
                    return NULL;
                p = json_ws(json_skip(p, 0));
                if (*p != ',')
                    return NULL;
                p = json_ws(p + 1);
            }
            if (*p == ']')
                return NULL;
        } else {
            return NULL;
        }
        path += n + (path[n] == '.');
    }
    return p;
}

/* Whether the value at path starts with `want` (e.g. "true", "\"error\"", "3,"). */
#define json_is(text, path, want)                                                              \
    ck_assert_msg(json_get((text), (path)) && !strncmp(json_get((text), (path)), (want), strlen(want)), \
                  "%s: expected %s in %s", (path), (want), (text))

#endif
