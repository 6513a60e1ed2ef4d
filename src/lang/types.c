/* types.c - which types each operator takes and what it gives.  The
 * checker types the operands; this decides what they make together. */
#include <stdio.h>

#include "types.h"

bool type_numeric(rb_type t) { return t == TY_NUMBER || t == TY_BANDED || t == TY_NA || t == TY_ERROR; }

static rb_type refuse(rb_op op, rb_type l, rb_type r, char *buf, size_t cap)
{
    const char *hint = "";
    if (l == TY_LIST || r == TY_LIST)
        hint = " (count(), sum(), any() and the other list functions turn a list into a value)";
    else if (l == TY_RECORD || r == TY_RECORD)
        hint = " (take one of its fields: chosen.field)";
    if ((op == OP_AND || op == OP_OR) && !*hint)
        snprintf(buf, cap, "'%s' joins conditions (bool), not a %s and a %s", op_text(op), type_name(l), type_name(r));
    else
        snprintf(buf, cap, "cannot use '%s' on a %s and a %s%s", op_text(op), type_name(l), type_name(r), hint);
    return TY_ERROR;
}

rb_type binary_type(rb_op op, rb_type l, rb_type r, char *buf, size_t cap)
{
    if (l == TY_LIST || r == TY_LIST || l == TY_RECORD || r == TY_RECORD)
        return refuse(op, l, r, buf, cap);
    bool num = type_numeric(l) && type_numeric(r);
    switch (op) {
    case OP_ADD:
    case OP_SUB:
        if (num)
            return TY_NUMBER;
        if (l == TY_DATE && (r == TY_DURATION || r == TY_NA))
            return TY_DATE;
        if (op == OP_ADD && l == TY_DURATION && r == TY_DATE)
            return TY_DATE;
        if (op == OP_SUB && l == TY_DATE && r == TY_DATE)
            return TY_NUMBER; /* days between */
        if (l == TY_NA && (r == TY_DATE || r == TY_DURATION))
            return r;
        break;
    case OP_MUL:
    case OP_DIV:
        if (num)
            return TY_NUMBER;
        break;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
        if (num || l == TY_NA || r == TY_NA || l == r) {
            if ((l == TY_BOOL || l == TY_DURATION) && op != OP_EQ && op != OP_NE)
                break;
            return TY_BOOL;
        }
        break;
    case OP_AND:
    case OP_OR:
        if ((l == TY_BOOL || l == TY_NA) && (r == TY_BOOL || r == TY_NA))
            return TY_BOOL;
        break;
    case OP_DEFAULT:
        if (l == TY_NA)
            return r;
        if (r == TY_NA || l == r || num)
            return l == TY_BANDED ? TY_NUMBER : l;
        break;
    default:
        break;
    }
    return refuse(op, l, r, buf, cap);
}
