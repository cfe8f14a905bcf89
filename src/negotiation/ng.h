/*
 * ng.h -- internals of negotiation sessions (prefix ng_).
 *
 * Layout.  A session enumerates the outcome space once (at most
 * PARLEY_SESSION_MAX_OUTCOMES outcomes): an outcome is its mixed-radix id,
 * issue 0 most significant, so stride[i] = product of the value counts of
 * the issues after i.  Each negotiator (an ng_agent, one per seat) keeps:
 *   u[id]      its undiscounted utility of every outcome;
 *   ok[id]     1 when none of its red lines is broken and u >= rv;
 *   rank[r]    the ids with ok = 1 sorted by u descending, ties by id
 *              ascending (nrank of them), with ranku[r] = u[rank[r]].
 * So "the worst outcome still worth at least x to me" is a binary search
 * over ranku (ng_at_least), which is what makes a time-dependent turn cost
 * well under a microsecond on 10^4 outcomes.
 *
 * Implicit sessions.  Above PARLEY_SESSION_MAX_OUTCOMES outcomes (or with
 * PARLEY_SESSION_IMPLICIT=1, for tests) s->implicit is set and nothing is
 * enumerated: u, ok, rank, ranku, gorder are NULL (nrank 0) and each agent
 * has an ng_index (ng_index.c) answering the ranked list's questions by
 * branch and bound; strategies go through ng_u, ng_ok and the ng_ranked_*
 * and ng_domain_* calls, which serve both layouts.  Only the strategies
 * ng_strategy_implicit_ok accepts run there.  Past 2^64 outcomes (s->big)
 * ids are handles of the session's pool (ng_pool, in order of first
 * mention) instead of mixed-radix numbers; ng_decode / ng_encode convert
 * in both cases.
 *
 * Privacy.  The parley_agent_ctx is the first member of ng_agent, so the
 * engine converts a ctx pointer back to its agent.  Built-in strategies
 * (ng_strategy.c) read their OWN agent's arrays directly, for speed; they
 * never look at another agent.  Plugins only get the ctx functions.
 *
 * Randomness.  Every agent and the mediator own a splitmix64 stream
 * (parleyx_splitmix64) seeded from the master seed and the party index
 * (ng_seed), so a run is a pure function of (scenario, strategies,
 * parameters, seed, round deadline).
 *
 * Memory.  All arrays come from the session's allocator and are freed in
 * parley_session_free; strategy states are created at the start of each
 * run and destroyed at its end.
 */
#ifndef PARLEY_NG_H
#define PARLEY_NG_H

#include "parley/negotiation.h"
#include "parleyx.h"

#include <string.h>

typedef struct ng_index ng_index; /* ng_index.c */

typedef struct ng_agent {
    parley_agent_ctx ctx; /* must be first */
    struct parley_session *s;
    size_t party;
    const parley_strategy *strat;
    char *params;      /* owned, allocator */
    char *spec_name;   /* owned: the strategy name as given */
    bool explicit_set; /* the caller chose the strategy */
    void *state;
    double *u;
    uint8_t *ok;
    uint32_t *rank;
    double *ranku;
    size_t nrank;
    uint32_t *gorder; /* the GENIUS order (ng_genius.c), built on first use */
    double *gorderu;  /* utilities along gorder */
    size_t ngorder;
    uint64_t rng;
    ng_index *ix; /* implicit sessions: the agent's index (u, ok, rank: NULL) */
    uint32_t *xv; /* implicit sessions: a scratch outcome (nissues) */
} ng_agent;

typedef enum ng_mediator_kind {
    NG_MED_HILL = 0, /* GENIUS RandomFlippingMediator, hillclimber voters */
    NG_MED_ANNEAL,   /* the same mediator, annealer voters */
    NG_MED_NEIGHBOURS /* NegMAS HillClimbingSTMechanism */
} ng_mediator_kind;

typedef struct ng_hist {
    uint64_t o;
    size_t seat; /* SIZE_MAX: the mediator */
} ng_hist;

/* Outcomes of a space past 2^64 (ng_index.c): handle h names the vector
 * vecs[h * nissues ...], in order of first mention; slot is a hash table
 * of handle + 1 (0: empty), at most half full. */
typedef struct ng_pool {
    uint32_t *vecs;
    size_t n, cap;
    uint64_t *slot;
    size_t nslot;
} ng_pool;

struct parley_session {
    const parley_scenario *sc;
    parley_allocator allocv;
    const parley_allocator *a;
    parley_session_options opt;
    size_t nissues;
    uint32_t *values;
    uint64_t *stride;  /* big: unused (zero) */
    uint64_t n;        /* outcomes; big: UINT64_MAX */
    bool implicit;     /* no enumeration: agents answer through ng_index */
    bool big;          /* more than 2^64 - 1 outcomes: ids are pool handles */
    ng_pool pool;
    size_t nparties;
    size_t seats;
    ng_agent *agents;
    size_t med_party; /* SIZE_MAX: neutral */
    ng_mediator_kind med_kind;
    uint64_t med_rng;
    /* run state */
    unsigned long round;
    double t;
    double t0_clock;
    ng_hist *hist;
    size_t hn, hcap;
    parley_trace_fn trace;
    void *trace_ud;
    parley_interrupt_fn intr; /* parley_session_set_interrupt */
    void *intr_ud;
    uint32_t *tmp_outcome; /* nissues */
    double *tmp_u;         /* nparties */
    /* result */
    uint32_t *res_outcome;
    double *res_u, *res_d;
    char errbuf[512];
};

/* A uniform double in [0, 1) (53 bits). */
static inline double ng_unit(uint64_t *x)
{
    return (double)(parleyx_splitmix64(x) >> 11) * (1.0 / 9007199254740992.0);
}
/* A uniform integer in [0, n), n >= 1 (Lemire's multiply, rejection). */
uint64_t ng_below(uint64_t *x, uint64_t n);
uint64_t ng_seed(uint64_t master, uint64_t party);

/* Outcome ids.  An id is the mixed-radix number of the outcome (issue 0
 * most significant) when the space has fewer than 2^64 outcomes, else a
 * handle of the session's pool.  ng_encode returns UINT64_MAX when the
 * pool cannot grow (out of memory); ng_valid tells whether o names an
 * outcome of the session. */
void ng_decode(const parley_session *s, uint64_t o, uint32_t *v);
uint64_t ng_encode(parley_session *s, const uint32_t *v);
static inline bool ng_valid(const parley_session *s, uint64_t o)
{
    return s->big ? o < s->pool.n : o < s->n;
}
uint64_t ng_pool_intern(parley_session *s, const uint32_t *v);
void ng_pool_free(parley_session *s);
/* Forget every handle (at the start of a run: ids never carry over). */
void ng_pool_reset(parley_session *s);

/* The implicit index (ng_index.c: the method, its exactness and its work
 * limit).  Queries range over the outcomes keeping the party's red lines;
 * each writes an outcome attaining the answer into out (nissues values)
 * and its utility into *u, and returns false when no outcome qualifies.
 * Ties go to the smallest id unless largest_id.  ng_index_new returns NULL
 * when out of memory; free with ng_index_free. */
ng_index *ng_index_new(const parley_session *s, size_t party);
void ng_index_free(ng_index *ix);
void ng_index_forget(ng_index *ix); /* empty the memo */
bool ng_index_query(ng_index *ix, bool maximise, bool largest_id, double lo, bool lo_open,
                    double hi, bool hi_open, uint32_t *out, double *u);
bool ng_index_at_least(ng_index *ix, double x, bool largest_id, uint32_t *out, double *u);
bool ng_index_below(ng_index *ix, double x, uint32_t *out, double *u);
bool ng_index_best(ng_index *ix, uint32_t *out, double *u);
/* The utility alone (no outcome): the largest (maximise) or the smallest
 * utility >= lo. */
bool ng_index_value(ng_index *ix, bool maximise, double lo, double *u);
/* The largest (smallest) utility over every outcome, red lines or not. */
bool ng_index_value_all(ng_index *ix, bool maximise, double *u);
/* The outcome after o (utility uo) in the ranked order of the outcomes
 * keeping the red lines with utility >= rv: utility descending, ids
 * ascending.  o may alias out. */
bool ng_index_next(ng_index *ix, const uint32_t *o, double uo, double rv, uint32_t *out,
                   double *u);
/* GENIUS's getBidNearUtility by utility: x itself if attained, else the
 * nearer of the smallest u > x and the largest u < x (the upper on a tie). */
bool ng_index_near(ng_index *ix, double x, uint32_t *out, double *u);
void ng_index_stats(const ng_index *ix, unsigned long *searches, unsigned long *nodes);

/* An agent's utility and acceptability (no red line of its own broken,
 * u >= its reservation value) of outcome o, enumerated or not. */
double ng_u_implicit(const ng_agent *g, uint64_t o);
bool ng_ok_implicit(const ng_agent *g, uint64_t o);
static inline double ng_u(const ng_agent *g, uint64_t o)
{
    return g->u ? g->u[o] : ng_u_implicit(g, o);
}
static inline bool ng_ok(const ng_agent *g, uint64_t o)
{
    return g->ok ? g->ok[o] != 0 : ng_ok_implicit(g, o);
}
/* The ranked list's queries, enumerated or not: its first outcome; its
 * last utility; the worst ranked outcome with utility >= x, or the first
 * when none (rank_for).  false: the list is empty.  Ids may be UINT64_MAX
 * when the pool ran out of memory (errbuf says so). */
bool ng_ranked_best(ng_agent *g, uint64_t *o, double *u);
bool ng_ranked_worst(ng_agent *g, double *u);
bool ng_ranked_at_least(ng_agent *g, double x, uint64_t *o, double *u);
/* Implicit only, over the outcomes keeping g's red lines (GENIUS's
 * sorted space): the utility range, and ng_index_near as an id. */
bool ng_domain_range(ng_agent *g, double *lo, double *hi);
bool ng_domain_near(ng_agent *g, double x, uint64_t *o, double *u);
/* Whether built-in strategy st runs on implicit sessions, and their names
 * for messages. */
#define NG_IMPLICIT_NAMES                                                                    \
    "boulware, linear, conceder, hardliner, time-dependent, time-dependent-at-least, "      \
    "tit-for-tat, micro, random, or the mediated protocol (hillclimber, annealer voters)"
bool ng_strategy_implicit_ok(const parley_strategy *st);

/* How many ranked outcomes of agent g have utility >= x. */
static inline size_t ng_at_least(const ng_agent *g, double x)
{
    size_t lo = 0, hi = g->nrank; /* ranku descending: find first < x */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->ranku[mid] >= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A double's bits as an unsigned key in the same order (IEEE 754). */
static inline uint64_t ng_order_key(double u)
{
    uint64_t b;
    memcpy(&b, &u, sizeof b);
    return (b >> 63) ? ~b : (b | 0x8000000000000000ULL);
}

static inline ng_agent *ng_of(const parley_agent_ctx *c)
{
    return (ng_agent *)(void *)(uintptr_t)c;
}

/* Built-in strategies (ng_strategy.c).  ng_find_strategy returns the
 * strategy named `name` (NULL if none); ng_strategy_names lists them for
 * messages. */
const parley_strategy *ng_find_strategy(const char *name);
const char *ng_strategy_names(void);
/* Split "name:params" into name (written to nbuf) and params (pointer
 * into spec, "" when none).  false when the name is too long. */
bool ng_split_spec(const char *spec, char *nbuf, size_t n, const char **params);
/* Parameter parsing for built-ins: "k=v,k=v".  Reads the doubles named in
 * keys (nkeys) into vals (left unchanged when absent).  false, with a
 * message in errbuf, on an unknown key or a bad number. */
bool ng_params(const char *params, const char *const *keys, size_t nkeys, double *vals,
               char *errbuf, size_t errlen);

/* GENIUS's sorted outcome space (ng_genius.c).  ng_genius_order builds
 * g->gorder / g->gorderu once (false: out of memory); ng_genius_near is
 * SortedOutcomeSpace.getIndexOfBidNearUtility over n >= 1 utilities sorted
 * descending; ng_genius_target is TimeDependentAgent.p(t). */
bool ng_genius_order(ng_agent *g);
size_t ng_genius_near(const double *u, size_t n, double utility);
double ng_genius_target(double e, double k, double pmin, double pmax, double t);
/* Java's String.hashCode() of a UTF-8 text, and BidDetails.hashCode() of
 * a bid with that hash sum, utility u and time -1 (as unsigned bits). */
uint32_t ng_java_string_hash(const char *text);
uint32_t ng_java_biddetails_hash(uint32_t bidhash, double u);
/* The GENIUS time-dependent family. */
extern const parley_strategy ng_st_time_dependent, ng_st_linear, ng_st_boulware, ng_st_conceder,
    ng_st_hardliner;
/* GENIUS's NiceTitForTat (ng_nicetft.c) and its rules, for tests:
 * getBonus (discount factor, time, outcome count); the target of
 * chooseCounterBid before the bid window (best own utility they offered,
 * own utility of their first bids, own Nash utility, bonus); and the late
 * part of isAcceptable over their offers (n >= 1 records of stride bytes,
 * each starting with an ng_seen; the last is the offer on the table). */
extern const parley_strategy ng_st_nice_tft;
typedef struct ng_seen {
    double u, t;
} ng_seen;
double ng_ntft_bonus(double discount, double t, uint64_t outcomes);
double ng_ntft_target(double maxu, double minfirst, double nash, double bonus);
bool ng_ntft_late_accept(const void *hist, size_t stride, size_t n, double now, bool big);
/* Its Bayesian model, for tests: fed the n offers in order, the model's
 * normalised utility of every outcome (by id) into norm (s->n entries).
 * false when out of memory. */
bool ng_ntft_model_run(ng_agent *g, const uint64_t *offers, size_t n, double *norm);
/* Its Nash utility (updateMyNashUtility) after the model saw the n
 * offers, with the gap of its previous turn; NaN when out of memory. */
double ng_ntft_nash_after(ng_agent *g, const uint64_t *offers, size_t n, double initial_gap);
/* Its bid window (getBidsOfUtility) for the target: the outcome ids, in
 * BidIterator order, into out (s->n entries); returns how many (0: it
 * would offer its best outcome), SIZE_MAX when out of memory. */
size_t ng_ntft_window(ng_agent *g, double target, uint64_t *out);
/* Its top-n selection (getBestBidHistory) of the k <= s->n bids, by the
 * model fed the n offers: the chosen ids, best first, into top; returns
 * how many, SIZE_MAX when out of memory. */
size_t ng_ntft_top(ng_agent *g, const uint64_t *offers, size_t n, const uint64_t *bids, size_t k,
                   uint64_t *top);

#endif
