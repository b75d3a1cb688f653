/* oauth.c - OAuth2 / OpenID Connect for Microsoft clients (spec/admin-api.md
 * section 3, 4.2), one route family of api_ext.h:
 *
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   OIDC metadata
 *   GET  /{tenant}/discovery/v2.0/keys                      JWKS (signing key)
 *   POST /{tenant}/oauth2/v2.0/token                        password, refresh_token,
 *                                                           client_credentials grants
 *   GET  /{tenant}/oauth2/v2.0/authorize                    refused (no interactive flows)
 *   GET  /{tenant}/oauth2/v2.0/logout                       end_session_endpoint
 *
 * Access and refresh tokens are opaque and checked server-side (only their
 * SHA-256 is stored, dir_session.c); id_tokens are RS256 JWTs signed with the
 * key of jwt.h so clients can verify them against the JWKS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>

#include "../cmdlets/services.h"
#include "../directory/directory.h"
#include "api_ext.h"
#include "jwt.h"
#include "rs_log.h"
#include "rs_util.h"

typedef struct oauth_state {
    api_jwks *keys; /* previous, current and next signing keys (jwt.h) */
} oauth_state;

static rs_status init(const api_env *env, void **state, rs_err *err)
{
    oauth_state *s = rs_calloc(1, sizeof *s);
    char *dir = rs_asprintf("%s/tls", env->cfg->state_dir);
    rs_status st = api_jwks_open(dir, (int64_t)env->cfg->oidc_key_rotation_days * 86400,
                                 rs_time_now_ms() / 1000, &s->keys, err);
    free(dir);
    if (st != RS_OK) {
        free(s);
        return st;
    }
    *state = s;
    return RS_OK;
}

static void fini(void *state)
{
    oauth_state *s = state;
    api_jwks_free(s->keys);
    free(s);
}

/* ------------------------------------------------------------------------- */

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *correlation_id(const api_req *q)
{
    return q->client_request_id[0] && rs_is_guid(q->client_request_id) ? q->client_request_id
                                                                       : q->request_id;
}

static void aad_error(const api_req *q, api_resp *r, int status, const char *error, int code,
                      const char *text)
{
    api_resp_json(
        r, status,
        api_aad_error_body(error, code, text, q->request_id, correlation_id(q), rs_time_now_ms()));
    if (status == 503)
        r->retry_after = API_RETRY_AFTER_S;
}

static bool is_any_tenant(const char *t)
{
    return rs_streq_ci(t, "organizations") || rs_streq_ci(t, "common");
}

static void tenant_not_found(const api_req *q, api_resp *r)
{
    char text[512];
    snprintf(text, sizeof text,
             "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are "
             "signing into the correct cloud.",
             q->route->tenant);
    aad_error(q, r, 400, "invalid_tenant", 90002, text);
}

static bool method_is(const api_req *q, const char *a, const char *b)
{
    return !strcmp(q->method, a) || (b && !strcmp(q->method, b));
}

static void method_not_allowed(const api_req *q, api_resp *r, const char *allow)
{
    char msg[160];
    snprintf(msg, sizeof msg, "The HTTP method '%.16s' is not allowed for this resource; use %s.",
             q->method, allow);
    api_resp_json(r, 405, api_simple_error_body(405, msg));
    r->allow = allow;
}

/* The tenant's GUID for {tenant}; false (answer filled) when unknown. For
 * "organizations"/"common" tid is "{tenantid}", as in Microsoft's metadata. */
static bool tenant_of(const api_env *env, const api_req *q, api_resp *r, char tid[37])
{
    if (is_any_tenant(q->route->tenant)) {
        snprintf(tid, 37, "{tenantid}");
        return true;
    }
    rs_status st = svc_tenant_lookup(env->svc, q->route->tenant, tid, NULL, 0);
    if (st == RS_ENOTFOUND) {
        tenant_not_found(q, r);
        return false;
    }
    if (st != RS_OK) {
        aad_error(q, r, 503, "temporarily_unavailable", 90033,
                  "A transient error has occurred. Please try again.");
        return false;
    }
    return true;
}

static void metadata(const api_env *env, const api_req *q, api_resp *r)
{
    char tid[37];
    if (!tenant_of(env, q, r, tid))
        return;
    /* endpoints on the tenant's GUID (as Microsoft's), or on the alias */
    const char *seg = is_any_tenant(q->route->tenant) ? q->route->tenant : tid;
    char *base = rs_asprintf("https://%s/%s", q->host, seg);
    char *issuer = rs_asprintf("https://%s/%s/v2.0", q->host, tid);
    char *token = rs_asprintf("%s/oauth2/v2.0/token", base);
    char *authz = rs_asprintf("%s/oauth2/v2.0/authorize", base);
    char *logout = rs_asprintf("%s/oauth2/v2.0/logout", base);
    char *jwks = rs_asprintf("%s/discovery/v2.0/keys", base);
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s],s:[s,s],s:[s],s:[s],s:[s,s,s],s:[s],s:[s,s,s,s],"
        "s:[s,s,s,s,s,s,s,s,s,s,s,s,s,s],s:b,s:b,s:b,s:s}",
        "issuer", issuer, "authorization_endpoint", authz, "token_endpoint", token, "jwks_uri",
        jwks, "end_session_endpoint", logout, "cloud_instance_name", "roomsys",
        "token_endpoint_auth_methods_supported", "client_secret_post", "client_secret_basic",
        "response_types_supported", "token", "id_token token", "response_modes_supported",
        "form_post", "subject_types_supported", "public", "grant_types_supported", "password",
        "refresh_token", "client_credentials", "id_token_signing_alg_values_supported", "RS256",
        "scopes_supported", "openid", "profile", "email", "offline_access", "claims_supported",
        "sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "preferred_username", "tid", "ver",
        "uti", "auth_time", "email", "request_uri_parameter_supported", 0, "http_logout_supported",
        1, "frontchannel_logout_supported", 0, "tenant_region_scope", "roomsys");
    free(base);
    free(issuer);
    free(token);
    free(authz);
    free(logout);
    free(jwks);
    api_resp_json(r, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
    r->no_store = false;
}

/* Rotate the signing keys when [https] oidc_key_rotation_days says so; a
 * failure (disk) is logged and the current key stays in use. */
static void rotate_if_due(oauth_state *s)
{
    rs_err e;
    rs_err_clear(&e);
    if (api_jwks_rotate_if_due(s->keys, rs_time_now_ms() / 1000, NULL, &e) != RS_OK)
        rs_log(RS_LOG_ERROR, NULL, "cannot rotate the OIDC signing key: %s", e.msg);
}

static void jwks(const api_env *env, oauth_state *s, const api_req *q, api_resp *r)
{
    char tid[37];
    if (!tenant_of(env, q, r, tid))
        return;
    rotate_if_due(s);
    json_t *o = api_jwks_public(s->keys);
    api_resp_json(r, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
    r->no_store = false;
}

/* ------------------------------------------------------------------------- */
/* token endpoint                                                            */

/* Parse "AADSTS<digits>: rest" -> code and rest; false otherwise. */
static bool aad_prefixed(const char *msg, int *code, const char **rest)
{
    if (strncmp(msg, "AADSTS", 6) != 0)
        return false;
    char *end;
    long v = strtol(msg + 6, &end, 10);
    if (end == msg + 6 || end[0] != ':' || end[1] != ' ' || v <= 0 || v > 99999999)
        return false;
    *code = (int)v;
    *rest = end + 2;
    return true;
}

/* The OAuth2 error of an AADSTS code (HTTP 400 unless *status is changed). */
static const char *aad_error_for_code(int code, const char *dflt, int *status)
{
    switch (code) {
    case 70011:
    case 1002012:
        return "invalid_scope";
    case 70003:
        return "unsupported_grant_type";
    case 7000215:
    case 7000218:
        *status = 401;
        return "invalid_client";
    case 700016:
    case 7000112:
        return "unauthorized_client";
    case 90002:
        return "invalid_request";
    case 50034:
    case 50053:
    case 50055:
    case 50057:
    case 50126:
    case 50173:
    case 65001:
    case 70000:
    case 700082:
    case 9002313:
        return "invalid_grant";
    default:
        return dflt;
    }
}

static char *b64url_json(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    char *b = rs_malloc(4 * ((strlen(s) + 2) / 3) + 1);
    rs_base64url(s, strlen(s), b);
    free(s);
    return b;
}

static char *id_token(oauth_state *s, const api_req *q, const rs_grant *g, const char *client_id)
{
    int64_t now = rs_time_now_ms() / 1000;
    char uti[37];
    rs_guid(uti);
    char *iss = rs_asprintf("https://%s/%s/v2.0", q->host, g->tenant_id);
    json_t *c =
        json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "iss", iss, "aud",
                  client_id && *client_id ? client_id : "roomsys", "iat", (json_int_t)now, "nbf",
                  (json_int_t)now, "exp", (json_int_t)(now + g->expires_in), "auth_time",
                  (json_int_t)(g->auth_time_ms / 1000), "name", g->name, "oid", g->object_id,
                  "preferred_username", g->upn, "sub", g->object_id, "tid", g->tenant_id, "uti",
                  uti, "ver", "2.0");
    free(iss);
    rotate_if_due(s);
    char *jwt = c ? api_jwks_sign(s->keys, c) : NULL;
    json_decref(c);
    return jwt;
}

static char *token_body(oauth_state *s, const api_req *q, const rs_grant *g, const char *client_id,
                        bool want_client_info)
{
    json_t *o =
        json_pack("{s:s,s:s,s:i,s:i,s:s}", "token_type", "Bearer", "scope", g->scope, "expires_in",
                  g->expires_in, "ext_expires_in", g->expires_in, "access_token", g->access_token);
    if (g->refresh_token) {
        json_object_set_new(o, "refresh_token", json_string(g->refresh_token));
        json_object_set_new(o, "refresh_token_expires_in", json_integer(g->refresh_expires_in));
    }
    if (!g->is_app && dir_scope_has(g->scope, "openid")) {
        char *jwt = id_token(s, q, g, client_id);
        if (jwt) {
            json_object_set_new(o, "id_token", json_string(jwt));
            free(jwt);
        }
    }
    if (!g->is_app && (want_client_info || dir_scope_has(g->scope, "openid"))) {
        json_t *ci = json_pack("{s:s,s:s}", "uid", g->object_id, "utid", g->tenant_id);
        char *b = b64url_json(ci);
        json_decref(ci);
        json_object_set_new(o, "client_info", json_string(b));
        free(b);
    }
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return body;
}

/* RFC 6749 scope characters (plus the space between scopes), at most 1 KiB;
 * NULL is fine. */
static bool scope_chars_ok(const char *s)
{
    if (!s)
        return true;
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            return false;
    }
    return n <= 1024;
}

static bool form_content_type(const api_req *q)
{
    const char *ct = api_form_get_ci(q->headers, "Content-Type");
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
           (ct[33] == '\0' || ct[33] == ';' || ct[33] == ' ');
}

/* RFC 6749 section 2.3.1 client_secret_basic: "Basic base64(urlenc(id) ':'
 * urlenc(secret))". On true *id and *secret are malloc'd (caller wipes and
 * frees them); false for any other shape. */
static bool basic_credentials(const char *hdr, char **id, char **secret)
{
    *id = *secret = NULL;
    if (strncasecmp(hdr, "Basic", 5) != 0 || (hdr[5] != ' ' && hdr[5] != '\t'))
        return false;
    const char *b = hdr + 5;
    while (*b == ' ' || *b == '\t')
        b++;
    size_t n = strlen(b);
    while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t'))
        n--;
    if (n == 0 || n > 2048)
        return false;
    gnutls_datum_t in = {.data = (unsigned char *)b, .size = (unsigned)n}, raw = {0};
    if (gnutls_base64_decode2(&in, &raw) < 0)
        return false;
    char *colon = raw.size ? memchr(raw.data, ':', raw.size) : NULL;
    bool ok = colon && memchr(raw.data, '\0', raw.size) == NULL;
    if (ok) {
        size_t il = (size_t)(colon - (char *)raw.data), sl = raw.size - il - 1;
        *id = rs_calloc(1, il + 1);
        *secret = rs_calloc(1, sl + 1);
        ok = il > 0 && api_pct_decode((const char *)raw.data, il, true, *id, NULL) &&
             api_pct_decode(colon + 1, sl, true, *secret, NULL);
    }
    rs_wipe(raw.data, raw.size);
    gnutls_free(raw.data);
    if (!ok) {
        free(*id);
        if (*secret) {
            rs_wipe(*secret, strlen(*secret));
            free(*secret);
        }
        *id = *secret = NULL;
    }
    return ok;
}

static void token(const api_env *env, oauth_state *s, const api_req *q, api_resp *r)
{
    api_form f = {0};
    rs_err e;
    rs_err_clear(&e);
    char text[900];
    rs_grant g = {0};
    char *basic_id = NULL, *basic_secret = NULL; /* client_secret_basic */

    if (!form_content_type(q)) {
        aad_error(q, r, 400, "invalid_request", 9002313,
                  "Invalid request. Request is malformed or invalid. The Content-Type must be "
                  "application/x-www-form-urlencoded.");
        goto done;
    }
    if (api_form_parse(q->body, q->body_len, &f, &e) != RS_OK) {
        snprintf(text, sizeof text, "Invalid request. Request is malformed or invalid. %s", e.msg);
        aad_error(q, r, 400, "invalid_request", 9002313, text);
        goto done;
    }
    const char *grant = api_form_get(&f, "grant_type");
    if (!grant || !*grant) {
        aad_error(q, r, 400, "invalid_request", 900144,
                  "The request body must contain the following parameter: 'grant_type'.");
        goto done;
    }
    static const char *const pw_required[] = {"username", "password", "scope", NULL};
    static const char *const rt_required[] = {"refresh_token", NULL};
    static const char *const cc_required[] = {"client_id", "scope", NULL};
    const char *const *required = NULL;
    if (!strcmp(grant, "password"))
        required = pw_required;
    else if (!strcmp(grant, "refresh_token"))
        required = rt_required;
    else if (!strcmp(grant, "client_credentials"))
        required = cc_required;
    if (!required) {
        snprintf(text, sizeof text, "The app requested an unsupported grant type '%.64s'.", grant);
        aad_error(q, r, 400, "unsupported_grant_type", 70003, text);
        goto done;
    }
    /* Client authentication (RFC 6749 section 2.3): the secret in the body
     * (client_secret_post) or in an Authorization: Basic header
     * (client_secret_basic), never both (section 2.3: one method per request). */
    const char *authz = api_form_get_ci(q->headers, "Authorization");
    const char *secret = api_form_get(&f, "client_secret");
    const char *client_id = api_form_get(&f, "client_id");
    if (authz) {
        if (!basic_credentials(authz, &basic_id, &basic_secret)) {
            aad_error(q, r, 401, "invalid_client", 9002313,
                      "The Authorization header is not valid client authentication. Send "
                      "'Authorization: Basic' with the URL-encoded client_id and client_secret "
                      "(RFC 6749 section 2.3.1), or the client_secret in the request body.");
            r->www_auth = "Basic realm=\"roomsys\"";
            goto done;
        }
        if (secret) {
            aad_error(q, r, 400, "invalid_request", 9002313,
                      "Invalid request. Request is malformed or invalid. The client credentials "
                      "were sent both in the Authorization header and in the request body; use "
                      "one client authentication method.");
            goto done;
        }
        if (client_id && strcmp(client_id, basic_id) != 0) {
            aad_error(q, r, 400, "invalid_request", 9002313,
                      "Invalid request. Request is malformed or invalid. The client_id in the "
                      "request body is not the one in the Authorization header.");
            goto done;
        }
        client_id = basic_id;
        secret = basic_secret;
    }
    for (size_t i = 0; required[i]; i++) {
        const char *v =
            !strcmp(required[i], "client_id") ? client_id : api_form_get(&f, required[i]);
        if (!v || !*v) {
            snprintf(text, sizeof text,
                     "The request body must contain the following parameter: '%s'.", required[i]);
            aad_error(q, r, 400, "invalid_request", 900144, text);
            goto done;
        }
    }
    if (!strcmp(grant, "client_credentials") && (!secret || !*secret)) {
        aad_error(q, r, 401, "invalid_client", 7000218,
                  "The request body must contain the following parameter: 'client_assertion' or "
                  "'client_secret'.");
        goto done;
    }
    const char *scope = api_form_get(&f, "scope");
    if (!scope_chars_ok(scope)) { /* RFC 6749 section 3.3: printable ASCII, no '"' or '\\' */
        aad_error(q, r, 400, "invalid_scope", 70011,
                  "The provided value for the input parameter 'scope' is not valid. Scopes are "
                  "printable ASCII words separated by spaces.");
        goto done;
    }
    if (client_id && (strlen(client_id) > 256 || !scope_chars_ok(client_id))) {
        aad_error(q, r, 400, "invalid_request", 900144,
                  "The request body must contain the following parameter: 'client_id' (a "
                  "printable ASCII application id).");
        goto done;
    }
    const char *ci = api_form_get(&f, "client_info");
    rs_grant_req rq = {
        .grant = grant,
        .src_ip = q->peer,
        .tenant = q->route->tenant,
        .scope = scope,
        .client_id = client_id,
        .username = api_form_get(&f, "username"),
        .password = api_form_get(&f, "password"),
        .refresh_token = api_form_get(&f, "refresh_token"),
        .client_secret = secret,
        .want_refresh = dir_scope_has(scope, "offline_access") || !strcmp(grant, "refresh_token"),
    };
    if (rq.username)
        snprintf(q->actor, API_ACTOR_MAX, "%s", rq.username);
    else if (client_id && !strcmp(grant, "client_credentials"))
        snprintf(q->actor, API_ACTOR_MAX, "%s", client_id);
    rs_status st = svc_oauth_grant(env->svc, &rq, &g, &e);
    if (st == RS_OK) {
        if (!q->actor[0])
            snprintf(q->actor, API_ACTOR_MAX, "%s", g.upn);
        char *body = token_body(s, q, &g, client_id, ci && !strcmp(ci, "1"));
        if (!body) {
            aad_error(q, r, 500, "server_error", 50000,
                      "There was an error issuing a token or an issue with our sign-in service.");
            goto done;
        }
        api_resp_json(r, 200, body);
        goto done;
    }
    int code, status = 400;
    const char *rest;
    bool pre = aad_prefixed(e.msg, &code, &rest);
    switch (st) {
    case RS_EAUTH:
    case RS_EPERM:
    case RS_ESTATE:
    case RS_ELIMIT:
        if (pre) {
            const char *error = aad_error_for_code(code, "invalid_grant", &status);
            aad_error(q, r, status, error, code, rest);
        } else {
            aad_error(q, r, 400, "invalid_grant", 50126,
                      "Error validating credentials due to invalid username or password.");
        }
        break;
    case RS_ENOTFOUND:
        if (pre) {
            const char *error = aad_error_for_code(code, "invalid_request", &status);
            aad_error(q, r, status, error, code, rest);
        } else {
            snprintf(text, sizeof text,
                     "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
                     "and are signing into the correct cloud.",
                     q->route->tenant);
            aad_error(q, r, 400, "invalid_request", 90002, text);
        }
        break;
    case RS_EINVAL:
    case RS_EPARSE:
        if (pre) {
            const char *error = aad_error_for_code(code, "invalid_request", &status);
            aad_error(q, r, status, error, code, rest);
        } else { /* the services refuse only the scope with EINVAL */
            snprintf(text, sizeof text,
                     "The provided value for the input parameter 'scope' is not valid. %s", e.msg);
            aad_error(q, r, 400, "invalid_scope", 70011, text);
        }
        break;
    case RS_EUNAVAIL:
    case RS_ESTORE:
    case RS_EIO:
        aad_error(q, r, 503, "temporarily_unavailable", 90033,
                  "A transient error has occurred. Please try again.");
        break;
    default:
        rs_log(RS_LOG_ERROR, NULL, "token issue failed: %s", e.msg);
        aad_error(q, r, 500, "server_error", 50000,
                  "There was an error issuing a token or an issue with our sign-in service.");
        break;
    }
done:
    if (basic_id && r->status == 401 && !r->www_auth)
        r->www_auth = "Basic realm=\"roomsys\"";
    free(basic_id);
    if (basic_secret) {
        rs_wipe(basic_secret, strlen(basic_secret));
        free(basic_secret);
    }
    rs_grant_clear(&g);
    api_form_free(&f);
}

/* ------------------------------------------------------------------------- */

/* The end_session_endpoint. An id_token_hint (OIDC RP-Initiated Logout 1.0
 * section 2) must be an id_token this server signed with a key it still
 * publishes: a token with an unknown kid or a bad signature is refused. */
static void logout(oauth_state *s, const api_req *q, api_resp *r)
{
    const char *hint = api_form_get(q->args, "id_token_hint");
    if (hint) {
        json_t *claims = strlen(hint) <= 16384 ? api_jwks_verify(s->keys, hint) : NULL;
        bool ok = claims != NULL;
        json_decref(claims);
        if (!ok) {
            aad_error(q, r, 400, "invalid_request", 9002313,
                      "Invalid request. Request is malformed or invalid. The id_token_hint is not "
                      "an id_token signed by one of this server's published keys (unknown kid or "
                      "bad signature).");
            return;
        }
    }
    api_resp_text(r, 200,
                  "Signed out. roomsys keeps no browser session; access tokens stay valid until "
                  "they expire (the portal revokes its own at sign-out).");
}

static void handle(const api_env *env, void *state, const api_req *q, api_resp *r)
{
    oauth_state *s = state;
    if (ends_with_ci(q->path, "/v2.0/.well-known/openid-configuration")) {
        if (!method_is(q, "GET", "HEAD"))
            method_not_allowed(q, r, "GET, HEAD");
        else
            metadata(env, q, r);
    } else if (ends_with_ci(q->path, "/discovery/v2.0/keys")) {
        if (!method_is(q, "GET", "HEAD"))
            method_not_allowed(q, r, "GET, HEAD");
        else
            jwks(env, s, q, r);
    } else if (ends_with_ci(q->path, "/oauth2/v2.0/token")) {
        if (!method_is(q, "POST", NULL))
            method_not_allowed(q, r, "POST");
        else
            token(env, s, q, r);
    } else if (ends_with_ci(q->path, "/oauth2/v2.0/authorize")) {
        aad_error(q, r, 400, "unsupported_response_type", 70049,
                  "roomsys does not offer interactive sign-in (authorization code, implicit, "
                  "hybrid or device code flows). Request tokens at the token endpoint with the "
                  "password, refresh_token or client_credentials grant.");
    } else if (ends_with_ci(q->path, "/oauth2/v2.0/logout")) {
        if (!method_is(q, "GET", "HEAD"))
            method_not_allowed(q, r, "GET, HEAD");
        else
            logout(s, q, r);
    } else {
        api_resp_json(
            r, 404,
            api_simple_error_body(404, "The requested resource does not exist on this server."));
    }
}

const api_ext_ops api_ext_oauth = {.name = "oauth", .init = init, .fini = fini, .handle = handle};
