/*
 * geniusweb_domain.c -- a GeniusWeb domain file,
 * {"name", "issuesValues": {issue: {"values": [...]} | {"range": {"low",
 * "high", "step"}}}}, read as a stream of yajl's events (gwy_parse,
 * geniusweb_events.c) rather than a jansson tree, so that a domain of
 * millions of values costs its text plus eight bytes a value besides what
 * the model keeps; and gw_classify, which tells a folder's .json files
 * apart the same way.
 *
 * The events are followed by nesting level (1: the top object, 2: the
 * issues, 3: an issue's members, 4: a value or a member of a range) with
 * flags saying which object or array is open.  The first refusal (a
 * wrong shape, a model error) is kept and later events are ignored, but
 * the whole text is still parsed: a syntax error anywhere wins over it.
 *
 * Invariants: the issues keep the file's key order; a discrete value's
 * label is decoded in place in the text, which the gw_domain keeps until
 * it is freed, with the labels sorted by strcmp (gw_lab) for lookups by
 * name.  A number issue (GeniusWeb's NumberValueSet) has the values low,
 * low + step, ... <= high, computed exactly in decimal, and becomes a
 * discrete parley issue whose labels are those decimals (so that each value
 * can carry the utility GeniusWeb rounds it to: see geniusweb.c).
 *
 * Memory: the text, the issue table and the sorted labels come from
 * opt->alloc and are freed by gw_domain_free; the label pointers handed to
 * the model are freed as soon as it has copied them.
 */
#include "io/genius_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool gw_dec_parse(const char *s, gw_dec *d)
{
    double x;
    if (!s || parleyx_read_double(s, &x) != PX_NUM_OK)
        return false;
    bool neg = *s == '-';
    s += *s == '-' || *s == '+';
    int64_t m = 0;
    int e = 0, digits = 0;
    bool point = false;
    for (; (*s >= '0' && *s <= '9') || (*s == '.' && !point); s++) {
        if (*s == '.') {
            point = true;
            continue;
        }
        if (m == 0 && *s == '0') {
            e -= point;
            continue;
        }
        if (++digits > 18)
            return false;
        m = m * 10 + (*s - '0');
        e -= point;
    }
    if (*s == 'e' || *s == 'E') {
        long x10 = strtol(s + 1, NULL, 10);
        if (x10 > 400 || x10 < -400)
            return false;
        e += (int)x10;
    }
    while (m != 0 && m % 10 == 0) {
        m /= 10;
        e++;
    }
    d->m = neg ? -m : m;
    d->e = m == 0 ? 0 : e;
    return true;
}

bool gw_dec_scaled(gw_dec d, int scale, int64_t *out)
{
    int p = d.e + scale;
    int64_t v = d.m;
    if (p < 0)
        return false;
    for (; p > 0; p--) {
        if (v > INT64_MAX / 20 || v < -(INT64_MAX / 20))
            return false;
        v *= 10;
    }
    if (v >= ((int64_t)1 << 62) || v <= -((int64_t)1 << 62))
        return false;
    *out = v;
    return true;
}

typedef struct gw_mark {
    unsigned line, col;
} gw_mark;

/* The reading of a domain, event by event (gwy_parse). */
typedef enum gw_key { GK_OTHER, GK_NAME, GK_ISSUES, GK_VALUES, GK_RANGE } gw_key;

typedef struct gw_ctx {
    gw_domain *d;
    parley_scenario *sc;
    parley_error *err;
    parley_status st; /* the first refusal; after it only the syntax is checked */
    gw_key key1, key3;
    int key4; /* in a range: 0 low, 1 high, 2 step, 3 another key */
    bool issues, top_array, profile;
    bool in_issues, in_issue, in_values, in_range, got;
    size_t nkeys;
    char *name;   /* the domain's, in the text */
    char *iname;  /* the issue being read, in the text */
    gw_mark mark; /* where its key is */
    gw_dec v[3];  /* its range, as read */
    bool seen[3];
} gw_ctx;

/* A refusal at the end of the current event's token (the first one
 * stands); 1, which stops the parse, when it is out of memory. */
static int gw_refuse(gwy *y, parley_status st, const char *fmt, ...) PX_PRINTF(3, 4);
static int gw_refuse(gwy *y, parley_status st, const char *fmt, ...)
{
    gw_ctx *c = y->ctx;
    char m[PARLEY_MAX_NAME + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    unsigned line, col;
    gwy_where(y, &line, &col);
    c->st = parleyx_fail(c->err, st, c->d->path, line, col, "%s", m);
    return st == PARLEY_ERR_NOMEM;
}

/* A status from the model or the allocator: 1 (stop) when out of memory. */
static int gw_status(gw_ctx *c, parley_status st)
{
    if (st && !c->st)
        c->st = st;
    return st == PARLEY_ERR_NOMEM;
}

/* The file as text: no byte-order mark, UTF-8 throughout. */
static parley_status gw_check_text(const char *path, const gx_file *f, parley_error *err)
{
    if (gx_skip_bom(f->data, f->size))
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                            "the file starts with a byte-order mark; GeniusWeb files are plain "
                            "UTF-8 JSON: remove the first three bytes");
    size_t bad = parleyx_utf8_invalid(f->data, f->size, true);
    if (bad != SIZE_MAX) {
        unsigned line, col;
        parleyx_utf8_locate(f->data, f->size, bad, &line, &col);
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, line, col,
                            "not valid JSON: byte 0x%02x is not UTF-8 (is the file UTF-16 or "
                            "Latin-1?); save it as UTF-8",
                            (unsigned char)f->data[bad]);
    }
    return PARLEY_OK;
}

/* What gw_classify counts: the top-level keys, the last one's spelling,
 * an "issuesValues" that is an object. */
typedef struct gw_kinds {
    gw_kind k;
    size_t nkeys;
    bool space, issues;
} gw_kinds;

static int gw_classify_event(gwy *y, gwy_ev ev, char *s, size_t len)
{
    gw_kinds *c = y->ctx;
    if (y->level != 1)
        return 0;
    if (ev == GWY_KEY) {
        c->nkeys++;
        c->space = len >= 5 && strcmp(s + len - 5, "Space") == 0;
        c->issues = strcmp(s, "issuesValues") == 0;
    } else if (ev == GWY_START_MAP && c->issues) {
        c->k = GW_DOMAIN;
    }
    return 0;
}

gw_kind gw_classify(char *data, size_t size, unsigned *line, unsigned *col, char *msg,
                    size_t msgsize)
{
    size_t bad = parleyx_utf8_invalid(data, size, true);
    if (bad != SIZE_MAX) {
        parleyx_utf8_locate(data, size, bad, line, col);
        snprintf(msg, msgsize, "byte 0x%02x is not UTF-8", (unsigned char)data[bad]);
        return GW_BROKEN;
    }
    gw_kinds c = {GW_OTHER, 0, false, false};
    gwy y;
    gwy_result r = gwy_parse(&y, data, size, gw_classify_event, &c);
    if (r != GWY_OK) {
        *line = *col = 0;
        if (r == GWY_SYNTAX)
            gwy_where(&y, line, col);
        snprintf(msg, msgsize, "%s", r == GWY_SYNTAX ? y.msg : "out of memory");
        return GW_BROKEN;
    }
    if (c.k == GW_OTHER && c.nkeys == 1 && c.space)
        c.k = GW_PROFILE;
    return c.k;
}

/* qsort and bsearch have no context argument: the text the offsets of
 * gw_lab point into, set before each call (a thread-local keeps readers
 * on other threads apart). */
static _Thread_local const char *gw_text;

static int gw_lab_cmp(const void *x, const void *y)
{
    return strcmp(gw_text + ((const gw_lab *)x)->off, gw_text + ((const gw_lab *)y)->off);
}

/* bsearch's key is the label itself. */
static int gw_key_cmp(const void *key, const void *y)
{
    return strcmp((const char *)key, gw_text + ((const gw_lab *)y)->off);
}

long gw_find_label(const gw_domain *d, const gw_issue *is, const char *s)
{
    gw_text = d->f.data;
    const gw_lab *hit = bsearch(s, is->sorted, is->n, sizeof *is->sorted, gw_key_cmp);
    return hit ? (long)hit->k : -1;
}

/* Hand the labels of a discrete issue to the model, then sort them. */
static parley_status gw_add_discrete(gw_domain *d, parley_scenario *sc, gw_issue *is, gw_mark at,
                                     parley_error *err)
{
    const char **labels = parleyx_calloc(d->a, is->n, sizeof(char *));
    if (!labels)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, d->path, 0, 0, "out of memory");
    for (size_t k = 0; k < is->n; k++)
        labels[k] = d->f.data + is->sorted[k].off;
    parley_error e;
    parley_error_clear(&e);
    parley_status st = parley_scenario_add_discrete(sc, is->name, is->n, labels, &is->pi, &e);
    parleyx_free(d->a, (void *)labels, is->n * sizeof(char *));
    if (st)
        return parleyx_fail(err, st, d->path, at.line, at.col, "issue '%s': %s", is->name,
                            e.message);
    gw_text = d->f.data;
    qsort(is->sorted, is->n, sizeof *is->sorted, gw_lab_cmp);
    return PARLEY_OK;
}

/* A label of "values": [...], as an offset into the text. */
static int gw_label(gwy *y, gw_ctx *c, gw_issue *is, char *s)
{
    gw_lab *t = parleyx_grow(c->d->a, is->sorted, sizeof *t, &is->cap, is->n + 1, 16);
    if (!t)
        return gw_refuse(y, PARLEY_ERR_NOMEM, "out of memory");
    is->sorted = t;
    is->sorted[is->n].off = (uint32_t)(s - c->d->f.data);
    is->sorted[is->n].k = (uint32_t)is->n;
    is->n++;
    return 0;
}

/* The end of "values": give back what doubling left over. */
static void gw_values_end(gw_ctx *c, gw_issue *is)
{
    if (is->n && is->n < is->cap) {
        gw_lab *t = parleyx_realloc(c->d->a, is->sorted, is->cap * sizeof *t, is->n * sizeof *t);
        if (t) {
            is->sorted = t;
            is->cap = is->n;
        }
    }
}

/* A number of a range (c->key4): a JSON number or a string holding one. */
static int gw_range_number(gwy *y, gw_ctx *c, gwy_ev ev, const char *s)
{
    static const char *const keys[3] = {"low", "high", "step"};
    char text[40];
    int k = c->key4;
    if (ev == GWY_NUMBER && strpbrk(s, ".eE")) /* a double, as Python's str() writes it */
        s = parleyx_fmt_double(strtod(s, NULL), text, sizeof text);
    if ((ev == GWY_NUMBER || ev == GWY_STRING) && gw_dec_parse(s, &c->v[k])) {
        c->seen[k] = true;
        return 0;
    }
    return gw_refuse(y, PARLEY_ERR_INVALID,
                     "\"%s\" of the range of issue '%s' must be a decimal number of at most 18 "
                     "digits",
                     keys[k], c->iname);
}

/* The end of "range": {"low", "high", "step"}: the values, exactly. */
static int gw_range_end(gwy *y, gw_ctx *c, gw_issue *is)
{
    if (!c->seen[0] || !c->seen[1] || !c->seen[2])
        return gw_refuse(y, PARLEY_ERR_INVALID,
                         "the range of issue '%s' needs \"low\", \"high\" and \"step\"", is->name);
    int scale = 0;
    for (int k = 0; k < 3; k++)
        scale = -c->v[k].e > scale ? -c->v[k].e : scale;
    if (scale > 18 || !gw_dec_scaled(c->v[0], scale, &is->lo) ||
        !gw_dec_scaled(c->v[1], scale, &is->hi) || !gw_dec_scaled(c->v[2], scale, &is->step))
        return gw_refuse(y, PARLEY_ERR_INVALID,
                         "the range of issue '%s' is too wide for parley (at most 18 "
                         "decimals, and below 4.6e18 at that scale)",
                         is->name);
    const char *why = is->step <= 0     ? "its \"step\" must be > 0"
                      : is->lo > is->hi ? "\"low\" is above \"high\": it has no values"
                      : (uint64_t)(is->hi - is->lo) / (uint64_t)is->step >= GW_MAX_NUMBER_VALUES
                          ? "it has more than 1,000,000 values (parley enumerates number issues "
                            "value by value); use a larger step"
                          : NULL;
    if (why)
        return gw_refuse(y, PARLEY_ERR_INVALID, "the range of issue '%s': %s", is->name, why);
    is->number = true;
    is->scale = scale;
    is->low = c->v[0];
    is->high = c->v[1];
    is->n = (size_t)((is->hi - is->lo) / is->step) + 1;
    return 0;
}

/* Value k of a number issue, as a plain decimal ("12.5", "-3", "0.25"). */
static void gw_number_label(const gw_issue *is, size_t k, char *buf, size_t n)
{
    int64_t v = is->lo + (int64_t)k * is->step;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
    for (int s = 0; s < is->scale; s++)
        p *= 10;
    int w = snprintf(buf, n, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(u / p));
    uint64_t frac = u % p;
    if (frac && w > 0 && (size_t)w < n) {
        int digits = is->scale;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        snprintf(buf + w, n - (size_t)w, ".%0*llu", digits, (unsigned long long)frac);
    }
}

/* Hand a number issue's values to the model, as labels. */
static parley_status gw_add_number(gw_domain *d, parley_scenario *sc, gw_issue *is, gw_mark at,
                                   parley_error *err)
{
    enum { W = 48 };
    char *text = parleyx_malloc(d->a, is->n * W);
    const char **labels = parleyx_calloc(d->a, is->n, sizeof(char *));
    parley_status st = PARLEY_OK;
    if (!text || !labels) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, d->path, 0, 0, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < is->n; k++) {
        gw_number_label(is, k, text + k * W, W);
        labels[k] = text + k * W;
    }
    parley_error e;
    parley_error_clear(&e);
    st = parley_scenario_add_discrete(sc, is->name, is->n, labels, &is->pi, &e);
    if (st)
        parleyx_fail(err, st, d->path, at.line, at.col, "issue '%s': %s", is->name, e.message);
done:
    parleyx_free(d->a, text, text ? is->n * W : 0);
    parleyx_free(d->a, (void *)labels, labels ? is->n * sizeof(char *) : 0);
    return st;
}

/* An issue's object opens (its key was c->iname). */
static int gw_issue_begin(gwy *y, gw_ctx *c, gwy_ev ev)
{
    gw_domain *d = c->d;
    if (ev != GWY_START_MAP)
        return gw_refuse(y, PARLEY_ERR_INVALID,
                         "issue '%s' must be an object {\"values\": [...]} or "
                         "{\"range\": {...}}",
                         c->iname);
    gw_issue *t = parleyx_grow(d->a, d->is, sizeof *t, &d->cap, d->nis + 1, 8);
    if (!t)
        return gw_refuse(y, PARLEY_ERR_NOMEM, "out of memory");
    d->is = t;
    gw_issue *is = &d->is[d->nis++];
    memset(is, 0, sizeof *is);
    is->name = c->iname;
    c->in_issue = true;
    c->got = false;
    return 0;
}

/* An issue's object closes: hand it to the model. */
static int gw_issue_end(gwy *y, gw_ctx *c, gw_issue *is)
{
    c->in_issue = false;
    if (!c->got)
        return gw_refuse(y, PARLEY_ERR_INVALID, "issue '%s' has neither \"values\" nor \"range\"",
                         is->name);
    return gw_status(c, is->number ? gw_add_number(c->d, c->sc, is, c->mark, c->err)
                                   : gw_add_discrete(c->d, c->sc, is, c->mark, c->err));
}

/* Level 3, inside an issue: "values" or "range" (anything else skipped). */
static int gw_issue_event(gwy *y, gw_ctx *c, gw_issue *is, gwy_ev ev, char *s)
{
    if (ev == GWY_KEY) {
        c->key3 = strcmp(s, "values") == 0  ? GK_VALUES
                  : strcmp(s, "range") == 0 ? GK_RANGE
                                            : GK_OTHER;
        if (c->key3 != GK_OTHER && c->got)
            return gw_refuse(y, PARLEY_ERR_INVALID,
                             "issue '%s' has both (or twice) \"values\" and \"range\"", is->name);
        c->got |= c->key3 != GK_OTHER;
        return 0;
    }
    if (ev == GWY_END_ARRAY || ev == GWY_END_MAP) {
        if (c->in_values)
            gw_values_end(c, is);
        if (c->in_range)
            return c->in_range = false, gw_range_end(y, c, is);
        c->in_values = false;
        return 0;
    }
    if (c->key3 == GK_VALUES) {
        if ((c->in_values = ev == GWY_START_ARRAY))
            return 0;
        return gw_refuse(y, PARLEY_ERR_INVALID,
                         "\"values\" of issue '%s' must be a list of strings%s", is->name,
                         ev != GWY_START_MAP ? ""
                                             : "; a number issue is written {\"range\": {\"low\", "
                                               "\"high\", \"step\"}}, beside \"values\" rather "
                                               "than in it");
    }
    if (c->key3 == GK_RANGE) {
        memset(c->seen, 0, sizeof c->seen);
        if ((c->in_range = ev == GWY_START_MAP))
            return 0;
        return gw_refuse(y, PARLEY_ERR_INVALID,
                         "the range of issue '%s' must be an object {\"low\", \"high\", \"step\"}",
                         is->name);
    }
    return 0;
}

/* Level 4: a value of "values", or a member of "range". */
static int gw_inner_event(gwy *y, gw_ctx *c, gw_issue *is, gwy_ev ev, char *s)
{
    if (ev == GWY_END_MAP || ev == GWY_END_ARRAY)
        return 0;
    if (c->in_values) {
        if (ev == GWY_STRING)
            return gw_label(y, c, is, s);
        return gw_refuse(y, PARLEY_ERR_INVALID, "value %zu of issue '%s' is not a string",
                         is->n + 1, is->name);
    }
    if (!c->in_range)
        return 0;
    if (ev == GWY_KEY) {
        c->key4 = strcmp(s, "low") == 0    ? 0
                  : strcmp(s, "high") == 0 ? 1
                  : strcmp(s, "step") == 0 ? 2
                                           : 3;
        return 0;
    }
    return c->key4 < 3 ? gw_range_number(y, c, ev, s) : 0;
}

/* Level 1, the top-level object: "name", "issuesValues", others skipped. */
static int gw_top_event(gwy *y, gw_ctx *c, gwy_ev ev, char *s)
{
    if (ev == GWY_KEY) {
        c->nkeys++;
        c->key1 = strcmp(s, "name") == 0           ? GK_NAME
                  : strcmp(s, "issuesValues") == 0 ? GK_ISSUES
                                                   : GK_OTHER;
        c->profile |= strcmp(s, "LinearAdditiveUtilitySpace") == 0;
        if ((c->key1 == GK_ISSUES && c->issues) || (c->key1 == GK_NAME && c->name))
            return gw_refuse(y, PARLEY_ERR_INVALID, "the domain has \"%s\" twice; keep one", s);
    } else if (c->key1 == GK_ISSUES && ev != GWY_END_MAP && ev != GWY_END_ARRAY) {
        c->issues = true;
        if (!(c->in_issues = ev == GWY_START_MAP))
            return gw_refuse(y, PARLEY_ERR_INVALID, "\"issuesValues\" must be an object of issues");
    } else if (c->key1 == GK_NAME && ev == GWY_STRING) {
        c->name = s;
    } else if (ev == GWY_END_MAP && c->in_issues) {
        c->in_issues = false;
        if (c->d->nis == 0)
            return gw_refuse(y, PARLEY_ERR_INVALID,
                             "the domain has no issues (\"issuesValues\" is empty)");
    }
    return 0;
}

static int gw_domain_event(gwy *y, gwy_ev ev, char *s, size_t len)
{
    gw_ctx *c = y->ctx;
    gw_issue *is = c->in_issue ? &c->d->is[c->d->nis - 1] : NULL;
    (void)len;
    if (c->st)
        return 0;
    switch (y->level) {
    case 0: c->top_array |= ev == GWY_START_ARRAY; return 0;
    case 1: return gw_top_event(y, c, ev, s);
    case 2:
        if (!c->in_issues)
            return 0;
        if (ev == GWY_KEY) {
            c->iname = s;
            gwy_where(y, &c->mark.line, &c->mark.col);
            return 0;
        }
        if (ev == GWY_END_MAP && is)
            return gw_issue_end(y, c, is);
        return gw_issue_begin(y, c, ev);
    case 3: return is ? gw_issue_event(y, c, is, ev, s) : 0;
    case 4: return is ? gw_inner_event(y, c, is, ev, s) : 0;
    default: return 0;
    }
}

parley_status gw_read_domain(const char *path, const parley_load_options *opt, parley_scenario *sc,
                             gw_domain *d, parley_error *err)
{
    d->a = opt ? opt->alloc : NULL;
    d->path = path;
    parley_status st = gx_file_read(&d->f, path, opt, err);
    if (st)
        return st;
    if (d->f.size > UINT32_MAX)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, path, 0, 0,
                            "a GeniusWeb domain of 4 GiB or more is not supported");
    if ((st = gw_check_text(path, &d->f, err)))
        return st;
    gw_ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.sc = sc;
    c.err = err;
    gwy y;
    gwy_result r = gwy_parse(&y, d->f.data, d->f.size, gw_domain_event, &c);
    if (r == GWY_NOMEM)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    if (r == GWY_SYNTAX) { /* whatever was refused before it */
        unsigned line, col;
        gwy_where(&y, &line, &col);
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, line, col,
                            "not valid JSON: %s; a GeniusWeb file is one JSON object", y.msg);
    }
    if (c.st)
        return c.st;
    if (c.top_array)
        return parleyx_fail(err, PARLEY_ERR_INVALID, path, 1, 1,
                            "a GeniusWeb file is one JSON object");
    if (!c.issues)
        return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0, "%s",
                            c.nkeys == 1 && c.profile
                                ? "this is a GeniusWeb profile, not a domain; give the domain "
                                  "file first, then the profiles"
                                : "a GeniusWeb domain needs an \"issuesValues\" object");
    if (c.name && *c.name && parley_scenario_set_name(sc, c.name) != PARLEY_OK)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    return PARLEY_OK;
}

void gw_domain_free(gw_domain *d)
{
    for (size_t i = 0; i < d->nis; i++)
        parleyx_free(d->a, d->is[i].sorted, d->is[i].cap * sizeof(gw_lab));
    parleyx_free(d->a, d->is, d->cap * sizeof(gw_issue));
    if (d->f.data)
        gx_file_free(&d->f);
    memset(d, 0, sizeof *d);
}
