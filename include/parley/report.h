/*
 * parley/report.h -- charts (SVG written by parley itself) and the
 * self-contained HTML report (`parley report`).  Included by parley.h.
 *
 * Every function returns text the caller frees with parley_text_free.
 * The output depends only on the inputs: the same scenario gives the same
 * bytes (density drawings of large spaces sample outcomes with a fixed
 * seed).  docs/report.md describes what each chart shows.
 */
#ifndef PARLEY_REPORT_H
#define PARLEY_REPORT_H

#include "parley/analysis.h" /* parley_progress_fn */
#include "parley/core.h"
#include "parley/negotiation.h"
#include "parley/forecast.h"
#include "parley/tournament.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_chart_options {
    unsigned width, height; /* pixels; 0: 560 x 480 */
    size_t max_points;      /* outcomes drawn one by one at most (beyond:
                               a density drawing); 0: 5000 */
    uint64_t max_scan;      /* outcomes scanned for a density drawing
                               (beyond: a fixed-seed sample); 0: 20000000,
                               or 1000000 when a party has interaction
                               terms (each utility then costs ~1 us) */
} parley_chart_options;

/* The utility space of stakeholders x and y (dimensions of the analysis):
 * every outcome (or its density), the agreement set, the Pareto frontier,
 * the reservation values and the bargaining solutions, labelled. */
PARLEY_API parley_status parley_chart_utility_space(const parley_scenario *sc,
                                                    const parley_analysis *an, size_t x, size_t y,
                                                    const parley_chart_options *opt, char **svg,
                                                    size_t *len, parley_error *err);

/* Parallel coordinates (issue 21), for two or more stakeholders: one
 * vertical axis per stakeholder (utility 0 to 1), the agreement
 * frontier's listed points as thin lines (at most 200: beyond, a uniform
 * sample drawn with seed, so the same seed gives the same bytes), the
 * four bargaining solutions as bold lines (colour, dash pattern and name
 * each) and the reservation values.  *svg is the caller's
 * (parley_text_free); PARLEY_ERR_ARG with fewer than two stakeholders. */
PARLEY_API parley_status parley_chart_parallel(const parley_scenario *sc, const parley_analysis *an,
                                               const parley_chart_options *opt, uint64_t seed,
                                               char **svg, size_t *len, parley_error *err);

/* The red-line diagnosis: which constraints clash (a matrix of conflicts)
 * and what each relaxation opens (bars of deals), or, when deals exist,
 * the slack of each numeric limit. */
PARLEY_API parley_status parley_chart_diagnosis(const parley_scenario *sc,
                                                const parley_diagnosis *d,
                                                const parley_chart_options *opt, char **svg,
                                                size_t *len, parley_error *err);

/* A negotiation session, recorded for a chart: pass
 * parley_session_log_event as the session's trace function with the log
 * as its user data (parley_session_set_trace), then run the session.
 * The log copies what it needs from each event.  parley_session_log_new
 * returns NULL when out of memory; free with parley_session_log_free. */
typedef struct parley_session_log parley_session_log;
PARLEY_API parley_session_log *parley_session_log_new(const parley_scenario *sc);
PARLEY_API void parley_session_log_free(parley_session_log *log);
PARLEY_API void parley_session_log_event(void *log, const parley_trace_event *ev);
/* False when an event could not be recorded (out of memory). */
PARLEY_API bool parley_session_log_ok(const parley_session_log *log);

/* A session: left, the offers (or mediator's texts) in the utility space
 * of stakeholders x and y, with the Pareto frontier and the deal; right,
 * each proposer's utility of its own offers, round by round. */
PARLEY_API parley_status parley_chart_session(const parley_scenario *sc, const parley_analysis *an,
                                              const parley_session_log *log, size_t x, size_t y,
                                              const parley_chart_options *opt, char **svg,
                                              size_t *len, parley_error *err);

/* A forecast: every actor's position state by state, one panel per
 * dimension (the first four), the forecast marked. */
PARLEY_API parley_status parley_chart_forecast(const parley_forecast_input *in,
                                               const parley_forecast_result *r,
                                               const parley_chart_options *opt, char **svg,
                                               size_t *len, parley_error *err);

/* A tournament's rankings: one panel per measure, strategies best first,
 * each with its mean and 95% confidence interval. */
PARLEY_API parley_status parley_chart_tournament(const parley_tournament_ranking *r,
                                                 const parley_chart_options *opt, char **svg,
                                                 size_t *len, parley_error *err);

typedef struct parley_report_options {
    parley_chart_options chart; /* zeros: defaults */
    unsigned threads;           /* for the analyses; 0: 2 */
    const char *source;         /* shown as the input's name; may be NULL */
    parley_progress_fn progress; /* may be NULL: the analyses and the diagnosis the
                                  * report runs report through it */
    void *progress_ud;
    /* A negotiation session in the report (`--negotiate`): */
    bool negotiate;
    parley_session_options session;  /* parley_session_options_init first */
    size_t nagents;
    const char *const *agents;       /* "PARTY=STRATEGY[:k=v,...]", built-ins */
    /* Limits (`--max-outcomes`, `--max-seconds`): the work limit of each
     * analysis and of the diagnosis (parley_analysis_options.max_work,
     * parley_diagnosis_options.max_work; 0: their defaults), and a
     * wall-clock limit for the analyses and the diagnosis (0: none; the
     * charts' drawing is not counted), shared out as the
     * time left to each analysis and to the diagnosis in turn.  A part cut
     * short says so in the page (an analysis with interaction terms stops
     * softly: its frontier is then the best found, with a proven gap). */
    uint64_t max_work;
    double max_seconds;
    /* Strategic stability in the report (`--stability`, issue 18): source
     * names a native scenario file with a `stability:` section; the
     * report adds the equilibria, the status quo and the state graph
     * around the Nash equilibria (docs/stability.md). */
    bool stability;
    /* Which Pareto points the analysis lists (`--frontier`, issue 21): a
     * mode parley_analysis_frontier_parse() reads; NULL: auto.  A mode it
     * refuses fails the report with PARLEY_ERR_ARG. */
    const char *frontier;
} parley_report_options;

/* One self-contained HTML page (no network access needed; readable when
 * printed): what the scenario is, whether a deal exists, the fair deals,
 * the utility-space charts (pairwise for more than two stakeholders), the
 * red-line diagnosis.  sc must be final. */
PARLEY_API parley_status parley_report_html(const parley_scenario *sc,
                                            const parley_report_options *opt, char **html,
                                            size_t *len, parley_error *err);

/* The report's charts alone, for `--svg DIR`: calls write(ud, name, svg,
 * len) for each chart with a file name such as "utility-0-1.svg"; a
 * nonzero return stops and is returned as PARLEY_ERR_IO. */
typedef int (*parley_chart_sink)(void *ud, const char *name, const char *svg, size_t len);
PARLEY_API parley_status parley_report_charts(const parley_scenario *sc,
                                              const parley_report_options *opt,
                                              parley_chart_sink write, void *ud,
                                              parley_error *err);

#ifdef __cplusplus
}
#endif

#endif
