/*
 * robust.c -- the robust analysis of a scenario with uncertain numbers and
 * red-line beliefs (parley/robust.h; docs/robust.md is the user's guide).
 *
 * What it owns.  Two passes over the outcome space, both by enumeration in
 * lexicographic order (issue 1 most significant), with per-party prefix
 * sums of the term tables so that each outcome costs about one addition
 * per party:
 *  1. Exact sets.  Each outcome is judged at per-constraint corners: the
 *     utility bounds ulo/uhi fold, in issue order, the products w_lo*e_lo
 *     (w_hi*e_hi) -- exactly the terms the corner world would hold, and
 *     floating-point addition is monotone, so they are the exact least and
 *     largest utility over the box.  A reservation constraint u >= r is
 *     robust iff ulo >= r_hi, possible iff uhi >= r_lo.  A red line is
 *     evaluated with each referenced utility and its threshold at the end
 *     its polarity in the rule makes worst (robust) or best (possible).
 *     Polarity: a leaf utility(Q) >= t is increasing in u_Q, decreasing in
 *     t; NOT and the left of -> flip it.  Robust deals need each red line
 *     monotone on its own (a forall distributes over the conjunction);
 *     possible deals need, for each party with an uncertain utility, one
 *     direction across every constraint that surely holds, since one world
 *     must satisfy them all.  Otherwise the set is refused with the reason.
 *  2. Sampled worlds.  World w draws input j from u = splitmix64(seed, w,
 *     j); the worker sets the numbers in its own term tables and its own
 *     clone's rule thresholds (made once per thread, never per world),
 *     enumerates the space, and writes its findings in the world's slot of
 *     shared per-world arrays; outcome counts are integers summed over
 *     threads.  Every sum of doubles is then formed in world order on one
 *     thread, so the results are identical for any thread count.
 *
 * Constraints are bits of a uint64_t: one per negotiator or ratifier
 * (its reservation value) and one per red line of theirs (at most 64 in
 * all).  Rules without utility() are evaluated once per outcome into a
 * static mask (sampling), red lines dropped in a world are masked out.
 *
 * Memory: everything from the scenario's allocator; the result owns its
 * arrays and frees them in parley_robust_free.
 */
#include "parleyx.h"
#include "analysis/an.h" /* an_now, an_past: the deadline clock */
#include "model/model.h"
#include "model/rule.h"
#include "model/uncertain.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RB_DEFAULT_SAMPLES 10000u
#define RB_DEFAULT_TOP 10u
#define RB_DEFAULT_MAX_OUTCOMES 100000000ull
#define RB_CHUNK 64u
#define RB_NSOL 4

/* ------------------------------------------------------------------ */
/* Preparation, shared read-only by the workers                         */
/* ------------------------------------------------------------------ */

typedef struct rb_rule {
    size_t party, r;
    uint64_t bit;
    bool uses_util;
    double holds;
    signed char *pol;   /* per party: 1 increasing, 2 decreasing, 4 neither (bits) */
    int tpol;           /* the threshold's bits, likewise (0: no threshold record) */
    const pm_unc *thr;  /* the threshold record, or NULL */
} rb_rule;

typedef struct rb_prep {
    const parley_scenario *sc;
    const parley_allocator *a;
    size_t ni, np, d, tot;
    size_t *nv, *off;
    uint64_t nout;
    size_t *dim_party;
    bool *needu;        /* the party's utility is needed */
    bool *unc_util;     /* the party has an uncertain weight or score */
    uint64_t *resbit;   /* per party: its reservation bit, 0 for mediators */
    uint64_t rlbits;    /* every red-line bit */
    size_t nrules;
    rb_rule *rules;
    uint64_t *smask;    /* sampling: per outcome, the failed rules without utility() */
    size_t nneed, nres, nurules;
    size_t *need;       /* the parties whose utility is needed, in order */
    size_t *res_party;  /* the negotiators and ratifiers, in order */
    size_t *urules;     /* the rules calling utility(), in order */
    bool *interact;     /* per party: it has interaction terms */
    unsigned nc;        /* constraint bits used */
    size_t nin;
    const pm_unc **in;
    double *w0, *e0, *r0; /* nominal weights (np*ni), evaluations (np*tot), reservations */
    bool *has_eval;     /* np*ni */
} rb_prep;

/* Per-thread world state: made once, reused for every world. */
typedef struct rb_ws {
    parley_scenario *cl; /* a clone whose threshold leaves this worker sets */
    rule **leaf;         /* per rb_rule: its threshold leaf in cl, or NULL */
    double *w, *e, *t, *rv;
    uint64_t active;
    uint32_t *o;
    double *S, *u;
    /* agreements and one-failure outcomes of the world */
    size_t nag, capag, nsg, capsg, nmin, capmin;
    uint64_t *agidx, *sgidx, *sgbit, *minm;
    double *agu, *sgu;
    /* frontier scratch */
    size_t capf, capc;
    uint32_t *tie[RB_NSOL]; /* capf each: the tied best points of each criterion */
    bool *rej;              /* capf */
    uint64_t *candidx;      /* capc: the points of a world with one red line dropped */
    double *candu;
    uint32_t *counts;  /* per outcome, how many of this worker's worlds accept it */
    size_t nacc;       /* agreements of the world (with two stakeholders only the
                        * frontier is kept in agidx/agu: nag <= nacc) */
    size_t nfp, capfp; /* two stakeholders: the online frontier */
    double *fpu;       /* capfp * 2 */
    uint64_t *fpi;     /* capfp */
    double *Tn, *Sn;   /* issue-major copies: terms [(off_i + k) * nneed + j], sums [i * nneed + j] */
    uint32_t *seen;    /* failure mask -> stamp of the last world it was seen in (nc <= 16) */
    size_t nseen, ndist;
    uint32_t stamp;
    bool nomem;
} rb_ws;

struct parley_robust {
    parley_allocator alloc;
    size_t d, ni, top;
    size_t *dim_party;
    bool ex_ok[2];
    char ex_reason[2][600];
    uint64_t ex_count[2];
    size_t ex_n[2];
    uint32_t *ex_out[2];
    bool sampled;
    uint64_t samples, seed, deals;
    double pdeal, plo, phi;
    size_t nlisted;
    uint32_t *out;
    double *out_p, *out_mean;
    size_t nsol[RB_NSOL];
    uint32_t *sol[RB_NSOL];
    double *sol_p[RB_NSOL];
    size_t nrl;
    size_t *rl_party, *rl_r;
    double *rl_conf, *rl_bind;
    bool *nash_ok;
    double *nash_mean, *nash_p05, *nash_p95;
    size_t nsens;
    parley_input *sens_in;
    double *sens_lo, *sens_hi;
};

static void *rb_calloc(const parley_allocator *a, size_t n, size_t size)
{
    return parleyx_calloc(a, n ? n : 1, size);
}

static void rb_free(const parley_allocator *a, void *p, size_t n, size_t size)
{
    if (p)
        parleyx_free(a, p, (n ? n : 1) * size);
}

/* Polarity of every utility leaf of r under sign s (+1, -1). */
static void rb_polar(const rule *r, int s, signed char *pol, int *tpol, const rule *tleaf)
{
    if (!r)
        return;
    switch (r->op) {
    case RULE_NOT: rb_polar(r->a, -s, pol, tpol, tleaf); return;
    case RULE_IMPLIES:
        rb_polar(r->a, -s, pol, tpol, tleaf);
        rb_polar(r->b, s, pol, tpol, tleaf);
        return;
    case RULE_AND:
    case RULE_OR:
        rb_polar(r->a, s, pol, tpol, tleaf);
        rb_polar(r->b, s, pol, tpol, tleaf);
        return;
    case RULE_UTIL_CMP: {
        int base = r->cmp == RULE_GE || r->cmp == RULE_GT   ? 1
                   : r->cmp == RULE_LE || r->cmp == RULE_LT ? -1
                                                            : 0;
        int e = base * s;
        pol[r->party] |= (signed char)(e > 0 ? 1 : e < 0 ? 2 : 4);
        if (r == tleaf)
            *tpol |= -e > 0 ? 1 : -e < 0 ? 2 : 4;
        return;
    }
    default: return;
    }
}

static void rb_prep_free(rb_prep *P)
{
    const parley_allocator *a = P->a;
    for (size_t k = 0; k < P->nrules; k++)
        rb_free(a, P->rules[k].pol, P->np, 1);
    rb_free(a, P->rules, P->nrules, sizeof(rb_rule));
    rb_free(a, P->nv, P->ni, sizeof(size_t));
    rb_free(a, P->off, P->ni, sizeof(size_t));
    rb_free(a, P->dim_party, P->np, sizeof(size_t));
    rb_free(a, P->needu, P->np, sizeof(bool));
    rb_free(a, P->unc_util, P->np, sizeof(bool));
    rb_free(a, P->resbit, P->np, sizeof(uint64_t));
    rb_free(a, P->in, P->nin, sizeof(pm_unc *));
    rb_free(a, P->w0, P->np * P->ni, sizeof(double));
    rb_free(a, P->e0, P->np * P->tot, sizeof(double));
    rb_free(a, P->r0, P->np, sizeof(double));
    rb_free(a, P->has_eval, P->np * P->ni, sizeof(bool));
    if (P->smask)
        rb_free(a, P->smask, (size_t)P->nout, sizeof(uint64_t));
    rb_free(a, P->need, P->np, sizeof(size_t));
    rb_free(a, P->res_party, P->np, sizeof(size_t));
    rb_free(a, P->urules, P->nrules, sizeof(size_t));
    rb_free(a, P->interact, P->np, sizeof(bool));
}

static parley_status rb_prepare(const parley_scenario *sc, uint64_t max_outcomes, rb_prep *P,
                                parley_error *err)
{
    memset(P, 0, sizeof *P);
    const parley_allocator *a = sc->alloc;
    P->sc = sc;
    P->a = a;
    P->ni = sc->nissues;
    P->np = sc->nparties;
    size_t ni = P->ni, np = P->np;
    P->nv = rb_calloc(a, ni, sizeof(size_t));
    P->off = rb_calloc(a, ni, sizeof(size_t));
    P->dim_party = rb_calloc(a, np, sizeof(size_t));
    P->needu = rb_calloc(a, np, sizeof(bool));
    P->unc_util = rb_calloc(a, np, sizeof(bool));
    P->resbit = rb_calloc(a, np, sizeof(uint64_t));
    P->r0 = rb_calloc(a, np, sizeof(double));
    if (!P->nv || !P->off || !P->dim_party || !P->needu || !P->unc_util || !P->resbit || !P->r0)
        goto nomem;
    uint64_t nout = 1;
    if (max_outcomes > ((uint64_t)1 << 40)) /* no overflow below: nout * nv < 2^48 */
        max_outcomes = (uint64_t)1 << 40;
    for (size_t i = 0; i < ni; i++) {
        P->nv[i] = sc->issues[i].nvalues;
        P->off[i] = P->tot;
        P->tot += P->nv[i];
        if (nout > max_outcomes / P->nv[i] + 1)
            nout = max_outcomes + 1;
        else
            nout *= P->nv[i];
    }
    if (nout > max_outcomes)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "the robust analysis enumerates the outcomes of each world, and this "
                            "space holds more than %llu; raise --max-outcomes (it costs about a "
                            "nanosecond per outcome and party, per world) or make the space "
                            "smaller",
                            (unsigned long long)max_outcomes);
    P->nout = nout;
    P->w0 = rb_calloc(a, np * ni, sizeof(double));
    P->e0 = rb_calloc(a, np * P->tot, sizeof(double));
    P->has_eval = rb_calloc(a, np * ni, sizeof(bool));
    if (!P->w0 || !P->e0 || !P->has_eval)
        goto nomem;
    unsigned nc = 0;
    for (size_t p = 0; p < np; p++) {
        const pm_party *pa = &sc->parties[p];
        P->r0[p] = pa->reservation;
        for (size_t i = 0; i < ni; i++) {
            P->w0[p * ni + i] = pa->weights[i];
            P->has_eval[p * ni + i] = pa->evals[i].kind != PARLEY_EVAL_NONE;
            for (size_t k = 0; k < P->nv[i]; k++)
                P->e0[p * P->tot + P->off[i] + k] =
                    P->has_eval[p * ni + i] ? pm_eval_at(&pa->evals[i], &sc->issues[i], k) : 0.0;
        }
        if (pa->role == PARLEY_ROLE_MEDIATOR)
            continue;
        if (pa->has_utility)
            P->dim_party[P->d++] = p;
        P->needu[p] = true;
        if (nc >= 64)
            goto toomany;
        P->resbit[p] = (uint64_t)1 << nc++;
        P->nrules += pa->nredlines;
    }
    P->rules = rb_calloc(a, P->nrules, sizeof(rb_rule));
    if (!P->rules)
        goto nomem;
    size_t k = 0;
    for (size_t p = 0; p < np; p++) {
        const pm_party *pa = &sc->parties[p];
        if (pa->role == PARLEY_ROLE_MEDIATOR)
            continue;
        for (size_t r = 0; r < pa->nredlines; r++, k++) {
            rb_rule *R = &P->rules[k];
            if (nc >= 64)
                goto toomany;
            R->party = p;
            R->r = r;
            R->bit = (uint64_t)1 << nc++;
            P->rlbits |= R->bit;
            R->uses_util = rule_uses_utility(pa->redlines[r].rule);
            R->holds = parley_redline_belief(sc, p, r);
            R->pol = rb_calloc(a, np, 1);
            if (!R->pol)
                goto nomem;
            parley_input tin = {PARLEY_INPUT_THRESHOLD, p, 0, 0, r};
            for (size_t j = 0; sc->unc && j < sc->unc->n; j++)
                if (sc->unc->v[j].in.kind == PARLEY_INPUT_THRESHOLD &&
                    sc->unc->v[j].in.party == tin.party && sc->unc->v[j].in.redline == r)
                    R->thr = &sc->unc->v[j];
            rule *tleaf = R->thr ? pm_unc_threshold_leaf(pa->redlines[r].rule, NULL) : NULL;
            rb_polar(pa->redlines[r].rule, 1, R->pol, &R->tpol, tleaf);
            for (size_t q = 0; q < np; q++)
                if (R->pol[q])
                    P->needu[q] = true;
        }
    }
    P->nin = sc->unc ? sc->unc->n : 0;
    P->in = rb_calloc(a, P->nin, sizeof(pm_unc *));
    if (!P->in)
        goto nomem;
    for (size_t j = 0; j < P->nin; j++) {
        P->in[j] = &sc->unc->v[j];
        const parley_input *in = &P->in[j]->in;
        if ((in->kind == PARLEY_INPUT_WEIGHT || in->kind == PARLEY_INPUT_SCORE) &&
            P->in[j]->lo < P->in[j]->hi)
            P->unc_util[in->party] = true;
    }
    P->nc = nc;
    P->need = rb_calloc(a, np, sizeof(size_t));
    P->res_party = rb_calloc(a, np, sizeof(size_t));
    P->urules = rb_calloc(a, P->nrules, sizeof(size_t));
    P->interact = rb_calloc(a, np, sizeof(bool));
    if (!P->need || !P->res_party || !P->urules || !P->interact)
        goto nomem;
    for (size_t p = 0; p < np; p++) {
        if (P->needu[p])
            P->need[P->nneed++] = p;
        if (P->resbit[p])
            P->res_party[P->nres++] = p;
        P->interact[p] = sc->parties[p].nterms > 0;
    }
    for (size_t r = 0; r < P->nrules; r++)
        if (P->rules[r].uses_util)
            P->urules[P->nurules++] = r;
    if (P->nneed > 64)
        goto toomany;
    return PARLEY_OK;
toomany:
    return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                        "the robust analysis handles at most 64 constraints (reservation values "
                        "and red lines of negotiators and ratifiers) and 64 parties whose "
                        "utility counts; this scenario has more");
nomem:
    return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Worlds                                                               */
/* ------------------------------------------------------------------ */

static uint64_t rb_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The uniform in [0, 1) for input j of world w: a pure function. */
static double rb_u01(uint64_t seed, uint64_t w, size_t j)
{
    uint64_t h = rb_mix(seed ^ rb_mix(2 * w + 1));
    h = rb_mix(h + (uint64_t)(j + 1) * 0xd1b54a32d192ed03ull);
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

static void rb_ws_free(const rb_prep *P, rb_ws *W)
{
    const parley_allocator *a = P->a;
    parley_scenario_free(W->cl);
    rb_free(a, W->leaf, P->nrules, sizeof(rule *));
    rb_free(a, W->w, P->np * P->ni, sizeof(double));
    rb_free(a, W->e, P->np * P->tot, sizeof(double));
    rb_free(a, W->t, P->np * P->tot, sizeof(double));
    rb_free(a, W->rv, P->np, sizeof(double));
    rb_free(a, W->o, P->ni, sizeof(uint32_t));
    rb_free(a, W->S, P->np * P->ni, sizeof(double));
    rb_free(a, W->u, P->np, sizeof(double));
    rb_free(a, W->agidx, W->capag, sizeof(uint64_t));
    rb_free(a, W->agu, W->capag * (P->d ? P->d : 1), sizeof(double));
    rb_free(a, W->sgidx, W->capsg, sizeof(uint64_t));
    rb_free(a, W->sgbit, W->capsg, sizeof(uint64_t));
    rb_free(a, W->sgu, W->capsg * (P->d ? P->d : 1), sizeof(double));
    rb_free(a, W->minm, W->capmin, sizeof(uint64_t));
    for (int k = 0; k < RB_NSOL; k++)
        rb_free(a, W->tie[k], W->capf, sizeof(uint32_t));
    rb_free(a, W->rej, W->capf, sizeof(bool));
    rb_free(a, W->candidx, W->capc, sizeof(uint64_t));
    rb_free(a, W->candu, W->capc * (P->d ? P->d : 1), sizeof(double));
    if (W->counts)
        rb_free(a, W->counts, (size_t)P->nout, sizeof(uint32_t));
    rb_free(a, W->seen, W->nseen, sizeof(uint32_t));
    rb_free(a, W->fpu, W->capfp * 2, sizeof(double));
    rb_free(a, W->fpi, W->capfp, sizeof(uint64_t));
    rb_free(a, W->Tn, P->tot * P->nneed, sizeof(double));
    rb_free(a, W->Sn, P->ni * P->nneed, sizeof(double));
    memset(W, 0, sizeof *W);
}

static parley_status rb_ws_init(const rb_prep *P, rb_ws *W, bool counts, parley_error *err)
{
    memset(W, 0, sizeof *W);
    const parley_allocator *a = P->a;
    parley_status st = parley_scenario_clone(P->sc, &W->cl, err);
    if (st)
        return st;
    W->leaf = rb_calloc(a, P->nrules, sizeof(rule *));
    W->w = rb_calloc(a, P->np * P->ni, sizeof(double));
    W->e = rb_calloc(a, P->np * P->tot, sizeof(double));
    W->t = rb_calloc(a, P->np * P->tot, sizeof(double));
    W->rv = rb_calloc(a, P->np, sizeof(double));
    W->o = rb_calloc(a, P->ni, sizeof(uint32_t));
    W->S = rb_calloc(a, P->np * P->ni, sizeof(double));
    W->u = rb_calloc(a, P->np, sizeof(double));
    if (counts)
        W->counts = rb_calloc(a, (size_t)P->nout, sizeof(uint32_t));
    W->Tn = rb_calloc(a, P->tot * P->nneed, sizeof(double));
    W->Sn = rb_calloc(a, P->ni * P->nneed, sizeof(double));
    if (!W->Tn || !W->Sn)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (counts && P->nc <= 16) {
        W->nseen = (size_t)1 << P->nc;
        W->seen = rb_calloc(a, W->nseen, sizeof(uint32_t));
        if (!W->seen)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (!W->leaf || !W->w || !W->e || !W->t || !W->rv || !W->o || !W->S || !W->u ||
        (counts && !W->counts))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < P->nrules; k++)
        if (P->rules[k].thr)
            W->leaf[k] = pm_unc_threshold_leaf(
                W->cl->parties[P->rules[k].party].redlines[P->rules[k].r].rule, NULL);
    return PARLEY_OK;
}

static void rb_terms(const rb_prep *P, rb_ws *W)
{
    for (size_t p = 0; p < P->np; p++)
        for (size_t i = 0; i < P->ni; i++) {
            double w = W->w[p * P->ni + i];
            bool he = P->has_eval[p * P->ni + i];
            double *t = W->t + p * P->tot + P->off[i];
            const double *e = W->e + p * P->tot + P->off[i];
            for (size_t k = 0; k < P->nv[i]; k++)
                t[k] = he ? w * e[k] : 0.0;
        }
    for (size_t j = 0; j < P->nneed; j++) {
        const double *tp = W->t + P->need[j] * P->tot;
        for (size_t x = 0; x < P->tot; x++)
            W->Tn[x * P->nneed + j] = tp[x];
    }
}

/* Set world w (forced >= 0: input `forced` at its low end when fend == 0,
 * its high end when 1). */
static void rb_world(const rb_prep *P, rb_ws *W, uint64_t seed, uint64_t w, long forced, int fend)
{
    memcpy(W->w, P->w0, P->np * P->ni * sizeof(double));
    memcpy(W->e, P->e0, P->np * P->tot * sizeof(double));
    memcpy(W->rv, P->r0, P->np * sizeof(double));
    W->active = ~(uint64_t)0;
    for (size_t j = 0; j < P->nin; j++) {
        const pm_unc *x = P->in[j];
        double v;
        if ((long)j == forced)
            v = fend ? x->hi : x->lo;
        else
            v = pm_unc_draw(x, rb_u01(seed, w, j));
        const parley_input *in = &x->in;
        switch (in->kind) {
        case PARLEY_INPUT_RESERVATION: W->rv[in->party] = v; break;
        case PARLEY_INPUT_WEIGHT: W->w[in->party * P->ni + in->issue] = v; break;
        case PARLEY_INPUT_SCORE:
            W->e[in->party * P->tot + P->off[in->issue] + in->value] = v;
            break;
        case PARLEY_INPUT_THRESHOLD:
            for (size_t k = 0; k < P->nrules; k++)
                if (P->rules[k].thr == x && W->leaf[k])
                    W->leaf[k]->threshold = v;
            break;
        case PARLEY_INPUT_BELIEF:
            if (v == 0.0)
                for (size_t k = 0; k < P->nrules; k++)
                    if (P->rules[k].party == in->party && P->rules[k].r == in->redline)
                        W->active &= ~P->rules[k].bit;
            break;
        }
    }
    rb_terms(P, W);
}

/* Prefix sums of the needed parties from issue i on. */
static inline void rb_sums(const rb_prep *P, const double *t, double *S, const uint32_t *o,
                           size_t from)
{
    size_t ni = P->ni;
    for (size_t k = 0; k < P->nneed; k++) {
        size_t p = P->need[k];
        double s = from ? S[p * ni + from - 1] : 0.0;
        const double *tp = t + p * P->tot;
        double *Sp = S + p * ni;
        for (size_t i = from; i < ni; i++) {
            s += tp[P->off[i] + o[i]];
            Sp[i] = s;
        }
    }
}

/* The same sums, issue-major over the needed parties (the sampling loop:
 * one contiguous run of additions per changed issue). */
static inline void rb_sums_n(const rb_prep *P, const double *Tn, double *Sn, const uint32_t *o,
                             size_t from)
{
    size_t nn = P->nneed;
    for (size_t i = from; i < P->ni; i++) {
        const double *tk = Tn + (P->off[i] + o[i]) * nn;
        double *cur = Sn + i * nn;
        if (i == 0) {
            for (size_t j = 0; j < nn; j++)
                cur[j] = 0.0 + tk[j];
        } else {
            const double *prev = cur - nn;
            for (size_t j = 0; j < nn; j++)
                cur[j] = prev[j] + tk[j];
        }
    }
}

static inline void rb_utils(const rb_prep *P, const double *S, const uint32_t *o, double *u)
{
    size_t ni = P->ni;
    for (size_t p = 0; p < P->np; p++) {
        if (!P->needu[p])
            continue;
        double s = S[p * ni + ni - 1];
        const pm_party *pa = &P->sc->parties[p];
        if (pa->nterms)
            s = pm_interact(pa, o, s);
        u[p] = s < 1.0 ? s : 1.0;
    }
}

/* Next outcome in lexicographic order: the lowest issue changed, or -1 at
 * the end. */
static inline long rb_next(const rb_prep *P, uint32_t *o)
{
    for (long i = (long)P->ni - 1; i >= 0; i--) {
        if (++o[i] < P->nv[i])
            return i;
        o[i] = 0;
    }
    return -1;
}

static bool rb_push(const parley_allocator *a, size_t d, size_t *n, size_t *cap, uint64_t **idx,
                    double **uu, uint64_t **bits, uint64_t id, const double *u, uint64_t bit)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        uint64_t *ni = parleyx_calloc(a, nc, sizeof(uint64_t));
        double *nu = parleyx_calloc(a, nc * (d ? d : 1), sizeof(double));
        uint64_t *nb = bits ? parleyx_calloc(a, nc, sizeof(uint64_t)) : NULL;
        if (!ni || !nu || (bits && !nb)) {
            if (ni)
                parleyx_free(a, ni, nc * sizeof(uint64_t));
            if (nu)
                parleyx_free(a, nu, nc * (d ? d : 1) * sizeof(double));
            if (nb)
                parleyx_free(a, nb, nc * sizeof(uint64_t));
            return false;
        }
        if (*n) {
            memcpy(ni, *idx, *n * sizeof(uint64_t));
            memcpy(nu, *uu, *n * d * sizeof(double));
            if (bits)
                memcpy(nb, *bits, *n * sizeof(uint64_t));
        }
        rb_free(a, *idx, *cap, sizeof(uint64_t));
        rb_free(a, *uu, *cap * (d ? d : 1), sizeof(double));
        if (bits)
            rb_free(a, *bits, *cap, sizeof(uint64_t));
        *idx = ni;
        *uu = nu;
        if (bits)
            *bits = nb;
        *cap = nc;
    }
    (*idx)[*n] = id;
    if (d)
        memcpy(*uu + *n * d, u, d * sizeof(double));
    if (bits)
        (*bits)[*n] = bit;
    (*n)++;
    return true;
}

/* Keep the antichain of minimal failure masks. */
static bool rb_minimal(const parley_allocator *a, rb_ws *W, uint64_t F)
{
    for (size_t k = 0; k < W->nmin; k++)
        if ((W->minm[k] & F) == W->minm[k])
            return true;
    size_t m = 0;
    for (size_t k = 0; k < W->nmin; k++)
        if ((W->minm[k] & F) != F)
            W->minm[m++] = W->minm[k];
    W->nmin = m;
    if (W->nmin == W->capmin) {
        size_t nc = W->capmin ? 2 * W->capmin : 16;
        uint64_t *g = parleyx_calloc(a, nc, sizeof(uint64_t));
        if (!g)
            return false;
        if (W->nmin)
            memcpy(g, W->minm, W->nmin * sizeof(uint64_t));
        rb_free(a, W->minm, W->capmin, sizeof(uint64_t));
        W->minm = g;
        W->capmin = nc;
    }
    W->minm[W->nmin++] = F;
    return true;
}

/* Two stakeholders: add point (u0, u1) of outcome idx to the online
 * frontier fpu/fpi: sorted by u0 ascending and u1 strictly descending,
 * distinct non-dominated points, each with the first (smallest) outcome
 * that reached it (outcomes come in index order, and a point once
 * dominated stays dominated, so an equal later point never re-enters).
 * false when out of memory. */
static bool rb_front2(const parley_allocator *a, rb_ws *W, double u0, double u1, uint64_t idx)
{
    size_t n = W->nfp, lo = 0, hi = n;
    double *F = W->fpu;
    while (lo < hi) { /* the first point with its u0 >= u0 */
        size_t m = lo + (hi - lo) / 2;
        if (F[2 * m] < u0)
            lo = m + 1;
        else
            hi = m;
    }
    size_t i = lo;
    if (i < n && F[2 * i + 1] >= u1) /* dominated by, or equal to, point i */
        return true;
    /* the points p dominates: u0' <= u0 and u1' <= u1, a run ending at i
     * (point i itself when its u0 equals u0) */
    size_t end = i < n && F[2 * i] == u0 ? i + 1 : i, start = end;
    while (start > 0 && F[2 * (start - 1) + 1] <= u1)
        start--;
    size_t removed = end - start;
    if (removed == 0 && n == W->capfp) {
        size_t nc = W->capfp ? 2 * W->capfp : 64;
        double *nu = parleyx_calloc(a, nc * 2, sizeof(double));
        uint64_t *ni = parleyx_calloc(a, nc, sizeof(uint64_t));
        if (!nu || !ni) {
            if (nu)
                parleyx_free(a, nu, nc * 2 * sizeof(double));
            if (ni)
                parleyx_free(a, ni, nc * sizeof(uint64_t));
            return false;
        }
        if (n) {
            memcpy(nu, W->fpu, n * 2 * sizeof(double));
            memcpy(ni, W->fpi, n * sizeof(uint64_t));
        }
        rb_free(a, W->fpu, W->capfp * 2, sizeof(double));
        rb_free(a, W->fpi, W->capfp, sizeof(uint64_t));
        W->fpu = F = nu;
        W->fpi = ni;
        W->capfp = nc;
    }
    /* p takes slot start; the rest from end shifts to start + 1 */
    if (removed != 1) {
        memmove(F + 2 * (start + 1), F + 2 * end, (n - end) * 2 * sizeof(double));
        memmove(W->fpi + start + 1, W->fpi + end, (n - end) * sizeof(uint64_t));
    }
    F[2 * start] = u0;
    F[2 * start + 1] = u1;
    W->fpi[start] = idx;
    W->nfp = n - removed + 1;
    return true;
}

typedef enum rb_mode { RB_FULL, RB_DEAL, RB_MEAN } rb_mode;

/* Enumerate the space in the current world.  RB_DEAL: returns at the
 * first agreement (true when one exists).  RB_FULL: fills the world's
 * agreements, one-red-line failures and minimal failure masks, and counts
 * acceptable outcomes. */
static bool rb_enumerate(const rb_prep *P, rb_ws *W, rb_mode mode)
{
    const parley_allocator *a = P->a;
    size_t d = P->d, ni = P->ni, nn = P->nneed, nres = P->nres;
    double udim[64];
    uint32_t *o = W->o;
    double *Sn = W->Sn, *u = W->u;
    const double *last_sums = Sn + (ni - 1) * nn;
    memset(o, 0, ni * sizeof(uint32_t));
    W->nag = W->nsg = W->nmin = W->ndist = W->nacc = W->nfp = 0;
    W->stamp++;
    if (W->stamp == 0) { /* wrapped: clear the table once */
        if (W->seen)
            memset(W->seen, 0, W->nseen * sizeof(uint32_t));
        W->stamp = 1;
    }
    rb_sums_n(P, W->Tn, Sn, o, 0);
    uint64_t last = ~(uint64_t)0;
    /* locals the compiler need not reload through P and W */
    size_t needp[64], resk[64];
    bool inter[64];
    double rvk[64];
    uint64_t rbit[64];
    bool small = nn <= 64;
    for (size_t k = 0; small && k < nn; k++) {
        needp[k] = P->need[k];
        inter[k] = P->interact[P->need[k]];
    }
    for (size_t k = 0; small && k < nres; k++) {
        size_t p = P->res_party[k];
        rvk[k] = W->rv[p];
        rbit[k] = P->resbit[p];
        resk[k] = p;
    }
    const uint64_t *smask = P->smask, active = W->active;
    (void)small; /* rb_prepare refuses more than 64 constraints, so nn, nres <= 64 */
    for (uint64_t idx = 0;; idx++) {
        for (size_t k = 0; k < nn; k++) {
            double x = last_sums[k];
            if (inter[k])
                x = pm_interact(&P->sc->parties[needp[k]], o, x);
            u[needp[k]] = x < 1.0 ? x : 1.0;
        }
        uint64_t F = smask[idx] & active;
        for (size_t k = 0; k < nres; k++)
            if (u[resk[k]] < rvk[k])
                F |= rbit[k];
        for (size_t k = 0; k < P->nurules; k++) {
            const rb_rule *R = &P->rules[P->urules[k]];
            if ((W->active & R->bit) && !(F & R->bit) &&
                !rule_eval(W->cl->parties[R->party].redlines[R->r].rule, o, u))
                F |= R->bit;
        }
        if (F == 0) {
            if (mode == RB_DEAL)
                return true;
            W->counts[idx]++;
            W->nacc++;
            if (d == 2) {
                if (!rb_front2(a, W, u[P->dim_party[0]], u[P->dim_party[1]], idx))
                    W->nomem = true;
            } else {
                for (size_t j = 0; j < d; j++)
                    udim[j] = u[P->dim_party[j]];
                if (!rb_push(a, d, &W->nag, &W->capag, &W->agidx, &W->agu, NULL, idx, udim, 0))
                    W->nomem = true;
            }
        } else if (mode == RB_FULL) {
            if ((F & (F - 1)) == 0 && (F & P->rlbits)) {
                for (size_t j = 0; j < d; j++)
                    udim[j] = u[P->dim_party[j]];
                if (!rb_push(a, d, &W->nsg, &W->capsg, &W->sgidx, &W->sgu, &W->sgbit, idx, udim,
                             F))
                    W->nomem = true;
            }
            if (W->nacc == 0 && F != last) { /* the distinct failure masks, for conflicts */
                last = F;
                bool fresh = true;
                if (W->seen) {
                    fresh = W->seen[F] != W->stamp;
                    W->seen[F] = W->stamp;
                }
                if (fresh && !rb_minimal(a, W, F))
                    W->nomem = true;
            }
        }
        long ch = rb_next(P, o);
        if (ch < 0)
            break;
        rb_sums_n(P, W->Tn, Sn, o, (size_t)ch);
    }
    if (d == 2) /* the frontier stands for the agreements from here on */
        for (size_t k = 0; k < W->nfp; k++)
            if (!rb_push(a, d, &W->nag, &W->capag, &W->agidx, &W->agu, NULL, W->fpi[k],
                         W->fpu + 2 * k, 0))
                W->nomem = true;
    return W->nacc > 0;
}

/* ------------------------------------------------------------------ */
/* Frontier and solutions (parley/analysis.h's rules)                   */
/* ------------------------------------------------------------------ */

static int rb_cmp(const double *ua, uint64_t ia, const double *ub, uint64_t ib, size_t d)
{
    for (size_t j = 0; j < d; j++) {
        if (ua[j] < ub[j])
            return -1;
        if (ua[j] > ub[j])
            return 1;
    }
    return ia < ib ? -1 : ia > ib ? 1 : 0;
}

static bool rb_scratch(const parley_allocator *a, rb_ws *W, size_t n, size_t d)
{
    (void)d;
    if (n <= W->capf)
        return true;
    size_t nc = W->capf ? W->capf : 64;
    while (nc < n)
        nc *= 2;
    for (int k = 0; k < RB_NSOL; k++) {
        rb_free(a, W->tie[k], W->capf, sizeof(uint32_t));
        W->tie[k] = NULL;
    }
    rb_free(a, W->rej, W->capf, sizeof(bool));
    W->rej = NULL;
    W->capf = nc;
    bool ok = (W->rej = parleyx_calloc(a, nc, sizeof(bool))) != NULL;
    for (int k = 0; k < RB_NSOL; k++)
        ok &= (W->tie[k] = parleyx_calloc(a, nc, sizeof(uint32_t))) != NULL;
    return ok;
}

/* The candidate arrays, at least n points (made only when a red line is
 * dropped for the binding test). */
static bool rb_cands(const parley_allocator *a, rb_ws *W, size_t n, size_t d)
{
    if (n <= W->capc)
        return true;
    size_t nc = W->capc ? W->capc : 64, dd = d ? d : 1;
    while (nc < n)
        nc *= 2;
    rb_free(a, W->candidx, W->capc, sizeof(uint64_t));
    rb_free(a, W->candu, W->capc * dd, sizeof(double));
    W->candidx = parleyx_calloc(a, nc, sizeof(uint64_t));
    W->candu = parleyx_calloc(a, nc * dd, sizeof(double));
    W->capc = nc;
    return W->candidx && W->candu;
}

/* The solution `which` (0 Nash, 1 KS, 2 utilitarian, 3 egalitarian) over
 * the n points (idx, u), without building the frontier.  Every criterion
 * here is monotone in each utility (Nash's factors are >= 0 over
 * agreements, and rounding is monotone), so a dominated point that ties
 * for the best value has a dominating point that ties too: the frontier
 * point the analysis picks (the first, in ascending lexicographic order,
 * of those with the best value, analysis.c) is the lexicographically
 * smallest non-dominated point among the tied ones; its outcome the
 * smallest index reaching it.  best: the per-dimension maxima (KS). */
static size_t rb_tiebreak(const double *u, size_t d, const uint32_t *tie, size_t nt, bool *rej);

static size_t rb_pick(size_t n, const uint64_t *idx, const double *u, size_t d,
                      const double *rv, const double *best, int which, uint32_t *tie, bool *rej)
{
    double k1 = 0, k2 = 0;
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = u + i * d;
        double a, b = 0;
        switch (which) {
        case 0: a = an_sol_nash(x, rv, d); break;
        case 1: a = an_sol_ks(x, rv, best, d), b = an_sol_sum(x, d); break;
        case 2: a = an_sol_sum(x, d); break;
        default: a = an_sol_min(x, d), b = an_sol_sum(x, d); break;
        }
        if (nt == 0 || a > k1 || (a == k1 && b > k2)) {
            k1 = a;
            k2 = b;
            nt = 0;
        } else if (a != k1 || b != k2) {
            continue;
        }
        tie[nt++] = (uint32_t)i;
    }
    (void)idx;
    return rb_tiebreak(u, d, tie, nt, rej);
}

/* The tie-break of rb_pick alone: among the nt tied points tie[], the
 * smallest non-dominated one. */
static size_t rb_tiebreak(const double *u, size_t d, const uint32_t *tie, size_t nt, bool *rej)
{
    for (size_t i = 0; i < nt; i++)
        rej[i] = false;
    for (;;) {
        size_t m = SIZE_MAX;
        for (size_t i = 0; i < nt; i++)
            if (!rej[i] && (m == SIZE_MAX || rb_cmp(u + tie[i] * d, 0, u + tie[m] * d, 0, d) < 0))
                m = i;
        const double *p = u + tie[m] * d;
        bool dom = false;
        for (size_t i = 0; i < nt && !dom; i++) {
            const double *q = u + tie[i] * d;
            size_t j = 0;
            bool gt = false;
            while (j < d && q[j] >= p[j]) {
                gt |= q[j] > p[j];
                j++;
            }
            dom = j == d && gt;
        }
        if (!dom)
            return tie[m];
        for (size_t i = 0; i < nt; i++)
            if (rb_cmp(u + tie[i] * d, 0, p, 0, d) == 0)
                rej[i] = true;
    }
}

/* The four solutions of rb_pick in one pass over the points: tie[s] (each
 * n long) receive the tied best of each criterion.  sol[s]: indices. */
static void rb_pick4(size_t n, const double *u, size_t d, const double *rv, const double *best,
                     uint32_t *tie[RB_NSOL], bool *rej, size_t sol[RB_NSOL])
{
    double k1[RB_NSOL] = {0}, k2[RB_NSOL] = {0};
    size_t nt[RB_NSOL] = {0};
    for (size_t i = 0; i < n; i++) {
        const double *x = u + i * d;
        double sum = an_sol_sum(x, d);
        double a[RB_NSOL] = {an_sol_nash(x, rv, d), an_sol_ks(x, rv, best, d), sum, an_sol_min(x, d)};
        double b[RB_NSOL] = {0, sum, 0, sum};
        for (int s = 0; s < RB_NSOL; s++) {
            if (nt[s] == 0 || a[s] > k1[s] || (a[s] == k1[s] && b[s] > k2[s])) {
                k1[s] = a[s];
                k2[s] = b[s];
                nt[s] = 0;
            } else if (a[s] != k1[s] || b[s] != k2[s]) {
                continue;
            }
            tie[s][nt[s]++] = (uint32_t)i;
        }
    }
    for (int s = 0; s < RB_NSOL; s++)
        sol[s] = rb_tiebreak(u, d, tie[s], nt[s], rej);
}

/* ------------------------------------------------------------------ */
/* Sampling                                                             */
/* ------------------------------------------------------------------ */

typedef struct rb_shared {
    const rb_prep *P;
    uint64_t seed, n;
    uint64_t chunk;    /* worlds per task: 64, or 1 for large spaces (fixed by the space) */
    atomic_uint_fast64_t next;
    long forced;
    int fend;
    rb_mode mode;
    /* per world (RB_FULL) */
    unsigned char *deal;
    uint64_t *sol;     /* n * RB_NSOL outcome indices */
    double *nash;      /* n * d */
    uint64_t *conf, *bind;
    /* RB_DEAL */
    atomic_uint_fast64_t deals;
    /* RB_MEAN: the listed outcomes, and per chunk of worlds their summed
     * utilities (nl * d each), each sum formed in world order */
    size_t nl;
    const uint32_t *outs;
    double *msum;
    /* limits: the deadline (an_now seconds, 0: none) and the progress
     * callback, checked by the first job between chunks; stop is set to
     * RB_STOP_TIME or RB_STOP_CANCEL and every job then leaves. */
    double deadline;
    parley_progress_fn progress;
    void *progress_ud;
    struct timespec last;
    unsigned pass, npass; /* this pass of the worlds, of how many */
    atomic_int stop;
} rb_shared;

enum { RB_STOP_TIME = 1, RB_STOP_CANCEL = 2 };

/* RB_MEAN: add world w's utilities of the listed outcomes to sum. */
static void rb_mean_world(rb_shared *S, rb_ws *W, uint64_t w, double *sum)
{
    const rb_prep *P = S->P;
    size_t d = P->d, ni = P->ni;
    rb_world(P, W, S->seed, w, -1, 0);
    for (size_t k = 0; k < S->nl; k++) {
        const uint32_t *oo = S->outs + k * ni;
        for (size_t j = 0; j < d; j++) {
            size_t p = P->dim_party[j];
            double x = 0.0;
            for (size_t i = 0; i < ni; i++)
                x += W->t[p * P->tot + P->off[i] + oo[i]];
            if (P->sc->parties[p].nterms)
                x = pm_interact(&P->sc->parties[p], oo, x);
            sum[k * d + j] += x < 1.0 ? x : 1.0;
        }
    }
}

typedef struct rb_job {
    rb_shared *S;
    rb_ws *W;
    bool first; /* checks the limits and reports progress */
} rb_job;

static void rb_one_world(rb_shared *S, rb_ws *W, uint64_t w)
{
    const rb_prep *P = S->P;
    size_t d = P->d;
    rb_world(P, W, S->seed, w, S->forced, S->fend);
    bool deal = rb_enumerate(P, W, S->mode);
    if (S->mode == RB_DEAL) {
        if (deal)
            atomic_fetch_add(&S->deals, 1);
        return;
    }
    S->deal[w] = deal;
    for (size_t s = 0; s < RB_NSOL; s++)
        S->sol[w * RB_NSOL + s] = UINT64_MAX;
    S->conf[w] = S->bind[w] = 0;
    if (!deal) {
        for (size_t k = 0; k < W->nmin; k++)
            S->conf[w] |= W->minm[k] & P->rlbits;
        return;
    }
    if (d == 0 || d > 64)
        return;
    if (!rb_scratch(P->a, W, W->nag, d)) {
        W->nomem = true;
        return;
    }
    double rv[64], best[64];
    for (size_t j = 0; j < d; j++) {
        rv[j] = W->rv[P->dim_party[j]];
        best[j] = W->agu[j];
        for (size_t i = 1; i < W->nag; i++)
            if (W->agu[i * d + j] > best[j])
                best[j] = W->agu[i * d + j];
    }
    bool *rej = W->rej;
    size_t sol[RB_NSOL];
    uint32_t *ties[RB_NSOL] = {W->tie[0], W->tie[1], W->tie[2], W->tie[3]};
    rb_pick4(W->nag, W->agu, d, rv, best, ties, rej, sol);
    for (int s = 0; s < RB_NSOL; s++)
        S->sol[w * RB_NSOL + s] = W->agidx[sol[s]];
    const double *nu = W->agu + sol[0] * d;
    memcpy(S->nash + w * d, nu, d * sizeof(double));
    double bn = an_sol_nash(nu, rv, d);
    /* binding: drop each real red line, see whether the Nash point moves.
     * Only outcomes that break that red line alone come in; they matter
     * only when one reaches the Nash product. */
    for (size_t k = 0; k < P->nrules; k++) {
        uint64_t bit = P->rules[k].bit;
        if (!(W->active & bit))
            continue;
        bool reach = false;
        for (size_t q = 0; q < W->nsg && !reach; q++)
            if (W->sgbit[q] == bit && an_sol_nash(W->sgu + q * d, rv, d) >= bn)
                reach = true;
        if (!reach)
            continue;
        if (!rb_cands(P->a, W, W->nag + W->nsg, d)) {
            W->nomem = true;
            return;
        }
        size_t n = W->nag;
        memcpy(W->candidx, W->agidx, n * sizeof(uint64_t));
        memcpy(W->candu, W->agu, n * d * sizeof(double));
        for (size_t q = 0; q < W->nsg; q++)
            if (W->sgbit[q] == bit) {
                W->candidx[n] = W->sgidx[q];
                memcpy(W->candu + n * d, W->sgu + q * d, d * sizeof(double));
                n++;
            }
        if (!rb_scratch(P->a, W, n, d)) {
            W->nomem = true;
            return;
        }
        rej = W->rej;
        size_t at = rb_pick(n, W->candidx, W->candu, d, rv, best, 0, W->tie[0], rej);
        if (memcmp(W->candu + at * d, nu, d * sizeof(double)) != 0)
            S->bind[w] |= bit;
    }
}

/* The first job, between chunks: past the deadline, or cancelled by the
 * progress callback (at most every 0.2 s), every job stops. */
static void rb_tick(rb_shared *S, uint64_t done)
{
    if (an_past(S->deadline)) {
        atomic_store(&S->stop, RB_STOP_TIME);
        return;
    }
    if (!S->progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - S->last.tv_sec) +
                   (double)(now.tv_nsec - S->last.tv_nsec) * 1e-9;
    if (since < 0.2)
        return;
    S->last = now;
    double f = ((double)S->pass + (double)done / (double)(S->n ? S->n : 1)) /
               (double)(S->npass ? S->npass : 1);
    if (S->progress(S->progress_ud, S->mode == RB_DEAL ? "sensitivity" : "worlds",
                    f < 1.0 ? f : 1.0))
        atomic_store(&S->stop, RB_STOP_CANCEL);
}

static void *rb_worker(void *arg)
{
    rb_job *J = arg;
    rb_shared *S = J->S;
    for (;;) {
        if (atomic_load(&S->stop))
            break;
        if (J->first && (S->deadline > 0 || S->progress))
            rb_tick(S, atomic_load(&S->next));
        uint64_t w0 = atomic_fetch_add(&S->next, S->chunk);
        if (w0 >= S->n)
            break;
        uint64_t w1 = w0 + S->chunk < S->n ? w0 + S->chunk : S->n;
        for (uint64_t w = w0; w < w1; w++) {
            if (S->mode == RB_MEAN)
                rb_mean_world(S, J->W, w, S->msum + (w0 / S->chunk) * S->nl * S->P->d);
            else
                rb_one_world(S, J->W, w);
        }
    }
    return NULL;
}

/* One pass over the worlds; false when a limit stopped it (S->stop). */
static bool rb_run(rb_shared *S, rb_ws *ws, unsigned nt)
{
    rb_job jobs[PARLEYX_MAX_THREADS];
    for (unsigned t = 0; t < nt; t++) {
        jobs[t].S = S;
        jobs[t].W = &ws[t];
        jobs[t].first = t == 0;
    }
    atomic_store(&S->next, 0);
    atomic_store(&S->deals, 0);
    parleyx_run_jobs(rb_worker, jobs, sizeof jobs[0], nt);
    S->pass++;
    return atomic_load(&S->stop) == 0;
}

static parley_status rb_stopped(const rb_shared *S, parley_error *err)
{
    if (atomic_load(&S->stop) == RB_STOP_CANCEL)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "the robust analysis was cancelled");
    return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                        "the robust analysis stopped at the time limit, in pass %u of %u over "
                        "the %llu worlds; raise it with --max-seconds S (max_seconds), or draw "
                        "fewer worlds (--samples)",
                        S->pass, S->npass, (unsigned long long)S->n);
}

/* ------------------------------------------------------------------ */
/* Exact sets                                                           */
/* ------------------------------------------------------------------ */

static void rb_refuse(parley_robust *R, int which, const char *fmt, ...) PX_PRINTF(3, 4);
static void rb_refuse(parley_robust *R, int which, const char *fmt, ...)
{
    if (!R->ex_ok[which])
        return;
    R->ex_ok[which] = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(R->ex_reason[which], sizeof R->ex_reason[which], fmt, ap);
    va_end(ap);
}

static parley_status rb_exact(const rb_prep *P, parley_robust *R, parley_error *err)
{
    const parley_scenario *sc = P->sc;
    const parley_allocator *a = P->a;
    size_t np = P->np, ni = P->ni;
    R->ex_ok[0] = R->ex_ok[1] = true;
    /* polarity checks */
    signed char *gpol = rb_calloc(a, np, 1);
    if (!gpol)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t p = 0; p < np; p++)
        if (P->resbit[p])
            gpol[p] |= 1;
    for (size_t k = 0; k < P->nrules; k++) {
        const rb_rule *X = &P->rules[k];
        const char *pn = sc->parties[X->party].name, *rn = sc->parties[X->party].redlines[X->r].name;
        bool tunc = X->thr && X->thr->lo < X->thr->hi;
        for (size_t q = 0; q < np; q++) {
            bool bad = (X->pol[q] & 4) || (X->pol[q] & 3) == 3;
            if (P->unc_util[q] && bad && X->holds > 0)
                rb_refuse(R, 0,
                          "red line %s:%s compares the uncertain utility of %s with == or != or "
                          "both ways, so no corner of the uncertainty decides it",
                          pn, rn, sc->parties[q].name);
            if (X->holds == 1)
                gpol[q] |= X->pol[q];
        }
        if (tunc && ((X->tpol & 4) || (X->tpol & 3) == 3)) {
            if (X->holds > 0)
                rb_refuse(R, 0,
                          "red line %s:%s compares a utility with its uncertain threshold by == "
                          "or !=%s, so no corner of the uncertainty decides it",
                          pn, rn, "");
            if (X->holds == 1)
                rb_refuse(R, 1,
                          "red line %s:%s compares a utility with its uncertain threshold by == "
                          "or !=%s, so no corner of the uncertainty decides it",
                          pn, rn, "");
        }
    }
    for (size_t q = 0; q < np; q++)
        if (P->unc_util[q] && ((gpol[q] & 4) || (gpol[q] & 3) == 3))
            rb_refuse(R, 1,
                      "the utility of %s is uncertain and the constraints that surely hold pull "
                      "it both ways (or compare it with == or !=)%s%s, so no single world "
                      "decides which outcomes are possible",
                      sc->parties[q].name, "", "");
    /* the bounds of each number */
    double *wlo = rb_calloc(a, np * ni, sizeof(double)), *whi = rb_calloc(a, np * ni, sizeof(double));
    double *elo = rb_calloc(a, np * P->tot, sizeof(double)),
           *ehi = rb_calloc(a, np * P->tot, sizeof(double));
    double *tlo = rb_calloc(a, np * P->tot, sizeof(double)),
           *thi = rb_calloc(a, np * P->tot, sizeof(double));
    double *rlo = rb_calloc(a, np, sizeof(double)), *rhi = rb_calloc(a, np, sizeof(double));
    double *Slo = rb_calloc(a, np * ni, sizeof(double)), *Shi = rb_calloc(a, np * ni, sizeof(double));
    double *ulo = rb_calloc(a, np, sizeof(double)), *uhi = rb_calloc(a, np, sizeof(double));
    double *vec = rb_calloc(a, np, sizeof(double));
    uint32_t *o = rb_calloc(a, ni, sizeof(uint32_t));
    parley_scenario *cl[2] = {NULL, NULL};
    parley_status st = PARLEY_OK;
    for (int k = 0; k < 2 && !st; k++) {
        R->ex_out[k] = rb_calloc(a, R->top * (ni ? ni : 1), sizeof(uint32_t));
        if (!R->ex_out[k])
            st = PARLEY_ERR_NOMEM;
        else
            st = parley_scenario_clone(sc, &cl[k], err);
    }
    if (!st && (!wlo || !whi || !elo || !ehi || !tlo || !thi || !rlo || !rhi || !Slo || !Shi ||
                !ulo || !uhi || !vec || !o))
        st = PARLEY_ERR_NOMEM;
    if (st) {
        if (st == PARLEY_ERR_NOMEM)
            parleyx_fail(err, st, NULL, 0, 0, "out of memory");
        goto done;
    }
    memcpy(wlo, P->w0, np * ni * sizeof(double));
    memcpy(whi, P->w0, np * ni * sizeof(double));
    memcpy(elo, P->e0, np * P->tot * sizeof(double));
    memcpy(ehi, P->e0, np * P->tot * sizeof(double));
    memcpy(rlo, P->r0, np * sizeof(double));
    memcpy(rhi, P->r0, np * sizeof(double));
    for (size_t j = 0; j < P->nin; j++) {
        const pm_unc *x = P->in[j];
        const parley_input *in = &x->in;
        switch (in->kind) {
        case PARLEY_INPUT_RESERVATION:
            rlo[in->party] = x->lo;
            rhi[in->party] = x->hi;
            break;
        case PARLEY_INPUT_WEIGHT:
            wlo[in->party * ni + in->issue] = x->lo;
            whi[in->party * ni + in->issue] = x->hi;
            break;
        case PARLEY_INPUT_SCORE:
            elo[in->party * P->tot + P->off[in->issue] + in->value] = x->lo;
            ehi[in->party * P->tot + P->off[in->issue] + in->value] = x->hi;
            break;
        default: break;
        }
    }
    for (size_t p = 0; p < np; p++)
        for (size_t i = 0; i < ni; i++)
            for (size_t k = 0; k < P->nv[i]; k++) {
                size_t at = p * P->tot + P->off[i] + k;
                bool he = P->has_eval[p * ni + i];
                tlo[at] = he ? wlo[p * ni + i] * elo[at] : 0.0;
                thi[at] = he ? whi[p * ni + i] * ehi[at] : 0.0;
            }
    /* thresholds: clone 0 at the robust (worst) end, clone 1 at the best */
    for (size_t k = 0; k < P->nrules; k++) {
        const rb_rule *X = &P->rules[k];
        if (!X->thr)
            continue;
        for (int c = 0; c < 2; c++) {
            rule *leaf = pm_unc_threshold_leaf(cl[c]->parties[X->party].redlines[X->r].rule, NULL);
            bool inc = X->tpol & 1; /* the rule is true more often as t grows */
            double worst = inc ? X->thr->lo : X->thr->hi, best = inc ? X->thr->hi : X->thr->lo;
            if (leaf)
                leaf->threshold = c == 0 ? worst : best;
        }
    }
    rb_sums(P, tlo, Slo, o, 0);
    rb_sums(P, thi, Shi, o, 0);
    for (uint64_t idx = 0;; idx++) {
        rb_utils(P, Slo, o, ulo);
        rb_utils(P, Shi, o, uhi);
        bool rob = R->ex_ok[0], pos = R->ex_ok[1];
        for (size_t p = 0; p < np && (rob || pos); p++) {
            if (!P->resbit[p])
                continue;
            if (!(ulo[p] >= rhi[p]))
                rob = false;
            if (!(uhi[p] >= rlo[p]))
                pos = false;
        }
        for (size_t k = 0; k < P->nrules && (rob || pos); k++) {
            const rb_rule *X = &P->rules[k];
            if (X->holds == 0)
                continue;
            if (rob) {
                for (size_t q = 0; q < np; q++)
                    vec[q] = (X->pol[q] & 2) && !(X->pol[q] & 1) ? uhi[q] : ulo[q];
                if (!rule_eval(cl[0]->parties[X->party].redlines[X->r].rule, o, vec))
                    rob = false;
            }
            if (pos && X->holds == 1) {
                for (size_t q = 0; q < np; q++)
                    vec[q] = (gpol[q] & 2) && !(gpol[q] & 1) ? ulo[q] : uhi[q];
                if (!rule_eval(cl[1]->parties[X->party].redlines[X->r].rule, o, vec))
                    pos = false;
            }
        }
        for (int w = 0; w < 2; w++) {
            if (!(w ? pos : rob))
                continue;
            if (R->ex_n[w] < R->top)
                memcpy(R->ex_out[w] + R->ex_n[w]++ * ni, o, ni * sizeof(uint32_t));
            R->ex_count[w]++;
        }
        long ch = rb_next(P, o);
        if (ch < 0)
            break;
        rb_sums(P, tlo, Slo, o, (size_t)ch);
        rb_sums(P, thi, Shi, o, (size_t)ch);
    }
done:
    parley_scenario_free(cl[0]);
    parley_scenario_free(cl[1]);
    rb_free(a, gpol, np, 1);
    rb_free(a, wlo, np * ni, sizeof(double));
    rb_free(a, whi, np * ni, sizeof(double));
    rb_free(a, elo, np * P->tot, sizeof(double));
    rb_free(a, ehi, np * P->tot, sizeof(double));
    rb_free(a, tlo, np * P->tot, sizeof(double));
    rb_free(a, thi, np * P->tot, sizeof(double));
    rb_free(a, rlo, np, sizeof(double));
    rb_free(a, rhi, np, sizeof(double));
    rb_free(a, Slo, np * ni, sizeof(double));
    rb_free(a, Shi, np * ni, sizeof(double));
    rb_free(a, ulo, np, sizeof(double));
    rb_free(a, uhi, np, sizeof(double));
    rb_free(a, vec, np, sizeof(double));
    rb_free(a, o, ni, sizeof(uint32_t));
    return st;
}

/* ------------------------------------------------------------------ */
/* The run                                                              */
/* ------------------------------------------------------------------ */

void parley_robust_options_init(parley_robust_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt);
}

void parley_robust_free(parley_robust *R)
{
    if (!R)
        return;
    const parley_allocator *a = &R->alloc;
    size_t ni = R->ni ? R->ni : 1, d = R->d ? R->d : 1;
    rb_free(a, R->dim_party, R->d, sizeof(size_t));
    for (int k = 0; k < 2; k++)
        rb_free(a, R->ex_out[k], R->top * ni, sizeof(uint32_t));
    rb_free(a, R->out, R->top * ni, sizeof(uint32_t));
    rb_free(a, R->out_p, R->top, sizeof(double));
    rb_free(a, R->out_mean, R->top * d, sizeof(double));
    for (int s = 0; s < RB_NSOL; s++) {
        rb_free(a, R->sol[s], R->top * ni, sizeof(uint32_t));
        rb_free(a, R->sol_p[s], R->top, sizeof(double));
    }
    rb_free(a, R->rl_party, R->nrl, sizeof(size_t));
    rb_free(a, R->rl_r, R->nrl, sizeof(size_t));
    rb_free(a, R->rl_conf, R->nrl, sizeof(double));
    rb_free(a, R->rl_bind, R->nrl, sizeof(double));
    rb_free(a, R->nash_ok, R->d, sizeof(bool));
    rb_free(a, R->nash_mean, R->d, sizeof(double));
    rb_free(a, R->nash_p05, R->d, sizeof(double));
    rb_free(a, R->nash_p95, R->d, sizeof(double));
    rb_free(a, R->sens_in, R->nsens, sizeof(parley_input));
    rb_free(a, R->sens_lo, R->nsens, sizeof(double));
    rb_free(a, R->sens_hi, R->nsens, sizeof(double));
    parley_allocator al = R->alloc;
    parleyx_free(&al, R, sizeof *R);
}

static void rb_decode(const rb_prep *P, uint64_t idx, uint32_t *o)
{
    for (size_t i = P->ni; i-- > 0;) {
        o[i] = (uint32_t)(idx % P->nv[i]);
        idx /= P->nv[i];
    }
}

static int rb_dcmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static int rb_ucmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Insert (id, c) into the top list of at most top entries, by count
 * descending then id ascending. */
static void rb_top_insert(uint64_t *ids, uint64_t *cs, size_t *n, size_t top, uint64_t id,
                          uint64_t c)
{
    size_t k = *n;
    while (k > 0 && (cs[k - 1] < c || (cs[k - 1] == c && ids[k - 1] > id)))
        k--;
    if (k >= top)
        return;
    size_t last = *n < top ? *n : top - 1;
    for (size_t j = last; j > k; j--) {
        ids[j] = ids[j - 1];
        cs[j] = cs[j - 1];
    }
    ids[k] = id;
    cs[k] = c;
    if (*n < top)
        (*n)++;
}

static void rb_wilson(uint64_t x, uint64_t n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double p = (double)x / (double)n, nn = (double)n, z2 = z * z;
    double den = 1 + z2 / nn, c = (p + z2 / (2 * nn)) / den;
    double h = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
    *lo = c - h < 0 ? 0 : c - h;
    *hi = c + h > 1 ? 1 : c + h;
}

static parley_status rb_sample(const rb_prep *Pc, parley_robust *R, const parley_robust_options *o,
                               parley_error *err)
{
    rb_prep *P = (rb_prep *)Pc;
    const parley_allocator *a = P->a;
    size_t d = P->d, ni = P->ni;
    uint64_t N = o->samples ? o->samples : RB_DEFAULT_SAMPLES;
    unsigned nt = o->threads ? o->threads : 2;
    if (nt > PARLEYX_MAX_THREADS)
        nt = PARLEYX_MAX_THREADS;
    if (d > 64)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "the robust analysis handles at most 64 stakeholders");
    R->sampled = true;
    R->samples = N;
    R->seed = o->seed;
    parley_status st = PARLEY_OK;
    /* the static mask: rules without utility(), once per outcome */
    P->smask = rb_calloc(a, (size_t)P->nout, sizeof(uint64_t));
    if (!P->smask)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    {
        uint32_t *oo = rb_calloc(a, ni, sizeof(uint32_t));
        if (!oo)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (uint64_t idx = 0;; idx++) {
            uint64_t F = 0;
            for (size_t k = 0; k < P->nrules; k++) {
                const rb_rule *X = &P->rules[k];
                if (!X->uses_util &&
                    !rule_eval(P->sc->parties[X->party].redlines[X->r].rule, oo, NULL))
                    F |= X->bit;
            }
            P->smask[idx] = F;
            if (rb_next(P, oo) < 0)
                break;
        }
        rb_free(a, oo, ni, sizeof(uint32_t));
    }
    rb_ws *ws = rb_calloc(a, nt, sizeof(rb_ws));
    rb_shared S;
    memset(&S, 0, sizeof S);
    S.P = P;
    S.seed = o->seed;
    S.n = N;
    S.forced = -1;
    S.mode = RB_FULL;
    S.chunk = P->nout >= 100000 ? 1 : RB_CHUNK;
    S.deadline = o->max_seconds > 0 ? an_now() + o->max_seconds : 0.0;
    S.progress = o->progress;
    S.progress_ud = o->progress_ud;
    clock_gettime(CLOCK_MONOTONIC, &S.last);
    S.npass = 2 + (o->sensitivity ? 2 * (unsigned)(P->nin < 256 ? P->nin : 256) : 0);
    S.deal = rb_calloc(a, (size_t)N, 1);
    S.sol = rb_calloc(a, (size_t)N * RB_NSOL, sizeof(uint64_t));
    S.nash = rb_calloc(a, (size_t)N * (d ? d : 1), sizeof(double));
    S.conf = rb_calloc(a, (size_t)N, sizeof(uint64_t));
    S.bind = rb_calloc(a, (size_t)N, sizeof(uint64_t));
    uint64_t *counts = rb_calloc(a, (size_t)P->nout, sizeof(uint64_t));
    uint64_t *tmpw = rb_calloc(a, (size_t)N, sizeof(uint64_t));
    double *vals = rb_calloc(a, (size_t)N, sizeof(double));
    if (!ws || !S.deal || !S.sol || !S.nash || !S.conf || !S.bind || !counts || !tmpw || !vals) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (unsigned t = 0; t < nt && !st; t++)
        st = rb_ws_init(P, &ws[t], true, err);
    if (st)
        goto done;
    if (!rb_run(&S, ws, nt)) {
        st = rb_stopped(&S, err);
        goto done;
    }
    for (unsigned t = 0; t < nt; t++) {
        if (ws[t].nomem) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (uint64_t k = 0; k < P->nout; k++)
            counts[k] += ws[t].counts[k];
    }
    /* P(deal) */
    for (uint64_t w = 0; w < N; w++)
        R->deals += S.deal[w];
    R->pdeal = (double)R->deals / (double)N;
    rb_wilson(R->deals, N, &R->plo, &R->phi);
    /* the most robust outcomes */
    size_t top = R->top, dd = d ? d : 1;
    uint64_t ids[1024], cs[1024];
    size_t nl = 0;
    for (uint64_t k = 0; k < P->nout; k++)
        if (counts[k])
            rb_top_insert(ids, cs, &nl, top, k, counts[k]);
    R->nlisted = nl;
    R->out = rb_calloc(a, top * (ni ? ni : 1), sizeof(uint32_t));
    R->out_p = rb_calloc(a, top, sizeof(double));
    R->out_mean = rb_calloc(a, top * dd, sizeof(double));
    if (!R->out || !R->out_p || !R->out_mean) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nl; k++) {
        rb_decode(P, ids[k], R->out + k * ni);
        R->out_p[k] = (double)cs[k] / (double)N;
    }
    /* their mean utilities: every world again (in parallel, by fixed chunks
     * of worlds summed in world order, then the chunks in order) */
    if (nl && d) {
        uint64_t nch = (N + S.chunk - 1) / S.chunk;
        S.msum = rb_calloc(a, (size_t)nch * nl * d, sizeof(double));
        if (!S.msum) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        S.mode = RB_MEAN;
        S.nl = nl;
        S.outs = R->out;
        if (!rb_run(&S, ws, nt)) {
            st = rb_stopped(&S, err);
            goto done;
        }
        for (uint64_t c = 0; c < nch; c++)
            for (size_t k = 0; k < nl * d; k++)
                R->out_mean[k] += S.msum[c * nl * d + k];
        rb_free(a, S.msum, (size_t)nch * nl * d, sizeof(double));
        S.msum = NULL;
        for (size_t k = 0; k < nl * d; k++)
            R->out_mean[k] /= (double)N;
    }
    /* the solutions' modes */
    for (int s = 0; s < RB_NSOL; s++) {
        size_t m = 0;
        for (uint64_t w = 0; w < N; w++)
            if (S.sol[w * RB_NSOL + s] != UINT64_MAX)
                tmpw[m++] = S.sol[w * RB_NSOL + s];
        qsort(tmpw, m, sizeof(uint64_t), rb_ucmp);
        size_t n2 = 0;
        for (size_t k = 0; k < m;) {
            size_t e = k;
            while (e < m && tmpw[e] == tmpw[k])
                e++;
            rb_top_insert(ids, cs, &n2, top, tmpw[k], e - k);
            k = e;
        }
        R->nsol[s] = n2;
        R->sol[s] = rb_calloc(a, top * (ni ? ni : 1), sizeof(uint32_t));
        R->sol_p[s] = rb_calloc(a, top, sizeof(double));
        if (!R->sol[s] || !R->sol_p[s]) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < n2; k++) {
            rb_decode(P, ids[k], R->sol[s] + k * ni);
            R->sol_p[s][k] = (double)cs[k] / (double)N;
        }
    }
    /* red lines */
    R->nrl = P->nrules;
    R->rl_party = rb_calloc(a, R->nrl, sizeof(size_t));
    R->rl_r = rb_calloc(a, R->nrl, sizeof(size_t));
    R->rl_conf = rb_calloc(a, R->nrl, sizeof(double));
    R->rl_bind = rb_calloc(a, R->nrl, sizeof(double));
    R->nash_ok = rb_calloc(a, dd, sizeof(bool));
    R->nash_mean = rb_calloc(a, dd, sizeof(double));
    R->nash_p05 = rb_calloc(a, dd, sizeof(double));
    R->nash_p95 = rb_calloc(a, dd, sizeof(double));
    if (!R->rl_party || !R->rl_r || !R->rl_conf || !R->rl_bind || !R->nash_ok || !R->nash_mean ||
        !R->nash_p05 || !R->nash_p95) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < P->nrules; k++) {
        uint64_t bit = P->rules[k].bit, nc = 0, nb = 0;
        for (uint64_t w = 0; w < N; w++) {
            if (S.deal[w])
                nb += (S.bind[w] & bit) != 0;
            else
                nc += (S.conf[w] & bit) != 0;
        }
        R->rl_party[k] = P->rules[k].party;
        R->rl_r[k] = P->rules[k].r;
        R->rl_conf[k] = R->deals < N ? (double)nc / (double)(N - R->deals) : NAN;
        R->rl_bind[k] = R->deals ? (double)nb / (double)R->deals : NAN;
    }
    /* utilities at the Nash deal */
    for (size_t j = 0; j < d; j++) {
        size_t m = 0;
        double sum = 0.0;
        for (uint64_t w = 0; w < N; w++)
            if (S.deal[w] && S.sol[w * RB_NSOL] != UINT64_MAX) {
                vals[m++] = S.nash[w * d + j];
                sum += S.nash[w * d + j];
            }
        if (!m)
            continue;
        R->nash_ok[j] = true;
        R->nash_mean[j] = sum / (double)m;
        qsort(vals, m, sizeof(double), rb_dcmp);
        size_t i05 = (size_t)ceil(0.05 * (double)m), i95 = (size_t)ceil(0.95 * (double)m);
        R->nash_p05[j] = vals[i05 ? i05 - 1 : 0];
        R->nash_p95[j] = vals[i95 ? i95 - 1 : 0];
    }
    /* the tornado */
    if (o->sensitivity && P->nin) {
        size_t ns = P->nin < 256 ? P->nin : 256;
        R->nsens = ns; /* what the arrays hold, as parley_robust_free frees them */
        R->sens_in = rb_calloc(a, ns, sizeof(parley_input));
        R->sens_lo = rb_calloc(a, ns, sizeof(double));
        R->sens_hi = rb_calloc(a, ns, sizeof(double));
        if (!R->sens_in || !R->sens_lo || !R->sens_hi) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        double swing[256];
        size_t order[256];
        parley_input tin[256];
        double tlo[256], thi[256];
        for (size_t j = 0; j < ns; j++) {
            double pr[2];
            for (int e = 0; e < 2; e++) {
                S.mode = RB_DEAL;
                S.forced = (long)j;
                S.fend = e;
                if (!rb_run(&S, ws, nt)) {
                    st = rb_stopped(&S, err);
                    goto done;
                }
                pr[e] = (double)atomic_load(&S.deals) / (double)N;
            }
            tin[j] = P->in[j]->in;
            tlo[j] = pr[0];
            thi[j] = pr[1];
            swing[j] = fabs(pr[1] - pr[0]);
            order[j] = j;
        }
        for (size_t x = 1; x < ns; x++) { /* stable insertion sort by swing */
            size_t v = order[x], y = x;
            while (y > 0 && swing[order[y - 1]] < swing[v]) {
                order[y] = order[y - 1];
                y--;
            }
            order[y] = v;
        }
        for (size_t k = 0; k < ns; k++) {
            R->sens_in[k] = tin[order[k]];
            R->sens_lo[k] = tlo[order[k]];
            R->sens_hi[k] = thi[order[k]];
        }
    }
done:
    for (unsigned t = 0; ws && t < nt; t++)
        rb_ws_free(P, &ws[t]);
    rb_free(a, ws, nt, sizeof(rb_ws));
    rb_free(a, S.deal, (size_t)N, 1);
    rb_free(a, S.sol, (size_t)N * RB_NSOL, sizeof(uint64_t));
    rb_free(a, S.nash, (size_t)N * (d ? d : 1), sizeof(double));
    rb_free(a, S.conf, (size_t)N, sizeof(uint64_t));
    rb_free(a, S.bind, (size_t)N, sizeof(uint64_t));
    rb_free(a, counts, (size_t)P->nout, sizeof(uint64_t));
    rb_free(a, tmpw, (size_t)N, sizeof(uint64_t));
    rb_free(a, vals, (size_t)N, sizeof(double));
    return st;
}

parley_status parley_robust_run(const parley_scenario *sc, const parley_robust_options *opt,
                                parley_robust **out, parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "parley_robust_run: out is NULL");
    *out = NULL;
    if (!sc || !sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_robust_run: the scenario must be final");
    parley_robust_options o;
    parley_robust_options_init(&o);
    if (opt)
        o = *opt;
    if (o.top == 0)
        o.top = RB_DEFAULT_TOP;
    if (o.top > 1000)
        o.top = 1000;
    rb_prep P;
    parley_status st = rb_prepare(sc, o.max_outcomes ? o.max_outcomes : RB_DEFAULT_MAX_OUTCOMES,
                                  &P, err);
    parley_robust *R = NULL;
    if (st == PARLEY_OK) {
        R = parleyx_calloc(sc->alloc, 1, sizeof *R);
        if (!R)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (R) {
        R->alloc = *sc->alloc;
        R->d = P.d;
        R->ni = P.ni;
        R->top = o.top;
        R->dim_party = rb_calloc(sc->alloc, P.d, sizeof(size_t));
        if (!R->dim_party)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        else
            memcpy(R->dim_party, P.dim_party, P.d * sizeof(size_t));
    }
    if (st == PARLEY_OK)
        st = rb_exact(&P, R, err);
    if (st == PARLEY_OK && !o.no_samples)
        st = rb_sample(&P, R, &o, err);
    rb_prep_free(&P);
    if (st != PARLEY_OK) {
        parley_robust_free(R);
        return st;
    }
    *out = R;
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */
/* ------------------------------------------------------------------ */

size_t parley_robust_dims(const parley_robust *r)
{
    return r ? r->d : 0;
}

size_t parley_robust_dim_party(const parley_robust *r, size_t j)
{
    return r && j < r->d ? r->dim_party[j] : SIZE_MAX;
}

bool parley_robust_exact(const parley_robust *r, int which, uint64_t *count, const char **reason)
{
    if (!r || which < 0 || which > 1)
        return false;
    if (count)
        *count = r->ex_count[which];
    if (reason)
        *reason = r->ex_ok[which] ? "" : r->ex_reason[which];
    return r->ex_ok[which];
}

size_t parley_robust_exact_listed(const parley_robust *r, int which)
{
    return r && which >= 0 && which <= 1 && r->ex_ok[which] ? r->ex_n[which] : 0;
}

const uint32_t *parley_robust_exact_outcome(const parley_robust *r, int which, size_t k)
{
    if (!r || which < 0 || which > 1 || k >= r->ex_n[which] || !r->ex_ok[which])
        return NULL;
    return r->ex_out[which] + k * r->ni;
}

bool parley_robust_sampled(const parley_robust *r, uint64_t *samples, uint64_t *seed)
{
    if (!r || !r->sampled)
        return false;
    if (samples)
        *samples = r->samples;
    if (seed)
        *seed = r->seed;
    return true;
}

double parley_robust_deal_probability(const parley_robust *r, double *lo, double *hi)
{
    if (lo)
        *lo = r && r->sampled ? r->plo : NAN;
    if (hi)
        *hi = r && r->sampled ? r->phi : NAN;
    return r && r->sampled ? r->pdeal : NAN;
}

size_t parley_robust_outcome_count(const parley_robust *r)
{
    return r && r->sampled ? r->nlisted : 0;
}

const uint32_t *parley_robust_outcome(const parley_robust *r, size_t k, double *p,
                                      const double **mean)
{
    if (!r || !r->sampled || k >= r->nlisted)
        return NULL;
    if (p)
        *p = r->out_p[k];
    if (mean)
        *mean = r->out_mean + k * r->d;
    return r->out + k * r->ni;
}

static int rb_sol_slot(parley_solution_kind kind)
{
    switch (kind) {
    case PARLEY_SOLUTION_NASH: return 0;
    case PARLEY_SOLUTION_KALAI_SMORODINSKY: return 1;
    case PARLEY_SOLUTION_UTILITARIAN: return 2;
    case PARLEY_SOLUTION_EGALITARIAN: return 3;
    default: return -1;
    }
}

size_t parley_robust_solution_count(const parley_robust *r, parley_solution_kind kind)
{
    int s = rb_sol_slot(kind);
    return r && r->sampled && s >= 0 ? r->nsol[s] : 0;
}

const uint32_t *parley_robust_solution(const parley_robust *r, parley_solution_kind kind, size_t k,
                                       double *p)
{
    int s = rb_sol_slot(kind);
    if (!r || !r->sampled || s < 0 || k >= r->nsol[s])
        return NULL;
    if (p)
        *p = r->sol_p[s][k];
    return r->sol[s] + k * r->ni;
}

size_t parley_robust_redline_count(const parley_robust *r)
{
    return r && r->sampled ? r->nrl : 0;
}

void parley_robust_redline(const parley_robust *r, size_t k, size_t *party, size_t *redline,
                           double *p_conflict, double *p_binding)
{
    bool ok = r && r->sampled && k < r->nrl;
    if (party)
        *party = ok ? r->rl_party[k] : SIZE_MAX;
    if (redline)
        *redline = ok ? r->rl_r[k] : SIZE_MAX;
    if (p_conflict)
        *p_conflict = ok ? r->rl_conf[k] : NAN;
    if (p_binding)
        *p_binding = ok ? r->rl_bind[k] : NAN;
}

bool parley_robust_nash_utility(const parley_robust *r, size_t j, double *mean, double *p05,
                                double *p95)
{
    if (!r || !r->sampled || j >= r->d || !r->nash_ok[j])
        return false;
    if (mean)
        *mean = r->nash_mean[j];
    if (p05)
        *p05 = r->nash_p05[j];
    if (p95)
        *p95 = r->nash_p95[j];
    return true;
}

size_t parley_robust_sensitivity_count(const parley_robust *r)
{
    return r ? r->nsens : 0;
}

void parley_robust_sensitivity(const parley_robust *r, size_t k, parley_input *in, double *low,
                               double *high)
{
    bool ok = r && k < r->nsens;
    if (in && ok)
        *in = r->sens_in[k];
    if (low)
        *low = ok ? r->sens_lo[k] : NAN;
    if (high)
        *high = ok ? r->sens_hi[k] : NAN;
}
