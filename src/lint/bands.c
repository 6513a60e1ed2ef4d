/* bands.c - the band lines of one measure, or the score ranges of one
 * scheme, judged together: values that fall in no band, lines that overlap
 * or never match, and thresholds out of the scheme's order.
 *
 * Lines are tried in order and the first that matches wins, so what a line
 * really catches is what it would catch alone minus what the lines above it
 * catch; every judgement here is made on those exact sets of values. */
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"
#include "xalloc.h"

void bline_init(bline *b, const band_rule *r, const scheme *sch)
{
    memset(b, 0, sizeof *b);
    b->r = r;
    b->rank = sch ? scheme_band_index(sch, r->band) : -1;
    b->constant = true;
    b->iv = ival_whole();
    for (int i = 0; i < r->nedges; i++) {
        const edge *e = &r->edges[i];
        rb_num v;
        if (!e->limit || !lint_fold(e->limit, &v)) {
            b->constant = false;
            continue;
        }
        ival h = ival_whole();
        bnd end = {0, e->op == OP_LE || e->op == OP_GE, v, e, r};
        if (e->op == OP_LT || e->op == OP_LE)
            h.hi = end;
        else
            h.lo = end;
        b->iv = ival_meet(&b->iv, &h);
    }
    b->empty = b->constant && ival_empty(&b->iv);
}

bool bline_reachable(const bline *b)
{
    return !b->constant || (!b->empty && b->caught.n > 0);
}

typedef struct seg {
    ival iv;
    int line;
} seg;

static const char *band_of(const subject *S, int rank)
{
    return S->sch && rank >= 0 && rank < S->sch->nbands ? S->sch->bands[rank] : "?";
}

static int sign(int x) { return (x > 0) - (x < 0); }

/* The pieces of line i's values that each earlier constant line takes. */
typedef struct taker {
    int line;
    iset taken;
} taker;

static int find_takers(const bline *bl, int i, taker *out)
{
    iset before = {0};
    int nt = 0;
    for (int k = 0; k < i; k++) {
        const bline *K = &bl[k];
        if (!K->constant || K->empty)
            continue;
        ival m = ival_meet(&bl[i].iv, &K->iv);
        if (!ival_empty(&m)) {
            iset t = {0};
            ival_minus(&m, &before, &t);
            if (t.n) {
                out[nt].line = k;
                out[nt].taken = t;
                nt++;
            } else {
                iset_free(&t);
            }
        }
        iset_add(&before, &K->iv);
    }
    iset_free(&before);
    return nt;
}

static void free_takers(taker *t, int n)
{
    for (int i = 0; i < n; i++)
        iset_free(&t[i].taken);
}

static void lint_unreachable(linter *L, const subject *S, const bline *bl, int i)
{
    const bline *b = &bl[i];
    char what[256];
    ival_describe(&b->iv, S->noun, what, sizeof what);
    int w = lint_warn(L, b->r->loc, L_UNREACHABLE, "this '%s' line never matches: the lines above it already catch %s",
                 b->r->band, what);
    taker *t = xmalloc((size_t)(i + 1) * sizeof *t);
    int nt = find_takers(bl, i, t);
    for (int k = 0; k < nt; k++) {
        ival_describe(&t[k].taken.v[0], S->noun, what, sizeof what);
        lint_note(L, w, bl[t[k].line].r->loc, "'%s' catches %s%s first", bl[t[k].line].r->band, what,
             t[k].taken.n > 1 ? " (and more)" : "");
    }
    free_takers(t, nt);
    free(t);
}

/* A line that never matches because its thresholds are on the wrong side
 * of an earlier band's: reported as disorder, which is the cause. */
static bool lint_dead_order(linter *L, const subject *S, const bline *bl, int i)
{
    const bline *b = &bl[i];
    if (S->dir == 0 || b->rank < 0)
        return false;
    for (int k = 0; k < i; k++) {
        const bline *K = &bl[k];
        if (!K->constant || K->empty || K->rank < 0 || K->rank == b->rank)
            continue;
        int want = sign(b->rank - K->rank) * S->dir; /* +1: b belongs above K */
        for (int side = 0; side < 2; side++) {
            const bnd *mine = side == 0 ? &b->iv.hi : &b->iv.lo;
            const bnd *theirs = side == 0 ? &K->iv.hi : &K->iv.lo;
            if (mine->inf || theirs->inf || !mine->edge || !theirs->edge)
                continue;
            int c = side == 0 ? bnd_hi_cmp(mine, theirs) : bnd_lo_cmp(mine, theirs);
            if (c == 0 || sign(c) != -want)
                continue;
            char e1[128], e2[128];
            lint_edge_text(mine->edge, mine, e1, sizeof e1);
            lint_edge_text(theirs->edge, theirs, e2, sizeof e2);
            int w = lint_warn(L, mine->edge->loc, L_ORDER,
                         "thresholds out of order: '%s %s' is %s '%s %s' (line %u) although %s comes %s %s in scheme '%s'%s; "
                         "this line never matches",
                         b->r->band, e1, c < 0 ? "below" : "above", K->r->band, e2, lint_line(K->r->loc), b->r->band,
                         b->rank > K->rank ? "after" : "before", K->r->band, S->sch->name,
                         S->dir < 0 ? (S->is_scheme ? " and higher scores get earlier bands here"
                                                    : " and higher values get earlier bands in this measure")
                                    : "");
            lint_note(L, w, theirs->edge->loc, "'%s %s' is here", K->r->band, e2);
            return true;
        }
    }
    return false;
}

/* An explicit edge of line i that an earlier line of another band takes
 * values from: `red < 5%` then `yellow >= 4% and < 10%`. */
static void lint_overlap(linter *L, const subject *S, const bline *bl, int i)
{
    const bline *b = &bl[i];
    const ival *first = &b->caught.v[0], *last = &b->caught.v[b->caught.n - 1];
    bool lo_lost = !b->iv.lo.inf && bnd_lo_cmp(&first->lo, &b->iv.lo) != 0;
    bool hi_lost = !b->iv.hi.inf && bnd_hi_cmp(&last->hi, &b->iv.hi) != 0;
    if (!lo_lost && !hi_lost)
        return;
    taker *t = xmalloc((size_t)(i + 1) * sizeof *t);
    int nt = find_takers(bl, i, t);
    for (int k = 0; k < nt; k++) {
        const bline *K = &bl[t[k].line];
        if (K->rank == b->rank)
            continue;
        for (int j = 0; j < t[k].taken.n; j++) {
            const ival *pc = &t[k].taken.v[j];
            const bnd *at = NULL;
            if (lo_lost && bnd_lo_cmp(&pc->lo, &b->iv.lo) == 0)
                at = &b->iv.lo;
            else if (hi_lost && bnd_hi_cmp(&pc->hi, &b->iv.hi) == 0)
                at = &b->iv.hi;
            if (!at)
                continue;
            char what[256];
            ival_describe(pc, S->noun, what, sizeof what);
            int w = lint_warn(L, at->edge ? at->edge->loc : b->r->loc, L_OVERLAP,
                         "this '%s' line overlaps '%s' on line %u: %s are %s, not %s (the first matching line wins)",
                         b->r->band, K->r->band, lint_line(K->r->loc), what, K->r->band, b->r->band);
            lint_note(L, w, K->r->loc, "'%s' catches them first", K->r->band);
            free_takers(t, nt);
            free(t);
            return;
        }
    }
    free_takers(t, nt);
    free(t);
}

/* The bands as values rise, from what each line really catches. */
static int segments(const bline *bl, int n, seg **out)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += bl[i].caught.n;
    seg *s = xmalloc((size_t)(total ? total : 1) * sizeof *s);
    int m = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < bl[i].caught.n; j++) {
            seg x = {bl[i].caught.v[j], i};
            int at = m++;
            while (at > 0 && bnd_lo_cmp(&s[at - 1].iv.lo, &x.iv.lo) > 0) {
                s[at] = s[at - 1];
                at--;
            }
            s[at] = x;
        }
    *out = s;
    return m;
}

static bool lint_effective_order(linter *L, const subject *S, const bline *bl, const seg *sg, int m)
{
    int dir = S->dir, bad = -1, prev = -1;
    for (int j = 0; j < m; j++) {
        int r = bl[sg[j].line].rank;
        if (r < 0)
            return false;
        if (prev >= 0 && r != bl[sg[prev].line].rank) {
            int s = sign(r - bl[sg[prev].line].rank);
            if (dir == 0)
                dir = s;
            else if (s != dir && bad < 0)
                bad = j;
        }
        prev = j;
    }
    if (bad < 0)
        return false;
    strbuf seq = {0}, order = {0};
    int last = -1;
    for (int j = 0; j < m; j++) {
        int r = bl[sg[j].line].rank;
        if (r != last)
            strbuf_addf(&seq, "%s%s", seq.len ? ", " : "", band_of(S, r));
        last = r;
    }
    for (int r = 0; r < S->sch->nbands; r++)
        strbuf_addf(&order, "%s%s", r ? ", " : "", S->sch->bands[r]);
    const bline *b = &bl[sg[bad].line];
    if (S->is_scheme && S->dir != 0)
        lint_warn(L, b->r->loc, L_ORDER, "score ranges out of order: as scores rise the bands go %s, but the bands score %s",
             strbuf_str(&seq), S->scores);
    else
        lint_warn(L, b->r->loc, L_ORDER, "thresholds out of order: as %s rise the bands go %s, but scheme '%s' orders them %s",
             S->noun, strbuf_str(&seq), S->sch->name, strbuf_str(&order));
    strbuf_free(&seq);
    strbuf_free(&order);
    return true;
}

static void lint_gaps(linter *L, const subject *S, const iset *cum)
{
    iset gaps = {0};
    iset_complement(cum, &gaps);
    for (int i = 0; i < gaps.n; i++) {
        ival g = gaps.v[i];
        if (S->has_domain) {
            g = ival_meet(&g, &S->domain);
            if (ival_empty(&g))
                continue;
        }
        if (g.lo.inf && g.hi.inf)
            continue;
        char what[256];
        ival_describe(&g, S->noun, what, sizeof what);
        const bnd *after = !g.hi.inf && g.hi.edge ? &g.hi : NULL;
        const bnd *before = !g.lo.inf && g.lo.edge ? &g.lo : NULL;
        rb_loc at = after ? after->edge->loc : before ? before->edge->loc : S->name_loc;
        int w = lint_warn(L, at, L_GAP, "%s fall in no band", what);
        if (after && before)
            lint_note(L, w, before->edge->loc, "'%s' ends here", before->rule->band);
    }
    iset_free(&gaps);
}

void lint_lines(linter *L, subject *S, bline *bl, int n)
{
    iset cum = {0};
    bool all_const = true;
    int nconst = 0;
    for (int i = 0; i < n; i++) {
        bline *b = &bl[i];
        if (!b->constant) {
            all_const = false;
            continue;
        }
        if (b->empty)
            continue;
        ival_minus(&b->iv, &cum, &b->caught);
        iset_add(&cum, &b->iv);
        nconst++;
    }
    seg *sg = NULL;
    int m = segments(bl, n, &sg);
    /* Which way the bands run, when the scheme's scores do not say. */
    if (S->dir == 0 && all_const)
        for (int j = 1; j < m && S->dir == 0; j++) {
            int a = bl[sg[j - 1].line].rank, b = bl[sg[j].line].rank;
            if (a >= 0 && b >= 0 && a != b)
                S->dir = sign(b - a);
        }
    for (int i = 0; i < n; i++) {
        const bline *b = &bl[i];
        if (!b->constant)
            continue;
        if (b->empty) {
            char e1[128], e2[128];
            lint_edge_text(b->iv.lo.edge, &b->iv.lo, e1, sizeof e1);
            lint_edge_text(b->iv.hi.edge, &b->iv.hi, e2, sizeof e2);
            lint_warn(L, b->r->loc, L_UNREACHABLE, "this '%s' line never matches: no %s is both %s and %s", b->r->band,
                 S->noun1, e1, e2);
            continue;
        }
        if (b->caught.n == 0) {
            if (!lint_dead_order(L, S, bl, i))
                lint_unreachable(L, S, bl, i);
            continue;
        }
        lint_overlap(L, S, bl, i);
    }
    if (all_const) {
        S->order_warned = lint_effective_order(L, S, bl, sg, m);
        if (nconst)
            lint_gaps(L, S, &cum);
    }
    free(sg);
    iset_free(&cum);
}

void lint_free_lines(bline *bl, int n)
{
    for (int i = 0; i < n; i++)
        iset_free(&bl[i].caught);
    free(bl);
}

void lint_measure(linter *L, const decl *d, const symbol *sym, bool *given)
{
    const scheme *sch = sym->scheme;
    int n = 0;
    for (const band_rule *r = d->bands; r; r = r->next)
        n++;
    if (!sch || n == 0)
        return;
    if (n > MAX_LINES) {
        for (const band_rule *r = d->bands; r; r = r->next)
            if (scheme_band_index(sch, r->band) >= 0)
                given[scheme_band_index(sch, r->band)] = true;
        return;
    }
    bline *bl = xmalloc((size_t)n * sizeof *bl);
    n = 0;
    for (const band_rule *r = d->bands; r; r = r->next)
        bline_init(&bl[n++], r, sch);
    subject S;
    memset(&S, 0, sizeof S);
    S.noun = "values";
    S.noun1 = "value";
    S.name_loc = d->name_loc;
    S.sch = sch;
    lint_lines(L, &S, bl, n);
    for (int i = 0; i < n; i++)
        if (bl[i].rank >= 0 && bline_reachable(&bl[i]))
            given[bl[i].rank] = true;
    lint_free_lines(bl, n);
}
