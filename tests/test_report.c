/*
 * test_report.c -- charts and the HTML report: well-formed (SVG parsed
 * by libxml2), deterministic (same bytes twice), the right elements, and
 * small (under 2 MB even for 10^7 outcomes, where a density is drawn).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "helpers/helpers.h"
#include "report/rp.h"

static parley_scenario *load(const char *path)
{
    parley_scenario *sc = NULL;
    parley_error err;
    const char *paths[] = {path};
    cr_assert_eq(parley_load(1, paths, NULL, &sc, &err), PARLEY_OK, "%s: %s", path, err.message);
    return sc;
}

/* The labels of one SVG do not overlap and stay inside (below). */
static void labels_apart(const char *svg, size_t len, const char *what, bool in_area);

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void well_formed(const char *xml, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "chart.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "the SVG is not well-formed XML");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cr_assert_str_eq((const char *)root->name, "svg");
    xmlFreeDoc(doc);
}

Test(report, utility_space_chart_every_outcome)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml");
    parley_analysis *an = NULL;
    cr_assert_eq(parley_analyze(sc, NULL, &an, NULL), PARLEY_OK);
    char *svg = NULL, *svg2 = NULL;
    size_t len = 0, len2 = 0;
    cr_assert_eq(parley_chart_utility_space(sc, an, 0, 1, NULL, &svg, &len, NULL), PARLEY_OK);
    cr_assert_eq(parley_chart_utility_space(sc, an, 0, 1, NULL, &svg2, &len2, NULL), PARLEY_OK);
    cr_assert_eq(len, len2);
    cr_assert_eq(memcmp(svg, svg2, len), 0, "not deterministic");
    well_formed(svg, len);
    /* 315 outcomes, each drawn unless two land on the same spot */
    size_t pts = count(svg, "r=\"2.2\"");
    cr_assert(pts > 100 && pts <= 315, "%zu outcome points", pts);
    /* the 20 Pareto-optimal agreements (distinct points) */
    cr_assert_eq(count(svg, "r=\"3.6\""), parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS));
    cr_assert(strstr(svg, "class=\"frontier\""));
    cr_assert(strstr(svg, "Nash"));
    cr_assert(strstr(svg, "KS"));
    cr_assert_eq(count(svg, "<g class=\"reservation\""), 1);
    /* both reservation values are 0.3: one vertical and one horizontal line */
    const char *g = strstr(svg, "<g class=\"reservation\"");
    const char *gend = strstr(g, "</g>");
    size_t lines = 0;
    for (const char *q = strstr(g, "<line"); q && q < gend; q = strstr(q + 1, "<line"))
        lines++;
    cr_assert_eq(lines, 2);
    parley_text_free(svg2);
    cr_assert_eq(parley_chart_utility_space(sc, an, 0, 0, NULL, &svg2, &len2, NULL), PARLEY_ERR_ARG);
    cr_assert_null(svg2);
    parley_text_free(svg);
    parley_text_free(NULL);
    parley_analysis_free(an);
    parley_scenario_free(sc);
}

Test(report, density_for_ten_million_outcomes_stays_small)
{
    const char *dir = PARLEY_SHARED_DATA "/genius/genius_7issues";
    FILE *f = fopen(PARLEY_SHARED_DATA "/genius/genius_7issues/7issues.xml", "rb");
    if (!f)
        cr_skip_test("shared data not found at %s (needs ../shared/data beside the repository)", dir);
    fclose(f);
    parley_scenario *sc = load(dir);
    char *html = NULL;
    size_t len = 0;
    parley_error err;
    cr_assert_eq(parley_report_html(sc, NULL, &html, &len, &err), PARLEY_OK, "%s", err.message);
    cr_assert_lt(len, 2000000, "report of %zu bytes", len);
    cr_assert(strstr(html, "class=\"density\""), "a density drawing for 10^7 outcomes");
    cr_assert(strstr(html, "10,000,000"));
    parley_text_free(html);
    parley_scenario_free(sc);
}

Test(report, html_sections_and_diagnosis)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml");
    char *html = NULL, *html2 = NULL;
    size_t len = 0, len2 = 0;
    parley_report_options o;
    memset(&o, 0, sizeof o);
    o.source = "abu-dhabi-2026.yaml";
    cr_assert_eq(parley_report_html(sc, &o, &html, &len, NULL), PARLEY_OK);
    o.threads = 1;
    cr_assert_eq(parley_report_html(sc, &o, &html2, &len2, NULL), PARLEY_OK);
    cr_assert(len == len2 && memcmp(html, html2, len) == 0, "output depends on threads");
    for (const char *id = "answer\0scenario\0deals\0space\0diagnosis\0"; *id; id += strlen(id) + 1) {
        char want[64];
        snprintf(want, sizeof want, "<section id=\"%s\">", id);
        cr_assert(strstr(html, want), "missing %s", want);
    }
    cr_assert(strstr(html, "No deal is acceptable to all parties"));
    /* 4 stakeholders: 6 pairwise charts; one conflict of two members */
    cr_assert_eq(count(html, "class=\"utility-space\""), 6);
    /* each pairwise chart has its legend, naming both frontiers; and the
     * parallel-coordinates chart under them its own (issue 21) */
    cr_assert_eq(count(html, "<g class=\"legend\""), 6 + 1);
    cr_assert_eq(count(html, "class=\"parallel\""), 1);
    cr_assert_eq(count(html, ">frontier of all, projected</text>"), 6);
    cr_assert_eq(count(html, "class=\"conflict-member\""), 2);
    cr_assert_eq(count(html, "class=\"relaxation\""), 2);
    cr_assert(strstr(html, "<code>Russia:whole-donbas</code> + <code>Ukrainian electorate:no-cession</code>"));
    /* each relaxation's row names the deal it opens: its Nash deal's terms */
    cr_assert(strstr(html, "<tr><td><code>Russia:whole-donbas</code></td><td class=\"num\">21</td>"
                           "<td class=\"terms\">donbas = demilitarised-zone, guarantees = "
                           "bilateral-assurances, weapons = 40, zaporizhzhia = us-operated, "
                           "sanctions = lifted, referendum = held</td>"));
    cr_assert_eq(count(html, "<td class=\"terms\">donbas = "), 2);
    cr_assert_null(strstr(html, "src=\"http"), "no external resource");
    cr_assert_null(strstr(html, "<link"));
    parley_text_free(html);
    parley_text_free(html2);
    parley_scenario_free(sc);
}

static int sink(void *ud, const char *name, const char *svg, size_t len)
{
    size_t *n = ud;
    (*n)++;
    cr_assert(strstr(name, ".svg"));
    well_formed(svg, len);
    return 0;
}

Test(report, charts_alone)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/coalition.yaml");
    size_t n = 0;
    cr_assert_eq(parley_report_charts(sc, NULL, sink, &n, NULL), PARLEY_OK);
    cr_assert_eq(n, 3 + 1 + 1, "3 pairwise charts, parallel coordinates and the diagnosis");
    parley_scenario_free(sc);
}

/* Every allocation of the report path fails in turn: each failure gives a
 * clean PARLEY_ERR_NOMEM (or a report that says what could not be
 * computed) and leaks nothing. */
Test(report, every_allocation_failure_is_clean, .timeout = 300)
{
    char *text = NULL;
    size_t len = 0;
    const char *path = PARLEY_SOURCE_DIR "/examples/coalition.yaml";
    long total = 0;
    for (long n = 0;; n++) {
        counting c = {.fail_at = n};
        parley_allocator a = {counting_alloc, &c};
        parley_load_options lo = {0};
        lo.alloc = &a;
        parley_scenario *sc = NULL;
        const char *paths[] = {path};
        parley_status st = parley_load(1, paths, &lo, &sc, NULL);
        if (st == PARLEY_OK) {
            parley_report_options ro;
            memset(&ro, 0, sizeof ro);
            ro.threads = 1; /* the counting allocator is not thread-safe */
            st = parley_report_html(sc, &ro, &text, &len, NULL);
            if (st == PARLEY_OK) {
                cr_assert(strstr(text, "</html>"));
                parley_text_free(text);
            } else {
                cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld: status %d", n, st);
                cr_assert_null(text);
            }
        } else {
            cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld: load status %d", n, st);
        }
        parley_scenario_free(sc);
        cr_assert_eq(c.blocks, 0, "allocation %ld failing leaked %ld blocks", n, c.blocks);
        if (n == 0)
            total = c.calls;
        if (n >= total)
            break;
    }
    cr_assert_gt(total, 100);
}

/* A session recorded and drawn: one dot per offer, the deal ringed. */
Test(report, session_chart)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml");
    parley_session_options so;
    parley_session_options_init(&so);
    so.rounds = 50;
    so.seed = 7;
    parley_session *s = NULL;
    cr_assert_eq(parley_session_new(sc, &so, &s, NULL), PARLEY_OK);
    cr_assert_eq(parley_session_set_strategy(s, 0, "conceder", NULL), PARLEY_OK);
    parley_session_log *log = parley_session_log_new(sc);
    cr_assert_not_null(log);
    parley_session_set_trace(s, parley_session_log_event, log);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, NULL), PARLEY_OK);
    cr_assert(parley_session_log_ok(log));
    parley_analysis *an = NULL;
    cr_assert_eq(parley_analyze(sc, NULL, &an, NULL), PARLEY_OK);
    char *svg = NULL;
    size_t len = 0;
    cr_assert_eq(parley_chart_session(sc, an, log, 0, 1, NULL, &svg, &len, NULL), PARLEY_OK);
    well_formed(svg, len);
    cr_assert_eq(count(svg, "r=\"3\" fill="), res.offers, "one dot per offer (%lu offers)",
                 res.offers);
    cr_assert_eq(count(svg, "class=\"deal\""), res.agreement ? 1u : 0u);
    cr_assert_eq(count(svg, "class=\"utility-line\""), 2, "one concession curve per proposer");
    parley_text_free(svg);
    parley_analysis_free(an);
    parley_session_log_free(log);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* The SMP forecast of the KTAB CSV at path (skipped without the shared
 * data), and its chart. */
typedef struct fc_drawn {
    parley_forecast_input *in;
    parley_forecast_result *r;
    char *svg;
    size_t len;
} fc_drawn;

static fc_drawn forecast_drawn(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        cr_skip_test("shared data not found at %s (needs ../shared/data beside the repository)", path);
    fclose(f);
    fc_drawn d = {NULL, NULL, NULL, 0};
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv(path, NULL, &d.in, &err), PARLEY_OK, "%s", err.message);
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    cr_assert_eq(parley_forecast_run(d.in, &o, &d.r, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_chart_forecast(d.in, d.r, NULL, &d.svg, &d.len, NULL), PARLEY_OK);
    return d;
}

static void fc_drawn_free(fc_drawn *d)
{
    parley_text_free(d->svg);
    parley_forecast_result_free(d->r);
    parley_forecast_input_free(d->in);
}

/* A forecast drawn: one line per actor per dimension, the forecast marked. */
Test(report, forecast_chart)
{
    fc_drawn d = forecast_drawn(PARLEY_SHARED_DATA "/ktab/dummyData_3Dim.csv");
    well_formed(d.svg, d.len);
    cr_assert_eq(count(d.svg, "class=\"actor\""), 7 * 3, "7 actors on 3 dimensions");
    cr_assert_eq(count(d.svg, "class=\"forecast-mark\""), 3);
    /* every line has one point per state (11) */
    const char *p = strstr(d.svg, "class=\"actor\"");
    const char *q = strstr(p, "points=\"") + 8;
    size_t pts = 1;
    for (; *q != '"'; q++)
        pts += *q == ' ';
    cr_assert_eq(pts, parley_forecast_result_states(d.r));
    /* ticks on both axes: five on each scale, states 0 to 10 every 1 */
    cr_assert_eq(count(d.svg, "<g class=\"ticks\""), 3);
    cr_assert_eq(count(d.svg, "text-anchor=\"middle\">10</text>"), 3);
    /* every actor named once per panel, no two names overlapping */
    cr_assert_eq(count(d.svg, "<text class=\"label\""), 7 * 3);
    labels_apart(d.svg, d.len, "dummyData_3Dim forecast", false);
    fc_drawn_free(&d);
}

/* Ten EU states converging on one position: their names, spread apart in
 * the margin, never overlap. */
Test(report, forecast_actor_names_apart)
{
    fc_drawn d = forecast_drawn(PARLEY_SHARED_DATA "/ktab/bdm-eu-emissions.csv");
    cr_assert_eq(count(d.svg, "<text class=\"label\""), 10);
    cr_assert(count(d.svg, "class=\"leader\"") > 0, "names moved from their positions");
    labels_apart(d.svg, d.len, "bdm-eu-emissions forecast", false);
    fc_drawn_free(&d);
}

/* With more than two stakeholders a chart draws the frontier of the pair
 * alone as a line.  Its points must be exactly the outcomes no other
 * outcome beats for both (brute force over every outcome, distinct
 * utility pairs), best x first, placed in the plot of the default 560 x
 * 480 chart. */
typedef struct rp_pt {
    double x, y;
} rp_pt;

static int rp_pt_desc(const void *a, const void *b)
{
    const rp_pt *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? 1 : -1;
    return p->y < q->y ? 1 : p->y > q->y ? -1 : 0;
}

Test(report, pair_frontier_is_the_brute_force_frontier_of_the_pair)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml");
    parley_analysis *an = NULL;
    cr_assert_eq(parley_analyze(sc, NULL, &an, NULL), PARLEY_OK);
    size_t dims = parley_analysis_dims(an), ni = parley_issue_count(sc);
    cr_assert_gt(dims, 2);
    uint64_t total = 1;
    for (size_t i = 0; i < ni; i++)
        total *= parley_issue_value_count(sc, i);
    rp_pt *all = calloc(total, sizeof *all), *front = calloc(total, sizeof *front);
    uint32_t o[64];
    for (size_t x = 0; x < dims; x++)
        for (size_t y = x + 1; y < dims; y++) {
            size_t px = parley_analysis_dim_party(an, x), py = parley_analysis_dim_party(an, y);
            for (uint64_t id = 0; id < total; id++) {
                uint64_t r = id;
                for (size_t i = ni; i-- > 0;) {
                    o[i] = (uint32_t)(r % parley_issue_value_count(sc, i));
                    r /= parley_issue_value_count(sc, i);
                }
                all[id].x = parley_utility(sc, px, o);
                all[id].y = parley_utility(sc, py, o);
            }
            size_t nf = 0;
            for (uint64_t a = 0; a < total; a++) {
                bool beaten = false, dup = false;
                for (uint64_t b = 0; b < total && !beaten; b++)
                    beaten = all[b].x >= all[a].x && all[b].y >= all[a].y &&
                             (all[b].x > all[a].x || all[b].y > all[a].y);
                for (size_t k = 0; k < nf && !dup; k++)
                    dup = front[k].x == all[a].x && front[k].y == all[a].y;
                if (!beaten && !dup)
                    front[nf++] = all[a];
            }
            qsort(front, nf, sizeof *front, rp_pt_desc);
            char *svg = NULL;
            size_t len = 0;
            cr_assert_eq(parley_chart_utility_space(sc, an, x, y, NULL, &svg, &len, NULL),
                         PARLEY_OK);
            well_formed(svg, len);
            /* the plot's frame: 480 wide from (62, 34) on the default 560 x 480 */
            double fh = 0;
            const char *area = strstr(svg, "class=\"plot-area\"");
            cr_assert_not_null(area);
            cr_assert_eq(sscanf(area, "class=\"plot-area\" x=\"62.0\" y=\"34.0\" "
                                      "width=\"480.0\" height=\"%lf\"", &fh), 1);
            char want[8192] = "";
            for (size_t k = 0; k < nf; k++) {
                char pt[64];
                snprintf(pt, sizeof pt, "%s%.1f,%.1f", k ? " " : "", 62 + front[k].x * 480,
                         34 + (1 - front[k].y) * fh);
                strcat(want, pt);
            }
            const char *line = strstr(svg, "class=\"pair-frontier\"");
            cr_assert_not_null(line, "pair %zu-%zu: no pair frontier", x, y);
            const char *pts = strstr(line, "points=\"") + 8;
            const char *end = strchr(pts, '"');
            cr_assert_eq((size_t)(end - pts), strlen(want), "pair %zu-%zu:\n got %.*s\nwant %s",
                         x, y, (int)(end - pts), pts, want);
            cr_assert_eq(memcmp(pts, want, strlen(want)), 0, "pair %zu-%zu:\n got %.*s\nwant %s",
                         x, y, (int)(end - pts), pts, want);
            parley_text_free(svg);
        }
    free(all);
    free(front);
    parley_analysis_free(an);
    parley_scenario_free(sc);
}

/* ------------------------------------------------ labels never overlap */

/* The label boxes of one chart, read back from its SVG: every <text
 * class="label"> with the box the placement estimated (rp_text_box: font
 * size and weight inherited from the enclosing elements), every solution
 * diamond, and the plot area. */
typedef struct lb_chart {
    rp_box label[64], mark[16], area;
    char text[64][80];
    size_t nlabel, nmark;
    bool has_area;
} lb_chart;

static double lb_num(xmlNodePtr n, const char *attr, double dflt)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
        if (v) {
            double d = strtod((const char *)v, NULL);
            xmlFree(v);
            return d;
        }
    }
    return dflt;
}

static bool lb_has(xmlNodePtr n, const char *attr, const char *want, bool inherit)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = inherit ? n->parent : NULL) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
        if (v) {
            bool same = strcmp((const char *)v, want) == 0;
            xmlFree(v);
            return same;
        }
    }
    return false;
}

static void lb_walk(xmlNodePtr n, lb_chart *c)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcmp(name, "text") == 0 && lb_has(n, "class", "label", false)) {
            cr_assert_lt(c->nlabel, 64);
            xmlChar *t = xmlNodeGetContent(n);
            double fs = lb_num(n, "font-size", 16);
            bool bold = lb_has(n, "font-weight", "bold", true);
            int anchor = lb_has(n, "text-anchor", "end", true)      ? 1
                         : lb_has(n, "text-anchor", "middle", true) ? 0
                                                                    : -1;
            c->label[c->nlabel] = rp_text_box(lb_num(n, "x", 0), lb_num(n, "y", 0),
                                              (const char *)t, fs, bold, anchor);
            snprintf(c->text[c->nlabel++], sizeof c->text[0], "%s", (const char *)t);
            xmlFree(t);
        } else if (strcmp(name, "path") == 0 && lb_has(n, "class", "solution-mark", false)) {
            xmlChar *d = xmlGetProp(n, (const xmlChar *)"d");
            double x = 0, y = 0;
            cr_assert_eq(sscanf((const char *)d, "M%lf %lf", &x, &y), 2);
            xmlFree(d);
            cr_assert_lt(c->nmark, 16);
            c->mark[c->nmark++] = (rp_box){x - 6, y, x + 6, y + 12};
        } else if (strcmp(name, "rect") == 0 && lb_has(n, "class", "plot-area", false) &&
                   !c->has_area) {
            double x = lb_num(n, "x", 0), y = lb_num(n, "y", 0);
            c->area = (rp_box){x, y, x + lb_num(n, "width", 0), y + lb_num(n, "height", 0)};
            c->has_area = true;
        }
        lb_walk(n->children, c);
    }
}

/* No two labels of the chart overlap, no label covers a solution's
 * diamond, and every label lies inside the plot area (in_area) or at
 * least inside the picture. */
static void labels_apart(const char *svg, size_t len, const char *what, bool in_area)
{
    xmlDocPtr doc = xmlReadMemory(svg, (int)len, "chart.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "%s: not well-formed", what);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    lb_chart c;
    memset(&c, 0, sizeof c);
    lb_walk(root, &c);
    rp_box pic = {0, 0, lb_num(root, "width", 0), lb_num(root, "height", 0)};
    xmlFreeDoc(doc);
    cr_assert(!in_area || c.has_area, "%s: no plot area", what);
    rp_box a = in_area ? c.area : pic;
    for (size_t i = 0; i < c.nlabel; i++) {
        const rp_box *b = &c.label[i];
        cr_assert(b->x0 >= a.x0 - 0.1 && b->y0 >= a.y0 - 0.1 && b->x1 <= a.x1 + 0.1 &&
                      b->y1 <= a.y1 + 0.1,
                  "%s: label '%s' (%.1f,%.1f)-(%.1f,%.1f) runs off (%.1f,%.1f)-(%.1f,%.1f)",
                  what, c.text[i], b->x0, b->y0, b->x1, b->y1, a.x0, a.y0, a.x1, a.y1);
        for (size_t j = i + 1; j < c.nlabel; j++)
            cr_assert(!rp_box_overlap(b, &c.label[j], 1.0), "%s: labels '%s' and '%s' overlap",
                      what, c.text[i], c.text[j]);
        for (size_t j = 0; j < c.nmark; j++)
            cr_assert(!rp_box_overlap(b, &c.mark[j], 1.0), "%s: label '%s' covers a diamond",
                      what, c.text[i]);
    }
}

/* Every utility chart of sc, alone and as a panel. */
static void utility_labels_apart(parley_scenario *sc, const char *what)
{
    parley_analysis *an = NULL;
    parley_error err;
    /* non-linear folders (S-1NIKFRT-2: 10^20 outcomes, minutes to prove)
     * are charted from what a small work limit finds: a soft stop, not
     * exact, and that is what the charts must draw well too */
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    if (parley_scenario_has_interactions(sc))
        opt.max_work = 2000000;
    cr_assert_eq(parley_analyze(sc, &opt, &an, &err), PARLEY_OK, "%s: %s", what, err.message);
    size_t dims = parley_analysis_dims(an);
    if (dims > 6)
        dims = 6;
    for (size_t x = 0; x < dims; x++)
        for (size_t y = x + 1; y < dims; y++)
            for (int panel = 0; panel < 2; panel++) {
                char name[600];
                snprintf(name, sizeof name, "%s, chart %zu-%zu%s", what, x, y,
                         panel ? " (panel)" : "");
                px_buf b;
                cr_assert_eq(rp_begin(&b, NULL), PARLEY_OK);
                cr_assert_eq(rp_chart_utility(&b, sc, an, x, y, NULL, panel), PARLEY_OK);
                char *svg = NULL;
                size_t len = 0;
                cr_assert_eq(rp_hand_over(&b, PARLEY_OK, &svg, &len, NULL), PARLEY_OK);
                labels_apart(svg, len, name, true);
                parley_text_free(svg);
            }
    parley_analysis_free(an);
}

static int lb_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A GENIUS folder as parley loads it, or, with more than twelve profiles
 * (genius_SON_real's 26 take minutes to analyse; the report draws six),
 * its domain file (named so) and first three profiles. */
static parley_scenario *lb_load_folder(const char *dir, parley_error *err)
{
    const char *one[] = {dir};
    parley_scenario *sc = NULL;
    if (parley_load(1, one, NULL, &sc, err) != PARLEY_OK || parley_party_count(sc) <= 12)
        return sc;
    parley_scenario_free(sc);
    sc = NULL;
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    char *files[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (strstr(e->d_name, ".xml"))
            files[n++] = strdup(e->d_name);
    closedir(d);
    qsort(files, n, sizeof *files, lb_names);
    char paths[4][1400];
    const char *pp[4];
    size_t np = 1;
    paths[0][0] = '\0';
    for (size_t k = 0; k < n; k++) {
        bool domain = strstr(files[k], "domain") != NULL;
        if (domain || np < 4)
            snprintf(paths[domain ? 0 : np++], sizeof paths[0], "%s/%s", dir, files[k]);
        free(files[k]);
    }
    cr_assert(paths[0][0], "%s: no domain file", dir);
    for (size_t k = 0; k < 4; k++)
        pp[k] = paths[k];
    cr_assert_eq(parley_load(np, pp, NULL, &sc, err), PARLEY_OK, "%s: %s", dir, err->message);
    return sc;
}

Test(report, solution_labels_apart_inside_the_plot_examples)
{
    const char *ex[] = {"buyer-seller.yaml", "coalition.yaml", "abu-dhabi-2026.yaml"};
    for (size_t k = 0; k < 3; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/examples/%s", PARLEY_SOURCE_DIR, ex[k]);
        parley_scenario *sc = load(path);
        utility_labels_apart(sc, ex[k]);
        parley_scenario_free(sc);
    }
}

/* Every GENIUS folder of the shared data that parley reads (some hold
 * profile kinds it does not support yet: those are passed over). */
Test(report, solution_labels_apart_inside_the_plot_genius, .timeout = 600)
{
    const char *root = PARLEY_SHARED_DATA "/genius";
    DIR *d = opendir(root);
    if (!d)
        cr_skip_test("shared data not found at %s (needs ../shared/data beside the repository)",
                     root);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, lb_names);
    size_t checked = 0;
    bool seen_7issues = false, seen_politics = false;
    for (size_t k = 0; k < n; k++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", root, names[k]);
        struct stat stt;
        parley_error err;
        parley_scenario *sc = NULL;
        if (stat(dir, &stt) == 0 && S_ISDIR(stt.st_mode) && (sc = lb_load_folder(dir, &err))) {
            /* the non-linear folders take 20 s here, 10 min under valgrind:
             * the plain and sanitizer runs cover them */
            if (getenv("PARLEY_UNDER_VALGRIND") && parley_scenario_has_interactions(sc)) {
                parley_scenario_free(sc);
                free(names[k]);
                continue;
            }
            utility_labels_apart(sc, names[k]);
            checked++;
            seen_7issues |= strcmp(names[k], "genius_7issues") == 0;
            seen_politics |= strcmp(names[k], "anac2015_politics") == 0;
        }
        parley_scenario_free(sc);
        free(names[k]);
    }
    cr_assert_geq(checked, 15, "only %zu GENIUS folders read", checked);
    cr_assert(seen_7issues && seen_politics);
}

/* The Abu Dhabi talks under the mediated protocol (seed 0, 100 rounds):
 * the negotiators agree and the Ukrainian electorate vetoes the deal. */
static parley_session_log *mediated_abu_dhabi(parley_scenario *sc, parley_session_result *res,
                                              parley_session **s)
{
    parley_session_options so;
    parley_session_options_init(&so);
    so.protocol = PARLEY_PROTOCOL_MEDIATED;
    cr_assert_eq(parley_session_new(sc, &so, s, NULL), PARLEY_OK);
    parley_session_log *log = parley_session_log_new(sc);
    parley_session_set_trace(*s, parley_session_log_event, log);
    cr_assert_eq(parley_session_run(*s, res, NULL), PARLEY_OK);
    cr_assert(res->vetoed && !res->agreement, "the example's mediated talks end in a veto");
    return log;
}

/* A veto is drawn as a veto naming the ratifier, not ringed as a deal;
 * the mediated chart's lines are the parties' utilities of the
 * mediator's texts (one per party with preferences), not the mediator's
 * own (none: a flat 0). */
Test(report, session_chart_veto_and_mediated_texts)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml");
    parley_session *s = NULL;
    parley_session_result res;
    parley_session_log *log = mediated_abu_dhabi(sc, &res, &s);
    parley_analysis *an = NULL;
    cr_assert_eq(parley_analyze(sc, NULL, &an, NULL), PARLEY_OK);
    char *svg = NULL;
    size_t len = 0;
    cr_assert_eq(parley_chart_session(sc, an, log, 0, 1, NULL, &svg, &len, NULL), PARLEY_OK);
    cr_assert_eq(count(svg, "class=\"deal\""), 0, "a vetoed deal is not ringed as a deal");
    cr_assert_eq(count(svg, "class=\"veto\""), 1);
    cr_assert(strstr(svg, ">vetoed by Ukrainian electorate</text>"));
    cr_assert(strstr(svg, "the mediator's texts"));
    labels_apart(svg, len, "mediated session", true);
    /* United States, Russia, Ukraine, Ukrainian electorate: the mediator
     * (United Arab Emirates) has no preferences and no line */
    cr_assert_eq(count(svg, "class=\"utility-line\""), 4);
    cr_assert_null(strstr(svg, ">United Arab Emirates</text>"));
    for (const char *p = strstr(svg, "class=\"utility-line\""); p;
         p = strstr(p + 1, "class=\"utility-line\"")) {
        const char *q = strstr(p, "points=\"") + 8, *end = strchr(q, '"');
        double lo = 1e9, hi = -1e9;
        for (; q && q < end; q = strchr(q + 1, ' ')) {
            double px, py;
            cr_assert_eq(sscanf(*q == ' ' ? q + 1 : q, "%lf,%lf", &px, &py), 2);
            lo = py < lo ? py : lo;
            hi = py > hi ? py : hi;
        }
        cr_assert_gt(hi - lo, 10, "a line that never moves (%.1f to %.1f)", lo, hi);
    }
    parley_text_free(svg);
    parley_analysis_free(an);
    parley_session_log_free(log);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* The report's session section states the terms, ratified or vetoed, and
 * every party's utility of them. */
Test(report, session_section_states_terms_and_utilities)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml");
    parley_report_options o;
    memset(&o, 0, sizeof o);
    o.negotiate = true;
    parley_session_options_init(&o.session);
    o.session.protocol = PARLEY_PROTOCOL_MEDIATED;
    char *html = NULL;
    size_t len = 0;
    cr_assert_eq(parley_report_html(sc, &o, &html, &len, NULL), PARLEY_OK);
    cr_assert(strstr(html, "the ratifier Ukrainian electorate vetoed the deal"));
    cr_assert(strstr(html, "<h3>The terms agreed, then vetoed</h3>"));
    cr_assert(strstr(html, "<tr><td>donbas</td><td>ceded-to-russia</td></tr>"));
    cr_assert(strstr(html, "<tr><td>Ukrainian electorate</td><td>ratifier</td><td "
                           "class=\"num\">0.35</td><td class=\"num\">0.3</td></tr>"));
    parley_text_free(html);
    parley_scenario_free(sc);
    sc = load(PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml");
    parley_session_options_init(&o.session);
    cr_assert_eq(parley_report_html(sc, &o, &html, &len, NULL), PARLEY_OK);
    cr_assert(strstr(html, "agreement.</p>"));
    cr_assert(strstr(html, "<h3>The deal</h3>"));
    const char *t = strstr(html, "<table class=\"deal-terms\">");
    cr_assert_not_null(t);
    char *terms = strndup(t, (size_t)(strstr(t, "</table>") - t));
    cr_assert_eq(count(terms, "<tr><td>"), parley_issue_count(sc), "one row per issue");
    free(terms);
    cr_assert(strstr(t, "<table class=\"deal-utilities\">"));
    parley_text_free(html);
    parley_scenario_free(sc);
}
