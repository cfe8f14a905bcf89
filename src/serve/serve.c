/*
 * serve.c -- parley_serve: the HTTP machinery of `parley serve` on
 * libmicrohttpd (thread-pool mode): the listen address, the access token,
 * the Host/Origin/token checks, the body cap, the page at "/" and the
 * routing of registered paths to the caller's handlers (parley/serve.h).
 *
 * Invariants: routes are fixed before the daemon starts and only read
 * after, so the threads share them without a lock; the statistics are
 * the only state the threads write, under s->lock.  Nothing here touches
 * the file system: a path that is not "/" or a route is a 404.
 */
#include "parley/serve.h"
#include "parleyx.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <microhttpd.h>

#if MHD_VERSION < 0x00097002
typedef int mhd_result;
#else
typedef enum MHD_Result mhd_result;
#endif

#define SV_MAX_ROUTES 32
/* The statistics' histogram: 50 us buckets up to 200 ms, then 10 ms
 * buckets up to 20 s (beyond: the last). */
#define SV_FINE_US 50.0
#define SV_FINE 4000
#define SV_COARSE_US 10000.0
#define SV_BUCKETS (SV_FINE + 1980)

typedef struct sv_route {
    char *path;
    parley_serve_handler fn;
    void *ud;
} sv_route;

struct parley_serve {
    parley_serve_options opt;
    char host[64];   /* the listen host as given */
    unsigned port;   /* as given, then as bound */
    char token[72];
    char url[256];
    char hosts[3][96]; /* Host values accepted: listen, localhost, 127.0.0.1 */
    struct sockaddr_in addr;
    sv_route routes[SV_MAX_ROUTES];
    size_t nroutes;
    struct MHD_Daemon *d;
    pthread_mutex_t lock;
    unsigned long long hist[SV_BUCKETS], requests, errors;
    double max_ms;
};

/* Per connection: the body read so far. */
typedef struct sv_conn {
    struct timespec t0;
    const sv_route *route;
    char *body;
    size_t len, cap;
    unsigned refuse; /* a status decided before the body is read */
} sv_conn;

void parley_serve_options_init(parley_serve_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

static parley_status parse_listen(parley_serve *s, const char *listen, parley_error *err)
{
    const char *colon = strrchr(listen, ':');
    size_t hl = colon ? (size_t)(colon - listen) : 0;
    if (!colon || hl == 0 || hl >= sizeof s->host)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "--listen expects HOST:PORT (e.g. 127.0.0.1:8080), got '%s'", listen);
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || port > 65535)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "--listen: the port must be a number from 0 to 65535, got '%s'",
                            colon + 1);
    memcpy(s->host, listen, hl);
    s->host[hl] = 0;
    s->port = (unsigned)port;
    memset(&s->addr, 0, sizeof s->addr);
    s->addr.sin_family = AF_INET;
    s->addr.sin_port = htons((uint16_t)port);
    const char *ip = strcmp(s->host, "localhost") == 0 ? "127.0.0.1" : s->host;
    if (inet_pton(AF_INET, ip, &s->addr.sin_addr) != 1)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "--listen: '%s' is not an IPv4 address or localhost", s->host);
    return PARLEY_OK;
}

parley_status parley_serve_new(const parley_serve_options *opt, parley_serve **out,
                               parley_error *err)
{
    *out = NULL;
    parley_serve *s = calloc(1, sizeof *s);
    if (!s)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    s->opt = *opt;
    if (!s->opt.max_body)
        s->opt.max_body = PARLEYX_DEFAULT_MAX_FILE;
    if (!s->opt.threads)
        s->opt.threads = 4;
    if (!s->opt.idle_seconds)
        s->opt.idle_seconds = 10;
    if (!s->opt.max_connections)
        s->opt.max_connections = 512;
    parley_status st = parse_listen(s, opt->listen ? opt->listen : "127.0.0.1:8080", err);
    if (!st && opt->token) {
        size_t n = strlen(opt->token);
        if (n < 8 || n >= sizeof s->token || strspn(opt->token, "0123456789abcdefABCDEF") != n)
            st = parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                              "the token must be 8 to 64 hexadecimal digits");
        else
            memcpy(s->token, opt->token, n + 1);
    } else if (!st) {
        unsigned char r[16];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            st = parleyx_fail(err, PARLEY_ERR_IO, NULL, 0, 0,
                              "cannot draw a random token (getrandom failed)");
        for (size_t i = 0; !st && i < sizeof r; i++)
            snprintf(s->token + 2 * i, 3, "%02x", r[i]);
    }
    s->opt.token = NULL;
    s->opt.listen = NULL;
    if (st) {
        free(s);
        return st;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return PARLEY_OK;
}

parley_status parley_serve_route(parley_serve *s, const char *path, parley_serve_handler fn,
                                 void *ud)
{
    if (s->d || s->nroutes == SV_MAX_ROUTES || !path || path[0] != '/' || !fn)
        return PARLEY_ERR_ARG;
    char *p = strdup(path);
    if (!p)
        return PARLEY_ERR_NOMEM;
    s->routes[s->nroutes++] = (sv_route){p, fn, ud};
    return PARLEY_OK;
}

/* ------------------------------------------------------------ checks */

/* Equal strings in a time that depends only on their lengths. */
static bool same_secret(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (m ? m : 1)]);
    return diff == 0;
}

static bool host_ok(const parley_serve *s, const char *host)
{
    if (!host)
        return false;
    for (size_t i = 0; i < 3; i++)
        if (s->hosts[i][0] && strcmp(host, s->hosts[i]) == 0)
            return true;
    return false;
}

static bool origin_ok(const parley_serve *s, const char *origin)
{
    if (!origin)
        return true;
    if (strncmp(origin, "http://", 7) != 0)
        return false;
    return host_ok(s, origin + 7);
}

static bool token_ok(const parley_serve *s, struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (t && same_secret(t, s->token))
        return true;
    t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Parley-Token");
    if (t && same_secret(t, s->token))
        return true;
    t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    return t && strncmp(t, "token ", 6) == 0 && same_secret(t + 6, s->token);
}

/* ------------------------------------------------------------ answers */

static void record(parley_serve *s, const sv_conn *cc, unsigned status)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = (double)(t1.tv_sec - cc->t0.tv_sec) * 1e6 +
                (double)(t1.tv_nsec - cc->t0.tv_nsec) * 1e-3;
    double fine_top = SV_FINE * SV_FINE_US;
    size_t k = us < fine_top ? (size_t)(us / SV_FINE_US)
                             : SV_FINE + (size_t)((us - fine_top) / SV_COARSE_US);
    if (k >= SV_BUCKETS)
        k = SV_BUCKETS - 1;
    pthread_mutex_lock(&s->lock);
    s->hist[k]++;
    s->requests++;
    s->errors += status >= 400;
    if (us / 1000.0 > s->max_ms)
        s->max_ms = us / 1000.0;
    pthread_mutex_unlock(&s->lock);
}

static mhd_result answer(struct MHD_Connection *c, unsigned status, const char *type, char *body,
                         size_t len, bool page)
{
    struct MHD_Response *r =
        body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type ? type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (page)
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    mhd_result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* A refusal: {"error": "..."} with the status. */
static mhd_result refuse(struct MHD_Connection *c, unsigned status, const char *msg)
{
    char *body = malloc(strlen(msg) + 32);
    if (!body)
        return MHD_NO;
    int n = sprintf(body, "{\"error\": \"%s\"}\n", msg); /* msg: static, no quotes */
    return answer(c, status, NULL, body, (size_t)n, false);
}

static const char *refusal_text(unsigned status)
{
    switch (status) {
    case 403: return "forbidden: wrong or missing token, or a foreign Host or Origin";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "request body too large";
    default: return "bad request";
    }
}

/* The checks of parley/serve.h on the request's headers: 0 or a status. */
static unsigned check(parley_serve *s, struct MHD_Connection *c, const char *url,
                      const char *method, sv_conn *cc)
{
    if (!host_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
        return 403;
    if (!origin_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin")))
        return 403;
    if (!token_ok(s, c))
        return 403;
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/") == 0 && s->opt.page)
        return get ? 0 : 405;
    for (size_t i = 0; i < s->nroutes; i++)
        if (strcmp(url, s->routes[i].path) == 0)
            cc->route = &s->routes[i];
    if (!cc->route)
        return 404;
    if (!get && !post)
        return 405;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->opt.max_body)
        return 413;
    return 0;
}

static mhd_result on_request(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls)
{
    parley_serve *s = cls;
    sv_conn *cc = *con_cls;
    if (!cc) { /* the headers are in: check them before reading a body */
        cc = calloc(1, sizeof *cc);
        if (!cc)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &cc->t0);
        cc->refuse = check(s, c, url, method, cc);
        *con_cls = cc;
        if (cc->refuse) { /* answered now; the body, if any, is not read */
            record(s, cc, cc->refuse);
            return refuse(c, cc->refuse, refusal_text(cc->refuse));
        }
        return MHD_YES;
    }
    if (*upload_size) { /* a piece of the body */
        size_t n = *upload_size;
        *upload_size = 0;
        if (cc->refuse)
            return MHD_YES;
        if (n > s->opt.max_body - cc->len) {
            cc->refuse = 413;
            free(cc->body);
            cc->body = NULL;
            cc->len = cc->cap = 0;
            return MHD_YES;
        }
        if (cc->len + n + 1 > cc->cap) {
            size_t cap = cc->cap ? cc->cap : 4096;
            while (cap < cc->len + n + 1)
                cap *= 2;
            char *b = realloc(cc->body, cap);
            if (!b)
                return MHD_NO;
            cc->body = b;
            cc->cap = cap;
        }
        memcpy(cc->body + cc->len, upload, n);
        cc->len += n;
        cc->body[cc->len] = 0;
        return MHD_YES;
    }
    /* the whole request is in */
    if (cc->refuse) {
        record(s, cc, cc->refuse);
        return refuse(c, cc->refuse, refusal_text(cc->refuse));
    }
    if (!cc->route) { /* the page */
        char *p = malloc(s->opt.page_len ? s->opt.page_len : 1);
        if (!p)
            return MHD_NO;
        memcpy(p, s->opt.page, s->opt.page_len);
        return answer(c, 200, "text/html; charset=utf-8", p, s->opt.page_len, true);
    }
    parley_serve_request rq = {method, cc->route->path, cc->body ? cc->body : "", cc->len};
    parley_serve_response rs = {500, NULL, NULL, 0};
    cc->route->fn(cc->route->ud, &rq, &rs);
    record(s, cc, rs.status);
    return answer(c, rs.status, rs.content_type, rs.body, rs.body_len, false);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    sv_conn *cc = *con_cls;
    if (cc) {
        free(cc->body);
        free(cc);
        *con_cls = NULL;
    }
}

static void no_log(void *cls, const char *fmt, va_list ap)
{
}

parley_status parley_serve_start(parley_serve *s, parley_error *err)
{
    if (s->d)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "the server is already started");
    /* epoll where the library has it (Linux), else poll: no FD_SETSIZE limit either way */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    s->d = MHD_start_daemon(flags, (uint16_t)s->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&s->addr,
                            MHD_OPTION_THREAD_POOL_SIZE, s->opt.threads,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->opt.idle_seconds,
                            MHD_OPTION_CONNECTION_LIMIT, s->opt.max_connections,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                            MHD_OPTION_EXTERNAL_LOGGER, no_log, s, MHD_OPTION_END);
    if (!s->d)
        return parleyx_fail(err, PARLEY_ERR_IO, NULL, 0, 0,
                            "cannot listen on %s:%u (in use, or not an address of this machine)",
                            s->host, s->port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    if (di && di->port)
        s->port = di->port;
    snprintf(s->hosts[0], sizeof s->hosts[0], "%s:%u", s->host, s->port);
    snprintf(s->hosts[1], sizeof s->hosts[1], "localhost:%u", s->port);
    if (s->addr.sin_addr.s_addr == htonl(INADDR_LOOPBACK))
        snprintf(s->hosts[2], sizeof s->hosts[2], "127.0.0.1:%u", s->port);
    snprintf(s->url, sizeof s->url, "http://%s:%u/?token=%s", s->host, s->port, s->token);
    return PARLEY_OK;
}

unsigned parley_serve_port(const parley_serve *s)
{
    return s->port;
}

const char *parley_serve_token(const parley_serve *s)
{
    return s->token;
}

const char *parley_serve_url(const parley_serve *s)
{
    return s->url;
}

static double percentile(const unsigned long long *h, unsigned long long n, double q)
{
    if (!n)
        return 0;
    unsigned long long want = (unsigned long long)(q * (double)n), seen = 0;
    if (want >= n)
        want = n - 1;
    for (size_t k = 0; k < SV_BUCKETS; k++) {
        seen += h[k];
        if (seen > want) /* the bucket's top */
            return k < SV_FINE ? (double)(k + 1) * SV_FINE_US / 1000.0
                               : (SV_FINE * SV_FINE_US + (double)(k + 1 - SV_FINE) * SV_COARSE_US) /
                                     1000.0;
    }
    return 0;
}

void parley_serve_get_stats(parley_serve *s, parley_serve_stats *st)
{
    pthread_mutex_lock(&s->lock);
    st->requests = s->requests;
    st->errors = s->errors;
    st->max_ms = s->max_ms;
    st->p50_ms = percentile(s->hist, s->requests, 0.50);
    st->p99_ms = percentile(s->hist, s->requests, 0.99);
    pthread_mutex_unlock(&s->lock);
}

void parley_serve_reset_stats(parley_serve *s)
{
    pthread_mutex_lock(&s->lock);
    memset(s->hist, 0, sizeof s->hist);
    s->requests = s->errors = 0;
    s->max_ms = 0;
    pthread_mutex_unlock(&s->lock);
}

void parley_serve_free(parley_serve *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    for (size_t i = 0; i < s->nroutes; i++)
        free(s->routes[i].path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
