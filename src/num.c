#include "num.h"

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

/* Exact doubles: both operands below 2^53 make p/q correctly rounded. */
static double frac_to_double(int64_t p, int64_t q)
{
    return (double)p / (double)q;
}

rb_num num_from_int(int64_t v)
{
    rb_num n = {(double)v, v, 1};
    return n;
}

rb_num num_from_double(double d)
{
    rb_num n = {d, 0, 0};
    /* Integers that doubles hold exactly keep their exactness. */
    if (d == d && fabs(d) < 9007199254740992.0 && d == floor(d)) {
        n.p = (int64_t)d;
        n.q = 1;
    }
    return n;
}

/* Builds p/q from 128-bit parts, reducing when needed; exactness is lost
 * only when even the reduced fraction does not fit. */
static rb_num from_wide(__int128 p, __int128 q, double d)
{
    rb_num n = {d, 0, 0};
    if (q < 0) {
        p = -p;
        q = -q;
    }
    if (p > INT64_MAX || p < -INT64_MAX || q > INT64_MAX) {
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
        if (p > INT64_MAX || p < -INT64_MAX || q > INT64_MAX)
            return n;
    }
    n.p = (int64_t)p;
    n.q = (int64_t)q;
    return n;
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
    rb_num n = {frac_to_double(p, q), p, q};
    return n;
}

static const int64_t pow10_table[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

static const double pow10_double[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool num_parse(const char *s, size_t len, bool allow_percent, rb_num *out)
{
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
    uint64_t mant = 0;
    int digits = 0, frac_digits = 0, sig = 0;
    bool overflow = false, any = false;
    while (p < end && *p >= '0' && *p <= '9') {
        any = true;
        if (sig || *p != '0')
            sig++;
        if (sig > 18)
            overflow = true;
        else
            mant = mant * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            any = true;
            if (sig || *p != '0')
                sig++;
            if (sig > 18)
                overflow = true;
            else {
                mant = mant * 10 + (uint64_t)(*p - '0');
                frac_digits++;
            }
            p++;
        }
    }
    if (!any)
        return false;
    long exp10 = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        if (p >= end || *p < '0' || *p > '9')
            return false;
        while (p < end && *p >= '0' && *p <= '9') {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            exp10 = -exp10;
    }
    if (p != end)
        return false;
    (void)digits;

    long scale = frac_digits - exp10 + (percent ? 2 : 0); /* value = mant / 10^scale */
    if (!overflow && scale >= -18 && scale <= 18) {
        int64_t m = (int64_t)mant;
        if (neg)
            m = -m;
        if (scale >= 0) {
            rb_num n;
            n.p = m;
            n.q = pow10_table[scale];
            /* Exactly representable operands give a correctly rounded quotient. */
            if (mant < (1ULL << 53) && scale <= 22)
                n.d = (double)m / pow10_double[scale];
            else
                n.d = strtod(s, NULL) / (percent ? 100.0 : 1.0);
            int64_t g = gcd64(n.p, n.q);
            if (g > 1) {
                n.p /= g;
                n.q /= g;
            }
            *out = n;
            return true;
        }
        __int128 big = (__int128)m * pow10_table[-scale];
        if (big <= INT64_MAX && big >= -INT64_MAX) {
            *out = num_from_int((int64_t)big);
            return true;
        }
    }
    /* Too many digits or too large for a fraction: the double alone. */
    char tmp[512];
    size_t n = (size_t)(end - s);
    if (n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double d = strtod(tmp, NULL);
    if (percent)
        d /= 100.0;
    out->d = d;
    out->p = 0;
    out->q = 0;
    return true;
}

rb_num num_add(rb_num a, rb_num b)
{
    double d = a.d + b.d;
    if (a.q && b.q) {
        if (a.q == b.q) {
            int64_t s;
            if (!__builtin_add_overflow(a.p, b.p, &s)) {
                rb_num n = {0, s, a.q};
                n.d = a.q == 1 ? (double)s : d;
                if (a.q != 1 && llabs(s) < (1LL << 53) && a.q < (1LL << 53))
                    n.d = frac_to_double(s, a.q);
                return n;
            }
        }
        __int128 p = (__int128)a.p * b.q + (__int128)b.p * a.q;
        __int128 q = (__int128)a.q * b.q;
        rb_num n = from_wide(p, q, d);
        if (n.q && llabs(n.p) < (1LL << 53) && n.q < (1LL << 53))
            n.d = frac_to_double(n.p, n.q);
        return n;
    }
    return (rb_num){d, 0, 0};
}

rb_num num_neg(rb_num a)
{
    rb_num n = {-a.d, -a.p, a.q};
    return n;
}

rb_num num_sub(rb_num a, rb_num b) { return num_add(a, num_neg(b)); }

static rb_num exact_result(__int128 p, __int128 q, double d)
{
    rb_num n = from_wide(p, q, d);
    if (n.q) {
        int64_t g = gcd64(n.p, n.q);
        if (g > 1) {
            n.p /= g;
            n.q /= g;
        }
        if (llabs(n.p) < (1LL << 53) && n.q < (1LL << 53))
            n.d = frac_to_double(n.p, n.q);
    }
    return n;
}

rb_num num_mul(rb_num a, rb_num b)
{
    double d = a.d * b.d;
    if (a.q && b.q)
        return exact_result((__int128)a.p * b.p, (__int128)a.q * b.q, d);
    return (rb_num){d, 0, 0};
}

rb_num num_div(rb_num a, rb_num b)
{
    double d = a.d / b.d;
    if (a.q && b.q && b.p != 0)
        return exact_result((__int128)a.p * b.q, (__int128)a.q * b.p, d);
    return (rb_num){d, 0, 0};
}

int num_cmp(rb_num a, rb_num b)
{
    if (a.q && b.q) {
        __int128 l = (__int128)a.p * b.q, r = (__int128)b.p * a.q;
        return (l > r) - (l < r);
    }
    if (a.d != a.d || b.d != b.d)
        return 2;
    return (a.d > b.d) - (a.d < b.d);
}

bool num_is_zero(rb_num a) { return a.q ? a.p == 0 : a.d == 0.0; }

bool num_is_integer(rb_num a, int64_t *v)
{
    if (a.q == 1) {
        *v = a.p;
        return true;
    }
    return false;
}

int num_format(rb_num a, char *buf)
{
    int64_t iv;
    if (num_is_integer(a, &iv))
        return snprintf(buf, 32, "%lld", (long long)iv);
    if (a.d != a.d)
        return snprintf(buf, 32, "nan");
    if (isinf(a.d))
        return snprintf(buf, 32, a.d > 0 ? "inf" : "-inf");
    if (a.d == floor(a.d) && fabs(a.d) < 1e15)
        return snprintf(buf, 32, "%.0f", a.d);
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, 32, "%.*g", prec, a.d);
        if (prec == 17 || strtod(buf, NULL) == a.d)
            return n;
    }
    return 0;
}
