/*
 * tn_run.c -- running a tournament (or a shard) on a pool of threads.
 *
 * The calling thread is the only writer: it opens the store, lists the
 * sessions still to run (resume), starts N worker threads and then takes
 * finished records from a bounded queue and puts them in the store, which
 * commits them in batches.  Workers take the next id from a shared index
 * under the queue's mutex, run it with their own parley_tournament_worker
 * and push the record, waiting while the queue is full.
 *
 * Results do not depend on the number of threads: every record is a pure
 * function of (tournament, id), and rows are keyed by id.  Only the order
 * in which rows are committed varies.
 *
 * Stopping: when *opt->stop becomes non-zero (only the calling thread
 * reads it; the workers block signals so that a handler setting it runs
 * on the calling thread) or a worker fails, workers take no new ids; the
 * writer stores what was finished and commits.  On *opt->stop the writer
 * also raises p->abandon, which the sessions in flight look at before
 * every turn: they are abandoned, not stored (a resumed run runs them),
 * so a stop takes at most the writer's 0.1 s wake-up, one turn and the
 * last commit, however long the sessions are.
 *
 * Memory: the queue, the thread table, the id list and the workers are
 * allocated with the tournament's allocator (called from the worker
 * threads too: it must be thread-safe) and freed before returning.
 */
#include "tn.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TN_QUEUE 1024

typedef struct tn_pool {
    const parley_tournament *t;
    const uint64_t *ids;
    size_t nids;
    size_t next;          /* next index into ids */
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    parley_tournament_record *q;
    size_t head, count;
    unsigned running;     /* workers not yet finished */
    bool failed;
    bool stopping;        /* the writer saw *opt->stop */
    atomic_int abandon;   /* the same, read by the sessions in flight */
    double time_limit;    /* of a session, seconds; 0: none */
    parley_error err;
    parley_status st;
} tn_pool;

static double tn_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *tn_worker_main(void *arg)
{
    tn_pool *p = arg;
    parley_tournament_worker *w = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_worker_new(p->t, &w, &err);
    tn_worker_limits(w, &p->abandon, p->time_limit);
    parley_tournament_record rec;
    for (;;) {
        if (st != PARLEY_OK && tn_worker_abandoned(w))
            break; /* stopping: the session in flight is not stored */
        pthread_mutex_lock(&p->mu);
        bool quit = st != PARLEY_OK || p->failed || p->stopping || p->next >= p->nids;
        if (st != PARLEY_OK && !p->failed) {
            p->failed = true;
            p->st = st;
            p->err = err;
        }
        uint64_t id = quit ? 0 : p->ids[p->next++];
        pthread_mutex_unlock(&p->mu);
        if (quit)
            break;
        st = parley_tournament_run_session(w, id, &rec, &err);
        if (st != PARLEY_OK)
            continue; /* reported at the top of the loop */
        pthread_mutex_lock(&p->mu);
        while (p->count == TN_QUEUE && !p->failed)
            pthread_cond_wait(&p->not_full, &p->mu);
        if (!p->failed) {
            p->q[(p->head + p->count) % TN_QUEUE] = rec;
            p->count++;
            pthread_cond_signal(&p->not_empty);
        }
        pthread_mutex_unlock(&p->mu);
    }
    parley_tournament_worker_free(w);
    pthread_mutex_lock(&p->mu);
    p->running--;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The options with their defaults filled in: threads 0 -> one per
 * processor (at most 1024), no shard -> the whole tournament. */
static parley_tournament_run_options tn_run_options(const parley_tournament_run_options *opt)
{
    parley_tournament_run_options o;
    memset(&o, 0, sizeof o);
    if (opt)
        o = *opt;
    if (o.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o.threads = n > 0 ? (unsigned)n : 1;
    }
    if (o.threads > 1024)
        o.threads = 1024;
    if (o.shard_n == 0 || o.shard_k == 0)
        o.shard_k = o.shard_n = 1;
    return o;
}

/* Start up to n workers, no more than there are ids; returns how many
 * started.  p->running counts the workers that started and have not yet
 * finished: it is set before they start (one may finish at once) and
 * lowered by those that did not start.  parleyx_threads_start blocks
 * every signal in the workers, so that a handler -- e.g. one setting
 * *opt->stop -- runs on this thread, the only one that reads the flag. */
static unsigned tn_pool_start(tn_pool *p, pthread_t *th, unsigned n)
{
    if (n > p->nids)
        n = (unsigned)p->nids;
    pthread_mutex_lock(&p->mu);
    p->running = n;
    pthread_mutex_unlock(&p->mu);
    unsigned started = parleyx_threads_start(th, n, tn_worker_main, p);
    pthread_mutex_lock(&p->mu);
    p->running -= n - started;
    pthread_mutex_unlock(&p->mu);
    return started;
}

/* Seen *stop: the workers take no new ids and abandon the sessions in
 * flight (within one turn).  Called with p->mu held. */
static void tn_pool_stop(tn_pool *p, volatile int *stop)
{
    if (stop && *stop && !p->stopping) {
        p->stopping = true;
        atomic_store(&p->abandon, 1);
    }
}

/* Take the next finished record into *rec (1), or return 0 once the
 * queue is empty and every worker has finished, or -1 after waiting 0.5 s
 * for nothing (so that progress is redrawn while sessions are long).
 * While waiting, looks at *stop every 0.1 s (tn_pool_stop). */
static int tn_pool_take(tn_pool *p, volatile int *stop, parley_tournament_record *rec)
{
    pthread_mutex_lock(&p->mu);
    tn_pool_stop(p, stop);
    for (int waits = 0; p->count == 0 && p->running > 0; waits++) {
        if (waits == 5) {
            pthread_mutex_unlock(&p->mu);
            return -1;
        }
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_nsec += 100000000L; /* wake every 0.1 s to look at *stop */
        if (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->not_empty, &p->mu, &dl);
        tn_pool_stop(p, stop);
    }
    if (p->count == 0 && p->running == 0) {
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    *rec = p->q[p->head];
    p->head = (p->head + 1) % TN_QUEUE;
    p->count--;
    pthread_cond_signal(&p->not_full);
    pthread_mutex_unlock(&p->mu);
    return 1;
}

/* The writer: put every finished record in the store until the workers
 * are done.  After a failed put the workers are stopped and the rest of
 * the queue is drained unstored.  Returns the first put's failure. */
static parley_status tn_pool_write(tn_pool *p, parley_tournament_store *s,
                                   const parley_tournament_run_options *o,
                                   parley_tournament_run_stats *sx, parley_error *werr)
{
    parley_status wst = PARLEY_OK;
    parley_tournament_record rec;
    int got;
    while ((got = tn_pool_take(p, o->stop, &rec)) != 0) {
        if (got < 0) { /* nothing finished for a while */
            if (o->progress && wst == PARLEY_OK)
                o->progress(o->progress_ud, sx->already + sx->ran, sx->total);
            continue;
        }
        if (wst != PARLEY_OK)
            continue;
        wst = parley_tournament_store_put(s, &rec, werr);
        if (wst != PARLEY_OK) {
            pthread_mutex_lock(&p->mu);
            p->failed = true; /* workers stop; the queue is drained */
            pthread_cond_broadcast(&p->not_full);
            pthread_mutex_unlock(&p->mu);
        } else {
            sx->ran++;
            sx->timeouts += rec.timed_out;
            if (o->progress)
                o->progress(o->progress_ud, sx->already + sx->ran, sx->total);
        }
    }
    return wst;
}

/* Start the workers, write what they finish, wait for them.  The pool's
 * queue and thread table are allocated; returns the failure to start. */
static parley_status tn_pool_run(tn_pool *p, pthread_t *th, parley_tournament_store *s,
                                 const parley_tournament_run_options *o,
                                 parley_tournament_run_stats *sx, parley_status *wst,
                                 parley_error *werr, parley_error *err)
{
    parley_status st = PARLEY_OK;
    unsigned started = tn_pool_start(p, th, o->threads);
    if (p->nids && !started)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "cannot start a thread");
    *wst = tn_pool_write(p, s, o, sx, werr);
    parleyx_threads_join(th, started);
    return st;
}

parley_status parley_tournament_run(const parley_tournament *t, const char *store_path,
                                    const parley_tournament_run_options *opt,
                                    parley_tournament_run_stats *stats, parley_error *err)
{
    if (!t)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no tournament");
    parley_tournament_run_options o = tn_run_options(opt);
    parley_tournament_run_stats sx;
    memset(&sx, 0, sizeof sx);
    uint64_t total = t->base[t->nscen];
    sx.total = total / o.shard_n + (o.shard_k - 1 < total % o.shard_n);
    parley_tournament_store *s = NULL;
    parley_status st = parley_tournament_store_open(t, store_path, &s, err);
    if (st != PARLEY_OK)
        return st;
    tn_store_set_batch(s, o.batch);
    uint64_t *ids = NULL;
    size_t nids = 0;
    st = parley_tournament_store_todo(s, o.shard_k, o.shard_n, &ids, &nids, err);
    if (st != PARLEY_OK) {
        parley_tournament_store_close(s, NULL);
        return st;
    }
    sx.already = sx.total - nids;
    if (o.progress)
        o.progress(o.progress_ud, sx.already, sx.total);
    double t0 = tn_now();
    tn_pool p;
    memset(&p, 0, sizeof p);
    p.t = t;
    p.ids = ids;
    p.nids = nids;
    atomic_init(&p.abandon, 0);
    p.time_limit = o.time_limit > 0 ? o.time_limit : o.time_limit < 0 ? 0 : t->time_limit;
    const parley_allocator *a = t->ap;
    p.q = parleyx_malloc(a, TN_QUEUE * sizeof *p.q);
    pthread_t *th = parleyx_calloc(a, o.threads, sizeof *th);
    if (!p.q || !th) {
        parleyx_free(a, p.q, TN_QUEUE * sizeof *p.q);
        parleyx_free(a, th, o.threads * sizeof *th);
        parley_tournament_ids_free(t, ids, nids);
        parley_tournament_store_close(s, NULL);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.not_empty, NULL);
    pthread_cond_init(&p.not_full, NULL);
    parley_status wst;
    parley_error werr;
    parley_error_clear(&werr);
    st = tn_pool_run(&p, th, s, &o, &sx, &wst, &werr, err);
    parley_status cst = parley_tournament_store_close(s, wst == PARLEY_OK ? &werr : NULL);
    if (wst == PARLEY_OK)
        wst = cst;
    sx.seconds = tn_now() - t0;
    if (st == PARLEY_OK && wst != PARLEY_OK) {
        st = wst;
        if (err)
            *err = werr;
    }
    if (st == PARLEY_OK && p.failed) {
        st = p.st;
        if (err)
            *err = p.err;
    }
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.not_empty);
    pthread_cond_destroy(&p.not_full);
    parleyx_free(a, p.q, TN_QUEUE * sizeof *p.q);
    parleyx_free(a, th, o.threads * sizeof *th);
    parley_tournament_ids_free(t, ids, nids);
    if (stats)
        *stats = sx;
    return st;
}
