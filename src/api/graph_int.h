/* graph_int.h - private to the Graph route family (graph*.c): the request
 * context and the helpers every endpoint uses. Endpoints never touch the
 * store: they run the equivalent cmdlet with cmdlet_invoke (role checks,
 * audit, one transaction) and reshape its output as Graph does. */
#ifndef RS_API_GRAPH_INT_H
#define RS_API_GRAPH_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "../directory/principal.h"
#include "api_ext.h"
#include "graph_filter.h"

#define G_SEGS_MAX 8 /* path segments after /v1.0 */

typedef struct gctx {
    const api_env *env;
    const api_req *req;
    api_resp *resp;
    rs_principal who;
    char base[320];        /* "https://<host>" of this request */
    char *seg[G_SEGS_MAX]; /* path segments after /v1.0 (owned) */
    int nseg;
    bool done; /* an answer is set */
} gctx;

/* Answer with Graph's error envelope {"error":{"code","message","innerError":
 * {"date","request-id","client-request-id"}}}. */
void g_error(gctx *g, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answer a cmdlet failure: 403 Authorization_RequestDenied, 404
 * Request_ResourceNotFound (naming `id`, may be NULL), 400 Request_BadRequest
 * with the cmdlet's text, 503/500 for the service's own trouble. */
void g_fail(gctx *g, const rs_err *e, const char *id);
/* Answer status with body (taken; NULL for an empty body, e.g. 204). */
void g_json(gctx *g, int status, json_t *body);
/* 405 for a method the resource does not take. */
void g_method(gctx *g, const char *allow);

/* Run a cmdlet as the caller (params taken). RS_OK: *value is a new reference
 * (the output array). On error err says why and nothing changed. */
rs_status g_invoke(gctx *g, const char *service, const char *cmdlet, json_t *params, json_t **value,
                   rs_err *err);

/* Query option `name` ("$select" ...), or NULL. Borrowed. */
const char *g_arg(gctx *g, const char *name);
/* The request body as a JSON object (new reference), or NULL after answering
 * 400 (empty, malformed, too deep, not an object). */
json_t *g_body(gctx *g);
/* Check that every member of body is in `allowed` (NULL-terminated). False
 * after answering 400 naming the first unknown property. */
bool g_known_props(gctx *g, json_t *body, const char *const *allowed);

/* $select: a new object with only the listed properties of `full` (in list
 * order), or NULL after answering 400 for a property `full` lacks. select
 * NULL or "": a copy of the default properties (NULL-terminated `defaults`;
 * NULL = everything). */
json_t *g_project(gctx *g, json_t *full, const char *select, const char *const *defaults,
                  const char *type);
/* Validate $select against the members of `sample` type (no answer when ok). */
bool g_select_ok(gctx *g, const char *select, const char *const *known, const char *type);

/* $top: value in [1, max] or default; false after answering 400. */
bool g_top(gctx *g, int def, int max, int *out);

/* Opaque paging state for @odata.nextLink: a JSON object carrying every
 * original option and the position. g_skiptoken_encode: malloc'd string.
 * g_skiptoken_decode: new reference or NULL (malformed). */
char *g_skiptoken_encode(json_t *state);
json_t *g_skiptoken_decode(const char *tok);

/* "https://<host>/v1.0/<rest>" (malloc'd). */
char *g_url(gctx *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Endpoints. */
void graph_users(gctx *g);                      /* /users[...]: users, assignLicense, calendars */
void graph_subscribed_skus(gctx *g);            /* /subscribedSkus */
void graph_places(gctx *g);                     /* /places/... */
void graph_calendar(gctx *g, const char *user); /* /users/{id}/calendar..., events, calendarView */

#endif
