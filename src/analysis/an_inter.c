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

#include <string.h>

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
    return true;
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
