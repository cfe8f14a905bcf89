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

gw_kind gw_classify(const char *data, size_t size)
{
    json_error_t je;
    json_t *root = json_loadb(data, size, 0, &je);
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

static parley_status gw_profile(const char *path, const parley_load_options *opt,
                                parley_scenario *sc, const gw_issue *is, size_t nis,
                                const char *dompath, parley_error *err)
{
    json_t *root;
    parley_status st = gw_load(path, opt, &root, err);
    if (st)
        return st;
    const char *kind = json_object_iter_key(json_object_iter(root));
    json_t *las = json_object_get(root, "LinearAdditiveUtilitySpace");
    double *w = NULL, *ev = NULL;
    size_t *nval = NULL;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    if (json_is_object(json_object_get(root, "issuesValues"))) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                          "this is a GeniusWeb domain where a profile was expected; give the "
                          "domain once, first, then the profiles");
        goto done;
    }
    if (!json_is_object(las)) {
        st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path, 0, 0,
                          "GeniusWeb profile kind '%s' is not supported yet; parley reads "
                          "LinearAdditiveUtilitySpace profiles",
                          kind ? kind : "(empty)");
        goto done;
    }
    json_t *utils = json_object_get(las, "issueUtilities");
    json_t *weights = json_object_get(las, "issueWeights");
    if (!json_is_object(utils) || !json_is_object(weights)) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                          "a LinearAdditiveUtilitySpace needs the objects \"issueUtilities\" "
                          "and \"issueWeights\"");
        goto done;
    }
    /* every issue named in the profile must exist in the domain */
    const char *key;
    json_t *val;
    json_object_foreach(utils, key, val)
    {
        size_t i;
        for (i = 0; i < nis && strcmp(is[i].name, key) != 0; i++)
            ;
        if (i == nis) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "profile issue '%s' does not exist in the domain %s; fix the "
                              "name or use the matching domain",
                              key, gx_basename(dompath));
            goto done;
        }
    }
    size_t party;
    if ((st = gx_add_party_for(sc, path, &party, err)))
        goto done;
    w = parleyx_calloc(a, nis, sizeof(double));
    ev = NULL;
    size_t total = 0;
    nval = parleyx_calloc(a, nis, sizeof(size_t));
    if (!w || !nval) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nis; i++) {
        nval[i] = json_array_size(is[i].values);
        total += nval[i];
    }
    ev = parleyx_calloc(a, total ? total : 1, sizeof(double));
    if (!ev) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    bool positive = false;
    size_t off = 0;
    for (size_t i = 0; i < nis; i++) {
        size_t base = off;
        off += nval[i];
        json_t *u = json_object_get(utils, is[i].name);
        json_t *wj = json_object_get(weights, is[i].name);
        if (!u && !wj)
            continue;
        if (!json_is_number(wj)) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "issue '%s' has %s; give it a number in \"issueWeights\"",
                              is[i].name, wj ? "a weight that is not a number" : "no weight");
            goto done;
        }
        double wi = json_number_value(wj);
        if (!isfinite(wi) || wi < 0) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "weight of issue '%s' must be a finite number >= 0", is[i].name);
            goto done;
        }
        if (!json_is_object(u)) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "issue '%s' has a weight but no utilities in \"issueUtilities\"",
                              is[i].name);
            goto done;
        }
        json_t *du = json_object_get(u, "discreteutils");
        json_t *vu = du ? json_object_get(du, "valueUtilities") : NULL;
        if (!json_is_object(vu)) {
            const char *k0 = json_object_iter_key(json_object_iter(u));
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path, 0, 0,
                              "GeniusWeb utilities '%s' of issue '%s' are not supported yet; "
                              "parley reads \"discreteutils\" {\"valueUtilities\": {...}}",
                              k0 ? k0 : "(empty)", is[i].name);
            goto done;
        }
        const char *vk;
        json_t *vv;
        json_object_foreach(vu, vk, vv)
        {
            long k = gw_find_value(&is[i], vk);
            if (k < 0) {
                st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                                  "value '%s' of issue '%s' does not exist in the domain %s",
                                  vk, is[i].name, gx_basename(dompath));
                goto done;
            }
            double e = json_is_number(vv) ? json_number_value(vv) : NAN;
            if (!isfinite(e) || e < 0 || e > 1) {
                st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                                  "utility of value '%s' of issue '%s' must be a number in "
                                  "[0, 1]",
                                  vk, is[i].name);
                goto done;
            }
            ev[base + (size_t)k] = e;
            if ((st = parley_party_set_value_eval(sc, party, is[i].pi, (size_t)k, e)))
                goto refused;
        }
        w[i] = wi;
        if ((st = parley_party_set_weight(sc, party, is[i].pi, wi)))
            goto refused;
        if (wi > 0)
            positive = true;
    }
    if (!positive) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                          "the profile gives no issue a positive weight");
        goto done;
    }
    /* reservationBid: its utility is the reservation value */
    json_t *rb = json_object_get(las, "reservationBid");
    json_t *iv = rb ? json_object_get(rb, "issuevalues") : NULL;
    if (json_is_object(iv)) {
        double s = 0.0;
        off = 0;
        for (size_t i = 0; i < nis; i++) {
            json_t *v = json_object_get(iv, is[i].name);
            if (v) {
                long k = json_is_string(v) ? gw_find_value(&is[i], json_string_value(v)) : -1;
                if (k < 0) {
                    st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                                      "the reservationBid value of issue '%s' is not one of "
                                      "its values in the domain",
                                      is[i].name);
                    goto done;
                }
                double term = w[i] * ev[off + (size_t)k];
                s += term;
            }
            off += nval[i];
        }
        if (s > 1.0)
            s = 1.0;
        if ((st = parley_party_set_reservation(sc, party, s)))
            goto refused;
    }
    goto done;
refused:
    st = parleyx_fail(err, st, path, 0, 0, "the model refused a value of this profile (%s)",
                      parley_strerror(st));
done:
    parleyx_free(a, w, nis * sizeof(double));
    if (nval) {
        size_t total2 = 0;
        for (size_t i = 0; i < nis; i++)
            total2 += nval[i];
        parleyx_free(a, ev, (total2 ? total2 : 1) * sizeof(double));
    }
    parleyx_free(a, nval, nis * sizeof(size_t));
    json_decref(root);
    return st;
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
    size_t i = 0;
    const char *key;
    json_t *val;
    json_object_foreach(iv, key, val)
    {
        json_t *vals = json_is_object(val) ? json_object_get(val, "values") : NULL;
        if (!json_is_array(vals)) {
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, domain, 0, 0,
                              "issue '%s' is not a list of discrete \"values\"; GeniusWeb "
                              "numeric value sets are not supported yet",
                              key);
            goto done;
        }
        size_t n = json_array_size(vals);
        const char **labels = parleyx_calloc(a, n ? n : 1, sizeof(char *));
        if (!labels) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < n; k++) {
            labels[k] = json_string_value(json_array_get(vals, k));
            if (!labels[k]) {
                parleyx_free(a, (void *)labels, (n ? n : 1) * sizeof(char *));
                st = parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                                  "value %zu of issue '%s' is not a string", k + 1, key);
                goto done;
            }
        }
        parley_error e;
        parley_error_clear(&e);
        st = parley_scenario_add_discrete(sc, key, n, labels, &is[i].pi, &e);
        parleyx_free(a, (void *)labels, (n ? n : 1) * sizeof(char *));
        if (st) {
            st = parleyx_fail(err, st, domain, 0, 0, "issue '%s': %s", key, e.message);
            goto done;
        }
        is[i].name = key;
        is[i].values = vals;
        i++;
    }
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
