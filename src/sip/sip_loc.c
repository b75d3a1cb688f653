/* sip_loc.c - in-memory location store: AoR -> up to 10 bindings, in a hash
 * table with striped mutexes (RFC 3261 §10.3 steps 6-8, RFC 5626 §6).
 * One REGISTER is applied to a working copy and committed only when every
 * contact change is valid, so it is atomic. With tracking on, every AoR whose
 * bindings change is queued on its stripe's dirty list for the write-behind
 * persister (sip__loc_take_dirty). Design: docs/internals/sip.md. */
#include "sip_int.h"

#include <stdlib.h>
#include <string.h>

enum { LOC_BUCKETS = 65536, LOC_LOCKS = 256, LOC_WORK = 64 };

typedef struct loc_rec {
    struct loc_rec *next;
    uint64_t hash;
    char *aor;
    sip__binding *b;
    int n;
    int dirty; /* queued on its stripe's dirty list */
} loc_rec;

/* AoRs changed since the last sip__loc_take_dirty (each string owned). */
typedef struct loc_dirty {
    char **v;
    size_t n, cap;
} loc_dirty;

struct sip__loc {
    loc_rec **buckets;
    pthread_mutex_t locks[LOC_LOCKS];
    _Atomic uint64_t nbindings, naors;
    int track;                  /* dirty tracking on (set before any traffic) */
    loc_dirty dirty[LOC_LOCKS]; /* one list per stripe, guarded by its lock */
    /* Per stripe, guarded by its lock: no binding of the stripe expires before
     * this (monotonic ms; lowered whenever a binding is stored, recomputed by
     * the sweep), so the once-a-second sweep walks only the stripes where
     * something may have expired, not every AoR. */
    int64_t next_exp[LOC_LOCKS];
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

sip__loc *sip__loc_new(void)
{
    sip__loc *l = rs_calloc(1, sizeof *l);
    l->buckets = rs_calloc(LOC_BUCKETS, sizeof *l->buckets);
    for (int i = 0; i < LOC_LOCKS; i++)
        l->next_exp[i] = INT64_MAX;
    for (int i = 0; i < LOC_LOCKS; i++)
        pthread_mutex_init(&l->locks[i], NULL);
    return l;
}

static void binding_clear(sip__binding *b)
{
    free(b->uri);
    free(b->call_id);
    free(b->instance);
    memset(b, 0, sizeof *b);
}

void sip__binding_free_list(sip__binding *list, int n)
{
    for (int i = 0; i < n; i++)
        binding_clear(&list[i]);
    free(list);
}

static void rec_free(loc_rec *r)
{
    sip__binding_free_list(r->b, r->n);
    free(r->aor);
    free(r);
}

void sip__loc_free(sip__loc *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < LOC_BUCKETS; i++) {
        loc_rec *r = l->buckets[i];
        while (r) {
            loc_rec *n = r->next;
            rec_free(r);
            r = n;
        }
    }
    for (int i = 0; i < LOC_LOCKS; i++) {
        pthread_mutex_destroy(&l->locks[i]);
        for (size_t k = 0; k < l->dirty[i].n; k++)
            free(l->dirty[i].v[k]);
        free(l->dirty[i].v);
    }
    free(l->buckets);
    free(l);
}

void sip__loc_track(sip__loc *l)
{
    l->track = 1;
}

/* Queue aor on stripe s's dirty list unless its record already is (stripe
 * lock held; r may be NULL when the AoR has no record any more). */
static void mark_dirty(sip__loc *l, size_t s, loc_rec *r, const char *aor)
{
    if (!l->track || (r && r->dirty))
        return;
    loc_dirty *d = &l->dirty[s];
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = rs_realloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = rs_strdup(aor);
    if (r)
        r->dirty = 1;
}

static void binding_copy(sip__binding *dst, const sip__binding *src)
{
    *dst = *src;
    dst->uri = rs_strdup(src->uri);
    dst->call_id = rs_strdup(src->call_id);
    dst->instance = rs_strdup(src->instance);
}

/* Lower stripe s's next expiry to cover r's bindings (lock held). */
static void note_expiry(sip__loc *l, size_t s, const loc_rec *r)
{
    for (int i = 0; r && i < r->n; i++)
        if (r->b[i].expires_at < l->next_exp[s])
            l->next_exp[s] = r->b[i].expires_at;
}

/* Find the record of aor in its bucket (lock held). */
static loc_rec **rec_find(sip__loc *l, const char *aor, uint64_t h)
{
    loc_rec **pp = &l->buckets[h % LOC_BUCKETS];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->hash == h && strcmp((*pp)->aor, aor) == 0)
            return pp;
    return pp;
}

/* Drop expired bindings of a record (lock held). */
static void rec_expire(sip__loc *l, loc_rec *r, int64_t now)
{
    int k = 0;
    for (int i = 0; i < r->n; i++) {
        if (r->b[i].expires_at <= now) {
            binding_clear(&r->b[i]);
            atomic_fetch_sub(&l->nbindings, 1);
        } else {
            r->b[k++] = r->b[i];
        }
    }
    r->n = k;
}

static int str_eq(sip_str a, const char *b)
{
    return b && strlen(b) == a.len && memcmp(a.s, b, a.len) == 0;
}

/* Index of the binding a contact refers to, or -1 (RFC 5626 §6, §10.3 step 7). */
static int match_binding(const sip__binding *w, int n, const sip__reg_change *ch)
{
    const sip_contact *ct = ch->ct;
    if (ct->instance.len) {
        int rid = ch->use_reg_id ? ct->reg_id : -1;
        for (int i = 0; i < n; i++)
            if (str_eq(ct->instance, w[i].instance) && w[i].reg_id == rid)
                return i;
        return -1;
    }
    for (int i = 0; i < n; i++) {
        sip_uri u;
        if (sip_uri_parse(w[i].uri, strlen(w[i].uri), &u) == RS_OK &&
            sip_uri_equal(&u, &ct->na.uri))
            return i;
    }
    return -1;
}

static void fill_binding(sip__binding *b, const sip__reg_change *ch, sip_str call_id, uint32_t cseq,
                         int pool, const sip_recv_info *ri, int64_t now)
{
    const sip_contact *ct = ch->ct;
    binding_clear(b);
    b->uri = rs_strndup(ct->na.uri.raw.s, ct->na.uri.raw.len);
    b->call_id = rs_strndup(call_id.s, call_id.len);
    b->instance = ct->instance.len ? rs_strndup(ct->instance.s, ct->instance.len) : NULL;
    b->cseq = cseq;
    b->reg_id = ch->use_reg_id ? ct->reg_id : -1;
    b->q = ct->q;
    b->pool = pool;
    b->expires_at = now + ch->expires_s * 1000;
    if (ri) {
        memcpy(b->src_ip, ri->src_ip, sizeof b->src_ip);
        b->src_port = ri->src_port;
        b->transport = (int)ri->transport;
    }
}

void sip__loc_apply(sip__loc *l, const char *aor, int star, const sip__reg_change *ch, int nchanges,
                    const sip_str call_id, uint32_t cseq, int pool, const sip_recv_info *ri,
                    int64_t now, int max_contacts, sip__reg_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->reason = "OK";
    uint64_t h = fnv1a(aor);
    pthread_mutex_t *lk = &l->locks[h % LOC_LOCKS];
    pthread_mutex_lock(lk);
    loc_rec **pp = rec_find(l, aor, h), *r = *pp;
    if (r)
        rec_expire(l, r, now);

    sip__binding w[LOC_WORK];
    unsigned char is_new[LOC_WORK] = {0};
    int n = 0, changed = 0;
    if (r)
        for (int i = 0; i < r->n && n < LOC_WORK; i++)
            binding_copy(&w[n++], &r->b[i]);

    if (star) {
        for (int i = 0; i < n; i++)
            if (str_eq(call_id, w[i].call_id) && cseq <= w[i].cseq)
                goto out_of_order;
        for (int i = 0; i < n; i++)
            binding_clear(&w[i]);
        n = 0;
        changed = 1;
    } else {
        for (int c = 0; c < nchanges; c++) {
            int k = match_binding(w, n, &ch[c]);
            if (k >= 0 && str_eq(call_id, w[k].call_id) && cseq <= w[k].cseq)
                goto out_of_order;
            if (ch[c].use_reg_id)
                res->outbound = 1;
            changed = 1;
            if (ch[c].expires_s == 0) {
                if (k >= 0) {
                    binding_clear(&w[k]);
                    w[k] = w[n - 1];
                    is_new[k] = is_new[n - 1];
                    memset(&w[n - 1], 0, sizeof w[0]);
                    n--;
                }
            } else if (k >= 0) {
                fill_binding(&w[k], &ch[c], call_id, cseq, pool, ri, now);
                is_new[k] = 1;
            } else if (n < LOC_WORK) {
                memset(&w[n], 0, sizeof w[0]);
                fill_binding(&w[n], &ch[c], call_id, cseq, pool, ri, now);
                is_new[n++] = 1;
            }
        }
        /* over the limit: drop the older bindings nearest to expiry */
        while (n > max_contacts) {
            int victim = -1;
            for (int i = 0; i < n; i++)
                if (!is_new[i] && (victim < 0 || w[i].expires_at < w[victim].expires_at))
                    victim = i;
            if (victim < 0)
                break;
            binding_clear(&w[victim]);
            w[victim] = w[n - 1];
            is_new[victim] = is_new[n - 1];
            n--;
            res->evicted++;
        }
    }

    if (changed) {
        int old = r ? r->n : 0, was_dirty = r && r->dirty;
        if (!r && n > 0) {
            r = rs_calloc(1, sizeof *r);
            r->aor = rs_strdup(aor);
            r->hash = h;
            r->next = *pp;
            *pp = r;
            atomic_fetch_add(&l->naors, 1);
        }
        if (r) {
            sip__binding_free_list(r->b, r->n);
            r->b = n ? rs_malloc((size_t)n * sizeof *r->b) : NULL;
            for (int i = 0; i < n; i++)
                r->b[i] = w[i]; /* ownership moves to the record */
            r->n = n;
            n = 0;
            if (r->n == 0) {
                *pp = r->next;
                rec_free(r);
                r = NULL;
                atomic_fetch_sub(&l->naors, 1);
            }
        }
        atomic_fetch_add(&l->nbindings, (uint64_t)(r ? r->n : 0));
        atomic_fetch_sub(&l->nbindings, (uint64_t)old);
        if (!(was_dirty && !r)) /* a freed dirty record's AoR is already queued */
            mark_dirty(l, h % LOC_LOCKS, r, aor);
        note_expiry(l, h % LOC_LOCKS, r);
    }
    for (int i = 0; i < n; i++)
        binding_clear(&w[i]);
    if (r && r->n) {
        res->list = rs_malloc((size_t)r->n * sizeof *res->list);
        for (int i = 0; i < r->n; i++)
            binding_copy(&res->list[i], &r->b[i]);
        res->nlist = r->n;
    }
    pthread_mutex_unlock(lk);
    return;

out_of_order:
    for (int i = 0; i < n; i++)
        binding_clear(&w[i]);
    res->status = 400;
    res->reason = "Invalid CSeq";
    pthread_mutex_unlock(lk);
}

void sip__reg_result_free(sip__reg_result *r)
{
    sip__binding_free_list(r->list, r->nlist);
    r->list = NULL;
    r->nlist = 0;
}

int sip__loc_get(sip__loc *l, const char *aor, int64_t now, sip__binding **out_list)
{
    uint64_t h = fnv1a(aor);
    pthread_mutex_t *lk = &l->locks[h % LOC_LOCKS];
    int n = 0;
    *out_list = NULL;
    pthread_mutex_lock(lk);
    loc_rec *r = *rec_find(l, aor, h);
    if (r && r->n) {
        *out_list = rs_malloc((size_t)r->n * sizeof **out_list);
        for (int i = 0; i < r->n; i++)
            if (r->b[i].expires_at > now)
                binding_copy(&(*out_list)[n++], &r->b[i]);
    }
    pthread_mutex_unlock(lk);
    return n;
}

void sip__loc_drop(sip__loc *l, const char *aor)
{
    uint64_t h = fnv1a(aor);
    pthread_mutex_t *lk = &l->locks[h % LOC_LOCKS];
    pthread_mutex_lock(lk);
    loc_rec **pp = rec_find(l, aor, h), *r = *pp;
    if (r) {
        *pp = r->next;
        atomic_fetch_sub(&l->nbindings, (uint64_t)r->n);
        atomic_fetch_sub(&l->naors, 1);
        if (!r->dirty) /* the removal must reach the saved copy too */
            mark_dirty(l, h % LOC_LOCKS, NULL, aor);
        rec_free(r);
    }
    pthread_mutex_unlock(lk);
}

void sip__loc_sweep(sip__loc *l, int64_t now)
{
    for (size_t s = 0; s < LOC_LOCKS; s++) {
        pthread_mutex_lock(&l->locks[s]);
        if (now < l->next_exp[s]) { /* nothing in this stripe can have expired */
            pthread_mutex_unlock(&l->locks[s]);
            continue;
        }
        l->next_exp[s] = INT64_MAX;
        for (size_t i = s; i < LOC_BUCKETS; i += LOC_LOCKS) {
            loc_rec **pp = &l->buckets[i];
            while (*pp) {
                loc_rec *r = *pp;
                rec_expire(l, r, now);
                if (r->n == 0) {
                    *pp = r->next;
                    if (!r->dirty) /* the saved copy goes too */
                        mark_dirty(l, s, NULL, r->aor);
                    rec_free(r);
                    atomic_fetch_sub(&l->naors, 1);
                } else {
                    note_expiry(l, s, r);
                    pp = &r->next;
                }
            }
        }
        pthread_mutex_unlock(&l->locks[s]);
    }
}

void sip__loc_count(sip__loc *l, uint64_t *bindings, uint64_t *aors)
{
    *bindings = atomic_load(&l->nbindings);
    *aors = atomic_load(&l->naors);
}

/* One AoR's saved form taken for the persister. */
typedef struct loc_snap {
    char *aor;
    unsigned char *rec; /* malloc'd, NULL: delete */
    size_t len;
} loc_snap;

size_t sip__loc_take_dirty(sip__loc *l, sip__loc_encode_cb enc, sip__loc_emit_cb emit, void *ud)
{
    size_t total = 0;
    for (size_t s = 0; s < LOC_LOCKS; s++) {
        pthread_mutex_lock(&l->locks[s]);
        loc_dirty d = l->dirty[s];
        memset(&l->dirty[s], 0, sizeof l->dirty[s]);
        loc_snap *snap = d.n ? rs_calloc(d.n, sizeof *snap) : NULL;
        for (size_t k = 0; k < d.n; k++) {
            snap[k].aor = d.v[k]; /* ownership moves to the snapshot */
            loc_rec *r = *rec_find(l, d.v[k], fnv1a(d.v[k]));
            if (r)
                r->dirty = 0;
            snap[k].rec = enc(ud, r ? r->b : NULL, r ? r->n : 0, &snap[k].len);
        }
        pthread_mutex_unlock(&l->locks[s]);
        /* emit runs without any lock held */
        for (size_t k = 0; k < d.n; k++) {
            emit(ud, snap[k].aor, snap[k].rec, snap[k].rec ? snap[k].len : 0);
            free(snap[k].rec);
            free(snap[k].aor);
        }
        free(snap);
        free(d.v);
        total += d.n;
    }
    return total;
}

void sip__loc_load(sip__loc *l, const char *aor, const sip__binding *b, int n, int64_t now,
                   int max_contacts)
{
    uint64_t h = fnv1a(aor);
    pthread_mutex_t *lk = &l->locks[h % LOC_LOCKS];
    pthread_mutex_lock(lk);
    loc_rec **pp = rec_find(l, aor, h), *r = *pp;
    if (!r) {
        r = rs_calloc(1, sizeof *r);
        r->aor = rs_strdup(aor);
        r->hash = h;
        r->next = *pp;
        *pp = r;
        atomic_fetch_add(&l->naors, 1);
    }
    for (int i = 0; i < n && r->n < max_contacts; i++) {
        if (b[i].expires_at <= now || !b[i].uri || !b[i].call_id)
            continue;
        r->b = rs_realloc(r->b, (size_t)(r->n + 1) * sizeof *r->b);
        binding_copy(&r->b[r->n++], &b[i]);
        atomic_fetch_add(&l->nbindings, 1);
    }
    note_expiry(l, h % LOC_LOCKS, r);
    if (r->n == 0) {
        *pp = r->next;
        rec_free(r);
        atomic_fetch_sub(&l->naors, 1);
    }
    pthread_mutex_unlock(lk);
}

void sip__loc_pool_counts(sip__loc *l, int64_t now, int pool, uint64_t *bindings, uint64_t *aors)
{
    *bindings = *aors = 0;
    for (size_t s = 0; s < LOC_LOCKS; s++) {
        pthread_mutex_lock(&l->locks[s]);
        for (size_t i = s; i < LOC_BUCKETS; i += LOC_LOCKS)
            for (loc_rec *r = l->buckets[i]; r; r = r->next) {
                uint64_t nb = 0;
                for (int k = 0; k < r->n; k++)
                    nb += r->b[k].pool == pool && r->b[k].expires_at > now;
                *bindings += nb;
                *aors += nb > 0;
            }
        pthread_mutex_unlock(&l->locks[s]);
    }
}
