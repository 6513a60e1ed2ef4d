/* cmd_fmt.c - `rubric fmt POLICY...`: rewrites policies in the canonical
 * layout (src/fmt/), in place and atomically; `--check` for CI. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fmt.h"
#include "outfile.h"
#include "xalloc.h"

static source *read_stdin(void)
{
    size_t cap = 8192, len = 0, n;
    char *text = xmalloc(cap);
    while ((n = fread(text + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap)
            text = xrealloc(text, cap *= 2);
    }
    if (ferror(stdin)) {
        free(text);
        return NULL;
    }
    source *s = source_from_string("<stdin>", text, len);
    free(text);
    return s;
}

/* Writes text over path atomically; outfile keeps the file's permissions
 * and rewrites the target of a symbolic link, not the link. */
static bool rewrite(const char *path, const char *text, size_t len)
{
    outfile o;
    bool ok = outfile_open(&o, path);
    if (ok) {
        if (fwrite(text, 1, len, o.f) != len) {
            outfile_abort(&o);
            ok = false;
        } else {
            ok = outfile_commit(&o);
        }
    }
    if (!ok)
        fprintf(stderr, "rubric fmt: cannot write '%s': %s\n", path, strerror(errno));
    return ok;
}

/* One file: EXIT_OK, or EXIT_USAGE after reporting why it was left alone.
 * *changed says whether its text is not canonical. */
static int format_one(const char *path, bool check, bool *changed)
{
    bool from_stdin = strcmp(path, "-") == 0;
    source *src = from_stdin ? read_stdin() : source_load(path);
    *changed = false;
    if (!src) {
        fprintf(stderr, "rubric fmt: cannot read '%s': %s\n", from_stdin ? "<stdin>" : path, strerror(errno));
        return EXIT_USAGE;
    }
    diag d;
    diag_init(&d, stderr);
    char *out;
    size_t len;
    const char *why;
    int status = EXIT_OK;
    switch (fmt_source(src, &d, &out, &len, &why)) {
    case FMT_ERRORS:
        fprintf(stderr, "%s: %d error%s; not formatted\n", src->path, d.errors, d.errors == 1 ? "" : "s");
        status = EXIT_USAGE;
        break;
    case FMT_INTERNAL:
        fprintf(stderr, "rubric fmt: internal error: %s: %s; the file is left unchanged (please report this)\n",
                src->path, why);
        status = EXIT_USAGE;
        break;
    case FMT_OK:
        *changed = len != src->len || memcmp(out, src->text, len) != 0;
        if (check) {
            if (*changed)
                printf("%s\n", src->path);
        } else if (from_stdin) {
            if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
                fprintf(stderr, "rubric fmt: cannot write the standard output: %s\n", strerror(errno));
                status = EXIT_USAGE;
            }
        } else if (*changed && !rewrite(path, out, len)) {
            status = EXIT_USAGE;
        }
        free(out);
        break;
    }
    source_free(src);
    return status;
}

/* fmt's one option is --check. */
static int take_check(void *ctx, int id, const char *arg)
{
    (void)id;
    (void)arg;
    *(bool *)ctx = true;
    return EXIT_OK;
}

int cmd_fmt(const verb_def *v, int argc, char **argv)
{
    bool check = false;
    int first, status = cli_parse(v, argc, argv, take_check, &check, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first == argc)
        return usage_error("fmt", "expected at least one POLICY (or '-' for standard input)");

    path_list files;
    if (!expand_policy_args("fmt", argv + first, argc - first, &files))
        status = EXIT_USAGE;
    size_t would_change = 0;
    for (size_t i = 0; i < files.n; i++) {
        bool changed;
        if (format_one(files.v[i], check, &changed) != EXIT_OK)
            status = EXIT_USAGE;
        would_change += changed;
    }
    path_list_free(&files);
    if (check && would_change)
        fprintf(stderr, "rubric fmt: %zu file%s not formatted; 'rubric fmt FILE' rewrites %s\n", would_change,
                would_change == 1 ? "" : "s", would_change == 1 ? "it" : "them");
    if (status == EXIT_OK && check && would_change)
        status = EXIT_REJECTED;
    return status;
}
