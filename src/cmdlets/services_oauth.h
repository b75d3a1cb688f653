/* services_oauth.h - access tokens ended or held by their holder (the web
 * portal's sessions), for src/api: the services' side of dir_session.h. The
 * grants and the bearer check are in services.h (svc_oauth_grant,
 * svc_token_check). Blocking: worker threads only. */
#ifndef RS_SERVICES_OAUTH_H
#define RS_SERVICES_OAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "services.h"

/* Revoke `token` (borrowed) server-side: every later svc_token_check of it
 * fails. RS_OK also when it is unknown or expired. */
rs_status svc_token_revoke(rs_services *svc, const char *token, rs_err *err);

/* Set the expiry of the live token `token` (borrowed) to expires_ms and mark
 * it as held by the portal (svc_token_revoke_held ends it). RS_ENOTFOUND when
 * it is no longer valid. */
rs_status svc_token_hold(rs_services *svc, const char *token, int64_t expires_ms, rs_err *err);

/* Revoke every token marked by svc_token_hold; how many, or -1 on a store
 * error. */
int svc_token_revoke_held(rs_services *svc);

#endif
