/*
 * rp.h -- what the report layer's files share (charts.c, report.c,
 * session_chart.c, forecast_chart.c, tournament_chart.c, parallel_chart.c).
 * Not installed.
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
 * two-thirds size, its legend in rows), or the diagnosis. */
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

/* ------------------------------------------------ parallel_chart.c */

/* The frontier points a parallel-coordinates chart draws at most (more
 * listed: a uniform sample of this many). */
#define RP_PARALLEL_SAMPLE 200
/* k distinct indices out of 0..n-1 (k <= n), every k-subset equally
 * likely, ascending, into out (k entries); the same seed gives the same
 * indices. */
void rp_sample(size_t n, size_t k, uint64_t seed, size_t *out);
/* Append the parallel-coordinates chart of an (two or more dimensions):
 * the frontier's points (sampled with seed beyond RP_PARALLEL_SAMPLE),
 * the four solutions, the reservation values. */
parley_status rp_chart_parallel(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                const parley_chart_options *opt, uint64_t seed);

/* ---------------------------------------------------------- labels.c */

/* A box in pixels, left-top (x0, y0) to right-bottom (x1, y1). */
typedef struct rp_box {
    double x0, y0, x1, y1;
} rp_box;

/* A white halo under a label's letters, so that it reads over points. */
#define RP_HALO "stroke=\"white\" stroke-width=\"3\" stroke-opacity=\"0.85\" paint-order=\"stroke\""

/* Pixels kept clear between a label and any other box. */
#define RP_LABEL_GAP 2.0
#define RP_MAX_TAKEN 96

/* The estimated width of text s at font size fs (an upper bound for the
 * common sans-serif fonts; labels.c says how), and the box of such a text
 * drawn at (x, y) with text-anchor start (anchor < 0), middle (0) or end
 * (> 0): from 1.0 fs above the baseline to 0.3 fs below. */
double rp_text_width(const char *s, double fs, bool bold);
rp_box rp_text_box(double x, double y, const char *s, double fs, bool bold, int anchor);
/* Do a and b come closer than gap? */
bool rp_box_overlap(const rp_box *a, const rp_box *b, double gap);

/* Labels being placed in one area: the boxes taken so far (labels and
 * markers, at most RP_MAX_TAKEN; more are not remembered). */
typedef struct rp_labels {
    rp_box area;
    rp_box taken[RP_MAX_TAKEN];
    size_t n;
} rp_labels;

/* Where a label went: its box, its baseline start (x, y) for
 * text-anchor start, and a leader line to (lx, ly) when it was moved
 * away from its anchor. */
typedef struct rp_placed {
    rp_box box;
    double x, y, lx, ly;
    bool leader;
} rp_placed;

void rp_labels_init(rp_labels *L, double x0, double y0, double x1, double y1);
/* Mark b as taken (a marker, a legend, a label placed elsewhere). */
void rp_labels_take(rp_labels *L, rp_box b);
/* Place text s (font size fs) for the anchor (ax, ay), a marker of
 * radius r, at the first free spot near it (labels.c); takes the box.
 * False when the area has no free spot left: the label then overlaps. */
bool rp_labels_place(rp_labels *L, double ax, double ay, double r, const char *s, double fs,
                     bool bold, rp_placed *out);
/* Write a placed label: its leader line if any, then <text class="label"
 * x y ATTRS>text</text> (text escaped). */
void rp_label_emit(px_buf *b, const rp_placed *p, double ax, double ay, const char *attrs,
                   const char *text);

/* ---------------------------------------------------- robust_chart.c */

/* The report's robustness section (scenarios with uncertainty): P(deal),
 * the exact sets, the most robust deals, the tornado. */
parley_status rp_robust_section(px_buf *b, const parley_scenario *sc,
                                const parley_report_options *o);
/* The tornado alone (parley_report_charts: tornado.svg). */
parley_status rp_robust_chart(px_buf *b, const parley_scenario *sc, const parley_report_options *o,
                              parley_error *err);

/* The report's strategic-stability section (stability_chart.c): for the
 * native file source with a `stability:` section; a note when it has none. */
parley_status rp_stability_section(px_buf *b, const parley_scenario *sc, const char *source,
                                   unsigned threads);

#endif
