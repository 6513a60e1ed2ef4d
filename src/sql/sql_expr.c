/* sql_expr.c - the program's expressions as SQL.
 *
 * Each case mirrors the evaluator's (engine/eval.c): na is NULL, `and` and
 * `or` are SQL's three-valued ones (false and na is false there too), a
 * condition that is na picks neither branch of an `if`, a ratio over 0 is
 * na.  Numbers are fractions n/d (sql_internal.h), so every comparison is
 * exact where rubric's is. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "sql_internal.h"
#include "xalloc.h"

static sqlv num(const char *n, const char *d)
{
    sqlv v = {n, d, SK_NUMBER};
    return v;
}

static sqlv just(const char *s, sql_kind k)
{
    sqlv v = {s, NULL, k};
    return v;
}

/* d1 * d2, where NULL is 1. */
static const char *dmul(sqlc *c, const char *x, const char *y)
{
    if (!x)
        return y;
    if (!y)
        return x;
    return sqlf(c, "(%s * %s)", x, y);
}

static const char *times(sqlc *c, const char *x, const char *d) { return d ? sqlf(c, "(%s * %s)", x, d) : x; }

const char *sql_num_cmp(sqlc *c, sqlv a, const char *op, sqlv b)
{
    return sqlf(c, "(%s %s %s)", times(c, a.n, b.d), op, times(c, b.n, a.d));
}

sqlv sql_num_add(sqlc *c, sqlv a, sqlv b)
{
    if (!a.d && !b.d)
        return num(sqlf(c, "(%s + %s)", a.n, b.n), NULL);
    return num(sqlf(c, "(%s + %s)", times(c, a.n, b.d), times(c, b.n, a.d)), dmul(c, a.d, b.d));
}

sqlv sql_num_mul(sqlc *c, sqlv a, sqlv b) { return num(sqlf(c, "(%s * %s)", a.n, b.n), dmul(c, a.d, b.d)); }

sqlv sql_num_div(sqlc *c, sqlv a, sqlv b)
{
    /* The denominator stays positive: the sign moves to the numerator. */
    const char *top = times(c, a.n, b.d);
    return num(sqlf(c, "CASE WHEN %s > 0 THEN %s WHEN %s < 0 THEN (-%s) END", b.n, top, b.n, top),
               dmul(c, a.d, sqlf(c, "abs(%s)", b.n)));
}

static sqlv sneg(sqlc *c, sqlv a) { return num(sqlf(c, "(-%s)", a.n), a.d); }

/* DuckDB types a literal by its size (INTEGER) and raises on overflow, so
 * its literals are HUGEINT like the numbers they meet. */
static const char *int_text(sqlc *c, int64_t v)
{
    const char *cast = c->o->dialect == SQL_DUCKDB ? "::HUGEINT" : "";
    return v < 0 ? sqlf(c, "(%lld%s)", (long long)v, cast) : sqlf(c, "%lld%s", (long long)v, cast);
}

sqlv sql_num_const(sqlc *c, rb_num k)
{
    if (!k.q) {
        /* A double (too wide to be a fraction): its shortest text. */
        char buf[40];
        num_format(k, buf);
        return num(buf[0] == '-' ? sqlf(c, "(%s)", buf) : sqlf(c, "%s", buf), NULL);
    }
    if (k.q == 1)
        return num(int_text(c, k.p), NULL);
    if (c->o->dialect == SQL_POSTGRES) {
        /* numeric is exact for a decimal: 0.35, not 7/20, when q divides a
         * power of ten. */
        int64_t q = k.q, twos = 0, fives = 0;
        while (q % 2 == 0) q /= 2, twos++;
        while (q % 5 == 0) q /= 5, fives++;
        if (q == 1) {
            char buf[40];
            num_format(k, buf);
            rb_num back;
            if (num_parse(buf, strlen(buf), false, &back) && back.q && back.p == k.p && back.q == k.q)
                return num(buf[0] == '-' ? sqlf(c, "(%s)", buf) : sqlf(c, "%s", buf), NULL);
        }
    }
    return num(int_text(c, k.p), int_text(c, k.q));
}

const char *sql_date_const(sqlc *c, rb_date day)
{
    char buf[16];
    date_format(day, buf);
    if (c->o->dialect == SQL_SQLITE) /* a day number: days since 1970-01-01 */
        return sqlf(c, "%s /* %s */", int_text(c, (int64_t)day - date_from_ymd(1970, 1, 1)), buf);
    return sqlf(c, "DATE '%s'", buf);
}

const char *sql_num_cell(sqlc *c, sqlv v)
{
    switch (c->o->dialect) {
    case SQL_POSTGRES:
        if (!v.d)
            return sqlf(c, "trim_scale(CAST(%s AS numeric))::text", v.n);
        return sqlf(c, "CASE WHEN mod(%s, %s) = 0 THEN trim_scale(CAST(%s AS numeric) / %s)::text "
                       "ELSE (CAST(%s AS numeric(1000, 40)) / %s)::text END",
                    v.n, v.d, v.n, v.d, v.n, v.d);
    case SQL_SQLITE:
        if (!v.d)
            return sqlf(c, "CASE WHEN typeof(%s) = 'integer' THEN CAST(%s AS TEXT) WHEN %s IS NOT NULL THEN printf('%%!.17g', %s) END",
                        v.n, v.n, v.n, v.n);
        /* 17 digits: SQLite's own text of a REAL has 15, not enough to
         * read back as the same double. */
        return sqlf(c, "CASE WHEN %s IS NULL THEN NULL WHEN typeof(%s) = 'integer' AND typeof(%s) = 'integer' AND %s %% %s = 0 "
                       "THEN CAST(%s / %s AS TEXT) ELSE printf('%%!.17g', CAST(%s AS REAL) / %s) END",
                    v.n, v.n, v.d, v.n, v.d, v.n, v.d, v.n, v.d);
    case SQL_DUCKDB:
        if (!v.d)
            return sqlf(c, "CAST(%s AS VARCHAR)", v.n);
        return sqlf(c, "CASE WHEN %s %% %s = 0 THEN CAST(%s // %s AS VARCHAR) "
                       "ELSE CAST(CAST(%s AS DOUBLE) / CAST(%s AS DOUBLE) AS VARCHAR) END",
                    v.n, v.d, v.n, v.d, v.n, v.d);
    }
    return "NULL";
}

static sqlv constant(sqlc *c, rb_value v)
{
    switch ((vkind)v.kind) {
    case VK_NA: return just("NULL", SK_OTHER);
    case VK_NUM: return sql_num_const(c, v.u.num);
    case VK_BOOL: return just(v.u.b ? "TRUE" : "FALSE", SK_BOOL);
    case VK_TEXT: return just(sql_text_const(c, v.u.text, v.len), SK_TEXT);
    case VK_DATE: return just(sql_date_const(c, v.u.date), SK_DATE);
    default:
        sql_refuse(c, "a duration or list value");
        return just("NULL", SK_OTHER);
    }
}

static const char *col(sqlc *c, int slot, const char *suffix)
{
    return sql_ident(c, sqlf(c, "%s%s", c->slot_sym[slot]->name, suffix));
}

sqlv sql_slot(sqlc *c, int slot)
{
    sqlv v = {col(c, slot, ""), c->slot_has_d[slot] ? col(c, slot, "__d") : NULL, c->slot_kind[slot]};
    return v;
}

int sql_expr_level(const sqlc *c, const enode *n)
{
    if (!n)
        return 0;
    int lv = 0;
    if (n->op == N_SLOT && n->slot < c->prog->nslots)
        lv = c->slot_level[n->slot];
    const enode *kids[3] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
        int k = sql_expr_level(c, kids[i]);
        lv = k > lv ? k : lv;
    }
    for (int i = 0; i < n->nargs; i++) {
        int k = sql_expr_level(c, n->args[i]);
        lv = k > lv ? k : lv;
    }
    return lv;
}

/* A measure or group named directly: the slot, else -1 after refusing. */
static int banded_slot(sqlc *c, const enode *n, const char *what)
{
    if (n->op == N_SLOT && n->slot < c->prog->nslots && c->slot_kind[n->slot] == SK_BANDED &&
        c->slot_sym[n->slot]->scheme)
        return n->slot;
    sql_refuse(c, what);
    return -1;
}

static const char *band_name(sqlc *c, int slot, int band)
{
    const scheme *sch = c->slot_sym[slot]->scheme;
    return sql_text_const(c, sch->bands[band], strlen(sch->bands[band]));
}

/* A CASE choosing between two values on a condition; na when it is na. */
static const char *pick(sqlc *c, const char *cond, const char *x, const char *y)
{
    return sqlf(c, "CASE WHEN %s THEN %s WHEN NOT %s THEN %s END", cond, x, cond, y);
}

static const char *or1(const char *d) { return d ? d : "1"; }

static sqlv min_max(sqlc *c, const enode *n)
{
    /* The first argument no other beats: all na when one is. */
    int k = n->nargs;
    sqlv *a = xcalloc((size_t)k, sizeof *a);
    for (int i = 0; i < k; i++)
        a[i] = sql_expr(c, n->args[i]);
    strbuf nb = {0}, db = {0}, any_na = {0};
    for (int i = 0; i < k; i++)
        strbuf_addf(&any_na, "%s%s IS NULL", i ? " OR " : "", a[i].n);
    bool has_d = false;
    for (int i = 0; i < k; i++)
        has_d = has_d || a[i].d;
    strbuf_addf(&nb, "CASE WHEN %s THEN NULL", strbuf_str(&any_na));
    strbuf_addf(&db, "CASE WHEN %s THEN NULL", strbuf_str(&any_na));
    const char *beats = n->fn == BI_MIN ? "<" : ">", *ties = n->fn == BI_MIN ? "<=" : ">=";
    for (int i = 0; i + 1 < k; i++) {
        strbuf cond = {0};
        for (int j = 0; j < k; j++)
            if (j != i)
                strbuf_addf(&cond, "%s%s", cond.len ? " AND " : "", sql_num_cmp(c, a[i], j < i ? beats : ties, a[j]));
        strbuf_addf(&nb, " WHEN %s THEN %s", strbuf_str(&cond), a[i].n);
        strbuf_addf(&db, " WHEN %s THEN %s", strbuf_str(&cond), or1(a[i].d));
        strbuf_free(&cond);
    }
    strbuf_addf(&nb, " ELSE %s END", a[k - 1].n);
    strbuf_addf(&db, " ELSE %s END", or1(a[k - 1].d));
    sqlv r = num(sqlf(c, "%s", strbuf_str(&nb)), has_d ? sqlf(c, "%s", strbuf_str(&db)) : NULL);
    strbuf_free(&nb);
    strbuf_free(&db);
    strbuf_free(&any_na);
    free(a);
    return r;
}

/* floor(n/d) exactly: the remainder's sign corrected (SQL's % truncates). */
static const char *floor_div(sqlc *c, sqlv v)
{
    if (!v.d)
        return c->o->dialect == SQL_POSTGRES ? sqlf(c, "floor(%s)", v.n) : v.n;
    const char *idiv = c->o->dialect == SQL_DUCKDB ? "//" : "/";
    if (c->o->dialect == SQL_POSTGRES)
        return sqlf(c, "div(%s - mod(mod(%s, %s) + %s, %s), %s)", v.n, v.n, v.d, v.d, v.d, v.d);
    return sqlf(c, "((%s - ((%s %% %s) + %s) %% %s) %s %s)", v.n, v.n, v.d, v.d, v.d, idiv, v.d);
}

static int64_t pow10i(int k)
{
    int64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

static sqlv rounding(sqlc *c, const enode *n)
{
    sqlv x = sql_expr(c, n->args[0]);
    if (n->fn == BI_FLOOR)
        return num(floor_div(c, x), NULL);
    if (n->fn == BI_CEIL)
        return num(sqlf(c, "(-%s)", floor_div(c, sneg(c, x))), NULL);
    int digits = 0;
    if (n->nargs > 1) {
        const enode *k = n->args[1];
        if (k->op != N_CONST || k->k.kind != VK_NUM) {
            sql_refuse(c, "round() with a number of digits that is not a constant");
            return num("NULL", NULL);
        }
        double dd = num_to_double(k->k.u.num);
        digits = dd != dd ? 0 : dd > 15 ? 15 : dd < -15 ? -15 : (int)dd;
    }
    /* Half away from zero, as the evaluator rounds: sign * floor((2|s| + 1) / 2)
     * on s = x * 10^digits. */
    const char *scale = sqlf(c, "%lld", (long long)pow10i(digits < 0 ? -digits : digits));
    sqlv s = digits >= 0 ? num(sqlf(c, "(%s * %s)", x.n, scale), x.d) : num(x.n, dmul(c, x.d, scale));
    sqlv abs2 = num(sqlf(c, "(2 * abs(%s) + %s)", s.n, or1(s.d)), sqlf(c, "(2 * %s)", or1(s.d)));
    const char *r = sqlf(c, "CASE WHEN %s < 0 THEN (-%s) ELSE %s END", s.n, floor_div(c, abs2), floor_div(c, abs2));
    return digits >= 0 ? num(r, digits ? scale : NULL) : num(sqlf(c, "(%s * %s)", r, scale), NULL);
}

const char *sql_text_lower(sqlc *c, const char *x, bool low)
{
    if (c->o->dialect == SQL_SQLITE)
        return sqlf(c, "%s(%s)", low ? "lower" : "upper", x);
    const char *up = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'", *lo = "'abcdefghijklmnopqrstuvwxyz'";
    return sqlf(c, "translate(%s, %s, %s)", x, low ? up : lo, low ? lo : up);
}

static sqlv call(sqlc *c, const enode *n)
{
    switch ((builtin_id)n->fn) {
    case BI_MIN:
    case BI_MAX:
        return min_max(c, n);
    case BI_SCORE: {
        int s = banded_slot(c, n->args[0], "score() of anything but a measure or group named directly");
        if (s < 0)
            return num("NULL", NULL);
        return num(col(c, s, "__score"), c->slot_score_d[s] ? col(c, s, "__score_d") : NULL);
    }
    case BI_VALUE: {
        sqlv v = sql_expr(c, n->args[0]);
        v.kind = SK_NUMBER;
        return v;
    }
    case BI_ABS: {
        sqlv x = sql_expr(c, n->args[0]);
        return num(sqlf(c, "abs(%s)", x.n), x.d);
    }
    case BI_FLOOR:
    case BI_CEIL:
    case BI_ROUND:
        return rounding(c, n);
    case BI_LOWER:
    case BI_UPPER: {
        /* Only A-Z and a-z change, as in rubric; SQLite's own lower() and
         * upper() do just that, the others' follow the locale. */
        return just(sql_text_lower(c, sql_expr(c, n->args[0]).n, n->fn == BI_LOWER), SK_TEXT);
    }
    case BI_TRIM: {
        /* ASCII white space and the no-break space, as rubric trims. */
        sqlv x = sql_expr(c, n->args[0]);
        switch (c->o->dialect) {
        case SQL_POSTGRES:
            return just(sqlf(c, "btrim(%s, E' \\t\\n\\v\\f\\r' || chr(160))", x.n), SK_TEXT);
        case SQL_SQLITE:
            return just(sqlf(c, "trim(%s, ' ' || char(9, 10, 11, 12, 13, 160))", x.n), SK_TEXT);
        case SQL_DUCKDB:
            return just(sqlf(c, "trim(%s, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))", x.n),
                        SK_TEXT);
        }
        break;
    }
    default:
        break;
    }
    sql_refuse(c, sqlf(c, "the function %s()", builtin_table[n->fn].name));
    return num("NULL", NULL);
}

static sqlv date_shift(sqlc *c, const enode *n)
{
    const enode *date = n->a, *dur = n->b;
    if (date->op == N_CONST && date->k.kind == VK_DUR) {
        date = n->b;
        dur = n->a;
    }
    if (dur->op != N_CONST || dur->k.kind != VK_DUR) {
        sql_refuse(c, "date arithmetic with a duration that is not a constant");
        return just("NULL", SK_DATE);
    }
    sqlv d = sql_expr(c, date);
    int sign = n->op == N_DATE_ADD ? 1 : -1;
    int months = sign * dur->k.u.dur.months, days = sign * dur->k.u.dur.days;
    const char *s = d.n;
    if (months) {
        /* Months clamp to the month's end (Jan 31 + 1 month is Feb 28),
         * as rubric's dates do and PostgreSQL's and DuckDB's intervals. */
        switch (c->o->dialect) {
        case SQL_POSTGRES:
            s = sqlf(c, "CAST(%s + INTERVAL '%d months' AS date)", s, months);
            break;
        case SQL_DUCKDB:
            s = sqlf(c, "CAST(%s + INTERVAL (%d) MONTH AS DATE)", s, months);
            break;
        case SQL_SQLITE: {
            /* SQLite's '+1 month' overflows into the next month instead:
             * the day is clamped here, on the first of the month. */
            const char *first = sqlf(c, "date(%s * 86400, 'unixepoch', 'start of month', '%+d months')", s, months);
            s = sqlf(c, "(unixepoch(%s) / 86400 + min(CAST(strftime('%%d', %s * 86400, 'unixepoch') AS INTEGER), "
                        "CAST(strftime('%%d', %s, '+1 month', '-1 day') AS INTEGER)) - 1)",
                     first, s, first);
            break;
        }
        }
    }
    if (days)
        s = sqlf(c, "(%s %s %d)", s, days < 0 ? "-" : "+", days < 0 ? -days : days);
    return just(s, SK_DATE);
}

static const char *cmp_op(int op)
{
    switch (op) {
    case N_LT: return "<";
    case N_LE: return "<=";
    case N_GT: return ">";
    case N_GE: return ">=";
    case N_EQ: return "=";
    default: return "<>";
    }
}

static sqlv compare(sqlc *c, const enode *n)
{
    sqlv a = sql_expr(c, n->a), b = sql_expr(c, n->b);
    const char *op = cmp_op(n->op);
    if (a.kind == SK_NUMBER || b.kind == SK_NUMBER) {
        if (a.kind != SK_OTHER && b.kind != SK_OTHER && (a.kind != SK_NUMBER || b.kind != SK_NUMBER))
            sql_refuse(c, "a comparison of a number with another kind of value");
        return just(sql_num_cmp(c, a, op, b), SK_BOOL);
    }
    /* Text orders byte by byte in rubric: PostgreSQL's collation may not. */
    if ((a.kind == SK_TEXT || b.kind == SK_TEXT) && c->o->dialect == SQL_POSTGRES && n->op != N_EQ && n->op != N_NE)
        return just(sqlf(c, "(%s COLLATE \"C\" %s %s)", a.n, op, b.n), SK_BOOL);
    if (a.kind == SK_DURATION || b.kind == SK_DURATION)
        sql_refuse(c, "a comparison of durations");
    return just(sqlf(c, "(%s %s %s)", a.n, op, b.n), SK_BOOL);
}

static sqlv choose_value(sqlc *c, const char *cond, sqlv x, sqlv y)
{
    sql_kind k = x.kind != SK_OTHER ? x.kind : y.kind;
    if (k != SK_NUMBER)
        return just(pick(c, cond, x.n, y.n), k);
    const char *d = x.d || y.d ? pick(c, cond, or1(x.d), or1(y.d)) : NULL;
    return num(pick(c, cond, x.n, y.n), d);
}

sqlv sql_expr(sqlc *c, const enode *n)
{
    sqlv a, b;
    switch ((node_op)n->op) {
    case N_CONST:
        return constant(c, n->k);
    case N_SLOT:
        if (n->slot >= c->prog->nslots || !c->slot_sym[n->slot]) {
            sql_refuse(c, "prev()");
            return just("NULL", SK_OTHER);
        }
        return sql_slot(c, n->slot);
    case N_AS_NUMBER:
        a = sql_expr(c, n->a);
        a.kind = SK_NUMBER;
        return a;
    case N_NEG:
        return sneg(c, sql_expr(c, n->a));
    case N_NOT:
        return just(sqlf(c, "(NOT %s)", sql_expr(c, n->a).n), SK_BOOL);
    case N_ADD:
        return sql_num_add(c, sql_expr(c, n->a), sql_expr(c, n->b));
    case N_SUB:
        return sql_num_add(c, sql_expr(c, n->a), sneg(c, sql_expr(c, n->b)));
    case N_MUL:
        return sql_num_mul(c, sql_expr(c, n->a), sql_expr(c, n->b));
    case N_DIV:
        return sql_num_div(c, sql_expr(c, n->a), sql_expr(c, n->b));
    case N_DATE_ADD:
    case N_DATE_SUB:
        return date_shift(c, n);
    case N_DATE_DIFF:
        a = sql_expr(c, n->a);
        b = sql_expr(c, n->b);
        if (c->o->dialect == SQL_DUCKDB)
            return num(sqlf(c, "datediff('day', %s, %s)", b.n, a.n), NULL);
        return num(sqlf(c, "(%s - %s)", a.n, b.n), NULL);
    case N_LT: case N_LE: case N_GT: case N_GE: case N_EQ: case N_NE:
        return compare(c, n);
    case N_AND:
    case N_OR:
        a = sql_expr(c, n->a);
        b = sql_expr(c, n->b);
        return just(sqlf(c, "(%s %s %s)", a.n, n->op == N_AND ? "AND" : "OR", b.n), SK_BOOL);
    case N_DEFAULT: {
        a = sql_expr(c, n->a);
        b = sql_expr(c, n->b);
        sql_kind k = a.kind != SK_OTHER ? a.kind : b.kind;
        if (k != SK_NUMBER)
            return just(sqlf(c, "COALESCE(%s, %s)", a.n, b.n), k);
        const char *d = a.d || b.d ? sqlf(c, "CASE WHEN %s IS NULL THEN %s ELSE %s END", a.n, or1(b.d), or1(a.d)) : NULL;
        return num(sqlf(c, "COALESCE(%s, %s)", a.n, b.n), d);
    }
    case N_IF:
        return choose_value(c, sql_expr(c, n->a).n, sql_expr(c, n->b), sql_expr(c, n->c));
    case N_CALL:
        return call(c, n);
    case N_IS_BAND: {
        int s = banded_slot(c, n->a, "`is BAND` of anything but a measure or group named directly");
        if (s < 0)
            return just("NULL", SK_BOOL);
        return just(sqlf(c, "COALESCE(%s = %s, FALSE)", col(c, s, "__band"), band_name(c, s, n->band)), SK_BOOL);
    }
    case N_IS_NA:
        return just(sqlf(c, "(%s IS NULL)", sql_expr(c, n->a).n), SK_BOOL);
    case N_COUNT: {
        /* How many members are in the band; na when every member is. */
        strbuf cnt = {0}, any = {0};
        for (int i = 0; i < n->nargs; i++) {
            int s = banded_slot(c, n->args[i], "`count ... of` a member that is not a measure or group");
            if (s < 0)
                break;
            strbuf_addf(&cnt, "%sCASE WHEN %s = %s THEN 1 ELSE 0 END", i ? " + " : "", col(c, s, "__band"),
                        band_name(c, s, n->member_band[i]));
            strbuf_addf(&any, "%s%s IS NOT NULL", i ? " OR " : "", col(c, s, ""));
        }
        sqlv r = num(sqlf(c, "CASE WHEN %s THEN %s END", strbuf_str(&any), strbuf_str(&cnt)), NULL);
        strbuf_free(&cnt);
        strbuf_free(&any);
        return r;
    }
    case N_FIELD:
    case N_WHERE:
    case N_LIST:
        sql_refuse(c, "lists");
        return just("NULL", SK_OTHER);
    case N_POP: {
        /* A figure over every account is a second query's: not one row's. */
        const expr *call = c->prog->pops[n->slot].call;
        sql_refuse_at(c, call->loc, sqlf(c, "the population value %s()", builtin_table[n->fn].name));
        return num("NULL", NULL);
    }
    }
    return just("NULL", SK_OTHER);
}
