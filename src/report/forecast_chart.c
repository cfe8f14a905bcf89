/*
 * forecast_chart.c -- a forecast drawn: every actor's position, state by
 * state, one panel per dimension (at most four), on the dimension's own
 * scale; the forecast marked at the last state.  Lines are thin and
 * translucent so that 160 actors stay readable; with 12 actors or fewer
 * each is labelled at its last position.  Same input, same bytes.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FC_MAX_PANELS 4

static const char *FC_COLOURS[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
                                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e"};

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
    size_t ns = parley_forecast_result_states(r), na = parley_forecast_result_actors(r);
    size_t nd = parley_forecast_result_dims(r), np = nd < FC_MAX_PANELS ? nd : FC_MAX_PANELS;
    double pw = opt && opt->width ? opt->width : 560, ph = opt && opt->height ? opt->height : 420;
    double W = (double)np * pw, H = ph;
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    bool ok = parleyx_text_begin(&b);
    rp_svg_open(&b, W, H, 11, "forecast", "Forecast: positions by state");
    for (size_t d = 0; d < np; d++) {
        double x0 = (double)d * pw + 56, y0 = 34, w = pw - 56 - 70, h = ph - 34 - 48;
        double lo, hi;
        parley_forecast_dim_range(in, d, &lo, &hi);
        if (!(hi > lo)) {
            lo -= 1;
            hi += 1;
        }
        parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                           x0);
        rp_text(&b, parley_forecast_dim_name(in, d));
        parleyx_buf_printf(&b,
                           "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"none\" stroke=\"#888\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\">state (0 = input, %zu in all)</text>\n",
                           x0, y0, w, h, x0 + w / 2, y0 + h + 32, ns);
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4.0;
            parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n",
                               x0 - 5, y0 + h - h * t / 4.0 + 4, v);
        }
        for (size_t a = 0; a < na; a++) {
            const char *col = FC_COLOURS[a % 10];
            parleyx_buf_printf(&b, "<polyline class=\"actor\" fill=\"none\" stroke=\"%s\" "
                                   "stroke-opacity=\"%.2f\" stroke-width=\"1.4\" points=\"",
                               col, na > 40 ? 0.35 : 0.85);
            for (size_t s = 0; s < ns; s++) {
                double v = parley_forecast_result_position(r, s, a, d);
                double xx = x0 + (ns > 1 ? w * (double)s / (double)(ns - 1) : w / 2);
                parleyx_buf_printf(&b, "%s%.1f,%.1f", s ? " " : "", xx,
                                   y0 + h - h * (v - lo) / (hi - lo));
            }
            parleyx_buf_puts(&b, "\"/>\n");
            if (na <= 12) {
                double v = parley_forecast_result_position(r, ns - 1, a, d);
                parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"9\">",
                                   x0 + w + 4, y0 + h - h * (v - lo) / (hi - lo) + 3, col);
                rp_text(&b, parley_forecast_actor_name(in, a));
                parleyx_buf_puts(&b, "</text>\n");
            }
        }
        double f = parley_forecast_result_forecast(r, d);
        if (isfinite(f))
            parleyx_buf_printf(&b,
                               "<path class=\"forecast-mark\" d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" "
                               "fill=\"black\"/>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                               "font-weight=\"bold\">forecast %.4g</text>\n",
                               x0 + w, y0 + h - h * (f - lo) / (hi - lo) - 7, x0 + w - 10,
                               y0 + h - h * (f - lo) / (hi - lo) - 10, f);
    }
    parleyx_buf_puts(&b, "</svg>\n");
    return rp_hand_over(&b, ok ? PARLEY_OK : PARLEY_ERR_NOMEM, svg, len, err);
}
