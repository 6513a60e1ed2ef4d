/* actions.h - the calls to action a run fires, one row each:
 * account_id, as_of, action, priority, reason (`run --actions FILE`).
 * CSV, or JSON / NDJSON when the file's name ends in .json, .ndjson or
 * .jsonl.  Written to a temporary file and renamed into place when the run
 * succeeds, like the scores: a failed run leaves no partial file. */
#ifndef RUBRIC_ACTIONS_H
#define RUBRIC_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "eval.h"
#include "strbuf.h"
#include "writer.h"

typedef struct action_writer action_writer;

/* NULL after saying why on stderr (the file cannot be written).  raw: CSV
 * for programs, text not escaped for spreadsheets (writer.h).  format: the
 * run's --format, which decides when the file's name does not (OUT_JSON,
 * OUT_NDJSON; anything else is CSV). */
action_writer *actions_open(const char *path, const program *prog, bool raw, out_format format);
/* After eval_account: a row for each of the account's actions that fired. */
void actions_record(action_writer *w, const char *id, size_t idlen, frame *f);
/* Commits the file when commit, else drops it; false when writing failed
 * (said on stderr).  Frees w. */
bool actions_close(action_writer *w, bool commit);
long actions_fired(const action_writer *w);

/* For the workers of run -j: a writer alike whose rows are kept in memory
 * (close it with commit false; NULL when there is no memory for it).
 * actions_kept: the bytes so far (where an
 * account's rows end); actions_take: those bytes into out, the writer then
 * starting again.  actions_put writes an account's rows in the file, in
 * input order (fired: how many). */
action_writer *actions_open_kept(const action_writer *like);
size_t actions_kept(action_writer *w);
void actions_take(action_writer *w, strbuf *out);
void actions_put(action_writer *w, const char *s, size_t n, long fired);

/* The reason of action a for the account in f: its text with each {name}
 * replaced by that value as explain shows it (a measure's value as a
 * percentage when its thresholds are written so).  For the writer and
 * explain. */
void action_reason(const program *prog, frame *f, const symbol *a, char *buf, size_t cap);

#endif
