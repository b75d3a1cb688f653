/* sip_core.c - the transport-free registrar core: creation, the single
 * receive entry point (method dispatch, RFC 3261 §8.2 checks), response
 * building (§8.2.6, RFC 3581) and the security log line (sign-in.md §8).
 * REGISTER itself is in sip_reg.c. Design: docs/internals/sip.md. */
#include "sip_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rs_log.h"
#include "rs_metrics.h"
#include "sip_rate.h"

int64_t sip__now_wall_ms(const sip_core *c)
{
    return c->clock_ms ? c->clock_ms(c->clock_ud) : rs_time_now_ms();
}

int64_t sip__now_mono_ms(const sip_core *c)
{
    return c->clock_ms ? c->clock_ms(c->clock_ud) : rs_time_mono_ms();
}

static char *dup_lower(const char *s)
{
    return rs_lower_dup(s);
}

/* "[::1]" -> "::1" */
static char *dup_address(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        return rs_strndup(s + 1, n - 2);
    return rs_strdup(s);
}

static rs_status parse_algorithms(sip_core *c, const char *list, rs_err *err)
{
    c->nalgs = 0;
    if (!list || !*list) {
        c->algs[0] = SIP_DIGEST_MD5;
        c->algs[1] = SIP_DIGEST_SHA256;
        c->nalgs = 2;
        return RS_OK;
    }
    sip_str rest = {list, strlen(list)}, tok;
    while (sip_token_next(&rest, &tok)) {
        sip_digest_alg a;
        if (sip__str_ieq(tok, "MD5"))
            a = SIP_DIGEST_MD5;
        else if (sip__str_ieq(tok, "SHA-256"))
            a = SIP_DIGEST_SHA256;
        else
            return rs_errf(err, RS_EINVAL, "unknown digest algorithm '%.*s' (MD5, SHA-256)",
                           (int)tok.len, tok.s);
        for (int i = 0; i < c->nalgs; i++)
            if (c->algs[i] == a)
                return rs_errf(err, RS_EINVAL, "digest algorithm listed twice");
        c->algs[c->nalgs++] = a;
    }
    if (!c->nalgs)
        return rs_errf(err, RS_EINVAL, "no digest algorithm offered");
    return RS_OK;
}

rs_status sip_core_new(const sip_settings *s, const sip_provider *p, const sip_options *o,
                       sip_core **out, rs_err *err)
{
    sip__ctype_init();
    *out = NULL;
    if (!s || !p || !p->lookup || !p->domain_served)
        return rs_errf(err, RS_EINVAL, "sip: settings and provider lookup/domain_served required");
    if (s->npools < 0 || (s->npools > 0 && !s->pools))
        return rs_errf(err, RS_EINVAL, "sip: bad pool list");
    for (int i = 0; i < s->npools; i++)
        if (!s->pools[i].fqdn || !*s->pools[i].fqdn || !s->pools[i].address ||
            s->pools[i].udp_port < 0 || s->pools[i].udp_port > 65535)
            return rs_errf(err, RS_EINVAL, "sip: pool %d needs fqdn, address and a port", i);
    sip_options none = {0};
    if (!o)
        o = &none;
    sip__rate *rate = NULL;
    sip__rate_conf rc = {.requests = o->rate_limit_requests,
                         .window_s = o->rate_limit_window_s,
                         .ban_s = o->ban_seconds,
                         .fail_threshold = o->failure_ban_threshold,
                         .fail_window_s = o->failure_window_s,
                         .sources = o->rate_limit_sources,
                         .exempt = o->rate_limit_exempt};
    if (sip__rate_new(&rc, &rate, err) != RS_OK)
        return RS_EINVAL;
    sip_core *c = rs_calloc(1, sizeof *c);
    c->rate = rate;
    c->nonce_lifetime_s = s->nonce_lifetime_s > 0 ? s->nonce_lifetime_s : 300;
    c->min_expires = s->min_expires > 0 ? s->min_expires : 60;
    c->max_expires = s->max_expires > 0 ? s->max_expires : 3600;
    c->default_expires = s->default_expires > 0 ? s->default_expires : 3600;
    if (c->min_expires > c->max_expires || c->default_expires > c->max_expires ||
        c->default_expires < c->min_expires) {
        sip__rate_free(c->rate);
        free(c);
        return rs_errf(err, RS_EINVAL, "sip: need min_expires <= default_expires <= max_expires");
    }
    rs_status st = parse_algorithms(c, o->algorithms, err);
    if (st != RS_OK) {
        sip__rate_free(c->rate);
        free(c);
        return st;
    }
    c->npools = s->npools;
    c->pools = rs_calloc((size_t)(s->npools ? s->npools : 1), sizeof *c->pools);
    c->pst = rs_calloc((size_t)(s->npools ? s->npools : 1), sizeof *c->pst);
    for (int i = 0; i < s->npools; i++) {
        c->pools[i].fqdn = dup_lower(s->pools[i].fqdn);
        c->pools[i].address = dup_address(s->pools[i].address);
        rs_lower(c->pools[i].address);
        /* a Request-URI may name any of the pool's addresses */
        c->pools[i].addrs = rs_calloc(SIP__MAX_ADDRS, sizeof *c->pools[i].addrs);
        c->pools[i].naddrs = sip__split_addresses(c->pools[i].address, c->pools[i].addrs);
        if (c->pools[i].naddrs == 0) { /* not a list of literals: keep it as one name */
            snprintf(c->pools[i].addrs[0], sizeof c->pools[i].addrs[0], "%s", c->pools[i].address);
            c->pools[i].naddrs = 1;
        }
        c->pools[i].backup = s->pools[i].backup_fqdn && *s->pools[i].backup_fqdn
                                 ? dup_lower(s->pools[i].backup_fqdn)
                                 : NULL;
        c->pools[i].udp_port = s->pools[i].udp_port;
    }
    c->prov = *p;
    if (o->secret && o->secret_len)
        rs_sha256(o->secret, o->secret_len, c->secret);
    else
        rs_random(c->secret, sizeof c->secret);
    c->nonce_key = rs_hmac_new(c->secret, sizeof c->secret);
    if (!c->nonce_key) {
        sip_core_free(c);
        return rs_errf(err, RS_EINTERNAL, "sip: cannot set up the nonce HMAC key");
    }
    memcpy(&c->tag_seed, c->secret + 24, sizeof c->tag_seed);
    if (o->log_key && o->log_key_len)
        rs_sha256(o->log_key, o->log_key_len, c->log_key);
    else
        rs_hmac_sha256(c->secret, sizeof c->secret, "user_hmac", 9, c->log_key);
    for (int a = 0; a < 2; a++) {
        unsigned char r[32];
        rs_random(r, sizeof r);
        sip_digest_hash((sip_digest_alg)a, r, sizeof r, c->dummy_ha1[a]);
    }
    c->clock_ms = o->clock_ms;
    c->clock_ud = o->clock_ud;
    c->logfn = o->security_log;
    c->log_ud = o->security_log_ud;
    c->tx_lifetime_ms = o->tx_lifetime_ms > 0 ? o->tx_lifetime_ms : 32000;
    c->nc_slots = o->nc_slots ? o->nc_slots : 4194304;
    c->nc = rs_calloc(c->nc_slots, sizeof *c->nc);
    uint64_t seq0;
    rs_random(&seq0, sizeof seq0);
    atomic_init(&c->nonce_seq, (seq0 & 0x3fffffffffffffffULL) + c->nc_slots);
    c->loc = sip__loc_new();
    c->txc = sip__txc_new(o->tx_cache_bytes ? o->tx_cache_bytes : (size_t)64 << 20);
    c->persist_final = o->persist_final;
    c->persist_ud = o->persist_ud;
    if (o->persist_load || o->persist_final)
        sip__loc_track(c->loc);
    if (o->persist_load)
        o->persist_load(o->persist_ud, c);
    *out = c;
    return RS_OK;
}

void sip_core_free(sip_core *c)
{
    if (!c)
        return;
    if (c->persist_final)
        c->persist_final(c->persist_ud, c);
    for (int i = 0; i < c->npools; i++) {
        free(c->pools[i].fqdn);
        free(c->pools[i].address);
        free(c->pools[i].addrs);
        free(c->pools[i].backup);
    }
    free(c->pools);
    free(c->pst);
    free((void *)c->nc);
    sip__loc_free(c->loc);
    sip__txc_free(c->txc);
    sip__rate_free(c->rate);
    rs_hmac_free(c->nonce_key);
    rs_wipe(c->secret, sizeof c->secret);
    rs_wipe(c->log_key, sizeof c->log_key);
    free(c);
}

void sip_core_set_pool_port(sip_core *c, int pool_index, int port)
{
    if (pool_index >= 0 && pool_index < c->npools)
        c->pools[pool_index].udp_port = port;
}

void sip_reply_free(sip_reply *r)
{
    if (r)
        rs_buf_free(&r->data);
}

/* ---- responses ---- */

/* Decimal text of v (>= 0) appended to b (no printf on the hot path). */
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

/* Append a raw header value, turning stray CRs into spaces. */
static void put_value(rs_buf *b, sip_str v)
{
    size_t start = b->len;
    sip__buf_put(b, v);
    for (size_t i = start; i < b->len; i++)
        if (b->data[i] == '\r' || b->data[i] == '\n')
            b->data[i] = ' ';
}

static void put_top_via(rs_buf *b, const sip_via *v, const sip_recv_info *ri)
{
    rs_buf_puts(b, "Via: SIP/");
    sip__buf_put(b, v->version);
    rs_buf_putc(b, '/');
    sip__buf_put(b, v->transport);
    rs_buf_putc(b, ' ');
    if (v->host_ipv6)
        rs_buf_putc(b, '[');
    sip__buf_put(b, v->host);
    if (v->host_ipv6)
        rs_buf_putc(b, ']');
    if (v->port >= 0) {
        rs_buf_putc(b, ':');
        put_int(b, v->port);
    }
    sip_str rest = v->params, n, val;
    int hv;
    while (sip_param_next(&rest, &n, &val, &hv)) {
        if (sip__str_ieq(n, "received") || sip__str_ieq(n, "rport"))
            continue;
        rs_buf_putc(b, ';');
        sip__buf_put(b, n);
        if (hv) {
            rs_buf_putc(b, '=');
            sip__buf_put(b, val);
        }
    }
    sip_str src = {ri->src_ip, strlen(ri->src_ip)};
    /* RFC 3261 §18.2.1 / RFC 3581 §4 */
    if (v->has_rport || !sip__str_ieq2(src, v->host)) {
        rs_buf_puts(b, ";received=");
        rs_buf_append(b, src.s, src.len);
    }
    if (v->has_rport) {
        rs_buf_puts(b, ";rport=");
        put_int(b, ri->src_port);
    }
    rs_buf_puts(b, "\r\n");
}

/* A To tag derived from the request so retransmissions get the same one:
 * 64-bit FNV-1a over Call-ID, From tag and top branch, seeded per process. A
 * tag only has to be unique (RFC 3261 section 19.3), nothing trusts it, so it
 * needs no MAC; every response carries one. */
static void make_tag(const sip_core *c, const sip_msg *m, char out[17])
{
    sip_str br = m->nvias ? m->vias[0].branch : (sip_str){NULL, 0};
    const sip_str parts[3] = {m->call_id, m->from.tag, br};
    uint64_t h = 14695981039346656037ULL ^ c->tag_seed;
    for (int i = 0; i < 3; i++) {
        for (size_t k = 0; k < parts[i].len; k++)
            h = (h ^ (unsigned char)parts[i].s[k]) * 1099511628211ULL;
        h = (h ^ '\n') * 1099511628211ULL;
    }
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(h >> (56 - 8 * i));
    rs_hex(b, 8, out);
}

void sip__resp_begin(sip_core *c, const sip_msg *m, const sip_recv_info *ri, int code,
                     const char *reason, sip_reply *out)
{
    rs_buf *b = &out->data;
    rs_buf_reset(b);
    out->status = code;
    out->from_cache = 0;
    size_t ipl = strnlen(ri->src_ip, sizeof out->dst_ip - 1);
    memcpy(out->dst_ip, ri->src_ip, ipl);
    out->dst_ip[ipl] = '\0';
    out->dst_port = ri->src_port;
    rs_buf_puts(b, "SIP/2.0 ");
    put_int(b, code);
    rs_buf_putc(b, ' ');
    rs_buf_puts(b, reason);
    rs_buf_puts(b, "\r\n");
    if (m->nvias && !m->via_err) {
        put_top_via(b, &m->vias[0], ri);
        for (int i = 1; i < m->nvias; i++) {
            rs_buf_puts(b, "Via: ");
            put_value(b, m->vias[i].raw);
            rs_buf_puts(b, "\r\n");
        }
        if (ri->transport == SIP_TRANSPORT_UDP && !m->vias[0].has_rport)
            out->dst_port = m->vias[0].port > 0 ? m->vias[0].port : 5060;
    } else {
        /* unparsable Via: echo it as received, answer the source address */
        for (int i = 0; i < m->nhdrs; i++) {
            if (m->hdrs[i].id != SIP_HDR_VIA)
                continue;
            rs_buf_puts(b, "Via: ");
            put_value(b, m->hdrs[i].value);
            rs_buf_puts(b, "\r\n");
        }
    }
    static const struct {
        sip_hdr_id id;
        const char *name;
    } copy[] = {{SIP_HDR_FROM, "From: "},
                {SIP_HDR_TO, "To: "},
                {SIP_HDR_CALL_ID, "Call-ID: "},
                {SIP_HDR_CSEQ, "CSeq: "}};
    for (size_t i = 0; i < sizeof copy / sizeof *copy; i++) {
        const sip_header *h = sip_msg_header(m, copy[i].id, NULL);
        if (!h)
            continue;
        rs_buf_puts(b, copy[i].name);
        put_value(b, h->value);
        if (copy[i].id == SIP_HDR_TO && m->has_to && !m->to.has_tag && code > 100 &&
            m->has_call_id) {
            char tag[17];
            make_tag(c, m, tag);
            rs_buf_puts(b, ";tag=");
            rs_buf_append(b, tag, 16);
        }
        rs_buf_puts(b, "\r\n");
    }
}

void sip__resp_end(sip_reply *out)
{
    rs_buf_puts(&out->data, "Content-Length: 0\r\n\r\n");
}

static int simple_reply(sip_core *c, const sip_msg *m, const sip_recv_info *ri, int code,
                        const char *reason, const char *extra, sip_reply *out)
{
    sip__resp_begin(c, m, ri, code, reason, out);
    if (extra)
        rs_buf_puts(&out->data, extra);
    sip__resp_end(out);
    return 1;
}

/* ---- security log ---- */

/* JSON string body: printable ASCII as is, everything else \u00XX. */
static void json_put(rs_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            rs_buf_putc(b, '\\');
            rs_buf_putc(b, (char)ch);
        } else if (ch < 0x20 || ch >= 0x7f) {
            rs_buf_printf(b, "\\u%04x", ch);
        } else {
            rs_buf_putc(b, (char)ch);
        }
    }
}

/* The pool's counters for a request that arrived on ri, or NULL. */
static sip__pool_st *pool_st(sip_core *c, const sip_recv_info *ri)
{
    return ri->pool_index >= 0 && ri->pool_index < c->npools ? &c->pst[ri->pool_index] : NULL;
}

/* Per-pool outcomes known only where they are logged. */
static void pool_count_event(sip_core *c, const char *level, const char *event,
                             const sip_recv_info *ri, const char *reason)
{
    sip__pool_st *ps = pool_st(c, ri);
    if (!ps)
        return;
    if (!strcmp(event, "sip.auth.failed")) {
        if (reason && !strcmp(reason, "stale"))
            atomic_fetch_add(&ps->stale, 1);
        else if (!strcmp(level, "warning"))
            atomic_fetch_add(&ps->auth_failed, 1);
    } else if (!strcmp(event, "sip.auth.refused")) {
        atomic_fetch_add(&ps->refused, 1);
    } else if (!strcmp(event, "sip.binding.evicted")) {
        atomic_fetch_add(&ps->evicted, 1);
    }
}

/* Per-pool outcome of a REGISTER (or of a malformed request) by its answer. */
static void pool_count_reply(sip_core *c, const sip_msg *m, const sip_recv_info *ri,
                             const sip_reply *out)
{
    sip__pool_st *ps = pool_st(c, ri);
    if (!ps)
        return;
    if (m->err_status) {
        if (m->kind == SIP_MSG_REQUEST)
            atomic_fetch_add(&ps->malformed, 1);
        return;
    }
    if (m->kind != SIP_MSG_REQUEST || m->method_id != SIP_METHOD_REGISTER || !out->status)
        return;
    if (out->from_cache)
        atomic_fetch_add(&ps->retransmissions, 1);
    else if (out->status == 200)
        atomic_fetch_add(&ps->registered, 1);
    else if (out->status == 401)
        atomic_fetch_add(&ps->challenged, 1);
    else if (out->status == 301)
        atomic_fetch_add(&ps->redirected, 1);
    else
        atomic_fetch_add(&ps->rejected, 1);
}

/* Failure-driven bans: count the failed digests fail2ban's filter matches
 * (sign-in.md §8: warning-level sip.auth.failed except replays) against the
 * source; the one that crosses the threshold bans it. */
static void rate_count_failure(sip_core *c, const char *level, const char *event,
                               const sip_recv_info *ri, const char *reason)
{
    if (!c->rate || strcmp(event, "sip.auth.failed") != 0 || strcmp(level, "warning") != 0 ||
        !reason || !strcmp(reason, "replay"))
        return;
    if (sip__rate_failed(c->rate, ri->src_ip, sip__now_mono_ms(c))) {
        atomic_fetch_add(&c->bans, 1);
        sip__seclog(c, "warning", "sip.source.banned", ri, "auth_failures", "", "", NULL);
    }
}

void sip__seclog(sip_core *c, const char *level, const char *event, const sip_recv_info *ri,
                 const char *reason, const char *tenant, const char *realm, const char *username)
{
    static const char *const tnames[] = {"udp", "tcp", "tls"};
    char ts[40], uh[17] = "";
    rs_time_iso8601_ms(sip__now_wall_ms(c), ts, sizeof ts);
    if (username && *username) {
        unsigned char mac[32];
        rs_hmac_sha256(c->log_key, sizeof c->log_key, username, strlen(username), mac);
        rs_hex(mac, 8, uh);
    }
    rs_buf b = {0};
    rs_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"%s\",\"src\":\"", ts, level,
                  event);
    json_put(&b, ri->src_ip);
    rs_buf_printf(&b, "\",\"sport\":%d,\"transport\":\"%s\",\"reason\":\"", ri->src_port,
                  tnames[ri->transport <= SIP_TRANSPORT_TLS ? ri->transport : 0]);
    json_put(&b, reason);
    rs_buf_puts(&b, "\",\"pool\":\"");
    if (ri->pool_index >= 0 && ri->pool_index < c->npools)
        json_put(&b, c->pools[ri->pool_index].fqdn);
    rs_buf_puts(&b, "\",\"tenant\":\"");
    json_put(&b, tenant);
    rs_buf_puts(&b, "\",\"realm\":\"");
    json_put(&b, realm);
    rs_buf_printf(&b, "\",\"user_hmac\":\"%s\"}", uh);
    if (c->logfn) {
        c->logfn(c->log_ud, b.data);
    } else {
        rs_buf_putc(&b, '\n');
        /* one write(2) per line keeps lines whole between threads */
        ssize_t w = write(2, b.data, b.len);
        (void)w;
    }
    rs_buf_free(&b);
    pool_count_event(c, level, event, ri, reason);
    rate_count_failure(c, level, event, ri, reason);
}

/* ---- receive ---- */

static int require_unsupported(const sip_msg *m, rs_buf *unsup)
{
    int n = 0;
    for (int i = 0; i < m->nhdrs; i++) {
        if (m->hdrs[i].id != SIP_HDR_REQUIRE)
            continue;
        sip_str rest = m->hdrs[i].value, tok;
        while (sip_token_next(&rest, &tok)) {
            if (sip__str_ieq(tok, "outbound"))
                continue;
            rs_buf_puts(unsup, n++ ? ", " : "");
            sip__buf_put(unsup, tok);
        }
    }
    return n;
}

static int has_via_header(const sip_msg *m)
{
    for (int i = 0; i < m->nhdrs; i++)
        if (m->hdrs[i].id == SIP_HDR_VIA)
            return 1;
    return 0;
}

static int dispatch(sip_core *c, const sip_msg *m, const sip_recv_info *ri, sip_reply *out)
{
    if (m->kind != SIP_MSG_REQUEST || m->method_id == SIP_METHOD_ACK)
        return 0; /* responses are not ours to absorb; ACK is never answered */
    if (m->err_status) {
        atomic_fetch_add(&c->st.malformed, 1);
        if (!has_via_header(m))
            return 0; /* RFC 3261 §8.2.6: no Via, no way to address a response */
        return simple_reply(c, m, ri, m->err_status, m->err_reason, NULL, out);
    }
    if (m->method_id != SIP_METHOD_REGISTER && m->method_id != SIP_METHOD_OPTIONS)
        return simple_reply(c, m, ri, 405, "Method Not Allowed", "Allow: REGISTER, OPTIONS\r\n",
                            out);
    if (m->ruri.scheme == SIP_SCHEME_OTHER ||
        (m->ruri.scheme == SIP_SCHEME_SIPS && ri->transport != SIP_TRANSPORT_TLS))
        return simple_reply(c, m, ri, 416, "Unsupported URI Scheme", NULL, out);
    rs_buf unsup = {0};
    if (require_unsupported(m, &unsup)) {
        sip__resp_begin(c, m, ri, 420, "Bad Extension", out);
        rs_buf_printf(&out->data, "Unsupported: %s\r\n", unsup.data);
        sip__resp_end(out);
        rs_buf_free(&unsup);
        return 1;
    }
    rs_buf_free(&unsup);
    if (m->method_id == SIP_METHOD_OPTIONS)
        return simple_reply(c, m, ri, 200, "OK",
                            "Allow: REGISTER, OPTIONS\r\nSupported: outbound\r\n", out);
    sip__handle_register(c, m, ri, out);
    return out->status != 0;
}

/* Flood protection: 1 when the request may be answered, 0 when its source
 * is banned (then nothing is sent). Logs ban changes. */
static int rate_admit(sip_core *c, const sip_recv_info *ri)
{
    int unbanned = 0;
    int v = sip__rate_check(c->rate, ri->src_ip, sip__now_mono_ms(c), &unbanned);
    if (unbanned)
        sip__seclog(c, "info", "sip.source.unbanned", ri, "ban_expired", "", "", NULL);
    if (v == SIP_RATE_PASS)
        return 1;
    if (v == SIP_RATE_BANNED) {
        atomic_fetch_add(&c->bans, 1);
        sip__seclog(c, "warning", "sip.source.banned", ri, "rate_limit", "", "", NULL);
    }
    atomic_fetch_add(&c->rate_dropped, 1);
    if (pool_st(c, ri))
        atomic_fetch_add(&pool_st(c, ri)->banned, 1);
    return 0;
}

/* Bounded method label for roomsys_sip_requests_total. */
static const char *sip_method_label(sip_method_id id)
{
    static const char *const names[] = {
        [SIP_METHOD_OTHER] = "other",     [SIP_METHOD_REGISTER] = "REGISTER",
        [SIP_METHOD_OPTIONS] = "OPTIONS", [SIP_METHOD_INVITE] = "INVITE",
        [SIP_METHOD_ACK] = "ACK",         [SIP_METHOD_CANCEL] = "CANCEL",
        [SIP_METHOD_BYE] = "BYE"};
    return (unsigned)id < sizeof names / sizeof *names ? names[id] : "other";
}

int sip_receive(sip_core *c, const char *buf, size_t len, const sip_recv_info *ri, sip_reply *out)
{
    rs_buf_reset(&out->data);
    out->status = 0;
    out->from_cache = 0;
    out->dst_ip[0] = '\0';
    out->dst_port = 0;
    atomic_fetch_add(&c->st.received, 1);
    if (c->rate && !rate_admit(c, ri)) {
        atomic_fetch_add(&c->st.dropped, 1);
        return 0;
    }
    sip_msg *m = sip_msg_parse(buf, len, ri->transport == SIP_TRANSPORT_UDP ? 0 : SIP_PARSE_STREAM);
    int r = dispatch(c, m, ri, out);
    pool_count_reply(c, m, ri, out);
    if (m->kind == SIP_MSG_REQUEST) /* roomsys_sip_requests_total */
        rs_metrics_sip_request(sip_method_label(m->method_id), r ? out->status : 0);
    sip_msg_free(m);
    if (r) {
        atomic_fetch_add(&c->st.responses, 1);
    } else {
        atomic_fetch_add(&c->st.dropped, 1);
        rs_buf_reset(&out->data);
        out->status = 0;
    }
    return r;
}

/* ---- maintenance and admin views ---- */

static void log_unban(void *ud, const char *ip)
{
    sip_recv_info ri = {.transport = SIP_TRANSPORT_UDP, .pool_index = -1};
    snprintf(ri.src_ip, sizeof ri.src_ip, "%s", ip);
    sip__seclog(ud, "info", "sip.source.unbanned", &ri, "ban_expired", "", "", NULL);
}

void sip_core_sweep(sip_core *c)
{
    int64_t now = sip__now_mono_ms(c);
    sip__rate_sweep(c->rate, now, log_unban, c);
    sip__loc_sweep(c->loc, now);
    sip__txc_sweep(c->txc, now);
}

static void aor_key(const char *aor, char *out, size_t outsz)
{
    size_t n = strlen(aor);
    sip_username_canon(aor, n, out, outsz);
}

int sip_core_bindings(sip_core *c, const char *aor,
                      void (*cb)(void *ud, const char *contact, int expires_in, const char *pool),
                      void *ud)
{
    char key[512];
    if (!aor)
        return 0;
    aor_key(aor, key, sizeof key);
    sip__binding *list;
    int64_t now = sip__now_mono_ms(c);
    int n = sip__loc_get(c->loc, key, now, &list);
    for (int i = 0; i < n; i++) {
        int left = (int)((list[i].expires_at - now + 999) / 1000);
        const char *pool =
            list[i].pool >= 0 && list[i].pool < c->npools ? c->pools[list[i].pool].fqdn : "";
        if (cb)
            cb(ud, list[i].uri, left, pool);
    }
    sip__binding_free_list(list, n);
    return n;
}

void sip_core_drop(sip_core *c, const char *aor)
{
    char key[512];
    if (!aor)
        return;
    aor_key(aor, key, sizeof key);
    sip__loc_drop(c->loc, key);
}

void sip_core_stats(sip_core *c, sip_stats *out)
{
    memset(out, 0, sizeof *out);
    out->received = atomic_load(&c->st.received);
    out->dropped = atomic_load(&c->st.dropped);
    out->malformed = atomic_load(&c->st.malformed);
    out->responses = atomic_load(&c->st.responses);
    out->challenges = atomic_load(&c->st.challenges);
    out->auth_ok = atomic_load(&c->st.auth_ok);
    out->auth_failed = atomic_load(&c->st.auth_failed);
    out->auth_refused = atomic_load(&c->st.auth_refused);
    out->stale = atomic_load(&c->st.stale);
    out->replay = atomic_load(&c->st.replay);
    out->redirects = atomic_load(&c->st.redirects);
    out->cache_hits = atomic_load(&c->st.cache_hits);
    out->bindings_evicted = atomic_load(&c->st.bindings_evicted);
    sip__loc_count(c->loc, &out->bindings, &out->aors);
    out->rate_dropped = atomic_load(&c->rate_dropped);
    out->bans = atomic_load(&c->bans);
    out->banned_sources = sip__rate_banned(c->rate, sip__now_mono_ms(c));
}

/* ---- binding persistence ---- */

/* LOC_SNAP_MAX bounds one AoR's bindings in a snapshot (the location store
 * keeps at most 10 after a REGISTER); AOR_MAX_CONTACTS is sip_reg.c's limit. */
enum { LOC_SNAP_MAX = 64, AOR_MAX_CONTACTS = 10 };

typedef struct take_ctx {
    sip_core *c;
    int64_t mono, wall;
    sip_bindings_cb cb;
    void *ud;
} take_ctx;

/* The saved record of an AoR's unexpired bindings (stripe lock held: no
 * copies, one allocation); NULL when none is left. */
static unsigned char *take_encode(void *ud, const sip__binding *b, int n, size_t *len)
{
    take_ctx *t = ud;
    sip_binding_rec rec[LOC_SNAP_MAX];
    int k = 0;
    for (int i = 0; i < n && k < LOC_SNAP_MAX; i++) {
        if (b[i].expires_at <= t->mono)
            continue;
        rec[k++] = (sip_binding_rec){
            .uri = b[i].uri,
            .call_id = b[i].call_id,
            .instance = b[i].instance,
            .cseq = b[i].cseq,
            .reg_id = b[i].reg_id,
            .q = b[i].q,
            .pool = b[i].pool >= 0 && b[i].pool < t->c->npools ? t->c->pools[b[i].pool].fqdn : "",
            .expires_ms = t->wall + (b[i].expires_at - t->mono),
            .src_ip = b[i].src_ip,
            .src_port = b[i].src_port,
            .transport = b[i].transport,
        };
    }
    if (!k) {
        *len = 0;
        return NULL;
    }
    unsigned char *out = NULL;
    *len = sip_bindings_encode(rec, k, &out);
    return out;
}

static void take_emit(void *ud, const char *aor, const unsigned char *rec, size_t len)
{
    take_ctx *t = ud;
    t->cb(t->ud, aor, rec, len);
}

size_t sip_core_take_dirty(sip_core *c, sip_bindings_cb cb, void *ud)
{
    take_ctx t = {
        .c = c, .mono = sip__now_mono_ms(c), .wall = sip__now_wall_ms(c), .cb = cb, .ud = ud};
    return sip__loc_take_dirty(c->loc, take_encode, take_emit, &t);
}

int sip_core_load(sip_core *c, const char *aor, const sip_binding_rec *b, int n)
{
    sip__binding w[AOR_MAX_CONTACTS];
    int64_t mono = sip__now_mono_ms(c), wall = sip__now_wall_ms(c);
    int k = 0;
    for (int i = 0; i < n && k < AOR_MAX_CONTACTS; i++) {
        int pool = -1;
        for (int p = 0; p < c->npools && b[i].pool; p++)
            if (rs_streq_ci(c->pools[p].fqdn, b[i].pool))
                pool = p;
        if (pool < 0 || !b[i].uri || !b[i].call_id || b[i].expires_ms <= wall)
            continue;
        memset(&w[k], 0, sizeof w[k]);
        w[k].uri = (char *)b[i].uri; /* borrowed: sip__loc_load copies */
        w[k].call_id = (char *)b[i].call_id;
        w[k].instance = (char *)b[i].instance;
        w[k].cseq = b[i].cseq;
        w[k].reg_id = b[i].reg_id;
        w[k].q = b[i].q;
        w[k].pool = pool;
        w[k].expires_at = mono + (b[i].expires_ms - wall);
        snprintf(w[k].src_ip, sizeof w[k].src_ip, "%s", b[i].src_ip ? b[i].src_ip : "");
        w[k].src_port = b[i].src_port;
        w[k].transport = b[i].transport;
        k++;
    }
    if (k)
        sip__loc_load(c->loc, aor, w, k, mono, AOR_MAX_CONTACTS);
    return k;
}

/* ---- registrar metrics per pool ---- */

int sip_core_pool_stats(sip_core *c, const char *fqdn, sip_pool_stats *out)
{
    memset(out, 0, sizeof *out);
    int p = -1;
    for (int i = 0; i < c->npools && fqdn; i++)
        if (rs_streq_ci(c->pools[i].fqdn, fqdn))
            p = i;
    if (p < 0)
        return -1;
    const sip__pool_st *ps = &c->pst[p];
    sip__loc_pool_counts(c->loc, sip__now_mono_ms(c), p, &out->bindings, &out->aors);
    out->registered = atomic_load(&ps->registered);
    out->challenged = atomic_load(&ps->challenged);
    out->auth_failed = atomic_load(&ps->auth_failed);
    out->refused = atomic_load(&ps->refused);
    out->stale = atomic_load(&ps->stale);
    out->redirected = atomic_load(&ps->redirected);
    out->rejected = atomic_load(&ps->rejected);
    out->malformed = atomic_load(&ps->malformed);
    out->banned = atomic_load(&ps->banned);
    out->retransmissions = atomic_load(&ps->retransmissions);
    out->evicted = atomic_load(&ps->evicted);
    return 0;
}
