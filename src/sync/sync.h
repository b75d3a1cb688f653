/* sync.h - the durable, ordered, idempotent change feed from the directory to
 * Skype for Business (design.md "Directory sync").
 *
 * Producers append events to the store's feed inside their own transaction,
 * with a due time of now + lag. sync_pump() applies due events in order; each
 * event is applied and the consumer cursor advanced in one transaction, so a
 * restart neither loses nor repeats an event. Blocking: worker threads only.
 */
#ifndef SYNC_H
#define SYNC_H

#include <jansson.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"

/* Apply every event due at now_ms. Returns the number applied in *out_applied
 * (may be NULL). Safe to call from several threads (serialised by the store). */
rs_status sync_pump(store_t *st, int64_t now_ms, int *out_applied, rs_err *err);

/* Number of events not yet applied (due or not) and the age of the oldest. */
rs_status sync_backlog(store_t *st, int64_t *out_pending, rs_err *err);

/* One tenant's view of the feed (Get-RoomSystemSyncStatus). */
typedef struct sync_status {
    int64_t pending;         /* changes not yet applied */
    int64_t due;             /* ... of which are due now (waiting for the pump) */
    int64_t next_due_ms;     /* due time of the earliest pending change, 0 if none */
    int64_t oldest_due_ms;   /* due time of the oldest pending change, 0 if none */
    int64_t last_applied_ms; /* when a change of this tenant was last applied, 0 if never */
} sync_status;

/* Fill *out for `tenant` (borrowed) at now_ms. Blocking (store reads). */
rs_status sync_tenant_status(store_t *st, const char *tenant, int64_t now_ms, sync_status *out,
                             rs_err *err);

#endif
