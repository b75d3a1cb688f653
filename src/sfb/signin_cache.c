/* signin_cache.c - sign-in facts cached per SIP address, invalidated by the
 * store's commit generation. See signin_cache.h. */
#include "signin_cache.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../directory/directory.h"

enum { NBUCKETS = 1 << 18, NSTRIPES = 256, AOR_MAX = 512 };

typedef struct ha1_ent {
    char *user; /* digest username the HA1 is over (a key of the user's "Ha1") */
    char md5[33], sha256[65];
} ha1_ent;

/* What sfb_signin_lookup reads, minus everything that depends on the clock,
 * the digest username or the realm. */
typedef struct facts {
    int known;
    char tenant_id[37];
    char user_id[37];
    char *home_pool;
    const char *refusal;   /* G1-G4: not_enabled, not_licensed, blocked; or NULL */
    int64_t pw_expires_ms; /* G6: expired when <= now; INT64_MAX = never */
    ha1_ent *ha1;
    size_t nha1;
} facts;

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    uint64_t gen; /* store generation seen before the facts were read */
    char *aor;    /* lower-case */
    facts f;
} entry;

struct signin_cache {
    store_t *st;
    size_t max_entries;
    pthread_t primer;
    int primer_started;
    atomic_int stopping;
    entry **buckets;
    pthread_mutex_t locks[NSTRIPES];
    _Atomic uint64_t hits, misses, stale, entries;
};

static void facts_free(facts *f)
{
    free(f->home_pool);
    for (size_t i = 0; i < f->nha1; i++)
        free(f->ha1[i].user);
    if (f->ha1)
        rs_wipe(f->ha1, f->nha1 * sizeof *f->ha1);
    free(f->ha1);
    memset(f, 0, sizeof *f);
}

static void copy_hex(char *dst, size_t dstsz, json_t *v)
{
    const char *s = json_string_value(v);
    snprintf(dst, dstsz, "%s", s ? s : "");
}

/* The reads of sfb_signin_lookup: global SIP key -> tenant, the tenant's
 * online user, its directory user, the tenant. f zeroed first. */
static rs_status read_facts(store_t *st, const char *aor, facts *f)
{
    memset(f, 0, sizeof *f);
    f->pw_expires_ms = INT64_MAX;
    char *key = rs_asprintf("sip:%s", aor), *tid = NULL, *csid = NULL;
    rs_lower(key);
    json_t *cs = NULL, *user = NULL, *tenant = NULL;
    rs_status rc = store_key_get(st, "", "sipaddr", key, &tid, NULL);
    if (rc == RS_OK)
        rc = store_key_get(st, tid, "csuser", key, &csid, NULL);
    if (rc == RS_OK)
        rc = store_get(st, tid, "csuser", csid, &cs, NULL);
    if (rc == RS_OK)
        rc =
            dir_user_find(st, tid, json_string_value(json_object_get(cs, "ObjectId")), &user, NULL);
    if (rc == RS_OK)
        rc = dir_tenant_get(st, tid, &tenant, NULL);
    if (rc == RS_OK) {
        f->known = 1;
        snprintf(f->tenant_id, sizeof f->tenant_id, "%s", tid);
        snprintf(f->user_id, sizeof f->user_id, "%s",
                 json_string_value(json_object_get(cs, "ObjectId")));
        const char *pool = json_string_value(json_object_get(cs, "RegistrarPool"));
        f->home_pool = rs_strdup(pool ? pool : "");
        json_t *ha1 = json_object_get(user, "Ha1");
        f->ha1 = rs_calloc(json_object_size(ha1) + 1, sizeof *f->ha1);
        const char *k;
        json_t *v;
        json_object_foreach(ha1, k, v)
        {
            ha1_ent *e = &f->ha1[f->nha1++];
            e->user = rs_strdup(k);
            copy_hex(e->md5, sizeof e->md5, json_object_get(v, "md5"));
            copy_hex(e->sha256, sizeof e->sha256, json_object_get(v, "sha256"));
        }
        if (!json_is_true(json_object_get(cs, "Enabled")))
            f->refusal = "not_enabled";
        else if (!dir_user_can_meet(user))
            f->refusal = "not_licensed";
        else if (!json_is_true(json_object_get(user, "AccountEnabled")) ||
                 json_is_true(json_object_get(user, "BlockCredential")))
            f->refusal = "blocked";
        /* dir_password_expired(), as a point in time */
        f->pw_expires_ms = dir_password_expires_at(tenant, user);
    }
    free(key);
    free(tid);
    free(csid);
    json_decref(cs);
    json_decref(user);
    json_decref(tenant);
    return rc == RS_ENOTFOUND ? RS_OK : rc;
}

/* sfb_signin_lookup's answer from facts at now_ms. out zeroed by the caller. */
static void eval(const facts *f, const char *aor, const char *username, const char *realm,
                 int64_t now_ms, sfb_signin *out)
{
    if (!f->known)
        return;
    out->known = 1;
    memcpy(out->tenant_id, f->tenant_id, sizeof out->tenant_id);
    memcpy(out->user_id, f->user_id, sizeof out->user_id);
    snprintf(out->home_pool, sizeof out->home_pool, "%s", f->home_pool);
    /* HA1 is over the username as sent; only the canonical address form has one */
    const char *at = strchr(aor, '@');
    if (at && rs_streq_ci(realm, at + 1)) {
        for (size_t i = 0; i < f->nha1; i++) {
            if (strcmp(f->ha1[i].user, username) == 0) {
                memcpy(out->ha1_md5, f->ha1[i].md5, sizeof out->ha1_md5);
                memcpy(out->ha1_sha256, f->ha1[i].sha256, sizeof out->ha1_sha256);
                break;
            }
        }
    }
    if (f->refusal)
        out->refusal = f->refusal;
    else if (f->pw_expires_ms <= now_ms)
        out->refusal = "password_expired";
    else if (!out->ha1_md5[0])
        out->refusal = "no_credential";
}

signin_cache *signin_cache_new(store_t *st, size_t max_entries)
{
    signin_cache *c = rs_calloc(1, sizeof *c);
    c->st = st;
    c->max_entries = max_entries ? max_entries : 1000000;
    c->buckets = rs_calloc(NBUCKETS, sizeof *c->buckets);
    for (int i = 0; i < NSTRIPES; i++)
        pthread_mutex_init(&c->locks[i], NULL);
    return c;
}

void signin_cache_free(signin_cache *c)
{
    if (!c)
        return;
    if (c->primer_started) {
        atomic_store(&c->stopping, 1);
        pthread_join(c->primer, NULL);
    }
    for (size_t b = 0; b < NBUCKETS; b++) {
        entry *e = c->buckets[b];
        while (e) {
            entry *n = e->next;
            facts_free(&e->f);
            free(e->aor);
            free(e);
            e = n;
        }
    }
    for (int i = 0; i < NSTRIPES; i++)
        pthread_mutex_destroy(&c->locks[i]);
    free(c->buckets);
    free(c);
}

static entry *find(signin_cache *c, size_t b, uint64_t h, const char *aor)
{
    for (entry *e = c->buckets[b]; e; e = e->next)
        if (e->hash == h && strcmp(e->aor, aor) == 0)
            return e;
    return NULL;
}

rs_status signin_cache_lookup(signin_cache *c, const char *aor, const char *username,
                              const char *realm, int64_t now_ms, sfb_signin *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(aor);
    if (n >= AOR_MAX) /* not cacheable; the uncached path answers */
        return sfb_signin_lookup(c->st, aor, username, realm, out);
    char key[AOR_MAX];
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i <= n; i++) {
        key[i] = (char)tolower((unsigned char)aor[i]);
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    }
    size_t b = h & (NBUCKETS - 1);
    pthread_mutex_t *mu = &c->locks[b % NSTRIPES];
    uint64_t gen = store_generation(c->st); /* before reading anything */
    pthread_mutex_lock(mu);
    entry *e = find(c, b, h, key);
    if (e && e->gen >= gen) {
        eval(&e->f, aor, username, realm, now_ms, out);
        pthread_mutex_unlock(mu);
        atomic_fetch_add_explicit(&c->hits, 1, memory_order_relaxed);
        return RS_OK;
    }
    pthread_mutex_unlock(mu);
    atomic_fetch_add_explicit(e ? &c->stale : &c->misses, 1, memory_order_relaxed);

    facts f;
    rs_status rc = read_facts(c->st, aor, &f);
    if (rc != RS_OK) {
        facts_free(&f);
        return rc;
    }
    eval(&f, aor, username, realm, now_ms, out);
    pthread_mutex_lock(mu);
    e = find(c, b, h, key);
    if (e) {
        if (e->gen < gen) { /* ours is newer: swap it in */
            facts old = e->f;
            e->f = f;
            e->gen = gen;
            f = old;
        }
    } else if (atomic_load_explicit(&c->entries, memory_order_relaxed) < c->max_entries) {
        e = rs_calloc(1, sizeof *e);
        e->hash = h;
        e->gen = gen;
        e->aor = rs_strdup(key);
        e->f = f;
        memset(&f, 0, sizeof f);
        e->next = c->buckets[b];
        c->buckets[b] = e;
        atomic_fetch_add_explicit(&c->entries, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(mu);
    facts_free(&f);
    return RS_OK;
}

void signin_cache_get_stats(signin_cache *c, signin_cache_stats *out)
{
    out->hits = atomic_load(&c->hits);
    out->misses = atomic_load(&c->misses);
    out->stale = atomic_load(&c->stale);
    out->entries = atomic_load(&c->entries);
}

/* ---- priming ---- */

typedef struct prime_ctx {
    store_t *st;
    json_t *aors; /* SIP addresses without sip:, lower-case */
    const char *tid;
} prime_ctx;

static int prime_room(void *ud, const char *id, json_t *cs)
{
    (void)id;
    prime_ctx *p = ud;
    const char *sip = json_string_value(json_object_get(cs, "SipAddress"));
    if (sip && json_is_true(json_object_get(cs, "IsMeetingRoom"))) {
        char *a = rs_lower_dup(rs_prefix_ci(sip, "sip:") ? sip + 4 : sip);
        json_array_append_new(p->aors, json_string(a));
        free(a);
    }
    return 0;
}

static int prime_tenant(void *ud, const char *id, json_t *tenant)
{
    (void)tenant;
    prime_ctx *p = ud;
    sfb_user_each(p->st, id, prime_room, p, NULL);
    return 0;
}

static void *prime_main(void *arg)
{
    signin_cache *c = arg;
    pthread_setname_np(pthread_self(), "signin-prime");
    prime_ctx p = {.st = c->st, .aors = json_array()};
    dir_tenant_each(c->st, prime_tenant, &p, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(p.aors, i, v)
    {
        if (atomic_load(&c->stopping) ||
            atomic_load_explicit(&c->entries, memory_order_relaxed) >= c->max_entries)
            break;
        const char *aor = json_string_value(v);
        const char *at = strchr(aor, '@');
        sfb_signin s;
        signin_cache_lookup(c, aor, aor, at ? at + 1 : "", rs_time_now_ms(), &s);
        rs_wipe(&s, sizeof s);
    }
    json_decref(p.aors);
    return NULL;
}

int signin_cache_prime_async(signin_cache *c)
{
    if (c->primer_started)
        return 0;
    if (pthread_create(&c->primer, NULL, prime_main, c) != 0)
        return -1;
    c->primer_started = 1;
    return 0;
}
