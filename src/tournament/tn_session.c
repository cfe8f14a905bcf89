/*
 * tn_session.c -- a session's identity (from its id) and running it.
 *
 * parley_tournament_identify inverts the enumeration of tn.h: find the
 * scenario by binary search over base[], then split the local id in mixed
 * radix (focal, opponent, rotation, repetition).
 *
 * A worker keeps one parley_session per scenario, made on first use with
 * the tournament's protocol and deadline.  Each run sets every seat's
 * strategy and the session's seed afresh, and a session starts every run
 * from scratch (parley_session_run), so a result depends only on the
 * tournament and the id -- not on which worker ran it or what it ran
 * before.  The measures follow GENIUS (research notes §8): utilities are
 * discounted; without a deal the distances are measured from the origin.
 *
 * Limits.  Every session gets an interrupt (parley_session_set_interrupt),
 * called before every turn: when the run is stopping (tn_worker_limits'
 * stop flag) the session is abandoned -- run_session fails with
 * PARLEY_ERR_LIMIT and tn_worker_abandoned says why, so nothing is stored;
 * when the session has run longer than the wall-time limit it ends there,
 * without a deal, and its record says timed_out.  The interrupt does not
 * change a session's time, so a session it does not stop is the same as
 * without it: only the sessions that time out depend on the machine.
 *
 * Memory: a worker owns its sessions; parley_tournament_worker_free frees
 * them.  Both are allocated with the tournament's allocator (t->ap).  A worker is used by one thread at a time.
 */
#include "tn.h"

#include <math.h>
#include <string.h>
#include <time.h>

struct parley_tournament_worker {
    const parley_tournament *t;
    parley_session **s; /* one per scenario, NULL until used */
    double *vec;        /* distance vector, max dims */
    size_t maxd;
    const atomic_int *stop; /* non-zero: abandon the session in flight */
    double limit;       /* wall-time limit of a session, seconds; 0: none */
    double t0;          /* when the session in flight started */
    bool abandoned;     /* the last run was abandoned (stop) */
};

static double tn_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The sessions' interrupt, called before every turn: the run is stopping
 * (abandon the session), or the session has used its wall time. */
static bool tn_interrupt(void *ud)
{
    parley_tournament_worker *w = ud;
    if (w->stop && atomic_load_explicit(w->stop, memory_order_relaxed)) {
        w->abandoned = true;
        return true;
    }
    return w->limit > 0 && tn_clock() - w->t0 >= w->limit;
}

void tn_worker_limits(parley_tournament_worker *w, const atomic_int *stop, double time_limit)
{
    if (!w)
        return;
    w->stop = stop;
    w->limit = time_limit > 0 ? time_limit : 0;
}

bool tn_worker_abandoned(const parley_tournament_worker *w)
{
    return w && w->abandoned;
}

parley_status parley_tournament_identify(const parley_tournament *t, uint64_t id,
                                         parley_tournament_record *rec, parley_error *err)
{
    if (!t || !rec || id >= t->base[t->nscen])
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "session id %llu is out of range (the tournament has %llu)",
                            (unsigned long long)id,
                            (unsigned long long)(t ? t->base[t->nscen] : 0));
    size_t lo = 0, hi = t->nscen; /* last scenario with base <= id */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->base[mid] <= id)
            lo = mid;
        else
            hi = mid;
    }
    memset(rec, 0, sizeof *rec);
    uint64_t local = id - t->base[lo];
    uint64_t seats = t->seats[lo], S = t->nstrat;
    rec->id = id;
    rec->scenario = (uint32_t)lo;
    rec->repetition = (uint32_t)(local % t->reps);
    local /= t->reps;
    rec->rotation = (uint32_t)(local % seats);
    local /= seats;
    rec->opponent = (uint32_t)(local % S);
    rec->focal = (uint32_t)(local / S);
    rec->seats = (uint32_t)seats;
    for (uint32_t k = 0; k < rec->seats; k++) {
        rec->strategy[k] = k == rec->rotation ? rec->focal : rec->opponent;
        rec->party[k] = t->seat_party[lo][k];
    }
    rec->seed = tn_seed(t->seed, rec->scenario, rec->focal, rec->opponent, rec->rotation,
                        rec->repetition);
    rec->pareto_distance = rec->nash_distance = NAN;
    return PARLEY_OK;
}

parley_status parley_tournament_worker_new(const parley_tournament *t,
                                           parley_tournament_worker **out, parley_error *err)
{
    if (!t || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no tournament or no output");
    parley_tournament_worker *w = parleyx_calloc(t->ap, 1, sizeof *w);
    if (!w)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    w->t = t;
    w->limit = t->time_limit;
    for (size_t i = 0; i < t->nscen; i++)
        if (t->nd[i] > w->maxd)
            w->maxd = t->nd[i];
    w->s = parleyx_calloc(t->ap, t->nscen, sizeof *w->s);
    w->vec = parleyx_calloc(t->ap, w->maxd ? w->maxd : 1, sizeof(double));
    if (!w->s || !w->vec) {
        parley_tournament_worker_free(w);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = w;
    return PARLEY_OK;
}

void parley_tournament_worker_free(parley_tournament_worker *w)
{
    if (!w)
        return;
    if (w->s)
        for (size_t i = 0; i < w->t->nscen; i++)
            parley_session_free(w->s[i]);
    const parley_allocator *a = w->t->ap;
    parleyx_free(a, w->s, w->t->nscen * sizeof *w->s);
    parleyx_free(a, w->vec, (w->maxd ? w->maxd : 1) * sizeof(double));
    parleyx_free(a, w, sizeof *w);
}

parley_status parley_tournament_run_session(parley_tournament_worker *w, uint64_t id,
                                            parley_tournament_record *rec, parley_error *err)
{
    if (!w)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no worker");
    const parley_tournament *t = w->t;
    parley_status st = parley_tournament_identify(t, id, rec, err);
    if (st != PARLEY_OK)
        return st;
    size_t i = rec->scenario;
    if (!w->s[i]) {
        parley_session_options so;
        parley_session_options_init(&so);
        so.protocol = t->protocol;
        so.rounds = t->rounds;
        so.alloc = t->ap;
        st = parley_session_new(t->sc[i], &so, &w->s[i], err);
        if (st != PARLEY_OK)
            return st;
        parley_session_set_interrupt(w->s[i], tn_interrupt, w);
    }
    parley_session *s = w->s[i];
    for (uint32_t k = 0; k < rec->seats; k++) {
        st = parley_session_set_strategy(s, rec->party[k], t->strat[rec->strategy[k]], err);
        if (st != PARLEY_OK)
            return st;
    }
    parley_session_reseed(s, rec->seed);
    parley_session_result res;
    w->abandoned = false;
    w->t0 = tn_clock();
    st = parley_session_run(s, &res, err);
    if (st != PARLEY_OK)
        return st;
    if (w->abandoned)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "session %llu was abandoned: the run is stopping",
                            (unsigned long long)id);
    rec->timed_out = res.interrupted;
    rec->agreement = res.agreement;
    rec->walked_away = res.walked_away;
    rec->vetoed = res.vetoed;
    uint64_t nout; /* past 2^64 outcomes an id is the session's own handle: not stored */
    rec->has_outcome = res.agreement && res.outcome != NULL &&
                       parley_scenario_outcome_count(t->sc[i], &nout) == PARLEY_OK;
    rec->outcome_id = rec->has_outcome ? res.outcome_id : 0;
    rec->rounds = res.rounds;
    rec->t = res.t;
    rec->welfare = res.welfare;
    for (uint32_t k = 0; k < rec->seats; k++)
        rec->utility[k] = res.discounted[rec->party[k]];
    if (t->an[i]) {
        for (size_t j = 0; j < t->nd[i]; j++)
            w->vec[j] = res.agreement ? res.discounted[t->dims[i][j]] : 0.0;
        rec->pareto_distance = parley_pareto_distance_at(t->an[i], t->sc[i], res.t, w->vec);
        rec->nash_distance = parley_nash_distance_at(t->an[i], t->sc[i], res.t, w->vec);
    }
    return PARLEY_OK;
}
