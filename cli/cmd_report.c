/*
 * cmd_report.c -- `parley report`: one self-contained HTML page (charts
 * and tables) for a scenario, or its charts alone as SVG files.  Uses only
 * the public API (parley/report.h).  Every file is written whole or not
 * at all.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(void)
{
    printf("Usage: parley report [OPTIONS] INPUT... [-o report.html] [--svg DIR]\n"
           "\n"
           "Write one self-contained HTML report (no network needed, prints as it\n"
           "shows): what the scenario is, whether a deal exists, the fair deals, the\n"
           "utility space (pairwise charts and parallel coordinates for more than\n"
           "two parties) and the red-line diagnosis.  --svg DIR writes the charts\n"
           "alone as SVG files.\n"
           "\n"
           "Options:\n"
           "  -o FILE       the report (default: standard output)\n"
           "  --svg DIR     write the charts as DIR/utility-X-Y.svg and DIR/diagnosis.svg\n"
           "                (three parties or more: also DIR/parallel.svg, all of them\n"
           "                in parallel coordinates)\n"
           "  --points N    outcomes drawn one by one at most, beyond: a density (5000)\n"
           "  --threads N   threads for the analyses (default 2)\n"
           "  --grid N      points per real issue (default 21)\n"
           "  --max-outcomes N\n"
           "                work limit of each analysis and of the diagnosis (as for\n"
           "                'parley analyze' and 'parley redlines')\n"
           "  --max-seconds S\n"
           "                wall-clock limit for the analyses and the diagnosis; a\n"
           "                part cut short says so in the page (default: no limit)\n"
           "  --frontier MODE\n"
           "                the Pareto points the analysis lists, as for 'parley\n"
           "                analyze' (all, none, near:SOLUTION[:R], sample:N, auto)\n"
           "  --max-input MiB\n"
           "                largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...\n"
           "                GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME\n"
           "                GENIUS: name the party of profile FILE (repeatable)\n"
           "  --stability   strategic stability: the equilibria, the status quo and the\n"
           "                state graph (a scenario with a stability: section)\n"
           "  -h, --help    this help\n"
           "\n"
           "A negotiation session in the report (see 'parley negotiate --help'):\n"
           "  --negotiate            run a session and chart it\n"
           "  --protocol P           alternating, multilateral or mediated\n"
           "  --agent PARTY=STRATEGY a built-in strategy for a negotiator (repeatable)\n"
           "  --rounds N             round deadline (default 100)\n"
           "  --seed S               random seed (default 0); also picks the frontier\n"
           "                         sample of the parallel-coordinates chart\n");
}

typedef struct svg_dir {
    const char *dir;
    int rc;
} svg_dir;

static int write_chart(void *ud, const char *name, const char *svg, size_t len)
{
    svg_dir *s = ud;
    size_t n = strlen(s->dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        return 1;
    snprintf(path, n, "%s/%s", s->dir, name);
    s->rc = cli_write_output(path, svg, len);
    free(path);
    return s->rc != CLI_OK;
}

typedef struct rp_args {
    parley_report_options ro;
    const char **agents; /* ro.agents, room for one a argument */
} rp_args;

static int on_protocol(const char *cmd, const char *opt, const char *p, void *ud)
{
    (void)opt;
    parley_session_options *so = ud;
    if (strcmp(p, "mediated") == 0)
        so->protocol = PARLEY_PROTOCOL_MEDIATED;
    else if (strcmp(p, "alternating") == 0 || strcmp(p, "multilateral") == 0 ||
             strcmp(p, "sao") == 0)
        so->protocol = PARLEY_PROTOCOL_SAO;
    else
        return cli_usage(cmd, "unknown protocol '%s'; choose alternating, multilateral or mediated",
                         p);
    return CLI_OK;
}

static int on_agent(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)cmd, (void)opt;
    rp_args *a = ud;
    a->agents[a->ro.nagents++] = val;
    return CLI_OK;
}

/* --frontier: checked here, used by the report's analyses. */
static int on_frontier(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)opt;
    parley_analysis_options t;
    parley_analysis_options_init(&t);
    parley_error err;
    parley_error_clear(&err);
    if (parley_analysis_frontier_parse(val, &t, &err) != PARLEY_OK)
        return cli_usage(cmd, "--frontier: %s", err.message);
    ((parley_report_options *)ud)->frontier = val;
    return CLI_OK;
}

/* --rounds (capped at 10^9), --seed, --threads (capped at 64) and
 * --points; the last two at least 1. */
static int on_number(const char *cmd, const char *opt, const char *val, void *ud)
{
    parley_report_options *ro = ud;
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    if (opt[2] == 'r')
        ro->session.rounds = v > 1000000000ULL ? 1000000000UL : (unsigned long)v;
    else if (opt[2] == 's')
        ro->session.seed = v;
    else if (v == 0)
        return cli_usage(cmd, "%s must be at least 1", opt);
    else if (opt[2] == 't')
        ro->threads = v > 64 ? 64 : (unsigned)v;
    else
        ro->chart.max_points = (size_t)v;
    return CLI_OK;
}

/* The charts as SVG files in svgdir, then the HTML report to out (or
 * stdout) unless only the charts were asked for. */
static int write_report(const parley_scenario *sc, const parley_report_options *ro,
                        const char *out, const char *svgdir)
{
    int rc = CLI_OK;
    parley_error err;
    parley_error_clear(&err);
    if (svgdir) {
        if (mkdir(svgdir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "%s: error: cannot create the folder: %s\n", svgdir, strerror(errno));
            rc = CLI_USAGE;
        } else {
            svg_dir s = {svgdir, CLI_OK};
            parley_status st = parley_report_charts(sc, ro, write_chart, &s, &err);
            if (st)
                rc = s.rc != CLI_OK ? s.rc : cli_report(&err, st);
        }
    }
    if (rc == CLI_OK && (out || !svgdir)) {
        char *html = NULL;
        size_t len = 0;
        parley_status st = parley_report_html(sc, ro, &html, &len, &err);
        if (st)
            rc = cli_report(&err, st);
        else
            rc = cli_write_output(out, html, len);
        parley_text_free(html);
    }
    return rc;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL, *svgdir = NULL;
    parley_load_options lo = {0};
    rp_args a;
    memset(&a, 0, sizeof a);
    parley_session_options_init(&a.ro.session);
    a.agents = calloc((size_t)argc, sizeof *a.agents);
    if (!a.agents)
        return CLI_INTERNAL;
    a.ro.agents = a.agents;
    const cli_opt opts[] = {
        CLI_FLAG("--negotiate", &a.ro.negotiate),
        CLI_FLAG("--stability", &a.ro.stability),
        CLI_CALL("--protocol", "a value", on_protocol, &a.ro.session),
        CLI_CALL("--agent", "a value", on_agent, &a),
        CLI_CALL("--rounds", "a number", on_number, &a.ro),
        CLI_CALL("--seed", "a number", on_number, &a.ro),
        CLI_VALUE("-o", "a path", &out),
        CLI_VALUE("--svg", "a path", &svgdir),
        CLI_LOAD_OPTIONS(&lo),
        CLI_PARTY_OPTIONS(&lo),
        CLI_CALL("--threads", "a number", on_number, &a.ro),
        CLI_CALL("--points", "a number", on_number, &a.ro),
        CLI_CALL("--max-outcomes", "a value", cli_on_max_outcomes, &a.ro.max_work),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &a.ro.max_seconds),
        CLI_CALL("--frontier", "a value", on_frontier, &a.ro),
    };
    const cli_cmdline cl = {.cmd = "report", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts), .no_input = "no input given"};
    parley_scenario *sc;
    int rc;
    if (cli_parse_load(&cl, argc, argv, &lo, &sc, &rc)) {
        a.ro.source = argv[1];
        cli_progress ps;
        cli_progress_start(&ps, "report", &a.ro.progress, &a.ro.progress_ud);
        rc = write_report(sc, &a.ro, out, svgdir);
        cli_progress_end(&ps);
    }
    parley_scenario_free(sc);
    free(a.agents);
    return rc;
}
