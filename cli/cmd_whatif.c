/*
 * cmd_whatif.c -- `parley whatif`: the analysis again with red lines
 * dropped or added and reservation values changed, shown beside the
 * baseline.  Uses only the public API.
 *
 *   --drop PARTY:REDLINE          remove a red line
 *   --set PARTY.reservation=X     change a reservation value
 *   --add 'PARTY: RULE'           add a red line (named whatif-1, ...)
 *
 * Exit status: 0 the analyses ran, whatever their answer; with
 * --exit-code, 1 when no deal exists after the changes; 2 bad input or
 * usage, 3 internal error.
 */
#include "cli.h"

#include <stdlib.h>

static void help(void)
{
    printf("Usage: parley whatif INPUT... [--drop PARTY:REDLINE] [--set PARTY.reservation=X]\n"
           "                    [--add 'PARTY: RULE'] [--json] [-o FILE]\n"
           "\n"
           "Re-run the analysis with changes and show it beside the baseline.\n"
           "Each change option can be repeated; changes apply in order.\n"
           "\n"
           "Options:\n"
           "  --drop PARTY:REDLINE        drop a red line\n"
           "  --set PARTY.reservation=X   set a reservation value\n"
           "  --add 'PARTY: RULE'         add a red line (named whatif-1, whatif-2, ...)\n"
           "  --json                      machine-readable output\n"
           "  --threads N                 threads for the analyses (default 2)\n"
           "  --grid N                    points per real issue (default 21)\n"
           "  --max-input MiB             largest input file read, in MiB (default 64)\n"
           "  -o FILE                     write the report to FILE (atomically)\n"
           "  --exit-code                 exit with status 1 when no deal exists after\n"
           "                              the changes\n"
           "  -h, --help                  this help\n"
           "\n"
           "Exit status: 0 the analyses ran (whatever their answer; with --exit-code,\n"
           "1 when no deal exists after the changes), 2 bad input or usage, 3 internal\n"
           "error.\n");
}

static void side(px_buf *b, const parley_scenario *sc, const parley_analysis *an, bool json)
{
    char c[64], g[96];
    if (json) {
        parleyx_buf_puts(b, "{\"outcomes\": ");
        cli_json_count(b, an, PARLEY_COUNT_OUTCOMES);
        parleyx_buf_puts(b, ", \"agreements\": ");
        cli_json_count(b, an, PARLEY_COUNT_AGREEMENTS);
        parleyx_buf_puts(b, ", \"nash\": ");
        cli_json_solution(b, sc, an, PARLEY_SOLUTION_NASH, "    ");
        parleyx_buf_puts(b, "}");
        return;
    }
    parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, c, sizeof c);
    parleyx_buf_printf(b, "%s", parleyx_group_digits(c, g, sizeof g));
}

static int report(const parley_scenario *base, const parley_analysis *a0,
                  const parley_scenario *sc, const parley_analysis *a1, const cli_change *ch,
                  size_t nch, bool json, const char *out)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (json) {
        parleyx_buf_puts(&b, "{\n  \"changes\": [");
        for (size_t i = 0; i < nch; i++) {
            parleyx_buf_printf(&b, "%s{\"%s\": ", i ? ", " : "",
                               ch[i].kind == 'd' ? "drop" : ch[i].kind == 's' ? "set" : "add");
            cli_json_str(&b, ch[i].arg);
            parleyx_buf_puts(&b, "}");
        }
        parleyx_buf_puts(&b, "],\n  \"parties\": [");
        for (size_t j = 0; j < parley_analysis_dims(a0); j++) {
            if (j)
                parleyx_buf_puts(&b, ", ");
            cli_json_str(&b, parley_party_name(base, parley_analysis_dim_party(a0, j)));
        }
        parleyx_buf_puts(&b, "],\n  \"baseline\": ");
        side(&b, base, a0, true);
        parleyx_buf_puts(&b, ",\n  \"whatif\": ");
        side(&b, sc, a1, true);
        parleyx_buf_puts(&b, "\n}\n");
    } else {
        parleyx_buf_puts(&b, "Changes:\n");
        for (size_t i = 0; i < nch; i++)
            parleyx_buf_printf(&b, "  %s %s\n",
                               ch[i].kind == 'd' ? "drop" : ch[i].kind == 's' ? "set " : "add ",
                               ch[i].arg);
        parleyx_buf_puts(&b, "\n                          baseline        what if\n");
        parleyx_buf_puts(&b, "acceptable deals          ");
        px_buf t;
        parleyx_buf_init(&t, NULL, 0);
        side(&t, base, a0, false);
        parleyx_buf_printf(&b, "%-16s", t.data ? t.data : "");
        parleyx_buf_free(&t);
        side(&b, sc, a1, false);
        parleyx_buf_puts(&b, "\n");
        const double *u0 = NULL, *u1 = NULL;
        const uint32_t *o0 = NULL, *o1 = NULL;
        bool h0 = parley_analysis_solution(a0, PARLEY_SOLUTION_NASH, &u0, &o0);
        bool h1 = parley_analysis_solution(a1, PARLEY_SOLUTION_NASH, &u1, &o1);
        parleyx_buf_puts(&b, "Nash deal\n");
        char l0[PARLEY_MAX_NAME + 1], l1[PARLEY_MAX_NAME + 1], n0[32], n1[32];
        for (size_t i = 0; i < parley_issue_count(sc); i++)
            parleyx_buf_printf(&b, "  %-22s  %-16s%s\n", parley_issue_name(sc, i),
                               h0 ? parley_issue_value_label(base, i, o0[i], l0, sizeof l0) : "-",
                               h1 ? parley_issue_value_label(sc, i, o1[i], l1, sizeof l1) : "-");
        parleyx_buf_puts(&b, "Utilities at the Nash deal\n");
        for (size_t j = 0; j < parley_analysis_dims(a1); j++) {
            size_t p = parley_analysis_dim_party(a1, j);
            parleyx_buf_printf(&b, "  %-22s  %-16s%s\n", parley_party_name(sc, p),
                               h0 ? cli_fmt(u0[j], n0, sizeof n0) : "-",
                               h1 ? cli_fmt(u1[j], n1, sizeof n1) : "-");
        }
    }
    return cli_write_buf("whatif", "the comparison", out, &b);
}

static int on_threads(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned long long t;
    if (!cli_parse_count(cmd, opt, val, &t))
        return CLI_USAGE;
    *(unsigned *)ud = t > 64 ? 64 : (unsigned)t;
    return CLI_OK;
}

/* The baseline and the changed scenario analysed; returns the exit status. */
static int run(const parley_scenario *base, parley_scenario *sc, const cli_changes *c,
               unsigned threads, bool json, bool exit_code, const char *out)
{
    parley_error err;
    parley_error_clear(&err);
    parley_analysis *a0 = NULL, *a1 = NULL;
    parley_status st = parley_scenario_finalize(sc, &err);
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = threads;
    if (!st)
        st = parley_analyze(base, &ao, &a0, &err);
    if (!st)
        st = parley_analyze(sc, &ao, &a1, &err);
    int rc = CLI_OK;
    if (st)
        rc = cli_report(&err, st);
    if (rc == CLI_OK) {
        rc = report(base, a0, sc, a1, c->ch, c->n, json, out);
        uint64_t n = 0;
        if (rc == CLI_OK && exit_code && parley_analysis_count(a1, PARLEY_COUNT_AGREEMENTS, &n) && n == 0)
            rc = CLI_NORESULT;
    }
    parley_analysis_free(a0);
    parley_analysis_free(a1);
    return rc;
}

int cmd_whatif(int argc, char **argv)
{
    bool json = false, exit_code = false;
    const char *out = NULL;
    unsigned threads = 0;
    cli_changes changes = {calloc((size_t)argc, sizeof(cli_change)), 0};
    if (!changes.ch)
        return CLI_INTERNAL;
    parley_load_options lo = {0};
    const cli_opt opts[] = {
        CLI_FLAG("--json", &json),
        CLI_FLAG("--exit-code", &exit_code),
        CLI_LOAD_OPTIONS(&lo),
        CLI_CHANGE_OPTIONS(&changes),
        CLI_VALUE("-o", "a value", &out),
        CLI_CALL("--threads", "a value", on_threads, &threads),
    };
    const cli_cmdline cl = {.cmd = "whatif", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts), .no_input = "no input given"};
    size_t ninputs;
    int rc;
    bool go = cli_parse(&cl, argc, argv, &ninputs, &rc);
    if (go && !changes.n) {
        rc = cli_usage("whatif", "no change given; use --drop, --set or --add");
        go = false;
    }
    if (!go) {
        free(changes.ch);
        return rc;
    }
    parley_scenario *base = NULL, *sc = NULL;
    rc = cli_load(ninputs, argv + 1, &lo, &base);
    parley_error err;
    parley_error_clear(&err);
    if (rc == CLI_OK) {
        parley_status st = parley_scenario_clone(base, &sc, &err);
        if (st)
            rc = cli_report(&err, st);
    }
    if (rc == CLI_OK)
        rc = cli_apply_changes("whatif", sc, &changes);
    if (rc == CLI_OK)
        rc = run(base, sc, &changes, threads, json, exit_code, out);
    parley_scenario_free(sc);
    parley_scenario_free(base);
    free(changes.ch);
    return rc;
}
