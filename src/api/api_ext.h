/* api_ext.h - the seam between the HTTP server (server.c) and the route
 * families that live in their own files:
 *
 *   oauth.c    OpenID Connect metadata, signing keys (JWKS)     API_X_OAUTH
 *   graph.c    the Microsoft Graph v1.0 subset                   API_X_GRAPH
 *   portal.c   the web portal                                    API_X_PORTAL
 *   metrics.c  Prometheus /metrics                               API_X_METRICS
 *
 * server.c does the HTTP work for them (routing to the family, body limits,
 * copying headers and query arguments on the network thread) and calls the
 * family's handler on a worker thread, where blocking (the store, argon2) is
 * allowed. A handler fills an api_resp; server.c sends it and adds the headers
 * every answer carries (request-id, client-request-id, nosniff, ...).
 */
#ifndef RS_API_EXT_H
#define RS_API_EXT_H

#include "api_internal.h"
#include "rs_config.h"

typedef struct rs_services rs_services; /* cmdlets/services.h */

/* A response prepared off the network thread. */
typedef struct api_resp {
    int status;
    char *body;           /* malloc'd, owned; wiped when freed */
    size_t body_len;      /* bytes of body; 0 means strlen(body) (text bodies) */
    const char *ctype;    /* static; text/plain when NULL */
    const char *www_auth; /* static or NULL */
    const char *allow;    /* static or NULL */
    int retry_after;      /* seconds, 0 = none */
    bool odata;           /* add OData-Version: 4.0 */
    bool no_store;        /* add Cache-Control: no-store, Pragma: no-cache */
    api_form headers;     /* extra headers (Set-Cookie, Location, ...), owned (api_form_add) */
} api_resp;

/* One request as a handler sees it. Everything is borrowed for the duration
 * of the handler call. */
typedef struct api_req {
    const char *method;            /* "GET", "POST", ... */
    const char *path;              /* decoded path, no query string */
    const api_route *route;        /* route.kind == API_R_EXT; route.tenant when the path has one */
    const api_form *args;          /* query arguments, decoded by libmicrohttpd */
    const api_form *headers;       /* request headers (look up with api_form_get_ci) */
    const char *body;              /* request body ("" when none), at most API_BODY_MAX */
    size_t body_len;               /* its length */
    const char *host;              /* Host header when plausible, else the server's host:port */
    const char *peer;              /* client address, numeric ("" if unknown) */
    const char *request_id;        /* this request's id (GUID) */
    const char *client_request_id; /* the client's safe client-request-id, or "" */
    char *actor;                   /* out: who acted, for the access log (size API_ACTOR_MAX) */
} api_req;

#define API_ACTOR_MAX 256

/* What the server shares with every family. Borrowed; valid while serving. */
typedef struct api_env {
    const rs_config *cfg;
    rs_services *svc;
    const char *default_host; /* "host:port" when the request's Host is unusable */
    const char *ca_file;      /* PEM the clients should trust */
    int port;                 /* the HTTPS port actually bound */
} api_env;

/* One route family. init (may be NULL) runs once at api_start, before any
 * request, and returns the family's state (owned by the server, released with
 * fini, which may be NULL). handle runs on a worker thread, concurrently with
 * other requests of the same family: state must be thread-safe. */
typedef struct api_ext_ops {
    const char *name; /* access-log route label */
    rs_status (*init)(const api_env *env, void **state, rs_err *err);
    void (*fini)(void *state);
    void (*handle)(const api_env *env, void *state, const api_req *req, api_resp *resp);
} api_ext_ops;

extern const api_ext_ops api_ext_oauth;
extern const api_ext_ops api_ext_graph;
extern const api_ext_ops api_ext_portal;
extern const api_ext_ops api_ext_metrics;

/* Helpers for handlers (server.c). */

/* Set r to status with a JSON body (body malloc'd, ownership passes to r). */
void api_resp_json(api_resp *r, int status, char *body);

/* Set r to status with a copy of `text` as text/plain. */
void api_resp_text(api_resp *r, int status, const char *text);

/* Free what r owns and zero it. */
void api_resp_clear(api_resp *r);

#endif
