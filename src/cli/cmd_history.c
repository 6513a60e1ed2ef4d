/* cmd_history.c - `rubric history HISTORY --account ID`: one account's
 * outputs period by period, from the score history `run --history`
 * records. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "history.h"
#include "names.h"
#include "writer.h"
#include "xalloc.h"

typedef enum hist_format { HF_TABLE, HF_CSV, HF_JSON } hist_format;

typedef struct history_opts {
    const char *path, *account, *output, *policy;
    hist_format format;
    bool format_given;
} history_opts;

/* One output of one period, copied out of the history. */
typedef struct kept_value {
    history_value v;
    char *cell;
} kept_value;

typedef struct kept_period {
    char *as_of, *policy, *version;
    char **names;
    kept_value *vals;
    int n;
} kept_period;

typedef struct kept {
    kept_period *p;
    long n, cap;
} kept;

static int take(void *ctx, int id, const char *arg)
{
    history_opts *o = ctx;
    switch (id) {
    case 'a': o->account = arg; return EXIT_OK;
    case OPT_OUTPUT_NAME: o->output = arg; return EXIT_OK;
    case OPT_POLICY: o->policy = arg; return EXIT_OK;
    case 'f':
        if (strcmp(arg, "table") == 0)
            o->format = HF_TABLE;
        else if (strcmp(arg, "csv") == 0)
            o->format = HF_CSV;
        else if (strcmp(arg, "json") == 0)
            o->format = HF_JSON;
        else
            return usage_error("history", "unknown format '%s' (table, csv or json)", arg);
        o->format_given = true;
        return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void keep(void *ctx, const history_period *per, const char *const *names, const history_value *vals, int n)
{
    kept *k = ctx;
    if (k->n == k->cap)
        k->p = xrealloc(k->p, (size_t)(k->cap = k->cap ? 2 * k->cap : 16) * sizeof *k->p);
    kept_period *p = &k->p[k->n++];
    p->as_of = xstrdup(per->as_of);
    p->policy = xstrdup(per->policy);
    p->version = dup_or_null(per->version);
    p->n = n;
    p->names = xcalloc((size_t)n + 1, sizeof *p->names);
    p->vals = xcalloc((size_t)n + 1, sizeof *p->vals);
    for (int i = 0; i < n; i++) {
        p->names[i] = xstrdup(names[i]);
        p->vals[i].v = vals[i];
        if (vals[i].cell) {
            p->vals[i].cell = xmalloc(vals[i].cell_len + 1);
            memcpy(p->vals[i].cell, vals[i].cell, vals[i].cell_len);
            p->vals[i].cell[vals[i].cell_len] = '\0';
        }
        p->vals[i].v.cell = p->vals[i].cell;
        p->vals[i].v.band = vals[i].band ? p->vals[i].cell : NULL;
    }
}

static void period_free(kept_period *p)
{
    for (int j = 0; j < p->n; j++) {
        free(p->names[j]);
        free(p->vals[j].cell);
    }
    free(p->names);
    free(p->vals);
    free(p->as_of);
    free(p->policy);
    free(p->version);
}

static void kept_free(kept *k)
{
    for (long i = 0; i < k->n; i++)
        period_free(&k->p[i]);
    free(k->p);
}

/* The columns: the latest period's outputs in its order (the columns its
 * run printed), then those only older periods had, or the one --output
 * names. */
typedef struct columns {
    const char **names;
    int n;
} columns;

static bool columns_make(const kept *k, const char *only, columns *c)
{
    int cap = 16;
    c->names = xmalloc((size_t)cap * sizeof *c->names);
    c->n = 0;
    for (long i = k->n - 1; i >= 0; i--)
        for (int j = 0; j < k->p[i].n; j++) {
            const char *name = k->p[i].names[j];
            bool seen = false;
            for (int m = 0; m < c->n && !seen; m++)
                seen = strcmp(c->names[m], name) == 0;
            if (seen || (only && strcmp(name, only) != 0))
                continue;
            if (c->n == cap)
                c->names = xrealloc(c->names, (size_t)(cap *= 2) * sizeof *c->names);
            c->names[c->n++] = name;
        }
    return c->n > 0;
}

static const history_value *value_of(const kept_period *p, const char *name)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->names[i], name) == 0)
            return &p->vals[i].v;
    return NULL;
}

/* A cell as `run --format csv` wrote it: band names as they are, numbers
 * never escaped, other text escaped for spreadsheets. */
static void csv_value(FILE *f, const history_value *v)
{
    if (!v || !v->cell)
        return;
    if (v->kind == HK_BANDED) {
        fputs(v->cell, f);
        return;
    }
    bool number = v->kind == HK_NUMBER && v->has_value && isfinite(v->value);
    csv_cell_fwrite(f, v->cell, v->cell_len, !number, true);
}

static void write_csv(FILE *f, const kept *k, const columns *c)
{
    fputs("as_of", f);
    for (int i = 0; i < c->n; i++) {
        putc(',', f);
        csv_cell_fwrite(f, c->names[i], strlen(c->names[i]), true, true);
    }
    putc('\n', f);
    for (long p = 0; p < k->n; p++) {
        fputs(k->p[p].as_of, f);
        for (int i = 0; i < c->n; i++) {
            putc(',', f);
            csv_value(f, value_of(&k->p[p], c->names[i]));
        }
        putc('\n', f);
    }
}

static void json_number(FILE *f, double d)
{
    char buf[64];
    if (!isfinite(d)) {
        fputs("null", f);
        return;
    }
    num_format(num_from_double(d), buf);
    fputs(buf, f);
}

/* An output as run's JSON has it: value, and band and score when banded. */
static void json_value(FILE *f, const history_value *v)
{
    fputs("{\"value\": ", f);
    if (!v->cell && !v->has_value)
        fputs("null", f);
    else if (v->kind == HK_NUMBER && v->cell && v->has_value && isfinite(v->value))
        fputs(v->cell, f); /* the text run printed: exact past 2^53 too */
    else if (v->kind == HK_BANDED || v->kind == HK_NUMBER)
        v->has_value ? json_number(f, v->value) : (void)fputs("null", f);
    else if (v->kind == HK_BOOL)
        fputs(strcmp(v->cell, "true") == 0 ? "true" : "false", f);
    else
        json_write_string(f, v->cell);
    if (v->kind == HK_BANDED) {
        fputs(", \"band\": ", f);
        v->band ? json_write_string(f, v->band) : (void)fputs("null", f);
        fputs(", \"score\": ", f);
        v->has_score ? json_number(f, v->score) : (void)fputs("null", f);
        if (!v->band && v->has_value)
            fputs(", \"no_band\": true", f);
    }
    putc('}', f);
}

static void write_json(FILE *f, const kept *k, const columns *c, const char *account)
{
    fputs("{\"account_id\": ", f);
    json_write_string(f, account);
    fputs(", \"periods\": [", f);
    for (long p = 0; p < k->n; p++) {
        const kept_period *per = &k->p[p];
        fputs(p ? ",\n" : "\n", f);
        fputs("{\"as_of\": ", f);
        json_write_string(f, per->as_of);
        fputs(", \"policy\": ", f);
        json_write_string(f, per->policy);
        fputs(", \"version\": ", f);
        per->version ? json_write_string(f, per->version) : (void)fputs("null", f);
        fputs(", \"outputs\": {", f);
        bool first = true;
        for (int i = 0; i < c->n; i++) {
            const history_value *v = value_of(per, c->names[i]);
            if (!v)
                continue;
            fputs(first ? "" : ", ", f);
            first = false;
            json_write_string(f, c->names[i]);
            fputs(": ", f);
            json_value(f, v);
        }
        fputs("}}", f);
    }
    fputs("\n]}\n", f);
}

/* A cell as run's table shows it: na, "no band", or the text with
 * control characters as '?'. */
static char *table_text(const history_value *v)
{
    if (!v)
        return xstrdup("");
    if (!v->cell)
        return xstrdup(v->kind == HK_BANDED && v->has_value ? "no band" : "na");
    char *s = xstrdup(v->cell);
    for (char *q = s; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
    return s;
}

static void write_table(FILE *f, const kept *k, const columns *c)
{
    int ncols = c->n + 1;
    long nrows = k->n + 1;
    char **cells = xcalloc((size_t)(ncols * nrows), sizeof *cells);
    size_t *width = xcalloc((size_t)ncols, sizeof *width);
    cells[0] = xstrdup("as_of");
    for (int i = 0; i < c->n; i++)
        cells[i + 1] = xstrdup(c->names[i]);
    for (long p = 0; p < k->n; p++) {
        cells[(p + 1) * ncols] = xstrdup(k->p[p].as_of);
        for (int i = 0; i < c->n; i++)
            cells[(p + 1) * ncols + i + 1] = table_text(value_of(&k->p[p], c->names[i]));
    }
    for (long r = 0; r < nrows; r++)
        for (int i = 0; i < ncols; i++) {
            size_t w = text_width(cells[r * ncols + i], strlen(cells[r * ncols + i]));
            if (w > width[i])
                width[i] = w;
        }
    for (long r = 0; r < nrows; r++) {
        for (int i = 0; i < ncols; i++) {
            const char *s = cells[r * ncols + i];
            fputs(s, f);
            if (i + 1 < ncols)
                fprintf(f, "%*s", (int)(width[i] + 2 - text_width(s, strlen(s))), "");
            free(cells[r * ncols + i]);
        }
        putc('\n', f);
    }
    free(cells);
    free(width);
}

/* Keeps the periods of one policy: --policy's, or the only one there is. */
static int one_policy(kept *k, const char *chosen, const char *account, const char *path)
{
    const char *first = NULL, *other = NULL;
    for (long i = 0; i < k->n; i++) {
        if (!first)
            first = k->p[i].policy;
        else if (strcmp(k->p[i].policy, first) != 0 && !other)
            other = k->p[i].policy;
    }
    if (!chosen && other) {
        fprintf(stderr, "rubric history: account '%s' has periods of more than one policy in '%s' ('%s', '%s'); "
                        "choose one with --policy\n", account, path, first, other);
        return EXIT_USAGE;
    }
    if (!chosen)
        return EXIT_OK;
    long kept_n = 0;
    for (long i = 0; i < k->n; i++) {
        if (strcmp(k->p[i].policy, chosen) == 0) {
            kept_period tmp = k->p[kept_n];
            k->p[kept_n++] = k->p[i];
            k->p[i] = tmp;
        }
    }
    for (long i = kept_n; i < k->n; i++)
        period_free(&k->p[i]);
    k->n = kept_n;
    if (kept_n == 0) {
        fprintf(stderr, "rubric history: account '%s' has no period of policy '%s' in '%s'\n", account, chosen, path);
        return EXIT_REJECTED;
    }
    return EXIT_OK;
}

int cmd_history(const verb_def *v, int argc, char **argv)
{
    history_opts o;
    memset(&o, 0, sizeof o);
    int first, status = cli_parse(v, argc, argv, take, &o, &first);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    o.path = argv[first];
    if (!o.account)
        return usage_error("history", "--account ID is required");
    diag d;
    diag_init(&d, stderr);
    history *h = history_open(o.path, false, &d);
    if (!h)
        return EXIT_USAGE;
    kept k = {NULL, 0, 0};
    long n = history_account(h, o.account, strlen(o.account), keep, &k, &d);
    history_close(h);
    if (n < 0) {
        status = EXIT_REJECTED;
    } else if (n == 0) {
        fprintf(stderr, "rubric history: account '%s' is in no period of '%s'\n", o.account, o.path);
        status = EXIT_REJECTED;
    } else {
        status = one_policy(&k, o.policy, o.account, o.path);
    }
    columns c = {NULL, 0};
    if (status == EXIT_OK && !columns_make(&k, o.output, &c)) {
        const char *names[256];
        int nn = 0;
        for (int j = 0; j < k.p[k.n - 1].n && nn < 256; j++)
            names[nn++] = k.p[k.n - 1].names[j];
        const char *best = closest_name(o.output, names, nn);
        if (best)
            fprintf(stderr, "rubric history: no output '%s' in the periods of account '%s' (did you mean '%s'?)\n",
                    o.output, o.account, best);
        else
            fprintf(stderr, "rubric history: no output '%s' in the periods of account '%s'\n", o.output, o.account);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK) {
        hist_format fmt = o.format_given ? o.format : isatty(STDOUT_FILENO) ? HF_TABLE : HF_CSV;
        if (fmt == HF_CSV)
            write_csv(stdout, &k, &c);
        else if (fmt == HF_JSON)
            write_json(stdout, &k, &c, o.account);
        else
            write_table(stdout, &k, &c);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "rubric history: writing standard output failed\n");
            status = EXIT_REJECTED;
        }
    }
    free(c.names);
    kept_free(&k);
    return status;
}
