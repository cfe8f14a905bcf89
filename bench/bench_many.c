/*
 * bench_many.c -- the analysis with many parties (issue #21): random
 * linear-additive scenarios of k negotiators over n integer issues of 10
 * values, reservation values 0.3 (and three six-party rows at 0.45, 0.5
 * and 0.6), analysed with the solution-first engine
 * (agreement count and the four bargaining solutions, the frontier not
 * listed) and, where it is affordable, with the full frontier.
 *
 *   build/bench_many [--threads N] [--only NAME] [--seed S] [--frontier MODE]
 *
 * The generator (fixed seed): party p's weight of issue i is uniform in
 * [0.2, 1), normalised; its evaluation of value k rises (k/9) or falls
 * (1 - k/9), each with probability 1/2.  Every row runs in a child process
 * of its own (peak memory is the row's); wall time is parley_analyze()
 * alone, loading excluded.
 */
#include "bench_util.h"

#include "parley/parley.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;
static double rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* Weights uniform in [0.2, 1), then a coin for each direction. */
static void random_shape(void *ud, unsigned p, unsigned issues, double *w, bool *rising)
{
    (void)ud;
    (void)p;
    for (unsigned i = 0; i < issues; i++)
        w[i] = 0.2 + 0.8 * rnd();
    for (unsigned i = 0; i < issues; i++)
        rising[i] = rnd() < 0.5;
}

/* The row's name: rand<k>p_<n>x10, and _rv<100 rv> when rv is not 0.3. */
static void row_name(unsigned parties, unsigned issues, double rv, char *name, size_t n)
{
    snprintf(name, n, "rand%up_%ux10", parties, issues);
    if (rv != 0.3)
        snprintf(name + strlen(name), n - strlen(name), "_rv%.0f", rv * 100.0);
}

static parley_scenario *generate(unsigned parties, unsigned issues, double rv, uint64_t seed)
{
    char name[48];
    row_name(parties, issues, rv, name, sizeof name);
    rng_state = seed * 2654435761u + parties * 97u + issues;
    return bench_linear_scenario(name, parties, issues, rv, random_shape, NULL);
}

typedef struct row {
    unsigned parties, issues;
    double rv; /* every party's reservation value */
} row;

typedef struct bench_record {
    int ok;
    long kib;
    char text[400];
} bench_record;

typedef struct job {
    row r;
    unsigned threads;
    uint64_t seed;
    const char *frontier;
} job;

/* BENCH_PHASES=1: each phase's start on standard error. */
static double phase_t0;
static int phase_print(void *ud, const char *phase, double f)
{
    static const char *last;
    (void)ud;
    (void)f;
    if (phase != last)
        fprintf(stderr, "  %8.3f s  %s\n", bench_now() - phase_t0, phase);
    last = phase;
    return 0;
}

static void run_row(void *arg, void *recv)
{
    const job *j = arg;
    bench_record *rec = recv;
    parley_scenario *sc = generate(j->r.parties, j->r.issues, j->r.rv, j->seed);
    if (!sc)
        return;
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.threads = j->threads;
    opt.max_work = (uint64_t)1 << 40;
    if (j->frontier && parley_analysis_frontier_parse(j->frontier, &opt, NULL) != PARLEY_OK) {
        snprintf(rec->text, sizeof rec->text, "bad --frontier %s", j->frontier);
        parley_scenario_free(sc);
        return;
    }
    if (getenv("BENCH_PHASES"))
        opt.progress = phase_print;
    parley_analysis *an = NULL;
    parley_error err;
    double t0 = bench_now();
    phase_t0 = t0;
    parley_status st = parley_analyze(sc, &opt, &an, &err);
    double t = bench_now() - t0;
    if (st != PARLEY_OK) {
        snprintf(rec->text, sizeof rec->text, "failed after %.2f s: %.200s", t, err.message);
        rec->kib = bench_peak_kib();
        parley_scenario_free(sc);
        return;
    }
    char agree[64], pareto[64];
    parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, agree, sizeof agree);
    parley_analysis_count_text(an, PARLEY_COUNT_PARETO_AGREEMENTS, pareto, sizeof pareto);
    double nash = 0.0;
    size_t d = parley_analysis_dims(an);
    const double *u = NULL;
    if (parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, NULL) && u) {
        nash = 1.0;
        for (size_t k = 0; k < d; k++)
            nash *= u[k] - j->r.rv;
    }
    snprintf(rec->text, sizeof rec->text, "%s | %s%s | %zu | %s | %.6g | %.3f", agree, pareto,
             parley_analysis_frontier_complete(an) ? "" : " (listed: partial)",
             parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS),
             parley_analysis_frontier_mode(an), nash, t);
    rec->ok = 1;
    parley_analysis_free(an);
    parley_scenario_free(sc);
    rec->kib = bench_peak_kib();
}

int main(int argc, char **argv)
{
    unsigned threads = 1;
    const char *only = NULL, *frontier = NULL;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--frontier") && i + 1 < argc)
            frontier = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--threads N] [--only NAME] [--seed S] "
                            "[--frontier MODE]\n", argv[0]);
            return 2;
        }
    }
    /* (the last three: agreements a few percent of the space, a tenth of a
     * percent, none -- counted by the margins' cut and agreements_exist) */
    static const row rows[] = {{3, 8, 0.3},  {4, 8, 0.3},  {5, 8, 0.3}, {6, 8, 0.3},
                               {8, 8, 0.3},  {4, 10, 0.3}, {6, 8, 0.45}, {6, 8, 0.5},
                               {6, 8, 0.6}};
    printf("| scenario | outcomes | agreements | Pareto agreements | listed | frontier | Nash "
           "product | wall s | peak MB |\n|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        char name[48];
        row_name(rows[k].parties, rows[k].issues, rows[k].rv, name, sizeof name);
        if (only && !strstr(name, only))
            continue;
        job j = {rows[k], threads, seed, frontier};
        bench_record rec;
        bench_in_child(run_row, &j, &rec, sizeof rec);
        printf("| %s | 10^%u | %s | %.1f |\n", name, rows[k].issues,
               rec.ok ? rec.text : rec.text[0] ? rec.text : "(crashed)", (double)rec.kib / 1024.0);
        fflush(stdout);
    }
    return 0;
}
