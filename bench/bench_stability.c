/*
 * bench_stability.c -- how fast and how lean is parley_stability_analyze()?
 *
 * Two graph models of 20 options (2^20 = 1,048,576 states) held by 5 DMs
 * (4 options each), with 2 mutually exclusive pairs of options (infeasible
 * patterns) and 3 irreversible options, preferences either
 *   statements  GMCR+ option prioritisation: 6 random statements per DM
 *               (literals, and/or, IF), the way analysts write them, or
 *   random      an explicit random payoff per state with 64 levels (ties),
 *               the worst case for SIM's enumeration;
 * each analysed for all six concepts, every state and DM, in a child
 * process of its own: wall time (model building excluded) and the child's
 * peak resident memory.  Then each FILE given (a .gmcr file, or a native
 * scenario with a stability: section): reading plus building plus the
 * analysis, best of 20 runs.
 *
 * Usage: bench_stability [--options N] [FILE...]   (N default 20; 5 DMs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "bench_util.h"

typedef struct job {
    int options;
    int random_payoffs;
} job;

typedef struct rec {
    int ok;
    double build, wall;
    long peak_kib;
    unsigned long long feasible, eq[PARLEY_CONCEPT_COUNT];
    char msg[160];
} rec;

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void run(void *arg, void *out)
{
    const job *j = arg;
    rec *r = out;
    memset(r, 0, sizeof *r);
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    parley_error err;
    double t0 = bench_now();
    parley_graph *g = parley_graph_new(NULL);
    char name[64];
    int nd = 5, no = j->options;
    for (int d = 0; d < nd; d++) {
        snprintf(name, sizeof name, "DM %d", d + 1);
        parley_graph_add_dm(g, name, NULL, NULL);
    }
    for (int o = 0; o < no; o++) {
        snprintf(name, sizeof name, "option %d", o + 1);
        parley_option_dir dir = o % 7 == 3 ? PARLEY_DIR_FORWARD : PARLEY_DIR_BOTH;
        parley_graph_add_option(g, (size_t)(o * nd / no), name, dir, NULL, NULL);
    }
    for (int k = 0; k < 2; k++) {
        uint32_t m = (1u << (k * 5 % no)) | (1u << ((k * 5 + 7) % no));
        parley_graph_add_infeasible(g, m, m, NULL);
    }
    if (j->random_payoffs) {
        for (int d = 0; d < nd; d++)
            for (uint32_t s = 0; s < (1u << no); s++)
                parley_graph_set_payoff(g, (size_t)d, s, (double)(next(&seed) % 64), NULL);
    } else {
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < 6; k++) {
                char text[128];
                int a = (int)(next(&seed) % (uint64_t)no) + 1;
                int b = (int)(next(&seed) % (uint64_t)no) + 1;
                int c = (int)(next(&seed) % (uint64_t)no) + 1;
                switch (k % 3) {
                case 0: snprintf(text, sizeof text, "%s%d", next(&seed) % 2 ? "-" : "", a); break;
                case 1: snprintf(text, sizeof text, "%d & -%d | %d", a, b, c); break;
                default: snprintf(text, sizeof text, "%d IF -%d", a, b); break;
                }
                if (parley_graph_add_statement(g, (size_t)d, text, &err) != PARLEY_OK) {
                    snprintf(r->msg, sizeof r->msg, "%.150s", err.message);
                    return;
                }
            }
    }
    if (parley_graph_finalize(g, &err) != PARLEY_OK) {
        snprintf(r->msg, sizeof r->msg, "%.150s", err.message);
        return;
    }
    r->build = bench_now() - t0;
    parley_stability *st = NULL;
    t0 = bench_now();
    if (parley_stability_analyze(g, 0, &st, &err) != PARLEY_OK) {
        snprintf(r->msg, sizeof r->msg, "%.150s", err.message);
        return;
    }
    r->wall = bench_now() - t0;
    r->feasible = parley_graph_feasible_count(g);
    for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++)
        r->eq[c] = parley_stability_equilibria(st, (parley_concept)c, NULL, 0);
    r->peak_kib = bench_peak_kib();
    r->ok = 1;
    parley_stability_free(st);
    parley_graph_free(g);
}

/* Read and analyse one file once; its wall time, or a negative number. */
static double one_file(const char *path, unsigned long long *feasible)
{
    double t0 = bench_now();
    parley_graph *g = NULL;
    parley_scenario *sc = NULL;
    parley_moves *mv = NULL;
    parley_error err;
    size_t n = strlen(path);
    parley_status st;
    if (n > 5 && strcmp(path + n - 5, ".gmcr") == 0)
        st = parley_gmcr_read(path, NULL, &g, &err);
    else if ((st = parley_native_read_file(path, NULL, &sc, &err)) == PARLEY_OK &&
             (st = parley_moves_read_file(path, sc, NULL, &mv, &err)) == PARLEY_OK)
        st = parley_graph_from_scenario(mv, &g, &err);
    parley_stability *res = NULL;
    if (st == PARLEY_OK)
        st = parley_stability_analyze(g, 1, &res, &err);
    double t = bench_now() - t0;
    if (st != PARLEY_OK)
        fprintf(stderr, "bench_stability: %s: %s\n", path, err.message);
    *feasible = parley_graph_feasible_count(g);
    parley_stability_free(res);
    parley_graph_free(g);
    parley_moves_free(mv);
    parley_scenario_free(sc);
    return st == PARLEY_OK ? t : -1;
}

int main(int argc, char **argv)
{
    job j = {20, 0};
    int nfiles = 0;
    char **files = argv + 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--options") == 0 && i + 1 < argc)
            j.options = atoi(argv[++i]);
        else if (argv[i][0] != '-')
            files[nfiles++] = argv[i];
        else {
            fprintf(stderr, "usage: bench_stability [--options N] [FILE...]\n");
            return 2;
        }
    }
    if (j.options < 5 || j.options > PARLEY_GRAPH_MAX_OPTIONS) {
        fprintf(stderr, "bench_stability: --options takes 5 to %d\n", PARLEY_GRAPH_MAX_OPTIONS);
        return 2;
    }
    printf("%-11s %8s %10s %9s %9s %9s  equilibria nash/gmr/smr/seq/sim/seqsim\n", "preferences",
           "options", "feasible", "build s", "analyse s", "peak MiB");
    for (int rp = 0; rp < 2; rp++) {
        j.random_payoffs = rp;
        rec r;
        if (bench_in_child(run, &j, &r, sizeof r) != 1 || !r.ok) {
            printf("%-11s failed: %s\n", rp ? "random" : "statements", r.msg);
            continue;
        }
        printf("%-11s %8d %10llu %9.3f %9.3f %9.1f  %llu/%llu/%llu/%llu/%llu/%llu\n",
               rp ? "random" : "statements", j.options, r.feasible, r.build, r.wall,
               (double)r.peak_kib / 1024.0, r.eq[0], r.eq[1], r.eq[2], r.eq[3], r.eq[4], r.eq[5]);
    }
    if (nfiles)
        printf("\n%-40s %10s %12s\n", "file (read + analyse, best of 20)", "feasible", "ms");
    for (int f = 0; f < nfiles; f++) {
        double best = 1e300;
        unsigned long long feas = 0;
        for (int k = 0; k < 20; k++) {
            double t = one_file(files[f], &feas);
            if (t < 0) {
                best = -1;
                break;
            }
            if (t < best)
                best = t;
        }
        if (best < 0)
            printf("%-40s failed\n", files[f]);
        else
            printf("%-40s %10llu %12.3f\n", files[f], feas, best * 1e3);
    }
    return 0;
}
