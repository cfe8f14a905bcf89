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
