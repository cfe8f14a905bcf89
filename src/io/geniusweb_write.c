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
 * Memory: texts in the plan's buffers (the scenario's allocator); the
 * outcome under search is a scratch array from the same allocator.
 */
#include "io/genius_io.h"
#include "model/model.h"

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

/* Value k of issue i as a JSON string. */
static void gw_value(px_buf *b, const parley_scenario *sc, size_t i, size_t k)
{
    char lab[PARLEY_MAX_NAME + 1];
    gw_str(b, parley_issue_value_label(sc, i, k, lab, sizeof lab));
}

/* The domain object, its lines indented by ind. */
static void gw_write_domain(px_buf *b, const parley_scenario *sc, const char *name, const char *ind)
{
    parleyx_buf_printf(b, "{\n%s  \"name\": ", ind);
    gw_str(b, name);
    parleyx_buf_printf(b, ",\n%s  \"issuesValues\": {", ind);
    for (size_t i = 0; i < sc->nissues; i++) {
        parleyx_buf_printf(b, "%s\n%s    ", i ? "," : "", ind);
        gw_str(b, sc->issues[i].name);
        parleyx_buf_puts(b, ": {\"values\": [");
        for (size_t k = 0; k < sc->issues[i].nvalues; k++) {
            parleyx_buf_puts(b, k ? ", " : "");
            gw_value(b, sc, i, k);
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
static void gw_write_reservation(gx_plan *p, px_buf *b, size_t k, uint32_t *o, uint32_t *best)
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
        gw_value(b, sc, i, best[i]);
    }
    parleyx_buf_puts(b, "}}");
}

static void gw_write_profile(gx_plan *p, size_t j, uint32_t *o, uint32_t *best)
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
        parleyx_buf_puts(b, ": {\"discreteutils\": {\"valueUtilities\": {");
        for (size_t v = 0; v < is->nvalues; v++) {
            parleyx_buf_puts(b, v ? ", " : "");
            gw_value(b, sc, i, v);
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
    gw_write_domain(b, sc, p->sc->name && p->sc->name[0] ? p->sc->name : "domain", "    ");
    parleyx_buf_puts(b, ",\n    \"name\": ");
    gw_str(b, pa->name);
    gw_write_reservation(p, b, k, o, best);
    parleyx_buf_puts(b, "\n  }\n}\n");
    if (pa->discount != 1.0)
        gx_note(p,
                "party '%s': its discount factor %g is not written (GeniusWeb's "
                "LinearAdditiveUtilitySpace has none)",
                pa->name, pa->discount);
}

parley_status parley_geniusweb_write_folder(const parley_scenario *sc, const char *dir,
                                            char **notes, parley_error *err)
{
    if (notes)
        *notes = NULL;
    if (!sc || !dir)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no scenario or no folder");
    gx_plan p;
    parley_status st = gx_plan_make(&p, sc, ".json", err);
    size_t ni = sc->nissues ? sc->nissues : 1;
    uint32_t *o = NULL, *best = NULL;
    if (!st) {
        o = parleyx_calloc(sc->alloc, ni, sizeof *o);
        best = parleyx_calloc(sc->alloc, ni, sizeof *best);
        if (!o || !best)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
    }
    for (size_t i = 0; !st && i < sc->nissues; i++)
        if (sc->issues[i].kind != PARLEY_ISSUE_DISCRETE)
            gx_note_as_discrete(&p, i, "GeniusWeb's discreteutils hold values, not ranges");
    if (!st) {
        gw_write_domain(&p.out[0], sc, sc->name && sc->name[0] ? sc->name : "domain", "");
        parleyx_buf_puts(&p.out[0], "\n");
        for (size_t j = 0; j < p.np; j++)
            gw_write_profile(&p, j, o, best);
    }
    parleyx_free(sc->alloc, o, ni * sizeof *o);
    parleyx_free(sc->alloc, best, ni * sizeof *best);
    return gx_finish(&p, dir, notes, st, err);
}
