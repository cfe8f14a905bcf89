/*
 * tournament_chart.c -- a tournament's rankings drawn: one panel per
 * measure (own utility, welfare, agreement rate, distance to the Pareto
 * frontier, distance to the Nash deal, rounds), strategies best first,
 * each a dot at its mean with its 95% confidence interval as a bar.
 * Axes start at 0 and end at the largest mean + interval of the panel.
 * Same ranking, same bytes.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *TN_TITLES[PARLEY_MEASURE_COUNT] = {
    "own utility", "social welfare", "agreement rate",
    "distance to the Pareto frontier", "distance to the Nash deal", "rounds used"};

parley_status parley_chart_tournament(const parley_tournament_ranking *r,
                                      const parley_chart_options *opt, char **svg, size_t *len,
                                      parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!r)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "a ranking is needed");
    size_t ns = parley_tournament_ranking_strategies(r);
    double pw = opt && opt->width ? opt->width : 460;
    double rowh = 18, ph = 50 + (double)ns * rowh + 30;
    double W = 2 * pw, H = 3 * ph;
    size_t order[PARLEY_MAX_PARTIES];
    if (ns > PARLEY_MAX_PARTIES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "too many strategies to draw");
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    bool ok = parleyx_text_begin(&b);
    rp_svg_open(&b, W, H, 11, "tournament", "Tournament rankings");
    for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
        double x0 = (m % 2) * pw, y0 = (m / 2) * ph;
        double left = x0 + 170, w = pw - 170 - 30, top = y0 + 44;
        parley_tournament_ranking_order(r, (parley_tournament_measure)m, order);
        double mx = 0;
        for (size_t k = 0; k < ns; k++) {
            parley_tournament_stat st = parley_tournament_ranking_stat(r, k, (parley_tournament_measure)m);
            if (st.n && isfinite(st.mean) && st.mean + st.ci > mx)
                mx = st.mean + st.ci;
        }
        if (!(mx > 0))
            mx = 1;
        parleyx_buf_printf(&b,
                           "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">%s "
                           "(%s is better)</text>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"#888\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\">0</text><text x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\">%.3g</text>\n",
                           x0 + 10, y0 + 22, TN_TITLES[m],
                           parley_tournament_measure_higher_better((parley_tournament_measure)m)
                               ? "higher"
                               : "lower",
                           left, top - 6, left + w, top - 6, left, top - 10, left + w, top - 10,
                           mx);
        for (size_t k = 0; k < ns; k++) {
            size_t sidx = order[k];
            parley_tournament_stat st =
                parley_tournament_ranking_stat(r, sidx, (parley_tournament_measure)m);
            double yy = top + (double)k * rowh + 9;
            parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%zu. ", left - 8,
                               yy + 4, k + 1);
            rp_text(&b, parley_tournament_ranking_name(r, sidx));
            parleyx_buf_puts(&b, "</text>\n");
            if (!st.n || !isfinite(st.mean))
                continue;
            double lo = st.mean - st.ci, hi = st.mean + st.ci;
            if (lo < 0)
                lo = 0;
            parleyx_buf_printf(&b,
                               "<line class=\"ci\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"#3b82c4\" stroke-width=\"3\" stroke-opacity=\"0.5\"/>\n"
                               "<circle class=\"mean\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
                               "fill=\"#1f4e79\"/>\n",
                               left + w * lo / mx, yy, left + w * hi / mx, yy,
                               left + w * st.mean / mx, yy);
        }
    }
    parleyx_buf_puts(&b, "</svg>\n");
    return rp_hand_over(&b, ok ? PARLEY_OK : PARLEY_ERR_NOMEM, svg, len, err);
}
