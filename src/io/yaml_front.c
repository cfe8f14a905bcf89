/*
 * yaml_front.c -- the YAML front end shared by the native scenario reader
 * and the tournament configuration (the contracts are in yaml_front.h).
 *
 * libfyaml's event parser is used, not its document builder: the
 * installed 0.7 gives document nodes no positions, and the event stream
 * lets a reader refuse an alias the moment it appears.  libfyaml reports
 * through a private fy_diag: messages with a position are collected (the
 * first error is the one yf_failed gives), the output hook keeps the
 * first message without one and prints nothing, so the library never
 * writes to a terminal.
 *
 * Invariant: p->last is the end of the last event handed back with
 * yf_event_done (1:1 before any), so an empty scalar, which libfyaml gives
 * no mark, and an error without a position can be placed there.
 */
#include "yaml_front.h"

#include <libfyaml.h>

#include <string.h>

size_t yf_bad_byte(const char *src, size_t len, bool nul_first, unsigned *line, unsigned *col)
{
    size_t bad = SIZE_MAX;
    const char *nul = nul_first ? memchr(src, '\0', len) : NULL;
    if (nul)
        bad = (size_t)(nul - src);
    else
        bad = parleyx_utf8_invalid(src, len, !nul_first);
    if (bad != SIZE_MAX)
        parleyx_utf8_locate(src, len, bad, line, col);
    return bad;
}

/* The output hook: keep the first error's text (minus the "[ERR]: "
 * prefix), print nothing. */
static void yf_capture(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    yf_parser *p = user;
    (void)diag;
    if (!p || p->have_note || !buf)
        return;
    const char *s = buf, *e = buf + len;
    if (len >= 5 && memcmp(s, "[ERR]", 5) == 0) {
        s += 5;
        while (s < e && (*s == ':' || *s == ' '))
            s++;
    }
    while (e > s && (e[-1] == '\n' || e[-1] == ' '))
        e--;
    size_t n = (size_t)(e - s) < sizeof p->note - 1 ? (size_t)(e - s) : sizeof p->note - 1;
    memcpy(p->note, s, n);
    p->note[n] = '\0';
    p->have_note = n > 0;
}

parley_status yf_open(yf_parser *p, const char *src, size_t len, yf_alloc_fn alloc, void *ud)
{
    memset(p, 0, sizeof *p);
    p->src = len ? src : "";
    p->len = len;
    p->alloc = alloc;
    p->ud = ud;
    p->last.line = p->last.col = 1;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = yf_capture;
    dc.user = p;
    dc.level = FYET_ERROR;
    dc.colorize = false;
    p->diag = fy_diag_create(&dc);
    if (!p->diag)
        return PARLEY_ERR_NOMEM;
    fy_diag_set_collect_errors(p->diag, true);
    struct fy_parse_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.flags = FYPCF_QUIET | FYPCF_DISABLE_MMAP_OPT | FYPCF_JSON_NONE;
    pc.diag = p->diag;
    p->fyp = fy_parser_create(&pc);
    if (!p->fyp || fy_parser_set_string(p->fyp, p->src, len) != 0) {
        yf_close(p);
        return PARLEY_ERR_NOMEM;
    }
    return PARLEY_OK;
}

void yf_close(yf_parser *p)
{
    if (p->fyp)
        fy_parser_destroy(p->fyp);
    if (p->diag)
        fy_diag_destroy(p->diag);
    p->fyp = NULL;
    p->diag = NULL;
}

static yf_kind yf_kind_of(enum fy_event_type t)
{
    switch (t) {
    case FYET_DOCUMENT_START: return YF_DOCUMENT_START;
    case FYET_MAPPING_START: return YF_MAPPING_START;
    case FYET_MAPPING_END: return YF_MAPPING_END;
    case FYET_SEQUENCE_START: return YF_SEQUENCE_START;
    case FYET_SEQUENCE_END: return YF_SEQUENCE_END;
    case FYET_SCALAR: return YF_SCALAR;
    case FYET_ALIAS: return YF_ALIAS;
    default: return YF_OTHER;
    }
}

static yf_style yf_style_of(struct fy_token *tok)
{
    switch (tok ? fy_token_scalar_style(tok) : FYSS_PLAIN) {
    case FYSS_PLAIN: return YF_PLAIN;
    case FYSS_SINGLE_QUOTED: return YF_SINGLE_QUOTED;
    case FYSS_DOUBLE_QUOTED: return YF_DOUBLE_QUOTED;
    default: return YF_BLOCK;
    }
}

static void yf_mark_of(struct fy_event *fe, yf_mark *at)
{
    const struct fy_mark *m = fy_event_start_mark(fe), *e = fy_event_end_mark(fe);
    memset(at, 0, sizeof *at);
    if (m) {
        at->has_start = true;
        at->line = (unsigned)m->line + 1;
        at->col = (unsigned)m->column + 1;
        at->pos = at->end = m->input_pos;
    }
    if (e) {
        at->has_end = true;
        at->end = e->input_pos;
    }
}

/* The text of a scalar: decoded from the source when single-quoted (a
 * mark on the quote itself is stepped over), else libfyaml's. */
static parley_status yf_scalar_text(yf_parser *p, struct fy_token *tok, yf_event *ev)
{
    const struct fy_mark *sm = tok ? fy_token_start_mark(tok) : NULL;
    if (ev->style == YF_SINGLE_QUOTED && sm && sm->input_pos <= p->len) {
        size_t at = sm->input_pos;
        if (at > 0 && p->src[at - 1] != '\'' && at < p->len && p->src[at] == '\'')
            at++;
        size_t size = p->len - at + 1;
        char *copy = p->alloc(p->ud, size);
        if (!copy)
            return PARLEY_ERR_NOMEM;
        size_t n = parleyx_yaml_single_quoted(p->src, p->len, at, copy);
        if (n == SIZE_MAX)
            n = 0;
        copy[n] = '\0';
        ev->owned = copy;
        ev->owned_size = size;
        ev->text = copy;
        ev->len = n;
        return PARLEY_OK;
    }
    size_t n = 0;
    const char *t = tok ? fy_token_get_text(tok, &n) : "";
    ev->text = t ? t : "";
    ev->len = t ? n : 0;
    return PARLEY_OK;
}

parley_status yf_next(yf_parser *p, yf_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->text = "";
    struct fy_event *fe = fy_parser_parse(p->fyp);
    if (!fe) {
        ev->kind = YF_END;
        return PARLEY_OK;
    }
    ev->fy = fe;
    ev->kind = yf_kind_of(fe->type);
    yf_mark_of(fe, &ev->at);
    if (ev->kind != YF_SCALAR)
        return PARLEY_OK;
    struct fy_token *tok = fe->scalar.value;
    ev->style = yf_style_of(tok);
    if (yf_scalar_text(p, tok, ev) != PARLEY_OK)
        return PARLEY_ERR_NOMEM;
    ev->has_nul = memchr(ev->text, '\0', ev->len) != NULL;
    /* A quoted scalar's mark is just inside the opening quote: put it on
     * the quote itself. */
    yf_mark *at = &ev->at;
    char q = ev->style == YF_SINGLE_QUOTED ? '\'' : '"';
    if (at->has_start && (ev->style == YF_SINGLE_QUOTED || ev->style == YF_DOUBLE_QUOTED) &&
        at->pos > 0 && at->pos <= p->len && p->src[at->pos - 1] == q && at->col > 1) {
        at->pos--;
        at->col--;
    }
    return PARLEY_OK;
}

void yf_event_done(yf_parser *p, yf_event *ev)
{
    if (!ev->fy)
        return;
    const struct fy_mark *e = fy_event_end_mark(ev->fy);
    if (e) {
        p->last.line = (unsigned)e->line + 1;
        p->last.col = (unsigned)e->column + 1;
        p->last.pos = p->last.end = e->input_pos;
    }
    fy_parser_event_free(p->fyp, ev->fy);
    ev->fy = NULL;
}

void yf_alias_star(const yf_parser *p, yf_mark *at)
{
    if (at->has_start && at->pos > 0 && at->pos <= p->len && p->src[at->pos - 1] == '*' &&
        at->col > 1) {
        at->pos--;
        at->col--;
    }
}

bool yf_failed(const yf_parser *p, yf_error *out)
{
    if (!fy_parser_get_stream_error(p->fyp) && !fy_diag_got_error(p->diag))
        return false;
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(p->diag, &it)) != NULL) {
        if (de->type < FYET_ERROR)
            continue;
        out->positioned = true;
        out->line = de->line > 0 ? (unsigned)de->line : 0;
        out->col = de->column > 0 ? (unsigned)de->column : 0;
        out->msg = de->msg ? de->msg : "malformed input";
        return true;
    }
    out->positioned = false;
    out->line = p->last.line;
    out->col = p->last.col;
    out->msg = p->have_note ? p->note : NULL;
    return true;
}
