/* db_postgres.c - a query's rows from a PostgreSQL server, through libpq
 * in single-row mode: the server sends the rows as it makes them and the
 * client holds one at a time, never the whole result. */
#include <libpq-fe.h>
#include <string.h>

#include "db_internal.h"
#include "xalloc.h"

typedef struct pg_state {
    PGconn *conn;
    PGresult *first; /* the first result, read by db_pg_open to check the query */
    PGresult *row;   /* the row handed over last, freed at the next call */
    bool done;
} pg_state;

/* The server's words for a failed result: its primary message, then its
 * hint; the generated query's LINE and caret would point into text the
 * user never sees. */
static void say_result(db_source *s, const PGresult *res)
{
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    char msg[1024];
    if (!primary) {
        db_error(s, "the query failed", PQresultErrorMessage(res));
        return;
    }
    /* 42P01: no such table; 42703: no such column. */
    const char *ours = !code ? ""
                       : strcmp(code, "42P01") == 0 ? " (--db-table names the table)"
                       : strcmp(code, "42703") == 0 ? " (the table's columns are the policy's inputs: rubric sql --schema)"
                                                    : "";
    snprintf(msg, sizeof msg, "%s%s%s%s", primary, hint ? "; " : "", hint ? hint : "", ours);
    db_error(s, "the query failed", msg);
}

bool db_pg_open(db_source *s, const char *uri, const char *query)
{
    pg_state *pg = xcalloc(1, sizeof *pg);
    s->engine = pg;
    pg->conn = PQconnectdb(uri);
    if (!pg->conn) {
        db_error(s, "cannot connect", "out of memory");
        return false;
    }
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        db_error(s, "cannot connect", PQerrorMessage(pg->conn));
        return false;
    }
    if (!PQsendQuery(pg->conn, query)) {
        db_error(s, "the query failed", PQerrorMessage(pg->conn));
        return false;
    }
    if (!PQsetSingleRowMode(pg->conn)) {
        db_error(s, "the query failed", "libpq refused single-row mode");
        return false;
    }
    /* The first result says whether the query runs at all, and its
     * columns; it is the first row, or the end of none. */
    PGresult *res = PQgetResult(pg->conn);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
        if (res)
            say_result(s, res);
        else
            db_error(s, "the query failed", PQerrorMessage(pg->conn));
        PQclear(res);
        return false;
    }
    if (PQnfields(res) != s->ncols) {
        char msg[96];
        snprintf(msg, sizeof msg, "%d columns where %d were expected", PQnfields(res), s->ncols);
        db_error(s, "the query's result", msg);
        PQclear(res);
        return false;
    }
    pg->first = res;
    return true;
}

/* Drains what the connection still holds, so that it can be closed
 * cleanly; false when a result was an error (said). */
static bool finish(db_source *s, pg_state *pg)
{
    bool ok = true;
    PGresult *res;
    while ((res = PQgetResult(pg->conn))) {
        ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_SINGLE_TUPLE) {
            if (!s->failed)
                say_result(s, res);
            ok = false;
        }
        PQclear(res);
    }
    pg->done = true;
    return ok;
}

read_status db_pg_next(db_source *s, cell *cells)
{
    pg_state *pg = s->engine;
    if (pg->done)
        return READ_EOF;
    /* The row handed over last is done with. */
    PQclear(pg->row);
    pg->row = NULL;
    PGresult *res = pg->first ? pg->first : PQgetResult(pg->conn);
    pg->first = NULL;
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_TUPLES_OK;
    if (st == PGRES_TUPLES_OK) {
        /* The end: a result with no row, then nothing. */
        PQclear(res);
        return finish(s, pg) ? READ_EOF : READ_FATAL;
    }
    if (st != PGRES_SINGLE_TUPLE) {
        say_result(s, res);
        PQclear(res);
        finish(s, pg);
        return READ_FATAL;
    }
    pg->row = res;
    for (int c = 0; c < s->ncols; c++) {
        if (PQgetisnull(res, 0, c)) {
            cells[c] = (cell){.s = "", .len = 0, .state = CELL_MISSING};
            continue;
        }
        cells[c] = (cell){.s = PQgetvalue(res, 0, c), .len = (uint32_t)PQgetlength(res, 0, c), .state = CELL_TEXT};
    }
    return READ_OK;
}

void db_pg_close(db_source *s)
{
    pg_state *pg = s->engine;
    if (!pg)
        return;
    PQclear(pg->first);
    PQclear(pg->row);
    if (pg->conn && !pg->done && PQstatus(pg->conn) == CONNECTION_OK) {
        /* Stopped early (a bad row under --on-error fail): the server is
         * asked to stop sending, rather than the rest being read. */
        PGcancel *cancel = PQgetCancel(pg->conn);
        char err[256];
        if (cancel) {
            PQcancel(cancel, err, sizeof err);
            PQfreeCancel(cancel);
        }
        PGresult *res;
        while ((res = PQgetResult(pg->conn)))
            PQclear(res);
    }
    PQfinish(pg->conn);
    free(pg);
    s->engine = NULL;
}
