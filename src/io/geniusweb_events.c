/*
 * geniusweb_events.c -- JSON text as a stream of events, parsed by yajl
 * (Debian's libyajl, a streaming parser), for the GeniusWeb files that can
 * be big: the domain (millions of values) and the classification of a
 * folder's .json files.  A jansson tree costs about ten times the text;
 * here no tree is kept: each string is decoded in place, into the text
 * itself (a decoded string is never longer than its escaped form), so a
 * label is a pointer into the file's buffer.
 *
 * Invariants: yajl is configured strictly (no comments, UTF-8 validated,
 * one value, no trailing garbage, no partial value); on top of it this file
 * refuses what jansson refuses and yajl lets through, so that the two agree
 * (tests/test_geniusweb.c, reader_agrees_with_jansson): a top-level value
 * that is not an object or an array, nesting deeper than GWY_MAX_DEPTH,
 * \u0000 and lone surrogates in strings (yajl decodes them to a NUL, to '?'
 * or to CESU-8), an integer beyond 64 bits and a real beyond the largest
 * double.  Positions: yajl gives byte offsets; y->pos, line and col count
 * lines and UTF-8 characters over the text before any string there is
 * decoded, and only move forward.  yajl allocates with malloc (its
 * allocations are not checked for failure, so the object's allocator, which
 * may refuse, is not given to it); each of its blocks is freed here.
 */
#include "io/genius_io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <yajl/yajl_parse.h>

/* Count lines and columns up to offset to (never backwards). */
static void gwy_advance(gwy *y, size_t to)
{
    for (; y->pos < to && y->pos < y->n; y->pos++) {
        unsigned char c = (unsigned char)y->s[y->pos];
        if (c == '\n') {
            y->line++;
            y->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            y->col++;
        }
    }
}

void gwy_where(gwy *y, unsigned *line, unsigned *col)
{
    gwy_advance(y, y->msg[0] ? y->at : y->last);
    *line = y->line;
    *col = y->col;
}

/* A syntax error at offset at; 0, which makes yajl stop. */
static int gwy_err(gwy *y, size_t at, const char *fmt, ...) PX_PRINTF(3, 4);
static int gwy_err(gwy *y, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(y->msg, sizeof y->msg, fmt, ap);
    va_end(ap);
    y->at = at < y->pos ? y->pos : at;
    return 0;
}

/* The offset just after the token of the current event. */
static size_t gwy_consumed(const gwy *y)
{
    return yajl_get_bytes_consumed((yajl_handle)y->yajl);
}

/* Hand an event to the consumer. */
static int gwy_call(gwy *y, gwy_ev ev, char *s, size_t len)
{
    int r = y->fn(y, ev, s, len);
    if (r)
        y->stopped = true;
    return r == 0;
}

/* A scalar: not at the top, and (as jansson counts) one level deeper
 * than its array or object. */
static int gwy_value(gwy *y)
{
    if (y->level == 0)
        return gwy_err(y, 0, "'[' or '{' expected near the first value");
    if (y->level >= GWY_MAX_DEPTH)
        return gwy_err(y, y->last, "maximum parsing depth reached");
    return 1;
}

static int gwy_hex4(const char *p)
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

/* The \u escapes of a raw string (yajl has checked their syntax): refuse
 * \u0000 and surrogates that are not a high one followed by a low one. */
static int gwy_escapes(gwy *y, size_t open, size_t close)
{
    for (size_t i = open + 1; i < close; i++) {
        if (y->s[i] != '\\')
            continue;
        if (y->s[++i] != 'u')
            continue;
        int cp = gwy_hex4(y->s + i + 1), lo = -1;
        i += 4;
        if (cp == 0)
            return gwy_err(y, i - 5, "\\u0000 is not allowed");
        if (cp >= 0xD800 && cp <= 0xDBFF && y->s[i + 1] == '\\' && y->s[i + 2] == 'u')
            lo = gwy_hex4(y->s + i + 3);
        if ((cp >= 0xD800 && cp <= 0xDBFF && (lo < 0xDC00 || lo > 0xDFFF)) ||
            (cp >= 0xDC00 && cp <= 0xDFFF))
            return gwy_err(y, i - 5, "invalid Unicode '\\u%04X'", (unsigned)cp);
        if (lo >= 0)
            i += 6;
    }
    return 1;
}

/* A string or a key: check it, then decode it into the text, ending where
 * its closing quote was (a NUL now). */
static int gwy_text(gwy *y, gwy_ev ev, const unsigned char *p, size_t len)
{
    size_t close = gwy_consumed(y) - 1, open = y->last;
    while (open < close && y->s[open] != '"')
        open++;
    if (!gwy_escapes(y, open, close))
        return 0;
    gwy_advance(y, close + 1); /* count before the text changes */
    char *s = y->s + close - len;
    memmove(s, p, len);
    y->s[close] = '\0';
    y->last = close + 1;
    return gwy_call(y, ev, s, len);
}

static int gwy_string(void *ctx, const unsigned char *p, size_t len)
{
    gwy *y = ctx;
    return gwy_value(y) && gwy_text(y, GWY_STRING, p, len);
}

static int gwy_key(void *ctx, const unsigned char *p, size_t len)
{
    return gwy_text(ctx, GWY_KEY, p, len);
}

/* A number: what jansson refuses (an integer beyond 64 bits, a real that
 * overflows) is a syntax error; the consumer gets the text. */
static int gwy_number(void *ctx, const char *p, size_t len)
{
    gwy *y = ctx;
    if (!gwy_value(y))
        return 0;
    if (p < y->s || p + len > y->s + y->n)
        return 1; /* held by yajl at the end of the text: an error follows */
    char *s = y->s + (p - y->s), keep = s[len];
    size_t at = (size_t)(s - y->s);
    s[len] = '\0'; /* the delimiter yajl has already read */
    bool real = strpbrk(s, ".eE") != NULL;
    errno = 0;
    if (real ? isinf(strtod(s, NULL)) : (strtoll(s, NULL, 10), errno == ERANGE)) {
        gwy_err(y, at, "%s near '%.40s'", real ? "real number overflow" : "too big integer", s);
        s[len] = keep;
        return 0;
    }
    y->last = gwy_consumed(y);
    int r = gwy_call(y, GWY_NUMBER, s, len);
    s[len] = keep;
    return r;
}

static int gwy_literal(gwy *y)
{
    if (!gwy_value(y))
        return 0;
    y->last = gwy_consumed(y);
    return gwy_call(y, GWY_LITERAL, NULL, 0);
}

static int gwy_null(void *ctx)
{
    return gwy_literal(ctx);
}

static int gwy_bool(void *ctx, int b)
{
    (void)b;
    return gwy_literal(ctx);
}

static int gwy_open(gwy *y, gwy_ev ev)
{
    y->last = gwy_consumed(y);
    if (y->level >= GWY_MAX_DEPTH)
        return gwy_err(y, y->last - 1, "maximum parsing depth reached");
    if (!gwy_call(y, ev, NULL, 0))
        return 0;
    y->level++;
    return 1;
}

static int gwy_close(gwy *y, gwy_ev ev)
{
    y->last = gwy_consumed(y);
    y->level--;
    return gwy_call(y, ev, NULL, 0);
}

static int gwy_start_map(void *ctx)
{
    return gwy_open(ctx, GWY_START_MAP);
}

static int gwy_end_map(void *ctx)
{
    return gwy_close(ctx, GWY_END_MAP);
}

static int gwy_start_array(void *ctx)
{
    return gwy_open(ctx, GWY_START_ARRAY);
}

static int gwy_end_array(void *ctx)
{
    return gwy_close(ctx, GWY_END_ARRAY);
}

static const yajl_callbacks gwy_callbacks = {
    gwy_null,    gwy_bool,        NULL,          NULL,
    gwy_number,  gwy_string,      gwy_start_map, gwy_key,
    gwy_end_map, gwy_start_array, gwy_end_array,
};

/* Where the token yajl refused starts: yajl stops after it (or inside it,
 * at a bad character), and only blanks and at most one ',' or ':' come
 * between the last token that made an event and it. */
static size_t gwy_token_start(const gwy *y, size_t at)
{
    size_t k = y->last;
    for (int round = 0; round < 2; round++) {
        while (k < at && strchr(" \t\r\n", y->s[k]))
            k++;
        if (round == 0 && k + 1 < at && (y->s[k] == ',' || y->s[k] == ':'))
            k++;
        else
            break;
    }
    return k < at ? k : at;
}

/* yajl's own message ("lexical error: invalid char in json text."), with
 * the text near the token it refused. */
static void gwy_yajl_error(gwy *y, yajl_handle h, size_t at)
{
    at = gwy_token_start(y, at);
    unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)y->s, y->n);
    size_t k = at, ml = m ? strcspn((const char *)m, "\n") : 0;
    while (ml && ((const char *)m)[ml - 1] == '.')
        ml--;
    while (k < y->n && k - at < 20 && !strchr(" \t\r\n,:]}[{", y->s[k]))
        k++;
    if (k == at && k < y->n)
        k++;
    if (at >= y->n)
        gwy_err(y, at, "%.*s near end of file", (int)ml, m ? (const char *)m : "error");
    else
        gwy_err(y, at, "%.*s near '%.*s'", (int)ml, m ? (const char *)m : "error", (int)(k - at),
                y->s + at);
    if (m)
        yajl_free_error(h, m);
}

gwy_result gwy_parse(gwy *y, char *text, size_t n, gwy_fn fn, void *ctx)
{
    memset(y, 0, sizeof *y);
    y->s = text;
    y->n = n;
    y->fn = fn;
    y->ctx = ctx;
    y->line = y->col = 1;
    yajl_handle h = yajl_alloc(&gwy_callbacks, NULL, y);
    if (!h)
        return GWY_NOMEM;
    yajl_config(h, yajl_allow_comments, 0);
    yajl_config(h, yajl_dont_validate_strings, 0);
    yajl_config(h, yajl_allow_trailing_garbage, 0);
    yajl_config(h, yajl_allow_multiple_values, 0);
    yajl_config(h, yajl_allow_partial_values, 0);
    y->yajl = h;
    yajl_status st = yajl_parse(h, (const unsigned char *)text, n);
    size_t at = yajl_get_bytes_consumed(h);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
        at = n;
    }
    if (st == yajl_status_error)
        gwy_yajl_error(y, h, at);
    yajl_free(h);
    y->yajl = NULL;
    if (y->stopped)
        return GWY_STOPPED;
    return y->msg[0] ? GWY_SYNTAX : GWY_OK;
}
