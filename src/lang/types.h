/* types.h - the type rules of the operators, in one place (types.c). */
#ifndef RUBRIC_TYPES_H
#define RUBRIC_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

/* Types that act as numbers: a number, a measure or group (its value),
 * and the unknowns na and error. */
bool type_numeric(rb_type t);

/* What `l op r` gives; TY_ERROR with the message in buf when the operator
 * does not take those types (neither being TY_ERROR). */
rb_type binary_type(rb_op op, rb_type l, rb_type r, char *buf, size_t cap);

#endif
