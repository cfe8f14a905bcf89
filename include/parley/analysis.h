/*
 * parley/analysis.h -- the agreement-space analysis (`parley analyze`).
 * Included by parley/parley.h; docs/analysis.md explains the definitions,
 * the algorithms, the tie rules and the limits in full.
 *
 * What is analysed.  The *stakeholders* are the negotiators and the
 * ratifiers that have preferences (some positive weight), in scenario
 * order; they are the dimensions of the utility space.  Mediators have no
 * veto: their utilities and their red lines are left out (a stakeholder's
 * red line may still mention utility(mediator)).  A negotiator or ratifier
 * without preferences has utility 0: it is no dimension, but its
 * reservation value and red lines still decide what is acceptable.
 *
 * The *agreement set* holds the outcomes that every negotiator and
 * ratifier accepts: none of its red lines broken and utility >= its
 * reservation value (exactly parley_outcome_acceptable()).
 *
 * Two Pareto frontiers are computed, exactly (GENIUS's arithmetic, exact
 * comparisons): over all outcomes (GENIUS's convention) and over the
 * agreement set.  A frontier is a list of distinct utility points, sorted
 * ascending lexicographically (u1, then u2, ...); each point carries its
 * multiplicity (how many outcomes reach it: exact ties are all counted)
 * and one outcome reaching it, the smallest in lexicographic order of
 * value indices (issue 1 first).
 *
 * Bargaining solutions are chosen among the points of the agreement
 * frontier (so always at Pareto-optimal agreements), with these tie rules
 * (points are scanned in frontier order, ascending u1):
 *  - Nash: maximises the product over stakeholders of (u_i - r_i),
 *    multiplied in party order from 1.0; strict '>' so the first maximum
 *    (lowest u1) wins -- GENIUS's rule.
 *  - Kalai-Smorodinsky, normalised (default): maximises
 *    min_i (u_i - r_i) / (best_i - r_i), best_i the best utility of
 *    stakeholder i in the agreement set (a term with best_i == r_i counts
 *    as 1); among equal values the higher sum of utilities, then the
 *    lower u1.
 *  - Kalai-Smorodinsky, GENIUS variant: minimises the sum over pairs
 *    i < j of |u_i - u_j|; first minimum wins.
 *  - Utilitarian: maximises the sum of utilities (party order from 0.0);
 *    first maximum wins.
 *  - Egalitarian: maximises min_i u_i; among equal values the higher sum,
 *    then the lower u1.
 * For comparisons with GENIUS, the same three GENIUS measures are also
 * given over the all-outcomes frontier (PARLEY_SOLUTION_GENIUS_*): Nash
 * with the reservation values (no agreement filter), the min-|u_i - u_j|
 * point and the max-welfare point.
 *
 * Threads.  Results are identical, to the bit, whatever the thread count.
 * With more than one thread the scenario's allocator is called from the
 * worker threads, possibly at the same time: it must be thread-safe
 * (malloc is), or pass threads = 1.  The scenario is only read.
 * The library never prints; progress goes through a callback.
 */
#ifndef PARLEY_ANALYSIS_H
#define PARLEY_ANALYSIS_H

#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum parley_kalai_mode {
    PARLEY_KALAI_NORMALIZED = 0, /* textbook KS over the agreement set */
    PARLEY_KALAI_GENIUS          /* GENIUS: min sum |u_i - u_j| */
} parley_kalai_mode;

/* Progress: phase is a short static text ("frontier", "agreements"...),
 * fraction in [0, 1].  Called from the thread that called parley_analyze,
 * at most about every 0.2 s, never concurrently.  Return nonzero to cancel
 * the analysis (parley_analyze then fails with PARLEY_ERR_LIMIT and a
 * message saying it was cancelled). */
typedef int (*parley_progress_fn)(void *ud, const char *phase, double fraction);

typedef struct parley_analysis_options {
    unsigned threads;          /* worker threads; 0: 2 */
    parley_kalai_mode kalai;   /* which KS the KALAI_SMORODINSKY solution is */
    /* Work limit: the most outcomes (search nodes) the analysis may look
     * at one by one.  Linear-additive spaces are mostly handled without
     * looking at outcomes one by one, so this is not a limit on the size
     * of the space.  With three or more stakeholders, every 16
     * comparisons with the frontier found so far count as one outcome
     * too, so that the limit bounds the time (about 50 million units a
     * second per core).  0: PARLEY_ANALYSIS_DEFAULT_MAX_WORK. */
    uint64_t max_work;
    /* The most distinct points a frontier may hold (more: PARLEY_ERR_LIMIT,
     * with any number of threads).  While the search runs, its partial
     * frontiers (what each thread has seen so far) may hold up to 4 times
     * as many together; an analysis whose partial frontiers outgrow even
     * that also stops with PARLEY_ERR_LIMIT (a memory guard, whose
     * decision may depend on the threads).
     * 0: PARLEY_ANALYSIS_DEFAULT_MAX_FRONTIER. */
    size_t max_frontier;
    /* Wall-clock limit in seconds (0: none): past it parley_analyze fails
     * with PARLEY_ERR_LIMIT and err->message says so.  Checked about every
     * 4096 outcomes and every 1024 frontier points, so the stop comes
     * within milliseconds of the limit.  A result that arrives is the same
     * with any limit; whether one arrives depends on the machine. */
    double max_seconds;
    parley_progress_fn progress; /* may be NULL */
    void *progress_ud;
    /* Which Pareto points are listed (docs/analysis.md "Many parties").
     * ALL: every frontier point (the frontier engine).  NEAR, SAMPLE,
     * NONE: the solution-first engine -- the agreement count and the
     * four bargaining solutions exactly, by branch and bound on each
     * solution's own objective, without listing the frontier; then the
     * points within frontier_radius (Chebyshev distance, every utility)
     * of solution frontier_near (s_j - r <= u_j <= s_j + r for every j,
     * both ends computed in floating point), or up to frontier_sample
     * points drawn with seed (each Pareto-optimal outcome equally likely),
     * or none.  GENIUS's Nash and min-|u_i - u_j| points are defined on
     * the whole all-outcomes frontier: solution-first does not give them
     * (parley_analysis_solution false), and kalai = GENIUS always runs
     * the frontier engine.
     * The frontier's size is then given as a certified interval and a
     * seeded estimate.  AUTO (0): the frontier engine for two
     * stakeholders and for non-linear utilities; with three or more, the
     * frontier engine while the frontier stays under
     * PARLEY_ANALYSIS_AUTO_POINTS points and its work under
     * PARLEY_ANALYSIS_AUTO_WORK (when the limits given are larger), else
     * solution-first with near:nash.  parley_analysis_frontier_mode() says what was done. */
    int frontier;              /* a parley_frontier_list */
    int frontier_near;         /* a parley_solution_kind (0: Nash) */
    double frontier_radius;    /* 0: PARLEY_ANALYSIS_DEFAULT_RADIUS */
    size_t frontier_sample;    /* points; 0: 100 */
    uint64_t seed;             /* sampling; 0: 1 */
    size_t frontier_estimate;  /* deals tested for the frontier-size estimate
                                * (solution-first); 0: 200; SIZE_MAX: none */
} parley_analysis_options;

typedef enum parley_frontier_list {
    PARLEY_FRONTIER_LIST_AUTO = 0,
    PARLEY_FRONTIER_LIST_ALL,
    PARLEY_FRONTIER_LIST_NEAR,
    PARLEY_FRONTIER_LIST_SAMPLE,
    PARLEY_FRONTIER_LIST_NONE
} parley_frontier_list;
#define PARLEY_ANALYSIS_DEFAULT_RADIUS 0.02
#define PARLEY_ANALYSIS_AUTO_POINTS 20000u
#define PARLEY_ANALYSIS_AUTO_WORK (1ull << 25) /* AUTO's try of the frontier engine */

/* Parse a --frontier argument into opt: "auto", "all", "none",
 * "near:SOLUTION" or "near:SOLUTION:RADIUS" (SOLUTION: nash,
 * kalai_smorodinsky (or ks), utilitarian, egalitarian; RADIUS in
 * (0, 1]), "sample:N" (N >= 1).  PARLEY_ERR_ARG with a message saying what
 * is accepted. */
PARLEY_API parley_status parley_analysis_frontier_parse(const char *text,
                                                        parley_analysis_options *opt,
                                                        parley_error *err);

#define PARLEY_ANALYSIS_DEFAULT_MAX_WORK 2000000000ULL
#define PARLEY_ANALYSIS_DEFAULT_MAX_FRONTIER 4000000u

/* Fill opt with the defaults (all zero: 2 threads, normalised KS...). */
PARLEY_API void parley_analysis_options_init(parley_analysis_options *opt);

typedef struct parley_analysis parley_analysis;

/* Analyse a final scenario.  opt may be NULL (defaults).  On success *out
 * is owned by the caller (free with parley_analysis_free); it does not
 * borrow from sc.  Failures: PARLEY_ERR_ARG (not final), PARLEY_ERR_INVALID
 * (no stakeholder has preferences), PARLEY_ERR_LIMIT (work or frontier
 * beyond the limits, or cancelled: err->message says what it would take
 * and how to proceed), PARLEY_ERR_NOMEM.  An empty agreement set is not a
 * failure: see parley_analysis_count(..., PARLEY_COUNT_AGREEMENTS). */
PARLEY_API parley_status parley_analyze(const parley_scenario *sc,
                                        const parley_analysis_options *opt,
                                        parley_analysis **out, parley_error *err);
PARLEY_API void parley_analysis_free(parley_analysis *an);

/* The stakeholders (dimensions): how many, and the scenario party index of
 * dimension j. */
PARLEY_API size_t parley_analysis_dims(const parley_analysis *an);
PARLEY_API size_t parley_analysis_dim_party(const parley_analysis *an, size_t j);
/* Number of issues of the analysed scenario (length of every outcome). */
PARLEY_API size_t parley_analysis_issue_count(const parley_analysis *an);

typedef enum parley_count_kind {
    PARLEY_COUNT_OUTCOMES = 0,        /* the whole space */
    PARLEY_COUNT_AGREEMENTS,          /* the agreement set */
    PARLEY_COUNT_PARETO_OUTCOMES,     /* outcomes on the all-outcomes frontier */
    PARLEY_COUNT_PARETO_AGREEMENTS    /* outcomes on the agreement frontier */
} parley_count_kind;

/* A count as a 64-bit integer: true and *out set if it fits, false if it
 * exceeds 2^64 - 1 (use the text form). */
PARLEY_API bool parley_analysis_count(const parley_analysis *an, parley_count_kind kind,
                                      uint64_t *out);
/* The count in decimal, no separators, into buf (>= 64 bytes; exact up to
 * 2^192, the largest space analysed; 48 bytes hold counts below 10^47).
 * Returns buf. */
PARLEY_API const char *parley_analysis_count_text(const parley_analysis *an,
                                                  parley_count_kind kind, char *buf, size_t n);

typedef enum parley_frontier_kind {
    PARLEY_FRONTIER_ALL = 0,      /* over all outcomes (GENIUS) */
    PARLEY_FRONTIER_AGREEMENTS    /* over the agreement set */
} parley_frontier_kind;

/* Number of distinct points of a frontier. */
PARLEY_API size_t parley_analysis_frontier_size(const parley_analysis *an,
                                                parley_frontier_kind kind);
/* Point i (0 <= i < size): dims utilities, borrowed until the analysis is
 * freed.  NULL if out of range. */
PARLEY_API const double *parley_analysis_frontier_utilities(const parley_analysis *an,
                                                            parley_frontier_kind kind, size_t i);
/* Point i's smallest outcome (issue_count value indices), borrowed. */
PARLEY_API const uint32_t *parley_analysis_frontier_outcome(const parley_analysis *an,
                                                            parley_frontier_kind kind, size_t i);
/* Point i's multiplicity: true and *out set if it fits 64 bits. */
PARLEY_API bool parley_analysis_frontier_multiplicity(const parley_analysis *an,
                                                      parley_frontier_kind kind, size_t i,
                                                      uint64_t *out);

typedef enum parley_solution_kind {
    PARLEY_SOLUTION_NASH = 0,
    PARLEY_SOLUTION_KALAI_SMORODINSKY, /* per options.kalai */
    PARLEY_SOLUTION_UTILITARIAN,
    PARLEY_SOLUTION_EGALITARIAN,
    PARLEY_SOLUTION_GENIUS_NASH,       /* over the all-outcomes frontier */
    PARLEY_SOLUTION_GENIUS_KS,         /* min sum |u_i - u_j|, all outcomes */
    PARLEY_SOLUTION_GENIUS_MAX_WELFARE /* max sum u_i, all outcomes */
} parley_solution_kind;
#define PARLEY_SOLUTION_COUNT 7

/* What the analysis listed: "all" (the frontier engine: the lists are
 * the whole frontiers), "near:nash:0.05", "sample:100" or "none" (the
 * solution-first engine: the lists hold only those points, each an exact
 * frontier point with its exact multiplicity).  Borrowed. */
PARLEY_API const char *parley_analysis_frontier_mode(const parley_analysis *an);
/* Are the frontier lists the whole frontiers (and the Pareto counts
 * exact)? */
PARLEY_API bool parley_analysis_frontier_complete(const parley_analysis *an);
/* The number of Pareto outcomes of a frontier as a certified interval
 * (decimal texts, n bytes each): exact when complete (lo == hi); else lo
 * is what the lists hold and hi what no point can exceed (the outcomes
 * the frontier may hold: the agreements, or all outcomes).  The number of
 * points lies in [listed points, hi] too. */
PARLEY_API void parley_analysis_pareto_interval(const parley_analysis *an,
                                                parley_frontier_kind kind, char *lo, char *hi,
                                                size_t n);
/* The solution-first engine's estimate of the number of Pareto outcomes
 * of the agreement frontier: acceptable outcomes drawn uniformly with the
 * seed, each tested for Pareto-optimality exactly; *est = share x
 * agreements, [*lo95, *hi95] the Wilson 95% interval of the share x
 * agreements, *samples the outcomes tested.  false when none was made
 * (complete frontier, no deal, or no acceptable outcome drawn). */
PARLEY_API bool parley_analysis_pareto_estimate(const parley_analysis *an, double *est,
                                                double *lo95, double *hi95, size_t *samples);

/* A solution: false when there is none (empty agreement set).  On true,
 * *utilities (dims doubles) and *outcome (issue_count indices) are
 * borrowed until the analysis is freed; either pointer may be NULL. */
PARLEY_API bool parley_analysis_solution(const parley_analysis *an, parley_solution_kind kind,
                                         const double **utilities, const uint32_t **outcome);
/* Short stable name: "nash", "kalai_smorodinsky", "utilitarian",
 * "egalitarian", "genius_nash", "genius_kalai_smorodinsky",
 * "genius_max_welfare". */
PARLEY_API const char *parley_solution_name(parley_solution_kind kind);

/* The best utility stakeholder j can get: over all outcomes, and over the
 * agreement set (NaN when the agreement set is empty). */
PARLEY_API double parley_analysis_best(const parley_analysis *an, size_t j, bool agreements);

/* Exact or not.  A scenario with interaction terms (non-linear
 * utilities) is not refused when the work limit or max_seconds stops a
 * search first: the analysis returns what it has, and says so here.
 * Exact (true): every count, frontier and solution is proven, as always
 * for linear-additive scenarios (which still fail with PARLEY_ERR_LIMIT).
 * Not exact (false): each frontier holds the non-dominated points among
 * the outcomes looked at (real outcomes, each with an outcome reaching
 * it), multiplicities and counts are lower bounds (outcomes looked at),
 * the solutions are chosen among those points, and parley_analysis_gap()
 * is a proven bound G: every point of the true frontier (either) is
 * within G of some reported point in every dimension (u_j <= f_j + G for
 * all j).  G is 0 when only counts were cut short (the agreement count,
 * or the multiplicities of frontier points that the MIP walk proved:
 * docs/analysis.md section 6); the points are then the true frontier's. */
PARLEY_API bool parley_analysis_exact(const parley_analysis *an);
/* G (0 when exact). */
PARLEY_API double parley_analysis_gap(const parley_analysis *an);

/* When the agreement set is empty, a first diagnosis, per negotiator and
 * ratifier p (scenario party index; other parties return false): the
 * number of outcomes p alone would accept (its red lines and reservation
 * value only), in decimal into buf, and whether its reservation value
 * alone is out of reach (above the best utility it can get).  Returns
 * false when no diagnosis was made (there are agreements, or p is a
 * mediator). */
PARLEY_API bool parley_analysis_party_alone(const parley_analysis *an, size_t party, char *buf,
                                            size_t n, bool *rv_out_of_reach);

#ifdef __cplusplus
}
#endif

#endif
