/* portal.c - the web portal (admin-api.md section 5), a route family behind
 * api_ext.h.
 *
 *   GET  /, /portal                 302 to /portal/
 *   GET  /portal/login              sign-in page (form)
 *   POST /portal/login              verify (svc_token_issue: same checks and smart
 *                                   lockout as the token endpoint), start a session
 *   POST /portal/logout             end the session (CSRF token required)
 *   GET  /portal/static/<file>      embedded CSS/JS (ETag, revalidated)
 *   GET  /portal/{,users,licenses,rooms,pools,audit}[/<id>]
 *                                   the application page (signed in), rendered by app.js
 *   GET  /portal/api/session        who is signed in, roles, the CSRF token
 *   POST /portal/api/invoke         {"service","cmdlet","parameters"}: one cmdlet
 *                                   through cmdlet_invoke, answered in InvokeCommand shapes
 *
 * Sessions live in memory only: the cookie holds 256 random bits; the table
 * keys sessions by the SHA-256 of that value. A session holds the bearer token
 * sign-in issued (checked again on every request, so a blocked account or a
 * removed role takes effect at once), a CSRF token, idle and absolute expiry
 * ([https] portal_*_timeout_seconds). The token's server-side expiry follows
 * the session (slid forward while it is used), and the token is revoked when
 * the session ends: at sign-out before the answer, after a timeout or an
 * eviction at the next portal request, after a restart at start.
 * Every state-changing request needs the session's CSRF token (X-CSRF-Token
 * header or csrf form field, compared in constant time) and, when the browser
 * sends them, a same-origin Origin and Sec-Fetch-Site.
 */
#include "api_ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmdlets/invoke.h"
#include "../cmdlets/services.h"
#include "../cmdlets/services_oauth.h"
#include "portal_session.h"
#include "rs_log.h"
#include "rs_util.h"

/* embedded files (generated from src/api/portal/ by embed.cmake) */
extern const char portal_login_html[];
extern const char portal_app_html[];
extern const char portal_app_js[];
extern const char portal_app_css[];

#define PORTAL_COOKIE       "rs_portal"
#define PORTAL_SESSIONS_MAX 1024 /* oldest dropped beyond */
#define PORTAL_FIELD_MAX    256  /* longest accepted UPN */

#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

typedef struct asset {
    const char *name; /* under /portal/static/ */
    const char *data;
    const char *ctype;
    char etag[24]; /* "\"<16 hex>\"" */
} asset;

typedef struct portal {
    portal_sessions *sessions;
    int64_t idle_ms, absolute_ms; /* [https] portal_{idle,absolute}_timeout_seconds */
    asset assets[2];
} portal;

/* Revoke the tokens of the sessions that ended (sign-out, idle or absolute
 * expiry, eviction) server-side; true when every one was revoked. */
static bool revoke_ended(const api_env *env, portal *p)
{
    char **toks = portal_sessions_take_ended(p->sessions, rs_time_now_ms());
    bool ok = true;
    for (size_t i = 0; toks && toks[i]; i++) {
        rs_err e;
        rs_err_clear(&e);
        if (svc_token_revoke(env->svc, toks[i], &e) != RS_OK) {
            rs_log(RS_LOG_ERROR, NULL,
                   "portal: cannot revoke an ended session's token (%s); it expires by itself "
                   "within the idle timeout",
                   e.msg);
            ok = false;
        }
    }
    portal_tokens_free(toks);
    return ok;
}

/* The session the request's cookie names (a copy: portal_sess_clear). */
static bool sess_find(portal *p, const api_req *req, portal_sess *out)
{
    char val[PORTAL_COOKIE_LEN];
    bool have =
        portal_cookie_get(api_form_get_ci(req->headers, "Cookie"), PORTAL_COOKIE, val, sizeof val);
    bool ok = portal_sessions_find(p->sessions, have ? val : NULL, rs_time_now_ms(), out);
    rs_wipe(val, sizeof val);
    return ok;
}

/* ---- responses ---- */

static void add_security_headers(api_resp *r)
{
    api_form_add(&r->headers, "Content-Security-Policy", CSP);
    api_form_add(&r->headers, "X-Frame-Options", "DENY");
    api_form_add(&r->headers, "Referrer-Policy", "same-origin");
    api_form_add(&r->headers, "Cross-Origin-Opener-Policy", "same-origin");
    api_form_add(&r->headers, "Cross-Origin-Resource-Policy", "same-origin");
}

static void redirect(api_resp *r, int status, const char *location)
{
    api_resp_text(r, status, "");
    api_form_add(&r->headers, "Location", location);
    r->no_store = true;
}

static void json_error(api_resp *r, int status, const char *msg)
{
    api_resp_json(r, status, api_simple_error_body(status, msg));
    r->no_store = true;
}

static void html_page(api_resp *r, int status, const char *html)
{
    r->status = status;
    r->body = rs_strdup(html);
    r->ctype = "text/html; charset=utf-8";
    r->no_store = true;
}

static void html_escape(rs_buf *b, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<':
            rs_buf_puts(b, "&lt;");
            break;
        case '>':
            rs_buf_puts(b, "&gt;");
            break;
        case '&':
            rs_buf_puts(b, "&amp;");
            break;
        case '"':
            rs_buf_puts(b, "&quot;");
            break;
        case '\'':
            rs_buf_puts(b, "&#39;");
            break;
        default:
            rs_buf_putc(b, *s);
        }
}

/* The sign-in page with `msg` (may be NULL) in its status line and `upn` kept
 * in the user name field. */
static void login_page(api_resp *r, int status, const char *msg, const char *upn)
{
    const char *tpl = portal_login_html;
    rs_buf b = {0};
    for (const char *s = tpl; *s;) {
        const char *m = strstr(s, "{{");
        if (!m) {
            rs_buf_puts(&b, s);
            break;
        }
        rs_buf_append(&b, s, (size_t)(m - s));
        if (!strncmp(m, "{{message}}", 11)) {
            html_escape(&b, msg ? msg : "");
            s = m + 11;
        } else if (!strncmp(m, "{{kind}}", 8)) {
            rs_buf_puts(&b, status < 400 ? "info" : "error");
            s = m + 8;
        } else if (!strncmp(m, "{{upn}}", 7)) {
            html_escape(&b, upn ? upn : "");
            s = m + 7;
        } else {
            rs_buf_puts(&b, "{{");
            s = m + 2;
        }
    }
    r->status = status;
    r->body = rs_buf_take(&b);
    r->ctype = "text/html; charset=utf-8";
    r->no_store = true;
}

/* ---- request checks ---- */

static bool same_origin(const api_req *req)
{
    return portal_same_origin(api_form_get_ci(req->headers, "Sec-Fetch-Site"),
                              api_form_get_ci(req->headers, "Origin"), req->host);
}

/* ---- handlers ---- */

static void serve_asset(portal *p, const api_req *req, api_resp *r, const char *name)
{
    for (size_t i = 0; i < sizeof p->assets / sizeof p->assets[0]; i++) {
        const asset *a = &p->assets[i];
        if (strcmp(a->name, name) != 0)
            continue;
        const char *inm = api_form_get_ci(req->headers, "If-None-Match");
        if (inm && strstr(inm, a->etag)) {
            api_resp_text(r, 304, "");
        } else {
            r->status = 200;
            r->body = rs_strdup(a->data);
            r->body_len = strlen(a->data);
            r->ctype = a->ctype;
        }
        api_form_add(&r->headers, "ETag", a->etag);
        api_form_add(&r->headers, "Cache-Control", "no-cache");
        return;
    }
    api_resp_text(r, 404, "Not found.");
}

static void do_login(const api_env *env, portal *p, const api_req *req, api_resp *r)
{
    if (!same_origin(req)) {
        login_page(r, 403, "The sign-in form must be sent from this portal.", NULL);
        return;
    }
    api_form f = {0};
    rs_err e;
    rs_err_clear(&e);
    if (api_form_parse(req->body, req->body_len, &f, &e) != RS_OK) {
        login_page(r, 400, e.msg, NULL);
        return;
    }
    const char *upn = api_form_get(&f, "username");
    const char *pw = api_form_get(&f, "password");
    if (!upn || !*upn || !pw || !*pw || strlen(upn) >= PORTAL_FIELD_MAX) {
        login_page(r, 400, "Enter your user name and password.",
                   upn && strlen(upn) < 256 ? upn : "");
        api_form_free(&f);
        return;
    }
    char *token = NULL;
    int expires = 0;
    rs_status st = svc_token_issue(env->svc, req->peer, "organizations", upn, pw,
                                   "roomsys/exchange", &token, &expires, &e);
    rs_principal who;
    if (st == RS_OK && svc_token_check(env->svc, token, &who, &e) != RS_OK)
        st = RS_EAUTH;
    if (st != RS_OK) {
        if (token) {
            rs_wipe(token, strlen(token));
            free(token);
        }
        if (st == RS_EAUTH)
            login_page(r, 401,
                       "Your account or password is incorrect, or the account may not sign in "
                       "to the portal.",
                       upn);
        else
            login_page(r, rs_status_http(st) >= 500 ? rs_status_http(st) : 503,
                       "Sign-in is not available right now. Try again shortly.", upn);
        api_form_free(&f);
        return;
    }
    /* the token lives as long as the session may: the idle timeout now,
     * extended while the session is used (sess_principal), never beyond the
     * absolute timeout */
    int64_t now = rs_time_now_ms();
    int64_t exp = now + (p->idle_ms < p->absolute_ms ? p->idle_ms : p->absolute_ms);
    st = svc_token_hold(env->svc, token, exp, &e);
    if (st != RS_OK) {
        (void)svc_token_revoke(env->svc, token, NULL);
        rs_wipe(token, strlen(token));
        free(token);
        login_page(r, 503, "Sign-in is not available right now. Try again shortly.", upn);
        api_form_free(&f);
        return;
    }
    char cookie[PORTAL_COOKIE_LEN];
    unsigned char key[32];
    portal_sessions_start(p->sessions, who.upn, token, now, cookie);
    rs_sha256(cookie, strlen(cookie), key);
    portal_sessions_set_token_exp(p->sessions, key, exp);
    char *sc = rs_asprintf("%s=%s; Path=/portal; Secure; HttpOnly; SameSite=Strict", PORTAL_COOKIE,
                           cookie);
    rs_wipe(cookie, sizeof cookie);
    redirect(r, 303, "/portal/rooms");
    api_form_add(&r->headers, "Set-Cookie", sc);
    rs_wipe(sc, strlen(sc));
    free(sc);
    snprintf(req->actor, API_ACTOR_MAX, "%s", who.upn);
    api_form_free(&f);
}

static void do_logout(const api_env *env, portal *p, const api_req *req, api_resp *r)
{
    portal_sess s;
    if (!sess_find(p, req, &s)) {
        redirect(r, 303, "/portal/login");
        return;
    }
    api_form f = {0};
    const char *given = api_form_get_ci(req->headers, "X-CSRF-Token");
    if (!given && api_form_parse(req->body, req->body_len, &f, NULL) == RS_OK)
        given = api_form_get(&f, "csrf");
    if (!same_origin(req) || !portal_csrf_ok(&s, given)) {
        json_error(r, 403, "The request has no valid CSRF token.");
    } else {
        /* the session's token is revoked before the answer: a copy of it
         * stops working the moment the browser sees the sign-in page */
        portal_sessions_remove(p->sessions, s.key);
        if (!revoke_ended(env, p))
            rs_log(RS_LOG_WARNING, NULL, "portal: sign-out of %s left its token to expire", s.upn);
        redirect(r, 303, "/portal/login");
        api_form_add(&r->headers, "Set-Cookie",
                     PORTAL_COOKIE "=; Path=/portal; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
        /* nothing of the session stays in the browser either (W3C Clear Site Data) */
        api_form_add(&r->headers, "Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"");
    }
    api_form_free(&f);
    portal_sess_clear(&s);
}

/* The principal behind a session: the sign-in token checked again, and its
 * expiry slid forward while the session is used (portal_sessions_extend_to). */
static bool sess_principal(const api_env *env, portal *p, const portal_sess *s, rs_principal *who)
{
    rs_err e;
    rs_err_clear(&e);
    if (svc_token_check(env->svc, s->token, who, &e) == RS_OK) {
        int64_t exp = portal_sessions_extend_to(p->sessions, s, rs_time_now_ms());
        rs_status st = exp ? svc_token_hold(env->svc, s->token, exp, &e) : RS_OK;
        if (exp && st == RS_OK)
            portal_sessions_set_token_exp(p->sessions, s->key, exp);
        if (st != RS_ENOTFOUND)
            return true; /* a store error: the token still has its old expiry */
    }
    portal_sessions_remove(p->sessions, s->key);
    return false;
}

static void do_session(const api_env *env, portal *p, const api_req *req, api_resp *r)
{
    portal_sess s;
    rs_principal who;
    if (!sess_find(p, req, &s)) {
        json_error(r, 401, "Sign in to the portal first.");
        return;
    }
    if (!sess_principal(env, p, &s, &who)) {
        json_error(r, 401, "Your portal session has ended. Sign in again.");
        portal_sess_clear(&s);
        return;
    }
    static const struct {
        unsigned bit;
        const char *name;
    } roles[] = {{ROLE_GLOBAL_ADMIN, "Global Administrator"},
                 {ROLE_USER_ADMIN, "User Administrator"},
                 {ROLE_LICENSE_ADMIN, "License Administrator"},
                 {ROLE_EXCHANGE_ADMIN, "Exchange Administrator"},
                 {ROLE_SFB_ADMIN, "Skype for Business Administrator"},
                 {ROLE_GLOBAL_READER, "Global Reader"}};
    json_t *rl = json_array();
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (who.roles & roles[i].bit)
            json_array_append_new(rl, json_string(roles[i].name));
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:o,s:{s:b,s:b,s:b},s:I}", "upn", who.upn, "tenant",
                  who.tenant_domain, "csrf", s.csrf, "roles", rl, "access", "exchange",
                  (who.rights & RIGHT_EXCHANGE) != 0, "sfb", (who.rights & RIGHT_SFB) != 0, "msol",
                  (who.rights & RIGHT_MSOL) != 0, "idleSeconds", (json_int_t)(p->idle_ms / 1000));
    api_resp_json(r, 200, json_dumps(o, JSON_COMPACT));
    r->no_store = true;
    json_decref(o);
    snprintf(req->actor, API_ACTOR_MAX, "%s", who.upn);
    portal_sess_clear(&s);
}

static void do_invoke(const api_env *env, portal *p, const api_req *req, api_resp *r)
{
    portal_sess s;
    rs_principal who;
    rs_err e;
    rs_err_clear(&e);
    if (!sess_find(p, req, &s)) {
        json_error(r, 401, "Sign in to the portal first.");
        return;
    }
    json_t *body = NULL;
    invoke_result res = {0};
    if (!same_origin(req) || !portal_csrf_ok(&s, api_form_get_ci(req->headers, "X-CSRF-Token"))) {
        json_error(r, 403, "The request has no valid CSRF token.");
        goto done;
    }
    if (!sess_principal(env, p, &s, &who)) {
        json_error(r, 401, "Your portal session has ended. Sign in again.");
        goto done;
    }
    snprintf(req->actor, API_ACTOR_MAX, "%s", who.upn);
    if (api_json_depth(req->body, req->body_len, API_JSON_DEPTH_MAX) > API_JSON_DEPTH_MAX) {
        json_error(r, 400, "The request body is nested too deeply.");
        goto done;
    }
    json_error_t je;
    body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    const char *service = json_string_value(json_object_get(body, "service"));
    const char *cmdlet = json_string_value(json_object_get(body, "cmdlet"));
    json_t *params = json_object_get(body, "parameters");
    if (!json_is_object(body) || !service || !cmdlet || (params && !json_is_object(params))) {
        json_error(r, 400,
                   "The body must be {\"service\":\"exchange|sfb|msol\",\"cmdlet\":\"...\","
                   "\"parameters\":{...}}.");
        goto done;
    }
    if (strcmp(service, "exchange") && strcmp(service, "sfb") && strcmp(service, "msol")) {
        json_error(r, 400, "service must be exchange, sfb or msol.");
        goto done;
    }
    json_t *empty = params ? NULL : json_object();
    snprintf(who.service, sizeof who.service, "%s", service);
    rs_status st =
        cmdlet_invoke(env->svc, &who, service, cmdlet, params ? params : empty, &res, &e);
    json_decref(empty);
    if (st == RS_OK) {
        r->status = 200;
        r->body =
            api_invoke_success_body(req->host, service, who.tenant_domain, res.warnings, res.value);
        r->ctype = API_CT_ODATA;
        r->odata = true;
    } else {
        if (e.code == RS_OK)
            rs_errf(&e, st, "%s", rs_strerror(st));
        r->status = rs_status_http(st);
        r->body = api_invoke_error_body(&e, r->status);
        r->ctype = API_CT_ODATA;
        r->odata = true;
    }
    r->no_store = true;
done:
    invoke_result_clear(&res);
    json_decref(body);
    portal_sess_clear(&s);
}

/* Application pages: the path names a view app.js renders. */
static bool is_app_page(const char *rest)
{
    static const char *const views[] = {"users", "licenses", "rooms", "pools", "audit", NULL};
    if (!*rest)
        return true;
    for (const char *const *v = views; *v; v++) {
        size_t n = strlen(*v);
        if (!strncmp(rest, *v, n) &&
            (rest[n] == '\0' || (rest[n] == '/' && rest[n + 1] && !strchr(rest + n + 1, '/'))))
            return true;
    }
    return false;
}

static void route(const api_env *env, portal *p, const api_req *req, api_resp *resp)
{
    const char *path = req->path;
    bool get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
    bool post = !strcmp(req->method, "POST");
    add_security_headers(resp);

    if (!strcmp(path, "/") || !strcmp(path, "/portal")) {
        if (get)
            redirect(resp, 302, "/portal/");
        else {
            api_resp_text(resp, 405, "Method not allowed.");
            resp->allow = "GET, HEAD";
        }
        return;
    }
    const char *rest = path + strlen("/portal/");
    if (!strncmp(rest, "static/", 7)) {
        if (get)
            serve_asset(p, req, resp, rest + 7);
        else {
            api_resp_text(resp, 405, "Method not allowed.");
            resp->allow = "GET, HEAD";
        }
        return;
    }
    if (!strcmp(rest, "login")) {
        if (get) {
            const char *m = api_form_get(req->args, "signedout") ? "You signed out." : NULL;
            login_page(resp, 200, m, NULL);
        } else if (post)
            do_login(env, p, req, resp);
        else {
            api_resp_text(resp, 405, "Method not allowed.");
            resp->allow = "GET, HEAD, POST";
        }
        return;
    }
    const struct {
        const char *path;
        bool want_post;
        void (*fn)(const api_env *, portal *, const api_req *, api_resp *);
    } posts[] = {{"api/session", false, do_session}, {"api/invoke", true, do_invoke}};
    for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++)
        if (!strcmp(rest, posts[i].path)) {
            if (posts[i].want_post ? post : get)
                posts[i].fn(env, p, req, resp);
            else {
                json_error(resp, 405, "Method not allowed.");
                resp->allow = posts[i].want_post ? "POST" : "GET, HEAD";
            }
            return;
        }
    if (!strcmp(rest, "logout")) {
        if (post)
            do_logout(env, p, req, resp);
        else {
            api_resp_text(resp, 405, "Method not allowed.");
            resp->allow = "POST";
        }
        return;
    }
    if (is_app_page(rest)) {
        if (!get) {
            api_resp_text(resp, 405, "Method not allowed.");
            resp->allow = "GET, HEAD";
            return;
        }
        portal_sess s;
        if (!sess_find(p, req, &s)) {
            redirect(resp, 303, "/portal/login");
            return;
        }
        snprintf(req->actor, API_ACTOR_MAX, "%s", s.upn);
        portal_sess_clear(&s);
        html_page(resp, 200, portal_app_html);
        return;
    }
    api_resp_text(resp, 404, "The requested page does not exist on this server.");
}

static void handle(const api_env *env, void *state, const api_req *req, api_resp *resp)
{
    portal *p = state;
    route(env, p, req, resp);
    /* sessions that ended while nobody used them (idle, absolute, evicted):
     * their tokens are revoked at the next portal request of anyone */
    revoke_ended(env, p);
}

/* ---- lifecycle ---- */

static void asset_init(asset *a, const char *name, const char *data, const char *ctype)
{
    a->name = name;
    a->data = data;
    a->ctype = ctype;
    char hex[65];
    rs_sha256_hex(data, strlen(data), hex);
    snprintf(a->etag, sizeof a->etag, "\"%.16s\"", hex);
}

static rs_status init(const api_env *env, void **state, rs_err *err)
{
    (void)err;
    portal *p = rs_calloc(1, sizeof *p);
    p->idle_ms = (env->cfg->portal_idle_s > 0 ? env->cfg->portal_idle_s : 1800) * 1000LL;
    p->absolute_ms =
        (env->cfg->portal_absolute_s > 0 ? env->cfg->portal_absolute_s : 28800) * 1000LL;
    p->sessions = portal_sessions_new(PORTAL_SESSIONS_MAX, p->idle_ms, p->absolute_ms);
    /* sessions live in memory: the tokens of the previous run's are revoked */
    int n = env->svc ? svc_token_revoke_held(env->svc) : 0;
    if (n > 0)
        rs_log(RS_LOG_INFO, NULL, "portal: revoked %d token(s) of sessions from before the start",
               n);
    else if (n < 0)
        rs_log(RS_LOG_WARNING, NULL, "portal: cannot revoke the tokens of earlier sessions");
    asset_init(&p->assets[0], "app.js", portal_app_js, "text/javascript; charset=utf-8");
    asset_init(&p->assets[1], "app.css", portal_app_css, "text/css; charset=utf-8");
    *state = p;
    return RS_OK;
}

static void fini(void *state)
{
    portal *p = state;
    portal_sessions_free(p->sessions);
    free(p);
}

const api_ext_ops api_ext_portal = {.name = "portal", .init = init, .fini = fini, .handle = handle};
