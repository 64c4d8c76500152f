/*
 * migrate_deploy.c — rf_migrate_deploy: `refract migrate deploy` from the
 * program.
 *
 * Not a second implementation: this file only adapts a client to the
 * command's own code (generator/migrate/deploy.c, history.c, folder.c and
 * what they use), which the Makefile links into librefract as one object
 * whose only global symbols are rf_migrate_* (the rest stays private, so
 * the library's namespace stays rf_).
 */
#include "refract_migrate.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "migrate/deploy.h"
#include "migrate/folder.h"

/* Prisma's code at the start of the command's message ("P3018: ..."), as
 * a string that outlives the message (rf_error keeps the pointer). */
static const char *prisma_code_of(const char *message)
{
    static const char *const codes[] = {"P3009", "P3018", "P1017", "P3017"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        if (!strncmp(message, codes[i], 5) && message[5] == ':')
            return codes[i];
    return NULL;
}

static char *dup_or_abort(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

/* Record the failure on the client and in the report. */
static rf_status fail(rf_client *client, rf_migrate_report *report, rf_status status,
                      const deploy_failure *where, buf *message)
{
    const char *text = buf_cstr(message);
    report->message = dup_or_abort(text);
    if (where && where->migration) {
        report->failed_migration = dup_or_abort(where->migration->name);
        report->failed_line = where->line;
        report->failed_column = where->column;
    }
    if (where)
        memcpy(report->sqlstate, where->sqlstate, sizeof report->sqlstate);
    char line[512]; /* the first line, cut if long */
    snprintf(line, sizeof line, "%.*s", (int)strcspn(text, "\n"), text);
    return rf_error_set(&client->err, status, report->sqlstate[0] ? report->sqlstate : NULL,
                        prisma_code_of(text), line);
}

rf_status rf_migrate_deploy(rf_client *client, const char *dir, rf_migrate_report *report)
{
    if (report)
        memset(report, 0, sizeof *report);
    if (!client)
        return RF_INVALID_ARGUMENT;
    if (!dir || !report)
        return rf_fail(client, RF_INVALID_ARGUMENT,
                       "rf_migrate_deploy: dir and report must not be NULL");
    rf_status st = rf_client_ready(client);
    if (st != RF_OK)
        return st;
    if (client->stream_busy || PQtransactionStatus(client->conn) != PQTRANS_IDLE)
        return rf_fail(client, RF_INVALID_ARGUMENT,
                       "rf_migrate_deploy runs each migration in a transaction of its own: call "
                       "it outside a transaction (and with no stream open)");

    buf err = BUF_INIT, notes = BUF_INIT;
    migration_folder f = {0};
    if (migrations_read(dir, &f, &err) != 0) {
        st = fail(client, report, RF_ERROR, NULL, &err);
        goto out;
    }
    bool *was_applied = calloc(f.count ? f.count : 1, sizeof *was_applied);
    if (!was_applied)
        abort();
    db_conn db = {.pg = client->conn, .schema = (char *)rf_client_schema(client)};
    deploy_options o = {.notes = &notes, .was_applied = was_applied};
    deploy_failure where;
    size_t applied = 0;
    int rc = migrate_deploy_with(&db, &f, &o, &applied, &where, &err);
    report->applied = calloc(applied ? applied : 1, sizeof *report->applied);
    if (!report->applied)
        abort();
    for (size_t i = 0; i < f.count; i++)
        if (was_applied[i])
            report->applied[report->applied_count++] = dup_or_abort(f.items[i].name);
    free(was_applied);
    if (notes.len)
        report->warnings = dup_or_abort(buf_cstr(&notes));
    if (rc != 0) {
        bool lost = PQstatus(client->conn) == CONNECTION_BAD;
        if (lost)
            client->lost = true;
        st = fail(client, report, lost ? RF_CONNECTION : RF_ERROR, &where, &err);
    }
out:
    migrations_free(&f);
    buf_free(&err);
    buf_free(&notes);
    return st;
}

void rf_migrate_report_free(rf_migrate_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->applied_count; i++)
        free(report->applied[i]);
    free(report->applied);
    free(report->warnings);
    free(report->message);
    free(report->failed_migration);
    memset(report, 0, sizeof *report);
}
