/*
 * cmd_serve.c -- `parley serve`: the mediator's console.  Starts the HTTP
 * server of parley/serve.h with the console page (web/console.html,
 * embedded at build time) and registers one handler per endpoint.
 *
 * Each API request runs the very command the CLI runs, `parley CMD
 * INPUT... --json OPTIONS`, in a forked child whose standard output and
 * error are pipes: the endpoint's JSON is the CLI's `--json` output byte
 * for byte, an error is the CLI's message, and a crash or a runaway
 * analysis ends the child, not the server.  The request's JSON members
 * become the command's options through a table per endpoint (only the
 * options listed there: no -o, no --trace, no plugin agents, nothing that
 * writes or loads a file).
 *
 * Invariants: the server reads only the inputs given on the command line
 * (kept as given: it never changes folder)
 * and the files uploaded into its own temporary folder (removed on exit);
 * it writes a scenario only on /api/save, into --save-dir, under a plain
 * file name, never over an existing file unless asked, atomically.
 */
#define _GNU_SOURCE /* pipe2, realpath */
#include "cli.h"
#include "parley/serve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
extern const unsigned char parley_console_html[];
extern const size_t parley_console_html_len;

#define SV_MAX_SCENARIOS 64
#define SV_MAX_FILES 64
#define SV_MAX_OUTPUT ((size_t)256 << 20)

static void help(void)
{
    printf("Usage: parley serve [INPUT...] [--listen HOST:PORT] [--open] [--save-dir DIR]\n"
           "\n"
           "The mediator's console: a page in the browser where every red line is a\n"
           "switch and every reservation value a slider, and a JSON API whose answers\n"
           "are the commands' --json outputs (docs/serve.md).  INPUT is a scenario as\n"
           "for the other commands (more can be uploaded from the page).\n"
           "\n"
           "The server listens on the loopback address by default and prints the\n"
           "page's URL with a random access token; requests without the token, or\n"
           "naming another host, are refused.\n"
           "\n"
           "Options:\n"
           "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; port 0:\n"
           "                      any free port)\n"
           "  --open              open the page in the default browser (xdg-open)\n"
           "  --save-dir DIR      where /api/save writes scenarios (default: the\n"
           "                      current folder)\n"
           "  --threads N         requests answered at once (default: the number of\n"
           "                      cores, at least 2)\n"
           "  --max-seconds S     longest a request may run (default 120)\n"
           "  -h, --help          this help\n"
           "\n"
           "Runs until interrupted (Ctrl-C).  Exit status: 0 after an interrupt,\n"
           "2 bad input or usage (or the address cannot be listened on).\n");
}

/* ------------------------------------------------------------ state */

typedef struct sv_scenario {
    char **paths; /* as given, or in our folder (uploads) */
    size_t n;
    char *name;
    bool small;     /* under SV_SMALL outcomes: one analysis thread a request */
    bool stability; /* it has a `stability:` section (the page's stability panel) */
} sv_scenario;

/* Below this many outcomes an analysis's own threads cost more than they
 * save (each phase starts and joins its threads: ~5 ms a what-if on the
 * Abu Dhabi example with 2 threads, ~1 ms with 1), and the server answers
 * several requests at once anyway. */
#define SV_SMALL 1000000u

static struct {
    pthread_mutex_t lock;
    sv_scenario sc[SV_MAX_SCENARIOS];
    size_t n;
    char *work;     /* our temporary folder: uploads */
    char *save_dir; /* absolute */
    double max_seconds;
    unsigned uploads;
} S = {PTHREAD_MUTEX_INITIALIZER, {{NULL, 0, NULL, false, false}}, 0, NULL, NULL, 120, 0};

/* ------------------------------------------------------------ answers */

static void set_body(parley_serve_response *res, unsigned status, const char *type, char *body,
                     size_t len)
{
    res->status = status;
    res->content_type = type;
    res->body = body;
    res->body_len = len;
}

/* {"error": msg, "status": exit} */
static void fail(parley_serve_response *res, unsigned status, const char *msg, int exit_status)
{
    json_t *o = json_pack("{s:s, s:i}", "error", msg ? msg : "", "exit", exit_status);
    char *t = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!t) {
        set_body(res, 500, NULL, NULL, 0);
        return;
    }
    size_t n = strlen(t);
    char *b = realloc(t, n + 2);
    if (b) {
        b[n] = '\n';
        b[n + 1] = 0;
        t = b;
        n++;
    }
    set_body(res, status, NULL, t, n);
}

/* ------------------------------------------------------------ children */

typedef int (*cmd_fn)(int argc, char **argv);

typedef struct sv_out {
    char *data;
    size_t len, cap;
    bool over;
} sv_out;

static bool out_add(sv_out *o, const char *p, size_t n)
{
    if (o->over || n > SV_MAX_OUTPUT - o->len) {
        o->over = true;
        return false;
    }
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 8192;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *d = realloc(o->data, cap);
        if (!d) {
            o->over = true;
            return false;
        }
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
    o->data[o->len] = 0;
    return true;
}

/* Run fn(argc, argv) in a child; its standard output into *out, its
 * standard error into *errtext.  Returns the exit status, or -1 when the
 * child could not run, was killed or ran past S.max_seconds (*why says). */
static int edited(cmd_fn fn, int argc, char **argv, size_t nin);

static int run_child(cmd_fn fn, int argc, char **argv, size_t edit_inputs, sv_out *out,
                     sv_out *errtext, const char **why)
{
    int po[2], pe[2];
    *why = "the command could not be started";
    if (pipe2(po, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        int rc = edit_inputs ? edited(fn, argc, argv, edit_inputs) : fn(argc, argv);
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        return -1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    bool late = false;
    char buf[65536];
    while (open_fds > 0) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double left = S.max_seconds - ((double)(t1.tv_sec - t0.tv_sec) +
                                       (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
        if (left <= 0) {
            late = true;
            break;
        }
        int r = poll(fds, 2, (int)(left * 1000.0) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[k].fd, buf, sizeof buf);
            if (n > 0) {
                out_add(k ? errtext : out, buf, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[k].fd);
                fds[k].fd = -1;
                open_fds--;
            }
        }
        if (out->over || errtext->over)
            break;
    }
    for (int k = 0; k < 2; k++)
        if (fds[k].fd >= 0) {
            close(fds[k].fd);
            kill(pid, SIGKILL);
        }
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    if (late) {
        *why = "the request ran past the server's time limit (--max-seconds)";
        return -1;
    }
    if (out->over || errtext->over) {
        *why = "the answer is too large or memory ran out";
        return -1;
    }
    if (!WIFEXITED(ws)) {
        *why = "the command ended abnormally";
        return -1;
    }
    return WEXITSTATUS(ws);
}

/* Answer with the child's output: 200 with its standard output when it
 * exited 0 or 1 ("no deal"), else 400 (2: bad input) or 500 with its
 * message. */
static void run_answer(cmd_fn fn, int argc, char **argv, size_t edit_inputs, const char *type,
                       parley_serve_response *res)
{
    sv_out out = {0}, err = {0};
    const char *why;
    int rc = run_child(fn, argc, argv, edit_inputs, &out, &err, &why);
    if (rc == CLI_OK || rc == CLI_NORESULT) {
        set_body(res, 200, type, out.data, out.len);
        free(err.data);
        return;
    }
    free(out.data);
    fail(res, rc == CLI_USAGE ? 400 : 500, rc < 0 ? why : err.data ? err.data : "failed",
         rc < 0 ? CLI_INTERNAL : rc);
    free(err.data);
}

/* ------------------------------------------------------------ requests */

/* An option an endpoint takes: the JSON member "name" becomes "--name"
 * VALUE (a string or a number), "--name" alone (true; false: nothing), or
 * repeated (an array of strings). */
typedef struct sv_key {
    const char *name;
    char type; /* 'v' value, 'f' flag, 'a' array of values */
} sv_key;

typedef struct sv_endpoint {
    const char *path, *cmd;
    cmd_fn fn;
    bool json;    /* adds --json */
    bool changes; /* takes "changes" */
    bool edit;    /* ... applied to a copy of the scenario first (edited()) */
    const char *type;
    sv_key keys[12];
} sv_endpoint;

static int cmd_edit(int argc, char **argv);
static int cmd_trace(int argc, char **argv);

static const sv_endpoint endpoints[] = {
    {"/api/info", "info", cmd_info, true, false, false, NULL, {{NULL, 0}}},
    {"/api/analyze", "analyze", cmd_analyze, true, true, true, NULL,
     {{"kalai", 'v'}, {"max-outcomes", 'v'}, {"max-frontier", 'v'}, {"max-seconds", 'v'},
      {"threads", 'v'}, {"frontier", 'v'}, {"seed", 'v'}, {NULL, 0}}},
    {"/api/redlines", "redlines", cmd_redlines, true, true, true, NULL,
     {{"max-sets", 'v'}, {"max-work", 'v'}, {"max-seconds", 'v'}, {"threads", 'v'}, {NULL, 0}}},
    {"/api/whatif", "whatif", cmd_whatif, true, true, false, NULL,
     {{"threads", 'v'}, {"max-seconds", 'v'}, {NULL, 0}}},
    {"/api/negotiate", "negotiate", cmd_negotiate, true, true, true, NULL,
     {{"protocol", 'v'}, {"agent", 'a'}, {"rounds", 'v'}, {"seed", 'v'}, {"time", 'v'},
      {"no-ratify", 'f'}, {NULL, 0}}},
    {"/api/trace", "negotiate", cmd_trace, false, true, true, "application/x-ndjson",
     {{"protocol", 'v'}, {"agent", 'a'}, {"rounds", 'v'}, {"seed", 'v'}, {"time", 'v'},
      {"no-ratify", 'f'}, {NULL, 0}}},
    {"/api/robust", "robust", cmd_robust, true, true, true, NULL,
     {{"samples", 'v'}, {"seed", 'v'}, {"top", 'v'}, {"sensitivity", 'f'}, {"exact", 'f'},
      {"max-outcomes", 'v'}, {"threads", 'v'}, {NULL, 0}}},
    {"/api/stability", "stability", cmd_stability, true, true, true, NULL,
     {{"concept", 'v'}, {"status-quo", 'v'}, {"coalitions", 'f'}, {"deals", 'f'}, {"all", 'f'},
      {"explain", 'f'}, {NULL, 0}}},
    {"/api/report", "report", cmd_report, false, true, true, "text/html; charset=utf-8",
     {{"negotiate", 'f'}, {"protocol", 'v'}, {"agent", 'a'}, {"rounds", 'v'}, {"seed", 'v'},
      {"max-outcomes", 'v'}, {"max-seconds", 'v'}, {NULL, 0}}},
    {"/api/export", "edit", cmd_edit, false, true, false, "application/yaml; charset=utf-8",
     {{NULL, 0}}},
};

/* A strategy that names a file (a plugin: a path or a .so) would load
 * code from disk: refused. */
static bool names_file(const char *v)
{
    return strchr(v, '/') || strstr(v, ".so") || strchr(v, '\\');
}

typedef struct sv_argv {
    char **v;
    int n, cap;
    char *own[64]; /* strings made here, freed after */
    size_t nown;
} sv_argv;

static bool arg_push(sv_argv *a, const char *cs)
{
    char *s = (char *)cs; /* argv is char **; the commands do not write to it */
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? a->cap * 2 : 32;
        char **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v)
            return false;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
    return true;
}

static void arg_free(sv_argv *a)
{
    for (size_t i = 0; i < a->nown; i++)
        free(a->own[i]);
    free(a->v);
}

/* A JSON scalar as an option value (a string, or a number as written). */
static const char *value_text(sv_argv *a, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (!json_is_number(v) || a->nown == CLI_COUNT(a->own))
        return NULL;
    char buf[64];
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
    char *s = strdup(buf);
    if (s)
        a->own[a->nown++] = s;
    return s;
}

/* The scenario a request names ("scenario": N, default 0): its inputs
 * pushed onto a.  NULL, or the reason it cannot be. */
static const char *push_scenario(sv_argv *a, json_t *req, size_t *ninputs, bool *small)
{
    json_t *j = json_object_get(req, "scenario");
    json_int_t k = 0;
    if (j && !json_is_integer(j))
        return "\"scenario\" must be a number (an index from /api/scenarios)";
    if (j)
        k = json_integer_value(j);
    pthread_mutex_lock(&S.lock);
    bool ok = k >= 0 && (size_t)k < S.n;
    const sv_scenario *sc = ok ? &S.sc[k] : NULL;
    pthread_mutex_unlock(&S.lock); /* entries are never changed once added */
    if (!ok)
        return "no such scenario: load one with /api/scenario, or give one to 'parley serve'";
    for (size_t i = 0; i < sc->n; i++)
        if (!arg_push(a, sc->paths[i]))
            return "out of memory";
    *ninputs = sc->n;
    *small = sc->small;
    return NULL;
}

/* The request's JSON into the command's argv, by the endpoint's table.
 * NULL, or what is wrong (static text or in msg). */
static const char *build_argv(const sv_endpoint *ep, const parley_serve_request *rq, json_t **req,
                              sv_argv *a, size_t *ninputs, char *msg, size_t msgn)
{
    json_error_t je;
    *req = rq->body_len ? json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je)
                        : json_object();
    if (!*req) {
        snprintf(msg, msgn, "the request body is not JSON: line %d, column %d: %s", je.line,
                 je.column, je.text);
        return msg;
    }
    if (!json_is_object(*req))
        return "the request body must be a JSON object";
    if (!arg_push(a, (char *)ep->cmd))
        return "out of memory";
    bool small = false;
    const char *bad = push_scenario(a, *req, ninputs, &small);
    if (bad)
        return bad;
    bool takes_threads = false;
    for (size_t i = 0; ep->keys[i].name; i++)
        takes_threads |= strcmp(ep->keys[i].name, "threads") == 0;
    if (takes_threads && small && !json_object_get(*req, "threads") &&
        (!arg_push(a, "--threads") || !arg_push(a, "1")))
        return "out of memory";
    if (ep->json && !arg_push(a, "--json"))
        return "out of memory";
    const char *key;
    json_t *v;
    json_object_foreach(*req, key, v) {
        if (strcmp(key, "scenario") == 0)
            continue;
        if (strcmp(key, "changes") == 0 && ep->changes) {
            size_t i;
            json_t *ch;
            if (!json_is_array(v))
                return "\"changes\" must be an array of {\"drop\"|\"set\"|\"add\": text}";
            json_array_foreach(v, i, ch) {
                json_t *d = json_object_get(ch, "drop"), *s = json_object_get(ch, "set"),
                       *ad = json_object_get(ch, "add");
                json_t *x = d ? d : s ? s : ad;
                if (!json_is_object(ch) || json_object_size(ch) != 1 || !json_is_string(x))
                    return "each change must be one of {\"drop\": \"PARTY:REDLINE\"}, "
                           "{\"set\": \"PARTY.reservation=X\"}, {\"set\": \"PARTY.ISSUE.weight=X\"}, "
                           "{\"add\": \"PARTY: RULE\"}";
                if (!arg_push(a, d ? "--drop" : s ? "--set" : "--add") ||
                    !arg_push(a, (char *)json_string_value(x)))
                    return "out of memory";
            }
            continue;
        }
        const sv_key *k = NULL;
        for (size_t i = 0; ep->keys[i].name; i++)
            if (strcmp(ep->keys[i].name, key) == 0)
                k = &ep->keys[i];
        if (!k) {
            int n = snprintf(msg, msgn, "unknown member \"%s\" for %s; expected \"scenario\"%s",
                             key, ep->path, ep->changes ? ", \"changes\"" : "");
            for (size_t i = 0; ep->keys[i].name && n > 0 && (size_t)n < msgn; i++)
                n += snprintf(msg + n, msgn - (size_t)n, ", \"%s\"", ep->keys[i].name);
            return msg;
        }
        char opt[64];
        snprintf(opt, sizeof opt, "--%s", k->name);
        char *o = strdup(opt);
        if (!o || a->nown == CLI_COUNT(a->own)) {
            free(o);
            return "too many options";
        }
        a->own[a->nown++] = o;
        if (k->type == 'f') {
            if (!json_is_boolean(v))
                return "a flag must be true or false";
            if (json_is_true(v) && !arg_push(a, o))
                return "out of memory";
            continue;
        }
        size_t n = k->type == 'a' && json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n; i++) {
            json_t *x = k->type == 'a' && json_is_array(v) ? json_array_get(v, i) : v;
            const char *t = value_text(a, x);
            if (!t) {
                snprintf(msg, msgn, "\"%s\" must be a string or a number%s", key,
                         k->type == 'a' ? ", or an array of them" : "");
                return msg;
            }
            if (strcmp(key, "agent") == 0 && names_file(t))
                return "agents from files (plugins) are not loaded by the server; name a "
                       "built-in strategy";
            if (!arg_push(a, o) || !arg_push(a, (char *)t))
                return "out of memory";
        }
    }
    return NULL;
}

static void on_endpoint(void *ud, const parley_serve_request *rq, parley_serve_response *res)
{
    const sv_endpoint *ep = ud;
    sv_argv a = {0};
    json_t *req = NULL;
    char msg[1024];
    size_t nin = 0;
    const char *bad = build_argv(ep, rq, &req, &a, &nin, msg, sizeof msg);
    if (bad)
        fail(res, 400, bad, CLI_USAGE);
    else
        run_answer(ep->fn, a.n, a.v, ep->edit ? nin : 0, ep->type, res);
    json_decref(req);
    arg_free(&a);
}

/* Are the inputs in[0..nin) one native scenario file (the only kind with
 * a `stability:` section)? */
static bool one_native_file(char **in, size_t nin)
{
    struct stat sb;
    size_t n = nin == 1 ? strlen(in[0]) : 0;
    return nin == 1 && stat(in[0], &sb) == 0 && S_ISREG(sb.st_mode) &&
           !(n >= 4 && strcasecmp(in[0] + n - 4, ".xml") == 0);
}

/* Has sc, read from the inputs in[0..nin), a `stability:` section?  (The
 * reader checked the section when it loaded sc: a failure here is only
 * "none".) */
static bool has_moves(char **in, size_t nin, const parley_scenario *sc)
{
    parley_moves *mv = NULL;
    parley_error err;
    bool yes = one_native_file(in, nin) && parley_moves_read_file(in[0], sc, NULL, &mv, &err) == PARLEY_OK;
    parley_moves_free(mv);
    return yes;
}

/* `moves`, run only in the server's children (uploads are read there): 1
 * or 0 on standard output as the input has a `stability:` section. */
static int cmd_moves(int argc, char **argv)
{
    if (argc != 2)
        return CLI_USAGE;
    parley_scenario *sc = NULL;
    cli_nominal_quiet = true;
    int rc = cli_load(1, argv + 1, NULL, &sc);
    if (rc == CLI_OK)
        printf("%d\n", has_moves(argv + 1, 1, sc) ? 1 : 0);
    parley_scenario_free(sc);
    return rc;
}

/* The moves of *from (read for the input's own scenario) for sc, the same
 * scenario with changes applied: the changes keep the issues and parties
 * and their order, so movers, status quo values and vetoes carry over by
 * index; a fixed red line carries over by its party and name, and one the
 * changes dropped is no longer fixed (it no longer exists).  *out is the
 * caller's (parley_moves_free). */
static parley_status moves_for(const parley_moves *from, const parley_scenario *sc,
                               parley_moves **out, parley_error *err)
{
    const parley_scenario *orig = parley_moves_scenario(from);
    parley_moves *m = parley_moves_new(sc, NULL);
    parley_status st = m ? PARLEY_OK : PARLEY_ERR_NOMEM;
    if (!m) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
    for (size_t i = 0; st == PARLEY_OK && i < parley_issue_count(sc); i++) {
        size_t p = parley_moves_mover(from, i), v;
        if (p != SIZE_MAX)
            st = parley_moves_set_mover(m, i, p, err);
        if (st == PARLEY_OK && parley_moves_issue_status_quo(from, i, &v))
            st = parley_moves_set_status_quo(m, i, v, err);
    }
    for (size_t k = 0; st == PARLEY_OK && k < parley_moves_fixed_count(from); k++) {
        size_t p, r;
        parley_moves_fixed(from, k, &p, &r);
        const char *name = parley_redline_name(orig, p, r);
        for (size_t q = 0; q < parley_redline_count(sc, p); q++)
            if (name && strcmp(parley_redline_name(sc, p, q), name) == 0) {
                st = parley_moves_fix_redline(m, p, q, err);
                break;
            }
    }
    for (size_t p = 0; st == PARLEY_OK && p < parley_party_count(sc); p++)
        if (parley_moves_has_veto(from, p))
            st = parley_moves_add_veto(m, p, err);
    if (st != PARLEY_OK) {
        parley_moves_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/* The native YAML of sc, the scenario of the inputs in[0..nin) with
 * changes applied, with the input's `stability:` section (who moves which
 * issue, docs/stability.md) carried over when one native file has one, as
 * `parley convert` does (when moves: the export, and the copy `stability`
 * reads; the other commands do not read it): the section is not part of
 * the scenario.  It is read for the input's own scenario (errors at the
 * input's line), then carried over to the edited one (moves_for: a red
 * line dropped by a change is no longer fixed).  *text (NUL-terminated)
 * is the caller's to free(). */
static parley_status native_text(char **in, size_t nin, const parley_scenario *sc, bool moves,
                                 char **text, size_t *len, parley_error *err)
{
    char *yaml = NULL, *stab = NULL;
    size_t ylen = 0, slen = 0;
    *text = NULL;
    parley_status st = parley_native_write(sc, &yaml, &ylen, err);
    if (st == PARLEY_OK && moves && one_native_file(in, nin)) {
        parley_scenario *orig = NULL;
        parley_moves *mv = NULL, *mine = NULL;
        const char *const paths[] = {in[0]};
        st = parley_load(1, paths, NULL, &orig, err);
        if (st == PARLEY_OK)
            st = parley_moves_read_file(in[0], orig, NULL, &mv, err);
        if (st == PARLEY_ERR_NORESULT) {
            st = PARLEY_OK;
            parley_error_clear(err);
        } else if (st == PARLEY_OK && (st = moves_for(mv, sc, &mine, err)) == PARLEY_OK) {
            st = parley_moves_write(mine, &stab, &slen, err);
        }
        parley_moves_free(mine);
        parley_moves_free(mv);
        parley_scenario_free(orig);
    }
    if (st == PARLEY_OK && !(*text = malloc(ylen + slen + 1)))
        st = PARLEY_ERR_NOMEM;
    if (st == PARLEY_OK) {
        memcpy(*text, yaml, ylen);
        if (slen)
            memcpy(*text + ylen, stab, slen);
        (*text)[ylen + slen] = 0;
        *len = ylen + slen;
    }
    parley_text_free(yaml);
    parley_text_free(stab);
    return st;
}

/* `edit`, run only in the server's children: the scenario with the
 * changes applied, in native YAML on standard output (with its
 * `stability:` section, native_text). */
static int cmd_edit(int argc, char **argv)
{
    cli_changes changes = {calloc((size_t)argc, sizeof(cli_change)), 0};
    if (!changes.ch)
        return CLI_INTERNAL;
    parley_load_options lo = {0};
    const cli_opt opts[] = {CLI_CHANGE_OPTIONS(&changes)};
    const cli_cmdline cl = {.cmd = "serve", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input given"};
    size_t n;
    int rc;
    parley_scenario *sc = NULL;
    cli_nominal_quiet = true;
    if (cli_parse(&cl, argc, argv, &n, &rc))
        rc = cli_load(n, argv + 1, &lo, &sc);
    if (rc == CLI_OK)
        rc = cli_apply_changes("serve", sc, &changes);
    char *text = NULL;
    size_t len = 0;
    if (rc == CLI_OK) {
        parley_error err;
        parley_error_clear(&err);
        parley_status st = native_text(argv + 1, n, sc, true, &text, &len, &err);
        rc = st ? cli_report(&err, st) : cli_write_output(NULL, text, len);
    }
    free(text);
    parley_scenario_free(sc);
    free(changes.ch);
    return rc;
}

/* `negotiate ... --trace FILE`, run only in the server's children: the
 * file's JSON lines (every offer, the agreement, the ratification, the
 * result) on standard output instead of the summary. */
static int cmd_trace(int argc, char **argv)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/trace-%ld.jsonl", S.work, (long)getpid());
    char **v = calloc((size_t)argc + 3, sizeof(char *));
    if (!v)
        return CLI_INTERNAL;
    for (int i = 0; i < argc; i++)
        v[i] = argv[i];
    v[argc] = (char *)"--trace";
    v[argc + 1] = path;
    fflush(stdout);
    int keep = dup(1), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (keep < 0 || null < 0 || dup2(null, 1) < 0) {
        free(v);
        return CLI_INTERNAL;
    }
    int rc = cmd_negotiate(argc + 2, v);
    fflush(stdout);
    dup2(keep, 1);
    close(keep);
    close(null);
    free(v);
    if (rc == CLI_OK || rc == CLI_NORESULT) {
        FILE *f = fopen(path, "rb");
        char buf[65536];
        size_t n;
        while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, n, stdout);
        if (f)
            fclose(f);
        else
            rc = CLI_INTERNAL;
    }
    unlink(path);
    return rc;
}

/* In a child: fn on the scenario of argv[1..nin] with the changes among
 * argv's options (--drop/--set/--add X) applied, through a native YAML
 * copy in the server's folder (removed after): the answer is the
 * command's on the scenario /api/export gives.  No change: fn as is. */
static int edited(cmd_fn fn, int argc, char **argv, size_t nin)
{
    cli_changes ch = {calloc((size_t)argc, sizeof(cli_change)), 0};
    char **rest = calloc((size_t)argc + 2, sizeof(char *));
    if (!ch.ch || !rest)
        return CLI_INTERNAL;
    int nr = 2;
    rest[0] = argv[0];
    for (int i = 1 + (int)nin; i < argc; i++) {
        bool change = (strcmp(argv[i], "--drop") == 0 || strcmp(argv[i], "--set") == 0 ||
                       strcmp(argv[i], "--add") == 0) && i + 1 < argc;
        if (change) {
            ch.ch[ch.n].kind = argv[i][2];
            ch.ch[ch.n++].arg = argv[++i];
        } else {
            rest[nr++] = argv[i];
        }
    }
    if (!ch.n)
        return fn(argc, argv);
    parley_scenario *sc = NULL;
    bool quiet = cli_nominal_quiet;
    cli_nominal_quiet = true; /* the command says it, once */
    int rc = cli_load(nin, argv + 1, NULL, &sc);
    cli_nominal_quiet = quiet;
    if (rc == CLI_OK)
        rc = cli_apply_changes(argv[0], sc, &ch);
    char *text = NULL, path[PATH_MAX];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/edit-%ld.yaml", S.work, (long)getpid());
    parley_error err;
    parley_error_clear(&err);
    parley_status st = PARLEY_OK;
    bool moves = fn == cmd_stability; /* the only command that reads the section */
    if (rc == CLI_OK && ((st = native_text(argv + 1, nin, sc, moves, &text, &len, &err)) != PARLEY_OK ||
                         (st = parley_write_file_atomic(path, text, len, &err)) != PARLEY_OK))
        rc = cli_report(&err, st);
    free(text);
    parley_scenario_free(sc);
    if (rc == CLI_OK) {
        rest[1] = path;
        rc = fn(nr, rest);
        unlink(path);
    }
    free(rest);
    free(ch.ch);
    return rc;
}

/* ------------------------------------------------------------ scenarios */

static const sv_endpoint ep_edit = {"/api/save", "edit", cmd_edit, false, true, false, NULL,
                                    {{NULL, 0}}};

/* Add a scenario of n inputs (copied); its index, or -1. */
static long add_scenario(char **paths, size_t n, const char *name, uint64_t outcomes,
                         bool stability)
{
    sv_scenario s = {calloc(n, sizeof(char *)), n, strdup(name), outcomes < SV_SMALL, stability};
    bool ok = s.paths && s.name;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s.paths[i] = strdup(paths[i])) != NULL;
    long k = -1;
    pthread_mutex_lock(&S.lock);
    if (ok && S.n < SV_MAX_SCENARIOS) {
        k = (long)S.n;
        S.sc[S.n++] = s;
    }
    pthread_mutex_unlock(&S.lock);
    if (k < 0) {
        for (size_t i = 0; s.paths && i < n; i++)
            free(s.paths[i]);
        free(s.paths);
        free(s.name);
    }
    return k;
}

static void on_scenarios(void *ud, const parley_serve_request *rq, parley_serve_response *res)
{
    json_t *arr = json_array();
    pthread_mutex_lock(&S.lock);
    for (size_t k = 0; arr && k < S.n; k++) {
        json_t *in = json_array();
        bool upload = strncmp(S.sc[k].paths[0], S.work, strlen(S.work)) == 0;
        for (size_t i = 0; in && i < S.sc[k].n; i++) /* an upload: its name, not our folder */
            json_array_append_new(in, json_string(upload ? S.sc[k].name : S.sc[k].paths[i]));
        json_array_append_new(arr, json_pack("{s:i, s:s, s:o, s:b}", "scenario", (json_int_t)k,
                                             "name", S.sc[k].name, "inputs", in, "stability",
                                             S.sc[k].stability));
    }
    pthread_mutex_unlock(&S.lock);
    char *t = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(arr);
    if (!t)
        fail(res, 500, "out of memory", CLI_INTERNAL);
    else
        set_body(res, 200, NULL, t, strlen(t));
}

/* A name for an uploaded file: letters, digits, '.', '-', '_', ' ', not
 * starting with '.', at most 128 bytes. */
static bool plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
            c != '.' && c != '-' && c != '_' && c != ' ')
            return false;
    }
    return true;
}

static void remove_tree(const char *dir, json_t *files)
{
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name || !plain_name(name))
            continue;
        char p[PATH_MAX + 256];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        unlink(p);
    }
    rmdir(dir);
}

/* POST /api/scenario {"name": N, "files": [{"name": F, "text": T}...]}:
 * one file (YAML/JSON, GeniusWeb JSON) or a GENIUS folder's files. */
static void on_upload(void *ud, const parley_serve_request *rq, parley_serve_response *res)
{
    json_error_t je;
    json_t *req = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    json_t *files = json_object_get(req, "files");
    if (!json_is_array(files) || json_array_size(files) == 0 ||
        json_array_size(files) > SV_MAX_FILES) {
        fail(res, 400,
             "expected {\"files\": [{\"name\": \"file name\", \"text\": \"its content\"}, ...]} "
             "with 1 to 64 files",
             CLI_USAGE);
        json_decref(req);
        return;
    }
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name || !plain_name(name) || !json_is_string(json_object_get(f, "text"))) {
            fail(res, 400,
                 "each file needs a \"name\" (letters, digits, '.', '-', '_', not starting "
                 "with '.') and a \"text\"",
                 CLI_USAGE);
            json_decref(req);
            return;
        }
    }
    char dir[PATH_MAX];
    pthread_mutex_lock(&S.lock);
    unsigned id = ++S.uploads;
    pthread_mutex_unlock(&S.lock);
    snprintf(dir, sizeof dir, "%s/upload-%u", S.work, id);
    if (mkdir(dir, 0700) != 0) {
        fail(res, 500, "cannot make a folder for the upload", CLI_INTERNAL);
        json_decref(req);
        return;
    }
    char path[PATH_MAX + 256];
    bool ok = true;
    json_array_foreach(files, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        json_t *t = json_object_get(f, "text");
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        size_t len = json_string_length(t);
        ok = ok && fd >= 0 && write(fd, json_string_value(t), len) == (ssize_t)len;
        if (fd >= 0)
            close(fd);
    }
    if (!ok) {
        fail(res, 400, "cannot write the uploaded files (two with one name?)", CLI_USAGE);
        remove_tree(dir, files);
        json_decref(req);
        return;
    }
    /* one file: that file; several: the folder (GENIUS) */
    if (json_array_size(files) == 1)
        snprintf(path, sizeof path, "%s/%s", dir,
                 json_string_value(json_object_get(json_array_get(files, 0), "name")));
    else
        snprintf(path, sizeof path, "%s", dir);
    char *argv[] = {(char *)"info", path, (char *)"--json", NULL};
    sv_out out = {0}, err = {0};
    const char *why;
    int rc = run_child(cmd_info, 3, argv, 0, &out, &err, &why);
    const char *label = json_string_value(json_object_get(req, "name"));
    if (!label)
        label = json_string_value(json_object_get(json_array_get(files, 0), "name"));
    char *paths[] = {path};
    json_t *info = rc == CLI_OK && out.data ? json_loads(out.data, 0, NULL) : NULL;
    json_t *oc = json_object_get(info, "outcomes"); /* a string when beyond 2^63 */
    uint64_t outcomes = json_is_integer(oc) ? (uint64_t)json_integer_value(oc) : UINT64_MAX;
    json_decref(info);
    bool stab = false;
    if (rc == CLI_OK) { /* in a child too: the upload is read there only */
        char *mv[] = {(char *)"moves", path, NULL};
        sv_out mo = {0}, me = {0};
        const char *mwhy;
        stab = run_child(cmd_moves, 2, mv, 0, &mo, &me, &mwhy) == CLI_OK && mo.data &&
               mo.data[0] == '1';
        free(mo.data);
        free(me.data);
    }
    long k = rc == CLI_OK ? add_scenario(paths, 1, label, outcomes, stab) : -1;
    if (rc != CLI_OK) {
        fail(res, rc == CLI_USAGE ? 400 : 500, rc < 0 ? why : err.data, rc < 0 ? CLI_INTERNAL : rc);
        remove_tree(dir, files);
    } else if (k < 0) {
        fail(res, 507, "too many scenarios loaded (64)", CLI_INTERNAL);
        remove_tree(dir, files);
    } else {
        px_buf b;
        parleyx_buf_init(&b, NULL, 0);
        parleyx_buf_printf(&b, "{\"scenario\": %ld, \"info\": %s}\n", k, out.data ? out.data : "{}");
        size_t len = b.len;
        char *t = b.failed ? NULL : parleyx_buf_take(&b, &len, NULL);
        parleyx_buf_free(&b);
        if (t)
            set_body(res, 200, NULL, t, len);
        else
            fail(res, 500, "out of memory", CLI_INTERNAL);
    }
    free(out.data);
    free(err.data);
    json_decref(req);
}

/* POST /api/save {"scenario": N, "changes": [...], "name": F, "overwrite":
 * false}: the edited scenario written to --save-dir/F, atomically; an
 * existing F only with "overwrite": true. */
static void on_save(void *ud, const parley_serve_request *rq, parley_serve_response *res)
{
    json_error_t je;
    json_t *req = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    const char *name = json_string_value(json_object_get(req, "name"));
    json_t *ow = json_object_get(req, "overwrite");
    if (!name || !plain_name(name) || (ow && !json_is_boolean(ow))) {
        fail(res, 400,
             "expected {\"scenario\": N, \"changes\": [...], \"name\": \"new-name.yaml\"} (a "
             "plain file name; \"overwrite\": true to replace a file)",
             CLI_USAGE);
        json_decref(req);
        return;
    }
    bool overwrite = json_is_true(ow);
    char path[PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/%s", S.save_dir, name); /* before name is freed */
    json_object_del(req, "name");
    json_object_del(req, "overwrite");
    char *body = json_dumps(req, 0);
    json_decref(req);
    if (!body) {
        fail(res, 500, "out of memory", CLI_INTERNAL);
        return;
    }
    parley_serve_request sub = {rq->method, rq->path, body, strlen(body)};
    parley_serve_response yaml = {0, NULL, NULL, 0};
    on_endpoint((void *)&ep_edit, &sub, &yaml);
    free(body);
    if (yaml.status != 200) {
        *res = yaml;
        return;
    }
    struct stat sb;
    if (!overwrite && lstat(path, &sb) == 0) {
        free(yaml.body);
        fail(res, 409, "a file of that name exists; choose another name, or send \"overwrite\": true",
             CLI_USAGE);
        return;
    }
    parley_error err;
    parley_error_clear(&err);
    sigset_t old;
    cli_hold_signals(&old);
    parley_status st = parley_write_file_atomic(path, yaml.body, yaml.body_len, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(yaml.body);
    if (st) {
        char msg[1600];
        parley_error_format(&err, msg, sizeof msg);
        fail(res, 500, msg, CLI_INTERNAL);
        return;
    }
    json_t *o = json_pack("{s:s}", "saved", path);
    char *t = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
    json_decref(o);
    if (t)
        set_body(res, 200, NULL, t, strlen(t));
    else
        fail(res, 500, "out of memory", CLI_INTERNAL);
}

/* GET /api/stats: time at the server (parley_serve_get_stats). */
static void on_stats(void *ud, const parley_serve_request *rq, parley_serve_response *res)
{
    parley_serve *s = ud;
    parley_serve_stats st;
    parley_serve_get_stats(s, &st);
    if (strcmp(rq->method, "POST") == 0)
        parley_serve_reset_stats(s);
    char *t = malloc(256);
    if (!t) {
        fail(res, 500, "out of memory", CLI_INTERNAL);
        return;
    }
    int n = snprintf(t, 256,
                     "{\"requests\": %llu, \"errors\": %llu, \"p50_ms\": %.2f, \"p99_ms\": %.2f, "
                     "\"max_ms\": %.3f}\n",
                     st.requests, st.errors, st.p50_ms, st.p99_ms, st.max_ms);
    set_body(res, 200, NULL, t, (size_t)n);
}

/* ------------------------------------------------------------ main */

static int on_threads(const char *cmd, const char *opt, const char *val, void *ud)
{
    return cli_parse_range(cmd, opt, val, 64, ud);
}

/* Remove a folder holding files (and folders of files: the uploads). */
static void remove_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[PATH_MAX + 256];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0 && depth > 0)
            remove_dir(p, depth - 1);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static void clean_work(void)
{
    if (S.work)
        remove_dir(S.work, 1);
}

int cmd_serve(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *save_dir = ".";
    bool open_page = false;
    /* as many requests at once as cores: each is a process of its own, and
     * more only queue on the cores (bench_serve on 2 cores: p50 2.6 ms with
     * 2 threads, 5.4 ms with 4) */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = ncpu < 2 ? 2 : ncpu > 64 ? 64 : (unsigned)ncpu;
    const cli_opt opts[] = {
        CLI_VALUE("--listen", "HOST:PORT", &listen),
        CLI_FLAG("--open", &open_page),
        CLI_VALUE("--save-dir", "a folder", &save_dir),
        CLI_CALL("--threads", "a number", on_threads, &threads),
        CLI_CALL("--max-seconds", "a value", cli_on_max_seconds, &S.max_seconds),
    };
    const cli_cmdline cl = {.cmd = "serve", .help = help, .opts = opts, .nopts = CLI_COUNT(opts)};
    size_t n;
    int rc;
    if (!cli_parse(&cl, argc, argv, &n, &rc))
        return rc;
    char **paths = calloc(n ? n : 1, sizeof(char *));
    if (!paths)
        return CLI_INTERNAL;
    rc = CLI_OK;
    /* the inputs as given (the server never changes folder), so that what
     * an answer says of them (a report's "From ...") is what the CLI says */
    for (size_t i = 0; rc == CLI_OK && i < n; i++) {
        struct stat sb;
        if (stat(argv[1 + i], &sb) != 0) {
            fprintf(stderr, "parley serve: error: cannot open '%s': %s\n", argv[1 + i],
                    strerror(errno));
            rc = CLI_USAGE;
        } else if (!(paths[i] = strdup(argv[1 + i]))) {
            rc = CLI_INTERNAL;
        }
    }
    uint64_t outcomes = UINT64_MAX;
    bool stab = false;
    if (rc == CLI_OK && n) { /* refuse a bad scenario now, not in the browser */
        parley_scenario *sc = NULL;
        rc = cli_load(n, paths, NULL, &sc);
        if (rc == CLI_OK && parley_scenario_outcome_count(sc, &outcomes) != PARLEY_OK)
            outcomes = UINT64_MAX;
        stab = rc == CLI_OK && has_moves(paths, n, sc);
        parley_scenario_free(sc);
    }
    S.save_dir = realpath(save_dir, NULL);
    if (rc == CLI_OK && !S.save_dir) {
        fprintf(stderr, "parley serve: error: cannot open --save-dir '%s': %s\n", save_dir,
                strerror(errno));
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK && n && add_scenario(paths, n, strrchr(paths[0], '/') ? strrchr(paths[0], '/') + 1 : paths[0],
                                        outcomes, stab) < 0)
        rc = CLI_INTERNAL;
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    char tmpl[] = "/tmp/parley-serve-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char work[PATH_MAX];
    snprintf(work, sizeof work, "%s/parley-serve-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (rc == CLI_OK && !(S.work = mkdtemp(strlen(work) < sizeof work - 1 ? work : tmpl))) {
        fprintf(stderr, "parley serve: error: cannot make a temporary folder: %s\n",
                strerror(errno));
        rc = CLI_INTERNAL;
    }
    parley_serve_options so;
    parley_serve_options_init(&so);
    so.listen = listen;
    so.threads = threads;
    so.page = (const char *)parley_console_html;
    so.page_len = parley_console_html_len;
    so.token = getenv("PARLEY_SERVE_TOKEN"); /* tests: a known token */
    parley_serve *srv = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = PARLEY_OK;
    if (rc == CLI_OK && (st = parley_serve_new(&so, &srv, &err)) != PARLEY_OK) {
        fprintf(stderr, "parley serve: error: %s\n", err.message);
        rc = cli_exit_for(st);
    }
    for (size_t i = 0; rc == CLI_OK && i < CLI_COUNT(endpoints); i++)
        if (parley_serve_route(srv, endpoints[i].path, on_endpoint, (void *)&endpoints[i]))
            rc = CLI_INTERNAL;
    if (rc == CLI_OK && (parley_serve_route(srv, "/api/scenarios", on_scenarios, NULL) ||
                         parley_serve_route(srv, "/api/scenario", on_upload, NULL) ||
                         parley_serve_route(srv, "/api/save", on_save, NULL) ||
                         parley_serve_route(srv, "/api/stats", on_stats, srv)))
        rc = CLI_INTERNAL;
    /* SIGINT and SIGTERM wait for sigwait below (the server's threads
     * inherit the mask); a client gone away is not a signal */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    signal(SIGPIPE, SIG_IGN);
    if (rc == CLI_OK && (st = parley_serve_start(srv, &err)) != PARLEY_OK) {
        fprintf(stderr, "parley serve: error: %s\n", err.message);
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK) {
        printf("parley serve: the console is at\n    %s\n(Ctrl-C stops the server)\n",
               parley_serve_url(srv));
        fflush(stdout);
        if (open_page) {
            char *const xo[] = {(char *)"xdg-open", (char *)parley_serve_url(srv), NULL};
            pid_t pid;
            if (posix_spawnp(&pid, "xdg-open", NULL, NULL, xo, environ) != 0)
                fprintf(stderr, "parley serve: note: cannot run xdg-open; open the URL above\n");
        }
        int sig;
        sigwait(&stop, &sig);
    }
    parley_serve_free(srv);
    clean_work();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    for (size_t k = 0; k < S.n; k++) {
        for (size_t i = 0; i < S.sc[k].n; i++)
            free(S.sc[k].paths[i]);
        free(S.sc[k].paths);
        free(S.sc[k].name);
    }
    free(S.save_dir);
    return rc;
}
