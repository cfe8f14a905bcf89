/*
 * parleyx.h -- parleyx_: the unstable shared namespace (as curl's curlx_).
 *
 * Small pieces used by the library, the CLI and the tests alike: the
 * allocator wrappers, array growth, error filling, a bounded growable
 * buffer, whole-file reading, number formatting, string helpers, the
 * seeded generator and the thread runner.  No API or ABI promise: these
 * are not in include/parley/ and may change at any time.  They are
 * compiled into libparley with hidden visibility; the programs (CLI,
 * benchmarks, fuzz targets) link the static library and see this folder,
 * src/parleyx, besides include/ -- and nothing else of src/.
 *
 * Invariants: a px_buf is always NUL-terminated after a successful append;
 * its length never exceeds its limit; after a failed append the buffer is
 * unchanged except that `failed` is set, so callers may append many times
 * and check once.
 */
#ifndef PARLEY_PX_H
#define PARLEY_PX_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include "parley/parley.h"

#if defined(__GNUC__)
#define PX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PX_PRINTF(a, b)
#endif

/* --- allocation through a parley_allocator (NULL = libc) --- */
void *parleyx_malloc(const parley_allocator *a, size_t n);
void *parleyx_calloc(const parley_allocator *a, size_t count, size_t size); /* overflow-checked */
void *parleyx_realloc(const parley_allocator *a, void *p, size_t osize, size_t nsize);
void parleyx_free(const parley_allocator *a, void *p, size_t osize);
char *parleyx_strdup(const parley_allocator *a, const char *s); /* free with strlen+1 */
char *parleyx_strndup(const parley_allocator *a, const char *s, size_t n);
void parleyx_strfree(const parley_allocator *a, char *s);

/* --- array growth: the one doubling rule ---
 * Returns an array of elements of `size` bytes with room for at least
 * `need` of them: arr itself when *cap >= need, else arr moved to a block
 * of max(first, 2 * *cap), doubled again until it holds need (*cap is
 * updated; the contents are kept).  NULL when the size overflows or the
 * allocator fails: arr and *cap are then unchanged and still valid, so the
 * caller keeps what it had.  Usage:
 *     T *p = parleyx_grow(a, x->v, sizeof *p, &x->cap, x->n + 1, 16);
 *     if (!p) return PARLEY_ERR_NOMEM;
 *     x->v = p; */
void *parleyx_grow(const parley_allocator *a, void *arr, size_t size, size_t *cap, size_t need,
                   size_t first);

/* --- errors --- */
/* Fill err (if not NULL) and return st.  file may be NULL. */
parley_status parleyx_fail(parley_error *err, parley_status st, const char *file, unsigned line,
                           unsigned column, const char *fmt, ...) PX_PRINTF(6, 7);

/* --- whole files ---
 * Read the regular file at path into a block of *size + 1 bytes from a,
 * NUL-terminated (free with parleyx_free(a, *data, *size + 1)).  At most
 * `limit` bytes (0: PARLEYX_DEFAULT_MAX_FILE, 64 MiB) and INT_MAX; a
 * larger file is refused with PARLEY_ERR_LIMIT as soon as the limit is
 * passed, saying how to raise it.  A folder, a FIFO, a device or a socket
 * is refused (PARLEY_ERR_IO) without being opened for reading, so that it
 * cannot block.  Errors name the file (err->file = path). */
#define PARLEYX_DEFAULT_MAX_FILE ((size_t)64 << 20)
/* The one refusal of an input that is neither a file nor a folder (a FIFO
 * would block the reader, a device never ends): fills err, returns
 * PARLEY_ERR_IO.  parleyx_read_file and parley_load call it. */
parley_status parleyx_not_regular(const char *path, parley_error *err);
parley_status parleyx_read_file(const parley_allocator *a, const char *path, size_t limit,
                                char **data, size_t *size, parley_error *err);

/* --- a growable text buffer with a hard limit (curl's dynbuf) --- */
typedef struct px_buf {
    const parley_allocator *alloc;
    char *data;    /* NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    size_t limit;  /* len never exceeds this */
    bool failed;   /* an append failed (no memory or over the limit) */
} px_buf;

void parleyx_buf_init(px_buf *b, const parley_allocator *a, size_t limit);
void parleyx_buf_free(px_buf *b);
bool parleyx_buf_add(px_buf *b, const char *s, size_t n);
bool parleyx_buf_puts(px_buf *b, const char *s);
bool parleyx_buf_printf(px_buf *b, const char *fmt, ...) PX_PRINTF(2, 3);
bool parleyx_buf_vprintf(px_buf *b, const char *fmt, va_list ap) PX_PRINTF(2, 0);
/* Hand the text over (caller frees with parleyx_free(a, p, cap) -- or,
 * when the allocator is libc, free()).  The buffer is reset. */
char *parleyx_buf_take(px_buf *b, size_t *len, size_t *cap);

/* --- text handed to callers (freed with parley_text_free) ---
 * A text block carries a hidden header (the allocator and the block size)
 * in front of the characters, so parley_text_free needs only the pointer.
 * parleyx_text_begin reserves the header in an empty buffer; after the
 * text is appended, parleyx_text_finish hands it over (false if the buffer
 * failed: it is then freed). */
bool parleyx_text_begin(px_buf *b);
bool parleyx_text_finish(px_buf *b, char **text, size_t *len);

/* --- numbers --- */
/* Shortest decimal that reads back to exactly d ("%.{15,16,17}g", from
 * 1 digit for subnormals: 0.07, 0.30000000000000004, 5e-324), with "-0"
 * kept, "inf"/"nan" for the others.  buf >= 32 bytes. */
char *parleyx_fmt_double(double d, char *buf, size_t n);
/* Strict number parsing: the whole string must be a plain decimal number
 * (no hex, no inf/nan, no trailing text) that a double holds: not beyond
 * the largest double (1e400), and not a non-zero number that reads as 0
 * (1e-400: nearer 0 than half the smallest subnormal, 4.9e-324).
 * Subnormals are kept (they are what parleyx_fmt_double writes for them).
 * false otherwise; parleyx_double_problem says why. */
bool parleyx_parse_double(const char *s, double *out);
/* The same, saying why: PX_NUM_OK (*out set), PX_NUM_SYNTAX (not a plain
 * decimal number), PX_NUM_HUGE (beyond the largest double), PX_NUM_TINY
 * (non-zero but reads as 0). */
typedef enum px_num { PX_NUM_OK, PX_NUM_SYNTAX, PX_NUM_HUGE, PX_NUM_TINY } px_num;
px_num parleyx_read_double(const char *s, double *out);
/* Why parleyx_parse_double refuses s, as a phrase that follows the number
 * in a message ("`1e-400` is too small ..."), or NULL when it accepts s. */
const char *parleyx_double_problem(const char *s);
bool parleyx_parse_int64(const char *s, int64_t *out);
/* Insert thousands separators: "4211" -> "4,211".  Returns buf. */
char *parleyx_group_digits(const char *digits, char *buf, size_t n);

/* --- strings --- */
/* Levenshtein distance, capped at cap (returns cap+1 when larger). */
size_t parleyx_edit_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to word (distance <= max(2, len/3)), or NULL. */
const char *parleyx_closest(const char *word, const char *const *cands, size_t n);

/* --- UTF-8 --- */
/* Offset of the first byte that breaks UTF-8 (overlong forms, surrogates
 * and code points beyond U+10FFFF included; a NUL too when nul_bad), or
 * SIZE_MAX.  libfyaml is given only clean text: some malformed bytes make
 * its scanner loop. */
size_t parleyx_utf8_invalid(const char *str, size_t n, bool nul_bad);
/* 1-based line and column of byte offset off in s (n bytes), columns
 * counted in UTF-8 characters as libfyaml counts them. */
void parleyx_utf8_locate(const char *s, size_t n, size_t off, unsigned *line, unsigned *col);
/* s copied into out (n bytes, n > 0, always NUL-terminated) with every
 * byte that breaks UTF-8, and every control byte (below 0x20, 0x7f),
 * written as \xNN: text from outside (SQLite's messages about a damaged
 * file) made fit for a message.  Cut at a character when out is full.
 * Returns out. */
char *parleyx_utf8_escape(const char *s, char *out, size_t n);

/* --- YAML --- */
/* Decode the single-quoted YAML scalar whose text starts at src[start]
 * (just after the opening quote): '' is a quote, line breaks fold as YAML
 * 1.2 section 7.3.2 says.  out needs room for srclen - start bytes (the
 * decoded text is never longer); no NUL is added.  Returns its length,
 * or SIZE_MAX when there is no closing quote.  (libfyaml 0.7.12's
 * fy_token_get_text leaks on some of these scalars.) */
size_t parleyx_yaml_single_quoted(const char *src, size_t srclen, size_t start, char *out);

/* --- seeded randomness: splitmix64 (Steele, Lea and Flood 2014) ---
 * One step of the stream whose state is *s: adds the golden gamma and
 * returns the mixed value.  Every seeded generator in parley is this one,
 * so streams are reproducible across modules and platforms. */
static inline uint64_t parleyx_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* --- sorting: the one LSD radix sort ---
 * Stable sort of n elements of `size` bytes at v by the unsigned 64-bit
 * key that key(element) gives, `bits` bits a pass (1 to 16) for `passes`
 * passes from the lowest bits up (passes * bits >= the key's width).  tmp
 * holds n elements, cnt 2^bits counters.  Returns where the sorted
 * elements are: v after an even number of passes, tmp after an odd one.
 * O(passes * (n + 2^bits)), no allocation.  static inline so that a
 * constant size and key function fold into each caller's loops (the
 * analysis's meet-in-the-middle count sorts on its hot path). */
static inline void *parleyx_radix_sort(void *v, void *tmp, size_t n, size_t size,
                                       uint64_t (*key)(const void *), unsigned bits,
                                       unsigned passes, size_t *cnt)
{
    unsigned char *src = v, *dst = tmp;
    size_t ndigits = (size_t)1 << bits, mask = ndigits - 1;
    for (unsigned pass = 0; pass < passes; pass++) {
        unsigned shift = pass * bits;
        memset(cnt, 0, ndigits * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[(key(src + i * size) >> shift) & mask]++;
        size_t sum = 0;
        for (size_t d = 0; d < ndigits; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            memcpy(dst + cnt[(key(src + i * size) >> shift) & mask]++ * size, src + i * size,
                   size);
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* --- threads ---
 * The one place parley starts threads.  Results never depend on how many
 * start: callers split work into jobs whose results are combined in job
 * order, and a job whose thread cannot start runs on the calling thread.
 * Started threads block every signal, so a handler (e.g. one setting a
 * stop flag) runs on the calling thread.
 *
 * parleyx_run_jobs: fn(jobs + k * size) for k in [0, n): job 0 on the
 * calling thread, the others on threads (at most PARLEYX_MAX_THREADS;
 * beyond that, and when a thread cannot start, on the calling thread after
 * job 0).  Returns when every job has run.
 *
 * parleyx_threads_start: start up to n threads running fn(arg) (one shared
 * argument, as a pool that takes work from a queue); returns how many
 * started, stopping at the first failure.  parleyx_threads_join waits for
 * them. */
#define PARLEYX_MAX_THREADS 256
typedef void *(*parleyx_thread_fn)(void *);
void parleyx_run_jobs(parleyx_thread_fn fn, void *jobs, size_t size, unsigned n);
unsigned parleyx_threads_start(pthread_t *threads, unsigned n, parleyx_thread_fn fn, void *arg);
void parleyx_threads_join(pthread_t *threads, unsigned n);

/* --- weights (`--set PARTY.ISSUE.weight=X`) ---
 * parleyx_rescale_weights: w[k] becomes x (0 <= x <= 1) and the n-1 other
 * weights are multiplied by one factor, (1 - x) / (their sum), so that all n
 * sum to 1 and keep their proportions to one another.  When the others sum
 * to 0 (or are all zero), 1 - x is shared equally among the others whose
 * can[i] is true (can: NULL means all).  Returns false, w unchanged, when
 * that cannot be: x outside [0, 1] or not finite, k >= n, or x < 1 with no
 * other weight to rescale and no other issue that can take one.  A factor
 * within PARLEYX_WEIGHT_SNAP of 1 counts as 1: weights that sum to 1 up to
 * rounding (0.2 + 0.1 + 0.15 + 0.2 is 0.6500000000000001) stay as written
 * when one of them is set to its own value, so that a deal exactly at a
 * reservation value is not lost to the last bit. */
#define PARLEYX_WEIGHT_SNAP 1e-12
bool parleyx_rescale_weights(double *w, size_t n, size_t k, double x, const bool *can);

/* --- exact outcome counts: a small unsigned bignum --- */
typedef struct px_big {
    size_t n;          /* limbs used */
    uint32_t limb[64]; /* base 2^32, little-endian: up to 2^2048 */
    bool overflow;
} px_big;
void parleyx_big_set(px_big *b, uint32_t v);
void parleyx_big_mul(px_big *b, uint32_t v);
/* Decimal text into buf; returns false if buf is too small. */
bool parleyx_big_text(const px_big *b, char *buf, size_t n);
bool parleyx_big_u64(const px_big *b, uint64_t *out);

#endif
