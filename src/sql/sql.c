/* sql.c - `rubric sql`: the program as one SELECT with a CTE per stage.
 *
 * The stages follow the program's steps: the inputs as the query reads
 * them, then each definition, measure and group in the evaluation order,
 * a step in the first stage after every column it reads, then the outputs
 * as run's cells.  A measure takes two stages (its value, then its band
 * and score), a group three (its members' sums, its score, its band).
 * What the dialect cannot express is refused before anything is written,
 * at the place in the policy that says it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "sql_internal.h"
#include "writer.h"
#include "xalloc.h"

/* ---- refusing what has no SQL yet, where the policy says it ---------- */

static void refuse_at(sqlc *c, rb_loc loc, const char *what)
{
    c->failed = true;
    diag_error(c->d, loc, "%s cannot be compiled to SQL for %s", what, sql_dialect_title(c->o->dialect));
}

static void scan_expr(sqlc *c, const expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_UNARY:
    case EX_BINARY:
        scan_expr(c, e->u.bin.l);
        scan_expr(c, e->u.bin.r);
        return;
    case EX_IF:
        scan_expr(c, e->u.cond.cond);
        scan_expr(c, e->u.cond.then);
        scan_expr(c, e->u.cond.els);
        return;
    case EX_IS:
        scan_expr(c, e->u.is.e);
        return;
    case EX_CALL:
        if (e->u.call.id == BI_PREV) {
            refuse_at(c, e->loc, "prev() (the score history)");
            return;
        }
        if (e->u.call.id >= 0 && builtin_table[e->u.call.id].takes == BA_LIST) {
            refuse_at(c, e->loc, sqlf(c, "the list function %s()", e->u.call.fn));
            return;
        }
        for (expr_list *a = e->u.call.args; a; a = a->next)
            scan_expr(c, a->e);
        return;
    case EX_WHERE:
        refuse_at(c, e->loc, "a list's `where`");
        return;
    case EX_FIELD:
        refuse_at(c, e->loc, "a record's field");
        return;
    case EX_NAME:
        if (e->u.name.sym && (e->type == TY_LIST || e->type == TY_RECORD))
            refuse_at(c, e->loc, sqlf(c, "the list '%s'", e->u.name.name));
        return;
    default:
        return;
    }
}

static void scan_policy(sqlc *c)
{
    for (int i = 0; i < c->pol->ninputs; i++) {
        const symbol *s = c->pol->inputs[i];
        if (s->type == TY_LIST || s->type == TY_RECORD)
            refuse_at(c, s->decl->loc, sqlf(c, "the list input '%s'", s->name));
        else if (s->type == TY_DURATION)
            refuse_at(c, s->decl->loc, sqlf(c, "the duration input '%s'", s->name));
    }
    for (int i = 0; i < c->pol->norder; i++) {
        const symbol *s = c->pol->order[i];
        const decl *dl = s->decl;
        if (!dl || s->kind == SYM_INPUT || s->kind == SYM_PARAM)
            continue;
        if (s->kind == SYM_ACTION && !s->is_output)
            continue;
        scan_expr(c, dl->value);
        for (const clause *cl = dl->clauses; cl; cl = cl->next)
            scan_expr(c, cl->cond);
        for (const band_rule *b = dl->bands; b; b = b->next)
            for (int e = 0; e < b->nedges; e++)
                scan_expr(c, b->edges[e].limit);
        for (const name_ref *m = dl->members; m; m = m->next)
            scan_expr(c, m->weight);
        if (dl->grades)
            refuse_at(c, dl->grades_loc, "a graded score ('scores ... at ...')");
    }
}

/* ---- the compiler's state -------------------------------------------- */

static void sqlc_init(sqlc *c, const program *prog, const sql_options *o, diag *d)
{
    memset(c, 0, sizeof *c);
    c->prog = prog;
    c->pol = prog->pol;
    c->o = o;
    c->d = d;
    arena_init(&c->mem);
    size_t n = (size_t)prog->nslots + 1;
    c->slot_sym = arena_alloc(&c->mem, n * sizeof *c->slot_sym);
    c->slot_kind = arena_alloc(&c->mem, n * sizeof *c->slot_kind);
    c->slot_has_d = arena_alloc(&c->mem, n * sizeof *c->slot_has_d);
    c->slot_score_d = arena_alloc(&c->mem, n * sizeof *c->slot_score_d);
    c->slot_level = arena_alloc(&c->mem, n * sizeof *c->slot_level);
    for (int i = 0; i < c->pol->ninputs; i++) {
        const symbol *s = c->pol->inputs[i];
        c->slot_sym[i] = s;
        c->slot_kind[i] = s->type == TY_NUMBER ? SK_NUMBER : s->type == TY_BOOL ? SK_BOOL
                          : s->type == TY_DATE ? SK_DATE : s->type == TY_TEXT ? SK_TEXT : SK_OTHER;
        /* SQLite and DuckDB read a number's decimal text as a fraction. */
        c->slot_has_d[i] = s->type == TY_NUMBER && o->dialect != SQL_POSTGRES;
    }
    for (int i = 0; i < prog->nsteps; i++)
        c->slot_sym[prog->steps[i].slot] = prog->steps[i].sym;
}

/* ---- stages ------------------------------------------------------------ */

typedef struct column {
    int level;
    const char *word;      /* the stage it names: definitions, measures, ... */
    const char *comment;   /* file:line and what */
    const char *sql, *name;
} column;

typedef struct columns {
    column *v;
    int n, cap, top;
} columns;

static void add_col(sqlc *c, columns *cs, int level, const char *word, const char *note, const char *sql, const char *name)
{
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 32;
        cs->v = xrealloc(cs->v, (size_t)cs->cap * sizeof *cs->v);
    }
    column col = {level, word, note, sql, sql_ident(c, name)};
    cs->v[cs->n++] = col;
    if (level > cs->top)
        cs->top = level;
}

static const char *where_of(sqlc *c, const symbol *s)
{
    if (!s->decl)
        return sqlf(c, "%s", s->name);
    unsigned line, colno;
    source_line_col(s->decl->loc.src, s->decl->loc.begin, &line, &colno);
    static const char *const kinds[] = {[SYM_INPUT] = "input", [SYM_PARAM] = "param", [SYM_LET] = "let",
                                        [SYM_METRIC] = "metric", [SYM_MEASURE] = "measure", [SYM_GROUP] = "group",
                                        [SYM_ACTION] = "action"};
    strbuf b = {0};
    strbuf_addf(&b, "%s:%u: %s %s", s->decl->loc.src->path, line, kinds[s->kind], s->name);
    for (size_t i = 0; i < b.len; i++)
        if (b.s[i] == '\n' || b.s[i] == '\r')
            b.s[i] = ' ';
    const char *r = arena_strndup(&c->mem, strbuf_str(&b), b.len);
    strbuf_free(&b);
    return r;
}

static int max2(int a, int b) { return a > b ? a : b; }

static int levels_of(const sqlc *c, enode *const *v, int n)
{
    int lv = 0;
    for (int i = 0; i < n; i++)
        lv = max2(lv, sql_expr_level(c, v[i]));
    return lv;
}

/* Whether every applies-when holds and no na-when does: a condition that
 * is na neither applies a measure nor makes it na. */
static const char *applicable(sqlc *c, const step *st)
{
    if (!st->n_applies && !st->n_na_when)
        return NULL;
    strbuf b = {0};
    for (int i = 0; i < st->n_applies; i++)
        strbuf_addf(&b, "%s%s IS TRUE", b.len ? " AND " : "", sql_expr(c, st->applies[i]).n);
    for (int i = 0; i < st->n_na_when; i++)
        strbuf_addf(&b, "%s%s IS NOT TRUE", b.len ? " AND " : "", sql_expr(c, st->na_when[i]).n);
    const char *r = sqlf(c, "%s", strbuf_str(&b));
    strbuf_free(&b);
    return r;
}

/* The band lines as one CASE: per band, what `then[band]` says.  As the
 * evaluator matches: the first line whose edges all hold; a threshold that
 * is na leaves the band unknown rather than trying the next line. */
static const char *band_case(sqlc *c, const step *st, sqlv v, const char *const *then)
{
    strbuf b = {0};
    strbuf_addf(&b, "CASE WHEN %s IS NULL THEN NULL", v.n);
    for (int t = 0; t < st->ntests; t++) {
        const band_test *bt = &st->tests[t];
        strbuf held = {0};
        for (int e = 0; e < bt->nedges; e++) {
            sqlv lim = bt->fixed[e] ? sql_num_const(c, bt->fixed_limit[e]) : sql_expr(c, bt->limit[e]);
            if (!bt->fixed[e])
                strbuf_addf(&b, " WHEN %s%s%s IS NULL THEN NULL", strbuf_str(&held), held.len ? " AND " : "", lim.n);
            strbuf_addf(&held, "%s%s", held.len ? " AND " : "", sql_num_cmp(c, v, op_text(bt->op[e]), lim) /* edges: < <= > >= */);
        }
        strbuf_addf(&b, " WHEN %s THEN %s", held.len ? strbuf_str(&held) : "TRUE", then[bt->band]);
        strbuf_free(&held);
    }
    strbuf_adds(&b, " END");
    const char *r = sqlf(c, "%s", strbuf_str(&b));
    strbuf_free(&b);
    return r;
}

/* Band, score and the score's denominator, a stage after the value. */
static int band_columns(sqlc *c, columns *cs, const step *st, int level)
{
    const symbol *s = st->sym;
    sqlv v = sql_slot(c, st->slot);
    int nb = st->scheme->nbands;
    const char **names = arena_alloc(&c->mem, (size_t)nb * sizeof *names);
    const char **sn = arena_alloc(&c->mem, (size_t)nb * sizeof *sn);
    const char **sd = arena_alloc(&c->mem, (size_t)nb * sizeof *sd);
    bool any_d = false;
    for (int b = 0; b < nb; b++) {
        names[b] = sql_text_const(c, st->scheme->bands[b], strlen(st->scheme->bands[b]));
        if (st->kind == STEP_MEASURE) {
            sqlv k = sql_num_const(c, st->band_scores[b]);
            sn[b] = k.n;
            sd[b] = k.d ? k.d : "1";
            any_d = any_d || k.d;
        }
    }
    int lv = max2(level, 1 + max2(c->slot_level[st->slot], 0));
    for (int t = 0; t < st->ntests; t++)
        for (int e = 0; e < st->tests[t].nedges; e++)
            if (!st->tests[t].fixed[e])
                lv = max2(lv, 1 + sql_expr_level(c, st->tests[t].limit[e]));
    add_col(c, cs, lv, "bands", where_of(c, s), band_case(c, st, v, names), sqlf(c, "%s__band", s->name));
    if (st->kind == STEP_MEASURE) {
        add_col(c, cs, lv, "bands", NULL, band_case(c, st, v, sn), sqlf(c, "%s__score", s->name));
        if (any_d)
            add_col(c, cs, lv, "bands", NULL, band_case(c, st, v, sd), sqlf(c, "%s__score_d", s->name));
        c->slot_score_d[st->slot] = any_d;
    } else {
        /* A group's score is its value, band or not. */
        add_col(c, cs, lv, "bands", NULL, v.n, sqlf(c, "%s__score", s->name));
        if (v.d)
            add_col(c, cs, lv, "bands", NULL, v.d, sqlf(c, "%s__score_d", s->name));
        c->slot_score_d[st->slot] = v.d != NULL;
    }
    return lv;
}

static void value_columns(sqlc *c, columns *cs, const step *st, int lv, const char *word, const char *where, sqlv v,
                          const char *guard)
{
    const char *name = st->sym->name;
    add_col(c, cs, lv, word, where, guard ? sqlf(c, "CASE WHEN %s THEN %s END", guard, v.n) : v.n, name);
    if (v.d)
        add_col(c, cs, lv, word, NULL, v.d, sqlf(c, "%s__d", name));
    c->slot_has_d[st->slot] = v.d != NULL;
    c->slot_level[st->slot] = lv;
}

static void group_columns(sqlc *c, columns *cs, const step *st, const char *where)
{
    int lv = 1 + max2(levels_of(c, st->applies, st->n_applies), levels_of(c, st->na_when, st->n_na_when));
    for (int i = 0; i < st->nmembers; i++) {
        lv = max2(lv, 1 + c->slot_level[st->member_slots[i]]);
        if (st->weights[i])
            lv = max2(lv, 1 + sql_expr_level(c, st->weights[i]));
    }
    /* The members with a score (and a weight), summed: the others are left
     * out and the remaining weights renormalise. */
    sqlv total = {"0", NULL, SK_NUMBER}, weights = {"0", NULL, SK_NUMBER};
    strbuf count = {0};
    for (int i = 0; i < st->nmembers; i++) {
        int m = st->member_slots[i];
        const char *mname = c->slot_sym[m]->name;
        sqlv score = {sql_ident(c, sqlf(c, "%s__score", mname)),
                      c->slot_score_d[m] ? sql_ident(c, sqlf(c, "%s__score_d", mname)) : NULL, SK_NUMBER};
        sqlv w = st->weights[i] ? sql_expr(c, st->weights[i]) : (sqlv){"1", NULL, SK_NUMBER};
        const char *in = st->weights[i] ? sqlf(c, "%s IS NOT NULL AND %s IS NOT NULL", score.n, w.n)
                                        : sqlf(c, "%s IS NOT NULL", score.n);
        sqlv term = st->weights[i] ? sql_num_mul(c, w, score) : score;
        sqlv t = {sqlf(c, "CASE WHEN %s THEN %s ELSE 0 END", in, term.n),
                  term.d ? sqlf(c, "CASE WHEN %s THEN %s ELSE 1 END", in, term.d) : NULL, SK_NUMBER};
        sqlv wt = {sqlf(c, "CASE WHEN %s THEN %s ELSE 0 END", in, w.n),
                   w.d ? sqlf(c, "CASE WHEN %s THEN %s ELSE 1 END", in, w.d) : NULL, SK_NUMBER};
        total = i ? sql_num_add(c, total, t) : t;
        weights = i ? sql_num_add(c, weights, wt) : wt;
        strbuf_addf(&count, "%sCASE WHEN %s THEN 1 ELSE 0 END", i ? " + " : "", in);
    }
    const char *name = st->sym->name;
    add_col(c, cs, lv, "groups", where, total.n, sqlf(c, "%s__total", name));
    if (total.d)
        add_col(c, cs, lv, "groups", NULL, total.d, sqlf(c, "%s__total_d", name));
    add_col(c, cs, lv, "groups", NULL, weights.n, sqlf(c, "%s__weights", name));
    if (weights.d)
        add_col(c, cs, lv, "groups", NULL, weights.d, sqlf(c, "%s__weights_d", name));
    add_col(c, cs, lv, "groups", NULL, sqlf(c, "%s", strbuf_str(&count)), sqlf(c, "%s__members", name));
    strbuf_free(&count);

    sqlv tot = {sql_ident(c, sqlf(c, "%s__total", name)), total.d ? sql_ident(c, sqlf(c, "%s__total_d", name)) : NULL,
                SK_NUMBER};
    sqlv wts = {sql_ident(c, sqlf(c, "%s__weights", name)),
                weights.d ? sql_ident(c, sqlf(c, "%s__weights_d", name)) : NULL, SK_NUMBER};
    sqlv score = st->agg == AGG_MEAN ? sql_num_div(c, tot, wts) : tot;
    const char *app = applicable(c, st);
    const char *guard = sqlf(c, "%s%s%s > 0", app ? app : "", app ? " AND " : "",
                             sql_ident(c, sqlf(c, "%s__members", name)));
    value_columns(c, cs, st, lv + 1, "scores", where, score, guard);
}

static void step_columns(sqlc *c, columns *cs, const step *st)
{
    c->cur = st;
    const char *where = where_of(c, st->sym);
    switch (st->kind) {
    case STEP_VALUE: {
        int lv = 1 + sql_expr_level(c, st->value);
        sqlv v = sql_expr(c, st->value);
        if (v.kind == SK_BANDED) {
            /* Another name for a measure or group: all its columns. */
            int from = st->value->op == N_SLOT ? st->value->slot : -1;
            if (from < 0) {
                sql_refuse(c, "a definition that chooses between measures");
                return;
            }
            static const char *const sfx[] = {"", "__d", "__band", "__score", "__score_d"};
            bool has[] = {true, c->slot_has_d[from], true, true, c->slot_score_d[from]};
            for (int i = 0; i < 5; i++)
                if (has[i])
                    add_col(c, cs, lv, "definitions", i ? NULL : where,
                            sql_ident(c, sqlf(c, "%s%s", c->slot_sym[from]->name, sfx[i])), sqlf(c, "%s%s", st->sym->name, sfx[i]));
            c->slot_kind[st->slot] = SK_BANDED;
            c->slot_has_d[st->slot] = has[1];
            c->slot_score_d[st->slot] = has[4];
            c->slot_level[st->slot] = lv;
            return;
        }
        if (v.kind == SK_DURATION || v.kind == SK_OTHER) {
            if (st->value->op != N_CONST || st->value->k.kind != VK_NA) {
                sql_refuse(c, v.kind == SK_DURATION ? "a duration" : "a value of this kind");
                return;
            }
            v.kind = SK_NUMBER;
        }
        c->slot_kind[st->slot] = v.kind;
        value_columns(c, cs, st, lv, "definitions", where, v, NULL);
        return;
    }
    case STEP_MEASURE: {
        int lv = 1 + max2(sql_expr_level(c, st->value),
                          max2(levels_of(c, st->applies, st->n_applies), levels_of(c, st->na_when, st->n_na_when)));
        sqlv v = sql_expr(c, st->value);
        c->slot_kind[st->slot] = SK_BANDED;
        value_columns(c, cs, st, lv, "measures", where, v, applicable(c, st));
        c->slot_level[st->slot] = band_columns(c, cs, st, lv + 1);
        return;
    }
    case STEP_GROUP:
        c->slot_kind[st->slot] = SK_BANDED;
        group_columns(c, cs, st, where);
        c->slot_level[st->slot] = band_columns(c, cs, st, c->slot_level[st->slot] + 1);
        return;
    }
}

/* A text with the spaces and tabs run trims from a cell taken off. */
static const char *trim_tabs(sqlc *c, const char *x)
{
    switch (c->o->dialect) {
    case SQL_POSTGRES: return sqlf(c, "btrim(%s, E' \\t')", x);
    case SQL_SQLITE: return sqlf(c, "trim(%s, ' ' || char(9))", x);
    default: return sqlf(c, "trim(%s, ' ' || chr(9))", x);
    }
}

static const char *ascii_lower(sqlc *c, const char *x) { return sql_text_lower(c, x, true); }

static const char *lower_const(sqlc *c, const text_list *t)
{
    char *s = arena_strndup(&c->mem, t->s, t->len);
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return sql_text_const(c, s, t->len);
}

/* The numbers' text parsed into a fraction: SQLite and DuckDB have no exact
 * decimal wide enough, so 0.35 is read as 35/100 in integers. */
static void number_input(sqlc *c, columns *cs, const symbol *s, const char *where)
{
    const char *x = sql_ident(c, s->name);
    const char *t = sqlf(c, "NULLIF(%s, '')", trim_tabs(c, x));
    const char *digits = sqlf(c, "replace(replace(replace(rtrim(%s, '%%'), '.', ''), '+', ''), ' ', '')", t);
    const char *scale = sqlf(c, "CASE WHEN instr(%s, '.') > 0 THEN length(rtrim(%s, '%%')) - instr(%s, '.') ELSE 0 END", t, t, t);
    const char *pct = sqlf(c, "CASE WHEN rtrim(%s, '%%') <> %s THEN 100 ELSE 1 END", t, t);
    const char *zeros = "'000000000000000000000000000000000000'";
    if (c->o->dialect == SQL_SQLITE) {
        /* An integer too wide for 64 bits, or 1e300, reads as a REAL, as
         * rubric's own numbers turn to doubles there. */
        add_col(c, cs, 0, "inputs", where,
                sqlf(c, "CASE WHEN %s GLOB '*[eE]*' THEN CAST(%s AS REAL) ELSE CAST(%s AS NUMERIC) END", t, t, digits), s->name);
        add_col(c, cs, 0, "inputs", NULL,
                sqlf(c, "CASE WHEN %s IS NULL THEN NULL WHEN %s GLOB '*[eE]*' THEN 1 ELSE CAST('1' || substr(%s, 1, %s) AS NUMERIC) * %s END",
                     t, t, zeros, scale, pct),
                sqlf(c, "%s__d", s->name));
    } else {
        add_col(c, cs, 0, "inputs", where, sqlf(c, "CAST(%s AS HUGEINT)", digits), s->name);
        add_col(c, cs, 0, "inputs", NULL,
                sqlf(c, "CASE WHEN %s IS NULL THEN NULL ELSE CAST('1' || substr(%s, 1, %s) AS HUGEINT) * %s END", t, zeros, scale, pct),
                sqlf(c, "%s__d", s->name));
    }
}

static void input_columns(sqlc *c, columns *cs, const char *id)
{
    sql_dialect dl = c->o->dialect;
    add_col(c, cs, 0, "inputs", NULL, sqlf(c, "CAST(%s AS %s)", sql_ident(c, id), dl == SQL_DUCKDB ? "VARCHAR" : "TEXT"), id);
    for (int i = 0; i < c->pol->ninputs; i++) {
        const symbol *s = c->pol->inputs[i];
        const char *x = sql_ident(c, s->name), *where = where_of(c, s);
        switch (s->type) {
        case TY_NUMBER:
            if (dl == SQL_POSTGRES)
                add_col(c, cs, 0, "inputs", where, sqlf(c, "CAST(%s AS numeric)", x), s->name);
            else
                number_input(c, cs, s, where);
            break;
        case TY_BOOL:
            if (dl == SQL_POSTGRES)
                add_col(c, cs, 0, "inputs", where, sqlf(c, "CAST(%s AS boolean)", x), s->name);
            else
                add_col(c, cs, 0, "inputs", where,
                        sqlf(c, "CASE WHEN lower(%s) IN ('true', 'yes', '1') THEN TRUE WHEN lower(%s) IN ('false', 'no', '0') THEN FALSE END", x, x),
                        s->name);
            break;
        case TY_DATE:
            if (dl == SQL_SQLITE) /* a day number */
                add_col(c, cs, 0, "inputs", where, sqlf(c, "unixepoch(NULLIF(%s, '')) / 86400", x), s->name);
            else
                add_col(c, cs, 0, "inputs", where, sqlf(c, "CAST(%s AS %s)", x, dl == SQL_POSTGRES ? "date" : "DATE"), s->name);
            break;
        default:
            if (s->decl && s->decl->choices) {
                /* `one of`: the cell trimmed, matched in any case, is the
                 * choice as the policy writes it. */
                strbuf b = {0};
                strbuf_addf(&b, "CASE %s", ascii_lower(c, trim_tabs(c, x)));
                for (const text_list *t = s->decl->choices; t; t = t->next)
                    strbuf_addf(&b, " WHEN %s THEN %s", lower_const(c, t), sql_text_const(c, t->s, t->len));
                strbuf_adds(&b, " END");
                add_col(c, cs, 0, "inputs", where, sqlf(c, "%s", strbuf_str(&b)), s->name);
                strbuf_free(&b);
                break;
            }
            /* An empty cell is na to run, whatever the column's type. */
            add_col(c, cs, 0, "inputs", where, sqlf(c, "CAST(NULLIF(%s, '') AS %s)", x, dl == SQL_DUCKDB ? "VARCHAR" : "TEXT"), s->name);
            break;
        }
    }
}

/* --db-table as SQL: schema.table is two names, each quoted if need be. */
static const char *sql_table(sqlc *c, const char *name)
{
    if (!name)
        return "accounts";
    strbuf b = {0};
    for (const char *p = name;;) {
        const char *dot = strchr(p, '.');
        strbuf_addf(&b, "%s%s", b.len ? "." : "", sql_ident(c, arena_strndup(&c->mem, p, dot ? (size_t)(dot - p) : strlen(p))));
        if (!dot)
            break;
        p = dot + 1;
    }
    const char *r = sqlf(c, "%s", strbuf_str(&b));
    strbuf_free(&b);
    return r;
}

static const char *id_name(const policy *p) { return p->id_field ? p->id_field : "account_id"; }

/* The outputs --select names, as indexes into policy.outputs; NULL after
 * reporting a name that is none. */
static int *pick_outputs(sqlc *c, int *n)
{
    const policy *p = c->pol;
    int *cols = arena_alloc(&c->mem, (size_t)(p->noutputs + c->o->nselect + 1) * sizeof *cols);
    if (!c->o->select) {
        for (int i = 0; i < p->noutputs; i++)
            cols[i] = i;
        *n = p->noutputs;
        return cols;
    }
    for (int k = 0; k < c->o->nselect; k++) {
        const char *name = c->o->select[k];
        int found = -1;
        for (int i = 0; i < p->noutputs && found < 0; i++)
            if (strcmp(p->outputs[i]->name, name) == 0)
                found = i;
        if (found < 0) {
            const char *best = closest_symbol(name, p->outputs, p->noutputs);
            if (best)
                diag_plain_error(c->d, "--select: no output '%s' (did you mean '%s'?)", name, best);
            else
                diag_plain_error(c->d, "--select: no output '%s'", name);
            return NULL;
        }
        cols[k] = found;
    }
    *n = c->o->nselect;
    return cols;
}

static const char *output_cell(sqlc *c, int slot)
{
    sqlv v = sql_slot(c, slot);
    switch (c->slot_kind[slot]) {
    case SK_BANDED:
        return sql_ident(c, sqlf(c, "%s__band", c->slot_sym[slot]->name));
    case SK_NUMBER:
        return sql_num_cell(c, v);
    case SK_BOOL:
        return sqlf(c, "CASE WHEN %s THEN 'true' WHEN NOT %s THEN 'false' END", v.n, v.n);
    case SK_DATE:
        switch (c->o->dialect) {
        case SQL_POSTGRES: return sqlf(c, "to_char(%s, 'YYYY-MM-DD')", v.n);
        case SQL_SQLITE: return sqlf(c, "date(%s * 86400, 'unixepoch')", v.n);
        case SQL_DUCKDB: return sqlf(c, "strftime(%s, '%%Y-%%m-%%d')", v.n);
        }
        return v.n;
    default:
        return v.n;
    }
}

/* One comment line: a line end in a title, a parameter's text or a table
 * name would otherwise end the comment and put the rest into the query. */
static void comment_line(strbuf *out, const char *fmt, ...) RB_PRINTF(2, 3);
static void comment_line(strbuf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t start = out->len;
    strbuf_adds(out, "-- ");
    strbuf_vaddf(out, fmt, ap);
    va_end(ap);
    for (size_t i = start; i < out->len; i++)
        if (out->s[i] == '\n' || out->s[i] == '\r')
            out->s[i] = ' ';
    strbuf_adds(out, "\n");
}

static void write_header(sqlc *c, strbuf *out)
{
    const policy *p = c->pol;
    comment_line(out, "rubric sql: %s, for %s", p->sources ? p->sources->path : "policy", sql_dialect_title(c->o->dialect));
    if (p->title)
        comment_line(out, "policy \"%s\"%s%s%s", p->title, p->version ? " version \"" : "", p->version ? p->version : "",
                     p->version ? "\"" : "");
    for (int i = 0; i < p->nparams; i++) {
        char buf[128];
        value_format(c->prog->params[i], NULL, buf, sizeof buf);
        comment_line(out, "param %s = %s", p->params[i]->name, buf);
    }
    comment_line(out, "One row per account of %s: the id, then each output as `rubric run --format csv`",
                 c->o->db_table ? c->o->db_table : "accounts");
    comment_line(out, "writes it, NULL for an empty cell.  See docs/sql.md.");
}

static void emit(sqlc *c, columns *cs, const int *outs, int nouts, strbuf *out)
{
    const char *id = id_name(c->pol);
    const char *prev = NULL;
    const char **names = arena_alloc(&c->mem, (size_t)(cs->top + 2) * sizeof *names);
    strbuf_adds(out, "WITH");
    for (int lv = 0; lv <= cs->top; lv++) {
        /* The stage is named after what it computes: measures, bands... */
        strbuf nm = {0};
        for (int i = 0; i < cs->n; i++) {
            if (cs->v[i].level != lv)
                continue;
            const char *w = cs->v[i].word;
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = cs->v[j].level == lv && strcmp(cs->v[j].word, w) == 0;
            if (!seen)
                strbuf_addf(&nm, "%s%s", nm.len ? "_and_" : "", w);
        }
        if (!nm.len) {
            strbuf_free(&nm);
            continue;
        }
        int again = 1;
        for (int k = 0; k < lv; k++)
            if (names[k] && strncmp(names[k], nm.s, nm.len) == 0 &&
                (names[k][nm.len] == 0 || names[k][nm.len] == '_'))
                again++;
        if (again > 1)
            strbuf_addf(&nm, "_%d", again);
        names[lv] = sqlf(c, "%s", strbuf_str(&nm));
        strbuf_free(&nm);
        /* Materialised: a planner that inlines the stages copies each
         * one's expressions into every later one that reads them, and the
         * query grows exponentially (seconds to plan ten accounts). */
        strbuf_addf(out, "%s\n%s AS MATERIALIZED (\n  SELECT%s\n", prev ? "," : "", names[lv], prev ? " *," : "");
        bool first = true;
        for (int i = 0; i < cs->n; i++) {
            const column *col = &cs->v[i];
            if (col->level != lv)
                continue;
            strbuf_addf(out, "%s", first ? "" : ",\n");
            if (col->comment)
                strbuf_addf(out, "    -- %s\n", col->comment);
            strbuf_addf(out, "    %s AS %s", col->sql, col->name);
            first = false;
        }
        if (prev)
            strbuf_addf(out, "\n  FROM %s\n)", prev);
        else
            strbuf_addf(out, "\n  FROM %s\n)", sql_table(c, c->o->db_table));
        prev = names[lv];
    }
    strbuf_addf(out, ",\noutputs AS (\n  SELECT\n    %s", sql_ident(c, id));
    for (int k = 0; k < nouts; k++) {
        const symbol *s = c->pol->outputs[outs[k]];
        int slot = c->prog->output_slot[outs[k]];
        strbuf_addf(out, ",\n    -- %s\n    %s AS %s", where_of(c, s), output_cell(c, slot), sql_ident(c, s->name));
        if (c->o->scores && c->slot_kind[slot] == SK_BANDED) {
            const char *own = c->slot_sym[slot]->name;
            sqlv score = {sql_ident(c, sqlf(c, "%s__score", own)),
                          c->slot_score_d[slot] ? sql_ident(c, sqlf(c, "%s__score_d", own)) : NULL, SK_NUMBER};
            strbuf_addf(out, ",\n    %s AS %s,\n    %s AS %s", sql_num_cell(c, sql_slot(c, slot)),
                        sql_ident(c, sqlf(c, "%s__value", s->name)), sql_num_cell(c, score),
                        sql_ident(c, sqlf(c, "%s__score", s->name)));
        }
    }
    strbuf_addf(out, "\n  FROM %s\n)\nSELECT * FROM outputs;\n", prev);
}

int sql_compile(const program *prog, const sql_options *opts, strbuf *out, diag *d)
{
    sqlc c;
    sqlc_init(&c, prog, opts, d);
    int status = -1;
    columns cs = {0};
    int nouts = 0;
    const int *outs;
    if (opts->bind) {
        diag_plain_error(d, "--bind: named SQL parameters are not supported yet; the values are written into the query");
        goto done;
    }
    scan_policy(&c);
    if (c.failed || !(outs = pick_outputs(&c, &nouts)))
        goto done;
    input_columns(&c, &cs, id_name(c.pol));
    for (int i = 0; i < prog->nsteps; i++)
        /* An action that is not an output goes to run's --actions file,
         * not to its rows: the query has no column for it. */
        if (prog->steps[i].sym->kind != SYM_ACTION || prog->steps[i].sym->is_output)
            step_columns(&c, &cs, &prog->steps[i]);
    if (c.failed)
        goto done;
    write_header(&c, out);
    emit(&c, &cs, outs, nouts, out);
    status = 0;
done:
    free(cs.v);
    arena_free(&c.mem);
    return status;
}

int sql_schema(const program *prog, const sql_options *opts, strbuf *out, diag *d)
{
    sqlc c;
    sqlc_init(&c, prog, opts, d);
    const policy *p = c.pol;
    int status = -1;
    for (int i = 0; i < p->ninputs; i++) {
        const symbol *s = p->inputs[i];
        if (s->type == TY_LIST || s->type == TY_RECORD)
            refuse_at(&c, s->decl->loc, sqlf(&c, "the list input '%s'", s->name));
        else if (s->type == TY_DURATION)
            refuse_at(&c, s->decl->loc, sqlf(&c, "the duration input '%s'", s->name));
    }
    if (!c.failed) {
        sql_dialect dl = opts->dialect;
        const char *text = dl == SQL_DUCKDB ? "VARCHAR" : "TEXT";
        strbuf_addf(out, "-- The accounts %s reads, for %s: NULL (an empty cell) is na.\n",
                    p->sources ? p->sources->path : "the policy", sql_dialect_title(dl));
        if (dl != SQL_POSTGRES)
            strbuf_addf(out, "-- Numbers are kept as their decimal text, which the query reads exactly.\n");
        strbuf_addf(out, "CREATE TABLE %s (\n    %s %s", sql_table(&c, opts->db_table),
                    sql_ident(&c, id_name(p)), dl == SQL_POSTGRES ? "text" : text);
        for (int i = 0; i < p->ninputs; i++) {
            const symbol *s = p->inputs[i];
            const char *type = text;
            if (dl == SQL_POSTGRES)
                type = s->type == TY_NUMBER ? "numeric" : s->type == TY_BOOL ? "boolean" : s->type == TY_DATE ? "date" : "text";
            else if (dl == SQL_DUCKDB && s->type == TY_DATE)
                type = "DATE";
            strbuf_addf(out, ",\n    %s %s", sql_ident(&c, s->name), type);
            /* `one of`: the values run accepts, the rest it rejects. */
            if (s->decl && s->decl->choices) {
                /* As run matches a cell: trimmed, in any case. */
                const char *x = sql_ident(&c, s->name);
                strbuf_addf(out, " CHECK (%s IN (", ascii_lower(&c, trim_tabs(&c, dl == SQL_SQLITE ? sqlf(&c, "NULLIF(%s, '')", x) : x)));
                for (const text_list *t = s->decl->choices; t; t = t->next)
                    strbuf_addf(out, "%s%s", t == s->decl->choices ? "" : ", ", lower_const(&c, t));
                strbuf_adds(out, "))");
            }
        }
        strbuf_adds(out, "\n);\n");
        status = 0;
    }
    arena_free(&c.mem);
    return status;
}

bool sql_column_is_number(const program *prog, const sql_options *opts, int col)
{
    const policy *p = prog->pol;
    int n = opts->select ? opts->nselect : p->noutputs;
    int at = 1;
    for (int k = 0; k < n && at <= col; k++) {
        int out = opts->select ? -1 : k;
        for (int i = 0; i < p->noutputs && out < 0; i++)
            if (strcmp(p->outputs[i]->name, opts->select[k]) == 0)
                out = i;
        if (out < 0)
            return false;
        bool banded = p->outputs[out]->type == TY_BANDED && opts->scores;
        if (col == at)
            return p->outputs[out]->type == TY_NUMBER;
        if (banded && col <= at + 2)
            return true; /* NAME__value, NAME__score */
        at += banded ? 3 : 1;
    }
    return false;
}
