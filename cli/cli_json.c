/*
 * cli_json.c -- JSON and text pieces the commands share.  JSON is written
 * by hand into a px_buf so that numbers come out in the shortest form
 * that reads back exactly and keys in a fixed order: the same input gives
 * the same bytes.  Non-finite numbers become null.
 */
#include "cli.h"

#include <math.h>
#include <string.h>

void cli_json_str(px_buf *b, const char *s)
{
    parleyx_buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': parleyx_buf_puts(b, "\\\""); break;
        case '\\': parleyx_buf_puts(b, "\\\\"); break;
        case '\n': parleyx_buf_puts(b, "\\n"); break;
        case '\r': parleyx_buf_puts(b, "\\r"); break;
        case '\t': parleyx_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                parleyx_buf_printf(b, "\\u%04x", *p);
            else
                parleyx_buf_add(b, (const char *)p, 1);
        }
    }
    parleyx_buf_add(b, "\"", 1);
}

void cli_json_num(px_buf *b, double x)
{
    char t[40];
    if (!isfinite(x)) {
        parleyx_buf_puts(b, "null");
        return;
    }
    parleyx_fmt_double(x, t, sizeof t);
    if (strcmp(t, "-0") == 0)
        strcpy(t, "0");
    parleyx_buf_puts(b, t);
}

void cli_json_count(px_buf *b, const parley_analysis *an, parley_count_kind k)
{
    char t[64];
    uint64_t v;
    parley_analysis_count_text(an, k, t, sizeof t);
    if (parley_analysis_count(an, k, &v) && v <= (uint64_t)INT64_MAX)
        parleyx_buf_puts(b, t);
    else
        cli_json_str(b, t);
}

void cli_json_utils(px_buf *b, const double *u, size_t d)
{
    parleyx_buf_puts(b, "[");
    for (size_t j = 0; j < d; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, u[j]);
    }
    parleyx_buf_puts(b, "]");
}

void cli_json_outcome(px_buf *b, const parley_scenario *sc, const uint32_t *o, const char *ind)
{
    char t[PARLEY_MAX_NAME + 1];
    size_t m = parley_issue_count(sc);
    parleyx_buf_puts(b, "{");
    for (size_t i = 0; i < m; i++) {
        if (ind)
            parleyx_buf_printf(b, "%s\n%s  ", i ? "," : "", ind);
        else if (i)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_issue_name(sc, i));
        parleyx_buf_puts(b, ": ");
        if (parley_issue_kind_of(sc, i) == PARLEY_ISSUE_DISCRETE)
            cli_json_str(b, parley_issue_value_label(sc, i, o[i], t, sizeof t));
        else
            cli_json_num(b, parley_issue_value_number(sc, i, o[i]));
    }
    if (ind)
        parleyx_buf_printf(b, "\n%s}", ind);
    else
        parleyx_buf_puts(b, "}");
}

void cli_json_solution(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                       parley_solution_kind k, const char *ind)
{
    const double *u;
    const uint32_t *o;
    if (!parley_analysis_solution(an, k, &u, &o)) {
        parleyx_buf_puts(b, "null");
        return;
    }
    char inner[64];
    snprintf(inner, sizeof inner, "%s  ", ind);
    parleyx_buf_printf(b, "{\n%s\"utilities\": ", inner);
    cli_json_utils(b, u, parley_analysis_dims(an));
    parleyx_buf_printf(b, ",\n%s\"outcome\": ", inner);
    cli_json_outcome(b, sc, o, inner);
    parleyx_buf_printf(b, "\n%s}", ind);
}

/* Columns a code point takes on a terminal: 0 for combining marks, 2 for
 * the wide East Asian blocks, 1 otherwise (a short table, not wcwidth:
 * the same bytes give the same layout on every machine). */
static size_t cp_width(uint32_t c)
{
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c == 0xfeff ||
        (c >= 0xfe00 && c <= 0xfe0f))
        return 0;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
        (c >= 0x20000 && c <= 0x3fffd))
        return 2;
    return 1;
}

size_t cli_width(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t w = 0;
    while (*u) {
        size_t len = *u < 0x80 ? 1 : *u < 0xe0 ? 2 : *u < 0xf0 ? 3 : 4;
        uint32_t c = len == 1 ? *u : *u & (0x7fu >> len);
        size_t k = 1;
        for (; k < len && (u[k] & 0xc0) == 0x80; k++)
            c = (c << 6) | (u[k] & 0x3fu);
        w += k == len ? cp_width(c) : 1; /* a broken sequence: one column a byte */
        u += k;
    }
    return w;
}

void cli_pad(px_buf *b, const char *s, size_t width)
{
    parleyx_buf_puts(b, s);
    for (size_t w = cli_width(s); w < width; w++)
        parleyx_buf_add(b, " ", 1);
}

size_t cli_widest(const parley_scenario *sc, size_t n,
                  const char *(*name)(const parley_scenario *, size_t), size_t min)
{
    size_t w = min;
    for (size_t i = 0; i < n; i++)
        if (cli_width(name(sc, i)) > w)
            w = cli_width(name(sc, i));
    return w;
}

void cli_text_outcome(px_buf *b, const parley_scenario *sc, const uint32_t *o, const char *ind)
{
    char t[PARLEY_MAX_NAME + 1];
    size_t m = parley_issue_count(sc), w = cli_widest(sc, m, parley_issue_name, 0);
    for (size_t i = 0; i < m; i++) {
        parleyx_buf_puts(b, ind);
        cli_pad(b, parley_issue_name(sc, i), w);
        parleyx_buf_printf(b, "  %s\n", parley_issue_value_label(sc, i, o[i], t, sizeof t));
    }
}

char *cli_fmt(double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "%s", isnan(x) ? "-" : x > 0 ? "unbounded" : "-unbounded");
        return buf;
    }
    /* 4 significant decimals for reading; trailing zeros dropped */
    snprintf(buf, n, "%.4f", x);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

char *cli_count(unsigned long long v, char *buf, size_t n)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%llu", v);
    return parleyx_group_digits(raw, buf, n);
}
