/*
 * geniusweb.c -- GeniusWeb JSON scenarios: a domain file (read by
 * geniusweb_domain.c) and LinearAdditiveUtilitySpace profiles, one party
 * each, built through the public builder API.
 *
 * Semantics (GeniusWeb's LinearAdditiveUtilitySpace, as the ANL 2022/2023
 * leagues ran it in GeniusWebPython 1.2.1): U = sum over the domain's
 * issues, in the domain file's key order, of w_i * u_i(v), with w_i from
 * "issueWeights" as written and u_i from "issueUtilities", spelled either
 * way GeniusWeb has written them:
 *   - "DiscreteValueSetUtilities" or "discreteutils" {"valueUtilities":
 *     {value: u}}: u as written (in [0, 1]); a value without one is 0;
 *   - "NumberValueSetUtilities" or "numberutils" {"lowValue", "lowUtility",
 *     "highValue", "highUtility"}, on a number issue whose range runs from
 *     lowValue to highValue (GeniusWeb's isFitting): u(x) = lowUtility +
 *     (highUtility - lowUtility) * (x - lowValue) / (highValue - lowValue),
 *     rounded half up to 8 decimals, as NumberValueSetUtilities.getUtility
 *     does.  parley computes that exactly (integers of up to 128 bits) from
 *     the decimals GeniusWeb reads (gw_dec), so each value's utility is the
 *     double nearest GeniusWeb's.  (Python's Decimal rounds the quotient to
 *     28 digits first; the two differ only when the exact quotient lies
 *     within 1e-28 of a rounding boundary without being on it.)
 * Numbers may be JSON numbers or strings holding one (pyson and Jackson
 * both take "0.5").  The weighted sum is parley's usual arithmetic
 * (doubles, from 0.0 in issue order, capped at 1), where GeniusWeb uses
 * BigDecimal: totals agree to the last bits only.  The "reservationBid" is
 * an outcome; its utility becomes the reservation value (as NegMAS does).
 * A profile's "name" and embedded "domain" are not read.
 *
 * Not supported (PARLEY_ERR_UNSUPPORTED): profile kinds other than
 * LinearAdditiveUtilitySpace, and other utility kinds.  Errors carry the
 * file; parse errors carry the line and column jansson reports.
 *
 * Memory: a profile is parsed with jansson, whose tree uses its own global
 * allocator (no per-call hook) and is freed before returning; what this
 * file allocates itself goes through opt->alloc.
 */
#include "io/genius_io.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static parley_status gw_load(const char *path, const parley_load_options *opt, json_t **out,
                             parley_error *err)
{
    gx_file f;
    *out = NULL;
    parley_status st = gx_file_read(&f, path, opt, err);
    if (st)
        return st;
    json_error_t je;
    json_t *root = json_loadb(f.data, f.size, JSON_REJECT_DUPLICATES, &je);
    gx_file_free(&f);
    if (!root)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, je.line > 0 ? (unsigned)je.line : 0,
                            je.column > 0 ? (unsigned)je.column : 0,
                            "not valid JSON: %s; a GeniusWeb file is one JSON object", je.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return parleyx_fail(err, PARLEY_ERR_INVALID, path, 1, 1,
                            "a GeniusWeb file is one JSON object");
    }
    *out = root;
    return PARLEY_OK;
}

/* One profile being read: the domain and the party's weights w. */
typedef struct gw_prof {
    const char *path;
    const gw_domain *d;
    parley_scenario *sc;
    size_t party;
    double *w;
    parley_error *err;
} gw_prof;

/* A model refusal, said once for every setter. */
static parley_status gw_refused(const gw_prof *g, parley_status st)
{
    return parleyx_fail(g->err, st, g->path, 0, 0,
                        "the model refused a value of this profile (%s)", parley_strerror(st));
}

/* A JSON number, or a string holding a plain decimal number. */
static bool gw_json_double(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return isfinite(*out);
    }
    return json_is_string(v) && parleyx_read_double(json_string_value(v), out) == PX_NUM_OK;
}

/* The same as a decimal, as GeniusWeb reads it (Decimal(str(x))). */
static bool gw_json_dec(const json_t *v, gw_dec *out)
{
    char text[40];
    if (json_is_integer(v))
        snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        parleyx_fmt_double(json_real_value(v), text, sizeof text);
    else
        return json_is_string(v) && gw_dec_parse(json_string_value(v), out);
    return gw_dec_parse(text, out);
}

/* The profile must be a LinearAdditiveUtilitySpace with issueUtilities and
 * issueWeights objects naming only the domain's issues. */
static parley_status gw_profile_space(const gw_prof *g, json_t *root, json_t **las)
{
    const char *kind = json_object_iter_key(json_object_iter(root));
    *las = json_object_get(root, "LinearAdditiveUtilitySpace");
    if (json_is_object(json_object_get(root, "issuesValues")))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "this is a GeniusWeb domain where a profile was expected; give the "
                            "domain once, first, then the profiles");
    if (!json_is_object(*las))
        return parleyx_fail(g->err, PARLEY_ERR_UNSUPPORTED, g->path, 0, 0,
                            "GeniusWeb profile kind '%s' is not supported yet; parley reads "
                            "LinearAdditiveUtilitySpace profiles",
                            kind ? kind : "(empty)");
    json_t *utils = json_object_get(*las, "issueUtilities");
    json_t *weights = json_object_get(*las, "issueWeights");
    if (!json_is_object(utils) || !json_is_object(weights))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "a LinearAdditiveUtilitySpace needs the objects \"issueUtilities\" "
                            "and \"issueWeights\"");
    /* every issue named in the profile must exist in the domain */
    const char *key;
    json_t *val;
    json_t *both[2] = {utils, weights};
    for (int b = 0; b < 2; b++)
        json_object_foreach(both[b], key, val)
        {
            size_t i;
            for (i = 0; i < g->d->nis && strcmp(g->d->is[i].name, key) != 0; i++)
                ;
            if (i == g->d->nis)
                return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                    "profile issue '%s' does not exist in the domain %s; fix the "
                                    "name or use the matching domain",
                                    key, gx_basename(g->d->path));
        }
    return PARLEY_OK;
}

/* The "valueUtilities" of a discrete issue. */
static parley_status gw_value_utils(gw_prof *g, const gw_issue *is, json_t *vu)
{
    const char *vk;
    json_t *vv;
    json_object_foreach(vu, vk, vv)
    {
        long k = gw_find_label(g->d, is, vk);
        if (k < 0)
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "value '%s' of issue '%s' does not exist in the domain %s", vk,
                                is->name, gx_basename(g->d->path));
        double e;
        if (!gw_json_double(vv, &e) || e < 0 || e > 1)
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "utility of value '%s' of issue '%s' must be a number in "
                                "[0, 1]",
                                vk, is->name);
        parley_status st = parley_party_set_value_eval(g->sc, g->party, is->pi, (size_t)k, e);
        if (st)
            return gw_refused(g, st);
    }
    return PARLEY_OK;
}

bool gw_numutil_make(gw_numutil *nu, gw_dec lu, gw_dec hu)
{
    nu->lu = lu;
    nu->hu = hu;
    nu->t = 0;
    nu->t = -lu.e > nu->t ? -lu.e : nu->t;
    nu->t = -hu.e > nu->t ? -hu.e : nu->t;
    int64_t one;
    gw_dec d1 = {1, 0};
    return nu->t <= 18 && gw_dec_scaled(lu, nu->t, &nu->LU) && gw_dec_scaled(hu, nu->t, &nu->HU) &&
           nu->LU >= 0 && nu->HU >= 0 && gw_dec_scaled(d1, nu->t, &one) && nu->LU <= one &&
           nu->HU <= one;
}

double gw_number_util(const gw_issue *is, const gw_numutil *nu, size_t k)
{
    /* u = (LU * (D - dx) + HU * dx) / (10^t * D), with D = hi - lo and
     * dx = x - lo, both at the issue's scale; every term is >= 0 */
    uint64_t D = (uint64_t)(is->hi - is->lo), dx = (uint64_t)k * (uint64_t)is->step;
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 num = (u128)(uint64_t)nu->LU * (D - dx) + (u128)(uint64_t)nu->HU * dx, den = D;
    for (int p = nu->t; p < 8; p++)
        num *= 10;
    for (int p = 8; p < nu->t; p++)
        den *= 10;
    u128 q = num / den, r = num % den;
    if (r >= den - r) /* 2r >= den: half up */
        q++;
    return (double)(uint64_t)q / 1e8;
#else
    long double u = ((long double)nu->LU * (long double)(D - dx) + (long double)nu->HU * dx) /
                    ((long double)D * powl(10.0L, nu->t));
    return (double)(floorl(u * 1e8L + 0.5L) / 1e8L);
#endif
}

/* Read and check a NumberValueSetUtilities of issue is. */
static parley_status gw_numutil_read(gw_prof *g, const gw_issue *is, json_t *nj, gw_numutil *nu)
{
    static const char *const keys[4] = {"lowValue", "lowUtility", "highValue", "highUtility"};
    gw_dec v[4];
    for (int k = 0; k < 4; k++)
        if (!gw_json_dec(json_object_get(nj, keys[k]), &v[k]))
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "the NumberValueSetUtilities of issue '%s' needs \"%s\", a "
                                "decimal number of at most 18 digits",
                                is->name, keys[k]);
    if (!gw_numutil_make(nu, v[1], v[3]))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "lowUtility and highUtility of issue '%s' must be in [0, 1] (with "
                            "at most 18 decimals)",
                            is->name);
    /* GeniusWeb's isFitting: the utilities span the issue's range exactly */
    bool lo_ok = v[0].m == is->low.m && v[0].e == is->low.e;
    bool hi_ok = v[2].m == is->high.m && v[2].e == is->high.e;
    if (!lo_ok || !hi_ok || is->hi <= is->lo)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "the NumberValueSetUtilities of issue '%s' must run from the "
                            "range's low to its high (lowValue %s, highValue %s), with high > "
                            "low, as GeniusWeb requires",
                            is->name, lo_ok ? "matches" : "differs", hi_ok ? "matches" : "differs");
    return PARLEY_OK;
}

/* A number issue's utilities: every value's, as GeniusWeb rounds it. */
static parley_status gw_number_utils(gw_prof *g, const gw_issue *is, json_t *nj)
{
    gw_numutil nu;
    parley_status st = gw_numutil_read(g, is, nj, &nu);
    for (size_t k = 0; !st && k < is->n; k++)
        if ((st = parley_party_set_value_eval(g->sc, g->party, is->pi, k,
                                              gw_number_util(is, &nu, k))))
            return gw_refused(g, st);
    return st;
}

/* The utilities object of an issue, whichever spelling it uses; *number
 * says which kind it is.  NULL when it is neither. */
static json_t *gw_utils_of(json_t *u, bool *number)
{
    json_t *x;
    *number = false;
    if ((x = json_object_get(u, "DiscreteValueSetUtilities")) ||
        (x = json_object_get(u, "discreteutils")))
        return json_is_object(x) ? x : NULL;
    *number = true;
    if ((x = json_object_get(u, "NumberValueSetUtilities")) ||
        (x = json_object_get(u, "numberutils")))
        return json_is_object(x) ? x : NULL;
    return NULL;
}

/* Issue i's utilities, set on the party. */
static parley_status gw_utils(gw_prof *g, const gw_issue *is, json_t *u)
{
    bool number;
    json_t *x = gw_utils_of(u, &number);
    json_t *vu = x && !number ? json_object_get(x, "valueUtilities") : NULL;
    if (x && number != is->number)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "issue '%s' is a %s issue in the domain %s, but its utilities are "
                            "%s ones; use %s",
                            is->name, is->number ? "number (\"range\")" : "discrete (\"values\")",
                            gx_basename(g->d->path), number ? "number" : "discrete",
                            is->number ? "NumberValueSetUtilities" : "DiscreteValueSetUtilities");
    if (!x || (!number && !json_is_object(vu))) {
        const char *k0 = json_object_iter_key(json_object_iter(u));
        return parleyx_fail(g->err, PARLEY_ERR_UNSUPPORTED, g->path, 0, 0,
                            "GeniusWeb utilities '%s' of issue '%s' are not supported; parley "
                            "reads \"DiscreteValueSetUtilities\" (or \"discreteutils\") "
                            "{\"valueUtilities\": {...}} and \"NumberValueSetUtilities\" (or "
                            "\"numberutils\") {\"lowValue\", \"lowUtility\", \"highValue\", "
                            "\"highUtility\"}",
                            k0 ? k0 : "(empty)", is->name);
    }
    return number ? gw_number_utils(g, is, x) : gw_value_utils(g, is, vu);
}

/* Issue i's weight and utilities; *positive when the weight is > 0. */
static parley_status gw_issue_utils(gw_prof *g, json_t *las, size_t i, bool *positive)
{
    const gw_issue *is = &g->d->is[i];
    json_t *u = json_object_get(json_object_get(las, "issueUtilities"), is->name);
    json_t *wj = json_object_get(json_object_get(las, "issueWeights"), is->name);
    if (!u && !wj)
        return PARLEY_OK;
    double wi;
    if (!gw_json_double(wj, &wi) || wi < 0)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "issue '%s' has %s; give it a finite number >= 0 in "
                            "\"issueWeights\"",
                            is->name,
                            wj ? "a weight that is not a finite number >= 0" : "no weight");
    if (!json_is_object(u))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "issue '%s' has a weight but no utilities in \"issueUtilities\"",
                            is->name);
    parley_status st = gw_utils(g, is, u);
    if (st)
        return st;
    g->w[i] = wi;
    if ((st = parley_party_set_weight(g->sc, g->party, is->pi, wi)))
        return gw_refused(g, st);
    if (wi > 0)
        *positive = true;
    return PARLEY_OK;
}

/* The utility of issue i's value v (a bid's JSON value) for this profile;
 * false when v is not one of the issue's values. */
static bool gw_bid_util(const gw_prof *g, json_t *las, size_t i, json_t *v, double *u)
{
    const gw_issue *is = &g->d->is[i];
    json_t *uj = json_object_get(json_object_get(las, "issueUtilities"), is->name);
    bool number;
    json_t *x = json_is_object(uj) ? gw_utils_of(uj, &number) : NULL;
    *u = 0.0;
    if (!is->number) {
        if (!json_is_string(v) || gw_find_label(g->d, is, json_string_value(v)) < 0)
            return false;
        if (x)
            gw_json_double(
                json_object_get(json_object_get(x, "valueUtilities"), json_string_value(v)), u);
        return true;
    }
    gw_dec dv;
    int64_t xv;
    if (!gw_json_dec(v, &dv) || !gw_dec_scaled(dv, is->scale, &xv) || xv < is->lo || xv > is->hi ||
        (xv - is->lo) % is->step)
        return false;
    gw_numutil nu;
    parley_error quiet;
    gw_prof g2 = *g;
    g2.err = &quiet; /* already read and checked by gw_number_utils */
    if (x && gw_numutil_read(&g2, is, x, &nu) == PARLEY_OK)
        *u = gw_number_util(is, &nu, (size_t)((xv - is->lo) / is->step));
    return true;
}

/* reservationBid: its utility is the reservation value. */
static parley_status gw_reservation(gw_prof *g, json_t *las)
{
    json_t *rb = json_object_get(las, "reservationBid");
    json_t *iv = rb ? json_object_get(rb, "issuevalues") : NULL;
    if (!json_is_object(iv))
        return PARLEY_OK;
    double s = 0.0;
    for (size_t i = 0; i < g->d->nis; i++) {
        json_t *v = json_object_get(iv, g->d->is[i].name);
        double u;
        if (!v)
            continue;
        if (!gw_bid_util(g, las, i, v, &u))
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "the reservationBid value of issue '%s' is not one of "
                                "its values in the domain",
                                g->d->is[i].name);
        double term = g->w[i] * u;
        s += term;
    }
    if (s > 1.0)
        s = 1.0;
    parley_status st = parley_party_set_reservation(g->sc, g->party, s);
    return st ? gw_refused(g, st) : PARLEY_OK;
}

/* The party's evaluators, weights and reservation value. */
static parley_status gw_profile_party(gw_prof *g, json_t *las)
{
    bool positive = false;
    for (size_t i = 0; i < g->d->nis; i++) {
        parley_status st = gw_issue_utils(g, las, i, &positive);
        if (st)
            return st;
    }
    if (!positive)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "the profile gives no issue a positive weight");
    return gw_reservation(g, las);
}

static parley_status gw_profile(const char *path, const parley_load_options *opt,
                                parley_scenario *sc, const gw_domain *d, parley_error *err)
{
    json_t *root, *las;
    parley_status st = gw_load(path, opt, &root, err);
    if (st)
        return st;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    gw_prof g = {.path = path, .d = d, .sc = sc, .err = err};
    if ((st = gw_profile_space(&g, root, &las)) ||
        (st = gx_add_party_for(sc, path, &g.party, err)))
        goto done;
    g.w = parleyx_calloc(a, d->nis, sizeof(double));
    if (!g.w) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    st = gw_profile_party(&g, las);
done:
    parleyx_free(a, g.w, d->nis * sizeof(double));
    json_decref(root);
    return st;
}

parley_status gw_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err)
{
    *out = NULL;
    gw_domain d;
    memset(&d, 0, sizeof d);
    parley_scenario *sc = parley_scenario_new(opt ? opt->alloc : NULL);
    parley_status st = sc ? gw_read_domain(domain, opt, sc, &d, err)
                          : parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
    for (size_t k = 0; k < nprofiles && !st; k++)
        st = gw_profile(profiles[k], opt, sc, &d, err);
    gw_domain_free(&d); /* before the model's tables are built */
    if (!st) {
        parley_error e;
        parley_error_clear(&e);
        if ((st = parley_scenario_finalize(sc, &e)))
            parleyx_fail(err, st, domain, 0, 0, "%s", e.message);
    }
    if (st) {
        parley_scenario_free(sc);
        return st;
    }
    *out = sc;
    return PARLEY_OK;
}
