/* program.h - the evaluation tree, the format the compiler writes and the
 * evaluator reads: steps over numbered slots.
 *
 * Names are gone: every input, definition and output is a slot number; a
 * parameter is a constant folded into the tree; an expression that appears
 * twice is one node evaluated once per account (its memo slot).  The
 * program owns everything in its arena; program_free() releases it. */
#ifndef RUBRIC_PROGRAM_H
#define RUBRIC_PROGRAM_H

#include <stdint.h>

#include "arena.h"
#include "policy.h"
#include "value.h"

typedef enum node_op {
    N_CONST, N_SLOT, N_AS_NUMBER,
    N_NEG, N_NOT,
    N_ADD, N_SUB, N_MUL, N_DIV,
    N_DATE_ADD, N_DATE_SUB, N_DATE_DIFF,
    N_LT, N_LE, N_GT, N_GE, N_EQ, N_NE,
    N_AND, N_OR, N_DEFAULT, N_IF,
    N_CALL, N_IS_BAND, N_IS_NA, N_COUNT,
    N_FIELD,    /* slot: the field's index; a: the record, NULL for the element */
    N_WHERE,    /* a: the list, b: the condition per element */
    N_LIST,     /* fn: a BA_LIST builtin; a: the list, b: per element (or NULL) */
    N_POP,      /* fn: a BA_POPULATION builtin; slot: its index in program.pops;
                   a: the account's number, c: its cohort (NULL: all accounts) */
} node_op;

typedef struct enode {
    uint8_t op;
    uint8_t fn;           /* N_CALL, N_LIST: builtin_id */
    bool elem;            /* depends on the element a condition looks at: never shared */
    uint8_t cmp;          /* N_LT..N_NE: VK_NUM, VK_DATE or VK_TEXT, the kind the checker
                             proved both operands have when not na; VK_NA: not known */
    int16_t band;         /* N_IS_BAND, N_COUNT */
    int32_t slot;         /* N_SLOT */
    int32_t memo;         /* >= 0: shared, evaluated once per account */
    rb_value k;           /* N_CONST */
    struct enode *a, *b, *c;
    struct enode **args;  /* N_CALL arguments, N_COUNT member slots */
    int16_t *member_band; /* N_COUNT: the band's index in each member's scheme */
    int nargs;
} enode;

/* One edge-tested band line: value OP limit [and value OP limit]. */
typedef struct band_test {
    int band;             /* index in the scheme */
    int nedges;           /* 0: otherwise */
    rb_op op[2];
    enode *limit[2];
    bool fixed[2];        /* limit is a constant number, kept in fixed_limit */
    rb_num fixed_limit[2];
    uint8_t accepts[2];   /* comparison results (-1, 0, 1, unordered as bits 0..3) op accepts */
    const band_rule *rule;
} band_test;

/* Which comparison results (-1, 0, 1, 2 for unordered) an edge operator
 * accepts, as bits 0..3: a table lookup instead of a branch per edge. */
static inline uint8_t op_accepts(rb_op op)
{
    static const uint8_t accepts[] = {
        [OP_LT] = 1, [OP_LE] = 3, [OP_GT] = 4, [OP_GE] = 6, [OP_EQ] = 2, [OP_NE] = 5};
    return accepts[op];
}

static inline bool op_holds(rb_op op, int cmp) { return (op_accepts(op) >> (cmp + 1)) & 1; }

/* The edges of a step whose thresholds are all constants, every line's in
 * order in one array: the band matcher's loop per account reads 24 bytes
 * an edge instead of a band_test's 88.  A line without edges (otherwise)
 * is one edge that accepts every comparison result. */
typedef struct fixed_edge {
    rb_num limit;
    uint8_t accepts;      /* as band_test.accepts */
    bool last;            /* the line's last edge: when it holds, the line catches */
    bool otherwise;       /* stands for a line without edges: not traced */
    uint8_t skip;         /* from here to the next line's first edge */
    int8_t band;          /* the line's band: no band_test to look up when it catches */
} fixed_edge;

/* A fraction whose numerator and denominator are within 2^31: two of them
 * cross-multiply in 64 bits, without the 128-bit products num_cmp forms. */
static inline bool num_small(rb_num x)
{
    return (uint64_t)x.q - 1 < INT32_MAX && (uint64_t)x.p + INT32_MAX <= 2ULL * INT32_MAX;
}

typedef enum step_kind { STEP_VALUE, STEP_MEASURE, STEP_GROUP } step_kind;

/* How a step is evaluated, decided once when it is compiled
 * (program_shape): the usual measures and groups have a path of their own
 * that skips the tests the general one makes per account, and gives
 * exactly what the general one gives (tests/unit runs both). */
typedef enum step_shape {
    SHAPE_GENERAL,
    SHAPE_RATIO,  /* measure: input / input, constant thresholds, not graded */
    SHAPE_TALLY,  /* group of equal weights, not graded, over measures not graded whose
                   * band scores are whole numbers within +-2^32: the sum is an int64 */
    SHAPE_COUNT,  /* value: `count green of (...)`, its members read from their slots */
    SHAPE_COMPARE, /* value: a comparison of slots and constants (`license_start > as_of - 1 month`) */
} step_shape;

/* One named definition, evaluated per account into its slot. */
typedef struct step {
    step_kind kind;
    step_shape shape;
    const symbol *sym;
    int slot;
    int operand_slots[2];         /* SHAPE_RATIO: the numerator's and the denominator's slots;
                                   * SHAPE_COMPARE: the operands', -1 for a constant */
    int *count_slots;             /* SHAPE_COUNT: each member's slot (value->args[i]'s) */
    enode *value;                 /* STEP_VALUE, STEP_MEASURE */
    enode **na_when, **applies;
    int n_na_when, n_applies;
    /* slot_guards: every condition is a slot (`na when onboarding`), read
     * without evaluating a node: guard[i] is slot * 2, plus 1 for an
     * `na when`; nguards = n_applies + n_na_when. */
    bool slot_guards;
    int *guard;
    int nguards;
    band_test *tests;             /* measure bands, or a group's score ranges */
    int ntests;
    bool all_fixed;               /* every threshold is a constant: the fast path */
    fixed_edge *edges;            /* all_fixed: the lines' edges, in order */
    bool small_edges;             /* all_fixed, and every edge's limit is num_small */
    const scheme *scheme;
    rb_num *band_scores;          /* per band of the scheme */
    int *member_slots;            /* group */
    enode **weights;
    int nmembers;
    agg_kind agg;
    /* A graded score (`scores 0 at 25%, 10 at 50%`): the points, rising;
     * score_bands: a measure with no band lines of its own takes its band
     * from its scheme's score ranges, as a group does. */
    enode **grade_at, **grade_score;
    int ngrades;
    bool score_bands;
} step;

/* A policy test of the root file: its given constants and compiled
 * expectations. */
typedef struct test_case {
    const decl *decl;
    int ngivens;
    const symbol **given_sym;
    rb_value *given_value;
    int *given_slot;              /* the slot a given input or prev() fills; -1 for a parameter */
    enode **expects;
    int nexpects;
} test_case;

/* A population value (quantile(x, 90%) by tier): a function of x over
 * every account of the run, or of the account's cohort.  Gathered by a
 * pass over the data before the pass that scores: level 1 when x and the
 * cohort use no population value, else one more than the highest level
 * of those they use (population.h). */
typedef struct pop_call {
    const expr *call;             /* as written */
    uint8_t fn;                   /* builtin_id */
    int level;
    rb_num p;                     /* quantile's level */
    const enode *node;            /* the N_POP: its a and c are x and the cohort */
} pop_call;

typedef struct program {
    arena arena;
    const policy *pol;
    int nslots, nmemo;
    int ninputs;                  /* inputs are slots 0 .. ninputs-1 */
    int prev_slot0, nprevs;       /* prev() of policy.prevs[k] is slot prev_slot0 + k */
    int param_slot0;              /* compile_policy_bound: parameter i is slot param_slot0 + i; else -1 */
    enode **param_defaults;       /* compile_policy_bound: parameter i's default as a tree over the slots of
                                   * the parameters it reads (`green_at / 2`), NULL when it reads none;
                                   * run's program has no array */
    step *steps;
    int nsteps;
    int *output_slot;             /* per policy output */
    rb_value *params;             /* per policy parameter, after --param */
    test_case *tests;             /* the root file's tests, in order */
    int ntests;
    pop_call *pops;               /* population values, in the order written */
    int npops;
    int npasses;                  /* passes over the data before scoring: the highest level */
    int **pass_steps;             /* per pass (level - 1): the steps its values need, in order */
    int *pass_nsteps;
} program;

/* The step that evaluates a definition, measure or group; NULL for inputs
 * and parameters. */
const step *program_step(const program *prog, const symbol *s);
/* Sets every step's shape, once its steps are compiled. */
void program_shape(program *prog);
void program_free(program *prog);

#endif
