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
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "table.h"
#include "eval.h"
#include "reader.h"
#include "record.h"
#include "writer.h"
#include "xalloc.h"

typedef struct test_run {
    const char *filter;
    bool verbose;
    int passed, failed, broken_files;
} test_run;

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

static void report_failure(const program *prog, frame *f, const test_case *t, const clause *cl,
                           const rb_value *got, bool first)
{
    const decl *d = t->decl;
    unsigned line, col;
    source_line_col(d->loc.src, d->loc.begin, &line, &col);
    if (first)
        printf("FAIL %s:%u: test \"%s\"\n", d->loc.src->path, line, d->name);
    unsigned eline;
    source_line_col(cl->loc.src, cl->loc.begin, &eline, &col);
    size_t len;
    const char *text = source_line(cl->loc.src, eline, &len);
    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    printf("  %s:%u: %.*s\n", cl->loc.src->path, eline, (int)len, text);
    if (got->kind == VK_NA)
        printf("    the condition is na (a value it needs is missing)\n");
    const symbol *names[32];
    int n = 0;
    expr_names(cl->cond, names, &n, 32);
    for (int i = 0; i < n; i++) {
        const rb_value *v = eval_symbol_value(prog, f, names[i]);
        if (!v)
            continue;
        printf("    actual: %s = ", names[i]->name);
        print_value(stdout, prog, f, names[i], v);
        putchar('\n');
    }
    n = 0;
    expr_prev_names(cl->cond, names, &n, 32);
    for (int i = 0; i < n; i++) {
        printf("    given: prev(%s) = ", names[i]->name);
        print_value(stdout, prog, f, names[i], &f->slots[prog->prev_slot0 + names[i]->prev_index]);
        putchar('\n');
    }
}


/* The inputs that led there, once per failing test. */
static void report_inputs(const program *prog, const frame *f)
{
    const policy *p = prog->pol;
    printf("  inputs:");
    int shown = 0;
    for (int i = 0; i < p->ninputs; i++) {
        if (f->slots[i].kind == VK_NA)
            continue;
        char buf[128];
        value_format(f->slots[i], NULL, buf, sizeof buf);
        printf("%s %s = %s", shown++ ? "," : "", p->inputs[i]->name, buf);
    }
    if (!shown)
        printf(" (all na)");
    char asof[16];
    date_format(prog->params[0].u.date, asof);
    printf("; as_of = %s", asof);
    /* What the test gave for the previous period: an action that reads
     * prev() fails with only its own name in the expect. */
    for (int i = 0; i < p->nprevs; i++) {
        const rb_value *v = &f->slots[prog->prev_slot0 + i];
        if (v->kind == VK_NA)
            continue;
        char buf[128];
        value_format(*v, p->prevs[i]->scheme, buf, sizeof buf);
        printf("; prev(%s) = %s", p->prevs[i]->name, buf);
    }
    putchar('\n');
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
    const char *dot = strrchr(d->fixture_path, '.');
    bool json = dot && (strcmp(dot, ".json") == 0 || strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0);
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
    for (const name_ref *g = d->tables; g; g = g->next, k++) {
        tables[k].name = xstrdup(g->name);
        tables[k].path = beside(d, g->weight->u.text.s);
    }
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

static int run_file(test_run *tr, const char *path)
{
    diag d;
    diag_init(&d, stderr);
    policy *p = policy_load(path, &d);
    if (!p) {
        tr->broken_files++;
        fprintf(stderr, "%s: %d error%s; its tests were not run\n", path, d.errors, d.errors == 1 ? "" : "s");
        return 0;
    }
    program *base = compile_policy(p, NULL, 0, &d);
    if (!base) {
        tr->broken_files++;
        policy_free(p);
        return 0;
    }
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
        char *texts = NULL;
        bool ok = load_fixture(p, t, &f, &texts, err, sizeof err);
        if (!ok) {
            unsigned line, col;
            source_line_col(t->decl->loc.src, t->decl->fixture_loc.begin, &line, &col);
            printf("FAIL %s:%u: test \"%s\"\n  %s\n", t->decl->loc.src->path, line, t->decl->name, err);
        }
        if (ok) {
            for (int g = 0; g < t->ngivens; g++)
                if (t->given_slot[g] >= 0)
                    f.slots[t->given_slot[g]] = t->given_value[g];
            eval_account(prog, &f);
            const clause *cl = t->decl->clauses;
            for (int e = 0; e < t->nexpects; e++, cl = cl->next) {
                rb_value got = eval_node(t->expects[e], &f);
                if (got.kind == VK_BOOL && got.u.b)
                    continue;
                report_failure(prog, &f, t, cl, &got, ok);
                ok = false;
            }
            if (!ok)
                report_inputs(prog, &f);
        }
        if (ok) {
            tr->passed++;
            if (tr->verbose)
                printf("ok   %s: %s\n", path, t->decl->name);
        } else {
            tr->failed++;
        }
        free(texts);
        frame_free(&f);
        if (prog != base)
            program_free(prog);
    }
    program_free(base);
    policy_free(p);
    return 0;
}

static int take(void *ctx, int id, const char *arg)
{
    test_run *tr = ctx;
    if (id == OPT_FILTER)
        tr->filter = arg;
    else
        tr->verbose = true;
    return EXIT_OK;
}

int cmd_test(const verb_def *v, int argc, char **argv)
{
    test_run tr = {NULL, false, 0, 0, 0};
    int first, status = cli_parse(v, argc, argv, take, &tr, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first == argc)
        return usage_error("test", "expected at least one policy file or folder");
    path_list files;
    if (!expand_policy_args("test", argv + first, argc - first, &files))
        tr.broken_files++;
    for (size_t i = 0; i < files.n; i++)
        run_file(&tr, files.v[i]);
    path_list_free(&files);
    if (tr.broken_files)
        fprintf(stderr, "rubric test: %d file%s had errors; %s tests did not run\n", tr.broken_files,
                tr.broken_files == 1 ? "" : "s", tr.broken_files == 1 ? "its" : "their");
    printf("%d passed, %d failed\n", tr.passed, tr.failed);
    if (tr.broken_files)
        return EXIT_USAGE;
    return tr.failed ? EXIT_REJECTED : EXIT_OK;
}
