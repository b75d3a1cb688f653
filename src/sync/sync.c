/* sync.c - directory -> SfB change feed consumer (see sync.h). */
#include "sync.h"

#include <string.h>

#include "../base/rs_log.h"
#include "../directory/directory.h"
#include "../sfb/sfb.h"

#define CURSOR     "sfb"
#define SYNC_BATCH 64

typedef struct pump_ctx {
    int64_t seq;
    char tenant[64];
    json_t *doc;
    int have;
} pump_ctx;

static int take_one(void *ud, int64_t seq, const char *tenant, const char *topic, const char *id,
                    int64_t due_ms, json_t *doc)
{
    pump_ctx *c = ud;
    c->seq = seq;
    snprintf(c->tenant, sizeof c->tenant, "%s", tenant);
    c->doc = strcmp(topic, "user") ? NULL : json_incref(doc);
    c->have = 1;
    return 1;
}

rs_status sync_pump(store_t *st, int64_t now_ms, int *out_applied, rs_err *err)
{
    int applied = 0;
    rs_status rc = RS_OK;
    /* Look without the write lock first: most pumps find nothing to do. */
    int64_t cursor0 = 0;
    pump_ctx peek = {0};
    if (store_cursor_get(st, CURSOR, &cursor0, err) == RS_OK &&
        store_feed_read(st, cursor0, now_ms, 1, take_one, &peek, err) == RS_OK && !peek.have) {
        if (out_applied)
            *out_applied = 0;
        return RS_OK;
    }
    json_decref(peek.doc);
    /* Up to SYNC_BATCH events per transaction (one durable commit for the events
     * a provisioning script leaves per room, bench/provision); when an event
     * fails, the batch is rolled back and retried one event at a time, so the
     * events before the failing one are still applied. */
    int batch = SYNC_BATCH;
    for (;;) {
        if ((rc = store_begin(st, err)))
            break;
        int64_t cursor = 0;
        int n = 0;
        rc = store_cursor_get(st, CURSOR, &cursor, err);
        while (rc == RS_OK && n < batch) {
            pump_ctx c = {0};
            rc = store_feed_read(st, cursor, now_ms, 1, take_one, &c, err);
            if (rc == RS_OK && !c.have)
                break;
            if (rc == RS_OK && c.doc) {
                json_t *tenant = NULL;
                if (dir_tenant_get(st, c.tenant, &tenant, NULL) == RS_OK)
                    rc = sfb_apply_user_event(st, c.tenant, tenant, c.doc, err);
                json_decref(tenant);
            }
            if (rc == RS_OK) { /* for Get-RoomSystemSyncStatus */
                char name[96];
                snprintf(name, sizeof name, "%s.applied_ms:%s", CURSOR, c.tenant);
                rc = store_cursor_set(st, name, now_ms, err);
            }
            if (rc == RS_OK) {
                cursor = c.seq;
                n++;
            } else {
                rs_log(RS_LOG_ERROR, NULL, "sync: event %lld failed: %s", (long long)c.seq,
                       err ? err->msg : "");
            }
            json_decref(c.doc);
        }
        /* sfb is the feed's only consumer: applied events can go. */
        if (rc == RS_OK && n)
            rc = store_cursor_set(st, CURSOR, cursor, err);
        if (rc == RS_OK && n)
            rc = store_feed_trim(st, cursor, err);
        if (rc) {
            store_rollback(st);
            if (batch > 1 && n > 0) {
                batch = 1;
                continue;
            }
            break;
        }
        if ((rc = store_commit(st, err)))
            break;
        applied += n;
        if (n < batch)
            break;
    }
    if (out_applied)
        *out_applied = applied;
    return rc;
}

typedef struct count_ctx {
    int64_t n;
} count_ctx;

static int count_one(void *ud, int64_t seq, const char *tenant, const char *topic, const char *id,
                     int64_t due_ms, json_t *doc)
{
    ((count_ctx *)ud)->n++;
    return 0;
}

rs_status sync_backlog(store_t *st, int64_t *out_pending, rs_err *err)
{
    int64_t cursor = 0;
    count_ctx c = {0};
    rs_status rc = store_cursor_get(st, CURSOR, &cursor, err);
    if (rc == RS_OK)
        rc = store_feed_read(st, cursor, INT64_MAX, 1000000, count_one, &c, err);
    *out_pending = c.n;
    return rc;
}

typedef struct status_ctx {
    const char *tenant;
    int64_t now;
    sync_status *out;
} status_ctx;

static int status_one(void *ud, int64_t seq, const char *tenant, const char *topic, const char *id,
                      int64_t due_ms, json_t *doc)
{
    (void)seq, (void)topic, (void)id, (void)doc;
    status_ctx *x = ud;
    if (strcmp(tenant, x->tenant))
        return 0;
    x->out->pending++;
    x->out->due += due_ms <= x->now;
    if (!x->out->oldest_due_ms || due_ms < x->out->oldest_due_ms)
        x->out->oldest_due_ms = due_ms;
    if (due_ms > x->now && (!x->out->next_due_ms || due_ms < x->out->next_due_ms))
        x->out->next_due_ms = due_ms;
    return 0;
}

rs_status sync_tenant_status(store_t *st, const char *tenant, int64_t now_ms, sync_status *out,
                             rs_err *err)
{
    memset(out, 0, sizeof *out);
    int64_t cursor = 0;
    status_ctx x = {.tenant = tenant, .now = now_ms, .out = out};
    rs_status rc = store_cursor_get(st, CURSOR, &cursor, err);
    if (rc == RS_OK)
        rc = store_feed_read(st, cursor, INT64_MAX, 1000000, status_one, &x, err);
    char name[96];
    snprintf(name, sizeof name, "%s.applied_ms:%s", CURSOR, tenant);
    if (rc == RS_OK)
        rc = store_cursor_get(st, name, &out->last_applied_ms, err);
    return rc;
}
