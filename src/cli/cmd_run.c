/* cmd_run.c - `rubric run POLICY DATA`: score every account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "cli.h"
#include "eval.h"
#include "history.h"
#include "prev.h"
#include "reader.h"
#include "run_db.h"
#include "scan.h"
#include "session.h"
#include "writer.h"
#include "xalloc.h"

typedef struct run_opts {
    const char *policy_path, *data_path, *output, *select, *actions, *db_table, *overrides;
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
    case OPT_DB_TABLE: o->db_table = arg; return EXIT_OK;
    case OPT_OVERRIDES: o->overrides = arg; return EXIT_OK;
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
    /* A period is a date someone chose: today's, guessed, would file a
     * re-run of last month's export under this month. */
    if (o->db_table && db_kind_of(o->data_path) == DB_NONE)
        return usage_error("run", "--db-table names a table of a database: DATA postgresql://... or sqlite:FILE");
    if (o->data.history && !o->data.as_of)
        return usage_error("run", "--history records the period --as-of names: give --as-of YYYY-MM-DD");
    /* The database computes the roll-ups itself, from the rules alone. */
    if (o->overrides && db_kind_of(o->data_path) != DB_NONE)
        return usage_error("run", "--overrides is not supported when DATA is a database: the roll-ups are computed "
                                  "there; export the accounts to a file and run on it");
    /* The file of overrides is an input like the data. */
    if (o->overrides && o->output && outfile_clobbers(o->output, &o->overrides, 1))
        return usage_error("run", "-o '%s' is the overrides file; write the scores elsewhere", o->output);
    if (o->overrides && o->actions && outfile_clobbers(o->actions, &o->overrides, 1))
        return usage_error("run", "--actions '%s' is the overrides file; write the actions elsewhere", o->actions);
    if (o->overrides && o->data.jobs > 1)
        return usage_error("run", "-j %d with --overrides is not supported: score with one thread", o->data.jobs);
    if (o->data.history && o->output && (strcmp(o->output, o->data.history) == 0 || outfile_clobbers(o->output, &o->data.history, 1)))
        return usage_error("run", "-o '%s' is the history file; write the scores elsewhere", o->output);
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
            const decl *unused = p->unused_imported;
            while (unused && (strcmp(unused->name, name) != 0 ||
                              (unused->kind != D_METRIC && unused->kind != D_MEASURE && unused->kind != D_GROUP)))
                unused = unused->next;
            if (unused)
                fprintf(stderr, "rubric run: --select: '%s' of the policy imported as '%.*s' is not scored: this policy "
                                "does not use it\n", name, (int)strlen(unused->ns) - 1, unused->ns);
            else if (sym)
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

/* Where each scored account goes: the output, the history's period and
 * the actions that fire. */
typedef struct run_sinks {
    writer *w;
    history_rec *rec;
    action_writer *actions;
    const overrides *ovr;
} run_sinks;

static void write_scores(void *ctx, scan *s, const char *id, size_t idlen)
{
    run_sinks *k = ctx;
    const frame *f = &s->frames[0];
    if (k->ovr && f->novr) {
        override_marks m = {k->ovr, f};
        writer_record_marked(k->w, id, idlen, f->slots, &m);
    } else {
        writer_record(k->w, id, idlen, f->slots);
    }
    if (k->rec)
        history_record_put(k->rec, id, idlen, s->frames[0].slots);
    if (k->rec && k->ovr && f->novr)
        history_record_overrides(k->rec, id, idlen, f->slots, k->ovr, f);
    if (k->actions)
        actions_record(k->actions, id, idlen, &s->frames[0]);
}

/* write_scores when the output is the only sink: one call an account. */
static void write_only(void *ctx, scan *s, const char *id, size_t idlen)
{
    writer_record(((run_sinks *)ctx)->w, id, idlen, s->frames[0].slots);
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


/* Opens the history and starts the period, holding its write lock for the
 * pass; EXIT_USAGE once said. */
static int history_start(const run_opts *o, session *s, history **h, history_rec **rec)
{
    rb_date day;
    char as_of[16];
    if (!date_parse(o->data.as_of, strlen(o->data.as_of), &day))
        return EXIT_USAGE; /* compiling said so already */
    date_format(day, as_of);
    *h = history_open(o->data.history, true, &s->d);
    *rec = *h ? history_record_begin(*h, s->progs[0], as_of, &s->d) : NULL;
    return *rec ? EXIT_OK : EXIT_USAGE;
}

/* Commits the period after a pass that scored (some records may have been
 * rejected under --on-error skip), else rolls it back.  False once said. */
static bool history_end(const run_opts *o, session *s, history_rec *rec, int status, bool written)
{
    if (!rec)
        return true;
    if ((status != EXIT_OK && status != EXIT_REJECTED) || !written) {
        history_record_abort(rec);
        return true;
    }
    long n = history_record_count(rec), rejected = s->sc.rejected;
    if (!history_record_commit(rec, rejected, &s->d))
        return false;
    if (rejected)
        diag_say(&s->d, "history '%s': %ld account%s recorded for %s; %ld rejected record%s not recorded", o->data.history,
                 n, n == 1 ? "" : "s", o->data.as_of, rejected, rejected == 1 ? "" : "s");
    else
        diag_say(&s->d, "history '%s': %ld account%s recorded for %s", o->data.history, n, n == 1 ? "" : "s",
                 o->data.as_of);
    return true;
}

/* What became of the file's rows, once the pass has scored. */
static void say_overrides(session *s, const char *path, const overrides *ovr)
{
    override_counts c;
    overrides_count(ovr, &c);
    diag_say(&s->d, "overrides '%s': %ld applied, %ld expired, %ld for an unknown account, %ld for an unknown output",
             path, c.applied, c.expired, c.unknown_account, c.unknown_output);
}

/* run -j --history: the period's row of an account the workers scored,
 * from the outputs they kept. */
static void record_history(void *ctx, scan *s, const char *id, size_t idlen)
{
    run_sinks *k = ctx;
    history_record_put(k->rec, id, idlen, s->frames[0].slots);
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
    bool to_terminal = !o.output && isatty(STDOUT_FILENO);
    out_format fmt = o.format_given ? o.format : to_terminal ? OUT_TABLE : OUT_CSV;
    bool db = db_kind_of(o.data_path) != DB_NONE;
    run_db rdb = {0};
    status = session_open(&s, "run", paths, NULL, 1, NULL, NULL, o.data_path, o.output, &o.data);
    if (status == EXIT_OK && !(cols = pick_columns(s.pols[0], o.select, &ncols)))
        status = EXIT_USAGE;
    if (status == EXIT_OK && db)
        status = run_db_refuse(&o.data, o.data_path, o.output, o.actions, s.pols[0]);
    /* The history before the data and the output: a file that is not a
     * history, or a writer that holds it, stops the run before it reads. */
    history *h = NULL;
    prev_source *prev = NULL;
    run_sinks sinks = {NULL, NULL, NULL, NULL};
    overrides *ovr = NULL;
    if (status == EXIT_OK)
        status = check_actions(&o, s.pols[0]);
    /* Before the history and the output: a malformed file writes nothing. */
    if (status == EXIT_OK && o.overrides && !(ovr = overrides_load(o.overrides, s.progs[0], &s.d))) {
        diag_say(&s.d, "overrides '%s' refused; nothing was written", o.overrides);
        status = EXIT_USAGE;
    }
    sinks.ovr = ovr;
    if (status == EXIT_OK && o.data.history)
        status = history_start(&o, &s, &h, &sinks.rec);
    if (status == EXIT_OK && s.pols[0]->nprevs && !(prev = prev_open(h, s.progs[0], &s.d)))
        status = EXIT_USAGE;
    if (status == EXIT_OK)
        status = db ? run_db_start(&s, &rdb, o.data_path, o.db_table) : session_start(&s);
    if (status == EXIT_OK && o.actions && !(sinks.actions = actions_open(o.actions, s.progs[0], o.raw, o.format_given ? o.format : OUT_CSV)))
        status = EXIT_USAGE;
    if (status == EXIT_OK) {
        session_use_prev(&s, 0, prev);
        s.sc.ovr = ovr;
        sinks.w = writer_open(s.out.f, fmt, s.progs[0], s.id, cols, ncols, to_terminal && diag_want_color(stdout));
        writer_set_raw(sinks.w, o.raw);
        scan_visit visit = sinks.rec || sinks.actions || sinks.ovr ? write_scores : write_only;
        if (db)
            status = run_db_scan(&s, &rdb, visit, &sinks);
        else if (o.data.jobs > 1) {
            /* The history records every output of each account. */
            scan_keep keep = {{s.progs[0]->output_slot}, {s.pols[0]->noutputs}, record_history, &sinks};
            size_t chunk = session_chunk_bytes(sinks.rec ? s.pols[0]->noutputs : 0);
            status = scan_all_jobs_keep(&s.sc, o.data.jobs, chunk, sinks.w, sinks.actions, sinks.rec ? &keep : NULL,
                                        visit, &sinks);
        } else {
            status = session_scan(&s, NULL, NULL, visit, &sinks);
        }
        bool written = writer_close(sinks.w);
        if (ovr && (status == EXIT_OK || status == EXIT_REJECTED))
            say_overrides(&s, o.overrides, ovr);
        /* The history first: if it cannot be committed, no output is
         * left either, and the run can simply be made again.  The actions
         * go with the scores: both, or neither. */
        bool recorded = history_end(&o, &s, sinks.rec, status, written);
        bool scored = recorded && status >= 0 && status != SCAN_STOPPED && written;
        if (sinks.actions && !actions_close(sinks.actions, scored && (status == EXIT_OK || status == EXIT_REJECTED)))
            written = false;
        sinks.actions = NULL;
        if (recorded) {
            status = run_db_status(&rdb, session_finish(&s, status, written));
        } else {
            outfile_abort(&s.out);
            diag_say(&s.d, "no output written");
            status = EXIT_REJECTED;
        }
    } else if (sinks.rec) {
        history_record_abort(sinks.rec);
    }
    if (sinks.actions)
        actions_close(sinks.actions, false);
    prev_close(prev);
    history_close(h);
    overrides_free(ovr);
    run_db_close(&rdb);
    session_close(&s);
    free(cols);
    data_opts_free(&o.data);
    return status;
}
