/*
 * session_chart.c -- a negotiation session recorded and drawn.
 *
 * The log keeps, for every offer (alternating offers) or text (mediated),
 * its round, its proposer and every party's undiscounted utility; and the
 * deal, if any.  Memory: one growable array of np+2 doubles per offer,
 * through the scenario's allocator; a failed allocation marks the log
 * (parley_session_log_ok) and later events are dropped.
 *
 * The chart: two panels in one SVG.  Left, the utility space of two
 * stakeholders: the Pareto frontier over all outcomes, each proposer's
 * offers as a trail of dots in its own colour (later offers darker), the
 * deal as a ring.  Right, each proposer's utility of its own offers, round
 * by round (its concession curve), with its reservation value dashed.  At
 * most 2,000 offers are drawn (evenly thinned beyond), so the file stays
 * small.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SL_MAX_DRAWN 2000

struct parley_session_log {
    const parley_scenario *sc;
    size_t np;
    size_t n, cap;     /* offers */
    double *rec;       /* n * (np + 2): round, proposer, utilities */
    bool deal;         /* the talks produced a deal... */
    double *dealu;     /* np: everybody's utility of it */
    size_t vetoed_by;  /* ...which this ratifier vetoed (SIZE_MAX: none) */
    bool mediated;     /* the offers are a mediator's texts */
    bool ok;
};

static const char *PALETTE[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
                                "#e377c2", "#17becf", "#bcbd22"};

parley_session_log *parley_session_log_new(const parley_scenario *sc)
{
    if (!sc)
        return NULL;
    parley_session_log *l = parleyx_calloc(sc->alloc, 1, sizeof *l);
    if (!l)
        return NULL;
    l->sc = sc;
    l->np = sc->nparties;
    l->ok = true;
    l->vetoed_by = SIZE_MAX;
    l->dealu = parleyx_calloc(sc->alloc, l->np ? l->np : 1, sizeof(double));
    if (!l->dealu) {
        parleyx_free(sc->alloc, l, sizeof *l);
        return NULL;
    }
    return l;
}

void parley_session_log_free(parley_session_log *l)
{
    if (!l)
        return;
    const parley_allocator *a = l->sc->alloc;
    parleyx_free(a, l->rec, l->cap * (l->np + 2) * sizeof(double));
    parleyx_free(a, l->dealu, (l->np ? l->np : 1) * sizeof(double));
    parleyx_free(a, l, sizeof *l);
}

bool parley_session_log_ok(const parley_session_log *l)
{
    return l && l->ok;
}

void parley_session_log_event(void *ud, const parley_trace_event *ev)
{
    parley_session_log *l = ud;
    if (!l || !ev || !l->ok)
        return;
    if (ev->kind == PARLEY_TRACE_AGREEMENT && ev->utilities) {
        l->deal = true;
        memcpy(l->dealu, ev->utilities, l->np * sizeof(double));
        return;
    }
    if (ev->kind == PARLEY_TRACE_RATIFY && !ev->accepted && l->vetoed_by == SIZE_MAX) {
        l->vetoed_by = ev->party;
        return;
    }
    l->mediated |= ev->kind == PARLEY_TRACE_TEXT;
    if ((ev->kind != PARLEY_TRACE_OFFER && ev->kind != PARLEY_TRACE_TEXT) || !ev->utilities)
        return;
    size_t w = l->np + 2;
    double *grown = parleyx_grow(l->sc->alloc, l->rec, w * sizeof(double), &l->cap, l->n + 1, 64);
    if (!grown) {
        l->ok = false;
        return;
    }
    l->rec = grown;
    double *r = &l->rec[l->n * w];
    r[0] = (double)ev->round;
    r[1] = ev->party == SIZE_MAX ? -1.0 : (double)ev->party;
    memcpy(r + 2, ev->utilities, l->np * sizeof(double));
    l->n++;
}

/* The geometry of the two panels. */
typedef struct sl_layout {
    double W, H;
    rp_frame left;  /* the utility space */
    rp_frame right; /* utilities round by round (same size) */
    size_t step;    /* draw every step-th offer */
} sl_layout;

/* A panel's frame, its title (bold, above it) and its tick numbers on the
 * left (utilities 0 to 1) and, with bottom, underneath. */
static void frame(px_buf *b, const rp_frame *f, const char *title, bool bottom)
{
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                       f->x0);
    rp_text(b, title);
    parleyx_buf_printf(b,
                       "</text>\n<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n",
                       f->x0, f->y0, f->w, f->h);
    for (int t = 0; t <= 5; t++) {
        double u = t / 5.0;
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
                           f->x0 - 5, f->y0 + (1 - u) * f->h + 4, u);
        if (bottom)
            parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n",
                               f->x0 + u * f->w, f->y0 + f->h + 14, u);
    }
}

/* The talks' deal: ringed and labelled "deal", or, when a ratifier
 * vetoed it, crossed out in red and labelled "vetoed by NAME"; the label
 * placed inside the plot (labels.c). */
static void draw_outcome(px_buf *b, const parley_scenario *sc, const parley_session_log *l,
                         size_t px, size_t py, const rp_frame *f)
{
    double cx = f->x0 + l->dealu[px] * f->w, cy = f->y0 + (1 - l->dealu[py]) * f->h;
    char text[PARLEY_MAX_NAME + 16];
    if (l->vetoed_by == SIZE_MAX) {
        snprintf(text, sizeof text, "deal");
        parleyx_buf_printf(b,
                           "<circle class=\"deal\" cx=\"%.1f\" cy=\"%.1f\" r=\"8\" "
                           "fill=\"none\" stroke=\"black\" stroke-width=\"2.5\"/>\n",
                           cx, cy);
    } else {
        snprintf(text, sizeof text, "vetoed by %s", parley_party_name(sc, l->vetoed_by));
        parleyx_buf_printf(b,
                           "<path class=\"veto\" d=\"M%.1f %.1fl14 14m0 -14l-14 14\" "
                           "stroke=\"#c0392b\" stroke-width=\"3\"/>\n",
                           cx - 7, cy - 7);
    }
    rp_labels L;
    rp_labels_init(&L, f->x0, f->y0, f->x0 + f->w, f->y0 + f->h);
    rp_labels_take(&L, (rp_box){cx - 9, cy - 9, cx + 9, cy + 9});
    rp_placed p;
    rp_labels_place(&L, cx, cy, 9, text, 11, true, &p);
    rp_label_emit(b, &p, cx, cy,
                  l->vetoed_by == SIZE_MAX ? RP_HALO " font-weight=\"bold\""
                                           : RP_HALO " font-weight=\"bold\" fill=\"#c0392b\"",
                  text);
}

/* Left: the utility space of dimensions x and y (parties px and py), the
 * frontier when there are two stakeholders, the offers, the deal. */
static void draw_offers(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                        const parley_session_log *l, size_t x, size_t y, const sl_layout *g)
{
    size_t px = parley_analysis_dim_party(an, x), py = parley_analysis_dim_party(an, y);
    size_t w = l->np + 2;
    const rp_frame *f = &g->left;
    char title[2 * PARLEY_MAX_NAME + 32];
    snprintf(title, sizeof title, "%s: %s and %s", l->mediated ? "Mediator's texts" : "Offers",
             parley_party_name(sc, px), parley_party_name(sc, py));
    frame(b, f, title, true);
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">utility of ",
                       f->x0 + f->w / 2, f->y0 + f->h + 30);
    rp_text(b, parley_party_name(sc, px));
    parleyx_buf_printf(b, "</text>\n<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
                          "text-anchor=\"middle\">utility of ",
                       f->x0 - 32, f->y0 + f->h / 2);
    rp_text(b, parley_party_name(sc, py));
    parleyx_buf_puts(b, "</text>\n");
    if (parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL) && parley_analysis_dims(an) == 2)
        rp_frontier_line(b, an, x, y, f);
    parleyx_buf_puts(b, "<g class=\"offers\">\n");
    for (size_t k = 0; k < l->n; k += g->step) {
        const double *r = &l->rec[k * w];
        int who = (int)r[1];
        const char *col = who < 0 ? "#555" : PALETTE[(size_t)who % 8];
        double op = 0.3 + 0.7 * (double)(k + 1) / (double)l->n;
        parleyx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
                              "fill-opacity=\"%.2f\"/>\n",
                           f->x0 + r[2 + px] * f->w, f->y0 + (1 - r[2 + py]) * f->h, col, op);
    }
    parleyx_buf_puts(b, "</g>\n");
    if (l->deal)
        draw_outcome(b, sc, l, px, py, f);
}

/* Party p's line: its utility, round by round, of its own offers
 * (alternating offers: its concession curve) or of the mediator's texts;
 * its reservation value dashed; its legend entry (the drawn-th). */
static void draw_party(px_buf *b, const parley_scenario *sc, const parley_session_log *l,
                       size_t p, double rmax, size_t drawn, const sl_layout *g)
{
    size_t w = l->np + 2;
    double rx0 = g->right.x0, ry0 = g->right.y0, pw = g->right.w, ph = g->right.h;
    const char *col = PALETTE[p % 8];
    double rv = parley_party_reservation(sc, p);
    if (rv > 0 && rv <= 1)
        parleyx_buf_printf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-dasharray=\"4,4\" stroke-opacity=\"0.7\"/>\n",
                           rx0, ry0 + (1 - rv) * ph, rx0 + pw, ry0 + (1 - rv) * ph, col);
    parleyx_buf_printf(b, "<polyline class=\"utility-line\" fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"1.8\" points=\"",
                       col);
    bool first = true;
    for (size_t k = 0; k < l->n; k += g->step) {
        const double *r = &l->rec[k * w];
        if (!l->mediated && (int)r[1] != (int)p)
            continue;
        parleyx_buf_printf(b, "%s%.1f,%.1f", first ? "" : " ",
                           rx0 + (rmax > 1 ? (r[0] - 1) / (rmax - 1) : 0.5) * pw,
                           ry0 + (1 - r[2 + p]) * ph);
        first = false;
    }
    parleyx_buf_printf(b, "\"/>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" "
                          "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">",
                       rx0 + 4 + (double)(drawn % 3) * (pw / 3),
                       g->H - 30 + (double)(drawn / 3) * 14 - 9, col,
                       rx0 + 18 + (double)(drawn % 3) * (pw / 3),
                       g->H - 30 + (double)(drawn / 3) * 14);
    rp_text(b, parley_party_name(sc, p));
    parleyx_buf_puts(b, "</text>\n");
}

/* Does party p have a line on the right?  Alternating offers: when it
 * made an offer.  Mediated: when it has preferences (the mediator's own
 * utility is none). */
static bool has_line(const parley_scenario *sc, const parley_session_log *l, size_t p)
{
    if (l->mediated)
        return parley_party_has_utility(sc, p) &&
               parley_party_role(sc, p) != PARLEY_ROLE_MEDIATOR;
    for (size_t k = 0; k < l->n; k++)
        if ((int)l->rec[k * (l->np + 2) + 1] == (int)p)
            return true;
    return false;
}

/* Right: each proposer's utility of its own offers, or every party's
 * utility of the mediator's texts, round by round. */
static void draw_rounds(px_buf *b, const parley_scenario *sc, const parley_session_log *l,
                        const sl_layout *g)
{
    size_t w = l->np + 2;
    const rp_frame *f = &g->right;
    double rmax = 1;
    for (size_t k = 0; k < l->n; k++)
        if (l->rec[k * w] > rmax)
            rmax = l->rec[k * w];
    frame(b, f,
          l->mediated ? "Each party's utility of the mediator's texts, round by round"
                      : "Each proposer's utility of its own offers, round by round",
          false);
    for (int t = 0; t <= 4; t++) { /* rounds 1 to rmax */
        double r = 1 + (rmax - 1) * t / 4.0;
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
                           f->x0 + f->w * t / 4.0, f->y0 + f->h + 14, floor(r + 0.5));
    }
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">round</text>\n",
                       f->x0 + f->w / 2, f->y0 + f->h + 30);
    size_t drawn = 0;
    for (size_t p = 0; p < l->np; p++)
        if (has_line(sc, l, p))
            draw_party(b, sc, l, p, rmax, drawn++, g);
}

static parley_status draw(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                          const parley_session_log *l, size_t x, size_t y,
                          const parley_chart_options *o)
{
    sl_layout g;
    g.step = l->n > SL_MAX_DRAWN ? (l->n + SL_MAX_DRAWN - 1) / SL_MAX_DRAWN : 1;
    g.W = (o->width ? o->width : 560) * 2.0;
    g.H = o->height ? o->height : 480;
    double pw = g.W / 2 - 80, ph = g.H - 110;
    g.left = (rp_frame){60, 34, pw, ph};
    g.right = (rp_frame){g.W / 2 + 50, 34, pw, ph};
    rp_svg_open(b, g.W, g.H, 11, "session", "Negotiation session");
    draw_offers(b, sc, an, l, x, y, &g);
    draw_rounds(b, sc, l, &g);
    parleyx_buf_puts(b, "</svg>\n");
    return PARLEY_OK;
}

parley_status rp_chart_session(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                               const parley_session_log *log, size_t x, size_t y,
                               const parley_chart_options *opt)
{
    parley_chart_options o;
    memset(&o, 0, sizeof o);
    if (opt)
        o = *opt;
    return draw(b, sc, an, log, x, y, &o);
}

parley_status parley_chart_session(const parley_scenario *sc, const parley_analysis *an,
                                   const parley_session_log *log, size_t x, size_t y,
                                   const parley_chart_options *opt, char **svg, size_t *len,
                                   parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!sc || !an || !log || log->sc != sc)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a scenario, its analysis and a log of a session on it are needed");
    return rp_pair_chart(sc, an, log, x, y, opt, svg, len, err);
}
