/* builtins.h - the functions a policy can call, listed once.
 * X(id, name, min_args, max_args, takes_measure) */
#ifndef RUBRIC_BUILTINS_H
#define RUBRIC_BUILTINS_H

#define RB_BUILTINS(X)                \
    X(BI_MIN, "min", 1, 64, 0)        \
    X(BI_MAX, "max", 1, 64, 0)        \
    X(BI_ABS, "abs", 1, 1, 0)         \
    X(BI_ROUND, "round", 1, 2, 0)     \
    X(BI_FLOOR, "floor", 1, 1, 0)     \
    X(BI_CEIL, "ceil", 1, 1, 0)       \
    X(BI_SCORE, "score", 1, 1, 1)     \
    X(BI_VALUE, "value", 1, 1, 1)

typedef enum builtin_id {
#define X(id, name, lo, hi, m) id,
    RB_BUILTINS(X)
#undef X
    BI_COUNT
} builtin_id;

typedef struct builtin_info {
    const char *name;
    int min_args, max_args;
    int takes_measure;
} builtin_info;

extern const builtin_info builtin_table[BI_COUNT];
int builtin_find(const char *name); /* -1 when unknown */

#endif
