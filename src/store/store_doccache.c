/* store_doccache.c - parsed documents by (tenant, kind, id) and store
 * generation, direct-mapped. See store_doccache.h. */
#include "store_doccache.h"

#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

enum { KEY_MAX = 512 };

typedef struct slot {
    uint64_t hash;
    uint64_t gen;
    char *key; /* tenant \0 kind \0 id (keylen bytes) */
    size_t keylen;
    size_t text_len;
    json_t *doc; /* NULL: empty */
} slot;

struct store_doccache {
    slot *slots;
    size_t mask;
    size_t text_bytes;
    uint64_t hits, misses;
};

store_doccache *store_doccache_new(size_t slots)
{
    size_t n = 1;
    while (n < slots)
        n *= 2;
    store_doccache *c = rs_calloc(1, sizeof *c);
    c->slots = rs_calloc(n, sizeof *c->slots);
    c->mask = n - 1;
    return c;
}

static void slot_clear(store_doccache *c, slot *s)
{
    if (s->doc)
        c->text_bytes -= s->text_len;
    json_decref(s->doc);
    free(s->key);
    memset(s, 0, sizeof *s);
}

void store_doccache_free(store_doccache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        slot_clear(c, &c->slots[i]);
    free(c->slots);
    free(c);
}

/* The key's bytes into buf and its FNV-1a hash; 0 when too long. */
static size_t make_key(char *buf, const char *tenant, const char *kind, const char *id,
                       uint64_t *hash)
{
    const char *parts[3] = {tenant ? tenant : "", kind ? kind : "", id ? id : ""};
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(parts[i]) + 1;
        if (n + l > KEY_MAX)
            return 0;
        memcpy(buf + n, parts[i], l);
        n += l;
    }
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
    *hash = h;
    return n;
}

json_t *store_doccache_get(store_doccache *c, uint64_t changed, const char *tenant,
                           const char *kind, const char *id)
{
    char key[KEY_MAX];
    uint64_t h;
    size_t n = make_key(key, tenant, kind, id, &h);
    slot *s = n ? &c->slots[h & c->mask] : NULL;
    if (!s || !s->doc || s->gen < changed || s->hash != h || s->keylen != n ||
        memcmp(s->key, key, n) != 0) {
        c->misses++;
        return NULL;
    }
    json_t *copy = json_deep_copy(s->doc);
    if (!copy) { /* out of memory: rs_* allocators abort, jansson's do not */
        c->misses++;
        return NULL;
    }
    c->hits++;
    return copy;
}

void store_doccache_put(store_doccache *c, uint64_t gen, const char *tenant, const char *kind,
                        const char *id, json_t *doc, size_t text_len)
{
    char key[KEY_MAX];
    uint64_t h;
    size_t n = make_key(key, tenant, kind, id, &h);
    if (!n || !doc || text_len > STORE_DOCCACHE_MAX_TEXT)
        return;
    slot *s = &c->slots[h & c->mask];
    slot_clear(c, s); /* the slot's old entry goes, whatever it was */
    if (c->text_bytes + text_len > STORE_DOCCACHE_BUDGET)
        return;
    json_t *copy = json_deep_copy(doc);
    if (!copy)
        return;
    s->hash = h;
    s->gen = gen;
    s->key = rs_malloc(n);
    memcpy(s->key, key, n);
    s->keylen = n;
    s->text_len = text_len;
    s->doc = copy;
    c->text_bytes += text_len;
}

void store_doccache_counts(const store_doccache *c, uint64_t *hits, uint64_t *misses,
                           size_t *text_bytes)
{
    *hits = c->hits;
    *misses = c->misses;
    *text_bytes = c->text_bytes;
}
