/* dir_tenant.c - tenant records and first-start creation from config. */
#include "directory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"

rs_status dir_tenant_resolve(store_t *st, const char *name_or_id, char *out_id, rs_err *err)
{
    json_t *t = NULL;
    out_id[0] = '\0';
    if (!name_or_id || !*name_or_id)
        return rs_errf(err, RS_ENOTFOUND, "tenant not found");
    if (rs_is_guid(name_or_id) && store_get(st, "", "tenant", name_or_id, &t, NULL) == RS_OK) {
        json_decref(t);
        snprintf(out_id, 37, "%s", name_or_id);
        rs_lower(out_id);
        return RS_OK;
    }
    char *key = rs_asprintf("domain:%s", name_or_id), *id = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, "", "tenant", key, &id, err);
    free(key);
    if (rc == RS_OK)
        snprintf(out_id, 37, "%s", id);
    else if (rc == RS_ENOTFOUND)
        rs_errf(err, RS_ENOTFOUND, "tenant '%s' not found", name_or_id);
    free(id);
    return rc;
}

rs_status dir_tenant_get(store_t *st, const char *tenant_id, json_t **out, rs_err *err)
{
    return store_get(st, "", "tenant", tenant_id, out, err);
}

rs_status dir_tenant_put(store_t *st, json_t *tenant, rs_err *err)
{
    return store_put(st, "", "tenant", json_string_value(json_object_get(tenant, "TenantId")),
                     tenant, err);
}

rs_status dir_tenant_each(store_t *st, store_each_cb cb, void *ud, rs_err *err)
{
    return store_each(st, "", "tenant", cb, ud, err);
}

const char *dir_tenant_prefix(json_t *tenant, char *buf, size_t bufsz)
{
    const char *d = json_string_value(json_object_get(tenant, "InitialDomain"));
    size_t n = strcspn(d ? d : "", ".");
    snprintf(buf, bufsz, "%.*s", (int)n, d ? d : "");
    return buf;
}

bool dir_tenant_has_domain(json_t *tenant, const char *domain)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(tenant, "Domains"), i, d)
    {
        if (rs_streq_ci(json_string_value(d), domain))
            return true;
    }
    return false;
}

/* Read the admin's initial password from its file or environment variable.
 * Caller frees (and wipes). */
static char *read_admin_password(const rs_tenant_conf *tc, rs_err *err)
{
    if (tc->admin_password_env) {
        const char *v = getenv(tc->admin_password_env);
        if (v && *v)
            return rs_strdup(v);
        if (!tc->admin_password_file) {
            rs_errf(err, RS_EINVAL, "[tenant %s]: environment variable %s is not set", tc->domain,
                    tc->admin_password_env);
            return NULL;
        }
    }
    FILE *f = fopen(tc->admin_password_file, "r");
    if (!f) {
        rs_errf(err, RS_EIO, "[tenant %s]: cannot read admin_password_file %s: %s", tc->domain,
                tc->admin_password_file, strerror(errno));
        return NULL;
    }
    char line[1024];
    char *pw = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        pw = rs_strdup(line);
    }
    rs_wipe(line, sizeof line);
    fclose(f);
    if (!pw || !*pw) {
        free(pw);
        rs_errf(err, RS_EINVAL, "[tenant %s]: admin_password_file %s is empty", tc->domain,
                tc->admin_password_file);
        return NULL;
    }
    return pw;
}

/* The tenant's own banned-password terms from the configuration (lower
 * case, trimmed); the configuration is authoritative on every start. */
static void apply_banned(json_t *t, const rs_tenant_conf *tc)
{
    json_t *list = json_array();
    for (const char *p = tc->banned_passwords ? tc->banned_passwords : ""; *p;) {
        size_t len = strcspn(p, ",");
        char *dup = rs_strndup(p, len), *term = rs_trim(dup);
        rs_lower(term);
        if (*term)
            json_array_append_new(list, json_string(term));
        free(dup);
        p += len;
        if (*p)
            p++;
    }
    json_object_set_new(t, "BannedPasswords", list);
}

static void apply_subscriptions(json_t *tenant, const rs_tenant_conf *tc)
{
    json_t *subs = json_object_get(tenant, "Subscriptions");
    for (int i = 0; i < tc->nsubs; i++) {
        json_t *sku = dir_sku_find(tc->subs[i].sku);
        json_t *found = NULL, *s;
        size_t j;
        json_array_foreach(subs, j, s)
        {
            if (rs_streq_ci(json_string_value(json_object_get(s, "SkuPartNumber")),
                            tc->subs[i].sku))
                found = s;
        }
        if (!found) {
            char sid[37];
            rs_guid(sid);
            found = json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:i}", "SkuPartNumber",
                              json_string_value(json_object_get(sku, "SkuPartNumber")), "SkuId",
                              json_string_value(json_object_get(sku, "SkuId")), "SubscriptionId",
                              sid, "ActiveUnits", 0, "WarningUnits", 0, "SuspendedUnits", 0,
                              "ConsumedUnits", 0);
            json_array_append_new(subs, found);
        }
        json_object_set_new(found, "ActiveUnits", json_integer(tc->subs[i].units));
    }
}

rs_status dir_tenant_ensure(store_t *st, const rs_tenant_conf *tc, const dir_settings *ds,
                            rs_err *err)
{
    for (int i = 0; i < tc->nsubs; i++)
        if (!dir_sku_find(tc->subs[i].sku))
            return rs_errf(err, RS_EINVAL,
                           "[tenant %s]: unknown SKU '%s' in subscriptions (see the catalog in "
                           "docs/architecture.md)",
                           tc->domain, tc->subs[i].sku);
    if (!dir_valid_country(tc->country))
        return rs_errf(err, RS_EINVAL, "[tenant %s]: country '%s' is not an ISO 3166-1 code",
                       tc->domain, tc->country);
    char id[37];
    rs_status rc = dir_tenant_resolve(st, tc->domain, id, NULL);
    if (rc == RS_OK) { /* existing tenant: configured seats and switches win */
        json_t *t = NULL;
        if ((rc = store_begin(st, err)))
            return rc;
        rc = dir_tenant_get(st, id, &t, err);
        if (rc == RS_OK) {
            apply_subscriptions(t, tc);
            json_object_set_new(t, "ExchangeEnabled", json_boolean(tc->exchange_enabled));
            json_object_set_new(t, "ConferencingEnabled", json_boolean(tc->conferencing_enabled));
            json_object_set_new(t, "PasswordValidityDays",
                                json_integer(tc->password_validity_days));
            apply_banned(t, tc);
            rc = dir_tenant_put(st, t, err);
        }
        json_decref(t);
        if (rc) {
            store_rollback(st);
            return rc;
        }
        return store_commit(st, err);
    }
    if (rc != RS_ENOTFOUND)
        return rc;

    char *pw = read_admin_password(tc, err);
    if (!pw)
        return err ? err->code : RS_EINVAL;
    rs_guid(id);
    json_t *t = json_pack("{s:s,s:s,s:s,s:[s],s:s,s:b,s:b,s:s,s:i,s:i,s:[],s:I}", "TenantId", id,
                          "DisplayName", tc->display_name, "InitialDomain", tc->domain, "Domains",
                          tc->domain, "CountryAbbreviation", tc->country, "ExchangeEnabled",
                          tc->exchange_enabled, "ConferencingEnabled", tc->conferencing_enabled,
                          "DefaultPool", tc->default_pool, "PasswordValidityDays",
                          tc->password_validity_days, "PasswordNotificationDays", 14,
                          "Subscriptions", "WhenCreated", (json_int_t)rs_time_now_ms());
    apply_subscriptions(t, tc);
    apply_banned(t, tc);
    rc = dir_password_check(t, tc->admin_upn, pw, err);
    if (rc) {
        char detail[sizeof err->msg];
        snprintf(detail, sizeof detail, "%s", err ? err->msg : "");
        rs_errf(err, RS_EINVAL, "[tenant %s]: the admin password is refused: %s", tc->domain,
                detail);
        goto out;
    }
    char *phc = dir_password_hash(ds, pw);
    json_t *admin = dir_user_new(tc->admin_upn, "Admin");
    json_object_set_new(admin, "Roles", json_pack("[s]", "Global Administrator"));
    json_object_set_new(admin, "RemotePowerShellAccess",
                        json_pack("[s,s,s]", "Exchange", "SkypeForBusiness", "MSOnline"));
    json_object_set_new(admin, "UsageLocation", json_string(tc->country));
    json_object_set_new(admin, "ForceChangePassword", json_false());
    dir_user_set_password(admin, phc, pw, rs_time_now_ms());
    free(phc);
    char *key = rs_asprintf("domain:%s", tc->domain);
    if (!(rc = store_begin(st, err))) {
        if ((rc = store_key_set(st, "", "tenant", key, id, NULL, err)) ||
            (rc = dir_tenant_put(st, t, err)) || (rc = dir_user_create(st, id, t, admin, ds, err)))
            store_rollback(st);
        else
            rc = store_commit(st, err);
    }
    free(key);
    json_decref(admin);
    if (rc == RS_OK)
        rs_log(RS_LOG_INFO, NULL, "created tenant %s (%s) with admin %s", tc->domain, id,
               tc->admin_upn);
out:
    rs_wipe(pw, strlen(pw));
    free(pw);
    json_decref(t);
    return rc;
}
