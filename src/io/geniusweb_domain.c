/*
 * geniusweb_domain.c -- a GeniusWeb domain file,
 * {"name", "issuesValues": {issue: {"values": [...]} | {"range": {"low",
 * "high", "step"}}}}, read with the pull reader (geniusweb_json.c) rather
 * than a jansson tree, so that a domain of millions of values costs its
 * text plus eight bytes a value besides what the model keeps; and
 * gw_classify, which tells a folder's .json files apart the same way.
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

/* A JSON syntax error, with the file, line and column. */
static parley_status gw_syntax(const gwj *j, const char *path, parley_error *err)
{
    unsigned line, col;
    gwj_where(j, &line, &col);
    return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, line, col,
                        "not valid JSON: %s; a GeniusWeb file is one JSON object", j->msg);
}

/* An error about the value just read (at the reader's position). */
static parley_status gw_at(gwj *j, const char *path, parley_status st, const char *msg,
                           parley_error *err)
{
    j->at = j->i;
    unsigned line, col;
    gwj_where(j, &line, &col);
    return parleyx_fail(err, st, path, line, col, "%s", msg);
}

/* Where an issue starts in the text: its key's line and column, for the
 * model's refusals of it (a repeated name, too many values). */
typedef struct gw_mark {
    unsigned line, col;
} gw_mark;

static gw_mark gw_mark_here(gwj *j)
{
    gw_mark m;
    size_t at = j->at;
    j->at = j->i;
    gwj_where(j, &m.line, &m.col);
    j->at = at;
    return m;
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

gw_kind gw_classify(char *data, size_t size, unsigned *line, unsigned *col, char *msg,
                    size_t msgsize)
{
    gwj j;
    gwj_init(&j, data, size);
    size_t bad = parleyx_utf8_invalid(data, size, true);
    if (bad != SIZE_MAX) {
        parleyx_utf8_locate(data, size, bad, line, col);
        snprintf(msg, msgsize, "byte 0x%02x is not UTF-8", (unsigned char)data[bad]);
        return GW_BROKEN;
    }
    gw_kind k = GW_OTHER;
    size_t nkeys = 0;
    bool space = false;
    if (gwj_peek(&j, '{')) {
        j.i++;
        bool first = true;
        char *key;
        int r;
        while ((r = gwj_member(&j, &first, &key)) == 1) {
            size_t n = strlen(key);
            nkeys++;
            space = n >= 5 && strcmp(key + n - 5, "Space") == 0;
            if (strcmp(key, "issuesValues") == 0 && gwj_peek(&j, '{'))
                k = GW_DOMAIN;
            if (!gwj_skip(&j))
                break;
        }
    } else if (gwj_peek(&j, '[')) {
        gwj_skip(&j);
    } else {
        gwj_expect(&j, '{');
    }
    if (!gwj_end(&j)) {
        gwj_where(&j, line, col);
        snprintf(msg, msgsize, "%s", j.msg);
        return GW_BROKEN;
    }
    if (k == GW_OTHER && nkeys == 1 && space)
        k = GW_PROFILE;
    return k;
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

/* "values": [...], the labels as offsets into the text, in order. */
static parley_status gw_values(gw_domain *d, gwj *j, gw_issue *is, parley_error *err)
{
    if (gwj_peek(j, '{')) {
        char m[PARLEY_MAX_NAME + 160];
        snprintf(m, sizeof m,
                 "\"values\" of issue '%s' must be a list of strings; a number issue is "
                 "written {\"range\": {\"low\", \"high\", \"step\"}}, beside \"values\" "
                 "rather than in it",
                 is->name);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    if (!gwj_expect(j, '['))
        return gw_syntax(j, d->path, err);
    bool first = true;
    int r;
    while ((r = gwj_element(j, &first)) == 1) {
        char *s;
        if (!gwj_peek(j, '"')) {
            char m[PARLEY_MAX_NAME + 64];
            gwj_ws(j);
            size_t at = j->i;
            if (!gwj_skip(j)) /* not JSON at all ("[1,]"): a syntax error */
                return gw_syntax(j, d->path, err);
            j->i = at;
            snprintf(m, sizeof m, "value %zu of issue '%s' is not a string", is->n + 1, is->name);
            return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
        }
        if (!gwj_string(j, &s, NULL))
            return gw_syntax(j, d->path, err);
        gw_lab *t = parleyx_grow(d->a, is->sorted, sizeof *t, &is->cap, is->n + 1, 16);
        if (!t)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, d->path, 0, 0, "out of memory");
        is->sorted = t;
        is->sorted[is->n].off = (uint32_t)(s - d->f.data);
        is->sorted[is->n].k = (uint32_t)is->n;
        is->n++;
    }
    if (r < 0)
        return gw_syntax(j, d->path, err);
    if (is->n && is->n < is->cap) { /* give back what doubling left over */
        gw_lab *t = parleyx_realloc(d->a, is->sorted, is->cap * sizeof *t, is->n * sizeof *t);
        if (t) {
            is->sorted = t;
            is->cap = is->n;
        }
    }
    return PARLEY_OK;
}

/* A number of a range: a JSON number or a string holding one. */
static parley_status gw_range_number(gw_domain *d, gwj *j, const char *issue, const char *key,
                                     gw_dec *out, parley_error *err)
{
    char text[40], m[PARLEY_MAX_NAME + 128];
    gwj_ws(j);
    size_t at = j->i;
    bool ok;
    if (gwj_peek(j, '"')) {
        char *s;
        ok = gwj_string(j, &s, NULL) && gw_dec_parse(s, out);
    } else {
        gwj_num num;
        if (!gwj_number(j, &num))
            return gw_syntax(j, d->path, err);
        if (num.is_int)
            snprintf(text, sizeof text, "%lld", num.i);
        else
            parleyx_fmt_double(num.d, text, sizeof text);
        ok = gw_dec_parse(text, out);
    }
    if (j->fail)
        return gw_syntax(j, d->path, err);
    if (ok)
        return PARLEY_OK;
    j->i = at;
    snprintf(m, sizeof m,
             "\"%s\" of the range of issue '%s' must be a decimal number of at most 18 "
             "digits",
             key, issue);
    return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
}

/* "range": {"low", "high", "step"}: the values, exactly. */
static parley_status gw_range(gw_domain *d, gwj *j, gw_issue *is, parley_error *err)
{
    static const char *const keys[3] = {"low", "high", "step"};
    gw_dec v[3];
    bool seen[3] = {false, false, false}, first = true;
    char *key, m[PARLEY_MAX_NAME + 160];
    int r;
    parley_status st;
    if (!gwj_expect(j, '{'))
        return gw_syntax(j, d->path, err);
    while ((r = gwj_member(j, &first, &key)) == 1) {
        size_t k = 0;
        while (k < 3 && strcmp(key, keys[k]) != 0)
            k++;
        if (k == 3 ? !gwj_skip(j) : (st = gw_range_number(d, j, is->name, keys[k], &v[k], err)))
            return k == 3 ? gw_syntax(j, d->path, err) : st;
        if (k < 3)
            seen[k] = true;
    }
    if (r < 0)
        return gw_syntax(j, d->path, err);
    if (!seen[0] || !seen[1] || !seen[2]) {
        snprintf(m, sizeof m, "the range of issue '%s' needs \"low\", \"high\" and \"step\"",
                 is->name);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    int scale = 0;
    for (int k = 0; k < 3; k++)
        scale = -v[k].e > scale ? -v[k].e : scale;
    if (scale > 18 || !gw_dec_scaled(v[0], scale, &is->lo) ||
        !gw_dec_scaled(v[1], scale, &is->hi) || !gw_dec_scaled(v[2], scale, &is->step)) {
        snprintf(m, sizeof m,
                 "the range of issue '%s' is too wide for parley (at most 18 "
                 "decimals, and below 4.6e18 at that scale)",
                 is->name);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    const char *why = is->step <= 0     ? "its \"step\" must be > 0"
                      : is->lo > is->hi ? "\"low\" is above \"high\": it has no values"
                      : (uint64_t)(is->hi - is->lo) / (uint64_t)is->step >= GW_MAX_NUMBER_VALUES
                          ? "it has more than 1,000,000 values (parley enumerates number issues "
                            "value by value); use a larger step"
                          : NULL;
    if (why) {
        snprintf(m, sizeof m, "the range of issue '%s': %s", is->name, why);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    is->number = true;
    is->scale = scale;
    is->low = v[0];
    is->high = v[1];
    is->n = (size_t)((is->hi - is->lo) / is->step) + 1;
    return PARLEY_OK;
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

/* One member of "issuesValues": {"values": [...]} or {"range": {...}}. */
static parley_status gw_issue_read(gw_domain *d, gwj *j, parley_scenario *sc, char *name,
                                   gw_mark at, parley_error *err)
{
    gw_issue *t = parleyx_grow(d->a, d->is, sizeof *t, &d->cap, d->nis + 1, 8);
    if (!t)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, d->path, 0, 0, "out of memory");
    d->is = t;
    gw_issue *is = &d->is[d->nis++];
    memset(is, 0, sizeof *is);
    is->name = name;
    char *key, m[PARLEY_MAX_NAME + 160];
    bool first = true, got = false;
    int r;
    parley_status st;
    if (!gwj_peek(j, '{') && !j->fail) {
        snprintf(m, sizeof m,
                 "issue '%s' must be an object {\"values\": [...]} or "
                 "{\"range\": {...}}",
                 name);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    if (!gwj_expect(j, '{'))
        return gw_syntax(j, d->path, err);
    while ((r = gwj_member(j, &first, &key)) == 1) {
        bool values = strcmp(key, "values") == 0, range = strcmp(key, "range") == 0;
        if ((values || range) && got) {
            snprintf(m, sizeof m, "issue '%s' has both (or twice) \"values\" and \"range\"", name);
            return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
        }
        got |= values || range;
        st = values ? gw_values(d, j, is, err) : range ? gw_range(d, j, is, err) : PARLEY_OK;
        if (st)
            return st;
        if (!values && !range && !gwj_skip(j))
            return gw_syntax(j, d->path, err);
    }
    if (r < 0)
        return gw_syntax(j, d->path, err);
    if (!got) {
        snprintf(m, sizeof m, "issue '%s' has neither \"values\" nor \"range\"", name);
        return gw_at(j, d->path, PARLEY_ERR_INVALID, m, err);
    }
    return is->number ? gw_add_number(d, sc, is, at, err) : gw_add_discrete(d, sc, is, at, err);
}

/* "issuesValues": {issue: ...}, in key order. */
static parley_status gw_issues(gw_domain *d, gwj *j, parley_scenario *sc, parley_error *err)
{
    if (!gwj_peek(j, '{') && !j->fail)
        return gw_at(j, d->path, PARLEY_ERR_INVALID, "\"issuesValues\" must be an object of issues",
                     err);
    if (!gwj_expect(j, '{'))
        return gw_syntax(j, d->path, err);
    bool first = true;
    char *key;
    int r;
    while ((r = gwj_member(j, &first, &key)) == 1) {
        parley_status st = gw_issue_read(d, j, sc, key, gw_mark_here(j), err);
        if (st)
            return st;
    }
    if (r < 0)
        return gw_syntax(j, d->path, err);
    if (d->nis == 0)
        return gw_at(j, d->path, PARLEY_ERR_INVALID,
                     "the domain has no issues (\"issuesValues\" is empty)", err);
    return PARLEY_OK;
}

/* The top-level object: "name", "issuesValues", anything else skipped. */
static parley_status gw_domain_object(gw_domain *d, gwj *j, parley_scenario *sc, parley_error *err)
{
    bool first = true, issues = false, profile = false;
    char *key, *name = NULL;
    int r;
    size_t nkeys = 0;
    if (gwj_peek(j, '[') && gwj_skip(j) && gwj_end(j))
        return parleyx_fail(err, PARLEY_ERR_INVALID, d->path, 1, 1,
                            "a GeniusWeb file is one JSON object");
    if (!gwj_expect(j, '{'))
        return gw_syntax(j, d->path, err);
    while ((r = gwj_member(j, &first, &key)) == 1) {
        nkeys++;
        parley_status st = PARLEY_OK;
        bool dup = (strcmp(key, "issuesValues") == 0 && issues) ||
                   (strcmp(key, "name") == 0 && name);
        if (dup) {
            j->at = j->i;
            snprintf(j->msg, sizeof j->msg, "duplicate object key near '\"%.60s\"'", key);
            j->fail = true;
            return gw_syntax(j, d->path, err);
        }
        if (strcmp(key, "issuesValues") == 0) {
            issues = true;
            st = gw_issues(d, j, sc, err);
        } else if (strcmp(key, "name") == 0 && gwj_peek(j, '"')) {
            if (!gwj_string(j, &name, NULL))
                return gw_syntax(j, d->path, err);
        } else {
            profile |= strcmp(key, "LinearAdditiveUtilitySpace") == 0;
            if (!gwj_skip(j))
                return gw_syntax(j, d->path, err);
        }
        if (st)
            return st;
    }
    if (r < 0 || !gwj_end(j))
        return gw_syntax(j, d->path, err);
    if (!issues)
        return parleyx_fail(err, PARLEY_ERR_INVALID, d->path, 0, 0, "%s",
                            nkeys == 1 && profile
                                ? "this is a GeniusWeb profile, not a domain; give the domain "
                                  "file first, then the profiles"
                                : "a GeniusWeb domain needs an \"issuesValues\" object");
    if (name && *name && parley_scenario_set_name(sc, name) != PARLEY_OK)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, d->path, 0, 0, "out of memory");
    return PARLEY_OK;
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
    gwj j;
    gwj_init(&j, d->f.data, d->f.size);
    return gw_domain_object(d, &j, sc, err);
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
