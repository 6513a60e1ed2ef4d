/*
 * peakrss — run a command, then report its wall time and peak resident memory.
 *
 *   peakrss COMMAND [ARG...]
 *
 * Prints one line to stderr after the command ends:
 *   peakrss: elapsed_s=1.234567 maxrss_kib=5120
 * and exits with the command's own status (128 + N when it was killed by signal N), so a
 * failing command still fails the script that measured it. GNU time would do, but is not on
 * every machine; wait4 gives the child's own peak RSS, not this process's.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: peakrss COMMAND [ARG...]\n", stderr);
        return 2;
    }
    double start = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        perror("peakrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "peakrss: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }

    int status;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    double elapsed = now_s() - start;
    if (r < 0) {
        perror("peakrss: wait4");
        return 127;
    }
    /* On Linux ru_maxrss is already in KiB. */
    fprintf(stderr, "peakrss: elapsed_s=%.6f maxrss_kib=%ld\n", elapsed, (long)ru.ru_maxrss);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 127;
}
