/* overrides_lint.c - `rubric check --overrides FILE`: the rows of an
 * overrides file that have expired, or expire soon, as of --as-of. */
#include <stdio.h>
#include <string.h>

#include "lint.h"

/* The row's expires date in its line, else the whole line: where the
 * caret goes. */
static rb_loc row_loc(const source *src, const override_row *r)
{
    rb_loc loc = {src, 0, 0};
    if (r->line < 1 || (size_t)r->line > src->nlines)
        return loc;
    size_t len;
    const char *text = source_line(src, (unsigned)r->line, &len);
    loc.begin = (unsigned)(text - src->text);
    loc.end = loc.begin + (unsigned)len;
    char day[16];
    int n = date_format(r->expires, day);
    for (size_t i = 0; i + (size_t)n <= len; i++)
        if (memcmp(text + i, day, (size_t)n) == 0) {
            loc.begin += (unsigned)i;
            loc.end = loc.begin + (unsigned)n;
            break;
        }
    return loc;
}

int lint_overrides(const overrides *o, const char *path, rb_date as_of, diag *d)
{
    source *src = source_load(path);
    if (!src)
        return 0; /* it was read a moment ago; nothing to point at now */
    int n, warned = 0;
    const override_row *rows = overrides_rows(o, &n);
    char day[16], today[16];
    date_format(as_of, today);
    for (int i = 0; i < n; i++) {
        const override_row *r = &rows[i];
        long left = (long)r->expires - (long)as_of;
        if (left > OVERRIDE_SOON_DAYS)
            continue;
        date_format(r->expires, day);
        rb_loc loc = row_loc(src, r);
        if (left < 0)
            diag_lint(d, loc, "override-expired",
                      "the override of '%s' for account '%s' expired on %s, before %s: it no longer applies", r->output,
                      r->account, day, today);
        else if (left == 0)
            diag_lint(d, loc, "override-expiring",
                      "the override of '%s' for account '%s' expires on %s, today: it applies for the last time",
                      r->output, r->account, day);
        else
            diag_lint(d, loc, "override-expiring", "the override of '%s' for account '%s' expires on %s, in %ld day%s",
                      r->output, r->account, day, left, left == 1 ? "" : "s");
        warned++;
    }
    source_free(src);
    return warned;
}
