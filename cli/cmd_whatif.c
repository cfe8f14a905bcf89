/*
 * cmd_whatif.c -- `parley whatif`: the analysis again with red lines
 * dropped or added and reservation values changed, shown beside the
 * baseline.  Uses only the public API.
 *
 *   --drop PARTY:REDLINE          remove a red line
 *   --set PARTY.reservation=X     change a reservation value
 *   --set PARTY.ISSUE.weight=X    change a weight (the others rescaled to sum 1)
 *   --add 'PARTY: RULE'           add a red line (named whatif-1, ...)
 *
 * Exit status: 0 the analyses ran, whatever their answer; with
 * --exit-code, 1 when no deal exists after the changes; 2 bad input or
 * usage, 3 internal error.
 */
#include "cli.h"

#include <time.h>
#include <stdlib.h>

static void help(void)
{
    printf("Usage: parley whatif INPUT... [--drop PARTY:REDLINE] [--set PARTY.reservation=X]\n"
           "                    [--set PARTY.ISSUE.weight=X] [--add 'PARTY: RULE'] [--json]\n"
           "                    [-o FILE]\n"
           "\n"
           "Re-run the analysis with changes and show it beside the baseline.\n"
           "Each change option can be repeated; changes apply in order.  Names as\n"
           "'redlines' prints them: PARTY:REDLINE, PARTY:reservation=X,\n"
           "PARTY:ISSUE.weight=X ('.' or ':' after the party).\n"
           "\n"
           "Options:\n"
           "  --drop PARTY:REDLINE        drop a red line\n"
           "  --set PARTY.reservation=X   set a reservation value\n"
           "  --set PARTY.ISSUE.weight=X  set a weight (0 to 1); the party's other\n"
           "                              weights are rescaled in proportion so that\n"
           "                              its weights sum to 1 (as in GENIUS)\n"
           "  --add 'PARTY: RULE'         add a red line (named whatif-1, whatif-2, ...)\n"
           "  --json                      machine-readable output\n"
           "  --threads N                 threads for the analyses (default 2)\n"
           "  --max-seconds S             stop after S seconds of wall time, both\n"
           "                              analyses together (default: no limit)\n"
           "  --grid N                    points per real issue (default 21)\n"
           "  --max-input MiB             largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...          GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME            GENIUS: name the party of profile FILE (repeatable)\n"
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
        if (!parley_analysis_exact(an)) { /* non-linear, stopped by a limit: analyze's keys */
            parleyx_buf_puts(b, ", \"exact\": false, \"gap\": ");
            cli_json_num(b, parley_analysis_gap(an));
        }
        parleyx_buf_puts(b, ", \"nash\": ");
        cli_json_solution(b, sc, an, PARLEY_SOLUTION_NASH, "    ");
        parleyx_buf_puts(b, "}");
        return;
    }
    parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, c, sizeof c);
    parleyx_buf_printf(b, "%s", parleyx_group_digits(c, g, sizeof g));
    if (!parley_analysis_exact(an))
        parleyx_buf_puts(b, " or more (not exact)");
}

/* The side-by-side table: a row for the deals, then the Nash deal's
 * issues and utilities, each column as wide as its widest cell. */
typedef struct wi_table {
    const parley_scenario *sc[2];
    const parley_analysis *an[2];
    const double *u[2];
    const uint32_t *o[2];
    bool has[2];
    size_t ni, nd;
} wi_table;

/* Row r's label (NULL for a heading line, whose text is in *label then)
 * and, for side k, its cell in buf. */
static const char *row_cell(const wi_table *t, size_t r, int k, char *buf, size_t n,
                            const char **label)
{
    char c[64];
    if (r == 0) {
        *label = "acceptable deals";
        parley_analysis_count_text(t->an[k], PARLEY_COUNT_AGREEMENTS, c, sizeof c);
        return parleyx_group_digits(c, buf, n);
    }
    if (r == 1 || r == 2 + t->ni) {
        *label = r == 1 ? "Nash deal" : "Utilities at the Nash deal";
        return NULL;
    }
    if (r < 2 + t->ni) {
        size_t i = r - 2;
        *label = parley_issue_name(t->sc[1], i);
        return t->has[k] ? parley_issue_value_label(t->sc[k], i, t->o[k][i], buf, n) : "-";
    }
    size_t j = r - 3 - t->ni;
    *label = parley_party_name(t->sc[1], parley_analysis_dim_party(t->an[1], j));
    return t->has[k] ? cli_fmt(t->u[k][j], buf, n) : "-";
}

static void text_table(px_buf *b, const parley_scenario *base, const parley_analysis *a0,
                       const parley_scenario *sc, const parley_analysis *a1)
{
    wi_table t = {{base, sc}, {a0, a1}, {NULL, NULL}, {NULL, NULL}, {false, false},
                  parley_issue_count(sc), parley_analysis_dims(a1)};
    for (int k = 0; k < 2; k++)
        t.has[k] = parley_analysis_solution(t.an[k], PARLEY_SOLUTION_NASH, &t.u[k], &t.o[k]);
    char cell[PARLEY_MAX_NAME + 1];
    const char *label;
    size_t rows = 3 + t.ni + t.nd, w0 = 0, w1 = strlen("baseline");
    for (size_t r = 0; r < rows; r++) {
        const char *c = row_cell(&t, r, 0, cell, sizeof cell, &label);
        if (!c)
            continue;
        size_t wl = cli_width(label) + (r ? 2 : 0); /* issues and parties are indented */
        w0 = wl > w0 ? wl : w0;
        w1 = cli_width(c) > w1 ? cli_width(c) : w1;
    }
    parleyx_buf_puts(b, "\n");
    cli_pad(b, "", w0 + 2);
    cli_pad(b, "baseline", w1 + 2);
    parleyx_buf_puts(b, "what if\n");
    for (size_t r = 0; r < rows; r++) {
        const char *c = row_cell(&t, r, 0, cell, sizeof cell, &label);
        if (!c) {
            parleyx_buf_printf(b, "%s\n", label);
            continue;
        }
        parleyx_buf_puts(b, r ? "  " : "");
        cli_pad(b, label, w0 - (r ? 2 : 0) + 2);
        cli_pad(b, c, w1 + 2);
        parleyx_buf_printf(b, "%s\n", row_cell(&t, r, 1, cell, sizeof cell, &label));
    }
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
        text_table(&b, base, a0, sc, a1);
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
               unsigned threads, double max_seconds, bool json, bool exit_code, const char *out)
{
    parley_error err;
    parley_error_clear(&err);
    parley_analysis *a0 = NULL, *a1 = NULL;
    parley_status st = parley_scenario_finalize(sc, &err);
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = threads;
    ao.max_seconds = max_seconds;
    /* only counts and the fair deals are compared: no frontier list and
     * no estimate (many parties: the solution-first engine at once) */
    ao.frontier = PARLEY_FRONTIER_LIST_NONE;
    ao.frontier_estimate = SIZE_MAX;
    cli_progress ps; /* both analyses on one clock */
    cli_progress_start(&ps, "whatif", &ao.progress, &ao.progress_ud);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!st)
        st = parley_analyze(base, &ao, &a0, &err);
    if (!st && max_seconds > 0) { /* what is left for the second */
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double used = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        ao.max_seconds = max_seconds - used > 0.001 ? max_seconds - used : 0.001;
    }
    if (!st)
        st = parley_analyze(sc, &ao, &a1, &err);
    cli_progress_end(&ps);
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
    double max_seconds = 0;
    cli_changes changes = {calloc((size_t)argc, sizeof(cli_change)), 0};
    if (!changes.ch)
        return CLI_INTERNAL;
    parley_load_options lo = {0};
    const cli_opt opts[] = {
        CLI_FLAG("--json", &json),
        CLI_FLAG("--exit-code", &exit_code),
        CLI_LOAD_OPTIONS(&lo),
        CLI_PARTY_OPTIONS(&lo),
        CLI_CHANGE_OPTIONS(&changes),
        CLI_VALUE("-o", "a value", &out),
        CLI_CALL("--threads", "a value", on_threads, &threads),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &max_seconds),
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
        rc = run(base, sc, &changes, threads, max_seconds, json, exit_code, out);
    parley_scenario_free(sc);
    parley_scenario_free(base);
    free(changes.ch);
    return rc;
}
