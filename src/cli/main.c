/* main.c - `rubric VERB ...`: the verbs, each with its options and help,
 * written once here; cli_parse and cli_help make the parser and --help's
 * option lines from them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const opt_spec run_opts[] = {
    {"format", 'f', "FORMAT", "table, csv, json or ndjson (default: table on a\nterminal, csv otherwise)", 0},
    {"output", 'o', "FILE", "write to FILE, atomically (no partial file on failure)", 0},
    {"select", 0, "A,B", "only these outputs, in this order", OPT_SELECT},
    {"raw", 0, NULL, "CSV for programs: text that begins with = + - @\nis written as it is, not escaped for spreadsheets",
     OPT_RAW},
    {"actions", 0, "FILE", "write the policy's actions that fire to FILE, one\nrow each (CSV; JSON or NDJSON by the file's ending)",
     OPT_ACTIONS},
    {"history", 0, "FILE", "record every output of every account as the period\n--as-of (required) in the score history FILE\n"
     "(SQLite, made if missing); a period recorded again\nis replaced whole", OPT_HISTORY},
    {"overrides", 0, "FILE", "set outputs by hand for some accounts until a date:\n"
     "a CSV file of account_id, output, value, reason,\nauthor, expires (docs/overrides.md)", OPT_OVERRIDES},
    {"db-table", 0, "NAME", "the table of accounts when DATA is a database\n(postgresql://... or sqlite:FILE; default: accounts)",
     OPT_DB_TABLE},
    PARAM_OPT("override a parameter's default (repeatable)"),
    DATA_OPTS,
    SCAN_OPTS,
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec history_opts[] = {
    {"account", 'a', "ID", "the account to show (required)", 0},
    {"output", 0, "NAME", "only this output", OPT_OUTPUT_NAME},
    {"policy", 0, "NAME", "only the periods this policy recorded (needed when\nthe account has periods of several)", OPT_POLICY},
    {"format", 'f', "FORMAT", "table (default on a terminal), csv or json", 0},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec check_opts[] = {
    {"strict", 0, NULL, "treat warnings as errors", OPT_STRICT},
    {"format", 'f', "FORMAT", "text (default); json: one array of every diagnostic;\nsarif: a SARIF 2.1.0 log for code scanning", 0},
    {"overrides", 0, "FILE", "also read this overrides file (as run --overrides)\nand warn of rows expired or expiring within 14 days", OPT_OVERRIDES},
    {"as-of", 0, "DATE", "the date --overrides is checked as of, YYYY-MM-DD\n(default: today, UTC)", OPT_AS_OF},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec test_opts[] = {
    {"filter", 0, "PATTERN", "only tests whose name contains PATTERN (or matches\nit, when it has * ? or [)", OPT_FILTER},
    {"verbose", 'v', NULL, "name every test, not only the failures", 0},
    {"format", 'f', "FORMAT", "text (default); junit: JUnit XML on standard output,\none testsuite per file; json: one JSON object", 0},
    {"coverage", 0, NULL, "report the band lines, na when and applies when\nlines and group members the tests reached", OPT_COVERAGE},
    {"coverage-min", 0, "P", "exit 1 when a policy's coverage is below P percent\n(implies --coverage)", OPT_COVERAGE_MIN},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec explain_opts[] = {
    {"account", 'a', "ID", "the account to explain (required)", 0},
    {"overrides", 0, "FILE", "the outputs set by hand (as run --overrides): shown\nbeside what the rules computed", OPT_OVERRIDES},
    {"format", 'f', "FORMAT", "text (default) or json", 0},
    PARAM_OPT("override a parameter (repeatable)"),
    DATA_OPTS,
    HISTORY_OPT,
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec diff_opts[] = {
    {"format", 'f', "FORMAT",
     "table (default): a matrix and a summary per output;\ncsv: one row per account and output that changed,\n"
     "ID,output,old,new; json: the matrices", 0},
    {"raw", 0, NULL, "CSV for programs: text that begins with = + - @\nis written as it is, not escaped for spreadsheets",
     OPT_RAW},
    {"output", 'o', "FILE", "write to FILE, atomically", 0},
    PARAM_OPT("set a parameter of NEW only (repeatable): with\nOLD and NEW the same file, a what-if"),
    DATA_OPTS,
    HISTORY_OPT,
    SCAN_OPTS,
    {"backtest", 0, NULL, "instead of DATA, the two backtests side by side\n(rubric diff OLD NEW --backtest; docs/backtest.md)",
     OPT_BACKTEST},
    {"outcomes", 0, "FILE", "--backtest: account_id,event,date rows", OPT_OUTCOMES},
    {"horizon", 0, "SPAN", "--backtest: how long after a period an event counts", OPT_HORIZON},
    {"event", 0, "EVENT", "--backtest: the event that counts: churn (default),\ncontraction, renewal, expansion or another word", OPT_EVENT},
    {"rescore", 0, "DIR", "--backtest: NEW (and OLD without --history) scored\nagain on DIR's monthly exports",
     OPT_RESCORE},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec calibrate_opts[] = {
    {"measure", 'm', "M", "what to calibrate (required)", 0},
    {"where", 'w', "EXPR", "only accounts where EXPR, written in the policy's\nlanguage, is true: --where 'licenses_sold >= 100'",
     0},
    {"target", 't', "B=P%,...",
     "the thresholds that would give each band B that\nshare (30% or 0.3) of the accounts with a value;\n"
     "one band may be left out and takes the rest", 0},
    {"format", 'f', "FORMAT", "table (default) or json", 0},
    {"output", 'o', "FILE", "write to FILE, atomically", 0},
    PARAM_OPT("override a parameter's default (repeatable)"),
    DATA_OPTS,
    HISTORY_OPT,
    SCAN_OPTS,
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec report_opts[] = {
    {"output", 'o', "FILE", "the page to write, atomically (required unless\nstandard output is not a terminal)", 0},
    {"account", 'a', "ID", "instead, one account's scorecard: a printable\npage for a conversation with the customer", 0},
    PARAM_OPT("override a parameter's default (repeatable)"),
    DATA_OPTS,
    {"history", 0, "FILE", "the score history (made by run --history): adds a\nchart per use case and roll-up of its bands period\n"
     "by period; prev() reads the previous period from it", OPT_HISTORY},
    {"outcomes", 0, "FILE", "with --history: a section of what its periods\nsaid before these outcomes (see rubric backtest)",
     OPT_OUTCOMES},
    {"horizon", 0, "SPAN", "--outcomes: how long after a period an event counts\n(required with it: 90d, 3m)", OPT_HORIZON},
    {"event", 0, "EVENT", "--outcomes: the event that counts: churn (default),\ncontraction, renewal, expansion or another word", OPT_EVENT},
    SCAN_OPTS,
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec backtest_opts[] = {
    {"history", 0, "FILE", "the periods as recorded (run --history)", OPT_HISTORY},
    {"rescore", 0, "DIR", "instead, the policy run again on DIR's monthly\nexports, YYYY-MM-DD.csv (.json, .ndjson), each\n"
     "scored as of its date; the history is not touched", OPT_RESCORE},
    {"outcomes", 0, "FILE", "account_id,event,date rows: what happened (required)", OPT_OUTCOMES},
    {"horizon", 0, "SPAN", "how long after a period an event counts: 90d, 3m\n(required)", OPT_HORIZON},
    {"event", 0, "EVENT", "the event that counts: churn (default), contraction,\nrenewal, expansion or another word of the file", OPT_EVENT},
    {"output", 0, "NAME", "only this measure or group (default: every one)", OPT_OUTPUT_NAME},
    {"format", 'f', "FORMAT", "table (default), csv, or json: one object per output,\none a line", 0},
    {"output-file", 'o', "FILE", "write to FILE, atomically", 'o'},
    PARAM_OPT("override a parameter's default (--rescore)"),
    {"id", 0, "FIELD", "the account id column/key of the exports (--rescore)", OPT_ID},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec sql_opts[] = {
    {"dialect", 0, "D", "postgres, sqlite or duckdb (required)", OPT_DIALECT},
    {"db-table", 0, "NAME", "the table of accounts the query reads (default:\naccounts)", OPT_DB_TABLE},
    {"select", 0, "A,B", "only these outputs, in this order", OPT_SELECT},
    {"scores", 0, NULL, "after each measure or group, its NAME__value and\nNAME__score columns", OPT_SCORES},
    {"schema", 0, NULL, "print the CREATE TABLE of the inputs instead", OPT_SCHEMA},
    {"bind", 0, NULL, "parameters and as_of as SQL parameters, bound as\ntext when the query runs: $1.. (postgres), :name\n(sqlite), $name (duckdb)", OPT_BIND},
    {"output", 'o', "FILE", "write to FILE, atomically", 0},
    PARAM_OPT("override a parameter's default (repeatable)"),
    {"as-of", 0, "DATE", "the evaluation date, YYYY-MM-DD (default: today, UTC)", OPT_AS_OF},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec fmt_opts[] = {
    {"check", 0, NULL, "write nothing; list the files that would change", OPT_CHECK},
    {NULL, 0, NULL, NULL, 0},
};

static const opt_spec lsp_opts[] = {
    {"stdio", 0, NULL, "talk over standard input and output (the one\ntransport; clients may pass it)", OPT_STDIO},
    {NULL, 0, NULL, NULL, 0},
};

static const char scoring_exit[] = "\nExit status: 0 all scored, 1 records rejected, 2 usage or policy errors.\n";

static const verb_def verbs[] = {
    {"run", cmd_run, "score every account in a data file",
     "Usage: rubric run POLICY DATA [options]\n"
     "\n"
     "Scores every account in DATA (CSV, JSON or NDJSON; - for standard input)\n"
     "with POLICY and writes one row per account.  DATA may be a database,\n"
     "postgresql://... (a libpq URI) or sqlite:FILE: the policy is compiled to\n"
     "SQL (as rubric sql prints it) and run there over the table --db-table.\n"
     "\n"
     "Options:\n",
     run_opts, 27, scoring_exit, "POLICY and DATA", 2},
    {"check", cmd_check, "parse and type-check policies, without data",
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
     "Options:\n",
     check_opts, 24,
     "\n"
     "Exit status: 0 when every policy is correct (warnings allowed unless\n"
     "--strict), 2 otherwise.\n", NULL, 0},
    {"test", cmd_test, "run the tests written beside a policy",
     "Usage: rubric test PATH... [options]\n"
     "\n"
     "Runs the tests in each policy file, or in every .rules file under each\n"
     "folder.  A test looks like:\n"
     "\n"
     "  test \"25 of 100 seats is yellow\"\n"
     "    given licenses_sold = 100, git_ops_users_l28d = 25, as_of = 2026-11-01\n"
     "    expect scm_git_ops is yellow\n"
     "\n"
     "Each failure is shown with the test's file:line, the expectation, the\n"
     "actual values and the inputs.  The last line is 'N passed, N failed'.\n"
     "\n"
     "Options:\n",
     test_opts, 24,
     "\nExit status: 0 all passed, 1 a test failed (or coverage is below\n--coverage-min), 2 a policy has errors.\n", NULL, 0},
    {"explain", cmd_explain, "show how one account was scored, step by step",
     "Usage: rubric explain POLICY DATA --account ID [options]\n"
     "\n"
     "Shows how one account was scored: every input, every definition and\n"
     "measure with its value, the band line that decided it, and for each\n"
     "roll-up which members counted and which were na and left out (a mean\n"
     "renormalises the remaining weights; a sum adds nothing for them).\n"
     "\n"
     "Options:\n",
     explain_opts, 27,
     "\n"
     "Exit status: 0 explained, 1 no such account or a bad record, 2 usage or\n"
     "policy errors.\n", NULL, 0},
    {"diff", cmd_diff, "compare two versions of a policy on the same accounts",
     "Usage: rubric diff OLD NEW DATA [options]\n"
     "       rubric diff OLD NEW --backtest --history H --outcomes FILE --horizon 90d\n"
     "\n"
     "Scores every account in DATA with two versions of a policy and shows, for\n"
     "each output the two have in common, how many accounts moved from each\n"
     "band to each band.  OLD and NEW are policy files, or REV:PATH for a file\n"
     "as it was at a git revision (HEAD~1:rules/p.rules; PATH relative to the\n"
     "current directory; imports are read at the same revision).\n"
     "With --backtest, no DATA: the two versions' backtests side by side (see\n"
     "rubric backtest), each from the history, or --rescore'd on the exports.\n"
     "\n"
     "Options:\n",
     diff_opts, 27, scoring_exit, "OLD, NEW and DATA", 0},
    {"calibrate", cmd_calibrate, "a measure's distribution, and thresholds for a target",
     "Usage: rubric calibrate POLICY DATA --measure M [options]\n"
     "\n"
     "Shows the distribution of M (a measure, group or numeric definition) over\n"
     "the accounts in DATA: count, na, min, quartiles, median, max and mean,\n"
     "and how many accounts each band gets with the policy's thresholds.\n"
     "\n"
     "Options:\n",
     calibrate_opts, 27,
     "\n"
     "Quantiles interpolate linearly between order statistics (R's type 7,\n"
     "numpy's default).  Exit status: 0 done, 1 records rejected, 2 usage or\n"
     "policy errors.\n",
     "POLICY and DATA", 2},
    {"report", cmd_report, "one self-contained HTML page of charts for CSM managers",
     "Usage: rubric report POLICY DATA -o report.html [options]\n"
     "\n"
     "Scores every account in DATA and writes one self-contained HTML page for\n"
     "a CSM manager: the bands of every measure and group as stacked bars, the\n"
     "use case adoption count chart (accounts by how many use cases are green),\n"
     "and a histogram of each measure's values with its thresholds drawn on it.\n"
     "With --history, each use case's bands period by period as well; with\n"
     "--outcomes too, what those periods said before the outcomes (backtest).\n"
     "With --account ID, the customer's scorecard instead: one printable page\n"
     "with each use case and measure, its value, thresholds and band, and the\n"
     "smallest count that would move each measure to a better band.\n"
     "The page fetches nothing: no script, font or image from anywhere.\n"
     "\n"
     "Options:\n",
     report_opts, 27, scoring_exit, "POLICY and DATA", 2},
    {"backtest", cmd_backtest, "what past scores said before the outcomes: per band, AUC",
     "Usage: rubric backtest POLICY --history H --outcomes FILE --horizon 90d [options]\n"
     "\n"
     "Joins each period the history recorded (or --rescore scores again) with\n"
     "what happened next: an account scored at P counts as an event when the\n"
     "outcomes file has the event for it in (P, P + horizon].  Per measure or\n"
     "group: accounts, events, rate and lift per band, precision and recall of\n"
     "the worst band (the first declared), the AUC of the score (lower = more\n"
     "risk) and the rate by score decile.  Periods whose horizon runs past the\n"
     "outcomes' last date are left out and counted.  See docs/backtest.md.\n"
     "\n"
     "Options:\n",
     backtest_opts, 27,
     "\n"
     "Exit status: 0 done, 1 an export could not be scored whole, 2 usage\n"
     "errors, a bad outcomes file or history.\n",
     "POLICY", 1},
    {"history", cmd_history, "one account's outputs period by period, from a score history",
     "Usage: rubric history HISTORY --account ID [options]\n"
     "\n"
     "Shows one account's outputs period by period, as `rubric run --history\n"
     "HISTORY --as-of DATE` recorded them: one row per period, as_of first, then\n"
     "each output's cell exactly as `run --format csv` printed it (csv), its\n"
     "value, band and score (json), or as run's table shows it.  The file's\n"
     "schema is described in docs/history.md.\n"
     "\n"
     "Options:\n",
     history_opts, 27,
     "\n"
     "Exit status: 0 shown, 1 the account is in no period, 2 usage errors or a\n"
     "file that is not a score history.\n",
     "HISTORY", 1},
    {"sql", cmd_sql, "the policy as one SQL query for PostgreSQL, SQLite or DuckDB",
     "Usage: rubric sql POLICY --dialect postgres|sqlite|duckdb [options]\n"
     "\n"
     "Prints POLICY as one SELECT over a table of accounts whose columns are the\n"
     "policy's inputs: one row per account, the id and then every output (or\n"
     "those --select names) with the cells `rubric run --format csv` writes,\n"
     "NULL for an empty cell.  One CTE per stage, named after the policy's\n"
     "names, with the policy's file:line beside each.  --param and --as-of are\n"
     "written into the query as in run (with --bind, given when it runs).\n"
     "What the dialect cannot express (lists, prev()) is refused at its place\n"
     "in the policy.  See docs/sql.md.\n"
     "\n"
     "Options:\n",
     sql_opts, 27,
     "\n"
     "Exit status: 0 printed, 2 usage or policy errors, or a construct the\n"
     "dialect cannot express.\n",
     "POLICY", 1},
    {"fmt", cmd_fmt, "rewrite policies in the one canonical layout",
     "Usage: rubric fmt [--check] POLICY...\n"
     "\n"
     "Rewrites each policy file in place in the one canonical layout: one\n"
     "statement a line, owned lines indented two spaces, band names and\n"
     "operators in columns, a blank line around each block, single spaces\n"
     "in expressions, every comment kept where it was.  A directory stands\n"
     "for the .rules files under it; '-' reads standard input and writes\n"
     "standard output.  A file with errors is reported and left untouched.\n"
     "The layout is described in docs/fmt.md.\n"
     "\n"
     "Options:\n",
     fmt_opts, 15,
     "\n"
     "Exit status: 0 when done (with --check: when nothing would change),\n"
     "1 with --check when some file would change, 2 when a file has errors\n"
     "or cannot be read or written.\n", NULL, 0},
    {"lsp", cmd_lsp, "the language server, for editors (LSP over standard I/O)",
     "Usage: rubric lsp [--stdio]\n"
     "\n"
     "Serves the Language Server Protocol (3.17, JSON-RPC over standard input\n"
     "and output) to an editor: diagnostics as check finds them while you\n"
     "type (of the file and of the open files that import it), hover,\n"
     "definition, references, rename, completion, the outline, formatting as\n"
     "fmt does it, and explain on one account of the data file named by the\n"
     "setting rubric.explainData.  An editor starts it; docs/editors.md says\n"
     "how to set it up in VS Code, Vim and Neovim.\n"
     "\n"
     "Options:\n",
     lsp_opts, 15,
     "\n"
     "Exit status: 0 when the client ended with shutdown then exit, 1 when it\n"
     "left without them.\n", NULL, 0},
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
    if (strcmp(verb, "help") == 0 && argc > 2)
        return help_dump(verbs, sizeof verbs / sizeof verbs[0], argc - 2, argv + 2);
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
            return verbs[i].run(&verbs[i], argc - 1, argv + 1);
    fprintf(stderr, "rubric: unknown verb '%s'\nTry 'rubric --help'.\n", verb);
    return EXIT_USAGE;
}
