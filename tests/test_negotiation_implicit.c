/*
 * test_negotiation_implicit.c -- sessions that do not enumerate the outcome
 * space (issue 16 item 5): the implicit index against brute force, the
 * implicit path against the enumerated one on small spaces (forced with
 * PARLEY_SESSION_IMPLICIT=1), sessions on 10^30 outcomes, refusals.
 *
 * Independence.  Scenarios are built here through the public API from
 * tables the test keeps (weights, evaluations, interaction terms of one or
 * two issue equalities, the red line i0 != v1), and the test computes every
 * utility itself from those tables -- the documented formula
 * clamp01(L + I / divisor), folds in issue and term order -- so neither
 * the index nor the engine checks itself.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley/parley.h"
#include "negotiation/ng.h"
#include "parley/negotiation.h"
#include "helpers/helpers.h"

#define GM 32 /* issues at most */
#define GV 10 /* values at most */
#define GP 3  /* parties at most */
#define GT 24 /* interaction terms per party at most */

typedef struct gterm {
    size_t a, b; /* issues (b == a: one condition) */
    uint32_t va, vb;
    double value;
} gterm;

/* A generated scenario and everything needed to evaluate it by hand. */
typedef struct gen {
    parley_scenario *sc;
    size_t m, np;
    uint32_t nv[GM];
    double w[GP][GM], ev[GP][GM][GV];
    size_t nt[GP];
    gterm t[GP][GT];
    double rv[GP];
    bool redline0; /* party 0: i0 != v1 */
} gen;

static rng rs;

static double pick_coarse(void)
{
    return (double)(rng_u32(&rs) % 11) / 10.0;
}

/* m issues of 2..maxv values (exactly maxv when fixed), np negotiators;
 * fine: continuous weights and evaluations (utilities almost surely
 * distinct), else tenths (many ties); up to nt terms each, values of
 * either sign. */
static void gen_build(gen *g, size_t m, uint32_t maxv, bool fixed, size_t np, bool fine,
                      size_t nt, bool redline, bool rvs)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    g->np = np;
    parley_scenario *sc = parley_scenario_new(NULL);
    cr_assert_not_null(sc);
    char name[32], labels[GV][16];
    const char *lp[GV];
    for (uint32_t k = 0; k < GV; k++) {
        snprintf(labels[k], sizeof labels[k], "v%u", k);
        lp[k] = labels[k];
    }
    for (size_t i = 0; i < m; i++) {
        g->nv[i] = fixed ? maxv : 2 + rng_u32(&rs) % (maxv - 1);
        snprintf(name, sizeof name, "i%zu", i);
        cr_assert_eq(parley_scenario_add_discrete(sc, name, g->nv[i], lp, NULL, NULL), PARLEY_OK);
    }
    for (size_t p = 0; p < np; p++) {
        snprintf(name, sizeof name, "P%zu", p);
        cr_assert_eq(parley_scenario_add_party(sc, name, PARLEY_ROLE_NEGOTIATOR, NULL, NULL),
                     PARLEY_OK);
        for (size_t i = 0; i < m; i++) {
            g->w[p][i] = fine ? (0.4 + rng_unit(&rs)) / (double)m
                             : (double)(1 + rng_u32(&rs) % 10) / 10.0 / (double)m;
            cr_assert_eq(parley_party_set_weight(sc, p, i, g->w[p][i]), PARLEY_OK);
            for (uint32_t k = 0; k < g->nv[i]; k++) {
                g->ev[p][i][k] = fine ? rng_unit(&rs) : pick_coarse();
                cr_assert_eq(parley_party_set_value_eval(sc, p, i, k, g->ev[p][i][k]), PARLEY_OK);
            }
        }
        g->nt[p] = nt ? rng_u32(&rs) % (nt + 1) : 0;
        for (size_t t = 0; t < g->nt[p]; t++) {
            gterm *x = &g->t[p][t];
            x->a = rng_u32(&rs) % m;
            x->b = rng_u32(&rs) % 2 ? x->a : rng_u32(&rs) % m;
            x->va = rng_u32(&rs) % g->nv[x->a];
            x->vb = rng_u32(&rs) % g->nv[x->b];
            if (x->b == x->a)
                x->vb = x->va;
            x->value = fine ? rng_unit(&rs) * 0.6 - 0.2 : (double)((int)(rng_u32(&rs) % 7) - 2) / 10.0;
            char when[96];
            if (x->b == x->a)
                snprintf(when, sizeof when, "i%zu == v%u", x->a, x->va);
            else
                snprintf(when, sizeof when, "i%zu == v%u and i%zu == v%u", x->a, x->va, x->b,
                         x->vb);
            cr_assert_eq(parley_party_add_interaction(sc, p, when, x->value, NULL), PARLEY_OK);
        }
        g->rv[p] = rvs ? (double)(rng_u32(&rs) % 4) / 10.0 : 0.0;
        cr_assert_eq(parley_party_set_reservation(sc, p, g->rv[p]), PARLEY_OK);
    }
    g->redline0 = redline;
    if (redline)
        cr_assert_eq(parley_party_add_redline(sc, 0, "r", "i0 != v1", NULL), PARLEY_OK);
    parley_error err;
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    g->sc = sc;
}

/* The utility of o to party p, from the test's tables. */
static double gen_u(const gen *g, size_t p, const uint32_t *o)
{
    double lin = 0.0;
    for (size_t i = 0; i < g->m; i++)
        lin += g->w[p][i] * g->ev[p][i][o[i]];
    double s = lin;
    if (g->nt[p]) {
        double in = 0.0;
        for (size_t t = 0; t < g->nt[p]; t++) {
            const gterm *x = &g->t[p][t];
            if (o[x->a] == x->va && o[x->b] == x->vb)
                in += x->value;
        }
        s = lin + in / 1.0;
        s = s > 0.0 ? s : 0.0;
    }
    return s < 1.0 ? s : 1.0;
}

static bool gen_lines(const gen *g, size_t p, const uint32_t *o)
{
    return !(p == 0 && g->redline0 && o[0] == 1);
}

static uint64_t gen_count(const gen *g)
{
    uint64_t n = 1;
    for (size_t i = 0; i < g->m; i++)
        n *= g->nv[i];
    return n;
}

static void gen_decode(const gen *g, uint64_t id, uint32_t *v)
{
    for (size_t i = g->m; i-- > 0;) {
        v[i] = (uint32_t)(id % g->nv[i]);
        id /= g->nv[i];
    }
}

static uint64_t gen_encode(const gen *g, const uint32_t *v)
{
    uint64_t id = 0;
    for (size_t i = 0; i < g->m; i++)
        id = id * g->nv[i] + v[i];
    return id;
}

static parley_session *session_of(const parley_scenario *sc, bool implicit,
                                  const parley_session_options *o)
{
    if (implicit)
        setenv("PARLEY_SESSION_IMPLICIT", "1", 1);
    parley_session *s = NULL;
    parley_error err;
    parley_status st = parley_session_new(sc, o, &s, &err);
    unsetenv("PARLEY_SESSION_IMPLICIT");
    cr_assert_eq(st, PARLEY_OK, "%s", err.message);
    cr_assert_eq(s->implicit, implicit);
    return s;
}

static size_t iters(size_t n)
{
    const char *v = getenv("PARLEY_UNDER_VALGRIND");
    return v && strcmp(v, "1") == 0 ? (n / 20 ? n / 20 : 1) : n;
}

/* ------------------------------------------------------- the index */

/* Brute force of one query over the outcomes keeping p's red lines:
 * maximise or minimise u within [lo, hi] (ends open or not), ties to the
 * smallest or largest id.  Returns the id or UINT64_MAX. */
static uint64_t brute(const gen *g, size_t p, bool maximise, bool largest, double lo, bool lo_open,
                      double hi, bool hi_open, double *u_out)
{
    uint64_t n = gen_count(g), best = UINT64_MAX;
    double bu = 0.0;
    uint32_t v[GM];
    for (uint64_t id = 0; id < n; id++) {
        gen_decode(g, id, v);
        if (!gen_lines(g, p, v))
            continue;
        double u = gen_u(g, p, v);
        if (u < lo || (lo_open && u == lo) || u > hi || (hi_open && u == hi))
            continue;
        bool take = best == UINT64_MAX || (maximise ? u > bu : u < bu) || (u == bu && largest);
        if (take) {
            best = id;
            bu = u;
        }
    }
    *u_out = bu;
    return best;
}

Test(implicit_index, queries_equal_brute_force)
{
    rs.s = 1601;
    size_t checked = 0, ties = 0;
    for (size_t it = 0; it < iters(300); it++) {
        gen g;
        gen_build(&g, 2 + rng_u32(&rs) % 4, 6, false, 2, it % 2, it % 3 ? 6 : 0, it % 4 == 1,
                  it % 5 == 2);
        parley_session *s = session_of(g.sc, true, NULL);
        for (size_t k = 0; k < s->seats; k++) {
            ng_agent *a = &s->agents[k];
            size_t p = a->party;
            uint32_t out[GM];
            double u, bu;
            for (int q = 0; q < 24; q++) {
                double x;
                if (q % 3 == 0) { /* an attained utility: exact hits and ties */
                    uint32_t v[GM];
                    gen_decode(&g, rng_u32(&rs) % gen_count(&g), v);
                    x = gen_u(&g, p, v);
                } else {
                    x = rng_unit(&rs) * 1.2 - 0.1;
                }
                bool largest = q % 2;
                uint64_t b = brute(&g, p, false, largest, x, false, INFINITY, false, &bu);
                bool f = ng_index_at_least(a->ix, x, largest, out, &u);
                cr_assert_eq(f, b != UINT64_MAX, "at_least(%.17g) found", x);
                if (f) {
                    cr_assert_eq(u, bu);
                    cr_assert_eq(gen_encode(&g, out), b, "at_least(%.17g) tie", x);
                    cr_assert_eq(u, gen_u(&g, p, out));
                }
                double vu;
                cr_assert_eq(ng_index_value(a->ix, false, x, &vu), b != UINT64_MAX);
                if (b != UINT64_MAX)
                    cr_assert_eq(vu, bu, "value(%.17g)", x);
                b = brute(&g, p, true, false, -INFINITY, false, x, true, &bu);
                f = ng_index_below(a->ix, x, out, &u);
                cr_assert_eq(f, b != UINT64_MAX);
                if (f) {
                    cr_assert_eq(u, bu);
                    cr_assert_eq(gen_encode(&g, out), b);
                }
                checked++;
            }
            double bu2;
            uint64_t b = brute(&g, p, true, false, -INFINITY, false, INFINITY, false, &bu2);
            bool f = ng_index_best(a->ix, out, &u);
            cr_assert_eq(f, b != UINT64_MAX);
            double vu;
            cr_assert_eq(ng_index_value(a->ix, true, -INFINITY, &vu), f);
            if (f) {
                cr_assert_eq(vu, bu2);
                cr_assert_eq(u, bu2);
                cr_assert_eq(gen_encode(&g, out), b);
                /* ties at the top: are there other outcomes of that utility? */
                double lu;
                uint64_t last = brute(&g, p, true, true, -INFINITY, false, INFINITY, false, &lu);
                ties += last != b;
            }
        }
        parley_session_free(s);
        parley_scenario_free(g.sc);
    }
    cr_assert_gt(checked, 100);
    cr_assert_gt(ties, 0, "the coarse scenarios should have ties");
}

/* The implicit GENIUS pick has the utility of GENIUS's getBidNearUtility
 * over the enumerated GENIUS order, for every target. */
Test(implicit_index, near_matches_genius_utility)
{
    rs.s = 1602;
    for (size_t it = 0; it < iters(200); it++) {
        gen g;
        gen_build(&g, 2 + rng_u32(&rs) % 3, 5, false, 2, it % 2, it % 2 ? 5 : 0, it % 3 == 0,
                  false);
        parley_session *se = session_of(g.sc, false, NULL);
        parley_session *si = session_of(g.sc, true, NULL);
        for (size_t k = 0; k < se->seats; k++) {
            ng_agent *ae = &se->agents[k], *ai = &si->agents[k];
            cr_assert(ng_genius_order(ae));
            if (!ae->ngorder)
                continue;
            for (int q = 0; q < 30; q++) {
                double x = q % 3 ? rng_unit(&rs) * 1.2 - 0.1
                                 : ae->gorderu[rng_u32(&rs) % ae->ngorder];
                size_t r = ng_genius_near(ae->gorderu, ae->ngorder, x);
                uint32_t out[GM];
                double u;
                cr_assert(ng_index_near(ai->ix, x, out, &u));
                cr_assert_eq(u, ae->gorderu[r], "target %.17g: %.17g, GENIUS %.17g", x, u,
                             ae->gorderu[r]);
            }
        }
        parley_session_free(se);
        parley_session_free(si);
        parley_scenario_free(g.sc);
    }
}

/* ------------------------------------------------------- traces */

typedef struct rec {
    char *buf;
    size_t len, cap;
} rec;

static void rec_add(rec *r, const char *line, size_t n)
{
    if (r->len + n + 2 > r->cap) {
        r->cap = (r->cap + n + 2) * 2;
        r->buf = realloc(r->buf, r->cap);
        cr_assert_not_null(r->buf);
    }
    memcpy(r->buf + r->len, line, n);
    r->len += n;
    r->buf[r->len++] = '\n';
    r->buf[r->len] = '\0';
}

static void on_ev(void *ud, const parley_trace_event *ev)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%d %lu %.17g %zu %d %llu %d", (int)ev->kind, ev->round,
                     ev->t, ev->party, ev->has_outcome, (unsigned long long)ev->outcome_id,
                     ev->accepted);
    if (ev->has_outcome)
        n += snprintf(line + n, sizeof line - (size_t)n, " u0=%.17g", ev->utilities[0]);
    rec_add(ud, line, (size_t)n);
}

/* Run a session with the strategies (one per negotiator; the mediator
 * method for mediated), the trace into *out (caller frees). */
static void run_traced(const parley_scenario *sc, bool implicit, const parley_session_options *o,
                       const char *const *strats, const char *med, rec *out)
{
    parley_session *s = session_of(sc, implicit, o);
    parley_error err;
    if (strats)
        for (size_t k = 0; k < s->seats; k++)
            cr_assert_eq(parley_session_set_strategy(s, s->agents[k].party, strats[k], &err),
                         PARLEY_OK, "%s: %s", strats[k], err.message);
    if (med)
        s->med_kind = strcmp(med, "annealing") == 0    ? NG_MED_ANNEAL
                      : strcmp(med, "neighbours") == 0 ? NG_MED_NEIGHBOURS
                                                       : NG_MED_HILL;
    memset(out, 0, sizeof *out);
    parley_session_set_trace(s, on_ev, out);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
    char tail[128];
    int n = snprintf(tail, sizeof tail, "end %d %d %lu %lu %.17g", res.agreement, res.walked_away,
                     res.rounds, res.offers, res.welfare);
    rec_add(out, tail, (size_t)n);
    parley_session_free(s);
}

/* Every utility of p distinct over the outcomes keeping p's red lines. */
static bool distinct(const gen *g, size_t p)
{
    uint64_t n = gen_count(g);
    double *u = malloc(n * sizeof *u);
    size_t m = 0;
    uint32_t v[GM];
    for (uint64_t id = 0; id < n; id++) {
        gen_decode(g, id, v);
        if (gen_lines(g, p, v))
            u[m++] = gen_u(g, p, v);
    }
    bool ok = true;
    for (size_t i = 0; i < m && ok; i++)
        for (size_t j = i + 1; j < m && ok; j++)
            ok = u[i] != u[j];
    free(u);
    return ok;
}

Test(implicit_session, traces_equal_enumerated)
{
    static const char *const genius[] = {"boulware", "linear", "conceder", "hardliner",
                                         "time-dependent:e=0.5"};
    static const char *const atleast[] = {"time-dependent-at-least",
                                          "time-dependent-at-least:e=0.3",
                                          "time-dependent-at-least:e=3,k=0.1",
                                          "tit-for-tat",
                                          "tit-for-tat:kindness=0.05",
                                          "naive-tit-for-tat:punish=1",
                                          "micro"};
    rs.s = 1603;
    size_t same_genius = 0, same_atleast = 0, same_med = 0;
    for (size_t it = 0; it < iters(240); it++) {
        gen g;
        bool fine = it % 2 == 0;
        size_t np = 2 + (it % 5 == 4);
        gen_build(&g, 2 + rng_u32(&rs) % 3, 5, false, np, fine, it % 3 ? 4 : 0, it % 4 == 3,
                  it % 3 == 1);
        parley_session_options o;
        parley_session_options_init(&o);
        o.rounds = 10 + rng_u32(&rs) % 60;
        o.seed = rng_next(&rs);
        rec a, b;
        const char *st[GP];
        /* time-dependent-at-least: always the same trace */
        for (size_t k = 0; k < np; k++)
            st[k] = atleast[rng_u32(&rs) % 7];
        run_traced(g.sc, false, &o, st, NULL, &a);
        run_traced(g.sc, true, &o, st, NULL, &b);
        cr_assert_str_eq(a.buf, b.buf, "time-dependent-at-least, tit-for-tat, micro, scenario %zu", it);
        same_atleast++;
        free(a.buf);
        free(b.buf);
        /* the GENIUS family: the same when utilities are distinct */
        bool all = true;
        for (size_t k = 0; k < np; k++) {
            st[k] = genius[rng_u32(&rs) % 5];
            all = all && distinct(&g, k);
        }
        if (all) {
            run_traced(g.sc, false, &o, st, NULL, &a);
            run_traced(g.sc, true, &o, st, NULL, &b);
            cr_assert_str_eq(a.buf, b.buf, "GENIUS family, scenario %zu", it);
            same_genius++;
            free(a.buf);
            free(b.buf);
        }
        /* the mediated protocol, every mediator, default voters */
        static const char *const meds[] = {"hill-climbing", "annealing", "neighbours"};
        o.protocol = PARLEY_PROTOCOL_MEDIATED;
        const char *med = meds[it % 3];
        run_traced(g.sc, false, &o, NULL, med, &a);
        run_traced(g.sc, true, &o, NULL, med, &b);
        cr_assert_str_eq(a.buf, b.buf, "mediated %s, scenario %zu", med, it);
        same_med++;
        free(a.buf);
        free(b.buf);
        parley_scenario_free(g.sc);
    }
    cr_assert_gt(same_genius, iters(240) / 4, "%zu", same_genius);
    cr_assert_gt(same_atleast + same_med, 0);
}

/* ------------------------------------------------------- huge spaces */

/* A 10^30-outcome non-linear scenario: 30 issues of 10 values, two
 * negotiators with 24 interaction terms each, P0 with a red line. */
static void build_huge(gen *g)
{
    gen_build(g, 30, 10, true, 2, true, GT, true, false);
    char t[80];
    cr_assert_eq(parley_scenario_outcome_count_text(g->sc, t, sizeof t), PARLEY_OK);
    cr_assert_str_eq(t, "1000000000000000000000000000000");
}

typedef struct huge_rec {
    const gen *g;
    size_t offers, checked;
    bool bad;
    rec r;
} huge_rec;

/* Every outcome of the trace re-evaluated by hand. */
static void on_huge(void *ud, const parley_trace_event *ev)
{
    huge_rec *h = ud;
    on_ev(&h->r, ev);
    if (!ev->has_outcome)
        return;
    h->offers += ev->kind == PARLEY_TRACE_OFFER;
    for (size_t p = 0; p < h->g->np; p++)
        if (ev->utilities[p] != gen_u(h->g, p, ev->outcome))
            h->bad = true;
    if (ev->kind == PARLEY_TRACE_OFFER && ev->party == 0 && !gen_lines(h->g, 0, ev->outcome))
        h->bad = true;
    h->checked++;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

Test(implicit_session, huge_nonlinear_space)
{
    rs.s = 1604;
    gen g;
    build_huge(&g);
    static const char *const pairs[][2] = {{"boulware", "conceder"},
                                           {"linear", "hardliner"},
                                           {"time-dependent-at-least", "random"},
                                           {"conceder", "time-dependent-at-least:e=0.5"},
                                           {"tit-for-tat", "boulware"},
                                           {"micro", "micro"}};
    bool vg = iters(20) == 1;
    for (size_t c = 0; c < (vg ? 1 : 6); c++) {
        parley_session_options o;
        parley_session_options_init(&o);
        o.rounds = vg ? 10 : 100;
        o.seed = 7 + c;
        char prev[2][64] = {"", ""};
        for (int rep = 0; rep < 2; rep++) {
            double t0 = now_s();
            parley_session *s = NULL;
            parley_error err;
            cr_assert_eq(parley_session_new(g.sc, &o, &s, &err), PARLEY_OK, "%s", err.message);
            cr_assert(s->implicit && s->big); /* 10^30 > 2^64 */
            for (size_t k = 0; k < 2; k++)
                cr_assert_eq(parley_session_set_strategy(s, k, pairs[c][k], &err), PARLEY_OK, "%s",
                             err.message);
            huge_rec h = {.g = &g};
            parley_session_set_trace(s, on_huge, &h);
            parley_session_result res;
            cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
            double dt = now_s() - t0;
            cr_assert(!h.bad, "%s vs %s: an outcome's utility differs", pairs[c][0], pairs[c][1]);
            cr_assert_gt(h.offers, 1);
            if (!vg)
                cr_assert_lt(dt, 20.0, "%s vs %s took %.1f s", pairs[c][0], pairs[c][1], dt);
            if (res.agreement)
                for (size_t p = 0; p < 2; p++)
                    cr_assert_eq(res.utility[p], gen_u(&g, p, res.outcome));
            /* deterministic: the second run is the first, event for event */
            char sum[64];
            uint64_t hsh = 1469598103934665603ULL;
            for (size_t i = 0; i < h.r.len; i++)
                hsh = (hsh ^ (unsigned char)h.r.buf[i]) * 1099511628211ULL;
            snprintf(sum, sizeof sum, "%016llx", (unsigned long long)hsh);
            if (rep)
                cr_assert_str_eq(sum, prev[0]);
            snprintf(prev[0], sizeof prev[0], "%s", sum);
            free(h.r.buf);
            parley_session_free(s);
        }
    }
    parley_scenario_free(g.sc);
}

/* Past 2^64 outcomes (40 issues of 10 values): ids are the session's own
 * handles, decoded back to the outcomes offered; the mediated protocol
 * runs too. */
Test(implicit_session, beyond_64_bits)
{
    rs.s = 1605;
    gen g;
    gen_build(&g, 32, 10, true, 2, true, 8, false, false);
    uint64_t n;
    cr_assert_eq(parley_scenario_outcome_count(g.sc, &n), PARLEY_ERR_LIMIT);
    for (int med = 0; med < 2; med++) {
        parley_session_options o;
        parley_session_options_init(&o);
        o.rounds = iters(20) == 1 ? 8 : 60;
        o.protocol = med ? PARLEY_PROTOCOL_MEDIATED : PARLEY_PROTOCOL_SAO;
        parley_session *s = NULL;
        parley_error err;
        cr_assert_eq(parley_session_new(g.sc, &o, &s, &err), PARLEY_OK, "%s", err.message);
        cr_assert(s->big);
        if (!med) {
            cr_assert_eq(parley_session_set_strategy(s, 0, "boulware", &err), PARLEY_OK);
            cr_assert_eq(parley_session_set_strategy(s, 1, "random", &err), PARLEY_OK);
        }
        huge_rec h = {.g = &g};
        parley_session_set_trace(s, on_huge, &h);
        parley_session_result res;
        cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
        cr_assert(!h.bad);
        cr_assert_gt(h.checked, 2);
        if (res.agreement) {
            uint32_t v[GM];
            ng_decode(s, res.outcome_id, v);
            cr_assert_arr_eq(v, res.outcome, g.m * sizeof *v);
        }
        /* a second run of the same session: the same events, ids included */
        huge_rec h2 = {.g = &g};
        parley_session_set_trace(s, on_huge, &h2);
        cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
        cr_assert_str_eq(h.r.buf, h2.r.buf);
        free(h2.r.buf);
        free(h.r.buf);
        parley_session_free(s);
    }
    parley_scenario_free(g.sc);
}

Test(implicit_session, whole_list_strategies_refused)
{
    rs.s = 1606;
    gen g;
    gen_build(&g, 30, 10, true, 2, true, 4, false, false);
    parley_session *s = NULL;
    parley_error err;
    cr_assert_eq(parley_session_new(g.sc, NULL, &s, &err), PARLEY_OK, "%s", err.message);
    static const char *const refused[] = {"nice-tit-for-tat", "frequency-nash"};
    for (size_t k = 0; k < 2; k++) {
        cr_assert_eq(parley_session_set_strategy(s, 0, refused[k], &err), PARLEY_ERR_LIMIT);
        cr_assert(strstr(err.message, refused[k]), "%s", err.message);
        cr_assert(strstr(err.message, "4000000"), "%s", err.message);
        cr_assert(strstr(err.message, "1000000000000000000000000000000"), "%s", err.message);
    }
    static const char *const fine[] = {"boulware", "linear", "conceder", "hardliner",
                                       "time-dependent:e=0.4", "time-dependent-at-least",
                                       "random:accept=0.1", "tit-for-tat", "micro"};
    for (size_t k = 0; k < 9; k++)
        cr_assert_eq(parley_session_set_strategy(s, 0, fine[k], &err), PARLEY_OK, "%s: %s",
                     fine[k], err.message);
    parley_session_free(s);
    parley_scenario_free(g.sc);
}

/* ------------------------------------------------------- out of memory */

/* One implicit session (past 2^64 outcomes: the pool too) with strategies
 * that keep memory of their own, allocating through c; the first failure
 * is reported as PARLEY_ERR_NOMEM. */
static parley_status faulty_run(const parley_scenario *sc, counting *c, bool mediated,
                                const char *a, const char *b)
{
    parley_allocator al = {counting_alloc, c};
    parley_session_options o;
    parley_session_options_init(&o);
    o.alloc = &al;
    o.rounds = 12;
    o.protocol = mediated ? PARLEY_PROTOCOL_MEDIATED : PARLEY_PROTOCOL_SAO;
    parley_session *s = NULL;
    parley_error err;
    parley_status st = parley_session_new(sc, &o, &s, &err);
    if (st == PARLEY_OK && !mediated) {
        st = parley_session_set_strategy(s, 0, a, &err);
        if (st == PARLEY_OK)
            st = parley_session_set_strategy(s, 1, b, &err);
    }
    if (st == PARLEY_OK) {
        parley_session_result res;
        st = parley_session_run(s, &res, &err);
        if (st == PARLEY_OK) /* and again: the pool and memos start afresh */
            st = parley_session_run(s, &res, &err);
    }
    if (st != PARLEY_OK && st != PARLEY_ERR_NOMEM)
        cr_assert_fail("status %d: %s", (int)st, err.message);
    parley_session_free(s);
    return st;
}

Test(implicit_session, out_of_memory_anywhere)
{
    rs.s = 1607;
    gen g;
    gen_build(&g, 24, 8, true, 2, true, 6, true, false); /* 8^24 > 2^64 */
    static const char *const pairs[][2] = {
        {"micro", "tit-for-tat"}, {"boulware", "random"}, {"", ""}};
    for (size_t c = 0; c < 3; c++) {
        counting clean = {0};
        cr_assert_eq(faulty_run(g.sc, &clean, c == 2, pairs[c][0], pairs[c][1]), PARLEY_OK);
        cr_assert_eq(clean.blocks, 0);
        long stride = iters(20) == 1 ? 7 : 1;
        for (long k = 1; k <= clean.calls; k += stride) {
            counting f = {.fail_at = k};
            parley_status st = faulty_run(g.sc, &f, c == 2, pairs[c][0], pairs[c][1]);
            cr_assert_eq(st, PARLEY_ERR_NOMEM, "request %ld of %ld (%s)", k, clean.calls,
                         pairs[c][0]);
            cr_assert_eq(f.blocks, 0, "request %ld: %ld blocks left", k, f.blocks);
            cr_assert_eq(f.bytes, 0, "request %ld: %ld bytes left", k, f.bytes);
        }
    }
    parley_scenario_free(g.sc);
}

/* Past the work limit the answers stay inside the range asked, their
 * outcomes attain the utility reported (recomputed here), and they come
 * near the target: on 10^30 non-linear outcomes within 10^-4 (the search
 * reaches about 10^-6; before it headed for the target, 7·10^-2). */
Test(implicit_index, huge_answers_near_the_target)
{
    rs.s = 1608;
    gen g;
    build_huge(&g);
    parley_session *s = session_of(g.sc, true, NULL); /* implicit by its size anyway */
    for (size_t k = 0; k < 2; k++) {
        ng_agent *a = &s->agents[k];
        uint32_t out[GM];
        double u;
        size_t n = iters(24);
        for (size_t q = 0; q < n; q++) {
            double x = 0.3 + 0.6 * (double)q / (double)n;
            cr_assert(ng_index_at_least(a->ix, x, false, out, &u));
            cr_assert_eq(u, gen_u(&g, k, out));
            cr_assert(gen_lines(&g, k, out));
            cr_assert(u >= x && u - x < 1e-4, "at_least(%g): %.17g", x, u);
            cr_assert(ng_index_below(a->ix, x, out, &u));
            cr_assert_eq(u, gen_u(&g, k, out));
            cr_assert(u < x && x - u < 1e-4, "below(%g): %.17g", x, u);
        }
    }
    parley_session_free(s);
    parley_scenario_free(g.sc);
}
