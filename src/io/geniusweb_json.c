/*
 * geniusweb_json.c -- a small pull reader of JSON text (RFC 8259), for the
 * GeniusWeb files that can be big: the domain (millions of values) and the
 * classification of a folder's .json files.  A jansson tree costs about ten
 * times the text; this reader keeps no tree: the caller walks the text
 * member by member, and strings are decoded in place, into the text itself
 * (a decoded string is never longer than its escaped form), so a label is
 * a pointer into the file's buffer.
 *
 * Invariants: j->s is NUL-terminated at j->n and writable; after a failed
 * call j->fail holds the first error (a message in jansson's words and the
 * byte offset j->at) and every later call fails at once.  What it accepts
 * is what jansson accepts: no NaN or Infinity, no number that overflows
 * (an integer beyond 64 bits, a real beyond the largest double), no
 * control character or \u0000 in a string, no lone surrogate, nesting at
 * most GWJ_MAX_DEPTH.  Bytes that are not UTF-8 are checked by the caller
 * over the whole text first (parleyx_utf8_invalid).  Allocates nothing.
 */
#include "io/genius_io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void gwj_init(gwj *j, char *text, size_t n)
{
    memset(j, 0, sizeof *j);
    j->s = text;
    j->n = n;
}

/* Record the first error at offset at; always false. */
static bool gwj_err(gwj *j, size_t at, const char *fmt, ...) PX_PRINTF(3, 4);
static bool gwj_err(gwj *j, size_t at, const char *fmt, ...)
{
    if (j->fail)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
    j->fail = true;
    j->at = at;
    return false;
}

/* "near 'xyz'": the token at i, as jansson says it. */
static bool gwj_bad_token(gwj *j, size_t i, const char *what)
{
    if (i >= j->n)
        return gwj_err(j, i, "%s near end of file", what);
    size_t k = i;
    while (k < j->n && k - i < 20 && !strchr(" \t\r\n,:]}[{\"", j->s[k]))
        k++;
    if (k == i)
        k++;
    return gwj_err(j, i, "%s near '%.*s'", what, (int)(k - i), j->s + i);
}

void gwj_ws(gwj *j)
{
    for (; j->i < j->n; j->i++) {
        char c = j->s[j->i];
        if (c == '\n') {
            j->line++;
            j->line_start = j->i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
    }
}

bool gwj_peek(gwj *j, char c)
{
    gwj_ws(j);
    return !j->fail && j->i < j->n && j->s[j->i] == c;
}

bool gwj_expect(gwj *j, char c)
{
    if (j->fail)
        return false;
    if (gwj_peek(j, c)) {
        j->i++;
        return true;
    }
    char what[32];
    snprintf(what, sizeof what, "'%c' expected", c);
    return gwj_bad_token(j, j->i, what);
}

static int gwj_hex4(const char *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Write code point cp as UTF-8 at w; the new end. */
static char *gwj_put_utf8(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* A \u escape at s[*r] (just after the backslash and 'u'), with its low
 * surrogate when it is a high one; the code point, or -1 after an error. */
static long gwj_unicode(gwj *j, size_t *r)
{
    size_t at = *r - 2;
    int hi = gwj_hex4(j->s + *r);
    if (hi < 0)
        return gwj_err(j, at, "invalid escape"), -1;
    *r += 4;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return gwj_err(j, at, "invalid Unicode '\\u%04X'", (unsigned)hi), -1;
    if (hi < 0xD800 || hi > 0xDBFF)
        return hi == 0 ? (gwj_err(j, at, "\\u0000 is not allowed"), -1) : hi;
    int lo = j->s[*r] == '\\' && j->s[*r + 1] == 'u' ? gwj_hex4(j->s + *r + 2) : -1;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return gwj_err(j, at, "invalid Unicode '\\u%04X'", (unsigned)hi), -1;
    *r += 6;
    return 0x10000L + (((long)hi - 0xD800) << 10) + (lo - 0xDC00);
}

bool gwj_string(gwj *j, char **out, size_t *len)
{
    if (!gwj_peek(j, '"'))
        return j->fail ? false : gwj_bad_token(j, j->i, "string expected");
    size_t r = ++j->i;
    char *w = j->s + r, *start = w;
    for (;;) {
        if (r >= j->n)
            return gwj_err(j, r, "premature end of input: unterminated string");
        unsigned char c = (unsigned char)j->s[r];
        if (c == '"')
            break;
        if (c < 0x20)
            return gwj_err(j, r, "control character 0x%x in a string", c);
        if (c != '\\') {
            *w++ = (char)c;
            r++;
            continue;
        }
        char e = r + 1 < j->n ? j->s[r + 1] : '\0';
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *p = e ? strchr(from, e) : NULL;
        if (p) {
            *w++ = to[p - from];
            r += 2;
        } else if (e == 'u') {
            r += 2;
            long cp = gwj_unicode(j, &r);
            if (cp < 0)
                return false;
            w = gwj_put_utf8(w, (unsigned long)cp);
        } else {
            return gwj_err(j, r, "invalid escape");
        }
    }
    j->i = r + 1;
    *w = '\0';
    if (out)
        *out = start;
    if (len)
        *len = (size_t)(w - start);
    return true;
}

bool gwj_number(gwj *j, gwj_num *num)
{
    gwj_ws(j);
    if (j->fail)
        return false;
    size_t i = j->i, b = i;
    const char *s = j->s;
    bool real = false;
    if (i < j->n && s[i] == '-')
        i++;
    if (i < j->n && s[i] == '0')
        i++;
    else if (i < j->n && s[i] >= '1' && s[i] <= '9')
        while (i < j->n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return gwj_bad_token(j, b, "invalid token");
    if (i < j->n && s[i] == '.') {
        real = true;
        if (++i >= j->n || s[i] < '0' || s[i] > '9')
            return gwj_bad_token(j, b, "invalid token");
        while (i < j->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < j->n && (s[i] == 'e' || s[i] == 'E')) {
        real = true;
        if (++i < j->n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= j->n || s[i] < '0' || s[i] > '9')
            return gwj_bad_token(j, b, "invalid token");
        while (i < j->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    char tmp[512];
    size_t len = i - b < sizeof tmp - 1 ? i - b : sizeof tmp - 1;
    memcpy(tmp, s + b, len); /* the text is not NUL-terminated after it */
    tmp[len] = '\0';
    errno = 0;
    num->is_int = !real;
    if (!real) {
        num->i = strtoll(tmp, NULL, 10);
        if (errno == ERANGE)
            return gwj_err(j, b, "too big integer near '%s'", tmp);
        num->d = (double)num->i;
    } else {
        num->d = strtod(tmp, NULL);
        if (isinf(num->d))
            return gwj_err(j, b, "real number overflow near '%s'", tmp);
    }
    j->i = i;
    return true;
}

/* A literal: true, false or null. */
static bool gwj_literal(gwj *j)
{
    static const char *const lits[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(lits[k]);
        if (j->n - j->i >= n && memcmp(j->s + j->i, lits[k], n) == 0) {
            j->i += n;
            return true;
        }
    }
    return gwj_bad_token(j, j->i, "invalid token");
}

int gwj_member(gwj *j, bool *first, char **key)
{
    if (gwj_peek(j, '}')) {
        j->i++;
        return 0;
    }
    if (j->fail || (!*first && !gwj_expect(j, ',')))
        return -1;
    *first = false;
    if (!gwj_string(j, key, NULL) || !gwj_expect(j, ':'))
        return -1;
    return 1;
}

int gwj_element(gwj *j, bool *first)
{
    if (gwj_peek(j, ']')) {
        j->i++;
        return 0;
    }
    if (j->fail || (!*first && !gwj_expect(j, ',')))
        return -1;
    *first = false;
    return 1;
}

bool gwj_skip(gwj *j)
{
    gwj_ws(j);
    if (j->fail)
        return false;
    if (j->i >= j->n)
        return gwj_err(j, j->i, "'[' or '{' expected near end of file");
    char c = j->s[j->i];
    if (c == '"')
        return gwj_string(j, NULL, NULL);
    if (c == '-' || (c >= '0' && c <= '9')) {
        gwj_num num;
        return gwj_number(j, &num);
    }
    if (c != '{' && c != '[')
        return gwj_literal(j);
    if (++j->depth > GWJ_MAX_DEPTH)
        return gwj_err(j, j->i, "maximum parsing depth reached");
    j->i++;
    bool first = true;
    int r;
    if (c == '{') {
        char *key;
        while ((r = gwj_member(j, &first, &key)) == 1)
            if (!gwj_skip(j))
                return false;
    } else {
        while ((r = gwj_element(j, &first)) == 1)
            if (!gwj_skip(j))
                return false;
    }
    j->depth--;
    return r == 0;
}

bool gwj_end(gwj *j)
{
    gwj_ws(j);
    if (j->fail)
        return false;
    if (j->i < j->n)
        return gwj_bad_token(j, j->i, "end of file expected");
    return true;
}

void gwj_where(const gwj *j, unsigned *line, unsigned *col)
{
    /* errors come before the next newline is skipped, so the line is the
     * current one; the column counts UTF-8 characters from its start (a
     * string decoded in place on the same line may shift it a little) */
    *line = j->line + 1;
    size_t c = 1;
    for (size_t k = j->line_start; k < j->at && k < j->n; k++)
        c += ((unsigned char)j->s[k] & 0xC0) != 0x80;
    *col = (unsigned)c;
}
