/* value.c - what every layer may ask of two values (value.h). */
#include "value.h"

int value_compare(const rb_value *a, const rb_value *b)
{
    switch (a->kind) {
    case VK_NUM:
    case VK_BANDED:
        return num_cmp(a->u.num, b->u.num);
    case VK_TEXT:
        return value_compare_texts(a, b);
    case VK_DATE:
        return value_compare_dates(a, b);
    case VK_BOOL:
        return (a->u.b > b->u.b) - (a->u.b < b->u.b);
    case VK_DUR:
        /* Durations are equal or not; the checker allows no ordering. */
        return a->u.dur.months == b->u.dur.months && a->u.dur.days == b->u.dur.days ? 0 : 1;
    default:
        return 2;
    }
}
