/*
 * model.h -- the scenario's internal layout, shared by every layer of the
 * library (io, analysis, negotiation...).  Not installed.
 *
 * A scenario owns everything reachable from it; all of it was allocated
 * through sc->alloc.  Issues come first (they may not be added after the
 * first party), then parties, then red lines (compiled against the issues
 * and parties present when they are added).
 *
 * Invariants once final (sc->final is true):
 *  - every issue has 1 <= nvalues <= PARLEY_MAX_VALUES;
 *  - terms[p][i] holds nvalues[i] doubles: w_i * eval_i(value k), computed
 *    in doubles as GENIUS does (discrete evals were divided by the issue
 *    maximum by the GENIUS reader, before they came here);
 *  - the utility of p is min(1, sum over i in issue order, from 0.0, of
 *    terms[p][i][k_i]) -- no reassociation, no FMA (built with
 *    -ffp-contract=off) -- when p has no interaction terms;
 *  - with interaction terms (nterms > 0) it is
 *        clamp01( L + I / idiv ),
 *    L the linear fold above, I the fold, in term order from 0.0, of the
 *    values of the terms whose condition the outcome satisfies, idiv > 0
 *    the party's interaction divisor (1 unless a reader set it: GENIUS's
 *    maxutility), clamp01(x) = max(0, min(1, x)).  A GENIUS non-linear
 *    profile (L = 0.0, I = the sum GENIUS forms, idiv = maxutility) is then
 *    GENIUS's own arithmetic, bit for bit, except that GENIUS does not clamp
 *    below 0 (no shipped file goes below);
 *  - every rule is compiled and refers to existing issues and parties.
 * Building anything again clears `final` and frees the term tables.
 */
#ifndef PARLEY_MODEL_H
#define PARLEY_MODEL_H

#include "parleyx.h"

typedef struct pm_issue {
    char *name;
    char *description;          /* NULL if none */
    parley_issue_kind kind;
    size_t nvalues;
    char **labels;              /* discrete: nvalues labels; else NULL */
    int64_t ilo, ihi, istep;    /* integer */
    double rlo, rhi;            /* real */
    unsigned grid;              /* real: points */
} pm_issue;

typedef struct pm_eval {
    parley_eval_kind kind;
    double a, b, c;
    size_t n;
    double *table;              /* TABLE: nvalues of the issue */
    double *x, *y;              /* PIECEWISE */
} pm_eval;

struct rule;                    /* rule.h */

typedef struct pm_redline {
    char *name;
    char *text;                 /* as written */
    struct rule *rule;          /* compiled */
} pm_redline;

/* An interaction term: value is added to the party's interaction sum when
 * the outcome satisfies `rule` (issue comparisons only, no utility()). */
typedef struct pm_term {
    char *when;                 /* the condition as written */
    struct rule *rule;          /* compiled */
    double value;               /* finite; may be negative */
} pm_term;

typedef struct pm_party {
    char *name;
    char *description;
    parley_role role;
    double reservation;
    double discount;
    bool has_capability;
    double capability;
    double *weights;            /* nissues */
    double *position;           /* nissues: forecasting position, NaN unset */
    double *salience;           /* nissues: forecasting salience, NaN unset */
    pm_eval *evals;             /* nissues */
    size_t nredlines, capredlines;
    pm_redline *redlines;
    size_t nterms, capterms;
    pm_term *iterms;            /* interaction terms, in order */
    double idiv;                /* interaction divisor, > 0 (1 by default) */
    double **terms;             /* final: nissues tables of nvalues */
    bool has_utility;           /* final: some weight*eval nonzero path */
    bool redlines_use_utility;  /* some rule calls utility() */
} pm_party;

struct parley_scenario {
    parley_allocator allocv;
    const parley_allocator *alloc; /* &allocv */
    char *name;
    char *description;
    size_t nissues, capissues;
    pm_issue *issues;
    size_t nparties, capparties;
    pm_party *parties;
    size_t nnotes, capnotes;
    char **notes; /* the reader's notes (files it skipped, and why) */
    struct pm_uncertainty *unc; /* uncertain numbers and beliefs (uncertain.h), or NULL */
    bool final;
};

/* Index of the issue (party) named name, or SIZE_MAX. */
size_t pm_find_issue(const parley_scenario *sc, const char *name);
size_t pm_find_party(const parley_scenario *sc, const char *name);
/* Numeric value of value index k of an issue. */
double pm_issue_value(const pm_issue *is, size_t k);
/* The grid point of a real issue that x names: the k whose value is within
 * 1e-9 of a grid step of x (so 0.3 names 0.30000000000000004), or SIZE_MAX.
 * One rule for rule literals and parley_issue_find_value. */
size_t pm_issue_grid_index(const pm_issue *is, double x);
/* eval_i(value k) of an evaluator on an issue (no weight). */
double pm_eval_at(const pm_eval *ev, const pm_issue *is, size_t k);
/* The largest and smallest of the n >= 1 terms t[0..n) (a party's term
 * table for one issue): the extremes behind every utility bound. */
static inline void pm_terms_range(const double *t, size_t n, double *mx, double *mn)
{
    double hi = t[0], lo = t[0];
    for (size_t k = 1; k < n; k++) {
        if (t[k] > hi)
            hi = t[k];
        if (t[k] < lo)
            lo = t[k];
    }
    *mx = hi;
    *mn = lo;
}

/* lin + I / idiv, at least 0 (the interaction part of the utility, before
 * the cap at 1; scenario.c). */
double pm_interact(const pm_party *pa, const uint32_t *o, double lin);
/* I alone: the fold of the satisfied terms' values (scenario.c). */
double pm_interact_sum(const pm_party *pa, const uint32_t *o);

/* Utility from the term tables (and the interaction terms): the formula
 * above. */
static inline double pm_utility(const parley_scenario *sc, size_t p, const uint32_t *o)
{
    const pm_party *pa = &sc->parties[p];
    double s = 0.0;
    if (!pa->terms)
        return 0.0;
    for (size_t i = 0; i < sc->nissues; i++)
        s += pa->terms[i][o[i]];
    if (pa->nterms)
        s = pm_interact(pa, o, s);
    return s < 1.0 ? s : 1.0;
}

/* True when some party has interaction terms. */
bool pm_has_interactions(const parley_scenario *sc);

#endif
