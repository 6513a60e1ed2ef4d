/* lint.c - warnings about policies that check but probably do not say what
 * their author meant.
 *
 * Everything here reads the checked syntax tree; nothing is compiled or
 * evaluated.  A threshold, score or weight is "constant" when it folds from
 * number literals, parameter defaults and definitions built only from them;
 * a band line with a threshold that depends on the account is left out of
 * every judgement that would need to know what it catches, so a lint never
 * guesses.  Intervals are compared exactly (num_cmp on the rationals the
 * literals were read as), so `< 5%` then `>= 5%` has no gap and `< 5%` then
 * `> 5%` leaves exactly 5% uncaught.
 *
 * Warnings are collected, sorted into source order and only then printed,
 * each with its lint's name in brackets: that name is what a
 * `# rubric: allow NAME` comment silences. */
#include "lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "eval.h"
#include "xalloc.h"

/* The lints, by the names their messages end with and docs/lints.md uses. */
#define L_GAP "band-gap"
#define L_OVERLAP "band-overlap"
#define L_UNREACHABLE "unreachable-band"
#define L_ORDER "threshold-order"
#define L_WEIGHTS "weights"
#define L_UNUSED "unused"
#define L_FEW "few-metrics"
#define L_NEVER "band-never-given"

static const char *const lint_names[] = {
    L_GAP, L_OVERLAP, L_UNREACHABLE, L_ORDER, L_WEIGHTS, L_UNUSED, L_FEW, L_NEVER,
};

/* ---- Collected warnings ------------------------------------------------ */

enum { MAX_NOTES = 3 };

typedef struct lnote {
    rb_loc loc;
    char *msg;
} lnote;

typedef struct lwarn {
    rb_loc loc;
    const char *tag;
    char *msg;
    lnote notes[MAX_NOTES];
    int nnotes;
    int file;      /* position of loc.src among the policy's files */
    int seq;       /* order of reporting, to keep the sort stable */
} lwarn;

typedef struct linter {
    const policy *p;
    lwarn *w;
    int n, cap;
    const char *const *only; /* flush only these lints; NULL: all */
    int nonly;
} linter;

static bool wanted(const linter *L, const char *tag)
{
    for (int i = 0; i < L->nonly; i++)
        if (strcmp(L->only[i], tag) == 0)
            return true;
    return L->only == NULL;
}

static char *vformat(const char *fmt, va_list ap) RB_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *s = xmalloc((size_t)n + 1);
    s[0] = '\0';
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static int file_index(const policy *p, const source *src)
{
    int i = 0;
    for (const source *s = p->sources; s; s = s->next, i++)
        if (s == src)
            return i;
    return i;
}

/* Records a warning; returns its number, for note(). */
static int warn(linter *L, rb_loc loc, const char *tag, const char *fmt, ...) RB_PRINTF(4, 5);
static int warn(linter *L, rb_loc loc, const char *tag, const char *fmt, ...)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 16;
        L->w = xrealloc(L->w, (size_t)L->cap * sizeof *L->w);
    }
    lwarn *w = &L->w[L->n];
    memset(w, 0, sizeof *w);
    w->loc = loc;
    w->tag = tag;
    w->file = file_index(L->p, loc.src);
    w->seq = L->n;
    va_list ap;
    va_start(ap, fmt);
    w->msg = vformat(fmt, ap);
    va_end(ap);
    return L->n++;
}

static void note(linter *L, int which, rb_loc loc, const char *fmt, ...) RB_PRINTF(4, 5);
static void note(linter *L, int which, rb_loc loc, const char *fmt, ...)
{
    lwarn *w = &L->w[which];
    if (w->nnotes == MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->notes[w->nnotes].loc = loc;
    w->notes[w->nnotes].msg = vformat(fmt, ap);
    w->nnotes++;
    va_end(ap);
}

static int by_place(const void *a, const void *b)
{
    const lwarn *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->loc.begin != y->loc.begin)
        return x->loc.begin < y->loc.begin ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static unsigned line_of(rb_loc loc)
{
    unsigned line = 0, col = 0;
    if (loc.src)
        source_line_col(loc.src, loc.begin, &line, &col);
    return line;
}

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether a comment's text reads `# rubric: allow NAME[, NAME...]` with tag
 * among the names.  Words after the last lint name are free text. */
static bool comment_allows(const char *s, size_t len, const char *tag)
{
    size_t i = 0;
    while (i < len && (s[i] == '#' || s[i] == ' ' || s[i] == '\t'))
        i++;
    static const char lead[] = "rubric:";
    if (len - i < sizeof lead - 1 || memcmp(s + i, lead, sizeof lead - 1) != 0)
        return false;
    i += sizeof lead - 1;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (len - i < 5 || memcmp(s + i, "allow", 5) != 0)
        return false;
    i += 5;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && is_word_char(s[i]))
            i++;
        size_t n = i - start;
        if (n == 0)
            return false;
        bool known = false;
        for (size_t k = 0; k < sizeof lint_names / sizeof lint_names[0]; k++)
            if (strlen(lint_names[k]) == n && memcmp(lint_names[k], s + start, n) == 0)
                known = true;
        if (!known)
            return false;
        if (strlen(tag) == n && memcmp(tag, s + start, n) == 0)
            return true;
    }
}

/* A comment on the warning's line, or alone on the line above it. */
static bool allowed(const policy *p, rb_loc loc, const char *tag)
{
    if (!loc.src)
        return false;
    unsigned line = line_of(loc);
    for (const comment *c = p->comments; c; c = c->next) {
        if (c->loc.src != loc.src || c->loc.end <= c->loc.begin)
            continue;
        unsigned cl = 0, col = 0;
        source_line_col(c->loc.src, c->loc.begin, &cl, &col);
        if (cl != line && cl + 1 != line)
            continue;
        if (cl + 1 == line) {
            size_t len;
            const char *text = source_line(c->loc.src, cl, &len);
            bool alone = true;
            for (unsigned k = 0; k + 1 < col && k < len; k++)
                if (text[k] != ' ' && text[k] != '\t')
                    alone = false;
            if (!alone)
                continue;
        }
        if (comment_allows(c->loc.src->text + c->loc.begin, c->loc.end - c->loc.begin, tag))
            return true;
    }
    return false;
}

static int flush(linter *L, diag *d)
{
    int shown = 0;
    if (L->n > 1)
        qsort(L->w, (size_t)L->n, sizeof *L->w, by_place);
    for (int i = 0; i < L->n; i++) {
        lwarn *w = &L->w[i];
        if (wanted(L, w->tag) && !allowed(L->p, w->loc, w->tag)) {
            diag_warning(d, w->loc, "%s [%s]", w->msg, w->tag);
            for (int k = 0; k < w->nnotes; k++)
                diag_note(d, w->notes[k].loc, "%s", w->notes[k].msg);
            shown++;
        }
        free(w->msg);
        for (int k = 0; k < w->nnotes; k++)
            free(w->notes[k].msg);
    }
    free(L->w);
    L->w = NULL;
    L->n = L->cap = 0;
    return shown;
}

/* ---- Constants ----------------------------------------------------------- */

static bool foldable_name(const symbol *s)
{
    return s && s->decl && s->type == TY_NUMBER &&
           (s->kind == SYM_PARAM || s->kind == SYM_LET || s->kind == SYM_METRIC);
}

static bool fold(const expr *e, rb_num *out, int depth);

/* A builtin on number arguments that fold, computed as the compiler folds
 * it: by the evaluator's own code, so `red < min(25%, 26%)` is checked as
 * the 25% it scores with. */
static bool fold_call(const expr *e, rb_num *out, int depth)
{
    enum { MOST = 64 };
    int fn = builtin_find(e->u.call.fn);
    if (fn < 0 || builtin_table[fn].takes != BA_NUMBER || e->u.call.nargs > MOST)
        return false;
    rb_value args[MOST];
    int n = 0;
    for (const expr_list *a = e->u.call.args; a; a = a->next) {
        rb_num v;
        if (!fold(a->e, &v, depth + 1))
            return false;
        args[n++] = value_num(v);
    }
    frame none;
    memset(&none, 0, sizeof none);
    rb_value r = eval_builtin(fn, args, n, &none);
    frame_free(&none);
    if (r.kind != VK_NUM)
        return false;
    *out = r.u.num;
    return true;
}

/* The value of a number expression that does not depend on the account:
 * literals, parameter defaults, arithmetic and builtins on them. */
static bool fold(const expr *e, rb_num *out, int depth)
{
    rb_num a, b;
    if (!e || depth > 64)
        return false;
    switch (e->kind) {
    case EX_CALL:
        if (!fold_call(e, out, depth))
            return false;
        break;
    case EX_NUM:
        *out = e->u.num;
        break;
    case EX_NAME:
        if (!foldable_name(e->u.name.sym))
            return false;
        return fold(e->u.name.sym->decl->value, out, depth + 1);
    case EX_UNARY:
        if (e->op != OP_NEG || !fold(e->u.bin.l, &a, depth + 1))
            return false;
        *out = num_neg(a);
        break;
    case EX_BINARY:
        if (e->type != TY_NUMBER || !fold(e->u.bin.l, &a, depth + 1) || !fold(e->u.bin.r, &b, depth + 1))
            return false;
        switch (e->op) {
        case OP_ADD: *out = num_add(a, b); break;
        case OP_SUB: *out = num_sub(a, b); break;
        case OP_MUL: *out = num_mul(a, b); break;
        case OP_DIV:
            if (num_is_zero(b))
                return false;
            *out = num_div(a, b);
            break;
        default:
            return false;
        }
        break;
    default:
        return false;
    }
    return out->q != 0 || isfinite(out->d);
}

static bool literal_pct(const expr *e)
{
    return e->kind == EX_NUM && e->loc.src && e->loc.end > e->loc.begin &&
           e->loc.src->text[e->loc.end - 1] == '%';
}

/* Whether a constant was written as a percentage, so it prints as one. */
static bool written_pct(const expr *e, int depth)
{
    if (!e || depth > 64)
        return false;
    switch (e->kind) {
    case EX_NUM:
        return literal_pct(e);
    case EX_NAME:
        return foldable_name(e->u.name.sym) && written_pct(e->u.name.sym->decl->value, depth + 1);
    case EX_UNARY:
        return written_pct(e->u.bin.l, depth + 1);
    case EX_BINARY:
        return written_pct(e->u.bin.l, depth + 1) || written_pct(e->u.bin.r, depth + 1);
    case EX_CALL:
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            if (written_pct(a->e, depth + 1))
                return true;
        return false;
    default:
        return false;
    }
}

static void num_text(rb_num v, bool pct, char *buf, size_t n)
{
    char tmp[40];
    if (pct)
        v = num_mul(v, num_from_int(100));
    num_format(v, tmp);
    snprintf(buf, n, "%s%s", tmp, pct ? "%" : "");
}

/* A constant as the analyst wrote it: the literal itself, a parameter's
 * name with its value, or the value of an expression. */
static void const_text(const expr *e, rb_num v, char *buf, size_t n)
{
    char val[64];
    if (e && e->kind == EX_NUM && e->loc.src && e->loc.end > e->loc.begin && e->loc.end - e->loc.begin < 40) {
        snprintf(buf, n, "%.*s", (int)(e->loc.end - e->loc.begin), e->loc.src->text + e->loc.begin);
        return;
    }
    num_text(v, e && written_pct(e, 0), val, sizeof val);
    if (e && e->kind == EX_NAME)
        snprintf(buf, n, "%s (%s)", e->u.name.name, val);
    else
        snprintf(buf, n, "%s", val);
}

/* ---- Intervals of values ------------------------------------------------- */

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

static ival whole(void)
{
    ival x;
    memset(&x, 0, sizeof x);
    x.lo.inf = -1;
    x.hi.inf = 1;
    return x;
}

static int cmp_values(rb_num a, rb_num b)
{
    int c = num_cmp(a, b);
    return c == 2 ? 0 : c;
}

/* Which lower end starts first (-1), the same (0) or later (1). */
static int lo_cmp(const bnd *a, const bnd *b)
{
    if (a->inf || b->inf)
        return a->inf && b->inf ? 0 : a->inf ? -1 : 1;
    int c = cmp_values(a->v, b->v);
    if (c)
        return c;
    return a->closed == b->closed ? 0 : a->closed ? -1 : 1;
}

/* Which upper end stops first (-1), the same (0) or later (1). */
static int hi_cmp(const bnd *a, const bnd *b)
{
    if (a->inf || b->inf)
        return a->inf && b->inf ? 0 : a->inf ? 1 : -1;
    int c = cmp_values(a->v, b->v);
    if (c)
        return c;
    return a->closed == b->closed ? 0 : a->closed ? 1 : -1;
}

static bool ival_empty(const ival *x)
{
    if (x->lo.inf || x->hi.inf)
        return false;
    int c = num_cmp(x->lo.v, x->hi.v);
    if (c == 0)
        return !(x->lo.closed && x->hi.closed);
    return c != -1;
}

static bool ival_has(const ival *x, rb_num v)
{
    if (!x->lo.inf) {
        int c = cmp_values(v, x->lo.v);
        if (c < 0 || (c == 0 && !x->lo.closed))
            return false;
    }
    if (!x->hi.inf) {
        int c = cmp_values(v, x->hi.v);
        if (c > 0 || (c == 0 && !x->hi.closed))
            return false;
    }
    return true;
}

/* The intersection; on equal ends a's are kept. */
static ival meet(const ival *a, const ival *b)
{
    ival m;
    m.lo = lo_cmp(&a->lo, &b->lo) >= 0 ? a->lo : b->lo;
    m.hi = hi_cmp(&a->hi, &b->hi) <= 0 ? a->hi : b->hi;
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

static void iset_free(iset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static void iset_add(iset *s, const ival *x)
{
    if (ival_empty(x))
        return;
    iset_push(s, *x);
    int at = s->n - 1;
    while (at > 0 && lo_cmp(&s->v[at - 1].lo, &x->lo) > 0) {
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
            if (hi_cmp(&nx->hi, &cur->hi) > 0)
                cur->hi = nx->hi;
        } else {
            s->v[++w] = *nx;
        }
    }
    s->n = w + 1;
}

/* The parts of the number line outside s. */
static void complement(const iset *s, iset *out)
{
    ival g = whole();
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
        g.hi = whole().hi;
    }
    iset_push(out, g);
}

/* x without the values in s. */
static void minus(const ival *x, const iset *s, iset *out)
{
    iset comp = {0};
    complement(s, &comp);
    for (int i = 0; i < comp.n; i++) {
        ival m = meet(x, &comp.v[i]);
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
        const_text(e, b->v, buf, n);
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
    num_text(b->v, written_pct(e, 0), val, sizeof val);
    if (plain)
        snprintf(buf, n, "%.*s (%s)", (int)(end - i), text + i, val);
    else
        snprintf(buf, n, "%s", val);
}

/* "values above 9% and below 10%", "values of exactly 5%", ... */
static void describe(const ival *x, const char *noun, char *buf, size_t n)
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
    else if (cmp_values(x->lo.v, x->hi.v) == 0)
        snprintf(buf, n, "%s of exactly %s", noun, a);
    else
        snprintf(buf, n, "%s %s %s and %s %s", noun, lo_word, a, hi_word, b);
}

/* `< 25%` as it reads on the line. */
static void edge_text(const edge *e, const bnd *b, char *buf, size_t n)
{
    char t[96];
    bound_text(b, t, sizeof t);
    snprintf(buf, n, "%s %s", op_text(e->op), t);
}

/* A growing string for lists of band names. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) RB_PRINTF(2, 3);
static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = vformat(fmt, ap);
    va_end(ap);
    size_t n = strlen(t);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
    free(t);
}

/* ---- Band lines ---------------------------------------------------------- */

/* One band line of a measure, or one score range of a scheme. */
typedef struct bline {
    const band_rule *r;
    int rank;          /* the band's place in the scheme, worst first */
    bool constant;     /* every threshold folds */
    bool empty;        /* its edges contradict each other */
    ival iv;           /* the values it would catch on its own */
    iset caught;       /* what it catches, after the lines above it */
} bline;

static void bline_init(bline *b, const band_rule *r, const scheme *sch)
{
    memset(b, 0, sizeof *b);
    b->r = r;
    b->rank = sch ? scheme_band_index(sch, r->band) : -1;
    b->constant = true;
    b->iv = whole();
    for (int i = 0; i < r->nedges; i++) {
        const edge *e = &r->edges[i];
        rb_num v;
        if (!e->limit || !fold(e->limit, &v, 0)) {
            b->constant = false;
            continue;
        }
        ival h = whole();
        bnd end = {0, e->op == OP_LE || e->op == OP_GE, v, e, r};
        if (e->op == OP_LT || e->op == OP_LE)
            h.hi = end;
        else
            h.lo = end;
        b->iv = meet(&b->iv, &h);
    }
    b->empty = b->constant && ival_empty(&b->iv);
}

static bool bline_reachable(const bline *b)
{
    return !b->constant || (!b->empty && b->caught.n > 0);
}

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
        ival m = meet(&bl[i].iv, &K->iv);
        if (!ival_empty(&m)) {
            iset t = {0};
            minus(&m, &before, &t);
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
    describe(&b->iv, S->noun, what, sizeof what);
    int w = warn(L, b->r->loc, L_UNREACHABLE, "this '%s' line never matches: the lines above it already catch %s",
                 b->r->band, what);
    taker *t = xmalloc((size_t)(i + 1) * sizeof *t);
    int nt = find_takers(bl, i, t);
    for (int k = 0; k < nt; k++) {
        describe(&t[k].taken.v[0], S->noun, what, sizeof what);
        note(L, w, bl[t[k].line].r->loc, "'%s' catches %s%s first", bl[t[k].line].r->band, what,
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
            int c = side == 0 ? hi_cmp(mine, theirs) : lo_cmp(mine, theirs);
            if (c == 0 || sign(c) != -want)
                continue;
            char e1[128], e2[128];
            edge_text(mine->edge, mine, e1, sizeof e1);
            edge_text(theirs->edge, theirs, e2, sizeof e2);
            int w = warn(L, mine->edge->loc, L_ORDER,
                         "thresholds out of order: '%s %s' is %s '%s %s' (line %u) although %s comes %s %s in scheme '%s'%s; "
                         "this line never matches",
                         b->r->band, e1, c < 0 ? "below" : "above", K->r->band, e2, line_of(K->r->loc), b->r->band,
                         b->rank > K->rank ? "after" : "before", K->r->band, S->sch->name,
                         S->dir < 0 ? (S->is_scheme ? " and higher scores get earlier bands here"
                                                    : " and higher values get earlier bands in this measure")
                                    : "");
            note(L, w, theirs->edge->loc, "'%s %s' is here", K->r->band, e2);
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
    bool lo_lost = !b->iv.lo.inf && lo_cmp(&first->lo, &b->iv.lo) != 0;
    bool hi_lost = !b->iv.hi.inf && hi_cmp(&last->hi, &b->iv.hi) != 0;
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
            if (lo_lost && lo_cmp(&pc->lo, &b->iv.lo) == 0)
                at = &b->iv.lo;
            else if (hi_lost && hi_cmp(&pc->hi, &b->iv.hi) == 0)
                at = &b->iv.hi;
            if (!at)
                continue;
            char what[256];
            describe(pc, S->noun, what, sizeof what);
            int w = warn(L, at->edge ? at->edge->loc : b->r->loc, L_OVERLAP,
                         "this '%s' line overlaps '%s' on line %u: %s are %s, not %s (the first matching line wins)",
                         b->r->band, K->r->band, line_of(K->r->loc), what, K->r->band, b->r->band);
            note(L, w, K->r->loc, "'%s' catches them first", K->r->band);
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
            while (at > 0 && lo_cmp(&s[at - 1].iv.lo, &x.iv.lo) > 0) {
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
    sbuf seq = {0}, order = {0};
    int last = -1;
    for (int j = 0; j < m; j++) {
        int r = bl[sg[j].line].rank;
        if (r != last)
            sb_add(&seq, "%s%s", seq.len ? ", " : "", band_of(S, r));
        last = r;
    }
    for (int r = 0; r < S->sch->nbands; r++)
        sb_add(&order, "%s%s", r ? ", " : "", S->sch->bands[r]);
    const bline *b = &bl[sg[bad].line];
    if (S->is_scheme && S->dir != 0)
        warn(L, b->r->loc, L_ORDER, "score ranges out of order: as scores rise the bands go %s, but the bands score %s",
             seq.s, S->scores);
    else
        warn(L, b->r->loc, L_ORDER, "thresholds out of order: as %s rise the bands go %s, but scheme '%s' orders them %s",
             S->noun, seq.s, S->sch->name, order.s);
    free(seq.s);
    free(order.s);
    return true;
}

static void lint_gaps(linter *L, const subject *S, const iset *cum)
{
    iset gaps = {0};
    complement(cum, &gaps);
    for (int i = 0; i < gaps.n; i++) {
        ival g = gaps.v[i];
        if (S->has_domain) {
            g = meet(&g, &S->domain);
            if (ival_empty(&g))
                continue;
        }
        if (g.lo.inf && g.hi.inf)
            continue;
        char what[256];
        describe(&g, S->noun, what, sizeof what);
        const bnd *after = !g.hi.inf && g.hi.edge ? &g.hi : NULL;
        const bnd *before = !g.lo.inf && g.lo.edge ? &g.lo : NULL;
        rb_loc at = after ? after->edge->loc : before ? before->edge->loc : S->name_loc;
        int w = warn(L, at, L_GAP, "%s fall in no band", what);
        if (after && before)
            note(L, w, before->edge->loc, "'%s' ends here", before->rule->band);
    }
    iset_free(&gaps);
}

/* Gaps, overlaps, lines that never match and disorder among n lines. */
static void analyse(linter *L, subject *S, bline *bl, int n)
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
        minus(&b->iv, &cum, &b->caught);
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
            edge_text(b->iv.lo.edge, &b->iv.lo, e1, sizeof e1);
            edge_text(b->iv.hi.edge, &b->iv.hi, e2, sizeof e2);
            warn(L, b->r->loc, L_UNREACHABLE, "this '%s' line never matches: no %s is both %s and %s", b->r->band,
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

static void free_lines(bline *bl, int n)
{
    for (int i = 0; i < n; i++)
        iset_free(&bl[i].caught);
    free(bl);
}

/* ---- Measures and schemes ------------------------------------------------ */

/* The scores a measure or group can have: [lo, hi], hi maybe unbounded. */
typedef struct span {
    bool known;
    bool hi_inf;
    rb_num lo, hi;
} span;

static void span_join(span *a, const span *b)
{
    if (!a->known) {
        *a = *b;
        return;
    }
    if (cmp_values(b->lo, a->lo) < 0)
        a->lo = b->lo;
    if (b->hi_inf)
        a->hi_inf = true;
    else if (!a->hi_inf && cmp_values(b->hi, a->hi) > 0)
        a->hi = b->hi;
}

/* A measure scores one of its scheme's band scores; a mean stays between
 * its members' lowest and highest; a sum of scores that cannot be negative
 * is at least 0.  Unknown when a score is not constant.  Memoised by
 * evaluation order (state 0 new, 1 known, 2 unknown): groups may share
 * members. */
typedef struct span_memo {
    const policy *p;
    span *memo;
    char *state;
} span_memo;

static span score_span(span_memo *sm, const symbol *s)
{
    span r = {0};
    const policy *p = sm->p;
    if (!s || s->order < 0 || s->order >= p->norder || p->order[s->order] != s)
        return r;
    if (sm->state[s->order])
        return sm->state[s->order] == 1 ? sm->memo[s->order] : r;
    sm->state[s->order] = 2; /* no cycles after checking; this only guards */
    if (s->kind == SYM_MEASURE) {
        const scheme *sch = s->scheme;
        for (int i = 0; sch && i < sch->nbands; i++) {
            rb_num v;
            if (!sch->rules[i]->score || !fold(sch->rules[i]->score, &v, 0))
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
            if (cmp_values(r.lo, num_from_int(0)) < 0)
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

typedef struct scheme_use {
    int measures, groups;
    bool domain_unknown;  /* some group's score span is unknown */
    span domain;          /* the scores groups using it can have */
    bool same_members;    /* some mean group has a member on this same scheme */
    bool *given;          /* per band: some measure line can give it */
} scheme_use;

static int scheme_index(const policy *p, const scheme *s)
{
    for (int i = 0; i < p->nschemes; i++)
        if (p->schemes[i] == s)
            return i;
    return -1;
}

static const symbol *symbol_of(const policy *p, const decl *d)
{
    const symbol *s = d->name ? policy_lookup(p, d->name) : NULL;
    return s && s->decl == d ? s : NULL;
}

static void lint_measure(linter *L, const decl *d, const symbol *sym, scheme_use *use)
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
                use->given[scheme_band_index(sch, r->band)] = true;
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
    analyse(L, &S, bl, n);
    for (int i = 0; i < n; i++)
        if (bl[i].rank >= 0 && bline_reachable(&bl[i]))
            use->given[bl[i].rank] = true;
    free_lines(bl, n);
}

static void lint_scheme(linter *L, const scheme *sch, const scheme_use *use)
{
    const decl *d = sch->decl;
    if (use->measures == 0 && use->groups == 0) {
        warn(L, d->name_loc, L_UNUSED, "scheme '%s' is never used: no measure or group names it", sch->name);
        return;
    }
    int nb = sch->nbands;
    if (nb == 0)
        return;
    rb_num *score = xmalloc((size_t)nb * sizeof *score);
    bool scores_known = true;
    for (int i = 0; i < nb; i++)
        if (!sch->rules[i]->score || !fold(sch->rules[i]->score, &score[i], 0))
            scores_known = false;

    /* Scores are judged among the bands with a score range: a band such as
     * `gray scores 0` with none stands outside the order. */
    int nranges = 0;
    for (int i = 0; i < nb; i++)
        nranges += sch->rules[i]->nedges > 0 || sch->rules[i]->otherwise;
    sbuf listing = {0};
    int score_dir = 0;
    if (scores_known && nranges > 0) {
        char t[64];
        int bad = -1, prev = -1;
        for (int i = 0; i < nb; i++) {
            if (sch->rules[i]->nedges == 0 && !sch->rules[i]->otherwise)
                continue;
            num_text(score[i], written_pct(sch->rules[i]->score, 0), t, sizeof t);
            sb_add(&listing, "%s%s %s", listing.len ? ", " : "", sch->bands[i], t);
            int s = prev < 0 ? 0 : cmp_values(score[i], score[prev]);
            prev = i;
            if (s == 0)
                continue;
            if (score_dir == 0)
                score_dir = s;
            else if (s != score_dir && bad < 0)
                bad = i;
        }
        if (bad >= 0) {
            warn(L, sch->rules[bad]->score->loc, L_ORDER,
                 "scores out of order: the bands of scheme '%s' score %s; scores should rise (or fall) from "
                 "one band to the next",
                 sch->name, listing.s);
            score_dir = 0;
        }
    }

    bool *range_given = xcalloc((size_t)nb, sizeof *range_given);
    if (use->groups > 0 && nranges == 0)
        warn(L, d->name_loc, L_NEVER,
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
        S.scores = listing.s ? listing.s : "";
        if (!use->domain_unknown && use->domain.known) {
            /* Only the scores the groups can have need a band. */
            S.has_domain = true;
            S.domain = whole();
            S.domain.lo.inf = 0;
            S.domain.lo.closed = true;
            S.domain.lo.v = use->domain.lo;
            if (!use->domain.hi_inf) {
                S.domain.hi.inf = 0;
                S.domain.hi.closed = true;
                S.domain.hi.v = use->domain.hi;
            }
        }
        analyse(L, &S, bl, n);
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
                    num_text(score[own], written_pct(sch->rules[own]->score, 0), t, sizeof t);
                    const char *other = sch->bands[bl[k].rank];
                    warn(L, sch->rules[own]->score->loc, L_ORDER,
                         "'%s' scores %s, but a score of %s is '%s' by this scheme's ranges (line %u): "
                         "a group whose members are all %s would be %s",
                         sch->bands[own], t, t, other, line_of(bl[k].r->loc), sch->bands[own], other);
                }
        }
        free_lines(bl, n);
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
            warn(L, r->band_loc, L_NEVER, "band '%s' is never given: no measure has a '%s' line that can match, and %s",
                 r->band, r->band, group_reason);
        else if (use->measures > 0)
            warn(L, r->band_loc, L_NEVER, "band '%s' is never given: no measure using scheme '%s' has a '%s' line that can match",
                 r->band, sch->name, r->band);
        else
            warn(L, r->band_loc, L_NEVER, "band '%s' is never given: %s", r->band, group_reason);
    }
    free(range_given);
    free(listing.s);
    free(score);
}

/* ---- Groups: weights and the number of metrics ---------------------------- */

static void lint_group(linter *L, const decl *d)
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
        bool pct = literal_pct(m->weight);
        any_pct = any_pct || pct;
        all_pct = all_pct && pct;
        rb_num w;
        if (!fold(m->weight, &w, 0)) {
            sum_known = false;
            continue;
        }
        sum = num_add(sum, w);
        char t[96];
        const_text(m->weight, w, t, sizeof t);
        rb_loc at = loc_span(m->loc, m->weight->loc);
        if (m->weight->loc.end < m->loc.end)
            at = m->loc;
        if (num_is_zero(w))
            warn(L, at, L_WEIGHTS, "'%s' has weight %s, so it never counts toward '%s'", m->name, t, d->name);
        else if (cmp_values(w, num_from_int(0)) < 0)
            warn(L, at, L_WEIGHTS, "'%s' has a negative weight (%s); weights should be positive", m->name, t);
    }
    if (all_pct && sum_known && nmembers > 0 && cmp_values(sum, num_from_int(1)) != 0) {
        char t[64];
        num_text(sum, true, t, sizeof t);
        warn(L, loc_span(d->members->loc, last->weight->loc), L_WEIGHTS, "the weights of '%s' add up to %s, not 100%%",
             d->name, t);
    }
    if (any_pct && !all_weighted)
        for (const name_ref *m = d->members; m; m = m->next)
            if (!m->weight)
                warn(L, m->loc, L_WEIGHTS,
                     "'%s' has no weight, so it counts as 1 (that is, 100%%) beside weights written as percentages",
                     m->name);
    if (!category && measures < 3)
        warn(L, d->name_loc, L_FEW,
             "use case '%s' has only %d measure%s; the Use Case Adoption Scoring handbook asks for at least 3 "
             "(ideally 5-7) metrics per use case",
             d->name, measures, measures == 1 ? "" : "s");
}

/* ---- Unused definitions ---------------------------------------------------- */

/* Marks the symbols a declaration refers to, by evaluation order.  With a
 * stack, each newly marked one is pushed (to follow its own references);
 * with user, the first declaring symbol to refer to each is remembered. */
typedef struct marker {
    const policy *p;
    bool *seen;
    int *stack, top;
    int *user, from;
} marker;

static void mark(marker *mk, const symbol *s)
{
    const policy *p = mk->p;
    if (!s || s->order < 0 || s->order >= p->norder || p->order[s->order] != s)
        return;
    if (mk->user && mk->user[s->order] < 0)
        mk->user[s->order] = mk->from;
    if (mk->seen[s->order])
        return;
    mk->seen[s->order] = true;
    if (mk->stack)
        mk->stack[mk->top++] = s->order;
}

static void mark_expr(marker *mk, const expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        mark(mk, e->u.name.sym);
        break;
    case EX_UNARY:
        mark_expr(mk, e->u.bin.l);
        break;
    case EX_BINARY:
        mark_expr(mk, e->u.bin.l);
        mark_expr(mk, e->u.bin.r);
        break;
    case EX_IF:
        mark_expr(mk, e->u.cond.cond);
        mark_expr(mk, e->u.cond.then);
        mark_expr(mk, e->u.cond.els);
        break;
    case EX_CALL:
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            mark_expr(mk, a->e);
        break;
    case EX_IS:
        mark_expr(mk, e->u.is.e);
        break;
    case EX_COUNT:
        for (const name_ref *m = e->u.count.members; m; m = m->next)
            mark(mk, m->sym);
        break;
    default:
        break;
    }
}

static void mark_refs(marker *mk, const name_ref *refs)
{
    for (; refs; refs = refs->next) {
        mark(mk, refs->sym);
        mark_expr(mk, refs->weight);
    }
}

static void mark_decl(marker *mk, const decl *d)
{
    mark_expr(mk, d->value);
    for (const clause *c = d->clauses; c; c = c->next)
        mark_expr(mk, c->cond);
    for (const band_rule *r = d->bands; r; r = r->next) {
        mark_expr(mk, r->score);
        for (int i = 0; i < r->nedges; i++)
            mark_expr(mk, r->edges[i].limit);
    }
    mark_refs(mk, d->members);
}

static bool definition_kind(decl_kind k)
{
    return k == D_INPUT || k == D_PARAM || k == D_LET || k == D_METRIC || k == D_MEASURE || k == D_GROUP;
}

/* What keeps a definition alive: the outputs, the account id, schemes, and
 * whatever a live definition refers to.  Tests do not count. */
static void find_live(const policy *p, bool *live, const bool *by_defs, const bool *by_tests)
{
    marker mk = {p, live, xmalloc((size_t)p->norder * sizeof(int)), 0, NULL, 0};
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        bool root = s->is_output || !s->decl ||
                    (s->kind == SYM_INPUT && p->id_field && strcmp(p->id_field, s->name) == 0) ||
                    /* used, but by something this file does not know to look in */
                    (s->used && !by_defs[i] && !by_tests[i]);
        if (root)
            mark(&mk, s);
    }
    for (const decl *d = p->decls; d; d = d->next)
        if (d->kind != D_TEST && !definition_kind(d->kind))
            mark_decl(&mk, d);
    while (mk.top > 0) {
        const symbol *s = p->order[mk.stack[--mk.top]];
        if (s->decl)
            mark_decl(&mk, s->decl);
    }
    free(mk.stack);
}

static void lint_unused(linter *L)
{
    const policy *p = L->p;
    if (p->norder <= 0)
        return;
    size_t n = (size_t)p->norder;
    bool *by_defs = xcalloc(n, sizeof *by_defs);
    bool *by_tests = xcalloc(n, sizeof *by_tests);
    bool *live = xcalloc(n, sizeof *live);
    bool *scratch = xcalloc(n, sizeof *scratch);
    int *user = xmalloc(n * sizeof *user);
    marker defs = {p, by_defs, NULL, 0, NULL, 0}, tests = {p, by_tests, NULL, 0, NULL, 0};
    for (const decl *d = p->decls; d; d = d->next) {
        if (d->kind == D_TEST) {
            mark_decl(&tests, d);
            mark_refs(&tests, d->givens);
        } else {
            mark_decl(&defs, d);
        }
    }
    find_live(p, live, by_defs, by_tests);
    /* For each unused name, the first unused definition that refers to it. */
    for (size_t i = 0; i < n; i++)
        user[i] = -1;
    marker users = {p, scratch, NULL, 0, user, 0};
    for (int k = 0; k < p->norder; k++)
        if (!live[k] && p->order[k]->decl) {
            users.from = k;
            mark_decl(&users, p->order[k]->decl);
        }
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        if (live[i] || !s->decl)
            continue;
        if (s->kind != SYM_INPUT && s->kind != SYM_PARAM && s->kind != SYM_LET)
            continue;
        rb_loc at = s->decl->name_loc;
        const char *what = s->kind == SYM_INPUT ? "input " : s->kind == SYM_PARAM ? "parameter " : "";
        if (by_defs[i] && user[i] >= 0)
            warn(L, at, L_UNUSED, "%s'%s' is used only by '%s', which is never used itself", what, s->name,
                 p->order[user[i]]->name);
        else if (by_tests[i])
            warn(L, at, L_UNUSED, "%s'%s' is used only by tests: no definition refers to it", what, s->name);
        else if (s->kind == SYM_INPUT)
            warn(L, at, L_UNUSED, "input '%s' is never used; CSV data must still have this column", s->name);
        else if (s->kind == SYM_PARAM)
            warn(L, at, L_UNUSED, "parameter '%s' is never used, so --param %s=... changes nothing", s->name, s->name);
        else
            warn(L, at, L_UNUSED, "'%s' is never used: no output or definition refers to it", s->name);
    }
    free(by_defs);
    free(by_tests);
    free(live);
    free(scratch);
    free(user);
}

/* ---- Entry point ---------------------------------------------------------- */

int lint_policy(const policy *p, diag *d)
{
    return lint_policy_only(p, d, NULL, 0);
}

int lint_policy_only(const policy *p, diag *d, const char *const *names, int nnames)
{
    linter L = {p, NULL, 0, 0, NULL, 0};
    span_memo sm = {p, xcalloc((size_t)p->norder + 1, sizeof(span)), xcalloc((size_t)p->norder + 1, 1)};
    scheme_use *use = xcalloc((size_t)p->nschemes + 1, sizeof *use);
    for (int i = 0; i < p->nschemes; i++) {
        use[i].given = xcalloc((size_t)p->schemes[i]->nbands + 1, sizeof *use[i].given);
    }
    for (const decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_MEASURE && x->kind != D_GROUP)
            continue;
        const symbol *s = symbol_of(p, x);
        if (!s)
            continue;
        int si = s->scheme ? scheme_index(p, s->scheme) : -1;
        if (x->kind == D_MEASURE) {
            if (si >= 0) {
                use[si].measures++;
                lint_measure(&L, x, s, &use[si]);
            }
        } else {
            if (si >= 0) {
                use[si].groups++;
                span sp = score_span(&sm, s);
                if (sp.known)
                    span_join(&use[si].domain, &sp);
                else
                    use[si].domain_unknown = true;
                /* Only a mean of members that are all yellow scores what
                 * yellow scores; a sum of them scores more. */
                for (const name_ref *m = x->members; m && x->agg == AGG_MEAN; m = m->next)
                    if (m->sym && m->sym->scheme == s->scheme)
                        use[si].same_members = true;
            }
            lint_group(&L, x);
        }
    }
    for (int i = 0; i < p->nschemes; i++)
        lint_scheme(&L, p->schemes[i], &use[i]);
    lint_unused(&L);
    L.only = names;
    L.nonly = nnames;
    free(sm.memo);
    free(sm.state);
    for (int i = 0; i < p->nschemes; i++)
        free(use[i].given);
    free(use);
    return flush(&L, d);
}
