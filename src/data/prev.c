/* prev.c - the previous period's values of an account (prev.h).
 *
 * The history keeps one table per period.  The latest period before as_of
 * answers for most accounts; one that it did not record (an account that
 * missed a month's export) is looked for in the period before, and so on:
 * the readers of the earlier periods are opened only when an account needs
 * them, each walking its period in id order, so memory does not grow with
 * the accounts. */
#include "prev.h"

#include <string.h>

#include "compile.h"
#include "xalloc.h"

struct prev_source {
    history *h;
    const program *prog;
    char policy_name[256];
    const char **names;          /* the outputs prev() reads, in policy.prevs order */
    int n;
    history_prev **periods;      /* latest first; opened as accounts need them */
    int nperiods, cap;
    bool exhausted;              /* no period before the last one opened */
    int found;                   /* the period the last fill found the account in; -1 none */
};

/* Opens the period before the last one opened (before as_of for the
 * first).  False when there is none, or after saying why on d. */
static bool open_next(prev_source *ps, diag *d, bool *failed)
{
    *failed = false;
    if (ps->exhausted)
        return false;
    char before[16];
    if (ps->nperiods == 0)
        date_format(ps->prog->params[0].u.date, before);
    else
        snprintf(before, sizeof before, "%s", history_prev_as_of(ps->periods[ps->nperiods - 1]));
    history_prev *hp = history_prev_open(ps->h, ps->policy_name, before, ps->names, ps->n, d);
    if (!hp) {
        *failed = true;
        return false;
    }
    if (!history_prev_as_of(hp)) {
        history_prev_close(hp);
        ps->exhausted = true;
        return false;
    }
    if (ps->nperiods == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 4;
        ps->periods = xrealloc(ps->periods, (size_t)ps->cap * sizeof *ps->periods);
    }
    ps->periods[ps->nperiods++] = hp;
    return true;
}

prev_source *prev_open(history *h, const program *prog, diag *d)
{
    const policy *p = prog->pol;
    prev_source *ps = xcalloc(1, sizeof *ps);
    ps->h = h;
    ps->prog = prog;
    char buf[256];
    snprintf(ps->policy_name, sizeof ps->policy_name, "%s", history_policy_name(p, buf, sizeof buf));
    ps->n = p->nprevs;
    ps->names = xmalloc((size_t)(ps->n + 1) * sizeof *ps->names);
    for (int i = 0; i < ps->n; i++)
        ps->names[i] = p->prevs[i]->name;
    bool failed;
    if (!open_next(ps, d, &failed) && failed) {
        prev_close(ps);
        return NULL;
    }
    return ps;
}

const char *prev_as_of(const prev_source *ps)
{
    return ps->nperiods ? history_prev_as_of(ps->periods[0]) : NULL;
}

/* A recorded cell made a value of the output again (history.h says how). */
static rb_value value_of(const symbol *out, const history_value *hv)
{
    rb_value v = value_na();
    if (!hv->present)
        return v;
    if (out->type == TY_BANDED) {
        if (hv->kind != HK_BANDED || !hv->band || !out->scheme)
            return v;
        int band = scheme_band_index(out->scheme, hv->band);
        if (band < 0)
            return v; /* the scheme no longer has that band */
        v.kind = VK_BANDED;
        v.band = (int8_t)band;
        v.u.num = num_from_double(hv->has_value ? hv->value : hv->score);
        v.has_score = hv->has_score;
        if (hv->has_score)
            v.score = num_from_double(hv->score);
        return v;
    }
    /* The cell is the text run printed: read back as data is, by the
     * output's type, unless the output was recorded as another kind. */
    if (!hv->cell || hv->kind != history_kind_of(out->type) ||
        !value_from_text(out->type, hv->cell, hv->cell_len, &v))
        return value_na();
    return v;
}

bool prev_fill(prev_source *ps, const char *id, size_t idlen, rb_value *slots, diag *d)
{
    rb_value *out = slots + ps->prog->prev_slot0;
    ps->found = -1;
    for (int i = 0; i < ps->n; i++)
        out[i] = value_na();
    for (int k = 0;; k++) {
        bool failed = false;
        if (k == ps->nperiods && !open_next(ps, d, &failed))
            return !failed;
        const history_value *vals;
        int found = history_prev_find(ps->periods[k], id, idlen, &vals, d);
        if (found < 0)
            return false;
        if (found == 0)
            continue;
        for (int i = 0; i < ps->n; i++)
            out[i] = value_of(ps->prog->pol->prevs[i], &vals[i]);
        ps->found = k;
        return true;
    }
}

const char *prev_found_as_of(const prev_source *ps)
{
    return ps->found >= 0 ? history_prev_as_of(ps->periods[ps->found]) : NULL;
}

void prev_close(prev_source *ps)
{
    if (!ps)
        return;
    for (int k = 0; k < ps->nperiods; k++)
        history_prev_close(ps->periods[k]);
    free(ps->periods);
    free(ps->names);
    free(ps);
}
