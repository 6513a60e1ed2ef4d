#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

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

bool outfile_open(outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return true;
    }
    /* Renaming onto a folder fails only at the end, after all the work. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return false;
    }
    size_t n = strlen(path);
    if (n + 16 > sizeof pending_tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    o->path = xstrdup(path);
    o->tmp = xmalloc(n + 16);
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int saved = errno;
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        errno = saved;
        return false;
    }
    /* mkstemp makes the file 0600; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int saved = errno;
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        errno = saved;
        return false;
    }
    memcpy(pending_tmp, o->tmp, n + 12);
    have_pending = 1;
    signal(SIGINT, remove_on_signal);
    signal(SIGTERM, remove_on_signal);
    signal(SIGHUP, remove_on_signal);
    signal(SIGPIPE, remove_on_signal);
    return true;
}

static void release(outfile *o)
{
    have_pending = 0;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

bool outfile_commit(outfile *o)
{
    if (!o->path) {
        bool ok = fflush(stdout) == 0 && !ferror(stdout);
        o->f = NULL;
        return ok;
    }
    bool ok = fflush(o->f) == 0 && !ferror(o->f);
    if (fclose(o->f) != 0)
        ok = false;
    if (ok && rename(o->tmp, o->path) != 0)
        ok = false;
    if (!ok) {
        int saved = errno;
        unlink(o->tmp);
        errno = saved;
    }
    release(o);
    return ok;
}

void outfile_abort(outfile *o)
{
    if (!o->path) {
        fflush(stdout);
        o->f = NULL;
        return;
    }
    fclose(o->f);
    unlink(o->tmp);
    release(o);
}
