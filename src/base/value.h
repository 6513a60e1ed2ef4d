/* value.h - what an expression evaluates to for one account.
 *
 * Values are small and passed by value.  Text points into memory owned
 * elsewhere (the policy's arena, or the reader's buffer for the current
 * record), so a value never owns anything and never needs freeing. */
#ifndef RUBRIC_VALUE_H
#define RUBRIC_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "date.h"
#include "num.h"

typedef enum vkind {
    VK_NA,
    VK_NUM,
    VK_BOOL,
    VK_TEXT,
    VK_DATE,
    VK_DUR,
    VK_BANDED, /* a measure or group: num, band, score */
    VK_LIST,   /* the elements of a list input, or some of them */
    VK_RECORD, /* one element: its fields; len is its position (1-based) */
} vkind;

/* A list's elements, each nfields values in its record's field order.
 * A list read from data holds all of base; one that `where` made is a
 * subset, kept as the positions in base (so that explain can say which
 * were kept).  Memory is owned by whoever made it: the record loader for an
 * input, the frame for a subset, valid until the next account. */
typedef struct rb_list {
    const struct rb_value *base;
    const uint32_t *idx;       /* positions in base, in order; NULL: all */
    uint32_t n;                /* elements in this list */
    uint32_t nfields;
} rb_list;

enum { BAND_NONE = -1 }; /* a banded value no band line caught */
enum { MAX_BANDS = 100 };    /* bands in one scheme: a band index fits int8_t */

typedef struct rb_value {
    uint8_t kind;
    int8_t band;          /* VK_BANDED: index in its scheme, or BAND_NONE */
    bool has_score;       /* VK_BANDED */
    uint32_t len;         /* VK_TEXT */
    union {
        rb_num num;       /* VK_NUM; VK_BANDED: the measure value / group score */
        bool b;
        rb_date date;
        struct { int32_t months, days; } dur;
        const char *text;
        const rb_list *list;
        const struct rb_value *fields; /* VK_RECORD */
    } u;
    rb_num score;         /* VK_BANDED with has_score */
} rb_value;

static inline rb_value value_na(void)
{
    rb_value v = {0};
    return v;
}

static inline rb_value value_num(rb_num n)
{
    rb_value v = {0};
    v.kind = VK_NUM;
    v.u.num = n;
    return v;
}

static inline rb_value value_bool(bool b)
{
    rb_value v = {0};
    v.kind = VK_BOOL;
    v.u.b = b;
    return v;
}

static inline rb_value value_date(rb_date d)
{
    rb_value v = {0};
    v.kind = VK_DATE;
    v.u.date = d;
    return v;
}

static inline rb_value value_text(const char *s, uint32_t len)
{
    rb_value v = {0};
    v.kind = VK_TEXT;
    v.u.text = s;
    v.len = len;
    return v;
}

/* The position (0-based) in the list's base of its element i. */
static inline uint32_t list_position(const rb_list *l, uint32_t i)
{
    return l->idx ? l->idx[i] : i;
}

static inline const rb_value *list_element(const rb_list *l, uint32_t i)
{
    return l->base + (size_t)list_position(l, i) * l->nfields;
}

/* Two values of one type as scoring orders them (comparisons, min, max,
 * max_by): -1, 0, 1, or 2 when the two cannot be ordered. */
int value_compare(const rb_value *a, const rb_value *b);

/* value_compare of two dates: the earlier is smaller. */
static inline int value_compare_dates(const rb_value *a, const rb_value *b)
{
    return (a->u.date > b->u.date) - (a->u.date < b->u.date);
}

/* Texts order by their bytes, a shorter text before a longer one it begins. */
static inline int value_compare_texts(const rb_value *a, const rb_value *b)
{
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->u.text, b->u.text, n);
    if (c == 0)
        c = (a->len > b->len) - (a->len < b->len);
    return (c > 0) - (c < 0);
}

/* value_compare_texts(a, b) == 0, settled by the lengths when they differ
 * (most unequal pairs), then by the bytes. */
static inline bool value_texts_equal(const rb_value *a, const rb_value *b)
{
    return a->len == b->len && memcmp(a->u.text, b->u.text, a->len) == 0;
}

/* value_compare where the kind of both values is known (kind: VK_NUM,
 * which a measure's value is too, VK_DATE or VK_TEXT; VK_NA: not known).
 * When only equality matters (equal_only), text gives 0 or 1, as
 * durations do. */
static inline int value_compare_as(int kind, bool equal_only, const rb_value *a, const rb_value *b)
{
    if (kind == VK_NUM)
        return num_cmp(a->u.num, b->u.num);
    if (kind == VK_DATE)
        return value_compare_dates(a, b);
    if (kind == VK_TEXT)
        return equal_only ? !value_texts_equal(a, b) : value_compare_texts(a, b);
    return value_compare(a, b);
}

#endif
