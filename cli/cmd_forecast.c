/*
 * cmd_forecast.c -- `parley forecast`: where positions converge, with
 * KTAB's Spatial Model of Politics (default) or Bueno de Mesquita's
 * expected-utility model as replicated by Scholz, Calbert and Smith
 * (--model bdm).  Reads KTAB's CSV and XML (and the simple BDM CSV), or a
 * native scenario (positions = each party's ideal point on the numeric
 * issues, salience = its weight).  Uses only the public API
 * (parley/forecast.h).
 *
 * Output: per state every actor's position and winning probability, the
 * forecast and whether the run converged; text, --json (docs/forecast.md)
 * and --csv FILE (one row per state and actor).
 *
 * Exit status: 0 done, 2 bad input or usage, 3 internal error.
 */
#include "cli.h"
#include "parley/forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void help(void)
{
    printf("Usage: parley forecast [OPTIONS] INPUT\n"
           "\n"
           "Forecast where the actors' positions converge.  INPUT is a KTAB SMP file\n"
           "(.csv or .xml), a BDM CSV (header Actor,Capability,Position,Salience), or a\n"
           "native scenario whose parties have a capability (positions: each party's\n"
           "ideal point on the numeric issues; salience: its weights).\n"
           "\n"
           "Models:\n"
           "  smp   KTAB's Spatial Model of Politics in its deterministic reference\n"
           "        configuration (default; a KTAB XML's <ModelParameters> apply)\n"
           "  bdm   Bueno de Mesquita's expected-utility model, as replicated by\n"
           "        Scholz, Calbert and Smith (2011), one dimension at a time\n"
           "\n"
           "Options:\n"
           "  --model smp|bdm        the model (default smp)\n"
           "  --json                 machine-readable output (docs/forecast.md)\n"
           "  --csv FILE             also write state,actor,positions...,probability rows\n"
           "  --svg FILE             also draw every actor's position by state (SVG)\n"
           "  -o FILE                write the report to FILE (atomically)\n"
           "  --max-rounds N         stop after N rounds (default 100 SMP, 10 BDM)\n"
           "  --threads N            threads (1 to 64, default 1; results never change)\n"
           "  -h, --help             this help\n"
           "\n"
           "BDM ambiguities (defaults follow Scholz's code; docs/forecast.md):\n"
           "  --bdm-vote risk|linear|double       vote formula (default risk)\n"
           "  --bdm-median condorcet|mean|weighted  the median position (default condorcet)\n"
           "  --bdm-prob scholz|pairwise          P(i beats j) denominator (default scholz)\n"
           "  --bdm-q X                           probability the status quo holds (1)\n"
           "  --bdm-risk actors|positions         danger compared across (default actors)\n"
           "  --bdm-r evaluator|own               whose risk exponent (default evaluator)\n"
           "  --bdm-compromise proportional|weighted  compromise point (default proportional)\n"
           "  --bdm-choice scholz|least-move      which compromise to take (default scholz)\n"
           "  --bdm-capitulation on|off           allow capitulation (default on)\n"
           "  --bdm-preset jmckib                 jmckib's replication exactly (capitulation off)\n"
           "\n"
           "Exit status: 0 done, 2 bad input or usage, 3 internal error.\n");
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int load_input(const char *path, parley_forecast_input **out)
{
    parley_error err;
    parley_error_clear(&err);
    parley_status st;
    *out = NULL;
    if (ends_with(path, ".csv")) {
        st = parley_ktab_read_csv(path, NULL, out, &err);
    } else if (ends_with(path, ".xml")) {
        st = parley_ktab_read_xml(path, NULL, out, &err);
    } else {
        parley_scenario *sc = NULL;
        char *paths[1] = {(char *)path};
        int rc = cli_load(1, paths, NULL, &sc);
        if (rc != CLI_OK)
            return rc;
        st = parley_forecast_input_from_scenario(sc, out, &err);
        if (st != PARLEY_OK && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", path);
        parley_scenario_free(sc);
    }
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    return CLI_OK;
}

typedef struct choice {
    const char *name;
    int value;
} choice;

static bool pick(const char *opt, const char *val, const choice *c, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(val, c[i].name) == 0) {
            *out = c[i].value;
            return true;
        }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, c[i].name, sizeof list - strlen(list) - 1);
    }
    cli_usage("forecast", "%s expects one of %s, got '%s'", opt, list, val);
    return false;
}

#define NCH(a) (sizeof(a) / sizeof((a)[0]))

static bool wide_scale(const parley_forecast_input *in, size_t d)
{
    double lo, hi;
    parley_forecast_dim_range(in, d, &lo, &hi);
    return hi - lo >= 50;
}

static void text_report(px_buf *b, const parley_forecast_input *in, const parley_forecast_result *r,
                        const parley_forecast_options *o)
{
    size_t na = parley_forecast_actor_count(in), nd = parley_forecast_dim_count(in);
    size_t ns = parley_forecast_result_states(r);
    const char *name = parley_forecast_input_name(in);
    parleyx_buf_printf(b, "Forecast with %s%s%s\n",
                       o->model == PARLEY_FORECAST_SMP
                           ? "KTAB's Spatial Model of Politics (deterministic)"
                           : "the BDM expected-utility model (Scholz, Calbert and Smith 2011)",
                       name[0] ? ": " : "", name);
    parleyx_buf_printf(b, "%zu actors, %zu dimension%s; %zu states (%zu rounds); ", na, nd,
                       nd == 1 ? "" : "s", ns, ns - 1);
    if (parley_forecast_result_converged(r))
        parleyx_buf_puts(b, "converged.\n");
    else
        parleyx_buf_puts(b, "did not converge (stopped at --max-rounds).\n");
    parleyx_buf_puts(b, "\nForecast:");
    for (size_t d = 0; d < nd; d++) {
        char num[32];
        parleyx_buf_printf(b, "%s %s %s", d ? "," : "", parley_forecast_dim_name(in, d),
                           cli_fmt(parley_forecast_result_forecast(r, d), num, sizeof num));
    }
    parleyx_buf_printf(b, "  (%s)\n", o->model == PARLEY_FORECAST_SMP
                                          ? "the most probable position of the last state"
                                          : "the median position of the last round");
    size_t w = 5;
    for (size_t a = 0; a < na; a++)
        if (strlen(parley_forecast_actor_name(in, a)) > w)
            w = strlen(parley_forecast_actor_name(in, a));
    size_t dw = 0;
    for (size_t d = 0; d < nd; d++)
        if (strlen(parley_forecast_dim_name(in, d)) > dw)
            dw = strlen(parley_forecast_dim_name(in, d));
    parleyx_buf_puts(b, "\nPositions by state (state 0 is the input):\n");
    for (size_t a = 0; a < na; a++)
        for (size_t d = 0; d < nd; d++) {
            parleyx_buf_printf(b, "  %-*s  %-*s ", (int)w, parley_forecast_actor_name(in, a),
                               (int)dw, parley_forecast_dim_name(in, d));
            bool wide = wide_scale(in, d);
            for (size_t s = 0; s < ns; s++) {
                double x = parley_forecast_result_position(r, s, a, d);
                if (wide)
                    parleyx_buf_printf(b, "%6.1f", x == 0 ? 0.0 : x);
                else
                    parleyx_buf_printf(b, "%8.3f", x == 0 ? 0.0 : x);
            }
            parleyx_buf_puts(b, "\n");
        }
    parleyx_buf_puts(b, "\nWinning probabilities by state (actors on one position share it):\n");
    for (size_t a = 0; a < na; a++) {
        parleyx_buf_printf(b, "  %-*s ", (int)w, parley_forecast_actor_name(in, a));
        for (size_t s = 0; s < ns; s++)
            parleyx_buf_printf(b, " %.4f", parley_forecast_result_probability(r, s, a));
        parleyx_buf_puts(b, "\n");
    }
}

static void json_report(px_buf *b, const parley_forecast_input *in,
                        const parley_forecast_result *r, const parley_forecast_options *o)
{
    size_t na = parley_forecast_actor_count(in), nd = parley_forecast_dim_count(in);
    size_t ns = parley_forecast_result_states(r);
    parleyx_buf_puts(b, "{\n  \"model\": ");
    cli_json_str(b, o->model == PARLEY_FORECAST_SMP ? "smp" : "bdm");
    parleyx_buf_puts(b, ",\n  \"name\": ");
    cli_json_str(b, parley_forecast_input_name(in));
    parleyx_buf_printf(b, ",\n  \"states\": %zu,\n  \"rounds\": %zu,\n  \"converged\": %s,\n",
                       ns, ns - 1, parley_forecast_result_converged(r) ? "true" : "false");
    parleyx_buf_puts(b, "  \"dimensions\": [");
    for (size_t d = 0; d < nd; d++) {
        double lo, hi;
        parley_forecast_dim_range(in, d, &lo, &hi);
        parleyx_buf_puts(b, d ? ", {\"name\": " : "{\"name\": ");
        cli_json_str(b, parley_forecast_dim_name(in, d));
        parleyx_buf_puts(b, ", \"lo\": ");
        cli_json_num(b, lo);
        parleyx_buf_puts(b, ", \"hi\": ");
        cli_json_num(b, hi);
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_puts(b, "],\n  \"forecast\": [");
    for (size_t d = 0; d < nd; d++) {
        if (d)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, parley_forecast_result_forecast(r, d));
    }
    parleyx_buf_puts(b, "],\n  \"change\": [");
    for (size_t s = 0; s < ns; s++) {
        if (s)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, parley_forecast_result_change(r, s));
    }
    parleyx_buf_puts(b, "],\n  \"actors\": [");
    for (size_t a = 0; a < na; a++) {
        parleyx_buf_puts(b, a ? ",\n    {\"name\": " : "\n    {\"name\": ");
        cli_json_str(b, parley_forecast_actor_name(in, a));
        parleyx_buf_puts(b, ", \"capability\": ");
        cli_json_num(b, parley_forecast_actor_capability(in, a));
        parleyx_buf_puts(b, ",\n     \"positions\": [");
        for (size_t s = 0; s < ns; s++) {
            parleyx_buf_puts(b, s ? ", [" : "[");
            for (size_t d = 0; d < nd; d++) {
                if (d)
                    parleyx_buf_puts(b, ", ");
                cli_json_num(b, parley_forecast_result_position(r, s, a, d));
            }
            parleyx_buf_puts(b, "]");
        }
        parleyx_buf_puts(b, "],\n     \"probabilities\": [");
        for (size_t s = 0; s < ns; s++) {
            if (s)
                parleyx_buf_puts(b, ", ");
            cli_json_num(b, parley_forecast_result_probability(r, s, a));
        }
        parleyx_buf_puts(b, "]}");
    }
    parleyx_buf_puts(b, "\n  ]\n}\n");
}

static void csv_field(px_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        parleyx_buf_puts(b, s);
        return;
    }
    parleyx_buf_puts(b, "\"");
    for (; *s; s++)
        parleyx_buf_add(b, s, 1), (*s == '"' ? (void)parleyx_buf_add(b, "\"", 1) : (void)0);
    parleyx_buf_puts(b, "\"");
}

static void csv_report(px_buf *b, const parley_forecast_input *in, const parley_forecast_result *r)
{
    size_t na = parley_forecast_actor_count(in), nd = parley_forecast_dim_count(in);
    size_t ns = parley_forecast_result_states(r);
    parleyx_buf_puts(b, "state,actor");
    for (size_t d = 0; d < nd; d++) {
        parleyx_buf_puts(b, ",");
        csv_field(b, parley_forecast_dim_name(in, d));
    }
    parleyx_buf_puts(b, ",probability\n");
    char num[32];
    for (size_t s = 0; s < ns; s++)
        for (size_t a = 0; a < na; a++) {
            parleyx_buf_printf(b, "%zu,", s);
            csv_field(b, parley_forecast_actor_name(in, a));
            for (size_t d = 0; d < nd; d++)
                parleyx_buf_printf(b, ",%s",
                                   parleyx_fmt_double(parley_forecast_result_position(r, s, a, d),
                                                      num, sizeof num));
            parleyx_buf_printf(b, ",%s\n",
                               parleyx_fmt_double(parley_forecast_result_probability(r, s, a), num,
                                                  sizeof num));
        }
}

int cmd_forecast(int argc, char **argv)
{
    bool json = false;
    const char *csv = NULL, *outpath = NULL, *input = NULL, *svgpath = NULL;
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    bool model_set = false;
    static const choice models[] = {{"smp", PARLEY_FORECAST_SMP}, {"bdm", PARLEY_FORECAST_BDM}};
    static const choice votes[] = {{"risk", PARLEY_BDM_VOTE_RISK},
                                   {"linear", PARLEY_BDM_VOTE_LINEAR},
                                   {"double", PARLEY_BDM_VOTE_DOUBLE}};
    static const choice medians[] = {{"condorcet", PARLEY_BDM_MEDIAN_CONDORCET},
                                     {"mean", PARLEY_BDM_MEDIAN_MEAN},
                                     {"weighted", PARLEY_BDM_MEDIAN_WEIGHTED}};
    static const choice probs[] = {{"scholz", PARLEY_BDM_PROB_SCHOLZ},
                                   {"pairwise", PARLEY_BDM_PROB_PAIRWISE}};
    static const choice risks[] = {{"actors", PARLEY_BDM_RISK_ACTORS},
                                   {"positions", PARLEY_BDM_RISK_POSITIONS}};
    static const choice rs[] = {{"evaluator", PARLEY_BDM_R_EVALUATOR}, {"own", PARLEY_BDM_R_OWN}};
    static const choice comps[] = {{"proportional", PARLEY_BDM_COMPROMISE_PROPORTIONAL},
                                   {"weighted", PARLEY_BDM_COMPROMISE_WEIGHTED}};
    static const choice choices[] = {{"scholz", PARLEY_BDM_CHOICE_SCHOLZ},
                                     {"least-move", PARLEY_BDM_CHOICE_LEAST_MOVE}};
    static const choice onoff[] = {{"on", 1}, {"off", 0}};
    static const choice presets[] = {{"jmckib", 1}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            return CLI_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (input)
                return cli_usage("forecast", "one input only; got '%s' and '%s'", input, a);
            input = a;
            continue;
        }
        static const char *const valued[] = {
            "--csv",      "--svg",       "-o",          "--model",       "--max-rounds",       "--threads",
            "--bdm-vote", "--bdm-median", "--bdm-prob",   "--bdm-q",            "--bdm-risk",
            "--bdm-r",    "--bdm-compromise", "--bdm-choice", "--bdm-capitulation",
            "--bdm-preset"};
        bool known = false;
        for (size_t k = 0; k < NCH(valued); k++)
            known = known || strcmp(a, valued[k]) == 0;
        if (!known) {
            const char *all[NCH(valued) + 2];
            for (size_t k = 0; k < NCH(valued); k++)
                all[k] = valued[k];
            all[NCH(valued)] = "--json";
            all[NCH(valued) + 1] = "--help";
            const char *close = parleyx_closest(a, all, NCH(all));
            if (close)
                return cli_usage("forecast", "unknown option '%s'; did you mean '%s'?", a, close);
            return cli_usage("forecast", "unknown option '%s'", a);
        }
        if (i + 1 >= argc)
            return cli_usage("forecast", "%s needs a value", a);
        const char *v = argv[++i];
        int x = 0;
        unsigned long long n;
        if (strcmp(a, "--csv") == 0) {
            csv = v;
        } else if (strcmp(a, "--svg") == 0) {
            svgpath = v;
        } else if (strcmp(a, "-o") == 0) {
            outpath = v;
        } else if (strcmp(a, "--model") == 0) {
            if (!pick(a, v, models, NCH(models), &x))
                return CLI_USAGE;
            o.model = (parley_forecast_model)x;
            model_set = true;
        } else if (strcmp(a, "--max-rounds") == 0) {
            if (!cli_parse_count("forecast", a, v, &n))
                return CLI_USAGE;
            if (n < 1 || n > 100000)
                return cli_usage("forecast", "--max-rounds expects 1 to 100000, got %s", v);
            o.max_rounds = (unsigned)n;
        } else if (strcmp(a, "--threads") == 0) {
            if (!cli_parse_count("forecast", a, v, &n))
                return CLI_USAGE;
            if (n < 1 || n > 64)
                return cli_usage("forecast", "--threads expects 1 to 64, got %s", v);
            o.threads = (unsigned)n;
        } else if (strcmp(a, "--bdm-q") == 0) {
            double q;
            if (!parleyx_parse_double(v, &q) || q < 0 || q > 1)
                return cli_usage("forecast", "--bdm-q expects a number in [0, 1], got '%s'", v);
            o.bdm.q = q;
        } else {
            const choice *c = NULL;
            size_t nc = 0;
#define CASE(opt, arr) else if (strcmp(a, opt) == 0) { c = arr; nc = NCH(arr); }
            if (0) {
            }
            CASE("--bdm-vote", votes)
            CASE("--bdm-median", medians)
            CASE("--bdm-prob", probs)
            CASE("--bdm-risk", risks)
            CASE("--bdm-r", rs)
            CASE("--bdm-compromise", comps)
            CASE("--bdm-choice", choices)
            CASE("--bdm-capitulation", onoff)
            CASE("--bdm-preset", presets)
#undef CASE
            if (!pick(a, v, c, nc, &x))
                return CLI_USAGE;
            if (strcmp(a, "--bdm-vote") == 0) o.bdm.vote = (parley_bdm_vote)x;
            else if (strcmp(a, "--bdm-median") == 0) o.bdm.median = (parley_bdm_median)x;
            else if (strcmp(a, "--bdm-prob") == 0) o.bdm.prob = (parley_bdm_prob)x;
            else if (strcmp(a, "--bdm-risk") == 0) o.bdm.risk = (parley_bdm_risk)x;
            else if (strcmp(a, "--bdm-r") == 0) o.bdm.rowner = (parley_bdm_rowner)x;
            else if (strcmp(a, "--bdm-compromise") == 0) o.bdm.compromise = (parley_bdm_compromise)x;
            else if (strcmp(a, "--bdm-choice") == 0) o.bdm.choice = (parley_bdm_choice)x;
            else if (strcmp(a, "--bdm-capitulation") == 0) o.bdm.capitulation = x != 0;
            else {
                parley_forecast_options d;
                parley_forecast_options_init(&d);
                o.bdm = d.bdm;
                o.bdm.capitulation = false;
            }
        }
    }
    if (!input)
        return cli_usage("forecast", "no input; give a KTAB .csv or .xml file, a BDM CSV or a "
                                     "native scenario");
    (void)model_set;
    parley_forecast_input *in = NULL;
    int rc = load_input(input, &in);
    if (rc != CLI_OK)
        return rc;
    parley_smp_params p;
    if (parley_forecast_input_smp_params(in, &p))
        o.smp = p;
    parley_forecast_result *r = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_forecast_run(in, &o, &r, &err);
    if (st != PARLEY_OK) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", input);
        rc = cli_report(&err, st);
        parley_forecast_input_free(in);
        return rc;
    }
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (json)
        json_report(&b, in, r, &o);
    else
        text_report(&b, in, r, &o);
    rc = cli_write_buf("forecast", "the report", outpath, &b);
    if (rc == CLI_OK && csv) {
        parleyx_buf_init(&b, NULL, 0);
        csv_report(&b, in, r);
        rc = cli_write_buf("forecast", "the CSV", csv, &b);
    }
    if (rc == CLI_OK && svgpath) {
        char *svg = NULL;
        size_t len = 0;
        st = parley_chart_forecast(in, r, NULL, &svg, &len, &err);
        rc = st ? cli_report(&err, st) : cli_write_output(svgpath, svg, len);
        parley_text_free(svg);
    }
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
    return rc;
}
