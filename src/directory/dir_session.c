/* dir_session.c - admin sign-in and bearer tokens. Tokens are 256-bit random
 * values; only their SHA-256 is stored (tenant "" / kind "session"). */
#include "directory.h"
#include "dir_roles.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"

/* Which service a requested OAuth scope names (Microsoft's resource URIs are
 * accepted so scripts need no edits). NULL if none. */
static const char *scope_service(const char *scope)
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
    for (size_t i = 0; scope && i < sizeof map / sizeof map[0]; i++)
        if (strstr(scope, map[i].needle))
            return map[i].service;
    return NULL;
}

static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char *dummy; /* verifier of no account, made once */

rs_status dir_token_issue(store_t *st, const dir_settings *ds, dir_lockout *lo, const char *src_ip,
                          const char *tenant, const char *upn, const char *password,
                          const char *scope, char **out_token, int *out_expires_in, rs_err *err)
{
    *out_token = NULL;
    const char *service = scope_service(scope);
    if (!service)
        return rs_errf(err, RS_EINVAL,
                       "The scope '%s' does not name a roomsys service (Exchange Online, Skype for "
                       "Business Online, MSOnline or Microsoft Graph).",
                       scope ? scope : "");
    const char *at = upn ? strchr(upn, '@') : NULL;
    if (!tenant || !*tenant || rs_streq_ci(tenant, "organizations") ||
        rs_streq_ci(tenant, "common"))
        tenant = at ? at + 1 : "";
    char tid[37];
    json_t *user = NULL, *t = NULL;
    rs_status rc = dir_tenant_resolve(st, tenant, tid, NULL);
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
    if (ok && (json_is_true(json_object_get(user, "BlockCredential")) ||
               !json_is_true(json_object_get(user, "AccountEnabled")) || !dir_user_roles(user) ||
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
    unsigned char raw[32];
    rs_random(raw, sizeof raw);
    char tok[64], hash[65];
    rs_base64url(raw, sizeof raw, tok);
    char *token = rs_asprintf("rs1.%s", tok);
    rs_sha256_hex(token, strlen(token), hash);
    int64_t exp = rs_time_now_ms() + (int64_t)ds->token_lifetime_s * 1000;
    json_t *sess = json_pack("{s:s,s:O,s:O,s:s,s:I}", "TenantId", tid, "UserObjectId",
                             json_object_get(user, "ObjectId"), "UserPrincipalName",
                             json_object_get(user, "UserPrincipalName"), "Service", service,
                             "ExpiresMs", (json_int_t)exp);
    rc = store_put(st, "", "session", hash, sess, err);
    json_decref(sess);
    json_decref(user);
    json_decref(t);
    if (rc) {
        free(token);
        return rc;
    }
    *out_token = token;
    *out_expires_in = ds->token_lifetime_s;
    return RS_OK;
}

rs_status dir_token_check(store_t *st, const char *token, rs_principal *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    char hash[65];
    json_t *sess = NULL, *user = NULL, *t = NULL;
    if (!token || strncmp(token, "rs1.", 4) || strlen(token) > 128)
        return rs_errf(err, RS_EAUTH, "The access token is missing or invalid.");
    rs_sha256_hex(token, strlen(token), hash);
    rs_status rc = store_get(st, "", "session", hash, &sess, NULL);
    if (rc == RS_OK && json_integer_value(json_object_get(sess, "ExpiresMs")) <= rs_time_now_ms()) {
        store_del(st, "", "session", hash, NULL);
        rc = RS_EAUTH;
    }
    const char *tid = json_string_value(json_object_get(sess, "TenantId"));
    if (rc == RS_OK)
        rc = dir_user_find(st, tid, json_string_value(json_object_get(sess, "UserObjectId")), &user,
                           NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &t, NULL);
    if (rc == RS_OK && json_is_true(json_object_get(user, "BlockCredential")))
        rc = RS_EAUTH;
    if (rc == RS_OK) {
        snprintf(out->tenant_id, sizeof out->tenant_id, "%s", tid);
        snprintf(out->tenant_domain, sizeof out->tenant_domain, "%s",
                 json_string_value(json_object_get(t, "InitialDomain")));
        snprintf(out->upn, sizeof out->upn, "%s",
                 json_string_value(json_object_get(user, "UserPrincipalName")));
        snprintf(out->object_id, sizeof out->object_id, "%s",
                 json_string_value(json_object_get(user, "ObjectId")));
        snprintf(out->service, sizeof out->service, "%s",
                 json_string_value(json_object_get(sess, "Service")));
        out->roles = dir_user_roles(user);
        out->rights = dir_user_rights(user);
    }
    json_decref(sess);
    json_decref(user);
    json_decref(t);
    if (rc != RS_OK)
        return rs_errf(err, RS_EAUTH, "The access token is missing, invalid or expired.");
    return RS_OK;
}
