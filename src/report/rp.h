/*
 * rp.h -- what the report layer's files share (charts.c, report.c,
 * session_chart.c, forecast_chart.c, tournament_chart.c).  Not installed.
 */
#ifndef PARLEY_RP_H
#define PARLEY_RP_H

#include "model/model.h"

/* A plot area in pixels: utility u is drawn at x0 + u * w across and
 * y0 + (1 - u) * h down. */
typedef struct rp_frame {
    double x0, y0, w, h;
} rp_frame;

/* The four bargaining solutions in the order every chart and table lists
 * them: label in charts, title in the report's table (HTML). */
#define RP_SOLUTIONS 4
typedef struct rp_solution {
    parley_solution_kind kind;
    const char *label, *title;
} rp_solution;
extern const rp_solution rp_solutions[RP_SOLUTIONS];

/* Begin a text in b (parleyx_text_begin) with allocator a: PARLEY_OK or
 * PARLEY_ERR_NOMEM; either way rp_hand_over ends it. */
parley_status rp_begin(px_buf *b, const parley_allocator *a);
/* The Pareto frontier over all outcomes of dimensions x and y, as one
 * orange polyline in frame f. */
void rp_frontier_line(px_buf *b, const parley_analysis *an, size_t x, size_t y, const rp_frame *f);

/* Hand a text built in b (begun with parleyx_text_begin) to the caller as
 * *out (freed with parley_text_free), unless st already failed or the
 * buffer ran out of memory: then b is freed, *out stays NULL and the
 * status is returned with a message.  The ending of every public chart
 * and report function. */
parley_status rp_hand_over(px_buf *b, parley_status st, char **out, size_t *len,
                           parley_error *err);

/* Escape text for SVG/HTML (&, <, >, ") into b. */
void rp_text(px_buf *b, const char *s);
/* The opening of every chart: <svg> of W x H (font_size 0: none) with
 * class cls, its <title> (escaped) and a white background. */
void rp_svg_open(px_buf *b, double W, double H, unsigned font_size, const char *cls,
                 const char *title);
/* Append one chart to b: the utility space of dimensions x and y (panel:
 * two-thirds size, no legend), or the diagnosis. */
parley_status rp_chart_utility(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                               size_t x, size_t y, const parley_chart_options *opt, bool panel);
parley_status rp_chart_diagnosis(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d,
                                 const parley_chart_options *opt);

parley_status rp_chart_session(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                               const parley_session_log *log, size_t x, size_t y,
                               const parley_chart_options *opt);

/* The public charts of two dimensions x and y, after their own argument
 * checks: PARLEY_ERR_ARG unless x and y are two different dimensions of
 * an; else the utility space (log NULL) or the session chart, handed to
 * the caller as *svg (parley_text_free). */
parley_status rp_pair_chart(const parley_scenario *sc, const parley_analysis *an,
                            const parley_session_log *log, size_t x, size_t y,
                            const parley_chart_options *opt, char **svg, size_t *len,
                            parley_error *err);

#endif
