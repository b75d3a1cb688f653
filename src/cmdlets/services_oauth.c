/* services_oauth.c - the token endpoint's entry points into the directory
 * (see services.h and services_oauth.h): grants, tenant lookup for OIDC
 * metadata, tokens revoked or held by the portal. */
#include "services_oauth.h"

#include "../directory/dir_session.h"
#include "services_int.h"

#include <stdio.h>
#include <string.h>

#include "../base/rs_util.h"

rs_status svc_oauth_grant(rs_services *svc, const rs_grant_req *rq, rs_grant *out, rs_err *err)
{
    return dir_oauth_grant(svc->st, &svc->ds, svc->lockout, rq, svc->cfg->refresh_token_lifetime_s,
                           out, err);
}

rs_status svc_tenant_lookup(rs_services *svc, const char *tenant, char tid[37], char *domain,
                            size_t domain_sz)
{
    json_t *t = NULL;
    rs_status rc = dir_tenant_resolve(svc->st, tenant, tid, NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(svc->st, tid, &t, NULL);
    if (rc == RS_OK && domain)
        snprintf(domain, domain_sz, "%s", json_string_value(json_object_get(t, "InitialDomain")));
    json_decref(t);
    return rc;
}

rs_status svc_token_revoke(rs_services *svc, const char *token, rs_err *err)
{
    return dir_token_revoke(svc->st, token, err);
}

rs_status svc_token_hold(rs_services *svc, const char *token, int64_t expires_ms, rs_err *err)
{
    return dir_token_hold(svc->st, token, expires_ms, err);
}

int svc_token_revoke_held(rs_services *svc)
{
    return dir_token_revoke_held(svc->st);
}
