/* rpc.c - reading and writing LSP's framed messages.  Nothing a client
 * sends makes this crash or wait forever on input that is not coming: a
 * header is read a line at a time with a bound, a body by its length. */
#include "rpc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "xalloc.h"

/* One header line without its line end; false at the end of input.  A
 * line longer than the bound is cut (and will not parse as a length). */
static bool read_line(FILE *in, char *line, size_t cap, bool *any)
{
    size_t n = 0;
    int c;
    while ((c = getc(in)) != EOF) {
        *any = true;
        if (c == '\n')
            break;
        if (n + 1 < cap)
            line[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return false;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    return c != EOF;
}

/* The value of "Content-Length: N", or -1 when the line is not a valid one
 * (-2 when it is, but N is too large). */
static long long content_length(const char *line)
{
    static const char name[] = "content-length:";
    if (strncasecmp(line, name, sizeof name - 1) != 0)
        return -1;
    const char *p = line + sizeof name - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    long long n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (*p - '0');
        if (n > RPC_MAX_BODY)
            return -2;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? -1 : n;
}

/* Where "Content-Length" starts in a line, whatever its case, or NULL. */
static const char *find_length(const char *line)
{
    for (const char *p = line; *p; p++)
        if (strncasecmp(p, "content-length", 14) == 0)
            return p;
    return NULL;
}

rpc_status rpc_read(FILE *in, char **body, size_t *len)
{
    char line[RPC_MAX_HEADER_LINE];
    long long length = -1;
    bool too_big = false, any = false, header = false;
    *body = NULL;
    for (;;) {
        if (!read_line(in, line, sizeof line, &any))
            return RPC_EOF;
        if (line[0] == '\0') {
            if (header)
                break;
            continue; /* blank lines between messages */
        }
        const char *at = find_length(line);
        /* After a message that could not be framed, its body runs into the
         * next header: read on from the length glued to its end. */
        if (at && at != line)
            length = -1, too_big = false;
        header = true;
        if (at) {
            long long n = content_length(at);
            if (n == -2)
                too_big = true;
            else
                length = n;
        }
    }
    if (too_big)
        return RPC_TOO_BIG;
    if (length < 0)
        return RPC_BAD_HEADER;
    char *buf = xmalloc((size_t)length + 1);
    size_t got = fread(buf, 1, (size_t)length, in);
    if (got < (size_t)length) {
        free(buf);
        return RPC_EOF;
    }
    buf[length] = '\0';
    *body = buf;
    *len = (size_t)length;
    return RPC_OK;
}

bool rpc_write(FILE *out, const cJSON *msg)
{
    char *text = cJSON_PrintUnformatted(msg);
    if (!text)
        return false;
    /* JSON-RPC is UTF-8; a policy read from disk (an import saved as
     * Latin-1) need not be, and its bytes reach hover and the outline. */
    size_t n = utf8_lossy_length(text);
    bool ok = fprintf(out, "Content-Length: %zu\r\n\r\n", n) > 0;
    if (ok) {
        utf8_fputs_lossy(text, out);
        ok = !ferror(out) && fflush(out) == 0;
    }
    cJSON_free(text);
    return ok;
}
