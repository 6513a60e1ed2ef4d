/* builtins.h - the functions a policy can call, listed once.
 * X(id, name, min_args, max_args, takes, gives): what every argument must be
 * (BA_MEASURE: a measure or group, read as its number) and the type of what
 * the function gives.  The checker resolves each call by name once and
 * writes the id into the call node; the compiler and the evaluator use the
 * id. */
#ifndef RUBRIC_BUILTINS_H
#define RUBRIC_BUILTINS_H

#include "ast.h"

#define RB_BUILTINS(X)                                    \
    X(BI_MIN, "min", 1, 64, BA_NUMBER, TY_NUMBER)         \
    X(BI_MAX, "max", 1, 64, BA_NUMBER, TY_NUMBER)         \
    X(BI_ABS, "abs", 1, 1, BA_NUMBER, TY_NUMBER)          \
    X(BI_ROUND, "round", 1, 2, BA_NUMBER, TY_NUMBER)      \
    X(BI_FLOOR, "floor", 1, 1, BA_NUMBER, TY_NUMBER)      \
    X(BI_CEIL, "ceil", 1, 1, BA_NUMBER, TY_NUMBER)        \
    X(BI_SCORE, "score", 1, 1, BA_MEASURE, TY_NUMBER)     \
    X(BI_VALUE, "value", 1, 1, BA_MEASURE, TY_NUMBER)     \
    X(BI_LOWER, "lower", 1, 1, BA_TEXT, TY_TEXT)          \
    X(BI_UPPER, "upper", 1, 1, BA_TEXT, TY_TEXT)          \
    X(BI_TRIM, "trim", 1, 1, BA_TEXT, TY_TEXT)

/* What a builtin's arguments are. */
typedef enum builtin_args { BA_NUMBER, BA_MEASURE, BA_TEXT } builtin_args;

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

#endif
