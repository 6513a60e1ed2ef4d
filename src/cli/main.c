/* main.c - `rubric VERB ...`: finds the verb and hands it the arguments. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verbs[] = {
    {"run", cmd_run, "score every account in a data file"},
    {"check", cmd_check, "parse and type-check policies, without data"},
    {"test", cmd_test, "run the tests written beside a policy"},
    {"explain", cmd_explain, "show how one account was scored, step by step"},
    {"diff", cmd_diff, "compare two versions of a policy on the same accounts"},
    {"calibrate", cmd_calibrate, "a measure's distribution, and thresholds for a target"},
    {"report", cmd_report, "one self-contained HTML page of charts for CSM managers"},
    {"fmt", cmd_fmt, "rewrite policies in the one canonical layout"},
};

static void help(FILE *out)
{
    fprintf(out,
            "rubric %s - customer health scoring policies as code\n"
            "\n"
            "Usage: rubric VERB [options] [arguments]\n"
            "\n"
            "Verbs:\n",
            RUBRIC_VERSION);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out,
            "\n"
            "'rubric VERB --help' describes a verb.  The language is described in\n"
            "docs/language.md.\n"
            "\n"
            "Options:\n"
            "  -h, --help     this help\n"
            "  -V, --version  the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return EXIT_USAGE;
    }
    const char *verb = argv[1];
    if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
        help(stdout);
        return EXIT_OK;
    }
    if (strcmp(verb, "--version") == 0 || strcmp(verb, "-V") == 0) {
        printf("rubric %s\n", RUBRIC_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(verb, verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rubric: unknown verb '%s'\nTry 'rubric --help'.\n", verb);
    return EXIT_USAGE;
}
