/*
 * report.c -- the self-contained HTML report (`parley report`).
 *
 * One page, no external resource (styles inline, charts inline SVG), so
 * it opens without a network and prints as it shows.  Sections, each an
 * element with a stable id that tests look for:
 *   #scenario   what the scenario is: parties, issues, red lines;
 *   #answer     whether a deal exists, in one sentence;
 *   #deals      the bargaining solutions, issue by issue, with utilities;
 *   #space      the utility space: one chart for two stakeholders, a
 *               panel of pairwise charts for more (at most 6 stakeholders,
 *               15 charts), and for three or more, under the panel, the
 *               parallel coordinates of all of them (parallel_chart.c);
 *   #diagnosis  the red-line diagnosis: conflicts, relaxations, bends or
 *               slack, and its chart;
 *   #session    with options.negotiate: a negotiation session, run here,
 *               its strategies, how it ended, and its chart.
 * The analysis and the diagnosis run here; a limit reached in either is
 * reported in its section and the rest of the page is still written.
 * Same input, same bytes.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RP_MAX_PANEL_DIMS 6

static const char *CSS =
    "body{font-family:sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222;"
    "line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;"
    "margin-top:32px}\n"
    "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}code{background:#f5f5f5;"
    "padding:1px 4px}\n"
    ".answer{font-size:1.25em;padding:12px 16px;border-left:6px solid #1e8449;background:#eef8f0}\n"
    ".answer.none{border-color:#c0392b;background:#fbeeee}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:8px}.charts svg{border:1px solid #eee}\n"
    ".muted{color:#666}\n"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
    ".charts svg{page-break-inside:avoid}}\n";

static void num(px_buf *b, double x)
{
    if (!isfinite(x)) {
        parleyx_buf_puts(b, isnan(x) ? "&ndash;" : "unbounded");
        return;
    }
    char t[32];
    snprintf(t, sizeof t, "%.4f", x);
    /* drop trailing zeros */
    char *dot = strchr(t, '.');
    if (dot) {
        char *e = t + strlen(t) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    parleyx_buf_puts(b, strcmp(t, "-0") == 0 ? "0" : t);
}

static void count(px_buf *b, const char *digits)
{
    char g[96];
    parleyx_buf_puts(b, parleyx_group_digits(digits, g, sizeof g));
}

static void scenario_section(px_buf *b, const parley_scenario *sc)
{
    char lab[PARLEY_MAX_NAME + 1], cnt[64];
    parleyx_buf_puts(b, "<section id=\"scenario\">\n<h2>The scenario</h2>\n");
    parley_scenario_outcome_count_text(sc, cnt, sizeof cnt);
    parleyx_buf_printf(b, "<p>%zu parties negotiate over %zu issues: ", parley_party_count(sc),
                       parley_issue_count(sc));
    count(b, cnt);
    parleyx_buf_puts(b, " possible outcomes.</p>\n<table class=\"parties\"><tr><th>party</th>"
                        "<th>role</th><th>reservation value</th><th>red lines</th></tr>\n");
    for (size_t p = 0; p < parley_party_count(sc); p++) {
        parleyx_buf_puts(b, "<tr><td>");
        rp_text(b, parley_party_name(sc, p));
        parleyx_buf_printf(b, "</td><td>%s</td><td class=\"num\">",
                           parley_role_name(parley_party_role(sc, p)));
        if (parley_party_has_utility(sc, p))
            num(b, parley_party_reservation(sc, p));
        else
            parleyx_buf_puts(b, "no preferences");
        parleyx_buf_printf(b, "</td><td class=\"num\">%zu</td></tr>\n",
                           parley_redline_count(sc, p));
    }
    parleyx_buf_puts(b, "</table>\n<table class=\"issues\"><tr><th>issue</th><th>values</th></tr>\n");
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        parleyx_buf_puts(b, "<tr><td>");
        rp_text(b, parley_issue_name(sc, i));
        parleyx_buf_puts(b, "</td><td>");
        size_t n = parley_issue_value_count(sc, i);
        for (size_t k = 0; k < n && k < 12; k++) {
            if (k)
                parleyx_buf_puts(b, ", ");
            rp_text(b, parley_issue_value_label(sc, i, k, lab, sizeof lab));
        }
        if (n > 12)
            parleyx_buf_printf(b, ", &hellip; (%zu values)", n);
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n");
    size_t nr = 0;
    for (size_t p = 0; p < parley_party_count(sc); p++)
        nr += parley_redline_count(sc, p);
    if (nr) {
        parleyx_buf_puts(b, "<table class=\"redlines\"><tr><th>red line</th><th>rule</th></tr>\n");
        for (size_t p = 0; p < parley_party_count(sc); p++)
            for (size_t r = 0; r < parley_redline_count(sc, p); r++) {
                parleyx_buf_puts(b, "<tr><td>");
                rp_text(b, parley_party_name(sc, p));
                parleyx_buf_puts(b, ":");
                rp_text(b, parley_redline_name(sc, p, r));
                parleyx_buf_puts(b, "</td><td><code>");
                rp_text(b, parley_redline_text(sc, p, r));
                parleyx_buf_puts(b, "</code></td></tr>\n");
            }
        parleyx_buf_puts(b, "</table>\n");
    }
    parleyx_buf_puts(b, "</section>\n");
}

static bool has_deal(const parley_analysis *an)
{
    uint64_t n = 1;
    return !parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &n) || n > 0;
}

static void deals_section(px_buf *b, const parley_scenario *sc, const parley_analysis *an)
{
    char lab[PARLEY_MAX_NAME + 1];
    parleyx_buf_puts(b, "<section id=\"deals\">\n<h2>The fair and efficient deals</h2>\n");
    if (!has_deal(an)) {
        parleyx_buf_puts(b, "<p>None: no outcome is acceptable to every party.</p>\n</section>\n");
        return;
    }
    parleyx_buf_puts(b, "<p>Each is a Pareto-optimal deal that every negotiator and ratifier "
                        "accepts (definitions in docs/analysis.md).</p>\n"
                        "<table class=\"solutions\"><tr><th></th>");
    for (size_t s = 0; s < RP_SOLUTIONS; s++)
        parleyx_buf_printf(b, "<th>%s</th>", rp_solutions[s].title);
    parleyx_buf_puts(b, "</tr>\n");
    const double *u[RP_SOLUTIONS];
    const uint32_t *o[RP_SOLUTIONS];
    bool h[RP_SOLUTIONS];
    for (size_t s = 0; s < RP_SOLUTIONS; s++)
        h[s] = parley_analysis_solution(an, rp_solutions[s].kind, &u[s], &o[s]);
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        parleyx_buf_puts(b, "<tr><th>");
        rp_text(b, parley_issue_name(sc, i));
        parleyx_buf_puts(b, "</th>");
        for (size_t s = 0; s < RP_SOLUTIONS; s++) {
            parleyx_buf_puts(b, "<td>");
            if (h[s])
                rp_text(b, parley_issue_value_label(sc, i, o[s][i], lab, sizeof lab));
            parleyx_buf_puts(b, "</td>");
        }
        parleyx_buf_puts(b, "</tr>\n");
    }
    for (size_t j = 0; j < parley_analysis_dims(an); j++) {
        parleyx_buf_puts(b, "<tr><th>utility of ");
        rp_text(b, parley_party_name(sc, parley_analysis_dim_party(an, j)));
        parleyx_buf_puts(b, "</th>");
        for (size_t s = 0; s < RP_SOLUTIONS; s++) {
            parleyx_buf_puts(b, "<td class=\"num\">");
            if (h[s])
                num(b, u[s][j]);
            parleyx_buf_puts(b, "</td>");
        }
        parleyx_buf_puts(b, "</tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n</section>\n");
}

/* Three stakeholders or more: the parallel coordinates of all of them,
 * with a caption on how to read them.  The frontier sample's seed is the
 * report's (--seed). */
static parley_status parallel_figure(px_buf *b, const parley_scenario *sc,
                                     const parley_analysis *an, const parley_chart_options *co,
                                     uint64_t seed)
{
    parleyx_buf_printf(b,
                       "<h3>All %zu parties at once</h3>\n<p>Parallel coordinates: one "
                       "vertical axis per party, its utility from 0 at the bottom to 1 at the "
                       "top. Each line across the axes is one deal, read axis by axis. The "
                       "thin orange lines are Pareto-optimal deals; the bold lines are the "
                       "four fair deals of the table above, each with its own colour, dash "
                       "pattern and name; the red triangles mark each party's reservation "
                       "value. Lines that cross between two axes show those two parties "
                       "trading off; a band of lines that stays high on an axis shows a party "
                       "the frontier treats well. The note under the chart says how many "
                       "frontier points are drawn.</p>\n<div class=\"charts\">\n",
                       parley_analysis_dims(an));
    parley_status st = rp_chart_parallel(b, sc, an, co, seed);
    parleyx_buf_puts(b, "</div>\n");
    return st;
}

static parley_status space_section(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                   const parley_chart_options *co, uint64_t seed)
{
    size_t d = parley_analysis_dims(an);
    parleyx_buf_puts(b, "<section id=\"space\">\n<h2>The utility space</h2>\n");
    if (d < 2) {
        parleyx_buf_puts(b, "<p>Fewer than two parties have preferences: there is no utility "
                            "space to draw.</p>\n</section>\n");
        return PARLEY_OK;
    }
    size_t dd = d > RP_MAX_PANEL_DIMS ? RP_MAX_PANEL_DIMS : d;
    bool whole = parley_analysis_frontier_complete(an);
    parleyx_buf_printf(b, "<p>Each point is an outcome, placed by what two parties get from it. "
                          "%s</p>\n<div class=\"charts\">\n",
                       d <= 2 ? ""
                       : whole ? "One chart per pair of parties. The orange line is the Pareto "
                                 "frontier of the pair alone; the faint orange points, the "
                                 "frontier of all the parties, projected."
                               : "One chart per pair of parties. With this many parties the "
                                 "frontier is listed only near the Nash deal (docs/analysis.md, "
                                 "section 7): the faint orange points are those frontier points, "
                                 "projected; no line of the pair's own frontier is drawn.");
    for (size_t x = 0; x < dd; x++)
        for (size_t y = x + 1; y < dd; y++) {
            parley_status st = rp_chart_utility(b, sc, an, x, y, co, d > 2);
            if (st)
                return st;
        }
    parleyx_buf_puts(b, "</div>\n");
    if (d > dd)
        parleyx_buf_printf(b, "<p class=\"muted\">Charts for the first %zu of %zu parties.</p>\n",
                           dd, d);
    if (d > 2) {
        parley_status st = parallel_figure(b, sc, an, co, seed);
        if (st)
            return st;
    }
    parleyx_buf_puts(b, "</section>\n");
    return PARLEY_OK;
}

static void names(px_buf *b, const parley_diagnosis *d, const size_t *m, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (j)
            parleyx_buf_puts(b, " + ");
        parleyx_buf_puts(b, "<code>");
        rp_text(b, parley_diagnosis_constraint_name(d, m[j]));
        parleyx_buf_puts(b, "</code>");
    }
}

/* "<tr><td>NAME: limit</td><td>from" -- the start of a bends/slack row. */
static void limit_row(px_buf *b, const parley_diagnosis *d, const parley_limit_info *l)
{
    parleyx_buf_puts(b, "<tr><td><code>");
    rp_text(b, parley_diagnosis_constraint_name(d, l->constraint));
    if (strcmp(l->what, "reservation") != 0) {
        parleyx_buf_puts(b, "</code>: <code>");
        rp_text(b, l->what);
    }
    parleyx_buf_puts(b, "</code></td><td class=\"num\">");
    num(b, l->from);
}

/* The rows of the bends table (how far each limit must move to open a
 * deal) or of the slack table (how far it could tighten), and its end. */
static void limit_rows(px_buf *b, const parley_diagnosis *d, bool bends)
{
    size_t n = bends ? parley_diagnosis_bend_count(d) : parley_diagnosis_slack_count(d);
    parley_limit_info l;
    for (size_t k = 0; k < n; k++) {
        if (bends)
            parley_diagnosis_bend(d, k, &l);
        else
            parley_diagnosis_slack(d, k, &l);
        limit_row(b, d, &l);
        if (!bends) {
            parleyx_buf_puts(b, "</td><td class=\"num\">");
            num(b, l.to);
            parleyx_buf_puts(b, "</td><td class=\"num\">");
            num(b, l.slack);
        } else if (l.possible) {
            parleyx_buf_puts(b, "</td><td>");
            num(b, l.to);
        } else {
            parleyx_buf_puts(b, "</td><td>no value alone opens a deal");
        }
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n");
}

/* Open, the members of conflict k (or of relaxation k) as names, close. */
static void members(px_buf *b, const parley_diagnosis *d, size_t k, bool relaxation,
                    const char *open, const char *close)
{
    const size_t *m;
    size_t n = relaxation ? parley_diagnosis_relaxation(d, k, &m)
                          : parley_diagnosis_conflict(d, k, &m);
    parleyx_buf_puts(b, open);
    names(b, d, m, n);
    parleyx_buf_puts(b, close);
}

/* "A 0.6 (+0.1); B ..." -- each party's utility of an's Nash deal and
 * its change against no deal. */
static void nash_gains(px_buf *b, const parley_scenario *sc, const parley_analysis *an)
{
    const double *u;
    if (!an || !parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, NULL))
        return;
    for (size_t j = 0; j < parley_analysis_dims(an); j++) {
        size_t p = parley_analysis_dim_party(an, j);
        if (j)
            parleyx_buf_puts(b, "; ");
        rp_text(b, parley_party_name(sc, p));
        parleyx_buf_puts(b, " ");
        num(b, u[j]);
        double g = u[j] - parley_party_reservation(sc, p);
        parleyx_buf_puts(b, g >= 0 ? " (+" : " (");
        num(b, g);
        parleyx_buf_puts(b, ")");
    }
}

/* "issue = value, ..." -- the terms of an's Nash deal, the deal a
 * relaxation opens. */
static void nash_terms(px_buf *b, const parley_scenario *sc, const parley_analysis *an)
{
    const uint32_t *o;
    char lab[PARLEY_MAX_NAME + 1];
    if (!an || !parley_analysis_solution(an, PARLEY_SOLUTION_NASH, NULL, &o))
        return;
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        parleyx_buf_puts(b, i ? ", " : "");
        rp_text(b, parley_issue_name(sc, i));
        parleyx_buf_puts(b, " = ");
        rp_text(b, parley_issue_value_label(sc, i, o[i], lab, sizeof lab));
    }
}

/* No deal: the minimal conflicts, the minimal relaxations with what each
 * opens, and how far each numeric limit must bend. */
static void diagnosis_no_deal(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d)
{
    size_t nf = parley_diagnosis_conflict_count(d), nr = parley_diagnosis_relaxation_count(d);
    parleyx_buf_printf(b, "<h3>Minimal conflicts (%zu)</h3>\n<p>Each set cannot hold "
                          "together; dropping any one member resolves it.</p>\n<ol "
                          "class=\"conflicts\">\n",
                       nf);
    for (size_t k = 0; k < nf; k++)
        members(b, d, k, false, "<li>", "</li>\n");
    parleyx_buf_printf(b, "</ol>\n<h3>Minimal relaxations (%zu)</h3>\n<table "
                          "class=\"relaxations\"><tr><th>drop</th><th>deals opened</th>"
                          "<th>the Nash deal it opens</th>"
                          "<th>its utilities (change against no deal)</th></tr>\n",
                       nr);
    for (size_t k = 0; k < nr; k++) {
        members(b, d, k, true, "<tr><td>", "</td><td class=\"num\">");
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        char cnt[64];
        if (an) {
            parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, cnt, sizeof cnt);
            count(b, cnt);
        }
        parleyx_buf_puts(b, "</td><td class=\"terms\">");
        nash_terms(b, sc, an);
        parleyx_buf_puts(b, "</td><td>");
        nash_gains(b, sc, an);
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n<h3>Bends</h3>\n<p>How far each numeric limit must move, "
                        "all else unchanged, to open a deal.</p>\n<table class=\"bends\"><tr>"
                        "<th>limit</th><th>now</th><th>must reach</th></tr>\n");
    limit_rows(b, d, true);
}

/* Deals exist: how far each numeric limit could tighten. */
static void diagnosis_slack(px_buf *b, const parley_diagnosis *d)
{
    parleyx_buf_puts(b, "<p>Deals exist. How far each numeric limit could tighten before the "
                        "last deal vanishes, and what each red line does:</p>\n<table "
                        "class=\"slack\"><tr><th>limit</th><th>now</th><th>last deal at</th>"
                        "<th>slack</th></tr>\n");
    limit_rows(b, d, false);
}

static parley_status diagnosis_section(px_buf *b, const parley_scenario *sc,
                                       const parley_diagnosis *d, const parley_chart_options *co)
{
    parleyx_buf_puts(b, "<section id=\"diagnosis\">\n<h2>Red lines: what blocks a deal, what "
                        "could bend</h2>\n");
    if (!parley_diagnosis_deal_exists(d))
        diagnosis_no_deal(b, sc, d);
    else
        diagnosis_slack(b, d);
    parleyx_buf_puts(b, "<div class=\"charts\">\n");
    parley_status st = rp_chart_diagnosis(b, sc, d, co);
    parleyx_buf_puts(b, "</div>\n</section>\n");
    return st;
}

/* What the negotiators agreed on (issue = value), ratified or vetoed,
 * and every party's utility of it. */
static void session_terms(px_buf *b, const parley_scenario *sc, const parley_session_result *res)
{
    const uint32_t *o = res->agreement ? res->outcome : res->vetoed ? res->talks_outcome : NULL;
    if (!o)
        return;
    char lab[PARLEY_MAX_NAME + 1];
    parleyx_buf_puts(b, res->agreement ? "<h3>The deal</h3>\n"
                                       : "<h3>The terms agreed, then vetoed</h3>\n");
    parleyx_buf_puts(b, "<table class=\"deal-terms\"><tr><th>issue</th><th>agreed value</th>"
                        "</tr>\n");
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        parleyx_buf_puts(b, "<tr><td>");
        rp_text(b, parley_issue_name(sc, i));
        parleyx_buf_puts(b, "</td><td>");
        rp_text(b, parley_issue_value_label(sc, i, o[i], lab, sizeof lab));
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n<table class=\"deal-utilities\"><tr><th>party</th>"
                        "<th>role</th><th>utility</th><th>reservation value</th></tr>\n");
    for (size_t p = 0; p < parley_party_count(sc); p++) {
        if (!parley_party_has_utility(sc, p))
            continue;
        parleyx_buf_puts(b, "<tr><td>");
        rp_text(b, parley_party_name(sc, p));
        parleyx_buf_printf(b, "</td><td>%s</td><td class=\"num\">",
                           parley_role_name(parley_party_role(sc, p)));
        num(b, parley_utility(sc, p, o));
        parleyx_buf_puts(b, "</td><td class=\"num\">");
        num(b, parley_party_reservation(sc, p));
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n");
}

/* Seconds on a monotonic clock, for the report's time limit. */
static double rp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The time left before the report's deadline, for an analysis's or the
 * diagnosis's max_seconds (0, none, when the report has no deadline). */
static double rp_time_left(double deadline)
{
    if (deadline <= 0)
        return 0.0;
    double left = deadline - rp_now();
    return left > 1e-3 ? left : 1e-3;
}

static void rp_analysis_limits(const parley_report_options *o, double deadline,
                               parley_analysis_options *ao)
{
    ao->max_work = o->max_work;
    ao->max_seconds = rp_time_left(deadline);
    if (o->frontier) /* (checked by rp_check_frontier first) */
        parley_analysis_frontier_parse(o->frontier, ao, NULL);
}

/* The report's --frontier mode: PARLEY_OK, or ARG with parse's message. */
static parley_status rp_check_frontier(const parley_report_options *o, parley_error *err)
{
    parley_analysis_options t;
    parley_analysis_options_init(&t);
    return o->frontier ? parley_analysis_frontier_parse(o->frontier, &t, err) : PARLEY_OK;
}

static void rp_diagnosis_limits(const parley_report_options *o, double deadline,
                                parley_diagnosis_options *dopt)
{
    dopt->max_work = o->max_work;
    dopt->max_seconds = rp_time_left(deadline);
}

/* A negotiation session: run it, chart it, and say how it ended. */
static parley_status session_section(px_buf *b, const parley_scenario *sc,
                                     const parley_report_options *o, double deadline)
{
    parleyx_buf_puts(b, "<section id=\"session\">\n<h2>A negotiation session</h2>\n");
    parley_error e;
    parley_error_clear(&e);
    parley_session *s = NULL;
    parley_session_log *log = NULL;
    parley_analysis *an = NULL;
    parley_session_result res;
    memset(&res, 0, sizeof res);
    parley_status st = parley_session_new(sc, &o->session, &s, &e);
    for (size_t k = 0; !st && k < o->nagents; k++) {
        const char *a = o->agents[k], *eq = strchr(a, '=');
        size_t p;
        char name[PARLEY_MAX_NAME + 1];
        size_t n = eq ? (size_t)(eq - a) : 0;
        if (!eq || n > PARLEY_MAX_NAME) {
            st = parleyx_fail(&e, PARLEY_ERR_INVALID, NULL, 0, 0,
                              "expected PARTY=STRATEGY, got '%s'", a);
            break;
        }
        memcpy(name, a, n);
        name[n] = '\0';
        if (parley_scenario_find_party(sc, name, &p) != PARLEY_OK) {
            st = parleyx_fail(&e, PARLEY_ERR_INVALID, NULL, 0, 0, "no party '%s'", name);
            break;
        }
        st = parley_session_set_strategy(s, p, eq + 1, &e);
    }
    if (!st) {
        log = parley_session_log_new(sc);
        st = log ? PARLEY_OK : PARLEY_ERR_NOMEM;
    }
    if (!st) {
        parley_session_set_trace(s, parley_session_log_event, log);
        st = parley_session_run(s, &res, &e);
    }
    if (!st && !parley_session_log_ok(log))
        st = PARLEY_ERR_NOMEM;
    if (!st) {
        parley_analysis_options ao;
        parley_analysis_options_init(&ao);
        ao.threads = o->threads;
        ao.progress = o->progress;
        ao.progress_ud = o->progress_ud;
        rp_analysis_limits(o, deadline, &ao);
        st = parley_analyze(sc, &ao, &an, &e);
    }
    if (st == PARLEY_ERR_NOMEM)
        goto done;
    if (st) {
        parleyx_buf_puts(b, "<p class=\"muted\">The session could not run: ");
        rp_text(b, e.message);
        parleyx_buf_puts(b, "</p>\n");
        st = PARLEY_OK;
        goto done;
    }
    parleyx_buf_printf(b, "<p>%s, %lu round%s, ",
                       o->session.protocol == PARLEY_PROTOCOL_MEDIATED
                           ? "Mediated single text"
                           : "Stacked alternating offers",
                       res.rounds, res.rounds == 1 ? "" : "s");
    if (res.vetoed) {
        parleyx_buf_puts(b, "the negotiators agreed, and the ratifier ");
        rp_text(b, parley_party_name(sc, res.vetoed_by));
        parleyx_buf_puts(b, " vetoed the deal");
    } else {
        parleyx_buf_puts(b, res.agreement     ? "agreement"
                            : res.walked_away ? "a negotiator walked away"
                                              : "no agreement before the deadline");
    }
    parleyx_buf_puts(b, ".</p>\n<table class=\"session\"><tr><th>negotiator</th>"
                        "<th>strategy</th></tr>\n");
    for (size_t k = 0; k < parley_session_seats(s); k++) {
        parleyx_buf_puts(b, "<tr><td>");
        rp_text(b, parley_party_name(sc, parley_session_seat_party(s, k)));
        parleyx_buf_puts(b, "</td><td>");
        rp_text(b, parley_session_strategy_name(s, k));
        parleyx_buf_puts(b, "</td></tr>\n");
    }
    parleyx_buf_puts(b, "</table>\n");
    session_terms(b, sc, &res);
    if (parley_analysis_dims(an) >= 2) {
        parleyx_buf_puts(b, "<div class=\"charts\">\n");
        st = rp_chart_session(b, sc, an, log, 0, 1, &o->chart);
        parleyx_buf_puts(b, "</div>\n");
    }
done:
    parleyx_buf_puts(b, "</section>\n");
    parley_analysis_free(an);
    parley_session_log_free(log);
    parley_session_free(s);
    return st;
}

static void limit_note(px_buf *b, const char *id, const char *title, const parley_error *e)
{
    parleyx_buf_printf(b, "<section id=\"%s\">\n<h2>%s</h2>\n<p class=\"muted\">Not computed: ",
                       id, title);
    rp_text(b, e->message);
    parleyx_buf_puts(b, "</p>\n</section>\n");
}

static parley_status build(px_buf *b, const parley_scenario *sc, const parley_report_options *o)
{
    double deadline = o->max_seconds > 0 ? rp_now() + o->max_seconds : 0.0;
    const char *name = parley_scenario_name(sc);
    parleyx_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<meta name=\"generator\" content=\"parley " PARLEY_VERSION_STRING "\">\n"
                        "<title>");
    rp_text(b, name[0] ? name : "parley report");
    parleyx_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", CSS);
    rp_text(b, name[0] ? name : "Negotiation report");
    parleyx_buf_puts(b, "</h1>\n");
    if (o->source) {
        parleyx_buf_puts(b, "<p class=\"muted\">From <code>");
        rp_text(b, o->source);
        parleyx_buf_puts(b, "</code>, analysed by parley " PARLEY_VERSION_STRING ".</p>\n");
    }
    const char *desc = parley_scenario_description(sc);
    if (desc[0]) {
        parleyx_buf_puts(b, "<p>");
        rp_text(b, desc);
        parleyx_buf_puts(b, "</p>\n");
    }
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = o->threads;
    ao.progress = o->progress;
    ao.progress_ud = o->progress_ud;
    rp_analysis_limits(o, deadline, &ao);
    parley_analysis *an = NULL;
    parley_error e;
    parley_error_clear(&e);
    parley_status st = parley_analyze(sc, &ao, &an, &e);
    if (st == PARLEY_ERR_NOMEM)
        return st;
    parleyx_buf_puts(b, "<section id=\"answer\">\n");
    if (st) {
        parleyx_buf_puts(b, "<p class=\"answer none\">The analysis could not finish: ");
        rp_text(b, e.message);
        parleyx_buf_puts(b, "</p>\n");
    } else {
        char cnt[64], all[64];
        parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, cnt, sizeof cnt);
        parley_analysis_count_text(an, PARLEY_COUNT_OUTCOMES, all, sizeof all);
        if (has_deal(an)) {
            parleyx_buf_puts(b, "<p class=\"answer\">");
            count(b, cnt);
            parleyx_buf_puts(b, " of the ");
            count(b, all);
            parleyx_buf_puts(b, " outcomes are acceptable to every party.</p>\n");
        } else if (!parley_analysis_exact(an)) {
            parleyx_buf_puts(b, "<p class=\"answer none\">No acceptable deal was found among "
                                "the outcomes looked at; whether one exists is not known.</p>\n");
        } else {
            parleyx_buf_puts(b, "<p class=\"answer none\">No deal is acceptable to all parties: "
                                "none of the ");
            count(b, all);
            parleyx_buf_puts(b, " outcomes keeps every red line and gives every negotiator and "
                                "ratifier its reservation value.</p>\n");
        }
    }
    if (!st && !parley_analysis_exact(an)) {
        char g[40];
        parleyx_buf_printf(b, "<p class=\"muted\">Not exact: the analysis's limits stopped the "
                              "search first.  Counts are lower bounds, and the frontier shown is "
                              "the best found; the true frontier is proven to be within %s of it "
                              "in every party's utility.</p>\n",
                           parleyx_fmt_double(parley_analysis_gap(an), g, sizeof g));
    }
    parleyx_buf_puts(b, "</section>\n");
    scenario_section(b, sc);
    if (!st) {
        deals_section(b, sc, an);
        st = space_section(b, sc, an, &o->chart, o->session.seed);
    }
    parley_analysis_free(an);
    if (st == PARLEY_ERR_NOMEM)
        return st;
    st = PARLEY_OK;
    parley_diagnosis_options dopt;
    parley_diagnosis_options_init(&dopt);
    dopt.threads = o->threads;
    dopt.progress = o->progress;
    dopt.progress_ud = o->progress_ud;
    rp_diagnosis_limits(o, deadline, &dopt);
    parley_diagnosis *d = NULL;
    parley_error_clear(&e);
    parley_status ds = parley_diagnose(sc, &dopt, &d, &e);
    if (ds == PARLEY_ERR_NOMEM)
        return ds;
    if (ds)
        limit_note(b, "diagnosis", "Red lines", &e);
    else
        st = diagnosis_section(b, sc, d, &o->chart);
    parley_diagnosis_free(d);
    if (!st && o->stability) /* issue 18: a separate block */
        st = rp_stability_section(b, sc, o->source, o->threads);
    if (!st && o->negotiate)
        st = session_section(b, sc, o, deadline);
    if (!st && parley_scenario_is_uncertain(sc)) /* robust_chart.c (issue 17) */
        st = rp_robust_section(b, sc, o);
    parleyx_buf_puts(b, parley_scenario_has_interactions(sc)
                            ? "<footer class=\"muted\"><p>Utilities are linear-additive plus "
                              "interaction terms (docs/scenario-format.md), computed exactly as "
                              "GENIUS does; a deal"
                            : "<footer class=\"muted\"><p>Utilities are linear-additive, computed "
                              "exactly as GENIUS does; a deal");
    parleyx_buf_puts(b, " is an outcome that keeps every red line of "
                        "every negotiator and ratifier and gives each at least its reservation "
                        "value. Written by parley " PARLEY_VERSION_STRING
                        ".</p></footer>\n</body>\n</html>\n");
    return st;
}

/* The caller's options, or all zero (the defaults) when opt is NULL. */
static parley_report_options report_options(const parley_report_options *opt)
{
    parley_report_options o;
    memset(&o, 0, sizeof o);
    if (opt)
        o = *opt;
    return o;
}

parley_status parley_report_html(const parley_scenario *sc, const parley_report_options *opt,
                                 char **html, size_t *len, parley_error *err)
{
    if (!html)
        return PARLEY_ERR_ARG;
    *html = NULL;
    if (!sc || !sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the scenario is not final; call parley_scenario_finalize first");
    parley_report_options o = report_options(opt);
    if (rp_check_frontier(&o, err) != PARLEY_OK)
        return PARLEY_ERR_ARG;
    px_buf b;
    parley_status st = rp_begin(&b, sc->alloc);
    if (!st)
        st = build(&b, sc, &o);
    return rp_hand_over(&b, st, html, len, err);
}

/* The charts alone: one text per chart, handed to the sink. */
static parley_status emit(px_buf *b, parley_chart_sink write, void *ud, const char *name)
{
    if (b->failed)
        return PARLEY_ERR_NOMEM;
    int rc = write(ud, name, b->data ? b->data : "", b->len);
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    return rc ? PARLEY_ERR_IO : PARLEY_OK;
}

parley_status parley_report_charts(const parley_scenario *sc, const parley_report_options *opt,
                                   parley_chart_sink write, void *ud, parley_error *err)
{
    if (!sc || !sc->final || !write)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a final scenario and a sink are needed");
    parley_report_options o = report_options(opt);
    if (rp_check_frontier(&o, err) != PARLEY_OK)
        return PARLEY_ERR_ARG;
    double deadline = o.max_seconds > 0 ? rp_now() + o.max_seconds : 0.0;
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = o.threads;
    ao.progress = o.progress;
    ao.progress_ud = o.progress_ud;
    rp_analysis_limits(&o, deadline, &ao);
    parley_analysis *an = NULL;
    parley_status st = parley_analyze(sc, &ao, &an, err);
    if (st)
        return st;
    px_buf b;
    parleyx_buf_init(&b, sc->alloc, 0);
    size_t dd = parley_analysis_dims(an);
    if (dd > RP_MAX_PANEL_DIMS)
        dd = RP_MAX_PANEL_DIMS;
    for (size_t x = 0; x < dd && !st; x++)
        for (size_t y = x + 1; y < dd && !st; y++) {
            char name[64];
            snprintf(name, sizeof name, "utility-%zu-%zu.svg", x, y);
            st = rp_chart_utility(&b, sc, an, x, y, &o.chart, false);
            if (!st)
                st = emit(&b, write, ud, name);
        }
    if (!st && parley_analysis_dims(an) > 2) { /* parallel_chart.c (issue 21) */
        st = rp_chart_parallel(&b, sc, an, &o.chart, o.session.seed);
        if (!st)
            st = emit(&b, write, ud, "parallel.svg");
    }
    parley_analysis_free(an);
    parley_diagnosis_options dopt;
    parley_diagnosis_options_init(&dopt);
    dopt.threads = o.threads;
    dopt.progress = o.progress;
    dopt.progress_ud = o.progress_ud;
    rp_diagnosis_limits(&o, deadline, &dopt);
    parley_diagnosis *d = NULL;
    if (!st)
        st = parley_diagnose(sc, &dopt, &d, err);
    if (!st)
        st = rp_chart_diagnosis(&b, sc, d, &o.chart);
    if (!st)
        st = emit(&b, write, ud, "diagnosis.svg");
    parley_diagnosis_free(d);
    if (!st && parley_scenario_is_uncertain(sc)) { /* robust_chart.c (issue 17) */
        st = rp_robust_chart(&b, sc, &o, err);
        if (!st)
            st = emit(&b, write, ud, "tornado.svg");
    }
    parleyx_buf_free(&b);
    if (st == PARLEY_ERR_IO)
        return parleyx_fail(err, st, NULL, 0, 0, "a chart could not be written");
    if (st == PARLEY_ERR_NOMEM)
        return parleyx_fail(err, st, NULL, 0, 0, "out of memory");
    return st;
}
