/*
 * tn_config.c -- reading a tournament configuration and building the
 * parley_tournament (scenarios, analyses, enumeration tables).
 *
 * The configuration is a small YAML mapping (docs/tournament.md):
 *
 *   parley-tournament: 1        required, the format version
 *   seed: 42                    master seed (default 0)
 *   protocol: alternating       alternating | multilateral | mediated
 *   rounds: 200                 round deadline (default 100)
 *   repetitions: 2              default 1
 *   scenarios: [a, b]           paths, relative to the configuration's folder
 *   strategies: [boulware, ...] built-in strategy specs
 *   store: results.sqlite       default: CONFIG minus extension + .sqlite
 *   time-limit: 30              wall time of a session in seconds (default
 *                               none); not in the fingerprint
 *
 * It is read through the YAML front end (io/yaml_front.c, libfyaml's
 * event parser, shared with the native scenario reader) into a flat list
 * of keys, each with its scalar values and their positions, so that every
 * error names file:line:column.  Reading is strict: an unknown key, a repeated key, a
 * nested collection or a value of the wrong kind is an error; an unknown
 * key is answered with the list of keys and the closest one.
 *
 * Memory: the reader's lists are freed before parley_tournament_load
 * returns; the tournament owns copies of everything it keeps.  Every
 * block goes through the allocator of the load options (t->ap) and is
 * freed with the size it was allocated with: lists keep their room (cap)
 * apart from their length, and a partly built tournament is freed with
 * the sizes of its tables (nscen is set before they are allocated).
 */
#include "tn.h"

#include "io/yaml_front.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TN_MAX_CONFIG_BYTES (4u << 20)

static const char *const tn_keys[] = {"parley-tournament", "seed",       "protocol",
                                      "rounds",            "repetitions", "scenarios",
                                      "strategies",        "store",       "time-limit"};
enum {
    K_VERSION,
    K_SEED,
    K_PROTOCOL,
    K_ROUNDS,
    K_REPS,
    K_SCENARIOS,
    K_STRATEGIES,
    K_STORE,
    K_TIME_LIMIT,
    K_N
};

typedef struct tn_val {
    char *text;
    unsigned line, col;
} tn_val;

typedef struct tn_entry {
    bool present;
    bool list;
    unsigned line, col; /* the key */
    tn_val *v;
    size_t n, cap; /* values, and room in v */
} tn_entry;

/* One splitmix64 step from state x (a copy: the caller's x is kept). */
static uint64_t tn_mix(uint64_t x)
{
    return parleyx_splitmix64(&x);
}

uint64_t tn_seed(uint64_t master, uint32_t scenario, uint32_t focal, uint32_t opponent,
                 uint32_t rotation, uint32_t repetition)
{
    uint64_t h = tn_mix(master);
    h = tn_mix(h ^ scenario);
    h = tn_mix(h ^ focal);
    h = tn_mix(h ^ opponent);
    h = tn_mix(h ^ rotation);
    h = tn_mix(h ^ repetition);
    return h & 0x7fffffffffffffffULL;
}

static void tn_entries_free(const parley_allocator *a, tn_entry *e)
{
    for (int k = 0; k < K_N; k++) {
        for (size_t i = 0; i < e[k].n; i++)
            parleyx_strfree(a, e[k].v[i].text);
        parleyx_free(a, e[k].v, e[k].cap * sizeof *e[k].v);
    }
}

static parley_status tn_push(const parley_allocator *a, tn_entry *e, const char *t, size_t len,
                             unsigned line, unsigned col, parley_error *err, const char *file)
{
    if (e->n >= 100000)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, file, line, col, "too many values in a list");
    tn_val *nv = parleyx_grow(a, e->v, sizeof *nv, &e->cap, e->n + 1, 4);
    if (!nv)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, line, col, "out of memory");
    e->v = nv;
    char *c = parleyx_strndup(a, t, len);
    if (!c)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, line, col, "out of memory");
    e->v[e->n].text = c;
    e->v[e->n].line = line;
    e->v[e->n].col = col;
    e->n++;
    return PARLEY_OK;
}

/* Where the next event falls in the configuration's one mapping. */
typedef enum tn_state {
    TN_BEFORE, /* before the mapping */
    TN_KEY,    /* a key is expected */
    TN_VALUE,  /* the value of key cur is expected */
    TN_LIST,   /* inside the list value of key cur */
    TN_AFTER   /* after the mapping */
} tn_state;

typedef struct tn_reader {
    const parley_allocator *a;
    const char *file;
    tn_entry *e;
    parley_error *err;
    tn_state state;
    int cur; /* the key whose value is read, or -1 */
} tn_reader;

static void *tn_yf_alloc(void *ud, size_t n)
{
    return parleyx_malloc(ud, n);
}

static bool tn_takes_list(int k)
{
    return k == K_SCENARIOS || k == K_STRATEGIES;
}

/* A mapping or a list starts: the top mapping, or the list value of
 * `scenarios` or `strategies`; anything else is out of place. */
static parley_status tn_on_collection(tn_reader *r, const yf_event *ev)
{
    unsigned line = ev->at.line, col = ev->at.col;
    bool map = ev->kind == YF_MAPPING_START;
    if (r->state == TN_BEFORE && map) {
        r->state = TN_KEY;
        return PARLEY_OK;
    }
    if (r->state == TN_VALUE && !map && tn_takes_list(r->cur)) {
        r->e[r->cur].list = true;
        r->state = TN_LIST;
        return PARLEY_OK;
    }
    if (r->state == TN_BEFORE)
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "expected a mapping of keys (parley-tournament: 1, "
                            "scenarios: [...], strategies: [...]), found a list");
    if (r->state == TN_VALUE && tn_takes_list(r->cur))
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "'%s' expects a list of names, found a mapping", tn_keys[r->cur]);
    if (r->state == TN_VALUE)
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "'%s' expects a single value, found a %s", tn_keys[r->cur],
                            map ? "mapping" : "list");
    return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                        "expected a name in the list of '%s', found a nested %s",
                        r->cur >= 0 ? tn_keys[r->cur] : "?", map ? "mapping" : "list");
}

/* A key: one of tn_keys, each at most once. */
static parley_status tn_on_key(tn_reader *r, const char *t, size_t l, unsigned line, unsigned col)
{
    r->cur = -1;
    for (int k = 0; k < K_N; k++)
        if (strlen(tn_keys[k]) == l && memcmp(tn_keys[k], t, l) == 0)
            r->cur = k;
    if (r->cur < 0) {
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(l < 100 ? l : 100), t);
        const char *near = parleyx_closest(key, tn_keys, K_N);
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "unknown key '%s'%s%s%s; the keys are parley-tournament, seed, "
                            "protocol, rounds, repetitions, scenarios, strategies, store, "
                            "time-limit",
                            key, near ? " (did you mean '" : "", near ? near : "",
                            near ? "'?)" : "");
    }
    tn_entry *x = &r->e[r->cur];
    if (x->present)
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "'%s' is given twice (first on line %u); keep one", tn_keys[r->cur],
                            x->line);
    x->present = true;
    x->line = line;
    x->col = col;
    r->state = TN_VALUE;
    return PARLEY_OK;
}

static parley_status tn_on_scalar(tn_reader *r, const yf_event *ev)
{
    unsigned line = ev->at.line, col = ev->at.col;
    if (ev->has_nul)
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "a NUL character is not allowed here; remove it");
    if (r->state == TN_BEFORE)
        return parleyx_fail(r->err, PARLEY_ERR_INVALID, r->file, line, col,
                            "expected a mapping of keys (parley-tournament: 1, "
                            "scenarios: [...], strategies: [...]), found a single value");
    if (r->state == TN_KEY)
        return tn_on_key(r, ev->text, ev->len, line, col);
    if (r->state == TN_VALUE)
        r->state = TN_KEY;
    return tn_push(r->a, &r->e[r->cur], ev->text, ev->len, line, col, r->err, r->file);
}

static parley_status tn_event(tn_reader *r, const yf_event *ev)
{
    switch (ev->kind) {
    case YF_MAPPING_START:
    case YF_SEQUENCE_START:
        return tn_on_collection(r, ev);
    case YF_SCALAR:
        return tn_on_scalar(r, ev);
    case YF_SEQUENCE_END:
        if (r->state == TN_LIST)
            r->state = TN_KEY;
        return PARLEY_OK;
    case YF_MAPPING_END:
        if (r->state == TN_KEY)
            r->state = TN_AFTER;
        return PARLEY_OK;
    case YF_ALIAS:
        return parleyx_fail(r->err, PARLEY_ERR_UNSUPPORTED, r->file, ev->at.line, ev->at.col,
                            "YAML aliases are not supported here; write the value out");
    case YF_DOCUMENT_START:
        if (r->state == TN_AFTER)
            return parleyx_fail(r->err, PARLEY_ERR_SYNTAX, r->file, ev->at.line, ev->at.col,
                                "a second YAML document starts here; a configuration holds "
                                "one");
        return PARLEY_OK;
    default:
        return PARLEY_OK;
    }
}

/* Parse text into the key table e (every key's values with their
 * positions). */
static parley_status tn_parse(const parley_allocator *a, const char *file, const char *text,
                              size_t len, tn_entry *e, parley_error *err)
{
    unsigned line, col;
    size_t bad = yf_bad_byte(text, len, false, &line, &col);
    if (bad != SIZE_MAX)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, file, line, col,
                            "byte 0x%02X is not UTF-8 text; expected a YAML text file (UTF-8) "
                            "that starts with `parley-tournament: 1`",
                            (unsigned)(unsigned char)text[bad]);
    yf_parser p;
    if (yf_open(&p, text, len, tn_yf_alloc, (void *)a) != PARLEY_OK)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    tn_reader r = {a, file, e, err, TN_BEFORE, -1};
    parley_status st = PARLEY_OK;
    yf_event ev;
    while (st == PARLEY_OK) {
        if (yf_next(&p, &ev) != PARLEY_OK)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, file, ev.at.line, ev.at.col,
                              "out of memory");
        else if (ev.kind == YF_END)
            break;
        else
            st = tn_event(&r, &ev);
        parleyx_free(a, ev.owned, ev.owned_size);
        yf_event_done(&p, &ev);
    }
    yf_error ye;
    if (st == PARLEY_OK && yf_failed(&p, &ye))
        st = parleyx_fail(err, PARLEY_ERR_SYNTAX, file, ye.positioned ? ye.line : 0,
                          ye.positioned ? ye.col : 0,
                          "YAML syntax error: %s; check the indentation, brackets and quotes "
                          "near this point",
                          ye.positioned ? ye.msg : "malformed input");
    if (st == PARLEY_OK && r.state != TN_AFTER)
        st = parleyx_fail(err, PARLEY_ERR_INVALID, file, 1, 1,
                          "expected a mapping that starts with `parley-tournament: 1`");
    yf_close(&p);
    return st;
}

/* The configuration's text through parleyx_read_file (NUL-terminated; the
 * caller frees it with parleyx_free(a, *text, *len + 1)).  The limit is
 * fixed, so an oversized file keeps this reader's message, which names no
 * option to raise it. */
static parley_status tn_read_file(const parley_allocator *a, const char *path, char **text,
                                  size_t *len, parley_error *err)
{
    parley_status st = parleyx_read_file(a, path, TN_MAX_CONFIG_BYTES, text, len, err);
    if (st == PARLEY_ERR_LIMIT)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, path, 0, 0,
                            "the configuration is larger than 4 MiB");
    return st;
}

static bool tn_count(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!*s)
        return false;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* The whole number under key k, from lo to hi, into *out (left as it is
 * when the key is absent); else an error at the value naming the key. */
static parley_status tn_count_key(const tn_entry *e, int k, unsigned long long lo,
                                  unsigned long long hi, unsigned long long *out,
                                  const char *file, parley_error *err)
{
    if (!e[k].present)
        return PARLEY_OK;
    const tn_val *x = &e[k].v[0];
    unsigned long long v;
    if (tn_count(x->text, hi, &v) && v >= lo) {
        *out = v;
        return PARLEY_OK;
    }
    if (lo == 0 && hi == UINT64_MAX)
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, x->line, x->col,
                            "%s: expected a whole number >= 0, found '%s'", tn_keys[k], x->text);
    return parleyx_fail(err, PARLEY_ERR_INVALID, file, x->line, x->col,
                        "%s: expected a whole number from %llu to %llu, found '%s'", tn_keys[k],
                        lo, hi, x->text);
}

/* time-limit: a number of seconds > 0 (at most a day), or absent. */
static parley_status tn_time_limit_key(const tn_entry *e, double *out, const char *file,
                                       parley_error *err)
{
    if (!e[K_TIME_LIMIT].present)
        return PARLEY_OK;
    const tn_val *x = &e[K_TIME_LIMIT].v[0];
    double v;
    if (parleyx_parse_double(x->text, &v) && v > 0 && v <= 86400) {
        *out = v;
        return PARLEY_OK;
    }
    return parleyx_fail(err, PARLEY_ERR_INVALID, file, x->line, x->col,
                        "time-limit: expected a number of seconds above 0 and at most 86400 "
                        "(a session's wall time, e.g. 30 or 0.5), found '%s'",
                        x->text);
}

/* dir/p, or p when it is absolute or dir is empty; freed with
 * parleyx_strfree(al, ...). */
static char *tn_join(const parley_allocator *al, const char *dir, const char *p)
{
    if (p[0] == '/' || !dir[0])
        return parleyx_strdup(al, p);
    size_t a = strlen(dir), b = strlen(p);
    char *r = parleyx_malloc(al, a + b + 2);
    if (r) {
        memcpy(r, dir, a);
        r[a] = '/';
        memcpy(r + a + 1, p, b + 1);
    }
    return r;
}

void parley_tournament_free(parley_tournament *t)
{
    if (!t)
        return;
    parley_allocator copy = t->alloc; /* t itself is freed with it */
    const parley_allocator *a = t->ap ? &copy : NULL;
    for (size_t i = 0; i < t->nscen; i++) {
        if (t->label)
            parleyx_strfree(a, t->label[i]);
        if (t->dims && t->sc && t->sc[i]) {
            size_t np = parley_party_count(t->sc[i]); /* as allocated in tn_build */
            parleyx_free(a, t->dims[i], (np ? np : 1) * sizeof(size_t));
        }
        if (t->an)
            parley_analysis_free(t->an[i]);
        if (t->sc)
            parley_scenario_free(t->sc[i]);
    }
    parleyx_free(a, t->label, t->nscen * sizeof *t->label);
    parleyx_free(a, t->sc, t->nscen * sizeof *t->sc);
    parleyx_free(a, t->an, t->nscen * sizeof *t->an);
    parleyx_free(a, t->dims, t->nscen * sizeof *t->dims);
    parleyx_free(a, t->nd, t->nscen * sizeof *t->nd);
    parleyx_free(a, t->seats, t->nscen * sizeof *t->seats);
    parleyx_free(a, t->seat_party, t->nscen * sizeof *t->seat_party);
    parleyx_free(a, t->base, (t->nscen + 1) * sizeof *t->base);
    for (size_t i = 0; i < t->nstrat; i++)
        parleyx_strfree(a, t->strat[i]);
    parleyx_free(a, t->strat, t->nstrat * sizeof *t->strat);
    parleyx_strfree(a, t->path);
    parleyx_strfree(a, t->store);
    parleyx_strfree(a, t->fingerprint);
    parleyx_free(a, t, sizeof *t);
}

/* Check every strategy on scenario i with a one-round session (strategy
 * parameters are checked when a run starts). */
static parley_status tn_check_strategies(parley_tournament *t, size_t i, const tn_entry *st,
                                         parley_error *err)
{
    parley_session_options so;
    parley_session_options_init(&so);
    so.protocol = t->protocol;
    so.rounds = 1;
    so.alloc = t->ap;
    parley_session *s = NULL;
    parley_error e2;
    parley_error_clear(&e2);
    parley_status rc = parley_session_new(t->sc[i], &so, &s, &e2);
    if (rc != PARLEY_OK)
        return parleyx_fail(err, rc, t->path, st->line, st->col, "scenario '%s': %s",
                            t->label[i], e2.message);
    for (size_t k = 0; k < t->nstrat && rc == PARLEY_OK; k++) {
        for (size_t seat = 0; seat < t->seats[i] && rc == PARLEY_OK; seat++)
            rc = parley_session_set_strategy(s, t->seat_party[i][seat], t->strat[k], &e2);
        parley_session_result res;
        if (rc == PARLEY_OK)
            rc = parley_session_run(s, &res, &e2);
        if (rc != PARLEY_OK)
            rc = parleyx_fail(err, rc, t->path, st->v[k].line, st->v[k].col,
                              "strategy '%s' on scenario '%s': %s", t->strat[k], t->label[i],
                              e2.message);
    }
    parley_session_free(s);
    return rc;
}

/* The settings: the format version, seed, rounds, repetitions and
 * protocol (*alternating: bilateral alternating offers). */
static parley_status tn_settings(parley_tournament *t, const tn_entry *e, bool *alternating,
                                 parley_error *err)
{
    const char *file = t->path;
    parley_status st;
    if (!e[K_VERSION].present)
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, 1, 1,
                            "missing `parley-tournament: 1` (the format version)");
    if (strcmp(e[K_VERSION].v[0].text, "1") != 0)
        return parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, file, e[K_VERSION].v[0].line,
                            e[K_VERSION].v[0].col,
                            "parley-tournament: '%s' is not a version this parley reads; "
                            "write `parley-tournament: 1`",
                            e[K_VERSION].v[0].text);
    t->rounds = 100;
    t->reps = 1;
    t->protocol = PARLEY_PROTOCOL_SAO;
    *alternating = true;
    unsigned long long v = t->seed;
    if ((st = tn_count_key(e, K_SEED, 0, UINT64_MAX, &v, file, err)) != PARLEY_OK)
        return st;
    t->seed = v;
    v = t->rounds;
    if ((st = tn_count_key(e, K_ROUNDS, 1, 1000000000ULL, &v, file, err)) != PARLEY_OK)
        return st;
    t->rounds = (unsigned long)v;
    v = t->reps;
    if ((st = tn_count_key(e, K_REPS, 1, 1000000ULL, &v, file, err)) != PARLEY_OK)
        return st;
    t->reps = (uint32_t)v;
    if ((st = tn_time_limit_key(e, &t->time_limit, file, err)) != PARLEY_OK)
        return st;
    if (!e[K_PROTOCOL].present)
        return PARLEY_OK;
    const char *p = e[K_PROTOCOL].v[0].text;
    if (strcmp(p, "alternating") == 0) {
        *alternating = true;
    } else if (strcmp(p, "multilateral") == 0 || strcmp(p, "sao") == 0) {
        *alternating = false;
    } else if (strcmp(p, "mediated") == 0) {
        *alternating = false;
        t->protocol = PARLEY_PROTOCOL_MEDIATED;
    } else {
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, e[K_PROTOCOL].v[0].line,
                            e[K_PROTOCOL].v[0].col,
                            "protocol: unknown protocol '%s'; choose alternating, "
                            "multilateral or mediated",
                            p);
    }
    return PARLEY_OK;
}

/* The lists: at least one scenario (no empty path) and one strategy, and
 * not more than the limits. */
static parley_status tn_check_lists(const tn_entry *e, const char *file, parley_error *err)
{
    const tn_entry *sc = &e[K_SCENARIOS], *sg = &e[K_STRATEGIES];
    if (!sc->present || sc->n == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, sc->present ? sc->line : 1,
                            sc->present ? sc->col : 1,
                            "no scenarios: add `scenarios: [PATH, ...]` (native files or "
                            "GENIUS folders, relative to the configuration)");
    if (!sg->present || sg->n == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, sg->present ? sg->line : 1,
                            sg->present ? sg->col : 1,
                            "no strategies: add `strategies: [boulware, linear, ...]`");
    for (size_t k = 0; k < sc->n; k++)
        if (!sc->v[k].text || !sc->v[k].text[0])
            return parleyx_fail(err, PARLEY_ERR_INVALID, file,
                                sc->v[k].line ? sc->v[k].line : sc->line,
                                sc->v[k].line ? sc->v[k].col : sc->col,
                                "scenario %zu is an empty path; give a native scenario file or a "
                                "GENIUS folder, relative to the configuration",
                                k + 1);
    if (sc->n > PARLEY_TOURNAMENT_MAX_SCENARIOS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, file, sc->line, sc->col,
                            "more than %d scenarios", PARLEY_TOURNAMENT_MAX_SCENARIOS);
    if (sg->n > PARLEY_TOURNAMENT_MAX_STRATEGIES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, file, sg->line, sg->col,
                            "more than %d strategies", PARLEY_TOURNAMENT_MAX_STRATEGIES);
    return PARLEY_OK;
}

/* The strategy specs, each listed once and 1 to 200 characters. */
static parley_status tn_strategies(parley_tournament *t, const tn_entry *sg, parley_error *err)
{
    const parley_allocator *a = t->ap;
    const char *file = t->path;
    t->nstrat = sg->n;
    t->strat = parleyx_calloc(a, t->nstrat, sizeof *t->strat);
    if (!t->strat) {
        t->nstrat = 0;
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < t->nstrat; k++) {
        const tn_val *sv = &sg->v[k];
        for (size_t j = 0; j < k; j++)
            if (strcmp(t->strat[j], sv->text) == 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, file, sv->line, sv->col,
                                    "strategy '%s' is listed twice; list each once", sv->text);
        if (!sv->text[0] || strlen(sv->text) > 200)
            return parleyx_fail(err, PARLEY_ERR_INVALID, file, sv->line, sv->col,
                                "a strategy spec must be 1 to 200 characters");
        t->strat[k] = parleyx_strdup(a, sv->text);
        if (!t->strat[k])
            return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    }
    return PARLEY_OK;
}

/* The default store: `store` relative to the configuration's folder dir,
 * else the configuration's path with .sqlite for its extension. */
static parley_status tn_store_default(parley_tournament *t, const tn_entry *e, const char *dir,
                                      parley_error *err)
{
    const parley_allocator *a = t->ap;
    const char *file = t->path;
    if (e[K_STORE].present) {
        t->store = tn_join(a, dir, e[K_STORE].v[0].text);
    } else {
        size_t l = strlen(file);
        const char *base = strrchr(file, '/');
        base = base ? base + 1 : file;
        const char *dot = strrchr(base, '.');
        size_t keep = dot && dot != base ? (size_t)(dot - file) : l;
        t->store = parleyx_malloc(a, keep + 8);
        if (t->store) {
            memcpy(t->store, file, keep);
            memcpy(t->store + keep, ".sqlite", 8);
        }
    }
    if (!t->store)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    return PARLEY_OK;
}

/* The per-scenario tables, ns long (nscen is set first: a partly built
 * tournament is freed with these sizes). */
static parley_status tn_tables(parley_tournament *t, size_t ns, parley_error *err)
{
    const parley_allocator *a = t->ap;
    t->nscen = ns;
    t->label = parleyx_calloc(a, ns, sizeof *t->label);
    t->sc = parleyx_calloc(a, ns, sizeof *t->sc);
    t->an = parleyx_calloc(a, ns, sizeof *t->an);
    t->dims = parleyx_calloc(a, ns, sizeof *t->dims);
    t->nd = parleyx_calloc(a, ns, sizeof *t->nd);
    t->seats = parleyx_calloc(a, ns, sizeof *t->seats);
    t->seat_party = parleyx_calloc(a, ns, sizeof *t->seat_party);
    t->base = parleyx_calloc(a, ns + 1, sizeof *t->base);
    if (!t->label || !t->sc || !t->an || !t->dims || !t->nd || !t->seats || !t->seat_party ||
        !t->base)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, t->path, 0, 0, "out of memory");
    return PARLEY_OK;
}

/* Scenario i (written as sv): loaded from its path under dir. */
static parley_status tn_load_scenario(parley_tournament *t, size_t i, const tn_val *sv,
                                      const char *dir, const parley_load_options *lo,
                                      parley_error *err)
{
    const parley_allocator *a = t->ap;
    t->label[i] = parleyx_strdup(a, sv->text);
    char *full = tn_join(a, dir, sv->text);
    if (!t->label[i] || !full) {
        parleyx_strfree(a, full);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, t->path, 0, 0, "out of memory");
    }
    parley_error e2;
    parley_error_clear(&e2);
    const char *paths[1] = {full};
    parley_status rc = parley_load(1, paths, lo, &t->sc[i], &e2);
    parleyx_strfree(a, full);
    if (rc != PARLEY_OK) {
        char where[1200];
        parley_error_format(&e2, where, sizeof where);
        return parleyx_fail(err, rc, t->path, sv->line, sv->col, "scenario '%s': %s", sv->text,
                            where);
    }
    return PARLEY_OK;
}

/* Scenario i's seats (its negotiators, as many as the protocol takes) and
 * its analysis dimensions (the parties with a utility, mediators aside). */
static parley_status tn_seats(parley_tournament *t, size_t i, const tn_val *sv,
                              bool alternating, parley_error *err)
{
    const char *file = t->path;
    const parley_scenario *sc = t->sc[i];
    size_t np = parley_party_count(sc), seats = 0;
    t->dims[i] = parleyx_calloc(t->ap, np ? np : 1, sizeof(size_t));
    if (!t->dims[i])
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    for (size_t p = 0; p < np; p++) {
        if (parley_party_role(sc, p) == PARLEY_ROLE_NEGOTIATOR) {
            if (seats >= PARLEY_TOURNAMENT_MAX_SEATS)
                return parleyx_fail(err, PARLEY_ERR_LIMIT, file, sv->line, sv->col,
                                    "scenario '%s' has more than %d negotiators", sv->text,
                                    PARLEY_TOURNAMENT_MAX_SEATS);
            t->seat_party[i][seats++] = (uint32_t)p;
        }
        if (parley_party_role(sc, p) != PARLEY_ROLE_MEDIATOR && parley_party_has_utility(sc, p))
            t->dims[i][t->nd[i]++] = p;
    }
    t->seats[i] = (uint32_t)seats;
    if (alternating && seats != 2)
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, sv->line, sv->col,
                            "scenario '%s' has %zu negotiators but alternating offers is "
                            "bilateral; use `protocol: multilateral` or `mediated`",
                            sv->text, seats);
    if (seats < 1 || (t->protocol == PARLEY_PROTOCOL_SAO && seats < 2))
        return parleyx_fail(err, PARLEY_ERR_INVALID, file, sv->line, sv->col,
                            "scenario '%s' has %zu negotiator(s); a session needs two",
                            sv->text, seats);
    return PARLEY_OK;
}

/* Scenario i's sessions get ids from *total on (at most 2^62 in all). */
static parley_status tn_number_sessions(parley_tournament *t, size_t i, const tn_val *sv,
                                        uint64_t *total, parley_error *err)
{
    uint64_t S = t->nstrat, seats = t->seats[i];
    uint64_t cnt = S * S * seats * t->reps;
    if (cnt / t->reps / seats != S * S || *total + cnt < *total || *total + cnt > (1ULL << 62))
        return parleyx_fail(err, PARLEY_ERR_LIMIT, t->path, sv->line, sv->col,
                            "too many sessions");
    t->base[i] = *total;
    *total += cnt;
    return PARLEY_OK;
}

/* Scenario i's analysis.  A scenario too large to analyse has no
 * distances (NULL); running out of memory is an error, not a quieter
 * tournament. */
static parley_status tn_analyse(parley_tournament *t, size_t i, const tn_val *sv,
                                parley_error *err)
{
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = 1;
    uint64_t n; /* past what a session enumerates: distances only when they come quickly */
    if (parley_scenario_outcome_count(t->sc[i], &n) != PARLEY_OK || n > PARLEY_SESSION_MAX_OUTCOMES)
        ao.max_work = 20000000u;
    parley_status ars = t->nd[i] ? parley_analyze(t->sc[i], &ao, &t->an[i], NULL) : PARLEY_OK;
    if (ars == PARLEY_OK)
        return PARLEY_OK;
    t->an[i] = NULL;
    if (ars == PARLEY_ERR_NOMEM)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, t->path, sv->line, sv->col,
                            "out of memory while analysing scenario '%s'", sv->text);
    return PARLEY_OK;
}

/* The fingerprint: every setting that decides the sessions' results. */
static parley_status tn_fingerprint(parley_tournament *t, const parley_load_options *lo,
                                    bool alternating, parley_error *err)
{
    px_buf fp;
    parleyx_buf_init(&fp, t->ap, (size_t)1 << 24);
    parleyx_buf_printf(&fp, "parley-tournament 1; seed %llu; protocol %s; rounds %lu; "
                            "repetitions %lu; scenarios",
                       (unsigned long long)t->seed,
                       t->protocol == PARLEY_PROTOCOL_MEDIATED ? "mediated"
                       : alternating                           ? "alternating"
                                                               : "multilateral",
                       t->rounds, (unsigned long)t->reps);
    if (lo && lo->real_grid && lo->real_grid != PARLEY_DEFAULT_REAL_GRID)
        parleyx_buf_printf(&fp, "; real grid %u", lo->real_grid);
    for (size_t i = 0; i < t->nscen; i++)
        parleyx_buf_printf(&fp, " [%s]", t->label[i]);
    parleyx_buf_puts(&fp, "; strategies");
    for (size_t k = 0; k < t->nstrat; k++)
        parleyx_buf_printf(&fp, " [%s]", t->strat[k]);
    if (fp.failed) {
        parleyx_buf_free(&fp);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, t->path, 0, 0, "out of memory");
    }
    t->fingerprint = parleyx_strdup(t->ap, fp.data);
    parleyx_buf_free(&fp);
    if (!t->fingerprint)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, t->path, 0, 0, "out of memory");
    return PARLEY_OK;
}

/* Everything after the settings, dir being the configuration's folder:
 * strategies, store, then each scenario in turn (loaded, seated,
 * numbered, its strategies tried, analysed), then the fingerprint. */
static parley_status tn_build_in(parley_tournament *t, const tn_entry *e, const char *dir,
                                 const parley_load_options *lo, bool alternating,
                                 parley_error *err)
{
    parley_status rc;
    if ((rc = tn_strategies(t, &e[K_STRATEGIES], err)) != PARLEY_OK ||
        (rc = tn_store_default(t, e, dir, err)) != PARLEY_OK ||
        (rc = tn_tables(t, e[K_SCENARIOS].n, err)) != PARLEY_OK)
        return rc;
    uint64_t total = 0;
    for (size_t i = 0; i < t->nscen; i++) {
        const tn_val *sv = &e[K_SCENARIOS].v[i];
        if ((rc = tn_load_scenario(t, i, sv, dir, lo, err)) != PARLEY_OK ||
            (rc = tn_seats(t, i, sv, alternating, err)) != PARLEY_OK ||
            (rc = tn_number_sessions(t, i, sv, &total, err)) != PARLEY_OK ||
            (rc = tn_check_strategies(t, i, &e[K_STRATEGIES], err)) != PARLEY_OK ||
            (rc = tn_analyse(t, i, sv, err)) != PARLEY_OK)
            return rc;
    }
    t->base[t->nscen] = total;
    return tn_fingerprint(t, lo, alternating, err);
}

static parley_status tn_build(parley_tournament *t, tn_entry *e, const parley_load_options *lo,
                              parley_error *err)
{
    const char *file = t->path;
    bool alternating;
    parley_status rc;
    if ((rc = tn_settings(t, e, &alternating, err)) != PARLEY_OK ||
        (rc = tn_check_lists(e, file, err)) != PARLEY_OK)
        return rc;
    /* the configuration's folder: file cut at its last slash */
    size_t dir_size = strlen(file) + 1;
    char *dir = parleyx_strdup(t->ap, file);
    if (!dir)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, file, 0, 0, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    rc = tn_build_in(t, e, dir, lo, alternating, err);
    parleyx_free(t->ap, dir, dir_size);
    return rc;
}

parley_status parley_tournament_load(const char *path, const parley_load_options *opt,
                                    parley_tournament **out, parley_error *err)
{
    if (!out || !path)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no path or no output");
    *out = NULL;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    if (a && !a->fn)
        a = NULL;
    char *text = NULL;
    size_t len = 0;
    parley_status st = tn_read_file(a, path, &text, &len, err);
    if (st != PARLEY_OK)
        return st;
    tn_entry e[K_N];
    memset(e, 0, sizeof e);
    st = tn_parse(a, path, text, len, e, err);
    parleyx_free(a, text, len + 1);
    parley_tournament *t = NULL;
    if (st == PARLEY_OK) {
        t = parleyx_calloc(a, 1, sizeof *t);
        if (t && a) {
            t->alloc = *a;
            t->ap = &t->alloc;
        }
        if (!t || !(t->path = parleyx_strdup(a, path)))
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (st == PARLEY_OK)
        st = tn_build(t, e, opt, err);
    tn_entries_free(a, e);
    if (st != PARLEY_OK) {
        parley_tournament_free(t);
        return st;
    }
    *out = t;
    return PARLEY_OK;
}

uint64_t parley_tournament_session_count(const parley_tournament *t)
{
    return t ? t->base[t->nscen] : 0;
}
size_t parley_tournament_strategy_count(const parley_tournament *t) { return t ? t->nstrat : 0; }
const char *parley_tournament_strategy(const parley_tournament *t, size_t i)
{
    return t && i < t->nstrat ? t->strat[i] : "";
}
size_t parley_tournament_scenario_count(const parley_tournament *t) { return t ? t->nscen : 0; }
const char *parley_tournament_scenario_label(const parley_tournament *t, size_t i)
{
    return t && i < t->nscen ? t->label[i] : "";
}
const parley_scenario *parley_tournament_scenario(const parley_tournament *t, size_t i)
{
    return t && i < t->nscen ? t->sc[i] : NULL;
}
const char *parley_tournament_default_store(const parley_tournament *t)
{
    return t ? t->store : "";
}
const char *parley_tournament_fingerprint(const parley_tournament *t)
{
    return t ? t->fingerprint : "";
}
