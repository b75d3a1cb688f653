/* token_cache.c - bearer-token checks cached by the token's SHA-256 and
 * invalidated when a document or key the check read changes (a store read
 * set). See token_cache.h. */
#include "token_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../directory/directory.h"

enum {
    NSHARDS = 16,        /* power of two */
    TOKEN_MAX = 16384,   /* longer tokens are checked uncached */
    DEFAULT_MAX = 16384, /* entries */
    DEFAULT_AGE = 60000, /* ms */
};

typedef struct entry {
    unsigned char key[32]; /* SHA-256 of the token */
    store_readset rs;      /* what the check read, and the generation before */
    int64_t until_ms;      /* min(token expiry, cached time + max age); INT64_MIN: dead */
    int32_t next;          /* next entry of the same bucket; -1 ends */
    uint8_t ref;           /* CLOCK's second-chance bit */
    rs_principal who;
} entry;

typedef struct shard {
    pthread_mutex_t mu;
    entry *slots; /* cap of them; [0, used) in use */
    size_t cap, used, hand;
    int32_t *heads; /* nheads bucket heads (-1: empty) */
    size_t nheads;  /* power of two */
} shard;

struct token_cache {
    store_t *st;
    int64_t max_age_ms;
    shard shards[NSHARDS];
    _Atomic uint64_t hits, misses, stale, expired, evicted;
};

static uint64_t key_hash(const unsigned char key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof h); /* SHA-256 output is uniform already */
    return h;
}

static size_t bucket_of(const shard *s, uint64_t h)
{
    return (size_t)(h / NSHARDS) & (s->nheads - 1);
}

token_cache *token_cache_new(store_t *st, size_t max_entries, int64_t max_age_ms)
{
    token_cache *c = rs_calloc(1, sizeof *c);
    c->st = st;
    c->max_age_ms = max_age_ms > 0 ? max_age_ms : DEFAULT_AGE;
    if (!max_entries)
        max_entries = DEFAULT_MAX;
    size_t cap = max_entries / NSHARDS ? max_entries / NSHARDS : 1;
    for (int i = 0; i < NSHARDS; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_init(&s->mu, NULL);
        s->cap = cap;
        s->slots = rs_calloc(cap, sizeof *s->slots);
        s->nheads = 1;
        while (s->nheads < 2 * cap)
            s->nheads *= 2;
        s->heads = rs_malloc(s->nheads * sizeof *s->heads);
        memset(s->heads, 0xff, s->nheads * sizeof *s->heads); /* all -1 */
    }
    return c;
}

void token_cache_free(token_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < NSHARDS; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_destroy(&s->mu);
        rs_wipe(s->slots, s->cap * sizeof *s->slots);
        free(s->slots);
        free(s->heads);
    }
    free(c);
}

/* Index of key's entry in s, or -1. Shard lock held. */
static int32_t find(const shard *s, uint64_t h, const unsigned char key[32])
{
    for (int32_t i = s->heads[bucket_of(s, h)]; i >= 0; i = s->slots[i].next)
        if (memcmp(s->slots[i].key, key, 32) == 0)
            return i;
    return -1;
}

/* Take entry idx out of its bucket chain. Shard lock held. */
static void unlink_entry(shard *s, int32_t idx)
{
    int32_t *p = &s->heads[bucket_of(s, key_hash(s->slots[idx].key))];
    while (*p >= 0 && *p != idx)
        p = &s->slots[*p].next;
    if (*p == idx)
        *p = s->slots[idx].next;
}

/* A slot for a new entry: a free one, else CLOCK's victim (stale or expired
 * entries at once, valid ones after their second chance). The slot is out of
 * every chain on return. Shard lock held. */
static int32_t take_slot(token_cache *c, shard *s, int64_t now)
{
    if (s->used < s->cap)
        return (int32_t)s->used++;
    for (;;) {
        int32_t i = (int32_t)s->hand;
        entry *e = &s->slots[i];
        s->hand = (s->hand + 1) % s->cap;
        if (now < e->until_ms && store_readset_current(c->st, &e->rs)) {
            if (e->ref) {
                e->ref = 0;
                continue;
            }
            atomic_fetch_add_explicit(&c->evicted, 1, memory_order_relaxed);
        }
        unlink_entry(s, i);
        return i;
    }
}

/* The session's expiry (ms), or -1 when it cannot be read. */
static int64_t session_expiry(store_t *st, const unsigned char key[32])
{
    char hex[65];
    rs_hex(key, 32, hex);
    json_t *sess = NULL;
    int64_t exp = -1;
    if (store_get(st, "", "session", hex, &sess, NULL) == RS_OK) {
        json_t *v = json_object_get(sess, "ExpiresMs");
        if (json_is_integer(v))
            exp = json_integer_value(v);
    }
    json_decref(sess);
    return exp;
}

rs_status token_cache_check(token_cache *c, const char *token, rs_principal *out, rs_err *err)
{
    size_t n = token ? strnlen(token, TOKEN_MAX + 1) : 0;
    if (!token || n > TOKEN_MAX) {
        atomic_fetch_add_explicit(&c->misses, 1, memory_order_relaxed);
        return dir_token_check(c->st, token, out, err);
    }
    unsigned char key[32];
    rs_sha256(token, n, key);
    uint64_t h = key_hash(key);
    shard *s = &c->shards[h % NSHARDS];
    int64_t now = rs_time_now_ms();

    pthread_mutex_lock(&s->mu);
    int32_t i = find(s, h, key);
    int current = i >= 0 && store_readset_current(c->st, &s->slots[i].rs);
    if (current && now < s->slots[i].until_ms) {
        *out = s->slots[i].who;
        s->slots[i].ref = 1;
        pthread_mutex_unlock(&s->mu);
        atomic_fetch_add_explicit(&c->hits, 1, memory_order_relaxed);
        rs_wipe(key, sizeof key);
        return RS_OK;
    }
    _Atomic uint64_t *why = i < 0 ? &c->misses : !current ? &c->stale : &c->expired;
    pthread_mutex_unlock(&s->mu);
    atomic_fetch_add_explicit(why, 1, memory_order_relaxed);

    store_readset rs;
    store_track_begin(c->st, &rs); /* records what the check reads */
    rs_status rc = dir_token_check(c->st, token, out, err);
    int64_t exp = rc == RS_OK ? session_expiry(c->st, key) : -1;
    store_track_end();
    if (exp > now + c->max_age_ms)
        exp = now + c->max_age_ms;

    pthread_mutex_lock(&s->mu);
    i = find(s, h, key);
    if (rc != RS_OK || exp <= now) {
        if (i >= 0) /* refused now: the old entry must never answer again */
            s->slots[i].until_ms = INT64_MIN;
    } else if (i < 0 || s->slots[i].rs.gen <= rs.gen) { /* ours is at least as fresh */
        if (i < 0) {
            i = take_slot(c, s, now);
            size_t b = bucket_of(s, h);
            memcpy(s->slots[i].key, key, sizeof key);
            s->slots[i].next = s->heads[b];
            s->heads[b] = i;
        }
        s->slots[i].rs = rs;
        s->slots[i].until_ms = exp;
        s->slots[i].ref = 0;
        s->slots[i].who = *out;
    }
    pthread_mutex_unlock(&s->mu);
    rs_wipe(key, sizeof key);
    return rc;
}

void token_cache_get_stats(token_cache *c, token_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    out->hits = atomic_load(&c->hits);
    out->misses = atomic_load(&c->misses);
    out->stale = atomic_load(&c->stale);
    out->expired = atomic_load(&c->expired);
    out->evicted = atomic_load(&c->evicted);
    for (int i = 0; i < NSHARDS; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        out->entries += s->used;
        pthread_mutex_unlock(&s->mu);
    }
}
