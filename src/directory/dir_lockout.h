/* dir_lockout.h - smart lockout (directory.md section 6): failed sign-ins
 * counted per (account, source), shared by the admin API's password grant and
 * SIP digest sign-in.
 *
 * State is in memory only (like Entra's, it is not an account attribute that
 * survives a restart) in a fixed-size table: bounded memory whatever an
 * attacker sends. Sources are IPv4 addresses or IPv6 /64 prefixes, so an
 * attacker elsewhere never locks a room out of its own address. Every function
 * is thread-safe; checks cost one atomic load while nobody has failed.
 */
#ifndef DIR_LOCKOUT_H
#define DIR_LOCKOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct dir_lockout dir_lockout;

/* A tenant's lockout settings. */
typedef struct dir_lockout_policy {
    int threshold;  /* failures that lock; default 10 (LockoutThreshold, 1..10) */
    int duration_s; /* first lockout; default 60 (LockoutDurationInSeconds, >= 60); doubles on
                       each later lockout, capped at one hour */
} dir_lockout_policy;

#define DIR_LOCKOUT_DEFAULT_THRESHOLD  10
#define DIR_LOCKOUT_DEFAULT_DURATION_S 60
#define DIR_LOCKOUT_MAX_DURATION_S     3600

/* A new, empty lockout table with a random per-process key for remembering
 * bad passwords. Caller owns it; free with dir_lockout_free(). */
dir_lockout *dir_lockout_new(void);
void dir_lockout_free(dir_lockout *lo); /* NULL-safe */

/* The policy of a tenant document (borrowed; NULL = defaults). Values out of
 * range fall back to the defaults. */
void dir_lockout_policy_of(json_t *tenant, dir_lockout_policy *out);

/* Is (user_id, src_ip) locked at now_ms? user_id is the account's ObjectId,
 * src_ip a numeric IPv4/IPv6 address (anything else counts as one "unknown"
 * source). All strings borrowed. */
bool dir_lockout_is_locked(dir_lockout *lo, const char *user_id, const char *src_ip,
                           int64_t now_ms);

/* Count a failed sign-in. `secret` is the wrong password when known (API
 * sign-in), NULL for SIP digest: the last three wrong passwords of a pair are
 * remembered as keyed hashes and a repeat is not counted again. Failures while
 * locked are not counted. Returns true when this failure locked the pair. */
bool dir_lockout_fail(dir_lockout *lo, const dir_lockout_policy *p, const char *user_id,
                      const char *src_ip, const char *secret, int64_t now_ms);

/* A successful sign-in from src_ip: forget that pair's failures. */
void dir_lockout_success(dir_lockout *lo, const char *user_id, const char *src_ip);

/* Admin unlock: forget every pair of the account. Returns how many sources
 * were locked at now_ms. */
int dir_lockout_unlock(dir_lockout *lo, const char *user_id, int64_t now_ms);

/* For admin views: how many sources have the account locked at now_ms, and
 * (when >= 1) the latest end of those locks in *until_ms (may be NULL). */
int dir_lockout_status(dir_lockout *lo, const char *user_id, int64_t now_ms, int64_t *until_ms);

/* True while no pair has any failure recorded (the fast path). */
bool dir_lockout_idle(dir_lockout *lo);

#endif
