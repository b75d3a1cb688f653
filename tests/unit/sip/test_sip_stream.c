/* test_sip_stream.c - the TCP and TLS transports (src/sip/sip_stream.c) on a
 * real sip_server on loopback: Content-Length framing (two messages in one
 * segment, one message byte by byte), CRLF keep-alives, framing errors (400 +
 * close), the size limit (513 + close), the per-IP limit, the idle timeout,
 * a TLS handshake with a GnuTLS client and a sign-in over each transport,
 * IPv6 (skipped without ::1), UDP with several threads and address lists.
 * No timing assertions: closes are waited for with generous bounds. */
#include "sip_test.h"
#include "sip_test_net.h"

#include "sip_int.h"

static char *options(int n)
{
    return rs_asprintf("OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-opt-%d\r\n"
                       "Max-Forwards: 70\r\n"
                       "From: <sip:probe@contoso.onmicrosoft.com>;tag=o%d\r\n"
                       "To: <sip:pool01.contoso.com>\r\n"
                       "Call-ID: opt-%d@test\r\n"
                       "CSeq: %d OPTIONS\r\n"
                       "Content-Length: 0\r\n\r\n",
                       n, n, n, n);
}

/* A REGISTER from the t_ua helper, addressed to a served domain. */
static void ua_for_stream(t_ua *u, const char *aor, const char *pw)
{
    t_ua_init(u, aor, pw);
    snprintf(u->ruri, sizeof u->ruri, "sip:contoso.onmicrosoft.com");
}

/* REGISTER -> 401 -> REGISTER with credentials on one connection; returns
 * the final status. */
static int signin(t_conn *c, const char *aor, const char *pw)
{
    t_ua u;
    ua_for_stream(&u, aor, pw);
    char *req = t_ua_register(&u, NULL, 0);
    assert_int_equal(t_conn_send(c, req, strlen(req)), 0);
    free(req);
    int base = t_conn_count(c);
    assert_int_equal(t_conn_wait(c, base + 1), base + 1);
    assert_int_equal(t_conn_status(c, base), 401);
    sip_msg *r = t_conn_msg(c, base);
    assert_non_null(r);
    t_ua_take_challenge(&u, r, NULL);
    sip_msg_free(r);
    char *az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    free(az);
    assert_int_equal(t_conn_send(c, req, strlen(req)), 0);
    free(req);
    assert_int_equal(t_conn_wait(c, base + 2), base + 2);
    return t_conn_status(c, base + 1);
}

/* The framer on its own: every rule, and every prefix of a message. */
static void test_frame_rules(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        sip__frame_kind kind;
        size_t n; /* (size_t)-1: the whole input */
    } cases[] = {
        {"", SIP__FR_NEED, 0},
        {"\r", SIP__FR_NEED, 0},
        {"\r\n", SIP__FR_NEED, 0},
        {"\r\n\r", SIP__FR_NEED, 0},
        {"\r\n\r\n", SIP__FR_PING, 4},
        {"\r\nO", SIP__FR_SKIP, 2},
        {"\nO", SIP__FR_SKIP, 1},
        {"\rO", SIP__FR_SKIP, 1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 0\r\n", SIP__FR_NEED, 0},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 0\r\n\r\n", SIP__FR_MSG, (size_t)-1},
        {"OPTIONS x SIP/2.0\nl:0\n\n", SIP__FR_MSG, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nCONTENT-LENGTH : 3\r\n\r\nabcNEXT", SIP__FR_MSG, 44},
        {"OPTIONS x SIP/2.0\r\nContent-Length:\r\n  2\r\n\r\nab", SIP__FR_MSG, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 5\r\n\r\nab", SIP__FR_NEED, 0},
        {"OPTIONS x SIP/2.0\r\nX-Content-Length: 5\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 5x\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: -1\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 1 2\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 1234567890\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nl: 0\r\nContent-Length: 0\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length 0\r\n\r\n", SIP__FR_BAD, (size_t)-1},
        {"OPTIONS x SIP/2.0\r\nContent-Length: 65536\r\n\r\n", SIP__FR_TOOBIG, (size_t)-1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t scanned = 0, n = 99;
        size_t len = strlen(cases[i].in);
        sip__frame_kind k = sip__frame(cases[i].in, len, &scanned, &n);
        size_t want = cases[i].n == (size_t)-1 ? len : cases[i].n;
        if (k != cases[i].kind || n != want)
            fail_msg("case %zu: kind %d n %zu, want %d %zu", i, k, n, cases[i].kind, want);
    }
    /* every prefix of a message with a body: NEED until the last byte, and
     * the resumed scan finds the same end as a fresh one */
    const char *m = "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n"
                    "Content-Length: 4\r\n\r\n\r\n\r\n";
    size_t len = strlen(m), scanned = 0;
    for (size_t p = 1; p < len; p++) {
        size_t n, fresh = 0;
        assert_int_equal(sip__frame(m, p, &scanned, &n), SIP__FR_NEED);
        assert_int_equal(sip__frame(m, p, &fresh, &n), SIP__FR_NEED);
    }
    size_t n;
    assert_int_equal(sip__frame(m, len, &scanned, &n), SIP__FR_MSG);
    assert_int_equal(n, len);
    /* 64 KiB without a blank line: too big, nothing to answer */
    char *big = malloc(70000);
    memset(big, 'a', 70000);
    scanned = 0;
    assert_int_equal(sip__frame(big, 70000, &scanned, &n), SIP__FR_TOOBIG);
    assert_int_equal(n, 0);
    free(big);
}

static void test_framing(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", NULL);
    int port = sip_server_tcp_port(srv, 0);
    assert_true(port > 0);
    assert_true(sip_server_tls_port(srv, 0) > 0 && sip_server_tls_port(srv, 0) != port);
    assert_int_equal(sip_server_tcp_port(srv, 1), -1);

    /* two messages in one segment: two answers, in order */
    t_conn *c = t_conn_open("127.0.0.1", port, 0);
    assert_non_null(c);
    char *a = options(1), *b = options(2);
    char *both = rs_asprintf("%s%s", a, b);
    assert_int_equal(t_conn_send(c, both, strlen(both)), 0);
    assert_int_equal(t_conn_wait(c, 2), 2);
    assert_int_equal(t_conn_status(c, 0), 200);
    assert_int_equal(t_conn_status(c, 1), 200);
    assert_non_null(strstr(c->buf, "CSeq: 1 OPTIONS"));
    assert_true(strstr(c->buf, "CSeq: 1 OPTIONS") < strstr(c->buf, "CSeq: 2 OPTIONS"));
    free(both);

    /* one message split byte by byte (each byte its own segment) */
    t_conn_clear(c);
    for (size_t i = 0; i < strlen(a); i++) {
        assert_int_equal(t_conn_send(c, a + i, 1), 0);
        if (i % 64 == 0)
            usleep(1000);
    }
    assert_int_equal(t_conn_wait(c, 1), 1);
    assert_int_equal(t_conn_status(c, 0), 200);

    /* RFC 5626 keep-alive: CRLF CRLF -> CRLF; leading CRLFs before a message are skipped */
    t_conn_clear(c);
    assert_int_equal(t_conn_send(c, "\r\n\r\n", 4), 0);
    int64_t end = t_ms() + T_NET_WAIT_MS;
    while (c->len < 2 && t_ms() < end)
        t_conn_read(c, 100);
    assert_int_equal(c->len, 2);
    assert_memory_equal(c->buf, "\r\n", 2);
    t_conn_clear(c);
    char *lead = rs_asprintf("\r\n%s", b);
    assert_int_equal(t_conn_send(c, lead, strlen(lead)), 0);
    free(lead);
    assert_int_equal(t_conn_wait(c, 1), 1);
    assert_int_equal(t_conn_status(c, 0), 200);

    /* a body is framed by Content-Length: the next message follows it */
    t_conn_clear(c);
    char *body = rs_asprintf("OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                             "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-body\r\n"
                             "From: <sip:p@contoso.onmicrosoft.com>;tag=b\r\n"
                             "To: <sip:pool01.contoso.com>\r\nCall-ID: body@test\r\n"
                             "CSeq: 7 OPTIONS\r\nContent-Type: text/plain\r\n"
                             "l: 12\r\n\r\nREGISTER x\r\n%s",
                             a);
    assert_int_equal(t_conn_send(c, body, strlen(body)), 0);
    free(body);
    assert_int_equal(t_conn_wait(c, 2), 2);
    assert_int_equal(t_conn_status(c, 0), 200);
    assert_int_equal(t_conn_status(c, 1), 200);
    assert_false(c->eof);

    /* a sign-in over TCP on the same connection */
    t_conn_clear(c);
    assert_int_equal(signin(c, "room00042@contoso.onmicrosoft.com", "Pw-00042-x9"), 200);
    sip_msg *r = t_conn_msg(c, 1);
    char *via = t_hdr(r, "Via", 0);
    assert_non_null(strstr(via, "received=127.0.0.1"));
    free(via);
    sip_msg_free(r);
    t_conn_close(c);
    free(a);
    free(b);
    assert_int_equal(t_wait_connections(srv, 0), 0);
    sip_server_stop(srv);
}

/* Send text on a new connection; expect status `want` (0: no answer) and then a close. */
static void expect_close(int port, const char *text, size_t len, int want)
{
    t_conn *c = t_conn_open("127.0.0.1", port, 0);
    assert_non_null(c);
    (void)t_conn_send(c, text, len); /* may fail once the server has closed */
    assert_true(t_conn_wait_eof(c, 10000));
    if (want) {
        assert_int_equal(t_conn_count(c), 1);
        assert_int_equal(t_conn_status(c, 0), want);
    } else {
        assert_int_equal(c->len, 0);
    }
    t_conn_close(c);
}

/* Many messages (some with a body, some after a stray CRLF) cut at
 * pseudo-random points, over TCP and TLS: every one answered, in order. */
static void test_random_cuts(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", NULL);
    rs_buf all = {0};
    enum { N = 40 };
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0)
            rs_buf_puts(&all, "\r\n");
        if (i % 4 == 1)
            rs_buf_printf(&all,
                          "OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                          "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-r%d\r\n"
                          "From: <sip:p@contoso.onmicrosoft.com>;tag=r\r\n"
                          "To: <sip:pool01.contoso.com>\r\nCall-ID: r%d@test\r\n"
                          "CSeq: %d OPTIONS\r\nContent-Type: text/plain\r\n"
                          "Content-Length: 7\r\n\r\nx\r\n\r\nyz",
                          i, i, i + 1);
        else {
            char *o = options(i + 1);
            rs_buf_puts(&all, o);
            free(o);
        }
    }
    for (int tls = 0; tls < 2; tls++) {
        t_conn *c = t_conn_open(
            "127.0.0.1", tls ? sip_server_tls_port(srv, 0) : sip_server_tcp_port(srv, 0), tls);
        assert_non_null(c);
        unsigned seed = 12345u + (unsigned)tls;
        for (size_t off = 0; off < all.len;) {
            seed = seed * 1103515245u + 12345u;
            size_t n = 1 + (seed >> 16) % 300;
            if (n > all.len - off)
                n = all.len - off;
            assert_int_equal(t_conn_send(c, all.data + off, n), 0);
            off += n;
            if ((seed >> 8) % 4 == 0)
                usleep(500);
        }
        assert_int_equal(t_conn_wait(c, N), N);
        for (int i = 0; i < N; i++) {
            assert_int_equal(t_conn_status(c, i), 200);
            sip_msg *r = t_conn_msg(c, i);
            assert_non_null(r);
            assert_int_equal(r->cseq, i + 1);
            sip_msg_free(r);
        }
        t_conn_close(c);
    }
    rs_buf_free(&all);
    sip_server_stop(srv);
}

/* A room homed on another pool, signing in over TCP/TLS: the 301 names the
 * home pool's own TCP/TLS port. */
static void test_redirect_ports(void **state)
{
    (void)state;
    t_net_cert();
    sip_pool_listen pools[] = {{.fqdn = "pool01.contoso.com",
                                .address = "127.0.0.1",
                                .tcp_port = SIP_PORT_ANY,
                                .tls_port = SIP_PORT_ANY},
                               {.fqdn = "pool02.contoso.com",
                                .address = "127.0.0.1",
                                .tcp_port = SIP_PORT_ANY,
                                .tls_port = SIP_PORT_ANY}};
    sip_settings s = {.pools = pools,
                      .npools = 2,
                      .tls_cert_pem = t_cert_pem,
                      .tls_key_pem = t_key_pem,
                      .udp_threads = 1,
                      .stream_threads = 1};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.security_log = t_logfn;
    o.algorithms = "MD5";
    sip_server *srv = NULL;
    rs_err err;
    assert_int_equal(sip_server_start_opts(&s, &p, &o, &srv, &err), RS_OK);
    for (int tls = 0; tls < 2; tls++) {
        int port = tls ? sip_server_tls_port(srv, 0) : sip_server_tcp_port(srv, 0);
        int home = tls ? sip_server_tls_port(srv, 1) : sip_server_tcp_port(srv, 1);
        assert_true(home > 0 && home != port);
        t_conn *c = t_conn_open("127.0.0.1", port, tls);
        assert_non_null(c);
        assert_int_equal(signin(c, "moved@contoso.onmicrosoft.com", "Pw-moved"), 301);
        char want[64];
        snprintf(want, sizeof want, "<sip:pool02.contoso.com:%d;transport=%s>", home,
                 tls ? "tls" : "tcp");
        if (!strstr(c->buf, want))
            fail_msg("no %s in\n%s", want, c->buf);
        t_conn_close(c);
    }
    sip_server_stop(srv);
}

static void test_framing_errors(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", NULL);
    int port = sip_server_tcp_port(srv, 0);
    const char *head = "OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-bad\r\n"
                       "From: <sip:p@contoso.onmicrosoft.com>;tag=b\r\n"
                       "To: <sip:pool01.contoso.com>\r\nCall-ID: bad@test\r\n"
                       "CSeq: 1 OPTIONS\r\n";
    /* missing, malformed, negative, repeated Content-Length: 400 then close */
    const char *tails[] = {"\r\n", "Content-Length: abc\r\n\r\n", "Content-Length: -1\r\n\r\n",
                           "Content-Length: 0\r\nContent-Length: 0\r\n\r\n",
                           "Content-Length: 1 2\r\n\r\n"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        char *m = rs_asprintf("%s%s", head, tails[i]);
        expect_close(port, m, strlen(m), 400);
        free(m);
    }
    /* missing Content-Length and no Via: nothing to address, just closed */
    const char *novia = "OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n";
    expect_close(port, novia, strlen(novia), 0);

    /* above the 64 KiB limit by its Content-Length: 513 then close */
    char *big = rs_asprintf("%sContent-Length: 70000\r\n\r\n", head);
    expect_close(port, big, strlen(big), 513);
    free(big);
    /* headers that never end within 64 KiB: closed without an answer */
    size_t n = 70000;
    char *flood = malloc(n);
    size_t hl = strlen(head);
    memcpy(flood, head, hl);
    for (size_t i = hl; i < n; i += 10)
        memcpy(flood + i, "X-Pad: ab\n", n - i < 10 ? n - i : 10);
    expect_close(port, flood, n, 0);
    free(flood);

    /* the server still answers */
    t_conn *c = t_conn_open("127.0.0.1", port, 0);
    char *o = options(9);
    assert_int_equal(t_conn_send(c, o, strlen(o)), 0);
    assert_int_equal(t_conn_wait(c, 1), 1);
    assert_int_equal(t_conn_status(c, 0), 200);
    free(o);
    t_conn_close(c);
    sip_server_stop(srv);
}

static void three_per_ip(sip_settings *s)
{
    s->max_connections_per_ip = 3;
}

static void test_per_ip_limit(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", three_per_ip);
    int port = sip_server_tcp_port(srv, 0);
    t_conn *c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = t_conn_open("127.0.0.1", port, 0);
        assert_non_null(c[i]);
    }
    assert_int_equal(t_wait_connections(srv, 3), 3);
    /* the fourth (TCP or TLS: the limit counts both) is closed at once */
    t_conn *x = t_conn_open("127.0.0.1", port, 0);
    assert_non_null(x); /* the kernel accepted it; the server closes it */
    assert_true(t_conn_wait_eof(x, 10000));
    t_conn_close(x);
    assert_null(t_conn_open("127.0.0.1", sip_server_tls_port(srv, 0), 1));
    assert_int_equal(sip_server_connections(srv), 3);
    /* the first three still work */
    char *o = options(3);
    assert_int_equal(t_conn_send(c[2], o, strlen(o)), 0);
    assert_int_equal(t_conn_wait(c[2], 1), 1);
    /* one leaves: a new one is admitted */
    t_conn_close(c[0]);
    assert_int_equal(t_wait_connections(srv, 2), 2);
    x = t_conn_open("127.0.0.1", port, 0);
    assert_int_equal(t_conn_send(x, o, strlen(o)), 0);
    assert_int_equal(t_conn_wait(x, 1), 1);
    assert_int_equal(t_conn_status(x, 0), 200);
    free(o);
    t_conn_close(x);
    t_conn_close(c[1]);
    t_conn_close(c[2]);
    assert_int_equal(t_wait_connections(srv, 0), 0);
    sip_server_stop(srv);
}

static void short_idle(sip_settings *s)
{
    s->unauth_timeout_s = 1;
    s->idle_timeout_s = 2;
    s->tls_handshake_timeout_s = 1;
}

static void test_idle_timeout(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", short_idle);
    /* a silent TCP connection, a TLS one that never says hello, and a signed-in one */
    t_conn *quiet = t_conn_open("127.0.0.1", sip_server_tcp_port(srv, 0), 0);
    t_conn *nohello = t_conn_open("127.0.0.1", sip_server_tls_port(srv, 0), 0);
    t_conn *auth = t_conn_open("127.0.0.1", sip_server_tcp_port(srv, 0), 0);
    assert_non_null(quiet);
    assert_non_null(nohello);
    assert_non_null(auth);
    assert_int_equal(signin(auth, "room00043@contoso.onmicrosoft.com", "Pw-00043-x9"), 200);
    /* a message trickling in a byte every 200 ms never idles, but must arrive
     * whole within the unauthenticated timeout of its first byte */
    t_conn *slow = t_conn_open("127.0.0.1", sip_server_tcp_port(srv, 0), 0);
    assert_non_null(slow);
    char *o = options(77);
    int64_t end = t_ms() + 15000;
    int cut = 0; /* the server closed while the bytes were still coming */
    for (size_t i = 0; o[i] && !cut && t_ms() < end; i++) {
        cut = t_conn_send(slow, o + i, 1) < 0;
        t_conn_read(slow, 200);
        cut |= slow->eof;
    }
    free(o);
    assert_true(cut);
    assert_int_equal(slow->len, 0);
    t_conn_close(slow);
    assert_true(t_conn_wait_eof(quiet, 15000));
    assert_true(t_conn_wait_eof(nohello, 15000));
    assert_true(t_conn_wait_eof(auth, 15000));
    assert_int_equal(t_wait_connections(srv, 0), 0);
    t_conn_close(quiet);
    t_conn_close(nohello);
    t_conn_close(auth);
    sip_server_stop(srv);
}

static void test_tls(void **state)
{
    (void)state;
    sip_server *srv = t_net_server("127.0.0.1", NULL);
    int port = sip_server_tls_port(srv, 0);
    t_conn *c = t_conn_open("127.0.0.1", port, 1);
    assert_non_null(c);
    gnutls_protocol_t v = gnutls_protocol_get_version(c->ses);
    assert_true(v == GNUTLS_TLS1_3 || v == GNUTLS_TLS1_2);
    /* first REGISTER: 401 with a digest challenge */
    t_ua u;
    ua_for_stream(&u, "room00042@contoso.onmicrosoft.com", "Pw-00042-x9");
    char *req = t_ua_register(&u, NULL, 0);
    assert_int_equal(t_conn_send(c, req, strlen(req)), 0);
    free(req);
    assert_int_equal(t_conn_wait(c, 1), 1);
    assert_int_equal(t_conn_status(c, 0), 401);
    assert_non_null(strstr(c->buf, "WWW-Authenticate: Digest"));
    /* keep-alive inside TLS */
    t_conn_clear(c);
    assert_int_equal(t_conn_send(c, "\r\n\r\n", 4), 0);
    int64_t end = t_ms() + T_NET_WAIT_MS;
    while (c->len < 2 && t_ms() < end)
        t_conn_read(c, 100);
    assert_int_equal(c->len, 2);
    /* a full sign-in, then a wrong password */
    t_conn_clear(c);
    assert_int_equal(signin(c, "room00042@contoso.onmicrosoft.com", "Pw-00042-x9"), 200);
    t_conn_clear(c);
    assert_int_equal(signin(c, "room00042@contoso.onmicrosoft.com", "wrong"), 401);
    t_conn_close(c);

    /* TLS 1.2 alone is served too */
    c = t_conn_open("127.0.0.1", port, 2);
    assert_non_null(c);
    assert_int_equal(gnutls_protocol_get_version(c->ses), GNUTLS_TLS1_2);
    t_conn_close(c);
    sip_server_stop(srv);
}

static void test_ipv6_and_lists(void **state)
{
    (void)state;
    if (!t_have_ipv6())
        skip();
    sip_server *srv = t_net_server("127.0.0.1, [::1]", NULL);
    for (int tls = 0; tls < 2; tls++) {
        int port = tls ? sip_server_tls_port(srv, 0) : sip_server_tcp_port(srv, 0);
        const char *ips[] = {"127.0.0.1", "::1"};
        for (int i = 0; i < 2; i++) {
            t_conn *c = t_conn_open(ips[i], port, tls);
            assert_non_null(c);
            char *o = options(20 + i);
            assert_int_equal(t_conn_send(c, o, strlen(o)), 0);
            free(o);
            assert_int_equal(t_conn_wait(c, 1), 1);
            assert_int_equal(t_conn_status(c, 0), 200);
            if (i == 1) {
                sip_msg *r = t_conn_msg(c, 0);
                char *via = t_hdr(r, "Via", 0);
                assert_non_null(strstr(via, "received=::1"));
                free(via);
                sip_msg_free(r);
            }
            t_conn_close(c);
        }
    }
    /* UDP on both addresses, same port */
    int uport = sip_server_port(srv, 0);
    const char *ips[] = {"127.0.0.1", "::1"};
    for (int i = 0; i < 2; i++) {
        int fam = i ? AF_INET6 : AF_INET;
        int fd = socket(fam, SOCK_DGRAM, 0);
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof ss);
        socklen_t sl;
        if (i) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            a->sin6_family = AF_INET6;
            a->sin6_port = htons((uint16_t)uport);
            inet_pton(AF_INET6, ips[i], &a->sin6_addr);
            sl = sizeof *a;
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            a->sin_family = AF_INET;
            a->sin_port = htons((uint16_t)uport);
            inet_pton(AF_INET, ips[i], &a->sin_addr);
            sl = sizeof *a;
        }
        const char *o = "OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-u6;rport\r\n"
                        "From: <sip:p@contoso.onmicrosoft.com>;tag=u\r\n"
                        "To: <sip:pool01.contoso.com>\r\nCall-ID: u6@test\r\n"
                        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        assert_true(sendto(fd, o, strlen(o), 0, (struct sockaddr *)&ss, sl) > 0);
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&pf, 1, T_NET_WAIT_MS), 1);
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        assert_true(n > 12);
        assert_memory_equal(buf, "SIP/2.0 200 ", 12);
        close(fd);
    }
    sip_server_stop(srv);
}

static void test_start_errors(void **state)
{
    (void)state;
    t_net_cert();
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_server *srv = NULL;
    rs_err err;
    /* TLS without a certificate */
    sip_pool_listen pl = {
        .fqdn = "pool01.contoso.com", .address = "127.0.0.1", .tls_port = SIP_PORT_ANY};
    sip_settings s = {.pools = &pl, .npools = 1};
    assert_int_equal(sip_server_start(&s, &p, &srv, &err), RS_EINVAL);
    assert_null(srv);
    assert_non_null(strstr(err.msg, "certificate"));
    /* a key that is not one (an unparsable certificate leaks inside GnuTLS 3.7.9) */
    s.tls_cert_pem = t_cert_pem;
    s.tls_key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_int_equal(sip_server_start(&s, &p, &srv, &err), RS_EINVAL);
    assert_null(srv);
    /* bad address lists */
    const char *bad[] = {"", "127.0.0.1,,", "127.0.0.1, 127.0.0.1", "127.0.0.1, host.example",
                         "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5,6.6.6.6,7.7.7.7,8.8.8.8,9.9.9.9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pl = (sip_pool_listen){.fqdn = "pool01.contoso.com", .address = bad[i]};
        int rc = sip_server_start(&s, &p, &srv, &err);
        if (i == 1) { /* empty items are skipped: one address */
            assert_int_equal(rc, RS_OK);
            sip_server_stop(srv);
            srv = NULL;
            continue;
        }
        assert_int_equal(rc, RS_EINVAL);
        assert_null(srv);
    }
    /* the TCP port taken: everything released, the error says which */
    sip_server *a = t_net_server("127.0.0.1", NULL);
    pl = (sip_pool_listen){.fqdn = "pool01.contoso.com",
                           .address = "127.0.0.1",
                           .tcp_port = sip_server_tcp_port(a, 0)};
    s.tls_cert_pem = NULL;
    assert_int_equal(sip_server_start(&s, &p, &srv, &err), RS_EIO);
    assert_null(srv);
    assert_non_null(strstr(err.msg, "tcp"));
    sip_server_stop(a);
}

static int teardown(void **state)
{
    (void)state;
    t_net_cert_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_rules),    cmocka_unit_test(test_framing),
        cmocka_unit_test(test_framing_errors), cmocka_unit_test(test_random_cuts),
        cmocka_unit_test(test_redirect_ports), cmocka_unit_test(test_per_ip_limit),
        cmocka_unit_test(test_idle_timeout),   cmocka_unit_test(test_tls),
        cmocka_unit_test(test_ipv6_and_lists), cmocka_unit_test(test_start_errors),
    };
    return cmocka_run_group_tests_name("sip_stream", tests, NULL, teardown);
}
