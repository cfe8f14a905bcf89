/*
 * test_faults.c -- allocation-failure sweeps along the parse, analysis and
 * diagnosis paths, end to end through the public API (issue 9, part 3).
 *
 * The other test files already fail every allocation in turn inside their
 * own module (the model builder, the native reader and writer, the GENIUS
 * reader, the rule compiler, the analysis of a random scenario).  This
 * file covers the paths a user actually takes, with real inputs:
 *  - parley_load on a native file (every example), on a GENIUS folder, on
 *    a GENIUS domain followed by its profiles, and on GeniusWeb JSON (from
 *    the shared data; skipped with a message when it is missing);
 *  - parley_scenario_clone, parley_native_write;
 *  - parley_party_add_redline + parley_scenario_finalize on a loaded
 *    scenario;
 *  - parley_analyze (one thread, and two threads) and parley_diagnose
 *    (with the analyses of each relaxation) on the examples;
 *  - tournaments: parley_tournament_load (the configuration, its
 *    scenarios, analyses and strategy checks), every session run by a
 *    worker, parley_tournament_run into a store (and, after a failure,
 *    run again: the resumed store must rank exactly as a clean run, so a
 *    failure loses nothing and duplicates nothing), parley_tournament_rank
 *    and parley_tournament_merge.
 *
 * The allocator (fa_*) is the library's one hook, given as
 * parley_load_options.alloc (and so to every scenario, clone, analysis and
 * diagnosis made from it, and to a tournament, its workers and stores),
 * or directly to parley_tournament_rank and parley_tournament_merge.  It counts calls, fails call number fail_at,
 * and keeps a table of every live block with its size, so that it also
 * checks the hook's contract: a free or realloc names a block that is live
 * and gives the size it was allocated with (osize).  It is thread-safe
 * (the analysis may allocate from worker threads).
 *
 * What each sweep asserts, for N = 1, 2, ... up to the number of calls a
 * run without failure makes: the call returns PARLEY_ERR_NOMEM with an
 * error message and no result, or -- when the library recovers from the
 * failure -- the same result as the run without failure (compared through
 * a fingerprint: the native text of a scenario, the counts, frontiers and
 * solutions of an analysis, the lists of a diagnosis).  Afterwards no
 * block is live: a leak fails the test, in every build (not only under
 * LeakSanitizer).  Sweeps longer than FA_FULL calls test every call up to
 * FA_FULL and then a deterministic sample; PARLEY_FAULT_STRIDE=k in the
 * environment tests every k-th call only (the valgrind job uses it).
 *
 * Memory: the allocator's table uses libc directly; everything else is
 * freed by each test.
 */
#include <criterion/criterion.h>

#include "parley/parley.h"
#include "parley/tournament.h"
#include "helpers/helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ allocator */

typedef struct fa_slot {
    void *p;
    size_t size;
} fa_slot;

typedef struct fa {
    pthread_mutex_t mu;
    long calls;     /* allocation and reallocation calls (nsize > 0) */
    long fail_at;   /* the call that fails (1-based); 0: none */
    long failed;    /* how many calls failed */
    long live;      /* live blocks */
    long bad;       /* contract breaches: unknown block, wrong osize */
    fa_slot *tab;   /* open addressing, tombstones are p == (void *)1 */
    size_t cap, used;
} fa;

#define FA_TOMB ((void *)1)

static size_t fa_hash(const void *p, size_t cap)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0xed5ad4bbu;
    x ^= x >> 11;
    return (size_t)x & (cap - 1);
}

static void fa_put(fa *a, void *p, size_t size);

static void fa_grow(fa *a)
{
    fa_slot *old = a->tab;
    size_t oc = a->cap;
    a->cap = oc ? oc * 2 : 1024;
    a->tab = calloc(a->cap, sizeof *a->tab);
    cr_assert_not_null(a->tab);
    a->used = 0;
    for (size_t i = 0; i < oc; i++)
        if (old[i].p && old[i].p != FA_TOMB)
            fa_put(a, old[i].p, old[i].size);
    free(old);
}

static void fa_put(fa *a, void *p, size_t size)
{
    if ((a->used + 1) * 2 > a->cap)
        fa_grow(a);
    size_t i = fa_hash(p, a->cap);
    while (a->tab[i].p && a->tab[i].p != FA_TOMB)
        i = (i + 1) & (a->cap - 1);
    if (!a->tab[i].p)
        a->used++;
    a->tab[i].p = p;
    a->tab[i].size = size;
}

/* Removes p; returns its size, or (size_t)-1 if p is not live. */
static size_t fa_take(fa *a, void *p)
{
    if (!a->cap)
        return (size_t)-1;
    size_t i = fa_hash(p, a->cap);
    while (a->tab[i].p) {
        if (a->tab[i].p == p) {
            a->tab[i].p = FA_TOMB;
            return a->tab[i].size;
        }
        i = (i + 1) & (a->cap - 1);
    }
    return (size_t)-1;
}

static void *fa_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    fa *a = ud;
    pthread_mutex_lock(&a->mu);
    size_t had = (size_t)-1;
    if (ptr) {
        /* the block must be live and osize its size; it leaves the table
         * now and comes back if a reallocation fails */
        had = fa_take(a, ptr);
        if (had == (size_t)-1 || had != osize)
            a->bad++;
    }
    void *res = NULL;
    if (nsize == 0) {
        if (ptr) {
            a->live--;
            free(ptr);
        }
    } else {
        a->calls++;
        bool fail = a->fail_at && a->calls == a->fail_at;
        if (fail)
            a->failed++;
        else
            res = realloc(ptr, nsize);
        if (res) {
            if (!ptr)
                a->live++;
            fa_put(a, res, nsize);
        } else if (ptr && had != (size_t)-1) {
            fa_put(a, ptr, had); /* still live, unchanged */
        }
    }
    pthread_mutex_unlock(&a->mu);
    return res;
}

static void fa_init(fa *a, long fail_at)
{
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    a->fail_at = fail_at;
}

static void fa_done(fa *a)
{
    free(a->tab);
    pthread_mutex_destroy(&a->mu);
}

/* Work that is not part of a sweep (setting up, taking a fingerprint,
 * checking a resume): failures off, and its calls not counted. */
typedef struct fa_pause {
    long fail_at, calls;
} fa_pause;

static fa_pause fa_pause_begin(fa *a)
{
    fa_pause p = {a->fail_at, a->calls};
    a->fail_at = 0;
    return p;
}

static void fa_pause_end(fa *a, fa_pause p)
{
    a->fail_at = p.fail_at;
    a->calls = p.calls;
}

/* ------------------------------------------------------------ sweeping */

#define FA_FULL 3000L   /* every call up to here, then a sample */
#define FA_SAMPLES 400L /* calls tested beyond FA_FULL */

static long stride_env(void)
{
    const char *s = getenv("PARLEY_FAULT_STRIDE");
    long k = s ? atol(s) : 1;
    return k > 0 ? k : 1;
}

/* The next call number to fail after n, for a run of total calls. */
static long next_n(long n, long total)
{
    long k = stride_env();
    if (n + k <= FA_FULL || total <= FA_FULL)
        return n + k;
    long step = (total - FA_FULL) / FA_SAMPLES;
    if (step < k)
        step = k;
    return n + step;
}

/* One operation under test: run it with allocator al; on success write a
 * fingerprint of the result into fp (failures disabled meanwhile by the
 * caller's allocator: fingerprints are taken with a->fail_at cleared) and
 * free the result.  Returns the status; err filled. */
typedef parley_status (*op_fn)(void *ctx, const parley_allocator *al, fa *a, char *fp,
                               size_t nfp, parley_error *err);

/* Sweep op: a reference run, then every failure point.  Returns the
 * number of calls of the reference run. */
static long sweep(const char *what, op_fn op, void *ctx)
{
    static char ref[1 << 16], got[1 << 16];
    fa a;
    fa_init(&a, 0);
    parley_allocator al = {fa_fn, &a};
    parley_error err;
    parley_error_clear(&err);
    ref[0] = '\0'; /* ref is static: one sweep's fingerprint must not run into the next */
    parley_status st = op(ctx, &al, &a, ref, sizeof ref, &err);
    cr_assert_eq(st, PARLEY_OK, "%s: the run without failures failed: %s", what, err.message);
    long total = a.calls;
    cr_assert_eq(a.live, 0, "%s: %ld blocks leaked without any failure", what, a.live);
    cr_assert_eq(a.bad, 0, "%s: %ld frees or reallocs with a wrong block or size", what, a.bad);
    cr_assert_gt(total, 0, "%s: the allocator was never called", what);
    fa_done(&a);
    long recovered = 0, tested = 0;
    for (long n = 1; n <= total; n = next_n(n, total)) {
        fa_init(&a, n);
        al.ud = &a;
        parley_error_clear(&err);
        got[0] = '\0';
        st = op(ctx, &al, &a, got, sizeof got, &err);
        tested++;
        if (st == PARLEY_OK) {
            if (a.failed)
                recovered++;
            if (strcmp(got, ref) != 0) {
                cr_log_error("expected:\n%s\ngot:\n%s", ref, got);
                cr_assert_fail("%s: failing call %ld of %ld gave success with a different "
                               "result",
                               what, n, total);
            }
        } else {
            cr_assert_eq(st, PARLEY_ERR_NOMEM, "%s: failing call %ld of %ld gave %s: %s", what,
                         n, total, parley_strerror(st), err.message);
            cr_assert_eq(err.status, PARLEY_ERR_NOMEM, "%s: call %ld: error record not filled",
                         what, n);
            cr_assert_neq(err.message[0], '\0', "%s: call %ld: empty message", what, n);
        }
        cr_assert_eq(a.live, 0, "%s: failing call %ld of %ld leaked %ld blocks", what, n, total,
                     a.live);
        cr_assert_eq(a.bad, 0, "%s: failing call %ld: %ld frees with a wrong block or size", what,
                     n, a.bad);
        fa_done(&a);
    }
    cr_log_info("%s: %ld calls, %ld failure points tested, %ld recovered", what, total, tested,
                recovered);
    return total;
}

/* ------------------------------------------------------------ fingerprints */

static void fp_add(char *fp, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fp_add(char *fp, size_t n, const char *fmt, ...)
{
    size_t len = strlen(fp);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fp + len, n - len, fmt, ap);
    va_end(ap);
}

/* The native text of the scenario (written with failures off). */
static void fp_scenario(const parley_scenario *sc, fa *a, char *fp, size_t n)
{
    fa_pause pause = fa_pause_begin(a);
    char *text = NULL;
    size_t len = 0;
    parley_error err;
    parley_status st = parley_native_write(sc, &text, &len, &err);
    cr_assert_eq(st, PARLEY_OK, "fingerprint: %s", err.message);
    fp_add(fp, n, "%s", text);
    parley_text_free(text);
    fa_pause_end(a, pause);
}

static void fp_analysis(const parley_analysis *an, char *fp, size_t n)
{
    char buf[64];
    for (int k = 0; k < 4; k++)
        fp_add(fp, n, "count%d=%s\n", k,
               parley_analysis_count_text(an, (parley_count_kind)k, buf, sizeof buf));
    for (int f = 0; f < 2; f++) {
        size_t sz = parley_analysis_frontier_size(an, (parley_frontier_kind)f);
        fp_add(fp, n, "frontier%d=%zu:", f, sz);
        for (size_t i = 0; i < sz && i < 50; i++) {
            const double *u = parley_analysis_frontier_utilities(an, (parley_frontier_kind)f, i);
            for (size_t j = 0; j < parley_analysis_dims(an); j++)
                fp_add(fp, n, " %.17g", u[j]);
            fp_add(fp, n, ";");
        }
        fp_add(fp, n, "\n");
    }
    for (int s = 0; s < PARLEY_SOLUTION_COUNT; s++) {
        const uint32_t *o;
        if (parley_analysis_solution(an, (parley_solution_kind)s, NULL, &o)) {
            fp_add(fp, n, "%s:", parley_solution_name((parley_solution_kind)s));
            for (size_t i = 0; i < parley_analysis_issue_count(an); i++)
                fp_add(fp, n, " %u", o[i]);
            fp_add(fp, n, "\n");
        }
    }
}

static void fp_diagnosis(const parley_diagnosis *d, char *fp, size_t n)
{
    fp_add(fp, n, "deal=%d complete=%d\n", parley_diagnosis_deal_exists(d),
           parley_diagnosis_complete(d));
    for (size_t k = 0; k < parley_diagnosis_conflict_count(d); k++) {
        const size_t *m;
        size_t c = parley_diagnosis_conflict(d, k, &m);
        fp_add(fp, n, "conflict");
        for (size_t i = 0; i < c; i++)
            fp_add(fp, n, " %zu", m[i]);
        fp_add(fp, n, "\n");
    }
    for (size_t k = 0; k < parley_diagnosis_relaxation_count(d); k++) {
        const size_t *m;
        size_t c = parley_diagnosis_relaxation(d, k, &m);
        fp_add(fp, n, "relax");
        for (size_t i = 0; i < c; i++)
            fp_add(fp, n, " %zu", m[i]);
        const parley_analysis *an = parley_diagnosis_relaxation_analysis(d, k);
        fp_add(fp, n, an ? " analysed\n" : " no-analysis\n");
        if (an)
            fp_analysis(an, fp, n);
    }
    parley_limit_info li;
    for (size_t k = 0; k < parley_diagnosis_bend_count(d); k++)
        if (parley_diagnosis_bend(d, k, &li))
            fp_add(fp, n, "bend %zu %s %.17g %d %.17g\n", li.constraint, li.what, li.from,
                   li.possible, li.to);
    for (size_t k = 0; k < parley_diagnosis_slack_count(d); k++)
        if (parley_diagnosis_slack(d, k, &li))
            fp_add(fp, n, "slack %zu %s %.17g %d %.17g\n", li.constraint, li.what, li.from,
                   li.possible, li.to);
    for (size_t c = 0; c < parley_diagnosis_constraint_count(d); c++) {
        char added[64];
        parley_constraint_status s = parley_diagnosis_status(d, c, added, sizeof added);
        fp_add(fp, n, "status %s %d %s\n", parley_diagnosis_constraint_name(d, c), (int)s,
               s == PARLEY_STATUS_UNKNOWN ? "" : added);
    }
}

/* ------------------------------------------------------------ operations */

typedef struct load_ctx {
    size_t npaths;
    const char *paths[8];
    const parley_load_options *picks; /* profiles and names, or NULL */
} load_ctx;

static parley_status op_load(void *ctx, const parley_allocator *al, fa *a, char *fp, size_t nfp,
                             parley_error *err)
{
    load_ctx *c = ctx;
    parley_load_options opt = {.alloc = al, .real_grid = 0, .max_file_bytes = 0};
    if (c->picks) {
        opt.profiles = c->picks->profiles;
        opt.nprofiles = c->picks->nprofiles;
        opt.names = c->picks->names;
        opt.nnames = c->picks->nnames;
    }
    parley_scenario *sc = NULL;
    parley_status st = parley_load(c->npaths, c->paths, &opt, &sc, err);
    if (st != PARLEY_OK) {
        cr_assert_null(sc, "a failed load returned a scenario");
        return st;
    }
    fp_scenario(sc, a, fp, nfp);
    parley_scenario_free(sc);
    return st;
}

/* Load without failures (fail_at is 0 until the operation begins). */
static parley_scenario *load_quiet(const char *path, const parley_allocator *al, fa *a)
{
    fa_pause pause = fa_pause_begin(a);
    parley_load_options opt = {.alloc = al, .real_grid = 0, .max_file_bytes = 0};
    parley_scenario *sc = NULL;
    parley_error err;
    const char *paths[1] = {path};
    cr_assert_eq(parley_load(1, paths, &opt, &sc, &err), PARLEY_OK, "%s", err.message);
    fa_pause_end(a, pause);
    return sc;
}

static void free_quiet(parley_scenario *sc, fa *a)
{
    fa_pause pause = fa_pause_begin(a);
    parley_scenario_free(sc);
    fa_pause_end(a, pause);
}

static parley_status op_clone(void *ctx, const parley_allocator *al, fa *a, char *fp, size_t nfp,
                              parley_error *err)
{
    parley_scenario *sc = load_quiet(ctx, al, a);
    parley_scenario *copy = NULL;
    parley_status st = parley_scenario_clone(sc, &copy, err);
    if (st == PARLEY_OK) {
        cr_assert(parley_scenario_is_final(copy));
        fp_scenario(copy, a, fp, nfp);
        parley_scenario_free(copy);
    } else {
        cr_assert_null(copy);
    }
    free_quiet(sc, a);
    return st;
}

static parley_status op_write(void *ctx, const parley_allocator *al, fa *a, char *fp, size_t nfp,
                              parley_error *err)
{
    parley_scenario *sc = load_quiet(ctx, al, a);
    char *text = NULL;
    size_t len = 0;
    parley_status st = parley_native_write(sc, &text, &len, err);
    if (st == PARLEY_OK) {
        fp_add(fp, nfp, "%s", text);
        parley_text_free(text);
    }
    free_quiet(sc, a);
    return st;
}

/* Write the example as a GENIUS, a GeniusWeb and an ANL folder (each into a new
 * folder under /tmp, removed afterwards); the notes and the files' sizes
 * are the fingerprint.  A failed write leaves no folder behind. */
static parley_status op_write_folders(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                      size_t nfp, parley_error *err)
{
    parley_scenario *sc = load_quiet(ctx, al, a);
    parley_status st = PARLEY_OK;
    for (int web = 0; web < 3 && !st; web++) {
        char dir[256];
        tmpdir_make(dir, sizeof dir, "faults-write");
        char out[300];
        snprintf(out, sizeof out, "%s/out", dir);
        char *notes = NULL;
        st = web == 2 ? parley_geniusweb_anl_write_folder(sc, out, &notes, err)
             : web    ? parley_geniusweb_write_folder(sc, out, &notes, err)
                      : parley_genius_write_folder(sc, out, &notes, err);
        struct stat sb;
        if (st == PARLEY_OK) {
            fp_add(fp, nfp, "%s", notes);
            parley_text_free(notes);
            cr_assert_eq(stat(out, &sb), 0);
        } else {
            cr_assert_null(notes);
            char *ls = NULL, cmd[300];
            snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
            cr_assert_eq(run_command(cmd, &ls), 0);
            cr_assert_str_eq(ls, "", "a failed write left %s", ls);
            free(ls);
        }
        tmpdir_remove(dir);
    }
    free_quiet(sc, a);
    return st;
}

/* A red line on the first party naming the first issue's first value and
 * a utility threshold, then finalize. */
static parley_status op_redline(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                size_t nfp, parley_error *err)
{
    parley_scenario *sc = load_quiet(ctx, al, a);
    char rule[600], lab[256];
    size_t last = parley_issue_count(sc) - 1;
    parley_issue_value_label(sc, last, 0, lab, sizeof lab);
    if (parley_issue_kind_of(sc, last) == PARLEY_ISSUE_DISCRETE)
        snprintf(rule, sizeof rule, "not ('%s' in {'%s'}) or utility('%s') >= 0.25",
                 parley_issue_name(sc, last), lab, parley_party_name(sc, 0));
    else
        snprintf(rule, sizeof rule, "'%s' > %s or utility('%s') >= 0.25",
                 parley_issue_name(sc, last), lab, parley_party_name(sc, 0));
    parley_status st = parley_party_add_redline(sc, 0, "fault-test", rule, err);
    if (st == PARLEY_OK)
        st = parley_scenario_finalize(sc, err);
    if (st == PARLEY_OK)
        fp_scenario(sc, a, fp, nfp);
    free_quiet(sc, a);
    return st;
}

typedef struct an_ctx {
    const char *path;
    unsigned threads;
    uint64_t max_work;     /* 0: the default */
} an_ctx;

static parley_status op_analyze(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                size_t nfp, parley_error *err)
{
    an_ctx *c = ctx;
    parley_scenario *sc = load_quiet(c->path, al, a);
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.threads = c->threads;
    if (c->max_work)
        opt.max_work = c->max_work;
    parley_analysis *an = NULL;
    parley_status st = parley_analyze(sc, &opt, &an, err);
    if (st == PARLEY_OK) {
        fp_analysis(an, fp, nfp);
        parley_analysis_free(an);
    } else {
        cr_assert_null(an);
    }
    free_quiet(sc, a);
    return st;
}

static parley_status op_diagnose(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                 size_t nfp, parley_error *err)
{
    parley_scenario *sc = load_quiet(ctx, al, a);
    parley_diagnosis_options opt;
    parley_diagnosis_options_init(&opt);
    opt.threads = 1;
    parley_diagnosis *d = NULL;
    parley_status st = parley_diagnose(sc, &opt, &d, err);
    if (st == PARLEY_OK) {
        fp_diagnosis(d, fp, nfp);
        parley_diagnosis_free(d);
    } else {
        cr_assert_null(d);
    }
    free_quiet(sc, a);
    return st;
}

/* ------------------------------------------------------------ inputs */

#define EXAMPLES PARLEY_SOURCE_DIR "/examples/"
#define GDATA PARLEY_SHARED_DATA "/genius/"

static const char *const examples[] = {EXAMPLES "buyer-seller.yaml", EXAMPLES "coalition.yaml",
                                       EXAMPLES "abu-dhabi-2026.yaml"};
#define NEX (sizeof examples / sizeof *examples)

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

#define NEED(p)                                                                                \
    do {                                                                                       \
        if (!exists(p))                                                                        \
            cr_skip_test("the shared data is missing (%s); skipping", p);                      \
    } while (0)

/* ------------------------------------------------------------ tests */

Test(faults, allocator_checks_itself)
{
    /* the allocator catches a wrong osize and a leak */
    fa a;
    fa_init(&a, 0);
    void *p = fa_fn(&a, NULL, 0, 10);
    cr_assert_not_null(p);
    p = fa_fn(&a, p, 10, 20);
    cr_assert_eq(a.bad, 0);
    cr_assert_eq(a.live, 1);
    fa_fn(&a, p, 19, 0);
    cr_assert_eq(a.bad, 1);
    cr_assert_eq(a.live, 0);
    a.calls = 0;
    a.fail_at = 2;
    cr_assert_not_null(p = fa_fn(&a, NULL, 0, 8));
    cr_assert_null(fa_fn(&a, p, 8, 16), "call 2 fails");
    cr_assert_eq(a.live, 1, "p is still live after the failed realloc");
    fa_fn(&a, p, 8, 0);
    cr_assert_eq(a.live, 0);
    fa_done(&a);
}

Test(faults, load_native_examples, .timeout = 300)
{
    for (size_t i = 0; i < NEX; i++) {
        load_ctx c = {1, {examples[i]}, NULL};
        sweep(examples[i], op_load, &c);
    }
}

Test(faults, load_genius_folder, .timeout = 300)
{
    NEED(GDATA "anac2011_Camera");
    load_ctx c = {1, {GDATA "anac2011_Camera"}, NULL};
    sweep("GENIUS folder anac2011_Camera", op_load, &c);
}

Test(faults, load_genius_folder_picked_and_named, .timeout = 300)
{
    NEED(GDATA "anac2011_Camera");
    static const char *const picks[] = {"camera_seller_utility.xml", "camera_buyer_utility"};
    static const parley_profile_name names[] = {{"camera_buyer_utility.xml", "Buyer"}};
    parley_load_options po = {.profiles = picks, .nprofiles = 2, .names = names, .nnames = 1};
    load_ctx c = {1, {GDATA "anac2011_Camera"}, &po};
    sweep("GENIUS folder anac2011_Camera, picked and named", op_load, &c);
}

Test(faults, load_genius_files_integer_domain, .timeout = 300)
{
    NEED(GDATA "other_IntegerDomain/IntegerDomain.xml");
    load_ctx c = {3,
                  {GDATA "other_IntegerDomain/IntegerDomain.xml",
                   GDATA "other_IntegerDomain/IntegerDomain-prof1.xml",
                   GDATA "other_IntegerDomain/IntegerDomain-prof2.xml"},
                  NULL};
    sweep("GENIUS files IntegerDomain", op_load, &c);
}

Test(faults, load_geniusweb_json, .timeout = 300)
{
    NEED(GDATA "geniusweb_Fitness_json/fitness.json");
    load_ctx c = {3,
                  {GDATA "geniusweb_Fitness_json/fitness.json",
                   GDATA "geniusweb_Fitness_json/fitness1.json",
                   GDATA "geniusweb_Fitness_json/fitness2.json"},
                  NULL};
    /* finding F3 (fixed): a failed parley_scenario_set_name was ignored */
    sweep("GeniusWeb Fitness", op_load, &c);
}

/* An ANL-style folder (both utility spellings, a number issue, a
 * reservation bid, specials.json): the domain read from yajl's events, its
 * sorted labels, the number labels and tables, the skipped file's note. */
Test(faults, load_geniusweb_anl_folder_with_numbers, .timeout = 300)
{
    char dir[256];
    tmpdir_make(dir, sizeof dir, "faults-gw");
    put_in(dir, "domain01.json",
           "{\"name\": \"domain01\", \"issuesValues\": {\"issueA\": {\"values\": [\"valueA\", "
           "\"valueB\", \"val\\u00e9C\"]}, \"price\": {\"range\": {\"low\": 12.2, \"high\": "
           "12.6, \"step\": 0.1}}}}\n");
    put_in(dir, "profileA.json",
           "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\"issueA\": "
           "{\"DiscreteValueSetUtilities\": {\"valueUtilities\": {\"valueA\": 0.0, \"valueB\": "
           "\"1.0\", \"val\\u00e9C\": 0.31562}}}, \"price\": {\"NumberValueSetUtilities\": "
           "{\"lowValue\": 12.2, \"lowUtility\": 1, \"highValue\": 12.6, \"highUtility\": "
           "0.00000001}}}, \"issueWeights\": {\"issueA\": 0.7, \"price\": \"0.3\"}, "
           "\"domain\": {\"name\": \"domain01\"}, \"name\": \"profileA\", \"reservationBid\": "
           "{\"issuevalues\": {\"issueA\": \"valueB\", \"price\": 12.4}}}}\n");
    put_in(dir, "profileB.json",
           "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\"issueA\": "
           "{\"discreteutils\": {\"valueUtilities\": {\"valueA\": 1.0}}}, \"price\": "
           "{\"numberutils\": {\"lowValue\": 12.2, \"lowUtility\": 0, \"highValue\": 12.6, "
           "\"highUtility\": 1}}}, \"issueWeights\": {\"issueA\": 0.5, \"price\": 0.5}}}\n");
    put_in(dir, "specials.json", "{\"size\": 15, \"pareto_front\": []}\n");
    load_ctx c = {1, {dir}, NULL};
    sweep("GeniusWeb ANL folder", op_load, &c);
    tmpdir_remove(dir);
}

Test(faults, clone_write_and_redline, .timeout = 300)
{
    for (size_t i = 0; i < NEX; i++) {
        char what[300];
        snprintf(what, sizeof what, "clone %s", examples[i]);
        sweep(what, op_clone, (void *)examples[i]);
        snprintf(what, sizeof what, "write %s", examples[i]);
        sweep(what, op_write, (void *)examples[i]);
        snprintf(what, sizeof what, "red line %s", examples[i]);
        sweep(what, op_redline, (void *)examples[i]);
    }
}

Test(faults, write_genius_folders, .timeout = 600)
{
    for (size_t i = 0; i < NEX; i++) {
        char what[300];
        snprintf(what, sizeof what, "GENIUS and GeniusWeb folders of %s", examples[i]);
        sweep(what, op_write_folders, (void *)examples[i]);
    }
}

Test(faults, analyze_examples, .timeout = 600)
{
    for (size_t i = 0; i < NEX; i++) {
        an_ctx c = {examples[i], 1, 0};
        char what[300];
        snprintf(what, sizeof what, "analyze %s", examples[i]);
        sweep(what, op_analyze, &c);
    }
}

/* Two threads: the failing call lands on whichever thread makes it; every
 * outcome must still be clean. */
Test(faults, analyze_two_threads, .timeout = 600)
{
    an_ctx c = {EXAMPLES "abu-dhabi-2026.yaml", 2, 0};
    sweep("analyze (2 threads) abu-dhabi", op_analyze, &c);
}

Test(faults, diagnose_examples, .timeout = 600)
{
    for (size_t i = 0; i < NEX; i++) {
        char what[300];
        snprintf(what, sizeof what, "diagnose %s", examples[i]);
        /* finding F4 (fixed): the constraint arrays were freed with the
         * wrong size */
        sweep(what, op_diagnose, (void *)examples[i]);
    }
}


/* ------------------------------------------------------------ tournaments */

/* A work folder with a configuration (two scenarios, bilateral, three
 * strategies: 36 sessions), made by each tournament test. */
typedef struct tn_ctx {
    char dir[256];
    char cfg[300], store[300], part[2][300], merged[300];
    char ref[1 << 16]; /* the ranking of a complete store */
} tn_ctx;

static void tn_rm_store(const char *path)
{
    char p[400];
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s%s", path, ext[k]);
        unlink(p);
    }
}

/* mediated: the Abu Dhabi example (three negotiators, a ratifier, the
 * mediator) under the mediated protocol, instead of the bilateral one. */
static void tn_setup_protocol(tn_ctx *c, bool mediated)
{
    memset(c, 0, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "/tmp/parley-faults-XXXXXX");
    cr_assert_not_null(mkdtemp(c->dir));
    snprintf(c->cfg, sizeof c->cfg, "%s/t.yaml", c->dir);
    snprintf(c->store, sizeof c->store, "%s/t.sqlite", c->dir);
    snprintf(c->part[0], sizeof c->part[0], "%s/p1.sqlite", c->dir);
    snprintf(c->part[1], sizeof c->part[1], "%s/p2.sqlite", c->dir);
    snprintf(c->merged, sizeof c->merged, "%s/m.sqlite", c->dir);
    FILE *f = fopen(c->cfg, "w");
    cr_assert_not_null(f);
    /* 'it''s' is a single-quoted scalar with an escape: parley decodes it
     * itself (N1), through the allocator */
    if (mediated)
        fprintf(f, "parley-tournament: 1\nprotocol: mediated\nrounds: 20\n"
                   "scenarios: [%s]\nstrategies: [boulware, micro]\n",
                EXAMPLES "abu-dhabi-2026.yaml");
    else
        fprintf(f, "parley-tournament: 1\nseed: 11\nrounds: 30\nrepetitions: 1\n"
                   "scenarios: [%s, '%s']\n"
                   "strategies: [boulware, micro, \"time-dependent:e=0.5\"]\n"
                   "store: 'it''s.sqlite'\n",
                EXAMPLES "buyer-seller.yaml", EXAMPLES "buyer-seller.yaml");
    fclose(f);
}

static void tn_setup(tn_ctx *c)
{
    tn_setup_protocol(c, false);
}

static void tn_teardown(tn_ctx *c)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
    cr_assert_eq(system(cmd), 0);
}

static void fp_ranking(const parley_tournament_ranking *r, char *fp, size_t n)
{
    size_t ns = parley_tournament_ranking_strategies(r);
    fp_add(fp, n, "sessions=%llu strategies=%zu\n",
           (unsigned long long)parley_tournament_ranking_sessions(r), ns);
    for (size_t s = 0; s < ns; s++) {
        fp_add(fp, n, "%s:", parley_tournament_ranking_name(r, s));
        for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
            parley_tournament_stat st =
                parley_tournament_ranking_stat(r, s, (parley_tournament_measure)m);
            fp_add(fp, n, " %llu/%.17g/%.17g", (unsigned long long)st.n, st.mean, st.ci);
        }
        for (size_t b = 0; b < ns; b++) {
            parley_tournament_stat st = parley_tournament_ranking_pair(r, s, b);
            fp_add(fp, n, " vs%zu %llu/%.17g", b, (unsigned long long)st.n, st.mean);
        }
        fp_add(fp, n, "\n");
    }
}

/* Rank path with malloc (not part of the sweep). */
static void fp_rank_path(const char *path, char *fp, size_t n)
{
    parley_tournament_ranking *r = NULL;
    parley_error err;
    cr_assert_eq(parley_tournament_rank(path, NULL, &r, &err), PARLEY_OK, "%s", err.message);
    fp_ranking(r, fp, n);
    parley_tournament_ranking_free(r);
}

static parley_tournament *tn_load_quiet(const tn_ctx *c, const parley_allocator *al, fa *a)
{
    fa_pause pause = fa_pause_begin(a);
    parley_load_options opt = {.alloc = al, .real_grid = 0, .max_file_bytes = 0};
    parley_tournament *t = NULL;
    parley_error err;
    cr_assert_eq(parley_tournament_load(c->cfg, &opt, &t, &err), PARLEY_OK, "%s", err.message);
    fa_pause_end(a, pause);
    return t;
}

static void tn_free_quiet(parley_tournament *t, fa *a)
{
    fa_pause pause = fa_pause_begin(a);
    parley_tournament_free(t);
    fa_pause_end(a, pause);
}

static parley_status op_tn_load(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                size_t nfp, parley_error *err)
{
    tn_ctx *c = ctx;
    parley_load_options opt = {.alloc = al, .real_grid = 0, .max_file_bytes = 0};
    parley_tournament *t = NULL;
    parley_status st = parley_tournament_load(c->cfg, &opt, &t, err);
    if (st != PARLEY_OK) {
        cr_assert_null(t, "a failed load returned a tournament");
        return st;
    }
    fp_add(fp, nfp, "sessions=%llu store=%s\n%s\n",
           (unsigned long long)parley_tournament_session_count(t),
           parley_tournament_default_store(t), parley_tournament_fingerprint(t));
    for (size_t i = 0; i < parley_tournament_strategy_count(t); i++)
        fp_add(fp, nfp, "strategy %s\n", parley_tournament_strategy(t, i));
    for (size_t i = 0; i < parley_tournament_scenario_count(t); i++) {
        fp_add(fp, nfp, "scenario %s\n", parley_tournament_scenario_label(t, i));
        fp_scenario(parley_tournament_scenario(t, i), a, fp, nfp);
    }
    /* the analyses show in the distances of a session (run with failures
     * off: this is the fingerprint, not the sweep) */
    fa_pause pause = fa_pause_begin(a);
    parley_tournament_worker *w = NULL;
    parley_tournament_record rec;
    cr_assert_eq(parley_tournament_worker_new(t, &w, NULL), PARLEY_OK);
    cr_assert_eq(parley_tournament_run_session(w, 0, &rec, NULL), PARLEY_OK);
    fp_add(fp, nfp, "distances %.17g %.17g\n", rec.pareto_distance, rec.nash_distance);
    parley_tournament_worker_free(w);
    fa_pause_end(a, pause);
    parley_tournament_free(t);
    return st;
}

static void fp_record(const parley_tournament_record *r, char *fp, size_t n)
{
    fp_add(fp, n, "%llu %u %u %u %u %u %llu %d%d%d%d %llu %lu %.17g %.17g %.17g %.17g:",
           (unsigned long long)r->id, r->scenario, r->focal, r->opponent, r->rotation,
           r->repetition, (unsigned long long)r->seed, r->agreement, r->walked_away, r->vetoed,
           r->has_outcome, (unsigned long long)r->outcome_id, r->rounds, r->t, r->welfare,
           r->pareto_distance, r->nash_distance);
    for (uint32_t k = 0; k < r->seats; k++)
        fp_add(fp, n, " %u/%u/%.17g", r->strategy[k], r->party[k], r->utility[k]);
    fp_add(fp, n, "\n");
}

/* Every session, by one worker. */
static parley_status op_tn_sessions(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                    size_t nfp, parley_error *err)
{
    parley_tournament *t = tn_load_quiet(ctx, al, a);
    parley_tournament_worker *w = NULL;
    parley_status st = parley_tournament_worker_new(t, &w, err);
    uint64_t total = parley_tournament_session_count(t);
    for (uint64_t id = 0; st == PARLEY_OK && id < total; id++) {
        parley_tournament_record rec;
        st = parley_tournament_run_session(w, id, &rec, err);
        if (st == PARLEY_OK)
            fp_record(&rec, fp, nfp);
    }
    parley_tournament_worker_free(w);
    tn_free_quiet(t, a);
    return st;
}

/* The whole run into a fresh store (one worker thread; the failing call
 * lands on the worker or the writer).  After a failure the store is
 * resumed without failures and must then rank exactly as a clean run. */
static parley_status op_tn_run(void *ctx, const parley_allocator *al, fa *a, char *fp,
                               size_t nfp, parley_error *err)
{
    tn_ctx *c = ctx;
    parley_tournament *t = tn_load_quiet(c, al, a);
    tn_rm_store(c->store);
    parley_tournament_run_options o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.batch = 5;
    parley_tournament_run_stats sx;
    parley_status st = parley_tournament_run(t, c->store, &o, &sx, err);
    fa_pause pause = fa_pause_begin(a);
    if (st == PARLEY_OK) {
        fp_add(fp, nfp, "ran %llu of %llu\n", (unsigned long long)sx.ran,
               (unsigned long long)sx.total);
        fp_rank_path(c->store, fp, nfp);
    } else {
        parley_tournament_run_stats rx;
        parley_error e2;
        cr_assert_eq(parley_tournament_run(t, c->store, &o, &rx, &e2), PARLEY_OK, "resume: %s",
                     e2.message);
        cr_assert_eq(rx.already + rx.ran, rx.total, "resume: %llu + %llu of %llu",
                     (unsigned long long)rx.already, (unsigned long long)rx.ran,
                     (unsigned long long)rx.total);
        static char resumed[1 << 16];
        resumed[0] = '\0';
        fp_rank_path(c->store, resumed, sizeof resumed);
        cr_assert_str_eq(resumed, c->ref, "the store resumed after failing call %ld differs",
                         pause.fail_at);
    }
    fa_pause_end(a, pause);
    tn_free_quiet(t, a);
    return st;
}

static parley_status op_tn_rank(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                size_t nfp, parley_error *err)
{
    (void)a;
    tn_ctx *c = ctx;
    parley_tournament_ranking *r = NULL;
    parley_status st = parley_tournament_rank(c->store, al, &r, err);
    if (st == PARLEY_OK)
        fp_ranking(r, fp, nfp);
    else
        cr_assert_null(r);
    parley_tournament_ranking_free(r);
    return st;
}

static parley_status op_tn_merge(void *ctx, const parley_allocator *al, fa *a, char *fp,
                                 size_t nfp, parley_error *err)
{
    (void)a;
    tn_ctx *c = ctx;
    tn_rm_store(c->merged);
    const char *in[2] = {c->part[0], c->part[1]};
    uint64_t n = 0;
    parley_status st = parley_tournament_merge(c->merged, 2, in, al, &n, err);
    if (st == PARLEY_OK) {
        fp_add(fp, nfp, "merged %llu\n", (unsigned long long)n);
        fp_rank_path(c->merged, fp, nfp);
    }
    return st;
}

Test(faults, tournament_load, .timeout = 600)
{
    tn_ctx *c = malloc(sizeof *c);
    tn_setup(c);
    long calls = sweep("tournament load", op_tn_load, c);
    cr_assert_gt(calls, 100, "the load should allocate through the hook (%ld calls)", calls);
    tn_teardown(c);
    free(c);
}

Test(faults, tournament_sessions, .timeout = 600)
{
    tn_ctx *c = malloc(sizeof *c);
    tn_setup(c);
    sweep("tournament sessions", op_tn_sessions, c);
    tn_teardown(c);
    free(c);
}

Test(faults, tournament_mediated, .timeout = 600)
{
    tn_ctx *c = malloc(sizeof *c);
    tn_setup_protocol(c, true);
    sweep("tournament load (mediated)", op_tn_load, c);
    sweep("tournament sessions (mediated)", op_tn_sessions, c);
    tn_teardown(c);
    free(c);
}

Test(faults, tournament_run_resume_rank_merge, .timeout = 900)
{
    tn_ctx *c = malloc(sizeof *c);
    tn_setup(c);
    /* the reference: a clean run, ranked */
    parley_tournament *t = NULL;
    parley_error err;
    cr_assert_eq(parley_tournament_load(c->cfg, NULL, &t, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_tournament_run(t, c->store, NULL, NULL, &err), PARLEY_OK, "%s",
                 err.message);
    fp_rank_path(c->store, c->ref, sizeof c->ref);
    cr_assert(strstr(c->ref, "sessions=36 strategies=3\n") != NULL, "%s", c->ref);
    /* two shards, for the merge */
    for (unsigned k = 1; k <= 2; k++) {
        parley_tournament_run_options o;
        memset(&o, 0, sizeof o);
        o.threads = 1;
        o.shard_k = k;
        o.shard_n = 2;
        cr_assert_eq(parley_tournament_run(t, c->part[k - 1], &o, NULL, &err), PARLEY_OK, "%s",
                     err.message);
    }
    parley_tournament_free(t);
    sweep("tournament rank", op_tn_rank, c);
    sweep("tournament merge", op_tn_merge, c);
    sweep("tournament run", op_tn_run, c);
    tn_teardown(c);
    free(c);
}

/* The MIP route of the non-linear analysis (src/analysis/an_mip.c: two
 * parties whose utilities are integer rectangle terms only, GLPK's walk
 * then the search): every allocation failing in turn.  (It found two
 * leaks of the non-linear search on the way: a worker's leaf states read
 * before its outcome was checked, an archive copy that failed halfway.) */
Test(faults, analyze_nonlinear_mip, .timeout = 600)
{
    char dir[512], path[600];
    tmpdir_make(dir, sizeof dir, "faults-mip");
    snprintf(path, sizeof path, "%s/rect.yaml", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    /* 7 issues of 10 values, 8 rectangles a party: the first search (a
     * quarter of the limit below) stops short, the walk runs (a few dozen
     * solver nodes), then the search again */
    fputs("parley: 1\nname: rectangles\nissues:\n", f);
    for (int i = 0; i < 7; i++)
        fprintf(f, "  i%d: {type: integer, range: [0, 9]}\n", i);
    fputs("parties:\n", f);
    unsigned z = 12345;
    for (int p = 0; p < 2; p++) {
        fprintf(f, "  P%d:\n    reservation: 0.1\n    utility:\n      interactions:\n", p);
        for (int t = 0; t < 8; t++) {
            z = z * 1103515245u + 12345u;
            int i1 = (int)(z >> 16) % 7, i2 = (i1 + 1 + (int)(z >> 20) % 6) % 7;
            int lo = (int)(z >> 8) % 6, v = 1 + (int)(z >> 12) % 50;
            fprintf(f, "        - {when: \"i%d >= %d and i%d <= %d\", value: %d}\n", i1, lo, i2,
                    lo + 3, t == 5 ? -v : v);
        }
        fprintf(f, "      interaction-divisor: 200\n");
    }
    cr_assert_eq(fclose(f), 0);
    an_ctx c = {path, 1, 800000};
    sweep("analyze (MIP route) rectangles", op_analyze, &c);
    c.threads = 2;
    if (!getenv("PARLEY_UNDER_VALGRIND")) /* (one sweep is enough there) */
        sweep("analyze (MIP route, 2 threads) rectangles", op_analyze, &c);
    tmpdir_remove(dir);
}
