/* dir_user.c - directory users: lookup, creation, change events, MSOL view. */
#include "directory.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

rs_status dir_user_find(store_t *st, const char *tenant_id, const char *upn_or_id, json_t **out,
                        rs_err *err)
{
    *out = NULL;
    if (!upn_or_id || !*upn_or_id)
        return RS_ENOTFOUND;
    if (rs_is_guid(upn_or_id)) {
        char *lower = rs_lower_dup(upn_or_id);
        rs_status rc = store_get(st, tenant_id, "user", lower, out, NULL);
        free(lower);
        if (rc != RS_ENOTFOUND)
            return rc;
    }
    char *key = rs_asprintf("upn:%s", upn_or_id), *id = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, tenant_id, "user", key, &id, err);
    free(key);
    if (rc == RS_OK)
        rc = store_get(st, tenant_id, "user", id, out, err);
    free(id);
    return rc;
}

json_t *dir_user_new(const char *upn, const char *display_name)
{
    char oid[37];
    rs_guid(oid);
    char *lower = rs_lower_dup(upn);
    json_t *u =
        json_pack("{s:s,s:s,s:s,s:n,s:n,s:n,s:b,s:b,s:b,s:b,s:b,s:n,s:[],s:[],s:[],s:[s],s:b,s:I}",
                  "ObjectId", oid, "UserPrincipalName", lower, "DisplayName",
                  display_name ? display_name : upn, "FirstName", "LastName", "UsageLocation",
                  "BlockCredential", 0, "PasswordNeverExpires", 0, "StrongPasswordRequired", 1,
                  "ForceChangePassword", 1, "AccountEnabled", 1, "LastPasswordChangeTimestamp",
                  "Licenses", "Roles", "RemotePowerShellAccess", "ProxyAddresses", lower,
                  "IsResource", 0, "WhenCreated", (json_int_t)rs_time_now_ms());
    free(lower);
    return u;
}

/* UPN rules (directory.md section 5.1): A-Z a-z 0-9 ' . - _ ! # ^ ~ before
 * the @, no '.' right before '@', <=64 before, <=48 after, <=113 total. */
static rs_status check_upn(json_t *tenant, const char *upn, rs_err *err)
{
    const char *at = strchr(upn, '@');
    size_t len = strlen(upn);
    if (!at || at == upn || strchr(at + 1, '@') || len > 113 || (size_t)(at - upn) > 64 ||
        strlen(at + 1) > 48 || at[-1] == '.' || upn[0] == '.')
        return rs_raise(err, RS_E_MSOL_UPN_INVALID,
                        "A user principal name must look like name@domain (at most 64 characters "
                        "before the @, 48 after, no '.' right before the @).");
    for (const char *p = upn; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr("'.-_!#^~", *p))
            return rs_raise(err, RS_E_MSOL_UPN_INVALID,
                            "The part before the @ may contain only letters, digits and ' . - _ "
                            "! # ^ ~.");
    if (!dir_tenant_has_domain(tenant, at + 1))
        return rs_raise(err, RS_E_MSOL_DOMAIN_UNKNOWN, upn);
    return RS_OK;
}

static rs_status append_event(store_t *st, const char *tenant_id, json_t *user, int deleted,
                              const dir_settings *ds, rs_err *err)
{
    json_t *ev = json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:b}", "ObjectId", json_object_get(user, "ObjectId"),
        "UserPrincipalName", json_object_get(user, "UserPrincipalName"), "DisplayName",
        json_object_get(user, "DisplayName"), "FirstName", json_object_get(user, "FirstName"),
        "LastName", json_object_get(user, "LastName"), "Deleted", deleted);
    rs_status rc = store_feed_append(st, tenant_id, "user",
                                     json_string_value(json_object_get(user, "ObjectId")),
                                     rs_time_now_ms() + (int64_t)ds->sync_lag_s * 1000, ev, err);
    json_decref(ev);
    return rc;
}

rs_status dir_user_create(store_t *st, const char *tenant_id, json_t *tenant, json_t *user,
                          const dir_settings *ds, rs_err *err)
{
    const char *upn = json_string_value(json_object_get(user, "UserPrincipalName"));
    const char *oid = json_string_value(json_object_get(user, "ObjectId"));
    rs_status rc = check_upn(tenant, upn, err);
    if (rc)
        return rc;
    char *key = rs_asprintf("upn:%s", upn);
    rs_lower(key);
    rc = store_key_set(st, tenant_id, "user", key, oid, NULL, err);
    free(key);
    if (rc == RS_ECONFLICT)
        return rs_raise(err, RS_E_MSOL_USER_EXISTS, upn);
    if (rc)
        return rc;
    if ((rc = store_put(st, tenant_id, "user", oid, user, err)))
        return rc;
    return append_event(st, tenant_id, user, 0, ds, err);
}

rs_status dir_user_save(store_t *st, const char *tenant_id, json_t *user, const dir_settings *ds,
                        rs_err *err)
{
    rs_status rc = store_put(st, tenant_id, "user",
                             json_string_value(json_object_get(user, "ObjectId")), user, err);
    return rc ? rc : append_event(st, tenant_id, user, 0, ds, err);
}

rs_status dir_user_delete(store_t *st, const char *tenant_id, json_t *user, const dir_settings *ds,
                          rs_err *err)
{
    const char *oid = json_string_value(json_object_get(user, "ObjectId"));
    rs_status rc;
    if ((rc = store_key_del_id(st, tenant_id, "user", oid, err)) ||
        (rc = store_del(st, tenant_id, "user", oid, err)))
        return rc;
    return append_event(st, tenant_id, user, 1, ds, err);
}

rs_status dir_user_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud, rs_err *err)
{
    return store_each(st, tenant_id, "user", cb, ud, err);
}

static json_t *ms_or_null(json_t *v)
{
    if (!json_is_integer(v))
        return json_null();
    char buf[64];
    rs_time_ps(json_integer_value(v), buf, sizeof buf);
    return json_string(buf);
}

/* A member of o, or JSON null when absent (borrowed). */
#define G(o, k) (json_object_get((o), (k)) ? json_object_get((o), (k)) : json_null())

json_t *dir_user_msol_view(json_t *tenant, json_t *user)
{
    (void)tenant;
    json_t *lic = json_array(), *l;
    size_t i;
    json_array_foreach(json_object_get(user, "Licenses"), i, l)
        json_array_append(lic, json_object_get(l, "AccountSkuId"));
    json_t *proxies = json_array(), *p;
    json_array_foreach(json_object_get(user, "ProxyAddresses"), i, p)
    {
        char *s = rs_asprintf("SMTP:%s", json_string_value(p));
        json_array_append_new(proxies, json_string(s));
        free(s);
    }
    return json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:b,s:o,s:O,s:O,s:O,s:o,s:n,s:b,s:s,s:o,s:[],s:O}",
        "UserPrincipalName", G(user, "UserPrincipalName"), "DisplayName", G(user, "DisplayName"),
        "FirstName", G(user, "FirstName"), "LastName", G(user, "LastName"), "ObjectId",
        G(user, "ObjectId"), "BlockCredential", G(user, "BlockCredential"), "UsageLocation",
        G(user, "UsageLocation"), "isLicensed", json_array_size(lic) > 0, "Licenses", lic,
        "PasswordNeverExpires", G(user, "PasswordNeverExpires"), "StrongPasswordRequired",
        G(user, "StrongPasswordRequired"), "PhoneNumber", G(user, "PhoneNumber"),
        "LastPasswordChangeTimestamp", ms_or_null(G(user, "LastPasswordChangeTimestamp")),
        "LastDirSyncTime", "LicenseReconciliationNeeded", 0, "OverallProvisioningStatus",
        json_array_size(lic) ? "Success" : "None", "ProxyAddresses", proxies, "Errors", "Roles",
        G(user, "Roles"));
}
