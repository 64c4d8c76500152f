/*
 * dsn_check.c — masking passwords in connection strings, and telling a
 * malformed one from a server that cannot be reached (see dsn_check.h).
 *
 * libpq quotes the connection string back in its parse errors ("... in URI:
 * "postgresql://u:secret@[h/db""), and a password with an unencoded '/'
 * ends up as the host or port, so libpq's words alone would print it. The
 * checks here run libpq's parser on the real string but take the words from
 * the masked one.
 */
#include "dsn_check.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_url(const char *s)
{
    return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* Where the URL's user:password@ part lies: [*pass, *at) is the password
 * (without its ':'); false when the URL has none. The last '@' counts, as
 * a password may hold an unencoded one. */
static bool url_password(const char *url, const char **pass, const char **at)
{
    const char *auth = strstr(url, "://") + 3;
    const char *last = strrchr(auth, '@');
    if (!last)
        return false;
    const char *colon = memchr(auth, ':', (size_t)(last - auth));
    if (!colon)
        return false;
    *pass = colon + 1;
    *at = last;
    return true;
}

/* Appends s[0..n) to out (sized by the caller). */
static char *put(char *out, const char *s, size_t n)
{
    memcpy(out, s, n);
    return out + n;
}

static char *mask_url(const char *url, char *out)
{
    const char *pass, *at;
    const char *p = url;
    if (url_password(url, &pass, &at)) {
        out = put(out, url, (size_t)(pass - url));
        out = put(out, RF_DSN_MASK, strlen(RF_DSN_MASK));
        p = at;
    }
    /* ?password=... or &password=... */
    while (*p) {
        bool param = (*p == '?' || *p == '&') && !strncmp(p + 1, "password=", 9);
        if (!param) {
            *out++ = *p++;
            continue;
        }
        out = put(out, p, 10);
        out = put(out, RF_DSN_MASK, strlen(RF_DSN_MASK));
        p += 10;
        while (*p && *p != '&' && *p != '#')
            p++;
    }
    return out;
}

static char *mask_keywords(const char *s, char *out)
{
    const char *p = s;
    while (*p) {
        /* copy blanks, then a key */
        while (isspace((unsigned char)*p))
            *out++ = *p++;
        const char *key = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p))
            p++;
        bool secret = (size_t)(p - key) == 8 && !strncmp(key, "password", 8);
        out = put(out, key, (size_t)(p - key));
        while (isspace((unsigned char)*p))
            *out++ = *p++;
        if (*p != '=')
            continue; /* malformed: libpq will say so; nothing here is a value */
        *out++ = *p++;
        while (isspace((unsigned char)*p))
            *out++ = *p++;
        const char *value = p;
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else {
            while (*p && !isspace((unsigned char)*p))
                p++;
        }
        if (secret)
            out = put(out, RF_DSN_MASK, strlen(RF_DSN_MASK));
        else
            out = put(out, value, (size_t)(p - value));
    }
    return out;
}

char *rf_dsn_mask(const char *conninfo)
{
    if (!conninfo)
        conninfo = "";
    /* Masking replaces each password (at least one byte of '=' or ':' before
     * it) by four bytes: at most 4 more bytes per input byte. */
    size_t n = strlen(conninfo);
    char *out = malloc(4 * n + 5);
    if (!out)
        return NULL;
    char *end = is_url(conninfo) ? mask_url(conninfo, out) : mask_keywords(conninfo, out);
    *end = '\0';
    return out;
}

/* libpq's message without its trailing newline, into why. */
static void libpq_words(char *why, size_t size, const char *prefix, const char *msg,
                        const char *masked)
{
    size_t n = msg ? strlen(msg) : 0;
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    /* libpq often quotes the (masked) string itself already */
    bool quoted = msg && strstr(msg, masked) && *masked;
    snprintf(why, size, "%s%.*s%s%s%s", prefix, (int)(n > 400 ? 400 : n), msg ? msg : "",
             quoted ? "" : " (in `", quoted ? "" : masked, quoted ? "" : "`)");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether libpq read the URL's password as written (percent-decoded). */
static bool password_read_whole(const char *url, const char *parsed)
{
    const char *pass, *at;
    if (!url_password(url, &pass, &at))
        return true;
    size_t i = 0;
    for (const char *p = pass; p < at; p++) {
        int c = (unsigned char)*p;
        if (c == '%' && p + 2 < at && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            c = hexval(p[1]) * 16 + hexval(p[2]);
            p += 2;
        }
        if (!parsed || parsed[i++] != (char)c)
            return false;
    }
    return parsed[i] == '\0';
}

/* Every port in a (comma-separated) port list is a number or empty. */
static bool ports_are_numbers(const char *ports)
{
    for (const char *p = ports; p && *p; p++)
        if (!isdigit((unsigned char)*p) && *p != ',')
            return false;
    return true;
}

bool rf_dsn_check(const char *conninfo, char *why, size_t size)
{
    if (size)
        why[0] = '\0';
    if (!conninfo)
        conninfo = "";
    char *masked = rf_dsn_mask(conninfo);
    if (!masked) {
        snprintf(why, size, "out of memory");
        return false;
    }
    bool ok = true;
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (!opts) {
        ok = false;
        /* The same mistake in the masked string, in libpq's words. */
        char *merr = NULL;
        PQconninfoOption *mopts = PQconninfoParse(masked, &merr);
        if (mopts || !merr)
            snprintf(why, size, "libpq cannot parse it (in `%s`)", masked);
        else
            libpq_words(why, size, "", merr, masked);
        PQconninfoFree(mopts);
        PQfreemem(merr);
        PQfreemem(err);
    } else {
        const char *password = NULL, *port = NULL;
        for (PQconninfoOption *o = opts; o->keyword; o++) {
            if (!strcmp(o->keyword, "password"))
                password = o->val;
            else if (!strcmp(o->keyword, "port"))
                port = o->val;
        }
        if (is_url(conninfo) && !password_read_whole(conninfo, password)) {
            ok = false;
            snprintf(why, size,
                     "the password cannot be read from the URL: percent-encode its special "
                     "characters (/ as %%2F, ? as %%3F, # as %%23, @ as %%40, : as %%3A) "
                     "(in `%s`)",
                     masked);
        } else if (!ports_are_numbers(port)) {
            ok = false;
            snprintf(why, size, "invalid port number \"%.40s\" (in `%s`)", port, masked);
        }
        PQconninfoFree(opts);
    }
    free(masked);
    return ok;
}
