/*
 * parley/agent.h -- the negotiator interface: what a strategy is, and the
 * restricted view of the negotiation it gets.
 *
 * This header stands alone (it needs only the C standard headers), so a
 * strategy compiled to a shared object does not link against libparley:
 * everything it may call comes through function pointers in the view.
 * docs/negotiation.md has a complete example (examples/agents/mystrategy.c),
 * built with
 *
 *     cc -shared -fPIC -I include examples/agents/mystrategy.c -o mystrategy.so
 *
 * and loaded with `parley negotiate ... --agent PARTY=./mystrategy.so`.
 * A shared object exports one function,
 *
 *     const parley_strategy *parley_agent_entry(void);
 *
 * returning a strategy with abi == PARLEY_AGENT_ABI.
 *
 * Outcomes.  Every outcome of the scenario has an id in [0, outcomes):
 * the mixed-radix number of its value indices, issue 0 most significant
 * (id = ((v0 * n1 + v1) * n2 + v2) ...).  decode/encode convert.
 * Sessions on more than PARLEY_SESSION_MAX_OUTCOMES outcomes (negotiation.h)
 * keep no ranked list and do not run strategies given as plugins.
 *
 * Privacy.  A negotiator sees its own preferences (utility, reservation
 * value, discount factor, its own red lines through `acceptable`), the
 * issues and values, the time, and what was said at the table (offers,
 * acceptances, walk-aways, votes).  It never sees another party's utility.
 *
 * Threads.  A session calls a strategy from one thread at a time.
 */
#ifndef PARLEY_AGENT_H
#define PARLEY_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARLEY_AGENT_ABI 1

/* An answer to an offer on the table (or to a mediator's text). */
typedef enum parley_response {
    PARLEY_RESPONSE_REJECT = 0, /* SAO: reject and make a counter-offer */
    PARLEY_RESPONSE_ACCEPT = 1,
    PARLEY_RESPONSE_END = 2     /* walk away: the session ends without a deal */
} parley_response;

/* What was said at the table, as the other negotiators see it. */
typedef enum parley_event_kind {
    PARLEY_EVENT_OFFER = 0,  /* seat offered outcome */
    PARLEY_EVENT_ACCEPT,     /* seat accepted the offer on the table */
    PARLEY_EVENT_REJECT,     /* seat rejected (a counter-offer follows) */
    PARLEY_EVENT_END,        /* seat walked away */
    PARLEY_EVENT_TEXT,       /* mediated: the mediator proposed outcome */
    PARLEY_EVENT_VOTE,       /* mediated: seat voted (accepted says how) */
    PARLEY_EVENT_TEXT_RESULT /* mediated: outcome accepted by all or not */
} parley_event_kind;

typedef struct parley_observation {
    parley_event_kind kind;
    size_t seat;      /* the acting negotiator's seat (not for TEXT/TEXT_RESULT) */
    uint64_t outcome; /* the outcome concerned */
    bool accepted;    /* VOTE and TEXT_RESULT */
    unsigned long round;
    double t;
} parley_observation;

/* The view of one negotiator.  Every function takes the view itself as
 * first argument.  Pointers returned are borrowed for the session. */
typedef struct parley_agent_ctx parley_agent_ctx;
struct parley_agent_ctx {
    unsigned abi;            /* PARLEY_AGENT_ABI */
    size_t seat;             /* this negotiator's seat, 0..seats-1 */
    size_t seats;            /* negotiators at the table */
    size_t issues;
    const uint32_t *values;  /* values per issue */
    uint64_t outcomes;       /* number of outcomes */
    double reservation;      /* own reservation value (undiscounted) */
    double discount;         /* own discount factor d in (0, 1] */
    unsigned long max_rounds; /* round deadline; 0 when only a time limit */
    bool mediated;           /* respond() answers a mediator's text */

    /* Own undiscounted utility of an outcome. */
    double (*utility)(const parley_agent_ctx *c, uint64_t outcome);
    /* True if no own red line is broken and utility >= reservation. */
    bool (*acceptable)(const parley_agent_ctx *c, uint64_t outcome);
    /* Relative time t in [0, 1] (deadline at 1). */
    double (*time)(const parley_agent_ctx *c);
    unsigned long (*round)(const parley_agent_ctx *c); /* 1-based */
    /* A private, seeded random stream (same seed: same numbers). */
    uint64_t (*random)(const parley_agent_ctx *c);
    /* Outcomes sorted by own utility, best first (ties: smaller id
     * first), only those acceptable to self: how many, the id at rank r,
     * and the number of them with utility >= u (so the rank of the worst
     * one still >= u is that number minus one). */
    size_t (*ranked_count)(const parley_agent_ctx *c);
    uint64_t (*ranked)(const parley_agent_ctx *c, size_t r);
    size_t (*ranked_at_least)(const parley_agent_ctx *c, double u);
    /* Offers made so far, oldest first (mediated protocol: the mediator's
     * texts, with *seat set to SIZE_MAX). */
    size_t (*history_count)(const parley_agent_ctx *c);
    uint64_t (*history_offer)(const parley_agent_ctx *c, size_t i, size_t *seat);
    /* Outcome id <-> value indices (issues entries). */
    void (*decode)(const parley_agent_ctx *c, uint64_t outcome, uint32_t *v);
    uint64_t (*encode)(const parley_agent_ctx *c, const uint32_t *v);
    /* Names, for strategies that talk to people.  Labels are written into
     * buf (NUL-terminated) and buf is returned. */
    const char *(*issue_name)(const parley_agent_ctx *c, size_t issue);
    const char *(*value_label)(const parley_agent_ctx *c, size_t issue, uint32_t k, char *buf,
                               size_t n);
    const char *(*party_name)(const parley_agent_ctx *c, size_t seat);

    void *engine; /* the session's; do not touch */
};

/* What a strategy's create writes into errbuf when it fails for lack of
 * memory: the session then reports PARLEY_ERR_NOMEM (any other reason is
 * PARLEY_ERR_INVALID). */
#define PARLEY_AGENT_NOMEM "out of memory"

/* A strategy.  create returns the per-negotiator state (NULL on failure,
 * after writing a reason into errbuf; PARLEY_AGENT_NOMEM when memory ran
 * out).  params is the text after ':' in
 * "name:params" ("" when none), as "key=value,key=value".
 *
 * propose: write the offer (an outcome id) into *offer and return true, or
 *          return false to walk away.
 * respond: answer the offer on the table (SAO) or the mediator's text
 *          (mediated protocol; REJECT and END then both count as "no").
 * observe: told of every event at the table, including its own; may be
 *          NULL.
 * destroy: frees the state; may be NULL. */
typedef struct parley_strategy {
    unsigned abi; /* PARLEY_AGENT_ABI */
    const char *name;
    void *(*create)(const parley_agent_ctx *c, const char *params, char *errbuf, size_t errlen);
    bool (*propose)(void *state, const parley_agent_ctx *c, uint64_t *offer);
    parley_response (*respond)(void *state, const parley_agent_ctx *c, uint64_t offer);
    void (*observe)(void *state, const parley_agent_ctx *c, const parley_observation *ev);
    void (*destroy)(void *state);
} parley_strategy;

/* The symbol a strategy shared object exports. */
typedef const parley_strategy *(*parley_agent_entry_fn)(void);
#define PARLEY_AGENT_ENTRY "parley_agent_entry"

#ifdef __cplusplus
}
#endif

#endif
