/* lint_internal.h - what the files of the lint layer share, apart from the
 * public lint.h.
 *
 * The files, each using only those listed before it:
 *   queue.c      the collected warnings: recorded, sorted into source
 *                order, silenced by `# rubric: allow NAME`, printed
 *   constants.c  thresholds, scores and weights that do not depend on the
 *                account, folded and shown as the analyst wrote them
 *   interval.c   the exact algebra of intervals over band edges
 *   bands.c      one measure's band lines (or one scheme's score ranges):
 *                gaps, overlaps, lines that never match, disorder
 *   groups.c     schemes and groups: score order, weights, few metrics,
 *                bands never given
 *   unused.c     definitions nothing uses
 *   lint.c       the entry point, which runs them all and then flushes */
#ifndef RUBRIC_LINT_INTERNAL_H
#define RUBRIC_LINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "num.h"
#include "policy.h"
#include "strbuf.h"

/* The lints, by the names their messages end with and docs/lints.md uses. */
#define L_GAP "band-gap"
#define L_OVERLAP "band-overlap"
#define L_UNREACHABLE "unreachable-band"
#define L_ORDER "threshold-order"
#define L_WEIGHTS "weights"
#define L_UNUSED "unused"
#define L_FEW "few-metrics"
#define L_NEVER "band-never-given"

/* ---- queue.c: collected warnings --------------------------------------- */

typedef struct lwarn lwarn;

typedef struct linter {
    const policy *p;
    lwarn *w;
    int n, cap;
    const char *const *only; /* flush only these lints; NULL: all */
    int nonly;
} linter;

/* Records a warning; returns its number, for lint_note(). */
int lint_warn(linter *L, rb_loc loc, const char *tag, const char *fmt, ...) RB_PRINTF(4, 5);
/* Adds a note to warning number which (the first few only). */
void lint_note(linter *L, int which, rb_loc loc, const char *fmt, ...) RB_PRINTF(4, 5);
/* Reports the wanted warnings no comment allows to d, in source order, and
 * empties L.  Returns how many were reported. */
int lint_flush(linter *L, diag *d);
/* The line number of loc, for messages that name another line. */
unsigned lint_line(rb_loc loc);


/* ---- constants.c: values that do not depend on the account -------------- */

/* The value of a number expression that does not depend on the account,
 * as the compiler folds it with the parameters' defaults: literals,
 * parameters, definitions built only from them, and operators, choices and
 * builtins on them, each computed by the evaluator.  False when it depends
 * on the account or the run (as_of), or comes to no number. */
bool lint_fold(const expr *e, rb_num *out);
/* A number as text, as a percentage when pct. */
void lint_num_text(rb_num v, bool pct, char *buf, size_t n);
/* A constant as the analyst wrote it: the literal itself, a parameter's
 * name with its value, or the value of an expression. */
void lint_const_text(const expr *e, rb_num v, char *buf, size_t n);

/* ---- interval.c: intervals of values ------------------------------------ */

/* One end of an interval.  Lower ends may be minus infinity, upper ends
 * plus infinity; a finite end remembers the edge that wrote it. */
typedef struct bnd {
    int inf;                /* -1 on a lower end, +1 on an upper end: unbounded */
    bool closed;            /* the value itself is inside */
    rb_num v;
    const edge *edge;       /* NULL for infinities and domain ends */
    const band_rule *rule;  /* the line of that edge */
} bnd;

typedef struct ival {
    bnd lo, hi;
} ival;

/* Sorted, disjoint, and never touching: a union is merged on insertion. */
typedef struct iset {
    ival *v;
    int n, cap;
} iset;

/* The whole number line. */
ival ival_whole(void);
/* num_cmp with unordered taken as equal. */
int lint_cmp(rb_num a, rb_num b);
/* Which lower end starts first (-1), the same (0) or later (1). */
int bnd_lo_cmp(const bnd *a, const bnd *b);
/* Which upper end stops first (-1), the same (0) or later (1). */
int bnd_hi_cmp(const bnd *a, const bnd *b);
bool ival_empty(const ival *x);
bool ival_has(const ival *x, rb_num v);
/* The intersection; on equal ends a's are kept. */
ival ival_meet(const ival *a, const ival *b);
void iset_free(iset *s);
/* Adds x to the union s, merging what it overlaps or touches. */
void iset_add(iset *s, const ival *x);
/* The parts of the number line outside s, appended to out. */
void iset_complement(const iset *s, iset *out);
/* x without the values in s, appended to out. */
void ival_minus(const ival *x, const iset *s, iset *out);
/* "values above 9% and below 10%", "values of exactly 5%", ... */
void ival_describe(const ival *x, const char *noun, char *buf, size_t n);
/* `< 25%` as it reads on the line. */
void lint_edge_text(const edge *e, const bnd *b, char *buf, size_t n);

/* ---- bands.c: band lines -------------------------------------------------- */

/* One band line of a measure, or one score range of a scheme. */
typedef struct bline {
    const band_rule *r;
    int rank;          /* the band's place in the scheme, worst first */
    bool constant;     /* every threshold folds */
    bool empty;        /* its edges contradict each other */
    ival iv;           /* the values it would catch on its own */
    iset caught;       /* what it catches, after the lines above it */
} bline;

/* Lines of one measure or scheme beyond which band lines are not analysed:
 * the analysis is quadratic or worse in them, and no policy needs more. */
enum { MAX_LINES = 256 };

/* What is being linted: a measure's band lines or a scheme's ranges. */
typedef struct subject {
    bool is_scheme;
    const char *noun, *noun1;   /* "values", "value"; "scores", "score" */
    rb_loc name_loc;
    const scheme *sch;
    bool has_domain;            /* only scores in domain can occur */
    ival domain;
    int dir;                    /* +1: higher values get later bands; 0 unknown */
    bool order_warned;          /* the bands were found out of order */
    const char *scores;         /* "red 0, yellow 50, green 100" (schemes) */
} subject;

void bline_init(bline *b, const band_rule *r, const scheme *sch);
/* Whether some value can reach the line (or it is not known not to). */
bool bline_reachable(const bline *b);
/* Gaps, overlaps, lines that never match and disorder among n lines;
 * fills each line's caught. */
void lint_lines(linter *L, subject *S, bline *bl, int n);
void lint_free_lines(bline *bl, int n);
/* The band lines of measure d (symbol sym); marks in given[] the bands of
 * its scheme a line can give. */
void lint_measure(linter *L, const decl *d, const symbol *sym, bool *given);

/* ---- groups.c: schemes and groups ----------------------------------------- */

/* The scores a measure or group can have: [lo, hi], hi maybe unbounded. */
typedef struct span {
    bool known;
    bool hi_inf;
    rb_num lo, hi;
} span;

void span_join(span *a, const span *b);

/* Score spans memoised by evaluation order (state 0 new, 1 known, 2
 * unknown): groups may share members. */
typedef struct span_memo {
    const policy *p;
    span *memo;
    char *state;
} span_memo;

/* The scores s can have; unknown when a score is not constant. */
span score_span(span_memo *sm, const symbol *s);

typedef struct scheme_use {
    int measures, groups;
    bool domain_unknown;  /* some group's score span is unknown */
    span domain;          /* the scores groups using it can have */
    bool same_members;    /* some mean group has a member on this same scheme */
    bool *given;          /* per band: some measure line can give it */
} scheme_use;

void lint_scheme(linter *L, const scheme *sch, const scheme_use *use);
void lint_group(linter *L, const decl *d);

/* ---- unused.c ---------------------------------------------------------------- */

void lint_unused(linter *L);

#endif
