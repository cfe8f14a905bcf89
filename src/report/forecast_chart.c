/*
 * forecast_chart.c -- a forecast drawn: every actor's position, state by
 * state, one panel per dimension (at most four), on the dimension's own
 * scale; the forecast marked at the last state.  Lines are thin and
 * translucent so that 160 actors stay readable; with 12 actors or fewer
 * each is named in the margin at the height of its last position, the
 * names spread apart so that none overlaps another (leader lines to the
 * positions of those moved).  Ticks on both axes: five on the scale, at
 * most ten on the states.  Same input, same bytes.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_MAX_PANELS 4

static const char *FC_COLOURS[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
                                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e"};

/* One panel's geometry: the plot (x0, y0, w, h) and the scale lo..hi. */
typedef struct fc_panel {
    double x0, y0, w, h, lo, hi;
} fc_panel;

static double fc_y(const fc_panel *p, double v)
{
    return p->y0 + p->h - p->h * (v - p->lo) / (p->hi - p->lo);
}

/* The step between state ticks: 1, 2 or 5 times a power of ten, so that
 * there are at most ten. */
static size_t fc_state_step(size_t ns)
{
    size_t step = 1;
    for (size_t m = 1;; m *= 10)
        for (size_t k = 0; k < 3; k++) {
            step = m * (size_t[]){1, 2, 5}[k];
            if ((ns - 1) / step < 10)
                return step;
        }
}

/* The frame, the dimension's name, the state axis with a tick per step
 * and the scale with five ticks and light grid lines. */
static void fc_axes(px_buf *b, const fc_panel *p, const char *name, size_t ns)
{
    parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                       p->x0);
    rp_text(b, name);
    parleyx_buf_puts(b, "</text>\n<g class=\"ticks\" stroke=\"#888\">\n");
    for (int t = 0; t <= 4; t++) {
        double yy = p->y0 + p->h - p->h * t / 4.0;
        parleyx_buf_printf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                           p->x0, yy, p->x0 + p->w, yy, p->x0 - 4, yy, p->x0, yy);
    }
    size_t step = fc_state_step(ns);
    for (size_t s = 0; s < ns; s += step) {
        double xx = p->x0 + (ns > 1 ? p->w * (double)s / (double)(ns - 1) : p->w / 2);
        parleyx_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", xx,
                           p->y0 + p->h, xx, p->y0 + p->h + 4);
    }
    parleyx_buf_puts(b, "</g>\n");
    for (int t = 0; t <= 4; t++)
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n",
                           p->x0 - 6, p->y0 + p->h - p->h * t / 4.0 + 4,
                           p->lo + (p->hi - p->lo) * t / 4.0);
    for (size_t s = 0; s < ns; s += step)
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
                           p->x0 + (ns > 1 ? p->w * (double)s / (double)(ns - 1) : p->w / 2),
                           p->y0 + p->h + 15, s);
    parleyx_buf_printf(b,
                       "<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n<text x=\"%.1f\" "
                       "y=\"%.1f\" text-anchor=\"middle\">state (0 = input, %zu in all)</text>\n",
                       p->x0, p->y0, p->w, p->h, p->x0 + p->w / 2, p->y0 + p->h + 32, ns);
}

#define FC_MAX_LABELS 12
#define FC_LABEL_FS 9.0
#define FC_MARGIN 84.0 /* right of the plot: the actors' names */

typedef struct fc_label {
    double at, c; /* the last position's y; the label's centre */
    size_t actor;
} fc_label;

static int fc_label_cmp(const void *a, const void *b)
{
    const fc_label *p = a, *q = b;
    if (p->at != q->at)
        return p->at < q->at ? -1 : 1;
    return p->actor < q->actor ? -1 : p->actor > q->actor;
}

/* The actors' names in the margin right of the plot, each at the height
 * of its last position, spread apart (top down, then bottom up) so that
 * no two overlap, with a leader line to the position when moved; names
 * too long for the margin are cut short with an ellipsis. */
static void fc_actor_labels(px_buf *b, const parley_forecast_input *in,
                            const parley_forecast_result *r, const fc_panel *p, size_t d)
{
    size_t ns = parley_forecast_result_states(r), na = parley_forecast_result_actors(r);
    fc_label lb[FC_MAX_LABELS];
    for (size_t a = 0; a < na; a++)
        lb[a] = (fc_label){fc_y(p, parley_forecast_result_position(r, ns - 1, a, d)), 0, a};
    qsort(lb, na, sizeof *lb, fc_label_cmp);
    double step = 1.3 * FC_LABEL_FS + RP_LABEL_GAP + 0.5, top = p->y0 - 8 + 0.65 * FC_LABEL_FS;
    double bottom = p->y0 + p->h + 8 - 0.65 * FC_LABEL_FS;
    for (size_t k = 0; k < na; k++)
        lb[k].c = fmax(fmax(lb[k].at, top), k ? lb[k - 1].c + step : top);
    for (size_t k = na; k-- > 0;)
        lb[k].c = fmin(lb[k].c, k + 1 < na ? lb[k + 1].c - step : bottom);
    double lx = p->x0 + p->w + 10;
    for (size_t k = 0; k < na; k++) {
        const char *col = FC_COLOURS[lb[k].actor % 10];
        char name[PARLEY_MAX_NAME + 8];
        snprintf(name, sizeof name, "%s", parley_forecast_actor_name(in, lb[k].actor));
        for (size_t n = strlen(name); n > 1 && rp_text_width(name, FC_LABEL_FS, false) >
                                                    FC_MARGIN - 14;) {
            while (n > 1 && (name[n - 1] & 0xC0) == 0x80) /* whole UTF-8 characters */
                n--;
            memcpy(name + --n, "\xe2\x80\xa6", 4); /* ... */
        }
        if (fabs(lb[k].c - lb[k].at) > 1)
            parleyx_buf_printf(b,
                               "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                               "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"0.6\"/>\n",
                               p->x0 + p->w, lb[k].at, lx - 2, lb[k].c, col);
        parleyx_buf_printf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                              "font-size=\"%.0f\">",
                           lx, lb[k].c + 0.35 * FC_LABEL_FS, col, FC_LABEL_FS);
        rp_text(b, name);
        parleyx_buf_puts(b, "</text>\n");
    }
}

/* Panel d: the axes, every actor's line, the names (at most
 * FC_MAX_LABELS actors), the forecast. */
static void fc_draw_panel(px_buf *b, const parley_forecast_input *in,
                          const parley_forecast_result *r, size_t d, double pw, double ph)
{
    size_t ns = parley_forecast_result_states(r), na = parley_forecast_result_actors(r);
    fc_panel p = {(double)d * pw + 56, 34, pw - 56 - FC_MARGIN, ph - 34 - 48, 0, 0};
    parley_forecast_dim_range(in, d, &p.lo, &p.hi);
    if (!(p.hi > p.lo)) {
        p.lo -= 1;
        p.hi += 1;
    }
    fc_axes(b, &p, parley_forecast_dim_name(in, d), ns);
    for (size_t a = 0; a < na; a++) {
        parleyx_buf_printf(b, "<polyline class=\"actor\" fill=\"none\" stroke=\"%s\" "
                              "stroke-opacity=\"%.2f\" stroke-width=\"1.4\" points=\"",
                           FC_COLOURS[a % 10], na > 40 ? 0.35 : 0.85);
        for (size_t s = 0; s < ns; s++) {
            double xx = p.x0 + (ns > 1 ? p.w * (double)s / (double)(ns - 1) : p.w / 2);
            parleyx_buf_printf(b, "%s%.1f,%.1f", s ? " " : "", xx,
                               fc_y(&p, parley_forecast_result_position(r, s, a, d)));
        }
        parleyx_buf_puts(b, "\"/>\n");
    }
    if (na <= FC_MAX_LABELS)
        fc_actor_labels(b, in, r, &p, d);
    double f = parley_forecast_result_forecast(r, d);
    if (isfinite(f))
        parleyx_buf_printf(b,
                           "<path class=\"forecast-mark\" d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" "
                           "fill=\"black\"/>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                           "font-weight=\"bold\" " RP_HALO ">forecast %.4g</text>\n",
                           p.x0 + p.w, fc_y(&p, f) - 7, p.x0 + p.w - 10, fc_y(&p, f) - 10, f);
}

parley_status parley_chart_forecast(const parley_forecast_input *in,
                                    const parley_forecast_result *r,
                                    const parley_chart_options *opt, char **svg, size_t *len,
                                    parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!in || !r)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "a forecast input and its result are needed");
    size_t nd = parley_forecast_result_dims(r), np = nd < FC_MAX_PANELS ? nd : FC_MAX_PANELS;
    double pw = opt && opt->width ? opt->width : 560, ph = opt && opt->height ? opt->height : 420;
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    bool ok = parleyx_text_begin(&b);
    rp_svg_open(&b, (double)np * pw, ph, 11, "forecast", "Forecast: positions by state");
    for (size_t d = 0; d < np; d++)
        fc_draw_panel(&b, in, r, d, pw, ph);
    parleyx_buf_puts(&b, "</svg>\n");
    return rp_hand_over(&b, ok ? PARLEY_OK : PARLEY_ERR_NOMEM, svg, len, err);
}
