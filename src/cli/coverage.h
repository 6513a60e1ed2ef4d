/* coverage.h - `rubric test --coverage`: which lines of a policy its tests
 * reached.
 *
 * The items, per measure and group: each band line (a group's are its
 * scheme's score ranges) and its na outcome; each `applies when` and
 * `na when` line twice, once for true and once for not true (false or
 * na); each group member, counted in the group's score.  An item belongs
 * to the file that declares its measure or group, whichever test file
 * imported it, so a file two test files import is counted once.  The facts
 * are what scoring decided, read back with the evaluator's own traces
 * after each test's account is scored. */
#ifndef RUBRIC_COVERAGE_H
#define RUBRIC_COVERAGE_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "eval.h"

typedef struct coverage coverage;
typedef struct cov_run cov_run;

coverage *coverage_new(void);
void coverage_free(coverage *cv);

/* The measures and groups of a policy about to run its tests, each
 * registered once whatever the number of policies that load it; the run
 * holds the scratch the traces write. */
cov_run *coverage_begin(coverage *cv, const program *prog);
/* After eval_account of a test's account: what it reached.  prog may be
 * the test's own program (given parameters): same steps, same shapes. */
void coverage_account(cov_run *r, const program *prog, frame *f);
void coverage_end(cov_run *r);

/* Per policy file with anything to cover: its figures, then a line per
 * item never reached, `file:line: measure NAME band "red" never reached`. */
void coverage_text(const coverage *cv, FILE *out);
/* The same as an array of objects (docs/cli.md has the shape). */
cJSON *coverage_json(const coverage *cv);
/* Names on err each policy whose coverage is below min percent; returns
 * how many are. */
int coverage_below(const coverage *cv, double min, const char *min_text, FILE *err);

#endif
