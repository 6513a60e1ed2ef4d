/* help_dump.c - the verb table said again for the manual page and the shell
 * completions, so that neither keeps a copy of its own that could drift
 * from --help: `rubric help --man`, `--verbs`, `--options VERB` and
 * `--outputs POLICY` (docs/cli.md, "The manual page and the completions");
 * and `rubric help VERB`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Text into roff: a backslash and a minus are escaped (a bare '-' may be
 * set as a hyphen, and options must be typed as they read), and a line
 * that would begin with a control character is guarded. */
static void roff_text(FILE *out, const char *s, size_t len, bool line_start)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (line_start && (c == '.' || c == '\''))
            fputs("\\&", out);
        line_start = false;
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-')
            fputs("\\-", out);
        else if (c == '\n') {
            /* The table's help is wrapped for a terminal; roff fills. */
            fputc('\n', out);
            line_start = true;
        } else
            fputc(c, out);
    }
}

static void roff_str(FILE *out, const char *s) { roff_text(out, s, strlen(s), true); }

/* A usage block: "Usage: ...\n\nprose...\n\nOptions:\n".  Returns the
 * synopsis (after "Usage: rubric ") in *syn, *synlen. */
static void usage_synopsis(const char *usage, const char **syn, size_t *synlen)
{
    const char *s = usage;
    if (strncmp(s, "Usage: rubric ", 14) == 0)
        s += 14;
    const char *nl = strchr(s, '\n');
    *syn = s;
    *synlen = nl ? (size_t)(nl - s) : strlen(s);
}

/* Prose: blank lines part paragraphs, lines indented by two spaces are an
 * example kept as written; "Options:" (the option list follows) is left
 * out. */
static void roff_prose(FILE *out, const char *s)
{
    bool in_example = false;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        bool example = len > 2 && s[0] == ' ' && s[1] == ' ';
        if (example && !in_example)
            fputs(".PP\n.RS 2\n.nf\n", out);
        else if (!example && in_example)
            fputs(".fi\n.RE\n", out);
        in_example = example;
        if (len == 0)
            fputs(in_example ? "\n" : ".PP\n", out);
        else if (!(len == 8 && strncmp(s, "Options:", 8) == 0)) {
            roff_text(out, example ? s + 2 : s, example ? len - 2 : len, true);
            fputc('\n', out);
        }
        s += len + (nl != NULL);
    }
    if (in_example)
        fputs(".fi\n.RE\n", out);
}

static void roff_option(FILE *out, char letter, const char *name, const char *value, const char *help)
{
    fputs(".TP\n", out);
    if (letter)
        fprintf(out, "\\fB\\-%c\\fR, ", letter);
    fputs("\\fB\\-\\-", out);
    roff_text(out, name, strlen(name), false);
    fputs("\\fR", out);
    if (value) {
        fputs(" \\fI", out);
        roff_text(out, value, strlen(value), false);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    roff_str(out, help);
    fputc('\n', out);
}

static void man_page(FILE *out, const verb_def *verbs, size_t n)
{
    fprintf(out, ".TH RUBRIC 1 \"\" \"rubric %s\" \"User Commands\"\n", RUBRIC_VERSION);
    /* No hyphenation: a split option or name could not be typed as read. */
    fputs(".nh\n.SH NAME\nrubric \\- customer health scoring policies as code\n.SH SYNOPSIS\n", out);
    for (size_t i = 0; i < n; i++) {
        const char *syn;
        size_t len;
        usage_synopsis(verbs[i].usage, &syn, &len);
        fputs(i ? ".br\n\\fBrubric\\fR " : "\\fBrubric\\fR ", out);
        roff_text(out, syn, len, false);
        fputc('\n', out);
    }
    fputs(".br\n\\fBrubric\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n"
          ".SH DESCRIPTION\n"
          "A policy (a \\fB.rules\\fR file) says how accounts are scored: inputs,\n"
          "measures with thresholds and bands, groups that roll measures up, tests.\n"
          "\\fBrubric\\fR checks, tests and formats policies, and scores account data\n"
          "(CSV, JSON or NDJSON) with them.\n"
          "Each verb below has its own options; \\fBrubric\\fR \\fIVERB\\fR \\fB\\-\\-help\\fR\n"
          "prints the same text as this page.\n"
          ".SH VERBS\n",
          out);
    for (size_t i = 0; i < n; i++) {
        const verb_def *v = &verbs[i];
        const char *syn, *body;
        size_t len;
        usage_synopsis(v->usage, &syn, &len);
        fputs(".SS \"rubric ", out);
        roff_text(out, syn, len, false);
        fputs("\"\n", out);
        body = strchr(v->usage, '\n');
        roff_prose(out, body ? body + 1 : "");
        fputs(".PP\nOptions:\n", out);
        for (int j = 0; v->opts && v->opts[j].name; j++)
            roff_option(out, v->opts[j].letter, v->opts[j].name, v->opts[j].value, v->opts[j].help);
        roff_option(out, 'h', "help", NULL, "this help");
        roff_prose(out, v->epilogue);
    }
    fputs(".SH OPTIONS\n", out);
    roff_option(out, 'h', "help", NULL, "the verbs, each with its summary");
    roff_option(out, 'V', "version", NULL, "the version");
    fputs(".SH EXIT STATUS\n"
          ".TP\n0\nsuccess: everything scored, checked, passed or formatted.\n"
          ".TP\n1\nsome records were rejected, a test failed, an account was not found, or\n"
          "\\fBfmt \\-\\-check\\fR would change a file.\n"
          ".TP\n2\nusage errors, a policy with errors, or a file that cannot be read or written.\n"
          ".PP\nEach verb above says exactly which.\n"
          ".SH FILES\n"
          ".TP\n\\fI*.rules\\fR\na policy, with its tests; a folder given to \\fBcheck\\fR, \\fBtest\\fR or\n"
          "\\fBfmt\\fR stands for the \\fB.rules\\fR files under it.\n"
          ".TP\n\\fI*.csv\\fR, \\fI*.json\\fR, \\fI*.ndjson\\fR\naccount data, one account a record;\n"
          "\\fB\\-\\fR reads standard input.\n"
          ".TP\n\\fIHISTORY\\fR\na score history (SQLite, any name), written by \\fBrun \\-\\-history\\fR\n"
          "and read by \\fBhistory\\fR and by \\fB\\-\\-history\\fR of the other scoring verbs.\n"
          ".SH EXAMPLES\n"
          ".nf\n"
          "rubric check \\-\\-strict rules/\n"
          "rubric test rules/\n"
          "rubric run policy.rules accounts.csv \\-\\-as\\-of 2026\\-11\\-01 \\-o scores.csv\n"
          "rubric explain policy.rules accounts.csv \\-\\-account 42\n"
          "rubric diff HEAD~1:policy.rules policy.rules accounts.csv\n"
          "rubric report policy.rules accounts.csv \\-o report.html\n"
          ".fi\n"
          ".SH SEE ALSO\n"
          "The language, the command line and the lints are described in\n"
          "\\fIdocs/language.md\\fR, \\fIdocs/cli.md\\fR and \\fIdocs/lints.md\\fR of the\n"
          "rubric source.\n",
          out);
}

static const verb_def *find_verb(const verb_def *verbs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    return NULL;
}

/* One option a line, as a completion needs it: its spelling, then the
 * value's name when it takes one ("--format FORMAT", "-f FORMAT"). */
static void option_lines(const verb_def *v)
{
    for (int j = 0; v->opts && v->opts[j].name; j++) {
        const opt_spec *o = &v->opts[j];
        printf("--%s%s%s\n", o->name, o->value ? " " : "", o->value ? o->value : "");
        if (o->letter)
            printf("-%c%s%s\n", o->letter, o->value ? " " : "", o->value ? o->value : "");
    }
    printf("--help\n-h\n");
}

static int policy_outputs(const char *path)
{
    diag d;
    diag_init(&d, stderr);
    policy *p = policy_load(path, &d);
    if (!p)
        return EXIT_USAGE;
    for (int i = 0; i < p->noutputs; i++)
        printf("%s\n", p->outputs[i]->name);
    policy_free(p);
    return EXIT_OK;
}

int help_dump(const verb_def *verbs, size_t n, int argc, char **argv)
{
    const char *what = argv[0];
    if (strcmp(what, "--man") == 0 && argc == 1) {
        man_page(stdout, verbs, n);
        return EXIT_OK;
    }
    if (strcmp(what, "--verbs") == 0 && argc == 1) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", verbs[i].name);
        return EXIT_OK;
    }
    if (strcmp(what, "--options") == 0 && argc == 2) {
        const verb_def *v = find_verb(verbs, n, argv[1]);
        if (!v) {
            fprintf(stderr, "rubric help: unknown verb '%s'\n", argv[1]);
            return EXIT_USAGE;
        }
        option_lines(v);
        return EXIT_OK;
    }
    if (strcmp(what, "--outputs") == 0 && argc == 2)
        return policy_outputs(argv[1]);
    /* `rubric help VERB` is `rubric VERB --help`, as git and go have it. */
    const verb_def *v = argc == 1 ? find_verb(verbs, n, what) : NULL;
    if (v) {
        char help_opt[] = "--help";
        char *args[] = {argv[0], help_opt, NULL};
        return v->run(v, 2, args);
    }
    fprintf(stderr, "rubric help: expected a verb, --man, --verbs, --options VERB or --outputs POLICY\n");
    return EXIT_USAGE;
}
