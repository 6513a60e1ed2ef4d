/* db_source.h - the rows of one query run in a database: a PostgreSQL
 * server (a libpq connection URI, postgresql://... or postgres://...) or
 * an SQLite file (sqlite:FILE), handed over one row at a time.
 *
 * The rows stream: libpq's single-row mode, SQLite's step, so memory stays
 * that of one row whatever the number of rows.  Every cell comes back as
 * text (CELL_TEXT, NUL-terminated) or as CELL_MISSING for NULL, valid until
 * the next call.  Messages name the database as db_shown writes it, never
 * with its password. */
#ifndef RUBRIC_DB_SOURCE_H
#define RUBRIC_DB_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "reader.h"

typedef enum db_kind { DB_NONE, DB_POSTGRES, DB_SQLITE } db_kind;

/* What DATA names: a PostgreSQL URI, an SQLite file, or neither (a file of
 * accounts). */
db_kind db_kind_of(const char *arg);

/* arg as a message may show it: a URI's password, in its user part or as a
 * password= parameter, is written ***. */
void db_shown(const char *arg, char *buf, size_t cap);

typedef struct db_source db_source;

/* Connects (an SQLite file is opened read-only, never made), starts the
 * query and checks that it gives ncols columns.  NULL, having said why on d
 * with the database's own message, "NAME: MESSAGE" where NAME is
 * db_shown's. */
db_source *db_open(const char *arg, const char *query, int ncols, diag *d);

/* The next row into cells[0..ncols): READ_OK, READ_EOF after the last, or
 * READ_FATAL having said the database's message (the query failed on the
 * way, the connection broke).  pos->record counts rows from 1; pos->line
 * is 0 (a row has no line). */
read_status db_next(db_source *s, cell *cells, record_pos *pos);

/* Whether db_open or db_next failed on the database's side (then the run
 * exits 2, as for any connection or SQL error). */
bool db_failed(const db_source *s);

void db_close(db_source *s);

#endif
