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
/* "record 'r' has no field 'name'", with a did-you-mean among its fields. */
void unknown_field(diag *d, rb_loc loc, const record_type *r, const char *name);
/* A bare name that is nothing: elem is the record of the element a
 * condition looks at (NULL outside one), whose fields are suggested first;
 * a field of another record is said to be one. */
void unknown_bare_name(const policy *p, diag *d, rb_loc loc, const char *name, const record_type *elem);
/* number, text, date or bool as an input or field x declares it (what:
 * "input", "field"); TY_ERROR once said why. */
rb_type value_type_named(const policy *p, diag *d, const decl *x, const char *what);
/* Choices of an enumeration that data could not tell apart. */
void check_choices(diag *d, const decl *x);

/* A test's `given LIST from "FILE"` lines: list inputs, with the fixture
 * account they belong to. */
/* `given population from "FILE"` in a test (where no list input is called
 * population): the accounts its population values are computed over. */
bool test_population_line(const policy *p, const name_ref *g);
void check_test_tables(const policy *p, diag *d, decl *t);

/* An action's priority and reason lines; the names its reason quotes. */
void check_action(const policy *p, diag *d, const decl *a);
/* Calls fn for each {name} of a reason text (at: its offset in text);
 * false, with the offset of the bad brace in *bad, for a brace that opens
 * no {name}.  The one reader of reason texts: the checker and the writer
 * of actions. */
bool reason_holes(const char *text, void (*fn)(void *ctx, const char *name, size_t len, size_t at), void *ctx,
                  size_t *bad);

/* "'x' is not a band of scheme 's' (did you mean ...)" unless it is one;
 * nothing when s is NULL (already reported). */
void check_band_name(diag *d, const scheme *s, const char *band, rb_loc loc);
/* A test's `given prev(x) = VALUE`: x an output prev() reads, a banded
 * one given by its band's name. vt: the value's type. */
void check_given_prev(diag *d, name_ref *g, symbol *s, rb_type vt);

#endif
