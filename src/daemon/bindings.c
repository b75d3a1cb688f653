/* bindings.c - write-behind persistence of SIP bindings (see bindings.h). */
#include "bindings.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"
#include "../store/store.h"

#define KIND "binding"

struct rs_bindings {
    store_t *st;
    sip_core *core;
    int interval_ms;
    pthread_t thread;
    int started, stopping;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

rs_status rs_bindings_open(const char *state_dir, rs_bindings **out, rs_err *err)
{
    *out = NULL;
    rs_bindings *b = rs_calloc(1, sizeof *b);
    char *path = rs_asprintf("%s/bindings.db", state_dir);
    rs_status rc = store_open_soft(path, &b->st, err);
    free(path);
    if (rc) {
        free(b);
        return rc;
    }
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    *out = b;
    return RS_OK;
}

/* ---- start-up load ---- */

typedef struct load_ctx {
    sip_core *core;
    store_t *st;
    json_t *gone;   /* AoRs whose saved record has nothing left to restore */
    json_t *legacy; /* AoRs saved as JSON documents (older roomsysd): rewritten as records */
    long restored, bad;
} load_ctx;

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A JSON document from an older roomsysd (tenant "", kind "binding"). */
static int load_one(void *ud, const char *id, json_t *doc)
{
    load_ctx *l = ud;
    json_t *arr = json_object_get(doc, "bindings");
    size_t n = json_array_size(arr), k = 0;
    sip_binding_rec *recs = rs_calloc(n ? n : 1, sizeof *recs);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        if (!jstr(e, "uri") || !jstr(e, "call_id") || !jstr(e, "pool"))
            continue; /* not ours: skip rather than guess */
        recs[k++] = (sip_binding_rec){
            .uri = jstr(e, "uri"),
            .call_id = jstr(e, "call_id"),
            .instance = jstr(e, "instance"),
            .cseq = (uint32_t)json_integer_value(json_object_get(e, "cseq")),
            .reg_id = (int)json_integer_value(json_object_get(e, "reg_id")),
            .q = (int)json_integer_value(json_object_get(e, "q")),
            .pool = jstr(e, "pool"),
            .expires_ms = json_integer_value(json_object_get(e, "expires_ms")),
            .src_ip = jstr(e, "src_ip"),
            .src_port = (int)json_integer_value(json_object_get(e, "src_port")),
            .transport = (int)json_integer_value(json_object_get(e, "transport")),
        };
    }
    int got = sip_core_load(l->core, id, recs, (int)k);
    if (got) { /* rewritten as a record; the JSON copy is deleted after the walk */
        unsigned char *rec = NULL;
        size_t len = sip_bindings_encode(recs, (int)k, &rec);
        store_blob_put(l->st, id, rec, len, NULL);
        free(rec);
    }
    free(recs);
    l->restored += got;
    json_array_append_new(l->legacy, json_string(id));
    return 0;
}

static int load_blob(void *ud, const char *aor, const void *v, size_t n)
{
    load_ctx *l = ud;
    sip_binding_rec recs[255];
    char *arena = NULL;
    int k = sip_bindings_decode(v, n, recs, 255, &arena);
    if (k < 0) {
        l->bad++;
        k = 0;
    }
    int got = k ? sip_core_load(l->core, aor, recs, k) : 0;
    free(arena);
    l->restored += got;
    if (!got)
        json_array_append_new(l->gone, json_string(aor));
    return 0;
}

static void persist_load(void *ud, sip_core *core)
{
    rs_bindings *b = ud;
    rs_err err;
    load_ctx l = {.core = core, .st = b->st, .gone = json_array(), .legacy = json_array()};
    if (store_blob_each(b->st, load_blob, &l, &err) != RS_OK)
        rs_log(RS_LOG_WARNING, NULL, "bindings: cannot read the saved bindings: %s", err.msg);
    /* JSON documents written by roomsysd before the binary records */
    if (store_each(b->st, "", KIND, load_one, &l, &err) != RS_OK)
        rs_log(RS_LOG_WARNING, NULL, "bindings: cannot read the older saved bindings: %s", err.msg);
    size_t i;
    json_t *v;
    if ((json_array_size(l.gone) || json_array_size(l.legacy)) &&
        store_begin(b->st, &err) == RS_OK) {
        json_array_foreach(l.gone, i, v) store_blob_del(b->st, json_string_value(v), NULL);
        json_array_foreach(l.legacy, i, v) store_del(b->st, "", KIND, json_string_value(v), NULL);
        if (store_commit(b->st, &err) != RS_OK)
            rs_log(RS_LOG_WARNING, NULL, "bindings: cannot delete expired bindings: %s", err.msg);
    }
    if (l.bad)
        rs_log(RS_LOG_WARNING, NULL, "bindings: %ld saved record(s) unreadable, dropped", l.bad);
    rs_log(RS_LOG_INFO, NULL,
           "bindings: restored %ld unexpired binding(s), dropped %zu expired AoR(s)", l.restored,
           json_array_size(l.gone));
    json_decref(l.gone);
    json_decref(l.legacy);
}

/* ---- write-behind ---- */

typedef struct flush_ctx {
    rs_bindings *b;
    rs_status rc;
    rs_err err;
} flush_ctx;

static void save_one(void *ud, const char *aor, const unsigned char *rec, size_t len)
{
    flush_ctx *f = ud;
    if (f->rc != RS_OK)
        return;
    f->rc = len ? store_blob_put(f->b->st, aor, rec, len, &f->err)
                : store_blob_del(f->b->st, aor, &f->err);
}

long rs_bindings_flush(rs_bindings *b, sip_core *core)
{
    flush_ctx f = {.b = b, .rc = RS_OK};
    if (store_begin(b->st, &f.err) != RS_OK) {
        rs_log(RS_LOG_WARNING, NULL, "bindings: cannot write: %s", f.err.msg);
        return -1;
    }
    size_t n = sip_core_take_dirty(core, save_one, &f);
    if (f.rc == RS_OK) {
        f.rc = store_commit(b->st, &f.err);
    } else {
        store_rollback(b->st);
    }
    if (f.rc != RS_OK) {
        rs_log(RS_LOG_WARNING, NULL, "bindings: %zu changed AoR(s) not saved: %s", n, f.err.msg);
        return -1;
    }
    return (long)n;
}

static void persist_final(void *ud, sip_core *core)
{
    rs_bindings *b = ud;
    long n = rs_bindings_flush(b, core);
    if (n >= 0)
        rs_log(RS_LOG_INFO, NULL, "bindings: saved %ld changed AoR(s) at stop", n);
}

void rs_bindings_options(rs_bindings *b, sip_options *o)
{
    o->persist_load = persist_load;
    o->persist_final = persist_final;
    o->persist_ud = b;
}

static void *persister_main(void *arg)
{
    rs_bindings *b = arg;
    pthread_mutex_lock(&b->lock);
    while (!b->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += b->interval_ms / 1000;
        ts.tv_nsec += (long)(b->interval_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&b->cond, &b->lock, &ts);
        if (b->stopping)
            break;
        pthread_mutex_unlock(&b->lock);
        rs_bindings_flush(b, b->core);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

rs_status rs_bindings_start(rs_bindings *b, sip_core *core, int interval_ms, rs_err *err)
{
    b->core = core;
    b->interval_ms = interval_ms > 0 ? interval_ms : 500;
    if (pthread_create(&b->thread, NULL, persister_main, b) != 0)
        return rs_errf(err, RS_EINTERNAL, "cannot start the binding persister thread");
    b->started = 1;
    return RS_OK;
}

void rs_bindings_stop(rs_bindings *b)
{
    if (!b || !b->started)
        return;
    pthread_mutex_lock(&b->lock);
    b->stopping = 1;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    b->started = 0;
}

void rs_bindings_close(rs_bindings *b)
{
    if (!b)
        return;
    rs_bindings_stop(b);
    store_close(b->st);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->cond);
    free(b);
}
