/* table.h - the rows of a list input from a CSV table given with
 * `--table NAME=FILE`: one row per element, the account id in the id
 * column, one column per field of the list's record, rows in any order.
 *
 * A table whose ids come in the order of idset_compare (idset.h), or in
 * byte order (as `LC_ALL=C sort` leaves it), streams:
 * it is merged with the accounts as they are read, and only the rows of
 * ids the accounts have not asked for yet are held (orphans, or accounts
 * that come later in an unsorted data file).  Any other table, and one
 * that is not a regular file (a pipe), is read whole at the start and
 * held grouped by id: memory grows with its rows (docs/performance.md). */
#ifndef RUBRIC_TABLE_H
#define RUBRIC_TABLE_H

#include <stddef.h>

#include "diag.h"
#include "policy.h"
#include "reader.h"

typedef struct table_src table_src;

/* A --table NAME=FILE as the command line gives it. */
typedef struct table_arg {
    char *name;         /* owned by whoever fills it (the command line) */
    const char *path;
} table_arg;

/* Checks the --table arguments against the inputs of pols[0..npols) before
 * any data is read: each NAME must be a list input of one of them (a
 * did-you-mean among the list inputs otherwise), and a table cannot be
 * standard input when the data is.  False having said why on d: the
 * command line's fault. */
bool table_args_check(const policy *const *pols, int npols, const table_arg *tables, int ntables,
                      const char *data_path, diag *d);
/* The --table given for the list input `in`, or NULL. */
const table_arg *table_arg_of(const symbol *in, const table_arg *tables, int ntables);
/* Says that the list input `in` of CSV data has no --table: the command
 * line's fault. */
void table_say_needed(const symbol *in, diag *d);
/* table_open for the list input `in` (of type TY_LIST), with its record's
 * fields. */
table_src *table_open_input(const symbol *in, const table_arg *arg, const read_opts *opts, const char *id_field,
                            diag *d);

/* Opens path for the list input `list`, whose record has the fields
 * fields[0..nfields) (each a required column, as an input's is; so is the
 * id column id_field).  A malformed row, or one without an id, is an error
 * of the whole table: it cannot be given to an account.  NULL after saying
 * why on d, which gets every message of the table from then on.  opts: the
 * run's --delimiter (the table is always CSV); may be NULL. */
table_src *table_open(const char *list, const char *path, const read_opts *opts, const char *id_field,
                      const char *const *fields, int nfields, diag *d);

/* The rows of account id: *cells holds rows*nfields cells (the record's
 * fields in order, rows in the table's order), *pos each row's record and
 * line in the table.  Valid until the next call.  Returns the number of
 * rows (0: none), or -1 when the table cannot be read on (said on d).
 * Each row goes to one account only: an id asked twice gets 0 rows the
 * second time. */
long table_rows(table_src *t, const char *id, size_t idlen, const cell **cells, const record_pos **pos);

/* After the last account: the rows whose id no account asked for are said
 * on d, "FILE: 3 rows name accounts not in DATA (first: 'A9', 'A12',
 * 'A40')", as a warning.  Returns how many, or -1 when the table could not
 * be read to its end (said on d). */
long table_finish(table_src *t, const char *data_path);

/* The list input it serves, as given to table_open. */
const char *table_list(const table_src *t);

void table_close(table_src *t);

#endif
