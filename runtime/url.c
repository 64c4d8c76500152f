/*
 * url.c — connection strings: take Prisma's own parameters out of a URL or
 * keyword string before libpq sees it (libpq rejects parameters it does not
 * know), and remember the ones that change how the runtime behaves.
 *
 * Everything else passes through byte for byte, so libpq stays the judge
 * of what is valid.
 */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameters of Prisma's connection URL that libpq does not know. */
static const char *const prisma_only[] = {
    "pgbouncer", "schema", "connection_limit", "pool_timeout", "socket_timeout",
    "statement_cache_size", "sslaccept", "sslidentity", "max_connection_lifetime",
    "max_idle_connection_lifetime",
};

static bool is_prisma_only(const char *key, size_t len)
{
    for (size_t i = 0; i < sizeof prisma_only / sizeof prisma_only[0]; i++)
        if (strlen(prisma_only[i]) == len && !memcmp(prisma_only[i], key, len))
            return true;
    return false;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into a heap string; NULL on bad escapes or
 * memory. */
static char *percent_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            if (i + 2 >= len) {
                free(out);
                return NULL;
            }
            int a = hex_digit((unsigned char)s[i + 1]), b = hex_digit((unsigned char)s[i + 2]);
            if (a < 0 || b < 0) {
                free(out);
                return NULL;
            }
            out[n++] = (char)(a * 16 + b);
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

static bool truthy(const char *v)
{
    return !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on");
}

/* Applies one Prisma-only parameter to `out`. */
static rf_status apply(rf_conninfo *out, const char *key, size_t klen, const char *value,
                       char *err, size_t errlen)
{
    if (klen == 9 && !memcmp(key, "pgbouncer", 9)) {
        out->pgbouncer = truthy(value);
    } else if (klen == 20 && !memcmp(key, "statement_cache_size", 20)) {
        if (!strcmp(value, "0"))
            out->pgbouncer = true;
    } else if ((klen == 16 && !memcmp(key, "connection_limit", 16))
               || (klen == 12 && !memcmp(key, "pool_timeout", 12))) {
        char *end;
        long n = strtol(value, &end, 10);
        bool limit = klen == 16;
        if (end == value || *end || n < (limit ? 1 : 0) || n > 100000) {
            snprintf(err, errlen, "%s must be a %s integer, not \"%.40s\"",
                     limit ? "connection_limit" : "pool_timeout",
                     limit ? "positive" : "non-negative", value);
            return RF_INVALID_ARGUMENT;
        }
        if (limit)
            out->connection_limit = (int)n;
        else
            out->pool_timeout = (int)n;
    } else if (klen == 6 && !memcmp(key, "schema", 6)) {
        if (!*value) {
            snprintf(err, errlen, "empty schema= in the connection string");
            return RF_INVALID_ARGUMENT;
        }
        free(out->schema);
        out->schema = strdup(value);
        if (!out->schema)
            return RF_NO_MEMORY;
    }
    return RF_OK;
}

static bool is_url(const char *s)
{
    return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

static rf_status parse_url(const char *s, rf_conninfo *out, char *err, size_t errlen)
{
    size_t len = strlen(s);
    char *lib = malloc(len + 1);
    if (!lib)
        return RF_NO_MEMORY;
    const char *q = strchr(s, '?');
    /* A fragment has no meaning to libpq either; keep it where it is. */
    size_t base = q ? (size_t)(q - s) : len;
    memcpy(lib, s, base);
    size_t n = base;
    bool first = true;
    if (q) {
        const char *p = q + 1;
        while (*p) {
            const char *end = strchr(p, '&');
            size_t plen = end ? (size_t)(end - p) : strlen(p);
            const char *eq = memchr(p, '=', plen);
            size_t klen = eq ? (size_t)(eq - p) : plen;
            if (plen && is_prisma_only(p, klen)) {
                char *value = eq ? percent_decode(eq + 1, plen - klen - 1) : strdup("");
                if (!value) {
                    free(lib);
                    snprintf(err, errlen, "invalid percent-encoding in the connection URL");
                    return RF_INVALID_ARGUMENT;
                }
                rf_status st = apply(out, p, klen, value, err, errlen);
                free(value);
                if (st != RF_OK) {
                    free(lib);
                    return st;
                }
            } else if (plen) {
                lib[n++] = first ? '?' : '&';
                first = false;
                memcpy(lib + n, p, plen);
                n += plen;
            }
            p += plen;
            if (*p == '&')
                p++;
        }
    }
    lib[n] = '\0';
    out->libpq = lib;
    return RF_OK;
}

/* Keyword form: key = value pairs, values optionally single-quoted, with
 * backslash escapes, as libpq documents. */
static rf_status parse_keywords(const char *s, rf_conninfo *out, char *err, size_t errlen)
{
    /* Kept tokens are joined by one space each, which the input may not
     * have had ("a='x'b=y"): room for a separator per token. */
    size_t len = strlen(s);
    char *lib = malloc(2 * len + 1);
    if (!lib)
        return RF_NO_MEMORY;
    size_t n = 0;
    const char *p = s;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *token = p;
        const char *key = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p))
            p++;
        size_t klen = (size_t)(p - key);
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=') {
            /* Not ours to judge: hand the original to libpq untouched. */
            free(lib);
            out->libpq = strdup(s);
            return out->libpq ? RF_OK : RF_NO_MEMORY;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        /* The value, unescaped, for our own parameters. */
        char *value = malloc(strlen(p) + 1);
        if (!value) {
            free(lib);
            return RF_NO_MEMORY;
        }
        size_t vn = 0;
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'') {
                if (*p == '\\' && p[1])
                    p++;
                value[vn++] = *p++;
            }
            if (*p != '\'') {
                free(value);
                free(lib);
                snprintf(err, errlen, "unterminated quoted string in the connection string");
                return RF_INVALID_ARGUMENT;
            }
            p++;
        } else {
            while (*p && !isspace((unsigned char)*p)) {
                if (*p == '\\' && p[1])
                    p++;
                value[vn++] = *p++;
            }
        }
        value[vn] = '\0';
        if (is_prisma_only(key, klen)) {
            rf_status st = apply(out, key, klen, value, err, errlen);
            if (st != RF_OK) {
                free(value);
                free(lib);
                return st;
            }
        } else {
            if (n)
                lib[n++] = ' ';
            memcpy(lib + n, token, (size_t)(p - token));
            n += (size_t)(p - token);
        }
        free(value);
    }
    lib[n] = '\0';
    out->libpq = lib;
    return RF_OK;
}

rf_status rf_conninfo_parse(const char *conninfo, rf_conninfo *out, char *err, size_t errlen)
{
    out->libpq = NULL;
    out->schema = NULL;
    out->pgbouncer = false;
    out->connection_limit = 0;
    out->pool_timeout = -1;
    if (errlen)
        err[0] = '\0';
    if (!conninfo)
        conninfo = "";
    rf_status st = is_url(conninfo) ? parse_url(conninfo, out, err, errlen)
                                    : parse_keywords(conninfo, out, err, errlen);
    if (st != RF_OK)
        rf_conninfo_free(out);
    return st;
}

void rf_conninfo_free(rf_conninfo *ci)
{
    free(ci->libpq);
    free(ci->schema);
    ci->libpq = ci->schema = NULL;
}

/* Whether ./.env mentions DATABASE_URL (only to say so in a message). */
static bool dotenv_names_database_url(void)
{
    FILE *f = fopen(".env", "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!strncmp(p, "export ", 7))
            p += 7;
        while (isspace((unsigned char)*p))
            p++;
        found = !strncmp(p, "DATABASE_URL", 12)
                && (p[12] == '=' || isspace((unsigned char)p[12]));
    }
    fclose(f);
    return found;
}

const char *rf_no_database_url(char *out, size_t size)
{
    /* As Prisma 7's client, librefract reads no .env file itself: the
     * program (or its shell) loads it into the environment. */
    snprintf(out, size,
             "Environment variable not found: DATABASE_URL. With no connection string, "
             "librefract reads the environment variable DATABASE_URL and nothing else%s; "
             "pass a URL, or \"\" for libpq's PG* variables and defaults",
             dotenv_names_database_url()
                 ? " (./.env sets DATABASE_URL, but .env files are not read: load it into "
                   "the environment, e.g. set -a; . ./.env; set +a)"
                 : " (.env files are not read)");
    return out;
}
