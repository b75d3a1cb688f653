/* dir_session.h - access tokens ended or held by their holder (the web
 * portal, a client that signs out) rather than by their expiry alone; the
 * grants and the bearer check themselves are in directory.h (dir_oauth_grant,
 * dir_token_check). Blocking (the store): worker threads only. */
#ifndef RS_DIR_SESSION_H
#define RS_DIR_SESSION_H

#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"

/* Revoke the access token `token` (borrowed): its session document is
 * deleted, so every later check of it fails (the token cache too: the commit
 * moves store_generation). RS_OK also when the token is unknown, expired or
 * malformed (nothing to end); a store error otherwise. */
rs_status dir_token_revoke(store_t *st, const char *token, rs_err *err);

/* Set the expiry of a live access token to expires_ms (later or earlier than
 * before) and mark it as held by the web portal (`Portal`: true). RS_ENOTFOUND
 * when the token is unknown or already expired. */
rs_status dir_token_hold(store_t *st, const char *token, int64_t expires_ms, rs_err *err);

/* Revoke every access token marked by dir_token_hold (the portal keeps its
 * sessions in memory: after a restart nobody can present them again, so they
 * must not stay valid). Returns how many were revoked, or -1 on a store
 * error. */
int dir_token_revoke_held(store_t *st);

#endif
