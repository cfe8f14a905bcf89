/*
 * mystrategy.c -- a complete negotiation strategy for parley, as a shared
 * object.  Build and use it:
 *
 *     cc -shared -fPIC -I include examples/agents/mystrategy.c -o mystrategy.so
 *     parley negotiate examples/buyer-seller.yaml \
 *         --agent Buyer=./mystrategy.so:floor=0.5 --agent Seller=conceder
 *
 * The strategy, "deadline-aware mirror": it starts at its best outcome and
 * concedes linearly in time towards `floor` (default: its reservation
 * value), but never further than the other side has conceded to it so
 * far (measured in its own utility: best offer received minus the first),
 * except in the last 10% of the time, when it falls straight to its floor.  It accepts any offer
 * at least as good as the offer it would make next, and walks away when
 * nothing is acceptable to it.
 *
 * It needs only parley/agent.h: everything it knows comes through the
 * view (ctx): its own utility, its sorted outcomes, the time, the offers
 * made.  It never sees another party's utility.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/agent.h"

typedef struct mirror {
    double floor;    /* lowest utility it will ever ask for */
    double first_in; /* own utility of the first offer received */
    double best_in;  /* best own utility offered to it so far */
    bool have_in;
} mirror;

static void *mirror_create(const parley_agent_ctx *c, const char *params, char *err, size_t n)
{
    mirror *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, n, "%s", PARLEY_AGENT_NOMEM);
        return NULL;
    }
    m->floor = c->reservation;
    if (params && *params) {
        if (strncmp(params, "floor=", 6) != 0) {
            snprintf(err, n, "unknown parameter '%s' (known: floor=X)", params);
            free(m);
            return NULL;
        }
        char *end;
        m->floor = strtod(params + 6, &end);
        if (*end || m->floor < 0 || m->floor > 1) {
            snprintf(err, n, "floor must be a number in [0, 1]");
            free(m);
            return NULL;
        }
    }
    return m;
}

/* The utility it asks for now: linear in time from its best outcome to
 * its floor, but no lower than its best minus what the other side has
 * conceded so far (in its own utility); in the last 10% of the time, the
 * floor. */
static double level(const mirror *m, const parley_agent_ctx *c)
{
    if (c->ranked_count(c) == 0)
        return 1.0;
    double top = c->utility(c, c->ranked(c, 0));
    double t = c->time(c);
    if (t >= 0.9)
        return m->floor;
    double lin = top - (top - m->floor) * t;
    double conceded = m->have_in ? m->best_in - m->first_in : 0.0;
    double mirrored = top - conceded;
    double x = lin > mirrored ? lin : mirrored;
    return x < m->floor ? m->floor : x;
}

/* The worst of its acceptable outcomes still worth `x` to it. */
static uint64_t pick(const parley_agent_ctx *c, double x)
{
    size_t k = c->ranked_at_least(c, x);
    return c->ranked(c, k ? k - 1 : 0);
}

static bool mirror_propose(void *state, const parley_agent_ctx *c, uint64_t *offer)
{
    if (c->ranked_count(c) == 0)
        return false; /* nothing acceptable: walk away */
    *offer = pick(c, level(state, c));
    return true;
}

static parley_response mirror_respond(void *state, const parley_agent_ctx *c, uint64_t offer)
{
    if (c->ranked_count(c) == 0)
        return PARLEY_RESPONSE_END;
    double mine = c->utility(c, pick(c, level(state, c)));
    if (c->acceptable(c, offer) && c->utility(c, offer) >= mine)
        return PARLEY_RESPONSE_ACCEPT;
    return PARLEY_RESPONSE_REJECT;
}

static void mirror_observe(void *state, const parley_agent_ctx *c, const parley_observation *ev)
{
    mirror *m = state;
    if (ev->kind == PARLEY_EVENT_OFFER && ev->seat != c->seat) {
        double u = c->utility(c, ev->outcome);
        if (!m->have_in) {
            m->first_in = m->best_in = u;
            m->have_in = true;
        } else if (u > m->best_in) {
            m->best_in = u;
        }
    }
}

static const parley_strategy mirror_strategy = {
    PARLEY_AGENT_ABI, "mirror", mirror_create, mirror_propose, mirror_respond, mirror_observe,
    free};

const parley_strategy *parley_agent_entry(void);
const parley_strategy *parley_agent_entry(void)
{
    return &mirror_strategy;
}
