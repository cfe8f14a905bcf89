/*
 * rule.c -- the red-line rule language: lexer, recursive-descent parser,
 * compiler to resolved leaves, and the two evaluators.
 *
 * What this file owns.  A red line is a short text such as
 *     guarantees != none -> donbas == ceded
 * written against one scenario's issues and parties.  rule_compile turns
 * it into a small tree (struct rule, rule.h) whose inner nodes are
 * NOT/AND/OR/IMPLIES and whose leaves are already resolved:
 *   - every comparison on an issue (==, !=, <, <=, >, >=, in, not in, with
 *     the literal on either side) becomes RULE_ISSUE_IN: the issue index and
 *     a bitset over the issue's value indices, computed once here by testing
 *     every value index against the comparison;
 *   - every comparison on utility(P) becomes RULE_UTIL_CMP: party index,
 *     comparison (normalised so that the utility is on the left) and the
 *     threshold as parleyx_parse_double read it.
 * Evaluating a rule is therefore a walk of a few nodes and one bit test per
 * issue leaf: no strings, no allocation.
 *
 * The parser is a plain recursive descent over the grammar of rule.h, one
 * function per level (implies, or, and, not, primary, comparison), with a
 * one-token lookahead plus an explicit peek for "not in".  Errors stop at
 * the first problem: err->column is the 1-based byte offset of the token at
 * fault, err->line is 0 and err->file is empty; the message says what was
 * expected there (PARLEY_ERR_SYNTAX), or which name or type is wrong and
 * what it might have meant (PARLEY_ERR_INVALID), or which limit was passed
 * (PARLEY_ERR_LIMIT).
 *
 * Bounds, so that hostile text fails cleanly:
 *   - the text is at most RULE_MAX_TEXT bytes;
 *   - nesting (parentheses, `not`, and each `->` of a chain, which is
 *     right-associative and so nests) is at most RULE_MAX_DEPTH levels: the
 *     parser's recursion and the tree's depth from those constructs are
 *     bounded by it;
 *   - chains of `and` / `or` are associative, so they are built as balanced
 *     trees (an online binary counter of subtrees, in text order): a chain
 *     of n operands adds only log2(n) levels, whatever n is;
 *   - a name, value or number token decodes into a fixed buffer of
 *     PARLEY_MAX_NAME bytes (longer ones cannot name anything).
 * Together these keep every recursion here (parse, eval, free) shallow.
 *
 * Memory.  Every node is one parleyx_calloc(sc->alloc, 1, sizeof(rule)).
 * An issue leaf's bitset lives in a block of (2 + nwords) uint64_t words:
 * word 0 holds nwords (so rule_free needs nothing from the scenario but its
 * allocator), word 1 holds the answer for an unassigned issue -- 1 when
 * every value is accepted, 0 when none is, (uint64_t)-1 otherwise -- so
 * rule_eval_partial never scans a bitset, and r->bits points at word 2.  Bits at and
 * beyond nvalues are zero.  The caller owns the tree returned by
 * rule_compile and frees it with rule_free(sc, r) using the same scenario
 * (its allocator); nothing in the tree points into the text or into the
 * scenario's strings.
 *
 * Numbers: numeric issues compare pm_issue_value(issue, k) -- the exact
 * double of value k -- with the literal read by parleyx_parse_double (C
 * locale syntax: optional sign, digits, optional fraction, optional
 * exponent; no hex, no inf/nan; a literal beyond the largest double, or
 * a non-zero one that would read as 0, is an error).  On a real issue, a literal within 1e-9 of a grid step of a
 * grid value first snaps to that value (rule_snap: the grid is lo + step*k
 * in doubles, so "0.15" may be 0.15000000000000002); integer values are
 * exact.  ==, != and `in` on a numeric issue must name values that exist
 * (a typo such as `weapons == 35` on a step-10 issue is an error naming the
 * nearest value), while <, <=, >, >= accept any finite number.  Discrete
 * issues match the token's text exactly against their labels, so a label
 * "0" or "-10" is written bare, and a label with spaces is quoted.
 */
#include "model/rule.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_MAX_TEXT (64u * 1024u) /* bytes of rule text */
#define RULE_MAX_DEPTH 200u         /* nesting of (), not, -> */
#define RULE_SHOW 60                /* bytes of a token quoted in messages */

/* ------------------------------------------------------------------ lexer */

typedef enum rule_tok_kind {
    TK_END, TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_COMMA, TK_ARROW,
    TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
    TK_WORD,   /* bare word: name, value or keyword */
    TK_NUMBER, /* a decimal number (text kept: it may be a value label) */
    TK_STRING  /* quoted: never a keyword */
} rule_tok_kind;

typedef struct rule_tok {
    rule_tok_kind kind;
    size_t pos; /* 0-based offset of the first byte */
    size_t len; /* bytes in the text (quotes included) */
} rule_tok;

typedef struct rule_parser {
    const parley_scenario *sc;
    const char *text;
    size_t n;
    rule_tok cur;   /* the token being looked at */
    rule_tok prev;  /* the one before (for "after 'x'" in messages) */
    parley_error *err;
    parley_status st; /* PARLEY_OK until the first failure */
    unsigned depth;
    char buf[PARLEY_MAX_NAME + 1]; /* decoded text of one token */
    size_t buflen;
} rule_parser;

static bool rule_is_word_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool rule_is_word_char(int c)
{
    return rule_is_word_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '\'' || c == '-';
}

static bool rule_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* The code point of the UTF-8 sequence at s[i] (n bytes in all) into *cp;
 * its length, or 0 when the bytes there are not valid UTF-8. */
static size_t rule_utf8(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t len = n - i < 4 ? n - i : 4;
    if (parleyx_utf8_invalid(s + i, len, true) == 0)
        return 0;
    const unsigned char *u = (const unsigned char *)s + i;
    len = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
    uint32_t v = len == 1 ? u[0] : u[0] & (0x7fu >> len);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (u[k] & 0x3fu);
    *cp = v;
    return len;
}

/* Non-ASCII code points that are not letters for the rule language: the
 * Latin-1 controls, spaces and signs (but ª µ º), × and ÷, the general
 * punctuation, symbols, arrows and mathematical operators (U+2000 to
 * U+2BFF: ‘ ’ “ ” – ≤ ≥ ≠ → ...), the CJK punctuation and the byte-order
 * mark.  Everything else non-ASCII (letters of every script, their
 * combining marks) may be part of a bare word, so `zölle == hoch` names
 * the issue zölle; names with the excluded characters are quoted. */
static bool rule_is_letter_cp(uint32_t c)
{
    if (c < 0xc0)
        return c == 0xaa || c == 0xb5 || c == 0xba;
    return c != 0xd7 && c != 0xf7 && !(c >= 0x2000 && c <= 0x2bff) &&
           !(c >= 0x3000 && c <= 0x303f) && c != 0xfeff;
}

/* The bytes of a non-ASCII letter at s[i], or 0 when there is none. */
static size_t rule_letter_len(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    if ((unsigned char)s[i] < 0x80)
        return 0;
    size_t len = rule_utf8(s, n, i, &cp);
    return len && rule_is_letter_cp(cp) ? len : 0;
}

static parley_status rule_failv(rule_parser *p, parley_status st, size_t pos, const char *fmt,
                                va_list ap) PX_PRINTF(4, 0);
static parley_status rule_failv(rule_parser *p, parley_status st, size_t pos, const char *fmt,
                                va_list ap)
{
    if (p->st != PARLEY_OK)
        return p->st; /* keep the first error */
    p->st = st;
    if (p->err) {
        char msg[sizeof p->err->message];
        vsnprintf(msg, sizeof msg, fmt, ap);
        unsigned col = pos >= (size_t)RULE_MAX_TEXT + 1 ? RULE_MAX_TEXT + 1u : (unsigned)pos + 1u;
        parleyx_fail(p->err, st, NULL, 0, col, "%s", msg);
    }
    return st;
}

static parley_status rule_fail(rule_parser *p, parley_status st, size_t pos, const char *fmt, ...)
    PX_PRINTF(4, 5);
static parley_status rule_fail(rule_parser *p, parley_status st, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rule_failv(p, st, pos, fmt, ap);
    va_end(ap);
    return st;
}

static void rule_nomem(rule_parser *p)
{
    rule_fail(p, PARLEY_ERR_NOMEM, p->cur.pos, "out of memory while compiling the rule");
}

/* A printable description of a token for messages: "'donbas'" or "the end
 * of the rule".  Written into out (n bytes). */
static const char *rule_tok_show(const rule_parser *p, const rule_tok *t, char *out, size_t n)
{
    if (t->kind == TK_END) {
        snprintf(out, n, "the end of the rule");
        return out;
    }
    size_t len = t->len;
    const char *s = p->text + t->pos;
    size_t o = 0;
    if (n < 8)
        return "";
    out[o++] = '\'';
    for (size_t i = 0; i < len && i < RULE_SHOW && o + 6 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    if (len > RULE_SHOW && o + 5 < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}

/* The end of a run of word characters from i, stopping before "->" (so
 * that "a->b" is three tokens). */
static size_t rule_word_end(const char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t l = rule_letter_len(s, n, i);
        if (l > 0)
            i += l;
        else if (rule_is_word_char((unsigned char)s[i]) &&
                 !(s[i] == '-' && i + 1 < n && s[i + 1] == '>'))
            i++;
        else
            break;
    }
    return i;
}

/* Punctuation and operators at pos (c, then d or NUL): 1 lexed into *t,
 * 0 a wrong operator (error set), -1 not punctuation. */
static int rule_lex_punct(rule_parser *p, size_t pos, char c, char d, rule_tok *t)
{
    switch (c) {
    case '(': t->kind = TK_LPAREN; return 1;
    case ')': t->kind = TK_RPAREN; return 1;
    case '{': t->kind = TK_LBRACE; return 1;
    case '}': t->kind = TK_RBRACE; return 1;
    case ',': t->kind = TK_COMMA; return 1;
    case '=':
        if (d == '=') {
            t->kind = TK_EQ;
            t->len = 2;
            return 1;
        }
        rule_fail(p, PARLEY_ERR_SYNTAX, pos, "unexpected '='; write == to compare for equality");
        return 0;
    case '!':
        if (d == '=') {
            t->kind = TK_NE;
            t->len = 2;
            return 1;
        }
        rule_fail(p, PARLEY_ERR_SYNTAX, pos,
                  "unexpected '!'; write != for 'not equal', or the keyword 'not' to negate");
        return 0;
    case '<':
        t->kind = d == '=' ? TK_LE : TK_LT;
        t->len = d == '=' ? 2 : 1;
        return 1;
    case '>':
        t->kind = d == '=' ? TK_GE : TK_GT;
        t->len = d == '=' ? 2 : 1;
        return 1;
    case '&':
        rule_fail(p, PARLEY_ERR_SYNTAX, pos, "unexpected '&'; write the keyword 'and'");
        return 0;
    case '|':
        rule_fail(p, PARLEY_ERR_SYNTAX, pos, "unexpected '|'; write the keyword 'or'");
        return 0;
    default:
        break;
    }
    if (c == '-' && d == '>') {
        t->kind = TK_ARROW;
        t->len = 2;
        return 1;
    }
    return -1;
}

/* A quoted string opened at pos by the quote c (escapes \\ \' \"). */
static bool rule_lex_quoted(rule_parser *p, size_t pos, char c, rule_tok *t)
{
    const char *s = p->text;
    size_t n = p->n, i = pos + 1;
    for (;;) {
        if (i >= n) {
            rule_fail(p, PARLEY_ERR_SYNTAX, pos,
                      "unterminated quoted string: no closing %c for the %c opened here", c, c);
            return false;
        }
        if (s[i] == c)
            break;
        if (s[i] == '\\') {
            if (i + 1 >= n) {
                i++; /* a final backslash: unterminated */
                continue;
            }
            char e = s[i + 1];
            if (e != '\\' && e != '\'' && e != '"') {
                rule_fail(p, PARLEY_ERR_SYNTAX, i,
                          "unknown escape in quoted string; only \\\\, \\' and \\\" are "
                          "allowed");
                return false;
            }
            i += 2;
            continue;
        }
        i++;
    }
    t->kind = TK_STRING;
    t->len = i + 1 - pos;
    return true;
}

/* The end of the digits from i; *digits set when there is one. */
static size_t rule_digits_end(const char *s, size_t n, size_t i, bool *digits)
{
    while (i < n && rule_is_digit((unsigned char)s[i])) {
        i++;
        *digits = true;
    }
    return i;
}

/* A decimal number at pos: [sign] digits [. digits] [e [sign] digits],
 * running into no word character ("10x", "1.2.3"). */
static bool rule_lex_number(rule_parser *p, size_t pos, rule_tok *t)
{
    const char *s = p->text;
    size_t n = p->n, i = pos;
    bool digits = false;
    if (s[i] == '-' || s[i] == '+')
        i++;
    i = rule_digits_end(s, n, i, &digits);
    if (i < n && s[i] == '.')
        i = rule_digits_end(s, n, i + 1, &digits);
    bool ok = digits;
    if (ok && i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        bool exp = false;
        j = rule_digits_end(s, n, j, &exp);
        if (exp)
            i = j;
        else
            ok = false;
    }
    if (ok && rule_word_end(s, n, i) > i)
        ok = false;
    if (!ok) {
        size_t j = rule_word_end(s, n, pos + 1);
        rule_fail(p, PARLEY_ERR_SYNTAX, pos,
                  "malformed number '%.*s'; write a decimal number such as 30, -2.5 or 1e3, "
                  "or quote a value label that is not a number",
                  (int)(j - pos < RULE_SHOW ? j - pos : RULE_SHOW), s + pos);
        return false;
    }
    t->kind = TK_NUMBER;
    t->len = i - pos;
    return true;
}

/* The error for a character at pos that starts no token. */
static void rule_lex_stray(rule_parser *p, size_t pos)
{
    static const struct {
        uint32_t cp;
        const char *fix;
    } look_alike[] = {
        {0x2264, "write <="}, {0x2265, "write >="}, {0x2260, "write !="},
        {0x2192, "write ->"}, {0x21d2, "write ->"}, {0x2018, "quote with ' or \""},
        {0x2019, "quote with ' or \""}, {0x201c, "quote with ' or \""},
        {0x201d, "quote with ' or \""}, {0x2212, "write - (the ASCII minus)"},
        {0x2013, "write - (the ASCII minus)"},
    };
    const char *s = p->text;
    unsigned char uc = (unsigned char)s[pos];
    uint32_t cp;
    size_t len = uc >= 0x80 ? rule_utf8(s, p->n, pos, &cp) : 0;
    if (uc >= 0x21 && uc < 0x7f) {
        rule_fail(p, PARLEY_ERR_SYNTAX, pos,
                  "unexpected character '%c'; names with other characters than letters, digits, "
                  "_ . ' - must be quoted", s[pos]);
        return;
    }
    if (len == 0) {
        rule_fail(p, PARLEY_ERR_SYNTAX, pos,
                  uc < 0x80 ? "unexpected control byte 0x%02x; remove it"
                            : "unexpected byte 0x%02x: the rule is not valid UTF-8 here; write "
                              "it in UTF-8",
                  uc);
        return;
    }
    const char *fix = "names with spaces or such characters must be quoted ('...' or \"...\")";
    for (size_t k = 0; k < sizeof look_alike / sizeof look_alike[0]; k++)
        if (look_alike[k].cp == cp)
            fix = look_alike[k].fix;
    rule_fail(p, PARLEY_ERR_SYNTAX, pos, "unexpected character '%.*s' (U+%04X); %s", (int)len,
              s + pos, (unsigned)cp, fix);
}

/* Lex one token at pos into *t.  false (error set) on a malformed token. */
static bool rule_lex(rule_parser *p, size_t pos, rule_tok *t)
{
    const char *s = p->text;
    size_t n = p->n;
    while (pos < n && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
        pos++;
    t->pos = pos;
    t->len = 1;
    if (pos >= n) {
        t->kind = TK_END;
        t->len = 0;
        return true;
    }
    char c = s[pos];
    char d = pos + 1 < n ? s[pos + 1] : '\0';
    int punct = rule_lex_punct(p, pos, c, d, t);
    if (punct >= 0)
        return punct == 1;
    if (c == '\'' || c == '"')
        return rule_lex_quoted(p, pos, c, t);
    if (rule_is_digit((unsigned char)c) || c == '.' ||
        ((c == '-' || c == '+') && (rule_is_digit((unsigned char)d) || d == '.')))
        return rule_lex_number(p, pos, t);
    if (rule_is_word_start((unsigned char)c) || rule_letter_len(s, n, pos) > 0) {
        t->kind = TK_WORD;
        t->len = rule_word_end(s, n, pos) - pos;
        return true;
    }
    rule_lex_stray(p, pos);
    return false;
}

static bool rule_advance(rule_parser *p)
{
    p->prev = p->cur;
    return rule_lex(p, p->cur.pos + p->cur.len, &p->cur);
}

static bool rule_tok_is(const rule_parser *p, const rule_tok *t, const char *kw)
{
    size_t l = strlen(kw);
    return t->kind == TK_WORD && t->len == l && memcmp(p->text + t->pos, kw, l) == 0;
}

static bool rule_is_keyword(const rule_parser *p, const rule_tok *t)
{
    static const char *const kws[] = {"and", "or", "not", "in", "true", "false", "utility"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
        if (rule_tok_is(p, t, kws[i]))
            return true;
    return false;
}

/* Decode a WORD, NUMBER or STRING token into p->buf (NUL-terminated). */
static bool rule_decode(rule_parser *p, const rule_tok *t)
{
    const char *s = p->text + t->pos;
    size_t o = 0;
    if (t->kind == TK_STRING) {
        for (size_t i = 1; i + 1 < t->len; i++) {
            char c = s[i];
            if (c == '\\')
                c = s[++i];
            if (o >= PARLEY_MAX_NAME)
                goto toolong;
            p->buf[o++] = c;
        }
    } else {
        if (t->len > PARLEY_MAX_NAME)
            goto toolong;
        memcpy(p->buf, s, t->len);
        o = t->len;
    }
    p->buf[o] = '\0';
    p->buflen = o;
    return true;
toolong:
    rule_fail(p, PARLEY_ERR_LIMIT, t->pos,
              "name, value or number longer than %u bytes; nothing in a scenario can have it",
              (unsigned)PARLEY_MAX_NAME);
    return false;
}

/* ----------------------------------------------------------- name lookup */

/* The name closest to word among the char * fields at byte offset `field`
 * of n structs of `stride` bytes at base, for "did you mean" hints; NULL
 * when none is close or on no memory (the hint is then left out). */
static const char *rule_closest(const parley_scenario *sc, const char *word, const void *base,
                                size_t n, size_t stride, size_t field)
{
    if (n == 0 || !base)
        return NULL;
    const char **c = parleyx_calloc(sc->alloc, n, sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        memcpy(&c[i], (const char *)base + i * stride + field, sizeof c[i]);
    const char *best = parleyx_closest(word, c, n);
    parleyx_free(sc->alloc, c, n * sizeof *c);
    return best;
}

static bool rule_find_issue(const parley_scenario *sc, const char *name, size_t *out)
{
    *out = pm_find_issue(sc, name);
    return *out != SIZE_MAX;
}

static bool rule_find_label(const pm_issue *is, const char *label, size_t *out)
{
    for (size_t k = 0; k < is->nvalues; k++)
        if (strcmp(is->labels[k], label) == 0) {
            *out = k;
            return true;
        }
    return false;
}

/* ---------------------------------------------------------------- nodes */

static rule *rule_node(rule_parser *p, rule_op op, rule *a, rule *b, size_t offset)
{
    rule *r = parleyx_calloc(p->sc->alloc, 1, sizeof *r);
    if (!r) {
        rule_nomem(p);
        return NULL;
    }
    r->op = op;
    r->a = a;
    r->b = b;
    r->offset = offset;
    return r;
}

static void rule_bits_free(const parley_allocator *al, uint64_t *bits)
{
    if (!bits)
        return;
    uint64_t *block = bits - 2;
    parleyx_free(al, block, ((size_t)block[0] + 2) * sizeof *block);
}

void rule_free(const parley_scenario *sc, rule *r)
{
    if (!sc)
        return;
    while (r) {
        rule *next = r->b;
        rule_free(sc, r->a);
        rule_bits_free(sc->alloc, r->bits);
        parleyx_free(sc->alloc, r, sizeof *r);
        r = next; /* iterate on the right: -> chains are right-deep */
    }
}

/* An ISSUE_IN leaf with an empty bitset for issue i. */
static rule *rule_issue_leaf(rule_parser *p, size_t issue, size_t offset)
{
    size_t nv = p->sc->issues[issue].nvalues;
    size_t nw = (nv + 63) / 64;
    uint64_t *block = parleyx_calloc(p->sc->alloc, nw + 2, sizeof *block);
    if (!block) {
        rule_nomem(p);
        return NULL;
    }
    block[0] = nw;
    rule *r = rule_node(p, RULE_ISSUE_IN, NULL, NULL, offset);
    if (!r) {
        parleyx_free(p->sc->alloc, block, (nw + 2) * sizeof *block);
        return NULL;
    }
    r->issue = issue;
    r->bits = block + 2;
    return r;
}

static void rule_bit_set(rule *r, size_t k)
{
    r->bits[k >> 6] |= (uint64_t)1 << (k & 63);
}

/* Complement when negate, clear the tail bits, count the set bits. */
static void rule_bits_finish(rule *r, size_t nvalues, bool negate)
{
    size_t nw = (nvalues + 63) / 64;
    uint64_t count = 0;
    for (size_t w = 0; w < nw; w++) {
        uint64_t x = negate ? ~r->bits[w] : r->bits[w];
        if (w == nw - 1 && (nvalues & 63))
            x &= ((uint64_t)1 << (nvalues & 63)) - 1;
        r->bits[w] = x;
        while (x) {
            x &= x - 1;
            count++;
        }
    }
    r->bits[-1] = count == 0 ? 0u : count == nvalues ? 1u : (uint64_t)(int64_t)-1;
}

static bool rule_cmp_holds(rule_cmp c, double v, double t)
{
    switch (c) {
    case RULE_EQ: return v == t;
    case RULE_NE: return v != t;
    case RULE_LT: return v < t;
    case RULE_LE: return v <= t;
    case RULE_GT: return v > t;
    case RULE_GE: return v >= t;
    }
    return false;
}

/* ---------------------------------------------------------------- parser */

static rule *rule_parse_implies(rule_parser *p);
static rule *rule_parse_not(rule_parser *p);

static const char *const rule_cmp_text[] = {"==", "!=", "<", "<=", ">", ">="};

static bool rule_tok_cmp(const rule_tok *t, rule_cmp *c)
{
    switch (t->kind) {
    case TK_EQ: *c = RULE_EQ; return true;
    case TK_NE: *c = RULE_NE; return true;
    case TK_LT: *c = RULE_LT; return true;
    case TK_LE: *c = RULE_LE; return true;
    case TK_GT: *c = RULE_GT; return true;
    case TK_GE: *c = RULE_GE; return true;
    default: return false;
    }
}

static rule_cmp rule_cmp_flip(rule_cmp c)
{
    switch (c) {
    case RULE_LT: return RULE_GT;
    case RULE_LE: return RULE_GE;
    case RULE_GT: return RULE_LT;
    case RULE_GE: return RULE_LE;
    default: return c;
    }
}

static const char *rule_kind_name(parley_issue_kind k)
{
    return k == PARLEY_ISSUE_INTEGER ? "integer" : k == PARLEY_ISSUE_REAL ? "real" : "discrete";
}

/* Fail with "expected X after 'prev' but found Y" (or "but the rule ends
 * here"), then note in parentheses when not NULL. */
static rule *rule_expected_note(rule_parser *p, const char *what, const char *note)
{
    char a[RULE_SHOW + 16], b[RULE_SHOW + 48], after[RULE_SHOW + 32];
    if (p->cur.kind == TK_END)
        snprintf(b, sizeof b, "the rule ends here");
    else
        snprintf(b, sizeof b, "found %s", rule_tok_show(p, &p->cur, a, sizeof a));
    after[0] = '\0';
    if (p->prev.len > 0 && p->prev.pos < p->cur.pos)
        snprintf(after, sizeof after, " after %s", rule_tok_show(p, &p->prev, a, sizeof a));
    rule_fail(p, PARLEY_ERR_SYNTAX, p->cur.pos, "expected %s%s but %s%s%s%s", what, after, b,
              note ? " (" : "", note ? note : "", note ? ")" : "");
    return NULL;
}

static rule *rule_expected(rule_parser *p, const char *what)
{
    return rule_expected_note(p, what, NULL);
}

#define RULE_WANT_CONDITION                                                                  \
    "a condition (an issue name, utility(party), 'not', 'true', 'false' or '(')"

/* Read a number token (already checked by the lexer) into *v. */
static bool rule_number(rule_parser *p, const rule_tok *t, double *v)
{
    if (!rule_decode(p, t))
        return false;
    if (parleyx_parse_double(p->buf, v))
        return true;
    rule_fail(p, PARLEY_ERR_INVALID, t->pos, "number '%s' %s", p->buf,
              parleyx_double_problem(p->buf));
    return false;
}

/* utility ( party ) at p->cur (the 'utility' keyword); *party set. */
static bool rule_parse_utility(rule_parser *p, size_t *party)
{
    if (!rule_advance(p))
        return false;
    if (p->cur.kind != TK_LPAREN) {
        rule_expected(p, "'(' (write utility(PartyName))");
        return false;
    }
    if (!rule_advance(p))
        return false;
    rule_tok t = p->cur;
    if (t.kind != TK_WORD && t.kind != TK_STRING && t.kind != TK_NUMBER) {
        rule_expected(p, "a party name");
        return false;
    }
    if (!rule_decode(p, &t))
        return false;
    const parley_scenario *sc = p->sc;
    size_t i = pm_find_party(sc, p->buf);
    if (i == SIZE_MAX) {
        const char *best = rule_closest(sc, p->buf, sc->parties, sc->nparties, sizeof(pm_party),
                                        offsetof(pm_party, name));
        if (best)
            rule_fail(p, PARLEY_ERR_INVALID, t.pos, "unknown party '%.*s' (did you mean '%s'?)",
                      RULE_SHOW, p->buf, best);
        else if (sc->nparties == 0)
            rule_fail(p, PARLEY_ERR_INVALID, t.pos,
                      "unknown party '%.*s' (the scenario has no parties yet; add every party "
                      "before the red lines that name them)", RULE_SHOW, p->buf);
        else
            rule_fail(p, PARLEY_ERR_INVALID, t.pos,
                      "unknown party '%.*s' (the first party is '%s'; quote names with spaces)",
                      RULE_SHOW, p->buf, sc->parties[0].name);
        return false;
    }
    *party = i;
    if (!rule_advance(p))
        return false;
    if (p->cur.kind != TK_RPAREN) {
        rule_expected(p, "')' to close utility(");
        return false;
    }
    return rule_advance(p);
}

/* An operand on the left that must name an issue: word or string t. */
static bool rule_resolve_issue(rule_parser *p, const rule_tok *t, size_t *issue)
{
    if (!rule_decode(p, t))
        return false;
    const parley_scenario *sc = p->sc;
    if (rule_find_issue(sc, p->buf, issue))
        return true;
    /* Perhaps a value written first: say whose value it is. */
    size_t budget = 1u << 20;
    for (size_t i = 0; i < sc->nissues; i++) {
        const pm_issue *is = &sc->issues[i];
        if (is->kind != PARLEY_ISSUE_DISCRETE)
            continue;
        size_t k;
        if (is->nvalues <= budget && rule_find_label(is, p->buf, &k)) {
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "unknown issue '%.*s' ('%.*s' is a value of issue '%s': write the issue "
                      "first, e.g. %s == %.*s)", RULE_SHOW, p->buf, RULE_SHOW, p->buf, is->name,
                      is->name, RULE_SHOW, p->buf);
            return false;
        }
        budget -= is->nvalues < budget ? is->nvalues : budget;
    }
    const char *best = rule_closest(sc, p->buf, sc->issues, sc->nissues, sizeof(pm_issue),
                                    offsetof(pm_issue, name));
    if (best) {
        rule_fail(p, PARLEY_ERR_INVALID, t->pos, "unknown issue '%.*s' (did you mean '%s'?)",
                  RULE_SHOW, p->buf, best);
        return false;
    }
    if (sc->nissues == 0)
        rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                  "unknown issue '%.*s' (the scenario has no issues yet)", RULE_SHOW, p->buf);
    else
        rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                  "unknown issue '%.*s' (the issues are '%.*s'%s%.*s%s%s; quote names with "
                  "spaces)", RULE_SHOW, p->buf, RULE_SHOW, sc->issues[0].name,
                  sc->nissues > 1 ? ", '" : "", RULE_SHOW,
                  sc->nissues > 1 ? sc->issues[1].name : "", sc->nissues > 1 ? "'" : "",
                  sc->nissues > 2 ? ", ..." : "");
    return false;
}

/* Real issues: a literal within a billionth of the grid step of a grid
 * value stands for that grid value.  The grid is computed in doubles
 * (lo + step*k, as GENIUS), so the point a user writes as 0.15 may be
 * 0.15000000000000002; snapping makes `price == 0.15`, `price <= 0.15`
 * and `price in {0.15}` all mean that grid point.  Any other literal is
 * kept exactly.  Integer issues are exact already. */
static double rule_snap(const pm_issue *is, double x)
{
    size_t k = pm_issue_grid_index(is, x);
    return k == SIZE_MAX ? x : pm_issue_value(is, k);
}

/* Resolve value token t against issue `issue` into the leaf r (set bits).
 * cmp is the comparison (EQ for set members). */
static bool rule_value_bits(rule_parser *p, rule *r, rule_cmp cmp, const rule_tok *t)
{
    const pm_issue *is = &p->sc->issues[r->issue];
    if (t->kind != TK_WORD && t->kind != TK_NUMBER && t->kind != TK_STRING) {
        char what[PARLEY_MAX_NAME + 64];
        snprintf(what, sizeof what, "a %s of issue '%.*s'",
                 is->kind == PARLEY_ISSUE_DISCRETE ? "value" : "number", RULE_SHOW, is->name);
        rule_expected(p, what);
        return false;
    }
    if (!rule_decode(p, t))
        return false;
    if (is->kind == PARLEY_ISSUE_DISCRETE) {
        size_t k;
        if (rule_find_label(is, p->buf, &k)) {
            rule_bit_set(r, k);
            return true;
        }
        size_t other;
        if (t->kind != TK_NUMBER && rule_find_issue(p->sc, p->buf, &other)) {
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "cannot compare issue '%.*s' with issue '%.*s': compare an issue with one "
                      "of its values", RULE_SHOW, is->name, RULE_SHOW, p->buf);
            return false;
        }
        if (rule_is_keyword(p, t)) {
            char what[PARLEY_MAX_NAME + 64];
            snprintf(what, sizeof what, "a value of issue '%.*s'", RULE_SHOW, is->name);
            rule_expected(p, what);
            return false;
        }
        const char *best = parleyx_closest(p->buf, (const char *const *)is->labels, is->nvalues);
        if (best)
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "unknown value '%.*s' of issue '%.*s' (did you mean '%s'?)", RULE_SHOW,
                      p->buf, RULE_SHOW, is->name, best);
        else
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "unknown value '%.*s' of issue '%.*s' (its values are '%s'%s%s%s%s)",
                      RULE_SHOW, p->buf, RULE_SHOW, is->name, is->labels[0],
                      is->nvalues > 1 ? ", '" : "", is->nvalues > 1 ? is->labels[1] : "",
                      is->nvalues > 1 ? "'" : "", is->nvalues > 2 ? ", ..." : "");
        return false;
    }
    /* numeric issue */
    if (t->kind != TK_NUMBER) {
        size_t other;
        if (rule_find_issue(p->sc, p->buf, &other))
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "cannot compare issue '%.*s' with issue '%.*s': compare an issue with a "
                      "number", RULE_SHOW, is->name, RULE_SHOW, p->buf);
        else if (rule_is_keyword(p, t))
            rule_expected(p, "a number");
        else
            rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                      "issue '%.*s' is %s: compare it with a number, not '%.*s'", RULE_SHOW,
                      is->name, rule_kind_name(is->kind), RULE_SHOW, p->buf);
        return false;
    }
    double x;
    if (!rule_number(p, t, &x))
        return false;
    x = rule_snap(is, x);
    size_t nearest = 0;
    double nd = 0.0;
    for (size_t k = 0; k < is->nvalues; k++) {
        double v = pm_issue_value(is, k);
        if (rule_cmp_holds(cmp, v, x))
            rule_bit_set(r, k);
        double d = v > x ? v - x : x - v;
        if (k == 0 || d < nd) {
            nd = d;
            nearest = k;
        }
    }
    if ((cmp == RULE_EQ || cmp == RULE_NE) && !(nd == 0.0)) {
        char a[32], b[32];
        double v = pm_issue_value(is, nearest);
        /* the nearest value as a person writes it, if that names it */
        snprintf(b, sizeof b, "%.12g", v);
        if (rule_snap(is, strtod(b, NULL)) != v)
            parleyx_fmt_double(v, b, sizeof b);
        rule_fail(p, PARLEY_ERR_INVALID, t->pos,
                  "%s is not a value of issue '%.*s' (nearest value: %s); use <, <=, >, >= to "
                  "compare with numbers in between",
                  parleyx_fmt_double(x, a, sizeof a), RULE_SHOW, is->name, b);
        return false;
    }
    return true;
}

/* operand "in" "{" value ("," value)* "}" with p->cur at '{'. */
static bool rule_parse_set(rule_parser *p, rule *r)
{
    if (p->cur.kind != TK_LBRACE) {
        rule_expected(p, "'{' to open the set of values (e.g. in {a, b})");
        return false;
    }
    for (;;) {
        if (!rule_advance(p))
            return false;
        rule_tok v = p->cur;
        if (!rule_value_bits(p, r, RULE_EQ, &v))
            return false;
        if (!rule_advance(p))
            return false;
        if (p->cur.kind == TK_RBRACE)
            return rule_advance(p);
        if (p->cur.kind != TK_COMMA) {
            rule_expected(p, "',' or '}' in the set of values");
            return false;
        }
    }
}

/* A utility(party) cmp x leaf. */
static rule *rule_util_leaf(rule_parser *p, size_t party, rule_cmp c, double x, size_t offset)
{
    rule *r = rule_node(p, RULE_UTIL_CMP, NULL, NULL, offset);
    if (!r)
        return NULL;
    r->party = party;
    r->cmp = c;
    r->threshold = x;
    return r;
}

/* Discrete issues take ==, != and in only; op is the operator as written.
 * false (error set at pos) otherwise. */
static bool rule_discrete_op_ok(rule_parser *p, const pm_issue *is, rule_cmp c, rule_cmp op,
                                size_t pos)
{
    if (is->kind != PARLEY_ISSUE_DISCRETE || c == RULE_EQ || c == RULE_NE)
        return true;
    rule_fail(p, PARLEY_ERR_INVALID, pos,
              "operator '%s' does not apply to discrete issue '%.*s': only ==, !=, in apply "
              "(its values have no order)", rule_cmp_text[op], RULE_SHOW, is->name);
    return false;
}

/* The issue leaf of `issue c value` (value: the token of the value, with
 * p->cur on it) or, when set, of `issue [not] in {...}` (p->cur at '{');
 * negate complements the set. */
static rule *rule_issue_compare(rule_parser *p, size_t issue, rule_cmp c, bool set, bool negate,
                                const rule_tok *value, size_t offset)
{
    const pm_issue *is = &p->sc->issues[issue];
    bool discrete = is->kind == PARLEY_ISSUE_DISCRETE;
    rule *r = rule_issue_leaf(p, issue, offset);
    if (!r)
        return NULL;
    bool ok;
    if (set) {
        ok = rule_parse_set(p, r);
    } else {
        /* Discrete != is "not ==": resolve as ==, complement below. */
        ok = rule_value_bits(p, r, discrete ? RULE_EQ : c, value) && rule_advance(p);
        if (discrete && c == RULE_NE)
            negate = true;
    }
    if (!ok) {
        rule_free(p->sc, r);
        return NULL;
    }
    rule_bits_finish(r, is->nvalues, negate);
    return r;
}

/* number op (issue | utility(P)), with p->cur at the number. */
static rule *rule_parse_number_first(rule_parser *p)
{
    rule_tok left = p->cur;
    size_t offset = left.pos;
    double x = 0.0;
    rule_cmp c;
    if (!rule_advance(p))
        return NULL;
    rule_tok optok = p->cur;
    if (!rule_tok_cmp(&optok, &c))
        return rule_expected(p, "a comparison operator (==, !=, <, <=, >, >=)");
    if (!rule_advance(p))
        return NULL;
    c = rule_cmp_flip(c);
    rule_tok rt = p->cur;
    if (rule_tok_is(p, &rt, "utility")) {
        size_t party;
        if (!rule_number(p, &left, &x) || !rule_parse_utility(p, &party))
            return NULL;
        return rule_util_leaf(p, party, c, x, offset);
    }
    if ((rt.kind != TK_WORD && rt.kind != TK_STRING) || rule_is_keyword(p, &rt))
        return rule_expected(p, "an issue name or utility(party) (one side of a comparison "
                                "must be an issue or a utility)");
    size_t issue;
    if (!rule_resolve_issue(p, &rt, &issue))
        return NULL;
    if (!rule_discrete_op_ok(p, &p->sc->issues[issue], c, rule_cmp_flip(c), optok.pos))
        return NULL;
    return rule_issue_compare(p, issue, c, false, false, &left, offset);
}

/* The operator after the left side (utility(party) when is_util, else
 * the issue token left): a comparison into *c, or in / not in (*set, and
 * *negate for not in).  p->cur is left after it. */
static bool rule_parse_operator(rule_parser *p, const rule_tok *left, bool is_util, size_t party,
                                rule_cmp *c, bool *set, bool *negate)
{
    rule_tok optok = p->cur;
    char sh[RULE_SHOW + 16];
    *c = RULE_EQ;
    if (rule_tok_cmp(&optok, c)) {
        /* plain comparison */
    } else if (rule_tok_is(p, &optok, "in")) {
        *set = true;
    } else if (rule_tok_is(p, &optok, "not")) {
        rule_tok nx;
        if (!rule_lex(p, optok.pos + optok.len, &nx))
            return false;
        if (!rule_tok_is(p, &nx, "in")) {
            p->prev = p->cur;
            p->cur = nx;
            rule_expected(p, "'in' (write: issue not in {a, b})");
            return false;
        }
        *set = true;
        *negate = true;
        p->cur = nx; /* skip 'not'; the advance below skips 'in' */
    } else {
        char lhs[RULE_SHOW + 32];
        if (is_util)
            snprintf(lhs, sizeof lhs, "utility(%.*s)", RULE_SHOW, p->sc->parties[party].name);
        else
            snprintf(lhs, sizeof lhs, "%s", rule_tok_show(p, left, sh, sizeof sh));
        const char *ops = is_util ? "==, !=, <, <=, >, >=" : "==, !=, <, <=, >, >=, in";
        const char *q = is_util ? "'" : "";
        if (optok.kind == TK_END)
            rule_fail(p, PARLEY_ERR_SYNTAX, optok.pos,
                      "expected a comparison operator (%s) after %s%s%s but the rule ends here",
                      ops, q, lhs, q);
        else
            rule_fail(p, PARLEY_ERR_SYNTAX, optok.pos,
                      "expected a comparison operator (%s) after %s%s%s but found %s", ops, q,
                      lhs, q, rule_tok_show(p, &optok, sh, sizeof sh));
        return false;
    }
    return rule_advance(p);
}

/* utility(party) c number, with p->cur at the number; set: 'in' was
 * written (at oppos), which does not apply. */
static rule *rule_parse_util_rhs(rule_parser *p, size_t party, rule_cmp c, bool set, size_t oppos,
                                 size_t offset)
{
    const char *name = p->sc->parties[party].name;
    char sh[RULE_SHOW + 16];
    if (set) {
        rule_fail(p, PARLEY_ERR_INVALID, oppos,
                  "'in' does not apply to utility(%.*s): compare it with ==, !=, <, <=, >, "
                  ">= and a number", RULE_SHOW, name);
        return NULL;
    }
    rule_tok rt = p->cur;
    double x;
    if (rt.kind != TK_NUMBER) {
        if (rt.kind == TK_WORD || rt.kind == TK_STRING) {
            if (rule_is_keyword(p, &rt))
                return rule_expected(p, "a number");
            rule_fail(p, PARLEY_ERR_INVALID, rt.pos,
                      "utility(%.*s) compares with a number (e.g. utility(%.*s) >= 0.3), "
                      "not %s", RULE_SHOW, name, RULE_SHOW, name,
                      rule_tok_show(p, &rt, sh, sizeof sh));
            return NULL;
        }
        return rule_expected(p, "a number");
    }
    if (!rule_number(p, &rt, &x) || !rule_advance(p))
        return NULL;
    return rule_util_leaf(p, party, c, x, offset);
}

/* comparison, with p->cur at its first token. */
static rule *rule_parse_comparison(rule_parser *p)
{
    rule_tok left = p->cur;
    size_t offset = left.pos;
    if (left.kind == TK_NUMBER)
        return rule_parse_number_first(p);

    bool is_util = false;
    size_t party = 0, issue = 0;
    if (rule_tok_is(p, &left, "utility")) {
        if (!rule_parse_utility(p, &party))
            return NULL;
        is_util = true;
    } else if ((left.kind == TK_WORD && !rule_is_keyword(p, &left)) || left.kind == TK_STRING) {
        if (!rule_resolve_issue(p, &left, &issue) || !rule_advance(p))
            return NULL;
    } else {
        return rule_expected(p, RULE_WANT_CONDITION);
    }
    size_t oppos = p->cur.pos;
    rule_cmp c;
    bool set = false, negate = false;
    if (!rule_parse_operator(p, &left, is_util, party, &c, &set, &negate))
        return NULL;
    if (is_util)
        return rule_parse_util_rhs(p, party, c, set, oppos, offset);
    if (!set && !rule_discrete_op_ok(p, &p->sc->issues[issue], c, c, oppos))
        return NULL;
    rule_tok value = p->cur;
    return rule_issue_compare(p, issue, c, set, negate, &value, offset);
}

static rule *rule_parse_primary(rule_parser *p)
{
    rule_tok t = p->cur;
    if (t.kind == TK_LPAREN) {
        if (!rule_advance(p))
            return NULL;
        rule *r = rule_parse_implies(p);
        if (!r)
            return NULL;
        if (p->cur.kind != TK_RPAREN) {
            char note[96];
            snprintf(note, sizeof note, "the '(' at column %zu is not closed", t.pos + 1);
            rule_expected_note(p, "')'", note);
            rule_free(p->sc, r);
            return NULL;
        }
        if (!rule_advance(p)) {
            rule_free(p->sc, r);
            return NULL;
        }
        return r;
    }
    if (rule_tok_is(p, &t, "true") || rule_tok_is(p, &t, "false")) {
        rule *r = rule_node(p, rule_tok_is(p, &t, "true") ? RULE_TRUE : RULE_FALSE, NULL, NULL,
                            t.pos);
        if (r && !rule_advance(p)) {
            rule_free(p->sc, r);
            return NULL;
        }
        return r;
    }
    rule *r = rule_parse_comparison(p);
    if (r) /* the comparison as written ends with the token before p->cur */
        r->end = p->prev.pos + p->prev.len;
    return r;
}

static bool rule_enter(rule_parser *p)
{
    if (++p->depth > RULE_MAX_DEPTH) {
        rule_fail(p, PARLEY_ERR_LIMIT, p->cur.pos,
                  "rule nested too deeply (more than %u levels of parentheses, 'not' and '->'); "
                  "simplify it or split it into several red lines", RULE_MAX_DEPTH);
        return false;
    }
    return true;
}

static rule *rule_parse_not(rule_parser *p)
{
    if (!rule_tok_is(p, &p->cur, "not"))
        return rule_parse_primary(p);
    size_t off = p->cur.pos;
    if (!rule_enter(p) || !rule_advance(p))
        return NULL;
    rule *a = rule_parse_not(p);
    p->depth--;
    if (!a)
        return NULL;
    rule *r = rule_node(p, RULE_NOT, a, NULL, off);
    if (!r)
        rule_free(p->sc, a);
    return r;
}

/* left op right, at left's offset; on failure right is freed (left stays
 * the caller's). */
static rule *rule_join(rule_parser *p, rule_op op, rule *left, rule *right)
{
    rule *r = rule_node(p, op, left, right, left->offset);
    if (!r)
        rule_free(p->sc, right);
    return r;
}

/* A chain sub (kw sub)* of an associative operator, built balanced: stack
 * holds subtrees of 2^rank operands, ranks strictly decreasing, so at most
 * 64 entries; equal ranks merge, in text order. */
static rule *rule_parse_chain(rule_parser *p, rule_op op, const char *kw,
                              rule *(*sub)(rule_parser *))
{
    rule *stack[64];
    unsigned rank[64];
    size_t top = 0;
    rule *t = sub(p);
    if (!t)
        return NULL;
    stack[top] = t;
    rank[top++] = 0;
    while (rule_tok_is(p, &p->cur, kw)) {
        if (!rule_advance(p))
            goto fail;
        t = sub(p);
        if (!t)
            goto fail;
        unsigned rk = 0;
        while (top > 0 && rank[top - 1] == rk) {
            t = rule_join(p, op, stack[top - 1], t);
            if (!t)
                goto fail;
            top--;
            rk++;
        }
        stack[top] = t;
        rank[top++] = rk;
    }
    t = stack[--top];
    while (top > 0) {
        t = rule_join(p, op, stack[top - 1], t);
        if (!t)
            goto fail;
        top--;
    }
    return t;
fail:
    while (top > 0)
        rule_free(p->sc, stack[--top]);
    return NULL;
}

static rule *rule_parse_and(rule_parser *p)
{
    return rule_parse_chain(p, RULE_AND, "and", rule_parse_not);
}

static rule *rule_parse_or(rule_parser *p)
{
    return rule_parse_chain(p, RULE_OR, "or", rule_parse_and);
}

static rule *rule_parse_implies(rule_parser *p)
{
    if (!rule_enter(p))
        return NULL;
    rule *a = rule_parse_or(p);
    if (a && p->cur.kind == TK_ARROW) {
        if (!rule_advance(p)) {
            rule_free(p->sc, a);
            a = NULL;
        } else {
            rule *b = rule_parse_implies(p);
            if (!b) {
                rule_free(p->sc, a);
                a = NULL;
            } else {
                rule *r = rule_node(p, RULE_IMPLIES, a, b, a->offset);
                if (!r) {
                    rule_free(p->sc, a);
                    rule_free(p->sc, b);
                }
                a = r;
            }
        }
    }
    p->depth--;
    return a;
}

parley_status rule_compile(const parley_scenario *sc, const char *text, rule **out,
                           parley_error *err)
{
    if (out)
        *out = NULL;
    if (!sc || !text || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "rule_compile: scenario, text and output must not be NULL");
    rule_parser p;
    memset(&p, 0, sizeof p);
    p.sc = sc;
    p.text = text;
    p.err = err;
    p.n = strnlen(text, (size_t)RULE_MAX_TEXT + 1);
    if (p.n > RULE_MAX_TEXT)
        return rule_fail(&p, PARLEY_ERR_LIMIT, RULE_MAX_TEXT,
                         "rule longer than %u bytes; split it into several red lines",
                         RULE_MAX_TEXT);
    p.prev.kind = TK_END;
    if (!rule_lex(&p, 0, &p.cur))
        return p.st;
    if (p.cur.kind == TK_END)
        return rule_fail(&p, PARLEY_ERR_SYNTAX, 0,
                         "empty rule: write a condition such as donbas == ceded");
    rule *r = rule_parse_implies(&p);
    if (!r)
        return p.st != PARLEY_OK ? p.st : PARLEY_ERR_INTERNAL;
    if (p.cur.kind != TK_END) {
        char sh[RULE_SHOW + 16];
        if (p.cur.kind == TK_RPAREN)
            rule_fail(&p, PARLEY_ERR_SYNTAX, p.cur.pos,
                      "unexpected ')' after a complete rule: no '(' is open here");
        else
            rule_fail(&p, PARLEY_ERR_SYNTAX, p.cur.pos,
                      "unexpected %s after a complete condition; join conditions with 'and', "
                      "'or' or '->'", rule_tok_show(&p, &p.cur, sh, sizeof sh));
        rule_free(sc, r);
        return p.st;
    }
    *out = r;
    return PARLEY_OK;
}

/* ------------------------------------------------------------ evaluation */

bool rule_eval(const rule *r, const uint32_t *outcome, const double *util)
{
    for (;;) {
        switch (r->op) {
        case RULE_TRUE:
            return true;
        case RULE_FALSE:
            return false;
        case RULE_NOT:
            return !rule_eval(r->a, outcome, util);
        case RULE_AND:
            if (!rule_eval(r->a, outcome, util))
                return false;
            r = r->b;
            continue;
        case RULE_OR:
            if (rule_eval(r->a, outcome, util))
                return true;
            r = r->b;
            continue;
        case RULE_IMPLIES:
            if (!rule_eval(r->a, outcome, util))
                return true;
            r = r->b;
            continue;
        case RULE_ISSUE_IN: {
            uint32_t k = outcome[r->issue];
            return (r->bits[k >> 6] >> (k & 63)) & 1u;
        }
        case RULE_UTIL_CMP:
            return rule_cmp_holds(r->cmp, util[r->party], r->threshold);
        }
        return false;
    }
}

bool rule_uses_utility(const rule *r)
{
    while (r) {
        if (r->op == RULE_UTIL_CMP)
            return true;
        if (r->a && rule_uses_utility(r->a))
            return true;
        r = r->b;
    }
    return false;
}

/* Three-valued utility comparison: u is known to lie in [lo, hi]. */
static int rule_cmp_partial(rule_cmp c, double lo, double hi, double t)
{
    switch (c) {
    case RULE_EQ:
        if (lo == t && hi == t)
            return 1;
        return (t < lo || t > hi) ? 0 : -1;
    case RULE_NE:
        if (lo == t && hi == t)
            return 0;
        return (t < lo || t > hi) ? 1 : -1;
    case RULE_LT:
        return hi < t ? 1 : lo >= t ? 0 : -1;
    case RULE_LE:
        return hi <= t ? 1 : lo > t ? 0 : -1;
    case RULE_GT:
        return lo > t ? 1 : hi <= t ? 0 : -1;
    case RULE_GE:
        return lo >= t ? 1 : hi < t ? 0 : -1;
    }
    return -1;
}

int rule_eval_partial(const rule *r, const uint32_t *outcome, const bool *assigned,
                      const double *ulo, const double *uhi)
{
    for (;;) {
        int a;
        switch (r->op) {
        case RULE_TRUE:
            return 1;
        case RULE_FALSE:
            return 0;
        case RULE_NOT:
            a = rule_eval_partial(r->a, outcome, assigned, ulo, uhi);
            return a < 0 ? -1 : !a;
        case RULE_AND:
        case RULE_OR:
        case RULE_IMPLIES: {
            /* a -> b is (not a) or b.  The decisive value settles the
             * connective (0 for and, 1 for or); the other hands it to b;
             * unknown leaves only a decisive b known. */
            int decisive = r->op == RULE_AND ? 0 : 1;
            a = rule_eval_partial(r->a, outcome, assigned, ulo, uhi);
            if (r->op == RULE_IMPLIES && a >= 0)
                a = !a;
            if (a == decisive)
                return decisive;
            if (a >= 0) {
                r = r->b;
                continue;
            }
            return rule_eval_partial(r->b, outcome, assigned, ulo, uhi) == decisive ? decisive
                                                                                     : -1;
        }
        case RULE_ISSUE_IN: {
            if (assigned[r->issue]) {
                uint32_t k = outcome[r->issue];
                return (int)((r->bits[k >> 6] >> (k & 63)) & 1u);
            }
            /* word -1: the answer for an unassigned issue (1 every value
             * accepted, 0 none, -1 some) */
            return (int)(int64_t)r->bits[-1];
        }
        case RULE_UTIL_CMP:
            return rule_cmp_partial(r->cmp, ulo[r->party], uhi[r->party], r->threshold);
        }
        return -1;
    }
}
