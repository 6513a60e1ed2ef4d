/* interval.c - sets of values as unions of intervals, compared exactly.
 *
 * A band line catches an interval of values bounded by its edges.  Ends are
 * compared with num_cmp on the rationals the literals were read as, so
 * `< 5%` then `>= 5%` has no gap and `< 5%` then `> 5%` leaves exactly 5%
 * uncaught.  Each finite end remembers the edge that wrote it, so that a
 * message can quote the threshold as the analyst wrote it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"
#include "xalloc.h"

ival ival_whole(void)
{
    ival x;
    memset(&x, 0, sizeof x);
    x.lo.inf = -1;
    x.hi.inf = 1;
    return x;
}

int lint_cmp(rb_num a, rb_num b)
{
    int c = num_cmp(a, b);
    return c == 2 ? 0 : c;
}

int bnd_lo_cmp(const bnd *a, const bnd *b)
{
    if (a->inf || b->inf)
        return a->inf && b->inf ? 0 : a->inf ? -1 : 1;
    int c = lint_cmp(a->v, b->v);
    if (c)
        return c;
    return a->closed == b->closed ? 0 : a->closed ? -1 : 1;
}

int bnd_hi_cmp(const bnd *a, const bnd *b)
{
    if (a->inf || b->inf)
        return a->inf && b->inf ? 0 : a->inf ? 1 : -1;
    int c = lint_cmp(a->v, b->v);
    if (c)
        return c;
    return a->closed == b->closed ? 0 : a->closed ? 1 : -1;
}

bool ival_empty(const ival *x)
{
    if (x->lo.inf || x->hi.inf)
        return false;
    int c = num_cmp(x->lo.v, x->hi.v);
    if (c == 0)
        return !(x->lo.closed && x->hi.closed);
    return c != -1;
}

bool ival_has(const ival *x, rb_num v)
{
    if (!x->lo.inf) {
        int c = lint_cmp(v, x->lo.v);
        if (c < 0 || (c == 0 && !x->lo.closed))
            return false;
    }
    if (!x->hi.inf) {
        int c = lint_cmp(v, x->hi.v);
        if (c > 0 || (c == 0 && !x->hi.closed))
            return false;
    }
    return true;
}

ival ival_meet(const ival *a, const ival *b)
{
    ival m;
    m.lo = bnd_lo_cmp(&a->lo, &b->lo) >= 0 ? a->lo : b->lo;
    m.hi = bnd_hi_cmp(&a->hi, &b->hi) <= 0 ? a->hi : b->hi;
    return m;
}

/* The same edge seen from the other side: `< 5%` ends where `>= 5%` starts. */
static bnd flip(bnd b)
{
    b.closed = !b.closed;
    return b;
}

static void iset_push(iset *s, ival x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    s->v[s->n++] = x;
}

void iset_free(iset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void iset_add(iset *s, const ival *x)
{
    if (ival_empty(x))
        return;
    iset_push(s, *x);
    int at = s->n - 1;
    while (at > 0 && bnd_lo_cmp(&s->v[at - 1].lo, &x->lo) > 0) {
        s->v[at] = s->v[at - 1];
        at--;
    }
    s->v[at] = *x;
    int w = 0;
    for (int i = 1; i < s->n; i++) {
        ival *cur = &s->v[w];
        const ival *nx = &s->v[i];
        bool joins = cur->hi.inf || nx->lo.inf;
        if (!joins) {
            ival gap = {flip(cur->hi), flip(nx->lo)};
            joins = ival_empty(&gap);
        }
        if (joins) {
            if (bnd_hi_cmp(&nx->hi, &cur->hi) > 0)
                cur->hi = nx->hi;
        } else {
            s->v[++w] = *nx;
        }
    }
    s->n = w + 1;
}

void iset_complement(const iset *s, iset *out)
{
    ival g = ival_whole();
    for (int i = 0; i < s->n; i++) {
        const ival *x = &s->v[i];
        if (!x->lo.inf) {
            g.hi = flip(x->lo);
            if (!ival_empty(&g))
                iset_push(out, g);
        }
        if (x->hi.inf)
            return;
        g.lo = flip(x->hi);
        g.hi = ival_whole().hi;
    }
    iset_push(out, g);
}

void ival_minus(const ival *x, const iset *s, iset *out)
{
    iset comp = {0};
    iset_complement(s, &comp);
    for (int i = 0; i < comp.n; i++) {
        ival m = ival_meet(x, &comp.v[i]);
        if (!ival_empty(&m))
            iset_push(out, m);
    }
    iset_free(&comp);
}

/* A threshold as written after its operator: `25%`, `scm_red (25%)`,
 * `scm_red * 2 (50%)`. */
static void bound_text(const bnd *b, char *buf, size_t n)
{
    const expr *e = b->edge ? b->edge->limit : NULL;
    if (!e || e->kind == EX_NUM || e->kind == EX_NAME || !b->edge->loc.src) {
        lint_const_text(e, b->v, buf, n);
        return;
    }
    const char *text = b->edge->loc.src->text;
    unsigned i = b->edge->loc.begin, end = b->edge->loc.end;
    while (i < end && (text[i] == '<' || text[i] == '>' || text[i] == '=' || text[i] == ' ' || text[i] == '\t'))
        i++;
    bool plain = end > i && end - i < 40;
    for (unsigned k = i; k < end; k++)
        if (text[k] == '\n' || text[k] == '\r')
            plain = false;
    char val[64];
    lint_num_text(b->v, expr_written_in_percent(e), val, sizeof val);
    if (plain)
        snprintf(buf, n, "%.*s (%s)", (int)(end - i), text + i, val);
    else
        snprintf(buf, n, "%s", val);
}

void ival_describe(const ival *x, const char *noun, char *buf, size_t n)
{
    char a[96], b[96];
    if (!x->lo.inf)
        bound_text(&x->lo, a, sizeof a);
    if (!x->hi.inf)
        bound_text(&x->hi, b, sizeof b);
    const char *lo_word = x->lo.closed ? "at least" : "above";
    const char *hi_word = x->hi.closed ? "at most" : "below";
    if (x->lo.inf && x->hi.inf)
        snprintf(buf, n, "all %s", noun);
    else if (x->lo.inf)
        snprintf(buf, n, "%s %s %s", noun, hi_word, b);
    else if (x->hi.inf)
        snprintf(buf, n, "%s %s %s", noun, lo_word, a);
    else if (lint_cmp(x->lo.v, x->hi.v) == 0)
        snprintf(buf, n, "%s of exactly %s", noun, a);
    else
        snprintf(buf, n, "%s %s %s and %s %s", noun, lo_word, a, hi_word, b);
}

void lint_edge_text(const edge *e, const bnd *b, char *buf, size_t n)
{
    char t[96];
    bound_text(b, t, sizeof t);
    snprintf(buf, n, "%s %s", op_text(e->op), t);
}

