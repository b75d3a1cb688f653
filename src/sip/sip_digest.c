/* sip_digest.c - digest arithmetic (RFC 7616 §3.4.1, RFC 8760) and stateless
 * nonces with nonce-count tracking (reliability.md §4.1).
 *
 * Nonce = base64url(ts[8] || seq[8] || random[4] || HMAC-SHA256(secret,
 * ts||seq||random||R-URI||Call-ID||source IP)[0..16]): it proves its origin,
 * its age and the request it was issued for (Kamailio auth_checks_register
 * 11). `seq` indexes a ring of one-byte counters holding the highest nc seen
 * per nonce (Kamailio nc_array): a nonce whose slot was reused by a later
 * challenge, or whose nc passes 255, is answered stale=true. */
#include "sip_int.h"

#include <gnutls/crypto.h>
#include <stdlib.h>
#include <string.h>

size_t sip_digest_hexlen(sip_digest_alg alg)
{
    return alg == SIP_DIGEST_SHA256 ? 64 : 32;
}

void sip_digest_hash(sip_digest_alg alg, const void *data, size_t len, char *out)
{
    if (alg == SIP_DIGEST_SHA256)
        rs_sha256_hex(data, len, out);
    else
        rs_md5_hex(data, len, out);
}

/* H(p0:p1:...:pn-1) into out; parts borrowed. */
static void hash_join(sip_digest_alg alg, char *out, int n, const char *const *parts)
{
    char stack[1024];
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += strlen(parts[i]) + 1;
    char *b = total <= sizeof stack ? stack : rs_malloc(total);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(parts[i]);
        memcpy(b + o, parts[i], l);
        o += l;
        if (i + 1 < n)
            b[o++] = ':';
    }
    sip_digest_hash(alg, b, o, out);
    rs_wipe(b, o);
    if (b != stack)
        free(b);
}

void sip_digest_ha1(sip_digest_alg alg, const char *username, const char *realm,
                    const char *password, char *out)
{
    const char *parts[] = {username, realm, password};
    hash_join(alg, out, 3, parts);
}

void sip_digest_response(sip_digest_alg alg, const char *ha1, const char *nonce, const char *nc,
                         const char *cnonce, const char *qop, const char *method, const char *uri,
                         char *out)
{
    char ha2[65];
    const char *a2[] = {method, uri};
    hash_join(alg, ha2, 2, a2);
    if (qop) {
        const char *parts[] = {ha1, nonce, nc, cnonce, qop, ha2};
        hash_join(alg, out, 6, parts);
    } else {
        const char *parts[] = {ha1, nonce, ha2};
        hash_join(alg, out, 3, parts);
    }
}

/* ---- nonces ---- */

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void nonce_mac(const sip_core *c, const unsigned char *head, sip_str ruri, sip_str call_id,
                      const char *src_ip, unsigned char mac[32])
{
    char stack[1024];
    size_t ipl = strlen(src_ip), total = 20 + ruri.len + 1 + call_id.len + 1 + ipl;
    char *b = total <= sizeof stack ? stack : rs_malloc(total);
    size_t o = 0;
    memcpy(b, head, 20);
    o = 20;
    memcpy(b + o, ruri.s, ruri.len);
    o += ruri.len;
    b[o++] = '\0';
    memcpy(b + o, call_id.s, call_id.len);
    o += call_id.len;
    b[o++] = '\0';
    memcpy(b + o, src_ip, ipl);
    o += ipl;
    rs_hmac_sign(c->nonce_key, b, o, mac);
    if (b != stack)
        free(b);
}

void sip__nonce_make(sip_core *c, sip_str ruri, sip_str call_id, const char *src_ip, char *out)
{
    unsigned char raw[SIP_NONCE_RAW], mac[32];
    uint64_t seq = atomic_fetch_add(&c->nonce_seq, 1);
    atomic_store_explicit(&c->nc[seq % c->nc_slots], 0, memory_order_relaxed);
    put_be64(raw, (uint64_t)(sip__now_wall_ms(c) / 1000));
    put_be64(raw + 8, seq);
    /* nonce-grade randomness: GnuTLS's cheaper generator (the MAC carries the proof) */
    if (gnutls_rnd(GNUTLS_RND_NONCE, raw + 16, 4) != 0)
        rs_random(raw + 16, 4);
    nonce_mac(c, raw, ruri, call_id, src_ip, mac);
    memcpy(raw + 20, mac, 16);
    rs_base64url(raw, sizeof raw, out);
}

static int b64val(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-')
        return 62;
    if (ch == '_')
        return 63;
    return -1;
}

sip_nonce_check sip__nonce_verify(sip_core *c, sip_str nonce, sip_str ruri, sip_str call_id,
                                  const char *src_ip, uint64_t *out_seq)
{
    unsigned char raw[SIP_NONCE_RAW], mac[32];
    if (nonce.len != SIP_NONCE_LEN)
        return SIP_NONCE_BAD;
    for (size_t i = 0, o = 0; i < nonce.len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            if ((v[k] = b64val((unsigned char)nonce.s[i + (size_t)k])) < 0)
                return SIP_NONCE_BAD;
        unsigned w =
            (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
        raw[o++] = (unsigned char)(w >> 16);
        raw[o++] = (unsigned char)(w >> 8);
        raw[o++] = (unsigned char)w;
    }
    nonce_mac(c, raw, ruri, call_id, src_ip, mac);
    if (!rs_ct_equal(mac, raw + 20, 16))
        return SIP_NONCE_BAD;
    int64_t ts = (int64_t)get_be64(raw), now = sip__now_wall_ms(c) / 1000;
    *out_seq = get_be64(raw + 8);
    if (ts > now + 3) /* from the future beyond Kamailio's nonce_auth_max_drift */
        return SIP_NONCE_BAD;
    if (now - ts > c->nonce_lifetime_s)
        return SIP_NONCE_EXPIRED;
    return SIP_NONCE_OK;
}

sip_nonce_check sip__nonce_count(sip_core *c, uint64_t seq, uint32_t nc)
{
    uint64_t next = atomic_load(&c->nonce_seq);
    if (seq >= next || next - seq > c->nc_slots)
        return SIP_NONCE_SLOT;
    if (nc == 0)
        return SIP_NONCE_REPLAY;
    if (nc > 255)
        return SIP_NONCE_SLOT;
    _Atomic uint8_t *slot = &c->nc[seq % c->nc_slots];
    uint8_t old = atomic_load(slot);
    do {
        if (nc <= old)
            return SIP_NONCE_REPLAY;
    } while (!atomic_compare_exchange_weak(slot, &old, (uint8_t)nc));
    return SIP_NONCE_OK;
}
