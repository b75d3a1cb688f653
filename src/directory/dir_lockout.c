/* dir_lockout.c - smart lockout table: fixed-size hash of (account, source)
 * pairs, 4 slots per bucket, striped mutexes, least-recently-active eviction
 * of unlocked pairs first. See dir_lockout.h. */
#include "dir_lockout.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

#define LO_BUCKETS   4096 /* x LO_SLOTS pairs: about 2 MiB */
#define LO_SLOTS     4
#define LO_STRIPES   64
#define LO_RECENT    3
#define LO_FORGET_MS (24LL * 3600 * 1000) /* a quiet, unlocked pair is forgotten after a day */

typedef struct lo_entry {
    char user[37];  /* "" = free slot */
    uint8_t src[9]; /* family (4, 6 or 0) + address (IPv4) or /64 prefix (IPv6) */
    uint8_t level;  /* lockouts so far */
    uint8_t nrecent;
    uint16_t fails;
    int64_t locked_until, last_ms;
    uint8_t recent[LO_RECENT][16]; /* keyed hashes of the last wrong passwords */
} lo_entry;

struct dir_lockout {
    pthread_mutex_t stripe[LO_STRIPES];
    atomic_int used; /* slots in use */
    unsigned char key[32];
    lo_entry slot[LO_BUCKETS][LO_SLOTS];
};

dir_lockout *dir_lockout_new(void)
{
    dir_lockout *lo = rs_calloc(1, sizeof *lo);
    for (int i = 0; i < LO_STRIPES; i++)
        pthread_mutex_init(&lo->stripe[i], NULL);
    atomic_init(&lo->used, 0);
    rs_random(lo->key, sizeof lo->key);
    return lo;
}

void dir_lockout_free(dir_lockout *lo)
{
    if (!lo)
        return;
    for (int i = 0; i < LO_STRIPES; i++)
        pthread_mutex_destroy(&lo->stripe[i]);
    rs_wipe(lo, sizeof *lo);
    free(lo);
}

void dir_lockout_policy_of(json_t *tenant, dir_lockout_policy *out)
{
    json_t *t = json_object_get(tenant, "LockoutThreshold");
    json_t *d = json_object_get(tenant, "LockoutDurationInSeconds");
    out->threshold = DIR_LOCKOUT_DEFAULT_THRESHOLD;
    out->duration_s = DIR_LOCKOUT_DEFAULT_DURATION_S;
    if (json_is_integer(t) && json_integer_value(t) >= 1 &&
        json_integer_value(t) <= DIR_LOCKOUT_DEFAULT_THRESHOLD)
        out->threshold = (int)json_integer_value(t);
    if (json_is_integer(d) && json_integer_value(d) >= DIR_LOCKOUT_DEFAULT_DURATION_S &&
        json_integer_value(d) <= DIR_LOCKOUT_MAX_DURATION_S)
        out->duration_s = (int)json_integer_value(d);
}

/* Source key: IPv4 address, IPv6 /64 (IPv4-mapped IPv6 counts as IPv4). */
static void src_key(const char *ip, uint8_t out[9])
{
    unsigned char a[16];
    memset(out, 0, 9);
    if (ip && inet_pton(AF_INET, ip, a) == 1) {
        out[0] = 4;
        memcpy(out + 1, a, 4);
    } else if (ip && inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(a, mapped, sizeof mapped)) {
            out[0] = 4;
            memcpy(out + 1, a + 12, 4);
        } else {
            out[0] = 6;
            memcpy(out + 1, a, 8);
        }
    }
}

static size_t bucket_of(const char *user, const uint8_t src[9])
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = user; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ULL;
    for (int i = 0; i < 9; i++)
        h = (h ^ src[i]) * 1099511628211ULL;
    return (size_t)(h % LO_BUCKETS);
}

static pthread_mutex_t *stripe_of(dir_lockout *lo, size_t b)
{
    return &lo->stripe[b % LO_STRIPES];
}

static lo_entry *find(dir_lockout *lo, size_t b, const char *user, const uint8_t src[9])
{
    for (int i = 0; i < LO_SLOTS; i++) {
        lo_entry *e = &lo->slot[b][i];
        if (e->user[0] && !strcmp(e->user, user) && !memcmp(e->src, src, 9))
            return e;
    }
    return NULL;
}

static void release(dir_lockout *lo, lo_entry *e)
{
    memset(e, 0, sizeof *e);
    atomic_fetch_sub(&lo->used, 1);
}

/* A slot for a new pair: a free one, else a forgotten one, else the unlocked
 * pair least recently active, else the lock that ends first. */
static lo_entry *claim(dir_lockout *lo, size_t b, int64_t now_ms)
{
    lo_entry *best = NULL;
    for (int i = 0; i < LO_SLOTS; i++) {
        lo_entry *e = &lo->slot[b][i];
        if (!e->user[0]) {
            atomic_fetch_add(&lo->used, 1);
            return e;
        }
        bool locked = e->locked_until > now_ms;
        if (!locked && now_ms - e->last_ms > LO_FORGET_MS) {
            memset(e, 0, sizeof *e);
            return e;
        }
        if (!best)
            best = e;
        else {
            bool best_locked = best->locked_until > now_ms;
            if ((best_locked && !locked) ||
                (best_locked == locked &&
                 (locked ? e->locked_until < best->locked_until : e->last_ms < best->last_ms)))
                best = e;
        }
    }
    memset(best, 0, sizeof *best);
    return best;
}

bool dir_lockout_idle(dir_lockout *lo)
{
    return atomic_load(&lo->used) == 0;
}

bool dir_lockout_is_locked(dir_lockout *lo, const char *user_id, const char *src_ip, int64_t now_ms)
{
    if (!user_id || dir_lockout_idle(lo))
        return false;
    uint8_t src[9];
    src_key(src_ip, src);
    size_t b = bucket_of(user_id, src);
    pthread_mutex_lock(stripe_of(lo, b));
    lo_entry *e = find(lo, b, user_id, src);
    bool locked = e && e->locked_until > now_ms;
    pthread_mutex_unlock(stripe_of(lo, b));
    return locked;
}

bool dir_lockout_fail(dir_lockout *lo, const dir_lockout_policy *p, const char *user_id,
                      const char *src_ip, const char *secret, int64_t now_ms)
{
    if (!user_id || strlen(user_id) >= sizeof((lo_entry *)0)->user)
        return false;
    uint8_t src[9], tag[32];
    src_key(src_ip, src);
    if (secret) { /* keyed hash of account + password: a repeat counts once */
        size_t ul = strlen(user_id), sl = strlen(secret);
        char *m = rs_malloc(ul + 1 + sl);
        memcpy(m, user_id, ul);
        m[ul] = '\n';
        memcpy(m + ul + 1, secret, sl);
        rs_hmac_sha256(lo->key, sizeof lo->key, m, ul + 1 + sl, tag);
        rs_wipe(m, ul + 1 + sl);
        free(m);
    }
    size_t b = bucket_of(user_id, src);
    bool locked_now = false;
    pthread_mutex_lock(stripe_of(lo, b));
    lo_entry *e = find(lo, b, user_id, src);
    if (!e) {
        e = claim(lo, b, now_ms);
        memcpy(e->user, user_id, strlen(user_id) + 1);
        memcpy(e->src, src, sizeof src);
    }
    e->last_ms = now_ms;
    if (e->locked_until > now_ms)
        goto out; /* already locked: not counted */
    if (secret) {
        for (int i = 0; i < e->nrecent; i++)
            if (rs_ct_equal(e->recent[i], tag, 16))
                goto out;
        memmove(e->recent[1], e->recent[0], (LO_RECENT - 1) * sizeof e->recent[0]);
        memcpy(e->recent[0], tag, 16);
        if (e->nrecent < LO_RECENT)
            e->nrecent++;
    }
    /* after a first lockout every further failure locks again, for longer */
    if (e->level > 0 || ++e->fails >= p->threshold) {
        int64_t d = (int64_t)p->duration_s << (e->level < 16 ? e->level : 16);
        if (d > DIR_LOCKOUT_MAX_DURATION_S)
            d = DIR_LOCKOUT_MAX_DURATION_S;
        e->locked_until = now_ms + d * 1000;
        if (e->level < 255)
            e->level++;
        e->fails = 0;
        locked_now = true;
    }
out:
    pthread_mutex_unlock(stripe_of(lo, b));
    rs_wipe(tag, sizeof tag);
    return locked_now;
}

void dir_lockout_success(dir_lockout *lo, const char *user_id, const char *src_ip)
{
    if (!user_id || dir_lockout_idle(lo))
        return;
    uint8_t src[9];
    src_key(src_ip, src);
    size_t b = bucket_of(user_id, src);
    pthread_mutex_lock(stripe_of(lo, b));
    lo_entry *e = find(lo, b, user_id, src);
    if (e)
        release(lo, e);
    pthread_mutex_unlock(stripe_of(lo, b));
}

/* Visit every pair of an account (admin paths: a scan of the whole table). */
static int scan_user(dir_lockout *lo, const char *user_id, int64_t now_ms, bool clear,
                     int64_t *until_ms)
{
    int n = 0;
    int64_t until = 0;
    if (!user_id || dir_lockout_idle(lo))
        goto done;
    for (size_t b = 0; b < LO_BUCKETS; b++) {
        pthread_mutex_lock(stripe_of(lo, b));
        for (int i = 0; i < LO_SLOTS; i++) {
            lo_entry *e = &lo->slot[b][i];
            if (!e->user[0] || strcmp(e->user, user_id))
                continue;
            if (e->locked_until > now_ms) {
                n++;
                if (e->locked_until > until)
                    until = e->locked_until;
            }
            if (clear)
                release(lo, e);
        }
        pthread_mutex_unlock(stripe_of(lo, b));
    }
done:
    if (until_ms)
        *until_ms = until;
    return n;
}

int dir_lockout_unlock(dir_lockout *lo, const char *user_id, int64_t now_ms)
{
    return scan_user(lo, user_id, now_ms, true, NULL);
}

int dir_lockout_status(dir_lockout *lo, const char *user_id, int64_t now_ms, int64_t *until_ms)
{
    return scan_user(lo, user_id, now_ms, false, until_ms);
}
