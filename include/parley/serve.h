/*
 * parley/serve.h -- a small HTTP server for parley's console (`parley
 * serve`): listens on one address (loopback by default), checks every
 * request, serves one page at "/" and hands requests for the routes the
 * caller registered to the caller's handlers.  The handlers decide what
 * an endpoint does; this layer does only HTTP (on libmicrohttpd).
 *
 * Every request is checked, in this order, before any handler runs:
 *   Host      must name the listen address or localhost, with its port,
 *             else 403 (no DNS rebinding);
 *   Origin    when present, must be http:// + such a host, else 403;
 *   token     the access token, as ?token=T in the URL or the header
 *             "Authorization: token T" (or "X-Parley-Token: T"), else 403;
 *   route     "/" (the page) or a registered path, else 404 (nothing else
 *             is served: no file system behind the server);
 *   method    GET for the page, GET or POST for a route, else 405;
 *   body      at most max_body bytes, else 413.
 * The library never prints, never exits; errors come back in parley_error.
 */
#ifndef PARLEY_SERVE_H
#define PARLEY_SERVE_H

#include <stddef.h>
#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_serve parley_serve;

/* A request as a handler sees it: checked, its body read whole. */
typedef struct parley_serve_request {
    const char *method; /* "GET", "POST" */
    const char *path;   /* the registered path it matched */
    const char *body;   /* NUL-terminated; "" when none */
    size_t body_len;
} parley_serve_request;

/* What a handler answers.  body is allocated with malloc (the server
 * frees it with free()); NULL with body_len 0 is an empty body.
 * content_type is a static string; NULL: application/json. */
typedef struct parley_serve_response {
    unsigned status;
    const char *content_type;
    char *body;
    size_t body_len;
} parley_serve_response;

/* Handlers run on the server's threads, several at once: they must be
 * thread-safe. */
typedef void (*parley_serve_handler)(void *ud, const parley_serve_request *req,
                                     parley_serve_response *res);

typedef struct parley_serve_options {
    const char *listen;     /* "HOST:PORT", an IPv4 address or localhost;
                               NULL: "127.0.0.1:8080"; PORT 0: any free one */
    const char *token;      /* NULL: 32 random hex digits from getrandom(2) */
    const char *page;       /* served at "/" as text/html; NULL: none */
    size_t page_len;
    size_t max_body;        /* 0: 64 MiB (the readers' default limit) */
    unsigned threads;       /* 0: 4 */
    unsigned idle_seconds;  /* a connection idle this long is closed; 0: 10 */
    unsigned max_connections; /* 0: 512 */
} parley_serve_options;

PARLEY_API void parley_serve_options_init(parley_serve_options *opt);

/* A server, not yet listening.  Free with parley_serve_free. */
PARLEY_API parley_status parley_serve_new(const parley_serve_options *opt, parley_serve **out,
                                          parley_error *err);
/* Route path (exact, e.g. "/api/whatif") to fn; before parley_serve_start. */
PARLEY_API parley_status parley_serve_route(parley_serve *s, const char *path,
                                            parley_serve_handler fn, void *ud);
/* Bind and start answering on the server's own threads. */
PARLEY_API parley_status parley_serve_start(parley_serve *s, parley_error *err);
/* The port listened on (after start), the token, and the page's URL
 * "http://HOST:PORT/?token=T" (owned by s). */
PARLEY_API unsigned parley_serve_port(const parley_serve *s);
PARLEY_API const char *parley_serve_token(const parley_serve *s);
PARLEY_API const char *parley_serve_url(const parley_serve *s);

/* Time at the server for the requests answered by a handler so far
 * (from the request's headers read to its answer queued), in
 * milliseconds, to 0.05 ms (10 ms beyond 200 ms): the median and the 99th percentile; the
 * count of requests, and of answers with a status of 400 or more. */
typedef struct parley_serve_stats {
    double p50_ms, p99_ms, max_ms;
    unsigned long long requests, errors;
} parley_serve_stats;
PARLEY_API void parley_serve_get_stats(parley_serve *s, parley_serve_stats *st);
PARLEY_API void parley_serve_reset_stats(parley_serve *s);

/* Stop (waits for the requests in flight) and free; NULL is fine. */
PARLEY_API void parley_serve_free(parley_serve *s);

#ifdef __cplusplus
}
#endif

#endif
