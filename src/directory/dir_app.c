/* dir_app.c - app registrations (MSOnline service principals), see dir_app.h.
 *
 * Secrets: a secret roomsys generates is 256 random bits, so it is stored as
 * a salted SHA-256 ("sha256$<salt>$<hex>"): no guessing or dictionary attack
 * is possible against 2^256 values, and the token endpoint stays cheap. A
 * secret an admin chooses (-Value) may be weak, so it gets the argon2id
 * verifier every password gets (computed by invoke.c before the store is
 * taken). Plain secrets are never stored. */
#include "dir_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "directory.h"

static char *key_of(const char *app_id)
{
    char *k = rs_asprintf("appid:%s", app_id);
    rs_lower(k);
    return k;
}

rs_status dir_app_find(store_t *st, const char *tenant_id, const char *id, json_t **out,
                       rs_err *err)
{
    *out = NULL;
    if (!id || !*id)
        return RS_ENOTFOUND;
    if (rs_is_guid(id)) {
        char *lower = rs_lower_dup(id);
        rs_status rc = store_get(st, tenant_id, "app", lower, out, NULL);
        free(lower);
        if (rc != RS_ENOTFOUND)
            return rc;
    }
    char *key = key_of(id), *oid = NULL;
    rs_status rc = store_key_get(st, tenant_id, "app", key, &oid, err);
    free(key);
    if (rc == RS_ENOTFOUND) { /* a service principal name "x/<AppPrincipalId>" or its own */
        const char *slash = strrchr(id, '/');
        if (slash && rs_is_guid(slash + 1)) {
            key = key_of(slash + 1);
            rc = store_key_get(st, tenant_id, "app", key, &oid, err);
            free(key);
        }
    }
    if (rc == RS_OK)
        rc = store_get(st, tenant_id, "app", oid, out, err);
    free(oid);
    return rc;
}

json_t *dir_app_new(const char *display_name, const char *app_id)
{
    char oid[37], aid[37];
    rs_guid(oid);
    if (app_id && rs_is_guid(app_id)) {
        char *l = rs_lower_dup(app_id);
        snprintf(aid, sizeof aid, "%s", l);
        free(l);
    } else {
        rs_guid(aid);
    }
    return json_pack("{s:s,s:s,s:s,s:b,s:[s],s:[],s:[],s:I}", "ObjectId", oid, "AppPrincipalId",
                     aid, "DisplayName", display_name ? display_name : "", "AccountEnabled", 1,
                     "ServicePrincipalNames", aid, "Roles", "Credentials", "CreatedMs",
                     (json_int_t)rs_time_now_ms());
}

rs_status dir_app_create(store_t *st, const char *tenant_id, json_t *app, rs_err *err)
{
    const char *oid = json_string_value(json_object_get(app, "ObjectId"));
    char *key = key_of(json_string_value(json_object_get(app, "AppPrincipalId")));
    rs_status rc = store_key_set(st, tenant_id, "app", key, oid, NULL, err);
    free(key);
    if (rc == RS_OK)
        rc = store_put(st, tenant_id, "app", oid, app, err);
    return rc;
}

rs_status dir_app_save(store_t *st, const char *tenant_id, json_t *app, rs_err *err)
{
    return store_put(st, tenant_id, "app", json_string_value(json_object_get(app, "ObjectId")), app,
                     err);
}

rs_status dir_app_delete(store_t *st, const char *tenant_id, json_t *app, rs_err *err)
{
    const char *oid = json_string_value(json_object_get(app, "ObjectId"));
    rs_status rc = store_key_del_id(st, tenant_id, "app", oid, err);
    if (rc == RS_OK)
        rc = store_del(st, tenant_id, "app", oid, err);
    return rc;
}

rs_status dir_app_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud, rs_err *err)
{
    return store_each(st, tenant_id, "app", cb, ud, err);
}

void dir_app_secret_new(char out[48])
{
    unsigned char raw[32];
    rs_random(raw, sizeof raw);
    rs_base64url(raw, sizeof raw, out);
    rs_wipe(raw, sizeof raw);
}

static void salted(const char *salt, const char *secret, char hex[65])
{
    char *in = rs_asprintf("%s$%s", salt, secret);
    rs_sha256_hex(in, strlen(in), hex);
    rs_wipe(in, strlen(in));
    free(in);
}

char *dir_app_secret_hash(const char *secret)
{
    unsigned char raw[16];
    char salt[32], hex[65];
    rs_random(raw, sizeof raw);
    rs_base64url(raw, sizeof raw, salt);
    salted(salt, secret, hex);
    return rs_asprintf("sha256$%s$%s", salt, hex);
}

void dir_app_add_password(json_t *app, const char *phc, int64_t start_ms, int64_t end_ms,
                          char key_id[37])
{
    rs_guid(key_id);
    json_t *creds = json_object_get(app, "Credentials");
    if (!json_is_array(creds)) {
        creds = json_array();
        json_object_set_new(app, "Credentials", creds);
    }
    json_array_append_new(creds,
                          json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "KeyId", key_id, "Type",
                                    "Password", "Usage", "Verify", "Verifier", phc, "StartMs",
                                    (json_int_t)start_ms, "EndMs", (json_int_t)end_ms));
}

static bool verifier_ok(const char *v, const char *secret)
{
    if (!v)
        return false;
    if (strncmp(v, "sha256$", 7) == 0) {
        const char *salt = v + 7, *d = strchr(salt, '$');
        if (!d || strlen(d + 1) != 64)
            return false;
        char *s = rs_strndup(salt, (size_t)(d - salt));
        char hex[65];
        salted(s, secret, hex);
        free(s);
        return rs_ct_equal(hex, d + 1, 64);
    }
    return dir_password_verify(v, secret);
}

bool dir_app_secret_verify(json_t *app, const char *secret, int64_t now_ms)
{
    if (!secret || !*secret)
        return false;
    size_t i;
    json_t *c;
    bool ok = false;
    json_array_foreach(json_object_get(app, "Credentials"), i, c)
    {
        const char *type = json_string_value(json_object_get(c, "Type"));
        if (!type || strcmp(type, "Password"))
            continue;
        if (json_integer_value(json_object_get(c, "StartMs")) > now_ms ||
            json_integer_value(json_object_get(c, "EndMs")) <= now_ms)
            continue;
        if (verifier_ok(json_string_value(json_object_get(c, "Verifier")), secret))
            ok = true; /* keep going: same work whichever credential matches */
    }
    return ok;
}

json_t *dir_app_msol_view(json_t *app)
{
    return json_pack("{s:n,s:O,s:[],s:O,s:O,s:O,s:O,s:b}", "ExtensionData", "AccountEnabled",
                     json_object_get(app, "AccountEnabled"), "Addresses", "AppPrincipalId",
                     json_object_get(app, "AppPrincipalId"), "DisplayName",
                     json_object_get(app, "DisplayName"), "ObjectId",
                     json_object_get(app, "ObjectId"), "ServicePrincipalNames",
                     json_object_get(app, "ServicePrincipalNames"), "TrustedForDelegation", 0);
}

json_t *dir_app_credential_views(json_t *app)
{
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(app, "Credentials"), i, c)
    {
        char start[40], end[40];
        rs_time_iso8601_ms(json_integer_value(json_object_get(c, "StartMs")), start, sizeof start);
        rs_time_iso8601_ms(json_integer_value(json_object_get(c, "EndMs")), end, sizeof end);
        json_array_append_new(out, json_pack("{s:n,s:O,s:n,s:O,s:s,s:s,s:O}", "ExtensionData",
                                             "Type", json_object_get(c, "Type"), "Value", "KeyId",
                                             json_object_get(c, "KeyId"), "StartDate", start,
                                             "EndDate", end, "Usage", json_object_get(c, "Usage")));
    }
    return out;
}
