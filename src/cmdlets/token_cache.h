/* token_cache.h - bearer-token checks answered from memory, so that an API
 * request does not read three store documents (session, user, tenant) under
 * the store's lock to learn who is calling.
 *
 * Keyed by the token's SHA-256 (the token itself is never kept); an entry
 * holds the rs_principal dir_token_check() returned, the token's expiry (the
 * session's ExpiresMs) and the check's store read set (store.h "Read sets"):
 * the documents and keys it read, and the store generation before it read
 * anything.
 *
 * Why this is correct: dir_token_check()'s answer is a function of the
 * store's committed content and of the clock compared with the session's
 * expiry, nothing else; and of that content, only of what it read. An entry
 * answers only while
 *   - none of the documents or keys the check read has been written since
 *     (store_readset_current: every write stamps what it touches with the
 *     generation that makes it visible; a role removed, a user blocked or
 *     deleted, a password reset, a session deleted, a tenant changed: the very
 *     next check reads the store again). A write racing with the miss path
 *     stamps a generation above the set's, so the entry is stale at once. A
 *     check that scanned (untracked) is stale on any commit. Writes to other
 *     documents (provisioning rooms: bench/provision) leave it good; and
 *   - now < the token's expiry (and the entry is younger than max_age_ms, a
 *     belt-and-braces bound in case a time-dependent rule is ever added to
 *     dir_token_check; see token_cache_new).
 * A miss costs exactly what a check cost before. Only successful checks are cached (refusals always
 * reach the store); a token whose session has no ExpiresMs is not cached.
 *
 * Bounded: max_entries in total, in 16 shards, each with its own mutex and
 * its own CLOCK (second-chance) eviction; stale and expired entries go first.
 * A hit takes one shard mutex for a 32-byte compare and a struct copy, and no
 * store lock.
 */
#ifndef RS_TOKEN_CACHE_H
#define RS_TOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../directory/principal.h"
#include "../store/store.h"

typedef struct token_cache token_cache;

/* Counters since creation (entries: current). */
typedef struct token_cache_stats {
    uint64_t hits;    /* answered from memory */
    uint64_t misses;  /* not cached (or refused): read from the store */
    uint64_t stale;   /* cached, but the store changed since: read again */
    uint64_t expired; /* cached, but past the token's expiry or max age: read again */
    uint64_t evicted; /* valid entries dropped to make room */
    uint64_t entries;
} token_cache_stats;

/* New cache over st (borrowed; must outlive the cache). max_entries bounds
 * memory (0: 16384; at least 16); max_age_ms bounds an entry's life (0: 60 s).
 * Free with token_cache_free (NULL-safe). */
token_cache *token_cache_new(store_t *st, size_t max_entries, int64_t max_age_ms);
void token_cache_free(token_cache *c);

/* As dir_token_check(st, token, out, err): fills *out (zeroed first) and
 * returns RS_OK, or RS_EAUTH (or a store error) from the uncached path.
 * token borrowed. Thread-safe. */
rs_status token_cache_check(token_cache *c, const char *token, rs_principal *out, rs_err *err);

void token_cache_get_stats(token_cache *c, token_cache_stats *out);

#endif
