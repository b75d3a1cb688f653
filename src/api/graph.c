/* graph.c - the Microsoft Graph v1.0 subset (admin-api.md section 2): bearer
 * check, routing under /v1.0, Graph's error envelope and the helpers the
 * endpoint files share (graph_int.h). Endpoints: graph_users.c (users,
 * licenses), graph_places.c (rooms), graph_calendar.c (room calendars). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmdlets/invoke.h"
#include "../cmdlets/services.h"
#include "graph_int.h"
#include "jwt.h"
#include "rs_util.h"

#define G_CT_JSON                                                                                  \
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"        \
    "charset=utf-8"

void g_json(gctx *g, int status, json_t *body)
{
    g->resp->status = status;
    g->resp->body = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    g->resp->ctype = body ? G_CT_JSON : NULL;
    g->resp->odata = body != NULL;
    g->resp->no_store = true;
    json_decref(body);
    g->done = true;
}

void g_error(gctx *g, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char date[40];
    /* Graph's innerError.date has no fractional seconds: 2026-11-29T11:45:00 */
    rs_time_iso8601_ms(rs_time_now_ms(), date, sizeof date);
    char *dot = strchr(date, '.');
    if (dot)
        *dot = '\0';
    json_t *body =
        json_pack("{s:{s:s,s:s,s:{s:s,s:s,s:s}}}", "error", "code", code, "message", msg,
                  "innerError", "date", date, "request-id", g->req->request_id, "client-request-id",
                  g->req->client_request_id[0] ? g->req->client_request_id : g->req->request_id);
    api_resp_clear(g->resp);
    g_json(g, status, body);
    if (status == 429 || status == 503)
        g->resp->retry_after = 1;
}

void g_method(gctx *g, const char *allow)
{
    g_error(g, 405, "Request_BadRequest",
            "Specified HTTP method is not allowed for the request uri.");
    g->resp->allow = allow;
}

void g_fail(gctx *g, const rs_err *e, const char *id)
{
    switch (e->code) {
    case RS_EPERM:
        g_error(g, 403, "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.");
        break;
    case RS_ENOTFOUND:
        if (id)
            g_error(g, 404, "Request_ResourceNotFound",
                    "Resource '%s' does not exist or one of its queried reference-property "
                    "objects are not present.",
                    id);
        else
            g_error(g, 404, "Request_ResourceNotFound", "%s", e->msg);
        break;
    case RS_EUNAVAIL:
        g_error(g, 503, "serviceNotAvailable", "%s", e->msg);
        break;
    case RS_ESTORE:
    case RS_EIO:
    case RS_EINTERNAL:
    case RS_ENOMEM:
        g_error(g, rs_status_http(e->code), "generalException", "%s", e->msg);
        break;
    default:
        g_error(g, 400, "Request_BadRequest", "%s", e->msg);
        break;
    }
}

rs_status g_invoke(gctx *g, const char *service, const char *cmdlet, json_t *params, json_t **value,
                   rs_err *err)
{
    invoke_result res = {0};
    *value = NULL;
    rs_status rc = cmdlet_invoke(g->env->svc, &g->who, service, cmdlet, params, &res, err);
    json_decref(params);
    if (rc == RS_OK) {
        *value = json_incref(res.value);
    } else if (err->code == RS_OK) {
        rs_errf(err, rc, "%s", rs_strerror(rc));
    }
    invoke_result_clear(&res);
    return rc;
}

const char *g_arg(gctx *g, const char *name)
{
    const char *v = api_form_get(g->req->args, name);
    if (!v && name[0] == '$') /* Graph accepts the options without '$' too */
        v = api_form_get(g->req->args, name + 1);
    return v;
}

json_t *g_body(gctx *g)
{
    const char *generic = "Unable to read JSON request payload. Please ensure Content-Type "
                          "header is set and payload is of valid JSON format.";
    if (!g->req->body_len) {
        g_error(g, 400, "Request_BadRequest", "%s", generic);
        return NULL;
    }
    if (api_json_depth(g->req->body, g->req->body_len, API_JSON_DEPTH_MAX) > API_JSON_DEPTH_MAX) {
        g_error(g, 400, "Request_BadRequest", "%s The payload is nested too deeply.", generic);
        return NULL;
    }
    json_error_t je;
    json_t *b = json_loadb(g->req->body, g->req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!b) {
        g_error(g, 400, "Request_BadRequest", "%s %s (line %d, column %d).", generic, je.text,
                je.line, je.column);
        return NULL;
    }
    if (!json_is_object(b)) {
        json_decref(b);
        g_error(g, 400, "Request_BadRequest", "%s The payload must be a JSON object.", generic);
        return NULL;
    }
    return b;
}

bool g_known_props(gctx *g, json_t *body, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strchr(k, '@')) /* instance annotations (@odata.type ...) */
            continue;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(*a, k);
        if (!ok) {
            g_error(g, 400, "Request_BadRequest",
                    "Property '%s' does not exist as a declared property or extension property.",
                    k);
            return false;
        }
    }
    return true;
}

/* Split "a,b , c" into trimmed names; calls fn for each; stops on false. */
static bool each_name(const char *list, bool (*fn)(void *ud, const char *name), void *ud)
{
    char *copy = rs_strdup(list), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
        char *n = rs_trim(t);
        if (*n)
            ok = fn(ud, n);
    }
    free(copy);
    return ok;
}

typedef struct sel_ctx {
    gctx *g;
    json_t *full, *out;
    const char *const *known;
    const char *type;
} sel_ctx;

static bool sel_one(void *ud, const char *name)
{
    sel_ctx *s = ud;
    const char *k;
    json_t *v;
    if (s->full) {
        json_object_foreach(s->full, k, v)
        {
            if (rs_streq_ci(k, name)) {
                json_object_set(s->out, k, v);
                return true;
            }
        }
    } else {
        for (const char *const *q = s->known; *q; q++)
            if (rs_streq_ci(*q, name))
                return true;
    }
    g_error(s->g, 400, "Request_BadRequest", "Could not find a property named '%s' on type '%s'.",
            name, s->type);
    return false;
}

json_t *g_project(gctx *g, json_t *full, const char *select, const char *const *defaults,
                  const char *type)
{
    json_t *out = json_object();
    if (!select || !*select) {
        if (!defaults)
            return json_object_update(out, full), out;
        for (const char *const *d = defaults; *d; d++) {
            json_t *v = json_object_get(full, *d);
            json_object_set(out, *d, v ? v : json_null());
        }
        return out;
    }
    sel_ctx s = {.g = g, .full = full, .out = out, .type = type};
    if (!each_name(select, sel_one, &s)) {
        json_decref(out);
        return NULL;
    }
    return out;
}

bool g_select_ok(gctx *g, const char *select, const char *const *known, const char *type)
{
    if (!select || !*select)
        return true;
    sel_ctx s = {.g = g, .known = known, .type = type};
    return each_name(select, sel_one, &s);
}

bool g_top(gctx *g, int def, int max, int *out)
{
    const char *t = g_arg(g, "$top");
    *out = def;
    if (!t)
        return true;
    char *end;
    long v = strtol(t, &end, 10);
    if (!*t || *end || v < 1 || v > max) {
        g_error(g, 400, "Request_BadRequest",
                "Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", t, max);
        return false;
    }
    *out = (int)v;
    return true;
}

char *g_skiptoken_encode(json_t *state)
{
    char *text = json_dumps(state, JSON_COMPACT | JSON_SORT_KEYS);
    size_t n = strlen(text);
    char *out = rs_calloc(4 * ((n + 2) / 3) + 4, 1);
    out[0] = 'R'; /* version */
    out[1] = 'S';
    rs_base64url(text, n, out + 2);
    free(text);
    return out;
}

json_t *g_skiptoken_decode(const char *tok)
{
    size_t n = tok ? strlen(tok) : 0;
    if (n < 3 || n > 8192 || tok[0] != 'R' || tok[1] != 'S')
        return NULL;
    size_t len = 0;
    unsigned char *buf = api_b64url_decode(tok + 2, n - 2, &len);
    if (!buf)
        return NULL;
    json_t *state = json_loadb((const char *)buf, len, 0, NULL);
    free(buf);
    if (!json_is_object(state)) {
        json_decref(state);
        return NULL;
    }
    return state;
}

char *g_url(gctx *g, const char *fmt, ...)
{
    char rest[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    return rs_asprintf("%s/v1.0/%s", g->base, rest);
}

/* Bearer check: 401 InvalidAuthenticationToken unless a live token issued for
 * Microsoft Graph (scope https://graph.microsoft.com/.default). */
static bool authenticate(gctx *g)
{
    const char *hdr = api_form_get_ci(g->req->headers, "Authorization");
    size_t len = 0;
    const char *tok = hdr ? api_bearer_token(hdr, &len) : NULL;
    if (!tok) {
        g_error(g, 401, "InvalidAuthenticationToken", "Access token is empty.");
        g->resp->www_auth = "Bearer";
        return false;
    }
    char *copy = rs_strndup(tok, len);
    rs_err e;
    rs_err_clear(&e);
    rs_status rc = svc_token_check(g->env->svc, copy, &g->who, &e);
    rs_wipe(copy, len);
    free(copy);
    if (rc == RS_EAUTH) {
        g_error(g, 401, "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.");
        g->resp->www_auth = "Bearer error=\"invalid_token\"";
        return false;
    }
    if (rc != RS_OK) {
        g_fail(g, &e, NULL);
        return false;
    }
    if (strcmp(g->who.service, "graph") != 0) {
        /* a token for Exchange, SfB or MSOnline PowerShell is not a Graph token */
        g_error(g, 401, "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.");
        g->resp->www_auth = "Bearer error=\"invalid_token\"";
        return false;
    }
    snprintf(g->req->actor, API_ACTOR_MAX, "%s", g->who.upn);
    return true;
}

static void split(gctx *g)
{
    const char *p = g->req->path + strlen("/v1.0");
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, "/");
        if (g->nseg == G_SEGS_MAX) {
            g->nseg++; /* too deep: no route */
            break;
        }
        g->seg[g->nseg++] = rs_strndup(p, n);
        p += n;
    }
}

static void handle(const api_env *env, void *state, const api_req *req, api_resp *resp)
{
    (void)state;
    gctx g = {.env = env, .req = req, .resp = resp};
    snprintf(g.base, sizeof g.base, "https://%s", req->host);
    split(&g);
    if (!authenticate(&g))
        goto out;
    if (g.nseg == 0 || g.nseg > G_SEGS_MAX) {
        g_error(&g, 400, "BadRequest", "Invalid version.");
    } else if (rs_streq_ci(g.seg[0], "users")) {
        graph_users(&g);
    } else if (rs_streq_ci(g.seg[0], "subscribedSkus")) {
        graph_subscribed_skus(&g);
    } else if (rs_streq_ci(g.seg[0], "places")) {
        graph_places(&g);
    } else {
        g_error(&g, 400, "BadRequest", "Resource not found for the segment '%s'.", g.seg[0]);
    }
    if (!g.done)
        g_error(&g, 500, "generalException", "The request produced no answer.");
out:
    for (int i = 0; i < g.nseg && i < G_SEGS_MAX; i++)
        free(g.seg[i]);
}

const api_ext_ops api_ext_graph = {.name = "graph", .handle = handle};
