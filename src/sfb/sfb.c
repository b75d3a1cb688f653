/* sfb.c - online users, meeting rooms and sign-in gates. */
#include "sfb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"
#include "../directory/directory.h"

#define G(o, k) (json_object_get((o), (k)) ? json_object_get((o), (k)) : json_null())

static const char *strip_sip(const char *s)
{
    return rs_prefix_ci(s, "sip:") ? s + 4 : s;
}

static rs_status by_key(store_t *st, const char *tid, const char *prefix, const char *value,
                        json_t **out)
{
    char *key = rs_asprintf("%s:%s", prefix, value), *id = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, tid, "csuser", key, &id, NULL);
    free(key);
    if (rc == RS_OK)
        rc = store_get(st, tid, "csuser", id, out, NULL);
    free(id);
    return rc;
}

typedef struct scan_ctx {
    const char *pattern;
    json_t *found;
} scan_ctx;

static int scan_display(void *ud, const char *id, json_t *doc)
{
    scan_ctx *c = ud;
    if (rs_wildcard_match(c->pattern, json_string_value(json_object_get(doc, "DisplayName")))) {
        c->found = json_incref(doc);
        return 1;
    }
    return 0;
}

rs_status sfb_user_resolve(store_t *st, const char *tenant_id, const char *identity, json_t **out,
                           rs_err *err)
{
    *out = NULL;
    rs_status rc = RS_ENOTFOUND;
    if (identity && *identity) {
        const char *bare = strip_sip(identity);
        if (rs_is_guid(bare)) {
            char *lower = rs_lower_dup(bare);
            rc = store_get(st, tenant_id, "csuser", lower, out, NULL);
            free(lower);
        }
        if (rc == RS_ENOTFOUND)
            rc = by_key(st, tenant_id, "sip", bare, out);
        if (rc == RS_ENOTFOUND)
            rc = by_key(st, tenant_id, "upn", bare, out);
        if (rc == RS_ENOTFOUND) {
            scan_ctx c = {identity, NULL};
            rc = store_each(st, tenant_id, "csuser", scan_display, &c, err);
            if (rc == RS_OK)
                rc = c.found ? (*out = c.found, RS_OK) : RS_ENOTFOUND;
        }
    }
    if (rc == RS_ENOTFOUND) {
        /* A quoted identity shows doubled quotes, as Office 365 prints it. */
        char shown[512];
        const char *id = identity ? identity : "";
        size_t n = strlen(id);
        if (n >= 2 && ((id[0] == '"' && id[n - 1] == '"') || (id[0] == '\'' && id[n - 1] == '\'')))
            snprintf(shown, sizeof shown, "\"%.*s\"", (int)(n - 2), id + 1);
        else
            snprintf(shown, sizeof shown, "%s", id);
        return rs_raise(err, RS_E_CS_NOT_FOUND, shown);
    }
    return rc;
}

rs_status sfb_user_save(store_t *st, const char *tenant_id, json_t *cs, const char *old_sip,
                        rs_err *err)
{
    const char *id = json_string_value(json_object_get(cs, "ObjectId"));
    const char *sip = json_string_value(json_object_get(cs, "SipAddress"));
    rs_status rc;
    if (old_sip && (!sip || !rs_streq_ci(old_sip, sip))) {
        char *key = rs_asprintf("sip:%s", strip_sip(old_sip));
        rs_lower(key);
        rc = store_key_del(st, tenant_id, "csuser", key, err);
        free(key);
        if (rc)
            return rc;
    }
    if (sip) {
        char *key = rs_asprintf("sip:%s", strip_sip(sip)), *owner = NULL;
        rs_lower(key);
        rc = store_key_set(st, tenant_id, "csuser", key, id, &owner, err);
        /* Sign-in looks SIP addresses up across tenants: a global key too. */
        if (rc == RS_OK)
            rc = store_key_set(st, "", "sipaddr", key, tenant_id, &owner, err);
        free(key);
        free(owner);
        if (rc == RS_ECONFLICT)
            return rs_raise(err, RS_E_CS_SIPADDRESS_IN_USE, sip);
        if (rc)
            return rc;
    }
    return store_put(st, tenant_id, "csuser", id, cs, err);
}

rs_status sfb_user_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud, rs_err *err)
{
    return store_each(st, tenant_id, "csuser", cb, ud, err);
}

static rs_status remove_user(store_t *st, const char *tid, const char *oid, rs_err *err)
{
    json_t *cs = NULL;
    rs_status rc = store_get(st, tid, "csuser", oid, &cs, NULL);
    if (rc == RS_ENOTFOUND)
        return RS_OK;
    const char *sip = json_string_value(json_object_get(cs, "SipAddress"));
    if (rc == RS_OK && sip) {
        char *key = rs_asprintf("sip:%s", strip_sip(sip));
        rs_lower(key);
        rc = store_key_del(st, "", "sipaddr", key, err);
        free(key);
    }
    if (rc == RS_OK)
        rc = store_key_del_id(st, tid, "csuser", oid, err);
    if (rc == RS_OK)
        rc = store_del(st, tid, "csuser", oid, err);
    json_decref(cs);
    return rc;
}

rs_status sfb_apply_user_event(store_t *st, const char *tenant_id, json_t *tenant, json_t *ev,
                               rs_err *err)
{
    const char *oid = json_string_value(json_object_get(ev, "ObjectId"));
    if (!oid)
        return RS_OK;
    if (json_is_true(json_object_get(ev, "Deleted")))
        return remove_user(st, tenant_id, oid, err);
    json_t *cs = NULL;
    rs_status rc = store_get(st, tenant_id, "csuser", oid, &cs, NULL);
    char *old_upn = NULL;
    if (rc == RS_ENOTFOUND) {
        cs = json_pack("{s:s,s:n,s:n,s:n,s:n,s:n,s:O,s:b,s:b,s:b,s:n,s:n,s:n,s:b,s:b,s:n,s:s,"
                       "s:n,s:n,s:n,s:I}",
                       "ObjectId", oid, "UserPrincipalName", "DisplayName", "FirstName", "LastName",
                       "SipAddress", "RegistrarPool", G(tenant, "DefaultPool"), "Enabled", 0,
                       "IsMeetingRoom", 0, "EnterpriseVoiceEnabled", 0, "LineURI", "LineServerURI",
                       "PrivateLine", "AudioVideoDisabled", 0, "RemoteCallControlTelephonyEnabled",
                       0, "HostedVoiceMail", "ExchangeArchivingPolicy", "Uninitialized",
                       "HostingProvider", "ProxyPool", "OriginatorSid", "WhenSynced",
                       (json_int_t)rs_time_now_ms());
        rc = RS_OK;
    } else if (rc == RS_OK) {
        old_upn = rs_strdup(json_string_value(json_object_get(cs, "UserPrincipalName")));
    }
    if (rc == RS_OK) {
        static const char *const fields[] = {"UserPrincipalName", "DisplayName", "FirstName",
                                             "LastName"};
        for (size_t i = 0; i < 4; i++)
            json_object_set(cs, fields[i], G(ev, fields[i]));
        json_object_set_new(cs, "WhenSynced", json_integer(rs_time_now_ms()));
        const char *upn = json_string_value(json_object_get(cs, "UserPrincipalName"));
        if (old_upn && upn && !rs_streq_ci(old_upn, upn)) {
            char *k = rs_asprintf("upn:%s", old_upn);
            rs_lower(k);
            rc = store_key_del(st, tenant_id, "csuser", k, err);
            free(k);
        }
        if (rc == RS_OK && upn) {
            char *k = rs_asprintf("upn:%s", upn);
            rs_lower(k);
            rc = store_key_set(st, tenant_id, "csuser", k, oid, NULL, err);
            free(k);
        }
        if (rc == RS_OK)
            rc = store_put(st, tenant_id, "csuser", oid, cs, err);
    }
    free(old_upn);
    json_decref(cs);
    return rc;
}

json_t *sfb_room_view(json_t *tenant, json_t *cs, json_t *user)
{
    const char *upn = json_string_value(json_object_get(cs, "UserPrincipalName"));
    char *identity = rs_asprintf("CN=%s,OU=%s,OU=OCS Tenants,DC=lync0a001,DC=local",
                                 json_string_value(json_object_get(cs, "ObjectId")),
                                 json_string_value(json_object_get(tenant, "TenantId")));
    char sam[21];
    snprintf(sam, sizeof sam, "%.*s", (int)strcspn(upn ? upn : "", "@"), upn ? upn : "");
    json_t *v = json_pack(
        "{s:s,s:O,s:O,s:b,s:O,s:O,s:O,s:O,s:O,s:b,s:O,s:O,s:{},s:O,s:O,s:s,s:O,s:n,s:s,s:i}",
        "Identity", identity, "SipAddress", G(cs, "SipAddress"), "RegistrarPool",
        G(cs, "RegistrarPool"), "Enabled", json_is_true(json_object_get(cs, "Enabled")),
        "EnterpriseVoiceEnabled", G(cs, "EnterpriseVoiceEnabled"), "LineURI", G(cs, "LineURI"),
        "LineServerURI", G(cs, "LineServerURI"), "PrivateLine", G(cs, "PrivateLine"),
        "AudioVideoDisabled", G(cs, "AudioVideoDisabled"), "IPPBXSoftPhoneRoutingEnabled", 0,
        "RemoteCallControlTelephonyEnabled", G(cs, "RemoteCallControlTelephonyEnabled"),
        "HostedVoiceMail", G(cs, "HostedVoiceMail"), "AcpInfo", "ExchangeArchivingPolicy",
        G(cs, "ExchangeArchivingPolicy"), "DisplayName", G(cs, "DisplayName"), "SamAccountName",
        sam, "UserPrincipalName", G(cs, "UserPrincipalName"), "Sid", "OwnerUrn",
        "urn:device:roomsystem", "ContactOptionFlags", 64);
    free(identity);
    (void)user;
    return v;
}

json_t *sfb_onlineuser_view(json_t *tenant, json_t *cs, json_t *user)
{
    json_t *plans = json_array(), *l, *p;
    size_t i, j;
    json_array_foreach(json_object_get(user, "Licenses"), i, l)
    {
        json_array_foreach(json_object_get(l, "Plans"), j, p)
        {
            const char *name = json_string_value(p);
            if (strncmp(name, "MCO", 3))
                continue;
            json_t *cat = json_object_get(json_object_get(dir_sku_catalog(), "plans"), name);
            bool disabled = false;
            size_t k;
            json_t *d;
            json_array_foreach(json_object_get(l, "DisabledPlans"), k, d) disabled |=
                rs_streq_ci(json_string_value(d), name);
            json_array_append_new(
                plans, json_pack("{s:s,s:s,s:s,s:O}", "Capability", name, "CapabilityStatus",
                                 disabled ? "Disabled" : "Enabled", "ServiceInstance",
                                 "MicrosoftCommunicationsOnline/NOAM-4A-S7", "ServicePlanId",
                                 cat ? cat : json_null()));
        }
    }
    const char *pool = json_string_value(json_object_get(cs, "RegistrarPool"));
    json_t *v = json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:b,s:O,s:O,s:n,s:O,s:O,s:s,s:b,s:[],s:O,s:O,s:o,s:s,s:s}",
        "Identity", G(cs, "ObjectId"), "ObjectId", G(cs, "ObjectId"), "UserPrincipalName",
        G(cs, "UserPrincipalName"), "DisplayName", G(cs, "DisplayName"), "SipAddress",
        G(cs, "SipAddress"), "Enabled", json_is_true(json_object_get(cs, "Enabled")),
        "EnterpriseVoiceEnabled", G(cs, "EnterpriseVoiceEnabled"), "LineURI", G(cs, "LineURI"),
        "OnPremLineURI", "RegistrarPool", G(cs, "RegistrarPool"), "TargetRegistrarPool",
        G(cs, "RegistrarPool"), "HostingProvider", pool ? "sipfed.online.lync.com" : "",
        "DirSyncEnabled", 0, "MCOValidationErrors", "FirstName", G(cs, "FirstName"), "TenantId",
        G(tenant, "TenantId"), "AssignedPlan", plans, "InterpretedUserType",
        json_is_true(json_object_get(cs, "IsMeetingRoom")) ? "HybridOnlineMeetingRoom"
                                                           : "PureOnlineSfBUser",
        "AccountType",
        json_is_true(json_object_get(user, "IsResource")) ? "ResourceAccount" : "User");
    return v;
}

json_t *sfb_tenant_view(json_t *tenant)
{
    const char *pool = json_string_value(json_object_get(tenant, "DefaultPool"));
    char *ext = rs_asprintf("MCOProfessional:%s", pool ? pool : "");
    json_t *v = json_pack(
        "{s:O,s:O,s:O,s:[s],s:O,s:O,s:O}", "TenantId", G(tenant, "TenantId"), "DisplayName",
        G(tenant, "DisplayName"), "RegistrarPool", G(tenant, "DefaultPool"), "TenantPoolExtension",
        ext, "CountryAbbreviation", G(tenant, "CountryAbbreviation"), "Domains",
        G(tenant, "Domains"), "ConferencingEnabled", G(tenant, "ConferencingEnabled"));
    free(ext);
    return v;
}

bool sfb_domain_served(store_t *st, const char *domain)
{
    char tid[37];
    return dir_tenant_resolve(st, domain, tid, NULL) == RS_OK;
}

rs_status sfb_signin_account(store_t *st, const char *aor, char tenant_id[37], char user_id[37])
{
    char *key = rs_asprintf("sip:%s", aor), *tid = NULL, *oid = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, "", "sipaddr", key, &tid, NULL);
    if (rc == RS_OK)
        rc = store_key_get(st, tid, "csuser", key, &oid, NULL);
    if (rc == RS_OK && (strlen(tid) > 36 || strlen(oid) > 36))
        rc = RS_EINTERNAL;
    if (rc == RS_OK) {
        memcpy(tenant_id, tid, strlen(tid) + 1);
        memcpy(user_id, oid, strlen(oid) + 1);
    }
    free(key);
    free(tid);
    free(oid);
    return rc;
}

rs_status sfb_signin_lookup(store_t *st, const char *aor, const char *username, const char *realm,
                            sfb_signin *out)
{
    memset(out, 0, sizeof *out);
    char *key = rs_asprintf("sip:%s", aor), *tid = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, "", "sipaddr", key, &tid, NULL);
    json_t *cs = NULL, *user = NULL, *tenant = NULL;
    if (rc == RS_OK)
        rc = by_key(st, tid, "sip", aor, &cs);
    if (rc == RS_OK)
        rc =
            dir_user_find(st, tid, json_string_value(json_object_get(cs, "ObjectId")), &user, NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &tenant, NULL);
    if (rc == RS_OK) {
        out->known = 1;
        snprintf(out->tenant_id, sizeof out->tenant_id, "%s", tid);
        snprintf(out->user_id, sizeof out->user_id, "%s",
                 json_string_value(json_object_get(cs, "ObjectId")));
        snprintf(out->home_pool, sizeof out->home_pool, "%s",
                 json_string_value(json_object_get(cs, "RegistrarPool")));
        /* HA1 is over the username as sent; only the canonical address form
         * has one (sign-in.md section 2). */
        json_t *ha1 = json_object_get(json_object_get(user, "Ha1"), username);
        const char *at = strchr(aor, '@');
        bool realm_ok = at && rs_streq_ci(realm, at + 1);
        if (ha1 && realm_ok) {
            snprintf(out->ha1_md5, sizeof out->ha1_md5, "%s",
                     json_string_value(json_object_get(ha1, "md5")));
            snprintf(out->ha1_sha256, sizeof out->ha1_sha256, "%s",
                     json_string_value(json_object_get(ha1, "sha256")));
        }
        if (!json_is_true(json_object_get(cs, "Enabled")))
            out->refusal = "not_enabled";
        else if (!dir_user_can_meet(user))
            out->refusal = "not_licensed";
        else if (!json_is_true(json_object_get(user, "AccountEnabled")) ||
                 json_is_true(json_object_get(user, "BlockCredential")))
            out->refusal = "blocked";
        else if (dir_password_expired(tenant, user, rs_time_now_ms()))
            out->refusal = "password_expired";
        else if (!out->ha1_md5[0])
            out->refusal = "no_credential";
    }
    free(key);
    free(tid);
    json_decref(cs);
    json_decref(user);
    json_decref(tenant);
    return rc == RS_ENOTFOUND ? RS_OK : rc;
}
