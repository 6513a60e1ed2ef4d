/* compile.h - a checked policy turned into a program (program.h): names
 * become slots, constants are folded, shared expressions evaluated once. */
#ifndef RUBRIC_COMPILE_H
#define RUBRIC_COMPILE_H

#include "diag.h"
#include "policy.h"
#include "program.h"
#include "value.h"

typedef struct param_setting {
    const char *name;
    const char *value;            /* text to read as the parameter's type */
    const rb_value *given;        /* or a value already made (tests) */
} param_setting;

/* Applies parameter settings (as_of among them; NULL as_of means today) and
 * builds the tree.  Returns NULL after reporting bad settings to d. */
program *compile_policy(const policy *p, const param_setting *settings, int nsettings, diag *d);
/* The same, but every parameter (as_of among them) is read from a slot of
 * its own (program.param_slot0) instead of folded into the tree, for a
 * query whose parameters are given when it runs (`rubric sql --bind`);
 * prog->params keep the values set or defaulted.  A band's score stays a
 * constant: one that uses a parameter is reported and NULL returned.
 * run never uses this: its tree keeps the parameters folded. */
program *compile_policy_bound(const policy *p, const param_setting *settings, int nsettings, diag *d);


/* Whether a measure's thresholds are written as percentages (25%): then its
 * values are shown to people that way too. */
bool step_in_percent(const step *st);

enum { MAX_THRESHOLDS = 2 * MAX_BANDS + 2 }; /* two edges per band line */

/* A measure's constant thresholds, sorted, distinct and finite, into out
 * (at most cap); returns how many.  For charts that draw them. */
int step_thresholds(const step *st, double *out, int cap);

/* Converts text to a value of the given type, as the data readers and
 * --param do.  Returns false when it does not fit. */
bool value_from_text(rb_type type, const char *s, size_t len, rb_value *out);

#endif
