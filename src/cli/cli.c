/* cli.c - what the verbs share: the option parser and --help made from a
 * verb's spec, the data options, parameter settings and usage errors. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint.h"
#include "outfile.h"
#include "xalloc.h"

/* Names are copied so argv stays untouched; values point into argv. */
static void add(settings *s, const char *name, size_t len, const char *value)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, name, len);
    copy[len] = '\0';
    s->items = xrealloc(s->items, (size_t)(s->n + 1) * sizeof *s->items);
    s->names = xrealloc(s->names, (size_t)(s->n + 1) * sizeof *s->names);
    s->names[s->n] = copy;
    s->items[s->n].name = copy;
    s->items[s->n].value = value;
    s->items[s->n].given = NULL;
    s->n++;
}

bool settings_add_param(settings *s, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return false;
    add(s, arg, (size_t)(eq - arg), eq + 1);
    return true;
}

void settings_add(settings *s, const char *name, const char *value)
{
    add(s, name, strlen(name), value);
}

void settings_free(settings *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->items);
    s->names = NULL;
    s->items = NULL;
    s->n = 0;
}

/* One long option for getopt_long per spec line, and "h" for --help. */
static int spec_count(const verb_def *v)
{
    int n = 0;
    while (v->opts && v->opts[n].name)
        n++;
    return n;
}

static int spec_id(const opt_spec *o) { return o->id ? o->id : o->letter; }

/* Whether id is one of v's flags, --help among them. */
static bool is_flag(const verb_def *v, int id)
{
    for (int i = 0; v->opts && v->opts[i].name; i++)
        if (spec_id(&v->opts[i]) == id)
            return !v->opts[i].value;
    return id == 'h';
}

/* What getopt_long could not take (opterr is 0), worded one way for every
 * verb: an option it does not know, one missing its value, a flag given
 * one.  A missing value can only be the last argument, so that is the one
 * typed; an unknown letter may sit inside "-qx", so it is named alone. */
static int bad_option(const verb_def *v, int c, int argc, char **argv)
{
    const char *typed = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    bool is_long = strncmp(typed, "--", 2) == 0;
    if (c == ':')
        return is_long ? usage_error(v->name, "option '%s' needs a value", typed)
                       : usage_error(v->name, "option '-%c' needs a value", optopt);
    const char *eq = strchr(typed, '=');
    int len = eq ? (int)(eq - typed) : (int)strlen(typed);
    if (optopt == 0) /* a long option getopt_long does not know */
        return usage_error(v->name, "unknown option '%.*s'", len, typed);
    if (is_long && eq && is_flag(v, optopt))
        return usage_error(v->name, "option '%.*s' takes no value", len, typed);
    return usage_error(v->name, "unknown option '-%c'", optopt);
}

/* The verb's --help, made from its spec (below). */
static void cli_help(FILE *out, const verb_def *v);

int cli_parse(const verb_def *v, int argc, char **argv, opt_taker take, void *ctx, int *first)
{
    int n = spec_count(v);
    struct option *longopts = xcalloc((size_t)n + 2, sizeof *longopts);
    char *shortopts = xmalloc(2 * (size_t)n + 3);
    size_t k = 0;
    shortopts[k++] = ':'; /* a missing value returns ':', told apart from '?' */
    for (int i = 0; i < n; i++) {
        const opt_spec *o = &v->opts[i];
        longopts[i] = (struct option){o->name, o->value ? required_argument : no_argument, NULL, spec_id(o)};
        if (o->letter) {
            shortopts[k++] = o->letter;
            if (o->value)
                shortopts[k++] = ':';
        }
    }
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    shortopts[k++] = 'h';
    shortopts[k] = '\0';
    int c, status = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (status == EXIT_OK && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'h') {
            cli_help(stdout, v);
            status = CLI_DONE;
        } else if (c == '?' || c == ':') {
            status = bad_option(v, c, argc, argv);
        } else {
            status = take(ctx, c, optarg);
        }
    }
    free(longopts);
    free(shortopts);
    *first = optind;
    int given = argc - optind;
    if (status == EXIT_OK && v->noperands > 0 && given != v->noperands)
        status = usage_error(v->name, "expected %s, got %d argument%s", v->operands, given, given == 1 ? "" : "s");
    return status;
}

/* An option's lines: "  -f, --format FORMAT", its help from help_col, each
 * further line of the help indented to it. */
static void help_line(FILE *out, const verb_def *v, char letter, const char *name, const char *value, const char *help)
{
    int w = fprintf(out, "  %c%c%s--%s%s%s", letter ? '-' : ' ', letter ? letter : ' ', letter ? ", " : "  ", name,
                    value ? " " : "", value ? value : "");
    for (const char *s = help; *s;) {
        const char *nl = strchr(s, '\n');
        int len = nl ? (int)(nl - s) : (int)strlen(s);
        fprintf(out, "%*s%.*s\n", w < v->help_col ? v->help_col - w : 1, "", len, s);
        w = 0;
        s += len + (nl != NULL);
    }
}

static void cli_help(FILE *out, const verb_def *v)
{
    fputs(v->usage, out);
    for (int i = 0; v->opts && v->opts[i].name; i++) {
        const opt_spec *o = &v->opts[i];
        help_line(out, v, o->letter, o->name, o->value, o->help);
    }
    help_line(out, v, 'h', "help", NULL, "this help");
    fputs(v->epilogue, out);
}

/* --table NAME=FILE: each NAME once; the file is opened with the data. */
static int table_opt(const char *verb, const char *arg, data_opts *o)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return usage_error(verb, "--table wants NAME=FILE (NAME a list input), not '%s'", arg);
    size_t n = (size_t)(eq - arg);
    for (int i = 0; i < o->ntables; i++)
        if (strlen(o->tables[i].name) == n && memcmp(o->tables[i].name, arg, n) == 0)
            return usage_error(verb, "--table %.*s is given twice", (int)n, arg);
    o->tables = xrealloc(o->tables, (size_t)(o->ntables + 1) * sizeof *o->tables);
    o->tables[o->ntables].name = xstrndup(arg, n);
    o->tables[o->ntables].path = eq + 1;
    o->ntables++;
    return EXIT_OK;
}

int data_opt(const char *verb, int id, const char *arg, data_opts *o)
{
    switch (id) {
    case OPT_INPUT_FORMAT:
        if (!data_format_parse(arg, &o->read.format))
            return usage_error(verb, "unknown input format '%s' (csv, json or ndjson)", arg);
        return EXIT_OK;
    case OPT_DELIMITER:
        if (!delimiter_parse(arg, &o->read.delimiter))
            return usage_error(verb, "--delimiter takes ',', ';', '|' or tab, not '%s'", arg);
        return EXIT_OK;
    case OPT_NA_VALUES: o->read.na_values = arg; return EXIT_OK;
    case OPT_PARAM:
        if (!settings_add_param(&o->params, arg))
            return usage_error(verb, "--param wants NAME=VALUE, not '%s'", arg);
        return EXIT_OK;
    case OPT_TABLE: return table_opt(verb, arg, o);
    case OPT_HISTORY: o->history = arg; return EXIT_OK;
    case OPT_AS_OF: o->as_of = arg; return EXIT_OK;
    case OPT_ID: o->id = arg; return EXIT_OK;
    case OPT_ON_ERROR:
        if (strcmp(arg, "skip") == 0)
            o->skip_errors = true;
        else if (strcmp(arg, "fail") == 0)
            o->skip_errors = false;
        else
            return usage_error(verb, "--on-error takes skip or fail, not '%s'", arg);
        return EXIT_OK;
    case 'q': o->quiet = true; return EXIT_OK;
    case OPT_JOBS:
    case 'j': {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*arg < '0' || *arg > '9' || *end || n < 1 || n > 64)
            return usage_error(verb, "-j wants a number of threads from 1 to 64, not '%s'", arg);
        o->jobs = (int)n;
        return EXIT_OK;
    }
    default: return CLI_NOT_MINE;
    }
}

program *compile_with(const policy *p, const data_opts *o, bool with_params, diag *d)
{
    /* The warnings of `check` that mean some band can never be given, or
     * some value falls in none: repeated here, once, so that nobody scores
     * a month with a policy that cannot say green. */
    static const char *const unscorable[] = {"band-gap", "threshold-order", "unreachable-band"};
    lint_policy_only(p, d, unscorable, 3);
    return compile_settings(p, o, with_params, d);
}

program *compile_settings(const policy *p, const data_opts *o, bool with_params, diag *d)
{
    settings all = {0};
    if (with_params)
        for (int i = 0; i < o->params.n; i++)
            settings_add(&all, o->params.items[i].name, o->params.items[i].value);
    if (o->as_of)
        settings_add(&all, "as_of", o->as_of);
    program *prog = o->bind_params ? compile_policy_bound(p, all.items, all.n, d) : compile_policy(p, all.items, all.n, d);
    settings_free(&all);
    return prog;
}

const char *data_id_field(const data_opts *o, const policy *p)
{
    return o->id ? o->id : p->id_field ? p->id_field : "account_id";
}

bool data_progress(const data_opts *o) { return !o->quiet && isatty(STDERR_FILENO); }

void data_opts_free(data_opts *o)
{
    settings_free(&o->params);
    for (int i = 0; i < o->ntables; i++)
        free(o->tables[i].name);
    free(o->tables);
    o->tables = NULL;
    o->ntables = 0;
}

int refuse_clobber(const char *verb, const char *option, const char *output, const char *const *inputs, int n,
                   const policy *p)
{
    int nsources = 0;
    for (const source *src = p ? p->sources : NULL; src; src = src->next)
        nsources++;
    const char **all = xmalloc((size_t)(n + nsources + 1) * sizeof *all);
    int k = 0;
    for (int i = 0; i < n; i++)
        all[k++] = inputs[i];
    for (const source *src = p ? p->sources : NULL; src; src = src->next)
        all[k++] = src->path;
    const char *hit = outfile_clobbers(output, all, k);
    int status = EXIT_OK;
    const char *named = hit && strcmp(hit, "-") == 0 ? "the file on standard input" : hit;
    if (hit && (!output || strcmp(output, "-") == 0)) {
        fprintf(stderr, "rubric %s: standard output is redirected to %s%s%s, which this command reads; "
                        "nothing was written (write the output to another file)\n",
                verb, named == hit ? "'" : "", named, named == hit ? "'" : "");
        status = EXIT_USAGE;
    } else if (hit && strcmp(hit, "-") == 0) {
        fprintf(stderr, "rubric %s: %s '%s' is the file on standard input, which this command reads; rubric never "
                        "writes over its input, and nothing was written\n", verb, option, output);
        status = EXIT_USAGE;
    } else if (hit && strcmp(hit, output) == 0) {
        fprintf(stderr, "rubric %s: %s '%s' is a file this command reads; rubric never writes over its input, "
                        "and nothing was written\n", verb, option, output);
        status = EXIT_USAGE;
    } else if (hit) {
        fprintf(stderr, "rubric %s: %s '%s' is the same file as '%s', which this command reads; rubric never "
                        "writes over its input, and nothing was written\n", verb, option, output, hit);
        status = EXIT_USAGE;
    }
    free(all);
    return status;
}

bool history_given(const char *verb, const char *policy_path, const policy *p, const data_opts *o)
{
    if (!p->nprevs || o->history)
        return true;
    fprintf(stderr, "rubric %s: %s reads the previous period with prev(%s): give the score history with "
                    "--history FILE (a first run with an empty history has no previous values)\n",
            verb, policy_path, p->prevs[0]->name);
    return false;
}

int usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "rubric %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'rubric %s --help'.\n", verb);
    return EXIT_USAGE;
}

static void paths_add(path_list *p, char *path)
{
    p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = path;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_rules(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".rules") == 0;
}

/* The .rules files under dir, in name order; hidden entries skipped. */
static bool add_dir(const char *verb, path_list *out, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "rubric %s: cannot read directory '%s': %s\n", verb, dir, strerror(errno));
        return false;
    }
    path_list names = {NULL, 0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            paths_add(&names, xstrdup(e->d_name));
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, by_name);
    bool ok = true;
    size_t dn = strlen(dir);
    while (dn > 1 && dir[dn - 1] == '/')
        dn--;
    for (size_t i = 0; i < names.n; i++) {
        char *path = xmalloc(dn + strlen(names.v[i]) + 2);
        sprintf(path, "%.*s/%s", (int)dn, dir, names.v[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            ok = add_dir(verb, out, path) && ok;
            free(path);
        } else if (is_rules(names.v[i])) {
            paths_add(out, path);
        } else {
            free(path);
        }
        free(names.v[i]);
    }
    free(names.v);
    return ok;
}

bool expand_policy_args(const char *verb, char **args, int n, path_list *out)
{
    out->v = NULL;
    out->n = 0;
    bool ok = true;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = out->n;
            if (!add_dir(verb, out, args[i]))
                ok = false;
            else if (out->n == before) {
                /* A CI step given the wrong folder must not pass on nothing. */
                fprintf(stderr, "rubric %s: no .rules file under '%s'\n", verb, args[i]);
                ok = false;
            }
        } else
            paths_add(out, xstrdup(args[i]));
    }
    return ok;
}

void path_list_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
