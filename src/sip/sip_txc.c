/* sip_txc.c - completed-transaction cache: final responses to authenticated
 * REGISTERs, kept for Timer J (32 s on UDP, RFC 3261 §17.2.2) so that a
 * retransmission is answered with the same bytes without repeating auth, nc
 * or store work (reliability.md §4.3). Bounded by a byte budget; entries
 * leave in insertion order, which is also expiry order. */
#include "sip_int.h"

#include <stdlib.h>
#include <string.h>

/* 2^18 chains: about one entry each at 10,000 answers/s kept 32 s within
 * the default budget, so a lookup touches one or two cache lines. The cache
 * is split into TXC_SHARDS shards by hash, each with its own lock, FIFO and
 * share of the byte budget, so receive threads rarely wait for each other;
 * chain i belongs to shard i % TXC_SHARDS. */
enum { TXC_BUCKETS = 1 << 18, TXC_SHARDS = 64 };

/* One allocation per entry: the struct, then the key, then the response. */
typedef struct txc_ent {
    struct txc_ent *hnext;  /* hash chain */
    struct txc_ent **hprev; /* the pointer that points at this entry (O(1) unlink) */
    struct txc_ent *fnext;  /* FIFO (insertion order) */
    uint64_t hash;
    int64_t expires_at;
    char *key;
    size_t keylen;
    char *resp;
    size_t resplen;
    char dst_ip[46];
    int dst_port;
    int status;
} txc_ent;

/* A transaction a thread is working on right now (claimed, no answer yet). */
typedef struct txc_claim {
    struct txc_claim *next;
    uint64_t hash;
    size_t keylen;
    char key[];
} txc_claim;

typedef struct txc_shard {
    pthread_mutex_t mu;
    txc_claim *claims; /* at most one per thread calling sip_receive() */
    txc_ent *head, *tail;
    size_t bytes, max_bytes;
} txc_shard;

struct sip__txc {
    txc_ent **buckets; /* chain i is guarded by shards[i % TXC_SHARDS].mu */
    txc_shard shards[TXC_SHARDS];
};

static txc_shard *shard_of(sip__txc *t, uint64_t h)
{
    return &t->shards[h % TXC_SHARDS];
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t ent_size(const txc_ent *e)
{
    return sizeof *e + e->keylen + e->resplen;
}

sip__txc *sip__txc_new(size_t max_bytes)
{
    sip__txc *t = rs_calloc(1, sizeof *t);
    t->buckets = rs_calloc(TXC_BUCKETS, sizeof *t->buckets);
    for (int i = 0; i < TXC_SHARDS; i++) {
        pthread_mutex_init(&t->shards[i].mu, NULL);
        t->shards[i].max_bytes = max_bytes / TXC_SHARDS;
    }
    return t;
}

static void ent_free(txc_ent *e)
{
    free(e);
}

void sip__txc_free(sip__txc *t)
{
    if (!t)
        return;
    for (int i = 0; i < TXC_SHARDS; i++) {
        txc_shard *sh = &t->shards[i];
        txc_ent *e = sh->head;
        while (e) {
            txc_ent *n = e->fnext;
            ent_free(e);
            e = n;
        }
        while (sh->claims) {
            txc_claim *n = sh->claims->next;
            free(sh->claims);
            sh->claims = n;
        }
        pthread_mutex_destroy(&sh->mu);
    }
    free(t->buckets);
    free(t);
}

/* Remove the shard's oldest entry (its lock held). */
static void pop_head(txc_shard *sh)
{
    txc_ent *e = sh->head;
    sh->head = e->fnext;
    if (!sh->head)
        sh->tail = NULL;
    *e->hprev = e->hnext;
    if (e->hnext)
        e->hnext->hprev = e->hprev;
    sh->bytes -= ent_size(e);
    ent_free(e);
}

/* Copy a cached answer into out (the shard's lock held); 1 on a hit. */
static int get_locked(sip__txc *t, uint64_t h, const char *key, size_t keylen, int64_t now,
                      sip_reply *out)
{
    int hit = 0;
    for (txc_ent *e = t->buckets[h % TXC_BUCKETS]; e; e = e->hnext) {
        if (e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0 &&
            e->expires_at > now) {
            rs_buf_reset(&out->data);
            rs_buf_append(&out->data, e->resp, e->resplen);
            memcpy(out->dst_ip, e->dst_ip, sizeof out->dst_ip);
            out->dst_port = e->dst_port;
            out->status = e->status;
            hit = 1;
            break;
        }
    }
    return hit;
}

int sip__txc_get(sip__txc *t, const char *key, size_t keylen, int64_t now, sip_reply *out)
{
    uint64_t h = hash_bytes(key, keylen);
    txc_shard *sh = shard_of(t, h);
    pthread_mutex_lock(&sh->mu);
    int hit = get_locked(t, h, key, keylen, now, out);
    pthread_mutex_unlock(&sh->mu);
    return hit;
}

int sip__txc_claim(sip__txc *t, const char *key, size_t keylen, int64_t now, sip_reply *out)
{
    uint64_t h = hash_bytes(key, keylen);
    txc_claim *mine = rs_malloc(sizeof *mine + keylen);
    mine->hash = h;
    mine->keylen = keylen;
    memcpy(mine->key, key, keylen);
    int r = 0;
    txc_shard *sh = shard_of(t, h);
    pthread_mutex_lock(&sh->mu);
    if (get_locked(t, h, key, keylen, now, out)) {
        r = 1;
    } else {
        for (txc_claim *k = sh->claims; k; k = k->next)
            if (k->hash == h && k->keylen == keylen && memcmp(k->key, key, keylen) == 0) {
                r = -1;
                break;
            }
        if (r == 0) {
            mine->next = sh->claims;
            sh->claims = mine;
            mine = NULL;
        }
    }
    pthread_mutex_unlock(&sh->mu);
    free(mine);
    return r;
}

void sip__txc_release(sip__txc *t, const char *key, size_t keylen)
{
    uint64_t h = hash_bytes(key, keylen);
    txc_claim *gone = NULL;
    txc_shard *sh = shard_of(t, h);
    pthread_mutex_lock(&sh->mu);
    for (txc_claim **pp = &sh->claims; *pp; pp = &(*pp)->next) {
        txc_claim *k = *pp;
        if (k->hash == h && k->keylen == keylen && memcmp(k->key, key, keylen) == 0) {
            *pp = k->next;
            gone = k;
            break;
        }
    }
    pthread_mutex_unlock(&sh->mu);
    free(gone);
}

void sip__txc_put(sip__txc *t, const char *key, size_t keylen, int64_t expires_at,
                  const sip_reply *r)
{
    txc_ent *e = rs_malloc(sizeof *e + keylen + r->data.len);
    e->hnext = NULL;
    e->fnext = NULL;
    e->hash = hash_bytes(key, keylen);
    e->expires_at = expires_at;
    e->key = (char *)(e + 1);
    memcpy(e->key, key, keylen);
    e->keylen = keylen;
    e->resp = e->key + keylen;
    if (r->data.len)
        memcpy(e->resp, r->data.data, r->data.len);
    e->resplen = r->data.len;
    memcpy(e->dst_ip, r->dst_ip, sizeof e->dst_ip);
    e->dst_port = r->dst_port;
    e->status = r->status;
    txc_shard *sh = shard_of(t, e->hash);
    pthread_mutex_lock(&sh->mu);
    txc_ent **b = &t->buckets[e->hash % TXC_BUCKETS];
    e->hnext = *b;
    if (*b)
        (*b)->hprev = &e->hnext;
    e->hprev = b;
    *b = e;
    if (sh->tail)
        sh->tail->fnext = e;
    else
        sh->head = e;
    sh->tail = e;
    sh->bytes += ent_size(e);
    while (sh->bytes > sh->max_bytes && sh->head != e) /* the newest always stays */
        pop_head(sh);
    pthread_mutex_unlock(&sh->mu);
}

void sip__txc_sweep(sip__txc *t, int64_t now)
{
    for (int i = 0; i < TXC_SHARDS; i++) {
        txc_shard *sh = &t->shards[i];
        pthread_mutex_lock(&sh->mu);
        while (sh->head && sh->head->expires_at <= now)
            pop_head(sh);
        pthread_mutex_unlock(&sh->mu);
    }
}
