/* api_internal.h - the pieces of api/ that do not need a network: routing,
 * form decoding, request-body parsing, JSON response shapes, the worker queue
 * and TLS material. Shared by server.c and the unit tests (library rs_api_core,
 * which depends on rs_base, jansson and GnuTLS only). */
#ifndef RS_API_INTERNAL_H
#define RS_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rs_err.h"

/* ---- limits ---- */
#define API_BODY_MAX         (1024u * 1024u) /* request body limit; 413 beyond */
#define API_JSON_DEPTH_MAX   32              /* nesting limit of InvokeCommand bodies */
#define API_TENANT_MAX       253             /* longest {tenant} path segment (a DNS name) */
#define API_PATH_MAX         1024            /* longer request paths are 404 */
#define API_CMDLET_NAME_MAX  128
#define API_TOKEN_MAX        4096 /* longest accepted bearer token */
#define API_CONN_TIMEOUT_S   30
#define API_CONN_LIMIT       2048 /* total connections */
#define API_PER_IP_LIMIT     256  /* connections per client address */
#define API_QUEUE_PER_WORKER 64   /* worker queue capacity per worker thread */
#define API_QUEUE_MIN        64
#define API_QUEUE_MAX        4096
#define API_RETRY_AFTER_S    1                    /* Retry-After on 503 (queue full, draining) */
#define API_BODY_HARD_MAX    (8u * 1024u * 1024u) /* discarding an oversized body: close beyond */
#define API_DRAIN_WAIT_MS    10000 /* api_stop: longest wait for accepted requests' responses */

/* Content types. */
#define API_CT_ODATA                                                                               \
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"        \
    "charset=utf-8"
#define API_CT_JSON "application/json; charset=utf-8"
#define API_CT_TEXT "text/plain; charset=utf-8"

/* ---- routing (route.c) ---- */
typedef enum api_route_kind {
    API_R_NOTFOUND = 0,
    API_R_INVOKE, /* POST [/sfb|/msol]/adminapi/beta/{tenant}/InvokeCommand */
    API_R_LIVEZ,  /* GET /livez */
    API_R_READYZ, /* GET /readyz, /healthz */
    API_R_EXT     /* a route family served by its own file (api_ext.h); route.ext says which */
} api_route_kind;

/* Route families behind the api_ext.h seam, one file each. */
typedef enum api_ext_id {
    API_X_OAUTH = 0, /* oauth.c: OIDC metadata, JWKS, /{tenant}/oauth2/v2.0/token */
    API_X_GRAPH,     /* graph.c: /v1.0/... (Microsoft Graph subset) */
    API_X_PORTAL,    /* portal.c: /portal, /portal/... and / (redirect) */
    API_X_METRICS,   /* metrics.c: /metrics (Prometheus text) */
    API_X_COUNT
} api_ext_id;

typedef struct api_route {
    api_route_kind kind;
    const char *name;    /* static label for logs: "token", "InvokeCommand", "livez", ... */
    const char *allow;   /* static: methods the route accepts, for 405 "Allow" */
    const char *service; /* static "exchange"/"sfb"/"msol" (API_R_INVOKE) or "" */
    char tenant[API_TENANT_MAX + 1]; /* {tenant} (API_R_INVOKE, some EXT) or "" */
    api_ext_id ext;                  /* API_R_EXT: which family */
} api_route;

/* Match a (percent-decoded) request path, without its query string. Fills *r
 * (always; kind API_R_NOTFOUND when nothing matches, including paths whose
 * {tenant} is empty, too long, "." / ".."-like or has characters outside
 * [A-Za-z0-9._-]). Literal segments match case-insensitively. Returns r->kind. */
api_route_kind api_route_match(const char *path, api_route *r);

/* Is `method` one that route r accepts? (GET routes also accept HEAD.) */
bool api_route_method_ok(const api_route *r, const char *method);

/* Is `tenant` an acceptable {tenant} segment (see api_route_match)? */
bool api_tenant_valid(const char *tenant, size_t len);

/* Path prefix of a service's InvokeCommand endpoint ("/adminapi/beta", "/sfb/adminapi/beta",
 * "/msol/adminapi/beta"); "/adminapi/beta" for unknown names. Static string. */
const char *api_service_prefix(const char *service);

/* Human name of a service ("Exchange Online", ...) and the cmdlet that opens a
 * session for it ("Connect-ExchangeOnline", "New-CsOnlineSession",
 * "Connect-MsolService"). Static strings. */
const char *api_service_title(const char *service);
const char *api_service_connect(const char *service);

/* ---- x-www-form-urlencoded (form.c) ---- */
typedef struct api_form {
    size_t n;
    char **keys; /* decoded, owned */
    char **vals; /* decoded, owned; wiped on free (passwords) */
} api_form;

/* Percent-decode `in[0..n)` into out (capacity >= n + 1), '+' as space when
 * plus_is_space. Fails (returns false) on a malformed escape or an encoded NUL.
 * *outlen receives the decoded length; out is NUL-terminated. */
bool api_pct_decode(const char *in, size_t n, bool plus_is_space, char *out, size_t *outlen);

/* Parse an application/x-www-form-urlencoded body. Empty pairs ("a=1&&b=2") are
 * skipped; a pair without '=' has an empty value. A malformed escape, an encoded
 * NUL or a repeated parameter name (RFC 6749 section 3.2) is RS_EPARSE with a
 * message naming the parameter. On RS_OK the caller frees *out with api_form_free. */
rs_status api_form_parse(const char *body, size_t len, api_form *out, rs_err *err);

/* Value of the first parameter named `key` (exact match), or NULL. Borrowed. */
const char *api_form_get(const api_form *f, const char *key);

/* Wipe and free the contents of f (f itself is the caller's). NULL-safe. */
void api_form_free(api_form *f);

/* Append a copy of key and val (both NUL-terminated) to f. */
void api_form_add(api_form *f, const char *key, const char *val);

/* Value of the first entry whose key equals `key` ignoring ASCII case, or NULL.
 * Borrowed. (Header lookups.) */
const char *api_form_get_ci(const api_form *f, const char *key);

/* ---- request bodies (body.c) ---- */

/* Nesting depth of the JSON text (objects and arrays; strings are skipped).
 * Stops counting once the depth exceeds `limit` and returns limit + 1. */
int api_json_depth(const char *text, size_t len, int limit);

/* Parse an InvokeCommand body {"CmdletInput":{"CmdletName":"..","Parameters":{..}}}
 * (member names matched case-insensitively; Parameters absent or null -> {}).
 * On RS_OK, *out_name (malloc'd, caller frees) and *out_params (new reference,
 * caller json_decref's) are set. On error (RS_EPARSE / RS_EINVAL) err names
 * what is wrong: empty body, malformed JSON with line and column, depth, a
 * missing or mistyped member. */
rs_status api_parse_invoke_body(const char *body, size_t len, char **out_name, json_t **out_params,
                                rs_err *err);

/* Apply OData $select ("Prop1,Prop2") to an array of objects in place: each
 * object keeps only the listed properties (case-insensitive) and their
 * "Prop@..." annotations, in their original order. NULL/empty select: no-op. */
void api_apply_select(json_t *value, const char *select);

/* ---- response shapes (shape.c) ---- */

/* OData error.code for an HTTP status: "BadRequest", "Unauthorized",
 * "Forbidden", "NotFound", "MethodNotAllowed", "RequestEntityTooLarge",
 * "TooManyRequests", "ServiceUnavailable", "InternalServerError". Static. */
const char *api_http_error_code(int http_status);

/* The three-layer InvokeCommand error body (admin-api.md section 1.4) for err
 * answered with HTTP status `http_status`, as a compact JSON string (malloc'd,
 * caller frees). error.message is "Invalid Operation" for 400 answers to
 * RS_EINVAL/RS_EPARSE (binding and validation) and "Error executing cmdlet"
 * otherwise; details[0].message is "<ErrorId>|<exception>|<message>";
 * details[0].category is err->category ("NotSpecified" when empty). */
char *api_invoke_error_body(const rs_err *err, int http_status);

/* A plain {"error":{"code":<from status>,"message":msg}} body (malloc'd). */
char *api_simple_error_body(int http_status, const char *msg);

/* The InvokeCommand success envelope (admin-api.md section 1.3) as a compact,
 * order-preserving JSON string (malloc'd). host (Host header or address:port),
 * service and tenant name the @odata.context; warnings and value are borrowed
 * (NULL means an empty array). */
char *api_invoke_success_body(const char *host, const char *service, const char *tenant,
                              json_t *warnings, json_t *value);

/* The OAuth2 token success body: {"token_type":"Bearer","scope":..,"expires_in":N,
 * "ext_expires_in":N,"access_token":..} (malloc'd; caller wipes and frees). */
char *api_token_success_body(const char *scope, int expires_in, const char *access_token);

/* An Azure AD style OAuth2 error body (malloc'd): error, error_description =
 * "AADSTS<code>: <text>\r\nTrace ID: <trace>\r\nCorrelation ID: <corr>\r\nTimestamp: <ts>",
 * error_codes [code], timestamp, trace_id, correlation_id; ts from now_ms as
 * "YYYY-MM-DD hh:mm:ssZ". `text` must not start with "AADSTS". */
char *api_aad_error_body(const char *error, int code, const char *text, const char *trace_id,
                         const char *correlation_id, int64_t now_ms);

/* Render `obj`'s members as extra members for rs_log ("\"a\":1,\"b\":\"x\"",
 * without braces; reals with 6 significant digits). Malloc'd; "" for an empty
 * object. obj borrowed. */
char *api_log_members(json_t *obj);

/* Is s a safe header echo value (1..64 of [A-Za-z0-9._-])? (client-request-id) */
bool api_header_token_ok(const char *s);

/* Is s a plausible Host header value (1..255 of [A-Za-z0-9.:[]-])? */
bool api_host_ok(const char *s);

/* Extract the token from an Authorization header value "Bearer <token>"
 * (scheme case-insensitive). Returns a pointer into hdr, or NULL when the
 * header is not a bearer credential or the token is empty/too long/has bytes
 * outside RFC 6750 b64token. *len receives the token length. */
const char *api_bearer_token(const char *hdr, size_t *len);

/* ---- worker queue (workq.c) ---- */
typedef struct api_workq api_workq;
typedef void (*api_job_fn)(void *arg);

/* Start `nthreads` workers (>= 1) behind a queue holding at most `capacity`
 * jobs. On RS_OK the caller owns *out (release with api_workq_destroy). */
rs_status api_workq_create(int nthreads, size_t capacity, api_workq **out, rs_err *err);

/* Queue fn(arg) for a worker. Returns false (and does not run fn) when the
 * queue is full or stopping. Thread-safe. arg ownership passes to fn only on
 * success. */
bool api_workq_submit(api_workq *q, api_job_fn fn, void *arg);

/* Jobs queued and not yet started. Thread-safe. */
size_t api_workq_pending(api_workq *q);

/* Refuse new jobs from now on (api_workq_submit returns false), run every job
 * already queued and join the workers. q stays valid (submit may still be
 * called and refuses) until api_workq_destroy. Idempotent; NULL-safe. */
void api_workq_shutdown(api_workq *q);

/* api_workq_shutdown, then free q. NULL-safe. */
void api_workq_destroy(api_workq *q);

/* ---- TLS material (tls.c) ---- */

/* Small files holding keys and certificates (tls.c; also jwt.c's signing key). */

/* Read a whole regular file of at most 1 MiB into a NUL-terminated malloc'd
 * string (caller wipes and frees). A missing file is RS_ENOTFOUND; with
 * nofollow a symbolic link is refused. */
rs_status api_file_read(const char *path, bool nofollow, char **out, rs_err *err);

/* Write data to path atomically: <path>.tmp created with `mode` (no link
 * followed), written, fsync'd, renamed over path. */
rs_status api_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                                rs_err *err);

/* fsync a directory so a rename in it survives a crash (best effort). */
void api_dir_sync(const char *dir);

/* api_tls_ensure (api.h) with extra subject alternative names used only when a
 * certificate is generated: each entry an IPv4/IPv6 literal or a DNS name
 * (NULL-terminated list, may be NULL; wildcard and unparsable entries skipped). */
rs_status api_tls_ensure_ex(const char *state_dir, const char *cert_file, const char *key_file,
                            const char *const *extra_names, char **out_cert_pem, char **out_key_pem,
                            char **out_cert_path, rs_err *err);

#endif
