/* diag.h - every message rubric's library code gives goes through a diag:
 * compiler-style diagnostics on a policy (file:line:col, the line, a
 * caret), plain "rubric: ..." lines about a run, and bad data records named
 * by file, record number and line.  Library code never prints otherwise. */
#ifndef RUBRIC_DIAG_H
#define RUBRIC_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "source.h"

typedef struct diag {
    FILE *out;
    bool color;
    int errors, warnings;
    int max_errors;     /* stop printing (not counting) after this many */
    bool warnings_are_errors;
    char last_plain[1024];   /* the last error without a place, printed once if raised again (one per policy of a diff) */
    long records;            /* bad data records reported (diag_record) */
    /* With no FILE (out NULL) nothing is printed: the last message is kept
     * here, as it would follow "rubric: ", for a caller that rewords it or
     * shows it elsewhere (a failed test's fixture). */
    char kept[1024];
} diag;

/* out NULL: a diag that prints nothing and keeps its last message. */
void diag_init(diag *d, FILE *out);

#if defined(__GNUC__)
#define RB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RB_PRINTF(f, a)
#endif

void diag_error(diag *d, rb_loc loc, const char *fmt, ...) RB_PRINTF(3, 4);
void diag_warning(diag *d, rb_loc loc, const char *fmt, ...) RB_PRINTF(3, 4);
void diag_note(diag *d, rb_loc loc, const char *fmt, ...) RB_PRINTF(3, 4);
/* An error with no place in a policy (a file that cannot be opened). */
void diag_plain_error(diag *d, const char *fmt, ...) RB_PRINTF(2, 3);

/* "rubric: MESSAGE": an error of the run, not at a place in a policy (data
 * that cannot be read, an output that cannot be written). */
void diag_fail(diag *d, const char *fmt, ...) RB_PRINTF(2, 3);
/* "rubric: MESSAGE" that is no error: a summary at the end of a run. */
void diag_say(diag *d, const char *fmt, ...) RB_PRINTF(2, 3);

/* A bad data record: "rubric: PATH: record N (line L): MESSAGE".  Past
 * DIAG_MAX_RECORDS of them only the count goes on (d->records), after one
 * line that says so. */
enum { DIAG_MAX_RECORDS = 100 };
void diag_record(diag *d, const char *path, long record, long line, const char *fmt, ...) RB_PRINTF(5, 6);

/* The progress line of a long run on a terminal, redrawn in place on the
 * diag's FILE; fmt NULL clears it. */
void diag_progress(diag *d, const char *fmt, ...) RB_PRINTF(2, 3);

/* Whether messages on f should get color: a terminal, and NO_COLOR unset. */
bool diag_want_color(FILE *f);

#endif
