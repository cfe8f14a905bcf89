/*
 * an_inter.c -- interaction terms in the analysis: the index of which terms
 * name which issue, and the term-wise bounds of a party's interaction sum
 * on a partial outcome (an.h explains why they are exact bounds).
 *
 * The index borrows the terms and their compiled rules from the scenario:
 * it lives as long as the an_space that holds it.  Memory through the
 * scenario's allocator, freed by an_inter_free (an_space_free).
 */
#include "analysis/an.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Leaves of a conjunction of issue comparisons into the index (count
 * them first with out == NULL); false when the rule is not one. */
static bool conj_leaves(const rule *r, const an_space *sp, size_t *n, bool fill)
{
    switch (r->op) {
    case RULE_AND:
        return conj_leaves(r->a, sp, n, fill) && conj_leaves(r->b, sp, n, fill);
    case RULE_ISSUE_IN:
        if (fill) {
            size_t k = *n;
            sp->lf_issue[k] = r->issue;
            sp->lf_bits[k] = r->bits;
            uint32_t pop = 0;
            size_t nv = sp->sc->issues[r->issue].nvalues;
            for (size_t w = 0; w < (nv + 63) / 64; w++) {
                uint64_t b = r->bits[w];
                while (b) {
                    b &= b - 1;
                    pop++;
                }
            }
            sp->lf_pop[k] = pop;
        }
        (*n)++;
        return true;
    default:
        return false;
    }
}

static void rule_issues(const rule *r, bool *named)
{
    if (!r)
        return;
    if (r->op == RULE_ISSUE_IN)
        named[r->issue] = true;
    rule_issues(r->a, named);
    rule_issues(r->b, named);
}

void an_inter_free(an_space *sp)
{
    const parley_allocator *a = sp->alloc;
    size_t nit = sp->nit;
    if (sp->ibi_start)
        parleyx_free(a, sp->ibi, sp->ibi_start[sp->m] * sizeof(size_t) + 1);
    if (sp->lf_start) {
        size_t nl = sp->lf_start[nit] + 1;
        parleyx_free(a, sp->lf_issue, nl * sizeof(size_t));
        parleyx_free(a, (void *)sp->lf_bits, nl * sizeof(uint64_t *));
        parleyx_free(a, sp->lf_pop, nl * sizeof(uint32_t));
        parleyx_free(a, sp->lf_term, nl * sizeof(size_t));
        parleyx_free(a, sp->lbi, nl * sizeof(size_t));
    }
    parleyx_free(a, sp->lbi_start, (sp->m + 1) * sizeof(size_t));
    sp->lf_term = sp->lbi = sp->lbi_start = NULL;
    parleyx_free(a, sp->lf_start, (nit + 1) * sizeof(size_t));
    parleyx_free(a, sp->voff, (sp->m + 1) * sizeof(size_t));
    parleyx_free(a, sp->islack, (sp->np + 1) * sizeof(double));
    sp->lf_start = sp->lf_issue = sp->voff = NULL;
    sp->lf_bits = NULL;
    sp->lf_pop = NULL;
    sp->islack = NULL;
    parleyx_free(a, sp->itp, (sp->np + 1) * sizeof(size_t));
    parleyx_free(a, sp->itparty, (nit ? nit : 1) * sizeof(size_t));
    parleyx_free(a, (void *)sp->it, (nit ? nit : 1) * sizeof(pm_term *));
    parleyx_free(a, sp->ibi_start, (sp->m + 1) * sizeof(size_t));
    sp->itp = sp->itparty = sp->ibi_start = sp->ibi = NULL;
    sp->it = NULL;
    sp->nit = 0;
}

bool an_inter_build(an_space *sp)
{
    const parley_scenario *sc = sp->sc;
    const parley_allocator *a = sp->alloc;
    size_t np = sp->np, m = sp->m, nit = 0;
    for (size_t p = 0; p < np; p++)
        nit += sc->parties[p].nterms;
    sp->nit = nit;
    sp->itp = parleyx_calloc(a, np + 1, sizeof(size_t));
    sp->itparty = parleyx_calloc(a, nit ? nit : 1, sizeof(size_t));
    sp->it = parleyx_calloc(a, nit ? nit : 1, sizeof(pm_term *));
    sp->ibi_start = parleyx_calloc(a, m + 1, sizeof(size_t));
    bool *named = parleyx_calloc(a, (m ? m : 1) * (nit ? nit : 1), sizeof(bool));
    if (!sp->itp || !sp->itparty || !sp->it || !sp->ibi_start || !named) {
        parleyx_free(a, named, (m ? m : 1) * (nit ? nit : 1) * sizeof(bool));
        an_inter_free(sp);
        return false;
    }
    size_t t = 0;
    for (size_t p = 0; p < np; p++) {
        sp->itp[p] = t;
        const pm_party *pa = &sc->parties[p];
        for (size_t k = 0; k < pa->nterms; k++, t++) {
            sp->itparty[t] = p;
            sp->it[t] = &pa->iterms[k];
            rule_issues(pa->iterms[k].rule, named + t * m);
        }
    }
    sp->itp[np] = t;
    size_t tot = 0;
    for (size_t i = 0; i < m; i++) {
        sp->ibi_start[i] = tot;
        for (size_t q = 0; q < nit; q++)
            tot += named[q * m + i];
    }
    sp->ibi_start[m] = tot;
    /* one extra byte so that an empty index is still an allocation */
    sp->ibi = parleyx_malloc(a, tot * sizeof(size_t) + 1);
    if (!sp->ibi) {
        parleyx_free(a, named, (m ? m : 1) * (nit ? nit : 1) * sizeof(bool));
        an_inter_free(sp);
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t q = 0; q < nit; q++)
            if (named[q * m + i])
                sp->ibi[k++] = q;
    parleyx_free(a, named, (m ? m : 1) * (nit ? nit : 1) * sizeof(bool));
    /* the rectangles' leaves */
    sp->lf_start = parleyx_calloc(a, nit + 1, sizeof(size_t));
    sp->voff = parleyx_calloc(a, m + 1, sizeof(size_t));
    sp->islack = parleyx_calloc(a, np + 1, sizeof(double));
    if (!sp->lf_start || !sp->voff || !sp->islack) {
        an_inter_free(sp);
        return false;
    }
    for (size_t i = 0; i < m; i++)
        sp->voff[i + 1] = sp->voff[i] + sc->issues[i].nvalues;
    size_t nl = 0;
    for (size_t q = 0; q < nit; q++) {
        sp->lf_start[q] = nl;
        size_t n0 = nl;
        if (!conj_leaves(sp->it[q]->rule, sp, &nl, false))
            nl = n0;
    }
    sp->lf_start[nit] = nl;
    sp->lf_issue = parleyx_calloc(a, nl + 1, sizeof(size_t));
    sp->lf_bits = parleyx_calloc(a, nl + 1, sizeof(uint64_t *));
    sp->lf_pop = parleyx_calloc(a, nl + 1, sizeof(uint32_t));
    sp->lf_term = parleyx_calloc(a, nl + 1, sizeof(size_t));
    sp->lbi = parleyx_calloc(a, nl + 1, sizeof(size_t));
    sp->lbi_start = parleyx_calloc(a, m + 1, sizeof(size_t));
    if (!sp->lf_issue || !sp->lf_bits || !sp->lf_pop || !sp->lf_term || !sp->lbi ||
        !sp->lbi_start) {
        an_inter_free(sp);
        return false;
    }
    for (size_t q = 0; q < nit; q++) {
        size_t kk = sp->lf_start[q];
        if (sp->lf_start[q + 1] > kk)
            conj_leaves(sp->it[q]->rule, sp, &kk, true);
        for (size_t z = sp->lf_start[q]; z < sp->lf_start[q + 1]; z++)
            sp->lf_term[z] = q;
    }
    /* leaves by issue (counting sort: ascending leaf index per issue) */
    for (size_t z = 0; z < nl; z++)
        sp->lbi_start[sp->lf_issue[z] + 1]++;
    for (size_t i = 0; i < m; i++)
        sp->lbi_start[i + 1] += sp->lbi_start[i];
    {
        size_t *fill = parleyx_calloc(a, m + 1, sizeof(size_t));
        if (!fill) {
            an_inter_free(sp);
            return false;
        }
        for (size_t z = 0; z < nl; z++) {
            size_t i = sp->lf_issue[z];
            sp->lbi[sp->lbi_start[i] + fill[i]++] = z;
        }
        parleyx_free(a, fill, (m + 1) * sizeof(size_t));
    }
    /* Rounding: a fold of n terms is within (n-1) u sum|v| of the real sum
     * (u = DBL_EPSILON / 2), and so is the relaxed bound of its n + m
     * additions: twice that for n + m + 2 terms, doubled for safety. */
    for (size_t p = 0; p < np; p++) {
        double sa = 0.0;
        for (size_t q = sp->itp[p]; q < sp->itp[p + 1]; q++)
            sa += fabs(sp->it[q]->value);
        double n = (double)(sp->itp[p + 1] - sp->itp[p] + m + 2);
        sp->islack[p] = 4.0 * n * DBL_EPSILON * sa * (1.0 + 1e-6);
    }
    return true;
}

double an_inter_relaxed_hi(const an_space *sp, size_t p, const signed char *st,
                           const bool *assigned, double *acc, size_t *touched)
{
    double base = 0.0;
    size_t nt = 0;
    for (size_t t = sp->itp[p]; t < sp->itp[p + 1]; t++) {
        double v = sp->it[t]->value;
        signed char s = st[t];
        if (s == 1) {
            base += v;
            continue;
        }
        if (s == 0 || !(v > 0.0))
            continue;
        size_t best = SIZE_MAX;
        for (size_t k = sp->lf_start[t]; k < sp->lf_start[t + 1]; k++)
            if (!assigned[sp->lf_issue[k]] &&
                (best == SIZE_MAX || sp->lf_pop[k] < sp->lf_pop[best]))
                best = k;
        if (best == SIZE_MAX) {
            base += v;
            continue;
        }
        size_t q = sp->lf_issue[best], nv = sp->voff[q + 1] - sp->voff[q];
        double *row = acc + sp->voff[q];
        const uint64_t *bits = sp->lf_bits[best];
        bool fresh = true;
        for (size_t z = 0; z < nt && fresh; z++)
            fresh = touched[z] != q;
        if (fresh)
            touched[nt++] = q;
        for (size_t w = 0; w < (nv + 63) / 64; w++) {
            uint64_t b = bits[w];
            while (b) {
                size_t k = w * 64 + (size_t)__builtin_ctzll(b);
                b &= b - 1;
                row[k] += v;
            }
        }
    }
    for (size_t z = 0; z < nt; z++) {
        size_t q = touched[z], nv = sp->voff[q + 1] - sp->voff[q];
        double *row = acc + sp->voff[q];
        double mx = 0.0;
        for (size_t k = 0; k < nv; k++) {
            if (row[k] > mx)
                mx = row[k];
            row[k] = 0.0;
        }
        base += mx;
    }
    return base + sp->islack[p];
}

void an_inter_fold(const pm_party *pa, const signed char *st, double *ihi, double *ilo)
{
    double hi = 0.0, lo = 0.0;
    for (size_t t = 0; t < pa->nterms; t++) {
        double v = pa->iterms[t].value;
        if (st[t] == 1) {
            hi += v;
            lo += v;
        } else if (st[t] < 0) {
            if (v > 0.0)
                hi += v;
            else
                lo += v;
        }
    }
    *ihi = hi;
    *ilo = lo;
}

void an_inter_bounds(const pm_party *pa, const uint32_t *o, const bool *assigned, double *ihi,
                     double *ilo)
{
    double hi = 0.0, lo = 0.0;
    for (size_t t = 0; t < pa->nterms; t++) {
        double v = pa->iterms[t].value;
        int s = rule_eval_partial(pa->iterms[t].rule, o, assigned, NULL, NULL);
        if (s == 1) {
            hi += v;
            lo += v;
        } else if (s < 0) {
            if (v > 0.0)
                hi += v;
            else
                lo += v;
        }
    }
    *ihi = hi;
    *ilo = lo;
}

/* The dimensions' utilities of outcome o into u (d). */
static void dims_of(const an_space *sp, const uint32_t *o, double *u)
{
    for (size_t j = 0; j < sp->d; j++)
        u[j] = pm_utility(sp->sc, sp->dimp[j], o);
}

static double scal(const double *u, const double *w, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += w[j] * u[j];
    return s;
}

bool an_inter_incumbents(const an_space *sp, an_arch *a)
{
    const parley_allocator *al = sp->alloc;
    size_t m = sp->m, d = sp->d;
    size_t ndir = d == 2 ? 11 : d + 1;
    uint32_t *o = parleyx_calloc(al, m + 1, sizeof(uint32_t));
    double *u = parleyx_calloc(al, 3 * d, sizeof(double));
    bool ok = o && u;
    an_count zero = {0, 0, 0};
    for (size_t k = 0; k < ndir && ok; k++) {
        double *w = u + d, *v = u + 2 * d;
        for (size_t j = 0; j < d; j++) /* d == 2: 11 weights; else each axis, then equal */
            w[j] = d == 2 ? (j ? 1.0 - (double)k / 10.0 : (double)k / 10.0)
                          : (k < d ? (j == k ? 1.0 : 1e-3) : 1.0);
        dims_of(sp, o, u);
        double best = scal(u, w, d);
        for (int sweep = 0; sweep < 30; sweep++) {
            bool better = false;
            for (size_t i = 0; i < m; i++) {
                uint32_t keep = o[i], arg = keep;
                for (uint32_t x = 0; x < sp->nv[i]; x++) {
                    if (x == keep)
                        continue;
                    o[i] = x;
                    dims_of(sp, o, v);
                    double f = scal(v, w, d);
                    if (f > best) {
                        best = f;
                        arg = x;
                        better = true;
                    }
                }
                o[i] = arg;
            }
            if (!better)
                break;
        }
        dims_of(sp, o, u);
        ok = an_arch_push(a, u, zero, o);
    }
    parleyx_free(al, o, (m + 1) * sizeof(uint32_t));
    parleyx_free(al, u, 3 * d * sizeof(double));
    return ok && an_arch_normalize(a);
}
