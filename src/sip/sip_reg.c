/* sip_reg.c - REGISTER: RFC 3261 §10.3 in sign-in.md §4 order, with digest
 * authentication (RFC 7616/8760, sign-in.md §5), the account gates (§1),
 * the home-pool redirect (§3) and the completed-transaction cache.
 * Design: docs/internals/sip.md. */
#include "sip_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SIP_AOR_MAX_CONTACTS = 10 };

static const char *const transport_names[] = {"udp", "tcp", "tls"};

/* Request-URI step 1: a served domain, a pool FQDN or a listen address. */
static int ruri_is_ours(sip_core *c, const sip_msg *m, const sip_recv_info *ri)
{
    const sip_uri *u = &m->ruri;
    char host[300];
    if (u->host.len >= sizeof host)
        return 0;
    for (size_t i = 0; i < u->host.len; i++)
        host[i] = (char)tolower((unsigned char)u->host.s[i]);
    host[u->host.len] = '\0';
    for (int i = 0; i < c->npools; i++) {
        if (strcmp(host, c->pools[i].fqdn) == 0)
            return 1;
        for (int a = 0; a < c->pools[i].naddrs; a++)
            if (strcmp(host, c->pools[i].addrs[a]) == 0 &&
                (u->port < 0 || u->port == c->pools[i].udp_port || u->port == ri->local_port))
                return 1;
    }
    if (u->host_ipv6)
        return 0;
    return c->prov.domain_served(c->prov.ud, host) ? 1 : 0;
}

static void challenge(sip_core *c, const sip_msg *m, const sip_recv_info *ri, const char *realm,
                      int stale, sip_reply *out)
{
    char nonce[SIP_NONCE_LEN + 1];
    sip__nonce_make(c, m->ruri_raw, m->call_id, ri->src_ip, nonce);
    sip__resp_begin(c, m, ri, 401, "Unauthorized", out);
    for (int i = 0; i < c->nalgs; i++) {
        rs_buf_puts(&out->data, "WWW-Authenticate: Digest realm=\"");
        rs_buf_puts(&out->data, realm);
        rs_buf_puts(&out->data, "\", nonce=\"");
        rs_buf_append(&out->data, nonce, SIP_NONCE_LEN);
        rs_buf_puts(&out->data, c->algs[i] == SIP_DIGEST_SHA256
                                    ? "\", qop=\"auth\", algorithm=SHA-256"
                                    : "\", qop=\"auth\", algorithm=MD5");
        rs_buf_puts(&out->data, stale ? ", stale=true\r\n" : "\r\n");
    }
    sip__resp_end(out);
    atomic_fetch_add(&c->st.challenges, 1);
}

static void reply(sip_core *c, const sip_msg *m, const sip_recv_info *ri, int code,
                  const char *reason, sip_reply *out)
{
    sip__resp_begin(c, m, ri, code, reason, out);
    sip__resp_end(out);
}

/* Pick the digest credentials: the first whose realm is ours, else the first
 * digest one. NULL when there is none (no or unknown schemes). */
static const sip_auth *pick_auth(const sip_msg *m, const char *realm)
{
    const sip_auth *first = NULL;
    for (int i = 0; i < m->nauth; i++) {
        const sip_auth *a = &m->auth[i];
        if (!a->is_digest)
            continue;
        if (!first)
            first = a;
        if (a->realm.len && sip__str_ieq(a->realm, realm))
            return a;
    }
    return first;
}

static int parse_nc(sip_str nc, uint32_t *out)
{
    uint32_t v = 0;
    if (nc.len != 8)
        return 0;
    for (size_t i = 0; i < 8; i++) {
        if (!sip__is((unsigned char)nc.s[i], SIP_C_HEX))
            return 0;
        v = v << 4 | (uint32_t)sip__hexval((unsigned char)nc.s[i]);
    }
    *out = v;
    return 1;
}

static int supports_outbound(const sip_msg *m)
{
    for (int i = 0; i < m->nhdrs; i++) {
        if (m->hdrs[i].id != SIP_HDR_SUPPORTED)
            continue;
        sip_str rest = m->hdrs[i].value, tok;
        while (sip_token_next(&rest, &tok))
            if (sip__str_ieq(tok, "outbound"))
                return 1;
    }
    return 0;
}

/* RFC 1123 date for the Date header (C locale names). */
static void http_date_fmt(int64_t ms, char *out, size_t outsz)
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
             mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The same, formatted once per second and thread (every 200 OK carries one). */
static const char *http_date(int64_t ms)
{
    static _Thread_local int64_t sec = INT64_MIN;
    static _Thread_local char text[64];
    int64_t s = ms / 1000;
    if (s != sec) {
        http_date_fmt(ms, text, sizeof text);
        sec = s;
    }
    return text;
}

/* Decimal text of v (>= 0) appended to b. */
static void put_int(rs_buf *b, int v)
{
    char tmp[16];
    int n = 0;
    unsigned u = v < 0 ? 0 : (unsigned)v;
    do
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    rs_buf_append(b, tmp + sizeof tmp - n, (size_t)n);
}

static int pool_index_of(const sip_core *c, const char *fqdn)
{
    for (int i = 0; i < c->npools; i++)
        if (rs_streq_ci(c->pools[i].fqdn, fqdn))
            return i;
    return -1;
}

/* Port of pool i for transport t (the one the server bound), else fallback. */
static int pool_port(const sip_core *c, int i, sip_transport t, int fallback)
{
    int p = i < 0                    ? 0
            : t == SIP_TRANSPORT_UDP ? c->pools[i].udp_port
            : t == SIP_TRANSPORT_TCP ? c->pools[i].tcp_port
                                     : c->pools[i].tls_port;
    return p > 0 ? p : fallback;
}

static void redirect(sip_core *c, const sip_msg *m, const sip_recv_info *ri, const char *home,
                     sip_reply *out)
{
    int hp = pool_index_of(c, home);
    int port = pool_port(c, hp, ri->transport, ri->local_port);
    const char *tr = transport_names[ri->transport <= SIP_TRANSPORT_TLS ? ri->transport : 0];
    char *lhome = rs_lower_dup(home);
    sip__resp_begin(c, m, ri, 301, "Redirect request to Home Server", out);
    rs_buf_printf(&out->data, "Contact: <sip:%s:%d;transport=%s>;q=0.7\r\n", lhome, port, tr);
    if (hp >= 0 && c->pools[hp].backup) {
        /* the backup's own port for this transport when it is one of our
         * pools (pools may share an address on different ports), else the home's */
        int bport = pool_port(c, pool_index_of(c, c->pools[hp].backup), ri->transport, port);
        rs_buf_printf(&out->data, "Contact: <sip:%s:%d;transport=%s>;q=0.3\r\n",
                      c->pools[hp].backup, bport, tr);
    }
    sip__resp_end(out);
    free(lhome);
    atomic_fetch_add(&c->st.redirects, 1);
}

/* Registrar steps 6-8 for an authenticated, authorised request. */
static void registrar(sip_core *c, const sip_msg *m, const sip_recv_info *ri, const char *aor,
                      const sip_account *acct, const char *realm, const char *username,
                      sip_reply *out)
{
    if (m->contact_total > SIP_AOR_MAX_CONTACTS) {
        reply(c, m, ri, 403, "Too Many Contacts", out);
        return;
    }
    if (m->contact_star && (m->contact_total != 1 || m->expires != 0)) {
        reply(c, m, ri, 400, "Invalid Contact *", out);
        return;
    }
    sip__reg_change ch[SIP_MAX_CONTACTS];
    int nch = 0, outbound_ok = supports_outbound(m);
    for (int i = 0; i < m->ncontacts; i++) {
        const sip_contact *ct = &m->contacts[i];
        int64_t e = ct->expires >= 0  ? ct->expires
                    : m->expires >= 0 ? m->expires
                                      : c->default_expires;
        if (e > c->max_expires)
            e = c->max_expires;
        if (e > 0 && e < c->min_expires) {
            sip__resp_begin(c, m, ri, 423, "Interval Too Brief", out);
            rs_buf_printf(&out->data, "Min-Expires: %d\r\n", c->min_expires);
            sip__resp_end(out);
            return;
        }
        ch[nch].ct = ct;
        ch[nch].expires_s = e;
        ch[nch].use_reg_id = outbound_ok && ct->reg_id > 0 && ct->instance.len > 0;
        nch++;
    }
    int64_t now = sip__now_mono_ms(c);
    sip__reg_result res;
    sip__loc_apply(c->loc, aor, m->contact_star, ch, nch, m->call_id, m->cseq, ri->pool_index, ri,
                   now, SIP_AOR_MAX_CONTACTS, &res);
    if (res.status != 200) {
        reply(c, m, ri, res.status, res.reason, out);
        sip__reg_result_free(&res);
        return;
    }
    for (int i = 0; i < res.evicted; i++) {
        atomic_fetch_add(&c->st.bindings_evicted, 1);
        sip__seclog(c, "info", "sip.binding.evicted", ri, "max_contacts", acct->tenant_id, realm,
                    username);
    }
    sip__resp_begin(c, m, ri, 200, "OK", out);
    for (int i = 0; i < res.nlist; i++) {
        const sip__binding *b = &res.list[i];
        int left = (int)((b->expires_at - now + 999) / 1000);
        rs_buf_puts(&out->data, "Contact: <");
        rs_buf_puts(&out->data, b->uri);
        rs_buf_puts(&out->data, ">;expires=");
        put_int(&out->data, left);
        if (b->q >= 0)
            rs_buf_printf(&out->data, ";q=%d.%03d", b->q / 1000, b->q % 1000);
        if (b->instance)
            rs_buf_printf(&out->data, ";+sip.instance=\"%s\"", b->instance);
        if (b->reg_id > 0) {
            rs_buf_puts(&out->data, ";reg-id=");
            put_int(&out->data, b->reg_id);
        }
        rs_buf_puts(&out->data, "\r\n");
    }
    rs_buf_puts(&out->data, "Date: ");
    rs_buf_puts(&out->data, http_date(sip__now_wall_ms(c)));
    rs_buf_puts(&out->data, "\r\n");
    if (res.outbound)
        rs_buf_puts(&out->data, "Require: outbound\r\n");
    rs_buf_puts(&out->data, "Supported: outbound\r\n");
    sip__resp_end(out);
    sip__reg_result_free(&res);
}

/* Steps 3 (digest verification), gates G1-G7, G8 and the registrar, with
 * the same work whether or not the account exists. `a` has every required
 * parameter. Returns 1 when the digest was accepted (the answer is then
 * cacheable). The account copy, which holds HA1s, is wiped before return. */
static int verify(sip_core *c, const sip_msg *m, const sip_recv_info *ri, const sip_auth *a,
                  const char *aor, const char *realm, const char *username, sip_digest_alg alg,
                  int has_qop, uint32_t nc, sip_reply *out)
{
    int accepted = 0;
    sip_account acct;
    char ha1l[65];
    memset(&acct, 0, sizeof acct);
    c->prov.lookup(c->prov.ud, aor, username, realm, &acct);
    acct.ha1_md5[32] = '\0';
    acct.ha1_sha256[64] = '\0';
    acct.tenant_id[36] = '\0';
    acct.user_id[36] = '\0';
    acct.home_pool[255] = '\0';
    const char *ha1 = alg == SIP_DIGEST_SHA256 ? acct.ha1_sha256 : acct.ha1_md5;
    size_t hl = sip_digest_hexlen(alg);
    int real = acct.known && strlen(ha1) == hl && sip__str_ieq(a->realm, realm);
    for (size_t i = 0; i < hl; i++)
        ha1l[i] = (char)tolower((unsigned char)(real ? ha1 : c->dummy_ha1[alg])[i]);
    ha1l[hl] = '\0';
    char expect[65], got[65];
    sip_digest_response(alg, ha1l, a->nonce.s, a->nc.s ? a->nc.s : "",
                        a->cnonce.s ? a->cnonce.s : "", has_qop ? "auth" : NULL, "REGISTER",
                        a->uri.s, expect);
    memset(got, 0, sizeof got);
    for (size_t i = 0; i < hl && i < a->response.len; i++)
        got[i] = (char)tolower((unsigned char)a->response.s[i]);
    uint64_t seq = 0;
    sip_nonce_check nv = sip__nonce_verify(c, a->nonce, m->ruri_raw, m->call_id, ri->src_ip, &seq);
    int match = rs_ct_equal(expect, got, hl) & (a->response.len == hl);
    int qop_ok = has_qop && sip__str_ieq(a->qop, "auth");
    if (!(match && real && qop_ok)) {
        const char *why = acct.known ? "bad_response" : "unknown_user";
        sip__seclog(c, "warning", "sip.auth.failed", ri, why, acct.tenant_id, realm, username);
        atomic_fetch_add(&c->st.auth_failed, 1);
        if (c->prov.auth_failed)
            c->prov.auth_failed(c->prov.ud, aor, ri->src_ip);
        challenge(c, m, ri, realm, 0, out);
        goto out;
    }
    /* the response is right: now the nonce must be fresh and its nc new */
    if (nv == SIP_NONCE_OK)
        nv = sip__nonce_count(c, seq, nc);
    if (nv != SIP_NONCE_OK) {
        int replay = nv == SIP_NONCE_REPLAY;
        sip__seclog(c, replay ? "warning" : "info", "sip.auth.failed", ri,
                    replay ? "replay" : "stale", acct.tenant_id, realm, username);
        atomic_fetch_add(replay ? &c->st.replay : &c->st.stale, 1);
        challenge(c, m, ri, realm, 1, out);
        goto out;
    }
    /* gate G5 (smart lockout) after the others, which need no lookup */
    if (!acct.refusal && c->prov.locked && c->prov.locked(c->prov.ud, acct.user_id, ri->src_ip))
        acct.refusal = "locked";
    /* gates G1-G7: refused exactly like a wrong password; the account's
     * bindings go (disabled, expired, locked... it must not stay reachable) */
    if (acct.refusal) {
        sip_core_drop(c, aor);
        sip__seclog(c, "warning", "sip.auth.refused", ri, acct.refusal, acct.tenant_id, realm,
                    username);
        atomic_fetch_add(&c->st.auth_refused, 1);
        challenge(c, m, ri, realm, 0, out);
        goto out;
    }
    atomic_fetch_add(&c->st.auth_ok, 1);
    /* G8: home pool */
    if (acct.home_pool[0] && !(ri->pool_index >= 0 && ri->pool_index < c->npools &&
                               rs_streq_ci(acct.home_pool, c->pools[ri->pool_index].fqdn)))
        redirect(c, m, ri, acct.home_pool, out);
    else
        registrar(c, m, ri, aor, &acct, realm, username, out);
    accepted = 1;
out:
    rs_wipe(&acct, sizeof acct);
    rs_wipe(ha1l, sizeof ha1l);
    return accepted;
}

/* Decimal digits of v at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_view(char *p, sip_str v)
{
    if (v.len)
        memcpy(p, v.s, v.len);
    return p + v.len;
}

/* Room tx_key() needs for m and ri. */
static size_t tx_key_size(const sip_msg *m, const sip_recv_info *ri)
{
    return m->vias[0].raw.len + m->call_id.len + m->method.len + m->from.tag.len +
           strlen(ri->src_ip) + 80;
}

/* Transaction key of a request (RFC 3261 §17.2.3, with the RFC 2543 fields
 * for branches without the magic cookie) plus its source, written to k
 * (tx_key_size() bytes); returns its length. */
static size_t tx_key(const sip_msg *m, const sip_recv_info *ri, char *k)
{
    char *p = put_view(k, m->vias[0].raw);
    *p++ = '\n';
    p = put_view(p, m->call_id);
    *p++ = '\n';
    p = put_u64(p, m->cseq);
    *p++ = ' ';
    p = put_view(p, m->method);
    *p++ = '\n';
    p = put_view(p, m->from.tag);
    *p++ = '\n';
    size_t ipl = strlen(ri->src_ip);
    memcpy(p, ri->src_ip, ipl);
    p += ipl;
    *p++ = '\n';
    p = put_u64(p, (uint64_t)(unsigned)ri->src_port);
    *p++ = '\n';
    p = put_u64(p, (uint64_t)ri->transport);
    return (size_t)(p - k);
}

void sip__handle_register(sip_core *c, const sip_msg *m, const sip_recv_info *ri, sip_reply *out)
{
    /* step 1: Request-URI */
    if (!ruri_is_ours(c, m, ri)) {
        reply(c, m, ri, 403, "Not my domain", out);
        return;
    }
    /* the AoR is the To URI; it must be a SIP URI (RFC 3261 §10.3 step 5) */
    if (m->to.uri.scheme == SIP_SCHEME_OTHER || !m->to.uri.host.len) {
        reply(c, m, ri, 404, "Not Found", out);
        return;
    }
    char aor[512], realm[300];
    if (sip_uri_aor(&m->to.uri, aor, sizeof aor) >= sizeof aor ||
        m->to.uri.host.len >= sizeof realm) {
        reply(c, m, ri, 400, "Address Too Long", out);
        return;
    }
    for (size_t i = 0; i < m->to.uri.host.len; i++)
        realm[i] = (char)tolower((unsigned char)m->to.uri.host.s[i]);
    realm[m->to.uri.host.len] = '\0';

    /* step 3: authenticate */
    const sip_auth *a = pick_auth(m, realm);
    char kstack[1024];
    size_t ksize = tx_key_size(m, ri);
    char *key = ksize <= sizeof kstack ? kstack : rs_malloc(ksize);
    size_t klen = tx_key(m, ri, key);
    if (!a) {
        /* UDP: a retransmitted first REGISTER gets the very same challenge
         * (same nonce), so a client that already answered the first copy
         * sees a retransmission, not a new challenge, and no second nonce
         * is issued for one transaction */
        int claim = ri->transport == SIP_TRANSPORT_UDP
                        ? sip__txc_claim(c->txc, key, klen, sip__now_mono_ms(c), out)
                        : 0;
        if (claim > 0) {
            atomic_fetch_add(&c->st.cache_hits, 1);
            out->from_cache = 1;
        } else if (claim < 0) {
            out->status = 0;
            rs_buf_reset(&out->data);
        } else {
            challenge(c, m, ri, realm, 0, out);
            if (ri->transport == SIP_TRANSPORT_UDP) {
                sip__txc_put(c->txc, key, klen, sip__now_mono_ms(c) + c->tx_lifetime_ms, out);
                sip__txc_release(c->txc, key, klen);
            }
        }
        if (key != kstack)
            free(key);
        return;
    }
    /* UDP: a retransmission is answered from the cache, or dropped while
     * another receive thread still works on its original */
    int udp = ri->transport == SIP_TRANSPORT_UDP;
    int claim = udp ? sip__txc_claim(c->txc, key, klen, sip__now_mono_ms(c), out)
                    : sip__txc_get(c->txc, key, klen, sip__now_mono_ms(c), out);
    if (claim != 0) {
        if (claim > 0) {
            atomic_fetch_add(&c->st.cache_hits, 1);
            out->from_cache = 1;
        } else {
            out->status = 0; /* in progress elsewhere: nothing to send */
            rs_buf_reset(&out->data);
        }
        if (key != kstack)
            free(key);
        return;
    }
    const char *username = a->username.s ? a->username.s : "";
    const unsigned need = SIP_DIGEST_USERNAME | SIP_DIGEST_REALM | SIP_DIGEST_NONCE |
                          SIP_DIGEST_URI | SIP_DIGEST_RESPONSE;
    int has_qop = (a->present & SIP_DIGEST_QOP) != 0;
    uint32_t nc = 0;
    if (a->malformed || a->duplicate || (a->present & need) != need ||
        (has_qop && (!(a->present & SIP_DIGEST_CNONCE) || !(a->present & SIP_DIGEST_NC) ||
                     !parse_nc(a->nc, &nc)))) {
        sip__seclog(c, "warning", "sip.auth.failed", ri, "malformed", "", realm, username);
        atomic_fetch_add(&c->st.auth_failed, 1);
        reply(c, m, ri, 400, "Bad Authorization", out);
        goto done;
    }
    sip_digest_alg alg = SIP_DIGEST_MD5;
    int alg_ok = 1;
    if (a->present & SIP_DIGEST_ALGORITHM) {
        if (sip__str_ieq(a->algorithm, "SHA-256"))
            alg = SIP_DIGEST_SHA256;
        else if (!sip__str_ieq(a->algorithm, "MD5"))
            alg_ok = 0;
    }
    int offered = 0;
    for (int i = 0; i < c->nalgs; i++)
        offered |= c->algs[i] == alg;
    if (!alg_ok || !offered) {
        sip__seclog(c, "warning", "sip.auth.failed", ri, "malformed", "", realm, username);
        atomic_fetch_add(&c->st.auth_failed, 1);
        challenge(c, m, ri, realm, 0, out);
        goto done;
    }

    /* step 4: authorise - digest identity and From must be the To AoR */
    char ucanon[512], faor[512];
    sip_username_canon(a->username.s, a->username.len, ucanon, sizeof ucanon);
    if (strcmp(ucanon, aor) != 0 || m->from.uri.scheme == SIP_SCHEME_OTHER ||
        sip_uri_aor(&m->from.uri, faor, sizeof faor) >= sizeof faor || strcmp(faor, aor) != 0) {
        reply(c, m, ri, 403, "Forbidden", out);
        goto done;
    }

    /* digest uri must name the Request-URI (RFC 7616 §3.4.6) */
    if (a->uri.len != m->ruri_raw.len || memcmp(a->uri.s, m->ruri_raw.s, a->uri.len) != 0) {
        sip_uri du;
        if (sip_uri_parse(a->uri.s, a->uri.len, &du) != RS_OK || !sip_uri_equal(&du, &m->ruri)) {
            sip__seclog(c, "warning", "sip.auth.failed", ri, "uri_mismatch", "", realm, username);
            atomic_fetch_add(&c->st.auth_failed, 1);
            reply(c, m, ri, 400, "Digest URI Mismatch", out);
            goto done;
        }
    }

    /* verify: the same work whether the account exists or not */
    if (!verify(c, m, ri, a, aor, realm, username, alg, has_qop, nc, out))
        goto done;
    /* the authenticated leg is stateful: keep the answer for retransmissions */
    if (udp)
        sip__txc_put(c->txc, key, klen, sip__now_mono_ms(c) + c->tx_lifetime_ms, out);
done:
    if (udp)
        sip__txc_release(c->txc, key, klen);
    if (key != kstack)
        free(key);
}
