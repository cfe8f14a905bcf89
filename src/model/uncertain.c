/*
 * uncertain.c -- the uncertain numbers and red-line beliefs of a scenario
 * (parley/robust.h; layout and invariants in uncertain.h).
 *
 * What it owns: validating a distribution for the kind of number it
 * stands for, recording it on the scenario (sc->unc, from sc->alloc),
 * setting the number to its nominal value, and the draws from it that the
 * robust analysis makes (pm_unc_draw).  It knows no file format.
 *
 * Nominal values: uniform, the midpoint lo + (hi - lo) / 2; truncated
 * normal, the mean of the truncated law, mean + sd * (phi(a) - phi(b)) / Z
 * clamped into [lo, hi]; choice, the value of largest p (the first listed
 * among equals).  Draws: uniform lo + (hi - lo) * u; truncated normal by
 * inverting its CDF (bisection to the last bit of [lo, hi], so a draw is a
 * pure function of u; first by rejection of Box-Muller pairs from a
 * stream seeded by u); choice by the cumulative p in the order written,
 * values with p = 0 never drawn.
 */
#include "parleyx.h"
#include "model/uncertain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define UNC_OK(sc, p) ((sc) && (p) < (sc)->nparties)

static uint64_t unc_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unc_phi(double x)
{
    return exp(-0.5 * x * x) * 0.39894228040143267794;
}

static double unc_Phi(double x)
{
    return 0.5 * erfc(-x * 0.70710678118654752440);
}


static void unc_record_free(const parley_scenario *sc, pm_unc *x)
{
    if (x->vals)
        parleyx_free(sc->alloc, x->vals, x->u.n * sizeof(double));
    if (x->ps)
        parleyx_free(sc->alloc, x->ps, x->u.n * sizeof(double));
    x->vals = x->ps = NULL;
}

void pm_unc_free(parley_scenario *sc)
{
    if (!sc || !sc->unc)
        return;
    pm_uncertainty *U = sc->unc;
    for (size_t j = 0; j < U->n; j++)
        unc_record_free(sc, &U->v[j]);
    parleyx_free(sc->alloc, U->v, U->cap * sizeof(pm_unc));
    parleyx_free(sc->alloc, U, sizeof *U);
    sc->unc = NULL;
}

static void unc_leaves(rule *r, rule **found, size_t *count)
{
    if (!r)
        return;
    if (r->op == RULE_UTIL_CMP) {
        if (*count == 0)
            *found = r;
        (*count)++;
        return;
    }
    unc_leaves(r->a, found, count);
    unc_leaves(r->b, found, count);
}

rule *pm_unc_threshold_leaf(rule *r, size_t *count)
{
    rule *found = NULL;
    size_t n = 0;
    unc_leaves(r, &found, &n);
    if (count)
        *count = n;
    return n == 1 ? found : NULL;
}

static bool unc_same(const parley_input *a, const parley_input *b)
{
    if (a->kind != b->kind || a->party != b->party)
        return false;
    switch (a->kind) {
    case PARLEY_INPUT_RESERVATION: return true;
    case PARLEY_INPUT_WEIGHT: return a->issue == b->issue;
    case PARLEY_INPUT_SCORE: return a->issue == b->issue && a->value == b->value;
    case PARLEY_INPUT_THRESHOLD:
    case PARLEY_INPUT_BELIEF: return a->redline == b->redline;
    }
    return false;
}

static pm_unc *unc_find(const parley_scenario *sc, const parley_input *in)
{
    if (!sc || !sc->unc)
        return NULL;
    for (size_t j = 0; j < sc->unc->n; j++)
        if (unc_same(&sc->unc->v[j].in, in))
            return &sc->unc->v[j];
    return NULL;
}

static void unc_remove(parley_scenario *sc, pm_unc *x)
{
    pm_uncertainty *U = sc->unc;
    size_t j = (size_t)(x - U->v);
    unc_record_free(sc, x);
    memmove(&U->v[j], &U->v[j + 1], (U->n - j - 1) * sizeof(pm_unc));
    U->n--;
}

/* A slot for in: the existing record (cleared) or a new one. */
static pm_unc *unc_slot(parley_scenario *sc, const parley_input *in)
{
    pm_unc *x = unc_find(sc, in);
    if (x) {
        unc_record_free(sc, x);
        memset(x, 0, sizeof *x);
        x->in = *in;
        return x;
    }
    if (!sc->unc) {
        sc->unc = parleyx_calloc(sc->alloc, 1, sizeof(pm_uncertainty));
        if (!sc->unc)
            return NULL;
    }
    pm_uncertainty *U = sc->unc;
    pm_unc *grown = parleyx_grow(sc->alloc, U->v, sizeof *grown, &U->cap, U->n + 1, 8);
    if (!grown)
        return NULL;
    U->v = grown;
    x = &U->v[U->n++];
    memset(x, 0, sizeof *x);
    x->in = *in;
    return x;
}

static const char *unc_what(parley_input_kind k)
{
    switch (k) {
    case PARLEY_INPUT_RESERVATION: return "a reservation value";
    case PARLEY_INPUT_WEIGHT: return "a weight";
    case PARLEY_INPUT_SCORE: return "a score";
    case PARLEY_INPUT_THRESHOLD: return "a threshold";
    case PARLEY_INPUT_BELIEF: return "a belief";
    }
    return "a number";
}

/* Check the distribution against what the number may take; fill the
 * record's support, nominal value and normal constants (not the arrays). */
static parley_status unc_check(parley_input_kind kind, const parley_uncertain *u, pm_unc *x,
                               parley_error *err)
{
    double minv = 0.0, maxv = kind == PARLEY_INPUT_WEIGHT ? INFINITY : 1.0;
    const char *range = kind == PARLEY_INPUT_WEIGHT ? ">= 0" : "in [0, 1]";
    const char *what = unc_what(kind);
    double lo, hi, nominal;
    switch (u->kind) {
    case PARLEY_DIST_POINT:
        if (!isfinite(u->value))
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "%s must be a finite number", what);
        x->lo = x->hi = x->nominal = u->value;
        return PARLEY_OK;
    case PARLEY_DIST_UNIFORM:
    case PARLEY_DIST_NORMAL:
        lo = u->lo;
        hi = u->hi;
        if (!isfinite(lo) || !isfinite(hi))
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "the range of %s must be finite", what);
        if (lo > hi)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "the range [LO, HI] of %s has LO > HI; write the smaller end "
                                "first",
                                what);
        if (lo < minv || hi > maxv)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "the range of %s reaches outside what it may take; %s must be "
                                "%s",
                                what, what, range);
        nominal = lo + (hi - lo) / 2;
        if (u->kind == PARLEY_DIST_NORMAL) {
            if (!isfinite(u->mean) || !isfinite(u->sd))
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "the normal of %s needs a finite mean and SD", what);
            if (!(u->sd > 0))
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "the SD of the normal of %s must be > 0", what);
            double a = unc_Phi((lo - u->mean) / u->sd), b = unc_Phi((hi - u->mean) / u->sd);
            x->norm_a = a;
            x->norm_z = b - a;
            if (lo < hi && !(x->norm_z > 1e-12))
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "the normal of %s puts almost no weight inside its range "
                                    "[LO, HI]; move the mean into the range or widen it",
                                    what);
            if (lo < hi) {
                double al = (lo - u->mean) / u->sd, be = (hi - u->mean) / u->sd;
                nominal = u->mean + u->sd * (unc_phi(al) - unc_phi(be)) / x->norm_z;
                if (nominal < lo)
                    nominal = lo;
                if (nominal > hi)
                    nominal = hi;
            }
        }
        x->lo = lo;
        x->hi = hi;
        x->nominal = nominal;
        return PARLEY_OK;
    case PARLEY_DIST_CHOICE: {
        if (u->n < 1 || u->n > PARLEY_MAX_CHOICES || !u->values)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "a choice for %s needs 1 to %d values", what,
                                PARLEY_MAX_CHOICES);
        double sum = 0, best = -1;
        lo = INFINITY;
        hi = -INFINITY;
        nominal = 0;
        for (size_t k = 0; k < u->n; k++) {
            double v = u->values[k], p = u->p ? u->p[k] : 1.0 / (double)u->n;
            if (!isfinite(v))
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "the choices of %s must be finite numbers", what);
            if (v < minv || v > maxv)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "choice %zu of %s is outside what it may take; %s must be "
                                    "%s",
                                    k + 1, what, what, range);
            if (!(p >= 0 && p <= 1))
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "probability %zu of the choice of %s is not in [0, 1]", k + 1,
                                    what);
            sum += p;
            if (p > 0) {
                if (v < lo)
                    lo = v;
                if (v > hi)
                    hi = v;
            }
            if (p > best) {
                best = p;
                nominal = v;
            }
        }
        if (u->p && fabs(sum - 1.0) > 1e-9)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "the probabilities `p` of the choice of %s sum to %.17g; they "
                                "must sum to 1",
                                what, sum);
        x->lo = lo;
        x->hi = hi;
        x->nominal = nominal;
        return PARLEY_OK;
    }
    }
    return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "unknown kind of distribution");
}

/* Set the number itself to v. */
static parley_status unc_apply(parley_scenario *sc, const parley_input *in, double v)
{
    pm_party *pa = &sc->parties[in->party];
    switch (in->kind) {
    case PARLEY_INPUT_RESERVATION: return parley_party_set_reservation(sc, in->party, v);
    case PARLEY_INPUT_WEIGHT: return parley_party_set_weight(sc, in->party, in->issue, v);
    case PARLEY_INPUT_SCORE:
        return parley_party_set_value_eval(sc, in->party, in->issue, in->value, v);
    case PARLEY_INPUT_THRESHOLD: {
        rule *leaf = pm_unc_threshold_leaf(pa->redlines[in->redline].rule, NULL);
        if (!leaf)
            return PARLEY_ERR_INTERNAL;
        leaf->threshold = v;
        return PARLEY_OK;
    }
    case PARLEY_INPUT_BELIEF: return PARLEY_OK;
    }
    return PARLEY_ERR_ARG;
}

static parley_status unc_check_input(const parley_scenario *sc, const parley_input *in,
                                     parley_error *err)
{
    if (!in || !UNC_OK(sc, in->party))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such party");
    const pm_party *pa = &sc->parties[in->party];
    switch (in->kind) {
    case PARLEY_INPUT_RESERVATION: return PARLEY_OK;
    case PARLEY_INPUT_WEIGHT:
        if (in->issue >= sc->nissues)
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such issue");
        return PARLEY_OK;
    case PARLEY_INPUT_SCORE:
        if (in->issue >= sc->nissues || in->value >= sc->issues[in->issue].nvalues)
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such issue or value");
        if (pa->evals[in->issue].kind != PARLEY_EVAL_TABLE)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "only a score of a `values` table may be uncertain");
        return PARLEY_OK;
    case PARLEY_INPUT_THRESHOLD:
    case PARLEY_INPUT_BELIEF: {
        if (in->redline >= pa->nredlines)
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such red line");
        if (in->kind == PARLEY_INPUT_BELIEF)
            return PARLEY_OK;
        size_t count = 0;
        pm_unc_threshold_leaf(pa->redlines[in->redline].rule, &count);
        if (count != 1)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "a `threshold` replaces the number of the rule's one "
                                "utility(P) comparison, and this rule has %s; write the number "
                                "in the rule instead%s",
                                count ? "more than one" : "none",
                                count ? "" : " (or compare a utility(P) in it)");
        return PARLEY_OK;
    }
    }
    return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "unknown kind of input");
}

parley_status parley_set_uncertain(parley_scenario *sc, const parley_input *in,
                                   const parley_uncertain *u, parley_error *err)
{
    if (!sc || !in || !u)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_set_uncertain: sc, in and u must not be NULL");
    parley_status st = unc_check_input(sc, in, err);
    if (st)
        return st;
    if (in->kind == PARLEY_INPUT_BELIEF)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a belief is set with parley_redline_set_holds");
    if (u->kind == PARLEY_DIST_POINT && in->kind != PARLEY_INPUT_THRESHOLD)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a plain number is set with the builder, not as uncertain");
    pm_unc tmp;
    memset(&tmp, 0, sizeof tmp);
    if ((st = unc_check(in->kind, u, &tmp, err)) != PARLEY_OK)
        return st;
    double *vals = NULL, *ps = NULL;
    if (u->kind == PARLEY_DIST_CHOICE) {
        vals = parleyx_malloc(sc->alloc, u->n * sizeof(double));
        ps = parleyx_malloc(sc->alloc, u->n * sizeof(double));
        if (!vals || !ps) {
            if (vals)
                parleyx_free(sc->alloc, vals, u->n * sizeof(double));
            if (ps)
                parleyx_free(sc->alloc, ps, u->n * sizeof(double));
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t k = 0; k < u->n; k++) {
            vals[k] = u->values[k];
            ps[k] = u->p ? u->p[k] : 1.0 / (double)u->n;
        }
    }
    pm_unc *x = unc_slot(sc, in);
    if (!x) {
        if (vals) {
            parleyx_free(sc->alloc, vals, u->n * sizeof(double));
            parleyx_free(sc->alloc, ps, u->n * sizeof(double));
        }
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    x->u = *u;
    x->lo = tmp.lo;
    x->hi = tmp.hi;
    x->nominal = tmp.nominal;
    x->norm_a = tmp.norm_a;
    x->norm_z = tmp.norm_z;
    x->vals = vals;
    x->ps = ps;
    x->given_p = u->kind == PARLEY_DIST_CHOICE && u->p != NULL;
    if (vals) {
        x->u.values = vals;
        x->u.p = ps;
    } else {
        x->u.values = x->u.p = NULL;
        x->u.n = 0;
    }
    if ((st = unc_apply(sc, in, x->nominal)) != PARLEY_OK)
        return parleyx_fail(err, st, NULL, 0, 0, "cannot set the nominal value of %s",
                            unc_what(in->kind));
    return PARLEY_OK;
}

parley_status parley_redline_set_holds(parley_scenario *sc, size_t party, size_t r, double holds,
                                       parley_error *err)
{
    parley_input in = {PARLEY_INPUT_BELIEF, party, 0, 0, r};
    parley_status st = unc_check_input(sc, &in, err);
    if (st)
        return st;
    if (!(holds >= 0 && holds <= 1))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "`holds` is the belief that the red line is real: a number in "
                            "[0, 1]");
    pm_unc *x = unc_find(sc, &in);
    if (holds == 1) {
        if (x)
            unc_remove(sc, x);
        return PARLEY_OK;
    }
    if (!x && !(x = unc_slot(sc, &in)))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    x->u.kind = PARLEY_DIST_POINT;
    x->u.value = holds;
    x->nominal = holds;
    x->lo = holds > 0 ? 0 : 0;    /* dropped: possible when holds < 1 */
    x->hi = holds > 0 ? 1 : 0;    /* real: possible when holds > 0 */
    return PARLEY_OK;
}

double parley_redline_belief(const parley_scenario *sc, size_t party, size_t r)
{
    parley_input in = {PARLEY_INPUT_BELIEF, party, 0, 0, r};
    const pm_unc *x = unc_find(sc, &in);
    return x ? x->nominal : 1.0;
}

bool parley_scenario_is_uncertain(const parley_scenario *sc)
{
    if (!sc || !sc->unc)
        return false;
    for (size_t j = 0; j < sc->unc->n; j++)
        if (sc->unc->v[j].u.kind != PARLEY_DIST_POINT || sc->unc->v[j].in.kind == PARLEY_INPUT_BELIEF)
            return true;
    return false;
}

size_t parley_uncertain_count(const parley_scenario *sc)
{
    return sc && sc->unc ? sc->unc->n : 0;
}

bool parley_uncertain_get(const parley_scenario *sc, size_t j, parley_input *in,
                          parley_uncertain *u)
{
    if (!sc || !sc->unc || j >= sc->unc->n)
        return false;
    if (in)
        *in = sc->unc->v[j].in;
    if (u) {
        *u = sc->unc->v[j].u;
        if (u->kind == PARLEY_DIST_CHOICE && !sc->unc->v[j].given_p)
            u->p = NULL;
    }
    return true;
}

bool parley_uncertain_find(const parley_scenario *sc, const parley_input *in, parley_uncertain *u)
{
    const pm_unc *x = in ? unc_find(sc, in) : NULL;
    if (!x)
        return false;
    return parley_uncertain_get(sc, (size_t)(x - sc->unc->v), NULL, u);
}

const char *parley_input_name(const parley_scenario *sc, const parley_input *in, char *buf,
                              size_t n)
{
    if (!buf || !n)
        return buf;
    buf[0] = 0;
    if (!sc || !in || in->party >= sc->nparties)
        return buf;
    const pm_party *pa = &sc->parties[in->party];
    char lab[PARLEY_MAX_NAME + 8];
    switch (in->kind) {
    case PARLEY_INPUT_RESERVATION: snprintf(buf, n, "%s:reservation", pa->name); break;
    case PARLEY_INPUT_WEIGHT:
        if (in->issue < sc->nissues)
            snprintf(buf, n, "%s:%s.weight", pa->name, sc->issues[in->issue].name);
        break;
    case PARLEY_INPUT_SCORE:
        if (in->issue < sc->nissues && in->value < sc->issues[in->issue].nvalues)
            snprintf(buf, n, "%s:%s=%s", pa->name, sc->issues[in->issue].name,
                     parley_issue_value_label(sc, in->issue, in->value, lab, sizeof lab));
        break;
    case PARLEY_INPUT_THRESHOLD:
        if (in->redline < pa->nredlines)
            snprintf(buf, n, "%s:%s.threshold", pa->name, pa->redlines[in->redline].name);
        break;
    case PARLEY_INPUT_BELIEF:
        if (in->redline < pa->nredlines)
            snprintf(buf, n, "%s:%s", pa->name, pa->redlines[in->redline].name);
        break;
    }
    return buf;
}

void parley_uncertain_bounds(const parley_uncertain *u, double *lo, double *hi, double *nominal)
{
    pm_unc tmp;
    memset(&tmp, 0, sizeof tmp);
    if (u)
        (void)unc_check(PARLEY_INPUT_WEIGHT, u, &tmp, NULL);
    if (lo)
        *lo = tmp.lo;
    if (hi)
        *hi = tmp.hi;
    if (nominal)
        *nominal = tmp.nominal;
}

double pm_unc_draw(const pm_unc *x, double u)
{
    switch (x->in.kind == PARLEY_INPUT_BELIEF ? PARLEY_DIST_POINT : x->u.kind) {
    case PARLEY_DIST_POINT:
        if (x->in.kind == PARLEY_INPUT_BELIEF)
            return u < x->nominal ? 1.0 : 0.0;
        return x->nominal;
    case PARLEY_DIST_UNIFORM: {
        double v = x->lo + (x->hi - x->lo) * u;
        return v > x->hi ? x->hi : v;
    }
    case PARLEY_DIST_NORMAL: {
        if (!(x->lo < x->hi))
            return x->lo;
        /* Box-Muller pairs from a private stream seeded by u, kept when
         * inside [lo, hi] (rejection: exactly the truncated law); after 32
         * misses (a range holding little of the normal), inversion of the
         * truncated CDF by bisection with a fresh uniform from the stream. */
        uint64_t h = (uint64_t)(u * 9007199254740992.0);
        for (int k = 0; k < 32; k++) {
            h = unc_mix(h);
            double u1 = (double)((h >> 11) + 1) * (1.0 / 9007199254740992.0);
            h = unc_mix(h);
            double u2 = (double)(h >> 11) * (1.0 / 9007199254740992.0);
            double v = x->u.mean + x->u.sd * (sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
            if (v >= x->lo && v <= x->hi)
                return v;
        }
        h = unc_mix(h);
        u = (double)(h >> 11) * (1.0 / 9007199254740992.0);
        double target = x->norm_a + u * x->norm_z, a = x->lo, b = x->hi;
        for (int it = 0; it < 64; it++) {
            double m = a + (b - a) / 2;
            if (m <= a || m >= b)
                break;
            if (unc_Phi((m - x->u.mean) / x->u.sd) < target)
                a = m;
            else
                b = m;
        }
        return a;
    }
    case PARLEY_DIST_CHOICE: {
        double c = 0;
        size_t last = 0;
        for (size_t k = 0; k < x->u.n; k++) {
            if (!(x->ps[k] > 0))
                continue;
            last = k;
            c += x->ps[k];
            if (u < c)
                return x->vals[k];
        }
        return x->vals[last];
    }
    }
    return x->nominal;
}

parley_status pm_unc_clone(const parley_scenario *sc, parley_scenario *c, parley_error *err)
{
    if (!sc->unc)
        return PARLEY_OK;
    for (size_t j = 0; j < sc->unc->n; j++) {
        const pm_unc *x = &sc->unc->v[j];
        parley_status st;
        if (x->in.kind == PARLEY_INPUT_BELIEF) {
            st = parley_redline_set_holds(c, x->in.party, x->in.redline, x->nominal, err);
        } else {
            parley_uncertain u = x->u;
            if (u.kind == PARLEY_DIST_CHOICE && !x->given_p)
                u.p = NULL;
            st = parley_set_uncertain(c, &x->in, &u, err);
        }
        if (st)
            return st;
    }
    return PARLEY_OK;
}

void pm_unc_redline_removed(parley_scenario *sc, size_t party, size_t r)
{
    if (!sc || !sc->unc)
        return;
    pm_uncertainty *U = sc->unc;
    for (size_t j = 0; j < U->n;) {
        pm_unc *x = &U->v[j];
        bool rl = x->in.kind == PARLEY_INPUT_THRESHOLD || x->in.kind == PARLEY_INPUT_BELIEF;
        if (rl && x->in.party == party && x->in.redline == r) {
            unc_remove(sc, x);
            continue;
        }
        if (rl && x->in.party == party && x->in.redline > r)
            x->in.redline--;
        j++;
    }
}
