/* inbuf.c - the input buffer the CSV and JSON readers share: refilled a
 * chunk at a time, grown to hold the longest record up to a bound. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "reader_internal.h"
#include "xalloc.h"

enum { MAX_RECORD = 64 << 20 };

long inbuf_fill(reader *r)
{
    if (r->eof)
        return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->consumed += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->len < READ_CHUNK / 2) {
        if (r->cap >= MAX_RECORD) {
            errno = EFBIG;
            return -1;
        }
        r->cap *= 2;
        r->buf = xrealloc(r->buf, r->cap + READ_SLACK);
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            r->eof = true;
        /* One memchr per chunk spares the CSV reader a look for NUL bytes
         * in every record of the files (nearly all) that have none. */
        if (!r->nul_seen && n > 0 && memchr(r->buf + r->len, 0, (size_t)n))
            r->nul_seen = true;
        r->len += (size_t)n;
        memset(r->buf + r->len, 0, READ_SLACK);
        return (long)n;
    }
}
