/* lint.h - warnings about a policy that is valid but probably not what its
 * author meant: values that fall in no band, band lines that overlap or
 * never match, thresholds out of order, weights that do not add up,
 * definitions nothing uses, use cases with too few metrics, bands nothing
 * can give.  docs/lints.md describes each one with its message.
 *
 * A warning can be silenced where it is deliberate with a comment on the
 * same line or on its own line just above: `# rubric: allow few-metrics`. */
#ifndef RUBRIC_LINT_H
#define RUBRIC_LINT_H

#include "diag.h"
#include "overrides.h"
#include "policy.h"

/* Reports every lint of a checked policy to d as warnings (with notes),
 * in source order.  Returns the number of warnings reported. */
int lint_policy(const policy *p, diag *d);
/* The same, reporting only the lints named in names[0..nnames). */
int lint_policy_only(const policy *p, diag *d, const char *const *names, int nnames);

/* check --overrides: a warning for each row of o (read from path) that
 * expired before as_of [override-expired] or expires within
 * OVERRIDE_SOON_DAYS of it, as_of included [override-expiring], pointing
 * at its expires date.  Returns the number of warnings. */
enum { OVERRIDE_SOON_DAYS = 14 };
int lint_overrides(const overrides *o, const char *path, rb_date as_of, diag *d);

#endif
