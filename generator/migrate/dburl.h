/*
 * dburl.h — which database the migrate commands talk to, and connecting.
 *
 * The URL comes, in order, from --url; from the datasource's `directUrl`
 * (as Prisma Migrate, which bypasses a connection pooler with it); from `url`
 * (a literal, or env("X")); or, when the datasource has no url (Prisma 7
 * schemas keep it in prisma.config.ts), from DATABASE_URL. An env()
 * variable is looked up in the process environment first, then in a `.env`
 * file beside the schema, then in `.env` in the current directory — the
 * environment wins, as with Prisma. `.env` lines are KEY=VALUE, optionally
 * `export`ed, single- or double-quoted (\n escapes in double quotes);
 * `${VAR}` expansion is not supported.
 *
 * Prisma URLs carry parameters libpq rejects (`schema=`, `connection_limit=`,
 * `pgbouncer=`...). db_connect() removes every parameter libpq does not know
 * and uses `schema` (default "public") as the search_path, so the history
 * table lands where Prisma puts it.
 */
#ifndef REFRACT_MIGRATE_DBURL_H
#define REFRACT_MIGRATE_DBURL_H

#include <libpq-fe.h>

#include "../util/buf.h"

typedef struct model_datasource model_datasource;

/* The configured URL (heap) or NULL after appending the reason to `err`.
 * `datasource` may be NULL (no datasource block), `schema_path` may be NULL. */
char *db_url_resolve(const char *option_url, const model_datasource *datasource,
                     const char *schema_path, buf *err);

/* Look `name` up in the environment, then `.env` files as above (heap, or NULL). */
char *db_env_lookup(const char *name, const char *schema_path);

typedef struct db_conn {
    PGconn *pg;
    char *schema;      /* Prisma's ?schema=, else "public" */
    char *dbname;      /* for messages */
    char *where;       /* "host:port" or the socket directory, for messages */
} db_conn;

/* Connect, then set the search_path to the URL's schema. On failure appends
 * Prisma-style wording with libpq's reason to `err` (P1013 a malformed URL,
 * shown with its password masked; P1000 wrong credentials, P1003 no such
 * database, P1001 otherwise) and returns -1. */
int db_connect(const char *url, db_conn *out, buf *err);
void db_close(db_conn *c);

/* The URL with libpq-unknown parameters removed, and the `schema` value
 * (heap strings; *schema NULL when absent). Exposed for tests. */
char *db_url_for_libpq(const char *url, char **schema);

/* "quoted" identifier for SQL text (heap). */
char *db_quote_ident(const char *name);

#endif
