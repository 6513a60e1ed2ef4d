/* session.h - the skeleton every verb that scores a whole data file
 * shares: load the policy (or OLD and NEW), refuse an output that would
 * overwrite an input, compile with --param and --as-of, open the data and
 * the output, one pass with a visitor, then the closing messages and the
 * exit status.  The verb adds what is its own between the steps (columns
 * to write, a measure to calibrate, charts to gather) and its printing. */
#ifndef RUBRIC_SESSION_H
#define RUBRIC_SESSION_H

#include <stdbool.h>

#include "cli.h"
#include "diag.h"
#include "history.h"
#include "outfile.h"
#include "prev.h"
#include "scan.h"

/* How a verb reads a policy argument (a git revision, a policy with one
 * more definition); NULL: policy_load. */
typedef policy *(*policy_loader)(void *ctx, const char *path, diag *d);

typedef struct session {
    const char *verb;
    const data_opts *data;
    const char *data_path, *output;
    int n;                                  /* policies: 1, or 2 for OLD and NEW */
    const char *labels[SCAN_MAX_PROGRAMS];  /* how messages name them when 2 */
    policy *pols[SCAN_MAX_PROGRAMS];
    program *progs[SCAN_MAX_PROGRAMS];
    const char *id;                         /* the account id field */
    diag d;
    scan sc;
    outfile out;
    history *hist;                          /* --history, read for prev() (run records through its own) */
    prev_source *prev[SCAN_MAX_PROGRAMS];
} session;

/* Loads and compiles paths[0..n) (every one, so that all their errors are
 * told), after refusing an output that is one of the files read.  --param
 * sets the last policy's parameters only (diff's NEW); --as-of all of
 * them.  labels names the policies when n is 2 (NULL for one).  Returns
 * EXIT_OK, or EXIT_USAGE once reported.  Call session_close whatever it
 * returns. */
int session_open(session *s, const char *verb, const char *const *paths, const char *const *labels, int n,
                 policy_loader load, void *load_ctx, const char *data_path, const char *output, const data_opts *o);

/* Opens the data for every program, then the output (-o or standard
 * output).  A policy that reads prev() gets its previous periods from
 * --history (run opens them itself, through the connection it records
 * with: session_use_prev).  Returns EXIT_OK, EXIT_REJECTED (the data cannot be read) or
 * EXIT_USAGE (the output cannot be written), once reported. */
int session_start(session *s);

/* Run's previous-period reader for program k. */
void session_use_prev(session *s, int k, prev_source *ps);

/* The one pass: visit is called once per scored account.  A status of
 * scan_all. */
int session_scan(session *s, scan_visit visit, void *ctx);

/* Ends the output for a status of session_scan (dropped when the pass
 * failed or written is false, else committed) and returns the verb's exit
 * status, having printed the closing messages. */
int session_finish(session *s, int status, bool written);

/* The population values of prog (population.h) over the accounts of
 * data_path, gathered as run gathers them, for the verbs that score one
 * account (explain, test): NULL with *failed false when prog has none;
 * NULL with *failed true having said why on d.  Standard input, when it is
 * the data, is left to be read again from where it started. */
population *data_population(const program *prog, const char *data_path, const data_opts *o, diag *d, bool *failed);

/* Frees everything the session holds; safe after any step. */
void session_close(session *s);

#endif
