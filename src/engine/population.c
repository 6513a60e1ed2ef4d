/* population.c - the figures of population values (see population.h). */
#include "population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

/* A number kept for a population, with the double nearest it: sorting
 * compares the doubles and only ties exactly (the nearest double of a
 * larger number is never smaller). */
typedef struct kept {
    double d;
    rb_num v;
    uint32_t cohort;
} kept;

/* A cohort's key as bytes: its kind, then its value. */
enum { KEY_MAX = 256 };

typedef struct cohort_slot {
    uint64_t hash;
    uint32_t id;    /* + 1; 0: empty */
    uint32_t len;
    char *key;
} cohort_slot;

typedef struct pop_data {
    kept *vals;            /* observed; sorted by cohort then number once settled */
    size_t n, cap;
    cohort_slot *tab;      /* open addressing, cap a power of two */
    uint32_t tab_cap, ncohorts;
    size_t *start;         /* settled: cohort c's numbers are vals[start[c] .. start[c + 1]) */
    rb_value *figure;      /* settled: per cohort, for the values that are one figure per cohort */
    bool settled;
} pop_data;

struct population {
    const program *prog;
    pop_data *d;
};

population *population_new(const program *prog)
{
    population *pop = xcalloc(1, sizeof *pop);
    pop->prog = prog;
    pop->d = xcalloc((size_t)prog->npops + 1, sizeof *pop->d);
    return pop;
}

const program *population_program(const population *pop) { return pop->prog; }

void population_free(population *pop)
{
    if (!pop)
        return;
    for (int k = 0; k < pop->prog->npops; k++) {
        pop_data *d = &pop->d[k];
        for (uint32_t i = 0; i < d->tab_cap; i++)
            free(d->tab[i].key);
        free(d->tab);
        free(d->vals);
        free(d->start);
        free(d->figure);
    }
    free(pop->d);
    free(pop);
}

/* ---- cohorts ---------------------------------------------------------- */

static size_t cohort_key(const rb_value *v, char *key)
{
    key[0] = (char)v->kind;
    switch (v->kind) {
    case VK_TEXT: {
        size_t len = v->len < KEY_MAX - 1 ? v->len : KEY_MAX - 1;
        memcpy(key + 1, v->u.text, len);
        return len + 1;
    }
    case VK_NUM:
        memcpy(key + 1, &v->u.num, sizeof v->u.num);
        return 1 + sizeof v->u.num;
    case VK_BOOL:
        key[1] = (char)v->u.b;
        return 2;
    case VK_DATE:
        memcpy(key + 1, &v->u.date, sizeof v->u.date);
        return 1 + sizeof v->u.date;
    case VK_BANDED: /* a measure's cohort is its band */
        key[1] = (char)v->band;
        return 2;
    default:
        return 1;
    }
}

static uint64_t key_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    return h;
}

/* The cohort whose key is key[0..len) (hash h); -1 when there is none. */
static long cohort_find(const pop_data *d, const char *key, size_t len, uint64_t h)
{
    for (uint32_t i = (uint32_t)h & (d->tab_cap - 1); d->tab_cap; i = (i + 1) & (d->tab_cap - 1)) {
        const cohort_slot *s = &d->tab[i];
        if (!s->id)
            break;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s->id - 1;
    }
    return -1;
}

/* The cohort of value v, added when new. */
static long cohort_of(pop_data *d, const rb_value *v)
{
    char key[KEY_MAX];
    size_t len = cohort_key(v, key);
    uint64_t h = key_hash(key, len);
    long found = cohort_find(d, key, len, h);
    if (found >= 0)
        return found;
    if ((d->ncohorts + 1) * 2 > d->tab_cap) {
        uint32_t cap = d->tab_cap ? d->tab_cap * 2 : 16;
        cohort_slot *tab = xcalloc(cap, sizeof *tab);
        for (uint32_t i = 0; i < d->tab_cap; i++)
            if (d->tab[i].id) {
                uint32_t j = (uint32_t)d->tab[i].hash & (cap - 1);
                while (tab[j].id)
                    j = (j + 1) & (cap - 1);
                tab[j] = d->tab[i];
            }
        free(d->tab);
        d->tab = tab;
        d->tab_cap = cap;
    }
    uint32_t i = (uint32_t)h & (d->tab_cap - 1);
    while (d->tab[i].id)
        i = (i + 1) & (d->tab_cap - 1);
    d->tab[i] = (cohort_slot){h, ++d->ncohorts, (uint32_t)len, xmalloc(len)};
    memcpy(d->tab[i].key, key, len);
    return d->ncohorts - 1;
}

/* ---- gathering -------------------------------------------------------- */

void population_add(population *pop, int k, rb_num x, const rb_value *cohort)
{
    pop_data *d = &pop->d[k];
    long c = 0;
    if (cohort)
        c = cohort_of(d, cohort);
    else if (!d->ncohorts)
        d->ncohorts = 1; /* the whole run */
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->vals = xrealloc(d->vals, d->cap * sizeof *d->vals);
    }
    d->vals[d->n++] = (kept){num_to_double(x), x, (uint32_t)c};
}

static int by_cohort_then_number(const void *pa, const void *pb)
{
    const kept *a = pa, *b = pb;
    if (a->cohort != b->cohort)
        return a->cohort < b->cohort ? -1 : 1;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    int c = num_cmp(a->v, b->v);
    return c == 2 ? 0 : c;
}

/* R's type 7: with h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]), in
 * exact fractions while they fit. */
static rb_num quantile(const kept *x, size_t n, rb_num p)
{
    rb_num h = num_mul(num_from_int((int64_t)n - 1), p);
    double hd = num_to_double(h);
    int64_t j = h.q ? h.p / h.q : (int64_t)floor(hd);
    if (j < 0)
        j = 0;
    if ((size_t)j >= n - 1)
        return x[n - 1].v;
    rb_num g = num_sub(h, num_from_int(j));
    return num_add(x[j].v, num_mul(g, num_sub(x[j + 1].v, x[j].v)));
}

static rb_value figure_of(const pop_call *pc, const kept *x, size_t n)
{
    if (n == 0)
        return value_na();
    rb_value v = {.kind = VK_NUM};
    switch ((builtin_id)pc->fn) {
    case BI_QUANTILE:
        v.u.num = quantile(x, n, pc->p);
        break;
    case BI_MEDIAN_OF:
        v.u.num = quantile(x, n, num_from_frac(1, 2));
        break;
    case BI_MEAN_OF: {
        rb_num sum = num_from_int(0);
        for (size_t i = 0; i < n; i++)
            sum = num_add(sum, x[i].v);
        v.u.num = num_div(sum, num_from_int((int64_t)n));
        break;
    }
    default: /* count_of; count_below and share_below look the account up */
        v.u.num = num_from_int((int64_t)n);
        break;
    }
    return v;
}

void population_settle(population *pop, int level)
{
    const program *prog = pop->prog;
    for (int k = 0; k < prog->npops; k++) {
        const pop_call *pc = &prog->pops[k];
        pop_data *d = &pop->d[k];
        if (pc->level != level)
            continue;
        if (d->n) /* an empty population has no array to sort */
            qsort(d->vals, d->n, sizeof *d->vals, by_cohort_then_number);
        d->start = xcalloc((size_t)d->ncohorts + 1, sizeof *d->start);
        d->figure = xcalloc((size_t)d->ncohorts + 1, sizeof *d->figure);
        size_t i = 0;
        for (uint32_t c = 0; c < d->ncohorts; c++) {
            d->start[c] = i;
            while (i < d->n && d->vals[i].cohort == c)
                i++;
            d->figure[c] = figure_of(pc, d->vals + d->start[c], i - d->start[c]);
        }
        d->start[d->ncohorts] = i;
        d->settled = true;
    }
}

/* ---- scoring ---------------------------------------------------------- */

/* How many of the cohort's numbers are below x. */
static size_t below(const kept *v, size_t n, rb_num x)
{
    double xd = num_to_double(x);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = v[mid].d < xd ? -1 : v[mid].d > xd ? 1 : num_cmp(v[mid].v, x);
        if (c == -1)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const rb_value *population_lookup(const population *pop, const enode *n, const rb_value *x, const rb_value *cohort,
                                  rb_value *tmp, long *count)
{
    tmp->kind = VK_NA;
    if (count)
        *count = 0;
    const pop_data *d = pop ? &pop->d[n->slot] : NULL;
    if (!d || !d->settled || (cohort && cohort->kind == VK_NA))
        return tmp;
    long c = 0;
    if (cohort) {
        char key[KEY_MAX];
        size_t len = cohort_key(cohort, key);
        c = cohort_find(d, key, len, key_hash(key, len));
    } else if (!d->ncohorts) {
        c = -1;
    }
    if (c < 0)
        return tmp;
    size_t from = d->start[c], len = d->start[c + 1] - from;
    if (count)
        *count = (long)len;
    if (n->fn != BI_COUNT_BELOW && n->fn != BI_SHARE_BELOW)
        return &d->figure[c];
    if (!x || x->kind == VK_NA || len == 0)
        return tmp;
    size_t k = below(d->vals + from, len, x->u.num);
    tmp->kind = VK_NUM;
    tmp->u.num = n->fn == BI_COUNT_BELOW ? num_from_int((int64_t)k) : num_from_frac((int64_t)k, (int64_t)len);
    return tmp;
}

/* ---- planning --------------------------------------------------------- */

typedef struct planner {
    program *prog;
    int *slot_level;   /* per slot: the highest level of population value it uses */
    int *slot_step;    /* per slot: the step that fills it, -1 for inputs */
    bool *wanted;      /* per slot: the pass being planned needs it */
} planner;

static int level_of(planner *pl, const enode *n);

static int pop_level(planner *pl, const enode *n)
{
    pop_call *pc = &pl->prog->pops[n->slot];
    if (!pc->level) {
        int a = level_of(pl, n->a), c = level_of(pl, n->c);
        pc->level = 1 + (a > c ? a : c);
    }
    return pc->level;
}

static int level_of(planner *pl, const enode *n)
{
    if (!n)
        return 0;
    if (n->op == N_SLOT)
        return pl->slot_level[n->slot];
    if (n->op == N_POP)
        return pop_level(pl, n);
    int l = level_of(pl, n->a);
    int b = level_of(pl, n->b), c = level_of(pl, n->c);
    l = b > l ? b : l;
    l = c > l ? c : l;
    for (int i = 0; i < n->nargs; i++) {
        int x = level_of(pl, n->args[i]);
        l = x > l ? x : l;
    }
    return l;
}

/* Marks the slots n reads (a population value's number and cohort
 * included: scoring it looks them up). */
static void want(planner *pl, const enode *n)
{
    if (!n)
        return;
    if (n->op == N_SLOT) {
        pl->wanted[n->slot] = true;
        return;
    }
    want(pl, n->a);
    want(pl, n->b);
    want(pl, n->c);
    for (int i = 0; i < n->nargs; i++)
        want(pl, n->args[i]);
}

/* Calls fn on every node step st evaluates. */
static int step_nodes(planner *pl, const step *st, int (*fn)(planner *, const enode *))
{
    int l = fn(pl, st->value);
    for (int i = 0; i < st->n_na_when; i++)
        l = fn(pl, st->na_when[i]) > l ? fn(pl, st->na_when[i]) : l;
    for (int i = 0; i < st->n_applies; i++)
        l = fn(pl, st->applies[i]) > l ? fn(pl, st->applies[i]) : l;
    for (int i = 0; i < st->ntests; i++)
        for (int e = 0; e < st->tests[i].nedges; e++)
            l = fn(pl, st->tests[i].limit[e]) > l ? fn(pl, st->tests[i].limit[e]) : l;
    for (int i = 0; i < st->nmembers; i++) {
        l = pl->slot_level[st->member_slots[i]] > l ? pl->slot_level[st->member_slots[i]] : l;
        l = fn(pl, st->weights[i]) > l ? fn(pl, st->weights[i]) : l;
    }
    return l;
}

static int want_node(planner *pl, const enode *n)
{
    want(pl, n);
    return 0;
}

void population_plan(program *prog)
{
    if (!prog->npops)
        return;
    planner pl = {prog, xcalloc((size_t)prog->nslots + 1, sizeof(int)), xmalloc(((size_t)prog->nslots + 1) * sizeof(int)),
                  xcalloc((size_t)prog->nslots + 1, sizeof(bool))};
    for (int i = 0; i < prog->nslots; i++)
        pl.slot_step[i] = -1;
    for (int i = 0; i < prog->nsteps; i++) {
        const step *st = &prog->steps[i];
        pl.slot_step[st->slot] = i;
        pl.slot_level[st->slot] = step_nodes(&pl, st, level_of);
    }
    for (int k = 0; k < prog->npops; k++) /* those only a test's expectation reads */
        if (pop_level(&pl, prog->pops[k].node) > prog->npasses)
            prog->npasses = prog->pops[k].level;
    prog->pass_steps = arena_alloc(&prog->arena, (size_t)prog->npasses * sizeof *prog->pass_steps);
    prog->pass_nsteps = arena_alloc(&prog->arena, (size_t)prog->npasses * sizeof *prog->pass_nsteps);
    for (int level = 1; level <= prog->npasses; level++) {
        memset(pl.wanted, 0, ((size_t)prog->nslots + 1) * sizeof(bool));
        for (int k = 0; k < prog->npops; k++)
            if (prog->pops[k].level == level) {
                want(&pl, prog->pops[k].node->a);
                want(&pl, prog->pops[k].node->c);
            }
        int n = 0;
        for (int i = prog->nsteps - 1; i >= 0; i--)
            if (pl.wanted[prog->steps[i].slot]) {
                step_nodes(&pl, &prog->steps[i], want_node);
                for (int m = 0; m < prog->steps[i].nmembers; m++)
                    pl.wanted[prog->steps[i].member_slots[m]] = true;
                n++;
            }
        int *steps = arena_alloc(&prog->arena, (size_t)(n + 1) * sizeof *steps);
        int j = 0;
        for (int i = 0; i < prog->nsteps; i++)
            if (pl.wanted[prog->steps[i].slot])
                steps[j++] = i;
        prog->pass_steps[level - 1] = steps;
        prog->pass_nsteps[level - 1] = j;
    }
    free(pl.slot_level);
    free(pl.slot_step);
    free(pl.wanted);
}
