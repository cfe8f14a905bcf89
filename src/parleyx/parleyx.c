/*
 * parleyx.c -- parleyx_ helpers: allocation and array growth, errors,
 * bounded buffers, number formatting, edit distance, exact big counts.
 * See parleyx.h for the contracts and invariants; px_sys.c holds the
 * helpers that touch the system (files, threads).
 */
#include "parleyx.h"

#include <errno.h>
#include <float.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- alloc */

static void *libc_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static void *px_call(const parley_allocator *a, void *p, size_t o, size_t n)
{
    if (a && a->fn)
        return a->fn(a->ud, p, o, n);
    return libc_alloc(NULL, p, o, n);
}

void *parleyx_malloc(const parley_allocator *a, size_t n)
{
    return px_call(a, NULL, 0, n ? n : 1);
}

void *parleyx_calloc(const parley_allocator *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    void *p = px_call(a, NULL, 0, n ? n : 1);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void *parleyx_realloc(const parley_allocator *a, void *p, size_t osize, size_t nsize)
{
    return px_call(a, p, p ? osize : 0, nsize ? nsize : 1);
}

void *parleyx_grow(const parley_allocator *a, void *arr, size_t size, size_t *cap, size_t need,
                   size_t first)
{
    if (need <= *cap)
        return arr;
    size_t nc = *cap ? *cap : (first ? first : 1);
    if (*cap && nc <= SIZE_MAX / 2)
        nc *= 2;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return NULL;
        nc *= 2;
    }
    if (size && nc > SIZE_MAX / size)
        return NULL;
    void *p = parleyx_realloc(a, arr, *cap * size, nc * size);
    if (p)
        *cap = nc;
    return p;
}

void parleyx_free(const parley_allocator *a, void *p, size_t osize)
{
    if (p)
        px_call(a, p, osize, 0);
}

char *parleyx_strndup(const parley_allocator *a, const char *s, size_t n)
{
    char *d = parleyx_malloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *parleyx_strdup(const parley_allocator *a, const char *s)
{
    return parleyx_strndup(a, s, strlen(s));
}

void parleyx_strfree(const parley_allocator *a, char *s)
{
    if (s)
        parleyx_free(a, s, strlen(s) + 1);
}

/* --------------------------------------------------------------- errors */

parley_status parleyx_fail(parley_error *err, parley_status st, const char *file, unsigned line,
                           unsigned column, const char *fmt, ...)
{
    if (!err)
        return st;
    err->status = st;
    if (file) {
        if (file != err->file)
            snprintf(err->file, sizeof err->file, "%s", file);
    } else {
        err->file[0] = '\0';
    }
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

/* --------------------------------------------------------------- buffer */

void parleyx_buf_init(px_buf *b, const parley_allocator *a, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->alloc = a;
    b->limit = limit ? limit : (size_t)1 << 30;
}

void parleyx_buf_free(px_buf *b)
{
    parleyx_free(b->alloc, b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool parleyx_buf_add(px_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return false;
    if (n > b->limit - b->len) {
        b->failed = true;
        return false;
    }
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *d = parleyx_realloc(b->alloc, b->data, b->cap, nc);
        if (!d) {
            b->failed = true;
            return false;
        }
        b->data = d;
        b->cap = nc;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool parleyx_buf_puts(px_buf *b, const char *s)
{
    return parleyx_buf_add(b, s, strlen(s));
}

bool parleyx_buf_vprintf(px_buf *b, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        b->failed = true;
        return false;
    }
    if ((size_t)n < sizeof small) {
        va_end(ap2);
        return parleyx_buf_add(b, small, (size_t)n);
    }
    char *big = parleyx_malloc(b->alloc, (size_t)n + 1);
    if (!big) {
        va_end(ap2);
        b->failed = true;
        return false;
    }
    vsnprintf(big, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    bool ok = parleyx_buf_add(b, big, (size_t)n);
    parleyx_free(b->alloc, big, (size_t)n + 1);
    return ok;
}

bool parleyx_buf_printf(px_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = parleyx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

char *parleyx_buf_take(px_buf *b, size_t *len, size_t *cap)
{
    if (!b->data && !b->failed)
        parleyx_buf_add(b, "", 0);
    char *d = b->data;
    if (len)
        *len = b->len;
    if (cap)
        *cap = b->cap;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

/* ----------------------------------------------------------------- text */

typedef union px_text_hdr {
    struct {
        parley_allocator alloc;
        size_t size;
    } h;
    max_align_t align;
} px_text_hdr;

bool parleyx_text_begin(px_buf *b)
{
    px_text_hdr zero;
    memset(&zero, 0, sizeof zero);
    return parleyx_buf_add(b, (const char *)&zero, sizeof zero);
}

bool parleyx_text_finish(px_buf *b, char **text, size_t *len)
{
    if (b->failed || b->len < sizeof(px_text_hdr)) {
        parleyx_buf_free(b);
        return false;
    }
    const parley_allocator *a = b->alloc;
    size_t blen, bcap;
    char *data = parleyx_buf_take(b, &blen, &bcap);
    px_text_hdr *hdr = (px_text_hdr *)(void *)data;
    memset(hdr, 0, sizeof *hdr);
    if (a)
        hdr->h.alloc = *a;
    hdr->h.size = bcap;
    *text = data + sizeof *hdr;
    if (len)
        *len = blen - sizeof *hdr;
    return true;
}

void parley_text_free(char *text)
{
    if (!text)
        return;
    px_text_hdr *hdr = (px_text_hdr *)(void *)(text - sizeof(px_text_hdr));
    parley_allocator a = hdr->h.alloc;
    parleyx_free(&a, hdr, hdr->h.size);
}

/* -------------------------------------------------------------- numbers */

char *parleyx_fmt_double(double d, char *buf, size_t n)
{
    if (isnan(d)) {
        snprintf(buf, n, "nan");
        return buf;
    }
    if (isinf(d)) {
        snprintf(buf, n, d > 0 ? "inf" : "-inf");
        return buf;
    }
    /* A normal double holds every decimal of 15 digits (DBL_DIG), so when
     * 15 digits read back, %g's dropped zeros leave the shortest form; a
     * subnormal holds fewer, so its search starts at 1 digit (5e-324). */
    int prec = d != 0.0 && fabs(d) < DBL_MIN ? 1 : 15;
    for (; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

/* The end of the digits from p; *nonzero set when one of them is not 0. */
static const char *px_digits(const char *p, bool *digits, bool *nonzero)
{
    for (; *p >= '0' && *p <= '9'; p++) {
        *digits = true;
        *nonzero |= *p != '0';
    }
    return p;
}

px_num parleyx_read_double(const char *s, double *out)
{
    if (!s || !*s)
        return PX_NUM_SYNTAX;
    /* Only plain decimal syntax: digits, one dot, an exponent. */
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool digits = false, nonzero = false;
    p = px_digits(p, &digits, &nonzero);
    if (*p == '.')
        p = px_digits(p + 1, &digits, &nonzero);
    if (!digits)
        return PX_NUM_SYNTAX;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        bool exp = false, expnz = false;
        p = px_digits(p, &exp, &expnz);
        if (!exp)
            return PX_NUM_SYNTAX;
    }
    if (*p)
        return PX_NUM_SYNTAX;
    double v = strtod(s, NULL);
    if (!isfinite(v))
        return PX_NUM_HUGE;
    if (nonzero && v == 0.0)
        return PX_NUM_TINY; /* underflow to zero; subnormals are kept */
    *out = v;
    return PX_NUM_OK;
}

bool parleyx_parse_double(const char *s, double *out)
{
    return parleyx_read_double(s, out) == PX_NUM_OK;
}

const char *parleyx_double_problem(const char *s)
{
    double v;
    switch (parleyx_read_double(s, &v)) {
    case PX_NUM_OK:
        return NULL;
    case PX_NUM_HUGE:
        return "is too large for a double (beyond 1.8e308)";
    case PX_NUM_TINY:
        return "is too small for a double (it would read as 0; the smallest positive double is "
               "4.9e-324); write 0 if you mean zero";
    case PX_NUM_SYNTAX:
        break;
    }
    return "is not a plain decimal number (write digits, an optional fraction and exponent, "
           "such as 0.5, 30 or 1e-3)";
}

bool parleyx_parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end)
        return false;
    *out = (int64_t)v;
    return true;
}

char *parleyx_group_digits(const char *digits, char *buf, size_t n)
{
    size_t len = strlen(digits), o = 0;
    if (n == 0)
        return buf;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0) {
            if (o + 2 >= n)
                break;
            buf[o++] = ',';
        }
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* -------------------------------------------------------------- strings */

size_t parleyx_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 256 || lb > 256)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t row[257];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

const char *parleyx_closest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    size_t cap = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t bestd = cap + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = parleyx_edit_distance(word, cands[i], cap);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return best;
}

/* -------------------------------------------------------------- weights */

bool parleyx_rescale_weights(double *w, size_t n, size_t k, double x, const bool *can)
{
    if (k >= n || !(x >= 0.0 && x <= 1.0))
        return false;
    double rest = 0.0; /* the others' sum, in issue order */
    size_t takers = 0;
    for (size_t i = 0; i < n; i++)
        if (i != k) {
            rest += w[i];
            takers += !can || can[i];
        }
    if (rest > 0.0) {
        double f = (1.0 - x) / rest;
        if (fabs(f - 1.0) <= PARLEYX_WEIGHT_SNAP) /* summed to 1 already: left as written, */
            f = 1.0;                             /* not moved by a rounding of the sum */
        for (size_t i = 0; i < n; i++)
            if (i != k)
                w[i] *= f;
    } else if (x < 1.0) {
        if (takers == 0)
            return false;
        for (size_t i = 0; i < n; i++)
            if (i != k)
                w[i] = !can || can[i] ? (1.0 - x) / (double)takers : 0.0;
    } else {
        for (size_t i = 0; i < n; i++)
            if (i != k)
                w[i] = 0.0;
    }
    w[k] = x;
    return true;
}

/* ------------------------------------------------------------------ big */

void parleyx_big_set(px_big *b, uint32_t v)
{
    memset(b, 0, sizeof *b);
    b->n = 1;
    b->limb[0] = v;
}

void parleyx_big_mul(px_big *b, uint32_t v)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->limb[i] * v + carry;
        b->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) {
        if (b->n < sizeof b->limb / sizeof b->limb[0])
            b->limb[b->n++] = (uint32_t)carry;
        else
            b->overflow = true;
    }
}

bool parleyx_big_text(const px_big *b, char *buf, size_t n)
{
    if (b->overflow) {
        snprintf(buf, n, "overflow");
        return false;
    }
    px_big t = *b;
    char tmp[700];
    size_t len = 0;
    for (;;) {
        /* divide t by 10^9 */
        uint64_t rem = 0;
        for (size_t i = t.n; i-- > 0;) {
            uint64_t cur = (rem << 32) | t.limb[i];
            t.limb[i] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        while (t.n > 1 && t.limb[t.n - 1] == 0)
            t.n--;
        bool zero = t.n == 1 && t.limb[0] == 0;
        for (int k = 0; k < 9; k++) {
            if (zero && rem == 0 && k > 0)
                break;
            tmp[len++] = (char)('0' + rem % 10);
            rem /= 10;
        }
        if (zero)
            break;
    }
    if (len + 1 > n) {
        if (n)
            buf[0] = '\0';
        return false;
    }
    for (size_t i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return true;
}

bool parleyx_big_u64(const px_big *b, uint64_t *out)
{
    if (b->overflow || b->n > 2)
        return false;
    uint64_t v = b->limb[0];
    if (b->n == 2)
        v |= (uint64_t)b->limb[1] << 32;
    *out = v;
    return true;
}

/* ---------------------------------------------------- YAML single quotes */

size_t parleyx_yaml_single_quoted(const char *src, size_t srclen, size_t start, char *out)
{
    size_t i = start, o = 0;
    while (i < srclen) {
        char ch = src[i];
        if (ch == '\'') {
            if (i + 1 < srclen && src[i + 1] == '\'') {
                out[o++] = '\'';
                i += 2;
                continue;
            }
            return o; /* the closing quote */
        }
        if (ch == '\r' || ch == '\n') {
            /* line folding (YAML 1.2, 7.3.2): trailing blanks go, the
             * break becomes a space, or one newline per empty line */
            while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
                o--;
            size_t breaks = 0;
            while (i < srclen && (src[i] == '\r' || src[i] == '\n' || src[i] == ' ' ||
                                  src[i] == '\t')) {
                if (src[i] == '\n' || (src[i] == '\r' && !(i + 1 < srclen && src[i + 1] == '\n')))
                    breaks++;
                i++;
            }
            if (breaks <= 1)
                out[o++] = ' ';
            else
                for (size_t k = 1; k < breaks; k++)
                    out[o++] = '\n';
            continue;
        }
        out[o++] = ch;
        i++;
    }
    return SIZE_MAX; /* no closing quote */
}

/* ------------------------------------------------------------- UTF-8 */

size_t parleyx_utf8_invalid(const char *str, size_t n, bool nul_bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0 && nul_bad)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t v, min;
        if ((c & 0xe0) == 0xc0)
            len = 2, v = c & 0x1fu, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            len = 3, v = c & 0x0fu, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            len = 4, v = c & 0x07u, min = 0x10000;
        else
            return i;
        if (n - i < len)
            return i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            v = (v << 6) | (s[i + k] & 0x3fu);
        }
        if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
            return i;
        i += len;
    }
    return SIZE_MAX;
}

char *parleyx_utf8_escape(const char *s, char *out, size_t n)
{
    size_t len = strlen(s), k = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t w = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        bool bad = c < 0x20 || c == 0x7f ||
                   (c >= 0x80 && parleyx_utf8_invalid(s + i, len - i < 4 ? len - i : 4, true) == 0);
        size_t need = bad ? 4 : w;
        if (k + need >= n)
            break;
        if (bad)
            snprintf(out + k, n - k, "\\x%02x", c);
        else
            memcpy(out + k, s + i, w);
        k += need;
        i += bad ? 1 : w;
    }
    out[k] = '\0';
    return out;
}

void parleyx_utf8_locate(const char *s, size_t n, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    for (size_t i = 0; i < off && i < n; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xc0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}
