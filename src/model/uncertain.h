/*
 * uncertain.h -- pm_unc_: the uncertain numbers and red-line beliefs a
 * scenario carries (parley/robust.h is the public face).  Not installed.
 *
 * A scenario's sc->unc is NULL (a point scenario) or a list of records,
 * one per input, in the order they were set.  Each record owns its choice
 * arrays (from sc->alloc).  Invariants:
 *  - a record's distribution was validated for its kind of number, and the
 *    number itself (reservation, weight, table score, rule leaf threshold)
 *    holds the record's nominal value;
 *  - a BELIEF record has 0 <= holds < 1 (holds 1 is no record);
 *  - a THRESHOLD record's red line has exactly one RULE_UTIL_CMP leaf.
 */
#ifndef PARLEY_UNCERTAIN_H
#define PARLEY_UNCERTAIN_H

#include "model/model.h"
#include "model/rule.h"
#include "parley/robust.h"

typedef struct pm_unc {
    parley_input in;
    parley_uncertain u;   /* CHOICE: values/p point at vals/ps */
    double *vals, *ps;    /* CHOICE: n each, owned; ps always set (equal if none given) */
    bool given_p;         /* CHOICE: p was written */
    double nominal;       /* the nominal value (BELIEF: holds) */
    double lo, hi;        /* the support's ends (BELIEF: 0 or 1 as possible) */
    double norm_a, norm_z; /* NORMAL: Phi((lo-mean)/sd) and the mass inside */
} pm_unc;

typedef struct pm_uncertainty {
    size_t n, cap;
    pm_unc *v;
} pm_uncertainty;

/* Free sc->unc (scenario.c calls this from parley_scenario_free). */
void pm_unc_free(parley_scenario *sc);
/* Copy sc's records into c (same parties and red lines), re-applying the
 * nominal thresholds to c's freshly compiled rules (parley_scenario_clone). */
parley_status pm_unc_clone(const parley_scenario *sc, parley_scenario *c, parley_error *err);
/* Red line r of party was removed: drop its records, renumber the rest. */
void pm_unc_redline_removed(parley_scenario *sc, size_t party, size_t r);
/* The one RULE_UTIL_CMP leaf of a rule, or NULL (*count says how many). */
rule *pm_unc_threshold_leaf(rule *r, size_t *count);
/* A draw from record x given a uniform u in [0, 1) (NORMAL: by inversion
 * of the truncated CDF; CHOICE: by cumulative p over the values with
 * p > 0).  BELIEF: 1 (real) when u < holds, else 0. */
double pm_unc_draw(const pm_unc *x, double u);

#endif
