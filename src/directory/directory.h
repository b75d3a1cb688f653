/* directory.h - the tenant directory (Azure AD's role in Office 365): tenants,
 * users, passwords and policy, SKUs and licenses, admin sessions.
 *
 * Records are JSON documents in the store (tenant "" / kind "tenant" for
 * tenants, kind "user" for users); field names follow the MSOnline output
 * properties. Every lookup takes the caller's tenant id. Functions that
 * change a user also append a "user" event to the change feed for sync/.
 * All functions are blocking (store): worker threads only.
 */
#ifndef DIRECTORY_H
#define DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/rs_config.h"
#include "../base/rs_err.h"
#include "../store/store.h"
#include "dir_lockout.h"
#include "grant.h"
#include "principal.h"

typedef struct dir_settings {
    int argon2_t, argon2_m_kib, argon2_p;
    int token_lifetime_s;
    int sync_lag_s;
} dir_settings;

/* ---- tenants ---- */

/* Create the configured tenant on first start (tenant record with its
 * subscriptions and pool, and its first Global Administrator, whose password is
 * read from the configured file or environment variable), or update seat counts
 * and switches of an existing one. Its own transaction. */
rs_status dir_tenant_ensure(store_t *st, const rs_tenant_conf *tc, const dir_settings *ds,
                            rs_err *err);
/* Resolve a tenant GUID or one of its domains to its GUID (out: 37 bytes). */
rs_status dir_tenant_resolve(store_t *st, const char *name_or_id, char *out_id, rs_err *err);
/* *out new reference. */
rs_status dir_tenant_get(store_t *st, const char *tenant_id, json_t **out, rs_err *err);
rs_status dir_tenant_put(store_t *st, json_t *tenant, rs_err *err);
/* The AccountSkuId prefix ("contoso" for contoso.onmicrosoft.com). Borrowed from tenant. */
const char *dir_tenant_prefix(json_t *tenant, char *buf, size_t bufsz);
/* Is `domain` one of the tenant's domains? */
bool dir_tenant_has_domain(json_t *tenant, const char *domain);
/* Call cb for every tenant record. */
rs_status dir_tenant_each(store_t *st, store_each_cb cb, void *ud, rs_err *err);

/* ---- users ---- */

/* Find a user by UPN (case-insensitive) or ObjectId. RS_ENOTFOUND without
 * touching err when absent. *out new reference. */
rs_status dir_user_find(store_t *st, const char *tenant_id, const char *upn_or_id, json_t **out,
                        rs_err *err);
/* A new user document with defaults (ObjectId assigned, not yet stored). */
json_t *dir_user_new(const char *upn, const char *display_name);
/* Store a new user: UPN syntax and domain checked, uniqueness enforced
 * (MSOL_USER_EXISTS), feed event appended. user borrowed. */
rs_status dir_user_create(store_t *st, const char *tenant_id, json_t *tenant, json_t *user,
                          const dir_settings *ds, rs_err *err);
/* Store changes to an existing user and append a feed event. */
rs_status dir_user_save(store_t *st, const char *tenant_id, json_t *user, const dir_settings *ds,
                        rs_err *err);
rs_status dir_user_delete(store_t *st, const char *tenant_id, json_t *user, const dir_settings *ds,
                          rs_err *err);
rs_status dir_user_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                        rs_err *err);

/* ---- passwords (directory.md section 5) ---- */

/* Check `password` against the tenant's policy for account `upn`.
 * Fails with RS_E_PASSWORD_POLICY (E10) plus a roomsys hint naming the rule. */
rs_status dir_password_check(json_t *tenant, const char *upn, const char *password, rs_err *err);
/* argon2id PHC string of password; caller frees. Slow by design. */
char *dir_password_hash(const dir_settings *ds, const char *password);
bool dir_password_verify(const char *phc, const char *password);
/* Record a new password on user: verifier (taken: the PHC string is copied),
 * SIP digest HA1 values for each of the user's addresses, change time. */
void dir_user_set_password(json_t *user, const char *phc, const char *password, int64_t now_ms);
/* Recompute HA1 for one more SIP address, if the plain password is at hand. */
void dir_user_add_ha1(json_t *user, const char *address, const char *password);
bool dir_password_expired(json_t *tenant, json_t *user, int64_t now_ms);
/* When the user's password expires (ms since the epoch), or INT64_MAX when it
 * never does (PasswordNeverExpires, a never-expiring domain policy, no
 * password change recorded). dir_password_expired() is "expires_at <= now". */
int64_t dir_password_expires_at(json_t *tenant, json_t *user);
/* Password expiry policy for the domain of `upn` (Set-MsolPasswordPolicy per
 * domain, else the tenant's default): validity in days (0 = never expires)
 * and notification days. All borrowed. */
#define DIR_PASSWORD_NEVER 2147483647 /* ValidityPeriod meaning "never" */
void dir_password_policy(json_t *tenant, const char *upn, int *validity_days,
                         int *notification_days);
/* A random password that meets the policy (for New-MsolUser without -Password). */
char *dir_password_random(void);

/* ---- SKUs and licenses (directory.md sections 2-4) ---- */

/* The parsed catalog (borrowed, static lifetime). */
json_t *dir_sku_catalog(void);
/* The catalog entry of a SkuPartNumber (borrowed) or NULL. */
json_t *dir_sku_find(const char *part_number);
/* Assign and remove AccountSkuIds atomically (arrays of strings, borrowed,
 * either may be NULL); checks usage location (E9), known SKUs, seats, double
 * assignment. Updates tenant ConsumedUnits and user Licenses in memory; the
 * caller saves both. */
rs_status dir_license_apply(json_t *tenant, json_t *user, json_t *add, json_t *remove,
                            json_t *options, rs_err *err);
/* Does the user have an enabled service plan of this name? */
bool dir_user_has_plan(json_t *user, const char *plan);

/* The service a service plan belongs to, from its name, as MSOnline's
 * ServiceType spells it ("Exchange", "MicrosoftCommunicationsOnline",
 * "SharePoint", "TeamspaceAPI", "MicrosoftOffice"; else the plan name).
 * Static or borrowed. */
const char *dir_plan_service(const char *plan);
/* Skype Meetings capability: MCOSTANDARD or MCOVOICECONF. */
bool dir_user_can_meet(json_t *user);
/* Is `code` a two-letter ISO 3166-1 country code? */
bool dir_valid_country(const char *code);

/* ---- output objects (cmdlets.md section 9) ---- */
json_t *dir_user_msol_view(json_t *tenant, json_t *user);
json_t *dir_sku_msol_view(json_t *tenant, json_t *sub);

/* ---- admin sessions ---- */
/* Password grant for `upn` from client address `src_ip` (borrowed; NULL =
 * unknown). Wrong passwords count towards smart lockout in `lo` (borrowed, may
 * be NULL); a locked (account, source) gets the wrong-password answer. */
rs_status dir_token_issue(store_t *st, const dir_settings *ds, dir_lockout *lo, const char *src_ip,
                          const char *tenant, const char *upn, const char *password,
                          const char *scope, char **out_token, int *out_expires_in, rs_err *err);
rs_status dir_token_check(store_t *st, const char *token, rs_principal *out, rs_err *err);
/* The token endpoint's grants (password, refresh_token, client_credentials;
 * spec/admin-api.md section 3) for rq (borrowed). Refusals are RS_EAUTH
 * (RS_EINVAL for scopes, RS_ENOTFOUND for tenants) with a message that starts
 * "AADSTS<code>: ". A redeemed refresh token is deleted even when the grant is
 * then refused. *out filled on RS_OK (rs_grant_clear), zeroed otherwise. */
rs_status dir_oauth_grant(store_t *st, const dir_settings *ds, dir_lockout *lo,
                          const rs_grant_req *rq, int refresh_lifetime_s, rs_grant *out,
                          rs_err *err);
/* Delete expired access and refresh tokens (dir_oauth_grant does it every few
 * hundred grants). Returns how many. */
int dir_oauth_sweep(store_t *st, int64_t now_ms);
/* The service a scope names (exchange, sfb, msol, graph; static) or NULL. */
const char *dir_scope_service(const char *scope);
/* Is `word` one of the space-separated scopes (case-insensitive)? */
bool dir_scope_has(const char *scope, const char *word);

#endif
