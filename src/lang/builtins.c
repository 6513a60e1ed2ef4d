/* builtins.c - the table of builtin functions that builtins.h lists. */
#include <string.h>

#include "builtins.h"

const builtin_info builtin_table[BI_COUNT] = {
#define X(id, name, lo, hi, takes, gives) {name, lo, hi, takes, gives},
    RB_BUILTINS(X)
#undef X
};

int builtin_find(const char *name)
{
    for (int i = 0; i < BI_COUNT; i++)
        if (strcmp(builtin_table[i].name, name) == 0)
            return i;
    return -1;
}

int builtin_find_list(const char *name)
{
    for (int i = 0; i < BI_COUNT; i++)
        if (builtin_table[i].takes == BA_LIST && strcmp(builtin_table[i].name, name) == 0)
            return i;
    return -1;
}
