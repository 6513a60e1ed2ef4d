/* cli.h - the verbs of the command line and what they share. */
#ifndef RUBRIC_CLI_H
#define RUBRIC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "compile.h"
#include "policy.h"
#include "reader.h"
#include "scan.h"
#include "status.h"


/* A verb's options, written once: the parser (cli_parse), the unknown-option
 * messages and the option lines of --help are all made from this. */
typedef struct opt_spec {
    const char *name;   /* the long name, without "--"; NULL ends a list */
    char letter;        /* the short letter, or 0 */
    const char *value;  /* the value's name in --help; NULL for a flag */
    const char *help;   /* what --help says; '\n' continues on the next line */
    int id;             /* what the verb's taker sees; 0: the letter */
} opt_spec;

typedef struct verb_def verb_def;
struct verb_def {
    const char *name;
    int (*run)(const verb_def *v, int argc, char **argv);
    const char *summary;   /* its line in `rubric --help` */
    const char *usage;     /* --help before the option lines */
    const opt_spec *opts;  /* in --help's order; -h, --help comes last */
    int help_col;          /* the column where the options' help begins */
    const char *epilogue;  /* --help after the option lines */
    /* The operands the verb takes, in words ("POLICY and DATA"), and how
     * many: cli_parse refuses another count; 0 when the verb checks them. */
    const char *operands;
    int noperands;
};

int cmd_run(const verb_def *v, int argc, char **argv);
int cmd_check(const verb_def *v, int argc, char **argv);
int cmd_test(const verb_def *v, int argc, char **argv);
int cmd_fmt(const verb_def *v, int argc, char **argv);
int cmd_explain(const verb_def *v, int argc, char **argv);
int cmd_diff(const verb_def *v, int argc, char **argv);
int cmd_calibrate(const verb_def *v, int argc, char **argv);
int cmd_report(const verb_def *v, int argc, char **argv);
int cmd_history(const verb_def *v, int argc, char **argv);
int cmd_lsp(const verb_def *v, int argc, char **argv);
int cmd_sql(const verb_def *v, int argc, char **argv);
int cmd_backtest(const verb_def *v, int argc, char **argv);

/* Takes one option the parser found: EXIT_OK, or EXIT_USAGE after
 * reporting a bad value. */
typedef int (*opt_taker)(void *ctx, int id, const char *arg);

/* The one option parser: every option of v's spec goes to take, in the
 * order given, and *first is set to the index of the first operand in
 * argv.  Returns EXIT_OK; CLI_DONE after printing --help (the verb exits
 * 0); EXIT_USAGE after reporting an unknown option, a missing value or a
 * value take refused. */
enum { CLI_DONE = -1 };
int cli_parse(const verb_def *v, int argc, char **argv, opt_taker take, void *ctx, int *first);

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
    table_arg *tables;        /* --table NAME=FILE, in the order given */
    int ntables;
    const char *history;      /* --history FILE: what prev() reads (run records there too) */
    int jobs;                 /* -j N: threads for the pass (session_scan) */
    bool bind_params;         /* sql --bind: parameters stay slots (compile_policy_bound) */
} data_opts;

/* The ids of the options that have no short letter. */
enum {
    OPT_PARAM = 256, OPT_AS_OF, OPT_ID, OPT_INPUT_FORMAT, OPT_ON_ERROR, OPT_DELIMITER, OPT_NA_VALUES,
    OPT_SELECT, OPT_RAW, OPT_STRICT, OPT_CHECK, OPT_FILTER, OPT_TABLE, OPT_ACTIONS,
    OPT_HISTORY, OPT_OUTPUT_NAME, OPT_POLICY, OPT_COVERAGE, OPT_COVERAGE_MIN, OPT_STDIO,
    OPT_DIALECT, OPT_DB_TABLE, OPT_BIND, OPT_SCHEMA, OPT_JOBS,
    OPT_SCORES, OPT_OVERRIDES, OPT_OUTCOMES, OPT_HORIZON, OPT_EVENT, OPT_RESCORE, OPT_BACKTEST,
};

/* The option groups the verbs that read account data share, for their
 * specs: --param (its help says what it sets in this verb), then the data
 * options (--as-of, --id and how data is read), then those of a pass over
 * every account (--on-error, --quiet), which explain has not. */
#define PARAM_OPT(help) {"param", 0, "NAME=VALUE", help, OPT_PARAM}
#define DATA_OPTS                                                                                   \
    {"as-of", 0, "DATE", "the evaluation date, YYYY-MM-DD (default: today, UTC)", OPT_AS_OF},       \
    {"id", 0, "FIELD", "the account id column/key (default: the policy's\n'id', else account_id)", OPT_ID}, \
    {"input-format", 0, "FMT", "csv, json or ndjson, when DATA's name does not say", OPT_INPUT_FORMAT}, \
    {"delimiter", 0, "SEP", "the CSV separator: ',' (default), ';', '|' or tab", OPT_DELIMITER},   \
    {"na-values", 0, "LIST",                                                                        \
     "the texts that mean no value, comma-separated\n(default: " NA_VALUES_DEFAULT ";\n"            \
     "'' for empty cells only)", OPT_NA_VALUES},                                                   \
    {"table", 0, "NAME=FILE",                                                                      \
     "the rows of the list input NAME: a CSV file with\nthe id column, one row per element "          \
     "(repeatable)", OPT_TABLE}
/* explain, diff, calibrate and report read the history; run records too
 * (its own help). */
#define HISTORY_OPT \
    {"history", 0, "FILE", "the score history prev() reads the previous\nperiod from (made by run --history)", OPT_HISTORY}
#define SCAN_OPTS                                                                                   \
    {"on-error", 0, "MODE",                                                                         \
     "fail (default): stop at the first bad record, exit 1,\nwrite nothing; skip: report each bad "  \
     "record, score\nthe rest, exit 1", OPT_ON_ERROR},                                              \
    {"jobs", 'j', "N", "score on N threads (default 1); the output is the\n"                       \
     "same (not with --table or prev())", OPT_JOBS},                                               \
    {"quiet", 'q', NULL, "no progress line", 0}

/* Takes an option of the groups above: EXIT_OK, EXIT_USAGE after
 * reporting a bad value, or CLI_NOT_MINE for an option of the verb's own. */
enum { CLI_NOT_MINE = -2 };
int data_opt(const char *verb, int id, const char *arg, data_opts *o);
/* Compiles with --as-of, and with the --param settings when with_params;
 * first repeats the policy's [band-gap], [threshold-order] and
 * [unreachable-band] warnings. */
program *compile_with(const policy *p, const data_opts *o, bool with_params, diag *d);
/* The same without those warnings: explain shows one account, not a month. */
program *compile_settings(const policy *p, const data_opts *o, bool with_params, diag *d);
/* The id field: --id, else the policy's `id`, else account_id. */
const char *data_id_field(const data_opts *o, const policy *p);
/* A progress line is shown on a terminal unless --quiet. */
bool data_progress(const data_opts *o);
void data_opts_free(data_opts *o);

/* Policy arguments as files: a folder stands for the .rules files under it,
 * walked in name order (hidden entries skipped); "-" and files stay as they
 * are.  False when a folder could not be read or holds no .rules file
 * (reported, "rubric VERB:"). */
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
int refuse_clobber(const char *verb, const char *option, const char *output, const char *const *inputs, int n,
                   const policy *p);

/* Prints "rubric VERB: message" and a pointer to --help; returns EXIT_USAGE. */
/* A policy that reads prev() needs --history: false, having said so,
 * when it is not given (every previous value would silently be na). */
bool history_given(const char *verb, const char *policy_path, const policy *p, const data_opts *o);

int usage_error(const char *verb, const char *fmt, ...);

/* `rubric help --man | --verbs | --options VERB | --outputs POLICY`
 * (argv[0] is the first of these): the verb table for the manual page and
 * the shell completions. */
int help_dump(const verb_def *verbs, size_t n, int argc, char **argv);

#endif
