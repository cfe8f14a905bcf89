/*
 * bench_util.h -- what every benchmark needs, written once: a monotonic
 * clock, the process's peak resident memory, running a measurement in a
 * child process of its own, and finding the domain file of a GENIUS
 * folder of the shared data (the rule test_analysis_reference.c uses too);
 * and the generated linear scenarios of bench_analyze and bench_many.
 *
 * Header-only (static inline): each benchmark is one .c file built with
 * include/ and src/parleyx only, so there is no library of bench code to
 * link.  Only bench_linear_scenario allocates (the scenario it returns,
 * through the library); POSIX (fork, pipe, getrusage) is assumed.
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

#include "parley/parley.h"

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

/* The shape of party p in bench_linear_scenario: its unnormalised weight
 * w[i] > 0 of every issue i < issues, and whether its evaluation rises
 * (k/9) or falls (1 - k/9).  Called once per party, in order. */
typedef void (*bench_shape_fn)(void *ud, unsigned p, unsigned issues, double *w, bool *rising);

/* A scenario named name of `issues` integer issues 0..9 ("issue01", ...)
 * and `parties` negotiators ("party1", ...) with linear evaluations and the
 * weights of shape, normalised, and reservation value rv.  NULL when the
 * library refuses it (said on stderr).  The caller frees it
 * (parley_scenario_free).  At most 64 issues. */
static inline parley_scenario *bench_linear_scenario(const char *name, unsigned parties,
                                                     unsigned issues, double rv,
                                                     bench_shape_fn shape, void *ud)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    if (!sc || issues > 64) {
        parley_scenario_free(sc);
        return NULL;
    }
    char nm[32];
    parley_scenario_set_name(sc, name);
    for (unsigned i = 0; i < issues; i++) {
        snprintf(nm, sizeof nm, "issue%02u", i + 1);
        parley_scenario_add_integer(sc, nm, 0, 9, 1, NULL, &err);
    }
    for (unsigned p = 0; p < parties; p++) {
        snprintf(nm, sizeof nm, "party%u", p + 1);
        parley_scenario_add_party(sc, nm, PARLEY_ROLE_NEGOTIATOR, NULL, &err);
        double w[64], tot = 0.0;
        bool rising[64];
        shape(ud, p, issues, w, rising);
        for (unsigned i = 0; i < issues; i++)
            tot += w[i];
        for (unsigned i = 0; i < issues; i++) {
            parley_party_set_weight(sc, p, i, w[i] / tot);
            if (rising[i])
                parley_party_set_linear(sc, p, i, 0.0, 1.0 / 9.0, 0.0);
            else
                parley_party_set_linear(sc, p, i, 1.0, -1.0 / 9.0, 0.0);
        }
        parley_party_set_reservation(sc, p, rv);
    }
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generated scenario %s: %s\n", name, err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

#endif
