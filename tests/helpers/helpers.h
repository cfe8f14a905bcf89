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
 *   random_scenario the tests' random scenarios, shaped by a random_spec,
 *                   and random_rule, their random red lines (scenario.c);
 *   slurp           a whole file into memory (files.c);
 *   tmpdir_*        a private temporary folder and its removal (files.c);
 *   run_command     a shell command's standard output and exit status
 *                   (run.c);
 *   vec_*           lexicographic order and Pareto dominance of utility
 *                   vectors, for the brute-force oracles (vec.c).
 *
 * The helpers use only the public API and the C library; those that can
 * fail in a way a test did not ask for stop the test with a Criterion
 * assertion.  Nothing here is thread-safe: a counting allocator, a
 * generator and a temporary folder belong to one test thread.
 */
#ifndef PARLEY_TEST_HELPERS_H
#define PARLEY_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parley/parley.h"

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

/* ------------------------------------------------------------ scenarios */

#define RANDOM_MAX_ISSUES 8

/* What a random scenario is made of.  Start from {0} and set what a test
 * needs; every count range is inclusive and drawn uniformly, a "one_in"
 * chance n means 1/n (0: never, 1: always, without a draw).  Names are
 * i0, i1, ... for issues, v0, v1, ... for values and P0, P1, ... for
 * parties, unless wild is set. */
typedef struct random_spec {
    /* issues */
    size_t issues_min, issues_max;       /* at most RANDOM_MAX_ISSUES */
    unsigned integer_one_in;             /* an issue is integer (else discrete) */
    size_t values_min, values_max;       /* a discrete issue's values (1 to 8) */
    unsigned int_lo_n;                   /* an integer issue's lowest value in [0, n) */
    size_t int_values_min, int_values_max; /* an integer issue's values */
    int64_t int_step;                    /* its step (0 means 1) */
    /* parties: a drawn count with drawn roles, or exact counts */
    size_t parties_min, parties_max;     /* when negotiators is 0 */
    size_t negotiators, ratifiers, mediators; /* exact, in that order */
    size_t roles_from;    /* drawn counts: parties from this index draw a role */
    bool role_last_only;  /* ... and of those only the last party does */
    unsigned role_die;    /* a drawn role: face 0 ratifier, face 1 mediator
                           * when the die has 3 faces or more, else negotiator */
    unsigned bare_one_in;    /* a mediator has no preferences, reservation
                              * value or discount */
    unsigned no_prefs_one_in; /* a party from roles_from has no weights (its
                               * reservation value and red lines still count) */
    /* weights: zero now and then, else tenths, optionally spread over the
     * issues (w * weight_spread / issues: weights near a sum of 1) */
    unsigned zero_weight_one_in;
    unsigned weight_tenths_min, weight_tenths_max;
    double weight_spread; /* 0: none */
    /* evaluations: tables from rng_eval for discrete issues; linear for
     * integer ones, rising or falling by a drawn direction, or by party
     * (even parties rise: opposed parties) */
    bool opposed;
    bool free_intercept;  /* the intercept (0 or 1) is drawn apart from the
                           * direction (so a rule may be flat at 0 or 1) */
    double linear_slope;  /* |slope| per unit; 0: spans [0, 1] over the range */
    /* reservation values, one drawn from the list (none set when empty);
     * discounts in tenths, set one time in discount_one_in */
    const double *reservations;
    size_t nreservations;
    unsigned discount_one_in;
    unsigned discount_tenths_min, discount_tenths_max;
    /* red lines from random_rule: 0 to redlines_per_party for every party,
     * or 0 to redlines_total for drawn parties, of depth redline_depth;
     * then fixed_redline (its text) for party 0 after a first finalize */
    size_t redlines_per_party, redlines_total;
    int redline_depth;
    /* the rules' shapes: false, random_rule's nine; true, the diagnosis's
     * (issue comparisons: ==, != and in on discrete issues, <= and >= on
     * integer ones -- the limits whose bends the diagnosis computes -- one
     * time in six a utility threshold) */
    bool limit_rules;
    const char *fixed_redline;
    /* the round-trip mix instead of the plain one: awkward names and
     * descriptions (quotes, colons, Unicode line breaks), real issues,
     * integer issues with any bounds and step, constant, triangular and
     * piecewise evaluations, full-precision numbers, explicit zero weights,
     * -0.0, capabilities; the counts above still apply */
    bool wild;
} random_spec;

/* The shape of a random scenario, as random_rule and the tests need it. */
typedef struct random_model {
    size_t m, np;                           /* issues, parties */
    size_t nv[RANDOM_MAX_ISSUES];           /* values per issue */
    parley_issue_kind kind[RANDOM_MAX_ISSUES];
    int64_t lo[RANDOM_MAX_ISSUES], step[RANDOM_MAX_ISSUES]; /* integer issues */
    double rlo[RANDOM_MAX_ISSUES];          /* real issues' lowest value */
    bool quote;                             /* names need quotes in rules */
    bool limit_rules;                       /* random_rule draws limit shapes */
} random_model;

/* A finalized random scenario drawn from r as spec says (asserts that it
 * was built); its shape into *out when out is not NULL.  The same spec
 * and state give the same scenario.  Free it with parley_scenario_free. */
parley_scenario *random_scenario(rng *r, const random_spec *spec, random_model *out);

/* A random red line for party p of the scenario md describes, into buf (n
 * bytes): one of nine shapes over values and utilities (!=, not (== and
 * ==), utility thresholds, ->, in, >= or == ... or ..., true), or with
 * md->limit_rules the diagnosis's shapes (see random_spec); with depth
 * d > 0, one time in three joined by ->, and or or to one of depth d-1. */
void random_rule(rng *r, const parley_scenario *sc, const random_model *md, size_t p, int depth,
                 char *buf, size_t n);

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
/* Write text to dir/name (one folder level in name is made) and return
 * the path, from 8 rotating static buffers (valid for the next 7 calls). */
const char *put_in(const char *dir, const char *name, const char *text);

/* ------------------------------------------------------------ commands */

/* Run cmd with /bin/sh (popen): its standard output into *out (malloc'd,
 * NUL-terminated; the caller frees it with free()), its exit status
 * returned (-1 when it did not exit normally).  Standard error is left
 * alone: redirect it in cmd ("2>&1", "2>/dev/null") as needed. */
int run_command(const char *cmd, char **out);

/* ------------------------------------------------------------ vectors */

/* -1, 0 or 1 as a is lexicographically below, equal to or above b (d
 * entries each). */
int vec_cmp(const double *a, const double *b, size_t d);
/* Does a Pareto-dominate b: a >= b everywhere and > somewhere? */
bool vec_dominates(const double *a, const double *b, size_t d);

#endif
