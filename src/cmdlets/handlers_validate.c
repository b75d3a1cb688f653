/* handlers_validate.c - roomsys's own cmdlets for operating rooms:
 * Test-RoomSystemAccount (cmdlets.md section 12: every step of the seed checked
 * for one room or all, each non-pass with the cmdlet that fixes it) and
 * Unlock-RoomSystemAccount (directory.md section 6: the audited admin unlock).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/rs_util.h"
#include "../exchange/exchange.h"
#include "../sfb/sfb.h"
#include "../sync/sync.h"
#include "bind.h"
#include "handlers.h"

/* One room's checks, appended to c->out as they are made. */
typedef struct room_ctx {
    hctx *c;
    const char *upn; /* the room's UPN (for messages and fixes) */
    const char *q;   /* the identity as the fix lines quote it */
} room_ctx;

static void check(room_ctx *r, const char *name, const char *result, const char *fix,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void check(room_ctx *r, const char *name, const char *result, const char *fix,
                  const char *fmt, ...)
{
    va_list ap;
    char detail[1024];
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "Identity", r->upn, "Check", name, "Result",
                          result, "Detail", detail, "Fix", strcmp(result, "Pass") ? fix : NULL);
    if (!json_object_get(o, "Fix"))
        json_object_set_new(o, "Fix", json_null());
    json_array_append_new(r->c->out, o);
}

static int is_true(json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Calendar processing as the seed recommends (cmdlets.md section 12). */
static void check_calendar(room_ctx *r, json_t *cp)
{
    char fix[512];
    const char *ap = str(cp, "AutomateProcessing");
    snprintf(fix, sizeof fix, "Set-CalendarProcessing -Identity %s -AutomateProcessing AutoAccept",
             r->q);
    check(r, "Accepts meeting requests", strcmp(ap, "AutoAccept") ? "Fail" : "Pass", fix,
          "AutomateProcessing is %s.", *ap ? ap : "not set");
    static const struct {
        const char *check, *prop, *severity;
    } flags[] = {
        {"Keeps comments", "DeleteComments", "Warning"},
        {"Keeps private meetings private", "RemovePrivateProperty", "Warning"},
        {"Keeps subjects", "DeleteSubject", "Fail"},
        {"No organizer prefix", "AddOrganizerToSubject", "Warning"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        int on = is_true(cp, flags[i].prop);
        snprintf(fix, sizeof fix, "Set-CalendarProcessing -Identity %s -%s $false", r->q,
                 flags[i].prop);
        check(r, flags[i].check, on ? flags[i].severity : "Pass", fix, "%s is %s.", flags[i].prop,
              on ? "True" : "False");
    }
}

typedef struct bind_ctx {
    int n;
    char first[300];
    int expires;
    char pool[256];
} bind_ctx;

static void on_binding(void *ud, const char *contact, int expires_in, const char *pool)
{
    bind_ctx *b = ud;
    if (b->n++ == 0) {
        snprintf(b->first, sizeof b->first, "%s", contact);
        snprintf(b->pool, sizeof b->pool, "%s", pool ? pool : "");
        b->expires = expires_in;
    }
}

/* Skype for Business: synced, enabled, SIP address, home pool, registered. */
static void check_sfb(room_ctx *r, json_t *user)
{
    hctx *c = r->c;
    char fix[512];
    const char *pool_default = str(c->tenant, "DefaultPool");
    json_t *cs = NULL;
    store_get(c->st, c->tid, "csuser", str(user, "ObjectId"), &cs, NULL);
    check(r, "Synced to Skype for Business", cs ? "Pass" : "Fail",
          "Wait for directory synchronisation (the sync lag of the tenant), then run "
          "Test-RoomSystemAccount again.",
          cs ? "The account is known to Skype for Business Online."
             : "Skype for Business Online does not know the account yet.");
    if (!cs)
        return;
    int enabled = is_true(cs, "IsMeetingRoom") && is_true(cs, "Enabled");
    snprintf(fix, sizeof fix,
             "Enable-CsMeetingRoom -Identity %s -RegistrarPool \"%s\" -SipAddressType "
             "EmailAddress",
             r->q, *str(cs, "RegistrarPool") ? str(cs, "RegistrarPool") : pool_default);
    check(r, "Meeting room enabled", enabled ? "Pass" : "Fail", fix,
          enabled ? "The account is an enabled Skype for Business meeting room."
                  : "The account is not an enabled Skype for Business meeting room.");
    const char *sip = str(cs, "SipAddress");
    if (*sip)
        check(r, "SIP address", "Pass", NULL, "%s", sip);
    else
        check(r, "SIP address", "Fail", fix, "The room has no SIP address.");
    const char *pool = str(cs, "RegistrarPool");
    int pool_ok = *pool && rs_config_pool(rs_services_config(c->svc), pool);
    snprintf(fix, sizeof fix, "Move-CsMeetingRoom -Identity %s -Target \"%s\"", r->q, pool_default);
    if (pool_ok)
        check(r, "Home pool", "Pass", NULL, "Homed on %s.", pool);
    else if (*pool)
        check(r, "Home pool", "Fail", fix,
              "The home pool %s is not a registrar pool of this deployment.", pool);
    else
        check(r, "Home pool", "Fail", fix, "The room has no home pool.");
    if (is_true(cs, "EnterpriseVoiceEnabled") || *str(cs, "LineURI")) {
        char prefix[128];
        dir_tenant_prefix(c->tenant, prefix, sizeof prefix);
        int voice = dir_user_has_plan(user, "MCOEV");
        snprintf(fix, sizeof fix, "Set-MsolUserLicense -UserPrincipalName %s -AddLicenses %s:MCOEV",
                 r->upn, prefix);
        check(r, "Licensed (voice)", voice ? "Pass" : "Fail", fix,
              voice ? "Phone System is assigned."
                    : "The room has Enterprise Voice or a LineURI but no Phone System plan.");
    }
    if (enabled && *sip && c->svc->reg.bindings) {
        bind_ctx b = {0};
        c->svc->reg.bindings(c->svc->reg.ud, rs_prefix_ci(sip, "sip:") ? sip + 4 : sip, on_binding,
                             &b);
        snprintf(fix, sizeof fix,
                 "Check the device: SIP address %s, user name %s, registrar pool %s; then "
                 "Test-RoomSystemAccount -Identity %s -SignIn -Password <password>.",
                 sip + (rs_prefix_ci(sip, "sip:") ? 4 : 0),
                 sip + (rs_prefix_ci(sip, "sip:") ? 4 : 0), pool, r->q);
        if (b.n)
            check(r, "Registered", "Pass", NULL,
                  "%d current registration%s; %s expires in %d s at %s.", b.n, b.n == 1 ? "" : "s",
                  b.first, b.expires, b.pool);
        else
            check(r, "Registered", "Warning", fix, "No device is signed in as this room now.");
    }
    if (!r->c->after_data && bp_bool(c->p, "SignIn", 0) && *sip && pool_ok)
        r->c->after_data = json_pack("{s:s,s:s,s:s}", "upn", r->upn, "aor",
                                     sip + (rs_prefix_ci(sip, "sip:") ? 4 : 0), "pool", pool);
    json_decref(cs);
}

/* Directory: user, password, expiry, location, licenses, sign-in, lockout. */
static void check_directory(room_ctx *r, json_t *user)
{
    hctx *c = r->c;
    char fix[512], prefix[128];
    dir_tenant_prefix(c->tenant, prefix, sizeof prefix);
    int has_pw = json_is_string(json_object_get(user, "PasswordVerifier"));
    snprintf(fix, sizeof fix,
             "Set-MsolUserPassword -UserPrincipalName %s -NewPassword '<password>' "
             "-ForceChangePassword $false",
             r->upn);
    check(r, "Password set", has_pw ? "Pass" : "Fail", fix,
          has_pw ? "The account has a password." : "The account has no usable password.");
    int never = is_true(user, "PasswordNeverExpires");
    char fix2[512];
    snprintf(fix2, sizeof fix2, "Set-MsolUser -UserPrincipalName %s -PasswordNeverExpires $true",
             r->upn);
    check(r, "Password never expires", never ? "Pass" : "Fail", fix2, "PasswordNeverExpires is %s.",
          never ? "True" : "False");
    if (has_pw) {
        int expired = dir_password_expired(c->tenant, user, rs_time_now_ms());
        check(r, "Password not expired", expired ? "Fail" : "Pass", fix,
              expired ? "The password has expired: the room cannot sign in."
                      : "The password is valid.");
    }
    const char *loc = str(user, "UsageLocation");
    snprintf(fix, sizeof fix, "Set-MsolUser -UserPrincipalName %s -UsageLocation US", r->upn);
    if (*loc)
        check(r, "Usage location", "Pass", NULL, "UsageLocation is %s.", loc);
    else
        check(r, "Usage location", "Fail", fix, "No usage location: licenses cannot be assigned.");
    int meet = dir_user_can_meet(user);
    snprintf(fix, sizeof fix,
             "Set-MsolUserLicense -UserPrincipalName %s -AddLicenses %s:MCOSTANDARD", r->upn,
             prefix);
    check(r, "Licensed (meetings)", meet ? "Pass" : "Fail", fix,
          meet ? "A license with Skype for Business Online (Plan 2) is assigned."
               : "No assigned license lets the room join Skype meetings.");
    int blocked = is_true(user, "BlockCredential") || !is_true(user, "AccountEnabled");
    snprintf(fix, sizeof fix, "Set-MsolUser -UserPrincipalName %s -BlockCredential $false", r->upn);
    check(r, "Allowed to sign in", blocked ? "Fail" : "Pass", fix,
          blocked ? "Sign-in is blocked for the account." : "Sign-in is allowed.");
    int64_t until = 0;
    int n = dir_lockout_status(c->svc->lockout, str(user, "ObjectId"), rs_time_now_ms(), &until);
    char when[40] = "";
    if (n)
        rs_time_iso8601_ms(until, when, sizeof when);
    snprintf(fix, sizeof fix, "Unlock-RoomSystemAccount -Identity %s", r->upn);
    if (n)
        check(r, "Not locked out", "Fail", fix,
              "Locked out for %d source address%s until %s after repeated failed sign-ins.", n,
              n == 1 ? "" : "es", when);
    else
        check(r, "Not locked out", "Pass", NULL, "No lockout.");
}

static void check_room(hctx *c, json_t *mbx)
{
    const char *upn = str(mbx, "UserPrincipalName");
    if (!*upn)
        upn = str(mbx, "PrimarySmtpAddress");
    room_ctx r = {.c = c, .upn = upn, .q = upn};
    char fix[512];
    int room = !strcmp(str(mbx, "RecipientTypeDetails"), "RoomMailbox");
    snprintf(fix, sizeof fix, "Set-Mailbox -Identity %s -Type Room", upn);
    check(&r, "Room mailbox", room ? "Pass" : "Fail", fix, "%s is a %s.",
          str(mbx, "PrimarySmtpAddress"), str(mbx, "RecipientTypeDetails"));
    json_t *user = NULL;
    dir_user_find(c->st, c->tid, str(mbx, "ExternalDirectoryObjectId"), &user, NULL);
    int acct = user && is_true(user, "AccountEnabled") &&
               json_is_string(json_object_get(user, "PasswordVerifier"));
    snprintf(fix, sizeof fix,
             "Set-Mailbox -Identity %s -EnableRoomMailboxAccount $true -RoomMailboxPassword "
             "(ConvertTo-SecureString '<password>' -AsPlainText -Force)",
             upn);
    check(&r, "Room account enabled", acct ? "Pass" : "Warning", fix,
          "RoomMailboxAccountEnabled is %s.", acct ? "True" : "False");
    check_calendar(&r, json_object_get(mbx, "CalendarProcessing"));
    if (user)
        check(&r, "Directory user", "Pass", NULL, "%s", upn);
    else
        check(&r, "Directory user", "Fail",
              "Remove the mailbox and create it again with New-Mailbox -Room.",
              "The mailbox has no directory account.");
    if (user) {
        check_directory(&r, user);
        check_sfb(&r, user);
    }
    json_decref(user);
}

static int each_room(void *ud, const char *id, json_t *mbx)
{
    (void)id;
    if (!strcmp(str(mbx, "RecipientTypeDetails"), "RoomMailbox"))
        check_room(ud, mbx);
    return 0;
}

/* After the read transaction: the sign-in probe (the registrar reads the
 * store to answer it, so it must not run inside the transaction). */
static void probe_after(hctx *c)
{
    json_t *d = c->after_data;
    const char *pw = bp_str(c->p, "Password");
    room_ctx r = {.c = c, .upn = str(d, "upn"), .q = str(d, "upn")};
    char reason[256], fix[512];
    int status = c->svc->reg.probe ? c->svc->reg.probe(c->svc->reg.ud, str(d, "pool"),
                                                       str(d, "aor"), pw, reason, sizeof reason)
                                   : 0;
    if (!c->svc->reg.probe)
        snprintf(reason, sizeof reason, "No registrar runs in this daemon.");
    snprintf(fix, sizeof fix,
             status == 401 ? "Check the password (Set-Mailbox -Identity %s -RoomMailboxPassword "
                             "...) and the failed checks above."
                           : "Check that the registrar pool of %s is reachable.",
             r.upn);
    check(&r, "Signs in", status == 200 ? "Pass" : "Fail", fix,
          "A REGISTER for %s at %s was answered \"%s\".", str(d, "aor"), str(d, "pool"), reason);
}

rs_status h_test_room(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    if (bp_bool(c->p, "SignIn", 0) && !bp_str(c->p, "Password"))
        return rs_raise(err, RS_E_PARAM_MISSING, "Password (-SignIn needs the room's password)");
    if (!bp_bool(c->p, "SignIn", 0) && bp_str(c->p, "Password"))
        return rs_raise(err, RS_E_PARAM_SET, "-Password is used only with -SignIn.");
    if (bp_bool(c->p, "SignIn", 0) && !id)
        return rs_raise(err, RS_E_PARAM_SET, "-SignIn tests one room: name it with -Identity.");
    if (!id)
        return exo_mailbox_each(c->st, c->tid, each_room, c, err);
    json_t *mbx = NULL;
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, id, c->dc, &mbx, err);
    if (rc == RS_ENOTFOUND) {
        room_ctx r = {.c = c, .upn = id, .q = id};
        check(&r, "Room mailbox", "Fail",
              "New-Mailbox -Name <name> -MicrosoftOnlineServicesID <upn> -Room "
              "-EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString "
              "'<password>' -AsPlainText -Force)",
              "No mailbox has the identity %s.", id);
        return RS_OK;
    }
    if (rc)
        return rc;
    check_room(c, mbx);
    json_decref(mbx);
    if (c->after_data)
        c->after = probe_after;
    return RS_OK;
}

static void unlock_after(hctx *c)
{
    dir_lockout_unlock(c->svc->lockout, str(c->after_data, "oid"), rs_time_now_ms());
}

rs_status h_unlock_account(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    json_t *user = NULL;
    rs_status rc = dir_user_find(c->st, c->tid, id, &user, NULL);
    if (rc == RS_ENOTFOUND) {
        json_t *mbx = NULL;
        if (exo_mailbox_resolve(c->st, c->tid, id, c->dc, &mbx, NULL) == RS_OK)
            rc = dir_user_find(c->st, c->tid, str(mbx, "ExternalDirectoryObjectId"), &user, NULL);
        json_decref(mbx);
    }
    if (rc == RS_ENOTFOUND)
        return rs_raise(err, RS_E_MSOL_USER_NOT_FOUND, id);
    if (rc)
        return rs_errf(err, rc, "The directory could not be read.");
    const char *oid = str(user, "ObjectId");
    if (!dir_lockout_status(c->svc->lockout, oid, rs_time_now_ms(), NULL))
        h_warn(c, "The account \"%s\" is not locked out; nothing was changed.",
               str(user, "UserPrincipalName"));
    /* the table is memory: change it only once the audited transaction is
     * committed (and never for -WhatIf) */
    c->after_data = json_pack("{s:s}", "oid", oid);
    c->after = unlock_after;
    json_decref(user);
    return RS_OK;
}

/* Get-RoomSystemSyncStatus: the directory -> Skype for Business feed as this
 * tenant sees it (issue: "a cmdlet shows the sync state and lag"). The pump
 * ran just before (invoke.c), so due changes left over mean it is stuck. */
rs_status h_sync_status(hctx *c, rs_err *err)
{
    int64_t now = rs_time_now_ms();
    sync_status s;
    rs_status rc = sync_tenant_status(c->st, c->tid, now, &s, err);
    if (rc)
        return rc;
    const char *state = s.due ? "Behind" : s.pending ? "Pending" : "InSync";
    char last[64] = "";
    if (s.last_applied_ms)
        rs_time_ps(s.last_applied_ms, last, sizeof last);
    json_t *o = json_pack("{s:s,s:i,s:s,s:I,s:I}", "TenantId", c->tid, "LagSeconds",
                          c->ds->sync_lag_s, "State", state, "PendingChanges",
                          (json_int_t)s.pending, "OverdueChanges", (json_int_t)s.due);
    json_object_set_new(o, "NextChangeInSeconds",
                        s.next_due_ms ? json_integer((s.next_due_ms - now + 999) / 1000)
                                      : json_null());
    json_object_set_new(o, "LastSyncTime", *last ? json_string(last) : json_null());
    json_array_append_new(c->out, o);
    if (s.due)
        h_warn(c,
               "%lld change(s) are overdue: the sync pump could not apply them. The daemon's log "
               "says why (\"sync: event ... failed\").",
               (long long)s.due);
    return RS_OK;
}
