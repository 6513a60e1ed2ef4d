/* outfile.c - atomic replacement, held output, and the refusal to write
 * over an input (see outfile.h). */
#define _GNU_SOURCE /* fopencookie: held output behind an ordinary FILE */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* Held output stays in memory up to this size, then moves to a file. */
enum { HOLD_IN_MEMORY = 4 << 20 };

/* The temporary file to remove if a signal ends the run.  One at a time:
 * rubric writes one output file per run. */
static volatile sig_atomic_t have_pending;
static char pending_tmp[4096];

static void remove_on_signal(int sig)
{
    if (have_pending)
        unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- Held output ---------------------------------------------------------- */

struct held_output {
    char *mem;
    size_t len, cap;
    int spill;       /* the unlinked file past HOLD_IN_MEMORY, or -1 */
};

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int spill_file_in(const char *dir)
{
    size_t n = strlen(dir);
    char *name = xmalloc(n + 24);
    memcpy(name, dir, n);
    memcpy(name + n, "/rubric-held.XXXXXX", 20);
    int fd = mkstemp(name);
    if (fd >= 0)
        unlink(name);
    free(name);
    return fd;
}

/* An unlinked file in TMPDIR, else /tmp: gone with the process, whatever
 * ends it. */
static int spill_file(void)
{
    const char *dir = getenv("TMPDIR");
    int fd = dir && *dir ? spill_file_in(dir) : -1;
    return fd >= 0 ? fd : spill_file_in("/tmp");
}

static ssize_t held_write(void *cookie, const char *buf, size_t size)
{
    struct held_output *h = cookie;
    if (h->spill < 0 && h->len + size > HOLD_IN_MEMORY) {
        h->spill = spill_file();
        if (h->spill < 0 || !write_all(h->spill, h->mem, h->len))
            return -1;
        free(h->mem);
        h->mem = NULL;
        h->len = h->cap = 0;
    }
    if (h->spill >= 0)
        return write_all(h->spill, buf, size) ? (ssize_t)size : -1;
    if (h->len + size > h->cap) {
        size_t cap = h->cap ? h->cap : 64 << 10;
        while (cap < h->len + size)
            cap *= 2;
        h->mem = xrealloc(h->mem, cap);
        h->cap = cap;
    }
    memcpy(h->mem + h->len, buf, size);
    h->len += size;
    return (ssize_t)size;
}

static int held_close(void *cookie)
{
    (void)cookie; /* freed by release(): the copy out needs it after fclose */
    return 0;
}

static FILE *hold(outfile *o)
{
    o->held = xcalloc(1, sizeof *o->held);
    o->held->spill = -1;
    cookie_io_functions_t io = {.read = NULL, .write = held_write, .seek = NULL, .close = held_close};
    FILE *f = fopencookie(o->held, "w", io);
    if (!f) {
        free(o->held);
        o->held = NULL;
    }
    return f;
}

/* Copies what was held to o->fd. */
static bool copy_out(outfile *o)
{
    struct held_output *h = o->held;
    if (h->spill < 0)
        return write_all(o->fd, h->mem, h->len);
    if (lseek(h->spill, 0, SEEK_SET) < 0)
        return false;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(h->spill, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        if (!write_all(o->fd, buf, (size_t)n))
            return false;
    }
}

/* ---- Opening ---------------------------------------------------------------- */

/* The path a chain of symbolic links ends at (the link's own path when it
 * is not one).  A dangling link gives the path it points to, so the file is
 * created there instead of replacing the link.  NULL with errno set. */
static char *follow_links(const char *path)
{
    char *at = xstrdup(path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(at, &st) != 0 || !S_ISLNK(st.st_mode))
            return at;
        if (hops == 40) {
            free(at);
            errno = ELOOP;
            return NULL;
        }
        char target[PATH_MAX];
        ssize_t n = readlink(at, target, sizeof target - 1);
        if (n < 0) {
            free(at);
            return NULL;
        }
        target[n] = '\0';
        char *next;
        const char *slash = strrchr(at, '/');
        if (target[0] == '/' || !slash) {
            next = xstrdup(target);
        } else {
            size_t dir = (size_t)(slash - at) + 1;
            next = xmalloc(dir + (size_t)n + 1);
            memcpy(next, at, dir);
            memcpy(next + dir, target, (size_t)n + 1);
        }
        free(at);
        at = next;
    }
}

static bool open_atomic(outfile *o, const char *target, const struct stat *existing)
{
    size_t n = strlen(target);
    if (n + 16 > sizeof pending_tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    o->tmp = xmalloc(n + 16);
    memcpy(o->tmp, target, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        return false;
    /* mkstemp makes the file 0600: a file replaced keeps its permissions,
     * a new one gets an ordinary file's. */
    mode_t mode;
    if (existing) {
        mode = existing->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int saved = errno;
        close(fd);
        unlink(o->tmp);
        errno = saved;
        return false;
    }
    o->path = xstrdup(target);
    memcpy(pending_tmp, o->tmp, n + 12);
    have_pending = 1;
    signal(SIGINT, remove_on_signal);
    signal(SIGTERM, remove_on_signal);
    signal(SIGHUP, remove_on_signal);
    signal(SIGPIPE, remove_on_signal);
    return true;
}

/* Output to a descriptor: held unless it is a character device. */
static bool open_fd(outfile *o, int fd, bool close_fd)
{
    o->fd = fd;
    o->close_fd = close_fd;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
        o->f = fd == STDOUT_FILENO ? stdout : fdopen(fd, "w");
        return o->f != NULL;
    }
    o->f = hold(o);
    return o->f != NULL;
}

static void release(outfile *o)
{
    have_pending = 0;
    if (o->held) {
        if (o->held->spill >= 0)
            close(o->held->spill);
        free(o->held->mem);
        free(o->held);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}

bool outfile_open(outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (!path || strcmp(path, "-") == 0) {
        fflush(stdout);
        if (open_fd(o, STDOUT_FILENO, false))
            return true;
        release(o);
        return false;
    }
    char *target = follow_links(path);
    if (!target)
        return false;
    struct stat st;
    bool exists = stat(target, &st) == 0;
    bool ok;
    if (exists && S_ISDIR(st.st_mode)) {
        /* Renaming onto a folder would fail only at the end, after all the work. */
        errno = EISDIR;
        ok = false;
    } else if (!exists || S_ISREG(st.st_mode)) {
        ok = open_atomic(o, target, exists ? &st : NULL);
    } else {
        /* A device or a FIFO: replacing it with a file would break every
         * other program that uses it (as root, /dev/null). */
        int fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        ok = fd >= 0 && open_fd(o, fd, true);
        if (!ok && fd >= 0) {
            int saved = errno;
            close(fd);
            errno = saved;
        }
    }
    free(target);
    if (!ok) {
        int saved = errno;
        release(o);
        errno = saved;
    }
    return ok;
}

bool outfile_commit(outfile *o)
{
    bool ok = fflush(o->f) == 0 && !ferror(o->f);
    if (o->path) {
        if (fclose(o->f) != 0)
            ok = false;
        if (ok && rename(o->tmp, o->path) != 0)
            ok = false;
        if (!ok) {
            int saved = errno;
            unlink(o->tmp);
            errno = saved;
        }
    } else if (o->held) {
        if (fclose(o->f) != 0)
            ok = false;
        if (ok && !copy_out(o))
            ok = false;
        if (o->close_fd && close(o->fd) != 0)
            ok = false;
    } else if (o->f != stdout) {
        if (fclose(o->f) != 0) /* closes o->fd too */
            ok = false;
    }
    int saved = errno;
    release(o);
    errno = saved;
    return ok;
}

void outfile_abort(outfile *o)
{
    if (!o->f) {
        release(o);
        return;
    }
    if (o->path) {
        fclose(o->f);
        unlink(o->tmp);
    } else if (o->held) {
        fclose(o->f);
        if (o->close_fd)
            close(o->fd);
    } else if (o->f != stdout) {
        fclose(o->f);
    } else {
        fflush(stdout);
    }
    release(o);
}

/* ---- Inputs ------------------------------------------------------------------ */

const char *outfile_clobbers(const char *path, const char *const *inputs, int n)
{
    struct stat out;
    if (!path || strcmp(path, "-") == 0) {
        /* Only a regular file: a pipe or a terminal is never an input file. */
        if (fstat(STDOUT_FILENO, &out) != 0 || !S_ISREG(out.st_mode))
            return NULL;
    } else if (stat(path, &out) != 0) {
        return NULL; /* a new file (or a dangling link) clobbers nothing */
    }
    for (int i = 0; i < n; i++) {
        struct stat in;
        if (!inputs[i])
            continue;
        /* Standard input may be a file too (`< accounts.csv`). */
        if (strcmp(inputs[i], "-") == 0 ? fstat(STDIN_FILENO, &in) != 0 || !S_ISREG(in.st_mode)
                                        : stat(inputs[i], &in) != 0)
            continue;
        if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return inputs[i];
    }
    return NULL;
}
