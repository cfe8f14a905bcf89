/*
 * geniusweb_write.c -- a scenario written as a GeniusWeb folder: a domain
 * {"name", "issuesValues": {issue: {"values": [...]}}} and, per
 * negotiator with preferences, {"LinearAdditiveUtilitySpace":
 * {"issueUtilities": {issue: {"discreteutils": {"valueUtilities": {value:
 * u}}}}, "issueWeights": {issue: w}, "domain": {...}, "name": party,
 * "reservationBid": {"issuevalues": {issue: value}}}}, the shape GeniusWeb
 * writes and geniusweb.c reads.  The plan, the notes and the atomic folder
 * are genius_write.c's (gx_plan).
 *
 * Every issue is a list of values (GeniusWeb's DiscreteValueSet): a
 * numeric issue's values are its numbers written as strings, with a note.
 * Each value's utility is the party's evaluation of it (pm_eval_at), the
 * weight the party's weight, both written shortest: every utility reads
 * back as the same double.  GeniusWeb states a reservation value as an
 * outcome (reservationBid) whose utility it is: 0 is written as no bid;
 * any other value as the first outcome (issue 0 slowest) worth exactly it,
 * searched among at most GW_MAX_SEARCH outcomes, else as the outcome worth
 * the most below it, with a note giving both numbers.  A discount factor
 * other than 1 is dropped with a note (the space has none).
 *
 * The ANL form (parley_geniusweb_anl_write_folder) is GeniusWebPython's,
 * which the ANL 2022/2023 leagues ran: the utilities are spelled
 * "DiscreteValueSetUtilities", the profiles are profileA.json,
 * profileB.json, ... (ANL negotiates two; a note says which party each
 * holds and when there are more), and an integer issue whose every
 * party's utility GeniusWeb's NumberValueSetUtilities reproduces exactly
 * (interpolated from the first and last value, rounded half up to 8
 * decimals, as geniusweb.c reads it: gw_number_util) is written as a
 * number issue {"range": {"low", "high", "step"}} with those utilities;
 * any other numeric issue becomes discrete, with a note.
 *
 * Memory: texts in the plan's buffers (the scenario's allocator); the
 * outcome under search is a scratch array from the same allocator.
 */
#include "io/genius_io.h"
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GW_MAX_SEARCH 10000000u

/* s as a JSON string. */
static void gw_str(px_buf *b, const char *s)
{
    parleyx_buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            parleyx_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            parleyx_buf_printf(b, "\\u%04x", c);
        else
            parleyx_buf_add(b, s, 1);
    }
    parleyx_buf_puts(b, "\"");
}

static void gw_num(px_buf *b, double v)
{
    char t[40];
    parleyx_buf_puts(b, parleyx_fmt_double(v, t, sizeof t));
}

/* How the folder is spelled: ANL's form or GeniusWeb Java's; number[i]:
 * issue i is written as a number issue (ANL form only). */
typedef struct gw_form {
    bool anl;
    bool *number;
} gw_form;

/* Value k of issue i: a JSON number for a number issue, else a string. */
static void gw_value(px_buf *b, const parley_scenario *sc, const gw_form *fm, size_t i, size_t k)
{
    const pm_issue *is = &sc->issues[i];
    if (fm->number[i]) {
        parleyx_buf_printf(b, "%lld", (long long)(is->ilo + (int64_t)k * is->istep));
        return;
    }
    char lab[PARLEY_MAX_NAME + 1];
    gw_str(b, parley_issue_value_label(sc, i, k, lab, sizeof lab));
}

/* The domain object, its lines indented by ind. */
static void gw_write_domain(px_buf *b, const parley_scenario *sc, const gw_form *fm,
                            const char *name, const char *ind)
{
    parleyx_buf_printf(b, "{\n%s  \"name\": ", ind);
    gw_str(b, name);
    parleyx_buf_printf(b, ",\n%s  \"issuesValues\": {", ind);
    for (size_t i = 0; i < sc->nissues; i++) {
        parleyx_buf_printf(b, "%s\n%s    ", i ? "," : "", ind);
        gw_str(b, sc->issues[i].name);
        const pm_issue *is = &sc->issues[i];
        if (fm->number[i]) {
            parleyx_buf_printf(b, ": {\"range\": {\"low\": %lld, \"high\": %lld, \"step\": %lld}}",
                               (long long)is->ilo, (long long)is->ihi, (long long)is->istep);
            continue;
        }
        parleyx_buf_puts(b, ": {\"values\": [");
        for (size_t k = 0; k < is->nvalues; k++) {
            parleyx_buf_puts(b, k ? ", " : "");
            gw_value(b, sc, fm, i, k);
        }
        parleyx_buf_puts(b, "]}");
    }
    parleyx_buf_printf(b, "\n%s  }\n%s}", ind, ind);
}

/* The first outcome (issue 0 slowest) party k values at exactly rv, or
 * the best below it; false when none was found within the search. */
static bool gw_reservation_bid(const parley_scenario *sc, size_t k, double rv, uint32_t *o,
                               uint32_t *best, double *bu)
{
    size_t ni = sc->nissues;
    uint64_t n = 1;
    for (size_t i = 0; i < ni; i++) {
        n = n > GW_MAX_SEARCH ? n : n * sc->issues[i].nvalues;
        o[i] = 0;
    }
    if (n > GW_MAX_SEARCH)
        return false;
    bool any = false;
    *bu = -1;
    for (uint64_t t = 0; t < n; t++) {
        double u = parley_utility(sc, k, o);
        if (u == rv) {
            memcpy(best, o, ni * sizeof *o);
            *bu = u;
            return true;
        }
        if (u < rv && u > *bu) {
            memcpy(best, o, ni * sizeof *o);
            *bu = u;
            any = true;
        }
        for (size_t i = ni; i-- > 0;) {
            if (++o[i] < sc->issues[i].nvalues)
                break;
            o[i] = 0;
        }
    }
    return any;
}

/* "reservationBid" of party k (a leading ",\n" included), with a note when
 * it is not worth exactly the reservation value. */
static void gw_write_reservation(gx_plan *p, const gw_form *fm, px_buf *b, size_t k, uint32_t *o,
                                 uint32_t *best)
{
    const parley_scenario *sc = p->sc;
    double rv = sc->parties[k].reservation, bu;
    if (rv <= 0.0)
        return; /* no bid: the reader's 0 (GeniusWeb: none) */
    if (!gw_reservation_bid(sc, k, rv, o, best, &bu)) {
        gx_note(p,
                "party '%s': no outcome is worth at most its reservation value %g (or there "
                "are too many to search), so no reservationBid is written (read back as 0)",
                sc->parties[k].name, rv);
        return;
    }
    if (bu != rv) {
        char t1[40], t2[40];
        gx_note(p,
                "party '%s': no outcome is worth exactly its reservation value %s; the "
                "reservationBid is the best one below it, worth %s",
                sc->parties[k].name, parleyx_fmt_double(rv, t1, sizeof t1),
                parleyx_fmt_double(bu, t2, sizeof t2));
    }
    parleyx_buf_puts(b, ",\n    \"reservationBid\": {\"issuevalues\": {");
    for (size_t i = 0; i < sc->nissues; i++) {
        parleyx_buf_puts(b, i ? ", " : "");
        gw_str(b, sc->issues[i].name);
        parleyx_buf_puts(b, ": ");
        gw_value(b, sc, fm, i, best[i]);
    }
    parleyx_buf_puts(b, "}}");
}

/* The utilities of number issue i for party pa (a "NumberValueSetUtilities"
 * object's members). */
static void gw_write_number_utils(px_buf *b, const pm_issue *is, const pm_party *pa, size_t i)
{
    const pm_eval *e = &pa->evals[i];
    parleyx_buf_printf(b, "\"NumberValueSetUtilities\": {\"lowValue\": %lld, \"lowUtility\": ",
                       (long long)is->ilo);
    gw_num(b, e->kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(e, is, 0));
    parleyx_buf_printf(b, ", \"highValue\": %lld, \"highUtility\": ", (long long)is->ihi);
    gw_num(b, e->kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(e, is, is->nvalues - 1));
    parleyx_buf_puts(b, "}}");
}

static void gw_write_profile(gx_plan *p, const gw_form *fm, size_t j, uint32_t *o, uint32_t *best)
{
    const parley_scenario *sc = p->sc;
    size_t k = p->party[j];
    const pm_party *pa = &sc->parties[k];
    px_buf *b = &p->out[j + 1];
    parleyx_buf_puts(b, "{\n  \"LinearAdditiveUtilitySpace\": {\n    \"issueUtilities\": {");
    for (size_t i = 0; i < sc->nissues; i++) {
        const pm_issue *is = &sc->issues[i];
        parleyx_buf_puts(b, i ? ",\n      " : "\n      ");
        gw_str(b, is->name);
        parleyx_buf_puts(b, ": {");
        if (fm->number[i]) {
            gw_write_number_utils(b, is, pa, i);
            continue;
        }
        parleyx_buf_puts(b, fm->anl ? "\"DiscreteValueSetUtilities\"" : "\"discreteutils\"");
        parleyx_buf_puts(b, ": {\"valueUtilities\": {");
        for (size_t v = 0; v < is->nvalues; v++) {
            parleyx_buf_puts(b, v ? ", " : "");
            gw_value(b, sc, fm, i, v);
            parleyx_buf_puts(b, ": ");
            gw_num(b,
                   pa->evals[i].kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(&pa->evals[i], is, v));
        }
        parleyx_buf_puts(b, "}}}");
    }
    parleyx_buf_puts(b, "\n    },\n    \"issueWeights\": {");
    for (size_t i = 0; i < sc->nissues; i++) {
        parleyx_buf_puts(b, i ? ", " : "");
        gw_str(b, sc->issues[i].name);
        parleyx_buf_puts(b, ": ");
        gw_num(b, pa->weights[i]);
    }
    parleyx_buf_puts(b, "},\n    \"domain\": ");
    gw_write_domain(b, sc, fm, p->sc->name && p->sc->name[0] ? p->sc->name : "domain", "    ");
    parleyx_buf_puts(b, ",\n    \"name\": ");
    gw_str(b, pa->name);
    gw_write_reservation(p, fm, b, k, o, best);
    parleyx_buf_puts(b, "\n  }\n}\n");
    if (pa->discount != 1.0)
        gx_note(p,
                "party '%s': its discount factor %g is not written (GeniusWeb's "
                "LinearAdditiveUtilitySpace has none)",
                pa->name, pa->discount);
}

/* How integer issue i fits GeniusWeb's NumberValueSetUtilities, read back
 * (gw_number_util) for every party and value. */
typedef enum { GW_FIT_NO, GW_FIT_ROUNDED, GW_FIT_EXACT } gw_fit;

static gw_fit gw_number_fits(const gx_plan *p, size_t i)
{
    const parley_scenario *sc = p->sc;
    const pm_issue *is = &sc->issues[i];
    size_t n = is->nvalues;
    const int64_t lim = 100000000000000000; /* 1e17: a gw_dec has 18 digits */
    if (is->kind != PARLEY_ISSUE_INTEGER || n < 2 || is->istep <= 0 || is->ilo <= -lim ||
        is->ihi >= lim || is->ilo + (int64_t)(n - 1) * is->istep != is->ihi)
        return GW_FIT_NO;
    gw_issue gi = {.n = n, .number = true, .lo = is->ilo, .hi = is->ihi, .step = is->istep};
    gw_fit fit = GW_FIT_EXACT;
    for (size_t j = 0; j < p->np; j++) {
        const pm_eval *e = &sc->parties[p->party[j]].evals[i];
        double u0 = e->kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(e, is, 0);
        double u1 = e->kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(e, is, n - 1);
        char t0[40], t1[40];
        gw_dec d0, d1;
        gw_numutil nu;
        if (!gw_dec_parse(parleyx_fmt_double(u0, t0, sizeof t0), &d0) ||
            !gw_dec_parse(parleyx_fmt_double(u1, t1, sizeof t1), &d1) ||
            !gw_numutil_make(&nu, d0, d1))
            return GW_FIT_NO;
        for (size_t k = 0; k < n; k++) {
            double u = e->kind == PARLEY_EVAL_NONE ? 0.0 : pm_eval_at(e, is, k);
            double g = gw_number_util(&gi, &nu, k);
            if (fabs(g - u) > 1e-8)
                return GW_FIT_NO;
            if (g != u)
                fit = GW_FIT_ROUNDED;
        }
    }
    return fit;
}

/* Which numeric issues are written as number issues (ANL form), and a
 * note on each of the others. */
static void gw_plan_numbers(gx_plan *p, const gw_form *fm)
{
    const parley_scenario *sc = p->sc;
    for (size_t i = 0; i < sc->nissues; i++) {
        if (sc->issues[i].kind == PARLEY_ISSUE_DISCRETE)
            continue;
        gw_fit fit = fm->anl ? gw_number_fits(p, i) : GW_FIT_NO;
        fm->number[i] = fit == GW_FIT_EXACT;
        if (!fm->anl)
            gx_note_as_discrete(p, i, "GeniusWeb's discreteutils hold values, not ranges");
        else if (sc->issues[i].kind == PARLEY_ISSUE_REAL)
            gx_note_as_discrete(p, i, "only integer issues are written as GeniusWeb number issues");
        else if (fit == GW_FIT_ROUNDED)
            gx_note_as_discrete(p, i,
                                "its utilities are linear, but GeniusWeb rounds a number issue's "
                                "utilities to 8 decimals, which would change them; as values they "
                                "are kept exactly");
        else if (fit == GW_FIT_NO)
            gx_note_as_discrete(p, i,
                                "a GeniusWeb number issue's utilities are linear over its range, "
                                "and these are not");
    }
}

static parley_status gw_write(const parley_scenario *sc, const char *dir, bool anl, char **notes,
                              parley_error *err)
{
    if (notes)
        *notes = NULL;
    if (!sc || !dir)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no scenario or no folder");
    gx_plan p;
    parley_status st = gx_plan_make(&p, sc, ".json", anl ? "profile" : NULL, err);
    for (size_t j = 0; !st && j < p.np; j++)
        if (sc->parties[p.party[j]].nterms)
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, dir, 0, 0,
                              "party '%s' has interaction terms, and a GeniusWeb "
                              "LinearAdditiveUtilitySpace is additive; keep the native format "
                              "(parley convert -o FILE.yaml), or write GENIUS XML (--to genius), "
                              "which holds hyper-rectangles",
                              sc->parties[p.party[j]].name);
    if (!st && anl && p.np != 2)
        gx_note(&p,
                "%zu profiles are written (profileA.json ...); ANL's runtime negotiates exactly "
                "two (profileA.json and profileB.json)",
                p.np);
    size_t ni = sc->nissues ? sc->nissues : 1;
    uint32_t *o = NULL, *best = NULL;
    gw_form fm = {anl, NULL};
    if (!st) {
        o = parleyx_calloc(sc->alloc, ni, sizeof *o);
        best = parleyx_calloc(sc->alloc, ni, sizeof *best);
        fm.number = parleyx_calloc(sc->alloc, ni, sizeof *fm.number);
        if (!o || !best || !fm.number)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
    }
    if (!st) {
        gw_plan_numbers(&p, &fm);
        gw_write_domain(&p.out[0], sc, &fm, sc->name && sc->name[0] ? sc->name : "domain", "");
        parleyx_buf_puts(&p.out[0], "\n");
        for (size_t j = 0; j < p.np; j++)
            gw_write_profile(&p, &fm, j, o, best);
    }
    parleyx_free(sc->alloc, o, ni * sizeof *o);
    parleyx_free(sc->alloc, best, ni * sizeof *best);
    parleyx_free(sc->alloc, fm.number, ni * sizeof *fm.number);
    return gx_finish(&p, dir, notes, st, err);
}

parley_status parley_geniusweb_write_folder(const parley_scenario *sc, const char *dir,
                                            char **notes, parley_error *err)
{
    return gw_write(sc, dir, false, notes, err);
}

parley_status parley_geniusweb_anl_write_folder(const parley_scenario *sc, const char *dir,
                                                char **notes, parley_error *err)
{
    return gw_write(sc, dir, true, notes, err);
}
