/* handlers_sfb.c - Skype for Business Online cmdlets (cmdlets.md section 7):
 * Get-CsTenant, Get-CsOnlineUser and the *-CsMeetingRoom family. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../exchange/exchange.h"
#include "../sfb/sfb.h"
#include "bind.h"
#include "handlers.h"

static json_t *user_of(hctx *c, json_t *cs)
{
    json_t *u = NULL;
    dir_user_find(c->st, c->tid, json_string_value(json_object_get(cs, "ObjectId")), &u, NULL);
    return u;
}

static bool pool_exists(hctx *c, const char *fqdn)
{
    return rs_config_pool(rs_services_config(c->svc), fqdn) != NULL;
}

static rs_status h_get_tenant(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    if (id && !rs_streq_ci(id, c->tid) && !dir_tenant_has_domain(c->tenant, id))
        return rs_raise(err, RS_E_CS_NOT_FOUND, id);
    json_array_append_new(c->out, sfb_tenant_view(c->tenant));
    return RS_OK;
}

typedef struct list_ctx {
    hctx *c;
    long long limit, count;
    int rooms_only, unassigned;
    const char *pattern; /* display-name wildcard, or NULL */
} list_ctx;

static int list_one(void *ud, const char *id, json_t *cs)
{
    list_ctx *l = ud;
    if (l->rooms_only && !json_is_true(json_object_get(cs, "IsMeetingRoom")))
        return 0;
    if (l->unassigned && (!json_is_true(json_object_get(cs, "Enabled")) ||
                          json_is_string(json_object_get(cs, "RegistrarPool"))))
        return 0;
    if (l->pattern &&
        !rs_wildcard_match(l->pattern, json_string_value(json_object_get(cs, "DisplayName"))))
        return 0;
    if (l->limit >= 0 && l->count >= l->limit)
        return 1;
    l->count++;
    json_t *u = user_of(l->c, cs);
    json_array_append_new(l->c->out, l->rooms_only ? sfb_room_view(l->c->tenant, cs, u)
                                                   : sfb_onlineuser_view(l->c->tenant, cs, u));
    json_decref(u);
    return 0;
}

static rs_status get_list(hctx *c, int rooms, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    list_ctx l = {.c = c,
                  .limit = bp_int(c->p, "ResultSize", -1),
                  .rooms_only = rooms,
                  .unassigned = bp_bool(c->p, "UnassignedUser", 0)};
    if (id && !rs_has_wildcard(id)) {
        json_t *cs = NULL;
        rs_status rc = sfb_user_resolve(c->st, c->tid, id, &cs, err);
        if (rc == RS_OK && rooms && !json_is_true(json_object_get(cs, "IsMeetingRoom")))
            rc = rs_raise(err, RS_E_CS_NOT_FOUND, id);
        if (rc == RS_OK)
            list_one(&l, NULL, cs);
        json_decref(cs);
        return rc;
    }
    l.pattern = id; /* NULL, or a display-name wildcard */
    return sfb_user_each(c->st, c->tid, list_one, &l, err);
}

static rs_status h_get_onlineuser(hctx *c, rs_err *err)
{
    return get_list(c, 0, err);
}

static rs_status h_get_room(hctx *c, rs_err *err)
{
    return get_list(c, 1, err);
}

/* "sip:user@domain" with a domain of this tenant. */
static rs_status check_sip_address(hctx *c, const char *sip, rs_err *err)
{
    const char *at = sip ? strchr(sip, '@') : NULL;
    bool ok = sip && rs_prefix_ci(sip, "sip:") && at && at > sip + 4 && !strchr(sip, ' ') &&
              !strchr(at + 1, '@') && dir_tenant_has_domain(c->tenant, at + 1);
    return ok ? RS_OK : rs_raise(err, RS_E_CS_SIPADDRESS_INVALID, sip ? sip : "");
}

/* Warn when the room has no digest credential for its SIP address. */
static void warn_credential(hctx *c, json_t *user, const char *sip)
{
    const char *bare = rs_prefix_ci(sip, "sip:") ? sip + 4 : sip;
    char *lower = rs_lower_dup(bare);
    if (!json_object_get(json_object_get(user, "Ha1"), lower))
        h_warn(c,
               "The room \"%s\" has no password for the SIP address %s yet. Set one with "
               "Set-Mailbox -RoomMailboxPassword or Set-MsolUserPassword before it signs in.",
               json_string_value(json_object_get(user, "UserPrincipalName")), sip);
    free(lower);
}

static rs_status h_enable_room(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    if (!json_is_true(json_object_get(c->tenant, "ConferencingEnabled")))
        return rs_raisef(err, RS_E_TENANT_PREREQ,
                         "The conferencing capability of Skype for Business is not enabled for "
                         "the tenant \"%s\". Enable it (conferencing_enabled = true), then run the "
                         "command again.",
                         c->who->tenant_domain);
    if (bp_has(c->p, "SipAddress") && bp_has(c->p, "SipAddressType"))
        return rs_raise(err, RS_E_PARAM_SET,
                        "Use either -SipAddress or -SipAddressType, not both.");
    json_t *cs = NULL, *user = NULL;
    rs_status rc = sfb_user_resolve(c->st, c->tid, id, &cs, err);
    if (rc)
        return rc;
    user = user_of(c, cs);
    const char *pool = bp_str(c->p, "RegistrarPool");
    const char *home = json_string_value(json_object_get(cs, "RegistrarPool"));
    char *sip = NULL;
    if (!user) {
        rc = rs_raise(err, RS_E_CS_NOT_FOUND, id);
        goto out;
    }
    if (!dir_user_can_meet(user)) {
        rc = rs_raise(err, RS_E_CS_NOT_LICENSED,
                      json_string_value(json_object_get(user, "UserPrincipalName")));
        goto out;
    }
    if (pool && !pool_exists(c, pool)) {
        rc = rs_raise(err, RS_E_CS_POOL_NOT_FOUND, pool);
        goto out;
    }
    if (pool && home && !rs_streq_ci(pool, home)) {
        rc = rs_raise(err, RS_E_CS_MOVE_IN_ENABLE);
        goto out;
    }
    if (!home)
        home = pool ? pool : json_string_value(json_object_get(c->tenant, "DefaultPool"));
    if (bp_has(c->p, "SipAddress")) {
        sip = rs_strdup(bp_str(c->p, "SipAddress"));
    } else {
        const char *type = bp_str(c->p, "SipAddressType");
        const char *upn = json_string_value(json_object_get(user, "UserPrincipalName"));
        const char *sipdomain = bp_str(c->p, "SipDomain");
        if (!type || !strcmp(type, "EmailAddress")) {
            json_t *mbx = NULL;
            if (exo_mailbox_resolve(c->st, c->tid, upn, c->dc, &mbx, NULL) == RS_OK)
                sip = rs_asprintf("sip:%s",
                                  json_string_value(json_object_get(mbx, "PrimarySmtpAddress")));
            else
                sip = rs_asprintf("sip:%s", upn);
            json_decref(mbx);
        } else if (!strcmp(type, "UserPrincipalName")) {
            sip = rs_asprintf("sip:%s", upn);
        } else if (!strcmp(type, "None")) {
            rc = rs_raise(err, RS_E_PARAM_SET,
                          "-SipAddressType None does not give the room a SIP address; use "
                          "EmailAddress, UserPrincipalName, FirstLastName or SamAccountName.");
            goto out;
        } else if (!sipdomain) {
            char msg[128];
            snprintf(msg, sizeof msg, "-SipAddressType %s needs -SipDomain.", type);
            rc = rs_raise(err, RS_E_PARAM_SET, msg);
            goto out;
        } else if (!strcmp(type, "SamAccountName")) {
            sip = rs_asprintf("sip:%.*s@%s", (int)strcspn(upn, "@"), upn, sipdomain);
        } else { /* FirstLastName */
            const char *fn = json_string_value(json_object_get(user, "FirstName"));
            const char *ln = json_string_value(json_object_get(user, "LastName"));
            if (!fn || !ln) {
                rc = rs_raise(err, RS_E_CS_SIPADDRESS_INVALID, "(first and last name are not set)");
                goto out;
            }
            sip = rs_asprintf("sip:%s.%s@%s", fn, ln, sipdomain);
        }
    }
    if ((rc = check_sip_address(c, sip, err)))
        goto out;
    {
        char *lower = rs_lower_dup(sip + 4);
        free(sip);
        sip = rs_asprintf("sip:%s", lower);
        free(lower);
    }
    const char *cur = json_string_value(json_object_get(cs, "SipAddress"));
    if (json_is_true(json_object_get(cs, "IsMeetingRoom")) && cur) {
        if (!rs_streq_ci(cur, sip)) { /* roomsys choice: idempotent only when equal */
            rc = rs_raise(err, RS_E_CS_MOVE_IN_ENABLE);
            goto out;
        }
    }
    char *old = cur ? rs_strdup(cur) : NULL;
    json_object_set_new(cs, "SipAddress", json_string(sip));
    json_object_set_new(cs, "RegistrarPool", json_string(home));
    json_object_set_new(cs, "Enabled", json_true());
    json_object_set_new(cs, "IsMeetingRoom", json_true());
    static const char *const stored[] = {"HostingProviderProxyFqdn", "ProxyPool", "OriginatorSid",
                                         NULL};
    for (const char *const *s = stored; *s; s++)
        if (bp_has(c->p, *s))
            json_object_set(cs, *s, bp_get(c->p, *s));
    rc = sfb_user_save(c->st, c->tid, cs, old, err);
    free(old);
    if (rc == RS_OK) {
        warn_credential(c, user, sip);
        if (bp_bool(c->p, "PassThru", 0))
            json_array_append_new(c->out, sfb_room_view(c->tenant, cs, user));
    }
out:
    free(sip);
    json_decref(cs);
    json_decref(user);
    return rc;
}

/* Resolve a meeting room (E3 for other users too). */
static rs_status find_room(hctx *c, json_t **cs, json_t **user, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    rs_status rc = sfb_user_resolve(c->st, c->tid, id, cs, err);
    if (rc == RS_OK && !json_is_true(json_object_get(*cs, "IsMeetingRoom"))) {
        json_decref(*cs);
        *cs = NULL;
        rc = rs_raise(err, RS_E_CS_NOT_FOUND, id);
    }
    *user = rc == RS_OK ? user_of(c, *cs) : NULL;
    return rc;
}

static rs_status check_tel(const char *uri, rs_err *err)
{
    const char *p = uri;
    bool ok = rs_prefix_ci(p, "tel:+");
    if (ok) {
        p += 5;
        size_t digits = 0;
        while (isdigit((unsigned char)*p))
            p++, digits++;
        ok = digits >= 3 && digits <= 15;
        if (ok && *p) {
            ok = rs_prefix_ci(p, ";ext=") && p[5];
            for (p += 5; ok && *p; p++)
                ok = isdigit((unsigned char)*p);
        }
    }
    return ok ? RS_OK
              : rs_raise(err, RS_E_EXO_VALUE_INVALID,
                         "The line URI must be a TEL: URI with an E.164 number, such as "
                         "\"TEL:+14255551297\" or \"TEL:+14255551297;ext=51297\".");
}

static rs_status h_set_room(hctx *c, rs_err *err)
{
    json_t *cs = NULL, *user = NULL;
    rs_status rc = find_room(c, &cs, &user, err);
    if (rc)
        return rc;
    char *old_sip = rs_strdup(json_string_value(json_object_get(cs, "SipAddress")));
    if (bp_bool(c->p, "EnterpriseVoiceEnabled", 0) &&
        !(dir_user_can_meet(user) && dir_user_has_plan(user, "MCOEV"))) {
        rc = rs_raise(err, RS_E_CS_EV_RESTRICTED,
                      dir_user_has_plan(user, "MCOSTANDARD") ? "MCOStandard" : "MCOProfessional");
        goto out;
    }
    static const char *const tels[] = {"LineURI", "PrivateLine", NULL};
    for (const char *const *t = tels; *t; t++)
        if (bp_str(c->p, *t) && *bp_str(c->p, *t) && (rc = check_tel(bp_str(c->p, *t), err)))
            goto out;
    const char *lsu = bp_str(c->p, "LineServerURI");
    if (lsu && *lsu && !rs_prefix_ci(lsu, "sip:")) {
        rc = rs_raise(err, RS_E_EXO_VALUE_INVALID, "The LineServerURI must start with sip:.");
        goto out;
    }
    if (bp_has(c->p, "SipAddress") && (rc = check_sip_address(c, bp_str(c->p, "SipAddress"), err)))
        goto out;
    static const char *const fields[] = {"Enabled",
                                         "EnterpriseVoiceEnabled",
                                         "LineURI",
                                         "LineServerURI",
                                         "PrivateLine",
                                         "RemoteCallControlTelephonyEnabled",
                                         "AudioVideoDisabled",
                                         "HostedVoiceMail",
                                         "ExchangeArchivingPolicy",
                                         "SipAddress",
                                         NULL};
    for (const char *const *f = fields; *f; f++) {
        json_t *v = bp_get(c->p, *f);
        if (v)
            json_object_set(cs, *f, json_is_string(v) && !*json_string_value(v) ? json_null() : v);
    }
    if (json_is_true(json_object_get(cs, "RemoteCallControlTelephonyEnabled")) &&
        (!json_is_string(json_object_get(cs, "LineURI")) ||
         !json_is_string(json_object_get(cs, "LineServerURI")))) {
        rc = rs_raise(err, RS_E_EXO_VALUE_INVALID,
                      "RemoteCallControlTelephonyEnabled needs both LineURI and LineServerURI.");
        goto out;
    }
    if (json_is_true(json_object_get(cs, "AudioVideoDisabled")) &&
        (json_is_true(json_object_get(cs, "RemoteCallControlTelephonyEnabled")) ||
         json_is_true(json_object_get(cs, "EnterpriseVoiceEnabled")))) {
        rc = rs_raise(err, RS_E_EXO_VALUE_INVALID,
                      "AudioVideoDisabled cannot be $true while remote call control or "
                      "Enterprise Voice is enabled.");
        goto out;
    }
    if (!json_is_true(json_object_get(cs, "Enabled")) || bp_has(c->p, "SipAddress")) {
        const char *s = old_sip;
        if (s)
            json_array_append_new(c->drop_aors, json_string(rs_prefix_ci(s, "sip:") ? s + 4 : s));
    }
    rc = sfb_user_save(c->st, c->tid, cs, old_sip, err);
    if (rc == RS_OK && bp_has(c->p, "SipAddress"))
        warn_credential(c, user, bp_str(c->p, "SipAddress"));
    if (rc == RS_OK && bp_bool(c->p, "PassThru", 0))
        json_array_append_new(c->out, sfb_room_view(c->tenant, cs, user));
out:
    free(old_sip);
    json_decref(cs);
    json_decref(user);
    return rc;
}

static rs_status h_disable_room(hctx *c, rs_err *err)
{
    json_t *cs = NULL, *user = NULL;
    rs_status rc = find_room(c, &cs, &user, err);
    if (rc)
        return rc;
    char *old_sip = rs_strdup(json_string_value(json_object_get(cs, "SipAddress")));
    if (old_sip)
        json_array_append_new(c->drop_aors, json_string(old_sip + 4));
    static const char *const cleared[] = {
        "SipAddress",  "LineURI",         "LineServerURI",
        "PrivateLine", "HostedVoiceMail", "HostingProviderProxyFqdn",
        "ProxyPool",   "OriginatorSid",   NULL};
    for (const char *const *f = cleared; *f; f++)
        json_object_set_new(cs, *f, json_null());
    static const char *const off[] = {"Enabled",
                                      "IsMeetingRoom",
                                      "EnterpriseVoiceEnabled",
                                      "RemoteCallControlTelephonyEnabled",
                                      "AudioVideoDisabled",
                                      NULL};
    for (const char *const *f = off; *f; f++)
        json_object_set_new(cs, *f, json_false());
    json_object_set_new(cs, "ExchangeArchivingPolicy", json_string("Uninitialized"));
    rc = sfb_user_save(c->st, c->tid, cs, old_sip, err);
    if (rc == RS_OK && bp_bool(c->p, "PassThru", 0))
        json_array_append_new(c->out, sfb_room_view(c->tenant, cs, user));
    free(old_sip);
    json_decref(cs);
    json_decref(user);
    return rc;
}

static rs_status h_move_room(hctx *c, rs_err *err)
{
    json_t *cs = NULL, *user = NULL;
    rs_status rc = find_room(c, &cs, &user, err);
    if (rc)
        return rc;
    const char *target = bp_str(c->p, "Target");
    if (!pool_exists(c, target)) {
        rc = rs_raise(err, RS_E_CS_POOL_NOT_FOUND, target);
    } else if (rs_streq_ci(target, json_string_value(json_object_get(cs, "RegistrarPool")))) {
        h_warn(c, "The meeting room is already homed on \"%s\"; nothing was moved.", target);
    } else {
        const char *sip = json_string_value(json_object_get(cs, "SipAddress"));
        if (sip)
            json_array_append_new(c->drop_aors, json_string(sip + 4));
        char *lower = rs_lower_dup(target);
        json_object_set_new(cs, "RegistrarPool", json_string(lower));
        free(lower);
        rc = sfb_user_save(c->st, c->tid, cs, sip, err);
    }
    json_decref(cs);
    json_decref(user);
    return rc;
}

/* Get-CsRegistrarStatus: one object per registrar pool with its live
 * registrations and REGISTER outcomes since the daemon started. Pools are
 * shared infrastructure: the figures cover every tenant homed on them, and
 * carry no names or addresses. */
static rs_status h_get_registrar_status(hctx *c, rs_err *err)
{
    const rs_config *cfg = rs_services_config(c->svc);
    const char *id = bp_str(c->p, "Identity");
    if (id && rs_prefix_ci(id, "Registrar:"))
        id += 10;
    if (id && !pool_exists(c, id))
        return rs_raise(err, RS_E_CS_POOL_NOT_FOUND, id);
    if (!c->svc->reg.pool_status)
        return rs_errf(err, RS_EUNAVAIL, "No SIP registrar runs in this daemon.");
    for (int i = 0; i < cfg->npools; i++) {
        const char *fqdn = cfg->pools[i].fqdn;
        rs_pool_status s;
        if (id && !rs_streq_ci(id, fqdn))
            continue;
        if (c->svc->reg.pool_status(c->svc->reg.ud, fqdn, &s) != 0)
            continue;
        char ident[300];
        snprintf(ident, sizeof ident, "Registrar:%s", fqdn);
        json_t *o = json_object();
        json_object_set_new(o, "Identity", json_string(ident));
        json_object_set_new(o, "PoolFqdn", json_string(fqdn));
        static const struct {
            const char *name;
            size_t off;
        } counters[] = {
            {"ActiveRegistrations", offsetof(rs_pool_status, bindings)},
            {"RegisteredRooms", offsetof(rs_pool_status, aors)},
            {"Registered", offsetof(rs_pool_status, registered)},
            {"Challenged", offsetof(rs_pool_status, challenged)},
            {"AuthFailed", offsetof(rs_pool_status, auth_failed)},
            {"Refused", offsetof(rs_pool_status, refused)},
            {"Stale", offsetof(rs_pool_status, stale)},
            {"Redirected", offsetof(rs_pool_status, redirected)},
            {"Rejected", offsetof(rs_pool_status, rejected)},
            {"Malformed", offsetof(rs_pool_status, malformed)},
            {"Banned", offsetof(rs_pool_status, banned)},
            {"Retransmissions", offsetof(rs_pool_status, retransmissions)},
            {"Evicted", offsetof(rs_pool_status, evicted)},
            {"BannedSources", offsetof(rs_pool_status, banned_sources)},
        };
        for (size_t k = 0; k < sizeof counters / sizeof *counters; k++) {
            uint64_t v;
            memcpy(&v, (const char *)&s + counters[k].off, sizeof v);
            json_object_set_new(o, counters[k].name, json_integer((json_int_t)v));
        }
        json_array_append_new(c->out, o);
    }
    return RS_OK;
}

#define CS_ROLES (ROLE_SFB_ADMIN)
const handler_entry sfb_handlers[] = {
    {"Get-CsTenant", h_get_tenant, CS_ROLES | ROLE_GLOBAL_READER},
    {"Get-CsOnlineUser", h_get_onlineuser, CS_ROLES | ROLE_GLOBAL_READER},
    {"Enable-CsMeetingRoom", h_enable_room, CS_ROLES},
    {"Get-CsMeetingRoom", h_get_room, CS_ROLES | ROLE_GLOBAL_READER},
    {"Set-CsMeetingRoom", h_set_room, CS_ROLES},
    {"Disable-CsMeetingRoom", h_disable_room, CS_ROLES},
    {"Move-CsMeetingRoom", h_move_room, CS_ROLES},
    {"Get-CsRegistrarStatus", h_get_registrar_status, CS_ROLES | ROLE_GLOBAL_READER},
    {"Test-RoomSystemAccount", h_test_room, CS_ROLES | ROLE_EXCHANGE_ADMIN | ROLE_GLOBAL_READER},
    {"Get-RoomSystemSyncStatus", h_sync_status,
     CS_ROLES | ROLE_EXCHANGE_ADMIN | ROLE_USER_ADMIN | ROLE_GLOBAL_READER},
    {NULL, NULL, 0},
};
