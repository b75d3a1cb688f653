/* store.h - durable storage for every service: a document store with unique
 * secondary keys, an ordered change feed and an audit log, all scoped by tenant.
 *
 * Records are JSON documents addressed by (tenant, kind, id); services own the
 * shape of their documents. Unique keys (tenant, kind, key) -> id give lookups
 * by name or address and enforce uniqueness. Nothing outside store/ writes SQL.
 *
 * Transactions: store_begin() takes the store for the calling thread (other
 * threads wait), store_commit() makes everything since begin durable before it
 * returns. Calls outside a transaction run in their own implicit transaction.
 * The lock is recursive: store calls made inside a transaction by the same
 * thread do not deadlock.
 *
 * Durability is a group commit (docs/internals/store.md): SQLite commits in
 * WAL mode without syncing (synchronous=NORMAL), and the store's sync thread
 * fdatasyncs the WAL once for every commit made since its last pass. A commit
 * waits for the pass that covers it, outside the store lock, so writers never
 * hold the store while the disk syncs and one sync serves many commits. A
 * thread that called store_defer_durability(1) does not wait: it must not
 * acknowledge what it did before store_when_durable() says so (the API server
 * holds each response until then, and so never answers anyone, reader or
 * writer, with a change the disk does not yet hold).
 * Blocking: call from worker threads only.
 */
#ifndef RS_STORE_H
#define RS_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "../base/rs_err.h"

typedef struct store store_t;

/* Open (creating if needed) the database at `path`, apply migrations. Refuses
 * a database whose schema is newer than this build. */
rs_status store_open(const char *path, store_t **out, rs_err *err);
/* The same for soft state (SIP bindings): its own database file, so its
 * writes never wait for the account database's lock, and synchronous=NORMAL:
 * a commit is not fsync'd, so a power loss may undo the last transactions
 * (a process crash loses nothing committed; the file never corrupts). */
rs_status store_open_soft(const char *path, store_t **out, rs_err *err);
void store_close(store_t *st); /* NULL-safe */

rs_status store_begin(store_t *st, rs_err *err);
rs_status store_commit(store_t *st, rs_err *err);
void store_rollback(store_t *st);
/* Commit generation: a counter bumped after every commit that wrote (an
 * implicit one included), once the change is visible to readers, and after a
 * rollback of a transaction that wrote. Caches tag
 * what they read with the generation seen before reading and treat older
 * tags as stale. Lock-free; any thread. */
uint64_t store_generation(const store_t *st);

/* Durability. store_generation() doubles as the commit ticket: once the WAL
 * has been synced past generation g, every commit that wrote up to g is
 * durable. */
/* For the calling thread: 1 = store_commit and implicit writes return without
 * waiting for the sync (the caller waits with store_when_durable), 0 = they
 * wait (the default). Applies to every store the thread uses. */
void store_defer_durability(int on);
/* Call cb(ud, status) once every commit up to generation `gen` is durable:
 * RS_OK, or RS_ESTORE when the disk failed to sync (the change's fate is then
 * unknown, and the store refuses further writes). cb runs on the calling
 * thread when `gen` is already durable, else on the store's sync thread; it
 * must not call back into the store's durability functions. The soft store
 * (no sync thread) calls cb at once. */
typedef void (*store_durable_cb)(void *ud, rs_status status);
void store_when_durable(store_t *st, uint64_t gen, store_durable_cb cb, void *ud);
/* Wait until every callback registered so far has run. */
void store_durable_drain(store_t *st);
/* The highest generation known durable (the soft store: store_generation). */
uint64_t store_durable_generation(store_t *st);
/* Has a sync failed? Then the store refuses writes and every durability
 * callback reports RS_ESTORE: the daemon must restart (and SQLite recover
 * from what the disk holds), as PostgreSQL does after a failed fsync. */
int store_failed(store_t *st);

/* Read sets: what a cache outside the store (token_cache.c) read, so that
 * its entry stays good until one of THOSE documents or keys changes rather
 * than until anything changes. Every write stamps the document or key it
 * touches with the generation that will make it visible (stamps live in a
 * fixed table slotted by hash: two documents may share a stamp, which only
 * makes an entry stale early, never late). Between store_track_begin and
 * store_track_end the calling thread's store_get / store_key_get record their
 * slots; any other read (a scan, a count) marks the set `all`: then any
 * commit makes it stale. */
#define STORE_READSET_MAX 16
typedef struct store_readset {
    uint64_t gen; /* store_generation() before the first read */
    int all;      /* an untracked read (or too many): stale on any commit */
    int n;
    uint32_t slot[STORE_READSET_MAX];
} store_readset;
/* rs is the caller's, borrowed until store_track_end. One set per thread. */
void store_track_begin(store_t *st, store_readset *rs);
void store_track_end(void);
/* 1 while nothing rs read has changed since rs->gen. Lock-free; any thread. */
int store_readset_current(const store_t *st, const store_readset *rs);

/* Documents. tenant "" is the global scope (tenants themselves). */
/* *out: new reference. RS_ENOTFOUND when absent. */
rs_status store_get(store_t *st, const char *tenant, const char *kind, const char *id, json_t **out,
                    rs_err *err);
/* Insert or replace. doc borrowed. */
rs_status store_put(store_t *st, const char *tenant, const char *kind, const char *id, json_t *doc,
                    rs_err *err);
rs_status store_del(store_t *st, const char *tenant, const char *kind, const char *id, rs_err *err);
/* Opaque records by key (soft state: a record's format belongs to its
 * writer). put inserts or replaces; v (n bytes) borrowed. del of a missing key
 * is RS_OK. each calls cb for every record, ordered by key; cb returns non-zero
 * to stop; key and v are borrowed for the call. */
rs_status store_blob_put(store_t *st, const char *key, const void *v, size_t n, rs_err *err);
rs_status store_blob_del(store_t *st, const char *key, rs_err *err);
typedef int (*store_blob_cb)(void *ud, const char *key, const void *v, size_t n);
rs_status store_blob_each(store_t *st, store_blob_cb cb, void *ud, rs_err *err);

/* Call cb for every document of a kind in a tenant, ordered by id; cb returns
 * non-zero to stop. doc is borrowed for the call. */
typedef int (*store_each_cb)(void *ud, const char *id, json_t *doc);
rs_status store_each(store_t *st, const char *tenant, const char *kind, store_each_cb cb, void *ud,
                     rs_err *err);
/* Number of documents of a kind in a tenant. */
rs_status store_count(store_t *st, const char *tenant, const char *kind, int64_t *out, rs_err *err);

/* Unique keys; keys are compared exactly (callers lower-case them). */
/* RS_ECONFLICT when key already maps to another id (then *out_owner, if not
 * NULL, receives that id, malloc'd). Same id: no-op. */
rs_status store_key_set(store_t *st, const char *tenant, const char *kind, const char *key,
                        const char *id, char **out_owner, rs_err *err);
/* *out_id malloc'd; RS_ENOTFOUND when absent. */
rs_status store_key_get(store_t *st, const char *tenant, const char *kind, const char *key,
                        char **out_id, rs_err *err);
rs_status store_key_del(store_t *st, const char *tenant, const char *kind, const char *key,
                        rs_err *err);
/* Remove every key of a kind that maps to id. */
rs_status store_key_del_id(store_t *st, const char *tenant, const char *kind, const char *id,
                           rs_err *err);

/* Change feed: an ordered, durable log of events for consumers (sync/). */
rs_status store_feed_append(store_t *st, const char *tenant, const char *topic, const char *id,
                            int64_t due_ms, json_t *doc, rs_err *err);
typedef int (*store_feed_cb)(void *ud, int64_t seq, const char *tenant, const char *topic,
                             const char *id, int64_t due_ms, json_t *doc);
/* Events with seq > after and due_ms <= now_ms, in order, up to limit. */
rs_status store_feed_read(store_t *st, int64_t after, int64_t now_ms, int limit, store_feed_cb cb,
                          void *ud, rs_err *err);
/* Delete events with seq <= upto (consumed by every consumer). */
rs_status store_feed_trim(store_t *st, int64_t upto, rs_err *err);
/* Consumer positions. */
rs_status store_cursor_get(store_t *st, const char *name, int64_t *out, rs_err *err);
rs_status store_cursor_set(store_t *st, const char *name, int64_t seq, rs_err *err);

/* Audit log: one row per admin change, in the caller's transaction. */
rs_status store_audit_append(store_t *st, const char *tenant, const char *actor,
                             const char *service, const char *cmdlet, json_t *params,
                             const char *outcome, rs_err *err);
/* Call cb for the audit rows of a tenant, newest first, up to limit. */
typedef int (*store_audit_cb)(void *ud, int64_t seq, int64_t ts_ms, const char *actor,
                              const char *service, const char *cmdlet, json_t *params,
                              const char *outcome);
rs_status store_audit_each(store_t *st, const char *tenant, int limit, store_audit_cb cb, void *ud,
                           rs_err *err);

#endif
