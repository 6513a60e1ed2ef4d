/* xalloc.h - allocation that cannot return NULL.
 *
 * rubric's inputs are bounded by policy size and by one record at a time, so
 * running out of memory is not a condition the user can recover from; we
 * report it and exit with status 2 rather than thread NULL checks through
 * every builder. */
#ifndef RUBRIC_XALLOC_H
#define RUBRIC_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A huge page of x86-64 (and of arm64 with 4 KiB pages). */
enum { HUGE_PAGE = 2 << 20 };
/* n bytes at a HUGE_PAGE boundary, in whole huge pages, which the kernel
 * is asked to back with huge pages (madvise MADV_HUGEPAGE, for
 * transparent huge pages in their "madvise" mode): a large buffer that
 * lives long and is written whole then costs a page fault per 2 MiB
 * instead of one per 4 KiB.  Where huge pages are off it is plain
 * memory.  Freed with free(). */
void *xmalloc_huge(size_t n);

#endif
