/* groups.c - schemes and the groups that use them: scores out of order,
 * score ranges (judged as a measure's band lines are, over the scores the
 * groups using them can have), bands nothing can give, weights that do not
 * add up, and use cases with too few metrics. */
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"
#include "xalloc.h"

void span_join(span *a, const span *b)
{
    if (!a->known) {
        *a = *b;
        return;
    }
    if (lint_cmp(b->lo, a->lo) < 0)
        a->lo = b->lo;
    if (b->hi_inf)
        a->hi_inf = true;
    else if (!a->hi_inf && lint_cmp(b->hi, a->hi) > 0)
        a->hi = b->hi;
}

/* A measure scores one of its scheme's band scores; a mean stays between
 * its members' lowest and highest; a sum of scores that cannot be negative
 * is at least 0.  Unknown when a score is not constant.  Memoised by
 * evaluation order (state 0 new, 1 known, 2 unknown): groups may share
 * members. */
span score_span(span_memo *sm, const symbol *s)
{
    span r = {0};
    const policy *p = sm->p;
    if (!s || s->order < 0 || s->order >= p->norder || p->order[s->order] != s)
        return r;
    if (sm->state[s->order])
        return sm->state[s->order] == 1 ? sm->memo[s->order] : r;
    sm->state[s->order] = 2; /* no cycles after checking; this only guards */
    if (s->decl && s->decl->grades) {
        /* A graded score stays between its points' scores. */
        for (const grade_point *g = s->decl->grades; g; g = g->next) {
            rb_num v;
            if (!lint_fold(g->score, &v))
                return (span){0};
            span one = {true, false, v, v};
            span_join(&r, &one);
        }
    } else if (s->kind == SYM_MEASURE) {
        const scheme *sch = s->scheme;
        for (int i = 0; sch && i < sch->nbands; i++) {
            rb_num v;
            if (!sch->rules[i]->score || !lint_fold(sch->rules[i]->score, &v))
                return (span){0};
            span one = {true, false, v, v};
            span_join(&r, &one);
        }
    } else if (s->kind == SYM_GROUP && s->decl) {
        for (const name_ref *m = s->decl->members; m; m = m->next) {
            span ms = score_span(sm, m->sym);
            if (!ms.known)
                return (span){0};
            span_join(&r, &ms);
        }
        if (r.known && s->decl->agg == AGG_SUM) {
            if (lint_cmp(r.lo, num_from_int(0)) < 0)
                return (span){0};
            r.lo = num_from_int(0);
            r.hi_inf = true;
        }
    }
    if (r.known) {
        sm->state[s->order] = 1;
        sm->memo[s->order] = r;
    }
    return r;
}

void lint_scheme(linter *L, const scheme *sch, const scheme_use *use)
{
    const decl *d = sch->decl;
    if (use->measures == 0 && use->groups == 0) {
        lint_warn(L, d->name_loc, L_UNUSED, "scheme '%s' is never used: no measure or group names it", sch->name);
        return;
    }
    int nb = sch->nbands;
    if (nb == 0)
        return;
    rb_num *score = xmalloc((size_t)nb * sizeof *score);
    bool scores_known = true;
    for (int i = 0; i < nb; i++)
        if (!sch->rules[i]->score || !lint_fold(sch->rules[i]->score, &score[i]))
            scores_known = false;

    /* Scores are judged among the bands with a score range: a band such as
     * `gray scores 0` with none stands outside the order. */
    int nranges = 0;
    for (int i = 0; i < nb; i++)
        nranges += sch->rules[i]->nedges > 0 || sch->rules[i]->otherwise;
    strbuf listing = {0};
    int score_dir = 0;
    if (scores_known && nranges > 0) {
        char t[64];
        int bad = -1, prev = -1;
        for (int i = 0; i < nb; i++) {
            if (sch->rules[i]->nedges == 0 && !sch->rules[i]->otherwise)
                continue;
            lint_num_text(score[i], expr_written_in_percent(sch->rules[i]->score), t, sizeof t);
            strbuf_addf(&listing, "%s%s %s", listing.len ? ", " : "", sch->bands[i], t);
            int s = prev < 0 ? 0 : lint_cmp(score[i], score[prev]);
            prev = i;
            if (s == 0)
                continue;
            if (score_dir == 0)
                score_dir = s;
            else if (s != score_dir && bad < 0)
                bad = i;
        }
        if (bad >= 0) {
            lint_warn(L, sch->rules[bad]->score->loc, L_ORDER,
                 "scores out of order: the bands of scheme '%s' score %s; scores should rise (or fall) from "
                 "one band to the next",
                 sch->name, strbuf_str(&listing));
            score_dir = 0;
        }
    }

    bool *range_given = xcalloc((size_t)nb, sizeof *range_given);
    if (use->groups > 0 && nranges == 0)
        lint_warn(L, d->name_loc, L_NEVER,
             "groups using scheme '%s' never get a band: none of its lines gives a score range "
             "(such as 'green scores 100 when >= 75')",
             sch->name);
    if (use->groups > 0 && nranges > MAX_LINES)
        for (int i = 0; i < nb; i++)
            range_given[i] = true;
    if (use->groups > 0 && nranges > 0 && nranges <= MAX_LINES) {
        bline *bl = xmalloc((size_t)nranges * sizeof *bl);
        int n = 0;
        for (int i = 0; i < nb; i++)
            if (sch->rules[i]->nedges > 0 || sch->rules[i]->otherwise)
                bline_init(&bl[n++], sch->rules[i], sch);
        subject S;
        memset(&S, 0, sizeof S);
        S.is_scheme = true;
        S.noun = "scores";
        S.noun1 = "score";
        S.name_loc = d->name_loc;
        S.sch = sch;
        S.dir = score_dir;
        S.scores = strbuf_str(&listing) ? strbuf_str(&listing) : "";
        if (!use->domain_unknown && use->domain.known) {
            /* Only the scores the groups can have need a band. */
            S.has_domain = true;
            S.domain = ival_whole();
            S.domain.lo.inf = 0;
            S.domain.lo.closed = true;
            S.domain.lo.v = use->domain.lo;
            if (!use->domain.hi_inf) {
                S.domain.hi.inf = 0;
                S.domain.hi.closed = true;
                S.domain.hi.v = use->domain.hi;
            }
        }
        lint_lines(L, &S, bl, n);
        bool all_const = true;
        for (int i = 0; i < n; i++) {
            all_const = all_const && bl[i].constant;
            if (bl[i].rank >= 0 && bline_reachable(&bl[i]))
                range_given[bl[i].rank] = true;
        }
        /* A band's own score should land in its own range: a use case whose
         * measures are all yellow should be yellow. */
        for (int i = 0; scores_known && all_const && use->same_members && !S.order_warned && i < n; i++) {
            int own = bl[i].rank;
            if (own < 0)
                continue;
            for (int k = 0; k < n; k++)
                for (int j = 0; j < bl[k].caught.n; j++) {
                    if (!ival_has(&bl[k].caught.v[j], score[own]) || bl[k].rank == own || bl[k].rank < 0)
                        continue;
                    char t[64];
                    lint_num_text(score[own], expr_written_in_percent(sch->rules[own]->score), t, sizeof t);
                    const char *other = sch->bands[bl[k].rank];
                    lint_warn(L, sch->rules[own]->score->loc, L_ORDER,
                         "'%s' scores %s, but a score of %s is '%s' by this scheme's ranges (line %u): "
                         "a group whose members are all %s would be %s",
                         sch->bands[own], t, t, other, lint_line(bl[k].r->loc), sch->bands[own], other);
                }
        }
        lint_free_lines(bl, n);
    }

    for (int i = 0; i < nb; i++) {
        const band_rule *r = sch->rules[i];
        bool by_groups = use->groups > 0 && range_given[i];
        if (use->given[i] || by_groups)
            continue;
        if (use->groups > 0 && nranges == 0 && use->measures == 0)
            continue; /* said once for the whole scheme above */
        bool has_range = r->nedges > 0 || r->otherwise;
        const char *group_reason = has_range ? "its score range never matches" : "it has no score range for groups";
        if (use->measures > 0 && use->groups > 0 && nranges > 0)
            lint_warn(L, r->band_loc, L_NEVER, "band '%s' is never given: no measure has a '%s' line that can match, and %s",
                 r->band, r->band, group_reason);
        else if (use->measures > 0)
            lint_warn(L, r->band_loc, L_NEVER, "band '%s' is never given: no measure using scheme '%s' has a '%s' line that can match",
                 r->band, sch->name, r->band);
        else
            lint_warn(L, r->band_loc, L_NEVER, "band '%s' is never given: %s", r->band, group_reason);
    }
    free(range_given);
    strbuf_free(&listing);
    free(score);
}

void lint_group(linter *L, const decl *d)
{
    bool all_pct = true, any_pct = false, all_weighted = true, sum_known = true;
    rb_num sum = num_from_int(0);
    const name_ref *last = NULL;
    int measures = 0, nmembers = 0;
    bool category = false;
    for (const name_ref *m = d->members; m; m = m->next) {
        last = m;
        nmembers++;
        if (m->sym && m->sym->kind == SYM_MEASURE)
            measures++;
        if (m->sym && m->sym->kind == SYM_GROUP)
            category = true;
        if (!m->weight) {
            all_weighted = all_pct = false;
            continue;
        }
        bool pct = m->weight->kind == EX_NUM && expr_written_in_percent(m->weight);
        any_pct = any_pct || pct;
        all_pct = all_pct && pct;
        rb_num w;
        if (!lint_fold(m->weight, &w)) {
            sum_known = false;
            continue;
        }
        sum = num_add(sum, w);
        char t[96];
        lint_const_text(m->weight, w, t, sizeof t);
        rb_loc at = loc_span(m->loc, m->weight->loc);
        if (m->weight->loc.end < m->loc.end)
            at = m->loc;
        if (num_is_zero(w))
            lint_warn(L, at, L_WEIGHTS, "'%s' has weight %s, so it never counts toward '%s'", m->name, t, d->name);
        else if (lint_cmp(w, num_from_int(0)) < 0)
            lint_warn(L, at, L_WEIGHTS, "'%s' has a negative weight (%s); weights should be positive", m->name, t);
    }
    if (all_pct && sum_known && nmembers > 0 && lint_cmp(sum, num_from_int(1)) != 0) {
        char t[64];
        lint_num_text(sum, true, t, sizeof t);
        lint_warn(L, loc_span(d->members->loc, last->weight->loc), L_WEIGHTS, "the weights of '%s' add up to %s, not 100%%",
             d->name, t);
    }
    if (any_pct && !all_weighted)
        for (const name_ref *m = d->members; m; m = m->next)
            if (!m->weight)
                lint_warn(L, m->loc, L_WEIGHTS,
                     "'%s' has no weight, so it counts as 1 (that is, 100%%) beside weights written as percentages",
                     m->name);
    if (!category && measures < 3)
        lint_warn(L, d->name_loc, L_FEW,
             "use case '%s' has only %d measure%s; the Use Case Adoption Scoring handbook asks for at least 3 "
             "(ideally 5-7) metrics per use case",
             d->name, measures, measures == 1 ? "" : "s");
}
