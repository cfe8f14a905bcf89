/*
 * cmd_redlines.c -- `parley redlines`: which red lines and reservation
 * values block a deal (minimal conflicts), what would have to be dropped
 * (minimal relaxations, with the deals each opens and who gains), how far
 * each numeric limit must bend; and, when deals exist, how much slack
 * each has.  Uses only the public API (parley/redlines.h).
 *
 * Exit status: 0 the diagnosis ran, whatever its answer; with --exit-code,
 * 1 when no deal exists (the diagnosis is still printed); 2 bad input,
 * usage or a limit reached, 3 internal error.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley redlines [OPTIONS] INPUT... [--drop PARTY:REDLINE]\n"
           "                      [--set PARTY.reservation=X] [--set PARTY.ISSUE.weight=X]\n"
           "                      [--add 'PARTY: RULE']\n"
           "\n"
           "Diagnose the red lines and reservation values of the negotiators and\n"
           "ratifiers.  When no deal is acceptable to all: every minimal conflict\n"
           "(a smallest set that cannot hold together), every minimal relaxation\n"
           "(a smallest set whose removal opens a deal, with the deals it opens,\n"
           "the Nash deal and who gains), and how far each numeric limit must bend.\n"
           "When deals exist: how far each limit could tighten, and which red lines\n"
           "are binding, restricting or irrelevant.\n"
           "\n"
           "Names: PARTY:RED_LINE_NAME for a red line, PARTY:reservation for a\n"
           "reservation value.\n"
           "\n"
           "The change options (as in 'parley whatif', repeatable, applied in order)\n"
           "diagnose the scenario as changed.\n"
           "\n"
           "Options:\n"
           "  --json          machine-readable output (docs/redlines.md)\n"
           "  --max-sets N    list at most N conflicts and relaxations (default 1000)\n"
           "  --max-work N    search steps allowed (default 4000000000)\n"
           "  --max-seconds S stop after S seconds of wall time, the analyses included\n"
           "                  (default: no limit; exit status 2 as for --max-work)\n"
           "  --threads N     threads for the analyses (default 2)\n"
           "  --grid N        points per real issue (default 21)\n"
           "  --max-input MiB\n"
           "                  largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...\n"
           "                  GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME\n"
           "                  GENIUS: name the party of profile FILE (repeatable)\n"
           "  -o FILE         write the report to FILE (atomically)\n"
           "  --exit-code     exit with status 1 when no deal is acceptable\n"
           "  -h, --help      this help\n"
           "\n"
           "Exit status: 0 the diagnosis ran (whatever its answer; with --exit-code,\n"
           "1 when no deal is acceptable to all parties), 2 bad input or usage or a\n"
           "limit reached, 3 internal error.\n");
}

static void names(px_buf *b, const parley_diagnosis *d, const size_t *m, size_t n,
                  const char *sep, bool json)
{
    for (size_t j = 0; j < n; j++) {
        if (j)
            parleyx_buf_puts(b, sep);
        if (json)
            cli_json_str(b, parley_diagnosis_constraint_name(d, m[j]));
        else
            parleyx_buf_puts(b, parley_diagnosis_constraint_name(d, m[j]));
    }
}

static char *count_text(const parley_analysis *an, char *buf, size_t n)
{
    char raw[64];
    parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, raw, sizeof raw);
    return parleyx_group_digits(raw, buf, n);
}

/* ------------------------------------------------------------------ text */

static void text_limit(px_buf *b, const parley_diagnosis *d, const parley_limit_info *l,
                       bool bend, size_t w)
{
    char f[32], t[32], s[32];
    const char *name = parley_diagnosis_constraint_name(d, l->constraint);
    bool res = strcmp(l->what, "reservation") == 0;
    parleyx_buf_puts(b, "  ");
    cli_pad(b, name, w + 2);
    if (!res)
        parleyx_buf_printf(b, "%s: ", l->what);
    if (bend) {
        if (!l->possible)
            parleyx_buf_puts(b, "no value of this limit alone opens a deal\n");
        else
            parleyx_buf_printf(b, "%s from %s to %s%s\n",
                               l->to < l->from ? "must fall" : "must rise",
                               cli_fmt(l->from, f, sizeof f), cli_fmt(l->to, t, sizeof t),
                               l->strict ? " (strictly past it)" : "");
    } else {
        if (!l->possible)
            parleyx_buf_puts(b, "no tightening of this limit alone removes every deal\n");
        else
            parleyx_buf_printf(b, "%s, could go %s to %s before the last deal goes (slack %s)\n",
                               cli_fmt(l->from, f, sizeof f), l->to < l->from ? "down" : "up",
                               cli_fmt(l->to, t, sizeof t), cli_fmt(l->slack, s, sizeof s));
    }
}

/* The bends (bend) or the slack of every numeric limit under a title;
 * nothing when there are none. */
static void text_limits(px_buf *b, const parley_diagnosis *d, bool bend, size_t w,
                        const char *title)
{
    size_t n = bend ? parley_diagnosis_bend_count(d) : parley_diagnosis_slack_count(d);
    if (!n)
        return;
    parleyx_buf_puts(b, title);
    parley_limit_info l;
    for (size_t k = 0; k < n; k++)
        if (bend ? parley_diagnosis_bend(d, k, &l) : parley_diagnosis_slack(d, k, &l))
            text_limit(b, d, &l, bend, w);
}

static void text_relaxation(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d,
                            size_t k)
{
    const size_t *m;
    size_t n = parley_diagnosis_relaxation(d, k, &m);
    char c[64], num[32], num2[32];
    parleyx_buf_printf(b, "  %zu. drop ", k + 1);
    names(b, d, m, n, " + ", false);
    const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
    if (!an) {
        parleyx_buf_puts(b, "\n");
        return;
    }
    uint64_t cnt = 0;
    parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &cnt);
    parleyx_buf_printf(b, ": opens %s deal%s\n", count_text(an, c, sizeof c), cnt == 1 ? "" : "s");
    const double *u;
    const uint32_t *o;
    if (!parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, &o))
        return;
    parleyx_buf_puts(b, "     Nash deal (the other bargaining solutions are in --json):\n");
    cli_text_outcome(b, sc, o, "       ");
    parleyx_buf_puts(b, "     compared with no deal (reservation values):\n");
    for (size_t j = 0; j < parley_analysis_dims(an); j++) {
        size_t p = parley_analysis_dim_party(an, j);
        double rv = parley_party_reservation(sc, p), gain = u[j] - rv;
        if (gain == 0)
            parleyx_buf_printf(b, "       %-24s %s (no change)\n", parley_party_name(sc, p),
                               cli_fmt(u[j], num, sizeof num));
        else
            parleyx_buf_printf(b, "       %-24s %s (%s %s)\n", parley_party_name(sc, p),
                               cli_fmt(u[j], num, sizeof num), gain > 0 ? "gains" : "loses",
                               cli_fmt(fabs(gain), num2, sizeof num2));
    }
}

static void text_report(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d)
{
    size_t nc = parley_diagnosis_constraint_count(d), w = 8;
    for (size_t c = 0; c < nc; c++)
        if (cli_width(parley_diagnosis_constraint_name(d, c)) > w)
            w = cli_width(parley_diagnosis_constraint_name(d, c));
    char cnt[64];
    parley_scenario_outcome_count_text(sc, cnt, sizeof cnt);
    char grouped[96], num[32];
    parleyx_group_digits(cnt, grouped, sizeof grouped);
    if (!parley_diagnosis_deal_exists(d)) {
        parleyx_buf_printf(b,
                           "No deal is acceptable to all parties: none of the %s outcomes "
                           "satisfies every red line and reservation value (%s in all).\n",
                           grouped, cli_count(nc, num, sizeof num));
        size_t nf = parley_diagnosis_conflict_count(d);
        parleyx_buf_printf(b, "\nMinimal conflicts (%s): sets that cannot all hold; dropping any "
                              "one member of a set resolves that set.\n",
                           cli_count(nf, num, sizeof num));
        for (size_t k = 0; k < nf; k++) {
            const size_t *m;
            size_t n = parley_diagnosis_conflict(d, k, &m);
            parleyx_buf_printf(b, "  %zu. ", k + 1);
            names(b, d, m, n, " + ", false);
            parleyx_buf_puts(b, "\n");
        }
        size_t nr = parley_diagnosis_relaxation_count(d);
        parleyx_buf_printf(b, "\nMinimal relaxations (%s): drop every member of one to open a "
                              "deal.\n",
                           cli_count(nr, num, sizeof num));
        for (size_t k = 0; k < nr; k++)
            text_relaxation(b, sc, d, k);
        text_limits(b, d, true, w,
                    "\nBends: how far each numeric limit must move, all else unchanged, to open "
                    "a deal.\n");
    } else {
        char deals[48], dg[96];
        if (parley_diagnosis_deal_count_text(d, deals, sizeof deals))
            parleyx_buf_printf(b, "Deals exist: %s of the %s outcomes satisfy every red line and "
                                  "reservation value.\n",
                               parleyx_group_digits(deals, dg, sizeof dg), grouped);
        else
            parleyx_buf_printf(b, "Deals exist: some of the %s outcomes satisfy every red line "
                                  "and reservation value.\n",
                               grouped);
        text_limits(b, d, false, w,
                    "\nSlack: how far each numeric limit could tighten before the last deal "
                    "vanishes.\n");
        parleyx_buf_puts(b, "\nEach red line and reservation value (binding: it decides where the "
                            "Nash deal lies; restricting: it removes deals; irrelevant: it "
                            "removes none):\n");
        char added[48];
        for (size_t c = 0; c < nc; c++) {
            parley_constraint_status st = parley_diagnosis_status(d, c, added, sizeof added);
            parleyx_buf_puts(b, "  ");
            cli_pad(b, parley_diagnosis_constraint_name(d, c), w);
            bool adds = st == PARLEY_STATUS_BINDING || st == PARLEY_STATUS_RESTRICTING;
            parleyx_buf_printf(b, adds ? "  %-11s" : "  %s", parley_constraint_status_name(st));
            if (adds)
                parleyx_buf_printf(b, "  dropping it adds %s deal%s",
                                   parleyx_group_digits(added, grouped, sizeof grouped),
                                   strcmp(added, "1") == 0 ? "" : "s");
            parleyx_buf_puts(b, "\n");
        }
    }
    if (!parley_diagnosis_complete(d))
        parleyx_buf_puts(b, "\n(The lists stop at --max-sets; raise it to see them all.)\n");
}

/* ------------------------------------------------------------------ json */

static void json_limit(px_buf *b, const parley_diagnosis *d, const parley_limit_info *l,
                       bool bend)
{
    parleyx_buf_puts(b, "{\"name\": ");
    cli_json_str(b, parley_diagnosis_constraint_name(d, l->constraint));
    parleyx_buf_puts(b, ", \"limit\": ");
    cli_json_str(b, l->what);
    parleyx_buf_puts(b, ", \"from\": ");
    cli_json_num(b, l->from);
    parleyx_buf_puts(b, ", \"to\": ");
    cli_json_num(b, l->possible ? l->to : NAN);
    parleyx_buf_printf(b, ", \"possible\": %s, \"strict\": %s", l->possible ? "true" : "false",
                       l->strict ? "true" : "false");
    if (!bend) {
        parleyx_buf_puts(b, ", \"slack\": ");
        cli_json_num(b, l->slack);
        parleyx_buf_printf(b, ", \"unbounded\": %s", isinf(l->slack) ? "true" : "false");
        parleyx_buf_puts(b, ", \"status\": ");
        cli_json_str(b, parley_constraint_status_name(
                            parley_diagnosis_status(d, l->constraint, NULL, 0)));
    }
    parleyx_buf_puts(b, "}");
}

static void json_report(px_buf *b, const parley_scenario *sc, const parley_diagnosis *d)
{
    size_t nc = parley_diagnosis_constraint_count(d);
    bool deal = parley_diagnosis_deal_exists(d);
    char deals[48];
    parleyx_buf_printf(b, "{\n  \"deal_exists\": %s,\n  \"complete\": %s,\n  \"deals\": %s,\n"
                          "  \"parties\": [",
                       deal ? "true" : "false", parley_diagnosis_complete(d) ? "true" : "false",
                       !deal ? "0"
                       : parley_diagnosis_deal_count_text(d, deals, sizeof deals) ? deals
                                                                                  : "null");
    for (size_t p = 0; p < parley_party_count(sc); p++) {
        if (p)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_party_name(sc, p));
    }
    parleyx_buf_puts(b, "],\n  \"constraints\": [");
    for (size_t c = 0; c < nc; c++) {
        if (c)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_diagnosis_constraint_name(d, c));
    }
    parleyx_buf_puts(b, "],\n  \"conflicts\": [");
    for (size_t k = 0; k < parley_diagnosis_conflict_count(d); k++) {
        const size_t *m;
        size_t n = parley_diagnosis_conflict(d, k, &m);
        parleyx_buf_printf(b, "%s\n    [", k ? "," : "");
        names(b, d, m, n, ", ", true);
        parleyx_buf_puts(b, "]");
    }
    parleyx_buf_printf(b, "%s],\n  \"relaxations\": [",
                       parley_diagnosis_conflict_count(d) ? "\n  " : "");
    size_t nr = parley_diagnosis_relaxation_count(d);
    for (size_t k = 0; k < nr; k++) {
        const size_t *m;
        size_t n = parley_diagnosis_relaxation(d, k, &m);
        parleyx_buf_printf(b, "%s\n    {\"drop\": [", k ? "," : "");
        names(b, d, m, n, ", ", true);
        parleyx_buf_puts(b, "], \"deals\": ");
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        if (an) {
            cli_json_count(b, an, PARLEY_COUNT_AGREEMENTS);
            parleyx_buf_puts(b, ", \"nash\": ");
            cli_json_solution(b, sc, an, PARLEY_SOLUTION_NASH, "      ");
            static const parley_solution_kind kinds[] = {
                PARLEY_SOLUTION_NASH, PARLEY_SOLUTION_KALAI_SMORODINSKY,
                PARLEY_SOLUTION_UTILITARIAN, PARLEY_SOLUTION_EGALITARIAN};
            parleyx_buf_puts(b, ", \"solutions\": {");
            for (size_t s2 = 0; s2 < sizeof kinds / sizeof kinds[0]; s2++) {
                parleyx_buf_printf(b, "%s\n      \"%s\": ", s2 ? "," : "",
                                   parley_solution_name(kinds[s2]));
                cli_json_solution(b, sc, an, kinds[s2], "      ");
            }
            parleyx_buf_puts(b, "}");
            const double *u;
            if (parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, NULL)) {
                parleyx_buf_puts(b, ", \"change\": {");
                for (size_t j = 0; j < parley_analysis_dims(an); j++) {
                    size_t p = parley_analysis_dim_party(an, j);
                    if (j)
                        parleyx_buf_puts(b, ", ");
                    cli_json_str(b, parley_party_name(sc, p));
                    parleyx_buf_puts(b, ": ");
                    cli_json_num(b, u[j] - parley_party_reservation(sc, p));
                }
                parleyx_buf_puts(b, "}");
            }
        } else {
            parleyx_buf_puts(b, "null");
        }
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_printf(b, "%s],\n  \"bends\": [", nr ? "\n  " : "");
    parley_limit_info l;
    size_t nb = parley_diagnosis_bend_count(d);
    for (size_t k = 0; k < nb; k++) {
        parley_diagnosis_bend(d, k, &l);
        parleyx_buf_printf(b, "%s\n    ", k ? "," : "");
        json_limit(b, d, &l, true);
    }
    parleyx_buf_printf(b, "%s],\n  \"slack\": [", nb ? "\n  " : "");
    size_t ns = parley_diagnosis_slack_count(d), cnt = 0;
    for (size_t k = 0; k < ns; k++) {
        parley_diagnosis_slack(d, k, &l);
        parleyx_buf_printf(b, "%s\n    ", cnt++ ? "," : "");
        json_limit(b, d, &l, false);
    }
    /* red lines without a numeric limit: their status, slack null */
    if (deal) {
        for (size_t c = 0; c < nc; c++) {
            bool has = false;
            for (size_t k = 0; k < ns && !has; k++) {
                parley_diagnosis_slack(d, k, &l);
                has = l.constraint == c;
            }
            if (has)
                continue;
            parleyx_buf_printf(b, "%s\n    {\"name\": ", cnt++ ? "," : "");
            cli_json_str(b, parley_diagnosis_constraint_name(d, c));
            parleyx_buf_puts(b, ", \"limit\": null, \"slack\": null, \"status\": ");
            cli_json_str(b, parley_constraint_status_name(parley_diagnosis_status(d, c, NULL, 0)));
            parleyx_buf_puts(b, "}");
        }
    }
    parleyx_buf_printf(b, "%s],\n  \"status\": [", cnt ? "\n  " : "");
    for (size_t c = 0; deal && c < nc; c++) {
        char added[48];
        parley_constraint_status st = parley_diagnosis_status(d, c, added, sizeof added);
        parleyx_buf_printf(b, "%s\n    {\"name\": ", c ? "," : "");
        cli_json_str(b, parley_diagnosis_constraint_name(d, c));
        parleyx_buf_puts(b, ", \"status\": ");
        cli_json_str(b, parley_constraint_status_name(st));
        parleyx_buf_printf(b, ", \"deals_added\": %s}", added[0] && added[0] != '?' ? added : "null");
    }
    parleyx_buf_printf(b, "%s]\n}\n", deal && nc ? "\n  " : "");
}

typedef struct rl_args {
    bool json;
    bool exit_code; /* --exit-code: 1 when no deal */
    const char *out;
    parley_load_options lo;
    parley_diagnosis_options dopt;
    cli_changes changes;
} rl_args;

/* --max-sets, --max-work, --threads: at least 1 (a value that is not a
 * number is reported twice: as not a number, then as not at least 1). */
static int on_count(const char *cmd, const char *opt, const char *val, void *ud)
{
    rl_args *a = ud;
    unsigned long long v = 0;
    if (!cli_parse_count(cmd, opt, val, &v) || v == 0)
        return v == 0 ? cli_usage(cmd, "%s must be at least 1", opt) : CLI_USAGE;
    if (strcmp(opt, "--max-sets") == 0)
        a->dopt.max_sets = (size_t)v;
    else if (strcmp(opt, "--max-work") == 0)
        a->dopt.max_work = v;
    else
        a->dopt.threads = v > 64 ? 64 : (unsigned)v;
    return CLI_OK;
}

/* Diagnose and print; returns the exit status. */
static int run(const rl_args *a, const parley_scenario *sc)
{
    parley_error err;
    parley_error_clear(&err);
    parley_diagnosis *d = NULL;
    parley_diagnosis_options dopt = a->dopt;
    cli_progress ps;
    cli_progress_start(&ps, "redlines", &dopt.progress, &dopt.progress_ud);
    parley_status st = parley_diagnose(sc, &dopt, &d, &err);
    cli_progress_end(&ps);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (a->json)
        json_report(&b, sc, d);
    else
        text_report(&b, sc, d);
    int rc = cli_write_buf("redlines", "the report", a->out, &b);
    if (rc == CLI_OK && a->exit_code && !parley_diagnosis_deal_exists(d))
        rc = CLI_NORESULT;
    parley_diagnosis_free(d);
    return rc;
}

int cmd_redlines(int argc, char **argv)
{
    rl_args a;
    memset(&a, 0, sizeof a);
    parley_diagnosis_options_init(&a.dopt);
    a.changes.ch = calloc((size_t)argc, sizeof *a.changes.ch);
    if (!a.changes.ch)
        return CLI_INTERNAL;
    const cli_opt opts[] = {
        CLI_CHANGE_OPTIONS(&a.changes),
        CLI_FLAG("--json", &a.json),
        CLI_FLAG("--exit-code", &a.exit_code),
        CLI_VALUE("-o", "a file name", &a.out),
        CLI_LOAD_OPTIONS(&a.lo),
        CLI_PARTY_OPTIONS(&a.lo),
        CLI_CALL("--max-sets", "a number", on_count, &a),
        CLI_CALL("--max-work", "a number", on_count, &a),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &a.dopt.max_seconds),
        CLI_CALL("--threads", "a number", on_count, &a),
    };
    const cli_cmdline cl = {.cmd = "redlines", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts), .no_input = "no input given"};
    parley_scenario *sc;
    int rc;
    bool go = cli_parse_load(&cl, argc, argv, &a.lo, &sc, &rc);
    if (go && a.changes.n) {
        parley_error err;
        parley_error_clear(&err);
        rc = cli_apply_changes("redlines", sc, &a.changes);
        parley_status fs = rc == CLI_OK ? parley_scenario_finalize(sc, &err) : PARLEY_OK;
        if (fs != PARLEY_OK)
            rc = cli_report(&err, fs);
    }
    free(a.changes.ch);
    if (go && rc == CLI_OK)
        rc = run(&a, sc);
    parley_scenario_free(sc);
    return rc;
}
