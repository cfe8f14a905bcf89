/*
 * cmd_analyze.c -- `parley analyze`: is there a deal every party can
 * accept, which deals are efficient, which are fair.
 *
 * Uses only the public API (parley/analysis.h) and parleyx_ helpers.
 * Output: readable text (default), JSON (--json; schema in
 * docs/analysis.md, written by hand here so that numbers come out in the
 * shortest form that reads back exactly and keys in a fixed order: the
 * same input gives the same bytes), and the frontiers as CSV (--csv FILE).
 * Progress is drawn on standard error only when it is a terminal and the
 * analysis has run for two seconds.
 *
 * Exit status: 0 the analysis ran, whatever its answer; with --exit-code,
 * 1 when no deal is acceptable to all parties (the analysis is still
 * printed; as `git diff --exit-code`); 2 bad input, usage or a limit
 * reached, 3 internal error.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley analyze [OPTIONS] INPUT...\n"
           "\n"
           "Analyse the agreement space: the number of outcomes, the deals every\n"
           "negotiator and ratifier accepts (no red line broken, utility at least\n"
           "the reservation value), the Pareto frontier over all outcomes and over\n"
           "those deals, and the Nash, Kalai-Smorodinsky, utilitarian and\n"
           "egalitarian deals.  Exact: GENIUS's arithmetic, ties counted.\n"
           "\n"
           "INPUT is a native scenario file, a GENIUS folder, or a GENIUS domain\n"
           "file followed by its profile files.\n"
           "\n"
           "Options:\n"
           "  --json                 machine-readable output (docs/analysis.md)\n"
           "  --csv FILE             write the frontiers as CSV to FILE ('-': stdout)\n"
           "  --kalai normalized|genius\n"
           "                         Kalai-Smorodinsky: textbook, normalised by each\n"
           "                         party's best acceptable utility (default), or\n"
           "                         GENIUS's variant (smallest |u1 - u2|)\n"
           "  --grid N               points per real issue (default 21)\n"
           "  --max-input MiB        largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...     GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME       GENIUS: name the party of profile FILE (repeatable)\n"
           "  --max-outcomes N       work limit: outcomes looked at one by one\n"
           "                         (default 2000000000)\n"
           "  --max-frontier N       the most points a Pareto frontier may hold\n"
           "                         (default 4000000; about 110 bytes a point)\n"
           "  --max-seconds S        stop after S seconds of wall time (default: no\n"
           "                         limit; exit status 2 as for the other limits)\n"
           "  --frontier MODE        which Pareto points to list: all, none,\n"
           "                         near:SOLUTION[:R] (the points within R, default\n"
           "                         0.02, of the nash, ks, utilitarian or egalitarian\n"
           "                         deal in every utility), sample:N (N points drawn\n"
           "                         with --seed), or auto (default: all, unless three\n"
           "                         or more parties make the frontier larger than\n"
           "                         20,000 points; then near:nash).  Deal counts and\n"
           "                         the four fair deals are exact in every mode\n"
           "  --seed N               the seed of sample:N and of the frontier-size\n"
           "                         estimate (default 1)"
           "  --threads N            worker threads (default 2)\n"
           "  -o FILE                write the report to FILE (atomically)\n"
           "  --exit-code            exit with status 1 when no deal is acceptable\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 the analysis ran (whatever its answer; with --exit-code,\n"
           "1 when no deal is acceptable to all parties), 2 bad input or usage or a\n"
           "limit reached, 3 internal error.\n");
}

/* ------------------------------------------------------------ helpers */

static const char *label(const parley_scenario *sc, size_t i, uint32_t k, char *buf, size_t n)
{
    return parley_issue_value_label(sc, i, k, buf, n);
}

static void json_frontier(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                          parley_frontier_kind fk, parley_count_kind ck)
{
    size_t d = parley_analysis_dims(an), n = parley_analysis_frontier_size(an, fk);
    bool exact = parley_analysis_frontier_complete(an);
    parleyx_buf_puts(b, "{\n    \"outcomes\": ");
    if (exact)
        cli_json_count(b, an, ck);
    else
        parleyx_buf_puts(b, "null");
    if (exact)
        parleyx_buf_printf(b, ",\n    \"points\": %zu", n);
    else
        parleyx_buf_puts(b, ",\n    \"points\": null");
    parleyx_buf_printf(b, ",\n    \"listed\": %zu,\n    \"exact\": %s", n,
                       exact ? "true" : "false");
    if (!exact) {
        /* a certified interval: the listed points' outcomes .. what the
         * frontier may hold (decimal strings when past 2^63) */
        char lo[64], hi[64];
        parley_analysis_pareto_interval(an, fk, lo, hi, sizeof lo);
        parleyx_buf_puts(b, ",\n    \"outcomes_between\": [");
        for (int k = 0; k < 2; k++) {
            const char *t = k ? hi : lo;
            if (k)
                parleyx_buf_puts(b, ", ");
            if (strlen(t) < 19)
                parleyx_buf_puts(b, t);
            else
                cli_json_str(b, t);
        }
        parleyx_buf_puts(b, "]");
        double est, e0, e1;
        size_t ns;
        if (fk == PARLEY_FRONTIER_AGREEMENTS &&
            parley_analysis_pareto_estimate(an, &est, &e0, &e1, &ns)) {
            parleyx_buf_puts(b, ",\n    \"estimate\": {\"outcomes\": ");
            cli_json_num(b, floor(est + 0.5));
            parleyx_buf_puts(b, ", \"low95\": ");
            cli_json_num(b, floor(e0));
            parleyx_buf_puts(b, ", \"high95\": ");
            cli_json_num(b, ceil(e1));
            parleyx_buf_printf(b, ", \"deals_tested\": %zu}", ns);
        }
    }
    parleyx_buf_puts(b, ",\n    \"frontier\": [");
    for (size_t i = 0; i < n; i++) {
        parleyx_buf_printf(b, "%s\n      {\"utilities\": ", i ? "," : "");
        cli_json_utils(b, parley_analysis_frontier_utilities(an, fk, i), d);
        uint64_t mult;
        parleyx_buf_puts(b, ", \"multiplicity\": ");
        if (parley_analysis_frontier_multiplicity(an, fk, i, &mult) && mult <= (uint64_t)INT64_MAX)
            parleyx_buf_printf(b, "%llu", (unsigned long long)mult);
        else
            cli_json_str(b, "more than 2^63");
        parleyx_buf_puts(b, ", \"outcome\": ");
        cli_json_outcome(b, sc, parley_analysis_frontier_outcome(an, fk, i), NULL);
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_printf(b, "%s]\n  }", n ? "\n    " : "");
}

static bool has_deal(const parley_analysis *an)
{
    char t[64];
    parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, t, sizeof t);
    return strcmp(t, "0") != 0;
}

static void json_report(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                        parley_kalai_mode kalai)
{
    size_t d = parley_analysis_dims(an);
    parleyx_buf_puts(b, "{\n  \"parley_analysis\": 1,\n  \"scenario\": ");
    cli_json_str(b, parley_scenario_name(sc));
    parleyx_buf_puts(b, ",\n  \"parties\": [");
    for (size_t j = 0; j < d; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_party_name(sc, parley_analysis_dim_party(an, j)));
    }
    parleyx_buf_puts(b, "],\n  \"reservation\": [");
    for (size_t j = 0; j < d; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, parley_party_reservation(sc, parley_analysis_dim_party(an, j)));
    }
    parleyx_buf_puts(b, "],\n  \"issues\": [");
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        if (i)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_issue_name(sc, i));
    }
    parleyx_buf_puts(b, "],\n  \"outcomes\": ");
    cli_json_count(b, an, PARLEY_COUNT_OUTCOMES);
    parleyx_buf_puts(b, ",\n  \"agreements\": ");
    cli_json_count(b, an, PARLEY_COUNT_AGREEMENTS);
    bool exact = parley_analysis_exact(an);
    parleyx_buf_puts(b, ",\n  \"deal\": ");
    /* not exact and none found: unknown */
    parleyx_buf_puts(b, has_deal(an) ? "true" : exact ? "false" : "null");
    parleyx_buf_printf(b, ",\n  \"exact\": %s", exact ? "true" : "false");
    parleyx_buf_puts(b, ",\n  \"frontier_mode\": ");
    cli_json_str(b, parley_analysis_frontier_mode(an));
    if (!exact) {
        parleyx_buf_puts(b, ",\n  \"gap\": ");
        cli_json_num(b, parley_analysis_gap(an));
    }
    parleyx_buf_puts(b, ",\n  \"best\": {\"outcomes\": ");
    double *tmp = calloc(d ? d : 1, sizeof(double));
    for (size_t j = 0; j < d; j++)
        tmp[j] = parley_analysis_best(an, j, false);
    cli_json_utils(b, tmp, d);
    parleyx_buf_puts(b, ", \"agreements\": ");
    for (size_t j = 0; j < d; j++)
        tmp[j] = parley_analysis_best(an, j, true);
    cli_json_utils(b, tmp, d);
    free(tmp);
    parleyx_buf_puts(b, "},\n  \"pareto\": ");
    json_frontier(b, sc, an, PARLEY_FRONTIER_ALL, PARLEY_COUNT_PARETO_OUTCOMES);
    parleyx_buf_puts(b, ",\n  \"pareto_agreements\": ");
    json_frontier(b, sc, an, PARLEY_FRONTIER_AGREEMENTS, PARLEY_COUNT_PARETO_AGREEMENTS);
    parleyx_buf_printf(b, ",\n  \"kalai_mode\": \"%s\",\n  \"solutions\": {",
                       kalai == PARLEY_KALAI_GENIUS ? "genius" : "normalized");
    for (int k = PARLEY_SOLUTION_NASH; k <= PARLEY_SOLUTION_EGALITARIAN; k++) {
        parleyx_buf_printf(b, "%s\n    \"%s\": ", k ? "," : "",
                           parley_solution_name((parley_solution_kind)k));
        cli_json_solution(b, sc, an, (parley_solution_kind)k, "    ");
    }
    parleyx_buf_puts(b, "\n  },\n  \"genius\": {");
    static const char *gname[3] = {"nash", "kalai_smorodinsky", "max_welfare"};
    for (int k = 0; k < 3; k++) {
        parleyx_buf_printf(b, "%s\n    \"%s\": ", k ? "," : "", gname[k]);
        cli_json_solution(b, sc, an, (parley_solution_kind)(PARLEY_SOLUTION_GENIUS_NASH + k), "    ");
    }
    parleyx_buf_puts(b, "\n  }");
    if (!has_deal(an) && exact) {
        parleyx_buf_puts(b, ",\n  \"no_deal\": [");
        bool first = true;
        for (size_t p = 0; p < parley_party_count(sc); p++) {
            char cnt[64];
            bool out;
            if (!parley_analysis_party_alone(an, p, cnt, sizeof cnt, &out))
                continue;
            parleyx_buf_printf(b, "%s\n    {\"party\": ", first ? "" : ",");
            first = false;
            cli_json_str(b, parley_party_name(sc, p));
            parleyx_buf_puts(b, ", \"reservation\": ");
            cli_json_num(b, parley_party_reservation(sc, p));
            parleyx_buf_printf(b, ", \"reservation_out_of_reach\": %s, \"acceptable_alone\": ",
                               out ? "true" : "false");
            uint64_t v = strtoull(cnt, NULL, 10);
            if (strlen(cnt) < 19)
                parleyx_buf_printf(b, "%llu", (unsigned long long)v);
            else
                cli_json_str(b, cnt);
            parleyx_buf_puts(b, ", \"red_lines\": [");
            for (size_t r = 0; r < parley_redline_count(sc, p); r++) {
                if (r)
                    parleyx_buf_puts(b, ", ");
                cli_json_str(b, parley_redline_name(sc, p, r));
            }
            parleyx_buf_puts(b, "]}");
        }
        parleyx_buf_puts(b, "\n  ]");
    }
    parleyx_buf_puts(b, "\n}\n");
}

/* ------------------------------------------------------------ text */

static void text_count(px_buf *b, const parley_analysis *an, parley_count_kind k)
{
    char t[64], g[96];
    parley_analysis_count_text(an, k, t, sizeof t);
    parleyx_buf_puts(b, parleyx_group_digits(t, g, sizeof g));
}

/* "N outcomes at M points." -- or, when the frontier was not listed in
 * full (many parties), the certified interval, the estimate and what is
 * listed. */
static void text_pareto(px_buf *b, const parley_analysis *an, parley_frontier_kind fk,
                        parley_count_kind ck, const char *points)
{
    char c[32];
    size_t n = parley_analysis_frontier_size(an, fk);
    if (parley_analysis_frontier_complete(an)) {
        text_count(b, an, ck);
        parleyx_buf_printf(b, " outcomes at %s %s.\n", cli_count(n, c, sizeof c), points);
        return;
    }
    char lo[64], hi[64], g1[96], g2[96];
    parley_analysis_pareto_interval(an, fk, lo, hi, sizeof lo);
    parleyx_buf_printf(b, "between %s and %s outcomes", parleyx_group_digits(lo, g1, sizeof g1),
                       parleyx_group_digits(hi, g2, sizeof g2));
    double est, e0, e1;
    size_t ns;
    if (fk == PARLEY_FRONTIER_AGREEMENTS &&
        parley_analysis_pareto_estimate(an, &est, &e0, &e1, &ns))
        parleyx_buf_printf(b, " (about %.3g; 95%% interval %.3g to %.3g, from %zu deals drawn at "
                              "random and tested)", est, e0, e1, ns);
    parleyx_buf_printf(b, ";\n  %s %s listed (frontier: %s).\n", cli_count(n, c, sizeof c),
                       points, parley_analysis_frontier_mode(an));
}

static void text_deal(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                      parley_solution_kind k, const char *title, const char *how)
{
    const double *u;
    const uint32_t *o;
    if (!parley_analysis_solution(an, k, &u, &o))
        return;
    char t[PARLEY_MAX_NAME + 1];
    parleyx_buf_printf(b, "\n%s (%s):\n", title, how);
    size_t m = parley_issue_count(sc), w = cli_widest(sc, m, parley_issue_name, 0);
    if (w > 40)
        w = 40;
    for (size_t i = 0; i < m; i++) {
        parleyx_buf_puts(b, "  ");
        cli_pad(b, parley_issue_name(sc, i), w);
        parleyx_buf_printf(b, "  %s\n", label(sc, i, o[i], t, sizeof t));
    }
    parleyx_buf_puts(b, "  utilities:");
    char f[40];
    for (size_t j = 0; j < parley_analysis_dims(an); j++)
        parleyx_buf_printf(b, "%s %s %s", j ? "," : "",
                           parley_party_name(sc, parley_analysis_dim_party(an, j)),
                           cli_fmt(u[j], f, sizeof f));
    parleyx_buf_puts(b, "\n");
}

static void text_report(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                        parley_kalai_mode kalai, const char *input)
{
    const char *name = parley_scenario_name(sc);
    size_t d = parley_analysis_dims(an);
    parleyx_buf_printf(b, "Scenario: %s\n", name[0] ? name : input);
    parleyx_buf_printf(b, "Parties:  ");
    for (size_t j = 0; j < d; j++) {
        size_t p = parley_analysis_dim_party(an, j);
        char r[40];
        parleyx_buf_printf(b, "%s%s (%s, reservation %s)", j ? ", " : "", parley_party_name(sc, p),
                           parley_role_name(parley_party_role(sc, p)),
                           cli_fmt(parley_party_reservation(sc, p), r, sizeof r));
    }
    parleyx_buf_puts(b, "\nOutcomes: ");
    text_count(b, an, PARLEY_COUNT_OUTCOMES);
    char c[32];
    parleyx_buf_printf(b, " (%s issues)\n\n", cli_count(parley_issue_count(sc), c, sizeof c));

    if (!parley_analysis_exact(an) && parley_analysis_gap(an) == 0.0 && has_deal(an)) {
        /* the frontiers' points are proven; only counts were cut short */
        parleyx_buf_puts(b, "NOT EXACT: the work limit or the time limit stopped the counting "
                            "first.  The\nfrontiers' points below are proven (the true "
                            "frontiers have exactly these\npoints), but the counts and "
                            "multiplicities are lower bounds and each point's\noutcome is the "
                            "smallest one found.  Raise --max-outcomes or --max-seconds for\nan "
                            "exact answer.\n\n");
    } else if (!parley_analysis_exact(an)) {
        char g[40];
        parleyx_buf_printf(b, "NOT EXACT: the work limit or the time limit stopped the search "
                              "first.  The\nfrontiers below are the best points among the "
                              "outcomes looked at, the counts\nare lower bounds, and the true "
                              "frontiers are proven to be within %s of\nthese points in every "
                              "party's utility.  Raise --max-outcomes or --max-seconds\nfor an "
                              "exact answer.\n\n",
                           cli_fmt(parley_analysis_gap(an), g, sizeof g));
        if (!has_deal(an)) {
            parleyx_buf_puts(b, "No acceptable deal was found among the outcomes looked at; "
                                "whether one exists\nis not known.\n");
            return;
        }
    }
    if (!has_deal(an)) {
        parleyx_buf_puts(b, "Pareto frontier over all outcomes (GENIUS): ");
        text_pareto(b, an, PARLEY_FRONTIER_ALL, PARLEY_COUNT_PARETO_OUTCOMES, "points");
        parleyx_buf_puts(b, "\nNo deal is acceptable to all parties: no outcome keeps every red "
                            "line\nand gives every negotiator and ratifier its reservation "
                            "value.\n\nWhat each party alone would accept:\n");
        for (size_t p = 0; p < parley_party_count(sc); p++) {
            char cnt[64], g[96], r[40], best[40];
            bool out;
            if (!parley_analysis_party_alone(an, p, cnt, sizeof cnt, &out))
                continue;
            parleyx_buf_printf(b, "  %s: %s outcomes; reservation value %s", parley_party_name(sc, p),
                               parleyx_group_digits(cnt, g, sizeof g),
                               cli_fmt(parley_party_reservation(sc, p), r, sizeof r));
            if (out) {
                double bv = 0.0;
                for (size_t j = 0; j < d; j++)
                    if (parley_analysis_dim_party(an, j) == p)
                        bv = parley_analysis_best(an, j, false);
                parleyx_buf_printf(b, " (out of reach: the best it can get is %s)",
                                   cli_fmt(bv, best, sizeof best));
            }
            size_t nr = parley_redline_count(sc, p);
            if (nr) {
                parleyx_buf_puts(b, "; red lines:");
                for (size_t q = 0; q < nr; q++)
                    parleyx_buf_printf(b, "%s %s", q ? "," : "", parley_redline_name(sc, p, q));
            }
            parleyx_buf_puts(b, "\n");
        }
        parleyx_buf_puts(b, "\nEach party's own limits are listed above; together they leave "
                            "nothing.\nRelax a red line or a reservation value, or add "
                            "options to an issue.\n");
        return;
    } else {
        text_count(b, an, PARLEY_COUNT_AGREEMENTS);
        parleyx_buf_puts(b, " acceptable deals (every red line kept, every reservation value "
                            "met).\n");
        parleyx_buf_puts(b, "Pareto-optimal deals: ");
        text_pareto(b, an, PARLEY_FRONTIER_AGREEMENTS, PARLEY_COUNT_PARETO_AGREEMENTS,
                    "distinct utility points");
    }
    parleyx_buf_puts(b, "Pareto frontier over all outcomes (GENIUS): ");
    text_pareto(b, an, PARLEY_FRONTIER_ALL, PARLEY_COUNT_PARETO_OUTCOMES, "points");
    if (!parley_analysis_frontier_complete(an))
        parleyx_buf_puts(b, "With this many parties most deals are Pareto-optimal, so the "
                            "frontier is not\nlisted in full; the counts and the deals below "
                            "are exact.  --frontier all\nlists every point; --frontier "
                            "sample:N draws N of them.\n");
    text_deal(b, sc, an, PARLEY_SOLUTION_NASH, "The Nash deal",
              "largest product of gains over the reservation values");
    text_deal(b, sc, an, PARLEY_SOLUTION_KALAI_SMORODINSKY, "The Kalai-Smorodinsky deal",
              kalai == PARLEY_KALAI_GENIUS ? "GENIUS variant: smallest |u1 - u2|"
                                           : "largest equal share of each party's best gain");
    text_deal(b, sc, an, PARLEY_SOLUTION_UTILITARIAN, "The utilitarian deal",
              "largest sum of utilities");
    text_deal(b, sc, an, PARLEY_SOLUTION_EGALITARIAN, "The egalitarian deal",
              "largest smallest utility");
}

/* ------------------------------------------------------------ CSV */

static void csv_field(px_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        parleyx_buf_add(b, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                parleyx_buf_add(b, "\"", 1);
            parleyx_buf_add(b, p, 1);
        }
        parleyx_buf_add(b, "\"", 1);
    } else {
        parleyx_buf_puts(b, s);
    }
}

static void csv_report(px_buf *b, const parley_scenario *sc, const parley_analysis *an)
{
    size_t d = parley_analysis_dims(an), m = parley_issue_count(sc);
    char t[PARLEY_MAX_NAME + 1];
    parleyx_buf_puts(b, "frontier");
    for (size_t j = 0; j < d; j++) {
        parleyx_buf_puts(b, ",");
        snprintf(t, sizeof t, "u_%s", parley_party_name(sc, parley_analysis_dim_party(an, j)));
        csv_field(b, t);
    }
    parleyx_buf_puts(b, ",multiplicity");
    for (size_t i = 0; i < m; i++) {
        parleyx_buf_puts(b, ",");
        csv_field(b, parley_issue_name(sc, i));
    }
    parleyx_buf_puts(b, "\n");
    for (int k = 0; k < 2; k++) {
        parley_frontier_kind fk = k ? PARLEY_FRONTIER_AGREEMENTS : PARLEY_FRONTIER_ALL;
        for (size_t i = 0; i < parley_analysis_frontier_size(an, fk); i++) {
            const double *u = parley_analysis_frontier_utilities(an, fk, i);
            const uint32_t *o = parley_analysis_frontier_outcome(an, fk, i);
            parleyx_buf_puts(b, k ? "agreements" : "all");
            for (size_t j = 0; j < d; j++) {
                parleyx_buf_puts(b, ",");
                parleyx_buf_puts(b, parleyx_fmt_double(u[j], t, sizeof t));
            }
            uint64_t mult;
            if (parley_analysis_frontier_multiplicity(an, fk, i, &mult))
                parleyx_buf_printf(b, ",%llu", (unsigned long long)mult);
            else
                parleyx_buf_puts(b, ",>2^64");
            for (size_t q = 0; q < m; q++) {
                parleyx_buf_puts(b, ",");
                csv_field(b, label(sc, q, o[q], t, sizeof t));
            }
            parleyx_buf_puts(b, "\n");
        }
    }
}

/* ------------------------------------------------------------ main */

typedef struct an_args {
    bool json;
    bool exit_code; /* --exit-code: 1 when no deal */
    const char *csv, *outpath;
    parley_analysis_options opt;
    parley_load_options lo;
} an_args;

static int on_kalai(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)opt;
    an_args *a = ud;
    if (strcmp(val, "genius") == 0)
        a->opt.kalai = PARLEY_KALAI_GENIUS;
    else if (strcmp(val, "normalized") == 0 || strcmp(val, "normalised") == 0)
        a->opt.kalai = PARLEY_KALAI_NORMALIZED;
    else
        return cli_usage(cmd, "--kalai expects 'normalized' or 'genius', got '%s'", val);
    return CLI_OK;
}

static int on_frontier(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)opt;
    parley_error err;
    parley_error_clear(&err);
    if (parley_analysis_frontier_parse(val, &((an_args *)ud)->opt, &err) != PARLEY_OK)
        return cli_usage(cmd, "--frontier: %s", err.message);
    return CLI_OK;
}

static int on_seed(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)opt;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (!val[0] || *end || errno || val[0] == '-')
        return cli_usage(cmd, "--seed expects a whole number from 0 to 2^64-1, got '%s'", val);
    ((an_args *)ud)->opt.seed = v;
    return CLI_OK;
}

static int on_max_frontier(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    if (v == 0 || v > (unsigned long long)(SIZE_MAX / 4))
        return cli_usage(cmd, "--max-frontier expects 1 to %zu, got '%s'", SIZE_MAX / 4, val);
    ((an_args *)ud)->opt.max_frontier = (size_t)v;
    return CLI_OK;
}

static int on_threads(const char *cmd, const char *opt, const char *val, void *ud)
{
    return cli_parse_range(cmd, opt, val, 64, &((an_args *)ud)->opt.threads);
}

/* Analyse and print; returns the exit status. */
static int run(an_args *a, const parley_scenario *sc, const char *input)
{
    cli_progress ps;
    cli_progress_start(&ps, "analyze", &a->opt.progress, &a->opt.progress_ud);
    parley_analysis *an = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_analyze(sc, &a->opt, &an, &err);
    cli_progress_end(&ps);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (a->json)
        json_report(&b, sc, an, a->opt.kalai);
    else
        text_report(&b, sc, an, a->opt.kalai, input);
    int rc = cli_write_buf("analyze", "the report", a->outpath, &b);
    if (rc == CLI_OK && a->csv) {
        parleyx_buf_init(&b, NULL, 0);
        csv_report(&b, sc, an);
        rc = cli_write_buf("analyze", "the CSV", a->csv, &b);
    }
    if (rc == CLI_OK && a->exit_code && !has_deal(an) && parley_analysis_exact(an))
        rc = CLI_NORESULT;
    parley_analysis_free(an);
    return rc;
}

int cmd_analyze(int argc, char **argv)
{
    an_args a;
    memset(&a, 0, sizeof a);
    parley_analysis_options_init(&a.opt);
    const cli_opt opts[] = {
        CLI_FLAG("--json", &a.json),
        CLI_FLAG("--exit-code", &a.exit_code),
        CLI_VALUE("--csv", "a value", &a.csv),
        CLI_VALUE("-o", "a value", &a.outpath),
        CLI_CALL("--kalai", "a value", on_kalai, &a),
        CLI_CALL("--max-outcomes", "a value", cli_on_max_outcomes, &a.opt.max_work),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &a.opt.max_seconds),
        CLI_CALL("--max-frontier", "a value", on_max_frontier, &a),
        CLI_CALL("--frontier", "a value", on_frontier, &a),
        CLI_CALL("--seed", "a value", on_seed, &a),
        CLI_CALL("--threads", "a value", on_threads, &a),
        CLI_LOAD_OPTIONS(&a.lo),
        CLI_PARTY_OPTIONS(&a.lo),
    };
    const cli_cmdline cl = {.cmd = "analyze", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input; give a scenario file, a GENIUS folder, or a "
                                        "GENIUS domain file and its profiles"};
    parley_scenario *sc;
    int rc;
    if (cli_parse_load(&cl, argc, argv, &a.lo, &sc, &rc))
        rc = run(&a, sc, argv[1]);
    parley_scenario_free(sc);
    return rc;
}
