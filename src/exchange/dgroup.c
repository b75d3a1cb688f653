/* dgroup.c - distribution groups (Exchange Online New-DistributionGroup;
 * with -RoomList, RecipientTypeDetails RoomList: the room lists Microsoft
 * Graph's /places serves). Documents of kind "dgroup" named with Exchange's
 * output property names; unique keys smtp:, alias: and name: of their own
 * kind, and a new group may not take a mailbox's name, alias or address.
 * A group is also found by its ExternalDirectoryObjectId (Graph's id).
 * Members are held by the member mailbox's ExchangeGuid: a removed mailbox
 * leaves a stale id that every reader skips (exo_dgroup_members). */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

#define G(o, k) (json_object_get((o), (k)) ? json_object_get((o), (k)) : json_null())

static rs_status by_key(store_t *st, const char *tid, const char *kind, const char *prefix,
                        const char *value, char **out_id)
{
    char *key = rs_asprintf("%s:%s", prefix, value);
    rs_lower(key);
    rs_status rc = store_key_get(st, tid, kind, key, out_id, NULL);
    free(key);
    return rc;
}

rs_status exo_dgroup_resolve(store_t *st, const char *tenant_id, const char *identity,
                             const char *dc, json_t **out, rs_err *err)
{
    static const char *const keys[] = {"smtp", "alias", "name", NULL};
    return exo_recipient_resolve(st, tenant_id, "dgroup", keys, 1, identity, dc, out, err);
}

json_t *exo_dgroup_new(const char *name, const char *alias, const char *display_name,
                       const char *smtp, bool room_list)
{
    char guid[37], oid[37];
    rs_guid(guid);
    rs_guid(oid);
    char *lsmtp = rs_lower_dup(smtp);
    char *addr = rs_asprintf("SMTP:%s", lsmtp);
    json_t *g = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:[s],s:s,s:s,s:s,s:I,s:[]}", "Name", name, "Alias", alias,
        "DisplayName", display_name ? display_name : name, "PrimarySmtpAddress", lsmtp,
        "WindowsEmailAddress", lsmtp, "EmailAddresses", addr, "RecipientTypeDetails",
        room_list ? "RoomList" : "MailUniversalDistributionGroup", "Guid", guid,
        "ExternalDirectoryObjectId", oid, "WhenCreated", (json_int_t)rs_time_now_ms(), "Members");
    free(addr);
    free(lsmtp);
    return g;
}

bool exo_dgroup_is_room_list(json_t *g)
{
    return rs_streq_ci(json_string_value(json_object_get(g, "RecipientTypeDetails")), "RoomList");
}

/* Claim prefix:value for the group; a mailbox or another group holding it: E12. */
static rs_status claim(store_t *st, const char *tid, const char *prefix, const char *value,
                       const char *id, const char *smtp, rs_err *err)
{
    char *owner = NULL;
    rs_status rc = by_key(st, tid, "mailbox", prefix, value, &owner);
    if (rc == RS_ENOTFOUND && !strcmp(prefix, "smtp")) /* a mailbox's sign-in address */
        rc = by_key(st, tid, "mailbox", "upn", value, &owner);
    if (rc == RS_OK) {
        rc = exo_key_in_use(st, tid, "mailbox", owner, prefix, value, smtp, err);
        free(owner);
        return rc;
    }
    free(owner);
    owner = NULL;
    char *key = rs_asprintf("%s:%s", prefix, value);
    rs_lower(key);
    rc = store_key_set(st, tid, "dgroup", key, id, &owner, err);
    free(key);
    if (rc == RS_ECONFLICT)
        rc = exo_key_in_use(st, tid, "dgroup", owner, prefix, value, smtp, err);
    free(owner);
    return rc;
}

rs_status exo_dgroup_create(store_t *st, const char *tenant_id, json_t *g, rs_err *err)
{
    const char *id = json_string_value(json_object_get(g, "Guid"));
    const char *smtp = json_string_value(json_object_get(g, "PrimarySmtpAddress"));
    rs_status rc;
    if ((rc = claim(st, tenant_id, "smtp", smtp, id, smtp, err)) ||
        (rc = claim(st, tenant_id, "alias", json_string_value(json_object_get(g, "Alias")), id,
                    smtp, err)) ||
        (rc = claim(st, tenant_id, "name", json_string_value(json_object_get(g, "Name")), id, smtp,
                    err)))
        return rc;
    return store_put(st, tenant_id, "dgroup", id, g, err);
}

rs_status exo_dgroup_save(store_t *st, const char *tenant_id, json_t *g, rs_err *err)
{
    return store_put(st, tenant_id, "dgroup", json_string_value(json_object_get(g, "Guid")), g,
                     err);
}

rs_status exo_dgroup_delete(store_t *st, const char *tenant_id, json_t *g, rs_err *err)
{
    const char *id = json_string_value(json_object_get(g, "Guid"));
    rs_status rc = store_key_del_id(st, tenant_id, "dgroup", id, err);
    return rc ? rc : store_del(st, tenant_id, "dgroup", id, err);
}

rs_status exo_dgroup_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                          rs_err *err)
{
    return store_each(st, tenant_id, "dgroup", cb, ud, err);
}

json_t *exo_dgroup_members(store_t *st, const char *tenant_id, json_t *g)
{
    json_t *out = json_array(), *v;
    size_t i;
    json_array_foreach(json_object_get(g, "Members"), i, v)
    {
        json_t *m = NULL;
        const char *id = json_string_value(v);
        if (id && store_get(st, tenant_id, "mailbox", id, &m, NULL) == RS_OK)
            json_array_append_new(out, m);
    }
    return out;
}

json_t *exo_dgroup_view(json_t *g)
{
    char when[64];
    rs_time_ps(json_integer_value(json_object_get(g, "WhenCreated")), when, sizeof when);
    return json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:s,s:O,s:O,s:[],s:s,s:s,s:s,s:b}",
                     "Identity", G(g, "Name"), "Name", G(g, "Name"), "DisplayName",
                     G(g, "DisplayName"), "Alias", G(g, "Alias"), "PrimarySmtpAddress",
                     G(g, "PrimarySmtpAddress"), "EmailAddresses", G(g, "EmailAddresses"),
                     "RecipientType", "MailUniversalDistributionGroup", "RecipientTypeDetails",
                     G(g, "RecipientTypeDetails"), "GroupType", "Universal", "Guid", G(g, "Guid"),
                     "ExternalDirectoryObjectId", G(g, "ExternalDirectoryObjectId"), "ManagedBy",
                     "MemberJoinRestriction", "Closed", "MemberDepartRestriction", "Closed",
                     "WhenCreated", when, "RequireSenderAuthenticationEnabled", 1);
}
