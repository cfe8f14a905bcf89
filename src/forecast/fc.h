/*
 * fc.h -- the internal layout of forecast inputs and results, shared by
 * forecast.c (building, accessors, dispatch), smp.c (KTAB's SMP), bdm.c
 * (the BDM/Scholz model) and io/ktab.c (the readers).
 *
 * Invariants: an input's arrays are row-major per actor (pos[a*nd + d],
 * sal[a*nd + d]); positions are on the dimension's scale [lo[d], hi[d]],
 * saliences are fractions; the accommodation matrix is the identity but
 * for the entries set, applied in order (a later one for the same pair
 * wins).  A result owns pos[s*na*nd + a*nd + d] (input scale) and
 * prob[s*na + a] for s < states.  Every array grows on its own with
 * parleyx_grow and records its own capacity (cap.*), so a failed growth
 * leaves each one valid and freed with the size it has.  Everything is
 * allocated through the input's allocator; the result keeps a copy of the
 * allocator to free itself.
 */
#ifndef PARLEY_FC_H
#define PARLEY_FC_H

#include "parley/forecast.h"
#include "parleyx.h"

/* Actor i's ideal moves toward actor j's position by a (in [0, 1]). */
typedef struct fc_accom {
    size_t i, j;
    double a;
} fc_accom;

struct parley_forecast_input {
    parley_allocator alloc;
    char *name, *desc;
    size_t na, nd;
    char **aname, **adesc;
    double *capab;       /* [na] */
    double *pos, *sal;   /* [na*nd] */
    char **dname;        /* [nd] */
    double *lo, *hi;     /* [nd] */
    fc_accom *accom;     /* [nacc]: the accommodations set */
    size_t nacc;
    struct {             /* capacities in elements (rows of nd for pos, sal) */
        size_t aname, adesc, capab, pos, sal, dname, lo, hi, accom;
    } cap;
    bool has_params;
    parley_smp_params params;
    bool has_seed;   /* a KTAB XML's <prngSeed> */
    uint64_t seed;
};

struct parley_forecast_result {
    parley_allocator alloc;
    size_t na, nd, states;
    bool converged;
    double *pos;     /* [cap.pos states of na*nd] */
    double *prob;    /* [cap.prob states of na] */
    double *change;  /* [cap.change] */
    double *forecast;/* [nd] */
    struct {
        size_t pos, prob, change;
    } cap;
};

/* Grow r to hold at least n states (keeps contents). */
parley_status fc_result_reserve(parley_forecast_result *r, size_t n);
parley_forecast_result *fc_result_new(const parley_allocator *a, size_t na, size_t nd);

parley_status smp_run(const parley_forecast_input *in, const parley_forecast_options *opt,
                      parley_forecast_result *r, parley_error *err);
parley_status bdm_run(const parley_forecast_input *in, const parley_forecast_options *opt,
                      parley_forecast_result *r, parley_error *err);

/* KTAB's probability of Condorcet elections (Model::probCE2) over n
 * options from the coalition strengths cl[n*n] (cl[i*n + j]: for i
 * against j; KTAB's diagonal 1e-8): pairwise victory probabilities by vpm,
 * then Conditional (condPCE), MarkovIncentive or MarkovUniform (KTAB's
 * stationary-distribution iterations).  work: FC_PCE_WORK(n) doubles,
 * owned by the caller; p[n] receives probabilities >= 0 summing to 1. */
#define FC_PCE_WORK(n) (2 * (n) * (n) + (n))
void fc_pce(parley_smp_pce model, parley_smp_vpmodel vpm, size_t n, const double *cl, double *work,
            double *p);

/* Run fn(ctx, lo, hi, tid) over [0, n) split in contiguous chunks on up
 * to threads threads (parleyx_run_jobs: the caller's thread takes the
 * first chunk, tid 0; a chunk whose thread cannot start runs on the
 * caller's thread; tid < threads indexes per-thread scratch).  Each
 * index's work must write only its own outputs, so the results do not
 * depend on the thread count. */
#define FC_MAX_THREADS 64
typedef void (*fc_range_fn)(void *ctx, size_t lo, size_t hi, unsigned tid);
void fc_parallel(unsigned threads, size_t n, fc_range_fn fn, void *ctx);

#endif
