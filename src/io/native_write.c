/*
 * native_write.c -- the writer of parley's native scenario format
 * (docs/scenario-format.md).
 *
 * What it owns.  Turning a scenario into version-1 YAML text that
 * native_read.c reads back into the same scenario, bit for bit: every
 * number is written with parleyx_fmt_double (the shortest decimal that
 * reads back to exactly the same double), every evaluator in the form that
 * maps to the same builder call (TABLE -> `values`, LINEAR -> `linear:
 * {intercept, slope, origin}`, TRIANGULAR -> `peak`, PIECEWISE -> `points`,
 * CONSTANT -> `constant`).  The scenario is read ONLY through the public
 * accessors of parley.h; the one thing taken from the model's layout is
 * its allocator, so the text is allocated like everything else the
 * scenario owns.
 *
 * Stability.  The output depends on nothing but the scenario: keys in a
 * fixed order (parley, name, description, issues, parties; within an
 * issue description, type, values/range, step, grid; within a party role,
 * description, capability, reservation, discount, position, salience,
 * utility, red-lines; within a utility the issue entries, then
 * `interactions` in term order, then `interaction-divisor` when not 1),
 * issues and parties in index order, utility entries in issue order.  So
 * write(read(write(x))) == write(x) byte for byte.  Defaults left out: an
 * issue's `type: discrete`, `step: 1`, `reservation: 0` (a +0.0; -0.0 is
 * written), `discount: 1`, an empty utility or red-line list.  `role` and
 * a real issue's `grid` are always written (the grid's default depends on
 * the reader's options).  Flow style (`{...}`, `[...]`) is used while a
 * line stays within NW_WIDTH columns, block style beyond.
 *
 * Strings.  Names and labels are written plain when that is safe (a
 * letter or '_' first, then letters, digits, '_', '-', '.', '\'', inner
 * spaces, and not a YAML 1.1 boolean or null word), otherwise in double
 * quotes with escapes; descriptions and rules are always double-quoted.
 * Text that is not valid UTF-8 cannot be written (YAML is Unicode text):
 * PARLEY_ERR_INVALID.  C0/C1 controls, U+2028/2029 and non-characters are
 * escaped.
 *
 * Memory.  The text lives in one block from the scenario's allocator,
 * preceded by a hidden header (parleyx_text_begin/_finish in parleyx.c)
 * holding that allocator and the block size, so parley_text_free needs
 * only the pointer.
 */
#include "parleyx.h"
#include "model/model.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define NW_WIDTH 100 /* flow style while a line fits in this many columns */

typedef struct nw {
    px_buf *b;                 /* where text goes now */
    const parley_scenario *sc;
    parley_status st;          /* first failure */
    char what[256];            /* what failed (invalid UTF-8, non-finite number) */
} nw;

/* ------------------------------------------------------------------ */
/* Strings and numbers                                                  */
/* ------------------------------------------------------------------ */

/* Decode one UTF-8 character at s (n bytes left); returns its length, 0 if
 * malformed (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t nw_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static bool nw_ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* May s be written as a plain YAML scalar, in block and flow context alike? */
static bool nw_plain_ok(const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on",
                                        "off",  "null",  "y",   "n"};
    size_t n = strlen(s);
    if (n == 0 || n > 200)
        return false;
    char c0 = s[0];
    if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == '\'' || c == ' ';
        if (!ok)
            return false;
    }
    if (s[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (nw_ci_eq(s, words[i]))
            return false;
    return true;
}

static void nw_puts(nw *w, const char *s)
{
    if (!parleyx_buf_puts(w->b, s) && w->st == PARLEY_OK)
        w->st = PARLEY_ERR_NOMEM;
}

static void nw_printf(nw *w, const char *fmt, ...) PX_PRINTF(2, 3);
static void nw_printf(nw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = parleyx_buf_vprintf(w->b, fmt, ap);
    va_end(ap);
    if (!ok && w->st == PARLEY_OK)
        w->st = PARLEY_ERR_NOMEM;
}

/* Write s plain when allowed and safe, else double-quoted. */
static void nw_str(nw *w, const char *s, bool allow_plain)
{
    if (!s)
        s = "";
    if (allow_plain && nw_plain_ok(s)) {
        nw_puts(w, s);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, run = 0;
    nw_puts(w, "\"");
    while (i < n) {
        uint32_t cp;
        size_t len = nw_utf8(p + i, n - i, &cp);
        if (len == 0) {
            if (w->st == PARLEY_OK) {
                w->st = PARLEY_ERR_INVALID;
                snprintf(w->what, sizeof w->what,
                         "the text \"%.60s\" is not valid UTF-8 (byte %zu); the native format "
                         "is UTF-8 text: fix the name or description",
                         s, i + 1);
            }
            return;
        }
        char esc[16];
        esc[0] = '\0';
        if (cp == '"')
            snprintf(esc, sizeof esc, "\\\"");
        else if (cp == '\\')
            snprintf(esc, sizeof esc, "\\\\");
        else if (cp == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (cp == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else if (cp == '\r')
            snprintf(esc, sizeof esc, "\\r");
        else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
        else if (cp == 0x2028)
            snprintf(esc, sizeof esc, "\\L");
        else if (cp == 0x2029)
            snprintf(esc, sizeof esc, "\\P");
        else if (cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
        if (esc[0]) {
            if (run && !parleyx_buf_add(w->b, s + i - run, run) && w->st == PARLEY_OK)
                w->st = PARLEY_ERR_NOMEM;
            run = 0;
            nw_puts(w, esc);
        } else {
            run += len;
        }
        i += len;
    }
    if (run && !parleyx_buf_add(w->b, s + n - run, run) && w->st == PARLEY_OK)
        w->st = PARLEY_ERR_NOMEM;
    nw_puts(w, "\"");
}

static void nw_num(nw *w, double d)
{
    char buf[40];
    if (!isfinite(d)) {
        if (w->st == PARLEY_OK) {
            w->st = PARLEY_ERR_INVALID;
            snprintf(w->what, sizeof w->what,
                     "a number is %s; the native format holds finite numbers only",
                     parleyx_fmt_double(d, buf, sizeof buf));
        }
        return;
    }
    nw_puts(w, parleyx_fmt_double(d, buf, sizeof buf));
}

/* A number that may be uncertain (docs/scenario-format.md, "Uncertain
 * numbers"): its distribution when the scenario records one for in, else
 * d as a plain number. */
static void nw_unum(nw *w, const parley_input *in, double d)
{
    parley_uncertain u;
    if (!parley_uncertain_find(w->sc, in, &u)) {
        nw_num(w, d);
        return;
    }
    if (u.kind == PARLEY_DIST_POINT) {
        nw_num(w, u.value);
        return;
    }
    if (u.kind == PARLEY_DIST_CHOICE) {
        nw_puts(w, "{choice: [");
        for (size_t k = 0; k < u.n; k++) {
            if (k)
                nw_puts(w, ", ");
            nw_num(w, u.values[k]);
        }
        nw_puts(w, "]");
        if (u.p) {
            nw_puts(w, ", p: [");
            for (size_t k = 0; k < u.n; k++) {
                if (k)
                    nw_puts(w, ", ");
                nw_num(w, u.p[k]);
            }
            nw_puts(w, "]");
        }
        nw_puts(w, "}");
        return;
    }
    nw_puts(w, "{");
    if (u.kind == PARLEY_DIST_NORMAL) {
        nw_puts(w, "normal: [");
        nw_num(w, u.mean);
        nw_puts(w, ", ");
        nw_num(w, u.sd);
        nw_puts(w, "], ");
    }
    nw_puts(w, "between: [");
    nw_num(w, u.lo);
    nw_puts(w, ", ");
    nw_num(w, u.hi);
    nw_puts(w, "]}");
}

/* An integer issue bound, exact when the double is an integer. */
static void nw_int(nw *w, double d)
{
    if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18)
        nw_printf(w, "%" PRId64, (int64_t)d);
    else
        nw_num(w, d);
}

/* Render with f into a scratch buffer; returns its text (caller frees the
 * scratch with parleyx_buf_free) or NULL on failure. */
typedef void (*nw_render_fn)(nw *w, const void *arg);

static size_t nw_render(nw *w, px_buf *scratch, nw_render_fn f, const void *arg)
{
    parleyx_buf_init(scratch, w->b->alloc, 0);
    px_buf *saved = w->b;
    w->b = scratch;
    f(w, arg);
    w->b = saved;
    return scratch->failed ? (size_t)-1 : scratch->len;
}

static void nw_append(nw *w, const px_buf *scratch)
{
    if (scratch->len && !parleyx_buf_add(w->b, scratch->data, scratch->len) && w->st == PARLEY_OK)
        w->st = PARLEY_ERR_NOMEM;
}

/* ------------------------------------------------------------------ */
/* Issues                                                               */
/* ------------------------------------------------------------------ */

typedef struct nw_issue_arg {
    size_t issue;
} nw_issue_arg;

static void nw_values_flow(nw *w, const void *arg)
{
    size_t i = ((const nw_issue_arg *)arg)->issue;
    size_t n = parley_issue_value_count(w->sc, i);
    char label[PARLEY_MAX_NAME + 8];
    nw_puts(w, "[");
    for (size_t k = 0; k < n && w->st == PARLEY_OK; k++) {
        if (k)
            nw_puts(w, ", ");
        nw_str(w, parley_issue_value_label(w->sc, i, k, label, sizeof label), true);
    }
    nw_puts(w, "]");
}

static void nw_issue(nw *w, size_t i)
{
    const parley_scenario *sc = w->sc;
    nw_puts(w, "  ");
    nw_str(w, parley_issue_name(sc, i), true);
    nw_puts(w, ":\n");
    const char *desc = parley_issue_description(sc, i);
    if (desc && desc[0]) {
        nw_puts(w, "    description: ");
        nw_str(w, desc, false);
        nw_puts(w, "\n");
    }
    parley_issue_kind kind = parley_issue_kind_of(sc, i);
    if (kind == PARLEY_ISSUE_DISCRETE) {
        nw_issue_arg arg = {i};
        px_buf tmp;
        size_t len = nw_render(w, &tmp, nw_values_flow, &arg);
        if (len != (size_t)-1 && len + 12 <= NW_WIDTH) {
            nw_puts(w, "    values: ");
            nw_append(w, &tmp);
            nw_puts(w, "\n");
        } else {
            size_t n = parley_issue_value_count(sc, i);
            char label[PARLEY_MAX_NAME + 8];
            nw_puts(w, "    values:\n");
            for (size_t k = 0; k < n && w->st == PARLEY_OK; k++) {
                nw_puts(w, "      - ");
                nw_str(w, parley_issue_value_label(sc, i, k, label, sizeof label), true);
                nw_puts(w, "\n");
            }
        }
        if (tmp.failed && w->st == PARLEY_OK)
            w->st = PARLEY_ERR_NOMEM;
        parleyx_buf_free(&tmp);
        return;
    }
    double lo, hi, step;
    parley_issue_range(sc, i, &lo, &hi, &step);
    if (kind == PARLEY_ISSUE_INTEGER) {
        nw_puts(w, "    type: integer\n    range: [");
        nw_int(w, lo);
        nw_puts(w, ", ");
        nw_int(w, hi);
        nw_puts(w, "]\n");
        if (step != 1.0) {
            nw_puts(w, "    step: ");
            nw_int(w, step);
            nw_puts(w, "\n");
        }
    } else {
        nw_puts(w, "    type: real\n    range: [");
        nw_num(w, lo);
        nw_puts(w, ", ");
        nw_num(w, hi);
        nw_puts(w, "]\n    grid: ");
        nw_int(w, step);
        nw_puts(w, "\n");
    }
}

/* ------------------------------------------------------------------ */
/* Parties                                                              */
/* ------------------------------------------------------------------ */

typedef struct nw_eval_arg {
    size_t party, issue;
    const parley_eval_info *info;
} nw_eval_arg;

/* The evaluator's value, inline (the part after `values: ` etc.). */
static void nw_table_flow(nw *w, const nw_eval_arg *a)
{
    char label[PARLEY_MAX_NAME + 8];
    nw_puts(w, "{");
    for (size_t k = 0; k < a->info->n && w->st == PARLEY_OK; k++) {
        if (k)
            nw_puts(w, ", ");
        nw_str(w, parley_issue_value_label(w->sc, a->issue, k, label, sizeof label), true);
        nw_puts(w, ": ");
        parley_input in = {PARLEY_INPUT_SCORE, a->party, a->issue, k, 0};
        nw_unum(w, &in, a->info->table[k]);
    }
    nw_puts(w, "}");
}

static void nw_points_flow(nw *w, const nw_eval_arg *a)
{
    nw_puts(w, "[");
    for (size_t k = 0; k < a->info->n && w->st == PARLEY_OK; k++) {
        nw_puts(w, k ? ", [" : "[");
        nw_num(w, a->info->x[k]);
        nw_puts(w, ", ");
        nw_num(w, a->info->y[k]);
        nw_puts(w, "]");
    }
    nw_puts(w, "]");
}

static void nw_shape_inline(nw *w, const parley_eval_info *info)
{
    switch (info->kind) {
    case PARLEY_EVAL_LINEAR:
        nw_puts(w, "linear: {intercept: ");
        nw_num(w, info->a);
        nw_puts(w, ", slope: ");
        nw_num(w, info->b);
        nw_puts(w, ", origin: ");
        nw_num(w, info->c);
        nw_puts(w, "}");
        break;
    case PARLEY_EVAL_TRIANGULAR:
        nw_puts(w, "peak: {low: ");
        nw_num(w, info->a);
        nw_puts(w, ", top: ");
        nw_num(w, info->b);
        nw_puts(w, ", high: ");
        nw_num(w, info->c);
        nw_puts(w, "}");
        break;
    case PARLEY_EVAL_CONSTANT:
        nw_puts(w, "constant: ");
        nw_num(w, info->a);
        break;
    default:
        break;
    }
}

/* `{weight: w, <shape>}` on one line. */
static void nw_entry_flow(nw *w, const void *arg)
{
    const nw_eval_arg *a = arg;
    nw_puts(w, "{weight: ");
    parley_input in = {PARLEY_INPUT_WEIGHT, a->party, a->issue, 0, 0};
    nw_unum(w, &in, parley_party_weight(w->sc, a->party, a->issue));
    nw_puts(w, ", ");
    if (a->info->kind == PARLEY_EVAL_TABLE) {
        nw_puts(w, "values: ");
        nw_table_flow(w, a);
    } else if (a->info->kind == PARLEY_EVAL_PIECEWISE) {
        nw_puts(w, "points: ");
        nw_points_flow(w, a);
    } else {
        nw_shape_inline(w, a->info);
    }
    nw_puts(w, "}");
}

static void nw_entry(nw *w, size_t p, size_t i, const parley_eval_info *info)
{
    const parley_scenario *sc = w->sc;
    nw_eval_arg arg = {p, i, info};
    px_buf key, tmp;
    parleyx_buf_init(&key, w->b->alloc, 0);
    px_buf *saved = w->b;
    w->b = &key;
    nw_str(w, parley_issue_name(sc, i), true);
    w->b = saved;
    size_t len = nw_render(w, &tmp, nw_entry_flow, &arg);
    nw_puts(w, "      ");
    nw_append(w, &key);
    if (len != (size_t)-1 && 6 + key.len + 2 + len <= NW_WIDTH) {
        nw_puts(w, ": ");
        nw_append(w, &tmp);
        nw_puts(w, "\n");
    } else {
        char label[PARLEY_MAX_NAME + 8];
        nw_puts(w, ":\n        weight: ");
        parley_input win = {PARLEY_INPUT_WEIGHT, p, i, 0, 0};
        nw_unum(w, &win, parley_party_weight(sc, p, i));
        nw_puts(w, "\n");
        if (info->kind == PARLEY_EVAL_TABLE) {
            nw_puts(w, "        values:\n");
            for (size_t k = 0; k < info->n && w->st == PARLEY_OK; k++) {
                nw_puts(w, "          ");
                nw_str(w, parley_issue_value_label(sc, i, k, label, sizeof label), true);
                nw_puts(w, ": ");
                parley_input sin = {PARLEY_INPUT_SCORE, p, i, k, 0};
                nw_unum(w, &sin, info->table[k]);
                nw_puts(w, "\n");
            }
        } else if (info->kind == PARLEY_EVAL_PIECEWISE) {
            nw_puts(w, "        points:\n");
            for (size_t k = 0; k < info->n && w->st == PARLEY_OK; k++) {
                nw_puts(w, "          - [");
                nw_num(w, info->x[k]);
                nw_puts(w, ", ");
                nw_num(w, info->y[k]);
                nw_puts(w, "]\n");
            }
        } else {
            nw_puts(w, "        ");
            nw_shape_inline(w, info);
            nw_puts(w, "\n");
        }
    }
    if ((key.failed || tmp.failed) && w->st == PARLEY_OK)
        w->st = PARLEY_ERR_NOMEM;
    parleyx_buf_free(&key);
    parleyx_buf_free(&tmp);
}

static void nw_party(nw *w, size_t p)
{
    const parley_scenario *sc = w->sc;
    nw_puts(w, "  ");
    nw_str(w, parley_party_name(sc, p), true);
    nw_puts(w, ":\n    role: ");
    nw_puts(w, parley_role_name(parley_party_role(sc, p)));
    nw_puts(w, "\n");
    const char *desc = parley_party_description(sc, p);
    if (desc && desc[0]) {
        nw_puts(w, "    description: ");
        nw_str(w, desc, false);
        nw_puts(w, "\n");
    }
    double cap;
    if (parley_party_capability(sc, p, &cap)) {
        nw_puts(w, "    capability: ");
        nw_num(w, cap);
        nw_puts(w, "\n");
    }
    double rv = parley_party_reservation(sc, p);
    parley_input rin = {PARLEY_INPUT_RESERVATION, p, 0, 0, 0};
    if (rv != 0.0 || signbit(rv) || parley_uncertain_find(sc, &rin, NULL)) {
        nw_puts(w, "    reservation: ");
        nw_unum(w, &rin, rv);
        nw_puts(w, "\n");
    }
    double d = parley_party_discount(sc, p);
    if (d != 1.0) {
        nw_puts(w, "    discount: ");
        nw_num(w, d);
        nw_puts(w, "\n");
    }
    size_t ni = parley_issue_count(sc);
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;
        for (size_t i = 0; i < ni; i++) {
            double x;
            bool has = pass ? parley_party_salience(sc, p, i, &x)
                            : parley_party_position(sc, p, i, &x);
            if (!has)
                continue;
            nw_puts(w, any ? ", " : (pass ? "    salience: {" : "    position: {"));
            nw_str(w, parley_issue_name(sc, i), true);
            nw_puts(w, ": ");
            nw_num(w, x);
            any = true;
        }
        if (any)
            nw_puts(w, "}\n");
    }
    bool header = false;
    for (size_t i = 0; i < ni && w->st == PARLEY_OK; i++) {
        parley_eval_info info;
        memset(&info, 0, sizeof info);
        parley_party_eval_info(sc, p, i, &info);
        double wt = parley_party_weight(sc, p, i);
        if (info.kind == PARLEY_EVAL_NONE) {
            if (wt != 0.0) {
                w->st = PARLEY_ERR_INVALID;
                snprintf(w->what, sizeof w->what,
                         "party `%.80s` weighs issue `%.80s` but has no evaluator for it; set "
                         "one (or a zero weight) before writing",
                         parley_party_name(sc, p), parley_issue_name(sc, i));
            }
            continue;
        }
        if (!header) {
            nw_puts(w, "    utility:\n");
            header = true;
        }
        nw_entry(w, p, i, &info);
    }
    size_t nt = parley_interaction_count(sc, p);
    double idiv = parley_party_interaction_divisor(sc, p);
    for (size_t i = 0; i < ni && (nt || idiv != 1.0) && w->st == PARLEY_OK; i++) {
        const char *in = parley_issue_name(sc, i);
        parley_eval_info info;
        memset(&info, 0, sizeof info);
        parley_party_eval_info(sc, p, i, &info);
        if (info.kind != PARLEY_EVAL_NONE &&
            ((nt && strcmp(in, "interactions") == 0) ||
             (idiv != 1.0 && strcmp(in, "interaction-divisor") == 0))) {
            w->st = PARLEY_ERR_INVALID;
            snprintf(w->what, sizeof w->what,
                     "party `%.80s` weighs the issue `%s` and has interaction terms: the "
                     "format has one `%s` key per utility; rename the issue",
                     parley_party_name(sc, p), in, in);
        }
    }
    if ((nt || idiv != 1.0) && !header) {
        nw_puts(w, "    utility:\n");
        header = true;
    }
    if (nt)
        nw_puts(w, "      interactions:\n");
    for (size_t t = 0; t < nt && w->st == PARLEY_OK; t++) {
        nw_puts(w, "        - {when: ");
        nw_str(w, parley_interaction_when(sc, p, t), false);
        nw_puts(w, ", value: ");
        nw_num(w, parley_interaction_value(sc, p, t));
        nw_puts(w, "}\n");
    }
    if (idiv != 1.0) {
        nw_puts(w, "      interaction-divisor: ");
        nw_num(w, idiv);
        nw_puts(w, "\n");
    }
    size_t nr = parley_redline_count(sc, p);
    if (nr)
        nw_puts(w, "    red-lines:\n");
    for (size_t r = 0; r < nr && w->st == PARLEY_OK; r++) {
        nw_puts(w, "      ");
        nw_str(w, parley_redline_name(sc, p, r), true);
        nw_puts(w, ": ");
        /* the mapping form when it holds a belief or a threshold */
        parley_input tin = {PARLEY_INPUT_THRESHOLD, p, 0, 0, r};
        double holds = parley_redline_belief(sc, p, r);
        bool thr = parley_uncertain_find(sc, &tin, NULL);
        if (holds != 1.0 || thr) {
            nw_puts(w, "{rule: ");
            nw_str(w, parley_redline_text(sc, p, r), false);
            if (holds != 1.0) {
                nw_puts(w, ", holds: ");
                nw_num(w, holds);
            }
            if (thr) {
                nw_puts(w, ", threshold: ");
                nw_unum(w, &tin, 0.0);
            }
            nw_puts(w, "}");
        } else {
            nw_str(w, parley_redline_text(sc, p, r), false);
        }
        nw_puts(w, "\n");
    }
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                  */
/* ------------------------------------------------------------------ */

/* Write sc as native YAML.  On success *text (NUL-terminated, *len bytes
 * before the NUL) is owned by the caller: free it with parley_text_free. */
/* A writer over b for sc (the text started: NUL-terminated as it grows). */
static void nw_open(nw *w, px_buf *b, const parley_scenario *sc)
{
    parleyx_buf_init(b, sc->alloc, SIZE_MAX / 2);
    memset(w, 0, sizeof *w);
    w->b = b;
    w->sc = sc;
    if (!parleyx_text_begin(b))
        w->st = PARLEY_ERR_NOMEM;
}

/* Hand the text over (*text, *len), or fail with what stopped the writer
 * ("cannot write WHAT: ..."); b is freed either way. */
static parley_status nw_close(nw *w, px_buf *b, const char *what, char **text, size_t *len,
                              parley_error *err)
{
    if (w->st == PARLEY_OK && b->failed)
        w->st = PARLEY_ERR_NOMEM;
    if (w->st != PARLEY_OK) {
        parleyx_buf_free(b);
        if (w->st == PARLEY_ERR_NOMEM)
            return parleyx_fail(err, w->st, NULL, 0, 0, "out of memory while writing %s", what);
        return parleyx_fail(err, w->st, NULL, 0, 0, "cannot write %s: %s", what, w->what);
    }
    if (!parleyx_text_finish(b, text, len))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory while writing %s",
                            what);
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* The stability section (parley/stability.h, issue 18)                 */
/* ------------------------------------------------------------------ */

#include "parley/stability.h"

parley_status parley_moves_write(const parley_moves *m, char **text, size_t *len,
                                 parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    const parley_scenario *sc = m ? parley_moves_scenario(m) : NULL;
    if (!sc || !text)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_moves_write: m and text must not be NULL");
    px_buf b;
    nw w;
    nw_open(&w, &b, sc);
    size_t ni = parley_issue_count(sc), np = parley_party_count(sc), v;
    nw_puts(&w, "\nstability:\n  moves:\n");
    for (size_t p = 0; p < np; p++) {
        bool any = false;
        for (size_t i = 0; i < ni; i++) {
            if (parley_moves_mover(m, i) != p)
                continue;
            if (!any) {
                nw_puts(&w, "    ");
                nw_str(&w, parley_party_name(sc, p), true);
                nw_puts(&w, ": [");
            } else {
                nw_puts(&w, ", ");
            }
            any = true;
            nw_str(&w, parley_issue_name(sc, i), true);
        }
        if (any)
            nw_puts(&w, "]\n");
    }
    bool sq = false;
    for (size_t i = 0; i < ni; i++) {
        if (!parley_moves_issue_status_quo(m, i, &v))
            continue;
        if (!sq)
            nw_puts(&w, "  status-quo:\n");
        sq = true;
        nw_puts(&w, "    ");
        nw_str(&w, parley_issue_name(sc, i), true);
        nw_puts(&w, ": ");
        char label[64];
        nw_str(&w, parley_issue_value_label(sc, i, v, label, sizeof label), true);
        nw_puts(&w, "\n");
    }
    size_t nf = parley_moves_fixed_count(m);
    for (size_t k = 0; k < nf; k++) {
        size_t p = 0, r = 0;
        parley_moves_fixed(m, k, &p, &r);
        char item[2 * PARLEY_MAX_NAME + 2];
        snprintf(item, sizeof item, "%s:%s", parley_party_name(sc, p),
                 parley_redline_name(sc, p, r));
        nw_puts(&w, k ? ", " : "  fixed: [");
        nw_str(&w, item, false);
    }
    if (nf)
        nw_puts(&w, "]\n");
    bool any = false;
    for (size_t p = 0; p < np; p++) {
        if (!parley_moves_has_veto(m, p))
            continue;
        nw_puts(&w, any ? ", " : "  veto: [");
        any = true;
        nw_str(&w, parley_party_name(sc, p), true);
    }
    if (any)
        nw_puts(&w, "]\n");
    return nw_close(&w, &b, "the stability section", text, len, err);
}

parley_status parley_native_write(const parley_scenario *sc, char **text, size_t *len,
                                  parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    if (!sc || !text)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_native_write: sc and text must not be NULL");
    px_buf b;
    nw w;
    nw_open(&w, &b, sc);

    nw_puts(&w, "# parley scenario, native format version 1 (docs/scenario-format.md)\n");
    nw_puts(&w, "parley: 1\n");
    const char *name = parley_scenario_name(sc);
    if (name && name[0]) {
        nw_puts(&w, "name: ");
        nw_str(&w, name, true);
        nw_puts(&w, "\n");
    }
    const char *desc = parley_scenario_description(sc);
    if (desc && desc[0]) {
        nw_puts(&w, "description: ");
        nw_str(&w, desc, false);
        nw_puts(&w, "\n");
    }
    size_t ni = parley_issue_count(sc), np = parley_party_count(sc);
    nw_puts(&w, ni ? "\nissues:\n" : "\nissues: {}\n");
    for (size_t i = 0; i < ni && w.st == PARLEY_OK; i++)
        nw_issue(&w, i);
    nw_puts(&w, np ? "\nparties:\n" : "\nparties: {}\n");
    for (size_t p = 0; p < np && w.st == PARLEY_OK; p++)
        nw_party(&w, p);
    return nw_close(&w, &b, "the scenario", text, len, err);
}
