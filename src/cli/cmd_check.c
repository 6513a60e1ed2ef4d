/* cmd_check.c - `rubric check POLICY...`: parse, type-check and lint, no
 * data.  The diagnostics are printed for a person (text), or collected and
 * written as one JSON array or one SARIF 2.1.0 log for a CI system. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compile.h"
#include "lint.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

enum check_format { CHECK_TEXT, CHECK_JSON, CHECK_SARIF };

typedef struct check_opts_set {
    bool strict;
    enum check_format format;
    const char *overrides, *as_of;
} check_opts_set;

static int take(void *ctx, int id, const char *arg)
{
    check_opts_set *o = ctx;
    if (id == OPT_STRICT) {
        o->strict = true;
        return EXIT_OK;
    }
    if (id == OPT_OVERRIDES || id == OPT_AS_OF) {
        *(id == OPT_OVERRIDES ? &o->overrides : &o->as_of) = arg;
        return EXIT_OK;
    }
    if (strcmp(arg, "text") == 0)
        o->format = CHECK_TEXT;
    else if (strcmp(arg, "json") == 0)
        o->format = CHECK_JSON;
    else if (strcmp(arg, "sarif") == 0)
        o->format = CHECK_SARIF;
    else
        return usage_error("check", "--format must be text, json or sarif, not '%s'", arg);
    return EXIT_OK;
}

static const char *const severity_names[] = {"error", "warning", "note"};

/* What an item's code is in the output: the lint's name, else its
 * severity (an error, or a note that follows one). */
static const char *item_code(const diag_item *it)
{
    return it->code ? it->code : severity_names[it->severity];
}

static cJSON *json_array(const diag_list *all)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < all->n; i++) {
        const diag_item *it = &all->v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", it->path);
        /* An error with no place in the file (it cannot be read): null. */
        if (it->line) {
            cJSON_AddNumberToObject(o, "line", it->line);
            cJSON_AddNumberToObject(o, "column", it->col);
            cJSON *end = cJSON_AddObjectToObject(o, "end");
            cJSON_AddNumberToObject(end, "line", it->end_line);
            cJSON_AddNumberToObject(end, "column", it->end_col);
        } else {
            cJSON_AddNullToObject(o, "line");
            cJSON_AddNullToObject(o, "column");
            cJSON_AddNullToObject(o, "end");
        }
        cJSON_AddStringToObject(o, "severity", severity_names[it->severity]);
        cJSON_AddStringToObject(o, "code", item_code(it));
        cJSON_AddStringToObject(o, "message", it->message);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* A place as SARIF writes it; an item with no line (a file that cannot be
 * read) has a file and no region. */
static cJSON *sarif_location(const diag_item *it)
{
    cJSON *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
    strbuf uri = {0};
    strbuf_add_uri_path(&uri, it->path);
    cJSON_AddStringToObject(art, "uri", strbuf_str(&uri));
    strbuf_free(&uri);
    if (it->line) {
        cJSON *region = cJSON_AddObjectToObject(phys, "region");
        cJSON_AddNumberToObject(region, "startLine", it->line);
        cJSON_AddNumberToObject(region, "startColumn", it->char_col);
        cJSON_AddNumberToObject(region, "endLine", it->end_line);
        cJSON_AddNumberToObject(region, "endColumn", it->end_char_col);
    }
    return loc;
}

static cJSON *sarif_log(const diag_list *all)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cJSON_AddStringToObject(root, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "runs"), run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "rubric");
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
    /* SARIF counts columns in characters, never bytes: said, not left to
     * a reader's default. */
    cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    cJSON *last = NULL;
    for (size_t i = 0; i < all->n; i++) {
        const diag_item *it = &all->v[i];
        /* A note belongs to the result before it: SARIF's related place. */
        if (it->severity == DIAG_NOTE && last) {
            cJSON *rel = cJSON_GetObjectItem(last, "relatedLocations");
            if (!rel)
                rel = cJSON_AddArrayToObject(last, "relatedLocations");
            cJSON *loc = sarif_location(it);
            cJSON_AddStringToObject(cJSON_AddObjectToObject(loc, "message"), "text", it->message);
            cJSON_AddItemToArray(rel, loc);
            continue;
        }
        const char *code = item_code(it);
        int index = 0, nrules = cJSON_GetArraySize(rules);
        while (index < nrules &&
               strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rules, index), "id")), code) != 0)
            index++;
        if (index == nrules) {
            cJSON *rule = cJSON_CreateObject();
            cJSON_AddStringToObject(rule, "id", code);
            cJSON_AddItemToArray(rules, rule);
        }
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "ruleId", code);
        cJSON_AddNumberToObject(r, "ruleIndex", index);
        cJSON_AddStringToObject(r, "level", severity_names[it->severity]);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "message"), "text", it->message);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), sarif_location(it));
        cJSON_AddItemToArray(results, r);
        last = r;
    }
    return root;
}

/* --overrides: the file read for policy p as of --as-of (its errors are
 * errors of the check), then its rows that expired or expire soon. */
static bool check_overrides(const check_opts_set *o, const policy *p, diag *d)
{
    param_setting as_of = {"as_of", o->as_of, NULL};
    program *prog = compile_policy(p, &as_of, o->as_of ? 1 : 0, d);
    overrides *ovr = prog ? overrides_load(o->overrides, prog, d) : NULL;
    if (ovr)
        lint_overrides(ovr, o->overrides, overrides_as_of(ovr), d);
    bool ok = ovr != NULL;
    overrides_free(ovr);
    program_free(prog);
    return ok;
}

int cmd_check(const verb_def *v, int argc, char **argv)
{
    check_opts_set o = {false, CHECK_TEXT, NULL, NULL};
    int first, status = cli_parse(v, argc, argv, take, &o, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first == argc)
        return usage_error("check", "expected at least one POLICY");
    bool text = o.format == CHECK_TEXT;
    diag_list all = {0};
    int failed = 0;
    path_list files;
    if (!expand_policy_args("check", argv + first, argc - first, &files))
        failed++;
    for (size_t f = 0; f < files.n; f++) {
        const char *path = files.v[f];
        diag d;
        diag_init(&d, stderr);
        d.warnings_are_errors = o.strict;
        size_t from = all.n;
        if (!text)
            diag_collect(&d, &all);
        policy *p = policy_load(path, &d);
        if (p)
            lint_policy(p, &d);
        if (p && o.overrides && !check_overrides(&o, p, &d)) {
            failed++;
            fprintf(stderr, "%s: overrides '%s' refused\n", path, o.overrides);
            policy_free(p);
            continue;
        }
        /* An error with no place (a file that cannot be read) is the file's. */
        for (size_t i = from; i < all.n; i++)
            if (!all.v[i].path)
                all.v[i].path = xstrdup(path);
        if (!p) {
            failed++;
            if (text)
                fprintf(stderr, "%s: %d error%s\n", path, d.errors, d.errors == 1 ? "" : "s");
            continue;
        }
        /* d.warnings also counts those the checker gave while loading. */
        int warnings = d.warnings;
        if (warnings && o.strict) {
            failed++;
            if (text)
                fprintf(stderr, "%s: %d warning%s, errors with --strict\n", path, warnings, warnings == 1 ? "" : "s");
        } else if (text) {
            if (warnings)
                fprintf(stderr, "%s: %d warning%s\n", path, warnings, warnings == 1 ? "" : "s");
            printf("%s: ok (%d input%s, %d output%s)\n", path, p->ninputs, p->ninputs == 1 ? "" : "s",
                   p->noutputs, p->noutputs == 1 ? "" : "s");
        }
        policy_free(p);
    }
    path_list_free(&files);
    if (!text) {
        cJSON *doc = o.format == CHECK_JSON ? json_array(&all) : sarif_log(&all);
        char *out = cJSON_Print(doc);
        utf8_fputs_lossy(out, stdout);
        putchar('\n');
        cJSON_free(out);
        cJSON_Delete(doc);
        diag_list_free(&all);
    }
    return failed ? EXIT_USAGE : EXIT_OK;
}
