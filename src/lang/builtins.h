/* builtins.h - the functions a policy can call, listed once.
 * X(id, name, min_args, max_args, takes): what every argument must be, which
 * is also what the function gives (a number for BA_MEASURE). */
#ifndef RUBRIC_BUILTINS_H
#define RUBRIC_BUILTINS_H

#define RB_BUILTINS(X)                         \
    X(BI_MIN, "min", 1, 64, BA_NUMBER)         \
    X(BI_MAX, "max", 1, 64, BA_NUMBER)         \
    X(BI_ABS, "abs", 1, 1, BA_NUMBER)          \
    X(BI_ROUND, "round", 1, 2, BA_NUMBER)      \
    X(BI_FLOOR, "floor", 1, 1, BA_NUMBER)      \
    X(BI_CEIL, "ceil", 1, 1, BA_NUMBER)        \
    X(BI_SCORE, "score", 1, 1, BA_MEASURE)     \
    X(BI_VALUE, "value", 1, 1, BA_MEASURE)     \
    X(BI_LOWER, "lower", 1, 1, BA_TEXT)        \
    X(BI_UPPER, "upper", 1, 1, BA_TEXT)        \
    X(BI_TRIM, "trim", 1, 1, BA_TEXT)

/* What a builtin's arguments are. */
typedef enum builtin_args { BA_NUMBER, BA_MEASURE, BA_TEXT } builtin_args;

typedef enum builtin_id {
#define X(id, name, lo, hi, m) id,
    RB_BUILTINS(X)
#undef X
    BI_COUNT
} builtin_id;

typedef struct builtin_info {
    const char *name;
    int min_args, max_args;
    builtin_args takes;
} builtin_info;

extern const builtin_info builtin_table[BI_COUNT];
int builtin_find(const char *name); /* -1 when unknown */

#endif
