/*
 * ng_session.c -- the negotiation engine: sessions, the stacked
 * alternating offers protocol, the mediated single-text protocol, the
 * ratification step, traces and the quality measures.
 *
 * What it owns.  A parley_session (see ng.h for the layout): the
 * enumerated outcome space, one ng_agent per negotiator seat with its
 * sorted utilities, the offer history of the current run and the result
 * arrays.  The scenario is borrowed.
 *
 * Invariants kept by the protocols (tests/test_negotiation.c checks them):
 *  - SAO: a deal is recorded only after each of the other seats has
 *    answered ACCEPT to the same standing offer, consecutively; a
 *    counter-offer resets the count.  No turn is taken after round R.
 *  - Mediated: a text becomes standing only when every seat voted ACCEPT.
 *  - Ratification: a deal stands only if every ratifier accepts it.
 *  - Strategies see only their parley_agent_ctx (their own preferences,
 *    the issues, the time, the history of offers).
 *
 * Cost.  Session creation: n outcomes x (parties utility evaluations +
 * red-line checks) plus one radix sort per negotiator, O(n); an implicit
 * session (more than PARLEY_SESSION_MAX_OUTCOMES outcomes, ng.h) builds
 * only each negotiator's index (ng_index.c), O(values + terms).  A turn:
 * whatever its strategy costs (a binary search for time-dependent ones)
 * plus O(seats) observer calls.  Traces evaluate every party's utility of
 * each outcome mentioned (only when a trace callback is set).
 */
#include "negotiation/ng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ helpers */

uint64_t ng_below(uint64_t *x, uint64_t n)
{
    if (n <= 1)
        return 0;
    uint64_t lim = (uint64_t)0 - ((uint64_t)0 - n) % n; /* multiple of n */
    for (;;) {
        uint64_t r = parleyx_splitmix64(x);
        if (lim == 0 || r < lim)
            return r % n;
    }
}

uint64_t ng_seed(uint64_t master, uint64_t party)
{
    uint64_t x = master ^ (0xD1B54A32D192ED03ULL * (party + 1));
    return parleyx_splitmix64(&x);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void ng_decode(const parley_session *s, uint64_t id, uint32_t *v)
{
    if (s->big) {
        if (id < s->pool.n)
            memcpy(v, s->pool.vecs + id * (s->nissues ? s->nissues : 1),
                   s->nissues * sizeof *v);
        else
            memset(v, 0, s->nissues * sizeof *v);
        return;
    }
    for (size_t i = s->nissues; i-- > 0;) {
        v[i] = (uint32_t)(id % s->values[i]);
        id /= s->values[i];
    }
}

uint64_t ng_encode(parley_session *s, const uint32_t *v)
{
    if (s->big)
        return ng_pool_intern(s, v);
    uint64_t id = 0;
    for (size_t i = 0; i < s->nissues; i++)
        id += (uint64_t)v[i] * s->stride[i];
    return id;
}

static void decode(const parley_session *s, uint64_t id, uint32_t *v)
{
    ng_decode(s, id, v);
}

/* ------------------------------------------------------------ the view */

static double cx_utility(const parley_agent_ctx *c, uint64_t o)
{
    const ng_agent *g = ng_of(c);
    return ng_valid(g->s, o) ? ng_u(g, o) : 0.0;
}
static bool cx_acceptable(const parley_agent_ctx *c, uint64_t o)
{
    const ng_agent *g = ng_of(c);
    return ng_valid(g->s, o) && ng_ok(g, o);
}
static double cx_time(const parley_agent_ctx *c)
{
    return ng_of(c)->s->t;
}
static unsigned long cx_round(const parley_agent_ctx *c)
{
    return ng_of(c)->s->round;
}
static uint64_t cx_random(const parley_agent_ctx *c)
{
    return parleyx_splitmix64(&ng_of(c)->rng);
}
static size_t cx_ranked_count(const parley_agent_ctx *c)
{
    return ng_of(c)->nrank;
}
static uint64_t cx_ranked(const parley_agent_ctx *c, size_t r)
{
    const ng_agent *g = ng_of(c);
    return r < g->nrank ? g->rank[r] : 0;
}
static size_t cx_ranked_at_least(const parley_agent_ctx *c, double u)
{
    return ng_at_least(ng_of(c), u);
}
static size_t cx_history_count(const parley_agent_ctx *c)
{
    return ng_of(c)->s->hn;
}
static uint64_t cx_history_offer(const parley_agent_ctx *c, size_t i, size_t *seat)
{
    const parley_session *s = ng_of(c)->s;
    if (i >= s->hn)
        return 0;
    if (seat)
        *seat = s->hist[i].seat;
    return s->hist[i].o;
}
static void cx_decode(const parley_agent_ctx *c, uint64_t o, uint32_t *v)
{
    decode(ng_of(c)->s, o, v);
}
static uint64_t cx_encode(const parley_agent_ctx *c, const uint32_t *v)
{
    return ng_encode(ng_of(c)->s, v);
}
static const char *cx_issue_name(const parley_agent_ctx *c, size_t i)
{
    return parley_issue_name(ng_of(c)->s->sc, i);
}
static const char *cx_value_label(const parley_agent_ctx *c, size_t i, uint32_t k, char *buf,
                                  size_t n)
{
    return parley_issue_value_label(ng_of(c)->s->sc, i, k, buf, n);
}
static const char *cx_party_name(const parley_agent_ctx *c, size_t seat)
{
    const parley_session *s = ng_of(c)->s;
    return seat < s->seats ? parley_party_name(s->sc, s->agents[seat].party) : "";
}

/* ------------------------------------------------------------ setup */

/* PARLEY_SESSION_IMPLICIT=1 makes every session implicit (no enumeration),
 * so tests can compare both paths on small spaces. */
static bool ng_force_implicit(void)
{
    const char *e = getenv("PARLEY_SESSION_IMPLICIT");
    return e && strcmp(e, "1") == 0;
}

void parley_session_options_init(parley_session_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->protocol = PARLEY_PROTOCOL_SAO;
    opt->rounds = 100;
}

typedef struct rank_item {
    uint64_t key; /* descending utility as an ascending unsigned key */
    uint32_t id;
} rank_item;

static uint64_t item_key(const void *item)
{
    return ((const rank_item *)item)->key;
}

static void set_ctx(parley_session *s, ng_agent *g, double rv);

static parley_status prepare_agent(parley_session *s, ng_agent *g, rank_item *items,
                                   rank_item *tmp, parley_error *err)
{
    const parley_allocator *a = s->a;
    size_t n = (size_t)s->n;
    g->u = parleyx_calloc(a, n, sizeof(double));
    g->ok = parleyx_calloc(a, n, 1);
    if (!g->u || !g->ok)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double rv = parley_party_reservation(s->sc, g->party);
    bool lines = parley_redline_count(s->sc, g->party) > 0;
    uint32_t *v = s->tmp_outcome;
    memset(v, 0, s->nissues * sizeof *v);
    size_t m = 0;
    for (size_t id = 0; id < n; id++) {
        double u = parley_utility(s->sc, g->party, v);
        g->u[id] = u;
        bool ok = u >= rv && (!lines || parley_redlines_hold(s->sc, g->party, v));
        g->ok[id] = ok;
        if (ok) {
            items[m].key = ~ng_order_key(u); /* best first */
            items[m].id = (uint32_t)id;
            m++;
        }
        for (size_t i = s->nissues; i-- > 0;) { /* odometer, last issue fastest */
            if (++v[i] < s->values[i])
                break;
            v[i] = 0;
        }
    }
    /* the ranked list in O(m), ties left in id order: 11 bits a pass, an
     * even number of passes, so the sorted items are back in items */
    size_t count[2048];
    parleyx_radix_sort(items, tmp, m, sizeof *items, item_key, 11, 6, count);
    g->nrank = m;
    g->rank = parleyx_calloc(a, m ? m : 1, sizeof(uint32_t));
    g->ranku = parleyx_calloc(a, m ? m : 1, sizeof(double));
    if (!g->rank || !g->ranku)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < m; r++) {
        g->rank[r] = items[r].id;
        g->ranku[r] = g->u[items[r].id];
    }
    set_ctx(s, g, rv);
    return PARLEY_OK;
}

/* An agent of an implicit session: its index and scratch outcome only. */
static parley_status prepare_implicit(parley_session *s, ng_agent *g, parley_error *err)
{
    g->ix = ng_index_new(s, g->party);
    g->xv = parleyx_calloc(s->a, s->nissues ? s->nissues : 1, sizeof(uint32_t));
    if (!g->ix || !g->xv)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    set_ctx(s, g, parley_party_reservation(s->sc, g->party));
    return PARLEY_OK;
}

static void set_ctx(parley_session *s, ng_agent *g, double rv)
{
    parley_agent_ctx *c = &g->ctx;
    c->abi = PARLEY_AGENT_ABI;
    c->seats = s->seats;
    c->issues = s->nissues;
    c->values = s->values;
    c->outcomes = s->n;
    c->reservation = rv;
    c->discount = parley_party_discount(s->sc, g->party);
    c->max_rounds = s->opt.rounds;
    c->mediated = s->opt.protocol == PARLEY_PROTOCOL_MEDIATED;
    c->utility = cx_utility;
    c->acceptable = cx_acceptable;
    c->time = cx_time;
    c->round = cx_round;
    c->random = cx_random;
    c->ranked_count = cx_ranked_count;
    c->ranked = cx_ranked;
    c->ranked_at_least = cx_ranked_at_least;
    c->history_count = cx_history_count;
    c->history_offer = cx_history_offer;
    c->decode = cx_decode;
    c->encode = cx_encode;
    c->issue_name = cx_issue_name;
    c->value_label = cx_value_label;
    c->party_name = cx_party_name;
    c->engine = s;
}

static parley_status set_agent(parley_session *s, ng_agent *g, const parley_strategy *st,
                               const char *name, const char *params)
{
    char *p = parleyx_strdup(s->a, params ? params : "");
    char *nm = parleyx_strdup(s->a, name ? name : (st->name ? st->name : "custom"));
    if (!p || !nm) {
        parleyx_strfree(s->a, p);
        parleyx_strfree(s->a, nm);
        return PARLEY_ERR_NOMEM;
    }
    parleyx_strfree(s->a, g->params);
    parleyx_strfree(s->a, g->spec_name);
    g->params = p;
    g->spec_name = nm;
    g->strat = st;
    return PARLEY_OK;
}

/* The options and the scenario checked for a session: a deadline, enough
 * negotiators.  Fills the number of seats, the first mediator (SIZE_MAX:
 * none) and the outcome count (UINT64_MAX: 2^64 or more). */
static parley_status session_check(const parley_scenario *sc, const parley_session_options *o,
                                   size_t *seats_out, size_t *med_out, uint64_t *n_out,
                                   parley_error *err)
{
    if (o->rounds == 0 && !(o->time_limit > 0))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a session needs a deadline: a number of rounds (at least 1) or "
                            "a time limit in seconds");
    if (!(o->time_limit >= 0) || !isfinite(o->time_limit))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the time limit must be a finite number of seconds >= 0");
    size_t seats = 0, np = parley_party_count(sc), med = SIZE_MAX;
    for (size_t p = 0; p < np; p++) {
        if (parley_party_role(sc, p) == PARLEY_ROLE_NEGOTIATOR)
            seats++;
        else if (parley_party_role(sc, p) == PARLEY_ROLE_MEDIATOR && med == SIZE_MAX)
            med = p;
    }
    if (o->protocol == PARLEY_PROTOCOL_SAO && seats < 2)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "alternating offers needs at least two negotiators; the scenario "
                            "has %zu (give more parties the role negotiator)", seats);
    if (seats < 1)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the scenario has no negotiator");
    uint64_t n;
    if (parley_scenario_outcome_count(sc, &n) != PARLEY_OK)
        n = UINT64_MAX; /* past 2^64: a big session */
    *seats_out = seats;
    *med_out = med;
    *n_out = n;
    return PARLEY_OK;
}

/* The session's own arrays and the outcome layout (values, strides).
 * false when out of memory (parley_session_free frees what was made). */
static bool session_arrays(parley_session *s)
{
    const parley_allocator *a = s->a;
    size_t np = s->nparties;
    s->values = parleyx_calloc(a, s->nissues, sizeof(uint32_t));
    s->stride = parleyx_calloc(a, s->nissues, sizeof(uint64_t));
    s->tmp_outcome = parleyx_calloc(a, s->nissues, sizeof(uint32_t));
    s->res_outcome = parleyx_calloc(a, s->nissues, sizeof(uint32_t));
    s->tmp_u = parleyx_calloc(a, np, sizeof(double));
    s->res_u = parleyx_calloc(a, np, sizeof(double));
    s->res_d = parleyx_calloc(a, np, sizeof(double));
    s->agents = parleyx_calloc(a, s->seats, sizeof(ng_agent));
    if (!s->values || !s->stride || !s->tmp_outcome || !s->res_outcome || !s->tmp_u ||
        !s->res_u || !s->res_d || !s->agents)
        return false;
    uint64_t m = 1;
    for (size_t i = s->nissues; i-- > 0;) {
        s->values[i] = (uint32_t)parley_issue_value_count(s->sc, i);
        s->stride[i] = s->big ? 0 : m;
        m *= s->values[i];
    }
    return true;
}

/* One agent per negotiator, in party order, each with its utilities and
 * ranked outcomes (items and tmp: scratch for n rank items each) and the
 * default strategy, linear. */
static parley_status session_agents(parley_session *s, rank_item *items, rank_item *tmp,
                                    parley_error *err)
{
    size_t k = 0;
    for (size_t p = 0; p < s->nparties; p++) {
        if (parley_party_role(s->sc, p) != PARLEY_ROLE_NEGOTIATOR)
            continue;
        ng_agent *g = &s->agents[k];
        g->s = s;
        g->party = p;
        g->ctx.seat = k;
        k++;
        parley_status st = s->implicit ? prepare_implicit(s, g, err)
                                       : prepare_agent(s, g, items, tmp, err);
        if (st != PARLEY_OK)
            return st;
        st = set_agent(s, g, ng_find_strategy("linear"), "linear", "");
        if (st != PARLEY_OK)
            return st;
    }
    return PARLEY_OK;
}

parley_status parley_session_new(const parley_scenario *sc, const parley_session_options *opt,
                                 parley_session **out, parley_error *err)
{
    if (out)
        *out = NULL;
    if (!sc || !out || !parley_scenario_is_final(sc))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_session_new needs a final scenario and an out pointer");
    parley_session_options o;
    if (opt)
        o = *opt;
    else
        parley_session_options_init(&o);
    size_t seats = 0, med = SIZE_MAX;
    uint64_t n = 0;
    parley_status st = session_check(sc, &o, &seats, &med, &n, err);
    if (st != PARLEY_OK)
        return st;
    const parley_allocator *a0 = o.alloc;
    parley_session *s = parleyx_calloc(a0, 1, sizeof *s);
    if (!s)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (a0)
        s->allocv = *a0;
    s->a = a0 ? &s->allocv : NULL;
    o.alloc = s->a;
    s->sc = sc;
    s->opt = o;
    s->n = n;
    s->nissues = parley_issue_count(sc);
    s->nparties = parley_party_count(sc);
    s->seats = seats;
    s->med_party = med;
    s->med_kind = NG_MED_HILL;
    s->big = n == UINT64_MAX;
    s->implicit = n > PARLEY_SESSION_MAX_OUTCOMES || ng_force_implicit();
    const parley_allocator *a = s->a;
    st = PARLEY_ERR_NOMEM;
    bool ok = session_arrays(s);
    size_t nr = s->implicit ? 0 : (size_t)n;
    rank_item *items = nr ? parleyx_calloc(a, nr, sizeof(rank_item)) : NULL;
    rank_item *tmp = nr ? parleyx_calloc(a, nr, sizeof(rank_item)) : NULL;
    if (ok && (s->implicit || (items && tmp)))
        st = session_agents(s, items, tmp, err);
    if (items)
        parleyx_free(a, items, nr * sizeof(rank_item));
    if (tmp)
        parleyx_free(a, tmp, nr * sizeof(rank_item));
    if (st == PARLEY_OK) {
        *out = s;
        return PARLEY_OK;
    }
    parley_session_free(s);
    if (st == PARLEY_ERR_NOMEM)
        parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return st;
}

void parley_session_free(parley_session *s)
{
    if (!s)
        return;
    const parley_allocator *a = s->a;
    size_t n = s->implicit ? 0 : (size_t)s->n;
    if (s->agents) {
        for (size_t k = 0; k < s->seats; k++) {
            ng_agent *g = &s->agents[k];
            parleyx_free(a, g->u, n * sizeof(double));
            parleyx_free(a, g->ok, n);
            parleyx_free(a, g->rank, (g->nrank ? g->nrank : 1) * sizeof(uint32_t));
            parleyx_free(a, g->ranku, (g->nrank ? g->nrank : 1) * sizeof(double));
            if (g->gorder) {
                parleyx_free(a, g->gorder, (g->ngorder ? g->ngorder : 1) * sizeof(uint32_t));
                parleyx_free(a, g->gorderu, (g->ngorder ? g->ngorder : 1) * sizeof(double));
            }
            parleyx_strfree(a, g->params);
            parleyx_strfree(a, g->spec_name);
            ng_index_free(g->ix);
            parleyx_free(a, g->xv, (s->nissues ? s->nissues : 1) * sizeof(uint32_t));
        }
        parleyx_free(a, s->agents, s->seats * sizeof(ng_agent));
    }
    parleyx_free(a, s->values, s->nissues * sizeof(uint32_t));
    parleyx_free(a, s->stride, s->nissues * sizeof(uint64_t));
    parleyx_free(a, s->tmp_outcome, s->nissues * sizeof(uint32_t));
    parleyx_free(a, s->res_outcome, s->nissues * sizeof(uint32_t));
    parleyx_free(a, s->tmp_u, s->nparties * sizeof(double));
    parleyx_free(a, s->res_u, s->nparties * sizeof(double));
    parleyx_free(a, s->res_d, s->nparties * sizeof(double));
    parleyx_free(a, s->hist, s->hcap * sizeof(ng_hist));
    ng_pool_free(s);
    parley_allocator av = s->allocv;
    parleyx_free(a ? &av : NULL, s, sizeof *s);
}

size_t parley_session_seats(const parley_session *s)
{
    return s ? s->seats : 0;
}

size_t parley_session_seat_party(const parley_session *s, size_t seat)
{
    return s && seat < s->seats ? s->agents[seat].party : SIZE_MAX;
}

const char *parley_session_strategy_name(const parley_session *s, size_t seat)
{
    return s && seat < s->seats ? s->agents[seat].spec_name : "";
}

void parley_session_set_trace(parley_session *s, parley_trace_fn fn, void *ud)
{
    if (s) {
        s->trace = fn;
        s->trace_ud = ud;
    }
}

void parley_session_set_interrupt(parley_session *s, parley_interrupt_fn fn, void *ud)
{
    if (!s)
        return;
    s->intr = fn;
    s->intr_ud = ud;
}

void parley_session_reseed(parley_session *s, uint64_t seed)
{
    if (s)
        s->opt.seed = seed;
}

static ng_agent *agent_of_party(parley_session *s, size_t party)
{
    for (size_t k = 0; k < s->seats; k++)
        if (s->agents[k].party == party)
            return &s->agents[k];
    return NULL;
}

/* The refusal of a strategy that needs the whole sorted outcome list on a
 * session that does not build it. */
static parley_status refuse_implicit(const parley_session *s, const char *name,
                                     parley_error *err)
{
    char t[80];
    if (parley_scenario_outcome_count_text(s->sc, t, sizeof t) != PARLEY_OK)
        snprintf(t, sizeof t, "more than 2^64");
    return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                        "the strategy '%s' needs the whole sorted list of outcomes, which a "
                        "session builds only up to %u outcomes; this scenario has %s. On "
                        "larger spaces use %s",
                        name, PARLEY_SESSION_MAX_OUTCOMES, t, NG_IMPLICIT_NAMES);
}

parley_status parley_session_set_custom(parley_session *s, size_t party,
                                        const parley_strategy *strategy, const char *params,
                                        parley_error *err)
{
    if (!s || !strategy)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no session or no strategy");
    if (strategy->abi != PARLEY_AGENT_ABI || !strategy->create || !strategy->respond ||
        !strategy->propose)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "strategy '%s' was built for agent ABI %u, this parley expects %u "
                            "and create, propose and respond functions (see "
                            "include/parley/agent.h)",
                            strategy->name ? strategy->name : "?", strategy->abi,
                            PARLEY_AGENT_ABI);
    ng_agent *g = agent_of_party(s, party);
    if (!g)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "party %zu is not a negotiator: only negotiators take a strategy",
                            party);
    if (s->implicit)
        return refuse_implicit(s, strategy->name ? strategy->name : "custom", err);
    parley_status st = set_agent(s, g, strategy, strategy->name, params);
    if (st != PARLEY_OK)
        return parleyx_fail(err, st, NULL, 0, 0, "out of memory");
    g->explicit_set = true;
    return PARLEY_OK;
}

static const char *const med_names[] = {"hill-climbing", "annealing", "neighbours"};

parley_status parley_session_set_strategy(parley_session *s, size_t party, const char *spec,
                                          parley_error *err)
{
    if (!s || !spec)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no session or no strategy");
    char name[64];
    const char *params;
    if (!ng_split_spec(spec, name, sizeof name, &params))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "unknown strategy '%.80s'; choose one of: %s", spec,
                            ng_strategy_names());
    if (party < s->nparties && parley_party_role(s->sc, party) == PARLEY_ROLE_MEDIATOR) {
        for (int k = 0; k < 3; k++)
            if (strcmp(name, med_names[k]) == 0) {
                if (*params)
                    return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                        "the mediator method '%s' takes no parameters", name);
                s->med_kind = (ng_mediator_kind)k;
                s->med_party = party;
                return PARLEY_OK;
            }
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "unknown mediator method '%s'; choose one of: hill-climbing, "
                            "annealing, neighbours", name);
    }
    const parley_strategy *st = ng_find_strategy(name);
    if (!st) {
        const char *const cand[] = {"boulware", "linear", "conceder", "hardliner",
                                    "time-dependent", "tit-for-tat", "naive-tit-for-tat",
                                    "nice-tit-for-tat", "random", "frequency-nash", "micro",
                                    "hillclimber", "annealer"};
        const char *near = parleyx_closest(name, cand, sizeof cand / sizeof cand[0]);
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "unknown strategy '%s'%s%s%s; choose one of: %s", name,
                            near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                            ng_strategy_names());
    }
    if (s->implicit && !ng_strategy_implicit_ok(st))
        return refuse_implicit(s, name, err);
    ng_agent *g = agent_of_party(s, party);
    if (!g)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "party '%s' is a %s: only negotiators (and, with the mediated "
                            "protocol, the mediator) take a strategy",
                            party < s->nparties ? parley_party_name(s->sc, party) : "?",
                            party < s->nparties ? parley_role_name(parley_party_role(s->sc, party))
                                                : "?");
    /* Check the parameters now, with a throw-away state. */
    char eb[256] = "";
    void *probe = st->create(&g->ctx, params, eb, sizeof eb);
    if (!probe)
        return parleyx_fail(err, strcmp(eb, PARLEY_AGENT_NOMEM) == 0 ? PARLEY_ERR_NOMEM
                                                                     : PARLEY_ERR_INVALID,
                            NULL, 0, 0, "strategy '%s': %s", name,
                            eb[0] ? eb : "cannot be created");
    if (st->destroy)
        st->destroy(probe);
    parley_status r = set_agent(s, g, st, name, params);
    if (r != PARLEY_OK)
        return parleyx_fail(err, r, NULL, 0, 0, "out of memory");
    g->explicit_set = true;
    return PARLEY_OK;
}

/* ------------------------------------------------------------ running */

static void emit(parley_session *s, parley_trace_kind kind, size_t party, bool has, uint64_t o,
                 bool accepted)
{
    if (!s->trace)
        return;
    parley_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.round = s->round;
    ev.t = s->t;
    ev.party = party;
    ev.accepted = accepted;
    ev.has_outcome = has;
    if (has) {
        decode(s, o, s->tmp_outcome);
        for (size_t p = 0; p < s->nparties; p++)
            s->tmp_u[p] = parley_utility(s->sc, p, s->tmp_outcome);
        ev.outcome_id = o;
        ev.outcome = s->tmp_outcome;
        ev.utilities = s->tmp_u;
    }
    s->trace(s->trace_ud, &ev);
}

static void observe_all(parley_session *s, parley_event_kind kind, size_t seat, uint64_t o,
                        bool accepted)
{
    parley_observation ob;
    ob.kind = kind;
    ob.seat = seat;
    ob.outcome = o;
    ob.accepted = accepted;
    ob.round = s->round;
    ob.t = s->t;
    for (size_t k = 0; k < s->seats; k++) {
        ng_agent *g = &s->agents[k];
        if (g->strat->observe)
            g->strat->observe(g->state, &g->ctx, &ob);
    }
}

static bool push_history(parley_session *s, uint64_t o, size_t seat)
{
    if (s->hn == s->hcap) { /* the test keeps the common case inline */
        ng_hist *h = parleyx_grow(s->a, s->hist, sizeof *h, &s->hcap, s->hn + 1, 256);
        if (!h)
            return false;
        s->hist = h;
    }
    s->hist[s->hn].o = o;
    s->hist[s->hn].seat = seat;
    s->hn++;
    return true;
}

/* Update s->t for the current round; true when the time limit is up. */
static bool tick(parley_session *s)
{
    double t = 0.0;
    if (s->opt.rounds)
        t = (double)s->round / (double)(s->opt.rounds + 1);
    if (s->opt.time_limit > 0) {
        double e = (now_seconds() - s->t0_clock) / s->opt.time_limit;
        if (e >= 1.0) {
            s->t = 1.0;
            return true;
        }
        if (e > t)
            t = e;
    }
    s->t = t > 1.0 ? 1.0 : t;
    return false;
}

typedef struct run_state {
    bool interrupted;
    bool deal;
    uint64_t deal_id;
    bool walked;
    size_t walker;
    unsigned long offers;
} run_state;

/* True when the interrupt function asks to stop (rs->interrupted set). */
static bool interrupted(parley_session *s, run_state *rs)
{
    if (s->intr && s->intr(s->intr_ud))
        rs->interrupted = true;
    return rs->interrupted;
}

static parley_status strat_fail(parley_session *s, ng_agent *g, parley_error *err)
{
    if (strcmp(s->errbuf, PARLEY_AGENT_NOMEM) == 0) /* a strategy ran out of memory */
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                        "the strategy of '%s' made an invalid move (%s)",
                        parley_party_name(s->sc, g->party),
                        s->errbuf[0] ? s->errbuf : "an outcome outside the space");
}

static parley_status run_sao(parley_session *s, run_state *rs, parley_error *err)
{
    bool have = false;
    uint64_t cur = 0;
    size_t accepts = 0;
    for (s->round = 1; s->opt.rounds == 0 || s->round <= s->opt.rounds; s->round++) {
        bool timed = s->opt.time_limit > 0;
        if (tick(s))
            return PARLEY_OK;
        for (size_t k = 0; k < s->seats; k++) {
            ng_agent *g = &s->agents[k];
            if ((timed && k && tick(s)) || interrupted(s, rs))
                return PARLEY_OK;
            if (have) {
                parley_response r = g->strat->respond(g->state, &g->ctx, cur);
                if (r == PARLEY_RESPONSE_ACCEPT) {
                    emit(s, PARLEY_TRACE_ACCEPT, g->party, true, cur, true);
                    observe_all(s, PARLEY_EVENT_ACCEPT, k, cur, true);
                    if (++accepts == s->seats - 1) {
                        rs->deal = true;
                        rs->deal_id = cur;
                        return PARLEY_OK;
                    }
                    continue;
                }
                if (r == PARLEY_RESPONSE_END) {
                    emit(s, PARLEY_TRACE_END, g->party, false, 0, false);
                    observe_all(s, PARLEY_EVENT_END, k, 0, false);
                    rs->walked = true;
                    rs->walker = g->party;
                    return PARLEY_OK;
                }
                observe_all(s, PARLEY_EVENT_REJECT, k, cur, false);
            }
            uint64_t o = 0;
            if (!g->strat->propose(g->state, &g->ctx, &o)) {
                emit(s, PARLEY_TRACE_END, g->party, false, 0, false);
                observe_all(s, PARLEY_EVENT_END, k, 0, false);
                rs->walked = true;
                rs->walker = g->party;
                return PARLEY_OK;
            }
            if (!ng_valid(s, o))
                return strat_fail(s, g, err);
            if (!push_history(s, o, k))
                return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            rs->offers++;
            have = true;
            cur = o;
            accepts = 0;
            emit(s, PARLEY_TRACE_OFFER, g->party, true, o, false);
            observe_all(s, PARLEY_EVENT_OFFER, k, o, false);
        }
    }
    s->round = s->opt.rounds;
    return PARLEY_OK;
}

/* The mediator's next text (1), nothing more to propose (0), or out of
 * memory (-1).  hill-climbing / annealing (GENIUS RandomFlippingMediator):
 * random texts until one is accepted by all, then the standing text with
 * one random issue set to a different random value.  neighbours (NegMAS
 * HillClimbingSTMechanism): a random first text, then every one-issue
 * neighbour of the standing text in a random order; a new standing text
 * restarts the neighbours; when they run out the mediator stops. */
typedef struct med_state {
    bool have_standing, have_first;
    uint64_t standing, first;
    uint64_t *cand; /* neighbours: candidates of the current text */
    size_t ncand, ccap, next;
} med_state;

/* base with issue i set to value v (s->tmp_outcome holds base decoded);
 * UINT64_MAX when the pool is out of memory. */
static uint64_t with_value(parley_session *s, uint64_t base, size_t i, uint32_t v)
{
    if (!s->big)
        return base - (uint64_t)s->tmp_outcome[i] * s->stride[i] + (uint64_t)v * s->stride[i];
    uint32_t old = s->tmp_outcome[i];
    s->tmp_outcome[i] = v;
    uint64_t o = ng_encode(s, s->tmp_outcome);
    s->tmp_outcome[i] = old;
    return o;
}

/* A uniformly random outcome from the mediator's stream: one draw below
 * the outcome count, or (past 2^64 outcomes) one per issue; UINT64_MAX
 * when the pool is out of memory. */
static uint64_t random_outcome(parley_session *s)
{
    if (!s->big)
        return ng_below(&s->med_rng, s->n);
    for (size_t i = 0; i < s->nissues; i++)
        s->tmp_outcome[i] = (uint32_t)ng_below(&s->med_rng, s->values[i]);
    return ng_encode(s, s->tmp_outcome);
}

static bool build_neighbours(parley_session *s, med_state *m, uint64_t base)
{
    size_t need = 0;
    for (size_t i = 0; i < s->nissues; i++)
        need += s->values[i] - 1;
    if (need > m->ccap) {
        uint64_t *c = parleyx_realloc(s->a, m->cand, m->ccap * sizeof(uint64_t),
                                      need * sizeof(uint64_t));
        if (!c)
            return false;
        m->cand = c;
        m->ccap = need;
    }
    decode(s, base, s->tmp_outcome);
    size_t k = 0;
    for (size_t i = 0; i < s->nissues; i++)
        for (uint32_t v = 0; v < s->values[i]; v++)
            if (v != s->tmp_outcome[i]) {
                uint64_t o = with_value(s, base, i, v);
                if (o == UINT64_MAX)
                    return false;
                m->cand[k++] = o;
            }
    for (size_t i = k; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)ng_below(&s->med_rng, i);
        uint64_t t = m->cand[i - 1];
        m->cand[i - 1] = m->cand[j];
        m->cand[j] = t;
    }
    m->ncand = k;
    m->next = 0;
    return true;
}

static int mediator_next(parley_session *s, med_state *m, uint64_t *text)
{
    if (!m->have_first) {
        m->first = random_outcome(s);
        if (m->first == UINT64_MAX)
            return -1;
        m->have_first = true;
        *text = m->first;
        if (s->med_kind == NG_MED_NEIGHBOURS && !build_neighbours(s, m, m->first))
            return -1;
        return 1;
    }
    if (s->med_kind == NG_MED_NEIGHBOURS) {
        if (m->next >= m->ncand)
            return 0;
        *text = m->cand[m->next++];
        return 1;
    }
    if (!m->have_standing) { /* nothing accepted yet: a fresh random text */
        *text = random_outcome(s);
        return *text == UINT64_MAX ? -1 : 1;
    }
    uint64_t base = m->standing;
    size_t flippable = 0;
    for (size_t i = 0; i < s->nissues; i++)
        flippable += s->values[i] > 1;
    if (!flippable) {
        *text = base;
        return 1;
    }
    size_t pick = (size_t)ng_below(&s->med_rng, flippable), i = 0;
    for (;; i++)
        if (s->values[i] > 1 && pick-- == 0)
            break;
    decode(s, base, s->tmp_outcome);
    uint32_t old = s->tmp_outcome[i];
    uint32_t v = (uint32_t)ng_below(&s->med_rng, s->values[i] - 1);
    if (v >= old)
        v++;
    *text = with_value(s, base, i, v);
    return *text == UINT64_MAX ? -1 : 1;
}

static parley_status run_mediated(parley_session *s, run_state *rs, parley_error *err)
{
    med_state m;
    memset(&m, 0, sizeof m);
    parley_status st = PARLEY_OK;
    for (s->round = 1; s->opt.rounds == 0 || s->round <= s->opt.rounds; s->round++) {
        if (tick(s) || interrupted(s, rs))
            break;
        uint64_t text;
        int r = mediator_next(s, &m, &text);
        if (r < 0) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (r == 0) { /* the mediator has nothing more: this round did not happen */
            s->round--;
            break;
        }
        rs->offers++;
        if (!push_history(s, text, SIZE_MAX)) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        emit(s, PARLEY_TRACE_TEXT, s->med_party, true, text, false);
        observe_all(s, PARLEY_EVENT_TEXT, 0, text, false);
        bool all = true;
        for (size_t k = 0; k < s->seats; k++) {
            ng_agent *g = &s->agents[k];
            bool yes = g->strat->respond(g->state, &g->ctx, text) == PARLEY_RESPONSE_ACCEPT;
            emit(s, PARLEY_TRACE_VOTE, g->party, true, text, yes);
            if (g->strat->observe) { /* a vote is seen by its voter only */
                parley_observation ob = {PARLEY_EVENT_VOTE, k, text, yes, s->round, s->t};
                g->strat->observe(g->state, &g->ctx, &ob);
            }
            if (!yes)
                all = false;
        }
        if (all) {
            m.have_standing = true;
            m.standing = text;
            if (s->med_kind == NG_MED_NEIGHBOURS && !build_neighbours(s, &m, text)) {
                st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        emit(s, PARLEY_TRACE_TEXT_RESULT, s->med_party, true, text, all);
        observe_all(s, PARLEY_EVENT_TEXT_RESULT, 0, text, all);
    }
    if (s->round > s->opt.rounds && s->opt.rounds)
        s->round = s->opt.rounds;
    parleyx_free(s->a, m.cand, m.ccap * sizeof(uint64_t));
    if (st == PARLEY_OK && m.have_standing && !rs->interrupted) {
        rs->deal = true;
        rs->deal_id = m.standing;
    }
    return st;
}

static void destroy_states(parley_session *s)
{
    for (size_t k = 0; k < s->seats; k++) {
        ng_agent *g = &s->agents[k];
        if (g->state && g->strat->destroy)
            g->strat->destroy(g->state);
        g->state = NULL;
    }
}

parley_status parley_session_run(parley_session *s, parley_session_result *res,
                                 parley_error *err)
{
    if (!s || !res)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no session or no result");
    memset(res, 0, sizeof *res);
    bool med = s->opt.protocol == PARLEY_PROTOCOL_MEDIATED;
    s->hn = 0;
    s->round = 0;
    s->t = 0.0;
    s->errbuf[0] = '\0';
    for (size_t k = 0; k < s->seats; k++) /* a run never depends on an earlier one */
        ng_index_forget(s->agents[k].ix);
    ng_pool_reset(s);
    s->med_rng = ng_seed(s->opt.seed, s->med_party == SIZE_MAX ? 0xFFFFu : s->med_party);
    for (size_t k = 0; k < s->seats; k++) {
        ng_agent *g = &s->agents[k];
        g->rng = ng_seed(s->opt.seed, g->party);
        const parley_strategy *st = g->strat;
        const char *params = g->params;
        if (med && !g->explicit_set) {
            st = ng_find_strategy(s->med_kind == NG_MED_ANNEAL ? "annealer" : "hillclimber");
            params = "";
        }
        char eb[256] = "";
        g->state = st->create(&g->ctx, params, eb, sizeof eb);
        if (!g->state) {
            destroy_states(s);
            return parleyx_fail(err,
                                strcmp(eb, PARLEY_AGENT_NOMEM) == 0 ? PARLEY_ERR_NOMEM
                                                                    : PARLEY_ERR_INVALID,
                                NULL, 0, 0, "the strategy '%s' of '%s' could not start: %s",
                                st->name ? st->name : "?", parley_party_name(s->sc, g->party),
                                eb[0] ? eb : "no reason given");
        }
        if (st != g->strat) { /* remember what runs this time */
            g->strat = st;
            parleyx_strfree(s->a, g->spec_name);
            g->spec_name = parleyx_strdup(s->a, st->name);
            if (!g->spec_name) {
                destroy_states(s);
                return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
        }
    }
    s->t0_clock = now_seconds();
    run_state rs;
    memset(&rs, 0, sizeof rs);
    parley_status st = med ? run_mediated(s, &rs, err) : run_sao(s, &rs, err);
    destroy_states(s);
    if (st == PARLEY_OK && strcmp(s->errbuf, PARLEY_AGENT_NOMEM) == 0) /* said by an observer */
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st != PARLEY_OK)
        return st;
    res->talks_agreed = rs.deal;
    res->walked_away = rs.walked;
    res->ended_by = rs.walked ? rs.walker : SIZE_MAX;
    res->vetoed_by = SIZE_MAX;
    res->offers = rs.offers;
    res->interrupted = rs.interrupted;
    if (rs.deal) {
        emit(s, PARLEY_TRACE_AGREEMENT, SIZE_MAX, true, rs.deal_id, true);
        decode(s, rs.deal_id, s->res_outcome);
        bool ok = true;
        if (!s->opt.no_ratify)
            for (size_t p = 0; p < s->nparties; p++) {
                if (parley_party_role(s->sc, p) != PARLEY_ROLE_RATIFIER)
                    continue;
                decode(s, rs.deal_id, s->res_outcome);
                bool yes = parley_utility(s->sc, p, s->res_outcome) >=
                               parley_party_reservation(s->sc, p) &&
                           parley_redlines_hold(s->sc, p, s->res_outcome);
                emit(s, PARLEY_TRACE_RATIFY, p, true, rs.deal_id, yes);
                if (!yes && ok) {
                    ok = false;
                    res->vetoed_by = p;
                }
            }
        decode(s, rs.deal_id, s->res_outcome);
        res->vetoed = !ok;
        res->agreement = ok;
        res->talks_outcome = s->res_outcome;
    } else if (!rs.walked && !rs.interrupted) {
        emit(s, PARLEY_TRACE_DEADLINE, SIZE_MAX, false, 0, false);
    }
    res->rounds = s->round;
    res->t = s->t;
    res->outcome = res->agreement ? s->res_outcome : NULL;
    res->outcome_id = res->agreement ? rs.deal_id : 0;
    res->welfare = 0.0;
    for (size_t p = 0; p < s->nparties; p++) {
        double d = parley_party_discount(s->sc, p);
        double f = d < 1.0 ? pow(d, s->t) : 1.0;
        double u = res->agreement ? parley_utility(s->sc, p, s->res_outcome)
                                  : parley_party_reservation(s->sc, p);
        s->res_u[p] = u;
        s->res_d[p] = u * f;
        if (res->agreement && parley_party_role(s->sc, p) != PARLEY_ROLE_MEDIATOR &&
            parley_party_has_utility(s->sc, p))
            res->welfare += s->res_d[p];
    }
    res->utility = s->res_u;
    res->discounted = s->res_d;
    return PARLEY_OK;
}

/* ------------------------------------------------------------ measures */

/* The discount scale d_j^t of every dimension j (GENIUS's discount(1, t):
 * Math.pow(d, t), t clamped to [0, 1]); 1 when d is 1. */
static void dim_scales(const parley_analysis *an, const parley_scenario *sc, double t,
                       double *scale, size_t d)
{
    if (t < 0.0)
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    for (size_t j = 0; j < d; j++) {
        double df = sc ? parley_party_discount(sc, parley_analysis_dim_party(an, j)) : 1.0;
        scale[j] = df < 1.0 ? pow(df, t) : 1.0;
    }
}

/* GENIUS BidPoint.getDistance: sqrt of the sum, in dimension order from 0,
 * of the squared differences, the frontier point f discounted first. */
static double point_distance(const double *u, const double *f, const double *scale, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
        double x = u[j] - f[j] * scale[j];
        s += x * x;
    }
    return sqrt(s);
}

#define NG_MAX_DIMS 64

/* The dimensions and frontier size of an, with the scales at t; false
 * when there is nothing to measure (no u, too many dimensions). */
static bool measure_setup(const parley_analysis *an, const parley_scenario *sc, double t,
                          const double *u, double *scale, size_t *d, size_t *n)
{
    *d = parley_analysis_dims(an);
    *n = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
    if (!u || *d > NG_MAX_DIMS)
        return false;
    dim_scales(an, sc, t, scale, *d);
    return true;
}

double parley_pareto_distance_at(const parley_analysis *an, const parley_scenario *sc, double t,
                                 const double *u)
{
    size_t d, n;
    double scale[NG_MAX_DIMS];
    if (!measure_setup(an, sc, t, u, scale, &d, &n))
        return NAN;
    double best = NAN;
    for (size_t i = 0; i < n; i++) {
        double s = point_distance(u, parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_ALL, i),
                                  scale, d);
        if (isnan(best) || s < best)
            best = s;
    }
    return best;
}

double parley_nash_distance_at(const parley_analysis *an, const parley_scenario *sc, double t,
                               const double *u)
{
    size_t d, n;
    double scale[NG_MAX_DIMS];
    if (!measure_setup(an, sc, t, u, scale, &d, &n))
        return NAN;
    double maxp = -1.0; /* MultilateralAnalysis.getNashPoint: strict '>', from -1 */
    const double *nash = NULL;
    for (size_t i = 0; i < n; i++) {
        const double *f = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_ALL, i);
        double p = 1.0;
        for (size_t j = 0; j < d; j++) {
            double rv = sc ? parley_party_reservation(sc, parley_analysis_dim_party(an, j)) : 0.0;
            p = p * (f[j] * scale[j] - rv);
        }
        if (p > maxp) {
            maxp = p;
            nash = f;
        }
    }
    return nash ? point_distance(u, nash, scale, d) : NAN;
}

double parley_pareto_distance(const parley_analysis *an, const double *u)
{
    return parley_pareto_distance_at(an, NULL, 0.0, u);
}

double parley_nash_distance(const parley_analysis *an, const double *u)
{
    const double *f;
    if (!parley_analysis_solution(an, PARLEY_SOLUTION_GENIUS_NASH, &f, NULL))
        return NAN;
    size_t d = parley_analysis_dims(an);
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += (u[j] - f[j]) * (u[j] - f[j]);
    return sqrt(s);
}
