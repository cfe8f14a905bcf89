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
           "utility space (pairwise charts for more than two parties) and the\n"
           "red-line diagnosis.  --svg DIR writes the charts alone as SVG files.\n"
           "\n"
           "Options:\n"
           "  -o FILE       the report (default: standard output)\n"
           "  --svg DIR     write the charts as DIR/utility-X-Y.svg and DIR/diagnosis.svg\n"
           "  --points N    outcomes drawn one by one at most, beyond: a density (5000)\n"
           "  --threads N   threads for the analyses (default 2)\n"
           "  --grid N      points per real issue (default 21)\n"
           "  --max-input MiB\n"
           "                largest input file read, in MiB (default 64)\n"
           "  -h, --help    this help\n"
           "\n"
           "A negotiation session in the report (see 'parley negotiate --help'):\n"
           "  --negotiate            run a session and chart it\n"
           "  --protocol P           alternating, multilateral or mediated\n"
           "  --agent PARTY=STRATEGY a built-in strategy for a negotiator (repeatable)\n"
           "  --rounds N             round deadline (default 100)\n"
           "  --seed S               random seed (default 0)\n");
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

int cmd_report(int argc, char **argv)
{
    const char *out = NULL, *svgdir = NULL;
    parley_load_options lo = {0};
    parley_report_options ro;
    memset(&ro, 0, sizeof ro);
    parley_session_options_init(&ro.session);
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    const char **agents = calloc((size_t)argc, sizeof *agents);
    size_t ninputs = 0;
    if (!inputs || !agents) {
        free(inputs);
        free(agents);
        return CLI_INTERNAL;
    }
    ro.agents = agents;
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        unsigned long long v;
        if (cli_is_help(a)) {
            help();
            free(inputs);
            free(agents);
            return CLI_OK;
        } else if (strcmp(a, "--negotiate") == 0) {
            ro.negotiate = true;
        } else if (strcmp(a, "--protocol") == 0 || strcmp(a, "--agent") == 0) {
            if (i + 1 >= argc) {
                rc = cli_usage("report", "%s needs a value", a);
            } else if (a[2] == 'a') {
                agents[ro.nagents++] = argv[++i];
            } else {
                const char *p = argv[++i];
                if (strcmp(p, "mediated") == 0)
                    ro.session.protocol = PARLEY_PROTOCOL_MEDIATED;
                else if (strcmp(p, "alternating") == 0 || strcmp(p, "multilateral") == 0 ||
                         strcmp(p, "sao") == 0)
                    ro.session.protocol = PARLEY_PROTOCOL_SAO;
                else
                    rc = cli_usage("report", "unknown protocol '%s'; choose alternating, "
                                             "multilateral or mediated", p);
            }
        } else if (strcmp(a, "--rounds") == 0 || strcmp(a, "--seed") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage("report", "%s needs a number", a);
            else if (!cli_parse_count("report", a, argv[++i], &v))
                rc = CLI_USAGE;
            else if (a[2] == 'r')
                ro.session.rounds = v > 1000000000ULL ? 1000000000UL : (unsigned long)v;
            else
                ro.session.seed = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--svg") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage("report", "%s needs a path", a);
            else if (a[1] == 'o')
                out = argv[++i];
            else
                svgdir = argv[++i];
        } else if (cli_is_load_option(a)) {
            rc = cli_load_option("report", argc, argv, &i, &lo);
        } else if (strcmp(a, "--threads") == 0 || strcmp(a, "--points") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage("report", "%s needs a number", a);
            else if (!cli_parse_count("report", a, argv[++i], &v))
                rc = CLI_USAGE;
            else if (v == 0)
                rc = cli_usage("report", "%s must be at least 1", a);
            else if (a[2] == 't')
                ro.threads = v > 64 ? 64 : (unsigned)v;
            else
                ro.chart.max_points = (size_t)v;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage("report", "unknown option '%s'", a);
        } else {
            inputs[ninputs++] = argv[i];
        }
    }
    if (rc == CLI_OK && !ninputs)
        rc = cli_usage("report", "no input given");
    parley_scenario *sc = NULL;
    if (rc == CLI_OK)
        rc = cli_load(ninputs, inputs, &lo, &sc);
    if (rc == CLI_OK)
        ro.source = inputs[0];
    parley_error err;
    parley_error_clear(&err);
    if (rc == CLI_OK && svgdir) {
        if (mkdir(svgdir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "%s: error: cannot create the folder: %s\n", svgdir, strerror(errno));
            rc = CLI_USAGE;
        } else {
            svg_dir s = {svgdir, CLI_OK};
            parley_status st = parley_report_charts(sc, &ro, write_chart, &s, &err);
            if (st)
                rc = s.rc != CLI_OK ? s.rc : cli_report(&err, st);
        }
    }
    if (rc == CLI_OK && (out || !svgdir)) {
        char *html = NULL;
        size_t len = 0;
        parley_status st = parley_report_html(sc, &ro, &html, &len, &err);
        if (st)
            rc = cli_report(&err, st);
        else
            rc = cli_write_output(out, html, len);
        parley_text_free(html);
    }
    parley_scenario_free(sc);
    free(inputs);
    free(agents);
    return rc;
}
