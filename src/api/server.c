/* server.c - the HTTPS server: libmicrohttpd network threads, a worker pool
 * for everything that may block, and the request handlers.
 *
 * Life of a request (see docs/internals/api.md):
 *   1. first access-handler call (headers read, network thread): route, method,
 *      size and shutdown checks; immediate answers for errors and /livez; copy
 *      the headers the job needs into the request context.
 *   2. body chunks (network thread): appended up to API_BODY_MAX, beyond that
 *      discarded and answered 413.
 *   3. final call (network thread): under the context mutex, queue a job on the
 *      worker pool and MHD_suspend_connection; a full queue is answered 503.
 *   4. the job (worker thread) checks the token and runs the cmdlet, or runs the
 *      route family's handler (api_ext.h: the token endpoint is oauth.c's),
 *      stores an api_resp in the context and MHD_resume_connection.
 *   5. the call after the resume (network thread) queues the stored response.
 *   6. the completion callback logs one JSON line and frees the context.
 */
#include "api.h"
#include "api_ext.h"
#include "api_internal.h"

#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../cmdlets/invoke.h"
#include "../cmdlets/services.h"
#include "../store/store.h"
#include "ops.h"
#include "rs_log.h"
#include "rs_metrics.h"
#include "rs_util.h"

struct api_server {
    const rs_config *cfg;
    rs_services *svc;
    struct MHD_Daemon *mhd;
    api_workq *wq;
    char *cert_pem, *key_pem, *cert_path;
    api_tls_live *tls;       /* the certificate served, swapped by api_reload */
    _Atomic int max_headers; /* request header lines allowed (431 beyond), live */
    char default_host[300];
    int port;
    api_env env;                  /* what the route families see */
    void *ext_state[API_X_COUNT]; /* each family's state (api_ext_ops.init) */
    atomic_bool draining, stopping;
    pthread_mutex_t mu; /* inflight, last_mhd_error */
    pthread_cond_t idle;
    long inflight; /* requests with a job queued whose response has not completed */
    char last_mhd_error[512];
};

typedef struct req_ctx {
    api_server *srv;
    struct MHD_Connection *conn;
    struct timespec t0;
    api_route route;
    char method[16];
    char request_id[37];
    char client_request_id[65]; /* "" when absent or not a safe token */
    char host[300];             /* for @odata.context */
    char *bearer;               /* token from Authorization (wiped), or NULL */
    bool auth_present;          /* an Authorization header was sent */
    char *select;               /* $select, or NULL */
    bool verbose;               /* /readyz?verbose */
    rs_buf body;                /* wiped when freed (passwords) */
    size_t body_seen;
    bool too_large;
    bool submitted; /* a job was queued and the connection suspended (network thread only) */
    bool answered;  /* a response was queued to MHD (network thread only) */
    pthread_mutex_t mu;
    bool done;      /* under mu: the job stored `resp` */
    api_resp resp;  /* under mu */
    api_resp early; /* answer decided on the first call, sent on the last */
    int status;     /* status queued, for the log */
    /* filled by the job before `done`, read by the completion callback */
    char actor[256];
    char cmdlet[API_CMDLET_NAME_MAX + 1];
    double worker_s;             /* InvokeCommand: time on the worker thread (0: not run) */
    double hash_s;               /* ... of which password hashing */
    double worker_cpu_s;         /* CPU time of the worker thread for the request */
    double hash_cpu_s;           /* ... of which password hashing */
    struct timespec finished;    /* the job stored its response (job_finish) */
    double durable_wait_s;       /* ... then waited this long for the store's sync */
    char peer[INET6_ADDRSTRLEN]; /* client address, numeric ("" if unknown) */
    char path[API_PATH_MAX + 1]; /* API_R_EXT: the decoded path */
    api_form args;               /* API_R_EXT: query arguments */
    api_form hdrs;               /* API_R_EXT: request headers */
} req_ctx;

static const api_ext_ops *const ext_ops[API_X_COUNT] = {
    [API_X_OAUTH] = &api_ext_oauth,
    [API_X_GRAPH] = &api_ext_graph,
    [API_X_PORTAL] = &api_ext_portal,
    [API_X_METRICS] = &api_ext_metrics,
};

/* ------------------------------------------------------------------------- */
/* small helpers                                                             */

static void body_free_cb(void *p)
{
    if (p) {
        rs_wipe(p, strlen(p));
        free(p);
    }
}

static void resp_clear(api_resp *r)
{
    if (r->body) {
        rs_wipe(r->body, r->body_len ? r->body_len : strlen(r->body));
        free(r->body);
    }
    api_form_free(&r->headers);
    memset(r, 0, sizeof *r);
}

void api_resp_clear(api_resp *r)
{
    resp_clear(r);
}

static void wipe_free(char *s)
{
    if (s) {
        rs_wipe(s, strlen(s));
        free(s);
    }
}

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void resp_text(api_resp *r, int status, const char *text)
{
    r->status = status;
    r->body = rs_strdup(text);
    r->ctype = API_CT_TEXT;
    r->no_store = true;
}

static void resp_json(api_resp *r, int status, char *body)
{
    r->status = status;
    r->body = body;
    r->ctype = API_CT_JSON;
    r->no_store = true;
}

void api_resp_json(api_resp *r, int status, char *body)
{
    resp_json(r, status, body);
}

void api_resp_text(api_resp *r, int status, const char *text)
{
    resp_text(r, status, text);
}

/* InvokeCommand error answer for err (status from rs_status_http unless given). */
static void resp_invoke_error(api_resp *r, const rs_err *err, int status)
{
    r->status = status ? status : rs_status_http(err->code);
    r->body = api_invoke_error_body(err, r->status);
    r->ctype = API_CT_ODATA;
    r->odata = true;
    r->no_store = true;
    if (r->status == 503 || r->status == 429)
        r->retry_after = API_RETRY_AFTER_S;
}

/* OAuth2 correlation id: the client's client-request-id when it is a GUID. */
static const char *correlation_id(const req_ctx *c)
{
    return c->client_request_id[0] && rs_is_guid(c->client_request_id) ? c->client_request_id
                                                                       : c->request_id;
}

/* An error answer in the route's own shape (InvokeCommand, token or plain). */
static void resp_route_error(const req_ctx *c, api_resp *r, int status, rs_status code,
                             const char *msg)
{
    if (c->route.kind == API_R_INVOKE) {
        rs_err e;
        rs_errf(&e, code, "%s", msg);
        resp_invoke_error(r, &e, status);
    } else if (c->route.kind == API_R_EXT && c->route.ext == API_X_OAUTH) {
        bool unavailable = status == 503;
        resp_json(r, status,
                  api_aad_error_body(unavailable ? "temporarily_unavailable" : "invalid_request",
                                     unavailable ? 90033 : 9002313, msg, c->request_id,
                                     correlation_id(c), rs_time_now_ms()));
        if (unavailable)
            r->retry_after = API_RETRY_AFTER_S;
    } else {
        resp_json(r, status, api_simple_error_body(status, msg));
        if (status == 503)
            r->retry_after = API_RETRY_AFTER_S;
    }
}

/* ------------------------------------------------------------------------- */
/* responses on the network thread                                           */

static enum MHD_Result send_resp(req_ctx *c, api_resp *r)
{
    char *body = r->body ? r->body : rs_strdup("");
    bool binary = r->body && r->body_len;
    size_t blen = binary ? r->body_len : strlen(body);
    r->body = NULL;
    /* text bodies (tokens) are wiped when freed; binary ones (assets) are not secret */
    struct MHD_Response *mr = MHD_create_response_from_buffer_with_free_callback(
        blen, body, binary ? free : body_free_cb);
    if (!mr) {
        if (binary)
            free(body);
        else
            body_free_cb(body);
        resp_clear(r);
        return MHD_NO;
    }
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype ? r->ctype : API_CT_TEXT);
    MHD_add_response_header(mr, "request-id", c->request_id);
    if (c->client_request_id[0])
        MHD_add_response_header(mr, "client-request-id", c->client_request_id);
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    if (r->odata)
        MHD_add_response_header(mr, "OData-Version", "4.0");
    if (r->no_store) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        MHD_add_response_header(mr, MHD_HTTP_HEADER_PRAGMA, "no-cache");
    }
    if (r->www_auth)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_WWW_AUTHENTICATE, r->www_auth);
    if (r->allow)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    for (size_t i = 0; i < r->headers.n; i++)
        MHD_add_response_header(mr, r->headers.keys[i], r->headers.vals[i]);
    if (atomic_load(&c->srv->stopping))
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c->conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    c->status = r->status;
    c->answered = true;
    resp_clear(r);
    return ret;
}

static enum MHD_Result send_now(req_ctx *c, int status, rs_status code, const char *msg)
{
    api_resp r = {0};
    resp_route_error(c, &r, status, code, msg);
    return send_resp(c, &r);
}

/* ------------------------------------------------------------------------- */
/* jobs (worker threads)                                                     */

/* The store holds every change the response may show: wake the connection
 * (store_durable_cb; a worker or the store's sync thread). */
static void finish_durable(void *ud, rs_status status)
{
    req_ctx *c = ud;
    struct MHD_Connection *conn = c->conn;
    pthread_mutex_lock(&c->mu);
    c->durable_wait_s = elapsed_s(&c->finished);
    if (status != RS_OK && c->route.kind != API_R_READYZ) { /* the disk failed: say so */
        resp_clear(&c->resp);
        resp_route_error(c, &c->resp, 500, RS_ESTORE,
                         "The store could not make the change durable (the disk failed to "
                         "sync); restart roomsysd and check the change.");
    }
    c->done = true;
    pthread_mutex_unlock(&c->mu);
    MHD_resume_connection(conn);
}

/* Store the response and wake the connection once every commit made so far
 * is durable: the job's own writes (a job that writes defers durability, so
 * its worker takes the next job while the disk syncs) and anyone else's the
 * response may have read. c must not be touched after. */
static void job_finish(req_ctx *c, api_resp *r)
{
    pthread_mutex_lock(&c->mu);
    c->resp = *r;
    clock_gettime(CLOCK_MONOTONIC, &c->finished);
    pthread_mutex_unlock(&c->mu);
    memset(r, 0, sizeof *r);
    store_t *st = svc_store(c->srv->svc);
    store_when_durable(st, store_generation(st), finish_durable, c);
}

static void job_readyz(void *arg)
{
    req_ctx *c = arg;
    api_resp r = {0};
    bool store = svc_ready(c->srv->svc) != 0;
    bool draining = atomic_load(&c->srv->draining);
    bool ok = store && !draining;
    if (c->verbose) {
        char *t = rs_asprintf("[%c]store %s\n[%c]draining %s\nreadyz check %s\n", store ? '+' : '-',
                              store ? "ok" : "failed", draining ? '-' : '+',
                              draining ? "failed" : "ok", ok ? "passed" : "failed");
        resp_text(&r, ok ? 200 : 503, t);
        free(t);
    } else {
        resp_text(&r, ok ? 200 : 503, ok ? "ok" : "not ready");
    }
    job_finish(c, &r);
}

static void job_invoke(void *arg)
{
    req_ctx *c = arg;
    store_defer_durability(1); /* job_finish waits for the disk, not the worker */
    api_resp r = {0};
    rs_err e;
    rs_err_clear(&e);
    rs_principal who;
    memset(&who, 0, sizeof who);
    char *name = NULL;
    json_t *params = NULL;
    invoke_result res = {0};
    const char *service = c->route.service;
    struct timespec w0, wc0;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &wc0);

    if (!c->bearer) {
        rs_errf(&e, RS_EAUTH,
                "%s. Sign in to %s (%s) and send the access token as 'Authorization: Bearer "
                "<token>'.",
                c->auth_present ? "The Authorization header is not a bearer token"
                                : "The request has no access token",
                api_service_title(service), api_service_connect(service));
        resp_invoke_error(&r, &e, 401);
        r.www_auth = "Bearer";
        goto done;
    }
    rs_status st = svc_token_check(c->srv->svc, c->bearer, &who, &e);
    wipe_free(c->bearer);
    c->bearer = NULL;
    if (st == RS_EAUTH) {
        rs_errf(&e, RS_EAUTH,
                "The access token is invalid or has expired. Sign in to %s again (%s).",
                api_service_title(service), api_service_connect(service));
        resp_invoke_error(&r, &e, 401);
        r.www_auth = "Bearer error=\"invalid_token\"";
        goto done;
    }
    if (st != RS_OK) {
        if (e.code == RS_OK)
            rs_errf(&e, st, "%s", rs_strerror(st));
        resp_invoke_error(&r, &e, 0);
        goto done;
    }
    snprintf(c->actor, sizeof c->actor, "%s", who.upn);
    if (!svc_tenant_matches(c->srv->svc, &who, c->route.tenant)) {
        rs_errf(&e, RS_ENOTFOUND, "The tenant '%s' was not found.", c->route.tenant);
        resp_invoke_error(&r, &e, 404);
        goto done;
    }
    if (api_parse_invoke_body(c->body.data, c->body.len, &name, &params, &e) != RS_OK) {
        resp_invoke_error(&r, &e, 400);
        goto done;
    }
    snprintf(c->cmdlet, sizeof c->cmdlet, "%s", name);
    if (strcmp(who.service, service) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "This session was opened for %s; connect to %s with %s to run %s",
                 api_service_title(who.service), api_service_title(service),
                 api_service_connect(service), name);
        rs_raise(&e, RS_E_ACCESS_DENIED, msg);
        resp_invoke_error(&r, &e, 403);
        goto done;
    }
    st = cmdlet_invoke(c->srv->svc, &who, service, name, params, &res, &e);
    if (st == RS_OK) {
        api_apply_select(res.value, c->select);
        r.status = 200;
        r.body =
            api_invoke_success_body(c->host, service, c->route.tenant, res.warnings, res.value);
        r.ctype = API_CT_ODATA;
        r.odata = true;
        r.no_store = true;
    } else {
        if (e.code == RS_OK)
            rs_errf(&e, st, "%s", rs_strerror(st));
        resp_invoke_error(&r, &e, rs_status_http(st));
    }
done:
    c->hash_s = res.hash_s;
    c->hash_cpu_s = res.hash_cpu_s;
    invoke_result_clear(&res);
    json_decref(params);
    free(name);
    struct timespec wc1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &wc1);
    c->worker_cpu_s = (double)(wc1.tv_sec - wc0.tv_sec) + (double)(wc1.tv_nsec - wc0.tv_nsec) / 1e9;
    c->worker_s = elapsed_s(&w0);
    job_finish(c, &r);
}

/* A request of a route family (api_ext.h). */
static void job_ext(void *arg)
{
    req_ctx *c = arg;
    store_defer_durability(1); /* job_finish waits for the disk, not the worker */
    api_server *srv = c->srv;
    api_resp r = {0};
    api_req q = {
        .method = c->method,
        .path = c->path,
        .route = &c->route,
        .args = &c->args,
        .headers = &c->hdrs,
        .body = c->body.data ? c->body.data : "",
        .body_len = c->body.len,
        .host = c->host,
        .peer = c->peer,
        .request_id = c->request_id,
        .client_request_id = c->client_request_id,
        .actor = c->actor,
    };
    const api_ext_ops *ops = ext_ops[c->route.ext];
    ops->handle(&srv->env, srv->ext_state[c->route.ext], &q, &r);
    if (!r.status)
        resp_json(&r, 500, api_simple_error_body(500, "The request produced no answer."));
    job_finish(c, &r);
}

/* ------------------------------------------------------------------------- */
/* access handler (network threads)                                          */

static req_ctx *ctx_new(api_server *srv, struct MHD_Connection *conn, const char *url,
                        const char *method)
{
    req_ctx *c = rs_calloc(1, sizeof *c);
    c->srv = srv;
    c->conn = conn;
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    pthread_mutex_init(&c->mu, NULL);
    api_route_match(url, &c->route);
    if (c->route.kind == API_R_EXT) {
        snprintf(c->path, sizeof c->path, "%s", url);
        c->route.name = ext_ops[c->route.ext]->name;
    }
    snprintf(c->method, sizeof c->method, "%s", method ? method : "");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr)
        getnameinfo(ci->client_addr,
                    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in),
                    c->peer, sizeof c->peer, NULL, 0, NI_NUMERICHOST);
    rs_guid(c->request_id);
    const char *crid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "client-request-id");
    if (!crid)
        crid = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "client-request-id");
    if (api_header_token_ok(crid))
        snprintf(c->client_request_id, sizeof c->client_request_id, "%s", crid);
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    snprintf(c->host, sizeof c->host, "%s", api_host_ok(host) ? host : srv->default_host);
    return c;
}

static void ctx_free(req_ctx *c)
{
    wipe_free(c->bearer);
    free(c->select);
    api_form_free(&c->args);
    api_form_free(&c->hdrs);
    if (c->body.data)
        rs_wipe(c->body.data, c->body.cap);
    rs_buf_free(&c->body);
    resp_clear(&c->resp);
    resp_clear(&c->early);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Answer prepared on the first call: sent at once when a body is coming (MHD
 * then closes the connection instead of reading it), otherwise after the
 * (empty) request is complete so the connection stays usable. */
static enum MHD_Result answer_early(req_ctx *c, api_resp *r, bool has_body)
{
    if (has_body)
        return send_resp(c, r);
    c->early = *r;
    memset(r, 0, sizeof *r);
    return MHD_YES;
}

/* MHD_get_connection_values iterator: append (key, value) to the api_form. */
static enum MHD_Result copy_kv(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    api_form_add(cls, key ? key : "", value ? value : "");
    return MHD_YES;
}

/* First call: headers are in. Answer at once or prepare for the body. */
static enum MHD_Result on_headers(req_ctx *c)
{
    struct MHD_Connection *conn = c->conn;
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long clen = 0;
    if (cl) {
        char *end;
        errno = 0;
        clen = strtoull(cl, &end, 10);
        if (errno != 0 || end == cl)
            clen = ULLONG_MAX;
    }
    bool has_body = clen > 0 || MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                            MHD_HTTP_HEADER_TRANSFER_ENCODING);
    api_resp r = {0};
    int nhdr = MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL, NULL);
    int max_hdr = atomic_load_explicit(&c->srv->max_headers, memory_order_relaxed);
    if (nhdr > max_hdr) {
        char msg[128];
        snprintf(msg, sizeof msg, "The request has %d header fields; the limit is %d.", nhdr,
                 max_hdr);
        return send_now(c, 431, RS_ELIMIT, msg);
    }
    if (c->route.kind == API_R_NOTFOUND) {
        resp_json(&r, 404,
                  api_simple_error_body(404, "The requested resource does not exist on this "
                                             "server."));
        return answer_early(c, &r, has_body);
    }
    if (!api_route_method_ok(&c->route, c->method)) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "The HTTP method '%.16s' is not allowed for this resource; use %s.", c->method,
                 c->route.allow);
        resp_json(&r, 405, api_simple_error_body(405, msg));
        r.allow = c->route.allow;
        return answer_early(c, &r, has_body);
    }
    if (c->route.kind == API_R_LIVEZ) {
        resp_text(&r, 200, "ok");
        return answer_early(c, &r, has_body);
    }
    if (clen > API_BODY_MAX && clen != ULLONG_MAX) {
        char msg[128];
        snprintf(msg, sizeof msg, "The request body is larger than the limit of %u bytes.",
                 API_BODY_MAX);
        return send_now(c, 413, RS_ELIMIT, msg);
    }
    if (c->route.kind == API_R_INVOKE) {
        const char *auth =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        c->auth_present = auth != NULL;
        size_t tlen = 0;
        const char *tok = api_bearer_token(auth, &tlen);
        if (tok)
            c->bearer = rs_strndup(tok, tlen);
        const char *sel = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "$select");
        if (sel && *sel)
            c->select = rs_strndup(sel, strnlen(sel, 4096));
    } else if (c->route.kind == API_R_READYZ) {
        c->verbose = MHD_lookup_connection_value_n(conn, MHD_GET_ARGUMENT_KIND, "verbose", 7, NULL,
                                                   NULL) == MHD_YES;
    } else if (c->route.kind == API_R_EXT) {
        MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_kv, &c->hdrs);
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, copy_kv, &c->args);
    }
    return MHD_YES;
}

/* Body complete: hand the request to a worker. */
static enum MHD_Result dispatch(req_ctx *c)
{
    api_server *srv = c->srv;
    if (c->early.status) {
        api_resp r = c->early;
        memset(&c->early, 0, sizeof c->early);
        return send_resp(c, &r);
    }
    if (c->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "The request body is larger than the limit of %u bytes.",
                 API_BODY_MAX);
        return send_now(c, 413, RS_ELIMIT, msg);
    }
    if (atomic_load(&srv->stopping))
        return send_now(c, 503, RS_EUNAVAIL, "The server is shutting down. Try again later.");
    api_job_fn fn;
    switch (c->route.kind) {
    case API_R_READYZ:
        if (atomic_load(&srv->draining)) {
            api_resp r = {0};
            resp_text(&r, 503,
                      c->verbose ? "[-]draining failed\nreadyz check failed\n" : "not ready");
            return send_resp(c, &r);
        }
        fn = job_readyz;
        break;
    case API_R_INVOKE:
        fn = job_invoke;
        break;
    case API_R_EXT:
        fn = job_ext;
        break;
    default:
        return MHD_NO; /* answered in on_headers */
    }
    pthread_mutex_lock(&srv->mu);
    srv->inflight++;
    pthread_mutex_unlock(&srv->mu);
    /* Hold c->mu across submit + suspend so the job cannot resume the
     * connection before it is suspended. */
    pthread_mutex_lock(&c->mu);
    if (!api_workq_submit(srv->wq, fn, c)) {
        pthread_mutex_unlock(&c->mu);
        pthread_mutex_lock(&srv->mu);
        srv->inflight--;
        pthread_cond_broadcast(&srv->idle);
        pthread_mutex_unlock(&srv->mu);
        if (c->route.kind == API_R_READYZ) {
            api_resp r = {0};
            resp_text(&r, 503, "not ready: busy");
            r.retry_after = API_RETRY_AFTER_S;
            return send_resp(c, &r);
        }
        return send_now(c, 503, RS_EUNAVAIL,
                        "The server is busy: too many requests are waiting. Try again later.");
    }
    c->submitted = true;
    MHD_suspend_connection(c->conn);
    pthread_mutex_unlock(&c->mu);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    req_ctx *c = *con_cls;
    if (!c) {
        c = ctx_new(cls, conn, url, method);
        *con_cls = c;
        return on_headers(c);
    }
    if (c->answered) { /* answered early; drop whatever body still arrives */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (c->submitted) { /* resumed (never suspend twice) */
        api_resp r = {0};
        pthread_mutex_lock(&c->mu);
        bool done = c->done;
        if (done) {
            r = c->resp;
            memset(&c->resp, 0, sizeof c->resp);
        }
        pthread_mutex_unlock(&c->mu);
        if (!done)
            return MHD_YES;
        return send_resp(c, &r);
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        c->body_seen += n;
        if (c->body_seen > API_BODY_HARD_MAX)
            return MHD_NO;
        if (!c->too_large && c->body.len + n > API_BODY_MAX) {
            c->too_large = true;
            if (c->body.data)
                rs_wipe(c->body.data, c->body.cap);
            rs_buf_free(&c->body);
        }
        if (!c->too_large)
            rs_buf_append(&c->body, upload_data, n);
        return MHD_YES;
    }
    return dispatch(c);
}

/* One JSON log line per request; never headers, bodies or secrets. */
static void log_request(const req_ctx *c, enum MHD_RequestTerminationCode toe)
{
    json_t *o = json_object();
    json_object_set_new(o, "route", json_string(c->route.name));
    json_object_set_new(o, "method", json_string(c->method[0] ? c->method : "-"));
    /* not answered: the client went away while its job ran */
    json_object_set_new(o, "status", json_integer(c->answered ? c->status : c->resp.status));
    json_object_set_new(o, "duration_s", json_real(elapsed_s(&c->t0)));
    json_object_set_new(o, "request_id", json_string(c->request_id));
    if (c->client_request_id[0])
        json_object_set_new(o, "client_request_id", json_string(c->client_request_id));
    if (c->route.tenant[0])
        json_object_set_new(o, "tenant", json_string(c->route.tenant));
    if (c->route.service[0])
        json_object_set_new(o, "service", json_string(c->route.service));
    json_t *s;
    if (c->cmdlet[0] && (s = json_string(c->cmdlet)))
        json_object_set_new(o, "cmdlet", s);
    if (c->actor[0] && (s = json_string(c->actor)))
        json_object_set_new(o, "actor", s);
    if (c->worker_s > 0) { /* bench/provision splits server time with these */
        json_object_set_new(o, "worker_s", json_real(c->worker_s));
        json_object_set_new(o, "hash_s", json_real(c->hash_s));
        json_object_set_new(o, "worker_cpu_s", json_real(c->worker_cpu_s));
        json_object_set_new(o, "hash_cpu_s", json_real(c->hash_cpu_s));
        json_object_set_new(o, "durable_wait_s", json_real(c->durable_wait_s));
    }
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        json_object_set_new(o, "aborted", json_true());
    char *extra = api_log_members(o);
    json_decref(o);
    bool health = c->route.kind == API_R_LIVEZ || c->route.kind == API_R_READYZ;
    rs_log(health ? RS_LOG_DEBUG : RS_LOG_INFO, extra, "http request");
    rs_metrics_http(c->route.name, c->method, c->answered ? c->status : 0, elapsed_s(&c->t0));
    free(extra);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    api_server *srv = cls;
    req_ctx *c = *con_cls;
    if (!c)
        return;
    *con_cls = NULL;
    log_request(c, toe);
    if (c->submitted) {
        pthread_mutex_lock(&srv->mu);
        srv->inflight--;
        pthread_cond_broadcast(&srv->idle);
        pthread_mutex_unlock(&srv->mu);
    }
    ctx_free(c);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    api_server *srv = cls;
    char msg[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(msg, sizeof msg, fmt, ap);
#pragma GCC diagnostic pop
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    pthread_mutex_lock(&srv->mu);
    snprintf(srv->last_mhd_error, sizeof srv->last_mhd_error, "%s", msg);
    pthread_mutex_unlock(&srv->mu);
    /* Per-connection TLS noise (scanners, clients that do not trust the
     * certificate) stays at debug level. */
    bool noise = strstr(msg, "TLS") || strstr(msg, "handshake") || strstr(msg, "alert") ||
                 strstr(msg, "connection") || strstr(msg, "Connection");
    rs_log(noise ? RS_LOG_DEBUG : RS_LOG_WARNING, NULL, "libmicrohttpd: %s", msg);
}

/* ------------------------------------------------------------------------- */
/* start / stop                                                              */

static rs_status resolve_bind(const char *address, int port, struct sockaddr_storage *ss,
                              socklen_t *sslen, rs_err *err)
{
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(address && *address ? address : NULL, portstr, &hints, &ai);
    if (rc != 0 || !ai)
        return rs_errf(err, RS_EINVAL, "cannot resolve https_address '%s': %s",
                       address ? address : "", gai_strerror(rc));
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sslen = ai->ai_addrlen;
    freeaddrinfo(ai);
    return RS_OK;
}

static void server_free(api_server *srv)
{
    api_workq_destroy(srv->wq);
    for (int i = 0; i < API_X_COUNT; i++)
        if (ext_ops[i]->fini && srv->ext_state[i])
            ext_ops[i]->fini(srv->ext_state[i]);
    free(srv->cert_pem);
    wipe_free(srv->key_pem);
    free(srv->cert_path);
    api_tls_live_free(srv->tls);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->mu);
    free(srv);
}

rs_status api_start(const rs_config *cfg, rs_services *svc, api_server **out, rs_err *err)
{
    *out = NULL;
    if (!cfg)
        return rs_errf(err, RS_EINVAL, "no configuration");
    if (cfg->https_port < 0 || cfg->https_port > 65535)
        return rs_errf(err, RS_EINVAL, "https_port %d is out of range", cfg->https_port);
    api_server *srv = rs_calloc(1, sizeof *srv);
    srv->cfg = cfg;
    srv->svc = svc;
    atomic_init(&srv->draining, false);
    atomic_init(&srv->stopping, false);
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->idle, NULL);

    const char *addr = cfg->https_address && *cfg->https_address ? cfg->https_address : NULL;
    const char *extra[2] = {addr, NULL};
    rs_status st = api_tls_ensure_ex(cfg->state_dir, cfg->tls_cert_file, cfg->tls_key_file, extra,
                                     &srv->cert_pem, &srv->key_pem, &srv->cert_path, err);
    if (st == RS_OK)
        st = api_tls_live_new(srv->cert_pem, srv->key_pem, &srv->tls, err);
    if (st != RS_OK) {
        server_free(srv);
        return st;
    }
    atomic_init(&srv->max_headers, cfg->http_max_headers > 0 ? cfg->http_max_headers : 100);

    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    if ((st = resolve_bind(addr, cfg->https_port, &ss, &sslen, err)) != RS_OK) {
        server_free(srv);
        return st;
    }

    int workers = cfg->workers;
    if (workers <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        workers = n > 0 ? (int)n : 2;
    }
    size_t cap = (size_t)workers * API_QUEUE_PER_WORKER;
    if (cap < API_QUEUE_MIN)
        cap = API_QUEUE_MIN;
    if (cap > API_QUEUE_MAX)
        cap = API_QUEUE_MAX;
    if ((st = api_workq_create(workers, cap, &srv->wq, err)) != RS_OK) {
        server_free(srv);
        return st;
    }

    srv->env = (api_env){.cfg = cfg,
                         .svc = svc,
                         .default_host = srv->default_host,
                         .ca_file = srv->cert_path,
                         .port = cfg->https_port};
    for (int i = 0; i < API_X_COUNT; i++) {
        if (ext_ops[i]->init && (st = ext_ops[i]->init(&srv->env, &srv->ext_state[i], err))) {
            server_free(srv);
            return st;
        }
    }

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_TLS | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) {
        /* "::" (or no address) serves IPv4 too */
        static const struct in6_addr any6 = IN6ADDR_ANY_INIT;
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
        bool any = memcmp(&s6->sin6_addr, &any6, sizeof any6) == 0;
        flags |= any ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    }
    unsigned pool = cfg->http_threads > 1 ? (unsigned)cfg->http_threads : 0;
    srv->mhd = MHD_start_daemon(
        flags, (uint16_t)cfg->https_port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_HTTPS_CERT_CALLBACK,
        api_tls_live_retrieve, MHD_OPTION_HTTPS_PRIORITIES, API_TLS_PRIORITIES,
        MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->http_conn_timeout_s > 0 ? cfg->http_conn_timeout_s : API_CONN_TIMEOUT_S),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->http_max_conn > 0 ? cfg->http_max_conn : API_CONN_LIMIT),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->http_max_conn_per_ip > 0 ? cfg->http_max_conn_per_ip : API_PER_IP_LIMIT),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(cfg->http_max_header_bytes > 0 ? cfg->http_max_header_bytes : 32768),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!srv->mhd) {
        int e = errno;
        rs_errf(err, RS_EIO, "cannot serve HTTPS on %s port %d: %s", addr ? addr : "*",
                cfg->https_port, srv->last_mhd_error[0] ? srv->last_mhd_error : strerror(e));
        server_free(srv);
        return RS_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? (int)info->port : cfg->https_port;
    srv->env.port = srv->port;
    bool wildcard = !addr || strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
    if (wildcard)
        snprintf(srv->default_host, sizeof srv->default_host, "localhost:%d", srv->port);
    else if (strchr(addr, ':'))
        snprintf(srv->default_host, sizeof srv->default_host, "[%s]:%d", addr, srv->port);
    else
        snprintf(srv->default_host, sizeof srv->default_host, "%s:%d", addr, srv->port);
    rs_log(RS_LOG_INFO, NULL,
           "serving HTTPS on %s port %d (%d network threads, %d workers); CA file %s",
           addr ? addr : "*", srv->port, pool ? (int)pool : 1, workers, srv->cert_path);
    *out = srv;
    return RS_OK;
}

void api_set_draining(api_server *srv)
{
    if (srv)
        atomic_store(&srv->draining, true);
}

rs_status api_reload(api_server *srv, const rs_config *cfg, rs_err *err)
{
    const char *addr = cfg->https_address && *cfg->https_address ? cfg->https_address : NULL;
    const char *extra[2] = {addr, NULL};
    char *cert = NULL, *key = NULL;
    rs_status st = api_tls_ensure_ex(cfg->state_dir, cfg->tls_cert_file, cfg->tls_key_file, extra,
                                     &cert, &key, NULL, err);
    if (st == RS_OK)
        st = api_tls_live_swap(srv->tls, cert, key, err);
    free(cert);
    wipe_free(key);
    if (st != RS_OK)
        return st;
    atomic_store(&srv->max_headers, cfg->http_max_headers > 0 ? cfg->http_max_headers : 100);
    api_metrics_set_allow(cfg->metrics_allow);
    return RS_OK;
}

void api_stop(api_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->draining, true);
    atomic_store(&srv->stopping, true);
    MHD_socket lfd = MHD_INVALID_SOCKET;
    if (srv->mhd)
        lfd = MHD_quiesce_daemon(srv->mhd);
    /* Every job already accepted runs to completion and resumes its
     * connection; new ones are refused (503). */
    api_workq_shutdown(srv->wq);
    store_durable_drain(svc_store(srv->svc)); /* ... once their changes are durable */
    /* Let the network threads send those responses (bounded). */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += API_DRAIN_WAIT_MS / 1000;
    pthread_mutex_lock(&srv->mu);
    while (srv->inflight > 0) {
        if (pthread_cond_timedwait(&srv->idle, &srv->mu, &deadline) == ETIMEDOUT)
            break;
    }
    long left = srv->inflight;
    pthread_mutex_unlock(&srv->mu);
    if (left > 0)
        rs_log(RS_LOG_WARNING, NULL, "stopping with %ld responses not yet delivered", left);
    if (srv->mhd)
        MHD_stop_daemon(srv->mhd);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    server_free(srv);
}

const char *api_ca_file(const api_server *srv)
{
    return srv ? srv->cert_path : NULL;
}

int api_port(const api_server *srv)
{
    return srv ? srv->port : 0;
}
