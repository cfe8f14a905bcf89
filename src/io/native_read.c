/*
 * native_read.c -- the reader of parley's native scenario format (YAML or
 * JSON, `parley: 1`); docs/scenario-format.md is the user's reference.
 *
 * What it owns.  Turning text into a final parley_scenario, through the
 * public builder API of parley.h only: the model knows no file format, and
 * this file knows nothing of the model's layout.  The writer lives in
 * native_write.c.
 *
 * How it reads.  Two stages.
 *  1. The YAML front end (yaml_front.c: libfyaml's event parser, the text
 *     checks, positions and workarounds shared with the tournament
 *     configuration) feeds a small tree of nat_node, each carrying its
 *     1-based line and column and its byte span in the text.  An alias is
 *     refused the moment it appears; libfyaml's first error becomes our
 *     PARLEY_ERR_SYNTAX with its position; the library never prints.
 *  2. A walk of that tree against the schema, calling the builder: every
 *     issue first, then every party (name, role, numbers, utility), then
 *     every party's interaction terms and red lines (so a rule may name
 *     any party, and utility() in a term gets its own message), then
 *     parley_scenario_finalize.  Under a utility, `interactions` (a
 *     sequence) and `interaction-divisor` (a scalar) are told from issues
 *     of those names by the node's kind.  Any error stops the walk; the message says
 *     where (the node's position), what was expected and how to fix it,
 *     with a "did you mean" from parleyx_closest for misspelt names.
 *
 * Bounds (hostile input fails cleanly, never explodes): the input size
 * (opt->max_file_bytes, 0 = 64 MiB), a NUL byte or invalid UTF-8 anywhere
 * (binary junk), the nesting depth (NAT_MAX_DEPTH), the node count
 * (NAT_MAX_NODES), one document per stream, no aliases at all (an alias
 * bomb stops at its first `*`), and the PARLEY_MAX_* counts of parley.h.
 * Numeric values are plain YAML decimals only: no .nan, .inf, hex, or
 * quoted numbers.  Integer range bounds are kept within +-2^53 so that
 * they survive the writer's doubles exactly.
 *
 * Memory.  The tree, scalar texts, hash indexes and scratch arrays live in
 * one arena (nat_arena) drawn from opt->alloc and freed in one sweep at the
 * end, success or not (the front end's decoded single-quoted scalars
 * too).  The scenario is created with opt->alloc; on success the caller
 * owns *out (parley_scenario_free), on failure *out is NULL and nothing is
 * left allocated.  libfyaml allocates with its own malloc for the
 * duration of stage 1 only.
 */
#include "parleyx.h"

#include "yaml_front.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAT_MAX_DEPTH 32                    /* the schema needs 7 */
#define NAT_MAX_NODES ((size_t)4 << 20)     /* about 400 MB of tree at most */
#define NAT_DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define NAT_INT_LIMIT 9007199254740992LL    /* 2^53: exact in a double */

/* ------------------------------------------------------------------ */
/* Arena                                                                */
/* ------------------------------------------------------------------ */

typedef struct nat_chunk {
    struct nat_chunk *next;
    size_t size; /* bytes allocated for this chunk, header included */
    size_t used; /* bytes used after the header */
} nat_chunk;

#define NAT_CHUNK_HDR ((sizeof(nat_chunk) + 15) & ~(size_t)15)
#define NAT_CHUNK_SIZE ((size_t)64 << 10)

typedef struct nat_arena {
    const parley_allocator *alloc;
    nat_chunk *head;
} nat_arena;

/* n bytes, 16-aligned, zeroed; NULL when out of memory. */
static void *nat_alloc(nat_arena *ar, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    nat_chunk *c = ar->head;
    if (!c || c->size - NAT_CHUNK_HDR - c->used < n) {
        size_t sz = NAT_CHUNK_HDR + (n > NAT_CHUNK_SIZE / 4 ? n : NAT_CHUNK_SIZE);
        if (sz < n)
            return NULL;
        nat_chunk *nc = parleyx_malloc(ar->alloc, sz);
        if (!nc)
            return NULL;
        nc->size = sz;
        nc->used = 0;
        if (n > NAT_CHUNK_SIZE / 4 && c) {
            /* A big block: keep the current chunk in front for small ones. */
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            void *p = (char *)nc + NAT_CHUNK_HDR;
            memset(p, 0, n);
            return p;
        }
        nc->next = c;
        ar->head = c = nc;
    }
    void *p = (char *)c + NAT_CHUNK_HDR + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

static void nat_arena_free(nat_arena *ar)
{
    nat_chunk *c = ar->head;
    while (c) {
        nat_chunk *next = c->next;
        parleyx_free(ar->alloc, c, c->size);
        c = next;
    }
    ar->head = NULL;
}

/* ------------------------------------------------------------------ */
/* The tree                                                             */
/* ------------------------------------------------------------------ */

typedef enum nat_kind { NAT_SCALAR, NAT_MAP, NAT_SEQ } nat_kind;

typedef struct nat_node {
    unsigned char kind;         /* nat_kind */
    unsigned char style;        /* scalars: yf_style */
    bool has_span;              /* pos/end known */
    unsigned line, col;         /* 1-based; 0 when unknown */
    size_t pos, end;            /* byte span in the source [pos, end) */
    const char *text;           /* scalars: NUL-terminated, arena */
    size_t len;
    size_t n;                   /* MAP: pairs; SEQ: items */
    size_t idx;                 /* discrete value labels, issue keys: the index */
    struct nat_node *first, *next; /* MAP children: key, value, key... */
} nat_node;

typedef struct nat_ctx {
    const parley_allocator *alloc;
    const char *file;          /* for messages; "" none */
    const char *src;
    size_t srclen;
    parley_error *err;
    nat_arena ar;
    parley_scenario *sc;
    unsigned real_grid;
    /* issues, as read */
    size_t nissues;
    const char **issue_names;
    struct nat_issue *issues;
    struct nat_index *issue_ix;   /* issue name -> key node (node->idx) */
    /* parties */
    size_t nparties;
    const char **party_names;
    const nat_node **inter;       /* per party: its `interactions` sequence or NULL */
} nat_ctx;

static parley_status nat_failv(nat_ctx *c, parley_status st, unsigned line, unsigned col,
                               const char *fmt, va_list ap) PX_PRINTF(5, 0);
static parley_status nat_failv(nat_ctx *c, parley_status st, unsigned line, unsigned col,
                               const char *fmt, va_list ap)
{
    if (!c->err)
        return st;
    char msg[sizeof c->err->message];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return parleyx_fail(c->err, st, c->file, line, col, "%s", msg);
}

static parley_status nat_fail(nat_ctx *c, parley_status st, const nat_node *at, const char *fmt,
                              ...) PX_PRINTF(4, 5);
static parley_status nat_fail(nat_ctx *c, parley_status st, const nat_node *at, const char *fmt,
                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    parley_status r = nat_failv(c, st, at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    return r;
}

static parley_status nat_nomem(nat_ctx *c)
{
    return parleyx_fail(c->err, PARLEY_ERR_NOMEM, c->file, 0, 0,
                        "out of memory while reading the scenario");
}

/* A short, printable excerpt of a scalar for messages. */
static const char *nat_show(const nat_node *n, char *buf, size_t cap)
{
    if (!n || n->kind != NAT_SCALAR) {
        snprintf(buf, cap, "%s", !n ? "nothing" : n->kind == NAT_MAP ? "a mapping" : "a sequence");
        return buf;
    }
    size_t o = 0;
    for (size_t i = 0; i < n->len && o + 4 < cap; i++) {
        unsigned char ch = (unsigned char)n->text[i];
        buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (o + 4 >= cap && n->len > o) {
        buf[o++] = '.';
        buf[o++] = '.';
        buf[o++] = '.';
    }
    buf[o] = '\0';
    return buf;
}

static const char *nat_kind_name(const nat_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case NAT_MAP: return "a mapping";
    case NAT_SEQ: return "a sequence";
    default: break;
    }
    if (n->style == YF_PLAIN && n->len == 0)
        return "nothing";
    return "a scalar";
}

/* ------------------------------------------------------------------ */
/* Stage 1: events to tree                                              */
/* ------------------------------------------------------------------ */

/* The front end's blocks (decoded single-quoted scalars) come from the arena. */
static void *nat_yf_alloc(void *ud, size_t n)
{
    return nat_alloc(ud, n);
}

/* Binary junk, UTF-16 or Latin-1: say so before libfyaml sees it.  YAML
 * text never holds a NUL byte. */
static parley_status nat_check_text(nat_ctx *c)
{
    unsigned l, cl;
    size_t bad = yf_bad_byte(c->src, c->srclen, true, &l, &cl);
    if (bad == SIZE_MAX)
        return PARLEY_OK;
    if (c->src[bad] == '\0')
        return parleyx_fail(c->err, PARLEY_ERR_SYNTAX, c->file, l, cl,
                            "not a YAML text file: a NUL byte at this point; expected a UTF-8 "
                            "text file with a mapping that starts with `parley: 1`");
    return parleyx_fail(c->err, PARLEY_ERR_SYNTAX, c->file, l, cl,
                        "byte 0x%02X is not valid UTF-8; expected a UTF-8 text file (YAML "
                        "or JSON, a mapping that starts with `parley: 1`): save the file "
                        "as UTF-8",
                        (unsigned)(unsigned char)c->src[bad]);
}

/* Stage 1's state: the open collections, outermost first, and the last
 * child of each; the documents and nodes seen so far. */
typedef struct nat_tree {
    nat_node *open[NAT_MAX_DEPTH];
    nat_node *lastc[NAT_MAX_DEPTH];
    unsigned depth, docs;
    size_t nodes;
    nat_node *root;
} nat_tree;

static void nat_place(nat_node *nd, const yf_mark *at)
{
    nd->line = at->line;
    nd->col = at->col;
    nd->pos = at->pos;
    nd->end = at->end;
    nd->has_span = at->has_start && at->has_end;
}

/* A node for a collection start or a scalar, placed where libfyaml says
 * (an empty scalar has no mark: where the last event ended). */
static parley_status nat_new_node(nat_ctx *c, const yf_parser *p, const yf_event *ev,
                                  nat_node **out)
{
    nat_node *nd = *out = nat_alloc(&c->ar, sizeof *nd);
    if (!nd)
        return nat_nomem(c);
    nd->kind = ev->kind == YF_SCALAR ? NAT_SCALAR : ev->kind == YF_MAPPING_START ? NAT_MAP
                                                                                 : NAT_SEQ;
    nat_place(nd, ev->at.has_start ? &ev->at : &p->last);
    nd->style = YF_PLAIN;
    if (nd->kind != NAT_SCALAR)
        return PARLEY_OK;
    char *copy = ev->owned;
    if (!copy) {
        copy = nat_alloc(&c->ar, ev->len + 1);
        if (!copy)
            return nat_nomem(c);
        memcpy(copy, ev->text, ev->len);
        copy[ev->len] = '\0';
    }
    nd->text = copy;
    nd->len = ev->len;
    nd->style = (unsigned char)ev->style;
    if (ev->has_nul)
        return nat_fail(c, PARLEY_ERR_INVALID, nd,
                        "text with a NUL character (`\\0`) is not allowed; remove it");
    return PARLEY_OK;
}

/* Hang nd under the innermost open collection (or make it the root) and
 * open it if it is a collection, within the node and depth limits. */
static parley_status nat_attach(nat_ctx *c, nat_tree *tr, nat_node *nd)
{
    if (++tr->nodes > NAT_MAX_NODES)
        return nat_fail(c, PARLEY_ERR_LIMIT, nd,
                        "more than %lu YAML nodes (names, numbers, lists); parley's "
                        "limit for one scenario file",
                        (unsigned long)NAT_MAX_NODES);
    if (tr->depth > 0) {
        nat_node *parent = tr->open[tr->depth - 1];
        if (tr->lastc[tr->depth - 1])
            tr->lastc[tr->depth - 1]->next = nd;
        else
            parent->first = nd;
        tr->lastc[tr->depth - 1] = nd;
        parent->n++;
    }
    if (!tr->root)
        tr->root = nd;
    if (nd->kind == NAT_SCALAR)
        return PARLEY_OK;
    if (tr->depth >= NAT_MAX_DEPTH)
        return nat_fail(c, PARLEY_ERR_LIMIT, nd,
                        "nesting deeper than %d levels; a scenario needs at most 7 "
                        "(mappings and sequences within each other)",
                        NAT_MAX_DEPTH);
    tr->open[tr->depth] = nd;
    tr->lastc[tr->depth] = NULL;
    tr->depth++;
    return PARLEY_OK;
}

/* A mapping or sequence ends: its span is complete, a mapping counts pairs. */
static void nat_close(nat_tree *tr, const yf_event *ev)
{
    if (tr->depth == 0)
        return;
    nat_node *done = tr->open[--tr->depth];
    if (ev->at.has_end) {
        done->end = ev->at.end;
        done->has_span = true;
    }
    if (done->kind == NAT_MAP)
        done->n /= 2;
}

static parley_status nat_event(nat_ctx *c, const yf_parser *p, nat_tree *tr, const yf_event *ev)
{
    nat_node *nd = NULL, tmp = {0};
    parley_status st;
    switch (ev->kind) {
    case YF_DOCUMENT_START:
        if (++tr->docs > 1) {
            nat_place(&tmp, ev->at.has_start ? &ev->at : &p->last);
            return nat_fail(c, PARLEY_ERR_SYNTAX, &tmp,
                            "a second YAML document starts here: a scenario file holds one "
                            "document; remove the `---` line and what follows, or split the "
                            "file");
        }
        return PARLEY_OK;
    case YF_ALIAS: {
        yf_mark at = ev->at;
        yf_alias_star(p, &at);
        nat_place(&tmp, &at);
        return nat_fail(c, PARLEY_ERR_UNSUPPORTED, &tmp,
                        "YAML aliases (`*name`) are not supported in scenario files; write the "
                        "value out in full where the alias stands");
    }
    case YF_MAPPING_START:
    case YF_SEQUENCE_START:
    case YF_SCALAR:
        if ((st = nat_new_node(c, p, ev, &nd)) != PARLEY_OK)
            return st;
        return nat_attach(c, tr, nd);
    case YF_MAPPING_END:
    case YF_SEQUENCE_END:
        nat_close(tr, ev);
        return PARLEY_OK;
    default:
        return PARLEY_OK;
    }
}

/* libfyaml found the text malformed: the first error with its position,
 * else where the last good token ended. */
static parley_status nat_syntax_error(nat_ctx *c, const yf_error *ye)
{
    if (ye->positioned)
        return parleyx_fail(c->err, PARLEY_ERR_SYNTAX, c->file, ye->line, ye->col,
                            "YAML syntax error: %s; expected well-formed YAML (or JSON) text: "
                            "check the indentation, the brackets and the quotes near this point",
                            ye->msg);
    return parleyx_fail(c->err, PARLEY_ERR_SYNTAX, c->file, ye->line, ye->col,
                        "YAML syntax error%s%s after this point; expected well-formed YAML (or "
                        "JSON) text: check the indentation, the brackets and the quotes",
                        ye->msg ? ": " : "", ye->msg ? ye->msg : "");
}

/* Parse c->src into a tree; *root is NULL for an empty stream. */
static parley_status nat_parse(nat_ctx *c, nat_node **root)
{
    *root = NULL;
    parley_status st = nat_check_text(c);
    if (st != PARLEY_OK)
        return st;
    yf_parser p;
    if (yf_open(&p, c->src, c->srclen, nat_yf_alloc, &c->ar) != PARLEY_OK)
        return nat_nomem(c);
    nat_tree tr;
    memset(&tr, 0, sizeof tr);
    yf_event ev;
    for (;;) {
        if (yf_next(&p, &ev) != PARLEY_OK)
            st = nat_nomem(c);
        else if (ev.kind == YF_END)
            break;
        else
            st = nat_event(c, &p, &tr, &ev);
        yf_event_done(&p, &ev);
        if (st != PARLEY_OK)
            break;
    }
    yf_error ye;
    if (st == PARLEY_OK && yf_failed(&p, &ye))
        st = nat_syntax_error(c, &ye);
    yf_close(&p);
    *root = tr.root;
    return st;
}

/* ------------------------------------------------------------------ */
/* Stage 2 helpers: names, numbers, mappings                            */
/* ------------------------------------------------------------------ */

/* Children of a mapping: key, value, key, value... */
#define NAT_PAIRS(map, k, v)                                                                   \
    for (const nat_node *k = (map)->first, *v = k ? k->next : NULL; k && v;                    \
         k = v->next, v = k ? k->next : NULL)

/* Items of a sequence. */
#define NAT_ITEMS(seq, it) for (const nat_node *it = (seq)->first; it; it = it->next)

static bool nat_is_null(const nat_node *n)
{
    if (!n)
        return true;
    if (n->kind != NAT_SCALAR || n->style != YF_PLAIN)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* --- a string-keyed hash index of scalar nodes (open addressing) --- */
typedef struct nat_index {
    size_t mask;
    const nat_node **slot;
} nat_index;

static uint64_t nat_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static bool nat_index_init(nat_ctx *c, nat_index *ix, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    ix->slot = nat_alloc(&c->ar, cap * sizeof *ix->slot);
    ix->mask = cap - 1;
    return ix->slot != NULL;
}

static const nat_node *nat_index_get(const nat_index *ix, const char *s, size_t len)
{
    size_t h = (size_t)nat_hash(s, len) & ix->mask;
    while (ix->slot[h]) {
        const nat_node *x = ix->slot[h];
        if (x->len == len && memcmp(x->text, s, len) == 0)
            return x;
        h = (h + 1) & ix->mask;
    }
    return NULL;
}

/* Insert k; returns the node already there with the same text, or NULL. */
static const nat_node *nat_index_put(nat_index *ix, const nat_node *k)
{
    size_t h = (size_t)nat_hash(k->text, k->len) & ix->mask;
    while (ix->slot[h]) {
        const nat_node *x = ix->slot[h];
        if (x->len == k->len && memcmp(x->text, k->text, k->len) == 0)
            return x;
        h = (h + 1) & ix->mask;
    }
    ix->slot[h] = k;
    return NULL;
}

/* Check a mapping: keys are non-empty scalars, none twice, and each one of
 * known[] when known is not NULL.  where names the place ("the top level",
 * "issue `x`"). */
static parley_status nat_check_map(nat_ctx *c, const nat_node *map, const char *const *known,
                                   size_t nknown, const char *where)
{
    char sh[128];
    NAT_PAIRS(map, k, v) {
        (void)v;
        if (k->kind != NAT_SCALAR)
            return nat_fail(c, PARLEY_ERR_INVALID, k,
                            "a key in %s is %s; expected a plain name as each key", where,
                            nat_kind_name(k));
        if (k->len == 0)
            return nat_fail(c, PARLEY_ERR_INVALID, k,
                            "an empty key in %s; expected a name before the `:`", where);
        if (known) {
            size_t j = 0;
            while (j < nknown && strcmp(known[j], k->text) != 0)
                j++;
            if (j == nknown) {
                char list[256];
                size_t o = 0;
                list[0] = '\0';
                for (size_t q = 0; q < nknown && o < sizeof list; q++)
                    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", q ? ", " : "",
                                          known[q]);
                const char *near = parleyx_closest(k->text, known, nknown);
                if (near)
                    return nat_fail(c, PARLEY_ERR_INVALID, k,
                                    "unknown key `%s` in %s; did you mean `%s`? (the keys "
                                    "allowed here: %s)",
                                    nat_show(k, sh, sizeof sh), where, near, list);
                return nat_fail(c, PARLEY_ERR_INVALID, k,
                                "unknown key `%s` in %s; the keys allowed here: %s",
                                nat_show(k, sh, sizeof sh), where, list);
            }
        }
    }
    /* Duplicates: a quadratic scan for small mappings, a hash index else. */
    if (map->n <= 16) {
        NAT_PAIRS(map, k, v) {
            (void)v;
            for (const nat_node *k2 = map->first; k2 != k; k2 = k2->next->next)
                if (k2->len == k->len && memcmp(k2->text, k->text, k->len) == 0)
                    return nat_fail(c, PARLEY_ERR_INVALID, k,
                                    "duplicate key `%s` in %s (first at line %u, column %u); "
                                    "each key may appear only once: remove or rename one",
                                    nat_show(k, sh, sizeof sh), where, k2->line, k2->col);
        }
        return PARLEY_OK;
    }
    nat_index ix;
    if (!nat_index_init(c, &ix, map->n))
        return nat_nomem(c);
    NAT_PAIRS(map, k, v) {
        (void)v;
        const nat_node *k2 = nat_index_put(&ix, k);
        if (k2)
            return nat_fail(c, PARLEY_ERR_INVALID, k,
                            "duplicate key `%s` in %s (first at line %u, column %u); each key "
                            "may appear only once: remove or rename one",
                            nat_show(k, sh, sizeof sh), where, k2->line, k2->col);
    }
    return PARLEY_OK;
}

/* The value of key in map, or NULL; *keyp (if not NULL) the key node. */
static const nat_node *nat_get(const nat_node *map, const char *key, const nat_node **keyp)
{
    NAT_PAIRS(map, k, v) {
        if (strcmp(k->text, key) == 0) {
            if (keyp)
                *keyp = k;
            return v;
        }
    }
    return NULL;
}

static parley_status nat_want_map(nat_ctx *c, const nat_node *n, const char *what,
                                  const char *hint)
{
    if (n && n->kind == NAT_MAP)
        return PARLEY_OK;
    return nat_fail(c, PARLEY_ERR_INVALID, n, "expected a mapping for %s, got %s; %s", what,
                    nat_kind_name(n), hint);
}

static parley_status nat_want_seq(nat_ctx *c, const nat_node *n, const char *what,
                                  const char *hint)
{
    if (n && n->kind == NAT_SEQ)
        return PARLEY_OK;
    return nat_fail(c, PARLEY_ERR_INVALID, n, "expected a sequence for %s, got %s; %s", what,
                    nat_kind_name(n), hint);
}

/* Free text (a description): any scalar; *out NULL when null. */
static parley_status nat_text(nat_ctx *c, const nat_node *n, const char *what, const char **out)
{
    *out = NULL;
    if (nat_is_null(n))
        return PARLEY_OK;
    if (n->kind != NAT_SCALAR)
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "expected text for %s, got %s; write it on one line or as a `>` block",
                        what, nat_kind_name(n));
    *out = n->text;
    return PARLEY_OK;
}

/* A name or value label: a non-empty scalar of at most PARLEY_MAX_NAME bytes. */
static parley_status nat_name(nat_ctx *c, const nat_node *n, const char *what)
{
    if (!n || n->kind != NAT_SCALAR)
        return nat_fail(c, PARLEY_ERR_INVALID, n, "expected a name for %s, got %s", what,
                        nat_kind_name(n));
    if (n->len == 0)
        return nat_fail(c, PARLEY_ERR_INVALID, n, "expected a name for %s, got an empty one",
                        what);
    if (n->len > PARLEY_MAX_NAME)
        return nat_fail(c, PARLEY_ERR_LIMIT, n,
                        "%s is %zu bytes long; names and labels may have at most %u bytes", what,
                        n->len, (unsigned)PARLEY_MAX_NAME);
    return PARLEY_OK;
}

/* Uncertain numbers (docs/scenario-format.md, "Uncertain numbers"): a
 * mapping with `between`, `normal` or `choice` (and `p`). */
static bool nat_is_uncertain(const nat_node *n)
{
    if (!n || n->kind != NAT_MAP)
        return false;
    NAT_PAIRS(n, k, v) {
        (void)v;
        if (k->kind == NAT_SCALAR &&
            (strcmp(k->text, "between") == 0 || strcmp(k->text, "normal") == 0 ||
             strcmp(k->text, "choice") == 0 || strcmp(k->text, "p") == 0))
            return true;
    }
    return false;
}

static bool nat_is_nonfinite_word(const char *t)
{
    static const char *const words[] = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
                                        "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                                        "nan", "NaN", "inf", "-inf", "+inf", "Infinity",
                                        "-Infinity"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(t, words[i]) == 0)
            return true;
    return false;
}

static parley_status nat_number(nat_ctx *c, const nat_node *n, const char *what, double *out)
{
    char sh[96];
    if (n && n->kind == NAT_MAP && nat_is_uncertain(n))
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "an uncertain number is not allowed for %s; only a party's "
                        "`reservation`, a `weight`, a score in a `values` table and a red "
                        "line's `threshold` may be uncertain: write a plain number here",
                        what);
    if (!n || n->kind != NAT_SCALAR || nat_is_null(n))
        return nat_fail(c, PARLEY_ERR_INVALID, n, "expected a number for %s, got %s", what,
                        nat_kind_name(n));
    if (n->style != YF_PLAIN)
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "expected a number for %s, got the quoted text \"%s\"; write numbers "
                        "without quotes",
                        what, nat_show(n, sh, sizeof sh));
    if (nat_is_nonfinite_word(n->text))
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "expected a finite number for %s, got `%s`: NaN and infinities are not "
                        "allowed; write a plain decimal such as 0.5",
                        what, nat_show(n, sh, sizeof sh));
    px_num got = parleyx_read_double(n->text, out);
    if (got == PX_NUM_OK)
        return PARLEY_OK;
    if (got != PX_NUM_SYNTAX) /* decimal, but a double cannot hold it: 1e400, 1e-400 */
        return nat_fail(c, PARLEY_ERR_INVALID, n, "the number `%s` for %s %s",
                        nat_show(n, sh, sizeof sh), what, parleyx_double_problem(n->text));
    return nat_fail(c, PARLEY_ERR_INVALID, n,
                    "expected a number for %s (a plain decimal such as 0.5, 30 or 1e-3), got "
                    "`%s`",
                    what, nat_show(n, sh, sizeof sh));
}

static parley_status nat_integer(nat_ctx *c, const nat_node *n, const char *what, int64_t *out)
{
    char sh[96];
    double d;
    parley_status st = nat_number(c, n, what, &d);
    if (st != PARLEY_OK)
        return st;
    if (!parleyx_parse_int64(n->text, out) || *out > NAT_INT_LIMIT || *out < -NAT_INT_LIMIT) {
        if (d == floor(d) && fabs(d) > (double)NAT_INT_LIMIT)
            return nat_fail(c, PARLEY_ERR_LIMIT, n,
                            "the integer `%s` for %s is out of range; integers must lie within "
                            "+-9007199254740992 (2^53)",
                            nat_show(n, sh, sizeof sh), what);
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "expected a whole number for %s (such as 0, 10 or -5), got `%s`", what,
                        nat_show(n, sh, sizeof sh));
    }
    return PARLEY_OK;
}

/* A number in [0, 1] (an evaluation). */
static parley_status nat_unit(nat_ctx *c, const nat_node *n, const char *what, double *out)
{
    parley_status st = nat_number(c, n, what, out);
    if (st != PARLEY_OK)
        return st;
    if (!(*out >= 0.0 && *out <= 1.0)) {
        char sh[96];
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "%s is %s; expected an evaluation between 0 and 1 (0 = worst, 1 = best)",
                        what, nat_show(n, sh, sizeof sh));
    }
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Uncertain numbers (issue 17; the model is src/model/uncertain.c)     */
/* ------------------------------------------------------------------ */

static const char *const nat_unc_keys[] = {"between", "normal", "choice", "p"};

/* Two numbers [a, b] for key `key` of what. */
static parley_status nat_unc_pair(nat_ctx *c, const nat_node *n, const char *key,
                                  const char *form, const char *what, double *a, double *b)
{
    char w[600];
    if (!n || n->kind != NAT_SEQ || n->n != 2)
        return nat_fail(c, PARLEY_ERR_INVALID, n, "expected `%s: %s` for %s, got %s", key, form,
                        what,
                        n && n->kind == NAT_SEQ ? "a sequence of another length"
                                                : nat_kind_name(n));
    snprintf(w, sizeof w, "`%s` of %s", key, what);
    parley_status st = nat_number(c, n->first, w, a);
    return st ? st : nat_number(c, n->first->next, w, b);
}

/* Read an uncertain number (n: a mapping for which nat_is_uncertain
 * holds) standing for a number of this kind; *u's arrays live in the
 * arena.  Every error the format lists is placed on its node. */
static parley_status nat_uncertain(nat_ctx *c, const nat_node *n, const char *what,
                                   parley_input_kind kind, parley_uncertain *u)
{
    parley_status st;
    char w[600];
    memset(u, 0, sizeof *u);
    if ((st = nat_check_map(c, n, nat_unc_keys, 4, what)) != PARLEY_OK)
        return st;
    const nat_node *bk = NULL, *bv = nat_get(n, "between", &bk);
    const nat_node *nk = NULL, *nv = nat_get(n, "normal", &nk);
    const nat_node *ck = NULL, *cv = nat_get(n, "choice", &ck);
    const nat_node *pk = NULL, *pv = nat_get(n, "p", &pk);
    bool weight = kind == PARLEY_INPUT_WEIGHT;
    const char *range = weight ? "a weight must be >= 0" : "it must lie in [0, 1]";
    if (cv && (bv || nv))
        return nat_fail(c, PARLEY_ERR_INVALID, bv ? bk : nk,
                        "%s: `choice` takes no `%s`; write either `{choice: [...], p: [...]}` "
                        "or `{between: [LO, HI]}` (with `normal: [MEAN, SD]`)",
                        what, bv ? "between" : "normal");
    if (pv && !cv)
        return nat_fail(c, PARLEY_ERR_INVALID, pk,
                        "%s: `p` gives the probabilities of a `choice`; add `choice: [V1, V2, "
                        "...]` or remove `p`",
                        what);
    if (nv && !bv)
        return nat_fail(c, PARLEY_ERR_INVALID, nk,
                        "%s: a `normal` needs `between: [LO, HI]`, the range it is truncated "
                        "to; add it",
                        what);
    if (bv) {
        double lo, hi;
        if ((st = nat_unc_pair(c, bv, "between", "[LO, HI]", what, &lo, &hi)) != PARLEY_OK)
            return st;
        if (lo > hi)
            return nat_fail(c, PARLEY_ERR_INVALID, bv,
                            "%s: the range `between: [LO, HI]` has LO > HI; write the smaller "
                            "end first",
                            what);
        if (lo < 0 || (!weight && hi > 1))
            return nat_fail(c, PARLEY_ERR_INVALID, bv,
                            "%s: the range reaches outside what the number may take: %s", what,
                            range);
        u->kind = PARLEY_DIST_UNIFORM;
        u->lo = lo;
        u->hi = hi;
        if (nv) {
            if ((st = nat_unc_pair(c, nv, "normal", "[MEAN, SD]", what, &u->mean, &u->sd)) !=
                PARLEY_OK)
                return st;
            if (!(u->sd > 0))
                return nat_fail(c, PARLEY_ERR_INVALID, nv->first->next,
                                "%s: the SD of `normal: [MEAN, SD]` must be > 0", what);
            u->kind = PARLEY_DIST_NORMAL;
        }
        return PARLEY_OK;
    }
    if (!cv || cv->kind != NAT_SEQ || cv->n == 0 || cv->n > PARLEY_MAX_CHOICES)
        return nat_fail(c, PARLEY_ERR_INVALID, cv ? cv : n,
                        "%s: expected `choice: [V1, V2, ...]` with 1 to %d numbers", what,
                        PARLEY_MAX_CHOICES);
    double *vals = nat_alloc(&c->ar, cv->n * sizeof *vals);
    double *ps = pv ? nat_alloc(&c->ar, cv->n * sizeof *ps) : NULL;
    if (!vals || (pv && !ps))
        return nat_nomem(c);
    size_t k = 0;
    NAT_ITEMS(cv, it) {
        snprintf(w, sizeof w, "choice %zu of %s", k + 1, what);
        if ((st = nat_number(c, it, w, &vals[k])) != PARLEY_OK)
            return st;
        if (vals[k] < 0 || (!weight && vals[k] > 1))
            return nat_fail(c, PARLEY_ERR_INVALID, it,
                            "%s: choice %zu is outside what the number may take: %s", what,
                            k + 1, range);
        k++;
    }
    if (pv) {
        if (pv->kind != NAT_SEQ || pv->n != cv->n)
            return nat_fail(c, PARLEY_ERR_INVALID, pv,
                            "%s: expected `p: [P1, P2, ...]` with one probability per choice "
                            "(%zu)",
                            what, cv->n);
        double sum = 0;
        k = 0;
        NAT_ITEMS(pv, it) {
            snprintf(w, sizeof w, "probability %zu of %s", k + 1, what);
            if ((st = nat_number(c, it, w, &ps[k])) != PARLEY_OK)
                return st;
            if (!(ps[k] >= 0 && ps[k] <= 1))
                return nat_fail(c, PARLEY_ERR_INVALID, it,
                                "%s: probability %zu must lie in [0, 1]", what, k + 1);
            sum += ps[k++];
        }
        if (fabs(sum - 1.0) > 1e-9)
            return nat_fail(c, PARLEY_ERR_INVALID, pv,
                            "%s: the probabilities `p` sum to %.17g; they must sum to 1 (or "
                            "leave `p` out for equal weights)",
                            what, sum);
    }
    u->kind = PARLEY_DIST_CHOICE;
    u->n = cv->n;
    u->values = vals;
    u->p = ps;
    return PARLEY_OK;
}

/* Record u for in on the scenario; an error the model finds is placed at n. */
static parley_status nat_set_uncertain(nat_ctx *c, const nat_node *n, const parley_input *in,
                                       const parley_uncertain *u, const char *what)
{
    parley_error be;
    parley_error_clear(&be);
    parley_status st = parley_set_uncertain(c->sc, in, u, &be);
    if (st == PARLEY_OK)
        return PARLEY_OK;
    return nat_fail(c, st, n, "%s: %s", what, be.message[0] ? be.message : parley_strerror(st));
}

/* Copy a builder's error into ours at node n, with a prefix for context. */
static parley_status nat_builder_fail(nat_ctx *c, parley_status st, const nat_node *n,
                                      const parley_error *be, const char *context)
{
    const char *m = be && be->message[0] ? be->message : parley_strerror(st);
    return nat_fail(c, st, n, "%s: %s", context, m);
}

/* ------------------------------------------------------------------ */
/* Issues                                                               */
/* ------------------------------------------------------------------ */

typedef struct nat_issue {
    const nat_node *key;
    parley_issue_kind kind;
    size_t nvalues;
    const nat_node *values; /* discrete: the sequence of labels */
    nat_index labels;       /* discrete: label -> node (node->idx) */
} nat_issue;

static const char *const nat_issue_keys[] = {"description", "type", "values", "range", "step",
                                             "grid"};

static parley_status nat_reject_key(nat_ctx *c, const nat_node *map, const char *key,
                                    const char *iname, const char *why)
{
    const nat_node *k = NULL;
    if (nat_get(map, key, &k))
        return nat_fail(c, PARLEY_ERR_INVALID, k, "`%s` does not belong in issue `%.100s`: %s",
                        key, iname, why);
    return PARLEY_OK;
}

static parley_status nat_range(nat_ctx *c, const nat_node *rk, const nat_node *r,
                               const char *iname, bool integer, int64_t *ilo, int64_t *ihi,
                               double *lo, double *hi)
{
    char what[160];
    snprintf(what, sizeof what, "the range of issue `%.100s`", iname);
    if (!r)
        return nat_fail(c, PARLEY_ERR_INVALID, rk,
                        "issue `%.100s` has no `range`; expected `range: [low, high]` for a%s "
                        "issue",
                        iname, integer ? "n integer" : " real");
    parley_status st = nat_want_seq(c, r, what, "write `range: [low, high]`");
    if (st != PARLEY_OK)
        return st;
    if (r->n != 2)
        return nat_fail(c, PARLEY_ERR_INVALID, r,
                        "the range of issue `%.100s` has %zu items; expected two: "
                        "`[low, high]`",
                        iname, r->n);
    const nat_node *a = r->first, *b = a->next;
    snprintf(what, sizeof what, "the low end of issue `%.100s`", iname);
    if (integer) {
        if ((st = nat_integer(c, a, what, ilo)) != PARLEY_OK)
            return st;
        snprintf(what, sizeof what, "the high end of issue `%.100s`", iname);
        if ((st = nat_integer(c, b, what, ihi)) != PARLEY_OK)
            return st;
        if (*ilo > *ihi)
            return nat_fail(c, PARLEY_ERR_INVALID, a,
                            "the range of issue `%.100s` runs from %lld down to %lld; expected "
                            "low <= high: swap them",
                            iname, (long long)*ilo, (long long)*ihi);
    } else {
        if ((st = nat_number(c, a, what, lo)) != PARLEY_OK)
            return st;
        snprintf(what, sizeof what, "the high end of issue `%.100s`", iname);
        if ((st = nat_number(c, b, what, hi)) != PARLEY_OK)
            return st;
        if (*lo > *hi) {
            char x[32], y[32];
            return nat_fail(c, PARLEY_ERR_INVALID, a,
                            "the range of issue `%.100s` runs from %s down to %s; expected low "
                            "<= high: swap them",
                            iname, parleyx_fmt_double(*lo, x, sizeof x),
                            parleyx_fmt_double(*hi, y, sizeof y));
        }
    }
    return PARLEY_OK;
}

/* The index of scalar n's text among words[0..nw), or nw when it is none
 * of them; then hint is " (did you mean `w`?)" for a near miss, else "". */
static size_t nat_word(const nat_node *n, const char *const *words, size_t nw, char *hint,
                       size_t nhint)
{
    size_t j = 0;
    while (j < nw && strcmp(words[j], n->text) != 0)
        j++;
    hint[0] = '\0';
    if (j == nw) {
        const char *near = parleyx_closest(n->text, words, nw);
        if (near)
            snprintf(hint, nhint, " (did you mean `%s`?)", near);
    }
    return j;
}

/* The kind of issue `iname` (mapping v): its `type`, discrete without one. */
static parley_status nat_issue_kind(nat_ctx *c, const nat_node *k, const nat_node *v,
                                    const char *iname, parley_issue_kind *kind)
{
    static const char *const kinds[] = {"discrete", "integer", "real"};
    const nat_node *tv = nat_get(v, "type", NULL);
    *kind = PARLEY_ISSUE_DISCRETE;
    if (!tv) {
        if (nat_get(v, "values", NULL))
            return PARLEY_OK;
        return nat_fail(c, PARLEY_ERR_INVALID, k,
                        "issue `%.100s` has neither `values` nor `type`; write `values: [a, b, "
                        "c]` for a discrete issue, or `type: integer` (or `real`) with "
                        "`range: [low, high]`",
                        iname);
    }
    if (tv->kind != NAT_SCALAR || nat_is_null(tv))
        return nat_fail(c, PARLEY_ERR_INVALID, tv,
                        "expected the type of issue `%.100s`: discrete, integer or real", iname);
    char sh[96], hint[64];
    size_t j = nat_word(tv, kinds, 3, hint, sizeof hint);
    if (j == 3)
        return nat_fail(c, PARLEY_ERR_INVALID, tv,
                        "unknown issue type `%s`; expected discrete, integer or real%s",
                        nat_show(tv, sh, sizeof sh), hint);
    *kind = (parley_issue_kind)j;
    return PARLEY_OK;
}

/* A discrete issue: its list of values, each listed once. */
static parley_status nat_issue_discrete(nat_ctx *c, size_t idx, const nat_node *k,
                                        const nat_node *v, const char *where, size_t *got)
{
    parley_status st;
    char what[200], sh[96];
    nat_issue *is = &c->issues[idx];
    const char *iname = k->text;
    static const char *const why = "it is for integer and real issues; a discrete issue "
                                   "has only `values`";
    if ((st = nat_reject_key(c, v, "range", iname, why)) != PARLEY_OK ||
        (st = nat_reject_key(c, v, "step", iname, why)) != PARLEY_OK ||
        (st = nat_reject_key(c, v, "grid", iname, why)) != PARLEY_OK)
        return st;
    const nat_node *tk = NULL;
    nat_get(v, "type", &tk);
    const nat_node *vals = nat_get(v, "values", NULL);
    if (!vals)
        return nat_fail(c, PARLEY_ERR_INVALID, tk ? tk : k,
                        "discrete issue `%.100s` has no `values`; expected `values: [a, b, "
                        "c]`",
                        iname);
    snprintf(what, sizeof what, "the values of issue `%.100s`", iname);
    if ((st = nat_want_seq(c, vals, what, "write `values: [a, b, c]`")) != PARLEY_OK)
        return st;
    if (vals->n == 0)
        return nat_fail(c, PARLEY_ERR_INVALID, vals,
                        "issue `%.100s` has an empty list of values; expected at least one "
                        "value: `values: [a, b]`",
                        iname);
    if (vals->n > PARLEY_MAX_VALUES)
        return nat_fail(c, PARLEY_ERR_LIMIT, vals,
                        "issue `%.100s` has %zu values; at most %u are allowed", iname, vals->n,
                        (unsigned)PARLEY_MAX_VALUES);
    const char **labels = nat_alloc(&c->ar, vals->n * sizeof *labels);
    if (!labels || !nat_index_init(c, &is->labels, vals->n))
        return nat_nomem(c);
    size_t j = 0;
    for (nat_node *x = vals->first; x; x = x->next, j++) {
        snprintf(what, sizeof what, "a value of issue `%.100s`", iname);
        if ((st = nat_name(c, x, what)) != PARLEY_OK)
            return st;
        x->idx = j;
        const nat_node *dup = nat_index_put(&is->labels, x);
        if (dup)
            return nat_fail(c, PARLEY_ERR_INVALID, x,
                            "the value `%s` appears twice in issue `%.100s` (first at line "
                            "%u, column %u); each value must be listed once",
                            nat_show(x, sh, sizeof sh), iname, dup->line, dup->col);
        labels[j] = x->text;
    }
    is->values = vals;
    parley_error be;
    parley_error_clear(&be);
    st = parley_scenario_add_discrete(c->sc, iname, vals->n, labels, got, &be);
    if (st != PARLEY_OK)
        return nat_builder_fail(c, st, k, &be, where);
    is->nvalues = vals->n;
    return PARLEY_OK;
}

/* The `step` of an integer issue over [lo, hi] (1 by default), within
 * PARLEY_MAX_VALUES values. */
static parley_status nat_issue_step(nat_ctx *c, size_t idx, const nat_node *v,
                                    const nat_node *r, int64_t lo, int64_t hi, int64_t *stepp)
{
    parley_status st;
    char what[200];
    const char *iname = c->issue_names[idx];
    if ((st = nat_reject_key(c, v, "grid", iname,
                             "`grid` is for real issues; an integer issue takes `step`")) !=
        PARLEY_OK)
        return st;
    int64_t step = *stepp = 1;
    const nat_node *sv = nat_get(v, "step", NULL);
    if (sv) {
        snprintf(what, sizeof what, "the step of issue `%.100s`", iname);
        if ((st = nat_integer(c, sv, what, &step)) != PARLEY_OK)
            return st;
        if (step < 1)
            return nat_fail(c, PARLEY_ERR_INVALID, sv,
                            "the step of issue `%.100s` is %lld; expected a whole number >= 1 "
                            "(the values are low, low+step, ... up to high)",
                            iname, (long long)step);
    }
    uint64_t count = (uint64_t)(hi - lo) / (uint64_t)step + 1;
    if (count > PARLEY_MAX_VALUES)
        return nat_fail(c, PARLEY_ERR_LIMIT, r,
                        "issue `%.100s` would have %llu values; at most %u are allowed: "
                        "narrow the range or raise the step",
                        iname, (unsigned long long)count, (unsigned)PARLEY_MAX_VALUES);
    c->issues[idx].nvalues = (size_t)count;
    *stepp = step;
    return PARLEY_OK;
}

/* The `grid` of a real issue (the load options' by default). */
static parley_status nat_issue_grid(nat_ctx *c, size_t idx, const nat_node *v, unsigned *gridp)
{
    parley_status st;
    char what[200];
    const char *iname = c->issue_names[idx];
    if ((st = nat_reject_key(c, v, "step", iname,
                             "`step` is for integer issues; a real issue takes `grid` (the "
                             "number of points)")) != PARLEY_OK)
        return st;
    unsigned grid = c->real_grid;
    const nat_node *gv = nat_get(v, "grid", NULL);
    if (gv) {
        int64_t g;
        snprintf(what, sizeof what, "the grid of issue `%.100s`", iname);
        if ((st = nat_integer(c, gv, what, &g)) != PARLEY_OK)
            return st;
        if (g < 2)
            return nat_fail(c, PARLEY_ERR_INVALID, gv,
                            "the grid of issue `%.100s` is %lld; expected a whole number of "
                            "points >= 2 (GENIUS uses 21)",
                            iname, (long long)g);
        if (g > (int64_t)PARLEY_MAX_VALUES)
            return nat_fail(c, PARLEY_ERR_LIMIT, gv,
                            "the grid of issue `%.100s` is %lld points; at most %u are allowed",
                            iname, (long long)g, (unsigned)PARLEY_MAX_VALUES);
        grid = (unsigned)g;
    }
    c->issues[idx].nvalues = *gridp = grid;
    return PARLEY_OK;
}

/* An integer or real issue: no `values`, a `range`, then its step or grid. */
static parley_status nat_issue_numeric(nat_ctx *c, size_t idx, const nat_node *k,
                                       const nat_node *v, parley_issue_kind kind,
                                       const char *where, size_t *got)
{
    parley_status st;
    const char *iname = k->text;
    const nat_node *vk = NULL;
    if (nat_get(v, "values", &vk))
        return nat_fail(c, PARLEY_ERR_INVALID, vk,
                        "`values` does not belong in %s issue `%.100s`; list values only for "
                        "discrete issues (drop `type`), or give `range: [low, high]`",
                        kind == PARLEY_ISSUE_INTEGER ? "integer" : "real", iname);
    const nat_node *rk = NULL, *r = nat_get(v, "range", &rk);
    int64_t ilo = 0, ihi = 0;
    double lo = 0, hi = 0;
    if ((st = nat_range(c, rk ? rk : k, r, iname, kind == PARLEY_ISSUE_INTEGER, &ilo, &ihi, &lo,
                        &hi)) != PARLEY_OK)
        return st;
    parley_error be;
    parley_error_clear(&be);
    if (kind == PARLEY_ISSUE_INTEGER) {
        int64_t step = 1;
        if ((st = nat_issue_step(c, idx, v, r, ilo, ihi, &step)) != PARLEY_OK)
            return st;
        st = parley_scenario_add_integer(c->sc, iname, ilo, ihi, step, got, &be);
    } else {
        unsigned grid = c->real_grid;
        if ((st = nat_issue_grid(c, idx, v, &grid)) != PARLEY_OK)
            return st;
        st = parley_scenario_add_real(c->sc, iname, lo, hi, grid, got, &be);
    }
    if (st != PARLEY_OK)
        return nat_builder_fail(c, st, r ? r : k, &be, where);
    return PARLEY_OK;
}

static parley_status nat_issue_one(nat_ctx *c, size_t idx, const nat_node *k, const nat_node *v)
{
    parley_status st;
    char where[160], what[200];
    nat_issue *is = &c->issues[idx];
    is->key = k;
    if ((st = nat_name(c, k, "an issue name")) != PARLEY_OK)
        return st;
    const char *iname = k->text;
    c->issue_names[idx] = iname;
    snprintf(where, sizeof where, "issue `%.100s`", iname);
    if (!v || v->kind != NAT_MAP)
        return nat_fail(c, PARLEY_ERR_INVALID, nat_is_null(v) ? k : v,
                        "expected a mapping for issue `%.100s`, got %s; write `values: [a, b, "
                        "c]` for a discrete issue, or `type: integer` (or `real`) with "
                        "`range: [low, high]`",
                        iname, nat_kind_name(v));
    if ((st = nat_check_map(c, v, nat_issue_keys, 6, where)) != PARLEY_OK)
        return st;
    if ((st = nat_issue_kind(c, k, v, iname, &is->kind)) != PARLEY_OK)
        return st;
    size_t got = 0;
    st = is->kind == PARLEY_ISSUE_DISCRETE ? nat_issue_discrete(c, idx, k, v, where, &got)
                                           : nat_issue_numeric(c, idx, k, v, is->kind, where,
                                                               &got);
    if (st != PARLEY_OK)
        return st;
    if (got != idx)
        return parleyx_fail(c->err, PARLEY_ERR_INTERNAL, c->file, k->line, k->col,
                            "issue `%.100s` got index %zu, expected %zu", iname, got, idx);
    const char *desc = NULL;
    const nat_node *dv = nat_get(v, "description", NULL);
    snprintf(what, sizeof what, "the description of issue `%.100s`", iname);
    if ((st = nat_text(c, dv, what, &desc)) != PARLEY_OK)
        return st;
    if (desc && desc[0] && (st = parley_issue_set_description(c->sc, idx, desc)) != PARLEY_OK)
        return nat_builder_fail(c, st, dv, NULL, where);
    return PARLEY_OK;
}

/* The mapping v under top-level key k (`issues`, `parties`): not empty
 * (else "expected at least one <example>"), a mapping (else the hint), at
 * most max entries, its keys checked. */
static parley_status nat_section(nat_ctx *c, const nat_node *k, const nat_node *v,
                                 const char *name, const char *example, const char *hint,
                                 unsigned max)
{
    parley_status st;
    char what[32];
    snprintf(what, sizeof what, "`%s`", name);
    if (!v || nat_is_null(v) || (v->kind == NAT_MAP && v->n == 0))
        return nat_fail(c, PARLEY_ERR_INVALID, k, "%s is empty; expected at least one %s", what,
                        example);
    if ((st = nat_want_map(c, v, what, hint)) != PARLEY_OK)
        return st;
    if (v->n > max)
        return nat_fail(c, PARLEY_ERR_LIMIT, v, "%zu %s; at most %u are allowed", v->n, name,
                        max);
    return nat_check_map(c, v, NULL, 0, what);
}

static parley_status nat_issues(nat_ctx *c, const nat_node *ik, const nat_node *iv)
{
    parley_status st = nat_section(c, ik, iv, "issues",
                                   "issue, such as\n  issues:\n    border: {values: [open, "
                                   "closed]}",
                                   "write one `name: {...}` entry per issue", PARLEY_MAX_ISSUES);
    if (st != PARLEY_OK)
        return st;
    c->nissues = iv->n;
    c->issues = nat_alloc(&c->ar, iv->n * sizeof *c->issues);
    c->issue_names = nat_alloc(&c->ar, iv->n * sizeof *c->issue_names);
    if (!c->issues || !c->issue_names)
        return nat_nomem(c);
    c->issue_ix = nat_alloc(&c->ar, sizeof *c->issue_ix);
    if (!c->issue_ix || !nat_index_init(c, c->issue_ix, iv->n))
        return nat_nomem(c);
    size_t i = 0;
    for (nat_node *k = iv->first; k && k->next; k = k->next->next) {
        k->idx = i;
        if ((st = nat_issue_one(c, i++, k, k->next)) != PARLEY_OK)
            return st;
        nat_index_put(c->issue_ix, k);
    }
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Parties: utility                                                     */
/* ------------------------------------------------------------------ */

static const char *const nat_eval_keys[] = {"weight", "values", "linear", "peak", "points",
                                            "constant"};
static const char *const nat_shape_keys[] = {"values", "linear", "peak", "points", "constant"};

static const char *nat_kind_word(parley_issue_kind k)
{
    return k == PARLEY_ISSUE_DISCRETE ? "discrete" : k == PARLEY_ISSUE_INTEGER ? "integer" : "real";
}

/* A point [x, y] with y in [0, 1]. */
static parley_status nat_point(nat_ctx *c, const nat_node *n, const char *what, double *x,
                               double *y)
{
    parley_status st;
    char w[600];
    if (!n || n->kind != NAT_SEQ || n->n != 2)
        return nat_fail(c, PARLEY_ERR_INVALID, n,
                        "expected a point `[x, y]` for %s, got %s", what,
                        n && n->kind == NAT_SEQ ? "a sequence of another length"
                                                : nat_kind_name(n));
    snprintf(w, sizeof w, "the x of %s", what);
    if ((st = nat_number(c, n->first, w, x)) != PARLEY_OK)
        return st;
    snprintf(w, sizeof w, "the y (evaluation) of %s", what);
    return nat_unit(c, n->first->next, w, y);
}

static parley_status nat_table(nat_ctx *c, size_t p, const char *pname, size_t i,
                               const nat_node *tv, const char *ctx)
{
    parley_status st;
    nat_issue *is = &c->issues[i];
    const char *iname = c->issue_names[i];
    char what[512], sh[96];
    if ((st = nat_want_map(c, tv, "a `values` table",
                           "write `values: {value: evaluation, ...}` listing every value")) !=
        PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, tv, NULL, 0, ctx)) != PARLEY_OK)
        return st;
    double *table = nat_alloc(&c->ar, is->nvalues * sizeof *table);
    bool *seen = nat_alloc(&c->ar, is->nvalues * sizeof *seen);
    parley_uncertain *unc = NULL;    /* uncertain scores, by value */
    const nat_node **unode = NULL;   /* their nodes (NULL: a plain number) */
    if (!table || !seen)
        return nat_nomem(c);
    NAT_PAIRS(tv, k, v) {
        const nat_node *lab = nat_index_get(&is->labels, k->text, k->len);
        if (!lab) {
            const char **names = nat_alloc(&c->ar, is->nvalues * sizeof *names);
            if (!names)
                return nat_nomem(c);
            size_t j = 0;
            for (const nat_node *x = is->values->first; x; x = x->next)
                names[j++] = x->text;
            const char *near = parleyx_closest(k->text, names, is->nvalues);
            if (near)
                return nat_fail(c, PARLEY_ERR_INVALID, k,
                                "issue `%.100s` has no value `%s`; did you mean `%.100s`?",
                                iname, nat_show(k, sh, sizeof sh), near);
            return nat_fail(c, PARLEY_ERR_INVALID, k,
                            "issue `%.100s` has no value `%s`; expected one of the values listed "
                            "for it under `issues`",
                            iname, nat_show(k, sh, sizeof sh));
        }
        snprintf(what, sizeof what, "the evaluation of `%.60s` (issue `%.60s`) for `%.60s`",
                 k->text, iname, pname);
        if (nat_is_uncertain(v)) { /* an uncertain score: recorded below */
            if (!unc) {
                unc = nat_alloc(&c->ar, is->nvalues * sizeof *unc);
                unode = nat_alloc(&c->ar, is->nvalues * sizeof *unode);
                if (!unc || !unode)
                    return nat_nomem(c);
            }
            if ((st = nat_uncertain(c, v, what, PARLEY_INPUT_SCORE, &unc[lab->idx])) !=
                PARLEY_OK)
                return st;
            unode[lab->idx] = v;
            table[lab->idx] = 0.0;
        } else if ((st = nat_unit(c, v, what, &table[lab->idx])) != PARLEY_OK) {
            return st;
        }
        seen[lab->idx] = true;
    }
    for (const nat_node *x = is->values->first; x; x = x->next) {
        if (!seen[x->idx])
            return nat_fail(c, PARLEY_ERR_INVALID, tv,
                            "the values table of issue `%.100s` for `%.100s` lacks the value "
                            "`%.100s`; list every value of the issue exactly once (write "
                            "`%.100s: 0` if it is worth nothing)",
                            iname, pname, x->text, x->text);
    }
    for (size_t k = 0; k < is->nvalues; k++)
        if ((st = parley_party_set_value_eval(c->sc, p, i, k, table[k])) != PARLEY_OK)
            return nat_builder_fail(c, st, tv, NULL, ctx);
    for (size_t k = 0; unode && k < is->nvalues; k++) {
        parley_input in = {PARLEY_INPUT_SCORE, p, i, k, 0};
        if (unode[k] && (st = nat_set_uncertain(c, unode[k], &in, &unc[k], ctx)) != PARLEY_OK)
            return st;
    }
    return PARLEY_OK;
}

static parley_status nat_linear(nat_ctx *c, size_t p, size_t i, const nat_node *lv,
                                const char *ctx)
{
    static const char *const keys[] = {"from", "to", "intercept", "slope", "origin"};
    parley_status st;
    char what[512];
    if ((st = nat_want_map(c, lv, "`linear`",
                           "write `linear: {from: [x0, y0], to: [x1, y1]}` or `linear: "
                           "{intercept: a, slope: b, origin: c}`")) != PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, lv, keys, 5, ctx)) != PARLEY_OK)
        return st;
    const nat_node *fk = NULL, *from = nat_get(lv, "from", &fk);
    const nat_node *tk = NULL, *to = nat_get(lv, "to", &tk);
    const nat_node *ik = NULL, *ic = nat_get(lv, "intercept", &ik);
    const nat_node *sk = NULL, *sl = nat_get(lv, "slope", &sk);
    const nat_node *ok = NULL, *org = nat_get(lv, "origin", &ok);
    if ((from || to) && (ic || sl || org))
        return nat_fail(c, PARLEY_ERR_INVALID, lv,
                        "%s: `linear` takes either `from` and `to`, or `intercept`, `slope` "
                        "(and `origin`), not both",
                        ctx);
    if (from || to) {
        if (!from || !to)
            return nat_fail(c, PARLEY_ERR_INVALID, from ? fk : tk,
                            "%s: `linear` needs both `from: [x0, y0]` and `to: [x1, y1]`", ctx);
        double x[2], y[2];
        snprintf(what, sizeof what, "`from` (%s)", ctx);
        if ((st = nat_point(c, from, what, &x[0], &y[0])) != PARLEY_OK)
            return st;
        snprintf(what, sizeof what, "`to` (%s)", ctx);
        if ((st = nat_point(c, to, what, &x[1], &y[1])) != PARLEY_OK)
            return st;
        if (!(x[0] < x[1]))
            return nat_fail(c, PARLEY_ERR_INVALID, to,
                            "%s: the x of `to` must be greater than the x of `from`; swap them",
                            ctx);
        if ((st = parley_party_set_piecewise(c->sc, p, i, 2, x, y)) != PARLEY_OK)
            return nat_builder_fail(c, st, lv, NULL, ctx);
        return PARLEY_OK;
    }
    if (!ic || !sl)
        return nat_fail(c, PARLEY_ERR_INVALID, lv,
                        "%s: `linear` needs `intercept` and `slope` (eval(x) = intercept + "
                        "slope * (x - origin), clamped to [0, 1]), or `from` and `to`",
                        ctx);
    double a, b, o = 0.0;
    snprintf(what, sizeof what, "the intercept (%s)", ctx);
    if ((st = nat_number(c, ic, what, &a)) != PARLEY_OK)
        return st;
    snprintf(what, sizeof what, "the slope (%s)", ctx);
    if ((st = nat_number(c, sl, what, &b)) != PARLEY_OK)
        return st;
    snprintf(what, sizeof what, "the origin (%s)", ctx);
    if (org && (st = nat_number(c, org, what, &o)) != PARLEY_OK)
        return st;
    if ((st = parley_party_set_linear(c->sc, p, i, a, b, o)) != PARLEY_OK)
        return nat_builder_fail(c, st, lv, NULL, ctx);
    return PARLEY_OK;
}

static parley_status nat_peak(nat_ctx *c, size_t p, size_t i, const nat_node *pv,
                              const char *ctx)
{
    static const char *const keys[] = {"low", "top", "high"};
    parley_status st;
    char what[512];
    if ((st = nat_want_map(c, pv, "`peak`", "write `peak: {low: a, top: b, high: c}`")) !=
        PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, pv, keys, 3, ctx)) != PARLEY_OK)
        return st;
    double val[3];
    for (int j = 0; j < 3; j++) {
        const nat_node *x = nat_get(pv, keys[j], NULL);
        if (!x)
            return nat_fail(c, PARLEY_ERR_INVALID, pv,
                            "%s: `peak` lacks `%s`; expected `peak: {low: a, top: b, high: c}` "
                            "with low <= top <= high",
                            ctx, keys[j]);
        snprintf(what, sizeof what, "`%s` of the peak (%s)", keys[j], ctx);
        if ((st = nat_number(c, x, what, &val[j])) != PARLEY_OK)
            return st;
    }
    if (!(val[0] <= val[1] && val[1] <= val[2]))
        return nat_fail(c, PARLEY_ERR_INVALID, pv,
                        "%s: expected low <= top <= high in `peak`; reorder them", ctx);
    if ((st = parley_party_set_triangular(c->sc, p, i, val[0], val[1], val[2])) != PARLEY_OK)
        return nat_builder_fail(c, st, pv, NULL, ctx);
    return PARLEY_OK;
}

static parley_status nat_points(nat_ctx *c, size_t p, size_t i, const nat_node *pv,
                                const char *ctx)
{
    parley_status st;
    char what[512];
    if ((st = nat_want_seq(c, pv, "`points`", "write `points: [[x0, y0], [x1, y1], ...]`")) !=
        PARLEY_OK)
        return st;
    if (pv->n == 0)
        return nat_fail(c, PARLEY_ERR_INVALID, pv,
                        "%s: `points` is empty; expected at least one point `[x, y]`", ctx);
    if (pv->n > PARLEY_MAX_VALUES)
        return nat_fail(c, PARLEY_ERR_LIMIT, pv, "%s: %zu points; at most %u are allowed", ctx,
                        pv->n, (unsigned)PARLEY_MAX_VALUES);
    double *x = nat_alloc(&c->ar, pv->n * sizeof *x), *y = nat_alloc(&c->ar, pv->n * sizeof *y);
    if (!x || !y)
        return nat_nomem(c);
    size_t j = 0;
    for (const nat_node *q = pv->first; q; q = q->next, j++) {
        snprintf(what, sizeof what, "point %zu (%s)", j + 1, ctx);
        if ((st = nat_point(c, q, what, &x[j], &y[j])) != PARLEY_OK)
            return st;
        if (j > 0 && !(x[j] > x[j - 1]))
            return nat_fail(c, PARLEY_ERR_INVALID, q,
                            "%s: the x of point %zu is not greater than the x of point %zu; the "
                            "points must be listed with x strictly increasing",
                            ctx, j + 1, j);
    }
    if ((st = parley_party_set_piecewise(c->sc, p, i, pv->n, x, y)) != PARLEY_OK)
        return nat_builder_fail(c, st, pv, NULL, ctx);
    return PARLEY_OK;
}

static parley_status nat_utility_entry(nat_ctx *c, size_t p, const char *pname,
                                       const nat_node *k, const nat_node *v)
{
    parley_status st;
    char ctx[300], what[512], sh[96];
    const nat_node *ik = k->len ? nat_index_get(c->issue_ix, k->text, k->len) : NULL;
    if (!ik) {
        const char *near = parleyx_closest(k->text, c->issue_names, c->nissues);
        if (near)
            return nat_fail(c, PARLEY_ERR_INVALID, k,
                            "unknown issue `%s` in the utility of `%.100s`; did you mean "
                            "`%.100s`?",
                            nat_show(k, sh, sizeof sh), pname, near);
        return nat_fail(c, PARLEY_ERR_INVALID, k,
                        "unknown issue `%s` in the utility of `%.100s`; expected one of the "
                        "issues listed under `issues`",
                        nat_show(k, sh, sizeof sh), pname);
    }
    size_t i = ik->idx;
    const nat_issue *is = &c->issues[i];
    snprintf(ctx, sizeof ctx, "issue `%.100s` in the utility of `%.100s`", k->text, pname);
    if (!v || v->kind != NAT_MAP)
        return nat_fail(c, PARLEY_ERR_INVALID, nat_is_null(v) ? k : v,
                        "expected a mapping for %s, got %s; write `{weight: 0.5, ...}` with one "
                        "evaluator (values, linear, peak, points or constant)",
                        ctx, nat_kind_name(v));
    if ((st = nat_check_map(c, v, nat_eval_keys, 6, ctx)) != PARLEY_OK)
        return st;
    const nat_node *wv = nat_get(v, "weight", NULL);
    if (!wv)
        return nat_fail(c, PARLEY_ERR_INVALID, v,
                        "%s has no `weight`; expected `weight: 0.4` (weights are used as "
                        "written, never renormalised)",
                        ctx);
    double w;
    parley_uncertain wu;
    bool wunc = nat_is_uncertain(wv);
    snprintf(what, sizeof what, "the weight of %s", ctx);
    if (wunc) { /* set to its nominal value once the evaluator is in */
        if ((st = nat_uncertain(c, wv, what, PARLEY_INPUT_WEIGHT, &wu)) != PARLEY_OK)
            return st;
        w = 0.0;
    } else if ((st = nat_number(c, wv, what, &w)) != PARLEY_OK) {
        return st;
    }
    if (w < 0)
        return nat_fail(c, PARLEY_ERR_INVALID, wv,
                        "the weight of %s is %s; expected a number >= 0", ctx,
                        nat_show(wv, sh, sizeof sh));
    const nat_node *shape = NULL, *shapek = NULL;
    size_t which = 0;
    for (size_t j = 0; j < 5; j++) {
        const nat_node *kk = NULL, *x = nat_get(v, nat_shape_keys[j], &kk);
        if (!x)
            continue;
        if (shape)
            return nat_fail(c, PARLEY_ERR_INVALID, kk,
                            "%s has both `%s` and `%s`; expected exactly one evaluator", ctx,
                            nat_shape_keys[which], nat_shape_keys[j]);
        shape = x;
        shapek = kk;
        which = j;
    }
    if (!shape)
        return nat_fail(c, PARLEY_ERR_INVALID, v,
                        "%s has a weight but no evaluator; add one of `values: {...}` "
                        "(discrete), `linear: {...}`, `peak: {...}`, `points: [...]` or "
                        "`constant: c`",
                        ctx);
    if ((st = parley_party_set_weight(c->sc, p, i, w)) != PARLEY_OK)
        return nat_builder_fail(c, st, wv, NULL, ctx);
    if (is->kind == PARLEY_ISSUE_DISCRETE && (which == 1 || which == 2 || which == 3))
        return nat_fail(c, PARLEY_ERR_INVALID, shapek,
                        "`%s` is for integer and real issues; discrete issue `%.100s` takes a "
                        "table `values: {value: evaluation, ...}` (or `constant`)",
                        nat_shape_keys[which], k->text);
    if (is->kind != PARLEY_ISSUE_DISCRETE && which == 0)
        return nat_fail(c, PARLEY_ERR_INVALID, shapek,
                        "a `values` table is for discrete issues; %s issue `%.100s` takes "
                        "`linear`, `peak`, `points` or `constant`",
                        nat_kind_word(is->kind), k->text);
    switch (which) {
    case 0: st = nat_table(c, p, pname, i, shape, ctx); break;
    case 1: st = nat_linear(c, p, i, shape, ctx); break;
    case 2: st = nat_peak(c, p, i, shape, ctx); break;
    case 3: st = nat_points(c, p, i, shape, ctx); break;
    default: {
        double cst;
        snprintf(what, sizeof what, "the constant of %s", ctx);
        if ((st = nat_unit(c, shape, what, &cst)) != PARLEY_OK)
            return st;
        if ((st = parley_party_set_constant(c->sc, p, i, cst)) != PARLEY_OK)
            return nat_builder_fail(c, st, shape, NULL, ctx);
        break;
    }
    }
    if (st == PARLEY_OK && wunc) {
        parley_input in = {PARLEY_INPUT_WEIGHT, p, i, 0, 0};
        snprintf(what, sizeof what, "the weight of %s", ctx);
        st = nat_set_uncertain(c, wv, &in, &wu, what);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Parties                                                              */
/* ------------------------------------------------------------------ */

static const char *const nat_party_keys[] = {"role",      "description", "capability",
                                             "reservation", "discount", "position",
                                             "salience",  "utility",     "red-lines"};
static const char *const nat_roles[] = {"negotiator", "ratifier", "mediator"};

/* `position: {issue: x}` or `salience: {issue: s}` of a party (the data
 * of the forecasting models). */
static parley_status nat_spatial(nat_ctx *c, size_t p, const char *pname, const nat_node *m,
                                 bool position)
{
    parley_status st;
    char what[300], sh[96];
    const char *key = position ? "position" : "salience";
    snprintf(what, sizeof what, "the %s of `%.100s`", key, pname);
    if ((st = nat_want_map(c, m, what, position ? "write `issue: number` per numeric issue"
                                                : "write `issue: number` per issue")) !=
        PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, m, NULL, 0, what)) != PARLEY_OK)
        return st;
    NAT_PAIRS(m, ik, iv) {
        const nat_node *in = ik->len ? nat_index_get(c->issue_ix, ik->text, ik->len) : NULL;
        if (!in) {
            const char *near = parleyx_closest(ik->text, c->issue_names, c->nissues);
            return nat_fail(c, PARLEY_ERR_INVALID, ik,
                            "unknown issue `%s` in %s%s%s%s", nat_show(ik, sh, sizeof sh), what,
                            near ? "; did you mean `" : "; expected one of the issues listed "
                                                        "under `issues`",
                            near ? near : "", near ? "`?" : "");
        }
        size_t i = in->idx;
        if (position && c->issues[i].kind == PARLEY_ISSUE_DISCRETE)
            return nat_fail(c, PARLEY_ERR_INVALID, ik,
                            "issue `%.100s` is discrete, so it has no position on a scale; "
                            "positions are for integer and real issues",
                            ik->text);
        double x;
        char w2[400];
        snprintf(w2, sizeof w2, "the %s of `%.100s` on `%.100s`", key, pname, ik->text);
        if ((st = nat_number(c, iv, w2, &x)) != PARLEY_OK)
            return st;
        if (!position && x < 0)
            return nat_fail(c, PARLEY_ERR_INVALID, iv, "%s is %s; expected a number >= 0", w2,
                            nat_show(iv, sh, sizeof sh));
        st = position ? parley_party_set_position(c->sc, p, i, x)
                      : parley_party_set_salience(c->sc, p, i, x);
        if (st != PARLEY_OK)
            return nat_builder_fail(c, st, iv, NULL, what);
    }
    return PARLEY_OK;
}

/* The `role` of party pname (a negotiator without one). */
static parley_status nat_party_role(nat_ctx *c, const nat_node *rv, const char *pname,
                                    parley_role *role)
{
    char sh[96], hint[64];
    *role = PARLEY_ROLE_NEGOTIATOR;
    if (!rv)
        return PARLEY_OK;
    if (rv->kind != NAT_SCALAR || nat_is_null(rv))
        return nat_fail(c, PARLEY_ERR_INVALID, rv,
                        "expected the role of `%.100s`: negotiator, ratifier or mediator",
                        pname);
    size_t j = nat_word(rv, nat_roles, 3, hint, sizeof hint);
    if (j == 3)
        return nat_fail(c, PARLEY_ERR_INVALID, rv,
                        "unknown role `%s` for `%.100s`; expected negotiator, ratifier or "
                        "mediator%s",
                        nat_show(rv, sh, sizeof sh), pname, hint);
    *role = (parley_role)j;
    return PARLEY_OK;
}

/* A party's description, capability, reservation value and discount. */
static parley_status nat_party_numbers(nat_ctx *c, size_t idx, const nat_node *v,
                                       const char *pname, const char *where)
{
    parley_status st;
    char what[200], sh[96];
    const nat_node *x;
    if ((x = nat_get(v, "description", NULL)) != NULL) {
        const char *desc;
        snprintf(what, sizeof what, "the description of party `%.100s`", pname);
        if ((st = nat_text(c, x, what, &desc)) != PARLEY_OK)
            return st;
        if (desc && desc[0] &&
            (st = parley_party_set_description(c->sc, idx, desc)) != PARLEY_OK)
            return nat_builder_fail(c, st, x, NULL, where);
    }
    if ((x = nat_get(v, "capability", NULL)) != NULL) {
        double d;
        snprintf(what, sizeof what, "the capability of `%.100s`", pname);
        if ((st = nat_number(c, x, what, &d)) != PARLEY_OK)
            return st;
        if (d < 0)
            return nat_fail(c, PARLEY_ERR_INVALID, x,
                            "the capability of `%.100s` is %s; expected a number >= 0 (the "
                            "party's power, in any unit shared by all parties)",
                            pname, nat_show(x, sh, sizeof sh));
        if ((st = parley_party_set_capability(c->sc, idx, d)) != PARLEY_OK)
            return nat_builder_fail(c, st, x, NULL, where);
    }
    if ((x = nat_get(v, "reservation", NULL)) != NULL) {
        double d;
        snprintf(what, sizeof what, "the reservation value of `%.100s`", pname);
        if (nat_is_uncertain(x)) {
            parley_uncertain u;
            parley_input in = {PARLEY_INPUT_RESERVATION, idx, 0, 0, 0};
            if ((st = nat_uncertain(c, x, what, PARLEY_INPUT_RESERVATION, &u)) != PARLEY_OK ||
                (st = nat_set_uncertain(c, x, &in, &u, what)) != PARLEY_OK)
                return st;
        } else if ((st = nat_number(c, x, what, &d)) != PARLEY_OK) {
            return st;
        } else if ((st = parley_party_set_reservation(c->sc, idx, d)) != PARLEY_OK) {
            return nat_builder_fail(c, st, x, NULL, where);
        }
    }
    if ((x = nat_get(v, "discount", NULL)) != NULL) {
        double d;
        snprintf(what, sizeof what, "the discount factor of `%.100s`", pname);
        if ((st = nat_number(c, x, what, &d)) != PARLEY_OK)
            return st;
        if (!(d > 0 && d <= 1))
            return nat_fail(c, PARLEY_ERR_INVALID, x,
                            "the discount factor of `%.100s` is %s; expected a number in (0, 1] "
                            "(1 = no discounting)",
                            pname, nat_show(x, sh, sizeof sh));
        if ((st = parley_party_set_discount(c->sc, idx, d)) != PARLEY_OK)
            return nat_builder_fail(c, st, x, NULL, where);
    }
    return PARLEY_OK;
}

/* Is utility entry k: v one of the two non-issue keys?  1: `interactions`
 * (a sequence), 2: `interaction-divisor` (a scalar), 0: an issue entry,
 * -1: an error set.  An issue may bear either name: its entry is a
 * mapping, so the node's kind tells them apart. */
static int nat_utility_special(nat_ctx *c, const nat_node *k, const nat_node *v)
{
    bool inter = strcmp(k->text, "interactions") == 0;
    bool div = strcmp(k->text, "interaction-divisor") == 0;
    if (!inter && !div)
        return 0;
    bool is_issue = nat_index_get(c->issue_ix, k->text, k->len) != NULL;
    if (inter) {
        if (v && v->kind == NAT_SEQ)
            return 1;
        if (is_issue)
            return 0;
        nat_fail(c, PARLEY_ERR_INVALID, nat_is_null(v) ? k : v,
                 "expected a sequence for `interactions`, got %s; write one `- {when: "
                 "\"RULE\", value: NUMBER}` item per interaction (docs/scenario-format.md, "
                 "Interactions)",
                 nat_kind_name(v));
        return -1;
    }
    if (v && v->kind == NAT_SCALAR && !nat_is_null(v))
        return 2;
    if (is_issue)
        return 0;
    nat_fail(c, PARLEY_ERR_INVALID, nat_is_null(v) ? k : v,
             "expected a number for `interaction-divisor`, got %s; write a positive number "
             "such as `interaction-divisor: 662` (or leave the key out for 1)",
             nat_kind_name(v));
    return -1;
}

/* A party's utility: one entry per issue, and some weight above 0 unless
 * the party mediates. */
static parley_status nat_party_utility(nat_ctx *c, size_t idx, const nat_node *v,
                                       const char *pname, parley_role role)
{
    parley_status st;
    char what[200];
    const nat_node *uk = NULL, *uv = nat_get(v, "utility", &uk);
    if (!uv || nat_is_null(uv))
        return PARLEY_OK;
    snprintf(what, sizeof what, "the utility of `%.100s`", pname);
    if ((st = nat_want_map(c, uv, what,
                           "write one `issue: {weight: w, <evaluator>}` entry per issue")) !=
        PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, uv, NULL, 0, what)) != PARLEY_OK)
        return st;
    bool positive = false;
    NAT_PAIRS(uv, ek, ev) {
        int special = nat_utility_special(c, ek, ev);
        if (special == 1) {
            /* Checked and added with the red lines, when every party is
             * known (so that utility(P) gets the right message). */
            c->inter[idx] = ev;
            if (ev->n > PARLEY_MAX_INTERACTIONS)
                return nat_fail(c, PARLEY_ERR_LIMIT, ev,
                                "`%.100s` has %zu interactions; at most %d are allowed", pname,
                                ev->n, PARLEY_MAX_INTERACTIONS);
            if (ev->n)
                positive = true; /* finalize checks that some value is not 0 */
            continue;
        }
        if (special == 2) {
            double dv;
            char dwhat[200];
            snprintf(dwhat, sizeof dwhat, "the interaction divisor of `%.100s`", pname);
            if ((st = nat_number(c, ev, dwhat, &dv)) != PARLEY_OK)
                return st;
            if (!(dv > 0.0)) {
                char sh[96];
                return nat_fail(c, PARLEY_ERR_INVALID, ev,
                                "%s is %s; expected a number > 0 (the interaction sum is "
                                "divided by it; 1 when left out)",
                                dwhat, nat_show(ev, sh, sizeof sh));
            }
            if ((st = parley_party_set_interaction_divisor(c->sc, idx, dv)) != PARLEY_OK)
                return nat_builder_fail(c, st, ev, NULL, dwhat);
            continue;
        }
        if (special < 0)
            return PARLEY_ERR_INVALID;
        if ((st = nat_utility_entry(c, idx, pname, ek, ev)) != PARLEY_OK)
            return st;
    }
    for (size_t i = 0; i < c->nissues; i++)
        if (parley_party_weight(c->sc, idx, i) > 0)
            positive = true;
    if (uv->n > 0 && !positive && role != PARLEY_ROLE_MEDIATOR)
        return nat_fail(c, PARLEY_ERR_INVALID, uk,
                        "every weight in the utility of `%.100s` is 0; give at least one "
                        "issue a positive weight (or drop `utility` for a party without "
                        "preferences)",
                        pname);
    return PARLEY_OK;
}

/* A party's red lines, checked as a mapping; their rules are read last
 * (nat_redlines), when every party is known. */
static parley_status nat_party_redlines(nat_ctx *c, const nat_node *v, const char *pname,
                                        const nat_node **redlines)
{
    parley_status st;
    char what[200];
    const nat_node *rl = nat_get(v, "red-lines", NULL);
    if (!rl || nat_is_null(rl))
        return PARLEY_OK;
    snprintf(what, sizeof what, "the red lines of `%.100s`", pname);
    if ((st = nat_want_map(c, rl, what, "write one `name: \"rule\"` entry per red line")) !=
        PARLEY_OK)
        return st;
    if (rl->n > PARLEY_MAX_REDLINES)
        return nat_fail(c, PARLEY_ERR_LIMIT, rl,
                        "`%.100s` has %zu red lines; at most %u are allowed", pname, rl->n,
                        (unsigned)PARLEY_MAX_REDLINES);
    if ((st = nat_check_map(c, rl, NULL, 0, what)) != PARLEY_OK)
        return st;
    *redlines = rl;
    return PARLEY_OK;
}

static parley_status nat_party_one(nat_ctx *c, size_t idx, const nat_node *k, const nat_node *v,
                                   const nat_node **redlines)
{
    parley_status st;
    char where[160];
    *redlines = NULL;
    if ((st = nat_name(c, k, "a party name")) != PARLEY_OK)
        return st;
    const char *pname = k->text;
    c->party_names[idx] = pname;
    snprintf(where, sizeof where, "party `%.100s`", pname);
    if (!nat_is_null(v) && v->kind != NAT_MAP)
        return nat_fail(c, PARLEY_ERR_INVALID, v,
                        "expected a mapping for party `%.100s`, got %s; write `role:`, "
                        "`utility:` and the other keys beneath its name",
                        pname, nat_kind_name(v));
    bool empty = nat_is_null(v);
    if (!empty && (st = nat_check_map(c, v, nat_party_keys, 9, where)) != PARLEY_OK)
        return st;
    parley_role role;
    if ((st = nat_party_role(c, empty ? NULL : nat_get(v, "role", NULL), pname, &role)) !=
        PARLEY_OK)
        return st;
    parley_error be;
    parley_error_clear(&be);
    size_t got = 0;
    if ((st = parley_scenario_add_party(c->sc, pname, role, &got, &be)) != PARLEY_OK)
        return nat_builder_fail(c, st, k, &be, where);
    if (got != idx)
        return parleyx_fail(c->err, PARLEY_ERR_INTERNAL, c->file, k->line, k->col,
                            "party `%.100s` got index %zu, expected %zu", pname, got, idx);
    if (empty)
        return PARLEY_OK;
    if ((st = nat_party_numbers(c, idx, v, pname, where)) != PARLEY_OK)
        return st;
    const nat_node *x;
    if ((x = nat_get(v, "position", NULL)) != NULL && !nat_is_null(x) &&
        (st = nat_spatial(c, idx, pname, x, true)) != PARLEY_OK)
        return st;
    if ((x = nat_get(v, "salience", NULL)) != NULL && !nat_is_null(x) &&
        (st = nat_spatial(c, idx, pname, x, false)) != PARLEY_OK)
        return st;
    if ((st = nat_party_utility(c, idx, v, pname, role)) != PARLEY_OK)
        return st;
    return nat_party_redlines(c, v, pname, redlines);
}

/* File position of 1-based offset off within the text of scalar n: exact
 * for a one-line plain, single-quoted or escape-free double-quoted scalar,
 * else the scalar's start. */
static void nat_rule_pos(const nat_ctx *c, const nat_node *n, unsigned off, unsigned *line,
                         unsigned *col)
{
    *line = n->line;
    *col = n->col;
    if (off == 0 || !n->has_span || n->end > c->srclen || n->pos >= n->end)
        return;
    const char *s = c->src + n->pos, *e = c->src + n->end;
    if (memchr(s, '\n', (size_t)(e - s)))
        return;
    size_t want = off - 1; /* bytes of processed text before the point */
    unsigned cl = n->col;
    if (n->style == YF_PLAIN) {
        /* source == text */
    } else if (n->style == YF_SINGLE_QUOTED) {
        s++;
        cl++;
    } else if (n->style == YF_DOUBLE_QUOTED) {
        if (memchr(s, '\\', (size_t)(e - s)))
            return;
        s++;
        cl++;
    } else {
        return;
    }
    size_t got = 0;
    while (got < want && s < e) {
        if (n->style == YF_SINGLE_QUOTED && s[0] == '\'' && s + 1 < e && s[1] == '\'') {
            s += 2;
            cl += 2;
            got++;
            continue;
        }
        if (((unsigned char)*s & 0xc0) != 0x80)
            cl++;
        s++;
        got++;
    }
    /* Landing inside a multi-byte character: still counts as its column. */
    if (got < want)
        return;
    *col = cl;
}

/* A red line's `holds` and `threshold` (its mapping form m). */
static parley_status nat_redline_belief(nat_ctx *c, size_t p, size_t r, const nat_node *k,
                                        const nat_node *m)
{
    parley_status st;
    char what[300];
    const nat_node *hk = NULL, *hv = nat_get(m, "holds", &hk);
    const nat_node *tk = NULL, *tv = nat_get(m, "threshold", &tk);
    if (hv) {
        double h;
        snprintf(what, sizeof what, "`holds` of red line `%.60s` of `%.60s`", k->text,
                 c->party_names[p]);
        if ((st = nat_number(c, hv, what, &h)) != PARLEY_OK)
            return st;
        if (!(h >= 0 && h <= 1))
            return nat_fail(c, PARLEY_ERR_INVALID, hv,
                            "%s is the belief that the red line is real: expected a number in "
                            "[0, 1] (1 = surely real, 0 = surely a bluff)",
                            what);
        parley_error be;
        parley_error_clear(&be);
        if ((st = parley_redline_set_holds(c->sc, p, r, h, &be)) != PARLEY_OK)
            return nat_builder_fail(c, st, hv, &be, what);
    }
    if (tv) {
        parley_uncertain u;
        parley_input in = {PARLEY_INPUT_THRESHOLD, p, 0, 0, r};
        snprintf(what, sizeof what, "the threshold of red line `%.60s` of `%.60s`", k->text,
                 c->party_names[p]);
        if (nat_is_uncertain(tv)) {
            if ((st = nat_uncertain(c, tv, what, PARLEY_INPUT_THRESHOLD, &u)) != PARLEY_OK)
                return st;
        } else {
            memset(&u, 0, sizeof u);
            u.kind = PARLEY_DIST_POINT;
            if ((st = nat_number(c, tv, what, &u.value)) != PARLEY_OK)
                return st;
        }
        if ((st = nat_set_uncertain(c, tk, &in, &u, what)) != PARLEY_OK)
            return st;
    }
    return PARLEY_OK;
}

static parley_status nat_redlines(nat_ctx *c, size_t p, const nat_node *rl)
{
    parley_status st;
    char what[200];
    const char *pname = c->party_names[p];
    NAT_PAIRS(rl, k, entry) {
        const nat_node *v = entry; /* the rule's node */
        snprintf(what, sizeof what, "a red line name of `%.100s`", pname);
        if ((st = nat_name(c, k, what)) != PARLEY_OK)
            return st;
        const nat_node *rm = NULL; /* the mapping form {rule, holds, threshold} */
        if (v && v->kind == NAT_MAP) {
            static const char *const keys[] = {"rule", "holds", "threshold"};
            snprintf(what, sizeof what, "red line `%.60s` of `%.60s`", k->text, pname);
            if ((st = nat_check_map(c, v, keys, 3, what)) != PARLEY_OK)
                return st;
            rm = v;
            v = nat_get(rm, "rule", NULL);
            if (!v)
                return nat_fail(c, PARLEY_ERR_INVALID, rm,
                                "%s has no `rule`; write `{rule: \"...\", holds: P}`", what);
        }
        if (!v || v->kind != NAT_SCALAR || nat_is_null(v))
            return nat_fail(c, PARLEY_ERR_INVALID, nat_is_null(v) ? k : v,
                            "expected the rule of red line `%.100s` of `%.100s` as text, got "
                            "%s; write it in quotes, e.g. \"border == open -> utility(%.60s) >= "
                            "0.5\"",
                            k->text, pname, nat_kind_name(v), pname);
        parley_error be;
        parley_error_clear(&be);
        st = parley_party_add_redline(c->sc, p, k->text, v->text, &be);
        if (st != PARLEY_OK) {
            unsigned line = v->line, col = v->col;
            if (be.line == 0 && be.column > 0)
                nat_rule_pos(c, v, be.column, &line, &col);
            else if (be.line == 0 && be.column == 0 && st != PARLEY_ERR_SYNTAX)
                line = k->line, col = k->col;
            const char *m = be.message[0] ? be.message : parley_strerror(st);
            return parleyx_fail(c->err, st, c->file, line, col,
                                "in red line `%.100s` of `%.100s`: %s", k->text, pname, m);
        }
        if (rm && (st = nat_redline_belief(c, p, parley_redline_count(c->sc, p) - 1, k, rm)) !=
                     PARLEY_OK)
            return st;
    }
    return PARLEY_OK;
}

static const char *const nat_term_keys[] = {"when", "value"};

/* A party's interactions: `- {when: "RULE", value: NUMBER}` items. */
static parley_status nat_interactions(nat_ctx *c, size_t p, const nat_node *seq)
{
    parley_status st;
    char where[200], what[240];
    const char *pname = c->party_names[p];
    size_t t = 0;
    NAT_ITEMS(seq, it) {
        t++;
        snprintf(where, sizeof where, "interaction %zu of `%.100s`", t, pname);
        if (!it || it->kind != NAT_MAP)
            return nat_fail(c, PARLEY_ERR_INVALID, it,
                            "expected a mapping for %s, got %s; write `- {when: \"a == x and b "
                            ">= 3\", value: 0.3}`",
                            where, nat_kind_name(it));
        if ((st = nat_check_map(c, it, nat_term_keys, 2, where)) != PARLEY_OK)
            return st;
        const nat_node *wv = nat_get(it, "when", NULL), *vv = nat_get(it, "value", NULL);
        if (!wv)
            return nat_fail(c, PARLEY_ERR_INVALID, it,
                            "%s has no `when`; expected the condition as a rule in quotes, "
                            "e.g. `when: \"a == x and b >= 3\"`",
                            where);
        if (!vv)
            return nat_fail(c, PARLEY_ERR_INVALID, it,
                            "%s has no `value`; expected the number it adds when its condition "
                            "holds, e.g. `value: 0.3` (negative to subtract)",
                            where);
        if (wv->kind != NAT_SCALAR || nat_is_null(wv))
            return nat_fail(c, PARLEY_ERR_INVALID, wv,
                            "expected the condition of %s as text, got %s; write it in quotes, "
                            "e.g. \"a == x and b >= 3\"",
                            where, nat_kind_name(wv));
        double val;
        snprintf(what, sizeof what, "the value of %s", where);
        if ((st = nat_number(c, vv, what, &val)) != PARLEY_OK)
            return st;
        parley_error be;
        parley_error_clear(&be);
        st = parley_party_add_interaction(c->sc, p, wv->text, val, &be);
        if (st != PARLEY_OK) {
            unsigned line = wv->line, col = wv->col;
            if (be.line == 0 && be.column > 0)
                nat_rule_pos(c, wv, be.column, &line, &col);
            const char *m = be.message[0] ? be.message : parley_strerror(st);
            return parleyx_fail(c->err, st, c->file, line, col, "in %s: %s", where, m);
        }
    }
    return PARLEY_OK;
}

static parley_status nat_parties(nat_ctx *c, const nat_node *pk, const nat_node *pv)
{
    parley_status st = nat_section(c, pk, pv, "parties",
                                   "negotiator, such as\n  parties:\n    Us:\n      utility:\n"
                                   "        border: {weight: 1, values: {open: 1, closed: 0}}",
                                   "write one `name:` entry per party, with its role and utility",
                                   PARLEY_MAX_PARTIES);
    if (st != PARLEY_OK)
        return st;
    c->nparties = pv->n;
    c->party_names = nat_alloc(&c->ar, pv->n * sizeof *c->party_names);
    const nat_node **rls = nat_alloc(&c->ar, pv->n * sizeof *rls);
    c->inter = nat_alloc(&c->ar, pv->n * sizeof *c->inter);
    if (!c->party_names || !rls || !c->inter)
        return nat_nomem(c);
    memset(c->inter, 0, pv->n * sizeof *c->inter);
    size_t p = 0;
    NAT_PAIRS(pv, k, v) {
        if ((st = nat_party_one(c, p, k, v, &rls[p])) != PARLEY_OK)
            return st;
        p++;
    }
    /* Interactions and red lines last: a rule may name any party. */
    for (p = 0; p < c->nparties; p++) {
        if (c->inter[p] && (st = nat_interactions(c, p, c->inter[p])) != PARLEY_OK)
            return st;
        if (rls[p] && (st = nat_redlines(c, p, rls[p])) != PARLEY_OK)
            return st;
    }
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Top level                                                            */
/* ------------------------------------------------------------------ */

static const char *const nat_top_keys[] = {"parley", "name", "description", "issues", "parties",
                                           "stability"};

static parley_status nat_walk(nat_ctx *c, const nat_node *root)
{
    parley_status st;
    static const char *const hint =
        "expected a mapping with `parley: 1` at the top, then `issues:` and `parties:` (see "
        "docs/scenario-format.md)";
    if (!root || nat_is_null(root))
        return parleyx_fail(c->err, PARLEY_ERR_INVALID, c->file, 1, 1, "the file is empty; %s",
                            hint);
    if (root->kind != NAT_MAP)
        return nat_fail(c, PARLEY_ERR_INVALID, root, "the file holds %s at the top; %s",
                        nat_kind_name(root), hint);
    if ((st = nat_check_map(c, root, nat_top_keys, 6, "the top level")) != PARLEY_OK)
        return st;
    const nat_node *vk = NULL, *ver = nat_get(root, "parley", &vk);
    if (!ver)
        return nat_fail(c, PARLEY_ERR_INVALID, root,
                        "missing `parley:` key; a scenario file starts with `parley: 1` (the "
                        "format version) -- add that line at the top");
    char sh[96];
    int64_t vnum = 0;
    bool isint = ver->kind == NAT_SCALAR && ver->style == YF_PLAIN &&
                 parleyx_parse_int64(ver->text, &vnum);
    if (!isint || vnum != 1) {
        if (isint)
            return nat_fail(c, PARLEY_ERR_UNSUPPORTED, ver,
                            "unsupported format version %s; this parley reads version 1: write "
                            "`parley: 1` (and check the file against docs/scenario-format.md)",
                            nat_show(ver, sh, sizeof sh));
        return nat_fail(c, PARLEY_ERR_INVALID, ver,
                        "expected the format version `parley: 1`, got %s%s%s",
                        ver->kind == NAT_SCALAR ? "`" : "",
                        ver->kind == NAT_SCALAR ? nat_show(ver, sh, sizeof sh)
                                                : nat_kind_name(ver),
                        ver->kind == NAT_SCALAR ? "`" : "");
    }
    const nat_node *x;
    const char *t;
    if ((x = nat_get(root, "name", NULL)) != NULL) {
        if ((st = nat_text(c, x, "the scenario name", &t)) != PARLEY_OK)
            return st;
        if (t && (st = parley_scenario_set_name(c->sc, t)) != PARLEY_OK)
            return nat_builder_fail(c, st, x, NULL, "the scenario name");
    }
    if ((x = nat_get(root, "description", NULL)) != NULL) {
        if ((st = nat_text(c, x, "the scenario description", &t)) != PARLEY_OK)
            return st;
        if (t && t[0] && (st = parley_scenario_set_description(c->sc, t)) != PARLEY_OK)
            return nat_builder_fail(c, st, x, NULL, "the scenario description");
    }
    const nat_node *ik = NULL, *iv = nat_get(root, "issues", &ik);
    if (!ik)
        return nat_fail(c, PARLEY_ERR_INVALID, vk,
                        "missing `issues:`; expected a mapping of issue names to their values, "
                        "such as\n  issues:\n    border: {values: [open, closed]}");
    if ((st = nat_issues(c, ik, iv)) != PARLEY_OK)
        return st;
    const nat_node *pk = NULL, *pv = nat_get(root, "parties", &pk);
    if (!pk)
        return nat_fail(c, PARLEY_ERR_INVALID, vk,
                        "missing `parties:`; expected a mapping of party names to their role, "
                        "utility and red lines");
    if ((st = nat_parties(c, pk, pv)) != PARLEY_OK)
        return st;
    parley_error be;
    parley_error_clear(&be);
    if ((st = parley_scenario_finalize(c->sc, &be)) != PARLEY_OK) {
        const char *m = be.message[0] ? be.message : parley_strerror(st);
        return nat_fail(c, st, pk, "the scenario is incomplete: %s", m);
    }
    return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                  */
/* ------------------------------------------------------------------ */

static size_t nat_max_bytes(const parley_load_options *opt)
{
    return opt && opt->max_file_bytes ? opt->max_file_bytes : NAT_DEFAULT_MAX_BYTES;
}

/* Read text into a final scenario.  On success the caller owns *out
 * (parley_scenario_free); on failure *out is NULL and err says why. */
/* A `stability:` section is read into its own object (parley/stability.h,
 * at the end of this file) by the command that uses it; every read checks
 * it, so that a broken section is an error of the file wherever it is
 * read, not only in `parley stability`. */
static parley_status nat_check_stability(nat_ctx *c, const nat_node *root);

parley_status parley_native_read(const char *text, size_t len, const char *name,
                                 const parley_load_options *opt, parley_scenario **out,
                                 parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0,
                            "parley_native_read: out must not be NULL");
    *out = NULL;
    if (!text && len)
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0,
                            "parley_native_read: text is NULL but len is %zu", len);
    size_t maxb = nat_max_bytes(opt);
    if (len > maxb)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, name, 0, 0,
                            "the input is %zu bytes; the limit is %zu (raise it with "
                            "max_file_bytes in the load options, or --max-input MiB on the "
                            "command line)",
                            len, maxb);
    nat_ctx c;
    memset(&c, 0, sizeof c);
    c.alloc = opt ? opt->alloc : NULL;
    c.file = name ? name : "";
    c.src = text ? text : "";
    c.srclen = len;
    c.err = err;
    c.ar.alloc = c.alloc;
    c.real_grid = opt && opt->real_grid ? opt->real_grid : PARLEY_DEFAULT_REAL_GRID;
    if (c.real_grid < 2 || c.real_grid > PARLEY_MAX_VALUES) {
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0,
                            "real_grid is %u in the load options; expected 0 (21) or 2..%u",
                            c.real_grid, (unsigned)PARLEY_MAX_VALUES);
    }
    c.sc = parley_scenario_new(c.alloc);
    if (!c.sc)
        return nat_nomem(&c);
    nat_node *root = NULL;
    parley_status st = nat_parse(&c, &root);
    if (st == PARLEY_OK)
        st = nat_walk(&c, root);
    if (st == PARLEY_OK)
        st = nat_check_stability(&c, root);
    nat_arena_free(&c.ar);
    if (st != PARLEY_OK) {
        parley_scenario_free(c.sc);
        return st;
    }
    *out = c.sc;
    return PARLEY_OK;
}

/* The file's bytes through parleyx_read_file (the caller frees *data with
 * parleyx_free(a, *data, *len + 1)).  An oversized file keeps this
 * reader's wording of the limit message. */
static parley_status nat_read_whole(const parley_allocator *a, const char *path, size_t maxb,
                                    char **data, size_t *len, parley_error *err)
{
    parley_status st = parleyx_read_file(a, path, maxb, data, len, err);
    if (st == PARLEY_ERR_LIMIT)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, path, 0, 0,
                            "the file is larger than the limit of %zu bytes (raise it with "
                            "max_file_bytes in the load options, or --max-input MiB on the "
                            "command line)",
                            maxb < (size_t)INT_MAX ? maxb : (size_t)INT_MAX);
    return st;
}

/* Read a file (at most opt->max_file_bytes) and parse it as above; errors
 * name path.  The file's bytes are freed before returning. */
parley_status parley_native_read_file(const char *path, const parley_load_options *opt,
                                      parley_scenario **out, parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (out)
        *out = NULL;
    if (!path || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, path, 0, 0,
                            "parley_native_read_file: path and out must not be NULL");
    const parley_allocator *a = opt ? opt->alloc : NULL;
    char *buf = NULL;
    size_t len = 0;
    parley_status st = nat_read_whole(a, path, nat_max_bytes(opt), &buf, &len, err);
    if (st != PARLEY_OK)
        return st;
    st = parley_native_read(buf, len, path, opt, out, err);
    parleyx_free(a, buf, len + 1);
    return st;
}

/* ------------------------------------------------------------------ */
/* The stability section (issue 18): who moves which issue               */
/* ------------------------------------------------------------------ */
/*
 *   stability:
 *     moves:       {PARTY: [ISSUE, ...], ...}   who moves which issue
 *     status-quo:  {ISSUE: VALUE, ...}          optional; needed for the
 *                                               issues nobody moves
 *     fixed:       [PARTY:RED-LINE, ...]        optional; red lines no
 *                                               state may break
 *     veto:        [PARTY, ...]                 optional; parties (ratifiers)
 *                                               whose veto returns every
 *                                               issue to its status quo
 * nat_walk only admits the key; this block reads it into a parley_moves
 * (parley/stability.h) for a scenario already read from the same file. */

#include "parley/stability.h"

static size_t nat_st_party(const parley_scenario *sc, const char *name)
{
    for (size_t p = 0; p < parley_party_count(sc); p++)
        if (strcmp(parley_party_name(sc, p), name) == 0)
            return p;
    return SIZE_MAX;
}

static size_t nat_st_issue(const parley_scenario *sc, const char *name)
{
    for (size_t i = 0; i < parley_issue_count(sc); i++)
        if (strcmp(parley_issue_name(sc, i), name) == 0)
            return i;
    return SIZE_MAX;
}

static parley_status nat_stability(nat_ctx *c, const nat_node *sv, const parley_scenario *sc,
                                   parley_moves *m)
{
    static const char *const keys[] = {"moves", "status-quo", "fixed", "veto"};
    static const char *const hint = "write `stability: {moves: {PARTY: [ISSUE, ...]}}` (see "
                                    "docs/stability.md)";
    parley_status st;
    parley_error be;
    if ((st = nat_want_map(c, sv, "`stability`", hint)) != PARLEY_OK)
        return st;
    if ((st = nat_check_map(c, sv, keys, 4, "`stability`")) != PARLEY_OK)
        return st;
    const nat_node *mk = NULL, *mv = nat_get(sv, "moves", &mk);
    if (!mk)
        return nat_fail(c, PARLEY_ERR_INVALID, sv, "`stability` needs `moves:`; %s", hint);
    if ((st = nat_want_map(c, mv, "`moves`", hint)) != PARLEY_OK)
        return st;
    NAT_PAIRS(mv, k, v) {
        size_t p = nat_st_party(sc, k->text);
        if (p == SIZE_MAX)
            return nat_fail(c, PARLEY_ERR_INVALID, k, "`%s` is not a party of the scenario",
                            k->text);
        if ((st = nat_want_seq(c, v, "the issues a party moves", hint)) != PARLEY_OK)
            return st;
        NAT_ITEMS(v, it) {
            size_t i = it->kind == NAT_SCALAR ? nat_st_issue(sc, it->text) : SIZE_MAX;
            if (i == SIZE_MAX)
                return nat_fail(c, PARLEY_ERR_INVALID, it, "expected an issue of the scenario");
            parley_error_clear(&be);
            if ((st = parley_moves_set_mover(m, i, p, &be)) != PARLEY_OK)
                return nat_fail(c, st, it, "%s", be.message);
        }
    }
    const nat_node *q = nat_get(sv, "status-quo", NULL);
    if (q) {
        if ((st = nat_want_map(c, q, "`status-quo`", "write `status-quo: {ISSUE: VALUE}`")))
            return st;
        NAT_PAIRS(q, k, v) {
            size_t i = nat_st_issue(sc, k->text), val = 0;
            if (i == SIZE_MAX)
                return nat_fail(c, PARLEY_ERR_INVALID, k, "`%s` is not an issue of the scenario",
                                k->text);
            if (v->kind != NAT_SCALAR ||
                parley_issue_find_value(sc, i, v->text, &val) != PARLEY_OK)
                return nat_fail(c, PARLEY_ERR_INVALID, v, "expected a value of issue `%s`",
                                k->text);
            parley_error_clear(&be);
            if ((st = parley_moves_set_status_quo(m, i, val, &be)) != PARLEY_OK)
                return nat_fail(c, st, v, "%s", be.message);
        }
    }
    const nat_node *f = nat_get(sv, "fixed", NULL);
    if (f) {
        if ((st = nat_want_seq(c, f, "`fixed`", "write `fixed: [PARTY:RED-LINE, ...]`")))
            return st;
        NAT_ITEMS(f, it) {
            const char *colon = it->kind == NAT_SCALAR ? strrchr(it->text, ':') : NULL;
            size_t p = SIZE_MAX, r = SIZE_MAX;
            if (colon) {
                char party[PARLEY_MAX_NAME + 1];
                size_t n = (size_t)(colon - it->text);
                if (n <= PARLEY_MAX_NAME) {
                    memcpy(party, it->text, n);
                    party[n] = '\0';
                    p = nat_st_party(sc, party);
                }
                for (size_t k = 0; p != SIZE_MAX && k < parley_redline_count(sc, p); k++)
                    if (strcmp(parley_redline_name(sc, p, k), colon + 1) == 0)
                        r = k;
            }
            if (r == SIZE_MAX)
                return nat_fail(c, PARLEY_ERR_INVALID, it,
                                "expected PARTY:RED-LINE naming a red line of the scenario");
            parley_error_clear(&be);
            if ((st = parley_moves_fix_redline(m, p, r, &be)) != PARLEY_OK)
                return nat_fail(c, st, it, "%s", be.message);
        }
    }
    const nat_node *vt = nat_get(sv, "veto", NULL);
    if (vt) {
        if ((st = nat_want_seq(c, vt, "`veto`", "write `veto: [PARTY, ...]`")))
            return st;
        NAT_ITEMS(vt, it) {
            size_t p = it->kind == NAT_SCALAR ? nat_st_party(sc, it->text) : SIZE_MAX;
            if (p == SIZE_MAX)
                return nat_fail(c, PARLEY_ERR_INVALID, it, "expected a party of the scenario");
            parley_error_clear(&be);
            if ((st = parley_moves_add_veto(m, p, &be)) != PARLEY_OK)
                return nat_fail(c, st, it, "%s", be.message);
        }
    }
    return PARLEY_OK;
}

static parley_status nat_check_stability(nat_ctx *c, const nat_node *root)
{
    const nat_node *sv = root && root->kind == NAT_MAP ? nat_get(root, "stability", NULL) : NULL;
    if (!sv)
        return PARLEY_OK;
    parley_moves *m = parley_moves_new(c->sc, c->alloc);
    if (!m)
        return nat_nomem(c);
    parley_status st = nat_stability(c, sv, c->sc, m);
    parley_moves_free(m);
    return st;
}

parley_status parley_moves_read_file(const char *path, const parley_scenario *sc,
                                     const parley_load_options *opt, parley_moves **out,
                                     parley_error *err)
{
    if (err)
        parley_error_clear(err);
    if (!path || !sc || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, path, 0, 0,
                            "parley_moves_read_file: path, sc and out must not be NULL");
    *out = NULL;
    const parley_allocator *a = opt ? opt->alloc : NULL;
    char *buf = NULL;
    size_t len = 0;
    parley_status st = nat_read_whole(a, path, nat_max_bytes(opt), &buf, &len, err);
    if (st != PARLEY_OK)
        return st;
    nat_ctx c;
    memset(&c, 0, sizeof c);
    c.alloc = a;
    c.file = path;
    c.src = buf;
    c.srclen = len;
    c.err = err;
    c.ar.alloc = a;
    nat_node *root = NULL;
    parley_moves *m = NULL;
    st = nat_parse(&c, &root);
    if (st == PARLEY_OK) {
        const nat_node *sv = root && root->kind == NAT_MAP ? nat_get(root, "stability", NULL)
                                                            : NULL;
        if (!sv)
            st = parleyx_fail(err, PARLEY_ERR_NORESULT, path, 0, 0,
                              "the scenario has no `stability:` section (who moves which "
                              "issue); see docs/stability.md");
        else if (!(m = parley_moves_new(sc, a)))
            st = nat_nomem(&c);
        else
            st = nat_stability(&c, sv, sc, m);
    }
    nat_arena_free(&c.ar);
    parleyx_free(a, buf, len + 1);
    if (st != PARLEY_OK) {
        parley_moves_free(m);
        return st;
    }
    *out = m;
    return PARLEY_OK;
}
