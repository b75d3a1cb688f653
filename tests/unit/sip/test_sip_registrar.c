/* test_sip_registrar.c - the registrar through sip_receive(): methods,
 * Request-URI and Require checks, digest authentication, gates, the home-pool
 * redirect, binding rules, the response cache and the security log
 * (src/sip/sip_core.c, sip_reg.c, sip_loc.c, sip_txc.c, sip_digest.c). */
#include "sip_test.h"

#include <ctype.h>

static const char *ROOM = "room00042@contoso.onmicrosoft.com";
static const char *PW = "Pw-00042-x9";

typedef struct fx {
    sip_core *c;
    sip_recv_info ri;
    sip_reply rep;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    t_now = 1767604443000LL;
    f->c = t_core();
    f->ri = t_ri(0, "192.0.2.7", 40000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    sip_reply_free(&f->rep);
    sip_core_free(f->c);
    free(f);
    return 0;
}

static sip_msg *send_text(fx *f, const char *t)
{
    return t_send(f->c, &f->ri, t, &f->rep);
}

/* Send a REGISTER built by the UA with an Authorization for its stored challenge. */
static sip_msg *send_auth(fx *f, t_ua *u)
{
    char *az = t_ua_authz(u, ++u->nc, NULL, NULL);
    char *req = t_ua_register(u, az, 0);
    sip_msg *r = send_text(f, req);
    free(az);
    free(req);
    return r;
}

static sip_msg *signin(fx *f, t_ua *u)
{
    return t_ua_signin(f->c, &f->ri, u, &f->rep);
}

typedef struct bl {
    int n;
    char contact[12][256];
    int expires[12];
    char pool[12][64];
} bl;

static void bl_cb(void *ud, const char *contact, int expires_in, const char *pool)
{
    bl *b = ud;
    if (b->n < 12) {
        snprintf(b->contact[b->n], sizeof b->contact[0], "%s", contact);
        b->expires[b->n] = expires_in;
        snprintf(b->pool[b->n], sizeof b->pool[0], "%s", pool);
    }
    b->n++;
}

static bl bindings(fx *f, const char *aor)
{
    bl b;
    memset(&b, 0, sizeof b);
    int n = sip_core_bindings(f->c, aor, bl_cb, &b);
    assert_int_equal(n, b.n);
    return b;
}

#define OPTIONS_REQ(via)                                                                           \
    "OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"                                                   \
    "Via: " via "\r\n"                                                                             \
    "From: <sip:probe@example.com>;tag=p1\r\nTo: <sip:pool01.contoso.com>\r\n"                     \
    "Call-ID: opt1\r\nCSeq: 5 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"

static void test_options_and_via(void **state)
{
    fx *f = *state;
    sip_msg *r = send_text(f, OPTIONS_REQ("SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bKo1;rport"));
    assert_non_null(r);
    assert_int_equal(r->status_code, 200);
    char *allow = t_hdr(r, "Allow", 0);
    assert_string_equal(allow, "REGISTER, OPTIONS");
    free(allow);
    assert_int_equal(r->nvias, 1);
    assert_true(r->vias[0].received.len == 9 && memcmp(r->vias[0].received.s, "192.0.2.7", 9) == 0);
    assert_int_equal(r->vias[0].rport, 40000);
    assert_true(r->to.has_tag);
    assert_string_equal(f->rep.dst_ip, "192.0.2.7");
    assert_int_equal(f->rep.dst_port, 40000);
    sip_msg_free(r);

    /* no rport, sent-by equals the source: no received, Via port */
    f->ri = t_ri(0, "10.0.0.9", 40001);
    r = send_text(f, OPTIONS_REQ("SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bKo2"));
    assert_int_equal(r->status_code, 200);
    assert_int_equal(r->vias[0].received.len, 0);
    assert_false(r->vias[0].has_rport);
    assert_int_equal(f->rep.dst_port, 5062);
    sip_msg_free(r);
    /* no port in Via: 5060 */
    r = send_text(f, OPTIONS_REQ("SIP/2.0/UDP h.example.com;branch=z9hG4bKo3, SIP/2.0/UDP p2;x=1"));
    assert_int_equal(r->status_code, 200);
    assert_int_equal(r->nvias, 2);
    assert_int_equal(f->rep.dst_port, 5060);
    assert_string_equal(f->rep.dst_ip, "10.0.0.9");
    sip_msg_free(r);
}

static void test_methods(void **state)
{
    fx *f = *state;
    const char *invite = "INVITE sip:room00042@contoso.onmicrosoft.com SIP/2.0\r\n"
                         "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKi1\r\n"
                         "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
                         "Call-ID: inv1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    sip_msg *r = send_text(f, invite);
    assert_int_equal(r->status_code, 405);
    char *allow = t_hdr(r, "Allow", 0);
    assert_string_equal(allow, "REGISTER, OPTIONS");
    free(allow);
    sip_msg_free(r);
    const char *ack =
        "ACK sip:x@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKa\r\n"
        "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
        "Call-ID: inv1\r\nCSeq: 1 ACK\r\n\r\n";
    assert_null(send_text(f, ack));
    const char *resp = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKa\r\n"
                       "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
                       "Call-ID: inv1\r\nCSeq: 1 INVITE\r\n\r\n";
    assert_null(send_text(f, resp));
    assert_null(send_text(f, "\r\n\r\n"));
    /* a malformed request with a Via gets 400 at the source; without one it is dropped */
    const char *bad = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP ;;\r\n"
                      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                      "Call-ID: m1\r\nCSeq: 1 REGISTER\r\n\r\n";
    assert_int_equal(sip_receive(f->c, bad, strlen(bad), &f->ri, &f->rep), 1);
    assert_int_equal(f->rep.status, 400);
    assert_true(strncmp(f->rep.data.data, "SIP/2.0 400 Bad Via\r\nVia: SIP/2.0/UDP ;;\r\n", 42) ==
                0);
    assert_string_equal(f->rep.dst_ip, "192.0.2.7");
    assert_int_equal(f->rep.dst_port, 40000);
    assert_null(send_text(f, "REGISTER sip:example.com SIP/2.0\r\nCall-ID: m1\r\n\r\n"));
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.malformed, 2);
}

static void test_uri_scheme_and_require(void **state)
{
    fx *f = *state;
    sip_msg *r =
        send_text(f, "OPTIONS tel:+15551234 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKs\r\n"
                     "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                     "Call-ID: s1\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(r->status_code, 416);
    sip_msg_free(r);
    r = send_text(f, "REGISTER sips:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKs2\r\n"
                     "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                     "Call-ID: s1\r\nCSeq: 1 REGISTER\r\n\r\n");
    assert_int_equal(r->status_code, 416);
    sip_msg_free(r);
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    u.extra = "Require: outbound, nothingSupportsThis\r\nProxy-Require: ignoredByUas\r\n";
    char *req = t_ua_register(&u, NULL, 0);
    r = send_text(f, req);
    free(req);
    assert_int_equal(r->status_code, 420);
    char *un = t_hdr(r, "Unsupported", 0);
    assert_string_equal(un, "nothingSupportsThis");
    free(un);
    sip_msg_free(r);
}

static void test_request_uri(void **state)
{
    fx *f = *state;
    struct {
        const char *ruri;
        int status;
    } cases[] = {
        {"sip:127.0.0.1:5060", 401},
        {"sip:127.0.0.1", 401},
        {"sip:pool01.contoso.com", 401},
        {"sip:POOL02.contoso.com:5070", 401},
        {"sip:contoso.onmicrosoft.com", 401},
        {"sip:example.com", 401},
        {"sip:fabrikam.com", 403},
        {"sip:127.0.0.1:5099", 403},
        {"sip:127.0.0.3:5060", 403},
        {"sip:contoso.onmicrosoft.com:5060", 401},
        {"sip:[::1]:5060", 403},
        {"sip:[2001:db8::2]:5060", 401}, /* a pool's second address */
        {"sip:[2001:DB8::2]", 401},
        {"sip:[2001:db8::3]:5060", 403},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t_ua u;
        t_ua_init(&u, ROOM, PW);
        snprintf(u.ruri, sizeof u.ruri, "%s", cases[i].ruri);
        char *req = t_ua_register(&u, NULL, 0);
        sip_msg *r = send_text(f, req);
        free(req);
        if (r->status_code != cases[i].status)
            fail_msg("%s: got %d, want %d", cases[i].ruri, r->status_code, cases[i].status);
        sip_msg_free(r);
    }
    /* To must be a SIP URI */
    sip_msg *r =
        send_text(f, "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n"
                     "From: <http://www.example.com>;tag=1\r\nTo: isbn:2983792873\r\n"
                     "Call-ID: u1\r\nCSeq: 1 REGISTER\r\n\r\n");
    assert_int_equal(r->status_code, 404);
    sip_msg_free(r);
}

static void test_challenge_format(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    char *req = t_ua_register(&u, NULL, 0);
    sip_msg *r = send_text(f, req);
    free(req);
    assert_int_equal(r->status_code, 401);
    assert_int_equal(t_count(r, "WWW-Authenticate"), 2);
    char *h0 = t_hdr(r, "WWW-Authenticate", 0), *h1 = t_hdr(r, "WWW-Authenticate", 1);
    assert_true(strncmp(h0, "Digest realm=\"contoso.onmicrosoft.com\", nonce=\"", 47) == 0);
    assert_string_equal(t_param(h0, "algorithm"), "MD5");
    assert_string_equal(t_param(h0, "qop"), "auth");
    assert_string_equal(t_param(h1, "algorithm"), "SHA-256");
    char n0[128];
    snprintf(n0, sizeof n0, "%s", t_param(h0, "nonce"));
    assert_int_equal(strlen(n0), 48);
    assert_string_equal(t_param(h1, "nonce"), n0);
    assert_null(strstr(h0, "stale"));
    assert_true(r->to.has_tag);
    free(h0);
    free(h1);
    sip_msg_free(r);
    sip_core_free(f->c);

    f->c = t_core_opts("SHA-256, MD5", 300);
    req = t_ua_register(&u, NULL, 0);
    r = send_text(f, req);
    free(req);
    h0 = t_hdr(r, "WWW-Authenticate", 0);
    assert_string_equal(t_param(h0, "algorithm"), "SHA-256");
    free(h0);
    sip_msg_free(r);
    sip_core_free(f->c);

    f->c = t_core_opts("MD5", 300);
    req = t_ua_register(&u, NULL, 0);
    r = send_text(f, req);
    free(req);
    assert_int_equal(t_count(r, "WWW-Authenticate"), 1);
    sip_msg_free(r);

    /* configuration errors */
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.algorithms = "SHA-512-256";
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_EINVAL);
    assert_null(c);
    s.min_expires = 4000;
    assert_int_equal(sip_core_new(&s, &p, NULL, &c, &err), RS_EINVAL);
}

static void test_signin_md5_and_sha256(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 200);
    char *ct = t_hdr(r, "Contact", 0);
    assert_string_equal(ct, "<sip:room00042@10.0.0.9:5062;transport=udp>;expires=3600");
    free(ct);
    assert_int_equal(t_count(r, "Date"), 1);
    char *date = t_hdr(r, "Date", 0);
    assert_string_equal(date, "Mon, 05 Jan 2026 09:14:03 GMT");
    free(date);
    sip_msg_free(r);
    bl b = bindings(f, "Room00042@Contoso.onmicrosoft.com");
    assert_int_equal(b.n, 1);
    assert_string_equal(b.contact[0], "sip:room00042@10.0.0.9:5062;transport=udp");
    assert_int_equal(b.expires[0], 3600);
    assert_string_equal(b.pool[0], "pool01.contoso.com");
    assert_int_equal(t_nlog, 0);

    /* SHA-256 */
    t_ua v;
    t_ua_init(&v, "room00043@contoso.onmicrosoft.com", "Pw-00043-x9");
    char *req = t_ua_register(&v, NULL, 0);
    r = send_text(f, req);
    free(req);
    t_ua_take_challenge(&v, r, "SHA-256");
    sip_msg_free(r);
    assert_string_equal(v.alg, "SHA-256");
    r = send_auth(f, &v);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.auth_ok, 2);
    assert_int_equal(st.bindings, 2);
    assert_int_equal(st.aors, 2);
}

/* Header names in order, and the lengths of their values except the ones that
 * legitimately vary with the account (To, From). */
static void shape(const sip_msg *r, char *out, size_t outsz)
{
    size_t o = (size_t)snprintf(out, outsz, "%d", r->status_code);
    for (int i = 0; i < r->nhdrs && o < outsz; i++) {
        int var = (r->hdrs[i].name.len == 2 && strncasecmp(r->hdrs[i].name.s, "To", 2) == 0) ||
                  (r->hdrs[i].name.len == 4 && strncasecmp(r->hdrs[i].name.s, "From", 4) == 0);
        o += (size_t)snprintf(out + o, outsz - o, "|%.*s:%zu", (int)r->hdrs[i].name.len,
                              r->hdrs[i].name.s, var ? 0 : r->hdrs[i].value.len);
    }
}

static void test_failures_identical(void **state)
{
    fx *f = *state;
    struct {
        const char *aor, *pw, *log;
    } cases[] = {
        {ROOM, "wrong", "\"event\":\"sip.auth.failed\""},
        {"room99999@contoso.onmicrosoft.com", "x", "\"reason\":\"unknown_user\""},
        {"disabled@contoso.onmicrosoft.com", "Pw-dis", "\"event\":\"sip.auth.refused\""},
    };
    char shapes[3][2048];
    for (int i = 0; i < 3; i++) {
        t_ua u;
        t_ua_init(&u, cases[i].aor, cases[i].pw);
        sip_msg *r = signin(f, &u);
        assert_int_equal(r->status_code, 401);
        shape(r, shapes[i], sizeof shapes[i]);
        char *h = t_hdr(r, "WWW-Authenticate", 0);
        assert_null(strstr(h, "stale"));
        free(h);
        sip_msg_free(r);
        assert_non_null(strstr(t_last_log(), cases[i].log));
    }
    assert_string_equal(shapes[0], shapes[1]);
    assert_string_equal(shapes[0], shapes[2]);
    assert_non_null(strstr(t_log[0], "\"reason\":\"bad_response\""));
    assert_non_null(strstr(t_log[2], "\"reason\":\"not_enabled\""));
    assert_int_equal(t_auth_failed_calls, 2); /* a refusal is not a failed attempt */
    bl b = bindings(f, "disabled@contoso.onmicrosoft.com");
    assert_int_equal(b.n, 0);

    /* another spelling of the username hashes differently: like a wrong password */
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    snprintf(u.auth_user, sizeof u.auth_user, "Room00042@contoso.onmicrosoft.com");
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 401);
    sip_msg_free(r);
}

static void test_identity_mismatch(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    snprintf(u.auth_user, sizeof u.auth_user, "room00043@contoso.onmicrosoft.com");
    snprintf(u.password, sizeof u.password, "Pw-00043-x9");
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 403);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 0);

    /* From differs from To */
    t_ua_init(&u, ROOM, PW);
    char *req = t_ua_register(&u, NULL, 0);
    r = send_text(f, req);
    free(req);
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    char *az = t_ua_authz(&u, 1, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    char *p = strstr(req, "From: <sip:room00042");
    p[15] = '3'; /* room00043 */
    r = send_text(f, req);
    assert_int_equal(r->status_code, 403);
    sip_msg_free(r);
    free(req);
    free(az);
}

/* Register once, then send variations of the authenticated request. */
static void prepare(fx *f, t_ua *u)
{
    t_ua_init(u, ROOM, PW);
    char *req = t_ua_register(u, NULL, 0);
    sip_msg *r = send_text(f, req);
    free(req);
    t_ua_take_challenge(u, r, NULL);
    sip_msg_free(r);
}

static int send_authz_line(fx *f, t_ua *u, const char *authz)
{
    char *req = t_ua_register(u, authz, 0);
    sip_msg *r = send_text(f, req);
    free(req);
    int st = r ? r->status_code : 0;
    sip_msg_free(r);
    return st;
}

/* Copy tpl into out replacing {U} and {R}. */
static void fill(char *out, size_t outsz, const char *tpl, const char *user, const char *realm)
{
    size_t o = 0;
    for (const char *p = tpl; *p && o + 1 < outsz; p++) {
        const char *rep = NULL;
        if (strncmp(p, "{U}", 3) == 0)
            rep = user;
        else if (strncmp(p, "{R}", 3) == 0)
            rep = realm;
        if (rep) {
            o += (size_t)snprintf(out + o, outsz - o, "%s", rep);
            p += 2;
        } else {
            out[o++] = *p;
        }
    }
    out[o < outsz ? o : outsz - 1] = '\0';
}

static void test_digest_checks(void **state)
{
    fx *f = *state;
    t_ua u;
    prepare(f, &u);
    /* digest uri must name the Request-URI */
    char *az = t_ua_authz(&u, 1, "sip:elsewhere.example", NULL);
    assert_int_equal(send_authz_line(f, &u, az), 400);
    free(az);
    assert_non_null(strstr(t_last_log(), "\"reason\":\"uri_mismatch\""));
    /* an equal URI written differently is fine */
    az = t_ua_authz(&u, 1, "SIP:127.0.0.1:5060", NULL);
    assert_int_equal(send_authz_line(f, &u, az), 200);
    free(az);

    char line[1024];
    struct {
        const char *authz;
        int status;
    } cases[] = {
        /* missing nonce, duplicate realm, qop without nc, bad nc: 400 */
        {"Authorization: Digest username=\"{U}\", realm=\"{R}\", uri=\"sip:127.0.0.1:5060\", "
         "response=\"00\", qop=auth, nc=00000001, cnonce=\"c\"\r\n",
         400},
        {"Authorization: Digest username=\"{U}\", realm=\"{R}\", realm=\"x\", nonce=\"n\", "
         "uri=\"sip:127.0.0.1:5060\", response=\"00\", qop=auth, nc=00000001, cnonce=\"c\"\r\n",
         400},
        {"Authorization: Digest username=\"{U}\", realm=\"{R}\", nonce=\"n\", "
         "uri=\"sip:127.0.0.1:5060\", response=\"00\", qop=auth, cnonce=\"c\"\r\n",
         400},
        {"Authorization: Digest username=\"{U}\", realm=\"{R}\", nonce=\"n\", "
         "uri=\"sip:127.0.0.1:5060\", response=\"00\", qop=auth, nc=1, cnonce=\"c\"\r\n",
         400},
        {"Authorization: Digest username=\"{U}\" realm=\"{R}\"\r\n", 400},
        /* unknown scheme: a normal challenge */
        {"Authorization: Basic {U}{R}\r\n", 401},
        /* unknown algorithm: a normal challenge */
        {"Authorization: Digest username=\"{U}\", realm=\"{R}\", nonce=\"n\", "
         "uri=\"sip:127.0.0.1:5060\", response=\"00\", algorithm=SHA-512-256, qop=auth, "
         "nc=00000001, cnonce=\"c\"\r\n",
         401},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fill(line, sizeof line, cases[i].authz, u.auth_user, u.realm);
        int st = send_authz_line(f, &u, line);
        if (st != cases[i].status)
            fail_msg("case %zu: got %d want %d", i, st, cases[i].status);
    }

    /* no qop (RFC 2069 form): refused like a wrong password */
    prepare(f, &u);
    char ha1[65], resp[65];
    sip_digest_ha1(SIP_DIGEST_MD5, u.auth_user, u.realm, PW, ha1);
    sip_digest_response(SIP_DIGEST_MD5, ha1, u.nonce, NULL, NULL, NULL, "REGISTER", u.ruri, resp);
    snprintf(line, sizeof line,
             "Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
             "response=\"%s\"\r\n",
             u.auth_user, u.realm, u.nonce, u.ruri, resp);
    assert_int_equal(send_authz_line(f, &u, line), 401);
    assert_non_null(strstr(t_last_log(), "\"reason\":\"bad_response\""));

    /* realm other than the challenge's: like a wrong password */
    prepare(f, &u);
    snprintf(u.realm, sizeof u.realm, "example.com");
    az = t_ua_authz(&u, 1, NULL, NULL);
    assert_int_equal(send_authz_line(f, &u, az), 401);
    free(az);

    /* upper-case hex in the response is accepted */
    prepare(f, &u);
    az = t_ua_authz(&u, 1, NULL, NULL);
    char *rp = strstr(az, "response=\"") + 10;
    for (int i = 0; i < 32; i++)
        rp[i] = (char)toupper((unsigned char)rp[i]);
    assert_int_equal(send_authz_line(f, &u, az), 200);
    free(az);
}

static void test_stale_and_binding_of_nonce(void **state)
{
    fx *f = *state;
    t_ua u;
    prepare(f, &u);
    t_now += 301 * 1000;
    sip_msg *r = send_auth(f, &u);
    assert_int_equal(r->status_code, 401);
    char *h = t_hdr(r, "WWW-Authenticate", 0);
    assert_string_equal(t_param(h, "stale"), "true");
    free(h);
    assert_non_null(strstr(t_last_log(), "\"level\":\"info\""));
    assert_non_null(strstr(t_last_log(), "\"reason\":\"stale\""));
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);

    /* a nonce is bound to the Call-ID and the source address */
    prepare(f, &u);
    snprintf(u.call_id, sizeof u.call_id, "another-call-id");
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 401);
    h = t_hdr(r, "WWW-Authenticate", 0);
    assert_string_equal(t_param(h, "stale"), "true");
    free(h);
    sip_msg_free(r);
    prepare(f, &u);
    f->ri = t_ri(0, "192.0.2.99", 40000);
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 401);
    sip_msg_free(r);

    /* a forged nonce with a wrong password: a plain challenge */
    prepare(f, &u);
    snprintf(u.nonce, sizeof u.nonce, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    char *az = t_ua_authz(&u, 1, NULL, "wrong");
    assert_int_equal(send_authz_line(f, &u, az), 401);
    free(az);
    assert_non_null(strstr(t_last_log(), "bad_response"));
}

static void test_replay_and_refresh(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    sip_msg *r = signin(f, &u); /* nc=1 */
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    r = send_auth(f, &u); /* nc=2, cached nonce */
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    /* replay nc=2 with a new CSeq and branch */
    char *az = t_ua_authz(&u, 2, NULL, NULL);
    char *req = t_ua_register(&u, az, 0);
    r = send_text(f, req);
    free(az);
    free(req);
    assert_int_equal(r->status_code, 401);
    char *h = t_hdr(r, "WWW-Authenticate", 0);
    assert_string_equal(t_param(h, "stale"), "true");
    free(h);
    sip_msg_free(r);
    assert_non_null(strstr(t_last_log(), "\"reason\":\"replay\""));
    /* the victim is undisturbed: nc=3 works */
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.replay, 1);
}

static void test_retransmission_cache(void **state)
{
    fx *f = *state;
    t_ua u;
    prepare(f, &u);
    char *az = t_ua_authz(&u, 1, NULL, NULL);
    char *req = t_ua_register(&u, az, 0);
    sip_msg *r = send_text(f, req);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    char *first = strndup(f->rep.data.data, f->rep.data.len);
    t_now += 1000;
    r = send_text(f, req);
    assert_int_equal(r->status_code, 200);
    assert_true(f->rep.from_cache);
    assert_string_equal(first, f->rep.data.data);
    sip_msg_free(r);
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.cache_hits, 1);
    assert_int_equal(st.replay, 0);
    /* after Timer J the retransmission is a replay */
    t_now += 33000;
    sip_core_sweep(f->c);
    r = send_text(f, req);
    assert_int_equal(r->status_code, 401);
    assert_false(f->rep.from_cache);
    sip_msg_free(r);
    free(first);
    free(req);
    free(az);
}

static void test_redirect(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, "moved@contoso.onmicrosoft.com", "Pw-moved");
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 301);
    assert_true(r->reason.len == 31 &&
                memcmp(r->reason.s, "Redirect request to Home Server", 31) == 0);
    assert_int_equal(t_count(r, "Contact"), 1);
    char *c0 = t_hdr(r, "Contact", 0);
    assert_string_equal(c0, "<sip:pool02.contoso.com:5060;transport=udp>;q=0.7");
    free(c0);
    sip_msg_free(r);
    assert_int_equal(bindings(f, "moved@contoso.onmicrosoft.com").n, 0);

    /* homed on pool01 (backup pool01b), arriving at pool02 */
    f->ri = t_ri(1, "192.0.2.7", 40000);
    t_ua_init(&u, ROOM, PW);
    snprintf(u.ruri, sizeof u.ruri, "sip:127.0.0.2:5060");
    r = signin(f, &u);
    assert_int_equal(r->status_code, 301);
    c0 = t_hdr(r, "Contact", 0);
    char *c1 = t_hdr(r, "Contact", 1);
    assert_string_equal(c0, "<sip:pool01.contoso.com:5060;transport=udp>;q=0.7");
    assert_string_equal(c1, "<sip:pool01b.contoso.com:5060;transport=udp>;q=0.3");
    free(c0);
    free(c1);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 0);

    /* a home pool this node does not serve: the receiving port */
    f->ri = t_ri(0, "192.0.2.7", 40000);
    f->ri.local_port = 5080;
    t_ua_init(&u, "away@contoso.onmicrosoft.com", "Pw-away");
    snprintf(u.ruri, sizeof u.ruri, "sip:contoso.onmicrosoft.com");
    r = signin(f, &u);
    assert_int_equal(r->status_code, 301);
    c0 = t_hdr(r, "Contact", 0);
    assert_string_equal(c0, "<sip:pool09.elsewhere.com:5080;transport=udp>;q=0.7");
    free(c0);
    sip_msg_free(r);
}

static void test_expires_rules(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    u.expires = 10;
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 423);
    char *me = t_hdr(r, "Min-Expires", 0);
    assert_string_equal(me, "60");
    free(me);
    sip_msg_free(r);

    u.expires = 86400;
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    char *ct = t_hdr(r, "Contact", 0);
    assert_non_null(strstr(ct, ";expires=3600"));
    free(ct);
    sip_msg_free(r);

    /* the contact parameter wins over the header */
    u.expires = 3600;
    snprintf(u.contact, sizeof u.contact, "<sip:second@10.0.0.9:5062>;expires=120");
    r = send_auth(f, &u);
    assert_int_equal(t_count(r, "Contact"), 2);
    sip_msg_free(r);
    bl b = bindings(f, ROOM);
    assert_int_equal(b.n, 2);
    int found = 0;
    for (int i = 0; i < b.n; i++)
        if (strcmp(b.contact[i], "sip:second@10.0.0.9:5062") == 0 && b.expires[i] == 120)
            found = 1;
    assert_true(found);

    /* no Expires at all: the default */
    u.expires = -1;
    snprintf(u.contact, sizeof u.contact, "<sip:third@10.0.0.9:5062>");
    r = send_auth(f, &u);
    sip_msg_free(r);
    b = bindings(f, ROOM);
    assert_int_equal(b.n, 3);

    /* Expires: 0 removes that contact */
    u.expires = 0;
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(t_count(r, "Contact"), 2);
    sip_msg_free(r);

    /* Contact: * needs Expires: 0 and nothing else */
    u.expires = 3600;
    snprintf(u.contact, sizeof u.contact, "*");
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 400);
    sip_msg_free(r);
    snprintf(u.contact, sizeof u.contact, "*, <sip:x@h>");
    u.expires = 0;
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 400);
    sip_msg_free(r);
    snprintf(u.contact, sizeof u.contact, "*");
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(t_count(r, "Contact"), 0);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 0);
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.aors, 0);
    assert_int_equal(st.bindings, 0);
}

static void test_cseq_order_and_query(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    sip_msg *r = signin(f, &u); /* CSeq 2 */
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    /* query: no Contact */
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", u.contact);
    u.contact[0] = '\0';
    u.expires = -1;
    r = send_auth(f, &u); /* CSeq 3 */
    assert_int_equal(r->status_code, 200);
    char *ct = t_hdr(r, "Contact", 0);
    assert_string_equal(ct, "<sip:room00042@10.0.0.9:5062;transport=udp>;expires=3600");
    free(ct);
    sip_msg_free(r);
    /* same Call-ID, CSeq not above the binding's (2): 400, binding unchanged */
    snprintf(u.contact, sizeof u.contact, "%s", saved);
    u.expires = 300;
    char *az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    char *req = t_ua_register(&u, az, 2);
    r = send_text(f, req);
    assert_int_equal(r->status_code, 400);
    sip_msg_free(r);
    free(req);
    free(az);
    bl b = bindings(f, ROOM);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.expires[0], 3600);
    /* a new Call-ID (reboot) replaces the binding whatever its CSeq */
    snprintf(u.call_id, sizeof u.call_id, "rebooted@10.0.0.9");
    u.cseq = 0;
    req = t_ua_register(&u, NULL, 0);
    r = send_text(f, req);
    free(req);
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    u.expires = 600;
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    b = bindings(f, ROOM);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.expires[0], 600);
}

static void test_contact_limits(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    rs_buf cts = {0};
    for (int i = 0; i < 11; i++)
        rs_buf_printf(&cts, "%s<sip:room00042@127.0.0.%d:5099>", i ? ", " : "", i + 1);
    snprintf(u.contact, sizeof u.contact, "%s", cts.data);
    rs_buf_free(&cts);
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 403);
    sip_msg_free(r);
    /* ten bindings, then an eleventh: the one nearest to expiry goes */
    for (int i = 0; i < 10; i++) {
        snprintf(u.contact, sizeof u.contact, "<sip:dev%d@10.0.0.%d>", i, i + 1);
        u.expires = 600 + i * 10;
        r = send_auth(f, &u);
        assert_int_equal(r->status_code, 200);
        sip_msg_free(r);
        t_now += 1000;
    }
    assert_int_equal(bindings(f, ROOM).n, 10);
    t_nlog = 0;
    snprintf(u.contact, sizeof u.contact, "<sip:dev10@10.0.0.11>");
    u.expires = 3600;
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(t_count(r, "Contact"), 10);
    sip_msg_free(r);
    bl b = bindings(f, ROOM);
    assert_int_equal(b.n, 10);
    for (int i = 0; i < b.n; i++)
        assert_string_not_equal(b.contact[i], "sip:dev0@10.0.0.1");
    assert_non_null(strstr(t_last_log(), "\"event\":\"sip.binding.evicted\""));
}

static void test_outbound(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    const char *inst = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000042>\"";
    snprintf(u.contact, sizeof u.contact, "<sip:room00042@10.0.0.9:5062;ob>;reg-id=1;%s", inst);
    u.extra = "Supported: path, outbound\r\n";
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 200);
    char *req = t_hdr(r, "Require", 0);
    assert_string_equal(req, "outbound");
    free(req);
    char *ct = t_hdr(r, "Contact", 0);
    assert_non_null(strstr(ct, ";reg-id=1"));
    assert_non_null(strstr(ct, "+sip.instance=\"<urn:uuid:"));
    free(ct);
    sip_msg_free(r);
    /* same instance and reg-id from a new address: the flow is replaced */
    snprintf(u.contact, sizeof u.contact, "<sip:room00042@10.0.0.77:6000;ob>;reg-id=1;%s", inst);
    r = send_auth(f, &u);
    assert_int_equal(t_count(r, "Contact"), 1);
    sip_msg_free(r);
    /* without Supported: outbound, reg-id is ignored; the instance alone still replaces */
    u.extra = NULL;
    snprintf(u.contact, sizeof u.contact, "<sip:room00042@10.0.0.78:6000>;%s", inst);
    r = send_auth(f, &u);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(t_count(r, "Require"), 0);
    sip_msg_free(r);
    snprintf(u.contact, sizeof u.contact, "<sip:room00042@10.0.0.79:6000>;%s", inst);
    r = send_auth(f, &u);
    sip_msg_free(r);
    bl b = bindings(f, ROOM);
    assert_int_equal(b.n, 2); /* the reg-id flow and one instance-only binding */
}

/* Gate G5: a locked-out account is refused exactly like a wrong password, is
 * not counted as a failed attempt, and loses its bindings. */
static void test_lockout_gate(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 1);
    int calls = t_locked_calls, failed = t_auth_failed_calls;
    assert_true(calls >= 1); /* asked on every accepted digest */

    char locked_shape[2048], wrong_shape[2048];
    t_locked_aor = "room00042@contoso.onmicrosoft.com";
    t_ua_init(&u, ROOM, PW);
    r = signin(f, &u);
    assert_int_equal(r->status_code, 401);
    shape(r, locked_shape, sizeof locked_shape);
    sip_msg_free(r);
    assert_non_null(strstr(t_last_log(), "\"reason\":\"locked\""));
    assert_int_equal(bindings(f, ROOM).n, 0);
    assert_int_equal(t_auth_failed_calls, failed);

    t_ua_init(&u, ROOM, "wrong");
    r = signin(f, &u);
    shape(r, wrong_shape, sizeof wrong_shape);
    sip_msg_free(r);
    assert_string_equal(locked_shape, wrong_shape);

    t_locked_aor = "";
    t_ua_init(&u, ROOM, PW);
    r = signin(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 1);
}

static void test_drop_and_sweep(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    u.expires = 60;
    sip_msg *r = signin(f, &u);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    assert_int_equal(bindings(f, ROOM).n, 1);
    t_now += 61000;
    assert_int_equal(bindings(f, ROOM).n, 0); /* expired bindings are never listed */
    sip_stats st;
    sip_core_stats(f->c, &st);
    assert_int_equal(st.bindings, 1);
    sip_core_sweep(f->c);
    sip_core_stats(f->c, &st);
    assert_int_equal(st.bindings, 0);
    assert_int_equal(st.aors, 0);

    t_ua_init(&u, ROOM, PW);
    r = signin(f, &u);
    sip_msg_free(r);
    sip_core_drop(f->c, "ROOM00042@contoso.onmicrosoft.com");
    assert_int_equal(bindings(f, ROOM).n, 0);
    sip_core_drop(f->c, "nobody@nowhere");
    sip_core_drop(f->c, NULL);
    assert_int_equal(sip_core_bindings(f->c, NULL, bl_cb, NULL), 0);
}

static void test_security_log_line(void **state)
{
    fx *f = *state;
    t_ua u;
    t_ua_init(&u, ROOM, "wrong");
    sip_msg *r = signin(f, &u);
    sip_msg_free(r);
    const char *l = t_last_log();
    const char *want = "{\"ts\":\"2026-01-05T09:14:03.000Z\",\"level\":\"warning\","
                       "\"event\":\"sip.auth.failed\",\"src\":\"192.0.2.7\",\"sport\":40000,"
                       "\"transport\":\"udp\",\"reason\":\"bad_response\","
                       "\"pool\":\"pool01.contoso.com\","
                       "\"tenant\":\"6c1e0000-0000-4000-8000-000000000001\","
                       "\"realm\":\"contoso.onmicrosoft.com\",\"user_hmac\":\"";
    assert_true(strncmp(l, want, strlen(want)) == 0);
    const char *uh = l + strlen(want);
    for (int i = 0; i < 16; i++)
        assert_true(isxdigit((unsigned char)uh[i]));
    assert_string_equal(uh + 16, "\"}");
    /* no user name, password or HA1 in the line */
    assert_null(strstr(l, "room00042"));
    assert_null(strstr(l, "wrong"));
    char ha1[65];
    sip_digest_ha1(SIP_DIGEST_MD5, ROOM, "contoso.onmicrosoft.com", PW, ha1);
    assert_null(strstr(l, ha1));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_options_and_via),
        T(test_methods),
        T(test_uri_scheme_and_require),
        T(test_request_uri),
        T(test_challenge_format),
        T(test_signin_md5_and_sha256),
        T(test_failures_identical),
        T(test_identity_mismatch),
        T(test_digest_checks),
        T(test_stale_and_binding_of_nonce),
        T(test_replay_and_refresh),
        T(test_retransmission_cache),
        T(test_redirect),
        T(test_expires_rules),
        T(test_cseq_order_and_query),
        T(test_contact_limits),
        T(test_outbound),
        T(test_lockout_gate),
        T(test_drop_and_sweep),
        T(test_security_log_line),
    };
    return cmocka_run_group_tests_name("sip_registrar", tests, NULL, NULL);
}
