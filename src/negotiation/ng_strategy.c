/*
 * ng_strategy.c -- the built-in negotiation strategies.
 *
 * Each strategy is a parley_strategy (include/parley/agent.h) whose state
 * begins with an st_head (the allocator and the block size, so destroy can
 * free it).  Built-ins read their own ng_agent's precomputed arrays (u, ok,
 * rank, ranku: see ng.h) instead of calling through the view, for speed;
 * they never read another agent.  docs/negotiation.md gives each one's
 * source and the exact rule; in short:
 *
 *  time-dependent family (GENIUS TimeDependentAgent; Faratin et al. 1998):
 *      boulware, linear, conceder, hardliner and time-dependent live in
 *      ng_genius.c and reproduce GENIUS offer for offer.  Here:
 *  time-dependent-at-least: the same target p(t) = Pmin + (Pmax - Pmin)
 *      (1 - f(t)), f(t) = k + (1-k) t^(1/e) (e = 0: f = k), over its ranked
 *      list only; offers the worst outcome still >= p(t), so no offer falls
 *      below the target or the reservation value; accepts an offer at
 *      least as good as its own next offer.
 *  tit-for-tat (NegMAS 0.15 NaiveTitForTatNegotiator, as its code runs):
 *      from step 3 (round 4) its concession is the offer's own normalised
 *      utility n(offer) (= 1 - its zero-sum model's u_opp), plus kindness:
 *      it offers the worst outcome worth at least 1 - n(offer) - kindness
 *      (normalised) and accepts when n(offer) reaches that level; step 0
 *      concedes nothing, steps 1 and 2 the smallest step of its list.
 *  nice-tit-for-tat: GENIUS's NiceTitForTat, in ng_nicetft.c.
 *  random: uniform offers among its acceptable outcomes.
 *  frequency-nash: HardHeaded frequency opponent model (van Krimpen et al.
 *      2013) + a bidder that, among the outcomes worth between its Boulware
 *      target and the target + 0.1 to itself, picks the one maximising the
 *      estimated Nash product (u - rv) x the product of the modelled
 *      opponents' utilities.
 *  micro (de Jonge 2022).
 *  hillclimber, annealer: GENIUS voters for the mediated protocol.
 *
 * Implicit sessions (ng.h; more than PARLEY_SESSION_MAX_OUTCOMES
 * outcomes): time-dependent-at-least, tit-for-tat, micro, random and the
 * voters run there through ng_u, ng_ok and the ng_ranked_* queries (the
 * same rules; random draws from the whole space instead of its ranked
 * list); frequency-nash and nice-tit-for-tat need every outcome and are
 * refused (ng_strategy_implicit_ok).
 *
 * Every built-in here offers only outcomes in its own ranked list (no red
 * line of its own broken, utility >= its reservation value) and accepts
 * only outcomes that are acceptable to it in the same sense: none ever
 * accepts below its reservation value.  The GENIUS time-dependent family
 * (ng_genius.c) keeps its red lines but, like GENIUS, not always its
 * reservation value.
 */
#include "negotiation/ng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ params */

bool ng_split_spec(const char *spec, char *nbuf, size_t n, const char **params)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len + 1 > n)
        return false;
    memcpy(nbuf, spec, len);
    nbuf[len] = '\0';
    *params = colon ? colon + 1 : "";
    return true;
}

bool ng_params(const char *params, const char *const *keys, size_t nkeys, double *vals,
               char *errbuf, size_t errlen)
{
    const char *p = params;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        if (len >= sizeof item) {
            snprintf(errbuf, errlen, "parameter too long");
            return false;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(errbuf, errlen, "parameter '%s' should be written key=value", item);
            return false;
        }
        *eq = '\0';
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k], item) != 0)
            k++;
        if (k == nkeys) {
            char list[256] = "";
            for (size_t j = 0; j < nkeys; j++) {
                strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, keys[j], sizeof list - strlen(list) - 1);
            }
            snprintf(errbuf, errlen, "unknown parameter '%s' (%s%s)", item,
                     nkeys ? "known: " : "this strategy takes no parameters",
                     nkeys ? list : "");
            return false;
        }
        if (!parleyx_parse_double(eq + 1, &vals[k])) {
            snprintf(errbuf, errlen, "parameter %s: '%s' is not a number", item, eq + 1);
            return false;
        }
        p = end ? end + 1 : NULL;
    }
    return true;
}

/* ------------------------------------------------------------ common */

typedef struct st_head {
    const parley_allocator *a;
    size_t size;
} st_head;

/* A zeroed state of size bytes (an st_head first) from the session's
 * allocator, freed by st_free; NULL with PARLEY_AGENT_NOMEM in eb. */
static void *st_new(const parley_agent_ctx *c, size_t size, char *eb, size_t el)
{
    const parley_allocator *a = ng_of(c)->s->a;
    st_head *h = parleyx_calloc(a, 1, size);
    if (!h) {
        snprintf(eb, el, PARLEY_AGENT_NOMEM);
        return NULL;
    }
    h->a = a;
    h->size = size;
    return h;
}

static void st_free(void *state)
{
    if (state) {
        st_head *h = state;
        parleyx_free(h->a, h, h->size);
    }
}

/* The rank of the worst ranked outcome with utility >= x (0 if none). */
static size_t rank_for(const ng_agent *g, double x)
{
    size_t k = ng_at_least(g, x);
    return k ? k - 1 : 0;
}

static bool check_range(const char *what, double v, double lo, double hi, char *eb, size_t el)
{
    if (!(v >= lo && v <= hi)) {
        snprintf(eb, el, "%s must be between %g and %g", what, lo, hi);
        return false;
    }
    return true;
}

/* The parameters named in keys (n of them, defaults in v), each a
 * fraction in [0, 1]; false with a message in eb. */
static bool unit_params(const char *params, const char *const *keys, size_t n, double *v,
                        char *eb, size_t el)
{
    if (!ng_params(params, keys, n, v, eb, el))
        return false;
    for (size_t k = 0; k < n; k++)
        if (!check_range(keys[k], v[k], 0.0, 1.0, eb, el))
            return false;
    return true;
}

/* ------------------------------------------------------------ time-dependent */

typedef struct td_state {
    st_head h;
    double e, k, pmin, pmax;
    double cache_t;
    uint64_t cache_o; /* the offer at cache_t and its utility */
    double cache_u;
    bool cached;
    bool empty; /* nothing in its ranked list */
} td_state;

static void *td_create_e(const parley_agent_ctx *c, const char *params, double e0, char *eb,
                         size_t el)
{
    ng_agent *g = ng_of(c);
    static const char *const keys[] = {"e", "k", "min", "max"};
    double v[4] = {e0, 0.0, NAN, NAN};
    if (!ng_params(params, keys, 4, v, eb, el))
        return NULL;
    if (!check_range("e", v[0], 0.0, 1e6, eb, el) || !check_range("k", v[1], 0.0, 1.0, eb, el))
        return NULL;
    td_state *s = st_new(c, sizeof *s, eb, el);
    if (!s)
        return NULL;
    s->e = v[0];
    s->k = v[1];
    uint64_t o;
    double hi = 1.0, lo = 0.0;
    s->empty = g->ix ? !ng_index_value(g->ix, true, c->reservation, &hi) /* no id needed */
                     : !ng_ranked_best(g, &o, &hi);
    if (s->empty)
        hi = 1.0;
    else
        ng_ranked_worst(g, &lo);
    s->pmax = isnan(v[3]) ? hi : v[3];
    s->pmin = isnan(v[2]) ? lo : v[2];
    return s;
}

static double td_target(const td_state *s, double t)
{
    double f = s->e == 0.0 ? s->k : s->k + (1.0 - s->k) * pow(t, 1.0 / s->e);
    return s->pmin + (s->pmax - s->pmin) * (1.0 - f);
}

/* The offer at the current time (the worst ranked outcome worth at least
 * the target) into s->cache_o / cache_u. */
static void td_now(td_state *s, ng_agent *g)
{
    double t = g->s->t;
    if (!s->cached || t != s->cache_t) {
        s->cache_t = t;
        ng_ranked_at_least(g, td_target(s, t), &s->cache_o, &s->cache_u);
        s->cached = true;
    }
}

static bool td_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    td_state *s = state;
    if (s->empty)
        return false;
    td_now(s, ng_of(c));
    *offer = s->cache_o;
    return true;
}

static parley_response td_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    ng_agent *g = ng_of(c);
    td_state *s = state;
    if (s->empty)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    td_now(s, g);
    return ng_ok(g, o) && ng_u(g, o) >= s->cache_u ? PARLEY_RESPONSE_ACCEPT
                                                    : PARLEY_RESPONSE_REJECT;
}

static void *td_create(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    return td_create_e(c, p, 1.0, eb, el);
}

static const parley_strategy st_time_dependent_at_least = {
    PARLEY_AGENT_ABI, "time-dependent-at-least", td_create, td_propose, td_respond, NULL, st_free};

/* ------------------------------------------------------------ naive tit-for-tat */

/* NegMAS 0.15's NaiveTitForTatNegotiator as its code runs it (see the
 * file comment and docs/negotiation.md).  NegMAS step s = round - 1. */
/* Implicit sessions: how many of the first ranked utilities tit-for-tat
 * keeps (its steps 1 and 2 use positions 0 to 7). */
#define TFT_TOP 16

typedef struct tft_state {
    st_head h;
    double kindness;
    bool punish;
    double lo_r;   /* max(lowest utility, rv): eval_normalized's zero */
    double lo, hi; /* lowest and highest utility: the inverter's range */
    size_t gap;    /* next pair of the "smallest concession" (steps 1, 2) */
    bool empty;    /* nothing in its ranked list */
    size_t ntop;   /* implicit: the first ranked utilities */
    double top[TFT_TOP];
} tft_state;

static void *tft_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    ng_agent *g = ng_of(c);
    static const char *const keys[] = {"kindness", "punish"};
    double v[2] = {0.0, 0.0};
    if (!unit_params(params, keys, 2, v, eb, el))
        return NULL;
    tft_state *s = st_new(c, sizeof *s, eb, el);
    if (!s)
        return NULL;
    double lo = 1.0, hi = 0.0;
    if (g->ix) {
        double x;
        if (ng_index_value_all(g->ix, false, &x) && x < lo)
            lo = x;
        if (ng_index_value_all(g->ix, true, &x) && x > hi)
            hi = x;
        /* the head of its ranked list, one successor at a time */
        double u;
        if (ng_index_query(g->ix, true, false, c->reservation, false, INFINITY, false, g->xv,
                           &u)) {
            s->top[s->ntop++] = u;
            while (s->ntop < TFT_TOP &&
                   ng_index_next(g->ix, g->xv, u, c->reservation, g->xv, &u))
                s->top[s->ntop++] = u;
        }
        s->empty = s->ntop == 0;
    } else {
        for (uint64_t o = 0; o < g->s->n; o++) {
            lo = g->u[o] < lo ? g->u[o] : lo;
            hi = g->u[o] > hi ? g->u[o] : hi;
        }
        s->empty = g->nrank == 0;
    }
    s->lo = lo;
    s->hi = hi;
    s->lo_r = lo > c->reservation ? lo : c->reservation;
    s->kindness = v[0];
    s->punish = v[1] > 0.0;
    return s;
}

/* BaseUtilityFunction.eval_normalized(o, above_reserve=True). */
static double tft_norm(const tft_state *s, double u)
{
    if (s->hi < s->lo_r || s->hi - s->lo_r < 1e-5)
        return s->hi >= s->lo_r ? 1.0 : 0.0;
    return (u - s->lo_r) * (1.0 / (s->hi - s->lo_r));
}

/* Ranked utility r (r below the list's length). */
static double tft_ranku(const tft_state *s, const ng_agent *g, size_t r)
{
    if (!g->ix)
        return g->ranku[r];
    return s->top[r < s->ntop ? r : s->ntop - 1];
}

/* KindConcessionRecommender with TFT's checks: the concession in [0, 1]
 * answering an offer worth u to self (have: there is one). */
static double tft_concession(tft_state *s, const ng_agent *g, bool have, double u)
{
    unsigned long step = g->s->round - 1;
    double pc = have ? tft_norm(s, u) : 0.0; /* 1 - (1 - own normalised) */
    double c = pc < 0.0 && !s->punish ? 0.0 : pc;
    if (step == 0)
        c = 0.0;
    else if (step > 2)
        c += s->kindness;
    else { /* must_concede: the gap between the next two of its list */
        size_t n = g->ix ? s->ntop : g->nrank;
        size_t a = s->gap < n ? s->gap : n - 1;
        size_t b = a + 1 < n ? a + 1 : a;
        s->gap += 2;
        double d = s->hi - s->lo;
        c = d > 0.0 ? (tft_ranku(s, g, a) - tft_ranku(s, g, b) + 1e-12) / d : 0.0;
    }
    if (!isfinite(c) || !(c >= -1e-6 && c <= 1.0000001))
        c = 0.0;
    return c;
}

/* The offer: the worst outcome of its ranked list whose utility,
 * normalised over the whole range, is at least 1 - c (up to 1e-12). */
static bool tft_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    ng_agent *g = ng_of(c);
    tft_state *s = state;
    if (s->empty)
        return false;
    size_t n = g->s->hn;
    bool have = n > 0 && g->s->hist[n - 1].seat != c->seat;
    double u = have ? ng_u(g, g->s->hist[n - 1].o) : 0.0;
    double level = 1.0 - tft_concession(s, g, have, u);
    double d = s->hi - s->lo;
    double floor = d < 1e-12 ? s->lo : level * d + s->lo;
    double uo;
    ng_ranked_at_least(g, floor - 1e-12, offer, &uo);
    return true;
}

/* Accept when the offer's own normalised utility reaches 1 - c. */
static parley_response tft_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    const ng_agent *g = ng_of(c);
    tft_state *s = state;
    if (s->empty)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    double u = ng_u(g, o);
    double level = 1.0 - tft_concession(s, g, true, u);
    return ng_ok(g, o) && tft_norm(s, u) >= level ? PARLEY_RESPONSE_ACCEPT
                                                  : PARLEY_RESPONSE_REJECT;
}

static const parley_strategy st_tft = {PARLEY_AGENT_ABI, "tit-for-tat", tft_create, tft_propose,
                                       tft_respond, NULL, st_free};
static const parley_strategy st_naive_tft = {PARLEY_AGENT_ABI, "naive-tit-for-tat", tft_create,
                                             tft_propose, tft_respond, NULL, st_free};

/* ------------------------------------------------------------ frequency model */

/* HardHeadedFrequencyModel (GENIUS BOA), learning coefficient 0.2.  The
 * model lives in one block: w[issues], cnt[sum of values], off[issues],
 * last[issues], maxc[issues]. */
typedef struct fm_model {
    size_t n;
    double *w, *cnt, *maxc;
    size_t *off;
    uint32_t *last, *tmp;
    bool have_last;
} fm_model;

static size_t fm_bytes(const ng_agent *g)
{
    size_t tot = 0;
    for (size_t i = 0; i < g->s->nissues; i++)
        tot += g->s->values[i];
    size_t m = g->s->nissues;
    return m * sizeof(double) * 2 + tot * sizeof(double) + m * sizeof(size_t) +
           m * sizeof(uint32_t) * 2;
}

/* Lay the model out in mem (fm_bytes(g) bytes, zeroed, double-aligned). */
static void fm_init(fm_model *f, const ng_agent *g, char *mem)
{
    size_t m = g->s->nissues, tot = 0;
    for (size_t i = 0; i < m; i++)
        tot += g->s->values[i];
    f->n = m;
    f->w = (double *)(void *)mem;
    f->maxc = f->w + m;
    f->cnt = f->maxc + m;
    f->off = (size_t *)(void *)(f->cnt + tot);
    f->last = (uint32_t *)(void *)(f->off + m);
    f->tmp = f->last + m;
    size_t o = 0;
    for (size_t i = 0; i < m; i++) {
        f->w[i] = 1.0 / (double)m;
        f->off[i] = o;
        for (uint32_t k = 0; k < g->s->values[i]; k++)
            f->cnt[o + k] = 1.0;
        f->maxc[i] = 1.0;
        o += g->s->values[i];
    }
}

static void fm_update(fm_model *f, const parley_agent_ctx *c, uint64_t o)
{
    c->decode(c, o, f->tmp);
    size_t n = f->n;
    if (f->have_last) {
        double golden = 0.2 / (double)n;
        size_t same = 0;
        for (size_t i = 0; i < n; i++)
            same += f->tmp[i] == f->last[i];
        double total = 1.0 + golden * (double)same;
        double wmax = 1.0 - (double)n * golden / total;
        for (size_t i = 0; i < n; i++) {
            if (f->tmp[i] == f->last[i] && f->w[i] < wmax)
                f->w[i] = (f->w[i] + golden) / total;
            else
                f->w[i] = f->w[i] / total;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double *x = &f->cnt[f->off[i] + f->tmp[i]];
        *x += 1.0;
        if (*x > f->maxc[i])
            f->maxc[i] = *x;
        f->last[i] = f->tmp[i];
    }
    f->have_last = true;
}

static double fm_estimate(fm_model *f, const parley_agent_ctx *c, uint64_t o)
{
    c->decode(c, o, f->tmp);
    double s = 0.0;
    for (size_t i = 0; i < f->n; i++)
        s += f->w[i] * (f->cnt[f->off[i] + f->tmp[i]] / f->maxc[i]);
    return s;
}

/* ------------------------------------------------------------ frequency-nash */

/* The bidder's window: outcomes worth between the target and the target
 * plus this much to itself. */
#define FN_WINDOW 0.1

typedef struct fn_state {
    st_head h;
    td_state td;     /* the Boulware target */
    size_t nmodels;  /* one per seat (own seat unused) */
    fm_model *m;
    uint64_t planned;
    double planned_t;
    bool have_planned;
} fn_state;

static void *fn_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    const ng_agent *g = ng_of(c);
    static const char *const keys[] = {"e"};
    double v[1] = {0.2};
    if (!ng_params(params, keys, 1, v, eb, el))
        return NULL;
    if (!check_range("e", v[0], 0.0, 1e6, eb, el))
        return NULL;
    size_t seats = c->seats, fb = fm_bytes(g);
    size_t size = sizeof(fn_state) + seats * sizeof(fm_model) + seats * fb + 16;
    fn_state *s = st_new(c, size, eb, el);
    if (!s)
        return NULL;
    s->td.e = v[0];
    s->td.pmax = g->nrank ? g->ranku[0] : 1.0;
    s->td.pmin = g->nrank ? g->ranku[g->nrank - 1] : 0.0;
    s->nmodels = seats;
    s->m = (fm_model *)(void *)(s + 1);
    char *mem = (char *)(s->m + seats);
    mem += (16 - ((uintptr_t)mem & 15)) & 15;
    for (size_t k = 0; k < seats; k++)
        fm_init(&s->m[k], g, mem + k * fb);
    return s;
}

static void fn_observe(void *state, const parley_agent_ctx *c, const parley_observation *ev)
{
    fn_state *s = state;
    if ((ev->kind == PARLEY_EVENT_OFFER) && ev->seat != c->seat && ev->seat < s->nmodels)
        fm_update(&s->m[ev->seat], c, ev->outcome);
}

static uint64_t fn_plan(fn_state *s, const parley_agent_ctx *c)
{
    const ng_agent *g = ng_of(c);
    if (s->have_planned && s->planned_t == g->s->t)
        return s->planned;
    double target = td_target(&s->td, g->s->t);
    size_t top = rank_for(g, target);
    size_t from = ng_at_least(g, target + FN_WINDOW); /* first below the window */
    if (from > top)
        from = top;
    double best = -1.0;
    uint64_t pick = g->rank[top];
    for (size_t r = from; r <= top; r++) {
        uint64_t o = g->rank[r];
        double p = g->ranku[r] - c->reservation;
        for (size_t k = 0; k < s->nmodels; k++)
            if (k != c->seat)
                p *= fm_estimate(&s->m[k], c, o);
        if (p > best) {
            best = p;
            pick = o;
        }
    }
    s->planned = pick;
    s->planned_t = g->s->t;
    s->have_planned = true;
    return pick;
}

static bool fn_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    if (!ng_of(c)->nrank)
        return false;
    *offer = fn_plan(state, c);
    ((fn_state *)state)->have_planned = false; /* the model changes */
    return true;
}

static parley_response fn_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    const ng_agent *g = ng_of(c);
    if (!g->nrank)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    double mine = g->ranku[rank_for(g, td_target(&((fn_state *)state)->td, g->s->t))];
    return g->ok[o] && g->u[o] >= mine ? PARLEY_RESPONSE_ACCEPT : PARLEY_RESPONSE_REJECT;
}

static const parley_strategy st_fn = {PARLEY_AGENT_ABI, "frequency-nash", fn_create, fn_propose,
                                      fn_respond, fn_observe, st_free};

/* ------------------------------------------------------------ random */

typedef struct rnd_state {
    st_head h;
    double p_accept, p_end;
    bool empty;    /* implicit: nothing acceptable */
    uint64_t best; /* implicit: the fallback offer */
} rnd_state;

/* Implicit sessions: draws until an acceptable outcome comes up, at most
 * this many a turn, then the best outcome. */
#define RND_TRIES 1000

static void *rnd_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    static const char *const keys[] = {"accept", "end"};
    double v[2] = {0.15, 0.0};
    if (!unit_params(params, keys, 2, v, eb, el))
        return NULL;
    rnd_state *s = st_new(c, sizeof *s, eb, el);
    if (!s)
        return NULL;
    s->p_accept = v[0];
    s->p_end = v[1];
    ng_agent *g = ng_of(c);
    if (g->ix) {
        double u;
        s->empty = !ng_ranked_best(g, &s->best, &u);
        if (!s->empty && s->best == UINT64_MAX) { /* the pool is full */
            st_free(s);
            snprintf(eb, el, PARLEY_AGENT_NOMEM);
            return NULL;
        }
    }
    return s;
}

/* Implicit: a uniform draw from the outcome space (one draw below the
 * outcome count, or one per issue past 2^64), until acceptable. */
static uint64_t rnd_draw(const rnd_state *s, ng_agent *g)
{
    parley_session *ss = g->s;
    for (int k = 0; k < RND_TRIES; k++) {
        if (!ss->big) {
            uint64_t o = ng_below(&g->rng, ss->n);
            if (ng_ok(g, o))
                return o;
            continue;
        }
        for (size_t i = 0; i < ss->nissues; i++)
            g->xv[i] = (uint32_t)ng_below(&g->rng, ss->values[i]);
        double u = parley_utility(ss->sc, g->party, g->xv);
        if (u >= g->ctx.reservation &&
            (!parley_redline_count(ss->sc, g->party) ||
             parley_redlines_hold(ss->sc, g->party, g->xv))) {
            uint64_t o = ng_encode(ss, g->xv);
            if (o == UINT64_MAX)
                snprintf(ss->errbuf, sizeof ss->errbuf, PARLEY_AGENT_NOMEM);
            return o;
        }
    }
    return s->best;
}

static bool rnd_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    ng_agent *g = ng_of(c);
    const rnd_state *s = state;
    if (g->ix) {
        if (s->empty)
            return false;
        *offer = rnd_draw(s, g);
        return true;
    }
    if (!g->nrank)
        return false;
    *offer = g->rank[ng_below(&g->rng, g->nrank)];
    return true;
}

static parley_response rnd_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    ng_agent *g = ng_of(c);
    const rnd_state *s = state;
    if (g->ix ? s->empty : !g->nrank)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    double x = ng_unit(&g->rng);
    if (ng_ok(g, o) && x < s->p_accept)
        return PARLEY_RESPONSE_ACCEPT;
    if (!c->mediated && ng_unit(&g->rng) < s->p_end)
        return PARLEY_RESPONSE_END;
    return PARLEY_RESPONSE_REJECT;
}

static const parley_strategy st_random = {PARLEY_AGENT_ABI, "random", rnd_create, rnd_propose,
                                          rnd_respond, NULL, st_free};

/* ------------------------------------------------------------ MiCRO */

/* A set of outcome ids (implicit sessions): open addressing, id + 1 in a
 * slot (0: empty), at most half full. */
typedef struct id_set {
    uint64_t *slot;
    size_t nslot, n;
} id_set;

static uint64_t id_hash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    return x;
}

static bool id_set_has(const id_set *z, uint64_t id)
{
    if (!z->nslot)
        return false;
    for (size_t j = (size_t)(id_hash(id) & (z->nslot - 1));; j = (j + 1) & (z->nslot - 1)) {
        if (!z->slot[j])
            return false;
        if (z->slot[j] == id + 1)
            return true;
    }
}

/* Add id (absent); false when out of memory. */
static bool id_set_add(const parley_allocator *a, id_set *z, uint64_t id)
{
    if (2 * (z->n + 1) > z->nslot) {
        size_t ns = z->nslot ? 2 * z->nslot : 64;
        uint64_t *sl = parleyx_calloc(a, ns, sizeof(uint64_t));
        if (!sl)
            return false;
        for (size_t k = 0; k < z->nslot; k++)
            if (z->slot[k]) {
                size_t j = (size_t)(id_hash(z->slot[k] - 1) & (ns - 1));
                while (sl[j])
                    j = (j + 1) & (ns - 1);
                sl[j] = z->slot[k];
            }
        parleyx_free(a, z->slot, z->nslot * sizeof(uint64_t));
        z->slot = sl;
        z->nslot = ns;
    }
    size_t j = (size_t)(id_hash(id) & (z->nslot - 1));
    while (z->slot[j])
        j = (j + 1) & (z->nslot - 1);
    z->slot[j] = id + 1;
    z->n++;
    return true;
}

/* Enumerated sessions: bitsets over ids and a list sized for the ranked
 * list.  Implicit ones: id sets, a growing list, and the walk down the
 * ranked list one successor at a time (nextv at position `next`, of
 * utility nextu; prevu the utility at next - 1). */
typedef struct micro_state {
    st_head h;
    uint8_t *sent, *recv; /* bitsets over outcome ids */
    uint64_t *list;       /* distinct outcomes sent, in order */
    size_t nsent, nrecv, next;
    /* implicit */
    bool implicit, have_next, empty, nomem;
    id_set isent, irecv;
    size_t lcap;
    uint32_t *nextv;
    double nextu, prevu;
} micro_state;

static void *micro_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    ng_agent *g = ng_of(c);
    if (!ng_params(params, NULL, 0, NULL, eb, el))
        return NULL;
    if (g->ix) {
        size_t m = g->s->nissues ? g->s->nissues : 1;
        micro_state *s = st_new(c, sizeof(micro_state) + m * sizeof(uint32_t), eb, el);
        if (!s)
            return NULL;
        s->implicit = true;
        s->nextv = (uint32_t *)(void *)(s + 1);
        s->have_next = ng_index_query(g->ix, true, false, c->reservation, false, INFINITY, false,
                                      s->nextv, &s->nextu);
        s->empty = !s->have_next;
        return s;
    }
    size_t bits = (size_t)(g->s->n + 7) / 8;
    size_t size = sizeof(micro_state) + (g->nrank + 1) * sizeof(uint64_t) + 2 * bits;
    micro_state *s = st_new(c, size, eb, el);
    if (!s)
        return NULL;
    s->list = (uint64_t *)(void *)(s + 1);
    s->sent = (uint8_t *)(s->list + g->nrank + 1);
    s->recv = s->sent + bits;
    return s;
}

static void micro_free(void *state)
{
    micro_state *s = state;
    if (s && s->implicit) {
        const parley_allocator *a = s->h.a;
        parleyx_free(a, s->isent.slot, s->isent.nslot * sizeof(uint64_t));
        parleyx_free(a, s->irecv.slot, s->irecv.nslot * sizeof(uint64_t));
        parleyx_free(a, s->list, s->lcap * sizeof(uint64_t));
    }
    st_free(state);
}

static bool bit_get(const uint8_t *b, uint64_t i)
{
    return (b[i >> 3] >> (i & 7)) & 1;
}
static void bit_set(uint8_t *b, uint64_t i)
{
    b[i >> 3] = (uint8_t)(b[i >> 3] | (1u << (i & 7)));
}

static bool micro_has(const micro_state *s, bool recv, uint64_t o)
{
    if (s->implicit)
        return id_set_has(recv ? &s->irecv : &s->isent, o);
    return bit_get(recv ? s->recv : s->sent, o);
}

/* Mark o sent (or received); false when out of memory. */
static bool micro_mark(micro_state *s, bool recv, uint64_t o)
{
    if (s->implicit)
        return id_set_add(s->h.a, recv ? &s->irecv : &s->isent, o);
    bit_set(recv ? s->recv : s->sent, o);
    return true;
}

static void micro_observe(void *state, const parley_agent_ctx *c, const parley_observation *ev)
{
    micro_state *s = state;
    if (ev->kind == PARLEY_EVENT_OFFER && ev->seat != c->seat && !micro_has(s, true, ev->outcome)) {
        if (!micro_mark(s, true, ev->outcome)) { /* the session fails at the end of the run */
            s->nomem = true;
            snprintf(ng_of(c)->s->errbuf, sizeof ng_of(c)->s->errbuf, PARLEY_AGENT_NOMEM);
        }
        s->nrecv++;
    }
}

/* Whether the ranked list has an outcome at position next. */
static bool micro_more(const micro_state *s, const ng_agent *g)
{
    return s->implicit ? s->have_next : s->next < g->nrank;
}

/* The outcome at position next, and the walk one step on. */
static uint64_t micro_take(micro_state *s, ng_agent *g)
{
    if (!s->implicit)
        return g->rank[s->next++];
    memcpy(g->xv, s->nextv, g->s->nissues * sizeof *g->xv);
    uint64_t o = ng_encode(g->s, g->xv);
    s->next++;
    s->prevu = s->nextu;
    s->have_next = ng_index_next(g->ix, s->nextv, s->nextu, g->ctx.reservation, s->nextv,
                                 &s->nextu);
    return o;
}

static bool micro_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    micro_state *s = state;
    ng_agent *g = ng_of(c);
    if (s->nomem) {
        *offer = UINT64_MAX; /* the session reports the failure */
        snprintf(g->s->errbuf, sizeof g->s->errbuf, PARLEY_AGENT_NOMEM);
        return true;
    }
    if (s->nsent <= s->nrecv && micro_more(s, g)) {
        uint64_t o = micro_take(s, g);
        if (o != UINT64_MAX && !micro_has(s, false, o)) {
            if (s->implicit && s->nsent == s->lcap) {
                uint64_t *l = parleyx_grow(s->h.a, s->list, sizeof *l, &s->lcap, s->nsent + 1, 64);
                if (!l)
                    o = UINT64_MAX;
                else
                    s->list = l;
            }
            if (o != UINT64_MAX && micro_mark(s, false, o))
                s->list[s->nsent++] = o;
            else
                o = UINT64_MAX;
        }
        if (o == UINT64_MAX)
            snprintf(g->s->errbuf, sizeof g->s->errbuf, PARLEY_AGENT_NOMEM);
        *offer = o;
        return true;
    }
    if (!s->nsent)
        return false;
    *offer = s->list[ng_below(&g->rng, s->nsent)];
    return true;
}

static parley_response micro_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    const micro_state *s = state;
    const ng_agent *g = ng_of(c);
    if (s->implicit ? s->empty : !g->nrank)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    double mine;
    bool ready = s->nsent <= s->nrecv && micro_more(s, g);
    if (s->implicit)
        mine = ready || !s->next ? s->nextu : s->prevu;
    else
        mine = g->ranku[ready ? s->next : (s->next ? s->next - 1 : 0)];
    return ng_ok(g, o) && ng_u(g, o) >= mine ? PARLEY_RESPONSE_ACCEPT : PARLEY_RESPONSE_REJECT;
}

static const parley_strategy st_micro = {PARLEY_AGENT_ABI, "micro", micro_create, micro_propose,
                                         micro_respond, micro_observe, micro_free};

/* ------------------------------------------------------------ voters */

typedef struct vote_state {
    st_head h;
    double u_last;
} vote_state;

static void *vote_create(const parley_agent_ctx *c, const char *params, char *eb, size_t el)
{
    if (!ng_params(params, NULL, 0, NULL, eb, el))
        return NULL;
    if (!c->mediated) {
        snprintf(eb, el, "it votes on a mediator's texts: use it with --protocol mediated");
        return NULL;
    }
    return st_new(c, sizeof(vote_state), eb, el);
}

static bool vote_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    (void)state;
    (void)c;
    (void)offer;
    return false;
}

static void vote_observe(void *state, const parley_agent_ctx *c, const parley_observation *ev)
{
    vote_state *s = state;
    if (ev->kind == PARLEY_EVENT_TEXT_RESULT && ev->accepted)
        s->u_last = ng_u(ng_of(c), ev->outcome);
}

static parley_response hill_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    const vote_state *s = state;
    const ng_agent *g = ng_of(c);
    return ng_ok(g, o) && ng_u(g, o) >= s->u_last ? PARLEY_RESPONSE_ACCEPT
                                                   : PARLEY_RESPONSE_REJECT;
}

static parley_response anneal_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    const vote_state *s = state;
    ng_agent *g = ng_of(c);
    if (!ng_ok(g, o))
        return PARLEY_RESPONSE_REJECT;
    double u = ng_u(g, o);
    if (u >= s->u_last)
        return PARLEY_RESPONSE_ACCEPT;
    double temp = g->s->t;
    if (g->s->opt.rounds) {
        double rr = (double)g->s->round / (double)g->s->opt.rounds;
        if (rr > temp)
            temp = rr;
    }
    double x = ng_unit(&g->rng);
    if (temp > 0 && x < exp((u - s->u_last) / temp))
        return PARLEY_RESPONSE_ACCEPT;
    return PARLEY_RESPONSE_REJECT;
}

static const parley_strategy st_hill = {PARLEY_AGENT_ABI, "hillclimber", vote_create,
                                        vote_propose, hill_respond, vote_observe, st_free};
static const parley_strategy st_anneal = {PARLEY_AGENT_ABI, "annealer", vote_create,
                                          vote_propose, anneal_respond, vote_observe, st_free};

/* ------------------------------------------------------------ registry */

static const parley_strategy *const registry[] = {&ng_st_boulware,
                                                  &ng_st_linear,
                                                  &ng_st_conceder,
                                                  &ng_st_hardliner,
                                                  &ng_st_time_dependent,
                                                  &st_time_dependent_at_least,
                                                  &st_tft,
                                                  &st_naive_tft,
                                                  &ng_st_nice_tft,
                                                  &st_random,
                                                  &st_fn,
                                                  &st_micro,
                                                  &st_hill,
                                                  &st_anneal};

const parley_strategy *ng_find_strategy(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

bool ng_strategy_implicit_ok(const parley_strategy *st)
{
    static const parley_strategy *const ok[] = {
        &ng_st_boulware,  &ng_st_linear, &ng_st_conceder, &ng_st_hardliner, &ng_st_time_dependent,
        &st_time_dependent_at_least, &st_random, &st_hill, &st_anneal, &st_tft, &st_naive_tft,
        &st_micro};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (ok[i] == st)
            return true;
    return false;
}

const char *ng_strategy_names(void)
{
    return "boulware, linear, conceder, hardliner, time-dependent, time-dependent-at-least, "
           "tit-for-tat, naive-tit-for-tat, nice-tit-for-tat, random, frequency-nash, micro, "
           "hillclimber, annealer";
}
