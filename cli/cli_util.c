/*
 * cli_util.c -- error printing, loading, atomic output and the option
 * parser (one table per command, see cli.h) for the commands.  Uses only
 * the public API and parleyx_ helpers.  Also built into parley-mpi (with
 * cmd_tournament.c and cli_json.c): it must not call into other CLI files.
 */
#include "cli.h"

#include <limits.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_exit_for(parley_status st)
{
    switch (st) {
    case PARLEY_OK: return CLI_OK;
    case PARLEY_ERR_NORESULT: return CLI_NORESULT;
    case PARLEY_ERR_NOMEM:
    case PARLEY_ERR_INTERNAL: return CLI_INTERNAL;
    case PARLEY_ERR_IO:
    case PARLEY_ERR_SYNTAX:
    case PARLEY_ERR_INVALID:
    case PARLEY_ERR_UNSUPPORTED:
    case PARLEY_ERR_LIMIT:
    case PARLEY_ERR_ARG: return CLI_USAGE;
    }
    return CLI_INTERNAL;
}

int cli_report(const parley_error *err, parley_status st)
{
    const char *msg = err && err->message[0] ? err->message : parley_strerror(st);
    if (err && err->file[0]) {
        if (err->line && err->column)
            fprintf(stderr, "%s:%u:%u: error: %s\n", err->file, err->line, err->column, msg);
        else if (err->line)
            fprintf(stderr, "%s:%u: error: %s\n", err->file, err->line, msg);
        else
            fprintf(stderr, "%s: error: %s\n", err->file, msg);
    } else {
        fprintf(stderr, "parley: error: %s\n", msg);
    }
    return cli_exit_for(st);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "parley %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'parley %s --help'.\n", cmd);
    return CLI_USAGE;
}

/* GENIUS inputs: how many profiles --profiles took (the reader's note), or
 * when a folder's profiles were all taken and are many, a hint on stderr
 * before any long run. */
static void cli_note_profiles(size_t n, char **paths, const parley_load_options *opt,
                              const parley_scenario *sc)
{
    for (size_t k = 0; k < parley_scenario_note_count(sc); k++)
        if (strstr(parley_scenario_note(sc, k), " profiles taken: "))
            fprintf(stderr, "parley: note: %s\n", parley_scenario_note(sc, k));
    size_t np = parley_party_count(sc);
    struct stat sb;
    bool folder = n == 1 && stat(paths[0], &sb) == 0 && S_ISDIR(sb.st_mode);
    if (folder && np > CLI_MANY_PROFILES && !(opt && opt->nprofiles))
        fprintf(stderr,
                "parley: note: the folder has %zu profiles, all taken as parties; the analysis "
                "grows with each, so pick the ones you mean with --profiles a.xml,b.xml\n",
                np);
}

int cli_load(size_t n, char **paths, const parley_load_options *opt, parley_scenario **out)
{
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_load(n, (const char *const *)paths, opt, out, &err);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    cli_note_profiles(n, paths, opt, *out);
    if (!cli_nominal_quiet && parley_scenario_is_uncertain(*out))
        fprintf(stderr, "parley: note: the scenario holds uncertain numbers or red-line beliefs; "
                        "this command uses its nominal world (each number at its mean or most "
                        "likely choice, every red line held): see `parley robust`\n");
    return CLI_OK;
}

bool cli_nominal_quiet = false;

/* SIGINT, SIGTERM, SIGHUP and SIGQUIT wait until an atomic write is done
 * and renamed (or its temporary file or folder removed), so an interrupted
 * command leaves neither a part of the output nor a temporary file.
 * SIGKILL cannot be blocked: then only the temporary can remain, never a
 * partial output. */
void cli_hold_signals(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_BLOCK, &block, old);
}

int cli_write_output(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (len && fwrite(data, 1, len, stdout) != len) {
            fprintf(stderr, "parley: error: cannot write to standard output: %s\n",
                    strerror(errno));
            return CLI_USAGE;
        }
        if (fflush(stdout) != 0) {
            fprintf(stderr, "parley: error: cannot write to standard output: %s\n",
                    strerror(errno));
            return CLI_USAGE;
        }
        return CLI_OK;
    }
    sigset_t old;
    cli_hold_signals(&old);
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_write_file_atomic(path, data, len, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    return CLI_OK;
}

int cli_write_buf(const char *cmd, const char *what, const char *path, px_buf *b)
{
    int rc;
    if (b->failed) {
        fprintf(stderr, "parley %s: error: %s is too large or memory ran out; nothing was written\n",
                cmd, what);
        rc = CLI_INTERNAL;
    } else {
        rc = cli_write_output(path, b->data ? b->data : "", b->len);
    }
    parleyx_buf_free(b);
    return rc;
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

bool cli_parse_count(const char *cmd, const char *opt, const char *val, unsigned long long *out)
{
    if (!val || !*val) {
        cli_usage(cmd, "%s needs a number", opt);
        return false;
    }
    for (const char *p = val; *p; p++)
        if (*p < '0' || *p > '9') {
            cli_usage(cmd, "%s expects a whole number, got '%s'", opt, val);
            return false;
        }
    errno = 0;
    unsigned long long v = strtoull(val, NULL, 10);
    if (errno == ERANGE) {
        cli_usage(cmd, "%s: '%s' is too large", opt, val);
        return false;
    }
    *out = v;
    return true;
}

int cli_on_max_outcomes(const char *cmd, const char *opt, const char *val, void *ud)
{
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    if (v == 0)
        return cli_usage(cmd, "%s must be at least 1", opt);
    *(uint64_t *)ud = v;
    return CLI_OK;
}

int cli_on_max_seconds(const char *cmd, const char *opt, const char *val, void *ud)
{
    double x;
    if (!val || !parleyx_parse_double(val, &x) || !(x >= 0.001) || x > 1e7)
        return cli_usage(cmd, "%s expects seconds from 0.001 to 10000000, got '%s'", opt,
                         val ? val : "");
    *(double *)ud = x;
    return CLI_OK;
}

int cli_parse_range(const char *cmd, const char *opt, const char *val, unsigned max,
                    unsigned *out)
{
    unsigned long long v;
    if (!cli_parse_count(cmd, opt, val, &v))
        return CLI_USAGE;
    if (v < 1 || v > max)
        return cli_usage(cmd, "%s expects 1 to %u, got %s", opt, max, val);
    *out = (unsigned)v;
    return CLI_OK;
}

int cli_load_option(const char *cmd, const char *opt, const char *val, void *ud)
{
    parley_load_options *lo = ud;
    unsigned long long g;
    if (!cli_parse_count(cmd, opt, val, &g))
        return CLI_USAGE;
    if (strcmp(opt, "--max-input") == 0) {
        /* MiB; up to 1 TiB, far beyond what fits in memory here */
        if (g < 1 || g > (1ULL << 20))
            return cli_usage(cmd, "--max-input expects 1 to 1048576 (MiB), got %llu", g);
        lo->max_file_bytes = (size_t)(g << 20);
        return CLI_OK;
    }
    if (g < 2 || g > PARLEY_MAX_VALUES)
        return cli_usage(cmd, "--grid expects 2 to %u points, got %llu", PARLEY_MAX_VALUES, g);
    lo->real_grid = (unsigned)g;
    return CLI_OK;
}

/* The profile picks and party names of this process's one command. */
static const char *cli_picks[PARLEY_MAX_PARTIES];
static parley_profile_name cli_names[PARLEY_MAX_PARTIES];

/* A copy of val that lives until exit (the load options point into it),
 * or NULL after printing the error. */
static char *cli_keep(const char *cmd, const char *val)
{
    char *copy = strdup(val);
    if (!copy)
        fprintf(stderr, "parley %s: error: out of memory\n", cmd);
    return copy;
}

static int cli_profiles_option(const char *cmd, const char *val, parley_load_options *lo)
{
    char *list = cli_keep(cmd, val);
    if (!list)
        return CLI_INTERNAL;
    for (char *p = list, *comma;; p = comma + 1) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (!*p)
            return cli_usage(cmd,
                             "--profiles expects profile file names separated by commas "
                             "(e.g. --profiles a.xml,b.xml), got '%s'",
                             val);
        if (lo->nprofiles >= PARLEY_MAX_PARTIES)
            return cli_usage(cmd, "--profiles: more than %d profiles", PARLEY_MAX_PARTIES);
        cli_picks[lo->nprofiles++] = p;
        if (!comma)
            break;
    }
    lo->profiles = cli_picks;
    return CLI_OK;
}

int cli_party_option(const char *cmd, const char *opt, const char *val, void *ud)
{
    parley_load_options *lo = ud;
    if (strcmp(opt, "--profiles") == 0)
        return cli_profiles_option(cmd, val, lo);
    const char *eq = strchr(val, '=');
    if (!eq || eq == val || !eq[1])
        return cli_usage(cmd,
                         "--name expects FILE=NAME (e.g. --name "
                         "camera_buyer_utility.xml=Buyer), got '%s'",
                         val);
    if (lo->nnames >= PARLEY_MAX_PARTIES)
        return cli_usage(cmd, "--name: more than %d names", PARLEY_MAX_PARTIES);
    char *file = cli_keep(cmd, val);
    if (!file)
        return CLI_INTERNAL;
    file[eq - val] = '\0';
    cli_names[lo->nnames].file = file;
    cli_names[lo->nnames++].name = file + (eq - val) + 1;
    lo->names = cli_names;
    return CLI_OK;
}

/* "unknown option 'X'", with the closest of the table's names and --help
 * ("did you mean"), as every command does for every misspelt name. */
static int unknown_option(const cli_cmdline *cl, const char *opt)
{
    const char *near = NULL;
    const char **names = calloc(cl->nopts + 1, sizeof *names);
    if (names) {
        for (size_t k = 0; k < cl->nopts; k++)
            names[k] = cl->opts[k].name;
        names[cl->nopts] = "--help";
        near = parleyx_closest(opt, names, cl->nopts + 1);
    }
    int rc = near ? cli_usage(cl->cmd, "unknown option '%s'; did you mean '%s'?", opt, near)
                  : cli_usage(cl->cmd, "unknown option '%s'", opt);
    free(names);
    return rc;
}

static const cli_opt *find_option(const cli_cmdline *cl, const char *name)
{
    for (size_t k = 0; k < cl->nopts; k++)
        if (strcmp(cl->opts[k].name, name) == 0)
            return &cl->opts[k];
    return NULL;
}

/* One option at argv[*i] (and its value, advancing *i). */
static int parse_option(const cli_cmdline *cl, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v = NULL;
    const cli_opt *o = find_option(cl, a);
    if (!o)
        return unknown_option(cl, a);
    if (o->needs) {
        if (*i + 1 >= argc)
            return cli_usage(cl->cmd, "%s needs %s", a, o->needs);
        v = argv[++*i];
    }
    if (o->flag)
        *o->flag = true;
    else if (o->value)
        *o->value = v;
    else
        return o->fn(cl->cmd, a, v, o->ud);
    return CLI_OK;
}

bool cli_parse(const cli_cmdline *cl, int argc, char **argv, size_t *ninputs, int *rc)
{
    size_t n = 0;
    *ninputs = 0;
    *rc = CLI_OK;
    for (int i = 1; i < argc && *rc == CLI_OK; i++) {
        char *a = argv[i];
        if (cli_is_help(a)) {
            cl->help();
            return false;
        }
        if (a[0] == '-' && a[1]) {
            *rc = parse_option(cl, argc, argv, &i);
        } else {
            if (cl->input)
                *rc = cl->input(cl->cmd, a, cl->input_ud);
            else
                argv[1 + n] = a; /* 1 + n <= i: nothing unread is overwritten */
            n++;
        }
    }
    if (*rc == CLI_OK && !n && cl->no_input)
        *rc = cli_usage(cl->cmd, "%s", cl->no_input);
    *ninputs = n;
    return *rc == CLI_OK;
}

bool cli_parse_load(const cli_cmdline *cl, int argc, char **argv, const parley_load_options *lo,
                    parley_scenario **sc, int *rc)
{
    size_t n;
    *sc = NULL;
    if (!cli_parse(cl, argc, argv, &n, rc))
        return false;
    *rc = cli_load(n, argv + 1, lo, sc);
    return *rc == CLI_OK;
}

/* Digits only, at most UINT_MAX, into *out; *end after them. */
static bool shard_number(const char *s, const char **end, unsigned *out)
{
    unsigned long long x = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        x = x * 10 + (unsigned)(*p - '0');
        if (x > UINT_MAX)
            return false;
    }
    *end = p;
    *out = (unsigned)x;
    return p > s;
}

bool cli_shard_parse(const char *val, unsigned *k, unsigned *n)
{
    const char *p;
    if (!shard_number(val, &p, k) || *p != '/' || !shard_number(p + 1, &p, n) || *p)
        return false;
    return *k >= 1 && *k <= *n;
}

static int cli_progress_draw(void *ud, const char *phase, double fraction)
{
    cli_progress *ps = ud;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double el = (double)(t.tv_sec - ps->t0.tv_sec) + (double)(t.tv_nsec - ps->t0.tv_nsec) * 1e-9;
    if (el < 2.0)
        return 0;
    fprintf(stderr, "\rparley %s: %-20s %5.1f%%  %6.1f s", ps->cmd, phase, fraction * 100.0, el);
    fflush(stderr);
    ps->drawn = true;
    return 0;
}

void cli_progress_start(cli_progress *ps, const char *cmd, parley_progress_fn *fn, void **ud)
{
    ps->cmd = cmd;
    clock_gettime(CLOCK_MONOTONIC, &ps->t0);
    ps->drawn = false;
    if (isatty(2)) {
        *fn = cli_progress_draw;
        *ud = ps;
    }
}

void cli_progress_end(cli_progress *ps)
{
    if (ps->drawn)
        fprintf(stderr, "\r%70s\r", "");
    ps->drawn = false;
}
