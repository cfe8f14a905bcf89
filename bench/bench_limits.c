/*
 * bench_limits.c -- does every limit of parley_analyze() bound its time?
 *
 * Issue 20: the refusal must come in time proportional to the limit.  For
 * three generated scenarios where the analysis cannot finish within the
 * limits tried, it runs parley_analyze() with a growing work limit
 * (max_work, the CLI's --max-outcomes) and prints the time to the
 * refusal, the time per million units of work and the peak memory; then
 * a growing wall-clock limit (max_seconds) and how late the stop came.
 * Each run is a child process of its own (its peak memory is its own).
 *
 *   opposed_8x10    2 parties, 8 issues of 10 values (10^8 outcomes), the
 *                   second party's scores 1 - the first's: nearly every
 *                   outcome is Pareto-optimal, the frontier search's worst
 *                   case (the sorted archive made it quadratic).
 *   random3p_40x3   3 parties, 40 issues of 3 values, random utilities
 *                   (the issue-wise merge ran 36 s whatever the limit).
 *   random6p_8x10   6 parties, 8 issues of 10 values, reservation 0.3
 *                   (every node compares with a growing frontier list).
 *   opposed_10x10   as opposed_8x10 with 10 issues (10^10), for the clock.
 *
 * Usage: bench_limits [--threads N] [--quick]
 * Scores come from a fixed xorshift stream: the scenarios are the same on
 * every run and machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "bench_util.h"

typedef struct lrun {
    int kind;            /* 0 opposed, 1 random */
    unsigned nparties, nissues, nvalues;
    double rv;
    uint64_t max_work;   /* 0: default */
    double max_seconds;  /* 0: none */
    unsigned threads;
} lrun;

typedef struct lres {
    int status;
    double wall;
    long maxrss_kb;
    char msg[160];
} lres;

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double unit3(uint64_t *s) /* a score with three decimals */
{
    return (double)(xs(s) % 1001) / 1000.0;
}

static parley_scenario *scenario(const lrun *k)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    uint64_t s = 0x9E3779B97F4A7C15ull ^ (k->nissues * 131u + k->nparties);
    char name[32];
    const char *vals[16];
    char vbuf[16][8];
    for (unsigned v = 0; v < k->nvalues; v++) {
        snprintf(vbuf[v], sizeof vbuf[v], "v%u", v);
        vals[v] = vbuf[v];
    }
    for (unsigned i = 0; i < k->nissues; i++) {
        snprintf(name, sizeof name, "i%u", i);
        parley_scenario_add_discrete(sc, name, k->nvalues, vals, NULL, &err);
    }
    double *w = calloc(k->nissues, sizeof(double));
    double *sco = calloc((size_t)k->nissues * k->nvalues, sizeof(double));
    for (unsigned p = 0; p < k->nparties; p++) {
        snprintf(name, sizeof name, "P%u", p + 1);
        parley_scenario_add_party(sc, name, PARLEY_ROLE_NEGOTIATOR, NULL, &err);
        if (p == 0 || k->kind == 1) {
            double tot = 0;
            for (unsigned i = 0; i < k->nissues; i++)
                tot += w[i] = 0.001 + unit3(&s);
            for (unsigned i = 0; i < k->nissues; i++)
                w[i] /= tot;
            for (size_t q = 0; q < (size_t)k->nissues * k->nvalues; q++)
                sco[q] = unit3(&s);
        }
        for (unsigned i = 0; i < k->nissues; i++) {
            parley_party_set_weight(sc, p, i, w[i]);
            for (unsigned v = 0; v < k->nvalues; v++) {
                double e = sco[(size_t)i * k->nvalues + v];
                parley_party_set_value_eval(sc, p, i, v, k->kind == 0 && p == 1 ? 1.0 - e : e);
            }
        }
        parley_party_set_reservation(sc, p, k->rv);
    }
    free(w);
    free(sco);
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generated scenario: %s\n", err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

static void child(void *arg, void *rec)
{
    const lrun *k = arg;
    lres *r = rec;
    memset(r, 0, sizeof *r);
    parley_scenario *sc = scenario(k);
    if (sc) {
        parley_analysis_options opt;
        parley_analysis_options_init(&opt);
        opt.threads = k->threads;
        opt.max_work = k->max_work;
        opt.max_seconds = k->max_seconds;
        parley_analysis *an = NULL;
        parley_error err;
        double t0 = bench_now();
        r->status = parley_analyze(sc, &opt, &an, &err);
        r->wall = bench_now() - t0;
        if (r->status != PARLEY_OK)
            snprintf(r->msg, sizeof r->msg, "%.60s", err.message);
        parley_analysis_free(an);
    }
    parley_scenario_free(sc);
    r->maxrss_kb = bench_peak_kib();
}

static void row(const char *name, lrun k)
{
    lres r;
    if (bench_in_child(child, &k, &r, sizeof r) != 1) {
        printf("%-16s  child died\n", name);
        return;
    }
    char lim[32];
    if (k.max_seconds > 0)
        snprintf(lim, sizeof lim, "%.3g s", k.max_seconds);
    else
        snprintf(lim, sizeof lim, "%.3g", (double)k.max_work);
    const char *what = r.status == PARLEY_OK ? "finished" : r.status == PARLEY_ERR_LIMIT ? "limit"
                                                                                       : "error";
    double per = k.max_seconds > 0 ? r.wall - k.max_seconds : r.wall / ((double)k.max_work / 1e6);
    printf("%-16s %10s %9s %9.3f %12.4f %9.1f\n", name, lim, what, r.wall, per,
           (double)r.maxrss_kb / 1024.0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    unsigned threads = 2;
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else {
            fprintf(stderr, "usage: bench_limits [--threads N] [--quick]\n");
            return 2;
        }
    }
    printf("%-16s %10s %9s %9s %12s %9s\n", "scenario", "limit", "result", "wall s",
           "s/1e6 units", "peak MB");
    printf("%-16s %10s %9s %9s %12s %9s\n", "", "", "", "", "(late s)", "");
    const struct {
        const char *name;
        lrun k;
    } sc[] = {
        {"opposed_8x10", {0, 2, 8, 10, 0.0, 0, 0, 0}},
        {"random3p_40x3", {1, 3, 40, 3, 0.0, 0, 0, 0}},
        {"random6p_8x10", {1, 6, 8, 10, 0.3, 0, 0, 0}},
    };
    unsigned steps = quick ? 3 : 6;
    for (size_t s = 0; s < sizeof sc / sizeof sc[0]; s++)
        for (unsigned e = 0; e < steps; e++) {
            lrun k = sc[s].k;
            k.threads = threads;
            k.max_work = 100000ull << (2 * e); /* 1e5, 4e5, ... 1.02e8 */
            row(sc[s].name, k);
        }
    const double secs[] = {0.25, 0.5, 1, 2, 4};
    for (unsigned e = 0; e < (quick ? 2u : 5u); e++) {
        lrun k = {0, 2, 10, 10, 0.0, 0, secs[e], threads};
        row("opposed_10x10", k);
    }
    return 0;
}
