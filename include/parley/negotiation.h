/*
 * parley/negotiation.h -- negotiation sessions (`parley negotiate`):
 * automated negotiators (or a person) make offers round by round under a
 * protocol, until a deal or the deadline.  docs/negotiation.md explains the
 * protocols, the strategies (each with its source), the measures and the
 * limits in full.
 *
 * Protocols.
 *  - PARLEY_PROTOCOL_SAO: the stacked alternating offers protocol (ANAC;
 *    GENIUS StackedAlternatingOffersProtocol).  The negotiators (parties
 *    with role negotiator, in scenario order) take turns in a fixed cycle,
 *    one turn each per round.  The first turn is an offer; every later
 *    turn accepts the offer on the table, makes a counter-offer, or walks
 *    away.  A deal is struck when every other negotiator has accepted the
 *    offer consecutively.  With two negotiators this is the bilateral
 *    alternating offers protocol.
 *  - PARLEY_PROTOCOL_MEDIATED: single negotiation text (GENIUS
 *    SimpleMediatorBasedProtocol; Klein et al. 2003).  Each round the
 *    mediator proposes a text; every negotiator votes; a text accepted by
 *    all becomes the standing text.  The session runs to the deadline and
 *    the last standing text is the agreement.
 * Ratification (optional, on by default when the scenario has ratifiers):
 * once the talks have produced a deal, each ratifier accepts it (none of
 * its red lines broken and utility >= reservation value) or vetoes it.
 *
 * Time.  With a round deadline R, time in round r is t = r / (R + 1)
 * (GENIUS DiscreteTimeline); with a time limit T seconds t = elapsed / T;
 * with both, the larger.  Utilities and reservation values are discounted
 * as GENIUS does: u * d^t.
 *
 * Determinism.  With a round deadline only, the same scenario, strategies,
 * parameters and seed give the same session, event for event.
 *
 * Memory.  A session borrows its scenario: the scenario must outlive the
 * session and stay unchanged.  Everything else it allocates through the
 * allocator in its options and frees in parley_session_free.
 */
#ifndef PARLEY_NEGOTIATION_H
#define PARLEY_NEGOTIATION_H

#include "parley/core.h"
#include "parley/analysis.h"
#include "parley/agent.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum parley_protocol {
    PARLEY_PROTOCOL_SAO = 0,  /* stacked alternating offers, 2 or more */
    PARLEY_PROTOCOL_MEDIATED  /* mediated single text */
} parley_protocol;

/* The most outcomes a session enumerates (each negotiator keeps its
 * utility of every outcome, sorted).  Larger spaces (any size parley
 * loads) run without enumeration: each negotiator answers through a branch
 * and bound over its own preferences, and only the strategies that need no
 * whole sorted list run there (docs/negotiation.md, "Spaces too large to
 * enumerate"). */
#define PARLEY_SESSION_MAX_OUTCOMES 4000000u

typedef struct parley_session_options {
    const parley_allocator *alloc; /* NULL: malloc */
    parley_protocol protocol;
    uint64_t seed;
    unsigned long rounds;  /* round deadline; 0 with time_limit > 0: none */
    double time_limit;     /* seconds; 0: none (deterministic) */
    bool no_ratify;        /* skip the ratification step */
} parley_session_options;

/* Defaults: SAO, seed 0, 100 rounds, no time limit, ratification on. */
PARLEY_API void parley_session_options_init(parley_session_options *opt);

typedef struct parley_session parley_session;

/* A session on a final scenario.  opt may be NULL (defaults).  The
 * scenario is borrowed: it must outlive the session, unchanged.  Every
 * negotiator starts with the "linear" strategy; with the mediated
 * protocol the mediator is the scenario's first mediator party if any
 * (a neutral one otherwise) with the "hill-climbing" method.  On success
 * *out is owned by the caller (parley_session_free).  Fails with
 * PARLEY_ERR_INVALID (fewer than two negotiators for SAO, none for
 * mediated), PARLEY_ERR_ARG, PARLEY_ERR_NOMEM.  A space of more than
 * PARLEY_SESSION_MAX_OUTCOMES outcomes is not enumerated (see above). */
PARLEY_API parley_status parley_session_new(const parley_scenario *sc,
                                            const parley_session_options *opt,
                                            parley_session **out, parley_error *err);
PARLEY_API void parley_session_free(parley_session *s);

/* Negotiators: how many seats, and the scenario party at each seat. */
PARLEY_API size_t parley_session_seats(const parley_session *s);
PARLEY_API size_t parley_session_seat_party(const parley_session *s, size_t seat);

/* Give scenario party `party` (a negotiator) a built-in strategy:
 * "name" or "name:key=value,...".  Names: boulware, linear, conceder,
 * hardliner, time-dependent (e=, k=, min=, max=; GENIUS 10.4's
 * TimeDependentAgent, offer for offer), time-dependent-at-least (the same
 * target, never offering below it), tit-for-tat (alias naive-tit-for-tat;
 * kindness=, punish=; NegMAS 0.15's code), nice-tit-for-tat (GENIUS's
 * NiceTitForTat), random (accept=), frequency-nash (e=), micro,
 * hillclimber, annealer.  For the mediator
 * party (mediated protocol): hill-climbing, annealing (default voters
 * hillclimber / annealer for negotiators given no strategy) or
 * neighbours.  PARLEY_ERR_INVALID with a message naming the choices on an
 * unknown name or parameter; PARLEY_ERR_LIMIT, naming the strategy and the
 * limit, for a strategy that needs the whole sorted outcome list
 * (nice-tit-for-tat, frequency-nash) on a space of
 * more than PARLEY_SESSION_MAX_OUTCOMES outcomes.  parley_session_set_custom
 * refuses there too (a plugin may ask for any rank). */
PARLEY_API parley_status parley_session_set_strategy(parley_session *s, size_t party,
                                                     const char *spec, parley_error *err);
/* Any strategy, e.g. loaded from a shared object.  strategy is borrowed
 * (must outlive the session); params copied. */
PARLEY_API parley_status parley_session_set_custom(parley_session *s, size_t party,
                                                   const parley_strategy *strategy,
                                                   const char *params, parley_error *err);
/* The strategy name of a negotiator seat ("linear", ...). */
PARLEY_API const char *parley_session_strategy_name(const parley_session *s, size_t seat);

/* Events, for traces: everything that happens, with everybody's
 * utilities (undiscounted, one per scenario party, 0 for parties without
 * preferences).  party is a scenario party index (SIZE_MAX for the
 * neutral mediator or the protocol itself). */
typedef enum parley_trace_kind {
    PARLEY_TRACE_OFFER = 0,
    PARLEY_TRACE_ACCEPT,
    PARLEY_TRACE_END,         /* a party walked away */
    PARLEY_TRACE_TEXT,        /* mediator's text */
    PARLEY_TRACE_VOTE,        /* accepted: the vote */
    PARLEY_TRACE_TEXT_RESULT, /* accepted: by all */
    PARLEY_TRACE_AGREEMENT,   /* the talks produced outcome */
    PARLEY_TRACE_RATIFY,      /* a ratifier's vote (accepted) */
    PARLEY_TRACE_DEADLINE     /* time ran out */
} parley_trace_kind;

typedef struct parley_trace_event {
    parley_trace_kind kind;
    unsigned long round;
    double t;
    size_t party;
    bool has_outcome;
    uint64_t outcome_id;       /* as parley_session_result's */
    const uint32_t *outcome;   /* value indices, borrowed for the call */
    const double *utilities;   /* one per scenario party, borrowed */
    bool accepted;
} parley_trace_event;

typedef void (*parley_trace_fn)(void *ud, const parley_trace_event *ev);
PARLEY_API void parley_session_set_trace(parley_session *s, parley_trace_fn fn, void *ud);

/* An interrupt: fn(ud) is called before every turn (each offer or
 * response, each mediator text); when it returns true the run ends there,
 * without a deal, and the result says `interrupted`.  It does not change
 * the session's time t, so a run it does not stop is the same as a run
 * without it.  fn NULL: none.  Used by tournaments to stop at once and to
 * end sessions that run past a wall-time limit. */
typedef bool (*parley_interrupt_fn)(void *ud);
PARLEY_API void parley_session_set_interrupt(parley_session *s, parley_interrupt_fn fn,
                                             void *ud);

/* The result of a run.  Arrays have one entry per scenario party. */
typedef struct parley_session_result {
    bool agreement;            /* a deal, ratified when ratification ran */
    bool talks_agreed;         /* the negotiators agreed (before ratification) */
    bool vetoed;               /* a ratifier vetoed the deal */
    size_t vetoed_by;          /* the first ratifier that vetoed (party) */
    const uint32_t *talks_outcome; /* what the negotiators agreed on, or NULL */
    bool walked_away;          /* a negotiator ended the talks */
    size_t ended_by;           /* its party index (walked_away) */
    unsigned long rounds;      /* rounds used */
    double t;                  /* time at the end */
    const uint32_t *outcome;   /* the deal (issue_count indices), or NULL */
    uint64_t outcome_id;       /* its mixed-radix id; past 2^64 outcomes the
                                * session's own number for it (in order of
                                * first mention) */
    const double *utility;     /* undiscounted u(deal), or rv without one */
    const double *discounted;  /* u * d^t, or rv * d^t without one */
    double welfare;            /* sum of discounted utilities of the
                                * negotiators and ratifiers; 0 without deal */
    unsigned long offers;      /* offers (or texts) made */
    bool interrupted;          /* the interrupt function ended the run */
} parley_session_result;

/* Run the session from the start (a session may be run again: each run
 * starts afresh with the seed in options, or the one from
 * parley_session_reseed).  *res borrows from the session until the next
 * run or free.  Fails only on a strategy failure (PARLEY_ERR_INVALID,
 * message from the strategy) or out of memory. */
PARLEY_API parley_status parley_session_run(parley_session *s, parley_session_result *res,
                                            parley_error *err);
PARLEY_API void parley_session_reseed(parley_session *s, uint64_t seed);

/* Quality measures, as GENIUS 10.4's MultilateralAnalysis computes them
 * for a session that ended at time t: every outcome is discounted at t
 * (u_j * d_j^t for stakeholder j, d_j its discount factor in sc), the
 * Pareto frontier is that of the discounted outcomes, and the Nash point
 * is the frontier point maximising the product over j of
 * (u_j * d_j^t - rv_j), with the UNdiscounted reservation values rv_j
 * (multiplied in dimension order from 1.0; the first strict maximum from
 * -1 in ascending u_1 wins).  u is the session's point as GENIUS takes
 * it: one utility per analysis dimension (stakeholder), the discounted
 * utilities of the deal, or 0 for each without a deal.  The distance is
 * Euclidean.  an must be the analysis of sc; sc NULL means no discounts
 * and reservation values 0.  NaN when there is no frontier, when u is
 * NULL, or above 64 dimensions. */
PARLEY_API double parley_pareto_distance_at(const parley_analysis *an, const parley_scenario *sc,
                                            double t, const double *u);
PARLEY_API double parley_nash_distance_at(const parley_analysis *an, const parley_scenario *sc,
                                          double t, const double *u);
/* The same without discounting (t = 0): the distance from u to the
 * all-outcomes frontier, and to the analysis's GENIUS Nash point
 * (PARLEY_SOLUTION_GENIUS_NASH).  Kept for callers without a session. */
PARLEY_API double parley_pareto_distance(const parley_analysis *an, const double *u);
PARLEY_API double parley_nash_distance(const parley_analysis *an, const double *u);

#ifdef __cplusplus
}
#endif

#endif
