/* cli.c - what the verbs share: parameter settings and usage errors. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
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

int unknown_option(const char *verb, char **argv)
{
    /* For `--format` with no value getopt reports 'f': name what was typed. */
    const char *typed = optind > 0 ? argv[optind - 1] : "";
    if (optopt && optopt < 256 && strncmp(typed, "--", 2) != 0)
        return usage_error(verb, "unknown option '-%c' or missing value", optopt);
    return usage_error(verb, "unknown option or missing value: '%s'", typed);
}

int read_opt(const char *verb, int c, const char *arg, read_opts *o)
{
    switch (c) {
    case OPT_INPUT_FORMAT:
        if (!data_format_parse(arg, &o->format))
            return usage_error(verb, "unknown input format '%s' (csv, json or ndjson)", arg);
        return 1;
    case OPT_DELIMITER:
        if (!delimiter_parse(arg, &o->delimiter))
            return usage_error(verb, "--delimiter takes ',', ';', '|' or tab, not '%s'", arg);
        return 1;
    case OPT_NA_VALUES: o->na_values = arg; return 1;
    default: return 0;
    }
}

int data_opt(const char *verb, int c, const char *arg, data_opts *o)
{
    int taken = read_opt(verb, c, arg, &o->read);
    if (taken)
        return taken;
    switch (c) {
    case OPT_PARAM:
        if (!settings_add_param(&o->params, arg))
            return usage_error(verb, "--param wants NAME=VALUE, not '%s'", arg);
        return 1;
    case OPT_AS_OF: o->as_of = arg; return 1;
    case OPT_ID: o->id = arg; return 1;
    case OPT_ON_ERROR:
        if (strcmp(arg, "skip") == 0)
            o->skip_errors = true;
        else if (strcmp(arg, "fail") == 0)
            o->skip_errors = false;
        else
            return usage_error(verb, "--on-error takes skip or fail, not '%s'", arg);
        return 1;
    case 'q': o->quiet = true; return 1;
    default: return 0;
    }
}

program *compile_with(const policy *p, const data_opts *o, bool with_params, diag *d)
{
    /* The warnings of `check` that mean some band can never be given, or
     * some value falls in none: repeated here, once, so that nobody scores
     * a month with a policy that cannot say green. */
    static const char *const unscorable[] = {"band-gap", "threshold-order", "unreachable-band"};
    lint_policy_only(p, d, unscorable, 3);
    settings all = {0};
    if (with_params)
        for (int i = 0; i < o->params.n; i++)
            settings_add(&all, o->params.items[i].name, o->params.items[i].value);
    if (o->as_of)
        settings_add(&all, "as_of", o->as_of);
    program *prog = compile_policy(p, all.items, all.n, d);
    settings_free(&all);
    return prog;
}

const char *data_id_field(const data_opts *o, const policy *p)
{
    return o->id ? o->id : p->id_field ? p->id_field : "account_id";
}

bool data_progress(const data_opts *o) { return !o->quiet && isatty(STDERR_FILENO); }

void data_opts_free(data_opts *o) { settings_free(&o->params); }

int refuse_clobber(const char *verb, const char *output, const char *const *inputs, int n, const policy *p)
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
        fprintf(stderr, "rubric %s: -o '%s' is the file on standard input, which this command reads; rubric never "
                        "writes over its input, and nothing was written\n", verb, output);
        status = EXIT_USAGE;
    } else if (hit && strcmp(hit, output) == 0) {
        fprintf(stderr, "rubric %s: -o '%s' is a file this command reads; rubric never writes over its input, "
                        "and nothing was written\n", verb, output);
        status = EXIT_USAGE;
    } else if (hit) {
        fprintf(stderr, "rubric %s: -o '%s' is the same file as '%s', which this command reads; rubric never "
                        "writes over its input, and nothing was written\n", verb, output, hit);
        status = EXIT_USAGE;
    }
    free(all);
    return status;
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
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
            ok = add_dir(verb, out, args[i]) && ok;
        else
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
