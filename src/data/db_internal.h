/* db_internal.h - what the database sources share: the source itself
 * (db_source.c) and each engine's half (db_postgres.c, db_sqlite.c). */
#ifndef RUBRIC_DB_INTERNAL_H
#define RUBRIC_DB_INTERNAL_H

#include "db_source.h"

struct db_source {
    db_kind kind;
    diag *diag;
    char name[512];    /* as messages show it (db_shown) */
    int ncols;
    long rows;         /* rows handed over so far */
    bool failed;       /* the database said an error: */
    const char *what;  /* ... what failed ("cannot connect") */
    char err[1024];    /* ... and its message, on one line */
    void *engine;      /* the engine's own state */
};

/* Each engine: open connects and starts the query (false after
 * db_error); next fills the cells of the next row (READ_FATAL after
 * db_error). */
bool db_pg_open(db_source *s, const char *uri, const char *query);
read_status db_pg_next(db_source *s, cell *cells);
void db_pg_close(db_source *s);

bool db_sqlite_open(db_source *s, const char *path, const char *query);
read_status db_sqlite_next(db_source *s, cell *cells);
void db_sqlite_close(db_source *s);

/* Keeps an engine's error for db_source.c to say, "NAME: WHAT: MESSAGE":
 * libpq's messages end with a newline and may go on over more lines (a
 * hint, indented), made one line here as every message of a run is. */
static inline void db_error(db_source *s, const char *what, const char *message)
{
    size_t n = 0;
    for (const char *p = message ? message : "no message"; *p && n + 1 < sizeof s->err; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            if (n && s->err[n - 1] != ' ')
                s->err[n++] = ' ';
            continue;
        }
        s->err[n++] = *p;
    }
    while (n && s->err[n - 1] == ' ')
        n--;
    s->err[n] = '\0';
    s->what = what;
    s->failed = true;
}

#endif
