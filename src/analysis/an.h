/*
 * an.h -- internals of the agreement-space analysis (prefix an_).
 *
 * The analysis sees a scenario as an `an_space`: m issues, each with nv[i]
 * values, and d stakeholder dimensions, each with a term table per issue
 * (the model's terms[p][i][k] = w_i * eval_i(k), borrowed from the
 * scenario).  A stakeholder's utility of an outcome is the fold
 * min(1, (((0 + t_0) + t_1) + ... + t_{m-1})) in issue order -- exactly
 * pm_utility() -- and nothing here ever reassociates that fold.
 *
 * Bounds.  Floating-point addition is monotone (a <= b implies
 * a + c <= b + c after rounding), so the fold, in issue order, of the
 * assigned issues' terms and of the other issues' largest (smallest)
 * terms is a true upper (lower) bound of every completion's utility --
 * not an estimate -- whichever issues are assigned.  All the pruning
 * below rests on this.
 *
 * Constraints (an_cons): thresholds u_j >= r_j on dimensions, a flag for
 * a constant failure (a party without preferences whose reservation value
 * is above 0), and compiled red-line rules (rule.h) evaluated with
 * every party's utility when they use utility().
 *
 * Free issues: an issue on which every party's terms are equal for all
 * values and that no red line of a negotiator or ratifier names changes
 * no utility and no rule that counts; the
 * search fixes it at value 0 and multiplies counts by its size
 * (space.freemult).  Representative outcomes then carry value 0 there,
 * which is still the lexicographically smallest outcome.
 *
 * Archives (an_arch) hold frontier points with exact 128-bit counts and
 * the lexicographically smallest outcome reaching each point.  With two
 * dimensions an archive is kept sorted by u1 ascending (u2 then strictly
 * descending), so dominance tests are a binary search; otherwise a list.
 *
 * Memory: everything an_ allocates goes through the scenario's allocator
 * and is freed by the owner named at each function.
 */
#ifndef PARLEY_AN_H
#define PARLEY_AN_H

#include "model/model.h"
#include "model/rule.h"

#include <math.h>
#include <time.h>

/* ---- exact counts up to 2^192 (spaces of up to about 6e57 outcomes) ---- */
typedef struct an_count {
    uint64_t lo, hi, top;  /* bits 0..63, 64..127, 128..191 */
} an_count;

static inline void an_count_add(an_count *a, an_count b)
{
    uint64_t lo = a->lo + b.lo;
    uint64_t c = lo < a->lo;
    uint64_t hi = a->hi + b.hi;
    uint64_t c2 = hi < a->hi;
    hi += c;
    c2 += hi < c;
    a->top += b.top + c2;
    a->lo = lo;
    a->hi = hi;
}
static inline void an_count_inc(an_count *a)
{
    if (++a->lo == 0 && ++a->hi == 0)
        a->top++;
}
/* a * b; false on overflow beyond 2^192 (then *r is unspecified). */
bool an_count_mul(an_count a, uint64_t b, an_count *r);
/* a * b; false on overflow. */
bool an_count_mulc(an_count a, an_count b, an_count *r);
/* Decimal text into buf (>= 60 bytes). */
void an_count_text(an_count c, char *buf, size_t n);
static inline bool an_count_is_zero(an_count c)
{
    return c.lo == 0 && c.hi == 0 && c.top == 0;
}

/* ---- constraints ---- */
typedef struct an_cons {
    size_t nth;            /* thresholds u_dim[thdim[k]] >= thval[k] */
    size_t *thdim;
    double *thval;
    bool infeasible;       /* a constant failure: nothing is acceptable */
    size_t nrules;
    const rule **rules;
    bool rules_util;       /* some rule uses utility(): all-party sums needed */
} an_cons;

/* ---- the space ---- */
typedef struct an_space {
    const parley_scenario *sc;
    const parley_allocator *alloc;
    size_t m;              /* issues */
    uint32_t *nv;          /* values searched per issue (1 for a free issue) */
    an_count freemult;     /* product of the free issues' sizes */
    an_count total;        /* the whole space (free issues included) */
    size_t *order;         /* branching order of the issues (a permutation) */
    size_t d;              /* dimensions (stakeholders) */
    size_t *dimp;          /* party index of each dimension */
    double **terms;        /* terms[i][k*d + j]: term of dim j, issue i, value k */
    double *tmax, *tmin;   /* [i*d + j] */
    size_t np;             /* all parties (for rules with utility()) */
    double *pmax, *pmin;   /* [i*np + p] */
    /* Interaction terms (an_inter.c), all parties', party-major in term
     * order: party p's are [itp[p], itp[p+1]).  nit == 0: every party is
     * linear-additive and none of this is used. */
    size_t nit;
    size_t *itp;           /* np + 1 */
    size_t *itparty;       /* nit: the party of each term */
    const pm_term **it;    /* nit: borrowed from the scenario */
    size_t *ibi_start;     /* m + 1: terms naming issue i are */
    size_t *ibi;           /*   ibi[ibi_start[i] .. ibi_start[i+1]) */
    /* Terms whose condition is a conjunction of issue comparisons (a
     * hyper-rectangle): their leaves, term t's in [lf_start[t],
     * lf_start[t+1]) (empty for other conditions); each leaf's issue,
     * accepted values (the rule's bitset, borrowed) and how many. */
    size_t *lf_start;      /* nit + 1 */
    size_t *lf_issue;
    const uint64_t **lf_bits;
    uint32_t *lf_pop;
    size_t *lf_term;       /* each leaf's term */
    size_t *lbi_start;     /* m + 1: leaves on issue i are */
    size_t *lbi;           /*   lbi[lbi_start[i] .. lbi_start[i+1]) */
    size_t *voff;          /* m + 1: offsets of each issue's values (scratch) */
    double *islack;        /* np: the rounding allowance of the relaxed bound */
} an_space;

/* Build the space of a final scenario (analysis.c); free with
 * an_space_free.  Fails INVALID when no stakeholder has preferences,
 * LIMIT beyond 2^192 outcomes, NOMEM. */
parley_status an_space_build(const parley_scenario *sc, an_space *sp, parley_error *err);
void an_space_free(an_space *sp);

/* ---- the bargaining solutions' criteria (analysis.c, robust.c) ----
 * One definition each, so that every solution parley reports is computed
 * the same way: utilitarian (sum), egalitarian (min), Nash (product of
 * gains over rv) and Kalai-Smorodinsky (least gain over rv relative to
 * best - rv; 1 where best == rv).  Folds in dimension order. */
static inline double an_sol_sum(const double *u, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += u[j];
    return s;
}
static inline double an_sol_min(const double *u, size_t d)
{
    double s = u[0];
    for (size_t j = 1; j < d; j++)
        if (u[j] < s)
            s = u[j];
    return s;
}
static inline double an_sol_nash(const double *u, const double *rv, size_t d)
{
    double s = 1.0;
    for (size_t j = 0; j < d; j++)
        s *= u[j] - rv[j];
    return s;
}
static inline double an_sol_ks(const double *u, const double *rv, const double *best, size_t d)
{
    double v = INFINITY;
    for (size_t j = 0; j < d; j++) {
        double t = best[j] > rv[j] ? (u[j] - rv[j]) / (best[j] - rv[j]) : 1.0;
        if (t < v)
            v = t;
    }
    return v;
}

/* ---- interaction terms (an_inter.c) ----
 * A party with terms has utility clamp01(L + I / idiv) (model.h).  At a
 * node of a search each term is satisfied for sure (status 1), violated
 * (0) or open (-1): rule_eval_partial() on the assigned issues.  The fold
 * in term order of (sure: value, open: max(value, 0), violated: nothing)
 * is an upper bound of I over every completion, and of (sure: value, open:
 * min(value, 0)) a lower bound: each step adds at least (at most) what a
 * completion adds, and floating-point addition is monotone.  Division by
 * idiv > 0, the addition of a bound of L and clamp01 are monotone too, so
 * an_finish() of the bounds bounds the utility -- exactly, not up to a
 * rounding error.  With every issue assigned, both folds are pm_utility's
 * own fold (adding nothing is skipping), so leaves get exact utilities. */

/* Fill the term index of sp (sp->sc, m, np set).  false: no memory. */
bool an_inter_build(an_space *sp);
void an_inter_free(an_space *sp);
/* max(0, min(1, ...)) of L + I / idiv, as pm_utility computes it. */
static inline double an_finish(double L, double I, double idiv)
{
    double s = L + I / idiv;
    s = s > 0.0 ? s : 0.0;
    return s < 1.0 ? s : 1.0;
}
/* The bounds of I of party pa's terms given their statuses st[0..nterms). */
void an_inter_fold(const pm_party *pa, const signed char *st, double *ihi, double *ilo);
/* A second upper bound of party p's I (an.h's term-wise bound ignores
 * that two rectangles may exclude each other): every open positive
 * rectangle is charged to one of its unassigned issues q (the one whose
 * comparison accepts fewest values), and q adds the largest, over its
 * values, of the charged terms that accept the value -- a satisfied term
 * accepts the value its issue takes.  Summed in another order than the
 * model's fold, so sp->islack[p] (a bound of the rounding of both sums)
 * is added: a true bound, if not bit-tight.  acc: scratch of voff[m]
 * doubles, all 0 (left so); touched: m scratch. */
double an_inter_relaxed_hi(const an_space *sp, size_t p, const signed char *st,
                           const bool *assigned, double *acc, size_t *touched);

/* Incumbents for a frontier search with interaction terms: outcomes found
 * by coordinate ascent on weighted sums of the dimensions' utilities (a
 * fixed set of weights, from all issues at value 0: deterministic).  Their
 * vectors are pushed into a (empty, not seeded) with count 0, each with
 * its outcome, and the
 * archive normalised: points of real outcomes, so a search started with
 * them counts each one it finds on the frontier and drops the others, and
 * prunes well from the first node.  false: no memory. */
struct an_arch;
bool an_inter_incumbents(const an_space *sp, struct an_arch *a);

/* The bounds of I for party pa on a partial outcome (every term's status
 * evaluated afresh: for callers without an index). */
void an_inter_bounds(const pm_party *pa, const uint32_t *o, const bool *assigned, double *ihi,
                     double *ilo);

/* Constraints with their storage. */
typedef struct an_cons_store {
    an_cons c;
    size_t capth, caprules;
} an_cons_store;
/* The constraints of every negotiator and ratifier (only == (size_t)-1)
 * or of party `only`; dim_of[p] is p's dimension or -1.  *upward (if not
 * NULL) tells whether every red line is an and/or of utility(P) >= / >
 * thresholds on dimensions.  Free with an_cons_free (also on failure). */
bool an_cons_build(const an_space *sp, size_t only, const long *dim_of, an_cons_store *cs,
                   bool *upward);
void an_cons_free(const parley_allocator *a, an_cons_store *cs);

/* The room a partial frontier may take while the frontier limit is
 * `limit`: AN_WORK_FACTOR times as much (a memory guard).  What the limit
 * decides -- whether the analysis fails -- is checked on exact frontiers
 * only (the merged seed, the merged search result), so it depends neither
 * on the threads nor on the schedule. */
#define AN_WORK_FACTOR 4
static inline size_t an_work_limit(size_t limit)
{
    return limit > SIZE_MAX / AN_WORK_FACTOR ? SIZE_MAX : limit * AN_WORK_FACTOR;
}

/* ---- archives ----
 * A set of mutually non-dominated utility vectors with their counts and
 * representative outcomes.  Kept in ascending lexicographic order (as
 * an_arch_normalize leaves it, and as the search inserts), so that a point
 * is found by binary search and a dominance query scans only the points
 * whose first utility reaches the query's; an_arch_push may break the
 * order (then `unsorted` is set and the scans are linear) until the next
 * normalize.  The order never changes a result: merges normalize. */
typedef struct an_arch {
    const parley_allocator *alloc;
    size_t d, m;
    size_t n, cap;         /* cap: room in all three arrays below */
    size_t cap_u, cap_cnt, cap_rep; /* each array's own room (they grow apart) */
    size_t limit;          /* the most points allowed */
    double *u;             /* n*d */
    an_count *cnt;         /* n */
    uint32_t *rep;         /* n*m */
    size_t hint;           /* the point that last dominated a query */
    double *bmax;          /* seeded archives: the componentwise maximum of
                            * each block of AN_BLOCK points (nblocks*d), made
                            * on the first dominance query; NULL otherwise */
    size_t nblocks;
    bool unsorted;         /* not in ascending lexicographic order (points
                            * pushed out of it) */
    bool seeded;           /* fixed point set: only counts and outcomes change */
    bool overflow;         /* more than limit points were needed */
    uint64_t scans;        /* points compared with queries, three or more
                            * dimensions (the search charges them as work) */
} an_arch;

void an_arch_init(an_arch *a, const parley_allocator *alloc, size_t d, size_t m, size_t limit);
void an_arch_free(an_arch *a);
/* Append a point with count 0 and outcome all UINT32_MAX (for seeds and
 * merges).  false when out of memory or over the limit. */
bool an_arch_push(an_arch *a, const double *u, an_count c, const uint32_t *rep);
/* Drop every point (the room stays). */
void an_arch_clear(an_arch *a);
/* Copy (seed copies for workers).  false when out of memory (dst then
 * holds nothing, freed). */
bool an_arch_copy(an_arch *dst, const an_arch *src);

/* Sort points ascending lexicographically, merge equal ones (counts added,
 * smallest outcome kept) and drop strictly dominated ones. */
bool an_arch_normalize(an_arch *a);
struct an_run;
/* The same, reporting progress through run (when not NULL) as the share
 * f0..f1 of its phase; last is the time of the last report. */
bool an_arch_normalize_run(an_arch *a, struct an_run *run, double f0, double f1,
                           struct timespec *last);

/* ---- a two-dimensional frontier under construction (an_stair.c) ----
 * What a search worker's two-dimensional archive holds while it grows:
 * sorted runs of geometric sizes, so that a point is added in O(log^2 n)
 * rather than by moving half of one sorted array.  The live points equal
 * those of an an_arch fed the same leaves; an_stair_flush hands them to
 * one. */
#define AN_STAIR_RUNS 40
typedef struct an_stair_run {
    size_t n, cap, ndead;
    double *u;             /* n*2, u1 ascending */
    an_count *cnt;         /* n */
    uint32_t *rep;         /* n*m */
    unsigned char *dead;   /* n: dominated by a newer point */
} an_stair_run;
typedef struct an_stair {
    const parley_allocator *alloc;
    size_t m;
    size_t live, limit;    /* live points; the most allowed */
    bool overflow;         /* more than limit points were needed */
    size_t top;            /* runs in use: run[top..] are empty */
    uint64_t scans;        /* comparisons and moves so far (the search
                            * charges them as work, as an_arch's scans) */
    an_stair_run run[AN_STAIR_RUNS];
} an_stair;

void an_stair_init(an_stair *s, const parley_allocator *alloc, size_t m, size_t limit);
void an_stair_free(an_stair *s);
/* Does a point of the set strictly dominate x?  (Counts its comparisons
 * in s->scans.) */
bool an_stair_dominates(an_stair *s, const double *x);
/* A leaf with utilities x reached by outcome o (as an_search's archive
 * takes it).  false when out of memory or over the limit (overflow set);
 * the set is then unchanged. */
bool an_stair_offer(an_stair *s, const double *x, const uint32_t *o);
/* The same for c outcomes at once (a subtree of one utility vector whose
 * smallest outcome is o). */
bool an_stair_offer_n(an_stair *s, const double *x, const uint32_t *o, an_count c);
/* Push the live points into a (initialised, not seeded) and free the
 * set; false when a refuses them (memory, its limit). */
bool an_stair_flush(an_stair *s, an_arch *a);

/* ---- search passes (an_search.c) ---- */
typedef enum an_pass_kind {
    AN_PASS_FRONTIER = 0,  /* frontier over the outcomes meeting cons (NULL: all) */
    AN_PASS_COUNT,         /* count the outcomes meeting cons */
    AN_PASS_BEST           /* maximise run->obj over the outcomes meeting cons */
} an_pass_kind;

/* An objective of a BEST pass (the solution-first engine, analysis.c):
 * a pair (f1, f2) compared lexicographically, each a monotone
 * non-decreasing function of the utility vector in floating point (so
 * f(bound) bounds f of every completion, exactly, as an.h's bounds do):
 *   DIM   f1 = u[dim]
 *   SUM   f1 = sum (an_sol_sum)
 *   MIN   f1 = min (an_sol_min), f2 = sum
 *   NASH  f1 = product of max(0, u_j - rv_j) (an_sol_nash where every
 *         u_j >= rv_j, which every agreement meets)
 *   KS    f1 = an_sol_ks(u, rv, best), f2 = sum
 * (f2 = 0 where not given.)  The pass finds the largest (f1, f2) over the
 * outcomes meeting the constraints and, unless value_only, every point
 * reaching it that no other such point dominates (the tie set's frontier:
 * a point dominating one of them reaches (f1, f2) too, so these are
 * frontier points of the whole set), with exact counts and smallest
 * outcomes, into the pass's archive, normalised (ascending lexicographic
 * order: the first is the tie rule's winner). */
typedef enum an_obj_kind { AN_OBJ_DIM, AN_OBJ_SUM, AN_OBJ_MIN, AN_OBJ_NASH, AN_OBJ_KS } an_obj_kind;
typedef struct an_obj {
    an_obj_kind kind;
    size_t dim;
    const double *rv, *best;
    bool value_only;
    /* A probe (with AN_OBJ_SUM): the pass stops at the first outcome whose
     * vector differs from probe (then *dominated: with thresholds
     * u >= probe, that outcome dominates it); otherwise the archive gets
     * probe's point with its exact count and smallest outcome. */
    const double *probe;
    bool dominated;        /* out */
    bool found;            /* out: some outcome meets the constraints */
    double v1, v2;         /* out: the largest (f1, f2) */
    /* The separable bound (an_lp.c), when wkind != 0: f1 <= W + wcst over
     * a subtree (wkind 1), or ((W + wcst) / d)^d / wdiv (wkind 2, Nash),
     * W the sum over issues of wv[woff[i] + value] (assigned) or wmax[i],
     * raised by wslack.  Set by an_obj_weights, freed by
     * an_obj_weights_free. */
    int wkind;
    double *wv, *wmax;
    size_t *woff;
    double wcst, wslack, wdiv;
    bool has_init;         /* init: an f1 some outcome meeting the */
    double init;           /* constraints reaches (an incumbent) */
} an_obj;

/* The separable bound's tables for ob over the outcomes meeting c: from
 * the LP relaxation (DIM, SUM, MIN, KS) or, for NASH, from incumbent (d
 * utilities of an outcome meeting c; NULL: no bound).  Leaves wkind 0
 * when no bound is made (interaction terms, no LP optimum).  false: no
 * memory. */
bool an_obj_weights(const an_space *sp, const an_cons *c, an_obj *ob, const double *incumbent);
void an_obj_weights_free(const an_space *sp, an_obj *ob);

static inline void an_obj_eval(const an_obj *ob, const double *u, size_t d, double *f1,
                               double *f2)
{
    *f2 = 0.0;
    switch (ob->kind) {
    case AN_OBJ_DIM:
        *f1 = u[ob->dim];
        return;
    case AN_OBJ_SUM:
        *f1 = an_sol_sum(u, d);
        return;
    case AN_OBJ_MIN:
        *f1 = an_sol_min(u, d);
        *f2 = an_sol_sum(u, d);
        return;
    case AN_OBJ_NASH: {
        double s = 1.0;
        for (size_t j = 0; j < d; j++)
            s *= u[j] > ob->rv[j] ? u[j] - ob->rv[j] : 0.0;
        *f1 = s;
        return;
    }
    case AN_OBJ_KS:
        *f1 = an_sol_ks(u, ob->rv, ob->best, d);
        *f2 = an_sol_sum(u, d);
        return;
    }
    *f1 = 0.0;
}

typedef struct an_run {
    const an_space *sp;
    const parley_analysis_options *opt;
    uint64_t work;         /* nodes looked at so far (all passes) */
    const char *phase;
    double phase_lo, phase_hi; /* share of the progress bar of this pass */
    double stopped_at;     /* on a work-limit stop: share of the pass done */
    double deadline;       /* CLOCK_MONOTONIC seconds (max_seconds); 0: none */
    bool stopped;          /* a progress tick said stop: cancelled or late */
    /* Soft stops (scenarios with interaction terms): a search pass that
     * the work limit or the deadline stops ends early without failing; it
     * returns what it has (the frontier of the outcomes it looked at, with
     * their counts so far; a count so far) and leaves in open[nopen*d] the
     * upper-bound vectors of every subtree it did not finish (nodes not
     * entered, siblings not visited, tasks not taken), from which the
     * caller bounds how far the true frontier can be (analysis.c). */
    bool soft;
    bool cut;              /* the last pass stopped early (soft) */
    size_t nopen, capopen;
    double *open;          /* freed by an_run_free_open */
    an_obj *obj;           /* BEST passes: the objective, and its result */
    /* COUNT passes: when set, a separable bound (wkind 1, an_lp.c) of an
     * objective that is >= count_cut->init on every outcome counted: a
     * subtree whose bound is below init is cut (it holds none of them). */
    const an_obj *count_cut;
    bool auto_try;         /* the frontier engine tried under AUTO's small
                            * limits (analysis.c): its merge's candidates
                            * are capped by the frontier limit too */
} an_run;

void an_run_free_open(an_run *run);

/* Work.  One unit is an outcome looked at one by one, or AN_SCANS_PER_UNIT
 * comparisons of a utility vector with points of a frontier under
 * construction (three or more dimensions, where such a comparison is a
 * scan of a list): the work limit then bounds the time of every phase. */
#define AN_SCANS_PER_UNIT 16

/* Is the deadline (CLOCK_MONOTONIC seconds; 0: none) past? */
bool an_past(double deadline);
/* The monotonic clock in seconds. */
double an_now(void);
/* Fail with the reason a tick stopped the run: "time" (the deadline) or
 * a cancellation.  Returns PARLEY_ERR_LIMIT. */
parley_status an_stop_fail(const an_run *run, parley_error *err);

/* Run a pass.  FRONTIER: *arch (initialised by the caller; if seeded, its
 * points are the exact frontier and only counts/outcomes are filled) gets
 * the frontier with counts multiplied by sp->freemult.  COUNT: *count.
 * Fails with PARLEY_ERR_LIMIT (work, frontier, cancel) or NOMEM. */
parley_status an_search(an_run *run, an_pass_kind kind, const an_cons *cons, an_arch *arch,
                        an_count *count, parley_error *err);

/* The exact frontier point set over all outcomes by issue-wise merging of
 * non-dominated partial sums (no counts).  Returns PARLEY_OK and fills
 * *seed (initialised by the caller), or PARLEY_ERR_LIMIT when the partial
 * frontiers grow beyond `limit` points (the caller then searches without a
 * seed), or NOMEM. */
parley_status an_merge_frontier(struct an_run *run, size_t limit, an_arch *seed);

/* Count the outcomes meeting cons exactly by meeting in the middle
 * (an_mitm.c): at most two dimensions, thresholds only (no red lines).
 * PARLEY_ERR_UNSUPPORTED when cons or the space do not qualify,
 * PARLEY_ERR_LIMIT when a side would exceed max_side entries (err not
 * touched) or when cancelled (err says so), NOMEM. */
parley_status an_mitm_count2(an_run *run, const an_cons *c, uint64_t max_side, an_count *out,
                             parley_error *err);

/* The all-outcomes frontier of a two-party scenario whose utilities are
 * integer-valued interaction terms over conjunctions of issue comparisons,
 * by epsilon-constraint walks with GLPK (an_mip.c says exactly which
 * scenarios and what is proven).  out: initialised, empty, not seeded.
 * OK: out holds proven frontier points, normalised, each with count 0 and
 * an outcome attaining it (re-evaluated by pm_utility); res->complete:
 * they are all of them; otherwise every frontier point not among them is
 * at most res->corner in both utilities (the walk's budget ran out: half
 * the work limit at AN_MIP_NODE_UNITS a solver node, or half the time
 * left to the run's deadline).  UNSUPPORTED when the scenario does not qualify or the solver
 * fails, LIMIT when stopped before any point (out empty either way:
 * search as before), NOMEM.  Solver nodes are charged to run->work. */
typedef struct an_mip_result {
    bool complete;
    double corner[2];
} an_mip_result;
#define AN_MIP_NODE_UNITS 10000
parley_status an_mip_frontier2(an_run *run, an_arch *out, an_mip_result *res);
/* Does the space qualify for an_mip_frontier2 (a quick look, no memory)? */
bool an_mip_applies(const an_space *sp);

/* Report progress f (share of the current pass) if 0.2 s have passed
 * since *last; false when the callback asks to cancel or the deadline is
 * past (run->stopped is then set: an_stop_fail words it).  One thread of
 * a run calls it. */
bool an_progress_tick(an_run *run, double f, struct timespec *last);

#endif
