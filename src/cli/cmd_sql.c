/* cmd_sql.c - `rubric sql POLICY --dialect D`: the policy as one SQL query
 * (src/sql/), or with --schema the CREATE TABLE of its inputs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"
#include "sql.h"
#include "xalloc.h"

typedef struct sql_cli {
    const char *output, *select;
    bool have_dialect, schema;
    sql_options sql;
    data_opts data;
} sql_cli;

static int take(void *ctx, int id, const char *arg)
{
    sql_cli *o = ctx;
    int taken = data_opt("sql", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
    switch (id) {
    case OPT_DIALECT:
        if (!sql_dialect_from_name(arg, &o->sql.dialect))
            return usage_error("sql", "unknown dialect '%s' (postgres, sqlite or duckdb)", arg);
        o->have_dialect = true;
        return EXIT_OK;
    case OPT_DB_TABLE:
        if (!*arg)
            return usage_error("sql", "--db-table needs a table name");
        o->sql.db_table = arg;
        return EXIT_OK;
    case OPT_SELECT: o->select = arg; return EXIT_OK;
    case OPT_SCORES: o->sql.scores = true; return EXIT_OK;
    case OPT_SCHEMA: o->schema = true; return EXIT_OK;
    case OPT_BIND:
        o->sql.bind = true;
        o->data.bind_params = true;
        return EXIT_OK;
    case 'o': o->output = arg; return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

/* --select's comma-separated names; the compiler checks that each is an
 * output. */
static char **split_select(const char *s, int *n)
{
    char **v = xcalloc(strlen(s) + 2, sizeof *v);
    *n = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len)
            v[(*n)++] = xstrndup(p, len);
        if (!e)
            break;
        p = e + 1;
    }
    return v;
}

int cmd_sql(const verb_def *v, int argc, char **argv)
{
    sql_cli o;
    memset(&o, 0, sizeof o);
    int first, status = cli_parse(v, argc, argv, take, &o, &first);
    if (status == CLI_DONE) {
        data_opts_free(&o.data);
        return EXIT_OK;
    }
    if (status == EXIT_OK && !o.have_dialect)
        status = usage_error("sql", "--dialect is required (postgres, sqlite or duckdb)");
    char **names = NULL;
    if (status == EXIT_OK && o.select) {
        names = split_select(o.select, &o.sql.nselect);
        o.sql.select = (const char *const *)names;
        if (!o.sql.nselect)
            status = usage_error("sql", "--select names no output");
    }
    const char *policy_path = status == EXIT_OK ? argv[first] : NULL;
    diag d;
    diag_init(&d, stderr);
    policy *pol = NULL;
    program *prog = NULL;
    if (status == EXIT_OK) {
        pol = policy_load(policy_path, &d);
        if (!pol || refuse_clobber("sql", "-o", o.output, (const char *const *)&policy_path, 1, pol) != EXIT_OK)
            status = EXIT_USAGE;
    }
    if (status == EXIT_OK && !(prog = compile_settings(pol, &o.data, true, &d)))
        status = EXIT_USAGE;
    strbuf out = {0};
    if (status == EXIT_OK) {
        int r = o.schema ? sql_schema(prog, &o.sql, &out, &d) : sql_compile(prog, &o.sql, &out, &d);
        if (r != 0)
            status = EXIT_USAGE;
    }
    if (status == EXIT_OK) {
        outfile f;
        if (!outfile_open(&f, o.output)) {
            fprintf(stderr, "rubric sql: cannot write %s: %s\n", o.output ? o.output : "standard output", strerror(errno));
            status = EXIT_USAGE;
        } else {
            fwrite(out.s ? out.s : "", 1, out.len, f.f);
            if (!outfile_commit(&f)) {
                fprintf(stderr, "rubric sql: cannot write %s: %s\n", o.output ? o.output : "standard output", strerror(errno));
                status = EXIT_USAGE;
            }
        }
    }
    strbuf_free(&out);
    if (names)
        for (int i = 0; i < o.sql.nselect; i++)
            free(names[i]);
    free(names);
    program_free(prog);
    policy_free(pol);
    data_opts_free(&o.data);
    return status;
}
