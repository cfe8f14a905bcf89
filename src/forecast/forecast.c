/*
 * forecast.c -- forecast inputs (building, accessors), the run entry point
 * that dispatches to smp.c or bdm.c, results and their accessors, the
 * native-scenario bridge and the small deterministic parallel-for the
 * models share.
 *
 * Ownership: an input owns every string and array it holds (copied in the
 * setters) and frees them with its allocator; a result is allocated with
 * the input's allocator and keeps a copy of it, so it outlives the input.
 * Invariants: see fc.h.  Nothing here prints.
 */
#include "forecast/fc.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------- inputs */

parley_forecast_input *parley_forecast_input_new(const parley_allocator *alloc)
{
    parley_forecast_input *in = parleyx_calloc(alloc, 1, sizeof *in);
    if (!in)
        return NULL;
    if (alloc)
        in->alloc = *alloc;
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    in->params = o.smp;
    return in;
}

void parley_forecast_input_free(parley_forecast_input *in)
{
    if (!in)
        return;
    const parley_allocator *a = &in->alloc;
    parleyx_strfree(a, in->name);
    parleyx_strfree(a, in->desc);
    for (size_t i = 0; i < in->na; i++) {
        parleyx_strfree(a, in->aname[i]);
        parleyx_strfree(a, in->adesc[i]);
    }
    for (size_t d = 0; d < in->nd; d++)
        parleyx_strfree(a, in->dname[d]);
    parleyx_free(a, in->aname, in->cap.aname * sizeof(char *));
    parleyx_free(a, in->adesc, in->cap.adesc * sizeof(char *));
    parleyx_free(a, in->capab, in->cap.capab * sizeof(double));
    parleyx_free(a, in->pos, in->cap.pos * in->nd * sizeof(double));
    parleyx_free(a, in->sal, in->cap.sal * in->nd * sizeof(double));
    parleyx_free(a, in->dname, in->cap.dname * sizeof(char *));
    parleyx_free(a, in->lo, in->cap.lo * sizeof(double));
    parleyx_free(a, in->hi, in->cap.hi * sizeof(double));
    parleyx_free(a, in->accom, in->cap.accom * sizeof(fc_accom));
    parley_allocator copy = in->alloc;
    parleyx_free(&copy, in, sizeof *in);
}

parley_status parley_forecast_input_set_name(parley_forecast_input *in, const char *name,
                                             const char *description)
{
    if (!in)
        return PARLEY_ERR_ARG;
    char *n = name ? parleyx_strdup(&in->alloc, name) : NULL;
    char *d = description ? parleyx_strdup(&in->alloc, description) : NULL;
    if ((name && !n) || (description && !d)) {
        parleyx_strfree(&in->alloc, n);
        parleyx_strfree(&in->alloc, d);
        return PARLEY_ERR_NOMEM;
    }
    parleyx_strfree(&in->alloc, in->name);
    parleyx_strfree(&in->alloc, in->desc);
    in->name = n;
    in->desc = d;
    return PARLEY_OK;
}

/* parleyx_grow for the array whose pointer is at arrp (elements of size
 * bytes, *cap of them): true when it holds need elements; false when out
 * of memory, the array and *cap then unchanged.  The pointer is read and
 * written with memcpy, as arrp may point to any object pointer. */
static bool fc_grow(const parley_allocator *a, void *arrp, size_t size, size_t *cap, size_t need,
                    size_t first)
{
    void *arr;
    memcpy(&arr, arrp, sizeof arr);
    void *p = parleyx_grow(a, arr, size, cap, need, first);
    if (!p)
        return false;
    memcpy(arrp, &p, sizeof p);
    return true;
}

parley_status parley_forecast_add_dimension(parley_forecast_input *in, const char *name,
                                            double lo, double hi, parley_error *err)
{
    if (!in || !name)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no input or no dimension name");
    if (in->na)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "dimension '%s' added after the first actor; add every dimension "
                            "first", name);
    if (!*name)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "a dimension needs a non-empty name");
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "dimension '%s' needs a scale lo < hi (finite numbers)", name);
    for (size_t d = 0; d < in->nd; d++)
        if (strcmp(in->dname[d], name) == 0)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "dimension '%s' is defined twice; give each a distinct name", name);
    if (in->nd >= PARLEY_FORECAST_MAX_DIMS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "more than %d dimensions",
                            PARLEY_FORECAST_MAX_DIMS);
    const parley_allocator *a = &in->alloc;
    size_t need = in->nd + 1;
    char *n = NULL;
    if (!fc_grow(a, &in->dname, sizeof(char *), &in->cap.dname, need, 4) ||
        !fc_grow(a, &in->lo, sizeof(double), &in->cap.lo, need, 4) ||
        !fc_grow(a, &in->hi, sizeof(double), &in->cap.hi, need, 4) ||
        !(n = parleyx_strdup(a, name)))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    in->dname[in->nd] = n;
    in->lo[in->nd] = lo;
    in->hi[in->nd] = hi;
    in->nd++;
    return PARLEY_OK;
}

parley_status parley_forecast_add_actor(parley_forecast_input *in, const char *name,
                                        const char *description, double capability,
                                        const double *pos, const double *sal, parley_error *err)
{
    if (!in || !name || (in->nd && (!pos || !sal)))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "missing actor data");
    if (!in->nd)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "actor '%s' added before any dimension", name);
    if (!*name)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "an actor needs a non-empty name");
    for (size_t i = 0; i < in->na; i++)
        if (strcmp(in->aname[i], name) == 0)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "actor '%s' is defined twice; give each a distinct name", name);
    if (!isfinite(capability) || !(capability > 0))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "actor '%s' needs a capability > 0", name);
    double ssum = 0;
    for (size_t d = 0; d < in->nd; d++) {
        if (!isfinite(pos[d]) || pos[d] < in->lo[d] || pos[d] > in->hi[d])
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "actor '%s': position on '%s' must lie in [%g, %g]", name,
                                in->dname[d], in->lo[d], in->hi[d]);
        if (!isfinite(sal[d]) || sal[d] < 0 || sal[d] > 1)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "actor '%s': salience on '%s' must lie in [0, 1]", name,
                                in->dname[d]);
        ssum += sal[d];
    }
    if (!(ssum > 0) || ssum > 1 + 1e-9)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "actor '%s': the saliences must sum to more than 0 and at most 1 "
                            "(100 on KTAB's scale)", name);
    if (in->na >= PARLEY_FORECAST_MAX_ACTORS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "more than %d actors",
                            PARLEY_FORECAST_MAX_ACTORS);
    const parley_allocator *a = &in->alloc;
    size_t need = in->na + 1, row = in->nd * sizeof(double);
    if (!fc_grow(a, &in->aname, sizeof(char *), &in->cap.aname, need, 8) ||
        !fc_grow(a, &in->adesc, sizeof(char *), &in->cap.adesc, need, 8) ||
        !fc_grow(a, &in->capab, sizeof(double), &in->cap.capab, need, 8) ||
        !fc_grow(a, &in->pos, row, &in->cap.pos, need, 8) ||
        !fc_grow(a, &in->sal, row, &in->cap.sal, need, 8))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    char *n = parleyx_strdup(a, name);
    char *ds = parleyx_strdup(a, description ? description : "");
    if (!n || !ds) {
        parleyx_strfree(a, n);
        parleyx_strfree(a, ds);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t i = in->na;
    in->aname[i] = n;
    in->adesc[i] = ds;
    in->capab[i] = capability;
    memcpy(in->pos + i * in->nd, pos, in->nd * sizeof(double));
    memcpy(in->sal + i * in->nd, sal, in->nd * sizeof(double));
    in->na++;
    return PARLEY_OK;
}

parley_status parley_forecast_set_accommodation(parley_forecast_input *in, size_t i, size_t j,
                                                double a, parley_error *err)
{
    if (!in || i >= in->na || j >= in->na)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "accommodation for an unknown actor");
    if (!isfinite(a) || a < 0 || a > 1)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "accommodation of '%s' toward '%s' must lie in [0, 1]", in->aname[i],
                            in->aname[j]);
    if (!fc_grow(&in->alloc, &in->accom, sizeof(fc_accom), &in->cap.accom, in->nacc + 1, 16))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    in->accom[in->nacc].i = i;
    in->accom[in->nacc].j = j;
    in->accom[in->nacc].a = a;
    in->nacc++;
    return PARLEY_OK;
}

const char *parley_forecast_input_name(const parley_forecast_input *in)
{
    return in && in->name ? in->name : "";
}
size_t parley_forecast_actor_count(const parley_forecast_input *in) { return in ? in->na : 0; }
size_t parley_forecast_dim_count(const parley_forecast_input *in) { return in ? in->nd : 0; }
const char *parley_forecast_actor_name(const parley_forecast_input *in, size_t a)
{
    return in && a < in->na ? in->aname[a] : "";
}
const char *parley_forecast_dim_name(const parley_forecast_input *in, size_t d)
{
    return in && d < in->nd ? in->dname[d] : "";
}
void parley_forecast_dim_range(const parley_forecast_input *in, size_t d, double *lo, double *hi)
{
    bool ok = in && d < in->nd;
    if (lo)
        *lo = ok ? in->lo[d] : NAN;
    if (hi)
        *hi = ok ? in->hi[d] : NAN;
}
double parley_forecast_actor_capability(const parley_forecast_input *in, size_t a)
{
    return in && a < in->na ? in->capab[a] : NAN;
}
double parley_forecast_actor_position(const parley_forecast_input *in, size_t a, size_t d)
{
    return in && a < in->na && d < in->nd ? in->pos[a * in->nd + d] : NAN;
}
double parley_forecast_actor_salience(const parley_forecast_input *in, size_t a, size_t d)
{
    return in && a < in->na && d < in->nd ? in->sal[a * in->nd + d] : NAN;
}

bool parley_forecast_input_smp_params(const parley_forecast_input *in, parley_smp_params *p)
{
    if (p) {
        if (in)
            *p = in->params;
        else {
            parley_forecast_options o;
            parley_forecast_options_init(&o);
            *p = o.smp;
        }
    }
    return in && in->has_params;
}

bool parley_forecast_input_seed(const parley_forecast_input *in, uint64_t *seed)
{
    if (seed)
        *seed = in && in->has_seed ? in->seed : 0;
    return in && in->has_seed;
}

/* ------------------------------------------------------------- options */

void parley_forecast_options_init(parley_forecast_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->model = PARLEY_FORECAST_SMP;
    opt->smp.victory = PARLEY_SMP_VP_LINEAR;
    opt->smp.pce = PARLEY_SMP_PCE_CONDITIONAL;
    opt->smp.transitions = PARLEY_SMP_DETERMINISTIC;
    opt->smp.voting = PARLEY_SMP_VR_PROPORTIONAL;
    opt->smp.radjust = PARLEY_SMP_RA_ONETHIRD;
    opt->smp.rrange = PARLEY_SMP_RR_MID;
    opt->smp.thirdparty = PARLEY_SMP_TP_SEMICOMMIT;
    opt->smp.interp = PARLEY_SMP_IVB_S2P2;
    opt->smp.bargain = PARLEY_SMP_BM_INITONLY;
    opt->bdm.vote = PARLEY_BDM_VOTE_RISK;
    opt->bdm.median = PARLEY_BDM_MEDIAN_CONDORCET;
    opt->bdm.prob = PARLEY_BDM_PROB_SCHOLZ;
    opt->bdm.q = 1.0;
    opt->bdm.risk = PARLEY_BDM_RISK_ACTORS;
    opt->bdm.rowner = PARLEY_BDM_R_EVALUATOR;
    opt->bdm.compromise = PARLEY_BDM_COMPROMISE_PROPORTIONAL;
    opt->bdm.choice = PARLEY_BDM_CHOICE_SCHOLZ;
    opt->bdm.capitulation = true;
}

/* ------------------------------------------------------------- results */

parley_forecast_result *fc_result_new(const parley_allocator *a, size_t na, size_t nd)
{
    parley_forecast_result *r = parleyx_calloc(a, 1, sizeof *r);
    if (!r)
        return NULL;
    if (a)
        r->alloc = *a;
    r->na = na;
    r->nd = nd;
    r->forecast = parleyx_calloc(a, nd ? nd : 1, sizeof(double));
    if (!r->forecast) {
        parleyx_free(a, r, sizeof *r);
        return NULL;
    }
    return r;
}

parley_status fc_result_reserve(parley_forecast_result *r, size_t n)
{
    const parley_allocator *a = &r->alloc;
    if (!fc_grow(a, &r->pos, r->na * r->nd * sizeof(double), &r->cap.pos, n, 16) ||
        !fc_grow(a, &r->prob, r->na * sizeof(double), &r->cap.prob, n, 16) ||
        !fc_grow(a, &r->change, sizeof(double), &r->cap.change, n, 16))
        return PARLEY_ERR_NOMEM;
    return PARLEY_OK;
}

void parley_forecast_result_free(parley_forecast_result *r)
{
    if (!r)
        return;
    parley_allocator a = r->alloc;
    parleyx_free(&a, r->pos, r->cap.pos * r->na * r->nd * sizeof(double));
    parleyx_free(&a, r->prob, r->cap.prob * r->na * sizeof(double));
    parleyx_free(&a, r->change, r->cap.change * sizeof(double));
    parleyx_free(&a, r->forecast, (r->nd ? r->nd : 1) * sizeof(double));
    parleyx_free(&a, r, sizeof *r);
}

size_t parley_forecast_result_states(const parley_forecast_result *r) { return r ? r->states : 0; }
bool parley_forecast_result_converged(const parley_forecast_result *r) { return r && r->converged; }
size_t parley_forecast_result_actors(const parley_forecast_result *r) { return r ? r->na : 0; }
size_t parley_forecast_result_dims(const parley_forecast_result *r) { return r ? r->nd : 0; }

double parley_forecast_result_position(const parley_forecast_result *r, size_t s, size_t a,
                                       size_t d)
{
    if (!r || s >= r->states || a >= r->na || d >= r->nd)
        return NAN;
    return r->pos[(s * r->na + a) * r->nd + d];
}

double parley_forecast_result_probability(const parley_forecast_result *r, size_t s, size_t a)
{
    if (!r || s >= r->states || a >= r->na)
        return NAN;
    return r->prob[s * r->na + a];
}

double parley_forecast_result_forecast(const parley_forecast_result *r, size_t d)
{
    return r && d < r->nd ? r->forecast[d] : NAN;
}

double parley_forecast_result_change(const parley_forecast_result *r, size_t s)
{
    return r && s < r->states ? r->change[s] : NAN;
}

/* ------------------------------------------------------------- running */

parley_status parley_forecast_run(const parley_forecast_input *in,
                                  const parley_forecast_options *opt,
                                  parley_forecast_result **out, parley_error *err)
{
    if (out)
        *out = NULL;
    if (!in || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no input or no result pointer");
    parley_forecast_options def;
    if (!opt) {
        parley_forecast_options_init(&def);
        opt = &def;
    }
    if (in->na < 2 || in->nd < 1)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "a forecast needs at least 2 actors and 1 dimension (has %zu and %zu)",
                            in->na, in->nd);
    parley_forecast_result *r = fc_result_new(&in->alloc, in->na, in->nd);
    if (!r)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    parley_status st;
    if (opt->model == PARLEY_FORECAST_SMP)
        st = smp_run(in, opt, r, err);
    else if (opt->model == PARLEY_FORECAST_BDM)
        st = bdm_run(in, opt, r, err);
    else
        st = parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "unknown forecast model");
    if (st != PARLEY_OK) {
        parley_forecast_result_free(r);
        return st;
    }
    *out = r;
    return PARLEY_OK;
}

/* ------------------------------------------------------- parallel for */

typedef struct fc_job {
    fc_range_fn fn;
    void *ctx;
    size_t lo, hi;
    unsigned tid;
} fc_job;

static void *fc_worker(void *p)
{
    fc_job *j = p;
    j->fn(j->ctx, j->lo, j->hi, j->tid);
    return NULL;
}

void fc_parallel(unsigned threads, size_t n, fc_range_fn fn, void *ctx)
{
    if (threads > FC_MAX_THREADS)
        threads = FC_MAX_THREADS;
    if (threads <= 1 || n < 2) {
        fn(ctx, 0, n, 0);
        return;
    }
    if (threads > n)
        threads = (unsigned)n;
    fc_job jobs[FC_MAX_THREADS];
    for (unsigned t = 0; t < threads; t++) {
        jobs[t].fn = fn;
        jobs[t].ctx = ctx;
        jobs[t].lo = n * t / threads;
        jobs[t].hi = n * (t + 1) / threads;
        jobs[t].tid = t;
    }
    parleyx_run_jobs(fc_worker, jobs, sizeof *jobs, threads);
}

/* ----------------------------------------------- native scenario bridge */

static double eval_at(const parley_eval_info *e, size_t k, double x)
{
    switch (e->kind) {
    case PARLEY_EVAL_TABLE:
        return k < e->n ? e->table[k] : 0;
    case PARLEY_EVAL_LINEAR:
        return e->a + e->b * (x - e->c);
    case PARLEY_EVAL_TRIANGULAR:
        if (x <= e->a || x >= e->c)
            return x == e->b ? 1 : 0;
        if (x <= e->b)
            return e->b > e->a ? (x - e->a) / (e->b - e->a) : 1;
        return e->c > e->b ? (e->c - x) / (e->c - e->b) : 1;
    case PARLEY_EVAL_PIECEWISE:
        if (!e->n)
            return 0;
        if (x <= e->x[0])
            return e->y[0];
        for (size_t i = 1; i < e->n; i++)
            if (x <= e->x[i]) {
                double w = e->x[i] > e->x[i - 1] ? (x - e->x[i - 1]) / (e->x[i] - e->x[i - 1]) : 1;
                return e->y[i - 1] + w * (e->y[i] - e->y[i - 1]);
            }
        return e->y[e->n - 1];
    case PARLEY_EVAL_CONSTANT:
        return e->a;
    default:
        return 0;
    }
}

/* A dimension for every integer or real issue with a range; iss[d] is
 * the issue of dimension d, *nd their number. */
static parley_status scenario_dims(const parley_scenario *sc, parley_forecast_input *in,
                                   size_t *iss, size_t *nd, parley_error *err)
{
    parley_status st = PARLEY_OK;
    size_t ni = parley_issue_count(sc);
    *nd = 0;
    for (size_t i = 0; i < ni && st == PARLEY_OK; i++) {
        parley_issue_kind k = parley_issue_kind_of(sc, i);
        if (k == PARLEY_ISSUE_DISCRETE)
            continue;
        double lo, hi, step;
        parley_issue_range(sc, i, &lo, &hi, &step);
        if (!(lo < hi))
            continue;
        st = parley_forecast_add_dimension(in, parley_issue_name(sc, i), lo, hi, err);
        iss[(*nd)++] = i;
    }
    if (st == PARLEY_OK && !*nd)
        st = parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                          "the scenario has no numeric issue with a range; a forecast needs "
                          "integer or real issues");
    return st;
}

/* Party p's position on issue i: its stated position, else the value its
 * evaluation rates best (the first of equals).  false when it has
 * neither. */
static bool party_position(const parley_scenario *sc, size_t p, size_t i, double *pos)
{
    double v;
    if (parley_party_position(sc, p, i, &v)) {
        *pos = v;
        return true;
    }
    parley_eval_info e;
    parley_party_eval_info(sc, p, i, &e);
    if (e.kind == PARLEY_EVAL_NONE)
        return false;
    size_t nv = parley_issue_value_count(sc, i), best = 0;
    double bv = -INFINITY;
    for (size_t k = 0; k < nv; k++) {
        double ev = eval_at(&e, k, parley_issue_value_number(sc, i, k));
        if (ev > bv) {
            bv = ev;
            best = k;
        }
    }
    *pos = parley_issue_value_number(sc, i, best);
    return true;
}

/* Party p's positions and saliences on the nd dimensions (issues iss):
 * saliences as stated (on KTAB's 0-100 scale when any exceeds 1), else
 * the issue weights, scaled down to sum to at most 1.  false when the
 * party has no position or no salience: it is then not an actor. */
static bool party_actor(const parley_scenario *sc, size_t p, const size_t *iss, size_t nd,
                        double *pos, double *sal)
{
    double wsum = 0;
    bool any = false, pct = false;
    for (size_t d = 0; d < nd; d++) {
        size_t i = iss[d];
        double v;
        if (parley_party_salience(sc, p, i, &v)) {
            sal[d] = v;
            pct = pct || v > 1;
        } else {
            sal[d] = parley_party_weight(sc, p, i);
        }
        if (!(sal[d] >= 0))
            sal[d] = 0;
        any = party_position(sc, p, i, &pos[d]) || any;
    }
    if (!any)
        return false;
    for (size_t d = 0; d < nd; d++) {
        if (pct)
            sal[d] = sal[d] / 100.0;
        wsum += sal[d];
    }
    if (!(wsum > 0))
        return false;
    if (wsum > 1)
        for (size_t d = 0; d < nd; d++)
            sal[d] /= wsum;
    return true;
}

parley_status parley_forecast_input_from_scenario(const parley_scenario *sc,
                                                  parley_forecast_input **out, parley_error *err)
{
    if (!out || !sc)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no scenario or no output pointer");
    *out = NULL;
    parley_forecast_input *in = parley_forecast_input_new(NULL);
    if (!in)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    parley_status st = parley_forecast_input_set_name(in, parley_scenario_name(sc),
                                                      parley_scenario_description(sc));
    size_t ni = parley_issue_count(sc), np = parley_party_count(sc);
    size_t *iss = parleyx_calloc(NULL, ni ? ni : 1, sizeof(size_t));
    double *pos = parleyx_calloc(NULL, ni ? ni : 1, sizeof(double));
    double *sal = parleyx_calloc(NULL, ni ? ni : 1, sizeof(double));
    size_t nd = 0;
    if (st != PARLEY_OK || !iss || !pos || !sal)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    else
        st = scenario_dims(sc, in, iss, &nd, err);
    for (size_t p = 0; p < np && st == PARLEY_OK; p++) {
        double c;
        if (!parley_party_capability(sc, p, &c) || !(c > 0))
            continue;
        if (party_actor(sc, p, iss, nd, pos, sal))
            st = parley_forecast_add_actor(in, parley_party_name(sc, p),
                                           parley_party_description(sc, p), c, pos, sal, err);
    }
    if (st == PARLEY_OK && in->na < 2)
        st = parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                          "a forecast needs at least 2 parties with a capability and weight on a "
                          "numeric issue (found %zu); give parties 'capability:'", in->na);
    parleyx_free(NULL, iss, (ni ? ni : 1) * sizeof(size_t));
    parleyx_free(NULL, pos, (ni ? ni : 1) * sizeof(double));
    parleyx_free(NULL, sal, (ni ? ni : 1) * sizeof(double));
    if (st != PARLEY_OK) {
        parley_forecast_input_free(in);
        return st;
    }
    *out = in;
    return PARLEY_OK;
}
