/* handlers_roles.c - admin roles and remote-PowerShell access rights
 * (directory.md section 8): Get-MsolRole, Get-MsolRoleMember,
 * Add-MsolRoleMember, Remove-MsolRoleMember, Get-MsolUserRole, roomsys's
 * Set-RoomSystemAdminAccess, and the rule that only a Global Administrator
 * changes an administrator. Role assignment is Global Administrator only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../directory/dir_app.h"
#include "../directory/dir_roles.h"
#include "bind.h"
#include "handlers.h"

rs_status h_check_can_change(hctx *c, json_t *user, rs_err *err)
{
    unsigned roles = dir_user_roles(user);
    if (!roles || (c->who->roles & ROLE_GLOBAL_ADMIN))
        return RS_OK;
    return rs_raisef(err, RS_E_ACCESS_DENIED,
                     "The user \"%s\" can't change \"%s\": it holds an administrator role, and "
                     "only a Global Administrator may change administrators.",
                     c->who->upn, json_string_value(json_object_get(user, "UserPrincipalName")));
}

static json_t *role_view(const dir_role *r)
{
    return json_pack("{s:n,s:s,s:b,s:b,s:s,s:s}", "ExtensionData", "Description", r->description,
                     "IsEnabled", 1, "IsSystem", 1, "Name", r->msol_name, "ObjectId", r->object_id);
}

static rs_status h_get_role(hctx *c, rs_err *err)
{
    const char *name = bp_str(c->p, "RoleName"), *id = bp_str(c->p, "ObjectId");
    if (name || id) {
        const dir_role *r = dir_role_find(name ? name : id);
        if (!r)
            return rs_raise(err, RS_E_MSOL_ROLE_NOT_FOUND, name ? name : id);
        json_array_append_new(c->out, role_view(r));
        return RS_OK;
    }
    for (int i = 0; i < dir_nroles; i++)
        json_array_append_new(c->out, role_view(&dir_roles[i]));
    return RS_OK;
}

/* The role named by -RoleName or -RoleObjectId. */
static rs_status param_role(hctx *c, const dir_role **out, rs_err *err)
{
    const char *s = bp_str(c->p, "RoleName");
    if (!s)
        s = bp_str(c->p, "RoleObjectId");
    if (!s)
        return rs_raise(err, RS_E_PARAM_SET, "Specify -RoleName or -RoleObjectId.");
    *out = dir_role_find(s);
    return *out ? RS_OK : rs_raise(err, RS_E_MSOL_ROLE_NOT_FOUND, s);
}

/* The member named by -RoleMemberEmailAddress or -RoleMemberObjectId: a user,
 * or with -RoleMemberType ServicePrincipal an app registration (*is_app). */
static rs_status param_member(hctx *c, json_t **out, bool *is_app, rs_err *err)
{
    const char *s = bp_str(c->p, "RoleMemberEmailAddress");
    if (!s)
        s = bp_str(c->p, "RoleMemberObjectId");
    if (!s)
        return rs_raise(err, RS_E_PARAM_SET,
                        "Specify -RoleMemberEmailAddress or -RoleMemberObjectId.");
    *is_app = rs_streq_ci(bp_str(c->p, "RoleMemberType"), "ServicePrincipal");
    if (*is_app) {
        rs_status rc = dir_app_find(c->st, c->tid, s, out, err);
        return rc == RS_ENOTFOUND ? rs_raise(err, RS_E_MSOL_SP_NOT_FOUND, s) : rc;
    }
    rs_status rc = dir_user_find(c->st, c->tid, s, out, err);
    return rc == RS_ENOTFOUND ? rs_raise(err, RS_E_MSOL_USER_NOT_FOUND, s) : rc;
}

static rs_status save_member(hctx *c, json_t *m, bool is_app, rs_err *err)
{
    return is_app ? dir_app_save(c->st, c->tid, m, err)
                  : dir_user_save(c->st, c->tid, m, c->ds, err);
}

/* Index of role r in the user's Roles list, or -1. */
static int role_index(json_t *user, const dir_role *r)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(user, "Roles"), i, v)
    {
        if (dir_role_find(json_string_value(v)) == r)
            return (int)i;
    }
    return -1;
}

static rs_status h_add_member(hctx *c, rs_err *err)
{
    const dir_role *r;
    json_t *user = NULL;
    bool is_app = false;
    rs_status rc = param_role(c, &r, err);
    if (rc == RS_OK)
        rc = param_member(c, &user, &is_app, err);
    if (rc == RS_OK && role_index(user, r) >= 0)
        rc = rs_raise(err, RS_E_MSOL_ROLE_MEMBER_EXISTS);
    if (rc == RS_OK && json_is_true(json_object_get(user, "IsResource")))
        rc = rs_raise(err, RS_E_EXO_VALUE_INVALID,
                      "A room account cannot hold an administrator role.");
    if (rc == RS_OK) {
        json_t *roles = json_object_get(user, "Roles");
        if (!json_is_array(roles)) {
            roles = json_array();
            json_object_set_new(user, "Roles", roles);
        }
        json_array_append_new(roles, json_string(r->name));
        rc = save_member(c, user, is_app, err);
    }
    json_decref(user);
    return rc;
}

typedef struct admins_ctx {
    const dir_role *role;
    int n;
} admins_ctx;

static int count_members(void *ud, const char *id, json_t *user)
{
    (void)id;
    admins_ctx *a = ud;
    a->n += role_index(user, a->role) >= 0;
    return 0;
}

static rs_status h_remove_member(hctx *c, rs_err *err)
{
    const dir_role *r;
    json_t *user = NULL;
    bool is_app = false;
    rs_status rc = param_role(c, &r, err);
    if (rc == RS_OK)
        rc = param_member(c, &user, &is_app, err);
    int k = rc == RS_OK ? role_index(user, r) : -1;
    if (rc == RS_OK && k < 0)
        rc = rs_raise(err, RS_E_MSOL_ROLE_MEMBER_MISSING);
    if (rc == RS_OK && r->bit == ROLE_GLOBAL_ADMIN && !is_app) { /* never lock the tenant out */
        admins_ctx a = {.role = r};
        rc = dir_user_each(c->st, c->tid, count_members, &a, err);
        if (rc == RS_OK && a.n <= 1)
            rc = rs_raise(err, RS_E_EXO_VALUE_INVALID,
                          "The last Global Administrator of a tenant cannot be removed from the "
                          "role.");
    }
    if (rc == RS_OK) {
        json_array_remove(json_object_get(user, "Roles"), (size_t)k);
        rc = save_member(c, user, is_app, err);
    }
    json_decref(user);
    return rc;
}

typedef struct members_ctx {
    hctx *c;
    const dir_role *role;
} members_ctx;

static int list_member(void *ud, const char *id, json_t *user)
{
    (void)id;
    members_ctx *m = ud;
    if (role_index(user, m->role) < 0)
        return 0;
    json_array_append_new(
        m->c->out, json_pack("{s:n,s:s,s:O,s:O,s:b,s:O,s:s,s:s}", "ExtensionData", "RoleMemberType",
                             "User", "EmailAddress", json_object_get(user, "UserPrincipalName"),
                             "DisplayName", json_object_get(user, "DisplayName"), "isLicensed",
                             json_array_size(json_object_get(user, "Licenses")) > 0, "ObjectId",
                             json_object_get(user, "ObjectId"), "OverallProvisioningStatus", "None",
                             "ValidationStatus", "Healthy"));
    return 0;
}

static int list_app_member(void *ud, const char *id, json_t *app)
{
    (void)id;
    members_ctx *m = ud;
    if (role_index(app, m->role) < 0)
        return 0;
    json_array_append_new(
        m->c->out, json_pack("{s:n,s:s,s:n,s:O,s:b,s:O,s:s,s:s}", "ExtensionData", "RoleMemberType",
                             "ServicePrincipal", "EmailAddress", "DisplayName",
                             json_object_get(app, "DisplayName"), "isLicensed", 0, "ObjectId",
                             json_object_get(app, "ObjectId"), "OverallProvisioningStatus", "None",
                             "ValidationStatus", "Healthy"));
    return 0;
}

static rs_status h_get_members(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "RoleObjectId");
    members_ctx m = {.c = c, .role = dir_role_find(id)};
    if (!m.role)
        return rs_raise(err, RS_E_MSOL_ROLE_NOT_FOUND, id);
    rs_status rc = dir_user_each(c->st, c->tid, list_member, &m, err);
    if (rc == RS_OK)
        rc = dir_app_each(c->st, c->tid, list_app_member, &m, err);
    return rc;
}

static rs_status h_get_user_role(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "UserPrincipalName");
    if (!id)
        id = bp_str(c->p, "ObjectId");
    if (!id)
        return rs_raise(err, RS_E_PARAM_SET, "Specify -UserPrincipalName or -ObjectId.");
    json_t *user = NULL;
    rs_status rc = dir_user_find(c->st, c->tid, id, &user, err);
    if (rc == RS_ENOTFOUND)
        return rs_raise(err, RS_E_MSOL_USER_NOT_FOUND, id);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(user, "Roles"), i, v)
    {
        const dir_role *r = dir_role_find(json_string_value(v));
        if (r)
            json_array_append_new(c->out, role_view(r));
    }
    json_decref(user);
    return rc;
}

static rs_status h_set_access(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    json_t *user = NULL;
    rs_status rc = dir_user_find(c->st, c->tid, id, &user, err);
    if (rc == RS_ENOTFOUND)
        return rs_raise(err, RS_E_MSOL_USER_NOT_FOUND, id);
    if (rc)
        return rc;
    static const char *const rights[] = {"Exchange", "SkypeForBusiness", "MSOnline"};
    json_t *now = json_array();
    for (int i = 0; i < 3; i++) {
        int had = (dir_user_rights(user) >> i) & 1;
        if (bp_bool(c->p, rights[i], had))
            json_array_append_new(now, json_string(rights[i]));
    }
    json_object_set_new(user, "RemotePowerShellAccess", now);
    rc = dir_user_save(c->st, c->tid, user, c->ds, err);
    if (rc == RS_OK && bp_bool(c->p, "PassThru", 0)) {
        unsigned r = dir_user_rights(user);
        json_array_append_new(c->out,
                              json_pack("{s:O,s:b,s:b,s:b}", "UserPrincipalName",
                                        json_object_get(user, "UserPrincipalName"), "Exchange",
                                        (r & RIGHT_EXCHANGE) != 0, "SkypeForBusiness",
                                        (r & RIGHT_SFB) != 0, "MSOnline", (r & RIGHT_MSOL) != 0));
    }
    json_decref(user);
    return rc;
}

#define READERS (ROLE_USER_ADMIN | ROLE_GLOBAL_READER)
const handler_entry role_handlers[] = {
    {"Get-MsolRole", h_get_role,
     READERS | ROLE_LICENSE_ADMIN | ROLE_EXCHANGE_ADMIN | ROLE_SFB_ADMIN},
    {"Get-MsolRoleMember", h_get_members, READERS},
    {"Get-MsolUserRole", h_get_user_role, READERS},
    {"Add-MsolRoleMember", h_add_member, 0},        /* Global Administrator only */
    {"Remove-MsolRoleMember", h_remove_member, 0},  /* Global Administrator only */
    {"Set-RoomSystemAdminAccess", h_set_access, 0}, /* Global Administrator only */
    {NULL, NULL, 0},
};
