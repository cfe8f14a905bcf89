/*
 * genius_repair.c -- GENIUS XML text to a DOM: the strict parse first, the
 * repairs when it fails.
 *
 * The file is first parsed strictly by the XML front end (xml_front.c,
 * shared with KTAB: no network, no DTD loading, no XInclude, entities
 * never substituted; a document that declares any entity is refused
 * before it can expand).  When the strict parse fails, well-defined
 * textual repairs are applied and the text is parsed again: bytes that are
 * not UTF-8 are re-read as Windows-1252 (the superset of ISO-8859-1 that
 * WHATWG uses for the "latin1" label); an XML declaration that is not at
 * the very start (after a comment, GENIUS's anac/y2014 profiles) is
 * blanked out, keeping its encoding; a bare '&' that starts no predefined
 * entity or character reference becomes "&amp;"; a '<' inside an
 * attribute value becomes "&lt;", and a missing blank between two
 * attributes is inserted.
 *
 * Invariant: the repairs keep every newline, so reported line numbers stay
 * those of the file.  The repaired text is one px_buf (from the caller's
 * allocator), freed before returning; when no repair applies the first
 * parse's error is the one reported.
 */
#include "io/genius_io.h"
#include "io/xml_front.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

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

/* Where the text being repaired stands: the lexer state of the body. */
typedef enum gx_state {
    GXS_TEXT = 0,
    GXS_TAG,
    GXS_QUOTE,
    GXS_COMMENT,
    GXS_PI,
    GXS_CDATA,
    GXS_DECL
} gx_state;

/* One repair pass: s (UTF-8 or, when latin, Windows-1252) copied into out
 * with the repairs applied. */
typedef struct gx_repairer {
    const char *s;
    size_t n;
    bool latin;           /* transcode Windows-1252 to UTF-8 */
    px_buf *out;
    bool changed;         /* anything but the transcoding changed */
    char encbuf[64];
    const char *encoding; /* named by a misplaced declaration (in encbuf), or NULL */
    gx_state state;
    char quote;           /* GXS_QUOTE: the quote that closes the value */
    bool after_quote;     /* GXS_TAG: the byte before closed a value */
    int decl_depth;       /* GXS_DECL: '[' nesting */
} gx_repairer;

/* s[i..] starts with lit. */
static bool gx_at(const gx_repairer *r, size_t i, const char *lit)
{
    size_t m = strlen(lit);
    return i + m <= r->n && memcmp(r->s + i, lit, m) == 0;
}

/* Write text in place of the byte at i (a repair); 1 byte used. */
static size_t gx_replace(gx_repairer *r, const char *text)
{
    parleyx_buf_puts(r->out, text);
    r->changed = true;
    return 1;
}

/* Copy the m bytes at i as they are and enter state; m bytes used. */
static size_t gx_enter(gx_repairer *r, size_t i, size_t m, gx_state state)
{
    parleyx_buf_add(r->out, r->s + i, m);
    r->state = state;
    return m;
}

/* The offset just past the "-->" closing the comment that starts at j, or
 * 0 when it is not closed. */
static size_t gx_comment_end(const char *s, size_t n, size_t j)
{
    for (size_t k = j + 4; k + 3 <= n; k++)
        if (memcmp(s + k, "-->", 3) == 0)
            return k + 3;
    return 0;
}

/* Keep the encoding named by the misplaced declaration s[j..k), unless it
 * is UTF-8 (r->encoding, copied into r->encbuf). */
static void gx_misplaced_encoding(gx_repairer *r, size_t j, size_t k)
{
    const char *s = r->s, *enc = NULL;
    for (size_t p = j; p + 8 < k; p++)
        if (memcmp(s + p, "encoding", 8) == 0) {
            enc = s + p + 8;
            break;
        }
    if (!enc)
        return;
    while (enc < s + k && (gx_blank((unsigned char)*enc) || *enc == '='))
        enc++;
    if (!(enc < s + k && (*enc == '"' || *enc == '\'')))
        return;
    char q = *enc++;
    size_t m = 0;
    while (enc + m < s + k && enc[m] != q && m + 1 < sizeof r->encbuf)
        m++;
    memcpy(r->encbuf, enc, m);
    r->encbuf[m] = '\0';
    if (m && !gx_ieq(r->encbuf, "utf-8") && !gx_ieq(r->encbuf, "utf8"))
        r->encoding = r->encbuf;
}

/* 1. The prolog from offset i: blanks, comments and XML declarations are
 * copied, except that a declaration not at the very start is blanked out
 * (its newlines kept).  Returns the offset where the prolog ends. */
static size_t gx_repair_prolog(gx_repairer *r, size_t i)
{
    const char *s = r->s;
    size_t n = r->n, start = i;
    for (;;) {
        size_t j = i;
        while (j < n && gx_blank((unsigned char)s[j]))
            j++;
        if (gx_at(r, j, "<!--")) {
            size_t e = gx_comment_end(s, n, j);
            if (!e)
                break;
            gx_copy(r->out, s + i, e - i, r->latin);
            i = e;
            continue;
        }
        if (!(j + 5 < n && memcmp(s + j, "<?xml", 5) == 0 && gx_blank((unsigned char)s[j + 5])))
            break;
        size_t k = j;
        while (k + 1 < n && !(s[k] == '?' && s[k + 1] == '>'))
            k++;
        if (k + 1 >= n)
            break;
        k += 2;
        if (j == start) {
            gx_copy(r->out, s + i, k - i, r->latin);
        } else {
            gx_misplaced_encoding(r, j, k);
            gx_copy(r->out, s + i, j - i, r->latin);
            for (size_t p = j; p < k; p++)
                parleyx_buf_add(r->out, s[p] == '\n' ? "\n" : " ", 1);
            r->changed = true;
        }
        i = k;
    }
    return i;
}

/* The body's states.  Each step looks at the byte at i and returns how
 * many bytes it has written out, or 0 when the byte is to be copied as it
 * is (the state may have changed). */
static size_t gx_step_text(gx_repairer *r, size_t i)
{
    char c = r->s[i];
    if (c == '&' && !gx_good_ref(r->s, r->n, i))
        return gx_replace(r, "&amp;");
    if (c != '<')
        return 0;
    if (gx_at(r, i, "<!--"))
        return gx_enter(r, i, 4, GXS_COMMENT);
    if (gx_at(r, i, "<![CDATA["))
        return gx_enter(r, i, 9, GXS_CDATA);
    if (gx_at(r, i, "<?")) {
        r->state = GXS_PI;
    } else if (gx_at(r, i, "<!")) {
        r->state = GXS_DECL;
        r->decl_depth = 0;
    } else {
        r->state = GXS_TAG;
        r->after_quote = false;
    }
    return 0;
}

static size_t gx_step_tag(gx_repairer *r, size_t i)
{
    unsigned char c = (unsigned char)r->s[i];
    if (r->after_quote && gx_name_start(c)) {
        parleyx_buf_add(r->out, " ", 1); /* a missing blank between attributes */
        r->changed = true;
    }
    r->after_quote = false;
    if (c == '"' || c == '\'') {
        r->quote = (char)c;
        r->state = GXS_QUOTE;
    } else if (c == '>') {
        r->state = GXS_TEXT;
    }
    return 0;
}

static size_t gx_step_quote(gx_repairer *r, size_t i)
{
    char c = r->s[i];
    if (c == r->quote) {
        r->state = GXS_TAG;
        r->after_quote = true;
        return 0;
    }
    if (c == '&' && !gx_good_ref(r->s, r->n, i))
        return gx_replace(r, "&amp;");
    if (c == '<')
        return gx_replace(r, "&lt;");
    return 0;
}

static size_t gx_step_decl(gx_repairer *r, size_t i)
{
    char c = r->s[i];
    if (c == '[')
        r->decl_depth++;
    else if (c == ']')
        r->decl_depth--;
    else if (c == '>' && r->decl_depth <= 0)
        r->state = GXS_TEXT;
    return 0;
}

static size_t gx_step(gx_repairer *r, size_t i)
{
    switch (r->state) {
    case GXS_TEXT:
        return gx_step_text(r, i);
    case GXS_TAG:
        return gx_step_tag(r, i);
    case GXS_QUOTE:
        return gx_step_quote(r, i);
    case GXS_COMMENT:
        return gx_at(r, i, "-->") ? gx_enter(r, i, 3, GXS_TEXT) : 0;
    case GXS_PI:
        return gx_at(r, i, "?>") ? gx_enter(r, i, 2, GXS_TEXT) : 0;
    case GXS_CDATA:
        return gx_at(r, i, "]]>") ? gx_enter(r, i, 3, GXS_TEXT) : 0;
    case GXS_DECL:
        return gx_step_decl(r, i);
    }
    return 0;
}

/* Copy r->s into r->out applying the repairs: the BOM, the prolog, then the
 * body byte by byte.  False when out of memory. */
static bool gx_repair(gx_repairer *r)
{
    size_t i = gx_skip_bom(r->s, r->n);
    parleyx_buf_add(r->out, r->s, i);
    i = gx_repair_prolog(r, i);
    /* 2. The body. */
    while (i < r->n && !r->out->failed) {
        unsigned char c = (unsigned char)r->s[i];
        if (r->latin && c >= 0x80) {
            gx_copy(r->out, r->s + i, 1, true);
            i++;
            r->after_quote = false;
            continue;
        }
        size_t used = gx_step(r, i);
        if (!used) {
            parleyx_buf_add(r->out, r->s + i, 1);
            used = 1;
        }
        i += used;
    }
    return !r->out->failed;
}

/* A declaration at the start (offset i) naming an encoding other than
 * UTF-8: the bytes are then trusted to be in it, not re-read as Latin-1. */
static bool gx_declares_encoding(const char *data, size_t size, size_t i)
{
    if (!(size - i >= 5 && memcmp(data + i, "<?xml", 5) == 0))
        return false;
    const char *end = memchr(data + i, '>', size - i);
    const char *enc = end ? strstr(data + i, "encoding") : NULL;
    if (!enc || enc >= end)
        return false;
    enc += 8;
    while (enc < end && (gx_blank((unsigned char)*enc) || *enc == '='))
        enc++;
    if (!(enc < end && (*enc == '"' || *enc == '\'')))
        return false;
    char q = *enc++;
    const char *e2 = memchr(enc, q, (size_t)(end - enc));
    size_t m = e2 ? (size_t)(e2 - enc) : 0;
    char name[32];
    if (!(m && m < sizeof name))
        return false;
    memcpy(name, enc, m);
    name[m] = '\0';
    return !gx_ieq(name, "utf-8") && !gx_ieq(name, "utf8");
}

/* Parse a GENIUS XML file already in memory: strictly first, then with the
 * repairs.  On failure err names path, line and column. */
parley_status gx_parse_text(const char *path, const char *data, size_t size,
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
                 !memchr(data, '\0', size) && /* NUL bytes: UTF-16/32, never Latin-1 */
                 !gx_declares_encoding(data, size, i);
    px_buf b;
    parleyx_buf_init(&b, a, (size_t)INT_MAX);
    gx_repairer r = {.s = data, .n = size, .latin = latin, .out = &b};
    if (!gx_repair(&r)) {
        parleyx_buf_free(&b);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory repairing XML");
    }
    if (r.changed || latin) {
        *doc = xf_parse(b.data, b.len, latin ? "UTF-8" : r.encoding, &pe);
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
