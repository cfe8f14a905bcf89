/*
 * yaml_front.h -- yf_: the one YAML front end of parley's readers, the
 * native scenario format (native_read.c) and the tournament configuration
 * (tournament/tn_config.c).
 *
 * libfyaml is the parser; this module owns how it is set up and the
 * workarounds around it, so that both readers see the same events at the
 * same positions:
 *  - the text is checked first (yf_bad_byte): libfyaml is given no NUL
 *    byte and no broken UTF-8, on which its scanner may loop;
 *  - one document parse configuration (quiet, no mmap, never JSON mode)
 *    and a private diagnostic object that prints nothing and keeps the
 *    errors, so the first one comes back with its line and column
 *    (yf_failed);
 *  - events come as yf_event, with 1-based positions and byte spans; a
 *    quoted scalar is placed on its opening quote, not just inside it;
 *  - a single-quoted scalar is decoded here from the source
 *    (parleyx_yaml_single_quoted), as libfyaml 0.7.12's own text leaks on
 *    some of them.
 *
 * Memory: libfyaml allocates with its own malloc between yf_open and
 * yf_close.  A decoded single-quoted scalar is the one block made for the
 * caller: it comes from the caller's yf_alloc_fn, and the caller owns it
 * (ev->owned, ev->owned_size).  Every other text is borrowed and lives
 * until yf_event_done.
 */
#ifndef PARLEY_YAML_FRONT_H
#define PARLEY_YAML_FRONT_H

#include "parleyx.h"

struct fy_diag;
struct fy_parser;
struct fy_event;

typedef enum yf_kind {
    YF_END,            /* the stream is over (or broken: see yf_failed) */
    YF_DOCUMENT_START,
    YF_MAPPING_START,
    YF_MAPPING_END,
    YF_SEQUENCE_START,
    YF_SEQUENCE_END,
    YF_SCALAR,
    YF_ALIAS,
    YF_OTHER           /* stream start/end, document end */
} yf_kind;

typedef enum yf_style {
    YF_PLAIN,
    YF_SINGLE_QUOTED,
    YF_DOUBLE_QUOTED,
    YF_BLOCK           /* literal or folded */
} yf_style;

/* Where an event is: its start (line, col: 1-based, 0 when has_start is
 * false) and its byte span [pos, end) in the source. */
typedef struct yf_mark {
    unsigned line, col;
    size_t pos, end;
    bool has_start;    /* libfyaml gave a start mark */
    bool has_end;      /* libfyaml gave an end mark (end is then exact) */
} yf_mark;

typedef struct yf_event {
    yf_kind kind;
    yf_mark at;        /* aliases: on the name (see yf_alias_star) */
    /* YF_SCALAR only: */
    yf_style style;
    const char *text;  /* len bytes and a NUL; borrowed unless == owned */
    size_t len;
    bool has_nul;      /* the text holds a NUL character (`\0` escape) */
    char *owned;       /* a decoded single-quoted scalar, or NULL */
    size_t owned_size; /* the size given to the yf_alloc_fn for it */
    struct fy_event *fy; /* private */
} yf_event;

/* n bytes for the caller, or NULL. */
typedef void *(*yf_alloc_fn)(void *ud, size_t n);

typedef struct yf_parser {
    const char *src;
    size_t len;
    yf_alloc_fn alloc;
    void *ud;
    yf_mark last;      /* where the last event ended (line 1, column 1 at first) */
    char note[256];    /* the first message libfyaml gave without a position */
    bool have_note;
    struct fy_diag *diag;
    struct fy_parser *fyp;
} yf_parser;

/* The offset of the first byte libfyaml must not see, or SIZE_MAX; *line
 * and *col locate it.  With nul_first a NUL byte anywhere is found before
 * a byte that breaks UTF-8; without, whichever comes first. */
size_t yf_bad_byte(const char *src, size_t len, bool nul_first, unsigned *line, unsigned *col);

/* Start parsing src (len bytes, kept by reference until yf_close).
 * PARLEY_ERR_NOMEM when libfyaml cannot be set up: nothing is then left
 * to close.  alloc(ud, n) makes the blocks of decoded single-quoted
 * scalars. */
parley_status yf_open(yf_parser *p, const char *src, size_t len, yf_alloc_fn alloc, void *ud);

/* The next event into *ev; YF_END at the end of the stream.
 * PARLEY_ERR_NOMEM when a single-quoted scalar's block could not be made
 * (ev->at is then set).  Every event, failed or not, is handed back with
 * yf_event_done. */
parley_status yf_next(yf_parser *p, yf_event *ev);

/* Done with ev: libfyaml's event is freed (ev->owned is not: the caller
 * owns it) and its end becomes p->last. */
void yf_event_done(yf_parser *p, yf_event *ev);

/* libfyaml marks an alias on the name after its `*`: move at back onto
 * the `*`. */
void yf_alias_star(const yf_parser *p, yf_mark *at);

typedef struct yf_error {
    bool positioned;   /* libfyaml said where */
    unsigned line, col; /* positioned: its line:column (0 when unknown); else where the
                          last good event ended */
    const char *msg;   /* positioned: its message ("malformed input" when it gave none);
                          else the text it printed, or NULL; valid until yf_close */
} yf_error;

/* After YF_END: true when libfyaml found the text malformed; *out says
 * where and why. */
bool yf_failed(const yf_parser *p, yf_error *out);

void yf_close(yf_parser *p);

#endif
