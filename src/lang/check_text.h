/* check_text.h - comparisons of text the checker refuses (check_text.c). */
#ifndef RUBRIC_CHECK_TEXT_H
#define RUBRIC_CHECK_TEXT_H

#include "ast.h"
#include "diag.h"

/* a = "text" where a is an enumeration input that does not list the text. */
void check_choice(diag *d, const expr *a, const expr *b);
/* lower(x) = "Text", trim(x) = " text": never equal, whatever the data. */
void check_text_shape(diag *d, const expr *a, const expr *b);

#endif
