#include "datasafety.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"

/* Run a count query; -1 on error. */
static long count_of(PGconn *pg, const char *sql, buf *err)
{
    PGresult *r = PQexec(pg, sql);
    long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 1 : atol(PQgetvalue(r, 0, 0));
    else
        buf_printf(err, "cannot check the data (%s): %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return n;
}

static void put_table(buf *b, const db_table *t) { sql_put_qualified(b, t->schema, t->name); }

/* SELECT count(*) FROM t [WHERE col IS [NOT] NULL] */
static long count_rows(PGconn *pg, const db_table *t, const char *col, bool nulls, buf *err)
{
    buf q = BUF_INIT;
    buf_puts(&q, "SELECT count(*) FROM ");
    put_table(&q, t);
    if (col) {
        buf_puts(&q, " WHERE ");
        sql_put_ident(&q, col);
        buf_puts(&q, nulls ? " IS NULL" : " IS NOT NULL");
    }
    long n = count_of(pg, q.data, err);
    buf_free(&q);
    return n;
}

/* True when a column (added or recreated) must hold a value in every row
 * and the database has none to give it. */
static bool required_without_default(const db_column *c)
{
    return c->not_null && !c->default_sql && !c->autoincrement;
}

static int check_column_change(PGconn *pg, const db_table *t, const migrate_column_change *c,
                               data_safety_report *out, buf *err)
{
    int found = 0;
    long n;
    switch (c->kind) {
    case MIGRATE_DROP_COLUMN:
        if ((n = count_rows(pg, t, c->old->name, false, err)) < 0)
            return -1;
        if (n > 0)
            found++, buf_printf(&out->data_loss,
                                "  - You are about to drop the column `%s` on the `%s` table, "
                                "which still contains %ld non-null values.\n",
                                c->old->name, t->name, n);
        break;
    case MIGRATE_RECREATE_COLUMN:
        if (required_without_default(c->new)) {
            /* DROP + ADD ... NOT NULL: fails on any row, whatever it holds. */
            if ((n = count_rows(pg, t, NULL, false, err)) < 0)
                return -1;
            if (n > 0)
                found++, buf_printf(&out->unexecutable,
                                    "  - Changed the type of `%s` on the `%s` table. No cast "
                                    "exists, the column would be dropped and recreated, which "
                                    "cannot be done since the column is required and there is "
                                    "data in the table.\n"
                                    "    To make it runnable: make `%s` optional in this "
                                    "migration, fill it in for the existing rows, then make it "
                                    "required in a later one; or give it a default value "
                                    "(@default(...)).\n",
                                    c->new->name, t->name, c->new->name);
            break;
        }
        if ((n = count_rows(pg, t, c->old->name, false, err)) < 0)
            return -1;
        if (n > 0)
            found++, buf_printf(&out->data_loss,
                                "  - The `%s` column on the `%s` table would be dropped and "
                                "recreated (its type cannot be cast): its %ld non-null values "
                                "would be lost.\n",
                                c->old->name, t->name, n);
        break;
    case MIGRATE_ADD_COLUMN:
        if (c->risk != MIGRATE_RISK_REQUIRED_NO_DEFAULT)
            break;
        if ((n = count_rows(pg, t, NULL, false, err)) < 0)
            return -1;
        if (n > 0)
            found++, buf_printf(&out->unexecutable,
                                "  - Added the required column `%s` to the `%s` table without a "
                                "default value. There are %ld rows in this table, it is not "
                                "possible to execute this step.\n"
                                "    To make it runnable: give `%s` a default value in the "
                                "schema (@default(...)), or add it as optional first, fill it "
                                "in for the existing rows, then make it required in a later "
                                "migration.\n",
                                c->new->name, t->name, n, c->new->name);
        break;
    case MIGRATE_ALTER_COLUMN:
        if (c->cast == MIGRATE_CAST_RISKY) {
            if ((n = count_rows(pg, t, c->old->name, false, err)) < 0)
                return -1;
            if (n > 0)
                found++, buf_printf(&out->data_loss,
                                    "  - You are about to alter the column `%s` on the `%s` "
                                    "table, which contains %ld non-null values. The data in "
                                    "that column will be cast from `%s` to `%s`.\n",
                                    c->old->name, t->name, n, c->old->type, c->new->type);
        }
        if (c->nullability_changed && c->new->not_null) {
            if ((n = count_rows(pg, t, c->old->name, true, err)) < 0)
                return -1;
            if (n > 0)
                found++, buf_printf(&out->unexecutable,
                                    "  - Made the column `%s` on table `%s` required, but "
                                    "there are %ld existing NULL values.\n"
                                    "    To make it runnable: set a value in those rows first "
                                    "(or keep `%s` optional).\n",
                                    c->old->name, t->name, n, c->old->name);
        }
        break;
    default:
        break;
    }
    return found;
}

static int check_enum(PGconn *pg, const migrate_step *s, buf *report, buf *err)
{
    int found = 0;
    for (size_t u = 0; u < s->nuses; u++) {
        const migrate_enum_use *use = &s->uses[u];
        buf q = BUF_INIT;
        buf_puts(&q, "SELECT count(*) FROM ");
        put_table(&q, use->table);
        buf_puts(&q, " WHERE ");
        sql_put_ident(&q, use->old->name);
        buf_puts(&q, use->old->list ? "::text[] && ARRAY[" : "::text IN (");
        for (size_t v = 0; v < s->nremoved; v++) {
            if (v)
                buf_puts(&q, ", ");
            sql_put_literal(&q, s->removed_values[v]);
        }
        buf_puts(&q, use->old->list ? "]::text[]" : ")");
        long n = count_of(pg, q.data, err);
        buf_free(&q);
        if (n < 0)
            return -1;
        if (n > 0) {
            found++;
            buf_puts(report, "  - The values [");
            for (size_t v = 0; v < s->nremoved; v++)
                buf_printf(report, "%s%s", v ? "," : "", s->removed_values[v]);
            buf_printf(report,
                       "] on the enum `%s` will be removed, but %ld rows of the `%s` table still "
                       "use them in column `%s`.\n",
                       s->old_enum ? s->old_enum->name : "?", n, use->table->name,
                       use->old->name);
        }
    }
    return found;
}

/* A step the per-kind checks do not cover: the differ's yes/no query. */
static int check_generic(PGconn *pg, const migrate_step *s, buf *report, buf *err)
{
    long n = count_of(pg, s->check_sql, err);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    const char *w = s->warning ? s->warning : "A step may fail on data the database holds.";
    /* One line per sentence of the step. */
    while (*w) {
        const char *eol = strchr(w, '\n');
        size_t len = eol ? (size_t)(eol - w) : strlen(w);
        buf_printf(report, "  - %.*s\n", (int)len, w);
        w += len + (eol ? 1 : 0);
    }
    return 1;
}

int data_safety_check(PGconn *pg, const migrate_steps *steps, data_safety_report *out, buf *err)
{
    buf *report = &out->data_loss;
    int total = 0;
    for (size_t i = 0; i < steps->count; i++) {
        const migrate_step *s = &steps->items[i];
        if (!s->destructive)
            continue;
        int n = 0;
        switch (s->kind) {
        case MIGRATE_DROP_TABLE: {
            long rows = count_rows(pg, s->old_table, NULL, false, err);
            if (rows < 0)
                return -1;
            if (rows > 0) {
                n = 1;
                buf_printf(report,
                           "  - You are about to drop the `%s` table, which is not empty (%ld "
                           "rows).\n",
                           s->old_table->name, rows);
            }
            break;
        }
        case MIGRATE_ALTER_TABLE:
            /* Column by column; a primary key change alone loses nothing. */
            for (size_t c = 0; c < s->nchanges && n >= 0; c++) {
                int k = check_column_change(pg, s->old_table, &s->changes[c], out, err);
                n = k < 0 ? -1 : n + k;
            }
            break;
        case MIGRATE_ALTER_ENUM:
            n = check_enum(pg, s, report, err);
            break;
        default:
            if (s->check_sql)
                n = check_generic(pg, s, report, err);
            break;
        }
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

void data_safety_report_free(data_safety_report *r)
{
    buf_free(&r->data_loss);
    buf_free(&r->unexecutable);
}
