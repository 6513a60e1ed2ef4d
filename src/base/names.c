/* names.c - telling names apart as a person would: the did-you-mean of
 * every message, and text that matches without regard to case. */
#include "names.h"

#include <string.h>
#include <strings.h>

/* Optimal string alignment distance: a transposition ("licnese") costs one
 * edit, as a person would count it. */
int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *closest_name(const char *wrong, const char *const *candidates, int n)
{
    const char *best = NULL;
    int best_d = 0;
    int limit = (int)strlen(wrong) / 3 + 1; /* about one edit in three letters */
    if (limit > 4)
        limit = 4;
    for (int i = 0; i < n; i++)
        if (strcasecmp(wrong, candidates[i]) == 0)
            return candidates[i]; /* RED for red, whatever the length */
    for (int i = 0; i < n; i++) {
        int dist = edit_distance(wrong, candidates[i]);
        if (dist <= limit && (!best || dist < best_d)) {
            best = candidates[i];
            best_d = dist;
        }
    }
    return best;
}

static inline unsigned char fold(unsigned char ch) { return (unsigned)(ch - 'A') < 26 ? ch + 32 : ch; }

bool choice_same(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return false;
    return true;
}
