/* store_doccache.h - parsed documents kept by the store (private to store/).
 *
 * store_get() answers from here when the document was read at or after the
 * generation of its last change (its write stamp, store.h "Read sets") and the
 * caller's own transaction has not written yet: the cached value is then
 * exactly what SQLite holds (every write holds the store's lock, stamps the
 * document with the generation that will make the change visible and bumps
 * the generation before releasing the lock, or marks the open transaction
 * dirty), and a deep copy costs about a seventh of parsing the text again
 * with jansson (bench/api: parsing documents was 43 % of an InvokeCommand
 * read's CPU). A change elsewhere leaves the entry good, so the cache also
 * serves while others write (bench/provision); documents sharing a stamp slot
 * only go stale early.
 *
 * Bounded: direct-mapped (a slot per hash of (tenant, kind, id); a collision
 * replaces the slot's entry), documents up to STORE_DOCCACHE_MAX_TEXT bytes
 * of text, and at most STORE_DOCCACHE_BUDGET bytes of text in all.
 *
 * Not thread-safe: every call is made with the store's lock held.
 */
#ifndef STORE_DOCCACHE_H
#define STORE_DOCCACHE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_DOCCACHE_MAX_TEXT (8 * 1024)
#define STORE_DOCCACHE_BUDGET   (4 * 1024 * 1024)

typedef struct store_doccache store_doccache;

/* A cache of `slots` entries (rounded up to a power of two; at least 1).
 * Free with store_doccache_free (NULL-safe). */
store_doccache *store_doccache_new(size_t slots);
void store_doccache_free(store_doccache *c);

/* A deep copy (new reference) of the document kept for (tenant, kind, id),
 * or NULL (not kept, or read before generation `changed`, the document's
 * write stamp). Strings borrowed. */
json_t *store_doccache_get(store_doccache *c, uint64_t changed, const char *tenant,
                           const char *kind, const char *id);

/* Keep a deep copy of doc (borrowed) as (tenant, kind, id)'s document read at
 * generation gen; text_len is the length of its stored text (longer than
 * STORE_DOCCACHE_MAX_TEXT, or past the budget: not kept). */
void store_doccache_put(store_doccache *c, uint64_t gen, const char *tenant, const char *kind,
                        const char *id, json_t *doc, size_t text_len);

/* Counters since creation, and the text bytes kept now. */
void store_doccache_counts(const store_doccache *c, uint64_t *hits, uint64_t *misses,
                           size_t *text_bytes);

/* The store's cache (store_sqlite.c; NULL when it has none), for tests. */
struct store;
store_doccache *store_doccache_of(struct store *st);

#endif
