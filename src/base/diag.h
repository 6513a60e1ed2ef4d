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
    /* Set (diag_collect), the policy diagnostics are added here as data
     * instead of printed, for a caller that writes them as JSON or SARIF. */
    struct diag_list *collect;
} diag;

/* One diagnostic as data.  path NULL: an error with no place in a policy.
 * Lines and columns count from 1; the end is the column after the last
 * character.  code: the lint's name, or NULL. */
enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };
typedef struct diag_item {
    char *path;
    unsigned line, col, end_line, end_col;
    /* col and end_col in characters, as source_char_col() counts them. */
    unsigned char_col, end_char_col;
    enum diag_severity severity;
    char *code;
    char *message;
} diag_item;

typedef struct diag_list {
    diag_item *v;
    size_t n, cap;
} diag_list;

/* From now on d adds what it would print to list (which the caller owns
 * and frees with diag_list_free). */
void diag_collect(diag *d, diag_list *list);
void diag_list_free(diag_list *list);

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
/* A warning of the lint named code: printed "MESSAGE [code]", collected
 * with the code apart. */
void diag_lint(diag *d, rb_loc loc, const char *code, const char *fmt, ...) RB_PRINTF(4, 5);
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
