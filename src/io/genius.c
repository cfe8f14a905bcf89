/*
 * genius.c -- the GENIUS XML importer: a domain file (<negotiation_template>)
 * and additive profile files (<utility_space>), one party each, read with
 * GENIUS 10.4's exact semantics and turned into a scenario through the
 * public builder API only (the model knows no file format).
 *
 * What GENIUS does, and so what this file does (docs/genius-import.md has
 * the long version with the Java sources it follows):
 *
 *  - Domain (DomainImpl.buildTreeRecursive): root <negotiation_template>,
 *    its first <utility_space>, that one's first <objective>.  At every
 *    objective level the child objectives are walked first (recursively),
 *    then the direct <issue> children in document order; that preorder is
 *    the issue order, and so the summation order of utilities.  The kind is
 *    the issue's `type` attribute only (case-insensitive; missing or
 *    unknown: discrete).  Discrete values are the direct <item value=...>
 *    children; integer issues run lowerbound..upperbound (attributes of the
 *    issue); real issues take <range lowerbound upperbound> and are
 *    enumerated on opt->real_grid points (0: 21, GENIUS's BidIterator).
 *
 *  - Profile (AdditiveUtilitySpace.loadTreeRecursive): every element of the
 *    tree is visited in preorder.  At each one, the first <reservation
 *    value> child and the first <discount_factor value> child (if any) set
 *    the party's reservation value and discount (a later element in the walk
 *    overrides an earlier one); the <weight index value> children are
 *    collected (last wins per index) and each <issue> child whose index has
 *    such a sibling weight gets an evaluator (a later definition of the same
 *    issue replaces an earlier one).  Issues without a weight get no
 *    evaluator and contribute nothing.  Weights are used as written.
 *    Discrete evaluations are divided by the maximum evaluation of the
 *    issue's items (after "last wins" for duplicated values; items whose
 *    value is not in the domain count too), as one C double division, 0 when
 *    that maximum is below 1e-5.  Integer evaluators are linear from the
 *    profile issue's lowerbound; real evaluators are linear (p0 + p1 x),
 *    constant (p0) or triangular (low p0, top p2, high p1).  The evaluator
 *    kind is the profile issue's `type`; one deliberate difference: without
 *    a `type` the domain issue's kind is used (GENIUS would build a discrete
 *    evaluator, which fails on any other kind of issue).
 *
 * Tolerance.  The file is first parsed strictly by the XML front end
 * (xml_front.c, shared with KTAB: no network, no DTD loading, no XInclude,
 * entities never substituted; a document that declares any entity is
 * refused before it can expand).  When the strict
 * parse fails, well-defined textual repairs are applied and the text is
 * parsed again: bytes that are not UTF-8 are re-read as Windows-1252 (the
 * superset of ISO-8859-1 that WHATWG uses for the "latin1" label); an XML
 * declaration that is not at the very start (after a comment, GENIUS's
 * anac/y2014 profiles) is blanked out, keeping its encoding; a bare '&' that
 * starts no predefined entity or character reference becomes "&amp;"; a '<'
 * inside an attribute value becomes "&lt;", and a missing blank between
 * two attributes is inserted.  The repairs keep every newline, so reported
 * line numbers stay those of the file.
 *
 * Folders: *.xml and *.json files in strcmp order, classified by the root
 * element's name found by skipping the prolog textually (no full parse);
 * exactly one domain, the profiles in file-name order become negotiators;
 * files that do not start like XML (GENIUS's pareto.xml) are skipped.
 *
 * Memory: everything this file allocates itself (file buffers, lookup
 * tables, labels) goes through opt->alloc and is freed before returning;
 * one DOM is alive at a time (the domain's labels are copied, its tree
 * freed, before the first profile is parsed);
 * the scenario handed out is allocated through the same allocator.
 * libxml2 allocates its trees with its own global allocator (it has no
 * per-call hook); they are freed before returning too.  Nothing is printed:
 * libxml2's messages go to a per-parse structured handler that keeps the
 * first error for parley_error.
 *
 * Limits: one file at most opt->max_file_bytes (0: 64 MiB) and INT_MAX;
 * libxml2's own depth and size limits (no XML_PARSE_HUGE); the model's
 * limits on issues, values and parties.
 */
#include "io/genius_io.h"
#include "io/xml_front.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#define GX_MAX_DEPTH 512

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

static bool gx_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    while (*a && *b && gx_lower((unsigned char)*a) == gx_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static bool gx_iends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && gx_ieq(s + n - m, suffix);
}

static bool gx_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t gx_skip_bom(const char *d, size_t n)
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

/* ------------------------------------------------------------ XML parsing */

static bool gx_valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned min;
        if ((c & 0xE0) == 0xC0) {
            k = 1;
            min = 0x80;
            c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            min = 0x800;
            c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            min = 0x10000;
            c &= 0x07;
        } else
            return false;
        if (i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (s[i + j] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/* Windows-1252 bytes 0x80..0x9F; undefined ones keep their Latin-1 code. */
static const unsigned short gx_cp1252[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

static bool gx_put_cp(px_buf *b, unsigned cp)
{
    char u[3];
    if (cp < 0x80) {
        u[0] = (char)cp;
        return parleyx_buf_add(b, u, 1);
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        return parleyx_buf_add(b, u, 2);
    }
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    return parleyx_buf_add(b, u, 3);
}

static bool gx_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

/* Does s[i] == '&' start a reference libxml2 accepts without a DTD? */
static bool gx_good_ref(const char *s, size_t n, size_t i)
{
    size_t j = i + 1;
    if (j < n && s[j] == '#') {
        j++;
        bool hex = j < n && s[j] == 'x';
        if (hex)
            j++;
        size_t d = 0;
        while (j < n && ((s[j] >= '0' && s[j] <= '9') ||
                         (hex && ((s[j] >= 'a' && s[j] <= 'f') || (s[j] >= 'A' && s[j] <= 'F'))))) {
            j++;
            d++;
        }
        return d > 0 && j < n && s[j] == ';';
    }
    static const char *const pre[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    for (size_t k = 0; k < 5; k++) {
        size_t m = strlen(pre[k]);
        if (j + m <= n && memcmp(s + j, pre[k], m) == 0)
            return true;
    }
    return false;
}

/* Append n bytes, transcoding Windows-1252 to UTF-8 when latin. */
static void gx_copy(px_buf *out, const char *s, size_t n, bool latin)
{
    if (!latin) {
        parleyx_buf_add(out, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        gx_put_cp(out, c < 0x80 ? c : (c < 0xA0 ? gx_cp1252[c - 0x80] : c));
    }
}

/* Copy s (UTF-8 or, when latin, Windows-1252) into out applying the
 * repairs; *changed says whether anything but the transcoding changed.
 * *encoding receives the encoding named by a misplaced declaration (copied
 * into encbuf), or NULL. */
static bool gx_repair(const char *s, size_t n, bool latin, px_buf *out, bool *changed,
                      char *encbuf, size_t encn, const char **encoding)
{
    *changed = false;
    *encoding = NULL;
    size_t i = gx_skip_bom(s, n);
    parleyx_buf_add(out, s, i);
    /* 1. The prolog: whitespace, comments, PIs; a declaration not at the
     * very start is blanked out (its newlines kept). */
    size_t start = i;
    for (;;) {
        size_t j = i;
        while (j < n && gx_blank((unsigned char)s[j]))
            j++;
        if (j + 4 <= n && memcmp(s + j, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t k = j + 4; k + 3 <= n; k++)
                if (memcmp(s + k, "-->", 3) == 0) {
                    e = s + k + 3;
                    break;
                }
            if (!e)
                break;
            gx_copy(out, s + i, (size_t)(e - (s + i)), latin);
            i = (size_t)(e - s);
            continue;
        }
        if (j + 5 < n && memcmp(s + j, "<?xml", 5) == 0 && gx_blank((unsigned char)s[j + 5])) {
            size_t k = j;
            while (k + 1 < n && !(s[k] == '?' && s[k + 1] == '>'))
                k++;
            if (k + 1 >= n)
                break;
            k += 2;
            if (j == start) {
                gx_copy(out, s + i, k - i, latin);
            } else {
                /* misplaced: keep the encoding, blank the declaration */
                const char *enc = NULL;
                for (size_t p = j; p + 8 < k; p++)
                    if (memcmp(s + p, "encoding", 8) == 0) {
                        enc = s + p + 8;
                        break;
                    }
                if (enc) {
                    while (enc < s + k && (gx_blank((unsigned char)*enc) || *enc == '='))
                        enc++;
                    if (enc < s + k && (*enc == '"' || *enc == '\'')) {
                        char q = *enc++;
                        size_t m = 0;
                        while (enc + m < s + k && enc[m] != q && m + 1 < encn)
                            m++;
                        memcpy(encbuf, enc, m);
                        encbuf[m] = '\0';
                        if (m && !gx_ieq(encbuf, "utf-8") && !gx_ieq(encbuf, "utf8"))
                            *encoding = encbuf;
                    }
                }
                gx_copy(out, s + i, j - i, latin);
                for (size_t p = j; p < k; p++)
                    parleyx_buf_add(out, s[p] == '\n' ? "\n" : " ", 1);
                *changed = true;
            }
            i = k;
            continue;
        }
        break;
    }
    /* 2. The body. */
    enum { TEXT, TAG, QUOTE, COMMENT, PI, CDATA, DECL } state = TEXT;
    char quote = 0;
    bool after_quote = false;
    int decl_depth = 0;
    while (i < n && !out->failed) {
        unsigned char c = (unsigned char)s[i];
        if (latin && c >= 0x80) {
            gx_copy(out, s + i, 1, true);
            i++;
            after_quote = false;
            continue;
        }
        switch (state) {
        case TEXT:
            if (c == '&' && !gx_good_ref(s, n, i)) {
                parleyx_buf_puts(out, "&amp;");
                *changed = true;
                i++;
                continue;
            }
            if (c == '<') {
                if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
                    state = COMMENT;
                    parleyx_buf_add(out, s + i, 4);
                    i += 4;
                    continue;
                }
                if (i + 9 <= n && memcmp(s + i, "<![CDATA[", 9) == 0) {
                    state = CDATA;
                    parleyx_buf_add(out, s + i, 9);
                    i += 9;
                    continue;
                }
                if (i + 1 < n && s[i + 1] == '?')
                    state = PI;
                else if (i + 1 < n && s[i + 1] == '!') {
                    state = DECL;
                    decl_depth = 0;
                } else {
                    state = TAG;
                    after_quote = false;
                }
            }
            break;
        case TAG:
            if (after_quote && gx_name_start(c)) {
                parleyx_buf_add(out, " ", 1);
                *changed = true;
            }
            after_quote = false;
            if (c == '"' || c == '\'') {
                quote = (char)c;
                state = QUOTE;
            } else if (c == '>')
                state = TEXT;
            break;
        case QUOTE:
            if (c == (unsigned char)quote) {
                state = TAG;
                after_quote = true;
                parleyx_buf_add(out, s + i, 1);
                i++;
                continue;
            }
            if (c == '&' && !gx_good_ref(s, n, i)) {
                parleyx_buf_puts(out, "&amp;");
                *changed = true;
                i++;
                continue;
            }
            if (c == '<') {
                parleyx_buf_puts(out, "&lt;");
                *changed = true;
                i++;
                continue;
            }
            break;
        case COMMENT:
            if (c == '-' && i + 3 <= n && memcmp(s + i, "-->", 3) == 0) {
                parleyx_buf_add(out, s + i, 3);
                i += 3;
                state = TEXT;
                continue;
            }
            break;
        case PI:
            if (c == '?' && i + 1 < n && s[i + 1] == '>') {
                parleyx_buf_add(out, s + i, 2);
                i += 2;
                state = TEXT;
                continue;
            }
            break;
        case CDATA:
            if (c == ']' && i + 3 <= n && memcmp(s + i, "]]>", 3) == 0) {
                parleyx_buf_add(out, s + i, 3);
                i += 3;
                state = TEXT;
                continue;
            }
            break;
        case DECL:
            if (c == '[')
                decl_depth++;
            else if (c == ']')
                decl_depth--;
            else if (c == '>' && decl_depth <= 0)
                state = TEXT;
            break;
        }
        parleyx_buf_add(out, s + i, 1);
        i++;
    }
    return !out->failed;
}

/* Parse a GENIUS XML file already in memory: strictly first, then with the
 * repairs.  On failure err names path, line and column. */
static parley_status gx_parse_text(const char *path, const char *data, size_t size,
                                   const parley_allocator *a, xmlDocPtr *doc, parley_error *err)
{
    *doc = NULL;
    size_t i = gx_skip_bom(data, size);
    while (i < size && gx_blank((unsigned char)data[i]))
        i++;
    if (i == size)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                            "the file is empty; expected a GENIUS XML domain or profile");
    xf_error pe;
    *doc = xf_parse(data, size, NULL, &pe);
    if (*doc)
        return PARLEY_OK;
    if (pe.entity)
        goto entity;
    xf_error first = pe;
    /* Repairs.  Latin-1: only when the bytes are not UTF-8 and no other
     * encoding is declared at the start. */
    bool latin = !gx_valid_utf8((const unsigned char *)data, size) &&
                 !memchr(data, '\0', size); /* NUL bytes: UTF-16/32, never Latin-1 */
    if (latin && size - i >= 5 && memcmp(data + i, "<?xml", 5) == 0) {
        const char *end = memchr(data + i, '>', size - i);
        const char *enc = end ? strstr(data + i, "encoding") : NULL;
        if (enc && enc < end) {
            enc += 8;
            while (enc < end && (gx_blank((unsigned char)*enc) || *enc == '='))
                enc++;
            if (enc < end && (*enc == '"' || *enc == '\'')) {
                char q = *enc++;
                const char *e2 = memchr(enc, q, (size_t)(end - enc));
                size_t m = e2 ? (size_t)(e2 - enc) : 0;
                char name[32];
                if (m && m < sizeof name) {
                    memcpy(name, enc, m);
                    name[m] = '\0';
                    if (!gx_ieq(name, "utf-8") && !gx_ieq(name, "utf8"))
                        latin = false; /* declares its own encoding: trust it */
                }
            }
        }
    }
    px_buf b;
    parleyx_buf_init(&b, a, (size_t)INT_MAX);
    bool changed;
    char encbuf[64];
    const char *enc;
    if (!gx_repair(data, size, latin, &b, &changed, encbuf, sizeof encbuf, &enc)) {
        parleyx_buf_free(&b);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory repairing XML");
    }
    if (changed || latin) {
        *doc = xf_parse(b.data, b.len, latin ? "UTF-8" : enc, &pe);
        parleyx_buf_free(&b);
        if (*doc)
            return PARLEY_OK;
        if (pe.entity)
            goto entity;
    } else {
        parleyx_buf_free(&b);
        pe = first;
    }
    if (!pe.have)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory parsing XML");
    return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, pe.line > 0 ? (unsigned)pe.line : 0,
                        pe.col > 0 ? (unsigned)pe.col : 0,
                        "not well-formed XML: %s; GENIUS files must be XML (a domain "
                        "<negotiation_template> or a profile <utility_space>)",
                        pe.msg);
entity:
    return parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path,
                        pe.entity_line > 0 ? (unsigned)pe.entity_line : 0, 0,
                        "the document declares XML entities in a DOCTYPE, which is not "
                        "supported: parley never expands or loads entities (no entity bombs, no "
                        "external files); GENIUS files never declare any, remove the DOCTYPE");
}

static parley_status gx_parse_file(const char *path, const parley_load_options *opt,
                                   xmlDocPtr *doc, parley_error *err)
{
    char *data;
    size_t size;
    *doc = NULL;
    parley_status st = gx_read_file(path, opt, &data, &size, err);
    if (st)
        return st;
    st = gx_parse_text(path, data, size, opt ? opt->alloc : NULL, doc, err);
    parleyx_free(opt ? opt->alloc : NULL, data, size + 1);
    return st;
}

/* ------------------------------------------------------------ XML access */

typedef struct gx_ctx {
    const parley_allocator *a;
    const char *path;           /* file being read (for errors) */
    xmlChar **tofree;           /* attribute copies made by libxml2 */
    size_t ntofree, captofree;
    parley_error *err;
} gx_ctx;

static void gx_ctx_release(gx_ctx *c)
{
    for (size_t k = 0; k < c->ntofree; k++)
        xmlFree(c->tofree[k]);
    parleyx_free(c->a, c->tofree, c->captofree * sizeof(xmlChar *));
    c->tofree = NULL;
    c->ntofree = c->captofree = 0;
}

static bool gx_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static unsigned gx_line(const xmlNode *n)
{
    long l = n ? xmlGetLineNo((xmlNodePtr)n) : 0;
    return l > 0 && l < (long)UINT_MAX ? (unsigned)l : 0;
}

/* The value of an attribute (no namespace), or NULL.  Valid until the
 * context is released. */
static const char *gx_attr(gx_ctx *c, const xmlNode *n, const char *name)
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
    if (c->ntofree == c->captofree) {
        size_t nc = c->captofree ? c->captofree * 2 : 16;
        xmlChar **t = parleyx_realloc(c->a, c->tofree, c->captofree * sizeof(xmlChar *),
                                      nc * sizeof(xmlChar *));
        if (!t) {
            xmlFree(v);
            return NULL;
        }
        c->tofree = t;
        c->captofree = nc;
    }
    c->tofree[c->ntofree++] = v;
    return (const char *)v;
}

static const xmlNode *gx_first_child(const xmlNode *n, const char *name)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (gx_is(k, name))
            return k;
    return NULL;
}

/* Java's Double.valueOf trims blanks (chars <= ' '); so do we. */
static bool gx_number(const char *s, double *out)
{
    if (!s)
        return false;
    while (*s && (unsigned char)*s <= ' ')
        s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return parleyx_parse_double(buf, out) && isfinite(*out);
}

static bool gx_integer(const char *s, int64_t *out)
{
    if (!s)
        return false;
    while (*s && (unsigned char)*s <= ' ')
        s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return parleyx_parse_int64(buf, out);
}

/* A number attribute that must be there: error names element and line. */
static parley_status gx_need_number(gx_ctx *c, const xmlNode *n, const char *attr, double *out,
                                    const char *what)
{
    const char *v = gx_attr(c, n, attr);
    if (!v)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "<%s> has no '%s' attribute; %s needs it", (const char *)n->name, attr,
                            what);
    if (!gx_number(v, out))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "%s '%s' of <%s> is not a finite decimal number (%s); write a plain "
                            "number such as 0.25",
                            attr, v, (const char *)n->name, what);
    return PARLEY_OK;
}

static parley_status gx_need_integer(gx_ctx *c, const xmlNode *n, const char *attr, int64_t *out,
                                     const char *what)
{
    const char *v = gx_attr(c, n, attr);
    if (!v)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "<%s> has no '%s' attribute; %s needs it", (const char *)n->name, attr,
                            what);
    if (!gx_integer(v, out))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "%s '%s' of <%s> is not an integer (%s)", attr, v,
                            (const char *)n->name, what);
    return PARLEY_OK;
}

/* Wrap a builder failure with the file and line it came from. */
static parley_status gx_builder(gx_ctx *c, parley_status st, const parley_error *inner,
                                const xmlNode *n, const char *what)
{
    if (st == PARLEY_OK)
        return PARLEY_OK;
    if (st == PARLEY_ERR_NOMEM)
        return parleyx_fail(c->err, st, c->path, gx_line(n), 0, "out of memory");
    return parleyx_fail(c->err, st, c->path, gx_line(n), 0, "%s: %s", what,
                        inner && inner->message[0] ? inner->message : parley_strerror(st));
}

/* ------------------------------------------------------------ the domain */

typedef struct gx_label {
    const char *s;   /* into gx_issue.lab */
    uint32_t k;
} gx_label;

typedef struct gx_issue {
    int64_t gindex;         /* GENIUS index */
    size_t pi;              /* parley issue index */
    parley_issue_kind kind;
    const char *name;       /* borrowed from the scenario */
    size_t nvalues;
    gx_label *sorted;       /* discrete: labels sorted by strcmp */
    char *lab;              /* discrete: the label texts sorted[].s point into */
    size_t labsize;
} gx_issue;

typedef struct gx_domain {
    const parley_allocator *a;
    const char *path;
    xmlDocPtr doc;          /* the domain document, freed once read */
    gx_issue *is;
    size_t n, cap;
    int64_t *objs;          /* objective indexes (weights on them are ignored) */
    size_t nobjs, capobjs;
} gx_domain;

static void gx_domain_free(gx_domain *d)
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

static long gx_find_label(const gx_issue *is, const char *s)
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

static gx_issue *gx_find_issue(gx_domain *d, int64_t gindex)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->is[i].gindex == gindex)
            return &d->is[i];
    return NULL;
}

static bool gx_is_objective(const gx_domain *d, int64_t gindex)
{
    for (size_t i = 0; i < d->nobjs; i++)
        if (d->objs[i] == gindex)
            return true;
    return false;
}

/* "1-6" or "2, 3, 5" (the domain's issue indexes, for messages). */
static void gx_index_list(const gx_domain *d, char *buf, size_t n)
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

static parley_issue_kind gx_kind_of(const char *type)
{
    if (type && gx_ieq(type, "integer"))
        return PARLEY_ISSUE_INTEGER;
    if (type && gx_ieq(type, "real"))
        return PARLEY_ISSUE_REAL;
    return PARLEY_ISSUE_DISCRETE;
}

static const char *gx_kind_name(parley_issue_kind k)
{
    return k == PARLEY_ISSUE_INTEGER ? "integer" : k == PARLEY_ISSUE_REAL ? "real" : "discrete";
}

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
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 16;
        gx_issue *t =
            parleyx_realloc(d->a, d->is, d->cap * sizeof(gx_issue), nc * sizeof(gx_issue));
        if (!t)
            return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        d->is = t;
        d->cap = nc;
    }
    gx_issue *is = &d->is[d->n];
    memset(is, 0, sizeof *is);
    is->gindex = gindex;
    is->kind = gx_kind_of(gx_attr(c, n, "type"));
    const char *name = gx_attr(c, n, "name");
    char namebuf[PARLEY_MAX_NAME];
    if (!name || !*name) {
        snprintf(namebuf, sizeof namebuf, "issue %lld", (long long)gindex);
        name = namebuf;
    }
    size_t dummy;
    if (parley_scenario_find_issue(sc, name, &dummy) == PARLEY_OK) {
        /* GENIUS keys issues by index; parley needs unique names */
        char tmp[PARLEY_MAX_NAME];
        snprintf(tmp, sizeof tmp, "%.900s (index %lld)", name, (long long)gindex);
        memcpy(namebuf, tmp, sizeof namebuf);
        name = namebuf;
    }
    parley_error e;
    parley_error_clear(&e);
    char what[160];
    snprintf(what, sizeof what, "domain issue %lld", (long long)gindex);
    if (is->kind == PARLEY_ISSUE_DISCRETE) {
        size_t count = 0;
        for (const xmlNode *k = n->children; k; k = k->next)
            if (gx_is(k, "item"))
                count++;
        if (count == 0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                "discrete issue %lld ('%s') has no <item value=...> children; "
                                "list its values, or give it type=\"integer\"/\"real\"",
                                (long long)gindex, name);
        if (count > PARLEY_MAX_VALUES)
            return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(n), 0,
                                "issue %lld has %zu values, over the limit of %u",
                                (long long)gindex, count, PARLEY_MAX_VALUES);
        const char **vals = parleyx_calloc(d->a, count, sizeof(char *));
        gx_label *sorted = parleyx_calloc(d->a, count, sizeof(gx_label));
        if (!vals || !sorted) {
            parleyx_free(d->a, vals, count * sizeof(char *));
            parleyx_free(d->a, sorted, count * sizeof(gx_label));
            return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        }
        size_t m = 0;
        for (const xmlNode *k = n->children; k; k = k->next) {
            if (!gx_is(k, "item"))
                continue;
            const char *v = gx_attr(c, k, "value");
            if (!v) {
                st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                  "<item> of issue %lld ('%s') has no 'value' attribute",
                                  (long long)gindex, name);
                break;
            }
            vals[m] = v;
            sorted[m].s = v;
            sorted[m].k = (uint32_t)m;
            m++;
        }
        if (!st) {
            qsort(sorted, count, sizeof(gx_label), gx_label_cmp);
            for (size_t j = 1; j < count && !st; j++)
                if (strcmp(sorted[j].s, sorted[j - 1].s) == 0)
                    st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                      "issue %lld ('%s') lists the value '%s' twice; values "
                                      "must be distinct",
                                      (long long)gindex, name, sorted[j].s);
        }
        if (!st) {
            st = parley_scenario_add_discrete(sc, name, count, vals, &is->pi, &e);
            st = gx_builder(c, st, &e, n, what);
        }
        parleyx_free(d->a, vals, count * sizeof(char *));
        /* copy the labels, so the domain document can go before the
         * profiles are parsed (one DOM alive at a time) */
        size_t total = 0;
        for (size_t j = 0; j < count && !st; j++)
            total += strlen(sorted[j].s) + 1;
        char *lab = st ? NULL : parleyx_malloc(d->a, total);
        if (!st && !lab)
            st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        if (st) {
            parleyx_free(d->a, sorted, count * sizeof(gx_label));
            return st;
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
    } else if (is->kind == PARLEY_ISSUE_INTEGER) {
        int64_t lo, hi;
        if ((st = gx_need_integer(c, n, "lowerbound", &lo, "an integer issue")) ||
            (st = gx_need_integer(c, n, "upperbound", &hi, "an integer issue")))
            return st;
        if (lo > hi)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                "integer issue %lld ('%s'): lowerbound %lld is above upperbound "
                                "%lld; swap them",
                                (long long)gindex, name, (long long)lo, (long long)hi);
        st = parley_scenario_add_integer(sc, name, lo, hi, 1, &is->pi, &e);
        if ((st = gx_builder(c, st, &e, n, what)))
            return st;
        is->nvalues = parley_issue_value_count(sc, is->pi);
    } else {
        const xmlNode *r = gx_first_child(n, "range");
        if (!r)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                                "real issue %lld ('%s') has no <range lowerbound=... "
                                "upperbound=...> child",
                                (long long)gindex, name);
        double lo, hi;
        if ((st = gx_need_number(c, r, "lowerbound", &lo, "a real issue's range")) ||
            (st = gx_need_number(c, r, "upperbound", &hi, "a real issue's range")))
            return st;
        if (lo > hi)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(r), 0,
                                "real issue %lld ('%s'): lowerbound is above upperbound; swap "
                                "them",
                                (long long)gindex, name);
        st = parley_scenario_add_real(sc, name, lo, hi, grid, &is->pi, &e);
        if ((st = gx_builder(c, st, &e, r, what)))
            return st;
        is->nvalues = parley_issue_value_count(sc, is->pi);
    }
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
    if (d->nobjs == d->capobjs) {
        size_t nc = d->capobjs ? d->capobjs * 2 : 8;
        int64_t *t = parleyx_realloc(d->a, d->objs, d->capobjs * sizeof(int64_t),
                                     nc * sizeof(int64_t));
        if (!t)
            return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        d->objs = t;
        d->capobjs = nc;
    }
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

static parley_status gx_read_domain(const char *path, const parley_load_options *opt,
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

/* ------------------------------------------------------------ a profile */

typedef struct gx_pend {
    bool set;
    parley_eval_kind kind;
    double a, b, c;
    double w;
    double *table;          /* discrete: nvalues evaluations (final) */
    unsigned line;
} gx_pend;

typedef struct gx_weight {
    int64_t index;
    double w;
} gx_weight;

typedef struct gx_profile {
    gx_ctx c;
    gx_domain *d;
    gx_pend *pend;          /* d->n */
    bool has_rv, has_d;
    double rv, disc;
    gx_weight *ws;          /* scratch: weights of one level */
    size_t capws;
    double *evals;          /* scratch: per domain value */
    size_t capevals;
} gx_profile;

static void gx_pend_clear(gx_profile *p, gx_pend *q, size_t nvalues)
{
    parleyx_free(p->c.a, q->table, nvalues * sizeof(double));
    memset(q, 0, sizeof *q);
}

/* Extra items whose value is not in the domain: they count in the max. */
typedef struct gx_extra {
    const char *s;
    size_t order;
    double e;
} gx_extra;

static int gx_extra_cmp(const void *x, const void *y)
{
    const gx_extra *a = x, *b = y;
    int r = strcmp(a->s, b->s);
    return r ? r : (a->order < b->order ? -1 : a->order > b->order);
}

static parley_status gx_discrete_eval(gx_profile *p, gx_issue *is, const xmlNode *n, gx_pend *q)
{
    gx_ctx *c = &p->c;
    size_t nv = is->nvalues;
    double *table = parleyx_malloc(c->a, nv * sizeof(double));
    bool *seen = parleyx_calloc(c->a, nv ? nv : 1, sizeof(bool));
    size_t nextra = 0, capextra = 0;
    gx_extra *extra = NULL;
    parley_status st = PARLEY_OK;
    if (!table || !seen) {
        st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
        goto out;
    }
    size_t order = 0;
    double null_e = 0.0;
    bool has_null = false;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!gx_is(k, "item"))
            continue;
        order++;
        const char *v = gx_attr(c, k, "value");
        const char *es = gx_attr(c, k, "evaluation");
        if (!es || strcmp(es, "null") == 0)
            continue; /* GENIUS skips items without an evaluation */
        double e;
        if (!gx_number(es, &e)) {
            st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                              "evaluation '%s' of value '%s' (issue %lld, '%s') is not a finite "
                              "decimal number; evaluations are numbers >= 0",
                              es, v ? v : "(no value)", (long long)is->gindex, is->name);
            goto out;
        }
        if (e < 0) {
            st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                              "evaluation %s of value '%s' (issue %lld, '%s') is negative; "
                              "GENIUS evaluations must be >= 0",
                              es, v ? v : "(no value)", (long long)is->gindex, is->name);
            goto out;
        }
        if (!v) {
            /* GENIUS keys it as a null value: no domain value, but it
             * counts in the maximum (last one wins) */
            null_e = e;
            has_null = true;
            continue;
        }
        long kk = gx_find_label(is, v);
        if (kk >= 0) {
            table[kk] = e; /* last wins */
            seen[kk] = true;
        } else {
            if (nextra == capextra) {
                size_t nc = capextra ? capextra * 2 : 8;
                gx_extra *t = parleyx_realloc(c->a, extra, capextra * sizeof(gx_extra),
                                              nc * sizeof(gx_extra));
                if (!t) {
                    st = parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
                    goto out;
                }
                extra = t;
                capextra = nc;
            }
            extra[nextra].s = v;
            extra[nextra].order = order;
            extra[nextra].e = e;
            nextra++;
        }
    }
    for (size_t k = 0; k < nv; k++)
        if (!seen[k]) {
            /* find the label text */
            const char *label = "?";
            for (size_t j = 0; j < nv; j++)
                if (is->sorted[j].k == k)
                    label = is->sorted[j].s;
            st = parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                              "value '%s' of issue %lld ('%s') has no evaluation in this "
                              "profile; add <item value=\"%s\" evaluation=...> (GENIUS cannot "
                              "evaluate it either)",
                              label, (long long)is->gindex, is->name, label);
            goto out;
        }
    /* max over the evaluator's map: domain values, then extras (last wins) */
    double max = 0.0;
    bool any = false;
    for (size_t k = 0; k < nv; k++)
        if (!any || table[k] > max) {
            max = table[k];
            any = true;
        }
    if (nextra) {
        qsort(extra, nextra, sizeof(gx_extra), gx_extra_cmp);
        for (size_t j = 0; j < nextra; j++) {
            if (j + 1 < nextra && strcmp(extra[j].s, extra[j + 1].s) == 0)
                continue; /* a later duplicate wins */
            if (!any || extra[j].e > max) {
                max = extra[j].e;
                any = true;
            }
        }
    }
    if (has_null && (!any || null_e > max))
        max = null_e;
    for (size_t k = 0; k < nv; k++)
        table[k] = max < 0.00001 ? 0.0 : table[k] / max;
    q->kind = PARLEY_EVAL_TABLE;
    q->table = table;
    table = NULL;
out:
    parleyx_free(c->a, table, nv * sizeof(double));
    parleyx_free(c->a, seen, (nv ? nv : 1) * sizeof(bool));
    parleyx_free(c->a, extra, capextra * sizeof(gx_extra));
    return st;
}

static parley_status gx_numeric_eval(gx_profile *p, gx_issue *is, const xmlNode *n, gx_pend *q)
{
    gx_ctx *c = &p->c;
    parley_status st;
    const xmlNode *ev = gx_first_child(n, "evaluator");
    if (is->kind == PARLEY_ISSUE_INTEGER) {
        /* EvaluatorInteger: lowerbound of the profile's issue; slope and
         * offset of the first <evaluator> (both 0 without one). */
        int64_t lb;
        if ((st = gx_need_integer(c, n, "lowerbound", &lb, "an integer evaluator (its origin)")))
            return st;
        double slope = 0.0, offset = 0.0;
        if (ev && ((st = gx_need_number(c, ev, "slope", &slope, "an integer evaluator")) ||
                   (st = gx_need_number(c, ev, "offset", &offset, "an integer evaluator"))))
            return st;
        q->kind = PARLEY_EVAL_LINEAR;
        q->a = offset;
        q->b = slope;
        q->c = (double)lb;
        return PARLEY_OK;
    }
    /* EvaluatorReal */
    if (!ev)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "real issue %lld ('%s') has a weight but no <evaluator ftype=...>; "
                            "GENIUS cannot evaluate it either",
                            (long long)is->gindex, is->name);
    const char *ft = gx_attr(c, ev, "ftype");
    if (!ft)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                            "the <evaluator> of real issue %lld ('%s') has no ftype; use "
                            "linear, constant or triangular",
                            (long long)is->gindex, is->name);
    double p0, p1, p2;
    if (gx_ieq(ft, "linear")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a linear evaluator")) ||
            (st = gx_need_number(c, ev, "parameter1", &p1, "a linear evaluator")))
            return st;
        q->kind = PARLEY_EVAL_LINEAR;
        q->a = p0;
        q->b = p1;
        q->c = 0.0;
        return PARLEY_OK;
    }
    if (gx_ieq(ft, "constant")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a constant evaluator")))
            return st;
        if (p0 < 0.0 || p0 > 1.0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                                "constant evaluation %g of issue %lld ('%s') is outside [0, 1]",
                                p0, (long long)is->gindex, is->name);
        q->kind = PARLEY_EVAL_CONSTANT;
        q->a = p0;
        return PARLEY_OK;
    }
    if (gx_ieq(ft, "triangular")) {
        if ((st = gx_need_number(c, ev, "parameter0", &p0, "a triangular evaluator")) ||
            (st = gx_need_number(c, ev, "parameter1", &p1, "a triangular evaluator")) ||
            (st = gx_need_number(c, ev, "parameter2", &p2, "a triangular evaluator")))
            return st;
        if (!(p0 <= p2 && p2 <= p1))
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(ev), 0,
                                "triangular evaluator of issue %lld ('%s') needs parameter0 "
                                "(low) <= parameter2 (top) <= parameter1 (high)",
                                (long long)is->gindex, is->name);
        q->kind = PARLEY_EVAL_TRIANGULAR;
        q->a = p0;
        q->b = p2;
        q->c = p1;
        return PARLEY_OK;
    }
    return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(ev), 0,
                        "real evaluator ftype '%s' of issue %lld ('%s') is not supported yet "
                        "(GENIUS cannot load it from XML either); use linear, constant or "
                        "triangular",
                        ft, (long long)is->gindex, is->name);
}

/* One <issue> child of a level whose weights are p->ws[0..nw). */
static parley_status gx_profile_issue(gx_profile *p, const xmlNode *n, size_t nw)
{
    gx_ctx *c = &p->c;
    gx_domain *d = p->d;
    int64_t gindex;
    parley_status st = gx_need_integer(c, n, "index", &gindex, "every profile issue");
    if (st)
        return st;
    gx_issue *is = gx_find_issue(d, gindex);
    if (!is) {
        if (gx_is_objective(d, gindex))
            return PARLEY_OK;
        char list[200];
        gx_index_list(d, list, sizeof list);
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "profile issue index %lld does not exist in the domain %s (issues "
                            "%s); fix the index or use the matching domain",
                            (long long)gindex, gx_basename(d->path), list);
    }
    const gx_weight *w = NULL;
    for (size_t k = nw; k-- > 0;)
        if (p->ws[k].index == gindex) {
            w = &p->ws[k];
            break;
        }
    if (!w)
        return PARLEY_OK; /* no weight: no evaluator (GENIUS) */
    const char *type = gx_attr(c, n, "type");
    parley_issue_kind kind = is->kind;
    if (type) {
        if (gx_ieq(type, "objective"))
            return PARLEY_OK; /* an objective evaluator; GENIUS ignores it */
        if (!gx_ieq(type, "discrete") && !gx_ieq(type, "integer") && !gx_ieq(type, "real"))
            return parleyx_fail(c->err, PARLEY_ERR_UNSUPPORTED, c->path, gx_line(n), 0,
                                "evaluator type '%s' of issue %lld ('%s') is not supported "
                                "yet (GENIUS knows discrete, integer and real); this profile "
                                "cannot be evaluated",
                                type, (long long)gindex, is->name);
        kind = gx_kind_of(type);
    }
    if (kind != is->kind)
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(n), 0,
                            "issue %lld ('%s') is %s in the domain %s but the profile gives it "
                            "a %s evaluator; fix the type or use the matching domain",
                            (long long)gindex, is->name, gx_kind_name(is->kind),
                            gx_basename(d->path), gx_kind_name(kind));
    gx_pend *q = &p->pend[is - d->is];
    gx_pend fresh;
    memset(&fresh, 0, sizeof fresh);
    if (kind == PARLEY_ISSUE_DISCRETE)
        st = gx_discrete_eval(p, is, n, &fresh);
    else
        st = gx_numeric_eval(p, is, n, &fresh);
    if (st)
        return st;
    gx_pend_clear(p, q, is->nvalues);
    *q = fresh;
    q->set = true;
    q->w = w->w;
    q->line = gx_line(n);
    return PARLEY_OK;
}

/* AdditiveUtilitySpace.loadTreeRecursive, on every element in preorder. */
static parley_status gx_profile_walk(gx_profile *p, const xmlNode *n, int depth)
{
    gx_ctx *c = &p->c;
    parley_status st;
    if (depth > GX_MAX_DEPTH)
        return parleyx_fail(c->err, PARLEY_ERR_LIMIT, c->path, gx_line(n), 0,
                            "elements nested deeper than %d levels", GX_MAX_DEPTH);
    const xmlNode *r = gx_first_child(n, "reservation");
    if (r) {
        double v;
        if ((st = gx_need_number(c, r, "value", &v, "the reservation value")))
            return st;
        p->rv = v;
        p->has_rv = true;
    }
    const xmlNode *df = gx_first_child(n, "discount_factor");
    if (df) {
        double v;
        if ((st = gx_need_number(c, df, "value", &v, "the discount factor")))
            return st;
        p->disc = (v <= 0.0 || v > 1.0) ? 1.0 : v; /* validateDiscount */
        p->has_d = true;
    }
    /* the weights of this level (later ones win) */
    size_t nw = 0;
    bool issues = false;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (gx_is(k, "issue"))
            issues = true;
        if (!gx_is(k, "weight"))
            continue;
        int64_t idx;
        double w;
        if ((st = gx_need_integer(c, k, "index", &idx, "a weight")) ||
            (st = gx_need_number(c, k, "value", &w, "a weight")))
            return st;
        if (w < 0)
            return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->path, gx_line(k), 0,
                                "weight %g of issue index %lld is negative; weights are >= 0",
                                w, (long long)idx);
        if (nw == p->capws) {
            size_t ncap = p->capws ? p->capws * 2 : 16;
            gx_weight *t = parleyx_realloc(c->a, p->ws, p->capws * sizeof(gx_weight),
                                           ncap * sizeof(gx_weight));
            if (!t)
                return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->path, 0, 0, "out of memory");
            p->ws = t;
            p->capws = ncap;
        }
        p->ws[nw].index = idx;
        p->ws[nw].w = w;
        nw++;
    }
    if (issues)
        for (const xmlNode *k = n->children; k; k = k->next)
            if (gx_is(k, "issue") && (st = gx_profile_issue(p, k, nw)))
                return st;
    for (const xmlNode *k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && (st = gx_profile_walk(p, k, depth + 1)))
            return st;
    return PARLEY_OK;
}

static parley_status gx_read_profile(const char *path, const parley_load_options *opt,
                                     parley_scenario *sc, gx_domain *d, parley_error *err)
{
    xmlDocPtr doc;
    parley_status st = gx_parse_file(path, opt, &doc, err);
    if (st)
        return st;
    gx_profile p;
    memset(&p, 0, sizeof p);
    p.c.a = d->a;
    p.c.path = path;
    p.c.err = err;
    p.d = d;
    p.disc = 1.0;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (gx_is(root, "negotiation_template")) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "this is a GENIUS domain (<negotiation_template>) where a profile "
                          "(<utility_space>) was expected; give the domain once, first, then "
                          "the profiles");
        goto done;
    }
    if (!gx_is(root, "utility_space")) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "the root element is <%s>; a GENIUS profile has the root "
                          "<utility_space>",
                          (const char *)root->name);
        goto done;
    }
    const char *type = gx_attr(&p.c, root, "type");
    if (type && *type && !gx_ieq(type, "linear")) {
        if (gx_ieq(type, "nonlinear"))
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path, gx_line(root), 0,
                              "nonlinear (hyper-rectangle) GENIUS profiles are not supported "
                              "yet (<utility_space type=\"nonlinear\">)");
        else if (gx_ieq(type, "constraint"))
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path, gx_line(root), 0,
                              "constraint GENIUS profiles (ranks and zero-outcome constraints) "
                              "are not supported yet (<utility_space type=\"constraint\">)");
        else
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, path, gx_line(root), 0,
                              "GENIUS utility space type '%s' is not supported yet; parley "
                              "reads additive profiles (no type attribute)",
                              type);
        goto done;
    }
    p.pend = parleyx_calloc(d->a, d->n, sizeof(gx_pend));
    if (!p.pend) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    if ((st = gx_profile_walk(&p, root, 0)))
        goto done;
    /* Build the party. */
    size_t party;
    if ((st = gx_add_party_for(sc, path, &party, err)))
        goto done;
    bool positive = false;
    for (size_t i = 0; i < d->n && !st; i++) {
        gx_pend *q = &p.pend[i];
        if (!q->set)
            continue;
        gx_issue *is = &d->is[i];
        parley_status s2 = PARLEY_OK;
        switch (q->kind) {
        case PARLEY_EVAL_TABLE:
            for (size_t k = 0; k < is->nvalues && !s2; k++)
                s2 = parley_party_set_value_eval(sc, party, is->pi, k, q->table[k]);
            break;
        case PARLEY_EVAL_LINEAR:
            s2 = parley_party_set_linear(sc, party, is->pi, q->a, q->b, q->c);
            break;
        case PARLEY_EVAL_TRIANGULAR:
            s2 = parley_party_set_triangular(sc, party, is->pi, q->a, q->b, q->c);
            break;
        case PARLEY_EVAL_CONSTANT:
            s2 = parley_party_set_constant(sc, party, is->pi, q->a);
            break;
        default:
            break;
        }
        if (!s2)
            s2 = parley_party_set_weight(sc, party, is->pi, q->w);
        if (s2)
            st = parleyx_fail(err, s2, path, q->line, 0,
                              "issue %lld ('%s'): the model refused this evaluator or weight "
                              "(%s)",
                              (long long)is->gindex, is->name, parley_strerror(s2));
        if (q->w > 0)
            positive = true;
    }
    if (st)
        goto done;
    if (!positive) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, path, gx_line(root), 0,
                          "the profile gives no issue of the domain %s a positive weight (a "
                          "<weight index=... value=...> beside each <issue>); it has no "
                          "preferences to analyse",
                          gx_basename(d->path));
        goto done;
    }
    if (p.has_rv && (st = parley_party_set_reservation(sc, party, p.rv)))
        st = parleyx_fail(err, st, path, 0, 0, "the model refused the reservation value %g", p.rv);
    if (!st && p.has_d && (st = parley_party_set_discount(sc, party, p.disc)))
        st = parleyx_fail(err, st, path, 0, 0, "the model refused the discount factor %g", p.disc);
done:
    if (p.pend)
        for (size_t i = 0; i < d->n; i++)
            gx_pend_clear(&p, &p.pend[i], d->is[i].nvalues);
    parleyx_free(d->a, p.pend, d->n * sizeof(gx_pend));
    parleyx_free(d->a, p.ws, p.capws * sizeof(gx_weight));
    gx_ctx_release(&p.c);
    xmlFreeDoc(doc);
    return st;
}

/* ------------------------------------------------------------ public */

parley_status parley_genius_read_files(const char *domain, size_t nprofiles,
                                       const char *const *profiles,
                                       const parley_load_options *opt, parley_scenario **out,
                                       parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "out must not be NULL");
    *out = NULL;
    if (!domain || (nprofiles && !profiles))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "give a GENIUS domain file and its profile files");
    for (size_t k = 0; k < nprofiles; k++)
        if (!profiles[k])
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "profile path %zu is NULL", k);
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
        char *data;
        size_t size;
        parley_status st = gx_read_file(domain, opt, &data, &size, err);
        if (st)
            return st;
        bool json = gx_looks_like_json(data, size);
        parleyx_free(opt ? opt->alloc : NULL, data, size + 1);
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

/* --- folders --- */

typedef enum gx_fkind { GXF_SKIP = 0, GXF_DOMAIN, GXF_PROFILE, GXF_WDOMAIN, GXF_WPROFILE } gx_fkind;

static int gx_strcmp_p(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The root element's name, found by skipping the prolog textually (blanks,
 * comments, processing instructions, a DOCTYPE).  false when the text does
 * not start like XML. */
static bool gx_root_name(const char *s, size_t n, char *name, size_t cap)
{
    size_t i = gx_skip_bom(s, n);
    for (;;) {
        while (i < n && gx_blank((unsigned char)s[i]))
            i++;
        if (i >= n || s[i] != '<')
            return false;
        const char *end = NULL;
        if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
            for (size_t k = i + 4; k + 3 <= n && !end; k++)
                if (memcmp(s + k, "-->", 3) == 0)
                    end = s + k + 3;
        } else if (i + 2 <= n && s[i + 1] == '?') {
            for (size_t k = i + 2; k + 2 <= n && !end; k++)
                if (s[k] == '?' && s[k + 1] == '>')
                    end = s + k + 2;
        } else if (i + 2 <= n && s[i + 1] == '!') {
            int depth = 0;
            for (size_t k = i + 2; k < n && !end; k++) {
                if (s[k] == '[')
                    depth++;
                else if (s[k] == ']')
                    depth--;
                else if (s[k] == '>' && depth <= 0)
                    end = s + k + 1;
            }
        } else {
            size_t k = i + 1, m = 0;
            while (k < n && !gx_blank((unsigned char)s[k]) && s[k] != '>' && s[k] != '/' &&
                   m + 1 < cap)
                name[m++] = s[k++];
            name[m] = '\0';
            return m > 0;
        }
        if (!end)
            return false;
        i = (size_t)(end - s);
    }
}

static parley_status gx_classify(const char *path, const parley_load_options *opt, gx_fkind *kind,
                                 parley_error *err)
{
    char *data;
    size_t size;
    *kind = GXF_SKIP;
    parley_status st = gx_read_file(path, opt, &data, &size, err);
    if (st)
        return st;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    char root[64];
    if (gx_looks_like_json(data, size)) {
        gw_kind k = gw_classify(data, size);
        *kind = k == GW_DOMAIN ? GXF_WDOMAIN : k == GW_PROFILE ? GXF_WPROFILE : GXF_SKIP;
    } else if (gx_root_name(data, size, root, sizeof root)) {
        /* not XML at all (pareto.xml) or another root: skipped; a broken
         * domain or profile is reported when it is read */
        if (strcmp(root, "negotiation_template") == 0)
            *kind = GXF_DOMAIN;
        else if (strcmp(root, "utility_space") == 0)
            *kind = GXF_PROFILE;
    }
    parleyx_free(a, data, size + 1);
    return PARLEY_OK;
}

parley_status parley_genius_read_folder(const char *dir, const parley_load_options *opt,
                                        parley_scenario **out, parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "out must not be NULL");
    *out = NULL;
    if (!dir)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no folder given");
    const parley_allocator *a = opt ? opt->alloc : NULL;
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--; /* "folder/" names files "folder/x.xml" */
    DIR *dh = opendir(dir);
    if (!dh)
        return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0, "cannot open the folder: %s",
                            strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    parley_status st = PARLEY_OK;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (!gx_iends(de->d_name, ".xml") && !gx_iends(de->d_name, ".json"))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **t = parleyx_realloc(a, names, cap * sizeof(char *), nc * sizeof(char *));
            if (!t) {
                st = PARLEY_ERR_NOMEM;
                break;
            }
            names = t;
            cap = nc;
        }
        size_t len = dlen + 1 + strlen(de->d_name);
        char *full = parleyx_malloc(a, len + 1);
        if (!full) {
            st = PARLEY_ERR_NOMEM;
            break;
        }
        snprintf(full, len + 1, "%.*s/%s", (int)dlen, dir, de->d_name);
        names[n++] = full;
    }
    closedir(dh);
    const char **profiles = NULL;
    const char *domain = NULL;
    size_t np = 0;
    if (st) {
        st = parleyx_fail(err, st, dir, 0, 0, "out of memory listing the folder");
        goto done;
    }
    /* file-name order (strcmp on the names; same folder prefix) */
    if (n > 1)
        qsort(names, n, sizeof(char *), gx_strcmp_p);
    profiles = parleyx_calloc(a, n ? n : 1, sizeof(char *));
    if (!profiles) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    bool json = false, xml = false;
    for (size_t k = 0; k < n; k++) {
        struct stat sb;
        if (stat(names[k], &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        gx_fkind kind;
        if ((st = gx_classify(names[k], opt, &kind, err)))
            goto done;
        if (kind == GXF_DOMAIN || kind == GXF_WDOMAIN) {
            if (domain) {
                st = parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                                  "the folder holds two domains, %s and %s; keep one domain "
                                  "per folder, or give the files explicitly",
                                  gx_basename(domain), gx_basename(names[k]));
                goto done;
            }
            domain = names[k];
        } else if (kind == GXF_PROFILE || kind == GXF_WPROFILE)
            profiles[np++] = names[k];
        if (kind == GXF_DOMAIN || kind == GXF_PROFILE)
            xml = true;
        if (kind == GXF_WDOMAIN || kind == GXF_WPROFILE)
            json = true;
    }
    if (!domain) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                          "no GENIUS domain in the folder: no .xml file has the root "
                          "<negotiation_template> (nor a GeniusWeb .json domain)");
        goto done;
    }
    if (np == 0) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                          "no profile in the folder: no .xml file has the root <utility_space> "
                          "(nor a GeniusWeb .json profile)");
        goto done;
    }
    if (json && xml) {
        st = parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                          "the folder mixes GENIUS XML and GeniusWeb JSON files; keep one "
                          "format per folder");
        goto done;
    }
    st = parley_genius_read_files(domain, np, profiles, opt, out, err);
done:
    parleyx_free(a, (void *)profiles, (n ? n : 1) * sizeof(char *));
    for (size_t k = 0; k < n; k++)
        parleyx_strfree(a, names[k]);
    parleyx_free(a, names, cap * sizeof(char *));
    return st;
}
