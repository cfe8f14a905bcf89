/*
 * geniusweb.c -- GeniusWeb JSON scenarios: a domain file
 * {"name", "issuesValues": {issue: {"values": [...]}}} and
 * LinearAdditiveUtilitySpace profiles, one party each, built through the
 * public builder API.
 *
 * Semantics (GeniusWeb's LinearAdditiveUtilitySpace): U = sum over the
 * domain's issues, in the domain file's key order, of w_i * u_i(v), with
 * u_i from "discreteutils" / "valueUtilities" (already in [0, 1]; a value
 * without an entry is worth 0) and w_i from "issueWeights" as written.
 * parley evaluates with its usual arithmetic (doubles, from 0.0 in issue
 * order, capped at 1), where GeniusWeb uses BigDecimal: results agree to
 * the last bits only.  The "reservationBid" is an outcome; its utility
 * becomes the reservation value (as NegMAS does).
 *
 * Not supported yet (PARLEY_ERR_UNSUPPORTED): numeric value sets in the
 * domain, "numberutils" evaluators, and profile kinds other than
 * LinearAdditiveUtilitySpace.  Errors carry the file; parse errors carry
 * the line and column jansson reports.
 *
 * Memory: jansson allocates its trees with its own global allocator (no
 * per-call hook); they are freed before returning.  What this file
 * allocates itself goes through opt->alloc.
 */
#include "io/genius_io.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

gw_kind gw_classify(const char *data, size_t size, unsigned *line, unsigned *col, char *msg,
                    size_t msgsize)
{
    json_error_t je;
    json_t *root = json_loadb(data, size, 0, &je);
    if (!root) {
        *line = je.line > 0 ? (unsigned)je.line : 0;
        *col = je.column > 0 ? (unsigned)je.column : 0;
        snprintf(msg, msgsize, "%s", je.text);
        return GW_BROKEN;
    }
    gw_kind k = GW_OTHER;
    if (root && json_is_object(root)) {
        if (json_is_object(json_object_get(root, "issuesValues")))
            k = GW_DOMAIN;
        else if (json_object_size(root) == 1) {
            const char *key = json_object_iter_key(json_object_iter(root));
            size_t n = key ? strlen(key) : 0;
            if (n >= 5 && strcmp(key + n - 5, "Space") == 0)
                k = GW_PROFILE;
        }
    }
    json_decref(root);
    return k;
}

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

typedef struct gw_issue {
    const char *name;       /* key in the domain JSON (borrowed) */
    size_t pi;
    json_t *values;         /* array (borrowed) */
} gw_issue;

static long gw_find_value(const gw_issue *is, const char *v)
{
    size_t k;
    json_t *x;
    json_array_foreach(is->values, k, x)
    {
        if (json_is_string(x) && strcmp(json_string_value(x), v) == 0)
            return (long)k;
    }
    return -1;
}

/* One profile being read: the domain's issues and the party's table of
 * value utilities (ev, nval[i] values of issue i from offset sum of the
 * earlier nval) and weights w. */
typedef struct gw_prof {
    const char *path, *dompath;
    parley_scenario *sc;
    size_t party;
    const gw_issue *is;
    size_t nis;
    double *w, *ev;
    size_t *nval;
    parley_error *err;
} gw_prof;

/* A model refusal, said once for every setter. */
static parley_status gw_refused(const gw_prof *g, parley_status st)
{
    return parleyx_fail(g->err, st, g->path, 0, 0,
                        "the model refused a value of this profile (%s)", parley_strerror(st));
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
    json_object_foreach(utils, key, val)
    {
        size_t i;
        for (i = 0; i < g->nis && strcmp(g->is[i].name, key) != 0; i++)
            ;
        if (i == g->nis)
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "profile issue '%s' does not exist in the domain %s; fix the "
                                "name or use the matching domain",
                                key, gx_basename(g->dompath));
    }
    return PARLEY_OK;
}

/* The "valueUtilities" of issue i (its values from offset base of ev). */
static parley_status gw_value_utils(gw_prof *g, size_t i, size_t base, json_t *vu)
{
    const gw_issue *is = &g->is[i];
    const char *vk;
    json_t *vv;
    json_object_foreach(vu, vk, vv)
    {
        long k = gw_find_value(is, vk);
        if (k < 0)
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "value '%s' of issue '%s' does not exist in the domain %s", vk,
                                is->name, gx_basename(g->dompath));
        double e = json_is_number(vv) ? json_number_value(vv) : NAN;
        if (!isfinite(e) || e < 0 || e > 1)
            return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                "utility of value '%s' of issue '%s' must be a number in "
                                "[0, 1]",
                                vk, is->name);
        g->ev[base + (size_t)k] = e;
        parley_status st = parley_party_set_value_eval(g->sc, g->party, is->pi, (size_t)k, e);
        if (st)
            return gw_refused(g, st);
    }
    return PARLEY_OK;
}

/* Issue i's weight and utilities; *positive when the weight is > 0. */
static parley_status gw_issue_utils(gw_prof *g, json_t *las, size_t i, size_t base,
                                    bool *positive)
{
    const gw_issue *is = &g->is[i];
    json_t *u = json_object_get(json_object_get(las, "issueUtilities"), is->name);
    json_t *wj = json_object_get(json_object_get(las, "issueWeights"), is->name);
    if (!u && !wj)
        return PARLEY_OK;
    if (!json_is_number(wj))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "issue '%s' has %s; give it a number in \"issueWeights\"", is->name,
                            wj ? "a weight that is not a number" : "no weight");
    double wi = json_number_value(wj);
    if (!isfinite(wi) || wi < 0)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "weight of issue '%s' must be a finite number >= 0", is->name);
    if (!json_is_object(u))
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "issue '%s' has a weight but no utilities in \"issueUtilities\"",
                            is->name);
    json_t *du = json_object_get(u, "discreteutils");
    json_t *vu = du ? json_object_get(du, "valueUtilities") : NULL;
    if (!json_is_object(vu)) {
        const char *k0 = json_object_iter_key(json_object_iter(u));
        return parleyx_fail(g->err, PARLEY_ERR_UNSUPPORTED, g->path, 0, 0,
                            "GeniusWeb utilities '%s' of issue '%s' are not supported yet; "
                            "parley reads \"discreteutils\" {\"valueUtilities\": {...}}",
                            k0 ? k0 : "(empty)", is->name);
    }
    parley_status st = gw_value_utils(g, i, base, vu);
    if (st)
        return st;
    g->w[i] = wi;
    if ((st = parley_party_set_weight(g->sc, g->party, is->pi, wi)))
        return gw_refused(g, st);
    if (wi > 0)
        *positive = true;
    return PARLEY_OK;
}

/* reservationBid: its utility is the reservation value. */
static parley_status gw_reservation(gw_prof *g, json_t *las)
{
    json_t *rb = json_object_get(las, "reservationBid");
    json_t *iv = rb ? json_object_get(rb, "issuevalues") : NULL;
    if (!json_is_object(iv))
        return PARLEY_OK;
    double s = 0.0;
    size_t off = 0;
    for (size_t i = 0; i < g->nis; i++) {
        json_t *v = json_object_get(iv, g->is[i].name);
        if (v) {
            long k = json_is_string(v) ? gw_find_value(&g->is[i], json_string_value(v)) : -1;
            if (k < 0)
                return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                                    "the reservationBid value of issue '%s' is not one of "
                                    "its values in the domain",
                                    g->is[i].name);
            double term = g->w[i] * g->ev[off + (size_t)k];
            s += term;
        }
        off += g->nval[i];
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
    size_t off = 0;
    for (size_t i = 0; i < g->nis; i++) {
        size_t base = off;
        off += g->nval[i];
        parley_status st = gw_issue_utils(g, las, i, base, &positive);
        if (st)
            return st;
    }
    if (!positive)
        return parleyx_fail(g->err, PARLEY_ERR_INVALID, g->path, 0, 0,
                            "the profile gives no issue a positive weight");
    return gw_reservation(g, las);
}

static parley_status gw_profile(const char *path, const parley_load_options *opt,
                                parley_scenario *sc, const gw_issue *is, size_t nis,
                                const char *dompath, parley_error *err)
{
    json_t *root, *las;
    parley_status st = gw_load(path, opt, &root, err);
    if (st)
        return st;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    gw_prof g = {.path = path, .dompath = dompath, .sc = sc, .is = is, .nis = nis, .err = err};
    size_t total = 0;
    if ((st = gw_profile_space(&g, root, &las)) ||
        (st = gx_add_party_for(sc, path, &g.party, err)))
        goto done;
    g.w = parleyx_calloc(a, nis, sizeof(double));
    g.nval = parleyx_calloc(a, nis, sizeof(size_t));
    if (!g.w || !g.nval) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nis; i++) {
        g.nval[i] = json_array_size(is[i].values);
        total += g.nval[i];
    }
    g.ev = parleyx_calloc(a, total ? total : 1, sizeof(double));
    if (!g.ev) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    st = gw_profile_party(&g, las);
done:
    parleyx_free(a, g.w, nis * sizeof(double));
    parleyx_free(a, g.ev, (total ? total : 1) * sizeof(double));
    parleyx_free(a, g.nval, nis * sizeof(size_t));
    json_decref(root);
    return st;
}

/* The domain's issues ("issuesValues": lists of discrete values), in key
 * order, into sc and is[]. */
static parley_status gw_domain_issues(const char *domain, const parley_allocator *a, json_t *iv,
                                      parley_scenario *sc, gw_issue *is, parley_error *err)
{
    size_t i = 0;
    const char *key;
    json_t *val;
    json_object_foreach(iv, key, val)
    {
        json_t *vals = json_is_object(val) ? json_object_get(val, "values") : NULL;
        if (!json_is_array(vals))
            return parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, domain, 0, 0,
                                "issue '%s' is not a list of discrete \"values\"; GeniusWeb "
                                "numeric value sets are not supported yet",
                                key);
        size_t n = json_array_size(vals);
        const char **labels = parleyx_calloc(a, n ? n : 1, sizeof(char *));
        if (!labels)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
        for (size_t k = 0; k < n; k++) {
            labels[k] = json_string_value(json_array_get(vals, k));
            if (!labels[k]) {
                parleyx_free(a, (void *)labels, (n ? n : 1) * sizeof(char *));
                return parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                                    "value %zu of issue '%s' is not a string", k + 1, key);
            }
        }
        parley_error e;
        parley_error_clear(&e);
        parley_status st = parley_scenario_add_discrete(sc, key, n, labels, &is[i].pi, &e);
        parleyx_free(a, (void *)labels, (n ? n : 1) * sizeof(char *));
        if (st)
            return parleyx_fail(err, st, domain, 0, 0, "issue '%s': %s", key, e.message);
        is[i].name = key;
        is[i].values = vals;
        i++;
    }
    return PARLEY_OK;
}

parley_status gw_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err)
{
    *out = NULL;
    json_t *root;
    parley_status st = gw_load(domain, opt, &root, err);
    if (st)
        return st;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    parley_scenario *sc = NULL;
    gw_issue *is = NULL;
    size_t nis = 0;
    json_t *iv = json_object_get(root, "issuesValues");
    if (!json_is_object(iv)) {
        if (json_object_size(root) == 1 && json_object_get(root, "LinearAdditiveUtilitySpace"))
            st = parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                              "this is a GeniusWeb profile, not a domain; give the domain "
                              "file first, then the profiles");
        else
            st = parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                              "a GeniusWeb domain needs an \"issuesValues\" object");
        goto done;
    }
    nis = json_object_size(iv);
    if (nis == 0) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                          "the domain has no issues (\"issuesValues\" is empty)");
        goto done;
    }
    sc = parley_scenario_new(a);
    is = parleyx_calloc(a, nis, sizeof(gw_issue));
    if (!sc || !is) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
        goto done;
    }
    {
        const char *nm = json_string_value(json_object_get(root, "name"));
        if (nm && *nm && parley_scenario_set_name(sc, nm) != PARLEY_OK) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
            goto done;
        }
    }
    if ((st = gw_domain_issues(domain, a, iv, sc, is, err)))
        goto done;
    for (size_t k = 0; k < nprofiles && !st; k++)
        st = gw_profile(profiles[k], opt, sc, is, nis, domain, err);
    if (!st) {
        parley_error e;
        parley_error_clear(&e);
        if ((st = parley_scenario_finalize(sc, &e)))
            parleyx_fail(err, st, domain, 0, 0, "%s", e.message);
    }
done:
    parleyx_free(a, is, nis * sizeof(gw_issue));
    json_decref(root);
    if (st) {
        parley_scenario_free(sc);
        return st;
    }
    *out = sc;
    return PARLEY_OK;
}
