/* handlers_groups.c - distribution groups and room lists (Exchange Online):
 * New-, Get-, Remove-DistributionGroup and Add-, Remove-,
 * Get-DistributionGroupMember. A group made with -RoomList
 * (RecipientTypeDetails RoomList) takes room mailboxes only; Graph's
 * /places/microsoft.graph.roomlist reads these groups with
 * Get-DistributionGroup -RecipientTypeDetails RoomList. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../exchange/exchange.h"
#include "bind.h"
#include "handlers.h"

#define GROUP_MEMBERS_MAX 5000

/* Alias from a name: characters outside Exchange's alias set dropped
 * (spaces included). Caller frees. */
static char *alias_of(const char *s)
{
    rs_buf b = {0};
    for (; *s; s++)
        if (isalnum((unsigned char)*s) || strchr("!#$%&'*+-/=?^_`{|}~", *s))
            rs_buf_putc(&b, *s);
    return rs_buf_take(&b);
}

static bool is_room(json_t *mbx)
{
    const char *t = json_string_value(json_object_get(mbx, "RecipientTypeDetails"));
    return rs_streq_ci(t, "RoomMailbox") || rs_streq_ci(t, "WorkspaceMailbox");
}

/* Resolve a would-be member (E2 when unknown) and check it may join g. *out:
 * new reference. */
static rs_status member_of(hctx *c, json_t *g, const char *id, json_t **out, rs_err *err)
{
    *out = NULL;
    if (exo_mailbox_resolve(c->st, c->tid, id, c->dc, out, NULL) != RS_OK)
        return rs_raise(err, RS_E_EXO_REF_NOT_FOUND, id ? id : "");
    if (exo_dgroup_is_room_list(g) && !is_room(*out)) {
        json_decref(*out);
        *out = NULL;
        return rs_raise(err, RS_E_EXO_ROOM_LIST_ROOMS_ONLY, id,
                        json_string_value(json_object_get(g, "Name")));
    }
    return RS_OK;
}

static bool has_member(json_t *g, const char *guid)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(g, "Members"), i,
                       v) if (rs_streq_ci(json_string_value(v), guid)) return true;
    return false;
}

/* Get-DistributionGroupMember's object of a mailbox. New reference. */
static json_t *member_view(json_t *m)
{
#define M(k) (json_object_get(m, k) ? json_object_get(m, k) : json_null())
    return json_pack("{s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:O,s:O}", "Identity", M("Name"), "Name",
                     M("Name"), "DisplayName", M("DisplayName"), "Alias", M("Alias"),
                     "PrimarySmtpAddress", M("PrimarySmtpAddress"), "RecipientType", "UserMailbox",
                     "RecipientTypeDetails", M("RecipientTypeDetails"), "ExternalDirectoryObjectId",
                     M("ExternalDirectoryObjectId"), "Guid", M("ExchangeGuid"));
#undef M
}

static rs_status h_new_dgroup(hctx *c, rs_err *err)
{
    const char *name = bp_str(c->p, "Name");
    rs_status rc = exo_check_name(name, err);
    if (rc)
        return rc;
    const char *smtp_in = bp_str(c->p, "PrimarySmtpAddress");
    char *alias = bp_str(c->p, "Alias")             ? rs_strdup(bp_str(c->p, "Alias"))
                  : smtp_in && strchr(smtp_in, '@') ? rs_strndup(smtp_in, strcspn(smtp_in, "@"))
                                                    : alias_of(name);
    char *smtp = smtp_in
                     ? rs_strdup(smtp_in)
                     : rs_asprintf("%s@%s", alias,
                                   json_string_value(json_object_get(c->tenant, "InitialDomain")));
    json_t *g = NULL;
    /* the domain first: nothing of another tenant shows through */
    const char *at = strchr(smtp, '@');
    if (!at || !dir_tenant_has_domain(c->tenant, at + 1)) {
        rc = rs_raise(err, RS_E_MSOL_DOMAIN_UNKNOWN, smtp);
        goto out;
    }
    if ((rc = exo_check_alias(alias, err)))
        goto out;
    const char *dn = bp_str(c->p, "DisplayName");
    if (dn && (rc = exo_check_name(dn, err)))
        goto out;
    g = exo_dgroup_new(name, alias, dn, smtp, bp_bool(c->p, "RoomList", 0) == 1);
    json_t *members = bp_get(c->p, "Members");
    json_t *list = json_is_string(members)  ? json_pack("[O]", members)
                   : json_is_array(members) ? json_incref(members)
                                            : json_array();
    if (json_array_size(list) > GROUP_MEMBERS_MAX) {
        rc = rs_raisef(err, RS_E_EXO_VALUE_INVALID, "A group holds at most %d members.",
                       GROUP_MEMBERS_MAX);
        json_decref(list);
        goto out;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        json_t *m = NULL;
        if ((rc = member_of(c, g, json_string_value(v), &m, err)))
            break;
        const char *mg = json_string_value(json_object_get(m, "ExchangeGuid"));
        if (!has_member(g, mg))
            json_array_append_new(json_object_get(g, "Members"), json_string(mg));
        json_decref(m);
    }
    json_decref(list);
    if (rc || (rc = exo_dgroup_create(c->st, c->tid, g, err)))
        goto out;
    json_array_append_new(c->out, exo_dgroup_view(g));
out:
    json_decref(g);
    free(alias);
    free(smtp);
    return rc;
}

typedef struct group_list {
    hctx *c;
    const char *type;
} group_list;

static int list_group(void *ud, const char *id, json_t *g)
{
    (void)id;
    group_list *l = ud;
    if (!l->type ||
        rs_streq_ci(l->type, json_string_value(json_object_get(g, "RecipientTypeDetails"))))
        json_array_append_new(l->c->out, exo_dgroup_view(g));
    return 0;
}

static rs_status h_get_dgroup(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity"), *type = bp_str(c->p, "RecipientTypeDetails");
    if (!id) {
        group_list l = {c, type};
        return exo_dgroup_each(c->st, c->tid, list_group, &l, err);
    }
    json_t *g = NULL;
    rs_status rc = exo_dgroup_resolve(c->st, c->tid, id, c->dc, &g, err);
    if (rc)
        return rc;
    if (type && !rs_streq_ci(type, json_string_value(json_object_get(g, "RecipientTypeDetails"))))
        rc = rs_raise(err, RS_E_EXO_NOT_FOUND, id, c->dc);
    else
        json_array_append_new(c->out, exo_dgroup_view(g));
    json_decref(g);
    return rc;
}

static rs_status h_remove_dgroup(hctx *c, rs_err *err)
{
    json_t *g = NULL;
    rs_status rc = exo_dgroup_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &g, err);
    if (rc == RS_OK)
        rc = exo_dgroup_delete(c->st, c->tid, g, err);
    json_decref(g);
    return rc;
}

static rs_status h_add_member(hctx *c, rs_err *err)
{
    json_t *g = NULL, *m = NULL;
    const char *mid = bp_str(c->p, "Member");
    rs_status rc = exo_dgroup_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &g, err);
    if (rc || (rc = member_of(c, g, mid, &m, err)))
        goto out;
    const char *mg = json_string_value(json_object_get(m, "ExchangeGuid"));
    if (has_member(g, mg)) {
        rc = rs_raise(err, RS_E_EXO_MEMBER_EXISTS, mid,
                      json_string_value(json_object_get(g, "Name")));
        goto out;
    }
    json_t *members = json_object_get(g, "Members");
    if (!json_is_array(members)) {
        members = json_array();
        json_object_set_new(g, "Members", members);
    }
    /* stale ids of removed mailboxes go when the list changes */
    json_t *live = exo_dgroup_members(c->st, c->tid, g);
    json_array_clear(members);
    size_t i;
    json_t *v;
    json_array_foreach(live, i, v) json_array_append(members, json_object_get(v, "ExchangeGuid"));
    json_decref(live);
    if (json_array_size(members) >= GROUP_MEMBERS_MAX) {
        rc = rs_raisef(err, RS_E_EXO_VALUE_INVALID, "A group holds at most %d members.",
                       GROUP_MEMBERS_MAX);
        goto out;
    }
    json_array_append_new(members, json_string(mg));
    rc = exo_dgroup_save(c->st, c->tid, g, err);
out:
    json_decref(m);
    json_decref(g);
    return rc;
}

static rs_status h_remove_member(hctx *c, rs_err *err)
{
    json_t *g = NULL, *m = NULL;
    const char *mid = bp_str(c->p, "Member");
    rs_status rc = exo_dgroup_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &g, err);
    if (rc)
        goto out;
    if (exo_mailbox_resolve(c->st, c->tid, mid, c->dc, &m, NULL) != RS_OK) {
        rc = rs_raise(err, RS_E_EXO_REF_NOT_FOUND, mid ? mid : "");
        goto out;
    }
    const char *mg = json_string_value(json_object_get(m, "ExchangeGuid"));
    json_t *members = json_object_get(g, "Members");
    size_t i;
    json_t *v;
    bool found = false;
    json_array_foreach(members, i, v)
    {
        if (rs_streq_ci(json_string_value(v), mg)) {
            json_array_remove(members, i);
            found = true;
            break;
        }
    }
    rc = found ? exo_dgroup_save(c->st, c->tid, g, err)
               : rs_raise(err, RS_E_EXO_MEMBER_NOT_FOUND, mid,
                          json_string_value(json_object_get(g, "Name")));
out:
    json_decref(m);
    json_decref(g);
    return rc;
}

static rs_status h_get_members(hctx *c, rs_err *err)
{
    json_t *g = NULL;
    rs_status rc = exo_dgroup_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &g, err);
    if (rc)
        return rc;
    json_t *live = exo_dgroup_members(c->st, c->tid, g);
    size_t i;
    json_t *v;
    json_array_foreach(live, i, v) json_array_append_new(c->out, member_view(v));
    json_decref(live);
    json_decref(g);
    return RS_OK;
}

const handler_entry group_handlers[] = {
    {"New-DistributionGroup", h_new_dgroup, ROLE_EXCHANGE_ADMIN},
    {"Get-DistributionGroup", h_get_dgroup, ROLE_EXCHANGE_ADMIN | ROLE_GLOBAL_READER},
    {"Remove-DistributionGroup", h_remove_dgroup, ROLE_EXCHANGE_ADMIN},
    {"Add-DistributionGroupMember", h_add_member, ROLE_EXCHANGE_ADMIN},
    {"Remove-DistributionGroupMember", h_remove_member, ROLE_EXCHANGE_ADMIN},
    {"Get-DistributionGroupMember", h_get_members, ROLE_EXCHANGE_ADMIN | ROLE_GLOBAL_READER},
    {NULL, NULL, 0},
};
