/* builtins.h - the functions a policy can call, listed once.
 * X(id, name, min_args, max_args, takes, gives): what every argument must be
 * (BA_MEASURE: a measure or group, read as its number) and the type of what
 * the function gives.  BA_LIST: the first argument is a list, and the
 * second is computed for each of its elements (min and max are listed
 * twice: over numbers, and over a list).  The checker resolves each call by name once and
 * writes the id into the call node; the compiler and the evaluator use the
 * id. */
#ifndef RUBRIC_BUILTINS_H
#define RUBRIC_BUILTINS_H

#include "ast.h"
#include "diag.h"

#define RB_BUILTINS(X)                                    \
    X(BI_MIN, "min", 1, 64, BA_NUMBER, TY_NUMBER)         \
    X(BI_MAX, "max", 1, 64, BA_NUMBER, TY_NUMBER)         \
    X(BI_MEAN, "mean", 1, 64, BA_NUMBER, TY_NUMBER)       \
    X(BI_ABS, "abs", 1, 1, BA_NUMBER, TY_NUMBER)          \
    X(BI_ROUND, "round", 1, 2, BA_NUMBER, TY_NUMBER)      \
    X(BI_FLOOR, "floor", 1, 1, BA_NUMBER, TY_NUMBER)      \
    X(BI_CEIL, "ceil", 1, 1, BA_NUMBER, TY_NUMBER)        \
    X(BI_SCORE, "score", 1, 1, BA_MEASURE, TY_NUMBER)     \
    X(BI_VALUE, "value", 1, 1, BA_MEASURE, TY_NUMBER)     \
    X(BI_LOWER, "lower", 1, 1, BA_TEXT, TY_TEXT)          \
    X(BI_UPPER, "upper", 1, 1, BA_TEXT, TY_TEXT)          \
    X(BI_TRIM, "trim", 1, 1, BA_TEXT, TY_TEXT)                 \
    X(BI_LIST_COUNT, "count", 1, 1, BA_LIST, TY_NUMBER)        \
    X(BI_LIST_SUM, "sum", 2, 2, BA_LIST, TY_NUMBER)            \
    X(BI_LIST_MEAN, "mean", 2, 2, BA_LIST, TY_NUMBER)          \
    X(BI_LIST_MIN, "min", 2, 2, BA_LIST, TY_NUMBER)            \
    X(BI_LIST_MAX, "max", 2, 2, BA_LIST, TY_NUMBER)            \
    X(BI_LIST_ANY, "any", 2, 2, BA_LIST, TY_BOOL)              \
    X(BI_LIST_ALL, "all", 2, 2, BA_LIST, TY_BOOL)              \
    X(BI_LIST_MAX_BY, "max_by", 2, 2, BA_LIST, TY_RECORD)      \
    X(BI_LIST_MIN_BY, "min_by", 2, 2, BA_LIST, TY_RECORD)      \
    X(BI_PREV, "prev", 1, 1, BA_OUTPUT, TY_NA)                 \
    X(BI_QUANTILE, "quantile", 2, 2, BA_POPULATION, TY_NUMBER)   \
    X(BI_MEDIAN_OF, "median_of", 1, 1, BA_POPULATION, TY_NUMBER) \
    X(BI_MEAN_OF, "mean_of", 1, 1, BA_POPULATION, TY_NUMBER)     \
    X(BI_COUNT_OF, "count_of", 1, 1, BA_POPULATION, TY_NUMBER)   \
    X(BI_COUNT_BELOW, "count_below", 1, 1, BA_POPULATION, TY_NUMBER) \
    X(BI_SHARE_BELOW, "share_below", 1, 1, BA_POPULATION, TY_NUMBER)

/* What a builtin's arguments are. */
/* BA_OUTPUT: the name of an output; the call gives that output's type.
 * BA_POPULATION: a number computed for every account of the run (or of the
 * cohort `by` names), and what the function makes of all of them (a
 * population value: population.h); the counts of arguments leave `by` out. */
typedef enum builtin_args { BA_NUMBER, BA_MEASURE, BA_TEXT, BA_LIST, BA_OUTPUT, BA_POPULATION } builtin_args;

typedef enum builtin_id {
#define X(id, name, lo, hi, takes, gives) id,
    RB_BUILTINS(X)
#undef X
    BI_COUNT
} builtin_id;

typedef struct builtin_info {
    const char *name;
    int min_args, max_args;
    builtin_args takes;
    rb_type gives;
} builtin_info;

extern const builtin_info builtin_table[BI_COUNT];

/* The id of the function called NAME; -1 when there is none.  For the
 * checker, which resolves calls, and for names that may hide a builtin. */
int builtin_find(const char *name);
/* The function of that name over a list (count, sum, min...); -1 if none. */
int builtin_find_list(const char *name);

/* A call to a population value (or any call written with `by`), its
 * arguments typed: types[i] for the i-th (cohort included), the first
 * BUILTIN_POP_ARGS of them.  where: why no population value can be here
 * (NULL when one can).  Says what is wrong on d; the call's type. */
enum { BUILTIN_POP_ARGS = 4 };
rb_type builtin_check_population(diag *d, const expr *e, const char *where, const rb_type *types);

#endif
