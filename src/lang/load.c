/* load.c - loading a policy: files, imports (from the disk or a git
 * revision), parsing, then checking. */
#include "policy.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "git_source.h"
#include "namespace.h"
#include "parse.h"
#include "utf8.h"
#include "xalloc.h"

typedef struct loader {
    policy *p;
    diag *d;
    const git_rev *git;   /* files come from this revision, not the disk */
    const source_reader *reader; /* else first from here (an editor's buffers) */
    char **seen;          /* real paths of files already loaded */
    bool *in_progress;
    int nseen;
    comment *last_comment;
} loader;

static decl *load_file(loader *ld, source *src, const char *key, const char *ns, int depth);

/* Imports resolve relative to the directory of the importing file. */
char *policy_import_path(const char *importer, const char *target)
{
    if (target[0] == '/')
        return xstrdup(target);
    const char *slash = strrchr(importer, '/');
    if (!slash)
        return xstrdup(target);
    size_t dir = (size_t)(slash - importer) + 1;
    char *out = xmalloc(dir + strlen(target) + 1);
    memcpy(out, importer, dir);
    strcpy(out + dir, target);
    return out;
}

static void add_source(policy *p, source *s)
{
    source **tail = &p->sources;
    while (*tail)
        tail = &(*tail)->next;
    *tail = s;
}

/* At a revision a file is named "REV:path from the top"; an import is
 * relative to the importing file, normalised, and must stay inside. */
static char *import_rev_path(const loader *ld, const char *importer, const char *target)
{
    if (target[0] == '/')
        return NULL;
    char *joined = policy_import_path(importer + strlen(ld->git->rev) + 1, target);
    char *top = git_path_normalize(joined);
    free(joined);
    return top;
}

/* What tells one file from another: its real path on disk, or its path at
 * the revision.  False after reporting why the import cannot be found. */
static bool import_key(loader *ld, const decl *d, char key[PATH_MAX])
{
    if (ld->git) {
        char *top = import_rev_path(ld, d->loc.src->path, d->name);
        if (!top || strlen(top) >= PATH_MAX) {
            diag_error(ld->d, d->name_loc, "cannot import '%s' at revision '%s': the path leaves the repository", d->name, ld->git->rev);
            free(top);
            return false;
        }
        strcpy(key, top);
        free(top);
        return true;
    }
    char *path = policy_import_path(d->loc.src->path, d->name);
    bool ok = realpath(path, key) != NULL;
    /* A file an editor has open but has not saved yet is there too. */
    if (!ok && ld->reader && strlen(path) < PATH_MAX && ld->reader->has(ld->reader->ctx, path)) {
        strcpy(key, path);
        ok = true;
    }
    if (!ok)
        diag_error(ld->d, d->name_loc, "cannot import '%s': %s", d->name, strerror(errno));
    free(path);
    return ok;
}

static source *read_import(loader *ld, const decl *d, const char *key)
{
    source *src;
    if (ld->git) {
        diag why;
        diag_init(&why, NULL); /* kept, to be said at the import */
        if (!(src = git_source_load(ld->git, key, &why)))
            diag_error(ld->d, d->name_loc, "cannot import '%s': %s", d->name, why.kept);
        return src;
    }
    char *path = policy_import_path(d->loc.src->path, d->name);
    src = ld->reader ? ld->reader->read(ld->reader->ctx, path) : NULL;
    if (!src && !(src = source_load(path)))
        diag_error(ld->d, d->name_loc, "cannot import '%s': %s", d->name, strerror(errno));
    free(path);
    return src;
}

/* A file is loaded once per namespace: "NS\x01PATH" tells the copies
 * apart; the part after the \x01 is the file. */
static const char *seen_path(const char *seen)
{
    const char *sep = strchr(seen, '\x01');
    return sep ? sep + 1 : seen;
}

static decl *expand_imports(loader *ld, decl *list, const char *ns, int depth)
{
    for (decl *d = list; d; d = d->next) {
        if (d->kind != D_IMPORT)
            continue;
        char path[PATH_MAX];
        if (!import_key(ld, d, path))
            continue;
        /* The namespace the imported file's names end up in, written
         * outermost first: usage.inner. */
        char sub_ns[PATH_MAX], key[2 * PATH_MAX + 2];
        snprintf(sub_ns, sizeof sub_ns, "%s%s%s", ns ? ns : "", d->alias ? d->alias : "", d->alias ? "." : "");
        snprintf(key, sizeof key, "%s\x01%s", sub_ns, path);
        int found = -1;
        bool cycle = false;
        for (int i = 0; i < ld->nseen; i++) {
            if (strcmp(ld->seen[i], key) == 0)
                found = i;
            /* Through an `as` import the file is another copy, but would
             * still import itself forever. */
            cycle |= ld->in_progress[i] && strcmp(seen_path(ld->seen[i]), path) == 0;
        }
        if (cycle) {
            diag_error(ld->d, d->name_loc, "import cycle: '%s' imports itself through '%s'", d->name, d->loc.src->path);
            continue;
        }
        if (found >= 0)
            continue; /* imported already: its names are in scope once */
        if (depth > 64) {
            diag_error(ld->d, d->name_loc, "imports nested too deeply");
            continue;
        }
        source *src = read_import(ld, d, path);
        if (!src)
            continue;
        add_source(ld->p, src);
        decl *sub = load_file(ld, src, key, *sub_ns ? sub_ns : NULL, depth + 1);
        if (sub && d->alias)
            sub = ns_enter(&ld->p->arena, sub, d->alias);
        if (sub) {
            decl *tail = sub;
            while (tail->next)
                tail = tail->next;
            tail->next = d->next;
            d->next = sub;
            d = tail;
        }
    }
    return list;
}

static int remember(loader *ld, const char *key)
{
    ld->seen = xrealloc(ld->seen, (size_t)(ld->nseen + 1) * sizeof *ld->seen);
    ld->in_progress = xrealloc(ld->in_progress, (size_t)(ld->nseen + 1) * sizeof *ld->in_progress);
    ld->seen[ld->nseen] = xstrdup(key);
    ld->in_progress[ld->nseen] = true;
    return ld->nseen++;
}

static decl *load_file(loader *ld, source *src, const char *key, const char *ns, int depth)
{
    int me = remember(ld, key);
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &ld->p->arena;
    ctx.diag = ld->d;
    ctx.src = src;
    parse_file(&ctx);
    if (ctx.comments) {
        if (ld->last_comment)
            ld->last_comment->next = ctx.comments;
        else
            ld->p->comments = ctx.comments;
        ld->last_comment = ctx.last_comment;
    }
    decl *list = expand_imports(ld, ctx.decls, ns, depth);
    ns_qualify(&ld->p->arena, list, src, ld->d);
    ld->in_progress[me] = false;
    return list;
}

/* A name no declaration of the policy uses: base, else base_2, base_3... */
static const char *unused_name(policy *p, const char *base)
{
    char name[128];
    snprintf(name, sizeof name, "%s", base);
    for (int n = 2;; n++) {
        bool taken = false;
        for (const decl *d = p->decls; d && !taken; d = d->next)
            taken = d->name && strcmp(d->name, name) == 0;
        if (!taken)
            return arena_strdup(&p->arena, name);
        snprintf(name, sizeof name, "%s_%d", base, n);
    }
}

/* One more definition, parsed from an expression alone, after the rest. */
static void add_definition(policy *p, source *text, const char *name, diag *d)
{
    add_source(p, text);
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &p->arena;
    ctx.diag = d;
    ctx.src = text;
    ctx.define_name = name;
    parse_file(&ctx);
    decl **tail = &p->decls;
    while (*tail)
        tail = &(*tail)->next;
    *tail = ctx.decls;
}

typedef struct extra_definition {
    source *text;
    const char *base;
    const char **name;
} extra_definition;

static policy *load(source *root, const char *key, const git_rev *git, const source_reader *reader,
                    const extra_definition *extra, bool *valid, diag *d)
{
    policy *p = xcalloc(1, sizeof *p);
    arena_init(&p->arena);
    p->sources = root;
    loader ld = {p, d, git, reader, NULL, NULL, 0, NULL};
    int before = d->errors;
    char root_key[PATH_MAX + 2];
    snprintf(root_key, sizeof root_key, "\x01%s", key);
    p->decls = ns_prune(load_file(&ld, root, root_key, NULL, 0), &p->unused_imported);
    if (extra) {
        *extra->name = unused_name(p, extra->base);
        add_definition(p, extra->text, *extra->name, d);
    }
    for (int i = 0; i < ld.nseen; i++)
        free(ld.seen[i]);
    free(ld.seen);
    free(ld.in_progress);
    /* After a syntax error the names a broken line would have defined are
     * missing, and checking would only add false "unknown name" errors. */
    bool ok = d->errors == before && check_policy(p, d) && d->errors == before;
    if (valid) {
        *valid = ok;
        return p;
    }
    if (!ok) {
        policy_free(p);
        return NULL;
    }
    return p;
}

/* Whether a file given as the policy starts like account data: named as
 * data files are, or opening like JSON or like a CSV header (a first field
 * with no space in it before a comma, semicolon or tab; a policy's first
 * line starts with a keyword and a space, or a comment). */
static bool looks_like_data(const char *path, const source *src)
{
    static const char *const exts[] = {".csv", ".tsv", ".json", ".ndjson", ".jsonl"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcasecmp(path + n - e, exts[i]) == 0)
            return true;
    }
    const char *t = src->text, *end = src->text + src->len;
    if (src->len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        t += 3;
    while (t < end && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
        t++;
    /* Data is text: random or binary bytes get the parser's own located
     * errors, not a guess about what they are. */
    const char *eol = memchr(t, '\n', (size_t)(end - t));
    size_t line = (size_t)((eol ? eol : end) - t);
    if (line > 4096)
        line = 4096;
    for (size_t i = 0; i < line; i++)
        if ((unsigned char)t[i] < 0x20 && t[i] != '\t' && t[i] != '\r')
            return false;
    if (utf8_invalid(t, line) < line)
        return false;
    if (t < end && (*t == '{' || *t == '['))
        return true;
    const char *field = t;
    while (t < end && *t != ',' && *t != ';' && *t != '\t' && *t != '\n' && *t != ' ' && *t != '#')
        t++;
    return t > field && t < end && (*t == ',' || *t == ';' || *t == '\t');
}

/* Whether a file parses, saying nothing: asked only of a file that looks
 * like data, and of its first 64 KiB, which is enough to tell. */
static bool parses_quietly(const source *src)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *sink = open_memstream(&out, &outlen);
    if (!sink)
        return true; /* cannot tell: the real parse will report */
    size_t len = src->len;
    if (len > 65536) {
        len = 65536;
        while (len > 0 && src->text[len - 1] != '\n')
            len--;
    }
    source *head = source_from_string(src->path, src->text, len);
    diag quiet;
    diag_init(&quiet, sink);
    arena a;
    arena_init(&a);
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &a;
    ctx.diag = &quiet;
    ctx.src = head;
    int errors = parse_file(&ctx);
    arena_free(&a);
    source_free(head);
    fclose(sink);
    free(out);
    return errors == 0;
}

/* The policy file, unless it is the data: `rubric run DATA POLICY` gets one
 * hint instead of a syntax error for every line of the data. */
static source *load_root(const char *path, diag *d)
{
    source *src = source_load(path);
    if (!src) {
        diag_plain_error(d, "cannot read policy '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (looks_like_data(path, src) && !parses_quietly(src)) {
        diag_plain_error(d, "policy '%s' looks like data, not a policy: the policy comes first, then the data",
                         path);
        source_free(src);
        return NULL;
    }
    return src;
}

policy *policy_load(const char *path, diag *d)
{
    source *src = load_root(path, d);
    if (!src)
        return NULL;
    char real[PATH_MAX];
    return load(src, realpath(path, real) ? real : path, NULL, NULL, NULL, NULL, d);
}

policy *policy_load_with_expr(const char *path, const char *label, const char *text, const char *base, const char **name, diag *d)
{
    source *src = load_root(path, d);
    if (!src)
        return NULL;
    char real[PATH_MAX];
    extra_definition extra = {source_from_string(label, text, strlen(text)), base, name};
    return load(src, realpath(path, real) ? real : path, NULL, NULL, &extra, NULL, d);
}

policy *policy_load_string(const char *path, const char *text, diag *d)
{
    return load(source_from_string(path, text, strlen(text)), path, NULL, NULL, NULL, NULL, d);
}

policy *policy_load_edit(const char *path, const char *text, size_t len, const source_reader *r, bool *valid, diag *d)
{
    char real[PATH_MAX];
    return load(source_from_string(path, text, len), realpath(path, real) ? real : path, NULL, r, NULL, valid, d);
}

/* git reads "REV:path" from the repository's top and we read it from the
 * current directory, as a file path is; someone in a subfolder who wrote
 * git's form is shown ours.  Empty when that is not what happened. */
static void top_relative_hint(const git_rev *g, const char *path, char *hint, size_t cap)
{
    hint[0] = '\0';
    char *top = *g->prefix && path[0] != '/' ? git_path_normalize(path) : NULL;
    if (top && git_has_file(g, top)) {
        size_t used = (size_t)snprintf(hint, cap, " (the path after REV: is relative to the current directory; "
                                                  "from here that file is '%s:", g->rev);
        for (const char *c = g->prefix; *c && used < cap; c++)
            if (*c == '/')
                used += (size_t)snprintf(hint + used, cap - used, "../");
        if (used < cap)
            snprintf(hint + used, cap - used, "%s')", top);
    }
    free(top);
}

policy *policy_load_rev(const char *rev, const char *path, diag *d)
{
    git_rev g;
    diag why;
    diag_init(&why, NULL); /* kept, to be said with the policy it concerns */
    if (!git_rev_open(&g, rev, &why)) {
        diag_plain_error(d, "cannot read policy '%s:%s': %s", rev, path, why.kept);
        return NULL;
    }
    policy *p = NULL;
    char *joined = xmalloc(strlen(g.prefix) + strlen(path) + 1);
    strcpy(joined, path[0] == '/' ? "" : g.prefix);
    strcat(joined, path);
    char *top = path[0] == '/' ? NULL : git_path_normalize(joined);
    source *src = NULL;
    if (!top)
        diag_plain_error(d, "cannot read policy '%s:%s': give a path inside the repository, relative to the current directory", rev, path);
    else if (!(src = git_source_load(&g, top, &why))) {
        char hint[600];
        top_relative_hint(&g, path, hint, sizeof hint);
        diag_plain_error(d, "cannot read policy '%s:%s': %s%s", rev, path, why.kept, hint);
    } else
        p = load(src, top, &g, NULL, NULL, NULL, d);
    free(top);
    free(joined);
    git_rev_close(&g);
    return p;
}
