/* run_db.c - run over a database: the compiled query, its rows streamed
 * into the run's writer (see run_db.h). */
#include "run_db.h"

#include <stdio.h>
#include <string.h>

#include "sql.h"
#include "strbuf.h"
#include "xalloc.h"

/* "rubric run: WHAT with a database source: WHY", exit 2. */
static int refuse(const char *what, const char *why)
{
    fprintf(stderr, "rubric run: %s with a database source: %s\n", what, why);
    return EXIT_USAGE;
}

int run_db_refuse(const data_opts *o, const char *uri, const char *output, const char *actions, const policy *p)
{
    /* -o over the SQLite file would replace the accounts with their scores. */
    const char *file = uri + strlen("sqlite:");
    if (db_kind_of(uri) == DB_SQLITE && outfile_clobbers(output, &file, 1)) {
        fprintf(stderr, "rubric run: %s '%s' is the database read; nothing was written\n", output ? "-o" : "standard output",
                output ? output : file);
        return EXIT_USAGE;
    }
    if (actions)
        return refuse("--actions", "an action's condition is scored from the account's inputs, which stay in the database");
    if (o->ntables)
        return refuse("--table", "the query reads the accounts' table alone");
    if (o->jobs > 1)
        return refuse("-j", "the database computes the scores; its rows are written as they come");
    if (o->read.format != DATA_AUTO || o->read.delimiter || o->read.na_values)
        return refuse("--input-format, --delimiter and --na-values", "a database's cells are typed, and NULL is na");
    const data_opts no_id = {0};
    const char *own = data_id_field(&no_id, p); /* the policy's own, without --id */
    if (o->id && strcmp(o->id, own) != 0) {
        fprintf(stderr, "rubric run: --id %s with a database source: the query reads the policy's id column '%s'\n",
                o->id, own);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The compiled query in the order of its ids, byte by byte whatever the
 * database's locale: a table has no order of its own, and the same
 * accounts give the same file every time. */
static void ordered(strbuf *q, const char *query, const char *id, sql_dialect dialect)
{
    size_t n = strlen(query);
    while (n && (query[n - 1] == ';' || query[n - 1] == ' ' || query[n - 1] == '\n' || query[n - 1] == '\t'))
        n--;
    strbuf_adds(q, "SELECT * FROM (\n");
    strbuf_add(q, query, n);
    /* A last line that is a comment ends before the parenthesis. */
    strbuf_adds(q, "\n) AS rubric_rows ORDER BY \"");
    for (const char *c = id; *c; c++) {
        if (*c == '"')
            strbuf_adds(q, "\"\"");
        else
            strbuf_add(q, c, 1);
    }
    strbuf_adds(q, dialect == SQL_POSTGRES ? "\" COLLATE \"C\"" : "\" COLLATE BINARY");
}

int run_db_start(session *s, run_db *r, const char *uri, const char *db_table)
{
    const char *table = db_table ? db_table : "accounts";
    /* Every output, whatever --select writes: a run over a file scores
     * them all, counts the values in no band of each and records each in
     * --history, and so does this one. */
    sql_options opts = {
        .dialect = db_kind_of(uri) == DB_POSTGRES ? SQL_POSTGRES : SQL_SQLITE,
        .db_table = table,
        .scores = true, /* the value and score JSON writes, and no band told from na */
    };
    const policy *p = s->pols[0];
    r->nouts = p->noutputs;
    r->outs = xmalloc((size_t)(r->nouts + 1) * sizeof *r->outs);
    for (int i = 0; i < r->nouts; i++)
        r->outs[i] = i;
    strbuf query, full;
    strbuf_init(&query);
    strbuf_init(&full);
    int status = EXIT_USAGE;
    if (sql_compile(s->progs[0], &opts, &query, &s->d) == 0) {
        ordered(&full, strbuf_str(&query), s->id, opts.dialect);
        char shown[512];
        db_shown(uri, shown, sizeof shown);
        snprintf(r->name, sizeof r->name, "table %s in %s", table, shown);
        r->src = db_open(uri, strbuf_str(&full), scan_rows_columns(p, r->outs, r->nouts), &s->d);
        if (r->src) {
            scan_open_rows(&s->sc, &s->d, r->name, s->progs[0], s->id, s->data->skip_errors, data_progress(s->data));
            status = scan_output_open(&s->out, s->output, &s->d) ? EXIT_OK : EXIT_USAGE;
        }
    }
    strbuf_free(&query);
    strbuf_free(&full);
    return status;
}

int run_db_scan(session *s, run_db *r, scan_visit visit, void *ctx)
{
    return scan_rows(&s->sc, r->src, r->outs, r->nouts, visit, ctx);
}

int run_db_status(const run_db *r, int status) { return db_failed(r->src) ? EXIT_USAGE : status; }

void run_db_close(run_db *r)
{
    db_close(r->src);
    r->src = NULL;
    free(r->outs);
    r->outs = NULL;
}
