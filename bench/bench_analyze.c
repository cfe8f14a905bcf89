/*
 * bench_analyze.c -- how fast and how lean is parley_analyze()?
 *
 * For every bilateral scenario of ../shared/data/genius/REFERENCE.tsv
 * (loaded as the REFERENCE test does) and for generated linear-additive
 * scenarios of 10^9, 10^12 and 10^15 outcomes with small frontiers, it
 * runs the full analysis (both frontiers with exact counts, the agreement
 * count, the solutions) in a child process of its own and prints
 * outcomes, wall time, outcomes per second and the child's peak resident
 * memory (getrusage ru_maxrss: the whole process, loading included).
 *
 * Usage: bench_analyze [--threads N] [--repeat R] [--only NAME] [--no-generated]
 * The wall time is the best of R runs (default 3) of parley_analyze()
 * alone, loading excluded.
 *
 * The generated scenarios ("gen_<n>x10") have n issues of 10 values and
 * two negotiators: the first three issues are opposed (one party's
 * evaluation rises with the value, the other's falls), the others are
 * shared interests (both prefer higher values, with different curves and
 * weights); issues are listed shared-first, so the analysis must find the
 * conflict itself.  Reservation values 0.35 and 0.3 make the agreement
 * count a real question (over 80% of the space, its boundary running
 * through the whole space); the last rows use reservation values 0.
 *
 * "gen<k>p_<n>x10" have k negotiators (3 or 4) over n issues of 10 values:
 * on issue i party p's evaluation rises with the value when i + p is even
 * and falls otherwise, with weights that differ by party; reservation
 * values 0.3.  Their Pareto frontiers have thousands of points in 3 or 4
 * dimensions: the rows that measure the search's archive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "bench_util.h"

#define GENIUS_DIR PARLEY_SHARED_DATA "/genius"

typedef struct result {
    int ok;
    double wall;
    long maxrss_kb;
    char outcomes[64];
    char agreements[64];
    char pareto[64];
    size_t points;
    char msg[256];
} result;

static parley_scenario *generated(unsigned nissues, double rv1, double rv2)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    char name[32];
    snprintf(name, sizeof name, "gen_%ux10", nissues);
    parley_scenario_set_name(sc, name);
    for (unsigned i = 0; i < nissues; i++) {
        snprintf(name, sizeof name, "issue%02u", i + 1);
        parley_scenario_add_integer(sc, name, 0, 9, 1, NULL, &err);
    }
    parley_scenario_add_party(sc, "buyer", PARLEY_ROLE_NEGOTIATOR, NULL, &err);
    parley_scenario_add_party(sc, "seller", PARLEY_ROLE_NEGOTIATOR, NULL, &err);
    unsigned nopp = 3;
    for (unsigned i = 0; i < nissues; i++) {
        bool opposed = i >= nissues - nopp; /* listed last */
        double wa = opposed ? 0.6 / nopp : 0.4 / (nissues - nopp) * (0.5 + (double)(i % 3) / 2.0);
        double wb = opposed ? 0.55 / nopp : 0.45 / (nissues - nopp) * (1.2 - (double)(i % 4) / 5.0);
        parley_party_set_weight(sc, 0, i, wa);
        parley_party_set_weight(sc, 1, i, wb);
        if (opposed) {
            parley_party_set_linear(sc, 0, i, 0.0, 1.0 / 9.0, 0.0);
            parley_party_set_linear(sc, 1, i, 1.0, -1.0 / 9.0, 0.0);
        } else {
            double xa[3] = {0, 6, 9}, ya[3] = {0, 0.8, 1};
            double xb[3] = {0, 3, 9}, yb[3] = {0, 0.2, 1};
            parley_party_set_piecewise(sc, 0, i, 3, xa, ya);
            parley_party_set_piecewise(sc, 1, i, 3, xb, yb);
        }
    }
    parley_party_set_reservation(sc, 0, rv1);
    parley_party_set_reservation(sc, 1, rv2);
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generated scenario: %s\n", err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

/* Weights 1 + (7i + 3p) mod 5; issue i rises for party p when i + p is
 * even. */
static void fixed_shape(void *ud, unsigned p, unsigned issues, double *w, bool *rising)
{
    (void)ud;
    for (unsigned i = 0; i < issues; i++) {
        w[i] = 1.0 + (double)((i * 7 + p * 3) % 5);
        rising[i] = (i + p) % 2 == 0;
    }
}

static parley_scenario *generated_multi(unsigned nparties, unsigned nissues)
{
    char name[32];
    snprintf(name, sizeof name, "gen%up_%ux10", nparties, nissues);
    return bench_linear_scenario(name, nparties, nissues, 0.3, fixed_shape, NULL);
}

static void run_one(parley_scenario *sc, unsigned threads, int repeat, result *r)
{
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.threads = threads;
    r->wall = 1e30;
    for (int k = 0; k < repeat; k++) {
        parley_analysis *an = NULL;
        parley_error err;
        double t0 = bench_now();
        parley_status st = parley_analyze(sc, &opt, &an, &err);
        double t = bench_now() - t0;
        if (st != PARLEY_OK) {
            snprintf(r->msg, sizeof r->msg, "%.250s", err.message);
            return;
        }
        if (t < r->wall)
            r->wall = t;
        parley_analysis_count_text(an, PARLEY_COUNT_OUTCOMES, r->outcomes, sizeof r->outcomes);
        parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, r->agreements,
                                   sizeof r->agreements);
        parley_analysis_count_text(an, PARLEY_COUNT_PARETO_OUTCOMES, r->pareto, sizeof r->pareto);
        r->points = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
        parley_analysis_free(an);
    }
    r->ok = 1;
}

/* One case: kind 0 = REFERENCE folder (a = folder, b/c = profiles),
 * kind 1 = generated (n issues), kind 2 = generated with rv1 parties (n
 * issues). */
typedef struct bcase {
    int kind;
    const char *a, *b, *c;
    unsigned n;
    double rv1, rv2;
    unsigned threads;
    int repeat;
} bcase;

/* The child's part of a case (bench_in_child): load or generate, run. */
static void case_child(void *arg, void *rec)
{
    const bcase *k = arg;
    result *r = rec;
    memset(r, 0, sizeof *r);
    parley_scenario *sc = NULL;
    if (k->kind == 0) {
        char dir[1024], dom[1100], f1[2048], f2[2048];
        snprintf(dir, sizeof dir, GENIUS_DIR "/%.900s", k->a);
        snprintf(f1, sizeof f1, "%.1000s/%.1000s", dir, k->b);
        snprintf(f2, sizeof f2, "%.1000s/%.1000s", dir, k->c);
        const char *prof[2] = {f1, f2};
        parley_error err;
        if (!bench_find_domain(dir, k->b, k->c, dom, sizeof dom))
            snprintf(r->msg, sizeof r->msg, "no domain file");
        else if (parley_genius_read_files(dom, 2, prof, NULL, &sc, &err) != PARLEY_OK)
            snprintf(r->msg, sizeof r->msg, "%.250s", err.message);
    } else if (k->kind == 1) {
        sc = generated(k->n, k->rv1, k->rv2);
    } else {
        sc = generated_multi((unsigned)k->rv1, k->n);
    }
    if (sc)
        run_one(sc, k->threads, k->repeat, r);
    parley_scenario_free(sc);
    r->maxrss_kb = bench_peak_kib();
}

/* Run a case in a child of its own and print its row. */
static void bench_case(int kind, const char *a, const char *b, const char *c, unsigned n,
                       double rv1, double rv2, unsigned threads, int repeat)
{
    bcase k = {kind, a, b, c, n, rv1, rv2, threads, repeat};
    result r;
    int got = bench_in_child(case_child, &k, &r, sizeof r);
    if (got < 0)
        return;
    char name[64];
    if (kind == 0)
        snprintf(name, sizeof name, "%.60s", a);
    else if (kind == 1)
        snprintf(name, sizeof name, "gen_%ux10 rv %.2g/%.2g", n, rv1, rv2);
    else
        snprintf(name, sizeof name, "gen%up_%ux10 rv 0.3", (unsigned)rv1, n);
    if (!got || !r.ok) {
        printf("%-26s  failed: %s\n", name, got ? r.msg : "child died");
        return;
    }
    double outs = strtod(r.outcomes, NULL);
    printf("%-26s %22s %20s %10s %7zu %10.4f %12.3g %9.1f\n", name, r.outcomes, r.agreements,
           r.pareto, r.points, r.wall, outs / r.wall, (double)r.maxrss_kb / 1024.0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    unsigned threads = 2;
    int repeat = 3, gen = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--no-generated") == 0)
            gen = 0;
        else {
            fprintf(stderr, "usage: bench_analyze [--threads N] [--repeat R] [--only NAME] "
                            "[--no-generated]\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;
    printf("parley analyze benchmark: %u thread(s), best of %d; peak RSS of a child process per "
           "scenario\n\n",
           threads, repeat);
    printf("%-26s %22s %20s %10s %7s %10s %12s %9s\n", "scenario", "outcomes", "agreements",
           "pareto", "points", "wall s", "outcomes/s", "peak MB");
    FILE *f = fopen(GENIUS_DIR "/REFERENCE.tsv", "r");
    if (!f) {
        printf("(shared data missing: %s; generated scenarios only)\n", GENIUS_DIR);
    } else {
        char line[4096];
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            char *save = NULL;
            char *folder = strtok_r(line, "\t", &save);
            char *prof = strtok_r(NULL, "\t", &save);
            if (!folder || !prof)
                continue;
            char *plus = strchr(prof, '+');
            if (!plus)
                continue;
            *plus = '\0';
            if (only && !strstr(folder, only))
                continue;
            bench_case(0, folder, prof, plus + 1, 0, 0, 0, threads, repeat);
        }
        fclose(f);
    }
    if (gen) {
        static const struct {
            unsigned n;
            double rv1, rv2;
        } gens[] = {{9, 0.35, 0.3},  {12, 0.35, 0.3}, {13, 0.35, 0.3},
                     {14, 0.35, 0.3}, {15, 0.35, 0.3}, {15, 0.0, 0.0}, {18, 0.0, 0.0}};
        for (size_t k = 0; k < sizeof gens / sizeof gens[0]; k++) {
            char name[32];
            snprintf(name, sizeof name, "gen_%ux10", gens[k].n);
            if (only && !strstr(name, only))
                continue;
            bench_case(1, NULL, NULL, NULL, gens[k].n, gens[k].rv1, gens[k].rv2, threads,
                       gens[k].n >= 12 ? 1 : repeat);
        }
        static const struct {
            unsigned parties, n;
        } multi[] = {{3, 7}, {3, 8}, {4, 6}, {4, 7}};
        for (size_t k = 0; k < sizeof multi / sizeof multi[0]; k++) {
            char name[32];
            snprintf(name, sizeof name, "gen%up_%ux10", multi[k].parties, multi[k].n);
            if (only && !strstr(name, only))
                continue;
            bench_case(2, NULL, NULL, NULL, multi[k].n, multi[k].parties, 0, threads, repeat);
        }
    }
    return 0;
}
