/* population_eval.c - population values read from an account's frame:
 * the numbers a pass keeps, and what explain shows (population.h). */
#include "population.h"

#include <string.h>

#include "builtins.h"

void population_observe(population *pop, int level, frame *f)
{
    const program *p = population_program(pop);
    for (int k = 0; k < p->npops; k++) {
        const pop_call *pc = &p->pops[k];
        if (pc->level != level)
            continue;
        rb_value x = eval_node(pc->node->a, f);
        if (x.kind == VK_NA)
            continue;
        if (pc->node->c) {
            rb_value cohort = eval_node(pc->node->c, f);
            if (cohort.kind != VK_NA)
                population_add(pop, k, x.u.num, &cohort);
        } else {
            population_add(pop, k, x.u.num, NULL);
        }
    }
}

bool population_view(const program *prog, frame *f, int k, pop_view *out)
{
    memset(out, 0, sizeof *out);
    const pop_call *pc = &prog->pops[k];
    out->call = pc;
    out->value = value_na();
    out->cohort = value_na();
    if (!f->pop)
        return false;
    rb_value x = value_na(), tmp;
    if (pc->fn == BI_COUNT_BELOW || pc->fn == BI_SHARE_BELOW)
        x = eval_node(pc->node->a, f);
    if (pc->node->c)
        out->cohort = eval_node(pc->node->c, f);
    out->value = *population_lookup(f->pop, pc->node, &x, pc->node->c ? &out->cohort : NULL, &tmp, &out->n);
    return true;
}
