/* xalloc.c - allocation that cannot fail: out of memory ends the run. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* The one message library code prints outside diag.c: no diag reaches
 * every allocation, the run ends here, and calling into diag (which reads
 * sources, which allocate) would close a circle. */
static void out_of_memory(size_t n)
{
    fprintf(stderr, "rubric: out of memory (asked for %zu bytes)\n", n);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *xstrndup(const char *s, size_t n)
{
    char *out = memcpy(xmalloc(n + 1), s, n);
    out[n] = '\0';
    return out;
}

void *xmalloc_huge(size_t n)
{
    if (n > SIZE_MAX - HUGE_PAGE)
        out_of_memory(n);
    size_t size = n ? (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : HUGE_PAGE;
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, size) != 0)
        out_of_memory(n);
    /* Advice only: a kernel without transparent huge pages says EINVAL,
     * and the buffer works as well in small pages. */
    (void)madvise(p, size, MADV_HUGEPAGE);
    return p;
}
