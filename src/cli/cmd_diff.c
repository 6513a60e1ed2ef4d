/* cmd_diff.c - `rubric diff OLD NEW DATA`: two versions of a policy on the
 * same accounts, and who changes color.
 *
 * The data is read once; each record is scored by both policies.  Per
 * output present in both, a transition matrix counts accounts by their old
 * and new value: band names for banded outputs, the value itself for the
 * others while there are few enough distinct values to tabulate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtest_run.h"
#include "cli.h"
#include "git_source.h"
#include "scan.h"
#include "session.h"
#include "writer.h"
#include "xalloc.h"

/* Distinct values of an unbanded output to tabulate; a side with a scheme
 * has a row per band and one for na, as many as a scheme may have. */
enum { MAX_VALUES = 10, MAX_ROWS = MAX_BANDS + 1 };

typedef enum diff_format { DIFF_TABLE, DIFF_CSV, DIFF_JSON } diff_format;

typedef struct diff_opts {
    const char *old_path, *new_path, *data_path, *output;
    diff_format format;
    bool raw;
    data_opts data;
    /* --backtest: the two versions backtested side by side. */
    bool backtest;
    const char *outcomes, *horizon, *event, *rescore;
} diff_opts;

/* The values one side of an output takes: a scheme's bands then "na", or
 * the distinct values seen.  A value no band line catches counts as "na",
 * since `run` prints both as an empty cell and a diff must agree with two
 * runs. */
typedef struct side {
    const scheme *sch;      /* this side's scheme, if its output has one */
    int nvalues;
    int cap;                /* the rows it may have */
    char *values[MAX_ROWS];  /* each row's label */
    char *raw[MAX_ROWS];     /* each row's cell as run prints it ("" for na) */
    int na_row;             /* the row of na (and no band), or -1 while none */
} side;

typedef struct output_diff {
    const char *name;
    int old_slot, new_slot;
    side old, new;
    int *band_map;          /* banded: old band index -> new band index, or -1 */
    long *counts;           /* old.cap rows of new.cap: see COUNT */
    bool too_many;          /* unbanded with more distinct values than we tabulate */
    long changed;
} output_diff;

#define COUNT(od, r, c) ((od)->counts[(size_t)(r) * (size_t)(od)->new.cap + (size_t)(c)])

typedef struct differ {
    const diff_opts *o;
    output_diff *outs;
    int nouts;
    FILE *f;
} differ;

static int take(void *ctx, int id, const char *arg)
{
    diff_opts *o = ctx;
    int taken = data_opt("diff", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
    switch (id) {
    case 'f':
        if (strcmp(arg, "table") == 0)
            o->format = DIFF_TABLE;
        else if (strcmp(arg, "csv") == 0)
            o->format = DIFF_CSV;
        else if (strcmp(arg, "json") == 0)
            o->format = DIFF_JSON;
        else
            return usage_error("diff", "unknown format '%s' (table, csv or json)", arg);
        return EXIT_OK;
    case 'o': o->output = arg; return EXIT_OK;
    case OPT_RAW: o->raw = true; return EXIT_OK;
    case OPT_BACKTEST: o->backtest = true; return EXIT_OK;
    case OPT_OUTCOMES: o->outcomes = arg; return EXIT_OK;
    case OPT_HORIZON: o->horizon = arg; return EXIT_OK;
    case OPT_EVENT: o->event = arg; return EXIT_OK;
    case OPT_RESCORE: o->rescore = arg; return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

static int parse_args(const verb_def *v, int argc, char **argv, diff_opts *o)
{
    int first, status = cli_parse(v, argc, argv, take, o, &first);
    if (status != EXIT_OK)
        return status;
    int given = argc - first, want = o->backtest ? 2 : 3;
    if (given != want)
        return usage_error("diff", "expected %s, got %d argument%s", o->backtest ? "OLD and NEW (--backtest)" : v->operands,
                           given, given == 1 ? "" : "s");
    if (!o->backtest && (o->outcomes || o->horizon || o->event || o->rescore))
        return usage_error("diff", "--outcomes, --horizon, --event and --rescore go with --backtest");
    o->old_path = argv[first];
    o->new_path = argv[first + 1];
    o->data_path = o->backtest ? NULL : argv[first + 2];
    return 0;
}

static policy *load_version(void *ctx, const char *arg, diag *d)
{
    (void)ctx;
    char *rev, *path;
    if (!git_rev_spec(arg, &rev, &path))
        return policy_load(arg, d);
    policy *p = policy_load_rev(rev, path, d);
    free(rev);
    free(path);
    return p;
}

/* An output's cell as `run --format csv` prints it: "" for na and for a
 * value no band catches; text in full, pointing into the record. */
typedef struct cell_view {
    const char *s;
    size_t len;
    bool na;
    bool text;              /* not a number we printed: CSV may escape it */
    char buf[64];
} cell_view;

static void view_cell(rb_value v, const scheme *sch, cell_view *c)
{
    c->na = v.kind == VK_NA || (v.kind == VK_BANDED && v.band == BAND_NONE);
    c->text = !csv_is_number(v);
    if (c->na) {
        c->s = "";
        c->len = 0;
    } else if (v.kind == VK_TEXT) {
        c->s = v.u.text;
        c->len = v.len;
    } else if (v.kind == VK_BANDED && sch) {
        c->s = sch->bands[v.band];
        c->len = strlen(c->s);
    } else {
        value_format(v, sch, c->buf, sizeof c->buf);
        c->s = c->buf;
        c->len = strlen(c->buf);
    }
}

static bool same_cell(const cell_view *a, const cell_view *b)
{
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void side_init_banded(side *s, const scheme *sch)
{
    s->sch = sch;
    for (int b = 0; b < sch->nbands; b++)
        s->values[b] = xstrdup(sch->bands[b]);
    s->values[sch->nbands] = xstrdup("na");
    for (int b = 0; b <= sch->nbands; b++)
        s->raw[b] = xstrdup(b < sch->nbands ? sch->bands[b] : "");
    s->na_row = sch->nbands;
    s->nvalues = sch->nbands + 1;
    s->cap = sch->nbands + 1;
}

static void setup_outputs(differ *df, const policy *oldp, const program *oldprog, const policy *newp, const program *newprog)
{
    df->outs = xcalloc((size_t)newp->noutputs + 1, sizeof *df->outs);
    for (int i = 0; i < newp->noutputs; i++) {
        const symbol *ns = newp->outputs[i];
        const symbol *os = policy_lookup(oldp, ns->name);
        if (!os || !os->is_output)
            continue;
        output_diff *od = &df->outs[df->nouts++];
        od->name = ns->name;
        od->old_slot = oldprog->output_slot[os->index];
        od->new_slot = newprog->output_slot[ns->index];
        /* A side with a scheme lists all its bands, seen or not. */
        od->old.sch = os->scheme;
        od->new.sch = ns->scheme;
        od->old.na_row = od->new.na_row = -1;
        od->old.cap = od->new.cap = MAX_VALUES;
        if (os->scheme)
            side_init_banded(&od->old, os->scheme);
        if (ns->scheme)
            side_init_banded(&od->new, ns->scheme);
        if (os->scheme && ns->scheme) {
            od->band_map = xmalloc((size_t)os->scheme->nbands * sizeof *od->band_map);
            for (int b = 0; b < os->scheme->nbands; b++)
                od->band_map[b] = scheme_band_index(ns->scheme, os->scheme->bands[b]);
        }
        od->counts = xcalloc((size_t)od->old.cap * (size_t)od->new.cap, sizeof *od->counts);
    }
}

/* Index of a banded value among its side's values: na and no band last. */
static int band_row(const side *s, rb_value v)
{
    if (v.kind == VK_NA || v.band == BAND_NONE)
        return s->sch->nbands;
    return v.band;
}

/* Whether (old value r, new value c) is a change: bands by name. */
static bool cell_changed(const output_diff *od, int r, int c)
{
    if (!od->band_map)
        return strcmp(od->old.raw[r], od->new.raw[c]) != 0; /* as tally decides: printed cells differ */
    int nb_old = od->old.sch->nbands, nb_new = od->new.sch->nbands;
    if (r < nb_old)
        return c == nb_new || od->band_map[r] != c;
    return c != nb_new;
}

/* Index of an unbanded value's printed cell, added when new; -1 when there
 * are too many.  na has a row of its own, apart from any text that reads
 * "na". */
static int value_row(side *s, const cell_view *c)
{
    if (c->na) {
        if (s->na_row < 0) {
            if (s->nvalues >= s->cap)
                return -1;
            s->values[s->nvalues] = xstrdup("na");
            s->raw[s->nvalues] = xstrdup("");
            s->na_row = s->nvalues++;
        }
        return s->na_row;
    }
    for (int i = 0; i < s->nvalues; i++)
        if (i != s->na_row && strlen(s->raw[i]) == c->len && memcmp(s->raw[i], c->s, c->len) == 0)
            return i;
    if (s->nvalues >= s->cap)
        return -1;
    s->raw[s->nvalues] = xstrndup(c->s, c->len);
    /* Text that could be taken for na, for nothing, or for another label
     * (a space at either end hides in a table) is shown in quotes. */
    bool ambiguous = c->len == 0 || (c->len == 2 && memcmp(c->s, "na", 2) == 0) || c->s[0] == '"' || c->s[0] == ' ' ||
                     c->s[c->len - 1] == ' ';
    if (ambiguous) {
        char *quoted = xmalloc(c->len + 3);
        quoted[0] = '"';
        memcpy(quoted + 1, c->s, c->len);
        strcpy(quoted + 1 + c->len, "\"");
        s->values[s->nvalues] = quoted;
    } else {
        s->values[s->nvalues] = xstrndup(c->s, c->len);
    }
    return s->nvalues++;
}

/* old_text, new_text: whether those cells are text (see view_cell). */
static void changed_row(differ *df, const char *id, size_t idlen, const char *output, const char *old, size_t oldlen,
                        bool old_text, const char *new, size_t newlen, bool new_text)
{
    bool escape = !df->o->raw;
    csv_cell_fwrite(df->f, id, idlen, true, escape);
    putc(',', df->f);
    csv_cell_fwrite(df->f, output, strlen(output), true, escape);
    putc(',', df->f);
    csv_cell_fwrite(df->f, old, oldlen, old_text, escape);
    putc(',', df->f);
    csv_cell_fwrite(df->f, new, newlen, new_text, escape);
    putc('\n', df->f);
}

static void tally(void *ctx, scan *s, const char *id, size_t idlen)
{
    differ *df = ctx;
    const rb_value *old_slots = s->frames[0].slots, *new_slots = s->frames[1].slots;
    for (int k = 0; k < df->nouts; k++) {
        output_diff *od = &df->outs[k];
        rb_value ov = old_slots[od->old_slot], nv = new_slots[od->new_slot];
        bool changed;
        if (od->band_map) {
            int r = band_row(&od->old, ov), c = band_row(&od->new, nv);
            COUNT(od, r, c)++;
            changed = cell_changed(od, r, c);
            if (changed && df->o->format == DIFF_CSV) {
                const char *ot = r == od->old.sch->nbands ? "" : od->old.values[r];
                const char *nt = c == od->new.sch->nbands ? "" : od->new.values[c];
                changed_row(df, id, idlen, od->name, ot, strlen(ot), true, nt, strlen(nt), true);
            }
        } else {
            /* Changed means printed differently, as two runs would show. */
            cell_view oc, nc;
            view_cell(ov, od->old.sch, &oc);
            view_cell(nv, od->new.sch, &nc);
            changed = !same_cell(&oc, &nc);
            if (!od->too_many) {
                int r = value_row(&od->old, &oc), c = value_row(&od->new, &nc);
                if (r < 0 || c < 0)
                    od->too_many = true;
                else
                    COUNT(od, r, c)++;
            }
            if (changed && df->o->format == DIFF_CSV)
                changed_row(df, id, idlen, od->name, oc.s, oc.len, oc.text, nc.s, nc.len, nc.text);
        }
        od->changed += changed;
    }
}

/* Unbanded values in a readable order: numbers by size, then text, na last. */
static int value_order(const side *s, int i, int j)
{
    if (i == s->na_row || j == s->na_row)
        return (i == s->na_row) - (j == s->na_row);
    const char *a = s->raw[i], *b = s->raw[j];
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    bool a_num = *a && !*ea, b_num = *b && !*eb;
    if (a_num && b_num)
        return (x > y) - (x < y);
    if (a_num != b_num)
        return a_num ? -1 : 1;
    return strcmp(a, b);
}

static void sort_side(side *s, int *perm, bool keep_order)
{
    for (int i = 0; i < s->nvalues; i++)
        perm[i] = i;
    for (int i = 1; i < s->nvalues && !keep_order; i++) /* a handful of values: insertion sort */
        for (int j = i; j > 0 && value_order(s, perm[j - 1], perm[j]) > 0; j--) {
            int t = perm[j];
            perm[j] = perm[j - 1];
            perm[j - 1] = t;
        }
    char *sorted[MAX_ROWS], *sorted_raw[MAX_ROWS];
    for (int i = 0; i < s->nvalues; i++) {
        sorted[i] = s->values[perm[i]];
        sorted_raw[i] = s->raw[perm[i]];
    }
    memcpy(s->raw, sorted_raw, (size_t)s->nvalues * sizeof *sorted_raw);
    if (s->na_row >= 0 && !keep_order)
        s->na_row = s->nvalues - 1; /* the order puts na last */
    memcpy(s->values, sorted, (size_t)s->nvalues * sizeof *sorted);
}

/* A side with a scheme keeps its bands in the scheme's order. */
static void sort_values(output_diff *od)
{
    if (od->band_map || od->too_many)
        return;
    int pr[MAX_ROWS], pc[MAX_ROWS];
    sort_side(&od->old, pr, od->old.sch != NULL);
    sort_side(&od->new, pc, od->new.sch != NULL);
    size_t size = (size_t)od->old.cap * (size_t)od->new.cap;
    long *sorted = xcalloc(size, sizeof *sorted);
    for (int r = 0; r < od->old.nvalues; r++)
        for (int c = 0; c < od->new.nvalues; c++)
            sorted[(size_t)r * (size_t)od->new.cap + (size_t)c] = COUNT(od, pr[r], pc[c]);
    memcpy(od->counts, sorted, size * sizeof *sorted);
    free(sorted);
}

/* 1234567 as "1,234,567": the summary is read by people. */
static const char *grouped(long n, char *buf)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
    char *p = buf;
    if (n < 0)
        *p++ = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            *p++ = ',';
        *p++ = digits[i];
    }
    *p = '\0';
    return buf;
}

typedef struct move {
    int r, c;
    long n;
} move;

static int by_count(const void *a, const void *b)
{
    const move *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return x->r != y->r ? x->r - y->r : x->c - y->c;
}

static void print_summary(FILE *f, const output_diff *od, long accounts)
{
    char a[32], b[32];
    if (od->changed == 0) {
        fprintf(f, "%s: no account changes %s (%s account%s)\n", od->name, od->band_map ? "band" : "value", grouped(accounts, a),
                accounts == 1 ? "" : "s");
        return;
    }
    fprintf(f, "%s: %s of %s account%s change%s %s", od->name, grouped(od->changed, a), grouped(accounts, b),
            accounts == 1 ? "" : "s", od->changed == 1 && accounts == 1 ? "s" : "", od->band_map ? "band" : "value");
    if (od->too_many) {
        fprintf(f, " (more than %d distinct values: no matrix)\n", MAX_VALUES);
        return;
    }
    move *moves = xmalloc((size_t)od->old.nvalues * (size_t)od->new.nvalues * sizeof *moves);
    int n = 0;
    for (int r = 0; r < od->old.nvalues; r++)
        for (int c = 0; c < od->new.nvalues; c++)
            if (COUNT(od, r, c) && cell_changed(od, r, c))
                moves[n++] = (move){r, c, COUNT(od, r, c)};
    qsort(moves, (size_t)n, sizeof *moves, by_count);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s %s %s\u2192%s", i ? "," : ";", grouped(moves[i].n, a), od->old.values[moves[i].r], od->new.values[moves[i].c]);
    fputc('\n', f);
    free(moves);
}

/* s in width display columns, aligned right or left: values may be UTF-8
 * text, which printf's widths would count in bytes. */
static void put_aligned(FILE *f, const char *s, int width, bool right)
{
    int pad = width - (int)text_width(s, strlen(s));
    for (int i = 0; right && i < pad; i++)
        putc(' ', f);
    fputs(s, f);
    for (int i = 0; !right && i < pad; i++)
        putc(' ', f);
}

static void print_matrix(FILE *f, const output_diff *od)
{
    if (od->changed == 0 || od->too_many)
        return;
    int w = 7;
    for (int i = 0; i < od->old.nvalues; i++)
        if ((int)text_width(od->old.values[i], strlen(od->old.values[i])) > w)
            w = (int)text_width(od->old.values[i], strlen(od->old.values[i]));
    int cw[MAX_ROWS];
    for (int c = 0; c < od->new.nvalues; c++) {
        cw[c] = (int)text_width(od->new.values[c], strlen(od->new.values[c]));
        for (int r = 0; r < od->old.nvalues; r++) {
            char tmp[32];
            int len = (int)strlen(grouped(COUNT(od, r, c), tmp));
            if (len > cw[c])
                cw[c] = len;
        }
    }
    fprintf(f, "  %-*s", w + 4, "old \\ new");
    for (int c = 0; c < od->new.nvalues; c++) {
        fputs("  ", f);
        put_aligned(f, od->new.values[c], cw[c], true);
    }
    fputc('\n', f);
    for (int r = 0; r < od->old.nvalues; r++) {
        fputs("  ", f);
        put_aligned(f, od->old.values[r], w + 4, false);
        for (int c = 0; c < od->new.nvalues; c++) {
            char tmp[32];
            fprintf(f, "  %*s", cw[c], grouped(COUNT(od, r, c), tmp));
        }
        fputc('\n', f);
    }
}

static void json_names(FILE *f, const policy *p, const policy *other)
{
    putc('[', f);
    int n = 0;
    for (int i = 0; i < p->noutputs; i++) {
        const symbol *o = policy_lookup(other, p->outputs[i]->name);
        if (o && o->is_output)
            continue;
        if (n++)
            fputs(", ", f);
        json_write_string(f, p->outputs[i]->name);
    }
    putc(']', f);
}

/* A side's values; null when there were too many to tabulate. */
static void json_values(FILE *f, const output_diff *od, const side *s)
{
    if (od->too_many) {
        fputs("null", f);
        return;
    }
    putc('[', f);
    for (int i = 0; i < s->nvalues; i++) {
        fputs(i ? ", " : "", f);
        json_write_string(f, s->values[i]);
    }
    putc(']', f);
}

static void print_json(FILE *f, const differ *df, const scan *s, const policy *oldp, const policy *newp)
{
    fputs("{\n  \"old\": ", f);
    json_write_string(f, df->o->old_path);
    fputs(",\n  \"new\": ", f);
    json_write_string(f, df->o->new_path);
    fputs(",\n  \"data\": ", f);
    json_write_string(f, df->o->data_path);
    fprintf(f, ",\n  \"accounts\": %ld,\n  \"rejected\": %ld,\n  \"outputs\": [", s->scored, s->rejected);
    for (int k = 0; k < df->nouts; k++) {
        const output_diff *od = &df->outs[k];
        fputs(k ? ",\n    {\"output\": " : "\n    {\"output\": ", f);
        json_write_string(f, od->name);
        fprintf(f, ", \"banded\": %s, \"changed\": %ld,\n     \"old_values\": ", od->band_map ? "true" : "false", od->changed);
        json_values(f, od, &od->old);
        fputs(", \"new_values\": ", f);
        json_values(f, od, &od->new);
        fputs(",\n     \"matrix\": ", f);
        if (od->too_many) {
            fputs("null}", f);
            continue;
        }
        putc('[', f);
        for (int r = 0; r < od->old.nvalues; r++) {
            fputs(r ? ", [" : "[", f);
            for (int c = 0; c < od->new.nvalues; c++)
                fprintf(f, "%s%ld", c ? ", " : "", COUNT(od, r, c));
            putc(']', f);
        }
        fputs("]}", f);
    }
    fputs("\n  ],\n  \"only_in_old\": ", f);
    json_names(f, oldp, newp);
    fputs(",\n  \"only_in_new\": ", f);
    json_names(f, newp, oldp);
    fputs("\n}\n", f);
}

/* Lists p's outputs that other lacks, after label; with f NULL only counts. */
static int print_only_in(FILE *f, const char *label, const policy *p, const policy *other)
{
    int n = 0;
    for (int i = 0; i < p->noutputs; i++) {
        const symbol *o = policy_lookup(other, p->outputs[i]->name);
        if (o && o->is_output)
            continue;
        if (f)
            fprintf(f, "%s%s", n ? ", " : label, p->outputs[i]->name);
        n++;
    }
    if (n && f)
        fputc('\n', f);
    return n;
}

static void print_table(FILE *f, const differ *df, const scan *s, const policy *oldp, const policy *newp)
{
    char a[32];
    fprintf(f, "%s \u2192 %s on %s: %s account%s\n", df->o->old_path, df->o->new_path, df->o->data_path, grouped(s->scored, a),
            s->scored == 1 ? "" : "s");
    for (int k = 0; k < df->nouts; k++) {
        fputc('\n', f);
        print_summary(f, &df->outs[k], s->scored);
        print_matrix(f, &df->outs[k]);
    }
    if (df->nouts == 0)
        fputs("\nThe two policies have no output in common.\n", f);
    if (print_only_in(NULL, NULL, oldp, newp) + print_only_in(NULL, NULL, newp, oldp))
        fputc('\n', f);
    print_only_in(f, "Only in OLD: ", oldp, newp);
    print_only_in(f, "Only in NEW: ", newp, oldp);
}

static void free_side(side *s)
{
    for (int i = 0; i < s->nvalues; i++) {
        free(s->values[i]);
        free(s->raw[i]);
    }
}

/* --backtest: OLD and NEW each backtested as `rubric backtest` does, on
 * the same outcomes.  The periods: with --rescore alone both versions score
 * its exports again; with --history alone each reads its own recorded
 * periods; with both, OLD is read as recorded and NEW scores the exports. */
static int diff_backtests(diff_opts *o)
{
    bt_source src[2];
    memset(src, 0, sizeof src);
    src[0].outcomes = o->outcomes;
    src[0].data = &o->data;
    src[0].history = o->data.history;
    src[0].rescore = o->data.history ? NULL : o->rescore;
    int status = backtest_source_check("diff", &src[0], o->horizon, o->event);
    if (status != EXIT_OK)
        return status;
    src[1] = src[0];
    if (o->rescore) {
        src[1].history = NULL;
        src[1].rescore = o->rescore;
    }
    const char *inputs[] = {o->old_path, o->new_path, o->outcomes, o->data.history};
    if (refuse_clobber("diff", "-o", o->output, inputs, o->data.history ? 4 : 3, NULL) != EXIT_OK)
        return EXIT_USAGE;
    diag d;
    diag_init(&d, stderr);
    policy *p[2] = {load_version(NULL, o->old_path, &d), load_version(NULL, o->new_path, &d)};
    backtest bt[2];
    memset(bt, 0, sizeof bt);
    status = p[0] && p[1] ? EXIT_OK : EXIT_USAGE;
    for (int k = 0; k < 2 && status == EXIT_OK; k++)
        status = backtest_run(&bt[k], "diff", p[k], NULL, &src[k]);
    if (status == EXIT_OK) {
        outfile out;
        if (!scan_output_open(&out, o->output, &d)) {
            status = EXIT_USAGE;
        } else {
            backtest_print_pair(out.f, o->format == DIFF_CSV ? BT_CSV : o->format == DIFF_JSON ? BT_JSON : BT_TABLE,
                                bt, src);
            if (!outfile_commit(&out)) {
                outfile_abort(&out);
                fprintf(stderr, "rubric diff: writing %s failed\n", o->output ? o->output : "standard output");
                status = EXIT_REJECTED;
            }
        }
        if (status == EXIT_OK)
            backtest_say_notes(&bt[0], "diff", &src[0]);
    }
    for (int k = 0; k < 2; k++) {
        backtest_free(&bt[k]);
        policy_free(p[k]);
    }
    return status;
}

int cmd_diff(const verb_def *v, int argc, char **argv)
{
    diff_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(v, argc, argv, &o);
    if (status != 0) {
        data_opts_free(&o.data);
        return status < 0 ? EXIT_OK : status;
    }
    if (o.backtest) {
        status = diff_backtests(&o);
        data_opts_free(&o.data);
        return status;
    }
    session s;
    const char *paths[] = {o.old_path, o.new_path}, *labels[] = {"OLD", "NEW"};
    differ df = {&o, NULL, 0, NULL};
    status = session_open(&s, "diff", paths, labels, 2, load_version, NULL, o.data_path, o.output, &o.data);
    if (status == EXIT_OK) {
        setup_outputs(&df, s.pols[0], s.progs[0], s.pols[1], s.progs[1]);
        status = session_start(&s);
    }
    if (status == EXIT_OK) {
        df.f = s.out.f;
        if (o.format == DIFF_CSV) {
            csv_cell_fwrite(df.f, s.id, strlen(s.id), true, !o.raw);
            fputs(",output,old,new\n", df.f);
        }
        /* What tally reads: each common output's slot on either side. */
        int *slots[2] = {xmalloc(((size_t)df.nouts + 1) * sizeof(int)), xmalloc(((size_t)df.nouts + 1) * sizeof(int))};
        for (int k = 0; k < df.nouts; k++) {
            slots[0][k] = df.outs[k].old_slot;
            slots[1][k] = df.outs[k].new_slot;
        }
        const int *kept[2] = {slots[0], slots[1]}, nkept[2] = {df.nouts, df.nouts};
        status = session_scan(&s, kept, nkept, tally, &df);
        free(slots[0]);
        free(slots[1]);
        for (int k = 0; k < df.nouts; k++)
            sort_values(&df.outs[k]);
        if (status >= 0) {
            if (o.format == DIFF_TABLE)
                print_table(df.f, &df, &s.sc, s.pols[0], s.pols[1]);
            else if (o.format == DIFF_JSON)
                print_json(df.f, &df, &s.sc, s.pols[0], s.pols[1]);
        }
        status = session_finish(&s, status, true);
    }
    session_close(&s);
    for (int k = 0; k < df.nouts; k++) {
        free_side(&df.outs[k].old);
        free_side(&df.outs[k].new);
        free(df.outs[k].band_map);
        free(df.outs[k].counts);
    }
    free(df.outs);
    data_opts_free(&o.data);
    return status;
}
