/* dir_session.c - the token endpoint's grants and the bearer-token check
 * (spec/admin-api.md section 3).
 *
 * Access tokens ("rs1.") and refresh tokens ("rs1r.") are 256-bit random
 * values; only their SHA-256 is stored (tenant "" / kinds "session" and
 * "refresh"). A session document carries what the check needs: the tenant,
 * the user's or the service principal's ObjectId, the service, the expiry.
 * Refresh tokens rotate: redeeming one deletes it and issues a new one in the
 * same transaction, so each can be used once. */
#include "dir_session.h"
#include "dir_app.h"
#include "dir_roles.h"
#include "directory.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"

#define SWEEP_EVERY 256u /* grants between two sweeps of expired tokens */

void rs_grant_clear(rs_grant *g)
{
    if (g->access_token) {
        rs_wipe(g->access_token, strlen(g->access_token));
        free(g->access_token);
    }
    if (g->refresh_token) {
        rs_wipe(g->refresh_token, strlen(g->refresh_token));
        free(g->refresh_token);
    }
    memset(g, 0, sizeof *g);
}

/* Is `word` one of the space-separated tokens of scope (case-insensitive)? */
bool dir_scope_has(const char *scope, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = scope; p && *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == wl && strncasecmp(p, word, n) == 0)
            return true;
        p += n;
    }
    return false;
}

static bool oidc_scope(const char *s, size_t n)
{
    static const char *const w[] = {"openid", "profile", "offline_access", "email"};
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        if (strlen(w[i]) == n && strncasecmp(s, w[i], n) == 0)
            return true;
    return false;
}

/* A Microsoft Graph permission in short form ("User.Read", "Calendars.ReadWrite"). */
static bool graph_permission(const char *s, size_t n)
{
    bool dot = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.')
            dot = true;
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return dot && s[0] != '.' && s[n - 1] != '.';
}

const char *dir_scope_service(const char *scope)
{
    static const struct {
        const char *needle, *service;
    } map[] = {{"outlook.office365.com", "exchange"},
               {"outlook.office.com", "exchange"},
               {"ps.outlook.com", "exchange"},
               {"roomsys/exchange", "exchange"},
               {"api.interfaces.records.teams.microsoft.com", "sfb"},
               {"online.lync.com", "sfb"},
               {"roomsys/sfb", "sfb"},
               {"graph.windows.net", "msol"},
               {"graph.microsoft.com", "graph"},
               {"roomsys/graph", "graph"},
               {"roomsys/msol", "msol"}};
    /* Microsoft's resource URIs are accepted so scripts need no edits */
    for (size_t i = 0; scope && i < sizeof map / sizeof map[0]; i++)
        if (strstr(scope, map[i].needle))
            return map[i].service;
    /* "User.Read openid profile offline_access": short-form Graph permissions
     * and OpenID Connect scopes name Microsoft Graph, as in Entra ID */
    size_t words = 0;
    for (const char *p = scope; p && *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n && !oidc_scope(p, n) && !graph_permission(p, n))
            return NULL;
        words += n > 0;
        p += n;
    }
    return words ? "graph" : NULL;
}

static rs_status bad_scope(const char *scope, rs_err *err)
{
    return rs_errf(err, RS_EINVAL,
                   "The scope '%.200s' does not name a roomsys service (Exchange Online, Skype for "
                   "Business Online, MSOnline or Microsoft Graph).",
                   scope ? scope : "");
}

static void new_token(const char *prefix, char **out, char hash[65])
{
    unsigned char raw[32];
    char tok[64];
    rs_random(raw, sizeof raw);
    rs_base64url(raw, sizeof raw, tok);
    rs_wipe(raw, sizeof raw);
    *out = rs_asprintf("%s%s", prefix, tok);
    rs_wipe(tok, sizeof tok);
    rs_sha256_hex(*out, strlen(*out), hash);
}

/* Issue the access token (and, when asked, a refresh token) for what g
 * describes; fills g's tokens. Inside or outside a transaction. */
static rs_status issue(store_t *st, const dir_settings *ds, int refresh_lifetime_s,
                       const char *client_id, bool want_refresh, rs_grant *g, rs_err *err)
{
    char hash[65];
    int64_t now = rs_time_now_ms();
    new_token("rs1.", &g->access_token, hash);
    json_t *sess =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "Kind", g->is_app ? "app" : "user", "TenantId",
                  g->tenant_id, g->is_app ? "AppObjectId" : "UserObjectId", g->object_id,
                  "UserPrincipalName", g->upn, "Service", g->service, "IssuedMs", (json_int_t)now,
                  "ExpiresMs", (json_int_t)(now + (int64_t)ds->token_lifetime_s * 1000));
    if (client_id && *client_id)
        json_object_set_new(sess, "ClientId", json_string(client_id));
    rs_status rc = store_put(st, "", "session", hash, sess, err);
    json_decref(sess);
    g->expires_in = ds->token_lifetime_s;
    if (rc != RS_OK || !want_refresh || g->is_app)
        return rc;
    new_token("rs1r.", &g->refresh_token, hash);
    json_t *rt =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "TenantId", g->tenant_id, "UserObjectId",
                  g->object_id, "Scope", g->scope, "ClientId", client_id ? client_id : "", "AuthMs",
                  (json_int_t)g->auth_time_ms, "IssuedMs", (json_int_t)now, "ExpiresMs",
                  (json_int_t)(now + (int64_t)refresh_lifetime_s * 1000));
    rc = store_put(st, "", "refresh", hash, rt, err);
    json_decref(rt);
    g->refresh_expires_in = refresh_lifetime_s;
    return rc;
}

static void fill_user(rs_grant *g, const char *tid, json_t *t, json_t *user)
{
    snprintf(g->tenant_id, sizeof g->tenant_id, "%s", tid);
    snprintf(g->tenant_domain, sizeof g->tenant_domain, "%s",
             json_string_value(json_object_get(t, "InitialDomain")));
    snprintf(g->object_id, sizeof g->object_id, "%s",
             json_string_value(json_object_get(user, "ObjectId")));
    snprintf(g->upn, sizeof g->upn, "%s",
             json_string_value(json_object_get(user, "UserPrincipalName")));
    const char *dn = json_string_value(json_object_get(user, "DisplayName"));
    snprintf(g->name, sizeof g->name, "%s", dn ? dn : g->upn);
}

static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char *dummy; /* verifier of no account, made once */

/* Resolve {tenant}; "organizations"/"common" take the tenant from fallback's domain. */
static rs_status resolve_tenant(store_t *st, const char *tenant, const char *upn, char tid[37])
{
    const char *at = upn ? strchr(upn, '@') : NULL;
    if (!tenant || !*tenant || rs_streq_ci(tenant, "organizations") ||
        rs_streq_ci(tenant, "common"))
        tenant = at ? at + 1 : "";
    return dir_tenant_resolve(st, tenant, tid, NULL);
}

static rs_status grant_password(store_t *st, const dir_settings *ds, dir_lockout *lo,
                                const rs_grant_req *rq, int refresh_lifetime_s, rs_grant *g,
                                rs_err *err)
{
    const char *service = dir_scope_service(rq->scope);
    if (!service)
        return bad_scope(rq->scope, err);
    const char *upn = rq->username, *password = rq->password, *src_ip = rq->src_ip;
    char tid[37];
    json_t *user = NULL, *t = NULL;
    rs_status rc = resolve_tenant(st, rq->tenant, upn, tid);
    if (rc == RS_OK)
        rc = dir_user_find(st, tid, upn, &user, NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &t, NULL);
    /* Same work and same answer for unknown users: verify against a dummy. */
    pthread_mutex_lock(&dummy_lock);
    if (!dummy)
        dummy = dir_password_hash(ds, "roomsys-dummy-password");
    pthread_mutex_unlock(&dummy_lock);
    const char *phc = user ? json_string_value(json_object_get(user, "PasswordVerifier")) : NULL;
    const char *oid = user ? json_string_value(json_object_get(user, "ObjectId")) : NULL;
    int64_t now = rs_time_now_ms();
    bool locked = lo && oid && dir_lockout_is_locked(lo, oid, src_ip, now);
    bool ok = dir_password_verify(phc ? phc : dummy, password ? password : "") && phc;
    /* directory.md section 6: wrong passwords count per (account, source); a
     * locked pair gets the same answer whatever the password */
    if (lo && oid && phc && !locked) {
        if (ok)
            dir_lockout_success(lo, oid, src_ip);
        else {
            dir_lockout_policy pol;
            dir_lockout_policy_of(t, &pol);
            if (dir_lockout_fail(lo, &pol, oid, src_ip, password ? password : "", now))
                rs_log(RS_LOG_WARNING, "\"event\":\"api.auth.locked\"",
                       "an account was locked out for one source after repeated failures");
        }
    }
    if (locked)
        ok = false;
    /* Admin services need an admin role; Microsoft Graph also serves the
     * signed-in user (a room device reading its own calendar), whose token then
     * carries no role and every admin action is refused. */
    if (ok && (json_is_true(json_object_get(user, "BlockCredential")) ||
               !json_is_true(json_object_get(user, "AccountEnabled")) ||
               (!dir_user_roles(user) && strcmp(service, "graph") != 0) ||
               dir_password_expired(t, user, rs_time_now_ms())))
        ok = false;
    if (!ok) {
        json_decref(user);
        json_decref(t);
        char extra[128];
        snprintf(extra, sizeof extra, "\"event\":\"api.auth.failed\",\"src\":\"%s\"",
                 src_ip && strspn(src_ip, "0123456789abcdefABCDEF.:") == strlen(src_ip) ? src_ip
                                                                                        : "");
        rs_log(RS_LOG_WARNING, extra, "admin sign-in failed");
        return rs_errf(err, RS_EAUTH,
                       "AADSTS50126: Error validating credentials due to invalid username or "
                       "password.");
    }
    fill_user(g, tid, t, user);
    snprintf(g->service, sizeof g->service, "%s", service);
    snprintf(g->scope, sizeof g->scope, "%s", rq->scope);
    g->auth_time_ms = now;
    json_decref(user);
    json_decref(t);
    return issue(st, ds, refresh_lifetime_s, rq->client_id, rq->want_refresh, g, err);
}

static rs_status refresh_refused(int code, const char *text, rs_err *err)
{
    return rs_errf(err, RS_EAUTH, "AADSTS%d: %s", code, text);
}

static rs_status grant_refresh(store_t *st, const dir_settings *ds, const rs_grant_req *rq,
                               int refresh_lifetime_s, rs_grant *g, rs_err *err)
{
    const char *tok = rq->refresh_token;
    if (!tok || strncmp(tok, "rs1r.", 5) != 0 || strlen(tok) > 128)
        return refresh_refused(9002313,
                               "Invalid request. Request is malformed or invalid. The refresh "
                               "token is malformed.",
                               err);
    const char *service = NULL;
    if (rq->scope && *rq->scope && !(service = dir_scope_service(rq->scope)))
        return bad_scope(rq->scope, err);
    char hash[65], tid[37];
    rs_sha256_hex(tok, strlen(tok), hash);
    json_t *rt = NULL, *user = NULL, *t = NULL;
    rs_status rc = store_begin(st, err);
    if (rc != RS_OK)
        return rc;
    rc = store_get(st, "", "refresh", hash, &rt, err);
    if (rc == RS_ENOTFOUND) {
        rc = refresh_refused(70000,
                             "Provided grant is invalid or malformed. The refresh token was "
                             "already redeemed, revoked or never issued.",
                             err);
        goto out;
    }
    if (rc != RS_OK)
        goto out;
    /* used once, whatever happens next */
    if ((rc = store_del(st, "", "refresh", hash, err)) != RS_OK)
        goto out;
    const char *rt_tid = json_string_value(json_object_get(rt, "TenantId"));
    const char *rt_client = json_string_value(json_object_get(rt, "ClientId"));
    int64_t now = rs_time_now_ms();
    if (json_integer_value(json_object_get(rt, "ExpiresMs")) <= now) {
        char iss[40];
        rs_time_iso8601_ms(json_integer_value(json_object_get(rt, "IssuedMs")), iss, sizeof iss);
        rs_errf(err, RS_EAUTH,
                "AADSTS700082: The refresh token has expired due to inactivity. The token was "
                "issued on %s and was inactive for longer than %d seconds.",
                iss, refresh_lifetime_s);
        rc = RS_EAUTH;
        goto commit;
    }
    /* at /organizations or /common the refresh token's own tenant applies */
    bool any_tenant = !rq->tenant || !*rq->tenant || rs_streq_ci(rq->tenant, "organizations") ||
                      rs_streq_ci(rq->tenant, "common");
    if (!rt_tid ||
        (!any_tenant &&
         (resolve_tenant(st, rq->tenant, NULL, tid) != RS_OK || strcmp(tid, rt_tid))) ||
        (rq->client_id && *rq->client_id && rt_client && *rt_client &&
         strcmp(rq->client_id, rt_client))) {
        rc = refresh_refused(70000,
                             "Provided grant is invalid or malformed. The refresh token was "
                             "issued to another tenant or application.",
                             err);
        goto commit;
    }
    if (dir_user_find(st, rt_tid, json_string_value(json_object_get(rt, "UserObjectId")), &user,
                      NULL) != RS_OK ||
        dir_tenant_get(st, rt_tid, &t, NULL) != RS_OK) {
        rc = refresh_refused(50034,
                             "The user account does not exist in the directory. To sign into "
                             "this application, the account must be added to the directory.",
                             err);
        goto commit;
    }
    if (json_is_true(json_object_get(user, "BlockCredential")) ||
        !json_is_true(json_object_get(user, "AccountEnabled"))) {
        rc = refresh_refused(50057, "The user account is disabled.", err);
        goto commit;
    }
    int64_t auth = json_integer_value(json_object_get(rt, "AuthMs"));
    int64_t changed = json_integer_value(json_object_get(user, "LastPasswordChangeTimestamp"));
    if (changed > auth) {
        char a[40], c[40];
        rs_time_iso8601_ms(auth, a, sizeof a);
        rs_time_iso8601_ms(changed, c, sizeof c);
        rs_errf(err, RS_EAUTH,
                "AADSTS50173: The provided grant has expired due to it being revoked, a fresh "
                "auth token is needed. The user might have changed or reset their password. The "
                "grant was issued on '%s' and the TokensValidFrom date (before which tokens are "
                "not valid) for this user is '%s'.",
                a, c);
        rc = RS_EAUTH;
        goto commit;
    }
    if (dir_password_expired(t, user, now)) {
        rc = refresh_refused(50055,
                             "The password is expired. The user's password has expired, and "
                             "therefore their login or session was ended.",
                             err);
        goto commit;
    }
    const char *scope = service ? rq->scope : json_string_value(json_object_get(rt, "Scope"));
    if (!service)
        service = dir_scope_service(scope);
    if (!service || (!dir_user_roles(user) && strcmp(service, "graph") != 0)) {
        rc = rs_errf(err, RS_EINVAL,
                     "AADSTS65001: The user has not consented to use the application for the "
                     "scope '%.200s'.",
                     scope ? scope : "");
        goto commit;
    }
    fill_user(g, rt_tid, t, user);
    snprintf(g->service, sizeof g->service, "%s", service);
    snprintf(g->scope, sizeof g->scope, "%s", scope);
    g->auth_time_ms = auth;
    rc = issue(st, ds, refresh_lifetime_s, rt_client && *rt_client ? rt_client : rq->client_id,
               true, g, err);
commit:
    /* the old token's deletion is kept even when the grant is refused */
    if (rc == RS_EAUTH || rc == RS_EINVAL || rc == RS_OK) {
        rs_err e2;
        rs_status c = store_commit(st, &e2);
        if (c != RS_OK) {
            if (rc == RS_OK)
                *err = e2;
            rc = c;
        }
        goto done;
    }
out:
    store_rollback(st);
done:
    json_decref(rt);
    json_decref(user);
    json_decref(t);
    if (rc != RS_OK)
        rs_grant_clear(g);
    return rc;
}

/* Does scope hold a "<resource>/.default" (client credentials need one)? */
static bool has_default(const char *scope)
{
    for (const char *p = scope; p && *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n >= 9 && strncmp(p + n - 9, "/.default", 9) == 0)
            return true;
        p += n;
    }
    return false;
}

static rs_status grant_client(store_t *st, const dir_settings *ds, const rs_grant_req *rq,
                              rs_grant *g, rs_err *err)
{
    if (!has_default(rq->scope))
        return rs_errf(err, RS_EINVAL,
                       "AADSTS1002012: The provided value for scope %.200s is not valid. Client "
                       "credential flows must have a scope value with /.default suffixed to the "
                       "resource identifier (application ID URI).",
                       rq->scope ? rq->scope : "");
    const char *service = dir_scope_service(rq->scope);
    if (!service)
        return bad_scope(rq->scope, err);
    const char *tenant = rq->tenant ? rq->tenant : "";
    char tid[37];
    if (rs_streq_ci(tenant, "organizations") || rs_streq_ci(tenant, "common") ||
        dir_tenant_resolve(st, tenant, tid, NULL) != RS_OK)
        return rs_errf(err, RS_ENOTFOUND,
                       "AADSTS90002: Tenant '%.200s' not found. Check to make sure you have the "
                       "correct tenant ID and are signing into the correct cloud. Client "
                       "credentials need the tenant's ID or domain in the authority.",
                       tenant);
    json_t *app = NULL, *t = NULL;
    rs_status rc = RS_ENOTFOUND;
    if (rq->client_id && rs_is_guid(rq->client_id))
        rc = dir_app_find(st, tid, rq->client_id, &app, err);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &t, err);
    if (rc == RS_ENOTFOUND) {
        rs_errf(err, RS_EAUTH,
                "AADSTS700016: Application with identifier '%.64s' was not found in the directory "
                "'%.200s'. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant. You may "
                "have sent your authentication request to the wrong tenant.",
                rq->client_id ? rq->client_id : "", tenant);
        rc = RS_EAUTH;
    }
    if (rc == RS_OK && !dir_app_secret_verify(app, rq->client_secret, rs_time_now_ms())) {
        rs_errf(err, RS_EAUTH,
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                "the request is the client secret value, not the client secret ID, for a secret "
                "added to app '%s'.",
                rq->client_id);
        rc = RS_EAUTH;
        rs_log(RS_LOG_WARNING, "\"event\":\"api.auth.failed\"", "app sign-in failed");
    }
    if (rc == RS_OK && !json_is_true(json_object_get(app, "AccountEnabled"))) {
        rs_errf(err, RS_EAUTH, "AADSTS7000112: Application '%s' is disabled.", rq->client_id);
        rc = RS_EAUTH;
    }
    if (rc == RS_OK) {
        g->is_app = true;
        snprintf(g->tenant_id, sizeof g->tenant_id, "%s", tid);
        snprintf(g->tenant_domain, sizeof g->tenant_domain, "%s",
                 json_string_value(json_object_get(t, "InitialDomain")));
        snprintf(g->object_id, sizeof g->object_id, "%s",
                 json_string_value(json_object_get(app, "ObjectId")));
        snprintf(g->app_id, sizeof g->app_id, "%s",
                 json_string_value(json_object_get(app, "AppPrincipalId")));
        snprintf(g->upn, sizeof g->upn, "%s", g->app_id);
        snprintf(g->name, sizeof g->name, "%s",
                 json_string_value(json_object_get(app, "DisplayName")));
        snprintf(g->service, sizeof g->service, "%s", service);
        snprintf(g->scope, sizeof g->scope, "%s", rq->scope);
        g->auth_time_ms = rs_time_now_ms();
        rc = issue(st, ds, 0, rq->client_id, false, g, err);
    }
    json_decref(app);
    json_decref(t);
    return rc;
}

typedef struct sweep_ctx {
    json_t *ids;
    int64_t now;
} sweep_ctx;

static int collect_expired(void *ud, const char *id, json_t *doc)
{
    sweep_ctx *c = ud;
    if (json_integer_value(json_object_get(doc, "ExpiresMs")) <= c->now)
        json_array_append_new(c->ids, json_string(id));
    return 0;
}

int dir_oauth_sweep(store_t *st, int64_t now_ms)
{
    static const char *const kinds[] = {"session", "refresh"};
    int n = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        sweep_ctx c = {.ids = json_array(), .now = now_ms};
        /* ids first, deletions after: no change while the store iterates */
        if (store_each(st, "", kinds[k], collect_expired, &c, NULL) == RS_OK &&
            json_array_size(c.ids) && store_begin(st, NULL) == RS_OK) {
            size_t i;
            json_t *v;
            json_array_foreach(c.ids, i, v)
            {
                if (store_del(st, "", kinds[k], json_string_value(v), NULL) == RS_OK)
                    n++;
            }
            if (store_commit(st, NULL) != RS_OK)
                n = 0;
        }
        json_decref(c.ids);
    }
    return n;
}

rs_status dir_oauth_grant(store_t *st, const dir_settings *ds, dir_lockout *lo,
                          const rs_grant_req *rq, int refresh_lifetime_s, rs_grant *out,
                          rs_err *err)
{
    memset(out, 0, sizeof *out);
    rs_status rc;
    if (rq->grant && !strcmp(rq->grant, "password"))
        rc = grant_password(st, ds, lo, rq, refresh_lifetime_s, out, err);
    else if (rq->grant && !strcmp(rq->grant, "refresh_token"))
        rc = grant_refresh(st, ds, rq, refresh_lifetime_s, out, err);
    else if (rq->grant && !strcmp(rq->grant, "client_credentials"))
        rc = grant_client(st, ds, rq, out, err);
    else
        rc = rs_errf(err, RS_EINVAL,
                     "AADSTS70003: The app requested an unsupported grant type "
                     "'%.64s'.",
                     rq->grant ? rq->grant : "");
    if (rc != RS_OK) {
        rs_grant_clear(out);
        return rc;
    }
    /* Tokens nobody presents again (refresh tokens never redeemed, access
     * tokens never checked after expiry) would stay forever: every
     * SWEEP_EVERY grants, expired ones are deleted. */
    static atomic_uint grants;
    if (atomic_fetch_add(&grants, 1) % SWEEP_EVERY == SWEEP_EVERY - 1) {
        int n = dir_oauth_sweep(st, rs_time_now_ms());
        if (n)
            rs_log(RS_LOG_DEBUG, NULL, "removed %d expired token(s)", n);
    }
    return RS_OK;
}

rs_status dir_token_issue(store_t *st, const dir_settings *ds, dir_lockout *lo, const char *src_ip,
                          const char *tenant, const char *upn, const char *password,
                          const char *scope, char **out_token, int *out_expires_in, rs_err *err)
{
    *out_token = NULL;
    rs_grant_req rq = {.grant = "password",
                       .src_ip = src_ip,
                       .tenant = tenant,
                       .scope = scope,
                       .username = upn,
                       .password = password};
    rs_grant g;
    rs_status rc = dir_oauth_grant(st, ds, lo, &rq, 0, &g, err);
    if (rc == RS_OK) {
        *out_token = g.access_token;
        *out_expires_in = g.expires_in;
        g.access_token = NULL;
    }
    rs_grant_clear(&g);
    return rc;
}

rs_status dir_token_check(store_t *st, const char *token, rs_principal *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    char hash[65];
    json_t *sess = NULL, *who = NULL, *t = NULL;
    if (!token || strncmp(token, "rs1.", 4) || strlen(token) > 128)
        return rs_errf(err, RS_EAUTH, "The access token is missing or invalid.");
    rs_sha256_hex(token, strlen(token), hash);
    rs_status rc = store_get(st, "", "session", hash, &sess, NULL);
    if (rc == RS_OK && json_integer_value(json_object_get(sess, "ExpiresMs")) <= rs_time_now_ms()) {
        store_del(st, "", "session", hash, NULL);
        rc = RS_EAUTH;
    }
    const char *tid = json_string_value(json_object_get(sess, "TenantId"));
    const char *kind = json_string_value(json_object_get(sess, "Kind"));
    bool app = kind && !strcmp(kind, "app");
    if (rc == RS_OK && app)
        rc = store_get(st, tid, "app", json_string_value(json_object_get(sess, "AppObjectId")),
                       &who, NULL);
    else if (rc == RS_OK)
        rc = dir_user_find(st, tid, json_string_value(json_object_get(sess, "UserObjectId")), &who,
                           NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &t, NULL);
    if (rc == RS_OK && !app && json_is_true(json_object_get(who, "BlockCredential")))
        rc = RS_EAUTH;
    if (rc == RS_OK && app && !json_is_true(json_object_get(who, "AccountEnabled")))
        rc = RS_EAUTH;
    if (rc == RS_OK) {
        snprintf(out->tenant_id, sizeof out->tenant_id, "%s", tid);
        snprintf(out->tenant_domain, sizeof out->tenant_domain, "%s",
                 json_string_value(json_object_get(t, "InitialDomain")));
        snprintf(out->object_id, sizeof out->object_id, "%s",
                 json_string_value(json_object_get(who, "ObjectId")));
        snprintf(out->service, sizeof out->service, "%s",
                 json_string_value(json_object_get(sess, "Service")));
        out->roles = dir_user_roles(who);
        if (app) {
            /* an app acts through its roles alone: remote-PowerShell access
             * rights are a per-user setting */
            out->is_app = true;
            snprintf(out->app_id, sizeof out->app_id, "%s",
                     json_string_value(json_object_get(who, "AppPrincipalId")));
            snprintf(out->upn, sizeof out->upn, "%s", out->app_id);
            out->rights = RIGHT_EXCHANGE | RIGHT_SFB | RIGHT_MSOL;
        } else {
            snprintf(out->upn, sizeof out->upn, "%s",
                     json_string_value(json_object_get(who, "UserPrincipalName")));
            out->rights = dir_user_rights(who);
        }
    }
    json_decref(sess);
    json_decref(who);
    json_decref(t);
    if (rc != RS_OK)
        return rs_errf(err, RS_EAUTH, "The access token is missing, invalid or expired.");
    return RS_OK;
}

/* ------------------------------------------------------------------------- */
/* tokens ended by their holder (dir_session.h)                              */

static bool token_shape_ok(const char *token)
{
    return token && !strncmp(token, "rs1.", 4) && strlen(token) <= 128;
}

rs_status dir_token_revoke(store_t *st, const char *token, rs_err *err)
{
    if (!token_shape_ok(token))
        return RS_OK;
    char hash[65];
    rs_sha256_hex(token, strlen(token), hash);
    rs_status rc = store_begin(st, err);
    if (rc != RS_OK)
        return rc;
    rc = store_del(st, "", "session", hash, err);
    if (rc == RS_ENOTFOUND) {
        store_rollback(st);
        return RS_OK;
    }
    if (rc != RS_OK) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, err);
}

rs_status dir_token_hold(store_t *st, const char *token, int64_t expires_ms, rs_err *err)
{
    if (!token_shape_ok(token))
        return rs_errf(err, RS_ENOTFOUND, "The access token is missing, invalid or expired.");
    char hash[65];
    rs_sha256_hex(token, strlen(token), hash);
    json_t *sess = NULL;
    rs_status rc = store_begin(st, err);
    if (rc != RS_OK)
        return rc;
    rc = store_get(st, "", "session", hash, &sess, err);
    if (rc == RS_OK && json_integer_value(json_object_get(sess, "ExpiresMs")) <= rs_time_now_ms())
        rc = rs_errf(err, RS_ENOTFOUND, "The access token is missing, invalid or expired.");
    if (rc == RS_OK) {
        json_object_set_new(sess, "ExpiresMs", json_integer((json_int_t)expires_ms));
        json_object_set_new(sess, "Portal", json_true());
        rc = store_put(st, "", "session", hash, sess, err);
    }
    json_decref(sess);
    if (rc != RS_OK) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, err);
}

static int collect_held(void *ud, const char *id, json_t *doc)
{
    if (json_is_true(json_object_get(doc, "Portal")))
        json_array_append_new(ud, json_string(id));
    return 0;
}

int dir_token_revoke_held(store_t *st)
{
    json_t *ids = json_array();
    int n = 0;
    if (store_each(st, "", "session", collect_held, ids, NULL) != RS_OK)
        n = -1;
    else if (json_array_size(ids)) {
        if (store_begin(st, NULL) != RS_OK)
            n = -1;
        else {
            size_t i;
            json_t *v;
            json_array_foreach(ids, i, v)
            {
                if (store_del(st, "", "session", json_string_value(v), NULL) == RS_OK)
                    n++;
            }
            if (store_commit(st, NULL) != RS_OK)
                n = -1;
        }
    }
    json_decref(ids);
    return n;
}
