/* run_db.h - `rubric run POLICY postgresql://...` and `sqlite:FILE`: the
 * policy compiled to one query (sql.h) and run where the accounts are; its
 * rows are written as a run over a file writes its scores. */
#ifndef RUBRIC_RUN_DB_H
#define RUBRIC_RUN_DB_H

#include <stdbool.h>

#include "cli.h"
#include "db_source.h"
#include "session.h"
#include "writer.h"

typedef struct run_db {
    db_source *src;
    char name[600];   /* the source as messages name it: "table T in URI" */
    int *outs, nouts; /* the outputs the query gives: all of them */
} run_db;

/* What a database source cannot give, refused before anything is
 * compiled into SQL or connected to: --actions, --table, the
 * options of how a file is read, an --id that is not the policy's, and
 * an output (-o, or standard output) that is the SQLite file read.
 * EXIT_OK, or EXIT_USAGE once said. */
int run_db_refuse(const data_opts *o, const char *uri, const char *output, const char *actions, const policy *p);

/* Compiles the query for every output of the session's policy, connects
 * to uri and starts it (ordered by the id), then opens the session's scan
 * over its rows and the output.  EXIT_OK, or EXIT_USAGE once said (the
 * policy does not compile to the dialect, the database cannot be reached
 * or refuses the query).  db_table: NULL for "accounts". */
int run_db_start(session *s, run_db *r, const char *uri, const char *db_table);

/* The one pass over the rows (scan_rows). */
int run_db_scan(session *s, run_db *r, scan_visit visit, void *ctx);

/* The run's exit status once the output is closed: a database that failed
 * on the way is an error of the run (2), as a connection that fails is. */
int run_db_status(const run_db *r, int status);

void run_db_close(run_db *r);

#endif
