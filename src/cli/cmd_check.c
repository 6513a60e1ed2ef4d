/* cmd_check.c - `rubric check POLICY...`: parse, type-check and lint, no
 * data. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

static const char check_help[] =
    "Usage: rubric check POLICY... [options]\n"
    "\n"
    "Parses and checks each policy (a folder stands for the .rules files\n"
    "under it) without reading any data: syntax, names,\n"
    "types, cycles between definitions, imports.  Every error is reported as\n"
    "file:line:col with the source line and a caret.\n"
    "\n"
    "A policy without errors is then linted for likely mistakes, reported as\n"
    "warnings: values that fall in no band, band lines that overlap or never\n"
    "match, thresholds or scores out of order, weights that are zero or do not\n"
    "add up to 100%, unused inputs, parameters and definitions, use cases with\n"
    "fewer than 3 metrics, bands nothing can give.  A comment\n"
    "'# rubric: allow NAME' on the line (or alone on the line above) silences\n"
    "the lint NAME shown in brackets there; see docs/lints.md.\n"
    "\n"
    "Options:\n"
    "      --strict   treat warnings as errors\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 when every policy is correct (warnings allowed unless\n"
    "--strict), 2 otherwise.\n";

int cmd_check(int argc, char **argv)
{
    enum { OPT_STRICT = 256 };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {NULL, 0, NULL, 0},
    };
    bool strict = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(check_help, stdout);
            return EXIT_OK;
        }
        if (c == OPT_STRICT) {
            strict = true;
            continue;
        }
        return usage_error("check", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind == argc)
        return usage_error("check", "expected at least one POLICY");
    int failed = 0;
    path_list files;
    if (!expand_policy_args("check", argv + optind, argc - optind, &files))
        failed++;
    for (size_t f = 0; f < files.n; f++) {
        const char *path = files.v[f];
        diag d;
        diag_init(&d, stderr);
        d.warnings_are_errors = strict;
        policy *p = policy_load(path, &d);
        if (!p) {
            failed++;
            fprintf(stderr, "%s: %d error%s\n", path, d.errors, d.errors == 1 ? "" : "s");
            continue;
        }
        lint_policy(p, &d);
        /* d.warnings also counts those the checker gave while loading. */
        int warnings = d.warnings;
        if (warnings && strict) {
            failed++;
            fprintf(stderr, "%s: %d warning%s, errors with --strict\n", path, warnings, warnings == 1 ? "" : "s");
            policy_free(p);
            continue;
        }
        if (warnings)
            fprintf(stderr, "%s: %d warning%s\n", path, warnings, warnings == 1 ? "" : "s");
        printf("%s: ok (%d input%s, %d output%s)\n", path, p->ninputs, p->ninputs == 1 ? "" : "s",
               p->noutputs, p->noutputs == 1 ? "" : "s");
        policy_free(p);
    }
    path_list_free(&files);
    return failed ? EXIT_USAGE : EXIT_OK;
}
