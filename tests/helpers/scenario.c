/*
 * scenario.c -- the tests' one random scenario generator and its random
 * red lines (see helpers.h): random_scenario builds a scenario as a
 * random_spec says, random_rule writes a red line over it.
 *
 * test_analysis.c, test_native.c, test_negotiation.c and test_redlines.c
 * draw their scenarios here from fixed seeds, so the order of the draws
 * is part of those tests: the brute-force cases named by seed in
 * test_analysis.c (seeds 260 and 281) are the scenarios these draws give.
 * A draw only happens when the spec asks for it (a chance of 0 or 1, an
 * empty range, an exact count draw nothing).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers/helpers.h"

static size_t rndn(rng *r, size_t n)
{
    return rng_u32(r) % (uint32_t)n;
}

/* An inclusive range: lo when hi <= lo, with no draw. */
static size_t range(rng *r, size_t lo, size_t hi)
{
    return hi > lo ? lo + rndn(r, hi - lo + 1) : lo;
}

/* One time in n: never for 0, always for 1 (no draw). */
static bool chance(rng *r, unsigned n)
{
    return n == 0 ? false : n == 1 ? true : rndn(r, n) == 0;
}

/* ------------------------------------------------------------ wild mix */

/* Names and labels that stress a writer's quoting. */
static const char *const tricky[] = {
    "plain",     "two words",   "yes",        "No",        "null",         "0",
    "1.5",       "-dash",       "a: colon",   "hash #tag", "quote\"d",     "back\\slash",
    "tab\there", "line\nbreak", "ünïcødé",    "x,y",       "[brackets]",   "{braces}",
    "'single'",  "~",           "  spaced  ", "*star",     "&amp",         "!bang",
    "%percent",  "@at",         "`tick`",     "it's",      "e\xc2\x85nel", "ls\xe2\x80\xa8"};
#define NTRICKY (sizeof tricky / sizeof tricky[0])

static const char *wild_text(rng *r)
{
    return tricky[rndn(r, NTRICKY)];
}

/* A mix of short decimals and full-precision doubles in [0, 1]. */
static double wild_unit(rng *r)
{
    switch (rndn(r, 4)) {
    case 0: return (double)rndn(r, 11) / 10.0;
    case 1: return rng_unit(r);
    case 2: return rndn(r, 2) ? 1.0 : 0.0;
    default: return 1.0 / (double)(1 + rndn(r, 7));
    }
}

/* A real of any magnitude: mostly within +-100, now and then tiny or huge. */
static double wild_real(rng *r)
{
    double v = (rng_unit(r) - 0.5) * 200.0;
    if (rndn(r, 5) == 0)
        v *= 1e-7;
    if (rndn(r, 7) == 0)
        v *= 1e12;
    return v;
}

/* Escape s for a single-quoted rule string. */
static void rule_quote(char *out, size_t n, const char *s)
{
    size_t o = 0;
    out[o++] = '\'';
    for (; *s && o + 3 < n; s++) {
        if (*s == '\'' || *s == '\\')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o++] = '\'';
    out[o] = '\0';
}

/* A wild evaluation of issue i for party p: constant, a table, linear,
 * triangular or piecewise, with wild numbers. */
static void wild_eval(rng *r, parley_scenario *sc, size_t p, size_t i)
{
    size_t shape = rndn(r, 5);
    if (shape == 4) {
        cr_assert_eq(parley_party_set_constant(sc, p, i, wild_unit(r)), PARLEY_OK);
    } else if (parley_issue_kind_of(sc, i) == PARLEY_ISSUE_DISCRETE) {
        size_t nv = parley_issue_value_count(sc, i);
        for (size_t k = 0; k < nv; k++)
            cr_assert_eq(parley_party_set_value_eval(sc, p, i, k, wild_unit(r)), PARLEY_OK);
        if (rndn(r, 8) == 0) /* a table of a single entry set: the others are 0 */
            cr_assert_eq(parley_party_set_value_eval(sc, p, i, 0, 1.0), PARLEY_OK);
    } else if (shape == 0) {
        double icpt = wild_unit(r), slope = wild_real(r) * 1e-3;
        cr_assert_eq(parley_party_set_linear(sc, p, i, icpt, slope, wild_real(r)), PARLEY_OK);
    } else if (shape == 1) {
        double t[3] = {wild_real(r), wild_real(r), wild_real(r)};
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                if (t[b] < t[a]) {
                    double x = t[a];
                    t[a] = t[b];
                    t[b] = x;
                }
        cr_assert_eq(parley_party_set_triangular(sc, p, i, t[0], t[1], t[2]), PARLEY_OK);
    } else {
        size_t n = 1 + rndn(r, 6);
        double x[6], y[6];
        double cur = wild_real(r);
        for (size_t k = 0; k < n; k++) {
            x[k] = cur;
            cur += 0.5 + fabs(wild_real(r));
            y[k] = wild_unit(r);
        }
        cr_assert_eq(parley_party_set_piecewise(sc, p, i, n, x, y), PARLEY_OK);
    }
}

/* A wild party's reservation value, discount, capability and description. */
static void wild_party(rng *r, parley_scenario *sc, size_t p)
{
    if (rndn(r, 2))
        cr_assert_eq(parley_party_set_reservation(sc, p, rndn(r, 3) ? wild_unit(r) : -0.0),
                     PARLEY_OK);
    if (rndn(r, 2))
        cr_assert_eq(parley_party_set_discount(sc, p, 1.0 - wild_unit(r) * 0.9), PARLEY_OK);
    if (rndn(r, 2))
        cr_assert_eq(parley_party_set_capability(sc, p, fabs(wild_real(r))), PARLEY_OK);
    if (rndn(r, 3) == 0)
        cr_assert_eq(parley_party_set_description(sc, p, wild_text(r)), PARLEY_OK);
}

/* ------------------------------------------------------------ issues */

static void add_issue(rng *r, const random_spec *spec, parley_scenario *sc, random_model *md,
                      size_t i)
{
    static const char *const plain[8] = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"};
    parley_error err;
    char name[64];
    snprintf(name, sizeof name, "i%zu", i);
    size_t kind = spec->wild ? rndn(r, 3) : chance(r, spec->integer_one_in) ? 1 : 0;
    if (spec->wild) {
        const char *t = wild_text(r);
        if (rndn(r, 3) != 0)
            snprintf(name, sizeof name, "%s %zu", t, i);
    }
    md->lo[i] = 0;
    md->step[i] = 1;
    md->rlo[i] = 0.0;
    if (kind == 0) {
        md->kind[i] = PARLEY_ISSUE_DISCRETE;
        md->nv[i] = range(r, spec->values_min, spec->values_max);
        cr_assert(md->nv[i] >= 1 && md->nv[i] <= 8);
        const char *vals[8];
        char buf[8][64];
        for (size_t k = 0; k < md->nv[i]; k++) {
            vals[k] = plain[k];
            if (spec->wild) {
                snprintf(buf[k], sizeof buf[k], "%s%zu", wild_text(r), k);
                vals[k] = buf[k];
            }
        }
        cr_assert_eq(parley_scenario_add_discrete(sc, name, md->nv[i], vals, NULL, &err), PARLEY_OK,
                     "%s", err.message);
    } else if (kind == 1) {
        md->kind[i] = PARLEY_ISSUE_INTEGER;
        int64_t lo, hi, step;
        if (spec->wild) {
            lo = (int64_t)rndn(r, 200) - 100;
            hi = lo + (int64_t)rndn(r, 100);
            step = 1 + (int64_t)rndn(r, 7);
        } else {
            lo = spec->int_lo_n ? (int64_t)rndn(r, spec->int_lo_n) : 0;
            step = spec->int_step ? spec->int_step : 1;
            size_t nv = range(r, spec->int_values_min, spec->int_values_max);
            hi = lo + ((int64_t)nv - 1) * step;
        }
        md->lo[i] = lo;
        md->step[i] = step;
        cr_assert_eq(parley_scenario_add_integer(sc, name, lo, hi, step, NULL, &err), PARLEY_OK,
                     "%s", err.message);
    } else {
        md->kind[i] = PARLEY_ISSUE_REAL;
        double lo = wild_real(r), hi = lo + fabs(wild_real(r));
        unsigned grid = 2 + (unsigned)rndn(r, 30);
        md->rlo[i] = lo;
        cr_assert_eq(parley_scenario_add_real(sc, name, lo, hi, grid, NULL, &err), PARLEY_OK, "%s",
                     err.message);
    }
    md->nv[i] = parley_issue_value_count(sc, i);
    if (spec->wild && rndn(r, 3) == 0)
        cr_assert_eq(parley_issue_set_description(sc, i, wild_text(r)), PARLEY_OK);
}

/* ------------------------------------------------------------ parties */

static parley_role party_role(rng *r, const random_spec *spec, size_t p, size_t np)
{
    if (spec->negotiators)
        return p < spec->negotiators                     ? PARLEY_ROLE_NEGOTIATOR
               : p < spec->negotiators + spec->ratifiers ? PARLEY_ROLE_RATIFIER
                                                         : PARLEY_ROLE_MEDIATOR;
    if (p < spec->roles_from || (spec->role_last_only && p + 1 != np) || spec->role_die == 0)
        return PARLEY_ROLE_NEGOTIATOR;
    size_t face = rndn(r, spec->role_die);
    return face == 0                          ? PARLEY_ROLE_RATIFIER
           : face == 1 && spec->role_die >= 3 ? PARLEY_ROLE_MEDIATOR
                                              : PARLEY_ROLE_NEGOTIATOR;
}

/* The weight and evaluation of every issue for party p. */
static void add_prefs(rng *r, const random_spec *spec, parley_scenario *sc, const random_model *md,
                      size_t p)
{
    bool any = false;
    for (size_t i = 0; i < md->m; i++) {
        bool last = i + 1 == md->m;
        bool zero = chance(r, spec->zero_weight_one_in);
        double w = zero ? 0.0
                   : spec->wild
                       ? wild_unit(r) * 0.7
                       : (double)range(r, spec->weight_tenths_min, spec->weight_tenths_max) / 10.0;
        if (spec->weight_spread != 0.0)
            w = w * spec->weight_spread / (double)md->m;
        if (last && !any && w == 0.0)
            w = spec->wild ? 0.25 : 0.4;
        if (w == 0.0 && (zero || !spec->wild))
            continue; /* (a wild draw of 0 is set: an explicit zero weight) */
        any = any || w > 0.0;
        cr_assert_eq(parley_party_set_weight(sc, p, i, w), PARLEY_OK);
        if (spec->wild) {
            wild_eval(r, sc, p, i);
        } else if (md->kind[i] == PARLEY_ISSUE_INTEGER) {
            bool up = spec->opposed ? p % 2 == 0 : rndn(r, 2) != 0;
            double icpt = spec->free_intercept ? (rndn(r, 2) ? 0.0 : 1.0) : (up ? 0.0 : 1.0);
            double slope = spec->linear_slope != 0.0
                               ? spec->linear_slope
                               : 1.0 / (double)(((int64_t)md->nv[i] - 1) * md->step[i]);
            cr_assert_eq(
                parley_party_set_linear(sc, p, i, icpt, up ? slope : -slope, (double)md->lo[i]),
                PARLEY_OK);
        } else {
            for (size_t k = 0; k < md->nv[i]; k++)
                cr_assert_eq(parley_party_set_value_eval(sc, p, i, k, rng_eval(r)), PARLEY_OK);
        }
    }
}

static void add_party(rng *r, const random_spec *spec, parley_scenario *sc, const random_model *md,
                      size_t p)
{
    parley_error err;
    char name[64];
    snprintf(name, sizeof name, "P%zu", p);
    if (spec->wild)
        snprintf(name, sizeof name, "%s P%zu", wild_text(r), p);
    parley_role role = party_role(r, spec, p, md->np);
    size_t idx;
    cr_assert_eq(parley_scenario_add_party(sc, name, role, &idx, &err), PARLEY_OK, "%s",
                 err.message);
    cr_assert_eq(idx, p);
    if (spec->wild)
        wild_party(r, sc, p);
    if (role == PARLEY_ROLE_MEDIATOR && chance(r, spec->bare_one_in))
        return;
    bool none = p >= spec->roles_from && chance(r, spec->no_prefs_one_in);
    if (!none)
        add_prefs(r, spec, sc, md, p);
    if (spec->nreservations)
        cr_assert_eq(
            parley_party_set_reservation(sc, p, spec->reservations[rndn(r, spec->nreservations)]),
            PARLEY_OK);
    if (chance(r, spec->discount_one_in))
        cr_assert_eq(
            parley_party_set_discount(
                sc, p,
                (double)range(r, spec->discount_tenths_min, spec->discount_tenths_max) / 10.0),
            PARLEY_OK);
}

/* ------------------------------------------------------------ red lines */

static void add_rule(rng *r, const random_spec *spec, parley_scenario *sc, const random_model *md,
                     size_t p, size_t k)
{
    char text[4096], name[64];
    parley_error err;
    random_rule(r, sc, md, p, spec->redline_depth, text, sizeof text);
    snprintf(name, sizeof name, "r%zu", k);
    if (spec->wild)
        snprintf(name, sizeof name, "%s r%zu", wild_text(r), k);
    cr_assert_eq(parley_party_add_redline(sc, p, name, text, &err), PARLEY_OK, "rule `%s`: %u: %s",
                 text, err.column, err.message);
}

/* Assert that w characters, as snprintf reports them, fit in n bytes. */
static void fits(int w, size_t n)
{
    cr_assert(w >= 0 && (size_t)w < n, "a random rule's text does not fit in %zu bytes", n);
}

/* The name of issue i or party p (issue when party is false), quoted for a
 * rule when md->quote. */
static void rule_name(const parley_scenario *sc, const random_model *md, bool party, size_t x,
                      char *out, size_t n)
{
    const char *s = party ? parley_party_name(sc, x) : parley_issue_name(sc, x);
    if (md->quote)
        rule_quote(out, n, s);
    else
        fits(snprintf(out, n, "%s", s), n);
}

/* Value k of issue i as a rule names it. */
static void rule_value(const parley_scenario *sc, const random_model *md, size_t i, size_t k,
                       char *out, size_t n)
{
    char lab[PARLEY_MAX_NAME + 8];
    parley_issue_value_label(sc, i, k, lab, sizeof lab);
    if (md->quote && md->kind[i] == PARLEY_ISSUE_DISCRETE)
        rule_quote(out, n, lab);
    else
        fits(snprintf(out, n, "%s", lab), n);
}

/* The diagnosis's shapes: every comparison a limit can be (<= and >= on
 * integer issues) besides ==, != and in; a utility threshold one time in
 * six. */
static void limit_rule(rng *r, const parley_scenario *sc, const random_model *md, int depth,
                       char *buf, size_t n)
{
    size_t i = rndn(r, md->m);
    char ni[160], v[160], w[160], a[1024];
    rule_name(sc, md, false, i, ni, sizeof ni);
    rule_value(sc, md, i, rndn(r, md->nv[i]), v, sizeof v);
    if (md->kind[i] == PARLEY_ISSUE_DISCRETE) {
        switch (rndn(r, 3)) {
        case 0: fits(snprintf(a, sizeof a, "%s == %s", ni, v), sizeof a); break;
        case 1: fits(snprintf(a, sizeof a, "%s != %s", ni, v), sizeof a); break;
        default:
            rule_value(sc, md, i, rndn(r, md->nv[i]), w, sizeof w);
            fits(snprintf(a, sizeof a, "%s in {%s, %s}", ni, v, w), sizeof a);
        }
    } else {
        fits(snprintf(a, sizeof a, "%s %s %s", ni, rndn(r, 2) ? "<=" : ">=", v), sizeof a);
    }
    if (depth > 0 && rndn(r, 3) == 0) {
        char b[1024];
        limit_rule(r, sc, md, depth - 1, b, sizeof b);
        const char *op = rndn(r, 2) ? "->" : (rndn(r, 2) ? "and" : "or");
        fits(snprintf(buf, n, "%s %s %s", a, op, b), n);
    } else if (rndn(r, 6) == 0) {
        char pq[160];
        rule_name(sc, md, true, rndn(r, md->np), pq, sizeof pq);
        fits(snprintf(buf, n, "utility(%s) %s 0.%zu", pq, rndn(r, 2) ? ">=" : "<", 2 + rndn(r, 6)),
             n);
    } else {
        fits(snprintf(buf, n, "%s", a), n);
    }
}

void random_rule(rng *r, const parley_scenario *sc, const random_model *md, size_t p, int depth,
                 char *buf, size_t n)
{
    if (md->limit_rules) {
        limit_rule(r, sc, md, depth, buf, n);
        return;
    }
    size_t i = rndn(r, md->m), j = rndn(r, md->m), q = rndn(r, md->np);
    size_t kind = rndn(r, 9);
    char ni[160], nj[160], vi[160], vj[160], pp[160], pq[160];
    rule_name(sc, md, false, i, ni, sizeof ni);
    rule_name(sc, md, false, j, nj, sizeof nj);
    rule_name(sc, md, true, p, pp, sizeof pp);
    rule_name(sc, md, true, q, pq, sizeof pq);
    rule_value(sc, md, i, rndn(r, md->nv[i]), vi, sizeof vi);
    rule_value(sc, md, j, rndn(r, md->nv[j]), vj, sizeof vj);
    char a[1024];
    switch (kind) {
    case 0: fits(snprintf(a, sizeof a, "%s != %s", ni, vi), sizeof a); break;
    case 1:
        fits(snprintf(a, sizeof a, "not (%s == %s and %s == %s)", ni, vi, nj, vj), sizeof a);
        break;
    case 2: fits(snprintf(a, sizeof a, "utility(%s) >= 0.%zu", pq, rndn(r, 7)), sizeof a); break;
    case 3:
        fits(snprintf(a, sizeof a, "utility(%s) > 0.%zu or utility(%s) >= 0.5", pq, rndn(r, 6), pp),
             sizeof a);
        break;
    case 4:
        fits(snprintf(a, sizeof a, "utility(%s) <= 0.%zu", pq, 5 + rndn(r, 5)), sizeof a);
        break;
    case 5:
        fits(snprintf(a, sizeof a, "%s == %s -> utility(%s) > 0.3", ni, vi, pq), sizeof a);
        break;
    case 6:
        fits(snprintf(a, sizeof a, "%s in {%s, %s} or %s != %s", ni, vi, vi, nj, vj), sizeof a);
        break;
    case 7:
        if (md->kind[i] != PARLEY_ISSUE_DISCRETE)
            fits(snprintf(a, sizeof a, "%s >= %s", ni, vi), sizeof a);
        else
            fits(snprintf(a, sizeof a, "%s == %s or utility(%s) >= 0.2", ni, vi, pp), sizeof a);
        break;
    default: fits(snprintf(a, sizeof a, "true"), sizeof a); break;
    }
    if (depth > 0 && rndn(r, 3) == 0) {
        static const char *const ops[] = {"->", "and", "or"};
        const char *op = ops[rndn(r, 3)];
        char b[1024];
        random_rule(r, sc, md, p, depth - 1, b, sizeof b);
        fits(snprintf(buf, n, "(%s) %s (%s)", a, op, b), n);
    } else {
        fits(snprintf(buf, n, "%s", a), n);
    }
}

/* ------------------------------------------------------------ scenarios */

parley_scenario *random_scenario(rng *r, const random_spec *spec, random_model *out)
{
    random_model local, *md = out ? out : &local;
    memset(md, 0, sizeof *md);
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    cr_assert_not_null(sc);
    md->quote = spec->wild;
    md->limit_rules = spec->limit_rules;
    if (spec->wild && rndn(r, 2))
        cr_assert_eq(parley_scenario_set_name(sc, wild_text(r)), PARLEY_OK);
    if (spec->wild && rndn(r, 2))
        cr_assert_eq(parley_scenario_set_description(sc, "A scenario:\n with \"quotes\" & more"),
                     PARLEY_OK);
    md->m = range(r, spec->issues_min, spec->issues_max);
    cr_assert(md->m >= 1 && md->m <= RANDOM_MAX_ISSUES);
    for (size_t i = 0; i < md->m; i++)
        add_issue(r, spec, sc, md, i);
    md->np = spec->negotiators ? spec->negotiators + spec->ratifiers + spec->mediators
                               : range(r, spec->parties_min, spec->parties_max);
    for (size_t p = 0; p < md->np; p++)
        add_party(r, spec, sc, md, p);
    for (size_t p = 0; p < md->np && spec->redlines_per_party; p++) {
        size_t nr = rndn(r, spec->redlines_per_party + 1);
        for (size_t k = 0; k < nr; k++)
            add_rule(r, spec, sc, md, p, k);
    }
    if (spec->redlines_total) {
        size_t nr = rndn(r, spec->redlines_total + 1);
        for (size_t k = 0; k < nr; k++)
            add_rule(r, spec, sc, md, rndn(r, md->np), k);
    }
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    if (spec->fixed_redline) {
        cr_assert_eq(parley_party_add_redline(sc, 0, "fixed", spec->fixed_redline, &err), PARLEY_OK,
                     "%s", err.message);
        cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    }
    return sc;
}
