/* signin_cache.h - in-memory sign-in facts for the registrar: SIP address ->
 * {tenant, home pool, HA1s, refusal facts, password expiry time}, so that an
 * authenticated REGISTER costs no SQLite read and no JSON parsing.
 *
 * Answers are exactly those of sfb_signin_lookup() (the uncached path, which
 * stays the reference; the unit test compares both). Correct under concurrent
 * changes: every entry carries the store generation (store_generation()) seen
 * before its documents were read; an entry older than the current generation
 * is stale and is read again lazily, so any committed change (room disabled,
 * licence removed, password set, tenant policy changed...) is seen by the
 * next lookup. Time-dependent gates (password expiry) are evaluated at lookup
 * time from the cached timestamp. Unknown addresses are cached too (bounded),
 * so unknown-user floods do not reach SQLite either.
 *
 * Thread-safe: 256 striped mutexes over the buckets; the store is read
 * without holding any of them.
 */
#ifndef SFB_SIGNIN_CACHE_H
#define SFB_SIGNIN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"
#include "sfb.h"

typedef struct signin_cache signin_cache;

/* Counters (monotonic since creation, except entries). */
typedef struct signin_cache_stats {
    uint64_t hits, misses, stale, entries;
} signin_cache_stats;

/* New cache over st (borrowed; must outlive the cache). max_entries bounds
 * memory (0 = 1,000,000): past it, lookups are answered from the store
 * without being cached. Free with signin_cache_free (NULL-safe). */
signin_cache *signin_cache_new(store_t *st, size_t max_entries);
void signin_cache_free(signin_cache *c);

/* As sfb_signin_lookup(st, aor, username, realm, out), evaluated at now_ms
 * (wall clock, ms). Strings borrowed; out zeroed first, then filled (it may
 * hold HA1s: the caller wipes it). A store error is returned and not cached. */
rs_status signin_cache_lookup(signin_cache *c, const char *aor, const char *username,
                              const char *realm, int64_t now_ms, sfb_signin *out);

void signin_cache_get_stats(signin_cache *c, signin_cache_stats *out);

/* Fill the cache with every meeting room's SIP address on a background
 * thread (so that the sign-in storm after a restart is served from memory);
 * returns at once. The address list is read in one store scan; each entry
 * then costs a normal miss. signin_cache_free stops and joins the thread.
 * At most one priming per cache; returns 0, or -1 if the thread could not
 * start (the cache works as before, filled lazily). */
int signin_cache_prime_async(signin_cache *c);

#endif
