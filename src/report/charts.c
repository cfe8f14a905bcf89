/*
 * charts.c -- SVG charts written by parley: the utility space of two
 * stakeholders and the red-line diagnosis; and what the report layer's
 * charts share (rp.h): the SVG opening, text escaping, the frontier line,
 * the list of solutions, the public pair-chart path and the hand-over.
 *
 * The utility space.  Axes are utilities in [0, 1] (parley's utilities
 * never leave it: evaluations and weights are non-negative and the sum is
 * capped at 1).  Outcomes are drawn one by one when there are at most
 * max_points of them (points that land on the same tenth of a pixel are
 * drawn once); beyond that, as a density: a 60 x 60 grid of cells (40 x
 * 40 in pairwise panels) shaded by the logarithm of the number of
 * outcomes in each, acceptable and unacceptable separately.  The density
 * scans every outcome up to max_scan, and beyond that a sample of max_scan
 * outcomes drawn with a fixed-seed generator (parleyx_splitmix64), so the
 * drawing is the same every time (by default 20 million; a pairwise panel
 * 2 million, plenty for its 1,600 cells: six parties have 15 panels).  On top: the Pareto frontier over all
 * outcomes (a line for two stakeholders; for more, its points projected,
 * faint, under a line: the frontier of the pair alone), the Pareto-optimal
 * agreements, dashed reservation lines, and the bargaining solutions,
 * labelled.
 *
 * Output size: one-by-one points cost about 60 bytes each (5,000: 300 kB);
 * a density at most 3,600 cells of about 70 bytes.  Numbers are printed
 * with one decimal, so the same input gives the same bytes.
 *
 * Memory: the points array (max_points entries) and the density grid,
 * through the scenario's allocator; the text goes to the caller
 * (parley_text_free).
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH_DEFAULT_W 560
#define CH_DEFAULT_H 480
#define CH_DEFAULT_POINTS 5000
#define CH_DEFAULT_SCAN 20000000ULL
/* with interaction terms a utility costs a rule per term (0.2-2 us a
 * party on the GENIUS non-linear folders, not 10 ns): a smaller sample */
#define CH_NONLINEAR_SCAN 1000000ULL
#define CH_PANEL_SCAN 2000000ULL

const rp_solution rp_solutions[RP_SOLUTIONS] = {
    {PARLEY_SOLUTION_NASH, "Nash", "Nash"},
    {PARLEY_SOLUTION_KALAI_SMORODINSKY, "KS", "Kalai&ndash;Smorodinsky"},
    {PARLEY_SOLUTION_UTILITARIAN, "utilitarian", "utilitarian"},
    {PARLEY_SOLUTION_EGALITARIAN, "egalitarian", "egalitarian"}};

static double px_x(const rp_frame *f, double u)
{
    return f->x0 + u * f->w;
}
static double px_y(const rp_frame *f, double u)
{
    return f->y0 + (1.0 - u) * f->h;
}

parley_status rp_hand_over(px_buf *b, parley_status st, char **out, size_t *len,
                           parley_error *err)
{
    if (st || !parleyx_text_finish(b, out, len)) {
        parleyx_buf_free(b);
        *out = NULL;
        return parleyx_fail(err, st ? st : PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    return PARLEY_OK;
}

void rp_text(px_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': parleyx_buf_puts(b, "&amp;"); break;
        case '<': parleyx_buf_puts(b, "&lt;"); break;
        case '>': parleyx_buf_puts(b, "&gt;"); break;
        case '"': parleyx_buf_puts(b, "&quot;"); break;
        default: parleyx_buf_add(b, s, 1);
        }
    }
}

static void opts_fill(const parley_chart_options *in, parley_chart_options *o)
{
    memset(o, 0, sizeof *o);
    if (in)
        *o = *in;
    if (!o->width)
        o->width = CH_DEFAULT_W;
    if (!o->height)
        o->height = CH_DEFAULT_H;
    if (!o->max_points)
        o->max_points = CH_DEFAULT_POINTS;
    if (!o->max_scan)
        o->max_scan = CH_DEFAULT_SCAN;
}

static void axes(px_buf *b, const rp_frame *f, const char *xname, const char *yname)
{
    parleyx_buf_puts(b, "<g class=\"axes\" font-size=\"11\" fill=\"#333\">\n");
    for (int t = 0; t <= 5; t++) {
        double u = t / 5.0;
        parleyx_buf_printf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n",
                           px_x(f, u), f->y0, px_x(f, u), f->y0 + f->h, f->x0, px_y(f, u),
                           f->x0 + f->w, px_y(f, u));
        parleyx_buf_printf(b,
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
                           px_x(f, u), f->y0 + f->h + 15, u, f->x0 - 6, px_y(f, u) + 4, u);
    }
    parleyx_buf_printf(b,
                       "<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n",
                       f->x0, f->y0, f->w, f->h);
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">"
                          "utility of ",
                       f->x0 + f->w / 2, f->y0 + f->h + 32);
    rp_text(b, xname);
    parleyx_buf_printf(b,
                       "</text>\n<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
                       "text-anchor=\"middle\" font-size=\"12\">utility of ",
                       f->x0 - 34, f->y0 + f->h / 2);
    rp_text(b, yname);
    parleyx_buf_puts(b, "</text>\n</g>\n");
}

/* ------------------------------------------------------ outcome clouds */

typedef struct ch_pt {
    int32_t x, y; /* tenths of a pixel */
    int acc;
} ch_pt;

static int pt_cmp(const void *a, const void *b)
{
    const ch_pt *p = a, *q = b;
    if (p->acc != q->acc)
        return p->acc - q->acc; /* unacceptable first: drawn below */
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return 0;
}

/* Every outcome (or a sample) as (ux, uy, acceptable) to a callback. */
typedef void (*ch_visit)(void *ud, double ux, double uy, bool acc);

static parley_status scan(const parley_scenario *sc, size_t px, size_t py, uint64_t limit,
                          bool *sampled, ch_visit fn, void *ud)
{
    size_t ni = sc->nissues;
    uint32_t *o = parleyx_calloc(sc->alloc, ni ? ni : 1, sizeof *o);
    if (!o)
        return PARLEY_ERR_NOMEM;
    uint64_t total;
    bool fits = parley_scenario_outcome_count(sc, &total) == PARLEY_OK;
    *sampled = !fits || total > limit;
    if (!*sampled) {
        for (uint64_t n = 0; n < total; n++) {
            fn(ud, pm_utility(sc, px, o), pm_utility(sc, py, o), parley_outcome_acceptable(sc, o));
            for (size_t i = 0; i < ni; i++) {
                if (++o[i] < sc->issues[i].nvalues)
                    break;
                o[i] = 0;
            }
        }
    } else {
        uint64_t seed = 0x70617273ULL; /* fixed: same drawing every time */
        for (uint64_t n = 0; n < limit; n++) {
            for (size_t i = 0; i < ni; i++)
                o[i] = (uint32_t)(parleyx_splitmix64(&seed) % sc->issues[i].nvalues);
            fn(ud, pm_utility(sc, px, o), pm_utility(sc, py, o), parley_outcome_acceptable(sc, o));
        }
    }
    parleyx_free(sc->alloc, o, (ni ? ni : 1) * sizeof *o);
    return PARLEY_OK;
}

typedef struct ch_points {
    const rp_frame *f;
    ch_pt *pts;
    size_t n;
} ch_points;

static void visit_point(void *ud, double ux, double uy, bool acc)
{
    ch_points *c = ud;
    c->pts[c->n].x = (int32_t)lround(px_x(c->f, ux) * 10);
    c->pts[c->n].y = (int32_t)lround(px_y(c->f, uy) * 10);
    c->pts[c->n].acc = acc;
    c->n++;
}

typedef struct ch_density {
    size_t bins;
    uint64_t *all, *acc; /* bins*bins */
} ch_density;

static void visit_density(void *ud, double ux, double uy, bool acc)
{
    ch_density *d = ud;
    size_t bx = (size_t)(ux * (double)d->bins), by = (size_t)(uy * (double)d->bins);
    if (bx >= d->bins)
        bx = d->bins - 1;
    if (by >= d->bins)
        by = d->bins - 1;
    if (acc)
        d->acc[by * d->bins + bx]++;
    else
        d->all[by * d->bins + bx]++;
}

static parley_status cloud(px_buf *b, const parley_scenario *sc, const rp_frame *f, size_t px,
                           size_t py, const parley_chart_options *o, bool panel, char *note,
                           size_t nnote)
{
    uint64_t total = 0;
    bool fits = parley_scenario_outcome_count(sc, &total) == PARLEY_OK;
    bool sampled = false;
    if (fits && total <= o->max_points) {
        ch_points c = {f, NULL, 0};
        c.pts = parleyx_calloc(sc->alloc, total ? (size_t)total : 1, sizeof *c.pts);
        if (!c.pts)
            return PARLEY_ERR_NOMEM;
        parley_status st = scan(sc, px, py, total, &sampled, visit_point, &c);
        if (st) {
            parleyx_free(sc->alloc, c.pts, (total ? (size_t)total : 1) * sizeof *c.pts);
            return st;
        }
        qsort(c.pts, c.n, sizeof *c.pts, pt_cmp);
        parleyx_buf_puts(b, "<g class=\"outcomes\">\n");
        for (size_t k = 0; k < c.n; k++) {
            if (k && pt_cmp(&c.pts[k], &c.pts[k - 1]) == 0)
                continue;
            parleyx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>\n",
                               c.pts[k].x / 10.0, c.pts[k].y / 10.0,
                               c.pts[k].acc ? "#3b82c4" : "#c8c8c8");
        }
        parleyx_buf_puts(b, "</g>\n");
        snprintf(note, nnote, "every outcome drawn");
        parleyx_free(sc->alloc, c.pts, (total ? (size_t)total : 1) * sizeof *c.pts);
        return PARLEY_OK;
    }
    ch_density d;
    d.bins = panel ? 40 : 60;
    d.all = parleyx_calloc(sc->alloc, d.bins * d.bins, sizeof(uint64_t));
    d.acc = parleyx_calloc(sc->alloc, d.bins * d.bins, sizeof(uint64_t));
    uint64_t lim = o->max_scan;
    if (lim == CH_DEFAULT_SCAN && parley_scenario_has_interactions(sc))
        lim = CH_NONLINEAR_SCAN;
    else if (lim == CH_DEFAULT_SCAN && panel)
        lim = CH_PANEL_SCAN; /* many parties: up to 15 panels of 1,600 cells */
    parley_status st = (d.all && d.acc) ? scan(sc, px, py, lim, &sampled, visit_density, &d)
                                        : PARLEY_ERR_NOMEM;
    if (!st) {
        uint64_t mx = 1;
        for (size_t k = 0; k < d.bins * d.bins; k++) {
            if (d.all[k] > mx)
                mx = d.all[k];
            if (d.acc[k] > mx)
                mx = d.acc[k];
        }
        double cw = f->w / (double)d.bins, chh = f->h / (double)d.bins, lm = log1p((double)mx);
        parleyx_buf_puts(b, "<g class=\"density\">\n");
        for (int pass = 0; pass < 2; pass++) {
            const uint64_t *cnt = pass ? d.acc : d.all;
            for (size_t by = 0; by < d.bins; by++)
                for (size_t bx = 0; bx < d.bins; bx++) {
                    uint64_t c = cnt[by * d.bins + bx];
                    if (!c)
                        continue;
                    double op = 0.15 + 0.85 * log1p((double)c) / lm;
                    parleyx_buf_printf(b,
                                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                       "fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
                                       f->x0 + (double)bx * cw,
                                       f->y0 + f->h - (double)(by + 1) * chh, cw, chh,
                                       pass ? "#3b82c4" : "#a0a0a0", op);
                }
        }
        parleyx_buf_puts(b, "</g>\n");
        snprintf(note, nnote, "density of %s outcomes", sampled ? "a fixed sample of" : "all");
    }
    parleyx_free(sc->alloc, d.all, d.bins * d.bins * sizeof(uint64_t));
    parleyx_free(sc->alloc, d.acc, d.bins * d.bins * sizeof(uint64_t));
    return st;
}

void rp_svg_open(px_buf *b, double W, double H, unsigned font_size, const char *cls,
                 const char *title)
{
    parleyx_buf_printf(b,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                       "viewBox=\"0 0 %.0f %.0f\" role=\"img\" font-family=\"sans-serif\" ",
                       W, H, W, H);
    if (font_size)
        parleyx_buf_printf(b, "font-size=\"%u\" ", font_size);
    parleyx_buf_printf(b, "class=\"%s\">\n<title>", cls);
    rp_text(b, title);
    parleyx_buf_puts(b, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
}

/* ---------------------------------------------------------- the chart */

typedef struct ch_pt2 {
    double x, y;
} ch_pt2;

/* Descending x, then descending y. */
static int ch_pt2_cmp(const void *a, const void *b)
{
    const ch_pt2 *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? 1 : -1;
    if (p->y != q->y)
        return p->y < q->y ? 1 : -1;
    return 0;
}

/* The Pareto frontier of stakeholders x and y alone, as a line (drawn as
 * the two-stakeholder frontier is).
 * Every outcome that no other beats for both of them is the projection of
 * a point on the frontier of all stakeholders (one that beats it for the
 * pair and ties it elsewhere would be on that frontier too), so the
 * frontier's points are enough: sort by x descending and keep each point
 * whose y beats every y before it. */
static parley_status pair_frontier(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                   const rp_frame *f, size_t x, size_t y)
{
    size_t nf = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
    ch_pt2 *p = parleyx_calloc(sc->alloc, nf, sizeof *p);
    if (!p)
        return PARLEY_ERR_NOMEM;
    for (size_t k = 0; k < nf; k++) {
        const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_ALL, k);
        p[k].x = u[x];
        p[k].y = u[y];
    }
    if (nf > 1)
        qsort(p, nf, sizeof *p, ch_pt2_cmp);
    parleyx_buf_puts(b, "<polyline class=\"pair-frontier\" fill=\"none\" stroke=\"#e67e22\" "
                        "stroke-width=\"2\" points=\"");
    double best = -1.0;
    bool first = true;
    for (size_t k = 0; k < nf; k++) {
        if (!(p[k].y > best))
            continue;
        parleyx_buf_printf(b, "%s%.1f,%.1f", first ? "" : " ", px_x(f, p[k].x), px_y(f, p[k].y));
        best = p[k].y;
        first = false;
    }
    parleyx_buf_puts(b, "\"/>\n");
    parleyx_free(sc->alloc, p, (nf ? nf : 1) * sizeof *p);
    return PARLEY_OK;
}

void rp_frontier_line(px_buf *b, const parley_analysis *an, size_t x, size_t y, const rp_frame *f)
{
    size_t nf = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
    parleyx_buf_puts(b, "<polyline class=\"frontier\" fill=\"none\" stroke=\"#e67e22\" "
                        "stroke-width=\"2\" points=\"");
    for (size_t k = 0; k < nf; k++) {
        const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_ALL, k);
        parleyx_buf_printf(b, "%s%.1f,%.1f", k ? " " : "", px_x(f, u[x]), px_y(f, u[y]));
    }
    parleyx_buf_puts(b, "\"/>\n");
}

parley_status rp_begin(px_buf *b, const parley_allocator *a)
{
    parleyx_buf_init(b, a, 0);
    return parleyx_text_begin(b) ? PARLEY_OK : PARLEY_ERR_NOMEM;
}

/* The SVG opening, the title (the two stakeholders) and the axes. */
static void space_head(px_buf *b, const rp_frame *f, double W, double H, const char *xn,
                       const char *yn)
{
    char title[2 * PARLEY_MAX_NAME + 32];
    snprintf(title, sizeof title, "Utility space: %s and %s", xn, yn);
    rp_svg_open(b, W, H, 0, "utility-space", title);
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                       f->x0);
    rp_text(b, xn);
    parleyx_buf_puts(b, " and ");
    rp_text(b, yn);
    parleyx_buf_puts(b, "</text>\n");
    axes(b, f, xn, yn);
}

/* Dashed lines at the reservation values of parties px and py. */
static void reservation_lines(px_buf *b, const parley_scenario *sc, const rp_frame *f, size_t px,
                              size_t py)
{
    double rx = parley_party_reservation(sc, px), ry = parley_party_reservation(sc, py);
    parleyx_buf_puts(b, "<g class=\"reservation\" stroke=\"#c0392b\" stroke-dasharray=\"5,4\">\n");
    if (rx > 0 && rx <= 1)
        parleyx_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                           px_x(f, rx), f->y0, px_x(f, rx), f->y0 + f->h);
    if (ry > 0 && ry <= 1)
        parleyx_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
                           px_y(f, ry), f->x0 + f->w, px_y(f, ry));
    parleyx_buf_puts(b, "</g>\n");
}

/* The Pareto frontier over all outcomes: a line for two stakeholders;
 * for more, the frontier of all of them projected -- a cloud (a third of
 * the outcomes on Abu Dhabi), so it is drawn faint -- under the line of
 * the frontier of this pair alone.  Then the Pareto-optimal agreements. */
static parley_status frontiers(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                               const rp_frame *f, size_t x, size_t y)
{
    size_t nf = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
    if (parley_analysis_dims(an) == 2 && nf) {
        rp_frontier_line(b, an, x, y, f);
    } else if (nf) {
        parleyx_buf_puts(b, "<g class=\"frontier\" fill=\"#e67e22\" fill-opacity=\"0.35\">\n");
        for (size_t k = 0; k < nf && k < 2000; k++) {
            const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_ALL, k);
            parleyx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\"/>\n", px_x(f, u[x]),
                               px_y(f, u[y]));
        }
        parleyx_buf_puts(b, "</g>\n");
        /* (the pair's frontier comes from the whole frontier: not drawn
         * from a partial list, which would show a false line) */
        parley_status pst = parley_analysis_frontier_complete(an)
                                ? pair_frontier(b, sc, an, f, x, y) : PARLEY_OK;
        if (pst)
            return pst;
    }
    size_t na = parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS);
    parleyx_buf_puts(b, "<g class=\"agreement-frontier\" fill=\"#1e8449\" stroke=\"white\" "
                        "stroke-width=\"0.8\">\n");
    for (size_t k = 0; k < na && k < 2000; k++) {
        const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_AGREEMENTS, k);
        parleyx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\"/>\n", px_x(f, u[x]),
                           px_y(f, u[y]));
    }
    parleyx_buf_puts(b, "</g>\n");
    return PARLEY_OK;
}

/* The bargaining solutions at distinct points of the chart: pixel
 * position (tenths) and the label of every solution there, "KS =
 * egalitarian" when two coincide. */
typedef struct ch_mark {
    long x, y;
    char label[64];
} ch_mark;

static size_t solution_marks(const parley_analysis *an, const rp_frame *f, size_t x, size_t y,
                             ch_mark *m)
{
    size_t n = 0;
    for (size_t s = 0; s < RP_SOLUTIONS; s++) {
        const double *u;
        if (!parley_analysis_solution(an, rp_solutions[s].kind, &u, NULL))
            continue;
        long cx = lround(px_x(f, u[x]) * 10), cy = lround(px_y(f, u[y]) * 10);
        size_t k = 0;
        while (k < n && (m[k].x != cx || m[k].y != cy))
            k++;
        if (k == n) {
            m[n].x = cx;
            m[n].y = cy;
            m[n++].label[0] = '\0';
        }
        size_t len = strlen(m[k].label);
        snprintf(m[k].label + len, sizeof m[k].label - len, "%s%s", len ? " = " : "",
                 rp_solutions[s].label);
    }
    return n;
}

/* The bargaining solutions: a diamond at each, and labels placed so that
 * none overlaps another or a diamond, all inside the plot (labels.c). */
static void solutions(px_buf *b, const parley_analysis *an, const rp_frame *f, size_t x, size_t y)
{
    ch_mark m[RP_SOLUTIONS];
    size_t n = solution_marks(an, f, x, y, m);
    rp_labels L;
    rp_labels_init(&L, f->x0, f->y0, f->x0 + f->w, f->y0 + f->h);
    parleyx_buf_puts(b, "<g class=\"solutions\" font-size=\"11\">\n");
    for (size_t k = 0; k < n; k++) {
        double cx = (double)m[k].x / 10, cy = (double)m[k].y / 10;
        parleyx_buf_printf(b,
                           "<path class=\"solution-mark\" d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" "
                           "fill=\"black\" stroke=\"white\"/>\n",
                           cx, cy - 6);
        rp_labels_take(&L, (rp_box){cx - 6, cy - 6, cx + 6, cy + 6});
    }
    for (size_t k = 0; k < n; k++) {
        double cx = (double)m[k].x / 10, cy = (double)m[k].y / 10;
        rp_placed p;
        rp_labels_place(&L, cx, cy, 6, m[k].label, 11, true, &p);
        rp_label_emit(b, &p, cx, cy, RP_HALO " font-weight=\"bold\"", m[k].label);
    }
    parleyx_buf_puts(b, "</g>\n");
}

/* The legend's entries: a swatch (dot, faint dot, line, dashed line or
 * none) and its words. */
typedef enum { KEY_DOT, KEY_FAINT, KEY_LINE, KEY_DASHED, KEY_NOTE } ch_key_kind;
typedef struct ch_key {
    ch_key_kind kind;
    const char *colour, *text;
} ch_key;

#define CH_KEYS 7
#define CH_KEY_ROW 14.0 /* pixels between legend rows */

static size_t legend_keys(bool pair, const char *note, ch_key *k)
{
    size_t n = 0;
    k[n++] = (ch_key){KEY_DOT, "#c8c8c8", "no deal"};
    k[n++] = (ch_key){KEY_DOT, "#3b82c4", "acceptable"};
    k[n++] = (ch_key){KEY_LINE, "#e67e22", pair ? "Pareto frontier of the pair" : "Pareto frontier"};
    if (pair)
        k[n++] = (ch_key){KEY_FAINT, "#e67e22", "frontier of all, projected"};
    k[n++] = (ch_key){KEY_DOT, "#1e8449", "efficient deal"};
    k[n++] = (ch_key){KEY_DASHED, "#c0392b", "reservation"};
    k[n++] = (ch_key){KEY_NOTE, "#666", note};
    return n;
}

/* Lay the entries out in rows from x0 to at most `right`, the first row's
 * baseline at y: into b, or (b NULL) only to count the rows. */
static size_t legend_flow(px_buf *b, const ch_key *k, size_t n, double x0, double right, double y)
{
    size_t rows = 1;
    double xx = x0;
    for (size_t j = 0; j < n; j++) {
        double sw = k[j].kind == KEY_NOTE ? 0 : k[j].kind >= KEY_LINE ? 25 : 12;
        double w = sw + rp_text_width(k[j].text, 11, false);
        if (xx > x0 && xx + w > right) {
            rows++;
            xx = x0;
            y += CH_KEY_ROW;
        }
        if (b && k[j].kind <= KEY_FAINT)
            parleyx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"%s/>", xx + 4,
                               y - 4, k[j].colour,
                               k[j].kind == KEY_FAINT ? " fill-opacity=\"0.35\"" : "");
        else if (b && k[j].kind != KEY_NOTE)
            parleyx_buf_printf(b,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"%s\" %s/>",
                               xx, y - 4, xx + 20, y - 4, k[j].colour,
                               k[j].kind == KEY_LINE ? "stroke-width=\"2\""
                                                     : "stroke-dasharray=\"5,4\"");
        if (b) {
            parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", xx + sw, y,
                               k[j].kind == KEY_NOTE ? " fill=\"#666\"" : "");
            rp_text(b, k[j].text);
            parleyx_buf_puts(b, "</text>\n");
        }
        xx += w + 14;
    }
    return rows;
}

/* The legend under the plot, from the left of the picture in a panel
 * (narrow), from the plot's left edge otherwise. */
static void legend(px_buf *b, const rp_frame *f, double W, bool panel, bool pair, const char *note)
{
    ch_key k[CH_KEYS];
    size_t n = legend_keys(pair, note, k);
    parleyx_buf_puts(b, "<g class=\"legend\" font-size=\"11\">\n");
    legend_flow(b, k, n, panel ? 8 : f->x0, W - 8, f->y0 + f->h + 50);
    parleyx_buf_puts(b, "</g>\n");
}

/* The room under the plot: the axis' numbers and name, and the legend's
 * rows (measured with the longest note). */
static double bottom_margin(double x0, double W, bool panel, bool pair)
{
    ch_key k[CH_KEYS];
    size_t n = legend_keys(pair, "(density of a fixed sample of outcomes)", k);
    size_t rows = legend_flow(NULL, k, n, panel ? 8 : x0, W - 8, 0);
    double m = 50 + CH_KEY_ROW * (double)(rows - 1) + 8;
    return panel || m > 78 ? m : 78;
}

static parley_status utility_space(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                   size_t x, size_t y, const parley_chart_options *o, bool panel)
{
    size_t px = parley_analysis_dim_party(an, x), py = parley_analysis_dim_party(an, y);
    bool pair = parley_analysis_dims(an) > 2;
    double W = o->width, H = o->height;
    rp_frame f = {62, 34, W - 62 - 18, H - 34 - bottom_margin(62, W, panel, pair)};
    space_head(b, &f, W, H, parley_party_name(sc, px), parley_party_name(sc, py));
    char note[64] = "";
    parley_status st = cloud(b, sc, &f, px, py, o, panel, note, sizeof note);
    if (st)
        return st;
    reservation_lines(b, sc, &f, px, py);
    st = frontiers(b, sc, an, &f, x, y);
    if (st)
        return st;
    solutions(b, an, &f, x, y);
    char paren[80];
    snprintf(paren, sizeof paren, "(%s)", note);
    legend(b, &f, W, panel, pair, paren);
    parleyx_buf_puts(b, "</svg>\n");
    return PARLEY_OK;
}

parley_status rp_chart_utility(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                    size_t x, size_t y, const parley_chart_options *opt,
                                    bool panel)
{
    parley_chart_options o;
    opts_fill(opt, &o);
    if (panel) {
        o.width = o.width * 2 / 3;
        o.height = o.height * 2 / 3;
    }
    return utility_space(b, sc, an, x, y, &o, panel);
}

parley_status parley_chart_utility_space(const parley_scenario *sc, const parley_analysis *an,
                                         size_t x, size_t y, const parley_chart_options *opt,
                                         char **svg, size_t *len, parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!sc || !sc->final || !an)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a final scenario and its analysis are needed");
    return rp_pair_chart(sc, an, NULL, x, y, opt, svg, len, err);
}

parley_status rp_pair_chart(const parley_scenario *sc, const parley_analysis *an,
                            const parley_session_log *log, size_t x, size_t y,
                            const parley_chart_options *opt, char **svg, size_t *len,
                            parley_error *err)
{
    size_t dims = parley_analysis_dims(an);
    if (x >= dims || y >= dims || x == y)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "stakeholders %zu and %zu: give two different ones below %zu", x, y,
                            dims);
    px_buf b;
    parley_status st = rp_begin(&b, sc->alloc);
    if (!st)
        st = log ? rp_chart_session(&b, sc, an, log, x, y, opt)
                 : rp_chart_utility(&b, sc, an, x, y, opt, false);
    return rp_hand_over(&b, st, svg, len, err);
}

/* ------------------------------------------------------- the diagnosis */

#define DG_ROWH 20.0 /* row height */
#define DG_LEFT 260.0 /* the names end here, the bars start */

/* A row's name, right-aligned before DG_LEFT, without closing the text. */
static void dg_name_start(px_buf *b, double yy)
{
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", DG_LEFT - 8,
                       yy + 14);
}

/* Does conflict k have constraint c among its members? */
static bool dg_in_conflict(const parley_diagnosis *d, size_t k, size_t c)
{
    const size_t *m;
    size_t n = parley_diagnosis_conflict(d, k, &m);
    for (size_t j = 0; j < n; j++)
        if (m[j] == c)
            return true;
    return false;
}

/* The matrix of the first nf minimal conflicts (columns) over the
 * constraints in any of them (rows: row[c], SIZE_MAX when in none). */
static void dg_conflicts(px_buf *b, const parley_diagnosis *d, const size_t *row, size_t nc,
                         size_t nf, double top1)
{
    parleyx_buf_puts(b, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                        "Which red lines clash: each column is a minimal conflict</text>\n");
    for (size_t k = 0; k < nf; k++)
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
                           DG_LEFT + 14 + 26.0 * (double)k, top1 - 10, k + 1);
    for (size_t c = 0; c < nc; c++) {
        if (row[c] == SIZE_MAX)
            continue;
        double yy = top1 + (double)row[c] * DG_ROWH;
        dg_name_start(b, yy);
        rp_text(b, parley_diagnosis_constraint_name(d, c));
        parleyx_buf_printf(b, "</text>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#eee\"/>\n",
                           DG_LEFT, yy + 10, DG_LEFT + 26.0 * (double)nf, yy + 10);
        for (size_t k = 0; k < nf; k++)
            if (dg_in_conflict(d, k, c))
                parleyx_buf_printf(b,
                                   "<circle class=\"conflict-member\" cx=\"%.1f\" "
                                   "cy=\"%.1f\" r=\"6\" fill=\"#c0392b\"/>\n",
                                   DG_LEFT + 14 + 26.0 * (double)k, yy + 10);
    }
}

/* The first nr minimal relaxations, each with a bar of the deals it
 * opens (logarithmic, the largest filling barw). */
static void dg_relaxations(px_buf *b, const parley_diagnosis *d, size_t nr, double top2, double W)
{
    parleyx_buf_printf(b, "<text x=\"10\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">"
                          "What each minimal relaxation opens (deals)</text>\n",
                       top2 - 18);
    uint64_t mx = 1;
    for (size_t k = 0; k < nr; k++) {
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        uint64_t v = 0;
        if (an && parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &v) && v > mx)
            mx = v;
    }
    double barw = W - DG_LEFT - 80;
    for (size_t k = 0; k < nr; k++) {
        const size_t *m;
        size_t n = parley_diagnosis_relaxation(d, k, &m);
        double yy = top2 + (double)k * DG_ROWH;
        dg_name_start(b, yy);
        parleyx_buf_puts(b, "drop ");
        for (size_t j = 0; j < n; j++) {
            if (j)
                parleyx_buf_puts(b, " + ");
            rp_text(b, parley_diagnosis_constraint_name(d, m[j]));
        }
        parleyx_buf_puts(b, "</text>\n");
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        uint64_t v = 0;
        if (an && parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &v)) {
            double w = barw * log1p((double)v) / log1p((double)mx);
            parleyx_buf_printf(b,
                               "<rect class=\"relaxation\" x=\"%.1f\" y=\"%.1f\" "
                               "width=\"%.1f\" height=\"14\" fill=\"#3b82c4\"/>\n<text "
                               "x=\"%.1f\" y=\"%.1f\">%llu</text>\n",
                               DG_LEFT, yy + 3, w, DG_LEFT + w + 5, yy + 14,
                               (unsigned long long)v);
        }
    }
}

/* No deal: which red lines clash (the minimal conflicts, at most 40) and
 * what each minimal relaxation (at most 40) opens. */
static parley_status dg_no_deal(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d,
                                double W)
{
    size_t nc = parley_diagnosis_constraint_count(d);
    size_t nf = parley_diagnosis_conflict_count(d), nr = parley_diagnosis_relaxation_count(d);
    if (nf > 40)
        nf = 40;
    if (nr > 40)
        nr = 40;
    /* rows: constraints that appear in some conflict */
    size_t rows = 0;
    size_t *row = parleyx_calloc(sc->alloc, nc ? nc : 1, sizeof(size_t));
    if (!row)
        return PARLEY_ERR_NOMEM;
    for (size_t c = 0; c < nc; c++) {
        bool in = false;
        for (size_t k = 0; k < nf && !in; k++)
            in = dg_in_conflict(d, k, c);
        row[c] = in ? rows++ : SIZE_MAX;
    }
    double top1 = 48, h1 = (double)rows * DG_ROWH, top2 = top1 + h1 + 60;
    double H = top2 + (double)nr * DG_ROWH + 30;
    rp_svg_open(b, W, H, 12, "diagnosis", "Red-line diagnosis");
    dg_conflicts(b, d, row, nc, nf, top1);
    parleyx_free(sc->alloc, row, (nc ? nc : 1) * sizeof(size_t));
    dg_relaxations(b, d, nr, top2, W);
    parleyx_buf_puts(b, "</svg>\n");
    return PARLEY_OK;
}

/* Deals exist: the status of every constraint, with a bar of the deals
 * its removal adds. */
static void dg_deals(px_buf *b, const parley_diagnosis *d, double W)
{
    size_t nc = parley_diagnosis_constraint_count(d);
    double H = 48 + (double)nc * DG_ROWH + 40;
    rp_svg_open(b, W, H, 12, "diagnosis", "Red-line diagnosis");
    parleyx_buf_puts(b, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                        "Deals each red line or reservation value removes</text>\n");
    uint64_t mx = 1;
    for (size_t c = 0; c < nc; c++) {
        char added[48];
        parley_diagnosis_status(d, c, added, sizeof added);
        uint64_t v = strtoull(added, NULL, 10);
        if (v > mx)
            mx = v;
    }
    double barw = W - DG_LEFT - 160;
    for (size_t c = 0; c < nc; c++) {
        char added[48];
        parley_constraint_status s = parley_diagnosis_status(d, c, added, sizeof added);
        uint64_t v = strtoull(added, NULL, 10);
        double yy = 40 + (double)c * DG_ROWH;
        const char *col = s == PARLEY_STATUS_BINDING       ? "#c0392b"
                          : s == PARLEY_STATUS_RESTRICTING ? "#e67e22"
                                                           : "#a0a0a0";
        dg_name_start(b, yy);
        rp_text(b, parley_diagnosis_constraint_name(d, c));
        double w = v ? barw * log1p((double)v) / log1p((double)mx) : 0;
        parleyx_buf_printf(b,
                           "</text>\n<rect class=\"status\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"14\" fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\">%s %s"
                           "</text>\n",
                           DG_LEFT, yy + 3, w, col, DG_LEFT + w + 5, yy + 14,
                           parley_constraint_status_name(s), added);
    }
    parleyx_buf_puts(b, "</svg>\n");
}

static parley_status diagnosis(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d,
                               const parley_chart_options *o)
{
    double W = o->width + 140;
    if (!parley_diagnosis_deal_exists(d))
        return dg_no_deal(b, sc, d, W);
    dg_deals(b, d, W);
    return PARLEY_OK;
}

parley_status rp_chart_diagnosis(px_buf *b, const parley_scenario *sc,
                                      const parley_diagnosis *d, const parley_chart_options *opt)
{
    parley_chart_options o;
    opts_fill(opt, &o);
    return diagnosis(b, sc, d, &o);
}

parley_status parley_chart_diagnosis(const parley_scenario *sc, const parley_diagnosis *d,
                                     const parley_chart_options *opt, char **svg, size_t *len,
                                     parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!sc || !d)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "a scenario and its diagnosis are needed");
    px_buf b;
    parley_status st = rp_begin(&b, sc->alloc);
    if (!st)
        st = rp_chart_diagnosis(&b, sc, d, opt);
    return rp_hand_over(&b, st, svg, len, err);
}
