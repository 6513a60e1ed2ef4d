/* check.h - resolving every name of a parsed policy to its symbol, and
 * checking types, cycles and declarations; called by the loader. */
#ifndef RUBRIC_CHECK_H
#define RUBRIC_CHECK_H

#include <stdbool.h>

#include "diag.h"
#include "policy.h"

/* Fills p's symbol table and order; false after reporting every error. */
bool check_policy(policy *p, diag *d);

#endif
