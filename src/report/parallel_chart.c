/*
 * parallel_chart.c -- the parallel-coordinates chart of n stakeholders
 * (issue 21): one vertical axis per stakeholder (utility 0 at the bottom,
 * 1 at the top, ticks every 0.2, the party's name on top), the agreement
 * frontier's listed points as thin translucent orange polylines, the four
 * bargaining solutions as bold polylines (each its own colour AND dash
 * pattern, a diamond where it crosses an axis, its name at the right end:
 * never colour alone), and each stakeholder's reservation value as a red
 * triangle on its axis.
 *
 * The frontier is drawn as the analysis lists it (PARLEY_FRONTIER_
 * AGREEMENTS; possibly a partial list for large n-party scenarios): all
 * of it up to RP_PARALLEL_SAMPLE points, beyond that a uniform sample of
 * RP_PARALLEL_SAMPLE of the listed points (rp_sample: seeded, so the
 * same input and seed give the same bytes), drawn in frontier order.  The
 * note under the legend says how many were drawn, of how many listed, and
 * the number of Pareto-optimal deals (parley_analysis_count) when that
 * differs from the listed points (ties, or a partial list).
 *
 * Uses only the public analysis API.  Numbers are printed with one
 * decimal.  Memory: none but the text, which goes to the caller
 * (parley_text_free); the sample's indices live on the stack.
 */
#include "report/rp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PC_LEFT 60.0    /* left of the first axis: its tick labels */
#define PC_RIGHT 150.0  /* right of the last axis: the solutions' names */
#define PC_TOP 78.0     /* top of the axes: title and two rows of names */
#define PC_MIN_GAP 90.0 /* the least room between two axes */
#define PC_KEY_ROW 16.0

/* The bargaining solutions' look, in rp_solutions order: colour
 * (Okabe-Ito, told apart by colour-blind readers), dash pattern, and the
 * name in the legend (plain text: SVG knows no &ndash;). */
static const struct {
    const char *colour, *dash, *name;
} PC_LOOK[RP_SOLUTIONS] = {{"#0072b2", "none", "Nash"},
                           {"#cc79a7", "9,4", "Kalai\xE2\x80\x93Smorodinsky (KS)"},
                           {"#009e73", "2,3", "utilitarian"},
                           {"#000000", "9,3,2,3", "egalitarian"}};

void rp_sample(size_t n, size_t k, uint64_t seed, size_t *out)
{
    /* Selection sampling (Knuth, TAOCP vol. 2, 3.4.2, algorithm S): index
     * i is taken with probability (still needed) / (still left), so every
     * k-subset is equally likely and the indices come out ascending.  The
     * draw is splitmix64 modulo (left): its bias is below left / 2^64. */
    uint64_t s = seed ^ 0x7061726c6579ULL;
    size_t got = 0;
    for (size_t i = 0; i < n && got < k; i++)
        if (parleyx_splitmix64(&s) % (uint64_t)(n - i) < (uint64_t)(k - got))
            out[got++] = i;
}

typedef struct pc_geom {
    double W, H, x0, gap, y0, h; /* axis j at x0 + j * gap, from y0 to y0 + h */
    size_t dims;
} pc_geom;

static double pc_x(const pc_geom *g, size_t j)
{
    return g->x0 + (double)j * g->gap;
}
static double pc_y(const pc_geom *g, double u)
{
    return g->y0 + (1.0 - u) * g->h;
}

/* The legend's entries: the four solutions, the frontier, the
 * reservation values; laid out in rows from x to W - 8; returns the rows
 * (b NULL: only counts them). */
static size_t pc_legend(px_buf *b, const pc_geom *g, double y)
{
    const char *words[RP_SOLUTIONS + 2];
    for (size_t s = 0; s < RP_SOLUTIONS; s++)
        words[s] = PC_LOOK[s].name;
    words[RP_SOLUTIONS] = "Pareto-optimal deal";
    words[RP_SOLUTIONS + 1] = "reservation value";
    size_t rows = 1;
    double x = 8;
    for (size_t k = 0; k < RP_SOLUTIONS + 2; k++) {
        double w = 30 + rp_text_width(words[k], 11, false);
        if (x > 8 && x + w > g->W - 8) {
            rows++;
            x = 8;
            y += PC_KEY_ROW;
        }
        if (b) {
            double ly = y - 4;
            if (k < RP_SOLUTIONS)
                parleyx_buf_printf(b,
                                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>"
                                   "<path d=\"M%.1f %.1fl4 4l-4 4l-4 -4z\" fill=\"%s\" "
                                   "stroke=\"white\"/>",
                                   x, ly, x + 24, ly, PC_LOOK[k].colour, PC_LOOK[k].dash, x + 12,
                                   ly - 4, PC_LOOK[k].colour);
            else if (k == RP_SOLUTIONS)
                parleyx_buf_printf(b,
                                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"#e67e22\" stroke-width=\"1.5\" "
                                   "stroke-opacity=\"0.6\"/>",
                                   x, ly, x + 24, ly);
            else
                parleyx_buf_printf(b, "<path d=\"M%.1f %.1fl10 5l-10 5z\" fill=\"#c0392b\"/>",
                                   x + 7, ly - 5);
            parleyx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 30, y);
            rp_text(b, words[k]);
            parleyx_buf_puts(b, "</text>\n");
        }
        x += w + 14;
    }
    return rows;
}

/* A party's name fitted to width w at font size fs: cut at a character
 * (never inside a UTF-8 sequence) and ended with an ellipsis. */
static void pc_fit(const char *name, double w, double fs, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    size_t len = strlen(out);
    while (len > 0 && rp_text_width(out, fs, true) > w) {
        do
            len--;
        while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80);
        if (len + 4 > n)
            continue;
        memcpy(out + len, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
    }
}

/* Text for an attribute's value: escaped as rp_text does, and tabs and
 * line breaks as character references (an XML reader turns them into
 * spaces otherwise). */
static void pc_attr(px_buf *b, const char *s)
{
    char one[2] = "";
    for (; *s; s++) {
        if (*s == '\n' || *s == '\t' || *s == '\r') {
            parleyx_buf_printf(b, "&#%d;", *s);
        } else {
            one[0] = *s;
            rp_text(b, one);
        }
    }
}

/* The axes: a line each with ticks, the first with numbers, the names
 * above (two staggered rows when one row has not room for them). */
static void pc_axes(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                    const pc_geom *g)
{
    bool stagger = false;
    for (size_t j = 0; j < g->dims; j++)
        if (rp_text_width(parley_party_name(sc, parley_analysis_dim_party(an, j)), 11, true) >
            g->gap - 8)
            stagger = true;
    for (int t = 0; t <= 5; t++)
        parleyx_buf_printf(b,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"#eeeeee\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                           "font-size=\"11\" fill=\"#333\">%.1f</text>\n",
                           pc_x(g, 0), pc_y(g, t / 5.0), pc_x(g, g->dims - 1), pc_y(g, t / 5.0),
                           pc_x(g, 0) - 16, pc_y(g, t / 5.0) + 4, t / 5.0);
    for (size_t j = 0; j < g->dims; j++) {
        const char *name = parley_party_name(sc, parley_analysis_dim_party(an, j));
        double x = pc_x(g, j);
        parleyx_buf_puts(b, "<g class=\"axis\" data-party=\"");
        pc_attr(b, name);
        parleyx_buf_printf(b,
                           "\">\n<line class=\"axis-line\" x1=\"%.1f\" y1=\"%.1f\" "
                           "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"1.2\"/>\n",
                           x, g->y0, x, g->y0 + g->h);
        for (int t = 0; t <= 5; t++)
            parleyx_buf_printf(b,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"#555\"/>",
                               x - 4, pc_y(g, t / 5.0), x + 4, pc_y(g, t / 5.0));
        /* the name: centred over the axis, within its room (the last
         * one may use the right margin, the first the left) */
        double room = stagger ? 2 * g->gap - 8 : g->gap - 8;
        if (room > 2 * PC_LEFT - 8 && j == 0)
            room = 2 * PC_LEFT - 8;
        if (room > 2 * (PC_RIGHT - 8) && j + 1 == g->dims)
            room = 2 * (PC_RIGHT - 8);
        char fit[PARLEY_MAX_NAME + 4];
        pc_fit(name, room, 11, fit, sizeof fit);
        double y = g->y0 - 12 - (stagger && j % 2 == 0 ? 16 : 0);
        parleyx_buf_printf(b,
                           "\n<text class=\"axis-name\" x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\">",
                           x, y);
        if (strcmp(fit, name) != 0) { /* the whole name on hover */
            parleyx_buf_puts(b, "<title>");
            rp_text(b, name);
            parleyx_buf_puts(b, "</title>");
        }
        rp_text(b, fit);
        parleyx_buf_puts(b, "</text>\n</g>\n");
    }
}

/* The frontier: all listed points, or a sample of them; the counts for
 * the note into drawn / listed. */
static void pc_frontier(px_buf *b, const parley_analysis *an, const pc_geom *g, uint64_t seed,
                        size_t *drawn, size_t *listed)
{
    size_t n = parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS);
    size_t k = n > RP_PARALLEL_SAMPLE ? RP_PARALLEL_SAMPLE : n;
    size_t idx[RP_PARALLEL_SAMPLE];
    if (k < n)
        rp_sample(n, k, seed, idx);
    else
        for (size_t i = 0; i < k; i++)
            idx[i] = i;
    parleyx_buf_printf(b,
                       "<g class=\"frontier-sample\" data-drawn=\"%zu\" data-listed=\"%zu\" "
                       "fill=\"none\" stroke=\"#e67e22\" stroke-width=\"1\" "
                       "stroke-opacity=\"0.35\">\n",
                       k, n);
    for (size_t i = 0; i < k; i++) {
        const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_AGREEMENTS,
                                                             idx[i]);
        parleyx_buf_puts(b, "<polyline points=\"");
        for (size_t j = 0; j < g->dims; j++)
            parleyx_buf_printf(b, "%s%.1f,%.1f", j ? " " : "", pc_x(g, j), pc_y(g, u[j]));
        parleyx_buf_puts(b, "\"/>\n");
    }
    parleyx_buf_puts(b, "</g>\n");
    *drawn = k;
    *listed = n;
}

/* The reservation values: a red triangle pointing at each axis. */
static void pc_reservations(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                            const pc_geom *g)
{
    parleyx_buf_puts(b, "<g class=\"reservation\" fill=\"#c0392b\">\n");
    for (size_t j = 0; j < g->dims; j++) {
        double r = parley_party_reservation(sc, parley_analysis_dim_party(an, j));
        if (!(r >= 0 && r <= 1))
            continue;
        parleyx_buf_printf(b,
                           "<path class=\"reservation-mark\" d=\"M%.1f %.1fl-11 -5.5v11z\">"
                           "<title>reservation value %.2f</title></path>\n",
                           pc_x(g, j) - 2, pc_y(g, r), r);
    }
    parleyx_buf_puts(b, "</g>\n");
}

/* The solutions: a bold polyline each, a diamond on every axis, and the
 * names at the right end ("KS = egalitarian" where they coincide there),
 * placed apart from each other and from the diamonds. */
static void pc_solutions(px_buf *b, const parley_analysis *an, const pc_geom *g)
{
    const double *u[RP_SOLUTIONS];
    bool has[RP_SOLUTIONS];
    size_t last = g->dims - 1;
    parleyx_buf_puts(b, "<g class=\"solutions\" font-size=\"11\">\n");
    for (size_t s = 0; s < RP_SOLUTIONS; s++) {
        has[s] = parley_analysis_solution(an, rp_solutions[s].kind, &u[s], NULL);
        if (!has[s])
            continue;
        parleyx_buf_printf(b,
                           "<polyline class=\"solution\" data-solution=\"%s\" fill=\"none\" "
                           "stroke=\"%s\" stroke-width=\"3\" stroke-dasharray=\"%s\" "
                           "stroke-linejoin=\"round\" points=\"",
                           parley_solution_name(rp_solutions[s].kind), PC_LOOK[s].colour,
                           PC_LOOK[s].dash);
        for (size_t j = 0; j < g->dims; j++)
            parleyx_buf_printf(b, "%s%.1f,%.1f", j ? " " : "", pc_x(g, j), pc_y(g, u[s][j]));
        parleyx_buf_puts(b, "\"/>\n");
    }
    rp_labels L;
    rp_labels_init(&L, pc_x(g, last) + 7, g->y0 - 8, g->W - 4, g->y0 + g->h + 8);
    for (size_t s = 0; s < RP_SOLUTIONS; s++) {
        if (!has[s])
            continue;
        for (size_t j = 0; j < g->dims; j++) {
            double x = pc_x(g, j), y = pc_y(g, u[s][j]);
            parleyx_buf_printf(b,
                               "<path class=\"solution-mark\" d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" "
                               "fill=\"%s\" stroke=\"white\"/>\n",
                               x, y - 6, PC_LOOK[s].colour);
            if (j == last)
                rp_labels_take(&L, (rp_box){x - 6, y - 6, x + 6, y + 6});
        }
    }
    /* one label per distinct end point, in the order of rp_solutions */
    for (size_t s = 0; s < RP_SOLUTIONS; s++) {
        if (!has[s])
            continue;
        long ys = lround(pc_y(g, u[s][last]) * 10);
        bool seen = false;
        for (size_t t = 0; t < s && !seen; t++)
            seen = has[t] && lround(pc_y(g, u[t][last]) * 10) == ys;
        if (seen)
            continue;
        char label[64] = "";
        for (size_t t = s; t < RP_SOLUTIONS; t++)
            if (has[t] && lround(pc_y(g, u[t][last]) * 10) == ys) {
                size_t len = strlen(label);
                snprintf(label + len, sizeof label - len, "%s%s", len ? " = " : "",
                         rp_solutions[t].label);
            }
        double ax = pc_x(g, last), ay = (double)ys / 10;
        rp_placed p;
        rp_labels_place(&L, ax, ay, 6, label, 11, true, &p);
        char attrs[160];
        snprintf(attrs, sizeof attrs, RP_HALO " font-weight=\"bold\" fill=\"%s\"",
                 PC_LOOK[s].colour);
        rp_label_emit(b, &p, ax, ay, attrs, label);
    }
    parleyx_buf_puts(b, "</g>\n");
}

/* "200 of 12,345 frontier points" and what else the reader should know
 * about the frontier drawn, into out. */
static void pc_note(const parley_analysis *an, size_t drawn, size_t listed, char *out, size_t n)
{
    char digits[64], total[96], nd[32], nl[32], a[48], c[48];
    parley_analysis_count_text(an, PARLEY_COUNT_PARETO_AGREEMENTS, digits, sizeof digits);
    parleyx_group_digits(digits, total, sizeof total);
    snprintf(nd, sizeof nd, "%zu", drawn);
    parleyx_group_digits(nd, a, sizeof a);
    snprintf(nl, sizeof nl, "%zu", listed);
    parleyx_group_digits(nl, c, sizeof c);
    char head[128];
    if (drawn == listed)
        snprintf(head, sizeof head, "All %s frontier points drawn", c);
    else
        snprintf(head, sizeof head, "%s of %s frontier points drawn", a, c);
    if (listed > 0 && !parley_analysis_frontier_complete(an)) {
        /* many parties: only part of the frontier is listed (solution-first) */
        char lo[64], hi[64], g1[96], g2[96];
        parley_analysis_pareto_interval(an, PARLEY_FRONTIER_AGREEMENTS, lo, hi, sizeof lo);
        snprintf(out, n, "%s of %s frontier points listed (%s; the frontier holds between %s "
                 "and %s Pareto-optimal deals).", a, c, parley_analysis_frontier_mode(an),
                 parleyx_group_digits(lo, g1, sizeof g1), parleyx_group_digits(hi, g2, sizeof g2));
    } else if (listed == 0)
        snprintf(out, n, "No Pareto-optimal deal to draw.");
    else if (strcmp(digits, nl) == 0) /* the list is the whole frontier, no ties */
        snprintf(out, n, "%s.", head);
    else
        snprintf(out, n, "%s (%s Pareto-optimal deals, counting outcomes with equal utilities).",
                 head, total);
}

parley_status rp_chart_parallel(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                                const parley_chart_options *opt, uint64_t seed)
{
    pc_geom g;
    memset(&g, 0, sizeof g);
    g.dims = parley_analysis_dims(an);
    unsigned w = opt && opt->width ? opt->width : 560, h = opt && opt->height ? opt->height : 480;
    g.W = w;
    double need = PC_LEFT + PC_RIGHT + PC_MIN_GAP * (double)(g.dims - 1);
    if (g.W < need)
        g.W = need;
    g.H = h;
    g.x0 = PC_LEFT;
    g.gap = (g.W - PC_LEFT - PC_RIGHT) / (double)(g.dims - 1);
    g.y0 = PC_TOP;
    double bottom = 30 + PC_KEY_ROW * (double)pc_legend(NULL, &g, 0) + 22;
    g.h = g.H - PC_TOP - bottom;
    if (g.h < 160) {
        g.h = 160;
        g.H = PC_TOP + g.h + bottom;
    }
    char title[96];
    snprintf(title, sizeof title, "Parallel coordinates: the fair deals of %zu stakeholders",
             g.dims);
    rp_svg_open(b, g.W, g.H, 0, "parallel", title);
    parleyx_buf_puts(b, "<desc>One vertical axis per stakeholder, its utility from 0 (bottom) to "
                        "1 (top). Each line across the axes is one deal: thin orange lines are "
                        "Pareto-optimal deals, bold lines the Nash, Kalai-Smorodinsky, "
                        "utilitarian and egalitarian deals (told apart by colour, dash pattern "
                        "and name), red triangles the reservation values.</desc>\n");
    parleyx_buf_printf(b,
                       "<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                       "The fair deals across all %zu stakeholders</text>\n",
                       g.dims);
    pc_axes(b, sc, an, &g);
    size_t drawn = 0, listed = 0;
    pc_frontier(b, an, &g, seed, &drawn, &listed);
    pc_reservations(b, sc, an, &g);
    pc_solutions(b, an, &g);
    parleyx_buf_puts(b, "<g class=\"legend\" font-size=\"11\">\n");
    size_t rows = pc_legend(b, &g, g.y0 + g.h + 34);
    char note[384];
    pc_note(an, drawn, listed, note, sizeof note);
    parleyx_buf_printf(b, "<text class=\"sample-note\" x=\"8\" y=\"%.1f\" fill=\"#666\">",
                       g.y0 + g.h + 34 + PC_KEY_ROW * (double)rows);
    rp_text(b, note);
    parleyx_buf_puts(b, "</text>\n</g>\n</svg>\n");
    return PARLEY_OK;
}

parley_status parley_chart_parallel(const parley_scenario *sc, const parley_analysis *an,
                                    const parley_chart_options *opt, uint64_t seed, char **svg,
                                    size_t *len, parley_error *err)
{
    if (!svg)
        return PARLEY_ERR_ARG;
    *svg = NULL;
    if (!sc || !sc->final || !an)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a final scenario and its analysis are needed");
    if (parley_analysis_dims(an) < 2)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parallel coordinates need at least two stakeholders, not %zu",
                            parley_analysis_dims(an));
    px_buf b;
    parley_status st = rp_begin(&b, sc->alloc);
    if (!st)
        st = rp_chart_parallel(&b, sc, an, opt, seed);
    return rp_hand_over(&b, st, svg, len, err);
}
