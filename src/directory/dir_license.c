/* dir_license.c - the SKU catalog, seats and license assignment rules
 * (directory.md sections 2-4). The catalog is data (sku_catalog.json),
 * embedded at build time. */
#include "directory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

extern const char rs_sku_catalog_json[];

static json_t *catalog;
static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;

static void load_catalog(void)
{
    json_error_t je;
    catalog = json_loads(rs_sku_catalog_json, 0, &je);
    if (!catalog) {
        fprintf(stderr, "roomsys: built-in SKU catalog is invalid: %s (line %d)\n", je.text,
                je.line);
        abort();
    }
}

json_t *dir_sku_catalog(void)
{
    pthread_once(&catalog_once, load_catalog);
    return catalog;
}

json_t *dir_sku_find(const char *part_number)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(dir_sku_catalog(), "skus"), i, s)
    {
        if (rs_streq_ci(json_string_value(json_object_get(s, "SkuPartNumber")), part_number))
            return s;
    }
    return NULL;
}

/* ISO 3166-1 alpha-2 codes. */
static const char countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

bool dir_valid_country(const char *code)
{
    if (!code || strlen(code) != 2)
        return false;
    char up[3] = {(char)(code[0] & ~0x20), (char)(code[1] & ~0x20), 0};
    for (size_t i = 0; i + 1 < sizeof countries - 1; i += 3)
        if (countries[i] == up[0] && countries[i + 1] == up[1])
            return true;
    return false;
}

static json_t *find_sub(json_t *tenant, const char *part)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(tenant, "Subscriptions"), i, s)
    {
        if (rs_streq_ci(json_string_value(json_object_get(s, "SkuPartNumber")), part))
            return s;
    }
    return NULL;
}

/* Split "contoso:MCOSTANDARD" and check the prefix names this tenant. Returns
 * the subscription (borrowed) or NULL after raising. */
static json_t *resolve_sku(json_t *tenant, const char *account_sku_id, rs_err *err)
{
    char prefix[128];
    dir_tenant_prefix(tenant, prefix, sizeof prefix);
    const char *colon = account_sku_id ? strchr(account_sku_id, ':') : NULL;
    json_t *sub = NULL;
    if (colon && (size_t)(colon - account_sku_id) == strlen(prefix) &&
        !strncasecmp(account_sku_id, prefix, strlen(prefix)))
        sub = find_sub(tenant, colon + 1);
    if (!sub)
        rs_raise(err, RS_E_MSOL_SKU_INVALID);
    return sub;
}

static int license_index(json_t *user, const char *part)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(user, "Licenses"), i, l)
    {
        if (rs_streq_ci(json_string_value(json_object_get(l, "SkuPartNumber")), part))
            return (int)i;
    }
    return -1;
}

/* directory.md section 3 rule 7: plans that cannot be enabled together on
 * one user (the same plan through two SKUs is fine). */
static rs_status check_exclusive(json_t *licenses, rs_err *err)
{
    static const char *const groups[][5] = {
        {"MCOIMP", "MCOSTANDARD_MIDMARKET", "MCOSTANDARD", "MCOLITE", NULL},
        {"MCOPSTN1", "MCOPSTN2", "MCOPSTN5", NULL},
    };
    json_t *u = json_pack("{s:O}", "Licenses", licenses);
    rs_status rc = RS_OK;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0] && !rc; g++) {
        const char *first = NULL;
        for (const char *const *p = groups[g]; *p && !rc; p++) {
            if (!dir_user_has_plan(u, *p))
                continue;
            if (first)
                rc = rs_raise(err, RS_E_MSOL_MUTUALLY_EXCLUSIVE, first, *p);
            first = *p;
        }
    }
    json_decref(u);
    return rc;
}

rs_status dir_license_apply(json_t *tenant, json_t *user, json_t *add, json_t *remove,
                            json_t *options, rs_err *err)
{
    char prefix[128];
    dir_tenant_prefix(tenant, prefix, sizeof prefix);
    if (json_array_size(add) &&
        !dir_valid_country(json_string_value(json_object_get(user, "UsageLocation"))))
        return rs_raise(err, RS_E_MSOL_USAGE_LOCATION);
    /* Work on copies so a failure leaves user and tenant unchanged. */
    json_t *lic = json_deep_copy(json_object_get(user, "Licenses"));
    json_t *subs = json_deep_copy(json_object_get(tenant, "Subscriptions"));
    json_t *t2 = json_pack("{s:O,s:o}", "InitialDomain", json_object_get(tenant, "InitialDomain"),
                           "Subscriptions", subs);
    json_t *u2 = json_pack("{s:o}", "Licenses", lic);
    rs_status rc = RS_OK;
    size_t i;
    json_t *v;
    json_array_foreach(remove, i, v)
    {
        json_t *sub = resolve_sku(t2, json_string_value(v), err);
        if (!sub) {
            rc = err ? err->code : RS_EINVAL;
            goto out;
        }
        const char *part = json_string_value(json_object_get(sub, "SkuPartNumber"));
        int idx = license_index(u2, part);
        if (idx < 0) {
            rc = rs_raise(err, RS_E_MSOL_LICENSE_NOT_ASSIGNED, json_string_value(v));
            goto out;
        }
        json_array_remove(lic, (size_t)idx);
        json_object_set_new(
            sub, "ConsumedUnits",
            json_integer(json_integer_value(json_object_get(sub, "ConsumedUnits")) - 1));
    }
    json_array_foreach(add, i, v)
    {
        json_t *sub = resolve_sku(t2, json_string_value(v), err);
        if (!sub) {
            rc = err ? err->code : RS_EINVAL;
            goto out;
        }
        const char *part = json_string_value(json_object_get(sub, "SkuPartNumber"));
        if (license_index(u2, part) >= 0) {
            rc = rs_raise(err, RS_E_MSOL_LICENSE_ASSIGNED, json_string_value(v));
            goto out;
        }
        json_int_t used = json_integer_value(json_object_get(sub, "ConsumedUnits"));
        if (used >= json_integer_value(json_object_get(sub, "ActiveUnits"))) {
            char *name = rs_asprintf("%s:%s", prefix, part);
            rc = rs_raise(err, RS_E_MSOL_NO_SEATS, name);
            free(name);
            goto out;
        }
        json_object_set_new(sub, "ConsumedUnits", json_integer(used + 1));
        json_t *sku = dir_sku_find(part);
        char *asid = rs_asprintf("%s:%s", prefix, part);
        json_array_append_new(lic, json_pack("{s:s,s:s,s:O,s:[],s:O}", "AccountSkuId", asid,
                                             "SkuPartNumber", part, "SkuId",
                                             json_object_get(sku, "SkuId"), "DisabledPlans",
                                             "Plans", json_object_get(sku, "Plans")));
        free(asid);
    }
    /* -LicenseOptions: [{AccountSkuId, DisabledServicePlans:[...]}] */
    json_array_foreach(options, i, v)
    {
        const char *asid = json_string_value(json_object_get(v, "AccountSkuId"));
        json_t *sub = resolve_sku(t2, asid, err);
        if (!sub) {
            rc = err ? err->code : RS_EINVAL;
            goto out;
        }
        int idx = license_index(u2, json_string_value(json_object_get(sub, "SkuPartNumber")));
        if (idx < 0) {
            rc = rs_raise(err, RS_E_MSOL_LICENSE_NOT_ASSIGNED, asid);
            goto out;
        }
        json_t *dis = json_object_get(v, "DisabledServicePlans");
        json_object_set(json_array_get(lic, (size_t)idx), "DisabledPlans",
                        json_is_array(dis) ? dis : json_array());
    }
    if ((rc = check_exclusive(lic, err)))
        goto out;
    json_object_set(user, "Licenses", lic);
    json_object_set(tenant, "Subscriptions", subs);
out:
    json_decref(t2);
    json_decref(u2);
    return rc;
}

bool dir_user_has_plan(json_t *user, const char *plan)
{
    size_t i, j;
    json_t *l, *p;
    json_array_foreach(json_object_get(user, "Licenses"), i, l)
    {
        bool disabled = false;
        json_array_foreach(json_object_get(l, "DisabledPlans"), j, p) disabled |=
            rs_streq_ci(json_string_value(p), plan);
        if (disabled)
            continue;
        json_array_foreach(json_object_get(l, "Plans"), j, p)
        {
            if (rs_streq_ci(json_string_value(p), plan))
                return true;
        }
    }
    return false;
}

bool dir_user_can_meet(json_t *user)
{
    return dir_user_has_plan(user, "MCOSTANDARD") || dir_user_has_plan(user, "MCOVOICECONF");
}

json_t *dir_sku_msol_view(json_t *tenant, json_t *sub)
{
    char prefix[128];
    dir_tenant_prefix(tenant, prefix, sizeof prefix);
    const char *part = json_string_value(json_object_get(sub, "SkuPartNumber"));
    char *asid = rs_asprintf("%s:%s", prefix, part);
    json_t *status = json_array(), *p;
    size_t i;
    json_t *sku = dir_sku_find(part);
    json_array_foreach(json_object_get(sku, "Plans"), i, p)
    {
        char *s = rs_asprintf("%s: Success", json_string_value(p));
        json_array_append_new(status, json_string(s));
        free(s);
    }
    json_t *v = json_pack("{s:s,s:O,s:s,s:O,s:O,s:o,s:O,s:O,s:[O],s:O,s:s,s:O}", "AccountName",
                          prefix, "AccountObjectId", json_object_get(tenant, "TenantId"),
                          "AccountSkuId", asid, "ActiveUnits", json_object_get(sub, "ActiveUnits"),
                          "ConsumedUnits", json_object_get(sub, "ConsumedUnits"), "ServiceStatus",
                          status, "SkuId", json_object_get(sub, "SkuId"), "SkuPartNumber",
                          json_object_get(sub, "SkuPartNumber"), "SubscriptionIds",
                          json_object_get(sub, "SubscriptionId"), "SuspendedUnits",
                          json_object_get(sub, "SuspendedUnits"), "TargetClass", "User",
                          "WarningUnits", json_object_get(sub, "WarningUnits"));
    free(asid);
    return v;
}

const char *dir_plan_service(const char *plan)
{
    static const struct {
        const char *prefix, *service;
    } map[] = {{"EXCHANGE", "Exchange"},
               {"MCO", "MicrosoftCommunicationsOnline"},
               {"SHAREPOINT", "SharePoint"},
               {"TEAMS", "TeamspaceAPI"},
               {"OFFICE", "MicrosoftOffice"}};
    for (size_t i = 0; plan && i < sizeof map / sizeof *map; i++)
        if (rs_prefix_ci(plan, map[i].prefix))
            return map[i].service;
    return plan;
}
