/* git_source.c - reading policy files out of git. */
#include "git_source.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xalloc.h"

extern char **environ;

typedef struct buffer {
    char *s;
    size_t len, cap;
} buffer;

static void drain(int fd, buffer *b)
{
    for (;;) {
        if (b->cap - b->len < 4096)
            b->s = xrealloc(b->s, b->cap = b->cap ? b->cap * 2 : 8192);
        ssize_t n = read(fd, b->s + b->len, b->cap - b->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        b->len += (size_t)n;
    }
    if (!b->s)
        b->s = xmalloc(1);
    b->s[b->len] = '\0';
}

static bool spawn_git(char *const argv[], buffer *out, char *err, size_t errlen)
{
    int outp[2], errp[2];
    if (pipe(outp) != 0)
        goto no_spawn;
    if (pipe(errp) != 0) {
        close(outp[0]);
        close(outp[1]);
        goto no_spawn;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, errp[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, outp[0]);
    posix_spawn_file_actions_addclose(&fa, errp[0]);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(outp[1]);
    close(errp[1]);
    if (rc != 0) {
        close(outp[0]);
        close(errp[0]);
        errno = rc;
        goto no_spawn;
    }
    /* A file or a complaint is small next to a pipe's buffer only for the
     * complaint: read the (possibly large) file first, then the rest. */
    memset(out, 0, sizeof *out);
    drain(outp[0], out);
    buffer complaint = {0};
    drain(errp[0], &complaint);
    close(outp[0]);
    close(errp[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) {
        char *line = complaint.s;
        if (strncmp(line, "fatal: ", 7) == 0)
            line += 7;
        line[strcspn(line, "\n")] = '\0';
        snprintf(err, errlen, "%s", *line ? line : "git failed");
        free(out->s);
        out->s = NULL;
    }
    free(complaint.s);
    return ok;
no_spawn:
    snprintf(err, errlen, "cannot run git: %s", strerror(errno));
    return false;
}

/* Runs git with args; its standard output in out (caller frees).  False
 * with git's first line of complaint in err when it fails. */
static bool run_git(const char *const args[], buffer *out, char *err, size_t errlen)
{
    /* posix_spawn wants writable strings; literals are not. */
    char *argv[8];
    int argc = 0;
    while (args[argc] && argc < 7) {
        argv[argc] = xstrdup(args[argc]);
        argc++;
    }
    argv[argc] = NULL;
    bool ok = spawn_git(argv, out, err, errlen);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return ok;
}

bool git_rev_spec(const char *arg, char **rev, char **path)
{
    const char *colon = strchr(arg, ':');
    struct stat st;
    if (!colon || colon == arg || !colon[1] || stat(arg, &st) == 0)
        return false;
    *rev = xstrndup(arg, (size_t)(colon - arg));
    *path = xstrdup(colon + 1);
    return true;
}

static char *trimmed(buffer *b)
{
    while (b->len && (b->s[b->len - 1] == '\n' || b->s[b->len - 1] == '\r'))
        b->s[--b->len] = '\0';
    return b->s;
}

bool git_rev_open(git_rev *g, const char *rev, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    char *spec = xmalloc(strlen(rev) + 10);
    sprintf(spec, "%s^{commit}", rev);
    const char *resolve[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL};
    const char *where[] = {"git", "rev-parse", "--show-prefix", NULL};
    buffer commit, prefix;
    char why[400];
    bool ok = run_git(where, &prefix, why, sizeof why);
    if (!ok) {
        snprintf(err, errlen, "%s (needed to read revision '%s')", why, rev);
    } else if (!run_git(resolve, &commit, why, sizeof why)) {
        free(prefix.s);
        snprintf(err, errlen, "'%s' names no commit in this repository", rev);
        ok = false;
    } else {
        g->rev = xstrdup(rev);
        g->commit = trimmed(&commit);
        g->prefix = trimmed(&prefix);
    }
    free(spec);
    return ok;
}

void git_rev_close(git_rev *g)
{
    free(g->rev);
    free(g->commit);
    free(g->prefix);
}

char *git_path_normalize(const char *path)
{
    size_t n = strlen(path);
    char *out = xmalloc(n + 1);
    size_t len = 0;
    const char *p = path;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t part = end ? (size_t)(end - p) : strlen(p);
        if (part == 2 && p[0] == '.' && p[1] == '.') {
            if (len == 0) {
                free(out);
                return NULL;
            }
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the slash before the dropped part */
        } else if (part > 0 && !(part == 1 && p[0] == '.')) {
            if (len > 0)
                out[len++] = '/';
            memcpy(out + len, p, part);
            len += part;
        }
        p += part;
        if (*p == '/')
            p++;
    }
    out[len] = '\0';
    return out;
}

source *git_source_load(const git_rev *g, const char *top_path, char *err, size_t errlen)
{
    char *object = xmalloc(strlen(g->commit) + strlen(top_path) + 2);
    sprintf(object, "%s:%s", g->commit, top_path);
    const char *show[] = {"git", "cat-file", "blob", object, NULL};
    buffer text;
    char why[400];
    source *s = NULL;
    if (!run_git(show, &text, why, sizeof why)) {
        snprintf(err, errlen, "no file '%s' at revision '%s'", top_path, g->rev);
    } else {
        char *name = xmalloc(strlen(g->rev) + strlen(top_path) + 2);
        sprintf(name, "%s:%s", g->rev, top_path);
        s = source_from_string(name, text.s, text.len);
        free(name);
        free(text.s);
    }
    free(object);
    return s;
}
