/* graph_users.c - Graph users and licenses (admin-api.md sections 2.1-2.2):
 * /users, /users/{id|upn}, /users/{id}/assignLicense, /subscribedSkus. Each
 * runs the MSOnline cmdlet an admin would (New-MsolUser, Get-MsolUser,
 * Set-MsolUser, Set-MsolUserPassword, Set-MsolUserLicense,
 * Get-MsolAccountSku) and reshapes its output as Graph's user and
 * subscribedSku resources. */
#include <stdlib.h>
#include <string.h>

#include "../directory/directory.h"
#include "graph_int.h"
#include "rs_util.h"

/* Graph's assignedPlans[].service: MSOnline's service type, but Exchange is
 * spelled "exchange" there. */
static const char *graph_plan_service(const char *plan)
{
    const char *s = dir_plan_service(plan);
    return strcmp(s, "Exchange") == 0 ? "exchange" : s;
}

#define USERS_TOP_DEFAULT 100
#define USERS_TOP_MAX     999

static const char *const user_defaults[] = {
    "businessPhones", "displayName",       "givenName", "jobTitle",          "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname",   "userPrincipalName", "id",   NULL};
static const char *const user_filter_props[] = {
    "userPrincipalName", "displayName", "mail",      "accountEnabled",
    "usageLocation",     "id",          "givenName", "surname",
    "mailNickname",      NULL};

/* The plan id of a service plan name (catalog), or NULL. Borrowed. */
static const char *plan_id(const char *name)
{
    return json_string_value(json_object_get(json_object_get(dir_sku_catalog(), "plans"), name));
}

/* The plan name of a service plan id (catalog), or NULL. Borrowed. */
static const char *plan_name(const char *id)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(dir_sku_catalog(), "plans"), k, v)
    {
        if (rs_streq_ci(json_string_value(v), id))
            return k;
    }
    return NULL;
}

/* Catalog entry of an AccountSkuId "prefix:PART" (borrowed) or NULL. */
static json_t *sku_of_asid(const char *asid)
{
    const char *colon = asid ? strrchr(asid, ':') : NULL;
    return dir_sku_find(colon ? colon + 1 : asid ? asid : "");
}

/* Get-MsolUser's Licenses entry: an AccountSkuId string, or an object
 * {AccountSkuId, ServiceStatus:[{ServicePlan:{ServiceName}, ProvisioningStatus}]}
 * (the MSOnline shape). Its AccountSkuId (borrowed) and disabled plan names
 * appended to `disabled`. */
static const char *license_parts(json_t *l, json_t *disabled)
{
    if (json_is_string(l))
        return json_string_value(l);
    const char *asid = json_string_value(json_object_get(l, "AccountSkuId"));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(l, "ServiceStatus"), i, s)
    {
        const char *st = json_string_value(json_object_get(s, "ProvisioningStatus"));
        json_t *sp = json_object_get(s, "ServicePlan");
        const char *name = json_string_value(json_object_get(sp ? sp : s, "ServiceName"));
        if (st && name && rs_streq_ci(st, "Disabled"))
            json_array_append_new(disabled, json_string(name));
    }
    json_array_foreach(json_object_get(l, "DisabledPlans"), i, s) json_array_append(disabled, s);
    return asid;
}

/* A Graph user (every property roomsys has) from Get-MsolUser's object
 * (borrowed). New reference. */
static json_t *user_full(json_t *m)
{
    json_t *o = json_object();
    const char *phone = json_string_value(json_object_get(m, "PhoneNumber"));
    json_object_set_new(o, "businessPhones", phone ? json_pack("[s]", phone) : json_array());
#define COPY(to, from)                                                                             \
    json_object_set(o, to, json_object_get(m, from) ? json_object_get(m, from) : json_null())
    COPY("displayName", "DisplayName");
    COPY("givenName", "FirstName");
    json_object_set_new(o, "jobTitle", json_null());
    const char *mail = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m, "ProxyAddresses"), i, v)
    {
        const char *s = json_string_value(v);
        if (s && !strncmp(s, "SMTP:", 5) && !mail)
            mail = s + 5;
    }
    json_object_set_new(o, "mail", mail ? json_string(mail) : json_null());
    json_object_set_new(o, "mobilePhone", json_null());
    json_object_set_new(o, "officeLocation", json_null());
    json_object_set_new(o, "preferredLanguage", json_null());
    COPY("surname", "LastName");
    COPY("userPrincipalName", "UserPrincipalName");
    COPY("id", "ObjectId");
    json_object_set_new(o, "accountEnabled",
                        json_boolean(!json_is_true(json_object_get(m, "BlockCredential"))));
    COPY("usageLocation", "UsageLocation");
#undef COPY
    bool never = json_is_true(json_object_get(m, "PasswordNeverExpires"));
    bool weak = json_is_false(json_object_get(m, "StrongPasswordRequired"));
    json_object_set_new(o, "passwordPolicies",
                        never && weak
                            ? json_string("DisablePasswordExpiration, DisableStrongPassword")
                        : never ? json_string("DisablePasswordExpiration")
                        : weak  ? json_string("DisableStrongPassword")
                                : json_null());
    const char *upn = json_string_value(json_object_get(m, "UserPrincipalName"));
    json_object_set_new(o, "mailNickname",
                        upn ? json_stringn(upn, strcspn(upn, "@")) : json_null());
    json_t *lics = json_array(), *plans = json_array();
    json_array_foreach(json_object_get(m, "Licenses"), i, v)
    {
        json_t *disabled = json_array();
        json_t *sku = sku_of_asid(license_parts(v, disabled));
        if (!sku) {
            json_decref(disabled);
            continue;
        }
        json_t *ids = json_array();
        size_t j;
        json_t *p;
        json_array_foreach(disabled, j, p)
        {
            const char *id = plan_id(json_string_value(p));
            if (id)
                json_array_append_new(ids, json_string(id));
        }
        json_array_append_new(lics, json_pack("{s:o,s:O}", "disabledPlans", ids, "skuId",
                                              json_object_get(sku, "SkuId")));
        json_array_foreach(json_object_get(sku, "Plans"), j, p)
        {
            const char *name = json_string_value(p);
            bool off = false;
            size_t k;
            json_t *d;
            json_array_foreach(disabled, k, d) off |= rs_streq_ci(json_string_value(d), name);
            json_array_append_new(plans, json_pack("{s:n,s:s,s:s,s:s?}", "assignedDateTime",
                                                   "capabilityStatus", off ? "Deleted" : "Enabled",
                                                   "service", graph_plan_service(name),
                                                   "servicePlanId", plan_id(name)));
        }
        json_decref(disabled);
    }
    json_object_set_new(o, "assignedLicenses", lics);
    json_object_set_new(o, "assignedPlans", plans);
    return o;
}

static char *context_of(gctx *g, const char *select, bool entity)
{
    if (select && *select) {
        char *s = rs_strdup(select), *w = s;
        for (char *r = s; *r; r++) /* the selected names without spaces */
            if (*r != ' ')
                *w++ = *r;
        *w = '\0';
        char *u = g_url(g, "$metadata#users(%s)%s", s, entity ? "/$entity" : "");
        free(s);
        return u;
    }
    return g_url(g, "$metadata#users%s", entity ? "/$entity" : "");
}

/* The answer for one user: context first, then the projection. */
static void answer_user(gctx *g, int status, json_t *full, const char *select,
                        const char *const *defaults)
{
    json_t *proj = g_project(g, full, select, defaults, "microsoft.graph.user");
    if (!proj)
        return;
    char *ctx = context_of(g, select, true);
    json_t *out = json_pack("{s:s}", "@odata.context", ctx);
    free(ctx);
    json_object_update(out, proj);
    json_decref(proj);
    g_json(g, status, out);
}

/* Get-MsolUser for one user; RS_OK with *full (new reference) or answered. */
static bool fetch_user(gctx *g, const char *id, json_t **full)
{
    rs_err e;
    rs_err_clear(&e);
    json_t *val = NULL;
    json_t *params = json_pack("{s:s}", rs_is_guid(id) ? "ObjectId" : "UserPrincipalName", id);
    if (g_invoke(g, "msol", "Get-MsolUser", params, &val, &e) != RS_OK) {
        g_fail(g, &e, id);
        return false;
    }
    json_t *m = json_array_get(val, 0);
    if (!m) {
        json_decref(val);
        rs_errf(&e, RS_ENOTFOUND, "not found");
        g_fail(g, &e, id);
        return false;
    }
    *full = user_full(m);
    json_decref(val);
    return true;
}

/* ---- GET /users ---- */

static void list_users(gctx *g)
{
    json_t *state = NULL;
    const char *tok = g_arg(g, "$skiptoken");
    if (tok) {
        state = g_skiptoken_decode(tok);
        if (!state) {
            g_error(g, 400, "Request_BadRequest", "Invalid value for the $skiptoken parameter.");
            return;
        }
    } else {
        int top;
        if (!g_top(g, USERS_TOP_DEFAULT, USERS_TOP_MAX, &top))
            return;
        const char *sel = g_arg(g, "$select"), *flt = g_arg(g, "$filter");
        const char *cnt = g_arg(g, "$count");
        state = json_pack("{s:s?,s:s?,s:i,s:i,s:b}", "select", sel, "filter", flt, "top", top,
                          "skip", 0, "count", cnt && rs_streq_ci(cnt, "true"));
        if (cnt && !rs_streq_ci(cnt, "true") && !rs_streq_ci(cnt, "false")) {
            json_decref(state);
            g_error(g, 400, "Request_BadRequest", "Invalid value for the $count parameter.");
            return;
        }
    }
    const char *sel = json_string_value(json_object_get(state, "select"));
    const char *flt = json_string_value(json_object_get(state, "filter"));
    int top = (int)json_integer_value(json_object_get(state, "top"));
    long long skip = json_integer_value(json_object_get(state, "skip"));
    bool count = json_is_true(json_object_get(state, "count"));
    const char *cl = api_form_get_ci(g->req->headers, "ConsistencyLevel");
    bool eventual = cl && rs_streq_ci(cl, "eventual");
    gf_node *f = NULL;
    json_t *val = NULL, *out = NULL, *page = json_array();
    rs_err e;
    rs_err_clear(&e);
    if (top < 1 || top > USERS_TOP_MAX || skip < 0) {
        g_error(g, 400, "Request_BadRequest", "Invalid value for the $skiptoken parameter.");
        goto done;
    }
    if (count && !eventual) {
        g_error(g, 400, "Request_BadRequest",
                "$count is not currently supported without the ConsistencyLevel: eventual "
                "header.");
        goto done;
    }
    if (flt) {
        rs_status rc = gf_parse(flt, user_filter_props, "User", &f, &e);
        if (rc == RS_EINVAL) {
            g_error(g, 400, "Request_UnsupportedQuery", "%s", e.msg);
            goto done;
        }
        if (rc) {
            g_error(g, 400, "Request_BadRequest", "%s", e.msg);
            goto done;
        }
        if (gf_advanced(f) && !eventual) {
            g_error(g, 400, "Request_UnsupportedQuery",
                    "Unsupported query: 'ne', 'not' and 'endsWith' need the ConsistencyLevel: "
                    "eventual header.");
            goto done;
        }
    }
    json_t *empty = json_object();
    json_t *sample = user_full(empty); /* the property names a user has */
    json_decref(empty);
    const char *k;
    json_t *v;
    const char *known[64];
    size_t nk = 0;
    json_object_foreach(sample, k, v) if (nk < 63) known[nk++] = k;
    known[nk] = NULL;
    bool sel_ok = g_select_ok(g, sel, known, "microsoft.graph.user");
    json_decref(sample);
    if (!sel_ok)
        goto done;
    if (g_invoke(g, "msol", "Get-MsolUser", json_pack("{s:b}", "All", 1), &val, &e) != RS_OK) {
        g_fail(g, &e, NULL);
        goto done;
    }
    long long matched = 0;
    bool more = false;
    size_t i;
    json_array_foreach(val, i, v)
    {
        json_t *full = user_full(v);
        if (!f || gf_eval(f, full)) {
            if (matched >= skip && matched < skip + top) {
                json_t *proj = g_project(g, full, sel, user_defaults, "microsoft.graph.user");
                json_array_append_new(page, proj);
            } else if (matched >= skip + top) {
                more = true;
            }
            matched++;
        }
        json_decref(full);
    }
    char *ctx = context_of(g, sel, false);
    out = json_pack("{s:s}", "@odata.context", ctx);
    free(ctx);
    if (count && skip == 0)
        json_object_set_new(out, "@odata.count", json_integer(matched));
    if (more) {
        json_object_set_new(state, "skip", json_integer(skip + top));
        char *t = g_skiptoken_encode(state);
        char *next = g_url(g, "users?$skiptoken=%s", t);
        json_object_set_new(out, "@odata.nextLink", json_string(next));
        free(next);
        free(t);
    }
    json_object_set(out, "value", page);
    g_json(g, 200, out);
done:
    gf_free(f);
    json_decref(val);
    json_decref(page);
    json_decref(state);
}

/* ---- POST /users, PATCH /users/{id} ---- */

/* passwordPolicies text -> PasswordNeverExpires / StrongPasswordRequired. */
static bool parse_policies(gctx *g, json_t *v, json_t *params)
{
    if (json_is_null(v)) {
        json_object_set_new(params, "PasswordNeverExpires", json_false());
        json_object_set_new(params, "StrongPasswordRequired", json_true());
        return true;
    }
    const char *s = json_string_value(v);
    if (!s) {
        g_error(g, 400, "Request_BadRequest",
                "Invalid value specified for property 'passwordPolicies' of resource 'User'.");
        return false;
    }
    bool never = false, weak = false;
    char *copy = rs_strdup(s), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *n = rs_trim(t);
        if (rs_streq_ci(n, "DisablePasswordExpiration"))
            never = true;
        else if (rs_streq_ci(n, "DisableStrongPassword"))
            weak = true;
        else if (*n && !rs_streq_ci(n, "None"))
            ok = false;
    }
    free(copy);
    if (!ok) {
        g_error(g, 400, "Request_BadRequest",
                "Invalid value specified for property 'passwordPolicies' of resource 'User'.");
        return false;
    }
    json_object_set_new(params, "PasswordNeverExpires", json_boolean(never));
    json_object_set_new(params, "StrongPasswordRequired", json_boolean(!weak));
    return true;
}

static bool bad_value(gctx *g, const char *prop)
{
    g_error(g, 400, "Request_BadRequest",
            "Invalid value specified for property '%s' of resource 'User'.", prop);
    return false;
}

/* Common user properties of POST and PATCH into Set-/New-MsolUser params. */
static bool map_props(gctx *g, json_t *body, json_t *params)
{
    static const struct {
        const char *graph, *msol;
    } strs[] = {
        {"displayName", "DisplayName"}, {"givenName", "FirstName"}, {"surname", "LastName"}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        json_t *v = json_object_get(body, strs[i].graph);
        if (!v)
            continue;
        if (!json_is_string(v) || strlen(json_string_value(v)) > 256 ||
            (!strcmp(strs[i].graph, "displayName") && !*json_string_value(v)))
            return bad_value(g, strs[i].graph);
        json_object_set(params, strs[i].msol, v);
    }
    json_t *v = json_object_get(body, "accountEnabled");
    if (v) {
        if (!json_is_boolean(v))
            return bad_value(g, "accountEnabled");
        json_object_set_new(params, "BlockCredential", json_boolean(!json_is_true(v)));
    }
    if ((v = json_object_get(body, "usageLocation"))) {
        if (!json_is_string(v) || !dir_valid_country(json_string_value(v)))
            return bad_value(g, "usageLocation");
        json_object_set(params, "UsageLocation", v);
    }
    if ((v = json_object_get(body, "passwordPolicies")) && !parse_policies(g, v, params))
        return false;
    return true;
}

/* passwordProfile {password, forceChangePasswordNextSignIn[, ...WithMfa]}. */
static bool map_password(gctx *g, json_t *pp, const char **pw, int *force)
{
    static const char *const known[] = {"password", "forceChangePasswordNextSignIn",
                                        "forceChangePasswordNextSignInWithMfa", NULL};
    if (!json_is_object(pp))
        return bad_value(g, "passwordProfile");
    if (!g_known_props(g, pp, known))
        return false;
    json_t *p = json_object_get(pp, "password");
    json_t *f = json_object_get(pp, "forceChangePasswordNextSignIn");
    if ((p && !json_is_string(p)) || (f && !json_is_boolean(f)))
        return bad_value(g, "passwordProfile");
    *pw = p ? json_string_value(p) : NULL;
    *force = f ? json_is_true(f) : -1;
    return true;
}

/* Map the errors of user changes to Graph's texts. */
static void user_change_failed(gctx *g, const rs_err *e, const char *id)
{
    if (e->exception && strstr(e->exception, "UserAlreadyExistsException"))
        g_error(g, 400, "Request_BadRequest",
                "Another object with the same value for property userPrincipalName already "
                "exists.");
    else
        g_fail(g, e, id);
}

static void create_user(gctx *g)
{
    static const char *const known[] = {
        "accountEnabled",   "displayName",   "mailNickname", "userPrincipalName", "passwordProfile",
        "passwordPolicies", "usageLocation", "givenName",    "surname",           NULL};
    static const char *const required[] = {"accountEnabled",    "displayName",     "mailNickname",
                                           "userPrincipalName", "passwordProfile", NULL};
    json_t *body = g_body(g), *params = NULL, *val = NULL;
    if (!body || !g_known_props(g, body, known))
        goto out;
    for (const char *const *r = required; *r; r++)
        if (!json_object_get(body, *r) || json_is_null(json_object_get(body, *r))) {
            g_error(g, 400, "Request_BadRequest",
                    "Invalid value specified for property '%s' of resource 'User'.", *r);
            goto out;
        }
    json_t *nick = json_object_get(body, "mailNickname");
    json_t *upn = json_object_get(body, "userPrincipalName");
    if (!json_is_string(nick) || !*json_string_value(nick) ||
        strlen(json_string_value(nick)) > 64) {
        bad_value(g, "mailNickname");
        goto out;
    }
    if (!json_is_string(upn) || !strchr(json_string_value(upn), '@')) {
        bad_value(g, "userPrincipalName");
        goto out;
    }
    params = json_pack("{s:O,s:b}", "UserPrincipalName", upn, "StrongPasswordRequired", 1);
    const char *pw = NULL;
    int force = -1;
    if (!map_props(g, body, params) ||
        !map_password(g, json_object_get(body, "passwordProfile"), &pw, &force))
        goto out;
    if (!pw || !*pw) {
        bad_value(g, "passwordProfile");
        goto out;
    }
    json_object_set_new(params, "Password", json_string(pw));
    json_object_set_new(params, "ForceChangePassword", json_boolean(force != 0));
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "msol", "New-MsolUser", params, &val, &e) != RS_OK) {
        params = NULL;
        user_change_failed(g, &e, NULL);
        goto out;
    }
    params = NULL;
    json_t *full = user_full(json_array_get(val, 0));
    answer_user(g, 201, full, NULL, user_defaults);
    json_decref(full);
out:
    json_decref(params);
    json_decref(val);
    json_decref(body);
}

static void update_user(gctx *g, const char *id)
{
    static const char *const known[] = {
        "accountEnabled",  "displayName", "usageLocation", "passwordPolicies",
        "passwordProfile", "givenName",   "surname",       NULL};
    json_t *body = g_body(g), *cur = NULL, *params = json_object(), *val = NULL;
    const char *pw = NULL;
    int force = -1;
    rs_err e;
    rs_err_clear(&e);
    if (!body || !g_known_props(g, body, known) || !map_props(g, body, params))
        goto out;
    json_t *pp = json_object_get(body, "passwordProfile");
    if (pp && !map_password(g, pp, &pw, &force))
        goto out;
    if (pp && (!pw || !*pw)) {
        bad_value(g, "passwordProfile");
        goto out;
    }
    if (!fetch_user(g, id, &cur)) /* 404 before anything changes */
        goto out;
    const char *upn = json_string_value(json_object_get(cur, "userPrincipalName"));
    if (pw) { /* the likeliest refusal (password policy) first: nothing else has changed yet */
        json_t *pwp = json_pack("{s:s,s:s,s:b}", "UserPrincipalName", upn, "NewPassword", pw,
                                "ForceChangePassword", force != 0);
        if (g_invoke(g, "msol", "Set-MsolUserPassword", pwp, &val, &e) != RS_OK) {
            user_change_failed(g, &e, id);
            goto out;
        }
        json_decref(val);
        val = NULL;
    }
    if (json_object_size(params)) {
        json_object_set_new(params, "UserPrincipalName", json_string(upn));
        json_t *p = params;
        params = NULL;
        if (g_invoke(g, "msol", "Set-MsolUser", p, &val, &e) != RS_OK) {
            user_change_failed(g, &e, id);
            goto out;
        }
    }
    g_json(g, 204, NULL);
out:
    json_decref(cur);
    json_decref(params);
    json_decref(val);
    json_decref(body);
}

/* ---- licenses ---- */

/* Get-MsolAccountSku (new reference) or NULL after answering. */
static json_t *account_skus(gctx *g)
{
    json_t *val = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "msol", "Get-MsolAccountSku", json_object(), &val, &e) != RS_OK) {
        g_fail(g, &e, NULL);
        return NULL;
    }
    return val;
}

static json_t *sku_by_id(json_t *skus, const char *sku_id)
{
    size_t i;
    json_t *s;
    json_array_foreach(skus, i, s)
    {
        if (sku_id && rs_streq_ci(json_string_value(json_object_get(s, "SkuId")), sku_id))
            return s;
    }
    return NULL;
}

static void assign_license(gctx *g, const char *id)
{
    static const char *const known[] = {"addLicenses", "removeLicenses", NULL};
    static const char *const add_known[] = {"skuId", "disabledPlans", NULL};
    json_t *body = g_body(g), *skus = NULL, *cur = NULL, *val = NULL;
    json_t *add = json_array(), *remove = json_array(), *options = json_array();
    rs_err e;
    rs_err_clear(&e);
    if (!body || !g_known_props(g, body, known))
        goto out;
    json_t *a = json_object_get(body, "addLicenses"), *r = json_object_get(body, "removeLicenses");
    if (!json_is_array(a) || !json_is_array(r)) {
        g_error(g, 400, "Request_BadRequest",
                "Invalid value specified for property '%s' of resource 'User'.",
                !json_is_array(a) ? "addLicenses" : "removeLicenses");
        goto out;
    }
    if (!(skus = account_skus(g)) || !fetch_user(g, id, &cur))
        goto out;
    json_t *held = json_object_get(cur, "assignedLicenses");
    size_t i;
    json_t *v;
    json_array_foreach(r, i, v)
    {
        json_t *s = sku_by_id(skus, json_string_value(v));
        if (!s) {
            g_error(g, 400, "Request_BadRequest",
                    "License %s does not correspond to a valid company License.",
                    json_is_string(v) ? json_string_value(v) : "");
            goto out;
        }
        json_array_append(remove, json_object_get(s, "AccountSkuId"));
    }
    json_array_foreach(a, i, v)
    {
        if (!json_is_object(v) || !g_known_props(g, v, add_known)) {
            if (!g->done)
                bad_value(g, "addLicenses");
            goto out;
        }
        const char *sid = json_string_value(json_object_get(v, "skuId"));
        json_t *s = sku_by_id(skus, sid);
        if (!s) {
            g_error(g, 400, "Request_BadRequest",
                    "License %s does not correspond to a valid company License.", sid ? sid : "");
            goto out;
        }
        json_t *asid = json_object_get(s, "AccountSkuId");
        json_t *cat = dir_sku_find(json_string_value(json_object_get(s, "SkuPartNumber")));
        json_t *dp = json_object_get(v, "disabledPlans"), *names = json_array();
        if (dp && !json_is_array(dp) && !json_is_null(dp)) {
            json_decref(names);
            bad_value(g, "disabledPlans");
            goto out;
        }
        size_t j;
        json_t *p;
        json_array_foreach(dp, j, p)
        {
            const char *name = plan_name(json_string_value(p));
            bool in_sku = false;
            size_t k;
            json_t *q;
            json_array_foreach(json_object_get(cat, "Plans"), k, q) in_sku |=
                name && rs_streq_ci(json_string_value(q), name);
            if (!in_sku) {
                json_decref(names);
                g_error(g, 400, "Request_BadRequest",
                        "Service plan %s is not part of the license %s.",
                        json_is_string(p) ? json_string_value(p) : "", sid);
                goto out;
            }
            json_array_append_new(names, json_string(name));
        }
        /* Graph's addLicenses also updates the disabled plans of a license the
         * user holds: MSOnline does that by removing and re-adding it. */
        bool has = false;
        json_array_foreach(held, j, p) has |=
            rs_streq_ci(json_string_value(json_object_get(p, "skuId")), sid);
        bool removing = false;
        json_array_foreach(remove, j, p) removing |= json_equal(p, asid);
        if (has && !removing)
            json_array_append(remove, asid);
        json_array_append(add, asid);
        json_array_append_new(
            options, json_pack("{s:O,s:o}", "AccountSkuId", asid, "DisabledServicePlans", names));
    }
    json_t *params = json_pack("{s:O,s:O,s:O,s:O}", "UserPrincipalName",
                               json_object_get(cur, "userPrincipalName"), "AddLicenses", add,
                               "RemoveLicenses", remove, "LicenseOptions", options);
    if (g_invoke(g, "msol", "Set-MsolUserLicense", params, &val, &e) != RS_OK) {
        if (e.exception && strstr(e.exception, "RequiredPropertyNotSetException"))
            g_error(g, 400, "Request_BadRequest",
                    "License assignment cannot be done for user with invalid usage location.");
        else if (e.exception && strstr(e.exception, "LicenseQuotaExceededException")) {
            const char *sku = "";
            json_array_foreach(a, i, v)
            {
                json_t *s = sku_by_id(skus, json_string_value(json_object_get(v, "skuId")));
                if (s && strstr(e.msg, json_string_value(json_object_get(s, "AccountSkuId"))))
                    sku = json_string_value(json_object_get(s, "SkuId"));
            }
            g_error(g, 400, "Request_BadRequest",
                    "Subscription with SKU %s does not have any available licenses.", sku);
        } else
            g_fail(g, &e, id);
        goto out;
    }
    json_decref(cur);
    cur = NULL;
    if (fetch_user(g, id, &cur)) {
        static const char *const with_lic[] = {"businessPhones",
                                               "displayName",
                                               "givenName",
                                               "jobTitle",
                                               "mail",
                                               "mobilePhone",
                                               "officeLocation",
                                               "preferredLanguage",
                                               "surname",
                                               "userPrincipalName",
                                               "id",
                                               "assignedLicenses",
                                               "assignedPlans",
                                               NULL};
        answer_user(g, 200, cur, NULL, with_lic);
    }
out:
    json_decref(add);
    json_decref(remove);
    json_decref(options);
    json_decref(skus);
    json_decref(cur);
    json_decref(val);
    json_decref(body);
}

void graph_subscribed_skus(gctx *g)
{
    if (g->nseg != 1) {
        g_error(g, 400, "BadRequest", "Resource not found for the segment '%s'.", g->seg[1]);
        return;
    }
    if (strcmp(g->req->method, "GET") && strcmp(g->req->method, "HEAD")) {
        g_method(g, "GET");
        return;
    }
    if (g_arg(g, "$filter")) {
        g_error(g, 400, "Request_UnsupportedQuery", "$filter is not supported on subscribedSkus.");
        return;
    }
    json_t *skus = account_skus(g);
    if (!skus)
        return;
    json_t *value = json_array();
    size_t i;
    json_t *s;
    const char *sel = g_arg(g, "$select");
    json_array_foreach(skus, i, s)
    {
        json_t *cat = dir_sku_find(json_string_value(json_object_get(s, "SkuPartNumber")));
        json_t *plans = json_array(), *p;
        size_t j;
        json_array_foreach(json_object_get(cat, "Plans"), j, p) json_array_append_new(
            plans,
            json_pack("{s:s?,s:O,s:s,s:s}", "servicePlanId", plan_id(json_string_value(p)),
                      "servicePlanName", p, "provisioningStatus", "Success", "appliesTo", "User"));
        json_t *subs = json_object_get(s, "SubscriptionIds");
        char *id = rs_asprintf("%s_%s", json_string_value(json_object_get(s, "AccountObjectId")),
                               json_string_value(json_object_get(s, "SkuId")));
        json_t *full = json_pack(
            "{s:O,s:O,s:s,s:s,s:O,s:s,s:{s:O,s:i,s:O,s:O},s:o,s:O,s:O,s:o}", "accountName",
            json_object_get(s, "AccountName"), "accountId", json_object_get(s, "AccountObjectId"),
            "appliesTo", "User", "capabilityStatus", "Enabled", "consumedUnits",
            json_object_get(s, "ConsumedUnits"), "id", id, "prepaidUnits", "enabled",
            json_object_get(s, "ActiveUnits"), "lockedOut", 0, "suspended",
            json_object_get(s, "SuspendedUnits"), "warning", json_object_get(s, "WarningUnits"),
            "servicePlans", plans, "skuId", json_object_get(s, "SkuId"), "skuPartNumber",
            json_object_get(s, "SkuPartNumber"), "subscriptionIds",
            json_is_array(subs)    ? json_incref(subs)
            : json_is_string(subs) ? json_pack("[O]", subs)
                                   : json_array());
        free(id);
        if (!full) { /* a subscription record missing a member: skip, never crash */
            continue;
        }
        json_t *proj = g_project(g, full, sel, NULL, "microsoft.graph.subscribedSku");
        json_decref(full);
        if (!proj) {
            json_decref(value);
            json_decref(skus);
            return;
        }
        json_array_append_new(value, proj);
    }
    json_decref(skus);
    char *ctx = g_url(g, "$metadata#subscribedSkus");
    json_t *out = json_pack("{s:s,s:o}", "@odata.context", ctx, "value", value);
    free(ctx);
    g_json(g, 200, out);
}

void graph_users(gctx *g)
{
    const char *m = g->req->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    if (g->nseg == 1) {
        if (get)
            list_users(g);
        else if (!strcmp(m, "POST"))
            create_user(g);
        else
            g_method(g, "GET, POST");
        return;
    }
    const char *id = g->seg[1];
    if (g->nseg == 2) {
        if (get) {
            json_t *full = NULL;
            const char *sel = g_arg(g, "$select");
            if (fetch_user(g, id, &full))
                answer_user(g, 200, full, sel, user_defaults);
            json_decref(full);
        } else if (!strcmp(m, "PATCH")) {
            update_user(g, id);
        } else {
            g_method(g, "GET, PATCH");
        }
        return;
    }
    if (g->nseg == 3 && rs_streq_ci(g->seg[2], "assignLicense")) {
        if (!strcmp(m, "POST"))
            assign_license(g, id);
        else
            g_method(g, "POST");
        return;
    }
    graph_calendar(g, id);
}
