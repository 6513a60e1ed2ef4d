/* cmd_run.c - `rubric run POLICY DATA`: score every account. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "cli.h"
#include "eval.h"
#include "reader.h"
#include "scan.h"
#include "session.h"
#include "writer.h"
#include "xalloc.h"

typedef struct run_opts {
    const char *policy_path, *data_path, *output, *select, *actions;
    out_format format;
    bool format_given;
    bool raw;
    data_opts data;
} run_opts;

static int take(void *ctx, int id, const char *arg)
{
    run_opts *o = ctx;
    int taken = data_opt("run", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
    switch (id) {
    case 'f':
        if (!out_format_parse(arg, &o->format))
            return usage_error("run", "unknown format '%s' (table, csv, json or ndjson)", arg);
        o->format_given = true;
        return EXIT_OK;
    case 'o': o->output = arg; return EXIT_OK;
    case OPT_SELECT: o->select = arg; return EXIT_OK;
    case OPT_RAW: o->raw = true; return EXIT_OK;
    case OPT_ACTIONS: o->actions = arg; return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

static int parse_args(const verb_def *v, int argc, char **argv, run_opts *o)
{
    int first, status = cli_parse(v, argc, argv, take, o, &first);
    if (status != EXIT_OK)
        return status;
    o->policy_path = argv[first];
    o->data_path = argv[first + 1];
    return 0;
}

/* --select names outputs; every name is checked before any data is read. */
static int *pick_columns(const policy *p, const char *select, int *ncols)
{
    int *cols = xmalloc((size_t)(p->noutputs + 1) * sizeof *cols);
    if (!select) {
        for (int i = 0; i < p->noutputs; i++)
            cols[i] = i;
        *ncols = p->noutputs;
        return cols;
    }
    int n = 0, cap = p->noutputs + 1;
    const char *s = select;
    bool ok = true;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        const symbol *sym = policy_lookup(p, name);
        if (!sym || !sym->is_output) {
            const char *best = closest_symbol(name, p->outputs, p->noutputs);
            if (sym)
                fprintf(stderr, "rubric run: --select: '%s' is not an output (outputs are metrics, measures and groups)\n", name);
            else if (best)
                fprintf(stderr, "rubric run: --select: no output '%s' (did you mean '%s'?)\n", name, best);
            else
                fprintf(stderr, "rubric run: --select: no output '%s'\n", name);
            ok = false;
        } else {
            /* A column twice is a typo more often than a wish. */
            bool again = false;
            for (int k = 0; k < n; k++)
                again |= cols[k] == sym->index;
            if (again) {
                fprintf(stderr, "rubric run: --select: '%s' is named twice\n", name);
                ok = false;
            } else {
                if (n == cap)
                    cols = xrealloc(cols, (size_t)(cap *= 2) * sizeof *cols);
                cols[n++] = sym->index;
            }
        }
        s += len;
        if (*s == ',')
            s++;
    }
    if (!ok || n == 0) {
        if (ok)
            fprintf(stderr, "rubric run: --select names no output\n");
        free(cols);
        return NULL;
    }
    *ncols = n;
    return cols;
}

typedef struct run_out {
    writer *w;
    action_writer *actions;
} run_out;

static void write_scores(void *ctx, scan *s, const char *id, size_t idlen)
{
    run_out *out = ctx;
    writer_record(out->w, id, idlen, s->frames[0].slots);
    if (out->actions)
        actions_record(out->actions, id, idlen, &s->frames[0]);
}

/* --actions: a policy that declares some, and a file that is none of the
 * inputs nor the scores. */
static int check_actions(const run_opts *o, const policy *p)
{
    if (!o->actions)
        return EXIT_OK;
    if (p->nactions == 0) {
        fprintf(stderr, "rubric run: --actions: %s declares no action (lines such as 'action NAME when CONDITION')\n",
                o->policy_path);
        return EXIT_USAGE;
    }
    if (o->output && strcmp(o->output, o->actions) == 0) {
        fprintf(stderr, "rubric run: -o and --actions name the same file '%s'; nothing was written\n", o->actions);
        return EXIT_USAGE;
    }
    const char **inputs = xmalloc((size_t)(o->data.ntables + 3) * sizeof *inputs);
    int n = 0;
    inputs[n++] = o->policy_path;
    inputs[n++] = o->data_path;
    if (o->output)
        inputs[n++] = o->output;
    for (int t = 0; t < o->data.ntables; t++)
        inputs[n++] = o->data.tables[t].path;
    int status = refuse_clobber("run", "--actions", o->actions, inputs, n, p);
    free(inputs);
    return status;
}

int cmd_run(const verb_def *v, int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(v, argc, argv, &o);
    if (status != 0) {
        data_opts_free(&o.data);
        return status < 0 ? EXIT_OK : status;
    }
    session s;
    const char *paths[] = {o.policy_path};
    int ncols = 0;
    int *cols = NULL;
    status = session_open(&s, "run", paths, NULL, 1, NULL, NULL, o.data_path, o.output, &o.data);
    if (status == EXIT_OK && !(cols = pick_columns(s.pols[0], o.select, &ncols)))
        status = EXIT_USAGE;
    if (status == EXIT_OK)
        status = check_actions(&o, s.pols[0]);
    if (status == EXIT_OK)
        status = session_start(&s);
    if (status == EXIT_OK) {
        bool to_terminal = !o.output && isatty(STDOUT_FILENO);
        out_format fmt = o.format_given ? o.format : to_terminal ? OUT_TABLE : OUT_CSV;
        run_out out = {writer_open(s.out.f, fmt, s.progs[0], s.id, cols, ncols, to_terminal && diag_want_color(stdout)),
                       NULL};
        writer_set_raw(out.w, o.raw);
        if (o.actions && !(out.actions = actions_open(o.actions, s.progs[0], o.raw)))
            status = EXIT_USAGE;
        if (status == EXIT_OK)
            status = session_scan(&s, write_scores, &out);
        bool written = writer_close(out.w);
        /* The actions go with the scores: both, or neither. */
        bool scored = status >= 0 && written && o.actions;
        if (out.actions && !actions_close(out.actions, scored))
            written = false;
        status = session_finish(&s, status, written);
    }
    session_close(&s);
    free(cols);
    data_opts_free(&o.data);
    return status;
}
