/* fmt.c - `rubric fmt`'s one entry: a policy file parsed on its own, laid
 * out in the canonical layout (layout.c, with comments.c and the tokens of
 * tokens.c) and handed back only when the self-check (verify.c) finds the
 * result says exactly what the input said. */
#include "fmt_internal.h"

#include <stdlib.h>

fmt_status fmt_source(const source *src, diag *d, char **out, size_t *len, const char **why)
{
    parsed p;
    *out = NULL;
    *len = 0;
    *why = NULL;
    fmt_parse(&p, src, d);
    if (p.errors) {
        arena_free(&p.a);
        return FMT_ERRORS;
    }
    char *text = fmt_layout(src, p.ctx.decls, p.ctx.comments, len);
    arena_free(&p.a);
    if (!text) {
        *why = "the syntax tree does not fit the source";
        return FMT_INTERNAL;
    }
    *why = fmt_verify(src, text, *len, d);
    if (*why) {
        free(text);
        *len = 0;
        return FMT_INTERNAL;
    }
    *out = text;
    return FMT_OK;
}
