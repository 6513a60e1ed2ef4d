/* cmd_check.c - `rubric check POLICY...`: parse, type-check and lint, no
 * data. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

/* check's one option is --strict. */
static int take_strict(void *ctx, int id, const char *arg)
{
    (void)id;
    (void)arg;
    *(bool *)ctx = true;
    return EXIT_OK;
}

int cmd_check(const verb_def *v, int argc, char **argv)
{
    bool strict = false;
    int first, status = cli_parse(v, argc, argv, take_strict, &strict, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first == argc)
        return usage_error("check", "expected at least one POLICY");
    int failed = 0;
    path_list files;
    if (!expand_policy_args("check", argv + first, argc - first, &files))
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
