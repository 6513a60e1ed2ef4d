/* show_value.c - values for people: a value as text (explain, the table),
 * and numbers for the report's labels, calibrate's table and the
 * measures' values as explain and test show them, rounded as far as the
 * thresholds they are compared with allow. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "writer.h"

int value_format(rb_value v, const scheme *sch, char *buf, size_t cap)
{
    switch ((vkind)v.kind) {
    case VK_NA:
        return snprintf(buf, cap, "na");
    case VK_NUM:
        return num_format(v.u.num, buf);
    case VK_BOOL:
        return snprintf(buf, cap, "%s", v.u.b ? "true" : "false");
    case VK_TEXT:
        return snprintf(buf, cap, "%.*s", (int)v.len, v.u.text);
    case VK_DATE:
        return date_format(v.u.date, buf);
    case VK_DUR:
        if (v.u.dur.months && v.u.dur.days)
            return snprintf(buf, cap, "%d month%s %d day%s", v.u.dur.months, v.u.dur.months == 1 ? "" : "s",
                            v.u.dur.days, v.u.dur.days == 1 ? "" : "s");
        if (v.u.dur.months)
            return snprintf(buf, cap, "%d month%s", v.u.dur.months, v.u.dur.months == 1 ? "" : "s");
        return snprintf(buf, cap, "%d day%s", v.u.dur.days, v.u.dur.days == 1 ? "" : "s");
    case VK_BANDED:
        if (v.band == BAND_NONE || !sch)
            return snprintf(buf, cap, "no band");
        return snprintf(buf, cap, "%s", sch->bands[v.band]);
    case VK_LIST: {
        /* Lets only (a metric is one value): shown by explain and test,
         * with the elements a `where` kept. */
        const rb_list *l = v.u.list;
        int n = snprintf(buf, cap, "a list of %u", l->n);
        for (uint32_t i = 0; l->idx && i < l->n && n > 0 && (size_t)n + 24 < cap; i++)
            n += snprintf(buf + n, cap - (size_t)n, "%s%u", i ? ", " : " (elements ", l->idx[i] + 1);
        if (l->idx && l->n && n > 0 && (size_t)n + 2 < cap)
            n += snprintf(buf + n, cap - (size_t)n, "%s)", (size_t)n + 24 >= cap && l->n > 1 ? ", ..." : "");
        return n;
    }
    case VK_RECORD:
        return snprintf(buf, cap, "element %u", v.len);
    }
    return 0;
}

void format_significant(double v, bool percent, int digits, char *buf, size_t cap)
{
    if (percent && fabs(v) < DBL_MAX / 100)
        snprintf(buf, cap, "%.*g%%", digits, v * 100);
    else
        snprintf(buf, cap, "%.*g", digits, v);
}

/* "43%" for a rounded 43.0469...% reads as exact: give it the zeros its
 * digits stand for, "43.0%".  text is format_significant's. */
static void keep_zeros(char *text, size_t cap, int digits)
{
    size_t end = strcspn(text, "e%"), sig = 0;
    bool point = false, started = false;
    for (size_t i = 0; i < end; i++) {
        if (text[i] == '.')
            point = true;
        else if (text[i] >= '1' && text[i] <= '9')
            started = true;
        if (started && text[i] >= '0' && text[i] <= '9')
            sig++;
    }
    if (!started || sig >= (size_t)digits)
        return;
    char suffix[32];
    snprintf(suffix, sizeof suffix, "%s", text + end);
    size_t len = end;
    if (!point && len + 1 < cap)
        text[len++] = '.';
    for (; sig < (size_t)digits && len + 1 < cap; sig++)
        text[len++] = '0';
    snprintf(text + len, cap - len, "%s", suffix);
}

void format_for_people(rb_num v, bool percent, const rb_num *limits, int nlimits, char *buf, size_t cap)
{
    char tmp[64];
    double d = num_to_double(v);
    if (d - d != 0) { /* NaN or infinite */
        num_format(v, tmp);
        snprintf(buf, cap, "%s", tmp);
        return;
    }
    bool pct = percent && fabs(d) < DBL_MAX / 100;
    double shown = fabs(pct ? d * 100 : d);
    /* Never fewer digits than the integer part has: 12345%, not 1.23e+04%. */
    int digits = shown >= 1000 ? (int)floor(log10(shown)) + 1 : 3;
    for (; digits <= 17; digits++) {
        format_significant(d, pct, digits, tmp, sizeof tmp);
        rb_num back;
        if (!num_parse(tmp, strlen(tmp), true, &back))
            break;
        bool same = true;
        for (int i = 0; i < nlimits && same; i++)
            same = num_cmp(back, limits[i]) == num_cmp(v, limits[i]);
        if (same) {
            if (num_cmp(back, v) != 0)
                keep_zeros(tmp, sizeof tmp, digits);
            snprintf(buf, cap, "%s", tmp);
            return;
        }
    }
    num_format(v, tmp);
    snprintf(buf, cap, "%s", tmp);
}

void step_value_format(const step *st, frame *f, rb_num v, char *buf, size_t cap)
{
    if (!step_in_percent(st)) {
        char tmp[40];
        num_format(v, tmp);
        snprintf(buf, cap, "%s", tmp);
        return;
    }
    rb_num limits[MAX_THRESHOLDS];
    int n = 0;
    for (int t = 0; t < st->ntests; t++)
        for (int e = 0; e < st->tests[t].nedges && n < MAX_THRESHOLDS; e++) {
            const band_test *bt = &st->tests[t];
            if (bt->fixed[e]) {
                limits[n++] = bt->fixed_limit[e];
                continue;
            }
            /* A threshold that depends on the account: as it is for this one. */
            rb_value l = eval_node(bt->limit[e], f);
            if (l.kind == VK_NUM)
                limits[n++] = l.u.num;
        }
    format_for_people(v, true, limits, n, buf, cap);
}
