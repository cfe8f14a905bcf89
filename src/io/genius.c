/*
 * genius.c -- the GENIUS XML importer's common ground and entry point: a
 * domain file (<negotiation_template>) and additive profile files
 * (<utility_space>), one party each, read with GENIUS 10.4's exact
 * semantics and turned into a scenario through the public builder API
 * only (the model knows no file format).  docs/genius-import.md has the
 * long version with the Java sources the reader follows.
 *
 * The rooms (internal header genius_io.h, prefix gx_):
 *  - genius.c: small text helpers, the file-to-DOM step (gx_parse_file:
 *    parleyx_read_file, then genius_repair.c), typed access to the DOM
 *    (attributes as numbers, errors at the element's line) and
 *    gx_read_files, which tells GeniusWeb JSON apart by content and
 *    otherwise reads the domain, then each profile in order;
 *  - genius_repair.c: the strict parse (xml_front.c) and the textual
 *    repairs tried when it fails;
 *  - genius_domain.c: <negotiation_template> into issues;
 *  - genius_profile.c: <utility_space> into one party's evaluators;
 *  - genius_folder.c: a folder's files sorted and classified, and
 *    parley_genius_read_files (profile picks and party names around
 *    gx_read_files);
 *  - genius_write.c, geniusweb_write.c: the folder writers.
 *
 * Memory: everything the reader allocates itself (file buffers, lookup
 * tables, labels) goes through opt->alloc and is freed before returning;
 * one DOM is alive at a time (the domain's labels are copied, its tree
 * freed, before the first profile is parsed); the scenario handed out is
 * allocated through the same allocator.  libxml2 allocates its trees with
 * its own global allocator (it has no per-call hook); they are freed
 * before returning too.  Nothing is printed: libxml2's messages go to a
 * per-parse structured handler that keeps the first error for
 * parley_error.
 *
 * Limits: one file at most opt->max_file_bytes (0: 64 MiB) and INT_MAX;
 * libxml2's own depth and size limits (no XML_PARSE_HUGE); elements nested
 * at most GX_MAX_DEPTH deep; the model's limits on issues, values and
 * parties.
 */
#include "io/genius_io.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

/* ------------------------------------------------------------ small helpers */

const char *gx_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int gx_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

bool gx_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    while (*a && *b && gx_lower((unsigned char)*a) == gx_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

bool gx_iends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && gx_ieq(s + n - m, suffix);
}

bool gx_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t gx_skip_bom(const char *d, size_t n)
{
    if (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        return 3;
    return 0;
}

bool gx_looks_like_json(const char *data, size_t size)
{
    size_t i = gx_skip_bom(data, size);
    while (i < size && gx_blank((unsigned char)data[i]))
        i++;
    return i < size && data[i] == '{';
}

parley_status gx_add_party_for(parley_scenario *sc, const char *path, size_t *party,
                               parley_error *err)
{
    const char *base = gx_basename(path);
    size_t n = strlen(base);
    if (gx_iends(base, ".xml"))
        n -= 4;
    else if (gx_iends(base, ".json"))
        n -= 5;
    if (n == 0)
        n = strlen(base);
    if (n > PARLEY_MAX_NAME - 16)
        n = PARLEY_MAX_NAME - 16;
    char name[PARLEY_MAX_NAME];
    memcpy(name, base, n);
    name[n] = '\0';
    size_t dummy;
    for (unsigned k = 2; parley_scenario_find_party(sc, name, &dummy) == PARLEY_OK; k++)
        snprintf(name + n, sizeof name - n, "-%u", k);
    parley_error e;
    parley_error_clear(&e);
    parley_status st = parley_scenario_add_party(sc, name, PARLEY_ROLE_NEGOTIATOR, party, &e);
    if (st)
        return parleyx_fail(err, st, path, 0, 0, "%s",
                            e.message[0] ? e.message : "cannot add party");
    return PARLEY_OK;
}

/* ------------------------------------------------------------ a file to a DOM */

/* Read a file and parse it (strictly, then with the repairs). */
parley_status gx_parse_file(const char *path, const parley_load_options *opt,
                            xmlDocPtr *doc, parley_error *err)
{
    gx_file f;
    *doc = NULL;
    parley_status st = gx_file_read(&f, path, opt, err);
    if (st)
        return st;
    st = gx_parse_text(path, f.data, f.size, f.a, doc, err);
    gx_file_free(&f);
    return st;
}

/* ------------------------------------------------------------ XML access */

void gx_ctx_release(gx_ctx *c)
{
    for (size_t k = 0; k < c->ntofree; k++)
        xmlFree(c->tofree[k]);
    parleyx_free(c->a, c->tofree, c->captofree * sizeof(xmlChar *));
    c->tofree = NULL;
    c->ntofree = c->captofree = 0;
}

bool gx_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

unsigned gx_line(const xmlNode *n)
{
    long l = n ? xmlGetLineNo((xmlNodePtr)n) : 0;
    return l > 0 && l < (long)UINT_MAX ? (unsigned)l : 0;
}

/* The value of an attribute (no namespace), or NULL.  Valid until the
 * context is released. */
const char *gx_attr(gx_ctx *c, const xmlNode *n, const char *name)
{
    xmlAttrPtr at = xmlHasNsProp(n, (const xmlChar *)name, NULL);
    if (!at)
        return NULL;
    if (!at->children)
        return "";
    if (at->children->type == XML_TEXT_NODE && !at->children->next && at->children->content)
        return (const char *)at->children->content;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    xmlChar **t = parleyx_grow(c->a, c->tofree, sizeof *t, &c->captofree, c->ntofree + 1, 16);
    if (!t) {
        xmlFree(v);
        return NULL;
    }
    c->tofree = t;
    c->tofree[c->ntofree++] = v;
    return (const char *)v;
}

const xmlNode *gx_first_child(const xmlNode *n, const char *name)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (gx_is(k, name))
            return k;
    return NULL;
}

/* Copy s without the blanks Java's Double.valueOf and Long.valueOf trim
 * (chars <= ' ') into buf; false when nothing is left or it does not fit. */
static bool gx_trimmed(const char *s, char *buf, size_t cap)
{
    if (!s)
        return false;
    while (*s && (unsigned char)*s <= ' ')
        s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

bool gx_number(const char *s, double *out)
{
    char buf[128];
    return gx_trimmed(s, buf, sizeof buf) && parleyx_parse_double(buf, out) && isfinite(*out);
}

bool gx_integer(const char *s, int64_t *out)
{
    char buf[64];
    return gx_trimmed(s, buf, sizeof buf) && parleyx_parse_int64(buf, out);
}

/* The attribute attr of n, which what needs: an error when it is missing. */
static parley_status gx_need_attr(gx_ctx *c, const xmlNode *n, const char *attr, const char *what,
                                  const char **v)
{
    *v = gx_attr(c, n, attr);
    if (!*v)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "<%s> has no '%s' attribute; %s needs it", (const char *)n->name, attr,
                            what);
    return PARLEY_OK;
}

parley_status gx_need_number(gx_ctx *c, const xmlNode *n, const char *attr, double *out,
                             const char *what)
{
    const char *v;
    parley_status st = gx_need_attr(c, n, attr, what, &v);
    char buf[128];
    if (st == PARLEY_OK && !gx_number(v, out)) {
        const char *why = gx_trimmed(v, buf, sizeof buf) ? parleyx_double_problem(buf) : NULL;
        st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                          "%s '%s' of <%s> (%s) %s", attr, v, (const char *)n->name, what,
                          why ? why : "is not a decimal number; write one such as 0.25");
    }
    return st;
}

parley_status gx_need_integer(gx_ctx *c, const xmlNode *n, const char *attr, int64_t *out,
                              const char *what)
{
    const char *v;
    parley_status st = gx_need_attr(c, n, attr, what, &v);
    if (st == PARLEY_OK && !gx_integer(v, out))
        st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                          "%s '%s' of <%s> is not an integer (%s)", attr, v,
                          (const char *)n->name, what);
    return st;
}

/* Wrap a builder failure with the file and line it came from. */
parley_status gx_builder(gx_ctx *c, parley_status st, const parley_error *inner,
                         const xmlNode *n, const char *what)
{
    if (st == PARLEY_OK)
        return PARLEY_OK;
    if (st == PARLEY_ERR_NOMEM)
        return parleyx_fail(c->err, st, c->path, gx_line(n), 0, "out of memory");
    return parleyx_fail(c->err, st, c->path, gx_line(n), 0, "%s: %s", what,
                        inner && inner->message[0] ? inner->message : parley_strerror(st));
}

/* ------------------------------------------------------------ public */

parley_status gx_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err)
{
    if (nprofiles == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, domain, 0, 0,
                            "no profile files given; a GENIUS scenario needs the domain and at "
                            "least one profile (<utility_space>) file");
    if (nprofiles > PARLEY_MAX_PARTIES)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, domain, 0, 0,
                            "%zu profiles, over the limit of %d parties", nprofiles,
                            PARLEY_MAX_PARTIES);
    /* GeniusWeb JSON, told apart by content. */
    {
        gx_file f;
        parley_status st = gx_file_read(&f, domain, opt, err);
        if (st)
            return st;
        bool json = gx_looks_like_json(f.data, f.size);
        gx_file_free(&f);
        if (json)
            return gw_read_files(domain, nprofiles, profiles, opt, out, err);
    }
    parley_scenario *sc = parley_scenario_new(opt ? opt->alloc : NULL);
    if (!sc)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
    gx_domain d;
    memset(&d, 0, sizeof d);
    parley_status st = gx_read_domain(domain, opt, sc, &d, err);
    for (size_t k = 0; k < nprofiles && !st; k++)
        st = gx_read_profile(profiles[k], opt, sc, &d, err);
    gx_domain_free(&d);
    if (!st) {
        parley_error e;
        parley_error_clear(&e);
        st = parley_scenario_finalize(sc, &e);
        if (st)
            parleyx_fail(err, st, domain, 0, 0, "%s", e.message);
    }
    if (st) {
        parley_scenario_free(sc);
        return st;
    }
    *out = sc;
    return PARLEY_OK;
}
