/*
 * cmd_robust.c -- `parley robust`: which conclusions hold across every
 * plausible world of a scenario with uncertain numbers and bluffed red
 * lines (docs/robust.md).  Exact robust and possible deal sets, then
 * sampled worlds: P(deal) with its Wilson interval, the most robust deals,
 * the bargaining solutions' modes, the red lines' roles, the Nash
 * utilities, and with --sensitivity a tornado of the inputs.  Text, JSON
 * (--json; keys in a fixed order, numbers shortest round-trip) and CSV of
 * the listed outcomes (--csv FILE).  Exit 0 whenever it ran.
 */
#include "cli.h"

#include <math.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley robust [--samples N] [--seed S] [--threads T] [--top K]\n"
           "                     [--sensitivity] [--exact] [--json] [--csv FILE]\n"
           "                     [--max-outcomes N] [--max-seconds S] [--grid N]\n"
           "                     [--max-input MiB] INPUT\n"
           "\n"
           "What holds across every plausible world of a scenario whose numbers are\n"
           "uncertain ({between: [LO, HI]}, normal, choice) and whose red lines may be\n"
           "bluffs ({rule: ..., holds: P}); see docs/robust.md.\n"
           "\n"
           "  1. Exact, no sampling: the robust deals (acceptable in every world) and\n"
           "     the possible deals (acceptable in at least one), counted over the\n"
           "     whole space; refused with the reason where no corner of the\n"
           "     uncertainty decides (== on an uncertain utility...).\n"
           "  2. Sampled worlds: P(a deal exists) with a 95%% Wilson interval, the\n"
           "     outcomes most often acceptable, what each bargaining solution picks,\n"
           "     each red line's P(in a minimal conflict | no deal) and\n"
           "     P(binding | deal), each party's utility at the Nash deal.\n"
           "  3. --sensitivity: P(deal) with each input at its low and high end.\n"
           "\n"
           "Options:\n"
           "  --samples N       worlds drawn (default 10000, at most 10000000)\n"
           "  --seed S          the seed (default 1); same seed, same output\n"
           "  --threads T       worker threads (default 2); the output does not depend\n"
           "                    on it\n"
           "  --top K           outcomes listed per list (default 10)\n"
           "  --sensitivity     the tornado: P(deal) with each input at its ends\n"
           "  --exact           the exact sets only, no sampling\n"
           "  --json            machine-readable output (see docs/robust.md)\n"
           "  --csv FILE        the listed outcomes as CSV to FILE ('-': stdout)\n"
           "  --max-outcomes N  the largest space enumerated (default 100000000)\n"
           "  --max-seconds S   stop the sampled worlds after S seconds of wall time\n"
           "                    (exit status 2, nothing written; default: no limit)\n"
           "  --grid N          points per real issue when enumerating (default 21)\n"
           "  --max-input MiB   largest input file read, in MiB (default 64)\n"
           "  -h, --help        this help\n");
}

typedef struct rb_args {
    parley_robust_options opt;
    parley_load_options lo;
    bool json, exact;
    const char *csv;
} rb_args;

static int on_u64(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    *(uint64_t *)ud = v;
    return CLI_OK;
}

static int on_samples(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    if (v < 1 || v > 10000000ull) /* about 80 bytes a world are kept */
        return cli_usage(cmd, "%s expects 1 to 10000000, got %s", opt, val);
    *(uint64_t *)ud = v;
    return CLI_OK;
}

static int on_threads(const char *cmd, const char *opt, const char *val, void *ud)
{
    return cli_parse_range(cmd, opt, val, 64, (unsigned *)ud);
}

static int on_top(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned v;
    int rc = cli_parse_range(cmd, opt, val, 1000, &v);
    if (rc == CLI_OK)
        *(size_t *)ud = v;
    return rc;
}

static const parley_solution_kind sols[4] = {PARLEY_SOLUTION_NASH,
                                             PARLEY_SOLUTION_KALAI_SMORODINSKY,
                                             PARLEY_SOLUTION_UTILITARIAN,
                                             PARLEY_SOLUTION_EGALITARIAN};

static void json_exact(px_buf *b, const parley_scenario *sc, const parley_robust *r, int which)
{
    uint64_t count;
    const char *why;
    bool ok = parley_robust_exact(r, which, &count, &why);
    parleyx_buf_puts(b, "{\"count\": ");
    if (ok)
        parleyx_buf_printf(b, "%llu", (unsigned long long)count);
    else
        parleyx_buf_puts(b, "null");
    if (!ok) {
        parleyx_buf_puts(b, ", \"refused\": ");
        cli_json_str(b, why);
    }
    parleyx_buf_puts(b, ", \"outcomes\": [");
    size_t n = parley_robust_exact_listed(r, which);
    for (size_t k = 0; k < n; k++) {
        parleyx_buf_puts(b, k ? ",\n      " : "\n      ");
        cli_json_outcome(b, sc, parley_robust_exact_outcome(r, which, k), NULL);
    }
    parleyx_buf_puts(b, n ? "\n    ]}" : "]}");
}

static void json_utils(px_buf *b, const double *u, size_t d)
{
    parleyx_buf_puts(b, "[");
    for (size_t j = 0; j < d; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, u[j]);
    }
    parleyx_buf_puts(b, "]");
}

static void json_report(px_buf *b, const parley_scenario *sc, const parley_robust *r)
{
    uint64_t samples = 0, seed = 0;
    bool sampled = parley_robust_sampled(r, &samples, &seed);
    size_t d = parley_robust_dims(r);
    char nm[2 * PARLEY_MAX_NAME + 64];
    parleyx_buf_puts(b, "{\n  \"scenario\": ");
    cli_json_str(b, parley_scenario_name(sc));
    parleyx_buf_puts(b, ",\n  \"stakeholders\": [");
    for (size_t j = 0; j < d; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_party_name(sc, parley_robust_dim_party(r, j)));
    }
    parleyx_buf_puts(b, "],\n  \"samples\": ");
    parleyx_buf_printf(b, "%llu", (unsigned long long)samples);
    parleyx_buf_puts(b, ",\n  \"seed\": ");
    if (sampled)
        parleyx_buf_printf(b, "%llu", (unsigned long long)seed);
    else
        parleyx_buf_puts(b, "null");
    double lo, hi, p = parley_robust_deal_probability(r, &lo, &hi);
    parleyx_buf_puts(b, ",\n  \"deal_probability\": {\"estimate\": ");
    cli_json_num(b, p);
    parleyx_buf_puts(b, ", \"ci95\": [");
    cli_json_num(b, lo);
    parleyx_buf_puts(b, ", ");
    cli_json_num(b, hi);
    parleyx_buf_puts(b, "]},\n  \"robust_deals\": ");
    json_exact(b, sc, r, 0);
    parleyx_buf_puts(b, ",\n  \"possible_deals\": ");
    json_exact(b, sc, r, 1);
    parleyx_buf_puts(b, ",\n  \"outcomes\": [");
    size_t n = parley_robust_outcome_count(r);
    for (size_t k = 0; k < n; k++) {
        double pk;
        const uint32_t *o = parley_robust_outcome(r, k, &pk, NULL);
        parleyx_buf_puts(b, k ? ",\n    {\"outcome\": " : "\n    {\"outcome\": ");
        cli_json_outcome(b, sc, o, NULL);
        parleyx_buf_puts(b, ", \"p_acceptable\": ");
        cli_json_num(b, pk);
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_puts(b, n ? "\n  ],\n  \"most_robust_deal\": " : "],\n  \"most_robust_deal\": ");
    if (n) {
        double pk;
        const double *mean;
        const uint32_t *o = parley_robust_outcome(r, 0, &pk, &mean);
        parleyx_buf_puts(b, "{\"outcome\": ");
        cli_json_outcome(b, sc, o, NULL);
        parleyx_buf_puts(b, ", \"p_acceptable\": ");
        cli_json_num(b, pk);
        parleyx_buf_puts(b, ", \"utilities_mean\": ");
        json_utils(b, mean, d);
        parleyx_buf_puts(b, "}");
    } else {
        parleyx_buf_puts(b, "null");
    }
    parleyx_buf_puts(b, ",\n  \"solutions\": {");
    for (size_t s = 0; s < 4; s++) {
        parleyx_buf_puts(b, s ? ",\n    " : "\n    ");
        cli_json_str(b, parley_solution_name(sols[s]));
        parleyx_buf_puts(b, ": [");
        size_t m = parley_robust_solution_count(r, sols[s]);
        for (size_t k = 0; k < m; k++) {
            double pk;
            const uint32_t *o = parley_robust_solution(r, sols[s], k, &pk);
            parleyx_buf_puts(b, k ? ",\n      {\"outcome\": " : "\n      {\"outcome\": ");
            cli_json_outcome(b, sc, o, NULL);
            parleyx_buf_puts(b, ", \"p\": ");
            cli_json_num(b, pk);
            parleyx_buf_puts(b, "}");
        }
        parleyx_buf_puts(b, m ? "\n    ]" : "]");
    }
    parleyx_buf_puts(b, "\n  },\n  \"redlines\": [");
    size_t nr = parley_robust_redline_count(r);
    for (size_t k = 0; k < nr; k++) {
        size_t party, rl;
        double pc, pb;
        parley_robust_redline(r, k, &party, &rl, &pc, &pb);
        parley_input in = {PARLEY_INPUT_BELIEF, party, 0, 0, rl};
        parleyx_buf_puts(b, k ? ",\n    {\"name\": " : "\n    {\"name\": ");
        cli_json_str(b, parley_input_name(sc, &in, nm, sizeof nm));
        parleyx_buf_puts(b, ", \"holds\": ");
        cli_json_num(b, parley_redline_belief(sc, party, rl));
        parleyx_buf_puts(b, ", \"p_in_conflict\": ");
        cli_json_num(b, pc);
        parleyx_buf_puts(b, ", \"p_binding\": ");
        cli_json_num(b, pb);
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_puts(b, nr ? "\n  ],\n  \"parties\": [" : "],\n  \"parties\": [");
    for (size_t j = 0; j < d; j++) {
        double mean, p05, p95;
        parleyx_buf_puts(b, j ? ",\n    {\"name\": " : "\n    {\"name\": ");
        cli_json_str(b, parley_party_name(sc, parley_robust_dim_party(r, j)));
        parleyx_buf_puts(b, ", \"nash_utility\": ");
        if (parley_robust_nash_utility(r, j, &mean, &p05, &p95)) {
            parleyx_buf_puts(b, "{\"mean\": ");
            cli_json_num(b, mean);
            parleyx_buf_puts(b, ", \"p05\": ");
            cli_json_num(b, p05);
            parleyx_buf_puts(b, ", \"p95\": ");
            cli_json_num(b, p95);
            parleyx_buf_puts(b, "}");
        } else {
            parleyx_buf_puts(b, "null");
        }
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_puts(b, d ? "\n  ]" : "]");
    size_t ns = parley_robust_sensitivity_count(r);
    if (ns) {
        parleyx_buf_puts(b, ",\n  \"sensitivity\": [");
        for (size_t k = 0; k < ns; k++) {
            parley_input in;
            double l, h;
            parley_robust_sensitivity(r, k, &in, &l, &h);
            parleyx_buf_puts(b, k ? ",\n    {\"input\": " : "\n    {\"input\": ");
            cli_json_str(b, parley_input_name(sc, &in, nm, sizeof nm));
            parleyx_buf_puts(b, ", \"low\": ");
            cli_json_num(b, l);
            parleyx_buf_puts(b, ", \"high\": ");
            cli_json_num(b, h);
            parleyx_buf_puts(b, "}");
        }
        parleyx_buf_puts(b, "\n  ]");
    }
    parleyx_buf_puts(b, "\n}\n");
}

static const char *pct(double p, char *buf, size_t n)
{
    if (isnan(p))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f%%", 100 * p);
    return buf;
}

static void text_exact(px_buf *b, const parley_scenario *sc, const parley_robust *r, int which)
{
    uint64_t count;
    const char *why;
    char c[40];
    const char *title = which ? "Possible deals (acceptable in at least one world)"
                              : "Robust deals (acceptable in every world)";
    if (!parley_robust_exact(r, which, &count, &why)) {
        parleyx_buf_printf(b, "%s: not computed exactly: %s.\n", title, why);
        return;
    }
    parleyx_buf_printf(b, "%s: %s\n", title, cli_count(count, c, sizeof c));
    size_t n = parley_robust_exact_listed(r, which);
    for (size_t k = 0; k < n; k++) {
        parleyx_buf_printf(b, "  #%zu\n", k + 1);
        cli_text_outcome(b, sc, parley_robust_exact_outcome(r, which, k), "    ");
    }
    if (count > n)
        parleyx_buf_printf(b, "  ... (%s more)\n", cli_count(count - n, c, sizeof c));
}

static void text_report(px_buf *b, const parley_scenario *sc, const parley_robust *r,
                        const char *input)
{
    char t1[40], t2[40], t3[40], nm[2 * PARLEY_MAX_NAME + 64];
    const char *name = parley_scenario_name(sc);
    uint64_t samples, seed;
    parleyx_buf_printf(b, "Scenario: %s\n", name[0] ? name : input);
    parleyx_buf_printf(b, "Uncertain inputs: %zu\n\n", parley_uncertain_count(sc));
    text_exact(b, sc, r, 0);
    parleyx_buf_puts(b, "\n");
    text_exact(b, sc, r, 1);
    if (!parley_robust_sampled(r, &samples, &seed))
        return;
    double lo, hi, p = parley_robust_deal_probability(r, &lo, &hi);
    parleyx_buf_printf(b, "\nSampled worlds: %s (seed %llu)\n",
                       cli_count(samples, t1, sizeof t1), (unsigned long long)seed);
    parleyx_buf_printf(b, "P(a deal exists): %s (95%% interval %s to %s)\n", pct(p, t1, sizeof t1),
                       pct(lo, t2, sizeof t2), pct(hi, t3, sizeof t3));
    size_t n = parley_robust_outcome_count(r);
    if (n) {
        parleyx_buf_puts(b, "\nMost robust deals (how often acceptable to all):\n");
        for (size_t k = 0; k < n; k++) {
            double pk;
            const uint32_t *o = parley_robust_outcome(r, k, &pk, NULL);
            parleyx_buf_printf(b, "  #%zu  %s\n", k + 1, pct(pk, t1, sizeof t1));
            cli_text_outcome(b, sc, o, "      ");
        }
    }
    parleyx_buf_puts(b, "\nBargaining solutions (the deal each picks most often):\n");
    for (size_t s = 0; s < 4; s++) {
        double pk;
        const uint32_t *o = parley_robust_solution(r, sols[s], 0, &pk);
        if (!o) {
            parleyx_buf_printf(b, "  %s: never (no deal in any world)\n",
                               parley_solution_name(sols[s]));
            continue;
        }
        parleyx_buf_printf(b, "  %s, in %s of the worlds:\n", parley_solution_name(sols[s]),
                           pct(pk, t1, sizeof t1));
        cli_text_outcome(b, sc, o, "      ");
    }
    size_t nr = parley_robust_redline_count(r);
    if (nr) {
        parleyx_buf_puts(b, "\nRed lines: belief, P(in a minimal conflict | no deal), "
                            "P(binding | deal):\n");
        size_t wn = 0;
        for (size_t k = 0; k < nr; k++) {
            size_t party, rl;
            parley_robust_redline(r, k, &party, &rl, NULL, NULL);
            parley_input in = {PARLEY_INPUT_BELIEF, party, 0, 0, rl};
            size_t wk = cli_width(parley_input_name(sc, &in, nm, sizeof nm));
            if (wk > wn)
                wn = wk;
        }
        for (size_t k = 0; k < nr; k++) {
            size_t party, rl;
            double pc, pb;
            parley_robust_redline(r, k, &party, &rl, &pc, &pb);
            parley_input in = {PARLEY_INPUT_BELIEF, party, 0, 0, rl};
            parleyx_buf_puts(b, "  ");
            cli_pad(b, parley_input_name(sc, &in, nm, sizeof nm), wn);
            parleyx_buf_printf(b, "  holds %-4s  conflict %6s  binding %6s\n",
                               cli_fmt(parley_redline_belief(sc, party, rl), t1, sizeof t1),
                               pct(pc, t2, sizeof t2), pct(pb, t3, sizeof t3));
        }
    }
    size_t d = parley_robust_dims(r);
    parleyx_buf_puts(b, "\nUtility at the Nash deal, over the worlds with a deal (mean, 5th and "
                        "95th percentiles):\n");
    size_t wp = 0;
    for (size_t j = 0; j < d; j++) {
        size_t wk = cli_width(parley_party_name(sc, parley_robust_dim_party(r, j)));
        if (wk > wp)
            wp = wk;
    }
    for (size_t j = 0; j < d; j++) {
        double mean, p05, p95;
        const char *pn = parley_party_name(sc, parley_robust_dim_party(r, j));
        parleyx_buf_puts(b, "  ");
        cli_pad(b, pn, wp);
        if (parley_robust_nash_utility(r, j, &mean, &p05, &p95))
            parleyx_buf_printf(b, "  %-6s  %-6s  %s\n", cli_fmt(mean, t1, sizeof t1),
                               cli_fmt(p05, t2, sizeof t2), cli_fmt(p95, t3, sizeof t3));
        else
            parleyx_buf_puts(b, "  - (no deal in any world)\n");
    }
    size_t ns = parley_robust_sensitivity_count(r);
    if (ns) {
        parleyx_buf_puts(b, "\nWhat matters most: P(deal) with each input at its low / high end "
                            "(a red line: dropped / held):\n");
        size_t wi = 0;
        for (size_t k = 0; k < ns; k++) {
            parley_input in;
            parley_robust_sensitivity(r, k, &in, NULL, NULL);
            size_t wk = cli_width(parley_input_name(sc, &in, nm, sizeof nm));
            if (wk > wi)
                wi = wk;
        }
        for (size_t k = 0; k < ns; k++) {
            parley_input in;
            double l, h;
            parley_robust_sensitivity(r, k, &in, &l, &h);
            parleyx_buf_puts(b, "  ");
            cli_pad(b, parley_input_name(sc, &in, nm, sizeof nm), wi);
            parleyx_buf_printf(b, "  %6s / %6s\n", pct(l, t1, sizeof t1), pct(h, t2, sizeof t2));
        }
    }
}

static void csv_field(px_buf *b, const char *s)
{
    parleyx_buf_puts(b, "\"");
    for (; *s; s++)
        parleyx_buf_printf(b, "%s", *s == '"' ? "\"\"" : (char[]){*s, 0});
    parleyx_buf_puts(b, "\"");
}

static void csv_report(px_buf *b, const parley_scenario *sc, const parley_robust *r)
{
    size_t ni = parley_issue_count(sc), d = parley_robust_dims(r);
    char t[PARLEY_MAX_NAME + 1], nm[PARLEY_MAX_NAME + 32];
    parleyx_buf_puts(b, "rank");
    for (size_t i = 0; i < ni; i++) {
        parleyx_buf_puts(b, ",");
        csv_field(b, parley_issue_name(sc, i));
    }
    parleyx_buf_puts(b, ",p_acceptable");
    for (size_t j = 0; j < d; j++) {
        snprintf(nm, sizeof nm, "mean_utility:%s",
                 parley_party_name(sc, parley_robust_dim_party(r, j)));
        parleyx_buf_puts(b, ",");
        csv_field(b, nm);
    }
    parleyx_buf_puts(b, "\n");
    size_t n = parley_robust_outcome_count(r);
    for (size_t k = 0; k < n; k++) {
        double pk;
        const double *mean;
        const uint32_t *o = parley_robust_outcome(r, k, &pk, &mean);
        parleyx_buf_printf(b, "%zu", k + 1);
        for (size_t i = 0; i < ni; i++) {
            parleyx_buf_puts(b, ",");
            csv_field(b, parley_issue_value_label(sc, i, o[i], t, sizeof t));
        }
        parleyx_buf_puts(b, ",");
        cli_json_num(b, pk);
        for (size_t j = 0; j < d; j++) {
            parleyx_buf_puts(b, ",");
            cli_json_num(b, mean[j]);
        }
        parleyx_buf_puts(b, "\n");
    }
}

int cmd_robust(int argc, char **argv)
{
    rb_args a;
    memset(&a, 0, sizeof a);
    parley_robust_options_init(&a.opt);
    a.opt.seed = 1;
    const cli_opt opts[] = {
        CLI_FLAG("--json", &a.json),
        CLI_FLAG("--sensitivity", &a.opt.sensitivity),
        CLI_FLAG("--exact", &a.exact),
        CLI_VALUE("--csv", "a value", &a.csv),
        CLI_CALL("--samples", "a value", on_samples, &a.opt.samples),
        CLI_CALL("--seed", "a value", on_u64, &a.opt.seed),
        CLI_CALL("--threads", "a value", on_threads, &a.opt.threads),
        CLI_CALL("--top", "a value", on_top, &a.opt.top),
        CLI_CALL("--max-outcomes", "a value", on_u64, &a.opt.max_outcomes),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &a.opt.max_seconds),
        CLI_LOAD_OPTIONS(&a.lo),
    };
    const cli_cmdline cl = {.cmd = "robust", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input; give a scenario file"};
    parley_scenario *sc;
    int rc;
    cli_nominal_quiet = true; /* this command is about the uncertainty itself */
    if (!cli_parse_load(&cl, argc, argv, &a.lo, &sc, &rc))
        return rc;
    a.opt.no_samples = a.exact;
    parley_robust *r = NULL;
    parley_error err;
    parley_error_clear(&err);
    cli_progress ps;
    cli_progress_start(&ps, "robust", &a.opt.progress, &a.opt.progress_ud);
    parley_status st = parley_robust_run(sc, &a.opt, &r, &err);
    cli_progress_end(&ps);
    if (st != PARLEY_OK) {
        rc = cli_report(&err, st);
        parley_scenario_free(sc);
        return rc;
    }
    if (!parley_scenario_is_uncertain(sc))
        fprintf(stderr, "parley: note: the scenario holds no uncertain number and no red-line "
                        "belief below 1: every world is the same\n");
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (a.json)
        json_report(&b, sc, r);
    else
        text_report(&b, sc, r, argv[1]);
    rc = cli_write_buf("robust", "the report", NULL, &b);
    if (rc == CLI_OK && a.csv) {
        parleyx_buf_init(&b, NULL, 0);
        csv_report(&b, sc, r);
        rc = cli_write_buf("robust", "the CSV", a.csv, &b);
    }
    parley_robust_free(r);
    parley_scenario_free(sc);
    return rc;
}
