/*
 * scenario.c -- the scenario model: building, reading, finalizing and
 * evaluating outcomes.
 *
 * Ownership: the scenario owns every string, array and compiled rule hung
 * on it, all allocated through sc->alloc; parley_scenario_free releases
 * them all.  Sizes needed by the allocator hook at free time are derived
 * from the model (string lengths, counts), never stored twice.
 *
 * Finalizing builds, for every party with preferences, one term table per
 * issue: terms[i][k] = w_i * eval_i(value k), each product computed in
 * doubles exactly as GENIUS does.  Evaluation of an outcome is then n
 * additions (pm_utility in model.h).  Memory: sum over parties of the sum
 * of the issues' value counts, in doubles.
 *
 * Any builder call after finalize clears the final flag and drops the term
 * tables, so a scenario is never evaluated with stale tables.
 */
#include "model/model.h"
#include "model/rule.h"
#include "model/uncertain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *parley_role_name(parley_role role)
{
    switch (role) {
    case PARLEY_ROLE_NEGOTIATOR: return "negotiator";
    case PARLEY_ROLE_RATIFIER: return "ratifier";
    case PARLEY_ROLE_MEDIATOR: return "mediator";
    }
    return "unknown";
}

/* ------------------------------------------------------------ lifecycle */

parley_scenario *parley_scenario_new(const parley_allocator *alloc)
{
    parley_allocator a = {NULL, NULL};
    if (alloc)
        a = *alloc;
    parley_scenario *sc = parleyx_calloc(&a, 1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->allocv = a;
    sc->alloc = &sc->allocv;
    return sc;
}

static void eval_clear(const parley_scenario *sc, pm_eval *ev, size_t nvalues)
{
    if (ev->table)
        parleyx_free(sc->alloc, ev->table, nvalues * sizeof(double));
    if (ev->x)
        parleyx_free(sc->alloc, ev->x, ev->n * sizeof(double));
    if (ev->y)
        parleyx_free(sc->alloc, ev->y, ev->n * sizeof(double));
    memset(ev, 0, sizeof *ev);
}

static void terms_free(parley_scenario *sc, pm_party *pa)
{
    if (!pa->terms)
        return;
    for (size_t i = 0; i < sc->nissues; i++)
        if (pa->terms[i])
            parleyx_free(sc->alloc, pa->terms[i], sc->issues[i].nvalues * sizeof(double));
    parleyx_free(sc->alloc, pa->terms, sc->nissues * sizeof(double *));
    pa->terms = NULL;
}

static void unfinalize(parley_scenario *sc)
{
    if (!sc->final)
        return;
    for (size_t p = 0; p < sc->nparties; p++)
        terms_free(sc, &sc->parties[p]);
    sc->final = false;
}

static void party_free(parley_scenario *sc, pm_party *pa)
{
    terms_free(sc, pa);
    parleyx_strfree(sc->alloc, pa->name);
    parleyx_strfree(sc->alloc, pa->description);
    if (pa->evals) {
        for (size_t i = 0; i < sc->nissues; i++)
            eval_clear(sc, &pa->evals[i], sc->issues[i].nvalues);
        parleyx_free(sc->alloc, pa->evals, sc->nissues * sizeof(pm_eval));
    }
    parleyx_free(sc->alloc, pa->weights, sc->nissues * sizeof(double));
    parleyx_free(sc->alloc, pa->position, sc->nissues * sizeof(double));
    parleyx_free(sc->alloc, pa->salience, sc->nissues * sizeof(double));
    for (size_t r = 0; r < pa->nredlines; r++) {
        parleyx_strfree(sc->alloc, pa->redlines[r].name);
        parleyx_strfree(sc->alloc, pa->redlines[r].text);
        rule_free(sc, pa->redlines[r].rule);
    }
    parleyx_free(sc->alloc, pa->redlines, pa->capredlines * sizeof(pm_redline));
    for (size_t t = 0; t < pa->nterms; t++) {
        parleyx_strfree(sc->alloc, pa->iterms[t].when);
        rule_free(sc, pa->iterms[t].rule);
    }
    parleyx_free(sc->alloc, pa->iterms, pa->capterms * sizeof(pm_term));
}

static void issue_free(parley_scenario *sc, pm_issue *is)
{
    parleyx_strfree(sc->alloc, is->name);
    parleyx_strfree(sc->alloc, is->description);
    if (is->labels) {
        for (size_t k = 0; k < is->nvalues; k++)
            parleyx_strfree(sc->alloc, is->labels[k]);
        parleyx_free(sc->alloc, is->labels, is->nvalues * sizeof(char *));
    }
}

void parley_scenario_free(parley_scenario *sc)
{
    if (!sc)
        return;
    for (size_t p = 0; p < sc->nparties; p++)
        party_free(sc, &sc->parties[p]);
    parleyx_free(sc->alloc, sc->parties, sc->capparties * sizeof(pm_party));
    for (size_t i = 0; i < sc->nissues; i++)
        issue_free(sc, &sc->issues[i]);
    parleyx_free(sc->alloc, sc->issues, sc->capissues * sizeof(pm_issue));
    parleyx_strfree(sc->alloc, sc->name);
    parleyx_strfree(sc->alloc, sc->description);
    for (size_t k = 0; k < sc->nnotes; k++)
        parleyx_strfree(sc->alloc, sc->notes[k]);
    parleyx_free(sc->alloc, sc->notes, sc->capnotes * sizeof(char *));
    pm_unc_free(sc); /* uncertain.c */
    parley_allocator a = sc->allocv;
    parleyx_free(&a, sc, sizeof *sc);
}

static parley_status set_text(parley_scenario *sc, char **slot, const char *text)
{
    char *d = NULL;
    if (text) {
        d = parleyx_strdup(sc->alloc, text);
        if (!d)
            return PARLEY_ERR_NOMEM;
    }
    parleyx_strfree(sc->alloc, *slot);
    *slot = d;
    return PARLEY_OK;
}

parley_status parley_scenario_set_name(parley_scenario *sc, const char *name)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    return set_text(sc, &sc->name, name);
}

parley_status parley_scenario_set_description(parley_scenario *sc, const char *text)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    return set_text(sc, &sc->description, text);
}

parley_status parley_scenario_add_note(parley_scenario *sc, const char *text)
{
    if (!sc || !text)
        return PARLEY_ERR_ARG;
    if (sc->nnotes >= PARLEY_MAX_PARTIES)
        return PARLEY_ERR_LIMIT;
    char **grown =
        parleyx_grow(sc->alloc, sc->notes, sizeof *grown, &sc->capnotes, sc->nnotes + 1, 4);
    if (!grown)
        return PARLEY_ERR_NOMEM;
    sc->notes = grown;
    char *t = parleyx_strdup(sc->alloc, text);
    if (!t)
        return PARLEY_ERR_NOMEM;
    sc->notes[sc->nnotes++] = t;
    return PARLEY_OK;
}

size_t parley_scenario_note_count(const parley_scenario *sc)
{
    return sc ? sc->nnotes : 0;
}

const char *parley_scenario_note(const parley_scenario *sc, size_t i)
{
    return sc && i < sc->nnotes ? sc->notes[i] : "";
}

/* --------------------------------------------------------------- issues */

static parley_status check_name(parley_scenario *sc, const char *what, const char *name,
                                parley_error *err)
{
    if (!name || !*name)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "%s name is empty; give it a non-empty name", what);
    if (strlen(name) > PARLEY_MAX_NAME)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "%s name is longer than %d bytes; shorten it", what, PARLEY_MAX_NAME);
    return PARLEY_OK;
}

/* One more issue or party named name: unique (found: the index of one
 * with that name, or SIZE_MAX) and within parley's limit of max. */
static parley_status room_for_one(const char *what, const char *whats, const char *name,
                                  size_t found, size_t n, int max, parley_error *err)
{
    if (found != SIZE_MAX)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "duplicate %s name '%s'; %s names must be unique", what, name, what);
    if (n >= (size_t)max)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "more than %d %s; parley's limit",
                            max, whats);
    return PARLEY_OK;
}

static parley_status issue_push(parley_scenario *sc, const char *name, pm_issue **out,
                                parley_error *err)
{
    parley_status st = check_name(sc, "issue", name, err);
    if (st)
        return st;
    if (sc->nparties)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "issue '%s' added after the first party; add every issue first",
                            name);
    st = room_for_one("issue", "issues", name, pm_find_issue(sc, name), sc->nissues,
                      PARLEY_MAX_ISSUES, err);
    if (st)
        return st;
    pm_issue *grown = parleyx_grow(sc->alloc, sc->issues, sizeof *grown, &sc->capissues,
                                   sc->nissues + 1, 8);
    if (!grown)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sc->issues = grown;
    pm_issue *is = &sc->issues[sc->nissues];
    memset(is, 0, sizeof *is);
    is->name = parleyx_strdup(sc->alloc, name);
    if (!is->name)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    unfinalize(sc);
    *out = is;
    return PARLEY_OK;
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

parley_status parley_scenario_add_discrete(parley_scenario *sc, const char *name, size_t n,
                                           const char *const *values, size_t *index,
                                           parley_error *err)
{
    if (!sc || (n && !values))
        return PARLEY_ERR_ARG;
    if (n == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s' has no values; list at least one", name ? name : "");
    if (n > PARLEY_MAX_VALUES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "issue '%s' has more than %u values", name ? name : "",
                            PARLEY_MAX_VALUES);
    for (size_t k = 0; k < n; k++) {
        if (!values[k] || !*values[k])
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "issue '%s': value %zu is empty; give every value a label",
                                name ? name : "", k + 1);
        if (strlen(values[k]) > PARLEY_MAX_NAME)
            return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                                "issue '%s': value %zu is longer than %d bytes", name ? name : "",
                                k + 1, PARLEY_MAX_NAME);
    }
    /* duplicates: pairwise for short lists, sorted neighbours otherwise */
    if (n <= 64) {
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < k; j++)
                if (strcmp(values[j], values[k]) == 0)
                    return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                        "issue '%s': value '%s' is listed twice; values must "
                                        "be unique",
                                        name ? name : "", values[k]);
    } else {
        const char **sorted = parleyx_malloc(sc->alloc, n * sizeof *sorted);
        if (!sorted)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(sorted, values, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_label);
        const char *dup = NULL;
        for (size_t k = 1; k < n && !dup; k++)
            if (strcmp(sorted[k - 1], sorted[k]) == 0)
                dup = sorted[k];
        parleyx_free(sc->alloc, sorted, n * sizeof *sorted);
        if (dup)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "issue '%s': value '%s' is listed twice; values must be unique",
                                name ? name : "", dup);
    }
    pm_issue *is;
    parley_status st = issue_push(sc, name, &is, err);
    if (st)
        return st;
    is->kind = PARLEY_ISSUE_DISCRETE;
    is->labels = parleyx_calloc(sc->alloc, n, sizeof(char *));
    if (!is->labels) {
        issue_free(sc, is);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    is->nvalues = n;
    for (size_t k = 0; k < n; k++) {
        is->labels[k] = parleyx_strdup(sc->alloc, values[k]);
        if (!is->labels[k]) {
            issue_free(sc, is);
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (index)
        *index = sc->nissues;
    sc->nissues++;
    return PARLEY_OK;
}

parley_status parley_scenario_add_integer(parley_scenario *sc, const char *name, int64_t lo,
                                          int64_t hi, int64_t step, size_t *index,
                                          parley_error *err)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    if (lo > hi)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': range lower bound %lld is above upper bound %lld; "
                            "swap them",
                            name ? name : "", (long long)lo, (long long)hi);
    if (step < 1)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': step %lld must be 1 or more", name ? name : "",
                            (long long)step);
    /* count = (hi - lo) / step + 1 without overflow */
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t count = span / (uint64_t)step + 1;
    if (count > PARLEY_MAX_VALUES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "issue '%s' has %llu values, more than parley's limit of %u; use a "
                            "larger step",
                            name ? name : "", (unsigned long long)count, PARLEY_MAX_VALUES);
    pm_issue *is;
    parley_status st = issue_push(sc, name, &is, err);
    if (st)
        return st;
    is->kind = PARLEY_ISSUE_INTEGER;
    is->ilo = lo;
    is->ihi = lo + (int64_t)((count - 1) * (uint64_t)step);
    is->istep = step;
    is->nvalues = (size_t)count;
    if (index)
        *index = sc->nissues;
    sc->nissues++;
    return PARLEY_OK;
}

parley_status parley_scenario_add_real(parley_scenario *sc, const char *name, double lo,
                                       double hi, unsigned grid, size_t *index, parley_error *err)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    if (!isfinite(lo) || !isfinite(hi))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': range bounds must be finite numbers", name ? name : "");
    if (lo > hi)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': range lower bound %g is above upper bound %g; swap them",
                            name ? name : "", lo, hi);
    if (!isfinite(hi - lo))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': the range from %g to %g is too wide to enumerate (its "
                            "width is not a finite number); narrow it",
                            name ? name : "", lo, hi);
    if (grid < 2 || grid > PARLEY_MAX_VALUES)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s': grid of %u points; use 2 to %u points", name ? name : "",
                            grid, PARLEY_MAX_VALUES);
    pm_issue *is;
    parley_status st = issue_push(sc, name, &is, err);
    if (st)
        return st;
    is->kind = PARLEY_ISSUE_REAL;
    is->rlo = lo;
    is->rhi = hi;
    is->grid = grid;
    is->nvalues = grid;
    if (index)
        *index = sc->nissues;
    sc->nissues++;
    return PARLEY_OK;
}

parley_status parley_issue_set_description(parley_scenario *sc, size_t issue, const char *text)
{
    if (!sc || issue >= sc->nissues)
        return PARLEY_ERR_ARG;
    return set_text(sc, &sc->issues[issue].description, text);
}

double pm_issue_value(const pm_issue *is, size_t k)
{
    switch (is->kind) {
    case PARLEY_ISSUE_INTEGER:
        return (double)(is->ilo + (int64_t)k * is->istep);
    case PARLEY_ISSUE_REAL: {
        /* GENIUS BidIterator: lb + k * ((ub - lb) / (n - 1)) */
        double step = (is->rhi - is->rlo) / (double)(is->grid - 1);
        return is->rlo + step * (double)k;
    }
    case PARLEY_ISSUE_DISCRETE:
    default:
        return (double)k;
    }
}

/* -------------------------------------------------------------- parties */

parley_status parley_scenario_add_party(parley_scenario *sc, const char *name, parley_role role,
                                        size_t *index, parley_error *err)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    parley_status st = check_name(sc, "party", name, err);
    if (st)
        return st;
    if (role != PARLEY_ROLE_NEGOTIATOR && role != PARLEY_ROLE_RATIFIER &&
        role != PARLEY_ROLE_MEDIATOR)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "unknown role for party '%s'", name);
    st = room_for_one("party", "parties", name, pm_find_party(sc, name), sc->nparties,
                      PARLEY_MAX_PARTIES, err);
    if (st)
        return st;
    pm_party *grown = parleyx_grow(sc->alloc, sc->parties, sizeof *grown, &sc->capparties,
                                   sc->nparties + 1, 4);
    if (!grown)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sc->parties = grown;
    pm_party *pa = &sc->parties[sc->nparties];
    memset(pa, 0, sizeof *pa);
    pa->role = role;
    pa->discount = 1.0;
    pa->idiv = 1.0;
    pa->name = parleyx_strdup(sc->alloc, name);
    pa->weights = parleyx_calloc(sc->alloc, sc->nissues, sizeof(double));
    pa->evals = parleyx_calloc(sc->alloc, sc->nissues, sizeof(pm_eval));
    pa->position = parleyx_malloc(sc->alloc, sc->nissues * sizeof(double));
    pa->salience = parleyx_malloc(sc->alloc, sc->nissues * sizeof(double));
    if (!pa->name || !pa->weights || !pa->evals || !pa->position || !pa->salience) {
        parleyx_strfree(sc->alloc, pa->name);
        parleyx_free(sc->alloc, pa->weights, sc->nissues * sizeof(double));
        parleyx_free(sc->alloc, pa->evals, sc->nissues * sizeof(pm_eval));
        parleyx_free(sc->alloc, pa->position, sc->nissues * sizeof(double));
        parleyx_free(sc->alloc, pa->salience, sc->nissues * sizeof(double));
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < sc->nissues; i++)
        pa->position[i] = pa->salience[i] = NAN;
    unfinalize(sc);
    if (index)
        *index = sc->nparties;
    sc->nparties++;
    return PARLEY_OK;
}

#define PARTY_OK(sc, p) ((sc) && (p) < (sc)->nparties)
#define ISSUE_OK(sc, i) ((i) < (sc)->nissues)

parley_status parley_party_set_description(parley_scenario *sc, size_t party, const char *text)
{
    if (!PARTY_OK(sc, party))
        return PARLEY_ERR_ARG;
    return set_text(sc, &sc->parties[party].description, text);
}

parley_status parley_party_set_reservation(parley_scenario *sc, size_t party, double rv)
{
    if (!PARTY_OK(sc, party))
        return PARLEY_ERR_ARG;
    if (!isfinite(rv))
        return PARLEY_ERR_INVALID;
    unfinalize(sc);
    sc->parties[party].reservation = rv;
    return PARLEY_OK;
}

parley_status parley_party_set_discount(parley_scenario *sc, size_t party, double d)
{
    if (!PARTY_OK(sc, party))
        return PARLEY_ERR_ARG;
    if (!isfinite(d) || d <= 0.0 || d > 1.0)
        return PARLEY_ERR_INVALID;
    unfinalize(sc);
    sc->parties[party].discount = d;
    return PARLEY_OK;
}

parley_status parley_party_set_capability(parley_scenario *sc, size_t party, double c)
{
    if (!PARTY_OK(sc, party))
        return PARLEY_ERR_ARG;
    if (!isfinite(c) || c < 0.0)
        return PARLEY_ERR_INVALID;
    sc->parties[party].has_capability = true;
    sc->parties[party].capability = c;
    return PARLEY_OK;
}

parley_status parley_party_set_weight(parley_scenario *sc, size_t party, size_t issue, double w)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue))
        return PARLEY_ERR_ARG;
    if (!isfinite(w) || w < 0.0)
        return PARLEY_ERR_INVALID;
    unfinalize(sc);
    sc->parties[party].weights[issue] = w == 0.0 ? 0.0 : w; /* no -0 */
    return PARLEY_OK;
}

parley_status parley_party_set_position(parley_scenario *sc, size_t party, size_t issue, double x)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue) ||
        sc->issues[issue].kind == PARLEY_ISSUE_DISCRETE)
        return PARLEY_ERR_ARG;
    if (!isfinite(x))
        return PARLEY_ERR_INVALID;
    sc->parties[party].position[issue] = x;
    return PARLEY_OK;
}

parley_status parley_party_set_salience(parley_scenario *sc, size_t party, size_t issue, double v)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue))
        return PARLEY_ERR_ARG;
    if (!isfinite(v) || v < 0.0)
        return PARLEY_ERR_INVALID;
    sc->parties[party].salience[issue] = v;
    return PARLEY_OK;
}

bool parley_party_position(const parley_scenario *sc, size_t party, size_t issue, double *x)
{
    if (!PARTY_OK(sc, party) || issue >= sc->nissues || isnan(sc->parties[party].position[issue]))
        return false;
    if (x)
        *x = sc->parties[party].position[issue];
    return true;
}

bool parley_party_salience(const parley_scenario *sc, size_t party, size_t issue, double *v)
{
    if (!PARTY_OK(sc, party) || issue >= sc->nissues || isnan(sc->parties[party].salience[issue]))
        return false;
    if (v)
        *v = sc->parties[party].salience[issue];
    return true;
}

static bool unit(double e)
{
    return isfinite(e) && e >= 0.0 && e <= 1.0;
}

parley_status parley_party_set_value_eval(parley_scenario *sc, size_t party, size_t issue,
                                          size_t value, double e)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue))
        return PARLEY_ERR_ARG;
    const pm_issue *is = &sc->issues[issue];
    if (is->kind != PARLEY_ISSUE_DISCRETE || value >= is->nvalues)
        return PARLEY_ERR_ARG;
    if (!unit(e))
        return PARLEY_ERR_INVALID;
    pm_eval *ev = &sc->parties[party].evals[issue];
    if (ev->kind != PARLEY_EVAL_TABLE) {
        double *t = parleyx_calloc(sc->alloc, is->nvalues, sizeof(double));
        if (!t)
            return PARLEY_ERR_NOMEM;
        eval_clear(sc, ev, is->nvalues);
        ev->kind = PARLEY_EVAL_TABLE;
        ev->table = t;
        ev->n = is->nvalues;
    }
    unfinalize(sc);
    ev->table[value] = e == 0.0 ? 0.0 : e;
    return PARLEY_OK;
}

static parley_status numeric_eval(parley_scenario *sc, size_t party, size_t issue, pm_eval **ev)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue))
        return PARLEY_ERR_ARG;
    if (sc->issues[issue].kind == PARLEY_ISSUE_DISCRETE)
        return PARLEY_ERR_ARG;
    *ev = &sc->parties[party].evals[issue];
    return PARLEY_OK;
}

parley_status parley_party_set_linear(parley_scenario *sc, size_t party, size_t issue,
                                      double intercept, double slope, double origin)
{
    pm_eval *ev;
    parley_status st = numeric_eval(sc, party, issue, &ev);
    if (st)
        return st;
    if (!isfinite(intercept) || !isfinite(slope) || !isfinite(origin))
        return PARLEY_ERR_INVALID;
    eval_clear(sc, ev, sc->issues[issue].nvalues);
    unfinalize(sc);
    ev->kind = PARLEY_EVAL_LINEAR;
    ev->a = intercept;
    ev->b = slope;
    ev->c = origin;
    return PARLEY_OK;
}

parley_status parley_party_set_triangular(parley_scenario *sc, size_t party, size_t issue,
                                          double low, double peak, double high)
{
    pm_eval *ev;
    parley_status st = numeric_eval(sc, party, issue, &ev);
    if (st)
        return st;
    if (!isfinite(low) || !isfinite(peak) || !isfinite(high) || low > peak || peak > high)
        return PARLEY_ERR_INVALID;
    eval_clear(sc, ev, sc->issues[issue].nvalues);
    unfinalize(sc);
    ev->kind = PARLEY_EVAL_TRIANGULAR;
    ev->a = low;
    ev->b = peak;
    ev->c = high;
    return PARLEY_OK;
}

parley_status parley_party_set_piecewise(parley_scenario *sc, size_t party, size_t issue,
                                         size_t n, const double *x, const double *y)
{
    pm_eval *ev;
    parley_status st = numeric_eval(sc, party, issue, &ev);
    if (st)
        return st;
    if (n < 1 || !x || !y)
        return PARLEY_ERR_ARG;
    if (n > PARLEY_MAX_VALUES)
        return PARLEY_ERR_LIMIT;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k]) || !unit(y[k]))
            return PARLEY_ERR_INVALID;
        if (k && !(x[k] > x[k - 1]))
            return PARLEY_ERR_INVALID;
    }
    double *nx = parleyx_malloc(sc->alloc, n * sizeof(double));
    double *ny = parleyx_malloc(sc->alloc, n * sizeof(double));
    if (!nx || !ny) {
        parleyx_free(sc->alloc, nx, n * sizeof(double));
        parleyx_free(sc->alloc, ny, n * sizeof(double));
        return PARLEY_ERR_NOMEM;
    }
    memcpy(nx, x, n * sizeof(double));
    memcpy(ny, y, n * sizeof(double));
    eval_clear(sc, ev, sc->issues[issue].nvalues);
    unfinalize(sc);
    ev->kind = PARLEY_EVAL_PIECEWISE;
    ev->n = n;
    ev->x = nx;
    ev->y = ny;
    return PARLEY_OK;
}

parley_status parley_party_set_constant(parley_scenario *sc, size_t party, size_t issue,
                                        double c)
{
    if (!PARTY_OK(sc, party) || !ISSUE_OK(sc, issue))
        return PARLEY_ERR_ARG;
    if (!unit(c))
        return PARLEY_ERR_INVALID;
    pm_eval *ev = &sc->parties[party].evals[issue];
    eval_clear(sc, ev, sc->issues[issue].nvalues);
    unfinalize(sc);
    ev->kind = PARLEY_EVAL_CONSTANT;
    ev->a = c;
    return PARLEY_OK;
}

/* ------------------------------------------------------------ red lines */

parley_status parley_party_add_redline(parley_scenario *sc, size_t party, const char *name,
                                       const char *text, parley_error *err)
{
    if (!PARTY_OK(sc, party) || !text)
        return PARLEY_ERR_ARG;
    pm_party *pa = &sc->parties[party];
    parley_status st = check_name(sc, "red line", name, err);
    if (st)
        return st;
    for (size_t r = 0; r < pa->nredlines; r++)
        if (strcmp(pa->redlines[r].name, name) == 0)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "party '%s' has two red lines named '%s'; names must be unique",
                                pa->name, name);
    if (pa->nredlines >= PARLEY_MAX_REDLINES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "party '%s' has more than %d red lines", pa->name,
                            PARLEY_MAX_REDLINES);
    rule *ru = NULL;
    st = rule_compile(sc, text, &ru, err);
    if (st)
        return st;
    pm_redline *grown = parleyx_grow(sc->alloc, pa->redlines, sizeof *grown, &pa->capredlines,
                                     pa->nredlines + 1, 4);
    if (!grown) {
        rule_free(sc, ru);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    pa->redlines = grown;
    pm_redline *rl = &pa->redlines[pa->nredlines];
    rl->name = parleyx_strdup(sc->alloc, name);
    rl->text = parleyx_strdup(sc->alloc, text);
    rl->rule = ru;
    if (!rl->name || !rl->text) {
        parleyx_strfree(sc->alloc, rl->name);
        parleyx_strfree(sc->alloc, rl->text);
        rule_free(sc, ru);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (rule_uses_utility(ru))
        pa->redlines_use_utility = true;
    pa->nredlines++;
    unfinalize(sc);
    return PARLEY_OK;
}

parley_status parley_party_remove_redline(parley_scenario *sc, size_t party, size_t r)
{
    if (!PARTY_OK(sc, party) || r >= sc->parties[party].nredlines)
        return PARLEY_ERR_ARG;
    pm_party *pa = &sc->parties[party];
    parleyx_strfree(sc->alloc, pa->redlines[r].name);
    parleyx_strfree(sc->alloc, pa->redlines[r].text);
    rule_free(sc, pa->redlines[r].rule);
    memmove(&pa->redlines[r], &pa->redlines[r + 1], (pa->nredlines - r - 1) * sizeof(pm_redline));
    pa->nredlines--;
    pm_unc_redline_removed(sc, party, r); /* uncertain.c: its beliefs and threshold go too */
    pa->redlines_use_utility = false;
    for (size_t k = 0; k < pa->nredlines; k++)
        if (rule_uses_utility(pa->redlines[k].rule))
            pa->redlines_use_utility = true;
    unfinalize(sc);
    return PARLEY_OK;
}

/* ---------------------------------------------------------- interactions */

parley_status parley_party_add_interaction(parley_scenario *sc, size_t party, const char *when,
                                           double value, parley_error *err)
{
    if (!PARTY_OK(sc, party) || !when)
        return PARLEY_ERR_ARG;
    pm_party *pa = &sc->parties[party];
    if (!isfinite(value))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "an interaction of party '%s' has a value that is not a finite "
                            "number; give a number such as 0.3 or -0.2",
                            pa->name);
    if (pa->nterms >= PARLEY_MAX_INTERACTIONS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "party '%s' has more than %d interactions", pa->name,
                            PARLEY_MAX_INTERACTIONS);
    rule *ru = NULL;
    parley_status st = rule_compile(sc, when, &ru, err);
    if (st)
        return st;
    if (rule_uses_utility(ru)) {
        rule_free(sc, ru);
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 1,
                            "an interaction's condition names issues only, not utility(); "
                            "write it with issue comparisons such as \"a == x and b >= 3\"");
    }
    pm_term *grown = parleyx_grow(sc->alloc, pa->iterms, sizeof *grown, &pa->capterms,
                                  pa->nterms + 1, 4);
    if (!grown) {
        rule_free(sc, ru);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    pa->iterms = grown;
    pm_term *t = &pa->iterms[pa->nterms];
    t->when = parleyx_strdup(sc->alloc, when);
    if (!t->when) {
        rule_free(sc, ru);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    t->rule = ru;
    t->value = value;
    pa->nterms++;
    unfinalize(sc);
    return PARLEY_OK;
}

parley_status parley_party_remove_interaction(parley_scenario *sc, size_t party, size_t t)
{
    if (!PARTY_OK(sc, party) || t >= sc->parties[party].nterms)
        return PARLEY_ERR_ARG;
    pm_party *pa = &sc->parties[party];
    parleyx_strfree(sc->alloc, pa->iterms[t].when);
    rule_free(sc, pa->iterms[t].rule);
    memmove(&pa->iterms[t], &pa->iterms[t + 1], (pa->nterms - t - 1) * sizeof(pm_term));
    pa->nterms--;
    unfinalize(sc);
    return PARLEY_OK;
}

parley_status parley_party_set_interaction_divisor(parley_scenario *sc, size_t party,
                                                   double divisor)
{
    if (!PARTY_OK(sc, party) || !isfinite(divisor) || !(divisor > 0.0))
        return PARLEY_ERR_ARG;
    sc->parties[party].idiv = divisor;
    unfinalize(sc);
    return PARLEY_OK;
}

size_t parley_interaction_count(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].nterms : 0;
}

const char *parley_interaction_when(const parley_scenario *sc, size_t party, size_t t)
{
    return PARTY_OK(sc, party) && t < sc->parties[party].nterms ? sc->parties[party].iterms[t].when
                                                                : NULL;
}

double parley_interaction_value(const parley_scenario *sc, size_t party, size_t t)
{
    return PARTY_OK(sc, party) && t < sc->parties[party].nterms
               ? sc->parties[party].iterms[t].value
               : 0.0;
}

double parley_party_interaction_divisor(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].idiv : 1.0;
}

bool pm_has_interactions(const parley_scenario *sc)
{
    for (size_t p = 0; p < sc->nparties; p++)
        if (sc->parties[p].nterms)
            return true;
    return false;
}

bool parley_scenario_has_interactions(const parley_scenario *sc)
{
    return sc && pm_has_interactions(sc);
}

double pm_interact_sum(const pm_party *pa, const uint32_t *o)
{
    double s = 0.0;
    for (size_t t = 0; t < pa->nterms; t++)
        if (rule_eval(pa->iterms[t].rule, o, NULL))
            s += pa->iterms[t].value;
    return s;
}

double pm_interact(const pm_party *pa, const uint32_t *o, double lin)
{
    double s = lin + pm_interact_sum(pa, o) / pa->idiv;
    return s > 0.0 ? s : 0.0;
}

/* ------------------------------------------------------------- finalize */

double pm_eval_at(const pm_eval *ev, const pm_issue *is, size_t k)
{
    double x = pm_issue_value(is, k), v;
    switch (ev->kind) {
    case PARLEY_EVAL_TABLE:
        return ev->table[k];
    case PARLEY_EVAL_CONSTANT:
        return ev->a;
    case PARLEY_EVAL_LINEAR:
        /* GENIUS: integer slope*(v-lb)+offset; real p0 + p1*x (origin 0) */
        v = ev->a + ev->b * (x - ev->c);
        return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    case PARLEY_EVAL_TRIANGULAR:
        /* GENIUS EvaluatorReal triangular: low a, top b, high c */
        if (x < ev->a)
            return 0.0;
        if (x < ev->b)
            return (x - ev->a) / (ev->b - ev->a);
        if (x < ev->c)
            return 1.0 - (x - ev->b) / (ev->c - ev->b);
        return 0.0; /* GENIUS: also at x == top when top == high */
    case PARLEY_EVAL_PIECEWISE:
        if (x <= ev->x[0])
            return ev->y[0];
        for (size_t j = 1; j < ev->n; j++)
            if (x <= ev->x[j])
                return ev->y[j - 1] +
                       (ev->y[j] - ev->y[j - 1]) * ((x - ev->x[j - 1]) / (ev->x[j] - ev->x[j - 1]));
        return ev->y[ev->n - 1];
    case PARLEY_EVAL_NONE:
    default:
        return 0.0;
    }
}

parley_status parley_scenario_finalize(parley_scenario *sc, parley_error *err)
{
    if (!sc)
        return PARLEY_ERR_ARG;
    if (sc->final)
        return PARLEY_OK;
    if (sc->nissues == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the scenario has no issues; add at least one issue to negotiate");
    if (sc->nparties == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the scenario has no parties; add at least one negotiator");
    bool negotiator = false;
    for (size_t p = 0; p < sc->nparties; p++)
        if (sc->parties[p].role == PARLEY_ROLE_NEGOTIATOR)
            negotiator = true;
    if (!negotiator)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the scenario has no negotiator; give at least one party the role "
                            "'negotiator'");
    for (size_t p = 0; p < sc->nparties; p++) {
        pm_party *pa = &sc->parties[p];
        bool any = false;
        for (size_t i = 0; i < sc->nissues; i++) {
            if (pa->weights[i] != 0.0 && pa->evals[i].kind == PARLEY_EVAL_NONE)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "party '%s' weighs issue '%s' but says nothing of its "
                                    "values; give an evaluation or a zero weight",
                                    pa->name, sc->issues[i].name);
            if (pa->weights[i] != 0.0)
                any = true;
        }
        for (size_t t = 0; t < pa->nterms; t++)
            if (pa->iterms[t].value != 0.0)
                any = true;
        pa->has_utility = any;
        if (!any && pa->role != PARLEY_ROLE_MEDIATOR) {
            bool anyeval = false;
            for (size_t i = 0; i < sc->nissues; i++)
                if (pa->evals[i].kind != PARLEY_EVAL_NONE)
                    anyeval = true;
            if (anyeval)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "party '%s' gives every issue weight 0; give at least one "
                                    "issue a positive weight",
                                    pa->name);
        }
    }
    for (size_t p = 0; p < sc->nparties; p++) {
        pm_party *pa = &sc->parties[p];
        pa->terms = parleyx_calloc(sc->alloc, sc->nissues, sizeof(double *));
        if (!pa->terms)
            goto nomem;
        for (size_t i = 0; i < sc->nissues; i++) {
            const pm_issue *is = &sc->issues[i];
            double *t = parleyx_malloc(sc->alloc, is->nvalues * sizeof(double));
            if (!t)
                goto nomem;
            pa->terms[i] = t;
            double w = pa->weights[i];
            for (size_t k = 0; k < is->nvalues; k++)
                t[k] = pa->evals[i].kind == PARLEY_EVAL_NONE ? 0.0
                                                             : w * pm_eval_at(&pa->evals[i], is, k);
        }
    }
    sc->final = true;
    return PARLEY_OK;
nomem:
    sc->final = true; /* so unfinalize frees the partial tables */
    unfinalize(sc);
    return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

bool parley_scenario_is_final(const parley_scenario *sc)
{
    return sc && sc->final;
}

/* -------------------------------------------------------------- reading */

const char *parley_scenario_name(const parley_scenario *sc)
{
    return sc && sc->name ? sc->name : "";
}

const char *parley_scenario_description(const parley_scenario *sc)
{
    return sc && sc->description ? sc->description : "";
}

size_t parley_issue_count(const parley_scenario *sc)
{
    return sc ? sc->nissues : 0;
}

const char *parley_issue_name(const parley_scenario *sc, size_t issue)
{
    return sc && issue < sc->nissues ? sc->issues[issue].name : "";
}

const char *parley_issue_description(const parley_scenario *sc, size_t issue)
{
    return sc && issue < sc->nissues && sc->issues[issue].description
               ? sc->issues[issue].description
               : "";
}

parley_issue_kind parley_issue_kind_of(const parley_scenario *sc, size_t issue)
{
    return sc && issue < sc->nissues ? sc->issues[issue].kind : PARLEY_ISSUE_DISCRETE;
}

size_t parley_issue_value_count(const parley_scenario *sc, size_t issue)
{
    return sc && issue < sc->nissues ? sc->issues[issue].nvalues : 0;
}

void parley_issue_range(const parley_scenario *sc, size_t issue, double *lo, double *hi,
                        double *step)
{
    double l = 0, h = 0, s = 0;
    if (sc && issue < sc->nissues) {
        const pm_issue *is = &sc->issues[issue];
        if (is->kind == PARLEY_ISSUE_INTEGER) {
            l = (double)is->ilo;
            h = (double)is->ihi;
            s = (double)is->istep;
        } else if (is->kind == PARLEY_ISSUE_REAL) {
            l = is->rlo;
            h = is->rhi;
            s = (double)is->grid;
        } else {
            h = (double)is->nvalues - 1;
            s = 1;
        }
    }
    if (lo)
        *lo = l;
    if (hi)
        *hi = h;
    if (step)
        *step = s;
}

double parley_issue_value_number(const parley_scenario *sc, size_t issue, size_t k)
{
    if (!sc || issue >= sc->nissues || k >= sc->issues[issue].nvalues)
        return 0.0;
    return pm_issue_value(&sc->issues[issue], k);
}

const char *parley_issue_value_label(const parley_scenario *sc, size_t issue, size_t k,
                                     char *buf, size_t n)
{
    if (!n)
        return buf;
    buf[0] = '\0';
    if (!sc || issue >= sc->nissues || k >= sc->issues[issue].nvalues)
        return buf;
    const pm_issue *is = &sc->issues[issue];
    if (is->kind == PARLEY_ISSUE_DISCRETE)
        snprintf(buf, n, "%s", is->labels[k]);
    else if (is->kind == PARLEY_ISSUE_INTEGER)
        snprintf(buf, n, "%lld", (long long)(is->ilo + (int64_t)k * is->istep));
    else {
        char tmp[40];
        snprintf(buf, n, "%s", parleyx_fmt_double(pm_issue_value(is, k), tmp, sizeof tmp));
    }
    return buf;
}

size_t pm_issue_grid_index(const pm_issue *is, double x)
{
    if (is->kind != PARLEY_ISSUE_REAL || is->nvalues < 1)
        return SIZE_MAX;
    double step = is->nvalues > 1 ? (is->rhi - is->rlo) / (double)(is->nvalues - 1) : 0.0;
    if (!(step > 0.0)) /* one point (lo == hi): that point exactly */
        return x == pm_issue_value(is, 0) ? 0 : SIZE_MAX;
    double f = (x - is->rlo) / step;
    if (!(f > -1.0 && f < (double)is->nvalues))
        return SIZE_MAX;
    size_t k0 = f <= 0.0 ? 0 : (size_t)(f + 0.5);
    double tol = step * 1e-9;
    for (size_t k = k0 > 0 ? k0 - 1 : 0; k <= k0 + 1 && k < is->nvalues; k++) {
        double v = pm_issue_value(is, k);
        if ((v > x ? v - x : x - v) <= tol)
            return k;
    }
    return SIZE_MAX;
}

parley_status parley_issue_find_value(const parley_scenario *sc, size_t issue, const char *label,
                                      size_t *k)
{
    if (!sc || issue >= sc->nissues || !label)
        return PARLEY_ERR_ARG;
    const pm_issue *is = &sc->issues[issue];
    if (is->kind == PARLEY_ISSUE_DISCRETE) {
        for (size_t j = 0; j < is->nvalues; j++)
            if (strcmp(is->labels[j], label) == 0) {
                if (k)
                    *k = j;
                return PARLEY_OK;
            }
        return PARLEY_ERR_INVALID;
    }
    double x;
    if (!parleyx_parse_double(label, &x))
        return PARLEY_ERR_INVALID;
    if (is->kind == PARLEY_ISSUE_INTEGER) {
        if (x < (double)is->ilo || x > (double)is->ihi || x != floor(x))
            return PARLEY_ERR_INVALID;
        int64_t v = (int64_t)x;
        if ((v - is->ilo) % is->istep)
            return PARLEY_ERR_INVALID;
        if (k)
            *k = (size_t)((v - is->ilo) / is->istep);
        return PARLEY_OK;
    }
    size_t j = pm_issue_grid_index(is, x);
    if (j == SIZE_MAX)
        return PARLEY_ERR_INVALID;
    if (k)
        *k = j;
    return PARLEY_OK;
}

size_t pm_find_issue(const parley_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nissues; i++)
        if (strcmp(sc->issues[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

size_t pm_find_party(const parley_scenario *sc, const char *name)
{
    for (size_t p = 0; p < sc->nparties; p++)
        if (strcmp(sc->parties[p].name, name) == 0)
            return p;
    return SIZE_MAX;
}

/* The public face of a look-up: ARG, INVALID when not found. */
static parley_status found(size_t k, size_t *out)
{
    if (k == SIZE_MAX)
        return PARLEY_ERR_INVALID;
    if (out)
        *out = k;
    return PARLEY_OK;
}

parley_status parley_scenario_find_issue(const parley_scenario *sc, const char *name,
                                         size_t *issue)
{
    return sc && name ? found(pm_find_issue(sc, name), issue) : PARLEY_ERR_ARG;
}

parley_status parley_scenario_find_party(const parley_scenario *sc, const char *name,
                                         size_t *party)
{
    return sc && name ? found(pm_find_party(sc, name), party) : PARLEY_ERR_ARG;
}

size_t parley_party_count(const parley_scenario *sc)
{
    return sc ? sc->nparties : 0;
}

const char *parley_party_name(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].name : "";
}

const char *parley_party_description(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) && sc->parties[party].description ? sc->parties[party].description
                                                                 : "";
}

parley_role parley_party_role(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].role : PARLEY_ROLE_NEGOTIATOR;
}

double parley_party_reservation(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].reservation : 0.0;
}

double parley_party_discount(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].discount : 1.0;
}

bool parley_party_capability(const parley_scenario *sc, size_t party, double *c)
{
    if (!PARTY_OK(sc, party) || !sc->parties[party].has_capability)
        return false;
    if (c)
        *c = sc->parties[party].capability;
    return true;
}

double parley_party_weight(const parley_scenario *sc, size_t party, size_t issue)
{
    return PARTY_OK(sc, party) && issue < sc->nissues ? sc->parties[party].weights[issue] : 0.0;
}

bool parley_party_has_utility(const parley_scenario *sc, size_t party)
{
    if (!PARTY_OK(sc, party))
        return false;
    const pm_party *pa = &sc->parties[party];
    for (size_t i = 0; i < sc->nissues; i++)
        if (pa->weights[i] != 0.0 && pa->evals[i].kind != PARLEY_EVAL_NONE)
            return true;
    for (size_t t = 0; t < pa->nterms; t++)
        if (pa->iterms[t].value != 0.0)
            return true;
    return false;
}

void parley_party_eval_info(const parley_scenario *sc, size_t party, size_t issue,
                            parley_eval_info *info)
{
    memset(info, 0, sizeof *info);
    if (!PARTY_OK(sc, party) || issue >= sc->nissues)
        return;
    const pm_eval *ev = &sc->parties[party].evals[issue];
    info->kind = ev->kind;
    info->a = ev->a;
    info->b = ev->b;
    info->c = ev->c;
    info->n = ev->n;
    info->table = ev->table;
    info->x = ev->x;
    info->y = ev->y;
}

size_t parley_redline_count(const parley_scenario *sc, size_t party)
{
    return PARTY_OK(sc, party) ? sc->parties[party].nredlines : 0;
}

const char *parley_redline_name(const parley_scenario *sc, size_t party, size_t r)
{
    return PARTY_OK(sc, party) && r < sc->parties[party].nredlines
               ? sc->parties[party].redlines[r].name
               : "";
}

const char *parley_redline_text(const parley_scenario *sc, size_t party, size_t r)
{
    return PARTY_OK(sc, party) && r < sc->parties[party].nredlines
               ? sc->parties[party].redlines[r].text
               : "";
}

static void outcome_big(const parley_scenario *sc, px_big *b)
{
    parleyx_big_set(b, 1);
    for (size_t i = 0; i < sc->nissues; i++)
        parleyx_big_mul(b, (uint32_t)sc->issues[i].nvalues);
}

parley_status parley_scenario_outcome_count_text(const parley_scenario *sc, char *buf, size_t n)
{
    if (!sc || !buf)
        return PARLEY_ERR_ARG;
    px_big b;
    outcome_big(sc, &b);
    if (b.overflow)
        return PARLEY_ERR_LIMIT;
    return parleyx_big_text(&b, buf, n) ? PARLEY_OK : PARLEY_ERR_LIMIT;
}

parley_status parley_scenario_outcome_count(const parley_scenario *sc, uint64_t *count)
{
    if (!sc || !count)
        return PARLEY_ERR_ARG;
    px_big b;
    outcome_big(sc, &b);
    return parleyx_big_u64(&b, count) ? PARLEY_OK : PARLEY_ERR_LIMIT;
}

/* ------------------------------------------------------------ evaluation */

double parley_utility(const parley_scenario *sc, size_t party, const uint32_t *outcome)
{
    if (!sc || !sc->final || party >= sc->nparties || !outcome)
        return 0.0;
    return pm_utility(sc, party, outcome);
}

/* The first of party's red lines broken by outcome (only: red line
 * `only`; SIZE_MAX: every one), or -1. */
static long first_broken(const parley_scenario *sc, size_t party, const uint32_t *outcome,
                         const double *util, size_t only)
{
    const pm_party *pa = &sc->parties[party];
    size_t from = only == SIZE_MAX ? 0 : only, to = only == SIZE_MAX ? pa->nredlines : only + 1;
    for (size_t r = from; r < to && r < pa->nredlines; r++)
        if (!rule_eval(pa->redlines[r].rule, outcome, util))
            return (long)r;
    return -1;
}

/* first_broken, with the utilities of every party when some rule of
 * `party` needs them (-2 when memory ran out for them).  Small scenarios
 * use the stack; large ones allocate. */
static long broken_with_utils(const parley_scenario *sc, size_t party, const uint32_t *outcome,
                              size_t only)
{
    const pm_party *pa = &sc->parties[party];
    if (!pa->redlines_use_utility)
        return first_broken(sc, party, outcome, NULL, only);
    double stackbuf[64] = {0};
    double *u = stackbuf;
    if (sc->nparties > 64) {
        u = parleyx_malloc(sc->alloc, sc->nparties * sizeof(double));
        if (!u)
            return -2;
    }
    for (size_t p = 0; p < sc->nparties; p++)
        u[p] = pm_utility(sc, p, outcome);
    long r = first_broken(sc, party, outcome, u, only);
    if (u != stackbuf)
        parleyx_free(sc->alloc, u, sc->nparties * sizeof(double));
    return r;
}

long parley_redline_broken(const parley_scenario *sc, size_t party, const uint32_t *outcome)
{
    if (!sc || !sc->final || party >= sc->nparties || !outcome)
        return -1;
    long r = broken_with_utils(sc, party, outcome, SIZE_MAX);
    return r == -2 ? 0 : r;
}

bool parley_redlines_hold(const parley_scenario *sc, size_t party, const uint32_t *outcome)
{
    if (!sc || !sc->final || party >= sc->nparties || !outcome)
        return false;
    return broken_with_utils(sc, party, outcome, SIZE_MAX) == -1;
}

bool parley_redline_holds(const parley_scenario *sc, size_t party, size_t r,
                          const uint32_t *outcome)
{
    if (!sc || !sc->final || party >= sc->nparties || !outcome ||
        r >= sc->parties[party].nredlines)
        return false;
    return broken_with_utils(sc, party, outcome, r) == -1;
}

bool parley_outcome_acceptable(const parley_scenario *sc, const uint32_t *outcome)
{
    if (!sc || !sc->final || !outcome)
        return false;
    for (size_t p = 0; p < sc->nparties; p++) {
        const pm_party *pa = &sc->parties[p];
        if (pa->role == PARLEY_ROLE_MEDIATOR)
            continue;
        if (pm_utility(sc, p, outcome) < pa->reservation)
            return false;
        if (broken_with_utils(sc, p, outcome, SIZE_MAX) != -1)
            return false;
    }
    return true;
}

/* ----------------------------------------------------------------- clone */

/* Built through the builder itself, so a clone obeys every invariant a
 * fresh scenario does (and rules are recompiled against the copy). */
parley_status parley_scenario_clone(const parley_scenario *sc, parley_scenario **out,
                                    parley_error *err)
{
    if (!sc || !out)
        return PARLEY_ERR_ARG;
    *out = NULL;
    parley_scenario *c = parley_scenario_new(sc->alloc);
    if (!c)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    parley_status st = PARLEY_OK;
    if (sc->name)
        st = parley_scenario_set_name(c, sc->name);
    if (!st && sc->description)
        st = parley_scenario_set_description(c, sc->description);
    for (size_t k = 0; !st && k < sc->nnotes; k++)
        st = parley_scenario_add_note(c, sc->notes[k]);
    for (size_t i = 0; !st && i < sc->nissues; i++) {
        const pm_issue *is = &sc->issues[i];
        if (is->kind == PARLEY_ISSUE_DISCRETE)
            st = parley_scenario_add_discrete(c, is->name, is->nvalues,
                                              (const char *const *)is->labels, NULL, err);
        else if (is->kind == PARLEY_ISSUE_INTEGER)
            st = parley_scenario_add_integer(c, is->name, is->ilo, is->ihi, is->istep, NULL, err);
        else
            st = parley_scenario_add_real(c, is->name, is->rlo, is->rhi, is->grid, NULL, err);
        if (!st && is->description)
            st = parley_issue_set_description(c, i, is->description);
    }
    for (size_t p = 0; !st && p < sc->nparties; p++) {
        const pm_party *pa = &sc->parties[p];
        st = parley_scenario_add_party(c, pa->name, pa->role, NULL, err);
        if (!st && pa->description)
            st = parley_party_set_description(c, p, pa->description);
        if (!st)
            st = parley_party_set_reservation(c, p, pa->reservation);
        if (!st)
            st = parley_party_set_discount(c, p, pa->discount);
        if (!st && pa->has_capability)
            st = parley_party_set_capability(c, p, pa->capability);
        for (size_t i = 0; !st && i < sc->nissues; i++) {
            const pm_eval *ev = &pa->evals[i];
            if (!isnan(pa->position[i]))
                st = parley_party_set_position(c, p, i, pa->position[i]);
            if (!st && !isnan(pa->salience[i]))
                st = parley_party_set_salience(c, p, i, pa->salience[i]);
            if (st)
                break;
            st = parley_party_set_weight(c, p, i, pa->weights[i]);
            if (st)
                break;
            switch (ev->kind) {
            case PARLEY_EVAL_TABLE:
                for (size_t k = 0; !st && k < sc->issues[i].nvalues; k++)
                    st = parley_party_set_value_eval(c, p, i, k, ev->table[k]);
                break;
            case PARLEY_EVAL_LINEAR:
                st = parley_party_set_linear(c, p, i, ev->a, ev->b, ev->c);
                break;
            case PARLEY_EVAL_TRIANGULAR:
                st = parley_party_set_triangular(c, p, i, ev->a, ev->b, ev->c);
                break;
            case PARLEY_EVAL_PIECEWISE:
                st = parley_party_set_piecewise(c, p, i, ev->n, ev->x, ev->y);
                break;
            case PARLEY_EVAL_CONSTANT:
                st = parley_party_set_constant(c, p, i, ev->a);
                break;
            case PARLEY_EVAL_NONE:
                break;
            }
        }
    }
    for (size_t p = 0; !st && p < sc->nparties; p++) {
        const pm_party *pa = &sc->parties[p];
        for (size_t t = 0; !st && t < pa->nterms; t++)
            st = parley_party_add_interaction(c, p, pa->iterms[t].when, pa->iterms[t].value, err);
        if (!st && pa->idiv != 1.0)
            st = parley_party_set_interaction_divisor(c, p, pa->idiv);
    }
    for (size_t p = 0; !st && p < sc->nparties; p++)
        for (size_t r = 0; !st && r < sc->parties[p].nredlines; r++)
            st = parley_party_add_redline(c, p, sc->parties[p].redlines[r].name,
                                          sc->parties[p].redlines[r].text, err);
    if (!st)
        st = pm_unc_clone(sc, c, err); /* uncertain.c: the same numbers, beliefs, thresholds */
    if (!st && sc->final)
        st = parley_scenario_finalize(c, err);
    if (st) {
        parley_scenario_free(c);
        if (st == PARLEY_ERR_NOMEM)
            parleyx_fail(err, st, NULL, 0, 0, "out of memory");
        return st;
    }
    *out = c;
    return PARLEY_OK;
}
