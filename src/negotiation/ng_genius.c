/*
 * ng_genius.c -- GENIUS's sorted outcome space and the strategies that
 * bid through it exactly as GENIUS 10.4 does (the time-dependent family of
 * agents/TimeDependentAgent.java).
 *
 * The GENIUS order (genius.core.boaframework.SortedOutcomeSpace).  GENIUS
 * enumerates the outcomes with BidIterator (issue 0 fastest), wraps each in
 * a BidDetails(bid, u, time = -1) and sorts them with Java's stable sort
 * under BidDetailsSorterUtility: utility descending, then
 * BidDetails.hashCode() ascending (a signed 32-bit int), then enumeration
 * order.  The hash is
 *     h = 31 * (31 * (31 + bidhash) + bits(u)) + bits(-1.0)
 * in 32-bit wrap-around arithmetic, bits(x) = (int)(b ^ (b >>> 32)) of the
 * IEEE bits b of x, and bidhash the sum of the values' hashCode():
 * String.hashCode() of a discrete value's label (over its UTF-16 code
 * units), 0 for an integer value.  (A real value has no hashCode of its
 * own in GENIUS: Object's, which changes from run to run; parley uses the
 * label's hash there, so no run of GENIUS is reproduced on real issues.)
 *
 * The order is built once per negotiator, on first use, and kept in its
 * ng_agent (gorder, gorderu: ngorder entries, freed with the session).
 * Outcomes that break one of the negotiator's own red lines are left out
 * (GENIUS has no red lines); its reservation value does not filter, as in
 * GENIUS.
 *
 * getBidNearUtility is reproduced to the letter (ng_genius_near), binary
 * search and all: among equal utilities it is the search path that picks
 * the outcome, and a closer outcome above the one found is never taken.
 */
#include "negotiation/ng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ Java hashes */

/* Java's String.hashCode() of a UTF-8 text: s[0]*31^(n-1) + ... over the
 * UTF-16 code units, in 32-bit wrap-around arithmetic.  A malformed byte
 * counts as the code unit U+FFFD, as Java's decoder makes it. */
uint32_t ng_java_string_hash(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    uint32_t h = 0;
    while (*p) {
        uint32_t cp = 0xFFFD;
        size_t len = 1;
        if (p[0] < 0x80) {
            cp = p[0];
        } else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            len = 2;
        } else if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            len = 3;
        } else if ((p[0] & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80) {
            cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                 ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
            len = 4;
        }
        if (cp >= 0x10000) { /* a surrogate pair */
            cp -= 0x10000;
            h = h * 31u + (0xD800u + (cp >> 10));
            h = h * 31u + (0xDC00u + (cp & 0x3FF));
        } else {
            h = h * 31u + cp;
        }
        p += len;
    }
    return h;
}

/* (int)(b ^ (b >>> 32)) of a double's bits, as Double.hashCode(). */
static uint32_t java_double_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return (uint32_t)(b ^ (b >> 32));
}

uint32_t ng_java_biddetails_hash(uint32_t bidhash, double u)
{
    uint32_t h = 31u + bidhash;
    h = 31u * h + java_double_bits(u);
    return 31u * h + java_double_bits(-1.0);
}

/* ------------------------------------------------------------ the order */

typedef struct gs_item {
    uint64_t ukey; /* utility, descending, as an ascending key */
    uint32_t hkey; /* hashCode, signed order, as an ascending key */
    uint32_t id;
} gs_item;

static uint64_t gs_ukey(const void *p)
{
    return ((const gs_item *)p)->ukey;
}

static uint64_t gs_hkey(const void *p)
{
    return ((const gs_item *)p)->hkey;
}

/* The value hashes of every issue, laid out like the outcome (off[i] +
 * k); NULL when out of memory.  *total gets the entry count. */
static uint32_t *value_hashes(const parley_session *s, size_t *total)
{
    size_t tot = 0;
    for (size_t i = 0; i < s->nissues; i++)
        tot += s->values[i];
    uint32_t *vh = parleyx_calloc(s->a, tot ? tot : 1, sizeof(uint32_t));
    if (!vh)
        return NULL;
    char buf[4096];
    size_t o = 0;
    for (size_t i = 0; i < s->nissues; i++) {
        bool integer = parley_issue_kind_of(s->sc, i) == PARLEY_ISSUE_INTEGER;
        for (uint32_t k = 0; k < s->values[i]; k++)
            vh[o + k] = integer ? 0u
                                : ng_java_string_hash(
                                      parley_issue_value_label(s->sc, i, k, buf, sizeof buf));
        o += s->values[i];
    }
    *total = tot;
    return vh;
}

/* Fill items, in enumeration order (BidIterator: issue 0 fastest), with
 * the outcomes that keep g's red lines; returns how many. */
static size_t gs_fill(ng_agent *g, gs_item *items, const uint32_t *vh)
{
    parley_session *s = g->s;
    bool lines = parley_redline_count(s->sc, g->party) > 0;
    uint32_t *v = s->tmp_outcome;
    memset(v, 0, s->nissues * sizeof *v);
    size_t m = 0;
    for (uint64_t pos = 0; pos < s->n; pos++) {
        uint64_t id = 0;
        uint32_t bidhash = 0;
        size_t off = 0;
        for (size_t i = 0; i < s->nissues; i++) {
            id += v[i] * s->stride[i];
            bidhash += vh[off + v[i]];
            off += s->values[i];
        }
        if (!lines || parley_redlines_hold(s->sc, g->party, v)) {
            double u = g->u[id];
            items[m].ukey = ~ng_order_key(u);
            items[m].hkey = ng_java_biddetails_hash(bidhash, u) ^ 0x80000000u;
            items[m].id = (uint32_t)id;
            m++;
        }
        for (size_t i = 0; i < s->nissues; i++) { /* odometer, issue 0 fastest */
            if (++v[i] < s->values[i])
                break;
            v[i] = 0;
        }
    }
    return m;
}

bool ng_genius_order(ng_agent *g)
{
    if (g->gorder)
        return true;
    parley_session *s = g->s;
    size_t n = (size_t)s->n, tot = 0;
    uint32_t *vh = value_hashes(s, &tot);
    gs_item *items = parleyx_calloc(s->a, 2 * n, sizeof(gs_item));
    if (!vh || !items) {
        parleyx_free(s->a, vh, (tot ? tot : 1) * sizeof(uint32_t));
        parleyx_free(s->a, items, 2 * n * sizeof(gs_item));
        return false;
    }
    size_t m = gs_fill(g, items, vh);
    parleyx_free(s->a, vh, (tot ? tot : 1) * sizeof(uint32_t));
    /* stable LSD passes: hash (4 x 8 bits), then utility (6 x 11 bits);
     * both even, so the result is back in items, enumeration order
     * breaking the remaining ties */
    size_t count[2048];
    parleyx_radix_sort(items, items + n, m, sizeof *items, gs_hkey, 8, 4, count);
    parleyx_radix_sort(items, items + n, m, sizeof *items, gs_ukey, 11, 6, count);
    g->gorder = parleyx_calloc(s->a, m ? m : 1, sizeof(uint32_t));
    g->gorderu = parleyx_calloc(s->a, m ? m : 1, sizeof(double));
    if (!g->gorder || !g->gorderu) {
        parleyx_free(s->a, g->gorder, (m ? m : 1) * sizeof(uint32_t));
        parleyx_free(s->a, g->gorderu, (m ? m : 1) * sizeof(double));
        g->gorder = NULL;
        g->gorderu = NULL;
        parleyx_free(s->a, items, 2 * n * sizeof(gs_item));
        return false;
    }
    for (size_t r = 0; r < m; r++) {
        g->gorder[r] = items[r].id;
        g->gorderu[r] = g->u[items[r].id];
    }
    g->ngorder = m;
    parleyx_free(s->a, items, 2 * n * sizeof(gs_item));
    return true;
}

/* SortedOutcomeSpace.searchIndexWith: a binary search over utilities
 * sorted descending that stops when the middle repeats. */
static size_t gs_search(const double *u, size_t n, double value)
{
    long middle = -1, low = 0, high = (long)n - 1, last = 0;
    while (last != middle) {
        last = middle;
        middle = (low + high) / 2;
        if (u[middle] == value)
            return (size_t)middle;
        if (u[middle] < value)
            high = middle;
        if (u[middle] > value)
            low = middle;
    }
    return (size_t)middle;
}

size_t ng_genius_near(const double *u, size_t n, double utility)
{
    size_t index = gs_search(u, n, utility), pick;
    double closest = fabs(u[index] - utility);
    /* GENIUS looks one up, then one down; the "down" test's else branch
     * drops whatever the "up" test found. */
    if (index > 0 && fabs(u[index - 1] - utility) < closest)
        closest = fabs(u[index - 1] - utility);
    if (index + 1 < n && fabs(u[index + 1] - utility) < closest)
        pick = index + 1;
    else
        pick = index;
    return pick;
}

/* ------------------------------------------------------------ time-dependent */

typedef struct gtd_state {
    const parley_allocator *a;
    double e, k, pmin, pmax;
    double cache_t;
    uint64_t cache_o; /* the bid at cache_t and its utility */
    double cache_u;
    bool cached;
    bool empty; /* every outcome breaks one of its red lines */
    bool lines; /* the negotiator has red lines of its own */
} gtd_state;

static void *gtd_create_e(const parley_agent_ctx *c, const char *params, double e0, char *eb,
                          size_t el)
{
    ng_agent *g = ng_of(c);
    static const char *const keys[] = {"e", "k", "min", "max"};
    double v[4] = {e0, 0.0, NAN, NAN};
    if (!ng_params(params, keys, 4, v, eb, el))
        return NULL;
    if (!(v[0] >= 0.0 && v[0] <= 1e6)) {
        snprintf(eb, el, "e must be between 0 and 1e+06");
        return NULL;
    }
    if (!(v[1] >= 0.0 && v[1] <= 1.0)) {
        snprintf(eb, el, "k must be between 0 and 1");
        return NULL;
    }
    if (!g->ix && !ng_genius_order(g)) {
        snprintf(eb, el, PARLEY_AGENT_NOMEM);
        return NULL;
    }
    gtd_state *s = parleyx_calloc(g->s->a, 1, sizeof *s);
    if (!s) {
        snprintf(eb, el, PARLEY_AGENT_NOMEM);
        return NULL;
    }
    s->a = g->s->a;
    s->lines = parley_redline_count(g->s->sc, g->party) > 0;
    s->e = v[0];
    s->k = v[1];
    double hi = 0.0, lo = 0.0;
    if (g->ix) {
        s->empty = !ng_domain_range(g, &lo, &hi);
        if (s->empty)
            hi = lo = 0.0;
    } else {
        s->empty = g->ngorder == 0;
        hi = g->ngorder ? g->gorderu[0] : 0.0;
        lo = g->ngorder ? g->gorderu[g->ngorder - 1] : 0.0;
    }
    s->pmax = isnan(v[3]) ? hi : v[3];
    s->pmin = isnan(v[2]) ? (lo > c->reservation ? lo : c->reservation) : v[2];
    return s;
}

double ng_genius_target(double e, double k, double pmin, double pmax, double t)
{
    double f = e == 0.0 ? k : k + (1.0 - k) * pow(t, 1.0 / e);
    return pmin + (pmax - pmin) * (1.0 - f);
}

/* The bid at the current time, into s->cache_o / cache_u: on an
 * enumerated session the outcome GENIUS's getBidNearUtility picks in the
 * GENIUS order; on an implicit one the outcome of the same utility
 * (ng_index_near), the smallest id among equals. */
static void gtd_now(gtd_state *s, ng_agent *g)
{
    double t = g->s->t;
    if (!s->cached || t != s->cache_t) {
        s->cache_t = t;
        double x = ng_genius_target(s->e, s->k, s->pmin, s->pmax, t);
        if (g->ix) {
            ng_domain_near(g, x, &s->cache_o, &s->cache_u);
        } else {
            size_t r = ng_genius_near(g->gorderu, g->ngorder, x);
            s->cache_o = g->gorder[r];
            s->cache_u = g->gorderu[r];
        }
        s->cached = true;
    }
}

static bool gtd_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    gtd_state *s = state;
    if (s->empty)
        return false;
    gtd_now(s, ng_of(c));
    *offer = s->cache_o;
    return true;
}

/* GENIUS's isAcceptable: the offer is worth at least the bid it would
 * make now, both undiscounted; no reservation check. */
static parley_response gtd_respond(void *state, const parley_agent_ctx *c, uint64_t o)
{
    ng_agent *g = ng_of(c);
    gtd_state *s = state;
    if (s->empty)
        return c->mediated ? PARLEY_RESPONSE_REJECT : PARLEY_RESPONSE_END;
    if (s->lines) {
        c->decode(c, o, g->s->tmp_outcome);
        if (!parley_redlines_hold(g->s->sc, g->party, g->s->tmp_outcome))
            return PARLEY_RESPONSE_REJECT;
    }
    gtd_now(s, g);
    return ng_u(g, o) >= s->cache_u ? PARLEY_RESPONSE_ACCEPT : PARLEY_RESPONSE_REJECT;
}

static void gtd_free(void *state)
{
    if (state) {
        gtd_state *s = state;
        parleyx_free(s->a, s, sizeof *s);
    }
}

static void *gtd_create(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    return gtd_create_e(c, p, 1.0, eb, el);
}
static void *gtd_boulware(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    return gtd_create_e(c, p, 0.2, eb, el);
}
static void *gtd_conceder(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    return gtd_create_e(c, p, 2.0, eb, el);
}
static void *gtd_hardliner(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    return gtd_create_e(c, p, 0.0, eb, el);
}

const parley_strategy ng_st_time_dependent = {
    PARLEY_AGENT_ABI, "time-dependent", gtd_create, gtd_propose, gtd_respond, NULL, gtd_free};
const parley_strategy ng_st_linear = {PARLEY_AGENT_ABI, "linear", gtd_create, gtd_propose,
                                      gtd_respond,      NULL,     gtd_free};
const parley_strategy ng_st_boulware = {PARLEY_AGENT_ABI, "boulware", gtd_boulware, gtd_propose,
                                        gtd_respond,      NULL,       gtd_free};
const parley_strategy ng_st_conceder = {PARLEY_AGENT_ABI, "conceder", gtd_conceder, gtd_propose,
                                        gtd_respond,      NULL,       gtd_free};
const parley_strategy ng_st_hardliner = {PARLEY_AGENT_ABI, "hardliner", gtd_hardliner, gtd_propose,
                                         gtd_respond,      NULL,        gtd_free};
