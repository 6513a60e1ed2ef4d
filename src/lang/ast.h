/* ast.h - the syntax tree of a policy, as the parser builds it.
 *
 * Every node is allocated from the policy's arena (see arena.h) and is never
 * freed on its own.  The checker annotates nodes in place (types, symbols);
 * the compiler reads them and builds the evaluation tree. */
#ifndef RUBRIC_AST_H
#define RUBRIC_AST_H

#include <stdbool.h>

#include "arena.h"
#include "date.h"
#include "num.h"
#include "source.h"

/* Types of values.  TY_LIST and TY_RECORD are the elements inside an
 * account (several instances per account): an expression of either type
 * says which record declaration in expr.rec. */
typedef enum rb_type {
    TY_ERROR,    /* already reported; suppresses follow-on errors */
    TY_NA,       /* the literal na: fits anywhere */
    TY_NUMBER,
    TY_TEXT,
    TY_BOOL,
    TY_DATE,
    TY_DURATION,
    TY_BANDED,   /* a measure or group: value, band and score */
    TY_LIST,
    TY_RECORD,
} rb_type;

const char *type_name(rb_type t);

typedef enum ex_kind {
    EX_NUM, EX_TEXT, EX_BOOL, EX_NA, EX_DATE, EX_DURATION,
    EX_NAME,     /* a reference to a definition, input or parameter */
    EX_UNARY, EX_BINARY, EX_IF,
    EX_CALL,     /* builtin function */
    EX_IS,       /* x is BAND, x is na */
    EX_COUNT,    /* count BAND of (a, b, ...) */
    EX_WHERE,    /* LIST where CONDITION: u.bin, the condition per element */
    EX_FIELD,    /* RECORD.field, or a bare field name inside a condition */
} ex_kind;

/* Operators, listed once; the names are how they are written. */
#define RB_OPERATORS(X)                                                  \
    X(OP_ADD, "+") X(OP_SUB, "-") X(OP_MUL, "*") X(OP_DIV, "/")          \
    X(OP_LT, "<") X(OP_LE, "<=") X(OP_GT, ">") X(OP_GE, ">=")            \
    X(OP_EQ, "=") X(OP_NE, "!=") X(OP_AND, "and") X(OP_OR, "or")         \
    X(OP_DEFAULT, "??") X(OP_NEG, "-") X(OP_NOT, "not")

typedef enum rb_op {
#define X(id, text) id,
    RB_OPERATORS(X)
#undef X
} rb_op;

const char *op_text(rb_op op);

typedef enum dur_unit { DUR_DAYS, DUR_WEEKS, DUR_MONTHS, DUR_YEARS } dur_unit;

struct symbol;
struct record_type;
typedef struct expr expr;
typedef struct name_ref name_ref;

/* A name as written, with where it was written (count members, groups). */
struct name_ref {
    const char *name;
    rb_loc loc;
    expr *weight;          /* group members only; NULL means weight 1 */
    bool prev;             /* a test's `given prev(NAME) = VALUE` */
    struct symbol *sym;    /* set by the checker */
    name_ref *next;
    name_ref *last;        /* in the first node: the list's tail */
};

typedef struct expr_list {
    expr *e;
    struct expr_list *next;
    struct expr_list *last;  /* in the first node: the list's tail */
} expr_list;

struct expr {
    ex_kind kind;
    rb_op op;
    rb_loc loc;
    rb_type type;                /* set by the checker */
    const struct record_type *rec; /* TY_LIST, TY_RECORD: of which record */
    int depth;                   /* levels of nesting, 1 for a leaf */
    union {
        rb_num num;
        struct { const char *s; unsigned len; } text;
        bool b;
        rb_date date;
        struct { int amount; dur_unit unit; } dur;
        struct { const char *name; struct symbol *sym; } name;
        struct { expr *l, *r; } bin;            /* unary: l only */
        struct { expr *cond, *then, *els; } cond;
        /* id: the builtin_id, set by the checker; -1 until then, or when
         * no function has that name. */
        /* by: the last of args is the cohort written after `by`, not
         * counted in nargs (a population value's). */
        struct { const char *fn; rb_loc fn_loc; expr_list *args; int nargs; int id; bool by; } call;
        struct { expr *e; const char *band; rb_loc band_loc; } is; /* band NULL: is na */
        struct { const char *band; rb_loc band_loc; name_ref *members; } count;
        /* rec NULL: the element a condition is looking at.  index: the
         * field's position in its record, set by the checker. */
        struct { expr *rec; const char *name; rb_loc name_loc; int index; } field;
    } u;
};

/* One edge test, `< 25%`, as written on a band line. */
typedef struct edge {
    rb_op op;          /* OP_LT, OP_LE, OP_GT, OP_GE */
    expr *limit;
    rb_loc loc;
} edge;

/* A band line of a measure (`yellow >= 25% and < 50%`) or of a scheme
 * (`green scores 100 when >= 75`). */
typedef struct band_rule {
    const char *band;
    rb_loc band_loc, loc;
    expr *score;          /* schemes only */
    int nedges;           /* 0: otherwise (or, in a scheme, no range) */
    bool otherwise;
    edge edges[2];
    struct band_rule *next;
    struct band_rule *last;  /* in the first node: the list's tail */
} band_rule;

typedef enum clause_kind { CL_NA_WHEN, CL_APPLIES_WHEN, CL_EXPECT } clause_kind;

typedef struct clause {
    clause_kind kind;
    expr *cond;
    rb_loc loc;
    struct clause *next;
    struct clause *last;     /* in the first node: the list's tail */
} clause;

typedef enum decl_kind {
    D_POLICY, D_IMPORT, D_ID, D_INPUT, D_PARAM, D_LET, D_METRIC,
    D_MEASURE, D_GROUP, D_SCHEME, D_TEST,
    D_RECORD,    /* record NAME, its fields (D_FIELD) in decl.fields */
    D_FIELD,
    D_ACTION,    /* action NAME when CONDITION, its priority and reason lines */
} decl_kind;

typedef enum agg_kind { AGG_MEAN, AGG_SUM } agg_kind;

typedef struct text_list {
    const char *s;
    unsigned len;
    rb_loc loc;
    struct text_list *next;
    struct text_list *last;  /* in the first node: the list's tail */
} text_list;

typedef struct decl {
    decl_kind kind;
    rb_loc loc;              /* the whole header line */
    const char *name;        /* defined name; policy title; import path */
    rb_loc name_loc;
    const char *version;     /* policy */
    /* input, field */
    const char *type_name;   /* number, text, date, bool, list; NULL for one of */
    rb_loc type_loc;
    text_list *choices;      /* `one of "a", "b"` */
    const char *elem_name;   /* `list of RECORD` */
    rb_loc elem_loc;
    struct decl *fields;     /* record: its fields, linked by next */
    /* param, let, metric, measure */
    expr *value;
    /* measure, group */
    clause *clauses;
    band_rule *bands;        /* measure and scheme lines */
    const char *scheme;
    rb_loc scheme_loc;
    agg_kind agg;
    rb_loc agg_loc;
    name_ref *members;       /* group */
    /* action */
    expr *priority;
    const char *reason;
    rb_loc priority_loc, reason_loc;
    /* test: `given NAME = VALUE, ...` (value in name_ref.weight), an
     * account of a fixture file, and `expect CONDITION` (clauses) */
    name_ref *givens;
    name_ref *tables;        /* `given LIST from "FILE"`: the path, an EX_TEXT, in weight */
    const char *fixture_id, *fixture_path;
    rb_loc fixture_loc;
    struct decl *next;
} decl;

/* A `# comment`, kept so `rubric fmt` can put it back. */
typedef struct comment {
    rb_loc loc;
    struct comment *next;
} comment;

/* Node builders, called from the grammar actions. */
expr *ast_num(arena *a, rb_loc loc, rb_num v);
expr *ast_text(arena *a, rb_loc loc, const char *s, unsigned len);
expr *ast_bool(arena *a, rb_loc loc, bool b);
expr *ast_na(arena *a, rb_loc loc);
expr *ast_date(arena *a, rb_loc loc, rb_date d);
expr *ast_duration(arena *a, rb_loc loc, int amount, dur_unit unit);
expr *ast_name(arena *a, rb_loc loc, const char *name);
expr *ast_unary(arena *a, rb_loc loc, rb_op op, expr *e);
expr *ast_binary(arena *a, rb_loc loc, rb_op op, expr *l, expr *r);
expr *ast_if(arena *a, rb_loc loc, expr *c, expr *t, expr *e);
expr *ast_call(arena *a, rb_loc loc, const char *fn, rb_loc fn_loc, expr_list *args);
/* f(args) by cohort: the cohort is kept as the last of args (so that every
 * walk over a call's arguments sees its names), with call.by set. */
expr *ast_call_by(arena *a, rb_loc loc, const char *fn, rb_loc fn_loc, expr_list *args, expr *cohort);
expr *ast_is(arena *a, rb_loc loc, expr *e, const char *band, rb_loc band_loc);
expr *ast_count(arena *a, rb_loc loc, const char *band, rb_loc band_loc, name_ref *members);
expr *ast_where(arena *a, rb_loc loc, expr *list, expr *cond);
expr *ast_field(arena *a, rb_loc loc, expr *rec, const char *name, rb_loc name_loc);
expr_list *ast_expr_list(arena *a, expr_list *list, expr *e);   /* appends */
name_ref *ast_name_ref(arena *a, name_ref *list, const char *name, rb_loc loc, expr *weight);
text_list *ast_text_list(arena *a, text_list *list, const char *s, unsigned len, rb_loc loc);
decl *ast_decl(arena *a, decl_kind kind, rb_loc loc, const char *name, rb_loc name_loc);
clause *ast_clause(arena *a, clause *list, clause_kind kind, expr *cond, rb_loc loc);
band_rule *ast_band_rule(arena *a, band_rule *list, band_rule *rule);

/* How deep an expression may nest.  Every stage walks expressions
 * recursively; the parser rejects deeper ones so none of them can run out
 * of stack on a hostile or corrupted file. */
enum { EXPR_MAX_DEPTH = 256 };

/* The symbols an expression mentions, each once, in the order written
 * (count members included): what `test` and `explain` show the values of.
 * Appends to seen[*n..cap). */
void expr_names(const expr *e, const struct symbol **seen, int *n, int cap);
/* The fields of a named record an expression reads (chosen.users), each
 * once: EX_FIELD nodes whose record is a name. */
void expr_fields(const expr *e, const expr **seen, int *n, int cap);
/* The same as expr_names for the outputs an expression reads with prev(). */
void expr_prev_names(const expr *e, const struct symbol **seen, int *n, int cap);

/* The source span from the start of a to the end of b. */
rb_loc loc_span(rb_loc a, rb_loc b);

#endif
