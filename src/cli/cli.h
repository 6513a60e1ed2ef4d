/* cli.h - the verbs of the command line and what they share. */
#ifndef RUBRIC_CLI_H
#define RUBRIC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "policy.h"
#include "reader.h"
#include "status.h"


int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_report(int argc, char **argv);



/* --param k=v and --as-of, gathered for compile_policy(). */
typedef struct settings {
    param_setting *items;
    char **names;      /* the copies of the names, owned here */
    int n;
} settings;

bool settings_add_param(settings *s, const char *arg);  /* "k=v" */
void settings_add(settings *s, const char *name, const char *value);
void settings_free(settings *s);

/* The options of every verb that scores account data, parsed in one place
 * so that they mean the same everywhere. */
typedef struct data_opts {
    settings params;          /* --param */
    const char *as_of, *id;
    read_opts read;           /* --input-format, --delimiter, --na-values */
    bool skip_errors, quiet;
} data_opts;

enum { OPT_PARAM = 256, OPT_AS_OF, OPT_ID, OPT_INPUT_FORMAT, OPT_ON_ERROR, OPT_DELIMITER, OPT_NA_VALUES, OPT_VERB_OWN };

/* How data is read: also taken by explain, which has no --on-error. */
#define READ_LONGOPTS                                              \
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},   \
    {"delimiter", required_argument, NULL, OPT_DELIMITER},         \
    {"na-values", required_argument, NULL, OPT_NA_VALUES}

#define DATA_LONGOPTS                                              \
    {"param", required_argument, NULL, OPT_PARAM},                 \
    {"as-of", required_argument, NULL, OPT_AS_OF},                 \
    {"id", required_argument, NULL, OPT_ID},                       \
    READ_LONGOPTS,                                                 \
    {"on-error", required_argument, NULL, OPT_ON_ERROR},           \
    {"quiet", no_argument, NULL, 'q'}

#define READ_OPTS_HELP                                                               \
    "      --input-format FMT   csv, json or ndjson, when DATA's name does not say\n"  \
    "      --delimiter SEP      the CSV separator: ',' (default), ';', '|' or tab\n"  \
    "      --na-values LIST     the texts that mean no value, comma-separated\n"     \
    "                           (default: " NA_VALUES_DEFAULT ";\n"             \
    "                           '' for empty cells only)\n"

#define DATA_OPTS_HELP                                                               \
    "      --as-of DATE         the evaluation date, YYYY-MM-DD (default: today, UTC)\n" \
    "      --id FIELD           the account id column/key (default: the policy's\n"    \
    "                           'id', else account_id)\n"                              \
    READ_OPTS_HELP                                                                 \
    "      --on-error MODE      fail (default): stop at the first bad record, exit 1,\n" \
    "                           write nothing; skip: report each bad record, score\n"  \
    "                           the rest, exit 1\n"                                    \
    "  -q, --quiet              no progress line\n"

/* What getopt_long could not take (opterr is 0): an unknown option or one
 * missing its value.  Reports it; returns EXIT_USAGE. */
int unknown_option(const char *verb, char **argv);

/* Takes getopt's c if it is a data option: 1 taken, 0 not one of them,
 * EXIT_USAGE after reporting a bad value.  read_opt: the same for the
 * options of READ_LONGOPTS alone. */
int data_opt(const char *verb, int c, const char *arg, data_opts *o);
int read_opt(const char *verb, int c, const char *arg, read_opts *o);
/* Compiles with --as-of, and with the --param settings when with_params;
 * first repeats the policy's [band-gap], [threshold-order] and
 * [unreachable-band] warnings. */
program *compile_with(const policy *p, const data_opts *o, bool with_params, diag *d);
/* The id field: --id, else the policy's `id`, else account_id. */
const char *data_id_field(const data_opts *o, const policy *p);
/* A progress line is shown on a terminal unless --quiet. */
bool data_progress(const data_opts *o);
void data_opts_free(data_opts *o);

/* Policy arguments as files: a folder stands for the .rules files under it,
 * walked in name order (hidden entries skipped); "-" and files stay as they
 * are.  False when a folder could not be read (reported, "rubric VERB:"). */
typedef struct path_list {
    char **v;
    size_t n;
} path_list;

bool expand_policy_args(const char *verb, char **args, int n, path_list *out);
void path_list_free(path_list *l);

/* Refuses an output (-o PATH, or standard output when output is NULL) that
 * is one of the files a verb reads: inputs[0..n) and, once loaded, every
 * file of the policy p (its imports too; p may be NULL).  Checked before
 * any data is read.  Returns EXIT_OK, or EXIT_USAGE after saying which
 * file. */
int refuse_clobber(const char *verb, const char *output, const char *const *inputs, int n, const policy *p);

/* Prints "rubric VERB: message" and a pointer to --help; returns EXIT_USAGE. */
int usage_error(const char *verb, const char *fmt, ...);

#endif
