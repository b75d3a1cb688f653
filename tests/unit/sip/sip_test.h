/* sip_test.h - shared fixtures for the rs_sip unit tests: an in-test provider
 * table, a fake clock, a captured security log, and a tiny SIP client that
 * builds REGISTERs and answers digest challenges. Header-only; every helper
 * is static and marked unused so each test binary takes what it needs. */
#ifndef SIP_TEST_H
#define SIP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "sip.h"
#include "sip_msg.h"

#define T_UNUSED __attribute__((unused))

/* ---- provider table ---- */
typedef struct t_acct {
    const char *aor; /* lower-case SIP address */
    const char *password;
    const char *refusal; /* gate failure or NULL */
    const char *home;    /* home pool FQDN */
    const char *tenant;
} t_acct;

static t_acct t_accounts[] = {
    {"room00042@contoso.onmicrosoft.com", "Pw-00042-x9", NULL, "pool01.contoso.com",
     "6c1e0000-0000-4000-8000-000000000001"},
    {"room00043@contoso.onmicrosoft.com", "Pw-00043-x9", NULL, "pool01.contoso.com",
     "6c1e0000-0000-4000-8000-000000000001"},
    {"disabled@contoso.onmicrosoft.com", "Pw-dis", "not_enabled", "pool01.contoso.com",
     "6c1e0000-0000-4000-8000-000000000001"},
    {"moved@contoso.onmicrosoft.com", "Pw-moved", NULL, "pool02.contoso.com",
     "6c1e0000-0000-4000-8000-000000000001"},
    {"away@contoso.onmicrosoft.com", "Pw-away", NULL, "pool09.elsewhere.com",
     "6c1e0000-0000-4000-8000-000000000001"},
    {"j.user@example.com", "secret", NULL, "pool01.contoso.com",
     "6c1e0000-0000-4000-8000-000000000002"},
};

static int t_auth_failed_calls;

static T_UNUSED int t_lookup(void *ud, const char *aor, const char *username, const char *realm,
                             sip_account *out)
{
    (void)ud;
    for (size_t i = 0; i < sizeof t_accounts / sizeof *t_accounts; i++) {
        const t_acct *a = &t_accounts[i];
        if (strcmp(a->aor, aor) != 0)
            continue;
        out->known = 1;
        /* stored HA1 is over the stored (lower-case) address, as in the product */
        sip_digest_ha1(SIP_DIGEST_MD5, a->aor, realm, a->password, out->ha1_md5);
        sip_digest_ha1(SIP_DIGEST_SHA256, a->aor, realm, a->password, out->ha1_sha256);
        out->refusal = a->refusal;
        snprintf(out->home_pool, sizeof out->home_pool, "%s", a->home);
        snprintf(out->tenant_id, sizeof out->tenant_id, "%s", a->tenant);
        snprintf(out->user_id, sizeof out->user_id, "%s", a->aor); /* the AoR stands in */
        (void)username;
        return 0;
    }
    return 0;
}

static T_UNUSED int t_domain_served(void *ud, const char *domain)
{
    (void)ud;
    return strcmp(domain, "contoso.onmicrosoft.com") == 0 || strcmp(domain, "example.com") == 0;
}

static T_UNUSED void t_auth_failed(void *ud, const char *aor, const char *src_ip)
{
    (void)ud;
    (void)aor;
    (void)src_ip;
    t_auth_failed_calls++;
}

/* Gate G5: the account (its user_id is its AoR here) named here is locked out
 * for every source. */
static const char *t_locked_aor = "";
static int t_locked_calls;

static T_UNUSED int t_locked(void *ud, const char *user_id, const char *src_ip)
{
    (void)ud;
    (void)src_ip;
    t_locked_calls++;
    return strcmp(user_id, t_locked_aor) == 0;
}

/* ---- clock and log capture ---- */
static int64_t t_now = 1767604443000LL; /* 2026-01-05T09:14:03Z */

static T_UNUSED int64_t t_clock(void *ud)
{
    (void)ud;
    return t_now;
}

enum { T_LOG_MAX = 64 };
static char t_log[T_LOG_MAX][1024];
static int t_nlog;

static T_UNUSED void t_logfn(void *ud, const char *line)
{
    (void)ud;
    if (t_nlog < T_LOG_MAX)
        snprintf(t_log[t_nlog++], sizeof t_log[0], "%s", line);
}

static T_UNUSED const char *t_last_log(void)
{
    return t_nlog ? t_log[t_nlog - 1] : "";
}

/* Two pools: pool01 on 127.0.0.1:5060 (backup pool01b), pool02 on 127.0.0.2:5060. */
static const sip_pool_listen t_pools[] = {
    {.fqdn = "pool01.contoso.com",
     .address = "127.0.0.1",
     .udp_port = 5060,
     .backup_fqdn = "pool01b.contoso.com"},
    {.fqdn = "pool02.contoso.com", .address = "127.0.0.2, [2001:db8::2]", .udp_port = 5060},
};

static T_UNUSED sip_core *t_core_opts(const char *algorithms, int nonce_lifetime)
{
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = nonce_lifetime,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup,
                      .domain_served = t_domain_served,
                      .auth_failed = t_auth_failed,
                      .locked = t_locked};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.secret = "unit-test-secret";
    o.secret_len = 16;
    o.algorithms = algorithms;
    o.nc_slots = 1024;
    o.security_log = t_logfn;
    o.clock_ms = t_clock;
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_OK);
    t_nlog = 0;
    t_auth_failed_calls = 0;
    return c;
}

static T_UNUSED sip_core *t_core(void)
{
    return t_core_opts(NULL, 300);
}

static T_UNUSED sip_recv_info t_ri(int pool, const char *ip, int port)
{
    sip_recv_info ri;
    memset(&ri, 0, sizeof ri);
    ri.transport = SIP_TRANSPORT_UDP;
    ri.pool_index = pool;
    snprintf(ri.src_ip, sizeof ri.src_ip, "%s", ip);
    ri.src_port = port;
    ri.local_port = 5060;
    return ri;
}

/* Send text (copied) and parse the answer; returns the parsed response or NULL when dropped.
 * Caller frees with sip_msg_free. */
static T_UNUSED sip_msg *t_send(sip_core *c, const sip_recv_info *ri, const char *text,
                                sip_reply *rep)
{
    if (!sip_receive(c, text, strlen(text), ri, rep))
        return NULL;
    sip_msg *r = sip_msg_parse(rep->data.data, rep->data.len, 0);
    assert_int_equal(r->kind, SIP_MSG_RESPONSE);
    assert_int_equal(r->err_status, 0);
    return r;
}

/* Count headers named `name` (case-insensitive) in a parsed message. */
static T_UNUSED int t_count(const sip_msg *m, const char *name)
{
    int n = 0;
    for (int i = 0; i < m->nhdrs; i++)
        if (m->hdrs[i].name.len == strlen(name) &&
            strncasecmp(m->hdrs[i].name.s, name, m->hdrs[i].name.len) == 0)
            n++;
    return n;
}

/* The k-th value of header `name` as a new string (caller frees), or NULL. */
static T_UNUSED char *t_hdr(const sip_msg *m, const char *name, int k)
{
    for (int i = 0; i < m->nhdrs; i++)
        if (m->hdrs[i].name.len == strlen(name) &&
            strncasecmp(m->hdrs[i].name.s, name, m->hdrs[i].name.len) == 0 && k-- == 0)
            return strndup(m->hdrs[i].value.s, m->hdrs[i].value.len);
    return NULL;
}

/* Value of param `p` (quoted or not) in a challenge header value; static buffer. */
static T_UNUSED const char *t_param(const char *hval, const char *p)
{
    static char v[256];
    char pat[64];
    snprintf(pat, sizeof pat, "%s=", p);
    const char *s = hval;
    while ((s = strstr(s, pat)) != NULL) {
        if (s == hval || s[-1] == ' ' || s[-1] == ',')
            break;
        s++;
    }
    if (!s)
        return NULL;
    s += strlen(pat);
    size_t n = 0;
    if (*s == '"') {
        s++;
        while (s[n] && s[n] != '"')
            n++;
    } else {
        while (s[n] && s[n] != ',' && s[n] != ' ')
            n++;
    }
    snprintf(v, sizeof v, "%.*s", (int)n, s);
    return v;
}

/* ---- a tiny UA ---- */
typedef struct t_ua {
    char user[128]; /* AoR user@domain */
    char auth_user[128];
    char password[64];
    char ruri[128];
    char call_id[64];
    char from_tag[32];
    char contact[1024]; /* full Contact header value, "" for none */
    const char *extra;  /* extra header lines ("X: y\r\n"), may be NULL */
    int cseq;
    int expires; /* -1: no Expires header */
    int branch;
    char nonce[128];
    char realm[128];
    char alg[16];
    int nc;
} t_ua;

static T_UNUSED void t_ua_init(t_ua *u, const char *aor, const char *password)
{
    memset(u, 0, sizeof *u);
    snprintf(u->user, sizeof u->user, "%s", aor);
    snprintf(u->auth_user, sizeof u->auth_user, "%s", aor);
    snprintf(u->password, sizeof u->password, "%s", password);
    snprintf(u->ruri, sizeof u->ruri, "sip:127.0.0.1:5060");
    static int seq;
    seq++;
    snprintf(u->call_id, sizeof u->call_id, "cid-%06d@10.0.0.9", seq);
    snprintf(u->from_tag, sizeof u->from_tag, "ft%06d", seq);
    snprintf(u->contact, sizeof u->contact, "<sip:%.*s@10.0.0.9:5062;transport=udp>",
             (int)(strchr(aor, '@') ? strchr(aor, '@') - aor : (long)strlen(aor)), aor);
    u->expires = 3600;
    snprintf(u->alg, sizeof u->alg, "MD5");
}

/* Authorization header line for the stored challenge; fields may be overridden. */
static T_UNUSED char *t_ua_authz(t_ua *u, int nc, const char *uri_override,
                                 const char *password_override)
{
    sip_digest_alg alg = strcmp(u->alg, "SHA-256") == 0 ? SIP_DIGEST_SHA256 : SIP_DIGEST_MD5;
    char ha1[65], resp[65], ncs[9];
    const char *uri = uri_override ? uri_override : u->ruri;
    snprintf(ncs, sizeof ncs, "%08x", nc);
    sip_digest_ha1(alg, u->auth_user, u->realm, password_override ? password_override : u->password,
                   ha1);
    sip_digest_response(alg, ha1, u->nonce, ncs, "0a4f113b", "auth", "REGISTER", uri, resp);
    return rs_asprintf("Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                       "uri=\"%s\", response=\"%s\", algorithm=%s, qop=auth, nc=%s, "
                       "cnonce=\"0a4f113b\"\r\n",
                       u->auth_user, u->realm, u->nonce, uri, resp, u->alg, ncs);
}

/* Build a REGISTER (new branch, next CSeq unless cseq_override > 0). */
static T_UNUSED char *t_ua_register(t_ua *u, const char *authz, int cseq_override)
{
    char exp[32] = "", ct[1100] = "";
    if (u->expires >= 0)
        snprintf(exp, sizeof exp, "Expires: %d\r\n", u->expires);
    if (u->contact[0])
        snprintf(ct, sizeof ct, "Contact: %s\r\n", u->contact);
    int cseq = cseq_override > 0 ? cseq_override : ++u->cseq;
    u->branch++;
    return rs_asprintf("REGISTER %s SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK-%s-%d;rport\r\n"
                       "Max-Forwards: 70\r\n"
                       "From: <sip:%s>;tag=%s\r\n"
                       "To: <sip:%s>\r\n"
                       "Call-ID: %s\r\n"
                       "CSeq: %d REGISTER\r\n"
                       "%s%s%s%s"
                       "Content-Length: 0\r\n\r\n",
                       u->ruri, u->from_tag, u->branch, u->user, u->from_tag, u->user, u->call_id,
                       cseq, ct, exp, authz ? authz : "", u->extra ? u->extra : "");
}

/* Store the challenge of a 401 (the first, or the one with algorithm alg). */
static T_UNUSED void t_ua_take_challenge(t_ua *u, const sip_msg *r, const char *alg)
{
    for (int k = 0;; k++) {
        char *h = t_hdr(r, "WWW-Authenticate", k);
        assert_non_null(h);
        char a[16];
        const char *ap = t_param(h, "algorithm");
        snprintf(a, sizeof a, "%.15s", ap ? ap : "MD5");
        if (!alg || strcmp(a, alg) == 0) {
            snprintf(u->nonce, sizeof u->nonce, "%s", t_param(h, "nonce"));
            snprintf(u->realm, sizeof u->realm, "%s", t_param(h, "realm"));
            snprintf(u->alg, sizeof u->alg, "%s", a);
            u->nc = 0;
            free(h);
            return;
        }
        free(h);
    }
}

/* Full exchange: REGISTER -> 401 -> REGISTER + Authorization. Returns the final
 * response (caller frees). */
static T_UNUSED sip_msg *t_ua_signin(sip_core *c, const sip_recv_info *ri, t_ua *u, sip_reply *rep)
{
    char *req = t_ua_register(u, NULL, 0);
    sip_msg *r = t_send(c, ri, req, rep);
    free(req);
    assert_non_null(r);
    assert_int_equal(r->status_code, 401);
    t_ua_take_challenge(u, r, NULL);
    sip_msg_free(r);
    char *az = t_ua_authz(u, ++u->nc, NULL, NULL);
    req = t_ua_register(u, az, 0);
    r = t_send(c, ri, req, rep);
    free(req);
    free(az);
    assert_non_null(r);
    return r;
}

#endif
