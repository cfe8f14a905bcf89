/*
 * ng_nicetft.c -- "nice-tit-for-tat": GENIUS 10.4's NiceTitForTat
 * (agents/anac/y2011/Nice_Tit_for_Tat/NiceTitForTat.java, Baarslag,
 * Hindriks & Jonker) with its Bayesian opponent model
 * (agents/bayesianopponentmodel/BayesianOpponentModelScalable.java),
 * rule by rule.  GENIUS draws from an unseeded java.util.Random, so no run
 * of it can be replayed offer for offer; parley draws from the agent's own
 * seeded stream instead, and everything else follows the Java code,
 * operation order included.
 *
 * The model (bom_*).  Per issue j: 11 weight hypotheses w = h/10 with
 * prior (1 - (h+1)/11)^3, normalised; evaluation hypotheses "uphill"
 * (1000 k + 1), "downhill" (1000 (n - k - 1) + 1) and, with n > 2 values,
 * n - 2 triangular ones (Java integer arithmetic), each divided by its
 * maximum, equal priors.  An integer issue has none (GENIUS builds none
 * for it).  Each new opponent offer (a repeated one is ignored) updates
 * the weights (from the second offer on), then the evaluations, by Bayes
 * with a Gaussian likelihood of the offer's utility around the expected
 * previous utility (sigma 0.25), which falls by 0.003 per offer.  The
 * model's utility of an outcome is normalised by its least and greatest
 * value over all outcomes.
 *
 * Red lines (GENIUS has none): its bids, its opening and the offers of
 * theirs it offers back keep its own red lines, and it never accepts an
 * offer that breaks one.  The reservation value is not checked, as in
 * GENIUS.  ng_ntft_bonus, ng_ntft_target, ng_ntft_late_accept,
 * ng_ntft_model_run, ng_ntft_nash_after, ng_ntft_window and ng_ntft_top
 * expose the rules to the tests.
 *
 * Memory: one block per negotiator state, from the session's allocator:
 * the state, the model's arrays, a bitset of the offers seen, the
 * opponent's offer history (grown on demand) and scratch for bid lists.
 */
#include "negotiation/ng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOM_WH 11                /* weight hypotheses per issue */
#define BOM_PI 3.141592653589793 /* Math.PI */

typedef struct bom {
    size_t m;
    size_t *nh;    /* evaluation hypotheses of issue j */
    size_t *hoff;  /* first hypothesis of issue j in ep */
    size_t *evoff; /* first entry of issue j in ev: hypothesis-major */
    double *wp;    /* m x BOM_WH weight probabilities */
    double *wp2;   /* scratch for the update */
    double *ep;    /* evaluation probabilities */
    double *ep2;
    double *ev;    /* evaluations */
    double *ew;    /* fExpectedWeights */
    double prev;   /* fPreviousBidUtility */
    double lo, hi; /* min/max expected utility over all outcomes */
    size_t seen_n;
    uint8_t *seen;
    bool crashed;
} bom;

typedef struct ntft_hist {
    ng_seen ut; /* my undiscounted utility, the time (first: see ng.h) */
    uint64_t o;
    bool keeps; /* keeps my red lines: only such offers are offered back */
} ntft_hist;

typedef struct ntft_state {
    const parley_allocator *a;
    size_t bytes;
    bom m;
    uint32_t *v; /* decoded outcome scratch */
    ntft_hist *opp;
    size_t nopp, capopp;
    bool have_mine;
    double nash; /* myNashUtility */
    double initial_gap;
    int offered_best; /* offeredOpponentBestBid */
    bool oom;         /* an offer of theirs could not be recorded */
    bool planned_ok;
    uint64_t planned;
    uint64_t *list; /* bid list scratch (n) */
    double *lu;     /* their model utilities */
} ntft_state;

/* ------------------------------------------------------------ the model */

/* Outcome id -> value indices (issue 0 most significant). */
static void id_decode(const parley_session *s, uint64_t id, uint32_t *v)
{
    for (size_t i = 0; i < s->nissues; i++) {
        v[i] = (uint32_t)(id / s->stride[i]);
        id %= s->stride[i];
    }
}

static double bom_cond(double u, double prev)
{
    double sigma = 0.25, x = (prev - u) / prev;
    return 1.0 / (sigma * sqrt(2.0 * BOM_PI)) * exp(-(x * x) / (2.0 * sigma * sigma));
}

static double bom_eval_exp(const bom *b, size_t j, uint32_t v, const uint32_t *values)
{
    double e = 0.0;
    for (size_t h = 0; h < b->nh[j]; h++)
        e = e + b->ep[b->hoff[j] + h] * b->ev[b->evoff[j] + h * values[j] + v];
    return e;
}

static double bom_weight_exp(const double *wp, size_t j)
{
    double w = 0.0;
    for (size_t h = 0; h < BOM_WH; h++)
        w += wp[j * BOM_WH + h] * ((double)h / (BOM_WH - 1));
    return w;
}

static double bom_partial(const bom *b, const uint32_t *o, size_t skip, const uint32_t *values)
{
    double u = 0.0;
    for (size_t j = 0; j < b->m; j++) {
        if (j == skip)
            continue;
        u = u + bom_weight_exp(b->wp, j) * bom_eval_exp(b, j, o[j], values);
    }
    return u;
}

/* The priors. */
static void bom_init(bom *b, const parley_session *s)
{
    for (size_t j = 0; j < b->m; j++) {
        double sum = 0.0;
        for (size_t h = 0; h < BOM_WH; h++) {
            double q = 1.0 - ((double)h + 1.0) / BOM_WH;
            b->wp[j * BOM_WH + h] = q * q * q;
        }
        for (size_t h = 0; h < BOM_WH; h++)
            sum += b->wp[j * BOM_WH + h];
        for (size_t h = 0; h < BOM_WH; h++)
            b->wp[j * BOM_WH + h] = b->wp[j * BOM_WH + h] / sum;
        int n = (int)s->values[j];
        for (size_t h = 0; h < b->nh[j]; h++) {
            double *e = &b->ev[b->evoff[j] + h * (size_t)n], mx = 0.0;
            for (int k = 0; k < n; k++) {
                int t = (int)h - 1; /* triangular k = h - 1 for h >= 2 */
                int x = h == 0   ? 1000 * k + 1
                        : h == 1 ? 1000 * (n - k - 1) + 1
                        : k < t  ? 1000 * k / t
                                 : 1000 * (n - k - 1) / (n - t - 1) + 1;
                e[k] = (double)x;
                mx = e[k] > mx ? e[k] : mx;
            }
            for (int k = 0; k < n; k++)
                e[k] = mx < 0.00001 ? 0.0 : e[k] / mx;
            b->ep[b->hoff[j] + h] = 1.0 / (double)b->nh[j];
        }
        b->ew[j] = bom_weight_exp(b->wp, j);
    }
    b->prev = 1.0;
}

static double bom_utility(const bom *b, const uint32_t *o, const uint32_t *values)
{
    double u = 0.0;
    for (size_t j = 0; j < b->m; j++)
        u = u + b->ew[j] * bom_eval_exp(b, j, o[j], values);
    return u;
}

/* findMinMaxUtility over all outcomes. */
static void bom_minmax(bom *b, const parley_session *s, uint32_t *v)
{
    b->lo = 1.0;
    b->hi = 0.0;
    for (uint64_t id = 0; id < s->n; id++) {
        id_decode(s, id, v);
        double u = bom_utility(b, v, s->values);
        if (b->lo > u)
            b->lo = u;
        if (b->hi < u)
            b->hi = u;
    }
}

static void bom_update_weights(bom *b, const uint32_t *o, const uint32_t *values)
{
    for (size_t j = 0; j < b->m; j++) {
        double n = 0.0, e = bom_eval_exp(b, j, o[j], values), part = bom_partial(b, o, j, values);
        for (size_t h = 0; h < BOM_WH; h++) {
            double u = ((double)h / (BOM_WH - 1)) * e + part;
            n += b->wp[j * BOM_WH + h] * bom_cond(u, b->prev);
        }
        for (size_t h = 0; h < BOM_WH; h++) {
            double u = ((double)h / (BOM_WH - 1)) * e + part;
            b->wp2[j * BOM_WH + h] = b->wp[j * BOM_WH + h] * bom_cond(u, b->prev) / n;
        }
    }
    memcpy(b->wp, b->wp2, b->m * BOM_WH * sizeof(double));
}

static void bom_update_evals(bom *b, const uint32_t *o, const uint32_t *values)
{
    for (size_t i = 0; i < b->m; i++) {
        double n = 0.0, part = bom_partial(b, o, i, values), w = bom_weight_exp(b->wp, i);
        for (size_t h = 0; h < b->nh[i]; h++) {
            double e = b->ev[b->evoff[i] + h * values[i] + o[i]];
            n += b->ep[b->hoff[i] + h] * bom_cond(part + w * e, b->prev);
        }
        for (size_t h = 0; h < b->nh[i]; h++) {
            double e = b->ev[b->evoff[i] + h * values[i] + o[i]];
            b->ep2[b->hoff[i] + h] = b->ep[b->hoff[i] + h] * bom_cond(part + w * e, b->prev) / n;
        }
    }
    size_t tot = b->m ? b->hoff[b->m - 1] + b->nh[b->m - 1] : 0;
    memcpy(b->ep, b->ep2, tot * sizeof(double));
}

/* updateBeliefs: a new offer (id) updates the model. */
static void bom_update(bom *b, const parley_session *s, uint64_t id, uint32_t *v)
{
    if (b->crashed || (b->seen[id >> 3] >> (id & 7) & 1))
        return;
    b->seen[id >> 3] = (uint8_t)(b->seen[id >> 3] | (1u << (id & 7)));
    b->seen_n++;
    id_decode(s, id, v);
    if (b->seen_n > 1)
        bom_update_weights(b, v, s->values);
    bom_update_evals(b, v, s->values);
    b->prev = b->prev - 0.003;
    for (size_t j = 0; j < b->m; j++)
        b->ew[j] = bom_weight_exp(b->wp, j);
    bom_minmax(b, s, v);
}

/* getNormalizedUtility; a NaN crashes the model for good (0 from then). */
static double bom_norm(bom *b, const parley_session *s, uint64_t id, uint32_t *v)
{
    id_decode(s, id, v);
    double x = (bom_utility(b, v, s->values) - b->lo) / (b->hi - b->lo);
    if (isnan(x)) {
        b->crashed = true;
        return 0.0;
    }
    return x;
}

/* ------------------------------------------------------------ the agent */

#define NTFT_ALIGN(x) (((x) + 15) & ~(size_t)15)

static void ntft_free(void *state)
{
    if (state) {
        ntft_state *s = state;
        parleyx_free(s->a, s->opp, s->capopp * sizeof(ntft_hist));
        parleyx_free(s->a, s, s->bytes);
    }
}

/* Lays the model and the scratch out after the state in one block. */
static ntft_state *ntft_alloc(const ng_agent *g)
{
    const parley_session *ps = g->s;
    size_t m = ps->nissues, tot_h = 0, tot_e = 0, n = (size_t)ps->n;
    for (size_t j = 0; j < m; j++) {
        size_t nh = parley_issue_kind_of(ps->sc, j) == PARLEY_ISSUE_DISCRETE
                        ? 2 + (ps->values[j] > 2 ? ps->values[j] - 2 : 0)
                        : 0;
        tot_h += nh;
        tot_e += nh * ps->values[j];
    }
    size_t sz[] = {sizeof(ntft_state),
                   3 * m * sizeof(size_t),
                   2 * m * BOM_WH * sizeof(double),
                   2 * tot_h * sizeof(double),
                   tot_e * sizeof(double),
                   m * sizeof(double),
                   (n + 7) / 8,
                   m * sizeof(uint32_t),
                   n * sizeof(uint64_t),
                   n * sizeof(double)};
    size_t bytes = 0;
    for (size_t k = 0; k < sizeof sz / sizeof sz[0]; k++)
        bytes += NTFT_ALIGN(sz[k]);
    char *p = parleyx_calloc(ps->a, 1, bytes);
    if (!p)
        return NULL;
    ntft_state *s = (ntft_state *)(void *)p;
    char *q = p + NTFT_ALIGN(sz[0]);
    bom *b = &s->m;
    b->m = m;
    b->nh = (size_t *)(void *)q;
    b->hoff = b->nh + m;
    b->evoff = b->hoff + m;
    q += NTFT_ALIGN(sz[1]);
    b->wp = (double *)(void *)q;
    b->wp2 = b->wp + m * BOM_WH;
    q += NTFT_ALIGN(sz[2]);
    b->ep = (double *)(void *)q;
    b->ep2 = b->ep + tot_h;
    q += NTFT_ALIGN(sz[3]);
    b->ev = (double *)(void *)q;
    q += NTFT_ALIGN(sz[4]);
    b->ew = (double *)(void *)q;
    q += NTFT_ALIGN(sz[5]);
    b->seen = (uint8_t *)q;
    q += NTFT_ALIGN(sz[6]);
    s->v = (uint32_t *)(void *)q;
    q += NTFT_ALIGN(sz[7]);
    s->list = (uint64_t *)(void *)q;
    q += NTFT_ALIGN(sz[8]);
    s->lu = (double *)(void *)q;
    size_t ho = 0, eo = 0;
    for (size_t j = 0; j < m; j++) {
        b->nh[j] = parley_issue_kind_of(ps->sc, j) == PARLEY_ISSUE_DISCRETE
                       ? 2 + (ps->values[j] > 2 ? ps->values[j] - 2 : 0)
                       : 0;
        b->hoff[j] = ho;
        b->evoff[j] = eo;
        ho += b->nh[j];
        eo += b->nh[j] * ps->values[j];
    }
    s->a = ps->a;
    s->bytes = bytes;
    return s;
}

/* A new state whose model has seen the n offers (NULL: out of memory). */
static ntft_state *ntft_fed(ng_agent *g, const uint64_t *offers, size_t n)
{
    ntft_state *s = ntft_alloc(g);
    if (!s)
        return NULL;
    bom_init(&s->m, g->s);
    bom_minmax(&s->m, g->s, s->v);
    for (size_t i = 0; i < n; i++)
        bom_update(&s->m, g->s, offers[i], s->v);
    return s;
}

static void *ntft_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    ng_agent *g = ng_of(c);
    if (!ng_params(params, NULL, 0, NULL, eb, el))
        return NULL;
    ntft_state *s = ntft_fed(g, NULL, 0);
    if (!s) {
        snprintf(eb, el, PARLEY_AGENT_NOMEM);
        return NULL;
    }
    /* room for every offer of theirs a round deadline allows */
    unsigned long r = c->max_rounds;
    if (r && r <= 1000000) {
        s->capopp = (size_t)r * (c->seats - 1) + 1;
        s->opp = parleyx_calloc(s->a, s->capopp, sizeof(ntft_hist));
        if (!s->opp) {
            s->capopp = 0;
            ntft_free(s);
            snprintf(eb, el, PARLEY_AGENT_NOMEM);
            return NULL;
        }
    }
    s->nash = 0.0;
    s->initial_gap = 0.0;
    return s;
}

/* Whether outcome o keeps g's own red lines (GENIUS has none). */
static bool keeps_lines(const ng_agent *g, uint64_t o, uint32_t *v)
{
    if (parley_redline_count(g->s->sc, g->party) == 0)
        return true;
    id_decode(g->s, o, v);
    return parley_redlines_hold(g->s->sc, g->party, v);
}

/* The parley id of the outcome at BidIterator position pos (issue 0
 * fastest). */
static uint64_t enum_id(const parley_session *s, uint64_t pos)
{
    uint64_t id = 0;
    for (size_t i = 0; i < s->nissues; i++) {
        id += (pos % s->values[i]) * s->stride[i];
        pos /= s->values[i];
    }
    return id;
}

/* The opening bid: the first outcome of greatest utility in enumeration
 * order that keeps the red lines. */
static uint64_t ntft_opening(ntft_state *s, const ng_agent *g)
{
    double best = -1.0;
    uint64_t pick = 0;
    for (uint64_t pos = 0; pos < g->s->n; pos++) {
        uint64_t id = enum_id(g->s, pos);
        if (g->u[id] > best && keeps_lines(g, id, s->v)) {
            best = g->u[id];
            pick = id;
        }
    }
    return pick;
}

/* updateMyNashUtility: own utility at the Nash point of (own utility,
 * model utility), reservation values rv and 0, times the multiplier
 * 1.4 - 0.6 gap (gap from the previous turn), clamped to [0.5, 1]. */
static void ntft_update_nash(ntft_state *s, const ng_agent *g, double rv)
{
    double mult = 1.4 - 0.6 * s->initial_gap;
    if (mult < 0)
        mult = 0;
    double nash = 0.7;
    if (g->s->n < 200000) {
        double maxp = -1.0, best_a = 0.0;
        bool found = false;
        for (uint64_t id = 0; id < g->s->n; id++) {
            double ua = g->u[id], p = 1.0;
            p = p * (ua - rv);
            p = p * (bom_norm(&s->m, g->s, id, s->v) - 0.0);
            if (p > maxp || (found && p == maxp && ua < best_a)) {
                maxp = p;
                best_a = ua;
                found = true;
            }
        }
        if (found)
            nash = best_a;
    }
    nash *= mult;
    s->nash = nash > 1 ? 1 : nash < 0.5 ? 0.5 : nash;
}

double ng_ntft_bonus(double discount, double t, uint64_t outcomes)
{
    double disc = 0.5 - 0.4 * discount, tb = 0.0;
    double min_t = outcomes > 3000 ? 0.85 : 0.91;
    if (t > min_t)
        tb = fmin(1.0, 20.0 * (t - min_t));
    double b = fmax(disc, tb);
    return b < 0 ? 0 : b > 1 ? 1 : b;
}

double ng_ntft_target(double maxu, double minfirst, double nash, double bonus)
{
    double factor = fmin(1, (maxu - minfirst) / (nash - minfirst));
    double target = 1 - factor * (1 - nash);
    double gap = fmax(0, target - nash);
    return target - bonus * gap;
}

/* getBidsOfUtility(target) into s->list: the outcomes worth between .98
 * target and target + .05, widening by .01 until there are two (or one
 * at max >= 1); big domains (> 10000 outcomes) take the first two found.
 * Returns how many (0: take the opening bid). */
static size_t ntft_bids(ntft_state *s, const ng_agent *g, double target)
{
    bool big = g->s->n > 10000;
    if (target > 1)
        target = 1;
    double lo = target * 0.98, hi = target + 0.04;
    do {
        hi += 0.01;
        size_t k = 0;
        for (uint64_t pos = 0; pos < g->s->n; pos++) {
            uint64_t id = enum_id(g->s, pos);
            double u = g->u[id];
            if (u >= lo && u <= hi && keeps_lines(g, id, s->v))
                s->list[k++] = id;
            if (big && k >= 2)
                break;
        }
        if (k > 1 || (hi >= 1 && k > 0))
            return k;
    } while (hi <= 1);
    return 0;
}

/* getBestBidForOpponent's BidHistory.getBestBidHistory(n): the n best of
 * the k bids in s->list by the model, moved to its front in that order,
 * n = round(k/10) in [3, 20] (at most k; ties: list order).  Returns n. */
static size_t ntft_top(ntft_state *s, ng_agent *g, size_t k)
{
    for (size_t i = 0; i < k; i++)
        s->lu[i] = bom_norm(&s->m, g->s, s->list[i], s->v);
    size_t n = (size_t)llround((double)k / 10.0);
    n = n < 3 ? 3 : n > 20 ? 20 : n;
    if (n > k)
        n = k;
    for (size_t i = 0; i < n; i++) { /* stable selection of the top n */
        size_t best = i;
        for (size_t j = i + 1; j < k; j++)
            if (s->lu[j] > s->lu[best])
                best = j;
        uint64_t o = s->list[best];
        double u = s->lu[best];
        memmove(&s->list[i + 1], &s->list[i], (best - i) * sizeof *s->list);
        memmove(&s->lu[i + 1], &s->lu[i], (best - i) * sizeof *s->lu);
        s->list[i] = o;
        s->lu[i] = u;
    }
    return n;
}

/* getBestBidForOpponent: a random one of the top n. */
static uint64_t ntft_pick(ntft_state *s, ng_agent *g, size_t k)
{
    return s->list[ng_below(&g->rng, ntft_top(s, g, k))];
}

/* How many of their offers fell in the last window, utility in (0, 1]
 * and time in (now - (1 - now), now] (filterBetweenTime). */
static size_t opp_recent(const ntft_state *s, double now)
{
    size_t k = 0;
    for (size_t i = 0; i < s->nopp; i++) {
        const ng_seen *h = &s->opp[i].ut;
        k += 0 < h->u && h->u <= 1 && now - (1 - now) < h->t && h->t <= now;
    }
    return k;
}

/* Their best offer for me among those that keep my red lines; NULL if
 * none.  Of equal utilities the latest, as BidHistory.getBestBidDetails
 * (utility >= max) picks. */
static const ntft_hist *opp_best(const ntft_state *s)
{
    double max = -1;
    const ntft_hist *b = NULL;
    for (size_t i = 0; i < s->nopp; i++)
        if (s->opp[i].keeps && s->opp[i].ut.u >= max) {
            max = s->opp[i].ut.u;
            b = &s->opp[i];
        }
    return b;
}

/* chooseCounterBid. */
static uint64_t ntft_counter(ntft_state *s, const parley_agent_ctx *c, ng_agent *g)
{
    double t = g->s->t;
    bool big = g->s->n > 10000;
    if (!(t > 0.99) && !(big && t > 0.5)) {
        bom_update(&s->m, g->s, s->opp[s->nopp - 1].o, s->v);
        ntft_update_nash(s, g, c->reservation);
    }
    double maxu = -1, minfirst = 2.0;
    for (size_t i = 0; i < s->nopp; i++) /* getMaximumUtility */
        maxu = s->opp[i].ut.u > maxu ? s->opp[i].ut.u : maxu;
    for (size_t i = 0; i < s->nopp; i++)
        if (0 < s->opp[i].ut.u && s->opp[i].ut.u <= 1 && 0 < s->opp[i].ut.t &&
            s->opp[i].ut.t <= 0.01)
            minfirst = s->opp[i].ut.u < minfirst ? s->opp[i].ut.u : minfirst;
    if (minfirst > 1.5)
        minfirst = s->opp[0].ut.u;
    double target = ng_ntft_target(maxu, minfirst, s->nash,
                                   ng_ntft_bonus(c->discount, g->s->t, g->s->n));
    s->initial_gap = 1 - minfirst;
    size_t k = ntft_bids(s, g, target);
    uint64_t bid = k ? ntft_pick(s, g, k) : ntft_opening(s, g);
    const ntft_hist *best = opp_best(s); /* makeAppropriate */
    return best && best->ut.u >= g->u[bid] ? best->o : bid;
}

bool ng_ntft_late_accept(const void *hist, size_t stride, size_t n, double now, bool big)
{
#define SEEN(i) ((const ng_seen *)(const void *)((const char *)hist + (i)*stride))
    double offered = SEEN(n - 1)->u, left = 1 - now, window = left, sum = 0.0;
    size_t recent = 0, better = 0;
    for (size_t i = 0; i < n; i++) { /* BidHistory.filterBetween: (lo, hi] */
        double u = SEEN(i)->u, t = SEEN(i)->t;
        bool in_time = now - left < t && t <= now;
        recent += in_time && 0 < u && u <= 1;
        if (in_time && offered < u && u <= 1) {
            better++;
            sum += u;
        }
    }
#undef SEEN
    if (recent > (big ? 40u : 10u))
        return false;
    double p = left / window;
    if (p > 1)
        p = 1;
    double all_miss = better == 0 ? 1 : pow(1 - p, (double)better);
    double avg = better ? sum / (double)better : 0.0;
    return offered > (1 - all_miss) * avg;
}

/* isAcceptable, for the offer on the table (their last) against the
 * planned bid. */
static bool ntft_acceptable(const ntft_state *s, const ng_agent *g, uint64_t planned)
{
    if (s->opp[s->nopp - 1].ut.u >= g->u[planned])
        return true;
    if (g->s->t < 0.98)
        return false;
    return ng_ntft_late_accept(s->opp, sizeof *s->opp, s->nopp, g->s->t, g->s->n > 10000);
}

static parley_response ntft_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    ntft_state *s = state;
    ng_agent *g = ng_of(c);
    if (c->mediated) /* GENIUS's agent is bilateral: a plain vote here */
        return g->ok[o] ? PARLEY_RESPONSE_ACCEPT : PARLEY_RESPONSE_REJECT;
    if (!s->nopp) /* no offer of theirs seen: nothing to answer */
        return PARLEY_RESPONSE_REJECT;
    uint64_t planned = s->have_mine ? ntft_counter(s, c, g) : ntft_opening(s, g);
    s->planned = planned;
    s->planned_ok = true;
    if (!ntft_acceptable(s, g, planned) || !keeps_lines(g, o, s->v))
        return PARLEY_RESPONSE_REJECT;
    /* makeAcceptAction: with more offers to come and a better one seen,
     * offer their best instead (at most four times) */
    double now = g->s->t;
    size_t expected = opp_recent(s, now);
    const ntft_hist *best = opp_best(s);
    if (expected > 1 && best && best->ut.u > g->u[o] && s->offered_best <= 3) {
        s->offered_best++;
        s->planned = best->o;
        return PARLEY_RESPONSE_REJECT;
    }
    return PARLEY_RESPONSE_ACCEPT;
}

static bool ntft_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    ntft_state *s = state;
    ng_agent *g = ng_of(c);
    if (s->oom) { /* an invalid move that says why: the session fails */
        snprintf(g->s->errbuf, sizeof g->s->errbuf, PARLEY_AGENT_NOMEM);
        *offer = g->s->n;
        return true;
    }
    *offer = s->planned_ok ? s->planned : ntft_opening(s, g);
    s->planned_ok = false;
    s->have_mine = true;
    return true;
}

/* Their offers, with my undiscounted utility and the time. */
static void ntft_observe(void *state, const parley_agent_ctx *c, const parley_observation *ev)
{
    ntft_state *s = state;
    if (ev->kind != PARLEY_EVENT_OFFER || ev->seat == c->seat)
        return;
    if (s->nopp == s->capopp) {
        ntft_hist *h = parleyx_grow(s->a, s->opp, sizeof *h, &s->capopp, s->nopp + 1, 64);
        if (!h) { /* the next proposal reports it */
            s->oom = true;
            return;
        }
        s->opp = h;
    }
    s->opp[s->nopp].o = ev->outcome;
    s->opp[s->nopp].ut.u = ng_of(c)->u[ev->outcome];
    s->opp[s->nopp].ut.t = ev->t;
    s->opp[s->nopp].keeps = keeps_lines(ng_of(c), ev->outcome, s->v);
    s->nopp++;
}

const parley_strategy ng_st_nice_tft = {PARLEY_AGENT_ABI, "nice-tit-for-tat", ntft_create,
                                        ntft_propose,     ntft_respond,       ntft_observe,
                                        ntft_free};

bool ng_ntft_model_run(ng_agent *g, const uint64_t *offers, size_t n, double *norm)
{
    ntft_state *s = ntft_fed(g, offers, n);
    if (!s)
        return false;
    for (uint64_t id = 0; id < g->s->n; id++)
        norm[id] = bom_norm(&s->m, g->s, id, s->v);
    ntft_free(s);
    return true;
}

double ng_ntft_nash_after(ng_agent *g, const uint64_t *offers, size_t n, double initial_gap)
{
    ntft_state *s = ntft_fed(g, offers, n);
    if (!s)
        return NAN;
    s->initial_gap = initial_gap;
    ntft_update_nash(s, g, g->ctx.reservation);
    double nash = s->nash;
    ntft_free(s);
    return nash;
}

size_t ng_ntft_window(ng_agent *g, double target, uint64_t *out)
{
    ntft_state *s = ntft_fed(g, NULL, 0);
    if (!s)
        return SIZE_MAX;
    size_t k = ntft_bids(s, g, target);
    memcpy(out, s->list, k * sizeof *out);
    ntft_free(s);
    return k;
}

size_t ng_ntft_top(ng_agent *g, const uint64_t *offers, size_t n, const uint64_t *bids, size_t k,
                   uint64_t *top)
{
    ntft_state *s = ntft_fed(g, offers, n);
    if (!s)
        return SIZE_MAX;
    memcpy(s->list, bids, k * sizeof *bids);
    size_t t = ntft_top(s, g, k);
    memcpy(top, s->list, t * sizeof *top);
    ntft_free(s);
    return t;
}
