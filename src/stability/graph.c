/*
 * graph.c -- the graph model of a conflict (parley_graph): DMs, binary
 * options with their permitted directions, infeasible patterns and each
 * DM's preference (prioritised statements, or explicit payoffs).
 *
 * Building appends to growable arrays; parley_graph_finalize checks the
 * model and computes the feasible-state bitset (O(sum over patterns of
 * 2^free bits)) and every DM's payoff array (O(2^n * statements * terms)).
 * After finalize the graph is read-only.  Everything is allocated through
 * g->alloc and released by parley_graph_free.  GMCR+'s statement syntax is
 * parsed here (a few tokens: numbers, -, &, |, IF, IFF).
 */
#include "st.h"

#include <ctype.h>
#include <math.h>

const char *parley_concept_name(parley_concept c)
{
    static const char *const names[] = {"nash", "gmr", "smr", "seq", "sim", "seqsim"};
    return (unsigned)c < PARLEY_CONCEPT_COUNT ? names[c] : "unknown";
}

parley_graph *parley_graph_new(const parley_allocator *alloc)
{
    parley_allocator a = {NULL, NULL};
    if (alloc)
        a = *alloc;
    parley_graph *g = parleyx_calloc(&a, 1, sizeof *g);
    if (!g)
        return NULL;
    g->allocv = a;
    g->alloc = &g->allocv;
    return g;
}

static void stmt_free(const parley_allocator *a, st_stmt *s)
{
    parleyx_free(a, s->t[0], s->n[0] * sizeof(st_term));
    parleyx_free(a, s->t[1], s->n[1] * sizeof(st_term));
}

void parley_graph_free(parley_graph *g)
{
    if (!g)
        return;
    const parley_allocator *a = g->alloc;
    for (size_t d = 0; d < g->ndm; d++) {
        st_dm *m = &g->dm[d];
        parleyx_strfree(a, m->name);
        for (size_t k = 0; k < m->nstmt; k++)
            stmt_free(a, &m->stmt[k]);
        parleyx_free(a, m->stmt, m->capstmt * sizeof(st_stmt));
        parleyx_free(a, m->explicit_, g->S * sizeof(double));
        if (g->P)
            parleyx_free(a, g->P[d], g->S * sizeof(double));
    }
    parleyx_free(a, g->P, g->ndm * sizeof(double *));
    parleyx_free(a, g->dm, g->capdm * sizeof(st_dm));
    for (size_t i = 0; i < g->nopt; i++)
        parleyx_strfree(a, g->opt[i].name);
    parleyx_free(a, g->opt, g->capopt * sizeof(st_opt));
    parleyx_free(a, g->inf, g->capinf * sizeof(st_term));
    parleyx_free(a, g->feas, ((g->S + 63) / 64) * sizeof(uint64_t));
    parleyx_free(a, g, sizeof *g);
}

static parley_status not_final(const parley_graph *g, parley_error *err)
{
    if (!g)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no graph");
    if (g->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the graph model is finalized and cannot change");
    return PARLEY_OK;
}

parley_status parley_graph_add_dm(parley_graph *g, const char *name, size_t *index,
                                  parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (!name || !*name)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "a decision maker needs a non-empty name");
    if (strlen(name) > PARLEY_MAX_NAME)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "a decision maker's name is "
                            "longer than %d bytes", PARLEY_MAX_NAME);
    for (size_t d = 0; d < g->ndm; d++)
        if (strcmp(g->dm[d].name, name) == 0)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "two decision makers are named '%s'; give each its own name",
                                name);
    if (g->ndm >= PARLEY_GRAPH_MAX_DMS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "more than %d decision makers", PARLEY_GRAPH_MAX_DMS);
    st_dm *p = parleyx_grow(g->alloc, g->dm, sizeof *p, &g->capdm, g->ndm + 1, 4);
    if (!p)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    g->dm = p;
    memset(&g->dm[g->ndm], 0, sizeof(st_dm));
    g->dm[g->ndm].name = parleyx_strdup(g->alloc, name);
    if (!g->dm[g->ndm].name)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (index)
        *index = g->ndm;
    g->ndm++;
    return PARLEY_OK;
}

static bool payoffs_started(const parley_graph *g)
{
    for (size_t d = 0; d < g->ndm; d++)
        if (g->dm[d].explicit_)
            return true;
    return false;
}

parley_status parley_graph_add_option(parley_graph *g, size_t dm, const char *name,
                                      parley_option_dir dir, size_t *index, parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (dm >= g->ndm)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no decision maker %zu", dm);
    if (!name || !*name)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "an option needs a non-empty name");
    if (strlen(name) > PARLEY_MAX_NAME)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "an option's name is longer "
                            "than %d bytes", PARLEY_MAX_NAME);
    if ((unsigned)dir > PARLEY_DIR_BACKWARD)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such option direction");
    if (payoffs_started(g))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "options must all be added before the first payoff");
    if (g->nopt >= PARLEY_GRAPH_MAX_OPTIONS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "more than %d options (2^%d states)", PARLEY_GRAPH_MAX_OPTIONS,
                            PARLEY_GRAPH_MAX_OPTIONS);
    st_opt *o = parleyx_grow(g->alloc, g->opt, sizeof *o, &g->capopt, g->nopt + 1, 8);
    if (!o)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    g->opt = o;
    char *copy = parleyx_strdup(g->alloc, name);
    if (!copy)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    g->opt[g->nopt] = (st_opt){copy, (uint8_t)dir, (uint8_t)dm};
    g->dm[dm].opts |= 1u << g->nopt;
    if (index)
        *index = g->nopt;
    g->nopt++;
    return PARLEY_OK;
}

parley_status parley_graph_add_infeasible(parley_graph *g, uint32_t mask, uint32_t value,
                                          parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (value & ~mask)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "an infeasible pattern's values lie outside its mask");
    st_term *p = parleyx_grow(g->alloc, g->inf, sizeof *p, &g->capinf, g->ninf + 1, 8);
    if (!p)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    g->inf = p;
    g->inf[g->ninf++] = (st_term){mask, value};
    return PARLEY_OK;
}

static parley_status push_stmt(parley_graph *g, size_t dm, st_stmt *s, parley_error *err)
{
    st_dm *m = &g->dm[dm];
    if (m->explicit_) {
        stmt_free(g->alloc, s);
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "decision maker '%s' has "
                            "explicit payoffs; it cannot also have statements", m->name);
    }
    if (m->nstmt >= PARLEY_GRAPH_MAX_STATEMENTS) {
        stmt_free(g->alloc, s);
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "decision maker '%s' has more than %d statements", m->name,
                            PARLEY_GRAPH_MAX_STATEMENTS);
    }
    st_stmt *p = parleyx_grow(g->alloc, m->stmt, sizeof *p, &m->capstmt, m->nstmt + 1, 4);
    if (!p) {
        stmt_free(g->alloc, s);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    m->stmt = p;
    m->stmt[m->nstmt++] = *s;
    return PARLEY_OK;
}

parley_status parley_graph_add_condition(parley_graph *g, size_t dm, size_t n,
                                         const uint32_t *mask, const uint32_t *value,
                                         parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (dm >= g->ndm)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no decision maker %zu", dm);
    if (!n || !mask || !value || n > 4096)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a condition needs 1 to 4096 terms");
    st_stmt s = {{NULL, NULL}, {0, 0}, ST_PLAIN};
    s.t[0] = parleyx_malloc(g->alloc, n * sizeof(st_term));
    if (!s.t[0])
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    s.n[0] = n;
    for (size_t k = 0; k < n; k++) {
        s.t[0][k] = (st_term){mask[k], value[k] & mask[k]};
        if (value[k] & ~mask[k]) {
            stmt_free(g->alloc, &s);
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                                "a condition's values lie outside its mask");
        }
    }
    return push_stmt(g, dm, &s, err);
}

/* ---------------------------------------------------- GMCR+ statements */

typedef struct sp {
    const char *text;
    size_t pos;
    size_t nopt;
    parley_error *err;
} sp;

static void sp_blank(sp *p)
{
    while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t')
        p->pos++;
}

static parley_status sp_fail(sp *p, const char *what)
{
    return parleyx_fail(p->err, PARLEY_ERR_SYNTAX, NULL, 0, (unsigned)p->pos + 1,
                        "statement '%s': %s", p->text, what);
}

static bool sp_word(sp *p, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)p->text[p->pos + i]) != w[i])
            return false;
    char c = p->text[p->pos + n];
    if (isalnum((unsigned char)c))
        return false;
    p->pos += n;
    return true;
}

/* side := conj ('|' conj)* ; conj := lit ('&' lit)* ; lit := '-'? N */
static parley_status sp_side(sp *p, const parley_allocator *a, st_term **out, size_t *nout)
{
    size_t cap = 0, n = 0;
    st_term *t = NULL;
    for (;;) {
        st_term cur = {0, 0};
        for (;;) {
            sp_blank(p);
            bool neg = false;
            if (p->text[p->pos] == '-') {
                neg = true;
                p->pos++;
                sp_blank(p);
            }
            if (!isdigit((unsigned char)p->text[p->pos])) {
                parleyx_free(a, t, cap * sizeof *t);
                return sp_fail(p, "expected an option number (1 to the number of options)");
            }
            size_t start = p->pos;
            unsigned long v = 0;
            while (isdigit((unsigned char)p->text[p->pos]) && v < 100000)
                v = v * 10 + (unsigned long)(p->text[p->pos++] - '0');
            if (v < 1 || v > p->nopt) {
                p->pos = start;
                parleyx_free(a, t, cap * sizeof *t);
                return sp_fail(p, "no such option number (options are numbered from 1)");
            }
            uint32_t bit = 1u << (v - 1);
            if ((cur.mask & bit) && ((cur.value & bit) != 0) == neg) {
                cur.mask = 0xffffffffu; /* contradiction: never satisfied */
                cur.value = 0xffffffffu;
            }
            if (cur.mask != 0xffffffffu || cur.value != 0xffffffffu) {
                cur.mask |= bit;
                if (!neg)
                    cur.value |= bit;
            }
            sp_blank(p);
            if (p->text[p->pos] == '&') {
                p->pos++;
                continue;
            }
            break;
        }
        st_term *q = parleyx_grow(a, t, sizeof *q, &cap, n + 1, 4);
        if (!q) {
            parleyx_free(a, t, cap * sizeof *t);
            return parleyx_fail(p->err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        t = q;
        t[n++] = cur;
        if (p->text[p->pos] == '|') {
            p->pos++;
            continue;
        }
        break;
    }
    /* shrink to exactly n so the statement frees with n */
    st_term *e = parleyx_realloc(a, t, cap * sizeof *t, n * sizeof *t);
    if (e)
        t = e;
    else {
        /* keep the big block: copy into an exact one */
        e = parleyx_malloc(a, n * sizeof *t);
        if (!e) {
            parleyx_free(a, t, cap * sizeof *t);
            return parleyx_fail(p->err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        memcpy(e, t, n * sizeof *t);
        parleyx_free(a, t, cap * sizeof *t);
        t = e;
    }
    *out = t;
    *nout = n;
    return PARLEY_OK;
}

parley_status parley_graph_add_statement(parley_graph *g, size_t dm, const char *text,
                                         parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (dm >= g->ndm)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no decision maker %zu", dm);
    if (!text)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no statement");
    if (strlen(text) > 4096)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "a statement is longer than "
                            "4096 bytes");
    sp p = {text, 0, g->nopt, err};
    st_stmt s = {{NULL, NULL}, {0, 0}, ST_PLAIN};
    st = sp_side(&p, g->alloc, &s.t[0], &s.n[0]);
    if (st)
        return st;
    sp_blank(&p);
    if (sp_word(&p, "IFF"))
        s.op = ST_IFF;
    else if (sp_word(&p, "IF"))
        s.op = ST_IF;
    if (s.op != ST_PLAIN) {
        st = sp_side(&p, g->alloc, &s.t[1], &s.n[1]);
        if (st) {
            stmt_free(g->alloc, &s);
            return st;
        }
        sp_blank(&p);
    }
    if (p.text[p.pos]) {
        stmt_free(g->alloc, &s);
        return sp_fail(&p, "expected '&', '|', IF, IFF or the end");
    }
    return push_stmt(g, dm, &s, err);
}

parley_status parley_graph_set_payoff(parley_graph *g, size_t dm, uint32_t state, double payoff,
                                      parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (dm >= g->ndm)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no decision maker %zu", dm);
    uint64_t S = (uint64_t)1 << g->nopt;
    if (state >= S)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "state %u is beyond the %zu options' 2^%zu states", (unsigned)state,
                            g->nopt, g->nopt);
    if (!isfinite(payoff))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "a payoff must be finite");
    st_dm *m = &g->dm[dm];
    if (m->nstmt)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "decision maker '%s' has "
                            "statements; it cannot also have explicit payoffs", m->name);
    if (!m->explicit_) {
        g->S = S;
        m->explicit_ = parleyx_malloc(g->alloc, S * sizeof(double));
        if (!m->explicit_)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (uint64_t s = 0; s < S; s++)
            m->explicit_[s] = NAN;
    }
    m->explicit_[state] = payoff;
    return PARLEY_OK;
}

parley_status parley_graph_add_coalition(parley_graph *g, uint32_t members, parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    uint32_t all = g->ndm >= 32 ? 0xffffffffu : (1u << g->ndm) - 1;
    if ((members & ~all) || __builtin_popcount(members) < 2)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "a coalition needs two or more of the decision makers");
    for (size_t k = 0; k < g->ncoal; k++)
        if (g->coal[k] == members)
            return PARLEY_OK;
    if (g->ncoal >= PARLEY_GRAPH_MAX_DMS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "more than %d coalitions",
                            PARLEY_GRAPH_MAX_DMS);
    g->coal[g->ncoal++] = members;
    return PARLEY_OK;
}

size_t parley_graph_coalition_count(const parley_graph *g)
{
    return g ? g->ncoal : 0;
}

uint32_t parley_graph_coalition(const parley_graph *g, size_t k)
{
    return g && k < g->ncoal ? g->coal[k] : 0;
}

static bool side_holds(const st_term *t, size_t n, uint32_t s)
{
    for (size_t k = 0; k < n; k++)
        if ((s & t[k].mask) == t[k].value)
            return true;
    return false;
}

static bool stmt_holds(const st_stmt *m, uint32_t s)
{
    bool a = side_holds(m->t[0], m->n[0], s);
    if (m->op == ST_PLAIN)
        return a;
    bool b = side_holds(m->t[1], m->n[1], s);
    return m->op == ST_IF ? (a || !b) : (a == b);
}

parley_status parley_graph_finalize(parley_graph *g, parley_error *err)
{
    parley_status st = not_final(g, err);
    if (st)
        return st;
    if (!g->ndm)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "a graph model needs at "
                            "least one decision maker");
    if (!g->nopt)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "a graph model needs at "
                            "least one option");
    const parley_allocator *a = g->alloc;
    g->S = (uint64_t)1 << g->nopt;
    uint32_t all = (uint32_t)(g->S - 1);
    g->both = g->fwd = g->back = 0;
    for (size_t i = 0; i < g->nopt; i++) {
        uint32_t bit = 1u << i;
        if (g->opt[i].dir == PARLEY_DIR_FORWARD)
            g->fwd |= bit;
        else if (g->opt[i].dir == PARLEY_DIR_BACKWARD)
            g->back |= bit;
        else
            g->both |= bit;
    }
    for (size_t k = 0; k < g->ninf; k++)
        if (g->inf[k].mask & ~all)
            return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                "an infeasible pattern names an option beyond the %zu options",
                                g->nopt);
    size_t words = (size_t)((g->S + 63) / 64);
    g->feas = parleyx_malloc(a, words * sizeof(uint64_t));
    if (!g->feas)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    memset(g->feas, 0xff, words * sizeof(uint64_t));
    if (g->S < 64)
        g->feas[0] = ((uint64_t)1 << g->S) - 1;
    for (size_t k = 0; k < g->ninf; k++) {
        uint32_t free_ = all & ~g->inf[k].mask, d = 0;
        do {
            uint32_t s = g->inf[k].value | d;
            g->feas[s >> 6] &= ~((uint64_t)1 << (s & 63));
            d = (d - free_) & free_;
        } while (d);
    }
    g->nfeas = 0;
    for (size_t w = 0; w < words; w++)
        g->nfeas += (uint64_t)__builtin_popcountll(g->feas[w]);
    if (!g->nfeas)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the infeasible patterns leave no feasible state");
    g->P = parleyx_calloc(a, g->ndm, sizeof(double *));
    if (!g->P)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t d = 0; d < g->ndm; d++) {
        st_dm *m = &g->dm[d];
        double *P = parleyx_malloc(a, g->S * sizeof(double));
        if (!P)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        g->P[d] = P;
        for (uint64_t s = 0; s < g->S; s++) {
            double v = 0;
            if (m->explicit_) {
                v = m->explicit_[s];
                if (isnan(v)) {
                    if (st_feasible(g, (uint32_t)s))
                        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                            "decision maker '%s' has no payoff for the "
                                            "feasible state %llu; rank every feasible state",
                                            m->name, (unsigned long long)s);
                    v = 0;
                }
            } else {
                for (size_t k = 0; k < m->nstmt; k++)
                    if (stmt_holds(&m->stmt[k], (uint32_t)s))
                        v += ldexp(1.0, (int)(m->nstmt - 1 - k));
            }
            P[s] = v;
        }
    }
    g->final = true;
    return PARLEY_OK;
}

size_t parley_graph_dm_count(const parley_graph *g)
{
    return g ? g->ndm : 0;
}
const char *parley_graph_dm_name(const parley_graph *g, size_t dm)
{
    return g && dm < g->ndm ? g->dm[dm].name : NULL;
}
size_t parley_graph_option_count(const parley_graph *g)
{
    return g ? g->nopt : 0;
}
const char *parley_graph_option_name(const parley_graph *g, size_t opt)
{
    return g && opt < g->nopt ? g->opt[opt].name : NULL;
}
size_t parley_graph_option_dm(const parley_graph *g, size_t opt)
{
    return g && opt < g->nopt ? g->opt[opt].dm : SIZE_MAX;
}
parley_option_dir parley_graph_option_direction(const parley_graph *g, size_t opt)
{
    return g && opt < g->nopt ? (parley_option_dir)g->opt[opt].dir : PARLEY_DIR_BOTH;
}
uint64_t parley_graph_state_count(const parley_graph *g)
{
    return g ? (uint64_t)1 << g->nopt : 0;
}
uint64_t parley_graph_feasible_count(const parley_graph *g)
{
    return g && g->final ? g->nfeas : 0;
}
bool parley_graph_feasible(const parley_graph *g, uint32_t state)
{
    return g && g->final && state < g->S && st_feasible(g, state);
}
double parley_graph_payoff(const parley_graph *g, size_t dm, uint32_t state)
{
    if (!g || !g->final || dm >= g->ndm || state >= g->S)
        return NAN;
    return g->P[dm][state];
}

size_t parley_graph_moves(const parley_graph *g, size_t dm, uint32_t state, bool improving,
                          uint32_t *out, size_t cap)
{
    if (!g || !g->final || dm >= g->ndm || state >= g->S || !st_feasible(g, state))
        return 0;
    uint32_t m = g->dm[dm].opts & st_flippable(g, state);
    size_t n = 0;
    /* increasing submasks do not give increasing ids: keep the cap
     * smallest, in order (insertion; the largest kept drops out) */
    for (uint32_t d = m & (0u - m); d; d = (d - m) & m) {
        uint32_t t = state ^ d;
        if (!st_feasible(g, t))
            continue;
        if (improving && !(g->P[dm][t] > g->P[dm][state]))
            continue;
        size_t have = n < cap ? n : cap;
        if (out && cap && (have < cap || t < out[cap - 1])) {
            size_t j = have < cap ? have : cap - 1;
            while (j > 0 && out[j - 1] > t) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = t;
        }
        n++;
    }
    return n;
}
