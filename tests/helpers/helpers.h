/*
 * helpers.h -- small pieces that several tests need, written once.
 *
 * Every test executable is built with every .c file of tests/helpers
 * (CMakeLists.txt globs the folder), so a test only includes this header
 * to use them:
 *
 *   counting_alloc  a parley_allocator hook that counts live blocks, live
 *                   bytes and allocation requests, and fails request
 *                   number fail_at (counting_alloc.c);
 *   rng_*           the tests' xorshift64 generator (13, 7, 17), with the
 *                   draws the tests take from it (rng.c);
 *   slurp           a whole file into memory (files.c);
 *   tmpdir_*        a private temporary folder and its removal (files.c);
 *   run_command     a shell command's standard output and exit status
 *                   (run.c).
 *
 * The helpers use only the public API and the C library; those that can
 * fail in a way a test did not ask for stop the test with a Criterion
 * assertion.  Nothing here is thread-safe: a counting allocator, a
 * generator and a temporary folder belong to one test thread.
 */
#ifndef PARLEY_TEST_HELPERS_H
#define PARLEY_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ allocator */

/* The state of a counting allocator: pass its address as the user data of
 * a parley_allocator whose hook is counting_alloc.  Start from all zeros
 * ({0} or {.fail_at = n}); the counters then say what the library did.
 * Blocks come from the C library (realloc/free). */
typedef struct counting {
    long blocks;  /* live blocks: allocations minus frees */
    long bytes;   /* live bytes, by the sizes the library passes */
    long calls;   /* allocation and reallocation requests so far */
    long fail_at; /* request number fail_at (1-based) returns NULL; 0: never */
} counting;

/* A parley_alloc_fn: nsize == 0 frees ptr (NULL is fine); otherwise
 * counts the request and, unless it is request number fail_at, reallocates
 * ptr (from osize bytes) to nsize bytes.  A failed request changes nothing
 * but the call count.  Not thread-safe (set the library's threads to 1). */
void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* ------------------------------------------------------------ generator */

/* xorshift64 with shifts 13, 7, 17.  Seed s with any non-zero value; the
 * same seed gives the same stream, so a failing case can be replayed. */
typedef struct rng {
    uint64_t s;
} rng;

/* The next state, which is also the draw (the raw 64-bit step). */
uint64_t rng_next(rng *r);
/* The next state's bits 11..42: a 32-bit draw. */
uint32_t rng_u32(rng *r);
/* A double in [0, 1) from the next state's top 53 bits. */
double rng_unit(rng *r);
/* An evaluation from the coarse grid {0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6,
 * 0.7, 0.75, 0.9, 1} (rng_u32 % 11), so that exact ties are common. */
double rng_eval(rng *r);

/* ------------------------------------------------------------ files */

/* The whole file at path, NUL-terminated; its length (without the NUL) in
 * *len when len is not NULL.  NULL when the file cannot be opened.  The
 * caller frees the text with free(). */
char *slurp(const char *path, size_t *len);

/* A fresh folder /tmp/parley-<tag>-XXXXXX (mkdtemp); its path into dir,
 * which holds n bytes.  Asserts that it was made. */
void tmpdir_make(char *dir, size_t n, const char *tag);
/* Remove the folder dir and everything below it (read-only parts too);
 * an empty dir does nothing.  Asserts that the removal worked. */
void tmpdir_remove(const char *dir);

/* ------------------------------------------------------------ commands */

/* Run cmd with /bin/sh (popen): its standard output into *out (malloc'd,
 * NUL-terminated; the caller frees it with free()), its exit status
 * returned (-1 when it did not exit normally).  Standard error is left
 * alone: redirect it in cmd ("2>&1", "2>/dev/null") as needed. */
int run_command(const char *cmd, char **out);

#endif
