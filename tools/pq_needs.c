/* pq_needs.c - a program linked with the libpq functions rubric loads at
 * run time (src/data/pq_api.h), never run: `make deb` hands it to
 * dpkg-shlibdeps beside rubric, which finds no libpq in rubric's own
 * links, so that the package depends on libpq5 at the version those
 * functions need. */
#include <stdio.h>

#include "pq_api.h"

#define PQ_ADDRESS(name) (void (*)(void))PQ##name,
static void (*const used[])(void) = {PQ_FUNCTIONS(PQ_ADDRESS)};

int main(void)
{
    /* Printed, so no linker drops a reference. */
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
        printf("%p\n", (void *)used[i]);
    return 0;
}
