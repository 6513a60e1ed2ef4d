/* next_band.c - the smallest numerator that moves a measure to a better
 * band (see next_band.h). */
#include "next_band.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

/* The ratio inside a measure's value: the value itself, or under clamps,
 * min() or max() of it and constants (a clamp only flattens the value
 * beyond its constant, so it adds no point where the band can change). */
static const enode *ratio_of(const enode *n)
{
    while (n->op == N_CALL && (n->fn == BI_MIN || n->fn == BI_MAX)) {
        const enode *inner = NULL;
        for (int i = 0; i < n->nargs; i++) {
            if (n->args[i]->op == N_CONST)
                continue;
            if (inner)
                return NULL;
            inner = n->args[i];
        }
        if (!inner)
            return NULL;
        n = inner;
    }
    return n->op == N_DIV ? n : NULL;
}

int next_band_numerator(const program *prog, const step *s)
{
    if (s->kind != STEP_MEASURE || !s->value)
        return -1;
    const enode *r = ratio_of(s->value);
    if (!r || r->a->op != N_SLOT || r->b->op != N_SLOT)
        return -1;
    int num = r->a->slot, den = r->b->slot;
    /* n / n is not a ratio the numerator alone can move. */
    if (num >= prog->ninputs || den >= prog->ninputs || num == den)
        return -1;
    return num;
}

/* Whether n reads a slot marked in dirty. */
static bool reads(const enode *n, const bool *dirty, int nslots)
{
    if (!n)
        return false;
    if (n->op == N_SLOT)
        return n->slot >= 0 && n->slot < nslots && dirty[n->slot];
    if (reads(n->a, dirty, nslots) || reads(n->b, dirty, nslots) || reads(n->c, dirty, nslots))
        return true;
    if (n->op == N_CALL || n->op == N_COUNT)
        for (int i = 0; i < n->nargs; i++)
            if (reads(n->args[i], dirty, nslots))
                return true;
    return false;
}

/* Whether step s's conditions and thresholds (and with value, everything
 * it reads) depend on a dirty slot. */
static bool step_reads(const step *s, const bool *dirty, int nslots, bool value)
{
    if (value && reads(s->value, dirty, nslots))
        return true;
    for (int i = 0; i < s->n_na_when; i++)
        if (reads(s->na_when[i], dirty, nslots))
            return true;
    for (int i = 0; i < s->n_applies; i++)
        if (reads(s->applies[i], dirty, nslots))
            return true;
    for (int t = 0; t < s->ntests; t++)
        for (int e = 0; e < s->tests[t].nedges; e++)
            if (!s->tests[t].fixed[e] && reads(s->tests[t].limit[e], dirty, nslots))
                return true;
    if (value)
        for (int i = 0; i < s->nmembers; i++)
            if (dirty[s->member_slots[i]] || (s->weights[i] && reads(s->weights[i], dirty, nslots)))
                return true;
    return false;
}

/* Whether anything that decides s's band but its value reads the
 * numerator, directly or through the definitions before it. */
static bool decided_by_numerator(const program *prog, const step *s, int num)
{
    bool *dirty = xcalloc((size_t)prog->nslots + 1, sizeof *dirty);
    dirty[num] = true;
    for (const step *o = prog->steps; o < s; o++)
        if (step_reads(o, dirty, prog->nslots, true))
            dirty[o->slot] = true;
    bool r = step_reads(s, dirty, prog->nslots, false);
    free(dirty);
    return r;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The whole numbers at and next to the point where the numerator meets a
 * threshold: floor(b) - 1 .. floor(b) + 2 (so ceil(b) and the numbers
 * either side of it too, whatever rounding a double point had). */
static int add_around(rb_num b, int64_t *out, int n)
{
    int64_t f;
    if (b.q) {
        f = b.p / b.q;
        if (b.p % b.q != 0 && b.p < 0)
            f--;
    } else {
        double fl = floor(b.d);
        if (!(fl > -4 && fl < 4e18))
            return n;
        f = (int64_t)fl;
    }
    /* A numerator past 2^53 is no advice, and JSON has no exact number
     * for it. */
    if (f > NEXT_BAND_MAX)
        return n;
    for (int64_t c = f - 1; c <= f + 2; c++)
        if (c >= 0)
            out[n++] = c;
    return n;
}

bool next_band_find(const program *prog, const frame *f, const step *s, next_band *out)
{
    int num = next_band_numerator(prog, s);
    if (num < 0)
        return false;
    const rb_value *cur = &f->slots[s->slot];
    if (cur->kind != VK_BANDED || cur->band == BAND_NONE || !cur->has_score)
        return false;
    bool better_exists = false;
    for (int b = 0; b < s->scheme->nbands; b++)
        better_exists |= num_cmp(s->band_scores[b], cur->score) == 1;
    const rb_value *den = &f->slots[ratio_of(s->value)->b->slot];
    if (!better_exists || den->kind != VK_NUM || decided_by_numerator(prog, s, num))
        return false;

    /* The account again, in a frame of its own: f stays as explain shows it. */
    frame g;
    frame_init(&g, prog);
    memcpy(g.slots, f->slots, (size_t)prog->nslots * sizeof *g.slots);
    g.pop = f->pop; /* the population's figures held, as the other accounts are */
    eval_account(prog, &g);
    int64_t *cands = xmalloc(((size_t)s->ntests * 2 * 4 + 1) * sizeof *cands);
    int n = 0;
    cands[n++] = 0;
    for (int t = 0; t < s->ntests; t++)
        for (int e = 0; e < s->tests[t].nedges; e++) {
            const band_test *bt = &s->tests[t];
            rb_value lim = bt->fixed[e] ? value_num(bt->fixed_limit[e]) : eval_node(bt->limit[e], &g);
            if (lim.kind == VK_NUM || lim.kind == VK_BANDED)
                n = add_around(num_mul(lim.u.num, den->u.num), cands, n);
        }
    qsort(cands, (size_t)n, sizeof *cands, cmp_i64);
    bool found = false;
    for (int i = 0; i < n && !found; i++) {
        if (i > 0 && cands[i] == cands[i - 1])
            continue;
        if (cands[i] > NEXT_BAND_MAX)
            break;
        g.slots[num] = value_num(num_from_int(cands[i]));
        eval_account(prog, &g);
        const rb_value *v = &g.slots[s->slot];
        if (v->kind == VK_BANDED && v->band != BAND_NONE && v->has_score && num_cmp(v->score, cur->score) == 1) {
            out->band = v->band;
            out->input = num;
            out->value = cands[i];
            found = true;
        }
    }
    free(cands);
    frame_free(&g);
    return found;
}
