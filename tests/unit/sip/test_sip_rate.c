/* test_sip_rate.c - flood protection through sip_receive() (src/sip/sip_rate.c
 * and its wiring in sip_core.c): request-rate bans, failure bans, silence
 * while banned, the security log lines, exemptions, IPv6 /64 sources, the
 * bounded table, and option validation. Time is the test clock. */
#include "sip_test.h"

static const char *ROOM = "room00042@contoso.onmicrosoft.com";
static const char *PW = "Pw-00042-x9";

static sip_core *core_rl(int requests, int window, int ban, int fails, const char *exempt,
                         size_t sources)
{
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.secret = "unit-test-secret";
    o.secret_len = 16;
    o.nc_slots = 1024;
    o.security_log = t_logfn;
    o.clock_ms = t_clock;
    o.rate_limit_requests = requests;
    o.rate_limit_window_s = window;
    o.ban_seconds = ban;
    o.failure_ban_threshold = fails;
    o.failure_window_s = 600;
    o.rate_limit_exempt = exempt;
    o.rate_limit_sources = sources;
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_OK);
    t_nlog = 0;
    return c;
}

/* One OPTIONS from ip; 1 when answered. */
static int options_from(sip_core *c, const char *ip)
{
    static int n;
    char req[512];
    snprintf(req, sizeof req,
             "OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bK-o%d;rport\r\n"
             "From: <sip:probe@example.com>;tag=o%d\r\nTo: <sip:127.0.0.1>\r\n"
             "Call-ID: opt-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
             n, n, n);
    n++;
    sip_recv_info ri = t_ri(0, ip, 5060);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    int r = sip_receive(c, req, strlen(req), &ri, &rep);
    sip_reply_free(&rep);
    return r;
}

static int count_log(const char *needle)
{
    int n = 0;
    for (int i = 0; i < t_nlog; i++)
        n += strstr(t_log[i], needle) != NULL;
    return n;
}

static void test_off_by_default(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(0, 0, 0, 0, NULL, 0);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(options_from(c, "192.0.2.50"), 1);
    sip_stats st;
    sip_core_stats(c, &st);
    assert_int_equal((int)st.rate_dropped, 0);
    assert_int_equal((int)st.bans, 0);
    sip_core_free(c);
}

static void test_rate_ban_is_silent_and_logged(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(5, 2, 10, 0, "127.0.0.1, ::1", 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(options_from(c, "192.0.2.50"), 1);
    assert_int_equal(t_nlog, 0);
    assert_int_equal(options_from(c, "192.0.2.50"), 0); /* the 6th in 2 s: banned, no reply */
    assert_int_equal(t_nlog, 1);
    /* sign-in.md §8: keys in order, src before anything else */
    assert_string_equal(
        t_log[0], "{\"ts\":\"2026-01-05T09:14:03.000Z\",\"level\":\"warning\",\"event\":"
                  "\"sip.source.banned\",\"src\":\"192.0.2.50\",\"sport\":5060,"
                  "\"transport\":\"udp\",\"reason\":\"rate_limit\",\"pool\":"
                  "\"pool01.contoso.com\",\"tenant\":\"\",\"realm\":\"\",\"user_hmac\":\"\"}");
    /* still silent 9 s later, logged once */
    t_now += 9000;
    for (int i = 0; i < 20; i++)
        assert_int_equal(options_from(c, "192.0.2.50"), 0);
    assert_int_equal(t_nlog, 1);
    /* another source is not affected */
    assert_int_equal(options_from(c, "192.0.2.51"), 1);
    sip_stats st;
    sip_core_stats(c, &st);
    assert_int_equal((int)st.rate_dropped, 21);
    assert_int_equal((int)st.bans, 1);
    assert_int_equal((int)st.banned_sources, 1);
    /* the ban ends: answered again, unban logged once */
    t_now += 1000;
    assert_int_equal(options_from(c, "192.0.2.50"), 1);
    assert_int_equal(t_nlog, 2);
    assert_non_null(strstr(t_log[1], "\"level\":\"info\",\"event\":\"sip.source.unbanned\","
                                     "\"src\":\"192.0.2.50\""));
    sip_core_stats(c, &st);
    assert_int_equal((int)st.banned_sources, 0);
    sip_core_free(c);
}

static void test_window_resets(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(5, 2, 10, 0, NULL, 0);
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 5; i++)
            assert_int_equal(options_from(c, "192.0.2.60"), 1);
        t_now += 2000;
    }
    assert_int_equal(t_nlog, 0);
    sip_core_free(c);
}

static void test_exempt_and_ipv6_prefix(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(3, 10, 60, 0, "127.0.0.1, ::1, 10.0.0.0/8, [2001:db8:ff::]/48", 0);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(options_from(c, "127.0.0.1"), 1);
        assert_int_equal(options_from(c, "::1"), 1);
        assert_int_equal(options_from(c, "10.20.30.40"), 1);
        assert_int_equal(options_from(c, "2001:db8:ff:1::7"), 1);
        assert_int_equal(options_from(c, "::ffff:127.0.0.1"), 1); /* dual-stack socket */
    }
    /* an IPv4-mapped address is the IPv4 source, not an IPv6 /64 */
    assert_int_equal(options_from(c, "::ffff:192.0.2.9"), 1);
    assert_int_equal(options_from(c, "192.0.2.9"), 1);
    assert_int_equal(options_from(c, "::ffff:192.0.2.10"),
                     1); /* same ::ffff:0:0/64, other source */
    assert_int_equal(options_from(c, "::ffff:192.0.2.9"), 1);
    assert_int_equal(options_from(c, "192.0.2.9"), 0);
    /* 127.0.0.2 is not exempt (only 127.0.0.1 is) */
    for (int i = 0; i < 3; i++)
        assert_int_equal(options_from(c, "127.0.0.2"), 1);
    assert_int_equal(options_from(c, "127.0.0.2"), 0);
    /* one IPv6 /64 is one source: two addresses share the budget */
    assert_int_equal(options_from(c, "2001:db8:1:2::1"), 1);
    assert_int_equal(options_from(c, "2001:db8:1:2::ffff"), 1);
    assert_int_equal(options_from(c, "2001:db8:1:2:aaaa::1"), 1);
    assert_int_equal(options_from(c, "2001:db8:1:2::1"), 0);
    /* the next /64 is another source */
    assert_int_equal(options_from(c, "2001:db8:1:3::1"), 1);
    assert_int_equal(count_log("sip.source.banned"), 3);
    sip_core_free(c);
}

/* A wrong-password REGISTER exchange from ip; returns the final status, 0 if dropped. */
static int wrong_password(sip_core *c, const char *ip)
{
    sip_recv_info ri = t_ri(0, ip, 5060);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    snprintf(u.password, sizeof u.password, "not-the-password");
    char *req = t_ua_register(&u, NULL, 0);
    sip_msg *r = t_send(c, &ri, req, &rep);
    free(req);
    if (!r) {
        sip_reply_free(&rep);
        return 0;
    }
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    char *az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    r = t_send(c, &ri, req, &rep);
    free(req);
    free(az);
    int code = r ? r->status_code : 0;
    sip_msg_free(r);
    sip_reply_free(&rep);
    return code;
}

static void test_failure_ban(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(0, 0, 30, 3, "127.0.0.1", 0); /* no rate limit, 3 failures */
    assert_int_equal(wrong_password(c, "198.51.100.9"), 401);
    assert_int_equal(wrong_password(c, "198.51.100.9"), 401);
    assert_int_equal(count_log("sip.source.banned"), 0);
    assert_int_equal(wrong_password(c, "198.51.100.9"), 401); /* the third failure bans */
    assert_int_equal(count_log("sip.source.banned"), 1);
    assert_int_equal(count_log("\"reason\":\"auth_failures\""), 1);
    /* the ban line follows the failure that caused it */
    assert_non_null(strstr(t_log[t_nlog - 2], "sip.auth.failed"));
    assert_non_null(
        strstr(t_log[t_nlog - 1], "\"event\":\"sip.source.banned\",\"src\":\"198.51.100.9\""));
    assert_int_equal(wrong_password(c, "198.51.100.9"), 0); /* silence */
    assert_int_equal(options_from(c, "198.51.100.9"), 0);
    /* the right password from the same source is silenced too */
    sip_recv_info ri = t_ri(0, "198.51.100.9", 5060);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    char *req = t_ua_register(&u, NULL, 0);
    assert_int_equal(sip_receive(c, req, strlen(req), &ri, &rep), 0);
    free(req);
    sip_reply_free(&rep);
    /* exempt sources are never banned for failures */
    for (int i = 0; i < 6; i++)
        assert_int_equal(wrong_password(c, "127.0.0.1"), 401);
    assert_int_equal(count_log("sip.source.banned"), 1);
    /* the sweeper lifts the ban when it ends and logs it */
    t_now += 30000;
    sip_core_sweep(c);
    assert_int_equal(count_log("sip.source.unbanned"), 1);
    assert_non_null(strstr(t_last_log(), "\"src\":\"198.51.100.9\""));
    assert_int_equal(options_from(c, "198.51.100.9"), 1);
    assert_int_equal(count_log("sip.source.unbanned"), 1); /* not twice */
    sip_core_free(c);
}

static void test_stale_is_not_a_failure(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_core *c = core_rl(0, 0, 30, 2, NULL, 0);
    sip_recv_info ri = t_ri(0, "198.51.100.20", 5060);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    for (int i = 0; i < 4; i++) {
        t_ua u;
        t_ua_init(&u, ROOM, PW);
        char *req = t_ua_register(&u, NULL, 0);
        sip_msg *r = t_send(c, &ri, req, &rep);
        free(req);
        t_ua_take_challenge(&u, r, NULL);
        sip_msg_free(r);
        t_now += 301 * 1000; /* the nonce expires */
        char *az = t_ua_authz(&u, ++u.nc, NULL, NULL);
        req = t_ua_register(&u, az, 0);
        r = t_send(c, &ri, req, &rep);
        assert_non_null(r);
        assert_int_equal(r->status_code, 401); /* stale=true */
        sip_msg_free(r);
        free(req);
        free(az);
    }
    sip_reply_free(&rep);
    assert_int_equal(count_log("sip.source.banned"), 0);
    sip_core_free(c);
}

static void test_table_is_bounded(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    /* the smallest table (64 sets of 8); a banned source outlives a spray */
    sip_core *c = core_rl(2, 60, 60, 0, NULL, 1);
    for (int i = 0; i < 2; i++)
        assert_int_equal(options_from(c, "203.0.113.1"), 1);
    assert_int_equal(options_from(c, "203.0.113.1"), 0);
    char ip[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        assert_int_equal(options_from(c, ip), 1);
    }
    assert_int_equal(options_from(c, "203.0.113.1"), 0); /* still banned */
    sip_stats st;
    sip_core_stats(c, &st);
    assert_int_equal((int)st.banned_sources, 1);
    sip_core_free(c);
}

static void test_bad_options(void **state)
{
    (void)state;
    sip_settings s = {.pools = t_pools, .npools = 2};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    static const char *const bad[] = {"127.0.0.1/33", "not-an-ip",  "10.0.0.0/",
                                      "::1/129",      "10.0.0.0/x", "1.2.3.4.5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sip_options o;
        memset(&o, 0, sizeof o);
        o.rate_limit_requests = 10;
        o.rate_limit_exempt = bad[i];
        sip_core *c = (sip_core *)1;
        rs_err err;
        assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_EINVAL);
        assert_null(c);
        assert_non_null(strstr(err.msg, "rate_limit_exempt"));
    }
    sip_options o;
    memset(&o, 0, sizeof o);
    o.rate_limit_requests = -1;
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_by_default),
        cmocka_unit_test(test_rate_ban_is_silent_and_logged),
        cmocka_unit_test(test_window_resets),
        cmocka_unit_test(test_exempt_and_ipv6_prefix),
        cmocka_unit_test(test_failure_ban),
        cmocka_unit_test(test_stale_is_not_a_failure),
        cmocka_unit_test(test_table_is_bounded),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
