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
