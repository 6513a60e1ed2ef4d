#include "num.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

rb_num num_from_double(double d)
{
    /* Integers that doubles hold exactly stay exact. */
    if (d == d && fabs(d) < 9007199254740992.0 && d == floor(d))
        return num_from_int((int64_t)d);
    return num_inexact(d);
}

rb_num num_from_wide(__int128 p, __int128 q)
{
    __int128 a = p < 0 ? -p : p, b = q;
    while (b) {
        __int128 t = a % b;
        a = b;
        b = t;
    }
    if (a > 1) {
        p /= a;
        q /= a;
    }
    if (p <= INT64_MAX && p >= -INT64_MAX && q <= INT64_MAX && q > 0) {
        rb_num n = {.p = (int64_t)p, .q = (int64_t)q};
        return n;
    }
    /* Rounded from 113 bits, not thrice from doubles: nearest but for
     * values within 2^-110 of halfway between two doubles. */
    return num_inexact((double)((__float128)p / (__float128)q));
}

rb_num num_mean(const rb_num *xs, int n)
{
    rb_num sum = xs[0];
    bool exact = sum.q != 0;
    for (int i = 1; i < n && exact; i++) {
        sum = num_add(sum, xs[i]);
        exact = sum.q != 0;
    }
    if (exact) {
        rb_num m = num_div(sum, num_from_int(n));
        if (m.q)
            return m;
    }
    /* Fractions too wide to add in 64 bits: summed in 113 bits and rounded
     * once, where adding doubles would round at every step. */
    __float128 t = 0;
    for (int i = 0; i < n; i++)
        t += xs[i].q ? (__float128)xs[i].p / (__float128)xs[i].q : (__float128)xs[i].d;
    return num_inexact((double)(t / n));
}

rb_num num_from_frac(int64_t p, int64_t q)
{
    int64_t g = gcd64(p, q);
    if (g > 1) {
        p /= g;
        q /= g;
    }
    if (q < 0) {
        p = -p;
        q = -q;
    }
    rb_num n = {.p = p, .q = q};
    return n;
}

static const int64_t pow10_table[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

/* The double nearest a decimal the exact path cannot hold: its digits
 * rewritten as DIGITSeEXP (no decimal point, so no locale can misread it,
 * and the percent sign folded into the exponent rather than divided out
 * afterwards, which would round twice) and read by strtod, which rounds
 * correctly whatever the number of digits. */
static num_status nearest_double(const char *s, const char *end, bool neg, long exp10, bool percent, bool nonzero,
                                 rb_num *out)
{
    char small[128];
    size_t cap = (size_t)(end - s) + 32;
    char *tmp = cap <= sizeof small ? small : malloc(cap);
    if (!tmp)
        return NUM_BAD;
    size_t n = 0;
    long frac = 0;
    bool in_fraction = false;
    if (neg)
        tmp[n++] = '-';
    for (const char *p = s; p < end && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.')
            in_fraction = true;
        else if (*p >= '0' && *p <= '9') {
            tmp[n++] = *p;
            frac += in_fraction;
        }
    }
    /* exp10 is clamped to 100000 and the digits are fewer than 2^31: no overflow. */
    snprintf(tmp + n, cap - n, "e%ld", exp10 - frac - (percent ? 2 : 0));
    double d = strtod(tmp, NULL);
    if (tmp != small)
        free(tmp);
    /* 1e400 is no number a policy can compare: reject it, not infinity;
     * and 1e-400 is not 0. */
    if (isinf(d) || isnan(d))
        return NUM_TOO_LARGE;
    if (d == 0 && nonzero)
        return NUM_TOO_SMALL;
    *out = num_inexact(d);
    return NUM_OK;
}

num_status num_read(const char *s, size_t len, bool allow_percent, rb_num *out)
{
    /* Most cells are small whole numbers: read those in one tight loop. */
    if (len > 0 && len <= 18) {
        int64_t v = 0;
        size_t i = 0;
        while (i < len && (unsigned)(s[i] - '0') < 10)
            v = v * 10 + (s[i++] - '0');
        if (i == len) {
            *out = num_from_int(v);
            return NUM_OK;
        }
    }
    const char *p = s, *end = s + len;
    bool neg = false, percent = false;
    if (allow_percent && len > 0 && end[-1] == '%') {
        percent = true;
        end--;
    }
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    const char *digits = p;
    /* Zeros are held back until a non-zero digit follows, so trailing
     * zeros (7.0000000000000000000, 1500000000000000000000) never use up
     * the 18 digits a fraction can hold: those zeros only move the decimal
     * point. */
    uint64_t mant = 0;
    int frac_digits = 0, sig = 0, held = 0;
    long shift = 0; /* whole-number trailing zeros: value = mant * 10^shift */
    bool overflow = false, any = false, in_fraction = false;
    for (;; p++) {
        if (p < end && *p == '.' && !in_fraction) {
            /* Zeros held at the end of the whole part are its last digits. */
            shift += held;
            held = 0;
            in_fraction = true;
            continue;
        }
        if (p >= end || *p < '0' || *p > '9')
            break;
        any = true;
        if (*p == '0') {
            if (sig)
                held++;
            else if (in_fraction)
                frac_digits++; /* leading zeros of a fraction: 0.05 */
            continue;
        }
        /* Whole-number zeros held before a fraction's digits stay scaled. */
        if (in_fraction && shift) {
            if (sig + shift > 18)
                overflow = true;
            for (; shift > 0 && !overflow; shift--)
                mant *= 10, sig++;
        }
        if (sig + held + 1 > 18) {
            overflow = true;
            break;
        }
        for (; held > 0; held--) {
            mant *= 10;
            sig++;
            frac_digits += in_fraction;
        }
        mant = mant * 10 + (uint64_t)(*p - '0');
        sig++;
        frac_digits += in_fraction;
    }
    if (!in_fraction) {
        shift += held; /* 1500: trailing zeros of a whole number */
        held = 0;
    }
    /* Held zeros after the last non-zero fraction digit are dropped.  The
     * digits past the 18th go to strtod; they may still hold the one
     * decimal point, not a second. */
    if (overflow)
        for (; p < end && ((*p >= '0' && *p <= '9') || (*p == '.' && !in_fraction)); p++)
            in_fraction |= *p == '.';
    if (!any)
        return NUM_BAD;
    const char *digits_end = p;
    long exp10 = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        if (p >= end || *p < '0' || *p > '9')
            return NUM_BAD;
        while (p < end && *p >= '0' && *p <= '9') {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            exp10 = -exp10;
    }
    if (p != end)
        return NUM_BAD;

    long scale = frac_digits - exp10 - shift + (percent ? 2 : 0); /* value = mant / 10^scale */
    if (!overflow && scale >= -18 && scale <= 18) {
        int64_t m = neg ? -(int64_t)mant : (int64_t)mant;
        if (scale >= 0) {
            rb_num n = {.p = m, .q = pow10_table[scale]};
            *out = n;
            return NUM_OK;
        }
        __int128 big = (__int128)m * pow10_table[-scale];
        if (big <= INT64_MAX && big >= -INT64_MAX) {
            *out = num_from_int((int64_t)big);
            return NUM_OK;
        }
    }
    /* Too many digits or too large for a fraction: the nearest double. */
    return nearest_double(digits, digits_end, neg, exp10, percent, overflow || mant != 0, out);
}

bool num_parse(const char *s, size_t len, bool allow_percent, rb_num *out)
{
    return num_read(s, len, allow_percent, out) == NUM_OK;
}

/* Bits in the magnitude of v. */
static int bit_length(unsigned __int128 v)
{
    int n = 0;
    for (; v >> 64; v >>= 64)
        n += 64;
    return n + (v ? 64 - __builtin_clzll((uint64_t)v) : 0);
}

int num_cmp_inexact(rb_num a, rb_num b)
{
    double x = num_to_double(a), y = num_to_double(b);
    if (x != x || y != y)
        return 2;
    return (x > y) - (x < y);
}

double num_frac_to_double(int64_t p, int64_t q)
{
    /* p/q in doubles rounds p, then q, then the quotient: three roundings
     * and not always the nearest double.  Instead take the quotient to 55
     * or more bits in integers, then round once, to nearest, ties to even. */
    bool neg = p < 0;
    unsigned __int128 a = neg ? -(unsigned __int128)p : (unsigned __int128)p, b = (unsigned __int128)q;
    if (a == 0)
        return 0.0;
    int s = 55 + bit_length(b) - bit_length(a); /* a * 2^s / b >= 2^54 */
    if (s >= 0)
        a <<= s;
    else
        b <<= -s;
    unsigned __int128 quo = a / b;
    bool sticky = a % b != 0;
    int extra = bit_length(quo) - 53; /* 2 or 3 bits below the 53 kept */
    uint64_t kept = (uint64_t)(quo >> extra);
    unsigned __int128 below = quo & (((unsigned __int128)1 << extra) - 1), half = (unsigned __int128)1 << (extra - 1);
    if (below > half || (below == half && (sticky || (kept & 1))))
        kept++;
    double d = ldexp((double)kept, extra - s);
    return neg ? -d : d;
}

static int format_int(int64_t v, char *buf)
{
    /* The digits counted first, then written from the last one back in
     * place: no copy out of a scratch buffer. */
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    int len = v < 0, digits = 1;
    for (uint64_t t = u; t >= 10; t /= 10)
        digits++;
    len += digits;
    buf[len] = '\0';
    char *p = buf + len;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[0] = '-';
    return len;
}

/* num_format of anything but a count: out of line, so that a count's
 * call saves none of the registers this needs. */
__attribute__((noinline)) static int format_other(rb_num a, char *buf)
{
    int64_t iv;
    if (num_is_integer(a, &iv))
        return format_int(iv, buf);
    double d = num_to_double(a);
    if (d != d)
        return snprintf(buf, 32, "nan");
    if (isinf(d))
        return snprintf(buf, 32, d > 0 ? "inf" : "-inf");
    if (d == floor(d) && fabs(d) < 1e15)
        return snprintf(buf, 32, "%.0f", d);
    /* 15 digits is the shortest text of nearly every double (%g drops the
     * zeros after it); a subnormal has fewer bits than its 15 digits
     * claim, so shorter texts read back too (1e-310, not
     * 9.99999999999997e-311) and are tried from one digit up. */
    for (int prec = fabs(d) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        int n = snprintf(buf, 32, "%.*g", prec, d);
        if (prec == 17 || strtod(buf, NULL) == d)
            return n;
    }
    return 0;
}

int num_format(rb_num a, char *buf)
{
    if (a.q == 1) /* a count: no division to find it whole */
        return format_int(a.p, buf);
    return format_other(a, buf);
}

/* round(), floor() and ceil() to a number of decimal digits. */
rb_num num_round(rb_num x, int digits, int mode)
{
    if (digits > 15)
        digits = 15;
    if (digits < -15)
        digits = -15;
    if (x.q) {
        /* Exact: scale, round the fraction, scale back. */
        rb_num scale = digits >= 0 ? num_from_frac((int64_t)pow(10, digits), 1)
                                   : num_from_frac(1, (int64_t)pow(10, -digits));
        rb_num s = num_mul(x, scale);
        if (s.q) {
            int64_t fl = s.p / s.q;
            if (s.p % s.q != 0 && s.p < 0)
                fl--; /* floor toward minus infinity */
            int64_t r = fl;
            if (mode > 0 && (__int128)fl * s.q != s.p)
                r = fl + 1;
            if (mode == 0) {
                /* half away from zero, decided exactly: 2*(s - fl) vs 1 */
                __int128 twice = 2 * ((__int128)s.p - (__int128)fl * s.q);
                if (twice > s.q || (twice == s.q && s.p > 0))
                    r = fl + 1;
            }
            return num_div(num_from_int(r), scale);
        }
    }
    double m = pow(10, digits), v = num_to_double(x) * m;
    v = mode < 0 ? floor(v) : mode > 0 ? ceil(v) : round(v);
    return num_from_double(v / m);
}
