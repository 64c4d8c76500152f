#include "dburl.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn_check.h"
#include "folder.h"
#include "model/model.h"

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* ---- .env files --------------------------------------------------------- */

/* The value of `name` in the .env text, or NULL. */
static char *dotenv_find(const char *text, const char *name)
{
    size_t nlen = strlen(name);
    const char *line = text;
    while (*line) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        const char *p = line;
        while (p < eol && (*p == ' ' || *p == '\t'))
            p++;
        if (!strncmp(p, "export ", 7))
            p += 7;
        while (p < eol && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(eol - p) > nlen && !strncmp(p, name, nlen)) {
            const char *q = p + nlen;
            while (q < eol && (*q == ' ' || *q == '\t'))
                q++;
            if (q < eol && *q == '=') {
                q++;
                while (q < eol && (*q == ' ' || *q == '\t'))
                    q++;
                buf v = BUF_INIT;
                if (q < eol && (*q == '"' || *q == '\'' || *q == '`')) {
                    char quote = *q++;
                    /* A quoted value may span lines (dotenv allows it). */
                    const char *end = strchr(q, quote);
                    if (!end)
                        end = eol;
                    for (const char *c = q; c < end; c++) {
                        if (quote == '"' && *c == '\\' && c + 1 < end && c[1] == 'n') {
                            buf_putc(&v, '\n');
                            c++;
                        } else {
                            buf_putc(&v, *c);
                        }
                    }
                } else {
                    const char *end = q;
                    while (end < eol && *end != '#')
                        end++;
                    while (end > q && isspace((unsigned char)end[-1]))
                        end--;
                    buf_put(&v, q, (size_t)(end - q));
                }
                buf_cstr(&v);
                return buf_steal(&v);
            }
        }
        line = *eol ? eol + 1 : eol;
    }
    return NULL;
}

static char *dotenv_lookup(const char *path, const char *name)
{
    char *text = read_file_all(path, NULL);
    if (!text)
        return NULL;
    char *v = dotenv_find(text, name);
    free(text);
    return v;
}

char *db_env_lookup(const char *name, const char *schema_path)
{
    const char *v = getenv(name);
    if (v)
        return xstrdup(v);
    if (schema_path) {
        /* The folder holding the schema (file), or the schema folder's parent. */
        char *mig = migrations_path_for_schema(schema_path);
        size_t n = strlen(mig) - strlen("migrations");
        buf p = BUF_INIT;
        buf_put(&p, mig, n);
        buf_puts(&p, ".env");
        free(mig);
        char *found = dotenv_lookup(p.data, name);
        buf_free(&p);
        if (found)
            return found;
    }
    return dotenv_lookup(".env", name);
}

char *db_url_resolve(const char *option_url, const model_datasource *ds, const char *schema_path,
                     buf *err)
{
    if (option_url)
        return xstrdup(option_url);
    /* Prisma Migrate prefers directUrl (the one that bypasses a pooler). */
    if (ds && ds->direct_url.value)
        return xstrdup(ds->direct_url.value);
    if (ds && ds->direct_url.env) {
        /* Missing is an error, as in Prisma: falling back to a pooled URL
         * would break the advisory lock. */
        char *direct = db_env_lookup(ds->direct_url.env, schema_path);
        if (direct && *direct)
            return direct;
        free(direct);
        buf_printf(err,
                   "Environment variable not found: %s.\n"
                   "  The datasource's directUrl = env(\"%s\") names it (in the environment or a "
                   ".env file beside the schema or in the current directory).\n",
                   ds->direct_url.env, ds->direct_url.env);
        return NULL;
    }
    if (ds && ds->url.value)
        return xstrdup(ds->url.value);
    const char *var = ds && ds->url.env ? ds->url.env : "DATABASE_URL";
    char *url = db_env_lookup(var, schema_path);
    if (url && *url)
        return url;
    free(url);
    buf_printf(err,
               "Environment variable not found: %s.\n"
               "  The database URL comes from %s (in the environment or a .env file beside the "
               "schema or in the current directory), or from --url.\n",
               var, ds && ds->url.env ? "the datasource's url = env(...)" : "DATABASE_URL");
    return NULL;
}

/* ---- URL parameters ----------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *percent_decode(const char *s, size_t n)
{
    buf out = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            buf_putc(&out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else {
            buf_putc(&out, s[i]);
        }
    }
    buf_cstr(&out);
    return buf_steal(&out);
}

static bool libpq_knows(const PQconninfoOption *opts, const char *key)
{
    for (const PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, key))
            return true;
    return false;
}

char *db_url_for_libpq(const char *url, char **schema)
{
    *schema = NULL;
    bool is_uri = !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
    /* Where the query starts, read as libpq reads it: the user:password@
     * part ends at the first '@' or '/', so a '?' in a password is part of
     * it (cutting there would hand libpq the password as a port). */
    const char *q = NULL;
    if (is_uri) {
        const char *auth = strstr(url, "://") + 3;
        const char *end = auth + strcspn(auth, "@/");
        q = strchr(*end == '@' ? end : auth, '?');
    }
    if (!q)
        return xstrdup(url);
    PQconninfoOption *opts = PQconndefaults();
    buf out = BUF_INIT;
    buf_put(&out, url, (size_t)(q - url));
    char sep = '?';
    const char *p = q + 1;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        char *key = percent_decode(p, klen);
        if (!strcmp(key, "schema") && eq) {
            free(*schema);
            *schema = percent_decode(eq + 1, len - klen - 1);
        } else if (libpq_knows(opts, key)) {
            buf_putc(&out, sep);
            buf_put(&out, p, len);
            sep = '&';
        }
        free(key);
        p += len;
        if (*p == '&')
            p++;
    }
    PQconninfoFree(opts);
    return buf_steal(&out);
}

char *db_quote_ident(const char *name)
{
    buf b = BUF_INIT;
    buf_putc(&b, '"');
    for (const char *c = name; *c; c++) {
        if (*c == '"')
            buf_putc(&b, '"');
        buf_putc(&b, *c);
    }
    buf_putc(&b, '"');
    return buf_steal(&b);
}

/* ---- connecting --------------------------------------------------------- */

static void describe_target(PGconn *pg, db_conn *c)
{
    const char *host = PQhost(pg), *port = PQport(pg), *db = PQdb(pg);
    buf w = BUF_INIT;
    if (host && host[0] == '/')
        buf_printf(&w, "%s (socket, port %s)", host, port ? port : "5432");
    else
        buf_printf(&w, "%s:%s", host && *host ? host : "localhost", port && *port ? port : "5432");
    c->where = buf_steal(&w);
    c->dbname = xstrdup(db ? db : "");
}

static void strip_newline(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

int db_connect(const char *url, db_conn *out, buf *err)
{
    memset(out, 0, sizeof *out);
    if (strstr(url, "pgbouncer=true"))
        fputs("warning: the database URL goes through PgBouncer (pgbouncer=true); migrations "
              "need a session of their own for the advisory lock: set the datasource's "
              "directUrl (or --url) to a direct connection.\n",
              stderr);
    char *schema;
    char *conninfo = db_url_for_libpq(url, &schema);
    out->schema = schema ? schema : xstrdup("public");
    /* A malformed URL is not an unreachable server, and libpq's parse
     * errors quote the URL, password and all. */
    char why[640];
    if (!rf_dsn_check(conninfo, why, sizeof why)) {
        buf_printf(err, "P1013: The provided database string is invalid. %s\n", why);
        free(conninfo);
        db_close(out);
        return -1;
    }
    out->pg = PQconnectdb(conninfo);
    free(conninfo);
    if (!out->pg) {
        buf_puts(err, "P1001: cannot connect: out of memory\n");
        db_close(out);
        return -1;
    }
    describe_target(out->pg, out);
    if (PQstatus(out->pg) != CONNECTION_OK) {
        char *why = xstrdup(PQerrorMessage(out->pg));
        strip_newline(why);
        const char *user = PQuser(out->pg);
        if (strstr(why, "authentication failed") || strstr(why, "no password supplied") ||
            strstr(why, "password authentication"))
            buf_printf(err,
                       "P1000: Authentication failed against the database server at %s: the "
                       "credentials for `%s` are not valid.\n  %s\n",
                       out->where, user ? user : "", why);
        else if (strstr(why, "database \"") && strstr(why, "does not exist"))
            buf_printf(err, "P1003: Database `%s` does not exist on the database server at %s.\n  %s\n",
                       out->dbname, out->where, why);
        else
            buf_printf(err, "P1001: Can't reach the database server at %s.\n  %s\n", out->where,
                       why);
        free(why);
        db_close(out);
        return -1;
    }
    /* Notices (e.g. "relation already exists, skipping") are noise here. */
    buf set = BUF_INIT;
    char *q = db_quote_ident(out->schema);
    buf_printf(&set, "SET client_min_messages = warning; SET search_path TO %s", q);
    free(q);
    PGresult *r = PQexec(out->pg, set.data);
    buf_free(&set);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        buf_printf(err, "cannot set the search_path to \"%s\": %s", out->schema,
                   PQresultErrorMessage(r));
    }
    PQclear(r);
    if (!ok) {
        db_close(out);
        return -1;
    }
    return 0;
}

void db_close(db_conn *c)
{
    if (c->pg)
        PQfinish(c->pg);
    free(c->schema);
    free(c->dbname);
    free(c->where);
    memset(c, 0, sizeof *c);
}
