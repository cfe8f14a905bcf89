/*
 * gmcr.c -- gmcr-py's save files (.gmcr): JSON with "options" [{name,
 * permittedDirection: both | fwd | back}], "decisionMakers" [{name,
 * options: [option index], preferences: [condition], preferenceRanking}],
 * "infeasibles" [condition], "useManualPreferenceRanking" (older files:
 * "useManualPreferenceVectors", "preferenceVector") and "coalitions"
 * [DM index | [DM index]].  A condition is [[option index, "Y" | "N"],
 * ...] (all must hold) or {"compound": true, "members": [condition, ...]}
 * (one must hold).  A manual ranking lists gmcr-py's ordinal numbers of the
 * feasible states (1 = the lowest feasible id), most preferred first, a
 * nested list for a tie.  Other keys (payoffs, coalitionsFull, program,
 * version) are gmcr-py's own output and not read.
 *
 * gmcr-py renumbers the options DM by DM when it loads a file (each DM's
 * options in its list order, DMs in order); state ids and ordinal numbers
 * refer to that order, so this reader builds the graph in it.  The files
 * gmcr-py writes are already in it.
 *
 * The JSON is parsed by jansson (syntax errors carry its line and
 * column); an error in the content is located by walking the text once
 * more with yajl's events (gwy_parse) to the value's path, so every
 * message names file:line:column.  jansson's tree uses its own global
 * allocator and is freed before returning; the rest goes through alloc.
 * Depends on the stability model's public API only (io above stability).
 */
#include "io/genius_io.h"
#include "parley/stability.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#define GM_MAX_PATH 8

typedef struct gm_el {
    const char *key; /* a key, or NULL for an index */
    long idx;
} gm_el;

typedef struct gm {
    const char *name;
    const char *text;
    size_t len;
    const parley_allocator *alloc;
    parley_error *err;
    gm_el path[GM_MAX_PATH];
    int npath;
} gm;

/* ------------------------------------------------ locating a value */

typedef struct gm_frame {
    bool array;
    long count;      /* array: values seen */
    const char *key; /* map: the current key */
} gm_frame;

typedef struct gm_loc {
    const gm *c;
    gm_frame st[GM_MAX_PATH + 1];
    unsigned depth; /* open containers */
    bool found;
    size_t off; /* where the value starts */
} gm_loc;

static bool gm_here(gm_loc *l)
{
    if (l->depth != (unsigned)l->c->npath)
        return false;
    for (int k = 0; k < l->c->npath; k++) {
        const gm_el *e = &l->c->path[k];
        const gm_frame *f = &l->st[k];
        if (e->key ? (f->array || !f->key || strcmp(f->key, e->key) != 0)
                   : (!f->array || f->count - 1 != e->idx))
            return false;
    }
    return true;
}

static int gm_loc_event(gwy *y, gwy_ev ev, char *s, size_t len)
{
    gm_loc *l = y->ctx;
    if (ev == GWY_KEY) {
        if (l->depth && l->depth <= GM_MAX_PATH)
            l->st[l->depth - 1].key = s;
        return 0;
    }
    if (ev == GWY_END_MAP || ev == GWY_END_ARRAY) {
        l->depth--;
        return 0;
    }
    /* a value starts */
    if (l->depth && l->depth <= GM_MAX_PATH && l->st[l->depth - 1].array)
        l->st[l->depth - 1].count++;
    if (gm_here(l)) {
        /* y->last is just after the value's first token: step back to
         * its start (a string's escapes make this approximate) */
        size_t back = ev == GWY_STRING ? len + 2 : ev == GWY_LITERAL ? 0 : 1;
        l->off = y->last >= back ? y->last - back : 0;
        if (ev == GWY_NUMBER) /* the number's text lies in place */
            l->off = (size_t)(s - y->s);
        l->found = true;
        return 1;
    }
    if (ev == GWY_START_MAP || ev == GWY_START_ARRAY) {
        if (l->depth < GM_MAX_PATH)
            l->st[l->depth] = (gm_frame){ev == GWY_START_ARRAY, 0, NULL};
        l->depth++;
    }
    return 0;
}

static parley_status gm_fail(gm *c, parley_status st, const char *fmt, ...) PX_PRINTF(3, 4);
static parley_status gm_fail(gm *c, parley_status st, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line = 0, col = 0;
    char *copy = parleyx_malloc(c->alloc, c->len + 1);
    if (copy) {
        memcpy(copy, c->text, c->len);
        copy[c->len] = '\0';
        gm_loc l;
        memset(&l, 0, sizeof l);
        l.c = c;
        gwy y;
        gwy_parse(&y, copy, c->len, gm_loc_event, &l);
        if (l.found)
            parleyx_utf8_locate(c->text, c->len, l.off, &line, &col);
        parleyx_free(c->alloc, copy, c->len + 1);
    }
    return parleyx_fail(c->err, st, c->name, line, col, "%s", msg);
}

static void gm_at(gm *c, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    c->npath = 0;
    for (int k = 0; k < n && k < GM_MAX_PATH; k++) {
        const char *key = va_arg(ap, const char *);
        long idx = va_arg(ap, long);
        c->path[c->npath++] = (gm_el){key, idx};
    }
    va_end(ap);
}
/* Path pieces: a key, an index. */
#define K(s) (s), -1L
#define I(i) (const char *)NULL, (long)(i)

/* ------------------------------------------------------------- reading */

typedef struct gm_model {
    size_t nopt, ndm;
    long map[PARLEY_GRAPH_MAX_OPTIONS]; /* file option -> graph option */
} gm_model;

/* A condition ([[option, "Y"|"N"], ...]) as a term over graph options;
 * the path of the condition is in c->path[0..base-1]. */
static parley_status gm_term(gm *c, const gm_model *m, json_t *cond, int base, uint32_t *mask,
                             uint32_t *value)
{
    gm_el saved[GM_MAX_PATH];
    memcpy(saved, c->path, sizeof saved);
    c->npath = base;
    if (!json_is_array(cond) || !json_array_size(cond))
        return gm_fail(c, PARLEY_ERR_INVALID, "expected a condition: a list of [option, \"Y\" "
                       "or \"N\"] pairs, or {\"compound\": true, \"members\": [...]}");
    *mask = *value = 0;
    for (size_t k = 0; k < json_array_size(cond); k++) {
        json_t *p = json_array_get(cond, k);
        memcpy(c->path, saved, sizeof saved);
        c->path[base] = (gm_el){NULL, (long)k};
        c->npath = base + 1;
        if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_integer(json_array_get(p, 0)) ||
            !json_is_string(json_array_get(p, 1)))
            return gm_fail(c, PARLEY_ERR_INVALID,
                           "expected [option number, \"Y\" or \"N\"] in a condition");
        json_int_t o = json_integer_value(json_array_get(p, 0));
        const char *yn = json_string_value(json_array_get(p, 1));
        if (o < 0 || (size_t)o >= m->nopt)
            return gm_fail(c, PARLEY_ERR_INVALID,
                           "option %lld does not exist (the options are numbered 0 to %zu)",
                           (long long)o, m->nopt - 1);
        if (strcmp(yn, "Y") != 0 && strcmp(yn, "N") != 0)
            return gm_fail(c, PARLEY_ERR_INVALID, "expected \"Y\" or \"N\", got \"%s\"", yn);
        uint32_t bit = 1u << m->map[o];
        bool y = yn[0] == 'Y';
        if ((*mask & bit) && ((*value & bit) != 0) != y)
            return gm_fail(c, PARLEY_ERR_INVALID, "option %lld is both taken and not taken in "
                           "one condition, which no state satisfies", (long long)o);
        *mask |= bit;
        if (y)
            *value |= bit;
    }
    return PARLEY_OK;
}

/* A condition or compound condition as terms (at most cap). */
static parley_status gm_cond(gm *c, const gm_model *m, json_t *cond, int base, uint32_t *mask,
                             uint32_t *value, size_t cap, size_t *n)
{
    if (json_is_object(cond)) {
        json_t *mem = json_object_get(cond, "members");
        gm_el saved[GM_MAX_PATH];
        memcpy(saved, c->path, sizeof saved);
        c->npath = base;
        if (!json_is_array(mem) || !json_array_size(mem))
            return gm_fail(c, PARLEY_ERR_INVALID, "a compound condition needs a non-empty "
                           "\"members\" list of conditions");
        if (json_array_size(mem) > cap)
            return gm_fail(c, PARLEY_ERR_LIMIT, "a compound condition has more than %zu "
                           "members", cap);
        for (size_t k = 0; k < json_array_size(mem); k++) {
            memcpy(c->path, saved, sizeof saved);
            c->path[base] = (gm_el){"members", -1};
            c->path[base + 1] = (gm_el){NULL, (long)k};
            parley_status st = gm_term(c, m, json_array_get(mem, k), base + 2, &mask[k], &value[k]);
            if (st)
                return st;
        }
        *n = json_array_size(mem);
        return PARLEY_OK;
    }
    *n = 1;
    return gm_term(c, m, cond, base, mask, value);
}

#define GM_MAX_TERMS 4096

typedef struct gm_pat {
    uint32_t mask, value;
} gm_pat;

static parley_status gm_build(gm *c, json_t *root, parley_graph *g, uint32_t *mask,
                              uint32_t *value)
{
    parley_status st;
    gm_model m;
    memset(&m, 0, sizeof m);
    if (!json_is_object(root)) {
        c->npath = 0;
        return gm_fail(c, PARLEY_ERR_INVALID, "expected a gmcr-py save file: a JSON object "
                       "with \"options\", \"decisionMakers\" and \"infeasibles\"");
    }
    json_t *opts = json_object_get(root, "options");
    json_t *dms = json_object_get(root, "decisionMakers");
    json_t *inf = json_object_get(root, "infeasibles");
    c->npath = 0;
    if (!json_is_array(opts) || !json_is_array(dms))
        return gm_fail(c, PARLEY_ERR_INVALID, "a gmcr-py save file needs an \"options\" list "
                       "and a \"decisionMakers\" list");
    m.nopt = json_array_size(opts);
    m.ndm = json_array_size(dms);
    if (!m.nopt || !m.ndm) {
        gm_at(c, 1, K(m.nopt ? "decisionMakers" : "options"));
        return gm_fail(c, PARLEY_ERR_INVALID, "the model needs at least one %s",
                       m.nopt ? "decision maker" : "option");
    }
    if (m.nopt > PARLEY_GRAPH_MAX_OPTIONS) {
        gm_at(c, 1, K("options"));
        return gm_fail(c, PARLEY_ERR_LIMIT, "%zu options: parley analyses at most %d (2^%d "
                       "states)", m.nopt, PARLEY_GRAPH_MAX_OPTIONS, PARLEY_GRAPH_MAX_OPTIONS);
    }
    if (m.ndm > PARLEY_GRAPH_MAX_DMS) {
        gm_at(c, 1, K("decisionMakers"));
        return gm_fail(c, PARLEY_ERR_LIMIT, "more than %d decision makers", PARLEY_GRAPH_MAX_DMS);
    }
    bool manual = false;
    json_t *mv = json_object_get(root, "useManualPreferenceRanking");
    const char *mkey = "useManualPreferenceRanking";
    if (!mv) {
        mv = json_object_get(root, "useManualPreferenceVectors");
        mkey = "useManualPreferenceVectors";
    }
    if (mv) {
        if (!json_is_boolean(mv)) {
            gm_at(c, 1, K(mkey));
            return gm_fail(c, PARLEY_ERR_INVALID, "expected true or false");
        }
        manual = json_is_true(mv);
    }
    /* options: names and directions, then the DM-by-DM numbering */
    for (size_t i = 0; i < m.nopt; i++)
        m.map[i] = -1;
    long next = 0;
    for (size_t d = 0; d < m.ndm; d++) {
        json_t *dm = json_array_get(dms, d);
        gm_at(c, 2, K("decisionMakers"), I(d));
        if (!json_is_object(dm) || !json_is_string(json_object_get(dm, "name")))
            return gm_fail(c, PARLEY_ERR_INVALID, "expected a decision maker: {\"name\": ..., "
                           "\"options\": [...], \"preferences\": [...]}");
        json_t *ol = json_object_get(dm, "options");
        gm_at(c, 3, K("decisionMakers"), I(d), K("options"));
        if (!json_is_array(ol))
            return gm_fail(c, PARLEY_ERR_INVALID, "expected the list of the option numbers "
                           "this decision maker controls");
        for (size_t k = 0; k < json_array_size(ol); k++) {
            json_t *o = json_array_get(ol, k);
            gm_at(c, 4, K("decisionMakers"), I(d), K("options"), I(k));
            if (!json_is_integer(o) || json_integer_value(o) < 0 ||
                (size_t)json_integer_value(o) >= m.nopt)
                return gm_fail(c, PARLEY_ERR_INVALID, "expected an option number from 0 to %zu",
                               m.nopt - 1);
            json_int_t oi = json_integer_value(o);
            if (m.map[oi] >= 0)
                return gm_fail(c, PARLEY_ERR_INVALID, "option %lld is already controlled by a "
                               "decision maker; each option has one", (long long)oi);
            m.map[oi] = next++;
        }
    }
    for (size_t i = 0; i < m.nopt; i++) {
        if (m.map[i] < 0) {
            gm_at(c, 2, K("options"), I(i));
            return gm_fail(c, PARLEY_ERR_INVALID, "option %zu is controlled by no decision "
                           "maker; list it in one decision maker's \"options\"", i);
        }
    }
    for (size_t d = 0; d < m.ndm; d++) {
        json_t *dm = json_array_get(dms, d);
        gm_at(c, 3, K("decisionMakers"), I(d), K("name"));
        if ((st = parley_graph_add_dm(g, json_string_value(json_object_get(dm, "name")), NULL,
                                      c->err)))
            return gm_fail(c, st, "%s", c->err->message);
    }
    /* add the options in the new order */
    for (long n = 0; n < (long)m.nopt; n++) {
        size_t i = 0;
        while (m.map[i] != n)
            i++;
        json_t *o = json_array_get(opts, i);
        gm_at(c, 2, K("options"), I(i));
        if (!json_is_object(o) || !json_is_string(json_object_get(o, "name")))
            return gm_fail(c, PARLEY_ERR_INVALID, "expected an option: {\"name\": ..., "
                           "\"permittedDirection\": \"both\", \"fwd\" or \"back\"}");
        parley_option_dir dir = PARLEY_DIR_BOTH;
        json_t *pd = json_object_get(o, "permittedDirection");
        if (pd) {
            const char *s = json_string_value(pd);
            gm_at(c, 3, K("options"), I(i), K("permittedDirection"));
            if (s && strcmp(s, "both") == 0)
                dir = PARLEY_DIR_BOTH;
            else if (s && strcmp(s, "fwd") == 0)
                dir = PARLEY_DIR_FORWARD;
            else if (s && strcmp(s, "back") == 0)
                dir = PARLEY_DIR_BACKWARD;
            else
                return gm_fail(c, PARLEY_ERR_INVALID, "expected \"both\", \"fwd\" (may only be "
                               "taken) or \"back\" (may only be dropped)");
        }
        /* which DM lists it */
        size_t owner = 0;
        for (size_t d = 0; d < m.ndm; d++) {
            json_t *ol = json_object_get(json_array_get(dms, d), "options");
            for (size_t k = 0; k < json_array_size(ol); k++)
                if ((size_t)json_integer_value(json_array_get(ol, k)) == i)
                    owner = d;
        }
        gm_at(c, 3, K("options"), I(i), K("name"));
        if ((st = parley_graph_add_option(g, owner, json_string_value(json_object_get(o, "name")),
                                          dir, NULL, c->err)))
            return gm_fail(c, st, "%s", c->err->message);
    }
    /* infeasible conditions */
    if (inf && !json_is_array(inf)) {
        gm_at(c, 1, K("infeasibles"));
        return gm_fail(c, PARLEY_ERR_INVALID, "expected a list of infeasible conditions");
    }
    gm_pat *pats = NULL;
    size_t ninf = 0, capinf = 0;
    for (size_t k = 0; k < json_array_size(inf); k++) {
        size_t n;
        gm_at(c, 2, K("infeasibles"), I(k));
        if ((st = gm_cond(c, &m, json_array_get(inf, k), 2, mask, value, GM_MAX_TERMS, &n)))
            goto out;
        for (size_t t = 0; t < n; t++) {
            if ((st = parley_graph_add_infeasible(g, mask[t], value[t], c->err)))
                goto out;
            gm_pat *a = parleyx_grow(c->alloc, pats, sizeof *a, &capinf, ninf + 1, 8);
            if (!a) {
                st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto out;
            }
            pats = a;
            pats[ninf].mask = mask[t];
            pats[ninf++].value = value[t];
        }
    }
    /* preferences */
    for (size_t d = 0; d < m.ndm; d++) {
        json_t *dm = json_array_get(dms, d);
        if (json_object_get(dm, "misperceptions") &&
            json_array_size(json_object_get(dm, "misperceptions"))) {
            gm_at(c, 3, K("decisionMakers"), I(d), K("misperceptions"));
            st = gm_fail(c, PARLEY_ERR_UNSUPPORTED, "misperceptions (gmcr-py's hypergame "
                         "extension) are not supported; remove them to analyse the model");
            goto out;
        }
        if (manual) {
            const char *rk = "preferenceRanking";
            json_t *r = json_object_get(dm, rk);
            if (!r) {
                rk = "preferenceVector";
                r = json_object_get(dm, rk);
            }
            gm_at(c, 2, K("decisionMakers"), I(d));
            if (!json_is_array(r)) {
                st = gm_fail(c, PARLEY_ERR_INVALID, "the file uses manual preference rankings, "
                             "but this decision maker has no \"preferenceRanking\" list");
                goto out;
            }
            /* the feasible states in increasing id: gmcr-py's ordinal numbers */
            size_t S = (size_t)1 << m.nopt, nf = 0;
            uint32_t *feas = parleyx_malloc(c->alloc, S * sizeof(uint32_t));
            uint8_t *seen = parleyx_calloc(c->alloc, S, 1);
            if (!feas || !seen) {
                parleyx_free(c->alloc, feas, S * sizeof(uint32_t));
                parleyx_free(c->alloc, seen, S);
                st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto out;
            }
            for (size_t s = 0; s < S; s++) {
                bool ok = true;
                for (size_t t = 0; t < ninf && ok; t++)
                    if (((uint32_t)s & pats[t].mask) == pats[t].value)
                        ok = false;
                if (ok)
                    feas[nf++] = (uint32_t)s;
            }
            size_t nr = json_array_size(r), placed = 0;
            for (size_t k = 0; k < nr && !st; k++) {
                json_t *e = json_array_get(r, k);
                size_t ne = json_is_array(e) ? json_array_size(e) : 1;
                for (size_t q = 0; q < ne && !st; q++) {
                    json_t *v = json_is_array(e) ? json_array_get(e, q) : e;
                    if (json_is_array(e))
                        gm_at(c, 5, K("decisionMakers"), I(d), K(rk), I(k), I(q));
                    else
                        gm_at(c, 4, K("decisionMakers"), I(d), K(rk), I(k));
                    json_int_t o = json_is_integer(v) ? json_integer_value(v) : 0;
                    if (o < 1 || (size_t)o > nf)
                        st = gm_fail(c, PARLEY_ERR_INVALID, "expected the ordinal number of a "
                                     "feasible state, from 1 to %zu", nf);
                    else if (seen[o - 1])
                        st = gm_fail(c, PARLEY_ERR_INVALID, "state %lld appears twice in the "
                                     "ranking", (long long)o);
                    else {
                        seen[o - 1] = 1;
                        placed++;
                        st = parley_graph_set_payoff(g, d, feas[o - 1], (double)(nf - k), c->err);
                    }
                }
            }
            if (!st && placed != nf) {
                size_t miss = 0;
                while (seen[miss])
                    miss++;
                gm_at(c, 3, K("decisionMakers"), I(d), K(rk));
                st = gm_fail(c, PARLEY_ERR_INVALID, "the ranking leaves out the feasible state "
                             "%zu (id %u); rank every feasible state", miss + 1, feas[miss]);
            }
            parleyx_free(c->alloc, feas, S * sizeof(uint32_t));
            parleyx_free(c->alloc, seen, S);
            if (st)
                goto out;
            continue;
        }
        json_t *pl = json_object_get(dm, "preferences");
        if (pl && !json_is_array(pl)) {
            gm_at(c, 3, K("decisionMakers"), I(d), K("preferences"));
            st = gm_fail(c, PARLEY_ERR_INVALID, "expected a list of preference statements");
            goto out;
        }
        for (size_t k = 0; k < json_array_size(pl); k++) {
            size_t n;
            gm_at(c, 4, K("decisionMakers"), I(d), K("preferences"), I(k));
            if ((st = gm_cond(c, &m, json_array_get(pl, k), 4, mask, value, GM_MAX_TERMS, &n)))
                goto out;
            if ((st = parley_graph_add_condition(g, d, n, mask, value, c->err))) {
                st = gm_fail(c, st, "%s", c->err->message);
                goto out;
            }
        }
    }
    /* coalitions */
    json_t *co = json_object_get(root, "coalitions");
    for (size_t k = 0; co && k < json_array_size(co); k++) {
        json_t *e = json_array_get(co, k);
        if (!json_is_array(e))
            continue; /* a single DM */
        uint32_t mem = 0;
        for (size_t q = 0; q < json_array_size(e); q++) {
            json_t *v = json_array_get(e, q);
            gm_at(c, 3, K("coalitions"), I(k), I(q));
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                (size_t)json_integer_value(v) >= m.ndm) {
                st = gm_fail(c, PARLEY_ERR_INVALID, "expected a decision maker number from 0 "
                             "to %zu", m.ndm - 1);
                goto out;
            }
            mem |= 1u << json_integer_value(v);
        }
        if (__builtin_popcount(mem) >= 2 && (st = parley_graph_add_coalition(g, mem, c->err)))
            goto out;
    }
    /* finalize fails on the content as a whole: the infeasible states */
    if (inf)
        gm_at(c, 1, K("infeasibles"));
    else
        c->npath = 0;
    if ((st = parley_graph_finalize(g, c->err)))
        st = gm_fail(c, st, "%s", c->err->message);
out:
    parleyx_free(c->alloc, pats, capinf * sizeof(gm_pat));
    return st;
}

parley_status parley_gmcr_read_text(const char *text, size_t len, const char *name,
                                    const parley_allocator *alloc, parley_graph **out,
                                    parley_error *err)
{
    parley_error local;
    if (!err)
        err = &local;
    parley_error_clear(err);
    if (!out || !text)
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0, "no text or no place for the model");
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, name, je.line > 0 ? (unsigned)je.line : 0,
                            je.column > 0 ? (unsigned)je.column : 0, "%s", je.text);
    gm c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.text = text;
    c.len = len;
    c.alloc = alloc;
    c.err = err;
    parley_graph *g = parley_graph_new(alloc);
    uint32_t *mask = parleyx_malloc(alloc, GM_MAX_TERMS * sizeof(uint32_t));
    uint32_t *value = parleyx_malloc(alloc, GM_MAX_TERMS * sizeof(uint32_t));
    parley_status st;
    if (!g || !mask || !value)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, name, 0, 0, "out of memory");
    else
        st = gm_build(&c, root, g, mask, value);
    if (st == PARLEY_ERR_NOMEM)
        parleyx_fail(err, PARLEY_ERR_NOMEM, name, 0, 0, "out of memory");
    parleyx_free(alloc, mask, GM_MAX_TERMS * sizeof(uint32_t));
    parleyx_free(alloc, value, GM_MAX_TERMS * sizeof(uint32_t));
    json_decref(root);
    if (st) {
        parley_graph_free(g);
        return st;
    }
    *out = g;
    return PARLEY_OK;
}

parley_status parley_gmcr_read(const char *path, const parley_allocator *alloc, parley_graph **out,
                               parley_error *err)
{
    parley_error local;
    if (!err)
        err = &local;
    if (out)
        *out = NULL;
    char *data = NULL;
    size_t size = 0;
    parley_status st = parleyx_read_file(alloc, path, 0, &data, &size, err);
    if (st)
        return st;
    st = parley_gmcr_read_text(data, size, path, alloc, out, err);
    parleyx_free(alloc, data, size + 1);
    return st;
}
