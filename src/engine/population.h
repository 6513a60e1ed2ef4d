/* population.h - population values: figures over every account of a run,
 * or of the accounts that share a cohort (`quantile(x, 90%) by tier`).
 *
 * An account's score may use what all accounts have, so scoring takes more
 * than one pass over the data.  Pass L (1 .. program.npasses) evaluates,
 * for each account, only the steps the level-L values need
 * (program.pass_steps) and keeps one number per account and value (with
 * its cohort's number); then population_settle() sorts them and works out
 * each cohort's figure.  A value of a lower level is known in a later pass,
 * so a population value may use another.  The pass that scores reads the
 * data once more, and a population value there is looked up: the cohort's
 * figure, or (count_below, share_below) where the account's own number
 * falls among its cohort's.
 *
 * na numbers and na cohorts are left out of a population; an empty
 * population (or cohort) gives na. */
#ifndef RUBRIC_POPULATION_H
#define RUBRIC_POPULATION_H

#include <stddef.h>

#include "eval.h"
#include "program.h"

typedef struct population population;

/* Empty figures for prog's population values (prog->npops > 0). */
population *population_new(const program *prog);
void population_free(population *pop);
const program *population_program(const population *pop);

/* After eval_steps(prog, f, prog->pass_steps[level - 1], ...) for one
 * account, with f->pop the population: its numbers for the values of that
 * level, kept (population_observe); population_add keeps one number x of
 * value k, in the cohort cohort (NULL: no `by`). */
void population_observe(population *pop, int level, frame *f);
void population_add(population *pop, int k, rb_num x, const rb_value *cohort);

/* Once every account has been observed at level: the figures of that
 * level's values, known from now on. */
void population_settle(population *pop, int level);

/* What scoring reads for an N_POP node n: the figure for an account whose
 * number is x (NULL: not needed, for all but count_below and share_below)
 * and whose cohort is cohort (NULL: no `by`); na when pop is NULL, or the
 * values of n's level are not known yet.  count (when not NULL): how many
 * accounts the figure came from. */
const rb_value *population_lookup(const population *pop, const enode *n, const rb_value *x, const rb_value *cohort,
                                  rb_value *tmp, long *count);

/* One population value as an account sees it: the figure used, how many
 * accounts it came from (the cohort's, or the run's, that have a number)
 * and the account's cohort (na: none, or no `by`). */
typedef struct pop_view {
    const pop_call *call;
    rb_value value;
    long n;
    rb_value cohort;
} pop_view;

/* After eval_account of an account in f: population value k (of
 * f's program, 0 .. npops-1) for that account.  False when f has no
 * population. */
bool population_view(const program *prog, frame *f, int k, pop_view *out);

/* For the compiler, once every step is compiled: each population value's
 * level, program.npasses, and the steps each pass runs. */
void population_plan(program *prog);

#endif
