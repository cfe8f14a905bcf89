/*
 * genius_profile.c -- one GENIUS additive profile (<utility_space>) into
 * one party's evaluators, weights, reservation value and discount, as
 * GENIUS's AdditiveUtilitySpace.loadTreeRecursive reads it.
 *
 * Every element of the tree is visited in preorder.  At each one, the
 * first <reservation value> child and the first <discount_factor value>
 * child (if any) set the party's reservation value and discount (a later
 * element in the walk overrides an earlier one); the <weight index value>
 * children are collected (last wins per index) and each <issue> child
 * whose index has such a sibling weight gets an evaluator (a later
 * definition of the same issue replaces an earlier one).  Issues without a
 * weight get no evaluator and contribute nothing.  Weights are used as
 * written.  Discrete evaluations are divided by the maximum evaluation of
 * the issue's items (after "last wins" for duplicated values; items whose
 * value is not in the domain count too), as one C double division, 0 when
 * that maximum is below 1e-5.  Integer evaluators are linear from the
 * profile issue's lowerbound; real evaluators are linear (p0 + p1 x),
 * constant (p0) or triangular (low p0, top p2, high p1).  The evaluator
 * kind is the profile issue's `type`; one deliberate difference: without
 * a `type` the domain issue's kind is used (GENIUS would build a discrete
 * evaluator, which fails on any other kind of issue).  `type="price"` on
 * a real issue is old GENIUS's EvaluatorPrice (10.4 cannot evaluate it):
 * it depends on the other issues' item costs, so it becomes interaction
 * terms once the whole profile is read (gx_price_terms).  A root with
 * type="nonlinear" or "constraint" is handed to genius_nonlinear.c.
 *
 * Invariant: nothing reaches the scenario until the whole walk succeeded;
 * the evaluators wait in one gx_pend per domain issue, then the party is
 * added and set in issue order.  Scratch tables come from opt->alloc and
 * are freed before returning.
 */
#include "io/genius_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gx_pend {
    bool set;
    parley_eval_kind kind;
    double a, b, c;
    double w;
    double *table;          /* discrete: nvalues evaluations (final) */
    double *cost;           /* discrete: each value's `cost` attribute, NaN if none */
    double maxcost;         /* discrete: the largest cost of its items (0 if none) */
    bool price;             /* type="price": lb a, ub b, from the profile's <range> */
    unsigned line;
} gx_pend;

typedef struct gx_weight {
    int64_t index;
    double w;
} gx_weight;

typedef struct gx_profile {
    gx_ctx c;
    gx_domain *d;
    gx_pend *pend;          /* d->n */
    bool has_rv, has_d;
    double rv, disc;
    gx_weight *ws;          /* scratch: weights of one level */
    size_t capws;
    double *evals;          /* scratch: per domain value */
    size_t capevals;
    int space;              /* 0 additive, 1 nonlinear, 2 constraint */
} gx_profile;

static void gx_pend_clear(gx_profile *p, gx_pend *q, size_t nvalues)
{
    parleyx_free(p->c.a, q->table, nvalues * sizeof(double));
    parleyx_free(p->c.a, q->cost, (nvalues ? nvalues : 1) * sizeof(double));
    memset(q, 0, sizeof *q);
}

/* Extra items whose value is not in the domain: they count in the max. */
typedef struct gx_extra {
    const char *s;
    size_t order;
    double e;
} gx_extra;

static int gx_extra_cmp(const void *x, const void *y)
{
    const gx_extra *a = x, *b = y;
    int r = strcmp(a->s, b->s);
    return r ? r : (a->order < b->order ? -1 : a->order > b->order);
}

/* The evaluations of one discrete issue's <item> children, as GENIUS's
 * evaluator map holds them. */
typedef struct gx_items {
    double *table;          /* per domain value (last wins) */
    bool *seen;             /* per domain value: has an evaluation */
    gx_extra *extra;        /* items whose value is not in the domain */
    size_t nextra, capextra;
    double null_e;          /* an item without value (last wins) */
    bool has_null;
} gx_items;

/* One <item value evaluation>: checked, then kept in its place in it. */
static parley_status gx_discrete_item(gx_profile *p, const gx_issue *is, const xmlNode *k,
                                      size_t order, gx_items *it)
{
    gx_ctx *c = &p->c;
    const char *v = gx_attr(c, k, "value");
    const char *es = gx_attr(c, k, "evaluation");
    if (!es || strcmp(es, "null") == 0)
        return PARLEY_OK; /* GENIUS skips items without an evaluation */
    double e;
    if (!gx_number(es, &e))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                            "evaluation '%s' of value '%s' (issue %lld, '%s') is not a finite "
                            "decimal number; evaluations are numbers >= 0",
                            es, v ? v : "(no value)", (long long)is->gindex, is->name);
    if (e < 0)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                            "evaluation %s of value '%s' (issue %lld, '%s') is negative; "
                            "GENIUS evaluations must be >= 0",
                            es, v ? v : "(no value)", (long long)is->gindex, is->name);
    if (!v) {
        /* GENIUS keys it as a null value: no domain value, but it counts
         * in the maximum (last one wins) */
        it->null_e = e;
        it->has_null = true;
        return PARLEY_OK;
    }
    long kk = gx_find_label(is, v);
    if (kk >= 0) {
        it->table[kk] = e; /* last wins */
        it->seen[kk] = true;
        return PARLEY_OK;
    }
    gx_extra *t = parleyx_grow(c->a, it->extra, sizeof *t, &it->capextra, it->nextra + 1, 8);
    if (!t)
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    it->extra = t;
    it->extra[it->nextra].s = v;
    it->extra[it->nextra].order = order;
    it->extra[it->nextra].e = e;
    it->nextra++;
    return PARLEY_OK;
}

/* Every domain value needs an evaluation (GENIUS cannot evaluate it
 * otherwise). */
static parley_status gx_discrete_complete(gx_profile *p, const gx_issue *is, const xmlNode *n,
                                          const gx_items *it)
{
    gx_ctx *c = &p->c;
    for (size_t k = 0; k < is->nvalues; k++)
        if (!it->seen[k]) {
            /* find the label text */
            const char *label = "?";
            for (size_t j = 0; j < is->nvalues; j++)
                if (is->sorted[j].k == k)
                    label = is->sorted[j].s;
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                "value '%s' of issue %lld ('%s') has no evaluation in this "
                                "profile; add <item value=\"%s\" evaluation=...> (GENIUS cannot "
                                "evaluate it either)",
                                label, (long long)is->gindex, is->name, label);
        }
    return PARLEY_OK;
}

/* The maximum over the evaluator's map: domain values, then extras (a
 * later duplicate wins), then the null value. */
static double gx_discrete_max(size_t nv, gx_items *it)
{
    double max = 0.0;
    bool any = false;
    for (size_t k = 0; k < nv; k++)
        if (!any || it->table[k] > max) {
            max = it->table[k];
            any = true;
        }
    if (it->nextra) {
        qsort(it->extra, it->nextra, sizeof(gx_extra), gx_extra_cmp);
        for (size_t j = 0; j < it->nextra; j++) {
            if (j + 1 < it->nextra && strcmp(it->extra[j].s, it->extra[j + 1].s) == 0)
                continue; /* a later duplicate wins */
            if (!any || it->extra[j].e > max) {
                max = it->extra[j].e;
                any = true;
            }
        }
    }
    if (it->has_null && (!any || it->null_e > max))
        max = it->null_e;
    return max;
}

static parley_status gx_discrete_eval(gx_profile *p, gx_issue *is, const xmlNode *n, gx_pend *q)
{
    gx_ctx *c = &p->c;
    size_t nv = is->nvalues;
    gx_items it;
    memset(&it, 0, sizeof it);
    it.table = parleyx_malloc(c->a, nv * sizeof(double));
    it.seen = parleyx_calloc(c->a, nv ? nv : 1, sizeof(bool));
    parley_status st = PARLEY_OK;
    if (!it.table || !it.seen)
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    size_t order = 0;
    q->cost = parleyx_malloc(c->a, (nv ? nv : 1) * sizeof(double));
    if (!q->cost && !st)
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    for (size_t k = 0; k < nv && q->cost; k++)
        q->cost[k] = NAN;
    q->maxcost = 0.0;
    for (const xmlNode *k = n->children; k && !st; k = k->next)
        if (gx_is(k, "item")) {
            st = gx_discrete_item(p, is, k, ++order, &it);
            /* the cost a price evaluator subtracts (old GENIUS's
             * EvaluatorDiscrete.getCost; the largest is getMaxCost) */
            const char *cs = gx_attr(c, k, "cost"), *v = gx_attr(c, k, "value");
            double cv;
            if (!st && cs && gx_number(cs, &cv)) {
                long kk = v ? gx_find_label(is, v) : -1;
                if (kk >= 0)
                    q->cost[kk] = cv;
                if (cv > q->maxcost)
                    q->maxcost = cv;
            }
        }
    if (!st)
        st = gx_discrete_complete(p, is, n, &it);
    if (!st) {
        double max = gx_discrete_max(nv, &it);
        for (size_t k = 0; k < nv; k++)
            it.table[k] = max < 0.00001 ? 0.0 : it.table[k] / max;
        q->kind = PARLEY_EVAL_TABLE;
        q->table = it.table;
        it.table = NULL;
    }
    parleyx_free(c->a, it.table, nv * sizeof(double));
    parleyx_free(c->a, it.seen, (nv ? nv : 1) * sizeof(bool));
    parleyx_free(c->a, it.extra, it.capextra * sizeof(gx_extra));
    return st;
}

static parley_status gx_numeric_eval(gx_profile *p, gx_issue *is, const xmlNode *n, gx_pend *q)
{
    gx_ctx *c = &p->c;
    parley_status st;
    const xmlNode *ev = gx_first_child(n, "evaluator");
    if (is->kind == PARLEY_ISSUE_INTEGER) {
        /* EvaluatorInteger: lowerbound of the profile's issue; slope and
         * offset of the first <evaluator> (both 0 without one). */
        int64_t lb;
        if ((st = gx_need_integer(c, n, "lowerbound", &lb, "an integer evaluator (its origin)")))
            return st;
        double slope = 0.0, offset = 0.0;
        if (ev && ((st = gx_need_number(c, ev, "slope", &slope, "an integer evaluator")) ||
                   (st = gx_need_number(c, ev, "offset", &offset, "an integer evaluator"))))
            return st;
        q->kind = PARLEY_EVAL_LINEAR;
        q->a = offset;
        q->b = slope;
        q->c = (double)lb;
        return PARLEY_OK;
    }
    /* EvaluatorReal */
    if (!ev)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "real issue %lld ('%s') has a weight but no <evaluator ftype=...>; "
                            "GENIUS cannot evaluate it either",
                            (long long)is->gindex, is->name);
    const char *ft = gx_attr(c, ev, "ftype");
    if (!ft)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                            "the <evaluator> of real issue %lld ('%s') has no ftype; use "
                            "linear, constant or triangular",
                            (long long)is->gindex, is->name);
    double p0, p1, p2;
    if (gx_ieq(ft, "linear")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a linear evaluator")) ||
            (st = gx_need_number(c, ev, "parameter1", &p1, "a linear evaluator")))
            return st;
        q->kind = PARLEY_EVAL_LINEAR;
        q->a = p0;
        q->b = p1;
        q->c = 0.0;
        return PARLEY_OK;
    }
    if (gx_ieq(ft, "constant")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a constant evaluator")))
            return st;
        if (p0 < 0.0 || p0 > 1.0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                                "constant evaluation %g of issue %lld ('%s') is outside [0, 1]",
                                p0, (long long)is->gindex, is->name);
        q->kind = PARLEY_EVAL_CONSTANT;
        q->a = p0;
        return PARLEY_OK;
    }
    if (gx_ieq(ft, "triangular")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a triangular evaluator")) ||
            (st = gx_need_number(c, ev, "parameter1", &p1, "a triangular evaluator")) ||
            (st = gx_need_number(c, ev, "parameter2", &p2, "a triangular evaluator")))
            return st;
        if (!(p0 <= p2 && p2 <= p1))
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                                "triangular evaluator of issue %lld ('%s') needs parameter0 "
                                "(low) <= parameter2 (top) <= parameter1 (high)",
                                (long long)is->gindex, is->name);
        q->kind = PARLEY_EVAL_TRIANGULAR;
        q->a = p0;
        q->b = p2;
        q->c = p1;
        return PARLEY_OK;
    }
    return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(ev), 0,
                        "real evaluator ftype '%s' of issue %lld ('%s') is not supported yet "
                        "(GENIUS cannot load it from XML either); use linear, constant or "
                        "triangular",
                        ft, (long long)is->gindex, is->name);
}

/* type="price" (old GENIUS's EvaluatorPrice; GENIUS 10.4 reads it as an
 * empty discrete evaluator and fails on every bid): the profile's <range>
 * gives lb and ub; the evaluation, worked out once the whole profile is
 * read (gx_price_terms), depends on the costs of the other issues. */
static parley_status gx_price_eval(gx_profile *p, gx_issue *is, const xmlNode *n, double w)
{
    gx_ctx *c = &p->c;
    parley_status st;
    if (is->kind != PARLEY_ISSUE_REAL)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "a price evaluator needs a real issue; issue %lld ('%s') is %s in "
                            "the domain %s",
                            (long long)is->gindex, is->name, gx_kind_name(is->kind),
                            gx_basename(p->d->path));
    const xmlNode *r = gx_first_child(n, "range");
    if (!r)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "the price evaluator of issue %lld ('%s') has no <range "
                            "lowerbound upperbound>; it needs both",
                            (long long)is->gindex, is->name);
    double lb, ub;
    if ((st = gx_need_number(c, r, "lowerbound", &lb, "a price evaluator")) ||
        (st = gx_need_number(c, r, "upperbound", &ub, "a price evaluator")))
        return st;
    if (!(lb > 0.0))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r), 0,
                            "the price evaluator's lowerbound is %g; it divides by it, so it "
                            "must be > 0",
                            lb);
    gx_pend *q = &p->pend[is - p->d->is];
    gx_pend_clear(p, q, is->nvalues);
    q->set = true;
    q->price = true;
    q->kind = PARLEY_EVAL_NONE;
    q->a = lb;
    q->b = ub;
    q->w = w;
    q->line = gx_line(n);
    return PARLEY_OK;
}

/* One <issue> child of a level whose weights are p->ws[0..nw). */
static parley_status gx_profile_issue(gx_profile *p, const xmlNode *n, size_t nw)
{
    gx_ctx *c = &p->c;
    gx_domain *d = p->d;
    int64_t gindex;
    parley_status st = gx_need_integer(c, n, "index", &gindex, "every profile issue");
    if (st)
        return st;
    gx_issue *is = gx_find_issue(d, gindex);
    if (!is) {
        if (gx_is_objective(d, gindex))
            return PARLEY_OK;
        return gx_need_issue(c, d, n, gindex, "profile",
                             "fix the index or use the matching domain", &is);
    }
    const gx_weight *w = NULL;
    for (size_t k = nw; k-- > 0;)
        if (p->ws[k].index == gindex) {
            w = &p->ws[k];
            break;
        }
    if (!w)
        return PARLEY_OK; /* no weight: no evaluator (GENIUS) */
    const char *type = gx_attr(c, n, "type");
    parley_issue_kind kind = is->kind;
    if (type) {
        if (gx_ieq(type, "objective"))
            return PARLEY_OK; /* an objective evaluator; GENIUS ignores it */
        if (gx_ieq(type, "price"))
            return gx_price_eval(p, is, n, w->w);
        if (!gx_ieq(type, "discrete") && !gx_ieq(type, "integer") && !gx_ieq(type, "real"))
            return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(n), 0,
                                "evaluator type '%s' of issue %lld ('%s') is not supported "
                                "yet (GENIUS knows discrete, integer, real and price); this "
                                "profile cannot be evaluated",
                                type, (long long)gindex, is->name);
        kind = gx_kind_of(type);
    }
    if (kind != is->kind)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "issue %lld ('%s') is %s in the domain %s but the profile gives it "
                            "a %s evaluator; fix the type or use the matching domain",
                            (long long)gindex, is->name, gx_kind_name(is->kind),
                            gx_basename(d->path), gx_kind_name(kind));
    gx_pend *q = &p->pend[is - d->is];
    gx_pend fresh;
    memset(&fresh, 0, sizeof fresh);
    if (kind == PARLEY_ISSUE_DISCRETE)
        st = gx_discrete_eval(p, is, n, &fresh);
    else
        st = gx_numeric_eval(p, is, n, &fresh);
    if (st) {
        gx_pend_clear(p, &fresh, is->nvalues);
        return st;
    }
    gx_pend_clear(p, q, is->nvalues);
    *q = fresh;
    q->set = true;
    q->w = w->w;
    q->line = gx_line(n);
    return PARLEY_OK;
}

/* AdditiveUtilitySpace.loadTreeRecursive, on every element in preorder. */
static parley_status gx_profile_walk(gx_profile *p, const xmlNode *n, int depth)
{
    gx_ctx *c = &p->c;
    parley_status st;
    if (depth > GX_MAX_DEPTH)
        return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(n), 0,
                            "elements nested deeper than %d levels", GX_MAX_DEPTH);
    const xmlNode *r = gx_first_child(n, "reservation");
    if (r) {
        double v;
        if ((st = gx_need_number(c, r, "value", &v, "the reservation value")))
            return st;
        p->rv = v;
        p->has_rv = true;
    }
    const xmlNode *df = gx_first_child(n, "discount_factor");
    if (df) {
        double v;
        if ((st = gx_need_number(c, df, "value", &v, "the discount factor")))
            return st;
        p->disc = (v <= 0.0 || v > 1.0) ? 1.0 : v; /* validateDiscount */
        p->has_d = true;
    }
    /* the weights of this level (later ones win) */
    size_t nw = 0;
    bool issues = false;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (gx_is(k, "issue"))
            issues = true;
        if (!gx_is(k, "weight"))
            continue;
        int64_t idx;
        double w;
        if ((st = gx_need_integer(c, k, "index", &idx, "a weight")) ||
            (st = gx_need_number(c, k, "value", &w, "a weight")))
            return st;
        if (w < 0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                "weight %g of issue index %lld is negative; weights are >= 0",
                                w, (long long)idx);
        gx_weight *t = parleyx_grow(c->a, p->ws, sizeof *t, &p->capws, nw + 1, 16);
        if (!t)
            return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        p->ws = t;
        p->ws[nw].index = idx;
        p->ws[nw].w = w;
        nw++;
    }
    if (issues)
        for (const xmlNode *k = n->children; k; k = k->next)
            if (gx_is(k, "issue") && (st = gx_profile_issue(p, k, nw)))
                return st;
    for (const xmlNode *k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && (st = gx_profile_walk(p, k, depth + 1)))
            return st;
    return PARLEY_OK;
}

/* The root must be an additive <utility_space>. */
static parley_status gx_profile_root(gx_profile *p, const xmlNode *root)
{
    gx_ctx *c = &p->c;
    if (gx_is(root, "negotiation_template"))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(root), 0,
                            "this is a GENIUS domain (<negotiation_template>) where a profile "
                            "(<utility_space>) was expected; give the domain once, first, then "
                            "the profiles");
    if (!gx_is(root, "utility_space"))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(root), 0,
                            "the root element is <%s>; a GENIUS profile has the root "
                            "<utility_space>",
                            (const char *)root->name);
    const char *type = gx_attr(c, root, "type");
    if (!type || !*type || gx_ieq(type, "linear"))
        return PARLEY_OK;
    /* UTILITYSPACETYPE.valueOf(type.toUpperCase()) */
    if (gx_ieq(type, "nonlinear")) {
        p->space = 1;
        return PARLEY_OK;
    }
    if (gx_ieq(type, "constraint")) {
        p->space = 2;
        return PARLEY_OK;
    }
    return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(root), 0,
                        "GENIUS utility space type '%s' is not supported yet; parley "
                        "reads additive profiles (no type attribute)",
                        type);
}

/* Set one waiting evaluator and its weight on the party. */
static parley_status gx_apply_pend(parley_scenario *sc, size_t party, const gx_issue *is,
                                   const gx_pend *q)
{
    parley_status st = PARLEY_OK;
    switch (q->kind) {
    case PARLEY_EVAL_TABLE:
        for (size_t k = 0; k < is->nvalues && !st; k++)
            st = parley_party_set_value_eval(sc, party, is->pi, k, q->table[k]);
        break;
    case PARLEY_EVAL_LINEAR:
        st = parley_party_set_linear(sc, party, is->pi, q->a, q->b, q->c);
        break;
    case PARLEY_EVAL_TRIANGULAR:
        st = parley_party_set_triangular(sc, party, is->pi, q->a, q->b, q->c);
        break;
    case PARLEY_EVAL_CONSTANT:
        st = parley_party_set_constant(sc, party, is->pi, q->a);
        break;
    default:
        break;
    }
    if (!st)
        st = parley_party_set_weight(sc, party, is->pi, q->w);
    return st;
}

/* The price evaluator as interaction terms: for each grid price and each
 * combination of the weighted discrete issues' values, GENIUS's
 *   costs = sum of the combination's costs, maxCost = sum of each issue's
 *   largest cost (issue order), profit = price - costs - lb,
 *   margin = (ub - lb - maxCost) / lb, e = clamp(profit / (margin * lb), 0, 1)
 * and the term value weight * e, which GENIUS adds after the discrete
 * issues (the price issue comes last in every shipped domain; in another
 * order the sum is reassociated, and the last bit may differ).  One term
 * per grid price and distinct value, over the combinations giving it. */
static parley_status gx_price_terms(gx_profile *p, parley_scenario *sc, size_t party,
                                    const gx_issue *pis, const gx_pend *pq)
{
    gx_ctx *c = &p->c;
    gx_domain *d = p->d;
    size_t nd = 0, di[64];
    double maxcost = 0.0, combos = 1.0;
    for (size_t i = 0; i < d->n; i++) {
        const gx_pend *q = &p->pend[i];
        if (!q->set || q->price || q->kind != PARLEY_EVAL_TABLE)
            continue;
        if (nd == 64)
            return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, pq->line, 0,
                                "a price evaluator with more than 64 discrete issues");
        for (size_t k = 0; k < d->is[i].nvalues; k++)
            if (isnan(q->cost[k])) {
                char label[PARLEY_MAX_NAME + 8];
                return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, q->line, 0,
                                    "value '%s' of issue %lld ('%s') has no cost; the price "
                                    "evaluator of issue %lld subtracts every value's cost "
                                    "(<item ... cost=...>)",
                                    parley_issue_value_label(sc, d->is[i].pi, k, label,
                                                             sizeof label),
                                    (long long)d->is[i].gindex, d->is[i].name,
                                    (long long)pis->gindex);
            }
        maxcost += q->maxcost;
        combos *= (double)d->is[i].nvalues;
        di[nd++] = i;
    }
    if (combos > 100000.0)
        return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, pq->line, 0,
                            "the price evaluator depends on %.0f combinations of the other "
                            "issues' values; parley writes it for at most 100000",
                            combos);
    size_t nc = (size_t)combos, np = pis->nvalues;
    double lb = pq->a, ub = pq->b;
    double margin = (ub - lb - maxcost) / lb;
    double *v = parleyx_malloc(c->a, nc * sizeof(double));
    double *cost = parleyx_malloc(c->a, nc * sizeof(double));
    bool *done = parleyx_malloc(c->a, nc * sizeof(bool));
    size_t idx[64];
    px_buf cond;
    parleyx_buf_init(&cond, c->a, 0);
    parley_status st = PARLEY_OK;
    if (!v || !cost || !done)
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    /* combination m: the first discrete issue varies slowest, the last fastest */
    for (size_t m = 0; m < nc && !st; m++) {
        size_t r = m;
        for (size_t j = nd; j-- > 0;) {
            idx[j] = r % d->is[di[j]].nvalues;
            r /= d->is[di[j]].nvalues;
        }
        double cs = 0.0;
        for (size_t j = 0; j < nd; j++)
            cs += p->pend[di[j]].cost[idx[j]];
        cost[m] = cs;
    }
    char num[40], label[PARLEY_MAX_NAME + 8];
    for (size_t k = 0; k < np && !st; k++) {
        double price = parley_issue_value_number(sc, pis->pi, k);
        for (size_t m = 0; m < nc; m++) {
            double profit = price - cost[m] - lb;
            double e = profit / (margin * lb);
            if (e < 0)
                e = 0;
            else if (e > 1)
                e = 1;
            v[m] = pq->w * e;
            done[m] = v[m] == 0.0; /* adds 0.0 in GENIUS: nothing */
        }
        for (size_t m0 = 0; m0 < nc && !st; m0++) {
            if (done[m0])
                continue;
            double val = v[m0];
            cond.len = 0;
            gx_rule_word(&cond, pis->name);
            parleyx_buf_printf(&cond, " == %s", parleyx_fmt_double(price, num, sizeof num));
            if (nd) {
                parleyx_buf_puts(&cond, " and (");
                size_t last = d->is[di[nd - 1]].nvalues, parts = 0;
                for (size_t g = m0 - m0 % last; g < nc; g += last) { /* prefix groups */
                    size_t cnt = 0;
                    for (size_t q = 0; q < last; q++)
                        if (!done[g + q] && v[g + q] == val)
                            cnt++;
                    if (!cnt)
                        continue;
                    size_t r = g;
                    for (size_t j = nd; j-- > 0;) {
                        idx[j] = r % d->is[di[j]].nvalues;
                        r /= d->is[di[j]].nvalues;
                    }
                    parleyx_buf_puts(&cond, parts++ ? " or (" : "(");
                    for (size_t j = 0; j + 1 < nd; j++) {
                        gx_rule_word(&cond, d->is[di[j]].name);
                        parleyx_buf_puts(&cond, " == ");
                        gx_rule_word(&cond, parley_issue_value_label(sc, d->is[di[j]].pi,
                                                                     idx[j], label,
                                                                     sizeof label));
                        parleyx_buf_puts(&cond, " and ");
                    }
                    gx_rule_word(&cond, d->is[di[nd - 1]].name);
                    parleyx_buf_puts(&cond, " in {");
                    size_t w2 = 0;
                    for (size_t q = 0; q < last; q++)
                        if (!done[g + q] && v[g + q] == val) {
                            parleyx_buf_puts(&cond, w2++ ? ", " : "");
                            gx_rule_word(&cond, parley_issue_value_label(
                                                    sc, d->is[di[nd - 1]].pi, q, label,
                                                    sizeof label));
                            done[g + q] = true;
                        }
                    parleyx_buf_puts(&cond, "})");
                }
                parleyx_buf_puts(&cond, ")");
            }
            done[m0] = true;
            if (cond.failed) {
                st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
                break;
            }
            parley_error be;
            parley_error_clear(&be);
            st = parley_party_add_interaction(sc, party, cond.data, val, &be);
            if (st)
                st = parleyx_fail(c->err, st, c->path, pq->line, 0,
                                  "the price evaluator's term was refused: %s",
                                  be.message[0] ? be.message : parley_strerror(st));
        }
    }
    parleyx_buf_free(&cond);
    parleyx_free(c->a, v, nc * sizeof(double));
    parleyx_free(c->a, cost, nc * sizeof(double));
    parleyx_free(c->a, done, nc * sizeof(bool));
    return st;
}

/* The walk succeeded: add the party and set what the profile gave it. */
static parley_status gx_profile_party(gx_profile *p, parley_scenario *sc, const xmlNode *root)
{
    gx_ctx *c = &p->c;
    gx_domain *d = p->d;
    size_t party;
    parley_status st = gx_add_party_for(sc, c->path, &party, c->err);
    if (st)
        return st;
    bool positive = false;
    for (size_t i = 0; i < d->n; i++) {
        const gx_pend *q = &p->pend[i];
        if (!q->set)
            continue;
        const gx_issue *is = &d->is[i];
        if (q->price) {
            if (q->w > 0)
                positive = true;
            continue; /* terms, below */
        }
        parley_status s2 = gx_apply_pend(sc, party, is, q);
        if (s2)
            return parleyx_fail(c->err, s2, c->path, q->line, 0,
                                "issue %lld ('%s'): the model refused this evaluator or weight "
                                "(%s)",
                                (long long)is->gindex, is->name, parley_strerror(s2));
        if (q->w > 0)
            positive = true;
    }
    for (size_t i = 0; i < d->n; i++)
        if (p->pend[i].set && p->pend[i].price && p->pend[i].w != 0.0 &&
            (st = gx_price_terms(p, sc, party, &d->is[i], &p->pend[i])))
            return st;
    if (!positive)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(root), 0,
                            "the profile gives no issue of the domain %s a positive weight (a "
                            "<weight index=... value=...> beside each <issue>); it has no "
                            "preferences to analyse",
                            gx_basename(d->path));
    if (p->has_rv && (st = parley_party_set_reservation(sc, party, p->rv)))
        return parleyx_fail(c->err, st, c->path, 0, 0,
                            "the model refused the reservation value %g", p->rv);
    if (p->has_d && (st = parley_party_set_discount(sc, party, p->disc)))
        return parleyx_fail(c->err, st, c->path, 0, 0,
                            "the model refused the discount factor %g", p->disc);
    return PARLEY_OK;
}

parley_status gx_read_profile(const char *path, const parley_load_options *opt,
                              parley_scenario *sc, gx_domain *d, parley_error *err)
{
    xmlDocPtr doc;
    parley_status st = gx_parse_file(path, opt, &doc, err);
    if (st)
        return st;
    gx_profile p;
    memset(&p, 0, sizeof p);
    p.c.a = d->a;
    p.c.path = path;
    p.c.err = err;
    p.d = d;
    p.disc = 1.0;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if ((st = gx_profile_root(&p, root)))
        goto done;
    if (p.space) { /* genius_nonlinear.c */
        st = p.space == 1 ? gx_read_nonlinear(&p.c, root, d, sc)
                          : gx_read_constraint(&p.c, root, d, sc);
        goto done;
    }
    p.pend = parleyx_calloc(d->a, d->n, sizeof(gx_pend));
    if (!p.pend) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    if ((st = gx_profile_walk(&p, root, 0)))
        goto done;
    st = gx_profile_party(&p, sc, root);
done:
    if (p.pend)
        for (size_t i = 0; i < d->n; i++)
            gx_pend_clear(&p, &p.pend[i], d->is[i].nvalues);
    parleyx_free(d->a, p.pend, d->n * sizeof(gx_pend));
    parleyx_free(d->a, p.ws, p.capws * sizeof(gx_weight));
    gx_ctx_release(&p.c);
    xmlFreeDoc(doc);
    return st;
}
