/* coverage.c - what a policy's tests reached (see coverage.h). */
#include "coverage.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

typedef enum cov_kind { COV_BAND, COV_CONDITION, COV_MEMBER, COV_KINDS } cov_kind;

static const char *const kind_names[COV_KINDS] = {"bands", "conditions", "members"};

typedef struct cov_item {
    cov_kind kind;
    int pol;         /* the file of its measure or group: whose figures it counts in */
    int path;           /* the file it is written in (a group's band lines: its scheme's) */
    unsigned line;
    unsigned decl_line; /* its measure's or group's: the report's order, */
    unsigned sort_line; /* then this: its line, or after the others for a
                         * line not under its measure or group (a scheme's) */
    char *name;         /* the measure's or group's */
    char *what;         /* the report's words after file:line */
    bool hit;
} cov_item;

/* A measure or group already registered: its items are first.. on. */
typedef struct cov_decl {
    int pol;
    unsigned offset;
    int first;
} cov_decl;

struct coverage {
    cov_item *items;
    int nitems, items_cap;
    cov_decl *decls;
    int ndecls, decls_cap;
    char **paths;       /* as first named */
    char **reals;       /* paths[i]'s real path: what tells one file from another */
    int npaths, paths_cap;
    int *policies;      /* the paths with items, in the order of their names */
    int npolicies;
};

struct cov_run {
    coverage *cv;
    int *first;         /* per step: its first item, -1 when it has none */
    line_trace *lines;
    uint8_t *applies, *na_when;
    bool *counted;
};

coverage *coverage_new(void)
{
    return xcalloc(1, sizeof(coverage));
}

void coverage_free(coverage *cv)
{
    if (!cv)
        return;
    for (int i = 0; i < cv->nitems; i++) {
        free(cv->items[i].name);
        free(cv->items[i].what);
    }
    for (int i = 0; i < cv->npaths; i++) {
        free(cv->paths[i]);
        free(cv->reals[i]);
    }
    free(cv->items);
    free(cv->decls);
    free(cv->paths);
    free(cv->reals);
    free(cv->policies);
    free(cv);
}

/* The index of a file, by its real path (rules/a.rules given on the
 * command line and "a.rules" imported from rules/b.rules are one). */
static int path_index(coverage *cv, const char *path)
{
    char real[PATH_MAX];
    const char *key = realpath(path, real) ? real : path;
    for (int i = 0; i < cv->npaths; i++)
        if (strcmp(cv->reals[i], key) == 0)
            return i;
    if (cv->npaths == cv->paths_cap) {
        cv->paths_cap = cv->paths_cap ? 2 * cv->paths_cap : 8;
        cv->paths = xrealloc(cv->paths, (size_t)cv->paths_cap * sizeof *cv->paths);
        cv->reals = xrealloc(cv->reals, (size_t)cv->paths_cap * sizeof *cv->reals);
    }
    cv->paths[cv->npaths] = xstrdup(path);
    cv->reals[cv->npaths] = xstrdup(key);
    return cv->npaths++;
}

static unsigned line_of(rb_loc loc)
{
    unsigned line, col;
    source_line_col(loc.src, loc.begin, &line, &col);
    return line;
}

/* An item, its words "measure NAME " + before + arg + after. */
static void add_item(coverage *cv, const step *s, int pol, cov_kind kind, rb_loc at, const char *before, const char *arg,
                     const char *after)
{
    if (cv->nitems == cv->items_cap) {
        cv->items_cap = cv->items_cap ? 2 * cv->items_cap : 64;
        cv->items = xrealloc(cv->items, (size_t)cv->items_cap * sizeof *cv->items);
    }
    cov_item *it = &cv->items[cv->nitems++];
    const decl *d = s->sym->decl;
    it->kind = kind;
    it->pol = pol;
    it->path = at.src == d->loc.src ? pol : path_index(cv, at.src->path);
    it->line = line_of(at);
    it->decl_line = line_of(d->loc);
    it->sort_line = at.src == d->loc.src && at.begin >= d->loc.begin ? it->line : UINT_MAX;
    it->name = xstrdup(s->sym->name);
    strbuf b;
    strbuf_init(&b);
    strbuf_addf(&b, "%s %s %s%s%s", s->kind == STEP_GROUP ? "group" : "measure", s->sym->name, before, arg, after);
    it->what = strbuf_take(&b, NULL);
    it->hit = false;
}

/* The items of one measure or group, in the order coverage_account
 * marks them: its na outcome, its band lines, each condition's true and
 * not-true sides (the `applies when` lines, then the `na when` lines),
 * its members. */
static void add_items(coverage *cv, const step *s, int pol)
{
    const decl *d = s->sym->decl;
    add_item(cv, s, pol, COV_BAND, d->loc, "", "na", " never reached");
    for (int t = 0; t < s->ntests; t++)
        add_item(cv, s, pol, COV_BAND, s->tests[t].rule->loc, "band \"", s->tests[t].rule->band, "\" never reached");
    for (int pass = 0; pass < 2; pass++) {
        clause_kind want = pass == 0 ? CL_APPLIES_WHEN : CL_NA_WHEN;
        const char *words = pass == 0 ? "applies when" : "na when";
        for (const clause *cl = d->clauses; cl; cl = cl->next) {
            if (cl->kind != want)
                continue;
            add_item(cv, s, pol, COV_CONDITION, cl->loc, "", words, " never true");
            add_item(cv, s, pol, COV_CONDITION, cl->loc, "", words, " never false or na");
        }
    }
    if (s->kind == STEP_GROUP)
        for (const name_ref *m = d->members; m; m = m->next)
            add_item(cv, s, pol, COV_MEMBER, m->loc, "member ", m->name, " never counted in its score");
}

cov_run *coverage_begin(coverage *cv, const program *prog)
{
    cov_run *r = xcalloc(1, sizeof *r);
    r->cv = cv;
    r->first = xmalloc((size_t)(prog->nsteps + 1) * sizeof *r->first);
    int most = 1;
    for (int k = 0; k < prog->nsteps; k++) {
        const step *s = &prog->steps[k];
        r->first[k] = -1;
        if (s->kind == STEP_VALUE)
            continue;
        int sizes[] = {s->ntests, s->n_applies, s->n_na_when, s->nmembers};
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
            most = sizes[i] > most ? sizes[i] : most;
        const decl *d = s->sym->decl;
        int pol = path_index(cv, d->loc.src->path);
        for (int i = 0; i < cv->ndecls && r->first[k] < 0; i++)
            if (cv->decls[i].pol == pol && cv->decls[i].offset == d->loc.begin)
                r->first[k] = cv->decls[i].first;
        if (r->first[k] >= 0)
            continue;
        if (cv->ndecls == cv->decls_cap) {
            cv->decls_cap = cv->decls_cap ? 2 * cv->decls_cap : 32;
            cv->decls = xrealloc(cv->decls, (size_t)cv->decls_cap * sizeof *cv->decls);
        }
        cv->decls[cv->ndecls++] = (cov_decl){pol, d->loc.begin, cv->nitems};
        r->first[k] = cv->nitems;
        /* The policies in the order of their paths, whatever the order
         * the test files imported them in. */
        int at = 0;
        while (at < cv->npolicies && cv->policies[at] != pol && strcmp(cv->paths[cv->policies[at]], cv->paths[pol]) < 0)
            at++;
        if (at == cv->npolicies || cv->policies[at] != pol) {
            cv->policies = xrealloc(cv->policies, (size_t)(cv->npolicies + 1) * sizeof *cv->policies);
            memmove(cv->policies + at + 1, cv->policies + at, (size_t)(cv->npolicies - at) * sizeof *cv->policies);
            cv->policies[at] = pol;
            cv->npolicies++;
        }
        add_items(cv, s, pol);
    }
    r->lines = xmalloc((size_t)most * sizeof *r->lines);
    r->applies = xmalloc((size_t)most);
    r->na_when = xmalloc((size_t)most);
    r->counted = xmalloc((size_t)most * sizeof *r->counted);
    return r;
}

void coverage_account(cov_run *r, const program *prog, frame *f)
{
    cov_item *items = r->cv->items;
    for (int k = 0; k < prog->nsteps; k++) {
        int i = r->first[k];
        if (i < 0)
            continue;
        const step *s = &prog->steps[k];
        const rb_value *v = &f->slots[s->slot];
        if (v->kind == VK_NA) {
            items[i].hit = true;
        } else if (v->kind == VK_BANDED) {
            /* The line the band came from, found by scoring's matcher: a
             * value no line catches, or a threshold that is na, reaches
             * none. */
            band_trace tr = {r->lines, 0};
            /* A graded measure without band lines is banded by its score. */
            int t = !s->score_bands ? eval_band_trace(s, f, v->u.num, &tr)
                    : v->has_score  ? eval_band_trace(s, f, v->score, &tr)
                                    : -1;
            if (t >= 0)
                items[i + 1 + t].hit = true;
        }
        i += 1 + s->ntests;
        eval_applies_trace(s, f, r->applies, r->na_when);
        for (int c = 0; c < s->n_applies + s->n_na_when; c++, i += 2) {
            uint8_t seen = c < s->n_applies ? r->applies[c] : r->na_when[c - s->n_applies];
            if (seen != COND_UNSEEN)
                items[i + (seen == COND_NOT_TRUE)].hit = true;
        }
        if (s->kind == STEP_GROUP) {
            eval_members_trace(s, f, r->counted);
            for (int m = 0; m < s->nmembers; m++)
                items[i + m].hit |= r->counted[m];
        }
    }
}

void coverage_end(cov_run *r)
{
    if (!r)
        return;
    free(r->first);
    free(r->lines);
    free(r->applies);
    free(r->na_when);
    free(r->counted);
    free(r);
}

/* ---- the report ------------------------------------------------------- */

typedef struct tally {
    int covered[COV_KINDS + 1], total[COV_KINDS + 1]; /* [COV_KINDS]: all */
} tally;

static tally count(const coverage *cv, int pol)
{
    tally t = {{0}, {0}};
    for (int i = 0; i < cv->nitems; i++) {
        const cov_item *it = &cv->items[i];
        if (it->pol != pol)
            continue;
        t.total[it->kind]++;
        t.total[COV_KINDS]++;
        t.covered[it->kind] += it->hit;
        t.covered[COV_KINDS] += it->hit;
    }
    return t;
}

/* Tenths of a percent, rounded down: 100% only when nothing is missing,
 * and never above the figure --coverage-min compares. */
static long long tenths(int covered, int total)
{
    return total ? (long long)covered * 1000 / total : 1000;
}

static void percent_text(int covered, int total, char *buf, size_t cap)
{
    long long t = tenths(covered, total);
    snprintf(buf, cap, "%lld.%lld%%", t / 10, t % 10);
}

/* An item never reached, with where the report puts it: by measure or
 * group, then by line, then in the order registered. */
typedef struct place {
    unsigned decl_line, line;
    int index;
} place;

static int by_place(const void *a, const void *b)
{
    const place *x = a, *y = b;
    if (x->decl_line != y->decl_line)
        return x->decl_line < y->decl_line ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The indexes of the policy's items never reached, in report order; the
 * caller frees them. */
static int *missed(const coverage *cv, int pol, int *n)
{
    place *pl = xmalloc((size_t)(cv->nitems + 1) * sizeof *pl);
    *n = 0;
    for (int i = 0; i < cv->nitems; i++) {
        const cov_item *it = &cv->items[i];
        if (it->pol == pol && !it->hit)
            pl[(*n)++] = (place){it->decl_line, it->sort_line, i};
    }
    qsort(pl, (size_t)*n, sizeof *pl, by_place);
    int *idx = xmalloc((size_t)(*n + 1) * sizeof *idx);
    for (int i = 0; i < *n; i++)
        idx[i] = pl[i].index;
    free(pl);
    return idx;
}

void coverage_text(const coverage *cv, FILE *out)
{
    for (int p = 0; p < cv->npolicies; p++) {
        int pol = cv->policies[p];
        tally t = count(cv, pol);
        char pct[32];
        percent_text(t.covered[COV_KINDS], t.total[COV_KINDS], pct, sizeof pct);
        fprintf(out, "coverage of %s: %s (%d/%d):", cv->paths[pol], pct, t.covered[COV_KINDS], t.total[COV_KINDS]);
        for (int k = 0; k < COV_KINDS; k++) {
            fprintf(out, "%s %s %d/%d", k ? "," : "", kind_names[k], t.covered[k], t.total[k]);
            if (t.total[k]) {
                percent_text(t.covered[k], t.total[k], pct, sizeof pct);
                fprintf(out, " %s", pct);
            }
        }
        putc('\n', out);
        int n;
        int *idx = missed(cv, pol, &n);
        for (int i = 0; i < n; i++) {
            const cov_item *it = &cv->items[idx[i]];
            fprintf(out, "%s:%u: %s\n", cv->paths[it->path], it->line, it->what);
        }
        free(idx);
    }
}

static void figures(cJSON *o, int covered, int total)
{
    cJSON_AddNumberToObject(o, "covered", covered);
    cJSON_AddNumberToObject(o, "total", total);
    cJSON_AddItemToObject(o, "percent", total ? cJSON_CreateNumber((double)tenths(covered, total) / 10) : cJSON_CreateNull());
}

cJSON *coverage_json(const coverage *cv)
{
    static const char *const item_kinds[COV_KINDS] = {"band", "condition", "member"};
    cJSON *arr = cJSON_CreateArray();
    for (int p = 0; p < cv->npolicies; p++) {
        int pol = cv->policies[p];
        tally t = count(cv, pol);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "policy", cv->paths[pol]);
        figures(o, t.covered[COV_KINDS], t.total[COV_KINDS]);
        for (int k = 0; k < COV_KINDS; k++)
            figures(cJSON_AddObjectToObject(o, kind_names[k]), t.covered[k], t.total[k]);
        cJSON *list = cJSON_AddArrayToObject(o, "uncovered");
        int n;
        int *idx = missed(cv, pol, &n);
        for (int i = 0; i < n; i++) {
            const cov_item *it = &cv->items[idx[i]];
            cJSON *u = cJSON_CreateObject();
            cJSON_AddStringToObject(u, "file", cv->paths[it->path]);
            cJSON_AddNumberToObject(u, "line", it->line);
            cJSON_AddStringToObject(u, "kind", item_kinds[it->kind]);
            cJSON_AddStringToObject(u, "name", it->name);
            cJSON_AddStringToObject(u, "message", it->what);
            cJSON_AddItemToArray(list, u);
        }
        free(idx);
    }
    return arr;
}

int coverage_below(const coverage *cv, double min, const char *min_text, FILE *err)
{
    int below = 0;
    for (int p = 0; p < cv->npolicies; p++) {
        tally t = count(cv, cv->policies[p]);
        /* Exactly: covered/total < min/100, without rounding the share. */
        if ((double)t.covered[COV_KINDS] * 100 >= min * t.total[COV_KINDS])
            continue;
        char pct[32];
        percent_text(t.covered[COV_KINDS], t.total[COV_KINDS], pct, sizeof pct);
        fprintf(err, "rubric test: %s: coverage %s (%d/%d) is below --coverage-min %s\n", cv->paths[cv->policies[p]], pct,
                t.covered[COV_KINDS], t.total[COV_KINDS], min_text);
        below++;
    }
    return below;
}
