/* check_text.h - comparisons of text the checker refuses (check_text.c). */
#ifndef RUBRIC_CHECK_TEXT_H
#define RUBRIC_CHECK_TEXT_H

#include "ast.h"
#include "diag.h"
#include "policy.h"

/* The declaration of the input or record field e reads when it is an
 * enumeration, else NULL: a field's choices are kept to as strictly as an
 * input's.  elem: the record of the element a condition looks at. */
const decl *enumeration_of(const expr *e, const record_type *elem);

/* a = "text" where a is an enumeration (the input or record field `in`,
 * NULL for anything else) that does not list the text. */
void check_choice(diag *d, const decl *in, const expr *b);
/* lower(x) = "Text", trim(x) = " text": never equal, whatever the data. */
void check_text_shape(diag *d, const expr *a, const expr *b);

#endif
