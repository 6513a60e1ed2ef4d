/* cli.h - the verbs of the command line and what they share. */
#ifndef RUBRIC_CLI_H
#define RUBRIC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "policy.h"

/* Exit codes, as SPEC fixes them. */
enum { EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2 };

#define RUBRIC_VERSION "0.1.0"

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* --param k=v and --as-of, gathered for compile_policy(). */
typedef struct settings {
    param_setting *items;
    char **names;      /* the copies of the names, owned here */
    int n;
} settings;

bool settings_add_param(settings *s, const char *arg);  /* "k=v" */
void settings_add(settings *s, const char *name, const char *value);
void settings_free(settings *s);

/* Policy arguments as files: a folder stands for the .rules files under it,
 * walked in name order (hidden entries skipped); "-" and files stay as they
 * are.  False when a folder could not be read (reported, "rubric VERB:"). */
typedef struct path_list {
    char **v;
    size_t n;
} path_list;

bool expand_policy_args(const char *verb, char **args, int n, path_list *out);
void path_list_free(path_list *l);

/* Prints "rubric VERB: message" and a pointer to --help; returns EXIT_USAGE. */
int usage_error(const char *verb, const char *fmt, ...);

#endif
