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

/* Base64url decode (padding optional) into a malloc'd buffer with a trailing
 * NUL; *out_len gets the length. NULL on bad input. */
unsigned char *api_b64url_decode(const char *s, size_t len, size_t *out_len);

#endif
