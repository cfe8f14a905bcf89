/*
 * genius_io.h -- the internal header of the GENIUS XML reader (genius.c,
 * genius_repair.c, genius_domain.c, genius_profile.c, genius_folder.c)
 * and the GeniusWeb JSON reader (geniusweb.c, geniusweb_domain.c,
 * geniusweb_events.c).  Not installed.  Prefix
 * gx_ (GENIUS XML side, also the shared helpers), gw_ (GeniusWeb side) and
 * gwy_ (JSON text as libyajl's events).
 *
 * Ownership: gx_file_read (parleyx_read_file with the load options)
 * hands back a buffer the caller frees with gx_file_free.  gx_parse_text and gx_parse_file hand back a libxml2
 * document the caller frees with xmlFreeDoc.  A gx_ctx owns the attribute
 * copies gx_attr makes (gx_ctx_release frees them); a gx_domain owns its
 * tables (gx_domain_free).  Every error fills parley_error with the file
 * and, when known, the line.
 */
#ifndef PARLEY_GENIUS_IO_H
#define PARLEY_GENIUS_IO_H

#include "parleyx.h"

#include <libxml/tree.h>

/* Deepest element nesting walked (objectives, profile elements). */
#define GX_MAX_DEPTH 512

/* --- small helpers (genius.c) --- */

/* The basename of a path (a pointer into path). */
const char *gx_basename(const char *path);
/* ASCII case-insensitive equality; false when either is NULL. */
bool gx_ieq(const char *a, const char *b);
/* s ends with suffix, ASCII case-insensitively. */
bool gx_iends(const char *s, const char *suffix);
/* XML blank: space, tab, CR, LF. */
bool gx_blank(int c);
/* 3 when d starts with a UTF-8 byte order mark, else 0. */
size_t gx_skip_bom(const char *d, size_t n);
/* True when the first non-blank byte (after an optional UTF-8 BOM) is '{'. */
bool gx_looks_like_json(const char *data, size_t size);

/* A whole input file in memory, NUL-terminated. */
typedef struct gx_file {
    const parley_allocator *a; /* the allocator data came from */
    char *data;                /* size + 1 bytes */
    size_t size;
} gx_file;

/* Read the file at path through parleyx_read_file, with the allocator and
 * the limit of opt (max_file_bytes; 0: 64 MiB).  On success the caller
 * frees f with gx_file_free; on failure there is nothing to free. */
static inline parley_status gx_file_read(gx_file *f, const char *path,
                                         const parley_load_options *opt, parley_error *err)
{
    f->a = opt ? opt->alloc : NULL;
    return parleyx_read_file(f->a, path, opt ? opt->max_file_bytes : 0, &f->data, &f->size, err);
}

static inline void gx_file_free(gx_file *f)
{
    parleyx_free(f->a, f->data, f->size + 1);
    f->data = NULL;
}

/* Add a negotiator named after the file (basename without .xml/.json),
 * made unique with "-2", "-3"... when another party already has it. */
parley_status gx_add_party_for(parley_scenario *sc, const char *path, size_t *party,
                               parley_error *err);

/* Read a domain and its profiles (paths checked non-NULL), one party per
 * profile in order; GENIUS XML or GeniusWeb JSON by content (genius.c).
 * parley_genius_read_files (genius_folder.c) picks and renames around it. */
parley_status gx_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err);

/* --- writing a folder (genius_write.c; GENIUS XML there, GeniusWeb JSON in
 * geniusweb_write.c) --- */

/* What a folder writer writes: the parties (negotiators with preferences,
 * in scenario order), the file names (file[0] the domain, file[j + 1]
 * party[j]'s profile), one text per file, and the notes on what the format
 * cannot hold (a parley text, begun).  All on the scenario's allocator. */
typedef struct gx_fname {
    char s[PARLEY_MAX_NAME + 16];
} gx_fname;

typedef struct gx_plan {
    const parley_scenario *sc; /* NULL: nothing to free */
    size_t np;
    size_t *party;  /* np of the scenario's party indices */
    gx_fname *file; /* np + 1 */
    px_buf *out;    /* np + 1 texts */
    px_buf notes;   /* one line per note */
} gx_plan;

/* Plan the folder for sc (final) with file names ending in ext, the
 * profiles named after their parties (lettered NULL) or lettered + "A",
 * "B", ... (at most 26); notes on the parties, red lines, descriptions and
 * file names.  On failure the plan must still be handed to gx_finish (or
 * gx_plan_free). */
parley_status gx_plan_make(gx_plan *p, const parley_scenario *sc, const char *ext,
                           const char *lettered, parley_error *err);
void gx_plan_free(gx_plan *p);
/* One note line (printf format). */
void gx_note(gx_plan *p, const char *fmt, ...) PX_PRINTF(2, 3);
/* The note for a numeric issue i written as a discrete one, and why. */
void gx_note_as_discrete(gx_plan *p, size_t i, const char *why);
/* When st is PARLEY_OK: write p's texts as the folder dir (atomically: a
 * new folder beside it, renamed; an existing dir must be an empty folder)
 * and hand the notes over in *notes (parley_text_free; "" when none).
 * Frees the plan in every case; returns the status. */
parley_status gx_finish(gx_plan *p, const char *dir, char **notes, parley_status st,
                        parley_error *err);

/* --- GENIUS XML text to a DOM --- */

/* Parse a GENIUS XML file already in memory: strictly first, then with the
 * repairs (genius_repair.c).  On failure *doc is NULL and err names path,
 * line and column. */
parley_status gx_parse_text(const char *path, const char *data, size_t size,
                            const parley_allocator *a, xmlDocPtr *doc, parley_error *err);
/* gx_file_read, then gx_parse_text (genius.c). */
parley_status gx_parse_file(const char *path, const parley_load_options *opt, xmlDocPtr *doc,
                            parley_error *err);

/* --- typed access to the DOM (genius.c) --- */

typedef struct gx_ctx {
    const parley_allocator *a;
    const char *path;           /* file being read (for errors) */
    xmlChar **tofree;           /* attribute copies made by libxml2 */
    size_t ntofree, captofree;
    parley_error *err;
} gx_ctx;

/* Free the attribute copies (the context stays usable). */
void gx_ctx_release(gx_ctx *c);
/* n is an element named name. */
bool gx_is(const xmlNode *n, const char *name);
/* n's line in the file, 0 when unknown. */
unsigned gx_line(const xmlNode *n);
/* The value of an attribute (no namespace), or NULL.  Valid until the
 * context is released. */
const char *gx_attr(gx_ctx *c, const xmlNode *n, const char *name);
/* The first child element named name, or NULL. */
const xmlNode *gx_first_child(const xmlNode *n, const char *name);
/* Java's Double.valueOf / Long.valueOf on a trimmed string; finite only. */
bool gx_number(const char *s, double *out);
bool gx_integer(const char *s, int64_t *out);
/* A number attribute that must be there: the error names element and line;
 * what says what needs it. */
parley_status gx_need_number(gx_ctx *c, const xmlNode *n, const char *attr, double *out,
                             const char *what);
parley_status gx_need_integer(gx_ctx *c, const xmlNode *n, const char *attr, int64_t *out,
                              const char *what);
/* Wrap a builder failure with the file and line it came from. */
parley_status gx_builder(gx_ctx *c, parley_status st, const parley_error *inner,
                         const xmlNode *n, const char *what);

/* --- the domain (genius_domain.c) --- */

typedef struct gx_label {
    const char *s;   /* into gx_issue.lab */
    uint32_t k;
} gx_label;

typedef struct gx_issue {
    int64_t gindex;         /* GENIUS index */
    size_t pi;              /* parley issue index */
    parley_issue_kind kind;
    const char *name;       /* borrowed from the scenario */
    size_t nvalues;
    gx_label *sorted;       /* discrete: labels sorted by strcmp */
    char *lab;              /* discrete: the label texts sorted[].s point into */
    size_t labsize;
} gx_issue;

typedef struct gx_domain {
    const parley_allocator *a;
    const char *path;
    xmlDocPtr doc;          /* the domain document, freed once read */
    gx_issue *is;
    size_t n, cap;
    int64_t *objs;          /* objective indexes (weights on them are ignored) */
    size_t nobjs, capobjs;
} gx_domain;

/* Read the domain file into sc's issues and *d (zeroed by the caller;
 * freed with gx_domain_free whatever the result). */
parley_status gx_read_domain(const char *path, const parley_load_options *opt,
                             parley_scenario *sc, gx_domain *d, parley_error *err);
void gx_domain_free(gx_domain *d);
/* The value index of a discrete label, or -1. */
long gx_find_label(const gx_issue *is, const char *s);
/* The issue with a GENIUS index, or NULL. */
gx_issue *gx_find_issue(gx_domain *d, int64_t gindex);
/* gindex names an objective of the domain. */
bool gx_is_objective(const gx_domain *d, int64_t gindex);
/* "1-6" or "2, 3, 5" (the domain's issue indexes, for messages). */
void gx_index_list(const gx_domain *d, char *buf, size_t n);
/* The issue with GENIUS index gindex into *out, or PARLEY_ERR_INVALID at
 * node n: "WHAT issue index I does not exist in the domain D (issues L);
 * FIX". */
parley_status gx_need_issue(gx_ctx *c, gx_domain *d, const xmlNode *n, int64_t gindex,
                            const char *what, const char *fix, gx_issue **out);
/* An issue's kind from its `type` attribute (NULL or unknown: discrete). */
parley_issue_kind gx_kind_of(const char *type);
const char *gx_kind_name(parley_issue_kind k);

/* --- a profile (genius_profile.c) --- */

/* Read one profile file into a new party of sc. */
parley_status gx_read_profile(const char *path, const parley_load_options *opt,
                              parley_scenario *sc, gx_domain *d, parley_error *err);

/* --- non-additive profiles (genius_nonlinear.c) --- */

/* A <utility_space type="nonlinear"> or type="constraint"> profile (root)
 * into a new party of sc whose utility is interaction terms with GENIUS's
 * arithmetic.  c names the file; nothing reaches sc on failure but,
 * possibly, the party. */
parley_status gx_read_nonlinear(gx_ctx *c, const xmlNode *root, gx_domain *d,
                                parley_scenario *sc);
parley_status gx_read_constraint(gx_ctx *c, const xmlNode *root, gx_domain *d,
                                 parley_scenario *sc);
/* A profile file that GENIUS itself cannot load (a constraint profile
 * without <rules>/<ranks>/<constraints>): true, with *why (static) for
 * the folder's note.  False for anything else, unreadable files too. */
bool gx_profile_unloadable(const char *path, const parley_load_options *opt, const char **why);
/* A name or label as a token of the rule language (bare or quoted). */
void gx_rule_word(px_buf *b, const char *s);

/* --- JSON text as events, with yajl (geniusweb_events.c) --- */

/* Deepest nesting (jansson's limit, refused above): a value inside L arrays
 * or objects is at depth L + 1, scalars included. */
#define GWY_MAX_DEPTH 2048

typedef enum gwy_ev {
    GWY_START_MAP,
    GWY_END_MAP,
    GWY_START_ARRAY,
    GWY_END_ARRAY,
    GWY_KEY,     /* s: the key, decoded in place, NUL-terminated */
    GWY_STRING,  /* s: the string, decoded in place, NUL-terminated */
    GWY_NUMBER,  /* s: the number's text, NUL-terminated for the call only */
    GWY_LITERAL, /* true, false or null */
} gwy_ev;

struct gwy;
/* A consumer of events: 0 to go on, nonzero to stop the parse at once. */
typedef int (*gwy_fn)(struct gwy *y, gwy_ev ev, char *s, size_t len);

typedef struct gwy {
    char *s; /* the text, NUL-terminated at n; strings are decoded into it */
    size_t n;
    gwy_fn fn;
    void *ctx;      /* the consumer's */
    void *yajl;     /* the yajl_handle, during gwy_parse */
    unsigned level; /* containers open around the event's value (0: the top) */
    size_t last;    /* offset just after the last token that made an event */
    size_t pos;     /* where line and col were counted up to */
    unsigned line, col;
    bool stopped; /* the consumer stopped the parse */
    size_t at;    /* a syntax error: where, and msg what (jansson's words or yajl's) */
    char msg[160];
} gwy;

typedef enum gwy_result { GWY_OK, GWY_SYNTAX, GWY_STOPPED, GWY_NOMEM } gwy_result;

/* Parse text (n bytes, NUL-terminated at n, writable) as one JSON object or
 * array, strictly (RFC 8259 and jansson's limits), calling fn for each
 * event with y->ctx = ctx.  GWY_SYNTAX: y->msg, and gwy_where after it,
 * say why and where.  Allocates nothing that outlives the call. */
gwy_result gwy_parse(gwy *y, char *text, size_t n, gwy_fn fn, void *ctx);
/* The 1-based line and column of the syntax error, or (during an event)
 * of the end of the event's token. */
void gwy_where(gwy *y, unsigned *line, unsigned *col);

/* --- GeniusWeb JSON (geniusweb.c, geniusweb_domain.c) --- */
typedef enum gw_kind { GW_OTHER = 0, GW_DOMAIN, GW_PROFILE, GW_BROKEN } gw_kind;

/* What a JSON text is: a GeniusWeb domain ("issuesValues"), a profile (one
 * top-level key naming a utility space), something else, or not JSON.
 * GW_BROKEN: not valid JSON (or not UTF-8); then *line, *col and msg
 * (msgsize bytes) say where and why (jansson's words).  data (size bytes,
 * NUL-terminated) is scratch: strings are decoded into it. */
gw_kind gw_classify(char *data, size_t size, unsigned *line, unsigned *col, char *msg,
                    size_t msgsize);

/* A decimal number m * 10^e, as GeniusWeb's BigDecimal / Decimal holds
 * it: a JSON integer exactly, a JSON real as the shortest decimal that
 * reads back to its double (Python's Decimal(str(x)), which the ANL
 * leagues ran), a string as written.  Normalised: m has no trailing zero
 * (0 is 0e0). */
typedef struct gw_dec {
    int64_t m;
    int e;
} gw_dec;

/* Read a decimal from its text ("-12.50", "1e-05"); false when it is not
 * a plain decimal or has more than 18 significant digits. */
bool gw_dec_parse(const char *s, gw_dec *d);
/* d * 10^scale as an integer, false when that is not an integer or its
 * magnitude reaches 2^62. */
bool gw_dec_scaled(gw_dec d, int scale, int64_t *out);

/* Most values parley enumerates for one GeniusWeb number issue (a range). */
#define GW_MAX_NUMBER_VALUES 1000000

/* One issue of a GeniusWeb domain. */
typedef struct gw_lab {
    uint32_t off; /* the label's offset in the domain's text */
    uint32_t k;   /* its value index */
} gw_lab;

typedef struct gw_issue {
    const char *name; /* in the domain's text */
    size_t pi;        /* parley issue index */
    size_t n;         /* values */
    bool number;      /* a NumberValueSet {"range": {low, high, step}} */
    gw_lab *sorted;   /* discrete: the labels sorted by strcmp */
    size_t cap;       /* entries allocated in sorted */
    gw_dec low, high; /* number: the range as written */
    int scale;        /* number: value k is (lo + k * step) / 10^scale */
    int64_t lo, hi, step;
} gw_issue;

/* A NumberValueSetUtilities {lowUtility, highUtility}, scaled. */
typedef struct gw_numutil {
    gw_dec lu, hu;  /* lowUtility, highUtility */
    int t;          /* their scale (decimals) */
    int64_t LU, HU; /* lu, hu * 10^t */
} gw_numutil;

/* Scale lu and hu into *nu; false unless both are in [0, 1] with at most
 * 18 decimals. */
bool gw_numutil_make(gw_numutil *nu, gw_dec lu, gw_dec hu);
/* GeniusWeb's getUtility of value k of number issue is (is->lo < is->hi),
 * rounded half up to 8 decimals, as a double (the nearest to that decimal:
 * q / 1e8 with both exact).  The reader's and the ANL writer's check. */
double gw_number_util(const gw_issue *is, const gw_numutil *nu, size_t k);

/* A domain read into a scenario: owns the text (labels point into it) and
 * the issue table; free with gw_domain_free whatever the result. */
typedef struct gw_domain {
    const parley_allocator *a;
    const char *path;
    gx_file f;
    gw_issue *is;
    size_t nis, cap;
} gw_domain;

/* Read the domain file into sc's issues (and its name) and *d (zeroed by
 * the caller). */
parley_status gw_read_domain(const char *path, const parley_load_options *opt, parley_scenario *sc,
                             gw_domain *d, parley_error *err);
void gw_domain_free(gw_domain *d);
/* The value index of a discrete label, or -1. */
long gw_find_label(const gw_domain *d, const gw_issue *is, const char *s);

/* Build a scenario from a GeniusWeb domain file and profile files. */
parley_status gw_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err);

#endif
