/* test_sip_metrics.c - per-pool registrar figures (sip_core_pool_stats in
 * src/sip/sip_core.c, sip__loc_pool_counts in sip_loc.c): which outcome each
 * REGISTER answer counts as, on which pool, and the live binding counts. */
#include "sip_test.h"

static const char *ROOM = "room00042@contoso.onmicrosoft.com";
static const char *PW = "Pw-00042-x9";

static sip_pool_stats pool(sip_core *c, const char *fqdn)
{
    sip_pool_stats ps;
    assert_int_equal(sip_core_pool_stats(c, fqdn, &ps), 0);
    return ps;
}

static int send_on(sip_core *c, int p, const char *ip, const char *text, sip_reply *rep)
{
    sip_recv_info ri = t_ri(p, ip, 40000);
    if (!sip_receive(c, text, strlen(text), &ri, rep))
        return 0;
    return rep->status;
}

static void test_outcomes_per_pool(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = t_core();
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    sip_recv_info ri0 = t_ri(0, "192.0.2.7", 40000), ri1 = t_ri(1, "192.0.2.7", 40000);

    /* a sign-in on pool01: one challenge, one registration */
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    sip_msg *r = t_ua_signin(c, &ri0, &u, &rep);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    /* its retransmission is answered from the cache */
    char *az = t_ua_authz(&u, u.nc, NULL, NULL);
    u.branch--;
    char *req = t_ua_register(&u, az, u.cseq);
    assert_int_equal(send_on(c, 0, "192.0.2.7", req, &rep), 200);
    assert_int_equal(rep.from_cache, 1);
    free(req);
    free(az);
    sip_pool_stats p0 = pool(c, "POOL01.contoso.com");
    assert_int_equal((int)p0.registered, 1);
    assert_int_equal((int)p0.challenged, 1);
    assert_int_equal((int)p0.retransmissions, 1);
    assert_int_equal((int)p0.bindings, 1);
    assert_int_equal((int)p0.aors, 1);

    /* a wrong password: two 401s, one failure */
    t_ua w;
    t_ua_init(&w, "room00043@contoso.onmicrosoft.com", "not-it");
    r = t_ua_signin(c, &ri0, &w, &rep);
    assert_int_equal(r->status_code, 401);
    sip_msg_free(r);
    /* a refused account (gate): a 401 counted as refused */
    t_ua d;
    t_ua_init(&d, "disabled@contoso.onmicrosoft.com", "Pw-dis");
    r = t_ua_signin(c, &ri0, &d, &rep);
    assert_int_equal(r->status_code, 401);
    sip_msg_free(r);
    /* too brief an expiry: rejected (423) */
    t_ua b;
    t_ua_init(&b, ROOM, PW);
    b.expires = 10;
    r = t_ua_signin(c, &ri0, &b, &rep);
    assert_int_equal(r->status_code, 423);
    sip_msg_free(r);
    /* garbage with a Via: malformed */
    assert_int_equal(send_on(c, 0, "192.0.2.7",
                             "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9\r\n"
                             "CSeq: x REGISTER\r\n\r\n",
                             &rep),
                     400);
    /* the room at pool02 is sent home */
    t_ua h;
    t_ua_init(&h, ROOM, PW);
    r = t_ua_signin(c, &ri1, &h, &rep);
    assert_int_equal(r->status_code, 301);
    sip_msg_free(r);

    p0 = pool(c, "pool01.contoso.com");
    assert_int_equal((int)p0.registered, 1);
    assert_int_equal((int)p0.challenged, 1 + 2 + 2 + 1);
    assert_int_equal((int)p0.auth_failed, 1);
    assert_int_equal((int)p0.refused, 1);
    assert_int_equal((int)p0.rejected, 1);
    assert_int_equal((int)p0.malformed, 1);
    assert_int_equal((int)p0.redirected, 0);
    sip_pool_stats p1 = pool(c, "pool02.contoso.com");
    assert_int_equal((int)p1.redirected, 1);
    assert_int_equal((int)p1.challenged, 1);
    assert_int_equal((int)p1.registered, 0);
    assert_int_equal((int)p1.bindings, 0);

    /* a stale nonce */
    t_now += 301 * 1000;
    az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    assert_int_equal(send_on(c, 0, "192.0.2.7", req, &rep), 401);
    free(req);
    free(az);
    assert_int_equal((int)pool(c, "pool01.contoso.com").stale, 1);

    /* bindings expire from the live counts before the sweep */
    t_now += 3600 * 1000;
    p0 = pool(c, "pool01.contoso.com");
    assert_int_equal((int)p0.bindings, 0);
    assert_int_equal((int)p0.aors, 0);

    sip_pool_stats none;
    assert_int_equal(sip_core_pool_stats(c, "pool77.elsewhere.com", &none), -1);
    assert_int_equal(sip_core_pool_stats(c, NULL, &none), -1);
    sip_reply_free(&rep);
    sip_core_free(c);
}

static void test_banned_per_pool(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.security_log = t_logfn;
    o.clock_ms = t_clock;
    o.rate_limit_requests = 2;
    o.rate_limit_window_s = 10;
    o.ban_seconds = 60;
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_OK);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    for (int i = 0; i < 5; i++) {
        char *req = t_ua_register(&u, NULL, 0);
        send_on(c, i < 4 ? 1 : 0, "198.51.100.1", req, &rep);
        free(req);
    }
    assert_int_equal((int)pool(c, "pool02.contoso.com").banned, 2);
    assert_int_equal((int)pool(c, "pool02.contoso.com").challenged, 2);
    assert_int_equal((int)pool(c, "pool01.contoso.com").banned, 1);
    sip_stats st;
    sip_core_stats(c, &st);
    assert_int_equal((int)st.rate_dropped, 3);
    sip_reply_free(&rep);
    sip_core_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes_per_pool),
        cmocka_unit_test(test_banned_per_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
