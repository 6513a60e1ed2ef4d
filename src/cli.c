/* cli.c - what the verbs share: parameter settings and usage errors. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* Names are copied so argv stays untouched; values point into argv. */
static void add(settings *s, const char *name, size_t len, const char *value)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, name, len);
    copy[len] = '\0';
    s->items = xrealloc(s->items, (size_t)(s->n + 1) * sizeof *s->items);
    s->names = xrealloc(s->names, (size_t)(s->n + 1) * sizeof *s->names);
    s->names[s->n] = copy;
    s->items[s->n].name = copy;
    s->items[s->n].value = value;
    s->items[s->n].given = NULL;
    s->n++;
}

bool settings_add_param(settings *s, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return false;
    add(s, arg, (size_t)(eq - arg), eq + 1);
    return true;
}

void settings_add(settings *s, const char *name, const char *value)
{
    add(s, name, strlen(name), value);
}

void settings_free(settings *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->items);
    s->names = NULL;
    s->items = NULL;
    s->n = 0;
}

int usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "rubric %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'rubric %s --help'.\n", verb);
    return EXIT_USAGE;
}
