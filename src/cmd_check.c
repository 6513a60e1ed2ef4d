/* cmd_check.c - `rubric check POLICY...`: parse and type-check, no data. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char check_help[] =
    "Usage: rubric check POLICY... [options]\n"
    "\n"
    "Parses and checks each policy without reading any data: syntax, names,\n"
    "types, cycles between definitions, imports.  Every error is reported as\n"
    "file:line:col with the source line and a caret.\n"
    "\n"
    "Options:\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 when every policy is correct, 2 otherwise.\n";

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(check_help, stdout);
            return EXIT_OK;
        }
        return usage_error("check", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind == argc)
        return usage_error("check", "expected at least one POLICY");
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        diag d;
        diag_init(&d, stderr);
        policy *p = policy_load(argv[i], &d);
        if (!p) {
            failed++;
            fprintf(stderr, "%s: %d error%s\n", argv[i], d.errors, d.errors == 1 ? "" : "s");
            continue;
        }
        printf("%s: ok (%d input%s, %d output%s)\n", argv[i], p->ninputs, p->ninputs == 1 ? "" : "s",
               p->noutputs, p->noutputs == 1 ? "" : "s");
        policy_free(p);
    }
    return failed ? EXIT_USAGE : EXIT_OK;
}
