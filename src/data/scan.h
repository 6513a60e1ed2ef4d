/* scan.h - the one pass over account data every scoring verb makes: each
 * record is read once, checked against the inputs of one or more compiled
 * policies, scored by each, and handed to the verb.
 *
 * A bad record (malformed, a value that does not fit an input, no id) is
 * reported with its record number and line; --on-error decides whether the
 * pass stops there or goes on.  Nothing is dropped without a count. */
#ifndef RUBRIC_SCAN_H
#define RUBRIC_SCAN_H

#include <stdbool.h>

#include "db_source.h"
#include "actions.h"
#include "diag.h"
#include "eval.h"
#include "population.h"
#include "idset.h"
#include "outfile.h"
#include "prev.h"
#include "reader.h"
#include "record.h"
#include "table.h"
#include "writer.h"

enum { SCAN_MAX_PROGRAMS = 2 };


/* A banded output's values that no band line caught: counted, with the
 * first few accounts, and reported when the pass ends. */
enum { UNBANDED_SHOWN = 3 };
typedef struct unbanded {
    int output;                    /* index among the policy's outputs */
    int slot;
    long count;
    char *first[UNBANDED_SHOWN];   /* their ids */
} unbanded;

/* An open --table and the list it fills: layouts[prog].lists[list]. */
typedef struct scan_table {
    table_src *src;
    int prog, list;
    int field;            /* the list input's field among the reader's */
    const char *name, *path;
    bool orphans;         /* this one says the orphans (the first of its name) */
} scan_table;

typedef struct scan {
    diag *diag;                            /* where every message goes */
    const char *data_path;
    const read_opts *read;
    bool skip_errors;
    int nprogs;
    const program *progs[SCAN_MAX_PROGRAMS];
    const char *labels[SCAN_MAX_PROGRAMS]; /* named in messages when there are several */
    frame frames[SCAN_MAX_PROGRAMS];       /* after scoring: each program's values */
    record_layout layouts[SCAN_MAX_PROGRAMS];
    const char *id_field;
    reader *rd;
    cell *cells;
    idset ids;                             /* every id scored so far */
    scan_table *tables;                    /* per policy and list input given a --table */
    int ntables;
    bool json;                             /* the data is JSON or NDJSON */
    bool usage;                            /* scan_open failed on the command line's fault */
    char missing_key[512];                 /* a declared key no record had */
    unbanded *unbanded[SCAN_MAX_PROGRAMS]; /* per program, per banded output */
    int nunbanded[SCAN_MAX_PROGRAMS];
    prev_source *prev[SCAN_MAX_PROGRAMS];  /* what prev() reads, when a policy uses it; not owned */
    long scored, rejected;
    bool progress;
    double start, last_progress;
    /* Population values (population.h): the figures, owned; the pass
     * under way (0: the pass that scores); what scan_open was given, for
     * the passes before; standard input spooled to a file. */
    population *pops[SCAN_MAX_PROGRAMS];
    int pass;
    const char *data_arg;
    const table_arg *table_args;
    int ntable_args;
    bool spooled;          /* the data is standard input, read again from stdin_start */
    long stdin_start;
} scan;

/* Called once per scored account, after every program has evaluated it. */
typedef void (*scan_visit)(void *ctx, scan *s, const char *id, size_t idlen);

/* Opens DATA for the inputs of every program, and each --table in
 * tables[0..ntables) for the list input it names.  False after saying why
 * on d, which gets every message of the pass; s->usage when the command
 * line is at fault (a --table NAME that is no list input; a list input of
 * CSV data without its --table), found before any record is read. */
bool scan_open(scan *s, diag *d, const char *data_path, const read_opts *read, const table_arg *tables, int ntables,
               const char *id_field, const program *const *progs, const char *const *labels, int nprogs,
               bool skip_errors, bool progress);

/* The passes before scoring, when a program has population values (call
 * it before scan_all then): each reads the data again (skipping bad
 * records silently: the pass that scores says them) and gathers one level
 * of values; then the frames read the figures.  Standard input is made a
 * file each pass reads from its start by scan_open: a pipe is copied to a
 * temporary file, removed at once (it lives while open).  False, having
 * said why, when the data cannot be read again. */
bool scan_population(scan *s);
/* Whether any program has population values. */
bool scan_has_population(const program *const *progs, int nprogs);

/* Once every record is read: the rows of the tables that no account
 * asked for are said as a warning (table_finish). */
/* Returns EXIT_OK, EXIT_REJECTED (bad records skipped), SCAN_STOPPED (the
 * first bad record under --on-error fail), SCAN_BROKEN (the data could
 * not be read to its end), SCAN_EMPTY (the data holds no record at all:
 * an export that came out empty stops a scheduled run rather than give an
 * empty score file) or SCAN_MISSING_KEY (a declared input is a key no JSON
 * record had, said on the diag). */
enum { SCAN_STOPPED = -1, SCAN_BROKEN = -2, SCAN_EMPTY = -3, SCAN_MISSING_KEY = -4 };
int scan_all(scan *s, scan_visit visit, void *ctx);


/* The pass over a database's rows (db_source.h) instead of a file's
 * records: the server ran the policy's compiled query, so a row is the id
 * then outputs[0..noutputs) of prog (indices among its outputs), each as
 * the text `run --format csv` writes (a band's name, a number's decimal,
 * NULL for an empty cell), each measure or group followed by its value and
 * its score as numbers' text (sql.h's scores: NULL for na and for no
 * score), made the writers' values as data is read; a value whose band is
 * NULL is one no band line caught, counted as a scan over records counts
 * it.  scan_rows_columns says how many columns a row has.  A
 * row without an id, or with an id given before, is refused as a record
 * is (--on-error).  name: the source as messages call it.  scan_rows
 * returns what scan_all does (SCAN_BROKEN when the database failed on the
 * way, said on the diag); the output and the closing messages are
 * scan_output_open's and scan_output_close's. */
void scan_open_rows(scan *s, diag *d, const char *name, const program *prog, const char *id_field, bool skip_errors,
                    bool progress);
int scan_rows(scan *s, db_source *src, const int *outputs, int noutputs, scan_visit visit, void *ctx);
int scan_rows_columns(const policy *p, const int *outputs, int noutputs);
/* The steps of scan_all, for run -j (scan_jobs.c): the records rd reads
 * scored in turn (EXIT_OK at their end, SCAN_STOPPED or SCAN_BROKEN), then
 * the pass concluded for that status (scan_all's result). */
int scan_records(scan *s, reader *rd, scan_visit visit, void *ctx);
int scan_end(scan *s, int status);
/* One record's inputs loaded into s's frames from s->cells: false having
 * said why.  The id checked against the ids before: false having said it
 * was given. */
bool scan_load(scan *s, const record_pos *pos);
bool scan_first_time(scan *s, const char *id, size_t idlen, uint64_t id_hash, const record_pos *pos);
/* Program k's banded output i (of s->unbanded[k]) caught no band for id. */
void scan_tally_unbanded(scan *s, int k, int i, const char *id, size_t idlen);
/* The progress line, redrawn now and then; final: cleared. */
void scan_progress(scan *s, bool final);

/* run -j: the records scored on `jobs` threads, chunk_bytes of input at a
 * time, with scan_all's result.  Each chunk's accounts are written by a
 * writer of the workers' own (writer_open_kept like w), and w writes them
 * in input order, and acts (when not NULL) their action rows likewise
 * (actions_open_kept, actions_put); a chunk with anything to say (a bad record, a number
 * written in another style than before) is scored again in order by
 * visit, which must write to w and acts as writer_record and
 * actions_record do.  For one policy, no
 * --table and no prev() (scan_jobs_refusal). */
int scan_all_jobs(scan *s, int jobs, size_t chunk_bytes, writer *w, action_writer *acts, scan_visit visit,
                  void *ctx);
/* Why the pass cannot be cut into chunks, or NULL when it can. */
const char *scan_jobs_refusal(const scan *s);

/* Where a scoring verb writes: path (-o, written atomically) or standard
 * output for NULL or "-".  False after saying why it cannot be written;
 * opened before the data is read, so that fails at once. */
bool scan_output_open(outfile *out, const char *path, diag *d);

/* Ends a verb's output for a status from scan_all: dropped when the pass
 * failed, else committed if written (and flushed) without error.  Returns
 * the verb's exit status, having printed the closing messages. */
int scan_output_close(const scan *s, outfile *out, const char *path, int status, bool written);

void scan_close(scan *s);

#endif
