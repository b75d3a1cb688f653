/* handlers_msol.c - MSOnline cmdlets (cmdlets.md section 8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "bind.h"
#include "handlers.h"

/* One stored license as MSOnline's UserLicense: {AccountSku:{AccountName,
 * SkuPartNumber}, AccountSkuId, GroupsAssigningLicense:[], ServiceStatus:
 * [{ServicePlan:{ServiceName, ServicePlanId, ServiceType, TargetClass},
 * ProvisioningStatus: Success | Disabled}]}. The "@data.type" annotations
 * give the shell the .NET type names of the nested objects (so a UserLicense
 * prints as its AccountSkuId, as in MSOnline). New reference. */
static json_t *user_license_view(json_t *l)
{
    const char *asid = json_string_value(json_object_get(l, "AccountSkuId"));
    const char *colon = asid ? strchr(asid, ':') : NULL;
    json_t *plan_ids = json_object_get(dir_sku_catalog(), "plans");
    json_t *status = json_array(), *p;
    size_t i, j;
    json_array_foreach(json_object_get(l, "Plans"), i, p)
    {
        const char *name = json_string_value(p);
        bool disabled = false;
        json_t *d;
        json_array_foreach(json_object_get(l, "DisabledPlans"), j, d) disabled |=
            rs_streq_ci(json_string_value(d), name);
        json_t *id = json_object_get(plan_ids, name);
        json_array_append_new(status,
                              json_pack("{s:{s:s,s:O,s:s,s:s},s:s,s:s}", "ServicePlan",
                                        "ServiceName", name, "ServicePlanId", id ? id : json_null(),
                                        "ServiceType", dir_plan_service(name), "TargetClass",
                                        "User", "ServicePlan@data.type",
                                        "Microsoft.Online.Administration.ServicePlan",
                                        "ProvisioningStatus", disabled ? "Disabled" : "Success"));
    }
    const char *part = json_string_value(json_object_get(l, "SkuPartNumber"));
    json_t *sku = json_pack("{s:s%,s:s}", "AccountName", asid ? asid : "",
                            colon ? (size_t)(colon - asid) : (asid ? strlen(asid) : 0),
                            "SkuPartNumber", part ? part : "");
    return json_pack("{s:o,s:s,s:s,s:[],s:o,s:s}", "AccountSku", sku, "AccountSku@data.type",
                     "Microsoft.Online.Administration.AccountSkuIdentifier", "AccountSkuId",
                     asid ? asid : "", "GroupsAssigningLicense", "ServiceStatus", status,
                     "ServiceStatus@data.type", "Microsoft.Online.Administration.ServiceStatus");
}

/* Get-MsolUser's view of a stored user, Licenses as UserLicense objects. New reference. */
static json_t *msol_user_view(hctx *c, json_t *user)
{
    json_t *v = dir_user_msol_view(c->tenant, user);
    json_t *lic = json_array(), *l;
    size_t i;
    json_array_foreach(json_object_get(user, "Licenses"), i, l)
        json_array_append_new(lic, user_license_view(l));
    json_object_set_new(v, "Licenses", lic);
    json_object_set_new(v, "Licenses@data.type",
                        json_string("Microsoft.Online.Administration.UserLicense"));
    /* a DateTime for the shell: ISO 8601 UTC with its type annotation */
    json_t *changed = json_object_get(user, "LastPasswordChangeTimestamp");
    if (json_is_integer(changed)) {
        char iso[40];
        rs_time_iso8601_ms(json_integer_value(changed), iso, sizeof iso);
        json_object_set_new(v, "LastPasswordChangeTimestamp", json_string(iso));
        json_object_set_new(v, "LastPasswordChangeTimestamp@data.type",
                            json_string("System.DateTime"));
    }
    return v;
}

/* The user named by -UserPrincipalName or -ObjectId (new reference), or the
 * MSOL not-found error. */
static rs_status find_user(hctx *c, json_t **out, rs_err *err)
{
    const char *id = bp_str(c->p, "UserPrincipalName");
    if (!id)
        id = bp_str(c->p, "ObjectId");
    if (!id)
        return rs_raise(err, RS_E_PARAM_SET, "Specify -UserPrincipalName or -ObjectId.");
    rs_status rc = dir_user_find(c->st, c->tid, id, out, err);
    if (rc == RS_ENOTFOUND)
        return rs_raise(err, RS_E_MSOL_USER_NOT_FOUND, id);
    return rc;
}

/* As find_user, for a change: administrators only by a Global Administrator. */
static rs_status find_user_to_change(hctx *c, json_t **out, rs_err *err)
{
    rs_status rc = find_user(c, out, err);
    if (rc == RS_OK && (rc = h_check_can_change(c, *out, err))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static rs_status h_get_sku(hctx *c, rs_err *err)
{
    const char *t = bp_str(c->p, "TenantId");
    if (t && !rs_streq_ci(t, c->tid))
        return rs_errf(err, RS_EPERM,
                       "Access Denied. You do not have permissions to call this cmdlet.");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(c->tenant, "Subscriptions"), i, s)
        json_array_append_new(c->out, dir_sku_msol_view(c->tenant, s));
    return RS_OK;
}

static rs_status set_usage_location(hctx *c, json_t *user, rs_err *err)
{
    if (!bp_has(c->p, "UsageLocation"))
        return RS_OK;
    const char *ul = bp_str(c->p, "UsageLocation");
    if (!ul || !dir_valid_country(ul))
        return rs_raise(err, RS_E_MSOL_USAGE_LOCATION_INVALID, ul ? ul : "");
    char up[3] = {(char)(ul[0] & ~0x20), (char)(ul[1] & ~0x20), 0};
    json_object_set_new(user, "UsageLocation", json_string(up));
    return RS_OK;
}

static void copy_bools(hctx *c, json_t *user, const char *const *names)
{
    for (; *names; names++)
        if (bp_has(c->p, *names))
            json_object_set(user, *names, bp_get(c->p, *names));
}

static const char *const user_bools[] = {"PasswordNeverExpires", "StrongPasswordRequired",
                                         "BlockCredential", "ForceChangePassword", NULL};
static const char *const user_strings[] = {"DisplayName", "FirstName", "LastName",
                                           "PhoneNumber", "Title",     "Department",
                                           "City",        "Country",   NULL};

static rs_status h_new_user(hctx *c, rs_err *err)
{
    const char *upn = bp_str(c->p, "UserPrincipalName");
    const char *dn = bp_str(c->p, "DisplayName");
    char *left = rs_strndup(upn, strcspn(upn, "@"));
    json_t *user = dir_user_new(upn, dn ? dn : left);
    free(left);
    copy_bools(c, user, user_bools);
    copy_bools(c, user, user_strings);
    rs_status rc = set_usage_location(c, user, err);
    const char *phc;
    const char *pw = h_secret(c, "Password", &phc);
    char *generated = NULL, *genphc = NULL;
    if (rc == RS_OK && !pw) {
        pw = generated = dir_password_random();
        phc = genphc = dir_password_hash(c->ds, generated);
    }
    if (rc == RS_OK && json_is_true(json_object_get(user, "StrongPasswordRequired")))
        rc = dir_password_check(c->tenant, upn, pw, err);
    if (rc == RS_OK) {
        dir_user_set_password(user, phc, pw, rs_time_now_ms());
        if (bp_has(c->p, "LicenseAssignment"))
            rc = dir_license_apply(c->tenant, user, bp_get(c->p, "LicenseAssignment"), NULL, NULL,
                                   err);
        c->tenant_dirty = 1;
    }
    if (rc == RS_OK)
        rc = dir_user_create(c->st, c->tid, c->tenant, user, c->ds, err);
    if (rc == RS_OK) {
        json_t *v = msol_user_view(c, user);
        if (generated)
            json_object_set_new(v, "Password", json_string(generated));
        json_array_append_new(c->out, v);
    }
    if (generated)
        rs_wipe(generated, strlen(generated));
    free(generated);
    free(genphc);
    json_decref(user);
    return rc;
}

typedef struct list_ctx {
    hctx *c;
    long long limit, count;
} list_ctx;

static int list_user(void *ud, const char *id, json_t *user)
{
    list_ctx *l = ud;
    hctx *c = l->c;
    if (bp_bool(c->p, "UnlicensedUsersOnly", 0) &&
        json_array_size(json_object_get(user, "Licenses")))
        return 0;
    const char *ul = bp_str(c->p, "UsageLocation");
    if (ul && !rs_streq_ci(ul, json_string_value(json_object_get(user, "UsageLocation"))))
        return 0;
    const char *ef = bp_str(c->p, "EnabledFilter");
    int blocked = json_is_true(json_object_get(user, "BlockCredential"));
    if (ef &&
        ((!strcmp(ef, "EnabledOnly") && blocked) || (!strcmp(ef, "DisabledOnly") && !blocked)))
        return 0;
    const char *upn = json_string_value(json_object_get(user, "UserPrincipalName"));
    const char *ss = bp_str(c->p, "SearchString");
    if (ss && !rs_prefix_ci(upn, ss) &&
        !rs_prefix_ci(json_string_value(json_object_get(user, "DisplayName")), ss))
        return 0;
    const char *dom = bp_str(c->p, "DomainName");
    const char *at = strchr(upn, '@');
    if (dom && (!at || !rs_streq_ci(at + 1, dom)))
        return 0;
    if (l->limit >= 0 && l->count >= l->limit)
        return 1;
    l->count++;
    json_array_append_new(c->out, msol_user_view(c, user));
    return 0;
}

static rs_status h_get_user(hctx *c, rs_err *err)
{
    if (bp_has(c->p, "UserPrincipalName") || bp_has(c->p, "ObjectId")) {
        json_t *user = NULL;
        rs_status rc = find_user(c, &user, err);
        if (rc == RS_OK)
            json_array_append_new(c->out, msol_user_view(c, user));
        json_decref(user);
        return rc;
    }
    list_ctx l = {c, bp_bool(c->p, "All", 0) ? -1 : bp_int(c->p, "MaxResults", 500), 0};
    return dir_user_each(c->st, c->tid, list_user, &l, err);
}

static rs_status h_set_user(hctx *c, rs_err *err)
{
    json_t *user = NULL;
    rs_status rc = find_user_to_change(c, &user, err);
    if (rc)
        return rc;
    copy_bools(c, user, user_bools);
    copy_bools(c, user, user_strings);
    rc = set_usage_location(c, user, err);
    if (rc == RS_OK && bp_bool(c->p, "BlockCredential", 0))
        h_drop_user(c, json_string_value(json_object_get(user, "ObjectId")));
    if (rc == RS_OK)
        rc = dir_user_save(c->st, c->tid, user, c->ds, err);
    json_decref(user);
    return rc;
}

static rs_status h_set_password(hctx *c, rs_err *err)
{
    json_t *user = NULL;
    rs_status rc = find_user_to_change(c, &user, err);
    if (rc)
        return rc;
    const char *phc;
    const char *pw = h_secret(c, "NewPassword", &phc);
    char *generated = NULL, *genphc = NULL;
    if (!pw) {
        pw = generated = dir_password_random();
        phc = genphc = dir_password_hash(c->ds, generated);
    }
    if (!json_is_false(json_object_get(user, "StrongPasswordRequired")))
        rc = dir_password_check(
            c->tenant, json_string_value(json_object_get(user, "UserPrincipalName")), pw, err);
    if (rc == RS_OK) {
        dir_user_set_password(user, phc, pw, rs_time_now_ms());
        json_object_set_new(user, "ForceChangePassword",
                            json_boolean(bp_bool(c->p, "ForceChangePassword", 1)));
        rc = dir_user_save(c->st, c->tid, user, c->ds, err);
    }
    if (rc == RS_OK && generated)
        json_array_append_new(c->out, json_string(generated));
    if (generated)
        rs_wipe(generated, strlen(generated));
    free(generated);
    free(genphc);
    json_decref(user);
    return rc;
}

static rs_status h_set_license(hctx *c, rs_err *err)
{
    json_t *user = NULL;
    rs_status rc = find_user_to_change(c, &user, err);
    if (rc)
        return rc;
    int could_meet = dir_user_can_meet(user);
    json_t *opts = bp_get(c->p, "LicenseOptions");
    json_t *optlist = json_is_array(opts)    ? json_incref(opts)
                      : json_is_object(opts) ? json_pack("[O]", opts)
                                             : json_array();
    rc = dir_license_apply(c->tenant, user, bp_get(c->p, "AddLicenses"),
                           bp_get(c->p, "RemoveLicenses"), optlist, err);
    json_decref(optlist);
    if (rc == RS_OK) {
        c->tenant_dirty = 1;
        if (could_meet && !dir_user_can_meet(user))
            h_drop_user(c, json_string_value(json_object_get(user, "ObjectId")));
        rc = dir_user_save(c->st, c->tid, user, c->ds, err);
    }
    json_decref(user);
    return rc;
}

/* ---- password expiry policy per domain (directory.md section 5) ---- */

static json_t *policy_view(json_t *tenant, const char *domain)
{
    int days = 0, notify = 0;
    char *upn = rs_asprintf("x@%s", domain);
    dir_password_policy(tenant, upn, &days, &notify);
    free(upn);
    return json_pack("{s:n,s:i,s:i}", "ExtensionData", "NotificationDays", notify, "ValidityPeriod",
                     days ? days : DIR_PASSWORD_NEVER);
}

static rs_status policy_domain(hctx *c, const char **out, rs_err *err)
{
    const char *t = bp_str(c->p, "TenantId");
    if (t && !rs_streq_ci(t, c->tid))
        return rs_errf(err, RS_EPERM,
                       "Access Denied. You do not have permissions to call this cmdlet.");
    const char *d = bp_str(c->p, "DomainName");
    *out = d ? d : json_string_value(json_object_get(c->tenant, "InitialDomain"));
    if (!dir_tenant_has_domain(c->tenant, *out))
        return rs_raise(err, RS_E_MSOL_DOMAIN_NOT_FOUND, *out);
    return RS_OK;
}

static rs_status h_get_policy(hctx *c, rs_err *err)
{
    const char *d;
    rs_status rc = policy_domain(c, &d, err);
    if (rc == RS_OK)
        json_array_append_new(c->out, policy_view(c->tenant, d));
    return rc;
}

static rs_status h_set_policy(hctx *c, rs_err *err)
{
    const char *d;
    rs_status rc = policy_domain(c, &d, err);
    if (rc)
        return rc;
    long long days = bp_int(c->p, "ValidityPeriod", 90),
              notify = bp_int(c->p, "NotificationDays", 14);
    if (days > 730 && days != DIR_PASSWORD_NEVER)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "ValidityPeriod must be 1 to 730 days, or 2147483647 for passwords that "
                        "never expire.");
    if (notify > 30 || (days != DIR_PASSWORD_NEVER && notify >= days))
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "NotificationDays must be 1 to 30 and less than ValidityPeriod.");
    json_t *all = json_object_get(c->tenant, "PasswordPolicies");
    if (!json_is_object(all)) {
        all = json_object();
        json_object_set_new(c->tenant, "PasswordPolicies", all);
    }
    char *key = rs_lower_dup(d);
    json_object_set_new(all, key,
                        json_pack("{s:I,s:I}", "ValidityPeriod", (json_int_t)days,
                                  "NotificationDays", (json_int_t)notify));
    free(key);
    c->tenant_dirty = 1;
    return RS_OK;
}

#define USER_ROLES (ROLE_USER_ADMIN)
const handler_entry msol_handlers[] = {
    {"Get-MsolAccountSku", h_get_sku, ROLE_LICENSE_ADMIN | ROLE_USER_ADMIN | ROLE_GLOBAL_READER},
    {"New-MsolUser", h_new_user, USER_ROLES},
    {"Get-MsolUser", h_get_user,
     USER_ROLES | ROLE_LICENSE_ADMIN | ROLE_EXCHANGE_ADMIN | ROLE_SFB_ADMIN | ROLE_GLOBAL_READER},
    {"Set-MsolUser", h_set_user, USER_ROLES},
    {"Set-MsolUserPassword", h_set_password, USER_ROLES},
    {"Set-MsolUserLicense", h_set_license, ROLE_LICENSE_ADMIN | USER_ROLES},
    {"Unlock-RoomSystemAccount", h_unlock_account, USER_ROLES},
    {"Get-MsolPasswordPolicy", h_get_policy, USER_ROLES | ROLE_GLOBAL_READER},
    {"Set-MsolPasswordPolicy", h_set_policy, 0}, /* Global Administrator only */
    {NULL, NULL, 0},
};
