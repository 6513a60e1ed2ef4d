/* prev.h - what prev() reads: the outputs a policy names in prev(x), for
 * each account, from the score history (prev.c). */
#ifndef RUBRIC_PREV_H
#define RUBRIC_PREV_H

#include <stdbool.h>
#include <stddef.h>

#include "history.h"

typedef struct prev_source prev_source;

/* For prog's policy scored as of prog's as_of, from history h (which must
 * outlive it).  NULL after saying why on d. */
prev_source *prev_open(history *h, const program *prog, diag *d);
/* Fills prog's prev() slots for account id: each output as the account's
 * latest period before as_of recorded it (an account that missed a month
 * is compared with the month before), na where there is none.  False after
 * saying on d why the history could not be read. */
bool prev_fill(prev_source *ps, const char *id, size_t idlen, rb_value *slots, diag *d);
/* The period the latest earlier values come from, or NULL when the history
 * has none before as_of. */
const char *prev_as_of(const prev_source *ps);
/* The period the last prev_fill found the account in; NULL when none. */
const char *prev_found_as_of(const prev_source *ps);
void prev_close(prev_source *ps);

#endif
