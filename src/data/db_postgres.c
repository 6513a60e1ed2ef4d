/* db_postgres.c - a query's rows from a PostgreSQL server, through libpq
 * in single-row mode: the server sends the rows as it makes them and the
 * client holds one at a time, never the whole result.  libpq is loaded
 * here, when a run connects, not at every start (pq_api.h says why). */
#include <dlfcn.h>
#include <string.h>

#include "db_internal.h"
#include "pq_api.h"
#include "xalloc.h"

/* libpq's functions, each typed as libpq-fe.h declares it: pq.clear is
 * PQclear. */
typedef struct pq_api {
#define PQ_SLOT(name) __typeof__(PQ##name) *name;
    PQ_FUNCTIONS(PQ_SLOT)
#undef PQ_SLOT
} pq_api;

typedef struct pg_state {
    void *lib;       /* libpq, NULL until all of pq is found */
    pq_api pq;
    PGconn *conn;
    PGresult *first; /* the first result, read by db_pg_open to check the query */
    PGresult *row;   /* the row handed over last, freed at the next call */
    bool done;
} pg_state;

/* The server's words for a failed result: its primary message, then its
 * hint; the generated query's LINE and caret would point into text the
 * user never sees. */
static void say_result(db_source *s, const pq_api *pq, const PGresult *res)
{
    const char *primary = pq->resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *hint = pq->resultErrorField(res, PG_DIAG_MESSAGE_HINT);
    const char *code = pq->resultErrorField(res, PG_DIAG_SQLSTATE);
    char msg[1024];
    if (!primary) {
        db_error(s, "the query failed", pq->resultErrorMessage(res));
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

/* What a machine without libpq lacks, named as Debian packages it. */
#define PQ_MISSING "cannot load " PQ_LIBRARY ", PostgreSQL's client library (Debian: apt-get install libpq5)"

/* Loads libpq and finds each of pq's functions in it.  RTLD_NODELETE: the
 * library stays mapped after dlclose, since its TLS and Kerberos
 * libraries may leave exit handlers behind. */
static bool load_pq(db_source *s, pg_state *pg)
{
    void *lib = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!lib) {
        db_error(s, PQ_MISSING, dlerror());
        return false;
    }
#define PQ_FIND(name)                                                   \
    if (!(pg->pq.name = (__typeof__(pg->pq.name))dlsym(lib, "PQ" #name))) { \
        db_error(s, PQ_MISSING, dlerror());                             \
        dlclose(lib);                                                   \
        return false;                                                   \
    }
    PQ_FUNCTIONS(PQ_FIND)
#undef PQ_FIND
    pg->lib = lib;
    return true;
}

bool db_pg_open(db_source *s, const char *uri, const char *query)
{
    pg_state *pg = xcalloc(1, sizeof *pg);
    s->engine = pg;
    if (!load_pq(s, pg))
        return false;
    const pq_api *pq = &pg->pq;
    pg->conn = pq->connectdb(uri);
    if (!pg->conn) {
        db_error(s, "cannot connect", "out of memory");
        return false;
    }
    if (pq->status(pg->conn) != CONNECTION_OK) {
        db_error(s, "cannot connect", pq->errorMessage(pg->conn));
        return false;
    }
    if (!pq->sendQuery(pg->conn, query)) {
        db_error(s, "the query failed", pq->errorMessage(pg->conn));
        return false;
    }
    if (!pq->setSingleRowMode(pg->conn)) {
        db_error(s, "the query failed", "libpq refused single-row mode");
        return false;
    }
    /* The first result says whether the query runs at all, and its
     * columns; it is the first row, or the end of none. */
    PGresult *res = pq->getResult(pg->conn);
    ExecStatusType st = res ? pq->resultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
        if (res)
            say_result(s, pq, res);
        else
            db_error(s, "the query failed", pq->errorMessage(pg->conn));
        pq->clear(res);
        return false;
    }
    if (pq->nfields(res) != s->ncols) {
        char msg[96];
        snprintf(msg, sizeof msg, "%d columns where %d were expected", pq->nfields(res), s->ncols);
        db_error(s, "the query's result", msg);
        pq->clear(res);
        return false;
    }
    pg->first = res;
    return true;
}

/* Drains what the connection still holds, so that it can be closed
 * cleanly; false when a result was an error (said). */
static bool finish(db_source *s, pg_state *pg)
{
    const pq_api *pq = &pg->pq;
    bool ok = true;
    PGresult *res;
    while ((res = pq->getResult(pg->conn))) {
        ExecStatusType st = pq->resultStatus(res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_SINGLE_TUPLE) {
            if (!s->failed)
                say_result(s, pq, res);
            ok = false;
        }
        pq->clear(res);
    }
    pg->done = true;
    return ok;
}

read_status db_pg_next(db_source *s, cell *cells)
{
    pg_state *pg = s->engine;
    const pq_api *pq = &pg->pq;
    if (pg->done)
        return READ_EOF;
    /* The row handed over last is done with. */
    pq->clear(pg->row);
    pg->row = NULL;
    PGresult *res = pg->first ? pg->first : pq->getResult(pg->conn);
    pg->first = NULL;
    ExecStatusType st = res ? pq->resultStatus(res) : PGRES_TUPLES_OK;
    if (st == PGRES_TUPLES_OK) {
        /* The end: a result with no row, then nothing. */
        pq->clear(res);
        return finish(s, pg) ? READ_EOF : READ_FATAL;
    }
    if (st != PGRES_SINGLE_TUPLE) {
        say_result(s, pq, res);
        pq->clear(res);
        finish(s, pg);
        return READ_FATAL;
    }
    pg->row = res;
    for (int c = 0; c < s->ncols; c++) {
        if (pq->getisnull(res, 0, c)) {
            cells[c] = (cell){.s = "", .len = 0, .state = CELL_MISSING};
            continue;
        }
        cells[c] = (cell){.s = pq->getvalue(res, 0, c), .len = (uint32_t)pq->getlength(res, 0, c), .state = CELL_TEXT};
    }
    return READ_OK;
}

void db_pg_close(db_source *s)
{
    pg_state *pg = s->engine;
    if (!pg)
        return;
    s->engine = NULL;
    if (!pg->lib) {
        free(pg);
        return;
    }
    const pq_api *pq = &pg->pq;
    pq->clear(pg->first);
    pq->clear(pg->row);
    if (pg->conn && !pg->done && pq->status(pg->conn) == CONNECTION_OK) {
        /* Stopped early (a bad row under --on-error fail): the server is
         * asked to stop sending, rather than the rest being read. */
        PGcancel *cancel = pq->getCancel(pg->conn);
        char err[256];
        if (cancel) {
            pq->cancel(cancel, err, sizeof err);
            pq->freeCancel(cancel);
        }
        PGresult *res;
        while ((res = pq->getResult(pg->conn)))
            pq->clear(res);
    }
    pq->finish(pg->conn);
    dlclose(pg->lib);
    free(pg);
}
