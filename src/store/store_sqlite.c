/* store_sqlite.c - the store on SQLite (WAL, synchronous=NORMAL, durability
 * by a group-commit sync thread). See store.h and docs/internals/store.md.
 *
 * Schema versions are the numbered migrations below; user_version records the
 * applied version and a newer database is refused.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/rs_log.h"
#include "../base/rs_metrics.h"
#include "../base/rs_util.h"
#include "store_doccache.h"

static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE objects(tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,"
    "  doc TEXT NOT NULL, PRIMARY KEY(tenant, kind, id)) WITHOUT ROWID;"
    "CREATE TABLE keys(tenant TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,"
    "  id TEXT NOT NULL, PRIMARY KEY(tenant, kind, key)) WITHOUT ROWID;"
    "CREATE INDEX keys_by_id ON keys(tenant, kind, id);"
    "CREATE TABLE feed(seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL,"
    "  topic TEXT NOT NULL, id TEXT NOT NULL, due_ms INTEGER NOT NULL, doc TEXT NOT NULL);"
    "CREATE TABLE cursors(name TEXT PRIMARY KEY, seq INTEGER NOT NULL);"
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY AUTOINCREMENT, ts_ms INTEGER NOT NULL,"
    "  tenant TEXT NOT NULL, actor TEXT NOT NULL, service TEXT NOT NULL, cmdlet TEXT NOT NULL,"
    "  params TEXT NOT NULL, outcome TEXT NOT NULL);"
    "CREATE INDEX audit_by_tenant ON audit(tenant, seq);",
    /* 2: opaque records of soft state (SIP bindings in bindings.db) */
    "CREATE TABLE blobs(k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* Prepared statements are kept (keyed by the address of their SQL text, a
 * literal at each call site): preparing every statement again cost about a
 * quarter of the daemon's CPU outside password hashing (bench/provision). */
#define STMT_CACHE 48

/* A callback waiting for the WAL to be synced past `gen`. */
typedef struct durable_waiter {
    uint64_t gen;
    store_durable_cb cb;
    void *ud;
    struct durable_waiter *next;
} durable_waiter;

/* The group commit of a durable store. Lock order: store.lock, then mu. */
typedef struct syncer {
    int walfd;              /* the WAL file, opened by us: fdatasync on any fd of it syncs it */
    sqlite3 *ckpt;          /* the thread's own connection, for checkpoints (NULL: SQLite's own) */
    _Atomic int wal_frames; /* frames in the WAL after the last commit (wal_hook) */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;   /* syncer: a commit is waiting */
    pthread_cond_t synced; /* waiters: a pass ended */
    uint64_t target;       /* highest generation committed (under mu) */
    uint64_t durable;      /* highest generation synced (under mu) */
    durable_waiter *waiters;
    int running_cbs; /* the thread is calling callbacks */
    int failed;      /* a sync failed: sticky, writes refused */
    int stop;
} syncer;

static _Thread_local int defer_durability;

/* Write stamps (store.h "Read sets"): a fixed table of generations slotted by
 * the hash of (namespace, tenant, kind, id-or-key). */
#define STAMP_SLOTS (1u << 14)
enum { NS_DOC = 'd', NS_KEY = 'k' };
static _Thread_local store_readset *tracking;
static _Thread_local const struct store *tracking_store;

struct store {
    sqlite3 *db;
    syncer *sync;             /* NULL for the soft store */
    _Atomic uint64_t *stamps; /* STAMP_SLOTS write stamps; NULL for the soft store */
    pthread_mutex_t lock;     /* recursive */
    int depth;                /* nesting of begin/commit by the lock owner */
    int dirty;                /* the open transaction wrote something */
    _Atomic uint64_t gen;     /* store_generation(): bumped after every commit that wrote */
    store_doccache *docs;     /* parsed documents (roomsys.db only; store_doccache.h) */
    struct {
        const char *sql;
        sqlite3_stmt *s;
        int busy; /* handed out by prep(), not yet done() (nested use prepares anew) */
    } cache[STMT_CACHE];
    int ncache;
};

static uint64_t committed(store_t *st);

/* A write just ran (lock held): bump the generation now when it committed on
 * its own, else when the enclosing transaction ends. Returns the generation
 * an implicit commit must be durable at (0: nothing to wait for). */
static uint64_t wrote(store_t *st)
{
    if (st->depth == 0)
        return committed(st);
    st->dirty = 1;
    return 0;
}

uint64_t store_generation(const store_t *st)
{
    return atomic_load_explicit(&((store_t *)st)->gen, memory_order_acquire);
}

/* ------------------------------------------------------------------------- */
/* write stamps and read sets                                               */

static uint32_t stamp_slot(int ns, const char *tenant, const char *kind, const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (unsigned char)ns) * 1099511628211ULL;
    const char *parts[3] = {tenant, kind, name};
    for (int i = 0; i < 3; i++) {
        for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL; /* separator */
    }
    return (uint32_t)(h ^ (h >> 32)) & (STAMP_SLOTS - 1);
}

/* A write to this document or key is under way (store lock held): the commit
 * that makes it visible is the next generation (the lock serializes commits;
 * a rollback bumps the generation too, see store_rollback). */
static void stamp(store_t *st, int ns, const char *tenant, const char *kind, const char *name)
{
    if (st->stamps)
        atomic_store_explicit(&st->stamps[stamp_slot(ns, tenant, kind, name)],
                              store_generation(st) + 1, memory_order_release);
}

/* A read of this document or key (store lock held): record it in the
 * calling thread's read set. */
static void track(const store_t *st, int ns, const char *tenant, const char *kind, const char *name)
{
    store_readset *rs = tracking;
    if (!rs || tracking_store != st)
        return;
    if (!st->stamps || rs->n == STORE_READSET_MAX)
        rs->all = 1;
    else
        rs->slot[rs->n++] = stamp_slot(ns, tenant, kind, name);
}

/* A read that cannot be tracked (scans, counts). */
static void track_all(const store_t *st)
{
    if (tracking && tracking_store == st)
        tracking->all = 1;
}

void store_track_begin(store_t *st, store_readset *rs)
{
    memset(rs, 0, sizeof *rs);
    rs->gen = store_generation(st);
    tracking = rs;
    tracking_store = st;
}

void store_track_end(void)
{
    tracking = NULL;
    tracking_store = NULL;
}

int store_readset_current(const store_t *st, const store_readset *rs)
{
    if (rs->all || !st->stamps)
        return store_generation(st) == rs->gen;
    for (int i = 0; i < rs->n; i++)
        if (atomic_load_explicit(&st->stamps[rs->slot[i]], memory_order_acquire) > rs->gen)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------- */
/* durability: the group commit                                             */

/* A commit that wrote has ended (store lock held): bump the generation (the
 * commit's ticket) and wake the sync thread. Returns the ticket. */
static uint64_t committed(store_t *st)
{
    uint64_t g = atomic_fetch_add_explicit(&st->gen, 1, memory_order_release) + 1;
    syncer *y = st->sync;
    if (y) {
        pthread_mutex_lock(&y->mu);
        y->target = g;
        pthread_cond_signal(&y->work);
        pthread_mutex_unlock(&y->mu);
    }
    return g;
}

/* Checkpoints run here, on the sync thread's own connection, once the WAL
 * holds CKPT_WAL_FRAMES frames: PASSIVE, so writers go on meanwhile. With
 * SQLite's automatic checkpoint, the commit that crossed 1000 pages copied
 * them into the database and fsynced it while holding the store, and every
 * worker waited (bench/provision). The checkpoint syncs the WAL before it
 * copies frames and the database after, so it never loses a commit. */
#define CKPT_WAL_FRAMES 2000 /* about 8 MiB of 4 KiB pages */

/* sqlite3_wal_hook on the store's connection, after every commit: it
 * replaces SQLite's automatic checkpoint. (The WAL file keeps its size after
 * a restart, so its size cannot tell how much is left to copy.) */
static int on_wal_commit(void *ud, sqlite3 *db, const char *name, int frames)
{
    (void)db, (void)name;
    atomic_store_explicit(&((syncer *)ud)->wal_frames, frames, memory_order_relaxed);
    return SQLITE_OK;
}

/* Not after a failed sync: nothing is trusted to reach the disk then. */
static void checkpoint_if_due(syncer *y, rs_status status)
{
    if (!y->ckpt || status != RS_OK ||
        atomic_load_explicit(&y->wal_frames, memory_order_relaxed) < CKPT_WAL_FRAMES)
        return;
    int logged = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(y->ckpt, "main", SQLITE_CHECKPOINT_PASSIVE, &logged, &done);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        rs_log(RS_LOG_WARNING, NULL, "store: checkpoint failed: %s", sqlite3_errmsg(y->ckpt));
    } else if (rc == SQLITE_OK && logged >= 0 && done >= logged) {
        /* all copied: the next commit restarts the WAL (and the hook says so) */
        atomic_store_explicit(&y->wal_frames, 0, memory_order_relaxed);
    }
}

static void *sync_main(void *arg)
{
    syncer *y = arg;
    pthread_mutex_lock(&y->mu);
    for (;;) {
        while (!y->stop && y->durable == y->target)
            pthread_cond_wait(&y->work, &y->mu);
        if (y->durable == y->target && !y->waiters)
            break; /* stopping, nothing left */
        uint64_t target = y->target;
        int failed = y->failed;
        pthread_mutex_unlock(&y->mu);
        /* Every commit up to target has written its WAL frames (the write()
         * calls returned before the generation was bumped), so one
         * fdatasync makes them all durable. */
        double t0 = rs_metrics_now();
        int r = failed ? -1 : fdatasync(y->walfd);
        int e = errno;
        if (!failed)
            rs_metrics_store_sync(rs_metrics_now() - t0);
        pthread_mutex_lock(&y->mu);
        if (r != 0 && !failed) {
            /* After a failed fsync the kernel may have dropped the dirty
             * pages: nothing written since can be trusted to reach the disk
             * (PostgreSQL's "fsyncgate"). Refuse writes from now on. */
            y->failed = 1;
            rs_log(RS_LOG_ERROR, NULL,
                   "store: syncing the write-ahead log failed (%s); refusing further changes "
                   "until roomsysd is restarted",
                   strerror(e));
        }
        y->durable = target;
        durable_waiter *ready = NULL, **pp = &y->waiters;
        while (*pp) {
            durable_waiter *w = *pp;
            if (w->gen <= target) {
                *pp = w->next;
                w->next = ready;
                ready = w;
            } else {
                pp = &w->next;
            }
        }
        pthread_cond_broadcast(&y->synced);
        rs_status status = y->failed ? RS_ESTORE : RS_OK;
        y->running_cbs = ready != NULL;
        pthread_mutex_unlock(&y->mu);
        while (ready) {
            durable_waiter *w = ready;
            ready = w->next;
            w->cb(w->ud, status);
            free(w);
        }
        checkpoint_if_due(y, status);
        pthread_mutex_lock(&y->mu);
        y->running_cbs = 0;
        pthread_cond_broadcast(&y->synced);
    }
    pthread_mutex_unlock(&y->mu);
    return NULL;
}

/* Open the WAL file of st's database and start the sync thread. On failure
 * the caller falls back to synchronous=FULL. */
static int syncer_start(store_t *st)
{
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(st->db, "main"));
    int fd = wal && *wal ? open(wal, O_RDWR | O_CLOEXEC) : -1;
    if (fd < 0)
        return -1;
    syncer *y = rs_calloc(1, sizeof *y);
    y->walfd = fd;
    /* our own checkpoints (checkpoint_if_due); SQLite's automatic ones stay
     * when the second connection cannot be opened */
    if (sqlite3_open_v2(sqlite3_db_filename(st->db, "main"), &y->ckpt,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
        sqlite3_exec(y->ckpt, "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(y->ckpt, 5000);
        sqlite3_wal_hook(st->db, on_wal_commit, y); /* replaces the automatic checkpoint */
    } else {
        sqlite3_close_v2(y->ckpt);
        y->ckpt = NULL;
    }
    pthread_mutex_init(&y->mu, NULL);
    pthread_cond_init(&y->work, NULL);
    pthread_cond_init(&y->synced, NULL);
    uint64_t g = store_generation(st);
    y->target = y->durable = g;
    if (pthread_create(&y->thread, NULL, sync_main, y) != 0) {
        if (y->ckpt) {
            sqlite3_close_v2(y->ckpt);
            sqlite3_wal_autocheckpoint(st->db, 1000); /* SQLite's own again */
        }
        close(fd);
        free(y);
        return -1;
    }
    st->sync = y;
    return 0;
}

/* Sync what is left, stop the thread (after every callback has run). */
static void syncer_stop(syncer *y)
{
    if (!y)
        return;
    pthread_mutex_lock(&y->mu);
    y->stop = 1;
    pthread_cond_signal(&y->work);
    pthread_mutex_unlock(&y->mu);
    pthread_join(y->thread, NULL);
    sqlite3_close_v2(y->ckpt);
    close(y->walfd);
    pthread_cond_destroy(&y->work);
    pthread_cond_destroy(&y->synced);
    pthread_mutex_destroy(&y->mu);
    free(y);
}

void store_defer_durability(int on)
{
    defer_durability = on;
}

void store_when_durable(store_t *st, uint64_t gen, store_durable_cb cb, void *ud)
{
    syncer *y = st->sync;
    rs_status status = RS_OK;
    if (y) {
        pthread_mutex_lock(&y->mu);
        if (gen > y->durable) {
            durable_waiter *w = rs_calloc(1, sizeof *w);
            *w = (durable_waiter){.gen = gen, .cb = cb, .ud = ud, .next = y->waiters};
            y->waiters = w;
            pthread_mutex_unlock(&y->mu);
            return;
        }
        status = y->failed ? RS_ESTORE : RS_OK;
        pthread_mutex_unlock(&y->mu);
    }
    cb(ud, status);
}

void store_durable_drain(store_t *st)
{
    syncer *y = st->sync;
    if (!y)
        return;
    pthread_mutex_lock(&y->mu);
    while (y->waiters || y->running_cbs)
        pthread_cond_wait(&y->synced, &y->mu);
    pthread_mutex_unlock(&y->mu);
}

/* Wait (store lock NOT held) until generation gen is durable, unless this
 * thread defers. */
static rs_status await_durable(store_t *st, uint64_t gen, rs_err *err)
{
    syncer *y = st->sync;
    if (!y || !gen || defer_durability)
        return RS_OK;
    pthread_mutex_lock(&y->mu);
    while (y->durable < gen)
        pthread_cond_wait(&y->synced, &y->mu);
    int failed = y->failed;
    pthread_mutex_unlock(&y->mu);
    return failed ? rs_errf(err, RS_ESTORE,
                            "The store could not make the change durable (the disk failed to "
                            "sync); restart roomsysd and check the change.")
                  : RS_OK;
}

uint64_t store_durable_generation(store_t *st)
{
    syncer *y = st->sync;
    if (!y)
        return store_generation(st);
    pthread_mutex_lock(&y->mu);
    uint64_t g = y->durable;
    pthread_mutex_unlock(&y->mu);
    return g;
}

/* Writes are refused once a sync has failed. */
int store_failed(store_t *st)
{
    syncer *y = st->sync;
    if (!y)
        return 0;
    pthread_mutex_lock(&y->mu);
    int f = y->failed;
    pthread_mutex_unlock(&y->mu);
    return f;
}

static rs_status db_err(store_t *st, rs_err *err, const char *what)
{
    rs_log(RS_LOG_ERROR, NULL, "store: %s: %s", what, sqlite3_errmsg(st->db));
    int ext = sqlite3_extended_errcode(st->db);
    if ((ext & 0xff) == SQLITE_FULL)
        return rs_errf(err, RS_ESTORE, "The store is full: %s failed.", what);
    return rs_errf(err, RS_ESTORE, "The store failed (%s): %s", what, sqlite3_errmsg(st->db));
}

static rs_status exec(store_t *st, const char *sql, rs_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rs_status rc = rs_errf(err, RS_ESTORE, "The store failed: %s", msg ? msg : "?");
        rs_log(RS_LOG_ERROR, NULL, "store: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return rc;
    }
    return RS_OK;
}

static rs_status open_db(const char *path, int durable, store_t **out, rs_err *err)
{
    *out = NULL;
    store_t *st = rs_calloc(1, sizeof *st);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&st->lock, &a);
    pthread_mutexattr_destroy(&a);
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        rs_errf(err, RS_ESTORE, "cannot open database %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return RS_ESTORE;
    }
    sqlite3_busy_timeout(st->db, 5000);
    rs_status rc = exec(st,
                        durable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  "PRAGMA foreign_keys=ON;"
                                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456;"
                                  "PRAGMA cache_size=-32768;",
                        err);
    if (rc)
        goto fail;
    sqlite3_stmt *s;
    int version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    if (version > SCHEMA_VERSION) {
        rc = rs_errf(err, RS_ESTORE,
                     "database %s has schema version %d, newer than this roomsysd (%d); refusing "
                     "to open it",
                     path, version, SCHEMA_VERSION);
        goto fail;
    }
    for (int v = version; v < SCHEMA_VERSION; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d;", v + 1);
        if ((rc = exec(st, "BEGIN IMMEDIATE", err)) || (rc = exec(st, migrations[v], err)) ||
            (rc = exec(st, pragma, err)) || (rc = exec(st, "COMMIT", err))) {
            exec(st, "ROLLBACK", NULL);
            goto fail;
        }
        rs_log(RS_LOG_INFO, NULL, "store: applied migration %d", v + 1);
    }
    if (durable) {
        st->docs = store_doccache_new(2048);
        st->stamps = rs_calloc(STAMP_SLOTS, sizeof *st->stamps);
        if (syncer_start(st) != 0) {
            rs_log(RS_LOG_WARNING, NULL,
                   "store: no group commit for %s (its write-ahead log cannot be opened: %s); "
                   "every commit syncs on its own",
                   path, strerror(errno));
            if ((rc = exec(st, "PRAGMA synchronous=FULL;", err)))
                goto fail;
        }
    }
    *out = st;
    return RS_OK;
fail:
    store_close(st);
    return rc;
}

rs_status store_open(const char *path, store_t **out, rs_err *err)
{
    return open_db(path, 1, out, err);
}

rs_status store_open_soft(const char *path, store_t **out, rs_err *err)
{
    return open_db(path, 0, out, err);
}

void store_close(store_t *st)
{
    if (!st)
        return;
    if (st->sync)
        sqlite3_wal_hook(st->db, NULL, NULL); /* it points into the syncer */
    syncer_stop(st->sync);
    for (int i = 0; i < st->ncache; i++)
        sqlite3_finalize(st->cache[i].s);
    sqlite3_close_v2(st->db);
    store_doccache_free(st->docs);
    free((void *)st->stamps);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

static rs_status run(store_t *st, const char *sql, rs_err *err);

static rs_status refuse_write(rs_err *err)
{
    return rs_errf(err, RS_ESTORE,
                   "The store refuses changes: syncing its write-ahead log failed earlier (see "
                   "the daemon's log). Restart roomsysd.");
}

rs_status store_begin(store_t *st, rs_err *err)
{
    pthread_mutex_lock(&st->lock);
    if (st->depth++ == 0) {
        rs_status rc = store_failed(st) ? refuse_write(err) : run(st, "BEGIN IMMEDIATE", err);
        if (rc) {
            st->depth--;
            pthread_mutex_unlock(&st->lock);
            return rc;
        }
    }
    return RS_OK;
}

rs_status store_commit(store_t *st, rs_err *err)
{
    rs_status rc = RS_OK;
    uint64_t ticket = 0;
    if (--st->depth == 0) {
        double t0 = rs_metrics_now();
        rc = run(st, "COMMIT", err);
        if (st->dirty)
            rs_metrics_store_commit(rs_metrics_now() - t0);
        if (rc)
            run(st, "ROLLBACK", NULL);
        if (st->dirty)
            ticket = committed(st);
        st->dirty = 0;
    }
    pthread_mutex_unlock(&st->lock);
    if (rc == RS_OK && ticket)
        rc = await_durable(st, ticket, err);
    return rc;
}

void store_rollback(store_t *st)
{
    if (--st->depth == 0) {
        run(st, "ROLLBACK", NULL);
        if (st->dirty) /* its writes stamped the next generation: make it exist */
            committed(st);
        st->dirty = 0;
    }
    pthread_mutex_unlock(&st->lock);
}

/* Take the lock and a prepared statement for sql (a string literal: cached by
 * its address); the caller releases both via done(). */
static sqlite3_stmt *prep(store_t *st, const char *sql, rs_err *err)
{
    sqlite3_stmt *s = NULL;
    pthread_mutex_lock(&st->lock);
    for (int i = 0; i < st->ncache; i++)
        if (st->cache[i].sql == sql && !st->cache[i].busy) {
            st->cache[i].busy = 1;
            return st->cache[i].s;
        }
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        db_err(st, err, "prepare");
        sqlite3_finalize(s);
        pthread_mutex_unlock(&st->lock);
        return NULL;
    }
    int known = 0;
    for (int i = 0; i < st->ncache && !known; i++)
        known = st->cache[i].sql == sql;
    if (!known && st->ncache < STMT_CACHE) { /* a nested use of a busy one stays uncached */
        st->cache[st->ncache].sql = sql;
        st->cache[st->ncache].s = s;
        st->cache[st->ncache++].busy = 1;
    }
    return s;
}

static void done(store_t *st, sqlite3_stmt *s)
{
    int cached = 0;
    for (int i = 0; i < st->ncache && !cached; i++)
        if (st->cache[i].s == s) {
            st->cache[i].busy = 0;
            cached = 1;
        }
    if (cached) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    } else {
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->lock);
}

/* Run one statement without results (BEGIN, COMMIT, ROLLBACK) through the cache. */
static rs_status run(store_t *st, const char *sql, rs_err *err)
{
    sqlite3_stmt *s = prep(st, sql, err);
    if (!s)
        return RS_ESTORE;
    rs_status rc = RS_OK;
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = rs_errf(err, RS_ESTORE, "The store failed: %s", sqlite3_errmsg(st->db));
        rs_log(RS_LOG_ERROR, NULL, "store: %s", sqlite3_errmsg(st->db));
    }
    done(st, s);
    return rc;
}

static void bind_texts(sqlite3_stmt *s, int n, const char *const *v)
{
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_TRANSIENT);
}

static json_t *parse_doc(const char *text)
{
    json_error_t je;
    return json_loads(text ? text : "null", JSON_DECODE_ANY, &je);
}

rs_status store_get(store_t *st, const char *tenant, const char *kind, const char *id, json_t **out,
                    rs_err *err)
{
    *out = NULL;
    /* Under the lock, the generation and the stamps are exact: every write
     * holds the lock, stamps what it writes and bumps the generation before
     * releasing, or marks our own open transaction dirty (then the cache is
     * not used: it does not know what we wrote). */
    pthread_mutex_lock(&st->lock);
    track(st, NS_DOC, tenant, kind, id);
    uint64_t gen = store_generation(st);
    int cacheable = st->docs && !st->dirty;
    uint64_t changed = cacheable
                           ? atomic_load_explicit(&st->stamps[stamp_slot(NS_DOC, tenant, kind, id)],
                                                  memory_order_acquire)
                           : 0;
    if (cacheable && (*out = store_doccache_get(st->docs, changed, tenant, kind, id))) {
        pthread_mutex_unlock(&st->lock);
        return RS_OK;
    }
    sqlite3_stmt *s = prep(st, "SELECT doc FROM objects WHERE tenant=? AND kind=? AND id=?", err);
    if (!s) {
        pthread_mutex_unlock(&st->lock);
        return RS_ESTORE;
    }
    bind_texts(s, 3, (const char *[]){tenant, kind, id});
    rs_status rc = RS_ENOTFOUND;
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        *out = parse_doc((const char *)sqlite3_column_text(s, 0));
        rc = *out ? RS_OK : rs_errf(err, RS_ESTORE, "corrupt document %s/%s", kind, id);
        if (*out && cacheable)
            store_doccache_put(st->docs, gen, tenant, kind, id, *out,
                               (size_t)sqlite3_column_bytes(s, 0));
    } else if (r != SQLITE_DONE) {
        rc = db_err(st, err, "get");
    } else {
        rs_errf(err, RS_ENOTFOUND, "%s '%s' not found", kind, id);
    }
    done(st, s);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

store_doccache *store_doccache_of(struct store *st)
{
    return st->docs;
}

/* Run a write statement and release it; every write goes through here. */
static rs_status step_done(store_t *st, sqlite3_stmt *s, rs_err *err, const char *what)
{
    if (st->depth == 0 && store_failed(st)) {
        done(st, s);
        return refuse_write(err);
    }
    rs_status rc = sqlite3_step(s) == SQLITE_DONE ? RS_OK : db_err(st, err, what);
    uint64_t ticket = wrote(st);
    done(st, s);
    if (rc == RS_OK && ticket)
        rc = await_durable(st, ticket, err);
    return rc;
}

rs_status store_put(store_t *st, const char *tenant, const char *kind, const char *id, json_t *doc,
                    rs_err *err)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    sqlite3_stmt *s =
        prep(st, "INSERT OR REPLACE INTO objects(tenant,kind,id,doc) VALUES(?,?,?,?)", err);
    if (!s) {
        free(text);
        return RS_ESTORE;
    }
    bind_texts(s, 4, (const char *[]){tenant, kind, id, text});
    free(text);
    stamp(st, NS_DOC, tenant, kind, id);
    return step_done(st, s, err, "put");
}

rs_status store_blob_put(store_t *st, const char *key, const void *v, size_t n, rs_err *err)
{
    sqlite3_stmt *s = prep(st, "INSERT OR REPLACE INTO blobs(k,v) VALUES(?,?)", err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, n ? v : "", (int)n, SQLITE_STATIC);
    return step_done(st, s, err, "blob put");
}

rs_status store_blob_del(store_t *st, const char *key, rs_err *err)
{
    sqlite3_stmt *s = prep(st, "DELETE FROM blobs WHERE k=?", err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    return step_done(st, s, err, "blob delete");
}

rs_status store_blob_each(store_t *st, store_blob_cb cb, void *ud, rs_err *err)
{
    track_all(st);
    sqlite3_stmt *s = prep(st, "SELECT k, v FROM blobs ORDER BY k", err);
    if (!s)
        return RS_ESTORE;
    rs_status rc = RS_OK;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        if (cb(ud, (const char *)sqlite3_column_text(s, 0), v ? v : "", n))
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = db_err(st, err, "blob list");
    done(st, s);
    return rc;
}

rs_status store_del(store_t *st, const char *tenant, const char *kind, const char *id, rs_err *err)
{
    sqlite3_stmt *s = prep(st, "DELETE FROM objects WHERE tenant=? AND kind=? AND id=?", err);
    if (!s)
        return RS_ESTORE;
    bind_texts(s, 3, (const char *[]){tenant, kind, id});
    stamp(st, NS_DOC, tenant, kind, id);
    return step_done(st, s, err, "delete");
}

rs_status store_each(store_t *st, const char *tenant, const char *kind, store_each_cb cb, void *ud,
                     rs_err *err)
{
    track_all(st);
    sqlite3_stmt *s =
        prep(st, "SELECT id, doc FROM objects WHERE tenant=? AND kind=? ORDER BY id", err);
    if (!s)
        return RS_ESTORE;
    bind_texts(s, 2, (const char *[]){tenant, kind});
    rs_status rc = RS_OK;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *doc = parse_doc((const char *)sqlite3_column_text(s, 1));
        int stop = doc ? cb(ud, (const char *)sqlite3_column_text(s, 0), doc) : 0;
        json_decref(doc);
        if (stop)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = db_err(st, err, "list");
    done(st, s);
    return rc;
}

rs_status store_count(store_t *st, const char *tenant, const char *kind, int64_t *out, rs_err *err)
{
    track_all(st);
    *out = 0;
    sqlite3_stmt *s = prep(st, "SELECT count(*) FROM objects WHERE tenant=? AND kind=?", err);
    if (!s)
        return RS_ESTORE;
    bind_texts(s, 2, (const char *[]){tenant, kind});
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    done(st, s);
    return RS_OK;
}

rs_status store_key_get(store_t *st, const char *tenant, const char *kind, const char *key,
                        char **out_id, rs_err *err)
{
    *out_id = NULL;
    sqlite3_stmt *s = prep(st, "SELECT id FROM keys WHERE tenant=? AND kind=? AND key=?", err);
    if (!s)
        return RS_ESTORE;
    track(st, NS_KEY, tenant, kind, key);
    bind_texts(s, 3, (const char *[]){tenant, kind, key});
    rs_status rc = RS_ENOTFOUND;
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        *out_id = rs_strdup((const char *)sqlite3_column_text(s, 0));
        rc = RS_OK;
    } else if (r != SQLITE_DONE) {
        rc = db_err(st, err, "key lookup");
    }
    done(st, s);
    return rc;
}

rs_status store_key_set(store_t *st, const char *tenant, const char *kind, const char *key,
                        const char *id, char **out_owner, rs_err *err)
{
    if (out_owner)
        *out_owner = NULL;
    char *owner = NULL;
    pthread_mutex_lock(&st->lock);
    rs_status rc = store_key_get(st, tenant, kind, key, &owner, err);
    if (rc == RS_OK) {
        if (strcmp(owner, id) != 0) {
            rc = RS_ECONFLICT;
            if (out_owner)
                *out_owner = owner, owner = NULL;
        }
        free(owner);
        pthread_mutex_unlock(&st->lock);
        return rc;
    }
    if (rc != RS_ENOTFOUND) {
        pthread_mutex_unlock(&st->lock);
        return rc;
    }
    sqlite3_stmt *s = prep(st, "INSERT INTO keys(tenant,kind,key,id) VALUES(?,?,?,?)", err);
    if (!s) {
        pthread_mutex_unlock(&st->lock);
        return RS_ESTORE;
    }
    bind_texts(s, 4, (const char *[]){tenant, kind, key, id});
    stamp(st, NS_KEY, tenant, kind, key);
    rc = step_done(st, s, err, "key insert");
    pthread_mutex_unlock(&st->lock);
    return rc;
}

rs_status store_key_del(store_t *st, const char *tenant, const char *kind, const char *key,
                        rs_err *err)
{
    sqlite3_stmt *s = prep(st, "DELETE FROM keys WHERE tenant=? AND kind=? AND key=?", err);
    if (!s)
        return RS_ESTORE;
    bind_texts(s, 3, (const char *[]){tenant, kind, key});
    stamp(st, NS_KEY, tenant, kind, key);
    return step_done(st, s, err, "key delete");
}

rs_status store_key_del_id(store_t *st, const char *tenant, const char *kind, const char *id,
                           rs_err *err)
{
    /* stamp the keys that go (under the lock, so none is added meanwhile) */
    pthread_mutex_lock(&st->lock);
    sqlite3_stmt *s = prep(st, "SELECT key FROM keys WHERE tenant=? AND kind=? AND id=?", err);
    if (!s) {
        pthread_mutex_unlock(&st->lock);
        return RS_ESTORE;
    }
    bind_texts(s, 3, (const char *[]){tenant, kind, id});
    while (sqlite3_step(s) == SQLITE_ROW)
        stamp(st, NS_KEY, tenant, kind, (const char *)sqlite3_column_text(s, 0));
    done(st, s);
    s = prep(st, "DELETE FROM keys WHERE tenant=? AND kind=? AND id=?", err);
    if (!s) {
        pthread_mutex_unlock(&st->lock);
        return RS_ESTORE;
    }
    bind_texts(s, 3, (const char *[]){tenant, kind, id});
    rs_status rc = step_done(st, s, err, "key delete");
    pthread_mutex_unlock(&st->lock);
    return rc;
}

rs_status store_feed_append(store_t *st, const char *tenant, const char *topic, const char *id,
                            int64_t due_ms, json_t *doc, rs_err *err)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    sqlite3_stmt *s =
        prep(st, "INSERT INTO feed(tenant,topic,id,due_ms,doc) VALUES(?,?,?,?,?)", err);
    if (!s) {
        free(text);
        return RS_ESTORE;
    }
    bind_texts(s, 3, (const char *[]){tenant, topic, id});
    sqlite3_bind_int64(s, 4, due_ms);
    sqlite3_bind_text(s, 5, text, -1, SQLITE_TRANSIENT);
    free(text);
    return step_done(st, s, err, "feed append");
}

rs_status store_feed_read(store_t *st, int64_t after, int64_t now_ms, int limit, store_feed_cb cb,
                          void *ud, rs_err *err)
{
    /* Strictly ordered: stop at the first event that is not due yet. */
    track_all(st);
    sqlite3_stmt *s = prep(st,
                           "SELECT seq,tenant,topic,id,due_ms,doc FROM feed WHERE seq>? "
                           "ORDER BY seq LIMIT ?",
                           err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int(s, 2, limit);
    rs_status rc = RS_OK;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t due = sqlite3_column_int64(s, 4);
        if (due > now_ms)
            break;
        json_t *doc = parse_doc((const char *)sqlite3_column_text(s, 5));
        int stop = cb(ud, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                      (const char *)sqlite3_column_text(s, 2),
                      (const char *)sqlite3_column_text(s, 3), due, doc);
        json_decref(doc);
        if (stop)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = db_err(st, err, "feed read");
    done(st, s);
    return rc;
}

rs_status store_feed_trim(store_t *st, int64_t upto, rs_err *err)
{
    sqlite3_stmt *s = prep(st, "DELETE FROM feed WHERE seq<=?", err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_int64(s, 1, upto);
    return step_done(st, s, err, "feed trim");
}

rs_status store_cursor_get(store_t *st, const char *name, int64_t *out, rs_err *err)
{
    track_all(st);
    *out = 0;
    sqlite3_stmt *s = prep(st, "SELECT seq FROM cursors WHERE name=?", err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    done(st, s);
    return RS_OK;
}

rs_status store_cursor_set(store_t *st, const char *name, int64_t seq, rs_err *err)
{
    sqlite3_stmt *s = prep(st, "INSERT OR REPLACE INTO cursors(name,seq) VALUES(?,?)", err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, seq);
    return step_done(st, s, err, "cursor");
}

rs_status store_audit_append(store_t *st, const char *tenant, const char *actor,
                             const char *service, const char *cmdlet, json_t *params,
                             const char *outcome, rs_err *err)
{
    char *text = json_dumps(params, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    sqlite3_stmt *s = prep(st,
                           "INSERT INTO audit(ts_ms,tenant,actor,service,cmdlet,params,outcome) "
                           "VALUES(?,?,?,?,?,?,?)",
                           err);
    if (!s) {
        free(text);
        return RS_ESTORE;
    }
    sqlite3_bind_int64(s, 1, rs_time_now_ms());
    const char *v[] = {tenant, actor, service, cmdlet, text ? text : "{}", outcome};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_text(s, i + 2, v[i], -1, SQLITE_TRANSIENT);
    free(text);
    return step_done(st, s, err, "audit");
}

rs_status store_audit_each(store_t *st, const char *tenant, int limit, store_audit_cb cb, void *ud,
                           rs_err *err)
{
    track_all(st);
    sqlite3_stmt *s = prep(st,
                           "SELECT seq,ts_ms,actor,service,cmdlet,params,outcome FROM audit "
                           "WHERE tenant=? ORDER BY seq DESC LIMIT ?",
                           err);
    if (!s)
        return RS_ESTORE;
    sqlite3_bind_text(s, 1, tenant, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *p = parse_doc((const char *)sqlite3_column_text(s, 5));
        int stop =
            cb(ud, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
               (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
               (const char *)sqlite3_column_text(s, 4), p, (const char *)sqlite3_column_text(s, 6));
        json_decref(p);
        if (stop)
            break;
    }
    done(st, s);
    return RS_OK;
}
