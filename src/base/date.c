#include "date.h"

#include <stdio.h>
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
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    /* The eight digits tested together and without a loop: a date column
     * is read in every record. */
    unsigned d[10];
    for (int i = 0; i < 10; i++)
        d[i] = (unsigned)(unsigned char)s[i] - '0';
    if ((d[0] > 9) | (d[1] > 9) | (d[2] > 9) | (d[3] > 9) | (d[5] > 9) | (d[6] > 9) | (d[8] > 9) | (d[9] > 9))
        return false;
    int y = (int)(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]), m = (int)(d[5] * 10 + d[6]),
        day = (int)(d[8] * 10 + d[9]);
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
