/* num.h - numbers that stay exact where the policy needs them to.
 *
 * A threshold like `< 5%` must put 0.35/7 and 15/300 exactly on the edge,
 * which binary doubles get wrong.  A number is the exact fraction p/q
 * (q > 0) while it is a small rational, else a double (q == 0) kept in
 * the numerator's place: 16 bytes either way.
 * Arithmetic keeps the fraction while it fits in 64 bits; comparison
 * cross-multiplies fractions in 128 bits, and falls back to doubles only
 * when a side is not a fraction (1e300, results of overflow), where doubles
 * are fine.
 *
 * The hot operations are inline: scoring an account is a few dozen of
 * them, and a call per operation cost more than the arithmetic. */
#ifndef RUBRIC_NUM_H
#define RUBRIC_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rb_num {
    union {
        int64_t p; /* the numerator, when q > 0 */
        double d;  /* the value, when q == 0 */
    };
    int64_t q;
} rb_num;

rb_num num_from_double(double d);
/* p/q with q != 0, reduced. */
rb_num num_from_frac(int64_t p, int64_t q);

/* Parses a decimal like -12, 0.35, 1e3, 25% (the percent sign only when
 * allow_percent).  Spaces are not accepted.  The exact fraction while its
 * digits fit (18 significant digits, scale within 10^18), else the double
 * nearest the text as written.  False when not a number, or when it is
 * beyond what a double holds (1e400) or below its smallest positive value
 * (1e-400): neither is a number a policy can compare. */
bool num_parse(const char *s, size_t len, bool allow_percent, rb_num *out);

typedef enum num_status { NUM_OK, NUM_BAD, NUM_TOO_LARGE, NUM_TOO_SMALL } num_status;
/* num_parse, saying why it failed. */
num_status num_read(const char *s, size_t len, bool allow_percent, rb_num *out);

/* The double nearest p/q (q > 0), rounded once. */
double num_frac_to_double(int64_t p, int64_t q);

/* Shortest text that reads back as the same double; integers without a
 * decimal point.  Returns the length written (buf of at least 32 bytes). */
int num_format(rb_num a, char *buf);

/* The mean of xs[0..n) (n > 0): exact while the sum is a fraction, else
 * the double nearest it, rounded once. */
rb_num num_mean(const rb_num *xs, int n);

/* A fraction too wide for 64 bits, reduced if that makes it fit, else the
 * double of it. */
rb_num num_from_wide(__int128 p, __int128 q);

static inline rb_num num_from_int(int64_t v)
{
    rb_num n = {.p = v, .q = 1};
    return n;
}

/* Stores field by field: a number arriving in two registers and copied
 * whole goes through the stack as one 16-byte load after two 8-byte
 * stores, which stalls (store forwarding fails) on every measure. */
static inline void num_store(rb_num *dst, rb_num v)
{
    dst->p = v.p;
    dst->q = v.q;
}

static inline double num_to_double(rb_num a)
{
    /* Both sides exact in a double, so one rounding, the nearest; wider
     * fractions (17-digit decimals) need num_frac_to_double for that. */
    if (a.q && a.q <= (1LL << 53) && a.p <= (1LL << 53) && a.p >= -(1LL << 53))
        return (double)a.p / (double)a.q;
    return a.q ? num_frac_to_double(a.p, a.q) : a.d;
}

static inline rb_num num_inexact(double d)
{
    rb_num n = {.d = d, .q = 0};
    return n;
}

static inline rb_num num_exact(__int128 p, __int128 q)
{
    if (q < 0) {
        p = -p;
        q = -q;
    }
    if (p <= INT64_MAX && p >= -INT64_MAX && q <= INT64_MAX) {
        rb_num n = {.p = (int64_t)p, .q = (int64_t)q};
        return n;
    }
    return num_from_wide(p, q);
}

static inline rb_num num_add(rb_num a, rb_num b)
{
    if (a.q && b.q) {
        if (a.q == b.q) {
            int64_t s;
            /* INT64_MIN has no negation: leave it to the wide path. */
            if (!__builtin_add_overflow(a.p, b.p, &s) && s != INT64_MIN) {
                rb_num n = {.p = s, .q = a.q};
                return n;
            }
        }
        return num_exact((__int128)a.p * b.q + (__int128)b.p * a.q, (__int128)a.q * b.q);
    }
    return num_inexact(num_to_double(a) + num_to_double(b));
}

static inline rb_num num_neg(rb_num a)
{
    if (a.q)
        a.p = -a.p;
    else
        a.d = -a.d;
    return a;
}

static inline rb_num num_sub(rb_num a, rb_num b) { return num_add(a, num_neg(b)); }

static inline rb_num num_mul(rb_num a, rb_num b)
{
    if (a.q && b.q)
        return num_exact((__int128)a.p * b.p, (__int128)a.q * b.q);
    return num_inexact(num_to_double(a) * num_to_double(b));
}

/* Callers check for a zero divisor: a ratio over 0 is na, not infinity. */
static inline rb_num num_div(rb_num a, rb_num b)
{
    if (a.q && b.q && b.p != 0)
        return num_exact((__int128)a.p * b.q, (__int128)a.q * b.p);
    return num_inexact(num_to_double(a) / num_to_double(b));
}

/* -1, 0, 1; 2 when a NaN makes the two unordered. */
static inline int num_cmp(rb_num a, rb_num b)
{
    if (a.q && b.q) {
        /* Both products are below 2^126 in size, so their difference fits. */
        __int128 d = (__int128)a.p * b.q - (__int128)b.p * a.q;
        int64_t hi = (int64_t)(d >> 64);
        return hi < 0 ? -1 : (hi | (int64_t)(uint64_t)d) != 0;
    }
    double x = num_to_double(a), y = num_to_double(b);
    if (x != x || y != y)
        return 2;
    return (x > y) - (x < y);
}

static inline bool num_is_zero(rb_num a) { return a.q ? a.p == 0 : a.d == 0.0; }

static inline bool num_is_integer(rb_num a, int64_t *v)
{
    if (a.q && a.p % a.q == 0) {
        *v = a.p / a.q;
        return true;
    }
    return false;
}

#endif
