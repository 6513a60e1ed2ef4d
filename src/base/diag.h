/* diag.h - compiler-style diagnostics: file:line:col, the line, a caret. */
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
} diag;

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

/* Whether stderr should get color: a terminal, and NO_COLOR unset. */
bool diag_want_color(FILE *f);

#endif
