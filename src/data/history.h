/* history.h - the score history: every output of every account, period by
 * period, in one SQLite file (`run --history FILE`, `rubric history`, and
 * the previous period that prev() reads).
 *
 * The schema (docs/history.md tells it for people reading the file with
 * sqlite3 or PostgreSQL; PRAGMA user_version is HISTORY_SCHEMA_VERSION and
 * PRAGMA application_id is HISTORY_APPLICATION_ID):
 *
 *   periods(period_id INTEGER PRIMARY KEY, policy TEXT, as_of TEXT,
 *           version TEXT, source_sha256 TEXT, recorded_at TEXT,
 *           accounts INTEGER, rejected INTEGER, scores_table TEXT,
 *           UNIQUE (policy, as_of))
 *   outputs(period_id, position, name, kind, PRIMARY KEY (period_id, position))
 *   scores_N, one table per period N (periods.scores_table names it): one
 *          row per account, account_id then per output NAME of the period:
 *          "NAME" the cell exactly as `run --format csv` prints it, before
 *          CSV quoting (NULL for an empty cell: na, or no band), then
 *          "NAME__value" REAL the number behind it (banded and number
 *          outputs), then "NAME__score" REAL (banded outputs); a unique
 *          index scores_N_account on account_id
 *   scores, a view: every period's table united, period_id first, with
 *          the columns of all of them (NULL where a period has not one)
 *   overrides(period_id, account_id, output, value, computed,
 *          computed__value REAL, computed__score REAL, reason, author,
 *          expires, PRIMARY KEY (period_id, account_id, output)): each
 *          output set by hand (run --overrides), value the cell recorded
 *          in scores_N, computed and its numbers what the rules gave
 *          (version 2; a version 1 file gets it when next written)
 *
 * A table per period, rows appended in the data's order and indexed once
 * at the commit: the fastest shape measured for a million accounts in any
 * order, and replacing a period drops its table rather than deleting a
 * million rows (docs/history.md has the figures).
 *
 * Ownership: the caller owns what an _open or _begin returns and frees it
 * with the matching _close / _commit / _abort; everything handed to a
 * callback or returned through a pointer is the history's and valid until
 * the next call on the same object.
 *
 * Threads: recording a period inserts its rows on a second thread while
 * the caller scores the next accounts.  A history_prev opened on the same
 * history (before or during the recording) shares the connection, so it
 * ends that thread and the rows go in on the caller's thread: correct, a
 * little slower.  Use one history from one thread.
 *
 * Concurrency: one writer at a time.  A run that finds another one writing
 * waits up to HISTORY_BUSY_MS, then gives up with "the history FILE is
 * being written by another run; try again when it has finished" and
 * nothing changed.  A crash or a kill mid-run leaves SQLite's journal,
 * which the next opener rolls back: the file is as it was. */
#ifndef RUBRIC_HISTORY_H
#define RUBRIC_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "diag.h"
#include "overrides.h"
#include "value.h"

enum {
    HISTORY_SCHEMA_VERSION = 2,
    HISTORY_APPLICATION_ID = 0x72627269, /* "rbri" */
    HISTORY_BUSY_MS = 60000,
};

/* How an output's cell is to be read back. */
typedef enum history_kind {
    HK_BANDED, HK_NUMBER, HK_TEXT, HK_BOOL, HK_DATE, HK_DURATION,
} history_kind;

const char *history_kind_name(history_kind k);
/* How an output of type t is recorded. */
history_kind history_kind_of(rb_type t);

typedef struct history history;

/* Opens the history at path.  create: make the file with the schema when
 * it does not exist or is empty (run); otherwise a missing file is an
 * error (the history verb).  Refuses, with a message naming path, a file
 * that is not a rubric history (not SQLite, another application's
 * database, a newer schema).  NULL after saying why on d. */
history *history_open(const char *path, bool create, diag *d);
void history_close(history *h);
const char *history_path(const history *h);

/* The policy's name as periods record it: its `policy "..."` title, else
 * the root file's name without .rules (written into buf). */
const char *history_policy_name(const policy *p, char *buf, size_t cap);
/* The SHA-256 of the policy's source text: every file it loaded (the
 * root, then its imports in load order), each as its length in decimal,
 * a newline, then its bytes. */
void history_policy_hash(const policy *p, char hex[65]);

/* ---- Recording one period ---------------------------------------------
 * One transaction: begin deletes the (policy, as_of) period already there
 * and starts the new one; put adds one account; commit makes it all
 * visible at once, abort (or a crash) leaves the file as it was. */
typedef struct history_rec history_rec;

/* Starts recording period as_of (YYYY-MM-DD) of prog's policy, every
 * output in the policy's order.  Takes the write lock (waiting up to
 * HISTORY_BUSY_MS for another writer).  NULL after saying why on d. */
history_rec *history_record_begin(history *h, const program *prog, const char *as_of, diag *d);
/* One scored account: its outputs from slots (a frame after eval).  No
 * allocation per call.  A failure (a full disk) is kept and said by
 * commit; the calls after it do nothing. */
void history_record_put(history_rec *r, const char *id, size_t idlen, const rb_value *slots);
/* The account just put was scored with overrides (overrides_set into f;
 * slots are f's): each overridden output is recorded in the overrides
 * table beside what the rules computed, with the row's reason, author and
 * expiry.  The strings of o's rows must live until the commit or abort. */
void history_record_overrides(history_rec *r, const char *id, size_t idlen, const rb_value *slots,
                              const overrides *o, const frame *f);
/* Commits the period, with the count of records the run rejected.  False
 * after saying why on d (then nothing was recorded).  Frees r either way. */
bool history_record_commit(history_rec *r, long rejected, diag *d);
/* Rolls back: the file stays as it was.  Frees r; NULL is fine. */
void history_record_abort(history_rec *r);
long history_record_count(const history_rec *r);

/* ---- Reading -----------------------------------------------------------*/
typedef struct history_period {
    long id;
    const char *policy, *as_of, *version, *sha256; /* version may be NULL */
    long accounts, rejected;
} history_period;

/* One output of one account in one period.  present: the period recorded
 * this output (else every other field is empty).  cell: what `run
 * --format csv` printed, before CSV quoting and spreadsheet escaping
 * (NULL for an empty cell: na, or a value no band caught).  band: the band
 * name of a banded output (NULL when na or no band).  value: the number
 * of a banded or number output; score: a banded output's score.
 *
 * To make an rb_value of it again (prev()): banded: the band's index in
 * the output's scheme by name (resolved once per output, not per
 * account), num_from_double(value), score; number: num_parse of the cell
 * (the text run printed, exact for integers and short decimals); text:
 * the cell; bool: "true" / "false"; date: date_parse of the cell; no cell
 * and no value: na.  A band name the current scheme lacks (the policy
 * changed its bands) is the caller's to report. */
typedef struct history_value {
    bool present;
    history_kind kind;
    const char *cell;
    size_t cell_len;
    const char *band;
    bool has_value, has_score;
    double value, score;
} history_value;

/* The previous period, for prev(): opened once per run, then asked for
 * each account.  The previous period is the latest one of the policy
 * named policy_name whose as_of is before `as_of` (the same policy's
 * periods only: another policy's outputs are other things).  One period:
 * an account it did not record is for the caller to look for in the
 * period before (prev.c does, opening a reader on history_prev_as_of).
 *
 * Memory does not grow with the accounts: find walks the period in
 * account-id order (SQLite's byte order, memcmp) while the ids asked for
 * ascend, and seeks through the primary key when one does not (a data
 * file in another order costs one b-tree descent per account, not a
 * failure). */
typedef struct history_prev history_prev;

/* outputs[0..n): the output names the caller wants, in its own order;
 * find's values come in that order.  A name the previous period did not
 * record gives present = false.  NULL after saying why on d.  A history
 * with no earlier period of the policy is no error: as_of is then NULL
 * and find always answers 0. */
history_prev *history_prev_open(history *h, const char *policy_name, const char *as_of, const char *const *outputs,
                                int n, diag *d);
/* The previous period's as_of, or NULL when there is none. */
const char *history_prev_as_of(const history_prev *p);
/* Account id's values in the previous period: 1 and *vals (n of them,
 * valid until the next call) when it was recorded, 0 when not, -1 after
 * saying on d why the file could not be read. */
int history_prev_find(history_prev *p, const char *id, size_t idlen, const history_value **vals, diag *d);
void history_prev_close(history_prev *p);

/* One account, period by period (as_of ascending, then policy name), for
 * `rubric history`.  fn gets each period, its outputs' names in recorded
 * order and the account's values for them.  Returns the number of
 * periods, or -1 after saying why on d. */
typedef void (*history_period_fn)(void *ctx, const history_period *per, const char *const *names,
                                  const history_value *vals, int n);
long history_account(history *h, const char *id, size_t idlen, history_period_fn fn, void *ctx, diag *d);

/* How many accounts each band of some banded outputs held, period by
 * period (report's charts over time).  band: the band's name; NULL with na
 * false: a value no band caught; na: no value (an empty cell and no
 * number). */
typedef struct history_band_count {
    const char *band;
    bool na;
    long count;
} history_band_count;

/* One wanted output in one period: present when the period recorded it as
 * a banded output; then cells[0..n) in band-name order, no band and na
 * last, only those some account had. */
typedef struct history_output_bands {
    bool present;
    const history_band_count *cells;
    int n;
} history_output_bands;

typedef void (*history_bands_fn)(void *ctx, const history_period *per, const history_output_bands *outs, int n);

/* Every period of the policy named policy_name (the same policy's periods
 * only), as_of ascending: fn gets the period and, for each name of
 * outputs[0..n) in that order, its accounts per band (one GROUP BY over
 * the period's table per output).  Returns the number of periods, or -1
 * after saying why on d. */
long history_band_counts(history *h, const char *policy_name, const char *const *outputs, int n, history_bands_fn fn,
                         void *ctx, diag *d);

/* Every account's value of one output, period by period (backtest): for
 * each period of the policy named policy_name, as_of ascending, fn gets
 * the period once with id NULL (v NULL when the period did not record the
 * output, else v->kind is its kind), then each account the period
 * recorded, in no particular order, with its value (valid during the
 * call).  Returns the number of periods, or -1 after saying why on d. */
typedef void (*history_rows_fn)(void *ctx, const history_period *per, const char *id, size_t idlen,
                                const history_value *v);
long history_output_rows(history *h, const char *policy_name, const char *output, history_rows_fn fn, void *ctx,
                         diag *d);

#endif
