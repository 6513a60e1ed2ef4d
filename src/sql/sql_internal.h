/* sql_internal.h - what the two halves of the SQL compiler share: the
 * compiler's state, and a number as SQL.
 *
 * Every number is carried as a fraction n/d of two SQL expressions with
 * d > 0 (d NULL: 1), so that a ratio is compared with its threshold
 * cross-multiplied, exactly, as rubric's own numbers are (base/num.h).
 * A value is na when its n (or its only expression) is NULL. */
#ifndef RUBRIC_SQL_INTERNAL_H
#define RUBRIC_SQL_INTERNAL_H

#include "arena.h"
#include "sql.h"

/* What a slot holds, and so which columns carry it: a number `x` (and
 * `x__d` when it has a denominator); a measure or group also `x__band`,
 * `x__score` and `x__score_d`; anything else just `x`. */
typedef enum sql_kind { SK_NUMBER, SK_BOOL, SK_TEXT, SK_DATE, SK_DURATION, SK_BANDED, SK_OTHER } sql_kind;

typedef struct sqlv {
    const char *n;   /* the value (a number's numerator) */
    const char *d;   /* a number's denominator; NULL: 1 */
    sql_kind kind;
} sqlv;

typedef struct sqlc {
    const program *prog;
    const policy *pol;
    const sql_options *o;
    diag *d;
    arena mem;                 /* every string made while compiling */
    const symbol **slot_sym;   /* per slot */
    const char **slot_name;    /* per slot: its column, quoted if need be */
    sql_kind *slot_kind;
    bool *slot_has_d;          /* a number (or banded value) with a denominator column */
    bool *slot_score_d;        /* a banded slot whose score has a denominator column */
    int *slot_level;           /* the stage whose columns hold the slot in full */
    const step *cur;           /* the step compiling, for messages */
    bool failed;
} sqlc;

/* printf into the compiler's arena. */
const char *sqlf(sqlc *c, const char *fmt, ...) RB_PRINTF(2, 3);
/* A name as an SQL identifier, quoted when it is a keyword or unusual. */
const char *sql_ident(sqlc *c, const char *name);
/* "PostgreSQL", "SQLite", "DuckDB": the dialect in messages. */
const char *sql_dialect_title(sql_dialect d);
/* An error at the step compiling (its declaration), naming the dialect. */
void sql_refuse(sqlc *c, const char *what);
/* The same, said where the construct is written. */
void sql_refuse_at(sqlc *c, rb_loc loc, const char *what);

/* An expression of the program as SQL; kind from the node. */
sqlv sql_expr(sqlc *c, const enode *n);
/* A number's numerator and denominator compared: the SQL condition. */
const char *sql_num_cmp(sqlc *c, sqlv a, const char *op, sqlv b);
/* A number a / b, na when b is 0. */
sqlv sql_num_div(sqlc *c, sqlv a, sqlv b);
sqlv sql_num_add(sqlc *c, sqlv a, sqlv b);
sqlv sql_num_mul(sqlc *c, sqlv a, sqlv b);
/* A constant number as SQL. */
sqlv sql_num_const(sqlc *c, rb_num k);
/* The cell text of a number, as docs/sql.md describes per dialect. */
const char *sql_num_cell(sqlc *c, sqlv v);
/* The value of slot s as SQL (its columns). */
sqlv sql_slot(sqlc *c, int slot);
/* The day number or DATE literal of a date. */
const char *sql_date_const(sqlc *c, rb_date day);
/* Only A-Z and a-z changed, as rubric's lower() and upper() do (SQLite's
 * own do just that; the others' follow the locale). */
const char *sql_text_lower(sqlc *c, const char *x, bool low);
/* A text literal. */
const char *sql_text_const(sqlc *c, const char *s, size_t len);
/* The stage a node's slots are all ready by. */
int sql_expr_level(const sqlc *c, const enode *n);

#endif
