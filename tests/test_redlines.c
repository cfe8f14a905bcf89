/*
 * test_redlines.c -- the red-line diagnosis against brute force.
 *
 * Random scenarios (2 to 4 parties, 2 to 4 small issues, up to 9 red
 * lines and reservation values) are enumerated outcome by outcome; for
 * every outcome the set of constraints it satisfies is recorded.  From
 * those sets, every one of the 2^k subsets is classified feasible or not,
 * which gives the minimal conflicts and minimal relaxations exactly; the
 * diagnosis must list exactly those.  Reservation bends and slack are
 * checked against the best utility over the outcomes satisfying every
 * other constraint; threshold bends against trying every grid value; the
 * irrelevant status against counts.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/rule.h"
#include "helpers/helpers.h"

static rng rs; /* the tests' generator (helpers.h), seeded by each test */
static unsigned rnd(unsigned n)
{
    return rng_u32(&rs) % n;
}

/* 2 to 4 issues (a third integer 0..10..40 with linear evaluations across
 * the range, the others of 2 to 4 values), 2 to 4 parties (the last a
 * ratifier half the time), weights summing to at most 0.9, reservation
 * values 0 to 0.7, and 0 to 5 random red lines (nested one level) for
 * drawn parties. */
/* An interaction condition: a hyper-rectangle of 1 to 3 comparisons, now
 * and then negated or joined by or to another. */
static void nl_rect(const random_model *md, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t k = 1 + rnd(3);
    for (size_t q = 0; q < k; q++) {
        size_t i = rnd((unsigned)md->m), v = rnd((unsigned)md->nv[i]);
        size_t len = strlen(buf);
        const char *op = rnd(4) == 0 ? "!=" : "==";
        if (md->kind[i] == PARLEY_ISSUE_INTEGER)
            snprintf(buf + len, n - len, "%si%zu %s %lld", q ? " and " : "", i,
                     rnd(2) ? ">=" : "<=", (long long)(md->lo[i] + (int64_t)v * md->step[i]));
        else
            snprintf(buf + len, n - len, "%si%zu %s v%zu", q ? " and " : "", i, op, v);
    }
}

static void add_interactions(parley_scenario *sc, const random_model *md)
{
    static const double vals[] = {0.2, 0.3, 0.5, -0.2, -0.4, 0.1};
    parley_error err;
    for (size_t p = 0; p < md->np; p++) {
        size_t nt = rnd(4);
        for (size_t t = 0; t < nt; t++) {
            char a[256], b[256], c[600];
            nl_rect(md, a, sizeof a);
            switch (rnd(4)) {
            case 0:
                nl_rect(md, b, sizeof b);
                snprintf(c, sizeof c, "(%s) or (%s)", a, b);
                break;
            case 1:
                snprintf(c, sizeof c, "not (%s)", a);
                break;
            default:
                snprintf(c, sizeof c, "%s", a);
            }
            cr_assert_eq(parley_party_add_interaction(sc, p, c, vals[rnd(6)], &err), PARLEY_OK,
                         "%s: %s", c, err.message);
        }
    }
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
}

static parley_scenario *redlines_scenario_nl(unsigned seed, bool nonlinear)
{
    static const double rvs[] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    random_spec spec = {
        .issues_min = 2,
        .issues_max = 4,
        .integer_one_in = 3,
        .int_values_min = 2,
        .int_values_max = 4,
        .int_step = 10,
        .values_min = 2,
        .values_max = 4,
        .parties_min = 2,
        .parties_max = 4,
        .role_last_only = true,
        .role_die = 2,
        .weight_tenths_min = 1,
        .weight_tenths_max = 9,
        .weight_spread = 1.0,
        .reservations = rvs,
        .nreservations = 8,
        .redlines_total = 5,
        .redline_depth = 1,
        .limit_rules = true,
    };
    rs.s = seed * 0x9E3779B97F4A7C15ull + 1;
    random_model md;
    parley_scenario *sc = random_scenario(&rs, &spec, &md);
    if (nonlinear)
        add_interactions(sc, &md);
    return sc;
}

/* Brute force: the satisfied-constraint mask of every outcome. */
typedef struct brute {
    size_t nc;
    size_t n;         /* outcomes */
    uint32_t *mask;   /* per outcome */
    double *util;     /* per outcome * parties */
    bool *feasible;   /* per subset */
} brute;

static bool con_holds(const parley_scenario *sc, const parley_diagnosis *d, size_t c,
                      const uint32_t *o, const double *u)
{
    size_t p = parley_diagnosis_constraint_party(d, c);
    if (parley_diagnosis_constraint_kind(d, c) == PARLEY_CONSTRAINT_RESERVATION)
        return u[p] >= sc->parties[p].reservation;
    return rule_eval(sc->parties[p].redlines[parley_diagnosis_constraint_redline(d, c)].rule, o, u);
}

static void brute_build(brute *b, const parley_scenario *sc, const parley_diagnosis *d)
{
    b->nc = parley_diagnosis_constraint_count(d);
    cr_assert_leq(b->nc, 16);
    uint64_t n;
    cr_assert_eq(parley_scenario_outcome_count(sc, &n), PARLEY_OK);
    b->n = (size_t)n;
    b->mask = calloc(b->n, sizeof *b->mask);
    b->util = calloc(b->n * sc->nparties, sizeof *b->util);
    uint32_t o[8] = {0};
    for (size_t x = 0; x < b->n; x++) {
        size_t r = x;
        for (size_t i = 0; i < sc->nissues; i++) {
            o[i] = (uint32_t)(r % sc->issues[i].nvalues);
            r /= sc->issues[i].nvalues;
        }
        double *u = &b->util[x * sc->nparties];
        for (size_t p = 0; p < sc->nparties; p++)
            u[p] = parley_utility(sc, p, o);
        for (size_t c = 0; c < b->nc; c++)
            if (con_holds(sc, d, c, o, u))
                b->mask[x] |= 1u << c;
    }
    size_t ns = (size_t)1 << b->nc;
    b->feasible = calloc(ns, sizeof *b->feasible);
    for (size_t x = 0; x < b->n; x++)
        b->feasible[b->mask[x]] = true;
    /* a subset is feasible if some outcome's mask covers it: push down */
    for (size_t s = ns; s-- > 0;)
        if (b->feasible[s])
            for (size_t c = 0; c < b->nc; c++)
                if (s & (1u << c))
                    b->feasible[s & ~(1u << c)] = true;
}

static void brute_free(brute *b)
{
    free(b->mask);
    free(b->util);
    free(b->feasible);
}

static uint32_t set_mask(const size_t *m, size_t n)
{
    uint32_t x = 0;
    for (size_t j = 0; j < n; j++)
        x |= 1u << m[j];
    return x;
}

static void check_scenario_nl(unsigned seed, bool nonlinear)
{
    parley_scenario *sc = redlines_scenario_nl(seed, nonlinear);
    parley_diagnosis *d = NULL;
    parley_error err;
    cr_assert_eq(parley_diagnose(sc, NULL, &d, &err), PARLEY_OK, "seed %u: %s", seed, err.message);
    brute b;
    brute_build(&b, sc, d);
    uint32_t all = (uint32_t)((1u << b.nc) - 1);
    cr_assert_eq(parley_diagnosis_deal_exists(d), b.feasible[all], "seed %u", seed);
    cr_assert(parley_diagnosis_complete(d));
    /* the exact MUS and MCS sets */
    size_t nmus = 0, nmcs = 0;
    for (uint32_t s = 0; s <= all; s++) {
        if (!b.feasible[s]) {
            bool minimal = true;
            for (size_t c = 0; c < b.nc && minimal; c++)
                if ((s & (1u << c)) && !b.feasible[s & ~(1u << c)])
                    minimal = false;
            if (minimal) {
                nmus++;
                bool listed = false;
                for (size_t k = 0; k < parley_diagnosis_conflict_count(d); k++) {
                    const size_t *m;
                    size_t n = parley_diagnosis_conflict(d, k, &m);
                    listed |= set_mask(m, n) == s;
                }
                cr_assert(listed, "seed %u: conflict %x not listed", seed, s);
            }
        } else if (s != all) {
            bool maximal = true;
            for (size_t c = 0; c < b.nc && maximal; c++)
                if (!(s & (1u << c)) && b.feasible[s | (1u << c)])
                    maximal = false;
            if (maximal) {
                nmcs++;
                bool listed = false;
                for (size_t k = 0; k < parley_diagnosis_relaxation_count(d); k++) {
                    const size_t *m;
                    size_t n = parley_diagnosis_relaxation(d, k, &m);
                    listed |= set_mask(m, n) == (all & ~s);
                }
                cr_assert(listed, "seed %u: relaxation %x not listed", seed, all & ~s);
            }
        }
    }
    cr_assert_eq(parley_diagnosis_conflict_count(d), nmus, "seed %u", seed);
    cr_assert_eq(parley_diagnosis_relaxation_count(d), nmcs, "seed %u", seed);
    /* each relaxation opens exactly the deals brute force counts */
    for (size_t k = 0; k < parley_diagnosis_relaxation_count(d); k++) {
        const size_t *m;
        size_t n = parley_diagnosis_relaxation(d, k, &m);
        uint32_t keep = all & ~set_mask(m, n);
        /* reservation members dropped: deals must satisfy "keep" */
        uint64_t want = 0;
        for (size_t x = 0; x < b.n; x++)
            if ((b.mask[x] & keep) == keep)
                want++;
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        cr_assert_not_null(an);
        uint64_t got;
        cr_assert(parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &got));
        cr_assert_eq(got, want, "seed %u relaxation %zu: %llu deals, brute force %llu", seed, k,
                     (unsigned long long)got, (unsigned long long)want);
    }
    /* reservation bends / slack: best utility under every other constraint */
    size_t nl = b.feasible[all] ? parley_diagnosis_slack_count(d) : parley_diagnosis_bend_count(d);
    for (size_t k = 0; k < nl; k++) {
        parley_limit_info l;
        if (b.feasible[all])
            parley_diagnosis_slack(d, k, &l);
        else
            parley_diagnosis_bend(d, k, &l);
        if (strcmp(l.what, "reservation") != 0)
            continue;
        size_t p = parley_diagnosis_constraint_party(d, l.constraint);
        uint32_t others = all & ~(1u << l.constraint);
        bool any = false;
        double best = -1;
        for (size_t x = 0; x < b.n; x++)
            if ((b.mask[x] & others) == others) {
                double u = b.util[x * sc->nparties + p];
                if (!any || u > best)
                    best = u;
                any = true;
            }
        cr_assert_eq(l.possible, any, "seed %u", seed);
        if (any)
            cr_assert_eq(l.to, best, "seed %u: %s to %.17g, brute force %.17g", seed,
                         parley_diagnosis_constraint_name(d, l.constraint), l.to, best);
    }
    /* statuses: irrelevant exactly when dropping adds no deal */
    if (b.feasible[all]) {
        for (size_t c = 0; c < b.nc; c++) {
            uint32_t others = all & ~(1u << c);
            uint64_t with = 0, without = 0;
            for (size_t x = 0; x < b.n; x++) {
                with += (b.mask[x] & all) == all;
                without += (b.mask[x] & others) == others;
            }
            char added[48];
            parley_constraint_status st = parley_diagnosis_status(d, c, added, sizeof added);
            cr_assert_eq(st == PARLEY_STATUS_IRRELEVANT, with == without, "seed %u", seed);
            char want[48];
            snprintf(want, sizeof want, "%llu", (unsigned long long)(without - with));
            cr_assert_str_eq(added, want, "seed %u constraint %zu", seed, c);
        }
    }
    brute_free(&b);
    parley_diagnosis_free(d);
    parley_scenario_free(sc);
}

static void check_scenario(unsigned seed)
{
    check_scenario_nl(seed, false);
}

/* The same with interaction terms (hyper-rectangles, or, not, negative
 * values): the diagnosis's bounds take the term-wise bounds. */
Test(redlines, non_linear_matches_brute_force, .timeout = 120)
{
    unsigned n = getenv("PARLEY_UNDER_VALGRIND") ? 40 : 800;
    for (unsigned seed = 1; seed <= n; seed++)
        check_scenario_nl(seed, true);
}

Test(redlines, matches_brute_force_on_random_scenarios, .timeout = 120)
{
    for (unsigned seed = 1; seed <= 1500; seed++)
        check_scenario(seed);
}

/* Threshold bends: `i0 <= c` style red lines against every grid value. */
Test(redlines, threshold_bend_matches_trying_every_value)
{
    for (unsigned seed = 1; seed <= 60; seed++) {
        rs.s = seed * 7919u;
        parley_scenario *sc = parley_scenario_new(NULL);
        parley_scenario_add_integer(sc, "x", 0, 100, 10, NULL, NULL);
        const char *v[] = {"p", "q", "r"};
        parley_scenario_add_discrete(sc, "y", 3, v, NULL, NULL);
        parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
        parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
        for (size_t p = 0; p < 2; p++) {
            parley_party_set_weight(sc, p, 0, 0.5);
            parley_party_set_weight(sc, p, 1, 0.5);
            parley_party_set_linear(sc, p, 0, p ? 1 : 0, p ? -0.01 : 0.01, 0);
            for (size_t k = 0; k < 3; k++)
                parley_party_set_value_eval(sc, p, 1, k, rnd(11) / 10.0);
        }
        int c = (int)rnd(11) * 10;
        bool upper = rnd(2);
        char text[64];
        snprintf(text, sizeof text, "x %s %d", upper ? "<=" : ">=", c);
        parley_party_add_redline(sc, 0, "limit", text, NULL);
        parley_party_set_reservation(sc, 1, rnd(10) / 10.0);
        parley_party_set_reservation(sc, 0, rnd(6) / 10.0);
        cr_assert_eq(parley_scenario_finalize(sc, NULL), PARLEY_OK);
        parley_diagnosis *d = NULL;
        cr_assert_eq(parley_diagnose(sc, NULL, &d, NULL), PARLEY_OK);
        /* brute force: for each candidate threshold, is there a deal? */
        bool feas[11];
        for (int t = 0; t <= 10; t++) {
            feas[t] = false;
            for (uint32_t a = 0; a <= 10; a++)
                for (uint32_t bb = 0; bb < 3; bb++) {
                    uint32_t o[2] = {a, bb};
                    bool lim = upper ? (int)a * 10 <= t * 10 : (int)a * 10 >= t * 10;
                    if (lim && parley_utility(sc, 0, o) >= sc->parties[0].reservation &&
                        parley_utility(sc, 1, o) >= sc->parties[1].reservation)
                        feas[t] = true;
                }
        }
        bool deal = feas[c / 10];
        cr_assert_eq(parley_diagnosis_deal_exists(d), deal);
        size_t n = deal ? parley_diagnosis_slack_count(d) : parley_diagnosis_bend_count(d);
        bool seen = false;
        for (size_t k = 0; k < n; k++) {
            parley_limit_info l;
            if (deal)
                parley_diagnosis_slack(d, k, &l);
            else
                parley_diagnosis_bend(d, k, &l);
            if (strcmp(l.what, "reservation") == 0)
                continue;
            seen = true;
            cr_assert_str_eq(l.what, text);
            cr_assert_eq(l.from, (double)c);
            /* critical: nearest threshold (in the relaxing direction for a
             * bend, tightening for slack) at which a deal still exists */
            int want = -1;
            if (!deal) {
                for (int t = 0; t <= 10; t++) {
                    int tt = upper ? t : 10 - t;
                    if (feas[tt]) {
                        want = tt;
                        break;
                    }
                }
            } else {
                for (int t = 0; t <= 10; t++) {
                    int tt = upper ? t : 10 - t;
                    if (feas[tt]) {
                        want = tt;
                        break;
                    }
                }
            }
            cr_assert_eq(l.possible, want >= 0, "seed %u", seed);
            if (want >= 0)
                cr_assert_eq(l.to, want * 10.0, "seed %u: %s to %g, want %d", seed, text, l.to,
                             want * 10);
        }
        /* x <= 100 and x >= 0 accept every value: no threshold to bend */
        cr_assert_eq(seen, !((upper && c == 100) || (!upper && c == 0)), "seed %u", seed);
        parley_diagnosis_free(d);
        parley_scenario_free(sc);
    }
}

Test(redlines, abu_dhabi_example)
{
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read_file(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml", NULL,
                                         &sc, &err),
                 PARLEY_OK, "%s", err.message);
    parley_diagnosis *d = NULL;
    cr_assert_eq(parley_diagnose(sc, NULL, &d, &err), PARLEY_OK, "%s", err.message);
    cr_assert(!parley_diagnosis_deal_exists(d));
    cr_assert_eq(parley_diagnosis_conflict_count(d), 1);
    const size_t *m;
    size_t n = parley_diagnosis_conflict(d, 0, &m);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(parley_diagnosis_constraint_name(d, m[0]), "Russia:whole-donbas");
    cr_assert_str_eq(parley_diagnosis_constraint_name(d, m[1]), "Ukrainian electorate:no-cession");
    cr_assert_eq(parley_diagnosis_relaxation_count(d), 2);
    parley_diagnosis_free(d);
    parley_scenario_free(sc);
}

/* The text of every numeric limit the diagnosis lists for `text`, a red
 * line of party A read from a native scenario (a YAML double-quoted
 * string, so tabs and line breaks reach the rule), joined by '|'. */
static void limit_texts(const char *text, char *out, size_t n)
{
    char esc[256], yaml[1024];
    size_t e = 0;
    for (const char *c = text; *c && e + 3 < sizeof esc; c++) {
        if (*c == '\t' || *c == '\n' || *c == '"' || *c == '\\')
            esc[e++] = '\\';
        esc[e++] = *c == '\t' ? 't' : *c == '\n' ? 'n' : *c;
    }
    esc[e] = '\0';
    snprintf(yaml, sizeof yaml,
             "parley: 1\nissues:\n  weapons: {type: integer, range: [0, 100], step: 10}\n"
             "  donbas: {values: [ceded, kept]}\nparties:\n"
             "  A:\n    utility:\n      weapons: {weight: 0.5, linear: {from: [0, 0], to: [100, 1]}}\n"
             "      donbas: {weight: 0.5, values: {ceded: 0, kept: 1}}\n"
             "    red-lines:\n      cap: \"%s\"\n"
             "  B:\n    utility:\n      weapons: {weight: 0.5, linear: {from: [0, 1], to: [100, 0]}}\n"
             "      donbas: {weight: 0.5, values: {ceded: 1, kept: 0}}\n",
             esc);
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(yaml, strlen(yaml), "t.yaml", NULL, &sc, &err), PARLEY_OK,
                 "%s", err.message);
    parley_diagnosis *d = NULL;
    cr_assert_eq(parley_diagnose(sc, NULL, &d, &err), PARLEY_OK, "%s", err.message);
    bool deal = parley_diagnosis_deal_exists(d);
    size_t nl = deal ? parley_diagnosis_slack_count(d) : parley_diagnosis_bend_count(d);
    out[0] = '\0';
    for (size_t k = 0; k < nl; k++) {
        parley_limit_info l;
        cr_assert(deal ? parley_diagnosis_slack(d, k, &l) : parley_diagnosis_bend(d, k, &l));
        if (strcmp(l.what, "reservation") == 0)
            continue;
        size_t used = strlen(out);
        snprintf(out + used, n - used, "%s%s", used ? "|" : "", l.what);
    }
    parley_diagnosis_free(d);
    parley_scenario_free(sc);
}

/* `limit` is the comparison as written, whatever follows it: a tab, a
 * newline (block-style YAML rules), '(' or ')' (issue 14, item 10). */
Test(redlines, limit_text_is_the_comparison_only)
{
    static const char *const cases[][2] = {
        {"weapons <= 30\tand donbas != ceded", "weapons <= 30"},
        {"weapons <= 30\nand donbas != ceded\n", "weapons <= 30"},
        {"weapons <= 30 and(donbas != ceded)", "weapons <= 30"},
        {"(donbas != ceded)or(weapons\t<=\t30)", "weapons\t<=\t30"},
        {"weapons >= 20\t->\tutility(B) >= 0.25", "weapons >= 20|utility(B) >= 0.25"},
        {"not(30 >= weapons)or donbas == kept", "30 >= weapons"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[256];
        limit_texts(cases[i][0], got, sizeof got);
        cr_assert_str_eq(got, cases[i][1], "rule %zu", i);
    }
}
