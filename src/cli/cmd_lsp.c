/* cmd_lsp.c - `rubric lsp`: the language server on standard input and
 * output.  Explain runs as this same program in a child process, so the
 * server shows exactly what `rubric explain` prints (eval's decision, told
 * once), and a slow or failing explain never takes the server with it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lsp.h"
#include "strbuf.h"
#include "xalloc.h"

/* How long one explain may take before it is stopped. */
enum { EXPLAIN_SECONDS = 60 };

static int take(void *ctx, int id, const char *arg)
{
    (void)ctx, (void)id, (void)arg; /* --stdio: the one transport there is */
    return EXIT_OK;
}

static void child(int out, int err, char *const *args)
{
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(127);
    signal(SIGPIPE, SIG_DFL); /* the server ignores it; explain need not */
    /* This program's file by its name: under a tool such as valgrind,
     * /proc/self/exe itself is the tool. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        execv(self, args);
    }
    execv("/proc/self/exe", args);
    dprintf(2, "cannot run rubric explain: %s\n", strerror(errno));
    _exit(127);
}

/* Reads the child's two outputs until both end or time runs out. */
static bool drain(int out, int err, strbuf *text, strbuf *why)
{
    struct pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
    strbuf *to[2] = {text, why};
    time_t until = time(NULL) + EXPLAIN_SECONDS;
    int open_fds = 2;
    while (open_fds > 0) {
        long left = (long)(until - time(NULL));
        if (left <= 0)
            return false;
        int n = poll(fds, 2, (int)left * 1000);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            strbuf_grow(to[i], 4096);
            ssize_t got = read(fds[i].fd, to[i]->s + to[i]->len, 4096);
            if (got > 0)
                strbuf_setlen(to[i], to[i]->len + (size_t)got);
            else if (got == 0 || errno != EINTR) {
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    return true;
}

static bool explain(void *ctx, const char *policy_path, const char *data, const char *account, const char *as_of,
                    char **result)
{
    (void)ctx;
    const char *given[] = {"rubric", "explain", policy_path, data, "--account", account, "--as-of", as_of};
    int nargs = as_of ? 8 : 6;
    char *args[9] = {NULL};
    for (int i = 0; i < nargs; i++)
        args[i] = xstrdup(given[i]);
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (pipe(out) < 0 || pipe(err) < 0) {
        if (out[0] >= 0) {
            close(out[0]);
            close(out[1]);
        }
        *result = xstrdup("cannot run rubric explain: no pipe");
        for (int i = 0; i < nargs; i++)
            free(args[i]);
        return false;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(out[0]);
        close(err[0]);
        child(out[1], err[1], args);
    }
    close(out[1]);
    close(err[1]);
    for (int i = 0; i < nargs; i++)
        free(args[i]);
    strbuf text = {0}, why = {0};
    bool done = pid > 0 && drain(out[0], err[0], &text, &why);
    close(out[0]);
    close(err[0]);
    int status = 0;
    if (pid > 0) {
        if (!done)
            kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    bool ok = done && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
        *result = strbuf_take(&text, NULL);
    } else {
        if (pid < 0)
            strbuf_adds(&why, "cannot run rubric explain: fork failed");
        else if (!done)
            strbuf_addf(&why, "rubric explain took more than %d seconds and was stopped", EXPLAIN_SECONDS);
        while (why.len && why.s[why.len - 1] == '\n')
            strbuf_setlen(&why, why.len - 1);
        *result = strbuf_take(&why, NULL);
    }
    strbuf_free(&text);
    strbuf_free(&why);
    return ok;
}

int cmd_lsp(const verb_def *v, int argc, char **argv)
{
    int first, status = cli_parse(v, argc, argv, take, NULL, &first);
    if (status != EXIT_OK)
        return status == CLI_DONE ? EXIT_OK : status;
    if (first < argc)
        return usage_error("lsp", "takes no operands: the editor talks to it on standard input and output");
    /* A client that goes away must not kill the server mid-write. */
    signal(SIGPIPE, SIG_IGN);
    lsp_hooks hooks = {explain, NULL};
    return lsp_serve(stdin, stdout, &hooks);
}
