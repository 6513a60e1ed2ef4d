/* date.h - calendar dates as day numbers, and month arithmetic that clamps
 * to the month end (2024-03-31 minus 1 month is 2024-02-29). */
#ifndef RUBRIC_DATE_H
#define RUBRIC_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 (negative before). */
typedef int32_t rb_date;

bool date_parse(const char *s, size_t len, rb_date *out); /* YYYY-MM-DD, validated */
rb_date date_from_ymd(int y, int m, int d);
void date_to_ymd(rb_date day, int *y, int *m, int *d);
rb_date date_add_months(rb_date day, int32_t months);
int date_format(rb_date day, char *buf); /* buf of at least 16 bytes */
rb_date date_today_utc(void);

#endif
