/*
 * bench_nonlinear.c -- how fast is parley_analyze() on non-linear
 * (hyper-rectangle) scenarios like ANAC 2014's?
 *
 * A generated domain "rect_<n>": n integer issues 0..9 and two negotiators
 * whose utilities are interaction terms only (no linear part), as GENIUS's
 * non-linear profiles are: each party has 2n hyper-rectangles, each
 * bounding 2 to 6 distinct random issues to random sub-ranges [lo, hi] of
 * 0..9, with a random integer utility 1..100; the divisor is the sum of the
 * party's rectangle utilities (an upper bound of GENIUS's maxutility, so
 * u = S / divisor <= 1 as GENIUS's min(1, S / maxutility)).  Fixed seed:
 * the same domains every run.  Reservation values 0 (the ANAC setting).
 *
 * Every case runs in a child process of its own and prints the outcomes,
 * the frontier points, the wall time of parley_analyze() alone and the
 * child's peak resident memory; whether the result is exact, and the gap
 * when the limits stopped the search first.
 *
 * Usage: bench_nonlinear [--threads N] [--issues N,N,...] [--max-seconds S]
 *        [--max-outcomes N] [--rects K] (K rectangles a party per issue;
 *        default 2; --max-outcomes: the work limit, shared evenly by the
 *        search's tasks, so a stopped search explores every part of the
 *        space a little and its answer does not depend on the machine)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "bench_util.h"

typedef struct result {
    int ok;
    double wall;
    long maxrss_kb;
    char outcomes[64];
    char pareto[64];
    size_t points;
    int exact;
    double gap;
    double nash[2];
    char msg[256];
} result;

typedef struct bcase {
    unsigned n, rects, threads;
    double max_seconds;
    uint64_t max_work;
} bcase;

static uint64_t rnd_state;
static uint32_t rnd(uint32_t n)
{
    /* splitmix64 */
    uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (uint32_t)(z % n);
}

/* The generated domain rect_<n> (fixed seed per n). */
static parley_scenario *rect_domain(unsigned n, unsigned rects)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    char name[64];
    snprintf(name, sizeof name, "rect_%u", n);
    parley_scenario_set_name(sc, name);
    for (unsigned i = 0; i < n; i++) {
        snprintf(name, sizeof name, "i%u", i + 1);
        parley_scenario_add_integer(sc, name, 0, 9, 1, NULL, &err);
    }
    rnd_state = 0x5EED0000u + n;
    for (unsigned p = 0; p < 2; p++) {
        parley_scenario_add_party(sc, p ? "party2" : "party1", PARLEY_ROLE_NEGOTIATOR, NULL,
                                  &err);
        double sum = 0.0;
        for (unsigned r = 0; r < rects * n; r++) {
            unsigned k = 2 + rnd(5);
            if (k > n)
                k = n;
            unsigned used[64];
            char cond[1024] = "";
            for (unsigned q = 0; q < k; q++) {
                unsigned i;
                bool again;
                do {
                    i = rnd(n);
                    again = false;
                    for (unsigned z = 0; z < q; z++)
                        again |= used[z] == i;
                } while (again);
                used[q] = i;
                unsigned a = rnd(10), b = rnd(10);
                if (a > b) {
                    unsigned t = a;
                    a = b;
                    b = t;
                }
                size_t len = strlen(cond);
                snprintf(cond + len, sizeof cond - len, "%si%u >= %u and i%u <= %u",
                         q ? " and " : "", i + 1, a, i + 1, b);
            }
            double v = 1 + rnd(100);
            sum += v;
            if (parley_party_add_interaction(sc, p, cond, v, &err) != PARLEY_OK) {
                fprintf(stderr, "%s: %s\n", cond, err.message);
                parley_scenario_free(sc);
                return NULL;
            }
        }
        parley_party_set_interaction_divisor(sc, p, sum);
    }
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "rect_%u: %s\n", n, err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

static void case_child(void *arg, void *rec)
{
    const bcase *k = arg;
    result *r = rec;
    memset(r, 0, sizeof *r);
    parley_scenario *sc = rect_domain(k->n, k->rects);
    if (sc) {
        parley_analysis_options opt;
        parley_analysis_options_init(&opt);
        opt.threads = k->threads;
        opt.max_seconds = k->max_seconds;
        opt.max_work = k->max_work ? k->max_work : UINT64_MAX / 2;
        parley_analysis *an = NULL;
        parley_error err;
        double t0 = bench_now();
        parley_status st = parley_analyze(sc, &opt, &an, &err);
        r->wall = bench_now() - t0;
        if (st != PARLEY_OK) {
            snprintf(r->msg, sizeof r->msg, "%.250s", err.message);
        } else {
            r->ok = 1;
            parley_analysis_count_text(an, PARLEY_COUNT_OUTCOMES, r->outcomes,
                                       sizeof r->outcomes);
            parley_analysis_count_text(an, PARLEY_COUNT_PARETO_OUTCOMES, r->pareto,
                                       sizeof r->pareto);
            r->points = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
            r->exact = parley_analysis_exact(an);
            r->gap = parley_analysis_gap(an);
            const double *u;
            if (parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, NULL)) {
                r->nash[0] = u[0];
                r->nash[1] = u[1];
            }
            parley_analysis_free(an);
        }
        parley_scenario_free(sc);
    }
    r->maxrss_kb = bench_peak_kib();
}

int main(int argc, char **argv)
{
    unsigned threads = 2, rects = 2;
    double max_seconds = 120;
    uint64_t max_work = 0;
    const char *issues = "10,20,30,40,50";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--issues") == 0 && i + 1 < argc)
            issues = argv[++i];
        else if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc)
            max_seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--max-outcomes") == 0 && i + 1 < argc)
            max_work = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--rects") == 0 && i + 1 < argc)
            rects = (unsigned)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_nonlinear [--threads N] [--issues N,N,...] "
                            "[--max-seconds S] [--max-outcomes N] [--rects K]\n");
            return 2;
        }
    }
    printf("parley non-linear analysis benchmark: %u thread(s), %u rectangles a party per "
           "issue, limit %.0f s; peak RSS of a child process per scenario\n\n",
           threads, rects, max_seconds);
    printf("%-10s %52s %12s %7s %9s %9s %6s %10s  %s\n", "scenario", "outcomes", "pareto",
           "points", "wall s", "peak MB", "exact", "gap", "nash");
    char list[256];
    snprintf(list, sizeof list, "%s", issues);
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bcase k = {(unsigned)atoi(tok), rects, threads, max_seconds, max_work};
        if (k.n < 2 || k.n > 55)
            continue;
        result r;
        int got = bench_in_child(case_child, &k, &r, sizeof r);
        char name[32];
        snprintf(name, sizeof name, "rect_%u", k.n);
        if (got <= 0 || !r.ok) {
            printf("%-10s  failed after %.1f s: %s\n", name, r.wall, got > 0 ? r.msg : "child died");
            fflush(stdout);
            continue;
        }
        printf("%-10s %52s %12s %7zu %9.3f %9.1f %6s %10.3g  (%.4f, %.4f)\n", name, r.outcomes,
               r.pareto, r.points, r.wall, (double)r.maxrss_kb / 1024.0, r.exact ? "yes" : "no",
               r.gap, r.nash[0], r.nash[1]);
        fflush(stdout);
    }
    return 0;
}
