/* cmd_test.c - `rubric test PATH...`: run the tests written beside a policy.
 *
 * A test gives an account's inputs (inline, or an account of a fixture
 * file) and parameters, scores it, and checks each `expect` condition.  A
 * failure shows where the test is, what was expected, what each output it
 * names actually was, and the inputs that led there. */
#include <dirent.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "coverage.h"
#include "table.h"
#include "utf8.h"
#include "eval.h"
#include "declare.h"
#include "reader.h"
#include "session.h"
#include "record.h"
#include "writer.h"
#include "xalloc.h"

typedef struct test_run {
    const char *filter;
    bool verbose;
    bool junit; /* JUnit XML on standard output instead of the text report */
    bool json;  /* one JSON object on standard output instead */
    int passed, failed, broken_files;
    cJSON *json_tests, *json_broken; /* --format json: what the object lists */
    bool want_cov;                   /* --coverage, or --coverage-min */
    coverage *cov;                   /* then what the tests reached */
    double cov_min;                  /* --coverage-min, else -1 */
    const char *cov_min_text;
} test_run;

/* Text in XML: the five special characters as entities; in an attribute
 * also the line ends, which a parser would otherwise fold into spaces; the
 * control characters XML 1.0 cannot hold at all, and each byte that is not
 * well-formed UTF-8 (a test's name is the policy's bytes), as U+FFFD. */
static void xml_text(FILE *out, const char *s, size_t len, bool attr)
{
    for (const char *end = s + len; s < end; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x80) {
            int n = utf8_length((const unsigned char *)s, (const unsigned char *)end);
            const unsigned char *u = (const unsigned char *)s;
            /* U+FFFE and U+FFFF are no XML characters either. */
            if (n == 0 || (n == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] >= 0xBE))
                fputs("\xef\xbf\xbd", out);
            else
                fwrite(s, 1, (size_t)n, out);
            s += n ? n - 1 : 0;
            continue;
        }
        switch (ch) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        case '\n': fputs(attr ? "&#10;" : "\n", out); break;
        case '\t': fputs(attr ? "&#9;" : "\t", out); break;
        case '\r': fputs("&#13;", out); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fputs("\xef\xbf\xbd", out);
            else
                putc(ch, out);
        }
    }
}

static void xml(FILE *out, const char *s, bool attr)
{
    xml_text(out, s, strlen(s), attr);
}

/* One <testcase>; kind NULL when it passed, else "failure" or "error" with
 * the report: the message is the report after its first line (the test's
 * own place): the expectations that failed with the actual values, the
 * body all of it. */
static void junit_case(FILE *out, const char *file, const char *name, const char *kind, const char *report)
{
    fputs("    <testcase name=\"", out);
    xml(out, name, true);
    fputs("\" classname=\"", out);
    xml(out, file, true);
    fputs("\" time=\"0\"", out);
    if (!kind) {
        fputs("/>\n", out);
        return;
    }
    const char *nl = strchr(report, '\n');
    const char *msg = nl && nl[1] ? nl + 1 : report;
    while (*msg == ' ')
        msg++;
    size_t len = strlen(msg);
    /* A broken file's message is its first diagnostic, without the source
     * line and caret. */
    if (strcmp(kind, "error") == 0 && strchr(msg, '\n'))
        len = (size_t)(strchr(msg, '\n') - msg);
    while (len && msg[len - 1] == '\n')
        len--;
    fprintf(out, ">\n      <%s message=\"", kind);
    xml_text(out, msg, len, true);
    fputs("\">", out);
    xml(out, report, false);
    fprintf(out, "</%s>\n    </testcase>\n", kind);
}

/* The <testsuite> of one file, around its cases (written to a buffer
 * first, since the counts come before them). */
static void junit_suite(const char *file, int tests, int failures, int errors, const char *cases)
{
    fputs("  <testsuite name=\"", stdout);
    xml(stdout, file, true);
    printf("\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"0\">\n", tests, failures, errors);
    fputs(cases, stdout);
    fputs("  </testsuite>\n", stdout);
}

static bool wanted(const test_run *tr, const char *name)
{
    if (!tr->filter)
        return true;
    if (strpbrk(tr->filter, "*?["))
        return fnmatch(tr->filter, name, 0) == 0;
    return strstr(name, tr->filter) != NULL;
}

/* A measure's value as explain shows it: 24%, not 0.24. */
static void print_value(FILE *out, const program *prog, frame *f, const symbol *s, const rb_value *v)
{
    char buf[128];
    value_format(*v, s ? s->scheme : NULL, buf, sizeof buf);
    fputs(buf, out);
    if (v->kind == VK_BANDED) {
        char num[40];
        const step *st = s ? program_step(prog, s) : NULL;
        if (st)
            step_value_format(st, f, v->u.num, num, sizeof num);
        else
            num_format(v->u.num, num);
        fprintf(out, " (%s %s", s && s->kind == SYM_GROUP ? "score" : "value", num);
        if (v->has_score && s && s->kind == SYM_MEASURE) {
            num_format(v->score, num);
            fprintf(out, ", score %s", num);
        }
        fputc(')', out);
    }
}

static void report_failure(FILE *out, const program *prog, frame *f, const test_case *t, const clause *cl,
                           const rb_value *got, bool first)
{
    const decl *d = t->decl;
    unsigned line, col;
    source_line_col(d->loc.src, d->loc.begin, &line, &col);
    if (first)
        fprintf(out, "FAIL %s:%u: test \"%s\"\n", d->loc.src->path, line, d->name);
    unsigned eline;
    source_line_col(cl->loc.src, cl->loc.begin, &eline, &col);
    size_t len;
    const char *text = source_line(cl->loc.src, eline, &len);
    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    fprintf(out, "  %s:%u: %.*s\n", cl->loc.src->path, eline, (int)len, text);
    if (got->kind == VK_NA)
        fprintf(out, "    the condition is na (a value it needs is missing)\n");
    const symbol *names[32];
    int n = 0;
    expr_names(cl->cond, names, &n, 32);
    for (int i = 0; i < n; i++) {
        const rb_value *v = eval_symbol_value(prog, f, names[i]);
        if (!v)
            continue;
        fprintf(out, "    actual: %s = ", names[i]->name);
        print_value(out, prog, f, names[i], v);
        putc('\n', out);
    }
    n = 0;
    expr_prev_names(cl->cond, names, &n, 32);
    for (int i = 0; i < n; i++) {
        fprintf(out, "    given: prev(%s) = ", names[i]->name);
        print_value(out, prog, f, names[i], &f->slots[prog->prev_slot0 + names[i]->prev_index]);
        putc('\n', out);
    }
}


/* The inputs that led there, once per failing test. */
static void report_inputs(FILE *out, const program *prog, const frame *f)
{
    const policy *p = prog->pol;
    fputs("  inputs:", out);
    int shown = 0;
    for (int i = 0; i < p->ninputs; i++) {
        if (f->slots[i].kind == VK_NA)
            continue;
        char buf[128];
        value_format(f->slots[i], NULL, buf, sizeof buf);
        fprintf(out, "%s %s = %s", shown++ ? "," : "", p->inputs[i]->name, buf);
    }
    if (!shown)
        fputs(" (all na)", out);
    char asof[16];
    date_format(prog->params[0].u.date, asof);
    fprintf(out, "; as_of = %s", asof);
    /* What the test gave for the previous period: an action that reads
     * prev() fails with only its own name in the expect. */
    for (int i = 0; i < p->nprevs; i++) {
        const rb_value *v = &f->slots[prog->prev_slot0 + i];
        if (v->kind == VK_NA)
            continue;
        char buf[128];
        value_format(*v, p->prevs[i]->scheme, buf, sizeof buf);
        fprintf(out, "; prev(%s) = %s", p->prevs[i]->name, buf);
    }
    putc('\n', out);
}

/* Fills the input slots from the test's fixture account, if it has one;
 * *texts receives the copies of its text values. */
/* A fixture's path as written in the test: beside the file that holds
 * the test, unless absolute. */
static char *beside(const decl *d, const char *written)
{
    const char *importer = d->loc.src->path;
    const char *slash = strrchr(importer, '/');
    if (written[0] == '/' || !slash)
        return xstrdup(written);
    size_t n = (size_t)(slash - importer) + 1 + strlen(written) + 1;
    char *path = xmalloc(n);
    snprintf(path, n, "%.*s/%s", (int)(slash - importer), importer, written);
    return path;
}

/* Fills the input slots from the test's fixture account, if it has one,
 * and its lists from the tables it names; *texts receives the copies of
 * its values. */
static bool load_fixture(const policy *p, const test_case *t, frame *f, char **texts, char *err, size_t errlen)
{
    const decl *d = t->decl;
    *texts = NULL;
    if (!d->fixture_path)
        return true;
    /* From CSV, a list's rows come from a table line of the test, which
     * is what the message must point to (not run's --table). */
    data_format named = data_format_of_path(d->fixture_path);
    bool json = named == DATA_JSON || named == DATA_NDJSON;
    for (int i = 0; i < p->ninputs && !json; i++) {
        const symbol *in = p->inputs[i];
        const name_ref *g = d->tables;
        while (g && strcmp(g->name, in->name) != 0)
            g = g->next;
        if (in->type == TY_LIST && !g) {
            snprintf(err, errlen, "input '%s' is a list: give its rows in the test with 'given %s from \"FILE\"' "
                                  "(a table with the account id column), or take the account from JSON",
                     in->name, in->name);
            return false;
        }
    }
    char *path = beside(d, d->fixture_path);
    int ntables = 0;
    for (const name_ref *g = d->tables; g; g = g->next)
        ntables++;
    table_arg *tables = xcalloc((size_t)ntables + 1, sizeof *tables);
    int k = 0;
    for (const name_ref *g = d->tables; g; g = g->next) {
        if (test_population_line(p, g))
            continue;
        tables[k].name = xstrdup(g->name);
        tables[k].path = beside(d, g->weight->u.text.s);
        k++;
    }
    ntables = k;
    diag quiet; /* the message goes in the test's FAIL line */
    diag_init(&quiet, NULL);
    bool found = record_find(p, path, NULL, tables, ntables, p->id_field ? p->id_field : "account_id", d->fixture_id,
                             f->slots, texts, &quiet) == 1;
    if (!found)
        snprintf(err, errlen, "%.500s", quiet.kept);
    for (k = 0; k < ntables; k++) {
        free(tables[k].name);
        free((char *)(uintptr_t)tables[k].path);
    }
    free(tables);
    free(path);
    return found;
}

/* The population values of a test that says `given population from
 * "FILE"`: gathered over the accounts of FILE as run gathers them over its
 * data.  NULL with *err empty when the test gives none; NULL with *err
 * said when FILE cannot be read. */
static population *test_population(const program *prog, const test_case *t, char *err, size_t errlen)
{
    const name_ref *g = t->decl->tables;
    while (g && !test_population_line(prog->pol, g))
        g = g->next;
    if (!g || !prog->npops)
        return NULL;
    char *path = beside(t->decl, g->weight->u.text.s);
    data_opts o;
    memset(&o, 0, sizeof o);
    diag quiet;
    diag_init(&quiet, NULL);
    bool failed;
    population *pop = data_population(prog, path, &o, &quiet, &failed);
    if (failed)
        snprintf(err, errlen, "the population: %.500s", quiet.kept);
    free(path);
    return pop;
}

/* A FILE that writes to memory; failing only when memory is out, which
 * ends the run as xalloc does. */
static FILE *mem_open(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f) {
        fputs("rubric: out of memory\n", stderr);
        exit(EXIT_USAGE);
    }
    return f;
}

/* With --format junit, a file that does not check is one testcase with
 * an <error>: its diagnostics, as the text report gives them. */
static void junit_broken(const char *path, int errors, char *said)
{
    char *cases = NULL;
    size_t len = 0;
    FILE *c = mem_open(&cases, &len);
    char head[64];
    snprintf(head, sizeof head, "%d error%s; its tests were not run\n", errors, errors == 1 ? "" : "s");
    char *report = xmalloc(strlen(head) + strlen(said) + 1);
    strcpy(report, head);
    strcat(report, said);
    junit_case(c, path, "(the policy)", "error", report);
    fclose(c);
    junit_suite(path, 1, 0, 1, cases);
    free(report);
    free(cases);
    free(said);
}

static int run_file(test_run *tr, const char *path)
{
    /* JUnit: the diagnostics, the cases and each failure's report are
     * written to buffers, then into the XML. */
    char *said = NULL, *cases = NULL;
    size_t said_len = 0, cases_len = 0;
    FILE *said_file = NULL, *cases_file = NULL;
    if (tr->junit) {
        said_file = mem_open(&said, &said_len);
        cases_file = mem_open(&cases, &cases_len);
    }
    diag d;
    diag_init(&d, tr->junit ? said_file : stderr);
    policy *p = policy_load(path, &d);
    program *base = p ? compile_policy(p, NULL, 0, &d) : NULL;
    if (!base) {
        tr->broken_files++;
        if (tr->json) {
            cJSON *b = cJSON_CreateObject();
            cJSON_AddStringToObject(b, "file", path);
            cJSON_AddNumberToObject(b, "errors", d.errors);
            cJSON_AddItemToArray(tr->json_broken, b);
        }
        if (tr->junit) {
            fclose(cases_file);
            free(cases);
            fclose(said_file); /* which sets said */
            junit_broken(path, d.errors, said);
        } else if (!p) {
            fprintf(stderr, "%s: %d error%s; its tests were not run\n", path, d.errors, d.errors == 1 ? "" : "s");
        }
        policy_free(p);
        return 0;
    }
    int ncases = 0, nfailed = 0;
    cov_run *cr = tr->cov ? coverage_begin(tr->cov, base) : NULL;
    for (int i = 0; i < base->ntests; i++) {
        const test_case *bt = &base->tests[i];
        if (!wanted(tr, bt->decl->name))
            continue;
        /* A test that sets parameters gets a program of its own. */
        param_setting *set = xcalloc((size_t)bt->ngivens + 1, sizeof *set);
        int nset = 0;
        for (int g = 0; g < bt->ngivens; g++)
            if (bt->given_slot[g] < 0 && bt->given_sym[g]->kind == SYM_PARAM) {
                set[nset].name = bt->given_sym[g]->name;
                set[nset].given = &bt->given_value[g];
                nset++;
            }
        program *prog = nset ? compile_policy(p, set, nset, &d) : base;
        free(set);
        const test_case *t = &prog->tests[i];
        frame f;
        frame_init(&f, prog);
        for (int k = 0; k < prog->ninputs; k++)
            f.slots[k].kind = VK_NA;
        char err[600] = "";
        char *texts = NULL, *report = NULL;
        size_t report_len = 0;
        FILE *out = stdout;
        if (tr->junit || tr->json)
            out = mem_open(&report, &report_len);
        bool ok = load_fixture(p, t, &f, &texts, err, sizeof err);
        population *pop = ok ? test_population(prog, t, err, sizeof err) : NULL;
        ok = ok && !err[0];
        f.pop = pop;
        if (!ok) {
            unsigned line, col;
            source_line_col(t->decl->loc.src, t->decl->fixture_path ? t->decl->fixture_loc.begin : t->decl->loc.begin,
                            &line, &col);
            fprintf(out, "FAIL %s:%u: test \"%s\"\n  %s\n", t->decl->loc.src->path, line, t->decl->name, err);
        }
        if (ok) {
            for (int g = 0; g < t->ngivens; g++)
                if (t->given_slot[g] >= 0)
                    f.slots[t->given_slot[g]] = t->given_value[g];
            eval_account(prog, &f);
            /* A failing test counts too: it reached what it reached, and
             * fails the run on its own. */
            if (cr)
                coverage_account(cr, prog, &f);
            const clause *cl = t->decl->clauses;
            for (int e = 0; e < t->nexpects; e++, cl = cl->next) {
                rb_value got = eval_node(t->expects[e], &f);
                if (got.kind == VK_BOOL && got.u.b)
                    continue;
                report_failure(out, prog, &f, t, cl, &got, ok);
                ok = false;
            }
            if (!ok)
                report_inputs(out, prog, &f);
        }
        if (ok) {
            tr->passed++;
            if (tr->verbose && !tr->junit && !tr->json)
                printf("ok   %s: %s\n", path, t->decl->name);
        } else {
            tr->failed++;
            nfailed++;
        }
        if (tr->junit) {
            fclose(out);
            junit_case(cases_file, path, t->decl->name, ok ? NULL : "failure", report);
            free(report);
            ncases++;
        } else if (tr->json) {
            fclose(out);
            unsigned line, col;
            source_line_col(t->decl->loc.src, t->decl->loc.begin, &line, &col);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "file", path);
            cJSON_AddNumberToObject(o, "line", line);
            cJSON_AddStringToObject(o, "name", t->decl->name);
            cJSON_AddBoolToObject(o, "passed", ok);
            cJSON_AddItemToObject(o, "report", ok ? cJSON_CreateNull() : cJSON_CreateString(report));
            cJSON_AddItemToArray(tr->json_tests, o);
            free(report);
        }
        free(texts);
        frame_free(&f);
        population_free(pop);
        if (prog != base)
            program_free(prog);
    }
    coverage_end(cr);
    program_free(base);
    policy_free(p);
    if (tr->junit) {
        /* Warnings the checker gave go on standard error, as in text. */
        fclose(said_file);
        fputs(said, stderr);
        free(said);
        fclose(cases_file);
        junit_suite(path, ncases, nfailed, 0, cases);
        free(cases);
    }
    return 0;
}

/* A percentage from 0 to 100 in decimal digits, written 80, 80% or 62.5;
 * -1 when it is not. */
static double percent_arg(const char *arg)
{
    size_t n = strspn(arg, "0123456789.");
    if (n == 0 || (arg[n] && strcmp(arg + n, "%") != 0))
        return -1;
    char *end;
    double v = strtod(arg, &end);
    return end != arg + n || v > 100 ? -1 : v;
}

static int take(void *ctx, int id, const char *arg)
{
    test_run *tr = ctx;
    if (id == OPT_FILTER)
        tr->filter = arg;
    else if (id == 'f') {
        tr->junit = strcmp(arg, "junit") == 0;
        tr->json = strcmp(arg, "json") == 0;
        if (!tr->junit && !tr->json && strcmp(arg, "text") != 0)
            return usage_error("test", "--format must be text, junit or json, not '%s'", arg);
    } else if (id == OPT_COVERAGE) {
        tr->want_cov = true;
    } else if (id == OPT_COVERAGE_MIN) {
        tr->want_cov = true;
        tr->cov_min = percent_arg(arg);
        tr->cov_min_text = arg;
        if (tr->cov_min < 0)
            return usage_error("test", "--coverage-min must be a percentage from 0 to 100 (80 or 80%%), not '%s'", arg);
    } else
        tr->verbose = true;
    return EXIT_OK;
}

int cmd_test(const verb_def *v, int argc, char **argv)
{
    test_run tr = {0};
    tr.cov_min = -1;
    int first, status = cli_parse(v, argc, argv, take, &tr, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first == argc)
        return usage_error("test", "expected at least one policy file or folder");
    path_list files;
    if (!expand_policy_args("test", argv + first, argc - first, &files))
        tr.broken_files++;
    if (tr.want_cov)
        tr.cov = coverage_new();
    if (tr.json) {
        tr.json_tests = cJSON_CreateArray();
        tr.json_broken = cJSON_CreateArray();
    }
    if (tr.junit)
        puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rubric test\">");
    for (size_t i = 0; i < files.n; i++)
        run_file(&tr, files.v[i]);
    path_list_free(&files);
    if (tr.junit)
        puts("</testsuites>");
    /* With JUnit or JSON, standard output is the document alone: the
     * coverage report in words goes with the tally, on standard error. */
    FILE *words = tr.junit || tr.json ? stderr : stdout;
    if (tr.json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddNumberToObject(root, "passed", tr.passed);
        cJSON_AddNumberToObject(root, "failed", tr.failed);
        cJSON_AddItemToObject(root, "tests", tr.json_tests);
        cJSON_AddItemToObject(root, "files_with_errors", tr.json_broken);
        if (tr.cov)
            cJSON_AddItemToObject(root, "coverage", coverage_json(tr.cov));
        char *text = cJSON_Print(root);
        if (!text) {
            fputs("rubric: out of memory\n", stderr);
            exit(EXIT_USAGE);
        }
        utf8_fputs_lossy(text, stdout);
        putchar('\n');
        free(text);
        cJSON_Delete(root);
    } else if (tr.cov) {
        coverage_text(tr.cov, words);
    }
    if (tr.broken_files)
        fprintf(stderr, "rubric test: %d file%s had errors; %s tests did not run\n", tr.broken_files,
                tr.broken_files == 1 ? "" : "s", tr.broken_files == 1 ? "its" : "their");
    int below = tr.cov && tr.cov_min >= 0 ? coverage_below(tr.cov, tr.cov_min, tr.cov_min_text, stderr) : 0;
    coverage_free(tr.cov);
    fprintf(words, "%d passed, %d failed\n", tr.passed, tr.failed);
    if (tr.broken_files)
        return EXIT_USAGE;
    /* A CI step whose pattern matches nothing would pass having tested
     * nothing: a mistyped name, or tests renamed under it. */
    if (tr.filter && tr.passed + tr.failed == 0) {
        fprintf(stderr, "rubric test: no test matches --filter '%s'\n", tr.filter);
        return EXIT_USAGE;
    }
    return tr.failed || below ? EXIT_REJECTED : EXIT_OK;
}
