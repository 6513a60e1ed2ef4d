/* git_source.c - reading policy files out of git. */
#include "git_source.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"
#include "xalloc.h"

extern char **environ;

/* Reads one chunk from fd into b; false at end of file or on an error. */
static bool read_some(int fd, strbuf *b)
{
    strbuf_grow(b, 4096);
    ssize_t n = read(fd, b->s + b->len, b->cap - b->len - 1);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    strbuf_setlen(b, b->len + (size_t)n);
    return true;
}

/* Both of git's outputs, read as they come: either may fill its pipe. */
static void drain_both(int out_fd, strbuf *out, int err_fd, strbuf *complaint)
{
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    strbuf *bufs[2] = {out, complaint};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++)
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !read_some(fds[i].fd, bufs[i])) {
                fds[i].fd = -1;
                open_fds--;
            }
    }
}

/* git's standard output goes to out, which starts empty and is left empty
 * when git fails. */
static bool spawn_git(char *const argv[], strbuf *out, char *err, size_t errlen)
{
    strbuf_init(out);
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
    /* With SIGCHLD ignored (inherited), git would be reaped unseen and its
     * exit status lost: the default is restored while it runs. */
    struct sigaction dfl, old_chld;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old_chld);
    pid_t pid;
    int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(outp[1]);
    close(errp[1]);
    if (rc != 0) {
        sigaction(SIGCHLD, &old_chld, NULL);
        close(outp[0]);
        close(errp[0]);
        errno = rc;
        goto no_spawn;
    }
    strbuf complaint = {0};
    drain_both(outp[0], out, errp[0], &complaint);
    close(outp[0]);
    close(errp[0]);
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    sigaction(SIGCHLD, &old_chld, NULL);
    bool ok = waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) {
        /* git's reason is its fatal: line, whatever warnings came first. */
        const char *all = strbuf_str(&complaint);
        const char *line = strstr(all, "fatal: ");
        if (line && (line == all || line[-1] == '\n'))
            line += 7;
        else
            line = all;
        int n = (int)strcspn(line, "\n");
        if (n > 0)
            snprintf(err, errlen, "%.*s", n, line);
        else
            snprintf(err, errlen, "git failed");
        strbuf_free(out);
    }
    strbuf_free(&complaint);
    return ok;
no_spawn:
    snprintf(err, errlen, "cannot run git: %s", strerror(errno));
    return false;
}

/* Runs git with args; its standard output in out (caller frees).  False
 * with git's first line of complaint in err when it fails. */
static bool run_git(const char *const args[], strbuf *out, char *err, size_t errlen)
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
    /* The first colon outside @{...} and ^{...}: main@{2026-01-01 10:00}:p.rules,
     * HEAD^{/fix: odd}:p.rules. */
    const char *colon = arg;
    int braces = 0;
    for (; *colon && !(*colon == ':' && braces == 0); colon++) {
        if ((colon[0] == '@' || colon[0] == '^') && colon[1] == '{')
            braces++;
        else if (*colon == '}' && braces > 0)
            braces--;
    }
    if (!*colon)
        colon = NULL;
    struct stat st;
    if (!colon || colon == arg || !colon[1] || stat(arg, &st) == 0)
        return false;
    *rev = xstrndup(arg, (size_t)(colon - arg));
    *path = xstrdup(colon + 1);
    return true;
}

/* git's one line of output without its line end; the caller frees it. */
static char *trimmed(strbuf *b)
{
    while (b->len && (b->s[b->len - 1] == '\n' || b->s[b->len - 1] == '\r'))
        strbuf_setlen(b, b->len - 1);
    return strbuf_take(b, NULL);
}

static bool rev_open(git_rev *g, const char *rev, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    /* A tree is all that is read: a commit, a tag or a tree will do. */
    strbuf spec = {0};
    strbuf_addf(&spec, "%s^{tree}", rev);
    const char *resolve[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options", spec.s, NULL};
    const char *where[] = {"git", "rev-parse", "--show-prefix", NULL};
    strbuf commit, prefix;
    char why[400];
    bool ok = run_git(where, &prefix, why, sizeof why);
    if (!ok) {
        snprintf(err, errlen, "%s (needed to read revision '%s')", why, rev);
    } else if (!run_git(resolve, &commit, why, sizeof why)) {
        strbuf_free(&prefix);
        snprintf(err, errlen, "'%s' names no commit or tree in this repository", rev);
        ok = false;
    } else {
        g->rev = xstrdup(rev);
        g->commit = trimmed(&commit);
        g->prefix = trimmed(&prefix);
    }
    strbuf_free(&spec);
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

/* What the tree of the revision holds at top_path: its mode ("100644",
 * "120000" for a symbolic link, "040000" for a folder), or "" for nothing. */
static bool entry_mode(const git_rev *g, const char *top_path, char mode[8], char *err, size_t errlen)
{
    if (!*top_path) {
        strcpy(mode, "040000"); /* the top of the repository itself */
        return true;
    }
    /* Literal: a path such as ":odd.rules" is a name, not pathspec magic. */
    const char *list[] = {"git", "--literal-pathspecs", "ls-tree", "--full-tree", g->commit, "--", top_path, NULL};
    strbuf out;
    if (!run_git(list, &out, err, errlen))
        return false;
    snprintf(mode, 8, "%.6s", strbuf_str(&out));
    strbuf_free(&out);
    return true;
}

bool git_has_file(const git_rev *g, const char *top_path)
{
    char mode[8], err[400];
    return entry_mode(g, top_path, mode, err, sizeof err) && strncmp(mode, "100", 3) == 0;
}

static source *source_at(const git_rev *g, const char *top_path, char *err, size_t errlen)
{
    char mode[8];
    if (!entry_mode(g, top_path, mode, err, errlen))
        return NULL;
    if (strcmp(mode, "120000") == 0) {
        snprintf(err, errlen, "'%s' is a symbolic link at revision '%s'; name the file it points to", top_path, g->rev);
        return NULL;
    }
    if (strcmp(mode, "040000") == 0) {
        snprintf(err, errlen, "'%s' is a folder at revision '%s'", top_path, g->rev);
        return NULL;
    }
    strbuf object = {0};
    strbuf_addf(&object, "%s:%s", g->commit, top_path);
    const char *show[] = {"git", "cat-file", "blob", object.s, NULL};
    strbuf text;
    char why[400];
    source *s = NULL;
    if (!run_git(show, &text, why, sizeof why)) {
        snprintf(err, errlen, "no file '%s' at revision '%s'", top_path, g->rev);
    } else {
        strbuf name = {0};
        strbuf_addf(&name, "%s:%s", g->rev, top_path);
        s = source_from_string(name.s, strbuf_str(&text), text.len);
        strbuf_free(&name);
        strbuf_free(&text);
    }
    strbuf_free(&object);
    return s;
}

/* The public face speaks through a diag, as every library module does;
 * the steps above pass one message up in a buffer. */
bool git_rev_open(git_rev *g, const char *rev, diag *d)
{
    char err[512];
    if (rev_open(g, rev, err, sizeof err))
        return true;
    diag_fail(d, "%s", err);
    return false;
}

source *git_source_load(const git_rev *g, const char *top_path, diag *d)
{
    char err[512];
    source *s = source_at(g, top_path, err, sizeof err);
    if (!s)
        diag_fail(d, "%s", err);
    return s;
}
