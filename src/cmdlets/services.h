/* services.h - the bundle of services one roomsysd runs, as the front ends
 * (api/, sip/ through its provider, cmdlet handlers) see it.
 *
 * api/ uses only the functions declared here and cmdlet_invoke(); it never
 * touches the store. Implemented in cmdlets/services.c.
 */
#ifndef RS_SERVICES_H
#define RS_SERVICES_H

#include "../base/rs_config.h"
#include "../base/rs_err.h"
#include "../directory/grant.h"
#include "../directory/principal.h"

typedef struct rs_services rs_services;

/* Open the store in cfg->state_dir, apply migrations, create configured
 * tenants that do not exist yet, and start the sync pump. cfg is borrowed and
 * must outlive the services. Blocking. */
rs_status rs_services_open(const rs_config *cfg, rs_services **out, rs_err *err);
/* Stop background work and close the store. NULL-safe. */
void rs_services_close(rs_services *svc);

const rs_config *rs_services_config(const rs_services *svc);

/* Admin sign-in (OAuth2 resource-owner password grant) from client address
 * src_ip (borrowed, numeric; NULL = unknown): verify upn/password in
 * `tenant` (its GUID, one of its domains, or "organizations"/"common" to take
 * the tenant from the UPN's domain) and issue an opaque bearer token for the
 * service that `scope` names. The token (returned in *out_token, malloc'd,
 * caller frees) is stored only as a hash. Wrong user, wrong password, blocked
 * or non-admin accounts all get RS_EAUTH with the same text. Blocking (argon2):
 * worker threads only. */
rs_status svc_token_issue(rs_services *svc, const char *src_ip, const char *tenant, const char *upn,
                          const char *password, const char *scope, char **out_token,
                          int *out_expires_in, rs_err *err);

/* SIP sign-in and smart lockout (directory.md section 6, sign-in.md gate G5).
 * aor ("user@domain") and src_ip (numeric) are borrowed. svc_signin_failed
 * counts a wrong digest response against the account's (account, source)
 * pair; svc_signin_locked, given the account's ObjectId (from the sign-in
 * lookup, so no store read on the REGISTER path), says whether that pair is
 * locked (1) and otherwise records a successful sign-in. Thread-safe; one
 * atomic load while nobody has failed. */
void svc_signin_failed(rs_services *svc, const char *aor, const char *src_ip);
int svc_signin_locked(rs_services *svc, const char *user_id, const char *src_ip);

/* Check a bearer token: fills *out and returns RS_OK, or RS_EAUTH when the
 * token is unknown or expired. */
rs_status svc_token_check(rs_services *svc, const char *token, rs_principal *out, rs_err *err);

/* Does `tenant` (GUID or domain) name the principal's tenant? */
int svc_tenant_matches(rs_services *svc, const rs_principal *who, const char *tenant);

/* Is the store reachable (for /readyz)? */
int svc_ready(rs_services *svc);
/* The account store (borrowed; lives as long as svc), for the API server's
 * durable acknowledgement (store_when_durable). */
struct store *svc_store(rs_services *svc);

/* OAuth2 token endpoint (services_oauth.c): run the grant rq (borrowed;
 * password, refresh_token, client_credentials) and fill *out (rs_grant_clear).
 * Refusals carry an "AADSTS<code>: text" message (directory.h
 * dir_oauth_grant). Blocking (argon2, store): worker threads only. */
rs_status svc_oauth_grant(rs_services *svc, const rs_grant_req *rq, rs_grant *out, rs_err *err);
/* Resolve {tenant} (GUID or one of its domains) to its GUID and initial
 * domain (domain may be NULL). RS_ENOTFOUND when no tenant has it. */
rs_status svc_tenant_lookup(rs_services *svc, const char *tenant, char tid[37], char *domain,
                            size_t domain_sz);

/* Figures for /metrics (services_ops.c): seats per catalogue SKU summed over
 * every tenant, and the directory-sync feed's backlog: pending changes and
 * the lag of the oldest change that is due but not applied (0 when none).
 * Blocking (store reads): worker threads only. */
#define SVC_OPS_MAX_SKUS 64
typedef struct svc_ops {
    struct {
        char sku[64];
        long long enabled, consumed;
    } skus[SVC_OPS_MAX_SKUS];
    int nskus;
    long long sync_pending;
    double sync_lag_s;
} svc_ops;
rs_status svc_ops_figures(rs_services *svc, svc_ops *out, rs_err *err);

#endif
