/* test_sip_udp.c - the UDP server on loopback: start on ephemeral ports, an
 * OPTIONS ping, a full REGISTER exchange, admin views, start errors, stop
 * (src/sip/sip_udp.c). */
#include "sip_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct cli {
    int fd;
    int port;
} cli;

static cli cli_open(void)
{
    cli c;
    c.fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(c.fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(c.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    getsockname(c.fd, (struct sockaddr *)&a, &l);
    c.port = ntohs(a.sin_port);
    return c;
}

/* Send text to 127.0.0.1:port and wait up to 2 s for one datagram (parsed, caller frees). */
static sip_msg *exchange(cli *c, int port, const char *text)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(sendto(c->fd, text, strlen(text), 0, (struct sockaddr *)&a, sizeof a) > 0);
    struct pollfd pf = {.fd = c->fd, .events = POLLIN};
    if (poll(&pf, 1, 2000) != 1)
        return NULL;
    char buf[65536];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    assert_true(n > 0);
    return sip_msg_parse(buf, (size_t)n, 0);
}

static char *fix_via(const char *req, int port)
{
    /* the UA helper writes 10.0.0.9:5062; point it at our socket */
    const char *p = strstr(req, "10.0.0.9:5062;branch");
    char *out = rs_asprintf("%.*s127.0.0.1:%d%s", (int)(p - req), req, port, p + 13);
    return out;
}

static void test_server_register(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    sip_pool_listen pools[] = {{.fqdn = "pool01.contoso.com", .address = "127.0.0.1"},
                               {.fqdn = "pool02.contoso.com", .address = "127.0.0.1"}};
    /* one receive thread per socket: the junk checks below rely on the
     * thread that answers the probe having handled the junk first */
    sip_settings s = {.pools = pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600,
                      .udp_threads = 1};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.security_log = t_logfn;
    o.sweep_interval_ms = 20;
    sip_server *srv = NULL;
    rs_err err;
    assert_int_equal(sip_server_start_opts(&s, &p, &o, &srv, &err), RS_OK);
    int port = sip_server_port(srv, 0), port2 = sip_server_port(srv, 1);
    assert_true(port > 0 && port2 > 0 && port != port2);
    assert_int_equal(sip_server_port(srv, 2), -1);
    assert_non_null(sip_server_core(srv));

    cli c = cli_open();
    char *opt = rs_asprintf("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
                            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKu1;rport\r\n"
                            "From: <sip:probe@example.com>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                            "Call-ID: u1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                            port, c.port);
    sip_msg *r = exchange(&c, port, opt);
    free(opt);
    assert_non_null(r);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(r->vias[0].rport, c.port);
    sip_msg_free(r);

    /* REGISTER -> 401 -> REGISTER with Authorization -> 200 */
    t_ua u;
    t_ua_init(&u, "room00042@contoso.onmicrosoft.com", "Pw-00042-x9");
    snprintf(u.ruri, sizeof u.ruri, "sip:127.0.0.1:%d", port);
    char *req = t_ua_register(&u, NULL, 0), *req2 = fix_via(req, c.port);
    r = exchange(&c, port, req2);
    free(req);
    free(req2);
    assert_non_null(r);
    assert_int_equal(r->status_code, 401);
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    char *az = t_ua_authz(&u, 1, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    req2 = fix_via(req, c.port);
    r = exchange(&c, port, req2);
    assert_non_null(r);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    /* a retransmission gets the same answer */
    r = exchange(&c, port, req2);
    assert_non_null(r);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    free(req);
    free(req2);
    free(az);

    int n = sip_server_bindings(srv, "room00042@contoso.onmicrosoft.com", NULL, NULL);
    assert_int_equal(n, 1);
    sip_server_drop(srv, "room00042@contoso.onmicrosoft.com");
    assert_int_equal(sip_server_bindings(srv, "room00042@contoso.onmicrosoft.com", NULL, NULL), 0);

    /* junk and oversized datagrams are dropped without stopping the thread */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(c.fd, "\r\n\r\n", 4, 0, (struct sockaddr *)&a, sizeof a);
    sendto(c.fd, "garbage", 7, 0, (struct sockaddr *)&a, sizeof a);
    opt = rs_asprintf("OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKu2;rport\r\n"
                      "From: <sip:probe@example.com>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                      "Call-ID: u2\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                      c.port);
    /* Same socket as the junk: its thread has handled the junk once this answer comes. */
    r = exchange(&c, port, opt);
    free(opt);
    assert_non_null(r);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    sip_stats st;
    sip_core_stats(sip_server_core(srv), &st);
    assert_true(st.dropped >= 2);
    assert_int_equal(st.cache_hits, 1);
    close(c.fd);
    sip_server_stop(srv);
    sip_server_stop(NULL);
}

static void test_server_errors(void **state)
{
    (void)state;
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_server *srv = NULL;
    rs_err err;
    sip_pool_listen bad[] = {{.fqdn = "pool01.contoso.com", .address = "not-an-ip"}};
    sip_settings s = {.pools = bad,
                      .npools = 1,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    assert_int_equal(sip_server_start(&s, &p, &srv, &err), RS_EINVAL);
    assert_null(srv);
    s.npools = 0;
    assert_int_equal(sip_server_start(&s, &p, &srv, &err), RS_EINVAL);

    /* the same port twice: the second bind fails and everything is released */
    sip_pool_listen one[] = {{.fqdn = "pool01.contoso.com", .address = "127.0.0.1", .udp_port = 0}};
    sip_settings s1 = {.pools = one,
                       .npools = 1,
                       .nonce_lifetime_s = 300,
                       .min_expires = 60,
                       .max_expires = 3600,
                       .default_expires = 3600};
    sip_server *a = NULL;
    assert_int_equal(sip_server_start(&s1, &p, &a, &err), RS_OK);
    sip_pool_listen same[] = {
        {.fqdn = "pool01.contoso.com", .address = "127.0.0.1", .udp_port = sip_server_port(a, 0)}};
    sip_settings s2 = {.pools = same,
                       .npools = 1,
                       .nonce_lifetime_s = 300,
                       .min_expires = 60,
                       .max_expires = 3600,
                       .default_expires = 3600};
    assert_int_equal(sip_server_start(&s2, &p, &srv, &err), RS_EIO);
    assert_null(srv);
    assert_non_null(strstr(err.msg, "bind"));
    sip_server_stop(a);

    /* IPv6 literal, when the host has ::1 */
    sip_pool_listen v6[] = {{.fqdn = "pool01.contoso.com", .address = "[::1]", .udp_port = 0}};
    sip_settings s6 = {.pools = v6,
                       .npools = 1,
                       .nonce_lifetime_s = 300,
                       .min_expires = 60,
                       .max_expires = 3600,
                       .default_expires = 3600};
    if (sip_server_start(&s6, &p, &srv, &err) == RS_OK) {
        assert_true(sip_server_port(srv, 0) > 0);
        sip_server_stop(srv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_register),
        cmocka_unit_test(test_server_errors),
    };
    return cmocka_run_group_tests_name("sip_udp", tests, NULL, NULL);
}
