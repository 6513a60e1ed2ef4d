/* declare.h - names before types: what check.c builds on (declare.c). */
#ifndef RUBRIC_DECLARE_H
#define RUBRIC_DECLARE_H

#include "policy.h"

/* Every declaration becomes a symbol (inputs, parameters and outputs
 * listed in the policy in the order declared), a scheme or a record type
 * with typed fields; a name declared twice is an error on d.  *id_loc:
 * where the account id was set.  Returns the built-in as_of. */
symbol *declare_names(policy *p, diag *d, rb_loc *id_loc);

/* "an input", "a measure": the kind with its article; "input" without. */
const char *a_kind(sym_kind k);
const char *kind_word(sym_kind k);
/* "unknown WHAT 'name'", with the closest of cands (of every symbol when
 * cands is NULL) as a did-you-mean. */
void unknown_name(const policy *p, diag *d, rb_loc loc, const char *what, const char *name, const char *const *cands,
                  int n);
/* number, text, date or bool as an input or field x declares it (what:
 * "input", "field"); TY_ERROR once said why. */
rb_type value_type_named(const policy *p, diag *d, const decl *x, const char *what);
/* Choices of an enumeration that data could not tell apart. */
void check_choices(diag *d, const decl *x);

#endif
