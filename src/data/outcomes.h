/* outcomes.h - what happened to accounts after they were scored, for
 * `rubric backtest`: a file of `account_id, event, date` rows (CSV, or
 * JSON / NDJSON by its name), one event of one account on one day.
 *
 * An event is a word (letters, digits, '_' or '-'), matched exactly: the
 * usual ones are churn, contraction, renewal and expansion, but an export
 * may carry others (downgrade, escalation...), read and set aside unless
 * chosen.  A row that
 * repeats an earlier row's account, event and date is a duplicate: the
 * same event, kept once (and counted, for the caller to say).  The same
 * account with the same event on two days is two rows, both kept.
 *
 * Ownership: outcomes_load returns what the caller frees with
 * outcomes_free. */
#ifndef RUBRIC_OUTCOMES_H
#define RUBRIC_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "diag.h"
#include "reader.h"

enum { OUTCOME_NKNOWN = 4, OUTCOME_EVENT_MAX = 40 };
/* The usual events, for help and suggestions. */
extern const char *const outcome_known_events[OUTCOME_NKNOWN];
/* Whether s[0..n) can name an event. */
bool outcome_event_valid(const char *s, size_t n);

typedef struct outcomes outcomes;

/* Reads path: every bad row (a missing account id, an event that is not a word, a
 * date that is not YYYY-MM-DD, a duplicate) is said on d as
 * "PATH: record N (line L): ...", and then NULL is returned; so are a file
 * that cannot be read and a header without account_id, event or date.
 * event: the one that counts; rows of the others are read, checked and
 * set the last date, and nothing more.  opts may be NULL. */
outcomes *outcomes_load(const char *path, const read_opts *opts, const char *event, diag *d);
/* The file's distinct events, first seen first, with their rows
 * (duplicates once): for saying so when the chosen event has none. */
int outcomes_events(const outcomes *o, const char *const **names, const long **rows);
void outcomes_free(outcomes *o);

/* The latest date of any event in the file (the day the file runs to);
 * false when it has no rows. */
bool outcomes_last(const outcomes *o, rb_date *last);
/* Rows of the chosen event, duplicates once. */
long outcomes_count(const outcomes *o);
/* Rows (of any event) that repeated an earlier row, and the line of the
 * first of them with the line it repeats. */
long outcomes_duplicates(const outcomes *o, long *line, long *of);
/* Whether account id had the event on a day in (after, through]; the
 * account is marked as scored either way. */
bool outcomes_hit(outcomes *o, const char *id, size_t idlen, rb_date after, rb_date through);
/* Rows of the chosen event whose account no outcomes_hit asked for, and
 * the first such account in byte order (NULL when none). */
long outcomes_unscored(const outcomes *o, const char **first, size_t *first_len);

#endif
