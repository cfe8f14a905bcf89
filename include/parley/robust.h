/*
 * parley/robust.h -- uncertain numbers, bluffed red lines and the robust
 * analysis (`parley robust`).  Included by parley/parley.h;
 * docs/robust.md explains the definitions and the methods in full.
 *
 * Uncertain numbers.  Four kinds of number in a scenario may be uncertain:
 * a party's reservation value, an evaluator's weight, one score of a
 * `values` table, and the threshold of the one utility(P) comparison of a
 * red line.  An uncertain number is a distribution (parley_uncertain):
 * uniform on [lo, hi], normal truncated to [lo, hi], or a discrete choice.
 * A red line also carries a belief `holds` in [0, 1]: the probability that
 * it is real (1 - holds that it is a bluff the party would drop).  Draws
 * are independent.
 *
 * The nominal world.  Setting an uncertain number also sets the number
 * itself to its nominal value (uniform: the midpoint; truncated normal: its
 * mean; choice: the most likely value, the first one listed among equals),
 * and every red line is held.  Everything else in the library (analyze,
 * redlines, negotiate...) sees that nominal world only.
 *
 * Support.  The ends of a range are possible worlds; a choice with p = 0 is
 * not; a red line with holds 0 is never real, with holds 1 always.
 *
 * Ownership.  The scenario copies everything given to it; the arrays a
 * parley_uncertain read back points to are borrowed until the scenario is
 * freed or changed.
 */
#ifndef PARLEY_ROBUST_H
#define PARLEY_ROBUST_H

#include "parley/analysis.h" /* parley_progress_fn */
#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum parley_dist_kind {
    PARLEY_DIST_POINT = 0, /* a plain number (a red line's `threshold: N`) */
    PARLEY_DIST_UNIFORM,   /* {between: [lo, hi]} */
    PARLEY_DIST_NORMAL,    /* {normal: [mean, sd], between: [lo, hi]} */
    PARLEY_DIST_CHOICE     /* {choice: [v...], p: [p...]} */
} parley_dist_kind;

#define PARLEY_MAX_CHOICES 64

typedef struct parley_uncertain {
    parley_dist_kind kind;
    double value;          /* POINT: the number */
    double lo, hi;         /* UNIFORM, NORMAL: the range, both ends included */
    double mean, sd;       /* NORMAL: before truncation; sd > 0 */
    size_t n;              /* CHOICE: 1..PARLEY_MAX_CHOICES values */
    const double *values;  /* CHOICE: n values */
    const double *p;       /* CHOICE: n probabilities summing to 1, or NULL (equal) */
} parley_uncertain;

typedef enum parley_input_kind {
    PARLEY_INPUT_RESERVATION = 0, /* party */
    PARLEY_INPUT_WEIGHT,          /* party, issue */
    PARLEY_INPUT_SCORE,           /* party, issue, value (a `values` table entry) */
    PARLEY_INPUT_THRESHOLD,       /* party, redline */
    PARLEY_INPUT_BELIEF           /* party, redline: `holds` */
} parley_input_kind;

/* Which number: only the fields the kind names are read. */
typedef struct parley_input {
    parley_input_kind kind;
    size_t party, issue, value, redline;
} parley_input;

/* Make a number uncertain (or, for a threshold, set it: POINT allowed).
 * The number is set to its nominal value.  Fails with PARLEY_ERR_INVALID
 * (err->message says why, without a position) on: lo > hi, sd <= 0, p not
 * summing to 1 (within 1e-9) or negative, no value with p > 0, a range or
 * choice outside what the number may take (weights >= 0; scores,
 * reservation values and thresholds in [0, 1]), a score of an issue whose
 * evaluator is no `values` table, a threshold on a red line with no or
 * more than one utility(P) comparison; PARLEY_ERR_ARG for an index out of
 * range or a kind that is not allowed (POINT except for thresholds,
 * BELIEF: use parley_redline_set_holds).  Setting the same input again
 * replaces it. */
PARLEY_API parley_status parley_set_uncertain(parley_scenario *sc, const parley_input *in,
                                              const parley_uncertain *u, parley_error *err);
/* The belief that red line r of party is real, in [0, 1] (default 1). */
PARLEY_API parley_status parley_redline_set_holds(parley_scenario *sc, size_t party, size_t r,
                                                  double holds, parley_error *err);
PARLEY_API double parley_redline_belief(const parley_scenario *sc, size_t party, size_t r);

/* True when the scenario holds an uncertain number or a red line with
 * holds < 1 (a POINT threshold alone is not uncertainty). */
PARLEY_API bool parley_scenario_is_uncertain(const parley_scenario *sc);

/* The recorded inputs (uncertain numbers, thresholds, beliefs below 1), in
 * the order they were set.  false when j is out of range.  u may be NULL;
 * its arrays are borrowed. */
PARLEY_API size_t parley_uncertain_count(const parley_scenario *sc);
PARLEY_API bool parley_uncertain_get(const parley_scenario *sc, size_t j, parley_input *in,
                                     parley_uncertain *u);
/* The record for this input: true and *u set when there is one. */
PARLEY_API bool parley_uncertain_find(const parley_scenario *sc, const parley_input *in,
                                      parley_uncertain *u);
/* The input's name ("PARTY:reservation", "PARTY:ISSUE.weight",
 * "PARTY:ISSUE=VALUE", "PARTY:REDLINE.threshold", "PARTY:REDLINE") into buf;
 * returns buf. */
PARLEY_API const char *parley_input_name(const parley_scenario *sc, const parley_input *in,
                                         char *buf, size_t n);
/* The smallest and largest value of the support, and the nominal value
 * (see above).  Any pointer may be NULL. */
PARLEY_API void parley_uncertain_bounds(const parley_uncertain *u, double *lo, double *hi,
                                        double *nominal);

/* ------------------------------------------------------------------ */
/* The robust analysis (`parley robust`; docs/robust.md)                */
/* ------------------------------------------------------------------ */

/* Stakeholders are those of parley/analysis.h (negotiators and ratifiers
 * with preferences, in the nominal scenario), and acceptable means what
 * parley_outcome_acceptable means, in the world at hand.
 *
 * Exact sets (no sampling).  Robust deals: the outcomes acceptable in every
 * world of the support; possible deals: acceptable in at least one.  They
 * are found by evaluating each outcome at per-constraint corners of the
 * uncertainty box (a corner is the worst, or best, end of each number), which
 * is exact because utilities are monotone in every weight and score.  Where
 * a red line is not monotone in an uncertain utility or threshold (`==`,
 * `!=`, or one party's utility compared both ways), or, for possible deals,
 * where two constraints pull one party's uncertain utility opposite ways, no
 * single corner decides: that set is then refused with a reason
 * (parley_robust_exact_reason), never approximated.
 *
 * Sampled worlds.  World w draws every input from a counter-based stream of
 * (seed, w, input) (splitmix64), so the draws, and every result, are the
 * same for any thread count.  Each world enumerates the outcome space
 * (at most max_outcomes outcomes) and computes the agreement set, its
 * exact Pareto frontier and the four bargaining solutions with the tie
 * rules of parley/analysis.h (normalised KS), which red lines are in a
 * minimal conflict (no deal) or binding (a deal; dropping the red line
 * moves the Nash point). */
typedef struct parley_robust_options {
    uint64_t samples;      /* worlds drawn; 0: 10000 */
    uint64_t seed;         /* any value (0 is a seed like another) */
    unsigned threads;      /* 0: 2 */
    size_t top;            /* outcomes listed per list; 0: 10 */
    bool sensitivity;      /* the tornado: P(deal) with each input at its ends */
    bool no_samples;       /* exact sets only */
    uint64_t max_outcomes; /* the largest space enumerated; 0: 100,000,000 */
    /* Wall-clock limit in seconds for the sampled passes (0: none): past
     * it parley_robust_run fails with PARLEY_ERR_LIMIT and err->message
     * says so.  Checked between chunks of worlds (one world each on spaces
     * of 10^5 outcomes or more), so the stop comes within about one
     * world's time.  A result that arrives is the same with any limit. */
    double max_seconds;
    /* Progress of the sampled passes (phase "worlds" or "sensitivity",
     * fraction of all passes), at most about every 0.2 s, never
     * concurrently; a nonzero return cancels (PARLEY_ERR_LIMIT, "the
     * robust analysis was cancelled").  May be NULL. */
    parley_progress_fn progress;
    void *progress_ud;
} parley_robust_options;

PARLEY_API void parley_robust_options_init(parley_robust_options *opt);

typedef struct parley_robust parley_robust;

/* Run on a final scenario.  On success *out is owned by the caller (free
 * with parley_robust_free); it does not borrow sc.  Failures:
 * PARLEY_ERR_ARG (not final), PARLEY_ERR_LIMIT (the space is larger than
 * max_outcomes; more than 64 constraints), PARLEY_ERR_NOMEM. */
PARLEY_API parley_status parley_robust_run(const parley_scenario *sc,
                                           const parley_robust_options *opt,
                                           parley_robust **out, parley_error *err);
PARLEY_API void parley_robust_free(parley_robust *r);

PARLEY_API size_t parley_robust_dims(const parley_robust *r);
PARLEY_API size_t parley_robust_dim_party(const parley_robust *r, size_t j);

/* Exact sets: which = 0 robust, 1 possible.  false when refused: *reason
 * (static or owned by r) says why. */
PARLEY_API bool parley_robust_exact(const parley_robust *r, int which, uint64_t *count,
                                    const char **reason);
/* The first (lexicographically smallest) outcomes of the set, up to top. */
PARLEY_API size_t parley_robust_exact_listed(const parley_robust *r, int which);
PARLEY_API const uint32_t *parley_robust_exact_outcome(const parley_robust *r, int which,
                                                       size_t k);

/* Sampling: false when it was not run (no_samples). */
PARLEY_API bool parley_robust_sampled(const parley_robust *r, uint64_t *samples, uint64_t *seed);
/* P(a deal exists) and its 95% Wilson interval. */
PARLEY_API double parley_robust_deal_probability(const parley_robust *r, double *lo, double *hi);
/* The outcomes most often acceptable (p > 0), most robust first (ties:
 * lexicographic order), up to top.  *p its frequency; mean (dims doubles,
 * borrowed) each stakeholder's utility of it averaged over all worlds. */
PARLEY_API size_t parley_robust_outcome_count(const parley_robust *r);
PARLEY_API const uint32_t *parley_robust_outcome(const parley_robust *r, size_t k, double *p,
                                                 const double **mean);
/* The outcomes a solution (NASH, KALAI_SMORODINSKY, UTILITARIAN,
 * EGALITARIAN) chose, most often first, up to top; p over all worlds. */
PARLEY_API size_t parley_robust_solution_count(const parley_robust *r, parley_solution_kind kind);
PARLEY_API const uint32_t *parley_robust_solution(const parley_robust *r,
                                                  parley_solution_kind kind, size_t k,
                                                  double *p);
/* Red lines of negotiators and ratifiers, in scenario order: P(in a
 * minimal conflict | no deal) and P(binding | a deal); NaN when the
 * condition never occurred. */
PARLEY_API size_t parley_robust_redline_count(const parley_robust *r);
PARLEY_API void parley_robust_redline(const parley_robust *r, size_t k, size_t *party,
                                      size_t *redline, double *p_conflict, double *p_binding);
/* Stakeholder j's utility at the Nash deal over the worlds with a deal:
 * false when there was none. */
PARLEY_API bool parley_robust_nash_utility(const parley_robust *r, size_t j, double *mean,
                                           double *p05, double *p95);
/* The tornado, sorted by swing |high - low| (largest first; ties: input
 * order): P(deal) with input k at its low and high end (a belief: dropped,
 * held), the others drawn. */
PARLEY_API size_t parley_robust_sensitivity_count(const parley_robust *r);
PARLEY_API void parley_robust_sensitivity(const parley_robust *r, size_t k, parley_input *in,
                                          double *low, double *high);

#ifdef __cplusplus
}
#endif

#endif
