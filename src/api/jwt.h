/* jwt.h - the OpenID Connect signing key and RS256 JSON Web Tokens (RFC 7515,
 * 7517, 7519) for oauth.c: id_tokens are signed with one RSA 2048 key that is
 * generated with GnuTLS on first start, kept 0600 in <state_dir>/tls and
 * published as a JWKS (GET /{tenant}/discovery/v2.0/keys).
 *
 * Part of rs_api_core (GnuTLS and jansson only), unit-tested on its own.
 */
#ifndef RS_API_JWT_H
#define RS_API_JWT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rs_err.h"

typedef struct api_jwk api_jwk;

#define API_JWK_FILE "oidc-signing-key.pem" /* in <state_dir>/tls */

/* Load <dir>/API_JWK_FILE, or generate a new RSA 2048 key and write it there
 * (0600, <file>.tmp + fsync + rename; dir created 0700 when missing). A key
 * file with looser permissions is reset to 0600; one that does not load is an
 * error (never silently replaced: tokens signed with it would stop verifying).
 * *out owned by the caller (api_jwk_free). Blocking (key generation). */
rs_status api_jwk_load_or_create(const char *dir, api_jwk **out, rs_err *err);

/* A key from a PKCS#1/PKCS#8 PEM (borrowed). *out owned by the caller. */
rs_status api_jwk_from_pem(const char *pem, api_jwk **out, rs_err *err);

/* A new RSA 2048 key (not written anywhere). *out owned by the caller. */
rs_status api_jwk_generate(api_jwk **out, rs_err *err);

/* The key as a PKCS#8 PEM (malloc'd, caller wipes and frees), or NULL. */
char *api_jwk_pem(const api_jwk *k);

void api_jwk_free(api_jwk *k);

/* Key id: base64url of the first 16 bytes of SHA-256(n || e). Borrowed from k. */
const char *api_jwk_kid(const api_jwk *k);

/* The public key as a JWK object {kty, use, alg, kid, n, e} (new reference). */
json_t *api_jwk_public(const api_jwk *k);

/* A compact JWS "header.payload.signature": header {"typ":"JWT","alg":"RS256",
 * "kid":...}, payload the JSON of `claims` (borrowed). malloc'd, caller frees;
 * NULL when signing fails. Thread-safe (k is used under its own lock). */
char *api_jwt_sign(api_jwk *k, json_t *claims);

/* Verify a compact RS256 JWS against k and return its claims (new reference),
 * or NULL when the shape, the algorithm, the kid or the signature is wrong.
 * Used by the unit tests; the API checks its own tokens server-side. */
json_t *api_jwt_verify(const api_jwk *k, const char *jwt);

/* ---- the published key set: previous, current and next keys ----
 *
 * Rotation as a mature IdP does it (docs/internals/api.md "Signing keys"):
 * tokens are signed with the current key; the JWKS also publishes the next
 * key (so a client that cached the JWKS before a rotation already knows the
 * key tokens are signed with after it) and the previous one (so tokens signed
 * before a rotation keep validating until they expire). A rotation, when the
 * current key is `rotate_after_s` old, makes next current, current previous
 * (dropping the old previous) and generates a new next. Files in `dir`:
 * API_JWK_FILE (current; its mtime is when it became current),
 * API_JWK_PREV_FILE, API_JWK_NEXT_FILE, each 0600, written .tmp + fsync +
 * rename before the keys switch in memory. */

#define API_JWK_PREV_FILE "oidc-signing-key.prev.pem"
#define API_JWK_NEXT_FILE "oidc-signing-key.next.pem"

typedef struct api_jwks api_jwks;

/* Open the key set in dir (created 0700 when missing): the current key as
 * api_jwk_load_or_create does (a current key that does not load is an
 * error); a missing or unloadable next key is generated (warning), a missing
 * previous key is fine, an unloadable one is dropped (warning). When
 * rotate_after_s > 0 and the current key is that old at now_s, it rotates at
 * once (a daemon that was down when a rotation was due). *out owned by the
 * caller (api_jwks_free). Blocking (key generation). */
rs_status api_jwks_open(const char *dir, int64_t rotate_after_s, int64_t now_s, api_jwks **out,
                        rs_err *err);

void api_jwks_free(api_jwks *ks);

/* Rotate now (see above), whatever the current key's age. Blocking (one key
 * generation, three file writes); one rotation at a time; signing and
 * verification go on meanwhile. On error nothing changes in memory. */
rs_status api_jwks_rotate(api_jwks *ks, int64_t now_s, rs_err *err);

/* Rotate when due at now_s (cheap when not); *rotated (may be NULL) says
 * whether it did. Thread-safe. */
rs_status api_jwks_rotate_if_due(api_jwks *ks, int64_t now_s, bool *rotated, rs_err *err);

/* The JWKS document {"keys":[current, previous?, next]} (new reference). */
json_t *api_jwks_public(api_jwks *ks);

/* The current key's kid, copied into out. */
void api_jwks_current_kid(api_jwks *ks, char out[32]);

/* When the current key became current (seconds since the epoch). */
int64_t api_jwks_current_since(api_jwks *ks);

/* api_jwt_sign with the current key. */
char *api_jwks_sign(api_jwks *ks, json_t *claims);

/* Verify against the published key the token's kid names (current, previous
 * or next); NULL for an unknown kid, as for any other failure of
 * api_jwt_verify. Claims are not checked (exp, aud: the caller's business). */
json_t *api_jwks_verify(api_jwks *ks, const char *jwt);

/* Base64url decode (padding optional) into a malloc'd buffer with a trailing
 * NUL; *out_len gets the length. NULL on bad input. */
unsigned char *api_b64url_decode(const char *s, size_t len, size_t *out_len);

#endif
