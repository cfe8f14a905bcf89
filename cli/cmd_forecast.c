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
           "        configuration (default; a KTAB XML's <ModelParameters> apply,\n"
           "        Markov PCE models and Stochastic transitions included)\n"
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
           "  --seed N               seed of SMP's Stochastic transitions (default: the\n"
           "                         XML's <prngSeed>, else 0); same seed, same output\n"
           "  --max-input MiB        largest input file read, in MiB (default 64)\n"
           "  --grid N               points per real issue of a native scenario (default 21)\n"
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

static int load_input(const char *path, const parley_load_options *lo,
                      parley_forecast_input **out)
{
    parley_error err;
    parley_error_clear(&err);
    parley_status st;
    *out = NULL;
    if (ends_with(path, ".csv")) {
        st = parley_ktab_read_csv(path, lo, out, &err);
    } else if (ends_with(path, ".xml")) {
        st = parley_ktab_read_xml(path, lo, out, &err);
    } else {
        parley_scenario *sc = NULL;
        char *paths[1] = {(char *)path};
        int rc = cli_load(1, paths, lo, &sc);
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
    static const char *const pce[] = {"Conditional", "MarkovIncentive", "MarkovUniform"};
    char how[96] = "deterministic";
    if (o->smp.pce != PARLEY_SMP_PCE_CONDITIONAL || o->smp.transitions == PARLEY_SMP_STOCHASTIC)
        snprintf(how, sizeof how, "%s PCE, %s", pce[o->smp.pce % 3],
                 o->smp.transitions == PARLEY_SMP_STOCHASTIC ? "stochastic, seed " : "deterministic");
    if (o->smp.transitions == PARLEY_SMP_STOCHASTIC)
        snprintf(how + strlen(how), sizeof how - strlen(how), "%llu", (unsigned long long)o->seed);
    parleyx_buf_printf(b, "Forecast with %s%s%s%s%s\n",
                       o->model == PARLEY_FORECAST_SMP
                           ? "KTAB's Spatial Model of Politics ("
                           : "the BDM expected-utility model (Scholz, Calbert and Smith 2011)",
                       o->model == PARLEY_FORECAST_SMP ? how : "",
                       o->model == PARLEY_FORECAST_SMP ? ")" : "", name[0] ? ": " : "", name);
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
    if (o->model == PARLEY_FORECAST_SMP) { /* what makes the run reproducible */
        static const char *const pce[] = {"Conditional", "MarkovIncentive", "MarkovUniform"};
        bool stoch = o->smp.transitions == PARLEY_SMP_STOCHASTIC;
        parleyx_buf_printf(b, ",\n  \"pce\": \"%s\",\n  \"transitions\": \"%s\",\n  \"seed\": ",
                           pce[o->smp.pce % 3], stoch ? "Stochastic" : "Deterministic");
        if (stoch)
            parleyx_buf_printf(b, "%llu", (unsigned long long)o->seed);
        else
            parleyx_buf_puts(b, "null");
    }
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

/* ------------------------------------------------------------ arguments */

typedef struct fc_args {
    bool json;
    const char *csv, *outpath, *input, *svgpath;
    parley_forecast_options o;
    parley_load_options lo; /* --max-input (every format), --grid (native) */
} fc_args;

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

/* A handler for an option with named values: fn stores the value of list
 * named by the option's argument into o.field. */
#define FC_CHOICE(fn, list, field, type)                                                           \
    static int fn(const char *cmd, const char *opt, const char *val, void *ud)                     \
    {                                                                                              \
        int x = 0;                                                                                 \
        (void)cmd;                                                                                 \
        if (!pick(opt, val, list, NCH(list), &x))                                                  \
            return CLI_USAGE;                                                                      \
        ((fc_args *)ud)->o.field = (type)x;                                                        \
        return CLI_OK;                                                                             \
    }
FC_CHOICE(on_model, models, model, parley_forecast_model)
FC_CHOICE(on_vote, votes, bdm.vote, parley_bdm_vote)
FC_CHOICE(on_median, medians, bdm.median, parley_bdm_median)
FC_CHOICE(on_prob, probs, bdm.prob, parley_bdm_prob)
FC_CHOICE(on_risk, risks, bdm.risk, parley_bdm_risk)
FC_CHOICE(on_r, rs, bdm.rowner, parley_bdm_rowner)
FC_CHOICE(on_compromise, comps, bdm.compromise, parley_bdm_compromise)
FC_CHOICE(on_choice, choices, bdm.choice, parley_bdm_choice)
FC_CHOICE(on_capitulation, onoff, bdm.capitulation, bool)
#undef FC_CHOICE

/* --bdm-preset jmckib: the BDM defaults with capitulation off. */
static int on_preset(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)cmd;
    fc_args *a = ud;
    int x = 0;
    if (!pick(opt, val, presets, NCH(presets), &x))
        return CLI_USAGE;
    parley_forecast_options d;
    parley_forecast_options_init(&d);
    a->o.bdm = d.bdm;
    a->o.bdm.capitulation = false;
    return CLI_OK;
}

/* --max-rounds (1 to 100000), --threads (1 to 64), --seed (any uint64) */
static int on_count(const char *cmd, const char *opt, const char *val, void *ud)
{
    parley_forecast_options *o = &((fc_args *)ud)->o;
    if (strcmp(opt, "--seed") == 0) {
        unsigned long long x;
        if (!cli_parse_count(cmd, opt, val, &x))
            return CLI_USAGE;
        o->seed = x;
        o->seed_set = true;
        return CLI_OK;
    }
    if (strcmp(opt, "--threads") == 0)
        return cli_parse_range(cmd, opt, val, 64, &o->threads);
    return cli_parse_range(cmd, opt, val, 100000, &o->max_rounds);
}

static int on_q(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)opt;
    double q;
    if (!parleyx_parse_double(val, &q) || q < 0 || q > 1)
        return cli_usage(cmd, "--bdm-q expects a number in [0, 1], got '%s'", val);
    ((fc_args *)ud)->o.bdm.q = q;
    return CLI_OK;
}

static int on_input(const char *cmd, const char *arg, void *ud)
{
    fc_args *a = ud;
    if (a->input)
        return cli_usage(cmd, "one input only; got '%s' and '%s'", a->input, arg);
    a->input = arg;
    return CLI_OK;
}

/* The command line into *a; as cli_parse.  An unknown option gets the
 * closest known one suggested, in the table's order. */
static bool parse_args(fc_args *a, int argc, char **argv, int *rc)
{
    const cli_opt opts[] = {
        CLI_VALUE("--csv", "a value", &a->csv),
        CLI_VALUE("--svg", "a value", &a->svgpath),
        CLI_VALUE("-o", "a value", &a->outpath),
        CLI_CALL("--model", "a value", on_model, a),
        CLI_CALL("--max-rounds", "a value", on_count, a),
        CLI_CALL("--threads", "a value", on_count, a),
        CLI_CALL("--seed", "a value", on_count, a),
        CLI_CALL("--bdm-vote", "a value", on_vote, a),
        CLI_CALL("--bdm-median", "a value", on_median, a),
        CLI_CALL("--bdm-prob", "a value", on_prob, a),
        CLI_CALL("--bdm-q", "a value", on_q, a),
        CLI_CALL("--bdm-risk", "a value", on_risk, a),
        CLI_CALL("--bdm-r", "a value", on_r, a),
        CLI_CALL("--bdm-compromise", "a value", on_compromise, a),
        CLI_CALL("--bdm-choice", "a value", on_choice, a),
        CLI_CALL("--bdm-capitulation", "a value", on_capitulation, a),
        CLI_CALL("--bdm-preset", "a value", on_preset, a),
        CLI_FLAG("--json", &a->json),
        CLI_LOAD_OPTIONS(&a->lo),
    };
    const cli_cmdline cl = {.cmd = "forecast", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts),
                            .no_input = "no input; give a KTAB .csv or .xml file, a BDM CSV or a "
                                        "native scenario",
                            .input = on_input, .input_ud = a};
    size_t n;
    return cli_parse(&cl, argc, argv, &n, rc);
}

/* ------------------------------------------------------------ the command */

/* The report, the CSV and the chart of a run. */
static int write_outputs(const fc_args *a, const parley_forecast_input *in,
                         const parley_forecast_result *r)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    if (a->json)
        json_report(&b, in, r, &a->o);
    else
        text_report(&b, in, r, &a->o);
    int rc = cli_write_buf("forecast", "the report", a->outpath, &b);
    if (rc == CLI_OK && a->csv) {
        parleyx_buf_init(&b, NULL, 0);
        csv_report(&b, in, r);
        rc = cli_write_buf("forecast", "the CSV", a->csv, &b);
    }
    if (rc == CLI_OK && a->svgpath) {
        parley_error err;
        parley_error_clear(&err);
        char *svg = NULL;
        size_t len = 0;
        parley_status st = parley_chart_forecast(in, r, NULL, &svg, &len, &err);
        rc = st ? cli_report(&err, st) : cli_write_output(a->svgpath, svg, len);
        parley_text_free(svg);
    }
    return rc;
}

int cmd_forecast(int argc, char **argv)
{
    fc_args a;
    memset(&a, 0, sizeof a);
    parley_forecast_options_init(&a.o);
    int rc;
    if (!parse_args(&a, argc, argv, &rc))
        return rc;
    parley_forecast_input *in = NULL;
    rc = load_input(a.input, &a.lo, &in);
    if (rc != CLI_OK)
        return rc;
    parley_smp_params p;
    if (parley_forecast_input_smp_params(in, &p))
        a.o.smp = p;
    if (!a.o.seed_set)
        parley_forecast_input_seed(in, &a.o.seed);
    a.o.seed_set = true;
    parley_forecast_result *r = NULL;
    parley_error err;
    parley_error_clear(&err);
    cli_progress ps;
    cli_progress_start(&ps, "forecast", &a.o.progress, &a.o.progress_ud);
    parley_status st = parley_forecast_run(in, &a.o, &r, &err);
    cli_progress_end(&ps);
    if (st != PARLEY_OK) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", a.input);
        rc = cli_report(&err, st);
        parley_forecast_input_free(in);
        return rc;
    }
    rc = write_outputs(&a, in, r);
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
    return rc;
}
