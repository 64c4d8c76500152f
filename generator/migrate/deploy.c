#include "deploy.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/progress.h"
#include "../util/uuid.h"
#include "replaces.h"
#include "sqlscan.h"
#include "sqltok.h"

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* ---- comparing ---------------------------------------------------------- */

void migration_compare(const migration_folder *f, const history *h, migration_report *out)
{
    memset(out, 0, sizeof *out);
    out->state = xcalloc(f->count, sizeof *out->state);
    out->row = xcalloc(f->count, sizeof *out->row);
    out->unknown = xcalloc(h->count, sizeof *out->unknown);
    for (size_t i = 0; i < h->count; i++)
        if (history_row_failed(&h->rows[i]) && !out->first_failed)
            out->first_failed = &h->rows[i];
    for (size_t i = 0; i < f->count; i++) {
        const migration_file *m = &f->items[i];
        migration_state st = MIGRATION_PENDING;
        const history_row *why = NULL;
        for (size_t j = 0; j < h->count; j++) {
            const history_row *r = &h->rows[j];
            if (strcmp(r->migration_name, m->name) != 0)
                continue;
            if (history_row_applied(r)) {
                st = history_checksum_matches(r->checksum, m->sql, m->sql_len) ? MIGRATION_APPLIED
                                                                               : MIGRATION_EDITED;
                why = r;
                break; /* an applied row decides */
            }
            if (history_row_failed(r)) {
                st = MIGRATION_FAILED;
                why = r;
            }
        }
        out->state[i] = st;
        out->row[i] = why;
        out->npending += st == MIGRATION_PENDING;
        out->napplied += st == MIGRATION_APPLIED;
        out->nedited += st == MIGRATION_EDITED;
        out->nfailed += st == MIGRATION_FAILED;
    }
    for (size_t j = 0; j < h->count; j++) {
        const history_row *r = &h->rows[j];
        if (r->rolled_back_at)
            continue;
        bool local = false;
        for (size_t i = 0; i < f->count && !local; i++)
            local = !strcmp(f->items[i].name, r->migration_name);
        bool seen = false; /* report a name once */
        for (size_t k = 0; k < out->nunknown && !seen; k++)
            seen = !strcmp(out->unknown[k]->migration_name, r->migration_name);
        /* A squashed migration's originals are accounted for by it. */
        if (!local && !seen && !migrations_replacing(f, r->migration_name))
            out->unknown[out->nunknown++] = r;
    }
}

void migration_report_free(migration_report *r)
{
    free(r->state);
    free(r->row);
    free(r->unknown);
    memset(r, 0, sizeof *r);
}

/* ---- applying one migration --------------------------------------------- */

/* Byte offset of the 1-based character position `pos` (PostgreSQL counts
 * characters; the database encoding is UTF-8 in practice). */
static size_t char_to_byte(const char *s, size_t len, long pos)
{
    size_t i = 0;
    for (long c = 1; c < pos && i < len; c++) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Numbered lines [first, last] of `sql`. */
static void put_lines(buf *out, const char *sql, size_t len, unsigned first, unsigned last)
{
    unsigned cur = 1;
    size_t i = 0;
    while (i < len && cur <= last) {
        size_t eol = i;
        while (eol < len && sql[eol] != '\n')
            eol++;
        if (cur >= first)
            buf_printf(out, "%5u  %.*s\n", cur, (int)(eol - i), sql + i);
        i = eol + 1;
        cur++;
    }
}

/* Where a failure is in migration.sql: `line`, and the 1-based column
 * (in characters) of byte `at`. */
static void locate(deploy_failure *where, const char *sql, unsigned line, size_t at)
{
    size_t start = at;
    while (start > 0 && sql[start - 1] != '\n')
        start--;
    unsigned col = 1;
    for (size_t i = start; i < at; i++)
        col += ((unsigned char)sql[i] & 0xC0) != 0x80;
    where->line = line;
    where->column = col;
}

/* PostgreSQL's complaint, in the shape Prisma prints and records in
 * `logs`: code, message (detail, hint), and where: the lines up to the
 * error's position, or else the statement that failed (`stmt`, when
 * known). */
static void describe_failure(PGresult *r, PGconn *pg, const char *sql, size_t len,
                             const sql_stmt *stmt, deploy_failure *where, buf *out)
{
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
    const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
    if (code) {
        buf_printf(out, "Database error code: %s\n\n", code);
        snprintf(where->sqlstate, sizeof where->sqlstate, "%s", code);
    }
    buf_puts(out, "Database error:\n");
    if (msg)
        buf_printf(out, "ERROR: %s\n", msg);
    else
        buf_printf(out, "%s", PQerrorMessage(pg));
    if (detail)
        buf_printf(out, "DETAIL: %s\n", detail);
    if (hint)
        buf_printf(out, "HINT: %s\n", hint);
    if (code && !strcmp(code, "55P04"))
        buf_puts(out, "(refract: a value added with ALTER TYPE ... ADD VALUE cannot be used in "
                      "the same transaction; move the ADD VALUE into a migration of its own, "
                      "before the one that uses it)\n");
    if (pos) {
        size_t at = char_to_byte(sql, len, atol(pos));
        unsigned line = sql_line_of(sql, len, at);
        locate(where, sql, line, at);
        buf_puts(out, "\nPosition:\n");
        /* Up to two lines before the error's line, then it. */
        put_lines(out, sql, len, line > 2 ? line - 2 : 1, line);
    } else if (stmt) {
        unsigned last = sql_line_of(sql, len, stmt->end ? stmt->end - 1 : 0);
        locate(where, sql, stmt->line, stmt->start);
        buf_puts(out, "\nStatement:\n");
        /* At most ten lines of it. */
        put_lines(out, sql, len, stmt->line, last < stmt->line + 9 ? last : stmt->line + 9);
    }
}

/* Run a multi-statement script (simple protocol, as PQexec) and also tell
 * how many statements succeeded before the first error: the server sends
 * one result per statement. Returns the error result if any, else the
 * last one (NULL if the connection failed); the caller clears it. */
static PGresult *exec_script(PGconn *pg, const char *text, size_t *succeeded)
{
    *succeeded = 0;
    if (!PQsendQuery(pg, text))
        return NULL;
    PGresult *keep = NULL, *r;
    while ((r = PQgetResult(pg))) {
        ExecStatusType st = PQresultStatus(r);
        bool failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY;
        if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
            PQclear(r); /* drain what follows the error */
            continue;
        }
        if (!failed)
            ++*succeeded;
        PQclear(keep);
        keep = r;
    }
    return keep;
}

/* The `n`th statement of `sc` that the server runs (BEGIN/COMMIT-like
 * ones were blanked out), or NULL. */
static const sql_stmt *nth_run_statement(const sql_script *sc, size_t n)
{
    for (size_t i = 0; i < sc->count; i++)
        if (sc->items[i].kind != SQL_STMT_TX_CONTROL && n-- == 0)
            return &sc->items[i];
    return NULL;
}

static bool run_ok(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/* Record a failed attempt on its own (after the rollback). */
static void record_failure(PGconn *pg, const char *table, const char *id,
                           const migration_file *m, const char *logs)
{
    const char *p[] = {id, m->checksum, m->name, logs};
    buf ignore = BUF_INIT, sql = BUF_INIT;
    buf_printf(&sql,
               "INSERT INTO %s (id, checksum, started_at, migration_name, logs, "
               "applied_steps_count) VALUES ($1, $2, now(), $3, $4, 0)",
               table);
    if (history_exec(pg, "cannot record the failed migration", sql.data, 4, p, &ignore) != 0)
        fprintf(stderr, "warning: %s", buf_cstr(&ignore));
    buf_free(&sql);
    buf_free(&ignore);
}

/* Give the session the datasource's search_path back: a migration may
 * have changed it (pg_dump's preamble empties it), and the next migration
 * must start where every migration starts. So for lock_timeout (a safe
 * migration sets it for the session, outside a transaction too): back to
 * `lock_timeout`, the value the session had before deploy, when known. */
static void restore_session(PGconn *pg, const char *schema, const char *lock_timeout)
{
    if (PQstatus(pg) == CONNECTION_BAD)
        return;
    char *q = db_quote_ident(schema);
    buf sql = BUF_INIT;
    buf_printf(&sql, "SET search_path TO %s", q);
    PQclear(PQexec(pg, sql.data));
    buf_free(&sql);
    free(q);
    if (lock_timeout) {
        const char *p[] = {lock_timeout};
        PQclear(PQexecParams(pg, "SELECT pg_catalog.set_config('lock_timeout', $1, false)", 1,
                             NULL, p, NULL, NULL, 0));
    }
}

/* The session's lock_timeout (heap), or NULL if it cannot be read. */
static char *session_lock_timeout(PGconn *pg)
{
    PGresult *r = PQexec(pg, "SELECT pg_catalog.current_setting('lock_timeout')");
    char *v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                  ? strdup(PQgetvalue(r, 0, 0))
                  : NULL;
    PQclear(r);
    return v;
}

/* SET name = value for the session: it runs outside a transaction as well
 * as inside, so it may come before a statement that must run alone (a
 * safe migration's SET lock_timeout before its CREATE INDEX CONCURRENTLY).
 * SET LOCAL, SET TRANSACTION and SET CONSTRAINTS mean nothing there. */
static bool session_setting(const sql_stmt *s)
{
    const char *w = s->what;
    return s->kind == SQL_STMT_PLAIN && !strncmp(w, "SET ", 4) && strncmp(w, "SET LOCAL", 9) &&
           strncmp(w, "SET TRANSACTION", 15) && strncmp(w, "SET CONSTRAINTS", 15) &&
           strncmp(w, "SET SESSION CHARACTERISTICS", 27);
}

/* The script with only statement `s` left: every character before it a
 * space (line breaks kept), so that PostgreSQL's error position, counted
 * in characters, still points into the original text; nothing after it.
 * Heap. */
static char *only_statement(const char *sql, const sql_stmt *s)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < s->start; i++)
        if (((unsigned char)sql[i] & 0xC0) != 0x80) /* one space per character */
            buf_putc(&b, sql[i] == '\n' ? '\n' : ' ');
    buf_put(&b, sql + s->start, s->end - s->start);
    return buf_steal(&b);
}

/* A CREATE INDEX CONCURRENTLY that failed (a lock_timeout, a duplicate
 * for a unique index, a cancel, a lost connection) leaves its index
 * behind, INVALID: unused by queries, yet maintained by every write, and
 * in the way of the next attempt ("already exists"). Before the statement
 * runs, such a leftover of the same name on the same table is dropped,
 * concurrently too. Returns 0, or -1 with the reason in `logs`. */
static int drop_invalid_index(PGconn *pg, const char *sql, const sql_stmt *s,
                              const migration_file *m, FILE *out, buf *logs)
{
    arena a = ARENA_INIT;
    sql_toks t;
    sql_tokenize(sql, s->start, s->end, &a, &t);
    size_t i = 1 + tok_is(&t, 1, "UNIQUE");
    if (!tok_is(&t, 0, "CREATE") || !tok_is(&t, i, "INDEX") ||
        !tok_is(&t, i + 1, "CONCURRENTLY")) {
        arena_free(&a);
        return 0;
    }
    i += 2;
    if (tok_is(&t, i, "IF") && tok_is(&t, i + 1, "NOT") && tok_is(&t, i + 2, "EXISTS"))
        i += 3;
    const char *index = tok_is(&t, i, "ON") ? NULL : tok_name(&t, i, &a, &i);
    if (!index || !tok_is(&t, i, "ON")) {
        arena_free(&a); /* an unnamed index gets a new name each time */
        return 0;
    }
    i += 1 + tok_is(&t, i + 1, "ONLY");
    size_t table_at = i;
    if (!tok_name(&t, i, &a, &i)) {
        arena_free(&a);
        return 0;
    }
    /* The table as written (quoted, maybe qualified): to_regclass reads it
     * as the statement will, through the same search_path. */
    size_t from = t.items[table_at].offset, to = i < t.count ? t.items[i].offset : s->end;
    while (to > from && (sql[to - 1] == ' ' || sql[to - 1] == '\n' || sql[to - 1] == '('))
        to--;
    buf table = BUF_INIT;
    buf_put(&table, sql + from, to - from);
    const char *p[] = {index, buf_cstr(&table)};
    PGresult *r = PQexecParams(pg,
                               "SELECT n.nspname FROM pg_catalog.pg_index i"
                               " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
                               " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                               " WHERE NOT i.indisvalid AND c.relname = $1"
                               " AND i.indrelid = pg_catalog.to_regclass($2)",
                               2, NULL, p, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        char *qs = db_quote_ident(PQgetvalue(r, 0, 0)), *qi = db_quote_ident(index);
        buf drop = BUF_INIT;
        buf_printf(&drop, "DROP INDEX CONCURRENTLY IF EXISTS %s.%s", qs, qi);
        if (out) {
            fprintf(out, "Dropping the INVALID index %s.%s that an earlier failed build left, "
                         "before building it again\n", qs, qi);
            fflush(out);
        }
        PGresult *d = PQexec(pg, drop.data);
        if (!run_ok(d)) {
            buf_printf(logs, "cannot drop the INVALID index %s.%s left by an earlier attempt of "
                             "`%s`: %s", qs, qi, m->name, PQresultErrorMessage(d));
            rc = -1;
        }
        PQclear(d);
        buf_free(&drop);
        free(qs);
        free(qi);
    }
    PQclear(r);
    buf_free(&table);
    arena_free(&a);
    return rc;
}

/* Run a migration that holds a statement PostgreSQL refuses in a
 * transaction: each statement on its own, in order, the index leftovers
 * of an earlier failed attempt dropped first. Returns the failing
 * statement's result (setting *failed), else NULL; `cleanup` gets the
 * reason when a leftover could not be dropped. */
static PGresult *run_alone(PGconn *pg, const migration_file *m, const sql_script *sc,
                           FILE *out, const sql_stmt **failed, buf *cleanup)
{
    *failed = NULL;
    for (size_t i = 0; i < sc->count; i++) {
        const sql_stmt *s = &sc->items[i];
        if (s->kind == SQL_STMT_TX_CONTROL)
            continue;
        if (s->kind == SQL_STMT_NO_TX && drop_invalid_index(pg, m->sql, s, m, out, cleanup) != 0) {
            *failed = s;
            return NULL;
        }
        char *one = only_statement(m->sql, s);
        PGresult *r = PQexec(pg, one);
        free(one);
        if (!run_ok(r)) {
            *failed = s;
            return r;
        }
        PQclear(r);
    }
    return NULL;
}

static void failure_message(const migration_file *m, const char *logs, buf *err)
{
    buf_printf(err,
               "P3018: migration `%s` failed to apply. The database is as it was before it: "
               "the migration's transaction was rolled back and the failure is recorded in "
               "_prisma_migrations.\n"
               "New migrations cannot be applied until this is resolved: fix the migration (or "
               "the data), then run `refract migrate resolve --rolled-back %s` and deploy "
               "again.\n\n"
               "Migration name: %s\n\n%s",
               m->name, m->name, m->name, logs);
}

/* A migration run outside a transaction failed: what ran before the
 * failing statement stays. For CREATE INDEX CONCURRENTLY that is at most
 * an INVALID index, which the next attempt drops first. */
static void failure_outside_tx_message(const migration_file *m, const char *logs, buf *err)
{
    buf_printf(err,
               "P3018: migration `%s` failed to apply. It runs outside a transaction, so its "
               "statements before the failing one stay applied; a CREATE INDEX CONCURRENTLY "
               "that fails leaves its index INVALID, and the next attempt drops it before "
               "building it again. The failure is recorded in _prisma_migrations.\n"
               "New migrations cannot be applied until this is resolved: fix the cause (for a "
               "lock_timeout, a long transaction holding the table; for a unique index, the "
               "duplicates), then run `refract migrate resolve --rolled-back %s` and deploy "
               "again.\n\n"
               "Migration name: %s\n\n%s",
               m->name, m->name, m->name, logs);
}

/* Where a migration stood when the connection dropped: what the server
 * did with it follows from that. */
typedef enum lost_at {
    LOST_IN_TRANSACTION, /* before COMMIT was sent: the server rolls it back */
    LOST_AT_COMMIT,      /* COMMIT sent, no answer: committed or not, unknown */
    LOST_OUTSIDE_TX,     /* a statement run alone: it may have completed */
} lost_at;

/* The server's or libpq's one-line reason for the lost connection. */
static void put_lost_reason(buf *out, PGresult *r, PGconn *pg)
{
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(pg);
    size_t n = strcspn(msg, "\n");
    buf_printf(out, "%.*s", (int)n, msg);
}

/* The connection died under a migration (server restarted, backend
 * terminated, network gone). Nothing can be recorded now, so say what the
 * server did and what to run next, not the usual P3018 advice. */
static void connection_lost_message(const migration_file *m, PGresult *r, PGconn *pg, lost_at at,
                                    buf *err)
{
    buf_printf(err, "P1017: the connection to the database server was lost while migration `%s` "
                    "was being applied (",
               m->name);
    put_lost_reason(err, r, pg);
    buf_puts(err, ").\n");
    switch (at) {
    case LOST_IN_TRANSACTION:
        buf_printf(err,
                   "  The server rolled the migration's transaction back: nothing of `%s` was "
                   "applied, and nothing was recorded in _prisma_migrations.\n"
                   "  Run `refract migrate deploy` again once the server is reachable; it will "
                   "apply `%s` from the start.\n",
                   m->name, m->name);
        break;
    case LOST_AT_COMMIT:
        buf_printf(err,
                   "  It was lost while committing, so the server may or may not have committed "
                   "it (its changes and its _prisma_migrations row go together).\n"
                   "  Once the server is reachable, run `refract migrate status`: if `%s` is "
                   "listed as applied, it was committed; else run `refract migrate deploy` "
                   "again.\n",
                   m->name);
        break;
    case LOST_OUTSIDE_TX:
        buf_printf(err,
                   "  The migration runs outside a transaction, so its statement may or may not "
                   "have completed, and it is recorded as started but not finished.\n"
                   "  Once the server is reachable, check the database; then run `refract "
                   "migrate resolve --applied %s` if it completed, or undo what it left (e.g. "
                   "drop an invalid index) and run `refract migrate resolve --rolled-back %s` "
                   "and deploy again.\n",
                   m->name, m->name);
        break;
    }
}

static bool connection_lost(PGconn *pg) { return PQstatus(pg) == CONNECTION_BAD; }

static int apply_one(PGconn *pg, const char *schema, const char *lock_timeout,
                     const migration_file *m, FILE *out, deploy_failure *where, buf *err)
{
    where->migration = m;
    sql_script sc;
    sql_scan(m->sql, m->sql_len, &sc);
    bool old_server = PQserverVersion(pg) < 120000;
    const sql_stmt *alone = NULL;
    size_t significant = 0;
    for (size_t i = 0; i < sc.count; i++) {
        const sql_stmt *s = &sc.items[i];
        if (s->kind == SQL_STMT_TX_CONTROL)
            continue;
        significant += !session_setting(s);
        if (!alone && (s->kind == SQL_STMT_NO_TX ||
                       (s->kind == SQL_STMT_ADD_ENUM_VALUE && old_server)))
            alone = s;
    }
    if (alone && significant > 1) {
        buf_printf(err,
                   "migration `%s` cannot be applied: line %u holds `%s ...`, which PostgreSQL "
                   "cannot run inside a transaction block%s, and refract applies each migration "
                   "in one transaction.\n"
                   "  Move that statement into a migration of its own: refract runs a migration "
                   "made of only such a statement (and SET statements before it) outside a "
                   "transaction.\n"
                   "  Nothing was applied.\n",
                   m->name, alone->line, alone->what,
                   alone->kind == SQL_STMT_ADD_ENUM_VALUE ? " before PostgreSQL 12" : "");
        locate(where, m->sql, alone->line, alone->start);
        sql_script_free(&sc);
        return -1;
    }
    char id[UUID_STR_LEN + 1];
    if (uuid_v4(id) != 0) {
        buf_puts(err, "cannot make a migration id: the system gave no random bytes\n");
        sql_script_free(&sc);
        return -1;
    }
    char *text = sql_without_tx_control(m->sql, m->sql_len, &sc);
    const char *p[] = {id, m->checksum, m->name};
    char *table = history_table_sql(schema);
    buf insert = BUF_INIT, finish = BUF_INIT, set_logs = BUF_INIT;
    buf_printf(&insert,
               "INSERT INTO %s (id, checksum, started_at, migration_name)"
               " VALUES ($1, $2, now(), $3)",
               table);
    buf_printf(&finish,
               "UPDATE %s SET applied_steps_count = applied_steps_count + 1,"
               " finished_at = clock_timestamp() WHERE id = $1",
               table);
    buf_printf(&set_logs, "UPDATE %s SET logs = $2 WHERE id = $1", table);
    int rc = 0;
    buf logs = BUF_INIT;
    if (alone) {
        /* Prisma's way, the only one possible here: row, script, row. */
        if (history_exec(pg, "cannot record the migration", insert.data, 3, p, err) != 0) {
            rc = -1;
            goto done;
        }
        const sql_stmt *failed_stmt;
        buf cleanup = BUF_INIT;
        PGresult *r = run_alone(pg, m, &sc, out, &failed_stmt, &cleanup);
        if (failed_stmt && connection_lost(pg)) {
            connection_lost_message(m, r, pg, LOST_OUTSIDE_TX, err);
            rc = -1;
        } else if (failed_stmt) {
            if (cleanup.len)
                buf_printf(&logs, "%s", cleanup.data);
            else
                describe_failure(r, pg, m->sql, m->sql_len, failed_stmt, where, &logs);
            const char *lp[] = {id, logs.data};
            buf ignore = BUF_INIT;
            history_exec(pg, "record", set_logs.data, 2, lp, &ignore);
            buf_free(&ignore);
            failure_outside_tx_message(m, logs.data, err);
            rc = -1;
        } else {
            rc = history_exec(pg, "cannot record the migration as finished", finish.data, 1, p,
                              err);
        }
        PQclear(r);
        buf_free(&cleanup);
        restore_session(pg, schema, lock_timeout);
    } else {
        PGresult *r = NULL;
        if (history_exec(pg, "cannot start a transaction", "BEGIN", 0, NULL, err) != 0 ||
            history_exec(pg, "cannot record the migration", insert.data, 3, p, err) != 0) {
            PQclear(PQexec(pg, "ROLLBACK"));
            rc = -1;
            goto done;
        }
        size_t succeeded;
        r = exec_script(pg, text, &succeeded);
        bool ok = run_ok(r);
        const sql_stmt *failed_stmt = ok ? NULL : nth_run_statement(&sc, succeeded);
        if (ok) {
            PQclear(r);
            r = PQexecParams(pg, finish.data, 1, NULL, p, NULL, NULL, 0);
            ok = run_ok(r);
        }
        lost_at at = LOST_IN_TRANSACTION;
        if (ok) {
            PQclear(r);
            at = LOST_AT_COMMIT;
            r = PQexec(pg, "COMMIT"); /* deferred constraints fail here */
            ok = run_ok(r);
        }
        if (!ok && connection_lost(pg)) {
            connection_lost_message(m, r, pg, at, err);
            rc = -1;
        } else if (!ok) {
            describe_failure(r, pg, m->sql, m->sql_len, failed_stmt, where, &logs);
            PQclear(PQexec(pg, "ROLLBACK"));
            record_failure(pg, table, id, m, logs.data);
            failure_message(m, logs.data, err);
            rc = -1;
        }
        PQclear(r);
        /* A search_path set with set_config(..., false) outlives COMMIT. */
        restore_session(pg, schema, lock_timeout);
    }
done:
    buf_free(&logs);
    buf_free(&insert);
    buf_free(&finish);
    buf_free(&set_logs);
    free(table);
    free(text);
    sql_script_free(&sc);
    return rc;
}

/* ---- deploy ------------------------------------------------------------- */

static void failed_message(const history_row *r, buf *err)
{
    buf_printf(err,
               "P3009: found a failed migration in the database; new migrations will not be "
               "applied.\n"
               "  The `%s` migration started at %s failed%s%s\n"
               "  Resolve it first: fix what failed, then `refract migrate resolve --rolled-back "
               "%s` (to run it again) or `--applied %s` (if you completed it by hand).\n",
               r->migration_name, r->started_at ? r->started_at : "?", r->logs ? ":\n\n" : ".",
               r->logs ? r->logs : "", r->migration_name, r->migration_name);
}

int migrate_deploy(db_conn *db, const migration_folder *f, FILE *out, size_t *applied, buf *err)
{
    return migrate_deploy_marked(db, f, out, applied, NULL, err);
}

int migrate_deploy_marked(db_conn *db, const migration_folder *f, FILE *out, size_t *applied,
                          bool *was_applied, buf *err)
{
    deploy_options o = {.progress = out, .warnings = stderr, .lock_notice = stderr,
                        .was_applied = was_applied};
    deploy_failure where;
    return migrate_deploy_with(db, f, &o, applied, &where, err);
}

/* A warning to o->warnings, else into o->notes (if any). */
static void warn(const deploy_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(const deploy_options *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (o->warnings) {
        fputs("warning: ", o->warnings);
        vfprintf(o->warnings, fmt, ap);
    } else if (o->notes) {
        buf_vprintf(o->notes, fmt, ap);
    }
    va_end(ap);
}

int migrate_deploy_with(db_conn *db, const migration_folder *f, const deploy_options *o,
                        size_t *applied, deploy_failure *where, buf *err)
{
    *applied = 0;
    memset(where, 0, sizeof *where);
    if (o->was_applied)
        memset(o->was_applied, 0, f->count * sizeof *o->was_applied);
    if (history_lock_notify(db->pg, o->lock_notice, err) != 0)
        return -1;
    int rc = 0;
    history h = {0};
    migration_report rep = {0};
    char *lock_timeout = NULL; /* the session's, read before the first migration */
    size_t shown = 0;          /* migrations announced so far, for the terminal's count */
    if (history_ensure_table(db->pg, db->schema, err) != 0 ||
        history_load(db->pg, db->schema, &h, err) != 0) {
        rc = -1;
        goto done;
    }
    migration_compare(f, &h, &rep);
    if (rep.first_failed) {
        failed_message(rep.first_failed, err);
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < f->count; i++)
        if (rep.state[i] == MIGRATION_EDITED)
            warn(o,
                 "migration `%s` was modified after it was applied (its checksum differs from "
                 "the one recorded); it is not run again.\n",
                 f->items[i].name);
    for (size_t k = 0; k < rep.nunknown; k++)
        warn(o, "migration `%s` is recorded in the database but missing from %s.\n",
             rep.unknown[k]->migration_name, f->path);
    for (size_t i = 0; i < f->count; i++) {
        if (rep.state[i] != MIGRATION_PENDING)
            continue;
        replaces_action squashed = replaces_action_for(&f->items[i], &h, err);
        if (squashed == REPLACES_PARTIAL) {
            rc = -1;
            goto done;
        }
        if (squashed == REPLACES_RECORD) {
            if (o->progress)
                fprintf(o->progress,
                        "Recording migration `%s` as applied without running it: it squashes "
                        "migrations this database has applied\n",
                        f->items[i].name);
            if (replaces_record_applied(db->pg, db->schema, &f->items[i], err) != 0) {
                rc = -1;
                goto done;
            }
            ++*applied;
            if (o->was_applied)
                o->was_applied[i] = true;
            continue;
        }
        if (o->progress) {
            /* on a terminal, how far along: "[ 3/120] " (never into a pipe or log) */
            if (rep.npending > 1 && progress_visible(o->progress))
                fprintf(o->progress, "[%*zu/%zu] ", rep.npending >= 100 ? 3 : rep.npending >= 10 ? 2 : 1,
                        ++shown, rep.npending);
            fprintf(o->progress, "Applying migration `%s`\n", f->items[i].name);
            fflush(o->progress);
        }
        if (!lock_timeout)
            lock_timeout = session_lock_timeout(db->pg);
        if (apply_one(db->pg, db->schema, lock_timeout, &f->items[i], o->progress, where, err) !=
            0) {
            rc = -1;
            goto done;
        }
        where->migration = NULL;
        ++*applied;
        if (o->was_applied)
            o->was_applied[i] = true;
    }
done:
    free(lock_timeout);
    migration_report_free(&rep);
    history_free(&h);
    history_unlock(db->pg);
    return rc;
}

/* ---- reset and resolve -------------------------------------------------- */

int migrate_reset_schemas(db_conn *db, const char *const *schemas, size_t n, buf *err)
{
    if (history_lock(db->pg, err) != 0)
        return -1;
    buf sql = BUF_INIT;
    buf_puts(&sql, "BEGIN;\n");
    const char *const *list = n ? schemas : (const char *const[]){db->schema};
    size_t count = n ? n : 1;
    bool url_schema_listed = false;
    for (size_t i = 0; i < count; i++) {
        char *q = db_quote_ident(list[i]);
        buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\n", q, q);
        free(q);
        url_schema_listed |= !strcmp(list[i], db->schema);
    }
    if (!url_schema_listed) {
        char *q = db_quote_ident(db->schema);
        buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\n", q, q);
        free(q);
    }
    buf_puts(&sql, "COMMIT;");
    PGresult *r = PQexec(db->pg, sql.data);
    int rc = 0;
    if (!run_ok(r)) {
        buf_printf(err, "cannot reset the database: %s", PQresultErrorMessage(r));
        PQclear(PQexec(db->pg, "ROLLBACK"));
        rc = -1;
    }
    PQclear(r);
    buf_free(&sql);
    history_unlock(db->pg);
    return rc;
}

int migrate_resolve_applied(db_conn *db, const migration_folder *f, const char *name, buf *err)
{
    const migration_file *m = NULL;
    for (size_t i = 0; i < f->count && !m; i++)
        if (!strcmp(f->items[i].name, name))
            m = &f->items[i];
    if (!m) {
        buf_printf(err,
                   "P3017: the migration `%s` could not be found in %s. Give the whole name of "
                   "its folder, e.g. 20240101120000_init.\n",
                   name, f->path);
        return -1;
    }
    if (history_lock(db->pg, err) != 0)
        return -1;
    history h = {0};
    int rc = 0;
    if (history_ensure_table(db->pg, db->schema, err) != 0 ||
        history_load(db->pg, db->schema, &h, err) != 0) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < h.count; i++)
        if (!strcmp(h.rows[i].migration_name, name) && history_row_applied(&h.rows[i])) {
            buf_printf(err, "P3008: the migration `%s` is already recorded as applied in the "
                            "database.\n",
                       name);
            rc = -1;
            goto done;
        }
    char id[UUID_STR_LEN + 1];
    if (uuid_v4(id) != 0) {
        buf_puts(err, "cannot make a migration id: the system gave no random bytes\n");
        rc = -1;
        goto done;
    }
    const char *p[] = {id, m->checksum, m->name};
    const char *by_name[] = {m->name};
    char *table = history_table_sql(db->schema);
    buf mark = BUF_INIT, insert = BUF_INIT;
    buf_printf(&mark,
               "UPDATE %s SET rolled_back_at = now() WHERE migration_name = $1"
               " AND finished_at IS NULL AND rolled_back_at IS NULL",
               table);
    buf_printf(&insert,
               "INSERT INTO %s (id, checksum, started_at, finished_at, migration_name, "
               "applied_steps_count) VALUES ($1, $2, now(), now(), $3, 0)",
               table);
    if (history_exec(db->pg, "cannot start a transaction", "BEGIN", 0, NULL, err) != 0 ||
        history_exec(db->pg, "cannot mark the failed attempts rolled back", mark.data, 1, by_name,
                     err) != 0 ||
        history_exec(db->pg, "cannot record the migration", insert.data, 3, p, err) != 0 ||
        history_exec(db->pg, "cannot commit", "COMMIT", 0, NULL, err) != 0) {
        PQclear(PQexec(db->pg, "ROLLBACK"));
        rc = -1;
    }
    buf_free(&mark);
    buf_free(&insert);
    free(table);
done:
    history_free(&h);
    history_unlock(db->pg);
    return rc;
}

int migrate_resolve_rolled_back(db_conn *db, const char *name, buf *err)
{
    if (history_lock(db->pg, err) != 0)
        return -1;
    history h = {0};
    int rc = 0;
    if (history_load(db->pg, db->schema, &h, err) != 0) {
        rc = -1;
        goto done;
    }
    bool any = false, failed = false;
    for (size_t i = 0; i < h.count; i++)
        if (!strcmp(h.rows[i].migration_name, name)) {
            any = true;
            failed |= history_row_failed(&h.rows[i]);
        }
    if (!any) {
        buf_printf(err,
                   "P3011: migration `%s` cannot be rolled back because it was never applied to "
                   "the database. Did you give the whole name of its folder?\n",
                   name);
        rc = -1;
    } else if (!failed) {
        buf_printf(err,
                   "P3012: migration `%s` cannot be rolled back because it is not in a failed "
                   "state.\n",
                   name);
        rc = -1;
    } else {
        const char *p[] = {name};
        char *table = history_table_sql(db->schema);
        buf mark = BUF_INIT;
        buf_printf(&mark,
                   "UPDATE %s SET rolled_back_at = now() WHERE migration_name = $1"
                   " AND finished_at IS NULL AND rolled_back_at IS NULL",
                   table);
        rc = history_exec(db->pg, "cannot mark the migration rolled back", mark.data, 1, p, err);
        buf_free(&mark);
        free(table);
    }
done:
    history_free(&h);
    history_unlock(db->pg);
    return rc;
}
