#include "date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The proleptic Gregorian day count, computed in 400-year eras so it holds
 * for any year without a table. */
rb_date date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (rb_date)(era * 146097 + doe - 719468);
}

void date_to_ymd(rb_date day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool date_parse(const char *s, size_t len, rb_date *out)
{
    if (len != 10)
        return false;
    /* "YYYY-MM-" as one word, its dashes (bytes 4 and 7) made '0's, then
     * all eight bytes tested for digits at once: a date column is read in
     * every record. */
    const uint64_t dashes = 0xFF0000FF00000000ULL, zeros = 0x3030303030303030ULL, highs = 0xF0F0F0F0F0F0F0F0ULL;
    uint64_t w;
    memcpy(&w, s, 8);
    if ((w & dashes) != (0x2D00002D00000000ULL))
        return false;
    uint64_t x = (w & ~dashes) | (zeros & dashes);
    if ((x & highs) != zeros || ((x + 0x0606060606060606ULL) & highs) != zeros)
        return false;
    unsigned d8 = (unsigned)(unsigned char)s[8] - '0', d9 = (unsigned)(unsigned char)s[9] - '0';
    if ((d8 > 9) | (d9 > 9))
        return false;
    x -= zeros;
#define DIGIT(k) ((int)(x >> (8 * (k)) & 0xFF))
    int y = DIGIT(0) * 1000 + DIGIT(1) * 100 + DIGIT(2) * 10 + DIGIT(3), m = DIGIT(5) * 10 + DIGIT(6),
        day = (int)(d8 * 10 + d9);
#undef DIGIT
    if (m < 1 || m > 12 || day < 1 || day > days_in_month(y, m))
        return false;
    *out = date_from_ymd(y, m, day);
    return true;
}

rb_date date_add_months(rb_date day, int32_t months)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    long total = (long)y * 12 + (m - 1) + months;
    long ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    /* Far outside any real calendar: keep the arithmetic defined. */
    if (ny > 999999 || ny < -999999)
        return day;
    int dim = days_in_month((int)ny, nm);
    return date_from_ymd((int)ny, nm, d > dim ? dim : d);
}

int date_format(rb_date day, char *buf)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    return snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

rb_date date_today_utc(void)
{
    time_t now = time(NULL);
    return (rb_date)(now / 86400);
}
