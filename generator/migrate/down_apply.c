#include "down_apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasafety.h"
#include "history.h"
#include "sqlscan.h"

static bool ok_result(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/* Refuse what the data check finds, unless it is data loss and accepted. */
static int check_data(PGconn *pg, const down_request *rq, buf *err)
{
    if (!rq->steps) {
        if (rq->accept_data_loss)
            return 0;
        buf_printf(err,
                   "cannot tell whether the down.sql of `%s` would lose data (see above); run "
                   "again with --accept-data-loss to apply it unchecked. Nothing was rolled "
                   "back.\n",
                   rq->m->name);
        return -1;
    }
    data_safety_report report = DATA_SAFETY_REPORT_INIT;
    int n = data_safety_check(pg, rq->steps, &report, err);
    int rc = 0;
    if (n < 0) {
        rc = -1;
    } else if (report.unexecutable.len) {
        buf_printf(err,
                   "rolling back `%s` is not possible with the data the database holds; these "
                   "steps of its down.sql cannot be executed:\n\n%s\n"
                   "--accept-data-loss cannot help: the step would fail. Nothing was rolled "
                   "back.\n",
                   rq->m->name, buf_cstr(&report.unexecutable));
        rc = -1;
    } else if (report.data_loss.len && !rq->accept_data_loss) {
        buf_printf(err,
                   "rolling back `%s` would lose data the database holds:\n\n%s\n"
                   "Nothing was rolled back. To go ahead anyway, run again with "
                   "--accept-data-loss.\n",
                   rq->m->name, buf_cstr(&report.data_loss));
        rc = -1;
    } else if (report.data_loss.len) {
        fprintf(stderr, "warning: --accept-data-loss given; rolling back `%s` loses this data:\n\n%s\n",
                rq->m->name, buf_cstr(&report.data_loss));
    }
    data_safety_report_free(&report);
    return rc;
}

/* Run the script (simple protocol: one result per statement) and count
 * the statements that succeeded before the first error. Returns the error
 * result, else the last one (NULL when the connection failed). */
static PGresult *exec_counting(PGconn *pg, const char *text, size_t *succeeded)
{
    *succeeded = 0;
    if (!PQsendQuery(pg, text))
        return NULL;
    PGresult *keep = NULL, *r;
    while ((r = PQgetResult(pg))) {
        if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
            PQclear(r); /* what follows the error */
            continue;
        }
        *succeeded += ok_result(r);
        PQclear(keep);
        keep = r;
    }
    return keep;
}

/* The line of the statement the server ran as number `n` (0-based; the
 * blanked BEGIN/COMMIT-like ones are not sent). */
static unsigned line_of_statement(const sql_script *sc, size_t n)
{
    for (size_t i = 0; i < sc->count; i++)
        if (sc->items[i].kind != SQL_STMT_TX_CONTROL && n-- == 0)
            return sc->items[i].line;
    return 0;
}

/* PostgreSQL's complaint about down.sql, with the line it points at: its
 * position when it gives one, else the failing statement's first line. */
static void describe_failure(const migration_file *m, const char *sql, size_t len, PGresult *r,
                             PGconn *pg, unsigned stmt_line, buf *err)
{
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
    buf_printf(err, "%s/%s", m->dir, MIGRATION_DOWN_FILE);
    if (pos) {
        /* PostgreSQL counts characters; count UTF-8 lead bytes. */
        long want = atol(pos);
        size_t at = 0;
        for (long c = 1; c < want && at < len; c++)
            for (at++; at < len && ((unsigned char)sql[at] & 0xC0) == 0x80; at++)
                ;
        buf_printf(err, ":%u", sql_line_of(sql, len, at));
    } else if (stmt_line) {
        buf_printf(err, ":%u", stmt_line);
    }
    buf_puts(err, ": ");
    if (msg)
        buf_printf(err, "ERROR: %s%s%s%s\n", msg, code ? " (" : "", code ? code : "",
                   code ? ")" : "");
    else
        buf_printf(err, "%s", PQerrorMessage(pg));
    if (detail)
        buf_printf(err, "DETAIL: %s\n", detail);
    buf_printf(err,
               "The down.sql of `%s` failed; its transaction was rolled back, so the database "
               "and _prisma_migrations are as before. Fix down.sql and run `refract migrate "
               "down` again.\n",
               m->name);
}

/* Mark the applied rows of `name` rolled back. */
static int mark_rolled_back(PGconn *pg, const char *table, const char *name, buf *err)
{
    buf sql = BUF_INIT;
    buf_printf(&sql,
               "UPDATE %s SET rolled_back_at = now() WHERE migration_name = $1"
               " AND finished_at IS NOT NULL AND rolled_back_at IS NULL",
               table);
    const char *p[] = {name};
    int rc = history_exec(pg, "cannot mark the migration rolled back", sql.data, 1, p, err);
    buf_free(&sql);
    return rc;
}

static void restore_search_path(PGconn *pg, const char *schema)
{
    if (PQstatus(pg) == CONNECTION_BAD)
        return;
    char *q = db_quote_ident(schema);
    buf sql = BUF_INIT;
    buf_printf(&sql, "SET search_path TO %s", q);
    PQclear(PQexec(pg, sql.data));
    buf_free(&sql);
    free(q);
}

int down_apply(db_conn *db, const down_request *rq, buf *err)
{
    const migration_file *m = rq->m;
    buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", m->dir, MIGRATION_DOWN_FILE);
    size_t len = 0;
    char *sql = read_regular_file(path.data, &len, err);
    buf_free(&path);
    if (!sql)
        return -1;
    if (memchr(sql, '\0', len)) {
        buf_printf(err, "%s/%s contains a NUL byte; PostgreSQL would run only the SQL before "
                        "it. Nothing was rolled back.\n",
                   m->dir, MIGRATION_DOWN_FILE);
        free(sql);
        return -1;
    }
    sql_script sc;
    sql_scan(sql, len, &sc);
    for (size_t i = 0; i < sc.count; i++)
        if (sc.items[i].kind == SQL_STMT_NO_TX) {
            buf_printf(err,
                       "%s/%s:%u holds `%s ...`, which PostgreSQL cannot run inside a "
                       "transaction block; refract runs a down.sql in one transaction with its "
                       "history update. Write it without (e.g. DROP INDEX instead of DROP INDEX "
                       "CONCURRENTLY). Nothing was rolled back.\n",
                       m->dir, MIGRATION_DOWN_FILE, sc.items[i].line, sc.items[i].what);
            sql_script_free(&sc);
            free(sql);
            return -1;
        }
    char *text = sql_without_tx_control(sql, len, &sc);
    char *table = history_table_sql(db->schema);
    int rc = -1;
    if (history_exec(db->pg, "cannot start a transaction", "BEGIN", 0, NULL, err) != 0)
        goto out;
    if (check_data(db->pg, rq, err) != 0)
        goto rollback;
    size_t succeeded;
    PGresult *r = exec_counting(db->pg, text, &succeeded);
    if (!r || !ok_result(r)) {
        describe_failure(m, sql, len, r, db->pg, line_of_statement(&sc, succeeded), err);
        PQclear(r);
        goto rollback;
    }
    PQclear(r);
    /* `table` is schema-qualified: the script may have changed the search_path. */
    if (mark_rolled_back(db->pg, table, m->name, err) != 0)
        goto rollback;
    for (size_t k = 0; k < m->nreplaces; k++)
        if (mark_rolled_back(db->pg, table, m->replaces[k], err) != 0)
            goto rollback;
    if (history_exec(db->pg, "cannot commit", "COMMIT", 0, NULL, err) != 0)
        goto rollback;
    rc = 0;
    goto out;
rollback:
    PQclear(PQexec(db->pg, "ROLLBACK"));
out:
    restore_search_path(db->pg, db->schema);
    sql_script_free(&sc);
    free(table);
    free(text);
    free(sql);
    return rc;
}
