/* mailbox.c - room mailboxes: identity resolution, unique names and
 * addresses, output views. */
#include "exchange.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

#define G(o, k) (json_object_get((o), (k)) ? json_object_get((o), (k)) : json_null())

static rs_status by_key(store_t *st, const char *tid, const char *kind, const char *prefix,
                        const char *value, json_t **out)
{
    char *key = rs_asprintf("%s:%s", prefix, value), *id = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, tid, kind, key, &id, NULL);
    free(key);
    if (rc == RS_OK)
        rc = store_get(st, tid, kind, id, out, NULL);
    free(id);
    return rc;
}

typedef struct scan_ctx {
    const char *identity;
    int by_oid;    /* also match ExternalDirectoryObjectId */
    json_t *found; /* first display-name match */
    json_t *oid;   /* the ExternalDirectoryObjectId match */
    int matches;
} scan_ctx;

static int scan_display(void *ud, const char *id, json_t *doc)
{
    (void)id;
    scan_ctx *c = ud;
    if (c->by_oid &&
        rs_streq_ci(json_string_value(json_object_get(doc, "ExternalDirectoryObjectId")),
                    c->identity)) {
        c->oid = json_incref(doc);
        return 1;
    }
    if (rs_streq_ci(json_string_value(json_object_get(doc, "DisplayName")), c->identity)) {
        if (!c->found)
            c->found = json_incref(doc);
        c->matches++;
    }
    return 0;
}

rs_status exo_recipient_resolve(store_t *st, const char *tenant_id, const char *kind,
                                const char *const *keys, int by_oid, const char *identity,
                                const char *dc, json_t **out, rs_err *err)
{
    *out = NULL;
    if (!identity || !*identity)
        return rs_raise(err, RS_E_EXO_NOT_FOUND, "", dc);
    rs_status rc = RS_ENOTFOUND;
    if (rs_is_guid(identity)) {
        char *lower = rs_lower_dup(identity);
        rc = store_get(st, tenant_id, kind, lower, out, NULL);
        free(lower);
    }
    for (size_t i = 0; rc == RS_ENOTFOUND && keys[i]; i++)
        rc = by_key(st, tenant_id, kind, keys[i], identity, out);
    if (rc == RS_ENOTFOUND) {
        scan_ctx c = {.identity = identity, .by_oid = by_oid};
        rc = store_each(st, tenant_id, kind, scan_display, &c, err);
        if (rc == RS_OK && c.oid) {
            json_decref(c.found);
            *out = c.oid;
            return RS_OK;
        }
        if (rc == RS_OK && c.matches > 1) {
            json_decref(c.found);
            return rs_raise(err, RS_E_EXO_AMBIGUOUS, identity);
        }
        if (rc == RS_OK && c.found)
            *out = c.found;
        else if (rc == RS_OK)
            rc = RS_ENOTFOUND;
    }
    if (rc == RS_ENOTFOUND)
        return rs_raise(err, RS_E_EXO_NOT_FOUND, identity, dc);
    return rc;
}

rs_status exo_mailbox_resolve(store_t *st, const char *tenant_id, const char *identity,
                              const char *dc, json_t **out, rs_err *err)
{
    static const char *const keys[] = {"smtp", "upn", "alias", "name", NULL};
    return exo_recipient_resolve(st, tenant_id, "mailbox", keys, 0, identity, dc, out, err);
}

json_t *exo_room_new(const char *name, const char *alias, const char *display_name,
                     const char *smtp, const char *user_object_id)
{
    char guid[37];
    rs_guid(guid);
    char *lsmtp = rs_lower_dup(smtp);
    char *addr = rs_asprintf("SMTP:%s", lsmtp);
    json_t *m = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:n,s:n,s:[],s:[s],s:I,s:n,s:n,s:o}", "Name",
        name, "Alias", alias, "DisplayName", display_name ? display_name : name,
        "PrimarySmtpAddress", lsmtp, "WindowsEmailAddress", lsmtp, "UserPrincipalName", lsmtp,
        "ExternalDirectoryObjectId", user_object_id, "ExchangeGuid", guid, "RecipientTypeDetails",
        "RoomMailbox", "ResourceType", "Room", "IsResource", 1, "ResourceCapacity", "MailTip",
        "MailTipTranslations", "EmailAddresses", addr, "WhenCreated", (json_int_t)rs_time_now_ms(),
        "Office", "Phone", "CalendarProcessing", exo_calproc_defaults());
    free(addr);
    free(lsmtp);
    return m;
}

rs_status exo_check_name(const char *name, rs_err *err)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                            "The value of Name contains a control character.");
        if ((*p & 0xc0) != 0x80)
            n++;
    }
    if (n == 0 || n > 64)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "The length of the property Name is too long (or empty). The maximum "
                        "length is 64 and the length of the value provided is out of range.");
    return RS_OK;
}

rs_status exo_check_alias(const char *alias, rs_err *err)
{
    size_t n = strlen(alias);
    bool ok = n > 0 && n <= 64 && alias[0] != '.' && alias[n - 1] != '.' && !strstr(alias, "..");
    for (const char *p = alias; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr("!#$%&'*+-/=?^_`{|}~.", *p);
    if (!ok)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "The alias may contain only letters, digits and ! # $ % & ' * + - / = ? "
                        "^ _ ` { | } ~, with a period only between other characters, and be at "
                        "most 64 characters long.");
    return RS_OK;
}

rs_status exo_key_in_use(store_t *st, const char *tenant_id, const char *owner_kind,
                         const char *owner, const char *prefix, const char *value, const char *smtp,
                         rs_err *err)
{
    if (!strcmp(prefix, "name"))
        return rs_raise(err, RS_E_EXO_NAME_IN_USE, value);
    json_t *other = NULL;
    store_get(st, tenant_id, owner_kind, owner, &other, NULL);
    const char *oname = json_string_value(json_object_get(other, "Name"));
    rs_status rc = rs_raise(err, RS_E_EXO_PROXY_IN_USE, smtp, oname ? oname : owner);
    json_decref(other);
    return rc;
}

/* Claim key prefix:value for mailbox id; on conflict (with another mailbox
 * or a distribution group, dgroup.c) raise E12 naming the owner. */
static rs_status claim(store_t *st, const char *tid, const char *prefix, const char *value,
                       const char *id, const char *smtp, rs_err *err)
{
    if (!value)
        return RS_OK;
    char *key = rs_asprintf("%s:%s", !strcmp(prefix, "upn") ? "smtp" : prefix, value);
    char *owner = NULL;
    rs_lower(key);
    rs_status rc = store_key_get(st, tid, "dgroup", key, &owner, NULL);
    free(key);
    if (rc == RS_OK) {
        rc = exo_key_in_use(st, tid, "dgroup", owner, prefix, value, smtp, err);
        free(owner);
        return rc;
    }
    free(owner);
    owner = NULL;
    key = rs_asprintf("%s:%s", prefix, value);
    rs_lower(key);
    rc = store_key_set(st, tid, "mailbox", key, id, &owner, err);
    free(key);
    if (rc == RS_ECONFLICT)
        rc = exo_key_in_use(st, tid, "mailbox", owner, prefix, value, smtp, err);
    free(owner);
    return rc;
}

static rs_status claim_all(store_t *st, const char *tid, json_t *m, rs_err *err)
{
    const char *id = json_string_value(json_object_get(m, "ExchangeGuid"));
    const char *smtp = json_string_value(json_object_get(m, "PrimarySmtpAddress"));
    rs_status rc;
    if ((rc = claim(st, tid, "smtp", smtp, id, smtp, err)) ||
        (rc = claim(st, tid, "upn", json_string_value(json_object_get(m, "UserPrincipalName")), id,
                    smtp, err)) ||
        (rc = claim(st, tid, "alias", json_string_value(json_object_get(m, "Alias")), id, smtp,
                    err)) ||
        (rc = claim(st, tid, "name", json_string_value(json_object_get(m, "Name")), id, smtp, err)))
        return rc;
    return RS_OK;
}

rs_status exo_mailbox_create(store_t *st, const char *tenant_id, json_t *mbx, rs_err *err)
{
    rs_status rc = claim_all(st, tenant_id, mbx, err);
    if (rc)
        return rc;
    return store_put(st, tenant_id, "mailbox",
                     json_string_value(json_object_get(mbx, "ExchangeGuid")), mbx, err);
}

rs_status exo_mailbox_save(store_t *st, const char *tenant_id, json_t *old, json_t *mbx,
                           rs_err *err)
{
    const char *id = json_string_value(json_object_get(mbx, "ExchangeGuid"));
    rs_status rc;
    if (old && (rc = store_key_del_id(st, tenant_id, "mailbox", id, err)))
        return rc;
    if ((rc = claim_all(st, tenant_id, mbx, err)))
        return rc;
    return store_put(st, tenant_id, "mailbox", id, mbx, err);
}

rs_status exo_mailbox_delete(store_t *st, const char *tenant_id, json_t *mbx, rs_err *err)
{
    const char *id = json_string_value(json_object_get(mbx, "ExchangeGuid"));
    rs_status rc = store_key_del_id(st, tenant_id, "mailbox", id, err);
    return rc ? rc : store_del(st, tenant_id, "mailbox", id, err);
}

rs_status exo_mailbox_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                           rs_err *err)
{
    return store_each(st, tenant_id, "mailbox", cb, ud, err);
}

json_t *exo_mailbox_view(json_t *mbx, json_t *user)
{
    char when[64];
    rs_time_ps(json_integer_value(json_object_get(mbx, "WhenCreated")), when, sizeof when);
    json_t *tip = json_object_get(mbx, "MailTip");
    char *tiphtml = json_is_string(tip)
                        ? rs_asprintf("<html><body>%s</body></html>", json_string_value(tip))
                        : NULL;
    json_t *v = json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:[],s:b,s:o,s:O,s:s,s:n,s:O,s:s,s:s,s:O,s:"
        "O}",
        "Name", G(mbx, "Name"), "Alias", G(mbx, "Alias"), "DisplayName", G(mbx, "DisplayName"),
        "PrimarySmtpAddress", G(mbx, "PrimarySmtpAddress"), "WindowsEmailAddress",
        G(mbx, "WindowsEmailAddress"), "UserPrincipalName", G(mbx, "UserPrincipalName"),
        "EmailAddresses", G(mbx, "EmailAddresses"), "RecipientTypeDetails",
        G(mbx, "RecipientTypeDetails"), "ResourceType", G(mbx, "ResourceType"), "IsResource",
        G(mbx, "IsResource"), "ResourceCapacity", G(mbx, "ResourceCapacity"), "ResourceCustom",
        "RoomMailboxAccountEnabled",
        user && json_is_true(json_object_get(user, "AccountEnabled")) &&
            json_is_string(json_object_get(user, "PasswordVerifier")),
        "MailTip", tiphtml ? json_string(tiphtml) : json_null(), "MailTipTranslations",
        G(mbx, "MailTipTranslations"), "ExchangeGuid", json_string_value(G(mbx, "ExchangeGuid")),
        "LinkedMasterAccount", "ExternalDirectoryObjectId", G(mbx, "ExternalDirectoryObjectId"),
        "Database", "roomsys", "ProhibitSendQuota", "Unlimited", "Office", G(mbx, "Office"),
        "Phone", G(mbx, "Phone"));
    free(tiphtml);
    json_object_set_new(v, "WhenCreated", json_string(when));
    return v;
}

static const struct {
    const char *name;
    char kind; /* b bool, i int, s string, e enum, l list */
    const char *sval;
    long long ival;
} calproc_fields[] = {
    {"AutomateProcessing", 'e', "AutoAccept", 0},
    {"AddAdditionalResponse", 'b', NULL, 0},
    {"AdditionalResponse", 's', NULL, 0},
    {"AddNewRequestsTentatively", 'b', NULL, 1},
    {"AddOrganizerToSubject", 'b', NULL, 1},
    {"AllBookInPolicy", 'b', NULL, 1},
    {"AllowConflicts", 'b', NULL, 0},
    {"AllowDistributionGroup", 'b', NULL, 1},
    {"AllowMultipleResources", 'b', NULL, 1},
    {"AllowRecurringMeetings", 'b', NULL, 1},
    {"AllRequestInPolicy", 'b', NULL, 0},
    {"AllRequestOutOfPolicy", 'b', NULL, 0},
    {"BookingType", 'e', "Standard", 0},
    {"BookingWindowInDays", 'i', NULL, 180},
    {"BookInPolicy", 'l', NULL, 0},
    {"ConflictPercentageAllowed", 'i', NULL, 0},
    {"DeleteAttachments", 'b', NULL, 1},
    {"DeleteComments", 'b', NULL, 1},
    {"DeleteNonCalendarItems", 'b', NULL, 1},
    {"DeleteSubject", 'b', NULL, 1},
    {"EnableAutoRelease", 'b', NULL, 0},
    {"EnableResponseDetails", 'b', NULL, 1},
    {"EnforceCapacity", 'b', NULL, 0},
    {"EnforceSchedulingHorizon", 'b', NULL, 1},
    {"ForwardRequestsToDelegates", 'b', NULL, 1},
    {"MaximumConflictInstances", 'i', NULL, 0},
    {"MaximumDurationInMinutes", 'i', NULL, 1440},
    {"MinimumDurationInMinutes", 'i', NULL, 0},
    {"OrganizerInfo", 'b', NULL, 1},
    {"PostReservationMaxClaimTimeInMinutes", 'i', NULL, 10},
    {"ProcessExternalMeetingMessages", 'b', NULL, 0},
    {"RemoveCanceledMeetings", 'b', NULL, 0},
    {"RemoveForwardedMeetingNotifications", 'b', NULL, 0},
    {"RemoveOldMeetingMessages", 'b', NULL, 1},
    {"RemovePrivateProperty", 'b', NULL, 1},
    {"RequestInPolicy", 'l', NULL, 0},
    {"RequestOutOfPolicy", 'l', NULL, 0},
    {"ResourceDelegates", 'l', NULL, 0},
    {"ScheduleOnlyDuringWorkHours", 'b', NULL, 0},
    {"TentativePendingApproval", 'b', NULL, 1},
    {"RecurringConflictMode", 'e', "DeclineInstances", 0}, /* roomsys: src/calendar */
};

json_t *exo_calproc_defaults(void)
{
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof calproc_fields / sizeof calproc_fields[0]; i++) {
        json_t *v;
        switch (calproc_fields[i].kind) {
        case 'b':
            v = json_boolean(calproc_fields[i].ival);
            break;
        case 'i':
            v = json_integer(calproc_fields[i].ival);
            break;
        case 'e':
            v = json_string(calproc_fields[i].sval);
            break;
        case 'l':
            v = json_array();
            break;
        default:
            v = json_null();
            break;
        }
        json_object_set_new(o, calproc_fields[i].name, v);
    }
    return o;
}

json_t *exo_calproc_view(json_t *mbx)
{
    json_t *v = json_pack("{s:O}", "Identity", G(mbx, "Name"));
    json_t *cp = json_object_get(mbx, "CalendarProcessing");
    for (size_t i = 0; i < sizeof calproc_fields / sizeof calproc_fields[0]; i++) {
        json_t *f = json_object_get(cp, calproc_fields[i].name);
        json_object_set(v, calproc_fields[i].name, f ? f : json_null());
    }
    json_object_set(v, "MailboxOwnerId", G(mbx, "Name"));
    return v;
}
