/* cmd_run.c - `rubric run POLICY DATA`: score every account. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "eval.h"
#include "outfile.h"
#include "reader.h"
#include "record.h"
#include "writer.h"
#include "xalloc.h"

static const char run_help[] =
    "Usage: rubric run POLICY DATA [options]\n"
    "\n"
    "Scores every account in DATA (CSV, JSON or NDJSON; - for standard input)\n"
    "with POLICY and writes one row per account.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      table, csv, json or ndjson (default: table on a\n"
    "                           terminal, csv otherwise)\n"
    "  -o, --output FILE        write to FILE, atomically (no partial file on failure)\n"
    "      --select A,B         only these outputs, in this order\n"
    "      --param NAME=VALUE   override a parameter's default (repeatable)\n"
    "      --as-of DATE         the evaluation date, YYYY-MM-DD (default: today, UTC)\n"
    "      --id FIELD           the account id column/key (default: the policy's\n"
    "                           'id', else account_id)\n"
    "      --input-format FMT   csv, json or ndjson, when DATA's name does not say\n"
    "      --on-error MODE      fail (default): stop at the first bad record, exit 1,\n"
    "                           write nothing; skip: report each bad record, score\n"
    "                           the rest, exit 1\n"
    "  -q, --quiet              no progress line\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit status: 0 all scored, 1 records rejected, 2 usage or policy errors.\n";

enum { OPT_SELECT = 256, OPT_PARAM, OPT_AS_OF, OPT_ID, OPT_INPUT_FORMAT, OPT_ON_ERROR };

typedef struct run_opts {
    const char *policy_path, *data_path, *output, *select, *id;
    out_format format;
    bool format_given;
    data_format input_format;
    bool skip_errors, quiet;
    settings params;
} run_opts;

static int parse_args(int argc, char **argv, run_opts *o)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"select", required_argument, NULL, OPT_SELECT},
        {"param", required_argument, NULL, OPT_PARAM},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"id", required_argument, NULL, OPT_ID},
        {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
        {"on-error", required_argument, NULL, OPT_ON_ERROR},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!out_format_parse(optarg, &o->format))
                return usage_error("run", "unknown format '%s' (table, csv, json or ndjson)", optarg);
            o->format_given = true;
            break;
        case 'o': o->output = optarg; break;
        case OPT_SELECT: o->select = optarg; break;
        case OPT_PARAM:
            if (!settings_add_param(&o->params, optarg))
                return usage_error("run", "--param wants NAME=VALUE, not '%s'", optarg);
            break;
        case OPT_AS_OF: settings_add(&o->params, "as_of", optarg); break;
        case OPT_ID: o->id = optarg; break;
        case OPT_INPUT_FORMAT:
            if (!format_parse(optarg, &o->input_format))
                return usage_error("run", "unknown input format '%s' (csv, json or ndjson)", optarg);
            break;
        case OPT_ON_ERROR:
            if (strcmp(optarg, "skip") == 0)
                o->skip_errors = true;
            else if (strcmp(optarg, "fail") == 0)
                o->skip_errors = false;
            else
                return usage_error("run", "--on-error takes skip or fail, not '%s'", optarg);
            break;
        case 'q': o->quiet = true; break;
        case 'h':
            fputs(run_help, stdout);
            return -1;
        default:
            if (optopt && optopt < 256)
                return usage_error("run", "unknown option '-%c' or missing value", optopt);
            return usage_error("run", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error("run", "expected POLICY and DATA, got %d argument%s", argc - optind, argc - optind == 1 ? "" : "s");
    o->policy_path = argv[optind];
    o->data_path = argv[optind + 1];
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
    const char **names = xmalloc((size_t)(p->noutputs + 1) * sizeof *names);
    for (int i = 0; i < p->noutputs; i++)
        names[i] = p->outputs[i]->name;
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
            const char *best = closest_name(name, names, p->noutputs);
            if (sym)
                fprintf(stderr, "rubric run: --select: '%s' is not an output (outputs are metrics, measures and groups)\n", name);
            else if (best)
                fprintf(stderr, "rubric run: --select: no output '%s' (did you mean '%s'?)\n", name, best);
            else
                fprintf(stderr, "rubric run: --select: no output '%s'\n", name);
            ok = false;
        } else {
            if (n == cap)
                cols = xrealloc(cols, (size_t)(cap *= 2) * sizeof *cols);
            cols[n++] = sym->index;
        }
        s += len;
        if (*s == ',')
            s++;
    }
    free(names);
    if (!ok || n == 0) {
        if (ok)
            fprintf(stderr, "rubric run: --select names no output\n");
        free(cols);
        return NULL;
    }
    *ncols = n;
    return cols;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct run_state {
    const run_opts *o;
    const policy *pol;
    const program *prog;
    reader *rd;
    record_layout layout;
    writer *w;
    frame fr;
    cell *cells;
    long scored, rejected;
    bool progress;
    double start, last_progress;
} run_state;

static void report_bad(run_state *st, const record_pos *pos, const char *msg)
{
    st->rejected++;
    if (st->rejected <= 100)
        fprintf(stderr, "rubric: %s: record %ld (line %ld): %s\n", st->o->data_path, pos->record, pos->line, msg);
    else if (st->rejected == 101)
        fprintf(stderr, "rubric: %s: more bad records; only the count is reported from here\n", st->o->data_path);
}

static void show_progress(run_state *st, bool final)
{
    if (!st->progress)
        return;
    double t = now_seconds();
    if (final) {
        if (st->last_progress > 0)
            fprintf(stderr, "\r\033[K");
        return;
    }
    if (t - st->start < 1.0 || t - st->last_progress < 0.25)
        return;
    st->last_progress = t;
    fprintf(stderr, "\r\033[Krubric: %ld accounts, %.1f MB", st->scored + st->rejected, reader_bytes(st->rd) / 1e6);
}

/* The loop: read, check, score, write; each record touched once.
 * Returns EXIT_OK, EXIT_REJECTED, or -1 for a fatal read error. */
static int score_all(run_state *st)
{
    char msg[512];
    record_pos pos;
    for (;;) {
        read_status rs = reader_next(st->rd, st->cells, &pos, msg, sizeof msg);
        if (rs == READ_EOF)
            break;
        if (rs == READ_FATAL) {
            fprintf(stderr, "rubric: %s: %s\n", st->o->data_path, msg);
            return -2;
        }
        bool good = rs == READ_OK && record_load(st->pol, &st->layout, st->cells, st->fr.slots, msg, sizeof msg);
        if (good && (st->cells[0].state != CELL_TEXT || st->cells[0].len == 0)) {
            snprintf(msg, sizeof msg, "no account id ('%s' is empty)", st->layout.fields[0]);
            good = false;
        }
        if (!good) {
            report_bad(st, &pos, msg);
            if (!st->o->skip_errors)
                return -1;
            continue;
        }
        eval_account(st->prog, &st->fr);
        writer_record(st->w, st->cells[0].s, st->cells[0].len, st->fr.slots);
        st->scored++;
        if ((st->scored & 0xffff) == 0)
            show_progress(st, false);
    }
    return st->rejected ? EXIT_REJECTED : EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        settings_free(&o.params);
        return rc < 0 ? EXIT_OK : rc;
    }
    diag d;
    diag_init(&d, stderr);
    policy *pol = policy_load(o.policy_path, &d);
    if (!pol) {
        settings_free(&o.params);
        return EXIT_USAGE;
    }
    program *prog = compile_policy(pol, o.params.items, o.params.n, &d);
    int ncols = 0;
    int *cols = prog ? pick_columns(pol, o.select, &ncols) : NULL;
    if (!prog || !cols) {
        program_free(prog);
        policy_free(pol);
        settings_free(&o.params);
        return EXIT_USAGE;
    }

    run_state st;
    memset(&st, 0, sizeof st);
    st.o = &o;
    st.pol = pol;
    st.prog = prog;
    const char *id = o.id ? o.id : pol->id_field ? pol->id_field : "account_id";
    record_layout_init(&st.layout, pol, id);
    char err[512];
    int status = EXIT_REJECTED;
    outfile out = {0};
    st.rd = reader_open(o.data_path, o.input_format, st.layout.fields, st.layout.required, st.layout.nfields, err, sizeof err);
    if (!st.rd) {
        fprintf(stderr, "rubric: %s\n", err);
        goto done;
    }
    if (!outfile_open(&out, o.output)) {
        fprintf(stderr, "rubric: cannot write '%s': %s\n", o.output, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    bool to_terminal = !o.output && isatty(STDOUT_FILENO);
    out_format fmt = o.format_given ? o.format : to_terminal ? OUT_TABLE : OUT_CSV;
    st.w = writer_open(out.f, fmt, prog, id, cols, ncols, to_terminal && diag_want_color(stdout));
    st.cells = xcalloc((size_t)st.layout.nfields, sizeof *st.cells);
    frame_init(&st.fr, prog);
    st.progress = !o.quiet && isatty(STDERR_FILENO);
    st.start = now_seconds();

    status = score_all(&st);
    show_progress(&st, true);
    bool written = writer_close(st.w);
    if (status < 0) {
        outfile_abort(&out);
        if (status == -2) {
            if (st.rejected)
                fprintf(stderr, "rubric: %ld record%s rejected before that\n", st.rejected, st.rejected == 1 ? "" : "s");
            fprintf(stderr, "rubric: the data could not be read to the end%s\n", o.output ? "; no output written" : "");
        }
        else if (!o.skip_errors)
            fprintf(stderr, "rubric: stopped at the first bad record (--on-error skip scores the rest)%s\n", o.output ? "; no output written" : "");
        status = EXIT_REJECTED;
    } else if (!written || !outfile_commit(&out)) {
        if (out.path)
            outfile_abort(&out);
        fprintf(stderr, "rubric: writing %s failed: %s\n", o.output ? o.output : "standard output", strerror(errno));
        status = EXIT_REJECTED;
    } else if (st.rejected) {
        fprintf(stderr, "rubric: %ld record%s rejected, %ld scored\n", st.rejected, st.rejected == 1 ? "" : "s", st.scored);
    }
    frame_free(&st.fr);
    free(st.cells);
done:
    reader_close(st.rd);
    record_layout_free(&st.layout);
    free(cols);
    program_free(prog);
    policy_free(pol);
    settings_free(&o.params);
    return status;
}
