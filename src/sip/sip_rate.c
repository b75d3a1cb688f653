/* sip_rate.c - per-source request-rate limit and bans (see sip_rate.h).
 *
 * The table is set-associative: a source's key hashes to a set of 8 entries
 * guarded by one of 64 stripe locks, so memory is fixed (about 110 bytes per
 * tracked source) and a lookup touches one cache-friendly set. A new source
 * takes a free entry, else the least recently seen unbanned one, else the
 * ban that ends first: a spray of addresses can only make us forget sources,
 * never grow. Windows are fixed (Kamailio antiflood style): count from the
 * first request, reset when the window is over. */
#include "sip_rate.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

enum { WAYS = 8, STRIPES = 64, MAX_EXEMPT = 64 };

typedef struct rate_ent {
    uint8_t key[16];
    uint8_t used;
    uint32_t count, fails;
    int64_t win_start, fail_start;
    int64_t banned_until; /* 0: not banned */
    int64_t last_seen;
    char ip[46]; /* the address whose request or failure banned it (log lines) */
} rate_ent;

typedef struct cidr {
    uint8_t addr[16];
    int bits; /* in the IPv6 space: IPv4 /n is ::ffff:0:0/96+n */
} cidr;

struct sip__rate {
    sip__rate_conf conf;
    cidr exempt[MAX_EXEMPT];
    int nexempt;
    rate_ent *ent;
    size_t nsets;
    pthread_mutex_t locks[STRIPES];
};

/* Address -> 16 bytes (IPv4 as ::ffff:a.b.c.d). 0 on success. */
static int addr16(const char *ip, uint8_t out[16], int *is_v4)
{
    struct in_addr a4;
    if (inet_pton(AF_INET, ip, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        *is_v4 = 1;
        return 0;
    }
    if (inet_pton(AF_INET6, ip, out) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        *is_v4 = memcmp(out, mapped, 12) == 0;
        return 0;
    }
    return -1;
}

static int prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)full) != 0)
        return 0;
    if (!rest)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

/* Parse the exempt list into out (may be NULL to validate only). */
static rs_status parse_exempt(const char *list, cidr *out, int *nout, rs_err *err)
{
    int n = 0;
    if (!list)
        list = "";
    char *copy = rs_strdup(list), *save = NULL;
    rs_status rc = RS_OK;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = rs_trim(tok);
        if (!*tok)
            continue;
        if (n >= MAX_EXEMPT) {
            rc = rs_errf(err, RS_EINVAL, "rate_limit_exempt: more than %d ranges", MAX_EXEMPT);
            break;
        }
        char *slash = strchr(tok, '/');
        int bits = -1;
        if (slash) {
            *slash = '\0';
            char *end = NULL;
            long v = strtol(slash + 1, &end, 10);
            if (!slash[1] || *end || v < 0 || v > 128) {
                rc = rs_errf(err, RS_EINVAL, "rate_limit_exempt: bad prefix length in '%s/%s'", tok,
                             slash + 1);
                break;
            }
            bits = (int)v;
        }
        size_t tl = strlen(tok);
        if (tl >= 2 && tok[0] == '[' && tok[tl - 1] == ']') {
            tok[tl - 1] = '\0';
            tok++;
        }
        cidr c;
        int v4;
        if (addr16(tok, c.addr, &v4) != 0 || (v4 && strchr(tok, ':') == NULL && bits > 32)) {
            rc = rs_errf(err, RS_EINVAL,
                         "rate_limit_exempt: '%s' is not an IPv4/IPv6 address or CIDR range", tok);
            break;
        }
        if (bits < 0)
            bits = 128;
        else if (v4 && !strchr(tok, ':'))
            bits += 96;
        c.bits = bits;
        if (out)
            out[n] = c;
        n++;
    }
    free(copy);
    if (nout)
        *nout = n;
    return rc;
}

rs_status sip__rate_parse_exempt(const char *list, rs_err *err)
{
    return parse_exempt(list, NULL, NULL, err);
}

rs_status sip__rate_new(const sip__rate_conf *conf, sip__rate **out, rs_err *err)
{
    *out = NULL;
    if (conf->requests < 0 || conf->fail_threshold < 0 || conf->window_s < 0 || conf->ban_s < 0 ||
        conf->fail_window_s < 0)
        return rs_errf(err, RS_EINVAL, "sip: rate limits must not be negative");
    cidr ex[MAX_EXEMPT];
    int nex = 0;
    rs_status rc = parse_exempt(conf->exempt, ex, &nex, err);
    if (rc)
        return rc;
    if (!conf->requests && !conf->fail_threshold)
        return RS_OK;
    sip__rate *r = rs_calloc(1, sizeof *r);
    r->conf = *conf;
    r->conf.exempt = NULL; /* parsed; not kept */
    if (r->conf.window_s <= 0)
        r->conf.window_s = 10;
    if (r->conf.ban_s <= 0)
        r->conf.ban_s = 300;
    if (r->conf.fail_window_s <= 0)
        r->conf.fail_window_s = 600;
    memcpy(r->exempt, ex, sizeof ex);
    r->nexempt = nex;
    size_t sources = conf->sources ? conf->sources : 32768;
    r->nsets = (sources + WAYS - 1) / WAYS;
    if (r->nsets < STRIPES)
        r->nsets = STRIPES;
    r->ent = rs_calloc(r->nsets * WAYS, sizeof *r->ent);
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&r->locks[i], NULL);
    *out = r;
    return RS_OK;
}

void sip__rate_free(sip__rate *r)
{
    if (!r)
        return;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&r->locks[i]);
    free(r->ent);
    free(r);
}

/* The source key of ip: IPv4 whole, IPv6 by /64. -1 when not an address or
 * exempt. */
static int source_key(const sip__rate *r, const char *ip, uint8_t key[16])
{
    int v4;
    if (addr16(ip, key, &v4) != 0)
        return -1;
    for (int i = 0; i < r->nexempt; i++)
        if (prefix_match(key, r->exempt[i].addr, r->exempt[i].bits))
            return -1;
    if (!v4)
        memset(key + 8, 0, 8);
    return 0;
}

static size_t set_of(const sip__rate *r, const uint8_t key[16])
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 16; i++) {
        h ^= key[i];
        h *= 1099511628211ULL;
    }
    return (size_t)(h % r->nsets);
}

/* Find or make the entry of key in its set (stripe lock held). */
static rate_ent *entry(sip__rate *r, size_t set, const uint8_t key[16], int64_t now)
{
    rate_ent *s = &r->ent[set * WAYS], *victim = NULL;
    for (int i = 0; i < WAYS; i++)
        if (s[i].used && memcmp(s[i].key, key, 16) == 0)
            return &s[i];
    for (int i = 0; i < WAYS && !victim; i++)
        if (!s[i].used)
            victim = &s[i];
    for (int i = 0; i < WAYS && !victim; i++) /* least recently seen, not banned */
        if (!(s[i].banned_until > now) && (!victim || s[i].last_seen < victim->last_seen))
            victim = &s[i];
    if (!victim) /* all banned: forget the ban that ends first */
        for (int i = 0; i < WAYS; i++)
            if (!victim || s[i].banned_until < victim->banned_until)
                victim = &s[i];
    memset(victim, 0, sizeof *victim);
    memcpy(victim->key, key, 16);
    victim->used = 1;
    victim->win_start = victim->fail_start = now;
    return victim;
}

/* A ban that ended (lock held): reset the entry. 1 if there was one. */
static int lift(rate_ent *e, int64_t now)
{
    if (!e->banned_until || e->banned_until > now)
        return 0;
    e->banned_until = 0;
    e->count = e->fails = 0;
    e->win_start = e->fail_start = now;
    return 1;
}

int sip__rate_check(sip__rate *r, const char *ip, int64_t now, int *unbanned)
{
    *unbanned = 0;
    uint8_t key[16];
    if (!r || source_key(r, ip, key) != 0)
        return SIP_RATE_PASS;
    size_t set = set_of(r, key);
    pthread_mutex_t *lk = &r->locks[set % STRIPES];
    int v = SIP_RATE_PASS;
    pthread_mutex_lock(lk);
    rate_ent *e = entry(r, set, key, now);
    e->last_seen = now;
    *unbanned = lift(e, now);
    if (e->banned_until) {
        v = SIP_RATE_DROP;
    } else if (r->conf.requests) {
        if (now - e->win_start >= (int64_t)r->conf.window_s * 1000) {
            e->win_start = now;
            e->count = 0;
        }
        if (++e->count > (uint32_t)r->conf.requests) {
            e->banned_until = now + (int64_t)r->conf.ban_s * 1000;
            snprintf(e->ip, sizeof e->ip, "%s", ip);
            v = SIP_RATE_BANNED;
        }
    }
    pthread_mutex_unlock(lk);
    return v;
}

int sip__rate_failed(sip__rate *r, const char *ip, int64_t now)
{
    uint8_t key[16];
    if (!r || !r->conf.fail_threshold || source_key(r, ip, key) != 0)
        return 0;
    size_t set = set_of(r, key);
    pthread_mutex_t *lk = &r->locks[set % STRIPES];
    int banned = 0;
    pthread_mutex_lock(lk);
    rate_ent *e = entry(r, set, key, now);
    e->last_seen = now;
    if (!e->banned_until) {
        if (now - e->fail_start >= (int64_t)r->conf.fail_window_s * 1000) {
            e->fail_start = now;
            e->fails = 0;
        }
        if (++e->fails >= (uint32_t)r->conf.fail_threshold) {
            e->banned_until = now + (int64_t)r->conf.ban_s * 1000;
            snprintf(e->ip, sizeof e->ip, "%s", ip);
            banned = 1;
        }
    }
    pthread_mutex_unlock(lk);
    return banned;
}

void sip__rate_sweep(sip__rate *r, int64_t now, void (*cb)(void *ud, const char *ip), void *ud)
{
    if (!r)
        return;
    for (size_t s = 0; s < STRIPES; s++) {
        char(*lifted)[46] = NULL;
        size_t n = 0, cap = 0;
        pthread_mutex_lock(&r->locks[s]);
        for (size_t set = s; set < r->nsets; set += STRIPES)
            for (int i = 0; i < WAYS; i++) {
                rate_ent *e = &r->ent[set * WAYS + i];
                if (!e->used || !lift(e, now))
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 8;
                    lifted = rs_realloc(lifted, cap * sizeof *lifted);
                }
                memcpy(lifted[n++], e->ip, sizeof e->ip);
            }
        pthread_mutex_unlock(&r->locks[s]);
        for (size_t i = 0; i < n; i++)
            cb(ud, lifted[i]);
        free(lifted);
    }
}

uint64_t sip__rate_banned(sip__rate *r, int64_t now)
{
    uint64_t n = 0;
    if (!r)
        return 0;
    for (size_t s = 0; s < STRIPES; s++) {
        pthread_mutex_lock(&r->locks[s]);
        for (size_t set = s; set < r->nsets; set += STRIPES)
            for (int i = 0; i < WAYS; i++)
                n += r->ent[set * WAYS + i].used && r->ent[set * WAYS + i].banned_until > now;
        pthread_mutex_unlock(&r->locks[s]);
    }
    return n;
}
