/* program.c - what a compiled program answers about itself. */
#include "program.h"

#include <stdlib.h>

void program_free(program *prog)
{
    if (!prog)
        return;
    arena_free(&prog->arena);
    free(prog->pops);
    free(prog);
}

const step *program_step(const program *prog, const symbol *s)
{
    for (int i = 0; i < prog->nsteps; i++)
        if (prog->steps[i].sym == s)
            return &prog->steps[i];
    return NULL;
}

/* A measure's score is one of its band scores: whole numbers this small
 * add up in an int64 whatever the number of members. */
static bool whole_scores(const step *m)
{
    if (m->kind != STEP_MEASURE || m->ngrades)
        return false;
    for (int i = 0; i < m->scheme->nbands; i++)
        if (m->band_scores[i].q != 1 || m->band_scores[i].p > (1LL << 32) || m->band_scores[i].p < -(1LL << 32))
            return false;
    return true;
}

/* A value read where it lives, without evaluating anything. */
static bool leaf(const enode *n) { return n->op == N_SLOT || n->op == N_CONST; }

static step_shape shape_of(program *prog, step *s)
{
    if (s->ngrades)
        return SHAPE_GENERAL;
    /* A ratio written twice is shared (memo >= 0): each step divides
     * again, cheaper than the memo; anything else that reads it still
     * finds it by ev(), which fills the memo when it is first asked. */
    const enode *e = s->value;
    if (s->kind == STEP_MEASURE && s->all_fixed && e->op == N_DIV && e->a->op == N_SLOT && e->b->op == N_SLOT) {
        s->operand_slots[0] = e->a->slot;
        s->operand_slots[1] = e->b->slot;
        return SHAPE_RATIO;
    }
    if (s->kind == STEP_VALUE && e->op == N_COUNT) {
        for (int i = 0; i < e->nargs; i++)
            if (e->args[i]->op != N_SLOT)
                return SHAPE_GENERAL;
        s->count_slots = arena_alloc(&prog->arena, (size_t)(e->nargs ? e->nargs : 1) * sizeof *s->count_slots);
        for (int i = 0; i < e->nargs; i++)
            s->count_slots[i] = e->args[i]->slot;
        return SHAPE_COUNT;
    }
    if (s->kind == STEP_VALUE && e->op >= N_LT && e->op <= N_NE && leaf(e->a) && leaf(e->b)) {
        s->operand_slots[0] = e->a->op == N_SLOT ? e->a->slot : -1;
        s->operand_slots[1] = e->b->op == N_SLOT ? e->b->slot : -1;
        return SHAPE_COMPARE;
    }
    if (s->kind != STEP_GROUP)
        return SHAPE_GENERAL;
    for (int i = 0; i < s->nmembers; i++) {
        const step *m = NULL;
        for (int k = 0; k < prog->nsteps && !m; k++)
            if (prog->steps[k].slot == s->member_slots[i])
                m = &prog->steps[k];
        if (s->weights[i] || !m || !whole_scores(m))
            return SHAPE_GENERAL;
    }
    return SHAPE_TALLY;
}

/* s's conditions as slots to read, when they all are one. */
static void slot_guards(program *prog, step *s)
{
    s->nguards = s->n_applies + s->n_na_when;
    s->guard = arena_alloc(&prog->arena, (size_t)(s->nguards ? s->nguards : 1) * sizeof *s->guard);
    s->slot_guards = true;
    for (int i = 0; i < s->nguards; i++) {
        bool na = i >= s->n_applies;
        const enode *c = na ? s->na_when[i - s->n_applies] : s->applies[i];
        s->slot_guards &= c->op == N_SLOT;
        s->guard[i] = c->op == N_SLOT ? c->slot * 2 + na : -1;
    }
}

void program_shape(program *prog)
{
    for (int i = 0; i < prog->nsteps; i++) {
        step *s = &prog->steps[i];
        s->shape = shape_of(prog, s);
        slot_guards(prog, s);
        s->small_edges = s->all_fixed;
        for (int t = 0, k = 0; s->all_fixed && t < s->ntests; t++)
            for (int e = 0; e < (s->tests[t].nedges ? s->tests[t].nedges : 1); e++, k++)
                s->small_edges &= num_small(s->edges[k].limit);
    }
}
