/*
 * genius_domain.c -- a GENIUS domain (<negotiation_template>) into the
 * scenario's issues, as GENIUS's DomainImpl.buildTreeRecursive reads it.
 *
 * Root <negotiation_template>, its first <utility_space>, that one's first
 * <objective>.  At every objective level the child objectives are walked
 * first (recursively), then the direct <issue> children in document order;
 * that preorder is the issue order, and so the summation order of
 * utilities.  The kind is the issue's `type` attribute only
 * (case-insensitive; missing or unknown: discrete).  Discrete values are
 * the direct <item value=...> children; integer issues run
 * lowerbound..upperbound (attributes of the issue); real issues take
 * <range lowerbound upperbound> and are enumerated on opt->real_grid
 * points (0: 21, GENIUS's BidIterator).
 *
 * What it keeps for the profiles (gx_domain): per issue its GENIUS index,
 * parley index and kind; for discrete issues the labels sorted by strcmp,
 * copied out of the DOM so that the domain's tree is freed before the
 * first profile is parsed (one DOM alive at a time); the objectives'
 * indexes (a weight on one of them is ignored).  Everything is allocated
 * with opt->alloc and freed by gx_domain_free.
 */
#include "io/genius_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gx_domain_free(gx_domain *d)
{
    for (size_t i = 0; i < d->n; i++) {
        parleyx_free(d->a, d->is[i].sorted, d->is[i].nvalues * sizeof(gx_label));
        parleyx_free(d->a, d->is[i].lab, d->is[i].labsize);
    }
    parleyx_free(d->a, d->is, d->cap * sizeof(gx_issue));
    parleyx_free(d->a, d->objs, d->capobjs * sizeof(int64_t));
    if (d->doc)
        xmlFreeDoc(d->doc);
    memset(d, 0, sizeof *d);
}

static int gx_label_cmp(const void *x, const void *y)
{
    const gx_label *a = x, *b = y;
    int r = strcmp(a->s, b->s);
    return r ? r : (a->k < b->k ? -1 : a->k > b->k);
}

long gx_find_label(const gx_issue *is, const char *s)
{
    size_t lo = 0, hi = is->nvalues;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(is->sorted[mid].s, s);
        if (r == 0)
            return (long)is->sorted[mid].k;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

gx_issue *gx_find_issue(gx_domain *d, int64_t gindex)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->is[i].gindex == gindex)
            return &d->is[i];
    return NULL;
}

bool gx_is_objective(const gx_domain *d, int64_t gindex)
{
    for (size_t i = 0; i < d->nobjs; i++)
        if (d->objs[i] == gindex)
            return true;
    return false;
}

parley_status gx_need_issue(gx_ctx *c, gx_domain *d, const xmlNode *n, int64_t gindex,
                            const char *what, const char *fix, gx_issue **out)
{
    *out = gx_find_issue(d, gindex);
    if (*out)
        return PARLEY_OK;
    char list[200];
    gx_index_list(d, list, sizeof list);
    return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                        "%s issue index %lld does not exist in the domain %s (issues %s); %s",
                        what, (long long)gindex, gx_basename(d->path), list, fix);
}

/* "1-6" or "2, 3, 5" (the domain's issue indexes, for messages). */
void gx_index_list(const gx_domain *d, char *buf, size_t n)
{
    buf[0] = '\0';
    if (d->n == 0) {
        snprintf(buf, n, "none");
        return;
    }
    int64_t lo = d->is[0].gindex, hi = lo;
    bool contiguous = true;
    for (size_t i = 1; i < d->n; i++) {
        if (d->is[i].gindex != d->is[i - 1].gindex + 1)
            contiguous = false;
        if (d->is[i].gindex < lo)
            lo = d->is[i].gindex;
        if (d->is[i].gindex > hi)
            hi = d->is[i].gindex;
    }
    if (contiguous && d->n > 1) {
        snprintf(buf, n, "%lld-%lld", (long long)lo, (long long)hi);
        return;
    }
    size_t used = 0;
    for (size_t i = 0; i < d->n && used + 24 < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%lld", i ? ", " : "",
                                 (long long)d->is[i].gindex);
    if (used + 24 >= n && n > 4)
        snprintf(buf + n - 5, 5, "...");
}

parley_issue_kind gx_kind_of(const char *type)
{
    if (type && gx_ieq(type, "integer"))
        return PARLEY_ISSUE_INTEGER;
    if (type && gx_ieq(type, "real"))
        return PARLEY_ISSUE_REAL;
    return PARLEY_ISSUE_DISCRETE;
}

const char *gx_kind_name(parley_issue_kind k)
{
    return k == PARLEY_ISSUE_INTEGER ? "integer" : k == PARLEY_ISSUE_REAL ? "real" : "discrete";
}

/* The issue's name: its `name`, or "issue N" without one; "(index N)" is
 * added when another issue has it already (GENIUS keys issues by index,
 * parley needs unique names).  namebuf holds PARLEY_MAX_NAME bytes. */
static const char *gx_issue_name(gx_ctx *c, const parley_scenario *sc, const xmlNode *n,
                                 int64_t gindex, char *namebuf)
{
    const char *name = gx_attr(c, n, "name");
    if (!name || !*name) {
        snprintf(namebuf, PARLEY_MAX_NAME, "issue %lld", (long long)gindex);
        name = namebuf;
    }
    size_t dummy;
    if (parley_scenario_find_issue(sc, name, &dummy) == PARLEY_OK) {
        char tmp[PARLEY_MAX_NAME];
        snprintf(tmp, sizeof tmp, "%.900s (index %lld)", name, (long long)gindex);
        memcpy(namebuf, tmp, PARLEY_MAX_NAME);
        name = namebuf;
    }
    return name;
}

/* The values of discrete issue n: vals in document order, sorted (by
 * strcmp, with their index) for the profiles' lookups; distinct. */
static parley_status gx_discrete_values(gx_ctx *c, const xmlNode *n, const gx_issue *is,
                                        const char *name, const char **vals, gx_label *sorted,
                                        size_t count)
{
    size_t m = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!gx_is(k, "item"))
            continue;
        const char *v = gx_attr(c, k, "value");
        if (!v)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                "<item> of issue %lld ('%s') has no 'value' attribute",
                                (long long)is->gindex, name);
        vals[m] = v;
        sorted[m].s = v;
        sorted[m].k = (uint32_t)m;
        m++;
    }
    qsort(sorted, count, sizeof(gx_label), gx_label_cmp);
    for (size_t j = 1; j < count; j++)
        if (strcmp(sorted[j].s, sorted[j - 1].s) == 0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                "issue %lld ('%s') lists the value '%s' twice; values must be "
                                "distinct",
                                (long long)is->gindex, name, sorted[j].s);
    return PARLEY_OK;
}

/* Copy the sorted labels out of the DOM into is (which then owns sorted),
 * so the domain document can go before the profiles are parsed (one DOM
 * alive at a time).  On failure sorted is freed. */
static parley_status gx_keep_labels(gx_ctx *c, gx_domain *d, gx_issue *is, gx_label *sorted,
                                    size_t count)
{
    size_t total = 0;
    for (size_t j = 0; j < count; j++)
        total += strlen(sorted[j].s) + 1;
    char *lab = parleyx_malloc(d->a, total);
    if (!lab) {
        parleyx_free(d->a, sorted, count * sizeof(gx_label));
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    }
    size_t used = 0;
    for (size_t j = 0; j < count; j++) {
        size_t len = strlen(sorted[j].s) + 1;
        memcpy(lab + used, sorted[j].s, len);
        sorted[j].s = lab + used;
        used += len;
    }
    is->lab = lab;
    is->labsize = total;
    is->sorted = sorted;
    is->nvalues = count;
    return PARLEY_OK;
}

static parley_status gx_add_discrete(gx_ctx *c, gx_domain *d, parley_scenario *sc,
                                     const xmlNode *n, gx_issue *is, const char *name,
                                     const char *what)
{
    size_t count = 0;
    for (const xmlNode *k = n->children; k; k = k->next)
        if (gx_is(k, "item"))
            count++;
    if (count == 0)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "discrete issue %lld ('%s') has no <item value=...> children; "
                            "list its values, or give it type=\"integer\"/\"real\"",
                            (long long)is->gindex, name);
    if (count > PARLEY_MAX_VALUES)
        return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(n), 0,
                            "issue %lld has %zu values, over the limit of %u",
                            (long long)is->gindex, count, PARLEY_MAX_VALUES);
    const char **vals = parleyx_calloc(d->a, count, sizeof(char *));
    gx_label *sorted = parleyx_calloc(d->a, count, sizeof(gx_label));
    if (!vals || !sorted) {
        parleyx_free(d->a, vals, count * sizeof(char *));
        parleyx_free(d->a, sorted, count * sizeof(gx_label));
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    }
    parley_status st = gx_discrete_values(c, n, is, name, vals, sorted, count);
    if (!st) {
        parley_error e;
        parley_error_clear(&e);
        st = parley_scenario_add_discrete(sc, name, count, vals, &is->pi, &e);
        st = gx_builder(c, st, &e, n, what);
    }
    parleyx_free(d->a, vals, count * sizeof(char *));
    if (st) {
        parleyx_free(d->a, sorted, count * sizeof(gx_label));
        return st;
    }
    return gx_keep_labels(c, d, is, sorted, count);
}

static parley_status gx_add_integer(gx_ctx *c, parley_scenario *sc, const xmlNode *n,
                                    gx_issue *is, const char *name, const char *what)
{
    int64_t lo, hi;
    parley_status st;
    if ((st = gx_need_integer(c, n, "lowerbound", &lo, "an integer issue")) ||
        (st = gx_need_integer(c, n, "upperbound", &hi, "an integer issue")))
        return st;
    if (lo > hi)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "integer issue %lld ('%s'): lowerbound %lld is above upperbound "
                            "%lld; swap them",
                            (long long)is->gindex, name, (long long)lo, (long long)hi);
    parley_error e;
    parley_error_clear(&e);
    st = parley_scenario_add_integer(sc, name, lo, hi, 1, &is->pi, &e);
    if ((st = gx_builder(c, st, &e, n, what)))
        return st;
    is->nvalues = parley_issue_value_count(sc, is->pi);
    return PARLEY_OK;
}

static parley_status gx_add_real(gx_ctx *c, parley_scenario *sc, const xmlNode *n, gx_issue *is,
                                 const char *name, const char *what, unsigned grid)
{
    const xmlNode *r = gx_first_child(n, "range");
    if (!r)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "real issue %lld ('%s') has no <range lowerbound=... "
                            "upperbound=...> child",
                            (long long)is->gindex, name);
    double lo, hi;
    parley_status st;
    if ((st = gx_need_number(c, r, "lowerbound", &lo, "a real issue's range")) ||
        (st = gx_need_number(c, r, "upperbound", &hi, "a real issue's range")))
        return st;
    if (lo > hi)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r), 0,
                            "real issue %lld ('%s'): lowerbound is above upperbound; swap "
                            "them",
                            (long long)is->gindex, name);
    parley_error e;
    parley_error_clear(&e);
    st = parley_scenario_add_real(sc, name, lo, hi, grid, &is->pi, &e);
    if ((st = gx_builder(c, st, &e, r, what)))
        return st;
    is->nvalues = parley_issue_value_count(sc, is->pi);
    return PARLEY_OK;
}

/* One domain <issue>: a new gx_issue in d and a new issue of sc. */
static parley_status gx_add_domain_issue(gx_ctx *c, gx_domain *d, parley_scenario *sc,
                                         const xmlNode *n, unsigned grid)
{
    int64_t gindex;
    parley_status st = gx_need_integer(c, n, "index", &gindex, "every domain issue");
    if (st)
        return st;
    if (gx_find_issue(d, gindex))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "two domain issues have index %lld; each issue needs its own index",
                            (long long)gindex);
    gx_issue *t = parleyx_grow(d->a, d->is, sizeof *t, &d->cap, d->n + 1, 16);
    if (!t)
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    d->is = t;
    gx_issue *is = &d->is[d->n];
    memset(is, 0, sizeof *is);
    is->gindex = gindex;
    is->kind = gx_kind_of(gx_attr(c, n, "type"));
    char namebuf[PARLEY_MAX_NAME];
    const char *name = gx_issue_name(c, sc, n, gindex, namebuf);
    char what[160];
    snprintf(what, sizeof what, "domain issue %lld", (long long)gindex);
    if (is->kind == PARLEY_ISSUE_DISCRETE)
        st = gx_add_discrete(c, d, sc, n, is, name, what);
    else if (is->kind == PARLEY_ISSUE_INTEGER)
        st = gx_add_integer(c, sc, n, is, name, what);
    else
        st = gx_add_real(c, sc, n, is, name, what, grid);
    if (st)
        return st;
    is->name = parley_issue_name(sc, is->pi);
    d->n++;
    return PARLEY_OK;
}

static parley_status gx_add_objective(gx_ctx *c, gx_domain *d, const xmlNode *n)
{
    const char *v = gx_attr(c, n, "index");
    int64_t idx;
    if (!v || !gx_integer(v, &idx))
        return PARLEY_OK; /* an objective without index cannot carry a weight */
    int64_t *t = parleyx_grow(d->a, d->objs, sizeof *t, &d->capobjs, d->nobjs + 1, 8);
    if (!t)
        return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
    d->objs = t;
    d->objs[d->nobjs++] = idx;
    return PARLEY_OK;
}

/* DomainImpl.buildTreeRecursive: child objectives first, then issues. */
static parley_status gx_domain_walk(gx_ctx *c, gx_domain *d, parley_scenario *sc,
                                    const xmlNode *obj, unsigned grid, int depth)
{
    if (depth > GX_MAX_DEPTH)
        return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(obj), 0,
                            "objectives nested deeper than %d levels", GX_MAX_DEPTH);
    parley_status st = gx_add_objective(c, d, obj);
    if (st)
        return st;
    for (const xmlNode *k = obj->children; k; k = k->next)
        if (gx_is(k, "objective") && (st = gx_domain_walk(c, d, sc, k, grid, depth + 1)))
            return st;
    for (const xmlNode *k = obj->children; k; k = k->next)
        if (gx_is(k, "issue") && (st = gx_add_domain_issue(c, d, sc, k, grid)))
            return st;
    return PARLEY_OK;
}

parley_status gx_read_domain(const char *path, const parley_load_options *opt,
                             parley_scenario *sc, gx_domain *d, parley_error *err)
{
    d->a = opt ? opt->alloc : NULL;
    d->path = path;
    parley_status st = gx_parse_file(path, opt, &d->doc, err);
    if (st)
        return st;
    gx_ctx c = {.a = d->a, .path = path, .err = err};
    const xmlNode *root = xmlDocGetRootElement(d->doc);
    if (gx_is(root, "utility_space")) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "this is a GENIUS profile (<utility_space>), not a domain "
                          "(<negotiation_template>); give the domain file first, then the "
                          "profiles");
        goto done;
    }
    if (!gx_is(root, "negotiation_template")) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "the root element is <%s>; a GENIUS domain has the root "
                          "<negotiation_template>",
                          (const char *)root->name);
        goto done;
    }
    const xmlNode *us = gx_first_child(root, "utility_space");
    if (!us) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "<negotiation_template> has no <utility_space> child; a GENIUS "
                          "domain lists its issues in <utility_space><objective>");
        goto done;
    }
    const xmlNode *obj = gx_first_child(us, "objective");
    if (!obj) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(us), 0,
                          "the domain has no issues: <utility_space> has no <objective> "
                          "holding <issue> elements");
        goto done;
    }
    unsigned grid = (opt && opt->real_grid) ? opt->real_grid : PARLEY_DEFAULT_REAL_GRID;
    if ((st = gx_domain_walk(&c, d, sc, obj, grid, 0)))
        goto done;
    if (d->n == 0) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(obj), 0,
                          "the domain has no issues: the root <objective> holds no <issue> "
                          "elements");
        goto done;
    }
    {
        const char *base = gx_basename(path);
        size_t n = strlen(base);
        if (gx_iends(base, ".xml"))
            n -= 4;
        char name[PARLEY_MAX_NAME];
        snprintf(name, sizeof name, "%.*s", (int)(n < 1000 ? n : 1000), base);
        if (parley_scenario_set_name(sc, name) != PARLEY_OK) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
            goto done;
        }
    }
done:
    gx_ctx_release(&c);
    xmlFreeDoc(d->doc);
    d->doc = NULL;
    return st;
}
