/* sfb.h - Skype for Business Online's part: online users (as delivered by
 * directory sync), meeting rooms (SIP address, registrar pool, voice) and the
 * sign-in gates the registrar asks about. Records: kind "csuser", keyed by the
 * directory ObjectId, with unique keys "upn:" and "sip:". Every lookup is
 * scoped by tenant. Blocking (store): worker or SIP threads.
 */
#ifndef SFB_H
#define SFB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"

/* Resolve an SfB identity (SIP address with or without sip:, UPN, ObjectId,
 * display name with * wildcards) among synced users. Not found: E3.
 * *out new reference. */
rs_status sfb_user_resolve(store_t *st, const char *tenant_id, const char *identity, json_t **out,
                           rs_err *err);
/* Store a changed online user; `old_sip` (may be NULL) is its previous SIP
 * address so its unique key moves. Conflict: CS_SIPADDRESS_IN_USE. */
rs_status sfb_user_save(store_t *st, const char *tenant_id, json_t *cs, const char *old_sip,
                        rs_err *err);
rs_status sfb_user_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                        rs_err *err);

/* The sync consumer: apply one directory "user" event (borrowed) to the
 * tenant's online users. Idempotent. tenant is the tenant record (borrowed). */
rs_status sfb_apply_user_event(store_t *st, const char *tenant_id, json_t *tenant, json_t *ev,
                               rs_err *err);

/* Output objects (cmdlets.md section 9); user may be NULL. New references. */
json_t *sfb_room_view(json_t *tenant, json_t *cs, json_t *user);
json_t *sfb_onlineuser_view(json_t *tenant, json_t *cs, json_t *user);
json_t *sfb_tenant_view(json_t *tenant);

/* Sign-in facts for the registrar (sign-in.md section 1). */
typedef struct sfb_signin {
    int known; /* an online user has this SIP address */
    char tenant_id[37];
    char user_id[37]; /* the account's ObjectId (smart lockout's key) */
    char home_pool[256];
    char ha1_md5[33], ha1_sha256[65];
    const char *refusal; /* NULL when gates G1-G7 pass, else a static reason */
} sfb_signin;
/* Look up SIP address `aor` (without sip:) across tenants. out zeroed first. */
rs_status sfb_signin_lookup(store_t *st, const char *aor, const char *username, const char *realm,
                            sfb_signin *out);
/* The tenant and account (user ObjectId) of SIP address `aor` (without sip:,
 * borrowed): two key reads. RS_ENOTFOUND when no online user has it. */
rs_status sfb_signin_account(store_t *st, const char *aor, char tenant_id[37], char user_id[37]);
/* Is `domain` a SIP domain of some tenant? */
bool sfb_domain_served(store_t *st, const char *domain);

#endif
