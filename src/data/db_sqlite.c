/* db_sqlite.c - a query's rows from an SQLite file, one sqlite3_step at a
 * time.  The file is opened read-only: a misspelt name is an error, not a
 * new empty database. */
#include <sqlite3.h>
#include <string.h>

#include "db_internal.h"
#include "xalloc.h"

typedef struct lite_state {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    bool done;
} lite_state;

/* How long to wait for a writer that holds the file (a load in progress). */
enum { BUSY_MS = 5000 };

static void say_sqlite(db_source *s, lite_state *l, const char *what)
{
    const char *msg = l->db ? sqlite3_errmsg(l->db) : "out of memory";
    const char *ours = strncmp(msg, "no such table", 13) == 0    ? " (--db-table names the table)"
                       : strncmp(msg, "no such column", 14) == 0 ? " (the table's columns are the policy's inputs: rubric sql --schema)"
                                                                 : "";
    char full[1024];
    snprintf(full, sizeof full, "%s%s", msg, ours);
    db_error(s, what, full);
}

bool db_sqlite_open(db_source *s, const char *path, const char *query)
{
    lite_state *l = xcalloc(1, sizeof *l);
    s->engine = l;
    if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        say_sqlite(s, l, "cannot open");
        return false;
    }
    sqlite3_busy_timeout(l->db, BUSY_MS);
    if (sqlite3_prepare_v2(l->db, query, -1, &l->stmt, NULL) != SQLITE_OK) {
        /* A file that is no database is found here, at its first read. */
        say_sqlite(s, l, "the query failed");
        return false;
    }
    if (sqlite3_column_count(l->stmt) != s->ncols) {
        char msg[96];
        snprintf(msg, sizeof msg, "%d columns where %d were expected", sqlite3_column_count(l->stmt), s->ncols);
        db_error(s, "the query's result", msg);
        return false;
    }
    return true;
}

read_status db_sqlite_next(db_source *s, cell *cells)
{
    lite_state *l = s->engine;
    if (l->done)
        return READ_EOF;
    int rc = sqlite3_step(l->stmt);
    if (rc == SQLITE_DONE) {
        l->done = true;
        return READ_EOF;
    }
    if (rc != SQLITE_ROW) {
        say_sqlite(s, l, "the query failed");
        return READ_FATAL;
    }
    for (int c = 0; c < s->ncols; c++) {
        if (sqlite3_column_type(l->stmt, c) == SQLITE_NULL) {
            cells[c] = (cell){.s = "", .len = 0, .state = CELL_MISSING};
            continue;
        }
        /* The text first, then its length, as SQLite asks. */
        const unsigned char *text = sqlite3_column_text(l->stmt, c);
        if (!text) {
            db_error(s, "the query failed", "out of memory");
            return READ_FATAL;
        }
        cells[c] = (cell){.s = (const char *)text, .len = (uint32_t)sqlite3_column_bytes(l->stmt, c), .state = CELL_TEXT};
    }
    return READ_OK;
}

void db_sqlite_close(db_source *s)
{
    lite_state *l = s->engine;
    if (!l)
        return;
    sqlite3_finalize(l->stmt);
    sqlite3_close(l->db);
    free(l);
    s->engine = NULL;
}
