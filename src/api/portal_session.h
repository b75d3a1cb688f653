/* portal_session.h - the web portal's sign-in sessions, cookies and CSRF
 * checks (portal.c), without a network or services so they can be unit-tested.
 *
 * Sessions live in memory only. The browser's cookie holds 256 random bits
 * (base64url); the table keeps only their SHA-256, compared in constant time.
 * Each session has its own CSRF token (256 random bits), the bearer token that
 * sign-in issued, an idle and an absolute expiry. Thread-safe.
 */
#ifndef RS_PORTAL_SESSION_H
#define RS_PORTAL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PORTAL_COOKIE_LEN 44 /* base64url of 32 bytes, with the NUL */
#define PORTAL_UPN_MAX    256

typedef struct portal_sessions portal_sessions;

/* A copy of one session, as a request sees it. */
typedef struct portal_sess {
    unsigned char key[32];        /* SHA-256 of the cookie value */
    char csrf[PORTAL_COOKIE_LEN]; /* the session's CSRF token */
    char upn[PORTAL_UPN_MAX];     /* who signed in */
    char *token;                  /* the bearer token (malloc'd copy; portal_sess_clear) */
    int64_t created_ms, last_ms;  /* start, last use */
    int64_t token_exp_ms;         /* when the token expires server-side (0: not known) */
} portal_sess;

/* A table of at most `max` sessions (the oldest is dropped to make room),
 * each ending `idle_ms` after its last use, `absolute_ms` after its start, or
 * at its token's expiry when known (portal_sessions_set_token_exp), whichever
 * comes first. The token of every session that ends (sign-out, expiry,
 * eviction) is kept for portal_sessions_take_ended, so the caller can revoke
 * it server-side. Caller frees with portal_sessions_free. */
portal_sessions *portal_sessions_new(size_t max, int64_t idle_ms, int64_t absolute_ms);

/* Free the table; every session's token is wiped. NULL-safe. */
void portal_sessions_free(portal_sessions *t);

/* Start a session for `upn` (borrowed) holding `token` (malloc'd; ownership
 * passes to the table) at now_ms; writes the cookie value to hand the browser
 * into cookie (NUL-terminated; the caller wipes it after use). */
void portal_sessions_start(portal_sessions *t, const char *upn, char *token, int64_t now_ms,
                           char cookie[PORTAL_COOKIE_LEN]);

/* The live session whose cookie value is `cookie` (borrowed; NULL finds
 * nothing): on true *out is a copy (the caller calls portal_sess_clear) and
 * the session's idle clock restarts at now_ms. Expired sessions are dropped. */
bool portal_sessions_find(portal_sessions *t, const char *cookie, int64_t now_ms, portal_sess *out);

/* End the session with this key (sign-out; a token that no longer checks). */
void portal_sessions_remove(portal_sessions *t, const unsigned char key[32]);

/* Record that the session with this key holds a token expiring at exp_ms. */
void portal_sessions_set_token_exp(portal_sessions *t, const unsigned char key[32], int64_t exp_ms);

/* The tokens of the sessions that ended since the last call (NULL-terminated
 * array, NULL when none): ownership passes to the caller, who revokes them
 * and frees them with portal_tokens_free. Expired sessions are dropped first
 * (at now_ms). */
char **portal_sessions_take_ended(portal_sessions *t, int64_t now_ms);

/* Wipe and free an array from portal_sessions_take_ended. NULL-safe. */
void portal_tokens_free(char **toks);

/* When a session used at now_ms should have its token extended (sliding
 * expiry): the new expiry, min(now_ms + idle, created + absolute), when the
 * token's remaining life has fallen below idle minus min(60 s, idle / 10);
 * 0 when no extension is due. */
int64_t portal_sessions_extend_to(const portal_sessions *t, const portal_sess *s, int64_t now_ms);

/* Sessions held (expired ones included until the next start or find). */
size_t portal_sessions_count(portal_sessions *t);

/* Wipe a copy from portal_sessions_find and free its token. */
void portal_sess_clear(portal_sess *s);

/* The value of cookie `name` in a Cookie header `hdr` (may be NULL) copied
 * into out (capacity cap). False when absent or longer than cap - 1. */
bool portal_cookie_get(const char *hdr, const char *name, char *out, size_t cap);

/* Is `given` (may be NULL) the session's CSRF token? Constant time in the
 * token's length. */
bool portal_csrf_ok(const portal_sess *s, const char *given);

/* May a state-changing request with these headers (each may be NULL) come
 * from the portal's own pages on https://<host>? Sec-Fetch-Site must be
 * same-origin or none when present; Origin must be https://<host> when
 * present (case-insensitive). Both absent (non-browser clients): true; the
 * CSRF token still decides. */
bool portal_same_origin(const char *sec_fetch_site, const char *origin, const char *host);

#endif
