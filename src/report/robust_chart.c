/*
 * robust_chart.c -- the robustness section of the report and its tornado
 * chart (docs/robust.md, docs/report.md), for scenarios with uncertain
 * numbers or red-line beliefs.
 *
 * The tornado: one row per uncertain input, largest swing first (the
 * order of parley_robust_sensitivity); a vertical line at P(deal) with
 * every input drawn, and from it a bar to P(deal) with the input at its
 * low end (blue) and one to its high end (orange; for a red line: dropped
 * and held).  The axis runs from 0% to 100%.  Same result, same bytes.
 *
 * The section runs parley_robust_run with RP_ROBUST_SAMPLES worlds and
 * seed 1 (the report says so), the tornado included.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RP_ROBUST_SAMPLES 2000u

static void rb_pct(px_buf *b, double p)
{
    if (isnan(p))
        parleyx_buf_puts(b, "&ndash;");
    else
        parleyx_buf_printf(b, "%.1f%%", 100 * p);
}

static void rb_tornado(px_buf *b, const parley_scenario *sc, const parley_robust *r,
                       const parley_chart_options *opt)
{
    size_t n = parley_robust_sensitivity_count(r);
    char nm[2 * PARLEY_MAX_NAME + 64];
    double names = 60; /* the widest input name */
    for (size_t k = 0; k < n; k++) {
        parley_input in;
        parley_robust_sensitivity(r, k, &in, NULL, NULL);
        double tw = rp_text_width(parley_input_name(sc, &in, nm, sizeof nm), 11, false);
        if (tw > names)
            names = tw;
    }
    double w = opt && opt->width ? opt->width - 300 : 300, rowh = 20;
    if (w < 200)
        w = 200;
    double left = names + 16, right = 30, top = 48, W = left + w + right;
    double H = top + (double)n * rowh + 40;
    double base = parley_robust_deal_probability(r, NULL, NULL);
    rp_svg_open(b, W, H, 11, "tornado", "What matters most: P(deal) with each input at its ends");
    parleyx_buf_printf(b,
                       "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">What "
                       "matters most: P(deal) with each input at its ends</text>\n"
                       "<text x=\"10\" y=\"36\" fill=\"#666\">blue: low end (a red line "
                       "dropped); orange: high end (held); line: all drawn</text>\n");
    for (int k = 0; k <= 4; k++) {
        double x = left + w * k / 4;
        parleyx_buf_printf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"#eee\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\">%d%%</text>\n",
                           x, top - 4, x, top + (double)n * rowh, x, top + (double)n * rowh + 14,
                           25 * k);
    }
    for (size_t k = 0; k < n; k++) {
        parley_input in;
        double lo, hi;
        parley_robust_sensitivity(r, k, &in, &lo, &hi);
        double y = top + (double)k * rowh;
        parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 6,
                           y + 14);
        rp_text(b, parley_input_name(sc, &in, nm, sizeof nm));
        parleyx_buf_puts(b, "</text>\n");
        double xb = left + w * base, xl = left + w * lo, xh = left + w * hi;
        parleyx_buf_printf(b,
                           "<rect class=\"low\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"7\" fill=\"#3b82c4\"/>\n<rect class=\"high\" x=\"%.1f\" "
                           "y=\"%.1f\" width=\"%.1f\" height=\"7\" fill=\"#e67e22\"/>\n",
                           xl < xb ? xl : xb, y + 3, fabs(xl - xb), xh < xb ? xh : xb, y + 10,
                           fabs(xh - xb));
    }
    parleyx_buf_printf(b,
                       "<line class=\"base\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#222\" stroke-width=\"1.5\"/>\n</svg>\n",
                       left + w * base, top - 4, left + w * base, top + (double)n * rowh);
}

static parley_status rb_run(const parley_scenario *sc, unsigned threads, parley_robust **r,
                            parley_error *e)
{
    parley_robust_options ro;
    parley_robust_options_init(&ro);
    ro.samples = RP_ROBUST_SAMPLES;
    ro.seed = 1;
    ro.threads = threads;
    ro.top = 5;
    ro.sensitivity = true;
    return parley_robust_run(sc, &ro, r, e);
}

parley_status rp_robust_section(px_buf *b, const parley_scenario *sc,
                                const parley_report_options *o)
{
    parley_robust *r = NULL;
    parley_error e;
    parley_error_clear(&e);
    parley_status st = rb_run(sc, o->threads, &r, &e);
    if (st == PARLEY_ERR_NOMEM)
        return st;
    parleyx_buf_puts(b, "<section id=\"robustness\">\n<h2>Robustness</h2>\n");
    if (st) {
        parleyx_buf_puts(b, "<p class=\"muted\">Not computed: ");
        rp_text(b, e.message);
        parleyx_buf_puts(b, "</p>\n</section>\n");
        return PARLEY_OK;
    }
    char lab[PARLEY_MAX_NAME + 1];
    double lo, hi, p = parley_robust_deal_probability(r, &lo, &hi);
    parleyx_buf_printf(b, "<p>The scenario holds %zu uncertain numbers and red-line beliefs; the "
                          "sections above use its nominal world. Over %u sampled worlds (seed 1, "
                          "<code>parley robust</code>), a deal exists with probability ",
                       parley_uncertain_count(sc), RP_ROBUST_SAMPLES);
    rb_pct(b, p);
    parleyx_buf_puts(b, " (95% interval ");
    rb_pct(b, lo);
    parleyx_buf_puts(b, " to ");
    rb_pct(b, hi);
    parleyx_buf_puts(b, ").</p>\n<p>");
    for (int which = 0; which < 2; which++) {
        uint64_t c;
        const char *why;
        parleyx_buf_puts(b, which ? " Possible deals (acceptable in some world): "
                                  : "Robust deals (acceptable in every world): ");
        if (parley_robust_exact(r, which, &c, &why))
            parleyx_buf_printf(b, "%llu.", (unsigned long long)c);
        else {
            parleyx_buf_puts(b, "not computed exactly (");
            rp_text(b, why);
            parleyx_buf_puts(b, ").");
        }
    }
    parleyx_buf_puts(b, "</p>\n");
    size_t n = parley_robust_outcome_count(r), ni = parley_issue_count(sc);
    if (n) {
        parleyx_buf_puts(b, "<table>\n<tr><th>P(acceptable)</th>");
        for (size_t i = 0; i < ni; i++) {
            parleyx_buf_puts(b, "<th>");
            rp_text(b, parley_issue_name(sc, i));
            parleyx_buf_puts(b, "</th>");
        }
        parleyx_buf_puts(b, "</tr>\n");
        for (size_t k = 0; k < n; k++) {
            double pk;
            const uint32_t *oc = parley_robust_outcome(r, k, &pk, NULL);
            parleyx_buf_puts(b, "<tr><td class=\"num\">");
            rb_pct(b, pk);
            parleyx_buf_puts(b, "</td>");
            for (size_t i = 0; i < ni; i++) {
                parleyx_buf_puts(b, "<td>");
                rp_text(b, parley_issue_value_label(sc, i, oc[i], lab, sizeof lab));
                parleyx_buf_puts(b, "</td>");
            }
            parleyx_buf_puts(b, "</tr>\n");
        }
        parleyx_buf_puts(b, "</table>\n<p class=\"muted\">The most robust deals: the outcomes "
                            "most often acceptable to every negotiator and ratifier.</p>\n");
    }
    if (parley_robust_sensitivity_count(r)) {
        parleyx_buf_puts(b, "<div class=\"charts\">\n");
        rb_tornado(b, sc, r, &o->chart);
        parleyx_buf_puts(b, "</div>\n");
    }
    parleyx_buf_puts(b, "</section>\n");
    parley_robust_free(r);
    return PARLEY_OK;
}

parley_status rp_robust_chart(px_buf *b, const parley_scenario *sc, const parley_report_options *o,
                              parley_error *err)
{
    parley_robust *r = NULL;
    parley_status st = rb_run(sc, o->threads, &r, err);
    if (st)
        return st;
    rb_tornado(b, sc, r, &o->chart);
    parley_robust_free(r);
    return PARLEY_OK;
}
