/*
 * bench_util.h -- what every benchmark needs, written once: a monotonic
 * clock, the process's peak resident memory, running a measurement in a
 * child process of its own, and finding the domain file of a GENIUS
 * folder of the shared data (the rule test_analysis_reference.c uses too).
 *
 * Header-only (static inline): each benchmark is one .c file built with
 * include/ and src/parleyx only, so there is no library of bench code to
 * link.  Nothing here allocates; POSIX (fork, pipe, getrusage) is assumed.
 */
#ifndef PARLEY_BENCH_UTIL_H
#define PARLEY_BENCH_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock (only differences mean anything). */
static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* This process's peak resident memory so far, in KiB (ru_maxrss). */
static inline long bench_peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Run fn(arg, rec) in a child process, so that its peak memory is its own,
 * and copy the child's record rec (size bytes, plain data: no pointers)
 * back through a pipe.  Returns 1 when the whole record came back, 0 when
 * the child died or wrote less (rec is then zeroed up to what arrived),
 * -1 when no pipe could be made (nothing ran). */
static inline int bench_in_child(void (*fn)(void *arg, void *rec), void *arg, void *rec,
                                 size_t size)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        fn(arg, rec);
        ssize_t w = write(fd[1], rec, size);
        _exit(w == (ssize_t)size ? 0 : 1);
    }
    close(fd[1]);
    memset(rec, 0, size);
    ssize_t got = read(fd[0], rec, size);
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    return got == (ssize_t)size;
}

/* The domain file of a GENIUS folder: the .xml file that is neither of the
 * listed profiles p1, p2 and holds a <negotiation_template> in its first
 * 4 KiB; the first such name in byte order.  Its path "dir/name" into out
 * (n bytes); false when there is none (out is then untouched). */
static inline bool bench_find_domain(const char *dir, const char *p1, const char *p2, char *out,
                                     size_t n)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return false;
    struct dirent *de;
    char best[512] = "";
    while ((de = readdir(dh)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0 || strcmp(de->d_name, p1) == 0 ||
            strcmp(de->d_name, p2) == 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%.1000s/%.1000s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char buf[4096];
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        if (strstr(buf, "negotiation_template") && (!best[0] || strcmp(de->d_name, best) < 0))
            snprintf(best, sizeof best, "%.500s", de->d_name);
    }
    closedir(dh);
    if (!best[0])
        return false;
    snprintf(out, n, "%.500s/%.500s", dir, best);
    return true;
}

#endif
