/*
 * genius_nonlinear.c -- GENIUS's two non-additive profile kinds into one
 * party's interaction terms (include/parley/core.h, "Interactions"):
 *
 *  - <utility_space type="nonlinear"> (NonlinearUtilitySpace): GENIUS
 *    computes U = min(1, F / maxutility), F the fold from 0.0 of the top
 *    <ufun>'s hyper-rectangles in document order (each utility * weight
 *    when its bounds hold, else 0.0), then of its nested ufuns (each
 *    F_nested * its weight).  Each rectangle becomes one term, value
 *    utility * weight computed as GENIUS does, in document order; the
 *    divisor is maxutility and there is no linear part.  parley's
 *    clamp01(0.0 + I / maxutility) is then GENIUS's number bit for bit
 *    (a skipped rectangle adds 0.0 in GENIUS, nothing in parley: the same
 *    double), except that parley clamps below 0 where GENIUS does not.
 *    Nested ufuns are flattened only when that is exact (every value an
 *    integer, all sums below 2^53, SUM aggregation everywhere); MIN and
 *    MAX aggregation are refused.
 *
 *  - <utility_space type="constraint"> (ConstraintUtilitySpace): GENIUS
 *    computes U = 0.0 if a zero-outcome constraint fires, else
 *    (fold over the ranked issues, in <ranks> order, of rank/maxrank for
 *    each issue no per-issue constraint zeroes) / number of ranked
 *    issues.  Each ranked issue gives one term per distinct rank ratio
 *    (`issue in {values}`, with `and not (...)` for its zeroing
 *    constraints), in <ranks> order; each zero-outcome constraint gives a
 *    term of value GX_ZERO_TERM, after them, which takes the sum below 0,
 *    hence the utility to 0; the divisor is the number of ranked issues.
 *    When no per-issue constraint exists, the ranked issues come in domain
 *    order and their number n is a power of two, the ranks are a linear
 *    part instead (weights 1/n, tables rank/maxrank: exact, see
 *    gx_read_constraint) and only the zero-outcome terms remain.
 *    The conditions are computed here, value by value, with GENIUS's
 *    string tests (contains, equals, Integer.valueOf sums), and written
 *    as `in {...}` sets.
 *
 * Invariant: the whole file is checked and every term's text built before
 * the party is added; then the party, its terms, divisor, reservation and
 * discount.  Scratch memory comes from the domain's allocator and is
 * freed before returning.
 */
#include "io/genius_io.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GX_ZERO_TERM (-1e6) /* a zero-outcome constraint's term */
#define GX_MAX_COMBOS 100000 /* value combinations a sum constraint may span */

/* The terms, built before anything reaches the scenario. */
typedef struct gx_terms {
    const parley_allocator *a;
    px_buf text;            /* every condition, NUL-separated */
    size_t *off;            /* start of term t in text */
    double *val;
    unsigned *line;         /* the element it came from */
    size_t n, cap;
} gx_terms;

static void gx_terms_free(gx_terms *t)
{
    parleyx_buf_free(&t->text);
    parleyx_free(t->a, t->off, t->cap * sizeof(size_t));
    parleyx_free(t->a, t->val, t->cap * sizeof(double));
    parleyx_free(t->a, t->line, t->cap * sizeof(unsigned));
}

/* Append the condition held in cond as term n with value v. */
static bool gx_terms_add(gx_terms *t, const px_buf *cond, double v, unsigned line)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 16;
        size_t *o = parleyx_malloc(t->a, nc * sizeof(size_t));
        double *w = parleyx_malloc(t->a, nc * sizeof(double));
        unsigned *l = parleyx_malloc(t->a, nc * sizeof(unsigned));
        if (!o || !w || !l) {
            parleyx_free(t->a, o, nc * sizeof(size_t));
            parleyx_free(t->a, w, nc * sizeof(double));
            parleyx_free(t->a, l, nc * sizeof(unsigned));
            return false;
        }
        if (t->n) {
            memcpy(o, t->off, t->n * sizeof(size_t));
            memcpy(w, t->val, t->n * sizeof(double));
            memcpy(l, t->line, t->n * sizeof(unsigned));
        }
        parleyx_free(t->a, t->off, t->cap * sizeof(size_t));
        parleyx_free(t->a, t->val, t->cap * sizeof(double));
        parleyx_free(t->a, t->line, t->cap * sizeof(unsigned));
        t->off = o;
        t->val = w;
        t->line = l;
        t->cap = nc;
    }
    t->off[t->n] = t->text.len;
    t->val[t->n] = v;
    t->line[t->n] = line;
    t->n++;
    return parleyx_buf_add(&t->text, cond->data ? cond->data : "", cond->len) &&
           parleyx_buf_add(&t->text, "", 1);
}

/* Append src to dst; a failure in either marks dst failed (checked once,
 * where the text is used). */
static void gx_join(px_buf *dst, const px_buf *src)
{
    if (src->failed)
        dst->failed = true;
    else if (src->len)
        parleyx_buf_add(dst, src->data, src->len);
}

/* ------------------------------------------------------------------ */
/* Writing rules                                                        */
/* ------------------------------------------------------------------ */

static bool gx_word_char(unsigned char ch, bool first)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_')
        return true;
    return !first && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '\'');
}

/* A name or label as a rule token: bare when it is a plain ASCII word that
 * is no keyword, else double-quoted with \ and " escaped. */
void gx_rule_word(px_buf *b, const char *s)
{
    static const char *const kw[] = {"and", "or", "not", "in", "true", "false", "utility"};
    bool bare = s[0] != '\0';
    for (size_t i = 0; s[i] && bare; i++)
        if (!gx_word_char((unsigned char)s[i], i == 0) || (s[i] == '-' && s[i + 1] == '>'))
            bare = false;
    for (size_t k = 0; bare && k < sizeof kw / sizeof kw[0]; k++)
        if (strcmp(s, kw[k]) == 0)
            bare = false;
    if (bare) {
        parleyx_buf_puts(b, s);
        return;
    }
    parleyx_buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            parleyx_buf_add(b, "\\", 1);
        parleyx_buf_add(b, p, 1);
    }
    parleyx_buf_puts(b, "\"");
}

/* ------------------------------------------------------------------ */
/* Shared: the first child element, reservation and discount            */
/* ------------------------------------------------------------------ */

static const xmlNode *gx_first_element(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

typedef struct gx_extras {
    bool has_rv, has_d;
    double rv, disc;
} gx_extras;

/* The root's own first <reservation> and <discount_factor> children (the
 * non-additive spaces read them there only). */
static parley_status gx_root_extras(gx_ctx *c, const xmlNode *root, gx_extras *x)
{
    parley_status st;
    memset(x, 0, sizeof *x);
    const xmlNode *r = gx_first_child(root, "reservation");
    if (r) {
        if ((st = gx_need_number(c, r, "value", &x->rv, "the reservation value")))
            return st;
        x->has_rv = true;
    }
    const xmlNode *df = gx_first_child(root, "discount_factor");
    if (df) {
        double v;
        if ((st = gx_need_number(c, df, "value", &v, "the discount factor")))
            return st;
        x->disc = (v <= 0.0 || v > 1.0) ? 1.0 : v; /* validateDiscount */
        x->has_d = true;
    }
    return PARLEY_OK;
}

/* Add the party, its terms, the divisor, the reservation and discount. */
static parley_status gx_terms_party(gx_ctx *c, parley_scenario *sc, const gx_terms *t, double div,
                                    const gx_extras *x, const xmlNode *root, bool linear,
                                    size_t *partyp)
{
    size_t party;
    parley_status st;
    bool any = linear;
    for (size_t k = 0; k < t->n; k++)
        if (t->val[k] > 0.0)
            any = true;
    if (!any)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(root), 0,
                            "the profile gives no outcome a positive utility; it has no "
                            "preferences to analyse");
    if ((st = gx_add_party_for(sc, c->path, &party, c->err)))
        return st;
    *partyp = party;
    for (size_t k = 0; k < t->n; k++) {
        parley_error be;
        parley_error_clear(&be);
        st = parley_party_add_interaction(sc, party, t->text.data + t->off[k], t->val[k], &be);
        if (st)
            return parleyx_fail(c->err, st, c->path, t->line[k], 0,
                                "the condition \"%.200s\" built from this element was refused: "
                                "%s",
                                t->text.data + t->off[k],
                                be.message[0] ? be.message : parley_strerror(st));
    }
    if ((st = parley_party_set_interaction_divisor(sc, party, div)))
        return parleyx_fail(c->err, st, c->path, gx_line(root), 0,
                            "the model refused the divisor %g", div);
    if (x->has_rv && (st = parley_party_set_reservation(sc, party, x->rv)))
        return parleyx_fail(c->err, st, c->path, 0, 0,
                            "the model refused the reservation value %g", x->rv);
    if (x->has_d && (st = parley_party_set_discount(sc, party, x->disc)))
        return parleyx_fail(c->err, st, c->path, 0, 0,
                            "the model refused the discount factor %g", x->disc);
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Nonlinear: hyper-rectangles                                          */
/* ------------------------------------------------------------------ */

typedef struct gx_nl {
    gx_ctx *c;
    gx_domain *d;
    gx_terms *t;
    px_buf cond;
    bool nested;            /* some nested ufun: every value must be an integer */
    double abs_sum;         /* of every value, for the exactness check */
    bool all_int;
    unsigned first_nested;  /* line of the first nested ufun */
} gx_nl;

/* Java's Integer.parseInt range. */
static parley_status gx_java_int(gx_ctx *c, const xmlNode *n, const char *attr, int64_t *v)
{
    parley_status st = gx_need_integer(c, n, attr, v, "a hyper-rectangle bound");
    if (!st && (*v < INT_MIN || *v > INT_MAX))
        st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                          "%s %lld of <%s> does not fit a Java int (GENIUS cannot read it)",
                          attr, (long long)*v, (const char *)n->name);
    return st;
}

/* One <hyperRectangle>: its condition into nl->cond, its value to *v. */
static parley_status gx_rectangle(gx_nl *nl, const xmlNode *r, double scale, double *v)
{
    gx_ctx *c = nl->c;
    parley_status st;
    bool inc = gx_first_child(r, "INCLUDES") != NULL, exc = gx_first_child(r, "EXCLUDES") != NULL;
    const char *tag = exc ? "EXCLUDES" : "INCLUDES"; /* EXCLUDES wins, as in GENIUS */
    nl->cond.len = 0;
    if (nl->cond.data)
        nl->cond.data[0] = '\0';
    if (!inc && !exc) {
        parleyx_buf_puts(&nl->cond, "true");
    } else {
        if (exc)
            parleyx_buf_puts(&nl->cond, "not (");
        bool first = true;
        for (const xmlNode *b = r->children; b; b = b->next) {
            if (!gx_is(b, tag))
                continue;
            int64_t idx, lo, hi;
            if ((st = gx_java_int(c, b, "index", &idx)) || (st = gx_java_int(c, b, "min", &lo)) ||
                (st = gx_java_int(c, b, "max", &hi)))
                return st;
            gx_issue *is;
            if ((st = gx_need_issue(c, nl->d, b, idx, "hyper-rectangle bound:",
                                    "fix the index or use the matching domain", &is)))
                return st;
            if (is->kind != PARLEY_ISSUE_INTEGER)
                return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(b), 0,
                                    "bound on issue %lld ('%s'), which is %s in the domain; "
                                    "hyper-rectangles bound integer issues only (GENIUS fails "
                                    "on any other)",
                                    (long long)idx, is->name, gx_kind_name(is->kind));
            if (!first)
                parleyx_buf_puts(&nl->cond, " and ");
            first = false;
            gx_rule_word(&nl->cond, is->name);
            parleyx_buf_printf(&nl->cond, " >= %lld and ", (long long)lo);
            gx_rule_word(&nl->cond, is->name);
            parleyx_buf_printf(&nl->cond, " <= %lld", (long long)hi);
        }
        if (exc)
            parleyx_buf_puts(&nl->cond, ")");
    }
    double u, w = 1.0;
    if ((st = gx_need_number(c, r, "utility", &u, "a hyper-rectangle")))
        return st;
    if (gx_attr(c, r, "weight") && (st = gx_need_number(c, r, "weight", &w, "a hyper-rectangle")))
        return st;
    *v = u * w;
    if (scale != 1.0)
        *v = *v * scale; /* exact when flattening is allowed (checked at the end) */
    if (!isfinite(*v))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r), 0,
                            "utility * weight of this hyper-rectangle is not a finite number");
    if (nl->cond.failed)
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    return PARLEY_OK;
}

/* One <ufun>: its rectangles, then its nested ufuns, flattened. */
static parley_status gx_ufun(gx_nl *nl, const xmlNode *u, double scale, int depth)
{
    gx_ctx *c = nl->c;
    parley_status st;
    if (depth > GX_MAX_DEPTH)
        return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(u), 0,
                            "ufuns nested deeper than %d levels", GX_MAX_DEPTH);
    const char *agg = gx_attr(c, u, "aggregation");
    if (agg && (gx_ieq(agg, "min") || gx_ieq(agg, "max")))
        return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(u), 0,
                            "aggregation=\"%s\": a %s over hyper-rectangles is not a sum of "
                            "terms, so parley cannot hold it exactly (only aggregation=\"sum\" "
                            "is read; no shipped GENIUS file uses min or max)",
                            agg, agg);
    /* An aggregation GENIUS does not know means sum (AGGREGATIONTYPE). */
    for (const xmlNode *r = u->children; r; r = r->next) {
        if (!gx_is(r, "hyperRectangle"))
            continue;
        double v = 0.0;
        if ((st = gx_rectangle(nl, r, scale, &v)))
            return st;
        nl->abs_sum += fabs(v);
        if (v != floor(v))
            nl->all_int = false;
        if (v == 0.0)
            continue; /* adds 0.0 in GENIUS: nothing */
        if (!gx_terms_add(nl->t, &nl->cond, v, gx_line(r)))
            return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        if (nl->t->n > PARLEY_MAX_INTERACTIONS)
            return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(r), 0,
                                "more than %d hyper-rectangles", PARLEY_MAX_INTERACTIONS);
    }
    for (const xmlNode *k = u->children; k; k = k->next) {
        if (!gx_is(k, "ufun"))
            continue;
        double w = 1.0;
        if (gx_attr(c, k, "weight") &&
            (st = gx_need_number(c, k, "weight", &w, "a nested ufun")))
            return st;
        if (!nl->nested)
            nl->first_nested = gx_line(k);
        nl->nested = true;
        if (w != floor(w) || !isfinite(w))
            nl->all_int = false;
        if ((st = gx_ufun(nl, k, scale * w, depth + 1)))
            return st;
    }
    return PARLEY_OK;
}

parley_status gx_read_nonlinear(gx_ctx *c, const xmlNode *root, gx_domain *d,
                                parley_scenario *sc)
{
    parley_status st;
    gx_extras x;
    if ((st = gx_root_extras(c, root, &x)))
        return st;
    const xmlNode *obj = gx_first_element(root);
    const xmlNode *util = obj ? gx_first_child(obj, "utility") : NULL;
    if (!util)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(obj ? obj : root), 0,
                            "a nonlinear profile needs <utility maxutility=...> inside its first "
                            "element (the <objective>); GENIUS cannot load it otherwise");
    double maxu;
    if ((st = gx_need_number(c, util, "maxutility", &maxu, "a nonlinear profile")))
        return st;
    if (!(maxu > 0.0))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(util), 0,
                            "maxutility is %g; it divides the sum, so it must be > 0", maxu);
    const xmlNode *top = gx_first_child(util, "ufun");
    if (!top)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(util), 0,
                            "<utility> has no <ufun>; GENIUS cannot load it");
    gx_terms t;
    memset(&t, 0, sizeof t);
    t.a = d->a;
    parleyx_buf_init(&t.text, d->a, 0);
    gx_nl nl;
    memset(&nl, 0, sizeof nl);
    nl.c = c;
    nl.d = d;
    nl.t = &t;
    nl.all_int = true;
    parleyx_buf_init(&nl.cond, d->a, 0);
    /* The top ufun's own weight is not applied (NonlinearUtilitySpace). */
    st = gx_ufun(&nl, top, 1.0, 0);
    if (!st && nl.nested && !(nl.all_int && nl.abs_sum <= 9007199254740992.0))
        st = parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, nl.first_nested, 0,
                          "nested <ufun>s are read only when flattening them is exact (every "
                          "utility * weight and every nested weight an integer, the sums below "
                          "2^53); this one is not, so parley would not compute GENIUS's "
                          "numbers (no shipped GENIUS file nests ufuns)");
    if (!st && t.text.failed)
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    if (!st)
    {
        size_t party;
        st = gx_terms_party(c, sc, &t, maxu, &x, root, false, &party);
    }
    parleyx_buf_free(&nl.cond);
    gx_terms_free(&t);
    return st;
}

/* ------------------------------------------------------------------ */
/* Constraint profiles: ranks and zero constraints                      */
/* ------------------------------------------------------------------ */

typedef struct gx_cs {
    gx_ctx *c;
    gx_domain *d;
    parley_scenario *sc;
    px_buf cond;
    bool *set;              /* scratch: per value of one issue */
    size_t capset;
} gx_cs;

/* The label of value k of issue is (into buf). */
static const char *gx_label_of(gx_cs *s, const gx_issue *is, size_t k, char *buf, size_t n)
{
    return parley_issue_value_label(s->sc, is->pi, k, buf, n);
}

/* Java's Integer.valueOf on a label (no blanks, optional sign, int range). */
static bool gx_java_intval(const char *s, int64_t *v)
{
    return parleyx_parse_int64(s, v) && *v >= INT_MIN && *v <= INT_MAX;
}

/* The issue an index names, as a constraint needs it. */
static parley_status gx_cs_issue(gx_cs *s, const xmlNode *n, const char *attr, gx_issue **out)
{
    gx_ctx *c = s->c;
    int64_t idx;
    parley_status st = gx_need_integer(c, n, attr, &idx, "a constraint");
    if (st)
        return st;
    gx_issue *is;
    st = gx_need_issue(c, s->d, n, idx, "constraint:", "GENIUS fails on it too", &is);
    if (st)
        return st;
    if (is->kind != PARLEY_ISSUE_DISCRETE)
        return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(n), 0,
                            "issue %lld ('%s') is %s; constraint profiles are read for discrete "
                            "issues only",
                            (long long)idx, is->name, gx_kind_name(is->kind));
    *out = is;
    return PARLEY_OK;
}

/* Per value of is: does `test` hold?  Written as `issue in {...}`; *all /
 * *none when every / no value passes. */
typedef bool (*gx_vtest)(const char *label, const void *arg, bool *bad);

static parley_status gx_cs_set(gx_cs *s, const xmlNode *n, const gx_issue *is, gx_vtest f,
                               const void *arg, px_buf *out, bool *all, bool *none)
{
    char label[PARLEY_MAX_NAME + 8];
    size_t cnt = 0;
    *all = *none = false;
    px_buf tmp;
    parleyx_buf_init(&tmp, s->d->a, 0);
    for (size_t k = 0; k < is->nvalues; k++) {
        bool bad = false;
        const char *l = gx_label_of(s, is, k, label, sizeof label);
        if (!f(l, arg, &bad)) {
            if (bad) {
                parleyx_buf_free(&tmp);
                return parleyx_fail(s->c->err, PARLEY_ERR_INVALID, s->c->path, gx_line(n), 0,
                                    "value '%s' of issue %lld ('%s') is not a whole number, and "
                                    "this constraint reads it as one (Integer.valueOf; GENIUS "
                                    "fails on it too)",
                                    l, (long long)is->gindex, is->name);
            }
            continue;
        }
        parleyx_buf_puts(&tmp, cnt ? ", " : "");
        gx_rule_word(&tmp, l);
        cnt++;
    }
    if (cnt == 0)
        *none = true;
    else if (cnt == is->nvalues)
        *all = true;
    else {
        gx_rule_word(out, is->name);
        parleyx_buf_puts(out, " in {");
        gx_join(out, &tmp);
        parleyx_buf_puts(out, "}");
    }
    bool failed = tmp.failed;
    parleyx_buf_free(&tmp);
    if (failed)
        return parleyx_fail(s->c->err, PARLEY_ERR_NOMEM, s->c->path, 0, 0, "out of memory");
    return PARLEY_OK;
}

/* -- value tests, each one of GENIUS's string checks -- */

static bool gx_t_contains(const char *l, const void *arg, bool *bad)
{
    (void)bad;
    return strstr(l, (const char *)arg) != NULL;
}

static bool gx_t_not_contains(const char *l, const void *arg, bool *bad)
{
    (void)bad;
    return strstr(l, (const char *)arg) == NULL;
}

static bool gx_t_equals(const char *l, const void *arg, bool *bad)
{
    (void)bad;
    return strcmp(l, (const char *)arg) == 0;
}

/* inclusiveZeroOutcomeConstraint's check of one assignment: with
 * "numeric", "positive" fails on v < 0, else "negative" fails on v > 0;
 * without, the value must contain the condition. */
static bool gx_t_inclusive(const char *l, const void *arg, bool *bad)
{
    const char *cond = arg;
    if (!strstr(cond, "numeric"))
        return strstr(l, cond) != NULL;
    int64_t v = 0;
    if ((strstr(cond, "positive") || strstr(cond, "negative")) && !gx_java_intval(l, &v)) {
        *bad = true;
        return false;
    }
    if (strstr(cond, "positive"))
        return !(v < 0);
    if (strstr(cond, "negative"))
        return !(v > 0);
    return true;
}

static bool gx_t_positive(const char *l, const void *arg, bool *bad)
{
    (void)arg;
    int64_t v;
    if (!gx_java_intval(l, &v)) {
        *bad = true;
        return false;
    }
    return v > 0;
}

static bool gx_t_negative(const char *l, const void *arg, bool *bad)
{
    (void)arg;
    int64_t v;
    if (!gx_java_intval(l, &v)) {
        *bad = true;
        return false;
    }
    return v < 0;
}

/* A HashMap<Integer, String> as GENIUS fills it (put: last wins) and
 * iterates it (by bucket, hash & 15 for the few entries these have, then
 * in insertion order). */
typedef struct gx_check {
    gx_issue *is;
    int64_t key;
    const char *val;
    const xmlNode *n;
    size_t order;
} gx_check;

static int gx_check_cmp(const void *x, const void *y)
{
    const gx_check *a = x, *b = y;
    uint32_t ha = (uint32_t)a->key ^ ((uint32_t)a->key >> 16);
    uint32_t hb = (uint32_t)b->key ^ ((uint32_t)b->key >> 16);
    ha &= 15;
    hb &= 15;
    if (ha != hb)
        return ha < hb ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

#define GX_MAX_CHECKS 12 /* a HashMap of 16 buckets stays unresized */

/* The <tag index=.. attr=..> children of n as a GENIUS HashMap. */
static parley_status gx_checks(gx_cs *s, const xmlNode *n, const char *tag, const char *attr,
                               gx_check *ck, size_t *nck)
{
    gx_ctx *c = s->c;
    parley_status st;
    size_t m = 0, order = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!gx_is(k, tag))
            continue;
        gx_issue *is;
        if ((st = gx_cs_issue(s, k, "index", &is)))
            return st;
        const char *v = gx_attr(c, k, attr);
        if (!v)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                "<%s> has no '%s'; GENIUS fails on it", tag, attr);
        size_t j = 0;
        while (j < m && ck[j].key != is->gindex)
            j++;
        if (j == m) {
            if (m == GX_MAX_CHECKS)
                return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(k), 0,
                                    "more than %d <%s> in one constraint", GX_MAX_CHECKS, tag);
            ck[m].order = order++;
            ck[m].key = is->gindex;
            m++;
        }
        ck[j].is = is;
        ck[j].val = v; /* put: the last one wins, in its first place */
        ck[j].n = k;
    }
    if (m > 1)
        qsort(ck, m, sizeof *ck, gx_check_cmp);
    *nck = m;
    return PARLEY_OK;
}

/* Append "(A and B ...)" for sets over several checks; *never when one
 * set is empty.  An empty conjunction is "true". */
static parley_status gx_conj(gx_cs *s, const gx_check *ck, size_t m, gx_vtest f, px_buf *out,
                             bool *never)
{
    parley_status st;
    size_t parts = 0;
    *never = false;
    px_buf tmp;
    parleyx_buf_init(&tmp, s->d->a, 0);
    for (size_t j = 0; j < m; j++) {
        px_buf one;
        parleyx_buf_init(&one, s->d->a, 0);
        bool all, none;
        st = gx_cs_set(s, ck[j].n, ck[j].is, f, ck[j].val, &one, &all, &none);
        if (!st && none)
            *never = true;
        if (!st && !all && !none) {
            parleyx_buf_puts(&tmp, parts ? " and " : "");
            gx_join(&tmp, &one);
            parts++;
        }
        parleyx_buf_free(&one);
        if (st) {
            parleyx_buf_free(&tmp);
            return st;
        }
    }
    if (!*never) {
        if (parts == 0)
            parleyx_buf_puts(out, "true");
        else {
            parleyx_buf_puts(out, "(");
            gx_join(out, &tmp);
            parleyx_buf_puts(out, ")");
        }
    }
    parleyx_buf_free(&tmp);
    return PARLEY_OK;
}

/* The outcomes where sum over items of Integer.valueOf(value) lies in
 * [lo, hi], as a disjunction over the combinations of all items but the
 * last, each with the set of the last item's values.  *never when none. */
static parley_status gx_sum_cond(gx_cs *s, const xmlNode *n, int64_t lo, int64_t hi,
                                 px_buf *out, bool *never)
{
    gx_ctx *c = s->c;
    parley_status st;
    gx_issue *items[GX_MAX_CHECKS];
    size_t m = 0;
    *never = true;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!gx_is(k, "item"))
            continue;
        if (m == GX_MAX_CHECKS)
            return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(k), 0,
                                "more than %d <item>s in one sum constraint", GX_MAX_CHECKS);
        if ((st = gx_cs_issue(s, k, "index", &items[m])))
            return st;
        m++;
    }
    if (m == 0) { /* the sum is 0 */
        *never = !(lo <= 0 && 0 <= hi);
        if (!*never)
            parleyx_buf_puts(out, "true");
        return PARLEY_OK;
    }
    /* numbers of every item's values */
    double combos = 1;
    int64_t *num[GX_MAX_CHECKS];
    memset(num, 0, sizeof num);
    st = PARLEY_OK;
    char label[PARLEY_MAX_NAME + 8];
    for (size_t j = 0; j < m && !st; j++) {
        combos *= (double)items[j]->nvalues;
        num[j] = parleyx_malloc(s->d->a, (items[j]->nvalues ? items[j]->nvalues : 1) *
                                             sizeof(int64_t));
        if (!num[j]) {
            st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
            break;
        }
        for (size_t k = 0; k < items[j]->nvalues && !st; k++) {
            const char *l = gx_label_of(s, items[j], k, label, sizeof label);
            if (!gx_java_intval(l, &num[j][k]))
                st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                  "value '%s' of issue %lld ('%s') is not a whole number, and "
                                  "this sum constraint adds it (Integer.valueOf; GENIUS fails "
                                  "on it too)",
                                  l, (long long)items[j]->gindex, items[j]->name);
        }
    }
    if (!st && combos > GX_MAX_COMBOS)
        st = parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(n), 0,
                          "this sum constraint spans %.0f value combinations; parley writes "
                          "sums over at most %d",
                          combos, GX_MAX_COMBOS);
    size_t idx[GX_MAX_CHECKS];
    memset(idx, 0, sizeof idx);
    size_t parts = 0;
    gx_issue *last = items[m - 1];
    while (!st) {
        int64_t partial = 0;
        for (size_t j = 0; j + 1 < m; j++)
            partial += num[j][idx[j]];
        px_buf set;
        parleyx_buf_init(&set, s->d->a, 0);
        size_t cnt = 0;
        for (size_t k = 0; k < last->nvalues; k++) {
            int64_t tot = partial + num[m - 1][k];
            /* Java int arithmetic: the sums of ints here stay far from overflow */
            if (lo <= tot && tot <= hi) {
                parleyx_buf_puts(&set, cnt ? ", " : "");
                gx_rule_word(&set, gx_label_of(s, last, k, label, sizeof label));
                cnt++;
            }
        }
        if (cnt) {
            parleyx_buf_puts(out, parts ? " or (" : "(");
            for (size_t j = 0; j + 1 < m; j++) {
                gx_rule_word(out, items[j]->name);
                parleyx_buf_puts(out, " == ");
                gx_rule_word(out, gx_label_of(s, items[j], idx[j], label, sizeof label));
                parleyx_buf_puts(out, " and ");
            }
            gx_rule_word(out, last->name);
            parleyx_buf_puts(out, " in {");
            gx_join(out, &set);
            parleyx_buf_puts(out, "})");
            parts++;
        }
        parleyx_buf_free(&set);
        /* next combination of the first m-1 items */
        size_t j = 0;
        while (j + 1 < m && ++idx[j] == items[j]->nvalues)
            idx[j++] = 0;
        if (j + 1 >= m)
            break;
    }
    for (size_t j = 0; j < m; j++)
        if (num[j])
            parleyx_free(s->d->a, num[j], (items[j]->nvalues ? items[j]->nvalues : 1) *
                                              sizeof(int64_t));
    if (!st)
        *never = parts == 0;
    return st;
}

/* One per-issue constraint (RConstraint): the condition under which it
 * zeroes its issue, appended to out as "(...)"; *never when it cannot. */
static parley_status gx_rconstraint(gx_cs *s, const xmlNode *k, const char *type, px_buf *out,
                                    bool *never)
{
    gx_ctx *c = s->c;
    parley_status st;
    gx_check ck[GX_MAX_CHECKS];
    size_t m;
    gx_issue *at;
    if ((st = gx_cs_issue(s, k, "index", &at)))
        return st;
    if (strcmp(type, "zeroConstraint") == 0) {
        if ((st = gx_checks(s, k, "valueassignment", "value", ck, &m)))
            return st;
        return gx_conj(s, ck, m, gx_t_equals, out, never);
    }
    if (strcmp(type, "conditionalZeroConstraint") == 0) {
        const char *v = gx_attr(c, k, "value");
        if (!v)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                "a conditionalZeroConstraint needs 'value'; GENIUS fails "
                                "without it");
        if ((st = gx_checks(s, k, "valueassignment", "value", ck, &m)))
            return st;
        /* all assignments equal, and the issue's value does not contain v */
        px_buf a, b;
        parleyx_buf_init(&a, s->d->a, 0);
        parleyx_buf_init(&b, s->d->a, 0);
        bool n1, all, none;
        st = gx_conj(s, ck, m, gx_t_equals, &a, &n1);
        if (!st)
            st = gx_cs_set(s, k, at, gx_t_not_contains, v, &b, &all, &none);
        if (!st) {
            *never = n1 || none;
            if (!*never) {
                parleyx_buf_puts(out, "(");
                gx_join(out, &a);
                if (!all) {
                    parleyx_buf_puts(out, " and ");
                    gx_join(out, &b);
                }
                parleyx_buf_puts(out, ")");
            }
        }
        parleyx_buf_free(&a);
        parleyx_buf_free(&b);
        return st;
    }
    /* the sum kinds */
    int64_t lo, hi;
    if ((st = gx_need_integer(c, k, "min", &lo, "a sum constraint")) ||
        (st = gx_need_integer(c, k, "max", &hi, "a sum constraint")))
        return st;
    px_buf sum, tail;
    parleyx_buf_init(&sum, s->d->a, 0);
    parleyx_buf_init(&tail, s->d->a, 0);
    bool n1 = false, all = false, none = false;
    st = gx_sum_cond(s, k, lo, hi, &sum, &n1);
    if (!st && strcmp(type, "sumZeroConstraintList") == 0) {
        /* the issue's value contains any of the <condition value>s */
        char label[PARLEY_MAX_NAME + 8];
        size_t cnt = 0;
        px_buf set;
        parleyx_buf_init(&set, s->d->a, 0);
        for (size_t q = 0; q < at->nvalues; q++) {
            const char *l = gx_label_of(s, at, q, label, sizeof label);
            bool hit = false;
            for (const xmlNode *cn = k->children; cn && !hit; cn = cn->next) {
                if (!gx_is(cn, "condition"))
                    continue;
                const char *cv = gx_attr(c, cn, "value");
                if (!cv) {
                    st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(cn), 0,
                                      "<condition> without 'value'; GENIUS fails on it");
                    break;
                }
                hit = strstr(l, cv) != NULL;
            }
            if (st)
                break;
            if (hit) {
                parleyx_buf_puts(&set, cnt ? ", " : "");
                gx_rule_word(&set, l);
                cnt++;
            }
        }
        none = cnt == 0;
        all = cnt == at->nvalues;
        if (!st && !all && !none) {
            gx_rule_word(&tail, at->name);
            parleyx_buf_puts(&tail, " in {");
            gx_join(&tail, &set);
            parleyx_buf_puts(&tail, "}");
        }
        parleyx_buf_free(&set);
    } else if (!st) {
        const char *v = gx_attr(c, k, "value");
        if (!v)
            st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                              "a %s needs 'value'; GENIUS fails without it", type);
        else
            st = gx_cs_set(s, k, at,
                           strcmp(type, "sumZeroConstraint") == 0 ? gx_t_contains
                                                                  : gx_t_not_contains,
                           v, &tail, &all, &none);
    }
    if (!st) {
        *never = n1 || none;
        if (!*never) {
            parleyx_buf_puts(out, "((");
            gx_join(out, &sum);
            parleyx_buf_puts(out, ")");
            if (!all) {
                parleyx_buf_puts(out, " and ");
                gx_join(out, &tail);
            }
            parleyx_buf_puts(out, ")");
        }
    }
    parleyx_buf_free(&sum);
    parleyx_buf_free(&tail);
    return st;
}

static bool gx_is_rconstraint(const char *type)
{
    return strcmp(type, "zeroConstraint") == 0 || strcmp(type, "sumZeroConstraint") == 0 ||
           strcmp(type, "sumZeroNotConstraint") == 0 ||
           strcmp(type, "sumZeroConstraintList") == 0 ||
           strcmp(type, "conditionalZeroConstraint") == 0;
}

/* One zero-outcome constraint: the condition under which the utility is 0
 * into out; *never when it cannot fire. */
static parley_status gx_zero_outcome(gx_cs *s, const xmlNode *k, const char *type, px_buf *out,
                                     bool *never)
{
    gx_ctx *c = s->c;
    parley_status st;
    gx_check ck[GX_MAX_CHECKS];
    size_t m;
    if ((st = gx_checks(s, k, "checkassignment", "condition", ck, &m)))
        return st;
    if (strcmp(type, "inclusiveZeroOutcomeConstraint") == 0)
        return gx_conj(s, ck, m, gx_t_inclusive, out, never);
    /* conditionalZeroOutcomeConstraint: exactly two checks, in HashMap
     * order; the first numeric and strict, the second's value must not
     * contain its condition. */
    if (m != 2)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                            "a conditionalZeroOutcomeConstraint has %zu checked issues; GENIUS "
                            "reads exactly two (it fails otherwise)",
                            m);
    gx_vtest first;
    if (strcmp(ck[0].val, "numeric=positive") == 0)
        first = gx_t_positive;
    else if (strcmp(ck[0].val, "numeric=negative") == 0)
        first = gx_t_negative;
    else {
        *never = true; /* GENIUS: neither branch, never fires */
        return PARLEY_OK;
    }
    px_buf a, b;
    parleyx_buf_init(&a, s->d->a, 0);
    parleyx_buf_init(&b, s->d->a, 0);
    bool all1, none1, all2, none2;
    st = gx_cs_set(s, ck[0].n, ck[0].is, first, NULL, &a, &all1, &none1);
    if (!st)
        st = gx_cs_set(s, ck[1].n, ck[1].is, gx_t_not_contains, ck[1].val, &b, &all2, &none2);
    if (!st) {
        *never = none1 || none2;
        if (!*never) {
            if (all1 && all2)
                parleyx_buf_puts(out, "true");
            else {
                parleyx_buf_puts(out, "(");
                gx_join(out, &a);
                parleyx_buf_puts(out, !all1 && !all2 ? " and " : "");
                gx_join(out, &b);
                parleyx_buf_puts(out, ")");
            }
        }
    }
    parleyx_buf_free(&a);
    parleyx_buf_free(&b);
    return st;
}

/* One ranked issue: its rank table, as Rank holds it. */
typedef struct gx_rank {
    gx_issue *is;
    const xmlNode *n;
    int64_t *rank;          /* per value; INT64_MIN: no rank (GENIUS cannot evaluate) */
    int64_t maxrank;
    struct gx_rank *use;    /* the entry whose table GENIUS uses */
} gx_rank;

static parley_status gx_rank_read(gx_cs *s, const xmlNode *n, gx_rank *r)
{
    gx_ctx *c = s->c;
    parley_status st;
    if ((st = gx_cs_issue(s, n, "index", &r->is)))
        return st;
    r->n = n;
    r->rank = parleyx_malloc(s->d->a, (r->is->nvalues ? r->is->nvalues : 1) * sizeof(int64_t));
    if (!r->rank)
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    for (size_t k = 0; k < r->is->nvalues; k++)
        r->rank[k] = INT64_MIN;
    r->maxrank = 0;
    for (const xmlNode *it = n->children; it; it = it->next) {
        if (!gx_is(it, "item"))
            continue;
        int64_t rk;
        if ((st = gx_need_integer(c, it, "rank", &rk, "a ranked item")))
            return st;
        if (rk < INT_MIN || rk > INT_MAX)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(it), 0,
                                "rank %lld does not fit a Java int", (long long)rk);
        if (rk > r->maxrank)
            r->maxrank = rk; /* every rank counts, even one a later item replaces */
        const char *v = gx_attr(c, it, "value");
        if (!v)
            continue; /* GENIUS keys it as null: no value ever matches */
        long kk = gx_find_label(r->is, v);
        if (kk >= 0)
            r->rank[kk] = rk; /* last wins */
    }
    return PARLEY_OK;
}

/* The table GENIUS would use must rank every value, by a positive maximum. */
static parley_status gx_rank_check(gx_cs *s, const gx_rank *r)
{
    gx_ctx *c = s->c;
    for (size_t k = 0; k < r->is->nvalues; k++)
        if (r->rank[k] == INT64_MIN) {
            char label[PARLEY_MAX_NAME + 8];
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r->n), 0,
                                "value '%s' of issue %lld ('%s') has no rank (an <item "
                                "value=... rank=...>); GENIUS cannot evaluate an outcome with "
                                "it either",
                                gx_label_of(s, r->is, k, label, sizeof label),
                                (long long)r->is->gindex, r->is->name);
        }
    if (r->maxrank <= 0)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r->n), 0,
                            "the ranks of issue %lld ('%s') have no positive maximum; GENIUS "
                            "divides by it",
                            (long long)r->is->gindex, r->is->name);
    return PARLEY_OK;
}

parley_status gx_read_constraint(gx_ctx *c, const xmlNode *root, gx_domain *d,
                                 parley_scenario *sc)
{
    parley_status st;
    gx_extras x;
    if ((st = gx_root_extras(c, root, &x)))
        return st;
    const xmlNode *obj = gx_first_element(root);
    const xmlNode *rules = obj ? gx_first_child(obj, "rules") : NULL;
    const xmlNode *ranks = rules ? gx_first_child(rules, "ranks") : NULL;
    const xmlNode *cons = rules ? gx_first_child(rules, "constraints") : NULL;
    if (!rules || !ranks || !cons)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path,
                            gx_line(rules ? rules : obj ? obj : root), 0,
                            "a constraint profile needs <rules> with <ranks> and <constraints> "
                            "inside its first element (the <objective>); this one has no <%s>, "
                            "and GENIUS cannot load it either",
                            !rules ? "rules" : !ranks ? "ranks" : "constraints");
    gx_cs s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.d = d;
    s.sc = sc;
    parleyx_buf_init(&s.cond, d->a, 0);
    gx_terms t;
    memset(&t, 0, sizeof t);
    t.a = d->a;
    parleyx_buf_init(&t.text, d->a, 0);
    size_t nr = 0;
    for (const xmlNode *k = ranks->children; k; k = k->next)
        nr += gx_is(k, "issue");
    gx_rank *rk = parleyx_calloc(d->a, nr ? nr : 1, sizeof(gx_rank));
    px_buf zero;
    parleyx_buf_init(&zero, d->a, 0);
    if (!rk) {
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        goto done;
    }
    if (nr == 0) {
        st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ranks), 0,
                          "<ranks> ranks no issue; GENIUS divides by the number of ranked "
                          "issues");
        goto done;
    }
    size_t j = 0;
    st = PARLEY_OK;
    for (const xmlNode *k = ranks->children; k && !st; k = k->next)
        if (gx_is(k, "issue"))
            st = gx_rank_read(&s, k, &rk[j++]);
    /* Every ranked entry of an index uses the last <issue> of that index
     * (GENIUS's map keeps it; its list keeps every entry). */
    for (size_t a = 0; a < nr && !st; a++) {
        size_t b = a;
        for (size_t q = a + 1; q < nr; q++)
            if (rk[q].is == rk[a].is)
                b = q;
        rk[a].use = &rk[b];
    }
    for (size_t a = 0; a < nr && !st; a++)
        if (rk[a].use == &rk[a])
            st = gx_rank_check(&s, &rk[a]);
    /* The additive case: no per-issue constraint, the ranked issues in
     * domain order, each once, no negative rank, and their number a power
     * of two.  Then (sum of rank/maxrank) / n is exactly the sum of
     * (1/n) * (rank/maxrank) in the same order (scaling by a power of two
     * is exact, and commutes with every rounding of the sum): a linear
     * part of weights 1/n and tables rank/maxrank, GENIUS's number bit for
     * bit, and only the zero-outcome constraints as terms. */
    bool linear = !st && (nr & (nr - 1)) == 0;
    for (const xmlNode *k = cons->children; k && linear; k = k->next) {
        const char *type = gx_is(k, "constraint") ? gx_attr(c, k, "type") : NULL;
        if (type && gx_is_rconstraint(type))
            linear = false;
    }
    for (size_t a = 0; a < nr && linear; a++) {
        if (rk[a].use != &rk[a] || (a && rk[a].is <= rk[a - 1].is))
            linear = false;
        for (size_t q = 0; linear && q < rk[a].is->nvalues; q++)
            if (rk[a].rank[q] < 0)
                linear = false;
    }
    /* Each ranked issue's zeroing conditions (its RConstraints), in order. */
    for (size_t a = 0; a < nr && !st && !linear; a++) {
        const gx_rank *r = rk[a].use;
        zero.len = 0;
        if (zero.data)
            zero.data[0] = '\0';
        size_t parts = 0;
        for (const xmlNode *k = cons->children; k && !st; k = k->next) {
            if (!gx_is(k, "constraint"))
                continue;
            const char *type = gx_attr(c, k, "type");
            if (!type || !gx_is_rconstraint(type))
                continue;
            int64_t idx;
            if ((st = gx_need_integer(c, k, "index", &idx, "a per-issue constraint")))
                break;
            if (idx != r->is->gindex)
                continue;
            px_buf one;
            parleyx_buf_init(&one, d->a, 0);
            bool never = false;
            st = gx_rconstraint(&s, k, type, &one, &never);
            if (!st && !never) {
                parleyx_buf_puts(&zero, parts ? " or " : "");
                gx_join(&zero, &one);
                parts++;
            }
            parleyx_buf_free(&one);
        }
        /* one term per distinct rank ratio */
        for (size_t q = 0; q < r->is->nvalues && !st; q++) {
            double v = (double)r->rank[q] / (double)r->maxrank;
            bool seen = false;
            for (size_t q2 = 0; q2 < q; q2++)
                if ((double)r->rank[q2] / (double)r->maxrank == v)
                    seen = true;
            if (seen || v == 0.0)
                continue;
            s.cond.len = 0;
            if (s.cond.data)
                s.cond.data[0] = '\0';
            size_t cnt = 0;
            px_buf set;
            parleyx_buf_init(&set, d->a, 0);
            char label[PARLEY_MAX_NAME + 8];
            for (size_t q2 = q; q2 < r->is->nvalues; q2++)
                if ((double)r->rank[q2] / (double)r->maxrank == v) {
                    parleyx_buf_puts(&set, cnt ? ", " : "");
                    gx_rule_word(&set, gx_label_of(&s, r->is, q2, label, sizeof label));
                    cnt++;
                }
            gx_rule_word(&s.cond, r->is->name);
            parleyx_buf_puts(&s.cond, " in {");
            gx_join(&s.cond, &set);
            parleyx_buf_puts(&s.cond, "}");
            parleyx_buf_free(&set);
            if (parts) {
                parleyx_buf_puts(&s.cond, " and not (");
                gx_join(&s.cond, &zero);
                parleyx_buf_puts(&s.cond, ")");
            }
            if (s.cond.failed || zero.failed || !gx_terms_add(&t, &s.cond, v, gx_line(r->n)))
                st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        }
    }
    /* The zero-outcome constraints, after every rank term. */
    for (const xmlNode *k = cons->children; k && !st; k = k->next) {
        if (!gx_is(k, "constraint"))
            continue;
        const char *type = gx_attr(c, k, "type");
        if (!type) {
            st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                              "<constraint> without a type; GENIUS fails on it");
            break;
        }
        if (gx_is_rconstraint(type))
            continue;
        if (strcmp(type, "inclusiveZeroOutcomeConstraint") != 0 &&
            strcmp(type, "conditionalZeroOutcomeConstraint") != 0)
            continue; /* GENIUS ignores any other type */
        s.cond.len = 0;
        if (s.cond.data)
            s.cond.data[0] = '\0';
        bool never = false;
        st = gx_zero_outcome(&s, k, type, &s.cond, &never);
        if (!st && !never && (s.cond.failed || !gx_terms_add(&t, &s.cond, GX_ZERO_TERM, gx_line(k))))
            st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    }
    if (!st && t.text.failed)
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    size_t party = 0;
    if (!st)
        st = gx_terms_party(c, sc, &t, linear ? 1.0 : (double)nr, &x, root, linear, &party);
    for (size_t a = 0; a < nr && !st && linear; a++) {
        for (size_t q = 0; q < rk[a].is->nvalues && !st; q++)
            st = parley_party_set_value_eval(sc, party, rk[a].is->pi, q,
                                             (double)rk[a].rank[q] / (double)rk[a].maxrank);
        if (!st)
            st = parley_party_set_weight(sc, party, rk[a].is->pi, 1.0 / (double)nr);
        if (st)
            st = parleyx_fail(c->err, st, c->path, gx_line(rk[a].n), 0,
                              "the model refused the ranks of issue %lld (%s)",
                              (long long)rk[a].is->gindex, parley_strerror(st));
    }
done:
    if (rk)
        for (size_t a = 0; a < nr; a++)
            if (rk[a].rank)
                parleyx_free(d->a, rk[a].rank,
                             (rk[a].is->nvalues ? rk[a].is->nvalues : 1) * sizeof(int64_t));
    parleyx_free(d->a, rk, (nr ? nr : 1) * sizeof(gx_rank));
    parleyx_buf_free(&zero);
    parleyx_buf_free(&s.cond);
    gx_terms_free(&t);
    return st;
}

bool gx_profile_unloadable(const char *path, const parley_load_options *opt, const char **why)
{
    xmlDocPtr doc;
    parley_error e;
    parley_error_clear(&e);
    *why = NULL;
    if (gx_parse_file(path, opt, &doc, &e))
        return false; /* reading it again says what is wrong */
    gx_ctx c;
    memset(&c, 0, sizeof c);
    c.a = opt ? opt->alloc : NULL;
    c.path = path;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const char *type = root ? gx_attr(&c, root, "type") : NULL;
    if (type && gx_ieq(type, "constraint")) {
        const xmlNode *obj = gx_first_element(root);
        const xmlNode *rules = obj ? gx_first_child(obj, "rules") : NULL;
        if (!rules || !gx_first_child(rules, "ranks") || !gx_first_child(rules, "constraints"))
            *why = "a constraint profile without <rules>, <ranks> or <constraints>, which GENIUS "
                   "cannot load either (as genius_Railway_constraint's MinisterProfile.xml)";
    }
    gx_ctx_release(&c);
    xmlFreeDoc(doc);
    return *why != NULL;
}
