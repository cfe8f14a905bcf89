/*
 * stability_chart.c -- the state graph around the equilibria of a graph
 * model (parley/stability.h): one column per equilibrium under a concept
 * (the first 8 by id), the equilibrium boxed in bold at the top and below
 * it the states from which one unilateral improvement leads into it (at
 * most 5, lowest ids first), each with an arrow coloured by the DM who
 * moves; with a status quo, a first column with its shortest path of
 * unilateral improvements to the nearest reachable equilibrium.  A legend
 * names the DMs' colours.  Built on the public stability API only; same
 * input, same bytes.
 */
#include "report/rp.h"
#include "parley/stability.h"

#include <stdio.h>
#include <string.h>

#define SC_COLS 8
#define SC_FEEDERS 5
#define SC_PATH 8

static const char *SC_COLOURS[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
                                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e"};

static void sc_label(const parley_graph *g, uint32_t s, parley_state_label_fn fn, void *ud,
                     char *buf, size_t n)
{
    if (fn) {
        buf[0] = '\0';
        fn(ud, s, buf, n);
        return;
    }
    size_t no = parley_graph_option_count(g), k = 0;
    for (size_t i = 0; i < no && k + 1 < n; i++)
        buf[k++] = (s >> i) & 1u ? 'Y' : 'N';
    buf[k] = '\0';
}

/* A state's box centred at (x, y). */
static void sc_node(px_buf *b, const parley_graph *g, uint32_t s, double x, double y, bool eq,
                    parley_state_label_fn fn, void *ud)
{
    char lab[96], id[32];
    sc_label(g, s, fn, ud, lab, sizeof lab);
    snprintf(id, sizeof id, "%u", (unsigned)s);
    parleyx_buf_printf(b,
                       "<g class=\"state%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"136\" "
                       "height=\"34\" rx=\"5\" fill=\"%s\" stroke=\"black\" stroke-width=\"%s\"/>\n"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"%s\">",
                       eq ? " equilibrium" : "", x - 68, y - 17, eq ? "#fff3c4" : "#f4f4f4",
                       eq ? "2.5" : "1", x, y - 3, eq ? "bold" : "normal");
    rp_text(b, id);
    parleyx_buf_printf(b, "</text>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                       "font-size=\"8\">", x, y + 11);
    rp_text(b, lab);
    parleyx_buf_puts(b, "</text></g>\n");
}

/* A curved arrow from the right side of the box at (x, y) up to the right
 * side of the box at (x, top), bulging out by k + 1 steps (so that the
 * arrows of one column nest and cross no box), of DM d. */
static void sc_side_arrow(px_buf *b, double x, double y, double top, size_t k, size_t d)
{
    double out = x + 68 + 4 + 4 * (double)k;
    parleyx_buf_printf(b,
                       "<path d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\" fill=\"none\" "
                       "stroke=\"%s\" stroke-width=\"1.6\" marker-end=\"url(#sc-arrow-%zu)\"/>\n",
                       x + 68, y, out + 6, y, out + 6, top + 6, x + 69, top + 6,
                       SC_COLOURS[d % 10], d % 10);
}

/* An arrow from the box at (x0, y0) to the box at (x1, y1), of DM d. */
static void sc_arrow(px_buf *b, double x0, double y0, double x1, double y1, size_t d)
{
    const char *col = SC_COLOURS[d % 10];
    double dy = y1 < y0 ? -17 : 17;
    parleyx_buf_printf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"2\" marker-end=\"url(#sc-arrow-%zu)\"/>\n",
                       x0, y0 + dy, x1, y1 - dy * 1.35, col, d % 10);
}

parley_status parley_chart_stability(const parley_stability *st, parley_concept c,
                                     const uint32_t *status_quo, parley_state_label_fn state_label,
                                     void *ud, const parley_chart_options *opt, char **svg,
                                     size_t *len, parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    const parley_graph *g = parley_stability_graph(st);
    if (!g || (unsigned)c >= PARLEY_CONCEPT_COUNT)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "a stability analysis is needed");
    (void)opt;
    uint32_t eq[SC_COLS];
    size_t neq = parley_stability_equilibria(st, c, eq, SC_COLS), shown = neq < SC_COLS ? neq : SC_COLS;
    size_t nd = parley_graph_dm_count(g);
    /* the status quo's path */
    uint32_t ps[SC_PATH];
    size_t pd[SC_PATH], plen = 0;
    bool path = false;
    if (status_quo) {
        parley_reach *r = NULL;
        parley_status rs = parley_reach_from(g, *status_quo, &r, err);
        if (rs)
            return rs;
        uint32_t all[64];
        size_t na = parley_stability_equilibria(st, c, all, 64), bestn = SIZE_MAX;
        uint32_t to = 0;
        for (size_t k = 0; k < na && k < 64; k++) {
            size_t n = parley_reach_path(r, all[k], NULL, NULL, 0);
            if (n < bestn) {
                bestn = n;
                to = all[k];
            }
        }
        if (bestn != SIZE_MAX) {
            plen = parley_reach_path(r, to, ps, pd, SC_PATH);
            if (plen > SC_PATH)
                plen = SC_PATH;
            path = true;
        }
        parley_reach_free(r);
    }
    /* the states one improvement away from each equilibrium (id order) */
    uint32_t fs[SC_COLS][SC_FEEDERS];
    size_t fdm[SC_COLS][SC_FEEDERS], nf[SC_COLS], maxf = 0;
    uint32_t mv[256];
    uint64_t S = parley_graph_state_count(g);
    for (size_t e = 0; e < shown; e++) {
        nf[e] = 0;
        for (uint64_t s64 = 0; s64 < S && nf[e] < SC_FEEDERS; s64++) {
            uint32_t s = (uint32_t)s64;
            if (s == eq[e] || !parley_graph_feasible(g, s))
                continue;
            for (size_t d = 0; d < nd; d++) {
                size_t n = parley_graph_moves(g, d, s, true, mv, 256);
                bool hit = false;
                for (size_t k = 0; k < n && k < 256; k++)
                    hit = hit || mv[k] == eq[e];
                if (hit) {
                    fs[e][nf[e]] = s;
                    fdm[e][nf[e]++] = d;
                    break;
                }
            }
        }
        if (nf[e] > maxf)
            maxf = nf[e];
    }
    double colw = 170, W = 40 + colw * (double)(shown + (status_quo ? 1 : 0)) + 20;
    if (W < 520)
        W = 520;
    double top = 70, rowh = 56;
    size_t rows = maxf + 1;
    if (path && plen + 1 > rows)
        rows = plen + 1;
    /* the legend's rows: names laid out left to right, wrapped at W */
    double lx = 20;
    size_t lrows = 1;
    for (size_t d = 0; d < nd; d++) {
        double w = 34 + rp_text_width(parley_graph_dm_name(g, d), 11, false) +
                   rp_text_width(" moves", 11, false) + 24;
        if (lx + w > W - 10 && lx > 20) {
            lrows++;
            lx = 20;
        }
        lx += w;
    }
    double H = top + rowh * (double)rows + 10 + 18 * (double)lrows + 10;
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    bool ok = parleyx_text_begin(&b);
    char title[160];
    snprintf(title, sizeof title, "State graph around the %s equilibria",
             parley_concept_name(c));
    rp_svg_open(&b, W, H, 11, "stability", title);
    parleyx_buf_puts(&b, "<defs>\n");
    for (size_t k = 0; k < 10; k++)
        parleyx_buf_printf(&b,
                           "<marker id=\"sc-arrow-%zu\" viewBox=\"0 0 10 10\" refX=\"9\" "
                           "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                           "<path d=\"M0 0L10 5L0 10z\" fill=\"%s\"/></marker>\n",
                           k, SC_COLOURS[k]);
    parleyx_buf_puts(&b, "</defs>\n<text x=\"20\" y=\"24\" font-size=\"14\" font-weight=\"bold\">");
    rp_text(&b, title);
    char line[160];
    snprintf(line, sizeof line, " (%zu in all%s)", neq,
             neq > shown ? ", the first shown" : "");
    rp_text(&b, line);
    parleyx_buf_puts(&b, "</text>\n");
    if (!neq)
        parleyx_buf_printf(&b, "<text x=\"20\" y=\"%.1f\">no equilibrium under this "
                           "concept</text>\n", top);
    double x = 40 + colw / 2;
    if (status_quo) {
        parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                           "font-style=\"italic\">status quo</text>\n", x, top - 22);
        sc_node(&b, g, *status_quo, x, top, parley_stability_equilibrium(st, c, *status_quo),
                state_label, ud);
        for (size_t k = 0; path && k < plen; k++) {
            double y0 = top + rowh * (double)k, y1 = top + rowh * (double)(k + 1);
            sc_arrow(&b, x, y0, x, y1, pd[k]);
            sc_node(&b, g, ps[k], x, y1, parley_stability_equilibrium(st, c, ps[k]), state_label,
                    ud);
        }
        if (!path)
            parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                               "font-size=\"9\">no equilibrium reachable</text>\n",
                               x, top + 36);
        x += colw;
    }
    for (size_t e = 0; e < shown; e++, x += colw) {
        sc_node(&b, g, eq[e], x, top, true, state_label, ud);
        for (size_t k = 0; k < nf[e]; k++) {
            double y = top + rowh * (double)(k + 1);
            sc_node(&b, g, fs[e][k], x, y, false, state_label, ud);
            sc_side_arrow(&b, x, y, top, k, fdm[e][k]);
        }
        if (!nf[e])
            parleyx_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                               "font-size=\"9\">no improvement leads here</text>\n",
                               x, top + 36);
    }
    /* legend: the DMs' colours, wrapped as measured above */
    double ly = top + rowh * (double)rows + 14;
    lx = 20;
    for (size_t d = 0; d < nd; d++) {
        double w = 34 + rp_text_width(parley_graph_dm_name(g, d), 11, false) +
                   rp_text_width(" moves", 11, false) + 24;
        if (lx + w > W - 10 && lx > 20) {
            ly += 18;
            lx = 20;
        }
        parleyx_buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"3\"/>\n<text x=\"%.1f\" y=\"%.1f\">",
                           lx, ly, lx + 22, ly, SC_COLOURS[d % 10], lx + 28, ly + 4);
        rp_text(&b, parley_graph_dm_name(g, d));
        parleyx_buf_puts(&b, " moves</text>\n");
        lx += w;
    }
    parleyx_buf_puts(&b, "</svg>\n");
    return rp_hand_over(&b, ok ? PARLEY_OK : PARLEY_ERR_NOMEM, svg, len, err);
}

/* ------------------------------------------------- the report's section */

/* A chart label for a scenario's state: the moved issues' values, short. */
typedef struct sc_lab {
    const parley_scenario *sc;
    const parley_moves *mv;
} sc_lab;

static void sc_outcome_label(void *ud, uint32_t s, char *buf, size_t n)
{
    const sc_lab *l = ud;
    size_t ni = parley_issue_count(l->sc), k = 0;
    uint32_t o[PARLEY_GRAPH_MAX_OPTIONS + 1];
    if (ni > PARLEY_GRAPH_MAX_OPTIONS) /* moved issues have a bit at least; others fixed */
        return;
    if (parley_moves_vetoed_by(l->mv, s) != SIZE_MAX) {
        snprintf(buf, n, "vetoed: status quo");
        return;
    }
    parley_moves_outcome(l->mv, s, o);
    char lab[PARLEY_MAX_NAME + 1];
    for (size_t i = 0; i < ni && k + 1 < n; i++) {
        if (parley_moves_mover(l->mv, i) == SIZE_MAX)
            continue;
        int w = snprintf(buf + k, n - k, "%s%.4s", k ? "/" : "",
                         parley_issue_value_label(l->sc, i, o[i], lab, sizeof lab));
        if (w < 0 || (size_t)w >= n - k)
            break;
        k += (size_t)w;
    }
}

parley_status rp_stability_section(px_buf *b, const parley_scenario *sc, const char *source,
                                   unsigned threads)
{
    parleyx_buf_puts(b, "<section id=\"stability\">\n<h2>Strategic stability: would anyone "
                        "walk away?</h2>\n");
    parley_error e;
    parley_error_clear(&e);
    parley_moves *mv = NULL;
    parley_graph *g = NULL;
    parley_stability *st = NULL;
    parley_status s = source ? parley_moves_read_file(source, sc, NULL, &mv, &e)
                             : PARLEY_ERR_NORESULT;
    if (!s)
        s = parley_graph_from_scenario(mv, &g, &e);
    if (!s)
        s = parley_stability_analyze(g, threads, &st, &e);
    if (s == PARLEY_ERR_NOMEM)
        goto done;
    if (s) {
        parleyx_buf_puts(b, "<p class=\"muted\">Not computed: ");
        rp_text(b, e.message[0] ? e.message : "the input has no stability: section");
        parleyx_buf_puts(b, "</p>\n");
        s = PARLEY_OK;
        goto done;
    }
    parleyx_buf_printf(b, "<p>Each party moves the issues it controls; a state is stable for a "
                          "party when no move of its own, given the others' answers, leaves it "
                          "better off (the Graph Model for Conflict Resolution). %llu feasible "
                          "states.</p>\n<table>\n<tr><th>concept</th><th>equilibria</th></tr>\n",
                       (unsigned long long)parley_graph_feasible_count(g));
    for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++)
        parleyx_buf_printf(b, "<tr><td>%s</td><td>%zu</td></tr>\n",
                           parley_concept_name((parley_concept)k),
                           parley_stability_equilibria(st, (parley_concept)k, NULL, 0));
    parleyx_buf_puts(b, "</table>\n");
    uint32_t o[PARLEY_GRAPH_MAX_OPTIONS + 1], sq = 0;
    bool has_sq = parley_issue_count(sc) <= PARLEY_GRAPH_MAX_OPTIONS &&
                  parley_moves_status_quo(mv, o) && parley_moves_state(mv, o, &sq);
    if (has_sq) {
        size_t dm;
        uint32_t to;
        if (parley_stability_explain(st, PARLEY_CONCEPT_NASH, sq, &dm, &to) == PARLEY_OK) {
            parleyx_buf_puts(b, "<p>The status quo is not a Nash equilibrium: ");
            rp_text(b, parley_graph_dm_name(g, dm));
            parleyx_buf_puts(b, " would move first.</p>\n");
        } else
            parleyx_buf_puts(b, "<p>The status quo is a Nash equilibrium.</p>\n");
    }
    sc_lab l = {sc, mv};
    char *svg = NULL;
    size_t len = 0;
    s = parley_chart_stability(st, PARLEY_CONCEPT_NASH, has_sq ? &sq : NULL, sc_outcome_label, &l,
                               NULL, &svg, &len, &e);
    if (!s) {
        parleyx_buf_puts(b, "<figure>\n");
        parleyx_buf_add(b, svg, len);
        parleyx_buf_puts(b, "</figure>\n");
        parley_text_free(svg);
    }
done:
    parleyx_buf_puts(b, "</section>\n");
    parley_stability_free(st);
    parley_graph_free(g);
    parley_moves_free(mv);
    return s;
}
