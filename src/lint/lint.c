/* lint.c - warnings about policies that check but probably do not say what
 * their author meant: the entry point, which runs every analysis and then
 * shows what it found.
 *
 * Everything in this layer reads the checked syntax tree; nothing is
 * compiled or evaluated per account.  lint_internal.h lists the files and
 * what each analysis judges; docs/lints.md describes every lint with its
 * message. */
#include "lint.h"

#include <stdlib.h>

#include "lint_internal.h"
#include "xalloc.h"

static int scheme_index(const policy *p, const scheme *s)
{
    for (int i = 0; i < p->nschemes; i++)
        if (p->schemes[i] == s)
            return i;
    return -1;
}

static const symbol *symbol_of(const policy *p, const decl *d)
{
    const symbol *s = d->name ? policy_lookup(p, d->name) : NULL;
    return s && s->decl == d ? s : NULL;
}

int lint_policy(const policy *p, diag *d)
{
    return lint_policy_only(p, d, NULL, 0);
}

int lint_policy_only(const policy *p, diag *d, const char *const *names, int nnames)
{
    linter L = {p, NULL, 0, 0, NULL, 0};
    span_memo sm = {p, xcalloc((size_t)p->norder + 1, sizeof(span)), xcalloc((size_t)p->norder + 1, 1)};
    scheme_use *use = xcalloc((size_t)p->nschemes + 1, sizeof *use);
    for (int i = 0; i < p->nschemes; i++) {
        use[i].given = xcalloc((size_t)p->schemes[i]->nbands + 1, sizeof *use[i].given);
    }
    for (const decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_MEASURE && x->kind != D_GROUP)
            continue;
        const symbol *s = symbol_of(p, x);
        if (!s)
            continue;
        int si = s->scheme ? scheme_index(p, s->scheme) : -1;
        if (x->kind == D_MEASURE && x->bands) {
            if (si >= 0) {
                use[si].measures++;
                lint_measure(&L, x, s, use[si].given);
            }
            continue;
        }
        /* A group, or a graded measure whose band comes from its score:
         * either uses its scheme's score ranges. */
        if (si >= 0) {
            use[si].groups++;
            span sp = score_span(&sm, s);
            if (sp.known)
                span_join(&use[si].domain, &sp);
            else
                use[si].domain_unknown = true;
            /* Only a mean of members that are all yellow scores what
             * yellow scores; a sum of them scores more. */
            for (const name_ref *m = x->members; m && x->agg == AGG_MEAN; m = m->next)
                if (m->sym && m->sym->scheme == s->scheme)
                    use[si].same_members = true;
        }
        if (x->kind != D_MEASURE)
            lint_group(&L, x);
    }
    for (int i = 0; i < p->nschemes; i++)
        lint_scheme(&L, p->schemes[i], &use[i]);
    lint_unused(&L);
    L.only = names;
    L.nonly = nnames;
    free(sm.memo);
    free(sm.state);
    for (int i = 0; i < p->nschemes; i++)
        free(use[i].given);
    free(use);
    return lint_flush(&L, d);
}
