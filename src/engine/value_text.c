/* value_text.c - a value of a given type from its text, as the data
 * readers, --param, overrides and the history read it (compile.h). */
#include "compile.h"

#include <ctype.h>
#include <string.h>

static bool ieq(const char *a, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != word[i])
            return false;
    return true;
}

bool value_from_text(rb_type type, const char *s, size_t len, rb_value *out)
{
    switch (type) {
    case TY_NUMBER:
        /* Written in place: building a whole value and copying it was the
         * slowest step of reading a record. */
        if (!num_parse(s, len, true, &out->u.num))
            return false;
        out->kind = VK_NUM;
        return true;
    case TY_TEXT:
        out->kind = VK_TEXT;
        out->u.text = s;
        out->len = (uint32_t)len;
        return true;
    case TY_DATE:
        if (!date_parse(s, len, &out->u.date))
            return false;
        out->kind = VK_DATE;
        return true;
    case TY_DURATION: {
        /* "2 months", "90 days", "1 week", "1 year": as written in a policy. */
        size_t i = 0;
        long amount = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && amount < 1000000)
            amount = amount * 10 + (s[i++] - '0');
        if (i == 0)
            return false;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        static const struct { const char *one, *many; int days, months; } units[] = {
            {"day", "days", 1, 0}, {"week", "weeks", 7, 0}, {"month", "months", 0, 1}, {"year", "years", 0, 12}};
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (ieq(s + i, len - i, units[u].one) || ieq(s + i, len - i, units[u].many)) {
                out->kind = VK_DUR;
                out->u.dur.days = (int32_t)(amount * units[u].days);
                out->u.dur.months = (int32_t)(amount * units[u].months);
                return true;
            }
        return false;
    }
    case TY_BOOL:
        if (ieq(s, len, "true") || ieq(s, len, "yes") || (len == 1 && s[0] == '1')) {
            *out = value_bool(true);
            return true;
        }
        if (ieq(s, len, "false") || ieq(s, len, "no") || (len == 1 && s[0] == '0')) {
            *out = value_bool(false);
            return true;
        }
        return false;
    default:
        return false;
    }
}
