/*
 * px_sys.c -- the parleyx_ helpers that touch the system: whole-file
 * reading and threads (see parleyx.h for the contracts).
 *
 * parleyx_read_file is the one whole-file reader of every format's front
 * end (native YAML/JSON, GENIUS XML, GeniusWeb JSON, KTAB CSV/XML, the
 * tournament configuration), so every reader has the same limit rule: a
 * file whose size is over `limit` bytes is refused before it is read, and
 * one that grows while read is refused as soon as limit + 1 bytes are in
 * (never read whole first); never above INT_MAX (libxml2 and libfyaml take
 * int sizes).  The block grows by doubling from 4 KiB, capped at limit + 1,
 * and is shrunk to the exact size at the end, so the caller frees
 * *size + 1 bytes.
 *
 * The thread helpers are the only pthread_create call in parley.  Threads
 * start with every signal blocked (the mask is set on the calling thread
 * around the creation and restored), so signal handlers always run on the
 * calling thread.
 */
#include "parleyx.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static parley_status px_too_big(parley_error *err, const char *path, size_t limit)
{
    return parleyx_fail(err, PARLEY_ERR_LIMIT, path, 0, 0,
                        "the file is larger than the limit of %zu bytes; raise it if the file is "
                        "genuine (max_file_bytes in the load options, or --max-input MiB on the "
                        "command line)",
                        limit);
}

parley_status parleyx_not_regular(const char *path, parley_error *err)
{
    return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                        "is not a regular file (a pipe, a device or a socket); save the input to "
                        "a file and give its path");
}

/* Open path for reading if it is a regular file. */
static parley_status px_open_regular(const char *path, FILE **out, parley_error *err)
{
    struct stat st;
    *out = NULL;
    if (stat(path, &st) != 0)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot open: %s; check the path",
                            strerror(errno));
    if (S_ISDIR(st.st_mode))
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                            "is a folder, expected a file; give the file, or the folder alone "
                            "as the input");
    if (!S_ISREG(st.st_mode))
        return parleyx_not_regular(path, err);
    FILE *f = fopen(path, "rb");
    if (!f)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot open: %s; check the path",
                            strerror(errno));
    *out = f;
    return PARLEY_OK;
}

parley_status parleyx_read_file(const parley_allocator *a, const char *path, size_t limit,
                                char **data, size_t *size, parley_error *err)
{
    *data = NULL;
    *size = 0;
    if (!limit)
        limit = PARLEYX_DEFAULT_MAX_FILE;
    if (limit > (size_t)INT_MAX)
        limit = (size_t)INT_MAX;
    FILE *f;
    parley_status st = px_open_regular(path, &f, err);
    if (st != PARLEY_OK)
        return st;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && (uintmax_t)sb.st_size > limit) {
        fclose(f); /* refused at once: nothing is read */
        return px_too_big(err, path, limit);
    }
    size_t cap = 4096, len = 0;
    char *buf = parleyx_malloc(a, cap + 1);
    if (!buf) {
        fclose(f);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory reading the file");
    }
    for (;;) {
        if (len == cap) {
            if (cap > limit)
                break; /* more than the limit read: refused below */
            /* never more than limit + 1 bytes: one past it proves too much */
            size_t ncap = cap <= limit / 2 ? 2 * cap : limit + 1;
            char *nb = parleyx_realloc(a, buf, cap + 1, ncap + 1);
            if (!nb) {
                parleyx_free(a, buf, cap + 1);
                fclose(f);
                return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0,
                                    "out of memory reading the file");
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (ioerr) {
        parleyx_free(a, buf, cap + 1);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "read error");
    }
    if (len > limit) {
        parleyx_free(a, buf, cap + 1);
        return px_too_big(err, path, limit);
    }
    /* Shrink to the exact size so the caller frees with size + 1; a
     * failed shrink keeps the larger block through a copy. */
    char *nb = parleyx_realloc(a, buf, cap + 1, len + 1);
    if (!nb) {
        nb = parleyx_malloc(a, len + 1);
        if (!nb) {
            parleyx_free(a, buf, cap + 1);
            return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0,
                                "out of memory reading the file");
        }
        memcpy(nb, buf, len);
        parleyx_free(a, buf, cap + 1);
    }
    nb[len] = '\0';
    *data = nb;
    *size = len;
    return PARLEY_OK;
}

unsigned parleyx_threads_start(pthread_t *threads, unsigned n, parleyx_thread_fn fn, void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    unsigned k = 0;
    while (k < n && pthread_create(&threads[k], NULL, fn, arg) == 0)
        k++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return k;
}

void parleyx_threads_join(pthread_t *threads, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        pthread_join(threads[k], NULL);
}

void parleyx_run_jobs(parleyx_thread_fn fn, void *jobs, size_t size, unsigned n)
{
    char *j = jobs;
    pthread_t th[PARLEYX_MAX_THREADS];
    bool started[PARLEYX_MAX_THREADS] = {false};
    unsigned nt = n < PARLEYX_MAX_THREADS ? n : PARLEYX_MAX_THREADS;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (unsigned k = 1; k < nt; k++)
        started[k] = pthread_create(&th[k], NULL, fn, j + k * size) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (n)
        fn(j);
    for (unsigned k = 1; k < n; k++) {
        if (k < nt && started[k])
            pthread_join(th[k], NULL);
        else
            fn(j + k * size);
    }
}
