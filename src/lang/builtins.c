/* builtins.c - the table of builtin functions that builtins.h lists. */
#include <string.h>

#include "builtins.h"
#include "policy.h"
#include "types.h"

const builtin_info builtin_table[BI_COUNT] = {
#define X(id, name, lo, hi, takes, gives) {name, lo, hi, takes, gives},
    RB_BUILTINS(X)
#undef X
};

int builtin_find(const char *name)
{
    for (int i = 0; i < BI_COUNT; i++)
        if (strcmp(builtin_table[i].name, name) == 0)
            return i;
    return -1;
}

int builtin_find_list(const char *name)
{
    for (int i = 0; i < BI_COUNT; i++)
        if (builtin_table[i].takes == BA_LIST && strcmp(builtin_table[i].name, name) == 0)
            return i;
    return -1;
}

rb_type builtin_check_population(diag *d, const expr *e, const char *where, const rb_type *types)
{
    int id = e->u.call.id, n = e->u.call.nargs;
    if (id < 0) {
        const expr *cohort = e->u.call.args->last->e;
        diag_error(d, cohort->loc, "`by` names the cohort of a population value (quantile, median_of, mean_of, "
                   "count_of, count_below, share_below); %s() is not one", e->u.call.fn);
        return TY_ERROR;
    }
    const builtin_info *bi = &builtin_table[id];
    if (where) {
        diag_error(d, e->loc, "%s() is a population value, computed over all accounts; it cannot be used %s", bi->name,
                   where);
        return TY_ERROR;
    }
    if (n != bi->min_args) {
        diag_error(d, e->loc, "%s() takes %s, not %d argument%s", bi->name,
                   bi->min_args == 2 ? "a number per account and a level between 0 and 1" : "one number per account", n,
                   n == 1 ? "" : "s");
        return TY_ERROR;
    }
    bool ok = true;
    int i = 0;
    for (const expr_list *a = e->u.call.args; a && i < BUILTIN_POP_ARGS; a = a->next, i++) {
        rb_type t = types[i];
        if (e->u.call.by && !a->next) {
            if (t == TY_LIST || t == TY_RECORD || t == TY_DURATION) {
                diag_error(d, a->e->loc, "`by` groups accounts by a value each has (text, a choice, a number, a date "
                           "or a bool), not a %s", type_name(t));
                ok = false;
            }
        } else if (!type_numeric(t)) {
            diag_error(d, a->e->loc, "%s() takes %s, not a %s", bi->name,
                       i == 0 ? "a number per account" : "a level between 0 and 1", type_name(t));
            ok = false;
        }
    }
    /* The level is the same for every account: a number as written or a
     * parameter (whose --param value the compiler checks). */
    const expr *level = id == BI_QUANTILE ? e->u.call.args->next->e : NULL;
    if (ok && level) {
        bool param = level->kind == EX_NAME && level->u.name.sym && level->u.name.sym->kind == SYM_PARAM;
        bool in_range = level->kind == EX_NUM && num_cmp(level->u.num, num_from_int(0)) >= 0 &&
                        num_cmp(level->u.num, num_from_int(1)) <= 0;
        if (!param && !in_range) {
            diag_error(d, level->loc, "quantile()'s level must be a number from 0 to 1 (90%% or 0.9), written as one "
                       "or as a parameter");
            ok = false;
        }
    }
    return ok ? bi->gives : TY_ERROR;
}
